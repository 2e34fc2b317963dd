/*
 * bench_exchange_direct.c — a Monte Carlo draw of the exchange model two ways, in one run:
 * en_run (fast kernel, trace=none: what `entente mc --model exchange` did per draw before) and
 * en_exchange_forecast_with (the forecasts straight from the fast kernel, without a result:
 * what it does now; models/exchange_forecast.h). The same jittered draws go through both, one
 * thread, best of three, CPU seconds; every forecast is compared bit for bit. Workloads: cop21
 * (the Decide data set) with jitter 0.1 and the bundled scenario's own uncertain values.
 * Figures go to docs/performance.md.
 *
 * usage: bench_exchange_direct [DRAWS]   (default 2000)
 */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "common.h"
#include "analysis/montecarlo.h"
#include "core/result.h"
#include "core/scenario.h"
#include "models/exchange_forecast.h"
#include "models/model.h"

#ifndef ENTENTE_SOURCE_DIR
#define ENTENTE_SOURCE_DIR "."
#endif

/* Runs `draws` draws (seeded alike for both ways) and writes every forecast to out[draw * m + i];
 * returns the CPU seconds. */
static double run_draws(const en_scenario *s, double jitter, long draws, int direct_way,
                        double *out)
{
    size_t m = s->issue_count;
    en_scenario *draw = en_scenario_clone(s);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 2023);
    en_params *params = en_params_new();
    en_params_set(params, "trace", "none", NULL);
    en_exchange_direct direct;
    if (!en_exchange_direct_settings(params, &direct)) {
        fprintf(stderr, "bench_exchange_direct: the direct path declined the defaults\n");
        exit(1);
    }
    const en_model *model = en_model_find("exchange");
    double start = bench_rusage_seconds();
    for (long k = 0; k < draws; k++) {
        en_mc_sample_scenario(s, draw, rng, jitter);
        double *f = out + (size_t)k * m;
        if (direct_way) {
            if (!en_exchange_forecast_with(draw, &direct, f)) {
                fprintf(stderr, "bench_exchange_direct: the direct path declined draw %ld\n", k);
                exit(1);
            }
            continue;
        }
        en_result *r = NULL;
        en_error err = EN_ERROR_INIT;
        if (en_run(model, draw, params, &r, &err) != EN_OK) {
            fprintf(stderr, "bench_exchange_direct: %s\n", err.message);
            exit(1);
        }
        for (size_t j = 0; j < r->issue_count; j++) f[r->issues[j].issue] = r->issues[j].forecast;
        en_result_free(r);
    }
    double seconds = bench_rusage_seconds() - start;
    en_params_free(params);
    gsl_rng_free(rng);
    en_scenario_free(draw);
    return seconds;
}

int main(int argc, char **argv)
{
    long draws = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    if (draws < 1) draws = 1;
    static const struct {
        const char *file, *label;
        double jitter;
    } work[] = {
        {"tests/data/decide/cop21.csv", "cop21, jitter 0.1", 0.1},
        {"scenarios/ukraine-2023.yaml", "ukraine-2023", 0},
    };
    printf("| workload | draws | en_run per draw: CPU s (best of 3) | direct: CPU s (best of 3) | "
           "en_run / direct | forecasts |\n|---|---|---|---|---|---|\n");
    for (size_t w = 0; w < sizeof work / sizeof work[0]; w++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", ENTENTE_SOURCE_DIR, work[w].file);
        en_scenario *s = NULL;
        en_error err = EN_ERROR_INIT;
        if (en_scenario_load(path, NULL, &s, &err) != EN_OK) {
            fprintf(stderr, "%s: %s\n", path, err.message);
            return 1;
        }
        size_t cells = (size_t)draws * s->issue_count;
        double *a = calloc(cells + 1, sizeof *a), *b = calloc(cells + 1, sizeof *b);
        double best_run = INFINITY, best_direct = INFINITY;
        for (int rep = 0; rep < 3; rep++) {
            double t = run_draws(s, work[w].jitter, draws, 0, a);
            if (t < best_run) best_run = t;
            t = run_draws(s, work[w].jitter, draws, 1, b);
            if (t < best_direct) best_direct = t;
        }
        int same = memcmp(a, b, cells * sizeof *a) == 0;
        printf("| %s | %ld | %.3f | %.3f | %.2f | %s |\n", work[w].label, draws, best_run,
               best_direct, best_run / best_direct, same ? "identical" : "DIFFERENT");
        free(a);
        free(b);
        en_scenario_free(s);
        if (!same) return 1;
    }
    return 0;
}
