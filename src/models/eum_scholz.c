/*
 * eum_scholz.c — one round of the "scholz" EUM variant: the McKibben/Masad replication of
 * Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4):510–531 (reference "bdm1",
 * bdm_scholz_model.py). The equations are in docs/models/eum.md, "Variant scholz"; the
 * sections cited below are that page's.
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
 *   fast      positions de-duplicated (m distinct) and what depends on a pair of actors only
 *             through their positions tabulated per position pair; Z by the sorted
 *             sum-of-|differences| identity, both N(a,b) and N(b,a) from one pass over the
 *             voters. Still O(m²·n) per round: the voter exponents r_k make every pair's vote a
 *             genuine n-term sum. Differs from the straight path by ~1e-15 relative. With
 *             array_powers (path=vector, Monte Carlo draws) the offer phase's powers are
 *             exp(r·log b) over whole arrays instead of pow: ~1e-14, three times cheaper on the
 *             small issues of a scenario.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/vmath.h"
#include "models/eum.h"
#include "models/eum_cpu.h"
#include "models/eum_formula.h"
#include "models/eum_scholz_choice.h"

/*
 * Why the pow caches change no bit. glibc's pow is a pure function of its two arguments, so a
 * pow whose arguments are formed by the same expression from the same values gives the same
 * double however often it is called; computing it once and reading it back is exact as long as
 * every sum that uses it keeps its terms and their order. The r = 1 and +0 shortcuts are
 * eum_pow_r's (eum_formula.h).
 */

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

