/*
 * eum_masad_fast.c — one round of the "masad" EUM variant (bdm2, SPEC §2; Scholz, Calbert &
 * Smith 2011, J. Theoretical Politics 23(4):510–531), fast path. Same model as eum_masad.c,
 * sums reordered; agrees with the straight path to ~1e-15 relative.
 *
 * What makes it fast (SPEC §5):
 *   - everything that depends only on positions is computed per distinct position (m of them);
 *   - F(y) = Σ_k w_k |x_k − y| at every position by sorting and prefix sums, so the win
 *     probability's numerator F(x_j) − F(x_i) is O(1), the median is argmin F;
 *   - its denominator Σ_k w_k ||x_k − x_j| − |x_k − x_i|| is piecewise linear in x_k: weight
 *     outside [lo, hi] counts (hi − lo), weight inside |lo + hi − 2x_k|, so two prefix sums and
 *     the index of the midpoint give it in O(1); the midpoint moves monotonically as the alter
 *     moves away, so a row costs O(m);
 *   - pass 1 (every r = 1) needs no pow, and an actor's EU against k depends on the challenger
 *     only through its position, so the security sums take O(n·m);
 *   - pass 2 needs pow(b, r) for every (sender, alter position): it is exp(r·log b), the log
 *     depends only on the two positions (shared by every sender at a position) and both are
 *     evaluated two lanes at a time by series (a few ulp); then one multiply-add per
 *     (sender, receiver) finds each receiver's best offer without storing the n×n matrix.
 * Per round: O(n log n + m² + n·m) time (m² logs, n·m exps and an O(n²) scan), O(n + m)
 * memory (O(n²) only when the caller asks for the EU matrices).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "models/eum.h"

typedef struct masad_positions {
    size_t m;
    double *u;      /* distinct positions, ascending */
    double *W;      /* weight (c·s) at each */
    double *PW;     /* prefix sums of W, m + 1 entries */
    double *PWX;    /* prefix sums of W·u */
    double *F;      /* F(u_q) = Σ_k w_k |x_k − u_q| */
    size_t *count;  /* actors at each */
    size_t *index;  /* per actor: its position index */
    size_t *order;  /* actors sorted by position (stable) */
    double tol;     /* below this a computed denominator may be rounding noise */
} masad_positions;

static int build_positions(masad_positions *mp, size_t n, const double *w, const double *x)
{
    mp->order = en_xmalloc(n * sizeof *mp->order);
    for (size_t k = 0; k < n; k++) mp->order[k] = k;
    /* stable bottom-up merge sort by position (qsort has no context argument, and a
     * static key would break reentrancy) */
    size_t *ord = mp->order;
    size_t *tmp = en_xmalloc(n * sizeof *tmp);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, t = lo;
            while (a < mid && b < hi) {
                if (x[ord[b]] < x[ord[a]]) tmp[t++] = ord[b++];
                else tmp[t++] = ord[a++];
            }
            while (a < mid) tmp[t++] = ord[a++];
            while (b < hi) tmp[t++] = ord[b++];
        }
        memcpy(ord, tmp, n * sizeof *ord);
    }
    free(tmp);

    mp->u = en_xmalloc(n * sizeof *mp->u);
    mp->W = en_xcalloc(n, sizeof *mp->W);
    mp->count = en_xcalloc(n, sizeof *mp->count);
    mp->index = en_xmalloc(n * sizeof *mp->index);
    size_t m = 0;
    for (size_t t = 0; t < n; t++) {
        size_t k = ord[t];
        if (m == 0 || x[k] != mp->u[m - 1]) mp->u[m++] = x[k];
        mp->index[k] = m - 1;
        mp->W[m - 1] += w[k];
        mp->count[m - 1]++;
    }
    mp->m = m;
    mp->PW = en_xmalloc((m + 1) * sizeof *mp->PW);
    mp->PWX = en_xmalloc((m + 1) * sizeof *mp->PWX);
    mp->F = en_xmalloc(m * sizeof *mp->F);
    mp->PW[0] = mp->PWX[0] = 0;
    double umax = 0;
    for (size_t q = 0; q < m; q++) {
        mp->PW[q + 1] = mp->PW[q] + mp->W[q];
        mp->PWX[q + 1] = mp->PWX[q] + mp->W[q] * mp->u[q];
        if (fabs(mp->u[q]) > umax) umax = fabs(mp->u[q]);
    }
    const double Wt = mp->PW[m], WXt = mp->PWX[m];
    for (size_t q = 0; q < m; q++) {
        double y = mp->u[q];
        mp->F[q] = (y * mp->PW[q] - mp->PWX[q]) + ((WXt - mp->PWX[q + 1]) - y * (Wt - mp->PW[q + 1]));
    }
    mp->tol = 64 * DBL_EPSILON * Wt * (umax > 0 ? umax : 1);
    return Wt > 0;
}

