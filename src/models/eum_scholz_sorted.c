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
 * The risk phase (every r = 1) has no table: with δ the distance itself each vote of a pair is
 * O(1) from the prefix sums of the weights and of the weighted positions, and the dangers are
 * three sums per position (risk_phase). Those sums are not in the straight path's order (actor
 * after actor), so the exponents r differ from the straight path's in the last bits (within
 * 5e-15 in test_eum_fast); the table of paths' tolerance (1e-9 on positions) covers it.
 *
 * Memory: the upper triangle of the m×m table of votes (m distinct positions), stored a tile
 * of columns after another so that every pass over it is sequential, and O(n + m) more; no
 * n×m table. With a scratch (eum_config.scratch) a run allocates it once, not every round.
 *
 * With powers over arrays the offer phase goes by pairs of tiles of positions (offer_blocks):
 * the logs of a pair's utility bases once for both receivers' sides, and up to DLOGS_MAX_M
 * positions the logs of δ once per pair too (tile_prefix); the same bits as receiver by
 * receiver.
 */
/* madvise and MADV_HUGEPAGE (a hint; without it the table is on ordinary pages) */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/util.h"
#include "core/vmath.h"
#include "models/eum.h"
#include "models/eum_cpu.h"
#include "models/eum_formula.h"
#include "models/eum_scholz_choice.h"

#if defined(__GNUC__) && !defined(__clang__)
/* Element-wise loops only (sums are never reassociated without -ffast-math, and without FMA
 * contraction the SIMD lanes give the same doubles as the scalar code). */
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

/* On x86-64 the round is also compiled for AVX2 and chosen once by what the CPU supports, as
 * the fast path is (eum_scholz.c): four lanes instead of two for the element-wise loops, the
 * divisions of the distances above all. Without FMA contraction (-ffp-contract=off) both
 * versions give the same bits. Every helper below is always inlined into the two versions. */
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define SORTED_AVX2 1
#endif
#define SORTED_BODY static inline __attribute__((always_inline))

/* Columns handled together: the writes of a tile to a row of the table are one cache line,
 * and a tile's prefix sums (TILE·(n+1) doubles) stay in cache. */
#define TILE 16
/* Voters whose δ a tile's prefix sums form at a time (tile_prefix): PREFIX_CHUNK·TILE doubles,
 * 32 KiB. */
#define PREFIX_CHUNK 256
/* Positions from which the passes over the table ask for the next block's piece ahead
 * (prefetch_piece): below, the table is in the caches and the requests only cost instructions. */
#define PREFETCH_MIN_M 2048
/* Positions up to which the δ logs of a pair are kept for its second tile (tile_prefix). */
#define DLOGS_MAX_M 4096

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

/* The round's memory, kept from round to round when the run passes a scratch: the table and
 * the O(n + m) arrays, each grown when a round needs more. */
struct eum_scratch {
    void *table;
    size_t table_bytes;
    void *cuts;
    size_t cuts_bytes;
    void *small;
    size_t small_bytes;
    void *logs;
    size_t logs_bytes;
};

eum_scratch *eum_scratch_new(void)
{
    return en_xcalloc(1, sizeof(eum_scratch));
}

void eum_scratch_free(eum_scratch *scratch)
{
    if (!scratch) return;
    en_free(scratch->table);
    en_free(scratch->cuts);
    en_free(scratch->logs);
    en_free(scratch->small);
    en_free(scratch);
}

typedef struct sorted_round {
    size_t n, m;
    double D;
    size_t *rank_actor; /* [n] actor at each rank (sorted by position, then index) */
    size_t *index;      /* [n] per actor: its position index */
    size_t *start;      /* [m + 1] first rank at each position */
    size_t *position;   /* [n] per rank: its position index */
    size_t *list;       /* [m] a receiver's positions with E^i(j→i) > 0 */
    size_t *conf_j, *comp_j; /* [n] a receiver's confrontations and compromises: the actor */
    double *conf_e, *comp_e; /* [n] and its e_ij */
    double *u;          /* [m] distinct positions, ascending */
    double *xs, *ws;    /* [n] voters by rank: position, weight c·s */
    double *rs;         /* [n] voters by rank: exponent */
    double *P;          /* a phase's votes U[a][b] = N(u_a, u_b), a < b only, by tiles (at()) */
    uint32_t *cuts;     /* c(a, b), a < b, laid out as P: found in the risk phase, read after */
    double *dlogs;      /* log(|u_a − u_b|/D), a < b, laid out as P (NULL: not kept, see
                         * tile_prefix) */
    double *C;          /* [m] column totals S_y(n) of the phase */
    double *count;      /* [m] actors at each position */
    double *part;       /* [TILE] a tile's columns' shares of Z */
    double *below;      /* [TILE] */
    double *terms;      /* [m] a receiver's E^i(j→i) by position (the receiver loop) */
    double *S;          /* [n + 1][TILE] prefix sums of a tile of columns, voter after voter */
    double *L;          /* [m][TILE] a chunk's bases and logs (array powers) */
    double *col;        /* [TILE][m] a tile of columns of the table */
    double *row;        /* [TILE][m] a tile of rows of the table */
    double *scratch;    /* [7m] logs / bases / a receiver's rows of P */
    size_t *cut;        /* [TILE] */
    /* the offer phase by pairs of tiles (offer_blocks) */
    scholz_choice *choice; /* [n] per actor by rank: its offers so far */
    double *Usq;        /* [n] per actor by rank: its status-quo utility */
    double *EA, *EB;    /* [2·TILE·n] the powers of a block's two sides */
    double *blk;        /* [8·TILE²] a block's P both ways and the bases' logs, as read by each side */
    double *side;       /* [5·TILE] one receiver's e_ji, U_s, U_f, e_ij, |e_ij| at a block's positions */
    double *ss;         /* [n] saliences by rank */
    double *conf_o, *comp_o; /* [n] the offers' e_ji */
} sorted_round;

/* The table's layout. Column tile T (columns [TILE·T, TILE·T + TILE)) is a block of its rows
 * 0 … TILE·T + TILE − 1, TILE doubles each, the blocks one after another: U[z][y] (z < y) is
 * at block(y / TILE) + z·TILE + y % TILE. A tile's columns are then one contiguous block, and a
 * tile of rows TILE·TILE contiguous doubles in each later block, so that filling the table a
 * tile of columns at a time and reading it a tile of receivers at a time are sequential passes
 * (row-major, the shares of a tile wrote one cache line per row: at 10,000 positions a TLB and
 * cache miss per step). Doubles for m positions: TILE²·T(T + 1)/2 with T = ⌈m / TILE⌉. */
