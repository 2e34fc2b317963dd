/*
 * test_distribute.c — splitting runs across processes (src/analysis/distribute.c and the
 * en_distributor hooks of Monte Carlo, sensitivity, sweep, forecast and backtest) without MPI:
 * K threads play K processes, with a gather built on a barrier. The oracle is the plain
 * one-process run: every rank's result must write the same bytes, for K = 2, 3 and 5 (more
 * ranks than some analyses have runs). Also: the shares against hand-computed ranges, and a
 * failing exchange reported as the analysis's error.
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

static const char yaml[] =
    "entente: 1\n"
    "title: split\n"
    "issues:\n"
    "  - {id: a, scale: [0, 100], status_quo: 50, labels: {20: low, 80: high}}\n"
    "  - {id: b, scale: [-1, 1], status_quo: 0}\n"
    "actors:\n"
    "  - {id: P, capability: {value: 3, low: 1, high: 5}, veto: true, positions: {a: {position: {value: 20, low: 5, high: 40}, salience: 0.8}, b: {position: {value: 0.5, sd: 0.3}, salience: 0.2}}}\n"
    "  - {id: Q, capability: 1, veto: [a], positions: {a: {position: 80, salience: {value: 0.5, low: 0.2, high: 0.9}}, b: {position: -0.4, salience: 0.6}}}\n"
    "  - {id: R, capability: 2, positions: {a: {position: 60, salience: 0.4}, b: {position: -1, salience: 1}}}\n";

/* ---- K threads as K processes ---- */

typedef struct fake_world {
    int size;
    pthread_barrier_t barrier;
    const unsigned char *part[8];
    size_t bytes[8];
    int fail; /* the gather reports an error on every rank */
} fake_world;

typedef struct fake_rank {
    fake_world *world;
    int rank;
} fake_rank;

/* Every rank leaves its bytes, all wait, each copies the concatenation, all wait again (so no
 * rank overwrites its part for the next exchange while another still reads it). */
static int fake_gather(void *data, const void *mine, size_t bytes, void **all, size_t *all_bytes,
                       en_error *err)
{
    fake_rank *me = data;
    fake_world *w = me->world;
    w->part[me->rank] = mine;
    w->bytes[me->rank] = bytes;
    pthread_barrier_wait(&w->barrier);
    size_t total = 0;
    for (int r = 0; r < w->size; r++) total += w->bytes[r];
    unsigned char *buffer = malloc(total ? total : 1);
    size_t at = 0;
    for (int r = 0; r < w->size; r++) {
        if (w->bytes[r]) memcpy(buffer + at, w->part[r], w->bytes[r]);
        at += w->bytes[r];
    }
    pthread_barrier_wait(&w->barrier);
    if (w->fail) {
        free(buffer);
        snprintf(err->message, sizeof err->message, "the exchange failed");
        err->code = EN_ERROR_INTERNAL;
        return EN_ERROR_INTERNAL;
    }
    *all = buffer;
    *all_bytes = total;
    return EN_OK;
}

/* One analysis on one rank: writes its JSON output into *text (NULL if it failed). */
typedef en_status (*analysis_fn)(const en_scenario *s, const en_distributor *d, char **text);

typedef struct rank_job {
    fake_rank me;
    en_distributor distributor;
    const en_scenario *scenario;
    analysis_fn analysis;
    char *text;
    en_status status;
} rank_job;

static void *rank_main(void *data)
{
    rank_job *job = data;
    job->status = job->analysis(job->scenario, &job->distributor, &job->text);
    return NULL;
}

