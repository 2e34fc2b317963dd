/*
 * entente/testctl.h — test control: switches a test (the library's own, or a program's) uses
 * to drive libentente into conditions that are hard to cause from outside, on the model of
 * SQLite's sqlite3_test_control. Running out of memory is the one condition today: a test makes
 * the n-th allocation of the library fail as if malloc had returned NULL, to check that a call
 * returns EN_ERROR_NOMEM and releases everything (docs/library.md, "Out of memory"). Not for
 * production use: the switches cost nothing while off, and are off unless a test turns them on.
 * Included by entente.h.
 */
/* entente.h first: it includes this header at its end, after its own declarations. */
#include "entente.h"
#ifndef ENTENTE_PUBLIC_TESTCTL_H
#define ENTENTE_PUBLIC_TESTCTL_H

#ifdef __cplusplus
extern "C" {
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* The operations of en_test_control. */
typedef enum en_testctl {
    /* arg = n ≥ 1: the n-th allocation the library makes inside a guarded call on the calling
     * thread from now on (the calls docs/library.md lists as returning EN_ERROR_NOMEM) fails;
     * arg = 0 turns it off. Returns 1 if the last failure armed has happened since (so a test
     * arming n = 1, 2, ... knows when a call made fewer than n allocations), else 0. */
    EN_TESTCTRL_FAIL_ALLOC = 1,
    /* The same, counting the guarded allocations of every thread (a Monte Carlo's workers
     * included): the n-th from now on, whichever thread makes it, fails. */
    EN_TESTCTRL_FAIL_ALLOC_ANY = 2,
    /* Returns how many allocations the calling thread made outside any guarded call since the
     * last EN_TESTCTRL_UNGUARDED_ALLOCS (arg ignored): allocations that would end the process
     * if memory ran out. The library's own tests check it stays 0 across its public calls. */
    EN_TESTCTRL_UNGUARDED_ALLOCS = 3
} en_testctl;

/* Runs the test-control operation `op` (an en_testctl) with argument `arg`; returns what the
 * operation says, or -1 for an unknown operation. Thread-safe (each operation says which
 * thread it concerns). Time complexity: O(1). */
long en_test_control(int op, long arg);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif /* ENTENTE_PUBLIC_TESTCTL_H */
