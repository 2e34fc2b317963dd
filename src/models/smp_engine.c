/*
 * smp_engine.c — the bargaining rounds of the spatial model of politics (SMP) as KTAB computes
 * them: risk attitudes from a probabilistic Condorcet election over the actors' positions,
 * each actor's best challenge, interpolated bargains, one election per actor's queue of
 * bargains, and KTAB's stop rule. Every sum runs in the order KTAB sums, so that positions
 * agree with KTAB's to the last bit (docs/models/smp.md, "Exactness").
 *
 * Cost per round: O(n² (n + d)). KTAB also evaluates every challenge from every actor's
 * perspective (O(n⁴)), but only to log it; that work changes no position and is skipped here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "models/smp.h"

#if defined(__GNUC__) && !defined(__clang__)
/* Element-wise loops only (no reassociated sums: the SIMD lanes give the same doubles). */
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

#define SMP_COALITION_FLOOR 1e-8  /* a coalition's strength before anyone votes */
#define SMP_CHALLENGE_FLOOR 1e-10 /* the same for the two sides of a challenge */
#define SMP_MIN_GAIN 1e-5         /* smallest expected gain worth a challenge */
#define SMP_BARGAIN_TILT 1e-6     /* keeps 0/0 bargains at each side's own position */
#define SMP_BINARY_STEP 1e-8      /* binary vote: differences this small count in proportion */
#define SMP_BINARY_THRESHOLD 1.10 /* binary victory: a 10% stronger coalition wins outright */
#define SMP_MIN_SIG_DELTA 1e-4    /* added to the first round's movement in the stop rule */
#define SMP_POSITION_TOLERANCE 1e-3 /* positions closer than this are the same position */

void smp_config_default(smp_config *c)
{
    memset(c, 0, sizeof *c);
    c->victory_prob_model = SMP_VPM_LINEAR;
    c->pce_model = SMP_PCE_CONDITIONAL;
    c->state_transitions = SMP_STM_DETERMINISTIC;
    c->voting_rule = SMP_VR_PROP;
    c->bigr_adjust = SMP_BIGR_ONE_THIRD;
    c->bigr_range = SMP_RANGE_MID;
    c->third_party_commit = SMP_TPC_SEMI_COMMIT;
    c->inter_vec_bargain = SMP_IVB_S2P2;
    c->bargain_model = SMP_BM_INIT_ONLY;
    c->min_rounds = 2;
    c->max_rounds = 100;
    c->min_delta_ratio = 0.02;
    c->seed = 0xD67CC16FE69C185Cull;
    c->record = 1;
}

/* ---- random numbers: mt19937_64 and KTAB's transform ---- */

void smp_rng_seed(smp_rng *g, uint64_t seed)
{
    g->state[0] = seed;
    for (size_t i = 1; i < 312; i++)
        g->state[i] = 6364136223846793005ull * (g->state[i - 1] ^ (g->state[i - 1] >> 62)) + i;
    g->index = 312;
}

uint64_t smp_rng_next(smp_rng *g)
{
    if (g->index >= 312) {
        for (size_t i = 0; i < 312; i++) {
            uint64_t x = (g->state[i] & 0xFFFFFFFF80000000ull) |
                         (g->state[(i + 1) % 312] & 0x7FFFFFFFull);
            uint64_t xa = x >> 1;
            if (x & 1) xa ^= 0xB5026F5AA96619E9ull;
            g->state[i] = g->state[(i + 156) % 312] ^ xa;
        }
        g->index = 0;
    }
    uint64_t y = g->state[g->index++];
    y ^= (y >> 29) & 0x5555555555555555ull;
    y ^= (y << 17) & 0x71D67FFFEDA60000ull;
    y ^= (y << 37) & 0xFFF7EEE000000000ull;
    y ^= y >> 43;
    return y;
}

double smp_rng_uniform(smp_rng *g)
{
    uint64_t n = smp_rng_next(g);
    uint64_t u = (n + 0xE08C1D668B756F83ull) * (2 * n + 3); /* modulo 2^64 */
    return 0.0 + (1.0 - 0.0) * (double)u / (double)0xFFFFFFFFFFFFFFFFull;
}

/* ---- utilities ---- */

/* Salience-weighted distance of a difference vector, scaled into [0,1]. */
static double weighted_distance(const double *delta, const double *salience, size_t d,
                                double salience_squares)
{
    double acc = 0.0;
    for (size_t k = 0; k < d; k++) {
        double ds = delta[k] * salience[k];
        acc += ds * ds;
    }
    if (salience_squares <= 0) return 0; /* an actor that cares about nothing here */
    return sqrt(acc / salience_squares);
}

static double scalar_utility(double distance, double risk)
{
    if (distance <= 1) return (1 - distance) * (1 + distance * risk);
    return (1 - distance) * (1 + risk);
}

static double clamp_unit(double x) { return x < -1 ? -1 : x > 1 ? 1 : x; }

