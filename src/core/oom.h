/*
 * oom.h — running out of memory as an error, not an abort. Internally every allocation goes
 * through the checked helpers of core/util.h (en_xmalloc and friends), which callers may take
 * as never failing; the public entry points open a guard around their work instead. Inside a
 * guard each block the helpers allocate carries a small trailer (at the end of the block, so
 * the block still starts where malloc put it and stays freeable with free()) that chains it to
 * the guard; en_free unchains it. When an allocation fails, the guard's entry point is resumed
 * (longjmp), frees every block still chained and every resource recorded, and returns
 * EN_ERROR_NOMEM. When the guard closes normally the trailers are wiped: what the call
 * allocated now belongs to the objects that hold it, as plain malloc blocks. Outside any guard
 * (code running on a thread the library did not start work on through a parallel section, see
 * below) a failed allocation still ends the process, with a message.
 *
 * Rules for library code: free blocks with en_free (core/util.h), never with free(), since a
 * chained block freed behind the guard's back would leave the chain pointing at freed memory;
 * en_free accepts any malloc'd block, chained or not. Hold no lock across an allocation, and
 * record other resources (FILE, parser documents) with en_oom_track so an unwind releases them
 * too. A guard is per thread; guards opened while one is already open on the thread join it.
 * Blocks the call allocated and other threads free must be freed while the owner is suspended
 * (en_oom_suspend) or waiting for them: those frees take a lock, the owner's own do not.
 *
 * Use (the entry point itself must call setjmp, so the block is a macro, EN_GUARDED):
 *     en_status st;
 *     EN_GUARDED(st, err, *out = NULL, work(..., out, err));
 *     return st;
 */
#ifndef ENTENTE_CORE_OOM_H
#define ENTENTE_CORE_OOM_H

#include <malloc.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "entente.h"

/* The trailer of a chained block: the last 32 bytes of its usable size (malloc_usable_size).
 * `cookie` is the block's address mixed with a constant: what tells a chained block from any
 * other (a plain block's last bytes match it with probability 2^-64, and a block's trailer is
 * wiped before the block is freed or handed over). */
typedef struct en_oom_tail {
    uintptr_t cookie;
    struct en_oom_guard *guard;
    struct en_oom_tail *prev, *next;
} en_oom_tail;

typedef struct en_oom_resource {
    void *resource;
    void (*destroy)(void *);
} en_oom_resource;

struct en_oom_section;

typedef struct en_oom_guard {
    jmp_buf jump;
    int joined;    /* opened inside another guard of this thread: enter/leave do nothing */
    int suspended; /* en_oom_suspend depth: no unwinding while > 0 */
    struct en_oom_guard *owner; /* a worker's job guard: the owner's guard its blocks pass to */
    struct en_oom_section *section; /* innermost parallel section this guard's thread owns */
    en_oom_tail chain; /* circular list of the chained blocks; `chain` itself is the sentinel */
    size_t count;      /* blocks chained */
    en_oom_resource *resources; /* other resources recorded (few: files, documents) */
    size_t resource_count, resource_capacity;
} en_oom_guard;

/* Opens the guard (or joins the one open on this thread). Time complexity: O(1). */
void en_oom_enter(en_oom_guard *guard);
/* Closes it after the work succeeded or failed for another reason: what was chained or
 * recorded now belongs to the objects that hold it. Time complexity: O(blocks chained). */
void en_oom_leave(en_oom_guard *guard);
/* After the longjmp: closes the guard, frees every block and releases every resource still
 * recorded, except the problems chained in `err` (they are the caller's), then records
 * "out of memory" in err and returns EN_ERROR_NOMEM. Time complexity: O(blocks recorded). */
en_status en_oom_unwind(en_oom_guard *guard, en_error *err);

/* Whether a guard is open on this thread. Time complexity: O(1). */
int en_oom_active(void);
/* An allocation failed: resumes the guard's entry point, or (no guard, or suspended) prints a
 * message and aborts. Never returns. */
_Noreturn void en_oom_fail(size_t size);


/* Records a resource (released with destroy, or free when destroy is NULL) to be released on
 * an unwind; nothing without a guard. Time complexity: O(1) amortised. */
