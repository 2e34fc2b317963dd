/*
 * store.h — the run store: every run, compare, Monte Carlo, sensitivity or war-layer analysis
 * recorded in one SQLite file (docs/run-store.md has the schema and example queries).
 *
 * One file holds many runs. Each run is written in a single transaction at its end, so a
 * process killed mid-write leaves the earlier runs and a consistent file (WAL journal); several
 * processes may write the same file at once (each waits for the others' transactions through
 * SQLite's busy timeout). The store keeps what is needed to print a run again exactly as the
 * command did: the scenario text (and its SHA-256), the effective parameters, every round's
 * positions, the model extras (JSON) and the story lines; analyses are kept as JSON documents.
 * Layer: store/ sits above models/ and analysis/; it never runs a model.
 */
#ifndef ENTENTE_STORE_STORE_H
#define ENTENTE_STORE_STORE_H

#include <stdint.h>
#include <stdio.h>

#include "core/node.h"
#include "entente.h"

/* Schema version this build writes; older files are migrated on open, newer ones refused. */
#define EN_STORE_SCHEMA_VERSION 1
/* SQLite's application_id of every run store entente creates ('ENTE'): a file with another id,
 * or with tables of its own and no entente schema, is refused rather than written to. */
#define EN_STORE_APPLICATION_ID 0x454E5445

typedef struct en_store en_store;

/* Opens (creating if needed) and migrates the store at `path`. */
en_status en_store_open(const char *path, en_store **out, en_error *err);
void en_store_close(en_store *store);

/* A named analysis document (Monte Carlo quantiles and histograms, sensitivity rows, war-layer
 * series): `kind` says which ("montecarlo", "sensitivity", "war", ...), `json` is the
 * analysis's own JSON output, stored byte for byte so `show` prints it unchanged. */
typedef struct en_store_analysis {
    const char *kind;
    const char *json;
} en_store_analysis;

/* What one command produced. `scenario_text` is the bytes the scenario was loaded from; the
 * source texts (one per scenario source, NULL where unreadable) let a report cite them after
 * the files have moved. Times are ISO-8601 UTC (en_store_now). */
typedef struct en_store_run {
    const char *command; /* "run", "compare", "mc", "sensitivity", "war" */
    const en_scenario *scenario;
    const char *scenario_text;
    size_t scenario_length;
    const en_load_options *load;
    const en_params *params; /* as given on the command line */
    char **source_texts;
    const char *started_at;
    const char *finished_at;
    en_result *const *results;
    size_t result_count;
    const en_store_analysis *analyses;
    size_t analysis_count;
} en_store_run;

/* Writes the run in one transaction; *run_id receives its id. */
en_status en_store_save(en_store *store, const en_store_run *run, int64_t *run_id, en_error *err);

/* Test hook: called inside the save transaction after the results are written and before the
 * commit (the crash-safety test kills the process there). NULL by default. */
void en_store_set_commit_hook(en_store *store, void (*hook)(void *state), void *state);

/* A run read back: the scenario re-loaded from the stored text, the results rebuilt from the
 * stored rows, the analyses parsed back into trees. */
typedef struct en_store_loaded {
    int64_t id;
    char *command;
    char *version;
    char *started_at, *finished_at;
    char *scenario_sha256;
    en_scenario *scenario;
    en_result **results;
    size_t result_count;
    char **source_texts; /* per scenario source, NULL where not stored */
    char **analysis_kinds;
    char **analysis_json; /* as stored */
    en_node **analyses;   /* parsed (NULL if the stored text is not JSON) */
    size_t analysis_count;
} en_store_loaded;

en_status en_store_load(en_store *store, int64_t run_id, en_store_loaded **out, en_error *err);
void en_store_loaded_free(en_store_loaded *loaded);

/* Writes the table of runs (id, command, models, scenario, started, duration) for `entente runs`. */
en_status en_store_list(en_store *store, FILE *out, en_error *err);

/* Current time as ISO-8601 UTC with milliseconds ("2024-05-01T12:00:00.123Z"); out >= 32. */
void en_store_now(char *out, size_t size);

/* Hex SHA-256 of a byte string (65 bytes with the terminator). */
void en_store_sha256(const void *data, size_t length, char hex[65]);

/* Reads a whole file (binary-safe, NUL-terminated); NULL if unreadable. */
char *en_store_read_file(const char *path, size_t *length);

/* Texts of the scenario's sources, read by en_sources_read (io/sources.h: inside the scenario
 * file's folder, regular UTF-8 files of bounded size); an entry is NULL when the file cannot or
 * may not be read. Free with en_store_free_texts. Time complexity: O(total size of the files). */
char **en_store_read_sources(const en_scenario *scenario);
void en_store_free_texts(char **texts, size_t count);

#endif
