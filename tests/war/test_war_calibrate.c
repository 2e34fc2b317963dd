/*
 * test_war_calibrate.c — the recalibration of P(deal by) (src/war/war_calibrate.c,
 * docs/models/war.md "(13) Calibration") against values computed by hand, its switch and its
 * keys in a scenario, and the reader's located error for a bad value.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/scenario.h"
#include "core/war.h"
#include "war/war.h"

#include "support/scenario_fixture.h"
#include "support/war_fixture.h"

static void test_map_by_hand(void **state)
{
    (void)state;
    /* logistic(0.59 + 0.35 ln(0.2/0.8)) = logistic(0.104803) = 0.526175 */
    assert_true(fabs(en_war_recalibrate(0.2, 0.59, 0.35, 0.005) - 0.5261753) < 1e-6);
    /* 0 is clamped to the floor: logistic(0.59 + 0.35 ln(0.005/0.995)) = 0.220517 */
    assert_true(fabs(en_war_recalibrate(0.0, 0.59, 0.35, 0.005) - 0.2205169) < 1e-6);
    /* 1 to 1 − floor: logistic(0.59 + 0.35 ln(199)) = 0.920023 */
    assert_true(fabs(en_war_recalibrate(1.0, 0.59, 0.35, 0.005) - 0.9200228) < 1e-6);
    /* a = 1, b = 2 at p = 1/2: logistic(1) */
    assert_true(fabs(en_war_recalibrate(0.5, 1, 2, 0.005) - 1 / (1 + exp(-1.0))) < 1e-12);
    /* the identity map (a = 0, b = 1) inside the floor */
    assert_true(fabs(en_war_recalibrate(0.3, 0, 1, 0.005) - 0.3) < 1e-12);
    /* b = 0: a constant forecast logistic(a) whatever p */
    assert_true(fabs(en_war_recalibrate(0.9, -1, 0, 0.005) - 1 / (1 + exp(1.0))) < 1e-12);
    /* no overflow at extreme slopes */
    double big = en_war_recalibrate(0.999, 0, 1e6, 1e-9), small = en_war_recalibrate(0.001, 0, 1e6, 1e-9);
    assert_true(big == 1.0 && small >= 0 && small < 1e-300);
}

static en_scenario *load(const char *params, en_error *err, en_status *st)
{
    char tail[256], text[2048];
    snprintf(tail, sizeof tail, "  parameters: {%s}\n", params);
    war_fixture_duel(text, sizeof text, "calibration", tail);
    en_scenario *s = NULL;
    *st = fixture_load(text, "cal.yaml", &s, err);
    return s;
}

static void test_switch_and_keys(void **state)
{
    (void)state;
    en_error err = EN_ERROR_INIT;
    en_status st;
    /* the documented defaults (slope-only, a = 0, b = 0.197): logistic(0.197 ln(0.2/0.8)) =
     * logistic(−0.273100) = 0.432146; 0.5 stays 0.5 */
    en_scenario *s = load("", &err, &st);
    assert_int_equal(st, EN_OK);
    assert_true(fabs(en_war_calibrated(s->war, 0.2) - 0.4321462) < 1e-6);
    assert_true(fabs(en_war_calibrated(s->war, 0.5) - 0.5) < 1e-12);
    en_scenario_free(s);
    /* switched off: the raw probability */
    s = load("calibration: 0", &err, &st);
    assert_int_equal(st, EN_OK);
    assert_true(en_war_calibrated(s->war, 0.2) == 0.2);
    assert_true(en_war_calibrated(s->war, 0.0) == 0.0);
    en_scenario_free(s);
    /* the file's own parameters: logistic(−1 + 2 ln(0.25/0.75)) = logistic(−3.197225) = 0.039270 */
    s = load("calibration_a: -1, calibration_b: 2, calibration_floor: 0.01", &err, &st);
    assert_int_equal(st, EN_OK);
    assert_true(fabs(en_war_calibrated(s->war, 0.25) - 0.0392703) < 1e-6);
    en_scenario_free(s);
    /* a negative slope is an input error located in the file */
    s = load("calibration_b: -1", &err, &st);
    assert_int_equal(st, EN_ERROR_INPUT);
    assert_null(s);
    assert_non_null(strstr(err.message, "calibration_b"));
    assert_int_equal(err.line, 13);
    assert_int_equal(err.column, 31);
    en_error_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_by_hand),
        cmocka_unit_test(test_switch_and_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
