/*
 * entente.h — the public API of libentente, the library behind the `entente` command.
 *
 * entente forecasts multi-party negotiations: it loads a scenario (actors with capability,
 * positions and salience on issues, vetoes, patrons, uncertain values), runs a forecasting
 * model from its registry, and reports the result. Everything here is opaque or plain data;
 * nothing else in the source tree is part of the API.
 *
 * Conventions: functions that can fail return an en_status and fill an en_error. An en_error
 * must be initialised with EN_ERROR_INIT (or en_error_clear) and released with en_error_clear.
 * Objects are freed with their *_free function; passing NULL to a *_free function is allowed.
 */
#ifndef ENTENTE_H
#define ENTENTE_H

#include <signal.h> /* sig_atomic_t: the cancel flag of en_mc_options */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header. en_version() and en_version_number() give the library's, which
 * a program linked against the shared library may find newer (never older in the major). */
#define ENTENTE_VERSION_MAJOR 0
#define ENTENTE_VERSION_MINOR 1
#define ENTENTE_VERSION_PATCH 0
/* MAJOR·10000 + MINOR·100 + PATCH, comparable with en_version_number(). */
#define ENTENTE_VERSION_NUMBER \
    (ENTENTE_VERSION_MAJOR * 10000 + ENTENTE_VERSION_MINOR * 100 + ENTENTE_VERSION_PATCH)

/* Everything declared in this header is exported from libentente.so; the library is built with
 * -fvisibility=hidden, so nothing else is. */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* ---- errors ------------------------------------------------------------------------------ */

typedef enum en_status {
    EN_OK = 0,
    EN_ERROR_INTERNAL = 1, /* a bug or resource failure: exit status 1 */
    EN_ERROR_INPUT = 2,    /* bad scenario, bad arguments, unreadable file: exit status 2 */
    EN_ERROR_MODEL = 3,    /* the model cannot run on this input (reported like bad input) */
    EN_ERROR_INTERRUPTED = 4
} en_status;

/* One problem, located where known (line and column are 1-based; 0 means unknown). A loader
 * that finds several problems chains them through `next` (owned by the first). */
typedef struct en_error {
    en_status code;
    char message[512];
    char file[512];
    int line;
    int column;
    struct en_error *next;
} en_error;

#define EN_ERROR_INIT {EN_OK, {0}, {0}, 0, 0, NULL}

void en_error_clear(en_error *err);
/* Number of problems held (0 when code is EN_OK). */
size_t en_error_count(const en_error *err);
/* Writes every problem as `FILE:LINE:COL: error: MESSAGE` (one per line). */
void en_error_print(const en_error *err, FILE *out);
/* Exit status the CLI uses for this error: 0, 1 or 2. */
int en_error_exit_status(const en_error *err);

/* The library's version as "MAJOR.MINOR.PATCH". Static storage; never NULL. Time complexity: O(1). */
const char *en_version(void);
/* The library's version as MAJOR·10000 + MINOR·100 + PATCH (see ENTENTE_VERSION_NUMBER), for a
 * program to check at run time that the shared library it loaded is recent enough.
 * Time complexity: O(1). */
int en_version_number(void);

/* ---- scenarios --------------------------------------------------------------------------- */

typedef struct en_scenario en_scenario;

typedef enum en_input_format {
    EN_FORMAT_AUTO = 0, /* by content and extension */
    EN_FORMAT_YAML,     /* entente scenario v1 */
    EN_FORMAT_CSV,      /* the BDM stakeholder sheet: Actor,Capability,Position,Salience */
    EN_FORMAT_DECIDE,   /* the Decide #A/#P/#M/#D file */
    EN_FORMAT_DEU,      /* a DEU outcome table (TAB-separated; one scenario per proposal) */
    EN_FORMAT_KTAB_CSV, /* KTAB's SMP CSV input (scenario line, header, one line per actor) */
    EN_FORMAT_KTAB_XML  /* KTAB's SMP XML input (<Scenario>) */
} en_input_format;

typedef struct en_load_options {
    en_input_format format;
    int has_scale; /* CSV: use [scale_min, scale_max] instead of the range of the positions */
    double scale_min;
    double scale_max;
} en_load_options;

/* Loads a scenario file. On failure *out is NULL and err holds one entry per problem. */
en_status en_scenario_load(const char *path, const en_load_options *options, en_scenario **out,
                           en_error *err);
/* Same, from memory; `name` is used in messages. */
en_status en_scenario_load_buffer(const char *data, size_t size, const char *name,
                                  const en_load_options *options, en_scenario **out,
                                  en_error *err);
