/*
 * fuzz_deu.c — libFuzzer target for the DEU table reader (every scenario it returns is run
 * through the default forecaster and scored by the backtest).
 */
#include <stdint.h>
#include <stdlib.h>

#include "entente.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    en_load_options options = {0};
    options.format = EN_FORMAT_DEU;
    en_scenario **all = NULL;
    size_t count = 0;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load_all_buffer((const char *)data, size, "fuzz.tsv", &options, &all, &count,
                                    &err) == EN_OK) {
        const char *models[] = {"ensemble", "nash"};
        en_backtest_options o;
        en_backtest_options_init(&o);
        o.models = models;
        o.model_count = 2;
        o.resamples = 20;
        en_backtest *bt = NULL;
        if (en_backtest_run(all, count, &o, &bt, &err) == EN_OK) en_backtest_free(bt);
        for (size_t k = 0; k < count; k++) en_scenario_free(all[k]);
        free(all);
    }
    en_error_clear(&err);
    return 0;
}
