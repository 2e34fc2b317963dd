/*
 * report.h — internal helpers shared by the writers (text tables, JSON, CSV).
 */
#ifndef ENTENTE_REPORT_REPORT_H
#define ENTENTE_REPORT_REPORT_H

#include <stdio.h>

#include "core/scenario.h"
#include "core/util.h"
#include "entente.h"

const en_label *en_nearest_label(const en_issue *issue, double x);
/* Appends one CSV field: quoted when it holds a comma, quote or line end; a text that starts with
 * =, +, -, @, TAB or CR and is not a plain number gets a leading ' (formula neutralisation,
 * docs/cli.md). Time complexity: O(length of text). */
void en_csv_write_field(en_buffer *out, const char *text);
/* A CSV number (read back exactly); with `leading_comma` preceded by a comma. NaN stands for
 * "no value" and writes an empty field. */
void en_csv_write_number(en_buffer *out, double value, int leading_comma);
void en_json_write_params(en_buffer *out, const en_params *params, const en_model *model);
/* Opens a JSON document with the fields every run-like output starts with:
 * {"entente": VERSION, ["analysis": ANALYSIS,] "scenario": TITLE, "model": NAME, "params": {...}
 * (no closing brace). `analysis` may be NULL. */
void en_json_write_header(en_buffer *out, const char *analysis, const en_scenario *scenario,
                          const en_model *model, const en_params *params);
/* The first line of a text report, the scenario's title, then `label` and the model's name with
 * its parameters: "TITLE\nLABELNAME (a=1, b=2)" ("TITLE\nLABELNAME" when there are none), no
 * line end. Time complexity: O(parameters + length of the text). */
void en_text_write_heading(en_buffer *out, const en_scenario *scenario, const char *label, const en_model *model,
                           const en_params *params);
size_t en_text_width(const char *text);
void en_text_pad(en_buffer *out, const char *text, size_t width);
/* Writes the buffer to the file and frees it (en_buffer_flush, core/terminal.h). */
en_status en_report_flush(en_buffer *out, FILE *file, en_error *err);

/* Appends a model's run in the `run --format json` layout (what en_result_write writes with
 * EN_OUTPUT_JSON) to `out`. Time complexity: O(size of the result). */
void en_result_json(const en_result *r, en_buffer *out);

/* The bodies of the public writers, which report_guard.c runs under an out-of-memory guard
 * (core/oom.h). Each builds its whole text in a buffer before writing any of it, so an unwind
 * leaves the stream untouched. */
en_status en_result_write_unguarded(const en_result *r, en_output_format format, FILE *file, en_error *err);
en_status en_result_write_trace_csv_unguarded(const en_result *r, FILE *file, en_error *err);
en_status en_compare_write_unguarded(const en_scenario *s, en_result *const *results, size_t count,
                                     en_output_format format, FILE *file, en_error *err);
en_status en_mc_result_write_unguarded(const en_mc_result *r, en_output_format format, FILE *file, en_error *err);
en_status en_sensitivity_result_write_unguarded(const en_sensitivity_result *r, en_output_format format,
                                                FILE *file, en_error *err);
en_status en_sweep_result_write_unguarded(const en_sweep_result *r, en_output_format format, FILE *file,
                                          en_error *err);
en_status en_forecast_write_unguarded(const en_forecast_result *r, en_output_format format, FILE *file,
                                      en_error *err);
en_status en_backtest_write_unguarded(const en_backtest *bt, en_output_format format, FILE *file,
                                      en_error *err);

#endif
