/*
 * war_window.c — the settlement window of WB-1 at one step (docs/models/war.md,
 * "One run" step 7 and "The window computation"): W_t = {x : U_i(x) − AC_i(x) − R_i(x) >= V_i^cont + ε_i for every veto player i},
 * its slack s_t = max_x min_i [...], the maximising package, the slice of the window along one
 * issue and the pull of a package into the window.
 *
 * Why an LP and not coordinate ascent: a maximin of several concave surpluses has kinks where
 * every single-coordinate move hurts someone while a joint move (give on one issue, take on
 * another — a logroll) helps everyone; coordinate ascent stops there and understates the window.
 * Each surplus is separable and piecewise linear concave per issue (|x − θ| and the audience
 * cost's max(0, |x − s| − tol)), so over each issue's kink segments it is linear with slopes
 * that fall from segment to segment for EVERY player; the incremental ("delta") form
 * x_k = low_k + Σ_j δ_kj, 0 <= δ_kj <= len_kj is then exact (filling segments out of order never
 * helps anyone), and max s s.t. s <= c_i + Σ slope_ikj δ_kj is a small bounded-variable LP with
 * one row per veto player. Zartman's "ripeness" (Ripe for Resolution, 1985) is s_t >= 0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "war/war.h"
#include "core/util.h"

/* ---- the surplus of one player ---- */

static double width_of(const en_war_frame *f, size_t k)
{
    double w = f->high[k] - f->low[k];
    return w > 0 ? w : 1;
}

/* g_ik(x): the per-issue part of U − AC. */
static double issue_value(const en_war_frame *f, const en_war_player *p, size_t k, double x)
{
    double width = width_of(f, k);
    /* an issue the player does not weigh adds nothing (its ideal may be undefined there) */
    double value = p->weight[k] != 0 ? p->weight[k] * (1 - fabs(x - p->ideal[k]) / width) : 0;
    if (p->audience > 0 && p->commitment[k] > 0) {
        double over = fabs(x - p->stated[k]) - f->tolerance[k];
        if (over > 0) value -= p->audience * p->commitment[k] * over / width;
    }
    return value;
}

double en_war_utility(const en_war_frame *f, const en_war_player *p, const double *x)
{
    double u = 0;
    for (size_t k = 0; k < f->issue_count; k++)
        if (p->weight[k] != 0) u += p->weight[k] * (1 - fabs(x[k] - p->ideal[k]) / width_of(f, k));
    return u;
}

double en_war_audience_cost(const en_war_frame *f, const en_war_player *p, const double *x)
{
    double ac = 0;
    if (!(p->audience > 0)) return 0;
    for (size_t k = 0; k < f->issue_count; k++) {
        double over = fabs(x[k] - p->stated[k]) - f->tolerance[k];
        if (over > 0) ac += p->commitment[k] * over / width_of(f, k);
    }
    return p->audience * ac;
}

/* The logit of the renewal logistic and its slope per unit of x_k. */
static double renewal_logit(const en_war_frame *f, int side, const double *x)
{
    double shift = 0, guarantee = 0;
    for (size_t k = 0; k < f->issue_count; k++) {
        double width = width_of(f, k);
        shift += f->power_shift[k] * (x[k] - f->reference[k]) / width;
        guarantee += f->guarantee[k] * (x[k] - f->low[k]) / width;
    }
    return f->renewal_a0 + side * f->renewal_a1 * shift - f->renewal_a2 * guarantee;
}

static double logistic(double y) { return 1 / (1 + exp(-y)); }

double en_war_renewal_probability(const en_war_frame *f, int side, const double *x)
{
    return logistic(renewal_logit(f, side, x));
}

static double renewal_cost(const en_war_frame *f, const en_war_player *p, const double *x)
{
    if (!(p->renewal_loss > 0) || !p->renewal_side) return 0;
    return p->renewal_loss * en_war_renewal_probability(f, p->renewal_side, x);
}

double en_war_surplus(const en_war_frame *f, size_t i, const double *x)
{
    const en_war_player *p = &f->players[i];
    double v = 0;
    for (size_t k = 0; k < f->issue_count; k++) v += issue_value(f, p, k, x[k]);
    return v - renewal_cost(f, p, x) - p->reservation;
}

static double min_surplus(const en_war_frame *f, const double *x, size_t *argmin)
{
    double best = HUGE_VAL;
    size_t who = 0;
    for (size_t i = 0; i < f->player_count; i++) {
        double s = en_war_surplus(f, i, x);
        if (s < best) best = s, who = i;
    }
    if (argmin) *argmin = who;
    return best;
}

