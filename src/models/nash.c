/*
 * nash.c — asymmetric Nash bargaining solution (Nash 1950; Kalai 1977 for the asymmetric form):
 * the outcome x maximising Π (u_i(x) − u_i(d))^w_i with linear loss u_i(x) = −|x − p_i|,
 * weights w = capability × salience, and disagreement point d = the issue's status quo (the
 * compromise when the issue has none) or, with disagreement=worst, each actor's worst end of
 * the scale. When no outcome improves on d for every actor the solution is d itself.
 * Who holds the status quo (blockers=rule, the default): only the actors who can block a deal
 * (en_scenario_blocks: their own veto, the agenda setter, the parliament under codecision,
 * every voter under unanimity) keep the status quo as their disagreement value; the others
 * cannot refuse a deal the blockers accept, so their disagreement value is their worst end of
 * the scale. When nobody on the issue can block, every actor is treated as a blocker (the
 * scenario says nothing about the decision rule). blockers=all: every actor, as before.
 * Time complexity: O(n log(1/ε)) per issue.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "models/baseline.h"

static const char *nash_issue(const en_scenario *s, const en_param_values *params,
                              en_result *result, size_t index, double *forecast, en_error *err)
{
    (void)err;
    en_issue_result *ir = &result->issues[index];
    const en_issue *issue = &s->issues[ir->issue];
    const double *x = ir->rounds[0].positions;
    size_t n = ir->participant_count;
    int worst = strcmp(en_param_choice(params, "disagreement"), "worst") == 0;
    int by_rule = strcmp(en_param_choice(params, "blockers"), "rule") == 0;
    size_t blockers = 0;
    for (size_t i = 0; i < n && by_rule; i++)
        blockers += en_scenario_blocks(s, ir->participants[i], ir->issue) != 0;
    double d = issue->has_status_quo ? issue->status_quo.value : ir->rounds[0].mean;
    double *reach = en_xmalloc((n ? n : 1) * sizeof *reach);
    for (size_t i = 0; i < n; i++) {
        if (worst || (by_rule && blockers && !en_scenario_blocks(s, ir->participants[i], ir->issue))) {
            double to_min = x[i] - issue->scale_min, to_max = issue->scale_max - x[i];
            reach[i] = to_min > to_max ? to_min : to_max;
        } else {
            reach[i] = fabs(d - x[i]);
        }
    }
    double solution;
    int found = en_nash_solve(x, ir->weights, reach, n, issue->scale_min, issue->scale_max,
                              &solution);
    en_free(reach);
    en_node *extra = en_issue_result_extra(ir);
    if (!worst) en_node_set_number(extra, "disagreement", d);
    if (!found) {
        *forecast = d;
        return "no_mutual_gain";
    }
    *forecast = solution;
    return "closed_form";
}

static en_status nash_run(const en_scenario *s, const en_param_values *params, en_result *result,
                          en_error *err)
{
    return en_baseline_run(s, params, result, nash_issue, err);
}

static const en_param_def nash_params[] = {
    {"disagreement", EN_PARAM_CHOICE, "status_quo",
     "disagreement point: the status quo (compromise if none) or each actor's worst scale end",
     0, 0, "status_quo|worst"},
    {"blockers", EN_PARAM_CHOICE, "rule",
     "who keeps the status quo as disagreement value: those who can block (rule) or everyone (all)",
     0, 0, "rule|all"},
};

const en_model en_model_nash = {
    "nash",
    "asymmetric Nash bargaining solution, weights capability x salience, linear loss",
    nash_params, sizeof nash_params / sizeof nash_params[0], nash_run, NULL, en_model_seed_free_always,
};
