/*
 * exchange_round.c — one round of the exchange model (SPEC §3): candidate generation (§4), the
 * index of candidates by (actor, supply issue) and (actor, demand issue), the selection loop
 * with its recomputations (§7), externalities (§10) and the end-of-round update (§8). The
 * per-candidate arithmetic is in exchange_kernel.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "models/exchange_internal.h"

/* ---- candidate generation (SPEC §4) ---- */

static void grow_candidates(ex_state *st)
{
    size_t capacity = st->cand_capacity ? 2 * st->cand_capacity : 4096;
    st->cand = en_xrealloc(st->cand, capacity * sizeof *st->cand);
    st->cand_capacity = capacity;
    st->alive = en_xrealloc(st->alive, capacity * sizeof *st->alive);
    st->stamp = en_xrealloc(st->stamp, capacity * sizeof *st->stamp);
}

static void add_candidate(ex_state *st, const ex_options *o, int u, int v, int p, int q,
                          int group, ex_round_record *rec)
{
    size_t m = st->m;
    size_t up = (size_t)u * m + (size_t)p, uq = (size_t)u * m + (size_t)q;
    size_t vp = (size_t)v * m + (size_t)p, vq = (size_t)v * m + (size_t)q;
    /* Inputs that crash the reference (SPEC §1.4): a zero salience makes the role ratio
     * divide by zero; a zero weight on the supply issue makes the move formula 0/0. */
    if (!(st->s[up] > 0 && st->s[uq] > 0 && st->s[vp] > 0 && st->s[vq] > 0)) {
        st->skipped++;
        return;
    }
    /* Roles (SPEC §4.3): i is the actor that cares relatively more about p. */
    int i = u, j = v;
    if (st->s[up] / st->s[uq] < st->s[vp] / st->s[vq]) {
        i = v;
        j = u;
    }
    size_t iq = (size_t)i * m + (size_t)q, jp = (size_t)j * m + (size_t)p;
    if (!(st->c[iq] > 0 && st->c[jp] > 0)) {
        st->skipped++;
        return;
    }
    if (st->cand_count == st->cand_capacity) grow_candidates(st);
    long k = (long)st->cand_count++;
    ex_cand *E = &st->cand[k];
    memset(E, 0, sizeof *E);
    st->alive[k] = 0;
    st->stamp[k] = 0;
    E->p = p;
    E->q = q;
    E->group = group;
    ex_side *I = &E->side[0], *J = &E->side[1];
    I->actor = i;
    I->sup = (short)q;
    I->dem = (short)p;
    I->X = st->x[iq];
    J->actor = j;
    J->sup = (short)p;
    J->dem = (short)q;
    J->X = st->x[jp];
    I->h_pos = I->h_neg = J->h_pos = J->h_neg = 1;
    if (rec) rec->candidates_total++;
    if (ex_compute(st, o, E)) {
        st->alive[k] = 1;
        if (rec) rec->candidates_valid_initially++;
        if (st->live_count == st->live_capacity) {
            st->live_capacity = st->live_capacity ? 2 * st->live_capacity : 4096;
            st->live = en_xrealloc(st->live, st->live_capacity * sizeof *st->live);
            st->live_keys = en_xrealloc(st->live_keys, 4 * st->live_capacity * sizeof *st->live_keys);
        }
        unsigned *key = &st->live_keys[4 * st->live_count];
        key[0] = (unsigned)iq;
        key[1] = (unsigned)jp;
        key[2] = (unsigned)((size_t)i * m + (size_t)p);
        key[3] = (unsigned)((size_t)j * m + (size_t)q);
        st->live[st->live_count++] = k;
    }
}

static void generate(ex_state *st, const ex_options *o, ex_round_record *rec)
{
    size_t n = st->n, m = st->m;
    ex_scratch_reserve(st, 4 * n + 4);
    int *group[4];
    size_t count[4];
    int *buffer = en_xmalloc(4 * n * sizeof *buffer);
    for (int g = 0; g < 4; g++) group[g] = buffer + (size_t)g * n;
    for (size_t p = 0; p < m; p++) {
        for (size_t q = p + 1; q < m; q++) {
            memset(count, 0, sizeof count);
            for (size_t a = 0; a < n; a++) {
                if (!st->present[a * m + p] || !st->present[a * m + q]) continue;
                int rp = st->right[a * m + p], rq = st->right[a * m + q];
                /* a: right-right, b: left-right, c: right-left, d: left-left */
                int g = rp && rq ? 0 : !rp && rq ? 1 : rp && !rq ? 2 : 3;
                group[g][count[g]++] = (int)a;
            }
            for (size_t x = 0; x < count[0]; x++)
                for (size_t y = 0; y < count[3]; y++)
                    add_candidate(st, o, group[0][x], group[3][y], (int)p, (int)q, 0, rec);
            for (size_t x = 0; x < count[1]; x++)
                for (size_t y = 0; y < count[2]; y++)
                    add_candidate(st, o, group[1][x], group[2][y], (int)p, (int)q, 1, rec);
        }
    }
    free(buffer);
}

