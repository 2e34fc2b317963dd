/*
 * report.c — writing run results for people (text: a forecast table and the round-by-round
 * story), for programs (JSON, the layout documented in docs/cli.md) and for spreadsheets (CSV:
 * one row per issue × round × actor). Output is built in memory and written at once, so an
 * error never leaves half a document behind.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/node.h"
#include "core/result.h"
#include "core/terminal.h"
#include "core/util.h"
#include "models/model.h"
#include "models/params.h"
#include "report/report.h"

en_status en_output_format_parse(const char *name, en_output_format *out, en_error *err)
{
    if (strcmp(name, "text") == 0) *out = EN_OUTPUT_TEXT;
    else if (strcmp(name, "json") == 0) *out = EN_OUTPUT_JSON;
    else if (strcmp(name, "csv") == 0) *out = EN_OUTPUT_CSV;
    else return en_error_set(err, EN_ERROR_INPUT, "unknown format '%s' (expected text, json or csv)", name);
    return EN_OK;
}

const en_label *en_nearest_label(const en_issue *issue, double x)
{
    const en_label *best = NULL;
    for (size_t l = 0; l < issue->label_count; l++)
        if (!best || fabs(issue->labels[l].at - x) < fabs(best->at - x)) best = &issue->labels[l];
    return best;
}

/* A cell a spreadsheet would read as a formula: it starts with =, +, -, @, TAB or CR (OWASP,
 * "CSV Injection"), and is not a plain decimal number such as -3.5 or +2, which stays a number. */
static int formula_like(const char *text)
{
    if (!text[0] || !strchr("=+-@\t\r", text[0])) return 0;
    double number;
    return !en_parse_double(text, &number);
}

void en_csv_write_field(en_buffer *out, const char *text)
{
    /* Names come from other people's files: a leading ' makes the cell text in every
     * spreadsheet, so `=cmd|' /C calc'!A0` is shown, never evaluated. */
    const char *guard = formula_like(text) ? "'" : "";
    if (!strpbrk(text, ",\"\n\r")) {
        en_buffer_puts(out, guard);
        en_buffer_puts(out, text);
        return;
    }
    en_buffer_puts(out, "\"");
    en_buffer_puts(out, guard);
    for (const char *p = text; *p; p++) {
        if (*p == '"') en_buffer_puts(out, "\"\"");
        else en_buffer_append(out, p, 1);
    }
    en_buffer_puts(out, "\"");
}

void en_csv_write_number(en_buffer *out, double value, int leading_comma)
{
    if (leading_comma) en_buffer_puts(out, ",");
    if (isnan(value)) return;
    char text[40];
    en_format_double(text, sizeof text, value);
    en_buffer_puts(out, text);
}

void en_json_write_params(en_buffer *out, const en_params *params, const en_model *model)
{
    en_buffer_puts(out, "{");
    for (size_t i = 0; i < en_params_count(params); i++) {
        if (i) en_buffer_puts(out, ", ");
        en_json_write_string(out, en_params_name(params, i));
        en_buffer_puts(out, ": ");
        double number;
        if (en_params_is_numeric(params, model, i) &&
            en_parse_double(en_params_value(params, i), &number))
            en_json_write_number(out, number);
        else
            en_json_write_string(out, en_params_value(params, i));
    }
    en_buffer_puts(out, "}");
}

void en_json_write_header(en_buffer *out, const char *analysis, const en_scenario *scenario,
                          const en_model *model, const en_params *params)
{
    en_buffer_puts(out, "{\"entente\": ");
    en_json_write_string(out, en_version());
    if (analysis) {
        en_buffer_puts(out, ", \"analysis\": ");
        en_json_write_string(out, analysis);
    }
    en_buffer_puts(out, ", \"scenario\": ");
    en_json_write_string(out, en_scenario_title(scenario));
    en_buffer_puts(out, ", \"model\": ");
    en_json_write_string(out, model->name);
    en_buffer_puts(out, ", \"params\": ");
    en_json_write_params(out, params, model);
}

