/*
 * test_api_oom.c — every public function against out of memory, walking one table. The table
 * lists each function the public headers declare (the test reads the headers and fails when a
 * function is missing from it or listed without being declared) with what it does when memory
 * runs out (docs/library.md, appendix "Every public function and memory"):
 *   FREE     allocates nothing through the library (checked: no guarded allocation is made,
 *            none outside a guard, with the failure of the first one armed on every thread);
 *   GUARDED  allocates under a guard: the k-th allocation fails for k = 1, 2, ... until the
 *            call makes fewer, and each time the call must report EN_ERROR_NOMEM (NULL for the
 *            functions that return a pointer, (size_t)-1 for en_veto_rejections), leave its
 *            outputs reset and its inputs as they were, and leak nothing (the ASan build's
 *            leak checker), and no allocation may be made outside a guard;
 *   REPORTS  allocates with malloc outside any guard and reports a failure through its result
 *            (the text buffer's `failed`, a problem left out of an en_error chain): checked to
 *            make no allocation that would end the process.
 * The guarded calls run small inputs on one thread (tests/core/test_oom.c and
 * test_oom_sections.c cover larger inputs and worker threads).
 */
#define _GNU_SOURCE
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "entente.h"

#define SOURCE(path) ENTENTE_SOURCE_DIR "/" path

enum kind { FREE, GUARDED, REPORTS };

/* ---- the objects the calls work on, made once (outside any failure) ------------------------- */

static const char example_csv[] = "Actor,Capability,Position,Salience\nA,100,0,80\nB,60,100,90\nC,40,50,50\n";
static const char outcomes_yaml[] =
    "entente: 1\ntitle: three\nissues:\n"
    "  - {id: i1, scale: [0, 100], outcome: 40}\n"
    "  - {id: i2, scale: [0, 100], outcome: 50}\n"
    "actors:\n"
    "  - {id: A, capability: 1, positions: {i1: {position: 0, salience: 1}, i2: {position: 20, salience: 1}}}\n"
    "  - {id: B, capability: 1, positions: {i1: {position: 100, salience: 1}, i2: {position: 40, salience: 1}}}\n"
    "  - {id: C, capability: 1, positions: {i1: {position: 50, salience: 0.5}, i2: {position: 90, salience: 0.5}}}\n";
#define SERVE_YAML "# kept\ntitle: t   # and this\nissues:\n  - id: a\n    range: [0, 100]\n"
#define SERVE_EDIT "{\"title\": \"u\", \"issues\": [{\"id\": \"a\", \"range\": [0, 100]}]}"
#define SERVE_RUN "{\"command\": \"mc\", \"options\": {\"draws\": 10}}"
#define ARTICLE "Kyiv (Reuters) - Ukraine's foreign minister said on Monday that talks with Russia must wait.\n"

static struct {
    en_scenario *example, *outcomes, *ukraine, *war;
    en_params *params, *scratch; /* scratch: the one parse and set change */
    en_result *result, *smp;
    en_mc_result *mc;
    en_sensitivity_result *sensitivity;
    en_sweep_axis axis;
    en_sweep_result *sweep;
    en_forecast_result *forecast;
    en_backtest *backtest;
    en_war_summary *war_summary, *war_explained;
    en_node *node;
    en_ev_rules *rules;
    en_ev_article *article, *segmented;
    char **sources;
    char dir[64], store_path[96];
    en_store *store;
    int64_t run_id;
    en_store_run run;
} F;

/* Each call writes here; a failed call must leave it as it was (nothing written). */
static char *stream_text;
static size_t stream_length;

static FILE *stream(void) { return open_memstream(&stream_text, &stream_length); }

/* Closes the stream: after a failure nothing may have been written. */
static void stream_done(FILE *f, en_status st)
{
    fclose(f);
    if (st != EN_OK) assert_int_equal(stream_length, 0);
    free(stream_text);
    stream_text = NULL;
}

/* ---- the calls, by name -------------------------------------------------------------------- */

typedef en_status (*call_fn)(en_error *err);

#define NOMEM_IF_NULL(p) ((p) ? EN_OK : EN_ERROR_NOMEM)