/* Index of the live candidates by (actor, supply issue) and (actor, demand issue), so that an
 * execution reaches exactly the candidates SPEC §7.3 recomputes. */
static void build_index(ex_state *st)
{
    size_t nm = st->n * st->m, live = st->live_count;
    memset(st->sup_start, 0, (nm + 1) * sizeof *st->sup_start);
    memset(st->dem_start, 0, (nm + 1) * sizeof *st->dem_start);
    for (size_t e = 0; e < live; e++) {
        const unsigned *key = &st->live_keys[4 * e];
        st->sup_start[key[0] + 1]++;
        st->sup_start[key[1] + 1]++;
        st->dem_start[key[2] + 1]++;
        st->dem_start[key[3] + 1]++;
    }
    for (size_t k = 0; k < nm; k++) {
        st->sup_start[k + 1] += st->sup_start[k];
        st->dem_start[k + 1] += st->dem_start[k];
    }
    st->sup_list = en_xrealloc(st->sup_list, (2 * live + 1) * sizeof *st->sup_list);
    st->dem_list = en_xrealloc(st->dem_list, (2 * live + 1) * sizeof *st->dem_list);
    memcpy(st->sup_end, st->sup_start, nm * sizeof *st->sup_end);
    memcpy(st->dem_end, st->dem_start, nm * sizeof *st->dem_end);
    for (size_t e = 0; e < live; e++) {
        const unsigned *key = &st->live_keys[4 * e];
        long k = st->live[e];
        st->sup_list[st->sup_end[key[0]]++] = k;
        st->sup_list[st->sup_end[key[1]]++] = k;
        st->dem_list[st->dem_end[key[2]]++] = k;
        st->dem_list[st->dem_end[key[3]]++] = k;
    }
}

/* ---- executing a candidate and recomputing the ones it affects (SPEC §7.3) ---- */

/* Appends the live, not yet collected candidates of one index list to the scratch buffer, and
 * drops the dead ones from the list as it goes (order is kept, so visits stay deterministic). */
static size_t collect(ex_state *st, const size_t *start, size_t *end, long *list, size_t key,
                      size_t at)
{
    size_t keep = start[key];
    for (size_t e = start[key]; e < end[key]; e++) {
        long k = list[e];
        if (!st->alive[k]) continue;
        list[keep++] = k;
        if (st->stamp[k] == st->visit) continue;
        st->stamp[k] = st->visit;
        st->scratch[at++] = k;
    }
    end[key] = keep;
    return at;
}

