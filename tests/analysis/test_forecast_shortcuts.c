/*
 * test_forecast_shortcuts.c — the forecast's exact shortcuts against the plain paths they stand
 * in for. The win-set (acceptance.c: fc_winset_nonempty with a list of certificate packages)
 * against the simplex alone (fc_maximin > 1e-12): the hand-computed two-player case of
 * test_forecast.c, a hint between the acceptance threshold and the margin that must not decide,
 * and thousands of random frames (empty and non-empty win-sets, audience costs, issues without
 * a status quo) with hints carried from frame to frame as the forecast's draws carry them. The
 * quantiles by selection (forecast.c: fc_quantile) against interpolation in values sorted by
 * qsort, bit for bit, on arrays full of ties and signed zeros.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/forecast_internal.h"
#include "core/util.h"

/* A frame built by hand, with the quantities fc_frame_update derives (reach, free band). */
typedef struct frame_store {
    fc_frame f;
    double low[8], high[8], none[8];
    fc_player players[6];
    double numbers[6][6][8];
} frame_store;

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

static void player_arrays(frame_store *s, size_t q)
{
    fc_player *p = &s->players[q];
    p->weight = s->numbers[q][0], p->ideal = s->numbers[q][1], p->audience = s->numbers[q][2];
    p->stated = s->numbers[q][3], p->reach = s->numbers[q][4], p->free_band = s->numbers[q][5];
}

/* Fills in reach and free band of player q on issue k (as fc_frame_update). */
static void derive(frame_store *s, size_t q, size_t k)
{
    fc_player *p = &s->players[q];
    double q0 = s->none[k], x = p->ideal[k], pi = p->stated[k];
    p->reach[k] = isnan(q0) ? fmax(x - s->low[k], s->high[k] - x) : fabs(q0 - x);
    p->free_band[k] = isnan(q0) ? fmax(pi - s->low[k], s->high[k] - pi) : fabs(q0 - pi);
}

static void random_frame(frame_store *s, size_t players, size_t issues, double spread)
{
    memset(s, 0, sizeof *s);
    s->f.issue_count = issues;
    s->f.low = s->low, s->f.high = s->high, s->f.no_agreement = s->none;
    s->f.player_count = players;
    s->f.players = s->players;
    for (size_t k = 0; k < issues; k++) {
        s->low[k] = uniform() < 0.5 ? 0 : -10;
        s->high[k] = s->low[k] + (uniform() < 0.5 ? 100 : 10);
        s->none[k] = uniform() < 0.2 ? NAN : s->low[k] + uniform() * (s->high[k] - s->low[k]);
    }
    for (size_t q = 0; q < players; q++) {
        player_arrays(s, q);
        fc_player *p = &s->players[q];
        for (size_t k = 0; k < issues; k++) {
            double w = s->high[k] - s->low[k];
            if (uniform() < 0.15) continue; /* no veto on this issue */
            p->weight[k] = uniform();
            /* near the status quo (or the middle), spread out by `spread` */
            double centre = isnan(s->none[k]) ? s->low[k] + 0.5 * w : s->none[k];
            double x = centre + spread * (uniform() - 0.5) * w;
            p->ideal[k] = fmin(s->high[k], fmax(s->low[k], x));
            p->stated[k] = p->ideal[k];
            if (uniform() < 0.3) {
                p->stated[k] = s->low[k] + uniform() * w;
                p->audience[k] = 0.5 * p->weight[k];
            }
            derive(s, q, k);
        }
    }
}

static double min_surplus(const fc_frame *f, const double *y)
{
    double m = INFINITY;
    for (size_t q = 0; q < f->player_count; q++) m = fmin(m, fc_surplus(f, q, y));
    return m;
}

