/*
 * baseline.c — the loop shared by the one-shot baseline models, and the Nash bargaining solver
 * (GSL's Brent root finder on the derivative of the log Nash product).
 */
#include "models/baseline.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>

#include "core/oom.h"
#include "core/util.h"

en_status en_baseline_run(const en_scenario *s, const en_param_values *params, en_result *result,
                          en_baseline_fn forecast_issue, en_error *err)
{
    double *x = en_xmalloc((s->actor_count ? s->actor_count : 1) * sizeof *x);
    for (size_t issue = 0; issue < s->issue_count; issue++) {
        size_t index = en_result_add_issue(result, issue);
        en_issue_result *ir = &result->issues[index];
        for (size_t p = 0; p < ir->participant_count; p++)
            x[p] = s->actors[ir->participants[p]].stances[issue].position.value;
        en_result_add_round(result, index, x);
        double forecast = 0;
        const char *reason = forecast_issue(s, params, result, index, &forecast, err);
        if (!reason) {
            en_free(x);
            return err && err->code != EN_OK ? err->code : EN_ERROR_INTERNAL;
        }
        en_result_finish_issue(result, index, forecast, reason);
    }
    en_free(x);
    return EN_OK;
}

typedef struct nash_problem {
    const double *positions, *weights, *reach;
    size_t n;
} nash_problem;

/* d/dx Σ w ln(reach − |x − p|): decreasing in x on the feasible interval, +∞ at its left end
 * and −∞ at its right end, so it has exactly one root there (the objective is strictly
 * concave). At a kink x = p_i the one-sided terms are averaged; the root finder only needs
 * the sign change. */
static double nash_slope(double x, void *data)
{
    const nash_problem *np = data;
    double slope = 0;
    for (size_t i = 0; i < np->n; i++) {
        double w = np->weights[i];
        if (!(w > 0)) continue;
        double gain = np->reach[i] - fabs(x - np->positions[i]);
        if (x < np->positions[i]) slope += w / gain;
        else if (x > np->positions[i]) slope -= w / gain;
    }
    return slope;
}

int en_nash_solve(const double *positions, const double *weights, const double *reach, size_t n,
                  double low, double high, double *solution)
{
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(weights[i] > 0)) continue;
        any = 1;
        if (positions[i] - reach[i] > low) low = positions[i] - reach[i];
        if (positions[i] + reach[i] < high) high = positions[i] + reach[i];
    }
    /* An interval narrower than rounding noise is the single point d: no mutual gain. */
    double scale = fabs(low) + fabs(high) + 1;
    if (!any || !(high - low > 1e-12 * scale)) return 0;
    nash_problem np = {positions, weights, reach, n};
    gsl_function f = {nash_slope, &np};
    double margin = (high - low) * 1e-12;
    double a = low + margin, b = high - margin;
    double fa = nash_slope(a, &np), fb = nash_slope(b, &np);
    /* The scale can cut the feasible interval: then the optimum may sit on the cut. */
    if (fa <= 0) {
        *solution = low;
        return 1;
    }
    if (fb >= 0) {
        *solution = high;
        return 1;
    }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!solver) { /* GSL's handler is off here: its failed allocation comes back as NULL */
        gsl_set_error_handler(old);
        en_oom_fail(sizeof(gsl_root_fsolver));
        return 0; /* not reached (en_oom_fail does not return) */
    }
    double root = 0.5 * (a + b);
    if (gsl_root_fsolver_set(solver, &f, a, b) != GSL_SUCCESS) {
        gsl_root_fsolver_free(solver);
        gsl_set_error_handler(old);
        *solution = root;
        return 1;
    }
    for (int iter = 0; iter < 200; iter++) {
        if (gsl_root_fsolver_iterate(solver) != GSL_SUCCESS) break;
        root = gsl_root_fsolver_root(solver);
        double lo = gsl_root_fsolver_x_lower(solver), hi = gsl_root_fsolver_x_upper(solver);
        if (gsl_root_test_interval(lo, hi, 0, 1e-14) == GSL_SUCCESS) break;
    }
    gsl_root_fsolver_free(solver);
    gsl_set_error_handler(old);
    *solution = root;
    return 1;
}
