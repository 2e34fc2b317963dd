/*
 * compromise.c — the compromise model: the mean of positions weighted by capability × salience.
 * The classic baseline of the EU decision-making literature (Achen 2006, in Thomson et al.,
 * The European Union Decides). Time complexity: O(n) per issue.
 */
#include "models/baseline.h"

static const char *compromise_issue(const en_scenario *s, const en_param_values *params,
                                    en_result *result, size_t index, double *forecast,
                                    en_error *err)
{
    (void)s, (void)params, (void)err;
    *forecast = result->issues[index].rounds[0].mean;
    return "closed_form";
}

static en_status compromise_run(const en_scenario *s, const en_param_values *params,
                                en_result *result, en_error *err)
{
    return en_baseline_run(s, params, result, compromise_issue, err);
}

const en_model en_model_compromise = {
    "compromise",
    "weighted mean of positions, weights capability x salience",
    NULL, 0, compromise_run, NULL, en_model_seed_free_always,
};
