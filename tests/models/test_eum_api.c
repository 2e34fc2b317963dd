/*
 * test_eum_api.c — the `eum` model through the public API on the BDM CSV sheets: the whole
 * trajectory of ExampleActors (both variants, 50 rounds) equals the reference goldens bit for
 * bit, the per-round extras are there, and the stop reasons come out right.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/node.h"
#include "core/result.h"
#include "entente.h"
#include "support/eum_golden.h"

static en_result *run_csv(const char *file, const char *const *params)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/bdm/%s", ENTENTE_SOURCE_DIR, file);
    en_error err = EN_ERROR_INIT;
    en_scenario *scenario = NULL;
    en_load_options options = {0};
    if (en_scenario_load(path, &options, &scenario, &err) != EN_OK) {
        en_error_print(&err, stderr);
        fail();
    }
    en_params *p = en_params_new();
    for (size_t k = 0; params[k]; k++) assert_int_equal(en_params_parse(p, params[k], &err), EN_OK);
    en_result *result = NULL;
    if (en_run(en_model_find("eum"), scenario, p, &result, &err) != EN_OK) {
        en_error_print(&err, stderr);
        fail();
    }
    en_params_free(p);
    return result;
}

static void finish(en_result *result)
{
    en_scenario *scenario = (en_scenario *)en_result_scenario(result);
    en_result_free(result);
    en_scenario_free(scenario);
}

static void compare_with_golden(en_result *result, const char *golden)
{
    eum_golden *g = eum_golden_load(golden);
    assert_non_null(g);
    const en_scenario *sc = en_result_scenario(result);
    assert_int_equal(en_result_round_count(result, 0), g->round_count);
    const en_issue_result *ir = &result->issues[0];
    for (size_t t = 0; t < g->round_count; t++) {
        for (size_t k = 0; k < g->n; k++) {
            double x;
            assert_true(en_result_position(result, 0, t, k, &x));
            assert_string_equal(en_scenario_actor_id(sc, k), g->names[k]);
            if (x != g->rounds[t].x[k])
                fail_msg("%s round %zu %s: %.17g vs %.17g", golden, t, g->names[k], x,
                         g->rounds[t].x[k]);
        }
        assert_true(ir->rounds[t].mean == g->rounds[t].mean);
        assert_true(ir->rounds[t].median == g->rounds[t].median);
        if (t == 0) continue;
        en_node *r = en_node_get(ir->rounds[t].extra, "r");
        assert_non_null(r);
        for (size_t k = 0; k < g->n; k++)
            assert_true(en_node_get(r, g->names[k])->number == g->rounds[t].r[k]);
        assert_non_null(en_node_get(ir->rounds[t].extra, "moves"));
    }
    eum_golden_free(g);
}

static void test_example_actors_scholz(void **state)
{
    (void)state;
    const char *params[] = {"rounds=50", NULL};
    en_result *result = run_csv("ExampleActors.csv", params);
    compare_with_golden(result, "bdm1__ExampleActors.json");
    assert_string_equal(en_result_stop_reason(result, 0), "rounds");
    /* the quadrant: every actor against every other one */
    en_node *quadrant = en_node_get(result->issues[0].extra, "quadrant");
    assert_non_null(quadrant);
    assert_int_equal(quadrant->count, 10);
    assert_int_equal(en_node_get(quadrant, "Belgium")->count, 9);
    finish(result);
}

static void test_example_actors_masad(void **state)
{
    (void)state;
    /* the CSV scale defaults to the range of the positions, (4, 10): the notebooks' xmin, xmax */
    const char *params[] = {"rounds=50", "variant=masad", NULL};
    en_result *result = run_csv("ExampleActors.csv", params);
    compare_with_golden(result, "bdm2__ExampleActors.json");
    finish(result);
}

static void test_stop_reasons(void **state)
{
    (void)state;
    /* Sultan under scholz: nobody ever has a qualifying offer (docs/models/eum.md, "Small and degenerate
     * cases") */
    const char *params[] = {"rounds=30", NULL};
    en_result *result = run_csv("Sultan.csv", params);
    assert_string_equal(en_result_stop_reason(result, 0), "fixed_point");
    assert_int_equal(en_result_round_count(result, 0), 2);
    finish(result);
    /* China under masad with the data's own scale converges and stops cleanly */
    const char *masad[] = {"rounds=60", "variant=masad", NULL};
    result = run_csv("ChinaData.csv", masad);
    const char *reason = en_result_stop_reason(result, 0);
    assert_true(strcmp(reason, "consensus") == 0 || strcmp(reason, "fixed_point") == 0 ||
                strcmp(reason, "rounds") == 0);
    assert_true(isfinite(en_result_forecast(result, 0)));
    finish(result);
}

static void test_exact_and_fast_agree(void **state)
{
    (void)state;
    const char *fast[] = {"rounds=10", "variant=masad", NULL};
    const char *exact[] = {"rounds=10", "variant=masad", "exact=1", NULL};
    en_result *a = run_csv("synth-100.csv", fast), *b = run_csv("synth-100.csv", exact);
    assert_string_equal(en_node_get(a->issues[0].extra, "path")->string, "fast");
    assert_string_equal(en_node_get(b->issues[0].extra, "path")->string, "straight");
    /* exact=1 wins over any path; path=straight is the same */
    const char *overridden[] = {"rounds=1", "exact=1", "path=vector", NULL};
    const char *straight[] = {"rounds=1", "path=straight", NULL};
    en_result *c = run_csv("synth-100.csv", overridden), *d = run_csv("synth-100.csv", straight);
    assert_string_equal(en_node_get(c->issues[0].extra, "path")->string, "straight");
    assert_string_equal(en_node_get(d->issues[0].extra, "path")->string, "straight");
    finish(c);
    finish(d);
    assert_int_equal(en_result_round_count(a, 0), en_result_round_count(b, 0));
    for (size_t t = 0; t < en_result_round_count(a, 0); t++)
        for (size_t k = 0; k < 100; k++) {
            double xa = NAN, xb = NAN;
            assert_true(en_result_position(a, 0, t, k, &xa) && en_result_position(b, 0, t, k, &xb));
            assert_true(fabs(xa - xb) <= 1e-9);
        }
    finish(a);
    finish(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_actors_scholz),
        cmocka_unit_test(test_example_actors_masad),
        cmocka_unit_test(test_stop_reasons),
        cmocka_unit_test(test_exact_and_fast_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
