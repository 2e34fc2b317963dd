/*
 * test_eum.c — the EUM kernels against the reference trajectories (tests/golden/bdm): the
 * straight path must reproduce every golden round bit for bit (positions, r, mean, median and
 * the moves that changed a position), round 1 of each trace__ file matrix by matrix, and the
 * reference's division-by-zero points as clean stops.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include "io/ytree.h"

#include "core/result.h"
#include "models/eum.h"
#include "support/eum_golden.h"

static eum_config golden_config(const eum_golden *g, int fast)
{
    eum_config cfg = {.variant = g->masad ? EUM_MASAD : EUM_SCHOLZ,
                      .Q = g->Q,
                      .T = g->T,
                      .range = g->range,
                      .xmin = g->xmin,
                      .xmax = g->xmax,
                      .path = fast ? eum_path_find(g->masad ? EUM_MASAD : EUM_SCHOLZ, "fast") : NULL};
    return cfg;
}

/* Runs the kernel over every round of golden `name`. tolerance 0: exact equality. Rounds after
 * `loose_after` are only checked for the move types (docs/models/eum.md, "Straight and fast paths":
 * bdm1__ExampleActors is chaotic).
 * restart: every round starts from the golden's previous positions instead of our own (isolates
 * one round's error). r_tolerance: for r, see test_golden_fast_close. Returns the number of
 * rounds compared. */
static size_t check_golden_ex(const char *name, int fast, double tolerance, size_t loose_after,
                              int restart, double r_tolerance)
{
    eum_golden *g = eum_golden_load(name);
    assert_non_null(g);
    const size_t n = g->n;
    eum_config cfg = golden_config(g, fast);
    double *x = malloc(n * sizeof *x), *next = malloc(n * sizeof *next);
    double *w = malloc(n * sizeof *w), *r = malloc(n * sizeof *r);
    eum_move *moves = malloc(n * sizeof *moves);
    memcpy(x, g->x, n * sizeof *x);
    for (size_t k = 0; k < n; k++) {
        w[k] = g->c[k] * g->s[k];
        assert_true(x[k] == g->rounds[0].x[k]);
    }
    assert_true(en_weighted_mean(x, w, n) == g->rounds[0].mean);
    assert_true(en_weighted_median(x, w, n) == g->rounds[0].median);
    size_t compared = 0;
    for (size_t t = 1; t < g->round_count; t++) {
        const eum_golden_round *gr = &g->rounds[t];
        if (restart) memcpy(x, g->rounds[t - 1].x, n * sizeof *x);
        eum_trace trace = {.r = r};
        eum_status st = eum_round(&cfg, n, g->c, g->s, x, next, moves, &trace);
        if (st != EUM_ROUND_OK) fail_msg("%s round %zu: %s", name, t, eum_status_name(st));
        double tol = t > loose_after ? INFINITY : tolerance;
        for (size_t k = 0; k < n; k++) {
            if (tol == 0) {
                if (next[k] != gr->x[k] || r[k] != gr->r[k])
                    fail_msg("%s round %zu actor %s: x %.17g vs %.17g, r %.17g vs %.17g", name, t,
                             g->names[k], next[k], gr->x[k], r[k], gr->r[k]);
            } else if (!(fabs(next[k] - gr->x[k]) <= tol) ||
                       !(fabs(r[k] - gr->r[k]) <= (tol < INFINITY ? r_tolerance : tol))) {
                fail_msg("%s round %zu actor %s: x %.17g vs %.17g, r %.17g vs %.17g (tol %g)",
                         name, t, g->names[k], next[k], gr->x[k], r[k], gr->r[k], tol);
            }
        }
        double mean = en_weighted_mean(next, w, n), median = en_weighted_median(next, w, n);
        if (tol == 0) {
            assert_true(mean == gr->mean);
            assert_true(median == gr->median);
        } else if (tol < INFINITY) {
            assert_true(fabs(mean - gr->mean) <= tol);
            assert_true(fabs(median - gr->median) <= tol);
        }
        /* moves that changed a position: same type and partner everywhere; same numbers
         * where the positions are compared */
        for (size_t m = 0; m < gr->move_count; m++) {
            const eum_golden_move *gm = &gr->moves[m];
            if (gm->new_position == g->rounds[t - 1].x[gm->actor]) continue;
            const eum_move *mv = &moves[gm->actor];
            if (strcmp(eum_move_type_name(mv->type), gm->type) != 0)
                fail_msg("%s round %zu %s: move %s vs %s", name, t, g->names[gm->actor],
                         eum_move_type_name(mv->type), gm->type);
            /* on exact EU ties the partner may be another actor at the same position; the
             * straight path, which breaks ties in the reference's order, names the same one */
            assert_true(mv->with >= 0 && (size_t)mv->with < n);
            assert_true(gm->with >= 0 && (size_t)gm->with < n);
            assert_true(x[mv->with] == x[gm->with]);
            if (tol == 0) assert_int_equal(mv->with, gm->with);
            if (tol == 0) {
                assert_true(mv->eu_self == gm->eu_self && mv->eu_other == gm->eu_other);
                assert_true(mv->new_position == gm->new_position);
            } else if (tol < INFINITY) {
                assert_true(fabs(mv->eu_self - gm->eu_self) <= tol);
                assert_true(fabs(mv->eu_other - gm->eu_other) <= tol);
            }
        }
        memcpy(x, next, n * sizeof *x);
        compared++;
    }
    if (g->terminated_round >= 0) {
        /* the reference divided by zero here: entente must stop cleanly instead */
        eum_status st = eum_round(&cfg, n, g->c, g->s, x, next, moves, NULL);
        assert_int_not_equal(st, EUM_ROUND_OK);
        for (size_t k = 0; k < n; k++) assert_true(next[k] == x[k]);
    }
    free(x);
    free(next);
    free(w);
    free(r);
    free(moves);
    eum_golden_free(g);
    return compared;
}

