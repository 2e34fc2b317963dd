/*
 * montecarlo_write.c — writing a Monte Carlo forecast (analysis/montecarlo.c): a table per
 * issue for people, JSON for programs and the report, one CSV row per issue for spreadsheets.
 * The layouts are described in docs/analysis.md. Nothing written depends on the thread count
 * or on timing, so the output is bit-identical for a given seed.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "analysis/montecarlo.h"
#include "core/node.h"
#include "core/util.h"
#include "models/model.h"
#include "models/params.h"
#include "report/report.h"

static const double quantile_levels[] = {0.05, 0.25, 0.50, 0.75, 0.95};
static const char *const quantile_names[] = {"5", "25", "50", "75", "95"};
#define QUANTILE_COUNT (sizeof quantile_levels / sizeof quantile_levels[0])

static double share(size_t part, size_t whole)
{
    return whole ? (double)part / (double)whole : NAN;
}

/* The label most draws land nearest to (the first on a tie), -1 if the issue has none. */
static long modal_label(const en_mc_issue_stats *st, const en_issue *issue)
{
    long best = -1;
    for (size_t l = 0; l < issue->label_count; l++)
        if (best < 0 || st->label_counts[l] > st->label_counts[best]) best = (long)l;
    return best;
}

static void json_probability_object(en_buffer *out, const char *key, double value, int comma)
{
    en_buffer_printf(out, "%s\"%s\": ", comma ? ", " : "", key);
    en_json_write_number(out, value);
}

static void write_json_issue(const en_mc_result *r, size_t i, en_buffer *out)
{
    const en_issue *is = &r->scenario->issues[i];
    const en_mc_issue_stats *st = &r->issues[i];
    int any = st->count > 0;
    en_buffer_puts(out, "{\"id\": ");
    en_json_write_string(out, is->id);
    en_buffer_puts(out, ", \"name\": ");
    en_json_write_string(out, is->name ? is->name : is->id);
    en_buffer_puts(out, ", \"scale\": [");
    en_json_write_number(out, is->scale_min);
    en_buffer_puts(out, ", ");
    en_json_write_number(out, is->scale_max);
    en_buffer_printf(out, "], \"draws\": %zu, \"no_forecast\": {\"zero_weight\": %zu}, \"point\": ",
                     st->count, st->zero_weight);
    en_json_write_number(out, st->point);
    en_buffer_puts(out, ", \"mean\": ");
    en_json_write_number(out, any ? st->mean : NAN);
    en_buffer_puts(out, ", \"sd\": ");
    en_json_write_number(out, any ? en_mc_sd(r, i) : NAN);
    en_buffer_puts(out, ", \"min\": ");
    en_json_write_number(out, any ? st->min : NAN);
    en_buffer_puts(out, ", \"max\": ");
    en_json_write_number(out, any ? st->max : NAN);
    en_buffer_puts(out, ", \"median\": ");
    en_json_write_number(out, en_mc_quantile(r, i, 0.5));
    en_buffer_puts(out, ", \"quantiles\": {");
    for (size_t q = 0; q < QUANTILE_COUNT; q++) {
        en_buffer_printf(out, "%s\"%s\": ", q ? ", " : "", quantile_names[q]);
        en_json_write_number(out, en_mc_quantile(r, i, quantile_levels[q]));
    }
    en_buffer_puts(out, "}, \"status_quo\": ");
    if (is->has_status_quo) {
        en_buffer_puts(out, "{\"value\": ");
        en_json_write_number(out, is->status_quo.value);
        json_probability_object(out, "below", share(st->below, st->count), 1);
        json_probability_object(out, "equal", share(st->equal, st->count), 1);
        json_probability_object(out, "above", share(st->above, st->count), 1);
        en_buffer_puts(out, "}");
    } else {
        en_buffer_puts(out, "null");
    }
    long best = modal_label(st, is);
    en_buffer_puts(out, ", \"nearest_label\": ");
    if (best >= 0 && any) {
        en_buffer_puts(out, "{\"at\": ");
        en_json_write_number(out, is->labels[best].at);
        en_buffer_puts(out, ", \"text\": ");
        en_json_write_string(out, is->labels[best].text);
        json_probability_object(out, "probability", share(st->label_counts[best], st->count), 1);
        en_buffer_puts(out, "}");
    } else {
        en_buffer_puts(out, "null");
    }
    en_buffer_puts(out, ", \"labels\": [");
    for (size_t l = 0; l < is->label_count; l++) {
        en_buffer_puts(out, l ? ", {\"at\": " : "{\"at\": ");
        en_json_write_number(out, is->labels[l].at);
        json_probability_object(out, "probability", share(st->label_counts[l], st->count), 1);
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "], \"stop\": {");
    json_probability_object(out, "converged", share(st->converged, st->count), 0);
    json_probability_object(out, "round_limit", share(st->round_limit, st->count), 1);
    json_probability_object(out, "stopped_early", share(st->stopped_early, st->count), 1);
    en_buffer_puts(out, ", \"reasons\": {");
    for (size_t k = 0; k < st->reason_count; k++) {
        if (k) en_buffer_puts(out, ", ");
        en_json_write_string(out, st->reasons[k].name);
        en_buffer_printf(out, ": %zu", st->reasons[k].count);
    }
    if (st->reason_other)
        en_buffer_printf(out, "%s\"other\": %zu", st->reason_count ? ", " : "", st->reason_other);
    en_buffer_printf(out, "}}, \"histogram\": {\"min\": ");
    en_json_write_number(out, is->scale_min);
    en_buffer_puts(out, ", \"max\": ");
    en_json_write_number(out, is->scale_max);
    en_buffer_printf(out, ", \"bins\": %d, \"counts\": [", EN_MC_OUTPUT_BINS);
    const size_t per = EN_MC_BINS / EN_MC_OUTPUT_BINS;
    for (size_t b = 0; b < EN_MC_OUTPUT_BINS; b++) {
        uint64_t c = 0;
        for (size_t k = 0; k < per; k++) c += st->bins[b * per + k];
        en_buffer_printf(out, "%s%" PRIu64, b ? ", " : "", c);
    }
    en_buffer_puts(out, "]}}");
}