/* ---- workspace ---- */

struct en_war_window_ws {
    double *breaks;   /* per issue: sorted breakpoints (concatenated) */
    size_t *break_at; /* start of issue k's breakpoints; break_at[m] = total */
    double *tableau;  /* rows × cols */
    double *reduced;  /* cols */
    double *value, *lower, *upper; /* cols */
    size_t *basis;    /* rows */
    double *rhs;      /* rows: c_i */
    double *x, *best; /* issues */
    double *dual, *best_dual; /* players: LP dual weight of each veto player's constraint */
    size_t cap_breaks, cap_cells, cap_cols, cap_rows, cap_issues;
    const double *box_low, *box_high; /* en_war_window_box: the packages searched (NULL: the scales) */
};

/* The box of packages the window is searched over: the issue scales, or a sub-box of them
 * (en_war_window_box). The utilities keep measuring distances by the scale's width. */
static double box_lo(const en_war_frame *f, const en_war_window_ws *ws, size_t k)
{
    return ws->box_low ? ws->box_low[k] : f->low[k];
}
static double box_hi(const en_war_frame *f, const en_war_window_ws *ws, size_t k)
{
    return ws->box_high ? ws->box_high[k] : f->high[k];
}

en_war_window_ws *en_war_window_ws_new(void) { return en_xcalloc(1, sizeof(en_war_window_ws)); }

void en_war_window_ws_free(en_war_window_ws *ws)
{
    if (!ws) return;
    en_free(ws->breaks);
    en_free(ws->break_at);
    en_free(ws->tableau);
    en_free(ws->reduced);
    en_free(ws->value);
    en_free(ws->lower);
    en_free(ws->upper);
    en_free(ws->basis);
    en_free(ws->rhs);
    en_free(ws->x);
    en_free(ws->best);
    en_free(ws->dual);
    en_free(ws->best_dual);
    en_free(ws);
}

