/*
 * model.h — the interface every model implements, and how it reads its parameters.
 *
 * A model is one source file defining one `const en_model` (name, one-line description,
 * parameter table, run function) and one line in registry.c. It reads a scenario and fills a
 * result; it never prints, parses files or knows about the CLI. Models must be reentrant: the
 * analysis layer runs them concurrently on many threads.
 */
#ifndef ENTENTE_MODELS_MODEL_H
#define ENTENTE_MODELS_MODEL_H

#include "core/result.h"
#include "core/scenario.h"
#include "entente.h"

typedef enum en_param_type {
    EN_PARAM_NUMBER,  /* finite double in [min, max] */
    EN_PARAM_INTEGER, /* integer in [min, max] */
    EN_PARAM_CHOICE   /* one of the '|'-separated words of `choices` */
} en_param_type;

typedef struct en_param_def {
    const char *name;
    en_param_type type;
    const char *default_value;
    const char *description;
    double min, max;     /* NUMBER, INTEGER */
    const char *choices; /* CHOICE, e.g. "scholz|masad" */
} en_param_def;

/* Parameter values after checking: every declared parameter present (default or given). */
typedef struct en_param_values en_param_values;
double en_param_number(const en_param_values *values, const char *name);
long en_param_integer(const en_param_values *values, const char *name);
const char *en_param_choice(const en_param_values *values, const char *name);
/* 1 if the user gave the parameter explicitly (not the default). */
int en_param_given(const en_param_values *values, const char *name);

typedef en_status (*en_model_run_fn)(const en_scenario *scenario, const en_param_values *params,
                                     en_result *result, en_error *err);

struct en_model {
    const char *name;
    const char *description;
    const en_param_def *params;
    size_t param_count;
    en_model_run_fn run;
    /* Optional: 0 when the model does not apply to this scenario (e.g. it needs a section the
     * scenario lacks); `compare` then leaves it out silently. NULL: applies to every scenario. */
    int (*applies)(const en_scenario *scenario);
    /* Optional: 1 when a run with these parameters gives the same result whatever `seed` is
     * (the model draws no random numbers with them), so Monte Carlo may run a scenario without
     * uncertain values once and reuse the answer for every draw. NULL: the seed may matter.
     * Set it only where that is true. */
    int (*seed_free)(const en_param_values *params);
};

/* A seed_free for models that never draw random numbers. Time complexity: O(1). */
int en_model_seed_free_always(const en_param_values *params);

/* 1 when `model` run with `params` cannot depend on the parameter `seed` (its seed_free says
 * so), else 0 (also when the parameters do not check). Time complexity: O(parameters). */
int en_model_seed_free(const en_model *model, const en_params *params);

/* Fills the registry's place reserved for a model defined above the models layer (the war
 * module's `war`: en_war_register), by name; before that the model is absent from en_model_find,
 * en_model_count and en_model_at. Returns 1 when a place had that name, else 0. Not thread-safe:
 * called once at start-up. Time complexity: O(models). */
int en_model_provide(const en_model *model);

/* The parameters every model may receive; models that iterate declare `rounds` themselves
 * with their own default, the others ignore it. */
#define EN_PARAM_ROUNDS(default_text) \
    {"rounds", EN_PARAM_INTEGER, default_text, "number of rounds to run", 0, 100000, NULL}

/* en_run without a guard of its own (core/oom.h): for the many runs of Monte Carlo,
 * sensitivity, sweeps, forecasts and the war layer's settlements, which run inside their
 * public call's guard (or a worker's job guard) already, so out of memory there unwinds that
 * call. Same checks and guarantees as en_run otherwise.
 * Time complexity: that of the model. */
en_status en_run_unguarded(const en_model *model, const en_scenario *scenario,
                           const en_params *params, en_result **out, en_error *err);

#endif
