/*
 * test_oom.c — running out of memory is an error, not an abort (core/oom.h). The guard's
 * record of blocks is checked against a plain list; then every allocation of each guarded
 * public call (loading in each input format, each model, the analyses, the same with worker
 * threads, the writers, the parameter, sweep-axis, JSON, YAML and source calls, the run store)
 * is made to fail in turn (en_oom_inject, or en_oom_inject_any for allocations on any thread),
 * one helper (fail_each_allocation) doing the k = 1, 2, ... loop: each time the call must return
 * EN_ERROR_NOMEM with "out of memory", reset its outputs, write nothing, close what it opened
 * and release everything it had allocated (the ASan build's leak checker fails the test
 * otherwise), and the clean call afterwards must give the same answer as before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/oom.h"
#include "core/util.h"
#include "models/params.h"
#include "entente.h"
#include "entente/evidence.h"
#include "entente/serve.h"

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

/* en_xmalloc_large: blocks on a 64-byte line, from 2 MiB on a 2 MiB boundary, wholly usable;
 * inside a guard chained like any block (en_free unchains it, an unwind releases it, and an
 * injected failure unwinds); outside one plain blocks that free() takes. */
static void large_blocks_are_aligned_and_chained(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 100, 4096, ((size_t)2 << 20) - 8, (size_t)2 << 20, 3000000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        unsigned char *p = en_xmalloc_large(sizes[k]);
        size_t align = sizes[k] >= ((size_t)2 << 20) ? (size_t)2 << 20 : 64;
        assert_int_equal((uintptr_t)p % align, 0);
        memset(p, 0xA5, sizes[k]);
        assert_int_equal(p[sizes[k] - 1], 0xA5);
        (free)(p);
    }
    void *volatile kept = NULL; /* changed after setjmp: volatile */
    en_oom_guard guard;
    en_oom_enter(&guard);
    if (setjmp(guard.jump)) {
        en_error err = EN_ERROR_INIT;
        assert_true(en_oom_inject(0)); /* the armed failure is what unwound */
        assert_int_equal(en_oom_unwind(&guard, &err), EN_ERROR_NOMEM); /* releases `kept` */
        assert_string_equal(err.message, "out of memory");
        en_error_clear(&err);
        assert_non_null(kept);
        return;
    }
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        unsigned char *p = en_xmalloc_large(sizes[k]);
        size_t align = sizes[k] >= ((size_t)2 << 20) ? (size_t)2 << 20 : 64;
        assert_int_equal((uintptr_t)p % align, 0);
        memset(p, 0x5A, sizes[k]); /* the trailer lies after the caller's bytes */
        assert_int_equal(guard.count, 1);
        en_free(p);
        assert_int_equal(guard.count, 0);
    }
    kept = en_xmalloc_large(3000000);
    assert_int_equal(guard.count, 1);
    en_oom_inject(1);
    (void)en_xmalloc_large(64); /* fails: the unwind above */
    fail();
}

static void check_failure(en_status st, const en_error *err)
{
    assert_int_equal(st, EN_ERROR_NOMEM);
    const en_error *last = err;
    while (last->next) last = last->next;
    assert_string_equal(last->message, "out of memory");
    assert_int_equal(en_error_exit_status(err), err->code == EN_ERROR_NOMEM ? 1 : 2);
}

/* A call to make fail: `call` runs it and keeps its outputs in `ctx`; `check` then asserts
 * what the outputs must be after a failure (failed = 1: reset, nothing written) or after the
 * clean call (failed = 0: the same answer as without failures), and releases them. */
typedef struct failing_call {
    const char *name;
    en_status (*call)(void *ctx, en_error *err);
    void (*check)(void *ctx, int failed);
    void *ctx;
    long dense;  /* allocations 1 .. dense fail in turn, */
    long stride; /* then every stride-th */
} failing_call;

/* Makes allocation n of the call fail: returns 1 when it did (the call must then give
 * EN_ERROR_NOMEM, "out of memory" last in its error, and the outputs `check` expects), 0 when
 * the call made fewer than n allocations (it must then have succeeded). */
/* Count the allocations of every thread (en_oom_inject_any), not only this one's. */
static int inject_on_any_thread;

static int fail_allocation(const failing_call *c, long n)
{
    en_error err = EN_ERROR_INIT;
    int (*inject)(long) = inject_on_any_thread ? en_oom_inject_any : en_oom_inject;
    inject(n);
    en_status st = c->call(c->ctx, &err);
    int fired = inject(0);
    if (fired) {
        check_failure(st, &err);
    } else {
        if (st != EN_OK) en_error_print(&err, stderr);
        assert_int_equal(st, EN_OK);
    }
    c->check(c->ctx, fired);
    en_error_clear(&err);
    return fired;
}

/* Allocation n = 1, 2, ... (past `dense`, every `stride`-th) of the call fails until the call
 * makes fewer than n allocations and succeeds; nothing may leak on the way (the ASan build's
 * leak checker). Returns the failures checked. */
static size_t fail_each_allocation(const failing_call *c)
{
    size_t checked = 0;
    for (long n = 1; fail_allocation(c, n); n += n < c->dense ? 1 : c->stride) checked++;
    if (c->name) print_message("%s: %zu allocation failures checked\n", c->name, checked);
    return checked;
}

static void free_all(en_scenario **all, size_t count)
{
    for (size_t k = 0; k < count; k++) en_scenario_free(all[k]);
    en_free(all);
}

/* ---- loading ------------------------------------------------------------------------------- */

typedef struct load_call {
    const char *path, *text;
    en_load_options options;
    en_scenario **clean;
    size_t clean_count;
    en_scenario **all, *one;
    size_t count;
} load_call;

static en_status call_load_all(void *ctx, en_error *err)
{
    load_call *l = ctx;
    l->all = (en_scenario **)err, l->count = 99; /* must be reset */
    return en_scenario_load_all(l->path, &l->options, &l->all, &l->count, err);
}

