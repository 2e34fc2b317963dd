/*
 * test_smp_paths.c — every entry of the smp model's table of paths (models/smp_paths.c)
 * against the exact entry, the model's definition: on random problems of 100–300 actors in
 * 2–6 dimensions, a run on the entry must end within the entry's tolerances of the exact run
 * (final positions in KTAB's 0–100 units, largest and mean |Δ|; the stop turn). The fast entry
 * is run with its default sample and with a sample of n/8 actors (the share the default takes
 * of 1,000 actors); with a sample of one actor (the approximation broken) it must fall outside
 * them (under a sanitizer, on the first two problems only). Also: the choice of path by size, the fast path's independence of the thread count and
 * of the CPU's kernels, and the sample's independence of the actors' order.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/smp.h"
#include "models/smp_sample.h"

#include "support/smp_synthetic.h"

/* Random actors (tests/support/smp_synthetic.h), under this file's short names. */
static synthetic make(size_t n, size_t d, uint64_t seed) { return synthetic_make(n, d, seed); }
static void release(synthetic *D) { synthetic_release(D); }

static void run(const synthetic *D, const smp_path *path, size_t sample, int threads,
                smp_output *o)
{
    smp_config c;
    smp_config_default(&c);
    c.record = 0;
    c.threads = threads;
    c.sample = sample;
    smp_input in = {D->n, D->d, D->c, D->x, D->s, NULL};
    en_error err = EN_ERROR_INIT;
    en_status st = path->solve(&in, &c, o, &err);
    en_error_clear(&err);
    assert_int_equal(st, EN_OK);
}

typedef struct gap {
    double largest, mean; /* final positions actor by actor, 0–100 units: largest, mean |Δ| */
    double spread;        /* the final positions as a population: per dimension the mean |Δ|
                             between the two runs' sorted coordinates (the earth mover's
                             distance of their distributions), the largest over dimensions */
    double center;        /* per dimension |Δ| of the capability-weighted mean, the largest */
    int turns;            /* |stop turn − exact stop turn| */
} gap;

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static gap compare(const smp_output *a, const smp_output *b, const double *capability)
{
    size_t n = a->n, d = a->d;
    const double *x = &a->positions[(a->state_count - 1) * n * d];
    const double *y = &b->positions[(b->state_count - 1) * n * d];
    gap g = {0, 0, 0, 0, abs((int)a->state_count - (int)b->state_count)};
    for (size_t k = 0; k < n * d; k++) {
        double e = 100.0 * fabs(x[k] - y[k]);
        g.largest = e > g.largest ? e : g.largest;
        g.mean += e;
    }
    g.mean /= (double)(n * d);
    double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
    for (size_t k = 0; k < d; k++) {
        double cu = 0, cv = 0, total = 0, emd = 0;
        for (size_t i = 0; i < n; i++) {
            u[i] = x[i * d + k], v[i] = y[i * d + k];
            cu += capability[i] * u[i], cv += capability[i] * v[i], total += capability[i];
        }
        qsort(u, n, sizeof *u, by_value);
        qsort(v, n, sizeof *v, by_value);
        for (size_t i = 0; i < n; i++) emd += 100.0 * fabs(u[i] - v[i]);
        emd /= (double)n;
        double c = 100.0 * fabs(cu - cv) / total;
        g.spread = emd > g.spread ? emd : g.spread;
        g.center = c > g.center ? c : g.center;
    }
    free(u), free(v);
    return g;
}

static int within(const smp_path *p, gap g)
{
    return g.spread <= p->tolerance && g.mean <= p->mean_tolerance && g.turns <= p->turn_tolerance;
}

/* The problems: sizes 100-300, dimensions 2-6. */
static const struct {
    size_t n, d;
    uint64_t seed;
} problems[] = {{100, 2, 11}, {150, 6, 12}, {200, 3, 13}, {250, 4, 14}, {300, 6, 15}, {300, 2, 16}};
/* Under a sanitizer (tens of times slower) the first two problems only. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PROBLEMS 2
#else
#define PROBLEMS (sizeof problems / sizeof problems[0])
#endif

/* The exact runs of the problems, computed once for the tests that need them. */
static smp_output exact_runs[PROBLEMS];
static int exact_done[PROBLEMS];

