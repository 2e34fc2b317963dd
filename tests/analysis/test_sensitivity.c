/*
 * test_sensitivity.c — the one-at-a-time sensitivity analysis (src/analysis/sensitivity.c)
 * against forecast changes of the compromise model worked out by hand: the compromise forecast
 * is Σ c·s·x / Σ c·s, so each expected change below is that fraction written out with the
 * moved value, minus the baseline. Also: clamping at the scale, pivotal actors (removal of
 * the first, a middle and the last actor, with patron references), vetoes, and a run of every
 * registered model.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/sensitivity.h"
#include "support/scenario_fixture.h"

/* Weights on a: P 3·0.5 = 1.5, Q 1·0.8 = 0.8, R 2·0.3 = 0.6 (sum 2.9); on b: P 2.7, Q 0.2. */
static const char yaml[] =
    "entente: 1\n"
    "title: three\n"
    "issues:\n"
    "  - id: a\n"
    "    scale: [0, 10]\n"
    "  - id: b\n"
    "    scale: [-1, 1]\n"
    "actors:\n"
    "  - {id: P, capability: 3, positions: {a: {position: 2, salience: 0.5}, b: {position: -0.5, salience: 0.9}}}\n"
    "  - {id: Q, capability: 1, veto: [b], positions: {a: {position: 7, salience: 0.8}, b: {position: 0.7, salience: 0.2}}}\n"
    "  - {id: R, capability: 2, veto: true, patron_of: P, positions: {a: {position: 9.5, salience: 0.3}}}\n";

#define BASE_A (14.3 / 2.9) /* (1.5·2 + 0.8·7 + 0.6·9.5) / 2.9 */
#define BASE_B (-1.21 / 2.9) /* (2.7·−0.5 + 0.2·0.7) / 2.9 */

static en_sensitivity_result *analyse(const en_scenario *s, const char *model, double delta)
{
    en_sensitivity_options o;
    en_sensitivity_options_init(&o);
    o.delta = delta;
    en_sensitivity_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_sensitivity_run(en_model_find(model), s, NULL, &o, &r, &err);
    if (st != EN_OK) en_error_print(&err, stderr);
    assert_int_equal(st, EN_OK);
    en_error_clear(&err);
    return r;
}

static void assert_close(double got, double expected)
{
    if (!(fabs(got - expected) <= 1e-12)) fail_msg("got %.15g, expected %.15g", got, expected);
}

static void check_change(const en_sensitivity_result *r, size_t actor, en_sensitivity_input input,
                         size_t on, size_t issue, double minus, double plus)
{
    double m = NAN, p = NAN;
    assert_true(en_sensitivity_change(r, actor, input, on, issue, &m, &p));
    assert_close(m, minus);
    assert_close(p, plus);
}

static void test_compromise_by_hand(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(yaml);
    en_sensitivity_result *r = analyse(s, "compromise", 0.1);
    assert_close(en_sensitivity_baseline(r, 0), BASE_A);
    assert_close(en_sensitivity_baseline(r, 1), BASE_B);
    /* P's capability 3 → 2.7 / 3.3 moves both issues. */
    check_change(r, 0, EN_INPUT_CAPABILITY, 0, 0,
                 (2.7 * 0.5 * 2 + 5.6 + 5.7) / (1.35 + 0.8 + 0.6) - BASE_A,
                 (3.3 * 0.5 * 2 + 5.6 + 5.7) / (1.65 + 0.8 + 0.6) - BASE_A);
    check_change(r, 0, EN_INPUT_CAPABILITY, 0, 1,
                 (2.7 * 0.9 * -0.5 + 0.14) / (2.43 + 0.2) - BASE_B,
                 (3.3 * 0.9 * -0.5 + 0.14) / (2.97 + 0.2) - BASE_B);
    /* Q's position on a ± 0.1 · 10: ± 0.8 / 2.9; nothing on b. */
    check_change(r, 1, EN_INPUT_POSITION, 0, 0, (1.5 * 2 + 0.8 * 6 + 5.7) / 2.9 - BASE_A,
                 (1.5 * 2 + 0.8 * 8 + 5.7) / 2.9 - BASE_A);
    check_change(r, 1, EN_INPUT_POSITION, 0, 1, 0, 0);
    /* R's position 9.5: down to 8.5, up clamped at the scale's 10. */
    check_change(r, 2, EN_INPUT_POSITION, 0, 0, (3 + 5.6 + 0.6 * 8.5) / 2.9 - BASE_A,
                 (3 + 5.6 + 0.6 * 10) / 2.9 - BASE_A);
    /* Q's position on b: ± 0.1 · 2 = 0.2. */
    check_change(r, 1, EN_INPUT_POSITION, 1, 1, (-1.35 + 0.2 * 0.5) / 2.9 - BASE_B,
                 (-1.35 + 0.2 * 0.9) / 2.9 - BASE_B);
    /* P's salience on b 0.9 → 0.8 / 1.0 (the upper bound). */
    check_change(r, 0, EN_INPUT_SALIENCE, 1, 1, (3 * 0.8 * -0.5 + 0.14) / (2.4 + 0.2) - BASE_B,
                 (3 * 1.0 * -0.5 + 0.14) / (3 + 0.2) - BASE_B);
    check_change(r, 0, EN_INPUT_SALIENCE, 1, 0, 0, 0);
    /* R takes no part in b: no such input. */
    assert_false(en_sensitivity_change(r, 2, EN_INPUT_SALIENCE, 1, 1, NULL, NULL));
    en_sensitivity_result_free(r);
    en_scenario_free(s);
}

