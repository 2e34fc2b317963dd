/*
 * war.h — the war module's internals (docs/models/war.md): the settlement window at one step
 * (war_window.c), the closed forms of the bargaining theory of war (war_theory.c), and what the
 * simulation (war_sim.c, war_run.c) offers the rest of the library beyond the public API of
 * include/entente.h (the summary as a JSON node for forecast and the reports). The module sits
 * between the models and the analyses: core <- io <- models <- war <- analysis; its model `war`
 * enters the registry through en_war_register (war_model.c), so models/ names nothing of it.
 */
#ifndef ENTENTE_WAR_WAR_H
#define ENTENTE_WAR_WAR_H

#include <stddef.h>

#include "core/node.h"
#include "core/scenario.h"
#include "core/util.h"
#include "entente.h"

/* ---- closed forms (war_theory.c) ---- */

/* Fearon (1995) bargaining range for A's share x in [0,1], risk-neutral: [p − c_A, p + c_B]. */
void en_war_fearon_range(double p, double cost_a, double cost_b, double *low, double *high);
/* Fearon with different beliefs: 1 if a deal exists, i.e. p_A − p_B <= c_A + c_B. */
int en_war_fearon_deal_exists(double p_a, double p_b, double cost_a, double cost_b);
/* Screening (take-it-or-leave-it offer by B, A's cost ~ U[c_lo, c_hi]): the optimal offer
 * x* = p + (c_B − c_hi)/2 clipped to [p − c_hi, p − c_lo], and A's acceptance probability. */
double en_war_screening_offer(double p, double cost_b, double cost_low, double cost_high,
                              double *p_accept);
/* Powell (2006) shifting power: δ·p1 − p0 − (1 − δ)(c_B + δ·c_A); > 0 means the declining side
 * prefers war now to any peace (the commitment problem). */
double en_war_powell_margin(double delta, double p0, double p1, double cost_a, double cost_b);
/* Gambler's ruin (Smith & Stam 2004 forts): P(A takes all N forts before losing its k), A wins
 * each battle with probability q. k may be fractional (a front between forts). */
double en_war_gamblers_ruin(double q, double k, double n);
/* Expected number of battles until the gambler's-ruin war of en_war_gamblers_ruin is decided
 * (either side takes every fort): k/(1 − 2q) − N/(1 − 2q) · P(A wins) for q ≠ ½, k(N − k) at
 * q = ½; 0 when k <= 0 or k >= N; k (q = 0) or N − k (q = 1). Time complexity: O(1). */
double en_war_ruin_duration(double q, double k, double n);

/* ---- the window at one step (war_window.c) ---- */

/* One actor whose consent a deal needs, at one step. Arrays have one entry per issue. */
typedef struct en_war_player {
    const double *ideal;      /* θ_ik */
    const double *weight;     /* w_ik: salience normalised over the issues it vetoes (0 elsewhere) */
    const double *stated;     /* s_ik: public position */
    const double *commitment; /* Π_ik in [0,1] (0 on issues it does not veto) */
    double audience;          /* α_i (times the secrecy factor in mediated talks) */
    double renewal_loss;      /* L_i */
    int renewal_side;         /* +1: fears a shift of future power toward B (A's side); −1: B's side */
    double reservation;       /* V_i^cont + ε_i: what a deal must beat */
} en_war_player;

typedef struct en_war_frame {
    size_t issue_count;
    const double *low, *high;   /* issue scales */
    const double *tolerance;    /* tol_k */
    const double *power_shift;  /* φ_k: B's future edge gained across the whole scale */
    const double *guarantee;    /* g_k */
    const double *reference;    /* x_ref_k for the power shift */
    double renewal_a0, renewal_a1, renewal_a2;
    size_t player_count;
    const en_war_player *players;
} en_war_frame;

/* Package utility U_i(x) = Σ_k w_ik (1 − |x_k − θ_ik| / width_k). O(issues). */
double en_war_utility(const en_war_frame *frame, const en_war_player *player, const double *x);
/* Audience cost AC_i(x) = α_i Σ_k Π_ik max(0, |x_k − s_ik| − tol_k) / width_k. O(issues). */
double en_war_audience_cost(const en_war_frame *frame, const en_war_player *player, const double *x);
/* Renewal probability the player fears: logistic(a0 + side·a1·Δq(x) − a2·G(x)). O(issues). */
double en_war_renewal_probability(const en_war_frame *frame, int side, const double *x);
/* Surplus of a deal over fighting on: U − AC − R − (V^cont + ε). O(issues). */
double en_war_surplus(const en_war_frame *frame, size_t player, const double *x);

