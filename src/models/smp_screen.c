/*
 * smp_screen.c — the error bounds of the smp target search's single-precision screen
 * (smp_screen.h). The screen evaluates each third party's vote in float, eight targets per
 * AVX2 instruction, and rules a target out only when even the most favourable values its float
 * sums allow leave its gain below the best found; these bounds make "allow" rigorous.
 *
 * Notation: u = 2^-24 (a float's unit round-off); each float operation returns the exact
 * result times (1 + ε), |ε| ≤ u; a double converted to float gains a relative error ≤ u.
 * Preconditions (checked by the engine per actor and per round, else no screen): distances
 * d ∈ [0,1], utilities u_i, u_m ∈ [0,1], risks r ∈ [−1,1], a power w_m ∈ {0} ∪ [10⁻³⁰, 10²⁰],
 * principals' sums c_i, c_j ∈ [10⁻¹⁰, 10³⁰]. Then u_j = (1 − d)(1 + d·r) ∈ [0,1] (it is at
 * most 1 − d² for r ≤ 1), every "join" value (a sum of three utilities) lies in [0,3], and the
 * two expectations e_i, e_j in [0,3]. First-order error terms below; the final factor 2 covers
 * the second-order terms, the double vote's own round-off (the same analysis with 2^-53) and
 * underflow (each at most 2^-149 absolute, below 10⁻¹⁵·u·w_m for w_m ≥ 10⁻³⁰).
 *
 * 1. u_j: 1 − d carries 2u (d's conversion, the subtraction); min(d,1)·r 3u (two conversions,
 *    the product); 1 + that, a value ≤ 2, 5u; the product of a value ≤ 1 by one ≤ 2:
 *    2·2u + 1·5u + 2u = 11u.
 * 2. v0 = w_m(u_i − u_j): u_i's conversion u, u_j 11u, the subtraction u: 13u, times w_m, plus
 *    w_m's conversion and the product: δ = 15u·w_m absolute.
 * 3. π = c_ni / (c_ni + c_nj), c_ni = c_i + max(v0, 0), c_nj = c_j − min(v0, 0), S = c_ni + c_nj
 *    ≥ c_i + c_j: |Δc_ni| ≤ δ + 2u·c_ni (c_i's conversion, the addition), |ΔS| ≤ 2δ + 3u·S, the
 *    quotient one rounding more: |Δπ| ≤ 3δ/S + 6u ≤ 45u·w_m/(c_i + c_j) + 6u.
 * 4. The join values: u_i + u_i is exact on the converted u_i (2u), u_j + u_j 22u, the third
 *    term at most 11u and the addition 3u (a value ≤ 3): at most 36u each.
 * 5. e_i = π·J_w + (1 − π)·J_l (and e_j alike): 1 − π carries |Δπ| + u; each product of a
 *    probability by a join value ≤ 3 carries 3|Δπ| (+3u for 1 − π) + 36u + 3u; the two sums
 *    and the difference e_i − e_j, values ≤ 3, 3u each: |Δ(e_i − e_j)| ≤ 12|Δπ| + 171u.
 * 6. v = w_m·(e_i − e_j): w_m's conversion and the product on a value ≤ 3·w_m add 6u·w_m:
 *    |Δv| ≤ w_m(12|Δπ| + 177u) ≤ u·w_m(249 + 540·w_m/(c_i + c_j)).
 * Doubled: E_m = u·w_m·(512 + 1100·w_m/(c_i + c_j)) (SMP_SCREEN_ERR_A, SMP_SCREEN_ERR_B).
 * The positive part is 1-Lipschitz, so each side's term max(v,0) (or −min(v,0)) is within E_m
 * of the double's too, and a side's sum over k third parties within Σ E_m plus the float
 * summation's error (smp_screen_sum_error).
 *
 * Float sums: k non-negative terms added one by one; the computed F and the real sum R satisfy
 * |F − R| ≤ γ_{k−1}·R with γ_k = k·u/(1 − k·u) (N. J. Higham, Accuracy and Stability of
 * Numerical Algorithms, 2nd ed., SIAM 2002, §4.2), so |F − R| ≤ γ_k·F/(1 − γ_k) ≤ 2(k + 2)·u·F
 * for k ≤ 2^20.
 */
#include "models/smp_screen.h"

static double bound_scale = 1.0;

void smp_screen_set_bound_scale(double scale) { bound_scale = scale; }

double smp_screen_bound_scale(void) { return bound_scale; }

double smp_screen_vote_error(double w_m, double c_i, double c_j)
{
    return bound_scale * SMP_SCREEN_U * w_m *
           (SMP_SCREEN_ERR_A + SMP_SCREEN_ERR_B * w_m / (c_i + c_j));
}

double smp_screen_sum_error(size_t k) { return bound_scale * 2.0 * ((double)k + 2.0) * SMP_SCREEN_U; }
