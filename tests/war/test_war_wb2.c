/*
 * test_war_wb2.c — the WB-2 mechanisms of the war layer (docs/models/war.md, "WB-2") against
 * hand derivations on a one-issue war where everything is known in closed form: A's share of a
 * frozen front z = 0.5, linear utilities that sum to 1, so the total surplus of any package is
 * C = (1 − δ^H) + (κ_A + κ_B)(1 − δ^H)/(1 − δ), less the private types.
 *   (1) screening: the offer rule against Fearon's closed form and brute force, and P(deal at
 *       the first step) against a numerical integral over both types;
 *   (8) the talks ramp: P(deal at step 0) = 1 − exp(−days/ramp);
 *   (5) channel chill (P(talks at step 1) = p(1 − chill·p)), hardening, public ratification;
 *   (6) a patron's pressure closes a window and opens one, and is named;
 *   (2) a guarantee weighted by its guarantor's stake (hand logistic at the package);
 *   (4) the value of fighting on along the power path of announced aid (hand recursion); the
 *       veto players' private priors (their spread and independence) and their update from a
 *       noisy reading of the battle (the belief's variance after one step against a numerical
 *       integral of the clamped reading);
 *   (2) renewal valued at the post-deal balance of power: the loss recorded against a hand
 *       valuation of the war resumed from the deal's line with the deal's power shift, and the
 *       deal's value with it in the renewal term;
 *   (3) monotone utility on a divisible good: a veto player's value of the deal with its aim
 *       at its end of the scale;
 *   (7) a culpable leader's slack (closed form) and its reset by a leader change;
 *   kinds of deal (bare ceasefire, victor's ceasefire); --as-of and scheduled events;
 *   rate_days (same output at the stated step, same P(deal by a date) at a daily step).
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
#include "war/war_internal.h"
#include "core/scenario.h"
#include "core/war.h"

#include "support/scenario_fixture.h"
#include "support/war_fixture.h"

#define RUNS 4000

/* Extra per-issue parameters of `bloc` in the next scenario() (", guarantee: 1"). */
static const char *bloc_extra = "";
/* ... and of `land` (", monotone: 1"). */
static const char *land_extra = "";

/* A one-issue war, A's share on a frozen front; `params` (global parameters), `actor_params`
 * ("A: {...}, P: {...}" entries merged into the defaults below), extra actors, extra keys of the
 * war section and a timeline are spliced in. */
static void merge_actor(char *out, size_t size, const char *actor_params, const char *id)
{
    /* the entry "ID: {...}" of actor_params, without its braces, or "" */
    out[0] = '\0';
    if (!actor_params) return;
    char key[16];
    snprintf(key, sizeof key, "%s: {", id);
    const char *at = strstr(actor_params, key);
    if (!at) return;
    at += strlen(key);
    const char *end = at;
    int depth = 1;
    while (*end && depth) {
        if (*end == '{') depth++;
        if (*end == '}') depth--;
        if (depth) end++;
    }
    snprintf(out, size, ", %.*s", (int)(end - at), at);
}

static en_scenario *scenario(const char *params, const char *actor_params, const char *extra_actors,
                             const char *extra_war, const char *timeline)
{
    char a_params[512], b_params[512], p_params[512], q_params[512];
    merge_actor(a_params, sizeof a_params, actor_params, "A");
    merge_actor(b_params, sizeof b_params, actor_params, "B");
    merge_actor(p_params, sizeof p_params, actor_params, "P");
    merge_actor(q_params, sizeof q_params, actor_params, "Q");
    /* defaults that switch the WB-2 mechanisms and the noise off, unless `params` sets them */
    static const char *const defaults[] = {"front_speed: 0", "jump_rate: 0", "decisive_weight: 0",
                                           "p_talk_mediated: 0", "p_talk_closed: 0", "talk_ramp_days: 0",
                                           "chill: 0", "harden: 0", "ratify_audience: 0", "ceasefire: 0",
                                           "victor_signs: 0", "signal_noise: 0", "observe_noise: 0",
                                           "renewal_power: 0", "war_value: 0",
                                           "renewal_probability: 0", "ceasefire_first: 0",
                                           "mediator_pressure: 0"};
    char globals[1024] = "";
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        char key[64];
        snprintf(key, sizeof key, " %.*s", (int)(strchr(defaults[i], ':') - defaults[i] + 1), defaults[i]);
        if (params && strstr(params, key)) continue;
        size_t used = strlen(globals);
        snprintf(globals + used, sizeof globals - used, "%s%s", used ? ", " : "", defaults[i]);
    }
    char others[1200] = "";
    if (p_params[0]) snprintf(others, sizeof others, ", P: {%s}", p_params + 2);
    if (q_params[0]) {
        size_t used = strlen(others);
        snprintf(others + used, sizeof others - used, ", Q: {%s}", q_params + 2);
    }
    char text[8192];
    snprintf(text, sizeof text,
             "entente: 1\n"
             "title: one-issue war\n"
             "issues:\n"
             "  - {id: land, scale: [0, 100], status_quo: 50}\n"
             "  - {id: bloc, scale: [0, 100], status_quo: 20}\n"
             "actors:\n"
             "  - {id: A, role: party, capability: 50, positions: {land: {position: 0, salience: 1}, bloc: {position: 0, salience: 0.0001}}}\n"
             "  - {id: B, role: party, capability: 50, positions: {land: {position: 100, salience: 1}, bloc: {position: 100, salience: 0.0001}}}\n"
             "%s"
             "war:\n"
             "  start: 2022-01-01\n"
             "  end: 2022-06-30\n"
             "  belligerents: [A, B]\n"
             "  territory: land\n"
             "  front: 0.5\n"
             "%s"
             "  parameters: {%s%s}\n"
             "  issues: {land: {eta: 1%s}, bloc: {battlefield: 0%s}}\n"
             "  actors: {A: {flow_cost: 0.003, prior_q: 0.5%s%s}, B: {flow_cost: 0.003, prior_q: 0.5%s%s}%s}\n"
             "%s",
             extra_actors ? extra_actors : "", extra_war ? extra_war : "", globals, params ? params : "",
             land_extra, bloc_extra,
             strstr(a_params, "ratify:") ? "" : ", ratify: 1", a_params,
             strstr(b_params, "ratify:") ? "" : ", ratify: 1", b_params, others, timeline ? timeline : "");
    return fixture_yaml(text);
}

static en_war_summary *simulate(const en_scenario *s, long runs, int window_only, long as_of_day)
{
    en_war_options o;
    en_war_options_init(&o);
    o.runs = runs;
    o.seed = 11;
    o.threads = 2;
    o.window_only = window_only;
    o.as_of_day = as_of_day;
    en_war_summary *m = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_war_simulate(s, &o, &m, &err);
    if (st != EN_OK) en_error_print(&err, stderr);
    assert_int_equal(st, EN_OK);
    return m;
}

/* A window-only run of `runs` runs (default seed and threads) explaining the step of `date`. */
static en_war_summary *explain_run(const en_scenario *s, long runs, const char *date)
{
    en_war_options o;
    en_war_options_init(&o);
    o.runs = runs;
    o.window_only = 1;
    int ok;
    o.explain_day = en_date_days(date, &ok);
    en_war_summary *m = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_war_simulate(s, &o, &m, &err), EN_OK);
    return m;
}

static double share_deal_at(const en_war_summary *m, long step)
{
    long n = 0;
    for (long r = 0; r < m->runs; r++) n += m->first_deal[r] == step;
    return (double)n / (double)m->runs;
}

static double share_miss_at(const en_war_summary *m, long step, int miss)
{
    long n = 0;
    for (long r = 0; r < m->runs; r++) n += m->miss[(size_t)r * (size_t)m->steps + (size_t)step] == miss;
    return (double)n / (double)m->runs;
}

static double share_open_at(const en_war_summary *m, long step)
{
    long n = 0;
    for (long r = 0; r < m->runs; r++) n += m->open[(size_t)r * (size_t)m->steps + (size_t)step];
    return (double)n / (double)m->runs;
}

/* |observed − expected| within 4 binomial standard errors (and a floor for p near 0 or 1). */
static void assert_share(double observed, double expected, long n)
{
    double se = sqrt(expected * (1 - expected) / (double)n);
    if (fabs(observed - expected) > 4 * se + 1e-3) {
        fprintf(stderr, "observed %.4f, expected %.4f (se %.4f)\n", observed, expected, se);
        fail();
    }
}

/* C: total surplus of the one-issue war at the defaults δ = 0.995, H = 26 and κ = 0.003 each. */
static double total_surplus(void)
{
    double dh = pow(0.995, 26), annuity = (1 - dh) / (1 - 0.995);
    return (1 - dh) + 0.006 * annuity;
}

/* ---- (1) screening ---- */

