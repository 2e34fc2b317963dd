/*
 * run.c — en_run: checks parameters against the model, runs it, and guarantees what every
 * caller relies on afterwards (a forecast per issue, no NaN anywhere in the trace), and turns
 * running out of memory into EN_ERROR_NOMEM.
 */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/oom.h"
#include "models/model.h"
#include "models/params.h"

static en_status check_finite(const en_result *r, en_error *err)
{
    for (size_t i = 0; i < r->issue_count; i++) {
        const en_issue_result *ir = &r->issues[i];
        int bad = !isfinite(ir->forecast);
        for (size_t k = 0; k < ir->round_count && !bad; k++) {
            bad = !isfinite(ir->rounds[k].mean) || !isfinite(ir->rounds[k].median);
            for (size_t p = 0; p < ir->participant_count && !bad; p++)
                bad = !isfinite(ir->rounds[k].positions[p]);
        }
        if (bad)
            return en_error_set(err, EN_ERROR_INTERNAL,
                                "model %s produced a non-finite value on issue '%s'",
                                r->model->name, r->scenario->issues[ir->issue].id);
    }
    return EN_OK;
}

en_status en_run_unguarded(const en_model *model, const en_scenario *scenario,
                           const en_params *params, en_result **out, en_error *err)
{
    *out = NULL;
    en_param_values *values;
    en_status st = en_param_values_build(model, params, &values, err);
    if (st != EN_OK) return st;
    en_params *effective = en_param_values_effective(values, model);
    en_result *result = en_result_new(scenario, model, effective);
    en_params_free(effective);
    st = model->run(scenario, values, result, err);
    en_param_values_free(values);
    if (st == EN_OK) st = check_finite(result, err);
    if (st != EN_OK) {
        if (err && err->code == EN_OK)
            en_error_set(err, st, "model %s failed without saying why", model->name);
        en_result_free(result);
        return st;
    }
    *out = result;
    return EN_OK;
}

/* Under an out-of-memory guard (core/oom.h): a model that runs out of memory on the calling
 * thread gives EN_ERROR_NOMEM with everything it had allocated released. */
en_status en_run(const en_model *model, const en_scenario *scenario, const en_params *params,
                 en_result **out, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, *out = NULL, en_run_unguarded(model, scenario, params, out, err));
    return st;
}
