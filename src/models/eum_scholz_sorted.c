/*
 * eum_scholz_sorted.c — one round of the "scholz" EUM variant in O(n² + m² log-free) time and
 * O(m²) memory: the win probabilities from prefix sums over the voters sorted by position
 * (docs/models/eum.md, "Variant scholz" and "The sorted path"). The straight path
 * (eum_scholz.c) stays the definition; this path is checked against it (test_eum_fast).
 *
 * Why prefix sums work. The votes for position a over position b are
 *     N(a,b) = Σ_k max(0, w_k (δ_k(b) − δ_k(a))),  δ_k(y) = (|x_k − y|/D)^r_k.
 * δ_k grows with the distance whatever the voter's exponent r_k > 0, so the positive terms
 * are exactly those of the voters nearer to a than to b: for a < b the voters left of the
 * midpoint. With the voters sorted by position and S_y(t) = Σ_{rank < t} w δ(y) the prefix
 * sums of column y, and c(a,b) the number of voters nearer to a:
 *     N(a,b) = S_b(c) − S_a(c),   N(b,a) = (S_a(n) − S_a(c)) − (S_b(n) − S_b(c)).
 * For a fixed column the cut c only grows as the other position grows, so one pointer sweeps
 * the voters once per column: O(n + m) per column, O(m·(n + m)) per phase. The all-pairs sum
 * Z is Σ over ordered actor pairs of N(a,b) + N(b,a), from the same table in O(m²).
 *
 * Accuracy. The differences of prefix sums carry an absolute error of a few ulp of S (at most
 * the total weight), where the reference's per-pair sums are relative to N itself; after the
 * division by Z (≈ n² times the average term) the error of P is ~1e-16·(total weight)/Z, far
 * below the rounding of the utilities it multiplies. The powers are glibc pow of the
 * reference's arguments (the straight path's bits), or, with array_powers, exp(r·log b) over
 * arrays (core/vmath.h) as on the vector path. test_eum_fast holds the path to the straight
 * path's positions within 1e-9 and the same move types, round by round.
 *
 * Memory: the m×m table of P (m distinct positions) and O(n + m) scratch; no n×m table.
 */
/* madvise and MADV_HUGEPAGE (a hint; without it the table is on ordinary pages) */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/util.h"
#include "core/vmath.h"
#include "models/eum.h"
#include "models/eum_formula.h"
#include "models/eum_scholz_choice.h"

#if defined(__GNUC__) && !defined(__clang__)
/* Element-wise loops only (sums are never reassociated without -ffast-math, and without FMA
 * contraction the SIMD lanes give the same doubles as the scalar code). */
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

/* Columns handled together: the writes of a tile to a row of the table are one cache line,
 * and a tile's prefix sums (TILE·(n+1) doubles) stay in cache. */
#define TILE 16
/* Receivers whose danger sums run side by side (risk_sums). */
#define RISK_BATCH 4

typedef struct sorted_actor {
    double x;
    size_t k;
} sorted_actor;

static int by_position(const void *a, const void *b)
{
    const sorted_actor *p = a, *q = b;
    if (p->x != q->x) return (p->x > q->x) - (p->x < q->x);
    return (p->k > q->k) - (p->k < q->k);
}

typedef struct sorted_round {
    size_t n, m;
    double D;
    size_t *rank_actor; /* [n] actor at each rank (sorted by position, then index) */
    size_t *index;      /* [n] per actor: its position index */
    size_t *start;      /* [m + 1] first rank at each position */
    size_t *position;   /* [n] per rank: its position index */
    double *u;          /* [m] distinct positions, ascending */
    double *xs, *ws;    /* [n] voters by rank: position, weight c·s */
    double *rs;         /* [n] voters by rank: exponent */
    double *P;          /* [m][m] a phase's votes U[a][b] = N(u_a, u_b), a < b only */
    double *C;          /* [m] column totals S_y(n) of the phase */
    double *count;      /* [m] actors at each position */
    double *part;       /* [TILE] a tile's columns' shares of Z */
    double *terms;      /* [RISK_BATCH][m] receivers' danger terms by position */
    double *S;          /* [TILE][n + 1] prefix sums of a tile of columns */
    double *col;        /* [TILE][m] a tile of columns of P */
    double *scratch;    /* [5m] logs / bases / a receiver's rows of P */
    size_t *cut;        /* [TILE] */
} sorted_round;