static void test_screen_closed_form(void **state)
{
    (void)state;
    /* Fearon's case (p = 0.5, c_B = 0.1, c_A ~ U[0, 0.3]) in the protocol's terms: with A's
     * reservation estimated at p, the type is −c_A ∈ [−0.3, 0] and the total surplus c_B = 0.1. */
    double p_fearon, p_protocol;
    double x = en_war_screening_offer(0.5, 0.1, 0.0, 0.3, &p_fearon);
    double y = en_war_screen(0.1, -0.3, 0.0, &p_protocol);
    assert_true(fabs((0.5 + y) - x) < 1e-12); /* offer x = estimate + y = 0.40 */
    assert_true(fabs(p_protocol - 2.0 / 3.0) < 1e-12);
    assert_true(fabs(p_protocol - p_fearon) < 1e-12);
    /* brute force over offers y: the proposer's expected surplus (T − y)·P(type <= y) */
    double total = 0.05, lo = -0.2, hi = 0.2, best = -1, best_y = 0;
    for (int i = 0; i <= 40000; i++) {
        double yy = lo + (hi - lo) * i / 40000.0;
        double v = (total - yy) * (yy - lo) / (hi - lo);
        if (v > best) best = v, best_y = yy;
    }
    double p;
    y = en_war_screen(total, lo, hi, &p);
    assert_true(fabs(y - best_y) < 1e-4);
    assert_true(fabs(p - (y - lo) / (hi - lo)) < 1e-12);
    /* complete information: the offer is accepted for sure; more surplus, more acceptance */
    en_war_screen(0.1, 0, 0, &p);
    assert_true(p == 1);
    double p1, p2;
    en_war_screen(0.0, -0.2, 0.2, &p1);
    en_war_screen(0.2, -0.2, 0.2, &p2);
    assert_true(p1 < p2 && p1 > 0);
    en_war_screen(0.7, -0.2, 0.2, &p2);
    assert_true(p2 == 1);
}

/* P(deal at step 0) by a numerical integral over both types: the proposer (type θ_P) offers
 * y* = clip((C − θ_P − σ)/2, −σ, σ) if C − θ_P >= y*, and the receiver accepts iff θ_R <= y*. */
static double p_first_deal(double c, double sigma)
{
    int n = 20000;
    double total = 0;
    for (int i = 0; i < n; i++) {
        double theta_p = -sigma + 2 * sigma * (i + 0.5) / n;
        double y = 0.5 * (c - theta_p - sigma);
        if (y < -sigma) y = -sigma;
        if (y > sigma) y = sigma;
        if (c - theta_p - y < 0) continue;
        total += (y + sigma) / (2 * sigma);
    }
    return total / n;
}

static void test_screening_protocol(void **state)
{
    (void)state;
    double c = total_surplus();
    /* complete information: every open window with talks signs */
    en_scenario *s = scenario(", p_talk_open: 1, private_info: 0", NULL, NULL, NULL, NULL);
    en_war_summary *m = simulate(s, 500, 0, 0);
    assert_true(share_deal_at(m, 0) == 1.0);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* private information: P(deal | talks, open window) < 1, as the integral says */
    double sigmas[2] = {0.3, 0.15};
    double last = 0;
    for (int i = 0; i < 2; i++) {
        char params[128];
        snprintf(params, sizeof params, ", p_talk_open: 1, private_info: %g", sigmas[i]);
        s = scenario(params, NULL, NULL, NULL, NULL);
        m = simulate(s, RUNS, 0, 0);
        double expected = p_first_deal(c, sigmas[i]);
        assert_true(expected < 1);
        assert_share(share_deal_at(m, 0), expected, RUNS);
        assert_true(share_miss_at(m, 0, WAR_MISS_REJECTED) + share_miss_at(m, 0, WAR_MISS_NO_OFFER) > 0.05);
        /* less uncertainty relative to the same slack: more deals */
        assert_true(share_deal_at(m, 0) > last);
        last = share_deal_at(m, 0);
        en_war_summary_free(m);
        en_scenario_free(s);
    }
}

/* ---- (8) base rates: the talks ramp ---- */

static void test_talk_ramp(void **state)
{
    (void)state;
    en_scenario *s = scenario(", p_talk_open: 1, private_info: 0, talk_ramp_days: 60", NULL, NULL, NULL, NULL);
    en_war_summary *m = simulate(s, RUNS, 0, 0);
    assert_share(share_deal_at(m, 0), 1 - exp(-7.0 / 60.0), RUNS);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* the fighting began 30 days before the run starts */
    s = scenario(", p_talk_open: 1, private_info: 0, talk_ramp_days: 60", NULL, NULL, "  began: 2021-12-02\n", NULL);
    m = simulate(s, RUNS, 0, 0);
    assert_share(share_deal_at(m, 0), 1 - exp(-37.0 / 60.0), RUNS);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* (12) tempo: at a daily step the 60-day constant is stated for a week's step, so the ramp's
     * time constant is 60/7 days and the first day's talks hazard 1 − exp(−1 / (60/7)) = 0.110;
     * with the switch off it stays 60 calendar days: 1 − exp(−1/60) = 0.0165 */
    s = scenario(", p_talk_open: 1, private_info: 0, talk_ramp_days: 60", NULL, NULL, "  step_days: 1\n", NULL);
    m = simulate(s, RUNS, 0, 0);
    assert_share(share_deal_at(m, 0), 1 - exp(-7.0 / 60.0), RUNS);
    en_war_summary_free(m);
    en_scenario_free(s);
    s = scenario(", p_talk_open: 1, private_info: 0, talk_ramp_days: 60, tempo: 0", NULL, NULL, "  step_days: 1\n", NULL);
    m = simulate(s, RUNS, 0, 0);
    assert_share(share_deal_at(m, 0), 1 - exp(-1.0 / 60.0), RUNS);
    en_war_summary_free(m);
    en_scenario_free(s);
}

/* ---- (5) ratification with memory ---- */

static void test_chill_and_harden(void **state)
{
    (void)state;
    /* A's ratifiers never approve; after a failure the channel is chilled by 0.5, no thaw */
    en_scenario *s = scenario(", p_talk_open: 0.6, private_info: 0, chill: 0.5, chill_decay: 1", ", A: {ratify: 0}",
                              NULL, NULL, NULL);
    en_war_summary *m = simulate(s, RUNS, 0, 0);
    assert_share(share_miss_at(m, 0, WAR_MISS_RATIFY), 0.6, RUNS);
    assert_share(share_miss_at(m, 1, WAR_MISS_RATIFY), 0.6 * (1 - 0.5 * 0.6), RUNS);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* hardening: a failed ratification adds 1 to A's hold-out, which shuts the window */
    s = scenario(", p_talk_open: 1, private_info: 0, harden: 1", ", A: {ratify: 0}", NULL, NULL, NULL);
    m = simulate(s, 200, 0, 0);
    assert_true(share_open_at(m, 0) == 1.0);
    assert_true(share_open_at(m, 1) == 0.0);
    en_war_summary_free(m);
    en_scenario_free(s);
    s = scenario(", p_talk_open: 1, private_info: 0, harden: 0", ", A: {ratify: 0}", NULL, NULL, NULL);
    m = simulate(s, 200, 0, 0);
    assert_true(share_open_at(m, 1) == 1.0);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* public ratification: a deal far from A's public line (stated 0, fully committed) fails
     * with probability 1 − exp(−AC); without the term it always passes */
    s = scenario(", p_talk_open: 1, private_info: 0, ratify_audience: 1, tolerance: 0",
                 ", A: {audience_cost: 0.0001, commitment: {land: 1}}", NULL, NULL, NULL);
    m = simulate(s, 200, 0, 0);
    double signed_with = share_deal_at(m, 0);
    en_war_summary_free(m);
    en_scenario_free(s);
    assert_true(signed_with == 1.0); /* negligible audience cost: exp(−1e-4·0.5) ≈ 1 */
    s = scenario(", p_talk_open: 1, private_info: 0, ratify_audience: 100000, tolerance: 0",
                 ", A: {audience_cost: 0.0001, commitment: {land: 1}}", NULL, NULL, NULL);
    m = simulate(s, 400, 0, 0);
    assert_true(share_deal_at(m, 0) < 0.5);
    assert_true(share_miss_at(m, 0, WAR_MISS_RATIFY) > 0.5);
    en_war_summary_free(m);
    en_scenario_free(s);
}

/* ---- (6) patrons with stakes and leverage ---- */

static const char patron_actor[] =
    "  - {id: P, role: patron, patron_of: A, capability: 30, positions: {land: {position: 0, salience: 1}}}\n";