static en_status call_load_all_buffer(void *ctx, en_error *err)
{
    load_call *l = ctx;
    l->all = (en_scenario **)err, l->count = 99;
    return en_scenario_load_all_buffer(l->text, strlen(l->text), l->path, &l->options, &l->all,
                                       &l->count, err);
}

static void check_load_all(void *ctx, int failed)
{
    load_call *l = ctx;
    if (failed) {
        assert_null(l->all);
        assert_int_equal(l->count, 0);
        return;
    }
    assert_int_equal(l->count, l->clean_count);
    for (size_t k = 0; k < l->count; k++)
        assert_int_equal(en_scenario_actor_count(l->all[k]), en_scenario_actor_count(l->clean[k]));
    free_all(l->all, l->count);
}

static en_status call_load(void *ctx, en_error *err)
{
    load_call *l = ctx;
    l->one = (en_scenario *)err;
    return en_scenario_load(l->path, &l->options, &l->one, err);
}

static en_status call_load_buffer(void *ctx, en_error *err)
{
    load_call *l = ctx;
    l->one = (en_scenario *)err;
    return en_scenario_load_buffer(l->text, strlen(l->text), l->path, &l->options, &l->one, err);
}

static void check_load(void *ctx, int failed)
{
    load_call *l = ctx;
    if (failed) {
        assert_null(l->one);
        return;
    }
    assert_int_equal(en_scenario_actor_count(l->one), en_scenario_actor_count(l->clean[0]));
    en_scenario_free(l->one);
}

/* Makes allocation n = 1, 2, ... of loading `path` fail (every `stride`-th past the first 200)
 * until a load makes fewer allocations than n; returns how many failures were checked. */
static size_t load_under_failures(const char *path, en_input_format format, long stride)
{
    load_call l = {.path = path, .options = {format, 0, 0, 0}};
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load_all(path, &l.options, &l.clean, &l.clean_count, &err), EN_OK);
    size_t checked = fail_each_allocation(&(failing_call){NULL, call_load_all, check_load_all, &l, 200, stride});
    /* The one-scenario and from-memory entry points are guarded the same way. */
    l.text = en_store_read_file(path, NULL);
    assert_non_null(l.text);
    for (long n = 1; n <= 40; n += 13) {
        assert_true(fail_allocation(&(failing_call){NULL, call_load_all_buffer, check_load_all, &l, 0, 0}, n));
        if (l.clean_count != 1) continue;
        assert_true(fail_allocation(&(failing_call){NULL, call_load, check_load, &l, 0, 0}, n));
        assert_true(fail_allocation(&(failing_call){NULL, call_load_buffer, check_load, &l, 0, 0}, n));
    }
    en_free((char *)l.text);
    free_all(l.clean, l.clean_count);
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

typedef struct run_call {
    const en_model *model;
    const en_scenario *scenario;
    const en_params *params;
    en_result *clean, *result;
} run_call;

static en_status call_run(void *ctx, en_error *err)
{
    run_call *c = ctx;
    c->result = (en_result *)err; /* must be reset */
    return en_run(c->model, c->scenario, c->params, &c->result, err);
}

static void check_run(void *ctx, int failed)
{
    run_call *c = ctx;
    if (failed) {
        assert_null(c->result);
        return;
    }
    for (size_t i = 0; i < en_result_issue_count(c->result); i++)
        assert_memory_equal(&(double){en_result_forecast(c->result, i)},
                            &(double){en_result_forecast(c->clean, i)}, sizeof(double));
    en_result_free(c->result);
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
        run_call c = {en_model_at(m), s, params, NULL, NULL};
        if (!en_model_applies(c.model, s)) continue;
        if (en_run(c.model, s, params, &c.clean, &err) != EN_OK) { /* e.g. needs another input */
            en_error_clear(&err);
            continue;
        }
        models++;
        checked += fail_each_allocation(&(failing_call){NULL, call_run, check_run, &c, 300, 11});
        en_result_free(c.clean);
    }
    print_message("running: %zu allocation failures checked over %zu models\n", checked, models);
    assert_true(models >= 5);
    assert_true(checked > 200);
    en_params_free(params);
    en_scenario_free(s);
}

/* ---- the analysis entry points (one thread, small inputs) ---- */

typedef struct analysis_case {
    const char *name;
    const en_scenario *scenario;
    en_status (*call)(const struct analysis_case *c, void **out, en_error *err);
    void (*release)(void *out);
    long stride; /* past the first 150 allocations, every stride-th fails */
} analysis_case;

static en_status call_mc(const analysis_case *c, void **out, en_error *err)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 40, o.threads = 1, o.seed = 7;
    return en_mc_run(en_model_find("compromise"), c->scenario, NULL, &o, (en_mc_result **)out, err);
}
static void release_mc(void *r) { en_mc_result_free(r); }

static en_status call_sensitivity(const analysis_case *c, void **out, en_error *err)
{
    en_sensitivity_options o;
    en_sensitivity_options_init(&o);
    return en_sensitivity_run(en_model_find("compromise"), c->scenario, NULL, &o,
                              (en_sensitivity_result **)out, err);
}
static void release_sensitivity(void *r) { en_sensitivity_result_free(r); }

static en_status call_sweep(const analysis_case *c, void **out, en_error *err)
{
    en_sweep_axis axis;
    if (en_sweep_axis_parse("rounds=1:5:2", 1, &axis, err) != EN_OK) return err->code;
    en_sweep_options o;
    en_sweep_options_init(&o);
    o.threads = 1;
    return en_sweep_run(en_model_find("eum"), c->scenario, NULL, &axis, 1, &o,
                        (en_sweep_result **)out, err);
}
static void release_sweep(void *r) { en_sweep_result_free(r); }

static en_status call_forecast(const analysis_case *c, void **out, en_error *err)
{
    en_forecast_options o;
    en_forecast_options_init(&o);
    o.draws = 20, o.threads = 1, o.war_runs = 10, o.model = "compromise";
    return en_forecast_run(c->scenario, NULL, &o, NULL, 0, (en_forecast_result **)out, err);
}
static void release_forecast(void *r) { en_forecast_result_free(r); }

