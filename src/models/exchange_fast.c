/*
 * exchange_fast.c — the exchange model's fast path (exchange_fast.h): equal-gain rounds with
 * the reference kernel's arithmetic, operation for operation, so the positions are the same
 * bits, but organised for the many small runs of a Monte Carlo. The § numbers cite
 * docs/models/exchange.md; exchange_kernel.c and exchange_round.c are the reference this file
 * must agree with (tests/models/test_exchange_fast.c checks it on random draws).
 *
 * What differs from the reference kernel, and why the result cannot:
 * - Candidate records are kept whole (sides with their fixed salience, power and target copied
 *   in), so a recomputation reads one record instead of unpacking a compact one and looking
 *   the constants up. The arithmetic is the same expressions in the same order.
 * - The executed candidate is not recomputed at execution: its record already holds the
 *   output of its last computation, whose inputs have not changed since (an execution that
 *   changes them recomputes it, §7.3), and a computation is a pure function of them.
 * - The selection (§7, ties §12.1) is a tournament tree over the live candidates in
 *   generation order: the root is the best gain; the leftmost leaf within the tie window is
 *   the first generated of the tied candidates. The same choice as the reference's sorted run
 *   and heap, which also pick the smallest generation index among gains ≥ best − tolerance.
 * - Recomputations after an execution are visited in another order; each depends only on
 *   its own candidate and the execution (§7.3), so the order does not matter for equal gain.
 * - No round records (exchanges, externalities, counts), and buffers are reused across rounds.
 */
#include "models/exchange_fast.h"
#include "models/exchange_arith.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define FX_AVX2 1
#endif

#include "core/util.h"

#define FX_GAIN_MIN EXA_GAIN_MIN /* §5 step 6 (exchange_arith.h) */
#define FX_DEAD (-HUGE_VAL) /* gain slot of an executed or invalid candidate (gains are ≥ 0) */
/* Up to this many candidates in a round, the selection is a scan of the contiguous gains (4
 * candidates a step with AVX2) and an execution finds the candidates it touches as a union of
 * bit sets (64 candidates a word); above it, a tournament tree and index lists, whose cost per
 * execution does not grow with the round's candidate count. Both ways choose and recompute the
 * same candidates. */
#define FX_FLAT_MAX 256
/* The key arrays and the gains are padded to a multiple of this many entries. */
#define FX_PAD 8
#define FX_NO_KEY UINT32_MAX /* padding key: matches no actor × issue (n·m < 2^31) */

typedef struct fx_side {
    double X;                   /* current position on the supply issue */
    double m, y;                /* last move (the uncommitted history entry), voting position */
    double h_sum;               /* sum of the committed history entries */
    double s_sup, s_dem, c_sup; /* salience on both issues, power on the supply issue */
    double D;                   /* own round-start position on the demand issue */
    double start;               /* round-start position on the supply issue */
    double cs_sup, W_sup;       /* c·s on the supply issue, and that issue's W (§2) */
    int actor, sup, dem;
    unsigned char h_any, h_pos, h_neg;
} fx_side;

/* An update map, and the sum that the overshoot check of its one user (the side supplying
 * the map's issue) starts from: S0 of the issue plus the terms of the entries of other actors,
 * in entry order, and whether the user has an entry. Kept as entries come and go: an appended
 * entry adds its term last, as the sum over the entries would; a changed entry of another
 * actor has the sum formed again from the start. */
typedef struct fx_umap {
    double prefix;
    unsigned offset, count, capacity;
    unsigned char in_u;
} fx_umap;

/* An entry of an update map on issue d: the actor's position and its term
 * c·s·(value − x0) of the what-if sum, formed once when the value is stored (the same
 * product the sum would form on every visit). */
typedef struct fx_entry {
    int actor;
    double value, term;
} fx_entry;

typedef struct fx_cand {
    fx_side side[2]; /* [0] = i (supplies q), [1] = j (supplies p) */
    double gain;
    /* The moves and gain of steps 1–5 at the last computation: they depend only on the sides'
     * positions, which an execution that merely extends the update maps leaves unchanged. */
    double pre_m[2], pre_gain;
    /* The moves and gain after the overshoot check of side 0 (§6) at the last computation: it
     * depends on those of steps 1–6 and on the update map of side 0's supply issue (U[1])
     * alone, so an execution that extends only U[0] leaves it as it is. */
    double ov0_m[2], ov0_gain;
    int ov0_cut; /* that check cut the moves back */
    int p, q;
    fx_umap U[2]; /* [0]: issue p, [1]: issue q */
} fx_cand;

