/*
 * sensitivity_write.c — writing a sensitivity analysis (analysis/sensitivity.c): per issue the
 * inputs ranked by how far they move the forecast (a "tornado"), then the pivotal-actor tables
 * (forecast change without each actor, without each actor's vetoes). Text, JSON and CSV; the
 * layouts are described in docs/analysis.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sensitivity.h"
#include "core/node.h"
#include "core/util.h"
#include "models/model.h"
#include "models/params.h"
#include "report/report.h"

typedef struct ranking {
    const en_sensitivity_result *result;
    size_t issue;
} ranking;

/* qsort has no context argument in C11; the writers run one ranking at a time. */
static ranking current;

/* Larger swing first; refused runs (NaN) after every number; ties in input order. */
static int by_swing(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    double sa = en_sensitivity_swing(&current.result->rows[a], current.issue);
    double sb = en_sensitivity_swing(&current.result->rows[b], current.issue);
    int na = isnan(sa), nb = isnan(sb);
    if (na != nb) return na - nb;
    if (!na && sa != sb) return sa > sb ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Rows that move the forecast on `issue` (or could not be run), ranked; returns the count. */
static size_t ranked_rows(const en_sensitivity_result *r, size_t issue, size_t *order)
{
    size_t n = 0;
    for (size_t k = 0; k < r->row_count; k++) {
        double swing = en_sensitivity_swing(&r->rows[k], issue);
        if (isnan(swing) || swing > 0) order[n++] = k;
    }
    current.result = r;
    current.issue = issue;
    qsort(order, n, sizeof *order, by_swing);
    return n;
}

static void row_label(const en_sensitivity_result *r, const en_sensitivity_row *row, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_buffer_printf(out, "%s %s", s->actors[row->actor].id, en_sensitivity_input_name(row->input));
    if (row->on_issue >= 0) en_buffer_printf(out, " on %s", s->issues[row->on_issue].id);
}

static void text_change(en_buffer *out, double x)
{
    if (isnan(x)) en_buffer_printf(out, " %9s", "n/a");
    else en_buffer_printf(out, " %+9.3f", x);
}

/* A tornado bar: decreases grow left of '|', increases right, scaled to the issue's largest. */
static void text_bar(en_buffer *out, double minus, double plus, double largest)
{
    const int half = 12;
    double left = 0, right = 0;
    if (minus < 0) left = -minus;
    if (plus < 0 && -plus > left) left = -plus;
    if (minus > 0) right = minus;
    if (plus > right) right = plus;
    int l = largest > 0 ? (int)lround(half * left / largest) : 0;
    int rr = largest > 0 ? (int)lround(half * right / largest) : 0;
    en_buffer_puts(out, "  ");
    for (int k = half; k > 0; k--) en_buffer_puts(out, k <= l ? "#" : " ");
    en_buffer_puts(out, "|");
    for (int k = 1; k <= half; k++) en_buffer_puts(out, k <= rr ? "#" : " ");
}

static void write_pivotal_table(const en_sensitivity_result *r, const double *changes, int vetoes,
                                en_buffer *out)
{
    const en_scenario *s = r->scenario;
    size_t idw = 5;
    for (size_t a = 0; a < s->actor_count; a++)
        if (en_text_width(s->actors[a].id) > idw) idw = en_text_width(s->actors[a].id);
    en_buffer_puts(out, "  ");
    en_text_pad(out, "actor", idw);
    for (size_t i = 0; i < s->issue_count; i++) {
        size_t w = en_text_width(s->issues[i].id);
        en_buffer_puts(out, " ");
        for (size_t k = w; k < 9; k++) en_buffer_puts(out, " ");
        en_buffer_puts(out, s->issues[i].id);
    }
    en_buffer_puts(out, "\n");
    for (size_t a = 0; a < s->actor_count; a++) {
        if (vetoes && !r->has_veto[a]) continue;
        en_buffer_puts(out, "  ");
        en_text_pad(out, s->actors[a].id, idw);
        for (size_t i = 0; i < s->issue_count; i++) {
            int w = (int)en_text_width(s->issues[i].id);
            double x = changes[a * s->issue_count + i];
            if (isnan(x)) en_buffer_printf(out, " %*s", w > 9 ? w : 9, "n/a");
            else en_buffer_printf(out, " %+*.2f", w > 9 ? w : 9, x);
        }
        en_buffer_puts(out, "\n");
    }
}

static void write_text(const en_sensitivity_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_text_write_heading(out, s, "Sensitivity: model ", r->model, r->params);
    en_buffer_printf(out, ", delta %g: each capability moved by %g%% of its value, each "
                          "salience and position by %g%% of its range, one at a time\n",
                     r->delta, 100 * r->delta, 100 * r->delta);
    if (r->failed_runs)
        en_buffer_printf(out, "%zu runs refused by the model (n/a below; first: %s)\n", r->failed_runs,
                         r->first_failure);
    size_t *order = en_xmalloc((r->row_count ? r->row_count : 1) * sizeof *order);
    for (size_t i = 0; i < s->issue_count; i++) {
        size_t n = ranked_rows(r, i, order);
        en_buffer_printf(out, "\n%s: forecast ", s->issues[i].id);
        if (isnan(r->baseline[i])) en_buffer_puts(out, "n/a");
        else en_buffer_printf(out, "%.3f", r->baseline[i]);
        en_buffer_printf(out, "; top drivers (change of the forecast at -delta / +delta)\n");
        if (n == 0) en_buffer_puts(out, "  no input moves this forecast\n");
        double largest = n ? en_sensitivity_swing(&r->rows[order[0]], i) : 0;
        for (size_t k = 0; k < n && k < r->top; k++) {
            const en_sensitivity_row *row = &r->rows[order[k]];
            en_buffer label = {0};
            row_label(r, row, &label);
            en_buffer_printf(out, "  %2zu. ", k + 1);
            en_text_pad(out, label.data, 34);
            en_buffer_free(&label);
            text_change(out, row->minus[i]);
            text_change(out, row->plus[i]);
            if (!isnan(largest)) text_bar(out, row->minus[i], row->plus[i], largest);
            en_buffer_puts(out, "\n");
        }
        if (n > r->top) en_buffer_printf(out, "  ... %zu more inputs move it (--format json lists all)\n", n - r->top);
    }
    en_free(order);
    en_buffer_puts(out, "\nPivotal actors: change of each forecast without the actor\n");
    write_pivotal_table(r, r->without_actor, 0, out);
    en_buffer_puts(out, "\nVetoes: change of each forecast without the actor's vetoes"
                        " (zero for models that ignore vetoes)\n");
    size_t holders = 0;
    for (size_t a = 0; a < s->actor_count; a++) holders += r->has_veto[a];
    if (holders) write_pivotal_table(r, r->without_veto, 1, out);
    else en_buffer_puts(out, "  no actor holds a veto\n");
}

static void json_changes(en_buffer *out, const en_sensitivity_result *r, const double *changes)
{
    en_buffer_puts(out, "{");
    for (size_t i = 0; i < r->scenario->issue_count; i++) {
        if (i) en_buffer_puts(out, ", ");
        en_json_write_string(out, r->scenario->issues[i].id);
        en_buffer_puts(out, ": ");
        en_json_write_number(out, changes[i]);
    }
    en_buffer_puts(out, "}");
}

static void write_json(const en_sensitivity_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_json_write_header(out, "sensitivity", s, r->model, r->params);
    en_buffer_puts(out, ", \"delta\": ");
    en_json_write_number(out, r->delta);
    en_buffer_printf(out, ", \"failed_runs\": %zu, \"first_failure\": ", r->failed_runs);
    if (r->failed_runs) en_json_write_string(out, r->first_failure);
    else en_buffer_puts(out, "null");
    en_buffer_puts(out, ", \"issues\": [");
    size_t *order = en_xmalloc((r->row_count ? r->row_count : 1) * sizeof *order);
    for (size_t i = 0; i < s->issue_count; i++) {
        size_t n = ranked_rows(r, i, order);
        en_buffer_puts(out, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
        en_json_write_string(out, s->issues[i].id);
        en_buffer_puts(out, ", \"baseline\": ");
        en_json_write_number(out, r->baseline[i]);
        en_buffer_puts(out, ", \"drivers\": [");
        for (size_t k = 0; k < n; k++) {
            const en_sensitivity_row *row = &r->rows[order[k]];
            en_buffer_puts(out, k ? ",\n    {\"actor\": " : "\n    {\"actor\": ");
            en_json_write_string(out, s->actors[row->actor].id);
            en_buffer_printf(out, ", \"input\": \"%s\", \"on_issue\": ", en_sensitivity_input_name(row->input));
            if (row->on_issue >= 0) en_json_write_string(out, s->issues[row->on_issue].id);
            else en_buffer_puts(out, "null");
            const double numbers[] = {row->value, row->low, row->high, row->minus[i], row->plus[i],
                                      en_sensitivity_swing(row, i)};
            const char *const keys[] = {"value", "low", "high", "change_low", "change_high", "swing"};
            for (size_t q = 0; q < 6; q++) {
                en_buffer_printf(out, ", \"%s\": ", keys[q]);
                en_json_write_number(out, numbers[q]);
            }
            en_buffer_puts(out, "}");
        }
        en_buffer_puts(out, "]}");
    }
    en_free(order);
    en_buffer_puts(out, "\n], \"pivotal\": [");
    for (size_t a = 0; a < s->actor_count; a++) {
        en_buffer_puts(out, a ? ",\n  {\"actor\": " : "\n  {\"actor\": ");
        en_json_write_string(out, s->actors[a].id);
        en_buffer_printf(out, ", \"has_veto\": %s, \"without_actor\": ", r->has_veto[a] ? "true" : "false");
        json_changes(out, r, r->without_actor + a * s->issue_count);
        en_buffer_puts(out, ", \"without_veto\": ");
        json_changes(out, r, r->without_veto + a * s->issue_count);
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "\n]}\n");
}


/* One row per (kind, actor, input, issue): kind "input" for the one-at-a-time moves, with the
 * changes at -delta and +delta; "without_actor" / "without_veto" with the change in change_low. */
static void write_csv(const en_sensitivity_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_buffer_puts(out, "kind,actor,input,on_issue,issue,baseline,low,high,change_low,change_high\n");
    for (size_t k = 0; k < r->row_count; k++) {
        const en_sensitivity_row *row = &r->rows[k];
        for (size_t i = 0; i < s->issue_count; i++) {
            en_buffer_puts(out, "input,");
            en_csv_write_field(out, s->actors[row->actor].id);
            en_buffer_printf(out, ",%s,", en_sensitivity_input_name(row->input));
            if (row->on_issue >= 0) en_csv_write_field(out, s->issues[row->on_issue].id);
            en_buffer_puts(out, ",");
            en_csv_write_field(out, s->issues[i].id);
            en_csv_write_number(out, r->baseline[i], 1);
            en_csv_write_number(out, row->low, 1);
            en_csv_write_number(out, row->high, 1);
            en_csv_write_number(out, row->minus[i], 1);
            en_csv_write_number(out, row->plus[i], 1);
            en_buffer_puts(out, "\n");
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        const double *changes = pass ? r->without_veto : r->without_actor;
        for (size_t a = 0; a < s->actor_count; a++) {
            for (size_t i = 0; i < s->issue_count; i++) {
                en_buffer_puts(out, pass ? "without_veto," : "without_actor,");
                en_csv_write_field(out, s->actors[a].id);
                en_buffer_puts(out, ",,,");
                en_csv_write_field(out, s->issues[i].id);
                en_csv_write_number(out, r->baseline[i], 1);
                en_buffer_puts(out, ",,");
                en_csv_write_number(out, changes[a * s->issue_count + i], 1);
                en_buffer_puts(out, ",\n");
            }
        }
    }
}

en_status en_sensitivity_result_write_unguarded(const en_sensitivity_result *r, en_output_format format,
                                      FILE *file, en_error *err)
{
    en_buffer out = {0};
    switch (format) {
    case EN_OUTPUT_TEXT: write_text(r, &out); break;
    case EN_OUTPUT_JSON: write_json(r, &out); break;
    case EN_OUTPUT_CSV: write_csv(r, &out); break;
    }
    return en_report_flush(&out, file, err);
}
