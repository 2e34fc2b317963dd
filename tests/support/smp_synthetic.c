/*
 * smp_synthetic.c — random smp problems for the smp model's tests (smp_synthetic.h).
 */
#include "support/smp_synthetic.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <cmocka.h>

/* The LCG's next draw as a double in [0, 1) (its top 53 bits). */
static double next(uint64_t *g)
{
    *g = *g * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*g >> 11) / 9007199254740992.0;
}

synthetic synthetic_make(size_t n, size_t d, uint64_t seed)
{
    synthetic D = {n, d, malloc(n * sizeof(double)), malloc(n * d * sizeof(double)),
                   malloc(n * d * sizeof(double))};
    assert_true(D.c && D.x && D.s);
    uint64_t g = seed;
    for (size_t i = 0; i < n; i++) {
        D.c[i] = 1 + 99.0 * next(&g);
        double total = 0;
        for (size_t k = 0; k < d; k++) {
            D.x[i * d + k] = (double)(int)(next(&g) * 10000.0) / 10000.0;
            D.s[i * d + k] = 0.05 + next(&g);
            total += D.s[i * d + k];
        }
        for (size_t k = 0; k < d; k++) D.s[i * d + k] *= 0.9 / total;
    }
    return D;
}

void synthetic_release(synthetic *D)
{
    free(D->c);
    free(D->x);
    free(D->s);
}
