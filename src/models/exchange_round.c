/*
 * exchange_round.c — one round of the exchange model (docs/models/exchange.md §3): candidate generation (§4), the
 * index of candidates by (actor, supply issue) and (actor, demand issue), the selection loop
 * with its recomputations (§7), externalities (§10) and the end-of-round update (§8). The
 * per-candidate arithmetic is in exchange_kernel.c. Generation may use several threads (see
 * generation_threads); everything else is serial.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/oom.h"
#include "core/util.h"
#include "models/exchange_internal.h"

/* ---- candidate generation (exchange.md §4) ---- */

/* One generator: a run of issue pairs, generated into records from `k` on, with its own list
 * of valid candidates. Generators touch disjoint records, so several can run at once. */
typedef struct ex_gen {
    ex_state *st;
    const ex_options *o;
    size_t pair_begin, pair_end; /* pair index: (p, q), p < q, in issue order */
    long k;
    long total, valid, skipped;
    ex_index *live;
    unsigned *live_keys;
    double *live_gain;
    size_t live_count, live_capacity;
    int *group; /* 4 × n actors */
} ex_gen;

static void add_candidate(ex_gen *g, int u, int v, int p, int q)
{
    ex_state *st = g->st;
    size_t m = st->m;
    size_t up = (size_t)u * m + (size_t)p, uq = (size_t)u * m + (size_t)q;
    size_t vp = (size_t)v * m + (size_t)p, vq = (size_t)v * m + (size_t)q;
    /* Inputs that crash the reference (exchange.md §1.4): a zero salience makes the role ratio
     * divide by zero; a zero weight on the supply issue makes the move formula 0/0. */
    if (!(st->s[up] > 0 && st->s[uq] > 0 && st->s[vp] > 0 && st->s[vq] > 0)) {
        g->skipped++;
        return;
    }
    /* Roles (exchange.md §4.3): i is the actor that cares relatively more about p. */
    int i = u, j = v;
    if (st->s[up] / st->s[uq] < st->s[vp] / st->s[vq]) {
        i = v;
        j = u;
    }
    size_t iq = (size_t)i * m + (size_t)q, jp = (size_t)j * m + (size_t)p;
    if (!(st->c[iq] > 0 && st->c[jp] > 0)) {
        g->skipped++;
        return;
    }
    long k = g->k++;
    ex_cand work, *E = &work;
    memset(E, 0, sizeof *E);
    st->alive[k] = 0;
    st->stamp[k] = 0;
    E->p = p;
    E->q = q;
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
    g->total++;
    int valid = ex_compute(st, g->o, E);
    ex_store(st, g->o, k, E);
    if (valid) {
        st->alive[k] = EX_IN_RUN;
        g->valid++;
        if (g->live_count == g->live_capacity) {
            g->live_capacity = g->live_capacity ? 2 * g->live_capacity : 4096;
            g->live = en_xrealloc(g->live, g->live_capacity * sizeof *g->live);
            g->live_keys = en_xrealloc(g->live_keys, 4 * g->live_capacity * sizeof *g->live_keys);
            g->live_gain = en_xrealloc(g->live_gain, g->live_capacity * sizeof *g->live_gain);
        }
        unsigned *key = &g->live_keys[4 * g->live_count];
        key[0] = (unsigned)iq;
        key[1] = (unsigned)jp;
        key[2] = (unsigned)((size_t)i * m + (size_t)p);
        key[3] = (unsigned)((size_t)j * m + (size_t)q);
        g->live_gain[g->live_count] = E->gain;
        g->live[g->live_count++] = (ex_index)k;
    }
}

/* The four groups of issue pair (p, q), in actor order (exchange.md §4.2). */
static void pair_groups(const ex_state *st, size_t p, size_t q, int *group[4], size_t count[4])
{
    size_t n = st->n, m = st->m;
    memset(count, 0, 4 * sizeof *count);
    for (size_t a = 0; a < n; a++) {
        if (!st->present[a * m + p] || !st->present[a * m + q]) continue;
        int rp = st->right[a * m + p], rq = st->right[a * m + q];
        /* a: right-right, b: left-right, c: right-left, d: left-left */
        int g = rp && rq ? 0 : !rp && rq ? 1 : rp && !rq ? 2 : 3;
        group[g][count[g]++] = (int)a;
    }
}