static void test_patron_pressure(void **state)
{
    (void)state;
    /* P gains 0.05 a step from the war going on: it presses A to fight on and shuts the window */
    en_scenario *s = scenario(", p_talk_open: 0, private_info: 0", ", P: {leverage: 1, war_benefit: 0.05}",
                              patron_actor, NULL, NULL);
    en_war_summary *m = simulate(s, 100, 1, 0);
    assert_true(share_open_at(m, 1) == 0.0);
    long named = 0;
    for (long r = 0; r < m->runs; r++) {
        size_t at = (size_t)r * (size_t)m->steps + 1;
        named += m->pressure[at] < 0 && m->cause_actor[at] == 2 && m->miss[at] == WAR_MISS_PRESSURE;
    }
    assert_int_equal(named, m->runs);
    en_buffer text = {0};
    en_war_summary_text(m, &text);
    assert_non_null(strstr(text.data, "window closed by the pressure of: P 100%"));
    en_buffer_free(&text);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* no leverage: the belligerents' window stays open */
    s = scenario(", p_talk_open: 0, private_info: 0", ", P: {leverage: 0, war_benefit: 0.05}", patron_actor, NULL, NULL);
    m = simulate(s, 100, 1, 0);
    assert_true(share_open_at(m, 1) == 1.0);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* A holds out for more than the war is worth (window shut); P pays dearly for its aid and
     * presses A to settle: the window opens, and P is named */
    s = scenario(", p_talk_open: 0, private_info: 0", ", A: {holdout: 0.4}, P: {leverage: 1, aid_cost: 0.1, flow_to_stall: 0}",
                 patron_actor, NULL, NULL);
    m = simulate(s, 100, 1, 0);
    assert_true(share_open_at(m, 1) == 1.0);
    long opened = 0;
    for (long r = 0; r < m->runs; r++) {
        size_t at = (size_t)r * (size_t)m->steps + 1;
        opened += m->pressure[at] > 0 && m->pressure_actor[at] == 2;
    }
    assert_int_equal(opened, m->runs);
    en_war_summary_free(m);
    en_scenario_free(s);
    s = scenario(", p_talk_open: 0, private_info: 0", ", A: {holdout: 0.4}, P: {leverage: 0, aid_cost: 0.1, flow_to_stall: 0}",
                 patron_actor, NULL, NULL);
    m = simulate(s, 100, 1, 0);
    assert_true(share_open_at(m, 1) == 0.0);
    en_war_summary_free(m);
    en_scenario_free(s);
}

/* ---- (2) guarantees worth what the guarantor would do ---- */

static double logistic(double y) { return 1 / (1 + exp(-y)); }

static void test_guarantee_credibility(void **state)
{
    (void)state;
    /* bloc carries a guarantee (g = 1); P, a patron of A that wants bloc high, is its guarantor.
     * A fears renewal (L = 0.5): R_A = 0.5·logistic(−3 − 3·c·x_bloc/100), c = the guarantor's
     * credibility min(1, surplus / (flow_cost · annuity)), 0 if it loses from the deal. */
    static const char guarantor[] =
        "  - {id: P, role: patron, patron_of: A, capability: 30, positions: {bloc: {position: 100, salience: 1}}}\n";
    double dh = pow(0.995, 26), annuity = (1 - dh) / (1 - 0.995), cost = 0.003 * annuity;
    const char *benefits[2] = {"0", "0.05"}; /* 0.05 a step: P prefers the war, c = 0 */
    for (int credible = 0; credible <= 1; credible++)
        for (int i = 0; i < 2; i++) {
            char params[160], actors[160];
            snprintf(params, sizeof params, ", p_talk_open: 0, private_info: 0, guarantee_credibility: %d", credible);
            snprintf(actors, sizeof actors, ", A: {renewal_loss: 0.5}, P: {leverage: 0, war_benefit: %s}", benefits[i]);
            bloc_extra = ", guarantee: 1";
            en_scenario *s = scenario(params, actors, guarantor, NULL, NULL);
            bloc_extra = "";
            en_war_summary *m = explain_run(s, 10, "2022-01-15");
            for (long r = 0; r < m->runs; r++) {
                double surplus = m->explain_patron[(size_t)r * m->patron_count];
                double c = !credible ? 1 : surplus <= 0 ? 0 : fmin(1, surplus / cost);
                if (credible && i == 1) assert_true(c == 0);
                if (credible && i == 0) assert_true(c == 1);
                const double *x = &m->explain_package[(size_t)r * 2];
                double u = ((1 - x[0] / 100) + 0.0001 * (1 - x[1] / 100)) / 1.0001;
                double expected = u - 0.5 * logistic(-3 - 3 * c * x[1] / 100);
                double v = m->explain_deal_value[(size_t)r * m->player_count];
                if (fabs(v - expected) > 1e-9) {
                    fprintf(stderr, "credible %d case %d: deal value %.9f, expected %.9f (c %g)\n", credible, i, v, expected, c);
                    fail();
                }
            }
            en_war_summary_free(m);
            en_scenario_free(s);
        }
}

/* ---- (7) leaders with culpability ---- */

static void test_culpability(void **state)
{
    (void)state;
    double dh = pow(0.995, 26), annuity = (1 - dh) / (1 - 0.995);
    /* V_A = V_B = δ^H·0.5 − κ·annuity (the frozen front gives each half the land); bloc's
     * negligible salience is ignored (it changes V and U alike by < 1e-4) */
    double v = dh * 0.5 - 0.003 * annuity, psi = 1;
    double u = (1 - v + v) / (2 + psi); /* B's share at the maximin of (1+ψ)(1−u) − ψ − V_A = u − V_B */
    double expected = u - v;
    en_scenario *s = scenario(", p_talk_open: 0, private_info: 0", ", A: {culpability: 1}", NULL, NULL,
                              "  timeline:\n    - {date: 2022-02-01, type: leader_change, actor: A}\n");
    en_war_summary *m = simulate(s, 8, 1, 0);
    assert_true(fabs(m->slack[0] - expected) < 2e-3);
    assert_true(fabs(m->slack[10] - (0.5 - v)) < 2e-3); /* after the change: no culpability */
    assert_true(m->slack[0] < m->slack[10]);
    en_war_summary_free(m);
    en_scenario_free(s);
}

/* ---- (4) beliefs about future power ---- */

static void test_aid_foresight(void **state)
{
    (void)state;
    /* P gives A 1 USD bn a step at 0.05 power per bn: after step 0's update K_A = 0.99 + 0.01 +
     * 0.05 = 1.05, K_B = 1; along the horizon K_A(h) = 0.99 K_A(h−1) + 0.06, K_B stays 1. */
    double ka = 1.05, q0 = ka / (ka + 1), mean = 0;
    for (int h = 1; h <= 26; h++) {
        ka = 0.99 * ka + 0.06;
        mean += ka / (ka + 1);
    }
    double shift = mean / 26 - q0;
    double dh = pow(0.995, 26), annuity = (1 - dh) / (1 - 0.995);
    static const char patron[] =
        "  - {id: P, role: patron, patron_of: A, capability: 30, positions: {land: {position: 0, salience: 1}}}\n";
    for (int on = 0; on <= 1; on++) {
        char params[200];
        snprintf(params, sizeof params, ", p_talk_open: 0, private_info: 0, front_speed: 0.01, prior_strength: 1000000, forget: 1, aid_foresight: %d", on);
        en_scenario *s = scenario(params, ", P: {leverage: 0, aid_flow: 1, aid_effect: 0.05, flow_to_stall: 0}", patron, NULL, NULL);
        en_war_summary *m = explain_run(s, 20, "2022-01-01");
        for (long r = 0; r < m->runs; r++) {
            /* the front and A's learned belief after step 0's battle, as recorded */
            double z = m->front[(size_t)r * (size_t)m->steps], q = m->belief_a[(size_t)r * (size_t)m->steps];
            double zhat = z + 26 * 0.01 * (2 * (q + (on ? shift : 0)) - 1);
            /* A's land weight is 1/1.0001; bloc (weight 1e-4/1.0001) stays at 20, worth 0.8 to A */
            double u = (zhat + 0.0001 * 0.8) / 1.0001;
            double expected = dh * u - 0.003 * annuity;
            double v = m->explain_reservation[(size_t)r * m->player_count + 0];
            if (fabs(v - expected) > 2e-4) {
                fprintf(stderr, "foresight %d: reservation %.6f, expected %.6f (shift %.5f)\n", on, v, expected, shift);
                fail();
            }
        }
        en_war_summary_free(m);
        en_scenario_free(s);
    }
    assert_true(shift > 0.02); /* the announced aid moves A's expected edge */
}

/* ---- (4) learning from noisy observations of the front ---- */

/* Var(clamp(s/n + ν Z, 0, 1)) for s ~ Binomial(n, 1/2), Z ~ N(0, 1): Simpson's rule over z. */
static double clamped_reading_variance(int n, double nu)
{
    double m1 = 0, m2 = 0, binom = 1; /* C(n, s) */
    for (int k = 0; k <= n; k++) {
        double ps = binom * pow(0.5, n);
        const int steps = 4000;
        double lo = -8, h = 16.0 / steps, e1 = 0, e2 = 0;
        for (int i = 0; i <= steps; i++) {
            double z = lo + h * i, c = i == 0 || i == steps ? 1 : i % 2 ? 4 : 2;
            double y = (double)k / n + nu * z;
            y = y < 0 ? 0 : y > 1 ? 1 : y;
            double phi = exp(-0.5 * z * z) / sqrt(2 * 3.14159265358979323846);
            e1 += c * phi * y;
            e2 += c * phi * y * y;
        }
        m1 += ps * e1 * h / 3;
        m2 += ps * e2 * h / 3;
        binom = binom * (n - k) / (k + 1);
    }
    return m2 - m1 * m1;
}

static void sample_moments(const float *x, long runs, long stride, double *mean, double *var)
{
    double s = 0, ss = 0;
    for (long r = 0; r < runs; r++) s += x[r * stride];
    *mean = s / (double)runs;
    for (long r = 0; r < runs; r++) ss += (x[r * stride] - *mean) * (x[r * stride] - *mean);
    *var = ss / (double)(runs - 1);
}