static en_status c_load(en_error *e)
{
    en_scenario *s = (en_scenario *)e;
    en_status st = en_scenario_load(SOURCE("tests/data/bdm/ExampleActors.csv"), NULL, &s, e);
    if (st != EN_OK) assert_null(s);
    en_scenario_free(s);
    return st;
}
static en_status c_load_buffer(en_error *e)
{
    en_scenario *s = (en_scenario *)e;
    en_status st = en_scenario_load_buffer(example_csv, strlen(example_csv), "x.csv", NULL, &s, e);
    if (st != EN_OK) assert_null(s);
    en_scenario_free(s);
    return st;
}
static en_status c_load_all(en_error *e)
{
    en_scenario **all = (en_scenario **)e;
    size_t n = 9;
    en_status st = en_scenario_load_all(SOURCE("tests/data/bdm/ExampleActors.csv"), NULL, &all, &n, e);
    if (st != EN_OK) assert_null(all), assert_int_equal(n, 0);
    for (size_t k = 0; k < n; k++) en_scenario_free(all[k]);
    free(all);
    return st;
}
static en_status c_load_all_buffer(en_error *e)
{
    en_scenario **all = (en_scenario **)e;
    size_t n = 9;
    en_status st = en_scenario_load_all_buffer(outcomes_yaml, strlen(outcomes_yaml), "o.yaml", NULL, &all, &n, e);
    if (st != EN_OK) assert_null(all), assert_int_equal(n, 0);
    for (size_t k = 0; k < n; k++) en_scenario_free(all[k]);
    free(all);
    return st;
}
static en_status c_write_yaml(en_error *e)
{
    FILE *f = stream();
    en_status st = en_scenario_write_yaml(F.example, f, e);
    stream_done(f, st);
    return st;
}
static en_status c_params_new(en_error *e)
{
    (void)e;
    en_params *p = en_params_new();
    en_params_free(p);
    return NOMEM_IF_NULL(p);
}
/* The parameter set must be left as it was when memory runs out. */
static en_status c_params_parse(en_error *e)
{
    en_status st = en_params_parse(F.scratch, "draws_x=5", e);
    if (st != EN_OK) assert_null(en_params_get(F.scratch, "draws_x"));
    else assert_string_equal(en_params_get(F.scratch, "draws_x"), "5");
    return st;
}
/* (a value replaced: the old one stays until the call succeeds) */
static en_status c_params_set(en_error *e)
{
    en_status st = en_params_set(F.scratch, "draws_x", "6", e);
    assert_string_equal(en_params_get(F.scratch, "draws_x"), st == EN_OK ? "6" : "5");
    return st;
}
static en_status c_params_copy(en_error *e)
{
    (void)e;
    en_params *p = en_params_copy(F.params);
    if (p) assert_string_equal(en_params_get(p, "rounds"), "3");
    en_params_free(p);
    return NOMEM_IF_NULL(p);
}
static en_status c_params_for_model(en_error *e)
{
    (void)e;
    en_params *p = en_params_for_model(F.params, en_model_find("eum"));
    en_params_free(p);
    return NOMEM_IF_NULL(p);
}
static en_status c_run(en_error *e)
{
    en_result *r = (en_result *)e;
    en_status st = en_run(en_model_find("eum"), F.example, F.params, &r, e);
    if (st != EN_OK) assert_null(r);
    en_result_free(r);
    return st;
}
static en_status c_mc(en_error *e)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 6, o.threads = 1, o.seed = 5;
    en_mc_result *r = (en_mc_result *)e;
    en_status st = en_mc_run(en_model_find("compromise"), F.ukraine, NULL, &o, &r, e);
    if (st != EN_OK) assert_null(r);
    en_mc_result_free(r);
    return st;
}
static en_status c_sensitivity(en_error *e)
{
    en_sensitivity_options o;
    en_sensitivity_options_init(&o);
    en_sensitivity_result *r = (en_sensitivity_result *)e;
    en_status st = en_sensitivity_run(en_model_find("compromise"), F.example, NULL, &o, &r, e);
    if (st != EN_OK) assert_null(r);
    en_sensitivity_result_free(r);
    return st;
}
static en_status c_axis(en_error *e)
{
    en_sweep_axis a;
    return en_sweep_axis_parse("rounds=1:3:1", 1, &a, e);
}
static en_status c_sweep(en_error *e)
{
    en_sweep_options o;
    en_sweep_options_init(&o);
    o.threads = 1;
    en_sweep_result *r = (en_sweep_result *)e;
    en_status st = en_sweep_run(en_model_find("eum"), F.example, NULL, &F.axis, 1, &o, &r, e);
    if (st != EN_OK) assert_null(r);
    en_sweep_result_free(r);
    return st;
}
static en_status c_forecast(en_error *e)
{
    en_forecast_options o;
    en_forecast_options_init(&o);
    o.draws = 4, o.threads = 1, o.war_runs = 2, o.model = "compromise";
    en_forecast_result *r = (en_forecast_result *)e;
    en_status st = en_forecast_run(F.ukraine, NULL, &o, NULL, 0, &r, e);
    if (st != EN_OK) assert_null(r);
    en_forecast_result_free(r);
    return st;
}
static en_status c_effective(en_error *e)
{
    (void)e;
    en_scenario *s = en_scenario_effective(F.ukraine, 0.5, 0.5);
    en_scenario_free(s);
    return NOMEM_IF_NULL(s);
}
static en_status c_veto(en_error *e)
{
    (void)e;
    char ids[256] = "x";
    size_t n = en_veto_rejections(F.example, F.result, 0.5, 0.5, ids, sizeof ids);
    if (n == (size_t)-1) assert_string_equal(ids, "");
    return n == (size_t)-1 ? EN_ERROR_NOMEM : EN_OK;
}
static en_status c_veto_checked(en_error *e)
{
    char ids[256] = "x";
    size_t n = 7;
    en_status st = en_veto_rejections_checked(F.example, F.result, 0.5, 0.5, ids, sizeof ids, &n, e);
    if (st != EN_OK) assert_string_equal(ids, ""), assert_int_equal(n, 0);
    return st;
}
static en_status c_backtest(en_error *e)
{
    const char *models[] = {"median"};
    en_backtest_options o;
    en_backtest_options_init(&o);
    o.models = models, o.model_count = 1, o.resamples = 20;
    en_scenario *const s[] = {F.outcomes};
    en_backtest *r = (en_backtest *)e;
    en_status st = en_backtest_run(s, 1, &o, &r, e);
    if (st != EN_OK) assert_null(r);
    en_backtest_free(r);
    return st;
}
static en_status c_war(en_error *e)
{
    en_war_options o;
    en_war_options_init(&o);
    o.runs = 3, o.threads = 1, o.seed = 3, o.explain_day = -1;
    en_war_summary *r = (en_war_summary *)e;
    en_status st = en_war_simulate(F.war, &o, &r, e);
    if (st != EN_OK) assert_null(r);
    en_war_summary_free(r);
    return st;
}
#define WRITER(fn, expr)                     \
    static en_status fn(en_error *e)         \
    {                                        \
        FILE *f = stream();                  \
        en_status st = (expr);               \
        stream_done(f, st);                  \
        return st;                           \
    }
