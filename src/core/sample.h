/*
 * sample.h — the random streams and the one-value sampler shared by every Monte Carlo of entente
 * (analysis/montecarlo.c and the war module): a block's or a run's generator is seeded with
 * en_mc_stream_seed(seed, index), so what it draws never depends on the thread that runs it.
 */
#ifndef ENTENTE_CORE_SAMPLE_H
#define ENTENTE_CORE_SAMPLE_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "core/scenario.h"

/* A Mersenne Twister generator (gsl_rng_mt19937) made with the library's checked allocation
 * instead of gsl_rng_alloc: GSL reports its own failed allocation to its error handler, whose
 * default aborts the process, whereas a block from en_xmalloc unwinds the guarded call to
 * EN_ERROR_NOMEM and is freed by the unwind like any other (so callers need not record it).
 * The state is seeded with gsl_rng_default_seed, as gsl_rng_alloc seeds it. Free with
 * en_mc_rng_free, never gsl_rng_free (the blocks may be chained to a guard, core/oom.h).
 * Time complexity: O(1) (the generator's state, 5 KB). */
gsl_rng *en_mc_rng_new(void);
/* Frees a generator of en_mc_rng_new; NULL is ignored. Time complexity: O(1). */
void en_mc_rng_free(gsl_rng *rng);

/* Tries of the truncated normal before it falls back to clamping. */
#define EN_MC_NORMAL_TRIES 64

/* splitmix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer. */
uint64_t en_mc_mix64(uint64_t x);
/* Seed of block `block`'s generator: mix(seed XOR mix(block + 1)), reduced to the 32 bits GSL's
 * generators use. */
unsigned long en_mc_stream_seed(uint64_t seed, uint64_t block);

/* One draw of an uncertain value: FIXED gives the value; TRIANGULAR inverts the CDF of the
 * triangle (low, value, high) at one uniform variate (GSL has no triangular sampler); NORMAL
 * draws value + gsl_ran_gaussian_ziggurat(sd), redrawing while outside [min_valid, max_valid]
 * at most EN_MC_NORMAL_TRIES times, then clamps the last draw. */
double en_mc_sample_value(const en_value *value, gsl_rng *rng);

/* Inverse CDF of the triangular distribution (low, mode, high) at u in [0, 1]. */
double en_mc_triangular_inverse(double low, double mode, double high, double u);

#endif
