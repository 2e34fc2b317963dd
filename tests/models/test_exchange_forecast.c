/*
 * test_exchange_forecast.c — the exchange forecasts computed directly (models/exchange_forecast.h,
 * what the default forecaster's Monte Carlo draws use) against en_run of the exchange model on
 * its reference kernel (path=reference, checked against Decide's golden runs in
 * test_exchange.c): the same bits on the bundled scenario, the Decide data sets and jittered
 * copies of them (zero saliences and capabilities included); and the ensemble's exchange part
 * gives the same forecasts on every path, whatever the order of the actors; the Monte Carlo
 * engine's direct path with parameters other than the defaults, and the runs it declines.
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

#include "analysis/montecarlo.h"
#include "core/result.h"
#include "core/scenario.h"
#include "models/ensemble.h"
#include "models/exchange_forecast.h"
#include "models/model.h"
#include "models/params.h"
#include "support/scenario_fixture.h"

/* en_run's forecasts with the reference kernel, trace=none, every other parameter default. */
static double *reference_forecasts(const en_scenario *s)
{
    en_params *params = en_params_new();
    en_params_set(params, "path", "reference", NULL);
    en_params_set(params, "trace", "none", NULL);
    en_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_run(en_model_find("exchange"), s, params, &r, &err) != EN_OK) fail_msg("%s", err.message);
    double *f = calloc(s->issue_count + 1, sizeof *f);
    for (size_t k = 0; k < s->issue_count; k++) f[k] = NAN;
    for (size_t j = 0; j < r->issue_count; j++) f[r->issues[j].issue] = r->issues[j].forecast;
    en_result_free(r);
    en_params_free(params);
    return f;
}

static void check_direct(const en_scenario *s, const char *what)
{
    double *expected = reference_forecasts(s);
    double *got = calloc(s->issue_count + 1, sizeof *got);
    if (!en_exchange_forecast_direct(s, got)) fail_msg("%s: the direct path declined", what);
    for (size_t k = 0; k < s->issue_count; k++)
        if (memcmp(&expected[k], &got[k], sizeof got[k]) != 0)
            fail_msg("%s, issue %zu: %.17g (en_run, reference) against %.17g (direct)", what, k,
                     expected[k], got[k]);
    free(expected);
    free(got);
}

static const char *const data_sets[] = {
    "scenarios/ukraine-2023.yaml",        "tests/data/decide/cop21.csv",
    "tests/data/decide/copenhagen.csv",   "tests/data/decide/sample_data.txt",
    "tests/data/decide/synth-20x10.csv",
};

/* The data sets as they are, and 12 jittered copies of each: jitter 0.1 on a Decide file's
 * 0–100 salience range drives many saliences to zero, so the zero-weight rules are exercised. */
static void direct_matches_reference(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 2023);
    for (size_t d = 0; d < sizeof data_sets / sizeof data_sets[0]; d++) {
        en_scenario *s = fixture_file(data_sets[d]);
        check_direct(s, data_sets[d]);
        en_scenario *draw = en_scenario_clone(s);
        for (int k = 0; k < 12; k++) {
            char what[256];
            snprintf(what, sizeof what, "%s, jittered draw %d", data_sets[d], k);
            en_mc_sample_scenario(s, draw, rng, k % 3 == 0 ? 0.3 : 0.1);
            check_direct(draw, what);
        }
        en_scenario_free(draw);
        en_scenario_free(s);
    }
    gsl_rng_free(rng);
}

/* The ensemble's exchange part: auto and fast (direct) against reference (en_run on the
 * canonical copy), with the actors in file order and reversed. */
static void ensemble_paths_agree(void **state)
{
    (void)state;
    for (size_t d = 0; d < sizeof data_sets / sizeof data_sets[0]; d++) {
        en_scenario *s = fixture_file(data_sets[d]);
        size_t m = s->issue_count;
        double *ref = calloc(m + 1, sizeof *ref), *fast = calloc(m + 1, sizeof *fast),
               *rev = calloc(m + 1, sizeof *rev);
        en_error err = EN_ERROR_INIT;
        assert_int_equal(en_ensemble_exchange_path(s, "reference", ref, &err), EN_OK);
        assert_int_equal(en_ensemble_exchange_path(s, "auto", fast, &err), EN_OK);
        assert_memory_equal(ref, fast, m * sizeof *ref);
        assert_int_equal(en_ensemble_exchange_path(s, "fast", fast, &err), EN_OK);
        assert_memory_equal(ref, fast, m * sizeof *ref);
        /* the actors reversed (patron links follow: they refer by index) */
        en_scenario *r = en_scenario_canonical(s);
        size_t n = r->actor_count;
        for (size_t a = 0; a < n / 2; a++) {
            en_actor t = r->actors[a];
            r->actors[a] = r->actors[n - 1 - a];
            r->actors[n - 1 - a] = t;
        }
        for (size_t a = 0; a < n; a++)
            if (r->actors[a].patron_of >= 0) r->actors[a].patron_of = (long)n - 1 - r->actors[a].patron_of;
        assert_int_equal(en_ensemble_exchange_path(r, "auto", rev, &err), EN_OK);
        assert_memory_equal(ref, rev, m * sizeof *ref);
        en_scenario_free(r);
        free(ref);
        free(fast);
        free(rev);
        en_scenario_free(s);
    }
}

/* The ensemble's forecasts computed directly (en_ensemble_forecast_direct: the draws of
 * `entente forecast`) against en_run of the ensemble with the exchange part on its reference
 * kernel, on the data sets and jittered copies of them, with the default weight and others (0:
 * the procedural part alone; 1: the exchange model alone): the same bits. */