static void pair_of(size_t m, size_t index, size_t *p, size_t *q)
{
    size_t first = 0; /* index of (p, p + 1) */
    for (*p = 0; index >= first + (m - 1 - *p); (*p)++) first += m - 1 - *p;
    *q = *p + 1 + (index - first);
}

/* The generation threads started, joined by the section (core/oom.h). */
typedef struct ex_threads {
    pthread_t *thread;
    int *started;
    int count;
} ex_threads;

static void ex_join(void *data)
{
    ex_threads *t = data;
    for (int k = 1; k < t->count; k++)
        if (t->started[k]) pthread_join(t->thread[k], NULL);
}

static void *generate_run(void *arg)
{
    ex_gen *g = arg;
    const ex_state *st = g->st;
    size_t n = st->n, m = st->m;
    int *group[4];
    size_t count[4];
    for (int x = 0; x < 4; x++) group[x] = g->group + (size_t)x * n;
    if (g->pair_begin >= g->pair_end) return NULL;
    size_t p, q;
    pair_of(m, g->pair_begin, &p, &q);
    for (size_t index = g->pair_begin; index < g->pair_end; index++) {
        pair_groups(st, p, q, group, count);
        for (size_t x = 0; x < count[0]; x++)
            for (size_t y = 0; y < count[3]; y++)
                add_candidate(g, group[0][x], group[3][y], (int)p, (int)q);
        for (size_t x = 0; x < count[1]; x++)
            for (size_t y = 0; y < count[2]; y++)
                add_candidate(g, group[1][x], group[2][y], (int)p, (int)q);
        if (++q == m) {
            p++;
            q = p + 1;
        }
    }
    return NULL;
}

/* How many candidates pair (p, q) makes (its skipped pairs left out, as add_candidate does). */
static size_t pair_candidates(const ex_state *st, size_t p, size_t q, int *group[4])
{
    size_t m = st->m, count[4], total = 0;
    pair_groups(st, p, q, group, count);
    /* The usual case: every saliences and power on p and q positive, nothing skipped. */
    int all_positive = 1;
    for (int g = 0; g < 4 && all_positive; g++)
        for (size_t a = 0; a < count[g]; a++) {
            size_t u = (size_t)group[g][a];
            if (!(st->s[u * m + p] > 0 && st->s[u * m + q] > 0 && st->c[u * m + p] > 0 &&
                  st->c[u * m + q] > 0)) {
                all_positive = 0;
                break;
            }
        }
    if (all_positive) return count[0] * count[3] + count[1] * count[2];
    for (int x = 0; x < 2; x++) {
        const int *A = group[x == 0 ? 0 : 1], *B = group[x == 0 ? 3 : 2];
        size_t ca = count[x == 0 ? 0 : 1], cb = count[x == 0 ? 3 : 2];
        for (size_t a = 0; a < ca; a++) {
            for (size_t b = 0; b < cb; b++) {
                size_t u = (size_t)A[a], v = (size_t)B[b];
                double sup = st->s[u * m + p], suq = st->s[u * m + q];
                double svp = st->s[v * m + p], svq = st->s[v * m + q];
                if (!(sup > 0 && suq > 0 && svp > 0 && svq > 0)) continue;
                size_t i = u, j = v;
                if (sup / suq < svp / svq) {
                    i = v;
                    j = u;
                }
                if (st->c[i * m + q] > 0 && st->c[j * m + p] > 0) total++;
            }
        }
    }
    return total;
}

/* Candidate generation may run on several threads: each takes a run of issue pairs, and the
 * record index (the generation index, exchange.md §4.2) where its run starts is known beforehand
 * from exact counts, so every candidate lands where serial generation would put it, with the
 * same bits (each computation depends only on its candidate). The randomized variant stays
 * serial: its computations draw from one generator, in generation order. */
static int generation_threads(const ex_options *o, size_t candidates)
{
    if (EX_REX(o) || candidates < 20000) return 1;
    int threads = o->threads;
    if (threads <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (int)cpus : 1;
    }
    if (threads > EX_MAX_THREADS) threads = EX_MAX_THREADS;
    return threads;
}

