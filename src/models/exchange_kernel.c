/*
 * exchange_kernel.c — Stokman's exchange model exactly as Decide computes it (SPEC.md,
 * foarsitter/decide-exchange-model @ 51dee66), in IEEE doubles, with the deterministic tie and
 * knife-edge rules of SPEC §12, plus the randomized variant (REX, §11): the state, what-if
 * outcomes, the computation of one candidate (§5, §6, §11) and the heap of candidates. The
 * round that drives them is in exchange_round.c.
 *
 * Speed (SPEC §14): the reference visits every remaining candidate after each execution and
 * rebuilds an outcome over all actors for each what-if. Here candidates are indexed by
 * (actor, supply issue) and (actor, demand issue), so an execution touches only the
 * candidates it affects; Σ c·s·x per issue is kept, so a what-if outcome costs O(|U| + 1);
 * and the best candidate comes from an indexed max-heap.
 */
#include "models/exchange_internal.h"

#include <math.h>
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
}

void ex_round_record_free(ex_round_record *r)
{
    if (!r) return;
    free(r->outcome);
    free(r->voting_outcome);
    free(r->voting_position);
    free(r->exchanges);
    free(r->actor_ext);
    memset(r, 0, sizeof *r);
}

ex_state *ex_state_new(const ex_input *in)
{
    if (!in || in->actor_count == 0 || in->issue_count == 0) return NULL;
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
    free(st->cand);
    free(st->present);
    free(st->x);
    free(st->s);
    free(st->c);
    free(st->cs);
    free(st->W);
    free(st->S0);
    free(st->right);
    free(st->heap);
    free(st->hpos);
    free(st->sup_start);
    free(st->dem_start);
    free(st->sup_end);
    free(st->dem_end);
    free(st->alive);
    free(st->stamp);
    free(st->live);
    free(st->live_keys);
    free(st->arena);
    free(st->sup_list);
    free(st->dem_list);
    free(st->scratch);
    free(st->realized);
    free(st);
}

const double *ex_positions(const ex_state *st) { return st->x; }

/* Σ c·s·x / Σ c·s in actor order over the given positions (SPEC §2). */
double ex_outcome_of(const ex_state *st, const double *x, size_t d)
{
    if (st->W[d] == 0) return 0;
    double sum = 0;
    for (size_t a = 0; a < st->n; a++)
        if (st->present[a * st->m + d]) sum += st->cs[a * st->m + d] * x[a * st->m + d];
    return sum / st->W[d];
}

double ex_outcome(const ex_state *st, size_t issue) { return ex_outcome_of(st, st->x, issue); }

