/*
 * test_war.c — the war-bargaining layer (WB-1) against closed forms and hand computations
 * (docs/models/war.md, "Theory: the closed forms" and "Tests"): Fearon's bargaining range (closed form and the
 * window LP on the one-issue case), mutual optimism, the screening optimum (closed form and a
 * brute-force check of B's payoff), Powell's commitment condition, the gambler's ruin
 * P = 0.7317 (q = 0.55, k = 5, N = 10); the window LP against a grid search; the monotonicity
 * properties (more cost never shrinks the window, another veto player never enlarges it, more
 * public commitment never enlarges it); degenerate cases; and reproducibility of the Monte
 * Carlo across thread counts.
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

#include "war/war.h"
#include "core/scenario.h"
#include "core/war.h"

#include "support/scenario_fixture.h"

/* ---- closed forms ---- */

static void test_fearon_range(void **state)
{
    (void)state;
    double lo, hi;
    en_war_fearon_range(0.6, 0.10, 0.15, &lo, &hi);
    assert_true(fabs(lo - 0.50) < 1e-12);
    assert_true(fabs(hi - 0.75) < 1e-12);
    /* mutual optimism: p_A = 0.7, p_B = 0.4, c_A + c_B = 0.25 → gap 0.30 > 0.25 → no deal */
    assert_false(en_war_fearon_deal_exists(0.7, 0.4, 0.125, 0.125));
    assert_true(en_war_fearon_deal_exists(0.6, 0.4, 0.125, 0.125));
}

/* The one-issue window: A's share x on [0, 100], A's ideal 100, B's 0, linear utilities. */
static double one_issue_window(double reservation_a, double reservation_b, double *x, double *lo,
                               double *hi)
{
    static double low[1] = {0}, high[1] = {100}, zero[1] = {0};
    static double ideal_a[1] = {100}, ideal_b[1] = {0}, weight[1] = {1};
    en_war_player players[2] = {{ideal_a, weight, zero, zero, 0, 0, 0, reservation_a},
                                {ideal_b, weight, zero, zero, 0, 0, 0, reservation_b}};
    en_war_frame f = {1, low, high, zero, zero, zero, zero, -3, 4, 3, 2, players};
    en_war_window_ws *ws = en_war_window_ws_new();
    double slack = en_war_window(&f, ws, x, NULL);
    if (lo) en_war_window_slice(&f, x, 0, lo, hi);
    en_war_window_ws_free(ws);
    return slack;
}

/* (3) the window over a sub-box (conditional packages): the one-issue window with A's
 * reservation 0.3 and B's 0.2 has its maximin at x = 55 (x/100 − 0.3 = 0.8 − x/100), slack
 * 0.25; over [0, 40] the best is x = 40 with min(0.1, 0.4) = 0.1; over [70, 100] x = 70 with
 * min(0.4, 0.1) = 0.1; an empty box or one leaving the scale gives −inf and leaves the
 * package alone. */
