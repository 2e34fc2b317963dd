/*
 * util.c — checked allocation, strings, the text buffer, number parsing and formatting, and
 * the did-you-mean suggestion (Levenshtein distance) used in error messages.
 */
#define _DEFAULT_SOURCE /* madvise and MADV_HUGEPAGE (sys/mman.h) */
#include "core/util.h"
#include "core/oom.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A failed allocation resumes the public call's out-of-memory guard (core/oom.h), which
 * returns EN_ERROR_NOMEM; without a guard it ends the process with a message. Inside a guard
 * every block gets a trailer chaining it to the guard, so that the unwind can release it. */
void *en_xmalloc(size_t size)
{
    en_oom_guard *g = en_oom_current;
    if (!g) {
        en_oom_unguarded++;
        void *p = malloc(size ? size : 1);
        if (!p) en_oom_fail(size);
        return p;
    }
    size_t full = en_oom_chain_size(size);
    void *p = !full || ((!g->suspended || g->section) && en_oom_injected_now()) ? NULL : malloc(full);
    if (p) {
        en_oom_chain(g, p);
        return p;
    }
    en_oom_fail(size);
}

/* 2 MiB: x86-64's (and arm64's, with 4 KiB pages) transparent huge page. */
#define EN_HUGE_PAGE ((size_t)2 << 20)

void *en_xmalloc_large(size_t size)
{
    size_t align = size >= EN_HUGE_PAGE ? EN_HUGE_PAGE : 64;
    en_oom_guard *g = en_oom_current;
    size_t full = g ? en_oom_chain_size(size) : (size ? size : 1);
    /* whole huge pages: the last one, part table and part slack, is then the block's own */
    if (align == EN_HUGE_PAGE && full)
        full = full > SIZE_MAX - EN_HUGE_PAGE ? 0 : (full + EN_HUGE_PAGE - 1) & ~(EN_HUGE_PAGE - 1);
    void *p = NULL;
    if (!g) en_oom_unguarded++;
    if (!full || (g && (!g->suspended || g->section) && en_oom_injected_now()) ||
        posix_memalign(&p, align, full) != 0)
        en_oom_fail(size);
    if (g) en_oom_chain(g, p);
#ifdef MADV_HUGEPAGE
    /* advice only: where it is refused the block stays in small pages */
    if (align == EN_HUGE_PAGE) (void)madvise(p, full, MADV_HUGEPAGE);
#endif
    return p;
}

void *en_xcalloc(size_t count, size_t size)
{
    en_oom_guard *g = en_oom_current;
    if (!g) {
        en_oom_unguarded++;
        void *p = calloc(count ? count : 1, size ? size : 1);
        if (!p) en_oom_fail(count * size);
        return p;
    }
    size_t full = size && count > SIZE_MAX / size ? 0 : en_oom_chain_size(count * size);
    void *p = !full || ((!g->suspended || g->section) && en_oom_injected_now()) ? NULL : calloc(1, full);
    if (p) {
        en_oom_chain(g, p);
        return p;
    }
    en_oom_fail(count * size);
}

void *en_xrealloc(void *ptr, size_t size)
{
    /* A chained block stays chained at its new address; one from outside the guard (an
     * existing object being grown) stays its owner's, a plain block. */
    en_oom_guard *g = en_oom_current;
    int chained = en_oom_unchain(ptr);
    if (!g || (ptr && !chained)) {
        if (!g) en_oom_unguarded++;
        void *p = realloc(ptr, size ? size : 1);
        if (!p) en_oom_fail(size); /* with a guard, `ptr` is not the call's: its owner's still */
        return p;
    }
    size_t full = en_oom_chain_size(size);
    void *p = !full || ((!g->suspended || g->section) && en_oom_injected_now()) ? NULL : realloc(ptr, full);
    if (p) {
        en_oom_chain(g, p);
        return p;
    }
    /* `ptr` is still valid: chained again for the unwind. */
    if (ptr) en_oom_chain(g, ptr);
    en_oom_fail(size);
}