void en_scenario_free(en_scenario *scenario);

/* Loads every scenario a file holds: a DEU table gives one per proposal, every other format
 * one. On success *out is an array of *count scenarios (free each, then the array with free);
 * on failure *out is NULL and err holds every problem. en_scenario_load on a DEU table with
 * several proposals fails and names this function's users (`entente backtest`).
 * Time complexity: O(file size) plus the loader's own. */
en_status en_scenario_load_all(const char *path, const en_load_options *options,
                               en_scenario ***out, size_t *count, en_error *err);
en_status en_scenario_load_all_buffer(const char *data, size_t size, const char *name,
                                      const en_load_options *options, en_scenario ***out,
                                      size_t *count, en_error *err);
/* Number of issues with a recorded outcome (`outcome:`), and issue `issue`'s outcome: returns
 * 1 and sets *value when the issue has one. Time complexity: O(issues) / O(1). */
size_t en_scenario_outcome_count(const en_scenario *scenario);
int en_scenario_issue_outcome(const en_scenario *scenario, size_t issue, double *value);

const char *en_scenario_title(const en_scenario *scenario);
size_t en_scenario_issue_count(const en_scenario *scenario);
const char *en_scenario_issue_id(const en_scenario *scenario, size_t issue);
const char *en_scenario_issue_name(const en_scenario *scenario, size_t issue);
size_t en_scenario_actor_count(const en_scenario *scenario);
const char *en_scenario_actor_id(const en_scenario *scenario, size_t actor);
const char *en_scenario_actor_name(const en_scenario *scenario, size_t actor);
/* Notes the loader raised without failing (e.g. ignored CSV columns), formatted
 * `FILE:LINE:COL: note: ...`. */
size_t en_scenario_note_count(const en_scenario *scenario);
const char *en_scenario_note(const en_scenario *scenario, size_t index);

/* Writes the scenario as entente YAML (format v1), e.g. to move CSV or Decide data over. */
en_status en_scenario_write_yaml(const en_scenario *scenario, FILE *out, en_error *err);

/* ---- models ------------------------------------------------------------------------------ */

typedef struct en_model en_model;

size_t en_model_count(void);
const en_model *en_model_at(size_t index);
const en_model *en_model_find(const char *name);
const char *en_model_name(const en_model *model);
/* 0 when the model does not apply to the scenario (e.g. `war` without a war: section). */
int en_model_applies(const en_model *model, const en_scenario *scenario);
const char *en_model_description(const en_model *model);

/* The name of the model entente forecasts with when the user names none (`entente forecast`):
 * chosen by accuracy on outcome data (docs/validation.md). Never NULL; a registered model.
 * Time complexity: O(1). */
const char *en_default_forecaster(void);
size_t en_model_param_count(const en_model *model);
/* Name, default value (as text), one-line description and accepted values ("number",
 * "integer >= 1", "scholz|masad", ...) of a model parameter. */
void en_model_param_info(const en_model *model, size_t index, const char **name,
                         const char **default_value, const char **description,
                         const char **accepted);

/* Parameters for a run: NAME=VALUE pairs, checked against the model when it runs. The names
 * `rounds`, `seed` and `trace` (summary|full|none) are accepted by every model and ignored by those
 * that do not use them. So is `output` (all|text): what the caller will show; with `text` a
 * model may leave out the extras text output does not print (never a position or story line). */
typedef struct en_params en_params;
en_params *en_params_new(void);
void en_params_free(en_params *params);
/* Parses "NAME=VALUE" (as given to --param). */
en_status en_params_parse(en_params *params, const char *assignment, en_error *err);
en_status en_params_set(en_params *params, const char *name, const char *value, en_error *err);
en_params *en_params_copy(const en_params *params);
/* The subset of `params` that `model` declares, plus the universal ones. */
en_params *en_params_for_model(const en_params *params, const en_model *model);

/* ---- running and results ----------------------------------------------------------------- */

typedef struct en_result en_result;

/* Runs one model on a scenario. The result refers to the scenario, which must outlive it. */
en_status en_run(const en_model *model, const en_scenario *scenario, const en_params *params,
                 en_result **out, en_error *err);
void en_result_free(en_result *result);