struct fx_state {
    size_t n, m;
    unsigned char *present;
    /* issue × actor (issue-major, so a pair of issues reads two contiguous rows): 0 if the
     * actor is absent or has salience 0 on the issue (§1.4: no pair with it is generated),
     * else 1 + (the actor is LEFT of, i.e. at or below, the round's outcome) */
    unsigned char *code;
    double *x, *s, *c, *cs, *W, *S0, *cur, *next;
    fx_cand *cand;
    size_t cand_count, cand_capacity;
    /* Structure of arrays over the candidates, padded to FX_PAD: the gain of each (FX_DEAD once
     * executed or invalid), and the keys actor·m + issue of side 0's and side 1's supply issue
     * and of their demand issues (key + 0, 1, 2, 3 × soa_capacity). */
    double *gain;
    uint32_t *key;
    size_t soa_capacity;
    /* Small rounds: per actor × issue, the set of candidates with a side that supplies it
     * (sup_set) or demands it (dem_set), `words` 64-bit words each, and the set of live
     * candidates: an execution's candidates are the union of four sets with the live ones. */
    uint64_t *sup_set, *dem_set, *live_set;
    size_t words, set_capacity;
    int flat;        /* the round's candidate count is at most flat_max */
    size_t flat_max; /* FX_FLAT_MAX unless a test asks otherwise (fx_set_flat_max) */
    double *tree; /* tournament tree: leaves at [leaves + e] */
    size_t leaves, tree_capacity;
    /* CSR over actor × issue; after the build, *_fill is each list's end, which moves down as
     * dead entries are dropped */
    size_t *sup_start, *dem_start, *sup_fill, *dem_fill;
    unsigned *sup_list, *dem_list, *stamp, *scratch;
    size_t list_capacity, scratch_capacity; /* of the index lists, of scratch */
    unsigned visit;
    fx_entry *arena;
    size_t arena_count, arena_capacity;
    int *group;          /* 4 × n */
    size_t *realized;    /* executed candidates of the round, in order */
    size_t realized_count;
};

fx_state *fx_state_new(const ex_input *in)
{
    if (!in || in->actor_count == 0 || in->issue_count == 0) return NULL;
    if (in->actor_count > 65535 || in->issue_count > 32767) return NULL;
    fx_state *st = en_xcalloc(1, sizeof *st);
    size_t n = in->actor_count, m = in->issue_count, nm = n * m;
    st->n = n;
    st->m = m;
    st->flat_max = FX_FLAT_MAX;
    st->present = en_xmalloc(nm);
    memcpy(st->present, in->present, nm);
    st->code = en_xcalloc(nm, 1);
    st->x = en_xcalloc(nm, sizeof *st->x);
    st->s = en_xcalloc(nm, sizeof *st->s);
    st->c = en_xcalloc(nm, sizeof *st->c);
    st->cs = en_xcalloc(nm, sizeof *st->cs);
    st->cur = en_xcalloc(nm, sizeof *st->cur);
    st->next = en_xcalloc(nm, sizeof *st->next);
    for (size_t k = 0; k < nm; k++) {
        if (!st->present[k]) continue;
        st->x[k] = in->position[k];
        st->s[k] = in->salience[k];
        st->c[k] = in->power[k];
        st->cs[k] = st->c[k] * st->s[k];
    }
    st->W = en_xcalloc(m, sizeof *st->W);
    st->S0 = en_xcalloc(m, sizeof *st->S0);
    for (size_t d = 0; d < m; d++)
        for (size_t a = 0; a < n; a++)
            if (st->present[a * m + d]) st->W[d] += st->cs[a * m + d];
    st->sup_start = en_xcalloc(nm + 1, sizeof *st->sup_start);
    st->dem_start = en_xcalloc(nm + 1, sizeof *st->dem_start);
    st->sup_fill = en_xcalloc(nm, sizeof *st->sup_fill);
    st->dem_fill = en_xcalloc(nm, sizeof *st->dem_fill);
    st->group = en_xcalloc(4 * n, sizeof *st->group);
    return st;
}

void fx_state_free(fx_state *st)
{
    if (!st) return;
    en_free(st->present);
    en_free(st->code);
    en_free(st->x);
    en_free(st->s);
    en_free(st->c);
    en_free(st->cs);
    en_free(st->W);
    en_free(st->S0);
    en_free(st->cur);
    en_free(st->next);
    en_free(st->cand);
    en_free(st->gain);
    en_free(st->key);
    en_free(st->sup_set);
    en_free(st->dem_set);
    en_free(st->live_set);
    en_free(st->tree);
    en_free(st->sup_start);
    en_free(st->dem_start);
    en_free(st->sup_fill);
    en_free(st->dem_fill);
    en_free(st->sup_list);
    en_free(st->dem_list);
    en_free(st->stamp);
    en_free(st->scratch);
    en_free(st->arena);
    en_free(st->group);
    en_free(st->realized);
    en_free(st);
}

const double *fx_positions(const fx_state *st) { return st->x; }

/* §2 in actor order, as ex_outcome_of. */
static inline __attribute__((always_inline)) double outcome_of(const fx_state *st, const double *x, size_t d)
{
    if (st->W[d] == 0) return 0;
    double sum = 0;
    for (size_t a = 0; a < st->n; a++)
        if (st->present[a * st->m + d]) sum += st->cs[a * st->m + d] * x[a * st->m + d];
    return sum / st->W[d];
}

double fx_outcome(const fx_state *st, size_t issue) { return outcome_of(st, st->x, issue); }

/* ---- one candidate: §5, §6 (the reference's ex_compute, overshoot, whatif) ---- */

static inline __attribute__((always_inline)) fx_umap *umap_of(fx_cand *E, int issue) { return issue == E->p ? &E->U[0] : &E->U[1]; }

/* What-if outcome of issue d: round-start positions, U applied, `actor` at `value` (its own
 * U entry wins over it unless actor_wins). */
