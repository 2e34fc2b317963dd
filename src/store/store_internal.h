/*
 * store_internal.h — what store.c and store_load.c share: the store handle and SQL helpers.
 */
#ifndef ENTENTE_STORE_STORE_INTERNAL_H
#define ENTENTE_STORE_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

struct en_store {
    sqlite3 *db;
    char *path;
    en_error *err; /* where the current call reports problems */
    void (*commit_hook)(void *state);
    void *commit_hook_state;
    int step_failed; /* a row loop of the current call ended on an error (store_load.c), not at the end */
};

/* Reports the connection's last SQLite error as `what` and returns `code`. */
en_status en_store_fail(en_store *store, en_status code, const char *what);
/* Runs SQL without results; on failure reports it and returns 0. */
int en_store_exec(en_store *store, const char *sql);
/* Parameters as a JSON object of strings, in order (malloc'd). */
char *en_store_params_json(const en_params *params);

/* The bodies of the public store calls, which store_guard.c runs under an out-of-memory guard
 * (core/oom.h). */
en_status en_store_open_unguarded(const char *path, en_store **out, en_error *err);
en_status en_store_save_unguarded(en_store *store, const en_store_run *run, int64_t *run_id,
                                  en_error *err);
en_status en_store_load_unguarded(en_store *store, int64_t run_id, en_store_loaded **out,
                                  en_error *err);
en_status en_store_list_unguarded(en_store *store, FILE *out, en_error *err);
/* On an unwind inside en_store_open: closes the connection of a store being opened (the
 * handle itself is a guarded block, released with the others). */
void en_store_release_connection(void *store);

#endif
