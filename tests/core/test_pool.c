/*
 * test_pool.c — the worker pool (core/pool.h): every part of every phase runs exactly once and
 * writes what a plain loop writes, whatever the thread count; phases reuse the same workers;
 * a nested phase runs serially; each thread has a slot of its own (en_pool_slot), kept in
 * nested phases; running out of memory in a part (on any thread) or on the
 * caller between phases fails the guarded call with EN_ERROR_NOMEM, releases what it
 * allocated (the ASan build's leak checker) and leaves no worker thread behind.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/oom.h"
#include "core/pool.h"
#include "core/util.h"

/* Threads of this process, from /proc (-1 when it cannot be read). */
static int threads_now(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    int threads = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &threads) == 1) break;
    fclose(f);
    return threads;
}

/* Threads beyond those the process had when the tests began (a sanitizer's runtime may keep
 * one of its own, started with the first other thread). */
static int base_threads;
static int process_threads(void) { return threads_now() - base_threads + 1; }

/* The count once it settles at `expected` (a joined thread may still be counted for a moment:
 * the kernel wakes the joiner before it has removed the thread), else the last count seen. */
static int settled_threads(int expected)
{
    int now = process_threads();
    for (int k = 0; k < 400 && now != expected; k++) {
        nanosleep(&(struct timespec){0, 5000000}, NULL);
        now = process_threads();
    }
    return now;
}

/* The oracle: item i's value, computed independently of the pool. */
static uint64_t item_value(size_t i, unsigned phase)
{
    uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull + phase;
    for (int k = 0; k < 50; k++) x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
}

typedef struct fill {
    size_t items;
    unsigned phase;
    uint64_t *out;
    atomic_int *runs; /* per part: times it ran */
} fill;

static void fill_task(void *ctx, size_t part, size_t parts)
{
    fill *f = ctx;
    atomic_fetch_add(&f->runs[part], 1);
    for (size_t i = part; i < f->items; i += parts) f->out[i] = item_value(i, f->phase);
}

static void parts_run_once_and_match_a_plain_loop(void **state)
{
    (void)state;
    enum { ITEMS = 997, MAX_PARTS = 9 };
    uint64_t out[ITEMS];
    atomic_int runs[MAX_PARTS];
    for (int threads = 1; threads <= 4; threads++) {
        en_pool *pool = en_pool_create(threads);
        assert_non_null(pool);
        assert_int_equal(en_pool_threads(pool), threads);
        for (unsigned phase = 0; phase < 300; phase++) { /* many phases, the same workers */
            size_t parts = 1 + phase % MAX_PARTS;
            memset(out, 0, sizeof out);
            for (size_t k = 0; k < MAX_PARTS; k++) atomic_init(&runs[k], 0);
            fill f = {ITEMS, phase, out, runs};
            en_pool_run(pool, parts, fill_task, &f);
            for (size_t k = 0; k < MAX_PARTS; k++) assert_int_equal(atomic_load(&runs[k]), k < parts);
            for (size_t i = 0; i < ITEMS; i++) assert_true(out[i] == item_value(i, phase));
        }
        if (threads > 1) assert_int_equal(process_threads(), threads); /* started once */
        en_pool_destroy(pool);
        assert_int_equal(settled_threads(1), 1);
    }
    /* no pool at all: the caller runs every part */
    for (size_t k = 0; k < MAX_PARTS; k++) atomic_init(&runs[k], 0);
    fill f = {ITEMS, 7, out, runs};
    en_pool_run(NULL, 5, fill_task, &f);
    for (size_t i = 0; i < ITEMS; i++) assert_true(out[i] == item_value(i, 7));
    assert_int_equal(en_pool_threads(NULL), 1);
}

/* Phases of one part, or a pool of one thread, start no worker. */
static void small_phases_start_no_thread(void **state)
{
    (void)state;
    uint64_t out[10];
    atomic_int runs[1];
    atomic_init(&runs[0], 0);
    en_pool *pool = en_pool_create(4);
    fill f = {10, 1, out, runs};
    en_pool_run(pool, 1, fill_task, &f);
    assert_int_equal(settled_threads(1), 1);
    assert_int_equal(atomic_load(&runs[0]), 1);
    en_pool_destroy(pool);
}

/* A part that starts a phase of its own gets it run serially on its thread. */
typedef struct nested {
    en_pool *pool;
    uint64_t out[8][64];
    atomic_int runs[8];
} nested;

static void inner_task(void *ctx, size_t part, size_t parts)
{
    uint64_t *row = ctx;
    for (size_t i = part; i < 64; i += parts) row[i] = item_value(i, 99);
}

static void outer_task(void *ctx, size_t part, size_t parts)
{
    nested *n = ctx;
    (void)parts;
    atomic_fetch_add(&n->runs[part], 1);
    en_pool_run(n->pool, 3, inner_task, n->out[part]);
}

static void nested_phases_run_serially(void **state)
{
    (void)state;
    static nested n;
    memset(&n, 0, sizeof n);
    n.pool = en_pool_create(3);
    en_pool_run(n.pool, 8, outer_task, &n);
    for (size_t p = 0; p < 8; p++) {
        assert_int_equal(atomic_load(&n.runs[p]), 1);
        for (size_t i = 0; i < 64; i++) assert_true(n.out[p][i] == item_value(i, 99));
    }
    en_pool_destroy(n.pool);
}

/* Slots: the thread behind each slot, and the slots in use at this moment. A part marks its
 * slot busy while it works; two threads in one slot at once, a slot out of range, or one
 * slot seen from two threads are counted as faults (asserted on the caller's thread). */
typedef struct slots {
    en_pool *pool, *other;
    int threads;
    pthread_t owner[8];
    atomic_int owned[8], busy[8];
    atomic_int faults, other_faults, nested_faults;
} slots;