/* Influence weight w exerts for a over b, given its utilities of a and b. */
static double vote(int rule, double w, double ua, double ub)
{
    double delta = ua - ub;
    switch (rule) {
    case SMP_VR_BINARY: return w * clamp_unit(delta / SMP_BINARY_STEP);
    case SMP_VR_PROP_BIN: return w * (0.8 * delta + 0.2 * clamp_unit(delta / SMP_BINARY_STEP));
    case SMP_VR_PROP_CBC: {
        double cube = delta * delta * delta;
        return w * (0.5 * delta + 0.5 * cube);
    }
    case SMP_VR_CUBIC: return w * (delta * delta * delta);
    case SMP_VR_ASYM_PROSP:
        if (delta < 0) return w * delta;
        if (delta > 0) return (2.0 * w * delta) / 3.0;
        return 0;
    case SMP_VR_PROP:
    default: return w * delta;
    }
}

/* ---- probabilistic Condorcet elections ---- */

typedef struct smp_work {
    const smp_config *config;
    size_t n, d;
    const double *capability, *salience, *accommodation;
    double *salience_total;   /* n: Σ_k s_ik */
    double *salience_squares; /* n: Σ_k s_ik² */
    double *effective_power;  /* n: S_i × c_i */
    /* the current state */
    double *x, *ideal, *distance, *distance_t, *risk; /* distance_t: transposed */
    /* scratch */
    double *C, *P, *p, *q, *ct, *u;
    size_t election_capacity; /* options the scratch holds */
    double *rh, *uh_i, *uh_m, *sq_utility, *delta, *third_party_vote;
    smp_rng rng;
} smp_work;

static void ensure_election(smp_work *w, size_t options)
{
    if (options <= w->election_capacity) return;
    size_t cap = options < 16 ? 16 : options;
    free(w->C), free(w->P), free(w->p), free(w->q), free(w->ct), free(w->u);
    w->C = en_xmalloc(cap * cap * sizeof *w->C);
    w->P = en_xmalloc(cap * cap * sizeof *w->P);
    w->ct = en_xmalloc(cap * cap * sizeof *w->ct);
    w->p = en_xmalloc(cap * sizeof *w->p);
    w->q = en_xmalloc(cap * sizeof *w->q);
    w->u = en_xmalloc(w->n * cap * sizeof *w->u);
    w->election_capacity = cap;
}

/* Two doubles in one SIMD register (GCC/clang vector extension; SSE2 on x86-64). Element-wise
 * IEEE operations give each lane exactly the scalar result. */
typedef double v2d __attribute__((vector_size(16)));
typedef long long v2i __attribute__((vector_size(16)));