static void reserve(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return;
    en_free(*p);
    *p = en_xmalloc(need * size);
    *cap = need;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Breakpoints of issue k: the ends of the scale, every player's ideal and, where audience
 * costs apply, stated position ± tolerance; sorted, unique, inside the scale. */
static size_t issue_breaks(const en_war_frame *f, size_t k, double lo, double hi, double *out)
{
    size_t n = 0;
    out[n++] = lo;
    out[n++] = hi;
    for (size_t i = 0; i < f->player_count; i++) {
        const en_war_player *p = &f->players[i];
        if (!(p->weight[k] > 0) && !(p->commitment[k] > 0)) continue;
        double cand[3] = {p->ideal[k], NAN, NAN};
        if (p->audience > 0 && p->commitment[k] > 0) {
            cand[1] = p->stated[k] - f->tolerance[k];
            cand[2] = p->stated[k] + f->tolerance[k];
        }
        for (int c = 0; c < 3; c++)
            if (cand[c] > lo && cand[c] < hi) out[n++] = cand[c];
    }
    qsort(out, n, sizeof *out, compare_double);
    size_t u = 0;
    for (size_t j = 0; j < n; j++)
        if (u == 0 || out[j] > out[u - 1] + 1e-12 * (hi - lo)) out[u++] = out[j];
    return u;
}

/* ---- bounded-variable primal simplex (Bland's rule), maximising variable 0 ---- */

#define LP_EPS 1e-11

/* Tableau rows r: basic var B[r] = value; columns j: T[r][j] = (B^-1 A)_rj. Variables:
 * 0 = s' (s − s_lo), 1..V = δ, V+1..V+n = row slacks. Returns 0 if the iteration cap hit
 * (the current basic feasible point is still valid). */
static int simplex(en_war_window_ws *ws, size_t rows, size_t cols)
{
    double *T = ws->tableau, *d = ws->reduced, *val = ws->value;
    size_t *B = ws->basis;
    size_t cap = 50 * (rows + cols) + 100;
    for (size_t iter = 0; iter < cap; iter++) {
        /* entering: smallest index that improves */
        size_t enter = cols;
        int dir = 0;
        for (size_t j = 0; j < cols; j++) {
            int basic = 0;
            for (size_t r = 0; r < rows && !basic; r++) basic = B[r] == j;
            if (basic) continue;
            int at_lower = val[j] <= ws->lower[j] + LP_EPS;
            int at_upper = val[j] >= ws->upper[j] - LP_EPS;
            if (d[j] > LP_EPS && !at_upper) { enter = j, dir = 1; break; }
            if (d[j] < -LP_EPS && !at_lower) { enter = j, dir = -1; break; }
        }
        if (enter == cols) return 1;
        /* ratio test: the first basic variable to hit a bound, or the entering variable's
         * own bound (a flip); ties go to the smallest variable index (Bland) */
        double theta = ws->upper[enter] - ws->lower[enter];
        size_t leave = rows, leave_var = (size_t)-1;
        for (size_t r = 0; r < rows; r++) {
            double a = T[r * cols + enter];
            if (fabs(a) < LP_EPS) continue;
            double rate = -dir * a; /* change of the basic variable per unit of θ */
            size_t bv = B[r];
            double limit;
            if (rate < 0) limit = (val[bv] - ws->lower[bv]) / -rate;
            else if (isfinite(ws->upper[bv])) limit = (ws->upper[bv] - val[bv]) / rate;
            else continue;
            if (limit < 0) limit = 0;
            if (limit < theta - LP_EPS ||
                (fabs(limit - theta) <= LP_EPS && leave < rows && bv < leave_var)) {
                theta = limit;
                leave = r;
                leave_var = bv;
            }
        }
        if (!isfinite(theta)) return 1; /* unbounded cannot happen: s' is capped by every row */
        val[enter] += dir * theta;
        for (size_t r = 0; r < rows; r++) val[B[r]] -= dir * theta * T[r * cols + enter];
        if (leave == rows) continue; /* bound flip, basis unchanged */
        /* pivot on (leave, enter); the leaving variable sits at the bound it reached */
        size_t out = B[leave];
        double up = ws->upper[out], lo = ws->lower[out];
        val[out] = fabs(val[out] - lo) <= fabs(val[out] - up) ? lo : up;
        double *prow = &T[leave * cols];
        double pivot = prow[enter];
        for (size_t j = 0; j < cols; j++) prow[j] /= pivot;
        for (size_t r = 0; r < rows; r++) {
            if (r == leave) continue;
            double factor = T[r * cols + enter];
            if (factor == 0) continue;
            double *row = &T[r * cols];
            for (size_t j = 0; j < cols; j++) row[j] -= factor * prow[j];
        }
        double factor = d[enter];
        for (size_t j = 0; j < cols; j++) d[j] -= factor * prow[j];
        B[leave] = enter;
    }
    return 0;
}

/* One LP pass with the renewal cost linearised at `at`; writes the package to ws->x. */
static void solve_linearised(const en_war_frame *f, en_war_window_ws *ws, const double *at)
{
    size_t m = f->issue_count, n = f->player_count;
    /* breakpoints */
    size_t max_breaks = m * (3 * n + 2);
    reserve((void **)&ws->breaks, &ws->cap_breaks, max_breaks + 1, sizeof *ws->breaks);
    size_t total = 0;
    for (size_t k = 0; k < m; k++) {
        ws->break_at[k] = total;
        total += issue_breaks(f, k, box_lo(f, ws, k), box_hi(f, ws, k), ws->breaks + total);
    }
    ws->break_at[m] = total;
    size_t segments = total - m; /* each issue has (breaks − 1) segments */
    size_t rows = n, cols = 1 + segments + n;
    reserve((void **)&ws->tableau, &ws->cap_cells, rows * cols, sizeof *ws->tableau);
    if (ws->cap_cols < cols) {
        en_free(ws->reduced), en_free(ws->value), en_free(ws->lower), en_free(ws->upper);
        ws->reduced = en_xmalloc(cols * sizeof(double));
        ws->value = en_xmalloc(cols * sizeof(double));
        ws->lower = en_xmalloc(cols * sizeof(double));
        ws->upper = en_xmalloc(cols * sizeof(double));
        ws->cap_cols = cols;
    }
    if (ws->cap_rows < rows) {
        en_free(ws->basis), en_free(ws->rhs), en_free(ws->dual), en_free(ws->best_dual);
        ws->basis = en_xmalloc(rows * sizeof *ws->basis);
        ws->rhs = en_xmalloc(rows * sizeof *ws->rhs);
        ws->dual = en_xmalloc(rows * sizeof *ws->dual);
        ws->best_dual = en_xmalloc(rows * sizeof *ws->best_dual);
        ws->cap_rows = rows;
    }
    double *T = ws->tableau;
    memset(T, 0, rows * cols * sizeof *T);
    /* Rows: s' − Σ slope δ + t_i = c_i − s_lo. The renewal term R_i is replaced by its tangent
     * at `at`: R_i(at) + L_i σ'(y)·(y(x) − y(at)), linear in x. */
    double s_lo = HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        const en_war_player *p = &f->players[i];
        double c = -p->reservation;
        double r_slope_scale = 0, r_at = 0, y_at = 0;
        if (p->renewal_loss > 0 && p->renewal_side) {
            y_at = renewal_logit(f, p->renewal_side, at);
            double sig = logistic(y_at);
            r_at = p->renewal_loss * sig;
            r_slope_scale = p->renewal_loss * sig * (1 - sig);
        }
        /* c_i = Σ_k g_ik(low_k) − R̃_i(low) − reservation */
        for (size_t k = 0; k < m; k++) c += issue_value(f, p, k, box_lo(f, ws, k));
        if (r_slope_scale > 0) {
            double y_low = renewal_logit(f, p->renewal_side, ws->box_low ? ws->box_low : f->low);
            c -= r_at + r_slope_scale * (y_low - y_at);
        }
        ws->rhs[i] = c;
        if (c < s_lo) s_lo = c;
        size_t col = 1;
        for (size_t k = 0; k < m; k++) {
            double width = width_of(f, k);
            double r_slope = r_slope_scale > 0
                ? r_slope_scale * (p->renewal_side * f->renewal_a1 * f->power_shift[k] -
                                   f->renewal_a2 * f->guarantee[k]) / width
                : 0;
            for (size_t j = ws->break_at[k]; j + 1 < ws->break_at[k + 1]; j++, col++) {
                double a = ws->breaks[j], b = ws->breaks[j + 1];
                double slope = (issue_value(f, p, k, b) - issue_value(f, p, k, a)) / (b - a) - r_slope;
                T[i * cols + col] = -slope;
            }
        }
        T[i * cols + 0] = 1;
        T[i * cols + 1 + segments + i] = 1;
    }
    /* bounds and start point: s' = 0, δ = 0, t_i = c_i − s_lo */
    size_t col = 1;
    ws->lower[0] = 0, ws->upper[0] = HUGE_VAL, ws->value[0] = 0;
    for (size_t k = 0; k < m; k++)
        for (size_t j = ws->break_at[k]; j + 1 < ws->break_at[k + 1]; j++, col++) {
            ws->lower[col] = 0;
            ws->upper[col] = ws->breaks[j + 1] - ws->breaks[j];
            ws->value[col] = 0;
        }
    for (size_t i = 0; i < n; i++) {
        size_t c = 1 + segments + i;
        ws->lower[c] = 0, ws->upper[c] = HUGE_VAL;
        ws->value[c] = ws->rhs[i] - s_lo;
        ws->basis[i] = c;
    }
    /* objective: maximise s'; basic slacks have cost 0, so reduced costs are the costs */
    for (size_t j = 0; j < cols; j++) ws->reduced[j] = 0;
    ws->reduced[0] = 1;
    simplex(ws, rows, cols);
    /* Dual weights: at the optimum the reduced cost of row i's slack is −λ_i, where λ (>= 0,
     * summing to 1) weighs how much each player's demand holds the window down. */
    for (size_t i = 0; i < n; i++) {
        double lambda = -ws->reduced[1 + segments + i];
        ws->dual[i] = lambda > 0 ? lambda : 0;
    }
    col = 1;
    for (size_t k = 0; k < m; k++) {
        double x = box_lo(f, ws, k);
        for (size_t j = ws->break_at[k]; j + 1 < ws->break_at[k + 1]; j++, col++) x += ws->value[col];
        if (x > box_hi(f, ws, k)) x = box_hi(f, ws, k);
        ws->x[k] = x;
    }
}

