/*
 * guarded.c — the public analysis entry points (Monte Carlo, sensitivity, sweep, forecast,
 * backtest) under an out-of-memory guard (core/oom.h): an allocation that fails on the calling
 * thread unwinds the call, which releases what it had allocated and returns EN_ERROR_NOMEM
 * with *out NULL. Where worker threads run, the call's parallel sections (core/oom.h) report a
 * failure on any thread, the calling one included, the same way once the workers are joined.
 */
#include "analysis/guarded.h"

#include <gsl/gsl_errno.h>
#include <setjmp.h>

#include "core/oom.h"

/* The body's invocation `call` under a guard; on the unwind *out is reset and GSL's error
 * handler restored (the call may have switched it off). */
#define GUARDED(out, err, call)                                              \
    do {                                                                     \
        gsl_error_handler_t *handler = gsl_set_error_handler_off();          \
        gsl_set_error_handler(handler);                                      \
        en_status st_;                                                       \
        EN_GUARDED(st_, err, (*(out) = NULL, gsl_set_error_handler(handler)), call); \
        return st_;                                                          \
    } while (0)

en_status en_mc_run(const en_model *model, const en_scenario *scenario, const en_params *params,
                    const en_mc_options *options, en_mc_result **out, en_error *err)
{
    GUARDED(out, err, en_mc_run_unguarded(model, scenario, params, options, out, err));
}

en_status en_sensitivity_run(const en_model *model, const en_scenario *scenario,
                             const en_params *params, const en_sensitivity_options *options,
                             en_sensitivity_result **out, en_error *err)
{
    GUARDED(out, err, en_sensitivity_run_unguarded(model, scenario, params, options, out, err));
}

en_status en_sweep_run(const en_model *model, const en_scenario *scenario, const en_params *params,
                       const en_sweep_axis *axes, size_t axis_count, const en_sweep_options *options,
                       en_sweep_result **out, en_error *err)
{
    GUARDED(out, err,
            en_sweep_run_unguarded(model, scenario, params, axes, axis_count, options, out, err));
}

en_status en_forecast_run(const en_scenario *s, const en_params *params, const en_forecast_options *options,
                          const char *const *what_ifs, size_t what_if_count, en_forecast_result **out,
                          en_error *err)
{
    GUARDED(out, err,
            en_forecast_run_unguarded(s, params, options, what_ifs, what_if_count, out, err));
}

en_status en_backtest_run(en_scenario *const *scenarios, size_t count,
                          const en_backtest_options *options, en_backtest **out, en_error *err)
{
    GUARDED(out, err, en_backtest_run_unguarded(scenarios, count, options, out, err));
}