static double whatif(const fx_state *st, int d, const fx_umap *U, int actor, double value,
                     int actor_wins)
{
    if (st->W[d] == 0) return 0;
    size_t m = st->m;
    double sum = st->S0[d];
    int in_u = 0;
    /* An empty map may come before the arena is allocated. */
    const fx_entry *items = U->count ? st->arena + U->offset : NULL;
    for (unsigned k = 0; k < U->count; k++) {
        int a = items[k].actor;
        if (a == actor) {
            in_u = 1;
            if (actor_wins) continue;
        }
        sum += items[k].term;
    }
    if (actor_wins || !in_u) {
        size_t idx = (size_t)actor * m + (size_t)d;
        sum += st->cs[idx] * (value - st->x[idx]);
    }
    return sum / st->W[d];
}

/* The sum of the map's user `owner` (fx_umap) formed from the start. */
static inline __attribute__((always_inline)) void umap_prefix(const fx_state *st, fx_umap *U,
                                                              int d, int owner)
{
    double sum = st->S0[d];
    const fx_entry *items = U->count ? st->arena + U->offset : NULL;
    for (unsigned k = 0; k < U->count; k++)
        if (items[k].actor != owner) sum += items[k].term;
    U->prefix = sum;
}

static inline __attribute__((always_inline)) void umap_merge(fx_state *st, fx_umap *U, int d, int actor, double y, double s0, int owner)
{
    fx_entry *items = U->count ? st->arena + U->offset : NULL;
    size_t idx = (size_t)actor * st->m + (size_t)d;
    for (unsigned k = 0; k < U->count; k++) {
        if (items[k].actor != actor) continue;
        double cur = items[k].value;
        double value = s0 <= cur ? fmin(cur, y) : fmax(cur, y);
        items[k].value = value;
        items[k].term = st->cs[idx] * (value - st->x[idx]);
        if (actor != owner) umap_prefix(st, U, d, owner);
        return;
    }
    if (U->count == U->capacity) {
        unsigned capacity = U->capacity ? 2 * U->capacity : 2;
        if (st->arena_count + (size_t)capacity > st->arena_capacity) {
            st->arena_capacity = 2 * (st->arena_count + (size_t)capacity) + 256;
            st->arena = en_xrealloc(st->arena, st->arena_capacity * sizeof *st->arena);
        }
        if (U->count)
            memcpy(st->arena + st->arena_count, st->arena + U->offset,
                   (size_t)U->count * sizeof *st->arena);
        U->offset = (unsigned)st->arena_count;
        U->capacity = capacity;
        st->arena_count += (size_t)capacity;
        items = st->arena + U->offset;
    }
    items[U->count].actor = actor;
    items[U->count].value = y;
    items[U->count].term = st->cs[idx] * (y - st->x[idx]);
    U->count++;
    if (actor == owner) U->in_u = 1;
    else U->prefix += items[U->count - 1].term;
}

static inline __attribute__((always_inline)) void hist_commit(fx_side *S)
{
    S->h_sum += S->m;
    S->h_any = 1;
    if (!(S->m > 0)) S->h_pos = 0;
    if (!(S->m < 0)) S->h_neg = 0;
}

static inline __attribute__((always_inline)) int side_valid(const fx_side *S)
{
    return exa_side_valid(S->X, S->m, S->h_sum, S->h_any, S->h_pos, S->h_neg);
}

static inline __attribute__((always_inline)) void set_move(fx_side *S, double move)
{
    S->m = move;
    S->y = exa_voting(S->X, move);
}

/* §6 with side a as supplier; 0 when the knife edge (§12.2) stops the exchange, 2 when the
 * moves were cut back, 1 when they stand as they were. n0, n1 and
 * n0' are whatif() of the reference, formed from one pass over U: the same sums in the same
 * order (n0' is n0 unless the actor has an entry in U, whose value then wins). */
static inline __attribute__((always_inline)) int overshoot(const fx_state *st, double knife_eps, fx_cand *E, int a)
{
    fx_side *A = &E->side[a], *O = &E->side[1 - a];
    int da = A->sup;
    const fx_umap *Ua = &E->U[1 - a]; /* side 0 supplies q (U[1]), side 1 supplies p (U[0]) */
    double t = O->D;
    double Wa = A->W_sup;
    double n0, n1, n0p;
    int in_u = Ua->in_u;
    if (Wa == 0) {
        n0 = n1 = 0;
    } else {
        /* st->cs and st->x at (actor, supply issue), copied into the side; the sum over the
         * map without the actor's own entry, which the what-if outcome adds last */
        double prefix = Ua->prefix;
        n0 = (prefix + A->cs_sup * (A->X - A->start)) / Wa;
        n1 = (prefix + A->cs_sup * (A->y - A->start)) / Wa;
    }
    if (fabs(n0 - t) <= knife_eps && n1 != n0) return 0;
    if ((t >= n0 && t >= n1) || (t <= n0 && t <= n1)) return 1;
    n0p = in_u ? whatif(st, da, Ua, A->actor, A->X, 0) : n0;
    double mA, mO, rA, rO;
    E->gain = exa_cutback(Wa, O->W_sup, t, n0p, A->c_sup, A->s_sup, A->s_dem, O->c_sup, O->s_sup,
                          O->s_dem, A->X, O->X, A->D, &mA, &mO, &rA, &rO);
    set_move(A, mA);
    set_move(O, mO);
    return 2;
}

/* Step 7's first check (side 0 as supplier), its moves and gain kept for
 * compute_maps_changed; returns overshoot()'s verdict. */