static void apply_execution(ex_state *st, const ex_options *o, const ex_cand *X)
{
    size_t m = st->m;
    const ex_side *XI = &X->side[0], *XJ = &X->side[1];
    int alpha = XI->actor, beta = XJ->actor, qx = XI->sup, px = XI->dem;
    st->visit++;
    size_t k_sa = (size_t)alpha * m + (size_t)qx, k_sb = (size_t)beta * m + (size_t)px;
    size_t k_db = (size_t)beta * m + (size_t)qx, k_da = (size_t)alpha * m + (size_t)px;
    ex_scratch_reserve(st, (st->sup_end[k_sa] - st->sup_start[k_sa]) +
                            (st->sup_end[k_sb] - st->sup_start[k_sb]) +
                            (st->dem_end[k_db] - st->dem_start[k_db]) +
                            (st->dem_end[k_da] - st->dem_start[k_da]) + 1);
    size_t count = 0;
    count = collect(st, st->sup_start, st->sup_end, st->sup_list, k_sa, count);
    count = collect(st, st->sup_start, st->sup_end, st->sup_list, k_sb, count);
    count = collect(st, st->dem_start, st->dem_end, st->dem_list, k_db, count);
    count = collect(st, st->dem_start, st->dem_end, st->dem_list, k_da, count);
    /* The reference walks its list in gain order. Each recomputation depends only on the
     * candidate itself and X, so any fixed order gives the same equal-gain result; this one
     * (list order, fixed by generation) also keeps REX's draws reproducible. */
    for (size_t e = 0; e < count; e++) {
        /* The affected candidates lie scattered over a large array: fetch ahead. */
        if (e + EX_PREFETCH < count) {
            const char *ahead = (const char *)&st->cand[st->scratch[e + EX_PREFETCH]];
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead + 64);
            __builtin_prefetch(ahead + 128);
        }
        long k = st->scratch[e];
        ex_cand *E = &st->cand[k];
        int matched[2] = {0, 0}, recompute = 0;
        for (int s = 0; s < 2; s++) {
            ex_side *S = &E->side[s];
            if (S->actor == alpha && S->sup == qx) {
                S->X = XI->y;
                matched[s] = 1;
            } else if (S->actor == beta && S->sup == px) {
                S->X = XJ->y;
                matched[s] = 1;
            }
        }
        if (matched[0] || matched[1]) {
            recompute = 1;
            /* Matched sides keep their history (the new move is appended); the others lose
             * their last entry, which the recomputation replaces. */
            for (int s = 0; s < 2; s++)
                if (matched[s]) ex_hist_commit(&E->side[s]);
        }
        for (int s = 0; s < 2; s++) {
            if (E->side[s].actor == beta && E->side[s].dem == qx) {
                ex_umap_merge(st, ex_umap_of(E, qx), alpha, XI->y, START_OF(XI));
                recompute = 1;
                break;
            }
        }
        for (int s = 0; s < 2; s++) {
            if (E->side[s].actor == alpha && E->side[s].dem == px) {
                ex_umap_merge(st, ex_umap_of(E, px), beta, XJ->y, START_OF(XJ));
                recompute = 1;
                break;
            }
        }
        if (!recompute) continue;
        if (ex_compute(st, o, E)) {
            ex_heap_update(st, k);
        } else {
            st->alive[k] = 0;
            ex_heap_remove(st, k);
        }
    }
}

/* Externalities of an executed exchange for the other actors (SPEC §10). */
static void externalities(const ex_state *st, const ex_cand *X, ex_exchange_record *xr,
                          ex_externality *actor_ext)
{
    size_t m = st->m;
    const ex_side *I = &X->side[0], *J = &X->side[1];
    int p = X->p, q = X->q;
    memset(&xr->ext, 0, sizeof xr->ext);
    xr->ext.own = X->gain;
    if (actor_ext) {
        actor_ext[I->actor].own += X->gain;
        actor_ext[J->actor].own += X->gain;
    }
    for (size_t k = 0; k < st->n; k++) {
        size_t kp = k * m + (size_t)p, kq = k * m + (size_t)q;
        if (!st->present[kp] || !st->present[kq]) continue;
        if ((int)k == I->actor || (int)k == J->actor) continue;
        double e = (fabs(J->n0 - st->x[kp]) - fabs(J->n1 - st->x[kp])) * st->s[kp] +
                   (fabs(I->n0 - st->x[kq]) - fabs(I->n1 - st->x[kq])) * st->s[kq];
        int rp = st->right[kp], rq = st->right[kq];
        int in_ad = rp == rq; /* groups a (RR) and d (LL) */
        int inner = X->group == 0 ? in_ad : !in_ad;
        double *slot;
        if (inner) slot = e > 0 ? &xr->ext.inner_positive : &xr->ext.inner_negative;
        else slot = e > 0 ? &xr->ext.outer_positive : &xr->ext.outer_negative;
        *slot += e;
        if (actor_ext) {
            ex_externality *ae = &actor_ext[k];
            if (inner) *(e > 0 ? &ae->inner_positive : &ae->inner_negative) += e;
            else *(e > 0 ? &ae->outer_positive : &ae->outer_negative) += e;
        }
    }
}

static void side_record(const ex_state *st, const ex_side *S, const ex_side *other, ex_side_record *r)
{
    r->actor = S->actor;
    r->supply_issue = S->sup;
    r->demand_issue = S->dem;
    r->x = S->X;
    r->y = S->y;
    r->move = S->m;
    r->target = D_OF(other);
    r->eu = S->eu;
    r->nbs0 = S->n0;
    r->nbs1 = S->n1;
    r->adjusted = S->adjusted;
}

