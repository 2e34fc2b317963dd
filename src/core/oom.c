/*
 * oom.c — the out-of-memory guard of oom.h: the blocks a public call allocates are chained
 * to its guard through a trailer at the end of each block (a circular doubly linked list, so
 * chaining and unchaining are a few stores, with no lookup), and released when an allocation
 * fails and the call is resumed at its entry point. The trailer sits after the caller's bytes,
 * inside the block malloc returned, so a block stays a plain malloc block: the library frees
 * it with en_free, which recognises the trailer by its cookie, and a program may free what the
 * library hands it with free().
 */
#include "core/oom.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

/* Initial-exec TLS: one load from the thread pointer, not a __tls_get_addr call per access in
 * the position-independent build (the allocators read it on every call). */
#define EN_TLS _Thread_local __attribute__((tls_model("initial-exec")))
EN_TLS en_oom_guard *en_oom_current;
EN_TLS long en_oom_unguarded;
static EN_TLS long inject_countdown; /* > 0: that many guarded allocations to go */
static EN_TLS int inject_fired;
static _Atomic long inject_any_countdown; /* the same across threads */
static _Atomic int inject_any_fired;

/* Chain operations made by another thread than the guard's, or by the guard's own thread
 * while it is suspended (its workers may be unchaining at the same time), take this lock. */
static pthread_mutex_t chain_lock = PTHREAD_MUTEX_INITIALIZER;

#define COOKIE_KEY EN_OOM_COOKIE_KEY

void en_oom_chain_shared(en_oom_guard *g, en_oom_tail *t)
{
    pthread_mutex_lock(&chain_lock);
    t->prev = &g->chain;
    t->next = g->chain.next;
    g->chain.next->prev = t;
    g->chain.next = t;
    g->count++;
    pthread_mutex_unlock(&chain_lock);
}

void en_oom_unchain_shared(en_oom_tail *t)
{
    pthread_mutex_lock(&chain_lock);
    t->prev->next = t->next;
    t->next->prev = t->prev;
    t->guard->count--;
    t->cookie = 0;
    pthread_mutex_unlock(&chain_lock);
}

void en_free(void *p)
{
    en_oom_unchain(p);
    free(p);
}

void en_oom_enter(en_oom_guard *g)
{
    g->chain.cookie = 0;
    g->chain.guard = g;
    g->chain.prev = g->chain.next = &g->chain;
    g->count = 0;
    g->resources = NULL;
    g->resource_count = g->resource_capacity = 0;
    g->suspended = 0;
    g->owner = NULL;
    g->section = NULL;
    g->joined = en_oom_current != NULL;
    if (g->joined) return;
    en_oom_current = g;
}

/* Empties the chain: each block's trailer wiped, then the block freed (release) or kept. */
static void chain_clear(en_oom_guard *g, int release)
{
    for (en_oom_tail *t = g->chain.next, *next; t != &g->chain; t = next) {
        next = t->next;
        void *p = (void *)(t->cookie ^ COOKIE_KEY);
        t->cookie = 0;
        if (release) free(p);
    }
    g->chain.prev = g->chain.next = &g->chain;
    g->count = 0;
}

/* A worker's job guard closing: its chained blocks and recorded resources pass to the owner's
 * guard (suspended while workers run, so its chain is shared under the lock). */
