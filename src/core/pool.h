/*
 * pool.h — a pool of worker threads kept for the length of a computation, so that a model
 * whose rounds have many short parallel phases pays for thread creation once, not once per
 * phase. A phase is `parts` independent parts run as fn(ctx, part, parts); each part writes
 * only its own slots, so which thread runs which part never changes a result. Parts are
 * claimed in ascending order by whichever thread is free (the caller works too); a part always
 * runs whole on one thread.
 *
 * Running out of memory keeps core/oom.h's semantics: each phase is a parallel section of the
 * caller's guard; a part that runs out of memory is unwound on its thread, the other threads
 * stop claiming parts, and once every thread has left the phase the caller's call unwinds and
 * returns EN_ERROR_NOMEM, with no abort. An allocation failing on the caller between phases
 * unwinds as usual; the pool is recorded with the guard (en_oom_track), so the unwind stops
 * and joins its threads before anything they might read is released.
 *
 * The pool never fails: threads it cannot create (or memory it cannot get) leave it with
 * fewer workers, down to none, and the parts then run on the caller, with the same results.
 */
#ifndef ENTENTE_CORE_POOL_H
#define ENTENTE_CORE_POOL_H

#include <stddef.h>

typedef struct en_pool en_pool;

/* One part of a phase: part in [0, parts). */
typedef void (*en_pool_task)(void *ctx, size_t part, size_t parts);

/* A pool for up to `threads` threads in all, the caller included (threads <= 1: none is ever
 * started). The workers are started on the first phase that needs them, so a pool that only
 * ever sees one-part phases costs no thread. Returns NULL when it cannot allocate its own
 * record (every function here accepts NULL as a pool without workers). Inside a guard it is
 * recorded with it (see above). Time complexity: O(1). */
en_pool *en_pool_create(int threads);

/* Runs fn(ctx, part, parts) for every part < parts and returns when all have ended. The
 * caller runs parts too; at most min(parts, threads) threads work on the phase. Called from
 * within a part (a nested phase) it runs the parts one after another on the calling thread.
 * Errors: a part out of memory under a guard fails the caller's call (see above); without a
 * guard a failed allocation ends the process, as everywhere. Time complexity: that of the
 * parts divided among the threads, plus O(threads) to wake and wait for the workers. */
void en_pool_run(en_pool *pool, size_t parts, en_pool_task fn, void *ctx);

/* The calling thread's slot in `pool`: 0 on the thread that calls en_pool_run (and on any
 * thread that is not one of the pool's workers), 1 .. threads-1 on the pool's workers. Threads
 * running parts of one phase at the same time never share a slot, so a phase may have more
 * parts than threads (they are then balanced by whichever thread is free) and still give each
 * part scratch of its own: the scratch of its thread's slot, used by one part after another.
 * Time complexity: O(1). */
int en_pool_slot(const en_pool *pool);

/* The threads the pool may use, the caller included (1 for NULL). Time complexity: O(1). */
int en_pool_threads(const en_pool *pool);

/* Stops and joins the workers and releases the pool (NULL: nothing). Must not be called while
 * a phase runs. Time complexity: O(threads). */
void en_pool_destroy(en_pool *pool);

#endif
