/*
 * bench_smp.c — timing of the smp engine (models/smp.h) against a plain reference
 * implementation of the same rounds written here the way the model is usually described:
 * every perspective's full utility matrix U^h materialised each round (n³ numbers), each
 * challenge evaluated with a generic vote function, elections over voter-major tables. Both
 * run KTAB's sample inputs a040, a080, a160 (1 dimension) and dummyData_6Dim with the default
 * options; the bench checks that both give the same positions bit for bit, prints CPU and wall
 * seconds and the reference/engine ratio in one run, and the growth exponent per round
 * (least squares on log–log over a040–a160), and the same ratio on a synthetic 200 × 6 set.
 * The engine alone also runs larger synthetic sets (320 actors × 1 dimension, 500 × 6, two
 * rounds; 1000 × 6, four rounds) on one thread and on one per core. The engine side runs on one
 * thread in the ratios.
 * Figures go to docs/performance.md ("Spatial model of politics (smp)").
 *
 * Usage: bench_smp [quick]   (quick: one timing per set instead of the best of three)
 *        bench_smp scale     (whole runs to KTAB's stop rule of 250, 500 and 1000 random actors
 *                             in 6 dimensions on one thread, the reference at 250 only, in one
 *                             run; CPU per round and its growth exponent)
 *        bench_smp run N D [ROUNDS [THREADS [exact|fast [SAMPLE]]]]  (one engine run of N random
 *                             actors in D dimensions; CPU, wall, and a checksum of the last
 *                             positions)
 *        bench_smp elections N D  (one fast run of N random actors in D dimensions with every
 *                             election also run exactly: the largest gap, winner misses)
 *        bench_smp paths     (whole runs of 250, 500 and 1000 random actors in 6 dimensions on
 *                             the exact and the fast path: CPU, wall at 1 and 2 threads, the
 *                             fast run's distance from the exact one, growth exponents)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "core/scenario.h"
#include "models/smp.h"

#ifndef ENTENTE_SOURCE_DIR
#define ENTENTE_SOURCE_DIR "."
#endif

typedef struct data {
    size_t n, d;
    double *c, *x, *s;
} data;

static data load(const char *file)
{
    char relative[512];
    snprintf(relative, sizeof relative, "tests/golden/ktab/inputs/%s", file);
    en_scenario *s = bench_load_scenario(relative);
    data D = {s->actor_count, s->issue_count, NULL, NULL, NULL};
    D.c = malloc(D.n * sizeof(double));
    D.x = malloc(D.n * D.d * sizeof(double));
    D.s = malloc(D.n * D.d * sizeof(double));
    for (size_t i = 0; i < D.n; i++) {
        D.c[i] = s->actors[i].capability.value;
        for (size_t k = 0; k < D.d; k++) {
            D.x[i * D.d + k] = s->actors[i].stances[k].position.value / 100.0;
            D.s[i * D.d + k] = s->actors[i].stances[k].salience.value;
        }
    }
    en_scenario_free(s);
    return D;
}

/* Random actors: capability 1–100, positions uniform, saliences summing to at most 1. */
static data synthetic(size_t n, size_t d, unsigned seed)
{
    data D = {n, d, malloc(n * sizeof(double)), malloc(n * d * sizeof(double)),
              malloc(n * d * sizeof(double))};
    srand(seed);
    for (size_t i = 0; i < n; i++) {
        D.c[i] = 1 + 99.0 * rand() / RAND_MAX;
        double total = 0;
        for (size_t k = 0; k < d; k++) {
            D.x[i * d + k] = (double)(rand() % 10001) / 10000.0;
            D.s[i * d + k] = 0.05 + (double)rand() / RAND_MAX;
            total += D.s[i * d + k];
        }
        for (size_t k = 0; k < d; k++) D.s[i * d + k] *= 0.9 / total;
    }
    return D;
}

/* ---- the plain reference: default options only ---- */

static double ref_vote(double w, double a, double b) { return w * (a - b); }

static double ref_util(double sd, double r)
{
    return sd <= 1 ? (1 - sd) * (1 + sd * r) : (1 - sd) * (1 + r);
}

