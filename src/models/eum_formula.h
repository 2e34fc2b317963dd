/*
 * eum_formula.h — the expected-utility terms of both EUM variants, written once (docs/models/
 * eum.md, "Variant scholz" and "Variant masad"; Scholz, Calbert & Smith 2011, J. Theoretical
 * Politics 23(4):510–531, eq. 2–3). Every path of a variant — straight, fast, sorted, the wide
 * kernels and the resolution of a selected offer — evaluates a utility or a pair's expected
 * utility through these functions, so the formula has one home.
 *
 * Bits. The straight paths reproduce the published replications bit for bit, and the faster
 * paths recompute some EUs exactly to select the same offers; both depend on every caller
 * performing the same IEEE operations in the same order. The parentheses below are the
 * references' evaluation order; the project compiles with -ffp-contract=off, so inlining changes
 * no rounding. Not for use outside src/models/eum*.c.
 */
#ifndef ENTENTE_MODELS_EUM_FORMULA_H
#define ENTENTE_MODELS_EUM_FORMULA_H

#include <math.h>

/* pow(x, r) as the straight paths form it. glibc's pow(x, 1.0) is x exactly (the result is
 * representable and pow is accurate to well under one ulp; checked on 2·10⁸ arguments,
 * subnormals included) and pow(+0, r > 0) is +0 (C11 F.10.4.4), so both calls are skipped:
 * the bits are pow's. Every exponent is 1 in the risk phase (scholz) and pass 1 (masad).
 * Time complexity: O(1). */
static inline double eum_pow_r(double x, double r)
{
    if (r == 1.0) return x;
    if (x == 0 && !signbit(x) && r > 0) return 0.0;
    return pow(x, r);
}

/* The utility 2 − 4·b^r of a base b, from its power p = b^r (callers that cache powers pass
 * them in). Time complexity: O(1). */
static inline double eum_utility(double power)
{
    return 2 - 4 * power;
}

/* The status quo's utility U_sq = 2 − 4·0.5^r of an actor with exponent r. O(1). */
static inline double eum_status_quo_utility(double r)
{
    return eum_utility(eum_pow_r(0.5, r));
}

/* ---- variant scholz ----------------------------------------------------------------------- */

/* Success and failure utilities seen with exponent r across dist = |x_i − x_j| on a run whose
 * initial positions span D: U_s = 2 − 4(½ − d/2D)^r, U_f = 2 − 4(½ + d/2D)^r. O(1). */
static inline double scholz_us(double dist, double D, double r)
{
    return eum_utility(eum_pow_r(0.5 - (0.5 * dist) / D, r));
}

static inline double scholz_uf(double dist, double D, double r)
{
    return eum_utility(eum_pow_r(0.5 + (0.5 * dist) / D, r));
}

/* E^p(i→j) from the utilities of the evaluating actor p: P the probability that the challenger
 * wins, s_target the salience of the challenged actor (its probability to resist).
 * E = s_j (P U_s + (1−P) U_f) + (1−s_j) U_s − Q U_sq: eq. 2–3 with the (1−Q) term absent, as
 * in bdm1. O(1). */
static inline double scholz_eu_u(double P, double Us, double Uf, double Usq, double s_target,
                                 double Q)
{
    return (s_target * (P * Us + (1 - P) * Uf) + (1 - s_target) * Us) - Q * Usq;
}

/* One pair of the offer phase as the faster scholz paths evaluate it (fast, vector, sorted with
 * the EU matrices): receiver i's EU of challenging j, e_ij = E^i(i→j), and j's EU of
 * challenging i as i sees it, e_ji = E^i(j→i). Both share the distance and i's exponent, so
 * they share U_s and U_f, given here as i's powers power_s = (½ − d/2D)^r_i and
 * power_f = (½ + d/2D)^r_i; Usq is i's status-quo utility, P_ij = P(x_i, x_j), P_ji =
 * P(x_j, x_i), s_i and s_j the saliences. An actor j at i's own position (`same`) makes no
 * offer: P = 0 and d = 0 there, so U_s = U_f = U_sq, and the EUs (NaN for j = i itself) only
 * feed the EU matrices. Returns 1 if j is a candidate offer (another position), else 0.
 * Time complexity: O(1). */
