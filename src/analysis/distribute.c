/*
 * distribute.c — independent items on threads and across processes, records gathered in item
 * order (distribute.h). Threads take items one at a time from a shared counter; each item's
 * record goes to its own place in the buffer, so the buffer is the same whatever the thread
 * count or the order in which threads finish. Across processes each process computes one
 * contiguous share and the distributor's gather hands every process the shares concatenated
 * in rank order, which is item order again.
 *
 * Time complexity: O(items × cost of one item / (threads × processes)); memory O(items ×
 * record_bytes) on every process.
 */
#include "analysis/distribute.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/util.h"

int en_distribute_active(const en_distributor *d)
{
    return d && d->size > 1 && d->gather;
}

void en_distribute_share_of(const en_distributor *d, int rank, size_t items, size_t *first, size_t *last)
{
    if (!en_distribute_active(d) || rank < 0 || rank >= d->size) {
        *first = 0;
        *last = items;
        return;
    }
    /* items / size each, and one more for the first items % size processes. */
    size_t size = (size_t)d->size, r = (size_t)rank, each = items / size, extra = items % size;
    *first = each * r + (r < extra ? r : extra);
    *last = *first + each + (r < extra);
}

void en_distribute_share(const en_distributor *d, size_t items, size_t *first, size_t *last)
{
    en_distribute_share_of(d, d ? d->rank : 0, items, first, last);
}

typedef struct item_pool {
    const en_item_job *job;
    size_t first, last;
    unsigned char *records; /* record of item first + k at k × record_bytes */
    atomic_size_t next;
    pthread_mutex_t lock; /* serialises the progress calls */
    size_t done;          /* items finished (under lock) */
    en_oom_section section; /* a thread out of memory fails the whole call (core/oom.h) */
} item_pool;

static void item_work(void *data)
{
    item_pool *pool = data;
    const en_item_job *job = pool->job;
    void *state = job->begin ? job->begin(job->context) : NULL;
    for (;;) {
        if (en_oom_section_failed(&pool->section)) return; /* the call unwinds after the joins */
        size_t k = atomic_fetch_add(&pool->next, 1);
        if (pool->first + k >= pool->last) break;
        job->compute(job->context, state, pool->first + k, pool->records + k * job->record_bytes);
        if (job->progress) {
            pthread_mutex_lock(&pool->lock);
            job->progress(++pool->done, pool->last - pool->first, job->progress_data);
            pthread_mutex_unlock(&pool->lock);
        }
    }
    if (job->end) job->end(state);
}

static void *item_worker(void *data)
{
    item_pool *pool = data;
    en_oom_worker_run(&pool->section, item_work, pool);
    return NULL;
}

/* The item workers started (ids[0 .. count)), joined by the section (core/oom.h). */
typedef struct item_threads {
    pthread_t *ids;
    size_t count;
} item_threads;

static void join_item_workers(void *data)
{
    item_threads *t = data;
    for (size_t k = 0; k < t->count; k++) pthread_join(t->ids[k], NULL);
}

/* Runs items [first, last) of the job into `records` on up to job->threads threads. */
static void compute_share(const en_item_job *job, size_t first, size_t last, unsigned char *records)
{
    item_pool pool = {job, first, last, records, 0, PTHREAD_MUTEX_INITIALIZER, 0, {0}};
    atomic_init(&pool.next, 0);
    size_t items = last - first;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = job->threads ? job->threads : cores >= 1 ? (size_t)cores : 1;
    if (threads > items) threads = items;
    if (threads <= 1) {
        if (items) item_work(&pool);
        return;
    }
    item_threads started = {en_xcalloc(threads, sizeof *started.ids), 0};
    /* No unwinding under the workers' feet: a thread out of memory (the calling one included)
     * fails the call once they are joined (core/oom.h). */
    en_oom_section_begin(&pool.section, join_item_workers, &started);
    for (size_t t = 1; t < threads; t++)
        if (pthread_create(&started.ids[started.count], NULL, item_worker, &pool) == 0) started.count++;
    item_worker(&pool); /* the calling thread works too; the pool finishes with any thread count */
    en_oom_section_end(&pool.section); /* joins; unwinds the call if a thread ran out of memory */
    en_free(started.ids);
}

en_status en_distribute_items(const en_item_job *job, const en_distributor *d,
                              unsigned char **records, en_error *err)
{
    *records = NULL;
    size_t first, last;
    en_distribute_share(d, job->count, &first, &last);
    size_t bytes = (last - first) * job->record_bytes;
    unsigned char *mine = en_xcalloc(bytes ? bytes : 1, 1);
    en_item_job local = *job;
    if (en_distribute_active(d)) local.progress = NULL; /* each process sees only its share */
    compute_share(&local, job->first + first, job->first + last, mine);
    if (!en_distribute_active(d)) {
        *records = mine;
        return EN_OK;
    }
    void *all = NULL;
    size_t all_bytes = 0;
    en_status st = (en_status)d->gather(d->data, mine, bytes, &all, &all_bytes, err);
    en_free(mine);
    if (st != EN_OK) {
        en_free(all);
        return st;
    }
    if (!all || all_bytes != job->count * job->record_bytes) {
        en_free(all);
        return en_error_set(err, EN_ERROR_INTERNAL,
                            "gathered %zu bytes of results where %zu were expected", all_bytes,
                            job->count * job->record_bytes);
    }
    *records = all;
    return EN_OK;
}