static en_status call_backtest(const analysis_case *c, void **out, en_error *err)
{
    const char *models[] = {"median"};
    en_backtest_options o;
    en_backtest_options_init(&o);
    o.models = models, o.model_count = 1, o.resamples = 50;
    en_scenario *const scenarios[] = {(en_scenario *)c->scenario};
    return en_backtest_run(scenarios, 1, &o, (en_backtest **)out, err);
}
static void release_backtest(void *r) { en_backtest_free(r); }

static en_status call_war(const analysis_case *c, void **out, en_error *err)
{
    en_war_options o;
    en_war_options_init(&o);
    o.runs = 8, o.threads = 1, o.seed = 3, o.explain_day = -1;
    return en_war_simulate(c->scenario, &o, (en_war_summary **)out, err);
}
static void release_war(void *r) { en_war_summary_free(r); }

typedef struct analysis_call {
    const analysis_case *c;
    void *out;
} analysis_call;

static en_status call_analysis(void *ctx, en_error *err)
{
    analysis_call *a = ctx;
    a->out = err; /* must be reset */
    return a->c->call(a->c, &a->out, err);
}

static void check_analysis(void *ctx, int failed)
{
    analysis_call *a = ctx;
    if (failed) assert_null(a->out);
    else a->c->release(a->out);
}

/* The call once clean, then with each allocation (every `stride`-th past the first 150) made
 * to fail in turn. Returns the failures checked. */
static size_t analysis_under_failures(const analysis_case *c)
{
    analysis_call a = {c, NULL};
    assert_false(fail_allocation(&(failing_call){NULL, call_analysis, check_analysis, &a, 0, 0}, 0));
    return fail_each_allocation(&(failing_call){c->name, call_analysis, check_analysis, &a, 150, c->stride});
}

static const char backtest_yaml[] =
    "entente: 1\ntitle: three\nissues:\n"
    "  - {id: i1, scale: [0, 100], outcome: 40}\n"
    "  - {id: i2, scale: [0, 100], outcome: 50}\n"
    "actors:\n"
    "  - {id: A, capability: 1, positions: {i1: {position: 0, salience: 1}, i2: {position: 20, salience: 1}}}\n"
    "  - {id: B, capability: 1, positions: {i1: {position: 100, salience: 1}, i2: {position: 40, salience: 1}}}\n"
    "  - {id: C, capability: 1, positions: {i1: {position: 50, salience: 0.5}, i2: {position: 90, salience: 0.5}}}\n";

/* The scenarios the analysis and writer tests share, loaded once per test. */
typedef struct fixtures {
    en_scenario *example, *ukraine, *war, *outcomes;
} fixtures;

static int load_fixtures(void **state)
{
    fixtures *f = calloc(1, sizeof *f);
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(SOURCE("tests/data/bdm/ExampleActors.csv"), NULL, &f->example, &err), EN_OK);
    assert_int_equal(en_scenario_load(SOURCE("scenarios/ukraine-2023.yaml"), NULL, &f->ukraine, &err), EN_OK);
    assert_int_equal(en_scenario_load(SOURCE("scenarios/ukraine-war-2022.yaml"), NULL, &f->war, &err), EN_OK);
    assert_int_equal(en_scenario_load_buffer(backtest_yaml, strlen(backtest_yaml), "backtest.yaml", NULL,
                                             &f->outcomes, &err),
                     EN_OK);
    *state = f;
    return 0;
}

static int free_fixtures(void **state)
{
    fixtures *f = *state;
    en_scenario_free(f->example);
    en_scenario_free(f->ukraine);
    en_scenario_free(f->war);
    en_scenario_free(f->outcomes);
    free(f);
    return 0;
}

static void analysis_fails_cleanly(void **state)
{
    const fixtures *f = *state;
    const analysis_case cases[] = {
        {"backtest", f->outcomes, call_backtest, release_backtest, 7},
        {"mc", f->example, call_mc, release_mc, 7},
        {"sensitivity", f->example, call_sensitivity, release_sensitivity, 17},
        {"sweep", f->example, call_sweep, release_sweep, 17},
        {"forecast", f->ukraine, call_forecast, release_forecast, 101},
        {"war", f->war, call_war, release_war, 7},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        assert_true(analysis_under_failures(&cases[k]) > 20);
}

/* ---- worker threads ---- */

static en_status call_mc_threads(const analysis_case *c, void **out, en_error *err)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 300, o.threads = 3, o.seed = 7;
    return en_mc_run(en_model_find("compromise"), c->scenario, NULL, &o, (en_mc_result **)out, err);
}

static en_status call_forecast_threads(const analysis_case *c, void **out, en_error *err)
{
    en_forecast_options o;
    en_forecast_options_init(&o);
    o.draws = 130, o.threads = 2, o.war_runs = 4, o.model = "compromise";
    return en_forecast_run(c->scenario, NULL, &o, NULL, 0, (en_forecast_result **)out, err);
}

static en_status call_sweep_threads(const analysis_case *c, void **out, en_error *err)
{
    en_sweep_axis axis;
    if (en_sweep_axis_parse("rounds=1:9:1", 1, &axis, err) != EN_OK) return err->code;
    en_sweep_options o;
    en_sweep_options_init(&o);
    o.threads = 3;
    return en_sweep_run(en_model_find("eum"), c->scenario, NULL, &axis, 1, &o, (en_sweep_result **)out, err);
}

static en_status call_war_threads(const analysis_case *c, void **out, en_error *err)
{
    en_war_options o;
    en_war_options_init(&o);
    o.runs = 12, o.threads = 3, o.seed = 3, o.explain_day = -1;
    return en_war_simulate(c->scenario, &o, (en_war_summary **)out, err);
}

/* The first mean of a Monte Carlo result, the first point of a sweep: the clean call with
 * workers must give the same bits as the one-thread call (determinism), failures or not before. */
