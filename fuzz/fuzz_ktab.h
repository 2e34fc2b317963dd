/*
 * fuzz_ktab.h — what the KTAB SMP readers' libFuzzer targets (fuzz_ktab_csv.c, fuzz_ktab_xml.c)
 * share: the input read in one format, then a short smp run on what the reader accepts (small
 * scenarios only, so each input stays fast). A header, not a source file: the build makes one
 * executable of every fuzz/fuzz_*.c alone.
 */
#ifndef ENTENTE_FUZZ_KTAB_H
#define ENTENTE_FUZZ_KTAB_H

#include <stddef.h>
#include <stdint.h>

#include "entente.h"

/* Reads data[size] as `format` under the file name `name` (for the messages) and runs smp for
 * three rounds on a scenario of at most 40 actors and 8 issues. Returns 0 (libFuzzer's
 * "keep going"). */
static inline int fuzz_ktab_input(const uint8_t *data, size_t size, en_input_format format, const char *name)
{
    en_load_options options = {0};
    options.format = format;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load_buffer((const char *)data, size, name, &options, &s, &err) == EN_OK) {
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

#endif
