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
 * WB-2 (docs/models/war.md, "WB-2") adds: private resolve types and screening offers (Fearon
 * 1995, Powell 2004); a talks hazard that rises after the fighting began (base rates); public
 * ratification, a channel chilled and positions hardened by failures (Putnam 1988, Fearon 1994);
 * patrons that press their clients by their own stakes (Werner 2000, Fang, Johnson & Leeds
 * 2014); beliefs along announced aid paths; culpable leaders (Goemans 2000, Croco 2011); bare
 * and victor's ceasefires; --as-of; rates restated for any step length; (9) the value of fighting
 * on from each side's belief about how the war ends (Fearon 1995; Smith & Stam 2004; Slantchev
 * 2003); renewal probability from the post-deal balance (Powell 2006), also priced in the
 * window; conditional packages; (10) a ceasefire as its own bargain, tried before a possible
 * settlement and followed by settlement talks while it holds (Fortna 2003, 2004; Reiter 2009);
 * (11) a front that moves at the pace of the fort walk the sides believe in (Smith & Stam 2004).
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

#include "core/sample.h"
#include "war/war_internal.h"
#include "core/error.h"
#include "core/oom.h"
#include "core/util.h"
#include "core/war.h"
#include "models/baseline.h"
#include "models/model.h"

/* Draws of uncertain values and the per-run seeds come from the Monte Carlo layer
 * (analysis/montecarlo.h), so `entente mc` and `entente war` sample alike. */
/* Key of the second stream of a run (the veto players' signals and observations, WB-2 (4)). */
#define OBS_STREAM_KEY 0x6f62736572766531ULL

static double draw_value(const en_value *v, gsl_rng *rng) { return en_mc_sample_value(v, rng); }

struct war_run {
    gsl_rng *rng;
    gsl_rng *obs_rng;     /* (4) the veto players' private signals and observation errors: a
                           * stream of their own, so switching them off leaves every other draw
                           * of the run as it was */
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
    double *box_low, *box_high, *box_pkg; /* ni: (3) a piece of the conditioned window */
    /* WB-2 state */
    double theta[2];      /* (1) private resolve types of A and B: extra reservation */
    double type_low[2];   /* (1) the other side's lower bound on A's / B's type (screening) */
    double chill;         /* (5) channel chill in [0, 1] */
    double *harden;       /* (5) per actor: hold-out added by its rejections, decaying */
    double *culpable;     /* (7) per actor: the current leader's culpability */
    double *lweight;      /* (7) np × ni: weights scaled by 1 + culpability */
    double *push;         /* (6) per player: reservation change from patrons' pressure */
    double *renew_loss;   /* (2) per player: loss from renewal at the post-deal balance */
    double *renew_basis;  /* (2) ni: the deal on the table it was valued at */
    double *patron_surplus, *patron_push; /* (6) per patron */
    double *pweight;      /* (6) ni: a patron's weights over every issue it cares about */
    double *pideal;       /* (6) ni: its ideals (status quo where it holds no stance) */
    double *ceasefire;    /* ni: the bare-ceasefire package */
    double *cf_commit;    /* (10) np × ni: commitments counted on a ceasefire (the frozen line only) */
    double *patron_cont;  /* (6) per patron: its value of the war going on this step */
    int kind_now;         /* EN_WAR_KIND_* of the deal in force, 0 at war */
    double renew_q;       /* (2) P(a belligerent breaks the deal on the table), priced in the window */
    int have_package;     /* r->package holds the last maximin package of this run */
    long rejections;
    double q_shift;       /* (4) mean edge along the announced power path minus today's */
    double credibility;   /* (2) weight of guarantees in the renewal risk, in [0, 1] */
    double dh, annuity;   /* δ^H and (1 − δ^H)/(1 − δ) of the run (after rate conversion) */
    double rate;          /* step_days / rate_days (1: rates are per step) */
};

war_run *war_run_new(const war_setup *su)
{
    war_run *r = en_xcalloc(1, sizeof *r);
    size_t na = su->na, ni = su->ni, np = su->np ? su->np : 1, nb = su->nb ? su->nb : 1;
    size_t steps = (size_t)su->steps;
    r->rng = en_mc_rng_new(); /* checked allocation: freed by an unwind (core/sample.h) */
    r->obs_rng = en_mc_rng_new();
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
    r->box_low = en_xcalloc(ni, sizeof(double));
    r->box_high = en_xcalloc(ni, sizeof(double));
    r->box_pkg = en_xcalloc(ni, sizeof(double));
    r->harden = en_xcalloc(na + 1, sizeof(double));
    r->culpable = en_xcalloc(na + 1, sizeof(double));
    r->lweight = en_xcalloc(np * ni + 1, sizeof(double));
    r->push = en_xcalloc(np, sizeof(double));
    r->renew_loss = en_xcalloc(np, sizeof(double));
    r->renew_basis = en_xcalloc(ni + 1, sizeof(double));
    r->patron_surplus = en_xcalloc(nb, sizeof(double));
    r->patron_push = en_xcalloc(nb, sizeof(double));
    r->pweight = en_xcalloc(ni + 1, sizeof(double));
    r->pideal = en_xcalloc(ni + 1, sizeof(double));
    r->ceasefire = en_xcalloc(ni + 1, sizeof(double));
    r->cf_commit = en_xcalloc(np * ni + 1, sizeof(double));
    r->patron_cont = en_xcalloc(nb, sizeof(double));
    return r;
}

void war_run_free(war_run *r)
{
    if (!r) return;
    en_mc_rng_free(r->rng);
    en_mc_rng_free(r->obs_rng);
    en_war_window_ws_free(r->ws);
    void *ptrs[] = {r->actor_par, r->issue_par, r->ideal, r->salience, r->stated, r->commitment,
                    r->capability, r->veto, r->stalled, r->flow_now, r->extra_aid, r->front_shift, r->alpha,
                    r->beta, r->weight, r->tolerance, r->power_shift, r->guarantee, r->reference,
                    r->players, r->reservation, r->package, r->deal, r->scratch, r->outcome,
                    r->ideal_a, r->ideal_b, r->settle_pos, r->settle_w, r->settle_reach,
                    r->harden, r->culpable, r->lweight, r->push, r->patron_surplus, r->patron_push,
                    r->pweight, r->pideal, r->ceasefire, r->renew_loss, r->renew_basis,
                    r->cf_commit, r->patron_cont, r->box_low, r->box_high, r->box_pkg};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) en_free(ptrs[i]);
    en_free(r);
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

/* Time step (WB-2): when `rate_days` is set, the per-step numbers of the file are stated for
 * rate_days and are converted to the run's step of step_days (ratio ρ): probabilities per step
 * p → 1 − (1 − p)^ρ, kept shares λ → λ^ρ, flows and drifts × ρ, horizons in steps ÷ ρ. Event
 * durations (`steps`) are converted when they are applied. */
static double per_step_p(double p, double rho) { return 1 - pow(1 - clamp(p, 0, 1), rho); }