static void same_mc(void *a, void *b)
{
    assert_memory_equal(&(double){en_mc_result_mean(a, 0)}, &(double){en_mc_result_mean(b, 0)}, sizeof(double));
}

/* A failed allocation on any thread (a worker's included) fails the whole call with
 * EN_ERROR_NOMEM, and nothing leaks; which thread it hit does not matter. */
static void workers_fail_cleanly(void **state)
{
    const fixtures *f = *state;
    const analysis_case cases[] = {
        {"mc, 3 threads", f->example, call_mc_threads, release_mc, 13},
        {"forecast, 2 threads", f->ukraine, call_forecast_threads, release_forecast, 499},
        {"sweep, 3 threads", f->example, call_sweep_threads, release_sweep, 17},
        {"war, 3 threads", f->war, call_war_threads, release_war, 13},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        analysis_call a = {&cases[k], NULL};
        failing_call call = {cases[k].name, call_analysis, check_analysis, &a, 150, cases[k].stride};
        inject_on_any_thread = 1;
        size_t checked = fail_each_allocation(&call);
        inject_on_any_thread = 0;
        assert_true(checked > 20);
    }
    /* Bits: three threads after all those failures, one thread. */
    void *one = NULL, *three = NULL;
    en_error err = EN_ERROR_INIT;
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 300, o.threads = 1, o.seed = 7;
    assert_int_equal(en_mc_run(en_model_find("compromise"), f->example, NULL, &o, (en_mc_result **)&one, &err), EN_OK);
    assert_int_equal(call_mc_threads(&cases[0], &three, &err), EN_OK);
    same_mc(one, three);
    en_mc_result_free(one);
    en_mc_result_free(three);
}

/* ---- report writers ------------------------------------------------------------------------ */

typedef struct writer_case {
    const char *name;
    const void *object;
    en_output_format format;
    en_status (*write)(const struct writer_case *c, FILE *file, en_error *err);
} writer_case;

static en_status write_result(const writer_case *c, FILE *f, en_error *e) { return en_result_write(c->object, c->format, f, e); }
static en_status write_trace(const writer_case *c, FILE *f, en_error *e) { return en_result_write_trace_csv(c->object, f, e); }
static en_status write_mc(const writer_case *c, FILE *f, en_error *e) { return en_mc_result_write(c->object, c->format, f, e); }
static en_status write_sensitivity(const writer_case *c, FILE *f, en_error *e) { return en_sensitivity_result_write(c->object, c->format, f, e); }
static en_status write_sweep(const writer_case *c, FILE *f, en_error *e) { return en_sweep_result_write(c->object, c->format, f, e); }
static en_status write_forecast(const writer_case *c, FILE *f, en_error *e) { return en_forecast_write(c->object, c->format, f, e); }
static en_status write_backtest(const writer_case *c, FILE *f, en_error *e) { return en_backtest_write(c->object, c->format, f, e); }
static en_status write_war_summary(const writer_case *c, FILE *f, en_error *e) { return en_war_summary_write(c->object, c->format, f, e); }
static en_status write_war_explain(const writer_case *c, FILE *f, en_error *e) { return en_war_explain_write(c->object, c->format, f, e); }
static en_status write_html(const writer_case *c, FILE *f, en_error *e) { return en_html_write(c->object, f, e); }
static en_status write_yaml(const writer_case *c, FILE *f, en_error *e) { return en_scenario_write_yaml(c->object, f, e); }
static en_status write_compare(const writer_case *c, FILE *f, en_error *e)
{
    const en_result *r = c->object;
    en_result *const results[] = {(en_result *)r, (en_result *)r};
    return en_compare_write(en_result_scenario(r), results, 2, c->format, f, e);
}

/* What the stream holds, from its start (malloc'd, NUL-terminated). */
static char *stream_text(FILE *f, size_t *length)
{
    fflush(f);
    long n = ftell(f);
    assert_true(n >= 0);
    char *text = malloc((size_t)n + 1);
    rewind(f);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    *length = (size_t)n;
    return text;
}

typedef struct writer_call {
    const writer_case *c;
    FILE *file;
    char *clean; /* the first write's bytes */
    size_t clean_length;
} writer_call;

static const char earlier_content[] = "earlier content\n";

static en_status call_writer(void *ctx, en_error *err)
{
    writer_call *w = ctx;
    w->file = tmpfile();
    assert_non_null(w->file);
    fputs(earlier_content, w->file);
    return w->c->write(w->c, w->file, err);
}

static void check_writer(void *ctx, int failed)
{
    writer_call *w = ctx;
    size_t length;
    char *text = stream_text(w->file, &length);
    fclose(w->file);
    if (failed) {
        assert_string_equal(text, earlier_content);
    } else if (!w->clean) {
        assert_true(length > sizeof earlier_content - 1);
        w->clean = text, w->clean_length = length;
        return;
    } else {
        assert_int_equal(length, w->clean_length);
        assert_memory_equal(text, w->clean, length);
    }
    free(text);
}

/* The writer appends to a stream that already holds a line: allocation n = 1, 2, ... (every
 * 37th past the first 150) fails until the writer makes fewer than n. Each failure must give
 * EN_ERROR_NOMEM, leave the stream exactly as it was (the old line, nothing after it) and leak
 * nothing; the clean write afterwards must give the same bytes as the first. */
static size_t writer_under_failures(const writer_case *c)
{
    writer_call w = {c, NULL, NULL, 0};
    failing_call call = {c->name, call_writer, check_writer, &w, 150, 37};
    assert_false(fail_allocation(&call, 0));
    size_t checked = fail_each_allocation(&call);
    free(w.clean);
    return checked;
}