static inline __attribute__((always_inline)) int overshoot0(const fx_state *st, double knife_eps,
                                                            fx_cand *E)
{
    int v0 = overshoot(st, knife_eps, E, 0);
    if (!v0) return 0;
    E->ov0_m[0] = E->side[0].m;
    E->ov0_m[1] = E->side[1].m;
    E->ov0_gain = E->gain;
    E->ov0_cut = v0 == 2;
    return v0;
}

/* Step 7's second check and the final step 6 (moves that no check cut back are the ones step 6
 * has already found valid, with the same positions and histories). */
static inline __attribute__((always_inline)) int overshoot1_valid(const fx_state *st,
                                                                  double knife_eps, fx_cand *E)
{
    int v1 = overshoot(st, knife_eps, E, 1);
    if (!v1) return 0;
    if (!E->ov0_cut && v1 == 1) return 1;
    return side_valid(&E->side[0]) && side_valid(&E->side[1]);
}

/* Step 7 after steps 1–6 found the moves mi, mj (already set) and the gain valid. */
static inline __attribute__((always_inline)) int compute_step7(const fx_state *st, double knife_eps,
                                                               fx_cand *E, double mi, double mj,
                                                               double gain)
{
    E->pre_m[0] = mi;
    E->pre_m[1] = mj;
    E->pre_gain = gain;
    if (!overshoot0(st, knife_eps, E)) return 0;
    return overshoot1_valid(st, knife_eps, E);
}

/* §5 steps 1–7 (equal gain). Returns the candidate's validity. */
static inline __attribute__((always_inline)) int compute(const fx_state *st, double knife_eps, fx_cand *E)
{
    fx_side *I = &E->side[0], *J = &E->side[1];
    /* Step 3 fixes each move's sign before any arithmetic (toward the partner's position; a
     * zero move is invalid anyway): a side whose committed history has the other sign fails
     * step 6 whatever the size of the move. */
    if (I->h_any && !(I->X > J->D ? I->h_neg : I->h_pos)) return 0;
    if (J->h_any && !(J->X > I->D ? J->h_neg : J->h_pos)) return 0;
    double mi, mj, dp, dq;
    double gain = exa_equal_gain(I->X, I->D, J->X, J->D, I->s_dem, I->s_sup, J->s_sup, J->s_dem,
                                 I->c_sup, J->c_sup, J->W_sup, I->W_sup, &mi, &mj, &dp, &dq);
    set_move(I, mi);
    set_move(J, mj);
    E->gain = gain;
    if (!(side_valid(I) && side_valid(J) && gain >= FX_GAIN_MIN)) return 0;
    return compute_step7(st, knife_eps, E, mi, mj, gain);
}

/* compute() for a live candidate whose positions and histories have not changed since its
 * last computation, only its update maps: steps 1–6 would give the same moves, gain and
 * verdict (valid: the candidate is live), so only step 7 runs again. */
static inline __attribute__((always_inline)) int compute_maps_changed(const fx_state *st, double knife_eps, fx_cand *E, int q_map_changed)
{
    fx_side *I = &E->side[0], *J = &E->side[1];
    if (q_map_changed) {
        set_move(I, E->pre_m[0]);
        set_move(J, E->pre_m[1]);
        E->gain = E->pre_gain;
        if (!overshoot0(st, knife_eps, E)) return 0;
    } else {
        /* the overshoot check of side 0 would give what it gave last time (X unchanged, so
         * set_move gives the same voting positions too) */
        set_move(I, E->ov0_m[0]);
        set_move(J, E->ov0_m[1]);
        E->gain = E->ov0_gain;
    }
    return overshoot1_valid(st, knife_eps, E);
}

/* ---- generation (§4) ---- */

static inline __attribute__((always_inline)) void init_side(const fx_state *st, fx_side *S, int actor, int sup, int dem)
{
    size_t m = st->m, ks = (size_t)actor * m + (size_t)sup, kd = (size_t)actor * m + (size_t)dem;
    S->actor = actor;
    S->sup = sup;
    S->dem = dem;
    S->X = st->x[ks];
    S->m = S->y = S->h_sum = 0;
    S->start = st->x[ks];
    S->D = st->x[kd];
    S->s_sup = st->s[ks];
    S->s_dem = st->s[kd];
    S->c_sup = st->c[ks];
    S->cs_sup = st->cs[ks];
    S->W_sup = st->W[sup];
    S->h_any = 0;
    S->h_pos = S->h_neg = 1;
}

