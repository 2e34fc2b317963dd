/*
 * war.c — the war section's parameter tables (names, defaults, valid ranges, units), its
 * construction, copy and release, and ISO date arithmetic. Defaults are WB-1's values
 * (docs/scenario-format.md lists them); those marked illustrative are not calibrated.
 */
#include "core/war.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define BIG HUGE_VAL

/* (13) Recalibration of P(deal by), fitted on the eight development wars by
 * scripts/war-calibrate.py (docs/validation.md, "War layer: calibration"). */
#define CAL_A 0.0
#define CAL_B 0.197

const en_war_param_def en_war_global_params[WP_COUNT] = {
    [WP_DELTA] = {"delta", 0.995, 0, 1, 0, "per step", "discount factor per step"},
    [WP_HORIZON] = {"horizon", 26, 1, 520, 1, "steps", "projection horizon H of the value of fighting on"},
    [WP_GAMMA] = {"gamma", 1, 0, 16, 0, "-", "contest success exponent (1 Tullock ratio, 2, 4, 8 sharper)"},
    [WP_CONTESTS] = {"contests", 10, 1, 1000, 1, "per step", "battle contests per step (Binomial trials)"},
    [WP_FRONT_SPEED] = {"front_speed", 0.0005, 0, 1, 0, "zone share/step", "kappa_z: front move per step at a 10:0 contest score"},
    [WP_JUMP_RATE] = {"jump_rate", 0.005, 0, 1, 0, "per step", "probability of a breakthrough per step"},
    [WP_JUMP_SIZE] = {"jump_size", 0.03, 0, 1, 0, "zone share", "size of a breakthrough"},
    [WP_Z_MIN] = {"z_min", 0.02, 0, 1, 0, "zone share", "A's share at or below which B has won outright"},
    [WP_Z_MAX] = {"z_max", 0.98, 0, 1, 0, "zone share", "A's share at or above which A has won outright"},
    [WP_PRIOR_STRENGTH] = {"prior_strength", 20, 0.001, 1e6, 0, "pseudo-contests", "alpha + beta of each actor's Beta prior over q"},
    [WP_FORGET] = {"forget", 0.97, 0, 1, 0, "per step", "lambda: weight kept on old battle evidence"},
    [WP_MEDIATOR_PULL] = {"mediator_pull", 0.05, 0, 1, 0, "per active step", "m: pull of beliefs toward an active mediator's estimate"},
    [WP_P_TALK_OPEN] = {"p_talk_open", 0.2, 0, 1, 0, "per step", "probability of talks when the channel is open"},
    [WP_P_TALK_CLOSED] = {"p_talk_closed", 0.01, 0, 1, 0, "per step", "probability of talks while a decree closes the channel"},
    [WP_P_TALK_MEDIATED] = {"p_talk_mediated", 0.5, 0, 1, 0, "per step", "probability of talks while a mediator is active (channel open)"},
    [WP_SECRECY] = {"secrecy", 0.3, 0, 1, 0, "multiplier", "sigma_secret: audience cost multiplier in mediated (secret) talks"},
    [WP_RENEW_A0] = {"renewal_a0", -3, -BIG, BIG, 0, "logit", "a0 of the renewal logistic"},
    [WP_RENEW_A1] = {"renewal_a1", 4, -BIG, BIG, 0, "logit per edge", "a1: weight of the deal's shift of future power"},
    [WP_RENEW_A2] = {"renewal_a2", 3, -BIG, BIG, 0, "logit per guarantee", "a2: weight of third-party guarantees"},
    [WP_RENEW_HORIZON] = {"renewal_horizon", 52, 1, 1e6, 0, "steps", "H_renew: horizon over which the renewal probability applies"},
    [WP_COMMITMENT_DECAY] = {"commitment_decay", 0.995, 0, 1, 0, "per step", "Pi_decay: public-commitment stock kept per step"},
    [WP_DECISIVE_WEIGHT] = {"decisive_weight", 0, 0, 1, 0, "-", "weight of the fought-to-a-decision branch in the value of fighting on"},
    [WP_FORTS] = {"forts", 10, 1, 1000, 0, "forts", "N of the gambler's-ruin front (Smith-Stam forts) for the decisive branch"},
    [WP_TOLERANCE] = {"tolerance", 10, 0, BIG, 0, "issue points", "default latitude around a stated position before audience costs bite"},
    [WP_PRIVATE_INFO] = {"private_info", 0.5, 0, 1, 0, "utility", "half-width of each belligerent's private resolve type; offers screen against it (0: complete information)"},
    [WP_TALK_RAMP_DAYS] = {"talk_ramp_days", 60, 0, 100000, 0, "days", "time constant of the talks hazard's rise after the fighting began (0: no ramp)"},
    [WP_CHILL] = {"chill", 0.5, 0, 1, 0, "-", "chill of the channel after a rejected offer or failed ratification (talks hazard x (1 - chill))"},
    [WP_CHILL_DECAY] = {"chill_decay", 0.9, 0, 1, 0, "per step", "share of the channel chill kept per step"},
    [WP_HARDEN] = {"harden", 0.02, 0, 1, 0, "utility", "hold-out premium a side adds when it rejects an offer or its ratifiers fail (decays like commitments)"},
    [WP_CEASEFIRE] = {"ceasefire", 1, 0, 1, 1, "switch", "1: when no settlement is possible, a bare ceasefire at the current line is tried"},
    [WP_VICTOR_SIGNS] = {"victor_signs", 0.5, 0, 1, 0, "-", "probability that a decisive front is sealed by a signed victor's ceasefire"},
    [WP_RATIFY_AUDIENCE] = {"ratify_audience", 1, 0, BIG, 0, "-", "P(ratify) = ratify x exp(-ratify_audience x the deal's public audience cost) (0: off)"},
    [WP_AID_FORESIGHT] = {"aid_foresight", 1, 0, 1, 1, "switch", "1: each side's expected edge follows the power path of announced aid and regimes over the horizon (0: today's edge)"},
    [WP_GUARANTEE_CREDIBILITY] = {"guarantee_credibility", 1, 0, 1, 1, "switch", "1: a guarantee counts as much as A's patrons would enforce it (their stake in the deal against their cost of fighting); 0: at face value"},
    [WP_SIGNAL_NOISE] = {"signal_noise", 0.1, 0, 0.5, 0, "edge", "sd of each veto player's private error in its prior mean about q (its own read of the balance; 0: every prior is prior_q)"},
    [WP_OBSERVE_NOISE] = {"observe_noise", 0.1, 0, 0.5, 0, "share", "sd of each veto player's error in reading a step's share of contests won (the fog of war; 0: the true share)"},
    [WP_RENEWAL_POWER] = {"renewal_power", 1, 0, 1, 1, "switch", "1: a side's loss if the war is renewed after a deal is what the deal gives it over a war resumed from the deal's line at the post-deal balance of power, added to renewal_loss; 0: renewal_loss alone"},
    [WP_WAR_VALUE] = {"war_value", 1, 0, 1, 1, "switch", "1: the value of fighting on is each side's believed outcome of the war — P(prevailing) by the gambler's ruin over its believed edge, reached after its believed time to decision, discounted, less the costs until then; 0: the front projected over the horizon (WB-1)"},
    [WP_FORT_DAYS] = {"fort_days", 7, 0.01, 10000, 0, "days", "days one battle over a fort of the forts front takes (the believed time to decision is the expected number of such battles)"},
    [WP_RENEWAL_PROBABILITY] = {"renewal_probability", 1, 0, 1, 1, "switch", "1: a signed deal breaks over renewal_horizon also with the probability that a side's private resolve makes a war resumed from the post-deal balance of power worth more to it than the deal (Powell 2006's commitment problem; guarantees of A's patrons deter B); 0: the renewal logistic alone"},
    [WP_CEASEFIRE_FIRST] = {"ceasefire_first", 2.0 / 3.0, 0, 1, 0, "-", "probability that, when a bare ceasefire (the line frozen, the political issues deferred) is worth more than fighting on to both belligerents and a settlement is also possible, the ceasefire is signed first; a settlement can follow while it holds (0: a ceasefire only when no settlement is possible)"},
    [WP_FRONT_WALK] = {"front_walk", 1, 0, 1, 1, "switch", "1: when front_speed is left at its default, the front moves one fort of the forts front ((z_max - z_min)/forts) per battle won outright, a battle every fort_days; 0: front_speed 0.0005 per step"},
    [WP_RENEWAL_WINDOW] = {"renewal_window", 1, 0, 1, 1, "switch", "1: the window prices a deal's renewal risk with the probability the runs use once it is signed — the renewal logistic and the commitment problem at the post-deal balance (renewal_probability), the latter at the deal on the table; 0: the logistic alone"},
    [WP_RATE_DAYS] = {"rate_days", 0, 0, 366, 0, "days", "days the per-step rates and flows are stated for (0: one step, as written)"},
    [WP_TEMPO] = {"tempo", 1, 0, 1, 1, "switch", "1: talk_ramp_days and fort_days are stated for a step of 7 days and scale with the scenario's step_days / 7 (the time step states the theatre's tempo: a daily step for a war of days); 0: calendar days at any step"},
    [WP_CALIBRATION] = {"calibration", 1, 0, 1, 1, "switch", "1: every P(deal by) is also reported recalibrated, logistic(calibration_a + calibration_b logit p), fitted on the development wars (docs/models/war.md, (13)); 0: the calibrated fields equal the raw ones"},
    [WP_CALIBRATION_A] = {"calibration_a", CAL_A, -BIG, BIG, 0, "logit", "a of the recalibration of P(deal by) (Platt 1999)"},
    [WP_CALIBRATION_B] = {"calibration_b", CAL_B, 0, BIG, 0, "-", "b of the recalibration of P(deal by): below 1 pulls the raw probabilities toward the middle (de-extremizing)"},
    [WP_CALIBRATION_FLOOR] = {"calibration_floor", 0.005, 1e-9, 0.5, 0, "probability", "a raw probability is clamped to [floor, 1 - floor] before its logit (a Monte Carlo share can be 0)"},
    [WP_MEDIATOR_PRESSURE] = {"mediator_pressure", 0.6, 0, 1, 0, "utility", "while a mediator named in war.mediators mediates (a mediation event), each belligerent's reservation against a bare ceasefire at the line is lowered by this much: the mediator's leverage on a ceasefire (Beardsley 2011; Fortna 2004) (0: off)"},
    [WP_WINDOW_CONDITIONS] = {"window_conditions", 1, 0, 1, 1, "switch", "1: the window's slack is the best over packages that meet the conditions of the actors whose consent it needs (docs/models/war.md, WB-2 (3)); 0: conditions are applied only when a deal is offered"},
};

