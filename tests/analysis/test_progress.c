/*
 * test_progress.c — the progress callbacks of the item runner (distribute.c), sensitivity and
 * backtest: each finished item is told once, in order 1, 2, ..., total (never overlapping, even
 * with several threads), the last report is the total counted by hand from the scenario, and
 * the result writes the same bytes with and without a callback. Under an active distributor
 * nothing is reported.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/distribute.h"
#include "support/scenario_fixture.h"

/* Three actors; P and Q take part in both issues, R in issue a only. Inputs moved by the
 * sensitivity: 3 capabilities + salience and position per stance (2 + 2 + 1 stances) × 2 = 13;
 * two runs each, plus two runs per actor: 2 × 13 + 2 × 3 = 32. */
static const char yaml[] =
    "entente: 1\n"
    "title: progress\n"
    "issues:\n"
    "  - {id: a, scale: [0, 100], status_quo: 50, outcome: 55}\n"
    "  - {id: b, scale: [-1, 1], status_quo: 0, outcome: 0.2}\n"
    "actors:\n"
    "  - {id: P, capability: 3, veto: true, positions: {a: {position: 20, salience: 0.8}, b: {position: 0.5, salience: 0.2}}}\n"
    "  - {id: Q, capability: 1, positions: {a: {position: 80, salience: 0.5}, b: {position: -0.4, salience: 0.6}}}\n"
    "  - {id: R, capability: 2, positions: {a: {position: 60, salience: 0.4}}}\n";

typedef struct tally {
    pthread_mutex_t guard; /* only to detect overlapping calls */
    int overlapped;
    size_t calls, last_done, last_total, out_of_order;
} tally;

static void count_call(size_t done, size_t total, void *data)
{
    tally *t = data;
    /* A call that finds another one inside means the callbacks overlapped. */
    if (pthread_mutex_trylock(&t->guard) != 0) {
        t->overlapped = 1;
        return;
    }
    if (done != t->last_done + 1) t->out_of_order++;
    t->calls++;
    t->last_done = done;
    t->last_total = total;
    pthread_mutex_unlock(&t->guard);
}

static void tally_init(tally *t)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->guard, NULL);
}

/* Every one of `total` items was told once, in order, with the right total, and no call
 * overlapped another; then the tally is done with. */
static void tally_check_and_destroy(tally *t, size_t total)
{
    assert_int_equal(t->calls, total);
    assert_int_equal(t->last_done, total);
    assert_int_equal(t->last_total, total);
    assert_int_equal(t->out_of_order, 0);
    assert_int_equal(t->overlapped, 0);
    pthread_mutex_destroy(&t->guard);
}

/* ---- the item runner ---- */

static void square(void *context, void *state, size_t item, unsigned char *record)
{
    (void)context;
    (void)state;
    /* A little work so that threads really interleave. */
    volatile double x = 0;
    for (size_t k = 0; k < 2000 + (item % 7) * 500; k++) x += (double)k * 1e-9;
    unsigned long long v = (unsigned long long)item * item;
    memcpy(record, &v, sizeof v);
}

static void test_items_threads(void **state)
{
    (void)state;
    int context = 0;
    for (unsigned threads = 1; threads <= 4; threads *= 2) {
        tally t;
        tally_init(&t);
        en_item_job job = {0, 500, sizeof(unsigned long long), threads, &context, NULL, square, NULL,
                           count_call, &t};
        unsigned char *records = NULL;
        en_error err = EN_ERROR_INIT;
        assert_int_equal(en_distribute_items(&job, NULL, &records, &err), EN_OK);
        tally_check_and_destroy(&t, 500);
        for (size_t k = 0; k < 500; k++) {
            unsigned long long v;
            memcpy(&v, records + k * sizeof v, sizeof v);
            assert_int_equal(v, (unsigned long long)k * k);
        }
        free(records);
    }
}

/* A split run reports nothing (each process sees only its share). */
static int one_rank_gather(void *data, const void *mine, size_t bytes, void **all, size_t *all_bytes,
                           en_error *err)
{
    (void)data;
    (void)err;
    /* Pretends the other rank computed the same bytes: only the count matters here. */
    unsigned char *buffer = malloc(2 * bytes + 1);
    memcpy(buffer, mine, bytes);
    memcpy(buffer + bytes, mine, bytes);
    *all = buffer;
    *all_bytes = 2 * bytes;
    return EN_OK;
}

static void test_items_split_report_nothing(void **state)
{
    (void)state;
    int context = 0;
    tally t;
    tally_init(&t);
    en_distributor d = {0, 2, one_rank_gather, NULL};
    en_item_job job = {0, 10, sizeof(unsigned long long), 1, &context, NULL, square, NULL, count_call, &t};
    unsigned char *records = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_distribute_items(&job, &d, &records, &err), EN_OK);
    assert_int_equal(t.calls, 0);
    free(records);
    pthread_mutex_destroy(&t.guard);
}

/* ---- sensitivity and backtest ---- */

static char *as_text(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    size_t got = fread(text, 1, (size_t)n, f);
    text[got] = '\0';
    fclose(f);
    return text;
}

static char *sensitivity_json(const en_scenario *s, tally *t)
{
    en_sensitivity_options o;
    en_sensitivity_options_init(&o);
    assert_null(o.progress);
    if (t) {
        o.progress = count_call;
        o.progress_data = t;
    }
    en_sensitivity_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_sensitivity_run(en_model_find("eum"), s, NULL, &o, &r, &err), EN_OK);
    FILE *f = tmpfile();
    assert_int_equal(en_sensitivity_result_write(r, EN_OUTPUT_JSON, f, &err), EN_OK);
    en_sensitivity_result_free(r);
    return as_text(f);
}

static void test_sensitivity_progress(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(yaml);
    tally t;
    tally_init(&t);
    char *with = sensitivity_json(s, &t), *without = sensitivity_json(s, NULL);
    assert_string_equal(with, without);
    tally_check_and_destroy(&t, 32);
    free(with);
    free(without);
    en_scenario_free(s);
}

static char *backtest_json(en_scenario *const *s, size_t count, tally *t)
{
    const char *models[] = {"median", "eum"};
    en_backtest_options o;
    en_backtest_options_init(&o);
    assert_null(o.progress);
    o.models = models;
    o.model_count = 2;
    o.resamples = 100;
    o.min_actors = 2;
    if (t) {
        o.progress = count_call;
        o.progress_data = t;
    }
    en_backtest *bt = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_backtest_run(s, count, &o, &bt, &err), EN_OK);
    FILE *f = tmpfile();
    assert_int_equal(en_backtest_write(bt, EN_OUTPUT_JSON, f, &err), EN_OK);
    en_backtest_free(bt);
    return as_text(f);
}

static void test_backtest_progress(void **state)
{
    (void)state;
    en_scenario *s[2] = {fixture_yaml(yaml), fixture_yaml(yaml)};
    tally t;
    tally_init(&t);
    char *with = backtest_json(s, 2, &t), *without = backtest_json(s, 2, NULL);
    assert_string_equal(with, without);
    /* compromise (always first), median and eum, each on two cases. */
    tally_check_and_destroy(&t, 6);
    free(with);
    free(without);
    en_scenario_free(s[0]);
    en_scenario_free(s[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items_threads),
        cmocka_unit_test(test_items_split_report_nothing),
        cmocka_unit_test(test_sensitivity_progress),
        cmocka_unit_test(test_backtest_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
