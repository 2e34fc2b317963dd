/*
 * test_smp_isa.c — the smp engine's SIMD kernels give the same bits at every instruction-set
 * level (smp_limit_isa: scalar, AVX2, AVX-512) and thread count: the large-n path (its
 * sampled sums in sixteen partial sums, batches of sixteen targets, the finalists' exact
 * challenges four or eight at a time) on problems whose sample size and actor count are no
 * multiple of sixteen or eight (the kernels' last blocks), and the exact path, whose every level
 * must also equal the plain scan over every target (smp_use_plain_kernels), KTAB's definition.
 * The coalition kernels of the elections are also compared one by one with the plain
 * pair-by-pair sums, the bargains' utilities and the target ranking's coarse-pass sums with
 * plain loops. Levels the processor lacks are skipped (they would run the next level
 * down).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/smp.h"

typedef struct problem {
    size_t n, d, sample;
    uint64_t seed;
    const char *precision;
} problem;

/* Random actors (a fixed LCG): capability 1-100, positions on a 1e-4 grid, saliences summing
 * to 0.9. */
static void make(const problem *p, double **c, double **x, double **s)
{
    size_t n = p->n, d = p->d;
    *c = malloc(n * sizeof(double)), *x = malloc(n * d * sizeof(double));
    *s = malloc(n * d * sizeof(double));
    uint64_t g = p->seed;
#define NEXT() (g = g * 6364136223846793005ull + 1442695040888963407ull, (double)(g >> 11) / 9007199254740992.0)
    for (size_t i = 0; i < n; i++) {
        (*c)[i] = 1 + 99.0 * NEXT();
        double total = 0;
        for (size_t k = 0; k < d; k++) {
            (*x)[i * d + k] = (double)(int)(NEXT() * 10000.0) / 10000.0;
            (*s)[i * d + k] = 0.05 + NEXT();
            total += (*s)[i * d + k];
        }
        for (size_t k = 0; k < d; k++) (*s)[i * d + k] *= 0.9 / total;
    }
#undef NEXT
}

static void run(const problem *p, int level, int plain, int threads, smp_output *o)
{
    double *c, *x, *s;
    make(p, &c, &x, &s);
    smp_config cfg;
    smp_config_default(&cfg);
    cfg.record = 0;
    cfg.threads = threads;
    cfg.sample = p->sample;
    cfg.max_rounds = 12;
    const smp_path *path = smp_path_find(p->precision);
    assert_non_null(path);
    smp_input in = {p->n, p->d, c, x, s, NULL};
    en_error err = EN_ERROR_INIT;
    smp_limit_isa(level);
    smp_use_plain_kernels(plain);
    en_status st = path->solve(&in, &cfg, o, &err);
    smp_use_plain_kernels(0);
    smp_limit_isa(SMP_ISA_AVX512);
    en_error_clear(&err);
    assert_int_equal(st, EN_OK);
    free(c), free(x), free(s);
}

static int has_level(int level)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (level == SMP_ISA_AVX2) return __builtin_cpu_supports("avx2");
    if (level == SMP_ISA_AVX512)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512dq");
    return 1;
#else
    return level == SMP_ISA_SCALAR;
#endif
}

/* Every level on 1 and 2 threads against the scalar kernels on one thread (and, when
 * `plain`, against the plain scan too), all turns' positions bit for bit. */
static void check(const problem *p, int plain)
{
    smp_output ref;
    run(p, SMP_ISA_SCALAR, 0, 1, &ref);
    assert_true(ref.state_count > 2); /* the run moved */
    size_t bytes = ref.state_count * ref.n * ref.d * sizeof(double);
    assert_memory_not_equal(ref.positions, &ref.positions[(ref.state_count - 1) * ref.n * ref.d],
                            ref.n * ref.d * sizeof(double));
    if (plain) {
        smp_output o;
        run(p, SMP_ISA_SCALAR, 1, 1, &o);
        assert_int_equal(o.state_count, ref.state_count);
        assert_memory_equal(o.positions, ref.positions, bytes);
        smp_output_free(&o);
    }
    for (int level = SMP_ISA_AVX2; level <= SMP_ISA_AVX512; level++) {
        if (!has_level(level)) {
            fprintf(stderr, "test_smp_isa: level %d not on this processor, skipped\n", level);
            continue;
        }
        for (int threads = 1; threads <= 2; threads++) {
            smp_output o;
            run(p, level, 0, threads, &o);
            assert_int_equal(o.state_count, ref.state_count);
            assert_memory_equal(o.positions, ref.positions, bytes);
            smp_output_free(&o);
        }
    }
    smp_output_free(&ref);
}