void en_oom_track(void *resource, void (*destroy)(void *));
/* Forgets a recorded resource or unchains a block of this thread's guard (before releasing it
 * or handing it over); returns 1 if it was recorded or chained. Time complexity: O(resources
 * recorded). */
int en_oom_untrack(void *resource);

/* Runs `call` (an expression giving an en_status) under a guard opened in the calling
 * function and stores its status in `status`. On an out-of-memory unwind it runs the statement
 * `on_unwind` (reset the caller's outputs; (void)0 for none), then releases what the call had
 * allocated and stores EN_ERROR_NOMEM, with "out of memory" recorded in `err` (may be NULL).
 * setjmp must be called by the function whose frame stays alive while `call` runs, hence a
 * macro rather than a helper. Nothing the caller changes before `call` should be read in
 * `on_unwind` unless it is volatile. Time complexity: that of `call`, plus O(blocks chained). */
#define EN_GUARDED(status, err, on_unwind, call)                 \
    do {                                                        \
        en_oom_guard en_guard_;                                 \
        en_oom_enter(&en_guard_);                               \
        if (setjmp(en_guard_.jump)) {                           \
            on_unwind;                                          \
            (status) = en_oom_unwind(&en_guard_, (err));        \
        } else {                                                \
            (status) = (call);                                  \
            en_oom_leave(&en_guard_);                           \
        }                                                       \
    } while (0)

/* A file descriptor recorded like a resource (closed on an unwind) and forgotten again before
 * the caller closes it; nothing without a guard. Time complexity: as en_oom_track/untrack. */
void en_oom_track_fd(int fd);
void en_oom_untrack_fd(int fd);

/* Parallel sections. The thread that starts workers inside a guarded call (the owner) opens a
 * section (its guard is suspended: no unwinding under the workers' feet), and each worker runs
 * its jobs through en_oom_worker_run: a job runs under a guard of its own on the worker thread;
 * what it allocated and still holds when it ends passes to the owner's guard (so an unwind of
 * the call releases it like everything else the call allocated); a job that runs out of memory
 * is unwound on the worker (its own blocks released), returns EN_ERROR_NOMEM and marks the
 * section failed. After joining the workers, the owner closes the section: if any job failed
 * the whole call unwinds from there and returns EN_ERROR_NOMEM, whichever worker failed and
 * whatever the thread count. A job that failed may leave the objects it was changing pointing
 * at released blocks: once a section failed nothing but the unwind may read them (workers
 * should stop at their next job; en_oom_section_failed tells them). Without a guard on the
 * owner, jobs run unguarded as before (a failure ends the process).
 *
 * The owner's own allocations inside the section, outside a job, unwind too: the section
 * knows how to join its workers (`join`, given when it opens), so an allocation that fails on
 * the owner's thread marks the section failed, joins the workers through `join` (they stop at
 * their next job, or finish their share), closes the section and only then unwinds the call.
 * `join` must stop and join exactly the workers started so far (it is called once, by
 * en_oom_section_end or by that unwind, whichever comes first), and take no lock the owner may
 * hold when it allocates (the owner holds none across an allocation). */
typedef struct en_oom_section {
    en_oom_guard *owner; /* the owner's guard (NULL: none) */
    _Atomic int failed;
    void (*join)(void *data); /* stops and joins the workers started so far */
    void *join_data;
    int joined;
    struct en_oom_section *outer; /* the section the owner's guard had open before */
} en_oom_section;

/* Opens a section on the owner's thread; join(data) joins its workers (above).
 * Time complexity: O(1). */
void en_oom_section_begin(en_oom_section *section, void (*join)(void *data), void *data);
/* Runs job(data) on a worker of `section` (see above). Returns EN_OK or EN_ERROR_NOMEM.
 * Time complexity: that of the job, plus O(blocks it still holds at its end). */
en_status en_oom_worker_run(en_oom_section *section, void (*job)(void *data), void *data);
/* A thread function of pthread's shape run as a job of `section`: start a worker with
 * pthread_create(..., en_oom_thread_main, &thread) where thread = {section, fn, data} (and
 * call en_oom_thread_main the same way for the share the owner does itself). Returns NULL. */
