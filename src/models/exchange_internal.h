/*
 * exchange_internal.h — what the two halves of the exchange kernel share: the candidate and
 * state records and the per-candidate operations (exchange_kernel.c) that the round
 * (exchange_round.c) drives. Not for use outside src/models/exchange_*.c.
 */
#ifndef ENTENTE_MODELS_EXCHANGE_INTERNAL_H
#define ENTENTE_MODELS_EXCHANGE_INTERNAL_H

#include <stddef.h>

#include "models/exchange.h"

/* Thresholds of SPEC §5 step 6. */
#define EX_MOVE_MIN 1e-10
#define EX_GAIN_MIN 1e-10
/* Doubles can land a full move on 100.00000000000001 where Decimal lands on 100 (SPEC §12.3). */
#define EX_SLACK 1e-9
/* How many candidates ahead the recomputation loop prefetches. */
#define EX_PREFETCH 8
#define EX_ARITY 4

/* One side of a candidate (SPEC §4.3): the actor, the issue it supplies (moves on) and the one
 * it demands. Its move history H is kept as the committed prefix (count, sum, sign flags) plus
 * the last entry, which is always `m`: the reference only ever appends, or deletes the last
 * entry right before appending a new one, or replaces the last entry. */
typedef struct ex_side {
    int actor;
    short sup, dem;
    double X; /* current position on the supply issue (starts at the round-start position) */
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

/* The update map U[issue] of a candidate (SPEC §7.3): positions of third actors that earlier
 * exchanges in the round moved on this candidate's issues. Small, so a plain array, kept in
 * the round's arena (st->arena, from `offset`): no allocation per candidate. */
typedef struct ex_umap {
    unsigned offset;
    int count, capacity;
} ex_umap;

typedef struct ex_heap_entry {
    double gain;
    long k;
} ex_heap_entry;

typedef struct ex_cand {
    ex_side side[2]; /* [0] = i (supplies q), [1] = j (supplies p) */
    int p, q, group;
    double gain, dp, dq;
    double key; /* its heap key: >= gain (decreases are applied lazily, see heap_update) */
    ex_umap U[2]; /* [0]: issue p, [1]: issue q */
} ex_cand;

struct ex_state {
    size_t n, m;
    unsigned char *present;
    double *x, *s, *c, *cs;
    double *W, *S0;
    unsigned char *right; /* actor × issue: 1 if the actor is RIGHT of the outcome */
    ex_cand *cand;
    size_t cand_count, cand_capacity;
    /* Kept apart from the large candidate records so that walking an index list stays in
     * cache: 1 while a candidate is valid and not yet executed, and a visit stamp. */
    unsigned char *alive;
    unsigned *stamp;
    ex_heap_entry *heap;
    long *hpos; /* heap position of each candidate, -1 when not in the heap */
    size_t heap_count;
    size_t *sup_start, *dem_start; /* CSR index over actor × issue */
    size_t *sup_end, *dem_end;     /* lists shrink as their dead entries are dropped */
    /* The valid candidates of the round and their index keys (supply i, supply j, demand i,
     * demand j), gathered at generation so the index is built without rereading the records. */
    long *live;
    unsigned *live_keys;
    size_t live_count, live_capacity;
    long *sup_list, *dem_list;
    long *scratch;
    size_t scratch_capacity;
    long *realized;
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
void ex_free_candidates(ex_state *st);
void ex_heap_build(ex_state *st);
void ex_heap_remove(ex_state *st, long k);
void ex_heap_update(ex_state *st, long k);
void ex_hist_commit(ex_side *S);
double ex_outcome_of(const ex_state *st, const double *x, size_t d);
void ex_scratch_reserve(ex_state *st, size_t needed);
long ex_select_best(ex_state *st, double tol, long *ties);
void ex_umap_merge(ex_state *st, ex_umap *U, int actor, double y, double s0);

#endif