static double ref_dist(const double *a, const double *b, const double *s, size_t d)
{
    double acc = 0, ss = 0;
    for (size_t k = 0; k < d; k++) {
        double ds = (a[k] - b[k]) * s[k];
        acc += ds * ds;
    }
    for (size_t k = 0; k < d; k++) ss += s[k] * s[k];
    return sqrt(acc / ss);
}

/* p = conditional PCE of the election of q options by n voters; u is voter-major (n × q). */
static void ref_pce(size_t n, size_t q, const double *w, const double *u, double *p)
{
    double *C = calloc(q * q, sizeof(double)), *P = calloc(q * q, sizeof(double));
    for (size_t i = 0; i < q; i++)
        for (size_t j = 0; j < i; j++) {
            double cij = 1e-8, cji = 1e-8;
            for (size_t k = 0; k < n; k++) {
                double v = ref_vote(w[k], u[k * q + i], u[k * q + j]);
                if (v > 0) cij += v;
                if (v < 0) cji -= v;
            }
            C[i * q + j] = cij, C[j * q + i] = cji;
        }
    for (size_t i = 0; i < q; i++) {
        for (size_t j = 0; j < i; j++) {
            double a = C[i * q + j], b = C[j * q + i];
            P[i * q + j] = a / (a + b), P[j * q + i] = b / (a + b);
        }
        P[i * q + i] = 0.5;
    }
    double total = 0;
    for (size_t i = 0; i < q; i++) {
        double prod = 1.0;
        for (size_t j = 0; j < q; j++) prod *= P[i * q + j];
        p[i] = prod;
    }
    for (size_t i = 0; i < q; i++) total += p[i];
    for (size_t i = 0; i < q; i++) p[i] = p[i] / total;
    free(C);
    free(P);
}

