/*
 * fuzz_whatif.c — libFuzzer target for the --what-if language of `entente forecast`
 * (src/analysis/whatif.c): parses the input and applies it to a small scenario with a patron,
 * a public stance, vetoes and status quos; any error must be a located en_error, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/forecast_internal.h"
#include "core/scenario.h"

static const char scenario[] =
    "entente: 1\n"
    "title: fuzz\n"
    "issues:\n"
    "  - {id: a, scale: [0, 100], status_quo: 50}\n"
    "  - {id: b, scale: [-1, 1]}\n"
    "actors:\n"
    "  - {id: P, capability: {value: 3, low: 1, high: 5}, veto: true, positions: {a: {position: 20, public: 0, salience: 0.8}, b: {position: 0.5, salience: 0.2}}}\n"
    "  - {id: Q, capability: 1, veto: [a], positions: {a: {position: 80, salience: 0.5}}}\n"
    "  - {id: R, capability: 2, role: patron, patron_of: P, positions: {b: {position: -1, salience: 1}}}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0'; /* a command-line argument never holds a NUL: stop at the first one */
    static en_scenario *s;
    en_error err = EN_ERROR_INIT;
    if (!s && en_scenario_load_buffer(scenario, sizeof scenario - 1, "fuzz.yaml", NULL, &s, &err) != EN_OK) abort();
    fc_whatif *w = NULL;
    if (fc_whatif_parse(text, "--what-if", &w, &err) == EN_OK) {
        en_scenario *c = en_scenario_clone(s);
        if (fc_whatif_apply(w, "--what-if", c, &err) == EN_OK) {
            if (en_scenario_validate(c, &err) != EN_OK) abort(); /* apply must refuse what is invalid */
        } else if (err.line != 1 || err.column < 1) {
            abort(); /* a refusal must say where */
        }
        en_scenario_free(c);
        fc_whatif_free(w);
    } else if (err.code == EN_OK || err.line != 1 || err.column < 1) {
        abort(); /* a failure must say where */
    }
    en_error_clear(&err);
    free(text);
    return 0;
}