char *en_xstrdup(const char *text)
{
    return text ? en_xstrndup(text, strlen(text)) : NULL;
}

char *en_xstrndup(const char *text, size_t length)
{
    char *copy = en_xmalloc(length + 1);
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

char *en_xprintf(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(NULL, 0, format, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *text = en_xmalloc((size_t)n + 1);
    va_start(ap, format);
    vsnprintf(text, (size_t)n + 1, format, ap);
    va_end(ap);
    return text;
}

void en_grow(void **array, size_t *capacity, size_t needed, size_t size)
{
    if (needed <= *capacity) return;
    size_t cap = *capacity ? *capacity : 8;
    while (cap < needed) cap *= 2;
    *array = en_xrealloc(*array, cap * size);
    memset((char *)*array + *capacity * size, 0, (cap - *capacity) * size);
    *capacity = cap;
}

/* Growth of a public text buffer: inside a guard a failure unwinds the call like any guarded
 * allocation; outside one (a program's own buffer, or library bookkeeping no guard covers) it
 * is reported through the buffer (include/entente/util.h). */
en_status en_buffer_append(en_buffer *buffer, const char *text, size_t length)
{
    if (buffer->failed) return EN_ERROR_NOMEM;
    if (length > (size_t)-1 / 2 - buffer->length - 1) {
        buffer->failed = 1;
        return EN_ERROR_NOMEM;
    }
    if (buffer->length + length + 1 > buffer->capacity) {
        size_t cap = buffer->capacity ? buffer->capacity : 256;
        while (cap < buffer->length + length + 1) cap *= 2;
        if (en_oom_current) {
            buffer->data = en_xrealloc(buffer->data, cap);
        } else {
            en_oom_unchain(buffer->data); /* a guarded call's buffer grown here: now plain */
            char *data = realloc(buffer->data, cap);
            if (!data) {
                buffer->failed = 1;
                return EN_ERROR_NOMEM;
            }
            buffer->data = data;
        }
        buffer->capacity = cap;
    }
    if (length) memcpy(buffer->data + buffer->length, text, length);
    buffer->length += length;
    buffer->data[buffer->length] = '\0';
    return EN_OK;
}

en_status en_buffer_puts(en_buffer *buffer, const char *text)
{
    return en_buffer_append(buffer, text, strlen(text));
}

en_status en_buffer_printf(en_buffer *buffer, const char *format, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(small, sizeof small, format, ap);
    va_end(ap);
    if (n < 0) return buffer->failed ? EN_ERROR_NOMEM : EN_OK;
    if ((size_t)n < sizeof small) return en_buffer_append(buffer, small, (size_t)n);
    if (buffer->failed) return EN_ERROR_NOMEM;
    char *big;
    if (en_oom_current) {
        big = en_xmalloc((size_t)n + 1);
    } else if (!(big = malloc((size_t)n + 1))) {
        buffer->failed = 1;
        return EN_ERROR_NOMEM;
    }
    va_start(ap, format);
    vsnprintf(big, (size_t)n + 1, format, ap);
    va_end(ap);
    en_status st = en_buffer_append(buffer, big, (size_t)n);
    en_free(big);
    return st;
}

void en_buffer_free(en_buffer *buffer)
{
    if (!buffer) return;
    en_free(buffer->data);
    buffer->data = NULL;
    buffer->length = buffer->capacity = 0;
    buffer->failed = 0;
}

/* Optimal string alignment distance: insertions, deletions, substitutions and swaps of
 * neighbours each cost 1 ("nmae" is one step from "name"). Case-insensitive. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return (size_t)-1;
    static const size_t width = 65;
    size_t d[65 * 65];
    for (size_t i = 0; i <= la; i++) d[i * width] = i;
    for (size_t j = 0; j <= lb; j++) d[j] = j;
    for (size_t i = 1; i <= la; i++) {
        int ca = tolower((unsigned char)a[i - 1]);
        for (size_t j = 1; j <= lb; j++) {
            int cb = tolower((unsigned char)b[j - 1]);
            size_t best = d[(i - 1) * width + j - 1] + (ca != cb);
            if (d[(i - 1) * width + j] + 1 < best) best = d[(i - 1) * width + j] + 1;
            if (d[i * width + j - 1] + 1 < best) best = d[i * width + j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[(i - 2) * width + j - 2] + 1 < best)
                best = d[(i - 2) * width + j - 2] + 1;
            d[i * width + j] = best;
        }
    }
    return d[la * width + lb];
}

const char *en_suggest(const char *word, const char *const *candidates, size_t count)
{
    const char *best = NULL;
    size_t best_distance = (size_t)-1;
    for (size_t i = 0; i < count; i++) {
        size_t d = edit_distance(word, candidates[i]);
        if (d < best_distance) {
            best_distance = d;
            best = candidates[i];
        }
    }
    /* A suggestion helps only when the word is plausibly a typo of it. */
    size_t length = strlen(word);
    size_t allowed = length <= 4 ? 1 : length <= 8 ? 2 : 3;
    return best_distance <= allowed ? best : NULL;
}

int en_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || !ca) return ca - cb;
    }
}