static void convert_rates(war_run *r, const war_setup *su)
{
    double rd = r->global[WP_RATE_DAYS];
    r->rate = rd > 0 ? (double)su->w->step_days / rd : 1;
    double rho = r->rate;
    if (rho == 1) return;
    static const int probs[] = {WP_JUMP_RATE, WP_MEDIATOR_PULL, WP_P_TALK_OPEN, WP_P_TALK_CLOSED,
                                WP_P_TALK_MEDIATED};
    for (size_t i = 0; i < sizeof probs / sizeof probs[0]; i++)
        r->global[probs[i]] = per_step_p(r->global[probs[i]], rho);
    static const int kept[] = {WP_DELTA, WP_FORGET, WP_COMMITMENT_DECAY, WP_CHILL_DECAY};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        r->global[kept[i]] = pow(r->global[kept[i]], rho);
    r->global[WP_FRONT_SPEED] *= rho;
    r->global[WP_HORIZON] = fmax(1, floor(r->global[WP_HORIZON] / rho + 0.5));
    r->global[WP_RENEW_HORIZON] = fmax(1, r->global[WP_RENEW_HORIZON] / rho);
    r->global[WP_CONTESTS] = fmax(1, floor(r->global[WP_CONTESTS] * rho + 0.5));
    for (size_t a = 0; a < su->na; a++) {
        static const int aprobs[] = {WA_LEADER_HAZARD, WA_FLOW_TO_STALL, WA_STALL_TO_FLOW, WA_DEPRECIATION};
        for (size_t i = 0; i < sizeof aprobs / sizeof aprobs[0]; i++)
            AP(r, su, a, aprobs[i]) = per_step_p(AP(r, su, a, aprobs[i]), rho);
        static const int flows[] = {WA_FLOW_COST, WA_REPLENISH, WA_BATTLE_LOSS, WA_AID_FLOW,
                                    WA_AID_STALLED, WA_WAR_BENEFIT};
        for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++) AP(r, su, a, flows[i]) *= rho;
    }
}

/* An event's duration in the run's steps (converted when rates are stated for rate_days). */
static long event_steps(const war_run *r, const en_war_event *e)
{
    if (r->rate == 1) return e->steps;
    long n = (long)floor((double)e->steps / r->rate + 0.5);
    return n < 1 ? 1 : n;
}

/* (3) Monotone utility for divisible goods (docs/models/war.md, WB-2 (3)): on an issue marked
 * `monotone` an actor wants as much as it can get, so its utility peaks at the end of the scale
 * on its side of the status quo (an actor at the status quo keeps its position). */
static double aim_of(const war_run *r, const war_setup *su, size_t k, double ideal)
{
    if (!(IP(r, k, WI_MONOTONE) > 0) || isnan(ideal)) return ideal;
    double sq = su->status_quo[k];
    return ideal > sq ? su->high[k] : ideal < sq ? su->low[k] : ideal;
}

