/*
 * forecast_internal.h — the parts of `entente forecast` (docs/models/forecast.md) shared by the
 * analysis files that compute it (forecast_scenario.c: canonical order and the effective
 * scenario; acceptance.c: veto players' acceptance, the win-set and the smallest change that
 * wins a blocker over; whatif.c: the --what-if language; forecast.c: the whole answer), its
 * writers (report/forecast_write.c) and the tests. Users see only the opaque
 * en_forecast_result of entente.h.
 */
#ifndef ENTENTE_ANALYSIS_FORECAST_INTERNAL_H
#define ENTENTE_ANALYSIS_FORECAST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/node.h"
#include "core/scenario.h"
#include "entente.h"

/* ---- canonical order and the effective scenario (forecast_scenario.c) ---- */

/* A copy of `s` with issues and actors sorted by id (byte order) and the `war:` section left
 * out (the war layer runs on the scenario as given), `patron_of` renumbered. Every computation
 * of the forecast runs on this copy, so no answer depends on the order of the file.
 * `issue_from` (may be NULL) receives, per canonical issue, its index in `s`.
 * Time complexity: O(A log A + I log I + A × I). */
en_scenario *fc_canonical_copy(const en_scenario *s, size_t *issue_from);

/* Actor `a` left out: the actor is removed and references to it (patron_of) cleared. */
void fc_drop_actor(en_scenario *s, size_t a);

/* Writes into eff (a clone of raw) the effective bargaining positions and into `preference`
 * (actor × issue, may be NULL) each actor's effective preferred position:
 *   patrons:  x'_jk = (1 − Σ_p ω_pjk) x_jk + Σ_p ω_pjk x_pk,
 *             ω_pjk = λ c_pk s_pk / (c_jk s_jk + Σ_q c_qk s_qk)   (p, q: patrons of client j)
 *   public:   x̃_jk = (x'_jk + α π_jk) / (1 + α) where a public position π_jk is given, else x'_jk
 * with λ = patron_weight, α = audience_cost (docs/models/forecast.md). Only positions change.
 * Time complexity: O(A × I). */
void fc_effective(const en_scenario *raw, double patron_weight, double audience_cost,
                  en_scenario *eff, double *preference);

/* ---- acceptance (acceptance.c) ---- */

/* One veto player as the acceptance step sees it: per issue (0 where it has no veto or no
 * stance) its weight w_k = salience, its preferred position x'_k, its audience weight
 * a_k = α × salience where a public position π_k is given, and the distance r_k from x'_k to
 * the no-agreement outcome (the status quo, or the far end of the scale when none is given). */
typedef struct fc_player {
    size_t actor;  /* canonical actor index */
    double *weight, *ideal, *audience, *stated, *reach;
    double *free_band; /* |q_k − π_k|: a deal no further from π_k than no agreement costs nothing */
} fc_player;

typedef struct fc_frame {
    size_t issue_count;
    const double *low, *high; /* scales */
    double *no_agreement;     /* per issue: the status quo, NAN where none is given */
    size_t player_count;
    fc_player *players;
} fc_frame;

/* Builds the frame of the veto players of `raw` (a canonical scenario; `preference` from
 * fc_effective) with audience cost α. Players are the actors with a veto on at least one issue
 * they take part in, in actor order. Time complexity: O(A × I). */
void fc_frame_init(fc_frame *frame, const en_scenario *raw, const double *preference,
                   double audience_cost);
/* Refreshes the numbers of an initialised frame for another draw of the same scenario shape. */
void fc_frame_update(fc_frame *frame, const en_scenario *raw, const double *preference,
                     double audience_cost);
void fc_frame_free(fc_frame *frame);

/* Surplus of player p from package y over no agreement, in salience-weighted shares of the
 * scales:  S_p(y) = Σ_k w_k (r_k − |y_k − x'_k|)/W_k − Σ_k a_k max(0, |y_k − π_k| − |q_k − π_k|)/W_k
 * (the audience cost is paid for backing down: for a deal further from the public stance than
 * no agreement is).
 * The player accepts y when it strictly prefers it: S_p(y) > 1e-12 (no agreement itself has
 * S = 0, so a win-set that holds only the status quo counts as empty). Time complexity: O(I). */
