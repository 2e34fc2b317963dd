/*
 * cmd_run.c — `entente run`: one model on one scenario; text, JSON or CSV.
 */
#include <stdio.h>

#include "cli.h"

static const char usage[] =
    "usage: entente run [FILE] [--model NAME] [--param NAME=VALUE]... [--rounds N]\n"
    "                   [--seed S] [--trace summary|full|none] [--format text|json|csv] [-o FILE]\n"
    "                   [--input-format F] [--scale MIN,MAX] [--db FILE]\n\n"
    "Runs one model (default: compromise) on FILE, or on the bundled Russia-Ukraine scenario\n"
    "when FILE is omitted, and prints the forecast per issue. Text output tells the story round\n"
    "by round; --format json gives every round's positions (docs/cli.md has the layout).\n"
    "--scale sets the issue range of a CSV stakeholder sheet (default: range of the positions).\n"
    "--db FILE (or ENTENTE_DB) records the run in a run store (docs/run-store.md).\n"
    "--input-format F forces the input format: yaml, csv, decide, deu, ktab-csv or ktab-xml.\n"
    "Exit status: 0 ok, 2 bad input, 1 internal error.\n";

int cmd_run(int argc, char **argv)
{
    cli_options o;
    cli_record rec = {0};
    int status = cli_parse(argc, argv,
                           CLI_OPT_MODEL | CLI_OPT_PARAMS | CLI_OPT_FORMAT | CLI_OPT_OUTPUT | CLI_OPT_LOAD,
                           &o, cli_record_option, &rec);
    if (cli_stop_early(&o, &status, usage)) return status;
    const en_model *model;
    en_scenario *s = cli_start_model_run(&o, &rec, &model, &status);
    if (!s) return status;
    en_error err = EN_ERROR_INIT;
    en_result *result = NULL;
    /* Text output shows the story and the forecasts only: models may skip their extras
     * (the expected utility model's quadrant and per-round records) unless the run is
     * recorded, where the report shows them. */
    if (o.format == EN_OUTPUT_TEXT && !cli_record_path(&rec))
        en_params_set(o.params, "output", "text", NULL);
    if (en_run(model, s, o.params, &result, &err) == EN_OK) {
        FILE *out = cli_output_open(&o, &err);
        if (out) {
            int ok = en_result_write(result, o.format, out, &err) == EN_OK;
            if (cli_output_close(&o, out, ok, &err))
                status = cli_record_finish(&rec, "run", &o, s, &result, 1, NULL, NULL);
        }
    }
    cli_record_free(&rec);
    en_result_free(result);
    en_scenario_free(s);
    cli_options_free(&o);
    return err.code == EN_OK ? status : cli_fail(&err);
}
