/*
 * exchange_kernel.c — Stokman's exchange model exactly as Decide computes it
 * (foarsitter/decide-exchange-model @ 51dee66; the rules are stated in docs/models/exchange.md,
 * whose sections the § numbers below cite), in IEEE doubles, with the deterministic tie and
 * knife-edge rules of §12, plus the randomized variant (REX, §11): the state, what-if
 * outcomes, the computation of one candidate (§5, §6, §11), the compact candidate record and
 * the selection of the best candidate. The round that drives them is in exchange_round.c.
 *
 * Speed (§14): the reference visits every remaining candidate after each execution and
 * rebuilds an outcome over all actors for each what-if. Here candidates are indexed by
 * (actor, supply issue) and (actor, demand issue), so an execution touches only the
 * candidates it affects; Σ c·s·x per issue is kept, so a what-if outcome costs O(|U| + 1);
 * a candidate's record is one cache line (ex_hot); and the best candidate comes from a
 * lazily sorted run of the round's candidates plus a small heap (docs/performance.md).
 */
#include "models/exchange_internal.h"
#include "models/exchange_arith.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void ex_options_default(ex_options *o)
{
    memset(o, 0, sizeof *o);
    o->p = 0;
    o->tie_tol = 1e-12;
    o->knife_eps = 1e-9;
    o->salience_weight = 0.4;
    o->fixed_weight = 0.1;
    o->rng = NULL;
    o->threads = 0;
}

void ex_round_record_free(ex_round_record *r)
{
    if (!r) return;
    en_free(r->outcome);
    en_free(r->voting_outcome);
    en_free(r->voting_position);
    en_free(r->exchanges);
    en_free(r->actor_ext);
    memset(r, 0, sizeof *r);
}

ex_state *ex_state_new(const ex_input *in)
{
    if (!in || in->actor_count == 0 || in->issue_count == 0) return NULL;
    /* Update maps count actors in 16 bits, records hold issues in 16 (ex_hot); at these sizes
     * the candidate count (n²·I²/16) would not fit in memory anyway. */
    if (in->actor_count > 65535 || in->issue_count > 32767) return NULL;
    ex_state *st = en_xcalloc(1, sizeof *st);
    size_t n = in->actor_count, m = in->issue_count, nm = n * m;
    st->n = n;
    st->m = m;
    st->present = en_xmalloc(nm);
    memcpy(st->present, in->present, nm);
    st->x = en_xcalloc(nm, sizeof *st->x);
    st->s = en_xcalloc(nm, sizeof *st->s);
    st->c = en_xcalloc(nm, sizeof *st->c);
    st->cs = en_xcalloc(nm, sizeof *st->cs);
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
    st->right = en_xcalloc(nm, 1);
    st->cur = en_xcalloc(nm, sizeof *st->cur);
    st->sup_start = en_xcalloc(nm + 1, sizeof *st->sup_start);
    st->dem_start = en_xcalloc(nm + 1, sizeof *st->dem_start);
    st->sup_end = en_xcalloc(nm, sizeof *st->sup_end);
    st->dem_end = en_xcalloc(nm, sizeof *st->dem_end);
    return st;
}

void ex_free_candidates(ex_state *st)
{
    st->cand_count = 0;
    st->arena_count = 0;
}

void ex_state_free(ex_state *st)
{
    if (!st) return;
    ex_free_candidates(st);
    en_free(st->hot);
    en_free(st->cold);
    en_free(st->present);
    en_free(st->x);
    en_free(st->s);
    en_free(st->c);
    en_free(st->cs);
    en_free(st->W);
    en_free(st->S0);
    en_free(st->right);
    en_free(st->cur);
    en_free(st->heap);
    en_free(st->run);
    en_free(st->hpos);
    en_free(st->sup_start);
    en_free(st->dem_start);
    en_free(st->sup_end);
    en_free(st->dem_end);
    en_free(st->alive);
    en_free(st->stamp);
    en_free(st->live);
    en_free(st->live_keys);
    en_free(st->live_gain);
    en_free(st->arena);
    en_free(st->sup_list);
    en_free(st->dem_list);
    en_free(st->scratch);
    en_free(st->realized);
    en_free(st);
}