const en_war_param_def en_war_actor_params[WA_COUNT] = {
    [WA_FLOW_COST] = {"flow_cost", 0.003, 0, BIG, 0, "utility/step", "kappa_i: per-step cost of fighting on"},
    [WA_PRIOR_Q] = {"prior_q", 0.5, 0.001, 0.999, 0, "-", "prior mean of the actor's belief about q (A's per-contest win probability)"},
    [WA_OPTIMISM] = {"optimism", 0, -1, 1, 0, "-", "b_i: bias added to the posterior mean of q (positive favours A)"},
    [WA_AUDIENCE_COST] = {"audience_cost", 0, 0, BIG, 0, "utility", "alpha_i: audience-cost scale"},
    [WA_RENEWAL_LOSS] = {"renewal_loss", 0, 0, BIG, 0, "utility", "L_i: loss if the war is renewed after a deal"},
    [WA_HOLDOUT] = {"holdout", 0, 0, BIG, 0, "utility", "eps_i: hold-out premium"},
    [WA_RATIFY] = {"ratify", 0.8, 0, 1, 0, "per deal", "p_ratify_i: probability the actor's ratifiers approve a deal (WB-2 default 0.8; WB-1 used 1)"},
    [WA_LEADER_HAZARD] = {"leader_hazard", 0, 0, 1, 0, "per step", "h_L: hazard of a leadership change"},
    [WA_CULPABILITY] = {"culpability", 0, 0, BIG, 0, "-", "psi_i: the leader's personal loss per unit of utility a deal gives up (reset by a leader change)"},
    [WA_POWER] = {"power", 1, 0, BIG, 0, "index", "K0: initial combat power"},
    [WA_DEFENDER_ADVANTAGE] = {"defender_advantage", 1, 0, BIG, 0, "multiplier", "omega_i: contest multiplier"},
    [WA_REPLENISH] = {"replenish", 0.01, 0, BIG, 0, "index/step", "g_i: own replenishment"},
    [WA_DEPRECIATION] = {"depreciation", 0.01, 0, 1, 0, "per step", "d_i: depreciation of combat power"},
    [WA_BATTLE_LOSS] = {"battle_loss", 0, 0, BIG, 0, "index/step", "l_i: power lost per step at a 0:10 contest score"},
    [WA_AID_FLOW] = {"aid_flow", 0.5, 0, BIG, 0, "USD bn/step", "aid per step while flowing"},
    [WA_AID_STALLED] = {"aid_stalled", 0.05, 0, BIG, 0, "USD bn/step", "aid per step while stalled"},
    [WA_FLOW_TO_STALL] = {"flow_to_stall", 0.01, 0, 1, 0, "per step", "Markov switch probability flowing -> stalled"},
    [WA_STALL_TO_FLOW] = {"stall_to_flow", 0.04, 0, 1, 0, "per step", "Markov switch probability stalled -> flowing"},
    [WA_AID_EFFECT] = {"aid_effect", 0.02, 0, BIG, 0, "index per USD bn", "e_k: combat power per USD bn of aid"},
    [WA_AID_COST] = {"aid_cost", 0, 0, BIG, 0, "utility per USD bn", "patron's cost of the aid it expects to give while fighting on"},
    [WA_LEVERAGE] = {"leverage", 0.5, 0, BIG, 0, "-", "weight of the patron's own surplus in its client's reservation (pressure to settle or to fight on; 0: none)"},
    [WA_WAR_BENEFIT] = {"war_benefit", 0, 0, BIG, 0, "utility/step", "patron's per-step gain from the war going on (attrition of the enemy, precedent)"},
};

