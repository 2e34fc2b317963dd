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

/* Columns handled together: the writes of a tile to a row of the table are one cache line,
 * and a tile's prefix sums (TILE·(n+1) doubles) stay in cache. */
#define TILE 16

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
    double *u;          /* [m] distinct positions, ascending */
    double *xs, *ws;    /* [n] voters by rank: position, weight c·s */
    double *rs;         /* [n] voters by rank: exponent */
    double *W, *WX;     /* [n + 1] prefix sums by rank of w and w·(x − u_0) */
    double *P;          /* [m][m] the offer phase's votes U[a][b] = N(u_a, u_b), a < b only */
    double *C;          /* [m] column totals S_y(n) of the offer phase */
    double *S;          /* [TILE][n + 1] prefix sums of a tile of columns */
    double *col;        /* [TILE][m] a tile of columns of P */
    double *scratch;    /* [5m] logs / bases / a receiver's rows of P */
    size_t *cut;        /* [TILE] */
} sorted_round;

/* The prefix sums S_y(t), t = 0..n, of column y: δ of each voter (by rank) at u_y. */
static void column_prefix(const sorted_round *sr, size_t y, int array_powers, double *S)
{
    const size_t n = sr->n, m = sr->m;
    const double uy = sr->u[y], D = sr->D;
    double *d = S + 1; /* δ by rank, then summed in place */
    if (!array_powers) {
        for (size_t t = 0; t < n; t++) d[t] = eum_pow_r(fabs(sr->xs[t] - uy) / D, sr->rs[t]);
    } else {
        /* log of |u_q − u_y|/D once per position, then exp(r·log) per voter */
        double *L = sr->scratch;
        for (size_t q = 0; q < m; q++) L[q] = q == y ? 1.0 : fabs(sr->u[q] - uy) / D;
        en_log_array(L, m);
        for (size_t q = 0; q < m; q++)
            for (size_t t = sr->start[q]; t < sr->start[q + 1]; t++) d[t] = sr->rs[t] * L[q];
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
 * first rank t with x_t − u_lo ≥ u_hi − x_t. The test is monotone in t, and the cut grows
 * with either position, so the caller's previous cut is a good start. */
static inline size_t cut_from(const sorted_round *sr, size_t t, double lo, double hi)
{
    const double *xs = sr->xs;
    while (t < sr->n && !(xs[t] - lo >= hi - xs[t])) t++;
    while (t > 0 && xs[t - 1] - lo >= hi - xs[t - 1]) t--;
    return t;
}

/* ---- risk phase: every r = 1, so δ is linear in the distance ------------------------------ */

/* With r = 1, the votes of the voters of ranks [t0, t1) for position a over b are sums of
 * w·(|x − u_b| − |x − u_a|)/D, and each |x − u| is x − u or u − x on a run of ranks: sums of w
 * and w·x over runs, from the prefix sums W and WX (positions shifted by u_0, so that the
 * products stay of the size of the spread). N(a,b) and N(b,a) of positions a < b, cut c: */
static inline void unit_votes(const sorted_round *sr, size_t a, size_t b, size_t c, double *nab,
                              double *nba)
{
    const double *W = sr->W, *WX = sr->WX;
    const size_t n = sr->n, sa = sr->start[a], eb = sr->start[b + 1];
    const double ua = sr->u[a] - sr->u[0], ub = sr->u[b] - sr->u[0];
    /* ranks < c lie below the midpoint, so below u_b: Σ w|x − u_b| = u_b·W − WX there */
    double to_b = ub * W[c] - WX[c];
    double to_a = (ua * W[sa] - WX[sa]) + ((WX[c] - WX[sa]) - ua * (W[c] - W[sa]));
    *nab = (to_b - to_a) / sr->D;
    /* ranks ≥ c lie at or above the midpoint, so above u_a */
    double from_a = (WX[n] - WX[c]) - ua * (W[n] - W[c]);
    double from_b = ((WX[n] - WX[eb]) - ub * (W[n] - W[eb])) + (ub * (W[eb] - W[c]) - (WX[eb] - WX[c]));
    *nba = (from_a - from_b) / sr->D;
}

/* Z of the risk phase: Σ over ordered actor pairs at distinct positions of N(a,b) + N(b,a).
 * O(m²) arithmetic, no table. */
static double unit_z(const sorted_round *sr)
{
    const size_t m = sr->m;
    double Z = 0;
    for (size_t a = 0; a < m; a++) {
        size_t c = 0;
        double row = 0;
        for (size_t b = a + 1; b < m; b++) {
            c = cut_from(sr, c, sr->u[a], sr->u[b]);
            double nab, nba;
            unit_votes(sr, a, b, c, &nab, &nba);
            row += (double)(sr->start[b + 1] - sr->start[b]) * ((nab > 0 ? nab : 0) + (nba > 0 ? nba : 0));
        }
        Z += 2 * (double)(sr->start[a + 1] - sr->start[a]) * row;
    }
    return Z;
}

/* The column P(u_q, u_y), q = 0..m−1, of the risk phase into col (0 at q = y). */
static void unit_column(const sorted_round *sr, size_t y, double invZ, double *col)
{
    size_t c = 0;
    for (size_t q = 0; q < sr->m; q++) {
        double nab, nba;
        if (q < y) {
            c = cut_from(sr, c, sr->u[q], sr->u[y]);
            unit_votes(sr, q, y, c, &nab, &nba);
            col[q] = (nab > 0 ? nab : 0) * invZ; /* N(q, y) */
        } else if (q > y) {
            c = cut_from(sr, c, sr->u[y], sr->u[q]);
            unit_votes(sr, y, q, c, &nab, &nba);
            col[q] = (nba > 0 ? nba : 0) * invZ; /* N(q, y) */
        } else {
            col[q] = 0.0;
        }
    }
}

/* ---- offer phase: the m×m table of votes ------------------------------------------------- */

/* The offer phase's votes. N(a,b) − N(b,a) = Σ_k w_k (δ_k(b) − δ_k(a)) = C_b − C_a with C_y =
 * S_y(n) the column totals, so only the upper triangle U[a][b] = N(a,b), a < b, is kept
 * (N(b,a) = U[a][b] − (C_b − C_a)). Column y gives U[a][y] (a < y) its share +S_y(c) and
 * U[y][b] (b > y) its share −S_y(c); an entry's first share is stored, the second added.
 * Returns Z = Σ over ordered actor pairs of N(a,b) + N(b,a). */
static double offer_votes(sorted_round *sr, int array_powers)
{
    const size_t n = sr->n, m = sr->m, n1 = n + 1;
    double *U = sr->P, *C = sr->C;
    double Z = 0;
    for (size_t y0 = 0; y0 < m; y0 += TILE) {
        const size_t tile = m - y0 < TILE ? m - y0 : TILE, y1 = y0 + tile;
        for (size_t k = 0; k < tile; k++) {
            const size_t y = y0 + k;
            column_prefix(sr, y, array_powers, sr->S + k * n1);
            C[y] = sr->S[k * n1 + n];
            sr->cut[k] = 0;
            for (size_t z = y + 1; z < y1; z++) U[y * m + z] = 0.0;
        }
        for (size_t z = 0; z < m; z++) {
            const double cz = (double)(sr->start[z + 1] - sr->start[z]);
            double share = 0; /* Σ_k c_y·(share of the pair) */
            if (z < y0) {     /* pairs (z, y): column y is the second column, add +S_y(c) */
                double *row_z = U + z * m;
                for (size_t k = 0; k < tile; k++) {
                    const size_t y = y0 + k;
                    const size_t c = sr->cut[k] = cut_from(sr, sr->cut[k], sr->u[z], sr->u[y]);
                    const double v = sr->S[k * n1 + c];
                    row_z[y] += v;
                    share += (double)(sr->start[y + 1] - sr->start[y]) * v;
                }
            } else {
                for (size_t k = 0; k < tile; k++) {
                    const size_t y = y0 + k;
                    if (z == y) continue;
                    const double cy = (double)(sr->start[y + 1] - sr->start[y]);
                    if (z < y) { /* within the tile */
                        const size_t c = sr->cut[k] = cut_from(sr, sr->cut[k], sr->u[z], sr->u[y]);
                        U[z * m + y] += sr->S[k * n1 + c];
                        share += cy * sr->S[k * n1 + c];
                    } else { /* pairs (y, z): column y is the first column, −S_y(c) */
                        const size_t c = sr->cut[k] = cut_from(sr, sr->cut[k], sr->u[y], sr->u[z]);
                        const double v = sr->S[k * n1 + c];
                        if (z >= y1) U[y * m + z] = -v;
                        else U[y * m + z] -= v;
                        share -= cy * v;
                    }
                }
            }
            Z += cz * share;
        }
    }
    /* Z = Σ_{a<b} 2 c_a c_b (N(a,b) + N(b,a)) = Σ_{a<b} 2 c_a c_b (2 U[a][b] − (C_b − C_a)):
     * the U part is 2·2·Z above, the C part from running sums of the counts */
    double below = 0, cbelow = 0, correction = 0;
    for (size_t b = 0; b < m; b++) {
        const double cb = (double)(sr->start[b + 1] - sr->start[b]);
        correction += cb * (C[b] * below - cbelow); /* Σ_{a<b} c_a c_b (C_b − C_a) */
        below += cb;
        cbelow += cb * C[b];
    }
    return 4 * Z - 2 * correction;
}

/* The rows of receiver position a: P(u_a, u_q) into prow and P(u_q, u_a) into pcol, from the
 * upper triangle (row a for q > a, the gathered column for q < a). */
static void receiver_rows(const sorted_round *sr, size_t a, const double *ucol, double invZ,
                          double *prow, double *pcol)
{
    const size_t m = sr->m;
    const double *U = sr->P + a * m, *C = sr->C;
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

eum_status eum_scholz_round_sorted(const eum_config *cfg, size_t n, const double *c,
                                   const double *s, const double *x, double *x_out,
                                   eum_move *moves, eum_trace *trace)
{
    const double D = cfg->range, Q = cfg->Q;
    sorted_round sr = {.n = n, .D = D};
    sorted_actor *keyed = en_xmalloc(n * sizeof *keyed);
    for (size_t k = 0; k < n; k++) keyed[k] = (sorted_actor){x[k], k};
    qsort(keyed, n, sizeof *keyed, by_position);
    sr.rank_actor = en_xmalloc((3 * n + 1 + TILE) * sizeof(size_t));
    sr.index = sr.rank_actor + n;
    sr.start = sr.index + n;
    double *block = en_xmalloc((8 * n + 2) * sizeof(double));
    sr.u = block;
    sr.xs = block + n;
    sr.ws = block + 2 * n;
    sr.rs = block + 3 * n;
    sr.W = block + 4 * n;
    sr.WX = sr.W + n + 1;
    double *r = sr.WX + n + 1, *danger = r + n;
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
    free(keyed);
    sr.start[m] = n;
    sr.cut = sr.start + m + 1;
    sr.m = m;
    sr.W[0] = sr.WX[0] = 0;
    for (size_t t = 0; t < n; t++) {
        sr.W[t + 1] = sr.W[t] + sr.ws[t];
        sr.WX[t + 1] = sr.WX[t] + sr.ws[t] * (sr.xs[t] - sr.u[0]);
    }
    /* the table only for the offer phase; the rest is O(n + m) */
    double *small = en_xmalloc((TILE * (n + 1) + TILE * m + 6 * m) * sizeof(double));
    sr.S = small;
    sr.col = sr.S + TILE * (n + 1);
    sr.scratch = sr.col + TILE * m;
    sr.C = sr.scratch + 5 * m;
    double *const eu_self = trace ? trace->eu_self : NULL;
    double *const eu_other = trace ? trace->eu_other : NULL;
    double *bs = sr.scratch, *bf = bs + m, *dd = bf + m; /* per receiver position */
    double *prow = dd + m, *pcol = prow + m;
    eum_status status = EUM_ROUND_OK;

    /* Risk phase, every r = 1: danger_i = Σ_{j≠i} E^i(j→i), j in actor order as in the
     * straight path (the spread of the dangers amplifies their rounding). */
    const double Z1 = unit_z(&sr);
    if (!(Z1 != 0) || !isfinite(Z1)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }
    for (size_t qi = 0; qi < m; qi++) {
        double *pcol = sr.col; /* P(u_q, u_qi) */
        unit_column(&sr, qi, 1 / Z1, pcol);
        for (size_t q = 0; q < m; q++) {
            const double d = fabs(sr.u[qi] - sr.u[q]) / D;
            bs[q] = eum_utility(0.5 - 0.5 * d); /* Us, Uf with r = 1 */
            bf[q] = eum_utility(0.5 + 0.5 * d);
        }
        for (size_t t = sr.start[qi]; t < sr.start[qi + 1]; t++) {
            const size_t i = sr.rank_actor[t];
            double sum = 0;
            for (size_t j = 0; j < n; j++) {
                const size_t qj = sr.index[j];
                if (qj == qi) continue; /* contributes exactly 0 */
                sum += scholz_eu_u(pcol[qj], bs[qj], bf[qj], 0.0, s[i], Q);
            }
            danger[i] = sum;
        }
    }
    if (!eum_risk_exponents(n, danger, NULL, r)) {
        status = EUM_ROUND_EQUAL_DANGER;
        goto done;
    }
    if (trace && trace->r) memcpy(trace->r, r, n * sizeof *r);

    /* Offer phase with the new exponents. */
    for (size_t t = 0; t < n; t++) sr.rs[t] = r[sr.rank_actor[t]];
    sr.P = table_alloc(m * m * sizeof *sr.P);
    const double Z2 = offer_votes(&sr, cfg->array_powers);
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
    free(sr.P);
    free(small);
    free(block);
    free(sr.rank_actor);
    return status;
}
