/*
 * fuzz_csv.c — libFuzzer target for the stakeholder-sheet (CSV) loader.
 */
#include <stdint.h>

#include "entente.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    en_load_options options = {0};
    options.format = EN_FORMAT_CSV;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load_buffer((const char *)data, size, "fuzz.csv", &options, &s, &err) == EN_OK) {
        en_result *r = NULL;
        if (en_run(en_model_find("median"), s, NULL, &r, &err) == EN_OK) en_result_free(r);
        en_scenario_free(s);
    }
    en_error_clear(&err);
    return 0;
}
