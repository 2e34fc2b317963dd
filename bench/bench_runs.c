/*
 * bench_runs.c — one scenario loaded, then en_run N times with each named model (each result
 * freed). Made to be counted under valgrind's callgrind: the instructions of N runs minus those
 * of 0 runs are the cost of N runs, whatever the machine's load (docs/performance.md, "The
 * out-of-memory guard").
 *
 * Usage: bench_runs SCENARIO N MODEL...
 */
#include <stdio.h>
#include <stdlib.h>

#include "entente.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_runs SCENARIO N MODEL...\n");
        return 2;
    }
    en_error err = EN_ERROR_INIT;
    en_scenario *scenario = NULL;
    if (en_scenario_load(argv[1], NULL, &scenario, &err) != EN_OK) {
        en_error_print(&err, stderr);
        return 2;
    }
    long runs = atol(argv[2]);
    double sum = 0; /* printed, so that no run can be optimised away */
    for (int a = 3; a < argc; a++) {
        const en_model *model = en_model_find(argv[a]);
        if (!model) {
            fprintf(stderr, "bench_runs: unknown model '%s'\n", argv[a]);
            return 2;
        }
        for (long k = 0; k < runs; k++) {
            en_result *result = NULL;
            if (en_run(model, scenario, NULL, &result, &err) != EN_OK) {
                en_error_print(&err, stderr);
                return 1;
            }
            sum += en_result_forecast(result, 0);
            en_result_free(result);
        }
    }
    printf("%.17g\n", sum);
    en_scenario_free(scenario);
    en_error_clear(&err);
    return 0;
}
