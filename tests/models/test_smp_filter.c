/*
 * test_smp_filter.c — the filter of the smp queue elections (models/smp_filter.h) against a
 * naive exact election written here: every winner the filter decides must be the exact
 * election's pick, on random elections and on adversarial near-ties where the approximate
 * utilities lean the wrong way by as much as their bound allows. Ignoring the bounds (scale 0)
 * must make these tests fail, which shows they can; and the bound on the bargain utilities'
 * shortcut must hold for sums of a thousand terms. Both entries are tested: error bounds as
 * rows (smp_filter_queue_winner) and as one weighted sum per option (..._sums).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/smp_filter.h"

static uint64_t rng_state = 88172645463325252ull;

static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* The exact election, as KTAB defines it: coalitions 1e-8 + the positive votes w·(u_x − u_y)
 * added voter by voter, P = C_xy / (C_xy + C_yx), the product of an option's P (1/2 against
 * itself), divided by the total; the first most likely option wins. */
static size_t exact_pick(size_t voters, size_t q, const double *w, const double *u)
{
    double p[16], total = 0.0;
    for (size_t x = 0; x < q; x++) {
        double prod = 1.0;
        for (size_t y = 0; y < q; y++) {
            if (y == x) {
                prod *= 0.5;
                continue;
            }
            double cxy = 1e-8, cyx = 1e-8;
            for (size_t a = 0; a < voters; a++) {
                double v = w[a] * (u[a * q + x] - u[a * q + y]);
                if (v > 0) cxy += v;
                double v2 = w[a] * (u[a * q + y] - u[a * q + x]);
                if (v2 > 0) cyx += v2;
            }
            prod *= cxy / (cxy + cyx);
        }
        p[x] = prod;
    }
    for (size_t x = 0; x < q; x++) total += p[x];
    size_t pick = 0;
    for (size_t x = 0; x < q; x++) p[x] = p[x] / total;
    for (size_t x = 1; x < q; x++)
        if (p[pick] < p[x]) pick = x;
    return pick;
}

static double scratch[2 * 16 * 16 + 3 * 16];

/* 1: the tests call smp_filter_queue_winner_sums, with each option's weighted error bounds
 * summed here, voters in descending order (the filter allows any order). */
static int use_sums;

/* The filter takes one row per option; the tests build voter-major tables (u[a·q + o]). */
static long filter(size_t voters, size_t q, const double *w, const double *u, const double *eps)
{
    double *cols = malloc(2 * voters * q * sizeof *cols);
    const double *urow[16] = {0}, *erow[16] = {0};
    for (size_t o = 0; o < q; o++) {
        for (size_t a = 0; a < voters; a++) {
            cols[o * voters + a] = u[a * q + o];
            cols[(q + o) * voters + a] = eps[a * q + o];
        }
        urow[o] = &cols[o * voters], erow[o] = &cols[(q + o) * voters];
    }
    double C[16 * 16];
    smp_filter_coalitions(voters, q, w, urow, C);
    long got;
    if (use_sums) {
        double E[16];
        for (size_t o = 0; o < q; o++) {
            E[o] = 0.0;
            for (size_t a = voters; a-- > 0;) E[o] += w[a] * erow[o][a];
        }
        got = smp_filter_queue_winner_sums(voters, q, w, E, C, scratch);
    } else {
        got = smp_filter_queue_winner(voters, q, w, erow, C, scratch);
    }
    free(cols);
    return got;
}

/* Random elections: options close together (utilities 0.5 ± 1e-3), approximate utilities off
 * by up to their bound in a random direction. Returns how many decisions were wrong; *decided
 * counts the decided ones. */
static int random_elections(int trials, int *decided)
{
    int wrong = 0;
    *decided = 0;
    for (int t = 0; t < trials; t++) {
        size_t voters = 20 + (size_t)(uniform() * 200), q = 2 + (size_t)(uniform() * 5);
        double *w = malloc(voters * sizeof *w), *u = malloc(voters * q * sizeof *u);
        double *ua = malloc(voters * q * sizeof *ua), *eps = malloc(voters * q * sizeof *eps);
        for (size_t a = 0; a < voters; a++) {
            w[a] = 1 + 99 * uniform();
            for (size_t o = 0; o < q; o++) {
                u[a * q + o] = 0.5 + 1e-3 * (uniform() - 0.5);
                eps[a * q + o] = 1e-13 * uniform();
                ua[a * q + o] = u[a * q + o] + eps[a * q + o] * (2 * uniform() - 1);
            }
        }
        long got = filter(voters, q, w, ua, eps);
        if (got >= 0) {
            (*decided)++;
            if ((size_t)got != exact_pick(voters, q, w, u)) wrong++;
        }
        free(w), free(u), free(ua), free(eps);
    }
    return wrong;
}

