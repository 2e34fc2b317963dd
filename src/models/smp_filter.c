/*
 * smp_filter.c — a queue election's winner decided from approximate utilities with a proven
 * error bound (the filter of "exact geometric predicates": a cheap evaluation with a rigorous
 * bound, the exact one only when the bound cannot decide). The smp engine uses it without a
 * trace, where only each queue's winner matters; the proof is in docs/models/smp.md ("Filtered
 * queue elections") and, step by step, in the comments below.
 *
 * Notation: u = 2^-53 (a double's unit round-off), γ_k = k·u / (1 − k·u), the classical bound
 * on the relative error of a sum of k + 1 non-negative terms added one by one.
 */
#include <float.h>
#include <math.h>

#include "models/smp_filter.h"

#define SMP_FILTER_U 1.1102230246251565e-16 /* 2^-53 */
#define SMP_FILTER_FLOOR 1e-8                /* a coalition before anyone votes (the engine's) */
#define SMP_FILTER_TINY 1e-290               /* absolute allowance for underflow */

static double bound_scale = 1.0;

void smp_filter_set_bound_scale(double scale) { bound_scale = scale; }

double smp_filter_bound_scale(void) { return bound_scale; }

size_t smp_filter_scratch_size(size_t q) { return 2 * q * q + 3 * q; }

/* The exact bargain utility is fl(fl(0 + ui + ur + Σ_{m∉{I,J}} T_m) / n), the n terms added
 * in KTAB's order: within γ_n·(|ui| + |ur| + A) of the real sum R. The shortcut computes
 * S = Σ_m T_m in the same order (within γ_n·A of its real value), then S − T_I, − T_J, ui + ur
 * and the last addition: four more roundings, each at most u times a value below
 * |ui| + |ur| + 2A, so it lies within γ_{n+8}·(|ui| + |ur| + 2A) of R. The two sums therefore
 * differ by at most 2γ_{n+8}·(|ui| + |ur| + 2A); the division by n (exact n) adds one rounding
 * to each, u·|value| ≤ u·(|ui| + |ur| + A)(1 + γ)/n. In all, with n ≤ 2^40 (so that γ_{n+8}
 * ≤ 1.01·(n + 8)·u), the difference is at most (2.02(n + 8) + 3)·u·(|ui| + |ur| + 2A)/n:
 * 4(n + 16)·u·(...)/n is above it with room for the round-off of this very formula, and
 * SMP_FILTER_TINY covers underflow. */
double smp_filter_utility_eps(size_t n, double ui, double ur, double abs_sum)
{
    double nn = (double)n;
    double e = 4.0 * (nn + 16.0) * SMP_FILTER_U * (fabs(ui) + fabs(ur) + 2.0 * abs_sum) / nn;
    return bound_scale * (e + SMP_FILTER_TINY);
}

/* Σ_a pos(w_a (x_a − y_a)) and Σ_a pos(w_a (y_a − x_a)) in four interleaved partial sums
 * (branch-free, independent): the filter's sums may run in any order, since the γ bound below
 * holds for every order of adding the terms. */
static void pair_sums(size_t voters, const double *w, const double *x, const double *y,
                      double *pro, double *con)
{
    double p[4] = {0, 0, 0, 0}, c[4] = {0, 0, 0, 0};
    size_t a = 0;
    for (; a + 4 <= voters; a += 4)
        for (size_t l = 0; l < 4; l++) {
            double v = w[a + l] * (x[a + l] - y[a + l]);
            p[l] += v > 0 ? v : 0.0;
            c[l] -= v < 0 ? v : 0.0;
        }
    double sp = (p[0] + p[1]) + (p[2] + p[3]), sc = (c[0] + c[1]) + (c[2] + c[3]);
    for (; a < voters; a++) {
        double v = w[a] * (x[a] - y[a]);
        sp += v > 0 ? v : 0.0;
        sc -= v < 0 ? v : 0.0;
    }
    *pro = sp, *con = sc;
}

void smp_filter_coalitions(size_t voters, size_t q, const double *weight,
                           const double *const *u, double *C)
{
    for (size_t x = 0; x < q; x++) {
        C[x * q + x] = SMP_FILTER_FLOOR;
        for (size_t y = 0; y < x; y++) {
            double cxy, cyx;
            pair_sums(voters, weight, u[x], u[y], &cxy, &cyx);
            C[x * q + y] = cxy + SMP_FILTER_FLOOR, C[y * q + x] = cyx + SMP_FILTER_FLOOR;
        }
    }
}

double smp_filter_weighted_eps(size_t n, const double *weight, const double *ui,
                               const double *ur, const double *abs_sum)
{
    double e = 0.0;
    for (size_t a = 0; a < n; a++) e += weight[a] * smp_filter_utility_eps(n, ui[a], ur[a], abs_sum[a]);
    return e;
}

long smp_filter_queue_winner(size_t voters, size_t q, const double *weight,
                             const double *const *eps, const double *Chat, double *scratch)
{
    if (q < 2) return -1;
    /* E_x = Σ_a w_a ε_ax, voters in ascending order, at the end of the scratch, where
     * smp_filter_queue_winner_sums leaves it be */
    double *E = scratch + 2 * q * q + 2 * q;
    for (size_t x = 0; x < q; x++) {
        double e = 0.0;
        for (size_t a = 0; a < voters; a++) e += weight[a] * eps[x][a];
        E[x] = e;
    }
    return smp_filter_queue_winner_sums(voters, q, weight, E, Chat, scratch);
}