static inline __attribute__((always_inline)) void add_candidate(fx_state *st, double knife_eps, int u, int v, int p, int q)
{
    size_t m = st->m;
    size_t up = (size_t)u * m + (size_t)p, uq = (size_t)u * m + (size_t)q;
    size_t vp = (size_t)v * m + (size_t)p, vq = (size_t)v * m + (size_t)q;
    /* §1.4: pairs the reference would divide by zero on are skipped: generate() groups only
     * actors with st->s > 0 on both issues (round_body's codes), so all four saliences are. */
    int i = u, j = v;
    if (st->s[up] / st->s[uq] < st->s[vp] / st->s[vq]) {
        i = v;
        j = u;
    }
    size_t ip = (size_t)i * m + (size_t)p, iq = (size_t)i * m + (size_t)q;
    size_t jp = (size_t)j * m + (size_t)p, jq = (size_t)j * m + (size_t)q;
    if (!(st->c[iq] > 0 && st->c[jp] > 0)) return;
    /* Steps 1–6 from the round-start values, before a record is written: most pairs fail
     * here. The same expressions compute() would evaluate on the record init_side fills (no
     * history yet, so the history sum is 0 and no sign is ruled out). */
    double mi, mj, dp, dq;
    double gain = exa_equal_gain(st->x[iq], st->x[ip], st->x[jp], st->x[jq], st->s[ip], st->s[iq],
                                 st->s[jp], st->s[jq], st->c[iq], st->c[jp], st->W[p], st->W[q],
                                 &mi, &mj, &dp, &dq);
    if (!(exa_side_valid(st->x[iq], mi, 0, 0, 1, 1) && exa_side_valid(st->x[jp], mj, 0, 0, 1, 1) &&
          gain >= FX_GAIN_MIN))
        return;
    if (st->cand_count == st->cand_capacity) {
        st->cand_capacity = st->cand_capacity ? 2 * st->cand_capacity : 256;
        st->cand = en_xrealloc(st->cand, st->cand_capacity * sizeof *st->cand);
    }
    fx_cand *E = &st->cand[st->cand_count];
    E->p = p;
    E->q = q;
    E->gain = 0;
    memset(E->U, 0, sizeof E->U);
    E->U[0].prefix = st->S0[p];
    E->U[1].prefix = st->S0[q];
    init_side(st, &E->side[0], i, q, p);
    init_side(st, &E->side[1], j, p, q);
    set_move(&E->side[0], mi);
    set_move(&E->side[1], mj);
    E->gain = gain;
    /* Only valid candidates are kept; generation order is their order in the array. */
    if (compute_step7(st, knife_eps, E, mi, mj, gain)) st->cand_count++;
}

static inline __attribute__((always_inline)) void generate(fx_state *st, double knife_eps)
{
    size_t n = st->n, m = st->m;
    int *group[4];
    size_t count[4];
    for (int g = 0; g < 4; g++) group[g] = st->group + (size_t)g * n;
    st->cand_count = 0;
    for (size_t p = 0; p < m; p++) {
        for (size_t q = p + 1; q < m; q++) {
            memset(count, 0, sizeof count);
            const unsigned char *cp = st->code + p * n, *cq = st->code + q * n;
            for (size_t a = 0; a < n; a++) {
                /* §1.4: every pair with an absent actor or a zero salience would be skipped
                 * (add_candidate's first test); leaving it out of the groups skips them
                 * without visiting them, and the candidates kept come in the same order. */
                if (!(cp[a] && cq[a])) continue;
                /* group 0: right on both; 1: left on p, right on q; 2: right on p, left on
                 * q; 3: left on both */
                unsigned g = (unsigned)(cp[a] - 1) + 2u * (unsigned)(cq[a] - 1);
                group[g][count[g]++] = (int)a;
            }
            for (size_t x = 0; x < count[0]; x++)
                for (size_t y = 0; y < count[3]; y++)
                    add_candidate(st, knife_eps, group[0][x], group[3][y], (int)p, (int)q);
            for (size_t x = 0; x < count[1]; x++)
                for (size_t y = 0; y < count[2]; y++)
                    add_candidate(st, knife_eps, group[1][x], group[2][y], (int)p, (int)q);
        }
    }
}

/* ---- the index by (actor, supply issue) and (actor, demand issue) ---- */

static inline __attribute__((always_inline)) void build_index(fx_state *st)
{
    size_t nm = st->n * st->m, count = st->cand_count, m = st->m;
    memset(st->sup_start, 0, (nm + 1) * sizeof *st->sup_start);
    memset(st->dem_start, 0, (nm + 1) * sizeof *st->dem_start);
    for (size_t e = 0; e < count; e++) {
        const fx_cand *E = &st->cand[e];
        for (int s = 0; s < 2; s++) {
            const fx_side *S = &E->side[s];
            st->sup_start[(size_t)S->actor * m + (size_t)S->sup + 1]++;
            st->dem_start[(size_t)S->actor * m + (size_t)S->dem + 1]++;
        }
    }
    for (size_t k = 0; k < nm; k++) {
        st->sup_start[k + 1] += st->sup_start[k];
        st->dem_start[k + 1] += st->dem_start[k];
    }
    if (2 * count + 1 > st->list_capacity) {
        st->list_capacity = 2 * (2 * count + 1);
        st->sup_list = en_xrealloc(st->sup_list, st->list_capacity * sizeof *st->sup_list);
        st->dem_list = en_xrealloc(st->dem_list, st->list_capacity * sizeof *st->dem_list);
    }
    if (2 * count + 1 > st->scratch_capacity) {
        st->scratch_capacity = 2 * (2 * count + 1);
        st->scratch = en_xrealloc(st->scratch, st->scratch_capacity * sizeof *st->scratch);
    }
    memcpy(st->sup_fill, st->sup_start, nm * sizeof *st->sup_fill);
    memcpy(st->dem_fill, st->dem_start, nm * sizeof *st->dem_fill);
    for (size_t e = 0; e < count; e++) {
        const fx_cand *E = &st->cand[e];
        for (int s = 0; s < 2; s++) {
            const fx_side *S = &E->side[s];
            st->sup_list[st->sup_fill[(size_t)S->actor * m + (size_t)S->sup]++] = (unsigned)e;
            st->dem_list[st->dem_fill[(size_t)S->actor * m + (size_t)S->dem]++] = (unsigned)e;
        }
    }
    /* stamp: one per candidate, zeroed with the visit counter */
    st->stamp = en_xrealloc(st->stamp, (count + 1) * sizeof *st->stamp);
    memset(st->stamp, 0, (count + 1) * sizeof *st->stamp);
    st->visit = 0;
}

