/*
 * eum_masad.c — one round of the "masad" EUM variant, straight path: D. Masad's replication of
 * Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4):510–531 (reference "bdm2",
 * GroupDecisionModel.py; docs/models/eum.md, "Variant masad", whose equations the
 * comments below refer to), in the reference's operation order, so that results are
 * bit-identical to it. This is the oracle for the fast path in eum_masad_fast.c.
 *
 * A round: pass 1 with every r = 1 and mu = the median (vote); risk exponents from the sum of
 * every challenger's own EU against each actor; pass 2 with the new r and mu = the weighted
 * mean; every actor sends an offer to each actor it has a positive EU of challenging; each
 * receiver takes the offer with the largest sender EU (then the nearest, then the first sender)
 * and confronts, compromises or capitulates.
 *
 * O(n³) per round: vote() and the win probabilities are n-term sums over n² pairs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "models/eum.h"
#include "models/eum_formula.h"

/* vote() ("Variant masad"): x_j of the first ordered pair (j, k) with the largest
 * v(j,k) = Σ_i w_i ((|x_i − x_k| − |x_i − x_j|)/dx), i.e. the weighted median. O(n³). */
static double masad_vote(size_t n, const double *w, const double *x, double dx)
{
    double best = 0, result = x[0];
    int started = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t k = 0; k < n; k++) {
            double v = 0;
            for (size_t i = 0; i < n; i++) v += w[i] * ((fabs(x[i] - x[k]) - fabs(x[i] - x[j])) / dx);
            if (!started || v > best) {
                best = v;
                result = x[j];
                started = 1;
            }
        }
    return result;
}

