/*
 * eum_masad_fast_kernels.c — the wide kernels of the masad fast path: the win probabilities of
 * a sender position eight lanes at a time (prob_slice_body), pass 1's column sums X
 * (pass1_body), and pass 2's single-precision screen of every (sender, receiver) pair with the
 * exact re-evaluation of the candidates and each thread's best offers (pass2_body). Each body is
 * compiled for AVX-512F, AVX2 and baseline SSE2 (EUM_KERNELS) and masad_pick_kernels picks one
 * at run time. The helpers of the vector loops are in this file or static inline in
 * eum_masad_fast.h (midpoint_index), so they are inlined into each target instance; the scalar
 * functions called only for a doubtful lane or a candidate (masad_denominator,
 * masad_probability_one) are ordinary calls into eum_masad_fast_positions.c. The round that
 * sets the kernels up, runs them on threads and merges their results is in eum_masad_fast.c.
 */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "core/util.h"
#include "models/eum_formula.h"
#include "models/eum_masad_fast.h"

/* ---- wide kernels: 8 doubles / 16 floats per vector --------------------------------------
 * Written once with GCC vector extensions and compiled three times (AVX-512F, AVX2, baseline
 * SSE2), picked at run time. Every lane does the same IEEE operations in the same order and
 * nothing is contracted (-ffp-contract=off), so the three builds give bit-identical results. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
typedef double wd __attribute__((vector_size(64)));
typedef long long wl __attribute__((vector_size(64)));
typedef float wf __attribute__((vector_size(64)));
typedef int wi __attribute__((vector_size(64)));
typedef float hf __attribute__((vector_size(32)));
#define ALWAYS static inline __attribute__((always_inline))

ALWAYS wd wd_load(const double *p) { wd v; memcpy(&v, p, sizeof v); return v; }
ALWAYS void wd_store(double *p, wd v) { memcpy(p, &v, sizeof v); }
ALWAYS wd wd_splat(double v) { return (wd){v, v, v, v, v, v, v, v}; }
ALWAYS wd wd_select(wl mask, wd yes, wd no) { return (wd)(((wl)yes & mask) | ((wl)no & ~mask)); }
ALWAYS wf wf_load(const float *p) { wf v; memcpy(&v, p, sizeof v); return v; }
ALWAYS void wf_store(float *p, wf v) { memcpy(p, &v, sizeof v); }
ALWAYS wi wi_load(const int *p) { wi v; memcpy(&v, p, sizeof v); return v; }
ALWAYS void wi_store(int *p, wi v) { memcpy(p, &v, sizeof v); }
ALWAYS wf wf_splat(float v) { return (wf){v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v}; }
ALWAYS wf wf_select(wi mask, wf yes, wf no) { return (wf)(((wi)yes & mask) | ((wi)no & ~mask)); }
ALWAYS int wi_any(wi mask)
{
    unsigned long long part[8];
    memcpy(part, &mask, sizeof part);
    return (part[0] | part[1] | part[2] | part[3] | part[4] | part[5] | part[6] | part[7]) != 0;
}
ALWAYS int wl_any(wl mask)
{
    unsigned long long part[8];
    memcpy(part, &mask, sizeof part);
    return (part[0] | part[1] | part[2] | part[3] | part[4] | part[5] | part[6] | part[7]) != 0;
}
/* Masks from comparisons are never combined with & or | below: GCC 12 lowers such a
 * combination (a vector of booleans) to one scalar compare per lane before the generic
 * bodies are inlined into the AVX-512 instances (vcomiss chains in the disassembly). A single
 * comparison used as a select mask or an integer stays one vcmpps/vcmppd; conditions are
 * combined through selects instead. Same results either way. */
