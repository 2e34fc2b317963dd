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
 *   - pass 1 (every r = 1) needs no pow, and the utilities are linear in |x_j − x_k|: the
 *     security sums come from prefix sums plus one O(m²/2) sum of P·|u_p − u_q| over the
 *     pairs with P > 0 (pass1_body);
 *   - the midpoint index comes from a bucket table over the position range (O(1), exact), and
 *     eight-position blocks whose numerators are all negative (P = 0) skip the denominator;
 *   - pass 2 needs pow(b, r) for every (sender, alter) pair only to find, per receiver, the
 *     offers (EU > 0) and the best one: it is screened in single precision (16 lanes) with a
 *     margin relative to the size of the EU's parts, and only the pairs whose sign is in
 *     doubt or that may be a receiver's best are evaluated again exactly, with glibc pow like
 *     the straight path (see pass2_body);
 *   - both passes run on `threads` threads (eum_config.threads, 0 = online cores): pass 1 by
 *     slices of target positions (each column sum keeps its order), pass 2 by sender positions
 *     with per-thread best offers merged under a total order, so the output is bit-identical
 *     for every thread count;
 *   - the wide kernels are compiled for AVX-512F, AVX2 and baseline SSE2 and picked at run
 *     time; with no FMA contraction all three give the same bits.
 * Per round: O(n log n + m² + n·m) time (m² denominators and logs, n·m single-precision expm1s
 * and an O(n²) vectorised scan), O(threads·(n + m)) memory (O(n²) only when the caller asks for
 * the EU matrices, which uses the older all-exact scan on one thread).
 *
 * Why one file of ~1,300 lines: the wide kernels are one body compiled three times for
 * different targets (EUM_KERNELS), and they inline the static helpers above them; splitting
 * the helpers into another translation unit would stop that inlining per target.
 */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "models/eum.h"

#define EUM_PAD 32 /* padding of the per-position arrays, > two wide vectors */

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
    /* bucket index of the position range: bucket(v) = ⌊(v − u_0)·scale⌋ (monotone in v), and
     * first[b] = the first position whose bucket is ≥ b; it locates a midpoint in O(1) */
    double scale;
    size_t nbucket;
    unsigned *first; /* (32-bit: half the cache footprint) */
} masad_positions;

static size_t bucket_of(const masad_positions *mp, double v)
{
    double t = (v - mp->u[0]) * mp->scale;
    if (!(t > 0)) return 0;
    return t >= (double)mp->nbucket ? mp->nbucket : (size_t)t;
}

/* The first position index q with 2·u_q ≥ sum (sum = u_lo + u_hi, lo < hi: the midpoint index
 * of the denominator). Exact: the bucket's first entry is never past it. */
static inline size_t midpoint_index(const masad_positions *mp, double sum)
{
    const double *u = mp->u;
    size_t q = mp->first[bucket_of(mp, 0.5 * sum)];
    /* usually no step at all (8 buckets per position): a well-predicted branch, faster
     * than stepping without branches */
    while (2 * u[q] < sum) q++;
    return q;
}

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
    /* padded by EUM_PAD entries (copies of the last) for the wide vector loops */
    mp->u = en_xrealloc(mp->u, (m + EUM_PAD) * sizeof *mp->u);
    mp->PW = en_xmalloc((m + 1 + EUM_PAD) * sizeof *mp->PW);
    mp->PWX = en_xmalloc((m + 1 + EUM_PAD) * sizeof *mp->PWX);
    mp->F = en_xmalloc((m + EUM_PAD) * sizeof *mp->F);
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
    for (size_t q = m; q < m + EUM_PAD; q++) {
        mp->u[q] = mp->u[m - 1];
        mp->F[q] = mp->F[m - 1];
        mp->PW[q + 1] = Wt;
        mp->PWX[q + 1] = WXt;
    }
    mp->nbucket = 8 * m;
    mp->scale = m > 1 ? (double)mp->nbucket / (mp->u[m - 1] - mp->u[0]) : 0;
    mp->first = en_xmalloc((mp->nbucket + 2) * sizeof *mp->first);
    for (size_t b = 0, q = 0; b < mp->nbucket + 2; b++) {
        while (q < m && bucket_of(mp, mp->u[q]) < b) q++;
        mp->first[b] = (unsigned)q;
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
    free(mp->first);
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
#define WD 8
#define WF 16
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

/* P_p(q) for q ∈ [q0, q1) into P[q] (the formula of `denominator`, same operation order, eight
 * lanes at a time; the midpoint indices are found by a monotone scalar walk first). pwm, pwxm:
 * scratch of m + EUM_PAD. Lanes whose denominator may be rounding noise are redone by the
 * scalar `denominator`. Returns 0 if a denominator is zero (the reference divides by zero). */
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
        double bot = denominator(mp, lo, hi, qm);
        if (!(bot > 0)) return 0;
        if (Pf) Pf[q] = (float)((top > 0 ? top : 0) / bot);
        else P[q] = (top > 0 ? top : 0) / bot;
    }
    return 1;
}

