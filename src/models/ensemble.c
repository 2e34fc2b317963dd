/*
 * ensemble.c — entente's default forecaster: a weighted mean of two models that err
 * differently, the procedural compromise (procedural.c: a weighted mean of positions with
 * procedural weights) and Stokman's exchange model (exchange.c: actors trade support across
 * issues; Stokman & Van Oosten 1994). Combining forecasts of different models cuts the error
 * of each (Bates & Granger 1969; Clemen 1989):
 *     x = (1 − λ) · procedural + λ · exchange,
 * with λ (weight_exchange) and the procedural weights chosen by `entente backtest --fit` on
 * outcome data (docs/validation.md). The exchange model runs on a copy of the scenario with
 * the actors in the order of their ids, and the procedural compromise sums in that order, so
 * the forecast does not depend on the order of lines in the file (the exchange model's own
 * tie rules do). Works on any scenario: without a `decision:` section the procedural part is
 * the compromise with salience^β weights; if the exchange model refuses the scenario the
 * forecast is the procedural part alone (result extra `exchange_refused` says why). docs/models/ensemble.md has the details.
 * Time complexity: one exchange run plus O(n log n) per issue.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "models/model.h"
#include "models/baseline.h"
#include "models/ensemble.h"
#include "models/exchange_forecast.h"
#include "models/procedural.h"

extern const en_model en_model_exchange;

static int by_id(const void *a, const void *b)
{
    const en_actor *x = a, *y = b;
    return strcmp(x->id, y->id);
}

en_scenario *en_scenario_canonical(const en_scenario *s)
{
    en_scenario shallow = *s;
    shallow.war = NULL; /* the war layer refers to actors by index; no model here reads it */
    en_scenario *c = en_scenario_clone(&shallow);
    /* patron_of refers by index: carry it as the patron's old index through the sort. */
    size_t n = c->actor_count;
    long *old_index_of_new = en_xmalloc((n ? n : 1) * sizeof *old_index_of_new);
    for (size_t a = 0; a < n; a++) c->actors[a].where.column = (int)a; /* tag (restored below) */
    qsort(c->actors, n, sizeof *c->actors, by_id);
    long *new_index_of_old = en_xmalloc((n ? n : 1) * sizeof *new_index_of_old);
    for (size_t a = 0; a < n; a++) {
        old_index_of_new[a] = c->actors[a].where.column;
        new_index_of_old[old_index_of_new[a]] = (long)a;
    }
    for (size_t a = 0; a < n; a++) {
        c->actors[a].where = s->actors[old_index_of_new[a]].where;
        if (c->actors[a].patron_of >= 0) c->actors[a].patron_of = new_index_of_old[c->actors[a].patron_of];
    }
    en_free(old_index_of_new);
    en_free(new_index_of_old);
    return c;
}

en_status en_ensemble_exchange(const en_scenario *s, double *forecast, en_error *err)
{
    return en_ensemble_exchange_path(s, "auto", forecast, err);
}

/* 1 if the actors are already in the order of their ids (the canonical copy would be the
 * same scenario for the exchange model, which reads neither the war section nor patrons). */
static int in_id_order(const en_scenario *s)
{
    for (size_t a = 1; a < s->actor_count; a++)
        if (strcmp(s->actors[a - 1].id, s->actors[a].id) > 0) return 0;
    return 1;
}

en_status en_ensemble_exchange_path(const en_scenario *s, const char *path, double *forecast,
                                    en_error *err)
{
    /* The Monte Carlo draws of a forecast come here with a canonical scenario, thousands of
     * times: the fast path's forecasts are computed directly, without a copy, a parameter set
     * or a result (the same bits as en_run; exchange_forecast.h). */
    int sorted = in_id_order(s);
    if (strcmp(path, "reference") != 0) {
        en_scenario *copy = sorted ? NULL : en_scenario_canonical(s);
        int done = en_exchange_forecast_direct(copy ? copy : s, forecast);
        en_scenario_free(copy);
        if (done) return EN_OK;
    }
    en_scenario *canonical = en_scenario_canonical(s);
    en_params *params = en_params_new();
    en_params_set(params, "trace", "none", NULL);
    en_params_set(params, "path", path, NULL);
    en_result *result = NULL;
    en_status st = en_run_unguarded(&en_model_exchange, canonical, params, &result, err);
    en_params_free(params);
    if (st == EN_OK) {
        for (size_t i = 0; i < s->issue_count; i++) forecast[i] = 0;
        for (size_t r = 0; r < result->issue_count; r++)
            forecast[result->issues[r].issue] = result->issues[r].forecast;
    }
    en_result_free(result);
    en_scenario_free(canonical);
    return st;
}

