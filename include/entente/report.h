/*
 * entente/report.h — the self-contained HTML report: one file with the scenario, every model's
 * run, the analyses and the cited source texts as embedded JSON, the chart libraries and the
 * page script inlined; opening it needs no network (docs/report.md describes what it shows).
 * Included by entente.h.
 */
/* entente.h first: it includes this header at its end, after its own declarations. */
#include "entente.h"
#ifndef ENTENTE_REPORT_H
#define ENTENTE_REPORT_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* What the report shows; every pointer is borrowed for the call. */
typedef struct en_html_input {
    const en_scenario *scenario;
    en_result *const *results; /* one per model, all of `scenario` (may be none) */
    size_t result_count;
    char *const *source_texts; /* per scenario source, NULL entries where unavailable; the
                                * array may be NULL (en_store_read_sources gives one) */
    /* Analyses as their own JSON documents (en_mc_result_write, en_sensitivity_result_write
     * and the like with EN_OUTPUT_JSON), each with its kind ("montecarlo", "sensitivity", ...). */
    const char *const *analysis_kinds;
    const char *const *analysis_json;
    size_t analysis_count;
    const char *origin; /* where the data comes from, e.g. "scenario file x.yaml" */
} en_html_input;

/* Writes the page to `out`. The page is built in memory first, so nothing is written when
 * building fails. Errors: EN_ERROR_INTERNAL when writing to `out` fails.
 * Time complexity: O(size of the data and of the inlined scripts). */
en_status en_html_write(const en_html_input *input, FILE *out, en_error *err);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif /* ENTENTE_REPORT_H */
