/*
 * fuzz_sweep.c — libFuzzer target for the NAME=START:STOP:STEP axes of `entente sweep`
 * (src/analysis/sweep.c): a parsed axis must have 1 to 1,000,000 finite values that step from
 * START towards STOP, and a refusal must be a located en_error (argument and column), never a
 * crash. A small grid of two parsed axes is then run with the median model.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entente.h"

static const char scenario[] =
    "entente: 1\n"
    "title: fuzz\n"
    "issues:\n"
    "  - {id: a, scale: [0, 100], status_quo: 50}\n"
    "actors:\n"
    "  - {id: P, capability: 3, positions: {a: {position: 20, salience: 0.8}}}\n"
    "  - {id: Q, capability: 1, positions: {a: {position: 80, salience: 0.5}}}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0'; /* a command-line argument never holds a NUL: stop at the first one */
    static en_scenario *s;
    en_error err = EN_ERROR_INIT;
    if (!s && en_scenario_load_buffer(scenario, sizeof scenario - 1, "fuzz.yaml", NULL, &s, &err) != EN_OK) abort();
    en_sweep_axis axis;
    if (en_sweep_axis_parse(text, 4, &axis, &err) == EN_OK) {
        if (axis.points < 1 || axis.points > 1000000 || !isfinite(axis.step) || axis.step == 0) abort();
        double first = en_sweep_axis_value(&axis, 0), last = en_sweep_axis_value(&axis, axis.points - 1);
        if (!isfinite(first) || !isfinite(last)) abort();
        /* Every value lies between START and STOP (up to the 12-digit rounding). */
        double low = fmin(axis.start, axis.stop), high = fmax(axis.start, axis.stop);
        double slack = 1e-9 * (fabs(low) + fabs(high) + fabs(axis.step));
        if (last < low - slack || last > high + slack) abort();
        if (axis.points <= 1000) {
            en_sweep_options options;
            en_sweep_options_init(&options);
            options.threads = 1;
            en_sweep_result *r = NULL;
            if (en_sweep_run(en_model_find("median"), s, NULL, &axis, 1, &options, &r, &err) == EN_OK) {
                if (en_sweep_point_count(r) != axis.points) abort();
                en_sweep_result_free(r);
            }
        }
    } else if (err.code != EN_ERROR_INPUT || err.line != 4 || err.column < 1 ||
               (size_t)err.column > strlen(text) + 1) {
        abort(); /* a refusal must say where */
    }
    en_error_clear(&err);
    free(text);
    return 0;
}
