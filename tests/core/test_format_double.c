/*
 * test_format_double.c — en_format_double (core/util.h), the number text of every JSON and CSV
 * output, against a naive reference written here: the first of "%.15g", "%.16g", "%.17g" that
 * reads back as the same double. The whole numbers it writes without printf must give exactly
 * the reference's bytes: small and large ones, negative ones, the edges of 10^15 and 2^53,
 * zero and minus zero, and a sweep of pseudo-random values of every magnitude. So must the
 * short decimals written without printf (m / 10^k, KTAB's 4-decimal positions) and the other
 * values derived from a single "%.16e": every m / 10^k for k <= 6 over ranges of m, values
 * next to powers of ten and to the 10^-4 and 10^15 layout edges, decimals half a unit off,
 * 15-, 16- and 17-digit ties, random bit patterns of every exponent, subnormals, huge and tiny.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/util.h"

static void reference(char *out, size_t size, double value)
{
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(out, size, "%.*g", precision, value);
        if (strtod(out, NULL) == value) return;
    }
}

static void check(double value)
{
    char mine[40], theirs[40];
    memset(mine, 'x', sizeof mine);
    en_format_double(mine, sizeof mine, value);
    reference(theirs, sizeof theirs, value);
    if (strcmp(mine, theirs) != 0) fail_msg("%.17g: wrote '%s', expected '%s'", value, mine, theirs);
}

static void whole_numbers_and_edges(void **state)
{
    (void)state;
    const double fixed[] = {0.0, -0.0, 1, -1, 2, 9, 10, 11, 99, 100, 1000, 123456789, -987654321,
                            1e14, 1e15 - 1, -(1e15 - 1), 1e15, -1e15, 1e15 + 1, 1e16, 9007199254740992.0,
                            9007199254740993.0, 1e300, -1e300, 0.5, -0.5, 1.5, 0.1, 1.0 / 3, 2.0 / 3,
                            99.99999999999999, 100.00000000000001, 4503599627370495.5, 1e-300,
                            5e-324, INFINITY, -INFINITY, 999999999999999.9};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) check(fixed[i]);
    for (long long v = -2000; v <= 2000; v++) check((double)v);
    char nan_text[40];
    en_format_double(nan_text, sizeof nan_text, NAN); /* callers write null; only no crash here */
}

static void random_values(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double u = (double)(x >> 11) / 9007199254740992.0;
        int e = (int)(x % 40) - 5;
        double v = (x & 1 ? -1 : 1) * u * pow(10, e);
        check(v);
        check(floor(v)); /* a whole number of the same magnitude */
        check(round(v * 100) / 100);
    }
}

/* Every m / 10^k with k = 1..6 for m in [-150000, 150000] (shares, 4-decimal positions, small
 * parameters), and for m near the edges of the written-out range: 10^(k-4) (value 10^-4,
 * below which %g switches to exponent notation) and 10^15 (15 significant digits). */
static void short_decimals(void **state)
{
    (void)state;
    for (int k = 1; k <= 6; k++) {
        double p = pow(10, k);
        for (long long m = -150000; m <= 150000; m++) check((double)m / p);
        for (long long m = -2000; m <= 2000; m++) {
            check((double)(m + 1000000000000000ll) / p);
            check((double)(999999999999000ll + m) / p);
            check((double)(m + (k > 4 ? 10 * (k == 6 ? 10 : 1) : 1)) / p);
        }
    }
}

/* KTAB positions: round4 of a value in [0, 1], m / 10^4, and the same times 100 (a 0-100 scale,
 * which often is not the double nearest to the 2-decimal number: 50.74000000000001); and the
 * same numbers one unit in the last place either side. */
static void ktab_positions(void **state)
{
    (void)state;
    for (long long m = 0; m <= 10000; m++) {
        double v = (double)m / 1e4;
        check(v);
        check(v * 100);
        check(nextafter(v, 2));
        check(nextafter(v, -1));
        check(nextafter(v * 100, 200));
        check(nextafter(v * 100, -1));
        check(round(v * 100 * 1e4) / 1e4);
    }
    for (long long m = 0; m <= 1000000; m += 7) check((double)m / 1e4);
}

