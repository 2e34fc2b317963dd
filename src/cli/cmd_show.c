/*
 * cmd_show.c — `entente show RUN_ID`: prints a recorded run as the command that made it did
 * (run: en_result_write; compare: en_compare_write), rebuilt from the store without running a
 * model. Analyses (mc, sensitivity, war) are kept as their JSON output and printed as such.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: entente show RUN_ID [--db FILE] [--format text|json|csv] [-o FILE]\n\n"
    "Prints run RUN_ID of the run store FILE (default: the ENTENTE_DB variable) as the command\n"
    "that recorded it printed it, in any --format: the stored rounds, forecasts and story, not\n"
    "a new run. Recorded analyses (mc, sensitivity, war) print their stored JSON document.\n";

static en_status write_analysis(const en_store_loaded *l, FILE *out, en_error *err)
{
    int ok = 1;
    for (size_t k = 0; k < l->analysis_count && ok; k++) {
        size_t n = strlen(l->analysis_json[k]);
        ok = !n || en_write_text(out, l->analysis_json[k], n);
    }
    return ok ? EN_OK : en_error_set(err, EN_ERROR_INTERNAL, "cannot write the output");
}

int cmd_show(int argc, char **argv)
{
    cli_options o;
    cli_record rec = {0};
    int status = cli_parse(argc, argv, CLI_OPT_FORMAT | CLI_OPT_OUTPUT, &o, cli_record_option, &rec);
    long id = 0;
    if (!status && !o.help && (!o.file || !en_parse_long(o.file, 1, 9007199254740991L, &id))) {
        fprintf(stderr, "entente show: error: %s (see 'entente show --help')\n",
                o.file ? "RUN_ID must be a positive integer" : "missing RUN_ID");
        status = CLI_BAD_INPUT;
    }
    if (cli_stop_early(&o, &status, usage)) return status;
    const char *path = cli_record_path(&rec);
    if (!path) {
        fprintf(stderr, "entente show: error: no run store: give --db FILE or set ENTENTE_DB\n");
        cli_options_free(&o);
        return CLI_BAD_INPUT;
    }
    en_error err = EN_ERROR_INIT;
    en_store *store = NULL;
    en_store_loaded *l = NULL;
    if (en_store_open(path, &store, &err) == EN_OK && en_store_load(store, id, &l, &err) == EN_OK) {
        FILE *out = cli_output_open(&o, &err);
        if (out) {
            en_status st;
            if (l->analysis_count && o.format != EN_OUTPUT_JSON)
                fprintf(stderr, "entente show: note: run %ld is a recorded %s analysis, kept as its "
                                "JSON output; printing that\n", id, l->command);
            if (l->analysis_count) st = write_analysis(l, out, &err);
            else if (strcmp(l->command, "run") == 0 && l->result_count == 1)
                st = en_result_write(l->results[0], o.format, out, &err);
            else st = en_compare_write(l->scenario, l->results, l->result_count, o.format, out, &err);
            cli_output_close(&o, out, st == EN_OK, &err);
        }
    }
    en_store_loaded_free(l);
    en_store_close(store);
    cli_options_free(&o);
    return err.code == EN_OK ? CLI_OK : cli_fail(&err);
}
