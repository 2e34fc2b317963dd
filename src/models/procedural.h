/*
 * procedural.h — the procedural compromise's weights, shared by its model (procedural.c) and
 * the backtest's fit (analysis/backtest_fit.c), which searches them on outcome data.
 */
#ifndef ENTENTE_MODELS_PROCEDURAL_H
#define ENTENTE_MODELS_PROCEDURAL_H

#include "models/model.h"

typedef struct en_procedural_weights {
    double salience_power;          /* β */
    double setter;                  /* k of the agenda setter */
    double parliament_codecision;   /* k of the parliament under codecision */
    double parliament_consultation; /* k of the parliament under consultation */
    int use_votes;                  /* 1: formal votes relative to the voters' mean */
} en_procedural_weights;

/* The fitted defaults (docs/validation.md). */
#define EN_PROCEDURAL_DEFAULT_SALIENCE_POWER "4"
#define EN_PROCEDURAL_DEFAULT_SETTER "4"
#define EN_PROCEDURAL_DEFAULT_PARLIAMENT_COD "3"

/* The forecast on scenario issue `issue`: Σ w_i x_i / Σ w_i over the actors taking part,
 * summed in the order of actor ids (docs/models/procedural.md). The plain mean when every
 * weight is 0; the scale's midpoint when nobody takes part.
 * Time complexity: O(n log n). */
double en_procedural_forecast(const en_scenario *scenario, size_t issue,
                              const en_procedural_weights *weights);
void en_procedural_weights_read(const en_param_values *params, en_procedural_weights *weights);

#endif