static inline size_t block_at(size_t tile)
{
    return (size_t)TILE * TILE * tile * (tile + 1) / 2;
}

static inline size_t at(size_t z, size_t y)
{
    return block_at(y / TILE) + z * TILE + y % TILE;
}

/* Asks for the TILE² doubles at p (a tile's rows in a later block) ahead of their use: the
 * passes over the table visit one such piece per block, too short for the hardware to see a
 * stream. `write`: for writing. */
SORTED_BODY void prefetch_piece(const double *p, int write)
{
    for (size_t l = 0; l < TILE * TILE; l += 8) {
        if (write)
            __builtin_prefetch(p + l, 1, 3);
        else
            __builtin_prefetch(p + l, 0, 3);
    }
}

/* The prefix sums S_y(t), t = 0..n, of the columns y = y0 … y0 + tile − 1 into
 * S[t·TILE + k], y = y0 + k: δ of each voter (by rank) at u_y, then summed in place. Each
 * column is summed as before, voter after voter; the TILE columns side by side, so that their
 * chains of additions run in parallel (lanes k ≥ tile carry zeros). The voters go a chunk of
 * PREFIX_CHUNK at a time, δ, its logs and its powers formed and summed while the chunk is in
 * the first-level cache (whole columns at once went through memory several times at 10,000
 * actors); the values and the order of the additions are the same. */
SORTED_BODY void tile_prefix(const sorted_round *sr, size_t y0, size_t tile, int mode)
{
    const size_t n = sr->n;
    const double D = sr->D, *u = sr->u;
    double uy[TILE];
    for (size_t k = 0; k < TILE; k++) uy[k] = u[k < tile ? y0 + k : y0];
    double sum[TILE] = {0};
    for (size_t k = 0; k < TILE; k++) sr->S[k] = 0.0;
    for (size_t c0 = 0; c0 < n; c0 += PREFIX_CHUNK) {
        const size_t c1 = n - c0 < PREFIX_CHUNK ? n : c0 + PREFIX_CHUNK, len = c1 - c0;
        double *d = sr->S + TILE * (c0 + 1); /* δ of the chunk's voters */
        if (mode == 0) {
            for (size_t t = 0; t < len; t++)
                for (size_t k = 0; k < TILE; k++)
                    d[t * TILE + k] = eum_pow_r(fabs(sr->xs[c0 + t] - uy[k]) / D, sr->rs[c0 + t]);
        } else {
            /* log of |u_q − u_y|/D once per position of the chunk, then exp(r·log) per voter.
             * With dlogs the logs of a pair of positions are formed once, by the earlier of
             * the two tiles, and kept for the later: those of q before the tile are read
             * (the same bits: |u_q − u_y| = |u_y − u_q| and the kernel's result does not
             * depend on where a value sits in the array), those of q after it stored. */
            double *L = sr->L;
            const size_t q0 = sr->position[c0], q1 = sr->position[c1 - 1] + 1;
            /* (a partial last tile forms its own: its unused lanes were never stored) */
            const size_t kept = sr->dlogs && tile == TILE ? (q1 < y0 ? q1 : y0 > q0 ? y0 : q0) : q0;
            if (kept > q0)
                memcpy(L, sr->dlogs + block_at(y0 / TILE) + q0 * TILE,
                       (kept - q0) * TILE * sizeof *L);
            for (size_t q = kept; q < q1; q++)
                for (size_t k = 0; k < TILE; k++) L[(q - q0) * TILE + k] = fabs(u[q] - uy[k]) / D;
            for (size_t k = 0; k < tile; k++)
                if (y0 + k >= q0 && y0 + k < q1) L[(y0 + k - q0) * TILE + k] = 1.0;
            en_log_array(L + (kept - q0) * TILE, (q1 - kept) * TILE);
            if (sr->dlogs) { /* the pairs (y, q), q past the tile, for q's tile */
                const size_t after = q0 > y0 + TILE ? q0 : y0 + TILE;
                for (size_t q = after; q < q1; q++) {
                    double *to = sr->dlogs + at(y0, q);
                    for (size_t k = 0; k < tile; k++) to[k * TILE] = L[(q - q0) * TILE + k];
                }
            }
            for (size_t t = 0; t < len; t++) {
                const double *Lq = L + (sr->position[c0 + t] - q0) * TILE, rt = sr->rs[c0 + t];
                for (size_t k = 0; k < TILE; k++) d[t * TILE + k] = rt * Lq[k];
            }
            en_exp_array(d, len * TILE);
            for (size_t k = 0; k < tile; k++) {
                const size_t from = sr->start[y0 + k] > c0 ? sr->start[y0 + k] : c0,
                             to = sr->start[y0 + k + 1] < c1 ? sr->start[y0 + k + 1] : c1;
                for (size_t t = from; t < to; t++) d[(t - c0) * TILE + k] = 0.0;
            }
        }
        if (tile < TILE)
            for (size_t t = 0; t < len; t++)
                for (size_t k = tile; k < TILE; k++) d[t * TILE + k] = 0.0;
        for (size_t t = 0; t < len; t++)
            for (size_t k = 0; k < TILE; k++) {
                sum[k] += sr->ws[c0 + t] * d[t * TILE + k];
                d[t * TILE + k] = sum[k];
            }
    }
}

/* The number of voters (by rank) nearer to u_lo than to u_hi (lo < hi): those before the
 * first rank t with x_t − u_lo ≥ u_hi − x_t. The rounded test is monotone in t (x_t grows) and
 * in either position, so a sweep only moves the cut forward from the previous pair's, and the
 * +∞ past the last voter (xs[n..n+3]) stops it at n. Four voters are tested at once: by the
 * monotony the failed tests are the leading ones, so their count is the step (the same cut as
 * one voter at a time). Most steps move the cut by zero or one voter, so the loop almost never
 * repeats, and the chain from one pair's cut to the next has no branch in it (a step at a time
 * had a dependent load and a branch per voter: half of the risk phase). */
typedef double v4d __attribute__((vector_size(32)));
typedef long long v4l __attribute__((vector_size(32)));

SORTED_BODY size_t cut_next(const double *xs, size_t t, double lo, double hi)
{
    const v4d los = {lo, lo, lo, lo}, his = {hi, hi, hi, hi};
    for (;;) {
        v4d v;
        memcpy(&v, xs + t, sizeof v);
        const v4l stop = (v - los) >= (his - v); /* −1 where the test holds */
        const long long steps = 4 + (stop[0] + stop[1] + stop[2] + stop[3]);
        t += (size_t)steps;
        if (steps < 4) return t;
    }
}

