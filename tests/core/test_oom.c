/*
 * test_oom.c — running out of memory is an error, not an abort (core/oom.h). The guard's
 * record of blocks is checked against a plain list; then every allocation of loading
 * scenarios in each input format, and of running each model, is made to fail in turn
 * (en_oom_inject): each time the call must return EN_ERROR_NOMEM with "out of memory", leave
 * *out NULL and release everything it had allocated (the ASan build's leak checker fails the
 * test otherwise), and a clean call afterwards must give the same answer as before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/oom.h"
#include "core/util.h"
#include "entente.h"

#define SOURCE(path) ENTENTE_SOURCE_DIR "/" path

/* The record against a naive reference: after a random mix of allocations, reallocations
 * and frees, the guard holds exactly the blocks still live. */
static void record_matches_live_blocks(void **state)
{
    (void)state;
    enum { N = 3000 };
    static void *live[N];
    size_t count = 0;
    uint64_t x = 88172645463325252ull;
    en_oom_guard guard;
    en_oom_enter(&guard);
    for (int step = 0; step < 20000; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        unsigned op = (unsigned)(x % 4);
        if ((op == 0 || count == 0) && count < N) {
            live[count++] = en_xmalloc(1 + x % 64);
        } else if (op == 1) {
            size_t k = (size_t)(x >> 8) % count;
            live[k] = en_xrealloc(live[k], 1 + (x >> 16) % 256);
        } else {
            size_t k = (size_t)(x >> 8) % count;
            en_free(live[k]);
            live[k] = live[--count];
        }
        assert_int_equal(guard.count, count);
    }
    for (size_t k = 0; k < count; k++) assert_true(en_oom_untrack(live[k]));
    assert_int_equal(guard.count, 0);
    assert_false(en_oom_untrack(live[0]));
    en_oom_leave(&guard);
    assert_false(en_oom_active());
    for (size_t k = 0; k < count; k++) (free)(live[k]);
}

/* A block from before the guard that is grown inside it stays its owner's: an unwind must not
 * free it. */
static void outside_blocks_are_not_released(void **state)
{
    (void)state;
    char *volatile outside = en_xstrdup("outside"); /* changed after setjmp: volatile */
    en_oom_guard guard;
    en_oom_enter(&guard);
    if (setjmp(guard.jump)) {
        en_error err = EN_ERROR_INIT;
        assert_int_equal(en_oom_unwind(&guard, &err), EN_ERROR_NOMEM);
        assert_string_equal(err.message, "out of memory");
        en_error_clear(&err);
        assert_string_equal(outside, "outside, grown");
        en_free(outside);
        return;
    }
    outside = en_xrealloc(outside, 32);
    strcat(outside, ", grown");
    (void)en_xmalloc(16); /* released by the unwind */
    en_oom_fail(1);
}

static void check_failure(en_status st, const en_error *err)
{
    assert_int_equal(st, EN_ERROR_NOMEM);
    const en_error *last = err;
    while (last->next) last = last->next;
    assert_string_equal(last->message, "out of memory");
    assert_int_equal(en_error_exit_status(err), err->code == EN_ERROR_NOMEM ? 1 : 2);
}

static void free_all(en_scenario **all, size_t count)
{
    for (size_t k = 0; k < count; k++) en_scenario_free(all[k]);
    en_free(all);
}

/* Makes allocation n = 1, 2, ... of loading `path` fail (every `stride`-th past the first 200)
 * until a load makes fewer allocations than n; returns how many failures were checked. */
