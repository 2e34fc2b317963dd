/*
 * eum_scholz.c — one round of the "scholz" EUM variant: the McKibben/Masad replication of
 * Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4):510–531 (reference "bdm1",
 * bdm_scholz_model.py; SPEC §1 in tests/golden/bdm/../anchors).
 *
 * A round is a risk phase (every r = 1; danger levels from each actor's own view; new r) and
 * an offer phase (with the new r: each actor i evaluates, for each j at another position, its
 * own EU of challenging j and j's EU of challenging i, both with i's exponent; it accepts the
 * nearest confrontation it loses, else the compromise with the left-most weighted key). Moves
 * are applied simultaneously.
 *
 * Two paths:
 *   straight  the reference's operation order (loops k, a1, a2 for the all-pairs vote sum Z;
 *             voters in order for every N(a, b); j in order for every danger sum), so results are
 *             bit-identical to the reference. O(n³) per round, O(n²) pow calls: every distinct
 *             pow is computed once and reused (see "Why the pow caches change no bit" below).
 *   fast      positions de-duplicated; Z by the sorted sum-of-|differences| identity in O(m·n)
 *             per phase (m distinct positions), both N(a,b) and N(b,a) from one pass over the
 *             voters. Still O(m²·n) per round: the voter exponents r_k make every pair's vote a
 *             genuine n-term sum. Differs from the straight path by ~1e-15 relative.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "models/eum.h"

/*
 * Why the pow caches change no bit. glibc's pow is a pure function of its two arguments, so a
 * pow whose arguments are formed by the same expression from the same values gives the same
 * double however often it is called; computing it once and reading it back is exact as long as
 * every sum that uses it keeps its terms and their order. And pow(x, 1.0) is x exactly (the
 * result is representable and glibc's pow is accurate to well under one ulp; checked on 2·10⁸
 * arguments, subnormals included), so with r = 1 — every exponent in the risk phase — the call
 * is skipped (pow_r), as it is for pow(+0, r > 0) = +0 (a voter's distance to itself).
 */
static double pow_r(double x, double r)
{
    if (r == 1.0) return x;
    if (x == 0 && !signbit(x) && r > 0) return 0.0; /* pow(+0, y > 0) is +0 (C11 F.10.4.4) */
    return pow(x, r);
}

/* The utilities of SPEC §1.5 seen with exponent r across a distance dist = |x_i − x_j|:
 * success Us, failure Uf, status quo Usq = 2 − 4·0.5^r (the reference's expressions). */
static double scholz_us(double dist, double D, double r)
{
    return 2 - 4 * pow_r(0.5 - (0.5 * dist) / D, r);
}

static double scholz_uf(double dist, double D, double r)
{
    return 2 - 4 * pow_r(0.5 + (0.5 * dist) / D, r);
}

/* E^p(i→j) of SPEC §1.5 from the utilities of the evaluating actor p (its exponent, the
 * distance |x_i − x_j|): P the probability that the challenger wins, s_target the salience of
 * the challenged actor (its probability to resist). Scholz et al. (2011) eq. 2–3 with the (1−Q)
 * term absent, as in bdm1. The parentheses are the reference's evaluation order. E^i(i→j) and
 * E^i(j→i) share dist and i's exponent, hence Us, Uf and Usq. */
static double scholz_eu_u(double P, double Us, double Uf, double Usq, double s_target, double Q)
{
    return (s_target * (P * Us + (1 - P) * Uf) + (1 - s_target) * Us) - Q * Usq;
}

/* The offer phase's decision for receiver i, given its pair EUs against each j (SPEC §1.7):
 * confrontations it loses (e_ji > e_ij > 0) win over compromises (e_ji > 0 > e_ij,
 * e_ji > |e_ij|); among confrontations the nearest, among compromises the smallest key
 * K = (|e_ij|x_i + |e_ji|x_j)/(|e_ij| + |e_ji|); the first in j order on ties. Capitulation is
 * unreachable in bdm1 (its condition reads e_ji < |e_ji|), so it is not tested. */
typedef struct scholz_choice {
    long conf, comp;
    double conf_dist, comp_key;
    double conf_eu[2], comp_eu[2], comp_x;
    size_t count;
} scholz_choice;

static void choice_init(scholz_choice *ch)
{
    ch->conf = ch->comp = -1;
    ch->count = 0;
}

