/*
 * compare.c — several models' forecasts of one scenario side by side (the `compare` table),
 * in text, JSON or CSV.
 */
#include <string.h>

#include "core/node.h"
#include "core/result.h"
#include "models/model.h"
#include "report/report.h"

static double forecast_of(const en_result *r, size_t issue, int *found)
{
    for (size_t i = 0; i < r->issue_count; i++)
        if (r->issues[i].issue == issue) {
            *found = 1;
            return r->issues[i].forecast;
        }
    *found = 0;
    return 0;
}

/* What the numbers mean: per issue, each scale label nearest to some model's forecast, with the
 * models whose forecast it is nearest to. */
static void write_labels(en_buffer *out, const en_scenario *s, en_result *const *results, size_t count)
{
    int any = 0;
    for (size_t i = 0; i < s->issue_count; i++) {
        const en_issue *issue = &s->issues[i];
        if (!issue->label_count) continue;
        if (!any) en_buffer_puts(out, "\nNearest scale labels:\n");
        any = 1;
        en_buffer_printf(out, "  %s:", issue->id);
        int first_label = 1;
        for (size_t l = 0; l < issue->label_count; l++) {
            int listed = 0;
            for (size_t m = 0; m < count; m++) {
                int found;
                double x = forecast_of(results[m], i, &found);
                if (!found || en_nearest_label(issue, x) != &issue->labels[l]) continue;
                if (!listed) en_buffer_printf(out, "%s \"%s\" (", first_label ? "" : ";", issue->labels[l].text);
                en_buffer_printf(out, "%s%s", listed ? ", " : "", results[m]->model->name);
                listed = 1;
                first_label = 0;
            }
            if (listed) en_buffer_puts(out, ")");
        }
        en_buffer_puts(out, "\n");
    }
}

/* The answers a veto player would reject, judged as `entente forecast` judges them. */
static void write_vetoes(en_buffer *out, const en_scenario *s, en_result *const *results, size_t count)
{
    int any = 0;
    for (size_t m = 0; m < count; m++) {
        char ids[1024];
        if (!en_veto_rejections(s, results[m], 0.5, 0.5, ids, sizeof ids)) continue;
        if (!any) en_buffer_puts(out, "\nAnswers a veto player would reject (it prefers no agreement; see 'entente forecast'):\n");
        en_buffer_printf(out, "  %s: rejected by %s\n", results[m]->model->name, ids);
        any = 1;
    }
}

en_status en_compare_write_unguarded(const en_scenario *s, en_result *const *results, size_t count,
                           en_output_format format, FILE *file, en_error *err)
{
    en_buffer out = {0};
    if (format == EN_OUTPUT_JSON) {
        en_buffer_puts(&out, "{\"entente\": ");
        en_json_write_string(&out, en_version());
        en_buffer_puts(&out, ", \"scenario\": ");
        en_json_write_string(&out, en_scenario_title(s));
        en_buffer_puts(&out, ", \"models\": [");
        for (size_t m = 0; m < count; m++) {
            if (m) en_buffer_puts(&out, ", ");
            en_buffer_puts(&out, "{\"name\": ");
            en_json_write_string(&out, results[m]->model->name);
            en_buffer_puts(&out, ", \"params\": ");
            en_json_write_params(&out, results[m]->params, results[m]->model);
            en_buffer_puts(&out, "}");
        }
        en_buffer_puts(&out, "], \"issues\": [");
        for (size_t i = 0; i < s->issue_count; i++) {
            if (i) en_buffer_puts(&out, ", ");
            en_buffer_puts(&out, "{\"id\": ");
            en_json_write_string(&out, s->issues[i].id);
            en_buffer_puts(&out, ", \"forecasts\": {");
            int first = 1;
            for (size_t m = 0; m < count; m++) {
                int found;
                double x = forecast_of(results[m], i, &found);
                if (!found) continue;
                if (!first) en_buffer_puts(&out, ", ");
                first = 0;
                en_json_write_string(&out, results[m]->model->name);
                en_buffer_puts(&out, ": ");
                en_json_write_number(&out, x);
            }
            en_buffer_puts(&out, "}}");
        }
        en_buffer_puts(&out, "]}\n");
    } else if (format == EN_OUTPUT_CSV) {
        en_buffer_puts(&out, "issue,model,forecast,stop_reason\n");
        for (size_t i = 0; i < s->issue_count; i++)
            for (size_t m = 0; m < count; m++)
                for (size_t k = 0; k < results[m]->issue_count; k++) {
                    const en_issue_result *ir = &results[m]->issues[k];
                    if (ir->issue != i) continue;
                    en_csv_write_field(&out, s->issues[i].id);
                    en_buffer_puts(&out, ",");
                    en_csv_write_field(&out, results[m]->model->name);
                    char number[40];
                    en_format_double(number, sizeof number, ir->forecast);
                    en_buffer_printf(&out, ",%s,%s\n", number, ir->stop_reason);
                }
    } else {
        en_buffer_printf(&out, "%s\n\n", en_scenario_title(s));
        size_t width = strlen("issue");
        for (size_t i = 0; i < s->issue_count; i++)
            if (en_text_width(s->issues[i].id) > width) width = en_text_width(s->issues[i].id);
        en_text_pad(&out, "issue", width);
        en_buffer_puts(&out, "  scale    ");
        for (size_t m = 0; m < count; m++) en_buffer_printf(&out, "  %10s", results[m]->model->name);
        en_buffer_puts(&out, "\n");
        for (size_t i = 0; i < s->issue_count; i++) {
            en_text_pad(&out, s->issues[i].id, width);
            char scale[32];
            snprintf(scale, sizeof scale, "%g–%g", s->issues[i].scale_min, s->issues[i].scale_max);
            en_buffer_puts(&out, "  ");
            en_text_pad(&out, scale, 9);
            for (size_t m = 0; m < count; m++) {
                int found;
                double x = forecast_of(results[m], i, &found);
                if (found) en_buffer_printf(&out, "  %10.2f", x);
                else en_buffer_printf(&out, "  %10s", "-");
            }
            en_buffer_puts(&out, "\n");
        }
        write_labels(&out, s, results, count);
        write_vetoes(&out, s, results, count);
    }
    return en_report_flush(&out, file, err);
}