/* Workspace for the window computation; reuse it across steps (not thread-safe: one per
 * thread). */
typedef struct en_war_window_ws en_war_window_ws;
en_war_window_ws *en_war_window_ws_new(void);
void en_war_window_ws_free(en_war_window_ws *ws);

/* The window slack s = max_x min_i surplus_i(x) over the issue box, the maximising package
 * (written to `package`) and the binding player (argmin at the package). Method: the maximin
 * is a linear programme once each piecewise-linear concave surplus is written over its kink
 * segments (incremental form); the renewal logistic is linearised at the current package and
 * the LP re-solved (sequential LP, at most 4 passes); the reported slack is the exact minimum
 * surplus at the best package found, so s >= 0 proves the window open. With no renewal term
 * the result is the exact optimum. Time complexity: a bounded-variable simplex on
 * (players) rows × (issues × (3·players + 2)) columns per pass, O(rows · columns) per pivot. */
double en_war_window(const en_war_frame *frame, en_war_window_ws *ws, double *package,
                     size_t *binding);
/* en_war_window over the sub-box box_low ≤ x ≤ box_high of the issue scales (the utilities
 * still measure distances by the scales' widths). Returns −HUGE_VAL, leaving `package` as it
 * was, when the box is empty or leaves the scales. Used for conditional packages (a condition
 * splits the packages into two boxes). Time complexity: as en_war_window. */
double en_war_window_box(const en_war_frame *frame, const double *box_low, const double *box_high,
                         en_war_window_ws *ws, double *package, size_t *binding);
/* The dual weights λ_i (>= 0, summing to 1 at an LP optimum) of the last en_war_window call,
 * one per player: how much each player's demand holds the slack down. The `binding` player of
 * en_war_window is the one with the largest weight (surpluses tie at a maximin). */
const double *en_war_window_duals(const en_war_window_ws *ws);
/* The interval of issue k's values that keep every surplus >= 0 with the other coordinates
 * held at `package` (which must be in the window). Bisection; O(players · issues · 60). */
void en_war_window_slice(const en_war_frame *frame, const double *package, size_t issue,
                         double *low, double *high);
/* Moves `target` toward `inside` (a package in the window) until it is in the window: the
 * largest t in [0,1] with inside + t·(target − inside) in the window, by bisection. */
void en_war_pull_into_window(const en_war_frame *frame, const double *inside, double *target);

/* ---- the simulation (war_sim.c; the options and the summary are public: entente.h) ---- */

/* The kinds' names (en_war_kind_name). */
extern const char *const en_war_kind_names[EN_WAR_KIND_COUNT];

/* Screening offer of the protocol (Fearon 1995 §"risk-return"; Powell 2004): the proposer
 * splits a total surplus `total` (measured with the receiver's type at 0) and believes the
 * receiver's type (the extra it needs) is uniform on [low, high]; the receiver accepts y iff its
 * type <= y. Returns y* = argmax (total − y)·P(type <= y), clipped to [low, high], and writes
 * P(accept) to *p_accept; with low = high the offer is `low` and P = 1. O(1). */
double en_war_screen(double total, double low, double high, double *p_accept);

/* ---- calibration (war_calibrate.c; docs/models/war.md, (13)) ---- */

/* logistic(a + b · logit(p̃)) with p̃ = p clamped to [floor_p, 1 − floor_p] (floor_p is
 * itself clamped to (0, 0.5]): Platt's (1999) two-parameter recalibration. b < 1 pulls
 * probabilities toward logistic(a / (1 − b)), a > 0 raises them. O(1). */
double en_war_recalibrate(double p, double a, double b, double floor_p);
/* p recalibrated with the war's `calibration_a`, `calibration_b`, `calibration_floor` (their
 * point values), or p itself when `calibration` is 0. O(1). */
double en_war_calibrated(const struct en_war *war, double p);

/* ---- reports (war_report.c) ---- */

/* The JSON object {"runs", "seed", "steps": [...], "deals": {...}, ...}. */
en_node *en_war_summary_node(const en_war_summary *summary);
/* Per-step table, deal terms, near misses and the plain-language summary. */
void en_war_summary_text(const en_war_summary *summary, en_buffer *out);
/* The --explain table: each veto player's value of a deal vs of fighting on, who blocks. */
void en_war_explain_text(const en_war_summary *summary, en_buffer *out);
en_node *en_war_explain_node(const en_war_summary *summary);

#endif