static en_status ensemble_run(const en_scenario *s, const en_param_values *params,
                              en_result *result, en_error *err)
{
    double lambda = en_param_number(params, "weight_exchange");
    en_procedural_weights k;
    en_procedural_weights_read(params, &k);
    double *exchange = en_xcalloc(s->issue_count ? s->issue_count : 1, sizeof *exchange);
    en_status st = EN_OK;
    if (lambda > 0) {
        /* A scenario the exchange model refuses still gets a forecast: the procedural part
         * alone, and the result says why. */
        en_error exchange_err = EN_ERROR_INIT;
        if (en_ensemble_exchange_path(s, en_param_choice(params, "exchange_path"), exchange,
                                      &exchange_err) != EN_OK) {
            en_node_set_string(en_result_extra(result), "exchange_refused", exchange_err.message);
            lambda = 0;
        }
        en_error_clear(&exchange_err);
    }
    (void)err;
    double *x = en_xmalloc((s->actor_count ? s->actor_count : 1) * sizeof *x);
    for (size_t issue = 0; issue < s->issue_count && st == EN_OK; issue++) {
        size_t index = en_result_add_issue(result, issue);
        en_issue_result *ir = &result->issues[index];
        for (size_t p = 0; p < ir->participant_count; p++)
            x[p] = s->actors[ir->participants[p]].stances[issue].position.value;
        en_result_add_round(result, index, x);
        double procedural = en_procedural_forecast(s, issue, &k);
        double forecast = lambda > 0 ? (1 - lambda) * procedural + lambda * exchange[issue] : procedural;
        if (ir->participant_count == 0) forecast = procedural;
        en_result_finish_issue(result, index, forecast, "closed_form");
        en_node *extra = en_issue_result_extra(ir);
        en_node_set_number(extra, "procedural", procedural);
        if (lambda > 0) en_node_set_number(extra, "exchange", exchange[issue]);
    }
    en_free(x);
    en_free(exchange);
    return st;
}

int en_ensemble_forecast_direct(const en_scenario *s, const en_param_values *params,
                                double *forecast)
{
    /* ensemble_run's arithmetic, issue by issue, without the result */
    double lambda = en_param_number(params, "weight_exchange");
    en_procedural_weights k;
    en_procedural_weights_read(params, &k);
    size_t ni = s->issue_count, na = s->actor_count;
    double *exchange = en_xcalloc(ni ? ni : 1, sizeof *exchange);
    if (lambda > 0) {
        en_error exchange_err = EN_ERROR_INIT;
        if (en_ensemble_exchange_path(s, en_param_choice(params, "exchange_path"), exchange,
                                      &exchange_err) != EN_OK)
            lambda = 0;
        en_error_clear(&exchange_err);
    }
    /* en_run's check of the result (every forecast, and the mean, median and positions of the
     * one round of positions, finite): a draw that fails it goes through en_run, which says why */
    double *x = en_xmalloc((na ? na : 1) * sizeof *x), *w = en_xmalloc((na ? na : 1) * sizeof *w);
    int finite = 1;
    for (size_t issue = 0; issue < ni && finite; issue++) {
        size_t n = 0;
        for (size_t a = 0; a < na; a++) {
            if (!s->actors[a].stances[issue].present) continue;
            x[n] = s->actors[a].stances[issue].position.value;
            w[n] = en_scenario_weight(s, a, issue);
            finite &= isfinite(x[n]) != 0;
            n++;
        }
        finite &= isfinite(en_weighted_mean(x, w, n)) && isfinite(en_weighted_median(x, w, n));
        double procedural = en_procedural_forecast(s, issue, &k);
        double f = lambda > 0 ? (1 - lambda) * procedural + lambda * exchange[issue] : procedural;
        if (n == 0) f = procedural;
        finite &= isfinite(f) != 0;
        forecast[issue] = f;
    }
    en_free(x);
    en_free(w);
    en_free(exchange);
    return finite;
}

static const en_param_def ensemble_params[] = {
    {"weight_exchange", EN_PARAM_NUMBER, EN_ENSEMBLE_DEFAULT_WEIGHT_EXCHANGE,
     "weight of the exchange model's forecast (the procedural compromise gets the rest)", 0, 1, NULL},
    {"salience_power", EN_PARAM_NUMBER, EN_PROCEDURAL_DEFAULT_SALIENCE_POWER,
     "procedural part: exponent of salience in the weights", 0, 10, NULL},
    {"setter", EN_PARAM_NUMBER, EN_PROCEDURAL_DEFAULT_SETTER,
     "procedural part: weight factor of the agenda setter", 0, 1000, NULL},
    {"parliament_codecision", EN_PARAM_NUMBER, EN_PROCEDURAL_DEFAULT_PARLIAMENT_COD,
     "procedural part: weight factor of the parliament under codecision", 0, 1000, NULL},
    {"parliament_consultation", EN_PARAM_NUMBER, "1",
     "procedural part: weight factor of the parliament under consultation", 0, 1000, NULL},
    {"votes", EN_PARAM_CHOICE, "use", "procedural part: use formal votes or ignore them", 0, 0,
     "use|ignore"},
    {"exchange_path", EN_PARAM_CHOICE, "auto",
     "exchange part: the exchange model's path (auto: its fast Monte Carlo path; reference: the "
     "reference kernel; the same forecasts bit for bit)",
     0, 0, "auto|reference|fast"},
};

const en_model en_model_ensemble = {
    "ensemble",
    "default forecaster: weighted mean of the procedural compromise and the exchange model",
    ensemble_params, sizeof ensemble_params / sizeof ensemble_params[0], ensemble_run, NULL,
    /* seed_free: neither part draws random numbers (the exchange part runs with p = 0, the
     * equal-gain model, whatever the ensemble's parameters) */
    en_model_seed_free_always,
};
