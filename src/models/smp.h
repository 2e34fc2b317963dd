/*
 * smp.h — the engine of the `smp` model: the spatial model of politics of the KAPSARC Toolkit
 * for Behavioral Analysis (KTAB), on one multi-dimensional space with positions and saliences
 * on [0,1]. smp_engine.c runs the bargaining rounds; smp.c maps scenarios onto it and fills
 * the result. docs/models/smp.md states the equations and the papers behind them.
 */
#ifndef ENTENTE_MODELS_SMP_H
#define ENTENTE_MODELS_SMP_H

#include <stddef.h>
#include <stdint.h>

#include "entente.h"

/* The nine model options, numbered as KTAB numbers them. */
enum { SMP_VPM_LINEAR, SMP_VPM_SQUARE, SMP_VPM_QUARTIC, SMP_VPM_OCTIC, SMP_VPM_BINARY };
enum { SMP_PCE_CONDITIONAL, SMP_PCE_MARKOV_INCENTIVE, SMP_PCE_MARKOV_UNIFORM };
enum { SMP_STM_DETERMINISTIC, SMP_STM_STOCHASTIC };
enum { SMP_VR_BINARY, SMP_VR_PROP_BIN, SMP_VR_PROP, SMP_VR_PROP_CBC, SMP_VR_CUBIC, SMP_VR_ASYM_PROSP };
enum { SMP_BIGR_NONE, SMP_BIGR_ONE_THIRD, SMP_BIGR_HALF, SMP_BIGR_TWO_THIRDS, SMP_BIGR_FULL };
enum { SMP_RANGE_MIN, SMP_RANGE_MID, SMP_RANGE_MAX };
enum { SMP_TPC_NO_COMMIT, SMP_TPC_SEMI_COMMIT, SMP_TPC_FULL_COMMIT };
enum { SMP_IVB_S1P1, SMP_IVB_S2P2, SMP_IVB_S2PMAX };
enum { SMP_BM_INIT_ONLY, SMP_BM_INIT_RCVR, SMP_BM_PW_COMP };

typedef struct smp_config {
    int victory_prob_model, pce_model, state_transitions, voting_rule, bigr_adjust, bigr_range,
        third_party_commit, inter_vec_bargain, bargain_model;
    int min_rounds, max_rounds;  /* KTAB: 2 and 100 */
    double min_delta_ratio;      /* KTAB: 0.02 */
    uint64_t seed;               /* stochastic transitions only */
    int record;                  /* 1: keep bargains, queue winners and win probabilities */
    int threads;                 /* worker threads (0: one per online core); the output does
                                    not depend on it */
    int precision;               /* SMP_PRECISION_EXACT (KTAB's definition, to the bit) or
                                    SMP_PRECISION_FAST (the large-n path, smp_paths.c) */
    size_t sample;               /* fast path: actors in each stratified sample (0: auto,
                                    smp_sample.h) */
} smp_config;

enum { SMP_PRECISION_EXACT, SMP_PRECISION_FAST };

/* KTAB's defaults (SPEC of KTAB 3b5b063): Linear, Conditional, Deterministic, Prop, OneThird,
 * Mid, SemiCommit, S2P2, InitOnlyInterp; 2..100 rounds; 0.02; seed 0xD67CC16FE69C185C.
 * Time complexity: O(1). */
void smp_config_default(smp_config *config);

typedef struct smp_input {
    size_t n, d;
    const double *capability;    /* n, > 0 (0 allowed: the actor never votes) */
    const double *position;      /* n × d, row per actor, on [0,1] */
    const double *salience;      /* n × d, each in [0,1], row sum <= 1 */
    const double *accommodation; /* n × n, row i = how i's ideal follows positions; NULL = identity */
} smp_input;

/* One proposal made in a round: `initiator` challenged `receiver`. */
typedef struct smp_bargain {
    int initiator, receiver;
    double win_probability; /* the initiator's estimate that it beats the receiver */
    double gain;            /* the initiator's expected gain from the challenge */
    double *init_position;  /* d: where the initiator would move */
    double *rcvr_position;  /* d: where the receiver would move */
} smp_bargain;

