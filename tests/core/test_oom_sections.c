/*
 * test_oom_sections.c — running out of memory on the calling thread inside a parallel section
 * (core/oom.h) unwinds the call like a worker's failure does: the workers are stopped and
 * joined first, then everything the call allocated (the workers' blocks included) is released
 * and EN_ERROR_NOMEM returned. First on a section built by hand (the owner allocating while
 * two workers allocate), then through the public test control on the calling thread of 2-thread
 * Monte Carlo and forecast runs, failing each of its allocations in turn; the clean runs
 * afterwards give the same bits as one thread.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/oom.h"
#include "core/util.h"
#include "entente.h"

#define SOURCE(path) ENTENTE_SOURCE_DIR "/" path

/* ---- a section by hand -------------------------------------------------------------------- */

typedef struct hand_section {
    en_oom_section section;
    pthread_t ids[2];
    size_t started;
    atomic_int running;  /* workers inside their job */
    atomic_int finished; /* workers whose job has ended */
    atomic_int joined_at_unwind; /* workers finished when the join ran */
    void *kept[2];       /* a block each worker still holds when its job ends */
    void *before;        /* allocated by the call before the section */
    int owner_allocations; /* made by the owner inside the section, outside a job */
} hand_section;

static void hand_join(void *data)
{
    hand_section *h = data;
    for (size_t k = 0; k < h->started; k++) pthread_join(h->ids[k], NULL);
    atomic_store(&h->joined_at_unwind, atomic_load(&h->finished));
}

typedef struct hand_worker {
    hand_section *h;
    int index;
} hand_worker;

/* A worker's job: allocates and frees until the section fails or a long while has passed,
 * and ends holding one block (which passes to the owner's guard). */
static void hand_job(void *data)
{
    hand_worker *w = data;
    atomic_fetch_add(&w->h->running, 1);
    for (int k = 0; k < 200000 && !en_oom_section_failed(&w->h->section); k++) en_free(en_xmalloc(64));
    w->h->kept[w->index] = en_xmalloc(128);
    atomic_fetch_add(&w->h->finished, 1);
}

static void *hand_thread(void *data)
{
    hand_worker *w = data;
    en_oom_worker_run(&w->h->section, hand_job, w);
    return NULL;
}

static en_status hand_call(hand_section *h, hand_worker *workers, long fail_at)
{
    h->before = en_xmalloc(32); /* before the section: released by the unwind too */
    en_oom_section_begin(&h->section, hand_join, h);
    for (int k = 0; k < 2; k++)
        if (pthread_create(&h->ids[h->started], NULL, hand_thread, &workers[k]) == 0) h->started++;
    while (atomic_load(&h->running) < (int)h->started) sched_yield();
    /* The owner's own allocations while the workers run, outside any job. */
    en_test_control(EN_TESTCTRL_FAIL_ALLOC, fail_at);
    for (int k = 0; k < 8; k++) {
        char *p = en_xmalloc(48);
        h->owner_allocations++;
        en_free(p);
    }
    en_oom_section_end(&h->section);
    return EN_OK;
}

/* The call as a public entry point runs it: under a guard of its own frame. */
static en_status guarded_hand_call(hand_section *h, hand_worker *workers, long fail_at, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (void)0, hand_call(h, workers, fail_at));
    return st;
}

/* The owner's k-th allocation inside the section fails: the call returns EN_ERROR_NOMEM only
 * after both workers have finished and been joined; the blocks they kept and the block from
 * before the section are released (the ASan build's leak checker). */
static void owner_failure_joins_then_unwinds(void **state)
{
    (void)state;
    for (long fail_at = 1; fail_at <= 9; fail_at++) {
        hand_section h;
        memset(&h, 0, sizeof h);
        hand_worker workers[2] = {{&h, 0}, {&h, 1}};
        en_error err = EN_ERROR_INIT;
        en_status st = guarded_hand_call(&h, workers, fail_at, &err);
        int fired = (int)en_test_control(EN_TESTCTRL_FAIL_ALLOC, 0);
        assert_int_equal(h.started, 2);
        assert_int_equal(atomic_load(&h.finished), 2);
        if (fail_at <= 8) {
            assert_true(fired);
            assert_int_equal(st, EN_ERROR_NOMEM);
            assert_string_equal(err.message, "out of memory");
            assert_int_equal(h.owner_allocations, fail_at - 1);
            assert_int_equal(atomic_load(&h.joined_at_unwind), 2); /* joined before the unwind */
        } else {
            /* no failure: the call succeeded and what the workers kept is the caller's now */
            assert_false(fired);
            assert_int_equal(st, EN_OK);
            assert_int_equal(h.owner_allocations, 8);
            for (int k = 0; k < 2; k++) en_free(h.kept[k]);
            en_free(h.before);
        }
        assert_false(en_oom_active());
        en_error_clear(&err);
    }
}