/* ---- the candidates' gains and keys in contiguous arrays ---- */

/* Fills the gains and keys of the round's candidates (generation order) and pads them. */
static inline __attribute__((always_inline)) void soa_build(fx_state *st)
{
    size_t count = st->cand_count, m = st->m;
    size_t padded = (count + FX_PAD - 1) / FX_PAD * FX_PAD + FX_PAD;
    if (padded > st->soa_capacity) {
        st->soa_capacity = 2 * padded;
        en_free(st->gain);
        en_free(st->key);
        st->gain = en_xmalloc(st->soa_capacity * sizeof *st->gain);
        st->key = en_xmalloc(4 * st->soa_capacity * sizeof *st->key);
    }
    size_t cap = st->soa_capacity;
    uint32_t *sup0 = st->key, *sup1 = st->key + cap, *dem0 = st->key + 2 * cap, *dem1 = st->key + 3 * cap;
    for (size_t e = 0; e < count; e++) {
        const fx_cand *E = &st->cand[e];
        st->gain[e] = E->gain;
        sup0[e] = (uint32_t)((size_t)E->side[0].actor * m + (size_t)E->side[0].sup);
        sup1[e] = (uint32_t)((size_t)E->side[1].actor * m + (size_t)E->side[1].sup);
        dem0[e] = (uint32_t)((size_t)E->side[0].actor * m + (size_t)E->side[0].dem);
        dem1[e] = (uint32_t)((size_t)E->side[1].actor * m + (size_t)E->side[1].dem);
    }
    for (size_t e = count; e < padded; e++) {
        st->gain[e] = FX_DEAD;
        sup0[e] = sup1[e] = dem0[e] = dem1[e] = FX_NO_KEY;
    }
    st->flat = count <= st->flat_max;
    if (!st->flat) return;
    if (count + 1 > st->scratch_capacity) {
        /* the execution's candidates; the index lists are not built */
        st->scratch_capacity = 2 * (count + 1);
        st->scratch = en_xrealloc(st->scratch, st->scratch_capacity * sizeof *st->scratch);
    }
    size_t words = (count + 63) / 64, nm = st->n * m;
    if (words == 0) words = 1;
    if (nm * words > st->set_capacity) {
        st->set_capacity = nm * words;
        en_free(st->sup_set);
        en_free(st->dem_set);
        st->sup_set = en_xmalloc(st->set_capacity * sizeof *st->sup_set);
        st->dem_set = en_xmalloc(st->set_capacity * sizeof *st->dem_set);
        en_free(st->live_set);
        st->live_set = en_xmalloc((st->set_capacity / nm + 1) * sizeof *st->live_set);
    }
    st->words = words;
    memset(st->sup_set, 0, nm * words * sizeof *st->sup_set);
    memset(st->dem_set, 0, nm * words * sizeof *st->dem_set);
    memset(st->live_set, 0, words * sizeof *st->live_set);
    for (size_t e = 0; e < count; e++) {
        size_t w = e / 64;
        uint64_t bit = (uint64_t)1 << (e % 64);
        st->sup_set[sup0[e] * words + w] |= bit;
        st->sup_set[sup1[e] * words + w] |= bit;
        st->dem_set[dem0[e] * words + w] |= bit;
        st->dem_set[dem1[e] * words + w] |= bit;
        st->live_set[w] |= bit;
    }
}

/* ---- selection (§7, §12.1): the first generated among the live candidates with gain ≥
 * best − tol; -1 if none ---- */

/* The scalar scan of the gains (small rounds without AVX2). The maximum is exact, so every way
 * of forming it gives the same threshold. */
static long select_flat_generic(const double *gain, size_t count, double tol)
{
    double best = FX_DEAD;
    for (size_t e = 0; e < count; e++)
        if (gain[e] > best) best = gain[e];
    if (best == FX_DEAD) return -1;
    double threshold = best - tol;
    for (size_t e = 0; e < count; e++)
        if (gain[e] >= threshold) return (long)e;
    return -1;
}

#ifdef FX_AVX2
/* The same scans, four gains a step (the gains are padded to FX_PAD with dead ones).
 * _mm256_max_pd and the comparison are exact, and no gain is NaN, so the answer is the scalar
 * scan's answer. */
__attribute__((target("avx2"))) static long select_flat_avx2(const double *gain, size_t count,
                                                              double tol)
{
    __m256d best4 = _mm256_set1_pd(FX_DEAD);
    for (size_t e = 0; e < count; e += 4) best4 = _mm256_max_pd(best4, _mm256_loadu_pd(gain + e));
    __m128d best2 = _mm_max_pd(_mm256_castpd256_pd128(best4), _mm256_extractf128_pd(best4, 1));
    double best = _mm_cvtsd_f64(_mm_max_sd(best2, _mm_unpackhi_pd(best2, best2)));
    if (best == FX_DEAD) return -1;
    __m256d threshold = _mm256_set1_pd(best - tol);
    for (size_t e = 0; e < count; e += 4) {
        int mask = _mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(gain + e), threshold, _CMP_GE_OQ));
        if (mask) return (long)(e + (size_t)__builtin_ctz((unsigned)mask));
    }
    return -1;
}

#endif

/* The tournament tree of the gains (rounds above FX_FLAT_MAX candidates): the root is the
 * best gain; the leftmost leaf within the tie window is the first generated of the tied
 * candidates. */