typedef struct en_oom_thread {
    en_oom_section *section;
    void *(*fn)(void *data);
    void *data;
} en_oom_thread;
void *en_oom_thread_main(void *thread);
/* Whether a job of the section ran out of memory. Time complexity: O(1). */
int en_oom_section_failed(en_oom_section *section);
/* Closes the section on the owner's thread: joins the workers (join, once), then, if a job
 * ran out of memory, unwinds the owner's call (does not return). Time complexity: that of
 * join, plus O(1) or the unwind. */
void en_oom_section_end(en_oom_section *section);

/* The guard open on this thread (NULL: none), for the allocators' hot path. */
extern _Thread_local __attribute__((tls_model("initial-exec"))) en_oom_guard *en_oom_current;

/* The allocators' side (core/util.c, en_free). en_oom_chain_size: the bytes to ask malloc for
 * to give `size` usable bytes and a trailer (0 when that overflows). en_oom_chain: writes the
 * trailer of a block just allocated with that size and chains it to `guard`. en_oom_unchain:
 * if `p` is a chained block, unchains it, wipes its trailer and returns 1; else 0 (any
 * malloc'd block, or NULL). Inline: they run on every allocation and free; the rare shared
 * case (another thread's guard, or a suspended one) takes the lock out of line.
 * Time complexity: O(1). */
#define EN_OOM_COOKIE_KEY ((uintptr_t)0x9E3779B97F4A7C15ull)
static inline size_t en_oom_chain_size(size_t size)
{
    if (size > SIZE_MAX - 15 - sizeof(en_oom_tail)) return 0;
    return ((size + 15) & ~(size_t)15) + sizeof(en_oom_tail);
}

void en_oom_chain_shared(en_oom_guard *guard, en_oom_tail *tail);
void en_oom_unchain_shared(en_oom_tail *tail);

static inline void en_oom_chain(en_oom_guard *guard, void *p)
{
    /* p came from en_oom_chain_size: the trailer fits, 8-aligned */
    en_oom_tail *t = (en_oom_tail *)(void *)((char *)p + malloc_usable_size(p) - sizeof *t);
    t->cookie = (uintptr_t)p ^ EN_OOM_COOKIE_KEY;
    t->guard = guard;
    if (guard->suspended) {
        en_oom_chain_shared(guard, t);
        return;
    }
    t->prev = &guard->chain;
    t->next = guard->chain.next;
    guard->chain.next->prev = t;
    guard->chain.next = t;
    guard->count++;
}

static inline int en_oom_unchain(void *p)
{
    if (!p) return 0;
    size_t usable = malloc_usable_size(p);
    if (usable < sizeof(en_oom_tail)) return 0;
    /* Any block may get here: read the cookie without assuming the trailer's alignment. */
    uintptr_t cookie;
    memcpy(&cookie, (char *)p + usable - sizeof(en_oom_tail), sizeof cookie);
    if (cookie != ((uintptr_t)p ^ EN_OOM_COOKIE_KEY)) return 0;
    en_oom_tail *t = (en_oom_tail *)(void *)((char *)p + usable - sizeof(en_oom_tail));
    en_oom_guard *g = t->guard;
    if (g != en_oom_current || g->suspended) {
        en_oom_unchain_shared(t);
        return 1;
    }
    t->prev->next = t->next;
    t->next->prev = t->prev;
    g->count--;
    t->cookie = 0;
    return 1;
}

/* For tests: the n-th allocation made inside a guard on this thread from now on fails as if
 * malloc had returned NULL (n >= 1); 0 turns it off. Returns whether the last armed failure
 * has happened since. Time complexity: O(1). */
int en_oom_inject(long n);
/* The same for allocations on any thread (a worker's jobs included): the n-th guarded
 * allocation from now on, whichever thread makes it, fails; 0 turns it off. Returns whether
 * the last armed failure has happened since. Time complexity: O(1). */
int en_oom_inject_any(long n);
/* Allocations the checked helpers made outside any guard on this thread (each one would end
 * the process if it failed): counted for the tests (en_test_control), taken and reset by
 * en_oom_unguarded_take. Time complexity: O(1). */
extern _Thread_local __attribute__((tls_model("initial-exec"))) long en_oom_unguarded;
long en_oom_unguarded_take(void);
/* Whether an armed failure is due now (counts one guarded allocation; call it only with a guard
 * open). Used by the checked allocators. Time complexity: O(1). */
int en_oom_injected_now(void);

#endif
