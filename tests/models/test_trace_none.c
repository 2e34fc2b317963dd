/*
 * test_trace_none.c — the `trace=none` level: a run records every round's positions, the
 * forecast and the stop reason, bit for bit those of trace=summary on the same path, and nothing
 * else (no story lines, no JSON extras); eum's path=auto then means scholz's vector path at
 * every size. eum on the BDM sheets (whose summary runs test_eum_api checks against the
 * goldens) and on the bundled scenario, both variants and every path, including runs that stop
 * at a fixed point and runs that end in a cycle (which trace=none reads back instead of
 * recomputing); exchange, deterministic and randomized. Monte Carlo and sensitivity, which run
 * their models with trace=none unless told otherwise, give the same statistics as with
 * trace=summary (and path=vector for eum).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/montecarlo.h"
#include "analysis/sensitivity.h"
#include "core/result.h"
#include "entente.h"
#include "support/scenario_fixture.h"

/* params: NULL-terminated "NAME=VALUE" list, to which "trace=<trace>" is added. */
static en_result *run_with(const en_scenario *s, const char *model, const char *const *params,
                           const char *trace)
{
    const char *all[16];
    size_t k = 0;
    for (; params[k]; k++) all[k] = params[k];
    char assignment[32];
    snprintf(assignment, sizeof assignment, "trace=%s", trace);
    all[k++] = assignment;
    all[k] = NULL;
    return fixture_run(s, model, all);
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Same rounds, positions, means, medians, forecasts and stop reasons, bit for bit; `none`
 * records nothing besides. Returns the number of rounds compared. */
static size_t expect_same_forecasts(const en_result *summary, const en_result *none)
{
    size_t rounds = 0;
    assert_int_equal(summary->issue_count, none->issue_count);
    for (size_t i = 0; i < summary->issue_count; i++) {
        const en_issue_result *a = &summary->issues[i], *b = &none->issues[i];
        assert_int_equal(a->issue, b->issue);
        assert_int_equal(a->participant_count, b->participant_count);
        assert_int_equal(a->round_count, b->round_count);
        assert_string_equal(a->stop_reason, b->stop_reason);
        if (!same_bits(a->forecast, b->forecast))
            fail_msg("issue %zu: forecast %.17g vs %.17g", i, a->forecast, b->forecast);
        for (size_t t = 0; t < a->round_count; t++) {
            const en_round *ra = &a->rounds[t], *rb = &b->rounds[t];
            assert_int_equal(ra->round, rb->round);
            for (size_t k = 0; k < a->participant_count; k++)
                if (!same_bits(ra->positions[k], rb->positions[k]))
                    fail_msg("issue %zu round %zu actor %zu: %.17g vs %.17g", i, t, k,
                             ra->positions[k], rb->positions[k]);
            assert_true(same_bits(ra->mean, rb->mean));
            assert_true(same_bits(ra->median, rb->median));
            assert_null(rb->extra);
        }
        assert_null(b->extra);
        rounds += a->round_count;
    }
    assert_int_equal(none->story_count, 0);
    assert_null(none->extra);
    return rounds;
}

static void check_model(const en_scenario *s, const char *model, const char *const *params)
{
    en_result *summary = run_with(s, model, params, "summary");
    en_result *none = run_with(s, model, params, "none");
    assert_true(summary->story_count > 0);
    assert_true(expect_same_forecasts(summary, none) > 0);
    en_result_free(summary);
    en_result_free(none);
}

/* path=auto under trace=none is scholz's vector path at every size: the same bits as
 * trace=summary with path=vector. */
static void check_auto_is_vector(const en_scenario *s, const char *rounds)
{
    const char *const vector[] = {rounds, "path=vector", NULL};
    const char *const automatic[] = {rounds, NULL};
    en_result *summary = run_with(s, "eum", vector, "summary");
    en_result *none = run_with(s, "eum", automatic, "none");
    assert_true(expect_same_forecasts(summary, none) > 0);
    en_result_free(summary);
    en_result_free(none);
}

static void test_eum_bdm_sheets(void **state)
{
    (void)state;
    const char *const sheets[] = {"tests/data/bdm/ExampleActors.csv", "tests/data/bdm/Sultan.csv",
                                  "tests/data/bdm/ChinaData.csv"};
    const char *const straight[] = {"rounds=50", "path=straight", NULL};
    const char *const fast[] = {"rounds=50", "path=fast", NULL};
    const char *const vector[] = {"rounds=50", "path=vector", NULL};
    const char *const masad[] = {"rounds=50", "variant=masad", NULL};
    for (size_t k = 0; k < sizeof sheets / sizeof sheets[0]; k++) {
        en_scenario *s = fixture_file(sheets[k]);
        check_model(s, "eum", straight);
        check_model(s, "eum", fast);
        check_model(s, "eum", vector);
        check_model(s, "eum", masad);
        check_auto_is_vector(s, "rounds=50");
        en_scenario_free(s);
    }
}

static void test_eum_bundled_scenario(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("scenarios/ukraine-2023.yaml");
    /* with 20 rounds or more several issues end in a two-round cycle */
    const char *const scholz[] = {"rounds=40", "path=straight", NULL};
    const char *const fast[] = {"rounds=40", "path=fast", NULL};
    const char *const vector[] = {"rounds=40", "path=vector", NULL};
    const char *const masad[] = {"rounds=40", "variant=masad", "Q=0.5", "T=0.5", NULL};
    check_model(s, "eum", scholz);
    check_model(s, "eum", fast);
    check_model(s, "eum", vector);
    check_model(s, "eum", masad);
    check_auto_is_vector(s, "rounds=40");
    /* a cycle found: the last rounds repeat earlier ones, and trace=none still matches */
    en_result *none = run_with(s, "eum", scholz, "none");
    int cycles = 0;
    for (size_t i = 0; i < none->issue_count; i++) {
        const en_issue_result *ir = &none->issues[i];
        size_t last = ir->round_count - 1, n = ir->participant_count;
        if (last >= 2 && memcmp(ir->rounds[last].positions, ir->rounds[last - 2].positions,
                                n * sizeof(double)) == 0)
            cycles++;
    }
    assert_true(cycles > 0);
    en_result_free(none);
    en_scenario_free(s);
}

static void test_exchange(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("scenarios/ukraine-2023.yaml");
    const char *const equal_gain[] = {"rounds=12", NULL};
    const char *const randomized[] = {"rounds=6", "p=0.3", "repetitions=3", "seed=7", NULL};
    check_model(s, "exchange", equal_gain);
    check_model(s, "exchange", randomized);
    en_scenario_free(s);
}

static char *mc_json(const en_scenario *s, const char *model, const en_params *params)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 150;
    o.seed = 11;
    o.threads = 2;
    o.jitter = 0.1;
    en_mc_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_mc_run(en_model_find(model), s, params, &o, &r, &err), EN_OK);
    /* the header lists the parameters the user gave; everything else must match */
    en_params_free(r->params);
    r->params = en_params_new();
    char *text = fixture_mc_text(r, EN_OUTPUT_JSON);
    en_mc_result_free(r);
    return text;
}