int en_parse_double(const char *text, double *out)
{
    if (!text || !*text || isspace((unsigned char)*text)) return 0;
    /* strtod accepts "nan", "inf" and hex floats; a scenario number is plain decimal. */
    for (const char *p = text; *p; p++) {
        if (!strchr("0123456789+-.eE", *p)) return 0;
    }
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (*end || errno == ERANGE || !isfinite(value)) return 0;
    *out = value;
    return 1;
}

int en_parse_long(const char *text, long min, long max, long *out)
{
    if (!text || !*text || isspace((unsigned char)*text)) return 0;
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (*end || errno == ERANGE || value < min || value > max) return 0;
    *out = value;
    return 1;
}

/* The powers of ten that are exact doubles: 10^k = 5^k · 2^k, exact while 5^k < 2^53 (k <= 22). */
static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
 * The fast paths below give exactly the bytes of the plain loop at the end of
 * en_format_double: the first of "%.15g", "%.16g", "%.17g" whose text strtod reads back as the
 * value. They rely on what C and IEEE 754 guarantee and glibc provides: double arithmetic in
 * double precision (FLT_EVAL_METHOD 0, checked below), round-to-nearest-even (the default
 * mode, which entente never changes), "%.Pg"/"%.Pe" printing the value correctly rounded to P
 * significant digits, and strtod returning the double nearest to the decimal it reads.
 *
 * "%.Pg" layout (C11 7.21.6.1): round the value to P significant digits; let X be the decimal
 * exponent of that rounded value. If -4 <= X < P it is written in fixed notation with P-1-X
 * decimals, else as d.ddd e±XX (at least two exponent digits) with P-1 decimals; then trailing
 * zeros of the fraction are removed, and the point too when no fraction is left. A negative
 * value is "-" followed by the text of its magnitude. The text of the P digits d0 d1 ... with
 * exponent X is therefore a function of (sign, digits, X, P) only: put_g below.
 */

/* Writes sign, the digits digit[0..count-1] (digit[0] != 0) of d0.d1d2... × 10^exponent in
 * "%.<precision>g" layout (see above; count <= precision). Returns the length written. */
static size_t put_g(char *out, int negative, const char *digit, int count, int exponent, int precision)
{
    size_t at = 0;
    if (negative) out[at++] = '-';
    while (count > 1 && digit[count - 1] == '0') count--; /* %g drops trailing zeros */
    if (exponent < -4 || exponent >= precision) {
        out[at++] = digit[0];
        if (count > 1) {
            out[at++] = '.';
            for (int i = 1; i < count; i++) out[at++] = digit[i];
        }
        out[at++] = 'e';
        out[at++] = exponent < 0 ? '-' : '+';
        unsigned e = (unsigned)(exponent < 0 ? -exponent : exponent);
        if (e >= 100) out[at++] = (char)('0' + e / 100);
        out[at++] = (char)('0' + e / 10 % 10);
        out[at++] = (char)('0' + e % 10);
    } else if (exponent < 0) {
        out[at++] = '0';
        out[at++] = '.';
        for (int i = -1; i > exponent; i--) out[at++] = '0';
        for (int i = 0; i < count; i++) out[at++] = digit[i];
    } else {
        for (int i = 0; i <= exponent; i++) out[at++] = i < count ? digit[i] : '0';
        if (count > exponent + 1) {
            out[at++] = '.';
            for (int i = exponent + 1; i < count; i++) out[at++] = digit[i];
        }
    }
    out[at] = '\0';
    return at;
}

