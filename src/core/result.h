/*
 * result.h — what a model run produces: per issue, the trace of every participating actor's
 * position round by round, the summary statistics of each round, the forecast and the reason
 * the model stopped; plus model-specific data (en_node trees) and story lines for text output.
 * Models fill it through the functions below; writers (report/) read it.
 */
#ifndef ENTENTE_CORE_RESULT_H
#define ENTENTE_CORE_RESULT_H

#include "core/node.h"
#include "core/scenario.h"
#include "entente.h"

typedef struct en_round {
    int round;
    double *positions; /* one per participant, in participant order */
    double mean;       /* Σ w·x / Σ w with w = capability × salience, summed in actor order */
    double median;     /* weighted median (docs/models.md) */
    en_node *extra;    /* model-specific fields of this round, or NULL */
} en_round;

typedef struct en_issue_result {
    size_t issue;               /* scenario issue index */
    size_t participant_count;   /* actors with a stance on the issue */
    size_t *participants;       /* scenario actor index of each participant */
    double *weights;            /* capability × salience of each participant */
    en_round *rounds;
    size_t round_count, round_capacity;
    double *position_store;     /* every round's positions, one block (rounds[k].positions
                                 * points into it): one allocation per doubling, not per round */
    size_t position_capacity;   /* rounds the store holds */
    double forecast;
    char stop_reason[64];
    en_node *extra;             /* model-specific fields of this issue, or NULL */
} en_issue_result;

/* A line of the round-by-round story shown in text output. issue < 0: about several issues. */
typedef struct en_story_line {
    int round;
    long issue;
    char *text;
} en_story_line;

struct en_result {
    const en_scenario *scenario;
    const en_model *model;
    en_params *params; /* effective parameters, defaults filled in */
    en_issue_result *issues;
    size_t issue_count;
    en_node *extra; /* model-specific top-level fields, or NULL */
    en_story_line *story;
    size_t story_count, story_capacity;
};

en_result *en_result_new(const en_scenario *scenario, const en_model *model,
                         const en_params *params);

/* Adds an issue with the scenario's participants (actors with a stance on it), in actor order.
 * Returns its index in the result. */
size_t en_result_add_issue(en_result *result, size_t issue);

/* Appends a round with the given positions (one per participant); computes mean and median
 * with the issue's weights. Returns the round. Like the returned pointer, the rounds' positions
 * pointers are valid until the next call for the issue (the block behind them may move). */
en_round *en_result_add_round(en_result *result, size_t index, const double *positions);

/* Sets the forecast and stop reason of an issue. */
void en_result_finish_issue(en_result *result, size_t index, double forecast,
                            const char *stop_reason);

void en_result_say(en_result *result, int round, long issue, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* The extra object of a round / issue / the result, created on first use. */
en_node *en_round_extra(en_round *round);
en_node *en_issue_result_extra(en_issue_result *issue);
en_node *en_result_extra(en_result *result);

/* Statistics, exposed for models and tests. Weighted mean in the given order; weighted median:
 * the actor position minimising Σ w·|x − p|; on a tie the one nearest the weighted mean, then
 * the lower. Zero total weight: the plain mean / median. */
double en_weighted_mean(const double *positions, const double *weights, size_t count);
double en_weighted_median(const double *positions, const double *weights, size_t count);

#endif