static inline v2d load2(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store2(double *p, v2d v) { memcpy(p, &v, sizeof v); }

/* mask ? a : b, lane by lane (mask lanes all ones or all zeros, as comparisons give) */
static inline v2d select2(v2i mask, v2d a, v2d b)
{
    v2i r = ((v2i)a & mask) | ((v2i)b & ~mask);
    return (v2d)r;
}

/* Coalition strengths C (q × q) from voters' utilities u (voters × q, row per voter). For
 * each option i the sums against every j < i advance together voter by voter: each pair's sum
 * still adds its voters in ascending order (exactly KTAB's sums), while the pairs fill SIMD
 * lanes. Adding +0.0 leaves a positive sum unchanged, so the sums need no branches. */
static void coalitions(const smp_work *w, size_t voters, size_t q, const double *weight,
                       const double *u, double *C)
{
    int rule = w->config->voting_rule;
    double *pro = w->q, *con = w->ct; /* q entries each */
    for (size_t i = 0; i < q; i++) {
        for (size_t j = 0; j < i; j++) pro[j] = con[j] = SMP_COALITION_FLOOR;
        for (size_t k = 0; k < voters; k++) {
            const double *row = &u[k * q];
            double wk = weight[k], uki = row[i];
            if (rule == SMP_VR_PROP) {
                size_t j = 0;
                const v2d wv = {wk, wk}, uv = {uki, uki}, zero = {0.0, 0.0};
                for (; j + 2 <= i; j += 2) {
                    v2d v = wv * (uv - load2(&row[j]));
                    store2(&pro[j], load2(&pro[j]) + select2(v > zero, v, zero));
                    store2(&con[j], load2(&con[j]) - select2(v < zero, v, zero));
                }
                for (; j < i; j++) {
                    double v = wk * (uki - row[j]);
                    pro[j] += v > 0 ? v : 0.0;
                    con[j] -= v < 0 ? v : 0.0;
                }
            } else {
                for (size_t j = 0; j < i; j++) {
                    double v = vote(rule, wk, uki, row[j]);
                    pro[j] += v > 0 ? v : 0.0;
                    con[j] -= v < 0 ? v : 0.0;
                }
            }
        }
        for (size_t j = 0; j < i; j++) {
            C[i * q + j] = pro[j];
            C[j * q + i] = con[j];
        }
        C[i * q + i] = SMP_COALITION_FLOOR;
    }
}

static double victory_power(int model, double s)
{
    switch (model) {
    case SMP_VPM_SQUARE: return s * s;
    case SMP_VPM_QUARTIC: { double s2 = s * s; return s2 * s2; }
    case SMP_VPM_OCTIC: { double s2 = s * s, s4 = s2 * s2; return s4 * s4; }
    default: return s;
    }
}

/* Pairwise victory probabilities P (q × q) from coalition strengths. */
static void victory_probabilities(int model, size_t q, const double *C, double *P)
{
    for (size_t i = 0; i < q; i++) {
        for (size_t j = 0; j < i; j++) {
            double s1 = C[i * q + j], s2 = C[j * q + i], x1, x2;
            if (model == SMP_VPM_BINARY) {
                if (s1 >= SMP_BINARY_THRESHOLD * s2) x1 = 1, x2 = 1e-6;
                else if (s2 >= SMP_BINARY_THRESHOLD * s1) x1 = 1e-6, x2 = 1;
                else {
                    double r = s1 / (s1 + s2);
                    double t = (r * (SMP_BINARY_THRESHOLD + 1.0) - 1.0) / (SMP_BINARY_THRESHOLD - 1.0);
                    x1 = t, x2 = 1 - t;
                }
            } else {
                x1 = victory_power(model, s1);
                x2 = victory_power(model, s2);
            }
            double sum = x1 + x2;
            P[i * q + j] = x1 / sum;
            P[j * q + i] = x2 / sum;
        }
        P[i * q + i] = 0.5;
    }
}

/* Probability of each option from P; p and the scratch hold q entries. */
static en_status condorcet(smp_work *w, size_t q, const double *C, const double *P, double *p,
                           en_error *err)
{
    switch (w->config->pce_model) {
    case SMP_PCE_MARKOV_UNIFORM: {
        double *next = w->q;
        for (size_t i = 0; i < q; i++) p[i] = 1.0 / (double)q;
        size_t iter = 0;
        double change;
        do {
            change = 0;
            for (size_t i = 0; i < q; i++) {
                double s = 0.0;
                for (size_t j = 0; j < q; j++) s += P[i * q + j] * (p[i] + p[j]);
                next[i] = s / (double)q;
                double c = fabs(next[i] - p[i]);
                if (c > change) change = c;
            }
            for (size_t i = 0; i < q; i++) p[i] = (p[i] + next[i]) / 2.0;
            iter++;
        } while (change > 1e-6 && iter < 1000);
        if (iter >= 1000)
            return en_error_set(err, EN_ERROR_MODEL,
                                "smp: the Markov (uniform) election did not converge in 1000 iterations");
        return EN_OK;
    }
    case SMP_PCE_MARKOV_INCENTIVE: {
        double *chlg = w->ct, *next = w->q;
        /* chlg(i,j) = inc(i,j) / Σ_k inc(k,j), inc = C·P plus a floor on the diagonal */
        for (size_t j = 0; j < q; j++) {
            double col = 0.0;
            for (size_t k = 0; k < q; k++) {
                double inc = C[k * q + j] * P[k * q + j];
                if (k == j) inc += 1e-10;
                col += inc;
            }
            for (size_t i = 0; i < q; i++) {
                double inc = C[i * q + j] * P[i * q + j];
                if (i == j) inc += 1e-10;
                chlg[i * q + j] = inc / col;
            }
        }
        for (size_t i = 0; i < q; i++) p[i] = 1.0 / (double)q;
        size_t iter = 0;
        double change;
        do {
            change = 0;
            for (size_t i = 0; i < q; i++) {
                double s = 0.0;
                for (size_t j = 0; j < q; j++) {
                    double ct_ij = p[i] * chlg[j * q + i];
                    double ct_ji = p[j] * chlg[i * q + j];
                    s += P[i * q + j] * (ct_ij + ct_ji);
                }
                next[i] = s;
                double c = fabs(next[i] - p[i]);
                if (c > change) change = c;
            }
            for (size_t i = 0; i < q; i++) p[i] = (p[i] + next[i]) / 2.0;
            iter++;
        } while (change > 1e-8 && iter < 100000);
        if (change > 1e-8)
            return en_error_set(err, EN_ERROR_MODEL,
                                "smp: the Markov (incentive) election did not converge");
        return EN_OK;
    }
    case SMP_PCE_CONDITIONAL:
    default: {
        double total = 0.0;
        for (size_t i = 0; i < q; i++) {
            double prod = 1.0;
            for (size_t j = 0; j < q; j++) prod *= P[i * q + j];
            p[i] = prod;
        }
        for (size_t i = 0; i < q; i++) total += p[i];
        for (size_t i = 0; i < q; i++) p[i] = p[i] / total;
        return EN_OK;
    }
    }
}

/* The election over q options given voters' utilities w->u (n × q), capability weights. */
static en_status elect(smp_work *w, size_t q, const double *weight, en_error *err)
{
    coalitions(w, w->n, q, weight, w->u, w->C);
    victory_probabilities(w->config->victory_prob_model, q, w->C, w->P);
    return condorcet(w, q, w->C, w->P, w->p, err);
}

/* ---- the state: distances and risk attitudes ---- */

static void compute_distances(smp_work *w)
{
    size_t n = w->n, d = w->d;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            for (size_t k = 0; k < d; k++) w->delta[k] = w->ideal[i * d + k] - w->x[j * d + k];
            w->distance[i * n + j] = w->distance_t[j * n + i] =
                weighted_distance(w->delta, &w->salience[i * d], d, w->salience_squares[i]);
        }
}

