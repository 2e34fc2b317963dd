/*
 * test_store.c — the run store (src/store/): a stored run reads back to the same output as the
 * run itself (every model, every format); row counts match the result; a process killed with
 * SIGKILL while writing leaves a consistent file with every earlier run intact and no partial
 * run; two processes writing the same file at once both succeed; the schema is versioned.
 * Crash and concurrency cases fork real processes: the child really dies mid-transaction.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/node.h"
#include "core/result.h"
#include "core/scenario.h"
#include "store/json_read.h"
#include "store/store.h"
#include "support/scenario_fixture.h"

#define SCENARIO ENTENTE_SOURCE_DIR "/scenarios/ukraine-2023.yaml"

typedef struct fixture {
    char dir[64];
    char db[128];
    en_scenario *scenario;
    char *text;
    size_t length;
    char **sources;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/entente-store-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->db, sizeof f->db, "%s/runs.db", f->dir);
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load(SCENARIO, NULL, &f->scenario, &err) != EN_OK) return -1;
    f->text = en_store_read_file(SCENARIO, &f->length);
    f->sources = en_store_read_sources(f->scenario);
    *state = f;
    return f->text ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char command[160];
    snprintf(command, sizeof command, "rm -rf '%s'", f->dir);
    if (system(command) != 0) return -1;
    en_store_free_texts(f->sources, f->scenario->source_count);
    en_scenario_free(f->scenario);
    free(f->text);
    free(f);
    return 0;
}

/* NULL when the model cannot run on this scenario (e.g. war without a war: section). */
static en_result *try_model(fixture *f, const en_model *model)
{
    en_error err = EN_ERROR_INIT;
    en_result *r = NULL;
    if (en_run(model, f->scenario, NULL, &r, &err) == EN_OK) return r;
    en_error_clear(&err);
    return NULL;
}

static en_result *run_model(fixture *f, const char *name)
{
    en_result *r = try_model(f, en_model_find(name));
    assert_non_null(r);
    return r;
}

static int64_t save(fixture *f, en_store *st, const char *command, en_result *const *results,
                    size_t count)
{
    en_store_run run = {.command = command,
                        .scenario = f->scenario,
                        .scenario_text = f->text,
                        .scenario_length = f->length,
                        .source_texts = f->sources,
                        .started_at = "2024-01-01T00:00:00.000Z",
                        .finished_at = "2024-01-01T00:00:01.000Z",
                        .results = results,
                        .result_count = count};
    en_error err = EN_ERROR_INIT;
    int64_t id = 0;
    en_status st_code = en_store_save(st, &run, &id, &err);
    if (st_code != EN_OK) en_error_print(&err, stderr);
    assert_int_equal(st_code, EN_OK);
    return id;
}

/* One SQL number from the file, read with a fresh connection (not the store's). */
static long long query(const char *db, const char *sql)
{
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(conn, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    long long value = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(conn);
    return value;
}

static int integrity_ok(const char *db)
{
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(conn, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
    int ok = sqlite3_step(q) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0;
    sqlite3_finalize(q);
    sqlite3_close(conn);
    return ok;
}

static size_t position_rows(const en_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->issue_count; i++) n += r->issues[i].round_count * r->issues[i].participant_count;
    return n;
}

/* Every registered model: stored and rebuilt, the run prints the same text, JSON and CSV. */
static void test_round_trip_every_model(void **state)
{
    fixture *f = *state;
    en_store *st = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_store_open(f->db, &st, &err), EN_OK);
    long long stored = 0;
    for (size_t m = 0; m < en_model_count(); m++) {
        en_result *r = try_model(f, en_model_at(m));
        if (!r) continue;
        stored++;
        int64_t id = save(f, st, "run", &r, 1);
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM position p JOIN result r ON r.id = p.result_id WHERE r.run_id = %lld", (long long)id);
        assert_int_equal(query(f->db, sql), (long long)position_rows(r));
        en_store_loaded *l = NULL;
        assert_int_equal(en_store_load(st, id, &l, &err), EN_OK);
        assert_int_equal(l->result_count, 1);
        assert_string_equal(l->command, "run");
        for (int format = EN_OUTPUT_TEXT; format <= EN_OUTPUT_CSV; format++) {
            char *a = fixture_result_text(r, (en_output_format)format), *b = fixture_result_text(l->results[0], (en_output_format)format);
            assert_string_equal(a, b);
            free(a);
            free(b);
        }
        for (size_t k = 0; k < f->scenario->source_count; k++) {
            if (f->sources[k]) assert_string_equal(l->source_texts[k], f->sources[k]);
            else assert_null(l->source_texts[k]);
        }
        en_store_loaded_free(l);
        en_result_free(r);
    }
    /* One scenario row for all those runs: it is keyed by the file's hash. */
    assert_int_equal(query(f->db, "SELECT count(*) FROM scenario"), 1);
    assert_true(stored >= 3); /* at least the baseline models */
    assert_int_equal(query(f->db, "SELECT count(*) FROM run"), stored);
    en_store_close(st);
    assert_true(integrity_ok(f->db));
}