/* Runs to the stop rule; returns the number of states, positions of the last in `last`. */
static size_t reference_run(const data *D, double *last)
{
    size_t n = D->n, d = D->d;
    double *x = malloc(n * d * sizeof(double)), *x0 = malloc(n * d * sizeof(double));
    double *nx = malloc(n * d * sizeof(double)), *x1 = malloc(n * d * sizeof(double));
    double *Dm = malloc(n * n * sizeof(double)), *R = malloc(n * sizeof(double));
    double *U = malloc(n * n * n * sizeof(double)); /* U[h][i][j] */
    double *u = malloc(n * (n + 1) * sizeof(double)), *p = malloc((n + 1) * sizeof(double));
    double *S = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        S[i] = 0;
        for (size_t k = 0; k < d; k++) S[i] += D->s[i * d + k];
    }
    memcpy(x, D->x, n * d * sizeof(double));
    memcpy(x0, x, n * d * sizeof(double));
    double d01 = 0;
    size_t states = 1;
    for (int iter = 1;; iter++) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) Dm[i * n + j] = ref_dist(&x[i * d], &x[j * d], &D->s[i * d], d);
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < n; j++) u[k * n + j] = ref_util(Dm[k * n + j], 0);
        ref_pce(n, n, D->c, u, p);
        double pmin = 1, pmax = 0;
        for (size_t i = 0; i < n; i++) pmin = p[i] < pmin ? p[i] : pmin, pmax = p[i] > pmax ? p[i] : pmax;
        for (size_t i = 0; i < n; i++) R[i] = (3.0 * p[i] - (pmax + 2.0 * pmin)) / (2.0 * (pmax - pmin));
        for (size_t h = 0; h < n; h++)
            for (size_t i = 0; i < n; i++) {
                double r = h == i ? R[h] : ((2.0 * R[h]) + R[i]) / 3.0;
                for (size_t j = 0; j < n; j++) U[(h * n + i) * n + j] = ref_util(Dm[i * n + j], r);
            }
        /* challenges */
        long *target = malloc(n * sizeof(long));
        double *bi = malloc(n * d * sizeof(double)), *bj = malloc(n * d * sizeof(double));
        for (size_t i = 0; i < n; i++) {
            const double *Uh = &U[i * n * n];
            double best = -1, best_phi = 0;
            target[i] = -1;
            for (size_t j = 0; j < n; j++) {
                if (j == i) continue;
                double chij = 1e-10, chji = 1e-10;
                double a = ref_vote(S[i] * D->c[i], Uh[i * n + i], Uh[i * n + j]);
                double b = ref_vote(S[j] * D->c[j], Uh[j * n + i], Uh[j * n + j]);
                if (a > 0) chij += a;
                if (a < 0) chji -= a;
                if (b > 0) chij += b;
                if (b < 0) chji -= b;
                double ci0 = chij, cj0 = chji;
                for (size_t m = 0; m < n; m++) {
                    if (m == i || m == j) continue;
                    double wm = S[m] * D->c[m], ui = Uh[m * n + i], uj = Uh[m * n + j], um = Uh[m * n + m];
                    double v0 = ref_vote(wm, ui, uj);
                    double cni = v0 > 0 ? ci0 + v0 : ci0, cnj = v0 < 0 ? cj0 - v0 : cj0;
                    double pi = cni / (cni + cnj);
                    double ei = pi * ((ui + ui) + um) + (1.0 - pi) * ((uj + uj) + uj);
                    double ej = pi * ((ui + ui) + ui) + (1.0 - pi) * ((uj + uj) + um);
                    double vm = ref_vote(wm, ei, ej);
                    if (vm > 0) chij += vm;
                    if (vm < 0) chji -= vm;
                }
                double phi = chij / (chij + chji), lose = chji / (chij + chji);
                double uv = Uh[i * n + i] + Uh[i * n + i], ul = Uh[i * n + j] + Uh[i * n + j];
                double gain = (1 - S[j]) * uv + S[j] * (phi * uv + lose * ul) - (Uh[i * n + i] + Uh[i * n + j]);
                if (gain > 1e-5 && gain > best) best = gain, best_phi = phi, target[i] = (long)j;
            }
            if (target[i] < 0) continue;
            size_t j = (size_t)target[i];
            for (size_t k = 0; k < d; k++) {
                double si = D->s[i * d + k], sj = D->s[j * d + k];
                double wi = pow(si, 2) * pow(best_phi, 2), wj = pow(sj, 2) * pow(1 - best_phi, 2);
                double den = (wi + 1e-6) + wj;
                bi[i * d + k] = (double)(int)(0.5 + ((wi + 1e-6) * x[i * d + k] + wj * x[j * d + k]) / den * 10000.0) / 10000.0;
                bj[i * d + k] = (double)(int)(0.5 + (wi * x[i * d + k] + (1e-6 + wj) * x[j * d + k]) / den * 10000.0) / 10000.0;
            }
        }
        /* queues */
        for (size_t k = 0; k < n; k++) {
            size_t opts[2048], q = 0; /* initiator index, n + k for the status quo */
            for (size_t a = 0; a < n; a++) {
                if (a == k) {
                    opts[q++] = n + k;
                    if (target[k] >= 0) opts[q++] = k;
                } else if (target[a] == (long)k) opts[q++] = a;
            }
            for (size_t a = 0; a < n; a++) {
                double r = R[a];
                for (size_t o = 0; o < q; o++) {
                    double s = 0.0;
                    if (opts[o] >= n) {
                        for (size_t m = 0; m < n; m++) s += ref_util(Dm[a * n + m], r);
                    } else {
                        size_t I = opts[o], J = (size_t)target[I];
                        s += ref_util(ref_dist(&x[a * d], &bi[I * d], &D->s[a * d], d), r);
                        s += ref_util(ref_dist(&x[a * d], &bj[I * d], &D->s[a * d], d), r);
                        for (size_t m = 0; m < n; m++)
                            if (m != I && m != J) s += ref_util(Dm[a * n + m], r);
                    }
                    u[a * q + o] = s / (double)n;
                }
            }
            ref_pce(n, q, D->c, u, p);
            size_t pick = 0;
            for (size_t o = 1; o < q; o++)
                if (p[pick] < p[o]) pick = o;
            const double *from = &x[k * d];
            if (opts[pick] < n) from = opts[pick] == k ? &bi[k * d] : &bj[opts[pick] * d];
            memcpy(&nx[k * d], from, d * sizeof(double));
        }
        free(target);
        free(bi);
        free(bj);
        double change = 0;
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t k = 0; k < d; k++) s += (x[i * d + k] - nx[i * d + k]) * (x[i * d + k] - nx[i * d + k]);
            change += sqrt(s);
        }
        if (iter == 1) {
            memcpy(x1, nx, n * d * sizeof(double));
            d01 = change + 1e-4;
        }
        memcpy(x, nx, n * d * sizeof(double));
        states++;
        if (iter >= 100 || (iter >= 2 && change / d01 < 0.02)) break;
    }
    memcpy(last, x, n * d * sizeof(double));
    free(x), free(x0), free(nx), free(x1), free(Dm), free(R), free(U), free(u), free(p), free(S);
    return states;
}