/* The prefix sums S_y(t), t = 0..n, of column y: δ of each voter (by rank) at u_y. */
static void column_prefix(const sorted_round *sr, size_t y, int mode, double *S)
{
    const size_t n = sr->n, m = sr->m;
    const double uy = sr->u[y], D = sr->D;
    double *d = S + 1; /* δ by rank, then summed in place */
    if (mode == 2) {
        for (size_t t = 0; t < n; t++) d[t] = fabs(sr->xs[t] - uy) / D;
    } else if (mode == 0) {
        for (size_t t = 0; t < n; t++) d[t] = eum_pow_r(fabs(sr->xs[t] - uy) / D, sr->rs[t]);
    } else {
        /* log of |u_q − u_y|/D once per position, then exp(r·log) per voter */
        double *L = sr->scratch;
        for (size_t q = 0; q < m; q++) L[q] = q == y ? 1.0 : fabs(sr->u[q] - uy) / D;
        en_log_array(L, m);
        if (m == n) /* every voter at its own position */
            for (size_t t = 0; t < n; t++) d[t] = sr->rs[t] * L[t];
        else
            for (size_t t = 0; t < n; t++) d[t] = sr->rs[t] * L[sr->position[t]];
        en_exp_array(d, n);
        for (size_t t = sr->start[y]; t < sr->start[y + 1]; t++) d[t] = 0.0;
    }
    S[0] = 0.0;
    double sum = 0.0;
    for (size_t t = 0; t < n; t++) {
        sum += sr->ws[t] * d[t];
        S[t + 1] = sum;
    }
}

/* The number of voters (by rank) nearer to u_lo than to u_hi (lo < hi): those before the
 * first rank t with x_t − u_lo ≥ u_hi − x_t. The rounded test is monotone in t (x_t grows) and
 * in either position, so a sweep only moves the cut forward from the previous pair's; xs[n] =
 * +∞ stops it at n. */
static inline size_t cut_next(const double *xs, size_t t, double lo, double hi)
{
    while (!(xs[t] - lo >= hi - xs[t])) t++;
    return t;
}

/* ---- the m×m table of votes -------------------------------------------------------------- */

/* A phase's votes. N(a,b) − N(b,a) = Σ_k w_k (δ_k(b) − δ_k(a)) = C_b − C_a with C_y = S_y(n)
 * the column totals, so only the upper triangle U[a][b] = N(a,b), a < b, is kept (N(b,a) =
 * U[a][b] − (C_b − C_a)). Column y gives U[y][b] (b > y) its share −S_y(c), stored as the
 * row is swept (the first share: columns go in ascending order), and U[a][y] (a < y) its share
 * +S_y(c), added a tile of columns at a time (one cache line of row a per tile).
 * `mode`: 0 glibc pow, 1 powers over arrays, 2 the risk phase (every r = 1: δ = d).
 * Returns Z = Σ over ordered actor pairs of N(a,b) + N(b,a). */