const en_war_param_def en_war_issue_params[WI_COUNT] = {
    [WI_ETA] = {"eta", 1, 0, BIG, 0, "-", "eta_k: how battlefield success converts into gains on the issue"},
    [WI_BATTLEFIELD] = {"battlefield", 1, 0, 1, 0, "-", "share of the issue the war decides (0: it stays at the status quo while fighting)"},
    [WI_POWER_SHIFT] = {"power_shift", 0, -1, 1, 0, "edge per scale", "phi_k: shift of B's future edge when the issue moves across its whole scale"},
    [WI_GUARANTEE] = {"guarantee", 0, 0, BIG, 0, "per scale", "g_k: strength of third-party guarantees at the top of the scale"},
    [WI_TOLERANCE] = {"tolerance", -1, -1, BIG, 0, "issue points", "tol_k: latitude around a stated position (-1: the global tolerance)"},
    [WI_MONOTONE] = {"monotone", 0, 0, 1, 1, "switch", "1: a divisible good (territory, money): each actor's utility rises toward its end of the scale instead of peaking at its position (0: single-peaked)"},
};

const char *const en_war_event_names[EN_WAR_EVENT_TYPE_COUNT] = {
    [EN_WAR_AID] = "aid",
    [EN_WAR_AID_STALL] = "aid_stall",
    [EN_WAR_AID_RESUME] = "aid_resume",
    [EN_WAR_CHANNEL_CLOSE] = "channel_close",
    [EN_WAR_CHANNEL_OPEN] = "channel_open",
    [EN_WAR_COMMITMENT] = "commitment",
    [EN_WAR_OFFENSIVE] = "offensive",
    [EN_WAR_MOBILIZATION] = "mobilization",
    [EN_WAR_FRONT] = "front",
    [EN_WAR_MEDIATION] = "mediation",
    [EN_WAR_LEADER_CHANGE] = "leader_change",
    [EN_WAR_BELIEF] = "belief",
    [EN_WAR_POSITION] = "position",
    [EN_WAR_VETO] = "veto",
};