static void test_noisy_learning(void **state)
{
    (void)state;
    /* (a) private priors: with an overwhelming prior the belief after step 0 is the prior mean,
     * 0.5 + N(0, σ_s), independently for A and B. */
    en_scenario *s = scenario(", p_talk_open: 0, private_info: 0, prior_strength: 1000000, forget: 1, signal_noise: 0.05",
                              NULL, NULL, NULL, NULL);
    en_war_summary *m = simulate(s, RUNS, 1, 0);
    double mean_a, var_a, mean_b, var_b, cov = 0;
    sample_moments(m->belief_a, m->runs, m->steps, &mean_a, &var_a);
    sample_moments(m->belief_b, m->runs, m->steps, &mean_b, &var_b);
    for (long r = 0; r < m->runs; r++)
        cov += (m->belief_a[r * m->steps] - mean_a) * (m->belief_b[r * m->steps] - mean_b);
    cov /= (double)(m->runs - 1);
    double se_sd = 0.05 / sqrt(2.0 * RUNS);
    assert_true(fabs(sqrt(var_a) - 0.05) < 4 * se_sd);
    assert_true(fabs(sqrt(var_b) - 0.05) < 4 * se_sd);
    assert_true(fabs(mean_a - 0.5) < 4 * 0.05 / sqrt(RUNS));
    assert_true(fabs(cov / sqrt(var_a * var_b)) < 4 / sqrt(RUNS)); /* private: independent */
    en_war_summary_free(m);
    en_scenario_free(s);
    /* (b) one noisy reading: prior Beta(10, 10), n = 10 contests at q = 1/2, ν = 0.3. The
     * reading ŝ = clamp(s/10 + 0.3 Z) enters with weight w = v/(v + ν²), v = 0.25/10, so the
     * belief after step 0 is (10 + 10 w ŝ)/(20 + 10 w) and its variance (10w/(20 + 10w))² Var(ŝ).
     * Without the weight (w = 1) it would be 4.4 times larger; with ν = 0, (10/30)² · 0.025. */
    for (int noisy = 0; noisy <= 1; noisy++) {
        double nu = noisy ? 0.3 : 0;
        char params[200];
        snprintf(params, sizeof params, ", p_talk_open: 0, private_info: 0, prior_strength: 20, forget: 1, observe_noise: %g", nu);
        s = scenario(params, NULL, NULL, NULL, NULL);
        m = simulate(s, RUNS, 1, 0);
        double mean, var;
        sample_moments(m->belief_a, m->runs, m->steps, &mean, &var);
        double w = noisy ? 0.025 / (0.025 + nu * nu) : 1;
        double c = 10 * w / (20 + 10 * w);
        double expected = c * c * (noisy ? clamped_reading_variance(10, nu) : 0.025);
        double se = expected * sqrt(2.0 / RUNS) * 1.2; /* (mild excess kurtosis of the reading) */
        if (fabs(var - expected) > 4 * se || fabs(mean - 0.5) > 4 * sqrt(expected / RUNS)) {
            fprintf(stderr, "observe_noise %g: belief variance %.6g (expected %.6g), mean %.4f\n", nu, var, expected, mean);
            fail();
        }
        en_war_summary_free(m);
        en_scenario_free(s);
    }
}

/* ---- (2) renewal valued at the post-deal balance of power ---- */

static void test_renewal_power(void **state)
{
    (void)state;
    /* bloc shifts B's future edge (φ = 0.5 across the scale): a deal at bloc x_b leaves A's edge
     * at q = 1/2 − 0.5 (x_b − 20)/100. A resumed war starts from the deal's line
     * z̄ = 1 − x̄_land/100 and is expected to reach ẑ = z̄ + 26 · 0.01 (2q − 1); A values it at
     * δ^H U_A(ẑ) − κ·annuity. ℓ_A = max(0, U_A(x̄) − that), and A's value of the deal x is
     * U_A(x) − ℓ_A · logistic(−3 + 4 · 0.5 (x_b − 20)/100). */
    double dh = pow(0.995, 26), annuity = (1 - dh) / (1 - 0.995);
    for (int on = 0; on <= 1; on++) {
        char params[200];
        snprintf(params, sizeof params, ", p_talk_open: 0, private_info: 0, front_speed: 0.01, prior_strength: 1000000, forget: 1, renewal_power: %d", on);
        bloc_extra = ", power_shift: 0.5";
        en_scenario *s = scenario(params, NULL, NULL, NULL, NULL);
        bloc_extra = "";
        en_war_summary *m = explain_run(s, 20, "2022-01-15");
        double max_loss = 0;
        for (long r = 0; r < m->runs; r++) {
            const double *xb = &m->explain_renew_basis[(size_t)r * 2];
            double loss = m->explain_renew_loss[(size_t)r * m->player_count];
            double expected_loss = 0;
            if (on) {
                double q = 0.5 - 0.5 * (xb[1] - 20) / 100;
                double zhat = (1 - xb[0] / 100) + 26 * 0.01 * (2 * q - 1);
                double resumed = dh * (zhat + 0.0001 * 0.8) / 1.0001 - 0.003 * annuity;
                double deal = ((1 - xb[0] / 100) + 0.0001 * (1 - xb[1] / 100)) / 1.0001;
                expected_loss = fmax(0, deal - resumed);
            }
            const double *x = &m->explain_package[(size_t)r * 2];
            double u = ((1 - x[0] / 100) + 0.0001 * (1 - x[1] / 100)) / 1.0001;
            double expected_value = u - loss * logistic(-3 + 4 * 0.5 * (x[1] - 20) / 100);
            double v = m->explain_deal_value[(size_t)r * m->player_count];
            if (fabs(loss - expected_loss) > 1e-4 || fabs(v - expected_value) > 1e-9) {
                fprintf(stderr, "renewal_power %d: loss %.6f (expected %.6f), deal value %.9f (expected %.9f)\n",
                        on, loss, expected_loss, v, expected_value);
                fail();
            }
            if (loss > max_loss) max_loss = loss;
        }
        if (on) assert_true(max_loss > 0.01); /* the deal is worth more than the war resumed */
        en_war_summary_free(m);
        en_scenario_free(s);
    }
}

/* ---- (3) monotone utility for divisible goods ---- */

static void test_monotone(void **state)
{
    (void)state;
    /* A's position on land becomes 30 (status quo 50). Single-peaked, A's value of the deal x is
     * (1 − |x_land − 30|/100 + 0.0001 (1 − x_bloc/100))/1.0001; with land monotone A wants all
     * of it, θ = 0, and the value is (1 − x_land/100 + ...)/1.0001. */
    for (int on = 0; on <= 1; on++) {
        land_extra = on ? ", monotone: 1" : "";
        en_scenario *s = scenario(", p_talk_open: 0, private_info: 0", NULL, NULL, NULL,
                                  "  timeline:\n    - {date: 2022-01-01, type: position, actor: A, issue: land, position: 30}\n");
        land_extra = "";
        en_war_summary *m = explain_run(s, 10, "2022-01-15");
        double theta = on ? 0 : 30;
        for (long r = 0; r < m->runs; r++) {
            const double *x = &m->explain_package[(size_t)r * 2];
            double expected = ((1 - fabs(x[0] - theta) / 100) + 0.0001 * (1 - x[1] / 100)) / 1.0001;
            double v = m->explain_deal_value[(size_t)r * m->player_count];
            if (fabs(v - expected) > 1e-9) {
                fprintf(stderr, "monotone %d: deal value %.9f, expected %.9f (land %.3f)\n", on, v, expected, x[0]);
                fail();
            }
        }
        en_war_summary_free(m);
        en_scenario_free(s);
    }
}

/* ---- kinds of deal ---- */

static void test_kinds(void **state)
{
    (void)state;
    /* a patron vetoes bloc and gains from the war: no settlement; a bare ceasefire at the line
     * leaves bloc at its status quo, so only the belligerents decide */
    static const char veto_patron[] =
        "  - {id: P, role: patron, patron_of: A, capability: 30, veto: [bloc], positions: {bloc: {position: 0, salience: 1}}}\n";
    en_scenario *s = scenario(", p_talk_open: 1, private_info: 0, ceasefire: 1", ", P: {leverage: 0, war_benefit: 0.05}",
                              veto_patron, NULL, NULL);
    en_war_summary *m = simulate(s, 200, 0, 0);
    assert_true(share_open_at(m, 0) == 0.0);
    long end = en_date_days("2022-06-30", &(int){0});
    assert_true(en_war_summary_p_deal_by(m, end, EN_WAR_KIND_CEASEFIRE) == 1.0);
    assert_true(en_war_summary_p_deal_by(m, end, EN_WAR_KIND_SETTLEMENT) == 0.0);
    en_war_summary_free(m);
    en_scenario_free(s);
    s = scenario(", p_talk_open: 1, private_info: 0, ceasefire: 0", ", P: {leverage: 0, war_benefit: 0.05}",
                 veto_patron, NULL, NULL);
    m = simulate(s, 200, 0, 0);
    assert_true(en_war_summary_p_deal_by(m, end, EN_WAR_KIND_ANY) == 0.0);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* a victor's ceasefire: B far stronger, a fast front; every decided run signs */
    s = scenario(", p_talk_open: 0, private_info: 0, front_speed: 0.05, victor_signs: 1", ", A: {power: 0.1}, B: {power: 5}",
                 NULL, NULL, NULL);
    m = simulate(s, 200, 0, 0);
    long decided = 0;
    for (long r = 0; r < m->runs; r++) decided += m->decided[r] != 0;
    assert_true(decided > 150);
    assert_true(fabs(en_war_summary_p_deal_by(m, end, EN_WAR_KIND_VICTOR) - (double)decided / 200.0) < 1e-12);
    en_war_summary_free(m);
    en_scenario_free(s);
}

