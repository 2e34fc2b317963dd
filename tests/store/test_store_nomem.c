/*
 * test_store_nomem.c — the run store when SQLite itself runs out of memory. Before SQLite
 * starts, this process gives it an allocator (SQLITE_CONFIG_MALLOC) whose n-th allocation from
 * a chosen moment fails; then opening a new store, saving, loading and listing run with
 * allocation n = 1, 2, ... failing in turn until the call makes fewer than n. A call whose
 * SQLite allocation failed must either succeed (SQLite recovers from some failures itself) or
 * return EN_ERROR_NOMEM; either way the file must pass SQLite's integrity check and hold
 * exactly the runs saved successfully, a failed open of a new file must leave no file, and
 * nothing may leak (SQLite's outstanding bytes are 0 once every connection is closed; the
 * ASan build's leak checker sees the rest).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <unistd.h>

#include "entente.h"

static sqlite3_mem_methods system_allocator;
static long countdown; /* > 0: that many SQLite allocations to go before one fails */
static int fired;

static int failing_now(void)
{
    if (countdown <= 0 || --countdown > 0) return 0;
    fired = 1;
    return 1;
}

static void *failing_malloc(int n) { return failing_now() ? NULL : system_allocator.xMalloc(n); }
static void *failing_realloc(void *p, int n) { return failing_now() ? NULL : system_allocator.xRealloc(p, n); }

/* Arms the n-th SQLite allocation from now to fail (0: off); returns whether the last armed
 * failure happened. */
static int fail_sqlite_allocation(long n)
{
    int was = fired;
    fired = 0;
    countdown = n;
    return was;
}

static const char scenario_yaml[] =
    "entente: 1\ntitle: three\nissues:\n"
    "  - {id: i1, scale: [0, 100]}\n"
    "actors:\n"
    "  - {id: A, capability: 1, positions: {i1: {position: 0, salience: 1}}}\n"
    "  - {id: B, capability: 2, positions: {i1: {position: 100, salience: 1}}}\n";

/* The runs in the file and whether SQLite finds it intact, read with SQLite directly. */
static long stored_runs(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM run", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

static void check_nomem(en_status st, en_error *err)
{
    if (st != EN_ERROR_NOMEM) en_error_print(err, stderr);
    assert_int_equal(st, EN_ERROR_NOMEM);
    en_error_clear(err);
}

static void store_survives_sqlite_allocation_failures(void **state)
{
    (void)state;
    char dir[] = "/tmp/entente-sqlite-nomem-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[80];
    snprintf(path, sizeof path, "%s/runs.db", dir);
    en_error err = EN_ERROR_INIT;
    en_scenario *s = NULL;
    assert_int_equal(en_scenario_load_buffer(scenario_yaml, strlen(scenario_yaml), "three.yaml", NULL, &s, &err),
                     EN_OK);
    en_result *result = NULL;
    assert_int_equal(en_run(en_model_find("compromise"), s, NULL, &result, &err), EN_OK);
    en_store_analysis analysis = {"montecarlo", "{\"draws\": 3}"};
    en_store_run run = {.command = "run", .scenario = s, .scenario_text = scenario_yaml,
                        .scenario_length = strlen(scenario_yaml), .started_at = "2026-01-01T00:00:00.000Z",
                        .finished_at = "2026-01-01T00:00:01.000Z", .results = &result, .result_count = 1,
                        .analyses = &analysis, .analysis_count = 1};

    size_t failures[4] = {0}, recovered = 0;
    en_store *st = NULL;
    for (long n = 1;; n++) { /* opening a new file */
        fail_sqlite_allocation(n);
        en_status status = en_store_open(path, &st, &err);
        int hit = fail_sqlite_allocation(0);
        if (status == EN_OK) {
            recovered += hit;
            assert_int_equal(err.code, EN_OK); /* a call that succeeds reports no problem */
            if (!hit) break;
            en_store_close(st);
            st = NULL;
            remove(path);
            continue;
        }
        assert_true(hit);
        check_nomem(status, &err);
        assert_null(st);
        assert_int_equal(access(path, F_OK), -1); /* no half-made store left behind */
        failures[0]++;
    }
    long saved = 0;
    for (long n = 1;; n++) {
        int64_t id = -1;
        fail_sqlite_allocation(n);
        en_status status = en_store_save(st, &run, &id, &err);
        int hit = fail_sqlite_allocation(0);
        if (status == EN_OK) {
            saved++;
            recovered += hit;
            assert_int_equal(err.code, EN_OK);
            assert_true(id > 0);
            assert_int_equal(stored_runs(path), saved);
            if (!hit) break;
            continue;
        }
        assert_true(hit);
        check_nomem(status, &err);
        assert_int_equal(id, 0);
        assert_int_equal(stored_runs(path), saved); /* nothing of the failed save */
        failures[1]++;
    }
    for (long n = 1;; n++) {
        en_store_loaded *loaded = (en_store_loaded *)&err;
        fail_sqlite_allocation(n);
        en_status status = en_store_load(st, 1, &loaded, &err);
        int hit = fail_sqlite_allocation(0);
        if (status == EN_OK) {
            recovered += hit;
            assert_int_equal(err.code, EN_OK);
            assert_int_equal(loaded->result_count, 1);
            assert_string_equal(loaded->analysis_json[0], analysis.json);
            en_store_loaded_free(loaded);
            if (!hit) break;
            continue;
        }
        if (!hit) en_error_print(&err, stderr);
        assert_true(hit);
        check_nomem(status, &err);
        assert_null(loaded);
        failures[2]++;
    }
    for (long n = 1;; n++) {
        FILE *f = tmpfile();
        fail_sqlite_allocation(n);
        en_status status = en_store_list(st, f, &err);
        int hit = fail_sqlite_allocation(0);
        long written = ftell(f);
        fclose(f);
        if (status == EN_OK) {
            recovered += hit;
            assert_int_equal(err.code, EN_OK);
            assert_true(written > 0);
            if (!hit) break;
            continue;
        }
        assert_true(hit);
        check_nomem(status, &err);
        assert_int_equal(written, 0); /* a failed list writes nothing */
        failures[3]++;
    }
    /* The store still works, and holds what was saved. */
    int64_t last = 0;
    assert_int_equal(en_store_save(st, &run, &last, &err), EN_OK);
    en_store_close(st);
    assert_int_equal(stored_runs(path), saved + 1);
    print_message("sqlite allocation failures: %zu open, %zu save, %zu load, %zu list; %zu recovered by "
                  "sqlite\n", failures[0], failures[1], failures[2], failures[3], recovered);
    assert_true(failures[0] > 10 && failures[1] > 10 && failures[2] > 0 && failures[3] > 0);
    assert_int_equal(sqlite3_memory_used(), 0); /* every connection closed, nothing left */

    en_result_free(result);
    en_scenario_free(s);
    char side[96];
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
        snprintf(side, sizeof side, "%s%s", path, suffixes[k]);
        unlink(side);
    }
    rmdir(dir);
}

int main(void)
{
    /* Before SQLite starts (the first sqlite3_ call that needs it): afterwards it is too late. */
    assert_int_equal(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &system_allocator), SQLITE_OK);
    sqlite3_mem_methods failing = system_allocator;
    failing.xMalloc = failing_malloc;
    failing.xRealloc = failing_realloc;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &failing) != SQLITE_OK) {
        fprintf(stderr, "this SQLite does not take an allocator\n");
        return 1;
    }
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
    if (sqlite3_initialize() != SQLITE_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(store_survives_sqlite_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