const double *ex_positions(const ex_state *st) { return st->x; }

/* Σ c·s·x / Σ c·s in actor order over the given positions (exchange.md §2). */
double ex_outcome_of(const ex_state *st, const double *x, size_t d)
{
    if (st->W[d] == 0) return 0;
    double sum = 0;
    for (size_t a = 0; a < st->n; a++)
        if (st->present[a * st->m + d]) sum += st->cs[a * st->m + d] * x[a * st->m + d];
    return sum / st->W[d];
}

double ex_outcome(const ex_state *st, size_t issue) { return ex_outcome_of(st, st->x, issue); }

/* ---- what-if outcomes (exchange.md §2, §6) ---- */

/* The outcome of issue d with round-start positions, U applied and `actor` at `value`. When
 * `actor_wins`, the actor's value overrides an entry of its own in U (n0, n1); otherwise U's
 * entry wins (n0' of the cut-back). Incremental over S0 = Σ c·s·x0. */
static double whatif(const ex_state *st, int d, const ex_umap *U, int actor, double value,
                     int actor_wins)
{
    if (st->W[d] == 0) return 0;
    size_t m = st->m;
    double sum = st->S0[d];
    int in_u = 0;
    /* An empty map may sit at offset 0 of a not yet allocated arena. */
    const ex_uentry *items = U->count ? st->arena + U->offset : NULL;
    for (unsigned k = 0; k < U->count; k++) {
        int a = items[k].actor;
        if (a == actor) {
            in_u = 1;
            if (actor_wins) continue;
        }
        size_t idx = (size_t)a * m + (size_t)d;
        sum += st->cs[idx] * (items[k].value - st->x[idx]);
    }
    if (actor_wins || !in_u) {
        size_t idx = (size_t)actor * m + (size_t)d;
        sum += st->cs[idx] * (value - st->x[idx]);
    }
    return sum / st->W[d];
}


