/*
 * bench_eum_sorted.c — the scholz variant's sorted path (O(n²) per round, eum_scholz_sorted.c)
 * against a tuned pair-loop floor, in one run: seconds per round at n = 100 … 10,000 actors
 * (random issues, seed 42, as bench_eum), the ratio to the floor and the growth exponent.
 * Figures go to docs/performance.md ("Expected utility model", "The sorted path").
 *
 * The floor is the least work any round of the model does: for every ordered pair of actors
 * (i, j) one utility power (0.5 − 0.5·|x_i − x_j|/D)^r_i, evaluated as exp(r·log b) over
 * whole arrays (core/vmath.h, the fastest powers entente has), and one expected utility with
 * its sign test. A round of the model needs at least that per pair, and three powers per pair
 * in fact (δ, Us, Uf).
 *
 * Usage: bench_eum_sorted [quick]   (quick: skip n = 10,000). About two minutes in full.
 *        bench_eum_sorted one N PATH   one round of PATH at N actors, nothing else (for a
 *                                      profiler: valgrind --tool=callgrind counts its instructions)
 *        bench_eum_sorted warm N PATH  one untimed round of PATH at N actors, then one timed
 *                                      (the memory a run keeps already allocated and touched)
 *        bench_eum_sorted floor N      one round of the floor at N actors, nothing else
 *        bench_eum_sorted digest N PATH ROUNDS
 *                                      ROUNDS rounds of PATH at N actors, then a digest of the
 *                                      positions' bits, exponents and move types (FNV-1a), to
 *                                      check that a change of the path changes no bit
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "common.h"
#include "core/vmath.h"
#include "models/eum.h"

typedef struct issue {
    size_t n;
    double *c, *s, *x, D;
} issue;

static issue random_issue(size_t n, unsigned long seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    issue is = {n, malloc(n * sizeof(double)), malloc(n * sizeof(double)), malloc(n * sizeof(double)), 0};
    double lo = 100, hi = 0;
    for (size_t k = 0; k < n; k++) {
        is.c[k] = gsl_rng_uniform_pos(rng);
        is.s[k] = gsl_rng_uniform(rng);
        is.x[k] = 100.0 * gsl_rng_uniform(rng);
        lo = fmin(lo, is.x[k]);
        hi = fmax(hi, is.x[k]);
    }
    is.D = hi - lo;
    gsl_rng_free(rng);
    return is;
}

/* The floor (see the top of the file); returns the count of positive EUs so the work is used. */
static size_t floor_round(const issue *is, const double *r, double *b)
{
    const size_t n = is->n;
    size_t positive = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) b[j] = 0.5 - 0.5 * fabs(is->x[i] - is->x[j]) / is->D;
        en_log_array(b, n);
        for (size_t j = 0; j < n; j++) b[j] *= r[i];
        en_exp_array(b, n);
        for (size_t j = 0; j < n; j++) {
            double Us = 2 - 4 * b[j];
            double e = is->s[j] * (0.5 * Us - 0.5) + (1 - is->s[j]) * Us;
            positive += e > 0;
        }
    }
    return positive;
}

/* Seconds per round over `rounds` rounds from the issue's positions (at least one), after an
 * untimed round from the same positions if `warm`. */
static double time_path(const issue *is, const char *path, int rounds, int warm)
{
    const size_t n = is->n;
    /* as a run does: the round's memory allocated once for the run, here by an untimed first
     * round from the same positions (the floor's array is not timed either) */
    eum_scratch *scratch = eum_scratch_new();
    eum_config cfg = {.variant = EUM_SCHOLZ, .Q = 1, .T = 1, .range = is->D,
                      .path = eum_path_find(EUM_SCHOLZ, path), .scratch = scratch};
    double *x = malloc(n * sizeof *x), *next = malloc(n * sizeof *next);
    eum_move *moves = malloc(n * sizeof *moves);
    if (warm) eum_round(&cfg, n, is->c, is->s, is->x, next, moves, NULL);
    memcpy(x, is->x, n * sizeof *x);
    double start = bench_cpu_seconds();
    int t = 0;
    while (t < rounds) {
        eum_status st = eum_round(&cfg, n, is->c, is->s, x, next, moves, NULL);
        t++;
        if (st != EUM_ROUND_OK) break;
        memcpy(x, next, n * sizeof *x);
    }
    double per = (bench_cpu_seconds() - start) / t;
    eum_scratch_free(scratch);
    free(x);
    free(next);
    free(moves);
    return per;
}

/* FNV-1a over the bytes of `bytes`, continuing from `h`. */
static unsigned long long fnv(unsigned long long h, const void *bytes, size_t count)
{
    const unsigned char *b = bytes;
    for (size_t k = 0; k < count; k++) h = (h ^ b[k]) * 1099511628211ULL;
    return h;
}