static const smp_output *exact_run(size_t t, const synthetic *D)
{
    if (!exact_done[t]) run(D, smp_path_find("exact"), 0, 2, &exact_runs[t]), exact_done[t] = 1;
    return &exact_runs[t];
}

/* Every entry of the table within its tolerances of the exact entry, on every problem, with
 * its default sample and with n/8; ENTENTE_SMP_PATHS_REPORT=1 prints the gaps measured. */
static void test_every_path_within_tolerance(void **state)
{
    (void)state;
    const smp_path *exact = smp_path_find("exact");
    assert_non_null(exact);
    int report = getenv("ENTENTE_SMP_PATHS_REPORT") != NULL;
    for (size_t k = 0; k < smp_path_count(); k++) {
        const smp_path *p = smp_path_at(k);
        if (p == exact) continue;
        for (size_t t = 0; t < PROBLEMS; t++) {
            synthetic D = make(problems[t].n, problems[t].d, problems[t].seed);
            assert_true(D.n >= p->min_actors);
            smp_output a, b;
            const smp_output *refp = exact_run(t, &D);
#define ref (*refp)
            run(&D, p, 0, 2, &a);
            run(&D, p, D.n / 8, 2, &b);
            gap ga = compare(&a, &ref, D.c), gb = compare(&b, &ref, D.c);
            if (report)
                fprintf(stderr, "%s %zux%zu (exact: %zu turns)\n  default sample: largest %.2f mean %.3f "
                                "spread %.3f center %.3f turns %d\n  sample n/8: largest %.2f mean %.3f "
                                "spread %.3f center %.3f turns %d\n",
                        p->name, D.n, D.d, ref.state_count - 1, ga.largest, ga.mean, ga.spread,
                        ga.center, ga.turns, gb.largest, gb.mean, gb.spread, gb.center, gb.turns);
            if (report) { /* the exact model's own sensitivity: every coordinate moved by one
                             step of KTAB's input grid (0.01 of 0-100), up or down */
                smp_output e2;
                double *keep = malloc(D.n * D.d * sizeof *keep);
                memcpy(keep, D.x, D.n * D.d * sizeof *keep);
                uint64_t h = 99;
                for (size_t q = 0; q < D.n * D.d; q++) {
                    h = h * 6364136223846793005ull + 1442695040888963407ull;
                    double step = (h >> 40) & 1 ? 1e-4 : -1e-4;
                    D.x[q] += D.x[q] + step < 0 || D.x[q] + step > 1 ? -step : step;
                }
                run(&D, exact, 0, 2, &e2);
                memcpy(D.x, keep, D.n * D.d * sizeof *keep);
                free(keep);
                gap ge = compare(&e2, &ref, D.c);
                fprintf(stderr, "  exact, input moved 1e-4: largest %.2f mean %.3f spread %.3f center %.3f turns %d\n",
                        ge.largest, ge.mean, ge.spread, ge.center, ge.turns);
                smp_output_free(&e2);
            }
            if (!report) assert_true(within(p, ga));
            if (!report) assert_true(within(p, gb));
#undef ref
            smp_output_free(&a), smp_output_free(&b);
            release(&D);
        }
    }
}

/* A sample of one actor is no estimate of the third parties' or the voters' weight: the
 * tolerance test must see it. */
static void test_broken_sample_fails(void **state)
{
    (void)state;
    const smp_path *fast = smp_path_find("fast");
    int outside = 0;
    for (size_t t = 0; t < PROBLEMS; t++) {
        synthetic D = make(problems[t].n, problems[t].d, problems[t].seed);
        smp_output a;
        run(&D, fast, 1, 2, &a);
        gap g = compare(&a, exact_run(t, &D), D.c);
        if (getenv("ENTENTE_SMP_PATHS_REPORT"))
            fprintf(stderr, "sample of 1, %zux%zu: spread %.3f mean %.3f turns %d\n", D.n, D.d,
                    g.spread, g.mean, g.turns);
        outside += !within(fast, g);
        smp_output_free(&a);
        release(&D);
    }
    assert_true(outside > 0);
}