long smp_filter_queue_winner_sums(size_t voters, size_t q, const double *weight,
                                  const double *E, const double *Chat, double *scratch)
{
    if (q < 2) return -1;
    const double s = bound_scale;
    /* g bounds the relative error of every coalition sum: the exact sum C and the approximate
     * Ĉ are each within γ_{n+3} of their real values (n + 1 non-negative terms, each the
     * product of a weight and a difference: two roundings of its own); g = 4(n + 8)u is more
     * than 2γ_{n+3} plus the few roundings of the bound formulas below. */
    const double g = s * 4.0 * ((double)voters + 8.0) * SMP_FILTER_U;
    const double tiny = s * SMP_FILTER_TINY;
    if (g >= 0.01) return -1;
    /* every weight finite and >= 0 (false for NaN), tested without a branch per voter */
    int bad = 0;
    for (size_t a = 0; a < voters; a++) bad |= !(weight[a] >= 0 && weight[a] <= DBL_MAX);
    if (bad) return -1;
    double *clo = scratch, *chi = clo + q * q, *lo = chi + q * q, *hi = lo + q;
    /* E_x = Σ_a w_a ε_ax (any order): the pair's dd below is E_x + E_y, a sum of the same
     * non-negative terms as Σ_a w_a (ε_ax + ε_ay), so within the same γ of the real one */
    for (size_t x = 0; x < q; x++)
        if (!isfinite(E[x])) return -1;
    for (size_t x = 0; x < q; x++) {
        for (size_t y = 0; y < x; y++) {
            /* Ĉ(x:y), Ĉ(y:x) (summed in any order), and dd = Σ_a w_a (ε_ax + ε_ay). The
             * positive part is 1-Lipschitz, so the real sums from the exact and from the
             * approximate utilities differ by at most the real dd, which is below dd(1 + γ). */
            double cxy = Chat[x * q + y], cyx = Chat[y * q + x], dd = E[x] + E[y];
            if (!isfinite(cxy) || !isfinite(cyx) || !isfinite(dd)) return -1;
            dd *= s;
            /* C ≤ (1+γ)/(1−γ)·(Ĉ + dd) ≤ (1 + g)(Ĉ + dd);
             * C ≥ (1−γ)/(1+γ)·Ĉ − (1−γ)(1+γ)·dd ≥ (1 − g)·Ĉ − (1 + g)·dd, and C ≥ the floor. */
            chi[x * q + y] = (1.0 + g) * (cxy + dd) + tiny;
            chi[y * q + x] = (1.0 + g) * (cyx + dd) + tiny;
            double l1 = (1.0 - g) * cxy - (1.0 + g) * dd - tiny;
            double l2 = (1.0 - g) * cyx - (1.0 + g) * dd - tiny;
            clo[x * q + y] = l1 > SMP_FILTER_FLOOR ? l1 : SMP_FILTER_FLOOR;
            clo[y * q + x] = l2 > SMP_FILTER_FLOOR ? l2 : SMP_FILTER_FLOOR;
        }
    }
    /* P(x:y) = fl(C1 / fl(C1 + C2)) is within (1 ± 2u) of C1/(C1 + C2), which grows with C1 and
     * falls with C2; the bounds below carry two roundings of their own, so 8u covers all four.
     * The option's product Π_y P(x:y) (P(x:x) = 1/2 exactly) has q roundings in the exact
     * election and q in the bound's: a factor 4(q + 1)u covers both. */
    const double r8 = s * 8.0 * SMP_FILTER_U, rq = s * 4.0 * ((double)q + 1.0) * SMP_FILTER_U;
    for (size_t x = 0; x < q; x++) {
        double pl = 1.0, ph = 1.0;
        for (size_t y = 0; y < q; y++) {
            if (y == x) {
                pl *= 0.5, ph *= 0.5;
                continue;
            }
            double a = clo[x * q + y], b = chi[y * q + x];
            double A = chi[x * q + y], B = clo[y * q + x];
            pl *= a / (a + b) * (1.0 - r8);
            double up = A / (A + B) * (1.0 + r8);
            ph *= up < 1.0 ? up : 1.0;
        }
        /* too small for relative bounds to hold (underflow): leave it to the exact election */
        if (!(pl > 1e-200)) return -1;
        lo[x] = pl * (1.0 - rq);
        hi[x] = ph * (1.0 + rq);
    }
    /* The exact election's probabilities are the products divided by one total. If the lower
     * bound of x's product exceeds every other option's upper bound by a factor 1 + 8u, x's
     * probability is strictly the largest after that division (each quotient rounded by at
     * most u), so the exact pick — the first maximum — is x. */
    size_t best = 0;
    for (size_t x = 1; x < q; x++)
        if (lo[x] > lo[best]) best = x;
    for (size_t x = 0; x < q; x++)
        if (x != best && !(lo[best] > hi[x] * (1.0 + r8))) return -1;
    return (long)best;
}