static void free_positions(masad_positions *mp)
{
    free(mp->u);
    free(mp->W);
    free(mp->PW);
    free(mp->PWX);
    free(mp->F);
    free(mp->count);
    free(mp->index);
    free(mp->order);
}

/* Σ_k w_k ||x_k − u_b| − |x_k − u_a|| for positions qa < qb, qm = first index in (qa, qb] with
 * 2u ≥ u_a + u_b. O(1). Falls back to the direct O(m) sum when the result is within rounding
 * noise of zero, so that a true zero (every voter equidistant) is recognised. */
static double denominator(const masad_positions *mp, size_t qa, size_t qb, size_t qm)
{
    double lo = mp->u[qa], hi = mp->u[qb], L = hi - lo, sum = lo + hi;
    double Win = mp->PW[qb] - mp->PW[qa + 1];
    double left = sum * (mp->PW[qm] - mp->PW[qa + 1]) - 2 * (mp->PWX[qm] - mp->PWX[qa + 1]);
    double right = 2 * (mp->PWX[qb] - mp->PWX[qm]) - sum * (mp->PW[qb] - mp->PW[qm]);
    double bot = L * (mp->PW[mp->m] - Win) + left + right;
    if (bot > mp->tol) return bot;
    bot = 0;
    for (size_t q = 0; q < mp->m; q++) bot += mp->W[q] * fabs(fabs(mp->u[q] - hi) - fabs(mp->u[q] - lo));
    return bot;
}

/* P_p(q) = max(F(u_q) − F(u_p), 0) / denominator for every q (the row of sender position p),
 * by one sweep up and one down from p with a monotone midpoint pointer. O(m). Returns 0 if a
 * denominator is zero (the reference divides by zero). */
static int probability_row(const masad_positions *mp, size_t p, double *P)
{
    const size_t m = mp->m;
    const double *u = mp->u;
    P[p] = 0;
    size_t qm = p + 1;
    for (size_t q = p + 1; q < m; q++) {
        double sum = u[p] + u[q];
        while (qm < q && 2 * u[qm] < sum) qm++;
        double top = mp->F[q] - mp->F[p];
        if (top < -mp->tol) { /* P = 0; a zero denominator would make top zero too */
            P[q] = 0;
            continue;
        }
        double bot = denominator(mp, p, q, qm);
        if (!(bot > 0)) return 0;
        P[q] = (top > 0 ? top : 0) / bot;
    }
    qm = p;
    for (size_t q = p; q-- > 0;) {
        double sum = u[q] + u[p];
        while (qm > q + 1 && 2 * u[qm - 1] >= sum) qm--;
        double top = mp->F[q] - mp->F[p];
        if (top < -mp->tol) {
            P[q] = 0;
            continue;
        }
        double bot = denominator(mp, q, p, qm);
        if (!(bot > 0)) return 0;
        P[q] = (top > 0 ? top : 0) / bot;
    }
    return 1;
}

