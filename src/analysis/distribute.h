/*
 * distribute.h — running many independent items (sweep points, sensitivity runs, Monte Carlo
 * blocks) on threads and, with an en_distributor, across processes, with each item's result a
 * fixed-size record gathered in item order. Nothing here knows MPI: the distributor's gather
 * callback moves the bytes. docs/scale.md describes the split.
 */
#ifndef ENTENTE_ANALYSIS_DISTRIBUTE_H
#define ENTENTE_ANALYSIS_DISTRIBUTE_H

#include <stddef.h>

#include "entente.h"

/* The items one process computes: [*first, *last) of [0, items), contiguous and balanced
 * (items / size each, one more for the first items % size ranks). A NULL distributor: all.
 * Time complexity: O(1). */
void en_distribute_share(const en_distributor *distributor, size_t items, size_t *first, size_t *last);

/* The share of process `rank` (as en_distribute_share for that rank). Time complexity: O(1). */
void en_distribute_share_of(const en_distributor *distributor, int rank, size_t items, size_t *first,
                            size_t *last);

/* Whether `distributor` splits work across more than one process. */
int en_distribute_active(const en_distributor *distributor);

/* Items [first, first + count) to compute into fixed-size records. `begin` (optional) makes a
 * thread's own state (e.g. a scratch copy of the scenario), `end` frees it; `compute` writes
 * item `item`'s record (record_bytes, zeroed beforehand) and must depend on nothing but the
 * item index and the context, so a record is the same whichever thread or process made it. */
typedef struct en_item_job {
    size_t first, count, record_bytes;
    unsigned threads; /* 0: one per online core; never more than the items */
    void *context;
    void *(*begin)(void *context);
    void (*compute)(void *context, void *state, size_t item, unsigned char *record);
    void (*end)(void *state);
    /* Optional: told `done` of `count` after each finished item (done goes 1, 2, ..., count: the
     * calls are serialised under a lock, so they never overlap or go backwards). Only without an
     * active distributor (a split run reports nothing). It never changes the records. */
    en_progress_fn progress;
    void *progress_data;
} en_item_job;

/* Computes this process's share of the job's items on threads and gathers every share:
 * *records is count × record_bytes bytes, the records in item order (free() it), on every
 * process. Errors: those of the gather (EN_ERROR_INTERNAL); *records is NULL then.
 * Time complexity: O(count × cost of an item / (threads × processes) + count × record_bytes). */
en_status en_distribute_items(const en_item_job *job, const en_distributor *distributor,
                              unsigned char **records, en_error *err);

#endif
