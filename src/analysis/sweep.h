/*
 * sweep.h — internals of a parameter sweep (sweep.c) shared with its writer
 * (report/sweep_write.c). Users see only the opaque en_sweep_result of entente.h.
 */
#ifndef ENTENTE_ANALYSIS_SWEEP_H
#define ENTENTE_ANALYSIS_SWEEP_H

#include <stddef.h>

#include "core/scenario.h"
#include "entente.h"

struct en_sweep_result {
    const en_scenario *scenario;
    const en_model *model;
    en_params *params;      /* the fixed parameters, as given */
    en_sweep_axis *axes;
    size_t axis_count;
    size_t point_count;
    double *forecast;       /* point × issue; NaN: no forecast */
    char (*failure)[256];   /* per point: the model's message, "" if the run succeeded */
    size_t failed_points;
};

/* Index of `point`'s value on `axis` (the first axis varies slowest). */
size_t en_sweep_axis_index(const en_sweep_result *result, size_t point, size_t axis);

#endif
