/*
 * store.c — opening, migrating and writing the run store (reading is in store_load.c).
 *
 * Crash safety comes from SQLite, used the simple way: WAL journal, and everything a command
 * produced written in one IMMEDIATE transaction at the end of the command. A process killed at
 * any point leaves either the whole run or none of it. Concurrent writers serialise on the
 * database lock; the busy timeout makes a second writer wait instead of failing.
 */
#include "store/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/result.h"
#include "core/scenario.h"
#include "core/util.h"
#include "models/model.h"
#include "models/params.h"
#include "store/schema.h"
#include "store/store_internal.h"

/* How long a writer waits for another process's transaction before giving up. Runs are written
 * in milliseconds, so this only matters with many concurrent writers or a slow disk. */
enum { BUSY_TIMEOUT_MS = 60000 };

/* SQLite's own allocation failures (SQLITE_NOMEM, with or without an extended code) are
 * reported as EN_ERROR_NOMEM, whatever the caller would have called the failure. */
static en_status sqlite_code(int rc, en_status code)
{
    return (rc & 0xff) == SQLITE_NOMEM ? EN_ERROR_NOMEM : code;
}

en_status en_store_fail(en_store *st, en_status code, const char *what)
{
    return en_error_add(st->err, sqlite_code(sqlite3_errcode(st->db), code), st->path, 0, 0,
                        "run store: %s: %s", what, sqlite3_errmsg(st->db));
}

int en_store_exec(en_store *st, const char *sql)
{
    char *message = NULL;
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, &message);
    if (rc != SQLITE_OK) {
        en_error_add(st->err, sqlite_code(rc, EN_ERROR_INTERNAL), st->path, 0, 0, "run store: %s",
                     message ? message : sqlite3_errstr(rc));
    }
    sqlite3_free(message);
    return rc == SQLITE_OK;
}

/* Reads the schema version (0: none yet) into *version; returns SQLite's code of the first
 * failure, or SQLITE_OK. */
static int schema_version(en_store *st, int *version)
{
    sqlite3_stmt *q = NULL;
    *version = 0;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                                "name='schema_version'",
                                -1, &q, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(q);
    int exists = rc == SQLITE_ROW && sqlite3_column_int(q, 0) > 0;
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW) return rc;
    if (!exists) return SQLITE_OK;
    rc = sqlite3_prepare_v2(st->db, "SELECT max(version) FROM schema_version", -1, &q, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) *version = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* One integer query; -1 when it fails, with SQLite's code in *rc. */
