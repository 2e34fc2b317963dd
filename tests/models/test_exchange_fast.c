/*
 * test_exchange_fast.c — the exchange model's fast path (models/exchange_fast.h) against its
 * reference kernel (models/exchange.h, itself checked against Decide's golden runs in
 * test_exchange.c): the positions after every round must be the same bits. Random problems
 * (positions on a coarse grid too, so that ties, knife edges and equal outcomes occur; zero
 * saliences and powers), wide tie windows, the knife-edge rule off, the Decide data sets; and
 * through the model: path=fast and path=reference give the same result, and path=fast refuses
 * what it cannot do.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "core/result.h"
#include "core/scenario.h"
#include "models/exchange.h"
#include "models/exchange_fast.h"
#include "models/model.h"
#include "models/params.h"
#include "support/scenario_fixture.h"

typedef struct problem {
    size_t n, m;
    unsigned char *present;
    double *x, *s, *c;
} problem;

static void problem_free(problem *p)
{
    free(p->present);
    free(p->x);
    free(p->s);
    free(p->c);
}

/* n actors on m issues, every entry absent and zero. */
static problem problem_new(size_t n, size_t m)
{
    problem p = {n, m, calloc(n * m, 1), calloc(n * m, sizeof(double)), calloc(n * m, sizeof(double)),
                 calloc(n * m, sizeof(double))};
    assert_true(p.present && p.x && p.s && p.c);
    return p;
}

static problem random_problem(gsl_rng *r)
{
    size_t n = 2 + gsl_rng_uniform_int(r, 11);
    problem p = problem_new(n, 2 + gsl_rng_uniform_int(r, 6));
    size_t nm = p.n * p.m;
    int grid = gsl_rng_uniform(r) < 0.5; /* coarse positions: ties and knife edges */
    for (size_t k = 0; k < nm; k++) {
        p.present[k] = gsl_rng_uniform(r) < 0.85;
        p.x[k] = grid ? 25.0 * (double)gsl_rng_uniform_int(r, 5) : 100 * gsl_rng_uniform(r);
        double u = gsl_rng_uniform(r);
        p.s[k] = u < 0.08 ? 0 : u < 0.3 ? 0.5 : gsl_rng_uniform_pos(r);
        double v = gsl_rng_uniform(r);
        p.c[k] = v < 0.05 ? 0 : v < 0.3 ? 10 : 1 + 99 * gsl_rng_uniform(r);
    }
    return p;
}

/* Runs `rounds` rounds on both kernels and fails at the first position that differs in a bit.
 * Returns the number of positions that moved (so the caller can check the runs did trade). */
static size_t same_rounds(const problem *p, const ex_options *o, int rounds)
{
    ex_input in = {p->n, p->m, p->present, p->x, p->s, p->c};
    ex_state *ref = ex_state_new(&in);
    fx_state *fast = fx_state_new(&in);
    assert_non_null(ref);
    assert_non_null(fast);
    size_t nm = p->n * p->m, moved = 0;
    for (int r = 0; r < rounds; r++) {
        ex_round(ref, o, NULL);
        fx_round(fast, o);
        const double *a = ex_positions(ref), *b = fx_positions(fast);
        for (size_t k = 0; k < nm; k++) {
            if (memcmp(&a[k], &b[k], sizeof a[k]) != 0)
                fail_msg("%zu x %zu, round %d, entry %zu: reference %.17g, fast %.17g", p->n, p->m,
                         r + 1, k, a[k], b[k]);
            if (a[k] != p->x[k]) moved++;
        }
        for (size_t d = 0; d < p->m; d++) {
            double oa = ex_outcome(ref, d), ob = fx_outcome(fast, d);
            assert_memory_equal(&oa, &ob, sizeof oa);
        }
    }
    ex_state_free(ref);
    fx_state_free(fast);
    return moved;
}

static void random_problems(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20231117);
    ex_options o;
    ex_options_default(&o);
    o.threads = 1;
    size_t traded = 0;
    for (int t = 0; t < 600; t++) {
        problem p = random_problem(r);
        if (same_rounds(&p, &o, 10) > 0) traded++;
        problem_free(&p);
    }
    /* The comparison is only worth something if most runs exchange. */
    assert_true(traded > 400);
    gsl_rng_free(r);
}