/* ---- dates: Howard Hinnant's days_from_civil / civil_from_days algorithms ---- */

static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

long en_date_days(const char *text, int *ok)
{
    int y, m, d;
    char tail;
    *ok = 0;
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) return 0;
    if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return 0;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1]) return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
    *ok = 1;
    return days_from_civil(y, m, d);
}

void en_date_format(long z, char *out, size_t size)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    snprintf(out, size, "%04ld-%02ld-%02ld", y, m, d);
}

/* ---- the section ---- */

static void set_defaults(en_value *values, const en_war_param_def *defs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        values[i] = en_value_fixed(defs[i].default_value, defs[i].min, defs[i].max);
}

en_war *en_war_new(const en_scenario *s)
{
    en_war *w = en_xcalloc(1, sizeof *w);
    w->step_days = 7;
    w->side_a = w->side_b = -1;
    w->territory = -1;
    w->zone_km2 = 0;
    w->front = en_value_fixed(0.5, 0, 1);
    set_defaults(w->global, en_war_global_params, WP_COUNT);
    size_t na = s->actor_count ? s->actor_count : 1, ni = s->issue_count ? s->issue_count : 1;
    w->actor_params = en_xcalloc(na * WA_COUNT, sizeof *w->actor_params);
    for (size_t a = 0; a < s->actor_count; a++)
        set_defaults(&w->actor_params[a * WA_COUNT], en_war_actor_params, WA_COUNT);
    w->commitment = en_xcalloc(na * ni, sizeof *w->commitment);
    for (size_t k = 0; k < s->actor_count * s->issue_count; k++)
        w->commitment[k] = en_value_fixed(0, 0, 1);
    w->issue_params = en_xcalloc(ni * WI_COUNT, sizeof *w->issue_params);
    for (size_t i = 0; i < s->issue_count; i++)
        set_defaults(&w->issue_params[i * WI_COUNT], en_war_issue_params, WI_COUNT);
    return w;
}

