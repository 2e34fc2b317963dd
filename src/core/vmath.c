/*
 * vmath.c — array exp/log: libmvec's AVX2 kernels when the CPU and the build allow, glibc's
 * scalar functions otherwise (see vmath.h for what that means for reproducibility). The vector
 * kernels are chosen at run time, so one binary serves every x86-64 machine. Every element of an
 * array goes through the same kernel (the tail is padded to a full vector), so a value's result
 * does not depend on where it sits in the array.
 */
#include "core/vmath.h"

#include <math.h>
#include <string.h>

#if defined(ENTENTE_HAVE_MVEC) && defined(__x86_64__)
#include <immintrin.h>

/* libmvec's AVX2 variants (glibc ≥ 2.22, vector function ABI names). Declared for the AVX2
 * target: they take and return ymm registers (clang refuses the call otherwise). */
__attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_exp(__m256d x);
__attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_log(__m256d x);

#define VMATH_KERNEL(name, vector_fn, pad)                                                     \
    __attribute__((target("avx2,fma"))) static void name(double *x, size_t n)                 \
    {                                                                                          \
        size_t k = 0;                                                                          \
        for (; k + 4 <= n; k += 4) _mm256_storeu_pd(x + k, vector_fn(_mm256_loadu_pd(x + k)));  \
        if (k < n) {                                                                           \
            double tail[4] = {pad, pad, pad, pad};                                             \
            memcpy(tail, x + k, (n - k) * sizeof *x);                                          \
            _mm256_storeu_pd(tail, vector_fn(_mm256_loadu_pd(tail)));                          \
            memcpy(x + k, tail, (n - k) * sizeof *x);                                          \
        }                                                                                      \
    }

VMATH_KERNEL(exp_avx2, _ZGVdN4v_exp, 0.0)
VMATH_KERNEL(log_avx2, _ZGVdN4v_log, 1.0)

static int vector_allowed = 1;

int en_vmath_vector(void)
{
    return vector_allowed && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
static int vector_allowed = 0;

int en_vmath_vector(void)
{
    return 0;
}
#endif

void en_vmath_allow_vector(int allow)
{
#if defined(ENTENTE_HAVE_MVEC) && defined(__x86_64__)
    vector_allowed = allow != 0;
#else
    (void)allow;
    (void)vector_allowed;
#endif
}

/* x[k] = f(x[k]): the vector kernel where available, else the scalar function. */
static void apply(double *x, size_t n, void (*vector)(double *, size_t), double (*scalar)(double))
{
    if (vector && en_vmath_vector()) {
        vector(x, n);
        return;
    }
    for (size_t k = 0; k < n; k++) x[k] = scalar(x[k]);
}

#if defined(ENTENTE_HAVE_MVEC) && defined(__x86_64__)
#define VECTOR(kernel) kernel
#else
#define VECTOR(kernel) NULL
#endif

void en_exp_array(double *x, size_t n)
{
    apply(x, n, VECTOR(exp_avx2), exp);
}

void en_log_array(double *x, size_t n)
{
    apply(x, n, VECTOR(log_avx2), log);
}