/* Runs `analysis` as `size` ranks; every rank's output must equal the one-process output. */
static void check_split(analysis_fn analysis, int size)
{
    en_scenario *s = fixture_yaml(yaml);
    char *plain = NULL;
    assert_int_equal(analysis(s, NULL, &plain), EN_OK);
    assert_non_null(plain);
    fake_world world;
    memset(&world, 0, sizeof world);
    world.size = size;
    pthread_barrier_init(&world.barrier, NULL, (unsigned)size);
    rank_job jobs[8];
    pthread_t ids[8];
    for (int r = 0; r < size; r++) {
        jobs[r] = (rank_job){{&world, r}, {r, size, fake_gather, NULL}, s, analysis, NULL, EN_OK};
        jobs[r].distributor.data = &jobs[r].me;
        pthread_create(&ids[r], NULL, rank_main, &jobs[r]);
    }
    for (int r = 0; r < size; r++) pthread_join(ids[r], NULL);
    for (int r = 0; r < size; r++) {
        assert_int_equal(jobs[r].status, EN_OK);
        assert_non_null(jobs[r].text);
        assert_string_equal(jobs[r].text, plain);
        free(jobs[r].text);
    }
    pthread_barrier_destroy(&world.barrier);
    free(plain);
    en_scenario_free(s);
}

/* ---- the analyses, as JSON text ---- */

typedef en_status (*write_fn)(const void *result, FILE *out, en_error *err);

static char *as_json(write_fn write, const void *result)
{
    char *text = NULL;
    size_t length = 0;
    FILE *f = open_memstream(&text, &length);
    en_error err = EN_ERROR_INIT;
    assert_int_equal(write(result, f, &err), EN_OK);
    fclose(f);
    return text;
}

static en_status write_mc(const void *r, FILE *f, en_error *e) { return en_mc_result_write(r, EN_OUTPUT_JSON, f, e); }
static en_status write_sensitivity(const void *r, FILE *f, en_error *e) { return en_sensitivity_result_write(r, EN_OUTPUT_JSON, f, e); }
static en_status write_sweep(const void *r, FILE *f, en_error *e) { return en_sweep_result_write(r, EN_OUTPUT_JSON, f, e); }
static en_status write_forecast(const void *r, FILE *f, en_error *e) { return en_forecast_write(r, EN_OUTPUT_JSON, f, e); }

static en_status mc_eum(const en_scenario *s, const en_distributor *d, char **text)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 1000; /* 15 full blocks of 64 and a short one */
    o.seed = 7;
    o.jitter = 0.05;
    o.threads = 2;
    o.distributor = d;
    en_mc_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_mc_run(en_model_find("eum"), s, NULL, &o, &r, &err);
    if (st == EN_OK) *text = as_json(write_mc, r);
    en_mc_result_free(r);
    en_error_clear(&err);
    return st;
}

static en_status mc_many_waves(const en_scenario *s, const en_distributor *d, char **text)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 9000; /* more than one wave of 32 blocks per rank */
    o.threads = 1;
    o.distributor = d;
    en_mc_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_mc_run(en_model_find("compromise"), s, NULL, &o, &r, &err);
    if (st == EN_OK) *text = as_json(write_mc, r);
    en_mc_result_free(r);
    en_error_clear(&err);
    return st;
}

static en_status sensitivity_eum(const en_scenario *s, const en_distributor *d, char **text)
{
    en_sensitivity_options o;
    en_sensitivity_options_init(&o);
    o.distributor = d;
    en_sensitivity_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_sensitivity_run(en_model_find("eum"), s, NULL, &o, &r, &err);
    if (st == EN_OK) *text = as_json(write_sensitivity, r);
    en_sensitivity_result_free(r);
    en_error_clear(&err);
    return st;
}

static en_status sweep_eum(const en_scenario *s, const en_distributor *d, char **text)
{
    en_sweep_axis axes[2];
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_sweep_axis_parse("Q=0:1:0.25", 1, &axes[0], &err), EN_OK);
    assert_int_equal(en_sweep_axis_parse("rounds=1:7:3", 2, &axes[1], &err), EN_OK);
    en_sweep_options o;
    en_sweep_options_init(&o);
    o.threads = 2;
    o.distributor = d;
    en_sweep_result *r = NULL;
    en_status st = en_sweep_run(en_model_find("eum"), s, NULL, axes, 2, &o, &r, &err);
    if (st == EN_OK) {
        assert_int_equal(en_sweep_point_count(r), 15);
        *text = as_json(write_sweep, r);
    }
    en_sweep_result_free(r);
    en_error_clear(&err);
    return st;
}

