/*
 * cmd_sensitivity.c — `entente sensitivity`: which inputs move each forecast (one at a time,
 * ranked), and which actors and vetoes are pivotal.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_progress.h"
#include "cli_mpi.h"

static const char usage[] =
    "usage: entente sensitivity [FILE] [--model NAME] [--delta D] [--top N]\n"
    "                           [--param NAME=VALUE]... [--rounds N] [--seed S]\n"
    "                           [--format text|json|csv] [-o FILE] [--input-format F]\n"
    "                           [--scale MIN,MAX] [--db FILE]\n\n"
    "One-at-a-time sensitivity of a model (default: compromise) on FILE (default: the bundled\n"
    "scenario): every actor's capability, and its salience and position on each issue, moved\n"
    "down and up by D of its range (capability: by D of its value), clamped, all else at the\n"
    "point estimates. For each issue the inputs are ranked by the largest change of the\n"
    "forecast (a tornado). Then the pivotal actors: the change of every forecast without each\n"
    "actor, and without each actor's vetoes (docs/analysis.md).\n\n"
    "  --delta D   share of the range, in (0, 1] (default 0.1)\n"
    "  --top N     drivers shown per issue in text output (default 5; JSON and CSV list all)\n"
    "  --db FILE   record the analysis in a run store (or ENTENTE_DB; docs/run-store.md)\n"
    "Exit status: 0 ok, 2 bad input, 1 internal error.\n";

/* --db: recording in the run store (cli_record.c), as the JSON output. */
static cli_record record;

static en_status write_json(const void *result, FILE *out, en_error *err)
{
    return en_sensitivity_result_write(result, EN_OUTPUT_JSON, out, err);
}

static int sensitivity_extra(int argc, char **argv, int index, void *state)
{
    int used = cli_record_option(argc, argv, index, &record);
    if (used) return used;
    en_sensitivity_options *o = state;
    const char *arg = argv[index];
    int is_delta = strncmp(arg, "--delta", 7) == 0 && (arg[7] == '\0' || arg[7] == '=');
    int is_top = strncmp(arg, "--top", 5) == 0 && (arg[5] == '\0' || arg[5] == '=');
    if (!is_delta && !is_top) return 0;
    size_t n = is_delta ? 7 : 5;
    const char *value = arg[n] == '=' ? arg + n + 1 : index + 1 < argc ? argv[index + 1] : NULL;
    if (!value) {
        fprintf(stderr, "entente sensitivity: error: option %s needs a value (see 'entente sensitivity --help')\n", arg);
        return -1;
    }
    double delta;
    long top;
    if (is_delta && (!en_parse_double(value, &delta) || !(delta > 0) || delta > 1)) {
        fprintf(stderr, "entente sensitivity: error: --delta '%s' is invalid (expected a number in (0, 1])\n", value);
        return -1;
    }
    if (is_top && !en_parse_long(value, 1, 1000000, &top)) {
        fprintf(stderr, "entente sensitivity: error: --top '%s' is invalid (expected an integer >= 1)\n", value);
        return -1;
    }
    if (is_delta) o->delta = delta;
    else o->top = (size_t)top;
    return arg[n] == '=' ? 1 : 2;
}

int cmd_sensitivity(int argc, char **argv)
{
    en_sensitivity_options options;
    en_sensitivity_options_init(&options);
    cli_options o;
    int status = cli_parse(argc, argv,
                           CLI_OPT_MODEL | CLI_OPT_PARAMS | CLI_OPT_FORMAT | CLI_OPT_OUTPUT | CLI_OPT_LOAD,
                           &o, sensitivity_extra, &options);
    if (cli_stop_early(&o, &status, usage)) return status;
    const en_model *model;
    en_scenario *s = cli_start_model_run(&o, &record, &model, &status);
    if (!s) return status;
    en_error err = EN_ERROR_INIT;
    en_sensitivity_result *result = NULL;
    options.distributor = cli_mpi_distributor(); /* under mpirun: the runs split across processes */
    /* `entente serve` follows the run through ENTENTE_PROGRESS_FD (cli_progress.h). */
    static cli_progress served;
    if (cli_progress_open(&served, "runs")) {
        options.progress = cli_progress_report;
        options.progress_data = &served;
    }
    if (en_sensitivity_run(model, s, o.params, &options, &result, &err) == EN_OK && cli_mpi_is_root()) {
        FILE *out = cli_output_open(&o, &err);
        if (out) {
            int ok = en_sensitivity_result_write(result, o.format, out, &err) == EN_OK;
            if (cli_output_close(&o, out, ok, &err))
                status = cli_record_analysis(&record, "sensitivity", "sensitivity", &o, s, write_json, result);
        }
    }
    cli_record_free(&record);
    en_sensitivity_result_free(result);
    en_scenario_free(s);
    cli_options_free(&o);
    return err.code == EN_OK ? status : cli_fail(&err);
}