static void choice_offer(scholz_choice *ch, size_t j, double xi, double xj, double e_ij,
                         double e_ji)
{
    if (e_ji > e_ij && e_ij > 0) {
        double dist = fabs(xi - xj);
        ch->count++;
        if (ch->conf < 0 || dist < ch->conf_dist) {
            ch->conf = (long)j;
            ch->conf_dist = dist;
            ch->conf_eu[0] = e_ij;
            ch->conf_eu[1] = e_ji;
        }
    } else if (e_ji > 0 && 0 > e_ij && e_ji > fabs(e_ij)) {
        double key = (fabs(e_ij) * xi + fabs(e_ji) * xj) / (fabs(e_ij) + fabs(e_ji));
        ch->count++;
        if (ch->comp < 0 || key < ch->comp_key) {
            ch->comp = (long)j;
            ch->comp_key = key;
            ch->comp_eu[0] = e_ij;
            ch->comp_eu[1] = e_ji;
            ch->comp_x = xi + (xj - xi) * fabs(e_ij / e_ji);
        }
    }
}

static void choice_apply(const scholz_choice *ch, size_t i, const double *x, double *x_out,
                         eum_move *move)
{
    move->n_offers = ch->count;
    if (ch->conf >= 0) {
        move->with = ch->conf;
        move->type = EUM_MOVE_CONFRONTATION;
        move->eu_self = ch->conf_eu[0];
        move->eu_other = ch->conf_eu[1];
        move->offer_x = x[ch->conf];
        move->new_position = x[ch->conf];
    } else if (ch->comp >= 0) {
        move->with = ch->comp;
        move->type = EUM_MOVE_COMPROMISE;
        move->eu_self = ch->comp_eu[0];
        move->eu_other = ch->comp_eu[1];
        move->offer_x = x[ch->comp];
        move->new_position = ch->comp_x;
    } else {
        return;
    }
    x_out[i] = move->new_position;
}

/* ---- straight path ---------------------------------------------------------------------- */

/* rep[a]: the first actor at actor a's position (x_rep == x_a; a NaN is its own). Whatever is
 * computed from x_a alone — |x_k − x_a|, so δ_k(x_a) and the utilities' distances, and the
 * column of P — comes out of the same expression with the same value (for ±0 too: the
 * distances go through fabs), so the straight path computes it for rep[a] only and reads it
 * back for a. Actors often share positions (confrontations move one onto the other). */
static void same_positions(size_t n, const double *x, size_t *rep)
{
    for (size_t a = 0; a < n; a++) {
        size_t b = 0;
        while (b < a && !(x[b] == x[a])) b++;
        rep[a] = b;
    }
}

/* P(x_a, x_b) for every ordered actor pair in the reference order (SPEC §1.3): δ_k(y) =
 * pow(|x_k − y|/D, r_k), tabulated once per phase (one pow per voter and distinct position;
 * none when r_k = 1); Z = Σ_k Σ_a1 Σ_a2 |c_k s_k (δ_k(x_a2) − δ_k(x_a1))|; N(a,b) = Σ_k max(0,
 * c_k s_k (δ_k(x_b) − δ_k(x_a))). Every sum adds its terms in the reference's order; the terms
 * left out are exact zeros (see the comments). pairs: scratch of 2n² indices. Returns 0 if
 * Z == 0 (the reference divides by zero). O(n³). */
static int scholz_probabilities_straight(size_t n, const double *w, const double *x,
                                         const double *r, double D, const size_t *rep,
                                         size_t *pairs, double *delta, double *P)
{
    int finite = 1;
    for (size_t k = 0; k < n; k++) {
        double *dk = delta + k * n;
        for (size_t a = 0; a < n; a++)
            dk[a] = rep[a] < a ? dk[rep[a]] : pow_r(fabs(x[k] - x[a]) / D, r[k]);
        for (size_t a = 0; a < n; a++) finite &= isfinite(dk[a]) != 0;
        finite &= isfinite(w[k]) != 0;
    }
    /* Z's pairs (a1, a2) in the reference's loop order. A pair at one position adds
     * |w_k · (+0)| = +0, which leaves Z (a sum from +0 of terms ≥ +0, so never −0) unchanged:
     * such pairs are left out, unless some δ or w is not finite (0·∞ and ∞ − ∞ are NaN). */
    size_t count = 0;
    for (size_t a1 = 0; a1 < n; a1++)
        for (size_t a2 = 0; a2 < n; a2++)
            if (!finite || rep[a1] != rep[a2]) {
                pairs[2 * count] = a1;
                pairs[2 * count + 1] = a2;
                count++;
            }
    double Z = 0;
    for (size_t k = 0; k < n; k++) {
        const double *dk = delta + k * n;
        for (size_t p = 0; p < count; p++)
            Z += fabs(w[k] * (dk[pairs[2 * p + 1]] - dk[pairs[2 * p]]));
    }
    if (!(Z != 0)) return 0;
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            if (rep[a] < a || rep[b] < b) { /* same δ columns, same test below: same value */
                P[a * n + b] = P[rep[a] * n + rep[b]];
                continue;
            }
            if (x[a] == x[b]) {
                P[a * n + b] = 0.0;
                continue;
            }
            /* the reference adds v when v > 0; adding +0 otherwise leaves N (≥ +0) unchanged
             * and spares the unpredictable branch */
            double N = 0;
            for (size_t k = 0; k < n; k++) {
                double v = w[k] * (delta[k * n + b] - delta[k * n + a]);
                N += v > 0 ? v : 0.0;
            }
            P[a * n + b] = N / Z;
        }
    return 1;
}

