/*
 * ensemble.h — the default forecaster's parts, shared with the backtest's fit: the exchange
 * model's forecasts on a canonical (id-ordered) copy of a scenario.
 */
#ifndef ENTENTE_MODELS_ENSEMBLE_H
#define ENTENTE_MODELS_ENSEMBLE_H

#include "models/model.h"

/* The fitted default of λ (docs/validation.md). */
#define EN_ENSEMBLE_DEFAULT_WEIGHT_EXCHANGE "0.3"

/* A copy of the scenario with its actors sorted by id (patron links remapped, no war
 * section): the same scenario whatever order its file listed the actors in.
 * Time complexity: O(size of the scenario + n log n). */
en_scenario *en_scenario_canonical(const en_scenario *scenario);
/* The exchange model's forecast on every issue of `scenario` (forecast[issue_count]), run on
 * the canonical copy with default parameters. Errors are the model's.
 * Time complexity: one exchange run. */
en_status en_ensemble_exchange(const en_scenario *scenario, double *forecast, en_error *err);
/* The same with the exchange model's `path` parameter (auto, reference or fast: the same
 * forecasts bit for bit, docs/models/exchange.md "Fast path"). Time complexity: one exchange run. */
en_status en_ensemble_exchange_path(const en_scenario *scenario, const char *path,
                                    double *forecast, en_error *err);

/* The ensemble's forecast on every issue of `scenario` (forecast[issue_count]), as en_run of
 * the ensemble with these parameter values gives it, the same bits, without building a result
 * (the Monte Carlo draws of `entente forecast`). Returns 0 (forecast unusable) where en_run
 * would fail its check of non-finite values; the caller then runs en_run for the error.
 * Time complexity: that of the exchange model's run plus O(A × I) and the procedural part. */
int en_ensemble_forecast_direct(const en_scenario *scenario, const en_param_values *params,
                                double *forecast);

#endif