static void writers_fail_cleanly(void **state)
{
    const fixtures *f = *state;
    en_error err = EN_ERROR_INIT;
    en_result *result = NULL;
    assert_int_equal(en_run(en_model_find("compromise"), f->example, NULL, &result, &err), EN_OK);
    en_result *traced = NULL;
    en_params *params = en_params_new();
    assert_int_equal(en_params_parse(params, "trace=summary", &err), EN_OK);
    assert_int_equal(en_run(en_model_find("smp"), f->example, params, &traced, &err), EN_OK);
    en_params_free(params);
    void *mc = NULL, *sens = NULL, *sweep = NULL, *forecast = NULL, *backtest = NULL, *summary = NULL;
    const analysis_case runs[] = {
        {"mc", f->example, call_mc, release_mc, 1},
        {"sensitivity", f->example, call_sensitivity, release_sensitivity, 1},
        {"sweep", f->example, call_sweep, release_sweep, 1},
        {"forecast", f->ukraine, call_forecast, release_forecast, 1},
        {"backtest", f->outcomes, call_backtest, release_backtest, 1},
        {"war", f->war, call_war, release_war, 1},
    };
    void **objects[] = {&mc, &sens, &sweep, &forecast, &backtest, &summary};
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++)
        assert_int_equal(runs[k].call(&runs[k], objects[k], &err), EN_OK);
    en_war_summary *explained = NULL; /* the explanation needs an explain day */
    en_war_options wo;
    en_war_options_init(&wo);
    wo.runs = 8, wo.threads = 1, wo.seed = 3, wo.explain_day = 19100; /* 2022-04-18 */
    assert_int_equal(en_war_simulate(f->war, &wo, &explained, &err), EN_OK);
    const char *kinds[] = {"montecarlo"};
    const char *json[] = {"{\"draws\": 3}"};
    en_html_input html = {f->example, &result, 1, NULL, kinds, json, 1, "scenario file ExampleActors.csv"};
    const writer_case cases[] = {
        {"result text", result, EN_OUTPUT_TEXT, write_result},
        {"result json", result, EN_OUTPUT_JSON, write_result},
        {"result csv", result, EN_OUTPUT_CSV, write_result},
        {"trace csv", traced, EN_OUTPUT_CSV, write_trace},
        {"compare json", result, EN_OUTPUT_JSON, write_compare},
        {"mc json", mc, EN_OUTPUT_JSON, write_mc},
        {"mc text", mc, EN_OUTPUT_TEXT, write_mc},
        {"sensitivity json", sens, EN_OUTPUT_JSON, write_sensitivity},
        {"sensitivity text", sens, EN_OUTPUT_TEXT, write_sensitivity},
        {"sweep csv", sweep, EN_OUTPUT_CSV, write_sweep},
        {"forecast json", forecast, EN_OUTPUT_JSON, write_forecast},
        {"forecast text", forecast, EN_OUTPUT_TEXT, write_forecast},
        {"backtest json", backtest, EN_OUTPUT_JSON, write_backtest},
        {"war summary json", summary, EN_OUTPUT_JSON, write_war_summary},
        {"war explain text", explained, EN_OUTPUT_TEXT, write_war_explain},
        {"html", &html, EN_OUTPUT_TEXT, write_html},
        {"scenario yaml", f->ukraine, EN_OUTPUT_TEXT, write_yaml},
        {"scenario yaml from csv", f->example, EN_OUTPUT_TEXT, write_yaml},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        assert_true(writer_under_failures(&cases[k]) > 0);
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) runs[k].release(*objects[k]);
    en_result_free(result);
    en_result_free(traced);
    en_war_summary_free(explained);
}

typedef struct json_call {
    const char *text, *expected;
    en_node *node;
    char *written;
} json_call;

/* Parse, write back, quote: each gives NULL when memory runs out. */
static en_status call_json(void *ctx, en_error *err)
{
    json_call *c = ctx;
    c->written = NULL;
    c->node = en_json_parse(c->text);
    if (!c->node) return en_error_set(err, EN_ERROR_NOMEM, "out of memory");
    c->written = en_json_text(c->node);
    en_node_free(c->node);
    c->node = NULL;
    if (!c->written) return en_error_set(err, EN_ERROR_NOMEM, "out of memory");
    char *quoted = en_json_quote("a\"b\\c");
    if (!quoted) {
        en_free(c->written);
        c->written = NULL;
        return en_error_set(err, EN_ERROR_NOMEM, "out of memory");
    }
    assert_string_equal(quoted, "\"a\\\"b\\\\c\"");
    en_free(quoted);
    return EN_OK;
}

static void check_json(void *ctx, int failed)
{
    json_call *c = ctx;
    if (failed) {
        assert_null(c->written);
        return;
    }
    assert_string_equal(c->written, c->expected);
    en_free(c->written);
}

/* Open file descriptors of this process. */
static int open_descriptors(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++) n += fcntl(fd, F_GETFD) != -1;
    return n;
}

typedef struct sources_call {
    const en_scenario *scenario;
    char **texts;
    int descriptors; /* open before the calls */
} sources_call;

static en_status call_sources(void *ctx, en_error *err)
{
    sources_call *c = ctx;
    c->texts = (char **)err; /* must be reset */
    en_status st = en_sources_read(c->scenario, NULL, &c->texts, err);
    if (st != EN_OK) return st;
    st = en_scenario_check_citations(c->scenario, c->texts, err);
    if (st != EN_OK) {
        en_sources_free(c->texts, en_scenario_source_count(c->scenario));
        c->texts = NULL;
    }
    return st;
}

static void check_sources(void *ctx, int failed)
{
    sources_call *c = ctx;
    assert_int_equal(open_descriptors(), c->descriptors); /* every file closed */
    if (failed) {
        assert_null(c->texts);
        return;
    }
    size_t with_text = 0;
    for (size_t k = 0; k < en_scenario_source_count(c->scenario); k++) with_text += c->texts[k] != NULL;
    assert_true(with_text > 0);
    en_sources_free(c->texts, en_scenario_source_count(c->scenario));
}

/* ---- the smaller public calls: parameters, sweep axes, JSON, YAML, sources ----------------- */

typedef struct params_call {
    en_params *params; /* holds rounds=4 and seed=9 before every call */
    en_params *fresh;
    const char *assignment;
} params_call;