static size_t load_under_failures(const char *path, en_input_format format, size_t stride)
{
    en_load_options options = {format, 0, 0, 0};
    en_scenario **clean = NULL;
    size_t clean_count = 0;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load_all(path, &options, &clean, &clean_count, &err), EN_OK);
    size_t checked = 0;
    for (long n = 1;; n += n < 200 ? 1 : (long)stride) {
        en_scenario **all = (en_scenario **)&err; /* must be reset to NULL */
        size_t count = 99;
        en_oom_inject(n);
        en_status st = en_scenario_load_all(path, &options, &all, &count, &err);
        int fired = en_oom_inject(0);
        if (!fired) {
            assert_int_equal(st, EN_OK);
            assert_int_equal(count, clean_count);
            for (size_t k = 0; k < count; k++)
                assert_int_equal(en_scenario_actor_count(all[k]), en_scenario_actor_count(clean[k]));
            free_all(all, count);
            break;
        }
        check_failure(st, &err);
        assert_null(all);
        assert_int_equal(count, 0);
        en_error_clear(&err);
        checked++;
    }
    /* The one-scenario and from-memory entry points are guarded the same way. */
    char *text = en_store_read_file(path, NULL);
    assert_non_null(text);
    for (long n = 1; n <= 40; n += 13) {
        en_scenario **all = NULL;
        size_t count = 0;
        en_oom_inject(n);
        en_status st = en_scenario_load_all_buffer(text, strlen(text), path, &options, &all, &count, &err);
        assert_true(en_oom_inject(0));
        check_failure(st, &err);
        assert_null(all);
        en_error_clear(&err);
        if (clean_count != 1) continue;
        en_scenario *s = NULL;
        en_oom_inject(n);
        st = en_scenario_load(path, &options, &s, &err);
        assert_true(en_oom_inject(0));
        check_failure(st, &err);
        assert_null(s);
        en_error_clear(&err);
        en_oom_inject(n);
        st = en_scenario_load_buffer(text, strlen(text), path, &options, &s, &err);
        assert_true(en_oom_inject(0));
        check_failure(st, &err);
        assert_null(s);
        en_error_clear(&err);
    }
    en_free(text);
    free_all(clean, clean_count);
    return checked;
}

static void load_fails_cleanly(void **state)
{
    (void)state;
    size_t checked = 0;
    checked += load_under_failures(SOURCE("tests/data/bdm/ExampleActors.csv"), EN_FORMAT_AUTO, 1);
    checked += load_under_failures(SOURCE("scenarios/ukraine-2023.yaml"), EN_FORMAT_AUTO, 23);
    checked += load_under_failures(SOURCE("tests/data/decide/copenhagen.csv"), EN_FORMAT_DECIDE, 7);
    checked += load_under_failures(SOURCE("tests/golden/ktab/inputs/smpExample-det.xml"),
                                   EN_FORMAT_AUTO, 7);
    checked += load_under_failures(SOURCE("tests/data/deu/anomalies.tsv"), EN_FORMAT_DEU, 7);
    print_message("loading: %zu allocation failures checked\n", checked);
    assert_true(checked > 500);
}

/* Problems a loader had already reported stay in the caller's error, "out of memory" after
 * them. */
static void earlier_problems_are_kept(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    en_error_add(&err, EN_ERROR_INPUT, "earlier.yaml", 3, 4, "an earlier problem");
    en_oom_inject(5);
    en_status st = en_scenario_load(SOURCE("scenarios/ukraine-2023.yaml"), NULL, &s, &err);
    assert_true(en_oom_inject(0));
    assert_int_equal(st, EN_ERROR_NOMEM);
    assert_null(s);
    assert_int_equal(en_error_count(&err), 2);
    assert_string_equal(err.message, "an earlier problem");
    assert_string_equal(err.next->message, "out of memory");
    en_error_clear(&err);
}

static void run_fails_cleanly(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(SOURCE("tests/data/bdm/ExampleActors.csv"), NULL, &s, &err),
                     EN_OK);
    en_params *params = en_params_new();
    assert_int_equal(en_params_parse(params, "rounds=4", &err), EN_OK);
    size_t models = 0, checked = 0;
    for (size_t m = 0; m < en_model_count(); m++) {
        const en_model *model = en_model_at(m);
        if (!en_model_applies(model, s)) continue;
        en_result *clean = NULL;
        if (en_run(model, s, params, &clean, &err) != EN_OK) { /* e.g. needs another input */
            en_error_clear(&err);
            continue;
        }
        models++;
        for (long n = 1;; n += n < 300 ? 1 : 11) {
            en_result *r = (en_result *)&err;
            en_oom_inject(n);
            en_status st = en_run(model, s, params, &r, &err);
            int fired = en_oom_inject(0);
            if (!fired) {
                assert_int_equal(st, EN_OK);
                for (size_t i = 0; i < en_result_issue_count(r); i++)
                    assert_memory_equal(&(double){en_result_forecast(r, i)},
                                        &(double){en_result_forecast(clean, i)}, sizeof(double));
                en_result_free(r);
                break;
            }
            check_failure(st, &err);
            assert_null(r);
            en_error_clear(&err);
            checked++;
        }
        en_result_free(clean);
    }
    print_message("running: %zu allocation failures checked over %zu models\n", checked, models);
    assert_true(models >= 5);
    assert_true(checked > 200);
    en_params_free(params);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record_matches_live_blocks),
        cmocka_unit_test(outside_blocks_are_not_released),
        cmocka_unit_test(load_fails_cleanly),
        cmocka_unit_test(earlier_problems_are_kept),
        cmocka_unit_test(run_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