/* O(n³) per round (the P matrices). pow calls, m = distinct positions: none in the risk phase
 * (r = 1); in the offer phase n·m for δ and about 2n·m for the utilities. */
eum_status eum_scholz_round_straight(const eum_config *cfg, size_t n, const double *c,
                                     const double *s, const double *x, double *x_out,
                                     eum_move *moves, eum_trace *trace)
{
    const double D = cfg->range, Q = cfg->Q;
    const size_t nn = n * n;
    double *w = en_xmalloc((6 * n + 2 * nn) * sizeof *w); /* one block for the doubles */
    double *r = w + n, *danger = r + n, *R = danger + n, *us = R + n, *uf = us + n;
    double *delta = uf + n, *P = delta + nn;
    size_t *rep = en_xmalloc((n + 2 * nn) * sizeof *rep), *pairs = rep + n;
    const int want_eu = trace && (trace->eu_self || trace->eu_other);
    eum_status status = EUM_ROUND_OK;
    for (size_t k = 0; k < n; k++) {
        w[k] = c[k] * s[k];
        r[k] = 1.0;
    }
    same_positions(n, x, rep);

    /* Risk phase (SPEC §1.6): danger_i = Σ_{j≠i} E^i(j→i) with every r = 1 (so Usq = 0). */
    if (!scholz_probabilities_straight(n, w, x, r, D, rep, pairs, delta, P)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    if (trace && trace->P_risk) memcpy(trace->P_risk, P, nn * sizeof *P);
    const double Usq1 = 2 - 4 * pow_r(0.5, 1.0); /* 0 */
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i) continue;
            double dist = fabs(x[j] - x[i]);
            sum += scholz_eu_u(P[j * n + i], scholz_us(dist, D, 1.0), scholz_uf(dist, D, 1.0),
                               Usq1, s[i], Q);
        }
        danger[i] = sum;
    }
    if (trace && trace->danger) memcpy(trace->danger, danger, n * sizeof *danger);
    if (!eum_risk_exponents(n, danger, R, r)) {
        status = EUM_ROUND_EQUAL_DANGER;
        goto done;
    }
    if (trace && trace->R) memcpy(trace->R, R, n * sizeof *R);
    if (trace && trace->r) memcpy(trace->r, r, n * sizeof *r);

    /* Offer phase (SPEC §1.7) with the new exponents; decisions read round-start positions. */
    if (!scholz_probabilities_straight(n, w, x, r, D, rep, pairs, delta, P)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    if (trace && trace->P) memcpy(trace->P, P, nn * sizeof *P);
    for (size_t i = 0; i < n; i++) {
        scholz_choice ch;
        choice_init(&ch);
        const double Usq = 2 - 4 * pow_r(0.5, r[i]);
        for (size_t j = 0; j < n; j++) {
            if (j == i) {
                if (trace && trace->eu_self) trace->eu_self[i * n + j] = NAN;
                if (trace && trace->eu_other) trace->eu_other[i * n + j] = NAN;
                continue;
            }
            /* actors at i's own position make no offer (they are not evaluated in bdm1; their
             * EUs only feed the trace and the quadrant) */
            int offers = !(x[j] == x[i]);
            if (!offers && !want_eu) continue;
            /* i's utilities across |x_i − x_j|: those of the first actor at x_j when it was
             * computed in this row (it was, unless it is i itself) */
            size_t q = rep[j];
            if (q == j || q == i) {
                double dist = fabs(x[i] - x[j]);
                us[j] = scholz_us(dist, D, r[i]);
                uf[j] = scholz_uf(dist, D, r[i]);
                q = j;
            }
            double e_ij = scholz_eu_u(P[i * n + j], us[q], uf[q], Usq, s[j], Q);
            double e_ji = scholz_eu_u(P[j * n + i], us[q], uf[q], Usq, s[i], Q);
            if (trace && trace->eu_self) trace->eu_self[i * n + j] = e_ij;
            if (trace && trace->eu_other) trace->eu_other[i * n + j] = e_ji;
            if (offers) choice_offer(&ch, j, x[i], x[j], e_ij, e_ji);
        }
        choice_apply(&ch, i, x, x_out, &moves[i]);
    }
done:
    free(w);
    free(rep);
    return status;
}