/* Risk attitudes from the election over all actors' positions with risk-neutral utilities. */
static en_status compute_risk(smp_work *w, en_error *err)
{
    size_t n = w->n;
    ensure_election(w, n);
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < n; j++) w->u[k * n + j] = scalar_utility(w->distance[k * n + j], 0);
    en_status st = elect(w, n, w->capability, err);
    if (st != EN_OK) return st;
    double pmin = 1.0, pmax = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (w->p[i] < pmin) pmin = w->p[i];
        if (w->p[i] > pmax) pmax = w->p[i];
    }
    for (size_t i = 0; i < n; i++) {
        double p = w->p[i], r;
        if (!(pmax > pmin)) { /* every position equally likely: KTAB divides by zero here */
            w->risk[i] = 0;
            continue;
        }
        switch (w->config->bigr_range) {
        case SMP_RANGE_MIN: r = (p - pmin) / (pmax - pmin); break;
        case SMP_RANGE_MAX: r = (2.0 * p - (pmax + pmin)) / (pmax - pmin); break;
        default: r = (3.0 * p - (pmax + 2.0 * pmin)) / (2.0 * (pmax - pmin)); break;
        }
        w->risk[i] = r;
    }
    return EN_OK;
}

/* h's estimate of i's risk attitude. */
static double estimated_risk(const smp_work *w, size_t h, size_t i)
{
    double rh = w->risk[h], ri = w->risk[i];
    if (h == i) return rh;
    switch (w->config->bigr_adjust) {
    case SMP_BIGR_NONE: return rh;
    case SMP_BIGR_HALF: return (rh + ri) / 2.0;
    case SMP_BIGR_TWO_THIRDS: return (rh + (2.0 * ri)) / 3.0;
    case SMP_BIGR_FULL: return ri;
    default: return ((2.0 * rh) + ri) / 3.0;
    }
}

/* Fills w->rh (h's estimates of everyone's risk), w->uh_i (U^h(m,i) for every m) and
 * w->uh_m (U^h(m,m)). */
static void perspective(smp_work *w, size_t h, size_t i)
{
    size_t n = w->n;
    for (size_t m = 0; m < n; m++) {
        w->rh[m] = estimated_risk(w, h, m);
        w->uh_i[m] = scalar_utility(w->distance[m * n + i], w->rh[m]);
        w->uh_m[m] = scalar_utility(w->distance[m * n + m], w->rh[m]);
    }
}

/* h's estimate (perspective set up by perspective(w, h, i)) of i's chance of beating j and of
 * i's expected gain from challenging j. First every third party's vote (independent of each
 * other, so the loop runs in SIMD lanes), then the two sides' sums in KTAB's order. A term of
 * +0.0 leaves a positive sum unchanged, which keeps the sums free of branches and exact. */
static void challenge(const smp_work *w, size_t i, size_t j, double *phi, double *gain)
{
    size_t n = w->n;
    const smp_config *c = w->config;
    const double *rh = w->rh, *U_i = w->uh_i, *U_m = w->uh_m, *power = w->effective_power;
    double u_ii = U_i[i];
    double u_ij = scalar_utility(w->distance[i * n + j], rh[i]);
    double u_ji = U_i[j];
    double u_jj = U_m[j];
    double eu_sq = u_ii + u_ij;
    double u_victory = u_ii + u_ii;
    double u_loss = u_ij + u_ij;
    double a = vote(c->voting_rule, power[i], u_ii, u_ij);
    double b = vote(c->voting_rule, power[j], u_ji, u_jj);
    double chij = SMP_CHALLENGE_FLOOR, chji = SMP_CHALLENGE_FLOOR;
    if (a > 0) chij += a;
    if (a < 0) chji -= a;
    if (b > 0) chij += b;
    if (b < 0) chji -= b;
    const double ci0 = chij, cj0 = chji;
    const double *dj = &w->distance_t[j * n];
    double *vm = w->third_party_vote;
    /* which utility completes each outcome: 0 = the side's own (3u), 1 = the third party's (2u + um) */
    const int full = c->third_party_commit == SMP_TPC_FULL_COMMIT;
    const int none = c->third_party_commit == SMP_TPC_NO_COMMIT;
    if (c->voting_rule == SMP_VR_PROP) {
        size_t m = 0;
        /* two lanes at a time: the same operations as the scalar loop below, lane by lane */
        const v2d one = {1.0, 1.0}, zero = {0.0, 0.0};
        const v2d ci = {ci0, ci0}, cj = {cj0, cj0};
        for (; m + 2 <= n; m += 2) {
            v2d wm = load2(&power[m]), ui = load2(&U_i[m]), um = load2(&U_m[m]);
            v2d dm = load2(&dj[m]), r = load2(&rh[m]);
            v2d uj = (one - dm) * (one + select2(dm <= one, dm, one) * r);
            v2d v0 = wm * (ui - uj);
            v2d cni = ci + select2(v0 > zero, v0, zero);
            v2d cnj = cj - select2(v0 < zero, v0, zero);
            v2d pi = cni / (cni + cnj);
            v2d join_i_win = (ui + ui) + (full ? ui : um);
            v2d join_i_lose = (uj + uj) + (none ? um : uj);
            v2d join_j_lose = (ui + ui) + (none ? um : ui);
            v2d join_j_win = (uj + uj) + (full ? uj : um);
            v2d e_i = pi * join_i_win + (one - pi) * join_i_lose;
            v2d e_j = pi * join_j_lose + (one - pi) * join_j_win;
            store2(&vm[m], wm * (e_i - e_j));
        }
        for (; m < n; m++) {
            double wm = power[m], ui = U_i[m], um = U_m[m];
            double dm = dj[m], r = rh[m];
            double uj = (1 - dm) * (1 + (dm <= 1 ? dm : 1.0) * r);
            double v0 = wm * (ui - uj);
            double cni = ci0 + (v0 > 0 ? v0 : 0.0);
            double cnj = cj0 - (v0 < 0 ? v0 : 0.0);
            double pi = cni / (cni + cnj);
            double join_i_win = (ui + ui) + (full ? ui : um);
            double join_i_lose = (uj + uj) + (none ? um : uj);
            double join_j_lose = (ui + ui) + (none ? um : ui);
            double join_j_win = (uj + uj) + (full ? uj : um);
            double e_i = pi * join_i_win + (1.0 - pi) * join_i_lose;
            double e_j = pi * join_j_lose + (1.0 - pi) * join_j_win;
            vm[m] = wm * (e_i - e_j);
        }
    } else {
        for (size_t m = 0; m < n; m++) {
            double wm = power[m], ui = U_i[m], um = U_m[m];
            double uj = scalar_utility(dj[m], rh[m]);
            double v0 = vote(c->voting_rule, wm, ui, uj);
            double cni = v0 > 0 ? ci0 + v0 : ci0;
            double cnj = v0 < 0 ? cj0 - v0 : cj0;
            double pi = cni / (cni + cnj);
            double join_i_win = (ui + ui) + (full ? ui : um);
            double join_i_lose = (uj + uj) + (none ? um : uj);
            double join_j_lose = (ui + ui) + (none ? um : ui);
            double join_j_win = (uj + uj) + (full ? uj : um);
            double e_i = pi * join_i_win + (1.0 - pi) * join_i_lose;
            double e_j = pi * join_j_lose + (1.0 - pi) * join_j_win;
            vm[m] = vote(c->voting_rule, wm, e_i, e_j);
        }
    }
    vm[i] = vm[j] = 0.0; /* the principals are not third parties */
    for (size_t m = 0; m < n; m++) {
        double v = vm[m];
        chij += v > 0 ? v : 0.0;
        chji -= v < 0 ? v : 0.0;
    }
    double p_win = chij / (chij + chji);
    double p_lose = chji / (chij + chji);
    double eu_contest = p_win * u_victory + p_lose * u_loss;
    double sj = w->salience_total[j];
    double eu_challenge = (1 - sj) * u_victory + sj * eu_contest;
    *phi = p_win;
    *gain = eu_challenge - eu_sq;
}