typedef struct smp_turn {
    size_t bargain_count;
    smp_bargain *bargains;
    int *winner;        /* n: index into bargains of the bargain that won actor k's queue, -1 = its status quo */
    double *winner_probability; /* n: that bargain's probability in k's queue election */
    double change_ratio; /* the stop rule's dist(t-1,t) / (dist(0,1) + 1e-4) */
} smp_turn;

typedef struct smp_output {
    size_t n, d;
    size_t state_count;   /* states 0..state_count-1; the last is the stop turn */
    double *positions;    /* state_count × n × d */
    double *win_probability; /* state_count × n; without record only the last state's (the
                                others 0) */
    smp_turn *turns;      /* state_count entries; turns[0] is empty (record only) */
    const char *stop_reason; /* "quiet" or "rounds" */
} smp_output;

/* Runs the bargaining rounds from the input positions until KTAB's stop rule holds, on
 * config->threads workers (the output is the same bits for any count).
 * Errors: EN_ERROR_MODEL when a Markov election does not converge in 1000 iterations;
 * EN_ERROR_INTERNAL on inconsistent input (n < 2, d < 1).
 * Time complexity: O(rounds × n² × (n + d)): the risk election over all positions and the
 * bargains' utilities are n³ sums each (without record, deterministic transitions and the
 * default election, the utilities cost O(n² d) plus n² per bargain of a queue whose winner the
 * filter of smp_filter.h cannot prove), the target search O(n² log n) plus O(n) per target
 * it cannot rule out (at worst all: n³); queue elections add O(Σ_k q_k² × n) for queue sizes
 * q_k, and the winning probabilities one more n³ election per state with record. With
 * config->precision = SMP_PRECISION_FAST and a sample of m actors (smp_sample.h): per round
 * O(n²·(m + d) + K·n²) for K ≤ 96 exactly elected options, plus O(m) per target the bound
 * cannot rule out (at worst n²·m). */
en_status smp_solve(const smp_input *input, const smp_config *config, smp_output *out,
                    en_error *err);
/* Tests: on = 1 makes smp_solve use its plain code paths (KTAB's scan over every target, no
 * SIMD kernels), the independent check of the fast ones; call it between runs, not during
 * one. Time complexity: O(1). */
void smp_use_plain_kernels(int on);
/* Tests and benchmarks: on = 1 makes every election of the fast path's conditional product
 * (the risk attitudes' and the winning probabilities', precision=fast) also run exactly (the
 * model's definition, n voters) and keeps, over the elections since the call, the largest
 * |Δp| of an option and how often the most likely option differs; the run's output is
 * unchanged. Costs one exact election (q²·n/2 vote terms) per fast one. Call it between runs,
 * not during one; smp_fast_election_record reads the record (returns the elections checked).
 * Time complexity: O(1). */
void smp_check_fast_elections(int on);
size_t smp_fast_election_record(double *largest_gap, size_t *winner_misses);
/* Instruction-set levels of the SIMD kernels (smp_limit_isa). */
enum { SMP_ISA_SCALAR = 0, SMP_ISA_AVX2 = 1, SMP_ISA_AVX512 = 2 };
/* Tests and benchmarks: caps the instruction sets smp_solve's kernels may use at `level`
 * (SMP_ISA_SCALAR, SMP_ISA_AVX2 or SMP_ISA_AVX512, the default: whatever the processor has),
 * so that one machine can check that every level gives the same bits. Call it between runs,
 * not during one. Time complexity: O(1). */
void smp_limit_isa(int level);
/* Tests: the proportional rule's coalition kernels (the double quads of rows, the candidates'
 * exact rows, the single-precision blocks) at every level the processor has, up to the cap of
 * smp_limit_isa, against the plain pair-by-pair sums, on random utilities of `voters` voters
 * over q options (a fixed generator seeded with `seed`). Returns how many sums differ in any
 * bit; *checked receives how many were compared by a SIMD kernel (0 when the processor has no
 * AVX2). Time complexity: O(q²·voters). */