double fc_surplus(const fc_frame *frame, size_t p, const double *y);

/* Workspace of the win-set search (one per thread). */
typedef struct fc_lp fc_lp;
fc_lp *fc_lp_new(void);
void fc_lp_free(fc_lp *lp);

/* The package that maximises the smallest surplus of the veto players over the issue box
 * (a linear programme in the incremental form over every player's kinks, solved by a
 * bounded-variable simplex). Writes it to `package` and returns that smallest surplus (exact,
 * evaluated at the package): > 0 iff some package is strictly preferred to no agreement by every
 * veto player (the win-set is not empty). Without players: any package; returns +inf and writes the midpoints.
 * Time complexity: a simplex on P rows × (1 + I × (3P + 1)) columns, O(P × columns) a pivot. */
double fc_maximin(const fc_frame *frame, fc_lp *lp, double *package);

/* Packages that proved earlier draws' win-sets not empty, the most recently useful first (at
 * most FC_HINTS): cheap certificates for the next draw's (fc_winset_nonempty). One per thread. */
#define FC_HINTS 16
#define FC_WINSET_SURE 1e-9
typedef struct fc_hints {
    size_t issue_count, count;
    double *package; /* count × issue_count */
} fc_hints;
/* An empty list for packages of `issue_count` issues. Time complexity: O(FC_HINTS × I). */
void fc_hints_init(fc_hints *hints, size_t issue_count);
/* Puts `package` first (the last one goes when the list is full). Time complexity: O(FC_HINTS × I). */
void fc_hints_add(fc_hints *hints, const double *package);
void fc_hints_free(fc_hints *hints);

/* Whether some package is strictly preferred to no agreement by every veto player: the answer
 * of fc_maximin(frame, lp, package) > 1e-12, but where one of `hints` (may be NULL) gives every
 * player a surplus above FC_WINSET_SURE the answer is yes without the simplex (that hint moves
 * first; `package` is left as it was). Otherwise the simplex decides and writes its package,
 * which joins the hints if it certifies the win-set. Which way the answer comes never changes
 * it (tests/analysis/test_forecast_shortcuts.c compares with the simplex alone).
 * Time complexity: O(FC_HINTS × P × I), plus fc_maximin's where no hint decides. */
int fc_winset_nonempty(const fc_frame *frame, fc_lp *lp, fc_hints *hints, double *package);

/* The mediator's proposal: the point nearest `from` on the segment from `from` to `inside`
 * (a package acceptable to all) that every veto player accepts, by bisection (the smallest
 * surplus is concave along the segment). Writes it to `out`. Time complexity: O(60 × P × I). */
void fc_pull_into_winset(const fc_frame *frame, const double *from, const double *inside, double *out);

/* The smallest change of package y (in the sum of moves as shares of each scale) that makes
 * player p accept it, other players ignored: a fractional knapsack over the pieces on which
 * p's surplus rises, steepest first (exact: the surplus is concave and separable by issue).
 * The change goes 1e-9 past indifference.
 * Writes the changed package to `out`; returns 1 if found, 0 if no package wins p over (then
 * `out` is p's best package). Time complexity: O(I log I). */
int fc_smallest_change(const fc_frame *frame, size_t p, const double *y, double *out);

/* ---- drivers (forecast.c) ---- */

/* The inputs the forecast samples and moves: a status quo, a capability, or an actor's position,
 * salience, public position or power on an issue. */
typedef enum slot_field { SLOT_STATUS_QUO, SLOT_CAPABILITY, SLOT_POSITION, SLOT_SALIENCE, SLOT_PUBLIC, SLOT_POWER } slot_field;

/* One input of the drivers: a slot (field, actor, issue; -1 where none) and the two values it
 * is moved to. */
typedef struct driver_input {
    slot_field field;
    long actor, issue;
    double low, high;
} driver_input;

/* The inputs of the drivers of `canonical`, in its order: each status quo, then per actor its
 * capability (moved by ±delta of its value, not below 0) and per issue it takes part in its
 * position (±delta of the scale, within it), salience (±delta, within [0, 1]) and public
 * position (as the position). Writes a new array to *out (en_free) and returns its length.
 * Time complexity: O(A × I). */