static long long query_int(en_store *st, const char *sql, int *rc)
{
    sqlite3_stmt *q = NULL;
    long long value = -1;
    *rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
    if (*rc == SQLITE_OK) {
        *rc = sqlite3_step(q);
        if (*rc == SQLITE_ROW) value = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    return value;
}

/* Whether the open file may be used as a run store: one entente made (its application_id), one
 * made by an entente from before the id was set (its schema_version table, no other id), or an
 * empty database (a new file). Anything else belongs to another program: entente must not add
 * its tables to it or switch it to WAL. Runs inside migrate's transaction. */
static en_status check_ownership(en_store *st, int *adopt)
{
    *adopt = 0;
    int rc = SQLITE_OK, rc_ours = SQLITE_OK;
    long long id = query_int(st, "PRAGMA application_id", &rc);
    if (id == EN_STORE_APPLICATION_ID) return EN_OK;
    if (id < 0)
        return en_error_add(st->err, sqlite_code(rc, EN_ERROR_INPUT), st->path, 0, 0,
                            "run store: cannot read the file as SQLite: %s (expected an entente "
                            "run store or a new file name)", sqlite3_errmsg(st->db));
    if (id != 0)
        return en_error_add(st->err, EN_ERROR_INPUT, st->path, 0, 0,
                            "run store: this SQLite file belongs to another program "
                            "(application_id 0x%08llX, entente's is 0x%08X); refusing to add "
                            "tables to it (expected an entente run store or a new file name)",
                            (unsigned long long)id & 0xFFFFFFFFull, EN_STORE_APPLICATION_ID);
    long long objects = query_int(st, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'", &rc);
    long long ours = query_int(st, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'",
                               &rc_ours);
    if (objects < 0 || ours < 0)
        return en_error_add(st->err, sqlite_code(objects < 0 ? rc : rc_ours, EN_ERROR_INTERNAL), st->path, 0, 0,
                            "run store: cannot read the file's tables: %s", sqlite3_errmsg(st->db));
    if (objects == 0 || ours == 1) {
        *adopt = 1; /* a new file, or an entente store from before the id was set */
        return EN_OK;
    }
    return en_error_add(st->err, EN_ERROR_INPUT, st->path, 0, 0,
                        "run store: this SQLite file holds %lld tables or indexes that are not "
                        "an entente run store; refusing to add tables to it (expected an entente "
                        "run store or a new file name)", objects);
}

/* Brings the file to EN_STORE_SCHEMA_VERSION inside one transaction, so two processes opening a
 * new file at once cannot both create the tables. */
static en_status migrate(en_store *st)
{
    /* The first statement reads the file: a file that is not SQLite at all fails here. */
    int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return en_error_add(st->err, sqlite_code(rc, rc == SQLITE_NOTADB ? EN_ERROR_INPUT : EN_ERROR_INTERNAL),
                            st->path, 0, 0, "run store: cannot open: %s (expected an entente run "
                            "store or a new file name)", sqlite3_errmsg(st->db));
    int adopt = 0;
    en_status owned = check_ownership(st, &adopt);
    if (owned != EN_OK) {
        en_store_exec(st, "ROLLBACK");
        return owned;
    }
    if (adopt) {
        char *pragma = en_xprintf("PRAGMA application_id=%d", (int)EN_STORE_APPLICATION_ID);
        int ok = en_store_exec(st, pragma);
        en_free(pragma);
        if (!ok) {
            en_store_exec(st, "ROLLBACK");
            return en_store_fail(st, EN_ERROR_INTERNAL, "cannot mark the file as an entente run store");
        }
    }
    int version;
    int rc_version = schema_version(st, &version);
    if (rc_version != SQLITE_OK) {
        en_status code = sqlite_code(rc_version, EN_ERROR_INTERNAL);
        en_error_add(st->err, code, st->path, 0, 0, "run store: cannot read the schema version: %s",
                     sqlite3_errstr(rc_version));
        en_store_exec(st, "ROLLBACK");
        return code;
    }
    size_t count = sizeof en_store_migrations / sizeof en_store_migrations[0];
    if (version > (int)count) {
        en_store_exec(st, "ROLLBACK");
        return en_error_add(st->err, EN_ERROR_INPUT, st->path, 0, 0,
                            "run store: schema version %d is newer than this entente "
                            "understands (%d): use a newer entente",
                            version, (int)count);
    }
    if (version == 0 &&
        !en_store_exec(st, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
                           "applied_at TEXT NOT NULL)")) {
        en_store_exec(st, "ROLLBACK");
        return EN_ERROR_INTERNAL;
    }
    for (int v = version; v < (int)count; v++) {
        char now[40];
        en_store_now(now, sizeof now);
        char *record = en_xprintf("INSERT INTO schema_version VALUES (%d, '%s')", v + 1, now);
        int ok = en_store_exec(st, en_store_migrations[v]) && en_store_exec(st, record);
        en_free(record);
        if (!ok) {
            en_store_exec(st, "ROLLBACK");
            return EN_ERROR_INTERNAL;
        }
    }
    return en_store_exec(st, "COMMIT") ? EN_OK : EN_ERROR_INTERNAL;
}

/* Switches the file to WAL. The switch needs exclusive access for a moment, and SQLite answers
 * SQLITE_BUSY at once — without calling the busy handler — when another process opening the file
 * at the same moment holds it (seen with several writers starting together), so wait here for up
 * to the busy timeout, as the busy handler would. Returns 1 on success (error recorded if not). */
static int set_wal(en_store *st)
{
    int waited = 0;
    for (;;) {
        char *message = NULL;
        int rc = sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, &message);
        if (rc == SQLITE_OK) {
            sqlite3_free(message);
            return 1;
        }
        if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) || waited >= BUSY_TIMEOUT_MS) {
            en_error_add(st->err, sqlite_code(rc, EN_ERROR_INTERNAL), st->path, 0, 0, "run store: %s",
                         message ? message : sqlite3_errstr(rc));
            sqlite3_free(message);
            return 0;
        }
        sqlite3_free(message);
        int slept = sqlite3_sleep(5); /* 5 ms, or what the VFS rounds it to */
        waited += slept > 0 ? slept : 5;
    }
}