static void generate(ex_state *st, const ex_options *o, ex_round_record *rec)
{
    size_t n = st->n, m = st->m, pairs = m * (m - 1) / 2;
    size_t *per_pair = en_xmalloc((pairs + 1) * sizeof *per_pair);
    int *buffer = en_xmalloc(4 * n * EX_MAX_THREADS * sizeof *buffer);
    int *group[4];
    for (int x = 0; x < 4; x++) group[x] = buffer + (size_t)x * n;
    size_t total = 0;
    {
        size_t p = 0, q = 1;
        for (size_t index = 0; index < pairs; index++) {
            per_pair[index] = pair_candidates(st, p, q, group);
            total += per_pair[index];
            if (++q == m) {
                p++;
                q = p + 1;
            }
        }
    }
    if (total >= UINT32_MAX) {
        fprintf(stderr, "entente: exchange model: %zu candidates in a round, more than supported\n",
                total);
        abort();
    }
    /* One allocation of the right size rather than doubling: fewer pages to fault in. */
    if (total > st->cand_capacity) {
        st->hot = ex_hot_realloc(st->hot, 0, total);
        st->alive = en_xrealloc(st->alive, total * sizeof *st->alive);
        st->stamp = en_xrealloc(st->stamp, total * sizeof *st->stamp);
        st->cand_capacity = total;
    }
    if (EX_REX(o) && st->cold_capacity < st->cand_capacity) {
        st->cold_capacity = st->cand_capacity;
        st->cold = en_xrealloc(st->cold, st->cold_capacity * sizeof *st->cold);
    }
    int threads = generation_threads(o, total);
    ex_gen gen[EX_MAX_THREADS];
    memset(gen, 0, sizeof gen);
    /* Runs of about equal candidate counts. */
    size_t index = 0, done = 0;
    for (int t = 0; t < threads; t++) {
        ex_gen *g = &gen[t];
        g->st = st;
        g->o = o;
        g->group = buffer + (size_t)t * 4 * n;
        g->pair_begin = index;
        g->k = (long)done;
        size_t goal = total * (size_t)(t + 1) / (size_t)threads;
        while (index < pairs && (t == threads - 1 || done + per_pair[index] <= goal))
            done += per_pair[index++];
        g->pair_end = index;
        /* Reuse the state's lists for the first run. */
        if (t == 0) {
            g->live = st->live;
            g->live_keys = st->live_keys;
            g->live_gain = st->live_gain;
            g->live_capacity = st->live_capacity;
        }
    }
    pthread_t thread[EX_MAX_THREADS];
    int started[EX_MAX_THREADS] = {0};
    /* No unwinding while the workers run (they would be left holding freed state); a worker
     * out of memory fails the call once they are joined (core/oom.h). */
    en_oom_section section;
    en_oom_thread job[EX_MAX_THREADS];
    ex_threads joiner = {thread, started, threads};
    en_oom_section_begin(&section, ex_join, &joiner);
    for (int t = 0; t < threads; t++) job[t] = (en_oom_thread){&section, generate_run, &gen[t]};
    for (int t = 1; t < threads; t++)
        started[t] = pthread_create(&thread[t], NULL, en_oom_thread_main, &job[t]) == 0;
    en_oom_thread_main(&job[0]);
    for (int t = 1; t < threads; t++)
        if (!started[t]) en_oom_thread_main(&job[t]); /* no thread: run it here */
    en_oom_section_end(&section); /* joins the threads */
    /* Concatenate the runs' lists, in generation order. */
    st->live = gen[0].live;
    st->live_keys = gen[0].live_keys;
    st->live_gain = gen[0].live_gain;
    st->live_capacity = gen[0].live_capacity;
    st->live_count = gen[0].live_count;
    st->cand_count = (size_t)gen[threads - 1].k;
    long skipped = gen[0].skipped, all = gen[0].total, valid = gen[0].valid;
    for (int t = 1; t < threads; t++) {
        ex_gen *g = &gen[t];
        size_t need = st->live_count + g->live_count;
        if (need > st->live_capacity) {
            st->live_capacity = 2 * need;
            st->live = en_xrealloc(st->live, st->live_capacity * sizeof *st->live);
            st->live_keys = en_xrealloc(st->live_keys, 4 * st->live_capacity * sizeof *st->live_keys);
            st->live_gain = en_xrealloc(st->live_gain, st->live_capacity * sizeof *st->live_gain);
        }
        if (g->live_count) {
            memcpy(st->live + st->live_count, g->live, g->live_count * sizeof *g->live);
            memcpy(st->live_keys + 4 * st->live_count, g->live_keys,
                   4 * g->live_count * sizeof *g->live_keys);
            memcpy(st->live_gain + st->live_count, g->live_gain,
                   g->live_count * sizeof *g->live_gain);
        }
        st->live_count = need;
        skipped += g->skipped;
        all += g->total;
        valid += g->valid;
        en_free(g->live);
        en_free(g->live_keys);
        en_free(g->live_gain);
    }
    st->skipped += skipped;
    if (rec) {
        rec->candidates_total += all;
        rec->candidates_valid_initially += valid;
    }
    en_free(per_pair);
    en_free(buffer);
}