double en_war_window(const en_war_frame *f, en_war_window_ws *ws, double *package,
                     size_t *binding)
{
    size_t m = f->issue_count;
    if (ws->cap_issues < m + 1) {
        en_free(ws->x), en_free(ws->best), en_free(ws->break_at);
        ws->x = en_xmalloc((m + 1) * sizeof *ws->x);
        ws->best = en_xmalloc((m + 1) * sizeof *ws->best);
        ws->break_at = en_xmalloc((m + 1) * sizeof *ws->break_at);
        ws->cap_issues = m + 1;
    }
    if (f->player_count == 0) {
        for (size_t k = 0; k < m; k++) package[k] = 0.5 * (box_lo(f, ws, k) + box_hi(f, ws, k));
        if (binding) *binding = 0;
        return HUGE_VAL;
    }
    int nonlinear = 0;
    for (size_t i = 0; i < f->player_count; i++)
        nonlinear |= f->players[i].renewal_loss > 0 && f->players[i].renewal_side != 0;
    /* first linearisation point: the middle of the box */
    for (size_t k = 0; k < m; k++) ws->best[k] = 0.5 * (box_lo(f, ws, k) + box_hi(f, ws, k));
    double best = -HUGE_VAL;
    int have = 0;
    int passes = nonlinear ? 4 : 1;
    for (int pass = 0; pass < passes; pass++) {
        solve_linearised(f, ws, ws->best);
        double s = min_surplus(f, ws->x, NULL);
        if (!have || s > best + 1e-13) {
            best = s;
            memcpy(ws->best, ws->x, m * sizeof *ws->x);
            memcpy(ws->best_dual, ws->dual, f->player_count * sizeof *ws->dual);
            have = 1;
        } else {
            break; /* the linearisation stopped improving */
        }
    }
    memcpy(package, ws->best, m * sizeof *package);
    size_t who = 0;
    double s = min_surplus(f, package, &who);
    /* The maximin equalises the binding surpluses, so the argmin is a tie broken by order;
     * the player with the largest dual weight is the one whose demand binds most. */
    double top = 0;
    for (size_t i = 0; i < f->player_count; i++)
        if (ws->best_dual[i] > top + 1e-12) top = ws->best_dual[i], who = i;
    if (binding) *binding = who;
    return s;
}

