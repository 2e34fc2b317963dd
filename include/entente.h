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
    EN_ERROR_INTERRUPTED = 4,
    EN_ERROR_NOMEM = 5 /* memory ran out; the call released what it had allocated: exit status 1
                        * (docs/library.md says which calls report it) */
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

/* Writes the scenario as entente YAML (format v1), e.g. to move CSV or Decide data over. The
 * text is built in memory and written at the end: EN_ERROR_NOMEM (memory ran out) writes
 * nothing; EN_ERROR_INTERNAL when writing to `out` fails. Time complexity: O(scenario size). */
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
/* A new empty set (free with en_params_free), or NULL when memory runs out. Time complexity: O(1). */
en_params *en_params_new(void);
void en_params_free(en_params *params);
/* Parses "NAME=VALUE" (as given to --param). Errors: EN_ERROR_INPUT (not NAME=VALUE, empty
 * name), EN_ERROR_NOMEM (memory ran out; `params` is left as it was). en_params_set replaces
 * the value of a name already there. Time complexity: O(parameters + length). */
en_status en_params_parse(en_params *params, const char *assignment, en_error *err);
en_status en_params_set(en_params *params, const char *name, const char *value, en_error *err);
/* A copy of `params` (free with en_params_free), or NULL when memory runs out.
 * Time complexity: O(parameters²) (each name is checked against those already copied). */
en_params *en_params_copy(const en_params *params);
/* The subset of `params` that `model` declares, plus the universal ones; NULL when memory runs
 * out. Time complexity: O(parameters × (model's parameters + parameters)). */
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

/* Splitting independent runs across processes (docs/scale.md). The library never calls MPI:
 * a caller that runs as `size` cooperating processes (e.g. the CLI under mpirun) hands each
 * analysis a distributor. Every process then computes only its share of the independent runs
 * (a contiguous range of the items in their fixed order, items / size of them, one more for
 * the first items % size ranks) and passes the bytes of those runs to `gather`, which must hand
 * every process the concatenation of all processes' bytes in rank order (*all, *all_bytes;
 * the caller frees *all with free()). Every process then summarises exactly as one process
 * would, so the result is byte-identical whatever `size` (the caller lets one process write
 * it). `gather` is called the same number of times, in the same order, on every process.
 * NULL distributor (or size 1): all runs local. */
typedef struct en_distributor {
    int rank, size;
    /* Returns EN_OK, or an en_status error with *err filled. */
    int (*gather)(void *data, const void *mine, size_t bytes, void **all, size_t *all_bytes,
                  en_error *err);
    void *data;
} en_distributor;


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
    /* Optional (default NULL): split the draws across processes (see en_distributor); the
     * result is the same. progress and cancel are not used then. */
    const en_distributor *distributor;
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
    const en_distributor *distributor; /* optional: split the runs across processes (default NULL) */
    en_progress_fn progress; /* optional (default NULL): model runs done, after each one, of
                              * 2 per input moved and 2 per actor (the baseline run not counted;
                              * not under a distributor); calls never overlap; never changes the
                              * result */
    void *progress_data;
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
    const en_distributor *distributor; /* optional: split the Monte Carlo draws of each case
                           * across processes (default NULL); the result is the same */
    en_progress_fn progress; /* optional: Monte Carlo draws done of (1 + what-ifs) × draws, about
                           * ten times a second, from one worker thread at a time; not called
                           * under a distributor; never changes the output */
    void *progress_data;
    long drivers_screen;  /* drivers: -1 (default): automatic, every input is re-run unless
                           * there are more than 2,000 inputs, then only the 150 with the largest
                           * first-order leverage on the capability × salience-weighted mean
                           * (plus every status quo); 0: every input; K > 0: the K with the
                           * largest leverage (plus every status quo). docs/models/forecast.md §4;
                           * last, so the fields before keep their offsets */
} en_forecast_options;

/* Fills `options` with the defaults above. Time complexity: O(1). */
void en_forecast_options_init(en_forecast_options *options);

