/*
 * test_mc_same.c — Monte Carlo runs the model once (per worker) when no draw can differ: no
 * uncertain value, no jitter, a model whose answer cannot depend on the per-draw seed. The
 * oracle is the run with the shortcut off (ENTENTE_MC_REUSE=0), which runs the model on every
 * draw: the text and JSON output must be the same bytes, and the counted model runs must fall
 * from one per draw to at most one per thread. Where a draw can differ (an uncertain value,
 * jitter, REX's seeded draws with p > 0, smp) the shortcut must not apply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/montecarlo.h"
#include "support/scenario_fixture.h"

/* Certain values only; C's salience is a normal without spread and B's a triangle without
 * width, which sample to the value itself. */
static const char certain_yaml[] =
    "entente: 1\n"
    "title: nothing uncertain\n"
    "issues:\n"
    "  - {id: tax, scale: [0, 100], status_quo: 30}\n"
    "  - {id: age, scale: [0, 100]}\n"
    "actors:\n"
    "  - id: A\n"
    "    capability: 3\n"
    "    positions:\n"
    "      tax: {position: 10, salience: 0.9}\n"
    "      age: {position: 70, salience: 0.2}\n"
    "  - id: B\n"
    "    capability: 2\n"
    "    positions:\n"
    "      tax: {position: 60, salience: 0.3}\n"
    "      age: {position: 20, salience: {low: 0.8, value: 0.8, high: 0.8}}\n"
    "  - id: C\n"
    "    capability: 1\n"
    "    positions:\n"
    "      tax: {position: 90, salience: {value: 0.5, sd: 0}}\n"
    "      age: {position: 40, salience: 0.6}\n";

/* The same with one uncertain position. */
static const char uncertain_yaml[] =
    "entente: 1\n"
    "title: one uncertain value\n"
    "issues:\n"
    "  - {id: tax, scale: [0, 100], status_quo: 30}\n"
    "  - {id: age, scale: [0, 100]}\n"
    "actors:\n"
    "  - id: A\n"
    "    capability: 3\n"
    "    positions:\n"
    "      tax: {position: {value: 10, sd: 5}, salience: 0.9}\n"
    "      age: {position: 70, salience: 0.2}\n"
    "  - id: B\n"
    "    capability: 2\n"
    "    positions:\n"
    "      tax: {position: 60, salience: 0.3}\n"
    "      age: {position: 20, salience: 0.8}\n"
    "  - id: C\n"
    "    capability: 1\n"
    "    positions:\n"
    "      tax: {position: 90, salience: 0.5}\n"
    "      age: {position: 40, salience: 0.6}\n";

#define DRAWS 600
#define THREADS 2

/* Runs mc and returns its JSON then text output; *runs gets the model runs for draws. */
static char *run(const en_scenario *s, const char *model, const char *param, double jitter,
                 int reuse, size_t *runs, int *same)
{
    if (reuse) unsetenv("ENTENTE_MC_REUSE");
    else setenv("ENTENTE_MC_REUSE", "0", 1);
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = DRAWS;
    o.seed = 11;
    o.threads = THREADS;
    o.jitter = jitter;
    en_params *params = en_params_new();
    en_error err = EN_ERROR_INIT;
    if (param) assert_int_equal(en_params_parse(params, param, &err), EN_OK);
    en_mc_result *r = NULL;
    assert_int_equal(en_mc_run(en_model_find(model), s, params, &o, &r, &err), EN_OK);
    *runs = r->model_runs;
    *same = r->same_draws;
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    assert_int_equal(en_mc_result_write(r, EN_OUTPUT_JSON, out, &err), EN_OK);
    assert_int_equal(en_mc_result_write(r, EN_OUTPUT_TEXT, out, &err), EN_OK);
    fclose(out);
    en_mc_result_free(r);
    en_params_free(params);
    unsetenv("ENTENTE_MC_REUSE");
    return text;
}

/* Output with and without the shortcut; returns whether the shortcut applied. */
static int compare(const char *yaml, const char *model, const char *param, double jitter)
{
    en_scenario *s = fixture_yaml(yaml);
    size_t runs_on, runs_off;
    int same_on, same_off;
    char *on = run(s, model, param, jitter, 1, &runs_on, &same_on);
    char *off = run(s, model, param, jitter, 0, &runs_off, &same_off);
    assert_string_equal(on, off);
    assert_int_equal(same_off, 0);
    assert_int_equal(runs_off, DRAWS);
    if (same_on) {
        assert_true(runs_on >= 1 && runs_on <= THREADS);
    } else {
        assert_int_equal(runs_on, DRAWS);
    }
    free(on);
    free(off);
    en_scenario_free(s);
    return same_on;
}

static void certain_scenario_runs_model_once(void **state)
{
    (void)state;
    static const char *const models[] = {"exchange", "eum", "compromise", "median", "nash",
                                         "ensemble", "procedural"};
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++)
        assert_int_equal(compare(certain_yaml, models[m], NULL, 0), 1);
}

static void shortcut_not_taken_where_draws_can_differ(void **state)
{
    (void)state;
    /* An uncertain value. */
    assert_int_equal(compare(uncertain_yaml, "exchange", NULL, 0), 0);
    assert_int_equal(compare(uncertain_yaml, "compromise", NULL, 0), 0);
    /* Jitter. */
    assert_int_equal(compare(certain_yaml, "exchange", NULL, 0.1), 0);
    /* The randomized exchange model draws from the per-draw seed. */
    assert_int_equal(compare(certain_yaml, "exchange", "p=0.2", 0), 0);
    /* smp makes no claim (its tie-breaks and samples draw from the seed). */
    assert_int_equal(compare(certain_yaml, "smp", NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(certain_scenario_runs_model_once),
        cmocka_unit_test(shortcut_not_taken_where_draws_can_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