/* The fast path's bits do not depend on the thread count nor on the kernels (AVX2 or the
 * plain scalar loops). */
static void test_fast_path_deterministic(void **state)
{
    (void)state;
    const smp_path *fast = smp_path_find("fast");
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    synthetic D = make(120, 3, 21);
#else
    synthetic D = make(260, 5, 21);
#endif
    smp_output a, b, c;
    run(&D, fast, D.n / 6, 1, &a);
    run(&D, fast, D.n / 6, 3, &b);
    smp_use_plain_kernels(1);
    run(&D, fast, D.n / 6, 1, &c);
    smp_use_plain_kernels(0);
    assert_int_equal(a.state_count, b.state_count);
    assert_int_equal(a.state_count, c.state_count);
    size_t bytes = a.state_count * a.n * a.d * sizeof(double);
    assert_memory_equal(a.positions, b.positions, bytes);
    assert_memory_equal(a.positions, c.positions, bytes);
    smp_output_free(&a), smp_output_free(&b), smp_output_free(&c);
    release(&D);
}

/* The sampled elections' single-precision coalition sums (taken when an election has more than
 * 192 options, so at least 193 actors): three rounds of 200 actors give the same bits on 1 and
 * 3 threads and with the plain scalar kernels as with AVX2 (short enough for the sanitizers). */
static void test_float_elections_deterministic(void **state)
{
    (void)state;
    const smp_path *fast = smp_path_find("fast");
    synthetic D = make(200, 2, 23);
    smp_output o[3];
    for (int k = 0; k < 3; k++) {
        smp_config c;
        smp_config_default(&c);
        c.record = 0;
        c.threads = k == 1 ? 3 : 1;
        c.sample = 40;
        c.max_rounds = 3;
        smp_input in = {D.n, D.d, D.c, D.x, D.s, NULL};
        en_error err = EN_ERROR_INIT;
        if (k == 2) smp_use_plain_kernels(1);
        en_status st = fast->solve(&in, &c, &o[k], &err);
        smp_use_plain_kernels(0);
        en_error_clear(&err);
        assert_int_equal(st, EN_OK);
    }
    assert_int_equal(o[0].state_count, 4);
    for (int k = 1; k < 3; k++) {
        assert_int_equal(o[0].state_count, o[k].state_count);
        assert_memory_equal(o[0].positions, o[k].positions,
                            o[0].state_count * o[0].n * o[0].d * sizeof(double));
    }
    /* the run moved: an election decided something */
    assert_memory_not_equal(o[0].positions, &o[0].positions[3 * D.n * D.d], D.n * D.d * sizeof(double));
    for (int k = 0; k < 3; k++) smp_output_free(&o[k]);
    release(&D);
}

/* The fast path's elections against the exact ones (the model's definition over the same
 * utilities, smp_check_fast_elections): over four rounds with the record on (each round's risk
 * election and winning-probability election, 290 and 330 actors, so more than 192 options and
 * the sampled election runs), the most likely option is the exact one's and no option's
 * probability is off by more than SMP_FAST_ELECTION_GAP (docs/models/smp.md, "Risk attitudes
 * and winning probabilities"). With a sample of two voters (the approximation broken) the
 * elections must miss. */
#define SMP_FAST_ELECTION_GAP 1e-3

static void fast_elections(size_t n, size_t d, uint64_t seed, size_t sample, double *gap, size_t *misses,
                           size_t *checked)
{
    synthetic D = make(n, d, seed);
    smp_config c;
    smp_config_default(&c);
    c.record = 1;
    c.sample = sample;
    c.max_rounds = 4;
    smp_input in = {D.n, D.d, D.c, D.x, D.s, NULL};
    smp_output o;
    en_error err = EN_ERROR_INIT;
    smp_check_fast_elections(1);
    en_status st = smp_path_find("fast")->solve(&in, &c, &o, &err);
    *checked = smp_fast_election_record(gap, misses);
    smp_check_fast_elections(0);
    en_error_clear(&err);
    assert_int_equal(st, EN_OK);
    smp_output_free(&o);
    release(&D);
}