/* ---- forecasting from a date ---- */

static void test_as_of(void **state)
{
    (void)state;
    int ok;
    long as_of = en_date_days("2022-01-20", &ok); /* step 2 */
    const char *closing = "  timeline:\n    - {date: 2022-01-29, type: channel_close, actor: A%s}\n";
    char timeline[256];
    snprintf(timeline, sizeof timeline, closing, "");
    en_scenario *s = scenario(", p_talk_open: 0.3, private_info: 0", NULL, NULL, NULL, timeline);
    /* the closing was not known on 2022-01-20: deals go on after it */
    en_war_summary *m = simulate(s, 400, 0, as_of);
    long before = 0, after = 0;
    for (long r = 0; r < m->runs; r++) {
        before += m->first_deal[r] >= 0 && m->first_deal[r] < 2;
        after += m->first_deal[r] > 4;
    }
    assert_int_equal(before, 0);
    assert_true(after > 0);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* without --as-of, or with the closing scheduled, no deal after it */
    snprintf(timeline, sizeof timeline, closing, ", scheduled: true");
    s = scenario(", p_talk_open: 0.3, private_info: 0", NULL, NULL, NULL, timeline);
    m = simulate(s, 400, 0, as_of);
    after = 0;
    for (long r = 0; r < m->runs; r++) after += m->first_deal[r] > 4;
    assert_int_equal(after, 0);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* history before start folds into the first step */
    s = scenario(", p_talk_open: 0.3, private_info: 0", NULL, NULL, NULL,
                 "  timeline:\n    - {date: 2021-11-01, type: channel_close, actor: A}\n");
    m = simulate(s, 100, 0, 0);
    assert_true(en_war_summary_p_deal(m) == 0.0);
    en_war_summary_free(m);
    /* an --as-of date outside the run is an input error */
    en_war_options o;
    en_war_options_init(&o);
    o.as_of_day = en_date_days("2023-01-01", &ok);
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_war_simulate(s, &o, &m, &err), EN_ERROR_INPUT);
    en_error_clear(&err);
    en_scenario_free(s);
}

/* ---- the time step ---- */

static void test_rate_days(void **state)
{
    (void)state;
    int ok;
    long start = en_date_days("2022-01-01", &ok);
    /* stated for 7 days at a 7-day step: bit-identical to the same file without rate_days */
    en_scenario *a = scenario(", p_talk_open: 0.2, private_info: 0.1", NULL, NULL, NULL, NULL);
    en_scenario *b = scenario(", p_talk_open: 0.2, private_info: 0.1, rate_days: 7", NULL, NULL, NULL, NULL);
    en_war_summary *ma = simulate(a, 300, 0, 0), *mb = simulate(b, 300, 0, 0);
    for (long r = 0; r < 300; r++) assert_int_equal(ma->first_deal[r], mb->first_deal[r]);
    en_war_summary_free(ma), en_war_summary_free(mb);
    en_scenario_free(a), en_scenario_free(b);
    /* a daily step with weekly rates: P(deal by day 27) = 1 − 0.8^4 either way */
    a = scenario(", p_talk_open: 0.2, private_info: 0, rate_days: 7", NULL, NULL, "  step_days: 7\n", NULL);
    b = scenario(", p_talk_open: 0.2, private_info: 0, rate_days: 7", NULL, NULL, "  step_days: 1\n", NULL);
    ma = simulate(a, RUNS, 0, 0);
    mb = simulate(b, RUNS, 0, 0);
    double expected = 1 - pow(0.8, 4);
    assert_share(en_war_summary_p_deal_by(ma, start + 27, EN_WAR_KIND_ANY), expected, RUNS);
    assert_share(en_war_summary_p_deal_by(mb, start + 27, EN_WAR_KIND_ANY), expected, RUNS);
    en_war_summary_free(ma), en_war_summary_free(mb);
    en_scenario_free(a), en_scenario_free(b);
}

/* ---- the reader ---- */

static void test_reader(void **state)
{
    (void)state;
    const char *bad = "entente: 1\ntitle: t\nissues:\n  - {id: land, scale: [0, 100]}\n"
                      "actors:\n  - {id: A, positions: {land: {position: 0, salience: 1}}}\n"
                      "  - {id: B, positions: {land: {position: 100, salience: 1}}}\n"
                      "war:\n  start: 2022-01-01\n  end: 2022-06-30\n  began: 2022-02-01\n  belligerents: [A, B]\n"
                      "  territory: land\n";
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load_buffer(bad, strlen(bad), "bad.yaml", NULL, &s, &err), EN_ERROR_INPUT);
    int found = 0;
    for (const en_error *e = &err; e; e = e->next) found |= strstr(e->message, "began 2022-02-01 is after start 2022-01-01") != NULL;
    if (!found) en_error_print(&err, stderr);
    assert_true(found);
    en_error_clear(&err);
}

/* ---- (9) the value of fighting on from each side's belief about how the war ends ---- */

/* Expected length of the gambler's-ruin walk by the naive route: iterate the recurrence
 * D_k = 1 + q D_{k+1} + (1 − q) D_{k−1}, D_0 = D_N = 0, to its fixed point (integer k). */
static double ruin_duration_reference(double q, int k, int n)
{
    double d[64] = {0};
    for (int it = 0; it < 200000; it++)
        for (int j = 1; j < n; j++) d[j] = 1 + q * d[j + 1] + (1 - q) * d[j - 1];
    return d[k];
}

static void test_war_value(void **state)
{
    (void)state;
    /* the closed form of the expected duration against the recurrence */
    static const double qs[] = {0.3, 0.45, 0.5, 0.6, 0.75};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        for (int k = 1; k < 10; k += 2) {
            double ref = ruin_duration_reference(qs[i], k, 10), got = en_war_ruin_duration(qs[i], k, 10);
            if (fabs(ref - got) > 1e-6 * (1 + ref)) {
                fprintf(stderr, "duration q %.2f k %d: %.9f, recurrence %.9f\n", qs[i], k, got, ref);
                fail();
            }
        }
    assert_true(fabs(en_war_ruin_duration(0.5, 3, 10) - 21) < 1e-9);
    assert_true(en_war_ruin_duration(0.6, 0, 10) == 0 && en_war_ruin_duration(0.6, 10, 10) == 0);
    /* Fearon's range under each side's own belief. A frozen front at z = ½ between z_min = 0.02
     * and z_max = 0.98 is k = 5 of N = 10 forts; each side holds its belief q_i exactly
     * (overwhelming prior, no noise). By its own belief A prevails with P_i = ruin(q_i, 5, 10)
     * after T_i = D(q_i, 5, 10) battles of a week (one step), so
     *   V_A = δ^T_A [P_A u_A(A wins) + (1 − P_A) u_A(B wins)] − κ (1 − δ^T_A)/(1 − δ),
     * B's alike with its own P_B, T_B. u_A + u_B = 1 on every package (bloc, weight 1e-4, stays at
     * its status quo 20 whoever wins), so the packages both prefer to fighting are A's utilities in
     * [V_A, 1 − V_B]: the slack is (1 − V_A − V_B)/2, the range empty iff V_A + V_B > 1 — mutual
     * optimism (P_A − P_B) larger than the discounted costs closes it. */
    static const double gaps[] = {0, 0.05, 0.1};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        char actors[160];
        snprintf(actors, sizeof actors, "A: {optimism: %g}, B: {optimism: %g}", gaps[g], -gaps[g]);
        en_scenario *s = scenario(", p_talk_open: 0, private_info: 0, prior_strength: 1000000, forget: 1, war_value: 1",
                                  actors, NULL, NULL, NULL);
        en_war_summary *m = explain_run(s, 10, "2022-01-01");
        double slack = 0;
        for (long r = 0; r < m->runs; r++) {
            /* each side's belief after step 0's battle, as recorded (it moves the overwhelming
             * prior by a few millionths) */
            double v[2];
            for (int side = 0; side < 2; side++) {
                double q = side == 0 ? m->belief_a[(size_t)r * (size_t)m->steps] : m->belief_b[(size_t)r * (size_t)m->steps];
                double p = en_war_gamblers_ruin(q, 5, 10), t = ruin_duration_reference(q, 5, 10);
                double dt = pow(0.995, t), ann = (1 - dt) / (1 - 0.995);
                double u_a_wins = (1 + 0.0001 * 0.8) / 1.0001, u_b_wins = 0.0001 * 0.8 / 1.0001;
                if (side == 1) u_a_wins = 0.0001 * 0.2 / 1.0001, u_b_wins = (1 + 0.0001 * 0.2) / 1.0001;
                v[side] = dt * (p * u_a_wins + (1 - p) * u_b_wins) - 0.003 * ann;
            }
            assert_true(fabs(m->belief_a[(size_t)r * (size_t)m->steps] - (0.5 + gaps[g])) < 1e-4);
            slack = (1 - v[0] - v[1]) / 2;
            double ra = m->explain_reservation[(size_t)r * m->player_count + 0];
            double rb = m->explain_reservation[(size_t)r * m->player_count + 1];
            double got = m->slack[(size_t)r * (size_t)m->steps];
            if (fabs(ra - v[0]) > 2e-6 || fabs(rb - v[1]) > 2e-6 || fabs(got - slack) > 2e-6) {
                fprintf(stderr, "gap %.2f: V_A %.6f (%.6f), V_B %.6f (%.6f), slack %.6f (%.6f)\n", gaps[g], ra,
                        v[0], rb, v[1], got, slack);
                fail();
            }
            assert_int_equal(m->open[(size_t)r * (size_t)m->steps], slack >= 0);
        }
        if (g == 0) assert_true(slack > 0.1);   /* common belief: a range as wide as the costs */
        if (g == 2) assert_true(slack < -0.1);  /* q 0.6 against 0.4: P 0.88 against 0.12, no range */
        en_war_summary_free(m);
        en_scenario_free(s);
    }
}

