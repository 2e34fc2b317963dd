/*
 * bench_exchange.c — timing of the exchange model (models/exchange.h): milliseconds per 10
 * rounds of the equal-gain kernel on cop21, copenhagen and the synthetic Decide sets (20–80
 * actors × 5–20 issues), the whole model run (result and trace included) on the two real
 * sets, and the growth exponents in actors and in issues (least squares on log–log). Candidate
 * generation uses one thread per CPU on large sets (ex_options.threads = 0): CPU time then
 * counts every thread; 80 × 20 is also timed on one thread.
 * Figures go to docs/performance.md ("Exchange model (exchange)").
 *
 * Usage: bench_exchange [quick]   (quick: one timing per set instead of the best of several)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "core/scenario.h"
#include "models/exchange.h"

#ifndef ENTENTE_SOURCE_DIR
#define ENTENTE_SOURCE_DIR "."
#endif

/* Process CPU time: on a shared machine, wall time also counts the waits for a core. The
 * table shows both for the kernel. */
typedef struct problem {
    size_t n, m;
    unsigned char *present;
    double *x, *s, *c;
} problem;

static en_scenario *load(const char *file)
{
    char relative[512];
    snprintf(relative, sizeof relative, "tests/data/decide/%s", file);
    return bench_load_scenario(relative);
}

/* The model's own mapping (exchange.c), repeated so that only the kernel is timed. */
static problem to_problem(const en_scenario *s)
{
    problem p = {s->actor_count, s->issue_count, NULL, NULL, NULL, NULL};
    size_t nm = p.n * p.m;
    p.present = calloc(nm, 1);
    p.x = calloc(nm, sizeof *p.x);
    p.s = calloc(nm, sizeof *p.s);
    p.c = calloc(nm, sizeof *p.c);
    for (size_t a = 0; a < p.n; a++)
        for (size_t d = 0; d < p.m; d++) {
            const en_stance *st = &s->actors[a].stances[d];
            if (!st->present) continue;
            double lo = s->issues[d].scale_min, hi = s->issues[d].scale_max;
            size_t k = a * p.m + d;
            p.present[k] = 1;
            p.x[k] = (st->position.value - lo) * 100 / (hi - lo);
            p.s[k] = st->salience.value;
            p.c[k] = st->has_power ? st->power.value : s->actors[a].capability.value;
        }
    return p;
}

static void problem_free(problem *p)
{
    free(p->present);
    free(p->x);
    free(p->s);
    free(p->c);
}

/* Best of `tries` runs of 10 rounds, in CPU ms (*wall: best wall ms); also the candidates and
 * exchanges of round 1. */
static double time_kernel(const problem *p, int tries, int threads, long *candidates,
                          long *exchanges, double *wall)
{
    ex_input in = {p->n, p->m, p->present, p->x, p->s, p->c};
    ex_options o;
    ex_options_default(&o);
    o.threads = threads;
    double best = HUGE_VAL;
    *wall = HUGE_VAL;
    for (int t = 0; t < tries; t++) {
        double t0 = bench_wall_seconds(), c0 = bench_cpu_seconds();
        ex_state *st = ex_state_new(&in);
        for (int r = 0; r < 10; r++) ex_round(st, &o, NULL);
        double ms = 1e3 * (bench_cpu_seconds() - c0), wms = 1e3 * (bench_wall_seconds() - t0);
        ex_state_free(st);
        if (ms < best) best = ms;
        if (wms < *wall) *wall = wms;
    }
    ex_state *st = ex_state_new(&in);
    ex_round_record rec;
    memset(&rec, 0, sizeof rec);
    ex_round(st, &o, &rec);
    *candidates = rec.candidates_total;
    *exchanges = (long)rec.exchange_count;
    ex_round_record_free(&rec);
    ex_state_free(st);
    return best;
}

static double time_model(const en_scenario *s, int tries)
{
    const en_model *m = en_model_find("exchange");
    double best = HUGE_VAL;
    for (int t = 0; t < tries; t++) {
        double t0 = bench_cpu_seconds();
        en_result *r = NULL;
        en_error err = EN_ERROR_INIT;
        if (en_run(m, s, NULL, &r, &err) != EN_OK) bench_die(&err);
        double ms = 1e3 * (bench_cpu_seconds() - t0);
        en_result_free(r);
        if (ms < best) best = ms;
    }
    return best;
}

/* Slope of log(y) against log(x). */
static double exponent(const double *x, const double *y, size_t n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t k = 0; k < n; k++) {
        double lx = log(x[k]), ly = log(y[k]);
        sx += lx;
        sy += ly;
        sxx += lx * lx;
        sxy += lx * ly;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "quick") == 0;
    printf("| data set | actors × issues | candidates (round 1) | exchanges (round 1) | kernel, 10 rounds: CPU ms | wall ms | whole run, CPU ms |\n");
    printf("|---|---|---|---|---|---|---|\n");
    static const char *const real[] = {"copenhagen.csv", "cop21.csv"};
    for (size_t f = 0; f < 2; f++) {
        en_scenario *s = load(real[f]);
        problem p = to_problem(s);
        long cand, ex;
        double wall;
        double k = time_kernel(&p, quick ? 1 : 20, 0, &cand, &ex, &wall);
        double whole = time_model(s, quick ? 1 : 20);
        printf("| %s | %zu × %zu | %ld | %ld | %.2f | %.2f | %.2f |\n", real[f], p.n, p.m, cand, ex,
               k, wall, whole);
        problem_free(&p);
        en_scenario_free(s);
    }
    static const int actors[] = {20, 40, 80}, issues[] = {5, 10, 20};
    double ms[3][3], serial_cpu = 0, serial_wall = 0;
    for (int a = 0; a < 3; a++) {
        for (int i = 0; i < 3; i++) {
            char file[64];
            snprintf(file, sizeof file, "synth-%dx%d.csv", actors[a], issues[i]);
            en_scenario *s = load(file);
            problem p = to_problem(s);
            long cand, ex;
            double wall;
            int tries = quick ? 1 : (actors[a] * issues[i] >= 800 ? 3 : 5);
            ms[a][i] = time_kernel(&p, tries, 0, &cand, &ex, &wall);
            printf("| %s | %d × %d | %ld | %ld | %.1f | %.1f | |\n", file, actors[a], issues[i], cand,
                   ex, ms[a][i], wall);
            if (a == 2 && i == 2) {
                /* Candidate generation is threaded for large sets: the serial figure too. */
                double wall1, cpu1 = time_kernel(&p, tries, 1, &cand, &ex, &wall1);
                serial_cpu = cpu1;
                serial_wall = wall1;
            }
            problem_free(&p);
            en_scenario_free(s);
        }
    }
    printf("\nsynth-80x20 with one thread (ex_options.threads = 1): %.1f ms CPU, %.1f ms wall\n",
           serial_cpu, serial_wall);
    double xa[3] = {20, 40, 80}, xi[3] = {5, 10, 20}, y[3];
    printf("\ngrowth exponent in actors (CPU time ~ n^k, issues fixed):");
    for (int i = 0; i < 3; i++) {
        for (int a = 0; a < 3; a++) y[a] = ms[a][i];
        printf(" %d issues: %.2f;", issues[i], exponent(xa, y, 3));
    }
    printf("\ngrowth exponent in issues (CPU time ~ I^k, actors fixed):");
    for (int a = 0; a < 3; a++) {
        for (int i = 0; i < 3; i++) y[i] = ms[a][i];
        printf(" %d actors: %.2f;", actors[a], exponent(xi, y, 3));
    }
    printf("\n");
    return 0;
}
