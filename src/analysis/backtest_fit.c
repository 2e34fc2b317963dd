/*
 * backtest_fit.c — `entente backtest --fit`: chooses the procedural compromise's weights
 * (salience power β, agenda setter k, parliament k under codecision) on a small grid by the
 * mean absolute error, and estimates how well that choice does on scenarios it has not seen by
 * K-fold cross-validation grouped by scenario: the scenarios (proposals) are dealt into K
 * folds; for each fold the weights are chosen on the other folds' issues only and scored on
 * the fold's. The grid is small on purpose (4 fitted numbers, 1100 points): few parameters
 * generalise to new proposals.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/backtest.h"
#include "core/util.h"
#include "models/ensemble.h"

static const double salience_powers[] = {1, 2, 3, 4};
static const double setters[] = {1, 2, 3, 4, 6};
static const double parliaments[] = {1, 2, 3, 4, 6};
#define N_POWER (sizeof salience_powers / sizeof salience_powers[0])
#define N_SETTER (sizeof setters / sizeof setters[0])
#define N_PARL (sizeof parliaments / sizeof parliaments[0])
#define N_PROC (N_POWER * N_SETTER * N_PARL)
#define N_LAMBDA 11 /* weight_exchange 0, 0.1, ..., 1 */
#define GRID (N_PROC * N_LAMBDA)

static en_procedural_weights grid_point(size_t g)
{
    en_procedural_weights w;
    g %= N_PROC;
    w.salience_power = salience_powers[g / (N_SETTER * N_PARL)];
    w.setter = setters[(g / N_PARL) % N_SETTER];
    w.parliament_codecision = parliaments[g % N_PARL];
    w.parliament_consultation = 1;
    w.use_votes = 1;
    return w;
}

static double grid_lambda(size_t g) { return (double)(g / N_PROC) / (double)(N_LAMBDA - 1); }

static uint64_t next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The grid point with the least total absolute error over the issues where use[k] is set
 * (ties: the first in grid order). */
static size_t best_point(const en_backtest *bt, const double *forecast, const unsigned char *use)
{
    size_t best = 0;
    double best_err = HUGE_VAL;
    for (size_t g = 0; g < GRID; g++) {
        double e = 0;
        for (size_t k = 0; k < bt->issue_count; k++)
            if (use[k]) e += fabs(forecast[g * bt->issue_count + k] - bt->issues[k].outcome);
        if (e < best_err) best_err = e, best = g;
    }
    return best;
}

en_backtest_fit *en_backtest_fit_procedural(const en_backtest *bt, size_t folds)
{
    size_t n = bt->issue_count;
    double *forecast = en_xmalloc(GRID * n * sizeof *forecast);
    double *exchange = en_xmalloc((n ? n : 1) * sizeof *exchange);
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && bt->issues[k].scenario == bt->issues[k - 1].scenario) continue;
        const en_scenario *s = bt->scenarios[bt->issues[k].scenario];
        double *all = en_xcalloc(s->issue_count, sizeof *all);
        en_error err = EN_ERROR_INIT;
        /* A scenario the exchange model refuses gets the procedural forecast for both parts. */
        int ok = en_ensemble_exchange(s, all, &err) == EN_OK;
        en_error_clear(&err);
        for (size_t j = k; j < n && bt->issues[j].scenario == bt->issues[k].scenario; j++)
            exchange[j] = ok ? all[bt->issues[j].issue] : NAN;
        en_free(all);
    }
    for (size_t g = 0; g < N_PROC; g++) {
        en_procedural_weights w = grid_point(g);
        for (size_t k = 0; k < n; k++)
            forecast[g * n + k] =
                en_procedural_forecast(bt->scenarios[bt->issues[k].scenario], bt->issues[k].issue, &w);
    }
    for (size_t g = N_PROC; g < GRID; g++) {
        double lambda = grid_lambda(g);
        for (size_t k = 0; k < n; k++) {
            double p = forecast[(g % N_PROC) * n + k];
            forecast[g * n + k] = isnan(exchange[k]) ? p : (1 - lambda) * p + lambda * exchange[k];
        }
    }
    en_free(exchange);
    /* Deal the scenarios with scored issues into folds, in a seeded random order. */
    size_t *cluster_of = en_xmalloc(bt->scenario_count * sizeof *cluster_of);
    size_t *order = en_xmalloc((bt->clusters ? bt->clusters : 1) * sizeof *order);
    size_t clusters = 0;
    for (size_t k = 0; k < n; k++)
        if (k == 0 || bt->issues[k].scenario != bt->issues[k - 1].scenario)
            order[clusters] = clusters, cluster_of[bt->issues[k].scenario] = clusters, clusters++;
    uint64_t state = bt->seed ^ 0x5DEECE66Dull;
    for (size_t j = clusters; j > 1; j--) {
        size_t r = (size_t)(next(&state) % j);
        size_t t = order[j - 1];
        order[j - 1] = order[r];
        order[r] = t;
    }
    size_t *fold_of = en_xmalloc((clusters ? clusters : 1) * sizeof *fold_of);
    if (folds > clusters) folds = clusters;
    if (folds < 2) folds = 2;
    for (size_t j = 0; j < clusters; j++) fold_of[order[j]] = j % folds;
    en_backtest_fit *fit = en_xcalloc(1, sizeof *fit);
    fit->folds = folds;
    fit->fold_choice = en_xcalloc(folds, sizeof *fit->fold_choice);
    fit->fold_lambda = en_xcalloc(folds, sizeof *fit->fold_lambda);
    fit->cv_forecast = en_xmalloc((n ? n : 1) * sizeof *fit->cv_forecast);
    unsigned char *use = en_xmalloc(n ? n : 1);
    for (size_t f = 0; f < folds; f++) {
        for (size_t k = 0; k < n; k++) use[k] = fold_of[cluster_of[bt->issues[k].scenario]] != f;
        size_t g = best_point(bt, forecast, use);
        fit->fold_choice[f] = grid_point(g);
        fit->fold_lambda[f] = grid_lambda(g);
        for (size_t k = 0; k < n; k++)
            if (!use[k]) fit->cv_forecast[k] = forecast[g * n + k];
    }
    memset(use, 1, n);
    size_t g = best_point(bt, forecast, use);
    fit->chosen = grid_point(g);
    fit->chosen_lambda = grid_lambda(g);
    double e = 0;
    for (size_t k = 0; k < n; k++) e += fabs(forecast[g * n + k] - bt->issues[k].outcome);
    fit->in_sample_mae = e / (double)n;
    en_backtest_score(bt, fit->cv_forecast, bt->forecast, &fit->cv); /* row 0: compromise */
    en_free(use);
    en_free(fold_of);
    en_free(order);
    en_free(cluster_of);
    en_free(forecast);
    return fit;
}

void en_backtest_fit_free(en_backtest_fit *fit)
{
    if (!fit) return;
    en_free(fit->fold_choice);
    en_free(fit->fold_lambda);
    en_free(fit->cv_forecast);
    en_free(fit);
}
