/*
 * baseline.h — shared scaffolding of the one-shot baseline models (compromise, median, nash):
 * each computes a forecast per issue from the round-0 positions; the war layer reuses the Nash
 * solver with its own disagreement values.
 */
#ifndef ENTENTE_MODELS_BASELINE_H
#define ENTENTE_MODELS_BASELINE_H

#include "models/model.h"

/* Computes a forecast for one issue of `result` (its round 0 is already recorded). Returns the
 * stop reason to record, or NULL on error (err filled). */
typedef const char *(*en_baseline_fn)(const en_scenario *scenario, const en_param_values *params,
                                      en_result *result, size_t index, double *forecast,
                                      en_error *err);

/* Runs `forecast_issue` on every issue: records round 0 (the input positions) and the forecast. */
en_status en_baseline_run(const en_scenario *scenario, const en_param_values *params,
                          en_result *result, en_baseline_fn forecast_issue, en_error *err);

/* Asymmetric Nash bargaining with linear loss: maximises Σ w_i ln(reach_i − |x − p_i|) over the
 * outcomes every actor with w_i > 0 prefers to disagreement (|x − p_i| < reach_i), inside
 * [low, high]. reach_i is actor i's distance from its position to the disagreement outcome.
 * Returns 1 and the solution when that set has an interior, 0 when it is empty or a single
 * point (no outcome improves on disagreement for everyone). Time complexity: O(n log(1/ε)). */
int en_nash_solve(const double *positions, const double *weights, const double *reach, size_t n,
                  double low, double high, double *solution);

#endif