static void hand_over(en_oom_guard *g)
{
    en_oom_guard *owner = g->owner;
    pthread_mutex_lock(&chain_lock);
    for (en_oom_tail *t = g->chain.next, *next; t != &g->chain; t = next) {
        next = t->next;
        t->guard = owner;
        t->prev = &owner->chain;
        t->next = owner->chain.next;
        owner->chain.next->prev = t;
        owner->chain.next = t;
        owner->count++;
    }
    g->chain.prev = g->chain.next = &g->chain;
    g->count = 0;
    for (size_t k = 0; k < g->resource_count; k++) {
        if (owner->resource_count == owner->resource_capacity) {
            size_t capacity = owner->resource_capacity ? 2 * owner->resource_capacity : 8;
            en_oom_resource *grown = realloc(owner->resources, capacity * sizeof *grown);
            if (!grown) { /* nowhere to record it: released now, as an unwind would */
                en_oom_resource *r = &g->resources[k];
                /* (a block recorded without destroy is a plain one: free, not en_free, which
                 * could take the lock held here) */
                if (r->destroy) r->destroy(r->resource);
                else free(r->resource);
                continue;
            }
            owner->resources = grown;
            owner->resource_capacity = capacity;
        }
        owner->resources[owner->resource_count++] = g->resources[k];
    }
    pthread_mutex_unlock(&chain_lock);
}

void en_oom_leave(en_oom_guard *g)
{
    if (g->joined) return;
    en_oom_current = NULL;
    if (g->owner) hand_over(g);
    else chain_clear(g, 0);
    free(g->resources);
    g->resources = NULL;
    g->resource_count = g->resource_capacity = 0;
}

int en_oom_active(void) { return en_oom_current != NULL; }

static void section_join(en_oom_section *section)
{
    if (section->joined) return;
    section->joined = 1;
    if (section->join) section->join(section->join_data);
}

/* Closes the owner's side of a section: its guard resumes (when no other section is open). */
static void section_close(en_oom_section *section)
{
    en_oom_guard *g = section->owner;
    if (!g) return;
    g->section = section->outer;
    g->suspended--;
}

_Noreturn void en_oom_fail(size_t size)
{
    en_oom_guard *g = en_oom_current;
    /* The owner of parallel sections ran out of memory outside their jobs: the workers are
     * stopped and joined first (innermost section first), then the call unwinds. */
    while (g && g->suspended && g->section) {
        en_oom_section *section = g->section;
        atomic_store(&section->failed, 1);
        section_join(section);
        section_close(section);
    }
    if (g && !g->suspended) longjmp(g->jump, 1);
    fprintf(stderr, "entente: out of memory (allocating %zu bytes)\n", size);
    abort();
}

void en_oom_track(void *resource, void (*destroy)(void *))
{
    en_oom_guard *g = en_oom_current;
    if (!g || !resource) return;
    if (g->resource_count == g->resource_capacity) {
        size_t capacity = g->resource_capacity ? 2 * g->resource_capacity : 8;
        en_oom_resource *grown = realloc(g->resources, capacity * sizeof *grown);
        if (!grown) {
            /* No room to record it: release it now and fail like the allocation would have. */
            if (destroy) destroy(resource);
            else en_free(resource);
            en_oom_fail(capacity * sizeof *grown);
        }
        g->resources = grown;
        g->resource_capacity = capacity;
    }
    g->resources[g->resource_count++] = (en_oom_resource){resource, destroy};
}

/* A descriptor is recorded as the pointer value fd + 1 (never NULL, never a block's address
 * that en_oom_untrack could confuse it with: it is found among the resources first). */
static void close_fd(void *resource) { close((int)((intptr_t)resource - 1)); }

void en_oom_track_fd(int fd)
{
    /* With no room to record it, en_oom_track closes it before failing. */
    if (fd >= 0) en_oom_track((void *)((intptr_t)fd + 1), close_fd);
}

void en_oom_untrack_fd(int fd)
{
    en_oom_guard *g = en_oom_current;
    if (fd < 0 || !g) return;
    void *resource = (void *)((intptr_t)fd + 1);
    for (size_t k = g->resource_count; k-- > 0;) {
        if (g->resources[k].resource != resource) continue;
        memmove(&g->resources[k], &g->resources[k + 1], (g->resource_count - k - 1) * sizeof *g->resources);
        g->resource_count--;
        return;
    }
}