/* ---- timing ---- */

typedef struct timing {
    double wall, cpu;
    size_t states;
} timing;

static int bench_precision = SMP_PRECISION_EXACT; /* the path time_engine runs */
static size_t bench_sample;                      /* its sample (0: auto) */

static timing time_engine(const data *D, int reps, double *last, int max_rounds, int threads)
{
    timing best = {1e30, 1e30, 0};
    smp_config c;
    smp_config_default(&c);
    c.record = 0;
    c.precision = bench_precision;
    c.sample = bench_sample;
    c.threads = threads;
    if (max_rounds) c.max_rounds = c.min_rounds = max_rounds;
    smp_input in = {D->n, D->d, D->c, D->x, D->s, NULL};
    for (int r = 0; r < reps; r++) {
        smp_output o;
        en_error err = EN_ERROR_INIT;
        double w0 = bench_wall_seconds(), c0 = bench_cpu_seconds();
        if (smp_solve(&in, &c, &o, &err) != EN_OK) bench_die(&err);
        double w = bench_wall_seconds() - w0, cp = bench_cpu_seconds() - c0;
        if (w < best.wall) best.wall = w;
        if (cp < best.cpu) best.cpu = cp;
        best.states = o.state_count;
        if (last) memcpy(last, &o.positions[(o.state_count - 1) * D->n * D->d], D->n * D->d * sizeof(double));
        smp_output_free(&o);
    }
    return best;
}

static timing time_reference(const data *D, int reps, double *last)
{
    timing best = {1e30, 1e30, 0};
    for (int r = 0; r < reps; r++) {
        double w0 = bench_wall_seconds(), c0 = bench_cpu_seconds();
        best.states = reference_run(D, last);
        double w = bench_wall_seconds() - w0, cp = bench_cpu_seconds() - c0;
        if (w < best.wall) best.wall = w;
        if (cp < best.cpu) best.cpu = cp;
    }
    return best;
}

/* bench_smp scale: whole runs at n = 250, 500, 1000 in 6 dimensions. */
static int scale(void)
{
    const size_t sizes[] = {250, 500, 1000};
    double lx[3], ly[3];
    printf("smp whole runs, 6 dimensions, one thread, trace off (CPU s / wall s)\n");
    printf("%6s %7s %16s %16s %8s %9s %14s\n", "actors", "rounds", "engine", "reference", "ratio",
           "identical", "engine/round");
    for (size_t k = 0; k < 3; k++) {
        data D = synthetic(sizes[k], 6, 7);
        double *a = malloc(D.n * D.d * sizeof(double)), *b = malloc(D.n * D.d * sizeof(double));
        timing e = time_engine(&D, 1, a, 0, 1);
        size_t rounds = e.states - 1;
        if (k == 0) { /* the reference only where it is affordable */
            timing r = time_reference(&D, 1, b);
            int same = e.states == r.states && memcmp(a, b, D.n * D.d * sizeof(double)) == 0;
            printf("%6zu %7zu %7.3f/%7.3f %7.3f/%7.3f %7.1fx %9s %14.4f\n", D.n, rounds, e.cpu,
                   e.wall, r.cpu, r.wall, r.cpu / e.cpu, same ? "yes" : "NO", e.cpu / (double)rounds);
            if (!same) return 1;
        } else {
            printf("%6zu %7zu %7.3f/%7.3f %16s %8s %9s %14.4f\n", D.n, rounds, e.cpu, e.wall, "-",
                   "-", "-", e.cpu / (double)rounds);
        }
        lx[k] = log((double)D.n);
        ly[k] = log(e.cpu / (double)rounds);
        free(a), free(b), free(D.c), free(D.x), free(D.s);
    }
    double mx = (lx[0] + lx[1] + lx[2]) / 3, my = (ly[0] + ly[1] + ly[2]) / 3, sxx = 0, sxy = 0;
    for (int k = 0; k < 3; k++) sxx += (lx[k] - mx) * (lx[k] - mx), sxy += (lx[k] - mx) * (ly[k] - my);
    printf("growth of engine CPU per round, n = 250-1000 at 6 dims: n^%.2f\n", sxy / sxx);
    return 0;
}

