/*
 * store_guard.c — the public run-store calls under an out-of-memory guard (core/oom.h): an
 * allocation that fails inside en_store_open, en_store_save, en_store_load or en_store_list
 * unwinds the call, which releases what it had allocated and returns EN_ERROR_NOMEM. SQLite's
 * own allocations are not ours: SQLite reports their failure as SQLITE_NOMEM, which the calls
 * record as EN_ERROR_NOMEM problems, and a call that failed with one returns EN_ERROR_NOMEM
 * (after rolling back, as for any failure). What an unwind must undo on the SQLite side is recorded here: the
 * statements the call had prepared are finalized and its open transaction rolled back, so a
 * failed save leaves nothing of the run in the file, like any other failed save. A store file
 * that en_store_open created is removed again when the open unwinds.
 */
#include <setjmp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/oom.h"
#include "core/util.h"
#include "entente.h"
#include "store/store_internal.h"

/* On an unwind inside a call on an open store: the store keeps no statements between calls,
 * so every statement on the connection is the call's; finalize them and roll back. */
static void release_call(void *store)
{
    en_store *st = store;
    sqlite3_stmt *q;
    while ((q = sqlite3_next_stmt(st->db, NULL))) sqlite3_finalize(q);
    if (!sqlite3_get_autocommit(st->db)) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->err = NULL;
}

/* A failed call's status: EN_ERROR_NOMEM when SQLite ran out of memory on the way (a problem
 * of that code recorded), else the call's own. */
__attribute__((noinline)) static en_status nomem_seen(const en_error *err, en_status status)
{
    if (status == EN_OK || status == EN_ERROR_NOMEM) return status;
    for (const en_error *e = err; e; e = e->next)
        if (e->code == EN_ERROR_NOMEM) return EN_ERROR_NOMEM;
    return status;
}

/* The call's status, after forgetting the release recorded for `st` (the call is over). */
__attribute__((noinline)) static en_status call_done(en_store *st, en_error *err, en_status status)
{
    en_oom_untrack(st);
    return nomem_seen(err, status);
}

/* Runs `call` on `st` under a guard with the release above recorded, and returns. */
#define GUARDED_STORE(st, err, on_unwind, call)                                          \
    do {                                                                                \
        en_status st_;                                                                  \
        EN_GUARDED(st_, err, on_unwind,                                                 \
                   (en_oom_track((st), release_call), call_done((st), (err), (call))));        \
        return st_;                                                                     \
    } while (0)

en_status en_store_save(en_store *st, const en_store_run *run, int64_t *run_id, en_error *err)
{
    GUARDED_STORE(st, err, *run_id = 0, en_store_save_unguarded(st, run, run_id, err));
}

en_status en_store_load(en_store *st, int64_t run_id, en_store_loaded **out, en_error *err)
{
    GUARDED_STORE(st, err, *out = NULL, en_store_load_unguarded(st, run_id, out, err));
}

en_status en_store_list(en_store *st, FILE *out, en_error *err)
{
    GUARDED_STORE(st, err, (void)0, en_store_list_unguarded(st, out, err));
}

/* A store file the open created, removed on an unwind (after the connection is closed: the
 * resources are released newest first). */
typedef struct created_file {
    const char *path;
} created_file;

static void remove_created(void *resource)
{
    const created_file *c = resource;
    static const char *const suffixes[] = {"-wal", "-shm", "-journal"};
    for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
        /* No guard is open during an unwind: plain malloc, and a failure only skips it. */
        size_t n = strlen(c->path) + strlen(suffixes[k]) + 1;
        char *side = malloc(n);
        if (side) {
            snprintf(side, n, "%s%s", c->path, suffixes[k]);
            unlink(side);
            free(side);
        }
    }
    unlink(c->path);
}

/* The open, with the file it would create recorded for removal while it runs (and removed
 * when the open fails). */
__attribute__((noinline)) static en_status open_recorded(const char *path, created_file *created, en_store **out, en_error *err)
{
    if (created) en_oom_track(created, remove_created);
    en_status st = en_store_open_unguarded(path, out, err);
    if (created) en_oom_untrack(created);
    /* A new file the open could not set up (SQLite out of memory half-way, say) is no store:
     * removed, as an unwind would. */
    if (created && st != EN_OK) remove_created(created);
    return nomem_seen(err, st);
}

en_status en_store_open(const char *path, en_store **out, en_error *err)
{
    created_file created = {path};
    created_file *recorded = access(path, F_OK) == 0 ? NULL : &created;
    en_status st;
    EN_GUARDED(st, err, *out = NULL, open_recorded(path, recorded, out, err));
    return st;
}