/* ---- (2) renewal probability from the post-deal balance of power ---- */

static void test_renewal_probability(void **state)
{
    (void)state;
    /* bloc shifts B's future edge (φ = 0.5): after a deal x̄ a war resumed from its line
     * z̄ = 1 − x̄_land/100 is fought at A's edge q = q̂ − 0.5 (x̄_b − 20)/100 and valued by
     * side i at δ^H U_i(ẑ) − κ·annuity, ẑ = z̄ + 26·0.01(2q − 1) (bloc stays at 20 in war).
     * Side i breaks the deal with P_i = clamp((m_i + σ)/(2σ), 0, 1), m_i = that value − U_i(x̄),
     * σ = 0.1; the logistic is switched off (a0 = −50). The deal then breaks at each later step
     * with hazard ρ/52, ρ = 1 − (1 − P_A)(1 − P_B), so P(renewed by the end) = 1 − (1 − ρ/52)^S,
     * S the steps after signing. The mean of that over the runs against the share renewed. */
    double dh = pow(0.995, 26), annuity = (1 - dh) / (1 - 0.995);
    for (int on = 0; on <= 1; on++) {
        char params[240];
        snprintf(params, sizeof params, ", p_talk_open: 1, private_info: 0.1, front_speed: 0.01, prior_strength: 1000000, forget: 1, renewal_a0: -50, renewal_probability: %d", on);
        bloc_extra = ", power_shift: 0.5";
        en_scenario *s = scenario(params, NULL, NULL, NULL, NULL);
        bloc_extra = "";
        en_war_summary *m = simulate(s, RUNS, 0, 0);
        double expected = 0, observed = 0, max_p = 0;
        long signed_runs = 0;
        for (long r = 0; r < m->runs; r++) {
            long t = m->first_deal[r];
            if (t < 0) continue;
            signed_runs++;
            observed += m->renewed[r] >= 0;
            const double *x = &m->terms[(size_t)r * 2];
            double p_break[2];
            for (int side = 0; side < 2; side++) {
                double q = (side == 0 ? m->belief_a : m->belief_b)[(size_t)r * (size_t)m->steps + (size_t)t];
                q -= 0.5 * (x[1] - 20) / 100;
                double zhat = (1 - x[0] / 100) + 26 * 0.01 * (2 * q - 1);
                zhat = zhat < 0 ? 0 : zhat > 1 ? 1 : zhat;
                double war_u = side == 0 ? (zhat + 0.0001 * 0.8) / 1.0001 : ((1 - zhat) + 0.0001 * 0.2) / 1.0001;
                double deal_u = side == 0 ? ((1 - x[0] / 100) + 0.0001 * (1 - x[1] / 100)) / 1.0001
                                          : (x[0] / 100 + 0.0001 * x[1] / 100) / 1.0001;
                double margin = dh * war_u - 0.003 * annuity - deal_u;
                double pb = (margin + 0.1) / 0.2;
                p_break[side] = on ? (pb < 0 ? 0 : pb > 1 ? 1 : pb) : 0;
            }
            double rho = 1 - (1 - p_break[0]) * (1 - p_break[1]);
            if (rho > max_p) max_p = rho;
            expected += 1 - pow(1 - rho / 52, (double)(m->steps - 1 - t));
        }
        assert_true(signed_runs > RUNS / 2);
        expected /= (double)signed_runs;
        observed /= (double)signed_runs;
        if (on) assert_true(max_p > 0.05); /* the deal's shift toward B tempts B to renew */
        if (!on) assert_true(observed < 0.002);
        assert_share(observed, expected, signed_runs);
        en_war_summary_free(m);
        en_scenario_free(s);
    }
}

/* ---- (3) conditional packages ---- */

static void test_conditions(void **state)
{
    (void)state;
    /* (a) B accepts any land only with bloc >= 60. Unconditioned, bloc (salience 1e-4 for both,
     * ideals 0 and 100) settles near the middle of its slice; with the condition every signed
     * deal is moved to bloc = 60, which stays in the window. */
    for (int on = 0; on <= 1; on++) {
        en_scenario *s = scenario(", p_talk_open: 1, private_info: 0", NULL, NULL,
                                  on ? "  conditions:\n    - {actor: B, if: land, if_at_most: 100, then: bloc, then_at_least: 60}\n" : NULL, NULL);
        en_war_summary *m = simulate(s, 200, 0, 0);
        long signed_runs = 0, below = 0;
        for (long r = 0; r < m->runs; r++) {
            if (m->first_deal[r] < 0) continue;
            signed_runs++;
            below += m->terms[(size_t)r * 2 + 1] < 60 - 1e-9;
        }
        assert_true(signed_runs == m->runs);
        if (on) assert_int_equal(below, 0);
        else assert_true(below > m->runs / 2);
        en_war_summary_free(m);
        en_scenario_free(s);
    }
    /* (b) B's condition cannot be met inside the window (land >= 95 leaves A far below its
     * value of fighting on; bloc >= 0 holds for every package, so the piece "bloc short of 0"
     * is empty). With the window blind to conditions (window_conditions 0) the window is open,
     * B refuses every deal: at step 0 every run (talks are certain) records an offer rejected
     * by B, and no deal is ever signed. With window_conditions 1 (the default) the window
     * itself is closed at every step of every run, and no deal is signed. */
    en_scenario *s = scenario(", p_talk_open: 1, private_info: 0, window_conditions: 0", NULL, NULL,
                              "  conditions:\n    - {actor: B, if: bloc, if_at_least: 0, then: land, then_at_least: 95}\n", NULL);
    en_war_summary *m = simulate(s, 200, 0, 0);
    assert_true(share_miss_at(m, 0, WAR_MISS_REJECTED) == 1.0);
    for (long r = 0; r < m->runs; r++) {
        assert_int_equal(m->first_deal[r], -1);
        assert_int_equal(m->open[(size_t)r * (size_t)m->steps], 1);
        assert_int_equal(m->cause_actor[(size_t)r * (size_t)m->steps], 1); /* B */
    }
    en_war_summary_free(m);
    en_scenario_free(s);
    s = scenario(", p_talk_open: 1, private_info: 0", NULL, NULL,
                 "  conditions:\n    - {actor: B, if: bloc, if_at_least: 0, then: land, then_at_least: 95}\n", NULL);
    m = simulate(s, 200, 0, 0);
    for (long r = 0; r < m->runs; r++) {
        assert_int_equal(m->first_deal[r], -1);
        for (long t = 0; t < m->steps; t++) assert_int_equal(m->open[(size_t)r * (size_t)m->steps + (size_t)t], 0);
    }
    en_war_summary_free(m);
    en_scenario_free(s);
    /* (d) the same condition with its `if` part starting at 50: the packages with bloc short of
     * 50 meet it, and bloc weighs 1e-4 in each side's utility, so the window stays open (its
     * slack is the unconditioned one less at most 1e-4 · 50/100 per side) */
    s = scenario(", p_talk_open: 1, private_info: 0", NULL, NULL,
                 "  conditions:\n    - {actor: B, if: bloc, if_at_least: 50, then: land, then_at_least: 95}\n", NULL);
    m = simulate(s, 50, 1, 0);
    en_scenario *s0 = scenario(", p_talk_open: 1, private_info: 0", NULL, NULL, NULL, NULL);
    en_war_summary *m0 = simulate(s0, 50, 1, 0);
    for (long r = 0; r < m->runs; r++) {
        assert_int_equal(m->open[(size_t)r * (size_t)m->steps], 1);
        double d = (double)m0->slack[(size_t)r * (size_t)m->steps] - (double)m->slack[(size_t)r * (size_t)m->steps];
        assert_true(d >= -1e-6 && d <= 0.5e-4 + 1e-6);
    }
    en_war_summary_free(m0);
    en_scenario_free(s0);
    en_war_summary_free(m);
    en_scenario_free(s);
    /* (c) located errors */
    static const struct {
        const char *line, *message;
    } bad[] = {
        {"    - {actor: B, if: nato, if_at_least: 0, then: land, then_at_least: 95}\n", "nato"},
        {"    - {actor: B, if: bloc, if_at_least: 0, if_at_most: 5, then: land, then_at_least: 95}\n", "exactly one of if_at_least and if_at_most"},
        {"    - {actor: B, if: bloc, if_at_least: 0, then: land, then_at_least: 195}\n", "then bound 195 is outside the scale of 'land'"},
        {"    - {actor: B, if: land, if_at_least: 0, then: land, then_at_least: 95}\n", "ties issue 'land' to itself"},
        {"    - {actor: B, if: bloc, if_at_least: 0, then: land}\n", "exactly one of then_at_least and then_at_most"},
        {"    - {if: bloc, if_at_least: 0, then: land, then_at_most: 5}\n", "condition has no actor"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "entente: 1\ntitle: t\nissues:\n  - {id: land, scale: [0, 100]}\n  - {id: bloc, scale: [0, 100]}\n"
                 "actors:\n  - {id: A, capability: 1, positions: {land: {position: 0, salience: 1}, bloc: {position: 0, salience: 1}}}\n"
                 "  - {id: B, capability: 1, positions: {land: {position: 100, salience: 1}, bloc: {position: 100, salience: 1}}}\n"
                 "war:\n  start: 2022-01-01\n  end: 2022-06-30\n  belligerents: [A, B]\n  territory: land\n"
                 "  conditions:\n%s", bad[i].line);
        en_scenario *t = NULL;
        en_error err = EN_ERROR_INIT;
        assert_int_equal(en_scenario_load_buffer(text, strlen(text), "cond.yaml", NULL, &t, &err), EN_ERROR_INPUT);
        int found = 0;
        for (const en_error *e = &err; e; e = e->next) found |= strstr(e->message, bad[i].message) != NULL && e->line == 15;
        if (!found) en_error_print(&err, stderr);
        assert_true(found);
        en_error_clear(&err);
        en_scenario_free(t);
    }
}

