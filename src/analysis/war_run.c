/*
 * war_run.c — one run of the WB-1 simulation (docs/models/war.md, "One run", which states the
 * model and its deviations). A run walks the scenario's war from
 * `start` to `end` in steps of `step_days`:
 *   1 scripted events; 2 patrons' aid regimes (Markov switch); 3 combat power and the contest
 *   success function (Hirshleifer 1989, Public Choice 63); 4 battle draw and breakthroughs;
 *   5 costs; 6 Beta–Binomial learning with forgetting and mediator pull (Smith & Stam 2004);
 *   7 decay of public-commitment stocks (Fearon 1994); 8 the window (war_window.c) with
 *   continuation values that mix the projected front with a gambler's-ruin decisive branch;
 *   9 talks, the package (asymmetric Nash inside the window, or a registered model on positions
 *   clamped into it) and ratification; 10 renewal hazard of a signed deal (Powell 2006, Walter
 *   1997: shifts of future power raise it, guarantees lower it).
 * Every uncertain value of the scenario is drawn once per run, from the run's own stream seeded
 * by (seed, run), and the run writes only its own rows of the summary, so the output does not
 * depend on which thread ran it (war.c). One run: steps × (one window LP + O(actors × issues)).
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/montecarlo.h"
#include "analysis/war_internal.h"
#include "core/error.h"
#include "core/util.h"
#include "core/war.h"
#include "models/baseline.h"
#include "models/model.h"

/* Draws of uncertain values and the per-run seeds come from the Monte Carlo layer
 * (analysis/montecarlo.h), so `entente mc` and `entente war` sample alike. */
static double draw_value(const en_value *v, gsl_rng *rng) { return en_mc_sample_value(v, rng); }

struct war_run {
    gsl_rng *rng;
    en_war_window_ws *ws;
    /* drawn parameters */
    double global[WP_COUNT];
    double *actor_par;   /* na × WA_COUNT */
    double *issue_par;   /* ni × WI_COUNT */
    double *ideal, *salience, *stated, *commitment; /* na × ni */
    double *capability;  /* na */
    unsigned char *veto; /* np × ni */
    /* state */
    double power[2], boost[2];
    long boost_until[2];
    double jump_override[2];
    int *stalled;        /* per patron */
    double *flow_now;    /* per patron: USD bn this step */
    double *extra_aid;   /* patron × steps */
    double *front_shift; /* steps */
    double *alpha, *beta; /* per actor */
    long mediator_until;
    double mediator_alpha, mediator_beta;
    int channel_closed;
    /* window frame */
    double *weight, *tolerance, *power_shift, *guarantee, *reference; /* np × ni, ni, ni, ni, ni */
    en_war_player *players;
    double *reservation;  /* np */
    double *package, *deal, *scratch, *outcome, *ideal_a, *ideal_b; /* ni */
    double *settle_pos, *settle_w, *settle_reach;
};