WRITER(c_result_write, en_result_write(F.result, EN_OUTPUT_JSON, f, e))
WRITER(c_trace_csv, en_result_write_trace_csv(F.smp, f, e))
WRITER(c_compare_write, en_compare_write(F.example, (en_result *const[]){F.result}, 1, EN_OUTPUT_TEXT, f, e))
WRITER(c_mc_write, en_mc_result_write(F.mc, EN_OUTPUT_JSON, f, e))
WRITER(c_sensitivity_write, en_sensitivity_result_write(F.sensitivity, EN_OUTPUT_TEXT, f, e))
WRITER(c_sweep_write, en_sweep_result_write(F.sweep, EN_OUTPUT_CSV, f, e))
WRITER(c_forecast_write, en_forecast_write(F.forecast, EN_OUTPUT_JSON, f, e))
WRITER(c_backtest_write, en_backtest_write(F.backtest, EN_OUTPUT_TEXT, f, e))
WRITER(c_war_write, en_war_summary_write(F.war_summary, EN_OUTPUT_TEXT, f, e))
WRITER(c_war_explain, en_war_explain_write(F.war_explained, EN_OUTPUT_TEXT, f, e))
WRITER(c_html, en_html_write(&(en_html_input){.scenario = F.example, .results = (en_result *const[]){F.result},
                                              .result_count = 1, .origin = "test"},
                             f, e))
WRITER(c_store_list, en_store_list(F.store, f, e))
WRITER(c_ev_write, en_ev_write_file(f, (en_ev_article *const[]){F.segmented}, 1, EN_EV_FORMAT_JSON, NULL, e))

static en_status c_store_open(en_error *e)
{
    char path[128];
    snprintf(path, sizeof path, "%s/other.db", F.dir);
    en_store *s = (en_store *)e;
    en_status st = en_store_open(path, &s, e);
    if (st != EN_OK) assert_null(s), assert_int_equal(access(path, F_OK), -1); /* no file left */
    en_store_close(s);
    unlink(path);
    return st;
}
static en_status c_store_save(en_error *e)
{
    int64_t id = 99;
    en_status st = en_store_save(F.store, &F.run, &id, e);
    if (st != EN_OK) assert_int_equal(id, 0);
    return st;
}
static en_status c_store_load(en_error *e)
{
    en_store_loaded *l = (en_store_loaded *)e;
    en_status st = en_store_load(F.store, F.run_id, &l, e);
    if (st != EN_OK) assert_null(l);
    en_store_loaded_free(l);
    return st;
}
static en_status c_read_file(en_error *e)
{
    (void)e;
    size_t n = 0;
    char *t = en_store_read_file(SOURCE("tests/data/bdm/ExampleActors.csv"), &n);
    free(t);
    return NOMEM_IF_NULL(t);
}
static en_status c_read_sources(en_error *e)
{
    (void)e;
    char **t = en_store_read_sources(F.ukraine);
    en_store_free_texts(t, en_scenario_source_count(F.ukraine));
    return NOMEM_IF_NULL(t);
}
static en_status c_sources_read(en_error *e)
{
    char **t = (char **)e;
    en_status st = en_sources_read(F.ukraine, NULL, &t, e);
    if (st != EN_OK) assert_null(t);
    en_sources_free(t, en_scenario_source_count(F.ukraine));
    return st;
}
static en_status c_citations(en_error *e) { return en_scenario_check_citations(F.ukraine, F.sources, e); }
static en_status c_json_parse(en_error *e)
{
    (void)e;
    en_node *n = en_json_parse("{\"a\": [1, 2, {\"b\": \"c\"}], \"d\": true}");
    en_node_free(n);
    return NOMEM_IF_NULL(n);
}
static en_status c_json_text(en_error *e)
{
    (void)e;
    char *t = en_json_text(F.node);
    free(t);
    return NOMEM_IF_NULL(t);
}
static en_status c_json_quote(en_error *e)
{
    (void)e;
    char *t = en_json_quote("a \"quoted\"\n text");
    free(t);
    return NOMEM_IF_NULL(t);
}
static en_status c_rules(en_error *e)
{
    en_ev_rules *r = en_ev_rules_load(e);
    en_ev_rules_free(r);
    return r ? EN_OK : e->code;
}
static en_status c_article_read(en_error *e)
{
    en_ev_article *a = (en_ev_article *)e;
    en_status st = en_ev_article_read(SOURCE("scenarios/sources/000_4ba30fa4e20c7c41.txt"), &a, e);
    if (st != EN_OK) assert_null(a);
    en_ev_article_free(a);
    return st;
}
static en_status c_article_text(en_error *e)
{
    en_ev_article *a = (en_ev_article *)e;
    en_status st = en_ev_article_from_text("a.txt", ARTICLE, strlen(ARTICLE), &a, e);
    if (st != EN_OK) assert_null(a);
    en_ev_article_free(a);
    return st;
}
/* Segmenting and extracting leave the article as it was when memory runs out. */
static en_status c_segment(en_error *e)
{
    en_status st = en_ev_segment(F.article, F.rules, e);
    if (st != EN_OK) {
        assert_int_equal(F.article->sentence_count, 0);
        assert_null(F.article->sentences);
    } else {
        assert_true(F.article->sentence_count > 0);
    }
    return st;
}
static en_status c_extract(en_error *e)
{
    size_t before = F.segmented->statement_count;
    en_status st = en_ev_extract(F.segmented, F.rules, NULL, e);
    if (st != EN_OK) assert_int_equal(F.segmented->statement_count, before);
    return st;
}
static en_status c_serve_to_json(en_error *e)
{
    char *t = en_serve_yaml_to_json(SERVE_YAML, strlen(SERVE_YAML), "t.yaml", e);
    free(t);
    return t ? EN_OK : e->code;
}
static en_status c_serve_to_yaml(en_error *e)
{
    char *t = en_serve_json_to_yaml(SERVE_EDIT, strlen(SERVE_EDIT), e);
    free(t);
    return t ? EN_OK : e->code;
}
static en_status c_serve_over(en_error *e)
{
    char *t = en_serve_json_to_yaml_over(SERVE_YAML, strlen(SERVE_YAML), SERVE_EDIT, strlen(SERVE_EDIT), e);
    free(t);
    return t ? EN_OK : e->code;
}
static en_status c_serve_locate(en_error *e)
{
    (void)e;
    char *t = en_serve_locate(SERVE_YAML, strlen(SERVE_YAML), 4, 7);
    free(t);
    return NOMEM_IF_NULL(t);
}
static en_status c_serve_request(en_error *e)
{
    en_serve_run_request r;
    en_status st = en_serve_run_request_parse(SERVE_RUN, strlen(SERVE_RUN), &r, e);
    if (st != EN_OK) assert_null(r.argv), assert_int_equal(r.argc, 0);
    en_serve_run_request_free(&r);
    return st;
}

