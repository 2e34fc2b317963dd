/*
 * cli_record.c — the `--db FILE` hook every recording subcommand shares (run, compare, mc,
 * sensitivity, war): parse the option (or take ENTENTE_DB), open the store before the work
 * starts so a bad path fails fast, then write what the command produced in one transaction.
 * A subcommand adds recording with three calls; the store itself is in src/store/.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_mpi.h"

int cli_record_option(int argc, char **argv, int index, void *state)
{
    cli_record *rec = state;
    const char *arg = argv[index];
    if (strncmp(arg, "--db", 4) != 0) return 0;
    if (arg[4] == '=') {
        rec->db = arg + 5;
        return 1;
    }
    if (arg[4] != '\0') return 0;
    if (index + 1 >= argc) {
        fprintf(stderr, "entente %s: error: option --db needs a value (see 'entente %s --help')\n",
                argv[0], argv[0]);
        return -1;
    }
    rec->db = argv[index + 1];
    return 2;
}

const char *cli_record_path(const cli_record *rec)
{
    if (!cli_mpi_is_root()) return NULL; /* under mpirun only rank 0 records */
    if (rec->db && *rec->db) return rec->db;
    const char *env = getenv("ENTENTE_DB");
    return env && *env ? env : NULL;
}

int cli_record_begin(cli_record *rec, const cli_options *o)
{
    const char *path = cli_record_path(rec);
    if (!path) return CLI_OK;
    en_error err = EN_ERROR_INIT;
    if (en_store_open(path, &rec->store, &err) != EN_OK) return cli_fail(&err);
    en_store_now(rec->started_at, sizeof rec->started_at);
    /* The bytes the scenario is loaded from, read first so the stored hash is the file's. */
    const char *file = o->file ? o->file : cli_default_scenario();
    rec->scenario_text = en_store_read_file(file, &rec->scenario_length);
    if (!rec->scenario_text) {
        fprintf(stderr, "entente: error: %s: cannot read the scenario to record it\n", file);
        return CLI_BAD_INPUT;
    }
    return CLI_OK;
}

int cli_record_finish(cli_record *rec, const char *command, const cli_options *o,
                      const en_scenario *s, en_result *const *results, size_t count,
                      const char *analysis_kind, const char *analysis_json)
{
    if (!rec->store) return CLI_OK;
    en_error err = EN_ERROR_INIT;
    en_store_analysis doc = {analysis_kind, analysis_json};
    if (analysis_kind) {
        /* Checked here so the store only ever holds documents the report can read back. */
        en_node *analysis = en_json_parse(analysis_json);
        if (!analysis) {
            fprintf(stderr, "entente %s: error: cannot record the %s output: not JSON\n", command,
                    analysis_kind);
            return CLI_INTERNAL;
        }
        en_node_free(analysis);
    }
    char finished[40];
    en_store_now(finished, sizeof finished);
    int status = CLI_OK;
    char **sources = cli_read_sources(o, s, &status);
    if (!sources) return status;
    en_store_run run = {
        .command = command,
        .scenario = s,
        .scenario_text = rec->scenario_text,
        .scenario_length = rec->scenario_length,
        .load = &o->load,
        .params = o->params,
        .source_texts = sources,
        .started_at = rec->started_at,
        .finished_at = finished,
        .results = results,
        .result_count = count,
        .analyses = analysis_kind ? &doc : NULL,
        .analysis_count = analysis_kind ? 1 : 0,
    };
    int64_t id = 0;
    en_status st = en_store_save(rec->store, &run, &id, &err);
    en_store_free_texts(sources, en_scenario_source_count(s));
    if (st != EN_OK) return cli_fail(&err);
    fprintf(stderr, "entente: recorded run %lld in %s\n", (long long)id, cli_record_path(rec));
    return CLI_OK;
}

en_scenario *cli_start_model_run(cli_options *o, cli_record *record, const en_model **model,
                                 int *status)
{
    en_error err = EN_ERROR_INIT;
    *model = cli_model(o->model, "compromise", &err);
    en_scenario *s = NULL;
    if (!*model) *status = cli_fail(&err);
    else if (!(*status = cli_record_begin(record, o))) s = cli_load(o, status);
    if (!s) {
        cli_record_free(record);
        cli_options_free(o);
    }
    return s;
}

void cli_record_free(cli_record *rec)
{
    en_store_close(rec->store);
    rec->store = NULL;
    free(rec->scenario_text);
    rec->scenario_text = NULL;
}

char *cli_capture_json(cli_json_writer write, const void *result, en_error *err)
{
    char *text = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&text, &size);
    if (!m) {
        en_error_set(err, EN_ERROR_INTERNAL, "out of memory");
        return NULL;
    }
    en_status st = write(result, m, err);
    fclose(m);
    if (st == EN_OK) return text;
    free(text);
    return NULL;
}

int cli_record_analysis(cli_record *rec, const char *command, const char *kind,
                        const cli_options *o, const en_scenario *s, cli_json_writer write,
                        const void *result)
{
    if (!rec->store) return CLI_OK;
    en_error err = EN_ERROR_INIT;
    char *json = cli_capture_json(write, result, &err);
    if (!json) return cli_fail(&err);
    int status = cli_record_finish(rec, command, o, s, NULL, 0, kind, json);
    free(json);
    return status;
}