/* Near-ties: option 1 is option 0 (an exact tie, which the exact election gives to option 0)
 * or option 0 nudged by a few ulps for one voter; the approximate utilities lean towards the
 * loser by their whole bound. Returns how many decisions were wrong. */
static int near_ties(int trials, int *decided)
{
    int wrong = 0;
    *decided = 0;
    for (int t = 0; t < trials; t++) {
        size_t voters = 5 + (size_t)(uniform() * 60), q = 2 + (size_t)(uniform() * 3);
        double *w = malloc(voters * sizeof *w), *u = malloc(voters * q * sizeof *u);
        double *ua = malloc(voters * q * sizeof *ua), *eps = malloc(voters * q * sizeof *eps);
        for (size_t a = 0; a < voters; a++) {
            w[a] = 1 + 99 * uniform();
            for (size_t o = 0; o < q; o++) u[a * q + o] = 0.3 + 0.4 * uniform();
            u[a * q + 1] = u[a * q + 0];
        }
        if (t % 2) { /* one voter likes option 1 a few ulps better */
            size_t a = (size_t)(uniform() * (double)voters);
            u[a * q + 1] = nextafter(nextafter(u[a * q + 0], 1.0), 1.0);
        }
        /* options 2.. far behind, so that the contest is between 0 and 1 */
        for (size_t a = 0; a < voters; a++)
            for (size_t o = 2; o < q; o++) u[a * q + o] = u[a * q + 0] - 0.2;
        size_t truth = exact_pick(voters, q, w, u);
        size_t loser = truth == 0 ? 1 : 0;
        for (size_t a = 0; a < voters; a++)
            for (size_t o = 0; o < q; o++) {
                eps[a * q + o] = 1e-12;
                double lean = o == loser ? 1 : o == truth ? -1 : 0;
                ua[a * q + o] = u[a * q + o] + lean * 1e-12;
            }
        long got = filter(voters, q, w, ua, eps);
        if (got >= 0) {
            (*decided)++;
            if ((size_t)got != truth) wrong++;
        }
        free(w), free(u), free(ua), free(eps);
    }
    return wrong;
}

static void filter_matches_exact_election(void **state)
{
    (void)state;
    smp_filter_set_bound_scale(1.0);
    for (use_sums = 0; use_sums <= 1; use_sums++) {
        int decided;
        assert_int_equal(random_elections(400, &decided), 0);
        assert_true(decided >= 360); /* it decides the clear cases: the point of the filter */
        assert_int_equal(near_ties(400, &decided), 0);
    }
    use_sums = 0;
}

/* The mutation: without the bounds the filter decides near-ties the wrong way. */
static void ignoring_the_bound_is_detected(void **state)
{
    (void)state;
    int decided;
    smp_filter_set_bound_scale(0.0);
    int wrong = near_ties(400, &decided);
    use_sums = 1;
    int wrong_sums = near_ties(400, &decided);
    use_sums = 0;
    smp_filter_set_bound_scale(1.0);
    assert_true(wrong > 0);
    assert_true(wrong_sums > 0);
}

