/*
 * exchange_internal.h — what the two halves of the exchange kernel share: the candidate and
 * state records and the per-candidate operations (exchange_kernel.c) that the round
 * (exchange_round.c) drives. Not for use outside src/models/exchange_*.c.
 */
#ifndef ENTENTE_MODELS_EXCHANGE_INTERNAL_H
#define ENTENTE_MODELS_EXCHANGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "models/exchange.h"

/* Thresholds of exchange.md §5 step 6. */
#define EX_MOVE_MIN 1e-10
#define EX_GAIN_MIN 1e-10
/* Doubles can land a full move on 100.00000000000001 where Decimal lands on 100 (exchange.md §12.3). */
#define EX_SLACK 1e-9
/* The recomputation loop prefetches the update maps this many candidates ahead, and the
 * candidate records twice as far. */
#define EX_PREFETCH 8
#define EX_ARITY 4
/* At most this many threads generate candidates (ex_options.threads). */
#define EX_MAX_THREADS 16
/* The randomized variant is on: computations draw from the generator. */
#define EX_REX(o) ((o)->p > 0 && (o)->rng)
/* alive[k] of a live candidate: where its selection entry is. */
#define EX_IN_RUN 1
#define EX_IN_HEAP 2
/* At most this many buckets in the selection run (ex_heap_build). */
#define EX_BUCKETS 4096

/* One side of a candidate (exchange.md §4.3): the actor, the issue it supplies (moves on) and the one
 * it demands. Its move history H is kept as the committed prefix (count, sum, sign flags) plus
 * the last entry, which is always `m`: the reference only ever appends, or deletes the last
 * entry right before appending a new one, or replaces the last entry. */
typedef struct ex_side {
    int actor;
    short sup, dem;
    double X; /* current position on the supply issue (ex_state.cur when loaded) */
    double m, y, eu, n0, n1;
    double h_sum;     /* sum of the committed history entries */
    unsigned char h_any;        /* there are committed entries */
    unsigned char h_pos, h_neg; /* every committed entry > 0 / < 0 */
    unsigned char adjusted;
} ex_side;

/* Fixed per round, so looked up rather than stored (the candidate records stay small, which
 * is what makes the recomputation loop fast): salience and power on the supply issue, own
 * position on the demand issue (D, the partner's target) and round-start position (start). */
#define AT(S, issue) ((size_t)(S)->actor * st->m + (size_t)(issue))
#define S_SUP(S) (st->s[AT(S, (S)->sup)])
#define S_DEM(S) (st->s[AT(S, (S)->dem)])
#define C_SUP(S) (st->c[AT(S, (S)->sup)])
#define D_OF(S) (st->x[AT(S, (S)->dem)])
#define START_OF(S) (st->x[AT(S, (S)->sup)])

typedef struct ex_uentry {
    int actor;
    double value;
} ex_uentry;

/* The update map U[issue] of a candidate (exchange.md §7.3): positions of third actors that earlier
 * exchanges in the round moved on this candidate's issues. Small, so a plain array, kept in
 * the round's arena (st->arena, from `offset`): no allocation per candidate. */
typedef struct ex_umap {
    unsigned offset;
    unsigned count, capacity; /* at most one entry per actor: n < 65536 (ex_state_new) */
} ex_umap;

/* A candidate's index (its generation index in the round): 32 bits keep the index lists and
 * the selection small (generate() checks the count). */
typedef uint32_t ex_index;

typedef struct ex_heap_entry {
    double gain;
    ex_index k;
} ex_heap_entry;

/* The working form of a candidate: the per-candidate operations run on a copy of it (on the
 * stack, in L1), loaded from and stored back to the compact record below. */
typedef struct ex_cand {
    ex_side side[2]; /* [0] = i (supplies q), [1] = j (supplies p) */
    int p, q, group;
    double gain, dp, dq;
    ex_umap U[2]; /* [0]: issue p, [1]: issue q */
} ex_cand;

/* What a candidate keeps between computations: its committed move histories, its last moves
 * (the next history entries), its gain, its update maps and sticky flags. One 64-byte cache
 * line, where the working form takes 216 bytes: the recomputation loop misses the cache on
 * almost every candidate, so the line count is what sets its speed. The rest is derived:
 * the current position X of a live candidate's side is the actor's current position on its
 * supply issue (every execution moves all live candidates of that actor and issue, docs/models/exchange.md
 * §7.3 (a)), kept per actor × issue in ex_state.cur; the group follows from the sides; a map's
 * capacity from its count. The outputs that are only reported for executed candidates
 * (targets y, eu, nbs_0/nbs_1, dp, dq) are not kept: equal gain recomputes them at execution
 * (a computation is a pure function of this record and the round's constants); the
 * randomized variant, whose computations draw from the generator, keeps them in `ex_cold`. */