static en_status call_params_new(void *ctx, en_error *err)
{
    params_call *c = ctx;
    c->fresh = en_params_new();
    return c->fresh ? EN_OK : en_error_set(err, EN_ERROR_NOMEM, "out of memory"); /* NULL: none */
}

static void check_params_new(void *ctx, int failed)
{
    params_call *c = ctx;
    if (failed) {
        assert_null(c->fresh);
        return;
    }
    assert_int_equal(en_params_count(c->fresh), 0);
    en_params_free(c->fresh);
}

static en_status call_params_parse(void *ctx, en_error *err)
{
    params_call *c = ctx;
    return en_params_parse(c->params, c->assignment, err);
}

static en_status call_params_set(void *ctx, en_error *err)
{
    params_call *c = ctx;
    return en_params_set(c->params, "trace", "none", err);
}

/* After a failure the set is as it was (the caller checks the clean call's new value). */
static void check_params(void *ctx, int failed)
{
    params_call *c = ctx;
    if (!failed) return;
    assert_int_equal(en_params_count(c->params), 2);
    assert_string_equal(en_params_get(c->params, "rounds"), "4");
    assert_string_equal(en_params_get(c->params, "seed"), "9");
    assert_null(en_params_get(c->params, "trace"));
}

static void smaller_calls_fail_cleanly(void **state)
{
    const fixtures *f = *state;
    en_error err = EN_ERROR_INIT;
    params_call pc = {en_params_new(), NULL, "trace=none"};
    assert_int_equal(en_params_parse(pc.params, "rounds=4", &err), EN_OK);
    assert_int_equal(en_params_parse(pc.params, "seed=9", &err), EN_OK);
    assert_true(fail_each_allocation(&(failing_call){"params new", call_params_new, check_params_new, &pc, 100, 1}) > 0);
    assert_true(fail_each_allocation(&(failing_call){"params parse", call_params_parse, check_params, &pc, 100, 1}) > 0);
    assert_string_equal(en_params_get(pc.params, "trace"), "none");
    en_params_free(pc.params);
    pc.params = en_params_new();
    assert_int_equal(en_params_parse(pc.params, "rounds=4", &err), EN_OK);
    assert_int_equal(en_params_parse(pc.params, "seed=9", &err), EN_OK);
    assert_true(fail_each_allocation(&(failing_call){"params set", call_params_set, check_params, &pc, 100, 1}) > 0);
    assert_string_equal(en_params_get(pc.params, "trace"), "none");
    en_params_free(pc.params);
    pc.params = en_params_new();
    assert_int_equal(en_params_parse(pc.params, "rounds=4", &err), EN_OK);
    assert_int_equal(en_params_parse(pc.params, "seed=9", &err), EN_OK);
    pc.assignment = "rounds=7"; /* replacing a value */
    assert_true(fail_each_allocation(&(failing_call){"params replace", call_params_parse, check_params, &pc, 100, 1}) > 0);
    assert_string_equal(en_params_get(pc.params, "rounds"), "7");
    en_params_free(pc.params);

    /* A sweep axis allocates only for a second problem in the caller's error. */
    en_error_add(&err, EN_ERROR_INPUT, "earlier", 1, 1, "an earlier problem");
    en_sweep_axis axis;
    en_oom_inject(1);
    en_status st = en_sweep_axis_parse("rounds=1:5:0", 1, &axis, &err);
    assert_true(en_oom_inject(0));
    check_failure(st, &err);
    assert_int_equal(en_error_count(&err), 2);
    en_error_clear(&err);
    assert_int_equal(en_sweep_axis_parse("rounds=1:5:2", 1, &axis, &err), EN_OK);
    assert_int_equal(axis.points, 3);

    /* JSON: parsed and written back, against the text written by hand. */
    json_call jc = {"{\"a\": [1, 2.5, {\"b\": null}], \"c\": \"d\\\"e\", \"f\": true}",
                    "{\"a\": [1, 2.5, {\"b\": null}], \"c\": \"d\\\"e\", \"f\": true}", NULL, NULL};
    assert_true(fail_each_allocation(&(failing_call){"json", call_json, check_json, &jc, 100, 1}) > 5);

    /* Sources and citations: the Ukraine scenario cites files of scenarios/sources. */
    sources_call sc = {f->ukraine, NULL, open_descriptors()};
    assert_true(fail_each_allocation(&(failing_call){"sources", call_sources, check_sources, &sc, 100, 1}) > 5);
}

/* ---- run store ----------------------------------------------------------------------------- */