typedef int hi32 __attribute__((vector_size(32)));
ALWAYS wl wd_gt(wd a, wd b) { return a > b; }
ALWAYS wl wd_not_gt(wd a, wd b) { return ~(a > b); }
ALWAYS wl wd_ge(wd a, wd b) { return a >= b; }
ALWAYS wl wd_lt(wd a, wd b) { return a < b; }
/* all ones in the first min(k, 8) lanes, zeros after (loaded, not compared) */
static const long long lanes_tab[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
ALWAYS wl lanes_below(size_t k)
{
    wl v;
    memcpy(&v, lanes_tab + 8 - (k < 8 ? k : 8), sizeof v);
    return v;
}
ALWAYS wi wf_gt(wf a, wf b) { return a > b; }
ALWAYS wi wf_le(wf a, wf b) { return a <= b; }
ALWAYS wi wf_lt(wf a, wf b) { return a < b; }
ALWAYS hi32 hf_gt(hf a, hf b) { return a > b; }

/* two vectors of 8 doubles → one of 16 floats */
ALWAYS wf wf_from(wd lo, wd hi)
{
    hf a = __builtin_convertvector(lo, hf), b = __builtin_convertvector(hi, hf);
    return __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}

/* Single-precision log for b ∈ [0, 1] (b < 1e-30 gives −200, whose exp is ~0). Relative error
 * ~1e-7: only used to screen offers, see pass2_screen. */
ALWAYS wf wf_log(wf b)
{
    wi bits = (wi)b;
    wi e = ((bits >> 23) & 0xff) - 127;
    wf m = (wf)((bits & 0x007fffff) | 0x3f800000); /* [1, 2) */
    wi big = m > wf_splat(1.41421356f);
    m = wf_select(big, m * wf_splat(0.5f), m);
    e = e - big;
    wf t = (m - wf_splat(1.0f)) / (m + wf_splat(1.0f)), t2 = t * t;
    wf p = ((wf_splat(1.0f / 9) * t2 + wf_splat(1.0f / 7)) * t2 + wf_splat(1.0f / 5)) * t2;
    p = (p + wf_splat(1.0f / 3)) * t2 + wf_splat(1.0f);
    wf r = __builtin_convertvector(e, wf) * wf_splat(0.693147181f) + wf_splat(2.0f) * t * p;
    return wf_select(b < wf_splat(1e-30f), wf_splat(-200.0f), r);
}

/* Single-precision exp for y ≤ 0 (clamped at −87). Relative error ~2e-7. */
ALWAYS wf wf_exp(wf y)
{
    y = wf_select(y < wf_splat(-87.0f), wf_splat(-87.0f), y);
    const wf magic = wf_splat(12582912.0f); /* 1.5·2^23 */
    wf kf = y * wf_splat(1.44269504f) + magic;
    wi k = (wi)kf - (wi)magic;
    kf = kf - magic;
    wf f = (y - kf * wf_splat(0.693145752f)) - kf * wf_splat(1.42860677e-06f);
    wf p = wf_splat(1.0f / 720);
    p = p * f + wf_splat(1.0f / 120);
    p = p * f + wf_splat(1.0f / 24);
    p = p * f + wf_splat(1.0f / 6);
    p = p * f + wf_splat(0.5f);
    p = p * f + wf_splat(1.0f);
    p = p * f + wf_splat(1.0f);
    return p * (wf)((k + 127) << 23);
}

/* log(1 + v) in single precision, for v = 2b − 1 ∈ [−1, 1] given also as u = 2b (both rounded
 * from the double base b): log u · v/(u − 1), which keeps a relative error of a few ulp when u
 * is near 1 (Goldberg's correction; u = 1 gives v). u = 0 gives −200. */
ALWAYS wf wf_log1p(wf u, wf v)
{
    wf l = wf_log(u) * (v / (u - wf_splat(1.0f)));
    return wf_select(u == wf_splat(1.0f), v, l);
}

/* exp(y) − 1 in single precision for y ≤ 1.4 with a small relative error: the Taylor series
 * below |y| < ln2/2 (truncation < 2e-8 relative), exp(y) − 1 above (|result| ≥ 0.29, so
 * wf_exp's error stays ~1e-6 relative). */
ALWAYS wf wf_expm1(wf y)
{
    wf p = wf_splat(1.0f / 40320);
    p = p * y + wf_splat(1.0f / 5040);
    p = p * y + wf_splat(1.0f / 720);
    p = p * y + wf_splat(1.0f / 120);
    p = p * y + wf_splat(1.0f / 24);
    p = p * y + wf_splat(1.0f / 6);
    p = p * y + wf_splat(0.5f);
    p = p * y + wf_splat(1.0f);
    wf small = p * y;
    wf ay = (wf)((wi)y & ~(wi)wf_splat(-0.0f));
    return wf_select(ay < wf_splat(0.34657359f), small, wf_exp(y) - wf_splat(1.0f));
}

/* First index in [first, last] with 2·u ≥ sum (it exists: 2·u[last] ≥ sum by construction). */
static size_t first_at_least(const double *u, size_t first, size_t last, double sum)
{
    while (first < last) {
        size_t mid = first + (last - first) / 2;
        if (2 * u[mid] >= sum) last = mid;
        else first = mid + 1;
    }
    return first;
}

/* P_p(q) for q ∈ [q0, q1) into P[q] (the formula of `masad_denominator`, same operation order,
 * eight lanes at a time; the midpoint indices are found by a monotone scalar walk first). pwm,
 * pwxm: scratch of m + EUM_PAD. Lanes whose denominator may be rounding noise are redone by the
 * scalar `masad_denominator`. Returns 0 if a denominator is zero (the reference divides by
 * zero). */
ALWAYS int prob_slice_body(const masad_positions *mp, size_t p, size_t q0, size_t q1, double *P,
                           double *pwm, double *pwxm, float *Pf)
{
    const hf hzero = {0};
    const double *u = mp->u, *PW = mp->PW, *PWX = mp->PWX, *F = mp->F;
    const wd Wt = wd_splat(PW[mp->m]), tol = wd_splat(mp->tol), two = wd_splat(2.0);
    const wd zero = wd_splat(0.0), Fp = wd_splat(F[p]), up = wd_splat(u[p]);
    const wd big = wd_splat(DBL_MAX);
    wl fix = {0};
    /* left of p: lo = q, hi = p */
    size_t e = q1 < p ? q1 : p;
    if (q0 < e) {
        const wd PWhi = wd_splat(PW[p]), PWXhi = wd_splat(PWX[p]);
        for (size_t q = q0; q < e; q += WD) {
            wd top = wd_load(F + q) - Fp;
            if (!wl_any(wd_ge(top, -tol))) { /* P = 0 for all eight: no denominator needed */
                if (Pf) memset(Pf + q, 0, WD * sizeof *Pf);
                else wd_store(P + q, zero);
                continue;
            }
            for (size_t k = q; k < q + WD && k < e; k++) {
                size_t qm = midpoint_index(mp, u[k] + u[p]);
                pwm[k] = PW[qm];
                pwxm[k] = PWX[qm];
            }
            wd uq = wd_load(u + q), sum = uq + up, L = up - uq;
            wd PWa = wd_load(PW + q + 1), PWXa = wd_load(PWX + q + 1);
            wd Pm = wd_load(pwm + q), PXm = wd_load(pwxm + q);
            wd Win = PWhi - PWa;
            wd left = sum * (Pm - PWa) - two * (PXm - PWXa);
            wd right = two * (PWXhi - PXm) - sum * (PWhi - Pm);
            wd bot = L * (Wt - Win) + left + right;
            if (Pf) { /* single precision, for screening only */
                hf t8 = __builtin_convertvector(top, hf), b8 = __builtin_convertvector(bot, hf);
                hf v = t8 / b8;
                hi32 pos = hf_gt(t8, hzero);
                v = (hf)((hi32)v & pos);
                memcpy(Pf + q, &v, sizeof v);
            } else
                wd_store(P + q, wd_select(wd_gt(top, zero), top / bot, zero));
            /* doubtful: not top < −tol, and not bot > tol (NaN included), in range */
            wd doubt = wd_select(wd_lt(top, -tol), big, bot);
            fix |= wd_not_gt(doubt, tol) & lanes_below(e - q);
        }
    }
    if (p >= q0 && p < q1) {
        if (Pf) Pf[p] = 0;
        else P[p] = 0;
    }
    /* right of p: lo = p, hi = q */
    size_t b = q0 > p + 1 ? q0 : p + 1;
    if (b < q1) {
        const wd PWa = wd_splat(PW[p + 1]), PWXa = wd_splat(PWX[p + 1]);
        for (size_t q = b; q < q1; q += WD) {
            wd top = wd_load(F + q) - Fp;
            if (!wl_any(wd_ge(top, -tol))) {
                if (Pf) memset(Pf + q, 0, WD * sizeof *Pf);
                else wd_store(P + q, zero);
                continue;
            }
            for (size_t k = q; k < q + WD && k < q1; k++) {
                size_t qm = midpoint_index(mp, u[p] + u[k]);
                pwm[k] = PW[qm];
                pwxm[k] = PWX[qm];
            }
            wd uq = wd_load(u + q), sum = up + uq, L = uq - up;
            wd PWhi = wd_load(PW + q), PWXhi = wd_load(PWX + q);
            wd Pm = wd_load(pwm + q), PXm = wd_load(pwxm + q);
            wd Win = PWhi - PWa;
            wd left = sum * (Pm - PWa) - two * (PXm - PWXa);
            wd right = two * (PWXhi - PXm) - sum * (PWhi - Pm);
            wd bot = L * (Wt - Win) + left + right;
            if (Pf) { /* single precision, for screening only */
                hf t8 = __builtin_convertvector(top, hf), b8 = __builtin_convertvector(bot, hf);
                hf v = t8 / b8;
                hi32 pos = hf_gt(t8, hzero);
                v = (hf)((hi32)v & pos);
                memcpy(Pf + q, &v, sizeof v);
            } else
                wd_store(P + q, wd_select(wd_gt(top, zero), top / bot, zero));
            wd doubt = wd_select(wd_lt(top, -tol), big, bot);
            fix |= wd_not_gt(doubt, tol) & lanes_below(q1 - q);
        }
    }
    if (!wl_any(fix)) return 1;
    for (size_t q = q0; q < q1; q++) { /* rare: redo the doubtful lanes one by one */
        if (q == p) continue;
        size_t lo = q < p ? q : p, hi = q < p ? p : q;
        double top = F[q] - F[p];
        if (top < -mp->tol) continue;
        size_t qm = first_at_least(u, lo + 1, hi, u[lo] + u[hi]);
        double bot = masad_denominator(mp, lo, hi, qm);
        if (!(bot > 0)) return 0;
        if (Pf) Pf[q] = (float)((top > 0 ? top : 0) / bot);
        else P[q] = (top > 0 ? top : 0) / bot;
    }
    return 1;
}

ALWAYS wd wd_abs(wd v) { return (wd)((wl)v & ~(wl)wd_splat(-0.0)); }

/* Pass 1 for target positions [q0, q1) (q0, q1 multiples of WD, or q1 = m). With r = 1 the
 * utilities are linear in a = |u_p − u_q|/dx (Us = 2a, Uf = −2a, Ub = bw, Uw = −bw), so a
 * column sum splits into parts with closed forms from prefix sums (eum_masad_round_fast) and
 *   X[q] = Σ_p count_p · P_p(q) · |u_p − u_q|,
 * the only part that needs the win probabilities; P_p(q) > 0 only where F(u_q) > F(u_p), so
 * about half the pairs, each unordered pair's denominator once. Every sender position p in
 * order adds to X in p order — so each column's sum is the same whatever the slicing. */
ALWAYS void pass1_body(pass1_args *a)
{
    const masad_positions *mp = a->mp;
    const size_t m = mp->m, q0 = a->q0, q1 = a->q1;
    const double *u = mp->u;
    for (size_t p = 0; p < m; p++) {
        if (!prob_slice_body(mp, p, q0, q1, a->P, a->pwm, a->pwxm, NULL)) {
            a->ok = 0;
            return;
        }
        const wd up = wd_splat(u[p]);
        const wd cnt = wd_splat((double)mp->count[p]);
        for (size_t q = q0; q < q1; q += WD) {
            wd P = wd_load(a->P + q);
            wd_store(a->X + q, wd_load(a->X + q) + cnt * (P * wd_abs(up - wd_load(u + q))));
        }
    }
    a->ok = 1;
}

/* ---- pass 2: offers, screened in single precision ----------------------------------------
 * An offer from sender i reaches receiver j if EU_i(j) > 0, and j keeps the largest. For every
 * (sender, receiver) pair pass 2 evaluates EU in single precision as eu~ = s_j·D + E, from
 * parts that each carry a small relative error (utilities as usq + d, d from expm1/log1p; see
 * the sender loop), with a bound |eu~ − EU| ≤ s_j·G + H (EU as the exact path computes it):
 * G, H are δ = 3e-5 times the sizes of the parts (the single-precision errors are ~5e-7
 * relative; an all-pairs check on random and clustered issues found at most 1.6 % of δ), and
 * H adds η (2e-14 times the terms' scale; ≥ 10× the exact path's own rounding, < 2e-15 at
 * Q = 1). With lo/hi = eu~ ∓ bound: lo > 0 is an offer, hi ≤ 0 is not. A pair is a candidate
 * — evaluated again exactly, with glibc pow as the straight path does — if its sign is in
 * doubt (lo ≤ 0 < hi) or it may be the receiver's best (hi ≥ M, M the largest lo seen so far
 * for the receiver by this thread, ≥ 0; before the exact pass, such candidates with hi below
 * the final M are dropped). The exact maximum is always a candidate, so the selected offer and
 * its EU are those of an all-exact scan, whatever the visiting order and the split over
 * threads. The margin is relative because once actors cluster most EU are small (|EU| < 1e-4
 * for 60 % of the pairs): an absolute margin put them all in doubt. Actors at the sender's own
 * position are evaluated exactly. The records (p2_cand, pass2_shared, pass2_local) are in
 * eum_masad_fast.h; the round (pass2_screened) sets them up and merges the threads' results. */

/* EU_i(j) exactly, as the straight path computes it (eum_formula.h) */
static double exact_eu(const masad_positions *mp, const double *x, const double *s,
                       const double *r, const double *usq, double Q, double T, double dx,
                       double mu, size_t i, size_t j)
{
    size_t qi = mp->index[i], qj = mp->index[j];
    double P = qi == qj ? 0.0 : masad_probability_one(mp, qi, qj);
    double U[5]; /* with Q = 1, U_b and U_w are multiplied by 0: their two pows are skipped */
    masad_utilities(x[i], x[j], mu, dx, r[i], usq[i], Q != 1, U);
    return masad_eu(P, U, s[j], Q, T);
}

static void offer_exact(pass2_local *lo, size_t i, size_t j, double eu)
{
    const pass2_shared *sh = lo->sh;
    double dist = fabs(sh->x[j] - sh->x[i]);
    if (better_offer(eu, dist, (long)i, lo->best_eu[j], lo->best_dist[j], lo->best[j])) {
        lo->best[j] = (long)i;
        lo->best_eu[j] = eu;
        lo->best_dist[j] = dist;
    }
}

static void push_cand(pass2_local *lo, size_t t, size_t i, float hi, int amb)
{
    if (lo->ncand == lo->capcand) {
        lo->capcand = lo->capcand ? 2 * lo->capcand : 1024;
        lo->cand = en_xrealloc(lo->cand, lo->capcand * sizeof *lo->cand);
    }
    lo->cand[lo->ncand++] = (p2_cand){(unsigned)t, (unsigned)i, hi, (unsigned)amb};
}

ALWAYS void pass2_body(pass2_local *lo)
{
    pass2_shared *sh = lo->sh;
    const masad_positions *mp = sh->mp;
    const size_t m = mp->m, n = sh->n, n16 = sh->n16, m16 = sh->m16;
    const double *u = mp->u, *x = sh->x, *s = sh->s, *r = sh->r;
    const double Q = sh->Q, T = sh->T;
    const wd dx = wd_splat(sh->dx), half = wd_splat(0.5),
             quarter = wd_splat(0.25);
    const wf one = wf_splat(1.0f), Tf = wf_splat((float)T);
    const wf tiny = wf_splat(FLT_TRUE_MIN), fzero = wf_splat(0.0f);
    /* With shared positions (m < n) the per-alter tables are laid out by receiver rank (n
     * columns), so the receiver scan reads them directly; else by position (m = n columns,
     * the same order). The single-precision values are the same either way. */
    const int shared_positions = m < n;
    const size_t ncol = shared_positions ? n : m, ncol16 = shared_positions ? n16 : m16;
    const double *cu = shared_positions ? sh->xr : u;
    float *D = lo->D, *E_ = lo->E, *G = lo->G, *H = lo->H, *Pc = shared_positions ? lo->Pc : lo->Pf;
    (void)m16;
    for (;;) {
        size_t k = atomic_fetch_add(&sh->next, 1);
        if (k >= m) break;
        const size_t p = sh->perm[k];
        if (!prob_slice_body(mp, p, 0, m, lo->P, lo->pwm, lo->pwxm, lo->Pf)) {
            lo->ok = 0;
            return;
        }
        if (shared_positions)
            for (size_t t = 0; t < n; t++) Pc[t] = lo->Pf[sh->pos_of[t]];
        /* per alter (position or rank): log1p(2b − 1) of the bases b, and P, in single
         * precision (bases formed in double, so 2b is accurate even for b near 0) */
        const wd up = wd_splat(u[p]), dmu = wd_splat(fabs(u[p] - sh->mu)), two_d = wd_splat(2.0),
                 one_d = wd_splat(1.0);
        for (size_t q = 0; q < ncol; q += WF) {
            wd d0 = up - wd_load(cu + q), d1 = up - wd_load(cu + q + WD);
            /* the bases as the exact path forms them, bit for bit: their rounding is then no
             * part of the error bound (it matters when a base is near 0) */
            wd a0 = wd_abs(d0 / dx), a1 = wd_abs(d1 / dx);
            wd m0 = two_d * (half - half * a0), m1 = two_d * (half - half * a1);
            wd p0 = two_d * (half + half * a0), p1 = two_d * (half + half * a1);
            wf_store(lo->Lm + q, wf_log1p(wf_from(m0, m1), wf_from(m0 - one_d, m1 - one_d)));
            wf_store(lo->Lp + q, wf_log1p(wf_from(p0, p1), wf_from(p0 - one_d, p1 - one_d)));
            if (Q != 1) {
                wd b0 = (dmu + wd_abs(d0)) / dx, b1 = (dmu + wd_abs(d1)) / dx;
                wd bm0 = two_d * (half - quarter * b0), bm1 = two_d * (half - quarter * b1);
                wd bp0 = two_d * (half + quarter * b0), bp1 = two_d * (half + quarter * b1);
                wf_store(lo->LBm + q,
                         wf_log1p(wf_from(bm0, bm1), wf_from(bm0 - one_d, bm1 - one_d)));
                wf_store(lo->LBp + q,
                         wf_log1p(wf_from(bp0, bp1), wf_from(bp0 - one_d, bp1 - one_d)));
            }
        }
        const size_t t_lo = sh->start[p], t_hi = t_lo + mp->count[p];
        for (size_t ti = t_lo; ti < t_hi; ti++) {
            const size_t i = mp->order[ti];
            const double ri = r[i];
            const double usq = sh->usq[i];
            double U0[5]; /* against an alter at i's own position */
            masad_utilities(x[i], x[i], sh->mu, sh->dx, ri, usq, 1, U0);
            /* Each utility is usq + d with d = −c4·expm1(r·log1p(2b − 1)), c4 = 4·0.5^r = 2 − usq,
             * so that EU = s·D + E with
             *   D = (1 − P)(dF − dS) ≤ 0,  E = dS + (1 − Q)(2·usq + T·dB + (1 − T)·dW),
             * every part computed to a small relative error. Bound on |eu~ − EU| (EU as the
             * exact path computes it): s·G + H with G = δ·|dF − dS|, H = δ·(dS + |1 − Q|·(…)) + η
             * (δ: relative, single precision; η: the exact path's own rounding). */
            const wf rv = wf_splat((float)ri), c4 = wf_splat((float)(4 * pow(0.5, ri)));
            const wf usq2 = wf_splat((float)(2 * usq)), ausq2 = wf_splat((float)fabs(2 * usq));
            const wf omQ = wf_splat((float)(1 - Q)), aomQ = wf_splat((float)fabs(1 - Q));
            const wf omT = wf_splat((float)(1 - T)), aT = wf_splat((float)fabs(T)),
                     aomT = wf_splat((float)fabs(1 - T));
            const wf delta = wf_splat(sh->delta), eta = wf_splat(sh->eta);
            for (size_t q = 0; q < ncol; q += WF) {
                wf eS = wf_expm1(rv * wf_load(lo->Lm + q)); /* ≤ 0 */
                wf eF = wf_expm1(rv * wf_load(lo->Lp + q)); /* ≥ 0 */
                wf M1 = c4 * (eF - eS);                     /* |dF − dS| */
                wf P = wf_load(Pc + q);
                wf dS = fzero - c4 * eS;
                wf E = dS, M0 = dS;
                if (Q != 1) {
                    wf dB = fzero - c4 * wf_expm1(rv * wf_load(lo->LBm + q));
                    wf dW = fzero - c4 * wf_expm1(rv * wf_load(lo->LBp + q));
                    E = dS + omQ * (usq2 + (Tf * dB + omT * dW));
                    const wi nosign = ~(wi)wf_splat(-0.0f);
                    wf adB = (wf)((wi)dB & nosign), adW = (wf)((wi)dW & nosign);
                    M0 = dS + aomQ * (ausq2 + (aT * adB + aomT * adW));
                }
                wf_store(D + q, fzero - (one - P) * M1);
                wf_store(E_ + q, E);
                wf_store(G + q, delta * M1);
                wf_store(H + q, delta * M0 + eta);
            }
            for (size_t q = ncol; q < ncol16; q++) {
                D[q] = 0;
                E_[q] = -1e30f;
                G[q] = H[q] = 0;
            }
            /* own position: exactly, below */
            if (shared_positions)
                for (size_t t = t_lo; t < t_hi; t++) {
                    D[t] = 0;
                    E_[t] = -1e30f;
                    G[t] = H[t] = 0;
                }
            else {
                D[p] = 0;
                E_[p] = -1e30f;
                G[p] = H[p] = 0;
            }
            for (size_t t = 0; t < n16; t += WF) {
                wf sj = wf_load(sh->s_sorted + t);
                wf eu = sj * wf_load(D + t) + wf_load(E_ + t);
                wf er = sj * wf_load(G + t) + wf_load(H + t);
                wf hi = eu + er, lw = eu - er;
                wf M = wf_load(lo->M + t); /* largest lower bound so far (≥ 0) */
                /* cand = hi > 0 and (lw ≤ 0 or hi ≥ M), as one comparison: the threshold is
                 * the smallest positive float when the sign is in doubt, else M */
                wi cand = ~wf_lt(hi, wf_select(wf_le(lw, fzero), tiny, M));
                wf_store(lo->M + t, wf_select(wf_gt(lw, M), lw, M));
                wi_store(lo->cnt + t, wi_load(lo->cnt + t) - wf_gt(lw, fzero));
                if (wi_any(cand))
                    for (int l = 0; l < WF; l++)
                        if (cand[l]) push_cand(lo, t + (size_t)l, i, hi[l], lw[l] <= 0);
            }
            for (size_t t = t_lo; t < t_hi; t++) { /* receivers at the sender's position */
                size_t j = mp->order[t];
                if (j == i) continue;
                double eu = masad_eu(0.0, U0, s[j], Q, T);
                if (!(eu > 0)) continue;
                lo->cnt[t]++;
                offer_exact(lo, i, j, eu);
            }
        }
    }
    /* A candidate kept only as a possible best is dropped if its upper bound is below the
     * final M of its receiver (a lower bound of this thread's best EU for it). */
    for (size_t k = 0; k < lo->ncand; k++) {
        const p2_cand *cd = &lo->cand[k];
        if (!cd->amb && cd->hi < lo->M[cd->t]) continue;
        size_t j = mp->order[cd->t];
        double eu = exact_eu(mp, x, s, r, sh->usq, Q, T, sh->dx, sh->mu, cd->i, j);
        if (!(eu > 0)) continue;
        if (cd->amb) lo->cnt[cd->t]++;
        offer_exact(lo, cd->i, j, eu);
    }
    lo->ok = 1;
}

#define EUM_KERNELS(suffix)                                                                   \
    static void pass1_##suffix(void *a) { pass1_body(a); }                                  \
    static void pass2_##suffix(void *a) { pass2_body(a); }
#if defined(__clang__)
/* clang builds (the fuzzing build) take the baseline kernels only: speed does not matter
 * there, and clang has no per-region target pragma. */
EUM_KERNELS(base)
#else
#pragma GCC push_options
#pragma GCC target("avx512f")
EUM_KERNELS(avx512)
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx2")
EUM_KERNELS(avx2)
#pragma GCC pop_options
EUM_KERNELS(base)
#endif
/* -Wpsabi stays off to the end of the file: GCC reports it there */

void masad_pick_kernels(eum_kernel *k1, eum_kernel *k2)
{
#if defined(__clang__)
    *k1 = pass1_base;
    *k2 = pass2_base;
    return;
#else
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        *k1 = pass1_avx512;
        *k2 = pass2_avx512;
    } else if (__builtin_cpu_supports("avx2")) {
        *k1 = pass1_avx2;
        *k2 = pass2_avx2;
    } else {
        *k1 = pass1_base;
        *k2 = pass2_base;
    }
#endif
}