/* The stored hash is the SHA-256 of the bytes (checked against a known vector, then the file). */
static void test_sha256(void **state)
{
    (void)state;
    char hex[65];
    en_store_sha256("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_unknown_run(void **state)
{
    fixture *f = *state;
    en_store *st = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_store_open(f->db, &st, &err), EN_OK);
    en_store_loaded *l = NULL;
    assert_int_equal(en_store_load(st, 42, &l, &err), EN_ERROR_INPUT);
    assert_null(l);
    en_error_clear(&err);
    en_store_close(st);
}

/* A file from a newer entente is refused; reopening a current file adds no version row. */
static void test_schema_versions(void **state)
{
    fixture *f = *state;
    en_store *st = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_store_open(f->db, &st, &err), EN_OK);
    en_store_close(st);
    assert_int_equal(en_store_open(f->db, &st, &err), EN_OK);
    en_store_close(st);
    assert_int_equal(query(f->db, "SELECT count(*) FROM schema_version"), EN_STORE_SCHEMA_VERSION);
    assert_int_equal(query(f->db, "SELECT max(version) FROM schema_version"), EN_STORE_SCHEMA_VERSION);
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(f->db, &conn), SQLITE_OK);
    assert_int_equal(sqlite3_exec(conn, "INSERT INTO schema_version VALUES (99, 'future')", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(conn);
    assert_int_equal(en_store_open(f->db, &st, &err), EN_ERROR_INPUT);
    assert_non_null(strstr(err.message, "newer"));
    en_error_clear(&err);
}

static void json_round_trip(const char *text)
{
    en_node *node = en_json_parse(text);
    assert_non_null(node);
    en_buffer b = {0};
    en_json_write_node(&b, node);
    assert_string_equal(b.data, text);
    en_buffer_free(&b);
    en_node_free(node);
}

static void test_json_read(void **state)
{
    (void)state;
    json_round_trip("{\"a\": [1, -2.5, 0.1, 1e-300, true, false, null], \"b\": {\"c\": \"x\\\"y\\n\\u0001\"}}");
    json_round_trip("[]");
    json_round_trip("\"Zürich – ok\"");
    assert_null(en_json_parse("{\"a\": }"));
    assert_null(en_json_parse("[1, 2"));
    assert_null(en_json_parse("1 2"));
}

/* ---- crash safety ------------------------------------------------------------------------- */

static int ready_pipe[2];

/* Runs inside the child's save transaction, after every row is written, before COMMIT. */
static void pause_before_commit(void *state)
{
    (void)state;
    char byte = 'x';
    if (write(ready_pipe[1], &byte, 1) != 1) _exit(3);
    for (;;) pause(); /* the parent kills us here */
}

static void test_sigkill_mid_transaction(void **state)
{
    fixture *f = *state;
    en_result *r = run_model(f, "compromise");
    en_store *st = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_store_open(f->db, &st, &err), EN_OK);
    save(f, st, "run", &r, 1);
    save(f, st, "run", &r, 1);
    en_store_close(st);
    assert_int_equal(pipe(ready_pipe), 0);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        en_store *cs = NULL;
        en_error cerr = EN_ERROR_INIT;
        if (en_store_open(f->db, &cs, &cerr) != EN_OK) _exit(2);
        en_store_set_commit_hook(cs, pause_before_commit, NULL);
        /* A compare-sized run: several results, so the transaction spans many pages. */
        en_result *many[4] = {r, r, r, r};
        save(f, cs, "compare", many, 4);
        _exit(4); /* not reached: the hook never returns */
    }
    char byte;
    assert_int_equal(read(ready_pipe[0], &byte, 1), 1);
    assert_int_equal(kill(child, SIGKILL), 0);
    int wstatus;
    assert_int_equal(waitpid(child, &wstatus, 0), child);
    assert_true(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
    close(ready_pipe[0]);
    close(ready_pipe[1]);

    assert_true(integrity_ok(f->db));
    assert_int_equal(query(f->db, "SELECT count(*) FROM run"), 2);
    assert_int_equal(query(f->db, "SELECT count(*) FROM result"), 2);
    assert_int_equal(query(f->db, "SELECT count(*) FROM position"), 2 * (long long)position_rows(r));
    /* The file is still usable: the next run gets the next id and reads back. */
    assert_int_equal(en_store_open(f->db, &st, &err), EN_OK);
    int64_t id = save(f, st, "run", &r, 1);
    assert_int_equal(id, 3);
    en_store_loaded *l = NULL;
    assert_int_equal(en_store_load(st, 1, &l, &err), EN_OK);
    char *a = fixture_result_text(r, EN_OUTPUT_JSON), *b = fixture_result_text(l->results[0], EN_OUTPUT_JSON);
    assert_string_equal(a, b);
    free(a);
    free(b);
    en_store_loaded_free(l);
    en_store_close(st);
    en_result_free(r);
}

