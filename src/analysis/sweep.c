/*
 * sweep.c — parameter sweeps: one model run at every point of a grid of parameter values, the
 * cartesian product of start:stop:step axes (the p-sweeps of Decide). The points are
 * independent items (analysis/distribute.h): threads take them in any order, each writes its
 * own record, so the table is the same whatever the thread count, and under a distributor
 * each process runs a contiguous share of the points.
 *
 * Time complexity: O(points × cost of one model run) spread over threads and processes.
 */
#include "analysis/sweep.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/distribute.h"
#include "core/error.h"
#include "core/result.h"
#include "analysis/guarded.h"
#include "core/oom.h"
#include "core/util.h"
#include "models/model.h"
#include "models/params.h"

#define SWEEP_AXIS_LIMIT 1000000
#define SWEEP_LOCATION "command line"

void en_sweep_options_init(en_sweep_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_points = 100000;
}

/* Reads one number of `text` ending at `end` (exclusive); 0 if it is not one. */
static int read_number(const char *text, size_t length, double *out)
{
    char buffer[64];
    if (length == 0 || length >= sizeof buffer) return 0;
    memcpy(buffer, text, length);
    buffer[length] = '\0';
    return en_parse_double(buffer, out) && isfinite(*out);
}

static en_status axis_parse(const char *text, int argument, en_sweep_axis *axis, en_error *err)
{
    memset(axis, 0, sizeof *axis);
    const char *equals = strchr(text, '=');
    if (!equals || equals == text)
        return en_error_add(err, EN_ERROR_INPUT, SWEEP_LOCATION, argument, 1,
                            "'%s': expected NAME=START:STOP:STEP", text);
    size_t name_length = (size_t)(equals - text);
    if (name_length >= sizeof axis->name)
        return en_error_add(err, EN_ERROR_INPUT, SWEEP_LOCATION, argument, 1,
                            "'%s': the parameter name is longer than %zu characters", text,
                            sizeof axis->name - 1);
    memcpy(axis->name, text, name_length);
    const char *part = equals + 1;
    double numbers[3];
    static const char *const what[] = {"START", "STOP", "STEP"};
    for (int k = 0; k < 3; k++) {
        const char *end = k < 2 ? strchr(part, ':') : part + strlen(part);
        int column = (int)(part - text) + 1;
        if (!end)
            return en_error_add(err, EN_ERROR_INPUT, SWEEP_LOCATION, argument, column,
                                "'%s': expected NAME=START:STOP:STEP (no ':' after %s)", text, what[k]);
        if (!read_number(part, (size_t)(end - part), &numbers[k]))
            return en_error_add(err, EN_ERROR_INPUT, SWEEP_LOCATION, argument, column,
                                "'%s': %s '%.*s' is not a finite number", text, what[k],
                                (int)(end - part), part);
        part = end + 1;
    }
    axis->start = numbers[0];
    axis->stop = numbers[1];
    axis->step = numbers[2];
    int step_column = (int)(strrchr(text, ':') - text) + 2;
    if (axis->step == 0)
        return en_error_add(err, EN_ERROR_INPUT, SWEEP_LOCATION, argument, step_column,
                            "'%s': STEP is 0 (expected a step towards STOP)", text);
    double span = axis->stop - axis->start;
    if ((span > 0 && axis->step < 0) || (span < 0 && axis->step > 0))
        return en_error_add(err, EN_ERROR_INPUT, SWEEP_LOCATION, argument, step_column,
                            "'%s': STEP %g leads away from STOP (expected a %s step from %g to %g)",
                            text, axis->step, span > 0 ? "positive" : "negative", axis->start,
                            axis->stop);
    /* Values up to stop, tolerating the rounding of (stop - start) / step (0:1:0.1 has 11). */
    double q = span / axis->step;
    double count = floor(q * (1 + 1e-13) + 1e-9) + 1;
    if (!(count <= SWEEP_AXIS_LIMIT))
        return en_error_add(err, EN_ERROR_INPUT, SWEEP_LOCATION, argument, step_column,
                            "'%s': %.0f values (expected at most %d; a larger STEP?)", text, count,
                            SWEEP_AXIS_LIMIT);
    axis->points = (size_t)count;
    return EN_OK;
}