static inline __attribute__((always_inline)) void tree_build(fx_state *st)
{
    size_t leaves = 1;
    while (leaves < st->cand_count) leaves *= 2;
    st->leaves = leaves;
    if (2 * leaves > st->tree_capacity) {
        st->tree_capacity = 2 * leaves;
        st->tree = en_xrealloc(st->tree, st->tree_capacity * sizeof *st->tree);
    }
    double *t = st->tree;
    for (size_t e = 0; e < leaves; e++) t[leaves + e] = e < st->cand_count ? st->cand[e].gain : FX_DEAD;
    for (size_t k = leaves - 1; k >= 1; k--) t[k] = t[2 * k] > t[2 * k + 1] ? t[2 * k] : t[2 * k + 1];
}

/* A candidate's gain changed (FX_DEAD: executed or invalid). */
static inline __attribute__((always_inline)) void gain_set(fx_state *st, size_t e, double value)
{
    st->gain[e] = value;
    if (st->flat) {
        if (value == FX_DEAD) st->live_set[e / 64] &= ~((uint64_t)1 << (e % 64));
        return;
    }
    double *t = st->tree;
    size_t k = st->leaves + e;
    t[k] = value;
    for (k /= 2; k >= 1; k /= 2) {
        double best = t[2 * k] > t[2 * k + 1] ? t[2 * k] : t[2 * k + 1];
        if (t[k] == best) break; /* unchanged above */
        t[k] = best;
    }
}

static inline __attribute__((always_inline)) long select_best(const fx_state *st, double tol,
                                                              int avx2)
{
    if (st->cand_count == 0) return -1;
    if (st->flat) {
#ifdef FX_AVX2
        if (avx2) return select_flat_avx2(st->gain, st->cand_count, tol);
#endif
        (void)avx2;
        return select_flat_generic(st->gain, st->cand_count, tol);
    }
    const double *t = st->tree;
    if (t[1] == FX_DEAD) return -1;
    double threshold = t[1] - tol;
    size_t k = 1;
    while (k < st->leaves) k = t[2 * k] >= threshold ? 2 * k : 2 * k + 1;
    return (long)(k - st->leaves);
}

/* ---- executing a candidate (§7.3) ---- */

/* Appends the live candidates of one index list not yet collected for this execution, and
 * drops the dead ones from the list (its end moves down; the order is kept). */
static inline __attribute__((always_inline)) size_t collect(fx_state *st, const size_t *start, size_t *end, unsigned *list, size_t key,
                      size_t at)
{
    size_t keep = start[key];
    for (size_t e = start[key]; e < end[key]; e++) {
        unsigned k = list[e];
        if (st->gain[k] == FX_DEAD) continue;
        list[keep++] = k;
        if (st->stamp[k] == st->visit) continue;
        st->stamp[k] = st->visit;
        st->scratch[at++] = k;
    }
    end[key] = keep;
    return at;
}

static inline __attribute__((always_inline)) void execute(fx_state *st, const ex_options *o,
                                                          size_t chosen)
{
    size_t m = st->m, cap = st->soa_capacity;
    const fx_cand *X = &st->cand[chosen];
    const fx_side *XI = &X->side[0], *XJ = &X->side[1];
    int alpha = XI->actor, beta = XJ->actor, qx = XI->sup, px = XI->dem;
    double y_alpha = XI->y, y_beta = XJ->y, start_alpha = XI->start, start_beta = XJ->start;
    size_t k_sa = (size_t)alpha * m + (size_t)qx, k_sb = (size_t)beta * m + (size_t)px;
    size_t k_db = (size_t)beta * m + (size_t)qx, k_da = (size_t)alpha * m + (size_t)px;
    st->cur[k_sa] = y_alpha;
    st->cur[k_sb] = y_beta;
    size_t count = 0;
    if (st->flat) {
        /* the live candidates with a side supplying k_sa or k_sb or demanding k_db or k_da,
         * in generation order */
        size_t words = st->words;
        const uint64_t *a = st->sup_set + k_sa * words, *b = st->sup_set + k_sb * words;
        const uint64_t *c = st->dem_set + k_db * words, *d = st->dem_set + k_da * words;
        for (size_t w = 0; w < words; w++) {
            uint64_t bits = (a[w] | b[w] | c[w] | d[w]) & st->live_set[w];
            while (bits) {
                st->scratch[count++] = (unsigned)(w * 64 + (size_t)__builtin_ctzll(bits));
                bits &= bits - 1;
            }
        }
    } else {
        st->visit++;
        count = collect(st, st->sup_start, st->sup_fill, st->sup_list, k_sa, count);
        count = collect(st, st->sup_start, st->sup_fill, st->sup_list, k_sb, count);
        count = collect(st, st->dem_start, st->dem_fill, st->dem_list, k_db, count);
        count = collect(st, st->dem_start, st->dem_fill, st->dem_list, k_da, count);
    }
    const uint32_t *sup0 = st->key, *dem0 = st->key + 2 * cap;
    const uint32_t *sup1 = st->key + cap, *dem1 = st->key + 3 * cap;
    for (size_t e = 0; e < count; e++) {
        unsigned k = st->scratch[e];
        fx_cand *E = &st->cand[k];
        /* Supply match: the side moves to its new position and keeps its history (the new
         * move is appended); the other side's last entry is replaced by the recomputation.
         * Other sides' positions are unchanged. */
        int matched = 0;
        if (sup0[k] == k_sa || sup0[k] == k_sb) {
            fx_side *S = &E->side[0];
            S->X = st->cur[sup0[k]];
            hist_commit(S);
            matched = 1;
        }
        if (sup1[k] == k_sa || sup1[k] == k_sb) {
            fx_side *S = &E->side[1];
            S->X = st->cur[sup1[k]];
            hist_commit(S);
            matched = 1;
        }
        /* Demand match: the partner's supply issue gains an update-map entry (the sides are
         * different actors, so at most one side demands each key). */
        int q_map_changed = 0; /* U[1], the map of side 0's supply issue q */
        if (dem0[k] == k_db || dem1[k] == k_db) {
            /* the map of qx; its user is the side supplying qx */
            umap_merge(st, umap_of(E, qx), qx, alpha, y_alpha, start_alpha,
                       E->side[qx == E->q ? 0 : 1].actor);
            q_map_changed |= qx != E->p;
        }
        if (dem0[k] == k_da || dem1[k] == k_da) {
            umap_merge(st, umap_of(E, px), px, beta, y_beta, start_beta,
                       E->side[px == E->q ? 0 : 1].actor);
            q_map_changed |= px != E->p;
        }
        /* Every collected candidate matched one of the four keys: it is recomputed. */
        int valid = matched ? compute(st, o->knife_eps, E)
                            : compute_maps_changed(st, o->knife_eps, E, q_map_changed);
        gain_set(st, k, valid ? E->gain : FX_DEAD);
    }
}

