/*
 * smp_screen.h — the single-precision screen of the smp engine's target search: a third
 * party's vote in eight challenges at once in float (eight AVX2 lanes), and a proven bound on
 * how far that float vote can be from the double vote the exact challenge computes, so that
 * the screen can rule targets out with floats and still never drop one the exact search would
 * choose. docs/models/smp.md ("Screened targets in single precision") states and proves the
 * bound; the comments in smp_screen.c carry the proof step by step.
 */
#ifndef ENTENTE_MODELS_SMP_SCREEN_H
#define ENTENTE_MODELS_SMP_SCREEN_H

#include <stddef.h>

/* The float unit round-off 2^-24 and the bound's two constants: a third party of power w_m
 * (≥ 0) in a challenge whose principals' sums are c_i, c_j casts a float vote within
 *   E_m = SMP_SCREEN_U · w_m · (SMP_SCREEN_ERR_A + SMP_SCREEN_ERR_B · w_m / (c_i + c_j))
 * of its double vote, when its utilities and the target's distance lie in [0,1], its estimated
 * risk in [−1,1], 10⁻³⁰ ≤ w_m ≤ 10²⁰ (or w_m = 0) and c_i, c_j ∈ [10⁻¹⁰, 10³⁰]. */
#define SMP_SCREEN_U 5.9604644775390625e-8 /* 2^-24 */
#define SMP_SCREEN_ERR_A 512.0
#define SMP_SCREEN_ERR_B 1100.0

/* The bound E_m above, times the test scale (smp_screen_set_bound_scale). Time complexity: O(1). */
double smp_screen_vote_error(double w_m, double c_i, double c_j);

/* Relative allowance for a float sum of k non-negative terms added one after the other (the
 * computed sum F and the real sum R satisfy |F − R| ≤ this · F for k ≤ 2^20), times the test
 * scale. Time complexity: O(1). */
double smp_screen_sum_error(size_t k);

/* Tests only: multiplies both allowances by scale; 1 is the proven setting, 0 ignores them (a
 * mutation the tests must detect). Call between runs. Time complexity: O(1). */
void smp_screen_set_bound_scale(double scale);
double smp_screen_bound_scale(void);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SMP_HAVE_SCREEN8 1
#include <immintrin.h>

/* A third party's vote (power wm, utilities ui = U(m,i), um = U(m,m), estimated risk r, all
 * broadcast) in eight challenges, lane l with the target's distance dm and the principals'
 * sums ci, cj: the double vote's formula (smp_engine.c, third_party_vote4) evaluated in float,
 * no FMA (the target enables AVX2 only). `full` / `none`: full or no third-party commitment.
 * Time complexity: O(1). */
__attribute__((target("avx2"), always_inline)) static inline __m256
smp_screen_vote8(__m256 dm, __m256 wm, __m256 ui, __m256 um, __m256 r, __m256 ci, __m256 cj,
                 int full, int none)
{
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    __m256 uj = _mm256_mul_ps(_mm256_sub_ps(one, dm),
                              _mm256_add_ps(one, _mm256_mul_ps(_mm256_min_ps(dm, one), r)));
    __m256 v0 = _mm256_mul_ps(wm, _mm256_sub_ps(ui, uj));
    __m256 cni = _mm256_add_ps(ci, _mm256_max_ps(v0, zero));
    __m256 cnj = _mm256_sub_ps(cj, _mm256_min_ps(v0, zero));
    __m256 pi = _mm256_div_ps(cni, _mm256_add_ps(cni, cnj));
    __m256 qi = _mm256_sub_ps(one, pi);
    __m256 ui2 = _mm256_add_ps(ui, ui), uj2 = _mm256_add_ps(uj, uj);
    __m256 join_i_win = _mm256_add_ps(ui2, full ? ui : um);
    __m256 join_i_lose = _mm256_add_ps(uj2, none ? um : uj);
    __m256 join_j_lose = _mm256_add_ps(ui2, none ? um : ui);
    __m256 join_j_win = _mm256_add_ps(uj2, full ? uj : um);
    __m256 e_i = _mm256_add_ps(_mm256_mul_ps(pi, join_i_win), _mm256_mul_ps(qi, join_i_lose));
    __m256 e_j = _mm256_add_ps(_mm256_mul_ps(pi, join_j_lose), _mm256_mul_ps(qi, join_j_win));
    return _mm256_mul_ps(wm, _mm256_sub_ps(e_i, e_j));
}
#endif

#endif
