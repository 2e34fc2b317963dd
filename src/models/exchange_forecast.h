/*
 * exchange_forecast.h — the exchange model's forecasts without a result: what `entente run
 * --model exchange --param trace=none` forecasts with every other parameter at its default, for
 * callers that need only the numbers many times over (the default forecaster's Monte Carlo
 * draws). Same bits as en_run's forecasts; no trace, no parameter parsing, no result.
 */
#ifndef ENTENTE_MODELS_EXCHANGE_FORECAST_H
#define ENTENTE_MODELS_EXCHANGE_FORECAST_H

#include "core/scenario.h"

/* Writes forecast[issue] for every issue of `scenario` (on the scale) and returns 1,
 * the same values en_run of the exchange model with trace=none and default parameters gives
 * (its fast path, docs/models/exchange.md §15). Returns 0, leaving `forecast` unspecified,
 * whenever en_run might answer otherwise (a scenario the model refuses, a non-finite value):
 * the caller then runs en_run to get its answer or its error.
 * Time complexity: one exchange run (docs/models/exchange.md §14). */
int en_exchange_forecast_direct(const en_scenario *scenario, double *forecast);

#endif