static void write_json(const en_mc_result *r, en_buffer *out)
{
    en_json_write_header(out, "montecarlo", r->scenario, r->model, r->params);
    en_buffer_printf(out, ", \"draws\": %zu, \"draws_requested\": %zu, \"seed\": %" PRIu64
                          ", \"jitter\": ",
                     r->draws_done, r->draws_requested, r->seed);
    en_json_write_number(out, r->jitter);
    en_buffer_printf(out, ", \"interrupted\": %s, \"failed_draws\": %zu, \"first_failure\": ",
                     r->interrupted ? "true" : "false", r->draws_failed);
    if (r->first_failure_draw >= 0) {
        en_buffer_printf(out, "{\"draw\": %ld, \"message\": ", r->first_failure_draw);
        en_json_write_string(out, r->first_failure);
        en_buffer_puts(out, "}");
    } else {
        en_buffer_puts(out, "null");
    }
    en_buffer_puts(out, ", \"issues\": [");
    for (size_t i = 0; i < r->issue_count; i++) {
        en_buffer_puts(out, i ? ",\n  " : "\n  ");
        write_json_issue(r, i, out);
    }
    en_buffer_puts(out, "\n]}\n");
}

/* Text numbers: enough decimals for the issue's scale, "-" when there is nothing to show. */
static void text_number(en_buffer *out, double x, const en_issue *is, int width)
{
    double range = is->scale_max - is->scale_min;
    int decimals = range >= 100 ? 1 : range >= 10 ? 2 : 3;
    if (isnan(x)) en_buffer_printf(out, "%*s", width, "-");
    else en_buffer_printf(out, "%*.*f", width, decimals, x);
}

static void text_percent(en_buffer *out, double p, int width)
{
    if (isnan(p)) en_buffer_printf(out, "%*s", width, "-");
    else en_buffer_printf(out, "%*.0f%%", width - 1, 100 * p);
}