/* KTAB's rounding of bargain positions to 4 decimals (truncation after adding 0.5); values
 * outside any position's range (impossible with finite input) are left alone rather than
 * overflow the int. */
static double round4(double x)
{
    double y = 0.5 + x * 10000.0;
    if (!(y > -2e9 && y < 2e9)) return x;
    return (double)(int)y / 10000.0;
}

/* The bargain positions when i challenges j and i's chance is phi. */
static void interpolate(const smp_work *w, size_t i, size_t j, double phi, double *bi, double *bj)
{
    size_t d = w->d;
    double p_i = phi, p_j = 1 - phi;
    for (size_t k = 0; k < d; k++) {
        double ti = w->x[i * d + k], tj = w->x[j * d + k];
        double si = w->salience[i * d + k], sj = w->salience[j * d + k];
        if (w->config->inter_vec_bargain == SMP_IVB_S2PMAX) {
            double di = p_j - p_i > 0 ? p_j - p_i : 0;
            double dj = p_i - p_j > 0 ? p_i - p_j : 0;
            double ai = di * sj * sj / (di * sj * sj + SMP_BARGAIN_TILT + (1 - di) * si * si);
            double aj = dj * si * si / (dj * si * si + SMP_BARGAIN_TILT + (1 - dj) * sj * sj);
            bi[k] = ti + ai * (tj - ti);
            bj[k] = tj + aj * (ti - tj);
        } else {
            double e = w->config->inter_vec_bargain == SMP_IVB_S1P1 ? 1 : 2;
            double wi = pow(si, e) * pow(p_i, e);
            double wj = pow(sj, e) * pow(p_j, e);
            double den = (wi + SMP_BARGAIN_TILT) + wj;
            bi[k] = round4(((wi + SMP_BARGAIN_TILT) * ti + wj * tj) / den);
            bj[k] = round4((wi * ti + (SMP_BARGAIN_TILT + wj) * tj) / den);
        }
    }
}

static double state_distance(const double *a, const double *b, size_t n, size_t d)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t k = 0; k < d; k++) {
            double diff = a[i * d + k] - b[i * d + k];
            s += diff * diff;
        }
        total += sqrt(s);
    }
    return total;
}

/* Winning probabilities of the state (KTAB's end-of-run table): each actor's true utilities
 * over the distinct positions, one election; an actor gets its position's probability. */