/* Samples of 40 (two blocks of sixteen and a last one of eight) and the default 128 (all
 * blocks whole); 150 and 230 actors (230 = 8·28 + 6: the exact challenges' last block). */
static void test_fast_path_every_level(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    problem p[] = {{120, 3, 40, 41, "fast"}};
#else
    problem p[] = {{150, 3, 40, 41, "fast"}, {230, 6, 0, 42, "fast"}};
#endif
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++) check(&p[k], 0);
}

/* The exact path: every level is the plain scan's result (KTAB's bits). */
static void test_exact_path_every_level(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    problem p = {60, 3, 0, 43, "exact"};
#else
    problem p = {117, 4, 0, 43, "exact"};
#endif
    check(&p, 1);
}

/* The coalition kernels one by one against the plain pair-by-pair sums, bit for bit: sizes
 * with and without a last partial block of four, eight and sixteen options, and voters no
 * multiple of anything (the sums of the whole runs above hide small differences: positions are
 * rounded to four decimals and the sampled sums only rank options). */
static void test_coalition_kernels(void **state)
{
    (void)state;
    const size_t sizes[][2] = {{41, 2}, {23, 5}, {77, 7}, {37, 8}, {50, 12}, {29, 20}, {61, 27}, {45, 36}, {33, 53}, {19, 70}};
    size_t total = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t checked = 0;
        size_t bad = smp_check_coalition_kernels(sizes[k][0], sizes[k][1], 1000 + k, &checked);
        assert_int_equal(bad, 0);
        total += checked;
    }
    if (has_level(SMP_ISA_AVX2)) assert_true(total > 0);
}

/* The bargains' exact utilities (end utilities one- and two-ended, the third parties' sums
 * four bargains at a time) against plain loops, bit for bit: actors no multiple of eight or
 * sixteen (the kernels' last blocks) and a multiple, bargains no multiple of four per worker. */
static void test_bargain_kernels(void **state)
{
    (void)state;
    const size_t sizes[][3] = {{2, 1, 3}, {37, 3, 13}, {64, 6, 9}, {101, 6, 26}, {45, 2, 4}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t checked = 0;
        size_t bad = smp_check_bargain_kernels(sizes[k][0], sizes[k][1], sizes[k][2], 2000 + k, &checked);
        assert_int_equal(bad, 0);
        assert_true(checked >= 3 * sizes[k][0] * sizes[k][2]);
    }
}

/* The large-n ranking's coarse-pass sums against a plain loop, bit for bit, at every level
 * (scalar included): batches of sixteen targets and a last partial one, the principal at each
 * coarse place and at none. */
static void test_coarse_kernels(void **state)
{
    (void)state;
    const size_t counts[] = {1, 16, 37, 100};
    int top = 0;
    for (int level = SMP_ISA_SCALAR; level <= SMP_ISA_AVX512; level++)
        if (has_level(level)) top = level;
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        size_t checked = 0;
        size_t bad = smp_check_coarse_kernels(counts[k], 3000 + k, &checked);
        assert_int_equal(bad, 0);
        assert_int_equal(checked, 2 * counts[k] * (size_t)(top + 1));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coarse_kernels),
        cmocka_unit_test(test_coalition_kernels),
        cmocka_unit_test(test_bargain_kernels),
        cmocka_unit_test(test_fast_path_every_level),
        cmocka_unit_test(test_exact_path_every_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
