/*
 * backtest.h — scoring models against recorded outcomes (`entente backtest`): the forecasts of
 * every model on every scored issue, their error statistics with bootstrap intervals clustered
 * by scenario, and the grouped cross-validation fit of the procedural compromise's weights.
 * The writers (report/backtest_write.c) read these structures. docs/validation.md describes the
 * method.
 */
#ifndef ENTENTE_ANALYSIS_BACKTEST_H
#define ENTENTE_ANALYSIS_BACKTEST_H

#include "core/scenario.h"
#include "entente.h"
#include "models/procedural.h"

typedef struct en_backtest_issue {
    size_t scenario; /* index into the scenarios given */
    size_t issue;    /* scenario issue index */
    double outcome;
    double range;    /* scale max − min: "within 10" is 10 % of it */
} en_backtest_issue;

typedef struct en_backtest_stats {
    size_t n;
    double mae, median_ae, rmse, within10;
    double mae_low, mae_high;   /* 95 % bootstrap interval, resampling scenarios */
    double diff, diff_low, diff_high; /* MAE − compromise's MAE on the same resamples */
} en_backtest_stats;

/* The cross-validated fit (--fit). */
typedef struct en_backtest_fit {
    size_t folds;
    en_procedural_weights chosen;  /* the grid point best on all scored issues */
    double chosen_lambda;          /* and its weight of the exchange model */
    double *fold_lambda;           /* per fold */
    double in_sample_mae;          /* its MAE there (optimistic) */
    en_backtest_stats cv;          /* out-of-fold errors of the refit-per-fold model vs compromise */
    en_procedural_weights *fold_choice; /* per fold */
    double *cv_forecast;           /* per scored issue: the forecast of the weights fit without
                                    * its scenario's fold */
} en_backtest_fit;

struct en_backtest {
    en_scenario **scenarios; /* a copy of the caller's array (the scenarios themselves are theirs) */
    size_t scenario_count;
    char **models;        /* model names, in row order; compromise first */
    size_t model_count;
    en_backtest_issue *issues;
    size_t issue_count;
    double *forecast;     /* [model × issue_count + k] */
    en_backtest_stats *stats;
    size_t clusters;      /* scenarios with a scored issue */
    size_t resamples;
    uint64_t seed;
    const char *default_model;
    en_backtest_fit *fit; /* NULL without --fit */
};

/* Error statistics of `forecast` (one per scored issue) against the outcomes, with the
 * clustered bootstrap and the paired difference from `baseline`. Deterministic in `seed`.
 * Time complexity: O(resamples × issues). */
void en_backtest_score(const en_backtest *bt, const double *forecast, const double *baseline,
                       en_backtest_stats *stats);
/* The grouped cross-validation fit of the procedural weights (backtest_fit.c).
 * Time complexity: O(grid × issues × actors log actors + folds × grid × issues). */
en_backtest_fit *en_backtest_fit_procedural(const en_backtest *bt, size_t folds);
void en_backtest_fit_free(en_backtest_fit *fit);

#endif
