/*
 * test_store_ownership.c — the run store refuses SQLite files that are not entente's (store.c,
 * check_ownership): another program's database (its own tables, or its own application_id) is
 * left exactly as it was (no entente tables, journal mode unchanged, not switched to WAL); a
 * new file and a store from before the application_id was set become marked stores.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"

static char *temp_path(const char *name)
{
    const char *dir = getenv("TMPDIR");
    char *path = malloc(512);
    snprintf(path, 512, "%s/entente-ownership-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(), name);
    unlink(path);
    return path;
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static long long query(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    long long value = -1;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW) value = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return value;
}

static char *query_text(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    char *value = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW) value = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
    return value;
}

static void assert_refused(const char *path, const char *expected_words)
{
    en_store *st = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_store_open(path, &st, &err), EN_ERROR_INPUT);
    assert_null(st);
    assert_non_null(strstr(err.message, expected_words));
    en_error_clear(&err);
    /* Untouched: no entente table, still in rollback-journal mode. */
    assert_int_equal(query(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('run', 'schema_version')"), 0);
    char *mode = query_text(path, "PRAGMA journal_mode");
    assert_string_equal(mode, "delete");
    free(mode);
}

static void test_foreign_tables_refused(void **state)
{
    (void)state;
    char *path = temp_path("foreign.db");
    exec_sql(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); "
                   "INSERT INTO customers VALUES (1, 'Ada');");
    assert_refused(path, "not an entente run store");
    assert_int_equal(query(path, "SELECT count(*) FROM customers"), 1);
    assert_int_equal(query(path, "PRAGMA application_id"), 0);
    unlink(path);
    free(path);
}

static void test_foreign_application_id_refused(void **state)
{
    (void)state;
    char *path = temp_path("other-id.db");
    exec_sql(path, "PRAGMA application_id = 1196444237"); /* 'GPKG', a GeoPackage */
    assert_refused(path, "belongs to another program");
    assert_int_equal(query(path, "PRAGMA application_id"), 1196444237);
    unlink(path);
    free(path);
}

static void test_new_file_marked(void **state)
{
    (void)state;
    char *path = temp_path("new.db");
    en_store *st = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_store_open(path, &st, &err), EN_OK);
    en_store_close(st);
    assert_int_equal(query(path, "PRAGMA application_id"), 0x454E5445);
    /* Opened again: recognised by its id. */
    assert_int_equal(en_store_open(path, &st, &err), EN_OK);
    en_store_close(st);
    unlink(path);
    char *wal = malloc(strlen(path) + 8);
    sprintf(wal, "%s-wal", path);
    unlink(wal);
    sprintf(wal, "%s-shm", path);
    unlink(wal);
    free(wal);
    free(path);
}

static void test_store_without_id_adopted(void **state)
{
    (void)state;
    char *path = temp_path("legacy.db");
    /* A store as entente wrote it before it set an application_id: only its schema table. */
    exec_sql(path, "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)");
    en_store *st = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_store_open(path, &st, &err), EN_OK);
    en_store_close(st);
    assert_int_equal(query(path, "PRAGMA application_id"), 0x454E5445);
    assert_int_equal(query(path, "SELECT count(*) FROM sqlite_master WHERE name = 'run'"), 1);
    unlink(path);
    free(path);
}

static void test_not_sqlite_refused(void **state)
{
    (void)state;
    char *path = temp_path("text.db");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int k = 0; k < 40; k++) fputs("this is a text file, not a database\n", f);
    fclose(f);
    en_store *st = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_store_open(path, &st, &err), EN_ERROR_INPUT);
    assert_non_null(strstr(err.message, "not a database"));
    en_error_clear(&err);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_foreign_tables_refused),
        cmocka_unit_test(test_foreign_application_id_refused),
        cmocka_unit_test(test_new_file_marked),
        cmocka_unit_test(test_store_without_id_adopted),
        cmocka_unit_test(test_not_sqlite_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
