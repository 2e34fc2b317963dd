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

void smp_assert_same_run(const smp_output *a, const smp_output *b)
{
    assert_int_equal(a->state_count, b->state_count);
    size_t n = a->n, d = a->d;
    assert_memory_equal(a->positions, b->positions, a->state_count * n * d * sizeof(double));
    assert_memory_equal(a->win_probability, b->win_probability, a->state_count * n * sizeof(double));
    for (size_t t = 1; a->turns && t < a->state_count; t++) {
        const smp_turn *x = &a->turns[t], *y = &b->turns[t];
        assert_int_equal(x->bargain_count, y->bargain_count);
        assert_memory_equal(x->winner, y->winner, n * sizeof(int));
        assert_memory_equal(x->winner_probability, y->winner_probability, n * sizeof(double));
        for (size_t k = 0; k < x->bargain_count; k++) {
            assert_int_equal(x->bargains[k].initiator, y->bargains[k].initiator);
            assert_int_equal(x->bargains[k].receiver, y->bargains[k].receiver);
            assert_memory_equal(&x->bargains[k].win_probability, &y->bargains[k].win_probability,
                                sizeof(double));
            assert_memory_equal(x->bargains[k].init_position, y->bargains[k].init_position,
                                d * sizeof(double));
        }
    }
}
