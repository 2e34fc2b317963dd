/*
 * test_format_double.c — en_format_double (core/util.h), the number text of every JSON and CSV
 * output, against a naive reference written here: the first of "%.15g", "%.16g", "%.17g" that
 * reads back as the same double. The whole numbers it writes without printf must give exactly
 * the reference's bytes: small and large ones, negative ones, the edges of 10^15 and 2^53,
 * zero and minus zero, and a sweep of pseudo-random values of every magnitude.
 */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_numbers_and_edges),
        cmocka_unit_test(random_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