enum {
    EX_ADJ0 = 1, EX_ADJ1 = 2,                       /* side adjusted (sticky) */
    EX_HANY0 = 4, EX_HPOS0 = 8, EX_HNEG0 = 16,      /* side 0's history flags */
    EX_HANY1 = 32, EX_HPOS1 = 64, EX_HNEG1 = 128    /* side 1's */
};

typedef struct ex_hot {
    double h_sum[2]; /* sums of the committed history entries */
    double m[2];     /* last moves (the uncommitted history entries) */
    double gain;
    unsigned u_offset[2];        /* update maps U[0] (issue p) and U[1] (issue q) */
    unsigned short actor[2];     /* < 65536 (ex_state_new) */
    unsigned short p, q;
    unsigned short u_count[2];
    unsigned char flags;
    unsigned char pad[3];
} ex_hot;
_Static_assert(sizeof(ex_hot) == 64, "a candidate record is one cache line");

typedef struct ex_cold {
    double y[2], eu[2], n0[2], n1[2], dp, dq;
} ex_cold;

struct ex_state {
    size_t n, m;
    unsigned char *present;
    double *x, *s, *c, *cs;
    double *W, *S0;
    unsigned char *right; /* actor × issue: 1 if the actor is RIGHT of the outcome */
    double *cur;          /* actor × issue: position within the round (X of the live sides) */
    ex_hot *hot;
    ex_cold *cold; /* randomized variant only */
    size_t cand_count, cand_capacity, cold_capacity;
    /* Kept apart from the candidate records so that walking an index list stays in cache:
     * nonzero while a candidate is valid and not yet executed (EX_IN_RUN or EX_IN_HEAP: where
     * its selection entry is), and a visit stamp. */
    unsigned char *alive;
    unsigned *stamp;
    /* The round's live candidates by gain, in buckets (see ex_heap_build): the cursor is at
     * `cursor` in bucket `bucket`; buckets below `prepared` are sorted. */
    ex_heap_entry *run;
    size_t bucket_start[EX_BUCKETS + 1], bucket_end[EX_BUCKETS];
    size_t bucket_count, bucket, prepared, cursor, select_capacity, hpos_capacity;
    ex_heap_entry *heap;
    int *hpos; /* heap position of each candidate in the heap */
    size_t heap_count;
    size_t *sup_start, *dem_start; /* CSR index over actor × issue */
    size_t *sup_end, *dem_end;     /* lists shrink as their dead entries are dropped */
    /* The valid candidates of the round and their index keys (supply i, supply j, demand i,
     * demand j), gathered at generation so the index is built without rereading the records. */
    ex_index *live;
    unsigned *live_keys;
    double *live_gain;
    size_t live_count, live_capacity;
    ex_index *sup_list, *dem_list;
    size_t list_capacity;
    ex_index *scratch;
    size_t scratch_capacity;
    ex_cand *realized; /* the executed candidates of the round, in order, as executed */
    size_t realized_count, realized_capacity;
    unsigned visit;
    long skipped;
    ex_uentry *arena;
    size_t arena_count, arena_capacity;
};

static inline ex_umap *ex_umap_of(ex_cand *E, int issue)
{
    return issue == E->p ? &E->U[0] : &E->U[1];
}

int ex_compute(const ex_state *st, const ex_options *o, ex_cand *E);
void ex_load(const ex_state *st, long k, ex_cand *E, int cold);
void ex_store(ex_state *st, const ex_options *o, long k, const ex_cand *E);
void ex_free_candidates(ex_state *st);
void ex_heap_build(ex_state *st);
void ex_heap_remove(ex_state *st, long k);
void ex_heap_update(ex_state *st, long k, double old_gain);
ex_hot *ex_hot_realloc(ex_hot *old, size_t keep, size_t capacity);
void ex_hist_commit(ex_side *S);
double ex_outcome_of(const ex_state *st, const double *x, size_t d);
void ex_scratch_reserve(ex_state *st, size_t needed);
long ex_select_best(ex_state *st, double tol, long *ties);
void ex_umap_merge(ex_state *st, ex_umap *U, int actor, double y, double s0);

#endif