/* Computes the answer for `scenario` and for each --what-if expression (`what_ifs`, may be
 * NULL when what_if_count is 0). `params` go to the default forecaster (may be NULL). Errors:
 * bad options, a what-if that does not parse or names an unknown actor/issue (located as
 * "--what-if:1:COL"), a model that refuses the scenario. The result refers to the scenario.
 * Time complexity: (1 + what-ifs) × draws × (one run of the default forecaster + O(P × I), plus
 * a small linear programme where the forecast package is rejected and a mediator takes part),
 * plus one run of each model and O(A × I) runs for the drivers (at most 2 × (K + status quos)
 * where the drivers are screened, plus O(A × I + A × I log(A × I)) for the screen). */
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
 * Free with en_scenario_free; NULL when memory runs out (what the call had allocated released).
 * Time complexity: O(actors² × issues). */
en_scenario *en_scenario_effective(const en_scenario *scenario, double patron_weight, double audience_cost);
/* The veto players of `scenario` that would reject the package `result` forecasts (each issue
 * the result has no forecast on counts as no agreement), judged as the forecast judges them;
 * writes their ids, comma-separated, to `out` and returns how many there are. When memory runs
 * out it returns (size_t)-1 with `out` empty (en_veto_rejections_checked reports it as an
 * error instead). Time complexity: O(actors² × issues). */
size_t en_veto_rejections(const en_scenario *scenario, const en_result *result, double patron_weight,
                          double audience_cost, char *out, size_t size);
/* The same with the count in *count and an en_status: EN_OK, or EN_ERROR_NOMEM ("out of
 * memory" in `err`, which may be NULL; *count 0, `out` empty, nothing kept). Since 0.1.0.
 * Time complexity: O(actors² × issues). */
en_status en_veto_rejections_checked(const en_scenario *scenario, const en_result *result,
                                     double patron_weight, double audience_cost, char *out,
                                     size_t size, size_t *count, en_error *err);

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
    const en_distributor *distributor; /* optional: split the model runs (model × scenario)
                                * across processes (default NULL); the result is the same */
    en_progress_fn progress;   /* optional (default NULL): model runs done of models × scenarios
                                * after each one (the bootstrap and the fit that follow are not
                                * counted; not under a distributor); never changes the result */
    void *progress_data;
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

/* ==== the war-bargaining layer (src/war/) ====================================================
 * docs/models/war.md states the model (the settlement window, the protocol of talks, offers and
 * ratification, the WB-2 mechanisms); docs/cli.md the `entente war` command whose output these
 * writers produce. The layer runs on a scenario's `war:` section; it is also the registered
 * model `war` (en_model_find("war"); see en_war_register). */

typedef struct en_war_summary en_war_summary;

/* Progress callback of the war Monte Carlo: `done` of `total` runs finished. */
typedef void (*en_war_progress_fn)(void *data, long done, long total);

typedef struct en_war_options {
    long runs;            /* Monte Carlo runs (>= 1; default 1000) */
    unsigned long seed;   /* run r uses the stream (seed, r) (default 1) */
    int threads;          /* >= 1 (default 1); the output does not depend on it */
    long from_day, to_day;/* report window (days since 1970-01-01; 0: the run's start / end) */
    long explain_day;     /* collect the veto players' values at this day; < 0 (default): none */
    const char *settle_with; /* NULL or "nash": Nash inside the window; else a registered model */
    const en_params *settle_params; /* parameters of that model (NULL: its defaults) */
    int window_only;      /* never sign: the window along a path where no deal is made (a
                           * backcast of a war that went on); near misses are still counted */
    en_war_progress_fn progress; /* optional */
    void *progress_data;
    /* (0 / NULL: off, so callers that zero the struct keep the WB-1 behaviour of options) */
    long as_of_day;       /* forecast from this day: events after it are ignored unless
                           * `scheduled`; no deal and no decisive end before it (history) */
    const long *deal_by_days; /* report P(deal by each of these days) */
    size_t deal_by_count;
    /* Optional (default NULL): split the runs across processes (see en_distributor); the
     * summary is the same. progress counts this process's runs only. */
    const en_distributor *distributor;
} en_war_options;

