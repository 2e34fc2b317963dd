/*
 * test_vmath.c — the array exp/log of core/vmath.c against glibc's scalar exp and log (the
 * oracle): within 4 ulp on the vector path (libmvec's stated bound) over random and special
 * arguments, the exact glibc bits on the scalar path, every array length (the padded tail),
 * and a value's result independent of its place in the array.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "core/vmath.h"

#define COUNT 20000

/* Distance in units in the last place between two finite doubles of the same sign. */
static double ulps(double got, double want)
{
    if (got == want) return 0;
    if (isnan(got) || isnan(want) || isinf(got) || isinf(want)) return INFINITY;
    return fabs(got - want) / (nextafter(fabs(want), INFINITY) - fabs(want));
}

static void arguments(double *exp_args, double *log_args)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 17);
    for (size_t k = 0; k < COUNT; k++) {
        /* the EUM fast path's range: r·log b with r ∈ [1/2, 2], b ∈ (0, 1] */
        exp_args[k] = -60 * gsl_rng_uniform(rng);
        log_args[k] = k % 7 == 0 ? pow(10, -300 * gsl_rng_uniform(rng)) : gsl_rng_uniform_pos(rng);
    }
    const double special_exp[] = {0.0, -0.0, -INFINITY, -745.2, -700, 1.0, 700, -1e-300};
    const double special_log[] = {1.0, 0.5, 0.0, 4.9e-324, 2.2250738585072014e-308, 1e300, 2.0};
    memcpy(exp_args, special_exp, sizeof special_exp);
    memcpy(log_args, special_log, sizeof special_log);
    gsl_rng_free(rng);
}

static void check_against_libm(int vector)
{
    static double ea[COUNT], la[COUNT], e[COUNT], l[COUNT];
    en_vmath_allow_vector(vector);
    arguments(ea, la);
    memcpy(e, ea, sizeof e);
    memcpy(l, la, sizeof l);
    en_exp_array(e, COUNT);
    en_log_array(l, COUNT);
    double worst_e = 0, worst_l = 0, bound = en_vmath_vector() ? 4 : 0;
    for (size_t k = 0; k < COUNT; k++) {
        double de = ulps(e[k], exp(ea[k])), dl = ulps(l[k], log(la[k]));
        if (!(de <= bound)) fail_msg("exp(%.17g) = %.17g, libm %.17g", ea[k], e[k], exp(ea[k]));
        if (!(dl <= bound)) fail_msg("log(%.17g) = %.17g, libm %.17g", la[k], l[k], log(la[k]));
        worst_e = fmax(worst_e, de);
        worst_l = fmax(worst_l, dl);
    }
    print_message("%s path: worst exp %.2g ulp, log %.2g ulp\n",
                  en_vmath_vector() ? "vector" : "scalar", worst_e, worst_l);
    en_vmath_allow_vector(1);
}

static void test_vector_path(void **state)
{
    (void)state;
    check_against_libm(1);
}

static void test_scalar_path(void **state)
{
    (void)state;
    check_against_libm(0);
}

/* Arrays of every length up to 13 and every offset: each element equals the element computed
 * alone (the tail goes through the same kernel as the body). */
static void test_lengths_and_places(void **state)
{
    (void)state;
    const double values[13] = {-0.1, -3.5, -20, 0, -1e-9, -700, -42.25, -INFINITY,
                               -0.75, -8, -16.5, -2, -33};
    for (size_t n = 1; n <= 13; n++)
        for (size_t at = 0; at < n; at++) {
            double a[13];
            memcpy(a, values, sizeof a);
            double alone = values[at];
            en_exp_array(&alone, 1);
            en_exp_array(a, n);
            assert_memory_equal(&a[at], &alone, sizeof alone);
            double b[13], single = fabs(values[at]) + 0.5;
            for (size_t k = 0; k < 13; k++) b[k] = fabs(values[k]) + 0.5;
            en_log_array(&single, 1);
            en_log_array(b, n);
            assert_memory_equal(&b[at], &single, sizeof single);
            for (size_t k = n; k < 13; k++) assert_true(b[k] == fabs(values[k]) + 0.5);
        }
    en_exp_array(NULL, 0);
    en_log_array(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_path),
        cmocka_unit_test(test_scalar_path),
        cmocka_unit_test(test_lengths_and_places),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