/* Draws the run's parameters and sets the initial state. */
static void run_init(war_run *r, const war_setup *su, long run)
{
    const en_scenario *s = su->s;
    const en_war *w = su->w;
    size_t ni = su->ni;
    gsl_rng_set(r->rng, en_mc_stream_seed((uint64_t)su->o->seed, (uint64_t)run));
    gsl_rng_set(r->obs_rng, en_mc_stream_seed((uint64_t)su->o->seed ^ OBS_STREAM_KEY, (uint64_t)run));
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
    for (size_t a = 0; a < su->na; a++) /* (3) divisible goods: more is better */
        for (size_t k = 0; k < ni; k++) r->ideal[a * ni + k] = aim_of(r, su, k, r->ideal[a * ni + k]);
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
    /* (4) each veto player's own read of the balance: a private error in its prior mean */
    double signal = r->global[WP_SIGNAL_NOISE];
    if (signal > 0)
        for (size_t p = 0; p < su->np; p++) {
            long a = su->player_actor[p];
            double mean = clamp(AP(r, su, a, WA_PRIOR_Q) + gsl_ran_gaussian_ziggurat(r->obs_rng, signal),
                                0.001, 0.999);
            r->alpha[a] = mean * strength;
            r->beta[a] = (1 - mean) * strength;
        }
    r->mediator_until = -1;
    r->channel_closed = 0;
    /* WB-2 */
    double sigma = r->global[WP_PRIVATE_INFO];
    for (int i = 0; i < 2; i++) {
        r->theta[i] = sigma > 0 ? sigma * (2 * gsl_rng_uniform(r->rng) - 1) : 0;
        r->type_low[i] = -sigma;
    }
    r->chill = 0;
    r->rejections = 0;
    r->q_shift = 0;
    r->credibility = 1;
    r->have_package = 0;
    for (size_t a = 0; a < su->na; a++) {
        r->harden[a] = 0;
        r->culpable[a] = AP(r, su, a, WA_CULPABILITY);
    }
    convert_rates(r, su);
    /* (12) The theatre's tempo (docs/models/war.md, "Tempo"): the scenario's step states how
     * fast its war moves — a daily step for a war of days, a week for a war of months (Bennett
     * & Stam 1996: durations span days to years with the theatre and the balance). The two time
     * constants of the layer, the talks ramp and the days per battle of the fort walk, were set
     * on the weekly generic war of the base rates and keep their ratio to the step. */
    if (r->global[WP_TEMPO] > 0) {
        double tempo = (double)w->step_days / EN_WAR_TEMPO_REF_DAYS;
        r->global[WP_TALK_RAMP_DAYS] *= tempo;
        r->global[WP_FORT_DAYS] *= tempo;
    }
    /* (11) A front that can decide a war (Smith & Stam 2004): with front_speed left at its
     * default, a step's battles (step_days / fort_days of them) move the front by one fort of the
     * forts front each at a clean sweep of the contests, in proportion to the net share won; the
     * same walk the sides' value of fighting on (9) believes in, so its drift is theirs. */
    const en_value *fs = &w->global[WP_FRONT_SPEED];
    if (r->global[WP_FRONT_WALK] > 0 && !en_value_is_uncertain(fs) &&
        fs->value == en_war_global_params[WP_FRONT_SPEED].default_value) {
        double span = r->global[WP_Z_MAX] - r->global[WP_Z_MIN];
        r->global[WP_FRONT_SPEED] = clamp(span > 0 ? span : 1, 0, 1) / r->global[WP_FORTS] *
                                    (double)w->step_days / r->global[WP_FORT_DAYS];
    }
    double delta = r->global[WP_DELTA], horizon = (double)(long)r->global[WP_HORIZON];
    r->dh = pow(delta, horizon);
    r->annuity = delta < 1 ? (1 - r->dh) / (1 - delta) : horizon;
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
        long n = event_steps(r, e);
        for (long u = t; u < t + n && u < steps; u++)
            r->extra_aid[b * ((size_t)steps + 1) + (size_t)u] += amount / (double)n;
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
        r->boost_until[side] = t + event_steps(r, e);
        r->jump_override[side] = e->has_jump_rate ? draw_value(&e->jump_rate, r->rng) : -1;
        break;
    case EN_WAR_MOBILIZATION:
        r->power[side] = fmax(0, r->power[side] + draw_value(&e->power, r->rng));
        break;
    case EN_WAR_FRONT: {
        double change = draw_value(&e->change, r->rng);
        long n = event_steps(r, e);
        for (long u = t; u < t + n && u < steps; u++)
            r->front_shift[u] += change / (double)n;
        break;
    }
    case EN_WAR_MEDIATION:
        if (t + event_steps(r, e) > r->mediator_until) r->mediator_until = t + event_steps(r, e);
        break;
    case EN_WAR_LEADER_CHANGE:
        for (size_t k = 0; k < ni; k++) r->commitment[(size_t)e->actor * ni + k] = 0;
        AP(r, su, e->actor, WA_OPTIMISM) = 0;
        r->culpable[e->actor] = 0; /* the new leader did not start the war (Croco 2011) */
        r->harden[e->actor] = 0;
        break;
    case EN_WAR_BELIEF:
        AP(r, su, e->actor, WA_OPTIMISM) += draw_value(&e->change, r->rng);
        break;
    case EN_WAR_POSITION:
        r->ideal[(size_t)e->actor * ni + (size_t)e->issue] =
            aim_of(r, su, (size_t)e->issue, draw_value(&e->position, r->rng));
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

/* The package war is expected to deliver when A holds share z of the zone (docs/models/war.md, 'One run', step 6). */
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

/* (9) A side's belief about how the war ends (docs/models/war.md, WB-2 (9)): the front as
 * Smith & Stam's (2004) row of N forts between the thresholds z_min and z_max (A holds
 * k = N (z − z_min)/(z_max − z_min)), one battle per `fort_days`, each won by A with the side's
 * believed edge q. P(A prevails) is the gambler's ruin, the time to decision the walk's
 * expected length, in steps. */
static void war_end_belief(const war_run *r, const war_setup *su, double q, double z, double *p_win,
                           double *t_decide)
{
    double n = r->global[WP_FORTS], lo = r->global[WP_Z_MIN], hi = r->global[WP_Z_MAX];
    double k = hi > lo ? n * clamp((z - lo) / (hi - lo), 0, 1) : n * clamp(z, 0, 1);
    *p_win = en_war_gamblers_ruin(q, k, n);
    *t_decide = en_war_ruin_duration(q, k, n) * r->global[WP_FORT_DAYS] / (double)su->w->step_days;
}

/* V^cont of actor a with weights `weight` (docs/models/war.md, 'One run', step 6): own belief → projected front → expected
 * package, discounted, minus the costs of fighting on (plus a patron's gain from the war). */
static double continuation(war_run *r, const war_setup *su, long a, const double *ideal,
                           const double *weight, double z)
{
    size_t ni = su->ni;
    long horizon = (long)r->global[WP_HORIZON];
    double dh = r->dh, annuity = r->annuity;
    double jump = r->global[WP_JUMP_RATE] * r->global[WP_JUMP_SIZE];
    double decisive = r->global[WP_DECISIVE_WEIGHT], forts = r->global[WP_FORTS];
    en_war_player pl = {ideal, weight, NULL, NULL, 0, 0, 0, 0};
    en_war_frame one = {ni, su->low, su->high, r->tolerance, r->power_shift, r->guarantee,
                        r->reference, 0, 0, 0, 1, &pl};
    double q = clamp(belief(r, su, a) + r->q_shift, 0.001, 0.999);
    if (r->global[WP_WAR_VALUE] > 0) {
        /* (9) the war's believed end (Fearon 1995; Smith & Stam 2004; Slantchev 2003) */
        double p_win, t_decide;
        war_end_belief(r, su, q, z, &p_win, &t_decide);
        double dt = pow(r->global[WP_DELTA], t_decide);
        double ann = r->global[WP_DELTA] < 1 ? (1 - dt) / (1 - r->global[WP_DELTA]) : t_decide;
        war_outcome(r, su, 1, r->outcome);
        double value = p_win * en_war_utility(&one, &pl, r->outcome);
        war_outcome(r, su, 0, r->outcome);
        value = dt * (value + (1 - p_win) * en_war_utility(&one, &pl, r->outcome));
        value -= AP(r, su, a, WA_FLOW_COST) * ann;
        size_t b = patron_index(su, a);
        if (b != (size_t)-1) {
            value -= AP(r, su, a, WA_AID_COST) * r->flow_now[b] * ann;
            value += AP(r, su, a, WA_WAR_BENEFIT) * ann;
        }
        return value;
    }
    double zhat = clamp(z + (double)horizon * (r->global[WP_FRONT_SPEED] + jump) * (2 * q - 1), 0, 1);
    war_outcome(r, su, zhat, r->outcome);
    double value = dh * en_war_utility(&one, &pl, r->outcome);
    if (decisive > 0) {
        double win = en_war_gamblers_ruin(q, z * forts, forts);
        double fought = win * en_war_utility(&one, &pl, r->ideal_a) +
                        (1 - win) * en_war_utility(&one, &pl, r->ideal_b);
        value = (1 - decisive) * value + decisive * dh * fought;
    }
    value -= AP(r, su, a, WA_FLOW_COST) * annuity;
    size_t b = patron_index(su, a);
    if (b != (size_t)-1) {
        value -= AP(r, su, a, WA_AID_COST) * r->flow_now[b] * annuity;
        value += AP(r, su, a, WA_WAR_BENEFIT) * annuity;
    }
    return value;
}

/* (4) Beliefs about future power (Werner 2000; Slantchev 2003): aid that is announced — the
 * patrons' current regimes and the `aid` packages already scheduled — is public, so each side
 * expects the edge to follow the power path it implies over the horizon:
 * K_i(h+1) = (1 − d_i) K_i(h) + g_i + Σ e_b a_b(t+h) − l_i·(expected share of contests lost),
 * q(h) the contest function without temporary offensive boosts. Each belief q̂_i is moved by
 * the mean of q(1..H) minus q(0): the side learns the edge from the battles, and adds the
 * change the announced aid will make to it. */
static double csf(const war_run *r, const war_setup *su, double ka, double kb)
{
    ka *= AP(r, su, su->w->side_a, WA_DEFENDER_ADVANTAGE);
    kb *= AP(r, su, su->w->side_b, WA_DEFENDER_ADVANTAGE);
    double g = r->global[WP_GAMMA];
    if (g == 0 || (!(ka > 0) && !(kb > 0))) return 0.5;
    if (!(kb > 0)) return 1;
    if (!(ka > 0)) return 0;
    if (g == 1) return ka / (ka + kb); /* the Tullock ratio, without exp and log */
    return 1 / (1 + exp(g * (log(kb) - log(ka))));
}

static void project_power(war_run *r, const war_setup *su, long t)
{
    r->q_shift = 0;
    if (!(r->global[WP_AID_FORESIGHT] > 0)) return;
    const en_war *w = su->w;
    long horizon = (long)r->global[WP_HORIZON], steps = su->steps;
    long sides[2] = {w->side_a, w->side_b};
    double k[2] = {r->power[0], r->power[1]};
    double q0 = csf(r, su, k[0], k[1]), total = 0;
    for (long h = 1; h <= horizon; h++) {
        double q = csf(r, su, k[0], k[1]);
        double aid[2] = {0, 0};
        for (size_t b = 0; b < su->nb; b++) {
            long a = su->patron_actor[b];
            double flow = r->stalled[b] ? AP(r, su, a, WA_AID_STALLED) : AP(r, su, a, WA_AID_FLOW);
            if (t + h < steps) flow += r->extra_aid[b * ((size_t)steps + 1) + (size_t)(t + h)];
            aid[su->s->actors[a].patron_of == w->side_a ? 0 : 1] += AP(r, su, a, WA_AID_EFFECT) * flow;
        }
        for (int i = 0; i < 2; i++) {
            double lost = i == 0 ? 1 - q : q;
            k[i] = (1 - AP(r, su, sides[i], WA_DEPRECIATION)) * k[i] + AP(r, su, sides[i], WA_REPLENISH) +
                   aid[i] - AP(r, su, sides[i], WA_BATTLE_LOSS) * lost;
            if (k[i] < 0) k[i] = 0;
        }
        total += csf(r, su, k[0], k[1]);
    }
    r->q_shift = total / (double)horizon - q0;
}

/* A patron of A that holds a stance on an issue carrying a guarantee: a guarantor. */
static int is_guarantor(const war_run *r, const war_setup *su, long a)
{
    if (su->s->actors[a].patron_of != su->w->side_a) return 0;
    for (size_t k = 0; k < su->ni; k++)
        if (r->guarantee[k] > 0 && su->s->actors[a].stances[k].present) return 1;
    return 0;
}

/* (6) Patrons with stakes and leverage (Werner 2000; Salehyan 2010; Fang, Johnson & Leeds
 * 2014): each patron of a belligerent values the package on EVERY issue it holds a stance on
 * (salience-normalised) against its own value of the war going on; its client's reservation
 * moves by −leverage × that surplus (a patron that gains from the deal presses to settle, one
 * that loses presses to fight on and backs it with support). The package judged is the last
 * maximin package of the run (the deal on the table); before there is one, the status quo. */
/* (6) Fills r->pweight / r->pideal with patron a's weights over every issue it holds a stance
 * on (salience-normalised; issues without a stance weigh 0) and its ideals. 0 if it cares about
 * none. O(issues). */
static int patron_frame(war_run *r, const war_setup *su, long a)
{
    size_t ni = su->ni;
    double total = 0;
    for (size_t k = 0; k < ni; k++) total += r->salience[(size_t)a * ni + k];
    if (!(total > 0)) return 0;
    for (size_t k = 0; k < ni; k++) {
        double ideal = r->ideal[(size_t)a * ni + k];
        int has = su->s->actors[a].stances[k].present && isfinite(ideal);
        r->pweight[k] = has ? r->salience[(size_t)a * ni + k] / total : 0;
        r->pideal[k] = has ? ideal : su->status_quo[k];
    }
    return 1;
}

/* (6) The utility of package x to the patron whose frame patron_frame set. O(issues). */
static double patron_utility(war_run *r, const war_setup *su, const double *x)
{
    en_war_player pl = {r->pideal, r->pweight, NULL, NULL, 0, 0, 0, 0};
    en_war_frame one = {su->ni, su->low, su->high, r->tolerance, r->power_shift, r->guarantee,
                        r->reference, 0, 0, 0, 1, &pl};
    return en_war_utility(&one, &pl, x);
}

static void patron_pressure(war_run *r, const war_setup *su, double z)
{
    size_t ni = su->ni;
    const double *x = r->have_package ? r->package : su->status_quo;
    int credible = r->global[WP_GUARANTEE_CREDIBILITY] > 0;
    double cred_sum = 0;
    long guarantors = 0;
    for (size_t p = 0; p < su->np; p++) r->push[p] = 0;
    for (size_t k = 0; k < ni; k++) { /* the decisive branch of V^cont reads them */
        r->ideal_a[k] = r->ideal[(size_t)su->w->side_a * ni + k];
        r->ideal_b[k] = r->ideal[(size_t)su->w->side_b * ni + k];
    }
    for (size_t b = 0; b < su->nb; b++) {
        long a = su->patron_actor[b];
        r->patron_surplus[b] = r->patron_push[b] = 0;
        double lev = AP(r, su, a, WA_LEVERAGE);
        int guarantor = credible && is_guarantor(r, su, a);
        if (!(lev > 0) && !guarantor) continue;
        r->patron_cont[b] = NAN;
        if (!patron_frame(r, su, a)) continue;
        r->patron_cont[b] = continuation(r, su, a, r->pideal, r->pweight, z);
        double surplus = patron_utility(r, su, x) - r->patron_cont[b];
        if (!isfinite(surplus)) surplus = 0;
        r->patron_surplus[b] = surplus;
        if (guarantor) {
            /* (2) Walter (2002): a guarantee is worth what its guarantor would do. It enforces
             * a deal it gains from, up to the cost of fighting for it over the horizon. */
            double cost = AP(r, su, a, WA_FLOW_COST) * r->annuity;
            cred_sum += surplus <= 0 ? 0 : cost > 0 ? fmin(1, surplus / cost) : 1;
            guarantors++;
        }
        if (!(lev > 0)) continue;
        r->patron_push[b] = -lev * surplus;
        long client = su->s->actors[a].patron_of;
        size_t cp = client == su->w->side_a ? su->a_player : su->b_player;
        r->push[cp] += r->patron_push[b];
    }
    /* no guarantor: a guarantee nobody would enforce is worth nothing */
    r->credibility = !credible ? 1 : guarantors ? cred_sum / (double)guarantors : 0;
}

/* (2) Renewal valued at the post-deal balance of power (Powell 2006; Fearon 1995; Walter 2002):
 * what player p loses if the deal on the table x̄ (the run's last maximin package; the status
 * quo before there is one) breaks down and the war resumes. The resumed war starts from the line
 * the deal draws (the front implied by x̄'s territory term; today's front without one) with A's
 * edge moved by the deal's own shift of future power, −Δq(x̄) (army caps, neutrality, territory:
 * the issues' power_shift φ_k), and is valued like the war now (step 6, by p's own belief):
 * ℓ_p = max(0, U_p(x̄) − V_p^resumed). Computed once a step, so the window LP stays as it was
 * (ℓ_p scales the renewal logistic like the constant renewal_loss). */
static double resumed_value(war_run *r, const war_setup *su, const double *x, size_t p, double z);

static double commitment_break(war_run *r, const war_setup *su, const double *x, size_t p, double z);

static void renewal_stakes(war_run *r, const war_setup *su, double z)
{
    size_t ni = su->ni;
    for (size_t p = 0; p < su->np; p++) r->renew_loss[p] = 0;
    /* (2) the window prices renewal as the runs do once a deal is signed: besides the logistic,
     * the commitment problem — P(A or B would rather fight from the post-deal balance), judged
     * at the deal on the table like the loss ℓ (so the window LP stays linear in x) */
    r->renew_q = 0;
    if (r->global[WP_RENEWAL_PROBABILITY] > 0 && r->global[WP_RENEWAL_WINDOW] > 0) {
        const double *xt = r->have_package ? r->package : su->status_quo;
        r->renew_q = 1 - (1 - commitment_break(r, su, xt, su->a_player, z)) *
                             (1 - commitment_break(r, su, xt, su->b_player, z));
    }
    if (!(r->global[WP_RENEWAL_POWER] > 0)) return;
    const double *x = r->have_package ? r->package : su->status_quo;
    memcpy(r->renew_basis, x, ni * sizeof *x);
    for (size_t p = 0; p < su->np; p++) {
        if (!su->player_side[p]) continue;
        long a = su->player_actor[p];
        const double *ideal = &r->ideal[(size_t)a * ni], *weight = &r->weight[p * ni];
        en_war_player pl = {ideal, weight, NULL, NULL, 0, 0, 0, 0};
        en_war_frame one = {ni, su->low, su->high, r->tolerance, r->power_shift, r->guarantee,
                            r->reference, 0, 0, 0, 1, &pl};
        double loss = en_war_utility(&one, &pl, x) - resumed_value(r, su, x, p, z);
        r->renew_loss[p] = loss > 0 ? loss : 0;
    }
}

/* The value to veto player p of the war resumed after the deal x broke down: from the line x
 * draws (the front implied by its territory term; `z` without one), with A's edge moved by x's
 * shift of future power −Δq(x), valued like the war now (step 6 or (9), by p's own belief). */
static double resumed_value(war_run *r, const war_setup *su, const double *x, size_t p, double z)
{
    size_t ni = su->ni;
    const en_war *w = su->w;
    double shift = 0;
    for (size_t k = 0; k < ni; k++) {
        double width = su->high[k] - su->low[k];
        if (width > 0) shift += r->power_shift[k] * (x[k] - r->reference[k]) / width;
    }
    double line = z;
    if (w->territory >= 0) {
        size_t k = (size_t)w->territory;
        double width = su->high[k] - su->low[k];
        double ta = r->ideal[(size_t)w->side_a * ni + k], tb = r->ideal[(size_t)w->side_b * ni + k];
        if (width > 0) line = clamp(ta < tb ? 1 - (x[k] - su->low[k]) / width : (x[k] - su->low[k]) / width, 0, 1);
    }
    double saved = r->q_shift;
    r->q_shift = saved - shift; /* φ is B's edge gained: A's falls by as much */
    long a = su->player_actor[p];
    double value = continuation(r, su, a, &r->ideal[(size_t)a * ni], &r->weight[p * ni], line);
    r->q_shift = saved;
    return value;
}

/* (2) Renewal probability from the post-deal balance of power (Powell 2006; Fearon 1995; Walter
 * 2002): belligerent p breaks the deal x within the renewal horizon if its private resolve makes
 * the war resumed from the balance x leaves worth more than x: the margin m = V^resumed(x) −
 * U(x) (less, for B, the credible guarantees of A's patrons, c·G(x)) against a resolve type
 * θ ~ U[−σ, σ] (σ = private_info): P = P(m + θ > 0) = clamp((m + σ)/(2σ), 0, 1), a step at
 * m = 0 when σ = 0. */
static double commitment_break(war_run *r, const war_setup *su, const double *x, size_t p, double z)
{
    size_t ni = su->ni;
    long a = su->player_actor[p];
    en_war_player pl = {&r->ideal[(size_t)a * ni], &r->weight[p * ni], NULL, NULL, 0, 0, 0, 0};
    en_war_frame one = {ni, su->low, su->high, r->tolerance, r->power_shift, r->guarantee,
                        r->reference, 0, 0, 0, 1, &pl};
    double margin = resumed_value(r, su, x, p, z) - en_war_utility(&one, &pl, x);
    if (p == su->b_player) {
        double g = 0;
        for (size_t k = 0; k < ni; k++) {
            double width = su->high[k] - su->low[k];
            if (width > 0) g += r->guarantee[k] * (x[k] - su->low[k]) / width;
        }
        margin -= r->credibility * g;
    }
    double sigma = r->global[WP_PRIVATE_INFO];
    if (!(sigma > 0)) return margin > 0 ? 1 : 0;
    return clamp((margin + sigma) / (2 * sigma), 0, 1);
}

/* (3) Conditional packages (docs/models/war.md, WB-2 (3)): for each condition of an actor whose
 * consent the frame needs and that `deal` breaks, two repairs — raise (or lower) the `then`
 * issue to its bound, or bring the `if` issue back to its bound — and the one whose worst
 * surplus over the frame's players is larger is kept if that is >= 0 (the deal stays in the
 * window). Two passes (a repair may break another condition), then every condition must hold.
 * Returns -1 when the deal (possibly moved) meets them all, else the refusing actor. `scratch`
 * has one entry per issue. O(passes · conditions · players · issues). */
static long meet_conditions(const war_setup *su, const en_war_frame *f, double *deal, double *scratch)
{
    const en_war *w = su->w;
    size_t ni = su->ni;
    for (int pass = 0; pass < 3; pass++) {
        long broken = -1;
        for (size_t i = 0; i < w->condition_count; i++) {
            const en_war_condition *c = &w->conditions[i];
            int consents = 0;
            for (size_t p = 0; p < f->player_count && !consents; p++) consents = su->player_actor[p] == c->actor;
            if (!consents || en_war_condition_met(c, deal)) continue;
            if (pass == 2) return c->actor;
            broken = c->actor;
            double best = -INFINITY, best_then = 0, best_if = 0;
            size_t ki = (size_t)c->if_issue, kt = (size_t)c->then_issue;
            for (int fix = 0; fix < 2; fix++) {
                memcpy(scratch, deal, ni * sizeof *deal);
                if (fix == 0) scratch[kt] = c->then_bound;
                else scratch[ki] = clamp(c->if_bound - c->if_dir * 1e-6 * (su->high[ki] - su->low[ki]), su->low[ki], su->high[ki]);
                if (!en_war_condition_met(c, scratch)) continue;
                double worst = INFINITY;
                for (size_t p = 0; p < f->player_count; p++) worst = fmin(worst, en_war_surplus(f, p, scratch));
                if (worst >= 0 && worst > best) best = worst, best_then = scratch[kt], best_if = scratch[ki];
            }
            if (best >= 0) deal[kt] = best_then, deal[ki] = best_if;
            if (!(best >= 0)) return c->actor;
        }
        if (broken < 0) return -1;
    }
    return -1;
}

/* (3) The window with conditional packages (docs/models/war.md, WB-2 (3)): a condition of an
 * actor whose consent the frame needs, "if x_i is beyond b_i then x_t is beyond b_t", is met
 * exactly by the packages of two boxes — x_i on the near side of b_i, or x_t beyond b_t — so
 * the packages meeting c conditions are the union of 2^c boxes (some empty), and the window's
 * slack is the largest of the boxes' maximin slacks. The boxes are closed (the slack is a
 * supremum; a package on a bound is moved off it by the offer step). At most
 * WINDOW_CONDITIONS conditions enter a frame's window (the rest are enforced only when a deal
 * is offered, meet_conditions); boxes are tried in a fixed order and the first best kept, and
 * the best box is solved last so the LP duals are its own. With no condition this is
 * en_war_window. O(2^c window LPs). */
#define WINDOW_CONDITIONS 6
/* 0 if a piece was marked empty (a lower bound of +inf), else 1. O(issues). */
static int empty_box_free(const double *box_low, size_t ni)
{
    for (size_t k = 0; k < ni; k++)
        if (box_low[k] == HUGE_VAL) return 0;
    return 1;
}
static double conditioned_window(war_run *r, const war_setup *su, const en_war_frame *f, double *package,
                                 size_t *binding)
{
    const en_war *w = su->w;
    size_t ni = su->ni, use[WINDOW_CONDITIONS], nc = 0;
    if (r->global[WP_WINDOW_CONDITIONS] > 0)
        for (size_t i = 0; i < w->condition_count && nc < WINDOW_CONDITIONS; i++) {
            int consents = 0;
            for (size_t p = 0; p < f->player_count && !consents; p++)
                consents = su->player_actor[p] == w->conditions[i].actor;
            if (consents) use[nc++] = i;
        }
    if (nc == 0) return en_war_window(f, r->ws, package, binding);
    double best = -HUGE_VAL;
    long best_mask = -1;
    for (long mask = 0; mask < (1L << nc); mask++) {
        for (size_t k = 0; k < ni; k++) r->box_low[k] = su->low[k], r->box_high[k] = su->high[k];
        for (size_t j = 0; j < nc; j++) {
            const en_war_condition *c = &w->conditions[use[j]];
            int then_side = (int)((mask >> j) & 1);
            size_t k = (size_t)(then_side ? c->then_issue : c->if_issue);
            double bound = then_side ? c->then_bound : c->if_bound;
            /* then: x_t beyond its bound; if-not: x_i on the near side of its bound */
            int raise = then_side ? c->then_dir > 0 : c->if_dir < 0;
            if (raise) r->box_low[k] = fmax(r->box_low[k], bound);
            else r->box_high[k] = fmin(r->box_high[k], bound);
            /* "x_i short of b_i" is an open half-line: empty when b_i is the scale's near end */
            if (!then_side && (raise ? bound >= su->high[k] : bound <= su->low[k])) r->box_low[k] = HUGE_VAL;
        }
        double s = !empty_box_free(r->box_low, ni)
                       ? -HUGE_VAL
                       : en_war_window_box(f, r->box_low, r->box_high, r->ws, r->box_pkg, NULL);
        if (s > best) best = s, best_mask = mask;
    }
    /* no package meets them all together: the conditions are left to the offer step */
    if (best_mask < 0) return en_war_window(f, r->ws, package, binding);
    for (size_t k = 0; k < ni; k++) r->box_low[k] = su->low[k], r->box_high[k] = su->high[k];
    for (size_t j = 0; j < nc; j++) {
        const en_war_condition *c = &w->conditions[use[j]];
        int then_side = (int)((best_mask >> j) & 1);
        size_t k = (size_t)(then_side ? c->then_issue : c->if_issue);
        double bound = then_side ? c->then_bound : c->if_bound;
        int raise = then_side ? c->then_dir > 0 : c->if_dir < 0;
        if (raise) r->box_low[k] = fmax(r->box_low[k], bound);
        else r->box_high[k] = fmin(r->box_high[k], bound);
    }
    return en_war_window_box(f, r->box_low, r->box_high, r->ws, package, binding);
}

/* Fills the frame's players (all veto players, or only the belligerents) with V^cont + ε, the
 * hardening of rejections (5), the private type (1), patrons' pressure (6) and, for a culpable
 * leader (7), the leader's utility (1 + ψ)U − ψ of a deal (Goemans 2000: settling short of the
 * aims is punished, fighting on keeps the chance of resurrection). */
static size_t build_players(war_run *r, const war_setup *su, double z, long t, int belligerents_only)
{
    const en_war *w = su->w;
    size_t ni = su->ni, n = 0;
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
        pl->renewal_loss = AP(r, su, a, WA_RENEWAL_LOSS) + r->renew_loss[p];
        pl->renewal_side = su->player_side[p];
        double value = continuation(r, su, a, pl->ideal, pl->weight, z);
        value += AP(r, su, a, WA_HOLDOUT) + r->harden[a] + r->push[p];
        if (a == w->side_a) value += r->theta[0];
        else if (a == w->side_b) value += r->theta[1];
        /* (2) R = L (1 − (1 − Q)(1 − logistic)) = L Q + L (1 − Q) logistic: the constant part is
         * a fixed cost of any deal, so it joins the reservation; the logistic keeps the rest */
        if (r->renew_q > 0 && pl->renewal_loss > 0) {
            value += pl->renewal_loss * r->renew_q;
            pl->renewal_loss *= 1 - r->renew_q;
        }
        double psi = r->culpable[a];
        if (psi > 0) {
            double *lw = &r->lweight[p * ni];
            for (size_t k = 0; k < ni; k++) lw[k] = (1 + psi) * pl->weight[k];
            pl->weight = lw;
            value += psi;
        }
        pl->reservation = value;
        r->reservation[n] = pl->reservation;
        n++;
    }
    return n;
}