/* The allocation-free functions, each called on real objects. */
static const char *const words[] = {"compromise", "median"};
#define FREECALL(fn, ...)                \
    static en_status fn(en_error *e)     \
    {                                    \
        (void)e;                         \
        __VA_ARGS__;                     \
        return EN_OK;                    \
    }
static double sink;
static const void *psink;
FREECALL(f_error, {
    en_error x = EN_ERROR_INIT;
    en_error_set(&x, EN_ERROR_INPUT, "first"); /* the first problem needs no memory */
    sink = (double)en_error_count(&x) + en_error_exit_status(&x);
    FILE *n = fopen("/dev/null", "w");
    en_error_print(&x, n);
    fclose(n);
    en_error_clear(&x);
})
FREECALL(f_version, sink = en_version_number(); psink = en_version())
FREECALL(f_scenario, {
    en_scenario *s = F.ukraine;
    double v;
    sink = (double)en_scenario_outcome_count(s) + en_scenario_issue_outcome(s, 0, &v) +
           (double)en_scenario_issue_count(s) + (double)en_scenario_actor_count(s) +
           (double)en_scenario_note_count(F.example) + (double)en_scenario_source_count(s);
    psink = en_scenario_title(s), psink = en_scenario_issue_id(s, 0), psink = en_scenario_issue_name(s, 0);
    psink = en_scenario_actor_id(s, 0), psink = en_scenario_actor_name(s, 0), psink = en_scenario_path(s);
    if (en_scenario_note_count(F.example)) psink = en_scenario_note(F.example, 0);
    if (en_scenario_source_count(s)) {
        int line, column;
        psink = en_scenario_source_id(s, 0), psink = en_scenario_source_file(s, 0);
        en_scenario_source_location(s, 0, &line, &column);
    }
})
FREECALL(f_models, {
    for (size_t m = 0; m < en_model_count(); m++) {
        const en_model *model = en_model_at(m);
        psink = en_model_name(model), psink = en_model_description(model);
        sink = en_model_applies(model, F.example);
        for (size_t k = 0; k < en_model_param_count(model); k++) {
            const char *a, *b, *c, *d;
            en_model_param_info(model, k, &a, &b, &c, &d);
        }
    }
    psink = en_model_find("eum"), psink = en_default_forecaster();
    en_war_register();
})
FREECALL(f_params_get, psink = en_params_get(F.params, "rounds"))
FREECALL(f_result, {
    en_result *r = F.result;
    double x;
    sink = (double)en_result_issue_count(r) + (double)en_result_issue(r, 0) + en_result_forecast(r, 0) +
           (double)en_result_round_count(r, 0) + en_result_position(r, 0, 0, 0, &x);
    psink = en_result_stop_reason(r, 0), psink = en_result_model(r), psink = en_result_scenario(r);
})
FREECALL(f_mc, sink = (double)en_mc_result_draws(F.mc) + (double)en_mc_result_issue_count(F.mc) +
                      en_mc_result_mean(F.mc, 0) + en_mc_result_quantile(F.mc, 0, 0.5))
FREECALL(f_options, {
    en_mc_options a;
    en_sensitivity_options b;
    en_sweep_options c;
    en_forecast_options d;
    en_backtest_options g;
    en_war_options h;
    en_mc_options_init(&a), en_sensitivity_options_init(&b), en_sweep_options_init(&c);
    en_forecast_options_init(&d), en_backtest_options_init(&g), en_war_options_init(&h);
})
FREECALL(f_sensitivity, {
    double lo, hi;
    sink = en_sensitivity_baseline(F.sensitivity, 0) + en_sensitivity_without_actor(F.sensitivity, 0, 0) +
           en_sensitivity_without_veto(F.sensitivity, 0, 0) +
           en_sensitivity_change(F.sensitivity, 0, EN_INPUT_CAPABILITY, 0, 0, &lo, &hi);
})
FREECALL(f_sweep, sink = en_sweep_axis_value(&F.axis, 1) + (double)en_sweep_point_count(F.sweep) +
                         en_sweep_point_value(F.sweep, 0, 0) + en_sweep_forecast(F.sweep, 0, 0))