/* ---- the m×m table of votes -------------------------------------------------------------- */

/* A phase's votes. N(a,b) − N(b,a) = Σ_k w_k (δ_k(b) − δ_k(a)) = C_b − C_a with C_y = S_y(n)
 * the column totals, so only the upper triangle U[a][b] = N(a,b), a < b, is kept (N(b,a) =
 * U[a][b] − (C_b − C_a)). Column y gives U[y][b] (b > y) its share −S_y(c), stored as the
 * row is swept (the first share: columns go in ascending order), and U[a][y] (a < y) its share
 * +S_y(c), added a tile of columns at a time (one cache line of row a per tile).
 * The offer phase only (the risk phase has no table: risk_phase). `mode`: 0 glibc pow, 1 powers
 * over arrays.
 * Returns Z = Σ over ordered actor pairs of N(a,b) + N(b,a). */
SORTED_BODY double phase_votes(sorted_round *sr, int mode)
{
    const size_t n = sr->n, m = sr->m;
    const double *count = sr->count;
    double *U = sr->P, *C = sr->C, *part = sr->part, *below = sr->below, *S = sr->S;
    const uint32_t *cuts = sr->cuts;
    /* The cuts depend on the positions only: the risk phase found them (risk_phase). */
    double Z = 0;
    for (size_t y0 = 0; y0 < m; y0 += TILE) {
        const size_t tile = m - y0 < TILE ? m - y0 : TILE, y1 = y0 + tile;
        tile_prefix(sr, y0, tile, mode);
        /* pairs (y, z), z > y: column y is the first column, −S_y(c); the voters at u_y
         * are nearer to it than to any z > y. The tile's rows side by side: each column's
         * sweep and sum go over z in the same order as one at a time. */
        for (size_t k = 0; k < tile; k++) {
            C[y0 + k] = S[n * TILE + k];
            below[k] = 0;
        }
        for (size_t z = y0 + 1; z < m; z++) {
            const size_t kmax = z < y1 ? z - y0 : tile; /* the columns y0 + k < z */
            const size_t where = at(y0, z);             /* U[y0 + k][z] at where + k·TILE */
            if (z % TILE == 0 && z + TILE < m && m >= PREFETCH_MIN_M) {
                prefetch_piece(U + at(y0, z + TILE), 1);
                for (size_t l = 0; l < TILE * TILE; l += 16)
                    __builtin_prefetch(cuts + at(y0, z + TILE) + l, 0, 3);
            }
            double *dst = U + where;
            const uint32_t *cz_cut = cuts + where;
            const double cz = count[z];
            for (size_t k = 0; k < kmax; k++) {
                const size_t c = cz_cut[k * TILE];
                const double v = S[c * TILE + k];
                dst[k * TILE] = -v;
                below[k] += cz * v;
            }
        }
        for (size_t k = 0; k < tile; k++) part[k] = -below[k];
        /* pairs (z, y), z < y: column y is the second column, +S_y(c), into the tile's block
         * row after row */
        double *block = U + block_at(y0 / TILE);
        const uint32_t *block_cuts = cuts + block_at(y0 / TILE);
        for (size_t z = 0; z + 1 < y1; z++) {
            double *row = block + z * TILE;
            const uint32_t *row_cuts = block_cuts + z * TILE;
            const double cz = count[z];
            for (size_t k = z < y0 ? 0 : z - y0 + 1; k < tile; k++) {
                const double v = S[row_cuts[k] * TILE + k];
                row[k] += v;
                part[k] += cz * v;
            }
        }
        for (size_t k = 0; k < tile; k++) Z += count[y0 + k] * part[k];
    }
    /* Z = Σ_{a<b} 2 c_a c_b (N(a,b) + N(b,a)) = Σ_{a<b} 2 c_a c_b (2 U[a][b] − (C_b − C_a)):
     * the U part is 2·2·Z above, the C part from running sums of the counts */
    double sum_below = 0, cbelow = 0, correction = 0;
    for (size_t b = 0; b < m; b++) {
        const double cb = count[b];
        correction += cb * (C[b] * sum_below - cbelow); /* Σ_{a<b} c_a c_b (C_b − C_a) */
        sum_below += cb;
        cbelow += cb * C[b];
    }
    return 4 * Z - 2 * correction;
}

/* The rows of receiver position a: P(u_a, u_q) into prow and P(u_q, u_a) into pcol, from the upper triangle (the gathered row a,
 * urow[q] = U[a][q], for q > a; the gathered column, ucol[q] = U[q][a], for q < a). */
