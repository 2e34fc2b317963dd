/*
 * sweep_write.c — writing a parameter sweep (analysis/sweep.c) as one table: a row per grid
 * point, in grid order (the first axis varying slowest), with the point's parameter values
 * and then each issue's forecast. Text, CSV and JSON; docs/cli.md has the layouts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sweep.h"
#include "core/node.h"
#include "core/util.h"
#include "models/model.h"
#include "models/params.h"
#include "report/report.h"

static size_t column_width(const char *name, size_t at_least)
{
    size_t w = en_text_width(name);
    return w > at_least ? w : at_least;
}

static void write_text(const en_sweep_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_text_write_heading(out, s, "Sweep: model ", r->model, r->params);
    en_buffer_printf(out, "; %zu point%s:", r->point_count, r->point_count == 1 ? "" : "s");
    for (size_t a = 0; a < r->axis_count; a++)
        en_buffer_printf(out, "%s %s from %g to %g step %g (%zu)", a ? " ×" : "", r->axes[a].name,
                         r->axes[a].start, r->axes[a].stop, r->axes[a].step, r->axes[a].points);
    en_buffer_puts(out, "\n");
    if (r->failed_points) {
        size_t first = 0;
        while (!r->failure[first][0]) first++;
        en_buffer_printf(out, "%zu point%s refused by the model (n/a below; first, point %zu: %s)\n",
                         r->failed_points, r->failed_points == 1 ? "" : "s", first + 1, r->failure[first]);
    }
    en_buffer_puts(out, "\n");
    for (size_t a = 0; a < r->axis_count; a++) {
        en_text_pad(out, r->axes[a].name, column_width(r->axes[a].name, 10));
        en_buffer_puts(out, " ");
    }
    for (size_t i = 0; i < s->issue_count; i++) {
        size_t w = column_width(s->issues[i].id, 10);
        for (size_t k = en_text_width(s->issues[i].id); k < w; k++) en_buffer_puts(out, " ");
        en_buffer_printf(out, "%s%s", s->issues[i].id, i + 1 < s->issue_count ? " " : "");
    }
    en_buffer_puts(out, "\n");
    for (size_t p = 0; p < r->point_count; p++) {
        for (size_t a = 0; a < r->axis_count; a++) {
            char value[40];
            en_format_double(value, sizeof value, en_sweep_point_value(r, p, a));
            en_text_pad(out, value, column_width(r->axes[a].name, 10));
            en_buffer_puts(out, " ");
        }
        for (size_t i = 0; i < s->issue_count; i++) {
            int w = (int)column_width(s->issues[i].id, 10);
            double x = en_sweep_forecast(r, p, i);
            if (isnan(x)) en_buffer_printf(out, "%*s", w, "n/a");
            else en_buffer_printf(out, "%*.3f", w, x);
            if (i + 1 < s->issue_count) en_buffer_puts(out, " ");
        }
        en_buffer_puts(out, "\n");
    }
}

/* Header: the axis names, the issue ids, then `error`; numbers exact, no value: empty. */
static void write_csv(const en_sweep_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    for (size_t a = 0; a < r->axis_count; a++) {
        if (a) en_buffer_puts(out, ",");
        en_csv_write_field(out, r->axes[a].name);
    }
    for (size_t i = 0; i < s->issue_count; i++) {
        en_buffer_puts(out, ",");
        en_csv_write_field(out, s->issues[i].id);
    }
    en_buffer_puts(out, ",error\n");
    for (size_t p = 0; p < r->point_count; p++) {
        for (size_t a = 0; a < r->axis_count; a++) en_csv_write_number(out, en_sweep_point_value(r, p, a), a > 0);
        for (size_t i = 0; i < s->issue_count; i++) en_csv_write_number(out, en_sweep_forecast(r, p, i), 1);
        en_buffer_puts(out, ",");
        if (r->failure[p][0]) en_csv_write_field(out, r->failure[p]);
        en_buffer_puts(out, "\n");
    }
}

static void write_json(const en_sweep_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_json_write_header(out, "sweep", s, r->model, r->params);
    en_buffer_puts(out, ", \"axes\": [");
    for (size_t a = 0; a < r->axis_count; a++) {
        const en_sweep_axis *axis = &r->axes[a];
        en_buffer_puts(out, a ? ", {\"name\": " : "{\"name\": ");
        en_json_write_string(out, axis->name);
        const double numbers[] = {axis->start, axis->stop, axis->step};
        const char *const keys[] = {"start", "stop", "step"};
        for (size_t q = 0; q < 3; q++) {
            en_buffer_printf(out, ", \"%s\": ", keys[q]);
            en_json_write_number(out, numbers[q]);
        }
        en_buffer_printf(out, ", \"points\": %zu}", axis->points);
    }
    en_buffer_printf(out, "], \"point_count\": %zu, \"failed_points\": %zu, \"issues\": [",
                     r->point_count, r->failed_points);
    for (size_t i = 0; i < s->issue_count; i++) {
        if (i) en_buffer_puts(out, ", ");
        en_json_write_string(out, s->issues[i].id);
    }
    en_buffer_puts(out, "], \"points\": [");
    for (size_t p = 0; p < r->point_count; p++) {
        en_buffer_puts(out, p ? ",\n  {\"values\": {" : "\n  {\"values\": {");
        for (size_t a = 0; a < r->axis_count; a++) {
            if (a) en_buffer_puts(out, ", ");
            en_json_write_string(out, r->axes[a].name);
            en_buffer_puts(out, ": ");
            en_json_write_number(out, en_sweep_point_value(r, p, a));
        }
        en_buffer_puts(out, "}, \"forecasts\": {");
        for (size_t i = 0; i < s->issue_count; i++) {
            if (i) en_buffer_puts(out, ", ");
            en_json_write_string(out, s->issues[i].id);
            en_buffer_puts(out, ": ");
            en_json_write_number(out, en_sweep_forecast(r, p, i));
        }
        en_buffer_puts(out, "}, \"error\": ");
        if (r->failure[p][0]) en_json_write_string(out, r->failure[p]);
        else en_buffer_puts(out, "null");
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "\n]}\n");
}

en_status en_sweep_result_write_unguarded(const en_sweep_result *r, en_output_format format, FILE *file,
                                en_error *err)
{
    en_buffer out = {0};
    switch (format) {
    case EN_OUTPUT_TEXT: write_text(r, &out); break;
    case EN_OUTPUT_JSON: write_json(r, &out); break;
    case EN_OUTPUT_CSV: write_csv(r, &out); break;
    }
    return en_report_flush(&out, file, err);
}
