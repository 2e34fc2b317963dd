/*
 * fuzz_ktab_csv.c — libFuzzer target for the KTAB SMP CSV reader, followed by a short smp run
 * on what it accepts (small scenarios only, so each input stays fast).
 */
#include <stdint.h>

#include "entente.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    en_load_options options = {0};
    options.format = EN_FORMAT_KTAB_CSV;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load_buffer((const char *)data, size, "fuzz.csv", &options, &s, &err) == EN_OK) {
        if (en_scenario_actor_count(s) <= 40 && en_scenario_issue_count(s) <= 8) {
            en_params *p = en_params_new();
            en_params_set(p, "rounds", "3", NULL);
            en_result *r = NULL;
            if (en_run(en_model_find("smp"), s, p, &r, &err) == EN_OK) en_result_free(r);
            en_params_free(p);
        }
        en_scenario_free(s);
    }
    en_error_clear(&err);
    return 0;
}
