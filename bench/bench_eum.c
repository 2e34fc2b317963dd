/*
 * bench_eum.c — timing of the expected utility model kernels (models/eum.h): seconds per round
 * of the fast and the straight path for random issues of n = 10 … 10,000 actors (fixed seed),
 * their ratio and growth exponents; ExampleActors per round; and the 10,000-actor × 100-round
 * masad run. Figures go to docs/performance.md ("Expected utility model").
 *
 * Usage: bench_eum [quick]   (quick: skip n = 10,000 and the straight path above n = 400).
 * Takes about five minutes in full.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "common.h"
#include "models/eum.h"

typedef struct issue {
    size_t n;
    double *c, *s, *x;
} issue;

static issue random_issue(size_t n, unsigned long seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    issue is = {n, malloc(n * sizeof(double)), malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    for (size_t k = 0; k < n; k++) {
        is.c[k] = gsl_rng_uniform_pos(rng);
        is.s[k] = gsl_rng_uniform(rng);
        is.x[k] = 100.0 * gsl_rng_uniform(rng);
    }
    gsl_rng_free(rng);
    return is;
}

/* Runs up to `rounds` rounds (or until `budget` seconds are spent, at least one round);
 * returns seconds per round, and the rounds run in *done. */
static double time_rounds(const issue *is, eum_variant variant, int fast, int rounds, double budget,
                          int *done)
{
    const size_t n = is->n;
    double lo = is->x[0], hi = is->x[0];
    for (size_t k = 0; k < n; k++) {
        lo = fmin(lo, is->x[k]);
        hi = fmax(hi, is->x[k]);
    }
    eum_config cfg = {.variant = variant, .Q = 1, .T = 1, .range = hi - lo, .xmin = 0,
                      .xmax = 100, .path = fast ? eum_path_find(variant, "fast") : NULL};
    double *x = malloc(n * sizeof *x), *next = malloc(n * sizeof *next);
    eum_move *moves = malloc(n * sizeof *moves);
    memcpy(x, is->x, n * sizeof *x);
    double start = bench_wall_seconds(), elapsed = 0;
    int t = 0;
    while (t < rounds) {
        eum_status st = eum_round(&cfg, n, is->c, is->s, x, next, moves, NULL);
        t++;
        elapsed = bench_wall_seconds() - start;
        if (st != EUM_ROUND_OK || elapsed > budget) break;
        memcpy(x, next, n * sizeof *x);
    }
    free(x);
    free(next);
    free(moves);
    *done = t;
    return elapsed / t;
}

static const double example_c[] = {0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08};
static const double example_x[] = {4, 7, 4, 4, 10, 10, 10, 7, 4, 7};
static const double example_s[] = {0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.9, 0.9, 0.6};

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "quick") == 0;
    static const size_t sizes[] = {10, 100, 400, 1000, 10000};
    const char *names[2] = {"scholz", "masad"};
    printf("Expected utility model: seconds per round (random issues, seed 42, Q = 1)\n\n");
    printf("%-7s %6s %12s %12s %9s %8s %8s\n", "variant", "n", "fast s/rnd", "straight", "ratio",
           "exp fast", "exp str");
    for (int v = 0; v < 2; v++) {
        double prev_fast = 0, prev_straight = 0;
        size_t prev_n = 0;
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            size_t n = sizes[k];
            if (quick && n > 1000) continue;
            issue is = random_issue(n, 42);
            int done;
            double fast = NAN, straight = NAN;
            /* scholz is O(m²·n) even on the fast path: 10,000 actors is out of reach */
            if (!(v == EUM_SCHOLZ && n > 1000))
                fast = time_rounds(&is, (eum_variant)v, 1, n <= 100 ? 200 : n <= 1000 ? 3 : 1, 20.0, &done);
            if (n <= (quick ? 400 : 1000))
                straight = time_rounds(&is, (eum_variant)v, 0, n <= 100 ? 50 : n <= 400 ? 2 : 1, 30.0, &done);
            printf("%-7s %6zu %12.3g %12.3g %9.1f", names[v], n, fast, straight, straight / fast);
            if (prev_n) {
                double ln = log((double)n / (double)prev_n);
                printf(" %8.2f %8.2f", log(fast / prev_fast) / ln, log(straight / prev_straight) / ln);
            }
            printf("\n");
            prev_n = n;
            prev_fast = fast;
            prev_straight = straight;
            free(is.c);
            free(is.s);
            free(is.x);
        }
    }

    /* ExampleActors (the paper's example): per-round time of the default (straight) path */
    issue ex = {10, (double *)example_c, (double *)example_s, (double *)example_x};
    int done;
    double scholz_ex = time_rounds(&ex, EUM_SCHOLZ, 0, 1000, 5.0, &done);
    double masad_ex = 0;
    {
        /* masad on ExampleActors with the notebooks' scale (4, 10) */
        eum_config cfg = {.variant = EUM_MASAD, .Q = 1, .T = 1, .xmin = 4, .xmax = 10};
        double x[10], next[10];
        eum_move moves[10];
        memcpy(x, example_x, sizeof x);
        double start = bench_wall_seconds();
        for (int t = 0; t < 1000; t++) {
            eum_round(&cfg, 10, example_c, example_s, x, next, moves, NULL);
            memcpy(x, next, sizeof x);
        }
        masad_ex = (bench_wall_seconds() - start) / 1000;
    }
    printf("\nExampleActors (10 actors, straight path): scholz %.1f us/round, masad %.1f us/round\n",
           1e6 * scholz_ex, 1e6 * masad_ex);

    if (!quick) {
        issue big = random_issue(10000, 42);
        double start = bench_wall_seconds();
        /* stops at 100 rounds, at a clean stop, or after 60 s (then the total is projected) */
        double per = time_rounds(&big, EUM_MASAD, 1, 100, 60.0, &done);
        printf("masad, 10,000 actors, 100 rounds (fast path): %d rounds in %.1f s (%.2f s/round; "
               "100 rounds ~ %.0f s)\n",
               done, bench_wall_seconds() - start, per, 100 * per);
        free(big.c);
        free(big.s);
        free(big.x);
    }
    return 0;
}
