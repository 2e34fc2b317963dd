/*
 * test_backtest.c — the backtest's scores on a three-issue scenario computed by hand, the
 * Nash disagreement point from the actors who can block (hand-computed), and order invariance
 * of the default forecaster (a property test over random permutations of the actors).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/scenario.h"
#include "models/ensemble.h"
#include "support/scenario_fixture.h"

static const char three_issues[] =
    "entente: 1\ntitle: three\nissues:\n"
    "  - {id: i1, scale: [0, 100], outcome: 40}\n"
    "  - {id: i2, scale: [0, 100], outcome: {value: 50, date: 2020-01-02, note: hand}}\n"
    "  - {id: i3, scale: [0, 100], outcome: 0}\n"
    "actors:\n"
    "  - {id: A, capability: 1, positions: {i1: {position: 0, salience: 1}, i2: {position: 20, salience: 1}, i3: {position: 10, salience: 1}}}\n"
    "  - {id: B, capability: 1, positions: {i1: {position: 100, salience: 1}, i2: {position: 40, salience: 1}, i3: {position: 10, salience: 1}}}\n"
    "  - {id: C, capability: 1, positions: {i1: {position: 50, salience: 0.5}, i2: {position: 90, salience: 0.5}, i3: {position: 100, salience: 1}}}\n";

static void hand_computed_backtest(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(three_issues);
    const char *models[] = {"median"};
    en_backtest_options o;
    en_backtest_options_init(&o);
    o.models = models;
    o.model_count = 1;
    en_backtest *bt = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_backtest_run(&s, 1, &o, &bt, &err), EN_OK);
    assert_int_equal(en_backtest_issue_count(bt), 3);
    assert_int_equal(en_backtest_model_count(bt), 2);
    assert_string_equal(en_backtest_model_name(bt, 0), "compromise");
    /* compromise: (0 + 100 + 25)/2.5 = 50, (20 + 40 + 45)/2.5 = 42, 120/3 = 40;
     * errors 10, 8, 40: MAE 58/3, median 10, RMSE sqrt((100 + 64 + 1600)/3) = sqrt(588) */
    assert_float_equal(en_backtest_forecast(bt, 0, 0), 50, 1e-12);
    assert_float_equal(en_backtest_forecast(bt, 0, 1), 42, 1e-12);
    assert_float_equal(en_backtest_forecast(bt, 0, 2), 40, 1e-12);
    assert_float_equal(en_backtest_mae(bt, 0), 58.0 / 3, 1e-12);
    /* median: 50, 40, 10 → errors 10, 10, 10 */
    assert_float_equal(en_backtest_mae(bt, 1), 10, 1e-12);
    FILE *f = tmpfile();
    assert_int_equal(en_backtest_write(bt, EN_OUTPUT_JSON, f, &err), EN_OK);
    rewind(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_non_null(strstr(text, "\"median_ae\": 10,"));
    assert_non_null(strstr(text, "\"rmse\": 24.24871130596428"));   /* sqrt(588) */
    assert_non_null(strstr(text, "\"within10\": 0.6666666666666666")); /* 10 and 8 are within */
    /* one scenario: every bootstrap resample is the whole data, the interval a point */
    assert_non_null(strstr(text, "\"mae_ci95\": [19.33333333333333"));
    assert_non_null(strstr(text, "\"diff_vs_compromise\": -9.33333333333333"));
    assert_non_null(strstr(text, "{\"scenario\": \"three\", \"issue\": \"i2\", \"outcome\": 50"));
    en_backtest_free(bt);
    en_scenario_free(s);
}

static void no_outcome_is_an_error(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml("entente: 1\ntitle: t\nissues: [{id: i, scale: [0, 1]}]\nactors:\n"
                                  "  - {id: A, capability: 1, positions: {i: {position: 0, salience: 1}}}\n"
                                  "  - {id: B, capability: 1, positions: {i: {position: 1, salience: 1}}}\n");
    en_backtest *bt = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_backtest_run(&s, 1, NULL, &bt, &err), EN_ERROR_INPUT);
    assert_null(bt);
    en_error_clear(&err);
    en_scenario_free(s);
}

