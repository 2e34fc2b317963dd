/*
 * test_smp_view.c — the report's cut of a large smp run (src/report/smp_view.c): the number
 * of actors drawn (hand-computed cases of the documented rule), the cut copy of a real run
 * (the drawn actors' positions are the run's, the others are gone, mean and median stay the
 * whole run's), and the HTML writer on a cut run under out-of-memory failures (each armed
 * failure reports EN_ERROR_NOMEM, writes nothing and, in the sanitizer build, leaks nothing).
 * tests/report/test_report_smp_large.sh checks the choice and the records against an
 * independent implementation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/node.h"
#include "core/oom.h"
#include "core/result.h"
#include "entente.h"
#include "report/smp_view.h"

static void actor_limit(void **state)
{
    (void)state;
    assert_int_equal(en_smp_view_actor_limit(160, 1, 14), 160);    /* 2,240 points: whole */
    assert_int_equal(en_smp_view_actor_limit(27, 6, 30), 27);       /* 4,860 points: whole */
    assert_int_equal(en_smp_view_actor_limit(1000, 1, 10), 1000);   /* exactly 10,000: whole */
    assert_int_equal(en_smp_view_actor_limit(1000, 1, 11), 909);    /* 10,000 / 11 */
    assert_int_equal(en_smp_view_actor_limit(1000, 6, 62), 26);     /* 10,000 / 372 */
    assert_int_equal(en_smp_view_actor_limit(1000, 100, 100), 10);  /* the floor */
    assert_int_equal(en_smp_view_actor_limit(8, 100, 100), 8);      /* never more than there are */
    assert_int_equal(en_smp_view_actor_limit(0, 3, 3), 0);
}

/* 60 actors in a space of two issues, positions and saliences from a fixed LCG. */
static en_scenario *scenario(void)
{
    en_buffer b = {0};
    en_buffer_puts(&b, "entente: 1\ntitle: sixty\nissues:\n"
                       "  - {id: x, scale: [0, 100], space: s}\n  - {id: y, scale: [0, 100], space: s}\nactors:\n");
    uint64_t state = 12345;
    for (int a = 0; a < 60; a++) {
        double v[5];
        for (int k = 0; k < 5; k++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            v[k] = (double)(state >> 11) / 9007199254740992.0;
        }
        en_buffer_printf(&b, "  - {id: a%02d, capability: %.2f, positions: {x: {position: %.2f, salience: %.3f}, "
                             "y: {position: %.2f, salience: %.3f}}}\n",
                         a, 1 + 99 * v[0], 100 * v[1], 0.05 + 0.4 * v[2], 100 * v[3], 0.05 + 0.4 * v[4]);
    }
    en_scenario **all = NULL;
    size_t count = 0;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load_all_buffer(b.data, b.length, "sixty.yaml", NULL, &all, &count, &err), EN_OK);
    en_buffer_free(&b);
    assert_int_equal(count, 1);
    en_scenario *s = all[0];
    free(all);
    return s;
}

static en_result *run(const en_scenario *s)
{
    en_params *p = en_params_new();
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_params_parse(p, "rounds=100", &err), EN_OK);
    assert_int_equal(en_params_parse(p, "min_rounds=100", &err), EN_OK);
    en_result *r = NULL;
    assert_int_equal(en_run(en_model_find("smp"), s, p, &r, &err), EN_OK);
    en_params_free(p);
    return r;
}

static void cut_copy(void **state)
{
    (void)state;
    en_scenario *s = scenario();
    en_result *r = run(s);
    assert_int_equal(r->issue_count, 2);
    assert_int_equal(r->issues[0].round_count, 101);
    /* 60 × 2 × 101 = 12,120 points: 10,000 / 202 = 49 actors */
    en_result *v = en_smp_view_new(r);
    assert_non_null(v);
    const en_node *cut = en_node_get(v->extra, "report_cut");
    assert_non_null(cut);
    assert_true(en_node_get(cut, "actors")->number == 60);
    assert_true(en_node_get(cut, "drawn")->number == 49);
    assert_int_equal(en_node_get(cut, "actor_ids")->count, 49);
    for (size_t i = 0; i < 2; i++) {
        const en_issue_result *ir = &r->issues[i], *vi = &v->issues[i];
        assert_int_equal(vi->participant_count, 49);
        assert_int_equal(vi->round_count, ir->round_count);
        for (size_t t = 0; t < ir->round_count; t++) {
            assert_true(vi->rounds[t].mean == ir->rounds[t].mean);
            assert_true(vi->rounds[t].median == ir->rounds[t].median);
            for (size_t q = 0, p = 0; q < vi->participant_count; q++) {
                while (ir->participants[p] != vi->participants[q]) p++;
                assert_true(vi->rounds[t].positions[q] == ir->rounds[t].positions[p]);
            }
        }
    }
    en_smp_view_free(v);

    /* the page under out-of-memory failures: allocation points ever further apart (the first
     * twenty each, then 1/8 further each time), until the call makes fewer */
    en_html_input in = {.scenario = s, .results = (en_result *const[]){r}, .result_count = 1, .origin = "test"};
    int succeeded = 0;
    for (long k = 1; k < 100000000 && !succeeded; k += k < 20 ? 1 : k / 8) {
        char *text = NULL;
        size_t length = 0;
        FILE *f = open_memstream(&text, &length);
        en_error err = EN_ERROR_INIT;
        en_oom_inject(k);
        en_status st = en_html_write(&in, f, &err);
        int fired = en_oom_inject(0);
        fclose(f);
        if (fired) {
            assert_int_equal(st, EN_ERROR_NOMEM);
            assert_int_equal(length, 0);
        } else {
            assert_int_equal(st, EN_OK);
            assert_non_null(strstr(text, "\"report_cut\""));
            succeeded = 1;
        }
        en_error_clear(&err);
        free(text);
    }
    assert_true(succeeded);
    en_result_free(r);
    en_scenario_free(s);
}

/* A small run is embedded whole: no cut copy. */
static void small_run_whole(void **state)
{
    (void)state;
    en_scenario *s = scenario();
    en_params *p = en_params_new();
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_params_parse(p, "rounds=10", &err), EN_OK);
    en_result *r = NULL;
    assert_int_equal(en_run(en_model_find("smp"), s, p, &r, &err), EN_OK);
    assert_null(en_smp_view_new(r));
    en_result_free(r);
    en_params_free(p);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(actor_limit),
        cmocka_unit_test(cut_copy),
        cmocka_unit_test(small_run_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
