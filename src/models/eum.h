/*
 * eum.h — internal kernels of the expected utility model (models/eum.c is the en_model).
 *
 * The expected utility model (EUM) of Bueno de Mesquita, as replicated by Scholz, Calbert &
 * Smith (2011), "Unravelling Bueno de Mesquita's group decision model", J. Theoretical Politics
 * 23(4):510–531, exists in two public replications that are different models
 * (docs/models/eum.md, the spec in tests/golden/bdm/):
 *
 *   EUM_SCHOLZ  the McKibben/Masad "bdm-scholz" code (bdm1): per-voter positive parts, win
 *               probabilities divided by an all-pairs sum, risk from each actor's own view,
 *               offers by type priority;
 *   EUM_MASAD   Masad's "BDM_DecisionModel_Replication" (bdm2): net-vote probabilities, risk
 *               from each challenger's view, offers selected by the largest sender EU.
 *
 * The kernels work on plain arrays (capability c[], salience s[], position x[], in actor
 * order) so they can be tested without a scenario. One call runs one round. Each variant has a
 * straight path, which follows the reference operation order exactly (bit-identical to the
 * goldens with glibc pow and -ffp-contract=off), and a fast path, which reorders sums (results
 * differ from the straight path by ~1e-15 relative).
 */
#ifndef ENTENTE_MODELS_EUM_H
#define ENTENTE_MODELS_EUM_H

#include <stddef.h>

typedef enum eum_variant { EUM_SCHOLZ = 0, EUM_MASAD = 1 } eum_variant;

typedef enum eum_move_type {
    EUM_MOVE_NONE = 0, /* masad: the selected offer left the position unchanged */
    EUM_MOVE_CONFRONTATION,
    EUM_MOVE_COMPROMISE,
    EUM_MOVE_CAPITULATION
} eum_move_type;

const char *eum_move_type_name(eum_move_type type);

/* What happened to one actor (the receiver) in a round. with < 0: no offer at all. */
typedef struct eum_move {
    long with;          /* actor index of the other side, -1 if none */
    eum_move_type type;
    double eu_self;     /* scholz: e_ij = E^i(i→j); masad: Ui = EU_i(j) */
    double eu_other;    /* scholz: e_ji = E^i(j→i); masad: Uj = EU_j(i), the sender's own EU */
    double offer_x;     /* position of the other side at the start of the round */
    double new_position;
    size_t n_offers;    /* masad: offers received; scholz: qualifying offers */
} eum_move;

/* Why a round could not be run. The references divide by zero in these cases. */
typedef enum eum_status {
    EUM_ROUND_OK = 0,
    EUM_ROUND_CONSENSUS,      /* every actor holds one position: nothing left to negotiate */
    EUM_ROUND_EQUAL_DANGER,   /* all danger levels / security sums equal: risk undefined */
    EUM_ROUND_NO_INFORMATION, /* zero total vote (all weights 0, or all voters indifferent) */
    EUM_ROUND_BAD_INPUT       /* masad: a position outside [xmin, xmax], or xmax <= xmin */
} eum_status;

/* Stop reason string used in results for a status ("consensus", "equal_danger", ...). */
const char *eum_status_name(eum_status status);

typedef struct eum_path eum_path;

/* Memory a round keeps for the next round of the same run (the scholz sorted path's table of
 * votes and its O(n) arrays), so that a run allocates it once rather than every round. One per
 * run and thread; eum_scratch_new never returns NULL (it aborts as en_xmalloc does),
 * eum_scratch_free(NULL) does nothing. Time complexity: O(1). */
typedef struct eum_scratch eum_scratch;
eum_scratch *eum_scratch_new(void);
void eum_scratch_free(eum_scratch *scratch);

typedef struct eum_config {
    eum_variant variant;
    double Q;          /* weight of the status quo in the EU (1 = the paper's default) */
    double T;          /* masad, Q < 1: weight of "better" vs "worse" status-quo outcomes */
    double range;      /* scholz: D, max − min of the *initial* positions, fixed for the run */
    double xmin, xmax; /* masad: the position scale (dx = xmax − xmin) */
    const eum_path *path; /* how the round is computed (eum_paths.c); NULL: the variant's
                           * straight reference-order path */
    int array_powers;  /* scholz fast path: the offer phase's powers as exp(r·log b) over whole
                        * arrays (core/vmath.h; ~1e-14 relative, 3× cheaper: Monte Carlo draws)
                        * instead of glibc pow (the straight path's bits) */
    eum_scratch *scratch; /* scholz sorted path: memory kept from round to round (NULL: the
                           * round allocates and frees its own); results do not depend on it */
    int threads;       /* masad fast path: threads (0: one per online core); results do not
                        * depend on it */
} eum_config;

/* Optional per-round outputs; any pointer may be NULL. Matrices are n×n, row-major [i][j],
 * diagonal left as NAN. Only the straight path fills the *_trace fields; both fill
 * eu_self/eu_other (the quadrant data) when asked. */
