/*
 * median.c — the median voter model: the actor position minimising Σ w·|x − p| with
 * w = capability × salience (Black 1948; the weighted form as in Thomson et al. 2006). Ties
 * (cumulative weight exactly half at a position) go to the tied position nearest the weighted
 * mean, then the lower. Time complexity: O(n log n) per issue.
 */
#include "models/baseline.h"

static const char *median_issue(const en_scenario *s, const en_param_values *params,
                                en_result *result, size_t index, double *forecast, en_error *err)
{
    (void)s, (void)params, (void)err;
    *forecast = result->issues[index].rounds[0].median;
    return "closed_form";
}

static en_status median_run(const en_scenario *s, const en_param_values *params,
                            en_result *result, en_error *err)
{
    return en_baseline_run(s, params, result, median_issue, err);
}

const en_model en_model_median = {
    "median",
    "weighted median position (median voter), weights capability x salience",
    NULL, 0, median_run, NULL, en_model_seed_free_always,
};