FREECALL(f_forecast, {
    double lo, hi;
    sink = en_forecast_value(F.forecast, 0, &lo, &hi) + en_forecast_p_agreement(F.forecast);
})
FREECALL(f_backtest, {
    sink = (double)en_backtest_model_count(F.backtest) + (double)en_backtest_issue_count(F.backtest) +
           en_backtest_mae(F.backtest, 0) + en_backtest_cv_mae(F.backtest) + en_backtest_forecast(F.backtest, 0, 0);
    psink = en_backtest_model_name(F.backtest, 0);
})
FREECALL(f_war, {
    int ok;
    long day = en_date_days("2022-06-01", &ok);
    sink = en_war_summary_p_deal(F.war_summary) + en_war_summary_p_deal_by(F.war_summary, day, EN_WAR_KIND_ANY) +
           en_war_summary_p_settled_by(F.war_summary, day) + en_war_summary_median_term(F.war_summary, 0);
    psink = en_war_kind_name(1);
})
FREECALL(f_output_format, {
    en_output_format f;
    en_error x = EN_ERROR_INIT;
    sink = en_output_format_parse("json", &f, &x);
})
FREECALL(f_parse, {
    double d;
    long l;
    sink = en_parse_double("1.5", &d) + en_parse_long("12", 0, 99, &l);
    psink = en_suggest("compromse", words, 2);
})
FREECALL(f_write_text, {
    FILE *n = fopen("/dev/null", "w");
    en_write_text(n, "text\x1b[0m", 8);
    fclose(n);
})
FREECALL(f_node, {
    sink = en_node_equal(F.node, F.node);
    psink = en_node_get(F.node, "a");
})
FREECALL(f_store_small, {
    char now[40], hex[65];
    en_store_now(now, sizeof now);
    en_store_sha256("abc", 3, hex);
})
FREECALL(f_assets, {
    size_t n;
    psink = en_web_asset("report.css", &n), psink = en_web_asset_version("vega");
    psink = en_serve_command_name(0);
})
FREECALL(f_spans, sink = en_ev_check_spans(F.segmented))
/* Freeing allocates nothing: each *_free on an object made for the purpose (outside the check). */
FREECALL(f_frees, {
    en_scenario_free(NULL), en_params_free(NULL), en_result_free(NULL), en_mc_result_free(NULL);
    en_sensitivity_result_free(NULL), en_sweep_result_free(NULL), en_forecast_result_free(NULL);
    en_backtest_free(NULL), en_war_summary_free(NULL), en_node_free(NULL), en_ev_rules_free(NULL);
    en_ev_article_free(NULL), en_sources_free(NULL, 0), en_store_close(NULL), en_store_loaded_free(NULL);
    en_store_free_texts(NULL, 0), en_serve_run_request_free(&(en_serve_run_request){0});
    en_buffer_free(&(en_buffer){0});
})
/* The text buffer and the error chain outside a guard: plain malloc, failure reported. */
FREECALL(r_buffer, {
    en_buffer b = {0};
    en_buffer_puts(&b, "a");
    en_buffer_append(&b, "b", 1);
    en_buffer_printf(&b, "%0300d", 1);
    assert_false(b.failed);
    en_buffer_free(&b);
})
FREECALL(r_error, {
    en_error x = EN_ERROR_INIT;
    en_error_add(&x, EN_ERROR_INPUT, "f", 1, 2, "one");
    en_error_add(&x, EN_ERROR_INPUT, "f", 3, 4, "two");
    en_error_clear(&x);
})

typedef struct entry {
    const char *name;
    enum kind kind;
    call_fn call;
    long stride; /* GUARDED: past the first 150 allocations, every stride-th fails */
} entry;

