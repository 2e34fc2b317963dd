/*
 * params.h — internal access to parameter lists and their checking against a model's table;
 * used by the runner (run.c) and the writers that print the effective parameters.
 */
#ifndef ENTENTE_MODELS_PARAMS_H
#define ENTENTE_MODELS_PARAMS_H

#include "models/model.h"

size_t en_params_count(const en_params *params);
const char *en_params_name(const en_params *params, size_t index);
const char *en_params_value(const en_params *params, size_t index);
/* en_params_get is public: include/entente/util.h. */
/* A copy of `params` for runs of which only the forecasts are read (Monte Carlo draws,
 * sensitivity runs): trace=none, unless the caller set `trace` itself. */
en_params *en_params_forecast_only(const en_params *params);
/* 1 if the parameter is a number or integer for this model (written unquoted in JSON). */
int en_params_is_numeric(const en_params *params, const en_model *model, size_t index);

/* Checks the given parameters against the model's table (and the universal ones), filling in
 * defaults. Reports every bad parameter. */
en_status en_param_values_build(const en_model *model, const en_params *given,
                                en_param_values **out, en_error *err);
void en_param_values_free(en_param_values *values);
/* The parameters a run actually used: the model's own (given or default) and the universal
 * ones the user gave. */
en_params *en_param_values_effective(const en_param_values *values, const en_model *model);

#endif