/* Pass 1 for target positions [q0, q1) (q0, q1 multiples of WD, or q1 = m). With r = 1 the
 * utilities are linear in a = |u_p − u_q|/dx (Us = 2a, Uf = −2a, Ub = bw, Uw = −bw), so a
 * column sum splits into parts with closed forms from prefix sums (eum_masad_round_fast) and
 *   X[q] = Σ_p count_p · P_p(q) · |u_p − u_q|,
 * the only part that needs the win probabilities; P_p(q) > 0 only where F(u_q) > F(u_p), so
 * about half the pairs, each unordered pair's denominator once. Every sender position p in
 * order adds to X in p order — so each column's sum is the same whatever the slicing. */
typedef struct pass1_args {
    const masad_positions *mp;
    double *X;
    double *P, *pwm, *pwxm; /* scratch, m + EUM_PAD */
    size_t q0, q1;
    int ok;
} pass1_args;

ALWAYS wd wd_abs(wd v) { return (wd)((wl)v & ~(wl)wd_splat(-0.0)); }

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
 * position are evaluated exactly. */
typedef struct p2_cand {
    unsigned t;   /* receiver, rank in position order */
    unsigned i;   /* sender */
    float hi;     /* upper bound of its EU */
    unsigned amb; /* 1: sign in doubt, count the offer if the exact EU is > 0 */
} p2_cand;

typedef struct pass2_shared {
    const masad_positions *mp;
    size_t n, n16, m16;
    const double *x, *s, *r;
    const double *usq;      /* per actor: 2 − 4·pow(0.5, r) */
    const float *s_sorted;  /* n16: salience of the receiver of rank t (pads 0) */
    const size_t *start;    /* per position: first rank there */
    const unsigned *pos_of; /* per rank: its position index */
    const double *xr;       /* per rank: its position (n16 + EUM_PAD, padded with the last) */
    const size_t *perm;     /* sender positions in visiting order */
    double Q, T, dx, mu;
    float delta, eta; /* screening error bound: relative part, absolute part */
    atomic_size_t next;
} pass2_shared;

typedef struct pass2_local {
    pass2_shared *sh;
    float *M;            /* n16: largest lower bound eu~ − bound per receiver rank (≥ 0) */
    int *cnt;            /* n16: offers per receiver rank */
    double *best_eu, *best_dist; /* per actor: exact best offer among this thread's senders */
    long *best;
    p2_cand *cand;
    size_t ncand, capcand;
    double *P, *pwm, *pwxm;            /* m + EUM_PAD */
    float *Lm, *Lp, *LBm, *LBp, *D, *E, *G, *H, *Pf; /* m16 */
    float *Pc;                         /* n16: P by receiver rank, when positions are shared */
    int ok;
} pass2_local;

/* EU_i(j) from its parts, in the straight path's operation order */
static double eu_formula(double P, double Us, double Uf, double Ub, double Uw, double Usq,
                         double sj, double Q, double T)
{
    double EU = (sj * (P * Us + (1 - P) * Uf) + (1 - sj) * Us);
    return EU - (Q * Usq - (1 - Q) * (T * Ub + (1 - T) * Uw));
}

static double exact_eu(const masad_positions *mp, const double *x, const double *s,
                       const double *r, const double *usq, double Q, double T, double dx,
                       double mu, size_t i, size_t j)
{
    size_t qi = mp->index[i], qj = mp->index[j];
    double P = qi == qj ? 0.0 : probability_one(mp, qi, qj);
    double a = fabs((x[i] - x[j]) / dx);
    double ub = 0, uw = 0; /* with Q = 1 they are multiplied by 0: skip the two pow calls */
    if (Q != 1) {
        double bw = (fabs(x[i] - mu) + fabs(x[i] - x[j])) / dx;
        ub = 2 - 4 * pow(0.5 - 0.25 * bw, r[i]);
        uw = 2 - 4 * pow(0.5 + 0.25 * bw, r[i]);
    }
    return eu_formula(P, 2 - 4 * pow(0.5 - 0.5 * a, r[i]), 2 - 4 * pow(0.5 + 0.5 * a, r[i]), ub,
                      uw, usq[i], s[j], Q, T);
}