const en_model *en_result_model(const en_result *result);
const en_scenario *en_result_scenario(const en_result *result);
size_t en_result_issue_count(const en_result *result);
/* Scenario index of the result's issue `index`. */
size_t en_result_issue(const en_result *result, size_t index);
double en_result_forecast(const en_result *result, size_t index);
/* Number of rounds recorded, round 0 (the input) included. */
size_t en_result_round_count(const en_result *result, size_t index);
/* Why the model stopped on this issue ("rounds", "fixed_point", "consensus", ...). */
const char *en_result_stop_reason(const en_result *result, size_t index);
/* Position of scenario actor `actor` after `round`; returns 0 if that actor has no position
 * on the issue. */
int en_result_position(const en_result *result, size_t index, size_t round, size_t actor,
                       double *position);

typedef enum en_output_format {
    EN_OUTPUT_TEXT = 0,
    EN_OUTPUT_JSON,
    EN_OUTPUT_CSV
} en_output_format;

/* Parses "text" | "json" | "csv". */
en_status en_output_format_parse(const char *name, en_output_format *out, en_error *err);

/* Writes one run in the given format (see docs/cli.md for the layouts). */
en_status en_result_write(const en_result *result, en_output_format format, FILE *out,
                          en_error *err);
/* Writes the round-by-round record of a spatial model run (smp: every round's positions,
 * winning probabilities, bargains and queue winners) as one CSV table (docs/cli.md, `entente
 * trace`). Errors: EN_ERROR_INPUT when the result holds no such record (another model, or
 * trace=none). Time complexity: O(rounds × issues × (actors + bargains)). */
en_status en_result_write_trace_csv(const en_result *result, FILE *out, en_error *err);
/* Writes several runs of one scenario side by side (the `compare` table). */
en_status en_compare_write(const en_scenario *scenario, en_result *const *results, size_t count,
                           en_output_format format, FILE *out, en_error *err);

/* ==== uncertainty analysis: Monte Carlo and sensitivity (src/analysis/) ======================
 * docs/analysis.md describes the sampling scheme, the random streams, jitter, the output fields
 * and the sensitivity method. Both analyses run any registered model through en_run. */

typedef struct en_mc_result en_mc_result;

/* Progress callback: `done` of `total` draws aggregated so far. */
typedef void (*en_progress_fn)(size_t done, size_t total, void *data);

typedef struct en_mc_options {
    size_t draws;     /* number of draws, >= 1 (default 1000) */
    uint64_t seed;    /* same seed, same output, whatever `threads` is (default 1) */
    unsigned threads; /* worker threads; 0 (default): one per online core */
    double jitter;    /* in [0, 1]: every capability, salience and position also moved by a
                       * uniform share of up to ±jitter of its range, clamped (default 0) */
    en_progress_fn progress; /* optional; called on the calling thread ~10 times a second */
    void *progress_data;
    /* Optional: when *cancel becomes non-zero (e.g. set by a SIGINT handler) the run stops
     * and en_mc_run returns EN_ERROR_INTERRUPTED with the draws done so far. */
    const volatile sig_atomic_t *cancel;
} en_mc_options;

void en_mc_options_init(en_mc_options *options);

/* Monte Carlo forecast: runs `model` on `draws` sampled copies of the scenario (every uncertain
 * value drawn from its distribution, plus jitter) in parallel and aggregates per issue. The
 * result refers to the scenario, which must outlive it. On EN_ERROR_INTERRUPTED *out still
 * holds the statistics of the draws done (a prefix of the draw sequence), marked interrupted.
 * Time complexity: O(draws × cost of one model run) / threads. Memory does not grow with draws. */
en_status en_mc_run(const en_model *model, const en_scenario *scenario, const en_params *params,
                    const en_mc_options *options, en_mc_result **out, en_error *err);
void en_mc_result_free(en_mc_result *result);
/* Draws aggregated (draws requested unless interrupted). */
size_t en_mc_result_draws(const en_mc_result *result);
size_t en_mc_result_issue_count(const en_mc_result *result);
/* Mean and quantile p in [0, 1] of the forecasts on scenario issue `issue` (NaN if none). */
double en_mc_result_mean(const en_mc_result *result, size_t issue);
double en_mc_result_quantile(const en_mc_result *result, size_t issue, double p);
/* Writes the per-issue summary (docs/analysis.md has the text, JSON and CSV layouts). */
en_status en_mc_result_write(const en_mc_result *result, en_output_format format, FILE *out,
                             en_error *err);

typedef struct en_sensitivity_result en_sensitivity_result;

typedef enum en_sensitivity_input {
    EN_INPUT_CAPABILITY = 0,
    EN_INPUT_SALIENCE,
    EN_INPUT_POSITION
} en_sensitivity_input;