static inline int scholz_offer_eus(int same, int self, double power_s, double power_f,
                                   double Usq, double P_ij, double P_ji, double s_i, double s_j,
                                   double Q, double *e_ij, double *e_ji)
{
    if (same) {
        *e_ij = self ? NAN : scholz_eu_u(0, Usq, Usq, Usq, s_j, Q);
        *e_ji = self ? NAN : scholz_eu_u(0, Usq, Usq, Usq, s_i, Q);
        return 0;
    }
    const double Us = eum_utility(power_s), Uf = eum_utility(power_f);
    *e_ij = scholz_eu_u(P_ij, Us, Uf, Usq, s_j, Q);
    *e_ji = scholz_eu_u(P_ji, Us, Uf, Usq, s_i, Q);
    return 1;
}

/* ---- variant masad ------------------------------------------------------------------------ */

enum { MASAD_US = 0, MASAD_UF, MASAD_UB, MASAD_UW, MASAD_USQ };

/* The distance base a = |x_i − x_j|/dx and the status-quo base
 * b = (|x_i − μ| + |x_i − x_j|)/dx of i against j on a scale of width dx. O(1). */
static inline double masad_base_a(double xi, double xj, double dx)
{
    return fabs((xi - xj) / dx);
}

static inline double masad_base_b(double xi, double xj, double mu, double dx)
{
    return (fabs(xi - mu) + fabs(xi - xj)) / dx;
}

/* The utilities of actor i (exponent r) against alter j into U[MASAD_US..MASAD_USQ]:
 * U_s = 2−4(½−a/2)^r, U_f = 2−4(½+a/2)^r, U_b = 2−4(½−b/4)^r, U_w = 2−4(½+b/4)^r; U_sq
 * depends on i alone and is passed in (eum_status_quo_utility). With outcomes = 0 (Q = 1,
 * where the (1−Q) term is exactly zero) U_b and U_w are not computed but set to 0. O(1). */
static inline void masad_utilities(double xi, double xj, double mu, double dx, double r,
                                   double Usq, int outcomes, double U[5])
{
    double a = masad_base_a(xi, xj, dx);
    U[MASAD_US] = eum_utility(eum_pow_r(0.5 - 0.5 * a, r));
    U[MASAD_UF] = eum_utility(eum_pow_r(0.5 + 0.5 * a, r));
    if (outcomes) {
        double b = masad_base_b(xi, xj, mu, dx);
        U[MASAD_UB] = eum_utility(eum_pow_r(0.5 - 0.25 * b, r));
        U[MASAD_UW] = eum_utility(eum_pow_r(0.5 + 0.25 * b, r));
    } else {
        U[MASAD_UB] = U[MASAD_UW] = 0;
    }
    U[MASAD_USQ] = Usq;
}

/* EU_i(j) = s_j(P U_s + (1−P) U_f) + (1−s_j) U_s − Q U_sq + (1−Q)(T U_b + (1−T) U_w), in three
 * parts that the fast path's all-pairs scan also forms separately: the contest part
 * A = P U_s + (1−P) U_f, the status-quo part Q U_sq − (1−Q)(T U_b + (1−T) U_w) (eq. 2 with the
 * sign of the (1−Q) term flipped, as in bdm2) and their combination. O(1). */
static inline double masad_contest(double P, double Us, double Uf)
{
    return P * Us + (1 - P) * Uf;
}

static inline double masad_status_quo(double Usq, double Ub, double Uw, double Q, double T)
{
    return Q * Usq - (1 - Q) * (T * Ub + (1 - T) * Uw);
}

static inline double masad_combine(double s_j, double contest, double Us, double status_quo)
{
    return (s_j * contest + (1 - s_j) * Us) - status_quo;
}

static inline double masad_eu(double P, const double U[5], double s_j, double Q, double T)
{
    return masad_combine(s_j, masad_contest(P, U[MASAD_US], U[MASAD_UF]), U[MASAD_US],
                         masad_status_quo(U[MASAD_USQ], U[MASAD_UB], U[MASAD_UW], Q, T));
}

#endif