size_t fc_driver_inputs(const en_scenario *canonical, double delta, driver_input **out);

/* Above this many inputs the drivers are screened unless the caller says otherwise
 * (en_forecast_options.drivers_screen < 0): the forecaster re-runs only on the
 * FC_SCREEN_DEFAULT inputs with the largest first-order leverage, plus every status quo. Every
 * bundled scenario, KTAB sample and DEU III development case has fewer (at most 480), so theirs are
 * exhaustive. */
#define FC_SCREEN_THRESHOLD 2000
#define FC_SCREEN_DEFAULT 150

/* The first-order leverage of each input of `inputs` on the compromise (the mean of the
 * effective positions weighted by capability × salience, w_jk = c_jk s_jk, on each issue,
 * F_k = Σ_j w_jk x̃_jk / Σ_j w_jk), as a share of the issue's scale, for the input's larger move
 * d (to `low` or `high`), the largest over issues:
 *   position x_ik:   d (w_ik g_ik + w_jk ω_ijk p_jk) / (Σ w_k × width_k), g_ik = (1 − Σ_p ω_pik) p_ik
 *                    (the share the effective position keeps: patrons pull part of it, a public
 *                    stance p_ik = 1/(1+α) of it), the second term where i is patron of client j
 *   public π_ik:     d w_ik α/(1+α) / (Σ w_k × width_k)
 *   salience s_ik:   d c_ik |x̃_ik − F_k| / (Σ w_k × width_k)
 *   capability c_i:  d s_ik |x̃_ik − F_k| / (Σ w_k × width_k) on each issue without a stance power
 *   status quo:      +inf (never screened out)
 * with λ = patron_weight, α = audience_cost, effective positions x̃ from fc_effective. How
 * capability and salience change the patrons' pull is left out (second order for a client).
 * Writes leverage[0 .. count). Time complexity: O(A × I + count). */
void fc_driver_leverage(const en_scenario *canonical, double patron_weight, double audience_cost,
                        const driver_input *inputs, size_t count, double *leverage);

/* The inputs kept by the screen: every input with infinite leverage (the status quos) and the
 * `keep` others with the largest leverage, ties to the earlier input; writes their indexes to
 * `chosen` in increasing order and returns how many. Time complexity: O(count log count). */
size_t fc_screen_inputs(const double *leverage, size_t count, size_t keep, size_t *chosen);

/* ---- summaries (forecast.c) ---- */

/* Quantile p in [0, 1) of values[0, n) (linear interpolation between order statistics: h =
 * p·(n − 1), x_(⌊h⌋) + (h − ⌊h⌋)·(x_(⌊h⌋+1) − x_(⌊h⌋)) in sorted order), found by selection
 * without sorting; the values are reordered. NAN when n = 0; the values must not be NaN. The
 * same bits as interpolating in the sorted values (tests/analysis/test_forecast_shortcuts.c).
 * Time complexity: O(n) expected. */
double fc_quantile(double *values, size_t n, double p);

/* ---- what-if changes (whatif.c) ---- */

typedef enum fc_change_kind {
    FC_SET,       /* a number: position, public, salience, power, capability, status_quo */
    FC_DROP,      /* drop ACTOR */
    FC_VETO_ADD,  /* ACTOR.veto+=ISSUE */
    FC_VETO_DEL,  /* ACTOR.veto-=ISSUE */
    FC_VETO_ALL,  /* ACTOR.veto=all */
    FC_VETO_NONE  /* ACTOR.veto=none */
} fc_change_kind;

typedef enum fc_field {
    FC_FIELD_POSITION, FC_FIELD_PUBLIC, FC_FIELD_SALIENCE, FC_FIELD_POWER,
    FC_FIELD_CAPABILITY, FC_FIELD_STATUS_QUO, FC_FIELD_NONE
} fc_field;

typedef struct fc_change {
    fc_change_kind kind;
    fc_field field;
    char op;          /* '=', '+' or '-' for FC_SET */
    double number;
    char *actor;      /* ids as written (resolved against the scenario by fc_whatif_apply) */
    char *issue;
    int column;       /* 1-based columns in the expression: the change, its actor, issue, value */
    int actor_column, issue_column, value_column;
} fc_change;