static void test_fast_elections_near_exact(void **state)
{
    (void)state;
    const struct { size_t n, d; uint64_t seed; } cases[] = {{290, 3, 41}, {330, 6, 43}};
    size_t broken = 0;
    for (size_t k = 0; k < 2; k++) {
        double gap;
        size_t misses, checked;
        fast_elections(cases[k].n, cases[k].d, cases[k].seed, 0, &gap, &misses, &checked);
        if (getenv("ENTENTE_SMP_PATHS_REPORT"))
            fprintf(stderr, "elections %zu x %zu: %zu checked, largest |dp| %.3g, winner misses %zu\n",
                    cases[k].n, cases[k].d, checked, gap, misses);
        assert_true(checked >= 8); /* two elections per round, the final state's one more */
        assert_int_equal(misses, 0);
        assert_true(gap <= SMP_FAST_ELECTION_GAP);
        fast_elections(cases[k].n, cases[k].d, cases[k].seed, 2, &gap, &misses, &checked);
        if (getenv("ENTENTE_SMP_PATHS_REPORT"))
            fprintf(stderr, "elections %zu x %zu, sample of 2: largest |dp| %.3g, winner misses %zu\n",
                    cases[k].n, cases[k].d, gap, misses);
        broken += misses > 0 || gap > SMP_FAST_ELECTION_GAP;
    }
    assert_true(broken > 0);
}

/* The sample follows the actors, not their order: reversed input, the same actors drawn with
 * the same scales. */
static void test_sample_independent_of_order(void **state)
{
    (void)state;
    size_t n = 300, d = 4, m = 37;
    synthetic D = make(n, d, 31);
    uint64_t *key = malloc(n * sizeof *key), *rkey = malloc(n * sizeof *rkey);
    double *w = malloc(n * sizeof *w), *rw = malloc(n * sizeof *rw);
    for (size_t i = 0; i < n; i++) {
        key[i] = smp_sample_key(7, D.c[i], &D.x[i * d], &D.s[i * d], d);
        w[i] = D.c[i];
        rkey[n - 1 - i] = key[i], rw[n - 1 - i] = w[i];
    }
    size_t member[37], rmember[37];
    double scale[37], rscale[37];
    smp_sample_strata(n, w, key, m, member, scale);
    smp_sample_strata(n, rw, rkey, m, rmember, rscale);
    /* each stratum's member, mapped back, with the same scale; strata hold about n/m actors */
    double total = 0, drawn = 0;
    for (size_t s = 0; s < m; s++) {
        int found = 0;
        for (size_t t = 0; t < m; t++)
            if (n - 1 - rmember[t] == member[s]) found = 1, assert_true(rscale[t] == scale[s]);
        assert_true(found);
        total += scale[s] * w[member[s]];
    }
    for (size_t i = 0; i < n; i++) drawn += w[i];
    assert_true(fabs(total - drawn) <= 1e-9 * drawn); /* the strata's weights add up to all */
    free(key), free(rkey), free(w), free(rw);
    release(&D);
}

/* precision=auto: exact up to the fast entry's threshold, fast from it; names as given. */
static void test_choice(void **state)
{
    (void)state;
    const smp_path *fast = smp_path_find("fast");
    assert_non_null(fast);
    assert_string_equal(smp_path_choose(2, "auto")->name, "exact");
    assert_string_equal(smp_path_choose(fast->auto_from - 1, "auto")->name, "exact");
    assert_string_equal(smp_path_choose(fast->auto_from, "auto")->name, "fast");
    assert_string_equal(smp_path_choose(100000, NULL)->name, "fast");
    assert_string_equal(smp_path_choose(100000, "exact")->name, "exact");
    assert_string_equal(smp_path_choose(3, "fast")->name, "fast");
    assert_null(smp_path_find("float"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choice),
        cmocka_unit_test(test_sample_independent_of_order),
        cmocka_unit_test(test_fast_path_deterministic),
        cmocka_unit_test(test_float_elections_deterministic),
        cmocka_unit_test(test_fast_elections_near_exact),
        cmocka_unit_test(test_every_path_within_tolerance),
        cmocka_unit_test(test_broken_sample_fails),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    for (size_t t = 0; t < PROBLEMS; t++)
        if (exact_done[t]) smp_output_free(&exact_runs[t]);
    return failed;
}