war_run *war_run_new(const war_setup *su)
{
    war_run *r = en_xcalloc(1, sizeof *r);
    size_t na = su->na, ni = su->ni, np = su->np ? su->np : 1, nb = su->nb ? su->nb : 1;
    size_t steps = (size_t)su->steps;
    r->rng = gsl_rng_alloc(gsl_rng_mt19937);
    r->ws = en_war_window_ws_new();
    r->actor_par = en_xcalloc(na * WA_COUNT, sizeof(double));
    r->issue_par = en_xcalloc(ni * WI_COUNT, sizeof(double));
    r->ideal = en_xcalloc(na * ni, sizeof(double));
    r->salience = en_xcalloc(na * ni, sizeof(double));
    r->stated = en_xcalloc(na * ni, sizeof(double));
    r->commitment = en_xcalloc(na * ni, sizeof(double));
    r->capability = en_xcalloc(na, sizeof(double));
    r->veto = en_xcalloc(np * ni, 1);
    r->stalled = en_xcalloc(nb, sizeof(int));
    r->flow_now = en_xcalloc(nb, sizeof(double));
    r->extra_aid = en_xcalloc(nb * (steps + 1), sizeof(double));
    r->front_shift = en_xcalloc(steps + 1, sizeof(double));
    r->alpha = en_xcalloc(na, sizeof(double));
    r->beta = en_xcalloc(na, sizeof(double));
    r->weight = en_xcalloc(np * ni, sizeof(double));
    r->tolerance = en_xcalloc(ni, sizeof(double));
    r->power_shift = en_xcalloc(ni, sizeof(double));
    r->guarantee = en_xcalloc(ni, sizeof(double));
    r->reference = en_xcalloc(ni, sizeof(double));
    r->players = en_xcalloc(np, sizeof(en_war_player));
    r->reservation = en_xcalloc(np, sizeof(double));
    r->package = en_xcalloc(ni, sizeof(double));
    r->deal = en_xcalloc(ni, sizeof(double));
    r->scratch = en_xcalloc(ni, sizeof(double));
    r->outcome = en_xcalloc(ni, sizeof(double));
    r->ideal_a = en_xcalloc(ni, sizeof(double));
    r->ideal_b = en_xcalloc(ni, sizeof(double));
    r->settle_pos = en_xcalloc(np, sizeof(double));
    r->settle_w = en_xcalloc(np, sizeof(double));
    r->settle_reach = en_xcalloc(np, sizeof(double));
    return r;
}

void war_run_free(war_run *r)
{
    if (!r) return;
    gsl_rng_free(r->rng);
    en_war_window_ws_free(r->ws);
    void *ptrs[] = {r->actor_par, r->issue_par, r->ideal, r->salience, r->stated, r->commitment,
                    r->capability, r->veto, r->stalled, r->flow_now, r->extra_aid, r->front_shift, r->alpha,
                    r->beta, r->weight, r->tolerance, r->power_shift, r->guarantee, r->reference,
                    r->players, r->reservation, r->package, r->deal, r->scratch, r->outcome,
                    r->ideal_a, r->ideal_b, r->settle_pos, r->settle_w, r->settle_reach};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) free(ptrs[i]);
    free(r);
}

#define AP(r, su, a, p) ((r)->actor_par[(size_t)(a) * WA_COUNT + (p)])
#define IP(r, k, p) ((r)->issue_par[(size_t)(k) * WI_COUNT + (p)])

static double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* Salience weights of each player over the issues it currently vetoes (normalised to 1). */
static void set_weights(war_run *r, const war_setup *su)
{
    for (size_t p = 0; p < su->np; p++) {
        long a = su->player_actor[p];
        double total = 0;
        for (size_t k = 0; k < su->ni; k++)
            if (r->veto[p * su->ni + k]) total += r->salience[(size_t)a * su->ni + k];
        for (size_t k = 0; k < su->ni; k++)
            r->weight[p * su->ni + k] = r->veto[p * su->ni + k] && total > 0
                                            ? r->salience[(size_t)a * su->ni + k] / total
                                            : 0;
    }
}

