/*
 * test_statistics.c — the round statistics every model reports: weighted mean and weighted
 * median (with its tie rule), against hand-computed values and a brute-force minimiser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/result.h"

static void mean_hand_cases(void **state)
{
    (void)state;
    double x[] = {0, 100}, w[] = {1.5, 1};
    assert_float_equal(en_weighted_mean(x, w, 2), 40, 1e-12);
    double zero[] = {0, 0};
    assert_float_equal(en_weighted_mean(x, zero, 2), 50, 1e-12); /* no weight: plain mean */
}

static void median_hand_cases(void **state)
{
    (void)state;
    double x[] = {0, 30, 100}, w[] = {1, 1, 3};
    assert_float_equal(en_weighted_median(x, w, 3), 100, 0);
    /* tie: cumulative weight reaches exactly half at 0; 0 and 60 both minimise; the weighted
     * mean is 40, so 60 is nearer */
    double tx[] = {0, 60, 100}, tw[] = {2, 1, 1};
    assert_float_equal(en_weighted_median(tx, tw, 3), 60, 0);
    /* symmetric tie: equally near the mean, the lower wins */
    double sx[] = {0, 100}, sw[] = {1, 1};
    assert_float_equal(en_weighted_median(sx, sw, 2), 0, 0);
    /* order of input does not matter */
    double ux[] = {100, 0, 30}, uw[] = {3, 1, 1};
    assert_float_equal(en_weighted_median(ux, uw, 3), 100, 0);
}

/* The median minimises F(p) = Σ w|x − p| over actor positions: check against brute force. */
static void median_minimises_weighted_distance(void **state)
{
    (void)state;
    srand(7);
    for (int trial = 0; trial < 500; trial++) {
        size_t n = 1 + (size_t)(rand() % 12);
        double x[12], w[12];
        for (size_t i = 0; i < n; i++) {
            x[i] = (double)(rand() % 21);
            w[i] = (double)(rand() % 5) + 0.25 * (rand() % 4);
        }
        double m = en_weighted_median(x, w, n);
        double total = 0;
        for (size_t i = 0; i < n; i++) total += w[i];
        if (!(total > 0)) continue;
        double fm = 0, best = HUGE_VAL;
        for (size_t i = 0; i < n; i++) fm += w[i] * fabs(x[i] - m);
        for (size_t j = 0; j < n; j++) {
            double f = 0;
            for (size_t i = 0; i < n; i++) f += w[i] * fabs(x[i] - x[j]);
            if (f < best) best = f;
        }
        assert_true(fm <= best + 1e-9);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mean_hand_cases),
        cmocka_unit_test(median_hand_cases),
        cmocka_unit_test(median_minimises_weighted_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
