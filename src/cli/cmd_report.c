/*
 * cmd_report.c — `entente report`: one self-contained HTML file (docs/report.md). From a
 * scenario FILE it runs every model (as `compare`), a Monte Carlo and a sensitivity analysis;
 * from a run store (--db DB --run ID) it draws the recorded run without running anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: entente report [FILE] [-o FILE.html] [--model NAME] [--mc-draws N] [--seed S]\n"
    "                      [--no-sensitivity] [--param NAME=VALUE]... [--rounds N]\n"
    "                      [--input-format F] [--scale MIN,MAX] [--sources-dir DIR]\n"
    "       entente report --db DB --run ID [-o FILE.html]\n\n"
    "Writes one self-contained HTML report (no network needed to open it): the scenario's\n"
    "actors x issues table with citations linking to the embedded source texts, the forecast\n"
    "of every model, position trajectories (hover: why the actor moved), effective power by\n"
    "position, the EUM quadrant map, Monte Carlo distributions and the sensitivity tornado.\n"
    "Without -o the page goes to standard output. From FILE (default: the bundled scenario)\n"
    "every model runs; --model (default compromise) is the model of the Monte Carlo (--mc-draws,\n"
    "default 1000, 0 for none; --seed, default 1) and the sensitivity analysis. With --db and\n"
    "--run the report shows recorded run ID instead (docs/run-store.md). docs/report.md tells\n"
    "what each part shows. Cited source files must be regular UTF-8 text files inside the\n"
    "--input-format F forces the input format: yaml, csv, decide, deu, ktab-csv or ktab-xml.\n"
    "scenario's folder, or inside DIR with --sources-dir DIR.\n";

typedef struct report_cli {
    cli_record record; /* --db */
    long run_id;
    long draws;
    long seed;
    int no_sensitivity;
} report_cli;

static int report_extra(int argc, char **argv, int index, void *state)
{
    report_cli *c = state;
    int used = cli_record_option(argc, argv, index, &c->record);
    if (used) return used;
    const char *arg = argv[index];
    if (strcmp(arg, "--no-sensitivity") == 0) {
        c->no_sensitivity = 1;
        return 1;
    }
    static const char *const names[] = {"--run", "--mc-draws", "--seed"};
    long *targets[] = {&c->run_id, &c->draws, &c->seed};
    const long minimum[] = {1, 0, 0};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(arg, names[k], n) != 0 || (arg[n] != '\0' && arg[n] != '=')) continue;
        const char *value = arg[n] == '=' ? arg + n + 1 : index + 1 < argc ? argv[index + 1] : NULL;
        if (!value || !en_parse_long(value, minimum[k], 9007199254740991L, targets[k])) {
            fprintf(stderr, "entente report: error: %s needs an integer >= %ld (see 'entente report --help')\n",
                    names[k], minimum[k]);
            return -1;
        }
        return arg[n] == '=' ? 1 : 2;
    }
    return 0;
}

static en_status mc_json(const void *r, FILE *out, en_error *err)
{
    return en_mc_result_write(r, EN_OUTPUT_JSON, out, err);
}

static en_status sensitivity_json(const void *r, FILE *out, en_error *err)
{
    return en_sensitivity_result_write(r, EN_OUTPUT_JSON, out, err);
}

typedef struct analyses {
    const char *kinds[5];
    char *json[5];
    size_t count;
} analyses;

/* Every model on the scenario (models that cannot run are noted and left out). */
static size_t run_models(const en_scenario *s, const en_params *params, en_result **results)
{
    size_t done = 0;
    for (size_t m = 0; m < en_model_count(); m++) {
        if (!en_model_applies(en_model_at(m), s)) continue;
        en_params *copy = cli_params_for_model(params, en_model_at(m));
        en_error err = EN_ERROR_INIT;
        if (en_run(en_model_at(m), s, copy, &results[done], &err) == EN_OK) {
            done++;
        } else {
            fprintf(stderr, "entente report: note: model %s left out:\n", en_model_name(en_model_at(m)));
            en_error_print(&err, stderr);
            en_error_clear(&err);
        }
        en_params_free(copy);
    }
    return done;
}

static en_status forecast_json(const void *r, FILE *out, en_error *err)
{
    return en_forecast_write(r, EN_OUTPUT_JSON, out, err);
}