static en_status win_probabilities(smp_work *w, double *out, en_error *err)
{
    size_t n = w->n, d = w->d;
    size_t *unique = en_xmalloc(n * sizeof *unique), count = 0;
    size_t *class_of = en_xmalloc(n * sizeof *class_of);
    for (size_t a = 0; a < n; a++) {
        long match = -1;
        for (size_t u = 0; u < count; u++) {
            double s = 0.0;
            for (size_t k = 0; k < d; k++) {
                double diff = w->x[a * d + k] - w->x[unique[u] * d + k];
                s += diff * diff;
            }
            if (sqrt(s) < SMP_POSITION_TOLERANCE) match = (long)u;
        }
        if (match < 0) unique[count] = a, match = (long)count++;
        class_of[a] = (size_t)match;
    }
    /* the last matching distinct position, as KTAB reports it */
    for (size_t a = 0; a < n; a++) {
        for (size_t u = 0; u < count; u++) {
            double s = 0.0;
            for (size_t k = 0; k < d; k++) {
                double diff = w->x[a * d + k] - w->x[unique[u] * d + k];
                s += diff * diff;
            }
            if (sqrt(s) < SMP_POSITION_TOLERANCE) class_of[a] = u;
        }
    }
    ensure_election(w, count);
    for (size_t k = 0; k < n; k++)
        for (size_t u = 0; u < count; u++)
            w->u[k * count + u] = scalar_utility(w->distance[k * n + unique[u]], w->risk[k]);
    en_status st = elect(w, count, w->capability, err);
    if (st == EN_OK)
        for (size_t a = 0; a < n; a++) out[a] = w->p[class_of[a]];
    free(unique);
    free(class_of);
    return st;
}

/* ---- one round ---- */

typedef struct smp_queue_entry {
    long bargain; /* -1: the status quo */
} smp_queue_entry;

