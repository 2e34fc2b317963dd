/*
 * pool.c — the worker pool of pool.h: workers sleep on a condition variable between phases;
 * a phase is published under the pool's lock with a new generation number, its parts are
 * claimed through an atomic counter, and the caller waits until every worker that took part
 * has left the phase (the wait is also the phase's out-of-memory section join, core/oom.h).
 * The pool's own record is a plain malloc block (not chained to a guard): its lifetime is
 * governed by en_pool_destroy, or by the guard's unwind through en_oom_track.
 */
#include "core/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/oom.h"

typedef struct pool_worker {
    en_pool *pool;
    int index; /* 0 .. workers-1: takes part in a phase when index < the phase's `active` */
} pool_worker;

struct en_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a new phase, or stop */
    pthread_cond_t done; /* the last worker left the phase */
    int threads;         /* threads in all, the caller included */
    int workers;         /* worker threads started */
    int started_once;    /* workers were started (or tried) */
    int tracked;         /* recorded with the guard open when created */
    int stop;
    unsigned long generation;
    /* the phase (written under the lock, read by the workers under it) */
    en_pool_task fn;
    void *ctx;
    size_t parts;
    en_oom_section section; /* the phase's (one phase at a time: nested phases run serially) */
    int active; /* workers taking part */
    int busy;   /* of those, still in the phase */
    atomic_size_t next; /* the next part to claim */
    pthread_t *tid;
    pool_worker *worker;
};

/* Nonzero on a thread running parts of a phase: a phase started there runs serially (a
 * worker waiting for its own pool would never return). */
static _Thread_local int in_phase;

/* The pool whose worker this thread is, and its slot there (en_pool_slot). */
static _Thread_local const en_pool *slot_pool;
static _Thread_local int slot_index;

typedef struct part_call {
    en_pool_task fn;
    void *ctx;
    size_t part, parts;
} part_call;

static void run_part(void *data)
{
    part_call *c = data;
    c->fn(c->ctx, c->part, c->parts);
}

/* Claims and runs parts until none is left or a part of the phase ran out of memory. */
static void claim_parts(en_pool *p, en_oom_section *section, en_pool_task fn, void *ctx, size_t parts)
{
    for (;;) {
        if (en_oom_section_failed(section)) return;
        size_t part = atomic_fetch_add(&p->next, 1);
        if (part >= parts) return;
        part_call call = {fn, ctx, part, parts};
        en_oom_worker_run(section, run_part, &call);
    }
}

static void *worker_main(void *arg)
{
    pool_worker *wk = arg;
    en_pool *p = wk->pool;
    unsigned long seen = 0;
    in_phase = 1;
    slot_pool = p;
    slot_index = wk->index + 1;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && p->generation == seen) pthread_cond_wait(&p->wake, &p->lock);
        if (p->stop) break;
        seen = p->generation;
        if (wk->index >= p->active) continue; /* not needed for this phase */
        en_oom_section *section = &p->section;
        en_pool_task fn = p->fn;
        void *ctx = p->ctx;
        size_t parts = p->parts;
        pthread_mutex_unlock(&p->lock);
        claim_parts(p, section, fn, ctx, parts);
        pthread_mutex_lock(&p->lock);
        if (--p->busy == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static void stop_workers(en_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int k = 0; k < p->workers; k++) pthread_join(p->tid[k], NULL);
    p->workers = 0;
}

static void release(en_pool *p)
{
    stop_workers(p);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    free(p->tid);
    free(p->worker);
    free(p);
}

/* The guard's unwind releases a pool still recorded. */
static void release_resource(void *pool) { release(pool); }

en_pool *en_pool_create(int threads)
{
    en_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->threads = threads < 1 ? 1 : threads;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    atomic_init(&p->next, 0);
    if (en_oom_active()) {
        p->tracked = 1;
        en_oom_track(p, release_resource); /* on failure it releases p and unwinds */
    }
    return p;
}

int en_pool_slot(const en_pool *pool) { return pool && slot_pool == pool ? slot_index : 0; }

int en_pool_threads(const en_pool *pool) { return pool ? pool->threads : 1; }

/* Starts the workers (once); those that cannot start are done without. */
static void start_workers(en_pool *p)
{
    p->started_once = 1;
    size_t want = (size_t)p->threads - 1;
    if (!want) return;
    p->tid = malloc(want * sizeof *p->tid);
    p->worker = malloc(want * sizeof *p->worker);
    if (!p->tid || !p->worker) return;
    for (size_t k = 0; k < want; k++) {
        p->worker[k] = (pool_worker){p, (int)k};
        if (pthread_create(&p->tid[k], NULL, worker_main, &p->worker[k]) != 0) break;
        p->workers++;
    }
}

/* Waits until every worker that took part has left the phase (the section's join). */
static void wait_phase(void *data)
{
    en_pool *p = data;
    pthread_mutex_lock(&p->lock);
    while (p->busy > 0) pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void en_pool_run(en_pool *pool, size_t parts, en_pool_task fn, void *ctx)
{
    if (parts == 0) return;
    if (pool && parts > 1 && !in_phase && !pool->started_once) start_workers(pool);
    if (!pool || parts == 1 || in_phase || pool->workers == 0) {
        for (size_t part = 0; part < parts; part++) fn(ctx, part, parts);
        return;
    }
    en_oom_section *section = &pool->section;
    en_oom_section_begin(section, wait_phase, pool); /* the workers are all waiting: no race */
    pthread_mutex_lock(&pool->lock);
    pool->fn = fn;
    pool->ctx = ctx;
    pool->parts = parts;
    pool->active = (size_t)pool->workers < parts - 1 ? pool->workers : (int)(parts - 1);
    pool->busy = pool->active;
    atomic_store(&pool->next, 0);
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    in_phase = 1;
    claim_parts(pool, section, fn, ctx, parts);
    in_phase = 0;
    en_oom_section_end(section); /* waits for the workers; unwinds if a part failed */
}

void en_pool_destroy(en_pool *pool)
{
    if (!pool) return;
    if (pool->tracked) en_oom_untrack(pool);
    release(pool);
}
