/*
 * test_eum_sorted.c — the scholz sorted paths (src/models/eum_scholz_sorted.c) on issues larger
 * than test_eum_fast's (several tiles of the table of votes, a partial last tile, shared
 * positions), against the straight reference-order path, the definition; and the memory a run
 * keeps from round to round (eum_scratch): reused across issues that grow and shrink, it must
 * change no bit of any result.
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

#include "models/eum.h"
#include "support/eum_compare.h"

static uint64_t rng_state;
static double uniform(void) { return test_uniform(&rng_state); }

typedef struct issue {
    size_t n;
    double *c, *s, *x, D;
} issue;

/* n actors; discrete: positions on 11 points (many actors share each), else uniform. */
static issue make_issue(size_t n, int discrete, uint64_t seed)
{
    rng_state = seed;
    issue is = {n, malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                malloc(n * sizeof(double)), 0};
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        is.c[k] = uniform() < 0.03 ? 0.0 : uniform();
        is.s[k] = uniform();
        is.x[k] = discrete ? (double)(int)(uniform() * 11) * 10.0 : uniform() * 100.0;
        lo = fmin(lo, is.x[k]);
        hi = fmax(hi, is.x[k]);
    }
    is.D = hi - lo;
    return is;
}

static void free_issue(issue *is)
{
    free(is->c);
    free(is->s);
    free(is->x);
}

/* Four rounds of the issue; each round both paths start from the straight path's positions
 * (one round's error is measured). Positions within the entry's tolerance, the same move
 * types, r within the bound test_eum_fast derives (the danger sums' rounding over their spread). */
static void compare_with_straight(const issue *is, const char *name, double Q, double *max_dx)
{
    const size_t n = is->n;
    const eum_path *path = eum_path_find(EUM_SCHOLZ, name);
    assert_non_null(path);
    double *x = malloc(n * sizeof *x), *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb), *S = malloc(n * sizeof *S);
    eum_move *ma = malloc(n * sizeof *ma), *mb = malloc(n * sizeof *mb);
    memcpy(x, is->x, n * sizeof *x);
    eum_config cfg = {.variant = EUM_SCHOLZ, .Q = Q, .T = 1, .range = is->D};
    size_t moved = 0;
    for (int t = 0; t < 4; t++) {
        eum_trace ta = {.r = ra, .danger = S}, tb = {.r = rb};
        cfg.path = NULL;
        eum_status sa = eum_round(&cfg, n, is->c, is->s, x, a, ma, &ta);
        cfg.path = path;
        eum_status sb = eum_round(&cfg, n, is->c, is->s, x, b, mb, &tb);
        assert_int_equal(sa, sb);
        if (sa != EUM_ROUND_OK) break;
        const double r_tol = test_eum_r_tolerance(S, n);
        for (size_t k = 0; k < n; k++) {
            const double dx = fabs(a[k] - b[k]), dr = fabs(ra[k] - rb[k]);
            if (!(dx <= path->tolerance) || !(dr <= r_tol))
                fail_msg("path %s n %zu round %d actor %zu: x %.17g vs %.17g, r %.17g vs %.17g",
                         name, n, t, k, a[k], b[k], ra[k], rb[k]);
            assert_int_equal(ma[k].type, mb[k].type);
            if (dx > *max_dx) *max_dx = dx;
            moved += a[k] != x[k];
        }
        memcpy(x, a, n * sizeof *x);
    }
    assert_true(moved > 0); /* the rounds did something to compare */
    free(x);
    free(a);
    free(b);
    free(ra);
    free(rb);
    free(S);
    free(ma);
    free(mb);
}

static void test_large_against_straight(void **state)
{
    (void)state;
    static const size_t sizes[] = {97, 160, 257};
    double max_dx[2] = {0, 0};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (int discrete = 0; discrete < 2; discrete++) {
            issue is = make_issue(sizes[k], discrete, 1000u * sizes[k] + (unsigned)discrete);
            const double Q = discrete ? 0.8 : 1.0;
            compare_with_straight(&is, "sorted", Q, &max_dx[0]);
            compare_with_straight(&is, "sorted-vector", Q, &max_dx[1]);
            free_issue(&is);
        }
    print_message("sorted: max |dx| %.3g; sorted-vector: max |dx| %.3g\n", max_dx[0], max_dx[1]);
}

/* One round with the given scratch (NULL: none) into out/r/moves. */
static eum_status round_with(const issue *is, const char *name, eum_scratch *scratch,
                             const double *x, double *out, double *r, eum_move *moves)
{
    eum_config cfg = {.variant = EUM_SCHOLZ, .Q = 1, .T = 1, .range = is->D,
                      .path = eum_path_find(EUM_SCHOLZ, name), .scratch = scratch};
    eum_trace tr = {.r = r};
    return eum_round(&cfg, is->n, is->c, is->s, x, out, moves, &tr);
}

/* A scratch carried across issues that grow and shrink (its memory then holds the previous
 * issue's values) gives the same bits as rounds that allocate their own. */
static void test_scratch_reuse(void **state)
{
    (void)state;
    static const size_t sizes[] = {300, 40, 300, 1, 2, 611, 17};
    static const char *names[] = {"sorted", "sorted-vector"};
    for (int p = 0; p < 2; p++) {
        eum_scratch *scratch = eum_scratch_new();
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            issue is = make_issue(sizes[k], k % 3 == 1, 77u + k);
            const size_t n = is.n;
            double *x = malloc(n * sizeof *x), *out[2], *r[2];
            eum_move *mv[2];
            for (int t = 0; t < 2; t++) {
                out[t] = malloc(n * sizeof(double));
                r[t] = calloc(n, sizeof(double));
                mv[t] = malloc(n * sizeof(eum_move));
            }
            memcpy(x, is.x, n * sizeof *x);
            for (int round = 0; round < 3; round++) {
                eum_status st0 = round_with(&is, names[p], NULL, x, out[0], r[0], mv[0]);
                eum_status st1 = round_with(&is, names[p], scratch, x, out[1], r[1], mv[1]);
                assert_int_equal(st0, st1);
                assert_memory_equal(out[0], out[1], n * sizeof(double));
                assert_memory_equal(r[0], r[1], n * sizeof(double));
                test_eum_assert_moves_equal(mv[0], mv[1], n);
                if (st0 != EUM_ROUND_OK) break;
                memcpy(x, out[0], n * sizeof *x);
            }
            for (int t = 0; t < 2; t++) {
                free(out[t]);
                free(r[t]);
                free(mv[t]);
            }
            free(x);
            free_issue(&is);
        }
        eum_scratch_free(scratch);
    }
    eum_scratch_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_against_straight),
        cmocka_unit_test(test_scratch_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