/* Runs in the store file, read with SQLite directly (-1: the file is not there). */
static long stored_runs(const char *path)
{
    if (access(path, F_OK) != 0) return -1;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM run", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

typedef struct store_call {
    const char *path;
    const en_store_run *run;
    en_store *store;
    int64_t id;
    en_store_loaded *loaded;
    FILE *list;
    long runs_before; /* in the file before the call */
} store_call;

static en_status call_open(void *ctx, en_error *err)
{
    store_call *c = ctx;
    c->store = (en_store *)err; /* must be reset */
    return en_store_open(c->path, &c->store, err);
}

static void check_open(void *ctx, int failed)
{
    store_call *c = ctx;
    if (failed) {
        assert_null(c->store);
        assert_int_equal(access(c->path, F_OK), -1); /* created, then removed */
    }
}

static en_status call_save(void *ctx, en_error *err)
{
    store_call *c = ctx;
    c->id = -1; /* must be reset */
    c->runs_before = stored_runs(c->path);
    return en_store_save(c->store, c->run, &c->id, err);
}

static void check_save(void *ctx, int failed)
{
    store_call *c = ctx;
    if (failed) {
        assert_int_equal(c->id, 0);
        assert_int_equal(stored_runs(c->path), c->runs_before); /* nothing of the failed save */
    } else {
        assert_true(c->id > 0);
        assert_int_equal(stored_runs(c->path), c->runs_before + 1);
    }
}

static en_status call_load_run(void *ctx, en_error *err)
{
    store_call *c = ctx;
    c->loaded = (en_store_loaded *)err; /* must be reset */
    return en_store_load(c->store, c->id, &c->loaded, err);
}

static void check_load_run(void *ctx, int failed)
{
    store_call *c = ctx;
    if (failed) {
        assert_null(c->loaded);
        return;
    }
    assert_int_equal(c->loaded->result_count, 1);
    assert_int_equal(c->loaded->analysis_count, 1);
    assert_string_equal(c->loaded->analysis_json[0], c->run->analyses[0].json);
    en_store_loaded_free(c->loaded);
}

static en_status call_list(void *ctx, en_error *err)
{
    store_call *c = ctx;
    c->list = tmpfile();
    assert_non_null(c->list);
    return en_store_list(c->store, c->list, err);
}

static void check_list(void *ctx, int failed)
{
    store_call *c = ctx;
    long written = ftell(c->list);
    fclose(c->list);
    if (failed) assert_int_equal(written, 0); /* a failed list writes nothing */
    else assert_true(written > 0);
}

/* A run to store: one compromise result and one analysis document, on the three-issue
 * scenario. Released with store_run_free. */
typedef struct store_fixture {
    en_scenario *scenario;
    en_result *result;
    en_store_analysis analysis;
    en_store_run run;
    char dir[32], path[64];
} store_fixture;

static void store_fixture_init(store_fixture *f)
{
    en_error err = EN_ERROR_INIT;
    snprintf(f->dir, sizeof f->dir, "/tmp/entente-oom-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/runs.db", f->dir);
    assert_int_equal(en_scenario_load_buffer(backtest_yaml, strlen(backtest_yaml), "backtest.yaml", NULL,
                                             &f->scenario, &err),
                     EN_OK);
    assert_int_equal(en_run(en_model_find("compromise"), f->scenario, NULL, &f->result, &err), EN_OK);
    f->analysis = (en_store_analysis){"montecarlo", "{\"draws\": 3, \"issues\": [1, 2]}"};
    f->run = (en_store_run){.command = "run", .scenario = f->scenario, .scenario_text = backtest_yaml,
                            .scenario_length = strlen(backtest_yaml),
                            .started_at = "2026-01-01T00:00:00.000Z",
                            .finished_at = "2026-01-01T00:00:01.000Z", .results = &f->result,
                            .result_count = 1, .analyses = &f->analysis, .analysis_count = 1};
}

static void store_fixture_free(store_fixture *f)
{
    en_result_free(f->result);
    en_scenario_free(f->scenario);
    char side[80];
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
        snprintf(side, sizeof side, "%s%s", f->path, suffixes[k]);
        unlink(side);
    }
    rmdir(f->dir);
}

/* Opening, saving, loading and listing with allocation n = 1, 2, ... failing in turn: each
 * failure gives EN_ERROR_NOMEM and leaks nothing; a failed open of a new file leaves no file,
 * a failed save leaves the runs already stored and nothing of its own, a failed list writes
 * nothing. */
static void store_fails_cleanly(void **state)
{
    (void)state;
    store_fixture f;
    store_fixture_init(&f);
    store_call c = {.path = f.path, .run = &f.run};
    size_t opens = fail_each_allocation(&(failing_call){"store open", call_open, check_open, &c, 1000, 1});
    en_error err = EN_ERROR_INIT;
    int64_t first_id = 0;
    assert_int_equal(en_store_save(c.store, &f.run, &first_id, &err), EN_OK);
    size_t saves = fail_each_allocation(&(failing_call){"store save", call_save, check_save, &c, 1000, 1});
    assert_true(c.id > first_id);
    assert_int_equal(stored_runs(f.path), 2);
    size_t loads =
        fail_each_allocation(&(failing_call){"store load", call_load_run, check_load_run, &c, 150, 5});
    size_t lists = fail_each_allocation(&(failing_call){"store list", call_list, check_list, &c, 1000, 1});
    /* The store still works after all those unwinds. */
    int64_t last = 0;
    assert_int_equal(en_store_save(c.store, &f.run, &last, &err), EN_OK);
    assert_int_equal(stored_runs(f.path), 3);
    en_store_close(c.store);
    assert_true(opens > 0 && saves > 0 && loads > 0 && lists > 0);
    store_fixture_free(&f);
}

/* ---- evidence: rules, reading, segmenting, extracting, writing ------------------------------ */

typedef struct rules_call {
    en_ev_rules *rules;
} rules_call;

static en_status call_rules(void *ctx, en_error *err)
{
    rules_call *c = ctx;
    c->rules = (en_ev_rules *)err; /* must be reset */
    c->rules = en_ev_rules_load(err);
    return c->rules ? EN_OK : err->code;
}

static void check_rules(void *ctx, int failed)
{
    rules_call *c = ctx;
    if (failed) {
        assert_null(c->rules);
        return;
    }
    assert_non_null(c->rules);
    en_ev_rules_free(c->rules);
}

/* One article through the whole pipeline, written as JSON into memory. */
typedef struct evidence_call {
    const char *path;
    const en_ev_rules *rules;
    char *written; /* NULL after a failure */
    const char *expected;
    int descriptors; /* open before the calls */
} evidence_call;

static en_status call_evidence(void *ctx, en_error *err)
{
    evidence_call *c = ctx;
    c->written = NULL;
    en_ev_article *a = (en_ev_article *)err; /* must be reset */
    en_status st = en_ev_article_read(c->path, &a, err);
    if (st != EN_OK) {
        assert_null(a);
        return st;
    }
    if ((st = en_ev_segment(a, c->rules, err)) != EN_OK) {
        assert_int_equal(a->sentence_count, 0); /* left as it was */
        assert_null(a->sentences);
    } else if ((st = en_ev_extract(a, c->rules, NULL, err)) != EN_OK) {
        assert_int_equal(a->statement_count, 0);
        assert_null(a->statements);
    } else {
        char *text = NULL;
        size_t length = 0;
        FILE *out = open_memstream(&text, &length);
        assert_non_null(out);
        st = en_ev_write_file(out, &a, 1, EN_EV_FORMAT_JSON, NULL, err);
        fclose(out);
        if (st == EN_OK) c->written = text;
        else assert_int_equal(length, 0), free(text); /* nothing written */
    }
    en_ev_article_free(a);
    return st;
}