typedef struct slot_nest {
    slots *s;
    int slot;
    atomic_int *faults;
} slot_nest;

static void slot_nested_task(void *ctx, size_t part, size_t parts)
{
    (void)part, (void)parts;
    slot_nest *n = ctx;
    if (en_pool_slot(n->s->pool) != n->slot) atomic_fetch_add(n->faults, 1);
}

static void slot_task(void *ctx, size_t part, size_t parts)
{
    slots *s = ctx;
    (void)parts;
    int slot = en_pool_slot(s->pool);
    if (slot < 0 || slot >= s->threads) {
        atomic_fetch_add(&s->faults, 1);
        return;
    }
    if (atomic_exchange(&s->busy[slot], 1)) atomic_fetch_add(&s->faults, 1);
    int expected = 0;
    if (atomic_compare_exchange_strong(&s->owned[slot], &expected, 1)) s->owner[slot] = pthread_self();
    else if (!pthread_equal(s->owner[slot], pthread_self())) atomic_fetch_add(&s->faults, 1);
    if (en_pool_slot(s->other) != 0) atomic_fetch_add(&s->other_faults, 1); /* not its worker */
    slot_nest n = {s, slot, &s->nested_faults};
    en_pool_run(s->pool, 3, slot_nested_task, &n); /* nested: serial, the same slot */
    volatile uint64_t x = 0;
    for (size_t i = 0; i < 2000; i++) x += item_value(i, (unsigned)part); /* some overlap */
    atomic_store(&s->busy[slot], 0);
}

static void slots_are_private_to_a_thread(void **state)
{
    (void)state;
    assert_int_equal(en_pool_slot(NULL), 0);
    for (int threads = 1; threads <= 4; threads++) {
        static slots s;
        memset(&s, 0, sizeof s);
        s.threads = threads;
        s.pool = en_pool_create(threads);
        s.other = en_pool_create(2);
        assert_non_null(s.pool);
        for (unsigned phase = 0; phase < 50; phase++) en_pool_run(s.pool, 64, slot_task, &s);
        assert_int_equal(atomic_load(&s.faults), 0);
        assert_int_equal(atomic_load(&s.other_faults), 0);
        assert_int_equal(atomic_load(&s.nested_faults), 0);
        assert_int_equal(atomic_load(&s.owned[0]), 1); /* the caller works too, in slot 0 */
        assert_true(pthread_equal(s.owner[0], pthread_self()));
        assert_int_equal(en_pool_slot(s.pool), 0);
        en_pool_destroy(s.other);
        en_pool_destroy(s.pool);
    }
}

/* ---- out of memory -------------------------------------------------------------------------- */

typedef struct alloc_phase {
    void **kept; /* one block per part, kept after the phase (the caller's afterwards) */
} alloc_phase;

static void alloc_task(void *ctx, size_t part, size_t parts)
{
    alloc_phase *a = ctx;
    (void)parts;
    for (int k = 0; k < 20; k++) en_free(en_xmalloc(64 + (size_t)k));
    a->kept[part] = en_xmalloc(32);
}

enum { PHASES = 4, PARTS = 6 };

/* A guarded computation: a pool, a few phases that allocate in every part, and allocations on
 * the caller between them. */
static en_status computation(int threads, void ***out)
{
    en_pool *pool = en_pool_create(threads);
    void **kept = en_xcalloc(PHASES * PARTS, sizeof *kept);
    for (int phase = 0; phase < PHASES; phase++) {
        en_free(en_xmalloc(100)); /* the caller, between phases */
        alloc_phase a = {&kept[phase * PARTS]};
        en_pool_run(pool, PARTS, alloc_task, &a);
    }
    en_pool_destroy(pool);
    *out = kept;
    return EN_OK;
}

static en_status guarded_computation(int threads, void ***out, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, *out = NULL, computation(threads, out));
    return st;
}

/* Every allocation of the computation, on whichever thread, fails in turn. */
static void out_of_memory_fails_the_call(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 3; threads++) {
        long failures = 0;
        for (long k = 1;; k++) {
            void **kept = NULL;
            en_error err = EN_ERROR_INIT;
            en_oom_inject_any(k);
            en_status st = guarded_computation(threads, &kept, &err);
            int fired = en_oom_inject_any(0);
            assert_int_equal(settled_threads(1), 1); /* no worker left behind */
            assert_false(en_oom_active());
            if (!fired) { /* past the last allocation: the call succeeded */
                assert_int_equal(st, EN_OK);
                assert_non_null(kept);
                for (int i = 0; i < PHASES * PARTS; i++) {
                    assert_non_null(kept[i]);
                    en_free(kept[i]);
                }
                en_free(kept);
                break;
            }
            failures++;
            assert_int_equal(st, EN_ERROR_NOMEM);
            assert_string_equal(err.message, "out of memory");
            assert_null(kept);
            en_error_clear(&err);
        }
        /* 1 + PHASES · (1 + PARTS · 21) guarded allocations at least */
        assert_true(failures >= 1 + PHASES * (1 + PARTS * 21));
    }
}

static void *no_op(void *arg) { return arg; }

int main(void)
{
    /* one thread started and joined first: a sanitizer's runtime starts its own thread then */
    pthread_t t;
    if (pthread_create(&t, NULL, no_op, NULL) == 0) pthread_join(t, NULL);
    base_threads = threads_now();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parts_run_once_and_match_a_plain_loop),
        cmocka_unit_test(small_phases_start_no_thread),
        cmocka_unit_test(nested_phases_run_serially),
        cmocka_unit_test(slots_are_private_to_a_thread),
        cmocka_unit_test(out_of_memory_fails_the_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