static void write_text(const en_mc_result *r, en_buffer *out)
{
    const en_scenario *s = r->scenario;
    en_text_write_heading(out, s, "Monte Carlo: model ", r->model, r->params);
    en_buffer_printf(out, ", %zu draws, seed %" PRIu64 ", jitter %g\n", r->draws_done, r->seed, r->jitter);
    if (r->interrupted)
        en_buffer_printf(out, "INTERRUPTED: partial results from the first %zu of %zu draws\n",
                         r->draws_done, r->draws_requested);
    if (r->draws_failed)
        en_buffer_printf(out, "%zu draws failed and are left out (first, draw %ld: %s)\n",
                         r->draws_failed, r->first_failure_draw, r->first_failure);
    for (size_t i = 0; i < s->issue_count; i++)
        if (r->issues[i].zero_weight)
            en_buffer_printf(out, "issue '%s': no forecast in %zu of %zu draws (every actor's weight "
                                  "on it, capability x salience, was drawn to zero; left out)\n",
                             s->issues[i].id, r->issues[i].zero_weight, r->draws_done);
    size_t idw = 5;
    for (size_t i = 0; i < s->issue_count; i++)
        if (en_text_width(s->issues[i].id) > idw) idw = en_text_width(s->issues[i].id);
    en_buffer_puts(out, "\n");
    en_text_pad(out, "issue", idw);
    en_buffer_puts(out, "   point    mean      5%     25%  median     75%     95%   <sq   =sq   >sq\n");
    for (size_t i = 0; i < s->issue_count; i++) {
        const en_issue *is = &s->issues[i];
        const en_mc_issue_stats *st = &r->issues[i];
        en_text_pad(out, is->id, idw);
        text_number(out, st->point, is, 8);
        text_number(out, st->count ? st->mean : NAN, is, 8);
        for (size_t q = 0; q < QUANTILE_COUNT; q++)
            text_number(out, en_mc_quantile(r, i, quantile_levels[q]), is, 8);
        if (is->has_status_quo) {
            text_percent(out, share(st->below, st->count), 6);
            text_percent(out, share(st->equal, st->count), 6);
            text_percent(out, share(st->above, st->count), 6);
        } else {
            en_buffer_puts(out, "     -     -     -");
        }
        en_buffer_puts(out, "\n");
    }
    en_buffer_puts(out, "\n<sq / =sq / >sq: share of draws below, at, above the status quo.\n"
                        "Nearest label (share of draws) and how the model stopped:\n");
    for (size_t i = 0; i < s->issue_count; i++) {
        const en_issue *is = &s->issues[i];
        const en_mc_issue_stats *st = &r->issues[i];
        en_buffer_puts(out, "  ");
        en_text_pad(out, is->id, idw);
        long best = modal_label(st, is);
        if (best >= 0 && st->count) {
            char at[40];
            en_format_double(at, sizeof at, is->labels[best].at);
            en_buffer_printf(out, "  %s \"%s\" (%.0f%%)", at, is->labels[best].text,
                             100 * share(st->label_counts[best], st->count));
        } else {
            en_buffer_puts(out, "  (no labels)");
        }
        en_buffer_printf(out, "; converged %.0f%%, round limit %.0f%%, stopped early %.0f%%",
                         100 * (st->count ? share(st->converged, st->count) : 0),
                         100 * (st->count ? share(st->round_limit, st->count) : 0),
                         100 * (st->count ? share(st->stopped_early, st->count) : 0));
        for (size_t k = 0; k < st->reason_count; k++)
            en_buffer_printf(out, "%s%s %zu", k ? ", " : " [", st->reasons[k].name, st->reasons[k].count);
        if (st->reason_other) en_buffer_printf(out, ", other %zu", st->reason_other);
        en_buffer_puts(out, st->reason_count ? "]\n" : "\n");
    }
}


static void write_csv(const en_mc_result *r, en_buffer *out)
{
    en_buffer_puts(out, "issue,draws,point,mean,sd,min,max,q5,q25,q50,q75,q95,p_below_status_quo,"
                        "p_equal_status_quo,p_above_status_quo,converged,round_limit,stopped_early,"
                        "nearest_label_at,nearest_label,nearest_label_probability\n");
    for (size_t i = 0; i < r->issue_count; i++) {
        const en_issue *is = &r->scenario->issues[i];
        const en_mc_issue_stats *st = &r->issues[i];
        int any = st->count > 0;
        en_csv_write_field(out, is->id);
        en_buffer_printf(out, ",%zu", st->count);
        en_csv_write_number(out, st->point, 1);
        en_csv_write_number(out, any ? st->mean : NAN, 1);
        en_csv_write_number(out, any ? en_mc_sd(r, i) : NAN, 1);
        en_csv_write_number(out, any ? st->min : NAN, 1);
        en_csv_write_number(out, any ? st->max : NAN, 1);
        for (size_t q = 0; q < QUANTILE_COUNT; q++) en_csv_write_number(out, en_mc_quantile(r, i, quantile_levels[q]), 1);
        en_csv_write_number(out, is->has_status_quo ? share(st->below, st->count) : NAN, 1);
        en_csv_write_number(out, is->has_status_quo ? share(st->equal, st->count) : NAN, 1);
        en_csv_write_number(out, is->has_status_quo ? share(st->above, st->count) : NAN, 1);
        en_csv_write_number(out, share(st->converged, st->count), 1);
        en_csv_write_number(out, share(st->round_limit, st->count), 1);
        en_csv_write_number(out, share(st->stopped_early, st->count), 1);
        long best = modal_label(st, is);
        if (best >= 0 && any) {
            en_csv_write_number(out, is->labels[best].at, 1);
            en_buffer_puts(out, ",");
            en_csv_write_field(out, is->labels[best].text);
            en_csv_write_number(out, share(st->label_counts[best], st->count), 1);
        } else {
            en_buffer_puts(out, ",,,");
        }
        en_buffer_puts(out, "\n");
    }
}

en_status en_mc_result_write_unguarded(const en_mc_result *r, en_output_format format, FILE *file, en_error *err)
{
    en_buffer out = {0};
    switch (format) {
    case EN_OUTPUT_TEXT: write_text(r, &out); break;
    case EN_OUTPUT_JSON: write_json(r, &out); break;
    case EN_OUTPUT_CSV: write_csv(r, &out); break;
    }
    return en_report_flush(&out, file, err);
}