/* Index of the live candidates by (actor, supply issue) and (actor, demand issue), so that an
 * execution reaches exactly the candidates exchange.md §7.3 recomputes. */
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
    if (2 * live + 1 > st->list_capacity) {
        st->list_capacity = 2 * (2 * live + 1);
        st->sup_list = en_xrealloc(st->sup_list, st->list_capacity * sizeof *st->sup_list);
        st->dem_list = en_xrealloc(st->dem_list, st->list_capacity * sizeof *st->dem_list);
    }
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

/* ---- executing a candidate and recomputing the ones it affects (exchange.md §7.3) ---- */

/* Appends the live, not yet collected candidates of one index list to the scratch buffer, and
 * drops the dead ones from the list as it goes (order is kept, so visits stay deterministic). */
static size_t collect(ex_state *st, const size_t *start, size_t *end, ex_index *list, size_t key,
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
    /* The two sides' new positions: what every live candidate of these actor–issues now
     * starts from. */
    st->cur[(size_t)alpha * m + (size_t)qx] = XI->y;
    st->cur[(size_t)beta * m + (size_t)px] = XJ->y;
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
        /* The affected candidates lie scattered over a large array: fetch their records
         * ahead, and once a record has arrived, the update maps it points to. */
        if (e + 2 * EX_PREFETCH < count) __builtin_prefetch(&st->hot[st->scratch[e + 2 * EX_PREFETCH]]);
        if (e + EX_PREFETCH < count) {
            const ex_hot *ahead = &st->hot[st->scratch[e + EX_PREFETCH]];
            for (int u = 0; u < 2; u++)
                if (ahead->u_count[u]) __builtin_prefetch(st->arena + ahead->u_offset[u]);
        }
        long k = st->scratch[e];
        ex_cand work, *E = &work;
        ex_load(st, k, E, 0);
        int matched[2] = {0, 0}, recompute = 0;
        for (int s = 0; s < 2; s++) {
            ex_side *S = &E->side[s];
            /* S->X came from st->cur: the new position already. */
            if ((S->actor == alpha && S->sup == qx) || (S->actor == beta && S->sup == px))
                matched[s] = 1;
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
        double old_gain = E->gain;
        if (ex_compute(st, o, E)) {
            ex_store(st, o, k, E);
            ex_heap_update(st, k, old_gain);
        } else {
            ex_heap_remove(st, k); /* dead: its record is never read again */
        }
    }
}

/* Externalities of an executed exchange for the other actors (exchange.md §10). */
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

/* ---- one round (exchange.md §3) ---- */

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
    memcpy(st->cur, st->x, nm * sizeof *st->cur);
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
        if (st->realized_count == st->realized_capacity) {
            st->realized_capacity = st->realized_capacity ? 2 * st->realized_capacity : 64;
            st->realized =
                en_xrealloc(st->realized, st->realized_capacity * sizeof *st->realized);
        }
        ex_cand *X = &st->realized[st->realized_count++];
        /* The record holds the inputs and the gain; the reported outputs come back by
         * recomputing (equal gain: same inputs, same result, nothing drawn) or were kept
         * (randomized variant). */
        if (EX_REX(o)) {
            ex_load(st, k, X, 1);
        } else {
            ex_load(st, k, X, 0);
            ex_compute(st, o, X);
        }
        if (rec) record_exchange(st, X, k, rec);
        apply_execution(st, o, X);
    }
    if (rec) rec->tie_events = ties;
    /* 5: voting positions, voting outcome, new start positions (exchange.md §8). */
    double *next = en_xmalloc(nm * sizeof *next);
    memcpy(next, st->x, nm * sizeof *next);
    if (rec) memcpy(rec->voting_position, st->x, nm * sizeof *next);
    for (size_t r = 0; r < st->realized_count; r++) {
        const ex_cand *X = &st->realized[r];
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
    en_free(next);
}