static size_t check_golden(const char *name, int fast, double tolerance, size_t loose_after)
{
    return check_golden_ex(name, fast, tolerance, loose_after, 0, tolerance);
}

static void test_golden_straight_exact(void **state)
{
    (void)state;
    char **names = eum_golden_names();
    size_t files = 0, rounds = 0;
    for (size_t k = 0; names[k]; k++, files++) rounds += check_golden(names[k], 0, 0.0, (size_t)-1);
    print_message("straight path: %zu golden files, %zu rounds bit-identical\n", files, rounds);
    assert_true(files >= 5);
    eum_golden_names_free(names);
}

/* The fast path reorders sums. Positions, mean, median and the moves' EUs stay within 1e-9 of
 * the reference over whole trajectories (docs/models/eum.md, "Straight and fast paths"; bdm1__ExampleActors only up to
 * round 40).
 * r is checked to 1e-9 round by round from the reference's positions: over a whole trajectory it
 * can drift further, because late in a converging run the danger / security sums are nearly
 * equal and R = (2S − max − min)/(max − min) amplifies a 5e-12 position difference (bdm2 synth-50:
 * r differs by 2.4e-9 at round 50 with positions within 6e-12). */
static void test_golden_fast_close(void **state)
{
    (void)state;
    char **names = eum_golden_names();
    for (size_t k = 0; names[k]; k++) {
        size_t loose = strcmp(names[k], "bdm1__ExampleActors.json") == 0 ? 40 : (size_t)-1;
        check_golden_ex(names[k], 1, 1e-9, loose, 0, 1e-7);
        check_golden_ex(names[k], 1, 1e-9, (size_t)-1, 1, 1e-9);
    }
    eum_golden_names_free(names);
}

/* ---- round-1 trace matrices ------------------------------------------------------------- */