/* One round; `avx2` (a constant after inlining) picks the AVX2 form of the gain scan. */
static inline __attribute__((always_inline)) void round_body(fx_state *st, const ex_options *o,
                                                             int avx2)
{
    size_t n = st->n, m = st->m, nm = n * m;
    for (size_t d = 0; d < m; d++) {
        /* outcome_of's sum, formed once: S0 and the outcome */
        double sum = 0;
        for (size_t a = 0; a < n; a++)
            if (st->present[a * m + d]) sum += st->cs[a * m + d] * st->x[a * m + d];
        st->S0[d] = sum;
        double O = st->W[d] == 0 ? 0 : sum / st->W[d];
        for (size_t a = 0; a < n; a++) {
            size_t k = a * m + d;
            int usable = st->present[k] && st->s[k] > 0;
            st->code[d * n + a] = (unsigned char)(usable ? 1 + (st->x[k] <= O) : 0);
        }
    }
    memcpy(st->cur, st->x, nm * sizeof *st->cur);
    st->arena_count = 0;
    generate(st, o->knife_eps);
    soa_build(st);
    if (!st->flat) {
        build_index(st);
        tree_build(st);
    }
    st->realized = en_xrealloc(st->realized, (st->cand_count + 1) * sizeof *st->realized);
    st->realized_count = 0;
    for (;;) {
        long k = select_best(st, o->tie_tol, avx2);
        if (k < 0) break;
        gain_set(st, (size_t)k, FX_DEAD);
        st->realized[st->realized_count++] = (size_t)k;
        execute(st, o, (size_t)k);
    }
    /* §8: voting positions become new positions, in execution order. */
    memcpy(st->next, st->x, nm * sizeof *st->next);
    for (size_t r = 0; r < st->realized_count; r++) {
        const fx_cand *X = &st->cand[st->realized[r]];
        for (int s = 0; s < 2; s++) {
            const fx_side *S = &X->side[s];
            size_t idx = (size_t)S->actor * m + (size_t)S->sup;
            double sal = st->s[idx], y = S->y, x0 = S->start;
            double keep = (1 - sal) * o->salience_weight;
            st->next[idx] = keep * y + o->fixed_weight * y + (1 - keep - o->fixed_weight) * x0;
        }
    }
    memcpy(st->x, st->next, nm * sizeof *st->x);
}

/* The round compiled for the baseline CPU and for AVX2 (the same body; with
 * -ffp-contract=off and no FMA target the arithmetic is the same operations either way, and
 * the AVX2 scans give the scalar scans' answers), chosen once by what the CPU supports, as the
 * scholz rounds do (models/eum_cpu.h). */
static void round_generic(fx_state *st, const ex_options *o) { round_body(st, o, 0); }

#ifdef FX_AVX2
__attribute__((target("avx2"))) static void round_avx2(fx_state *st, const ex_options *o)
{
    round_body(st, o, 1);
}
#endif

typedef void (*fx_round_fn)(fx_state *, const ex_options *);

int fx_avx2_available(void)
{
#ifdef FX_AVX2
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
#else
    return 0;
#endif
}

void fx_round_as(fx_state *st, const ex_options *o, int avx2)
{
#ifdef FX_AVX2
    if (avx2) {
        round_avx2(st, o);
        return;
    }
#endif
    round_generic(st, o);
}

void fx_set_flat_max(fx_state *st, size_t flat_max) { st->flat_max = flat_max; }

size_t fx_candidate_count(const fx_state *st) { return st->cand_count; }

void fx_round(fx_state *st, const ex_options *o)
{
    static _Atomic(fx_round_fn) chosen;
    fx_round_fn fn = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (!fn) {
        fn = round_generic;
#ifdef FX_AVX2
        if (fx_avx2_available()) fn = round_avx2;
#endif
        atomic_store_explicit(&chosen, fn, memory_order_relaxed);
    }
    fn(st, o);
}
