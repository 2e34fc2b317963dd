/*
 * oom.c — the out-of-memory guard of oom.h: a per-thread record of the blocks and resources a
 * public call has allocated (an open-addressing hash set keyed by address, linear probing,
 * backward-shift deletion, at most half full), released when an allocation fails and the call
 * is resumed at its entry point. The table outlives the guard: cleared, it waits for the
 * thread's next guard (a model run records thousands of blocks, and building the table afresh
 * each call — nine doublings, each a zeroed allocation and a rehash — cost more than the
 * recording itself).
 */
#include "core/oom.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct en_oom_slot {
    void *resource; /* NULL: empty */
    void (*destroy)(void *);
};

/* Initial-exec TLS: one load from the thread pointer, not a __tls_get_addr call per access in
 * the position-independent build (the allocators read it on every call). */
#define EN_TLS _Thread_local __attribute__((tls_model("initial-exec")))
EN_TLS en_oom_guard *en_oom_current;
static EN_TLS long inject_countdown; /* > 0: that many guarded allocations to go */
static EN_TLS int inject_fired;

static size_t slot_of(const en_oom_guard *g, const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p >> 4;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) & (g->capacity - 1);
}

/* The thread's spare table (all slots empty) for its next guard. A thread that ends frees
 * its spare through the key's destructor; the main thread's stays reachable to the end. */
static EN_TLS en_oom_slot *spare;
static EN_TLS size_t spare_capacity;
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static int spare_key_made;

static void spare_release(void *table) { (free)(table); }
static void spare_key_make(void) { spare_key_made = pthread_key_create(&spare_key, spare_release) == 0; }

/* Ends the guard's use of its table: kept (cleared) as the thread's spare when the call used
 * a fair share of it, else freed, so that a small call after a large one does not clear a
 * large table. O(capacity). */
static void table_done(en_oom_guard *g)
{
    en_oom_slot *slots = g->slots;
    size_t capacity = g->capacity;
    g->slots = NULL;
    g->capacity = g->count = 0;
    if (!slots) return;
    pthread_once(&spare_once, spare_key_make);
    if (spare || !spare_key_made || g->peak * 8 < capacity ||
        pthread_setspecific(spare_key, slots) != 0) {
        (free)(slots);
        return;
    }
    memset(slots, 0, capacity * sizeof *slots);
    spare = slots;
    spare_capacity = capacity;
}

void en_oom_enter(en_oom_guard *g)
{
    g->slots = NULL;
    g->capacity = g->count = g->peak = 0;
    g->suspended = 0;
    g->joined = en_oom_current != NULL;
    if (g->joined) return;
    en_oom_current = g;
    if (spare) {
        g->slots = spare;
        g->capacity = spare_capacity;
        spare = NULL;
        pthread_setspecific(spare_key, NULL);
    }
}

void en_oom_leave(en_oom_guard *g)
{
    if (g->joined) return;
    en_oom_current = NULL;
    table_done(g);
}

int en_oom_active(void) { return en_oom_current != NULL; }

void en_oom_suspend(void)
{
    if (en_oom_current) en_oom_current->suspended++;
}

void en_oom_resume(void)
{
    if (en_oom_current && en_oom_current->suspended) en_oom_current->suspended--;
}

_Noreturn void en_oom_fail(size_t size)
{
    if (en_oom_current && !en_oom_current->suspended) longjmp(en_oom_current->jump, 1);
    fprintf(stderr, "entente: out of memory (allocating %zu bytes)\n", size);
    abort();
}

static int grow(en_oom_guard *g)
{
    size_t capacity = g->capacity ? 2 * g->capacity : 64;
    en_oom_slot *slots = (calloc)(capacity, sizeof *slots);
    if (!slots) return 0;
    en_oom_slot *old = g->slots;
    size_t old_capacity = g->capacity;
    g->slots = slots;
    g->capacity = capacity;
    for (size_t k = 0; k < old_capacity; k++) {
        if (!old[k].resource) continue;
        size_t i = slot_of(g, old[k].resource);
        while (slots[i].resource) i = (i + 1) & (capacity - 1);
        slots[i] = old[k];
    }
    (free)(old);
    return 1;
}

void en_oom_track_in(en_oom_guard *g, void *resource, void (*destroy)(void *))
{
    if (!resource) return;
    if ((g->count + 1) * 2 > g->capacity && !grow(g)) {
        /* No room to record it: release it now and fail like the allocation would have. */
        if (destroy) destroy(resource);
        else (free)(resource);
        en_oom_fail(sizeof(en_oom_slot));
    }
    size_t i = slot_of(g, resource);
    while (g->slots[i].resource && g->slots[i].resource != resource) i = (i + 1) & (g->capacity - 1);
    if (!g->slots[i].resource && ++g->count > g->peak) g->peak = g->count;
    g->slots[i].resource = resource;
    g->slots[i].destroy = destroy;
}

int en_oom_untrack_in(en_oom_guard *g, void *resource)
{
    if (!resource || !g->count) return 0;
    size_t mask = g->capacity - 1;
    size_t i = slot_of(g, resource);
    while (g->slots[i].resource != resource) {
        if (!g->slots[i].resource) return 0;
        i = (i + 1) & mask;
    }
    /* Backward-shift deletion keeps every probe sequence unbroken without tombstones. */
    size_t hole = i;
    for (size_t j = (i + 1) & mask; g->slots[j].resource; j = (j + 1) & mask) {
        size_t home = slot_of(g, g->slots[j].resource);
        /* j's entry may move into the hole when its home is not in (hole, j] cyclically. */
        int between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!between) {
            g->slots[hole] = g->slots[j];
            hole = j;
        }
    }
    g->slots[hole].resource = NULL;
    g->slots[hole].destroy = NULL;
    g->count--;
    return 1;
}

en_status en_oom_unwind(en_oom_guard *g, en_error *err)
{
    /* The problems already chained in err are the caller's: keep them. */
    for (en_error *e = err ? err->next : NULL; e; e = e->next) en_oom_untrack(e);
    en_oom_current = NULL;
    for (size_t k = 0; k < g->capacity; k++) {
        en_oom_slot *s = &g->slots[k];
        if (!s->resource) continue;
        if (s->destroy) s->destroy(s->resource);
        else (free)(s->resource);
    }
    table_done(g);
    return en_error_set(err, EN_ERROR_NOMEM, "out of memory");
}

int en_oom_inject(long n)
{
    int fired = inject_fired;
    inject_countdown = n > 0 ? n : 0;
    inject_fired = 0;
    return fired;
}

int en_oom_injected_now(void)
{
    if (inject_countdown <= 0) return 0;
    if (--inject_countdown > 0) return 0;
    inject_fired = 1;
    return 1;
}

void en_free(void *p)
{
    en_oom_guard *g = en_oom_current;
    if (g && p) en_oom_untrack_in(g, p);
    (free)(p);
}

void en_oom_track(void *resource, void (*destroy)(void *))
{
    if (en_oom_current) en_oom_track_in(en_oom_current, resource, destroy);
}

int en_oom_untrack(void *resource) { return en_oom_current ? en_oom_untrack_in(en_oom_current, resource) : 0; }