/* P and Q of test_forecast.c's two_vetoes, by hand: maximin 0.1725 at (20, 16.25). */
static void test_hand_case(void **state)
{
    (void)state;
    frame_store s;
    memset(&s, 0, sizeof s);
    s.f.issue_count = 2, s.f.low = s.low, s.f.high = s.high, s.f.no_agreement = s.none;
    s.f.player_count = 2, s.f.players = s.players;
    const double weight[2][2] = {{0.8, 0.2}, {0.3, 0.6}}, ideal[2][2] = {{20, 60}, {40, 10}};
    for (size_t k = 0; k < 2; k++) s.low[k] = 0, s.high[k] = 100, s.none[k] = 50;
    for (size_t q = 0; q < 2; q++) {
        player_arrays(&s, q);
        for (size_t k = 0; k < 2; k++) {
            s.players[q].weight[k] = weight[q][k];
            s.players[q].ideal[k] = s.players[q].stated[k] = ideal[q][k];
            derive(&s, q, k);
        }
    }
    fc_lp *lp = fc_lp_new();
    fc_hints hints;
    fc_hints_init(&hints, 2);
    /* No hint: the simplex decides, writes its package and keeps it as a hint. */
    double package[2] = {-1, -1};
    assert_int_equal(fc_winset_nonempty(&s.f, lp, &hints, package), 1);
    assert_true(fabs(package[0] - 20) < 1e-9 && fabs(package[1] - 16.25) < 1e-9);
    assert_int_equal(hints.count, 1);
    /* Now the hint decides: the package is left alone. */
    package[0] = package[1] = -1;
    assert_int_equal(fc_winset_nonempty(&s.f, lp, &hints, package), 1);
    assert_true(package[0] == -1 && package[1] == -1);
    /* A hint accepted by less than the margin does not decide: the status quo gives both 0. */
    fc_hints weak;
    fc_hints_init(&weak, 2);
    double sq[2] = {50, 50};
    fc_hints_add(&weak, sq);
    assert_int_equal(fc_winset_nonempty(&s.f, lp, &weak, package), 1);
    assert_true(fabs(package[0] - 20) < 1e-9); /* the simplex ran */
    assert_int_equal(weak.count, 2);
    assert_true(weak.package[0] == package[0] && weak.package[2] == 50); /* newest first */
    fc_hints_free(&weak);
    fc_hints_free(&hints);
    fc_lp_free(lp);
}

/* One issue, ideals on both sides of the status quo: the win-set is empty, and a hint that
 * certified an earlier frame (a package both took there) must not say otherwise. */
static void test_empty_after_full(void **state)
{
    (void)state;
    frame_store s;
    memset(&s, 0, sizeof s);
    s.f.issue_count = 1, s.f.low = s.low, s.f.high = s.high, s.f.no_agreement = s.none;
    s.f.player_count = 2, s.f.players = s.players;
    s.low[0] = 0, s.high[0] = 100, s.none[0] = 50;
    const double ideal_full[2] = {70, 80}, ideal_empty[2] = {20, 80};
    fc_lp *lp = fc_lp_new();
    fc_hints hints;
    fc_hints_init(&hints, 1);
    double package[1];
    for (int round = 0; round < 2; round++) {
        const double *ideal = round == 0 ? ideal_full : ideal_empty;
        for (size_t q = 0; q < 2; q++) {
            player_arrays(&s, q);
            s.players[q].weight[0] = 1;
            s.players[q].ideal[0] = s.players[q].stated[0] = ideal[q];
            derive(&s, q, 0);
        }
        int expected = fc_maximin(&s.f, lp, package) > 1e-12;
        assert_int_equal(expected, round == 0);
        assert_int_equal(fc_winset_nonempty(&s.f, lp, &hints, package), expected);
    }
    assert_int_equal(hints.count, 1); /* the first frame's package */
    fc_hints_free(&hints);
    fc_lp_free(lp);
}

/* Random frames in sequence, hints carried over as in the forecast's draws: the answer is the
 * simplex's every time; and the hints decide often enough to matter (else the test proves
 * nothing about the shortcut). */