static void test_window_box(void **state)
{
    (void)state;
    static double low[1] = {0}, high[1] = {100}, zero[1] = {0};
    static double ideal_a[1] = {100}, ideal_b[1] = {0}, weight[1] = {1};
    en_war_player players[2] = {{ideal_a, weight, zero, zero, 0, 0, 0, 0.3},
                                {ideal_b, weight, zero, zero, 0, 0, 0, 0.2}};
    en_war_frame f = {1, low, high, zero, zero, zero, zero, -3, 4, 3, 2, players};
    en_war_window_ws *ws = en_war_window_ws_new();
    double x = -1;
    assert_true(fabs(en_war_window(&f, ws, &x, NULL) - 0.25) < 1e-9);
    assert_true(fabs(x - 55) < 1e-6);
    double lo1[1] = {0}, hi1[1] = {40};
    assert_true(fabs(en_war_window_box(&f, lo1, hi1, ws, &x, NULL) - 0.1) < 1e-9);
    assert_true(fabs(x - 40) < 1e-6);
    double lo2[1] = {70}, hi2[1] = {100};
    size_t binding = 9;
    assert_true(fabs(en_war_window_box(&f, lo2, hi2, ws, &x, &binding) - 0.1) < 1e-9);
    assert_true(fabs(x - 70) < 1e-6);
    assert_int_equal(binding, 1); /* B's demand binds at x = 70 */
    double lo3[1] = {60}, hi3[1] = {50}, lo4[1] = {-10}, hi4[1] = {50};
    x = 12;
    assert_true(en_war_window_box(&f, lo3, hi3, ws, &x, NULL) == -HUGE_VAL);
    assert_true(en_war_window_box(&f, lo4, hi4, ws, &x, NULL) == -HUGE_VAL);
    assert_true(x == 12);
    /* the box is forgotten after the call: the full window again */
    assert_true(fabs(en_war_window(&f, ws, &x, NULL) - 0.25) < 1e-9);
    en_war_window_ws_free(ws);
}

static void test_fearon_range_is_the_window(void **state)
{
    (void)state;
    /* A's value of war p − c_A, B's (1 − p) − c_B (Fearon 1995): the window is [50, 75]. */
    double x, lo, hi;
    double slack = one_issue_window(0.6 - 0.10, 1 - 0.6 - 0.15, &x, &lo, &hi);
    assert_true(fabs(slack - 0.125) < 1e-9); /* half the range width 0.25 */
    assert_true(fabs(lo - 50) < 1e-6);
    assert_true(fabs(hi - 75) < 1e-6);
    /* mutual optimism (p_A 0.7, p_B 0.4, c = 0.125 each): best x = 55, slack −0.025 */
    slack = one_issue_window(0.7 - 0.125, 1 - 0.4 - 0.125, &x, NULL, NULL);
    assert_true(fabs(slack + 0.025) < 1e-9);
    assert_true(fabs(x - 55) < 1e-6);
}

static void test_screening(void **state)
{
    (void)state;
    double accept;
    double x = en_war_screening_offer(0.5, 0.1, 0.0, 0.3, &accept);
    assert_true(fabs(x - 0.40) < 1e-12);
    assert_true(fabs(accept - 2.0 / 3.0) < 1e-12);
    /* brute force: B's payoff Pr(accept)(1 − x) + (1 − Pr(accept))(1 − p − c_B) */
    double best = -1, best_x = -1;
    for (int i = 0; i <= 100000; i++) {
        double y = 0.2 + 0.3 * i / 100000.0;
        double a = (0.3 - 0.5 + y) / 0.3;
        a = a < 0 ? 0 : a > 1 ? 1 : a;
        double payoff = a * (1 - y) + (1 - a) * (1 - 0.5 - 0.1);
        if (payoff > best) best = payoff, best_x = y;
    }
    assert_true(fabs(best_x - 0.40) < 1e-4);
    /* probability of war 1 − (c_hi + c_B)/(2(c_hi − c_lo)) = 1/3 */
    assert_true(fabs((1 - accept) - 1.0 / 3.0) < 1e-12);
}

static void test_powell(void **state)
{
    (void)state;
    /* δ = 0.95, p0 = 0.40, p1 = 0.70, c_A = c_B = 0.5: LHS 0.265 > RHS 0.04875 → war */
    double margin = en_war_powell_margin(0.95, 0.40, 0.70, 0.5, 0.5);
    assert_true(fabs(margin - (0.265 - 0.04875)) < 1e-12);
    assert_true(margin > 0);
    /* p1 = 0.42: LHS −0.001 < RHS → peace possible */
    margin = en_war_powell_margin(0.95, 0.40, 0.42, 0.5, 0.5);
    assert_true(fabs(margin - (-0.001 - 0.04875)) < 1e-12);
    assert_true(margin < 0);
}