static void check_evidence(void *ctx, int failed)
{
    evidence_call *c = ctx;
    assert_int_equal(open_descriptors(), c->descriptors); /* the article's file closed */
    if (failed) {
        assert_null(c->written);
        return;
    }
    assert_string_equal(c->written, c->expected);
    free(c->written);
}

static void evidence_fails_cleanly(void **state)
{
    (void)state;
    rules_call rc = {NULL};
    assert_true(fail_each_allocation(&(failing_call){"evidence rules", call_rules, check_rules, &rc, 300, 211}) > 0);

    en_error err = EN_ERROR_INIT;
    en_ev_rules *rules = en_ev_rules_load(&err);
    assert_non_null(rules);
    evidence_call ec = {SOURCE("scenarios/sources/000_4ba30fa4e20c7c41.txt"), rules, NULL, NULL,
                        open_descriptors()};
    /* The answer without failures, to compare each clean call with. */
    assert_int_equal(call_evidence(&ec, &err), EN_OK);
    char *expected = ec.written;
    assert_non_null(strstr(expected, "\"speaker\"")); /* the article has statements */
    ec.expected = expected;
    assert_true(fail_each_allocation(&(failing_call){"evidence", call_evidence, check_evidence, &ec, 300, 37}) > 0);
    free(expected);
    en_ev_rules_free(rules);
}

/* ---- the helpers of entente serve ------------------------------------------------------------ */

typedef struct serve_call {
    char *json, *yaml, *over, *path; /* NULL after a failure */
    en_serve_run_request request;
} serve_call;

#define SERVE_YAML "# kept\ntitle: t   # and this\nissues:\n  - id: a\n    range: [0, 100]\n"
#define SERVE_EDIT "{\"title\": \"u\", \"issues\": [{\"id\": \"a\", \"range\": [0, 100]}], \"extra\": {\"x\": 1}}"
#define SERVE_RUN "{\"command\": \"forecast\", \"options\": {\"draws\": 10, \"quiet\": true}}"

/* YAML to JSON, JSON to YAML, JSON over the original YAML, a location, a run request: each
 * gives NULL (the request EN_ERROR_NOMEM, reset) when memory runs out. */
static en_status call_serve(void *ctx, en_error *err)
{
    serve_call *c = ctx;
    c->json = c->yaml = c->over = c->path = NULL;
    en_status st = EN_OK;
    if (!(c->json = en_serve_yaml_to_json(SERVE_YAML, strlen(SERVE_YAML), "t.yaml", err)) ||
        !(c->yaml = en_serve_json_to_yaml(SERVE_EDIT, strlen(SERVE_EDIT), err)) ||
        !(c->over = en_serve_json_to_yaml_over(SERVE_YAML, strlen(SERVE_YAML), SERVE_EDIT, strlen(SERVE_EDIT), err)))
        st = err->code;
    else if (!(c->path = en_serve_locate(SERVE_YAML, strlen(SERVE_YAML), 4, 7)))
        st = en_error_set(err, EN_ERROR_NOMEM, "out of memory");
    else if ((st = en_serve_run_request_parse(SERVE_RUN, strlen(SERVE_RUN), &c->request, err)) != EN_OK)
        assert_null(c->request.argv), assert_int_equal(c->request.argc, 0);
    if (st != EN_OK) {
        en_free(c->json), en_free(c->yaml), en_free(c->over), en_free(c->path);
        c->json = c->yaml = c->over = c->path = NULL;
    }
    return st;
}

static void check_serve(void *ctx, int failed)
{
    serve_call *c = ctx;
    if (failed) {
        assert_null(c->json);
        return;
    }
    /* Written by hand from SERVE_YAML and SERVE_EDIT by the rules of docs/serve.md (a short map
     * of plain values in flow style; unchanged text and comments kept). */
    assert_string_equal(c->json, "{\"title\": \"t\", \"issues\": [{\"id\": \"a\", \"range\": [0, 100]}]}");
    assert_string_equal(c->yaml, "title: u\nissues:\n  - id: a\n    range: [0, 100]\nextra: {x: 1}\n");
    assert_string_equal(c->over, "# kept\ntitle: u   # and this\nissues:\n  - id: a\n    range: [0, 100]\nextra: {x: 1}\n");
    assert_string_equal(c->path, "/issues/0/id");
    assert_string_equal(c->request.argv[0], "forecast");
    en_free(c->json), en_free(c->yaml), en_free(c->over), en_free(c->path);
    en_serve_run_request_free(&c->request);
}

static void serve_helpers_fail_cleanly(void **state)
{
    (void)state;
    serve_call c;
    memset(&c, 0, sizeof c);
    assert_int_equal(call_serve(&c, &(en_error)EN_ERROR_INIT), EN_OK);
    check_serve(&c, 0);
    assert_true(fail_each_allocation(&(failing_call){"serve helpers", call_serve, check_serve, &c, 1000, 1}) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record_matches_live_blocks),
        cmocka_unit_test(outside_blocks_are_not_released),
        cmocka_unit_test(large_blocks_are_aligned_and_chained),
        cmocka_unit_test(load_fails_cleanly),
        cmocka_unit_test(earlier_problems_are_kept),
        cmocka_unit_test(run_fails_cleanly),
        cmocka_unit_test_setup_teardown(analysis_fails_cleanly, load_fixtures, free_fixtures),
        cmocka_unit_test_setup_teardown(workers_fail_cleanly, load_fixtures, free_fixtures),
        cmocka_unit_test_setup_teardown(writers_fail_cleanly, load_fixtures, free_fixtures),
        cmocka_unit_test_setup_teardown(smaller_calls_fail_cleanly, load_fixtures, free_fixtures),
        cmocka_unit_test(store_fails_cleanly),
        cmocka_unit_test(evidence_fails_cleanly),
        cmocka_unit_test(serve_helpers_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