static double phase_votes(sorted_round *sr, int mode)
{
    const size_t n = sr->n, m = sr->m, n1 = n + 1;
    const double *xs = sr->xs, *u = sr->u, *count = sr->count;
    double *U = sr->P, *C = sr->C, *part = sr->part;
    double Z = 0;
    for (size_t y0 = 0; y0 < m; y0 += TILE) {
        const size_t tile = m - y0 < TILE ? m - y0 : TILE, y1 = y0 + tile;
        for (size_t k = 0; k < tile; k++) {
            const size_t y = y0 + k;
            const double *S = sr->S + k * n1;
            column_prefix(sr, y, mode, sr->S + k * n1);
            C[y] = S[n];
            /* pairs (y, z), z > y: column y is the first column, −S_y(c); the voters at u_y
             * are nearer to it than to any z > y */
            double *row = U + y * m, below = 0;
            size_t c = sr->start[y + 1];
            for (size_t z = y + 1; z < m; z++) {
                c = cut_next(xs, c, u[y], u[z]);
                const double v = S[c];
                row[z] = -v;
                below += count[z] * v;
            }
            part[k] = -below;
            sr->cut[k] = 0;
        }
        /* pairs (z, y), z < y: column y is the second column, +S_y(c) */
        for (size_t z = 0; z + 1 < y1; z++) {
            double *row = U + z * m;
            const double cz = count[z];
            for (size_t k = z < y0 ? 0 : z - y0 + 1; k < tile; k++) {
                const size_t c = sr->cut[k] = cut_next(xs, sr->cut[k], u[z], u[y0 + k]);
                const double v = sr->S[k * n1 + c];
                row[y0 + k] += v;
                part[k] += cz * v;
            }
        }
        for (size_t k = 0; k < tile; k++) Z += count[y0 + k] * part[k];
    }
    /* Z = Σ_{a<b} 2 c_a c_b (N(a,b) + N(b,a)) = Σ_{a<b} 2 c_a c_b (2 U[a][b] − (C_b − C_a)):
     * the U part is 2·2·Z above, the C part from running sums of the counts */
    double below = 0, cbelow = 0, correction = 0;
    for (size_t b = 0; b < m; b++) {
        const double cb = count[b];
        correction += cb * (C[b] * below - cbelow); /* Σ_{a<b} c_a c_b (C_b − C_a) */
        below += cb;
        cbelow += cb * C[b];
    }
    return 4 * Z - 2 * correction;
}

/* The rows of receiver position a: P(u_a, u_q) into prow (unless NULL: the risk phase needs
 * only the column) and P(u_q, u_a) into pcol, from the upper triangle (row a for q > a, the
 * gathered column for q < a). */
static void receiver_rows(const sorted_round *sr, size_t a, const double *ucol, double invZ,
                          double *prow, double *pcol)
{
    const size_t m = sr->m;
    const double *U = sr->P + a * m, *C = sr->C;
    if (!prow) {
        for (size_t q = 0; q < a; q++) { /* N(q,a) = U[q][a] */
            const double nqa = ucol[q];
            pcol[q] = (nqa > 0 ? nqa : 0) * invZ;
        }
        pcol[a] = 0.0;
        for (size_t q = a + 1; q < m; q++) { /* N(q,a) = N(a,q) − (C_q − C_a) */
            const double nqa = U[q] - (C[q] - C[a]);
            pcol[q] = (nqa > 0 ? nqa : 0) * invZ;
        }
        return;
    }
    for (size_t q = 0; q < a; q++) { /* pair (q, a): N(q,a) = U[q][a] */
        const double nqa = ucol[q], naq = nqa - (C[a] - C[q]);
        pcol[q] = (nqa > 0 ? nqa : 0) * invZ;
        prow[q] = (naq > 0 ? naq : 0) * invZ;
    }
    prow[a] = pcol[a] = 0.0;
    for (size_t q = a + 1; q < m; q++) { /* pair (a, q): N(a,q) = U[a][q] */
        const double naq = U[q], nqa = naq - (C[q] - C[a]);
        prow[q] = (naq > 0 ? naq : 0) * invZ;
        pcol[q] = (nqa > 0 ? nqa : 0) * invZ;
    }
}

/* The m×m table. Large tables are asked for in transparent huge pages: the scatter and the
 * gather touch a row per step, which on 4 KiB pages is a TLB miss per step. */