/* bench_smp run N D [ROUNDS [THREADS [PRECISION [SAMPLE]]]]: one engine run on a synthetic set (ROUNDS 0: to the
 * stop rule), its CPU and wall seconds and a checksum of the last positions' bits, to compare
 * two builds. */
static int one_run(int argc, char **argv)
{
    size_t n = (size_t)atol(argv[2]), d = argc > 3 ? (size_t)atol(argv[3]) : 6;
    int rounds = argc > 4 ? atoi(argv[4]) : 0, threads = argc > 5 ? atoi(argv[5]) : 1;
    if (argc > 6) bench_precision = strcmp(argv[6], "fast") == 0 ? SMP_PRECISION_FAST : SMP_PRECISION_EXACT;
    if (argc > 7) bench_sample = (size_t)atol(argv[7]);
    /* ENTENTE_SMP_ISA=0|1|2 caps the kernels (scalar, AVX2, AVX-512), to compare the levels */
    const char *isa = getenv("ENTENTE_SMP_ISA");
    if (isa && *isa) smp_limit_isa(atoi(isa));
    data D = synthetic(n, d, 7);
    double *a = malloc(n * d * sizeof(double));
    timing e = time_engine(&D, 1, a, rounds, threads);
    uint64_t h = 1469598103934665603ull;
    for (size_t k = 0; k < n * d; k++) {
        uint64_t bits;
        memcpy(&bits, &a[k], sizeof bits);
        h = (h ^ bits) * 1099511628211ull;
    }
    printf("%zu x %zu: %zu rounds, %.3f s CPU, %.3f s wall, %.4f s CPU per round, positions %016llx\n",
           n, d, e.states - 1, e.cpu, e.wall, e.cpu / (double)(e.states - 1), (unsigned long long)h);
    free(a), free(D.c), free(D.x), free(D.s);
    return 0;
}

/* bench_smp elections N D: one run of N random actors in D dimensions on the fast path with
 * the record on (the risk attitudes' election and the winning probabilities' election of
 * every turn), each fast election held against the exact one (smp_check_fast_elections): how
 * many, the largest |Δp| of an option, how often the most likely option differs. */
static int elections(int argc, char **argv)
{
    size_t n = (size_t)atol(argv[2]), d = argc > 3 ? (size_t)atol(argv[3]) : 6;
    data D = synthetic(n, d, 7);
    smp_config c;
    smp_config_default(&c);
    c.record = 1;
    c.precision = SMP_PRECISION_FAST;
    smp_input in = {D.n, D.d, D.c, D.x, D.s, NULL};
    smp_output o;
    en_error err = EN_ERROR_INIT;
    smp_check_fast_elections(1);
    if (smp_solve(&in, &c, &o, &err) != EN_OK) bench_die(&err);
    double gap;
    size_t misses, checked = smp_fast_election_record(&gap, &misses);
    smp_check_fast_elections(0);
    printf("%zu x %zu: %zu turns, %zu fast elections checked against the exact ones: largest |dp| "
           "%.3g, most likely option different in %zu\n",
           n, d, o.state_count - 1, checked, gap, misses);
    smp_output_free(&o);
    free(D.c), free(D.x), free(D.s);
    return 0;
}

