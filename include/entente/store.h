/*
 * entente/store.h — the run store: every run, compare, Monte Carlo, sensitivity or war-layer
 * analysis recorded in one SQLite file (docs/run-store.md has the schema and example queries).
 * Included by entente.h.
 *
 * One file holds many runs. Each run is written in a single transaction at its end, so a
 * process killed mid-write leaves the earlier runs and a consistent file (WAL journal); several
 * processes may write the same file at once (each waits for the others' transactions through
 * SQLite's busy timeout). The store keeps what is needed to print a run again exactly as the
 * command did: the scenario text (and its SHA-256), the effective parameters, every round's
 * positions, the model extras (JSON) and the story lines; analyses are kept as JSON documents.
 */
/* entente.h first: it includes this header at its end, after its own declarations. */
#include "entente.h"
#ifndef ENTENTE_STORE_H
#define ENTENTE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "entente/node.h"

#ifdef __cplusplus
extern "C" {
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* Schema version this library writes; older files are migrated on open, newer ones refused. */
#define EN_STORE_SCHEMA_VERSION 1
/* SQLite's application_id of every run store entente creates ('ENTE'): a file with another id,
 * or with tables of its own and no entente schema, is refused rather than written to. */
#define EN_STORE_APPLICATION_ID 0x454E5445

/* An open run store (one SQLite connection). Use it from one thread at a time. */
typedef struct en_store en_store;

/* Opens (creating if needed) and migrates the store at `path`. On success *out is a new store
 * the caller closes with en_store_close; on failure *out is NULL. Errors: EN_ERROR_INPUT when
 * the file cannot be opened or created, is not an SQLite database, belongs to another program
 * (another application_id, or tables of its own) or was written by a newer entente (schema
 * version); EN_ERROR_INTERNAL when SQLite fails otherwise; EN_ERROR_NOMEM when memory runs out
 * (ours or SQLite's: SQLITE_NOMEM), as for every store call. A new file that could not be set
 * up is removed again.
 * Time complexity: O(1) for an existing store of the current schema; a migration is O(size). */
en_status en_store_open(const char *path, en_store **out, en_error *err);
/* Closes the store; NULL is allowed. Time complexity: O(1). */
void en_store_close(en_store *store);

/* A named analysis document (Monte Carlo quantiles and histograms, sensitivity rows, war-layer
 * series): `kind` says which ("montecarlo", "sensitivity", "war", ...), `json` is the
 * analysis's own JSON output, stored byte for byte so `entente show` prints it unchanged. */
typedef struct en_store_analysis {
    const char *kind;
    const char *json;
} en_store_analysis;

/* What one command produced; every pointer is borrowed for the call. `scenario_text` is the
 * bytes the scenario was loaded from; the source texts (one per scenario source, NULL where
 * unreadable; the whole array may be NULL) let a report cite them after the files have moved.
 * Times are ISO-8601 UTC (en_store_now). */
typedef struct en_store_run {
    const char *command; /* "run", "compare", "mc", "sensitivity", "war", ... */
    const en_scenario *scenario;
    const char *scenario_text;
    size_t scenario_length;
    const en_load_options *load; /* how the scenario text is to be loaded again (may be NULL) */
    const en_params *params;     /* as given on the command line (may be NULL) */
    char **source_texts;
    const char *started_at;
    const char *finished_at;
    en_result *const *results; /* the runs, all of `scenario` */
    size_t result_count;
    const en_store_analysis *analyses;
    size_t analysis_count;
} en_store_run;

/* Writes the run in one transaction; *run_id receives its id (0 on failure). Nothing of the run
 * is left in the file when it fails. Errors: EN_ERROR_INTERNAL when SQLite fails (disk full,
 * locked for longer than the busy timeout, read-only file); EN_ERROR_NOMEM when memory runs out
 * (ours or SQLite's).
 * Time complexity: O(scenario text + results × rounds × actors + analyses' size). */
en_status en_store_save(en_store *store, const en_store_run *run, int64_t *run_id, en_error *err);

/* A run read back: the scenario re-loaded from the stored text, the results rebuilt from the
 * stored rows, the analyses parsed back into trees. Everything is owned by the structure and
 * freed by en_store_loaded_free. */
typedef struct en_store_loaded {
    int64_t id;
    char *command;
    char *version; /* the entente version that wrote the run */
    char *started_at, *finished_at;
    char *scenario_sha256;
    en_scenario *scenario;
    en_result **results;
    size_t result_count;
    char **source_texts; /* source_count entries of the scenario, NULL where not stored */
    char **analysis_kinds;
    char **analysis_json; /* as stored */
    en_node **analyses;   /* parsed (NULL where the stored text is not JSON) */
    size_t analysis_count;
} en_store_loaded;

/* Reads run `run_id` back. On success *out is new (free with en_store_loaded_free); on failure
 * NULL. Errors: EN_ERROR_INPUT when there is no such run or its stored scenario no longer loads;
 * EN_ERROR_INTERNAL when SQLite fails; EN_ERROR_NOMEM when memory runs out (ours or SQLite's).
 * Time complexity: O(size of the run's rows). */
en_status en_store_load(en_store *store, int64_t run_id, en_store_loaded **out, en_error *err);
/* Frees a loaded run; NULL is allowed. Time complexity: O(size of the run). */
void en_store_loaded_free(en_store_loaded *loaded);

/* Writes the table of runs (id, command, models, scenario, started, duration) as `entente
 * runs` prints it. Errors: EN_ERROR_INTERNAL when SQLite or the stream fails; EN_ERROR_NOMEM when
 * memory runs out (nothing written).
 * Time complexity: O(runs + results). */
en_status en_store_list(en_store *store, FILE *out, en_error *err);

/* Writes the current time as ISO-8601 UTC with milliseconds ("2024-05-01T12:00:00.123Z") to
 * `out` (`size` >= 32 bytes). Time complexity: O(1). */
void en_store_now(char *out, size_t size);

/* Writes the hex SHA-256 of `length` bytes at `data` to `hex` (64 digits and a terminator).
 * Time complexity: O(length). */
void en_store_sha256(const void *data, size_t length, char hex[65]);

/* Reads a whole file (binary-safe) into a new NUL-terminated buffer the caller frees with
 * free(); *length (may be NULL) gets its size. Returns NULL when the file cannot be read or is
 * larger than the scenario loader accepts (64 MiB), and NULL with errno ENOMEM when memory runs
 * out (never a text cut short). Time complexity: O(file size). */
char *en_store_read_file(const char *path, size_t *length);

/* Texts of the scenario's sources, read as en_sources_read reads them (inside the scenario
 * file's folder, regular UTF-8 files of bounded size): en_scenario_source_count(scenario)
 * entries, NULL where the file cannot or may not be read. Problems are not reported (use
 * en_sources_read for them). Free with en_store_free_texts. NULL (errno ENOMEM) when memory
 * runs out.
 * Time complexity: O(total size of the files). */
char **en_store_read_sources(const en_scenario *scenario);
/* Frees `count` texts and the array; NULL is allowed. Time complexity: O(count). */
void en_store_free_texts(char **texts, size_t count);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif /* ENTENTE_STORE_H */