static char *sensitivity_json(const en_scenario *s, const char *model, const en_params *params)
{
    en_sensitivity_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_sensitivity_run(en_model_find(model), s, params, NULL, &r, &err), EN_OK);
    en_params_free(r->params);
    r->params = en_params_new();
    char *text = fixture_sensitivity_text(r, EN_OUTPUT_JSON);
    en_sensitivity_result_free(r);
    return text;
}

static void test_analyses_unchanged(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("scenarios/ukraine-2023.yaml");
    const char *const models[] = {"eum", "exchange"};
    for (size_t m = 0; m < 2; m++) {
        en_params *rounds = en_params_new(), *summary = en_params_new();
        en_params_set(rounds, "rounds", "20", NULL);
        en_params_set(summary, "rounds", "20", NULL);
        en_params_set(summary, "trace", "summary", NULL);
        /* trace=none runs eum's vector path at every size (path=auto): compare like with like */
        if (strcmp(models[m], "eum") == 0) en_params_set(summary, "path", "vector", NULL);
        char *a = mc_json(s, models[m], rounds), *b = mc_json(s, models[m], summary);
        if (strcmp(a, b) != 0) fail_msg("mc %s: trace=none and trace=summary differ", models[m]);
        free(a);
        free(b);
        en_params_set(rounds, "rounds", "6", NULL);
        en_params_set(summary, "rounds", "6", NULL);
        a = sensitivity_json(s, models[m], rounds);
        b = sensitivity_json(s, models[m], summary);
        if (strcmp(a, b) != 0) fail_msg("sensitivity %s: trace=none and trace=summary differ", models[m]);
        free(a);
        free(b);
        en_params_free(rounds);
        en_params_free(summary);
    }
    en_scenario_free(s);
}

static void test_trace_values(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("scenarios/ukraine-2023.yaml");
    en_params *p = en_params_new();
    en_params_set(p, "trace", "nothing", NULL);
    en_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_run(en_model_find("eum"), s, p, &r, &err), EN_ERROR_INPUT);
    assert_non_null(strstr(err.message, "summary|full|none"));
    en_error_clear(&err);
    en_params_free(p);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eum_bdm_sheets),
        cmocka_unit_test(test_eum_bundled_scenario),
        cmocka_unit_test(test_exchange),
        cmocka_unit_test(test_analyses_unchanged),
        cmocka_unit_test(test_trace_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