static void test_pivotal_actors_by_hand(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(yaml);
    en_sensitivity_result *r = analyse(s, "compromise", 0.1);
    assert_close(en_sensitivity_without_actor(r, 0, 0), (5.6 + 5.7) / 1.4 - BASE_A);
    assert_close(en_sensitivity_without_actor(r, 0, 1), 0.7 - BASE_B);
    assert_close(en_sensitivity_without_actor(r, 1, 0), (3 + 5.7) / 2.1 - BASE_A);
    assert_close(en_sensitivity_without_actor(r, 1, 1), -0.5 - BASE_B);
    assert_close(en_sensitivity_without_actor(r, 2, 0), (3 + 5.6) / 2.3 - BASE_A);
    assert_close(en_sensitivity_without_actor(r, 2, 1), 0);
    /* Compromise ignores vetoes: zero, reported all the same. */
    for (size_t a = 0; a < 3; a++)
        for (size_t i = 0; i < 2; i++) assert_true(en_sensitivity_without_veto(r, a, i) == 0);
    assert_false(r->has_veto[0]);
    assert_true(r->has_veto[1]);
    assert_true(r->has_veto[2]);
    en_sensitivity_result_free(r);
    /* The analysis works on a copy: the scenario is untouched. */
    assert_int_equal(s->actor_count, 3);
    assert_string_equal(s->actors[2].id, "R");
    assert_int_equal(s->actors[2].patron_of, 0);
    assert_true(s->actors[2].veto_all);
    assert_true(s->actors[2].stances[0].position.value == 9.5);
    en_scenario_free(s);
}

static void test_delta_scales_changes(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(yaml);
    en_sensitivity_result *r = analyse(s, "compromise", 0.25);
    /* Q's position on a ± 2.5: linear in the position. */
    check_change(r, 1, EN_INPUT_POSITION, 0, 0, -0.8 * 2.5 / 2.9, 0.8 * 2.5 / 2.9);
    en_sensitivity_result_free(r);
    en_sensitivity_options o;
    en_sensitivity_options_init(&o);
    o.delta = 0;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_sensitivity_run(en_model_find("compromise"), s, NULL, &o, &r, &err), EN_ERROR_INPUT);
    en_error_clear(&err);
    en_scenario_free(s);
}

