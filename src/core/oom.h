/*
 * oom.h — running out of memory as an error, not an abort. Internally every allocation goes
 * through the checked helpers of core/util.h (en_xmalloc and friends), which callers may take
 * as never failing; the public entry points that build something new (loading a scenario,
 * running a model) open a guard around their work instead. Inside a guard each allocation is
 * recorded; when one fails, the guard's entry point is resumed (longjmp), frees what the call
 * had allocated and still held, and returns EN_ERROR_NOMEM. Outside any guard (a worker thread
 * a model starts, a function that changes an existing object) a failed allocation still
 * ends the process, with a message.
 *
 * Rules for code inside a guard: free with free() (core/util.h makes it en_free, which forgets
 * the block), hold no lock across an allocation, and register other resources (FILE, parser
 * documents) with en_oom_track so an unwind releases them too. A guard is per thread; guards
 * opened while one is already open on the thread join it.
 *
 * Use (the entry point itself must call setjmp):
 *     en_oom_guard guard;
 *     en_oom_enter(&guard);
 *     if (setjmp(guard.jump)) return en_oom_unwind(&guard, err);   // *out reset by the caller
 *     st = work(...);
 *     en_oom_leave(&guard);
 */
#ifndef ENTENTE_CORE_OOM_H
#define ENTENTE_CORE_OOM_H

#include <setjmp.h>
#include <stddef.h>

#include "entente.h"

typedef struct en_oom_slot en_oom_slot;

typedef struct en_oom_guard {
    jmp_buf jump;
    int joined;    /* opened inside another guard of this thread: enter/leave do nothing */
    int suspended; /* en_oom_suspend depth: no unwinding while > 0 */
    en_oom_slot *slots;
    size_t capacity, count, peak; /* peak: the most blocks recorded at once */
} en_oom_guard;

/* Opens the guard (or joins the one open on this thread). Time complexity: O(1). */
void en_oom_enter(en_oom_guard *guard);
/* Closes it after the work succeeded or failed for another reason: what was recorded now
 * belongs to the objects that hold it. Time complexity: O(1). */
void en_oom_leave(en_oom_guard *guard);
/* After the longjmp: closes the guard, frees every block and releases every resource still
 * recorded, except the problems chained in `err` (they are the caller's), then records
 * "out of memory" in err and returns EN_ERROR_NOMEM. Time complexity: O(blocks recorded). */
en_status en_oom_unwind(en_oom_guard *guard, en_error *err);

/* Whether a guard is open on this thread. Time complexity: O(1). */
int en_oom_active(void);
/* An allocation failed: resumes the guard's entry point, or (no guard) prints a message and
 * aborts. Never returns. */
_Noreturn void en_oom_fail(size_t size);

/* Around a section in which other threads share the call's state (a model's parallel
 * section): a failed allocation on this thread then ends the process instead of unwinding
 * under the workers' feet; blocks are still recorded. Nest freely; no-ops without a guard.
 * Time complexity: O(1). */
void en_oom_suspend(void);
void en_oom_resume(void);

/* Records a block (destroy NULL: released with free) or another resource (released with
 * destroy) to be released on an unwind; nothing without a guard. Time complexity: O(1)
 * amortised. */
void en_oom_track(void *resource, void (*destroy)(void *));
/* Forgets a recorded resource (before releasing it normally); returns 1 if it was recorded.
 * Time complexity: O(1) expected. */
int en_oom_untrack(void *resource);

/* The guard open on this thread (NULL: none), and the two operations above on a guard already
 * looked up, for the allocators' hot path. Time complexity: O(1) expected. */
extern _Thread_local __attribute__((tls_model("initial-exec"))) en_oom_guard *en_oom_current;
void en_oom_track_in(en_oom_guard *guard, void *resource, void (*destroy)(void *));
int en_oom_untrack_in(en_oom_guard *guard, void *resource);

/* For tests: the n-th allocation made inside a guard on this thread from now on fails as if
 * malloc had returned NULL (n >= 1); 0 turns it off. Returns whether the last armed failure
 * has happened since. Time complexity: O(1). */
int en_oom_inject(long n);
/* Whether an armed failure is due now (counts one guarded allocation; call it only with a guard
 * open). Used by the checked allocators. Time complexity: O(1). */
int en_oom_injected_now(void);

#endif