/* A child saving runs in a loop is killed at an arbitrary moment, several times: whatever the
 * moment, every stored run is complete (all its position rows) and the file passes the check. */
static void test_sigkill_at_random_moments(void **state)
{
    fixture *f = *state;
    en_result *r = run_model(f, "compromise");
    const long long per_run = (long long)position_rows(r);
    /* The file exists with its schema before the first kill: on a loaded machine a child can
     * be killed before it has created anything, and then there is nothing to check. */
    en_store *created = NULL;
    en_error created_err = EN_ERROR_INIT;
    assert_int_equal(en_store_open(f->db, &created, &created_err), EN_OK);
    en_store_close(created);
    /* Five kills, and more (each later) until some run has been stored: on a loaded machine
     * the first children may die before their first commit. */
    for (int attempt = 0;
         attempt < 5 || (attempt < 60 && query(f->db, "SELECT count(*) FROM run") == 0);
         attempt++) {
        fflush(NULL);
        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
            en_store *cs = NULL;
            en_error cerr = EN_ERROR_INIT;
            if (en_store_open(f->db, &cs, &cerr) != EN_OK) _exit(2);
            for (;;) save(f, cs, "run", &r, 1);
        }
        struct timespec delay = {0, 20000000L + 7000000L * attempt};
        nanosleep(&delay, NULL);
        assert_int_equal(kill(child, SIGKILL), 0);
        int wstatus;
        assert_int_equal(waitpid(child, &wstatus, 0), child);
        assert_true(WIFSIGNALED(wstatus));
        assert_true(integrity_ok(f->db));
        long long runs = query(f->db, "SELECT count(*) FROM run");
        assert_int_equal(query(f->db, "SELECT count(*) FROM position"), runs * per_run);
        assert_int_equal(query(f->db, "SELECT count(*) FROM run WHERE id NOT IN (SELECT run_id FROM result)"), 0);
    }
    assert_true(query(f->db, "SELECT count(*) FROM run") > 0);
    en_result_free(r);
}

/* Two processes write the same file at the same time: both succeed, nothing is lost. */
static void test_concurrent_writers(void **state)
{
    fixture *f = *state;
    enum { WRITERS = 2, RUNS_EACH = 25 };
    en_result *r = run_model(f, "compromise");
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t children[WRITERS];
    fflush(NULL);
    for (int w = 0; w < WRITERS; w++) {
        children[w] = fork();
        assert_true(children[w] >= 0);
        if (children[w] == 0) {
            char byte;
            close(go[1]);
            if (read(go[0], &byte, 1) != 0) _exit(5); /* wait until the parent closes: a common start */
            en_store *cs = NULL;
            en_error cerr = EN_ERROR_INIT;
            if (en_store_open(f->db, &cs, &cerr) != EN_OK) {
                en_error_print(&cerr, stderr);
                _exit(2);
            }
            for (int k = 0; k < RUNS_EACH; k++) {
                en_store_run run = {.command = w ? "compare" : "run", .scenario = f->scenario,
                                    .scenario_text = f->text, .scenario_length = f->length,
                                    .source_texts = f->sources, .started_at = "x", .finished_at = "x",
                                    .results = &r, .result_count = 1};
                int64_t id;
                if (en_store_save(cs, &run, &id, &cerr) != EN_OK) {
                    en_error_print(&cerr, stderr);
                    _exit(3);
                }
            }
            en_store_close(cs);
            _exit(0);
        }
    }
    close(go[0]);
    close(go[1]);
    for (int w = 0; w < WRITERS; w++) {
        int wstatus;
        assert_int_equal(waitpid(children[w], &wstatus, 0), children[w]);
        assert_true(WIFEXITED(wstatus));
        assert_int_equal(WEXITSTATUS(wstatus), 0);
    }
    assert_true(integrity_ok(f->db));
    assert_int_equal(query(f->db, "SELECT count(*) FROM run WHERE command = 'run'"), RUNS_EACH);
    assert_int_equal(query(f->db, "SELECT count(*) FROM run WHERE command = 'compare'"), RUNS_EACH);
    assert_int_equal(query(f->db, "SELECT count(*) FROM position"), WRITERS * RUNS_EACH * (long long)position_rows(r));
    assert_int_equal(query(f->db, "SELECT count(*) FROM scenario"), 1);
    en_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip_every_model, setup, teardown),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_json_read),
        cmocka_unit_test_setup_teardown(test_unknown_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigkill_mid_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigkill_at_random_moments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