SORTED_BODY void receiver_rows(const sorted_round *sr, size_t a, const double *ucol,
                          const double *urow, double invZ, double *prow, double *pcol)
{
    const size_t m = sr->m;
    const double *U = urow, *C = sr->C;
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

/* The risk phase (every r = 1, so δ_k(y) = |x_k − y|/D) without the table of votes. For a pair
 * of positions lo < hi with cut c (the voters of rank < c are nearer to lo), every vote is
 * linear in the voter's position: a voter at or left of lo gives lo's side hi − lo, one
 * between lo and the midpoint lo + hi − 2x; a voter at or right of hi gives hi's side hi − lo,
 * one between the midpoint and hi 2x − lo − hi. With W(t) and X(t) the prefix sums of the
 * weights and of the weights times the positions (by rank) both votes are O(1):
 *     N(lo,hi)·D = (hi − lo)·W(e) + (lo + hi)·(W(c) − W(e)) − 2·(X(c) − X(e)),  e = start[lo + 1]
 *     N(hi,lo)·D = (hi − lo)·(W(n) − W(f)) + 2·(X(f) − X(c)) − (lo + hi)·(W(f) − W(c)),  f = start[hi]
 * (the factor D cancels in P = N/Z; positions are taken from the middle of the range so that
 * the products cancel less). Receiver i at position a sums E^i(j→i) = U_s + s_i(P(x_j, a) − 1)
 * (U_s − U_f) over j, and with r = 1 the utilities depend on the pair of positions only, so
 *     danger_i = B_a + s_i·(A_a / Z − G_a),  A_a = Σ_j N(x_j, a)(U_s − U_f),  G_a = Σ_j (U_s − U_f),
 * B_a = Σ_j U_s: three sums per position, formed pair by pair (each unordered pair once, both
 * receivers' shares), with Z in the same pass. The pairs go by tiles of TILE rows lo against
 * every later hi, as the table's first pass, so that each pair's cut (found by the forward
 * sweep) is stored where the offer phase reads it. The sums are not in the straight path's
 * order (actor after actor): the rounding differs, within the table of paths' tolerance (the
 * docs, "The sorted path"). Returns 0 if Z is zero or not finite. O(m² + m·n). */
SORTED_BODY int risk_phase(sorted_round *sr, const double *s, double *danger)
{
    const size_t n = sr->n, m = sr->m;
    const double *xs = sr->xs, *u = sr->u, *count = sr->count, D = sr->D;
    const size_t *start = sr->start;
    uint32_t *cuts = sr->cuts;
    size_t *cut = sr->cut;
    double *W = sr->S, *X = W + (n + 1); /* S holds TILE·(n + 1) doubles, unused until later */
    double *A = sr->scratch, *G = A + m, *B = G + m, *uc = B + m;
    const double center = 0.5 * (u[0] + u[m - 1]);
    W[0] = X[0] = 0.0;
    for (size_t t = 0; t < n; t++) {
        W[t + 1] = W[t] + sr->ws[t];
        X[t + 1] = X[t] + sr->ws[t] * (xs[t] - center);
    }
    for (size_t q = 0; q < m; q++) {
        uc[q] = u[q] - center;
        A[q] = G[q] = B[q] = 0.0;
    }
    const double Wn = W[n];
    double zpart[TILE] = {0};
    for (size_t y0 = 0; y0 < m; y0 += TILE) {
        const size_t tile = m - y0 < TILE ? m - y0 : TILE, y1 = y0 + tile;
        double ulo[TILE] = {0}, uclo[TILE] = {0}, clo[TILE] = {0}, We[TILE] = {0}, Xe[TILE] = {0};
        double sa[TILE] = {0}, sg[TILE] = {0}, sb[TILE] = {0};
        for (size_t k = 0; k < tile; k++) {
            const size_t e = start[y0 + k + 1];
            cut[k] = e; /* the voters at lo are nearer to it than to any hi > lo */
            ulo[k] = u[y0 + k];
            uclo[k] = uc[y0 + k];
            clo[k] = count[y0 + k];
            We[k] = W[e];
            Xe[k] = X[e];
        }
        for (size_t z = y0 + 1; z < m; z++) {
            const size_t kmax = z < y1 ? z - y0 : tile;
            const size_t where = at(y0, z);
            if (z % TILE == 0 && z + TILE < m && m >= PREFETCH_MIN_M)
                for (size_t l = 0; l < TILE * TILE; l += 16)
                    __builtin_prefetch(cuts + at(y0, z + TILE) + l, 1, 3);
            uint32_t *cz_cut = cuts + where;
            const double uz = u[z], ucz = uc[z], cz = count[z];
            const size_t f = start[z];
            const double Wf = W[f], Xf = X[f], Wright = Wn - Wf;
            double wc[TILE], xc[TILE];
            for (size_t k = 0; k < kmax; k++) {
                const size_t c = cut[k] = cut_next(xs, cut[k], ulo[k], uz);
                cz_cut[k * TILE] = (uint32_t)c;
                wc[k] = W[c];
                xc[k] = X[c];
            }
            double ta[TILE], tg[TILE], tb[TILE];
            for (size_t k = 0; k < kmax; k++) {
                const double span = uz - ulo[k], mid = uclo[k] + ucz;
                double nlo = span * We[k] + mid * (wc[k] - We[k]) - 2 * (xc[k] - Xe[k]);
                double nhi = span * Wright + 2 * (Xf - xc[k]) - mid * (Wf - wc[k]);
                nlo = nlo > 0 ? nlo : 0.0; /* votes are ≥ 0; the rounding may not be */
                nhi = nhi > 0 ? nhi : 0.0;
                const double d = fabs(uz - ulo[k]) / D;
                const double Us = eum_utility(0.5 - 0.5 * d), Uf = eum_utility(0.5 + 0.5 * d);
                const double g = Us - Uf;
                /* receiver at lo, challenger at z; receiver at z, challenger at lo */
                sa[k] += cz * (nhi * g);
                sg[k] += cz * g;
                sb[k] += cz * Us;
                ta[k] = clo[k] * (nlo * g);
                tg[k] = clo[k] * g;
                tb[k] = clo[k] * Us;
                zpart[k] += clo[k] * cz * (nlo + nhi);
            }
            double a_z = 0, g_z = 0, b_z = 0;
            for (size_t k = 0; k < kmax; k++) {
                a_z += ta[k];
                g_z += tg[k];
                b_z += tb[k];
            }
            A[z] += a_z;
            G[z] += g_z;
            B[z] += b_z;
        }
        for (size_t k = 0; k < tile; k++) {
            A[y0 + k] += sa[k];
            G[y0 + k] += sg[k];
            B[y0 + k] += sb[k];
        }
    }
    double Zhalf = 0;
    for (size_t k = 0; k < TILE; k++) Zhalf += zpart[k];
    const double Z = 2 * Zhalf;
    if (!(Z != 0) || !isfinite(Z)) return 0;
    const double invZ = 1 / Z;
    for (size_t q = 0; q < m; q++) {
        const double excess = A[q] * invZ - G[q];
        for (size_t t = start[q]; t < start[q + 1]; t++) {
            const size_t i = sr->rank_actor[t];
            danger[i] = B[q] + s[i] * excess;
        }
    }
    return 1;
}

/* Memory of at least `bytes` in *slot (of *size bytes), grown when too small: the contents
 * are not kept. Large tables are asked for in transparent huge pages: the passes over the
 * table cross a page every few steps, which on 4 KiB pages is a TLB miss each. */
static void *grow(void **slot, size_t *size, size_t bytes)
{
    if (*size >= bytes && *slot != NULL) return *slot;
    en_free(*slot);
    *slot = NULL;
    const size_t huge = (size_t)2 << 20;
    if (bytes < 4 * huge) {
        *slot = en_xmalloc(bytes ? bytes : 1);
        *size = bytes;
        return *slot;
    }
    void *p = NULL;
    size_t rounded = (bytes + huge - 1) / huge * huge;
    if (posix_memalign(&p, huge, rounded) != 0 || !p) {
        p = en_xmalloc(bytes);
        rounded = bytes;
    }
#ifdef MADV_HUGEPAGE
    else
        madvise(p, rounded, MADV_HUGEPAGE);
#endif
    *slot = p;
    *size = rounded;
    return p;
}

/* Gathers the receivers a = a0 … a0 + tile − 1: U[q][a] (q < a) into col[k][q] from the
 * tile's block, U[a][q] (q > a) into row[k][q] from the later blocks (TILE·TILE doubles
 * each), both sequential reads. */
SORTED_BODY void gather_tile(const sorted_round *sr, size_t a0, size_t tile)
{
    const size_t m = sr->m, a1 = a0 + tile;
    const double *block = sr->P + block_at(a0 / TILE);
    /* col[k][q] for every q < a1 (receiver_rows reads only q < a0 + k); the block's rows past
     * the triangle hold values of no meaning, copied but never read */
    if (tile == TILE) /* a fixed count: the copies of a row unrolled */
        for (size_t q = 0; q < a1; q++) {
            const double *row = block + q * TILE;
            for (size_t k = 0; k < TILE; k++) sr->col[k * m + q] = row[k];
        }
    else
        for (size_t q = 0; q < a1; q++) {
            const double *row = block + q * TILE;
            for (size_t k = 0; k < tile; k++) sr->col[k * m + q] = row[k];
        }
    for (size_t y0 = a0; y0 < m; y0 += TILE) {
        const size_t width = m - y0 < TILE ? m - y0 : TILE;
        const double *rows = sr->P + block_at(y0 / TILE) + a0 * TILE;
        if (y0 + TILE < m && m >= PREFETCH_MIN_M)
            prefetch_piece(sr->P + block_at(y0 / TILE + 1) + a0 * TILE, 0);
        for (size_t k = 0; k < tile; k++) {
            double *to = sr->row + k * m + y0;
            const double *from = rows + k * TILE;
            if (width == TILE)
                for (size_t l = 0; l < TILE; l++) to[l] = from[l];
            else
                for (size_t l = 0; l < width; l++) to[l] = from[l];
        }
    }
}

/* ---- the offer phase by pairs of tiles (powers over arrays) ------------------------------------ */

/* Four lanes of doubles and their comparison masks (v4d, v4l above; GCC vector extensions: two
 * SSE2 operations each in the baseline build, one AVX2 operation in the AVX2 build). */
#if defined(__clang__)
#define SHUFFLE4(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#else
#define SHUFFLE4(a, b, i, j, k, l) __builtin_shuffle(a, b, (v4l){i, j, k, l})
#endif

/* The offers of one receiver against TILE positions, as bit masks (bit l for position l):
 * confrontations e_ji > e_ij > 0 and compromises e_ji > 0 > e_ij, e_ji > |e_ij| (choice_offer's
 * tests, false for NaN as the C comparisons). */
SORTED_BODY void offer_masks(const double *eo, const double *eij, unsigned *conf, unsigned *comp)
{
    const v4d zero = {0, 0, 0, 0};
    const v4l sign = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX}, w = {1, 2, 4, 8};
    v4l c = {0, 0, 0, 0}, p = {0, 0, 0, 0};
    for (int g = 0; g < TILE / 4; g++) {
        v4d o, e;
        memcpy(&o, eo + 4 * g, sizeof o);
        memcpy(&e, eij + 4 * g, sizeof e);
        const v4d ae = (v4d)((v4l)e & sign); /* fabs: the sign bit cleared */
        const v4l wg = w << (4 * g);
        c |= (o > e) & (e > zero) & wg;
        p |= (o > zero) & (zero > e) & (o > ae) & wg;
    }
    *conf = (unsigned)(c[0] | c[1] | c[2] | c[3]);
    *comp = (unsigned)(p[0] | p[1] | p[2] | p[3]);
}