/* P(x_a, x_b) for every ordered actor pair in the reference order ("Variant scholz"): δ_k(y) =
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
            dk[a] = rep[a] < a ? dk[rep[a]] : eum_pow_r(fabs(x[k] - x[a]) / D, r[k]);
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

    /* Risk phase ("Variant scholz"): danger_i = Σ_{j≠i} E^i(j→i) with every r = 1 (so Usq = 0). */
    if (!scholz_probabilities_straight(n, w, x, r, D, rep, pairs, delta, P)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    if (trace && trace->P_risk) memcpy(trace->P_risk, P, nn * sizeof *P);
    const double Usq1 = eum_status_quo_utility(1.0); /* 0 */
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

    /* Offer phase ("Variant scholz") with the new exponents; decisions read round-start positions. */
    if (!scholz_probabilities_straight(n, w, x, r, D, rep, pairs, delta, P)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    if (trace && trace->P) memcpy(trace->P, P, nn * sizeof *P);
    for (size_t i = 0; i < n; i++) {
        scholz_choice ch;
        choice_init(&ch);
        const double Usq = eum_status_quo_utility(r[i]);
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
    en_free(w);
    en_free(rep);
    return status;
}

/* ---- fast path -------------------------------------------------------------------------- */

/* The round's tables, indexed by the m distinct positions (ascending). Everything the round
 * computes from a pair of actors depends on their positions only, except through the actors'
 * weights, saliences and exponents, so it is tabulated per position pair once. The voters'
 * δ tables are transposed ([position][voter], rows padded to an even length with zero weights)
 * so that a pair's vote is a run over contiguous voters, two lanes at a time. */
typedef struct scholz_fast {
    size_t m, mp, np; /* distinct positions; m and n rounded up to even */
    double *u;        /* [m] distinct positions, ascending */
    size_t *count;    /* [m] actors at u[q] */
    size_t *index;    /* [n] per actor: the q of its position */
    double *w;        /* [np] c·s, zero-padded */
    double *r, *danger; /* [n] */
    double *wpos;     /* [mp] Σ w_k over the actors at u[q], zero-padded */
    double *dd;       /* [m][mp] |u_p − u_q| / D, zero-padded: also the risk phase's voter
                       * table δ_p(u_q), the voters being the positions */
    double *coef;     /* [m][m] Z's rank weights for a voter at u_p (see scholz_z_weights) */
    double *P;        /* [m][m] */
    double *logs;     /* [3][m][m] log(d/D), log(1/2 − d/2D), log(1/2 + d/2D) (array_powers) */
    double *pw;       /* offer phase: [m][np] δ_i(u_q) = (d/D)^r_i, then [2][n][m] actor i
                       * across u_q: (1/2 − d/2D)^r_i, (1/2 + d/2D)^r_i */
    void *head, *block; /* allocations, NULL when on the stack */
} scholz_fast;

typedef struct keyed_actor {
    double x;
    size_t k;
} keyed_actor;

static int by_x(const void *a, const void *b)
{
    double xa = ((const keyed_actor *)a)->x, xb = ((const keyed_actor *)b)->x;
    return (xa > xb) - (xa < xb);
}

/* A small issue's tables fit here; the round then allocates nothing. Each kind of object has
 * an array of its own type: carving size_t indices or structs out of a double array would read
 * objects through an lvalue of another type (C11 6.5p7, strict aliasing). */
#define SCHOLZ_STACK_ACTORS 32
#define SCHOLZ_FAST_STACK 4096
typedef struct scholz_stack {
    keyed_actor keyed[SCHOLZ_STACK_ACTORS];
    size_t count[SCHOLZ_STACK_ACTORS], index[SCHOLZ_STACK_ACTORS];
    double u[SCHOLZ_STACK_ACTORS];
    double tables[SCHOLZ_FAST_STACK];
} scholz_stack;

static size_t round_even(size_t k)
{
    return k + (k & 1);
}

/* Sizes of the two parts of the scratch, in bytes: keyed actors and indices (known before the
 * positions are de-duplicated), the m-sized tables. */
static size_t scholz_fast_head(size_t n)
{
    return n * sizeof(keyed_actor) + 2 * n * sizeof(size_t) + n * sizeof(double);
}

static size_t scholz_fast_tables(size_t n, size_t m, int array_powers)
{
    const size_t np = round_even(n), mp = round_even(m);
    return (np + 2 * n + mp + m * mp + (array_powers ? 5 : 2) * m * m + m * np + 2 * n * m) *
           sizeof(double);
}

/* De-duplicates the positions (an insertion sort for the small issues of a scenario — the
 * Monte Carlo case, where a whole round costs about a microsecond — qsort above) and takes
 * the tables from `stack` if they fit, else from two allocations (malloc'd memory takes the
 * type of what is stored in it, so one block may hold the actors, indices and positions). */
static void scholz_fast_build(scholz_fast *sf, size_t n, const double *x, int array_powers,
                              scholz_stack *stack)
{
    const int on_stack = n <= SCHOLZ_STACK_ACTORS &&
                         scholz_fast_tables(n, n, array_powers) <= sizeof stack->tables;
    keyed_actor *keyed;
    if (on_stack) {
        keyed = stack->keyed;
        sf->count = stack->count;
        sf->index = stack->index;
        sf->u = stack->u;
        sf->head = NULL;
    } else {
        /* one block: n keyed actors, 2n indices, n positions (all 8-byte aligned) */
        char *base = en_xmalloc(scholz_fast_head(n));
        void *counts = base + n * sizeof(keyed_actor);
        void *positions = base + n * sizeof(keyed_actor) + 2 * n * sizeof(size_t);
        keyed = (keyed_actor *)(void *)base;
        sf->count = counts;
        sf->index = sf->count + n;
        sf->u = positions;
        sf->head = base;
    }
    double *u = sf->u;
    for (size_t k = 0; k < n; k++) keyed[k] = (keyed_actor){x[k], k};
    if (n <= 32) {
        for (size_t a = 1; a < n; a++) {
            keyed_actor v = keyed[a];
            size_t b = a;
            for (; b > 0 && keyed[b - 1].x > v.x; b--) keyed[b] = keyed[b - 1];
            keyed[b] = v;
        }
    } else {
        qsort(keyed, n, sizeof *keyed, by_x);
    }
    size_t m = 0;
    for (size_t a = 0; a < n; a++) {
        if (m == 0 || keyed[a].x != u[m - 1]) {
            u[m] = keyed[a].x;
            sf->count[m++] = 0;
        }
        sf->index[keyed[a].k] = m - 1;
        sf->count[m - 1]++;
    }
    sf->m = m;
    sf->mp = round_even(m);
    sf->np = round_even(n);
    const size_t mm = m * m;
    double *d = on_stack ? stack->tables : en_xmalloc(scholz_fast_tables(n, m, array_powers));
    sf->block = on_stack ? NULL : d;
    sf->w = d, d += sf->np;
    sf->r = d, d += n;
    sf->danger = d, d += n;
    sf->wpos = d, d += sf->mp;
    sf->dd = d, d += m * sf->mp;
    sf->coef = d, d += mm;
    sf->P = d, d += mm;
    sf->logs = array_powers ? d : NULL, d += array_powers ? 3 * mm : 0;
    sf->pw = d;
}

static void scholz_fast_free(scholz_fast *sf)
{
    en_free(sf->head);
    en_free(sf->block);
}

/* Z = Σ_v w_v Σ_{a1,a2} |δ_v(x_a2) − δ_v(x_a1)| over all actor pairs uses, per voter, the
 * identity Σ_{a1,a2}|y_a2 − y_a1| = 2 Σ_i (2i − n − 1) y_(i) over the values in ascending order.
 * δ_v increases with the distance to the voter's position whatever its exponent, so the order
 * depends on that position only: a merge outwards from u_p ranks the positions, and the cnt
 * actors at u_q (ranks rank+1 .. rank+cnt) weigh coef[p][q] = cnt·(2·rank + cnt − n). Then
 * Z = 2 Σ_v w_v Σ_q coef[p_v][q]·δ_v(u_q) in both phases. O(m²). */
static void scholz_z_weights(size_t n, scholz_fast *sf)
{
    const size_t m = sf->m;
    const double *u = sf->u;
    for (size_t p = 0; p < m; p++) {
        double *coef = sf->coef + p * m;
        /* left: one past the next candidate on the left; the nearer side first, the right one
         * on a tie. The weights are small integers, exact in integer arithmetic. */
        size_t left = p, right = p;
        long rank = 0;
        for (size_t step = 0; step < m; step++) {
            size_t q;
            if (right < m && (left == 0 || u[right] - u[p] <= u[p] - u[left - 1])) q = right++;
            else q = --left;
            long cnt = (long)sf->count[q];
            coef[q] = (double)(cnt * (2 * rank + cnt - (long)n));
            rank += cnt;
        }
    }
}

/* On x86-64 the fast round is also compiled for AVX2 and chosen once, at the first round, by
 * what the CPU supports (eum_round_for_cpu): the three-operand VEX forms save about 4 %
 * of the instructions of a Monte Carlo draw. Without FMA contraction (-ffp-contract=off) both
 * versions give the same bits. The two versions are the same always-inlined body
 * (SCHOLZ_BODY) under two target attributes. An ifunc (target_clones) would choose the same
 * way, but its resolver runs before the program's sanitizer runtimes start and crashes
 * ThreadSanitizer builds. */
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define SCHOLZ_AVX2 1
#endif
#define SCHOLZ_BODY static inline __attribute__((always_inline))

/* Two doubles, one SSE2 register on x86-64 (NEON on arm64); GCC and clang lower the
 * arithmetic lane by lane with IEEE semantics, so the bits do not depend on the target. */
typedef double v2d __attribute__((vector_size(16)));
typedef long long v2i __attribute__((vector_size(16)));

static v2d load2(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static v2d abs2(v2d v)
{
    const v2i magnitude = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
    return (v2d)((v2i)v & magnitude);
}

/* P[a*m + b] for distinct positions, from the voters' δ tables T[q*stride + v] = δ_v(u_q)
 * (stride even; weight[v] = 0 on the padding), their weights and positions (pos[v]; NULL:
 * voter v sits at u_v). With A = Σ_v w_v (δ_v(b) − δ_v(a)) and B = Σ_v |w_v (δ_v(b) −
 * δ_v(a))|, the votes for a over b are N(a,b) = Σ_v max(0, w_v (δ_v(b) − δ_v(a))) = (B + A)/2
 * and N(b,a) = (B − A)/2: both directions from one run over the voters, two lanes at a time
 * (the lanes sum the even and the odd voters). A as a difference of column sums Σ_v w_v δ_v
 * would be cheaper but cancels. O(m²·voters). Returns 0 if Z == 0. */
SCHOLZ_BODY int scholz_probabilities_fast(scholz_fast *sf, size_t voters, size_t stride,
                                          const double *weight, const double *T,
                                          const size_t *pos)
{
    const size_t m = sf->m;
    double *P = sf->P;
    double Z = 0;
    for (size_t v = 0; v < voters; v++) {
        const double wv = weight[v];
        if (wv == 0) continue;
        const double *coef = sf->coef + (pos ? pos[v] : v) * m;
        double z = 0;
        for (size_t q = 0; q < m; q++) z += coef[q] * T[q * stride + v];
        Z += wv * 2.0 * z;
    }
    if (!(Z != 0)) return 0;
    const double Z2 = 2 * Z; /* x/(2Z) = (x/2)/Z exactly */
    for (size_t a = 0; a < m; a++) {
        P[a * m + a] = 0.0;
        const double *ta = T + a * stride;
        for (size_t b = a + 1; b < m; b++) {
            const double *tb = T + b * stride;
            v2d A = {0, 0}, B = {0, 0};
            for (size_t k = 0; k < stride; k += 2) {
                v2d vote = load2(weight + k) * (load2(tb + k) - load2(ta + k));
                A += vote;
                B += abs2(vote);
            }
            double sum_a = A[0] + A[1], sum_b = B[0] + B[1];
            double nab = sum_b + sum_a, nba = sum_b - sum_a;
            P[a * m + b] = (nab > 0 ? nab : 0) / Z2;
            P[b * m + a] = (nba > 0 ? nba : 0) / Z2;
        }
    }
    return 1;
}

/* The offer phase's powers. Every base is a function of a pair of positions — d/D, 1/2 − d/2D,
 * 1/2 + d/2D, formed as the straight path forms them — and every exponent an actor's r.
 *
 * With glibc pow (the default) each power is the straight path's bits: 3·n·(m−1) + n calls.
 * With array_powers (Monte Carlo draws) pow(b, r) is exp(r·log b): the logs once per unordered
 * pair of distinct positions (3·m(m−1)/2), then 3·n·m exps, both over whole arrays (core/vmath.h:
 * four lanes at a time where the CPU allows), about a third of the cost. Against pow the relative
 * error is about |r·log b|·2⁻⁵³ plus the few ulp of exp and log (≤ 1e-14 for distances down to
 * 1e-12 of the range); over a 50-round run of a chaotic issue (synth-50) that is ~10× the
 * pow version's drift from the straight path, so `run` keeps pow.
 *
 * At an actor's own position δ = pow(0, r) = 0 (r ∈ [1/2, 2] > 0; set after the exps, as
 * libmvec handles an argument of −∞ on a slow path) and both utility bases are 1/2, so the last
 * two tables also hold 0.5^r_i for Usq. */
static void scholz_offer_powers(size_t n, scholz_fast *sf, int array_powers)
{
    const size_t m = sf->m, mm = m * m, np = sf->np, pairs = m * (m - 1) / 2;
    double *E1 = sf->pw, *E2 = E1 + m * np, *E3 = E2 + n * m;
    if (!array_powers) {
        for (size_t i = 0; i < n; i++) {
            const size_t qi = sf->index[i];
            const double ri = sf->r[i], *dd = sf->dd + qi * sf->mp;
            for (size_t q = 0; q < m; q++) {
                E1[q * np + i] = q == qi ? 0.0 : pow(dd[q], ri);
                E2[i * m + q] = pow(0.5 - 0.5 * dd[q], ri);
                E3[i * m + q] = q == qi ? E2[i * m + q] : pow(0.5 + 0.5 * dd[q], ri);
            }
        }
        for (size_t q = 0; q < m; q++)
            for (size_t i = n; i < np; i++) E1[q * np + i] = 0.0;
        return;
    }
    /* the bases of the pairs p < q, packed, in the exps' space (m·np + 2·n·m ≥ 3·pairs) */
    double *packed = sf->pw;
    size_t at = 0;
    for (size_t p = 0; p < m; p++)
        for (size_t q = p + 1; q < m; q++, at++) {
            double dd = sf->dd[p * sf->mp + q];
            packed[at] = dd;
            packed[pairs + at] = 0.5 - 0.5 * dd;
            packed[2 * pairs + at] = 0.5 + 0.5 * dd;
        }
    en_log_array(packed, 3 * pairs);
    const double log_half = log(0.5);
    for (size_t t = 0; t < 3; t++) {
        double *L = sf->logs + t * mm;
        const double *from = packed + t * pairs;
        at = 0;
        for (size_t p = 0; p < m; p++) {
            L[p * m + p] = t == 0 ? 0.0 : log_half;
            for (size_t q = p + 1; q < m; q++, at++) L[p * m + q] = L[q * m + p] = from[at];
        }
    }
    /* the exps' arguments r_i·log b; L is symmetric, so row q_i of a table is also its column */
    const double *L1 = sf->logs, *L2 = L1 + mm, *L3 = L2 + mm;
    for (size_t i = 0; i < n; i++) {
        const double ri = sf->r[i];
        const double *l1 = L1 + sf->index[i] * m, *l2 = L2 + sf->index[i] * m,
                     *l3 = L3 + sf->index[i] * m;
        for (size_t q = 0; q < m; q++) {
            E1[q * np + i] = ri * l1[q];
            E2[i * m + q] = ri * l2[q];
            E3[i * m + q] = ri * l3[q];
        }
    }
    for (size_t q = 0; q < m; q++)
        for (size_t i = n; i < np; i++) E1[q * np + i] = 0.0;
    en_exp_array(sf->pw, m * np + 2 * n * m);
    for (size_t q = 0; q < m; q++)
        for (size_t i = n; i < np; i++) E1[q * np + i] = 0.0;
    for (size_t i = 0; i < n; i++) E1[sf->index[i] * np + i] = 0.0;
}

/* O(m²·n + n²) per round, m = distinct positions; about 3·n·m pow calls, or with array_powers
 * 3·n·m exps and 3·m(m−1)/2 logs. */
SCHOLZ_BODY eum_status scholz_round_fast(const eum_config *cfg, size_t n, const double *c,
                                         const double *s, const double *x, double *x_out,
                                         eum_move *moves, eum_trace *trace)
{
    const double D = cfg->range, Q = cfg->Q;
    scholz_fast sf;
    scholz_stack stack;
    scholz_fast_build(&sf, n, x, cfg->array_powers, &stack);
    const size_t m = sf.m;
    double *const w = sf.w, *const r = sf.r, *const danger = sf.danger, *const P = sf.P;
    eum_status status = EUM_ROUND_OK;
    const size_t mp = sf.mp, np = sf.np;
    memset(sf.wpos, 0, mp * sizeof *sf.wpos);
    for (size_t k = 0; k < np; k++) w[k] = k < n ? c[k] * s[k] : 0.0;
    for (size_t k = 0; k < n; k++) sf.wpos[sf.index[k]] += w[k];
    for (size_t p = 0; p < m; p++) {
        sf.dd[p * mp + p] = 0.0;
        for (size_t q = p + 1; q < m; q++)
            sf.dd[p * mp + q] = sf.dd[q * mp + p] = (sf.u[q] - sf.u[p]) / D;
        for (size_t q = m; q < mp; q++) sf.dd[p * mp + q] = 0.0;
    }
    scholz_z_weights(n, &sf);

    /* Risk phase, r = 1: δ_v(u_q) = |u_p − u_q|/D for a voter at u_p, so the voters at one
     * position vote as one with their summed weight; Us = 2 − 4(1/2 − d/2D) and
     * Uf = 2 − 4(1/2 + d/2D) need no pow. The danger sums run over the actors in order, as
     * the straight path's do: r divides by the spread of the dangers, which amplifies their
     * rounding (summing per position instead made a 50-actor issue drift six times further). */
    if (!scholz_probabilities_fast(&sf, m, mp, sf.wpos, sf.dd, NULL)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        const size_t qi = sf.index[i];
        for (size_t j = 0; j < n; j++) {
            const size_t qj = sf.index[j];
            if (qj == qi) continue; /* contributes exactly 0 */
            const double dd = sf.dd[qi * mp + qj];
            const double Us = eum_utility(0.5 - 0.5 * dd), Uf = eum_utility(0.5 + 0.5 * dd);
            sum += scholz_eu_u(P[qj * m + qi], Us, Uf, 0.0, s[i], Q);
        }
        danger[i] = sum;
    }
    if (!eum_risk_exponents(n, danger, NULL, r)) {
        status = EUM_ROUND_EQUAL_DANGER;
        goto done;
    }
    if (trace && trace->r) memcpy(trace->r, r, n * sizeof *r);

    scholz_offer_powers(n, &sf, cfg->array_powers);
    if (!scholz_probabilities_fast(&sf, n, np, w, sf.pw, sf.index)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    const double *half_minus = sf.pw + m * np, *half_plus = half_minus + n * m;
    double *const eu_self = trace ? trace->eu_self : NULL;
    double *const eu_other = trace ? trace->eu_other : NULL;
    for (size_t i = 0; i < n; i++) {
        scholz_choice ch;
        choice_init(&ch);
        const size_t qi = sf.index[i];
        const double *bs = half_minus + i * m, *bf = half_plus + i * m;
        const double Usq = eum_utility(bs[qi]);
        for (size_t j = 0; j < n; j++) {
            const size_t qj = sf.index[j];
            double e_ij, e_ji;
            const int offers = scholz_offer_eus(qj == qi, j == i, bs[qj], bf[qj], Usq,
                                                P[qi * m + qj], P[qj * m + qi], s[i], s[j], Q,
                                                &e_ij, &e_ji);
            if (eu_self) eu_self[i * n + j] = e_ij;
            if (eu_other) eu_other[i * n + j] = e_ji;
            if (offers) choice_offer(&ch, j, x[i], x[j], e_ij, e_ji);
        }
        choice_apply(&ch, i, x, x_out, &moves[i]);
    }
done:
    scholz_fast_free(&sf);
    return status;
}

static eum_status scholz_round_fast_generic(const eum_config *cfg, size_t n, const double *c,
                                            const double *s, const double *x, double *x_out,
                                            eum_move *moves, eum_trace *trace)
{
    return scholz_round_fast(cfg, n, c, s, x, x_out, moves, trace);
}

#ifdef SCHOLZ_AVX2
__attribute__((target("avx2"))) static eum_status
scholz_round_fast_avx2(const eum_config *cfg, size_t n, const double *c, const double *s,
                       const double *x, double *x_out, eum_move *moves, eum_trace *trace)
{
    return scholz_round_fast(cfg, n, c, s, x, x_out, moves, trace);
}
#else
#define scholz_round_fast_avx2 NULL
#endif

eum_status eum_scholz_round_fast(const eum_config *cfg, size_t n, const double *c, const double *s,
                                 const double *x, double *x_out, eum_move *moves, eum_trace *trace)
{
    static _Atomic(eum_round_fn) chosen;
    eum_round_fn round = eum_round_for_cpu(&chosen, scholz_round_fast_generic, scholz_round_fast_avx2);
    return round(cfg, n, c, s, x, x_out, moves, trace);
}
