/*
 * smp_sample.h — the fixed stratified samples of the smp model's fast path (precision=fast,
 * docs/models/smp.md, "Large-n path"): which actors stand for all third parties in the target
 * search and for all voters in the large elections, and the weight each carries. The sample is
 * drawn once per run from the actors' own data and the model's seed, so it depends neither on
 * the thread count nor on the order of the actors in the file.
 */
#ifndef ENTENTE_MODELS_SMP_SAMPLE_H
#define ENTENTE_MODELS_SMP_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

/* Actors in a fast path's sample for a space of n actors when `requested` is 0 (auto):
 * SMP_SAMPLE_AUTO, or every actor when there are fewer; `requested` > 0 is taken as given
 * (at most n). Time complexity: O(1). */
#define SMP_SAMPLE_AUTO 128
size_t smp_sample_size(size_t n, size_t requested);

/* An actor's sampling key: a 64-bit mix of the seed and the bits of the actor's capability,
 * positions and saliences (d each), so that it follows the actor, not its line in the file.
 * Time complexity: O(d). */
uint64_t smp_sample_key(uint64_t seed, double capability, const double *position,
                        const double *salience, size_t d);

/* Draws m of n actors (1 ≤ m ≤ n) in m strata: the actors ranked by weight (ties by key, then
 * by index) and cut into m runs of consecutive ranks of n/m actors each (sizes differ by at
 * most one); each stratum is represented by its actor with the smallest key among those of
 * positive weight (the smallest key when none has), which carries the stratum's whole weight:
 * scale[s] = Σ_{stratum} weight / weight[member[s]] (0 when the member's weight is 0).
 * member[0..m) comes out in ascending index order, scale alongside. Weights must be finite
 * and non-negative. Time complexity: O(n log n). */
void smp_sample_strata(size_t n, const double *weight, const uint64_t *key, size_t m,
                       size_t *member, double *scale);

#endif
