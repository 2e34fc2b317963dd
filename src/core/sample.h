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