/* The receivers of one side of a block of position pairs: the actors (by rank) at the positions
 * r0 … r0 + rtile − 1 (k = position − r0) against the positions q0 + l. Pr[k·TILE + l] and
 * Pc[k·TILE + l] are P(receiver's position, q) and P(q, receiver's position); E holds, per
 * actor, its powers of the success base at the TILE positions q, then of the failure base.
 * `diag` restricts l on the block of a tile with itself: 1, l > k; 2, l < k; 0, l < width.
 * Each offer goes into the actor's choice, which sees the offers in any order (ties by j):
 * for each actor the confrontations (e_ji > e_ij > 0) and the compromises (e_ji > 0 > e_ij,
 * e_ji > |e_ij|) are found as bit masks, then offered, so that the decision rule's own tests
 * always go the same way. */
SORTED_BODY void offer_side(sorted_round *sr, const double *E, const double *Pr, const double *Pc,
                            size_t r0, size_t rtile, size_t q0, size_t width, int diag,
                            const double *x, const double *s, double Q)
{
    const size_t t0 = sr->start[r0], t1 = sr->start[r0 + rtile], tq = sr->start[q0];
    /* one actor at each of the positions q: its EUs side by side, by lanes */
    const int single = sr->start[q0 + width] - tq == width;
    double *eo = sr->side, *Us = eo + TILE, *Uf = Us + TILE, *eij = Uf + TILE;
    double sq[TILE];
    for (size_t l = 0; l < TILE; l++) sq[l] = single && l < width ? sr->ss[tq + l] : 0.0;
    for (size_t t = t0; t < t1; t++) {
        const size_t k = sr->position[t] - r0, i = sr->rank_actor[t];
        const double *Es = E + (t - t0) * 2 * TILE, *Ef = Es + TILE;
        const double *pr = Pr + k * TILE, *pc = Pc + k * TILE;
        const double Usq = sr->Usq[t], si = s[i], xi = x[i];
        unsigned range = (1u << width) - 1;
        if (diag == 1) range &= ~((2u << k) - 1); /* l > k */
        if (diag == 2) range &= (1u << k) - 1;    /* l < k */
        for (size_t l = 0; l < TILE; l++) {
            Us[l] = 2 - 4 * Es[l];
            Uf[l] = 2 - 4 * Ef[l];
            eo[l] = scholz_eu_u(pc[l], Us[l], Uf[l], Usq, si, Q);
        }
        scholz_choice *ch = &sr->choice[t];
        if (single) {
            for (size_t l = 0; l < TILE; l++) eij[l] = scholz_eu_u(pr[l], Us[l], Uf[l], Usq, sq[l], Q);
            unsigned conf, comp;
            offer_masks(eo, eij, &conf, &comp);
            conf &= range;
            comp &= range;
            for (unsigned bits = conf; bits; bits &= bits - 1) {
                const size_t l = (size_t)__builtin_ctz(bits), j = sr->rank_actor[tq + l];
                choice_offer(ch, j, xi, x[j], eij[l], eo[l]);
            }
            for (unsigned bits = comp; bits; bits &= bits - 1) {
                const size_t l = (size_t)__builtin_ctz(bits), j = sr->rank_actor[tq + l];
                choice_offer(ch, j, xi, x[j], eij[l], eo[l]);
            }
            continue;
        }
        /* several actors at some position: each found position's actors in turn */
        size_t confrontations = 0, compromises = 0;
        unsigned found = 0;
        for (size_t l = 0; l < TILE; l++) found |= (unsigned)(eo[l] > 0) << l;
        for (unsigned bits = found & range; bits; bits &= bits - 1) {
            const size_t l = (size_t)__builtin_ctz(bits), q = q0 + l;
            const double e_ji = eo[l];
            for (size_t tj = sr->start[q]; tj < sr->start[q + 1]; tj++) {
                const size_t j = sr->rank_actor[tj];
                const double e_ij = scholz_eu_u(pr[l], Us[l], Uf[l], Usq, s[j], Q);
                const int is_conf = (e_ji > e_ij) & (e_ij > 0);
                const int is_comp = (e_ji > 0) & (0 > e_ij) & (e_ji > fabs(e_ij));
                sr->conf_j[confrontations] = j;
                sr->conf_e[confrontations] = e_ij;
                sr->conf_o[confrontations] = e_ji;
                confrontations += is_conf;
                sr->comp_j[compromises] = j;
                sr->comp_e[compromises] = e_ij;
                sr->comp_o[compromises] = e_ji;
                compromises += is_comp;
            }
        }
        for (size_t f = 0; f < confrontations; f++) {
            const size_t j = sr->conf_j[f];
            choice_offer(ch, j, xi, x[j], sr->conf_e[f], sr->conf_o[f]);
        }
        for (size_t f = 0; f < compromises; f++) {
            const size_t j = sr->comp_j[f];
            choice_offer(ch, j, xi, x[j], sr->comp_e[f], sr->comp_o[f]);
        }
    }
}