/* Probabilities (quotients and products of random shares), and values where x·10^k lands on or
 * next to a half: (m + 0.5) / 10^k and its neighbours. */
static void probabilities_and_halves(void **state)
{
    (void)state;
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double a = (double)(x >> 11) / 9007199254740992.0;
        double b = (double)((x * 0x9e3779b97f4a7c15ull) >> 11) / 9007199254740992.0;
        check(a);
        check(a / (a + b));
        check(a * b);
        check(1 - a);
        int k = (int)(x % 7);
        double h = ((double)(x % 100000) + 0.5) / pow(10, k);
        check(h);
        check(nextafter(h, 0));
        check(nextafter(h, 1e300));
    }
}

/* Next to powers of ten (where the digit count and the exponent change), 15- and 16-digit
 * ties (whole numbers above 10^15 ending in 5 or 50, and decimals of 17 digits ending in 50
 * or 5), subnormals, the largest and smallest doubles, and random bit patterns. */
static void edges_ties_and_bits(void **state)
{
    (void)state;
    for (int e = -320; e <= 308; e++) {
        double v = pow(10, e);
        double up = v, down = v;
        for (int j = 0; j < 12; j++) {
            check(up), check(-up), check(down), check(-down);
            up = nextafter(up, INFINITY);
            down = nextafter(down, 0);
        }
    }
    const double fixed[] = {DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN,
                            DBL_EPSILON, 1e-4, 0.0001, 0.00009999999999999999, 1e-5, 0.00012345,
                            123456789012345.6, 12345678901234.56, 0.1 + 0.2, 1e22, 1e23, 5e-324,
                            2.2250738585072014e-308, 1234567890123455.0, 1234567890123450.0};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) check(fixed[i]), check(-fixed[i]);
    uint64_t x = 0x853c49e6748fea9bull;
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (isfinite(v)) check(v);
        uint64_t sub = x & ((1ull << 52) - 1); /* a subnormal */
        memcpy(&v, &sub, sizeof v);
        check(v);
        long long whole = 1000000000000000ll + (long long)(x % 9000000000000000ull);
        check((double)(whole - whole % 10 + 5));
        check((double)(whole - whole % 100 + 50));
        char text[40];
        snprintf(text, sizeof text, "0.%015llu50e%d", (unsigned long long)(x % 1000000000000000ull),
                 (int)(x % 41) - 20);
        check(strtod(text, NULL));
        double r = (double)(x >> 11) / 9007199254740992.0 * pow(10, (int)(x % 61) - 30) + 1e-30;
        snprintf(text, sizeof text, "%.16e", r);
        text[17] = '5'; /* the 17th digit */
        check(strtod(text, NULL));
    }
}

/* Dyadic values m · 2^-k with m of every bit length: their decimal expansions end after k
 * digits, and many end in a 5 just past the 17th significant digit (an exact tie, which printf
 * rounds to even: 987654321098765.125), or past the 15th or 16th. */
static void dyadic_ties(void **state)
{
    (void)state;
    uint64_t x = 0xda942042e4dd58b5ull;
    for (int k = 1; k <= 80; k++) {
        for (int bits = 1; bits <= 53; bits++) {
            for (int j = 0; j < 60; j++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                uint64_t m = (x >> (64 - bits)) | 1 | (1ull << (bits - 1));
                double v = ldexp((double)m, -k);
                check(v);
                check(-v);
            }
        }
    }
    check(987654321098765.125);
    check(987654321098765.375);
    check(123456789012345.0625);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_numbers_and_edges),
        cmocka_unit_test(random_values),
        cmocka_unit_test(short_decimals),
        cmocka_unit_test(ktab_positions),
        cmocka_unit_test(probabilities_and_halves),
        cmocka_unit_test(edges_ties_and_bits),
        cmocka_unit_test(dyadic_ties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