typedef struct en_sensitivity_options {
    double delta; /* share of each value's range to move it by, in (0, 1] (default 0.1) */
    size_t top;   /* drivers listed per issue in text output (default 5; JSON lists all) */
} en_sensitivity_options;

void en_sensitivity_options_init(en_sensitivity_options *options);

/* One-at-a-time sensitivity: for each actor × {capability, salience and position on each
 * issue}, the forecasts with the value moved down and up by delta of its range (clamped); and
 * the forecasts without each actor and without each actor's veto. The result refers to the
 * scenario. Time complexity: O(actors × (2 + 4 × issues)) model runs. */
en_status en_sensitivity_run(const en_model *model, const en_scenario *scenario,
                             const en_params *params, const en_sensitivity_options *options,
                             en_sensitivity_result **out, en_error *err);
void en_sensitivity_result_free(en_sensitivity_result *result);
/* Forecast of the unchanged scenario on scenario issue `issue` (NaN if the model gave none). */
double en_sensitivity_baseline(const en_sensitivity_result *result, size_t issue);
/* Change of the forecast on `issue` when `actor`'s input (capability; or salience / position
 * on `input_issue`) is moved down (*minus) and up (*plus). Returns 0 if there is no such input
 * (the actor takes no part in input_issue). A run the model refused gives NaN. */
int en_sensitivity_change(const en_sensitivity_result *result, size_t actor,
                          en_sensitivity_input input, size_t input_issue, size_t issue,
                          double *minus, double *plus);
/* Change of the forecast on `issue` without `actor` / without its vetoes (NaN: model refused). */
double en_sensitivity_without_actor(const en_sensitivity_result *result, size_t actor, size_t issue);
double en_sensitivity_without_veto(const en_sensitivity_result *result, size_t actor, size_t issue);
en_status en_sensitivity_result_write(const en_sensitivity_result *result, en_output_format format,
                                      FILE *out, en_error *err);

/* ==== end of uncertainty analysis ============================================================ */


/* ==== the forecast: one answer (src/analysis/forecast*.c; docs/models/forecast.md) ==========
 * What deal (the default forecaster, en_default_forecaster, on the effective scenario: patrons
 * and public stances applied), with an 80% interval over Monte Carlo draws and the models'
 * disagreement; will they agree (every veto player prefers the package to no agreement); who
 * blocks and the smallest change that wins each blocker over; the inputs that move the answer;
 * and, with a war: section, when (the war layer). Independent of the order of actors and issues
 * in the file; the same seed gives the same bytes whatever the thread count. */

typedef struct en_forecast_result en_forecast_result;

typedef struct en_forecast_options {
    size_t draws;         /* Monte Carlo draws, >= 1 (default 10000) */
    uint64_t seed;        /* default 1 */
    unsigned threads;     /* 0 (default): one per online core; never changes the output */
    double patron_weight; /* λ in [0, 1]: how far a client weighs its patrons (default 0.5) */
    double audience_cost; /* α >= 0: the cost of moving away from a public stance (default 0.5) */
    int mediation;        /* 1: a mediator in the scenario proposes the nearest package every
                           * veto player accepts (an upper bound of P(agreement)); 0 (default):
                           * only the forecast package counts */
    double delta;         /* drivers: share of each input's range it is moved by (default 0.1) */
    size_t drivers;       /* drivers listed (default 5) */
    long war_runs;        /* runs of the war layer for "when" (default 1000) */
    const char *model;    /* the forecaster; NULL (default): en_default_forecaster() */
} en_forecast_options;

/* Fills `options` with the defaults above. Time complexity: O(1). */
void en_forecast_options_init(en_forecast_options *options);

/* Computes the answer for `scenario` and for each --what-if expression (`what_ifs`, may be
 * NULL when what_if_count is 0). `params` go to the default forecaster (may be NULL). Errors:
 * bad options, a what-if that does not parse or names an unknown actor/issue (located as
 * "--what-if:1:COL"), a model that refuses the scenario. The result refers to the scenario.
 * Time complexity: (1 + what-ifs) × draws × (one run of the default forecaster + O(P × I), plus
 * a small linear programme where the forecast package is rejected and a mediator takes part),
 * plus one run of each model and O(A × I) runs for the drivers. */
en_status en_forecast_run(const en_scenario *scenario, const en_params *params,
                          const en_forecast_options *options, const char *const *what_ifs,
                          size_t what_if_count, en_forecast_result **out, en_error *err);
