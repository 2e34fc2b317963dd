/*
 * backtest.c — `entente backtest`: every model on every scenario, scored on the issues whose
 * outcome is recorded. Errors are summarised per model with a bootstrap that resamples whole
 * scenarios (the issues of one proposal are not independent), and each model is compared
 * with the compromise baseline on the same resamples (a paired difference). Deterministic:
 * the resamples come from a splitmix64 stream seeded by the options.
 */
#include "analysis/backtest.h"
#include "analysis/distribute.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/result.h"
#include "analysis/guarded.h"
#include "core/util.h"
#include "models/model.h"
#include "models/params.h"

void en_backtest_options_init(en_backtest_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->resamples = 2000;
    o->min_actors = 3;
    o->folds = 10;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile p of sorted values (linear interpolation between order statistics). */
static double quantile(const double *sorted, size_t n, double p)
{
    if (n == 0) return NAN;
    double h = p * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return sorted[lo] + (h - (double)lo) * (sorted[hi] - sorted[lo]);
}

void en_backtest_score(const en_backtest *bt, const double *forecast, const double *baseline,
                       en_backtest_stats *st)
{
    size_t n = bt->issue_count;
    memset(st, 0, sizeof *st);
    st->n = n;
    double *abs_err = en_xmalloc((n ? n : 1) * sizeof *abs_err);
    double sum = 0, sq = 0, base_sum = 0;
    size_t within = 0;
    for (size_t k = 0; k < n; k++) {
        double e = fabs(forecast[k] - bt->issues[k].outcome);
        abs_err[k] = e;
        sum += e;
        sq += e * e;
        within += e <= 0.1 * bt->issues[k].range + 1e-9;
        if (baseline) base_sum += fabs(baseline[k] - bt->issues[k].outcome);
    }
    st->mae = sum / (double)n;
    st->rmse = sqrt(sq / (double)n);
    st->within10 = (double)within / (double)n;
    st->diff = baseline ? (sum - base_sum) / (double)n : 0;
    /* Per scenario: error sums and issue counts, the units the bootstrap draws. */
    size_t scenarios = bt->scenario_count;
    double *cluster_err = en_xcalloc(scenarios ? scenarios : 1, sizeof *cluster_err);
    double *cluster_base = en_xcalloc(scenarios ? scenarios : 1, sizeof *cluster_base);
    size_t *cluster_n = en_xcalloc(scenarios ? scenarios : 1, sizeof *cluster_n);
    size_t *members = en_xmalloc((scenarios ? scenarios : 1) * sizeof *members);
    size_t clusters = 0;
    for (size_t k = 0; k < n; k++) {
        size_t c = bt->issues[k].scenario;
        if (cluster_n[c] == 0) members[clusters++] = c;
        cluster_err[c] += abs_err[k];
        if (baseline) cluster_base[c] += fabs(baseline[k] - bt->issues[k].outcome);
        cluster_n[c]++;
    }
    qsort(abs_err, n, sizeof *abs_err, compare_double);
    st->median_ae = quantile(abs_err, n, 0.5);
    size_t B = bt->resamples;
    double *mae = en_xmalloc((B ? B : 1) * sizeof *mae);
    double *diff = en_xmalloc((B ? B : 1) * sizeof *diff);
    uint64_t state = bt->seed;
    for (size_t b = 0; b < B; b++) {
        double e = 0, be = 0;
        size_t count = 0;
        for (size_t j = 0; j < clusters; j++) {
            size_t c = members[splitmix64(&state) % clusters];
            e += cluster_err[c];
            be += cluster_base[c];
            count += cluster_n[c];
        }
        mae[b] = e / (double)count;
        diff[b] = (e - be) / (double)count;
    }
    qsort(mae, B, sizeof *mae, compare_double);
    qsort(diff, B, sizeof *diff, compare_double);
    st->mae_low = quantile(mae, B, 0.025);
    st->mae_high = quantile(mae, B, 0.975);
    st->diff_low = baseline ? quantile(diff, B, 0.025) : 0;
    st->diff_high = baseline ? quantile(diff, B, 0.975) : 0;
    en_free(mae);
    en_free(diff);
    en_free(abs_err);
    en_free(cluster_err);
    en_free(cluster_base);
    en_free(cluster_n);
    en_free(members);
}

static int scored(const en_scenario *s, size_t issue, size_t min_actors)
{
    if (!s->issues[issue].has_outcome) return 0;
    size_t actors = 0;
    for (size_t a = 0; a < s->actor_count; a++) {
        const en_stance *st = &s->actors[a].stances[issue];
        actors += st->present && st->salience.value > 0;
    }
    return actors >= min_actors;
}

static void add_model(en_backtest *bt, const char *name)
{
    for (size_t m = 0; m < bt->model_count; m++)
        if (strcmp(bt->models[m], name) == 0) return;
    bt->models = en_xrealloc(bt->models, (bt->model_count + 1) * sizeof *bt->models);
    bt->models[bt->model_count++] = en_xstrdup(name);
}

typedef struct backtest_runs {
    const en_backtest *bt;
    en_params *base;      /* forecast-only parameters */
    size_t *first_issue;  /* per scenario: its first scored issue (meaningful when it has one) */
    size_t most_issues;   /* scored issues of the scenario with the most */
} backtest_runs;

typedef struct run_header {
    int64_t status;       /* EN_OK, or the model's error code */
    char message[512];
} run_header;

/* Item m × scenarios + c: model m on scenario c, its scored forecasts into the record (a
 * scenario with no scored issue is not run). */
static void run_one(void *context, void *state, size_t item, unsigned char *record)
{
    (void)state;
    backtest_runs *runs = context;
    const en_backtest *bt = runs->bt;
    size_t m = item / bt->scenario_count, c = item % bt->scenario_count;
    size_t first = runs->first_issue[c];
    if (first >= bt->issue_count || bt->issues[first].scenario != c) return;
    run_header *h = (run_header *)(void *)record;
    double *f = (double *)(void *)(record + sizeof *h);
    const en_model *model = en_model_find(bt->models[m]);
    en_params *params = en_params_for_model(runs->base, model);
    en_result *result = NULL;
    en_error run_err = EN_ERROR_INIT;
    if (en_run(model, bt->scenarios[c], params, &result, &run_err) != EN_OK) {
        h->status = run_err.code;
        snprintf(h->message, sizeof h->message, "%.*s", (int)sizeof h->message - 1, run_err.message);
    } else {
        for (size_t k = first, j = 0; k < bt->issue_count && bt->issues[k].scenario == c; k++, j++) {
            f[j] = NAN;
            for (size_t r = 0; r < result->issue_count; r++)
                if (result->issues[r].issue == bt->issues[k].issue) f[j] = result->issues[r].forecast;
        }
        en_result_free(result);
    }
    en_error_clear(&run_err);
    en_params_free(params);
}

en_status en_backtest_run_unguarded(en_scenario *const *scenarios, size_t count,
                          const en_backtest_options *options, en_backtest **out, en_error *err)
{
    *out = NULL;
    en_backtest_options defaults;
    en_backtest_options_init(&defaults);
    if (!options) options = &defaults;
    en_backtest *bt = en_xcalloc(1, sizeof *bt);
    bt->scenarios = en_xcalloc(count ? count : 1, sizeof *bt->scenarios);
    for (size_t k = 0; k < count; k++) bt->scenarios[k] = scenarios[k];
    bt->scenario_count = count;
    bt->resamples = options->resamples ? options->resamples : 2000;
    bt->seed = options->seed;
    bt->default_model = en_default_forecaster();
    add_model(bt, "compromise");
    if (options->models && options->model_count) {
        for (size_t m = 0; m < options->model_count; m++) {
            if (!en_model_find(options->models[m])) {
                en_backtest_free(bt);
                return en_error_set(err, EN_ERROR_INPUT, "unknown model '%s' (see `entente models`)",
                                    options->models[m]);
            }
            add_model(bt, options->models[m]);
        }
    } else {
        add_model(bt, bt->default_model);
        for (size_t m = 0; m < en_model_count(); m++) {
            const en_model *model = en_model_at(m);
            int applies = 1;
            for (size_t k = 0; k < count && applies; k++) applies = en_model_applies(model, scenarios[k]);
            if (applies) add_model(bt, en_model_name(model));
        }
    }
    size_t min_actors = options->min_actors ? options->min_actors : 1;
    for (size_t k = 0; k < count; k++)
        for (size_t i = 0; i < scenarios[k]->issue_count; i++) {
            if (!scored(scenarios[k], i, min_actors)) continue;
            bt->issues = en_xrealloc(bt->issues, (bt->issue_count + 1) * sizeof *bt->issues);
            en_backtest_issue *bi = &bt->issues[bt->issue_count++];
            bi->scenario = k;
            bi->issue = i;
            bi->outcome = scenarios[k]->issues[i].outcome.value.value;
            bi->range = scenarios[k]->issues[i].scale_max - scenarios[k]->issues[i].scale_min;
        }
    if (bt->issue_count == 0) {
        en_backtest_free(bt);
        return en_error_set(err, EN_ERROR_INPUT,
                            "no issue has an outcome with at least %zu actors taking part "
                            "(expected issues with `outcome:`)", min_actors);
    }
    for (size_t k = 0; k < bt->issue_count; k++)
        if (k == 0 || bt->issues[k].scenario != bt->issues[k - 1].scenario) bt->clusters++;
    bt->forecast = en_xmalloc(bt->model_count * bt->issue_count * sizeof *bt->forecast);
    /* The runs are independent items, model-major then scenario (the order the first failure is
     * reported in), each with a record of its scenario's scored forecasts. */
    backtest_runs runs = {bt, en_params_forecast_only(options->params), NULL, 0};
    runs.first_issue = en_xcalloc(count + 1, sizeof *runs.first_issue);
    for (size_t k = bt->issue_count; k-- > 0;) runs.first_issue[bt->issues[k].scenario] = k;
    for (size_t c = 0, k = 0; c < count; c++) {
        size_t n = 0;
        while (k < bt->issue_count && bt->issues[k].scenario == c) n++, k++;
        if (n > runs.most_issues) runs.most_issues = n;
    }
    en_item_job job = {0, bt->model_count * count, sizeof(run_header) + runs.most_issues * sizeof(double),
                       1, &runs, NULL, run_one, NULL, options->progress, options->progress_data};
    unsigned char *records = NULL;
    en_status st = en_distribute_items(&job, options->distributor, &records, err);
    en_params_free(runs.base);
    for (size_t item = 0; st == EN_OK && item < job.count; item++) {
        const unsigned char *record = records + item * job.record_bytes;
        const run_header *h = (const run_header *)(const void *)record;
        size_t m = item / count, c = item % count;
        if (h->status != EN_OK) {
            st = (en_status)h->status;
            en_error_add(err, st, scenarios[c]->path, 0, 0, "model %s cannot run on '%s': %s",
                         bt->models[m], en_scenario_title(scenarios[c]), h->message);
            break;
        }
        const double *f = (const double *)(const void *)(record + sizeof *h);
        for (size_t k = runs.first_issue[c], j = 0; k < bt->issue_count && bt->issues[k].scenario == c; k++, j++)
            bt->forecast[m * bt->issue_count + k] = f[j];
    }
    en_free(records);
    en_free(runs.first_issue);
    if (st != EN_OK) {
        en_backtest_free(bt);
        return st;
    }
    bt->stats = en_xcalloc(bt->model_count, sizeof *bt->stats);
    for (size_t m = 0; m < bt->model_count; m++)
        en_backtest_score(bt, bt->forecast + m * bt->issue_count, bt->forecast, &bt->stats[m]);
    if (options->fit) bt->fit = en_backtest_fit_procedural(bt, options->folds ? options->folds : 10);
    *out = bt;
    return EN_OK;
}

void en_backtest_free(en_backtest *bt)
{
    if (!bt) return;
    for (size_t m = 0; m < bt->model_count; m++) en_free(bt->models[m]);
    en_free(bt->models);
    en_free(bt->issues);
    en_free(bt->forecast);
    en_free(bt->stats);
    en_backtest_fit_free(bt->fit);
    en_free(bt->scenarios);
    en_free(bt);
}

size_t en_backtest_issue_count(const en_backtest *bt) { return bt->issue_count; }
size_t en_backtest_model_count(const en_backtest *bt) { return bt->model_count; }
const char *en_backtest_model_name(const en_backtest *bt, size_t m) { return bt->models[m]; }
double en_backtest_mae(const en_backtest *bt, size_t m) { return bt->stats[m].mae; }
double en_backtest_forecast(const en_backtest *bt, size_t m, size_t k)
{
    return bt->forecast[m * bt->issue_count + k];
}
double en_backtest_cv_mae(const en_backtest *bt) { return bt->fit ? bt->fit->cv.mae : NAN; }