static const entry table[] = {
    {"en_backtest_cv_mae", FREE, f_backtest, 0},
    {"en_backtest_forecast", FREE, f_backtest, 0},
    {"en_backtest_free", FREE, f_frees, 0},
    {"en_backtest_issue_count", FREE, f_backtest, 0},
    {"en_backtest_mae", FREE, f_backtest, 0},
    {"en_backtest_model_count", FREE, f_backtest, 0},
    {"en_backtest_model_name", FREE, f_backtest, 0},
    {"en_backtest_options_init", FREE, f_options, 0},
    {"en_backtest_run", GUARDED, c_backtest, 17},
    {"en_backtest_write", GUARDED, c_backtest_write, 1},
    {"en_buffer_append", REPORTS, r_buffer, 0},
    {"en_buffer_free", FREE, f_frees, 0},
    {"en_buffer_printf", REPORTS, r_buffer, 0},
    {"en_buffer_puts", REPORTS, r_buffer, 0},
    {"en_compare_write", GUARDED, c_compare_write, 1},
    {"en_date_days", FREE, f_war, 0},
    {"en_default_forecaster", FREE, f_models, 0},
    {"en_error_add", REPORTS, r_error, 0},
    {"en_error_clear", FREE, f_error, 0},
    {"en_error_count", FREE, f_error, 0},
    {"en_error_exit_status", FREE, f_error, 0},
    {"en_error_print", FREE, f_error, 0},
    {"en_error_set", REPORTS, r_error, 0},
    {"en_ev_article_free", FREE, f_frees, 0},
    {"en_ev_article_from_text", GUARDED, c_article_text, 1},
    {"en_ev_article_read", GUARDED, c_article_read, 1},
    {"en_ev_check_spans", FREE, f_spans, 0},
    {"en_ev_extract", GUARDED, c_extract, 7},
    {"en_ev_rules_free", FREE, f_frees, 0},
    {"en_ev_rules_load", GUARDED, c_rules, 401},
    {"en_ev_segment", GUARDED, c_segment, 7},
    {"en_ev_write_file", GUARDED, c_ev_write, 3},
    {"en_forecast_options_init", FREE, f_options, 0},
    {"en_forecast_p_agreement", FREE, f_forecast, 0},
    {"en_forecast_result_free", FREE, f_frees, 0},
    {"en_forecast_run", GUARDED, c_forecast, 97},
    {"en_forecast_value", FREE, f_forecast, 0},
    {"en_forecast_write", GUARDED, c_forecast_write, 3},
    {"en_html_write", GUARDED, c_html, 101},
    {"en_json_parse", GUARDED, c_json_parse, 1},
    {"en_json_quote", GUARDED, c_json_quote, 1},
    {"en_json_text", GUARDED, c_json_text, 1},
    {"en_mc_options_init", FREE, f_options, 0},
    {"en_mc_result_draws", FREE, f_mc, 0},
    {"en_mc_result_free", FREE, f_frees, 0},
    {"en_mc_result_issue_count", FREE, f_mc, 0},
    {"en_mc_result_mean", FREE, f_mc, 0},
    {"en_mc_result_quantile", FREE, f_mc, 0},
    {"en_mc_result_write", GUARDED, c_mc_write, 3},
    {"en_mc_run", GUARDED, c_mc, 13},
    {"en_model_applies", FREE, f_models, 0},
    {"en_model_at", FREE, f_models, 0},
    {"en_model_count", FREE, f_models, 0},
    {"en_model_description", FREE, f_models, 0},
    {"en_model_find", FREE, f_models, 0},
    {"en_model_name", FREE, f_models, 0},
    {"en_model_param_count", FREE, f_models, 0},
    {"en_model_param_info", FREE, f_models, 0},
    {"en_node_equal", FREE, f_node, 0},
    {"en_node_free", FREE, f_frees, 0},
    {"en_node_get", FREE, f_node, 0},
    {"en_output_format_parse", FREE, f_output_format, 0},
    {"en_params_copy", GUARDED, c_params_copy, 1},
    {"en_params_for_model", GUARDED, c_params_for_model, 1},
    {"en_params_free", FREE, f_frees, 0},
    {"en_params_get", FREE, f_params_get, 0},
    {"en_params_new", GUARDED, c_params_new, 1},
    {"en_params_parse", GUARDED, c_params_parse, 1},
    {"en_params_set", GUARDED, c_params_set, 1},
    {"en_parse_double", FREE, f_parse, 0},
    {"en_parse_long", FREE, f_parse, 0},
    {"en_result_forecast", FREE, f_result, 0},
    {"en_result_free", FREE, f_frees, 0},
    {"en_result_issue", FREE, f_result, 0},
    {"en_result_issue_count", FREE, f_result, 0},
    {"en_result_model", FREE, f_result, 0},
    {"en_result_position", FREE, f_result, 0},
    {"en_result_round_count", FREE, f_result, 0},
    {"en_result_scenario", FREE, f_result, 0},
    {"en_result_stop_reason", FREE, f_result, 0},
    {"en_result_write", GUARDED, c_result_write, 3},
    {"en_result_write_trace_csv", GUARDED, c_trace_csv, 3},
    {"en_run", GUARDED, c_run, 5},
    {"en_scenario_actor_count", FREE, f_scenario, 0},
    {"en_scenario_actor_id", FREE, f_scenario, 0},
    {"en_scenario_actor_name", FREE, f_scenario, 0},
    {"en_scenario_check_citations", GUARDED, c_citations, 53},
    {"en_scenario_effective", GUARDED, c_effective, 7},
    {"en_scenario_free", FREE, f_frees, 0},
    {"en_scenario_issue_count", FREE, f_scenario, 0},
    {"en_scenario_issue_id", FREE, f_scenario, 0},
    {"en_scenario_issue_name", FREE, f_scenario, 0},
    {"en_scenario_issue_outcome", FREE, f_scenario, 0},
    {"en_scenario_load", GUARDED, c_load, 3},
    {"en_scenario_load_all", GUARDED, c_load_all, 3},
    {"en_scenario_load_all_buffer", GUARDED, c_load_all_buffer, 3},
    {"en_scenario_load_buffer", GUARDED, c_load_buffer, 3},
    {"en_scenario_note", FREE, f_scenario, 0},
    {"en_scenario_note_count", FREE, f_scenario, 0},
    {"en_scenario_outcome_count", FREE, f_scenario, 0},
    {"en_scenario_path", FREE, f_scenario, 0},
    {"en_scenario_source_count", FREE, f_scenario, 0},
    {"en_scenario_source_file", FREE, f_scenario, 0},
    {"en_scenario_source_id", FREE, f_scenario, 0},
    {"en_scenario_source_location", FREE, f_scenario, 0},
    {"en_scenario_title", FREE, f_scenario, 0},
    {"en_scenario_write_yaml", GUARDED, c_write_yaml, 3},
    {"en_sensitivity_baseline", FREE, f_sensitivity, 0},
    {"en_sensitivity_change", FREE, f_sensitivity, 0},
    {"en_sensitivity_options_init", FREE, f_options, 0},
    {"en_sensitivity_result_free", FREE, f_frees, 0},
    {"en_sensitivity_result_write", GUARDED, c_sensitivity_write, 3},
    {"en_sensitivity_run", GUARDED, c_sensitivity, 7},
    {"en_sensitivity_without_actor", FREE, f_sensitivity, 0},
    {"en_sensitivity_without_veto", FREE, f_sensitivity, 0},
    {"en_serve_command_name", FREE, f_assets, 0},
    {"en_serve_json_to_yaml", GUARDED, c_serve_to_yaml, 1},
    {"en_serve_json_to_yaml_over", GUARDED, c_serve_over, 1},
    {"en_serve_locate", GUARDED, c_serve_locate, 1},
    {"en_serve_run_request_free", FREE, f_frees, 0},
    {"en_serve_run_request_parse", GUARDED, c_serve_request, 1},
    {"en_serve_yaml_to_json", GUARDED, c_serve_to_json, 1},
    {"en_sources_free", FREE, f_frees, 0},
    {"en_sources_read", GUARDED, c_sources_read, 7},
    {"en_store_close", FREE, f_frees, 0},
    {"en_store_free_texts", FREE, f_frees, 0},
    {"en_store_list", GUARDED, c_store_list, 3},
    {"en_store_load", GUARDED, c_store_load, 7},
    {"en_store_loaded_free", FREE, f_frees, 0},
    {"en_store_now", FREE, f_store_small, 0},
    {"en_store_open", GUARDED, c_store_open, 3},
    {"en_store_read_file", REPORTS, c_read_file, 0},
    {"en_store_read_sources", GUARDED, c_read_sources, 7},
    {"en_store_save", GUARDED, c_store_save, 7},
    {"en_store_sha256", FREE, f_store_small, 0},
    {"en_suggest", FREE, f_parse, 0},
    {"en_sweep_axis_parse", FREE, c_axis, 0}, /* guarded: allocates only for a second problem */
    {"en_sweep_axis_value", FREE, f_sweep, 0},
    {"en_sweep_forecast", FREE, f_sweep, 0},
    {"en_sweep_options_init", FREE, f_options, 0},
    {"en_sweep_point_count", FREE, f_sweep, 0},
    {"en_sweep_point_value", FREE, f_sweep, 0},
    {"en_sweep_result_free", FREE, f_frees, 0},
    {"en_sweep_result_write", GUARDED, c_sweep_write, 3},
    {"en_sweep_run", GUARDED, c_sweep, 7},
    {"en_test_control", FREE, f_version, 0},
    {"en_version", FREE, f_version, 0},
    {"en_version_number", FREE, f_version, 0},
    {"en_veto_rejections", GUARDED, c_veto, 1},
    {"en_veto_rejections_checked", GUARDED, c_veto_checked, 1},
    {"en_war_explain_write", GUARDED, c_war_explain, 3},
    {"en_war_kind_name", FREE, f_war, 0},
    {"en_war_options_init", FREE, f_options, 0},
    {"en_war_register", FREE, f_models, 0},
    {"en_war_simulate", GUARDED, c_war, 13},
    {"en_war_summary_free", FREE, f_frees, 0},
    {"en_war_summary_median_term", FREE, f_war, 0},
    {"en_war_summary_p_deal", FREE, f_war, 0},
    {"en_war_summary_p_deal_by", FREE, f_war, 0},
    {"en_war_summary_p_settled_by", FREE, f_war, 0},
    {"en_war_summary_write", GUARDED, c_war_write, 3},
    {"en_web_asset", FREE, f_assets, 0},
    {"en_web_asset_version", FREE, f_assets, 0},
    {"en_write_text", FREE, f_write_text, 0},
};
#define TABLE_SIZE (sizeof table / sizeof table[0])