static void test_random_frames(void **state)
{
    (void)state;
    fc_lp *lp = fc_lp_new(), *plain_lp = fc_lp_new();
    size_t decided_by_hint = 0, empty = 0, nonempty = 0, near = 0;
    for (int series = 0; series < 40; series++) {
        size_t players = 1 + (size_t)(uniform() * 5), issues = 1 + (size_t)(uniform() * 8);
        double spread = series % 2 ? 0.3 : 1.0;
        fc_hints hints;
        fc_hints_init(&hints, issues);
        for (int draw = 0; draw < 150; draw++) {
            frame_store s;
            random_frame(&s, players, issues, spread);
            double plain[8], fast[8];
            double best = fc_maximin(&s.f, plain_lp, plain);
            int expected = best > 1e-12;
            expected ? nonempty++ : empty++;
            near += best > 0 && best < 1e-3;
            for (size_t k = 0; k < issues; k++) fast[k] = NAN;
            int got = fc_winset_nonempty(&s.f, lp, &hints, fast);
            if (got != expected) fail_msg("series %d draw %d: shortcut %d, simplex %d (best %.17g)", series, draw, got, expected, best);
            if (isnan(fast[0])) {
                decided_by_hint++;
                /* the hint that decided is first, and it is a package every player takes */
                assert_true(min_surplus(&s.f, hints.package) > FC_WINSET_SURE);
            } else {
                for (size_t k = 0; k < issues; k++) assert_true(fast[k] == plain[k]); /* the same simplex */
            }
        }
        fc_hints_free(&hints);
    }
    assert_true(empty > 500);
    assert_true(nonempty > 500);
    assert_true(decided_by_hint > 300);
    assert_true(decided_by_hint < nonempty);
    (void)near;
    fc_lp_free(lp);
    fc_lp_free(plain_lp);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The plain path: sort, then interpolate (what the forecast did before selection). */
static double sorted_quantile(const double *values, size_t n, double p)
{
    double *sorted = malloc((n + 1) * sizeof *sorted);
    memcpy(sorted, values, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_value);
    double h = p * (double)(n - 1);
    size_t i = (size_t)floor(h);
    double q = i + 1 >= n ? sorted[n - 1] : sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]);
    free(sorted);
    return q;
}

static void test_quantiles(void **state)
{
    (void)state;
    static const double ps[] = {0, 0.1, 0.5, 0.9, 0.999};
    double values[3000], work[3000];
    assert_true(isnan(fc_quantile(values, 0, 0.5)));
    for (int trial = 0; trial < 400; trial++) {
        size_t n = 1 + (size_t)(uniform() * (trial < 200 ? 20 : 3000));
        int kind = trial % 4;
        for (size_t k = 0; k < n; k++) {
            double u = uniform();
            if (kind == 0) values[k] = 100 * u;                              /* distinct */
            else if (kind == 1) values[k] = floor(5 * u);                    /* many ties */
            else if (kind == 2) values[k] = u < 0.5 ? (u < 0.25 ? 0.0 : -0.0) : floor(3 * u) - 1;
            else values[k] = k < n / 2 ? 42 : 42 - (double)k / (double)n;    /* runs, ordered */
        }
        for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++) {
            memcpy(work, values, n * sizeof *work);
            double got = fc_quantile(work, n, ps[j]), expected = sorted_quantile(values, n, ps[j]);
            if (memcmp(&got, &expected, sizeof got) != 0)
                fail_msg("n %zu kind %d p %g: selection %.17g, sorted %.17g", n, kind, ps[j], got, expected);
            /* the values are only reordered */
            qsort(work, n, sizeof *work, by_value);
            double *again = malloc(n * sizeof *again);
            memcpy(again, values, n * sizeof *again);
            qsort(again, n, sizeof *again, by_value);
            for (size_t k = 0; k < n; k++) assert_true(work[k] == again[k]);
            free(again);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_case),
        cmocka_unit_test(test_empty_after_full),
        cmocka_unit_test(test_random_frames),
        cmocka_unit_test(test_quantiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
