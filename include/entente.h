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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
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

const char *en_version(void);

/* ---- scenarios --------------------------------------------------------------------------- */

typedef struct en_scenario en_scenario;

typedef enum en_input_format {
    EN_FORMAT_AUTO = 0, /* by content and extension */
    EN_FORMAT_YAML,     /* entente scenario v1 */
    EN_FORMAT_CSV,      /* the BDM stakeholder sheet: Actor,Capability,Position,Salience */
    EN_FORMAT_DECIDE    /* the Decide #A/#P/#M/#D file */
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
const char *en_model_description(const en_model *model);
size_t en_model_param_count(const en_model *model);
/* Name, default value (as text), one-line description and accepted values ("number",
 * "integer >= 1", "scholz|masad", ...) of a model parameter. */
void en_model_param_info(const en_model *model, size_t index, const char **name,
                         const char **default_value, const char **description,
                         const char **accepted);

/* Parameters for a run: NAME=VALUE pairs, checked against the model when it runs. The names
 * `rounds`, `seed` and `trace` (summary|full) are accepted by every model and ignored by those
 * that do not use them. */
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
/* Writes several runs of one scenario side by side (the `compare` table). */
en_status en_compare_write(const en_scenario *scenario, en_result *const *results, size_t count,
                           en_output_format format, FILE *out, en_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ENTENTE_H */