static void *table_alloc(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    if (bytes < 4 * huge) return en_xmalloc(bytes ? bytes : 1);
    void *p = NULL;
    size_t rounded = (bytes + huge - 1) / huge * huge;
    if (posix_memalign(&p, huge, rounded) != 0 || !p) return en_xmalloc(bytes);
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

/* Gathers U[q][a] for a in [a0, a0 + tile), q < a, into col[k][q] (one cache line of the
 * table per q). */
static void gather_columns(const sorted_round *sr, size_t a0, size_t tile)
{
    const size_t m = sr->m, a1 = a0 + tile;
    for (size_t q = 0; q < a1; q++) {
        const double *row = sr->P + q * m;
        for (size_t k = 0; k < tile; k++)
            if (q < a0 + k) sr->col[k * m + q] = row[a0 + k];
    }
}

/* danger[i] = Σ_j term_g[index[j]] in actor order, for `count` receivers side by side. */
static void risk_sums(const sorted_round *sr, const double *term, size_t count,
                      const size_t *actor, double *danger)
{
    const size_t n = sr->n, m = sr->m, *index = sr->index;
    if (count == RISK_BATCH) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        const double *t0 = term, *t1 = term + m, *t2 = term + 2 * m, *t3 = term + 3 * m;
        for (size_t j = 0; j < n; j++) {
            const size_t q = index[j];
            s0 += t0[q];
            s1 += t1[q];
            s2 += t2[q];
            s3 += t3[q];
        }
        danger[actor[0]] = s0;
        danger[actor[1]] = s1;
        danger[actor[2]] = s2;
        danger[actor[3]] = s3;
        return;
    }
    for (size_t g = 0; g < count; g++) {
        const double *tg = term + g * m;
        double sum = 0;
        for (size_t j = 0; j < n; j++) sum += tg[index[j]];
        danger[actor[g]] = sum;
    }
}