/* ---- (10) a ceasefire as its own bargain ---- */

/* Share of runs whose first deal is of `kind`. */
static double share_kind(const en_war_summary *m, int kind)
{
    long n = 0;
    for (long r = 0; r < m->runs; r++) n += m->first_deal[r] >= 0 && m->deal_kind[r] == kind;
    return (double)n / (double)m->runs;
}

static void test_ceasefire_first(void **state)
{
    (void)state;
    /* the one-issue war with the window open and both sides better off at the frozen line (land
     * 50, bloc at its status quo) than fighting on: at step 0 the talks (hazard 1) sign the
     * ceasefire with probability ceasefire_first, else the settlement; while the ceasefire holds
     * the settlement follows at the next step (talks 1, ratification 1, no private information,
     * no renewal) */
    static const double firsts[] = {2.0 / 3.0, 0.25};
    for (size_t i = 0; i < 2; i++) {
        char params[160];
        snprintf(params, sizeof params, ", p_talk_open: 1, private_info: 0, ceasefire: 1, renewal_a0: -1000, ceasefire_first: %.17g",
                 firsts[i]);
        en_scenario *s = scenario(params, NULL, NULL, NULL, NULL);
        en_war_summary *m = simulate(s, RUNS, 0, 0);
        assert_true(share_deal_at(m, 0) == 1.0);
        assert_share(share_kind(m, EN_WAR_KIND_CEASEFIRE), firsts[i], RUNS);
        for (long r = 0; r < m->runs; r++)
            assert_int_equal(m->settled[r], m->deal_kind[r] == EN_WAR_KIND_CEASEFIRE ? 1 : 0);
        long day1 = en_date_days("2022-01-08", &(int){0});
        assert_true(en_war_summary_p_settled_by(m, day1) == 1.0);
        en_war_summary_free(m);
        en_scenario_free(s);
    }
    /* switched off: a bare ceasefire only when no settlement is possible (here never) */
    en_scenario *s = scenario(", p_talk_open: 1, private_info: 0, ceasefire: 1, ceasefire_first: 0", NULL, NULL, NULL, NULL);
    en_war_summary *m = simulate(s, 200, 0, 0);
    assert_true(share_kind(m, EN_WAR_KIND_SETTLEMENT) == 1.0);
    en_war_summary_free(m);
    en_scenario_free(s);
}

static void test_ceasefire_patron(void **state)
{
    (void)state;
    /* Q vetoes bloc and gains from the war: no settlement (as in test_kinds). A holds out by h;
     * its patron P wants the line where it is (land 50). At the ceasefire (land 50, bloc 20),
     * by hand with war_value 0 and the front frozen (ẑ = z): A's surplus without pressure is
     * (1 − δ^H) u + κ·annuity − h, u = 0.5 w_land + 0.8 w_bloc; P's gain over the war
     * S_P = 1 − (δ^H − κ·annuity) and its pressure lowers A's reservation by λ S_P (λ = 0.5):
     * the ceasefire is signed iff h < h* = (1 − δ^H) u + κ·annuity + λ S_P, and P is named when
     * A would have refused it without P */
    static const char actors[] =
        "  - {id: P, role: patron, patron_of: A, capability: 30, positions: {land: {position: 50, salience: 1}}}\n"
        "  - {id: Q, role: patron, patron_of: A, capability: 30, veto: [bloc], positions: {bloc: {position: 0, salience: 1}}}\n";
    double dh = pow(0.995, 26), annuity = (1 - dh) / (1 - 0.995);
    double wb = 0.0001 / 1.0001, u = 0.5 * (1 - wb) + 0.8 * wb;
    double own = (1 - dh) * u + 0.003 * annuity, sp = 1 - (dh - 0.003 * annuity);
    double threshold = own + 0.5 * sp;
    assert_true(0.5 * sp > 0.05); /* the case separates the two thresholds */
    static const double offsets[] = {-0.01, 0.01};
    for (size_t i = 0; i < 2; i++) {
        for (int lev = 0; lev < 2; lev++) {
            char actor_params[200];
            snprintf(actor_params, sizeof actor_params, ", A: {holdout: %.17g}, P: {leverage: %s}, Q: {leverage: 0, war_benefit: 0.05}",
                     threshold + offsets[i], lev ? "0.5" : "0");
            en_scenario *s = scenario(", p_talk_open: 1, private_info: 0, ceasefire: 1, ceasefire_first: 0.6666666666666666",
                                      actor_params, actors, NULL, NULL);
            en_war_summary *m = simulate(s, 100, 0, 0);
            double expected = lev && offsets[i] < 0 ? 1.0 : 0.0;
            assert_true(share_deal_at(m, 0) == expected);
            if (expected > 0) {
                assert_true(share_kind(m, EN_WAR_KIND_CEASEFIRE) == 1.0);
                for (long r = 0; r < m->runs; r++) {
                    size_t at = (size_t)r * (size_t)m->steps;
                    assert_int_equal(m->pressure[at], 1);
                    assert_int_equal(m->pressure_actor[at], 2); /* P */
                }
            }
            en_war_summary_free(m);
            en_scenario_free(s);
        }
    }
}

static void test_ceasefire_mediator(void **state)
{
    (void)state;
    /* (14) the setting of test_ceasefire_patron with P's leverage 0: A's surplus at the ceasefire
     * (land 50, bloc 20) is own = (1 − δ^H) u + κ·annuity − h by hand. A mediator M that mediates
     * at step 0 lowers both belligerents' reservations against the ceasefire by μ, so it is
     * signed at step 0 iff h < own + μ; with no mediation under way, or μ = 0, it never is
     * (h > own) */
    static const char actors[] =
        "  - {id: P, role: patron, patron_of: A, capability: 30, positions: {land: {position: 50, salience: 1}}}\n"
        "  - {id: Q, role: patron, patron_of: A, capability: 30, veto: [bloc], positions: {bloc: {position: 0, salience: 1}}}\n"
        "  - {id: M, role: mediator, capability: 10, positions: {land: {position: 50, salience: 1}}}\n";
    double dh = pow(0.995, 26), annuity = (1 - dh) / (1 - 0.995);
    double wb = 0.0001 / 1.0001, u = 0.5 * (1 - wb) + 0.8 * wb;
    double own = (1 - dh) * u + 0.003 * annuity;
    static const double mus[] = {0.3, 0.1};
    static const double offsets[] = {-0.01, 0.01};
    for (size_t j = 0; j < 2; j++)
        for (size_t i = 0; i < 2; i++)
            for (int mediating = 0; mediating < 2; mediating++) {
                char params[200], actor_params[200];
                snprintf(params, sizeof params,
                         ", p_talk_open: 1, p_talk_mediated: 1, private_info: 0, ceasefire: 1, "
                         "ceasefire_first: 0.6666666666666666, mediator_pressure: %.17g", mus[j]);
                snprintf(actor_params, sizeof actor_params,
                         ", A: {holdout: %.17g}, P: {leverage: 0}, Q: {leverage: 0, war_benefit: 0.05}",
                         own + mus[j] + offsets[i]);
                en_scenario *s = scenario(params, actor_params, actors, "  mediators: [M]\n",
                                          mediating ? "  timeline:\n    - {date: 2022-01-01, type: mediation, actor: M, steps: 1}\n" : NULL);
                en_war_summary *m = simulate(s, 100, 0, 0);
                double expected = mediating && offsets[i] < 0 ? 1.0 : 0.0;
                assert_true(share_deal_at(m, 0) == expected);
                if (expected > 0) assert_true(share_kind(m, EN_WAR_KIND_CEASEFIRE) == 1.0);
                en_war_summary_free(m);
                en_scenario_free(s);
            }
    /* switched off: the same mediation and a hold-out just below own + 0.3 signs nothing */
    char actor_params[200];
    snprintf(actor_params, sizeof actor_params, ", A: {holdout: %.17g}, P: {leverage: 0}, Q: {leverage: 0, war_benefit: 0.05}",
             own + 0.29);
    en_scenario *s = scenario(", p_talk_open: 1, p_talk_mediated: 1, private_info: 0, ceasefire: 1, ceasefire_first: 0.6666666666666666",
                              actor_params, actors, "  mediators: [M]\n",
                              "  timeline:\n    - {date: 2022-01-01, type: mediation, actor: M, steps: 1}\n");
    en_war_summary *m = simulate(s, 100, 0, 0);
    assert_true(share_deal_at(m, 0) == 0.0);
    en_war_summary_free(m);
    en_scenario_free(s);
}