/* Draws the run's parameters and sets the initial state. */
static void run_init(war_run *r, const war_setup *su, long run)
{
    const en_scenario *s = su->s;
    const en_war *w = su->w;
    size_t ni = su->ni;
    gsl_rng_set(r->rng, en_mc_stream_seed((uint64_t)su->o->seed, (uint64_t)run));
    for (int p = 0; p < WP_COUNT; p++) r->global[p] = draw_value(&w->global[p], r->rng);
    for (size_t a = 0; a < su->na; a++) {
        for (int p = 0; p < WA_COUNT; p++)
            AP(r, su, a, p) = draw_value(en_war_actor_param(w, a, p), r->rng);
        r->capability[a] = draw_value(&s->actors[a].capability, r->rng);
        for (size_t k = 0; k < ni; k++) {
            const en_stance *st = &s->actors[a].stances[k];
            size_t at = a * ni + k;
            r->ideal[at] = st->present ? draw_value(&st->position, r->rng) : NAN;
            r->salience[at] = st->present ? draw_value(&st->salience, r->rng) : 0;
            r->stated[at] = st->present ? (st->has_public ? draw_value(&st->public_position, r->rng) : r->ideal[at]) : 0;
            r->commitment[at] = draw_value(&w->commitment[at], r->rng);
        }
    }
    for (size_t k = 0; k < ni; k++) {
        for (int p = 0; p < WI_COUNT; p++) IP(r, k, p) = draw_value(en_war_issue_param(w, k, p), r->rng);
        r->tolerance[k] = IP(r, k, WI_TOLERANCE) >= 0 ? IP(r, k, WI_TOLERANCE) : r->global[WP_TOLERANCE];
        r->power_shift[k] = IP(r, k, WI_POWER_SHIFT);
        r->guarantee[k] = IP(r, k, WI_GUARANTEE);
        r->reference[k] = su->status_quo[k];
    }
    for (size_t p = 0; p < su->np; p++) {
        long a = su->player_actor[p];
        int bell = a == w->side_a || a == w->side_b;
        for (size_t k = 0; k < ni; k++)
            r->veto[p * ni + k] = s->actors[a].stances[k].present && (bell || s->actors[a].veto[k]);
    }
    set_weights(r, su);
    long sides[2] = {w->side_a, w->side_b};
    for (int i = 0; i < 2; i++) {
        r->power[i] = AP(r, su, sides[i], WA_POWER);
        r->boost[i] = 1;
        r->boost_until[i] = -1;
        r->jump_override[i] = -1;
    }
    memset(r->stalled, 0, (su->nb ? su->nb : 1) * sizeof *r->stalled);
    memset(r->extra_aid, 0, (su->nb ? su->nb : 1) * ((size_t)su->steps + 1) * sizeof *r->extra_aid);
    memset(r->front_shift, 0, ((size_t)su->steps + 1) * sizeof *r->front_shift);
    double strength = r->global[WP_PRIOR_STRENGTH];
    for (size_t a = 0; a < su->na; a++) {
        double mean = AP(r, su, a, WA_PRIOR_Q);
        r->alpha[a] = mean * strength;
        r->beta[a] = (1 - mean) * strength;
    }
    r->mediator_until = -1;
    r->channel_closed = 0;
}

/* Contest success function: A's per-contest win probability. */
static double edge(const war_run *r, const war_setup *su)
{
    const en_war *w = su->w;
    double ka = AP(r, su, w->side_a, WA_DEFENDER_ADVANTAGE) * r->power[0] * r->boost[0];
    double kb = AP(r, su, w->side_b, WA_DEFENDER_ADVANTAGE) * r->power[1] * r->boost[1];
    double g = r->global[WP_GAMMA];
    if (!(ka > 0) && !(kb > 0)) return 0.5;
    if (g == 0) return 0.5;
    /* ratio form written as a logistic of the log ratio: no overflow for large γ */
    if (!(kb > 0)) return 1;
    if (!(ka > 0)) return 0;
    return 1 / (1 + exp(g * (log(kb) - log(ka))));
}

static double belief(const war_run *r, const war_setup *su, long a)
{
    (void)su;
    double mean = r->alpha[a] / (r->alpha[a] + r->beta[a]) + AP(r, su, a, WA_OPTIMISM);
    return clamp(mean, 0.001, 0.999);
}

static size_t patron_index(const war_setup *su, long actor)
{
    for (size_t b = 0; b < su->nb; b++)
        if (su->patron_actor[b] == actor) return b;
    return (size_t)-1;
}