static void ensemble_direct_matches_en_run(void **state)
{
    (void)state;
    static const char *const weights[] = {"0.3", "0", "1", "0.55"};
    const en_model *model = en_model_find("ensemble");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 99);
    int compared = 0;
    for (size_t d = 0; d < sizeof data_sets / sizeof data_sets[0]; d++) {
        en_scenario *s = fixture_file(data_sets[d]);
        en_scenario *canonical = en_scenario_canonical(s);
        en_scenario *draw = en_scenario_clone(canonical);
        size_t m = s->issue_count;
        double *direct = calloc(m + 1, sizeof *direct), *ref = calloc(m + 1, sizeof *ref);
        for (int k = 0; k < 8; k++) {
            en_mc_sample_scenario(canonical, draw, rng, k == 0 ? 0 : 0.1);
            en_params *params = en_params_new();
            en_params_set(params, "weight_exchange", weights[k % 4], NULL);
            en_params_set(params, "exchange_path", "reference", NULL);
            en_error err = EN_ERROR_INIT;
            en_result *r = NULL;
            if (en_run(model, draw, params, &r, &err) != EN_OK) fail_msg("%s", err.message);
            for (size_t j = 0; j < r->issue_count; j++) ref[r->issues[j].issue] = r->issues[j].forecast;
            en_result_free(r);
            /* the direct way with the fast exchange path (the draws' default) */
            en_params_set(params, "exchange_path", "auto", NULL);
            en_param_values *values = NULL;
            assert_int_equal(en_param_values_build(model, params, &values, &err), EN_OK);
            assert_true(en_ensemble_forecast_direct(draw, values, direct));
            assert_memory_equal(ref, direct, m * sizeof *ref);
            compared++;
            en_param_values_free(values);
            en_params_free(params);
        }
        free(direct);
        free(ref);
        en_scenario_free(draw);
        en_scenario_free(canonical);
        en_scenario_free(s);
    }
    assert_int_equal(compared, 8 * (int)(sizeof data_sets / sizeof data_sets[0]));
    gsl_rng_free(rng);
}

/* en_run's forecasts with the reference kernel and the given parameters (trace=none). */
static double *reference_with(const en_scenario *s, const char *rounds, const char *tie,
                              const char *knife)
{
    en_params *params = en_params_new();
    en_params_set(params, "path", "reference", NULL);
    en_params_set(params, "trace", "none", NULL);
    en_params_set(params, "rounds", rounds, NULL);
    en_params_set(params, "tie_tolerance", tie, NULL);
    en_params_set(params, "knife_edge", knife, NULL);
    en_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_run(en_model_find("exchange"), s, params, &r, &err) != EN_OK) fail_msg("%s", err.message);
    double *f = calloc(s->issue_count + 1, sizeof *f);
    for (size_t j = 0; j < r->issue_count; j++) {
        f[r->issues[j].issue] = r->issues[j].forecast;
        assert_string_equal(r->issues[j].stop_reason, "rounds");
    }
    en_result_free(r);
    en_params_free(params);
    return f;
}

/* The Monte Carlo engine's direct path (en_exchange_direct_settings, en_exchange_forecast_with)
 * with parameters other than the defaults, against en_run on the reference kernel; and the
 * runs it must leave to en_run (p > 0, a trace, path=reference) are declined. */
static void direct_with_parameters(void **state)
{
    (void)state;
    static const char *const settings[][3] = {
        {"10", "1e-9", "1e-9"}, {"3", "0", "0"}, {"7", "0.5", "0.001"}, {"1", "1e-6", "1e-9"},
    };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 19);
    for (size_t d = 0; d < sizeof data_sets / sizeof data_sets[0]; d++) {
        en_scenario *s = fixture_file(data_sets[d]);
        en_scenario *draw = en_scenario_clone(s);
        for (size_t k = 0; k < sizeof settings / sizeof settings[0]; k++) {
            en_mc_sample_scenario(s, draw, rng, 0.1);
            en_params *params = en_params_new();
            en_params_set(params, "trace", "none", NULL);
            en_params_set(params, "rounds", settings[k][0], NULL);
            en_params_set(params, "tie_tolerance", settings[k][1], NULL);
            en_params_set(params, "knife_edge", settings[k][2], NULL);
            en_exchange_direct direct;
            assert_int_equal(en_exchange_direct_settings(params, &direct), 1);
            double *expected = reference_with(draw, settings[k][0], settings[k][1], settings[k][2]);
            double *got = calloc(s->issue_count + 1, sizeof *got);
            assert_int_equal(en_exchange_forecast_with(draw, &direct, got), 1);
            for (size_t i = 0; i < s->issue_count; i++)
                if (memcmp(&expected[i], &got[i], sizeof got[i]) != 0)
                    fail_msg("%s, settings %zu, issue %zu: %.17g (en_run, reference) against "
                             "%.17g (direct)", data_sets[d], k, i, expected[i], got[i]);
            free(expected);
            free(got);
            en_params_free(params);
        }
        en_scenario_free(draw);
        en_scenario_free(s);
    }
    gsl_rng_free(rng);
    static const char *const declined[][2] = {
        {"p", "0.2"}, {"trace", "summary"}, {"path", "reference"}, {"rounds", "-3"},
    };
    for (size_t k = 0; k < sizeof declined / sizeof declined[0]; k++) {
        en_params *params = en_params_new();
        en_params_set(params, "trace", "none", NULL);
        en_params_set(params, declined[k][0], declined[k][1], NULL);
        en_exchange_direct direct;
        if (en_exchange_direct_settings(params, &direct))
            fail_msg("%s=%s: the direct path should decline", declined[k][0], declined[k][1]);
        en_params_free(params);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(direct_matches_reference),
        cmocka_unit_test(direct_with_parameters),
        cmocka_unit_test(ensemble_paths_agree),
        cmocka_unit_test(ensemble_direct_matches_en_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