static void test_gamblers_ruin(void **state)
{
    (void)state;
    double p = en_war_gamblers_ruin(0.55, 5, 10);
    assert_true(fabs(p - 0.7317) < 5e-5);
    /* r = 9/11: (1 − r^5)/(1 − r^10) = 1/(1 + r^5) exactly */
    double r5 = pow(9.0 / 11.0, 5);
    assert_true(fabs(p - 1 / (1 + r5)) < 1e-12);
    assert_true(fabs(en_war_gamblers_ruin(0.5, 3, 10) - 0.3) < 1e-12);
    assert_true(en_war_gamblers_ruin(0.55, 0, 10) == 0);
    assert_true(en_war_gamblers_ruin(0.55, 10, 10) == 1);
    /* symmetry: A's win with q equals 1 − B's win from the other end with 1 − q */
    assert_true(fabs(en_war_gamblers_ruin(0.4, 3, 10) - (1 - en_war_gamblers_ruin(0.6, 7, 10))) < 1e-12);
    /* large N, r > 1: no overflow */
    double big = en_war_gamblers_ruin(0.3, 900, 1000);
    assert_true(isfinite(big) && big >= 0 && big <= 1);
}

/* ---- random frames (deterministic LCG) ---- */

typedef struct frame_data {
    size_t m, n;
    double low[4], high[4], tol[4], shift[4], guar[4], ref[4];
    double ideal[6][4], weight[6][4], stated[6][4], commit[6][4];
    en_war_player players[6];
    en_war_frame frame;
} frame_data;

static uint64_t lcg_state = 12345;
static double uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

static void random_frame(frame_data *d, size_t m, size_t n, int audience)
{
    memset(d, 0, sizeof *d);
    d->m = m, d->n = n;
    for (size_t k = 0; k < m; k++) {
        d->low[k] = 0, d->high[k] = 100, d->tol[k] = 10 * uniform(), d->ref[k] = 50;
    }
    for (size_t i = 0; i < n; i++) {
        double total = 0;
        for (size_t k = 0; k < m; k++) {
            d->ideal[i][k] = 100 * uniform();
            d->weight[i][k] = uniform();
            total += d->weight[i][k];
            d->stated[i][k] = 100 * uniform();
            d->commit[i][k] = audience ? uniform() : 0;
        }
        for (size_t k = 0; k < m; k++) d->weight[i][k] /= total;
        d->players[i] = (en_war_player){d->ideal[i], d->weight[i], d->stated[i], d->commit[i],
                                        audience ? 0.5 * uniform() : 0, 0, 0, 0.3 + 0.4 * uniform()};
    }
    d->frame = (en_war_frame){m, d->low, d->high, d->tol, d->shift, d->guar, d->ref, -3, 4, 3, n, d->players};
}

static double slack_of(const en_war_frame *f)
{
    double x[8];
    en_war_window_ws *ws = en_war_window_ws_new();
    double s = en_war_window(f, ws, x, NULL);
    en_war_window_ws_free(ws);
    return s;
}

static void test_window_matches_grid_search(void **state)
{
    (void)state;
    for (int trial = 0; trial < 20; trial++) {
        frame_data d;
        random_frame(&d, 2, 3, trial % 2);
        double s = slack_of(&d.frame);
        double best = -HUGE_VAL;
        for (int i = 0; i <= 400; i++)
            for (int j = 0; j <= 400; j++) {
                double x[2] = {i / 4.0, j / 4.0}, worst = HUGE_VAL;
                for (size_t p = 0; p < d.n; p++) {
                    double v = en_war_surplus(&d.frame, p, x);
                    if (v < worst) worst = v;
                }
                if (worst > best) best = worst;
            }
        /* the LP is exact: at least the grid's best, and no more than the grid's step allows */
        assert_true(s >= best - 1e-9);
        assert_true(s <= best + 0.01);
    }
}