static void run_analyses(const en_scenario *s, const cli_options *o, const report_cli *c,
                         analyses *a, en_error *err)
{
    /* The answer first: the forecast of the default forecaster (10,000 draws, --seed). */
    en_forecast_options fo;
    en_forecast_options_init(&fo);
    fo.seed = (uint64_t)c->seed;
    en_forecast_result *forecast = NULL;
    if (en_forecast_run(s, NULL, &fo, NULL, 0, &forecast, err) == EN_OK) {
        char *json = cli_capture_json(forecast_json, forecast, err);
        if (json) {
            a->kinds[a->count] = "forecast";
            a->json[a->count++] = json;
        }
    }
    en_forecast_result_free(forecast);
    if (err->code != EN_OK) return;
    const en_model *model = cli_model(o->model, "compromise", err);
    if (!model) return;
    en_params *params = cli_params_for_model(o->params, model);
    if (c->draws > 0) {
        en_mc_options mo;
        en_mc_options_init(&mo);
        mo.draws = (size_t)c->draws;
        mo.seed = (uint64_t)c->seed;
        en_mc_result *mc = NULL;
        if (en_mc_run(model, s, params, &mo, &mc, err) == EN_OK) {
            char *json = cli_capture_json(mc_json, mc, err);
            if (json) {
                a->kinds[a->count] = "montecarlo";
                a->json[a->count++] = json;
            }
        }
        en_mc_result_free(mc);
    }
    if (err->code == EN_OK && !c->no_sensitivity) {
        en_sensitivity_options so;
        en_sensitivity_options_init(&so);
        en_sensitivity_result *sr = NULL;
        if (en_sensitivity_run(model, s, params, &so, &sr, err) == EN_OK) {
            char *json = cli_capture_json(sensitivity_json, sr, err);
            if (json) {
                a->kinds[a->count] = "sensitivity";
                a->json[a->count++] = json;
            }
        }
        en_sensitivity_result_free(sr);
    }
    en_params_free(params);
}

static int write_page(const cli_options *o, const en_html_input *in, en_error *err)
{
    FILE *out = cli_output_open(o, err);
    if (!out) return 0;
    int ok = en_html_write(in, out, err) == EN_OK;
    ok = cli_output_close(o, out, ok, err);
    if (ok && o->output && strcmp(o->output, "-") != 0) fprintf(stderr, "entente: wrote %s\n", o->output);
    return ok;
}

/* --db DB --run ID: the recorded run as stored. */
static int report_recorded(const cli_options *o, report_cli *c)
{
    en_error err = EN_ERROR_INIT;
    en_store *store = NULL;
    en_store_loaded *l = NULL;
    const char *path = cli_record_path(&c->record);
    if (en_store_open(path, &store, &err) == EN_OK && en_store_load(store, c->run_id, &l, &err) == EN_OK) {
        analyses a = {{0}, {0}, 0};
        for (size_t k = 0; k < l->analysis_count && a.count < 5; k++) {
            a.kinds[a.count] = l->analysis_kinds[k];
            a.json[a.count++] = cli_xstrdup(l->analysis_json[k]);
        }
        char *origin = cli_xprintf("run %ld (%s, %s) of %s", c->run_id, l->command, l->started_at, path);
        en_html_input in = {l->scenario, l->results, l->result_count, l->source_texts,
                            a.kinds, (const char *const *)a.json, a.count, origin};
        write_page(o, &in, &err);
        free(origin);
        for (size_t k = 0; k < a.count; k++) free(a.json[k]);
    }
    en_store_loaded_free(l);
    en_store_close(store);
    return err.code == EN_OK ? CLI_OK : cli_fail(&err);
}

int cmd_report(int argc, char **argv)
{
    report_cli c;
    memset(&c, 0, sizeof c);
    c.draws = 1000;
    c.seed = 1;
    cli_options o;
    int status = cli_parse(argc, argv, CLI_OPT_MODEL | CLI_OPT_PARAMS | CLI_OPT_OUTPUT | CLI_OPT_LOAD,
                           &o, report_extra, &c);
    if (!status && !o.help && c.run_id && o.file) {
        fprintf(stderr, "entente report: error: give a scenario FILE or --db DB --run ID, not both\n");
        status = CLI_BAD_INPUT;
    }
    if (!status && !o.help && c.run_id && !cli_record_path(&c.record)) {
        fprintf(stderr, "entente report: error: --run needs --db DB (or ENTENTE_DB)\n");
        status = CLI_BAD_INPUT;
    }
    if (cli_stop_early(&o, &status, usage)) return status;
    if (c.run_id) {
        status = report_recorded(&o, &c);
        cli_options_free(&o);
        return status;
    }
    en_scenario *s = cli_load(&o, &status);
    if (!s) {
        cli_options_free(&o);
        return status;
    }
    /* The cited texts first: a refused file stops the report before any model runs. */
    char **sources = cli_read_sources(&o, s, &status);
    if (!sources) {
        en_scenario_free(s);
        cli_options_free(&o);
        return status;
    }
    en_error err = EN_ERROR_INIT;
    en_result **results = cli_xcalloc(en_model_count() + 1, sizeof *results);
    size_t done = run_models(s, o.params, results);
    analyses a = {{0}, {0}, 0};
    run_analyses(s, &o, &c, &a, &err);
    if (err.code == EN_OK) {
        char *origin = cli_xprintf("scenario file %s", o.file ? o.file : cli_default_scenario());
        en_html_input in = {s, results, done, sources, a.kinds, (const char *const *)a.json, a.count, origin};
        write_page(&o, &in, &err);
        free(origin);
    }
    en_store_free_texts(sources, en_scenario_source_count(s));
    for (size_t k = 0; k < a.count; k++) free(a.json[k]);
    for (size_t m = 0; m < done; m++) en_result_free(results[m]);
    free(results);
    en_scenario_free(s);
    cli_options_free(&o);
    return err.code == EN_OK ? CLI_OK : cli_fail(&err);
}