/* ---- (11) a front that can decide the war ---- */

static void test_front_walk(void **state)
{
    (void)state;
    /* A has no power and no replenishment: B wins every contest, so with front_speed left at its
     * default the front falls by one fort, (z_max − z_min)/forts = 0.096, every fort_days —
     * 0.096 a 7-day step at fort_days 7, 0.192 at fort_days 3.5 — and by WB-1's 0.0005 with the
     * switch off; the war is decided (B prevails) once z ≤ z_min */
    /* (12) tempo: at a daily step fort_days 7 is stated for a week's step, a battle a day, so the
     * front still falls 0.096 a step; with the switch off a battle takes 7 calendar days, 0.096/7 a
     * daily step */
    static const char *const cases[] = {"front_walk: 1", "front_walk: 1, fort_days: 3.5", "front_walk: 0",
                                        "front_walk: 1", "front_walk: 1, tempo: 0"};
    static const double speed[] = {0.096, 0.192, 0.0005, 0.096, 0.096 / 7};
    static const int step[] = {7, 7, 7, 1, 1};
    for (size_t i = 0; i < 5; i++) {
        char params[200];
        snprintf(params, sizeof params, "jump_rate: 0, p_talk_open: 0, decisive_weight: 0, %s", cases[i]);
        char tail[512], text[2048];
        snprintf(tail, sizeof tail,
                 "  front: 0.5\n"
                 "  step_days: %d\n"
                 "  parameters: {%s}\n"
                 "  actors: {A: {power: 0, replenish: 0}}\n",
                 step[i], params);
        war_fixture_duel(text, sizeof text, "a lopsided war", tail);
        en_scenario *s = fixture_yaml(text);
        en_war_summary *m = simulate(s, 20, 1, 0);
        for (long r = 0; r < m->runs; r++) {
            const float *front = &m->front[(size_t)r * (size_t)m->steps];
            assert_true(fabs(front[0] - (0.5 - speed[i])) < 1e-6);
            assert_true(fabs(front[1] - (0.5 - 2 * speed[i])) < 1e-6);
            if (i != 2 && i != 4) assert_int_equal(m->decided[r], 2);
            if (i == 2) assert_int_equal(m->decided[r], 0);
        }
        en_war_summary_free(m);
        en_scenario_free(s);
    }
}

/* ---- (2) the window prices renewal as the runs do ---- */

/* Side i's margin for breaking the deal x (test_renewal_probability's hand valuation). */
static double break_margin(int side, const double *x, double dh, double annuity)
{
    double q = 0.5 - 0.5 * (x[1] - 20) / 100;
    double zhat = (1 - x[0] / 100) + 26 * 0.01 * (2 * q - 1);
    zhat = zhat < 0 ? 0 : zhat > 1 ? 1 : zhat;
    double war_u = side == 0 ? (zhat + 0.0001 * 0.8) / 1.0001 : ((1 - zhat) + 0.0001 * 0.2) / 1.0001;
    double deal_u = side == 0 ? ((1 - x[0] / 100) + 0.0001 * (1 - x[1] / 100)) / 1.0001
                              : (x[0] / 100 + 0.0001 * x[1] / 100) / 1.0001;
    return dh * war_u - 0.003 * annuity - deal_u;
}

static void test_renewal_window(void **state)
{
    (void)state;
    /* With renewal_probability on, a signed deal x̄ breaks with the commitment probability
     * Q = 1 − (1 − P_A)(1 − P_B), P_i = clamp((m_i + σ)/(2σ), 0, 1) (test_renewal_probability; σ = 0.3 here).
     * The window prices it the same way at the deal on the table x̄: A's value of a deal x is
     * U_A(x) − ℓ_A (1 − Q(x̄)) logistic(−3 + 4 · 0.5 (x_b − 20)/100), and ℓ_A Q(x̄) joins A's
     * reservation; with renewal_window 0 the logistic alone (test_renewal_power). Averaged over
     * runs (the private type θ_A in the reservation has mean 0), the reservation exceeds the
     * value of fighting on (δ^H U_A(ẑ) − κ·annuity at the frozen belief) by ℓ_A Q. */
    double dh = pow(0.995, 26), annuity = (1 - dh) / (1 - 0.995);
    for (int on = 0; on <= 1; on++) {
        char params[240];
        snprintf(params, sizeof params, ", p_talk_open: 0, private_info: 0.3, front_speed: 0.01, prior_strength: 1000000, forget: 1, "
                 "renewal_power: 1, renewal_probability: 1, renewal_window: %d", on);
        bloc_extra = ", power_shift: 0.5";
        en_scenario *s = scenario(params, NULL, NULL, NULL, NULL);
        bloc_extra = "";
        en_war_summary *m = explain_run(s, 2000, "2022-01-15");
        double max_priced = 0, gap = 0, priced_sum = 0;
        for (long r = 0; r < m->runs; r++) {
            const double *xb = &m->explain_renew_basis[(size_t)r * 2];
            double loss = m->explain_renew_loss[(size_t)r * m->player_count];
            double pa = (break_margin(0, xb, dh, annuity) + 0.3) / 0.6, pb = (break_margin(1, xb, dh, annuity) + 0.3) / 0.6;
            pa = pa < 0 ? 0 : pa > 1 ? 1 : pa;
            pb = pb < 0 ? 0 : pb > 1 ? 1 : pb;
            double q = on ? 1 - (1 - pa) * (1 - pb) : 0;
            const double *x = &m->explain_package[(size_t)r * 2];
            double u = ((1 - x[0] / 100) + 0.0001 * (1 - x[1] / 100)) / 1.0001;
            double expected_value = u - loss * (1 - q) * logistic(-3 + 4 * 0.5 * (x[1] - 20) / 100);
            double v = m->explain_deal_value[(size_t)r * m->player_count];
            if (fabs(v - expected_value) > 1e-4) {
                fprintf(stderr, "renewal_window %d: deal value %.9f (expected %.9f), Q %.4f\n", on, v, expected_value, q);
                fail();
            }
            /* A's value of fighting on at the frozen front z = 1/2 after two steps' moves */
            double z = m->front[(size_t)r * (size_t)m->steps + 1];
            double zhat = z + 26 * 0.01 * (2 * 0.5 - 1);
            double fight = dh * (zhat + 0.0001 * 0.8) / 1.0001 - 0.003 * annuity;
            gap += m->explain_reservation[(size_t)r * m->player_count] - fight - loss * q;
            priced_sum += loss * q;
            if (loss * q > max_priced) max_priced = loss * q;
        }
        gap /= (double)m->runs;
        /* θ_A ~ U[−0.3, 0.3]: the mean over 2000 runs within 4 standard errors */
        assert_true(fabs(gap) < 4 * 0.3 / sqrt(3.0) / sqrt((double)m->runs) + 1e-4);
        if (on) assert_true(priced_sum / (double)m->runs > 4 * 0.3 / sqrt(3.0) / sqrt((double)m->runs));
        en_war_summary_free(m);
        en_scenario_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screen_closed_form), cmocka_unit_test(test_screening_protocol),
        cmocka_unit_test(test_talk_ramp),          cmocka_unit_test(test_chill_and_harden),
        cmocka_unit_test(test_patron_pressure),    cmocka_unit_test(test_culpability),
        cmocka_unit_test(test_aid_foresight),      cmocka_unit_test(test_guarantee_credibility),
        cmocka_unit_test(test_kinds),              cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_rate_days),          cmocka_unit_test(test_reader),
        cmocka_unit_test(test_noisy_learning),     cmocka_unit_test(test_renewal_power),
        cmocka_unit_test(test_monotone),          cmocka_unit_test(test_war_value),
        cmocka_unit_test(test_renewal_probability), cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_ceasefire_first),   cmocka_unit_test(test_ceasefire_patron), cmocka_unit_test(test_ceasefire_mediator),
        cmocka_unit_test(test_front_walk),        cmocka_unit_test(test_renewal_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