static void test_monotonicity(void **state)
{
    (void)state;
    for (int trial = 0; trial < 100; trial++) {
        frame_data d;
        random_frame(&d, 1 + trial % 4, 2 + trial % 3, trial % 2);
        double base = slack_of(&d.frame);
        /* more cost of fighting (any player) lowers its value of fighting on: the window never
         * shrinks */
        size_t who = (size_t)trial % d.n;
        d.players[who].reservation -= 0.05;
        assert_true(slack_of(&d.frame) >= base - 1e-9);
        d.players[who].reservation += 0.05;
        /* another veto player never enlarges the window */
        if (d.n < 6) {
            frame_data e = d;
            random_frame(&e, d.m, 1, trial % 2); /* draws one fresh player */
            frame_data more = d;
            more.players[d.n] = e.players[0];
            memcpy(more.ideal[d.n], e.ideal[0], sizeof e.ideal[0]);
            memcpy(more.weight[d.n], e.weight[0], sizeof e.weight[0]);
            memcpy(more.stated[d.n], e.stated[0], sizeof e.stated[0]);
            memcpy(more.commit[d.n], e.commit[0], sizeof e.commit[0]);
            for (size_t p = 0; p <= d.n; p++) {
                more.players[p].ideal = more.ideal[p];
                more.players[p].weight = more.weight[p];
                more.players[p].stated = more.stated[p];
                more.players[p].commitment = more.commit[p];
            }
            more.frame = (en_war_frame){d.m, more.low, more.high, more.tol, more.shift, more.guar,
                                        more.ref, -3, 4, 3, d.n + 1, more.players};
            assert_true(slack_of(&more.frame) <= base + 1e-9);
        }
        /* more public commitment never enlarges the window */
        d.players[who].audience = d.players[who].audience > 0 ? d.players[who].audience : 0.3;
        double before = slack_of(&d.frame);
        for (size_t k = 0; k < d.m; k++) d.commit[who][k] = fmin(1, d.commit[who][k] + 0.3);
        assert_true(slack_of(&d.frame) <= before + 1e-9);
    }
}

static void test_degenerate(void **state)
{
    (void)state;
    /* Identical beliefs, no audience costs, no renewal risk: each player's value of fighting on
     * is its utility of the same expected outcome minus a positive cost, so that outcome beats
     * fighting for everyone and the window is open by at least the smallest cost. */
    frame_data d;
    random_frame(&d, 3, 4, 0);
    double outcome[3] = {30, 70, 50}, smallest = HUGE_VAL;
    for (size_t i = 0; i < d.n; i++) {
        double cost = 0.01 + 0.05 * (double)i;
        d.players[i].reservation = en_war_utility(&d.frame, &d.players[i], outcome) - cost;
        smallest = fmin(smallest, cost);
    }
    assert_true(slack_of(&d.frame) >= smallest - 1e-9);
    /* no veto players: nothing can block */
    d.frame.player_count = 0;
    assert_true(isinf(slack_of(&d.frame)));
    /* a player who wants more than any package can give: closed window, slack = its shortfall */
    random_frame(&d, 1, 2, 0);
    d.players[0].reservation = 1.5;
    double x[1];
    size_t binding = 9;
    en_war_window_ws *ws = en_war_window_ws_new();
    double s = en_war_window(&d.frame, ws, x, &binding);
    en_war_window_ws_free(ws);
    assert_true(s < 0);
    assert_int_equal(binding, 0);
}

static void test_renewal_term(void **state)
{
    (void)state;
    /* R_i = L_i · logistic(a0 + side·a1·Δq − a2·G): with the package at the reference and no
     * guarantees the probability is logistic(a0) = 1/(1 + e^3). */
    double low[1] = {0}, high[1] = {100}, tol[1] = {0}, shift[1] = {0.5}, guar[1] = {0}, ref[1] = {40};
    double x[1] = {40};
    en_war_frame f = {1, low, high, tol, shift, guar, ref, -3, 4, 3, 0, NULL};
    assert_true(fabs(en_war_renewal_probability(&f, 1, x) - 1 / (1 + exp(3.0))) < 1e-12);
    /* moving 50 points toward B shifts B's edge by 0.25: logit −3 + 4·0.25 = −2 for A's side */
    x[0] = 90;
    assert_true(fabs(en_war_renewal_probability(&f, 1, x) - 1 / (1 + exp(2.0))) < 1e-12);
    assert_true(fabs(en_war_renewal_probability(&f, -1, x) - 1 / (1 + exp(4.0))) < 1e-12);
}