/* ---- fast path -------------------------------------------------------------------------- */

typedef struct position_set {
    size_t m;          /* distinct positions */
    double *u;         /* ascending */
    size_t *count;     /* actors at u[q] */
    size_t *index;     /* per actor: its q */
} position_set;

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void position_set_build(position_set *ps, size_t n, const double *x)
{
    double *sorted = en_xmalloc(n * sizeof *sorted);
    memcpy(sorted, x, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_double);
    ps->u = en_xmalloc(n * sizeof *ps->u);
    ps->count = en_xcalloc(n, sizeof *ps->count);
    ps->index = en_xmalloc(n * sizeof *ps->index);
    ps->m = 0;
    for (size_t k = 0; k < n; k++)
        if (ps->m == 0 || sorted[k] != ps->u[ps->m - 1]) ps->u[ps->m++] = sorted[k];
    for (size_t k = 0; k < n; k++) {
        /* binary search: u is strictly ascending */
        size_t lo = 0, hi = ps->m;
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (ps->u[mid] <= x[k]) lo = mid;
            else hi = mid;
        }
        ps->index[k] = lo;
        ps->count[lo]++;
    }
    free(sorted);
}

static void position_set_free(position_set *ps)
{
    free(ps->u);
    free(ps->count);
    free(ps->index);
}

/* P[qa*m + qb] for distinct positions. δ is tabulated per position ([q][k], voters
 * contiguous); Z = Σ_k w_k Σ_{a1,a2} |δ_k(x_a2) − δ_k(x_a1)| uses, per voter, the identity
 * Σ_{a1,a2}|u_a2 − u_a1| = 2 Σ_m (2m − n − 1) u_(m) over the values in ascending order; δ_k
 * increases with the distance to x_k, so that order is a merge outwards from x_k (O(m) per
 * voter, no sort). N(a,b) and N(b,a) come from one pass: with v_k = w_k (δ_k(b) − δ_k(a)),
 * A = Σ v_k and B = Σ |v_k|, N(a,b) = (B + A)/2 and N(b,a) = (B − A)/2.
 * O(m·n) for Z, O(m²·n) for the pairs. Returns 0 if Z == 0. */
static int scholz_probabilities_fast(size_t n, const double *w, const double *x,
                                     const double *r, double D, const position_set *ps,
                                     double *delta, double *P)
{
    const size_t m = ps->m;
    for (size_t q = 0; q < m; q++)
        for (size_t k = 0; k < n; k++) {
            double d = fabs(x[k] - ps->u[q]) / D;
            delta[q * n + k] = r[k] == 1.0 ? d : pow(d, r[k]); /* pow(d, 1) == d exactly */
        }
    double Z = 0;
    for (size_t k = 0; k < n; k++) {
        if (w[k] == 0) continue;
        /* merge outwards from x_k: left candidates q < qk, right candidates q ≥ qk */
        size_t qk = ps->index[k];
        long left = (long)qk - 1;
        size_t right = qk, rank = 0; /* actors placed so far */
        double sum = 0;
        while (left >= 0 || right < m) {
            size_t q;
            if (right >= m) q = (size_t)left--;
            else if (left < 0) q = right++;
            else if (ps->u[qk] - ps->u[left] < ps->u[right] - ps->u[qk]) q = (size_t)left--;
            else q = right++;
            double cnt = (double)ps->count[q];
            /* ranks rank+1 .. rank+cnt: Σ (2m − n − 1) = cnt·(2·rank + cnt − n) */
            sum += delta[q * n + k] * (cnt * (2.0 * (double)rank + cnt - (double)n));
            rank += ps->count[q];
        }
        Z += w[k] * 2.0 * sum;
    }
    if (!(Z != 0)) return 0;
    for (size_t a = 0; a < m; a++) {
        P[a * m + a] = 0.0;
        const double *da = delta + a * n;
        for (size_t b = a + 1; b < m; b++) {
            const double *db = delta + b * n;
            double A0 = 0, A1 = 0, B0 = 0, B1 = 0;
            size_t k = 0;
            for (; k + 1 < n; k += 2) {
                double v0 = w[k] * (db[k] - da[k]), v1 = w[k + 1] * (db[k + 1] - da[k + 1]);
                A0 += v0;
                A1 += v1;
                B0 += fabs(v0);
                B1 += fabs(v1);
            }
            if (k < n) {
                double v0 = w[k] * (db[k] - da[k]);
                A0 += v0;
                B0 += fabs(v0);
            }
            double A = A0 + A1, B = B0 + B1;
            double nab = (B + A) / 2, nba = (B - A) / 2;
            P[a * m + b] = (nab > 0 ? nab : 0) / Z;
            P[b * m + a] = (nba > 0 ? nba : 0) / Z;
        }
    }
    return 1;
}