/* Wide tie windows (many tied candidates, the first generated wins) and the knife-edge rule
 * switched off (ex_options.knife_eps < 0) take other branches of the selection and §6. */
static void tie_windows_and_knife_edge(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    static const double tolerances[] = {0, 1e-12, 0.01, 0.5, 1};
    static const double knives[] = {1e-9, 0, -1};
    for (int t = 0; t < 150; t++) {
        problem p = random_problem(r);
        ex_options o;
        ex_options_default(&o);
        o.threads = 1;
        o.tie_tol = tolerances[t % 5];
        o.knife_eps = knives[(t / 5) % 3];
        same_rounds(&p, &o, 6);
        problem_free(&p);
    }
    gsl_rng_free(r);
}

/* The round's builds and selection structures against each other: the baseline build with
 * the scans and bit sets (small rounds), with the tournament tree and index lists (forced),
 * and switching between the two from round to round (a limit of 24 candidates), and the AVX2
 * build the same three ways where the CPU has it, on random problems large enough that the
 * candidate counts fall on every remainder modulo the vector widths (the scans' tails). Every
 * position must be the same bits after every round; the reference comparison above covers the
 * build that fx_round picks. */
static void simd_and_scalar_agree(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4242);
    ex_options o;
    ex_options_default(&o);
    o.threads = 1;
    int avx2 = fx_avx2_available();
    static const size_t flat[] = {(size_t)-1, 0, 24};
    unsigned remainders = 0; /* bit c % 8 of every candidate count seen */
    int small = 0, large = 0;  /* rounds on either side of the switching variant's limit */
    for (int t = 0; t < 160; t++) {
        problem p = random_problem(r);
        if (t % 2) {
            /* larger: more actors, so more candidates a round */
            problem_free(&p);
            size_t n = 8 + gsl_rng_uniform_int(r, 17);
            p = problem_new(n, 3 + gsl_rng_uniform_int(r, 5));
            size_t nm = p.n * p.m;
            for (size_t k = 0; k < nm; k++) {
                p.present[k] = gsl_rng_uniform(r) < 0.9;
                p.x[k] = t % 4 == 1 ? 25.0 * (double)gsl_rng_uniform_int(r, 5) : 100 * gsl_rng_uniform(r);
                p.s[k] = gsl_rng_uniform(r) < 0.05 ? 0 : gsl_rng_uniform_pos(r);
                p.c[k] = 1 + 99 * gsl_rng_uniform(r);
            }
        }
        o.tie_tol = t % 3 == 0 ? 0.5 : t % 3 == 1 ? 0 : 1e-9;
        ex_input in = {p.n, p.m, p.present, p.x, p.s, p.c};
        fx_state *runs[6];
        int variants = avx2 ? 6 : 3;
        for (int v = 0; v < variants; v++) {
            runs[v] = fx_state_new(&in);
            assert_non_null(runs[v]);
            fx_set_flat_max(runs[v], flat[v % 3]);
        }
        size_t nm = p.n * p.m;
        for (int round = 0; round < 5; round++) {
            for (int v = 0; v < variants; v++) fx_round_as(runs[v], &o, v >= 3);
            remainders |= 1u << (fx_candidate_count(runs[0]) % 8);
            small |= fx_candidate_count(runs[0]) <= flat[2];
            large |= fx_candidate_count(runs[0]) > flat[2];
            const double *a = fx_positions(runs[0]);
            for (int v = 1; v < variants; v++) {
                assert_int_equal(fx_candidate_count(runs[v]), fx_candidate_count(runs[0]));
                const double *b = fx_positions(runs[v]);
                for (size_t k = 0; k < nm; k++)
                    if (memcmp(&a[k], &b[k], sizeof a[k]) != 0)
                        fail_msg("%zu x %zu, round %d, entry %zu: baseline scans %.17g, variant %d %.17g",
                                 p.n, p.m, round + 1, k, a[k], v, b[k]);
            }
        }
        for (int v = 0; v < variants; v++) fx_state_free(runs[v]);
        problem_free(&p);
    }
    /* Every tail length of the 8-wide key scan (and so of the 4-wide gain scan) occurred. */
    assert_int_equal(remainders, 0xffu);
    assert_true(small && large);
    gsl_rng_free(r);
}