typedef struct eum_trace {
    double *r;         /* n: risk exponents used in the offer phase */
    double *eu_self;   /* [i][j] EU for i of challenging j (scholz e_ij, masad pass-2 EU_i(j)) */
    double *eu_other;  /* [i][j] EU of j challenging i (scholz e_ji as i sees it; masad EU_j(i)) */
    /* straight path only (the trace files: docs/models/eum.md, "Output"): */
    double *danger;    /* n: scholz danger levels (r = 1) / masad security sums */
    double *R;         /* n: scholz risk acceptance R (masad: the same quantity) */
    double *P_risk;    /* scholz: P in the risk phase (r = 1); masad: pass-1 EU */
    double *P;         /* scholz: P in the offer phase; masad: P_i(j) */
    double *U1[5];     /* masad pass 1: Us, Uf, Ub, Uw, Usq */
    double *U2[5];     /* masad pass 2 */
    double mu1, mu2;   /* masad: mu of pass 1 (median) and pass 2 (mean) */
} eum_trace;

/* Runs one round from positions x[0..n) to x_out (may not alias x). moves[n] receives what
 * happened to each actor. Returns EUM_ROUND_OK, or why the round cannot be run (x_out then
 * equals x). */
eum_status eum_round(const eum_config *cfg, size_t n, const double *c, const double *s,
                     const double *x, double *x_out, eum_move *moves, eum_trace *trace);

/* Variant kernels (eum_scholz.c, eum_masad.c, eum_masad_fast.c). */
eum_status eum_scholz_round_straight(const eum_config *cfg, size_t n, const double *c,
                                     const double *s, const double *x, double *x_out,
                                     eum_move *moves, eum_trace *trace);
eum_status eum_scholz_round_fast(const eum_config *cfg, size_t n, const double *c,
                                 const double *s, const double *x, double *x_out,
                                 eum_move *moves, eum_trace *trace);
eum_status eum_masad_round_straight(const eum_config *cfg, size_t n, const double *c,
                                    const double *s, const double *x, double *x_out,
                                    eum_move *moves, eum_trace *trace);
eum_status eum_masad_round_fast(const eum_config *cfg, size_t n, const double *c,
                                const double *s, const double *x, double *x_out,
                                eum_move *moves, eum_trace *trace);

eum_status eum_scholz_round_sorted(const eum_config *cfg, size_t n, const double *c,
                                   const double *s, const double *x, double *x_out,
                                   eum_move *moves, eum_trace *trace);

/* ---- the paths (eum_paths.c) ------------------------------------------------------------- */

typedef eum_status (*eum_round_fn)(const eum_config *cfg, size_t n, const double *c,
                                   const double *s, const double *x, double *x_out,
                                   eum_move *moves, eum_trace *trace);

/* One way to compute a round. The straight entry of each variant is the definition; the
 * others must stay within `tolerance` of it (test_eum_fast checks every entry). */
struct eum_path {
    const char *name;   /* the `path` parameter's value */
    eum_variant variant;
    const char *shown;  /* what results report as the "path" */
    size_t auto_shown;  /* path=auto takes it from this many actors when results are shown
                         * (SIZE_MAX: never); the largest applicable wins */
    size_t auto_draws;  /* the same for trace=none (Monte Carlo, sensitivity draws) */
    double tolerance;   /* largest |Δx| of a round against the straight path (0: it is it) */
    eum_round_fn round;
};

/* The table, entry k (NULL past the end), and the entry of a variant by name (NULL if none).
 * Time complexity: O(entries). */
size_t eum_path_count(void);
const eum_path *eum_path_at(size_t k);
const eum_path *eum_path_find(eum_variant variant, const char *name);
/* The path for an issue of n actors: straight under trace=full (`full`), the named entry if
 * `requested` is not "auto" (masad: fast for vector and sorted), else the entry whose
 * auto_shown (or auto_draws, with `draws`) is the largest at most n. Never NULL.
 * Time complexity: O(entries). */
const eum_path *eum_path_choose(eum_variant variant, size_t n, const char *requested,
                                int draws, int full);

/* Shared helpers (eum_common.c). */
int eum_all_equal(size_t n, const double *x);

/* masad's resolution of receiver i's selected offer from j (docs/models/eum.md, "Variant masad"): fills mv's type
 * and new position from Ui (i's EU of challenging j) and Uj (j's EU of challenging i). Shared
 * by the straight and the fast path so the rule lives in one place. */
void eum_masad_resolve(eum_move *mv, double xi, double xj, double Ui, double Uj);
/* r_i = (1 − R_i/3)/(1 + R_i/3) with R_i = ((2·d_i − max) − min)/(max − min), in the
 * references' operation order. Returns 0 if max == min (the references divide by zero). */
int eum_risk_exponents(size_t n, const double *danger, double *R, double *r);
/* Threads the masad fast path uses for a requested count (0: online cores), 1..EUM_MAX_THREADS. */
#define EUM_MAX_THREADS 64
int eum_thread_count(int requested);
/* The fast path is chosen above these sizes (below them the straight path is cheap). */
#define EUM_FAST_MIN_SCHOLZ 24
#define EUM_FAST_MIN_MASAD 48
/* scholz's sorted path is chosen from this size (O(n²) against the fast path's O(m²·n)) */
#define EUM_SORTED_MIN_SCHOLZ 1000

#endif