static void apply_event(war_run *r, const war_setup *su, const en_war_event *e, long t)
{
    const en_war *w = su->w;
    size_t ni = su->ni;
    long steps = su->steps;
    int side = e->actor == w->side_a ? 0 : 1;
    switch (e->type) {
    case EN_WAR_AID: {
        size_t b = patron_index(su, e->actor);
        if (b == (size_t)-1) break;
        double amount = draw_value(&e->amount, r->rng);
        for (long u = t; u < t + e->steps && u < steps; u++)
            r->extra_aid[b * ((size_t)steps + 1) + (size_t)u] += amount / (double)e->steps;
        break;
    }
    case EN_WAR_AID_STALL:
    case EN_WAR_AID_RESUME: {
        size_t b = patron_index(su, e->actor);
        if (b != (size_t)-1) r->stalled[b] = e->type == EN_WAR_AID_STALL;
        break;
    }
    case EN_WAR_CHANNEL_CLOSE: r->channel_closed = 1; break;
    case EN_WAR_CHANNEL_OPEN: r->channel_closed = 0; break;
    case EN_WAR_COMMITMENT: {
        size_t at = (size_t)e->actor * ni + (size_t)e->issue;
        if (e->change.kind != EN_VALUE_FIXED || e->change.value != 0)
            r->commitment[at] = clamp(r->commitment[at] + draw_value(&e->change, r->rng), 0, 1);
        if (e->has_stated) r->stated[at] = draw_value(&e->stated, r->rng);
        break;
    }
    case EN_WAR_OFFENSIVE:
        r->boost[side] = fmax(0, 1 + draw_value(&e->boost, r->rng));
        r->boost_until[side] = t + e->steps;
        r->jump_override[side] = e->has_jump_rate ? draw_value(&e->jump_rate, r->rng) : -1;
        break;
    case EN_WAR_MOBILIZATION:
        r->power[side] = fmax(0, r->power[side] + draw_value(&e->power, r->rng));
        break;
    case EN_WAR_FRONT: {
        double change = draw_value(&e->change, r->rng);
        for (long u = t; u < t + e->steps && u < steps; u++)
            r->front_shift[u] += change / (double)e->steps;
        break;
    }
    case EN_WAR_MEDIATION:
        if (t + e->steps > r->mediator_until) r->mediator_until = t + e->steps;
        break;
    case EN_WAR_LEADER_CHANGE:
        for (size_t k = 0; k < ni; k++) r->commitment[(size_t)e->actor * ni + k] = 0;
        AP(r, su, e->actor, WA_OPTIMISM) = 0;
        break;
    case EN_WAR_BELIEF:
        AP(r, su, e->actor, WA_OPTIMISM) += draw_value(&e->change, r->rng);
        break;
    case EN_WAR_POSITION:
        r->ideal[(size_t)e->actor * ni + (size_t)e->issue] = draw_value(&e->position, r->rng);
        break;
    case EN_WAR_VETO:
        for (size_t p = 0; p < su->np; p++)
            if (su->player_actor[p] == e->actor && su->s->actors[e->actor].stances[e->issue].present &&
                e->actor != w->side_a && e->actor != w->side_b)
                r->veto[p * ni + (size_t)e->issue] = (unsigned char)e->value;
        set_weights(r, su);
        break;
    case EN_WAR_EVENT_TYPE_COUNT: break;
    }
}

/* The package war is expected to deliver when A holds share z of the zone (§8.4). */
static void war_outcome(const war_run *r, const war_setup *su, double z, double *x)
{
    const en_war *w = su->w;
    size_t ni = su->ni;
    for (size_t k = 0; k < ni; k++) {
        double ta = r->ideal[(size_t)w->side_a * ni + k], tb = r->ideal[(size_t)w->side_b * ni + k];
        if ((long)k == w->territory) {
            double width = su->high[k] - su->low[k];
            x[k] = ta < tb ? su->low[k] + (1 - z) * width : su->low[k] + z * width;
            continue;
        }
        double b = IP(r, k, WI_BATTLEFIELD);
        double fought = tb + (ta - tb) * pow(z, IP(r, k, WI_ETA));
        x[k] = (1 - b) * su->status_quo[k] + b * fought;
    }
}

