/*
 * backtest_write.c — the backtest's outputs: a text table (one row per model, intervals in
 * brackets), the JSON contract other programs read (docs/cli.md), and CSV with one row per
 * issue and model.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/backtest.h"
#include "core/node.h"
#include "report/report.h"

static const char *scenario_key(const en_scenario *s)
{
    return s->decision.id ? s->decision.id : en_scenario_title(s);
}

static void text_weights(en_buffer *out, const en_procedural_weights *w, double lambda)
{
    en_buffer_printf(out, "--param weight_exchange=%g --param salience_power=%g --param setter=%g --param parliament_codecision=%g",
                     lambda, w->salience_power, w->setter, w->parliament_codecision);
}

static void write_text(const en_backtest *bt, en_buffer *out)
{
    en_buffer_printf(out, "backtest: %zu issues with outcomes in %zu scenarios; 95%% intervals from "
                     "%zu bootstrap resamples of scenarios (seed %llu)\n\n",
                     bt->issue_count, bt->clusters, bt->resamples, (unsigned long long)bt->seed);
    en_buffer_printf(out, "%-12s %4s %7s %-16s %7s %7s %8s %8s %-16s\n", "model", "n", "MAE",
                     "[95% CI]", "median", "RMSE", "within10", "vs comp", "[95% CI]");
    for (size_t m = 0; m < bt->model_count; m++) {
        const en_backtest_stats *st = &bt->stats[m];
        char ci[40], dci[40];
        snprintf(ci, sizeof ci, "[%.2f, %.2f]", st->mae_low, st->mae_high);
        if (m == 0) snprintf(dci, sizeof dci, "-");
        else snprintf(dci, sizeof dci, "[%+.2f, %+.2f]", st->diff_low, st->diff_high);
        char diff[20];
        if (m == 0) snprintf(diff, sizeof diff, "-");
        else snprintf(diff, sizeof diff, "%+.2f", st->diff);
        en_buffer_printf(out, "%-12s %4zu %7.2f %-16s %7.2f %7.2f %7.1f%% %8s %-16s%s\n",
                         bt->models[m], st->n, st->mae, ci, st->median_ae, st->rmse,
                         100 * st->within10, diff, dci,
                         strcmp(bt->models[m], bt->default_model) == 0 ? "  (default)" : "");
    }
    en_buffer_printf(out, "\ndefault forecaster: %s\n", bt->default_model);
    if (bt->fit) {
        const en_backtest_fit *fit = bt->fit;
        en_buffer_printf(out, "\nfit: ensemble parameters chosen on a grid by MAE, %zu-fold cross-"
                         "validation grouped by scenario\n", fit->folds);
        for (size_t f = 0; f < fit->folds; f++) {
            en_buffer_printf(out, "  fold %2zu: ", f + 1);
            text_weights(out, &fit->fold_choice[f], fit->fold_lambda[f]);
            en_buffer_puts(out, "\n");
        }
        en_buffer_printf(out, "  cross-validated MAE %.2f [%.2f, %.2f]; compromise %.2f; difference "
                         "%+.2f [%+.2f, %+.2f]\n", fit->cv.mae, fit->cv.mae_low, fit->cv.mae_high,
                         bt->stats[0].mae, fit->cv.diff, fit->cv.diff_low, fit->cv.diff_high);
        en_buffer_printf(out, "  chosen on every issue (in-sample MAE %.2f): ", fit->in_sample_mae);
        text_weights(out, &fit->chosen, fit->chosen_lambda);
        en_buffer_puts(out, "\n");
    }
}

static void json_pair(en_buffer *out, double low, double high)
{
    en_buffer_puts(out, "[");
    en_json_write_number(out, low);
    en_buffer_puts(out, ", ");
    en_json_write_number(out, high);
    en_buffer_puts(out, "]");
}

static void json_weights(en_buffer *out, const en_procedural_weights *w, double lambda)
{
    en_buffer_puts(out, "{\"weight_exchange\": ");
    en_json_write_number(out, lambda);
    en_buffer_puts(out, ", \"salience_power\": ");
    en_json_write_number(out, w->salience_power);
    en_buffer_puts(out, ", \"setter\": ");
    en_json_write_number(out, w->setter);
    en_buffer_puts(out, ", \"parliament_codecision\": ");
    en_json_write_number(out, w->parliament_codecision);
    en_buffer_puts(out, "}");
}

static void write_json(const en_backtest *bt, en_buffer *out)
{
    en_buffer_printf(out, "{\"entente\": ");
    en_json_write_string(out, en_version());
    en_buffer_puts(out, ", \"analysis\": \"backtest\", \"default\": ");
    en_json_write_string(out, bt->default_model);
    en_buffer_printf(out, ", \"seed\": %llu, \"resamples\": %zu, \"scenarios\": %zu,\n \"models\": [",
                     (unsigned long long)bt->seed, bt->resamples, bt->clusters);
    for (size_t m = 0; m < bt->model_count; m++) {
        const en_backtest_stats *st = &bt->stats[m];
        en_buffer_puts(out, m ? ",\n  {\"model\": " : "\n  {\"model\": ");
        en_json_write_string(out, bt->models[m]);
        en_buffer_printf(out, ", \"n\": %zu, \"mae\": ", st->n);
        en_json_write_number(out, st->mae);
        en_buffer_puts(out, ", \"median_ae\": ");
        en_json_write_number(out, st->median_ae);
        en_buffer_puts(out, ", \"rmse\": ");
        en_json_write_number(out, st->rmse);
        en_buffer_puts(out, ", \"within10\": ");
        en_json_write_number(out, st->within10);
        en_buffer_puts(out, ", \"mae_ci95\": ");
        json_pair(out, st->mae_low, st->mae_high);
        en_buffer_puts(out, ", \"diff_vs_compromise\": ");
        en_json_write_number(out, st->diff);
        en_buffer_puts(out, ", \"diff_ci95\": ");
        json_pair(out, st->diff_low, st->diff_high);
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "],\n \"issues\": [");
    for (size_t k = 0; k < bt->issue_count; k++) {
        const en_backtest_issue *bi = &bt->issues[k];
        const en_scenario *s = bt->scenarios[bi->scenario];
        en_buffer_puts(out, k ? ",\n  {\"scenario\": " : "\n  {\"scenario\": ");
        en_json_write_string(out, scenario_key(s));
        en_buffer_puts(out, ", \"issue\": ");
        en_json_write_string(out, s->issues[bi->issue].id);
        en_buffer_puts(out, ", \"outcome\": ");
        en_json_write_number(out, bi->outcome);
        en_buffer_puts(out, ", \"forecasts\": {");
        for (size_t m = 0; m < bt->model_count; m++) {
            if (m) en_buffer_puts(out, ", ");
            en_json_write_string(out, bt->models[m]);
            en_buffer_puts(out, ": ");
            en_json_write_number(out, bt->forecast[m * bt->issue_count + k]);
        }
        en_buffer_puts(out, "}");
        if (bt->fit) {
            en_buffer_puts(out, ", \"cv_forecast\": ");
            en_json_write_number(out, bt->fit->cv_forecast[k]);
        }
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "]");
    if (bt->fit) {
        const en_backtest_fit *fit = bt->fit;
        en_buffer_printf(out, ",\n \"fit\": {\"model\": \"ensemble\", \"folds\": %zu, \"chosen\": ",
                         fit->folds);
        json_weights(out, &fit->chosen, fit->chosen_lambda);
        en_buffer_puts(out, ", \"in_sample_mae\": ");
        en_json_write_number(out, fit->in_sample_mae);
        en_buffer_puts(out, ", \"cv_mae\": ");
        en_json_write_number(out, fit->cv.mae);
        en_buffer_puts(out, ", \"cv_mae_ci95\": ");
        json_pair(out, fit->cv.mae_low, fit->cv.mae_high);
        en_buffer_puts(out, ", \"cv_diff_vs_compromise\": ");
        en_json_write_number(out, fit->cv.diff);
        en_buffer_puts(out, ", \"cv_diff_ci95\": ");
        json_pair(out, fit->cv.diff_low, fit->cv.diff_high);
        en_buffer_puts(out, ", \"fold_choices\": [");
        for (size_t f = 0; f < fit->folds; f++) {
            if (f) en_buffer_puts(out, ", ");
            json_weights(out, &fit->fold_choice[f], fit->fold_lambda[f]);
        }
        en_buffer_puts(out, "]}");
    }
    en_buffer_puts(out, "}\n");
}

static void write_csv(const en_backtest *bt, en_buffer *out)
{
    en_buffer_puts(out, "scenario,issue,outcome,model,forecast,error\n");
    for (size_t k = 0; k < bt->issue_count; k++) {
        const en_backtest_issue *bi = &bt->issues[k];
        const en_scenario *s = bt->scenarios[bi->scenario];
        for (size_t m = 0; m < bt->model_count; m++) {
            double f = bt->forecast[m * bt->issue_count + k];
            en_csv_write_field(out, scenario_key(s));
            en_buffer_puts(out, ",");
            en_csv_write_field(out, s->issues[bi->issue].id);
            en_csv_write_number(out, bi->outcome, 1);
            en_buffer_puts(out, ",");
            en_csv_write_field(out, bt->models[m]);
            en_csv_write_number(out, f, 1);
            en_csv_write_number(out, fabs(f - bi->outcome), 1);
            en_buffer_puts(out, "\n");
        }
    }
}

en_status en_backtest_write_unguarded(const en_backtest *bt, en_output_format format, FILE *file,
                            en_error *err)
{
    en_buffer out = {0};
    switch (format) {
    case EN_OUTPUT_JSON: write_json(bt, &out); break;
    case EN_OUTPUT_CSV: write_csv(bt, &out); break;
    default: write_text(bt, &out); break;
    }
    return en_report_flush(&out, file, err);
}
