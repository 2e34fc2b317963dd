/*
 * cmd_trace.c — `entente trace`: the round-by-round record of a spatial model run (smp) as a
 * CSV table: positions, winning probabilities, bargains and queue winners per round.
 */
#include <stdio.h>

#include "cli.h"

static const char usage[] =
    "usage: entente trace [FILE] [--model smp] [--param NAME=VALUE]... [--rounds N] [--seed S]\n"
    "                     [-o FILE.csv] [--input-format yaml|csv|decide|ktab-csv|ktab-xml]\n\n"
    "Runs the spatial model of politics (smp) on FILE (a KTAB CSV or XML file, or any scenario)\n"
    "and writes why every actor moved as one CSV table: each round's positions, winning\n"
    "probabilities, the bargains proposed (who challenged whom, the initiator's chance and\n"
    "gain, both proposed positions) and which bargain won each actor's queue\n"
    "(docs/cli.md has the columns). Exit status: 0 ok, 2 bad input, 1 internal error.\n";

int cmd_trace(int argc, char **argv)
{
    cli_options o;
    int status = cli_parse(argc, argv, CLI_OPT_MODEL | CLI_OPT_PARAMS | CLI_OPT_OUTPUT | CLI_OPT_LOAD,
                           &o, NULL, NULL);
    if (cli_stop_early(&o, &status, usage)) return status;
    en_error err = EN_ERROR_INIT;
    const en_model *model = cli_model(o.model, "smp", &err);
    en_scenario *s = model ? cli_load(&o, &status) : NULL;
    en_result *result = NULL;
    if (s && en_run(model, s, o.params, &result, &err) == EN_OK) {
        FILE *out = cli_output_open(&o, &err);
        if (out) {
            int ok = en_result_write_trace_csv(result, out, &err) == EN_OK;
            cli_output_close(&o, out, ok, &err);
        }
    }
    en_result_free(result);
    en_scenario_free(s);
    cli_options_free(&o);
    if (err.code != EN_OK) return cli_fail(&err);
    return s ? CLI_OK : status;
}