typedef struct fc_whatif {
    char *text;       /* the expression as given */
    fc_change *changes;
    size_t change_count;
} fc_whatif;

/* Parses one --what-if expression: changes separated by ';' —
 *   ACTOR.ISSUE.(position|public|salience|power)(=|+=|-=)NUMBER
 *   ACTOR.capability(=|+=|-=)NUMBER      ISSUE.status_quo(=|+=|-=)NUMBER
 *   drop ACTOR      ACTOR.veto(+=|-=)ISSUE      ACTOR.veto=(all|none)
 * Errors name `origin` (e.g. "--what-if"), line 1 and the column. Time complexity: O(length). */
en_status fc_whatif_parse(const char *text, const char *origin, fc_whatif **out, en_error *err);
/* Applies the changes to `s` (the scenario as loaded), checking ids (with a did-you-mean) and
 * ranges; errors are located in the expression. Time complexity: O(changes × (A + I)). */
en_status fc_whatif_apply(const fc_whatif *whatif, const char *origin, en_scenario *s, en_error *err);
void fc_whatif_free(fc_whatif *whatif);

/* ---- the answer (forecast.c) ---- */

typedef struct fc_issue {
    char *id;
    size_t original;      /* index in the scenario as loaded (issues are listed in file order) */
    double forecast;      /* default forecaster on the effective point scenario */
    double lo, hi;        /* 80% interval: Monte Carlo × model disagreement */
    double mc_lo, mc_hi;  /* 80% interval of the default forecaster's draws alone */
    double no_agreement;  /* status quo (NAN: none given) */
    double proposal;      /* the mediator's proposal at the point estimate (= forecast if accepted) */
    double *models;       /* per panel model: its answer */
} fc_issue;

typedef struct fc_blocker {
    char *actor;
    double share;         /* draws in which it rejects the forecast package */
    double surplus;       /* at the point estimate */
    int wins;             /* a change wins it over */
    double *changed;      /* per issue (canonical): the package after the smallest change */
    char *loses;          /* veto players the change loses, comma-separated ("" none) */
} fc_blocker;

typedef struct fc_driver {
    char *input;          /* "RUS.nato.salience" */
    char *actor, *issue_input, *field;
    double value, moved;  /* point value and moved value */
    char *issue;          /* the issue it moves most */
    double from, to;      /* that issue's forecast before and after */
    double effect;        /* to − from */
    double score;         /* |effect| / scale width */
} fc_driver;

typedef struct fc_answer {
    size_t draws;
    double p_agreement;        /* the proposed package accepted by every veto player */
    double p_forecast_accepted;/* the forecast package itself accepted */
    double p_winset;           /* some package acceptable to all */
    int winset_empty_point;    /* at the point estimate */
    int forecast_accepted_point;
    fc_issue *issues;          /* canonical issue order */
    size_t issue_count;
    fc_blocker *blockers;      /* sorted: share desc, then id */
    size_t blocker_count;
    size_t veto_player_count;
    char **model_rejected_by;  /* per panel model: veto players rejecting its answer ("" none) */
} fc_answer;

typedef struct fc_whatif_answer {
    char *text;
    fc_answer answer;
} fc_whatif_answer;

struct en_forecast_result {
    const en_scenario *scenario; /* as loaded */
    en_forecast_options options;
    char *model;                 /* default forecaster */
    char **panel;                /* models of the panel (default first, then registry order) */
    size_t panel_count;
    int has_mediator, has_status_quo;
    fc_answer base;
    fc_driver *drivers;
    size_t driver_count;
    size_t screen_inputs;        /* drivers screened: inputs in all (0: not screened) */
    size_t screen_evaluated;     /* and the inputs the forecaster re-ran on */
    fc_whatif_answer *what_ifs;
    size_t what_if_count;
    en_node *war;                /* the war layer's summary node, NULL without a war: section */
    char *war_summary;
    char **notes;
    size_t note_count;
    en_scenario *canonical;      /* point scenario, canonical order (labels, scales) */
};

#endif
