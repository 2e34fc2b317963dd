/*
 * eum_cpu.h — the choice, once per process, between a round compiled for AVX2 and the same round
 * compiled for the baseline CPU, shared by the scholz paths that are built both ways
 * (eum_scholz.c's fast round, eum_scholz_sorted.c's sorted round). Not for use outside
 * src/models/eum_*.c.
 */
#ifndef ENTENTE_MODELS_EUM_CPU_H
#define ENTENTE_MODELS_EUM_CPU_H

#include <stdatomic.h>
#include <stddef.h>

#include "models/eum.h"

/* The round for this CPU: `avx2` when it is given (non-NULL) and the CPU supports AVX2, else
 * `generic`. The answer is kept in *chosen, a static of the caller's, so the CPU is asked once;
 * threads that race on the first call store the same pointer, and the atomic makes that race
 * defined behaviour. Time complexity: O(1). */
static inline eum_round_fn eum_round_for_cpu(_Atomic(eum_round_fn) *chosen, eum_round_fn generic,
                                             eum_round_fn avx2)
{
    eum_round_fn fn = atomic_load_explicit(chosen, memory_order_relaxed);
    if (fn) return fn;
    fn = generic;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    if (avx2 && __builtin_cpu_supports("avx2")) fn = avx2;
#else
    (void)avx2;
#endif
    atomic_store_explicit(chosen, fn, memory_order_relaxed);
    return fn;
}

#endif