/* Degenerate input is left to the exact election. */
static void undecidable_input(void **state)
{
    (void)state;
    double w[2] = {1, 1}, u[4] = {0.5, 0.5, 0.5, 0.5}, eps[4] = {0};
    assert_int_equal(filter(2, 2, w, u, eps), -1); /* a tie */
    assert_int_equal(filter(2, 1, w, u, eps), -1); /* one option */
    double bad[2] = {1, NAN}, u2[4] = {0.9, 0.1, 0.9, 0.1};
    assert_int_equal(filter(2, 2, bad, u2, eps), -1);
    double neg[2] = {1, -1}, inf[2] = {1, INFINITY};
    assert_int_equal(filter(2, 2, neg, u2, eps), -1);
    assert_int_equal(filter(2, 2, inf, u2, eps), -1);
    assert_int_equal(filter(2, 2, w, u2, eps), 0); /* clear */
    /* a non-finite error sum */
    double C[4], E[2] = {0.0, INFINITY};
    const double o0[2] = {0.9, 0.9}, o1[2] = {0.1, 0.1}, *urow[2] = {o0, o1}; /* u2 by option */
    smp_filter_coalitions(2, 2, w, urow, C);
    assert_int_equal(smp_filter_queue_winner_sums(2, 2, w, (const double[]){0.0, 0.0}, C, scratch), 0);
    assert_int_equal(smp_filter_queue_winner_sums(2, 2, w, E, C, scratch), -1);
    E[1] = NAN;
    assert_int_equal(smp_filter_queue_winner_sums(2, 2, w, E, C, scratch), -1);
}

/* A bargain's weighted error sum, Σ_a w_a ε_a from the n voters' bounds, is the plain loop over
 * smp_filter_utility_eps, voters in ascending order, bit for bit (the engine takes it once per
 * bargain instead of once per queue: the filter's decisions must not change). */
static void weighted_eps_is_the_plain_sum(void **state)
{
    (void)state;
    for (int t = 0; t < 20; t++) {
        size_t n = 1 + (size_t)(uniform() * 1200);
        double *w = malloc(n * sizeof *w), *ui = malloc(n * sizeof *ui);
        double *ur = malloc(n * sizeof *ur), *A = malloc(n * sizeof *A);
        for (size_t a = 0; a < n; a++) {
            w[a] = 1 + 99 * uniform(), ui[a] = -2 + 3 * uniform(), ur[a] = -2 + 3 * uniform();
            A[a] = (double)n * 2 * uniform();
        }
        double plain = 0.0;
        for (size_t a = 0; a < n; a++) plain += w[a] * smp_filter_utility_eps(n, ui[a], ur[a], A[a]);
        double got = smp_filter_weighted_eps(n, w, ui, ur, A);
        assert_memory_equal(&got, &plain, sizeof got);
        free(w), free(ui), free(ur), free(A);
    }
}

/* The shortcut of a bargain's utility against the ordered sum, n = 1000 terms in [−2, 1]
 * (the range of KTAB's utilities): within smp_filter_utility_eps every time; a bound a
 * hundred thousand times smaller is broken (the bound is not vacuous and the check can fail). */
static void utility_shortcut_bound(void **state)
{
    (void)state;
    size_t n = 1000;
    double *T = malloc(n * sizeof *T);
    int broken_small = 0;
    for (int t = 0; t < 300; t++) {
        double S = 0.0, A = 0.0;
        for (size_t m = 0; m < n; m++) {
            T[m] = t % 3 ? -2 + 3 * uniform() : (uniform() < 0.5 ? 1 - 1e-9 * uniform() : -2 + uniform());
            S += T[m];
            A += fabs(T[m]);
        }
        size_t I = (size_t)(uniform() * (double)n), J = (I + 1 + (size_t)(uniform() * (double)(n - 1))) % n;
        double ui = uniform(), ur = -1 + 2 * uniform();
        double exact = 0.0;
        exact += ui;
        exact += ur;
        for (size_t m = 0; m < n; m++)
            if (m != I && m != J) exact += T[m];
        exact = exact / (double)n;
        double approx = ((ui + ur) + ((S - T[I]) - T[J])) / (double)n;
        double eps = smp_filter_utility_eps(n, ui, ur, A);
        assert_true(fabs(exact - approx) <= eps);
        smp_filter_set_bound_scale(1e-5);
        if (fabs(exact - approx) > smp_filter_utility_eps(n, ui, ur, A)) broken_small++;
        smp_filter_set_bound_scale(1.0);
    }
    assert_true(broken_small > 0);
    free(T);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(filter_matches_exact_election),
        cmocka_unit_test(ignoring_the_bound_is_detected),
        cmocka_unit_test(undecidable_input),
        cmocka_unit_test(utility_shortcut_bound),
        cmocka_unit_test(weighted_eps_is_the_plain_sum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