/*
 * A value that is the double nearest to a short decimal D = m / 10^k (k = 1..6 decimals,
 * 1 <= m < 10^15, D >= 10^-4): the positions KTAB rounds to 4 decimals, shares, parameters.
 * Writes it and returns 1, else returns 0.
 *
 * Why the bytes equal the plain loop's:
 * - m and 10^k are exact doubles (m < 10^15 < 2^53, k <= 22), so m / 10^k in IEEE division is
 *   the double nearest to D, which is what strtod returns for any text of D. Accepting only
 *   when it equals |value| proves |value| = nearest(D); how m was found (a product that may
 *   round) does not matter. The sign is symmetric in printf and strtod; 0 and -0 never get here
 *   (m >= 1).
 * - D has at most 15 significant digits (those of m), so rounding |value| to 15 digits gives D
 *   back: |value - D| <= 2^-53 |value| < 2^-53 · 10^(X+1) < 0.5 · 10^(X-14), half a unit of
 *   the 15th digit (X the decimal exponent of D). "%.15g" therefore prints D, and it reads
 *   back as value: the loop stops at precision 15 with the text of D.
 * - That text, by the layout above with X = exponent of D: X >= -4 (D >= 10^-4) and
 *   X < 15 - k < 15 (m < 10^15), so fixed notation; the decimals of D beyond its last nonzero
 *   one are dropped, as %g drops trailing zeros. It is what is written here: the integer part
 *   m / 10^k, and the k decimals of m % 10^k with m's trailing zeros removed (and no point
 *   when none is left; that cannot happen: D would be whole and take the whole-number path).
 */
static int format_short_decimal(char *out, double value)
{
    double magnitude = fabs(value);
    for (int k = 1; k <= 6; k++) {
        double scaled = magnitude * exact_pow10[k];
        if (!(scaled < 1e15)) return 0; /* and NaN, infinity: more decimals only scale further */
        double m = nearbyint(scaled);
        if (m < exact_pow10[k > 4 ? k - 4 : 0]) continue; /* D < 10^-4: exponent notation */
        if (m / exact_pow10[k] != magnitude) continue;
        unsigned long long u = (unsigned long long)m;
        int places = k;
        while (places > 0 && u % 10 == 0) u /= 10, places--;
        if (!places) return 0;
        char digit[24];
        int count = 0;
        for (unsigned long long t = u; t; t /= 10) digit[count++] = (char)('0' + t % 10);
        for (int i = 0, j = count - 1; i < j; i++, j--) {
            char c = digit[i];
            digit[i] = digit[j];
            digit[j] = c;
        }
        /* count digits with the last at 10^-places: the leading one is at 10^(count-1-places) */
        put_g(out, value < 0, digit, count, count - 1 - places, 15);
        return 1;
    }
    return 0;
}

#ifdef __SIZEOF_INT128__
/*
 * The 17 significant digits of magnitude in [10^-5, 10^15), correctly rounded (ties to even,
 * as printf rounds in the default mode), and the decimal exponent of the rounded value: what
 * "%.16e" prints, computed exactly in 128-bit integers; and *side, the sign of magnitude
 * minus those rounded digits (-1, 0 or 1), which settles the rounding to 15 or 16 digits when
 * the 17 digits alone cannot (see format_from_17_digits). Returns 0 outside that range.
 *
 * magnitude = f · 2^-k exactly (f < 2^53 its significand, 3 <= k <= 70 in this range). With
 * s = 16 - X (X = floor(log10 magnitude), so 2 <= s <= 21), magnitude · 10^s = f · 10^s / 2^k,
 * and f · 10^s < 2^53 · 10^21 < 2^123 fits: the quotient by 2^k (a shift) and its remainder
 * are exact, so the rounding is exact. s is found by trying: the truncated quotient must have
 * 17 digits. A rounding up to 10^17 is the carry of 9.99... to 1.000... × 10^(X+1).
 */
