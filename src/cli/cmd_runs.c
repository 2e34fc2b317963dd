/*
 * cmd_runs.c — `entente runs`: the runs recorded in a run store, one line each.
 */
#include <stdio.h>

#include "cli.h"

static const char usage[] =
    "usage: entente runs [--db FILE]\n\n"
    "Lists the runs recorded in the run store FILE (default: the ENTENTE_DB variable): id,\n"
    "command, start time (UTC), duration, scenario hash, models and scenario title. Print one\n"
    "with 'entente show ID'. docs/run-store.md describes the store.\n";

int cmd_runs(int argc, char **argv)
{
    cli_options o;
    cli_record rec = {0};
    int status = cli_parse(argc, argv, 0, &o, cli_record_option, &rec);
    if (!status && !o.help && o.file) {
        fprintf(stderr, "entente runs: error: unexpected argument '%s' (see 'entente runs --help')\n", o.file);
        status = CLI_BAD_INPUT;
    }
    if (cli_stop_early(&o, &status, usage)) return status;
    cli_options_free(&o);
    const char *path = cli_record_path(&rec);
    if (!path) {
        fprintf(stderr, "entente runs: error: no run store: give --db FILE or set ENTENTE_DB\n");
        return CLI_BAD_INPUT;
    }
    en_error err = EN_ERROR_INIT;
    en_store *store = NULL;
    if (en_store_open(path, &store, &err) != EN_OK) return cli_fail(&err);
    en_store_list(store, stdout, &err);
    en_store_close(store);
    return err.code == EN_OK ? CLI_OK : cli_fail(&err);
}