/* One probability P_a(b) (positions a ≠ b) by binary search for the midpoint. O(log m). */
static double probability_one(const masad_positions *mp, size_t a, size_t b)
{
    size_t lo = a < b ? a : b, hi = a < b ? b : a;
    double sum = mp->u[lo] + mp->u[hi];
    size_t first = lo + 1, last = hi; /* answer in [first, last] */
    while (first < last) {
        size_t mid = (first + last) / 2;
        if (2 * mp->u[mid] >= sum) last = mid;
        else first = mid + 1;
    }
    double bot = denominator(mp, lo, hi, first);
    double top = mp->F[b] - mp->F[a];
    return (top > 0 ? top : 0) / bot;
}


/* ---- two-lane log and exp (GCC/clang vector extensions, SSE2 baseline) -------------------
 * pow(b, r) = exp(r·log b) with b = 1/2 ± a/2 ∈ [0, 1]: the logarithm depends only on the pair
 * of positions and is shared by every sender at a position; the exponential is per sender. Both
 * are evaluated two lanes at a time by the series below (relative error a few ulp, against
 * glibc's correctly rounded-ish pow: the fast path's results move by ~1e-15). */
typedef double v2d __attribute__((vector_size(16)));
typedef long long v2l __attribute__((vector_size(16)));
typedef unsigned long long v2u __attribute__((vector_size(16)));

static inline v2d v_splat(double v) { return (v2d){v, v}; }
static inline v2d v_select(v2l mask, v2d yes, v2d no)
{
    return (v2d)(((v2l)yes & mask) | ((v2l)no & ~mask));
}

static const double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;

