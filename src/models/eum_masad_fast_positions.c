/*
 * eum_masad_fast_positions.c — the masad fast path's per-position tables (distinct positions,
 * prefix sums of the weights, F, the bucket index of the midpoints; docs/models/eum.md, "Straight and fast paths") and the win
 * probabilities computed from them in double precision: the denominator in O(1), a sender
 * position's row in O(m), one probability in O(log m). The wide kernels compute the same
 * denominators lane-wise (eum_masad_fast_kernels.c); the round is in eum_masad_fast.c.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "models/eum_masad_fast.h"

int masad_build_positions(masad_positions *mp, size_t n, const double *w, const double *x)
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
    en_free(tmp);

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

void masad_free_positions(masad_positions *mp)
{
    en_free(mp->u);
    en_free(mp->W);
    en_free(mp->PW);
    en_free(mp->PWX);
    en_free(mp->F);
    en_free(mp->count);
    en_free(mp->index);
    en_free(mp->order);
    en_free(mp->first);
}

/* Σ_k w_k ||x_k − u_b| − |x_k − u_a|| for positions qa < qb, qm = first index in (qa, qb] with
 * 2u ≥ u_a + u_b. O(1). Falls back to the direct O(m) sum when the result is within rounding
 * noise of zero, so that a true zero (every voter equidistant) is recognised. */
double masad_denominator(const masad_positions *mp, size_t qa, size_t qb, size_t qm)
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
int masad_probability_row(const masad_positions *mp, size_t p, double *P)
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
        double bot = masad_denominator(mp, p, q, qm);
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
        double bot = masad_denominator(mp, q, p, qm);
        if (!(bot > 0)) return 0;
        P[q] = (top > 0 ? top : 0) / bot;
    }
    return 1;
}

/* One probability P_a(b) (positions a ≠ b) by binary search for the midpoint. O(log m). */
double masad_probability_one(const masad_positions *mp, size_t a, size_t b)
{
    size_t lo = a < b ? a : b, hi = a < b ? b : a;
    double sum = mp->u[lo] + mp->u[hi];
    size_t first = lo + 1, last = hi; /* answer in [first, last] */
    while (first < last) {
        size_t mid = (first + last) / 2;
        if (2 * mp->u[mid] >= sum) last = mid;
        else first = mid + 1;
    }
    double bot = masad_denominator(mp, lo, hi, first);
    double top = mp->F[b] - mp->F[a];
    return (top > 0 ? top : 0) / bot;
}