static int exact_17_digits(double magnitude, char *digit, int *exponent, int *side)
{
    if (!(magnitude >= 1e-5 && magnitude < 1e15)) return 0;
    int binary;
    double fraction = frexp(magnitude, &binary); /* magnitude = fraction · 2^binary, [0.5, 1) */
    unsigned long long f = (unsigned long long)ldexp(fraction, 53); /* exact: 53 bits */
    int k = 53 - binary;
    if (k < 1 || k > 100) return 0;
    int x = (int)floor((binary - 1) * 0.30102999566398120); /* log10(2^(binary-1)), maybe 1 low */
    static const unsigned long long p17 = 100000000000000000ull, p16 = 10000000000000000ull;
    for (int attempt = 0; attempt < 3; attempt++) {
        int s = 16 - x;
        if (s < 0 || s > 22) return 0;
        unsigned __int128 scale = 1;
        for (int i = 0; i < s; i++) scale *= 10;
        unsigned __int128 product = (unsigned __int128)f * scale;
        unsigned __int128 quotient = product >> k;
        if (quotient >= p17) {
            x++;
            continue;
        }
        if (quotient < p16) {
            x--;
            continue;
        }
        unsigned __int128 remainder = product - (quotient << k);
        unsigned __int128 half = (unsigned __int128)1 << (k - 1);
        unsigned long long n = (unsigned long long)quotient;
        int up = remainder > half || (remainder == half && (n & 1));
        n += (unsigned long long)up;
        *side = up ? -1 : remainder != 0;
        if (n == p17) {
            n = p16; /* 1 followed by 16 zeros */
            x++;
        }
        for (int i = 16; i >= 0; i--, n /= 10) digit[i] = (char)('0' + n % 10);
        *exponent = x;
        return 1;
    }
    return 0;
}
#else
static int exact_17_digits(double magnitude, char *digit, int *exponent, int *side)
{
    (void)magnitude, (void)digit, (void)exponent, (void)side;
    return 0;
}
#endif

/*
 * Any other finite nonzero value: its 17 significant digits, correctly rounded, and their
 * exponent E — from exact_17_digits, or else from one "%.16e" — instead of up to three printf
 * and three strtod calls. Writes the plain loop's text and returns 1, or returns 0 (the loop
 * then runs) when the digits cannot decide the rounding to fewer digits.
 *
 * Why the bytes equal the plain loop's:
 * - "%.17g" prints the same 17 digits with the same exponent (the same correctly rounded
 *   value), so its text is put_g of them with precision 17.
 * - The value rounded to P = 15 or 16 digits from the 17: write the 17-digit value S as
 *   value + r with |r| <= half a unit of the 17th digit. The digits of value beyond the P-th,
 *   in units of the 17th digit, are t + r' where t is the number S has there (00..99 for P=15,
 *   0..9 for P=16) and |r'| <= 0.5. Rounding value to P digits goes up iff that tail exceeds
 *   half a unit of the P-th digit (50 or 5); with t != 50 (resp. t != 5) the tail is on the
 *   same side as t, so rounding S's digits gives the same P digits. With t = 50 (or 5) the
 *   tail is half plus r', so the sign of r' = value - S decides: up when positive, down when
 *   negative, and when zero (an exact tie) to the even digit, as printf rounds ties in the
 *   default mode. That sign is known from exact_17_digits; after "%.16e" it is not, and
 *   the loop runs. A carry out of the first digit (9.99...) gives 1 followed
 *   by zeros and exponent E + 1 — what printf gives, as its exponent is that of the rounded
 *   value. (When S itself carried to 10^E, value rounds to 10^E at any P < 17 as well.)
 * - Reading back: the P digits are an integer M times 10^q. When M <= 2^53 and |q| <= 22 both
 *   are exact doubles and M·10^q or M / 10^-q, correctly rounded by IEEE, is the double
 *   nearest to the decimal, i.e. what strtod returns for the text; otherwise strtod is called
 *   on the text, as the loop does.
 */
