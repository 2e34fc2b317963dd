/*
 * test_montecarlo.c — the Monte Carlo forecast (src/analysis/montecarlo.c) against closed-form
 * distributions: with two equally weighted actors the compromise forecast is (x + y) / 2, so
 * when x is triangular or normal the forecast's quantiles, mean and status-quo shares are known
 * exactly; the tolerances are five standard errors of the estimator plus one histogram bin.
 * Also: bit-identical output for 1, 2, 3 and 8 threads, the seed changes the output, zero
 * spread without uncertainty, jitter bounds, and interruption.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "analysis/montecarlo.h"
#include "support/scenario_fixture.h"

/* Issue a: X's position triangular (low 10, mode 30, high 90), Y fixed at 50.
 * Issue b: X's position normal (40, sd 10) on [0, 100], Y fixed at 60. */
static const char linear_yaml[] =
    "entente: 1\n"
    "title: linear\n"
    "issues:\n"
    "  - id: a\n"
    "    scale: [0, 100]\n"
    "    status_quo: 50\n"
    "    labels: {40: low, 60: high}\n"
    "  - id: b\n"
    "    scale: [0, 100]\n"
    "    status_quo: 50\n"
    "actors:\n"
    "  - id: X\n"
    "    capability: 1\n"
    "    positions:\n"
    "      a: {position: {value: 30, low: 10, high: 90}, salience: 1}\n"
    "      b: {position: {value: 40, sd: 10}, salience: 1}\n"
    "  - id: Y\n"
    "    capability: 1\n"
    "    positions:\n"
    "      a: {position: 50, salience: 1}\n"
    "      b: {position: 60, salience: 1}\n";

static const char fixed_yaml[] =
    "entente: 1\n"
    "title: fixed\n"
    "issues:\n"
    "  - id: a\n"
    "    scale: [0, 10]\n"
    "    status_quo: 3\n"
    "  - id: b\n"
    "    scale: [-1, 1]\n"
    "actors:\n"
    "  - {id: P, capability: 3, positions: {a: {position: 2, salience: 0.5}, b: {position: -0.5, salience: 0.9}}}\n"
    "  - {id: Q, capability: 1, positions: {a: {position: 7, salience: 0.8}, b: {position: 0.7, salience: 0.2}}}\n"
    "  - {id: R, capability: 2, positions: {a: {position: 9, salience: 0.3}}}\n";

#define DRAWS 20000

static en_mc_result *run_mc(const en_scenario *s, const char *model, size_t draws, uint64_t seed,
                            unsigned threads, double jitter)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = draws;
    o.seed = seed;
    o.threads = threads;
    o.jitter = jitter;
    en_mc_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_mc_run(en_model_find(model), s, NULL, &o, &r, &err);
    if (st != EN_OK) en_error_print(&err, stderr);
    assert_int_equal(st, EN_OK);
    en_error_clear(&err);
    assert_non_null(r);
    return r;
}

/* Inverse CDF of the triangle (10, 30, 90), written out by hand from the areas. */
static double triangle_quantile(double p)
{
    return p <= 0.25 ? 10 + sqrt(1600 * p) : 90 - sqrt(4800 * (1 - p));
}

static double triangle_density(double x)
{
    return x <= 30 ? 2 * (x - 10) / (80.0 * 20) : 2 * (90 - x) / (80.0 * 60);
}

static void check_quantile(const en_mc_result *r, size_t issue, double p, double expected, double density)
{
    /* Standard error of a sample quantile: sqrt(p(1-p)/n) / f(q). */
    double se = sqrt(p * (1 - p) / DRAWS) / density;
    double tolerance = 5 * se + 100.0 / EN_MC_BINS;
    double got = en_mc_result_quantile(r, issue, p);
    if (fabs(got - expected) > tolerance)
        fail_msg("issue %zu quantile %g: got %.6f, expected %.6f (tolerance %.4f)", issue, p, got,
                 expected, tolerance);
}