/* Kinds of deal: a comprehensive settlement of the window, a bare ceasefire at the line (every
 * other issue at its status quo), a victor's ceasefire sealing a decisive front. */
enum { EN_WAR_KIND_ANY = 0, EN_WAR_KIND_SETTLEMENT = 1, EN_WAR_KIND_CEASEFIRE = 2,
       EN_WAR_KIND_VICTOR = 3, EN_WAR_KIND_COUNT = 4 };
/* The name of a kind in the outputs ("any", "settlement", "ceasefire", "victors_ceasefire"); NULL out of
 * range. Time complexity: O(1). */
const char *en_war_kind_name(int kind);

/* Days since 1970-01-01 of an ISO date YYYY-MM-DD (proleptic Gregorian), for the day options
 * above; 0 with *ok = 0 on a malformed or impossible date. Time complexity: O(length). */
long en_date_days(const char *text, int *ok);

/* Sets every option to its default (above). Time complexity: O(1). */
void en_war_options_init(en_war_options *options);

/* Runs the war Monte Carlo on `scenario`'s war: section; *out receives the summary (free it with
 * en_war_summary_free; it refers to the scenario, which must outlive it). Errors: EN_ERROR_INPUT
 * for no war section or a bad option (unknown settle_with model, explain day outside the run,
 * as_of day outside the war), EN_ERROR_INTERRUPTED. Same seed, same output for any thread count.
 * Time complexity: runs × steps × one window LP (players × issues² per pivot) plus one
 * settlement per signed deal, spread over the threads. */
en_status en_war_simulate(const en_scenario *scenario, const en_war_options *options,
                          en_war_summary **out, en_error *err);
void en_war_summary_free(en_war_summary *summary);

/* Per issue: the median term of the signed deals (NaN if no run signed one, or `issue` out of
 * range). Computed by en_war_simulate, so this allocates nothing. Time complexity: O(1). */
double en_war_summary_median_term(const en_war_summary *summary, size_t issue);
/* Share of runs in which a deal was signed by the end. O(1). */
double en_war_summary_p_deal(const en_war_summary *summary);
/* P(a first deal of `kind` (EN_WAR_KIND_ANY: any) is signed on or before `day`) over all runs.
 * Time complexity: O(runs). */
double en_war_summary_p_deal_by(const en_war_summary *summary, long day, int kind);
/* P(a settlement is signed on or before `day`, as the first deal or after a ceasefire that held
 * until it) over all runs. Time complexity: O(runs). */
double en_war_summary_p_settled_by(const en_war_summary *summary, long day);

/* Writes the summary: text (per-step table, deal terms, near misses, the plain-language summary)
 * or JSON (docs/cli.md has the fields). Errors: EN_ERROR_INPUT for CSV (no such layout),
 * EN_ERROR_INTERNAL when `out` cannot be written. Time complexity: O(steps × issues + runs). */
en_status en_war_summary_write(const en_war_summary *summary, en_output_format format, FILE *out,
                               en_error *err);
/* Writes the explanation of the options' explain_day (each veto player's value of a deal vs of
 * fighting on, offers, beliefs, who blocks): text, or JSON (the summary's "explain" object).
 * Errors as en_war_summary_write, and EN_ERROR_INPUT when the summary was simulated without an
 * explain_day (nothing was collected). Time complexity: O(players × issues). */
en_status en_war_explain_write(const en_war_summary *summary, en_output_format format, FILE *out,
                               en_error *err);

/* Makes the model `war` available to en_model_find, en_model_count and en_model_at in its place
 * in the registry. The shared library does this when it is loaded, and so does any program that
 * links the war module; a program linking the static library that looks the model up by name
 * without calling any en_war_ function calls it once first. Idempotent; not thread-safe (call it
 * before starting threads). Time complexity: O(models). */