/* ---- the simulation ---- */

static const char scenario_text[] =
    "entente: 1\n"
    "title: two belligerents and a patron\n"
    "issues:\n"
    "  - {id: land, scale: [0, 100], status_quo: 50}\n"
    "  - {id: bloc, scale: [0, 100], status_quo: 20}\n"
    "actors:\n"
    "  - id: A\n"
    "    role: party\n"
    "    capability: 50\n"
    "    positions: {land: {position: 0, salience: 0.9}, bloc: {position: 20, salience: 0.5}}\n"
    "  - id: B\n"
    "    role: party\n"
    "    capability: 100\n"
    "    positions: {land: {position: 100, salience: 0.8}, bloc: {position: 100, salience: 0.9}}\n"
    "  - id: P\n"
    "    role: patron\n"
    "    patron_of: A\n"
    "    capability: 40\n"
    "    veto: [bloc]\n"
    "    positions: {bloc: {position: 0, salience: 0.7}}\n"
    "war:\n"
    "  start: 2022-01-01\n"
    "  end: 2023-06-30\n"
    "  belligerents: [A, B]\n"
    "  territory: land\n"
    "  front: {value: 0.5, low: 0.4, high: 0.6}\n"
    "  parameters: {decisive_weight: 0.3, front_speed: 0.004}\n"
    "  actors:\n"
    "    A: {flow_cost: {value: 0.004, low: 0.002, high: 0.006}, prior_q: 0.6, audience_cost: 0.5, renewal_loss: 0.3, ratify: 0.8}\n"
    "    B: {flow_cost: 0.003, prior_q: 0.4, audience_cost: 0.5}\n"
    "    P: {aid_flow: 0.5, flow_to_stall: 0.05}\n"
    "  timeline:\n"
    "    - {date: 2022-03-01, type: commitment, actor: B, issue: land, change: 0.8, stated: 100}\n"
    "    - {date: 2022-06-01, type: channel_close, actor: A}\n"
    "    - {date: 2022-09-01, type: aid_stall, actor: P}\n"
    "    - {date: 2023-01-01, type: channel_open}\n";

static char *simulate_json(const en_scenario *s, int threads, unsigned long seed)
{
    en_war_options o;
    en_war_options_init(&o);
    o.runs = 64;
    o.threads = threads;
    o.seed = seed;
    o.explain_day = -1;
    en_war_summary *m = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_war_simulate(s, &o, &m, &err), EN_OK);
    en_node *node = en_war_summary_node(m);
    en_buffer out = {0};
    en_json_write_node(&out, node);
    en_node_free(node);
    en_war_summary_free(m);
    return out.data;
}

static void test_reproducible_across_threads(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(scenario_text);
    char *one = simulate_json(s, 1, 7), *three = simulate_json(s, 3, 7), *again = simulate_json(s, 2, 7);
    char *other = simulate_json(s, 1, 8);
    assert_string_equal(one, three);
    assert_string_equal(one, again);
    assert_true(strcmp(one, other) != 0);
    assert_non_null(strstr(one, "\"steps\": [{\"date\": \"2022-01-01\", \"p_window_open\": "));
    assert_non_null(strstr(one, "\"runs\": 64"));
    assert_non_null(strstr(one, "\"seed\": 7"));
    assert_non_null(strstr(one, "\"deals\": {"));
    free(one), free(three), free(again), free(other);
    en_scenario_free(s);
}

