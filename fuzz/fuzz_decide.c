/*
 * fuzz_decide.c — libFuzzer target for the Decide (#A/#P/#M/#D) reader: any bytes must give
 * either a scenario or located errors, never a crash, hang or leak. Small loaded scenarios are
 * also run through the exchange model (both variants, a few rounds) and written back as YAML,
 * to fuzz the kernel's guards (zero saliences and powers, degenerate scales) as well.
 */
#include <stdint.h>
#include <stdio.h>

#include "entente.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    en_load_options options = {0};
    options.format = EN_FORMAT_DECIDE;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load_buffer((const char *)data, size, "fuzz.csv", &options, &s, &err) == EN_OK) {
        /* Keep each input fast: the model's work grows with (actors × issues)². */
        if (en_scenario_actor_count(s) * en_scenario_issue_count(s) <= 400) {
            const en_model *model = en_model_find("exchange");
            for (int variant = 0; model && variant < 2; variant++) {
                en_params *params = en_params_new();
                en_params_set(params, "rounds", "3", NULL);
                if (variant) {
                    en_params_set(params, "p", "1", NULL);
                    en_params_set(params, "repetitions", "2", NULL);
                }
                en_result *r = NULL;
                if (en_run(model, s, params, &r, &err) == EN_OK) en_result_free(r);
                en_params_free(params);
            }
        }
        FILE *sink = fopen("/dev/null", "w");
        if (sink) {
            en_scenario_write_yaml(s, sink, &err);
            fclose(sink);
        }
        en_scenario_free(s);
    }
    en_error_clear(&err);
    return 0;
}
