/*
 * bench_exchange_mc.c — Monte Carlo of the exchange model: its reference path against its
 * fast path (`path=reference` / `path=fast`, docs/models/exchange.md "Fast path"), and 1
 * against 2 threads, in one run. Three workloads: `entente mc` of the bundled Ukraine scenario
 * with the exchange model; `entente mc` of cop21 (the Decide data set, which has no uncertain
 * values: --jitter 0.1 makes the draws differ); and `entente forecast` of the bundled scenario
 * (the default forecaster, whose exchange part is what the path changes). Each timing is the
 * best of three, the two paths alternating, CPU seconds of the process (all threads) and wall
 * seconds; the outputs of the two paths and of 1 and 2 threads are compared byte for byte.
 * Figures go to docs/performance.md ("Monte Carlo of the exchange model").
 *
 * usage: bench_exchange_mc [DRAWS]   (default 10000; cop21 runs DRAWS / 10)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common.h"
#include "entente.h"

#ifndef ENTENTE_SOURCE_DIR
#define ENTENTE_SOURCE_DIR "."
#endif

typedef struct timing {
    double cpu, wall;
    char *output; /* of the last run */
} timing;

/* One Monte Carlo run of `model` with `name`=`path`; the JSON output is kept. */
static void mc_once(const en_scenario *s, const char *model, const char *name, const char *path,
                    size_t draws, unsigned threads, double jitter, timing *t)
{
    en_params *params = en_params_new();
    en_error err = EN_ERROR_INIT;
    if (en_params_set(params, name, path, &err) != EN_OK) bench_die(&err);
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = draws;
    o.threads = threads;
    o.seed = 2023;
    o.jitter = jitter;
    en_mc_result *r = NULL;
    double c0 = bench_rusage_seconds(), w0 = bench_wall_seconds();
    if (en_mc_run(en_model_find(model), s, params, &o, &r, &err) != EN_OK) bench_die(&err);
    double cpu = bench_rusage_seconds() - c0, wall = bench_wall_seconds() - w0;
    if (cpu < t->cpu) t->cpu = cpu;
    if (wall < t->wall) t->wall = wall;
    free(t->output);
    size_t size = 0;
    FILE *f = open_memstream(&t->output, &size);
    if (en_mc_result_write(r, EN_OUTPUT_JSON, f, &err) != EN_OK) bench_die(&err);
    fclose(f);
    en_mc_result_free(r);
    en_params_free(params);
}

static void forecast_once(const en_scenario *s, const char *path, size_t draws, unsigned threads,
                          timing *t)
{
    en_params *params = en_params_new();
    en_error err = EN_ERROR_INIT;
    if (en_params_set(params, "exchange_path", path, &err) != EN_OK) bench_die(&err);
    en_forecast_options o;
    en_forecast_options_init(&o);
    o.draws = draws;
    o.threads = threads;
    en_forecast_result *r = NULL;
    double c0 = bench_rusage_seconds(), w0 = bench_wall_seconds();
    if (en_forecast_run(s, params, &o, NULL, 0, &r, &err) != EN_OK) bench_die(&err);
    double cpu = bench_rusage_seconds() - c0, wall = bench_wall_seconds() - w0;
    if (cpu < t->cpu) t->cpu = cpu;
    if (wall < t->wall) t->wall = wall;
    free(t->output);
    size_t size = 0;
    FILE *f = open_memstream(&t->output, &size);
    if (en_forecast_write(r, EN_OUTPUT_JSON, f, &err) != EN_OK) bench_die(&err);
    fclose(f);
    en_forecast_result_free(r);
    en_params_free(params);
}

/* The output with the path's own name (echoed with the parameters) written as "fast", so
 * that the two paths' outputs compare equal exactly when everything else is the same. */
static char *normalized(const char *text)
{
    static const char *const from = "\"reference\"";
    size_t length = strlen(text);
    char *out = malloc(length + 1), *w = out;
    for (const char *r = text; *r;) {
        if (strncmp(r, from, strlen(from)) == 0) {
            w += sprintf(w, "\"fast\"");
            r += strlen(from);
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
    return out;
}

/* [path][threads - 1] */
static void row(const char *label, size_t draws, timing t[2][2])
{
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 2; k++) {
            char *n = normalized(t[p][k].output);
            free(t[p][k].output);
            t[p][k].output = n;
        }
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 2; k++)
            if (strcmp(t[p][k].output, t[0][0].output) != 0) {
                fprintf(stderr, "%s: outputs differ (path %d, %d threads)\n", label, p, k + 1);
                exit(1);
            }
    printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | identical |\n", label,
           draws, t[0][0].cpu, t[1][0].cpu, t[0][0].cpu / t[1][0].cpu, t[0][1].wall, t[1][1].wall,
           t[1][0].wall / t[1][1].wall, 1e3 * t[1][0].cpu / (double)draws);
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 2; k++) free(t[p][k].output);
}

int main(int argc, char **argv)
{
    size_t draws = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000;
    if (draws < 10) draws = 10;
    static const char *const paths[2] = {"reference", "fast"};
    en_scenario *ukraine = bench_load_scenario("scenarios/ukraine-2023.yaml");
    en_scenario *cop21 = bench_load_scenario("tests/data/decide/cop21.csv");
    printf("| workload | draws | reference, 1 thread: CPU s | fast, 1 thread: CPU s | "
           "fast / reference speed-up | reference, 2 threads: wall s | fast, 2 threads: wall s | "
           "fast: 1 → 2 threads wall speed-up | fast: CPU ms per draw | outputs |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|\n");
    timing t[2][2];
    memset(t, 0, sizeof t);
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 2; k++) t[p][k].cpu = t[p][k].wall = 1e300;
    for (int rep = 0; rep < 3; rep++)
        for (int p = 0; p < 2; p++)
            for (unsigned k = 1; k <= 2; k++)
                mc_once(ukraine, "exchange", "path", paths[p], draws, k, 0, &t[p][k - 1]);
    row("mc ukraine-2023 --model exchange", draws, t);

    size_t cop_draws = draws / 10;
    memset(t, 0, sizeof t);
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 2; k++) t[p][k].cpu = t[p][k].wall = 1e300;
    for (int rep = 0; rep < 3; rep++)
        for (int p = 0; p < 2; p++)
            for (unsigned k = 1; k <= 2; k++)
                mc_once(cop21, "exchange", "path", paths[p], cop_draws, k, 0.1, &t[p][k - 1]);
    row("mc cop21 --model exchange --jitter 0.1", cop_draws, t);

    memset(t, 0, sizeof t);
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 2; k++) t[p][k].cpu = t[p][k].wall = 1e300;
    for (int rep = 0; rep < 3; rep++)
        for (int p = 0; p < 2; p++)
            for (unsigned k = 1; k <= 2; k++) forecast_once(ukraine, paths[p], draws, k, &t[p][k - 1]);
    row("forecast ukraine-2023 (ensemble)", draws, t);
    en_scenario_free(ukraine);
    en_scenario_free(cop21);
    return 0;
}