/* merge() of exchange.md §7.3: keep, per actor, the extreme position on the far side of its start. */
void ex_umap_merge(ex_state *st, ex_umap *U, int actor, double y, double s0)
{
    ex_uentry *items = U->count ? st->arena + U->offset : NULL;
    for (unsigned k = 0; k < U->count; k++) {
        if (items[k].actor != actor) continue;
        double cur = items[k].value;
        items[k].value = s0 <= cur ? fmin(cur, y) : fmax(cur, y);
        return;
    }
    if (U->count == U->capacity) {
        /* Move to a bigger block at the arena's end (the old block is abandoned until the
         * round ends). */
        unsigned capacity = U->capacity ? 2 * U->capacity : 2;
        if (st->arena_count + (size_t)capacity > st->arena_capacity) {
            st->arena_capacity = 2 * (st->arena_count + (size_t)capacity) + 1024;
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
    U->count++;
}

/* ---- candidate computation (exchange.md §5, §6, §11) ---- */

/* Keeps the last history entry and opens a new one (a supply-matched side, exchange.md §7.3 (a)). */
void ex_hist_commit(ex_side *S)
{
    S->h_sum += S->m;
    S->h_any = 1;
    if (!(S->m > 0)) S->h_pos = 0;
    if (!(S->m < 0)) S->h_neg = 0;
}

/* Step 6 for one side; the last history entry is S->m (exchange_arith.h). */
static int side_valid(const ex_side *S)
{
    return exa_side_valid(S->X, S->m, S->h_sum, S->h_any, S->h_pos, S->h_neg);
}

static void set_move(ex_side *S, double move)
{
    S->m = move;
    /* Clamp what the slack of side_valid let through, so positions stay inside 0–100. */
    S->y = exa_voting(S->X, move);
}

/* Outcome-overshoot check with A = side[a] as supplier (exchange.md §6 and the knife edge §12.2).
 * Returns 0 when the knife edge stopped both sides. */
static int overshoot(const ex_state *st, const ex_options *o, ex_cand *E, int a)
{
    ex_side *A = &E->side[a], *O = &E->side[1 - a];
    int da = A->sup;
    const ex_umap *Ua = ex_umap_of(E, da);
    double t = D_OF(O);
    double n0 = whatif(st, da, Ua, A->actor, A->X, 1);
    double n1 = whatif(st, da, Ua, A->actor, A->y, 1);
    A->n0 = n0;
    A->n1 = n1;
    if (fabs(n0 - t) <= o->knife_eps && n1 != n0) {
        /* The outcome already sits on the demander's position: the supplier cannot move. */
        set_move(A, 0);
        set_move(O, 0);
        A->y = A->X;
        O->y = O->X;
        return 0;
    }
    if ((t >= n0 && t >= n1) || (t <= n0 && t <= n1)) return 1;
    double n0p = whatif(st, da, Ua, A->actor, A->X, 0);
    double Wa = st->W[da], Wo = st->W[O->sup];
    double mA, mO, rA, rO;
    E->gain = exa_cutback(Wa, Wo, t, n0p, C_SUP(A), S_SUP(A), S_DEM(A), C_SUP(O), S_SUP(O),
                          S_DEM(O), A->X, O->X, D_OF(A), &mA, &mO, &rA, &rO);
    set_move(A, mA);
    set_move(O, mO);
    E->dp = rA; /* the reference stores the cut-back's shifts this way round (exchange.md §13) */
    E->dq = rO;
    A->n1 = whatif(st, da, Ua, A->actor, A->y, 1);
    A->adjusted = 1;
    return 1;
}

/* The randomized gain of REX (exchange.md §11), with the two suspected defects fixed: moves are
 * signed once, by the direction rule, and a cut-back move is the cut-back distance. */
static void randomize(const ex_state *st, const ex_options *o, ex_cand *E)
{
    double u = gsl_rng_uniform(o->rng);
    double v = gsl_rng_uniform(o->rng);
    double z = gsl_rng_uniform(o->rng);
    ex_side *S[2] = {&E->side[0], &E->side[1]};
    double delta[2];
    for (int a = 0; a < 2; a++) {
        ex_side *A = S[a], *O = S[1 - a];
        double adj = whatif(st, A->sup, ex_umap_of(E, A->sup), A->actor, D_OF(O), 1);
        delta[a] = fabs(A->n0 - adj);
    }
    /* Maximum utilities: index 0 = i, 1 = j. s_ip = i.s_dem, s_iq = i.s_sup, ... */
    double loss1 = delta[1] * S_SUP(S[1]), gain2 = delta[1] * S_DEM(S[0]);
    double loss2 = delta[0] * S_SUP(S[0]), gain1 = delta[0] * S_DEM(S[1]);
    int R;
    double G, L;
    if (gain2 > gain1) {
        R = 1;
        G = gain1;
        L = loss2;
    } else {
        R = 0;
        G = gain2;
        L = loss1;
    }
    ex_side *Rs = S[R], *Os = S[1 - R];
    double sigma = S_SUP(Rs) / (S_SUP(Rs) + S_DEM(Os));
    double eu_max[2];
    eu_max[1 - R] = sigma * S_DEM(Os) * G / (sigma * S_SUP(Rs)) - L;
    eu_max[R] = G - sigma * S_SUP(Rs) * L / (sigma * S_DEM(Os));

    int ci = u < 0.5 ? 0 : 1;
    ex_side *C = S[ci], *K = S[1 - ci];
    double eu = E->gain;
    double eu_c = v < 0.5 ? eu + o->p * z * (eu_max[ci] - eu) : eu - o->p * z * eu;
    double Wc = st->W[C->sup], Wk = st->W[K->sup];
    double full_c = fabs(C->X - D_OF(K)), full_k = fabs(K->X - D_OF(C));
    double mC = full_c;
    double rC = mC * S_SUP(C) * C_SUP(C) / Wc;
    double rK = (eu_c + rC * S_SUP(C)) / S_DEM(C);
    double mK = rK * Wk / (C_SUP(K) * S_SUP(K));
    if (mK > full_k) {
        mK = full_k;
        rK = mK * S_SUP(K) * C_SUP(K) / Wk;
        rC = fabs((eu_c - rK * S_DEM(C)) / S_SUP(C));
        mC = rC * Wc / (C_SUP(C) * S_SUP(C));
    } else {
        const ex_umap *Uc = ex_umap_of(E, C->sup);
        double t = D_OF(K);
        double yc = C->X > t ? C->X - full_c : C->X + full_c;
        double n0 = whatif(st, C->sup, Uc, C->actor, C->X, 1);
        double n1 = whatif(st, C->sup, Uc, C->actor, yc, 1);
        if (!((t >= n0 && t >= n1) || (t <= n0 && t <= n1))) {
            double n0p = whatif(st, C->sup, Uc, C->actor, C->X, 0);
            mC = fabs(Wc * (t - n0p) / (C_SUP(C) * S_SUP(C)));
            rC = mC * S_SUP(C) * C_SUP(C) / Wc;
            rK = (eu_c + rC * S_SUP(C)) / S_DEM(C);
            mK = rK * Wk / (C_SUP(K) * S_SUP(K));
        }
    }
    /* A negative share would move K away from its partner: no exchange (invalid below). */
    if (!(mK > 0)) mK = 0;
    if (!(mC > 0)) mC = 0;
    C->eu = eu_c;
    K->eu = fabs(rK * S_SUP(K) - rC * S_DEM(K));
    if (C->X > D_OF(K)) mC = -mC;
    if (K->X > D_OF(C)) mK = -mK;
    set_move(C, mC);
    set_move(K, mK);
    for (int a = 0; a < 2; a++) {
        ex_side *A = S[a];
        const ex_umap *Ua = ex_umap_of(E, A->sup);
        A->n0 = whatif(st, A->sup, Ua, A->actor, A->X, 1);
        A->n1 = whatif(st, A->sup, Ua, A->actor, A->y, 1);
    }
}

/* exchange.md §5 steps 1–7 (and §11 when p > 0). Returns the candidate's validity. */
int ex_compute(const ex_state *st, const ex_options *o, ex_cand *E)
{
    ex_side *I = &E->side[0], *J = &E->side[1];
    double s_ip = S_DEM(I), s_iq = S_SUP(I), s_jp = S_SUP(J), s_jq = S_DEM(J);
    double c_iq = C_SUP(I), c_jp = C_SUP(J);
    double Wp = st->W[E->p], Wq = st->W[E->q];
    /* Steps 1–5 (exchange_arith.h). */
    double mi, mj, dp, dq;
    double gain = exa_equal_gain(I->X, D_OF(I), J->X, D_OF(J), s_ip, s_iq, s_jp, s_jq, c_iq, c_jp,
                                 Wp, Wq, &mi, &mj, &dp, &dq);
    /* Step 4. */
    set_move(I, mi);
    set_move(J, mj);
    I->eu = J->eu = gain;
    E->gain = gain;
    E->dp = dp;
    E->dq = dq;
    /* Step 6. */
    if (!(side_valid(I) && side_valid(J) && gain >= EX_GAIN_MIN)) return 0;
    /* Step 7. */
    if (!overshoot(st, o, E, 0)) return 0;
    if (!overshoot(st, o, E, 1)) return 0;
    if (EX_REX(o)) randomize(st, o, E);
    return side_valid(I) && side_valid(J);
}

/* ---- the compact record (exchange_internal.h) ---- */

/* Loads record k into the working form; `cold`: also the outputs kept for the randomized
 * variant (only valid when it is on). */
void ex_load(const ex_state *st, long k, ex_cand *E, int cold)
{
    /* Only the inputs are set: a computation writes every output before reading it. */
    const ex_hot *h = &st->hot[k];
    size_t m = st->m;
    E->p = h->p;
    E->q = h->q;
    E->gain = h->gain;
    for (int u = 0; u < 2; u++) {
        unsigned count = h->u_count[u];
        unsigned capacity = count ? 2 : 0; /* blocks grow 2, 4, 8, ... (ex_umap_merge) */
        while (capacity < count) capacity *= 2;
        E->U[u].offset = h->u_offset[u];
        E->U[u].count = count;
        E->U[u].capacity = capacity;
    }
    unsigned flags = h->flags;
    for (int a = 0; a < 2; a++) {
        ex_side *S = &E->side[a];
        unsigned f = flags >> (3 * a);
        S->actor = h->actor[a];
        S->sup = (short)(a == 0 ? h->q : h->p);
        S->dem = (short)(a == 0 ? h->p : h->q);
        S->X = st->cur[(size_t)S->actor * m + (size_t)S->sup];
        S->m = h->m[a];
        S->h_sum = h->h_sum[a];
        S->h_any = (f & EX_HANY0) != 0;
        S->h_pos = (f & EX_HPOS0) != 0;
        S->h_neg = (f & EX_HNEG0) != 0;
        S->adjusted = (flags & (a == 0 ? EX_ADJ0 : EX_ADJ1)) != 0;
    }
    /* Groups a (RIGHT, RIGHT) and d (LEFT, LEFT) are on the same side of both outcomes. */
    size_t ip = (size_t)h->actor[0] * m + h->p, iq = (size_t)h->actor[0] * m + h->q;
    E->group = st->right[ip] == st->right[iq] ? 0 : 1;
    if (cold) {
        const ex_cold *c = &st->cold[k];
        E->dp = c->dp;
        E->dq = c->dq;
        for (int a = 0; a < 2; a++) {
            E->side[a].y = c->y[a];
            E->side[a].eu = c->eu[a];
            E->side[a].n0 = c->n0[a];
            E->side[a].n1 = c->n1[a];
        }
    }
}

void ex_store(ex_state *st, const ex_options *o, long k, const ex_cand *E)
{
    ex_hot *h = &st->hot[k];
    unsigned flags = 0;
    for (int a = 0; a < 2; a++) {
        const ex_side *S = &E->side[a];
        h->actor[a] = (unsigned short)S->actor;
        h->m[a] = S->m;
        h->h_sum[a] = S->h_sum;
        flags |= (unsigned)((S->h_any ? EX_HANY0 : 0) | (S->h_pos ? EX_HPOS0 : 0) |
                            (S->h_neg ? EX_HNEG0 : 0)) << (3 * a);
        if (S->adjusted) flags |= a == 0 ? EX_ADJ0 : EX_ADJ1;
    }
    h->flags = (unsigned char)flags;
    h->p = (unsigned short)E->p;
    h->q = (unsigned short)E->q;
    h->gain = E->gain;
    for (int u = 0; u < 2; u++) {
        h->u_offset[u] = E->U[u].offset;
        h->u_count[u] = (unsigned short)E->U[u].count;
    }
    if (EX_REX(o)) {
        ex_cold *c = &st->cold[k];
        c->dp = E->dp;
        c->dq = E->dq;
        for (int a = 0; a < 2; a++) {
            c->y[a] = E->side[a].y;
            c->eu[a] = E->side[a].eu;
            c->n0[a] = E->side[a].n0;
            c->n1[a] = E->side[a].n1;
        }
    }
}

/* The records, aligned to cache lines (one record, one line); the first `keep` are kept. */
ex_hot *ex_hot_realloc(ex_hot *old, size_t keep, size_t capacity)
{
    void *mem = NULL;
    if (posix_memalign(&mem, 64, (capacity ? capacity : 1) * sizeof(ex_hot)) != 0)
        mem = en_xmalloc(SIZE_MAX); /* reports the failure and exits */
    if (old) {
        if (keep) memcpy(mem, old, keep * sizeof(ex_hot));
        en_free(old);
    }
    return mem;
}

/* ---- selection: a sorted run of the round's candidates plus an indexed max-heap ----
 * Order: gain descending, generation ascending. Each live candidate has one current entry,
 * in the run (alive[k] == EX_IN_RUN) or in the heap (EX_IN_HEAP), whose key bounds its gain
 * from above. Gains almost only fall, and nearly every candidate dies before it is the best,
 * so entries are corrected lazily: the run is read front to back by a cursor, dead entries
 * are skipped there for the price of a sequential read, and only a candidate still alive when
 * the cursor reaches it with a lower gain (or one whose gain rose) moves to the heap.
 * The heap is 4-ary: half the depth of a binary heap, and a node's children share a cache
 * line or two. Entries carry their key so that sifting never touches the candidate records. */

static int before(const ex_heap_entry *a, const ex_heap_entry *b)
{
    if (a->gain != b->gain) return a->gain > b->gain;
    return a->k < b->k;
}

static void heap_place(ex_state *st, size_t pos, ex_heap_entry e)
{
    st->heap[pos] = e;
    st->hpos[e.k] = (int)pos;
}

static size_t sift_up(ex_state *st, size_t pos)
{
    ex_heap_entry e = st->heap[pos];
    while (pos > 0) {
        size_t parent = (pos - 1) / EX_ARITY;
        if (!before(&e, &st->heap[parent])) break;
        heap_place(st, pos, st->heap[parent]);
        pos = parent;
    }
    heap_place(st, pos, e);
    return pos;
}

static void sift_down(ex_state *st, size_t pos)
{
    ex_heap_entry e = st->heap[pos];
    for (;;) {
        size_t first = EX_ARITY * pos + 1, best = pos;
        const ex_heap_entry *be = &e;
        for (size_t c = first; c < first + EX_ARITY && c < st->heap_count; c++) {
            if (before(&st->heap[c], be)) {
                best = c;
                be = &st->heap[c];
            }
        }
        if (best == pos) break;
        heap_place(st, pos, st->heap[best]);
        pos = best;
    }
    heap_place(st, pos, e);
}

static void heap_push(ex_state *st, long k, double gain)
{
    ex_heap_entry e = {gain, (ex_index)k};
    st->alive[k] = EX_IN_HEAP;
    heap_place(st, st->heap_count++, e);
    sift_up(st, st->heap_count - 1);
}

/* Orders the run (see the section comment) lazily. The live candidates (in generation order)
 * are distributed over EX_BUCKETS buckets by the bits of their gains (positive doubles, so
 * their bit patterns order like their values): a stable counting pass, gains descending from
 * bucket to bucket. A bucket is sorted only when the cursor or a tie window reaches it, and
 * first cleared of its dead and lowered entries: by then most of a low bucket has died, so
 * little is left to sort. Empties the heap. */
void ex_heap_build(ex_state *st)
{
    size_t live = st->live_count;
    if (live + 1 > st->select_capacity) {
        st->select_capacity = 2 * (live + 1);
        st->heap = en_xrealloc(st->heap, st->select_capacity * sizeof *st->heap);
        st->run = en_xrealloc(st->run, st->select_capacity * sizeof *st->run);
    }
    if (st->cand_count + 1 > st->hpos_capacity) {
        st->hpos_capacity = 2 * (st->cand_count + 1);
        st->hpos = en_xrealloc(st->hpos, st->hpos_capacity * sizeof *st->hpos);
    }
    st->heap_count = 0;
    /* Bucket of a gain: (~bits(gain) - ~bits(max)) >> shift, shift fitting the range into
     * EX_BUCKETS. */
    uint64_t lo = UINT64_MAX, hi = 0; /* of ~bits */
    const double *gain = st->live_gain; /* the keys, set at generation */
    for (size_t e = 0; e < live; e++) {
        uint64_t bits;
        memcpy(&bits, &gain[e], sizeof bits);
        bits = ~bits;
        if (bits < lo) lo = bits;
        if (bits > hi) hi = bits;
    }
    /* About 16 entries a bucket, at most EX_BUCKETS. */
    size_t buckets = 16;
    while (buckets < EX_BUCKETS && buckets * 16 < live) buckets *= 2;
    st->bucket_count = buckets;
    unsigned shift = 0;
    while (live && ((hi - lo) >> shift) >= buckets) shift++;
    size_t *start = st->bucket_start, *end = st->bucket_end;
    memset(start, 0, (buckets + 1) * sizeof *start);
    for (size_t e = 0; e < live; e++) {
        uint64_t bits;
        memcpy(&bits, &gain[e], sizeof bits);
        start[((~bits - lo) >> shift) + 1]++;
    }
    for (size_t b = 0; b < buckets; b++) start[b + 1] += start[b];
    memcpy(end, start, buckets * sizeof *end);
    for (size_t e = 0; e < live; e++) {
        uint64_t bits;
        memcpy(&bits, &gain[e], sizeof bits);
        ex_heap_entry *entry = &st->run[end[(~bits - lo) >> shift]++];
        entry->gain = gain[e];
        entry->k = st->live[e];
    }
    st->bucket = 0;
    st->prepared = 0; /* buckets below this one are prepared */
    st->cursor = 0;
}

static int run_order(const void *pa, const void *pb)
{
    const ex_heap_entry *a = pa, *b = pb;
    return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/* Clears bucket b of dead and stale entries, moves lowered ones to the heap and sorts the
 * rest: gain descending, generation ascending. */
static void prepare_bucket(ex_state *st, size_t b)
{
    size_t keep = st->bucket_start[b];
    for (size_t e = st->bucket_start[b]; e < st->bucket_end[b]; e++) {
        ex_heap_entry entry = st->run[e];
        if (st->alive[entry.k] != EX_IN_RUN) continue;
        double gain = st->hot[entry.k].gain;
        if (gain != entry.gain) {
            heap_push(st, entry.k, gain);
            continue;
        }
        st->run[keep++] = entry;
    }
    st->bucket_end[b] = keep;
    ex_heap_entry *first = st->run + st->bucket_start[b];
    size_t count = keep - st->bucket_start[b];
    if (count <= 16) {
        for (size_t x = 1; x < count; x++) {
            ex_heap_entry entry = first[x];
            size_t y = x;
            for (; y > 0 && before(&entry, &first[y - 1]); y--) first[y] = first[y - 1];
            first[y] = entry;
        }
    } else {
        qsort(first, count, sizeof *first, run_order);
    }
}

/* Moves the cursor to the run's first live entry whose key is its gain; skips dead and stale
 * entries, moves lowered ones to the heap. Returns 0 when the run is exhausted. */
static int settle_run(ex_state *st)
{
    for (;;) {
        if (st->bucket >= st->bucket_count) return 0;
        if (st->bucket >= st->prepared) {
            prepare_bucket(st, st->bucket);
            st->prepared = st->bucket + 1;
            st->cursor = st->bucket_start[st->bucket];
        }
        if (st->cursor >= st->bucket_end[st->bucket]) {
            st->bucket++;
            if (st->bucket < st->prepared) st->cursor = st->bucket_start[st->bucket];
            continue;
        }
        const ex_heap_entry *entry = &st->run[st->cursor];
        if (st->alive[entry->k] != EX_IN_RUN) {
            st->cursor++;
            continue;
        }
        double gain = st->hot[entry->k].gain;
        if (gain != entry->gain) {
            st->cursor++;
            heap_push(st, entry->k, gain);
            continue;
        }
        return 1;
    }
}

/* Takes candidate k out of the selection (executed or invalid). A run entry just dies. */
void ex_heap_remove(ex_state *st, long k)
{
    unsigned char where = st->alive[k];
    st->alive[k] = 0;
    if (where != EX_IN_HEAP) return;
    size_t pos = (size_t)st->hpos[k];
    st->hpos[k] = -1;
    size_t last = --st->heap_count;
    if (pos == last) return;
    heap_place(st, pos, st->heap[last]);
    sift_down(st, sift_up(st, pos));
}

/* After a recomputation that kept the candidate valid. A gain above the previous one moves
 * up at once (to the heap, for a run entry, whose key it may exceed); a lower one is left for
 * later: the entry's key then overstates the gain, which select_best corrects when the entry
 * reaches the front. Most recomputations lower the gain, so most cost nothing here. */
void ex_heap_update(ex_state *st, long k, double old_gain)
{
    double gain = st->hot[k].gain;
    if (!(gain > old_gain)) return;
    if (st->alive[k] == EX_IN_RUN) {
        heap_push(st, k, gain); /* its run entry is now stale: skipped by the cursor */
        return;
    }
    size_t pos = (size_t)st->hpos[k];
    if (gain > st->heap[pos].gain) {
        st->heap[pos].gain = gain;
        sift_up(st, pos);
    }
}

void ex_scratch_reserve(ex_state *st, size_t needed)
{
    if (needed > st->scratch_capacity) {
        st->scratch_capacity = needed * 2;
        st->scratch = en_xrealloc(st->scratch, st->scratch_capacity * sizeof *st->scratch);
    }
}

/* exchange.md §12.1: among the candidates within tie_tol of the best gain, the first generated.
 * Heap keys are upper bounds of the gains (exact for the root once it is settled): dead
 * entries are dropped and overstated keys corrected at the root until the root is exact, so
 * its key is the best valid gain; then every entry whose key reaches the tie window is
 * checked against its true gain. Returns -1 when no valid candidate is left. */
long ex_select_best(ex_state *st, double tol, long *ties)
{
    int in_run = settle_run(st);
    /* Settle the heap's root. */
    while (st->heap_count > 0) {
        long k = st->heap[0].k;
        double gain = st->hot[k].gain;
        if (gain != st->heap[0].gain) {
            st->heap[0].gain = gain;
            sift_down(st, 0);
            continue;
        }
        break;
    }
    int in_heap = st->heap_count > 0;
    if (!in_run && !in_heap) return -1;
    double top;
    if (in_run && in_heap)
        top = fmax(st->run[st->cursor].gain, st->heap[0].gain);
    else
        top = in_run ? st->run[st->cursor].gain : st->heap[0].gain;
    double threshold = top - tol;
    long best = -1;
    long count = 0;
    /* The run's entries in the window: from the cursor on, bucket by bucket (preparing the
     * ones reached) while the keys stay in the window. */
    if (in_run) {
        size_t b = st->bucket, e = st->cursor;
        for (;;) {
            if (e >= st->bucket_end[b]) {
                if (++b >= st->bucket_count) break;
                if (b >= st->prepared) {
                    prepare_bucket(st, b);
                    st->prepared = b + 1;
                }
                e = st->bucket_start[b];
                continue;
            }
            const ex_heap_entry *entry = &st->run[e++];
            if (!(entry->gain >= threshold)) break;
            long k = entry->k;
            if (st->alive[k] == EX_IN_RUN && st->hot[k].gain >= threshold) {
                count++;
                if (best < 0 || k < best) best = k;
            }
        }
    }
    if (st->heap_count > 0) {
        ex_scratch_reserve(st, EX_ARITY * st->heap_count + 1);
        size_t top_index = 0;
        st->scratch[top_index++] = 0;
        while (top_index > 0) {
            size_t pos = (size_t)st->scratch[--top_index];
            if (!(st->heap[pos].gain >= threshold)) continue;
            long k = st->heap[pos].k;
            if (st->hot[k].gain >= threshold) {
                count++;
                if (best < 0 || k < best) best = k;
            }
            for (size_t c = EX_ARITY * pos + 1;
                 c <= EX_ARITY * pos + EX_ARITY && c < st->heap_count; c++)
                st->scratch[top_index++] = (ex_index)c;
        }
    }
    if (count > 1) (*ties)++;
    return best;
}