/* The powers of one side's actors: E[actor][l] = exp(r·LS[k·TILE + l]), E[actor][TILE + l] =
 * exp(r·LF[k·TILE + l]), LS and LF the logs of the bases of the pair (the actor's position,
 * q0 + l). */
SORTED_BODY void side_powers(const sorted_round *sr, double *E, const double *LS, const double *LF,
                             size_t r0, size_t rtile)
{
    const size_t t0 = sr->start[r0], t1 = sr->start[r0 + rtile];
    for (size_t t = t0; t < t1; t++) {
        const size_t k = sr->position[t] - r0;
        const double rt = sr->rs[t];
        double *Et = E + (t - t0) * 2 * TILE;
        for (size_t l = 0; l < TILE; l++) {
            Et[l] = LS[k * TILE + l] * rt;
            Et[TILE + l] = LF[k * TILE + l] * rt;
        }
    }
    en_exp_array(E, (t1 - t0) * 2 * TILE);
}

/* to[l·TILE + k] = from[k·TILE + l], by 4 × 4 pieces (moves only: no value changes). */
SORTED_BODY void transpose(double *restrict to, const double *restrict from)
{
    for (size_t bi = 0; bi < TILE; bi += 4)
        for (size_t bj = 0; bj < TILE; bj += 4) {
            v4d r0, r1, r2, r3;
            memcpy(&r0, from + (bi + 0) * TILE + bj, sizeof r0);
            memcpy(&r1, from + (bi + 1) * TILE + bj, sizeof r1);
            memcpy(&r2, from + (bi + 2) * TILE + bj, sizeof r2);
            memcpy(&r3, from + (bi + 3) * TILE + bj, sizeof r3);
            const v4d t0 = SHUFFLE4(r0, r1, 0, 4, 2, 6), t1 = SHUFFLE4(r0, r1, 1, 5, 3, 7);
            const v4d t2 = SHUFFLE4(r2, r3, 0, 4, 2, 6), t3 = SHUFFLE4(r2, r3, 1, 5, 3, 7);
            const v4d c0 = SHUFFLE4(t0, t2, 0, 1, 4, 5), c1 = SHUFFLE4(t1, t3, 0, 1, 4, 5);
            const v4d c2 = SHUFFLE4(t0, t2, 2, 3, 6, 7), c3 = SHUFFLE4(t1, t3, 2, 3, 6, 7);
            memcpy(to + (bj + 0) * TILE + bi, &c0, sizeof c0);
            memcpy(to + (bj + 1) * TILE + bi, &c1, sizeof c1);
            memcpy(to + (bj + 2) * TILE + bi, &c2, sizeof c2);
            memcpy(to + (bj + 3) * TILE + bi, &c3, sizeof c3);
        }
}

/* The offer phase with the powers over arrays. The logs of the two utility bases
 * ½ ∓ ½|u_a − u_b|/D depend on the pair of positions only and are the same both ways round,
 * so they are formed once per pair, a block of TILE × TILE pairs at a time (tile A of
 * positions against tile B ≥ A), and used by the receivers on both sides: those at A against
 * the positions of B, and those at B against the positions of A. The block's votes are read
 * from the table where they lie together (U[a][b] for a in A, b in B: TILE² doubles). Every
 * operand of every EU is the one the receiver-by-receiver loop formed (the same operations in
 * the same order), and the decision rule does not depend on the order of the offers, so the
 * result is the same bits. */