void en_forecast_result_free(en_forecast_result *result);
/* P(agreement) of the base case. Time complexity: O(1). */
double en_forecast_p_agreement(const en_forecast_result *result);
/* Forecast and 80% interval (*low, *high; may be NULL) on scenario issue `issue` (index in the
 * file's order); NaN for an index out of range. Time complexity: O(issues). */
double en_forecast_value(const en_forecast_result *result, size_t issue, double *low, double *high);
/* Text (plain words first), JSON (docs/cli.md) or CSV; errors: the stream fails.
 * Time complexity: O(issues × (models + blockers) + drivers + what-ifs × issues). */
en_status en_forecast_write(const en_forecast_result *result, en_output_format format, FILE *out,
                            en_error *err);

/* The effective scenario the forecast runs its models on: a copy of `scenario` in which each
 * client weighs its patrons' positions (weight patron_weight in [0, 1]) and each public stance
 * pulls the actor's bargaining position toward it (audience_cost >= 0); docs/models/forecast.md.
 * Free with en_scenario_free. Time complexity: O(actors² × issues). */
en_scenario *en_scenario_effective(const en_scenario *scenario, double patron_weight, double audience_cost);
/* The veto players of `scenario` that would reject the package `result` forecasts (each issue
 * the result has no forecast on counts as no agreement), judged as the forecast judges them;
 * writes their ids, comma-separated, to `out` and returns how many there are.
 * Time complexity: O(actors² × issues). */
size_t en_veto_rejections(const en_scenario *scenario, const en_result *result, double patron_weight,
                          double audience_cost, char *out, size_t size);

/* ==== end of the forecast ==================================================================== */
/* ==== accuracy on recorded outcomes: backtest (src/analysis/backtest.c) ======================
 * docs/validation.md describes the scores, the bootstrap and the cross-validated fit. */

typedef struct en_backtest en_backtest;

typedef struct en_backtest_options {
    const char *const *models; /* model names to score; NULL: compromise, the default forecaster
                                * and every other registered model that applies */
    size_t model_count;
    const en_params *params;   /* --param values, each given to the models that declare it */
    uint64_t seed;             /* bootstrap and fold assignment (default 1) */
    size_t resamples;          /* bootstrap resamples (default 2000) */
    size_t min_actors;         /* an issue is scored when it has an outcome and at least this many
                                * actors with salience > 0 (default 3) */
    int fit;                   /* also fit the procedural compromise's weights by cross-validation
                                * grouped by scenario */
    size_t folds;              /* folds of that cross-validation (default 10) */
} en_backtest_options;

/* Fills the defaults above. Time complexity: O(1). */
void en_backtest_options_init(en_backtest_options *options);

/* Runs the models on every scenario and scores each forecast on every issue with an outcome:
 * MAE, median absolute error, RMSE, share within 10 % of the scale, a 95 % bootstrap interval of
 * the MAE resampling scenarios, and the paired MAE difference from `compromise`. The result
 * refers to the scenarios (not to the array), which must outlive it. Fails (EN_ERROR_INPUT) when no issue has an
 * outcome, or with the model's error when a model cannot run on a scenario.
 * Time complexity: O(scenarios × cost of each model + resamples × issues × models). */
en_status en_backtest_run(en_scenario *const *scenarios, size_t count,
                          const en_backtest_options *options, en_backtest **out, en_error *err);
void en_backtest_free(en_backtest *backtest);
/* Accessors (indices must be in range). Time complexity: O(1) each. */
size_t en_backtest_issue_count(const en_backtest *backtest);
size_t en_backtest_model_count(const en_backtest *backtest);
const char *en_backtest_model_name(const en_backtest *backtest, size_t model);
double en_backtest_mae(const en_backtest *backtest, size_t model);
/* Forecast of model `model` on scored issue `index` (en_backtest_issue_count of them). */
double en_backtest_forecast(const en_backtest *backtest, size_t model, size_t index);
/* Cross-validated MAE of the fitted procedural compromise (NaN without options.fit). */
double en_backtest_cv_mae(const en_backtest *backtest);
/* Text table, JSON (docs/cli.md has the contract) or CSV (one row per issue and model). Errors:
 * EN_ERROR_INPUT when the output cannot be written. Time complexity: O(issues × models). */
en_status en_backtest_write(const en_backtest *backtest, en_output_format format, FILE *out,
                            en_error *err);

/* ==== end of backtest ======================================================================== */

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#endif /* ENTENTE_H */
