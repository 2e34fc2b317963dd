/*
 * report_guard.c — the public report writers under an out-of-memory guard (core/oom.h): an
 * allocation that fails while a report is being built unwinds the call, which releases what it
 * had allocated and returns EN_ERROR_NOMEM. Every writer builds its whole text in a buffer and
 * writes it only at the end, so an unwind writes nothing to the stream (no half-written file).
 */
#include <setjmp.h>

#include "core/oom.h"
#include "entente.h"
#include "report/html.h"
#include "report/report.h"

/* Runs `call` (the body's invocation) under a guard and returns its status. */
#define GUARDED_WRITE(err, call)                  \
    do {                                          \
        en_status st_;                            \
        EN_GUARDED(st_, err, (void)0, call);      \
        return st_;                               \
    } while (0)

en_status en_result_write(const en_result *r, en_output_format format, FILE *file, en_error *err)
{
    GUARDED_WRITE(err, en_result_write_unguarded(r, format, file, err));
}

en_status en_result_write_trace_csv(const en_result *r, FILE *file, en_error *err)
{
    GUARDED_WRITE(err, en_result_write_trace_csv_unguarded(r, file, err));
}

en_status en_compare_write(const en_scenario *s, en_result *const *results, size_t count,
                           en_output_format format, FILE *file, en_error *err)
{
    GUARDED_WRITE(err, en_compare_write_unguarded(s, results, count, format, file, err));
}

en_status en_mc_result_write(const en_mc_result *r, en_output_format format, FILE *file, en_error *err)
{
    GUARDED_WRITE(err, en_mc_result_write_unguarded(r, format, file, err));
}

en_status en_sensitivity_result_write(const en_sensitivity_result *r, en_output_format format,
                                      FILE *file, en_error *err)
{
    GUARDED_WRITE(err, en_sensitivity_result_write_unguarded(r, format, file, err));
}

en_status en_sweep_result_write(const en_sweep_result *r, en_output_format format, FILE *file,
                                en_error *err)
{
    GUARDED_WRITE(err, en_sweep_result_write_unguarded(r, format, file, err));
}

en_status en_forecast_write(const en_forecast_result *r, en_output_format format, FILE *file,
                            en_error *err)
{
    GUARDED_WRITE(err, en_forecast_write_unguarded(r, format, file, err));
}

en_status en_backtest_write(const en_backtest *bt, en_output_format format, FILE *file,
                            en_error *err)
{
    GUARDED_WRITE(err, en_backtest_write_unguarded(bt, format, file, err));
}

en_status en_html_write(const en_html_input *in, FILE *file, en_error *err)
{
    /* The policy (kept for the process) is computed inside the guard like the rest. */
    GUARDED_WRITE(err, en_html_write_unguarded(in, file, err));
}