static void record_exchange(const ex_state *st, const ex_cand *X, long generation,
                            ex_round_record *rec)
{
    if (rec->exchange_count == rec->exchange_capacity) {
        rec->exchange_capacity = rec->exchange_capacity ? 2 * rec->exchange_capacity : 64;
        rec->exchanges =
            en_xrealloc(rec->exchanges, rec->exchange_capacity * sizeof *rec->exchanges);
    }
    ex_exchange_record *xr = &rec->exchanges[rec->exchange_count++];
    memset(xr, 0, sizeof *xr);
    xr->p = X->p;
    xr->q = X->q;
    xr->group = X->group;
    xr->generation = generation;
    xr->gain = X->gain;
    xr->dp = X->dp;
    xr->dq = X->dq;
    side_record(st, &X->side[0], &X->side[1], &xr->i);
    side_record(st, &X->side[1], &X->side[0], &xr->j);
    externalities(st, X, xr, rec->actor_ext);
}

/* ---- one round (SPEC §3) ---- */

void ex_round(ex_state *st, const ex_options *o, ex_round_record *rec)
{
    size_t n = st->n, m = st->m, nm = n * m;
    if (rec) {
        ex_round_record_free(rec);
        rec->outcome = en_xcalloc(m, sizeof *rec->outcome);
        rec->voting_outcome = en_xcalloc(m, sizeof *rec->voting_outcome);
        rec->voting_position = en_xcalloc(nm, sizeof *rec->voting_position);
        rec->actor_ext = en_xcalloc(n, sizeof *rec->actor_ext);
    }
    /* 1–2: outcomes and sides (ties go LEFT). */
    for (size_t d = 0; d < m; d++) {
        double O = ex_outcome_of(st, st->x, d);
        double sum = 0;
        for (size_t a = 0; a < n; a++)
            if (st->present[a * m + d]) sum += st->cs[a * m + d] * st->x[a * m + d];
        st->S0[d] = sum;
        if (rec) rec->outcome[d] = O;
        for (size_t a = 0; a < n; a++) st->right[a * m + d] = !(st->x[a * m + d] <= O);
    }
    /* 3: candidates. */
    ex_free_candidates(st);
    st->skipped = 0;
    st->live_count = 0;
    generate(st, o, rec);
    if (rec) rec->candidates_skipped = st->skipped;
    build_index(st);
    ex_heap_build(st);
    /* 4: selection loop. */
    st->realized_count = 0;
    long ties = 0;
    for (;;) {
        long k = ex_select_best(st, o->tie_tol, &ties);
        if (k < 0) break;
        ex_heap_remove(st, k);
        ex_cand *X = &st->cand[k];
        st->alive[k] = 0;
        if (st->realized_count == st->realized_capacity) {
            st->realized_capacity = st->realized_capacity ? 2 * st->realized_capacity : 64;
            st->realized =
                en_xrealloc(st->realized, st->realized_capacity * sizeof *st->realized);
        }
        st->realized[st->realized_count++] = k;
        if (rec) record_exchange(st, X, k, rec);
        apply_execution(st, o, X);
    }
    if (rec) rec->tie_events = ties;
    /* 5: voting positions, voting outcome, new start positions (SPEC §8). */
    double *next = en_xmalloc(nm * sizeof *next);
    memcpy(next, st->x, nm * sizeof *next);
    if (rec) memcpy(rec->voting_position, st->x, nm * sizeof *next);
    for (size_t r = 0; r < st->realized_count; r++) {
        const ex_cand *X = &st->cand[st->realized[r]];
        for (int s = 0; s < 2; s++) {
            const ex_side *S = &X->side[s];
            size_t idx = (size_t)S->actor * m + (size_t)S->sup;
            if (rec) rec->voting_position[idx] = S->y;
            double sal = st->s[idx], y = S->y, x0 = START_OF(S);
            double keep = (1 - sal) * o->salience_weight;
            next[idx] = keep * y + o->fixed_weight * y + (1 - keep - o->fixed_weight) * x0;
        }
    }
    if (rec)
        for (size_t d = 0; d < m; d++)
            rec->voting_outcome[d] = ex_outcome_of(st, rec->voting_position, d);
    memcpy(st->x, next, nm * sizeof *next);
    free(next);
}