static en_war_frame frame_of(war_run *r, const war_setup *su, size_t players)
{
    en_war_frame f = {su->ni, su->low, su->high, r->tolerance, r->power_shift, r->guarantee,
                      r->reference, r->global[WP_RENEW_A0], r->global[WP_RENEW_A1],
                      r->global[WP_RENEW_A2] * r->credibility, players, r->players};
    return f;
}

/* Picks the deal inside the window (docs/models/war.md, 'The package inside the window'); `r->package` is the maximin package (in the window). */
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
        if (en_run_unguarded(su->settle_model, copy, su->o->settle_params, &result, &err) == EN_OK) {
            for (size_t i = 0; i < result->issue_count; i++)
                deal[result->issues[i].issue] = result->issues[i].forecast;
        }
        en_error_clear(&err);
        en_result_free(result);
        en_scenario_free(copy);
    }
    en_war_pull_into_window(f, r->package, deal);
}

/* (4) What one veto player reads of a step's battle (docs/models/war.md, WB-2 (4)): the share of
 * contests won seen through an error of sd ν (observe_noise), clamped to [0, 1], and the weight
 * of that reading in the Beta update, v / (v + ν²) with v = m(1 − m)/n the sampling variance of
 * the share at the player's current mean m: a reading as noisy as the contests themselves counts
 * half. Only called with ν > 0; with ν = 0 the player counts the true wins (Smith & Stam's
 * update). */