static void test_triangular_quantiles(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(linear_yaml);
    en_mc_result *r = run_mc(s, "compromise", DRAWS, 42, 2, 0);
    assert_int_equal(en_mc_result_draws(r), DRAWS);
    const double levels[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (size_t k = 0; k < 5; k++) {
        double x = triangle_quantile(levels[k]);
        /* forecast = (x + 50) / 2: quantiles map through it, the density doubles. */
        check_quantile(r, 0, levels[k], (x + 50) / 2, 2 * triangle_density(x));
    }
    /* Mean of the triangle: (10 + 30 + 90) / 3; its sd sqrt(5200/18), halved for the forecast. */
    double sd = sqrt(5200.0 / 18) / 2;
    assert_true(fabs(en_mc_result_mean(r, 0) - (130.0 / 3 + 50) / 2) < 5 * sd / sqrt(DRAWS));
    assert_true(fabs(en_mc_sd(r, 0) - sd) < 0.05 * sd);
    /* Forecast below the status quo 50 iff x < 50: 1 − (90−50)² / (80·60) = 2/3. Label "low"
     * (40) is nearest exactly when the forecast is below 50 too. */
    const en_mc_issue_stats *st = &r->issues[0];
    double p_below = (double)st->below / DRAWS, tolerance = 5 * sqrt(2.0 / 9 / DRAWS);
    assert_true(fabs(p_below - 2.0 / 3) < tolerance);
    assert_int_equal(st->below + st->equal + st->above, DRAWS);
    assert_true(fabs((double)st->label_counts[0] / DRAWS - 2.0 / 3) < tolerance);
    assert_int_equal(st->converged, DRAWS); /* compromise: closed form */
    assert_true(st->point == 40);           /* (30 + 50) / 2 */
    en_mc_result_free(r);
    en_scenario_free(s);
}

static void test_normal_quantiles(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(linear_yaml);
    en_mc_result *r = run_mc(s, "compromise", DRAWS, 7, 3, 0);
    /* x ~ N(40, 10) truncated to [0, 100] (mass cut: 3e-5, negligible): forecast N(50, 5). */
    const double levels[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (size_t k = 0; k < 5; k++) {
        double z = gsl_cdf_ugaussian_Pinv(levels[k]);
        double density = gsl_ran_ugaussian_pdf(z) / 5;
        check_quantile(r, 1, levels[k], 50 + 5 * z, density);
    }
    assert_true(fabs(en_mc_result_mean(r, 1) - 50) < 5 * 5 / sqrt(DRAWS));
    assert_true(fabs(en_mc_sd(r, 1) - 5) < 0.05 * 5);
    en_mc_result_free(r);
    en_scenario_free(s);
}

/* Same seed, any thread count: byte-identical JSON (which holds every statistic). */
static void check_thread_identity(const char *model, size_t draws, double jitter)
{
    en_scenario *s = fixture_yaml(linear_yaml);
    en_error err = EN_ERROR_INIT;
    en_scenario *ukraine = NULL;
    assert_int_equal(en_scenario_load(fixture_path("scenarios/ukraine-2023.yaml"), NULL, &ukraine, &err), EN_OK);
    const en_scenario *scenarios[] = {s, ukraine};
    for (size_t k = 0; k < 2; k++) {
        const unsigned threads[] = {1, 2, 3, 8};
        char *first = NULL;
        for (size_t t = 0; t < 4; t++) {
            en_mc_result *r = run_mc(scenarios[k], model, draws, 2024, threads[t], jitter);
            char *json = fixture_mc_text(r, EN_OUTPUT_JSON);
            if (!first) first = json;
            else {
                if (strcmp(first, json) != 0)
                    fail_msg("%s: %u threads differ from 1 thread", model, threads[t]);
                free(json);
            }
            en_mc_result_free(r);
        }
        free(first);
    }
    en_scenario_free(ukraine);
    en_scenario_free(s);
}

static void test_threads_bit_identical(void **state)
{
    (void)state;
    /* 1000 draws: 15 full blocks and a partial one. */
    check_thread_identity("compromise", 1000, 0.1);
    check_thread_identity("nash", 300, 0.05);
    if (en_model_find("eum")) check_thread_identity("eum", 200, 0.1);
    if (en_model_find("exchange")) check_thread_identity("exchange", 130, 0);
}

/* eum's Monte Carlo draws run the vector path (trace=none, path=auto): its rounds agree with
 * the reference-order path to ~1e-14, but a draw whose trajectory passes a near-tie may end
 * elsewhere, so the oracle is statistical: the same draws with exact=1 give the same
 * distribution. Compared by the largest gap between the two empirical CDFs over the 4000-bin
 * histograms, i.e. the share of draws that ended in another place (Kolmogorov–Smirnov distance):
 * measured ≤ 0.4 % (4 of 1,000 draws) for seeds 1–6 and 11; allowed 1.5 %. Also means within
 * 0.1 % of the scale. (Quantiles are no good oracle here: one moved draw can shift a quantile
 * that falls in a sparse stretch of the distribution by several bins.) */
static void test_eum_fast_draws_match_reference(void **state)
{
    (void)state;
    if (!en_model_find("eum")) skip();
    en_error err = EN_ERROR_INIT;
    en_scenario *s = NULL;
    assert_int_equal(en_scenario_load(fixture_path("scenarios/ukraine-2023.yaml"), NULL, &s, &err), EN_OK);
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 1000;
    o.seed = 11;
    o.threads = 2;
    en_mc_result *r[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        en_params *p = en_params_new();
        assert_int_equal(en_params_parse(p, "rounds=20", &err), EN_OK);
        if (k == 1) assert_int_equal(en_params_parse(p, "exact=1", &err), EN_OK);
        assert_int_equal(en_mc_run(en_model_find("eum"), s, p, &o, &r[k], &err), EN_OK);
        en_params_free(p);
    }
    for (size_t i = 0; i < s->issue_count; i++) {
        const en_mc_issue_stats *a = &r[0]->issues[i], *b = &r[1]->issues[i];
        assert_int_equal(a->count, b->count);
        double span = s->issues[i].scale_max - s->issues[i].scale_min;
        double dm = fabs(en_mc_result_mean(r[0], i) - en_mc_result_mean(r[1], i));
        if (!(dm <= 1e-3 * span)) fail_msg("issue %zu: mean differs by %g", i, dm);
        uint64_t ca = 0, cb = 0, gap = 0;
        for (size_t bin = 0; bin < EN_MC_BINS; bin++) {
            ca += a->bins[bin];
            cb += b->bins[bin];
            uint64_t d = ca > cb ? ca - cb : cb - ca;
            if (d > gap) gap = d;
        }
        if (!((double)gap <= 0.015 * (double)a->count))
            fail_msg("issue %zu: %llu of %zu draws ended elsewhere", i, (unsigned long long)gap,
                     a->count);
    }
    en_mc_result_free(r[0]);
    en_mc_result_free(r[1]);
    en_scenario_free(s);
}

static void test_seed_changes_output(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(linear_yaml);
    en_mc_result *a = run_mc(s, "compromise", 500, 1, 2, 0);
    en_mc_result *b = run_mc(s, "compromise", 500, 2, 2, 0);
    en_mc_result *c = run_mc(s, "compromise", 500, 1, 1, 0);
    assert_true(en_mc_result_mean(a, 0) != en_mc_result_mean(b, 0));
    assert_true(en_mc_result_mean(a, 1) != en_mc_result_mean(b, 1));
    assert_true(en_mc_result_mean(a, 0) == en_mc_result_mean(c, 0));
    char *ja = fixture_mc_text(a, EN_OUTPUT_JSON), *jb = fixture_mc_text(b, EN_OUTPUT_JSON);
    assert_true(strcmp(ja, jb) != 0);
    assert_non_null(strstr(ja, "\"seed\": 1,"));
    assert_non_null(strstr(jb, "\"seed\": 2,"));
    free(ja);
    free(jb);
    en_mc_result_free(a);
    en_mc_result_free(b);
    en_mc_result_free(c);
    en_scenario_free(s);
}

static void test_no_uncertainty_zero_spread(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(fixed_yaml);
    /* Issue a by hand: weights 1.5, 0.8, 0.6 on 2, 7, 9 → (3 + 5.6 + 5.4) / 2.9. */
    double expected_a = (3 + 5.6 + 5.4) / 2.9;
    const char *models[] = {"compromise", "median", "nash", "eum", "exchange"};
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        if (!en_model_find(models[m])) continue;
        en_mc_result *r = run_mc(s, models[m], 300, 5, 2, 0);
        for (size_t i = 0; i < 2; i++) {
            const en_mc_issue_stats *st = &r->issues[i];
            if (st->count == 0) continue; /* a model may leave an issue out */
            assert_int_equal(st->count, 300);
            assert_true(st->min == st->max);
            assert_true(st->min == st->point);
            assert_true(en_mc_sd(r, i) == 0);
            assert_true(en_mc_result_mean(r, i) == st->point);
            for (double p = 0; p <= 1; p += 0.05) assert_true(en_mc_result_quantile(r, i, p) == st->point);
        }
        if (strcmp(models[m], "compromise") == 0)
            assert_true(fabs(r->issues[0].point - expected_a) < 1e-12);
        en_mc_result_free(r);
    }
    en_scenario_free(s);
}

static void test_triangular_inverse_by_hand(void **state)
{
    (void)state;
    assert_true(en_mc_triangular_inverse(10, 30, 90, 0) == 10);
    assert_true(fabs(en_mc_triangular_inverse(10, 30, 90, 0.25) - 30) < 1e-12);
    assert_true(fabs(en_mc_triangular_inverse(10, 30, 90, 0.0625) - 20) < 1e-12); /* 10 + 40·0.25 */
    assert_true(fabs(en_mc_triangular_inverse(10, 30, 90, 0.75) - (90 - sqrt(1200))) < 1e-12);
    assert_true(en_mc_triangular_inverse(5, 5, 5, 0.3) == 5);
}

/* Jitter F moves positions by at most F × scale, salience by F, capability by F × value, and
 * never out of the valid range; the stream seed depends on both seed and block. */
static void test_jitter_bounds(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(fixed_yaml);
    en_scenario *copy = en_scenario_clone(s);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, en_mc_stream_seed(9, 0));
    double largest_move = 0;
    for (int n = 0; n < 2000; n++) {
        en_mc_sample_scenario(s, copy, rng, 0.2);
        for (size_t a = 0; a < s->actor_count; a++) {
            const en_actor *from = &s->actors[a], *to = &copy->actors[a];
            assert_true(fabs(to->capability.value - from->capability.value) <= 0.2 * from->capability.value + 1e-12);
            for (size_t i = 0; i < s->issue_count; i++) {
                if (!from->stances[i].present) continue;
                double range = s->issues[i].scale_max - s->issues[i].scale_min;
                double dx = fabs(to->stances[i].position.value - from->stances[i].position.value);
                assert_true(dx <= 0.2 * range + 1e-12);
                assert_true(to->stances[i].position.value >= s->issues[i].scale_min);
                assert_true(to->stances[i].position.value <= s->issues[i].scale_max);
                assert_true(to->stances[i].salience.value >= 0 && to->stances[i].salience.value <= 1);
                assert_true(fabs(to->stances[i].salience.value - from->stances[i].salience.value) <= 0.2 + 1e-12);
                if (dx / range > largest_move) largest_move = dx / range;
            }
        }
    }
    assert_true(largest_move > 0.19); /* the whole ±F band is used */
    assert_true(en_mc_stream_seed(9, 0) != en_mc_stream_seed(9, 1));
    assert_true(en_mc_stream_seed(9, 0) != en_mc_stream_seed(10, 0));
    gsl_rng_free(rng);
    en_scenario_free(copy);
    en_scenario_free(s);
}

