/*
 * exchange.h — the kernel of Stokman's exchange model (equal-gain and randomized variants) on
 * plain arrays, independent of scenarios and results so that tests and benchmarks can drive it
 * directly. exchange_kernel.c implements it; exchange.c adapts it to the model interface.
 *
 * All positions are on the internal 0–100 scale of the reference implementation (Decide;
 * docs/models/exchange.md §1.2): the caller maps each issue's scale onto [0, 100] before and back after.
 * Arrays indexed by actor and issue are row-major: [actor * issue_count + issue].
 */
#ifndef ENTENTE_MODELS_EXCHANGE_H
#define ENTENTE_MODELS_EXCHANGE_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

/* The problem: who takes part in which issue, with what position, salience and power. */
typedef struct ex_input {
    size_t actor_count, issue_count;
    const unsigned char *present; /* 1 if the actor has a record on the issue */
    const double *position;       /* internal 0–100 scale */
    const double *salience;
    const double *power;
} ex_input;

typedef struct ex_options {
    double p;          /* randomized variant (REX) when > 0; 0 = equal gain */
    double tie_tol;    /* gains within this of the best are tied (exchange.md §12.1): 1e-12 */
    double knife_eps;  /* knife edge of the overshoot check (exchange.md §12.2): 1e-9 */
    double salience_weight; /* end-of-round update (exchange.md §8): 0.4 */
    double fixed_weight;    /* 0.1 */
    gsl_rng *rng;      /* needed when p > 0; owned by the caller (one per run: reentrant) */
    int threads;       /* threads for candidate generation: 0 = one per online CPU, 1 = none.
                        * Results do not depend on it; the randomized variant is serial. */
} ex_options;

void ex_options_default(ex_options *options);

/* One side of an executed exchange, as the golden files report it. */
typedef struct ex_side_record {
    int actor;
    int supply_issue, demand_issue;
    double x, y, move, target, eu, nbs0, nbs1;
    int adjusted; /* the outcome-overshoot check cut this side's move back (sticky) */
} ex_side_record;

/* Externality sums (exchange.md §10) for one actor or one exchange. */
typedef struct ex_externality {
    double inner_positive, inner_negative, outer_positive, outer_negative, own;
} ex_externality;

typedef struct ex_exchange_record {
    int p, q;   /* the issue pair, p before q in issue order; i supplies q, j supplies p */
    int group;  /* 0: groups a×d (right-right with left-left); 1: b×c */
    long generation; /* generation index within the round (exchange.md §4.2) */
    double gain, dp, dq;
    ex_side_record i, j;
    ex_externality ext; /* summed over the non-exchanging actors, own = the gain */
} ex_exchange_record;

/* What one round did. Arrays are owned by the record (ex_round_record_free). */
typedef struct ex_round_record {
    long candidates_total;
    long candidates_valid_initially;
    long candidates_skipped; /* pairs left out because a salience or power is 0 (exchange.md §1.4) */
    long tie_events;         /* selections with more than one candidate in the tie window */
    double *outcome;         /* preference outcome at the round's start, per issue */
    double *voting_outcome;  /* after the exchanges, per issue */
    double *voting_position; /* actor × issue, after the exchanges */
    ex_exchange_record *exchanges;
    size_t exchange_count, exchange_capacity;
    ex_externality *actor_ext; /* per actor */
} ex_round_record;

void ex_round_record_free(ex_round_record *record);

typedef struct ex_state ex_state;

/* Copies the input; returns NULL if it is unusable (no actors or issues). */
ex_state *ex_state_new(const ex_input *input);
void ex_state_free(ex_state *state);

/* Runs one round (exchange.md §3): candidates, selection loop, end-of-round update. `record` may be
 * NULL (benchmarks); otherwise it is filled (and must start zeroed or freed). */
void ex_round(ex_state *state, const ex_options *options, ex_round_record *record);

/* Current (start-of-next-round) positions, actor × issue, internal scale. */
const double *ex_positions(const ex_state *state);
/* Weighted mean Σ c·s·x / Σ c·s of an issue over the current positions (0 if Σ c·s = 0). */
double ex_outcome(const ex_state *state, size_t issue);

#endif