double en_war_window_box(const en_war_frame *f, const double *box_low, const double *box_high,
                         en_war_window_ws *ws, double *package, size_t *binding)
{
    for (size_t k = 0; k < f->issue_count; k++)
        if (!(box_low[k] >= f->low[k] && box_high[k] <= f->high[k] && box_low[k] <= box_high[k])) return -HUGE_VAL;
    ws->box_low = box_low, ws->box_high = box_high;
    double s = en_war_window(f, ws, package, binding);
    ws->box_low = ws->box_high = NULL;
    return s;
}

const double *en_war_window_duals(const en_war_window_ws *ws) { return ws->best_dual; }

/* ---- the window around a package ---- */

static double surplus_with(const en_war_frame *f, double *x, size_t k, double value)
{
    double keep = x[k];
    x[k] = value;
    double s = min_surplus(f, x, NULL);
    x[k] = keep;
    return s;
}

/* Walks from `inside` (min surplus >= 0) toward `edge` and returns the last point found with
 * min surplus >= 0 (bisection, 60 halvings: below 1e-15 of the scale). */
static double edge_of(const en_war_frame *f, double *x, size_t k, double inside, double edge)
{
    if (surplus_with(f, x, k, edge) >= 0) return edge;
    double good = inside, bad = edge;
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (good + bad);
        if (surplus_with(f, x, k, mid) >= 0) good = mid;
        else bad = mid;
    }
    return good;
}

void en_war_window_slice(const en_war_frame *f, const double *package, size_t k, double *low,
                         double *high)
{
    double *x = en_xmalloc((f->issue_count + 1) * sizeof *x);
    memcpy(x, package, f->issue_count * sizeof *x);
    if (min_surplus(f, x, NULL) < 0) { /* not in the window: the slice is the point itself */
        *low = *high = package[k];
    } else {
        *low = edge_of(f, x, k, package[k], f->low[k]);
        *high = edge_of(f, x, k, package[k], f->high[k]);
    }
    en_free(x);
}

void en_war_pull_into_window(const en_war_frame *f, const double *inside, double *target)
{
    size_t m = f->issue_count;
    if (min_surplus(f, target, NULL) >= 0) return;
    double *x = en_xmalloc((m + 1) * sizeof *x);
    double good = 0, bad = 1;
    for (int it = 0; it < 60; it++) {
        double t = 0.5 * (good + bad);
        for (size_t k = 0; k < m; k++) x[k] = inside[k] + t * (target[k] - inside[k]);
        if (min_surplus(f, x, NULL) >= 0) good = t;
        else bad = t;
    }
    for (size_t k = 0; k < m; k++) target[k] = inside[k] + good * (target[k] - inside[k]);
    en_free(x);
}
