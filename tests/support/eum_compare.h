/*
 * eum_compare.h — test helpers for checking an EUM path against another: a seeded uniform
 * generator for random issues, the tolerance on the risk r that the danger sums' rounding
 * allows, and a field-by-field comparison of two rounds' moves.
 */
#ifndef ENTENTE_TESTS_SUPPORT_EUM_COMPARE_H
#define ENTENTE_TESTS_SUPPORT_EUM_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "models/eum.h"

/* The next draw of splitmix64 from *state (advanced), as a double in [0, 1) with 53 random bits.
 * Time complexity: O(1). */
double test_uniform(uint64_t *state);

/* The bound on |r_a − r_b| between two paths of one round, given the danger sums `danger` of
 * the n actors (n ≥ 1): r depends on (2S − max S − min S)/(max S − min S), and S is known to
 * about n·1e-15 absolutely whatever the order of its sums, so the bound grows as the sums draw
 * together. Time complexity: O(n). */
double test_eum_r_tolerance(const double *danger, size_t n);

/* Fails the test unless the n moves agree in partner, type and number of offers, and bit for
 * bit in both expected utilities. Time complexity: O(n). */
void test_eum_assert_moves_equal(const eum_move *a, const eum_move *b, size_t n);

#endif
