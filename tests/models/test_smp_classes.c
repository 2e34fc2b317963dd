/*
 * test_smp_classes.c — the distinct positions of an smp state (models/smp_classes.h) against
 * KTAB's rule written out here as its all-pairs double loop: the same representatives and the
 * same class for every row, on random states, on clusters whose members sit just inside and
 * just outside the tolerance (in the first coordinate and across the others), on ties of the
 * first coordinate, on a single position held by everyone, and with non-finite coordinates.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/smp_classes.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* KTAB's rule, pair by pair. */
static void reference(const double *x, size_t n, size_t d, double tol, size_t *unique,
                      size_t *count, size_t *class_of)
{
    size_t c = 0;
    for (size_t a = 0; a < n; a++) {
        long match = -1;
        for (size_t u = 0; u < c; u++) {
            double s = 0.0;
            for (size_t k = 0; k < d; k++) {
                double diff = x[a * d + k] - x[unique[u] * d + k];
                s += diff * diff;
            }
            if (sqrt(s) < tol) match = (long)u;
        }
        if (match < 0) unique[c] = a, match = (long)c++;
        class_of[a] = (size_t)match;
    }
    for (size_t a = 0; a < n; a++)
        for (size_t u = 0; u < c; u++) {
            double s = 0.0;
            for (size_t k = 0; k < d; k++) {
                double diff = x[a * d + k] - x[unique[u] * d + k];
                s += diff * diff;
            }
            if (sqrt(s) < tol) class_of[a] = u;
        }
    *count = c;
}

static void check(const double *x, size_t n, size_t d, double tol)
{
    size_t *u1 = calloc(n + 1, sizeof *u1), *u2 = calloc(n + 1, sizeof *u2);
    size_t *c1 = calloc(n + 1, sizeof *c1), *c2 = calloc(n + 1, sizeof *c2);
    size_t n1 = 0, n2 = 0;
    reference(x, n, d, tol, u1, &n1, c1);
    smp_position_classes(x, n, d, tol, u2, &n2, c2);
    assert_int_equal(n1, n2);
    assert_memory_equal(u1, u2, n1 * sizeof *u1);
    assert_memory_equal(c1, c2, n * sizeof *c1);
    free(u1), free(u2), free(c1), free(c2);
}

static void test_random_states(void **state)
{
    (void)state;
    for (int rep = 0; rep < 200; rep++) {
        size_t n = 1 + (size_t)(uniform() * 300), d = 1 + (size_t)(uniform() * 6);
        double *x = malloc(n * d * sizeof *x);
        for (size_t i = 0; i < n * d; i++) x[i] = uniform();
        check(x, n, d, 1e-3);
        check(x, n, d, 0.3); /* coarse: many chained neighbours */
        free(x);
    }
}

/* Clusters of points around a few centres, each offset a distance near the tolerance (just
 * inside, at, just outside) in a random direction, so that chains of near-matches decide the
 * representatives and the last-match rule decides the classes. */
static void test_clusters_near_tolerance(void **state)
{
    (void)state;
    const double tol = 1e-3;
    for (int rep = 0; rep < 300; rep++) {
        size_t n = 2 + (size_t)(uniform() * 200), d = 1 + (size_t)(uniform() * 6);
        size_t centres = 1 + (size_t)(uniform() * 5);
        double *c = malloc(centres * d * sizeof *c), *x = malloc(n * d * sizeof *x);
        for (size_t i = 0; i < centres * d; i++) c[i] = uniform();
        for (size_t a = 0; a < n; a++) {
            size_t k0 = (size_t)(uniform() * centres);
            double dir[6], norm = 0;
            for (size_t k = 0; k < d; k++) dir[k] = uniform() - 0.5, norm += dir[k] * dir[k];
            norm = sqrt(norm) + 1e-300;
            double pick = uniform(), r;
            if (pick < 0.25) r = tol * (1 - 1e-12);
            else if (pick < 0.5) r = tol * (1 + 1e-12);
            else if (pick < 0.6) r = tol;
            else if (pick < 0.7) r = 0;
            else r = tol * 2 * uniform();
            int axis = uniform() < 0.3; /* along the first coordinate only */
            for (size_t k = 0; k < d; k++)
                x[a * d + k] = c[k0 * d + k] + (axis ? (k == 0 ? r : 0) : r * dir[k] / norm);
        }
        check(x, n, d, tol);
        free(c), free(x);
    }
}

static void test_ties_and_one_position(void **state)
{
    (void)state;
    enum { N = 120, D = 3 };
    double x[N * D];
    /* equal first coordinates, other coordinates spread by a multiple of the tolerance */
    for (size_t a = 0; a < N; a++) {
        x[a * D] = 0.5;
        x[a * D + 1] = (double)(a % 7) * 0.9e-3;
        x[a * D + 2] = (double)(a % 5) * 0.6e-3;
    }
    check(x, N, D, 1e-3);
    for (size_t i = 0; i < N * D; i++) x[i] = 0.25;
    check(x, N, D, 1e-3);
    check(x, 1, D, 1e-3);
    check(x, 0, D, 1e-3);
}

static void test_non_finite(void **state)
{
    (void)state;
    enum { N = 40, D = 2 };
    double x[N * D];
    for (size_t a = 0; a < N; a++) {
        x[a * D] = (double)(a % 4) * 0.5e-3;
        x[a * D + 1] = 0.1;
    }
    x[3 * D] = NAN;
    x[7 * D + 1] = NAN;
    x[11 * D] = INFINITY;
    x[12 * D] = INFINITY;
    x[13 * D] = -INFINITY;
    x[17 * D + 1] = INFINITY;
    check(x, N, D, 1e-3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_states),
        cmocka_unit_test(test_clusters_near_tolerance),
        cmocka_unit_test(test_ties_and_one_position),
        cmocka_unit_test(test_non_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