en_status en_store_open_unguarded(const char *path, en_store **out, en_error *err)
{
    *out = NULL;
    en_store *st = en_xcalloc(1, sizeof *st);
    /* An unwind from here on closes the connection (no-op without a guard). */
    en_oom_track(st, en_store_release_connection);
    st->path = en_xstrdup(path);
    st->err = err;
    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        en_status code = sqlite_code(rc, EN_ERROR_INPUT);
        en_error_add(err, code, path, 0, 0, "run store: cannot open: %s",
                     st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        en_store_close(st);
        return code;
    }
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(st->db, 1);
    en_status status = migrate(st);
    /* WAL after the schema exists: switching needs a moment of exclusive access, which the busy
     * handler waits for. NORMAL sync is crash-safe in WAL mode (a power cut may lose the last
     * commit, never corrupt the file); a killed process loses nothing committed. */
    if (status == EN_OK &&
        !(set_wal(st) &&
          en_store_exec(st, "PRAGMA synchronous=NORMAL") &&
          en_store_exec(st, "PRAGMA foreign_keys=ON")))
        status = EN_ERROR_INTERNAL;
    if (status != EN_OK) {
        if (err->code == EN_OK) en_store_fail(st, EN_ERROR_INTERNAL, "cannot set up");
        en_store_close(st);
        return status;
    }
    st->err = NULL;
    *out = st;
    return EN_OK;
}

void en_store_release_connection(void *store)
{
    en_store *st = store;
    if (!st->db) return;
    sqlite3_stmt *q;
    while ((q = sqlite3_next_stmt(st->db, NULL))) sqlite3_finalize(q);
    sqlite3_close(st->db);
    st->db = NULL;
}

void en_store_close(en_store *st)
{
    if (!st) return;
    en_oom_untrack(st); /* a store that failed to open, inside the guard that tracked it */
    sqlite3_close(st->db);
    en_free(st->path);
    en_free(st);
}

void en_store_set_commit_hook(en_store *st, void (*hook)(void *state), void *state)
{
    st->commit_hook = hook;
    st->commit_hook_state = state;
}

/* ---- writing ------------------------------------------------------------------------------ */

static const char *format_name(en_input_format format)
{
    switch (format) {
    case EN_FORMAT_CSV: return "csv";
    case EN_FORMAT_DECIDE: return "decide";
    case EN_FORMAT_DEU: return "deu";
    default: return "yaml";
    }
}

/* Parameters as a JSON object of strings, in their order (en_params keeps insertion order). */
char *en_store_params_json(const en_params *params)
{
    en_buffer b = {0};
    en_buffer_puts(&b, "{");
    for (size_t i = 0; params && i < en_params_count(params); i++) {
        if (i) en_buffer_puts(&b, ", ");
        en_json_write_string(&b, en_params_name(params, i));
        en_buffer_puts(&b, ": ");
        en_json_write_string(&b, en_params_value(params, i));
    }
    en_buffer_puts(&b, "}");
    return b.data;
}

static char *node_json(const en_node *node)
{
    if (!node) return NULL;
    en_buffer b = {0};
    en_json_write_node(&b, node);
    return b.data;
}

typedef struct statements {
    sqlite3_stmt *result, *issue, *round, *position, *story;
} statements;

/* Every text is bound SQLITE_STATIC: the bytes outlive the statement's step (each step is
 * followed by a reset and the bindings cleared, or by finalize), and a static binding makes no
 * copy, so binding never allocates; a failed copy would bind NULL in silence (SQLite reports
 * an allocation failure of a bind only in the bind's return code). */
static void bind_text_or_null(sqlite3_stmt *q, int column, const char *text)
{
    if (text) sqlite3_bind_text(q, column, text, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, column);
}

/* Non-finite doubles are stored as NULL (SQLite would turn NaN into NULL anyway). */
static void bind_double(sqlite3_stmt *q, int column, double value)
{
    if (isfinite(value)) sqlite3_bind_double(q, column, value);
    else sqlite3_bind_null(q, column);
}

static int step_done(sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_DONE;
}