eum_status eum_masad_round_straight(const eum_config *cfg, size_t n, const double *c,
                                    const double *s, const double *x, double *x_out,
                                    eum_move *moves, eum_trace *trace)
{
    const double Q = cfg->Q, T = cfg->T, dx = cfg->xmax - cfg->xmin;
    double *w = en_xmalloc(n * sizeof *w);
    double *r = en_xmalloc(n * sizeof *r);
    double *S = en_xmalloc(n * sizeof *S);
    double *R = en_xmalloc(n * sizeof *R);
    double *P = en_xmalloc(n * n * sizeof *P);
    double *EU = en_xmalloc(n * n * sizeof *EU);
    double (*row)[5] = en_xmalloc(n * sizeof *row); /* pass 2: i's utilities against each j */
    size_t *rep = en_xmalloc(n * sizeof *rep);      /* first actor at each actor's position */
    eum_status status = EUM_ROUND_OK;
    double U[5];
    for (size_t k = 0; k < n; k++) {
        w[k] = c[k] * s[k];
        r[k] = 1.0;
    }

    /* Win probabilities ("Variant masad"): the positive part of the net weighted margin. They depend
     * on neither r nor mu, so pass 2 reuses them. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (i == j) {
                P[i * n + j] = NAN;
                continue;
            }
            if (x[i] == x[j]) {
                P[i * n + j] = 0;
                continue;
            }
            double top = 0, bot = 0;
            for (size_t k = 0; k < n; k++) {
                double d = fabs(x[k] - x[j]) - fabs(x[k] - x[i]);
                top += w[k] * d;
                bot += w[k] * fabs(d);
            }
            if (!(bot != 0)) {
                status = EUM_ROUND_NO_INFORMATION;
                goto done;
            }
            P[i * n + j] = (top > 0 ? top : 0) / bot;
        }
    if (trace && trace->P) memcpy(trace->P, P, n * n * sizeof *P);

    /* Pass 1: r = 1, mu = median. */
    double mu = masad_vote(n, w, x, dx);
    if (trace) trace->mu1 = mu;
    for (size_t i = 0; i < n; i++) {
        const double Usq = eum_status_quo_utility(r[i]);
        for (size_t j = 0; j < n; j++) {
            if (i == j) {
                EU[i * n + j] = NAN;
                for (int u = 0; u < 5; u++)
                    if (trace && trace->U1[u]) trace->U1[u][i * n + j] = NAN;
                continue;
            }
            masad_utilities(x[i], x[j], mu, dx, r[i], Usq, 1, U);
            for (int u = 0; u < 5; u++)
                if (trace && trace->U1[u]) trace->U1[u][i * n + j] = U[u];
            EU[i * n + j] = masad_eu(P[i * n + j], U, s[j], Q, T);
        }
    }
    if (trace && trace->P_risk) memcpy(trace->P_risk, EU, n * n * sizeof *EU);

    /* Risk ("Variant masad"): S_k = Σ_{j≠k} EU_j(k), each challenger's own pass-1 EU. */
    for (size_t k = 0; k < n; k++) {
        double sum = 0;
        for (size_t j = 0; j < n; j++)
            if (j != k) sum += EU[j * n + k];
        S[k] = sum;
    }
    if (trace && trace->danger) memcpy(trace->danger, S, n * sizeof *S);
    if (!eum_risk_exponents(n, S, R, r)) {
        status = EUM_ROUND_EQUAL_DANGER;
        goto done;
    }
    if (trace && trace->R) memcpy(trace->R, R, n * sizeof *R);
    if (trace && trace->r) memcpy(trace->r, r, n * sizeof *r);

    /* Pass 2: new r, mu = weighted mean (find_mean). */
    double top = 0, bottom = 0;
    for (size_t k = 0; k < n; k++) {
        top += w[k] * x[k];
        bottom += w[k];
    }
    mu = top / bottom;
    if (trace) trace->mu2 = mu;
    /* An alter j at the position of an earlier alter q gives i the same bases, so the same
     * utilities (bit for bit: the same pow of the same arguments): computed once per distinct
     * position (actors share positions after confrontations). */
    for (size_t j = 0; j < n; j++) {
        rep[j] = j;
        for (size_t q = 0; q < j; q++)
            if (x[q] == x[j]) {
                rep[j] = q;
                break;
            }
    }
    for (size_t i = 0; i < n; i++) {
        const double Usq = eum_status_quo_utility(r[i]);
        for (size_t j = 0; j < n; j++) {
            if (i == j) {
                for (int u = 0; u < 5; u++)
                    if (trace && trace->U2[u]) trace->U2[u][i * n + j] = NAN;
                continue;
            }
            if (rep[j] < j && rep[j] != i) memcpy(U, row[rep[j]], sizeof U);
            else masad_utilities(x[i], x[j], mu, dx, r[i], Usq, 1, U);
            memcpy(row[j], U, sizeof U);
            for (int u = 0; u < 5; u++)
                if (trace && trace->U2[u]) trace->U2[u][i * n + j] = U[u];
            EU[i * n + j] = masad_eu(P[i * n + j], U, s[j], Q, T);
        }
    }
    if (trace && trace->eu_self) memcpy(trace->eu_self, EU, n * n * sizeof *EU);
    if (trace && trace->eu_other)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) trace->eu_other[i * n + j] = EU[j * n + i];

    /* Offers ("Variant masad"): sender j → receiver i when EU_j(i) > 0. Receiver i takes the largest
     * EU, then the first with the smallest distance; only that offer is examined. */
    for (size_t i = 0; i < n; i++) {
        double umax = 0;
        size_t count = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i && EU[j * n + i] > 0) {
                if (count == 0 || EU[j * n + i] > umax) umax = EU[j * n + i];
                count++;
            }
        if (count == 0) continue;
        long best = -1;
        double best_dist = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i && EU[j * n + i] > 0 && EU[j * n + i] == umax) {
                double dist = fabs(x[i] - x[j]);
                if (best < 0 || dist < best_dist) {
                    best = (long)j;
                    best_dist = dist;
                }
            }
        size_t j = (size_t)best;
        double Ui = EU[i * n + j], Uj = EU[j * n + i];
        eum_move *mv = &moves[i];
        mv->with = best;
        mv->eu_self = Ui;
        mv->eu_other = Uj;
        mv->offer_x = x[j];
        mv->n_offers = count;
        eum_masad_resolve(mv, x[i], x[j], Ui, Uj);
        x_out[i] = mv->new_position;
    }
done:
    en_free(w);
    en_free(r);
    en_free(S);
    en_free(R);
    en_free(P);
    en_free(EU);
    en_free(row);
    en_free(rep);
    return status;
}
