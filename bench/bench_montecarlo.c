/*
 * bench_montecarlo.c — Monte Carlo throughput, parallel speed-up and memory (issue 5 targets):
 * the bundled Ukraine scenario, model eum (compromise if eum is not registered — the output
 * says which), 20 rounds, 10,000 draws, timed with 1 and 2 threads in one run; then peak
 * resident memory at 1,000 and 10,000 draws, each measured in a fresh child process so the
 * two peaks do not mask each other. Also times the compromise model, whose run costs almost
 * nothing, to show the engine's own overhead per draw.
 *
 * usage: bench_montecarlo [DRAWS]   (default 10000). Results go in docs/performance.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "entente.h"

static char *json_of(const en_mc_result *r)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    en_error err = EN_ERROR_INIT;
    en_mc_result_write(r, EN_OUTPUT_JSON, f, &err);
    fclose(f);
    return text;
}

/* Runs the forecast; returns wall seconds and (if json != NULL) the JSON output. */
static double timed_run(const en_model *model, const en_scenario *s, const en_params *params,
                        size_t draws, unsigned threads, char **json)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = draws;
    o.threads = threads;
    o.seed = 2023;
    en_mc_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    double start = bench_wall_seconds();
    if (en_mc_run(model, s, params, &o, &r, &err) != EN_OK) {
        en_error_print(&err, stderr);
        exit(1);
    }
    double seconds = bench_wall_seconds() - start;
    if (json) *json = json_of(r);
    en_mc_result_free(r);
    return seconds;
}

typedef struct child_run {
    const en_model *model;
    const en_scenario *s;
    const en_params *params;
    size_t draws;
} child_run;

static int run_in_child(void *data)
{
    const child_run *c = data;
    timed_run(c->model, c->s, c->params, c->draws, 2, NULL);
    return 0;
}

/* Peak resident set (KiB) of a fresh child that runs `draws` draws on 2 threads. */
static long child_peak_kib(const en_model *model, const en_scenario *s, const en_params *params,
                           size_t draws)
{
    child_run c = {model, s, params, draws};
    struct rusage usage;
    return bench_in_child(run_in_child, &c, &usage) ? usage.ru_maxrss : -1;
}

int main(int argc, char **argv)
{
    size_t draws = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000;
    if (draws < 1) draws = 10000;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load(ENTENTE_SOURCE_DIR "/scenarios/ukraine-2023.yaml", NULL, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        return 1;
    }
    const en_model *model = en_model_find("eum");
    const char *note = "";
    if (!model) {
        model = en_model_find("compromise");
        note = " (eum is not registered: compromise instead)";
    }
    en_params *params = en_params_new();
    en_params_set(params, "rounds", "20", NULL);

    /* Memory first, while this process is still small (children inherit its footprint). */
    long peak_small = child_peak_kib(model, s, params, draws / 10 ? draws / 10 : 1);
    long peak_large = child_peak_kib(model, s, params, draws);

    char *json1 = NULL, *json2 = NULL;
    double c0 = bench_rusage_seconds();
    double t1 = timed_run(model, s, params, draws, 1, &json1);
    double c1 = bench_rusage_seconds();
    double t2 = timed_run(model, s, params, draws, 2, &json2);
    double c2 = bench_rusage_seconds();
    int same = strcmp(json1, json2) == 0;
    double overhead = timed_run(en_model_find("compromise"), s, params, draws, 1, NULL);
    /* The same draws on eum's reference-order path (what the draws ran before the fast path
     * was used for them): the ratio is the fast path's gain, measured in this run. */
    double straight = 0;
    if (strcmp(en_model_name(model), "eum") == 0) {
        en_params *reference = en_params_new();
        en_params_set(reference, "rounds", "20", NULL);
        en_params_set(reference, "path", "straight", NULL);
        straight = timed_run(model, s, reference, draws, 2, NULL);
        en_params_free(reference);
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    double load = 0;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &load) != 1) load = 0;
        fclose(f);
    }

    printf("Monte Carlo: scenarios/ukraine-2023.yaml, model %s%s, rounds 20, %zu draws\n",
           en_model_name(model), note, draws);
    printf("  1 thread:  %8.3f s  (%.0f draws/s, %.1f us/draw)\n", t1, (double)draws / t1, 1e6 * t1 / (double)draws);
    printf("  2 threads: %8.3f s  (%.0f draws/s)\n", t2, (double)draws / t2);
    printf("  speed-up 2 vs 1 thread: %.2fx (target >= 1.8x)\n", t1 / t2);
    /* Wall-clock speed-up needs two idle cores; CPU time does not: equal CPU seconds for 1
     * and 2 threads mean the engine adds no parallel overhead, whatever else the machine runs. */
    printf("  CPU time: 1 thread %.3f s, 2 threads %.3f s (work inflation %.3fx; wall speed-up "
           "on an idle machine is bounded by 2 / inflation = %.2fx)\n",
           c1 - c0, c2 - c1, (c2 - c1) / (c1 - c0), 2 * (c1 - c0) / (c2 - c1));
    printf("  output identical for 1 and 2 threads: %s\n", same ? "yes" : "NO");
    printf("  target < 1 s with eum on 2 threads: %s\n", t2 < 1 ? "met" : "missed");
    if (straight > 0)
        printf("  eum path=straight (reference operation order), 2 threads: %.3f s = %.2fx the "
               "default (fast path)\n",
               straight, straight / t2);
    printf("  engine overhead (compromise, 1 thread): %.3f s = %.1f us/draw\n", overhead,
           1e6 * overhead / (double)draws);
    printf("  peak RSS, 2 threads: %zu draws %ld KiB, %zu draws %ld KiB\n",
           draws / 10 ? draws / 10 : 1, peak_small, draws, peak_large);
    printf("  machine: %ld online cores, load average %.2f at the end\n", cores, load);
    free(json1);
    free(json2);
    en_params_free(params);
    en_scenario_free(s);
    en_error_clear(&err);
    return same ? 0 : 1;
}