/* Nash with a status quo: A (position 0) holds a veto, B (60) and C (100) do not; status quo
 * 20, equal weights. Only A keeps the status quo (reach 20: x in [0, 20]); B and C fall back to
 * their worst scale ends (reach 60 and 100). On (0, 20) the product is (20 − x)·x·x, maximal
 * where −1/(20 − x) + 2/x = 0: x = 40/3. Under the old rule (everyone a blocker) B needs
 * x > 20 and A x < 20: no deal, the status quo 20. */
static void nash_blockers_define_the_disagreement_point(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(
        "entente: 1\ntitle: n\nissues: [{id: i, scale: [0, 100], status_quo: 20}]\nactors:\n"
        "  - {id: A, capability: 1, veto: true, positions: {i: {position: 0, salience: 1}}}\n"
        "  - {id: B, capability: 1, positions: {i: {position: 60, salience: 1}}}\n"
        "  - {id: C, capability: 1, positions: {i: {position: 100, salience: 1}}}\n");
    en_result *r = fixture_run(s, "nash", NULL);
    assert_float_equal(fixture_forecast(r, "i"), 40.0 / 3, 1e-9);
    en_result_free(r);
    const char *all[] = {"blockers=all", NULL};
    r = fixture_run(s, "nash", all);
    assert_float_equal(fixture_forecast(r, "i"), 20, 0);
    en_result_free(r);
    en_scenario_free(s);
}

static uint64_t mix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The scenario with its actors in a random order (patron links remapped). */
static en_scenario *permuted(const en_scenario *s, uint64_t *seed)
{
    en_scenario *c = en_scenario_canonical(s);
    size_t n = c->actor_count;
    for (size_t j = n; j > 1; j--) {
        size_t r = (size_t)(mix(seed) % j);
        en_actor t = c->actors[j - 1];
        c->actors[j - 1] = c->actors[r];
        c->actors[r] = t;
    }
    for (size_t a = 0; a < n; a++)
        if (s->actors[a].patron_of >= 0) {
            long me = en_scenario_find_actor(c, s->actors[a].id);
            c->actors[me].patron_of = en_scenario_find_actor(c, s->actors[s->actors[a].patron_of].id);
        }
    return c;
}

static void check_invariant(const en_scenario *s, const char *model, int draws)
{
    en_result *base = fixture_run(s, model, NULL);
    uint64_t seed = 42;
    for (int d = 0; d < draws; d++) {
        en_scenario *p = permuted(s, &seed);
        en_result *r = fixture_run(p, model, NULL);
        for (size_t i = 0; i < s->issue_count; i++)
            assert_true(en_result_forecast(r, i) == en_result_forecast(base, i)); /* bit-exact */
        en_result_free(r);
        en_scenario_free(p);
    }
    en_result_free(base);
}

static void default_forecast_ignores_actor_order(void **state)
{
    (void)state;
    const char *model = en_default_forecaster();
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(fixture_path("scenarios/ukraine-2023.yaml"), NULL, &s, &err), EN_OK);
    check_invariant(s, model, 20);
    check_invariant(s, "procedural", 20);
    en_scenario_free(s);
    en_scenario **all = NULL;
    size_t count = 0;
    assert_int_equal(en_scenario_load_all(fixture_path("tests/data/deu/anomalies.tsv"), NULL, &all,
                                          &count, &err), EN_OK);
    for (size_t k = 0; k < count; k++) {
        check_invariant(all[k], model, 20);
        en_scenario_free(all[k]);
    }
    free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_computed_backtest),
        cmocka_unit_test(no_outcome_is_an_error),
        cmocka_unit_test(nash_blockers_define_the_disagreement_point),
        cmocka_unit_test(default_forecast_ignores_actor_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