/* Reads key (a vector or an n×n matrix with null diagonal) of a trace file into out. */
static int trace_values(en_ynode *root, const char *path, double *out, size_t n)
{
    en_ynode *node = en_ynode_by_path(root, path, EN_YNT, EN_YNWF_DONT_FOLLOW);
    if (!node) return 0;
    size_t count = (size_t)en_ynode_sequence_item_count(node);
    if (count != n) return 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        en_ynode *item = en_ynode_sequence_get_by_index(node, (int)i);
        if (en_ynode_is_sequence(item)) {
            for (size_t j = 0; j < n; j++) {
                size_t len;
                const char *t = en_ynode_get_scalar(en_ynode_sequence_get_by_index(item, (int)j), &len);
                out[at++] = (t && len == 4 && memcmp(t, "null", 4) == 0) ? NAN : strtod(t, NULL);
            }
        } else {
            size_t len;
            const char *t = en_ynode_get_scalar(item, &len);
            out[at++] = strtod(t, NULL);
        }
    }
    return 1;
}

static void expect_same(const char *file, const char *what, const double *want,
                        const double *got, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        if (isnan(want[k])) continue; /* diagonal */
        if (want[k] != got[k])
            fail_msg("%s %s[%zu]: %.17g, reference %.17g", file, what, k, got[k], want[k]);
    }
}

typedef struct trace_check {
    const char *key;
    const double *got;
    size_t count;
} trace_check;

static void check_trace(const char *trace_name, const char *golden_name, double Q, double T)
{
    eum_golden *g = eum_golden_load(golden_name);
    assert_non_null(g);
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/bdm/%s", ENTENTE_SOURCE_DIR, trace_name);
    en_ytree *doc = en_ytree_load_file(path);
    assert_non_null(doc);
    en_ynode *root = en_ytree_root(doc);
    const size_t n = g->n, nn = n * n;
    eum_config cfg = golden_config(g, 0);
    cfg.Q = Q;
    cfg.T = T;
    double *buf = calloc(16 * nn + 8 * n, sizeof *buf), *want = calloc(nn, sizeof *want);
    eum_trace tr = {0};
    double *at = buf;
    tr.r = at, at += n;
    tr.danger = at, at += n;
    tr.R = at, at += n;
    tr.eu_self = at, at += nn;
    tr.eu_other = at, at += nn;
    tr.P_risk = at, at += nn;
    tr.P = at, at += nn;
    for (int u = 0; u < 5; u++) tr.U1[u] = at, at += nn;
    for (int u = 0; u < 5; u++) tr.U2[u] = at, at += nn;
    double *next = at;
    at += n;
    eum_move *moves = calloc(n, sizeof *moves);
    assert_int_equal(eum_round(&cfg, n, g->c, g->s, g->x, next, moves, &tr), EUM_ROUND_OK);
    static const char *const unames[5] = {"Us", "Uf", "Ub", "Uw", "Usq"};
    trace_check checks[24];
    size_t nc = 0;
    if (!g->masad) {
        checks[nc++] = (trace_check){"/P_r1", tr.P_risk, nn};
        checks[nc++] = (trace_check){"/danger_level_r1", tr.danger, n};
        checks[nc++] = (trace_check){"/risk_acceptance_R", tr.R, n};
        checks[nc++] = (trace_check){"/r", tr.r, n};
        checks[nc++] = (trace_check){"/P_round", tr.P, nn};
        checks[nc++] = (trace_check){"/eu_i_challenges_j__from_i", tr.eu_self, nn};
        checks[nc++] = (trace_check){"/eu_j_challenges_i__from_i", tr.eu_other, nn};
    } else {
        checks[nc++] = (trace_check){"/P", tr.P, nn};
        checks[nc++] = (trace_check){"/EU_pass1", tr.P_risk, nn};
        checks[nc++] = (trace_check){"/security_sum_over_alters_of_EU_alter_vs_i", tr.danger, n};
        checks[nc++] = (trace_check){"/r", tr.r, n};
        checks[nc++] = (trace_check){"/EU_pass2", tr.eu_self, nn};
    }
    for (size_t k = 0; k < nc; k++) {
        if (!trace_values(root, checks[k].key, want, n)) fail_msg("%s: no %s", trace_name, checks[k].key);
        expect_same(trace_name, checks[k].key, want, checks[k].got, checks[k].count);
    }
    if (g->masad) {
        for (int u = 0; u < 5; u++) {
            char key[64];
            snprintf(key, sizeof key, "/utilities_pass1/%s", unames[u]);
            assert_true(trace_values(root, key, want, n));
            expect_same(trace_name, key, want, tr.U1[u], nn);
            snprintf(key, sizeof key, "/utilities_pass2/%s", unames[u]);
            assert_true(trace_values(root, key, want, n));
            expect_same(trace_name, key, want, tr.U2[u], nn);
        }
        en_ynode *mu = en_ynode_by_path(root, "/mu_pass2", EN_YNT, EN_YNWF_DONT_FOLLOW);
        assert_true(strtod(en_ynode_get_scalar(mu, &(size_t){0}), NULL) == tr.mu2);
        mu = en_ynode_by_path(root, "/mu_pass1", EN_YNT, EN_YNWF_DONT_FOLLOW);
        assert_true(strtod(en_ynode_get_scalar(mu, &(size_t){0}), NULL) == tr.mu1);
    }
    /* positions after the round */
    en_ynode *after = en_ynode_by_path(root, "/positions_after", EN_YNT, EN_YNWF_DONT_FOLLOW);
    for (size_t k = 0; k < n; k++) {
        en_ynode *v = en_ynode_mapping_lookup_by_string(after, g->names[k], EN_YNT);
        assert_true(strtod(en_ynode_get_scalar(v, &(size_t){0}), NULL) == next[k]);
    }
    en_ytree_free(doc);
    free(buf);
    free(want);
    free(moves);
    eum_golden_free(g);
}