/* the selection order: larger EU, then nearer, then the earlier sender */
static int better_offer(double eu, double dist, long i, double beu, double bdist, long bi)
{
    if (bi < 0) return 1;
    if (eu != beu) return eu > beu;
    if (dist != bdist) return dist < bdist;
    return i < bi;
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
            const double bw0 = (fabs(x[i] - sh->mu) + 0.0) / sh->dx;
            const double ub0 = 2 - 4 * pow(0.5 - 0.25 * bw0, ri), uw0 = 2 - 4 * pow(0.5 + 0.25 * bw0, ri);
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
                double eu = eu_formula(0.0, usq, usq, ub0, uw0, usq, s[j], Q, T);
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

typedef void (*eum_kernel)(void *);
static void pick_kernels(eum_kernel *k1, eum_kernel *k2)
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

/* Runs fn(args + k·size) for k < count, on count threads (the caller is one of them). The
 * results never depend on how many threads run: the kernels are written so. */
typedef struct eum_job {
    eum_kernel fn;
    void *arg;
} eum_job;

static void *job_main(void *p)
{
    eum_job *job = p;
    job->fn(job->arg);
    return NULL;
}

static void run_parallel(eum_kernel fn, void *args, size_t size, int count)
{
    pthread_t tid[EUM_MAX_THREADS];
    eum_job jobs[EUM_MAX_THREADS];
    int started[EUM_MAX_THREADS] = {0};
    for (int k = 1; k < count; k++) {
        jobs[k] = (eum_job){fn, (char *)args + (size_t)k * size};
        started[k] = pthread_create(&tid[k], NULL, job_main, &jobs[k]) == 0;
        if (!started[k]) fn(jobs[k].arg); /* no thread: same work, same result */
    }
    fn(args);
    for (int k = 1; k < count; k++)
        if (started[k]) pthread_join(tid[k], NULL);
}

int eum_thread_count(int requested)
{
    long k = requested > 0 ? requested : sysconf(_SC_NPROCESSORS_ONLN);
    if (k < 1) k = 1;
    if (k > EUM_MAX_THREADS) k = EUM_MAX_THREADS;
    return (int)k;
}

/* Pass 2 screened (see pass2_body) on `threads` threads; merges the threads' best offers (a
 * maximum under a total order, so the split does not matter) and their offer counts. */
static eum_status pass2_screened(const masad_positions *mp, size_t n, const double *x,
                                 const double *s, const double *r, double Q, double T, double dx,
                                 double mu, int threads, eum_kernel kernel, long *best,
                                 double *best_eu, size_t *offers)
{
    const size_t m = mp->m, n16 = (n + WF - 1) / WF * WF, m16 = (m + WF - 1) / WF * WF;
    if ((size_t)threads > m) threads = (int)m;
    pass2_shared sh = {.mp = mp, .n = n, .n16 = n16, .m16 = m16, .x = x, .s = s, .r = r, .Q = Q,
                       .T = T, .dx = dx, .mu = mu};
    /* δ: ~60 times the single-precision error of the parts (log, expm1, P, the products and
     * sums; all-pairs checks found at most 5e-7 relative); η: over ten times the exact path's
     * own rounding (glibc pow < 1 ulp, then about ten roundings of terms ≤ 1 in size with
     * Q = 1: < 2e-15; the terms scale with 1 + |Q| + |1 − Q|·(|T| + |1 − T|)) */
    sh.delta = 3e-5f;
    sh.eta = (float)(2e-14 * (1 + fabs(Q) + fabs(1 - Q) * (fabs(T) + fabs(1 - T))));
    atomic_init(&sh.next, 0);
    double *usq = en_xmalloc(n * sizeof *usq);
    for (size_t k = 0; k < n; k++) usq[k] = 2 - 4 * pow(0.5, r[k]);
    sh.usq = usq;
    float *s_sorted = en_xcalloc(n16, sizeof *s_sorted);
    for (size_t t = 0; t < n; t++) s_sorted[t] = (float)s[mp->order[t]];
    size_t *start = en_xmalloc(m * sizeof *start);
    for (size_t q = 0, t = 0; q < m; t += mp->count[q], q++) start[q] = t;
    unsigned *pos_of = en_xmalloc(n * sizeof *pos_of);
    for (size_t t = 0; t < n; t++) pos_of[t] = (unsigned)mp->index[mp->order[t]];
    sh.pos_of = pos_of;
    double *xr = en_xmalloc((n16 + EUM_PAD) * sizeof *xr);
    for (size_t t = 0; t < n16 + EUM_PAD; t++) xr[t] = mp->u[pos_of[t < n ? t : n - 1]];
    sh.xr = xr;
    /* senders visited in a scattered order, so that few pairs set a new running maximum */
    size_t *perm = en_xmalloc(m * sizeof *perm);
    size_t stride = (size_t)(0.6180339887 * (double)m) | 1;
    for (;;) {
        size_t a = m, b = stride;
        while (b) {
            size_t t = a % b;
            a = b;
            b = t;
        }
        if (a == 1) break;
        stride++;
    }
    for (size_t k = 0; k < m; k++) perm[k] = (size_t)(((unsigned long long)k * stride) % m);
    sh.s_sorted = s_sorted;
    sh.start = start;
    sh.perm = perm;
    pass2_local *lo = en_xcalloc((size_t)threads, sizeof *lo);
    for (int k = 0; k < threads; k++) {
        pass2_local *l = &lo[k];
        l->sh = &sh;
        l->M = en_xcalloc(n16, sizeof *l->M);
        l->cnt = en_xcalloc(n16, sizeof *l->cnt);
        l->best_eu = en_xcalloc(2 * n, sizeof *l->best_eu);
        l->best_dist = l->best_eu + n;
        l->best = en_xmalloc(n * sizeof *l->best);
        for (size_t j = 0; j < n; j++) l->best[j] = -1;
        l->P = en_xcalloc(3 * (m + EUM_PAD), sizeof *l->P);
        l->pwm = l->P + m + EUM_PAD;
        l->pwxm = l->pwm + m + EUM_PAD;
        /* the P loops store up to 8 past m; by rank, the tables have n16 columns */
        const size_t stride = (m < n ? n16 : m16) + EUM_PAD;
        l->Lm = en_xcalloc(9 * stride, sizeof *l->Lm);
        l->Lp = l->Lm + stride;
        l->LBm = l->Lp + stride;
        l->LBp = l->LBm + stride;
        l->D = l->LBp + stride;
        l->E = l->D + stride;
        l->G = l->E + stride;
        l->H = l->G + stride;
        l->Pf = l->H + stride;
        if (m < n) l->Pc = en_xcalloc(n16, sizeof *l->Pc);
    }
    run_parallel(kernel, lo, sizeof *lo, threads);
    eum_status status = EUM_ROUND_OK;
    for (int k = 0; k < threads; k++)
        if (!lo[k].ok) status = EUM_ROUND_NO_INFORMATION;
    for (size_t t = 0; t < n; t++) {
        size_t j = mp->order[t];
        double bdist = 0;
        size_t total = 0;
        for (int k = 0; k < threads; k++) {
            const pass2_local *l = &lo[k];
            total += (size_t)l->cnt[t];
            if (l->best[j] >= 0 &&
                better_offer(l->best_eu[j], l->best_dist[j], l->best[j], best_eu[j], bdist, best[j])) {
                best[j] = l->best[j];
                best_eu[j] = l->best_eu[j];
                bdist = l->best_dist[j];
            }
        }
        offers[j] = total;
    }
    for (int k = 0; k < threads; k++) {
        free(lo[k].M);
        free(lo[k].cnt);
        free(lo[k].best_eu);
        free(lo[k].best);
        free(lo[k].P);
        free(lo[k].Lm);
        free(lo[k].Pc);
        free(lo[k].cand);
    }
    free(lo);
    free(s_sorted);
    free(usq);
    free(start);
    free(pos_of);
    free(xr);
    free(perm);
    return status;
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
    const size_t mp2 = m + EUM_PAD;
    double *X = en_xcalloc(mp2, sizeof *X); /* pass 1: Σ_p count_p·P_p(q)·|u_p − u_q| */
    eum_kernel kernel1, kernel2;
    pick_kernels(&kernel1, &kernel2);
    int threads = eum_thread_count(cfg->threads);
    /* by default, small issues stay on one thread (starting threads would cost more) */
    if (cfg->threads <= 0 && (double)n * (double)m < 2e5) threads = 1;
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
    /* X over sender positions p (in p order) for every target position q: the threads take
     * slices of q, so each sum is formed the same way for any thread count. */
    {
        pass1_args *a1 = en_xcalloc((size_t)threads, sizeof *a1);
        for (int k = 0; k < threads; k++) {
            size_t q0 = (m / WD * (size_t)k / (size_t)threads) * WD;
            size_t q1 = k + 1 == threads ? m : (m / WD * (size_t)(k + 1) / (size_t)threads) * WD;
            a1[k] = (pass1_args){.mp = &mp, .X = X, .q0 = q0, .q1 = q1, .ok = 1};
            if (q0 < q1) {
                a1[k].P = en_xcalloc(3 * (m + EUM_PAD), sizeof(double));
                a1[k].pwm = a1[k].P + m + EUM_PAD;
                a1[k].pwxm = a1[k].pwm + m + EUM_PAD;
            }
        }
        int used = 0;
        for (int k = 0; k < threads; k++) /* skip empty slices (few positions) */
            if (a1[k].q0 < a1[k].q1) {
                pass1_args keep = a1[k];
                a1[k] = a1[used];
                a1[used++] = keep;
            }
        run_parallel(kernel1, a1, sizeof *a1, used);
        int ok = 1;
        for (int k = 0; k < threads; k++) {
            ok &= a1[k].ok;
            free(a1[k].P);
        }
        free(a1);
        if (!ok) {
            status = EUM_ROUND_NO_INFORMATION;
            goto done;
        }
    }
    /* S_k = Σ_{j≠k} EU_j(k), challengers j at position p against k at q. With r = 1 and
     * a = |u_p − u_q|/dx: Us = 2a, Uf = −2a, Usq = 0, Ub = bw, Uw = −bw with
     * bw = (|u_p − mu| + |u_p − u_q|)/dx, so EU_j(k) = s_k·2a·(2P − 1) + (1 − s_k)·2a +
     * (1 − Q)(2T − 1)·bw. Over all actors j (k's own term is 0 but for the bw part):
     *   ΣUs = 2G(q)/dx,  ΣA = 4X(q)/dx − ΣUs,  Σtail = −(1 − Q)(2T − 1)(Cmu + G(q))/dx,
     * G(q) = Σ_j |x_j − u_q| and Cmu = Σ_j |x_j − mu| from prefix sums over positions. */
    {
        double *PC = en_xmalloc(2 * (m + 1) * sizeof *PC), *PCU = PC + m + 1;
        PC[0] = PCU[0] = 0;
        for (size_t q = 0; q < m; q++) {
            PC[q + 1] = PC[q] + (double)mp.count[q];
            PCU[q + 1] = PCU[q] + (double)mp.count[q] * mp.u[q];
        }
        double Cmu = 0;
        for (size_t q = 0; q < m; q++) Cmu += (double)mp.count[q] * fabs(mp.u[q] - mu);
        const double tq = (1 - Q) * (2 * T - 1);
        for (size_t k = 0; k < n; k++) {
            size_t q = mp.index[k];
            double y = mp.u[q];
            double G = (y * PC[q] - PCU[q]) + ((PCU[m] - PCU[q + 1]) - y * (PC[m] - PC[q + 1]));
            double sumU = 2 * (G / dx);
            double sumA = 4 * (X[q] / dx) - sumU;
            /* k's own tail, −(1 − Q)(2T − 1)·|x_k − mu|/dx, is left out */
            double sumT = Q == 1 ? 0 : -tq * ((Cmu - fabs(y - mu)) + G) / dx;
            S[k] = (s[k] * sumA + (1 - s[k]) * sumU) - sumT;
        }
        free(PC);
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
    if (!(trace && trace->eu_self)) {
        status = pass2_screened(&mp, n, x, s, r, Q, T, dx, mu, threads, kernel2, best, best_eu,
                                offers);
        if (status != EUM_ROUND_OK) goto done;
    } else {
        /* the caller wants every EU: all pairs exactly, one thread (small issues only) */
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
        eum_masad_resolve(mv, x[i], x[j], Ui, Uj);
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
    free(X);
    free(best_eu);
    free(best_dist);
    free(best);
    free(offers);
    return status;
}