static en_status bargaining_round(smp_work *w, double *next_x, smp_turn *turn, en_error *err)
{
    size_t n = w->n, d = w->d;
    const smp_config *c = w->config;
    size_t per_actor = c->bargain_model == SMP_BM_INIT_RCVR ? 2 : 1;
    smp_bargain *bargains = en_xcalloc(n * per_actor, sizeof *bargains);
    double *coords = en_xcalloc(n * per_actor * 2 * d, sizeof *coords);
    long *first_of = en_xmalloc(n * sizeof *first_of); /* first bargain i initiated, -1 none */
    size_t count = 0;
    double *bi = en_xmalloc(2 * d * sizeof *bi), *bj = bi + d;
    for (size_t i = 0; i < n; i++) {
        first_of[i] = -1;
        perspective(w, i, i);
        double best = -1, best_phi = 0;
        long target = -1;
        for (size_t j = 0; j < n; j++) {
            if (j == i) continue;
            double phi, gain;
            challenge(w, i, j, &phi, &gain);
            if (gain > SMP_MIN_GAIN && gain > best) best = gain, best_phi = phi, target = (long)j;
        }
        if (target < 0) continue;
        size_t j = (size_t)target;
        first_of[i] = (long)count;
        /* The receiver's version of the bargain. [KTAB quirk] KTAB interpolates it with the
         * second value of the receiver's challenge estimate, which is the expected gain of
         * the challenge to the initiator (as the receiver sees it), not the probability. */
        double phi_j = 0;
        if (c->bargain_model != SMP_BM_INIT_ONLY) {
            double p_receiver_view;
            perspective(w, j, i);
            challenge(w, i, j, &p_receiver_view, &phi_j);
        }
        for (size_t v = 0; v < per_actor; v++) {
            smp_bargain *b = &bargains[count];
            b->initiator = (int)i, b->receiver = (int)j;
            b->win_probability = best_phi, b->gain = best;
            b->init_position = &coords[count * 2 * d];
            b->rcvr_position = b->init_position + d;
            interpolate(w, i, j, v == 0 ? best_phi : phi_j, b->init_position, b->rcvr_position);
            if (c->bargain_model == SMP_BM_PW_COMP) {
                interpolate(w, i, j, phi_j, bi, bj);
                double wi = w->capability[i] * w->salience_total[i];
                double wj = w->capability[i] * w->salience_total[j]; /* as KTAB: i's capability */
                for (size_t k = 0; k < d; k++) {
                    b->init_position[k] = (wi * b->init_position[k] + wj * bi[k]) / (wi + wj);
                    b->rcvr_position[k] = (wi * b->rcvr_position[k] + wj * bj[k]) / (wi + wj);
                }
            }
            count++;
        }
    }
    free(bi);

    /* Every actor's utility of every bargain: the mean utility of the configuration it makes.
     * Tt holds the true utilities transposed (Tt[m][a] = U^a(a, m)) so that all voters' sums
     * advance together, each still adding its terms in KTAB's order. */
    double *Tt = en_xmalloc(n * n * sizeof *Tt);
    for (size_t a = 0; a < n; a++) {
        double s = 0.0;
        for (size_t m = 0; m < n; m++) {
            double t = scalar_utility(w->distance[a * n + m], w->risk[a]);
            Tt[m * n + a] = t;
            s += t;
        }
        w->sq_utility[a] = s / (double)n;
    }
    double *bu = en_xmalloc((count ? count : 1) * n * sizeof *bu);
    for (size_t b = 0; b < count; b++) {
        size_t I = (size_t)bargains[b].initiator, J = (size_t)bargains[b].receiver;
        double *sum = &bu[b * n];
        for (size_t a = 0; a < n; a++) {
            const double *ideal = &w->ideal[a * d];
            for (size_t k = 0; k < d; k++) w->delta[k] = ideal[k] - bargains[b].init_position[k];
            double ui = scalar_utility(weighted_distance(w->delta, &w->salience[a * d], d,
                                                         w->salience_squares[a]), w->risk[a]);
            for (size_t k = 0; k < d; k++) w->delta[k] = ideal[k] - bargains[b].rcvr_position[k];
            double ur = scalar_utility(weighted_distance(w->delta, &w->salience[a * d], d,
                                                         w->salience_squares[a]), w->risk[a]);
            double s = 0.0;
            s += ui;
            s += ur;
            sum[a] = s;
        }
        for (size_t m = 0; m < n; m++) {
            if (m == I || m == J) continue;
            const double *row = &Tt[m * n];
            for (size_t a = 0; a < n; a++) sum[a] += row[a];
        }
        for (size_t a = 0; a < n; a++) sum[a] = sum[a] / (double)n;
    }
    free(Tt);

    /* Each actor's queue, canonical order: by initiator, the status quo before own proposals. */
    long *queue = en_xmalloc((n * per_actor + 1) * sizeof *queue);
    long *targeting = en_xmalloc((count ? count : 1) * sizeof *targeting);
    size_t *by_receiver_start = en_xcalloc(n + 1, sizeof *by_receiver_start);
    for (size_t b = 0; b < count; b++) by_receiver_start[bargains[b].receiver + 1]++;
    for (size_t k = 0; k < n; k++) by_receiver_start[k + 1] += by_receiver_start[k];
    size_t *fill = en_xmalloc((n + 1) * sizeof *fill);
    memcpy(fill, by_receiver_start, (n + 1) * sizeof *fill);
    for (size_t b = 0; b < count; b++) targeting[fill[bargains[b].receiver]++] = (long)b;
    free(fill);
    en_status st = EN_OK;
    for (size_t k = 0; k < n && st == EN_OK; k++) {
        size_t q = 0;
        size_t t = by_receiver_start[k], t_end = by_receiver_start[k + 1];
        /* bargains aimed at k come in initiator order because b runs in initiator order */
        while (t < t_end && (size_t)bargains[targeting[t]].initiator < k) queue[q++] = targeting[t++];
        queue[q++] = -1;
        if (first_of[k] >= 0)
            for (size_t v = 0; v < per_actor; v++) queue[q++] = first_of[k] + (long)v;
        while (t < t_end) queue[q++] = targeting[t++];
        long winner = -1;
        double winner_p = 1;
        /* a stochastic run draws for every queue, even the status quo alone */
        if (q > 1 || c->state_transitions == SMP_STM_STOCHASTIC) {
            ensure_election(w, q);
            for (size_t a = 0; a < n; a++)
                for (size_t o = 0; o < q; o++)
                    w->u[a * q + o] = queue[o] < 0 ? w->sq_utility[a] : bu[(size_t)queue[o] * n + a];
            st = elect(w, q, w->capability, err);
            if (st != EN_OK) break;
            size_t pick = 0;
            if (c->state_transitions == SMP_STM_STOCHASTIC) {
                double u = smp_rng_uniform(&w->rng), sum = 0;
                pick = q - 1;
                for (size_t o = 0; o < q; o++) {
                    sum += w->p[o];
                    if (u <= sum) { pick = o; break; }
                }
            } else {
                for (size_t o = 1; o < q; o++)
                    if (w->p[pick] < w->p[o]) pick = o;
            }
            winner = queue[pick];
            winner_p = w->p[pick];
        }
        const double *from = &w->x[k * d];
        if (winner >= 0) {
            const smp_bargain *b = &bargains[winner];
            from = (size_t)b->initiator == k ? b->init_position : b->rcvr_position;
        }
        memcpy(&next_x[k * d], from, d * sizeof *from);
        if (turn) turn->winner[k] = (int)winner, turn->winner_probability[k] = winner_p;
    }
    free(queue);
    free(targeting);
    free(by_receiver_start);
    free(bu);
    free(first_of);
    if (turn && st == EN_OK) {
        turn->bargain_count = count;
        turn->bargains = bargains;
        /* bargains point into coords: keep it alive with the turn */
        if (count == 0) free(coords), turn->bargains = NULL, free(bargains);
    } else {
        free(bargains);
        free(coords);
    }
    return st;
}

/* ---- the run ---- */

static void update_ideals(smp_work *w, const double *new_x)
{
    size_t n = w->n, d = w->d;
    if (!w->accommodation) {
        memcpy(w->ideal, new_x, n * d * sizeof *new_x);
        return;
    }
    double *next = en_xcalloc(n * d, sizeof *next);
    for (size_t i = 0; i < n; i++) {
        const double *A = &w->accommodation[i * n];
        double row = 0.0;
        for (size_t j = 0; j < n; j++) {
            row += A[j];
            for (size_t k = 0; k < d; k++) next[i * d + k] += A[j] * new_x[j * d + k];
        }
        double lag = 1 - (row < 1 ? row : 1);
        for (size_t k = 0; k < d; k++) next[i * d + k] += lag * w->ideal[i * d + k];
    }
    memcpy(w->ideal, next, n * d * sizeof *next);
    free(next);
}

static void turn_free(smp_turn *t)
{
    if (t->bargains && t->bargain_count) free(t->bargains[0].init_position);
    free(t->bargains);
    free(t->winner);
    free(t->winner_probability);
}

