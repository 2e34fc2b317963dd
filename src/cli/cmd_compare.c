/*
 * cmd_compare.c — `entente compare`: every model in the registry on one scenario, forecasts
 * side by side. Models that cannot run on the scenario are reported and left out. --effective
 * runs the models on the effective scenario of `entente forecast` (patrons and public stances
 * counted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_progress.h"

static const char usage[] =
    "usage: entente compare [FILE] [--param NAME=VALUE]... [--rounds N] [--seed S]\n"
    "                       [--format text|json|csv] [-o FILE] [--input-format F] [--scale MIN,MAX]\n"
    "                       [--db FILE] [--effective]\n\n"
    "Runs every registered model on FILE (default: the bundled scenario) and prints their\n"
    "forecasts per issue side by side. --param values go to every model that declares them.\n"
    "--db FILE (or ENTENTE_DB) records every model's run in a run store (docs/run-store.md).\n"
    "--effective runs the models on the effective scenario of 'entente forecast': each client\n"
    "weighs its patrons' positions and public stances pull positions toward them\n"
    "(docs/models/forecast.md). Text output ends with the answers a veto player would reject.\n";

/* --db, and --effective. */
static int compare_extra(int argc, char **argv, int index, void *state)
{
    void **slots = state;
    if (strcmp(argv[index], "--effective") == 0) {
        *(int *)slots[1] = 1;
        return 1;
    }
    return cli_record_option(argc, argv, index, slots[0]);
}

int cmd_compare(int argc, char **argv)
{
    cli_options o;
    cli_record rec = {0};
    int effective = 0;
    void *slots[2] = {&rec, &effective};
    int status = cli_parse(argc, argv, CLI_OPT_PARAMS | CLI_OPT_FORMAT | CLI_OPT_OUTPUT | CLI_OPT_LOAD,
                           &o, compare_extra, slots);
    if (cli_stop_early(&o, &status, usage)) return status;
    en_scenario *s = (status = cli_record_begin(&rec, &o)) ? NULL : cli_load(&o, &status);
    if (!s) {
        cli_record_free(&rec);
        cli_options_free(&o);
        return status;
    }
    if (effective) {
        en_scenario *eff = en_scenario_effective(s, 0.5, 0.5);
        if (!eff) {
            fprintf(stderr, "entente: error: out of memory\n");
            exit(CLI_INTERNAL);
        }
        en_scenario_free(s);
        s = eff;
    }
    size_t count = en_model_count(), done = 0;
    en_result **results = calloc(count ? count : 1, sizeof *results);
    en_error err = EN_ERROR_INIT;
    /* `entente serve` follows the run through ENTENTE_PROGRESS_FD (cli_progress.h): models run
     * (or left out) of those that apply. */
    cli_progress served;
    size_t applicable = 0, tried = 0;
    if (cli_progress_open(&served, "models")) {
        for (size_t m = 0; m < count; m++) applicable += en_model_applies(en_model_at(m), s) != 0;
        cli_progress_report(0, applicable, &served);
    }
    for (size_t m = 0; m < count; m++) {
        const en_model *model = en_model_at(m);
        if (!en_model_applies(model, s)) continue;
        /* Each model gets only the parameters it declares, so one --param can target one. */
        en_params *copy = cli_params_for_model(o.params, model);
        en_error model_err = EN_ERROR_INIT;
        if (en_run(model, s, copy, &results[done], &model_err) == EN_OK) {
            done++;
        } else {
            fprintf(stderr, "entente compare: note: model %s left out:\n", en_model_name(model));
            en_error_print(&model_err, stderr);
            en_error_clear(&model_err);
        }
        en_params_free(copy);
        cli_progress_report(++tried, applicable, &served);
    }
    FILE *out = cli_output_open(&o, &err);
    if (out) {
        int ok = en_compare_write(s, results, done, o.format, out, &err) == EN_OK;
        if (cli_output_close(&o, out, ok, &err))
            status = cli_record_finish(&rec, "compare", &o, s, results, done, NULL, NULL);
    }
    cli_record_free(&rec);
    for (size_t m = 0; m < done; m++) en_result_free(results[m]);
    free(results);
    en_scenario_free(s);
    cli_options_free(&o);
    return err.code == EN_OK ? status : cli_fail(&err);
}