/* ---- the checks ---------------------------------------------------------------------------- */

/* The table lists exactly the functions the public headers declare. */
static void table_matches_headers(void **state)
{
    (void)state;
    static const char *const headers[] = {"include/entente.h", "include/entente/node.h", "include/entente/store.h",
                                          "include/entente/report.h", "include/entente/evidence.h",
                                          "include/entente/sources.h", "include/entente/util.h",
                                          "include/entente/serve.h", "include/entente/assets.h",
                                          "include/entente/testctl.h"};
    regex_t re;
    assert_int_equal(regcomp(&re, "\\ben_[a-z0-9_]+[[:space:]]*\\(", REG_EXTENDED), 0);
    size_t declared = 0;
    char seen[TABLE_SIZE] = {0};
    for (size_t h = 0; h < sizeof headers / sizeof headers[0]; h++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", ENTENTE_SOURCE_DIR, headers[h]);
        size_t length = 0;
        char *text = en_store_read_file(path, &length);
        assert_non_null(text);
        regmatch_t m;
        for (const char *p = text; regexec(&re, p, 1, &m, 0) == 0; p += m.rm_eo) {
            size_t n = (size_t)(m.rm_eo - m.rm_so);
            while (n && (p[m.rm_so + n - 1] == '(' || p[m.rm_so + n - 1] == ' ' || p[m.rm_so + n - 1] == '\n')) n--;
            size_t k = 0;
            while (k < TABLE_SIZE && !(strlen(table[k].name) == n && strncmp(table[k].name, p + m.rm_so, n) == 0)) k++;
            if (k == TABLE_SIZE) fail_msg("%s declares %.*s, which the table does not list", headers[h], (int)n, p + m.rm_so);
            if (!seen[k]) declared++;
            seen[k] = 1;
        }
        free(text);
    }
    regfree(&re);
    for (size_t k = 0; k < TABLE_SIZE; k++)
        if (!seen[k]) fail_msg("the table lists %s, which no public header declares", table[k].name);
    assert_int_equal(declared, TABLE_SIZE);
    print_message("%zu public functions listed\n", declared);
}

/* No allocation outside a guard on this thread since the last look. */
static void no_unguarded(const char *name)
{
    long n = en_test_control(EN_TESTCTRL_UNGUARDED_ALLOCS, 0);
    if (n) fail_msg("%s: %ld allocations outside any guard (they would end the process)", name, n);
}

static void check_free(const entry *e)
{
    en_error err = EN_ERROR_INIT;
    no_unguarded("(before)");
    en_test_control(EN_TESTCTRL_FAIL_ALLOC, 1);
    en_test_control(EN_TESTCTRL_FAIL_ALLOC_ANY, 1);
    assert_int_equal(e->call(&err), EN_OK);
    int fired = (int)en_test_control(EN_TESTCTRL_FAIL_ALLOC, 0) | (int)en_test_control(EN_TESTCTRL_FAIL_ALLOC_ANY, 0);
    if (fired) fail_msg("%s allocates (under a guard): list it as GUARDED", e->name);
    no_unguarded(e->name);
    en_error_clear(&err);
}

static size_t check_guarded(const entry *e)
{
    size_t checked = 0;
    no_unguarded("(before)");
    for (long k = 1;; k += k < 150 ? 1 : e->stride) {
        en_error err = EN_ERROR_INIT;
        en_test_control(EN_TESTCTRL_FAIL_ALLOC, k);
        en_status st = e->call(&err);
        int fired = (int)en_test_control(EN_TESTCTRL_FAIL_ALLOC, 0);
        no_unguarded(e->name);
        if (!fired) {
            if (st != EN_OK) {
                en_error_print(&err, stderr);
                fail_msg("%s failed without a failure", e->name);
            }
            en_error_clear(&err);
            break;
        }
        if (st != EN_ERROR_NOMEM) fail_msg("%s: allocation %ld failed, the call gave %d, not EN_ERROR_NOMEM", e->name, k, st);
        if (err.code != EN_OK) {
            const en_error *last = &err;
            while (last->next) last = last->next;
            assert_string_equal(last->message, "out of memory");
        }
        en_error_clear(&err);
        checked++;
    }
    if (checked == 0) fail_msg("%s made no guarded allocation: list it as FREE", e->name);
    return checked;
}