void smp_output_free(smp_output *out)
{
    if (!out) return;
    if (out->turns)
        for (size_t t = 0; t < out->state_count; t++) turn_free(&out->turns[t]);
    free(out->turns);
    free(out->positions);
    free(out->win_probability);
    memset(out, 0, sizeof *out);
}

en_status smp_solve(const smp_input *in, const smp_config *config, smp_output *out,
                    en_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = in->n, d = in->d;
    if (n < 2 || d < 1)
        return en_error_set(err, EN_ERROR_INTERNAL, "smp: needs two actors and one dimension");
    smp_work w = {0};
    w.config = config;
    w.n = n, w.d = d;
    w.capability = in->capability;
    w.salience = in->salience;
    w.accommodation = in->accommodation;
    w.salience_total = en_xmalloc(n * sizeof(double));
    w.salience_squares = en_xmalloc(n * sizeof(double));
    w.effective_power = en_xmalloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double s = 0.0, s2 = 0.0;
        for (size_t k = 0; k < d; k++) {
            double v = in->salience[i * d + k];
            s += v;
            s2 += v * v;
        }
        w.salience_total[i] = s;
        w.salience_squares[i] = s2;
        w.effective_power[i] = s * in->capability[i];
    }
    w.x = en_xmalloc(n * d * sizeof(double));
    w.ideal = en_xmalloc(n * d * sizeof(double));
    w.distance = en_xmalloc(n * n * sizeof(double));
    w.distance_t = en_xmalloc(n * n * sizeof(double));
    w.risk = en_xmalloc(n * sizeof(double));
    w.rh = en_xmalloc(n * sizeof(double));
    w.uh_i = en_xmalloc(n * sizeof(double));
    w.uh_m = en_xmalloc(n * sizeof(double));
    w.third_party_vote = en_xmalloc(n * sizeof(double));
    w.sq_utility = en_xmalloc(n * sizeof(double));
    w.delta = en_xmalloc(d * sizeof(double));
    smp_rng_seed(&w.rng, config->seed);
    memcpy(w.x, in->position, n * d * sizeof(double));
    memcpy(w.ideal, in->position, n * d * sizeof(double));

    size_t capacity = 16;
    out->n = n, out->d = d;
    out->positions = en_xmalloc(capacity * n * d * sizeof(double));
    out->win_probability = en_xmalloc(capacity * n * sizeof(double));
    if (config->record) out->turns = en_xcalloc(capacity, sizeof *out->turns);
    memcpy(out->positions, w.x, n * d * sizeof(double));
    out->state_count = 1;
    out->stop_reason = "rounds";

    compute_distances(&w);
    en_status st = compute_risk(&w, err);
    if (st == EN_OK) st = win_probabilities(&w, out->win_probability, err);
    double first_change = 0;
    double *next_x = en_xmalloc(n * d * sizeof(double));
    for (int iter = 1; st == EN_OK; iter++) {
        if (out->state_count == capacity) {
            capacity *= 2;
            out->positions = en_xrealloc(out->positions, capacity * n * d * sizeof(double));
            out->win_probability = en_xrealloc(out->win_probability, capacity * n * sizeof(double));
            if (config->record) {
                out->turns = en_xrealloc(out->turns, capacity * sizeof *out->turns);
                memset(&out->turns[out->state_count], 0,
                       (capacity - out->state_count) * sizeof *out->turns);
            }
        }
        smp_turn *turn = NULL;
        if (config->record) {
            turn = &out->turns[out->state_count];
            turn->winner = en_xmalloc(n * sizeof *turn->winner);
            turn->winner_probability = en_xmalloc(n * sizeof(double));
        }
        st = bargaining_round(&w, next_x, turn, err);
        if (st != EN_OK) break;
        double *prev = &out->positions[(out->state_count - 1) * n * d];
        double *cur = &out->positions[out->state_count * n * d];
        memcpy(cur, next_x, n * d * sizeof(double));
        out->state_count++;
        if (iter == 1) first_change = state_distance(out->positions, cur, n, d) + SMP_MIN_SIG_DELTA;
        double change = state_distance(prev, cur, n, d);
        double ratio = change / first_change;
        if (turn) turn->change_ratio = ratio;
        memcpy(w.x, next_x, n * d * sizeof(double));
        update_ideals(&w, next_x);
        compute_distances(&w);
        st = compute_risk(&w, err);
        if (st == EN_OK)
            st = win_probabilities(&w, &out->win_probability[(out->state_count - 1) * n], err);
        if (st != EN_OK) break;
        if (iter >= config->max_rounds) break;
        if (iter >= config->min_rounds && ratio < config->min_delta_ratio) {
            out->stop_reason = "quiet";
            break;
        }
    }
    free(next_x);
    free(w.salience_total), free(w.salience_squares), free(w.effective_power);
    free(w.x), free(w.ideal), free(w.distance), free(w.distance_t), free(w.risk);
    free(w.rh), free(w.uh_i), free(w.uh_m), free(w.third_party_vote), free(w.sq_utility), free(w.delta);
    free(w.C), free(w.P), free(w.p), free(w.q), free(w.ct), free(w.u);
    if (st != EN_OK) smp_output_free(out);
    return st;
}