/* Fills the frame's players (all veto players, or only the belligerents) with V^cont + ε. */
static size_t build_players(war_run *r, const war_setup *su, double z, long t, int belligerents_only)
{
    const en_war *w = su->w;
    size_t ni = su->ni, n = 0;
    double delta = r->global[WP_DELTA];
    long horizon = (long)r->global[WP_HORIZON];
    double dh = pow(delta, (double)horizon);
    double annuity = delta < 1 ? (1 - dh) / (1 - delta) : (double)horizon;
    double jump = r->global[WP_JUMP_RATE] * r->global[WP_JUMP_SIZE];
    double decisive = r->global[WP_DECISIVE_WEIGHT], forts = r->global[WP_FORTS];
    int mediated = t < r->mediator_until;
    for (size_t k = 0; k < ni; k++) {
        r->ideal_a[k] = r->ideal[(size_t)w->side_a * ni + k];
        r->ideal_b[k] = r->ideal[(size_t)w->side_b * ni + k];
    }
    for (size_t p = 0; p < su->np; p++) {
        long a = su->player_actor[p];
        if (belligerents_only && a != w->side_a && a != w->side_b) continue;
        en_war_player *pl = &r->players[n];
        pl->ideal = &r->ideal[(size_t)a * ni];
        pl->weight = &r->weight[p * ni];
        pl->stated = &r->stated[(size_t)a * ni];
        pl->commitment = &r->commitment[(size_t)a * ni];
        pl->audience = AP(r, su, a, WA_AUDIENCE_COST) * (mediated ? r->global[WP_SECRECY] : 1);
        pl->renewal_loss = AP(r, su, a, WA_RENEWAL_LOSS);
        pl->renewal_side = su->player_side[p];
        /* V^cont: own belief → projected front → expected package, discounted, minus costs */
        double q = belief(r, su, a);
        double zhat = clamp(z + (double)horizon * (r->global[WP_FRONT_SPEED] + jump) * (2 * q - 1), 0, 1);
        en_war_frame one = {ni, su->low, su->high, r->tolerance, r->power_shift, r->guarantee,
                            r->reference, 0, 0, 0, 1, pl};
        war_outcome(r, su, zhat, r->outcome);
        double value = dh * en_war_utility(&one, pl, r->outcome);
        if (decisive > 0) {
            double win = en_war_gamblers_ruin(q, z * forts, forts);
            double fought = win * en_war_utility(&one, pl, r->ideal_a) +
                            (1 - win) * en_war_utility(&one, pl, r->ideal_b);
            value = (1 - decisive) * value + decisive * dh * fought;
        }
        value -= AP(r, su, a, WA_FLOW_COST) * annuity;
        size_t b = patron_index(su, a);
        if (b != (size_t)-1) value -= AP(r, su, a, WA_AID_COST) * r->flow_now[b] * annuity;
        pl->reservation = value + AP(r, su, a, WA_HOLDOUT);
        r->reservation[n] = pl->reservation;
        n++;
    }
    return n;
}

static en_war_frame frame_of(war_run *r, const war_setup *su, size_t players)
{
    en_war_frame f = {su->ni, su->low, su->high, r->tolerance, r->power_shift, r->guarantee,
                      r->reference, r->global[WP_RENEW_A0], r->global[WP_RENEW_A1],
                      r->global[WP_RENEW_A2], players, r->players};
    return f;
}

