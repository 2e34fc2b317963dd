/*
 * exchange_forecast.h — the exchange model's forecasts without a result: what `entente run
 * --model exchange --param trace=none` forecasts with every other parameter at its default, for
 * callers that need only the numbers many times over (the default forecaster's Monte Carlo
 * draws). Same bits as en_run's forecasts; no trace, no parameter parsing, no result.
 */
#ifndef ENTENTE_MODELS_EXCHANGE_FORECAST_H
#define ENTENTE_MODELS_EXCHANGE_FORECAST_H

#include "core/scenario.h"
#include "models/model.h"

/* Writes forecast[issue] for every issue of `scenario` (on the scale) and returns 1,
 * the same values en_run of the exchange model with trace=none and default parameters gives
 * (its fast path, docs/models/exchange.md §15). Returns 0, leaving `forecast` unspecified,
 * whenever en_run might answer otherwise (a scenario the model refuses, a non-finite value):
 * the caller then runs en_run to get its answer or its error.
 * Time complexity: one exchange run (docs/models/exchange.md §14). */
int en_exchange_forecast_direct(const en_scenario *scenario, double *forecast);

/* The parameters of an exchange run that en_exchange_forecast_with needs. */
typedef struct en_exchange_direct {
    double tie_tol, knife_eps;
    long rounds;
} en_exchange_direct;

/* Reads the exchange model's parameters from `params` (defaults where not given) into *out and
 * returns 1 when en_run of the exchange model with them takes the fast path (p = 0,
 * trace=none, path other than reference), whose forecasts en_exchange_forecast_with then
 * gives; 0 otherwise (also for parameters en_run would refuse). The Monte Carlo engine asks
 * once and then computes each draw's forecasts directly.
 * Time complexity: O(number of parameters). */
int en_exchange_direct_settings(const en_params *params, en_exchange_direct *out);

/* en_exchange_forecast_direct with the parameters of `settings` (from
 * en_exchange_direct_settings): the same forecasts en_run gives with those parameters, every
 * issue's stop reason being "rounds"; returns 0 (forecast unspecified) where en_run might
 * answer otherwise, and the caller then runs en_run.
 * Time complexity: one exchange run (docs/models/exchange.md §14). */
int en_exchange_forecast_with(const en_scenario *scenario, const en_exchange_direct *settings,
                              double *forecast);

#endif
