/*
 * montecarlo.h — internals of the Monte Carlo forecast (montecarlo.c) shared with its writers
 * (report/montecarlo_write.c) and the tests: the sampling primitives, the random stream scheme
 * and the streaming per-issue statistics. Users see only the opaque en_mc_result of entente.h.
 *
 * The scheme in short (docs/analysis.md has the long form): draws are cut into blocks of
 * EN_MC_BLOCK consecutive draws; block b draws from its own gsl_rng (MT19937) seeded with
 * en_mc_stream_seed(seed, b); threads take whole blocks; finished blocks are merged into the
 * statistics strictly in block order, so the statistics equal those of one thread walking the
 * draws in order — bit for bit, whatever the thread count.
 */
#ifndef ENTENTE_ANALYSIS_MONTECARLO_H
#define ENTENTE_ANALYSIS_MONTECARLO_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sample.h" /* the streams and en_mc_sample_value */
#include "core/scenario.h"
#include "entente.h"

/* Draws per block: the unit of work, of random stream and of merging. Changing it changes
 * every forecast for a given seed, so it is a constant, never derived from the thread count. */
#define EN_MC_BLOCK 64
/* Fine histogram bins per issue on [scale_min, scale_max]; quantiles are read from them. */
#define EN_MC_BINS 4000
/* Bins of the histogram written in the output (each EN_MC_BINS / EN_MC_OUTPUT_BINS fine bins). */
#define EN_MC_OUTPUT_BINS 20
/* Distinct stop reasons counted per issue; further ones are counted as "other". */
#define EN_MC_MAX_REASONS 12
/* Writes one draw of every value of `from` into `into` (a clone of `from`): every uncertain
 * value sampled in a fixed order (issue status quos; then per actor capability, risk and per
 * issue position, salience, public position, power), then, if jitter > 0, every capability,
 * position and salience perturbed by a uniform share of up to ±jitter of its range and clamped
 * to its valid range (capability, whose range is unbounded: ±jitter × its value). */
void en_mc_sample_scenario(const en_scenario *from, en_scenario *into, gsl_rng *rng, double jitter);

typedef struct en_mc_reason {
    char name[64];
    size_t count;
} en_mc_reason;

/* Streaming statistics of one issue over the draws merged so far (memory independent of the
 * number of draws). */
typedef struct en_mc_issue_stats {
    size_t count;          /* draws that gave a forecast on this issue */
    double mean, m2;       /* Welford's running mean and sum of squared deviations, draw order */
    double min, max;
    uint64_t *bins;        /* EN_MC_BINS counts on the issue's scale */
    double point;          /* forecast of the point-estimate scenario (no sampling) */
    size_t below, equal, above; /* vs the status quo of the same draw, if the issue has one */
    size_t *label_counts;  /* per scale label: draws whose forecast is nearest to it */
    en_mc_reason reasons[EN_MC_MAX_REASONS];
    size_t reason_count, reason_other;
    size_t converged, round_limit, stopped_early;
    /* Draws with no forecast on this issue because every actor's weight on it (capability x
     * salience) was drawn to zero: whatever number a model gives for 0/0 is left out. */
    size_t zero_weight;
} en_mc_issue_stats;

struct en_mc_result {
    const en_scenario *scenario;
    const en_model *model;
    en_params *params;     /* as given (the per-draw model seed is not part of it) */
    uint64_t seed;
    double jitter;
    size_t draws_requested;
    size_t draws_done;     /* draws merged: a prefix 0 .. draws_done-1 of the draw sequence */
    size_t draws_failed;   /* draws the model refused (left out of the statistics) */
    long first_failure_draw; /* -1 if none */
    char first_failure[512];
    int interrupted;
    int same_draws;        /* no draw could differ: the model ran once per worker, reused after */
    size_t model_runs;     /* model runs for the draws on this process (the point run not counted) */
    en_mc_issue_stats *issues; /* one per scenario issue */
    size_t issue_count;
};

/* 1 when every draw of a Monte Carlo of `model` with `params` on `scenario` at `jitter` is
 * the same problem with the same answer: no uncertain value in the scenario (every value fixed,
 * a normal without spread, or a triangle without width: sampling returns the value itself), no
 * jitter, and the model's result cannot depend on the per-draw seed (en_model_seed_free).
 * Setting ENTENTE_MC_REUSE=0 in the environment makes it 0 (every draw runs the model).
 * Time complexity: O(actors × issues + parameters). */
int en_mc_draws_identical(const en_model *model, const en_scenario *scenario,
                          const en_params *params, double jitter);

/* Quantile p in [0, 1] of an issue's forecasts, interpolated linearly inside the fine bin where
 * the cumulative count crosses p·count and clamped to [min, max] (so a distribution without
 * spread gives its value exactly). Error: at most one bin width, (scale_max − scale_min) /
 * EN_MC_BINS. NaN if no draw gave a forecast. */
double en_mc_quantile(const en_mc_result *result, size_t issue, double p);
/* Standard deviation (n − 1 denominator; 0 for fewer than two draws). */
double en_mc_sd(const en_mc_result *result, size_t issue);
/* Classification of a stop reason: 0 converged, 1 round limit, 2 stopped early. */
int en_mc_reason_class(const char *reason);
/* Index of the label of `issue` nearest to x (the first of equally near ones), -1 if none. */
long en_mc_nearest_label(const en_issue *issue, double x);

#endif
