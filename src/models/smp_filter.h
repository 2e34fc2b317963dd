/*
 * smp_filter.h — the filter of the smp engine's queue elections: the winner of a queue's
 * election decided from approximate utilities with a proven error bound, so that the exact
 * (n³) sums of the bargains' utilities are only needed where the bound cannot separate the
 * winner. docs/models/smp.md ("Filtered queue elections") states and proves the bound.
 */
#ifndef ENTENTE_MODELS_SMP_FILTER_H
#define ENTENTE_MODELS_SMP_FILTER_H

#include <stddef.h>

/* The winner of the election the smp engine holds over a queue of q options (proportional
 * votes, linear victory odds, conditional product, the most likely option wins, ties to the
 * first), decided from approximate utilities: voter a's approximate utility of option o is
 * within eps[o][a] (>= 0; q rows of `voters` values) of its utility in the exact election, and
 * Chat (q × q) holds the coalition strengths computed from the approximate utilities — the
 * floor 1e-8 plus the positive votes weight[a]·(u_x − u_y), added in any order (the engine's
 * own kernels, or smp_filter_coalitions). Returns the option the exact election picks, or -1
 * when the bounds cannot prove which (near-ties, non-finite or negative input, q < 2): then the
 * caller holds the exact election. scratch: smp_filter_scratch_size(q) doubles.
 * Time complexity: O(q × voters + q²). */
long smp_filter_queue_winner(size_t voters, size_t q, const double *weight,
                             const double *const *eps, const double *Chat, double *scratch);

/* smp_filter_queue_winner with each option's error bounds given as one weighted sum,
 * E[o] = Σ_a weight[a]·eps[o][a] (the terms added in any order; 0 for exact utilities), so
 * that a caller whose options appear in several elections sums each option's bounds once.
 * Returns what smp_filter_queue_winner returns for those bounds (-1 also for a non-finite
 * E[o]). scratch: smp_filter_scratch_size(q) doubles. Time complexity: O(voters + q²). */
long smp_filter_queue_winner_sums(size_t voters, size_t q, const double *weight,
                                  const double *E, const double *Chat, double *scratch);

/* The coalition strengths Chat of smp_filter_queue_winner from utility rows u[o][a], in a
 * simple loop (tests, and a reference for the engine's kernels). Time complexity: O(q² × voters). */
void smp_filter_coalitions(size_t voters, size_t q, const double *weight,
                           const double *const *u, double *C);

/* The number of doubles smp_filter_queue_winner needs as scratch. Time complexity: O(1). */
size_t smp_filter_scratch_size(size_t q);

/* Tests only: multiplies every error bound of the filter (utilities' eps and round-off
 * allowances) by scale; 1 is the proven setting, 0 ignores the bounds (a mutation the tests
 * must detect). Call between runs. Time complexity: O(1). */
void smp_filter_set_bound_scale(double scale);
double smp_filter_bound_scale(void);

/* Round-off bound of the approximate bargain utility (docs/models/smp.md): the exact value
 * (ui + ur + Σ_{m∉{I,J}} T_m) / n summed in KTAB's order and the shortcut
 * ((ui + ur) + ((S − T_I) − T_J)) / n, with S the ordered sum of all n terms T_m and
 * A = Σ_m |T_m|, differ by at most this. Time complexity: O(1). */
double smp_filter_utility_eps(size_t n, double ui, double ur, double abs_sum);

/* Σ_a weight[a]·smp_filter_utility_eps(n, ui[a], ur[a], abs_sum[a]) over the n voters, added
 * in ascending order from 0: a bargain's E for smp_filter_queue_winner_sums, the bargain's
 * error bounds never stored. Errors: none (non-finite input gives a non-finite sum, which the
 * filter refuses). Time complexity: O(n). */
double smp_filter_weighted_eps(size_t n, const double *weight, const double *ui,
                               const double *ur, const double *abs_sum);

#endif