static void test_interrupt_keeps_partial(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(linear_yaml);
    volatile sig_atomic_t cancel = 1;
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 5000;
    o.threads = 2;
    o.cancel = &cancel;
    en_mc_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_mc_run(en_model_find("compromise"), s, NULL, &o, &r, &err), EN_ERROR_INTERRUPTED);
    assert_non_null(r);
    assert_true(en_mc_result_draws(r) < 5000);
    assert_true(en_mc_result_draws(r) % EN_MC_BLOCK == 0); /* whole blocks, a prefix */
    char *json = fixture_mc_text(r, EN_OUTPUT_JSON);
    assert_non_null(strstr(json, "\"interrupted\": true"));
    free(json);
    en_error_clear(&err);
    en_mc_result_free(r);
    en_scenario_free(s);
}

static void test_bad_options(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(fixed_yaml);
    en_mc_options o;
    en_mc_options_init(&o);
    en_mc_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    o.jitter = 1.5;
    assert_int_equal(en_mc_run(en_model_find("compromise"), s, NULL, &o, &r, &err), EN_ERROR_INPUT);
    assert_null(r);
    en_error_clear(&err);
    o.jitter = 0;
    o.draws = 0;
    assert_int_equal(en_mc_run(en_model_find("compromise"), s, NULL, &o, &r, &err), EN_ERROR_INPUT);
    en_error_clear(&err);
    /* A parameter the model rejects fails once, before any draw. */
    en_params *p = en_params_new();
    assert_int_equal(en_params_parse(p, "no_such_parameter=1", &err), EN_OK);
    o.draws = 10;
    assert_int_not_equal(en_mc_run(en_model_find("compromise"), s, p, &o, &r, &err), EN_OK);
    assert_null(r);
    en_error_clear(&err);
    en_params_free(p);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_triangular_inverse_by_hand),
        cmocka_unit_test(test_triangular_quantiles),
        cmocka_unit_test(test_normal_quantiles),
        cmocka_unit_test(test_threads_bit_identical),
        cmocka_unit_test(test_eum_fast_draws_match_reference),
        cmocka_unit_test(test_seed_changes_output),
        cmocka_unit_test(test_no_uncertainty_zero_spread),
        cmocka_unit_test(test_jitter_bounds),
        cmocka_unit_test(test_interrupt_keeps_partial),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