int en_oom_untrack(void *resource)
{
    en_oom_guard *g = en_oom_current;
    if (!g || !resource) return 0;
    /* Most recent first: a resource is usually released soon after it is recorded. */
    for (size_t k = g->resource_count; k-- > 0;) {
        if (g->resources[k].resource != resource) continue;
        memmove(&g->resources[k], &g->resources[k + 1], (g->resource_count - k - 1) * sizeof *g->resources);
        g->resource_count--;
        return 1;
    }
    return en_oom_unchain(resource);
}

en_status en_oom_unwind(en_oom_guard *g, en_error *err)
{
    /* The problems already chained in err are the caller's: keep them. */
    for (en_error *e = err ? err->next : NULL; e; e = e->next) en_oom_untrack(e);
    en_oom_current = NULL;
    /* Resources first, newest first (a document before the parser context that made it);
     * they may free chained blocks of their own through en_free. */
    for (size_t k = g->resource_count; k-- > 0;) {
        en_oom_resource *r = &g->resources[k];
        if (r->destroy) r->destroy(r->resource);
        else en_free(r->resource);
    }
    free(g->resources);
    g->resources = NULL;
    g->resource_count = g->resource_capacity = 0;
    chain_clear(g, 1);
    return en_error_set(err, EN_ERROR_NOMEM, "out of memory");
}

void en_oom_section_begin(en_oom_section *section, void (*join)(void *data), void *data)
{
    en_oom_guard *g = en_oom_current;
    section->owner = g;
    atomic_store(&section->failed, 0);
    section->join = join;
    section->join_data = data;
    section->joined = 0;
    section->outer = g ? g->section : NULL;
    if (!g) return;
    g->section = section;
    g->suspended++;
}

static void run_job(void (*job)(void *data), void *data) { job(data); }

en_status en_oom_worker_run(en_oom_section *section, void (*job)(void *data), void *data)
{
    en_oom_guard *current = en_oom_current;
    if (!section->owner || (current && current != section->owner)) {
        job(data); /* no guard to report to, or one of the worker's own: as it is */
        return EN_OK;
    }
    /* A worker thread, or the owner working too (its guard suspended meanwhile): the job gets
     * a guard of its own, its blocks passing to the owner's. */
    en_oom_current = NULL;
    en_status st;
    EN_GUARDED(st, NULL, (void)0, (en_oom_current->owner = section->owner, run_job(job, data), EN_OK));
    en_oom_current = current;
    if (st != EN_OK) atomic_store(&section->failed, 1);
    return st;
}

static void thread_job(void *data)
{
    en_oom_thread *t = data;
    t->fn(t->data);
}

void *en_oom_thread_main(void *thread)
{
    en_oom_thread *t = thread;
    en_oom_worker_run(t->section, thread_job, t);
    return NULL;
}

int en_oom_section_failed(en_oom_section *section)
{
    return atomic_load(&section->failed);
}

void en_oom_section_end(en_oom_section *section)
{
    section_join(section);
    section_close(section);
    if (section->owner && atomic_load(&section->failed)) en_oom_fail(0);
}

int en_oom_inject(long n)
{
    int fired = inject_fired;
    inject_countdown = n > 0 ? n : 0;
    inject_fired = 0;
    return fired;
}

int en_oom_inject_any(long n)
{
    int fired = atomic_exchange(&inject_any_fired, 0);
    atomic_store(&inject_any_countdown, n > 0 ? n : 0);
    return fired;
}

long en_oom_unguarded_take(void)
{
    long n = en_oom_unguarded;
    en_oom_unguarded = 0;
    return n;
}

int en_oom_injected_now(void)
{
    if (atomic_load_explicit(&inject_any_countdown, memory_order_relaxed) > 0 &&
        atomic_fetch_sub(&inject_any_countdown, 1) == 1) {
        atomic_store(&inject_any_fired, 1);
        return 1;
    }
    if (inject_countdown <= 0) return 0;
    if (--inject_countdown > 0) return 0;
    inject_fired = 1;
    return 1;
}