static void test_trace_matrices(void **state)
{
    (void)state;
    check_trace("trace__bdm1__ExampleActors__round1.json", "bdm1__ExampleActors.json", 1, 1);
    check_trace("trace__bdm1__ExampleActors__round1__Q0.5.json", "bdm1__ExampleActors.json", 0.5, 1);
    check_trace("trace__bdm2__ExampleActors__round1.json", "bdm2__ExampleActors.json", 1, 1);
    check_trace("trace__bdm2__ExampleActors__round1__Q0.5_T0.5.json", "bdm2__ExampleActors.json",
                0.5, 0.5);
}

/* ---- degenerate input: the references divide by zero, entente stops cleanly ----------- */

static eum_status round_moves(eum_variant variant, int fast, size_t n, const double *c,
                              const double *s, const double *x, double *next, eum_move *moves);

static eum_status one_round(eum_variant variant, int fast, size_t n, const double *c,
                            const double *s, const double *x, double *next)
{
    eum_move moves[16];
    return round_moves(variant, fast, n, c, s, x, next, moves);
}

/* One round of the kernel on (c, s, x), the range spanned by x; every new position finite. */
static eum_status round_moves(eum_variant variant, int fast, size_t n, const double *c,
                              const double *s, const double *x, double *next, eum_move *moves)
{
    double lo = x[0], hi = x[0];
    for (size_t k = 0; k < n; k++) {
        if (x[k] < lo) lo = x[k];
        if (x[k] > hi) hi = x[k];
    }
    eum_config cfg = {.variant = variant, .Q = 1, .T = 1, .range = hi - lo, .xmin = 0,
                      .xmax = 10, .path = fast ? eum_path_find(variant, "fast") : NULL};
    eum_status st = eum_round(&cfg, n, c, s, x, next, moves, NULL);
    for (size_t k = 0; k < n; k++) assert_true(isfinite(next[k]));
    return st;
}

