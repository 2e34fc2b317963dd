/*
 * bench_exchange_kernel.c — the exchange model's round kernels side by side, in one run, on the
 * same jittered draws: the reference kernel (ex_round), the fast kernel's baseline-CPU build
 * with the tournament tree and index lists forced (the fast kernel's selection and search
 * before the scans), the baseline build as chosen (scans and bit sets in small rounds), and the
 * AVX2 build as chosen (what fx_round runs on a CPU with AVX2). Ten rounds a draw, one thread,
 * best of three in CPU seconds, the variants alternating; the positions after the last round
 * are compared bit for bit. Workloads: the bundled scenario's uncertain values and cop21 (the
 * Decide data set) with jitter 0.1. Figures go to docs/performance.md.
 *
 * usage: bench_exchange_kernel [DRAWS]   (default 2000)
 */
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "analysis/montecarlo.h"
#include "core/scenario.h"
#include "models/exchange.h"
#include "models/exchange_fast.h"

#ifndef ENTENTE_SOURCE_DIR
#define ENTENTE_SOURCE_DIR "."
#endif

#define ROUNDS 10

typedef struct draw {
    unsigned char *present;
    double *x, *s, *c;
} draw;

/* The exchange model's inputs on its internal 0–100 scale (as exchange.c maps them). */
static void to_input(const en_scenario *s, draw *d)
{
    size_t n = s->actor_count, m = s->issue_count;
    d->present = calloc(n * m, 1);
    d->x = calloc(n * m, sizeof *d->x);
    d->s = calloc(n * m, sizeof *d->s);
    d->c = calloc(n * m, sizeof *d->c);
    for (size_t a = 0; a < n; a++)
        for (size_t i = 0; i < m; i++) {
            const en_stance *st = &s->actors[a].stances[i];
            if (!st->present) continue;
            double lo = s->issues[i].scale_min, hi = s->issues[i].scale_max;
            size_t k = a * m + i;
            d->present[k] = 1;
            d->x[k] = (st->position.value - lo) * 100 / (hi - lo);
            d->s[k] = st->salience.value;
            d->c[k] = en_stance_capability(s, a, i);
        }
}

enum { REFERENCE, TREE_GENERIC, SCAN_GENERIC, SCAN_AVX2, VARIANTS };
static const char *const names[VARIANTS] = {
    "reference kernel", "fast, baseline build, tree and lists", "fast, baseline build, as chosen",
    "fast, AVX2 build, as chosen"};

/* Runs every draw through one variant; the final positions go to out (draws × n·m). */
static double run(int variant, const draw *draws, long count, size_t n, size_t m, double *out)
{
    ex_options o;
    ex_options_default(&o);
    o.threads = 1;
    double start = bench_rusage_seconds();
    for (long k = 0; k < count; k++) {
        ex_input in = {n, m, draws[k].present, draws[k].x, draws[k].s, draws[k].c};
        const double *x;
        if (variant == REFERENCE) {
            ex_state *st = ex_state_new(&in);
            for (int r = 0; r < ROUNDS; r++) ex_round(st, &o, NULL);
            x = ex_positions(st);
            memcpy(out + (size_t)k * n * m, x, n * m * sizeof *x);
            ex_state_free(st);
            continue;
        }
        fx_state *st = fx_state_new(&in);
        if (variant == TREE_GENERIC) fx_set_flat_max(st, 0);
        for (int r = 0; r < ROUNDS; r++) fx_round_as(st, &o, variant == SCAN_AVX2);
        x = fx_positions(st);
        memcpy(out + (size_t)k * n * m, x, n * m * sizeof *x);
        fx_state_free(st);
    }
    return bench_rusage_seconds() - start;
}

static void workload(const char *file, double jitter, long count)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", ENTENTE_SOURCE_DIR, file);
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load(path, NULL, &s, &err) != EN_OK) bench_die(&err);
    size_t n = s->actor_count, m = s->issue_count;
    draw *draws = calloc((size_t)count, sizeof *draws);
    en_scenario *one = en_scenario_clone(s);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 2023);
    for (long k = 0; k < count; k++) {
        en_mc_sample_scenario(s, one, rng, jitter);
        to_input(one, &draws[k]);
    }
    int avx2 = fx_avx2_available();
    double best[VARIANTS];
    double *out[VARIANTS];
    for (int v = 0; v < VARIANTS; v++) {
        best[v] = 1e300;
        out[v] = calloc((size_t)count * n * m, sizeof(double));
    }
    for (int rep = 0; rep < 3; rep++)
        for (int v = 0; v < VARIANTS; v++) {
            if (v == SCAN_AVX2 && !avx2) continue;
            double t = run(v, draws, count, n, m, out[v]);
            if (t < best[v]) best[v] = t;
        }
    int same = 1;
    for (int v = 1; v < VARIANTS; v++)
        if (!(v == SCAN_AVX2 && !avx2))
            same &= memcmp(out[0], out[v], (size_t)count * n * m * sizeof(double)) == 0;
    printf("%s (%zu actors x %zu issues, jitter %g), %ld draws x %d rounds, one thread, best of 3:\n",
           file, n, m, jitter, count, ROUNDS);
    for (int v = 0; v < VARIANTS; v++) {
        if (v == SCAN_AVX2 && !avx2) {
            printf("  %-40s (no AVX2 on this CPU)\n", names[v]);
            continue;
        }
        printf("  %-40s %8.3f s CPU  %7.1f us a draw  reference/this %5.2f  tree-and-lists/this %5.2f\n",
               names[v], best[v], 1e6 * best[v] / (double)count, best[REFERENCE] / best[v],
               best[TREE_GENERIC] / best[v]);
    }
    printf("  final positions of every variant the same bits: %s\n", same ? "yes" : "NO");
    for (int v = 0; v < VARIANTS; v++) free(out[v]);
    for (long k = 0; k < count; k++) {
        free(draws[k].present);
        free(draws[k].x);
        free(draws[k].s);
        free(draws[k].c);
    }
    free(draws);
    gsl_rng_free(rng);
    en_scenario_free(one);
    en_scenario_free(s);
    if (!same) exit(1);
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    if (count < 1) count = 1;
    workload("scenarios/ukraine-2023.yaml", 0, count);
    workload("tests/data/decide/cop21.csv", 0.1, count / 10 > 0 ? count / 10 : 1);
    return 0;
}
