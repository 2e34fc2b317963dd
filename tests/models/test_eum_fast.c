/*
 * test_eum_fast.c — property tests: the EUM fast paths (reordered sums, de-duplicated
 * positions, prefix sums) against the straight reference-order paths on many random seeded
 * inputs, for both variants and several Q, T. Each round both paths start from the straight
 * path's positions, so one round's error is measured and a discrete decision that flips on a
 * genuine near-tie cannot cascade; the straight path is the oracle (it is bit-identical to the
 * reference implementations, see test_eum.c).
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

#include "models/eum.h"
#include "support/eum_compare.h"

static uint64_t rng_state;
static double uniform(void) { return test_uniform(&rng_state); }

typedef struct stats {
    size_t cases, rounds, moves, stops;
    double max_dx, max_dr;
} stats;

static void run_case(unsigned seed, const eum_path *path, stats *st)
{
    const eum_variant variant = path->variant;
    rng_state = seed * 7919u + (unsigned)variant;
    size_t n = 2 + (size_t)(uniform() * 70);
    int discrete = uniform() < 0.4; /* shared positions exercise the de-duplication */
    double *c = malloc(n * sizeof *c), *s = malloc(n * sizeof *s), *x = malloc(n * sizeof *x);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb), *S = malloc(n * sizeof *S);
    eum_move *ma = malloc(n * sizeof *ma), *mb = malloc(n * sizeof *mb);
    for (size_t k = 0; k < n; k++) {
        c[k] = uniform() < 0.05 ? 0.0 : uniform();
        s[k] = uniform();
        x[k] = discrete ? (double)(int)(uniform() * 7) * 10.0 : uniform() * 100.0;
    }
    double lo = x[0], hi = x[0];
    for (size_t k = 0; k < n; k++) {
        if (x[k] < lo) lo = x[k];
        if (x[k] > hi) hi = x[k];
    }
    static const double Qs[] = {1.0, 0.5, 0.8};
    eum_config cfg = {.variant = variant, .Q = Qs[seed % 3], .T = uniform(), .range = hi - lo,
                      .xmin = 0, .xmax = 100};
    for (int t = 0; t < 12; t++) {
        cfg.path = NULL; /* the straight path: the definition */
        eum_trace ta = {.r = ra, .danger = S}, tb = {.r = rb};
        eum_status sa = eum_round(&cfg, n, c, s, x, a, ma, &ta);
        cfg.path = path;
        eum_status sb = eum_round(&cfg, n, c, s, x, b, mb, &tb);
        if (sa != sb)
            fail_msg("seed %u variant %d n %zu round %d: straight %s, fast %s", seed, variant, n,
                     t, eum_status_name(sa), eum_status_name(sb));
        if (sa != EUM_ROUND_OK) {
            st->stops++;
            break;
        }
        /* r depends on R = (2S − max S − min S)/(max S − min S). Each EU in the danger sums S
         * carries an absolute rounding error of a few ulp of its O(1) utilities (2 − 4·pow),
         * whatever the order of the sums, so S is known to about n·1e-15 absolutely and
         * R to that over max S − min S: large when the sums are nearly equal (converging
         * actors). Allow for that, and no more. */
        double r_tol = test_eum_r_tolerance(S, n);
        for (size_t k = 0; k < n; k++) {
            double dx = fabs(a[k] - b[k]), dr = fabs(ra[k] - rb[k]);
            if (!(dx <= path->tolerance) || !(dr <= r_tol))
                fail_msg("path %s seed %u variant %d n %zu round %d actor %zu: x %.17g vs %.17g, "
                         "r %.17g vs %.17g (%s/%s)",
                         path->name, seed, variant, n, t, k, a[k], b[k], ra[k], rb[k],
                         eum_move_type_name(ma[k].type), eum_move_type_name(mb[k].type));
            if (dx > st->max_dx) st->max_dx = dx;
            if (dr > st->max_dr) st->max_dr = dr;
            assert_int_equal(ma[k].type, mb[k].type);
            if (a[k] != x[k]) st->moves++;
        }
        st->rounds++;
        memcpy(x, a, n * sizeof *x);
    }
    st->cases++;
    free(c);
    free(s);
    free(x);
    free(a);
    free(b);
    free(ra);
    free(rb);
    free(S);
    free(ma);
    free(mb);
}