static int format_from_17_digits(char *out, double value)
{
    int negative = signbit(value) != 0;
    char digit[17];
    int exponent, side;
    if (!exact_17_digits(fabs(value), digit, &exponent, &side)) {
        side = 2; /* unknown */
        char text[40];
        int n = snprintf(text, sizeof text, "%.16e", value);
        if (n < 21 || n >= (int)sizeof text) return 0;
        const char *p = text + negative;
        digit[0] = p[0];
        memcpy(digit + 1, p + 2, 16);                 /* d.dddddddddddddddd */
        exponent = (int)strtol(p + 18 + 1, NULL, 10); /* after the 'e' */
        if (digit[0] == '0') return 0;                /* zero: not expected here */
    }
    for (int precision = 15; precision <= 16; precision++) {
        /* the digits dropped, against half a unit of the last digit kept */
        int tail = precision == 15 ? (digit[15] - '0') * 10 + digit[16] - '0' : digit[16] - '0';
        int half = precision == 15 ? 50 : 5;
        int up;
        if (tail != half) up = tail > half;
        else if (side == 2) return 0;
        else up = side > 0 || (side == 0 && (digit[precision - 1] - '0') % 2);
        char rounded[17];
        memcpy(rounded, digit, (size_t)precision);
        int x = exponent;
        if (up) {
            int i = precision - 1;
            while (i >= 0 && rounded[i] == '9') rounded[i--] = '0';
            if (i >= 0) {
                rounded[i]++;
            } else {
                rounded[0] = '1'; /* all nines: 10^(exponent+1) */
                x++;
            }
        }
        char candidate[40];
        put_g(candidate, negative, rounded, precision, x, precision);
        int kept = precision;
        while (kept > 1 && rounded[kept - 1] == '0') kept--;
        unsigned long long m = 0;
        for (int i = 0; i < kept; i++) m = m * 10 + (unsigned long long)(rounded[i] - '0');
        int q = x - (kept - 1);
        double back;
        if (m <= (1ull << 53) && q >= -22 && q <= 22) {
            back = q >= 0 ? (double)m * exact_pow10[q] : (double)m / exact_pow10[-q];
            if (negative) back = -back;
        } else {
            back = strtod(candidate, NULL);
        }
        if (back == value) {
            strcpy(out, candidate);
            return 1;
        }
    }
    put_g(out, negative, digit, 17, exponent, 17);
    return 1;
}

void en_format_double(char *out, size_t size, double value)
{
    /* A whole number below 10^15 in magnitude (ids, rounds, counts, exact zeros: much of a
     * large JSON document) is what "%.15g" prints for it, its digits, and reads back exactly:
     * written directly, without the printf and strtod round trip. -0 takes the general path. */
    if (value > -1e15 && value < 1e15 && size >= 18 && value == (double)(long long)value &&
        !(value == 0 && signbit(value))) {
        long long v = (long long)value;
        char digits[20];
        size_t k = 0;
        unsigned long long u = v < 0 ? (unsigned long long)(-v) : (unsigned long long)v;
        do {
            digits[k++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        size_t at = 0;
        if (v < 0) out[at++] = '-';
        while (k) out[at++] = digits[--k];
        out[at] = '\0';
        return;
    }
#if FLT_EVAL_METHOD == 0
    /* Room for the longest text, "-1.2345678901234567e-308"; smaller buffers take the loop,
     * which truncates as snprintf does. */
    if (size >= 32 && isfinite(value) && value != 0) {
        if (format_short_decimal(out, value)) return;
        if (format_from_17_digits(out, value)) return;
    }
#endif
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(out, size, "%.*g", precision, value);
        if (strtod(out, NULL) == value) return;
    }
}