static void walk_the_table(void **state)
{
    (void)state;
    size_t counts[3] = {0}, failures = 0;
    for (size_t k = 0; k < TABLE_SIZE; k++) {
        const entry *e = &table[k];
        counts[e->kind]++;
        if (e->kind == GUARDED) {
            size_t n = check_guarded(e);
            failures += n;
        } else {
            check_free(e);
        }
    }
    print_message("allocation-free %zu, guarded %zu (%zu failures checked), reporting %zu\n", counts[FREE],
                  counts[GUARDED], failures, counts[REPORTS]);
}

/* ---- fixtures ------------------------------------------------------------------------------ */

static int setup(void **state)
{
    (void)state;
    en_error err = EN_ERROR_INIT;
#define OK(x) do { if ((x) != EN_OK) { en_error_print(&err, stderr); return -1; } } while (0)
    OK(en_scenario_load(SOURCE("tests/data/bdm/ExampleActors.csv"), NULL, &F.example, &err));
    OK(en_scenario_load(SOURCE("scenarios/ukraine-2023.yaml"), NULL, &F.ukraine, &err));
    OK(en_scenario_load(SOURCE("scenarios/ukraine-war-2022.yaml"), NULL, &F.war, &err));
    OK(en_scenario_load_buffer(outcomes_yaml, strlen(outcomes_yaml), "o.yaml", NULL, &F.outcomes, &err));
    F.params = en_params_new();
    F.scratch = en_params_new();
    OK(en_params_set(F.params, "rounds", "3", &err));
    OK(en_run(en_model_find("eum"), F.example, F.params, &F.result, &err));
    OK(en_run(en_model_find("smp"), F.example, F.params, &F.smp, &err));
    OK(c_axis(&err));
    OK(en_sweep_axis_parse("rounds=1:3:1", 1, &F.axis, &err));
    en_mc_options mo;
    en_mc_options_init(&mo);
    mo.draws = 6, mo.threads = 1, mo.seed = 5;
    OK(en_mc_run(en_model_find("compromise"), F.ukraine, NULL, &mo, &F.mc, &err));
    en_sensitivity_options so;
    en_sensitivity_options_init(&so);
    OK(en_sensitivity_run(en_model_find("compromise"), F.example, NULL, &so, &F.sensitivity, &err));
    en_sweep_options wo;
    en_sweep_options_init(&wo);
    wo.threads = 1;
    OK(en_sweep_run(en_model_find("eum"), F.example, NULL, &F.axis, 1, &wo, &F.sweep, &err));
    en_forecast_options fo;
    en_forecast_options_init(&fo);
    fo.draws = 4, fo.threads = 1, fo.war_runs = 2, fo.model = "compromise";
    OK(en_forecast_run(F.ukraine, NULL, &fo, NULL, 0, &F.forecast, &err));
    const char *models[] = {"median"};
    en_backtest_options bo;
    en_backtest_options_init(&bo);
    bo.models = models, bo.model_count = 1, bo.resamples = 20;
    OK(en_backtest_run((en_scenario *const[]){F.outcomes}, 1, &bo, &F.backtest, &err));
    en_war_options ro;
    en_war_options_init(&ro);
    ro.runs = 3, ro.threads = 1, ro.seed = 3, ro.explain_day = -1;
    OK(en_war_simulate(F.war, &ro, &F.war_summary, &err));
    ro.explain_day = 19100; /* 2022-04-18 */
    OK(en_war_simulate(F.war, &ro, &F.war_explained, &err));
    F.node = en_json_parse("{\"a\": [1, {\"b\": null}], \"c\": \"d\"}");
    if (!F.node) return -1;
    F.rules = en_ev_rules_load(&err);
    if (!F.rules) return -1;
    OK(en_ev_article_from_text("a.txt", ARTICLE, strlen(ARTICLE), &F.article, &err));
    OK(en_ev_article_read(SOURCE("scenarios/sources/000_4ba30fa4e20c7c41.txt"), &F.segmented, &err));
    OK(en_ev_segment(F.segmented, F.rules, &err));
    OK(en_sources_read(F.ukraine, NULL, &F.sources, &err));
    snprintf(F.dir, sizeof F.dir, "/tmp/entente-api-oom-XXXXXX");
    if (!mkdtemp(F.dir)) return -1;
    snprintf(F.store_path, sizeof F.store_path, "%s/runs.db", F.dir);
    OK(en_store_open(F.store_path, &F.store, &err));
    F.run = (en_store_run){.command = "run", .scenario = F.outcomes, .scenario_text = outcomes_yaml,
                           .scenario_length = strlen(outcomes_yaml), .started_at = "2026-01-01T00:00:00.000Z",
                           .finished_at = "2026-01-01T00:00:01.000Z"};
    OK(en_store_save(F.store, &F.run, &F.run_id, &err));
    /* The setup's own unguarded allocations are not the table's. */
    en_test_control(EN_TESTCTRL_UNGUARDED_ALLOCS, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    en_sources_free(F.sources, en_scenario_source_count(F.ukraine)); /* before the scenario */
    en_scenario_free(F.example), en_scenario_free(F.ukraine), en_scenario_free(F.war), en_scenario_free(F.outcomes);
    en_params_free(F.params), en_params_free(F.scratch), en_result_free(F.result), en_result_free(F.smp), en_mc_result_free(F.mc);
    en_sensitivity_result_free(F.sensitivity), en_sweep_result_free(F.sweep);
    en_forecast_result_free(F.forecast), en_backtest_free(F.backtest);
    en_war_summary_free(F.war_summary), en_war_summary_free(F.war_explained), en_node_free(F.node);
    en_ev_article_free(F.article), en_ev_article_free(F.segmented), en_ev_rules_free(F.rules);
    en_store_close(F.store);
    char side[128];
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t k = 0; k < 4; k++) {
        snprintf(side, sizeof side, "%s%s", F.store_path, suffixes[k]);
        unlink(side);
    }
    rmdir(F.dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_matches_headers),
        cmocka_unit_test(walk_the_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
