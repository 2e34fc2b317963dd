/*
 * cmd_convert.c — `entente convert`: any supported input (YAML, CSV sheet, Decide file)
 * written out as an entente YAML scenario, so people can move their data over.
 */
#include <stdio.h>

#include "cli.h"

static const char usage[] =
    "usage: entente convert FILE [-o OUT.yaml] [--input-format F] [--scale MIN,MAX]\n\n"
    "Reads FILE in any supported format and writes it as an entente scenario (YAML, format v1)\n"
    "--input-format F forces the input format: yaml, csv, decide, deu, ktab-csv or ktab-xml.\n"
    "to OUT.yaml or standard output.\n";

int cmd_convert(int argc, char **argv)
{
    cli_options o;
    int status = cli_parse(argc, argv, CLI_OPT_OUTPUT | CLI_OPT_LOAD, &o, NULL, NULL);
    if (!status && !o.help && !o.file) {
        fprintf(stderr, "entente convert: error: no input FILE given (see 'entente convert --help')\n");
        status = CLI_BAD_INPUT;
    }
    if (cli_stop_early(&o, &status, usage)) return status;
    en_scenario *s = cli_load(&o, &status);
    if (!s) {
        cli_options_free(&o);
        return status;
    }
    en_error err = EN_ERROR_INIT;
    FILE *out = cli_output_open(&o, &err);
    if (out) {
        int ok = en_scenario_write_yaml(s, out, &err) == EN_OK;
        cli_output_close(&o, out, ok, &err);
    }
    en_scenario_free(s);
    cli_options_free(&o);
    return err.code == EN_OK ? CLI_OK : cli_fail(&err);
}