static void observe(war_run *r, double share, long contests, double mean, double *seen, double *weight)
{
    double nu = r->global[WP_OBSERVE_NOISE];
    *seen = clamp(share + gsl_ran_gaussian_ziggurat(r->obs_rng, nu), 0, 1);
    double v = mean * (1 - mean) / (double)contests;
    *weight = v / (v + nu * nu);
}

/* (10) A ceasefire as its own bargain (Fortna 2003, 2004; Reiter 2009): the line is frozen
 * (territory at the current front) and the political issues are deferred (they stay at the
 * status quo while it holds), so only the belligerents consent. Fills r->ceasefire and returns
 * 1 if both belligerents of `fb` (the belligerents-only frame) prefer it to fighting on. With
 * `ceasefire_first` > 0 the deferral is no public concession — the audience cost counts on the
 * frozen line only — and each client's reservation carries its patrons' pressure judged at the
 * ceasefire instead of at the deal on the table (Werner 2000; Fang, Johnson & Leeds 2014: a
 * patron that prefers the ceasefire to the war presses its client to take it); *opener is the
 * patron without whose pressure a belligerent would have refused it (-1 none). `fb`'s players
 * are changed accordingly, so the talks that follow value the ceasefire the same way.
 * O(players × issues + patrons × V^cont). */