static int save_result(en_store *st, statements *q, int64_t run_id, int ord, const en_result *r)
{
    const en_scenario *s = r->scenario;
    char *params = en_store_params_json(r->params);
    char *extra = node_json(r->extra);
    sqlite3_bind_int64(q->result, 1, run_id);
    sqlite3_bind_int(q->result, 2, ord);
    sqlite3_bind_text(q->result, 3, r->model->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q->result, 4, params, -1, SQLITE_STATIC);
    bind_text_or_null(q->result, 5, extra);
    int ok = step_done(q->result);
    en_free(params);
    en_free(extra);
    if (!ok) return 0;
    int64_t result_id = sqlite3_last_insert_rowid(st->db);
    for (size_t i = 0; ok && i < r->issue_count; i++) {
        const en_issue_result *ir = &r->issues[i];
        char *issue_extra = node_json(ir->extra);
        sqlite3_bind_int64(q->issue, 1, result_id);
        sqlite3_bind_int(q->issue, 2, (int)i);
        sqlite3_bind_int(q->issue, 3, (int)ir->issue);
        sqlite3_bind_text(q->issue, 4, s->issues[ir->issue].id, -1, SQLITE_STATIC);
        bind_double(q->issue, 5, ir->forecast);
        sqlite3_bind_text(q->issue, 6, ir->stop_reason, -1, SQLITE_STATIC);
        bind_text_or_null(q->issue, 7, issue_extra);
        ok = step_done(q->issue);
        en_free(issue_extra);
        for (size_t k = 0; ok && k < ir->round_count; k++) {
            const en_round *round = &ir->rounds[k];
            char *round_extra = node_json(round->extra);
            sqlite3_bind_int64(q->round, 1, result_id);
            sqlite3_bind_int(q->round, 2, (int)i);
            sqlite3_bind_int(q->round, 3, round->round);
            bind_double(q->round, 4, round->mean);
            bind_double(q->round, 5, round->median);
            bind_text_or_null(q->round, 6, round_extra);
            ok = step_done(q->round);
            en_free(round_extra);
            for (size_t p = 0; ok && p < ir->participant_count; p++) {
                sqlite3_bind_int64(q->position, 1, result_id);
                sqlite3_bind_int(q->position, 2, (int)i);
                sqlite3_bind_int(q->position, 3, round->round);
                sqlite3_bind_int(q->position, 4, (int)ir->participants[p]);
                sqlite3_bind_text(q->position, 5, s->actors[ir->participants[p]].id, -1,
                                  SQLITE_STATIC);
                bind_double(q->position, 6, round->positions[p]);
                ok = step_done(q->position);
            }
        }
    }
    for (size_t k = 0; ok && k < r->story_count; k++) {
        const en_story_line *line = &r->story[k];
        sqlite3_bind_int64(q->story, 1, result_id);
        sqlite3_bind_int(q->story, 2, (int)k);
        sqlite3_bind_int(q->story, 3, line->round);
        if (line->issue >= 0) sqlite3_bind_int64(q->story, 4, line->issue);
        else sqlite3_bind_null(q->story, 4);
        sqlite3_bind_text(q->story, 5, line->text, -1, SQLITE_STATIC);
        ok = step_done(q->story);
    }
    return ok;
}

/* The scenario row, shared by every run of the same file content (keyed by SHA-256). */
static int save_scenario(en_store *st, const en_store_run *run, int64_t *scenario_id)
{
    const en_scenario *s = run->scenario;
    char hash[65];
    en_store_sha256(run->scenario_text, run->scenario_length, hash);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT id FROM scenario WHERE sha256 = ?", -1, &q, NULL) != SQLITE_OK)
        return 0;
    /* A failed lookup (SQLite out of memory, say) is a failure, not "not stored yet". */
    int rc = sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(q);
    int found = rc == SQLITE_ROW;
    if (found) *scenario_id = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    if (found) return 1;
    if (rc != SQLITE_DONE) return 0;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO scenario (sha256, path, format, title, text) "
                           "VALUES (?, ?, ?, ?, ?)",
                           -1, &q, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, s->path ? s->path : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, format_name(s->format), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, en_scenario_title(s), -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 5, run->scenario_text, (int)run->scenario_length, SQLITE_STATIC);
    int ok = sqlite3_step(q) == SQLITE_DONE;
    sqlite3_finalize(q);
    if (!ok) return 0;
    *scenario_id = sqlite3_last_insert_rowid(st->db);
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO scenario_source VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &q,
                           NULL) != SQLITE_OK)
        return 0;
    for (size_t k = 0; ok && k < s->source_count; k++) {
        const char *text = run->source_texts ? run->source_texts[k] : NULL;
        char source_hash[65];
        if (text) en_store_sha256(text, strlen(text), source_hash);
        sqlite3_bind_int64(q, 1, *scenario_id);
        sqlite3_bind_int(q, 2, (int)k);
        sqlite3_bind_text(q, 3, s->sources[k].id, -1, SQLITE_STATIC);
        bind_text_or_null(q, 4, s->sources[k].file);
        bind_text_or_null(q, 5, s->sources[k].url);
        bind_text_or_null(q, 6, text ? source_hash : NULL);
        bind_text_or_null(q, 7, text);
        ok = step_done(q);
    }
    sqlite3_finalize(q);
    return ok;
}