static void test_simulation_clone_and_explain(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(scenario_text);
    en_scenario *c = en_scenario_clone(s);
    char *a = simulate_json(s, 1, 3), *b = simulate_json(c, 1, 3);
    assert_string_equal(a, b); /* the clone carries the war section */
    free(a), free(b);
    en_war_options o;
    en_war_options_init(&o);
    o.runs = 16;
    int ok;
    o.explain_day = en_date_days("2022-04-15", &ok);
    assert_true(ok);
    en_war_summary *m = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_war_simulate(c, &o, &m, &err), EN_OK);
    en_buffer text = {0};
    en_war_explain_text(m, &text);
    assert_non_null(strstr(text.data, "Explain 2022-04-09"));
    assert_non_null(strstr(text.data, "  A "));
    assert_non_null(strstr(text.data, "  P "));
    en_buffer_free(&text);
    en_war_summary_free(m);
    /* an explain date outside the run is an input error */
    o.explain_day = en_date_days("2030-01-01", &ok);
    assert_int_equal(en_war_simulate(c, &o, &m, &err), EN_ERROR_INPUT);
    en_error_clear(&err);
    /* --settle-with an unknown model */
    o.explain_day = -1;
    o.settle_with = "nope";
    assert_int_equal(en_war_simulate(c, &o, &m, &err), EN_ERROR_INPUT);
    en_error_clear(&err);
    /* --settle-with compromise signs deals inside the window too: deals are signed (every
     * run of this scenario opens the window) and each issue's median term is a number on the
     * issue's scale [0, 100] */
    o.settle_with = "compromise";
    assert_int_equal(en_war_simulate(c, &o, &m, &err), EN_OK);
    assert_true(en_war_summary_p_deal(m) > 0);
    for (size_t i = 0; i < en_scenario_issue_count(c); i++) {
        double term = en_war_summary_median_term(m, i);
        assert_true(term >= 0 && term <= 100);
    }
    /* a summary simulated without an explain day has nothing to explain: an input error in
     * either layout, nothing written */
    char *written = NULL;
    size_t written_size = 0;
    FILE *mem = open_memstream(&written, &written_size);
    assert_non_null(mem);
    assert_int_equal(en_war_explain_write(m, EN_OUTPUT_TEXT, mem, &err), EN_ERROR_INPUT);
    assert_non_null(strstr(err.message, "explain_day"));
    en_error_clear(&err);
    assert_int_equal(en_war_explain_write(m, EN_OUTPUT_JSON, mem, &err), EN_ERROR_INPUT);
    en_error_clear(&err);
    fclose(mem);
    assert_int_equal(written_size, 0);
    free(written);
    en_war_summary_free(m);
    en_scenario_free(c);
    en_scenario_free(s);
}

static void test_dates(void **state)
{
    (void)state;
    int ok;
    assert_int_equal(en_date_days("1970-01-01", &ok), 0);
    assert_true(ok);
    assert_int_equal(en_date_days("2000-03-01", &ok), 11017);
    assert_int_equal(en_date_days("2024-02-29", &ok), 19782);
    assert_true(ok);
    en_date_days("2023-02-29", &ok);
    assert_false(ok);
    en_date_days("2023-1-01", &ok);
    assert_false(ok);
    char out[16];
    en_date_format(19782, out, sizeof out);
    assert_string_equal(out, "2024-02-29");
    en_date_format(-1, out, sizeof out);
    assert_string_equal(out, "1969-12-31");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fearon_range),
        cmocka_unit_test(test_window_box), cmocka_unit_test(test_fearon_range_is_the_window),
        cmocka_unit_test(test_screening),
        cmocka_unit_test(test_powell),
        cmocka_unit_test(test_gamblers_ruin),
        cmocka_unit_test(test_window_matches_grid_search),
        cmocka_unit_test(test_monotonicity),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_renewal_term),
        cmocka_unit_test(test_reproducible_across_threads),
        cmocka_unit_test(test_simulation_clone_and_explain),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