/* Under an out-of-memory guard (core/oom.h): only a problem added to an error that already
 * holds one allocates. */
en_status en_sweep_axis_parse(const char *text, int argument, en_sweep_axis *axis, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (void)0, axis_parse(text, argument, axis, err));
    return st;
}

double en_sweep_axis_value(const en_sweep_axis *axis, size_t k)
{
    double x = axis->start + (double)k * axis->step;
    if (k + 1 == axis->points && fabs(x - axis->stop) <= 1e-9 * fabs(axis->step)) return axis->stop;
    char text[40];
    snprintf(text, sizeof text, "%.12g", x);
    return strtod(text, NULL);
}

size_t en_sweep_axis_index(const en_sweep_result *r, size_t point, size_t axis)
{
    for (size_t a = r->axis_count; a-- > axis + 1;) point /= r->axes[a].points;
    return point % r->axes[axis].points;
}

/* The parameters of one point: the fixed ones (trace=none) plus the point's values. */
static en_params *point_params(const en_sweep_result *r, const en_params *fixed, size_t point)
{
    en_params *p = en_params_copy(fixed);
    for (size_t a = 0; a < r->axis_count; a++) {
        char text[40];
        en_format_double(text, sizeof text,
                         en_sweep_axis_value(&r->axes[a], en_sweep_axis_index(r, point, a)));
        en_params_set(p, r->axes[a].name, text, NULL);
    }
    return p;
}

typedef struct sweep_job {
    en_sweep_result *result;
    const en_params *fixed;
} sweep_job;

typedef struct point_header {
    uint64_t failed;
    char failure[256];
} point_header;

static void run_point(void *context, void *state, size_t point, unsigned char *record)
{
    (void)state;
    sweep_job *job = context;
    const en_sweep_result *r = job->result;
    size_t issues = r->scenario->issue_count;
    point_header *h = (point_header *)(void *)record;
    double *forecast = (double *)(void *)(record + sizeof *h);
    for (size_t i = 0; i < issues; i++) forecast[i] = NAN;
    en_params *p = point_params(r, job->fixed, point);
    en_result *run = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_run_unguarded(r->model, r->scenario, p, &run, &err) == EN_OK) {
        for (size_t j = 0; j < run->issue_count; j++) forecast[run->issues[j].issue] = run->issues[j].forecast;
        en_result_free(run);
    } else {
        h->failed = 1;
        snprintf(h->failure, sizeof h->failure, "%.*s", (int)sizeof h->failure - 1, err.message);
    }
    en_error_clear(&err);
    en_params_free(p);
}

void en_sweep_result_free(en_sweep_result *r)
{
    if (!r) return;
    en_params_free(r->params);
    en_free(r->axes);
    en_free(r->forecast);
    en_free(r->failure);
    en_free(r);
}

/* Every point's values must be ones the model takes: checked before any run so a bad grid is
 * the user's error with the offending point named, not a table of failures. */
static en_status check_points(const en_sweep_result *r, const en_params *fixed, en_error *err)
{
    for (size_t point = 0; point < r->point_count; point++) {
        en_params *p = point_params(r, fixed, point);
        en_param_values *values = NULL;
        en_error problem = EN_ERROR_INIT;
        en_status st = en_param_values_build(r->model, p, &values, &problem);
        en_param_values_free(values);
        if (st != EN_OK) {
            en_buffer where = {0};
            for (size_t a = 0; a < r->axis_count; a++)
                en_buffer_printf(&where, "%s%s=%s", a ? ", " : "", r->axes[a].name,
                                 en_params_get(p, r->axes[a].name));
            st = en_error_set(err, EN_ERROR_INPUT, "sweep point %zu (%s): %s", point + 1, where.data,
                              problem.message);
            en_buffer_free(&where);
            en_error_clear(&problem);
            en_params_free(p);
            return st;
        }
        en_params_free(p);
    }
    return EN_OK;
}

