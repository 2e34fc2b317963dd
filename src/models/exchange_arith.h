/*
 * exchange_arith.h — the arithmetic of one exchange candidate (docs/models/exchange.md §5 steps
 * 1–6 and the cut-back of §6), written once for the reference kernel (exchange_kernel.c) and the
 * fast path (exchange_fast.c). Both keep their own records and bookkeeping; the expressions that
 * decide the numbers live here, so the two paths cannot drift apart and give the same bits
 * (the project compiles with -ffp-contract=off: an inlined expression rounds as written).
 * Everything is static inline on plain numbers: no state, no allocation.
 */
#ifndef ENTENTE_MODELS_EXCHANGE_ARITH_H
#define ENTENTE_MODELS_EXCHANGE_ARITH_H

#include <math.h>

/* Thresholds of §5 step 6 and the bounds slack of §12.3. */
#define EXA_MOVE_MIN 1e-10
#define EXA_GAIN_MIN 1e-10
#define EXA_SLACK 1e-9

/* Step 6 for one side at position X with last (uncommitted) move m and committed history
 * (sum h_sum; h_any: there are entries; h_pos / h_neg: every entry > 0 / < 0). Returns 1 when
 * the move is valid.
 * Time complexity: O(1). */
static inline __attribute__((always_inline)) int exa_side_valid(double X, double m, double h_sum,
                                                                int h_any, int h_pos, int h_neg)
{
    double am = fabs(m);
    if (!(am > EXA_MOVE_MIN && am <= 100 + EXA_SLACK)) return 0;
    double y = X + m;
    if (!(y >= -EXA_SLACK && y <= 100 + EXA_SLACK)) return 0;
    if (!(h_sum + m <= 100 + EXA_SLACK)) return 0;
    if (m > 0) return !h_any || h_pos;
    return !h_any || h_neg;
}

/* Step 4: the voting position X + move, clamped to 0–100 (what the slack of step 6 lets
 * through stays inside the scale).
 * Time complexity: O(1). */
static inline __attribute__((always_inline)) double exa_voting(double X, double move)
{
    double y = X + move;
    if (y > 100) y = 100;
    if (y < 0) y = 0;
    return y;
}

/* Steps 1–5 of the equal-gain exchange of i (supplies q) and j (supplies p): Xi, Xj the
 * sides' current positions on their supply issues, Di, Dj their own positions on their demand
 * issues; s_ip … the saliences, c_iq, c_jp the powers on the supply issues, Wp, Wq the issues'
 * W (§2). Writes the signed moves, the outcome shifts dp, dq and returns the gain.
 * Time complexity: O(1). */
static inline __attribute__((always_inline)) double
exa_equal_gain(double Xi, double Di, double Xj, double Dj, double s_ip, double s_iq, double s_jp,
               double s_jq, double c_iq, double c_jp, double Wp, double Wq, double *mi_out,
               double *mj_out, double *dp_out, double *dq_out)
{
    /* Step 1: j moves all the way to i's position on p. */
    double mj = fabs(Di - Xj);
    double dp = mj * s_jp * c_jp / Wp;
    double dq = dp * (s_ip + s_jp) / (s_iq + s_jq);
    double mi = dq * Wq / (c_iq * s_iq);
    /* Step 2: unless i would pass j's position on q; then i moves all the way. */
    double full_i = fabs(Dj - Xi);
    if (mi > full_i) {
        mi = full_i;
        dq = mi * s_iq * c_iq / Wq;
        dp = dq * (s_iq + s_jq) / (s_ip + s_jp);
        mj = dp * Wp / (c_jp * s_jp);
    }
    /* Step 3: each side moves toward the other side's position. */
    if (Xi > Dj) mi = -mi;
    if (Xj > Di) mj = -mj;
    *mi_out = mi;
    *mj_out = mj;
    *dp_out = dp;
    *dq_out = dq;
    /* Step 5. */
    return fabs(dq * s_iq - dp * s_ip);
}

/* The cut-back of §6 with A as supplier whose move would carry the outcome of its supply issue
 * past t, the other side O's position there: A moves just far enough to bring the outcome to t
 * (n0p: the what-if outcome with A at its current position, its own update entry winning), O
 * keeps the exchange's equal gain. Wa, Wo: W of A's and O's supply issues; cA, sA_sup, sA_dem:
 * A's power and saliences; likewise for O; XA, XO the current positions, DA A's own position on
 * its demand issue. Writes the signed moves and the shifts rA, rO; returns the new gain.
 * Time complexity: O(1). */
static inline __attribute__((always_inline)) double
exa_cutback(double Wa, double Wo, double t, double n0p, double cA, double sA_sup, double sA_dem,
            double cO, double sO_sup, double sO_dem, double XA, double XO, double DA,
            double *mA_out, double *mO_out, double *rA_out, double *rO_out)
{
    double mA = fabs(Wa * (t - n0p) / (cA * sA_sup));
    double rA = mA * sA_sup * cA / Wa;
    double rO = rA * (sA_sup + sO_dem) / (sA_dem + sO_sup);
    double mO = fabs(rO * Wo / (cO * sO_sup));
    if (XO > DA) mO = -mO;
    if (XA > t) mA = -mA;
    *mA_out = mA;
    *mO_out = mO;
    *rA_out = rA;
    *rO_out = rO;
    return fabs(rO * sO_sup - rA * sO_dem);
}

#endif