/* Every entry of the table of paths (eum_paths.c) other than the straight ones, against the
 * straight path of its variant, within the entry's own tolerance; the straight entries are
 * checked against the reference implementations' goldens in test_eum.c. */
static void test_random(void **state)
{
    (void)state;
    size_t checked = 0;
    for (size_t k = 0; k < eum_path_count(); k++) {
        const eum_path *path = eum_path_at(k);
        if (path->tolerance == 0) {
            assert_string_equal(path->name, "straight");
            continue;
        }
        stats st = {0};
        for (unsigned seed = 1; seed <= 150; seed++) run_case(seed, path, &st);
        print_message("%s %s: %zu cases, %zu rounds, %zu moves, %zu clean stops; max |dx| %.3g, "
                      "max |dr| %.3g\n",
                      path->variant == EUM_SCHOLZ ? "scholz" : "masad", path->name, st.cases,
                      st.rounds, st.moves, st.stops, st.max_dx, st.max_dr);
        assert_true(st.moves > 100);
        checked++;
    }
    assert_true(checked >= 5); /* scholz fast, vector, sorted, sorted-vector; masad fast */
}

/* The masad fast path splits its work over `threads` threads; the result must not depend on
 * the split: positions, r and every move field bit-identical for 1, 2 and 3 threads (and the
 * default), on issues with distinct and with shared positions, Q = 1 and Q < 1. */
static void test_threads(void **state)
{
    (void)state;
    for (unsigned seed = 1; seed <= 6; seed++) {
        rng_state = 1000003u * seed;
        size_t n = seed % 2 ? 400 + seed : 150;
        int discrete = seed % 3 == 0;
        double *c = malloc(n * sizeof *c), *s = malloc(n * sizeof *s), *x = malloc(n * sizeof *x);
        for (size_t k = 0; k < n; k++) {
            c[k] = uniform();
            s[k] = uniform();
            x[k] = discrete ? (double)(int)(uniform() * 9) * 12.5 : uniform() * 100.0;
        }
        eum_config cfg = {.variant = EUM_MASAD, .Q = seed % 4 == 1 ? 0.7 : 1.0, .T = 0.4,
                          .xmin = 0, .xmax = 100, .path = eum_path_find(EUM_MASAD, "fast")};
        static const int counts[] = {1, 2, 3, 0};
        double *out[4], *r[4];
        eum_move *mv[4];
        for (int t = 0; t < 4; t++) {
            out[t] = malloc(n * sizeof(double));
            r[t] = malloc(n * sizeof(double));
            mv[t] = malloc(n * sizeof(eum_move));
        }
        for (int round = 0; round < 4; round++) {
            eum_status st[4];
            for (int t = 0; t < 4; t++) {
                cfg.threads = counts[t];
                eum_trace tr = {.r = r[t]};
                st[t] = eum_round(&cfg, n, c, s, x, out[t], mv[t], &tr);
            }
            for (int t = 1; t < 4; t++) {
                assert_int_equal(st[t], st[0]);
                assert_memory_equal(out[t], out[0], n * sizeof(double));
                if (st[0] != EUM_ROUND_OK) continue;
                assert_memory_equal(r[t], r[0], n * sizeof(double));
                test_eum_assert_moves_equal(mv[t], mv[0], n);
            }
            if (st[0] != EUM_ROUND_OK) break;
            memcpy(x, out[0], n * sizeof *x);
        }
        for (int t = 0; t < 4; t++) {
            free(out[t]);
            free(r[t]);
            free(mv[t]);
        }
        free(c);
        free(s);
        free(x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
