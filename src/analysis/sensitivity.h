/*
 * sensitivity.h — internals of the one-at-a-time sensitivity analysis (sensitivity.c) shared
 * with its writer (report/sensitivity_write.c) and the tests. Users see only the opaque
 * en_sensitivity_result of entente.h.
 */
#ifndef ENTENTE_ANALYSIS_SENSITIVITY_H
#define ENTENTE_ANALYSIS_SENSITIVITY_H

#include <stddef.h>

#include "core/scenario.h"
#include "entente.h"

/* One input moved down and up. */
typedef struct en_sensitivity_row {
    size_t actor;
    en_sensitivity_input input;
    long on_issue;        /* issue of a salience or position; -1 for capability */
    double value;         /* the point value */
    double low, high;     /* the moved values (clamped to the valid range) */
    double *minus, *plus; /* per scenario issue: forecast change at low / high (NaN: refused) */
} en_sensitivity_row;

struct en_sensitivity_result {
    const en_scenario *scenario;
    const en_model *model;
    en_params *params;
    double delta;
    size_t top;
    double *baseline;     /* per scenario issue */
    en_sensitivity_row *rows;
    size_t row_count;
    double *without_actor; /* actor × issue: forecast change without the actor */
    double *without_veto;  /* actor × issue: forecast change without the actor's vetoes */
    unsigned char *has_veto;
    size_t failed_runs;
    char first_failure[512];
};

/* The largest absolute change a row causes on `issue` (NaN if a run failed). */
double en_sensitivity_swing(const en_sensitivity_row *row, size_t issue);
/* Name of an input: "capability", "salience", "position". */
const char *en_sensitivity_input_name(en_sensitivity_input input);

#endif