size_t smp_check_coalition_kernels(size_t voters, size_t q, uint64_t seed, size_t *checked);
/* Tests: the bargains' exact utilities (both ends' utilities, one-ended when a bargain's two
 * positions are the same, and the ordered sums over the third parties, four bargains at a
 * time) at every level the processor has, up to the cap of smp_limit_isa, on 1 to 3 workers'
 * shares, against plain loops, on `count` random bargains among n random actors in d
 * dimensions (a fixed generator seeded with `seed`; n >= 2). Returns how many utilities differ
 * in any bit; *checked receives how many were compared. Time complexity: O(count·n²). */
size_t smp_check_bargain_kernels(size_t n, size_t d, size_t count, uint64_t seed, size_t *checked);
/* Tests: the large-n ranking's coarse-pass sums (sixteen sampled third parties per target, in
 * batches of up to sixteen targets) at every level the processor has, up to the cap of
 * smp_limit_isa (scalar included), against a plain loop, on `count` random targets with
 * random perspectives and principals' places (a fixed generator seeded with `seed`). Returns
 * how many sums differ in any bit; *checked receives how many were compared. Time
 * complexity: O(count). */
size_t smp_check_coarse_kernels(size_t count, uint64_t seed, size_t *checked);
/* ---- the paths (smp_paths.c; docs/models/smp.md, "Large-n path") ---- */

/* The fast path's tolerances against the exact run, in KTAB's 0–100 units, as test_smp_paths
 * establishes them on random problems of 100–300 actors in 2–6 dimensions (docs/models/smp.md,
 * "Large-n path"): the final positions as a population within SMP_FAST_TOLERANCE (per
 * dimension, the mean distance between the two runs' sorted coordinates), actor by actor within
 * SMP_FAST_MEAN_TOLERANCE on average, and the stop turn within SMP_FAST_TURN_TOLERANCE turns.
 * The exact model itself moves by as much when its input moves by 0.01 (one step of KTAB's
 * input grid): one changed challenge changes every later round. */
#define SMP_FAST_TOLERANCE 6.0
#define SMP_FAST_MEAN_TOLERANCE 6.0
#define SMP_FAST_TURN_TOLERANCE 15

/* One way to run the model. The exact entry is the definition (KTAB's, to the bit); the fast
 * entry approximates it for large spaces and must stay within its tolerances of the exact
 * entry's run (tests/models/test_smp_paths.c checks every entry on random problems). */
typedef struct smp_path {
    const char *name;      /* the `precision` parameter's value */
    int precision;         /* SMP_PRECISION_EXACT or SMP_PRECISION_FAST */
    size_t auto_from;      /* precision=auto takes it for spaces of at least this many actors
                              (SIZE_MAX: never); the largest applicable wins */
    size_t min_actors;     /* smallest space the tolerances are established for */
    double tolerance;      /* final positions against the exact run's as a population, KTAB's
                              0–100 units: per dimension the mean |Δ| between the two runs'
                              sorted coordinates, the largest over dimensions (0: exact) */
    double mean_tolerance; /* final positions actor by actor: the mean |Δ| */
    int turn_tolerance;    /* the stop turn within this many turns of the exact run's */
    en_status (*solve)(const smp_input *input, const smp_config *config, smp_output *out,
                       en_error *err); /* smp_solve with the path's precision */
} smp_path;

/* The table, entry k (NULL past the end), an entry by name (NULL if none). Time complexity:
 * O(entries). */
size_t smp_path_count(void);
const smp_path *smp_path_at(size_t k);
const smp_path *smp_path_find(const char *name);
/* The path for a space of n actors: the named entry unless `requested` is "auto" (or NULL or
 * unknown), else the entry whose auto_from is the largest at most n. Never NULL.
 * Time complexity: O(entries). */
const smp_path *smp_path_choose(size_t n, const char *requested);

/* Releases what smp_solve filled (NULL or an emptied output allowed). Time complexity: O(rounds). */
void smp_output_free(smp_output *out);

/* KTAB's random numbers: mt19937_64 followed by KTAB's quadratic transform, as a uniform on
 * [0,1]. Exposed for tests. Time complexity: O(1) amortised per draw. */
typedef struct smp_rng {
    uint64_t state[312];
    size_t index;
} smp_rng;
void smp_rng_seed(smp_rng *rng, uint64_t seed);
uint64_t smp_rng_next(smp_rng *rng); /* the raw mt19937_64 output */
double smp_rng_uniform(smp_rng *rng);

#endif