/* ---- what-if outcomes (SPEC §2, §6) ---- */

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
    for (int k = 0; k < U->count; k++) {
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


/* merge() of SPEC §7.3: keep, per actor, the extreme position on the far side of its start. */
void ex_umap_merge(ex_state *st, ex_umap *U, int actor, double y, double s0)
{
    ex_uentry *items = U->count ? st->arena + U->offset : NULL;
    for (int k = 0; k < U->count; k++) {
        if (items[k].actor != actor) continue;
        double cur = items[k].value;
        items[k].value = s0 <= cur ? fmin(cur, y) : fmax(cur, y);
        return;
    }
    if (U->count == U->capacity) {
        /* Move to a bigger block at the arena's end (the old block is abandoned until the
         * round ends). */
        int capacity = U->capacity ? 2 * U->capacity : 2;
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

/* ---- candidate computation (SPEC §5, §6, §11) ---- */

/* Keeps the last history entry and opens a new one (a supply-matched side, SPEC §7.3a). */
void ex_hist_commit(ex_side *S)
{
    S->h_sum += S->m;
    S->h_any = 1;
    if (!(S->m > 0)) S->h_pos = 0;
    if (!(S->m < 0)) S->h_neg = 0;
}

/* Step 6 for one side; the last history entry is S->m. */
static int side_valid(const ex_side *S)
{
    double am = fabs(S->m);
    if (!(am > EX_MOVE_MIN && am <= 100 + EX_SLACK)) return 0;
    double y = S->X + S->m;
    if (!(y >= -EX_SLACK && y <= 100 + EX_SLACK)) return 0;
    if (!(S->h_sum + S->m <= 100 + EX_SLACK)) return 0;
    if (S->m > 0) return !S->h_any || S->h_pos;
    return !S->h_any || S->h_neg;
}

static void set_move(ex_side *S, double move)
{
    S->m = move;
    S->y = S->X + move;
    /* Clamp what the slack of side_valid let through, so positions stay inside 0–100. */
    if (S->y > 100) S->y = 100;
    if (S->y < 0) S->y = 0;
}

/* Outcome-overshoot check with A = side[a] as supplier (SPEC §6 and the knife edge §12.2).
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
    double mA = fabs(Wa * (t - n0p) / (C_SUP(A) * S_SUP(A)));
    double rA = mA * S_SUP(A) * C_SUP(A) / Wa;
    double rO = rA * (S_SUP(A) + S_DEM(O)) / (S_DEM(A) + S_SUP(O));
    double mO = fabs(rO * Wo / (C_SUP(O) * S_SUP(O)));
    if (O->X > D_OF(A)) mO = -mO;
    if (A->X > t) mA = -mA;
    set_move(A, mA);
    set_move(O, mO);
    E->gain = fabs(rO * S_SUP(O) - rA * S_DEM(O));
    E->dp = rA; /* the reference stores the cut-back's shifts this way round (SPEC §13) */
    E->dq = rO;
    A->n1 = whatif(st, da, Ua, A->actor, A->y, 1);
    A->adjusted = 1;
    return 1;
}

/* The randomized gain of REX (SPEC §11), with the two suspected defects fixed: moves are
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

/* SPEC §5 steps 1–7 (and §11 when p > 0). Returns the candidate's validity. */
int ex_compute(const ex_state *st, const ex_options *o, ex_cand *E)
{
    ex_side *I = &E->side[0], *J = &E->side[1];
    double s_ip = S_DEM(I), s_iq = S_SUP(I), s_jp = S_SUP(J), s_jq = S_DEM(J);
    double c_iq = C_SUP(I), c_jp = C_SUP(J);
    double Wp = st->W[E->p], Wq = st->W[E->q];
    /* Step 1: j moves all the way to i's position on p. */
    double mj = fabs(D_OF(I) - J->X);
    double dp = mj * s_jp * c_jp / Wp;
    double dq = dp * (s_ip + s_jp) / (s_iq + s_jq);
    double mi = dq * Wq / (c_iq * s_iq);
    /* Step 2: unless i would pass j's position on q; then i moves all the way. */
    double full_i = fabs(D_OF(J) - I->X);
    if (mi > full_i) {
        mi = full_i;
        dq = mi * s_iq * c_iq / Wq;
        dp = dq * (s_iq + s_jq) / (s_ip + s_jp);
        mj = dp * Wp / (c_jp * s_jp);
    }
    /* Step 3: each side moves toward the other side's position. */
    if (I->X > D_OF(J)) mi = -mi;
    if (J->X > D_OF(I)) mj = -mj;
    /* Step 4. */
    set_move(I, mi);
    set_move(J, mj);
    /* Step 5. */
    double gain = fabs(dq * s_iq - dp * s_ip);
    I->eu = J->eu = gain;
    E->gain = gain;
    E->dp = dp;
    E->dq = dq;
    /* Step 6. */
    if (!(side_valid(I) && side_valid(J) && gain >= EX_GAIN_MIN)) return 0;
    /* Step 7. */
    if (!overshoot(st, o, E, 0)) return 0;
    if (!overshoot(st, o, E, 1)) return 0;
    if (o->p > 0 && o->rng) randomize(st, o, E);
    return side_valid(I) && side_valid(J);
}

/* ---- the indexed max-heap of valid candidates: gain descending, generation ascending ----
 * 4-ary: half the depth of a binary heap, and a node's children share a cache line or two.
 * Entries carry their key so that sifting never touches the (large) candidate records. */

static int before(const ex_heap_entry *a, const ex_heap_entry *b)
{
    if (a->gain != b->gain) return a->gain > b->gain;
    return a->k < b->k;
}

static void heap_place(ex_state *st, size_t pos, ex_heap_entry e)
{
    st->heap[pos] = e;
    st->hpos[e.k] = (long)pos;
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

/* Builds the heap over the live candidates in O(count). */
void ex_heap_build(ex_state *st)
{
    st->heap = en_xrealloc(st->heap, (st->cand_count + 1) * sizeof *st->heap);
    st->hpos = en_xrealloc(st->hpos, (st->cand_count + 1) * sizeof *st->hpos);
    st->heap_count = 0;
    for (size_t e = 0; e < st->live_count; e++) {
        long k = st->live[e];
        ex_heap_entry entry = {st->cand[k].gain, k};
        st->cand[k].key = entry.gain;
        heap_place(st, st->heap_count++, entry);
    }
    for (size_t pos = st->heap_count / EX_ARITY + 1; pos-- > 0;)
        if (pos < st->heap_count) sift_down(st, pos);
}

void ex_heap_remove(ex_state *st, long k)
{
    size_t pos = (size_t)st->hpos[k];
    st->hpos[k] = -1;
    size_t last = --st->heap_count;
    if (pos == last) return;
    heap_place(st, pos, st->heap[last]);
    sift_down(st, sift_up(st, pos));
}

/* Removes the root (a dead candidate). */
static void heap_pop_root(ex_state *st)
{
    st->hpos[st->heap[0].k] = -1;
    size_t last = --st->heap_count;
    if (last == 0) return;
    heap_place(st, 0, st->heap[last]);
    sift_down(st, 0);
}

/* After a recomputation. A higher gain moves up at once; a lower one is left for later: the
 * entry's key then overstates the gain, which select_best corrects when the entry reaches the
 * top. Most recomputations lower the gain, so most cost nothing here. */
void ex_heap_update(ex_state *st, long k)
{
    ex_cand *E = &st->cand[k];
    if (E->gain > E->key) {
        size_t pos = (size_t)st->hpos[k];
        E->key = st->heap[pos].gain = E->gain;
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

/* SPEC §12.1: among the candidates within tie_tol of the best gain, the first generated.
 * Heap keys are upper bounds of the gains (exact for the root once it is settled): dead
 * entries are dropped and overstated keys corrected at the root until the root is exact, so
 * its key is the best valid gain; then every entry whose key reaches the tie window is
 * checked against its true gain. Returns -1 when no valid candidate is left. */
long ex_select_best(ex_state *st, double tol, long *ties)
{
    for (;;) {
        if (st->heap_count == 0) return -1;
        long k = st->heap[0].k;
        if (!st->alive[k]) {
            heap_pop_root(st);
            continue;
        }
        double gain = st->cand[k].gain;
        if (gain != st->heap[0].gain) {
            st->heap[0].gain = st->cand[k].key = gain;
            sift_down(st, 0);
            continue;
        }
        break;
    }
    double threshold = st->heap[0].gain - tol;
    long best = st->heap[0].k;
    long count = 0;
    ex_scratch_reserve(st, EX_ARITY * st->heap_count + 1);
    size_t top = 0;
    st->scratch[top++] = 0;
    while (top > 0) {
        size_t pos = (size_t)st->scratch[--top];
        if (!(st->heap[pos].gain >= threshold)) continue;
        long k = st->heap[pos].k;
        if (st->alive[k] && st->cand[k].gain >= threshold) {
            count++;
            if (k < best) best = k;
        }
        for (size_t c = EX_ARITY * pos + 1; c <= EX_ARITY * pos + EX_ARITY && c < st->heap_count; c++)
            st->scratch[top++] = (long)c;
    }
    if (count > 1) (*ties)++;
    return best;
}

