/*
 * test_baselines.c — compromise, median and nash against hand-computed cases and properties.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <cmocka.h>

#include "support/scenario_fixture.h"

/* Two actors: A at 20 (capability 3, salience 1 → w 3), B at 40 (capability 4, salience 0.5
 * → w 2), scale 0–100. */
static const char two_actors[] =
    "entente: 1\ntitle: two\nissues:\n"
    "  - {id: up, scale: [0, 100], status_quo: 100}\n"
    "  - {id: mid, scale: [0, 100], status_quo: 30}\n"
    "  - {id: none, scale: [0, 100]}\n"
    "actors:\n"
    "  - {id: A, capability: 3, positions: {up: {position: 20, salience: 1}, mid: {position: 20, salience: 1}, none: {position: 20, salience: 1}}}\n"
    "  - {id: B, capability: 4, positions: {up: {position: 40, salience: 0.5}, mid: {position: 40, salience: 0.5}, none: {position: 40, salience: 0.5}}}\n";

static void compromise_is_weighted_mean(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(two_actors);
    en_result *r = fixture_run(s, "compromise", NULL);
    /* (3·20 + 2·40) / 5 = 28 */
    assert_float_equal(fixture_forecast(r, "up"), 28, 1e-12);
    en_result_free(r);
    en_scenario_free(s);
}

static void compromise_of_identical_positions(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(
        "entente: 1\ntitle: same\nissues: [{id: i, scale: [0, 10]}]\nactors:\n"
        "  - {id: A, capability: 1, positions: {i: {position: 7, salience: 0.3}}}\n"
        "  - {id: B, capability: 9, positions: {i: {position: 7, salience: 1}}}\n"
        "  - {id: C, capability: 0, positions: {i: {position: 7, salience: 0}}}\n");
    const char *models[] = {"compromise", "median", "nash"};
    for (size_t m = 0; m < 3; m++) {
        en_result *r = fixture_run(s, models[m], NULL);
        assert_float_equal(fixture_forecast(r, "i"), 7, 0);
        en_result_free(r);
    }
    en_scenario_free(s);
}

static void median_takes_the_heavier_side(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(two_actors);
    en_result *r = fixture_run(s, "median", NULL);
    assert_float_equal(fixture_forecast(r, "up"), 20, 0); /* A holds 3 of 5 */
    en_result_free(r);
    en_scenario_free(s);
}

/* Status quo 100 above both: maximise 3 ln(80 − |x−20|) + 2 ln(60 − |x−40|). On [20, 40] this
 * is 3 ln(100 − x) + 2 ln(20 + x), stationary at x = (2·100 − 3·20)/5 = 28. */
static void nash_with_status_quo_outside(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(two_actors);
    en_result *r = fixture_run(s, "nash", NULL);
    assert_float_equal(fixture_forecast(r, "up"), 28, 1e-9);
    /* status quo between them: every move hurts one side, so the status quo stands */
    assert_float_equal(fixture_forecast(r, "mid"), 30, 0);
    assert_string_equal(en_result_stop_reason(r, 1), "no_mutual_gain");
    /* no status quo: disagreement at the compromise (28), which lies between them */
    assert_float_equal(fixture_forecast(r, "none"), 28, 1e-12);
    en_result_free(r);
    en_scenario_free(s);
}

/* disagreement=worst: reach = distance to the far end (A: 80, B: 60): the same objective on
 * [20, 40] as above, so 28 on every issue. */
static void nash_worst_disagreement(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(two_actors);
    const char *params[] = {"disagreement=worst", NULL};
    en_result *r = fixture_run(s, "nash", params);
    assert_float_equal(fixture_forecast(r, "mid"), 28, 1e-9);
    assert_float_equal(fixture_forecast(r, "none"), 28, 1e-9);
    en_result_free(r);
    en_scenario_free(s);
}

static void bad_parameters_are_reported(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(two_actors);
    en_params *p = en_params_new();
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_params_parse(p, "disagrement=worst", &err), EN_OK);
    en_result *r = NULL;
    assert_int_equal(en_run(en_model_find("nash"), s, p, &r, &err), EN_ERROR_INPUT);
    assert_null(r);
    assert_true(fixture_error_has(&err, 0, 0, "did you mean 'disagreement'"));
    en_error_clear(&err);
    en_params_free(p);
    p = en_params_new();
    en_params_parse(p, "disagreement=best", &err);
    assert_int_equal(en_run(en_model_find("nash"), s, p, &r, &err), EN_ERROR_INPUT);
    assert_true(fixture_error_has(&err, 0, 0, "status_quo|worst"));
    en_error_clear(&err);
    en_params_free(p);
    en_scenario_free(s);
}

/* Every model that applies (those added later too): round 0 is the input on every issue, for
 * both actors, and the forecast of two actors at 20 and 40 lies between them (every model here
 * forecasts a point of the actors' convex hull: a weighted mean, a median, a Nash point between
 * the ideal points, moves towards another actor). */
static void every_model_gives_round_zero_input(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(two_actors);
    size_t checked = 0;
    for (size_t m = 0; m < en_model_count(); m++) {
        const en_model *model = en_model_at(m);
        if (!en_model_applies(model, s)) continue;
        en_result *r = fixture_run(s, en_model_name(model), NULL);
        assert_int_equal(en_result_issue_count(r), 3);
        for (size_t i = 0; i < 3; i++) {
            double x;
            assert_true(en_result_round_count(r, i) >= 1);
            assert_true(en_result_position(r, i, 0, 0, &x));
            assert_float_equal(x, 20, 0);
            assert_true(en_result_position(r, i, 0, 1, &x));
            assert_float_equal(x, 40, 0);
            double f = en_result_forecast(r, i);
            if (!(f >= 20 && f <= 40))
                fail_msg("%s on issue %zu: forecast %g outside [20, 40]", en_model_name(model), i, f);
        }
        en_result_free(r);
        checked++;
    }
    assert_true(checked >= 5); /* compromise, eum, exchange, median, nash */
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compromise_is_weighted_mean),
        cmocka_unit_test(compromise_of_identical_positions),
        cmocka_unit_test(median_takes_the_heavier_side),
        cmocka_unit_test(nash_with_status_quo_outside),
        cmocka_unit_test(nash_worst_disagreement),
        cmocka_unit_test(bad_parameters_are_reported),
        cmocka_unit_test(every_model_gives_round_zero_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