SORTED_BODY void offer_blocks(sorted_round *sr, double invZ, const double *x, const double *s,
                              double Q)
{
    const size_t m = sr->m;
    const double *U = sr->P, *C = sr->C, *u = sr->u, D = sr->D;
    double *Pab = sr->blk, *Pba = Pab + TILE * TILE, *LS = Pba + TILE * TILE, *LF = LS + TILE * TILE;
    double *PabT = LF + TILE * TILE, *PbaT = PabT + TILE * TILE, *LST = PbaT + TILE * TILE,
           *LFT = LST + TILE * TILE;
    for (size_t a0 = 0; a0 < m; a0 += TILE) {
        const size_t wa = m - a0 < TILE ? m - a0 : TILE;
        for (size_t b0 = a0; b0 < m; b0 += TILE) {
            const size_t wb = m - b0 < TILE ? m - b0 : TILE;
            const int diag = a0 == b0;
            const double *chunk = U + block_at(b0 / TILE) + a0 * TILE; /* U[a0 + ka][b0 + kb] */
            if (b0 + TILE < m && m >= PREFETCH_MIN_M)
                prefetch_piece(U + block_at(b0 / TILE + 1) + a0 * TILE, 0);
            if (wa == TILE && wb == TILE && !diag) {
                for (size_t ka = 0; ka < TILE; ka++) {
                    const size_t a = a0 + ka;
                    const double Ca = C[a], ua = u[a];
                    for (size_t kb = 0; kb < TILE; kb++) {
                        const size_t e = ka * TILE + kb;
                        const double nab = chunk[e], nba = nab - (C[b0 + kb] - Ca);
                        Pab[e] = (nab > 0 ? nab : 0) * invZ;
                        Pba[e] = (nba > 0 ? nba : 0) * invZ;
                        const double dd = fabs(ua - u[b0 + kb]) / D;
                        LS[e] = 0.5 - 0.5 * dd;
                        LF[e] = 0.5 + 0.5 * dd;
                    }
                }
            } else {
                for (size_t ka = 0; ka < TILE; ka++)
                    for (size_t kb = 0; kb < TILE; kb++) {
                        const size_t e = ka * TILE + kb;
                        if (ka < wa && kb < wb && (!diag || ka < kb)) {
                            const size_t a = a0 + ka, b = b0 + kb;
                            const double nab = chunk[e], nba = nab - (C[b] - C[a]);
                            Pab[e] = (nab > 0 ? nab : 0) * invZ;
                            Pba[e] = (nba > 0 ? nba : 0) * invZ;
                            const double dd = fabs(u[a] - u[b]) / D;
                            LS[e] = 0.5 - 0.5 * dd;
                            LF[e] = 0.5 + 0.5 * dd;
                        } else { /* outside the block's pairs: never offered */
                            Pab[e] = Pba[e] = 0.0;
                            LS[e] = LF[e] = 0.5;
                        }
                    }
            }
            en_log_array(LS, 2 * TILE * TILE);
            /* side A: the receivers at a against b; side B: those at b against a */
            side_powers(sr, sr->EA, LS, LF, a0, wa);
            offer_side(sr, sr->EA, Pab, Pba, a0, wa, b0, wb, diag ? 1 : 0, x, s, Q);
            transpose(PabT, Pab);
            transpose(PbaT, Pba);
            transpose(LST, LS);
            transpose(LFT, LF);
            side_powers(sr, sr->EB, LST, LFT, b0, wb);
            offer_side(sr, sr->EB, PbaT, PabT, b0, wb, a0, wa, diag ? 2 : 0, x, s, Q);
        }
    }
}