/* natural log for b in [0, 1]; b = 0 gives −1e4 (so that exp(r·log b) underflows to ~0) */
static inline __attribute__((always_inline)) v2d v_log(v2d b)
{
    v2l bits = (v2l)b;
    v2l e = ((bits >> 52) & 0x7ff) - 1023;
    v2d m = (v2d)((bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL); /* [1, 2) */
    v2l big = m > v_splat(1.4142135623730951);
    m = v_select(big, m * v_splat(0.5), m);
    e = e - big; /* big is −1 where true */
    v2d ed = __builtin_convertvector(e, v2d);
    v2d t = (m - v_splat(1.0)) / (m + v_splat(1.0)), t2 = t * t;
    /* 2 atanh t = 2t Σ t^(2k)/(2k+1), |t| ≤ 0.1716: 12 terms reach 1e-18 */
    v2d p = v_splat(1.0 / 23);
    static const double c[] = {1.0 / 21, 1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11,
                               1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3, 1.0};
    for (int k = 0; k < 11; k++) p = p * t2 + v_splat(c[k]);
    v2d lnm = v_splat(2.0) * t * p;
    v2d result = ed * v_splat(LN2_HI) + (ed * v_splat(LN2_LO) + lnm);
    return v_select(b == v_splat(0.0), v_splat(-1e4), result);
}

/* exp for y ≤ 0 (clamped at −700, where the result is below 1e-304) */
static inline __attribute__((always_inline)) v2d v_exp(v2d y)
{
    y = v_select(y < v_splat(-700.0), v_splat(-700.0), y);
    const v2d magic = v_splat(0x1.8p52);
    v2d kd = y * v_splat(1.4426950408889634) + magic;
    v2l kbits = (v2l)kd;
    kd = kd - magic;
    v2d f = (y - kd * v_splat(LN2_HI)) - kd * v_splat(LN2_LO); /* |f| ≤ 0.347 */
    static const double inv_fact[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0,
                                      1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
                                      1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0,
                                      1.0 / 6.0, 0.5, 1.0, 1.0};
    v2d p = v_splat(inv_fact[0]);
    for (int k = 1; k < 14; k++) p = p * f + v_splat(inv_fact[k]);
    v2d scale = (v2d)(((v2u)kbits + 1023) << 52); /* 2^k: the low bits of kbits hold k */
    return p * scale;
}

static inline v2d v_load(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void v_store(double *p, v2d v) { memcpy(p, &v, sizeof v); }


/* Bulk versions over arrays whose length is a multiple of 8: four independent two-lane chains
 * per step, so the series are throughput-bound rather than latency-bound. in may equal out. */
static void log_bulk(const double *in, double *out, size_t len)
{
    for (size_t q = 0; q < len; q += 8) {
        v2d a = v_log(v_load(in + q)), b = v_log(v_load(in + q + 2));
        v2d c = v_log(v_load(in + q + 4)), d = v_log(v_load(in + q + 6));
        v_store(out + q, a);
        v_store(out + q + 2, b);
        v_store(out + q + 4, c);
        v_store(out + q + 6, d);
    }
}

/* out[q] = 2 − 4·exp(r·L[q]): the utilities 2 − 4·pow(b, r) */
static void utility_bulk(double r, const double *L, double *out, size_t len)
{
    const v2d rv = v_splat(r), two = v_splat(2.0), four = v_splat(4.0);
    for (size_t q = 0; q < len; q += 8) {
        v2d a = v_exp(rv * v_load(L + q)), b = v_exp(rv * v_load(L + q + 2));
        v2d c = v_exp(rv * v_load(L + q + 4)), d = v_exp(rv * v_load(L + q + 6));
        v_store(out + q, two - four * a);
        v_store(out + q + 2, two - four * b);
        v_store(out + q + 4, two - four * c);
        v_store(out + q + 6, two - four * d);
    }
}

eum_status eum_masad_round_fast(const eum_config *cfg, size_t n, const double *c,
                                const double *s, const double *x, double *x_out,
                                eum_move *moves, eum_trace *trace)
{
    const double Q = cfg->Q, T = cfg->T, dx = cfg->xmax - cfg->xmin;
    double *w = en_xmalloc(n * sizeof *w);
    for (size_t k = 0; k < n; k++) w[k] = c[k] * s[k];
    masad_positions mp;
    int informative = build_positions(&mp, n, w, x);
    const size_t m = mp.m;
    double *r = en_xmalloc(n * sizeof *r);
    double *S = en_xcalloc(n, sizeof *S);
    /* per alter position, padded to an even length for the two-lane loops */
    const size_t m2 = (m + 7) & ~(size_t)7;
    double *P = en_xcalloc(m2, sizeof *P);
    double *A = en_xcalloc(m2, sizeof *A); /* P·Us + (1 − P)·Uf */
    double *Us = en_xcalloc(m2, sizeof *Us);
    double *tail = en_xcalloc(m2, sizeof *tail);
    double *Uf = en_xcalloc(4 * m2, sizeof *Uf), *Ub = Uf + m2, *Uw = Uf + 2 * m2;
    double *Lm = en_xcalloc(4 * m2, sizeof *Lm); /* log(1/2 ∓ a/2), log(1/2 ∓ bw/4) */
    double *Lp = Lm + m2, *LBm = Lm + 2 * m2, *LBp = Lm + 3 * m2;
    double *colA = en_xcalloc(6 * m2, sizeof *colA); /* pass-1 column sums and diagonals */
    double *colU = colA + m2, *colT = colA + 2 * m2;
    double *diagA = colA + 3 * m2, *diagU = colA + 4 * m2, *diagT = colA + 5 * m2;
    double *best_eu = en_xmalloc(n * sizeof *best_eu);
    double *best_dist = en_xmalloc(n * sizeof *best_dist);
    long *best = en_xmalloc(n * sizeof *best);
    size_t *offers = en_xcalloc(n, sizeof *offers);
    eum_status status = EUM_ROUND_OK;
    if (!informative) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }

    /* Pass 1 (r = 1, so pow(v, 1) = v and Usq = 0): mu = weighted median = argmin F. */
    size_t qmed = 0;
    for (size_t q = 1; q < m; q++)
        if (mp.F[q] < mp.F[qmed]) qmed = q;
    double mu = mp.u[qmed];
    for (size_t p = 0; p < m; p++) {
        if (!probability_row(&mp, p, P)) {
            status = EUM_ROUND_NO_INFORMATION;
            goto done;
        }
        for (size_t q = 0; q < m; q++) {
            double a = fabs((mp.u[p] - mp.u[q]) / dx);
            double bw = (fabs(mp.u[p] - mu) + fabs(mp.u[p] - mp.u[q])) / dx;
            double us = 2 - 4 * (0.5 - 0.5 * a), uf = 2 - 4 * (0.5 + 0.5 * a);
            double ub = 2 - 4 * (0.5 - 0.25 * bw), uw = 2 - 4 * (0.5 + 0.25 * bw);
            A[q] = P[q] * us + (1 - P[q]) * uf;
            Us[q] = us;
            tail[q] = Q * 0.0 - (1 - Q) * (T * ub + (1 - T) * uw);
        }
        /* Every challenger at position p has the same EU against actor k, and it is affine
         * in k's salience: keep per target position the column sums over challengers. */
        double cnt = (double)mp.count[p];
        for (size_t q = 0; q < m; q++) {
            colA[q] += cnt * A[q];
            colU[q] += cnt * Us[q];
            colT[q] += cnt * tail[q];
        }
        diagA[p] = A[p];
        diagU[p] = Us[p];
        diagT[p] = tail[p];
    }
    /* S_k = Σ_{j≠k} EU_j(k): the column sums less one challenger at k's own position (k) */
    for (size_t k = 0; k < n; k++) {
        size_t q = mp.index[k];
        S[k] = (s[k] * (colA[q] - diagA[q]) + (1 - s[k]) * (colU[q] - diagU[q])) -
               (colT[q] - diagT[q]);
    }
    if (!eum_risk_exponents(n, S, NULL, r)) {
        status = EUM_ROUND_EQUAL_DANGER;
        goto done;
    }
    if (trace && trace->r) memcpy(trace->r, r, n * sizeof *r);

    /* Pass 2: new r, mu = weighted mean. Receivers are scanned in position order so the
     * per-position tables are read sequentially. */
    double top = 0, bottom = 0;
    for (size_t k = 0; k < n; k++) {
        top += w[k] * x[k];
        bottom += w[k];
    }
    mu = top / bottom;
    for (size_t k = 0; k < n; k++) best[k] = -1;
    const size_t *ord = mp.order;
    for (size_t t0 = 0; t0 < n;) {
        size_t p = mp.index[ord[t0]];
        if (!probability_row(&mp, p, P)) { /* cannot happen after pass 1; kept for safety */
            status = EUM_ROUND_NO_INFORMATION;
            goto done;
        }
        for (size_t q = 0; q < m; q++) {
            double a = fabs((mp.u[p] - mp.u[q]) / dx);
            Lm[q] = 0.5 - 0.5 * a;
            Lp[q] = 0.5 + 0.5 * a;
            if (Q != 1) {
                double bw = (fabs(mp.u[p] - mu) + fabs(mp.u[p] - mp.u[q])) / dx;
                LBm[q] = 0.5 - 0.25 * bw;
                LBp[q] = 0.5 + 0.25 * bw;
            }
        }
        log_bulk(Lm, Lm, m2);
        log_bulk(Lp, Lp, m2);
        if (Q != 1) {
            log_bulk(LBm, LBm, m2);
            log_bulk(LBp, LBp, m2);
        }
        for (size_t t = t0; t < t0 + mp.count[p]; t++) {
            size_t i = ord[t];
            const double ri = r[i];
            const double usq = 2 - 4 * pow(0.5, ri);
            utility_bulk(ri, Lm, Us, m2);
            utility_bulk(ri, Lp, Uf, m2);
            if (Q != 1) {
                utility_bulk(ri, LBm, Ub, m2);
                utility_bulk(ri, LBp, Uw, m2);
            }
            for (size_t q = 0; q < m; q++) {
                A[q] = P[q] * Us[q] + (1 - P[q]) * Uf[q];
                tail[q] = Q == 1 ? Q * usq /* (1 − Q)·(…) is exactly 0 */
                                 : Q * usq - (1 - Q) * (T * Ub[q] + (1 - T) * Uw[q]);
            }
            /* the actor's own position: a = 0, so Us = Uf = Usq exactly as in the reference */
            A[p] = P[p] * usq + (1 - P[p]) * usq;
            Us[p] = usq;
            if (Q != 1) {
                double bw = fabs(mp.u[p] - mu) / dx;
                double ub = 2 - 4 * pow(0.5 - 0.25 * bw, ri), uw = 2 - 4 * pow(0.5 + 0.25 * bw, ri);
                tail[p] = Q * usq - (1 - Q) * (T * ub + (1 - T) * uw);
            }
            for (size_t tj = 0; tj < n; tj++) {
                size_t j = ord[tj];
                if (j == i) continue;
                size_t q = mp.index[j];
                double eu = (s[j] * A[q] + (1 - s[j]) * Us[q]) - tail[q];
                if (trace && trace->eu_self) trace->eu_self[i * n + j] = eu;
                if (!(eu > 0)) continue;
                offers[j]++;
                double dist = fabs(mp.u[q] - mp.u[p]);
                if (best[j] < 0 || eu > best_eu[j] ||
                    (eu == best_eu[j] &&
                     (dist < best_dist[j] || (dist == best_dist[j] && (long)i < best[j])))) {
                    best[j] = (long)i;
                    best_eu[j] = eu;
                    best_dist[j] = dist;
                }
            }
        }
        t0 += mp.count[p];
    }
    if (trace && trace->eu_self) {
        for (size_t i = 0; i < n; i++) trace->eu_self[i * n + i] = NAN;
        if (trace->eu_other)
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++) trace->eu_other[i * n + j] = trace->eu_self[j * n + i];
    }

    /* Resolution: receiver i against its best sender j; Ui = EU_i(j) evaluated once. */
    for (size_t i = 0; i < n; i++) {
        if (best[i] < 0) continue;
        size_t j = (size_t)best[i];
        size_t qi = mp.index[i], qj = mp.index[j];
        double Pij = qi == qj ? 0.0 : probability_one(&mp, qi, qj);
        double U[5];
        double a = fabs((x[i] - x[j]) / dx);
        double bw = (fabs(x[i] - mu) + fabs(x[i] - x[j])) / dx;
        U[0] = 2 - 4 * pow(0.5 - 0.5 * a, r[i]);
        U[1] = 2 - 4 * pow(0.5 + 0.5 * a, r[i]);
        U[2] = 2 - 4 * pow(0.5 - 0.25 * bw, r[i]);
        U[3] = 2 - 4 * pow(0.5 + 0.25 * bw, r[i]);
        U[4] = 2 - 4 * pow(0.5, r[i]);
        double Ui = (s[j] * (Pij * U[0] + (1 - Pij) * U[1]) + (1 - s[j]) * U[0]);
        Ui = Ui - (Q * U[4] - (1 - Q) * (T * U[2] + (1 - T) * U[3]));
        double Uj = best_eu[i];
        eum_move *mv = &moves[i];
        mv->with = (long)j;
        mv->eu_self = Ui;
        mv->eu_other = Uj;
        mv->offer_x = x[j];
        mv->n_offers = offers[i];
        mv->type = EUM_MOVE_NONE;
        mv->new_position = x[i];
        if (Ui > 0 && Ui < Uj) {
            mv->type = EUM_MOVE_CONFRONTATION;
            mv->new_position = x[j];
        } else if (Ui < 0 && fabs(Ui) < Uj) {
            mv->type = EUM_MOVE_COMPROMISE;
            mv->new_position = x[i] + (x[j] - x[i]) * fabs(Ui / Uj);
        } else if (Ui < 0 && fabs(Ui) > Uj) {
            mv->type = EUM_MOVE_CAPITULATION;
            mv->new_position = x[j];
        }
        x_out[i] = mv->new_position;
    }
done:
    free_positions(&mp);
    free(w);
    free(r);
    free(S);
    free(P);
    free(A);
    free(Us);
    free(tail);
    free(Lm);
    free(Uf);
    free(colA);
    free(best_eu);
    free(best_dist);
    free(best);
    free(offers);
    return status;
}
