/*
 * fuzz_yaml.c — libFuzzer target for the YAML scenario loader: any bytes must give either a
 * valid scenario or located errors, never a crash, hang or leak. A loaded scenario is also run
 * through the baseline models and written back as YAML, to fuzz what sits behind the loader.
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
        const char *models[] = {"compromise", "median", "nash"};
        for (size_t m = 0; m < 3; m++) {
            en_result *r = NULL;
            if (en_run(en_model_find(models[m]), s, NULL, &r, &err) == EN_OK && sink)
                en_result_write(r, EN_OUTPUT_JSON, sink, &err);
            en_result_free(r);
            en_error_clear(&err);
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
