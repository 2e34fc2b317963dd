/*
 * util.c — checked allocation, strings, the text buffer, number parsing and the did-you-mean
 * suggestion (Levenshtein distance) used in error messages.
 */
#include "core/util.h"
#include "core/oom.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(out, size, "%.*g", precision, value);
        if (strtod(out, NULL) == value) return;
    }
}