/* Picks the deal inside the window (§8.7); `r->package` is the maximin package (in the window). */
static void settle(war_run *r, const war_setup *su, const en_war_frame *f, double *deal)
{
    size_t ni = su->ni;
    memcpy(deal, r->package, ni * sizeof *deal);
    if (!su->settle_model) {
        /* Asymmetric Nash per issue on the slice of the window through the maximin package:
         * weights capability × salience, each player's disagreement at the far end of the slice. */
        for (size_t k = 0; k < ni; k++) {
            double lo, hi;
            en_war_window_slice(f, r->package, k, &lo, &hi);
            if (!(hi > lo)) continue;
            size_t n = 0;
            for (size_t p = 0; p < f->player_count; p++) {
                const en_war_player *pl = &f->players[p];
                if (!(pl->weight[k] > 0)) continue;
                long a = su->player_actor[p];
                r->settle_pos[n] = pl->ideal[k];
                r->settle_w[n] = r->capability[a] * r->salience[(size_t)a * ni + k];
                r->settle_reach[n] = fmax(fabs(pl->ideal[k] - lo), fabs(pl->ideal[k] - hi)) + 1e-9 * (hi - lo);
                n++;
            }
            double x;
            if (n && en_nash_solve(r->settle_pos, r->settle_w, r->settle_reach, n, lo, hi, &x))
                deal[k] = x;
        }
    } else {
        /* A registered stakeholder model on a copy whose positions are clamped into the slices. */
        en_scenario *copy = en_scenario_clone(su->s);
        en_war_free(copy->war);
        copy->war = NULL;
        for (size_t k = 0; k < ni; k++) {
            double lo, hi;
            en_war_window_slice(f, r->package, k, &lo, &hi);
            for (size_t a = 0; a < su->na; a++) {
                en_stance *st = &copy->actors[a].stances[k];
                if (!st->present) continue;
                double x = clamp(r->ideal[a * ni + k], lo, hi);
                st->position = en_value_fixed(x, copy->issues[k].scale_min, copy->issues[k].scale_max);
                st->salience = en_value_fixed(r->salience[a * ni + k], 0, 1);
            }
            if (copy->issues[k].has_status_quo)
                copy->issues[k].status_quo.value = clamp(copy->issues[k].status_quo.value, lo, hi);
        }
        en_result *result = NULL;
        en_error err = EN_ERROR_INIT;
        if (en_run(su->settle_model, copy, su->o->settle_params, &result, &err) == EN_OK) {
            for (size_t i = 0; i < result->issue_count; i++)
                deal[result->issues[i].issue] = result->issues[i].forecast;
        }
        en_error_clear(&err);
        en_result_free(result);
        en_scenario_free(copy);
    }
    en_war_pull_into_window(f, r->package, deal);
}

