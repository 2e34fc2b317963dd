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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* Initial-exec TLS: one load from the thread pointer, not a __tls_get_addr call per access in
 * the position-independent build (the allocators read it on every call). */
#define EN_TLS _Thread_local __attribute__((tls_model("initial-exec")))
EN_TLS en_oom_guard *en_oom_current;
static EN_TLS long inject_countdown; /* > 0: that many guarded allocations to go */
static EN_TLS int inject_fired;

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

void en_oom_leave(en_oom_guard *g)
{
    if (g->joined) return;
    en_oom_current = NULL;
    chain_clear(g, 0);
    free(g->resources);
    g->resources = NULL;
    g->resource_count = g->resource_capacity = 0;
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
