/*
 * eum_compare.c — helpers for the tests that hold one EUM path against another (eum_compare.h).
 */
#include "support/eum_compare.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

double test_uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

double test_eum_r_tolerance(const double *danger, size_t n)
{
    double smax = danger[0], smin = danger[0], sabs = 0;
    for (size_t k = 0; k < n; k++) {
        smax = fmax(smax, danger[k]);
        smin = fmin(smin, danger[k]);
        sabs = fmax(sabs, fabs(danger[k]));
    }
    return 1e-9 + 1e-14 * (double)n * (1 + sabs) / (smax - smin);
}

void test_eum_assert_moves_equal(const eum_move *a, const eum_move *b, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(a[k].with, b[k].with);
        assert_int_equal(a[k].type, b[k].type);
        assert_int_equal(a[k].n_offers, b[k].n_offers);
        assert_memory_equal(&a[k].eu_self, &b[k].eu_self, sizeof(double));
        assert_memory_equal(&a[k].eu_other, &b[k].eu_other, sizeof(double));
    }
}
