/*
 * test_smp_parallel.c — the smp engine's fast paths against its plain ones. The plain paths
 * (smp_use_plain_kernels: KTAB's scan over every target, scalar elections, one thread) are
 * the code the KTAB goldens pin down; the fast paths (pruned target search, SIMD kernels,
 * worker threads) must give the same bits: positions, winning probabilities, bargains and
 * queue winners, at any thread count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/smp.h"

#include "support/smp_synthetic.h"

/* Random actors (tests/support/smp_synthetic.h), under this file's short names. */
static synthetic make(size_t n, size_t d, uint64_t seed) { return synthetic_make(n, d, seed); }
static void release(synthetic *D) { synthetic_release(D); }

static void solve(const synthetic *D, const smp_config *base, int plain, int threads,
                  smp_output *o)
{
    smp_config c = *base;
    c.threads = threads;
    smp_input in = {D->n, D->d, D->c, D->x, D->s, NULL};
    en_error err = EN_ERROR_INIT;
    smp_use_plain_kernels(plain);
    en_status st = smp_solve(&in, &c, o, &err);
    smp_use_plain_kernels(0);
    assert_int_equal(st, EN_OK);
}

/* Run a and b are the same bits (tests/support/smp_synthetic.h). */
static void assert_same(const smp_output *a, const smp_output *b) { smp_assert_same_run(a, b); }

/* Large enough that every phase splits across workers (see workers_for). */
static void fast_paths_match_plain(const smp_config *c, size_t n, size_t d, uint64_t seed)
{
    synthetic D = make(n, d, seed);
    smp_output plain, fast;
    solve(&D, c, 1, 1, &plain);
    assert_true(plain.state_count >= 2);
    const int threads[] = {1, 2, 5};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        solve(&D, c, 0, threads[t], &fast);
        assert_same(&plain, &fast);
        smp_output_free(&fast);
    }
    smp_output_free(&plain);
    release(&D);
}

static void default_options(void **state)
{
    (void)state;
    smp_config c;
    smp_config_default(&c);
    c.max_rounds = 3;
    fast_paths_match_plain(&c, 210, 4, 11);
}

static void other_options(void **state)
{
    (void)state;
    smp_config c;
    smp_config_default(&c);
    c.max_rounds = 2;
    c.third_party_commit = SMP_TPC_FULL_COMMIT;
    c.bargain_model = SMP_BM_INIT_RCVR;
    c.bigr_range = SMP_RANGE_MAX;
    c.state_transitions = SMP_STM_STOCHASTIC;
    fast_paths_match_plain(&c, 150, 2, 5);
    c.voting_rule = SMP_VR_ASYM_PROSP; /* no SIMD kernel: the pruned search and threads only */
    c.third_party_commit = SMP_TPC_NO_COMMIT;
    fast_paths_match_plain(&c, 150, 3, 6);
}

/* Random problems of several sizes and dimensions over several rounds (so that the target
 * search's screen and its hints from the previous round are in play), the fast paths against
 * the plain full scan. */
static void random_problems(void **state)
{
    (void)state;
    smp_config c;
    smp_config_default(&c);
    c.max_rounds = 5;
    for (uint64_t seed = 1; seed <= 4; seed++)
        fast_paths_match_plain(&c, (size_t)(60 + 35 * seed), (size_t)(1 + seed), 100 + seed);
}

/* An accommodation matrix moves ideals away from positions, so an actor's utility of its own
 * position falls below 1 and the screen's cap has its second term. */
static void random_problem_with_accommodation(void **state)
{
    (void)state;
    smp_config c;
    smp_config_default(&c);
    c.max_rounds = 4;
    synthetic D = make(120, 3, 77);
    double *A = calloc(D.n * D.n, sizeof(double));
    for (size_t i = 0; i < D.n; i++) {
        A[i * D.n + i] = 0.5;
        A[i * D.n + (i * 7 + 3) % D.n] += 0.3;
    }
    smp_input in = {D.n, D.d, D.c, D.x, D.s, A};
    smp_output plain, fast;
    en_error err = EN_ERROR_INIT;
    c.threads = 1;
    smp_use_plain_kernels(1);
    assert_int_equal(smp_solve(&in, &c, &plain, &err), EN_OK);
    smp_use_plain_kernels(0);
    c.threads = 2;
    assert_int_equal(smp_solve(&in, &c, &fast, &err), EN_OK);
    assert_true(plain.state_count >= 3);
    assert_same(&plain, &fast);
    smp_output_free(&plain);
    smp_output_free(&fast);
    free(A);
    release(&D);
}

/* Without record only the last state's winning probabilities are computed; they are the
 * recorded run's. */
static void unrecorded_run_keeps_last_win_probabilities(void **state)
{
    (void)state;
    smp_config c;
    smp_config_default(&c);
    c.max_rounds = 2;
    synthetic D = make(60, 2, 3);
    smp_output a, b;
    solve(&D, &c, 0, 2, &a);
    c.record = 0;
    solve(&D, &c, 0, 2, &b);
    assert_int_equal(a.state_count, b.state_count);
    size_t last = a.state_count - 1;
    assert_memory_equal(a.positions, b.positions, a.state_count * D.n * D.d * sizeof(double));
    assert_memory_equal(&a.win_probability[last * D.n], &b.win_probability[last * D.n],
                        D.n * sizeof(double));
    smp_output_free(&a);
    smp_output_free(&b);
    release(&D);
}

/* Without a trace the queue winners come from the filter (O(n²) utilities with a proven bound,
 * the exact elections only where it cannot decide): every position of every round must still
 * be the plain code's, at 1, 2 and 5 threads, with and without an accommodation matrix. */
static void filtered_queues_match_plain(void **state)
{
    (void)state;
    smp_config c;
    smp_config_default(&c);
    c.max_rounds = 6;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        synthetic D = make((size_t)(70 + 40 * seed), (size_t)(1 + seed), 300 + seed);
        double *A = NULL;
        if (seed == 4) { /* ideals apart from positions */
            A = calloc(D.n * D.n, sizeof(double));
            for (size_t i = 0; i < D.n; i++) {
                A[i * D.n + i] = 0.6;
                A[i * D.n + (i * 5 + 1) % D.n] += 0.3;
            }
        }
        smp_input in = {D.n, D.d, D.c, D.x, D.s, A};
        smp_output plain, fast;
        en_error err = EN_ERROR_INIT;
        c.record = 1, c.threads = 1;
        smp_use_plain_kernels(1);
        assert_int_equal(smp_solve(&in, &c, &plain, &err), EN_OK);
        smp_use_plain_kernels(0);
        assert_true(plain.state_count >= 3);
        const int threads[] = {1, 2, 5};
        for (size_t t = 0; t < 3; t++) {
            c.record = 0, c.threads = threads[t];
            assert_int_equal(smp_solve(&in, &c, &fast, &err), EN_OK);
            assert_int_equal(fast.state_count, plain.state_count);
            size_t last = plain.state_count - 1;
            assert_memory_equal(plain.positions, fast.positions,
                                plain.state_count * D.n * D.d * sizeof(double));
            assert_memory_equal(&plain.win_probability[last * D.n],
                                &fast.win_probability[last * D.n], D.n * sizeof(double));
            smp_output_free(&fast);
        }
        smp_output_free(&plain);
        free(A);
        release(&D);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_options),
        cmocka_unit_test(other_options),
        cmocka_unit_test(unrecorded_run_keeps_last_win_probabilities),
        cmocka_unit_test(random_problems),
        cmocka_unit_test(random_problem_with_accommodation),
        cmocka_unit_test(filtered_queues_match_plain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
