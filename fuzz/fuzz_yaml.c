/*
 * fuzz_yaml.c — libFuzzer target for the YAML scenario loader: any bytes must give either a
 * valid scenario or located errors, never a crash, hang or leak. A loaded scenario is also run
 * through every model that applies (war included), as a run and as a Monte Carlo draw, and
 * written back as YAML, to fuzz what sits behind the loader.
 */
#include <stdint.h>
#include <stdio.h>

#include "entente.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    en_load_options options = {0};
    options.format = EN_FORMAT_YAML;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load_buffer((const char *)data, size, "fuzz.yaml", &options, &s, &err) == EN_OK) {
        FILE *sink = fopen("/dev/null", "w");
        /* Every model that applies, kept short: few rounds, few war runs; once as `run` runs
         * it and once as Monte Carlo draws do (trace=none: eum's vector path). */
        for (int draw = 0; draw < 2; draw++) {
            en_params *params = en_params_new();
            en_params_set(params, "rounds", "3", NULL);
            en_params_set(params, "runs", "2", NULL);
            if (draw) en_params_set(params, "trace", "none", NULL);
            for (size_t m = 0; m < en_model_count(); m++) {
                const en_model *model = en_model_at(m);
                if (!en_model_applies(model, s)) continue;
                en_params *own = en_params_for_model(params, model);
                en_result *r = NULL;
                if (en_run(model, s, own, &r, &err) == EN_OK && sink)
                    en_result_write(r, EN_OUTPUT_JSON, sink, &err);
                en_result_free(r);
                en_params_free(own);
                en_error_clear(&err);
            }
            en_params_free(params);
        }
        if (sink) {
            en_scenario_write_yaml(s, sink, &err);
            fclose(sink);
        }
        en_scenario_free(s);
    }
    en_error_clear(&err);
    return 0;
}