/* The final positions of two runs as populations, 0–100 units: per dimension the mean |Δ|
 * between their sorted coordinates, the largest over dimensions; and actor by actor, the mean
 * |Δ| (test_smp_paths' measures). */
static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void gaps(const double *x, const double *y, size_t n, size_t d, double *spread, double *mean)
{
    double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
    *spread = *mean = 0;
    for (size_t k = 0; k < n * d; k++) *mean += 100.0 * fabs(x[k] - y[k]);
    *mean /= (double)(n * d);
    for (size_t k = 0; k < d; k++) {
        double e = 0;
        for (size_t i = 0; i < n; i++) u[i] = x[i * d + k], v[i] = y[i * d + k];
        qsort(u, n, sizeof *u, by_value);
        qsort(v, n, sizeof *v, by_value);
        for (size_t i = 0; i < n; i++) e += 100.0 * fabs(u[i] - v[i]);
        e /= (double)n;
        if (e > *spread) *spread = e;
    }
    free(u), free(v);
}

/* bench_smp paths: whole runs at n = 250, 500, 1000 in 6 dimensions on the exact and the fast
 * path (precision=fast, default sample): CPU (best of repeats) and wall on one thread, the fast
 * path also on two threads; the fast run's distance from the exact one; growth exponents. */
static int paths(void)
{
    const size_t sizes[] = {250, 500, 1000};
    double lx[3], le[3], lf[3];
    printf("smp whole runs, 6 dimensions, trace off: exact vs fast (CPU s best of repeats / wall s)\n");
    printf("%6s %12s %18s %12s %18s %18s %8s %8s %8s\n", "actors", "exact turns", "exact 1 thread",
           "fast turns", "fast 1 thread", "fast 2 threads", "ratio", "spread", "mean");
    for (size_t k = 0; k < 3; k++) {
        data D = synthetic(sizes[k], 6, 7);
        size_t nd = D.n * D.d;
        double *a = malloc(nd * sizeof(double)), *b = malloc(nd * sizeof(double));
        bench_precision = SMP_PRECISION_EXACT;
        timing e = time_engine(&D, k < 2 ? 2 : 1, a, 0, 1);
        bench_precision = SMP_PRECISION_FAST;
        timing f = time_engine(&D, 3, b, 0, 1);
        timing f2 = time_engine(&D, 3, NULL, 0, 2);
        double spread, mean;
        gaps(a, b, D.n, D.d, &spread, &mean);
        printf("%6zu %12zu %8.3f/%8.3f %12zu %8.3f/%8.3f %8.3f/%8.3f %7.1fx %8.3f %8.3f\n", D.n,
               e.states - 1, e.cpu, e.wall, f.states - 1, f.cpu, f.wall, f2.cpu, f2.wall,
               e.cpu / f.cpu, spread, mean);
        fflush(stdout);
        lx[k] = log((double)D.n);
        le[k] = log(e.cpu / (double)(e.states - 1));
        lf[k] = log(f.cpu / (double)(f.states - 1));
        free(a), free(b), free(D.c), free(D.x), free(D.s);
    }
    double mx = (lx[0] + lx[1] + lx[2]) / 3, me = (le[0] + le[1] + le[2]) / 3;
    double mf = (lf[0] + lf[1] + lf[2]) / 3, sxx = 0, sxe = 0, sxf = 0;
    for (int k = 0; k < 3; k++) {
        sxx += (lx[k] - mx) * (lx[k] - mx);
        sxe += (lx[k] - mx) * (le[k] - me);
        sxf += (lx[k] - mx) * (lf[k] - mf);
    }
    printf("growth of CPU per round, n = 250-1000 at 6 dims: exact n^%.2f, fast n^%.2f\n", sxe / sxx,
           sxf / sxx);
    bench_precision = SMP_PRECISION_EXACT;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "paths") == 0) return paths();
    if (argc > 1 && strcmp(argv[1], "scale") == 0) return scale();
    if (argc > 2 && strcmp(argv[1], "run") == 0) return one_run(argc, argv);
    if (argc > 2 && strcmp(argv[1], "elections") == 0) return elections(argc, argv);
    int reps = argc > 1 && strcmp(argv[1], "quick") == 0 ? 1 : 3;
    const char *files[] = {"dummyData-a040.csv", "dummyData-a080.csv", "dummyData-a160.csv",
                           "dummyData_6Dim.csv"};
    printf("smp engine vs plain reference (default options; best of %d; CPU s / wall s)\n", reps);
    printf("%-20s %6s %5s %7s %16s %16s %8s %9s\n", "set", "actors", "dims", "rounds", "engine",
           "reference", "ratio", "identical");
    double lx[3], ly_engine[3], ly_ref[3];
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        data D = load(files[f]);
        double *a = malloc(D.n * D.d * sizeof(double)), *b = malloc(D.n * D.d * sizeof(double));
        timing e = time_engine(&D, reps, a, 0, 1);
        timing r = time_reference(&D, reps, b);
        int same = e.states == r.states && memcmp(a, b, D.n * D.d * sizeof(double)) == 0;
        printf("%-20s %6zu %5zu %7zu %7.4f/%7.4f %7.4f/%7.4f %7.1fx %9s\n", files[f], D.n, D.d,
               e.states - 1, e.cpu, e.wall, r.cpu, r.wall, r.cpu / e.cpu, same ? "yes" : "NO");
        if (f < 3) {
            lx[f] = log((double)D.n);
            ly_engine[f] = log(e.cpu / (double)(e.states - 1));
            ly_ref[f] = log(r.cpu / (double)(r.states - 1));
        }
        if (!same) return 1;
        free(a), free(b), free(D.c), free(D.x), free(D.s);
    }
    double mx = (lx[0] + lx[1] + lx[2]) / 3, me = (ly_engine[0] + ly_engine[1] + ly_engine[2]) / 3,
           mr = (ly_ref[0] + ly_ref[1] + ly_ref[2]) / 3, sxx = 0, sxe = 0, sxr = 0;
    for (int k = 0; k < 3; k++) {
        sxx += (lx[k] - mx) * (lx[k] - mx);
        sxe += (lx[k] - mx) * (ly_engine[k] - me);
        sxr += (lx[k] - mx) * (ly_ref[k] - mr);
    }
    printf("growth of CPU per round, a040-a160: engine n^%.2f, reference n^%.2f\n", sxe / sxx, sxr / sxx);
    /* a synthetic set where the plain reference is still feasible: the ratio in one run */
    {
        data D = synthetic(200, 6, 7);
        double *a = malloc(D.n * D.d * sizeof(double)), *b = malloc(D.n * D.d * sizeof(double));
        timing e = time_engine(&D, reps, a, 0, 1);
        timing r = time_reference(&D, 1, b);
        int same = e.states == r.states && memcmp(a, b, D.n * D.d * sizeof(double)) == 0;
        printf("%-20s %6zu %5zu %7zu %7.4f/%7.4f %7.4f/%7.4f %7.1fx %9s\n", "synthetic", D.n, D.d,
               e.states - 1, e.cpu, e.wall, r.cpu, r.wall, r.cpu / e.cpu, same ? "yes" : "NO");
        free(a), free(b), free(D.c), free(D.x), free(D.s);
        if (!same) return 1;
    }
    /* Large sets, engine alone: CPU and wall per round, one thread and one per core (the first
     * round is dearer than later ones early on and cheaper late: the target search prunes less as
     * actors converge, so several rounds are timed). */
    size_t big[][3] = {{320, 1, 2}, {500, 6, 2}, {1000, 6, 4}};
    for (size_t b = 0; b < 3; b++) {
        data D = synthetic(big[b][0], big[b][1], 7);
        int rounds = (int)big[b][2];
        timing one = time_engine(&D, 1, NULL, rounds, 1);
        timing all = time_engine(&D, 1, NULL, rounds, 0);
        printf("synthetic %zu x %zu, %d rounds: per round %.3f s CPU / %.3f s wall on 1 thread, "
               "%.3f s CPU / %.3f s wall on one per core\n", big[b][0], big[b][1], rounds,
               one.cpu / rounds, one.wall / rounds, all.cpu / rounds, all.wall / rounds);
        free(D.c), free(D.x), free(D.s);
    }
    return 0;
}