void en_war_register(void);

/* ==== end of the war-bargaining layer ======================================================== */
/* ==== parameter sweeps (src/analysis/sweep.c; docs/cli.md, `entente sweep`) ==================
 * A model run at every point of a grid of parameter values (Decide's start/step/stop sweeps):
 * the cartesian product of the axes, the first axis varying slowest. */

typedef struct en_sweep_axis {
    char name[64];      /* a parameter of the model (or a universal one, e.g. rounds) */
    double start, stop, step;
    size_t points;      /* values start, start + step, ... up to stop (rounding tolerated) */
} en_sweep_axis;

/* Parses NAME=START:STOP:STEP (`argument`: its position on the command line, for the error's
 * location). Errors (EN_ERROR_INPUT, located at the argument's column): no NAME, not three
 * numbers, step 0, a step leading away from stop, more than 1,000,000 values; EN_ERROR_NOMEM
 * when recording the problem beside earlier ones finds no memory.
 * Time complexity: O(length of text). */
en_status en_sweep_axis_parse(const char *text, int argument, en_sweep_axis *axis, en_error *err);
/* Value k of an axis: start + k × step rounded to 12 significant digits (so 0:1:0.1 gives 0.3,
 * not 0.30000000000000004), stop itself for the last. Time complexity: O(1). */
double en_sweep_axis_value(const en_sweep_axis *axis, size_t k);

typedef struct en_sweep_options {
    unsigned threads;   /* 0 (default): one per online core; the output never depends on it */
    size_t max_points;  /* the grid may hold at most this many points (default 100000) */
    const en_distributor *distributor; /* optional: split the points across processes */
} en_sweep_options;

void en_sweep_options_init(en_sweep_options *options);

typedef struct en_sweep_result en_sweep_result;

/* Runs `model` on `scenario` at every grid point, with `params` (may be NULL) plus the point's
 * values. Errors (EN_ERROR_INPUT): no axis, an axis named twice or also in `params`, a grid
 * above max_points, a value the model refuses for its parameter (checked for every point
 * before any run). A run the model refuses is recorded as that point's error, not the
 * sweep's. The result refers to the scenario and model. Time complexity: O(points × cost of
 * one run) / (threads × processes); memory O(points × issues). */
en_status en_sweep_run(const en_model *model, const en_scenario *scenario, const en_params *params,
                       const en_sweep_axis *axes, size_t axis_count, const en_sweep_options *options,
                       en_sweep_result **out, en_error *err);
void en_sweep_result_free(en_sweep_result *result);
/* Accessors (indices in range). Time complexity: O(axes) for the point value, else O(1). */
size_t en_sweep_point_count(const en_sweep_result *result);
double en_sweep_point_value(const en_sweep_result *result, size_t point, size_t axis);
/* Forecast at grid point `point` on scenario issue `issue` (NaN: the run failed or gave none). */
double en_sweep_forecast(const en_sweep_result *result, size_t point, size_t issue);
/* One table: a row per point (axis values, then each issue's forecast); text, CSV or JSON
 * (docs/cli.md). Errors: EN_ERROR_INPUT when the output cannot be written.
 * Time complexity: O(points × (axes + issues)). */
en_status en_sweep_result_write(const en_sweep_result *result, en_output_format format, FILE *out,
                                en_error *err);

/* ==== end of parameter sweeps ================================================================ */

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif

/* ==== the rest of the public API, one header per concern (each may also be included alone):
 * the run store, the HTML report, news evidence, scenario sources, value trees and helpers. */
#include "entente/node.h"
#include "entente/store.h"
#include "entente/report.h"
#include "entente/evidence.h"
#include "entente/sources.h"
#include "entente/util.h"
#include "entente/serve.h"
#include "entente/assets.h"
#include "entente/testctl.h"

#endif /* ENTENTE_H */
