/*
 * guarded.h — the analysis entry points' bodies, run by the public functions of
 * analysis/guarded.c under an out-of-memory guard (core/oom.h). Same parameters, errors and
 * complexity as the public functions of entente.h of the same name without "_unguarded".
 */
#ifndef ENTENTE_ANALYSIS_GUARDED_H
#define ENTENTE_ANALYSIS_GUARDED_H

#include "entente.h"

en_status en_mc_run_unguarded(const en_model *model, const en_scenario *scenario,
                              const en_params *params, const en_mc_options *options,
                              en_mc_result **out, en_error *err);
en_status en_sensitivity_run_unguarded(const en_model *model, const en_scenario *scenario,
                                       const en_params *params,
                                       const en_sensitivity_options *options,
                                       en_sensitivity_result **out, en_error *err);
en_status en_sweep_run_unguarded(const en_model *model, const en_scenario *scenario,
                                 const en_params *params, const en_sweep_axis *axes,
                                 size_t axis_count, const en_sweep_options *options,
                                 en_sweep_result **out, en_error *err);
en_status en_forecast_run_unguarded(const en_scenario *s, const en_params *params,
                                    const en_forecast_options *options,
                                    const char *const *what_ifs, size_t what_if_count,
                                    en_forecast_result **out, en_error *err);
en_status en_backtest_run_unguarded(en_scenario *const *scenarios, size_t count,
                                    const en_backtest_options *options, en_backtest **out,
                                    en_error *err);

#endif