static void write_json(const en_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_json_write_header(out, NULL, s, r->model, r->params);
    en_buffer_puts(out, ", \"issues\": [");
    for (size_t i = 0; i < r->issue_count; i++) {
        const en_issue_result *ir = &r->issues[i];
        const en_issue *issue = &s->issues[ir->issue];
        if (i) en_buffer_puts(out, ", ");
        en_buffer_puts(out, "{\"id\": ");
        en_json_write_string(out, issue->id);
        en_buffer_puts(out, ", \"forecast\": ");
        en_json_write_number(out, ir->forecast);
        en_buffer_puts(out, ", \"stop_reason\": ");
        en_json_write_string(out, ir->stop_reason);
        const en_label *label = en_nearest_label(issue, ir->forecast);
        if (label) {
            en_buffer_puts(out, ", \"nearest_label\": ");
            en_json_write_string(out, label->text);
        }
        en_buffer_puts(out, ", \"rounds\": [");
        for (size_t k = 0; k < ir->round_count; k++) {
            const en_round *round = &ir->rounds[k];
            if (k) en_buffer_puts(out, ", ");
            en_buffer_printf(out, "{\"round\": %d, \"positions\": {", round->round);
            for (size_t p = 0; p < ir->participant_count; p++) {
                if (p) en_buffer_puts(out, ", ");
                en_json_write_string(out, s->actors[ir->participants[p]].id);
                en_buffer_puts(out, ": ");
                en_json_write_number(out, round->positions[p]);
            }
            en_buffer_puts(out, "}, \"mean\": ");
            en_json_write_number(out, round->mean);
            en_buffer_puts(out, ", \"median\": ");
            en_json_write_number(out, round->median);
            en_json_write_members(out, round->extra, 1);
            en_buffer_puts(out, "}");
        }
        en_buffer_puts(out, "]");
        en_json_write_members(out, ir->extra, 1);
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "]");
    if (r->story_count) {
        en_buffer_puts(out, ", \"story\": [");
        for (size_t k = 0; k < r->story_count; k++) {
            const en_story_line *line = &r->story[k];
            if (k) en_buffer_puts(out, ", ");
            en_buffer_printf(out, "{\"round\": %d, \"issue\": ", line->round);
            if (line->issue >= 0) en_json_write_string(out, s->issues[line->issue].id);
            else en_buffer_puts(out, "null");
            en_buffer_puts(out, ", \"text\": ");
            en_json_write_string(out, line->text);
            en_buffer_puts(out, "}");
        }
        en_buffer_puts(out, "]");
    }
    en_json_write_members(out, r->extra, 1);
    en_buffer_puts(out, "}\n");
}

static void write_csv(const en_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_buffer_puts(out, "issue,round,actor,position\n");
    for (size_t i = 0; i < r->issue_count; i++) {
        const en_issue_result *ir = &r->issues[i];
        for (size_t k = 0; k < ir->round_count; k++) {
            for (size_t p = 0; p < ir->participant_count; p++) {
                en_csv_write_field(out, s->issues[ir->issue].id);
                en_buffer_printf(out, ",%d,", ir->rounds[k].round);
                en_csv_write_field(out, s->actors[ir->participants[p]].id);
                en_buffer_puts(out, ",");
                en_csv_write_number(out, ir->rounds[k].positions[p], 0);
                en_buffer_puts(out, "\n");
            }
        }
    }
}

/* Column width of UTF-8 text, counting code points (good enough for tables of names). */
size_t en_text_width(const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

void en_text_pad(en_buffer *out, const char *text, size_t width)
{
    en_buffer_puts(out, text);
    for (size_t w = en_text_width(text); w < width; w++) en_buffer_puts(out, " ");
}

void en_text_write_heading(en_buffer *out, const en_scenario *scenario, const char *label, const en_model *model,
                           const en_params *params)
{
    en_buffer_printf(out, "%s\n%s%s", en_scenario_title(scenario), label, model->name);
    for (size_t i = 0; i < en_params_count(params); i++)
        en_buffer_printf(out, "%s%s=%s", i ? ", " : " (", en_params_name(params, i), en_params_value(params, i));
    if (en_params_count(params)) en_buffer_puts(out, ")");
}

static void write_text(const en_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_text_write_heading(out, s, "model: ", r->model, r->params);
    en_buffer_puts(out, "\n");
    if (r->story_count) {
        en_buffer_puts(out, "\n");
        int round = -1;
        for (size_t k = 0; k < r->story_count; k++) {
            const en_story_line *line = &r->story[k];
            if (line->round != round) {
                round = line->round;
                en_buffer_printf(out, "Round %d\n", round);
            }
            if (line->issue >= 0 && s->issue_count > 1)
                en_buffer_printf(out, "  [%s] %s\n", s->issues[line->issue].id, line->text);
            else
                en_buffer_printf(out, "  %s\n", line->text);
        }
    }
    size_t width = strlen("issue");
    for (size_t i = 0; i < r->issue_count; i++) {
        size_t w = en_text_width(s->issues[r->issues[i].issue].id);
        if (w > width) width = w;
    }
    en_buffer_puts(out, "\n");
    en_text_pad(out, "issue", width);
    en_buffer_puts(out, "  forecast  rounds  stop         nearest label\n");
    for (size_t i = 0; i < r->issue_count; i++) {
        const en_issue_result *ir = &r->issues[i];
        const en_issue *issue = &s->issues[ir->issue];
        en_text_pad(out, issue->id, width);
        en_buffer_printf(out, "  %8.2f  %6zu  ", ir->forecast,
                         ir->round_count ? ir->round_count - 1 : 0);
        en_text_pad(out, ir->stop_reason, 11);
        const en_label *label = en_nearest_label(issue, ir->forecast);
        if (label) en_buffer_printf(out, "  %s (%g)", label->text, label->at);
        en_buffer_puts(out, "\n");
    }
}

void en_result_json(const en_result *r, en_buffer *out)
{
    write_json(r, out);
}

en_status en_report_flush(en_buffer *out, FILE *file, en_error *err)
{
    return en_buffer_flush(out, file, err);
}

en_status en_result_write_unguarded(const en_result *r, en_output_format format, FILE *file, en_error *err)
{
    en_buffer out = {0};
    switch (format) {
    case EN_OUTPUT_TEXT: write_text(r, &out); break;
    case EN_OUTPUT_JSON: write_json(r, &out); break;
    case EN_OUTPUT_CSV: write_csv(r, &out); break;
    }
    return en_report_flush(&out, file, err);
}
