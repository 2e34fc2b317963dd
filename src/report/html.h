/*
 * html.h — the self-contained HTML report (html.c): one file with the scenario, every model's
 * run, the analyses and the cited source texts as embedded JSON, the chart libraries and the
 * page script inlined. Opening it needs no network; docs/report.md describes what it shows.
 */
#ifndef ENTENTE_REPORT_HTML_H
#define ENTENTE_REPORT_HTML_H

#include <stdio.h>

#include "entente.h"

typedef struct en_html_input {
    const en_scenario *scenario;
    en_result *const *results; /* one per model, all of `scenario` */
    size_t result_count;
    char *const *source_texts; /* per scenario source; NULL entries where unavailable */
    /* Analyses as their own JSON documents (Monte Carlo, sensitivity, war layer). */
    const char *const *analysis_kinds;
    const char *const *analysis_json;
    size_t analysis_count;
    const char *origin; /* where the data comes from, e.g. "scenario file x.yaml" */
} en_html_input;

/* Writes the page to `out`. */
en_status en_html_write(const en_html_input *input, FILE *out, en_error *err);

#endif