/* Every registered model, including ones added later, goes through the same path. */
static void test_every_model(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(yaml);
    size_t checked = 0;
    char yaml_without_q[sizeof yaml];
    const char *q = strstr(yaml, "  - {id: Q"), *after = strstr(yaml, "  - {id: R");
    assert_non_null(q);
    assert_non_null(after);
    snprintf(yaml_without_q, sizeof yaml_without_q, "%.*s%s", (int)(q - yaml), yaml, after);
    en_scenario *s_without_q = fixture_yaml(yaml_without_q);
    for (size_t m = 0; m < en_model_count(); m++) {
        const en_model *model = en_model_at(m);
        en_sensitivity_result *r = NULL;
        en_error err = EN_ERROR_INIT;
        en_status st = en_sensitivity_run(model, s, NULL, NULL, &r, &err);
        en_error_clear(&err);
        if (st != EN_OK) continue; /* the model refuses this scenario even unchanged */
        /* Oracles: the model run directly on the scenario, and on the scenario written
         * without actor Q (nobody refers to Q), give the baseline and the change without Q. */
        en_result *direct = NULL, *without = NULL;
        assert_int_equal(en_run(model, s, NULL, &direct, &err), EN_OK);
        assert_int_equal(en_run(model, s_without_q, NULL, &without, &err), EN_OK);
        for (size_t i = 0; i < 2; i++) {
            double base = en_sensitivity_baseline(r, i), range = i == 0 ? 10 : 2;
            if (!(base == en_result_forecast(direct, i)))
                fail_msg("%s issue %zu: baseline %.17g, run %.17g", en_model_name(model), i,
                         base, en_result_forecast(direct, i));
            double change = en_result_forecast(without, i) - base;
            double reported = en_sensitivity_without_actor(r, 1, i);
            /* changes within 1e-9 of the range are reported as 0 */
            if (!(fabs(reported - change) <= 1e-9 * range))
                fail_msg("%s issue %zu: without Q %.17g, direct %.17g", en_model_name(model), i,
                         reported, change);
        }
        en_result_free(direct);
        en_result_free(without);
        for (en_output_format f = EN_OUTPUT_TEXT; f <= EN_OUTPUT_CSV; f++) free(fixture_sensitivity_text(r, f));
        en_sensitivity_result_free(r);
        checked++;
    }
    assert_true(checked >= 5);
    en_scenario_free(s_without_q);
    en_sensitivity_result *r = analyse(s, "compromise", 0.1);
    char *json = fixture_sensitivity_text(r, EN_OUTPUT_JSON);
    assert_non_null(strstr(json, "\"analysis\": \"sensitivity\""));
    assert_non_null(strstr(json, "\"drivers\": [\n    {\"actor\": "));
    assert_non_null(strstr(json, "\"pivotal\": ["));
    free(json);
    char *text = fixture_sensitivity_text(r, EN_OUTPUT_TEXT);
    assert_non_null(strstr(text, "Pivotal actors"));
    free(text);
    en_sensitivity_result_free(r);
    en_scenario_free(s);
}

/* A change within 1e-9 of the issue's range is rounding, reported as 0: actor T's weight is
 * 1e-12 of the others', so moving its position by 10 (10 % of the range) moves the compromise
 * by ~5e-12 (< 1e-7 = 1e-9 · 100); moving S's position moves it by 5 (kept). */
static void test_noise_floor(void **state)
{
    (void)state;
    static const char tiny[] =
        "entente: 1\n"
        "title: tiny\n"
        "issues:\n"
        "  - {id: a, scale: [0, 100]}\n"
        "actors:\n"
        "  - {id: S, capability: 1, positions: {a: {position: 0, salience: 1}}}\n"
        "  - {id: U, capability: 1, positions: {a: {position: 100, salience: 1}}}\n"
        "  - {id: T, capability: 1e-12, positions: {a: {position: 50, salience: 1}}}\n";
    en_scenario *s = fixture_yaml(tiny);
    en_sensitivity_result *r = analyse(s, "compromise", 0.1);
    double m = NAN, p = NAN;
    assert_true(en_sensitivity_change(r, 2, EN_INPUT_POSITION, 0, 0, &m, &p));
    assert_true(m == 0 && p == 0);
    assert_true(en_sensitivity_change(r, 0, EN_INPUT_POSITION, 0, 0, &m, &p));
    assert_true(m == 0);            /* clamped at the scale's bottom: no move */
    assert_close(p, 10.0 / 2 * (2 / (2 + 1e-12)));
    en_sensitivity_result_free(r);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compromise_by_hand),
        cmocka_unit_test(test_noise_floor),
        cmocka_unit_test(test_pivotal_actors_by_hand),
        cmocka_unit_test(test_delta_scales_changes),
        cmocka_unit_test(test_every_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