/* ---- the calling thread of threaded runs ----------------------------------------------------- */

typedef en_status (*run_fn)(const en_scenario *s, unsigned threads, void **out, en_error *err);

static en_status run_mc(const en_scenario *s, unsigned threads, void **out, en_error *err)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = 200, o.threads = threads, o.seed = 11;
    return en_mc_run(en_model_find("compromise"), s, NULL, &o, (en_mc_result **)out, err);
}

static en_status run_forecast(const en_scenario *s, unsigned threads, void **out, en_error *err)
{
    en_forecast_options o;
    en_forecast_options_init(&o);
    o.draws = 90, o.threads = threads, o.war_runs = 4, o.model = "compromise";
    return en_forecast_run(s, NULL, &o, NULL, 0, (en_forecast_result **)out, err);
}

static void same_mc(const void *a, const void *b)
{
    const en_mc_result *x = a, *y = b;
    assert_int_equal(en_mc_result_draws(x), en_mc_result_draws(y));
    for (size_t i = 0; i < en_mc_result_issue_count(x); i++) {
        double p = en_mc_result_mean(x, i), q = en_mc_result_mean(y, i);
        assert_memory_equal(&p, &q, sizeof p);
    }
}

static void same_forecast(const void *a, const void *b)
{
    for (size_t i = 0; i < 3; i++) {
        double lo1, hi1, lo2, hi2;
        double p = en_forecast_value(a, i, &lo1, &hi1), q = en_forecast_value(b, i, &lo2, &hi2);
        assert_memory_equal(&p, &q, sizeof p);
        assert_memory_equal(&lo1, &lo2, sizeof lo1);
        assert_memory_equal(&hi1, &hi2, sizeof hi1);
    }
    double p = en_forecast_p_agreement(a), q = en_forecast_p_agreement(b);
    assert_memory_equal(&p, &q, sizeof p);
}

/* Allocation k = 1, 2, ... (every stride-th past the first 120) of the calling thread fails
 * until the 2-thread run makes fewer: each gives EN_ERROR_NOMEM with *out NULL; the clean run
 * then matches one thread bit for bit. */
static size_t calling_thread_failures(const en_scenario *s, run_fn run, void (*same)(const void *, const void *),
                                      void (*release)(void *), long stride)
{
    size_t checked = 0;
    for (long k = 1;; k += k < 120 ? 1 : stride) {
        void *out = (void *)&checked; /* must be reset */
        en_error err = EN_ERROR_INIT;
        en_test_control(EN_TESTCTRL_FAIL_ALLOC, k);
        en_status st = run(s, 2, &out, &err);
        int fired = (int)en_test_control(EN_TESTCTRL_FAIL_ALLOC, 0);
        if (!fired) {
            assert_int_equal(st, EN_OK);
            void *one = NULL;
            en_error err1 = EN_ERROR_INIT;
            assert_int_equal(run(s, 1, &one, &err1), EN_OK);
            same(out, one);
            release(one);
            release(out);
            break;
        }
        assert_int_equal(st, EN_ERROR_NOMEM);
        assert_null(out);
        en_error_clear(&err);
        checked++;
    }
    return checked;
}

static void release_mc(void *r) { en_mc_result_free(r); }
static void release_forecast(void *r) { en_forecast_result_free(r); }

static void calling_thread_of_threaded_runs(void **state)
{
    (void)state;
    en_scenario *example = NULL, *ukraine = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(SOURCE("tests/data/bdm/ExampleActors.csv"), NULL, &example, &err), EN_OK);
    assert_int_equal(en_scenario_load(SOURCE("scenarios/ukraine-2023.yaml"), NULL, &ukraine, &err), EN_OK);
    size_t mc = calling_thread_failures(example, run_mc, same_mc, release_mc, 7);
    size_t fc = calling_thread_failures(ukraine, run_forecast, same_forecast, release_forecast, 97);
    print_message("calling thread: %zu Monte Carlo and %zu forecast failures checked at 2 threads\n", mc, fc);
    assert_true(mc > 20);
    assert_true(fc > 20);
    en_scenario_free(example);
    en_scenario_free(ukraine);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(owner_failure_joins_then_unwinds),
        cmocka_unit_test(calling_thread_of_threaded_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