static en_status forecast_whatif(const en_scenario *s, const en_distributor *d, char **text)
{
    en_forecast_options o;
    en_forecast_options_init(&o);
    o.draws = 500;
    o.threads = 2;
    o.distributor = d;
    const char *what_ifs[] = {"Q.a.position=40"};
    en_forecast_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_forecast_run(s, NULL, &o, what_ifs, 1, &r, &err);
    if (st == EN_OK) *text = as_json(write_forecast, r);
    en_forecast_result_free(r);
    en_error_clear(&err);
    return st;
}

/* ---- tests ---- */

static void test_shares_hand_computed(void **state)
{
    (void)state;
    en_distributor d = {0, 3, fake_gather, NULL};
    size_t first, last;
    const size_t want[3][2] = {{0, 4}, {4, 7}, {7, 10}}; /* 10 items: 4, 3, 3 */
    for (int r = 0; r < 3; r++) {
        en_distribute_share_of(&d, r, 10, &first, &last);
        assert_int_equal(first, want[r][0]);
        assert_int_equal(last, want[r][1]);
    }
    en_distribute_share_of(&d, 2, 2, &first, &last); /* more ranks than items: an empty share */
    assert_int_equal(first, 2);
    assert_int_equal(last, 2);
    en_distribute_share(NULL, 10, &first, &last);
    assert_int_equal(first, 0);
    assert_int_equal(last, 10);
    d.size = 1;
    assert_false(en_distribute_active(&d));
}

static void test_mc_split(void **state)
{
    (void)state;
    check_split(mc_eum, 2);
    check_split(mc_eum, 3);
    check_split(mc_many_waves, 2);
    check_split(mc_many_waves, 5);
}

static void test_sensitivity_split(void **state)
{
    (void)state;
    check_split(sensitivity_eum, 2);
    check_split(sensitivity_eum, 5);
}

static void test_sweep_split(void **state)
{
    (void)state;
    check_split(sweep_eum, 3);
}

static void test_forecast_split(void **state)
{
    (void)state;
    check_split(forecast_whatif, 2);
    check_split(forecast_whatif, 3);
}

static void *failing_rank(void *data)
{
    rank_job *job = data;
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 200;
    o.threads = 1;
    o.distributor = &job->distributor;
    en_mc_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    job->status = en_mc_run(en_model_find("compromise"), job->scenario, NULL, &o, &r, &err);
    assert_null(r);
    en_error_clear(&err);
    return NULL;
}

static void test_failed_exchange_is_an_error(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(yaml);
    fake_world world;
    memset(&world, 0, sizeof world);
    world.size = 2;
    world.fail = 1;
    pthread_barrier_init(&world.barrier, NULL, 2);
    rank_job jobs[2];
    pthread_t ids[2];
    for (int r = 0; r < 2; r++) {
        jobs[r] = (rank_job){{&world, r}, {r, 2, fake_gather, NULL}, s, NULL, NULL, EN_OK};
        jobs[r].distributor.data = &jobs[r].me;
        pthread_create(&ids[r], NULL, failing_rank, &jobs[r]);
    }
    for (int r = 0; r < 2; r++) pthread_join(ids[r], NULL);
    for (int r = 0; r < 2; r++) assert_int_equal(jobs[r].status, EN_ERROR_INTERNAL);
    pthread_barrier_destroy(&world.barrier);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shares_hand_computed),
        cmocka_unit_test(test_mc_split),
        cmocka_unit_test(test_sensitivity_split),
        cmocka_unit_test(test_sweep_split),
        cmocka_unit_test(test_forecast_split),
        cmocka_unit_test(test_failed_exchange_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