eum_status eum_scholz_round_sorted(const eum_config *cfg, size_t n, const double *c,
                                   const double *s, const double *x, double *x_out,
                                   eum_move *moves, eum_trace *trace)
{
    const double D = cfg->range, Q = cfg->Q;
    sorted_round sr = {.n = n, .D = D};
    sorted_actor *keyed = en_xmalloc(n * sizeof *keyed);
    for (size_t k = 0; k < n; k++) keyed[k] = (sorted_actor){x[k], k};
    qsort(keyed, n, sizeof *keyed, by_position);
    sr.rank_actor = en_xmalloc((4 * n + 1 + TILE) * sizeof(size_t));
    sr.index = sr.rank_actor + n;
    sr.start = sr.index + n;
    double *block = en_xmalloc((6 * n + 1) * sizeof(double));
    sr.u = block;
    sr.xs = block + n; /* n + 1: xs[n] = +∞ ends every cut sweep */
    sr.ws = sr.xs + n + 1;
    sr.rs = sr.ws + n;
    double *r = sr.rs + n, *danger = r + n;
    size_t m = 0;
    for (size_t t = 0; t < n; t++) {
        if (m == 0 || keyed[t].x != sr.u[m - 1]) {
            sr.u[m] = keyed[t].x;
            sr.start[m++] = t;
        }
        sr.rank_actor[t] = keyed[t].k;
        sr.index[keyed[t].k] = m - 1;
        sr.xs[t] = keyed[t].x;
        sr.ws[t] = c[keyed[t].k] * s[keyed[t].k];
    }
    en_free(keyed);
    sr.start[m] = n;
    sr.cut = sr.start + m + 1;
    sr.position = sr.cut + TILE;
    for (size_t t = 0; t < n; t++) sr.position[t] = sr.index[sr.rank_actor[t]];
    sr.m = m;
    /* the table only for the offer phase; the rest is O(n + m) */
    sr.xs[n] = INFINITY;
    double *small = en_xmalloc((TILE * (n + 1) + TILE * m + (7 + RISK_BATCH) * m + TILE) * sizeof(double));
    sr.S = small;
    sr.col = sr.S + TILE * (n + 1);
    sr.scratch = sr.col + TILE * m;
    sr.C = sr.scratch + 5 * m;
    sr.count = sr.C + m;
    sr.part = sr.count + m;
    sr.terms = sr.part + TILE;
    for (size_t q = 0; q < m; q++) sr.count[q] = (double)(sr.start[q + 1] - sr.start[q]);
    double *const eu_self = trace ? trace->eu_self : NULL;
    double *const eu_other = trace ? trace->eu_other : NULL;
    double *bs = sr.scratch, *bf = bs + m, *dd = bf + m; /* per receiver position */
    double *prow = dd + m, *pcol = prow + m;
    eum_status status = EUM_ROUND_OK;

    /* Risk phase, every r = 1: δ is the distance itself (pow(d, 1) = d), and the votes come
     * from the same table as the offer phase's. danger_i = Σ_{j≠i} E^i(j→i), j in actor order
     * as in the straight path (the spread of the dangers amplifies their rounding). */
    sr.P = table_alloc(m * m * sizeof *sr.P);
    const double Z1 = phase_votes(&sr, 2);
    if (!(Z1 != 0) || !isfinite(Z1)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    const double invZ1 = 1 / Z1;
    /* Receiver i's term E^i(j→i) depends on j only through j's position: term[q], with −0.0
     * at i's own position (adding −0.0 leaves any sum unchanged, as skipping j did). The sums
     * over j stay in actor order; RISK_BATCH receivers are summed side by side so that their
     * chains of additions overlap. */
    size_t batch_actor[RISK_BATCH], batched = 0;
    double *term = sr.terms;
    for (size_t a0 = 0; a0 < m; a0 += TILE) {
        const size_t tile = m - a0 < TILE ? m - a0 : TILE;
        gather_columns(&sr, a0, tile);
        for (size_t k = 0; k < tile; k++) {
            const size_t qi = a0 + k;
            receiver_rows(&sr, qi, sr.col + k * m, invZ1, NULL, pcol); /* pcol: P(u_q, u_qi) */
            for (size_t q = 0; q < m; q++) {
                const double d = fabs(sr.u[qi] - sr.u[q]) / D;
                bs[q] = eum_utility(0.5 - 0.5 * d); /* Us, Uf with r = 1 */
                bf[q] = eum_utility(0.5 + 0.5 * d);
            }
            for (size_t t = sr.start[qi]; t < sr.start[qi + 1]; t++) {
                const size_t i = sr.rank_actor[t];
                double *ti = term + batched * m;
                for (size_t q = 0; q < m; q++) ti[q] = scholz_eu_u(pcol[q], bs[q], bf[q], 0.0, s[i], Q);
                ti[qi] = -0.0;
                batch_actor[batched++] = i;
                if (batched == RISK_BATCH || (k + 1 == tile && a0 + tile == m && t + 1 == sr.start[qi + 1])) {
                    risk_sums(&sr, term, batched, batch_actor, danger);
                    batched = 0;
                }
            }
        }
    }
    if (!eum_risk_exponents(n, danger, NULL, r)) {
        status = EUM_ROUND_EQUAL_DANGER;
        goto done;
    }
    if (trace && trace->r) memcpy(trace->r, r, n * sizeof *r);

    /* Offer phase with the new exponents. */
    for (size_t t = 0; t < n; t++) sr.rs[t] = r[sr.rank_actor[t]];
    const double Z2 = phase_votes(&sr, cfg->array_powers ? 1 : 0);
    if (!(Z2 != 0) || !isfinite(Z2)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    const double invZ = 1 / Z2;
    for (size_t a0 = 0; a0 < m; a0 += TILE) {
        const size_t tile = m - a0 < TILE ? m - a0 : TILE;
        gather_columns(&sr, a0, tile);
        for (size_t k = 0; k < tile; k++) {
            const size_t qi = a0 + k;
            receiver_rows(&sr, qi, sr.col + k * m, invZ, prow, pcol);
            for (size_t q = 0; q < m; q++) dd[q] = fabs(sr.u[qi] - sr.u[q]) / D;
            for (size_t t = sr.start[qi]; t < sr.start[qi + 1]; t++) {
                const size_t i = sr.rank_actor[t];
                const double ri = r[i];
                if (!cfg->array_powers) {
                    for (size_t q = 0; q < m; q++) {
                        bs[q] = pow(0.5 - 0.5 * dd[q], ri);
                        bf[q] = q == qi ? bs[q] : pow(0.5 + 0.5 * dd[q], ri);
                    }
                } else {
                    for (size_t q = 0; q < m; q++) {
                        bs[q] = 0.5 - 0.5 * dd[q];
                        bf[q] = 0.5 + 0.5 * dd[q];
                    }
                    en_log_array(bs, 2 * m);
                    for (size_t q = 0; q < 2 * m; q++) bs[q] *= ri;
                    en_exp_array(bs, 2 * m);
                }
                const double Usq = eum_utility(bs[qi]);
                scholz_choice ch;
                choice_init(&ch);
                if (!eu_self && !eu_other) {
                    /* By position: e_ji = E^i(j→i) depends on j only through its position, and
                     * every offer needs e_ji > 0, so e_ij is formed only for the actors at the
                     * positions where e_ji > 0 (the choice breaks ties by j, not by order). */
                    double *Us = bs, *Uf = bf, *e_other = sr.terms;
                    for (size_t q = 0; q < m; q++) {
                        Us[q] = 2 - 4 * bs[q];
                        Uf[q] = 2 - 4 * bf[q];
                        e_other[q] = scholz_eu_u(pcol[q], Us[q], Uf[q], Usq, s[i], Q);
                    }
                    e_other[qi] = 0.0; /* no offer between actors at one position */
                    for (size_t q = 0; q < m; q++) {
                        if (!(e_other[q] > 0)) continue;
                        for (size_t tj = sr.start[q]; tj < sr.start[q + 1]; tj++) {
                            const size_t j = sr.rank_actor[tj];
                            const double e_ij = scholz_eu_u(prow[q], Us[q], Uf[q], Usq, s[j], Q);
                            choice_offer(&ch, j, x[i], x[j], e_ij, e_other[q]);
                        }
                    }
                    choice_apply(&ch, i, x, x_out, &moves[i]);
                    continue;
                }
                for (size_t j = 0; j < n; j++) {
                    const size_t qj = sr.index[j];
                    if (qj == qi) {
                        if (eu_self) /* P = 0, dist = 0: Us = Uf = Usq */
                            eu_self[i * n + j] = j == i ? NAN : scholz_eu_u(0, Usq, Usq, Usq, s[j], Q);
                        if (eu_other)
                            eu_other[i * n + j] = j == i ? NAN : scholz_eu_u(0, Usq, Usq, Usq, s[i], Q);
                        continue;
                    }
                    const double Us = eum_utility(bs[qj]), Uf = eum_utility(bf[qj]);
                    const double e_ij = scholz_eu_u(prow[qj], Us, Uf, Usq, s[j], Q);
                    const double e_ji = scholz_eu_u(pcol[qj], Us, Uf, Usq, s[i], Q);
                    if (eu_self) eu_self[i * n + j] = e_ij;
                    if (eu_other) eu_other[i * n + j] = e_ji;
                    choice_offer(&ch, j, x[i], x[j], e_ij, e_ji);
                }
                choice_apply(&ch, i, x, x_out, &moves[i]);
            }
        }
    }
done:
    en_free(sr.P);
    en_free(small);
    en_free(block);
    en_free(sr.rank_actor);
    return status;
}