en_status en_sweep_run_unguarded(const en_model *model, const en_scenario *scenario, const en_params *params,
                       const en_sweep_axis *axes, size_t axis_count, const en_sweep_options *options,
                       en_sweep_result **out, en_error *err)
{
    *out = NULL;
    en_sweep_options defaults;
    if (!options) {
        en_sweep_options_init(&defaults);
        options = &defaults;
    }
    if (axis_count == 0)
        return en_error_set(err, EN_ERROR_INPUT, "a sweep needs at least one NAME=START:STOP:STEP");
    size_t points = 1;
    for (size_t a = 0; a < axis_count; a++) {
        if (axes[a].points == 0 || !(axes[a].step != 0))
            return en_error_set(err, EN_ERROR_INPUT, "axis %s has no values", axes[a].name);
        for (size_t b = 0; b < a; b++)
            if (strcmp(axes[a].name, axes[b].name) == 0)
                return en_error_set(err, EN_ERROR_INPUT, "parameter %s is swept twice", axes[a].name);
        if (params && en_params_get(params, axes[a].name))
            return en_error_set(err, EN_ERROR_INPUT, "parameter %s is both swept and fixed (--param %s=%s)",
                                axes[a].name, axes[a].name, en_params_get(params, axes[a].name));
        if (points > options->max_points / axes[a].points || points * axes[a].points > options->max_points)
            return en_error_set(err, EN_ERROR_INPUT, "the grid has more than %zu points (at %s)",
                                options->max_points, axes[a].name);
        points *= axes[a].points;
    }
    en_sweep_result *r = en_xcalloc(1, sizeof *r);
    r->scenario = scenario;
    r->model = model;
    r->params = params ? en_params_copy(params) : en_params_new();
    r->axes = en_xmalloc(axis_count * sizeof *r->axes);
    memcpy(r->axes, axes, axis_count * sizeof *r->axes);
    r->axis_count = axis_count;
    r->point_count = points;
    en_params *fixed = en_params_forecast_only(r->params);
    en_status st = check_points(r, fixed, err);
    if (st != EN_OK) {
        en_params_free(fixed);
        en_sweep_result_free(r);
        return st;
    }
    size_t issues = scenario->issue_count ? scenario->issue_count : 1;
    sweep_job job = {r, fixed};
    en_item_job items = {0, points, sizeof(point_header) + issues * sizeof(double), options->threads,
                         &job, NULL, run_point, NULL, NULL, NULL};
    unsigned char *records = NULL;
    /* GSL's error handler is process-wide and some models switch it around solver calls; off
     * for the whole sweep, their concurrent switches all write "off" (as in Monte Carlo). */
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    st = en_distribute_items(&items, options->distributor, &records, err);
    gsl_set_error_handler(old_handler);
    en_params_free(fixed);
    if (st != EN_OK) {
        en_sweep_result_free(r);
        return st;
    }
    r->forecast = en_xmalloc(points * issues * sizeof *r->forecast);
    r->failure = en_xcalloc(points, sizeof *r->failure);
    for (size_t k = 0; k < points; k++) {
        const unsigned char *record = records + k * items.record_bytes;
        const point_header *h = (const point_header *)(const void *)record;
        memcpy(r->forecast + k * issues, record + sizeof *h, issues * sizeof(double));
        if (h->failed) {
            r->failed_points++;
            memcpy(r->failure[k], h->failure, sizeof r->failure[k]);
            if (!r->failure[k][0]) snprintf(r->failure[k], sizeof r->failure[k], "the model refused this point");
        }
    }
    en_free(records);
    *out = r;
    return EN_OK;
}

size_t en_sweep_point_count(const en_sweep_result *r) { return r->point_count; }

double en_sweep_point_value(const en_sweep_result *r, size_t point, size_t axis)
{
    return en_sweep_axis_value(&r->axes[axis], en_sweep_axis_index(r, point, axis));
}

double en_sweep_forecast(const en_sweep_result *r, size_t point, size_t issue)
{
    size_t issues = r->scenario->issue_count ? r->scenario->issue_count : 1;
    return r->forecast[point * issues + issue];
}