/* `rounds` rounds of `path` from the issue's positions; prints the digest and the last
 * round's largest move. */
static int digest(const issue *is, const char *path, int rounds)
{
    const size_t n = is->n;
    eum_config cfg = {.variant = EUM_SCHOLZ, .Q = 1, .T = 1, .range = is->D,
                      .path = eum_path_find(EUM_SCHOLZ, path)};
    double *x = malloc(n * sizeof *x), *next = malloc(n * sizeof *next);
    eum_move *moves = malloc(n * sizeof *moves);
    memcpy(x, is->x, n * sizeof *x);
    unsigned long long h = 1469598103934665603ULL;
    for (int t = 0; t < rounds; t++) {
        eum_status st = eum_round(&cfg, n, is->c, is->s, x, next, moves, NULL);
        h = fnv(h, &st, sizeof st);
        if (st != EUM_ROUND_OK) break;
        for (size_t i = 0; i < n; i++) {
            h = fnv(h, &next[i], sizeof next[i]);
            h = fnv(h, &moves[i].type, sizeof moves[i].type);
            h = fnv(h, &moves[i].with, sizeof moves[i].with);
        }
        memcpy(x, next, n * sizeof *x);
    }
    printf("%s n=%zu rounds=%d: digest %016llx\n", path, n, rounds, h);
    free(x);
    free(next);
    free(moves);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "digest") == 0) {
        issue is = random_issue((size_t)atol(argv[2]), 42);
        if (!eum_path_find(EUM_SCHOLZ, argv[3])) return 2;
        return digest(&is, argv[3], atoi(argv[4]));
    }
    if (argc == 4 && strcmp(argv[1], "one") == 0) {
        issue is = random_issue((size_t)atol(argv[2]), 42);
        if (!eum_path_find(EUM_SCHOLZ, argv[3])) return 2;
        printf("%s n=%zu: %.3g s\n", argv[3], is.n, time_path(&is, argv[3], 1, 0));
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "warm") == 0) {
        issue is = random_issue((size_t)atol(argv[2]), 42);
        if (!eum_path_find(EUM_SCHOLZ, argv[3])) return 2;
        printf("%s n=%zu: %.3g s (after an untimed round)\n", argv[3], is.n, time_path(&is, argv[3], 1, 1));
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "floor") == 0) {
        issue is = random_issue((size_t)atol(argv[2]), 42);
        double *r = malloc(is.n * sizeof *r), *b = malloc(is.n * sizeof *b);
        for (size_t i = 0; i < is.n; i++) r[i] = 0.5 + 1.5 * is.s[i];
        printf("floor n=%zu: %zu positive\n", is.n, floor_round(&is, r, b));
        return 0;
    }
    int quick = argc > 1 && strcmp(argv[1], "quick") == 0;
    static const size_t sizes[] = {100, 1000, 3000, 10000};
    printf("scholz: sorted path vs the pair-loop floor, seconds per round (random issues, seed 42)\n\n");
    printf("%6s %10s %10s %10s %10s %9s %9s %8s %8s\n", "n", "floor", "sorted", "sorted-vec",
           "fast", "sort/flr", "vec/flr", "exp srt", "exp vec");
    double prev_sorted = 0, prev_vec = 0;
    size_t prev_n = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const size_t n = sizes[k];
        if (quick && n > 3000) continue;
        issue is = random_issue(n, 42);
        const int rounds = n <= 100 ? 50 : n <= 1000 ? 3 : 1;
        double *r = malloc(n * sizeof *r), *b = malloc(n * sizeof *b);
        for (size_t i = 0; i < n; i++) r[i] = 0.5 + 1.5 * is.s[i]; /* exponents in [1/2, 2] */
        double start = bench_cpu_seconds();
        size_t sink = 0;
        for (int t = 0; t < rounds; t++) sink += floor_round(&is, r, b);
        double floor_s = (bench_cpu_seconds() - start) / rounds;
        double sorted = time_path(&is, "sorted", rounds, 1);
        double vec = time_path(&is, "sorted-vector", rounds, 1);
        /* the O(m²·n) fast path: only where a round takes seconds, not minutes */
        double fast = n <= 1000 ? time_path(&is, "fast", rounds, 1) : NAN;
        printf("%6zu %10.3g %10.3g %10.3g %10.3g %9.2f %9.2f", n, floor_s, sorted, vec, fast,
               sorted / floor_s, vec / floor_s);
        if (prev_n) {
            double ln = log((double)n / (double)prev_n);
            printf(" %8.2f %8.2f", log(sorted / prev_sorted) / ln, log(vec / prev_vec) / ln);
        }
        printf("   (%zu)\n", sink % 10);
        prev_n = n;
        prev_sorted = sorted;
        prev_vec = vec;
        free(r);
        free(b);
        free(is.c);
        free(is.s);
        free(is.x);
    }
    return 0;
}