void en_war_event_clear(en_war_event *e)
{
    en_free(e->date);
    en_free(e->note);
    for (size_t c = 0; c < e->cite_count; c++) en_free(e->cite[c]);
    en_free(e->cite);
    e->date = e->note = NULL;
    e->cite = NULL;
    e->cite_count = 0;
}

void en_war_free(en_war *w)
{
    if (!w) return;
    en_free(w->start);
    en_free(w->end);
    en_free(w->began);
    en_free(w->mediators);
    en_free(w->actor_params);
    en_free(w->commitment);
    en_free(w->issue_params);
    for (size_t e = 0; e < w->event_count; e++) en_war_event_clear(&w->events[e]);
    en_free(w->events);
    en_free(w->conditions);
    en_free(w);
}

int en_war_condition_met(const en_war_condition *c, const double *x)
{
    double a = x[c->if_issue], b = x[c->then_issue];
    int applies = c->if_dir > 0 ? a >= c->if_bound : a <= c->if_bound;
    int holds = c->then_dir > 0 ? b >= c->then_bound : b <= c->then_bound;
    return !applies || holds;
}

static void *copy_array(const void *from, size_t bytes)
{
    void *to = en_xmalloc(bytes ? bytes : 1);
    if (bytes) memcpy(to, from, bytes);
    return to;
}

en_war *en_war_clone(const en_war *w, const en_scenario *s)
{
    if (!w) return NULL;
    size_t na = s->actor_count ? s->actor_count : 1, ni = s->issue_count ? s->issue_count : 1;
    en_war *c = en_xmalloc(sizeof *c);
    *c = *w;
    c->start = w->start ? en_xstrdup(w->start) : NULL;
    c->end = w->end ? en_xstrdup(w->end) : NULL;
    c->began = w->began ? en_xstrdup(w->began) : NULL;
    c->mediators = copy_array(w->mediators, w->mediator_count * sizeof *w->mediators);
    c->actor_params = copy_array(w->actor_params, na * WA_COUNT * sizeof *w->actor_params);
    c->commitment = copy_array(w->commitment, na * ni * sizeof *w->commitment);
    c->issue_params = copy_array(w->issue_params, ni * WI_COUNT * sizeof *w->issue_params);
    c->events = copy_array(w->events, w->event_count * sizeof *w->events);
    c->conditions = copy_array(w->conditions, w->condition_count * sizeof *w->conditions);
    for (size_t e = 0; e < w->event_count; e++) {
        c->events[e].date = w->events[e].date ? en_xstrdup(w->events[e].date) : NULL;
        c->events[e].note = w->events[e].note ? en_xstrdup(w->events[e].note) : NULL;
        c->events[e].cite = NULL;
        if (w->events[e].cite_count) {
            c->events[e].cite = en_xcalloc(w->events[e].cite_count, sizeof *c->events[e].cite);
            for (size_t k = 0; k < w->events[e].cite_count; k++)
                c->events[e].cite[k] = en_xstrdup(w->events[e].cite[k]);
        }
    }
    return c;
}

long en_war_step_count(const en_war *w)
{
    long span = w->end_day - w->start_day;
    if (span < 0) return 0;
    return span / w->step_days + 1;
}

long en_war_step_of(const en_war *w, long day)
{
    long offset = day - w->start_day;
    if (offset >= 0) return offset / w->step_days;
    return -((-offset + w->step_days - 1) / w->step_days);
}