SORTED_BODY eum_status sorted_round_body(const eum_config *cfg, size_t n, const double *c,
                                     const double *s, const double *x, double *x_out,
                                     eum_move *moves, eum_trace *trace)
{
    const double D = cfg->range, Q = cfg->Q;
    sorted_round sr = {.n = n, .D = D};
    eum_scratch local = {0}, *scratch = cfg->scratch ? cfg->scratch : &local;
    /* the O(n + m) arrays in one block (m ≤ n): the keyed actors and the indices, then the
     * doubles; every part is a multiple of 8 bytes */
    const size_t n1 = n + 1;
    const size_t index_count = n + n + (n + 1) + TILE + n + n + 2 * n;
    const size_t double_count = n + (n1 + 3) + n + n + n + n + TILE * n1 + TILE * n + 2 * TILE * n +
                                7 * n + n + n + TILE + TILE + n + 2 * n +
                                /* offer_blocks: Usq, EA, EB, blk, side, conf_o, comp_o */
                                n + 4 * TILE * n + 8 * TILE * TILE + 5 * TILE + 2 * n + n;
    char *mem = grow(&scratch->small, &scratch->small_bytes,
                     n * sizeof(sorted_actor) + n * sizeof(scholz_choice) +
                         index_count * sizeof(size_t) + double_count * sizeof(double));
    sorted_actor *keyed = (sorted_actor *)(void *)mem;
    for (size_t k = 0; k < n; k++) keyed[k] = (sorted_actor){x[k], k};
    qsort(keyed, n, sizeof *keyed, by_position);
    sr.choice = (scholz_choice *)(void *)(mem + n * sizeof(sorted_actor));
    sr.rank_actor = (size_t *)(void *)(sr.choice + n);
    sr.index = sr.rank_actor + n;
    sr.start = sr.index + n;
    double *block = (double *)(void *)(sr.rank_actor + index_count);
    sr.u = block;
    sr.xs = block + n; /* n + 4: xs[n..n+3] = +∞ end every cut sweep (cut_next) */
    sr.ws = sr.xs + n + 4;
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
    sr.start[m] = n;
    sr.cut = sr.start + m + 1;
    sr.position = sr.cut + TILE;
    sr.list = sr.position + n;
    for (size_t t = 0; t < n; t++) sr.position[t] = sr.index[sr.rank_actor[t]];
    sr.m = m;
    /* the table only for the offer phase; the rest is O(n + m) */
    for (size_t t = n; t < n + 4; t++) sr.xs[t] = INFINITY;
    sr.S = danger + n;
    sr.L = sr.S + TILE * (n + 1);
    sr.col = sr.L + TILE * m;
    sr.row = sr.col + TILE * m;
    sr.scratch = sr.row + TILE * m;
    sr.C = sr.scratch + 7 * m;
    sr.count = sr.C + m;
    sr.part = sr.count + m;
    sr.below = sr.part + TILE;
    sr.terms = sr.below + TILE;
    sr.conf_e = sr.terms + m;
    sr.comp_e = sr.conf_e + n;
    sr.Usq = sr.comp_e + n;
    sr.EA = sr.Usq + n;
    sr.EB = sr.EA + 2 * TILE * n;
    sr.blk = sr.EB + 2 * TILE * n;
    sr.side = sr.blk + 8 * TILE * TILE;
    sr.conf_o = sr.side + 5 * TILE;
    sr.comp_o = sr.conf_o + n;
    sr.ss = sr.comp_o + n;
    for (size_t t = 0; t < n; t++) sr.ss[t] = s[sr.rank_actor[t]];
    sr.conf_j = sr.list + m;
    sr.comp_j = sr.conf_j + n;
    for (size_t q = 0; q < m; q++) sr.count[q] = (double)(sr.start[q + 1] - sr.start[q]);
    double *const eu_self = trace ? trace->eu_self : NULL;
    double *const eu_other = trace ? trace->eu_other : NULL;
    double *bs = sr.scratch, *bf = bs + m, *dd = bf + m; /* per receiver position */
    double *prow = dd + m, *pcol = prow + m, *logs = pcol + m; /* logs: [2m] */
    eum_status status = EUM_ROUND_OK;

    /* Risk phase, every r = 1 (risk_phase): no table, the votes from the prefix sums of the
     * weights and weighted positions; it finds the cuts the offer phase reads. */
    const size_t tiles = (m + TILE - 1) / TILE;
    sr.P = grow(&scratch->table, &scratch->table_bytes, block_at(tiles) * sizeof *sr.P);
    sr.cuts = grow(&scratch->cuts, &scratch->cuts_bytes, block_at(tiles) * sizeof *sr.cuts);
    /* the logs of the offer phase's δ kept where they are few (m ≤ DLOGS_MAX_M: at most 64 MiB,
     * written once and read once); beyond, the memory traffic costs more than the logs */
    sr.dlogs = cfg->array_powers && m <= DLOGS_MAX_M
                   ? grow(&scratch->logs, &scratch->logs_bytes, block_at(tiles) * sizeof *sr.dlogs)
                   : NULL;
    if (!risk_phase(&sr, s, danger)) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
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
    if (cfg->array_powers && !eu_self && !eu_other) {
        /* U_sq = 2 − 4·0.5^r, the power exp(r·log ½) as the receiver loop formed it (its base
         * at the receiver's own position, ½ − ½·0) */
        double half = 0.5;
        en_log_array(&half, 1);
        for (size_t t = 0; t < n; t++) sr.Usq[t] = half * sr.rs[t];
        en_exp_array(sr.Usq, n);
        for (size_t t = 0; t < n; t++) {
            sr.Usq[t] = eum_utility(sr.Usq[t]);
            choice_init(&sr.choice[t]);
        }
        offer_blocks(&sr, invZ, x, s, Q);
        for (size_t t = 0; t < n; t++) {
            const size_t i = sr.rank_actor[t];
            choice_apply(&sr.choice[t], i, x, x_out, &moves[i]);
        }
        goto done;
    }
    for (size_t a0 = 0; a0 < m; a0 += TILE) {
        const size_t tile = m - a0 < TILE ? m - a0 : TILE;
        gather_tile(&sr, a0, tile);
        for (size_t k = 0; k < tile; k++) {
            const size_t qi = a0 + k;
            receiver_rows(&sr, qi, sr.col + k * m, sr.row + k * m, invZ, prow, pcol);
            for (size_t q = 0; q < m; q++) dd[q] = fabs(sr.u[qi] - sr.u[q]) / D;
            if (cfg->array_powers) { /* the logs of the bases once per position */
                for (size_t q = 0; q < m; q++) {
                    logs[q] = 0.5 - 0.5 * dd[q];
                    logs[m + q] = 0.5 + 0.5 * dd[q];
                }
                en_log_array(logs, 2 * m);
            }
            for (size_t t = sr.start[qi]; t < sr.start[qi + 1]; t++) {
                const size_t i = sr.rank_actor[t];
                const double ri = r[i];
                if (!cfg->array_powers) {
                    for (size_t q = 0; q < m; q++) {
                        bs[q] = pow(0.5 - 0.5 * dd[q], ri);
                        bf[q] = q == qi ? bs[q] : pow(0.5 + 0.5 * dd[q], ri);
                    }
                } else { /* bs and bf are one array of 2m */
                    for (size_t q = 0; q < 2 * m; q++) bs[q] = logs[q] * ri;
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
                    /* the positions with e_ji > 0 listed without a branch (it would be
                     * mispredicted about as often as taken), then visited */
                    size_t found = 0;
                    for (size_t q = 0; q < m; q++) {
                        sr.list[found] = q;
                        found += e_other[q] > 0;
                    }
                    /* each offer sorted into confrontations and compromises (the tests of
                     * choice_offer) without a branch, then each kind offered: choice_offer's
                     * own tests then always go the same way */
                    size_t confrontations = 0, compromises = 0;
                    for (size_t f = 0; f < found; f++) {
                        const size_t q = sr.list[f];
                        const double e_ji = e_other[q];
                        for (size_t tj = sr.start[q]; tj < sr.start[q + 1]; tj++) {
                            const size_t j = sr.rank_actor[tj];
                            const double e_ij = scholz_eu_u(prow[q], Us[q], Uf[q], Usq, s[j], Q);
                            const int conf = (e_ji > e_ij) & (e_ij > 0);
                            const int comp = (e_ji > 0) & (0 > e_ij) & (e_ji > fabs(e_ij));
                            sr.conf_j[confrontations] = j;
                            sr.conf_e[confrontations] = e_ij;
                            confrontations += conf;
                            sr.comp_j[compromises] = j;
                            sr.comp_e[compromises] = e_ij;
                            compromises += comp;
                        }
                    }
                    for (size_t f = 0; f < confrontations; f++) {
                        const size_t j = sr.conf_j[f];
                        choice_offer(&ch, j, x[i], x[j], sr.conf_e[f], e_other[sr.index[j]]);
                    }
                    for (size_t f = 0; f < compromises; f++) {
                        const size_t j = sr.comp_j[f];
                        choice_offer(&ch, j, x[i], x[j], sr.comp_e[f], e_other[sr.index[j]]);
                    }
                    choice_apply(&ch, i, x, x_out, &moves[i]);
                    continue;
                }
                for (size_t j = 0; j < n; j++) {
                    const size_t qj = sr.index[j];
                    double e_ij, e_ji;
                    const int offers = scholz_offer_eus(qj == qi, j == i, bs[qj], bf[qj], Usq,
                                                        prow[qj], pcol[qj], s[i], s[j], Q,
                                                        &e_ij, &e_ji);
                    if (eu_self) eu_self[i * n + j] = e_ij;
                    if (eu_other) eu_other[i * n + j] = e_ji;
                    if (offers) choice_offer(&ch, j, x[i], x[j], e_ij, e_ji);
                }
                choice_apply(&ch, i, x, x_out, &moves[i]);
            }
        }
    }
done:
    if (scratch == &local) {
        en_free(local.table);
        en_free(local.cuts);
        en_free(local.logs);
        en_free(local.small);
    }
    return status;
}

static eum_status sorted_round_generic(const eum_config *cfg, size_t n, const double *c,
                                       const double *s, const double *x, double *x_out,
                                       eum_move *moves, eum_trace *trace)
{
    return sorted_round_body(cfg, n, c, s, x, x_out, moves, trace);
}

#ifdef SORTED_AVX2
__attribute__((target("avx2"))) static eum_status
sorted_round_avx2(const eum_config *cfg, size_t n, const double *c, const double *s,
                  const double *x, double *x_out, eum_move *moves, eum_trace *trace)
{
    return sorted_round_body(cfg, n, c, s, x, x_out, moves, trace);
}
#else
#define sorted_round_avx2 NULL
#endif

eum_status eum_scholz_round_sorted(const eum_config *cfg, size_t n, const double *c,
                                   const double *s, const double *x, double *x_out,
                                   eum_move *moves, eum_trace *trace)
{
    static _Atomic(eum_round_fn) chosen;
    eum_round_fn round = eum_round_for_cpu(&chosen, sorted_round_generic, sorted_round_avx2);
    return round(cfg, n, c, s, x, x_out, moves, trace);
}