static void test_degenerate(void **state)
{
    (void)state;
    double next[8];
    for (int variant = 0; variant < 2; variant++)
        for (int fast = 0; fast < 2; fast++) {
            /* everyone at one position */
            const double c1[] = {1, 2, 3}, s1[] = {0.5, 0.5, 0.5}, x1[] = {5, 5, 5};
            assert_int_equal(one_round(variant, fast, 3, c1, s1, x1, next), EUM_ROUND_CONSENSUS);
            /* one actor only */
            assert_int_equal(one_round(variant, fast, 1, c1, s1, x1, next), EUM_ROUND_CONSENSUS);
            /* symmetric blocs: equal danger levels */
            const double c2[] = {1, 1, 1, 1}, s2[] = {0.5, 0.5, 0.5, 0.5}, x2[] = {0, 0, 10, 10};
            assert_int_equal(one_round(variant, fast, 4, c2, s2, x2, next), EUM_ROUND_EQUAL_DANGER);
            /* no weight at all */
            const double s3[] = {0, 0, 0}, x3[] = {1, 4, 9};
            assert_int_equal(one_round(variant, fast, 3, c1, s3, x3, next),
                             EUM_ROUND_NO_INFORMATION);
            /* no capability at all */
            const double c4[] = {0, 0, 0}, s4[] = {1, 1, 1}, x4[] = {2, 8, 5};
            assert_int_equal(one_round(variant, fast, 3, c4, s4, x4, next),
                             EUM_ROUND_NO_INFORMATION);
            /* one actor without capability (1), one without salience (2): the round runs.
             * Actor 2 never resists (s = 0), so whoever challenges it gets its success
             * utility for sure: E^2(j→2) = Us − Q·Usq > E^2(2→j) whenever j resists at all
             * (s_j > 0, P < 1, Uf < Us). Every offer it takes is thus a confrontation it
             * loses, and it moves exactly onto its challenger. */
            const double c5[] = {1, 0, 2, 1}, s5[] = {0.5, 0.7, 0, 0.9}, x5[] = {1, 3, 6, 9};
            eum_move m5[4];
            assert_int_equal(round_moves(variant, fast, 4, c5, s5, x5, next, m5), EUM_ROUND_OK);
            assert_int_equal(m5[2].type, EUM_MOVE_CONFRONTATION);
            assert_true(m5[2].eu_other > m5[2].eu_self && m5[2].eu_self > 0);
            assert_true(m5[2].with >= 0 && m5[2].with < 4 && m5[2].with != 2);
            assert_true(next[2] == x5[m5[2].with]);
            /* the straight and the fast path agree on every new position */
            double other[4];
            assert_int_equal(one_round(variant, !fast, 4, c5, s5, x5, other), EUM_ROUND_OK);
            for (size_t k = 0; k < 4; k++) assert_true(next[k] == other[k]);
        }
    /* masad: positions outside the scale are rejected, not turned into NaN */
    const double c6[] = {1, 1}, s6[] = {0.5, 0.5}, x6[] = {-1, 5};
    assert_int_equal(one_round(EUM_MASAD, 0, 2, c6, s6, x6, next), EUM_ROUND_BAD_INPUT);
    assert_int_equal(one_round(EUM_MASAD, 1, 2, c6, s6, x6, next), EUM_ROUND_BAD_INPUT);
}

/* Two actors (docs/models/eum.md, "Small and degenerate cases"): scholz — one confrontation, then consensus; masad — fixed point. */
static void test_two_actors(void **state)
{
    (void)state;
    const double c[] = {1, 2}, s[] = {0.6, 0.8}, x[] = {2, 7};
    double next[2], after[2];
    assert_int_equal(one_round(EUM_SCHOLZ, 0, 2, c, s, x, next), EUM_ROUND_OK);
    assert_true(next[0] == next[1]);
    assert_int_equal(one_round(EUM_SCHOLZ, 0, 2, c, s, next, after), EUM_ROUND_CONSENSUS);
    assert_int_equal(one_round(EUM_MASAD, 0, 2, c, s, x, next), EUM_ROUND_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_straight_exact),
        cmocka_unit_test(test_trace_matrices),
        cmocka_unit_test(test_golden_fast_close),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_two_actors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