/* The model's own mapping to the internal scale (exchange.c), for the kernel-level check. */
static problem scenario_problem(const en_scenario *s)
{
    problem p = problem_new(s->actor_count, s->issue_count);
    for (size_t a = 0; a < p.n; a++)
        for (size_t d = 0; d < p.m; d++) {
            const en_stance *st = &s->actors[a].stances[d];
            if (!st->present) continue;
            double lo = s->issues[d].scale_min, hi = s->issues[d].scale_max;
            size_t k = a * p.m + d;
            p.present[k] = 1;
            p.x[k] = (st->position.value - lo) * 100 / (hi - lo);
            p.s[k] = st->salience.value;
            p.c[k] = en_stance_capability(s, a, d);
        }
    return p;
}

static void decide_data_sets(void **state)
{
    (void)state;
    static const char *const files[] = {
        "tests/data/decide/cop21.csv", "tests/data/decide/copenhagen.csv",
        "tests/data/decide/sample_data.txt", "tests/data/decide/synth-40x10.csv",
        "scenarios/ukraine-2023.yaml"};
    ex_options o;
    ex_options_default(&o);
    o.threads = 1;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        en_scenario *s = fixture_file(files[f]);
        problem p = scenario_problem(s);
        assert_true(same_rounds(&p, &o, 10) > 0);
        problem_free(&p);
        en_scenario_free(s);
    }
}

static en_result *run_with(const en_scenario *s, const char *path, const char *trace,
                           en_status expect, en_error *err)
{
    en_params *params = en_params_new();
    assert_int_equal(en_params_set(params, "path", path, NULL), EN_OK);
    assert_int_equal(en_params_set(params, "trace", trace, NULL), EN_OK);
    en_result *res = NULL;
    assert_int_equal(en_run(en_model_find("exchange"), s, params, &res, err), expect);
    en_params_free(params);
    return res;
}

/* Through the model: every round's positions and the forecasts, bit for bit; auto picks the
 * fast path for trace=none and gives the same. */
static void model_paths_agree(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("scenarios/ukraine-2023.yaml");
    en_error err = EN_ERROR_INIT;
    en_result *a = run_with(s, "reference", "none", EN_OK, &err);
    en_result *b = run_with(s, "fast", "none", EN_OK, &err);
    en_result *c = run_with(s, "auto", "none", EN_OK, &err);
    assert_int_equal(a->issue_count, b->issue_count);
    for (size_t i = 0; i < a->issue_count; i++) {
        const en_issue_result *x = &a->issues[i], *y = &b->issues[i], *z = &c->issues[i];
        assert_memory_equal(&x->forecast, &y->forecast, sizeof x->forecast);
        assert_memory_equal(&x->forecast, &z->forecast, sizeof x->forecast);
        assert_int_equal(x->round_count, y->round_count);
        assert_int_equal(x->round_count, 11);
        for (size_t r = 0; r < x->round_count; r++)
            assert_memory_equal(x->rounds[r].positions, y->rounds[r].positions,
                                x->participant_count * sizeof *x->rounds[r].positions);
    }
    en_result_free(a);
    en_result_free(b);
    en_result_free(c);
    en_scenario_free(s);
}

/* path=fast keeps no round records and has no randomized variant: it says so. */
static void fast_refuses_what_it_cannot_do(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("tests/data/decide/copenhagen.csv");
    en_error err = EN_ERROR_INIT;
    en_result *r = run_with(s, "fast", "summary", EN_ERROR_MODEL, &err);
    assert_null(r);
    assert_non_null(strstr(err.message, "path=fast"));
    en_error_clear(&err);
    en_params *params = en_params_new();
    en_params_set(params, "path", "fast", NULL);
    en_params_set(params, "trace", "none", NULL);
    en_params_set(params, "p", "0.5", NULL);
    en_result *res = NULL;
    assert_int_equal(en_run(en_model_find("exchange"), s, params, &res, &err), EN_ERROR_MODEL);
    en_error_clear(&err);
    en_params_free(params);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_problems),
        cmocka_unit_test(tie_windows_and_knife_edge),
        cmocka_unit_test(simd_and_scalar_agree),
        cmocka_unit_test(decide_data_sets),
        cmocka_unit_test(model_paths_agree),
        cmocka_unit_test(fast_refuses_what_it_cannot_do),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