/* O(m²·n + n²) per round, m = distinct positions; O(m·n + n²) pow calls. */
eum_status eum_scholz_round_fast(const eum_config *cfg, size_t n, const double *c,
                                 const double *s, const double *x, double *x_out,
                                 eum_move *moves, eum_trace *trace)
{
    const double D = cfg->range, Q = cfg->Q;
    position_set ps;
    position_set_build(&ps, n, x);
    const size_t m = ps.m;
    double *w = en_xmalloc(n * sizeof *w);
    double *r = en_xmalloc(n * sizeof *r);
    double *danger = en_xmalloc(n * sizeof *danger);
    double *delta = en_xmalloc(m * n * sizeof *delta);
    double *P = en_xmalloc(m * m * sizeof *P);
    eum_status status = EUM_ROUND_OK;
    for (size_t k = 0; k < n; k++) {
        w[k] = c[k] * s[k];
        r[k] = 1.0;
    }
    /* Risk phase, r = 1: Us = 2 − 4(1/2 − d/2D) and Uf = 2 − 4(1/2 + d/2D), no pow needed. */
    if (!scholz_probabilities_fast(n, w, x, r, D, &ps, delta, P)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        size_t qi = ps.index[i];
        for (size_t j = 0; j < n; j++) {
            size_t qj = ps.index[j];
            if (qj == qi) continue; /* contributes exactly 0 */
            double dist = fabs(x[j] - x[i]);
            double Us = 2 - 4 * (0.5 - (0.5 * dist) / D);
            double Uf = 2 - 4 * (0.5 + (0.5 * dist) / D);
            sum += scholz_eu_u(P[qj * m + qi], Us, Uf, 0.0, s[i], Q);
        }
        danger[i] = sum;
    }
    if (!eum_risk_exponents(n, danger, NULL, r)) {
        status = EUM_ROUND_EQUAL_DANGER;
        goto done;
    }
    if (trace && trace->r) memcpy(trace->r, r, n * sizeof *r);

    if (!scholz_probabilities_fast(n, w, x, r, D, &ps, delta, P)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        scholz_choice ch;
        choice_init(&ch);
        size_t qi = ps.index[i];
        double Usq = 2 - 4 * pow(0.5, r[i]);
        for (size_t j = 0; j < n; j++) {
            size_t qj = ps.index[j];
            if (qj == qi) {
                if (trace && trace->eu_self) /* P = 0, dist = 0: Us = Uf = Usq */
                    trace->eu_self[i * n + j] = j == i ? NAN : scholz_eu_u(0, Usq, Usq, Usq, s[j], Q);
                if (trace && trace->eu_other)
                    trace->eu_other[i * n + j] = j == i ? NAN : scholz_eu_u(0, Usq, Usq, Usq, s[i], Q);
                continue;
            }
            double dist = fabs(x[i] - x[j]);
            /* e_ij and e_ji share the distance and i's exponent, hence Us and Uf */
            double Us = 2 - 4 * pow(0.5 - (0.5 * dist) / D, r[i]);
            double Uf = 2 - 4 * pow(0.5 + (0.5 * dist) / D, r[i]);
            double e_ij = scholz_eu_u(P[qi * m + qj], Us, Uf, Usq, s[j], Q);
            double e_ji = scholz_eu_u(P[qj * m + qi], Us, Uf, Usq, s[i], Q);
            if (trace && trace->eu_self) trace->eu_self[i * n + j] = e_ij;
            if (trace && trace->eu_other) trace->eu_other[i * n + j] = e_ji;
            choice_offer(&ch, j, x[i], x[j], e_ij, e_ji);
        }
        choice_apply(&ch, i, x, x_out, &moves[i]);
    }
done:
    position_set_free(&ps);
    free(w);
    free(r);
    free(danger);
    free(delta);
    free(P);
    return status;
}