void war_run_one(war_run *r, const war_setup *su, long run)
{
    en_war_summary *sum = su->sum;
    const en_war *w = su->w;
    size_t ni = su->ni;
    long steps = su->steps;
    run_init(r, su, run);
    double z = clamp(draw_value(&w->front, r->rng), 0, 1);
    /* the mediator is an informed outsider: its estimate starts at the true edge */
    double strength = r->global[WP_PRIOR_STRENGTH], q0 = edge(r, su);
    r->mediator_alpha = q0 * strength;
    r->mediator_beta = (1 - q0) * strength;
    size_t next_event = 0;
    int in_deal = 0, decided = 0;
    sum->first_deal[run] = -1;
    sum->renewed[run] = -1;
    sum->decided[run] = 0;
    double rho_deal = 0;
    size_t at0 = (size_t)run * (size_t)steps;
    for (long t = 0; t < steps; t++) {
        size_t at = at0 + (size_t)t;
        /* 2. aid regimes switch (scripted events below override them) */
        for (size_t b = 0; b < su->nb; b++) {
            long a = su->patron_actor[b];
            double p = r->stalled[b] ? AP(r, su, a, WA_STALL_TO_FLOW) : AP(r, su, a, WA_FLOW_TO_STALL);
            if (gsl_rng_uniform(r->rng) < p) r->stalled[b] = !r->stalled[b];
        }
        /* 1. scripted events of this step */
        while (next_event < w->event_count && en_war_step_of(w, w->events[next_event].day) <= t) {
            apply_event(r, su, &w->events[next_event], t);
            next_event++;
        }
        for (int i = 0; i < 2; i++)
            if (r->boost_until[i] >= 0 && t >= r->boost_until[i]) {
                r->boost[i] = 1;
                r->boost_until[i] = -1;
                r->jump_override[i] = -1;
            }
        /* 3. combat power: depreciation, replenishment, aid */
        double aid_to[2] = {0, 0};
        for (size_t b = 0; b < su->nb; b++) {
            long a = su->patron_actor[b];
            double flow = r->stalled[b] ? AP(r, su, a, WA_AID_STALLED) : AP(r, su, a, WA_AID_FLOW);
            flow += r->extra_aid[b * ((size_t)steps + 1) + (size_t)t];
            int side = su->s->actors[a].patron_of == w->side_a ? 0 : 1;
            aid_to[side] += AP(r, su, a, WA_AID_EFFECT) * flow;
            r->flow_now[b] = flow;
        }
        long sides[2] = {w->side_a, w->side_b};
        double q = edge(r, su);
        int fighting = !in_deal && !decided;
        int wins = 0;
        long contests = (long)r->global[WP_CONTESTS];
        if (fighting) {
            /* 4. battle draw */
            wins = (int)gsl_ran_binomial(r->rng, q, (unsigned int)contests);
            double share = (double)wins / (double)contests;
            double dz = r->global[WP_FRONT_SPEED] * (2 * share - 1);
            double jump_rate = r->global[WP_JUMP_RATE];
            for (int i = 0; i < 2; i++)
                if (r->jump_override[i] > jump_rate) jump_rate = r->jump_override[i];
            if (gsl_rng_uniform(r->rng) < jump_rate) {
                /* the side on the offensive (if one is) is the one more likely to break through */
                double pa = q;
                dz += (gsl_rng_uniform(r->rng) < pa ? 1 : -1) * r->global[WP_JUMP_SIZE];
            }
            z = clamp(z + dz + r->front_shift[t], 0, 1);
            for (int i = 0; i < 2; i++) {
                double lost = i == 0 ? 1 - share : share;
                r->power[i] = (1 - AP(r, su, sides[i], WA_DEPRECIATION)) * r->power[i] +
                              AP(r, su, sides[i], WA_REPLENISH) + aid_to[i] -
                              AP(r, su, sides[i], WA_BATTLE_LOSS) * lost;
                if (r->power[i] < 0) r->power[i] = 0;
            }
            /* 6. learning with forgetting; an active mediator pulls beliefs toward its own */
            double lambda = r->global[WP_FORGET];
            for (size_t p = 0; p < su->np; p++) {
                long a = su->player_actor[p];
                r->alpha[a] = lambda * r->alpha[a] + wins;
                r->beta[a] = lambda * r->beta[a] + (double)(contests - wins);
            }
            r->mediator_alpha = lambda * r->mediator_alpha + wins;
            r->mediator_beta = lambda * r->mediator_beta + (double)(contests - wins);
            if (t < r->mediator_until) {
                double m = r->global[WP_MEDIATOR_PULL];
                double target = r->mediator_alpha / (r->mediator_alpha + r->mediator_beta);
                for (size_t p = 0; p < su->np; p++) {
                    long a = su->player_actor[p];
                    double n = r->alpha[a] + r->beta[a];
                    double mean = (1 - m) * r->alpha[a] / n + m * target;
                    r->alpha[a] = mean * n;
                    r->beta[a] = (1 - mean) * n;
                }
            }
            if (z <= r->global[WP_Z_MIN]) decided = 2;
            else if (z >= r->global[WP_Z_MAX]) decided = 1;
            if (decided) sum->decided[run] = decided;
        }
        /* leadership changes */
        for (size_t p = 0; p < su->np; p++) {
            long a = su->player_actor[p];
            double h = AP(r, su, a, WA_LEADER_HAZARD);
            if (h > 0 && gsl_rng_uniform(r->rng) < h) {
                for (size_t k = 0; k < ni; k++) r->commitment[(size_t)a * ni + k] = 0;
                AP(r, su, a, WA_OPTIMISM) = 0;
            }
        }
        /* 7. public commitments decay */
        double decay = r->global[WP_COMMITMENT_DECAY];
        for (size_t k = 0; k < su->na * ni; k++) r->commitment[k] *= decay;
        sum->front[at] = (float)z;
        sum->edge[at] = (float)q;
        sum->belief_a[at] = (float)belief(r, su, w->side_a);
        sum->belief_b[at] = (float)belief(r, su, w->side_b);
        sum->blocker[at] = -1;
        sum->patron_blocker[at] = -1;
        sum->miss[at] = WAR_MISS_NONE;
        if (decided) {
            sum->state[at] = WAR_DECIDED;
            sum->slack[at] = NAN;
            sum->open[at] = 0;
            continue;
        }
        /* 8. the window */
        size_t np = build_players(r, su, z, t, 0);
        en_war_frame f = frame_of(r, su, np);
        size_t binding = 0;
        double slack = en_war_window(&f, r->ws, r->package, &binding);
        int open = slack >= 0;
        sum->slack[at] = (float)slack;
        sum->open[at] = (unsigned char)open;
        if (!open) sum->blocker[at] = (short)binding;
        if (t == sum->explain_step) {
            size_t base = (size_t)run * su->np;
            for (size_t p = 0; p < np; p++) {
                const en_war_player *pl = &r->players[p];
                double dv = en_war_utility(&f, pl, r->package) - en_war_audience_cost(&f, pl, r->package) -
                            (pl->renewal_loss > 0 ? pl->renewal_loss * en_war_renewal_probability(&f, pl->renewal_side, r->package) : 0);
                sum->explain_reservation[base + p] = pl->reservation;
                sum->explain_deal_value[base + p] = dv;
                sum->explain_surplus[base + p] = dv - pl->reservation;
            }
            sum->explain_blocker[run] = (short)(open ? -1 : (long)binding);
            for (size_t k = 0; k < ni; k++) sum->explain_package[(size_t)run * ni + k] = r->package[k];
        }
        if (in_deal) {
            sum->state[at] = WAR_IN_DEAL;
            /* 10. renewal hazard */
            if (gsl_rng_uniform(r->rng) < rho_deal / r->global[WP_RENEW_HORIZON]) {
                in_deal = 0;
                if (sum->renewed[run] < 0) sum->renewed[run] = t;
            }
            continue;
        }
        sum->state[at] = WAR_AT_WAR;
        /* 9. talks */
        int mediated = t < r->mediator_until;
        double p_talk = r->channel_closed ? r->global[WP_P_TALK_CLOSED]
                        : mediated        ? r->global[WP_P_TALK_MEDIATED]
                                          : r->global[WP_P_TALK_OPEN];
        if (!open) {
            /* near miss by a patron: the belligerents alone had a window */
            memcpy(r->scratch, r->package, ni * sizeof *r->scratch);
            size_t nbel = build_players(r, su, z, t, 1);
            en_war_frame fb = frame_of(r, su, nbel);
            if (en_war_window(&fb, r->ws, r->scratch, NULL) >= 0) {
                sum->miss[at] = WAR_MISS_PATRON;
                sum->patron_blocker[at] = (short)binding;
            }
            continue;
        }
        int talks = gsl_rng_uniform(r->rng) < p_talk;
        if (!talks || su->o->window_only) {
            sum->miss[at] = r->channel_closed ? WAR_MISS_CHANNEL : WAR_MISS_NO_TALKS;
            continue;
        }
        settle(r, su, &f, r->deal);
        int ratified = 1;
        for (size_t p = 0; p < su->np; p++) {
            double pr = AP(r, su, su->player_actor[p], WA_RATIFY);
            if (pr < 1 && gsl_rng_uniform(r->rng) >= pr) ratified = 0;
        }
        if (!ratified) {
            sum->miss[at] = WAR_MISS_RATIFY;
            continue;
        }
        in_deal = 1;
        sum->state[at] = WAR_IN_DEAL;
        double ra = en_war_renewal_probability(&f, 1, r->deal), rb = en_war_renewal_probability(&f, -1, r->deal);
        rho_deal = 1 - (1 - ra) * (1 - rb);
        if (sum->first_deal[run] < 0) {
            sum->first_deal[run] = t;
            memcpy(&sum->terms[(size_t)run * ni], r->deal, ni * sizeof *r->deal);
        }
    }
}