static int save_run_row(en_store *st, const en_store_run *run, int64_t scenario_id, int64_t *run_id)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO run (command, scenario_id, entente_version, params, seed, "
                           "scale_min, scale_max, started_at, finished_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &q, NULL) != SQLITE_OK)
        return 0;
    char *params = en_store_params_json(run->params);
    const char *seed = run->params ? en_params_get(run->params, "seed") : NULL;
    sqlite3_bind_text(q, 1, run->command, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, scenario_id);
    sqlite3_bind_text(q, 3, en_version(), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, params, -1, SQLITE_STATIC);
    bind_text_or_null(q, 5, seed);
    if (run->load && run->load->has_scale) {
        sqlite3_bind_double(q, 6, run->load->scale_min);
        sqlite3_bind_double(q, 7, run->load->scale_max);
    }
    sqlite3_bind_text(q, 8, run->started_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 9, run->finished_at, -1, SQLITE_STATIC);
    int ok = sqlite3_step(q) == SQLITE_DONE;
    sqlite3_finalize(q);
    en_free(params);
    if (ok) *run_id = sqlite3_last_insert_rowid(st->db);
    return ok;
}

static int save_analyses(en_store *st, const en_store_run *run, int64_t run_id)
{
    if (!run->analysis_count) return 1;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "INSERT INTO analysis VALUES (?, ?, ?, ?)", -1, &q, NULL) != SQLITE_OK)
        return 0;
    int ok = 1;
    for (size_t k = 0; ok && k < run->analysis_count; k++) {
        const char *data = run->analyses[k].json;
        sqlite3_bind_int64(q, 1, run_id);
        sqlite3_bind_int(q, 2, (int)k);
        sqlite3_bind_text(q, 3, run->analyses[k].kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, data ? data : "null", -1, SQLITE_STATIC);
        ok = step_done(q);
    }
    sqlite3_finalize(q);
    return ok;
}

en_status en_store_save_unguarded(en_store *st, const en_store_run *run, int64_t *run_id, en_error *err)
{
    st->err = err;
    *run_id = 0;
    /* IMMEDIATE takes the write lock up front, so a concurrent writer waits here (busy
     * timeout) rather than failing half-way with SQLITE_BUSY on its first insert. */
    if (!en_store_exec(st, "BEGIN IMMEDIATE")) {
        st->err = NULL;
        return EN_ERROR_INTERNAL;
    }
    statements q = {0};
    int64_t scenario_id = 0, id = 0;
    int ok = save_scenario(st, run, &scenario_id) && save_run_row(st, run, scenario_id, &id);
    ok = ok &&
         sqlite3_prepare_v2(st->db, "INSERT INTO result (run_id, ord, model, params, extra) "
                                    "VALUES (?, ?, ?, ?, ?)", -1, &q.result, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2(st->db, "INSERT INTO issue_result VALUES (?, ?, ?, ?, ?, ?, ?)", -1,
                            &q.issue, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2(st->db, "INSERT INTO round VALUES (?, ?, ?, ?, ?, ?)", -1, &q.round,
                            NULL) == SQLITE_OK &&
         sqlite3_prepare_v2(st->db, "INSERT INTO position VALUES (?, ?, ?, ?, ?, ?)", -1,
                            &q.position, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2(st->db, "INSERT INTO story VALUES (?, ?, ?, ?, ?)", -1, &q.story,
                            NULL) == SQLITE_OK;
    for (size_t m = 0; ok && m < run->result_count; m++)
        ok = save_result(st, &q, id, (int)m, run->results[m]);
    ok = ok && save_analyses(st, run, id);
    sqlite3_finalize(q.result);
    sqlite3_finalize(q.issue);
    sqlite3_finalize(q.round);
    sqlite3_finalize(q.position);
    sqlite3_finalize(q.story);
    if (ok && st->commit_hook) st->commit_hook(st->commit_hook_state);
    if (!ok) {
        en_store_fail(st, EN_ERROR_INTERNAL, "cannot record the run");
        en_store_exec(st, "ROLLBACK");
        st->err = NULL;
        return EN_ERROR_INTERNAL;
    }
    if (!en_store_exec(st, "COMMIT")) {
        en_store_exec(st, "ROLLBACK");
        st->err = NULL;
        return EN_ERROR_INTERNAL;
    }
    st->err = NULL;
    *run_id = id;
    return EN_OK;
}
