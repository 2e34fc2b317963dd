/*
 * war_calibrate.c — recalibration of the war layer's P(deal by) (docs/models/war.md, "(13)
 * Calibration"): the forecaster's answer to over-confidence (Platt 1999's logistic map of raw
 * scores to probabilities; the de-extremizing of Tetlock & Gardner 2015), with its two
 * parameters fitted on the development wars by scripts/war-calibrate.py. O(1).
 */
#include <math.h>

#include "core/war.h"
#include "war/war.h"

double en_war_recalibrate(double p, double a, double b, double floor_p)
{
    if (!(p == p)) return p;                          /* NaN passes through (never produced) */
    if (!(floor_p > 0)) floor_p = 1e-9;
    if (floor_p > 0.5) floor_p = 0.5;
    double q = p < floor_p ? floor_p : p > 1 - floor_p ? 1 - floor_p : p;
    double z = a + b * log(q / (1 - q));
    /* the logistic written so that neither branch overflows */
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

double en_war_calibrated(const struct en_war *w, double p)
{
    if (!(w->global[WP_CALIBRATION].value > 0)) return p;
    return en_war_recalibrate(p, w->global[WP_CALIBRATION_A].value, w->global[WP_CALIBRATION_B].value,
                              w->global[WP_CALIBRATION_FLOOR].value);
}
