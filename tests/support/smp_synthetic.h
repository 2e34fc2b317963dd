/*
 * smp_synthetic.h — random smp problems for the smp model's tests: actors drawn from a fixed
 * LCG, so that every test and every machine sees the same data for a seed; and the check that
 * two runs of one problem are the same bits.
 */
#ifndef ENTENTE_TESTS_SUPPORT_SMP_SYNTHETIC_H
#define ENTENTE_TESTS_SUPPORT_SMP_SYNTHETIC_H

#include <stddef.h>
#include <stdint.h>

#include "models/smp.h"

/* n actors in d dimensions, in smp_input's layout: c[n], x[n*d], s[n*d] (row i is actor i). */
typedef struct synthetic {
    size_t n, d;
    double *c, *x, *s;
} synthetic;

/* Random actors from the LCG seeded with `seed`: capability 1-100, positions on a 1e-4 grid in
 * [0, 1), saliences of each actor summing to 0.9 (the shape of bench_smp's synthetic sets).
 * Fails the test when out of memory. Time complexity: O(n d). */
synthetic synthetic_make(size_t n, size_t d, uint64_t seed);

/* Frees what synthetic_make allocated (D itself is the caller's). Time complexity: O(1). */
void synthetic_release(synthetic *D);

/* Fails the test unless runs `a` and `b` are the same bits: turn count, every turn's positions
 * and winning probabilities, and with a record every turn's bargains (initiator, receiver, win
 * probability, initiator's position) and queue winners with their probabilities.
 * Time complexity: O(turns (n d + bargains d)). */
void smp_assert_same_run(const smp_output *a, const smp_output *b);

#endif
