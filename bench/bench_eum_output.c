/*
 * bench_eum_output.c — what the expected utility model's output costs, in one run:
 *   1. the quadrant (perceptual map): a 3-round masad run on the 200-actor synth-200 issue
 *      with output=all (JSON, the run store and the report show the quadrant; it is computed
 *      once, from the last accepted round) against output=text (what `entente run` prints:
 *      no quadrant) and trace=none;
 *   2. the summary trace's memory: peak RSS of a fresh child running masad on a random
 *      N-actor issue for R rounds with output=all, output=text and trace=none.
 * Figures go to docs/performance.md ("Expected utility model", "What the output costs").
 *
 * Usage: bench_eum_output [N R]   (default 2000 actors × 40 rounds; the documented figure
 * for 10,000 × 100 was taken with the CLI, see docs/performance.md). About a minute.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "common.h"
#include "entente.h"

static en_params *eum_params(const char *rounds, const char *output, const char *trace)
{
    en_params *p = en_params_new();
    en_params_set(p, "variant", "masad", NULL);
    en_params_set(p, "rounds", rounds, NULL);
    en_params_set(p, "threads", "1", NULL);
    if (output) en_params_set(p, "output", output, NULL);
    if (trace) en_params_set(p, "trace", trace, NULL);
    return p;
}

static void run_or_die(const en_scenario *s, const en_params *p, en_result **out)
{
    en_error err = EN_ERROR_INIT;
    if (en_run(en_model_find("eum"), s, p, out, &err) != EN_OK) {
        en_error_print(&err, stderr);
        exit(1);
    }
}

/* Seconds per run (median of `reps`) of eum with the given output and trace. */
static double time_runs(const en_scenario *s, const char *output, const char *trace, int reps)
{
    en_params *p = eum_params("3", output, trace);
    double t[64];
    for (int k = 0; k < reps; k++) {
        en_result *r = NULL;
        double start = bench_cpu_seconds();
        run_or_die(s, p, &r);
        t[k] = bench_cpu_seconds() - start;
        en_result_free(r);
    }
    en_params_free(p);
    return bench_median(t, (size_t)reps);
}

typedef struct child_run {
    const en_scenario *s;
    const char *rounds, *output, *trace;
} child_run;

static int run_in_child(void *data)
{
    const child_run *c = data;
    en_params *p = eum_params(c->rounds, c->output, c->trace);
    en_result *r = NULL;
    run_or_die(c->s, p, &r);
    return 0;
}

/* Peak RSS (KiB) of a child that runs `rounds` rounds with the given output and trace. */
static long child_peak_kib(const en_scenario *s, const char *rounds, const char *output,
                           const char *trace)
{
    child_run c = {s, rounds, output, trace};
    struct rusage usage;
    return bench_in_child(run_in_child, &c, &usage) ? usage.ru_maxrss : -1;
}

int main(int argc, char **argv)
{
    size_t n = argc > 2 ? (size_t)strtoul(argv[1], NULL, 10) : 2000;
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 40;
    if (n < 2) n = 2000;
    if (rounds < 1) rounds = 40;
    en_error err = EN_ERROR_INIT;
    en_scenario *s = NULL;
    if (en_scenario_load(ENTENTE_SOURCE_DIR "/tests/data/bdm/synth-200.csv", NULL, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        return 1;
    }
    double text = time_runs(s, "text", NULL, 9), all = time_runs(s, "all", NULL, 9);
    double none = time_runs(s, NULL, "none", 9);
    printf("quadrant: masad, synth-200 (200 actors), 3 rounds, CPU seconds per run (median of 9)\n");
    printf("  output=text %.4f   output=all (quadrant) %.4f   trace=none %.4f   all/text %.2f\n\n",
           text, all, none, all / text);
    en_scenario_free(s);

    /* a random issue as a CSV sheet (c, s uniform, x uniform on [0, 100]; GSL mt19937 seed 42) */
    char path[] = "/tmp/bench_eum_output_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        perror("bench_eum_output: temporary file");
        return 1;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 42);
    fprintf(f, "Actor,Capability,Position,Salience\n");
    for (size_t k = 0; k < n; k++) {
        double c = gsl_rng_uniform_pos(rng), sal = gsl_rng_uniform(rng), x = 100 * gsl_rng_uniform(rng);
        fprintf(f, "A%06zu,%.6f,%.6f,%.6f\n", k + 1, c, x, sal);
    }
    gsl_rng_free(rng);
    fclose(f);
    en_load_options lo = {0};
    lo.format = EN_FORMAT_CSV;
    lo.has_scale = 1;
    lo.scale_min = 0;
    lo.scale_max = 100;
    if (en_scenario_load(path, &lo, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        unlink(path);
        return 1;
    }
    unlink(path);
    char rtext[32];
    snprintf(rtext, sizeof rtext, "%ld", rounds);
    long kb_all = child_peak_kib(s, rtext, "all", NULL), kb_text = child_peak_kib(s, rtext, "text", NULL);
    long kb_none = child_peak_kib(s, rtext, NULL, "none");
    printf("summary trace memory: masad, %zu random actors, %ld rounds, peak RSS of a child\n", n, rounds);
    printf("  output=all %.1f MiB   output=text %.1f MiB   trace=none %.1f MiB   all/text %.2f\n",
           kb_all / 1024.0, kb_text / 1024.0, kb_none / 1024.0, (double)kb_all / (double)kb_text);
    en_scenario_free(s);
    return 0;
}
