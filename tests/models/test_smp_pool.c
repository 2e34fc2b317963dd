/*
 * test_smp_pool.c — the smp engine gives the same bits at every instruction-set level of its
 * kernels (smp_limit_isa: scalar, AVX2, AVX-512 where the processor has them) and on 1, 2 and
 * 3 threads of its worker pool: a few exact and fast (large-n) problems, with and without the
 * per-round record, one with an accommodation matrix (ideal points that lag the positions),
 * each compared position by position, winning probability by winning probability, against
 * the scalar single-thread run. The scalar kernels are the plain loops the KTAB goldens pin
 * down (test_smp, test_smp_parallel); the others must not move a bit from them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/smp.h"
#include "support/smp_synthetic.h"

typedef struct problem {
    const char *path; /* "exact" or "fast" */
    size_t n, d, sample;
    int record, rounds, accommodation;
    uint64_t seed;
} problem;

typedef struct data {
    double *c, *x, *s, *a;
} data;

/* Random actors from a fixed LCG (the same data everywhere): capability 1-100, positions on a
 * 1e-4 grid, saliences summing to 0.9; accommodation rows of small weights summing below 1. */
static data make(const problem *p)
{
    size_t n = p->n, d = p->d;
    data D = {malloc(n * sizeof(double)), malloc(n * d * sizeof(double)),
              malloc(n * d * sizeof(double)), NULL};
    uint64_t g = p->seed;
#define NEXT() (g = g * 6364136223846793005ull + 1442695040888963407ull, (double)(g >> 11) / 9007199254740992.0)
    for (size_t i = 0; i < n; i++) {
        D.c[i] = 1 + 99.0 * NEXT();
        double total = 0;
        for (size_t k = 0; k < d; k++) {
            D.x[i * d + k] = (double)(int)(NEXT() * 10000.0) / 10000.0;
            D.s[i * d + k] = 0.05 + NEXT();
            total += D.s[i * d + k];
        }
        for (size_t k = 0; k < d; k++) D.s[i * d + k] *= 0.9 / total;
    }
    if (p->accommodation) {
        D.a = malloc(n * n * sizeof(double));
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) D.a[i * n + j] = i == j ? 0.5 : 0.4 * NEXT() / (double)n;
    }
#undef NEXT
    return D;
}

static void release(data *D) { free(D->c), free(D->x), free(D->s), free(D->a); }

static void solve(const problem *p, const data *D, int isa, int threads, smp_output *o)
{
    const smp_path *path = smp_path_find(p->path);
    assert_non_null(path);
    smp_config c;
    smp_config_default(&c);
    c.record = p->record;
    c.threads = threads;
    c.sample = p->sample;
    c.max_rounds = p->rounds;
    smp_input in = {p->n, p->d, D->c, D->x, D->s, D->a};
    en_error err = EN_ERROR_INIT;
    smp_limit_isa(isa);
    en_status st = path->solve(&in, &c, o, &err);
    smp_limit_isa(SMP_ISA_AVX512);
    en_error_clear(&err);
    assert_int_equal(st, EN_OK);
}

/* Run a and b are the same bits (tests/support/smp_synthetic.h). */
static void assert_same(const smp_output *a, const smp_output *b) { smp_assert_same_run(a, b); }

/* The highest level this processor runs (the kernels' own test of the processor). */
static int cpu_isa(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2")) return SMP_ISA_SCALAR;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
        return SMP_ISA_AVX512;
    return SMP_ISA_AVX2;
}

static void check(const problem *p)
{
    data D = make(p);
    smp_output ref;
    solve(p, &D, SMP_ISA_SCALAR, 1, &ref);
    /* the run moved: the comparison is not between two copies of the input */
    assert_memory_not_equal(ref.positions, &ref.positions[(ref.state_count - 1) * p->n * p->d],
                            p->n * p->d * sizeof(double));
    for (int isa = SMP_ISA_SCALAR; isa <= cpu_isa(); isa++)
        for (int threads = 1; threads <= 3; threads++) {
            if (isa == SMP_ISA_SCALAR && threads == 1) continue;
            smp_output o;
            solve(p, &D, isa, threads, &o);
            assert_same(&ref, &o);
            smp_output_free(&o);
        }
    smp_output_free(&ref);
    release(&D);
}

/* Exact path, 130 actors (the screen and the threaded target search on): with the record
 * (every round's elections) and without (the filtered queue elections). */
static void exact_every_isa_and_thread_count(void **state)
{
    (void)state;
    check(&(problem){"exact", 130, 3, 0, 1, 3, 0, 11});
    check(&(problem){"exact", 130, 3, 0, 0, 3, 0, 12});
}

/* Fast path: 260 actors with the record; 400 with lagging ideal points and no record (the
 * sampled float elections, the pool's phases of every kind). */
static void fast_every_isa_and_thread_count(void **state)
{
    (void)state;
    check(&(problem){"fast", 260, 2, 40, 1, 2, 0, 13});
    check(&(problem){"fast", 400, 4, 50, 0, 3, 1, 14});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_every_isa_and_thread_count),
        cmocka_unit_test(fast_every_isa_and_thread_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