static int ceasefire_offer(war_run *r, const war_setup *su, const en_war_frame *fb, double z, long *opener, int mediated)
{
    const en_war *w = su->w;
    size_t ni = su->ni;
    *opener = -1;
    war_outcome(r, su, z, r->outcome);
    for (size_t k = 0; k < ni; k++) r->ceasefire[k] = (long)k == w->territory ? r->outcome[k] : su->status_quo[k];
    if (r->global[WP_CEASEFIRE_FIRST] > 0) {
        en_war_player *pl = r->players; /* fb->players */
        for (size_t p = 0; p < fb->player_count; p++) {
            double *c = &r->cf_commit[p * ni];
            for (size_t k = 0; k < ni; k++) c[k] = (long)k == w->territory ? pl[p].commitment[k] : 0;
            pl[p].commitment = c;
        }
        for (size_t b = 0; b < su->nb; b++) {
            long a = su->patron_actor[b];
            double lev = AP(r, su, a, WA_LEVERAGE);
            if (!(lev > 0) || !isfinite(r->patron_cont[b]) || !patron_frame(r, su, a)) continue;
            long client = su->s->actors[a].patron_of;
            size_t cp = client == w->side_a ? su->a_player : su->b_player; /* belligerents first */
            if (cp >= fb->player_count) continue;
            double gain = patron_utility(r, su, r->ceasefire) - r->patron_cont[b];
            if (!isfinite(gain)) gain = 0;
            pl[cp].reservation += -lev * gain - r->patron_push[b];
        }
    }
    /* (14) a mediator that is mediating presses both belligerents toward the bare ceasefire
     * (Beardsley 2011's leverage; Fortna 2004): their reservations against it fall by μ */
    double mu = r->global[WP_MEDIATOR_PRESSURE];
    if (mediated && mu > 0) {
        en_war_player *pl = r->players;
        if (su->a_player < fb->player_count) pl[su->a_player].reservation -= mu;
        if (su->b_player < fb->player_count) pl[su->b_player].reservation -= mu;
    }
    for (size_t p = 0; p < fb->player_count; p++)
        if (!(en_war_surplus(fb, p, r->ceasefire) >= 0)) return 0;
    if (r->global[WP_CEASEFIRE_FIRST] > 0) /* whose pressure was needed */
        for (size_t b = 0; b < su->nb && *opener < 0; b++) {
            long a = su->patron_actor[b];
            double lev = AP(r, su, a, WA_LEVERAGE);
            if (!(lev > 0) || !isfinite(r->patron_cont[b]) || !patron_frame(r, su, a)) continue;
            double gain = patron_utility(r, su, r->ceasefire) - r->patron_cont[b];
            long client = su->s->actors[a].patron_of;
            size_t cp = client == w->side_a ? su->a_player : su->b_player;
            if (cp < fb->player_count && gain > 0 && en_war_surplus(fb, cp, r->ceasefire) - lev * gain < 0)
                *opener = a;
        }
    return 1;
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
    sum->deal_kind[run] = 0;
    sum->settled[run] = -1;
    r->kind_now = 0;
    double cf_first = r->global[WP_CEASEFIRE_FIRST];
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
            const en_war_event *e = &w->events[next_event++];
            /* --as-of: what was not known then is not used, unless it was scheduled */
            if (su->as_of_step >= 0 && e->day > su->as_of_day && !e->scheduled) continue;
            apply_event(r, su, e, t);
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
                if (!(r->global[WP_OBSERVE_NOISE] > 0)) {
                    r->alpha[a] = lambda * r->alpha[a] + wins;
                    r->beta[a] = lambda * r->beta[a] + (double)(contests - wins);
                    continue;
                }
                double seen, weight;
                observe(r, share, contests, r->alpha[a] / (r->alpha[a] + r->beta[a]), &seen, &weight);
                r->alpha[a] = lambda * r->alpha[a] + weight * (double)contests * seen;
                r->beta[a] = lambda * r->beta[a] + weight * (double)contests * (1 - seen);
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
            if (t < su->as_of_step) {
                /* history: the war was still going on at the forecast date */
                double eps = 1e-9;
                z = clamp(z, r->global[WP_Z_MIN] + eps, r->global[WP_Z_MAX] - eps);
            } else if (z <= r->global[WP_Z_MIN]) {
                decided = 2;
            } else if (z >= r->global[WP_Z_MAX]) {
                decided = 1;
            }
            if (decided) {
                sum->decided[run] = decided;
                /* a victor's ceasefire: the decisive front imposes terms the loser signs */
                if (sum->first_deal[run] < 0 && !su->o->window_only &&
                    gsl_rng_uniform(r->rng) < r->global[WP_VICTOR_SIGNS]) {
                    sum->first_deal[run] = t;
                    sum->deal_kind[run] = EN_WAR_KIND_VICTOR;
                    war_outcome(r, su, decided == 1 ? 1 : 0, &sum->terms[(size_t)run * ni]);
                }
            }
        }
        /* leadership changes */
        for (size_t p = 0; p < su->np; p++) {
            long a = su->player_actor[p];
            double h = AP(r, su, a, WA_LEADER_HAZARD);
            if (h > 0 && gsl_rng_uniform(r->rng) < h) {
                for (size_t k = 0; k < ni; k++) r->commitment[(size_t)a * ni + k] = 0;
                AP(r, su, a, WA_OPTIMISM) = 0;
                r->culpable[a] = 0;
                r->harden[a] = 0;
            }
        }
        /* 7. public commitments decay, and with them the hardening of rejections; the chill
         * of the channel thaws */
        double decay = r->global[WP_COMMITMENT_DECAY];
        for (size_t k = 0; k < su->na * ni; k++) r->commitment[k] *= decay;
        for (size_t a = 0; a < su->na; a++) r->harden[a] *= decay;
        r->chill *= r->global[WP_CHILL_DECAY];
        sum->cause_actor[at] = -1;
        sum->pressure[at] = 0;
        sum->pressure_actor[at] = -1;
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
        /* 8. the window, with announced aid in the expected edge (4) and the patrons' pressure
         * on their clients (6) */
        project_power(r, su, t);
        patron_pressure(r, su, z);
        renewal_stakes(r, su, z);
        size_t np = build_players(r, su, z, t, 0);
        en_war_frame f = frame_of(r, su, np);
        size_t binding = 0;
        double slack = conditioned_window(r, su, &f, r->package, &binding);
        r->have_package = 1;
        int open = slack >= 0;
        /* LP duality: if no player but the belligerents holds the slack down (dual weight 0),
         * dropping the others' rows leaves the optimum unchanged, so the belligerents' own
         * window is closed too and needs no second LP below */
        double others_dual = 0;
        {
            const double *dual = en_war_window_duals(r->ws);
            for (size_t p = 0; p < np; p++)
                if (p != su->a_player && p != su->b_player) others_dual += dual[p];
        }
        /* Did a patron's pressure decide it? First order through the LP duals (the slack falls
         * by λ_i per unit of player i's reservation), confirmed by a re-solve without it. */
        long presser = -1;
        {
            const double *dual = en_war_window_duals(r->ws);
            double effect = 0, best = 0;
            for (size_t p = 0; p < np; p++) effect += dual[p] * r->push[p];
            for (size_t b = 0; b < su->nb; b++) {
                long client = su->s->actors[su->patron_actor[b]].patron_of;
                size_t cp = client == w->side_a ? su->a_player : su->b_player;
                double part = dual[cp] * r->patron_push[b];
                if ((open ? -part : part) > best) best = open ? -part : part, presser = (long)b;
            }
            int flips = open ? slack + effect < 0 : slack + effect >= 0;
            if (presser >= 0 && flips) {
                for (size_t p = 0; p < np; p++) r->players[p].reservation -= r->push[p];
                memcpy(r->scratch, r->package, ni * sizeof *r->scratch);
                double bare = conditioned_window(r, su, &f, r->scratch, NULL);
                for (size_t p = 0; p < np; p++) r->players[p].reservation += r->push[p];
                if ((bare >= 0) != open) {
                    sum->pressure[at] = (signed char)(open ? 1 : -1);
                    sum->pressure_actor[at] = (short)su->patron_actor[presser];
                    if (!open) sum->cause_actor[at] = (short)su->patron_actor[presser];
                }
            }
        }
        sum->slack[at] = (float)slack;
        sum->open[at] = (unsigned char)open;
        if (!open) sum->blocker[at] = (short)binding;
        int explain = t == sum->explain_step;
        if (explain) {
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
            sum->explain_type_low[(size_t)run * 2] = r->type_low[0];
            sum->explain_type_low[(size_t)run * 2 + 1] = r->type_low[1];
            sum->explain_rejections[run] = (double)r->rejections;
            for (size_t p = 0; p < su->np; p++) sum->explain_renew_loss[base + p] = r->renew_loss[p];
            for (size_t p = 0; p < su->np; p++) { /* (9) each veto player's view of the war's end */
                double qb = clamp(belief(r, su, su->player_actor[p]) + r->q_shift, 0.001, 0.999), pw, td;
                war_end_belief(r, su, qb, z, &pw, &td);
                sum->explain_belief[base + p] = qb;
                sum->explain_p_prevail[base + p] = pw;
                sum->explain_days_decide[base + p] = td * (double)w->step_days;
            }
            for (size_t k = 0; k < ni; k++) sum->explain_renew_basis[(size_t)run * ni + k] = r->renew_basis[k];
            for (size_t b = 0; b < su->nb; b++) {
                sum->explain_patron[(size_t)run * su->nb + b] = r->patron_surplus[b];
                sum->explain_pressure[(size_t)run * su->nb + b] = r->patron_push[b];
            }
        }
        /* (10) while a ceasefire holds, the talks on the deferred political issues go on */
        int upgrading = 0;
        if (in_deal) {
            sum->state[at] = WAR_IN_DEAL;
            /* 10. renewal hazard */
            if (gsl_rng_uniform(r->rng) < rho_deal / r->global[WP_RENEW_HORIZON]) {
                in_deal = 0;
                r->kind_now = 0;
                if (sum->renewed[run] < 0) sum->renewed[run] = t;
            }
            if (!(in_deal && r->kind_now == EN_WAR_KIND_CEASEFIRE && cf_first > 0 && open &&
                  t >= su->as_of_step && !su->o->window_only))
                continue;
            upgrading = 1;
        } else {
            sum->state[at] = WAR_AT_WAR;
        }
        unsigned char miss_sink = 0;
        short cause_sink = -1;
        unsigned char *miss_at = upgrading ? &miss_sink : &sum->miss[at];
        short *cause_at = upgrading ? &cause_sink : &sum->cause_actor[at];
        /* 9. talks: the channel's hazard, its rise after the fighting began (8) and its chill
         * after failures (5) */
        int mediated = t < r->mediator_until;
        double p_talk = r->channel_closed ? r->global[WP_P_TALK_CLOSED]
                        : mediated        ? r->global[WP_P_TALK_MEDIATED]
                                          : r->global[WP_P_TALK_OPEN];
        double ramp = r->global[WP_TALK_RAMP_DAYS];
        if (ramp > 0) {
            double days = (double)(w->start_day + t * w->step_days - su->began_day) + (double)w->step_days;
            p_talk *= days > 0 ? 1 - exp(-days / ramp) : 0;
        }
        p_talk *= 1 - r->chill;
        int kind = EN_WAR_KIND_SETTLEMENT;
        const double *offer = NULL;
        en_war_frame fb;
        if (!open) {
            /* near miss by a patron: the belligerents alone had a window */
            memcpy(r->scratch, r->package, ni * sizeof *r->scratch);
            size_t nbel = build_players(r, su, z, t, 1);
            fb = frame_of(r, su, nbel);
            if (others_dual > 1e-9 && conditioned_window(r, su, &fb, r->scratch, NULL) >= 0) {
                sum->miss[at] = WAR_MISS_PATRON;
                sum->patron_blocker[at] = (short)binding;
            }
            if (sum->pressure[at] < 0) sum->miss[at] = WAR_MISS_PRESSURE;
            /* a bare ceasefire at the line: every other issue stays at its status quo, so only
             * the belligerents' consent is needed */
            if (r->global[WP_CEASEFIRE] > 0) {
                long opener;
                if (ceasefire_offer(r, su, &fb, z, &opener, t < r->mediator_until)) {
                    kind = EN_WAR_KIND_CEASEFIRE;
                    offer = r->ceasefire;
                    if (opener >= 0 && sum->pressure[at] == 0) {
                        sum->pressure[at] = 1;
                        sum->pressure_actor[at] = (short)opener;
                    }
                }
            }
            if (!offer) continue;
        }
        if (t < su->as_of_step) continue; /* history: no deal was signed before the forecast date */
        int talks = gsl_rng_uniform(r->rng) < p_talk;
        if (!talks || su->o->window_only) {
            if (*miss_at == WAR_MISS_NONE)
                *miss_at = r->channel_closed ? WAR_MISS_CHANNEL : WAR_MISS_NO_TALKS;
            continue;
        }
        /* (10) both a settlement and a ceasefire are possible: the ceasefire, which needs far
         * less agreement, comes first with probability ceasefire_first (Fortna 2004) */
        if (open && !upgrading && cf_first > 0 && r->global[WP_CEASEFIRE] > 0) {
            size_t nbel = build_players(r, su, z, t, 1);
            fb = frame_of(r, su, nbel);
            long opener;
            if (ceasefire_offer(r, su, &fb, z, &opener, mediated) && gsl_rng_uniform(r->rng) < cf_first) {
                kind = EN_WAR_KIND_CEASEFIRE;
                offer = r->ceasefire;
                if (opener >= 0 && sum->pressure[at] == 0) {
                    sum->pressure[at] = 1;
                    sum->pressure_actor[at] = (short)opener;
                }
            } else {
                np = build_players(r, su, z, t, 0);
                f = frame_of(r, su, np);
            }
        }
        const en_war_frame *fd = kind == EN_WAR_KIND_SETTLEMENT ? &f : &fb;
        if (kind == EN_WAR_KIND_SETTLEMENT) settle(r, su, &f, r->deal);
        else memcpy(r->deal, offer, ni * sizeof *r->deal);
        /* (3) conditional packages: a deal that breaks a consenting actor's condition is moved
         * to meet it, if it can be inside the window; otherwise that actor refuses it */
        if (w->condition_count) {
            long refuser = meet_conditions(su, fd, r->deal, r->scratch);
            if (refuser >= 0) {
                *miss_at = WAR_MISS_REJECTED;
                *cause_at = (short)refuser;
                if (explain) sum->explain_accept[run] = 0;
                continue;
            }
        }
        /* (1) the offer under private information: a belligerent, drawn at random, proposes;
         * it splits the surplus at the package believing the other's type uniform on
         * [type_low, private_info]; a rejection is informative (screening, Powell 2004) */
        int proposer = gsl_rng_uniform(r->rng) < 0.5 ? 0 : 1, receiver = 1 - proposer;
        size_t pp = proposer == 0 ? su->a_player : su->b_player;
        size_t rp = receiver == 0 ? su->a_player : su->b_player;
        double s_prop = en_war_surplus(fd, pp, r->deal);
        double s_recv0 = en_war_surplus(fd, rp, r->deal) + r->theta[receiver];
        double sigma = r->global[WP_PRIVATE_INFO];
        double p_accept;
        double y = en_war_screen(s_prop + s_recv0, r->type_low[receiver], sigma, &p_accept);
        long rejecter = su->player_actor[rp];
        if (explain) sum->explain_offer[run] = y;
        if (sigma > 0 && s_prop + s_recv0 - y < 0) {
            /* every offer the receiver might take costs the proposer more than fighting on */
            *miss_at = WAR_MISS_NO_OFFER;
            *cause_at = (short)su->player_actor[pp];
            if (explain) sum->explain_accept[run] = -1, sum->explain_offer[run] = NAN;
            continue;
        }
        if (sigma > 0 && r->theta[receiver] > y) {
            r->type_low[receiver] = fmax(r->type_low[receiver], y);
            r->rejections++;
            r->chill = fmin(1, r->chill + r->global[WP_CHILL]);
            r->harden[rejecter] += r->global[WP_HARDEN];
            *miss_at = WAR_MISS_REJECTED;
            *cause_at = (short)rejecter;
            if (explain) sum->explain_accept[run] = 0;
            continue;
        }
        if (explain) sum->explain_accept[run] = 1;
        /* (5) public ratification: signing is public, so the audience cost counts in full
         * (secrecy helped the talks, not the signing; Putnam 1988, Kurizaki 2007) */
        int ratified = 1;
        long failed = -1;
        for (size_t p = 0; p < fd->player_count; p++) {
            long a = su->player_actor[p]; /* belligerents come first in both frames */
            double pr = AP(r, su, a, WA_RATIFY);
            en_war_player public_view = fd->players[p];
            public_view.audience = AP(r, su, a, WA_AUDIENCE_COST);
            double ac = en_war_audience_cost(fd, &public_view, r->deal);
            pr *= exp(-r->global[WP_RATIFY_AUDIENCE] * ac);
            if (pr < 1 && gsl_rng_uniform(r->rng) >= pr) {
                ratified = 0;
                if (failed < 0) failed = a;
            }
        }
        if (!ratified) {
            *miss_at = WAR_MISS_RATIFY;
            *cause_at = (short)failed;
            r->chill = fmin(1, r->chill + r->global[WP_CHILL]);
            r->harden[failed] += r->global[WP_HARDEN];
            continue;
        }
        in_deal = 1;
        sum->state[at] = WAR_IN_DEAL;
        double ra = en_war_renewal_probability(fd, 1, r->deal), rb = en_war_renewal_probability(fd, -1, r->deal);
        if (r->global[WP_RENEWAL_PROBABILITY] > 0) {
            ra = 1 - (1 - ra) * (1 - commitment_break(r, su, r->deal, su->a_player, z));
            rb = 1 - (1 - rb) * (1 - commitment_break(r, su, r->deal, su->b_player, z));
        }
        rho_deal = 1 - (1 - ra) * (1 - rb);
        r->kind_now = kind;
        if (kind == EN_WAR_KIND_SETTLEMENT && sum->settled[run] < 0) sum->settled[run] = t;
        if (sum->first_deal[run] < 0) {
            sum->first_deal[run] = t;
            sum->deal_kind[run] = (unsigned char)kind;
            memcpy(&sum->terms[(size_t)run * ni], r->deal, ni * sizeof *r->deal);
        }
    }
}

