/*
 * acceptance.c — the forecast's acceptance step (docs/models/forecast.md): does each veto player
 * prefer a package to no agreement, judged on the issues it vetoes (Tsebelis 2002: the win-set
 * of the status quo), with the cost of moving away from its public stance (Fearon 1994; Tomz
 * 2007); the package that leaves the worst-off veto player best off (is the win-set empty?);
 * the mediator's proposal (Raiffa 1982: the single negotiating text moved until all accept);
 * and the smallest change of a package that wins one blocker over.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/forecast_internal.h"
#include "core/result.h"
#include "core/oom.h"
#include "core/util.h"

/* A player accepts a package it strictly prefers to no agreement: surplus > FC_ACCEPT_TOL.
 * The smallest change aims FC_MARGIN past indifference so that the changed package is accepted. */
#define FC_ACCEPT_TOL 1e-12
#define FC_MARGIN 1e-9

/* ---- frame ---- */

void fc_frame_init(fc_frame *f, const en_scenario *raw, const double *preference, double audience_cost)
{
    memset(f, 0, sizeof *f);
    size_t ni = raw->issue_count;
    f->issue_count = ni;
    double *low = en_xcalloc(ni ? ni : 1, sizeof *low), *high = en_xcalloc(ni ? ni : 1, sizeof *high);
    for (size_t k = 0; k < ni; k++) low[k] = raw->issues[k].scale_min, high[k] = raw->issues[k].scale_max;
    f->low = low, f->high = high;
    f->no_agreement = en_xcalloc(ni ? ni : 1, sizeof *f->no_agreement);
    f->players = en_xcalloc(raw->actor_count ? raw->actor_count : 1, sizeof *f->players);
    for (size_t a = 0; a < raw->actor_count; a++) {
        const en_actor *actor = &raw->actors[a];
        int any = 0;
        for (size_t k = 0; k < ni; k++) any |= actor->veto[k] && actor->stances[k].present;
        if (!any) continue;
        fc_player *p = &f->players[f->player_count++];
        p->actor = a;
        p->weight = en_xcalloc(ni ? ni : 1, sizeof(double));
        p->ideal = en_xcalloc(ni ? ni : 1, sizeof(double));
        p->audience = en_xcalloc(ni ? ni : 1, sizeof(double));
        p->stated = en_xcalloc(ni ? ni : 1, sizeof(double));
        p->reach = en_xcalloc(ni ? ni : 1, sizeof(double));
        p->free_band = en_xcalloc(ni ? ni : 1, sizeof(double));
    }
    fc_frame_update(f, raw, preference, audience_cost);
}

void fc_frame_update(fc_frame *f, const en_scenario *raw, const double *preference, double audience_cost)
{
    size_t ni = f->issue_count;
    for (size_t k = 0; k < ni; k++) {
        const en_issue *issue = &raw->issues[k];
        f->no_agreement[k] = issue->has_status_quo ? issue->status_quo.value : NAN;
    }
    for (size_t q = 0; q < f->player_count; q++) {
        fc_player *p = &f->players[q];
        const en_actor *actor = &raw->actors[p->actor];
        for (size_t k = 0; k < ni; k++) {
            const en_stance *st = &actor->stances[k];
            p->weight[k] = p->ideal[k] = p->audience[k] = p->stated[k] = p->reach[k] = p->free_band[k] = 0;
            if (!actor->veto[k] || !st->present) continue;
            double x = preference ? preference[p->actor * ni + k] : st->position.value;
            p->weight[k] = st->salience.value;
            p->ideal[k] = x;
            p->stated[k] = st->has_public ? st->public_position.value : x;
            p->audience[k] = st->has_public ? audience_cost * st->salience.value : 0;
            double q0 = f->no_agreement[k];
            /* No status quo: no agreement leaves the issue open, which the player values as the
             * worst outcome of the scale (as the Nash baseline's `worst` disagreement point). */
            p->reach[k] = isnan(q0) ? fmax(x - f->low[k], f->high[k] - x) : fabs(q0 - x);
            double pi = p->stated[k];
            p->free_band[k] = isnan(q0) ? fmax(pi - f->low[k], f->high[k] - pi) : fabs(q0 - pi);
        }
    }
}

void fc_frame_free(fc_frame *f)
{
    for (size_t q = 0; q < f->player_count; q++) {
        fc_player *p = &f->players[q];
        en_free(p->weight);
        en_free(p->ideal);
        en_free(p->audience);
        en_free(p->stated);
        en_free(p->reach);
        en_free(p->free_band);
    }
    en_free(f->players);
    en_free((void *)f->low);
    en_free((void *)f->high);
    en_free(f->no_agreement);
    memset(f, 0, sizeof *f);
}

double fc_surplus(const fc_frame *f, size_t q, const double *y)
{
    const fc_player *p = &f->players[q];
    double s = 0;
    for (size_t k = 0; k < f->issue_count; k++) {
        if (p->weight[k] == 0 && p->audience[k] == 0) continue;
        double width = f->high[k] - f->low[k];
        s += p->weight[k] * (p->reach[k] - fabs(y[k] - p->ideal[k])) / width;
        if (p->audience[k] != 0) s -= p->audience[k] * fmax(0, fabs(y[k] - p->stated[k]) - p->free_band[k]) / width;
    }
    return s;
}

static double min_surplus(const fc_frame *f, const double *y)
{
    double m = INFINITY;
    for (size_t q = 0; q < f->player_count; q++) {
        double s = fc_surplus(f, q, y);
        if (s < m) m = s;
    }
    return m;
}

/* Slope of player q's surplus in issue k's normalised coordinate at a point strictly inside a
 * segment without kinks (mid), moving up. */
static double slope_up(const fc_player *p, size_t k, double mid)
{
    double g = 0;
    if (p->weight[k] != 0) g += mid < p->ideal[k] ? p->weight[k] : -p->weight[k];
    if (p->audience[k] != 0) {
        if (mid > p->stated[k] + p->free_band[k]) g -= p->audience[k];
        else if (mid < p->stated[k] - p->free_band[k]) g += p->audience[k];
    }
    return g;
}

/* ---- the maximin linear programme ---- */

struct fc_lp {
    double *a;          /* rows × cols, row-major */
    double *value, *lo, *hi, *cost;
    int *at_upper, *is_basic;
    size_t *basis;
    double *breaks;     /* per issue: sorted breakpoints */
    size_t *break_start, *break_count;
    size_t *seg_issue;  /* per segment column */
    double *seg_low;    /* y at the segment's start */
    size_t capacity_a, capacity_cols, capacity_breaks, capacity_issues, capacity_rows;
};

fc_lp *fc_lp_new(void) { return en_xcalloc(1, sizeof(fc_lp)); }

void fc_lp_free(fc_lp *lp)
{
    if (!lp) return;
    en_free(lp->a);
    en_free(lp->value);
    en_free(lp->lo);
    en_free(lp->hi);
    en_free(lp->cost);
    en_free(lp->at_upper);
    en_free(lp->is_basic);
    en_free(lp->basis);
    en_free(lp->breaks);
    en_free(lp->break_start);
    en_free(lp->break_count);
    en_free(lp->seg_issue);
    en_free(lp->seg_low);
    en_free(lp);
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Grows the workspace to hold `rows` × `cols`, `breaks` breakpoints and `issues` issues. */
static void ensure(fc_lp *lp, size_t rows, size_t cols, size_t breaks, size_t issues)
{
    if (rows * cols > lp->capacity_a) {
        en_free(lp->a);
        lp->a = en_xcalloc(rows * cols, sizeof *lp->a);
        lp->capacity_a = rows * cols;
    }
    if (cols > lp->capacity_cols) {
        en_free(lp->value), en_free(lp->lo), en_free(lp->hi), en_free(lp->cost);
        en_free(lp->at_upper), en_free(lp->is_basic), en_free(lp->seg_issue), en_free(lp->seg_low);
        lp->value = en_xcalloc(cols, sizeof(double));
        lp->lo = en_xcalloc(cols, sizeof(double));
        lp->hi = en_xcalloc(cols, sizeof(double));
        lp->cost = en_xcalloc(cols, sizeof(double));
        lp->at_upper = en_xcalloc(cols, sizeof(int));
        lp->is_basic = en_xcalloc(cols, sizeof(int));
        lp->seg_issue = en_xcalloc(cols, sizeof(size_t));
        lp->seg_low = en_xcalloc(cols, sizeof(double));
        lp->capacity_cols = cols;
    }
    if (rows > lp->capacity_rows) {
        en_free(lp->basis);
        lp->basis = en_xcalloc(rows, sizeof(size_t));
        lp->capacity_rows = rows;
    }
    if (breaks > lp->capacity_breaks) {
        en_free(lp->breaks);
        lp->breaks = en_xcalloc(breaks, sizeof(double));
        lp->capacity_breaks = breaks;
    }
    if (issues > lp->capacity_issues) {
        en_free(lp->break_start), en_free(lp->break_count);
        lp->break_start = en_xcalloc(issues, sizeof(size_t));
        lp->break_count = en_xcalloc(issues, sizeof(size_t));
        lp->capacity_issues = issues;
    }
}

double fc_maximin(const fc_frame *f, fc_lp *lp, double *package)
{
    size_t ni = f->issue_count, np = f->player_count;
    if (np == 0) {
        for (size_t k = 0; k < ni; k++) package[k] = 0.5 * (f->low[k] + f->high[k]);
        return INFINITY;
    }
    /* Breakpoints of every player on every issue. */
    size_t max_breaks = ni * (3 * np + 2);
    ensure(lp, 0, 0, max_breaks, ni);
    size_t used = 0, segments = 0;
    for (size_t k = 0; k < ni; k++) {
        double *b = lp->breaks + used;
        size_t n = 0;
        b[n++] = f->low[k];
        b[n++] = f->high[k];
        for (size_t q = 0; q < np; q++) {
            const fc_player *p = &f->players[q];
            if (p->weight[k] != 0 && p->ideal[k] > f->low[k] && p->ideal[k] < f->high[k]) b[n++] = p->ideal[k];
            if (p->audience[k] != 0)
                for (int side = -1; side <= 1; side += 2) {
                    double kink = p->stated[k] + side * p->free_band[k];
                    if (kink > f->low[k] && kink < f->high[k]) b[n++] = kink;
                }
        }
        qsort(b, n, sizeof *b, by_double);
        size_t m = 1;
        for (size_t j = 1; j < n; j++)
            if (b[j] > b[m - 1]) b[m++] = b[j];
        lp->break_start[k] = used;
        lp->break_count[k] = m;
        used += m;
        segments += m - 1;
    }
    size_t rows = np, cols = 1 + segments + np;
    ensure(lp, rows, cols, 0, 0);
    double *A = lp->a;
    memset(A, 0, rows * cols * sizeof *A);
    /* Surpluses at the lower corner, and the segment columns. */
    double *corner = package; /* scratch: the lower corner */
    for (size_t k = 0; k < ni; k++) corner[k] = f->low[k];
    double big = 1;
    size_t col = 1;
    for (size_t k = 0; k < ni; k++) {
        const double *b = lp->breaks + lp->break_start[k];
        double width = f->high[k] - f->low[k];
        for (size_t j = 0; j + 1 < lp->break_count[k]; j++, col++) {
            double mid = 0.5 * (b[j] + b[j + 1]);
            lp->seg_issue[col] = k;
            lp->seg_low[col] = b[j];
            lp->lo[col] = 0;
            lp->hi[col] = (b[j + 1] - b[j]) / width;
            for (size_t q = 0; q < np; q++) {
                double g = slope_up(&f->players[q], k, mid);
                A[q * cols + col] = -g;
                big += fabs(g) * lp->hi[col];
            }
        }
    }
    for (size_t q = 0; q < np; q++) big += fabs(fc_surplus(f, q, corner));
    /* t: column 0, in [−big, big]; slacks: the last np columns. */
    lp->lo[0] = -big, lp->hi[0] = big;
    for (size_t c = 0; c < cols; c++) lp->cost[c] = 0, lp->at_upper[c] = 0, lp->is_basic[c] = 0;
    lp->cost[0] = 1;
    for (size_t c = 0; c + np < cols; c++) lp->value[c] = lp->lo[c];
    for (size_t q = 0; q < np; q++) {
        size_t s = 1 + segments + q;
        A[q * cols + 0] = 1;
        A[q * cols + s] = 1;
        lp->lo[s] = 0, lp->hi[s] = INFINITY;
        lp->basis[q] = s;
        lp->is_basic[s] = 1;
        lp->value[s] = fc_surplus(f, q, corner) + big; /* = C_q − t with t = −big */
    }
    /* Bounded-variable primal simplex, Bland's rule (no cycling; the programme is small). */
    const double eps = 1e-12;
    size_t limit = 50 * (rows + cols);
    for (size_t iter = 0; iter < limit; iter++) {
        long enter = -1;
        double sigma = 0;
        /* Only t (column 0) has a cost, 1: the reduced cost cost_c − Σ_q cost_basis(q)·A_qc has
         * one term that is not an exact zero, in t's row if t is basic (the zero terms leave
         * the difference's bits as they are). */
        long t_row = -1;
        for (size_t q = 0; q < rows; q++)
            if (lp->cost[lp->basis[q]] != 0) t_row = (long)q;
        for (size_t c = 0; c < cols; c++) {
            if (lp->is_basic[c]) continue;
            double d = lp->cost[c];
            if (t_row >= 0) d -= lp->cost[lp->basis[t_row]] * A[(size_t)t_row * cols + c];
            if (!lp->at_upper[c] && d > eps && lp->hi[c] > lp->lo[c]) { enter = (long)c, sigma = 1; break; }
            if (lp->at_upper[c] && d < -eps) { enter = (long)c, sigma = -1; break; }
        }
        if (enter < 0) break;
        size_t j = (size_t)enter;
        double theta = lp->hi[j] - lp->lo[j];
        long leave = -1;
        int leave_upper = 0;
        for (size_t q = 0; q < rows; q++) {
            double alpha = sigma * A[q * cols + j];
            size_t b = lp->basis[q];
            double room;
            int to_upper;
            if (alpha > eps) room = (lp->value[b] - lp->lo[b]) / alpha, to_upper = 0;
            else if (alpha < -eps && isfinite(lp->hi[b])) room = (lp->hi[b] - lp->value[b]) / -alpha, to_upper = 1;
            else continue;
            if (room < 0) room = 0;
            if (room < theta || (leave >= 0 && room == theta && b < lp->basis[leave])) {
                theta = room, leave = (long)q, leave_upper = to_upper;
            }
        }
        lp->value[j] += sigma * theta;
        for (size_t q = 0; q < rows; q++) lp->value[lp->basis[q]] -= sigma * A[q * cols + j] * theta;
        if (leave < 0) {
            lp->at_upper[j] = !lp->at_upper[j];
            lp->value[j] = lp->at_upper[j] ? lp->hi[j] : lp->lo[j];
            continue;
        }
        size_t r = (size_t)leave, out = lp->basis[r];
        lp->value[out] = leave_upper ? lp->hi[out] : lp->lo[out];
        lp->at_upper[out] = leave_upper;
        lp->is_basic[out] = 0;
        lp->is_basic[j] = 1;
        lp->basis[r] = j;
        double pivot = A[r * cols + j];
        for (size_t c = 0; c < cols; c++) A[r * cols + c] /= pivot;
        for (size_t q = 0; q < rows; q++) {
            if (q == r) continue;
            double factor = A[q * cols + j];
            if (factor == 0) continue;
            for (size_t c = 0; c < cols; c++) A[q * cols + c] -= factor * A[r * cols + c];
        }
    }
    /* The package from the segment variables, clamped; the exact smallest surplus there. */
    for (size_t k = 0; k < ni; k++) package[k] = f->low[k];
    for (size_t c = 1; c <= segments; c++) {
        size_t k = lp->seg_issue[c];
        double d = lp->value[c];
        if (d < 0) d = 0;
        if (d > lp->hi[c]) d = lp->hi[c];
        package[k] += d * (f->high[k] - f->low[k]);
    }
    for (size_t k = 0; k < ni; k++) {
        if (package[k] < f->low[k]) package[k] = f->low[k];
        if (package[k] > f->high[k]) package[k] = f->high[k];
    }
    return min_surplus(f, package);
}

/* ---- the win-set's certificates ---- */

void fc_hints_init(fc_hints *h, size_t issue_count)
{
    h->issue_count = issue_count;
    h->count = 0;
    /* one more row: the scratch of hints_front */
    h->package = en_xcalloc((FC_HINTS + 1) * issue_count + 1, sizeof *h->package);
}

void fc_hints_free(fc_hints *h)
{
    en_free(h->package);
    memset(h, 0, sizeof *h);
}

/* Moves hint `from` to the front, or (from == count) puts `package` there, dropping the last
 * one when all FC_HINTS places are taken. */
static void hints_front(fc_hints *h, size_t from, const double *package)
{
    size_t ni = h->issue_count;
    double *keep = h->package + FC_HINTS * ni;
    if (from < h->count) memcpy(keep, h->package + from * ni, ni * sizeof *keep);
    else {
        memcpy(keep, package, ni * sizeof *keep);
        if (h->count < FC_HINTS) h->count++;
        from = h->count - 1;
    }
    memmove(h->package + ni, h->package, from * ni * sizeof *keep);
    memcpy(h->package, keep, ni * sizeof *keep);
}

void fc_hints_add(fc_hints *h, const double *package) { hints_front(h, h->count, package); }

/* Every player's surplus from y above FC_WINSET_SURE (stops at the first that is not). */
static int all_sure(const fc_frame *f, const double *y)
{
    for (size_t q = 0; q < f->player_count; q++)
        if (!(fc_surplus(f, q, y) > FC_WINSET_SURE)) return 0;
    return 1;
}

int fc_winset_nonempty(const fc_frame *f, fc_lp *lp, fc_hints *hints, double *package)
{
    /* A package every veto player takes with a surplus above FC_WINSET_SURE proves the win-set
     * not empty, and the simplex says so too: its optimum is at least that package's smallest
     * surplus, and its own package loses to rounding some 1e-15 of it, far less than the
     * margin between FC_WINSET_SURE and the acceptance threshold. */
    if (hints && f->player_count > 0)
        for (size_t k = 0; k < hints->count; k++)
            if (all_sure(f, hints->package + k * hints->issue_count)) {
                if (k > 0) hints_front(hints, k, NULL);
                return 1;
            }
    double best = fc_maximin(f, lp, package);
    if (hints && best > FC_WINSET_SURE) fc_hints_add(hints, package);
    return best > FC_ACCEPT_TOL;
}

void fc_pull_into_winset(const fc_frame *f, const double *from, const double *inside, double *out)
{
    size_t ni = f->issue_count;
    if (min_surplus(f, from) > FC_ACCEPT_TOL) {
        memcpy(out, from, ni * sizeof *out);
        return;
    }
    double lo = 0, hi = 1;
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        for (size_t k = 0; k < ni; k++) out[k] = from[k] + mid * (inside[k] - from[k]);
        if (min_surplus(f, out) > FC_ACCEPT_TOL) hi = mid;
        else lo = mid;
    }
    for (size_t k = 0; k < ni; k++) out[k] = from[k] + hi * (inside[k] - from[k]);
}

/* ---- the smallest change that wins one player over ---- */

typedef struct piece {
    size_t issue;
    int direction;   /* +1 up, −1 down */
    double start;    /* distance from y (normalised) where the piece starts */
    double length;   /* normalised */
    double slope;    /* surplus gained per normalised unit */
} piece;

static int by_slope(const void *a, const void *b)
{
    const piece *x = a, *y = b;
    if (x->slope != y->slope) return x->slope > y->slope ? -1 : 1;
    if (x->issue != y->issue) return x->issue < y->issue ? -1 : 1;
    if (x->direction != y->direction) return x->direction < y->direction ? -1 : 1;
    return (x->start > y->start) - (x->start < y->start);
}

int fc_smallest_change(const fc_frame *f, size_t q, const double *y, double *out)
{
    size_t ni = f->issue_count;
    const fc_player *p = &f->players[q];
    memcpy(out, y, ni * sizeof *out);
    if (fc_surplus(f, q, y) > FC_ACCEPT_TOL) return 1;
    double deficit = FC_MARGIN - fc_surplus(f, q, y);
    piece *pieces = en_xcalloc(ni * 8 + 1, sizeof *pieces);
    size_t count = 0;
    for (size_t k = 0; k < ni; k++) {
        if (p->weight[k] == 0 && p->audience[k] == 0) continue;
        double width = f->high[k] - f->low[k];
        double kinks[5] = {f->low[k], f->high[k], p->ideal[k], p->stated[k] - p->free_band[k], p->stated[k] + p->free_band[k]};
        if (p->audience[k] == 0) kinks[3] = kinks[4] = p->ideal[k];
        qsort(kinks, 5, sizeof kinks[0], by_double);
        for (int dir = -1; dir <= 1; dir += 2) {
            double at = y[k];
            for (;;) {
                double next = dir > 0 ? INFINITY : -INFINITY;
                for (int m = 0; m < 5; m++) {
                    if (dir > 0 && kinks[m] > at && kinks[m] < next) next = kinks[m];
                    if (dir < 0 && kinks[m] < at && kinks[m] > next) next = kinks[m];
                }
                if (!isfinite(next)) break;
                double mid = 0.5 * (at + next);
                double g = dir * slope_up(p, k, mid);
                if (g <= 0) break;
                piece *pc = &pieces[count++];
                pc->issue = k, pc->direction = dir, pc->slope = g;
                pc->start = fabs(at - y[k]) / width;
                pc->length = fabs(next - at) / width;
                at = next;
            }
        }
    }
    qsort(pieces, count, sizeof *pieces, by_slope);
    for (size_t c = 0; c < count && deficit > 0; c++) {
        piece *pc = &pieces[c];
        double width = f->high[pc->issue] - f->low[pc->issue];
        double take = pc->length;
        if (pc->slope * take >= deficit) take = deficit / pc->slope;
        out[pc->issue] += pc->direction * take * width;
        deficit -= pc->slope * take;
    }
    en_free(pieces);
    for (size_t k = 0; k < ni; k++) {
        if (out[k] < f->low[k]) out[k] = f->low[k];
        if (out[k] > f->high[k]) out[k] = f->high[k];
    }
    return fc_surplus(f, q, out) > FC_ACCEPT_TOL;
}

static en_status veto_rejections(const en_scenario *s, const en_result *result, double patron_weight,
                                 double audience_cost, char *out, size_t size, size_t *found)
{
    size_t ni = s->issue_count;
    double *preference = en_xcalloc(s->actor_count * ni + 1, sizeof *preference);
    en_scenario *eff = en_scenario_clone(s);
    fc_effective(s, patron_weight, audience_cost, eff, preference);
    en_scenario_free(eff);
    fc_frame f;
    fc_frame_init(&f, s, preference, audience_cost);
    double *package = en_xcalloc(ni + 1, sizeof *package);
    for (size_t k = 0; k < ni; k++) {
        const en_issue *issue = &s->issues[k];
        package[k] = issue->has_status_quo ? issue->status_quo.value : NAN;
    }
    for (size_t j = 0; j < result->issue_count; j++) package[result->issues[j].issue] = result->issues[j].forecast;
    size_t count = 0, used = 0;
    if (size) out[0] = '\0';
    for (size_t q = 0; q < f.player_count; q++) {
        /* An issue with neither a forecast nor a status quo leaves the player where it would be
         * without agreement there. */
        double *y = en_xcalloc(ni + 1, sizeof *y);
        for (size_t k = 0; k < ni; k++) y[k] = isnan(package[k]) ? f.players[q].ideal[k] : package[k];
        if (fc_surplus(&f, q, y) <= FC_ACCEPT_TOL) {
            const char *id = s->actors[f.players[q].actor].id;
            int n = snprintf(out + used, used < size ? size - used : 0, "%s%s", count ? ", " : "", id);
            if (n > 0) used += (size_t)n;
            count++;
        }
        en_free(y);
    }
    en_free(package);
    fc_frame_free(&f);
    en_free(preference);
    *found = count;
    return EN_OK;
}

/* Under an out-of-memory guard (core/oom.h): the preference table, the effective scenario and
 * the frame are released when memory runs out, and `out` is left empty. */
en_status en_veto_rejections_checked(const en_scenario *s, const en_result *result,
                                     double patron_weight, double audience_cost, char *out,
                                     size_t size, size_t *count, en_error *err)
{
    en_status st;
    *count = 0;
    EN_GUARDED(st, err, (size ? (void)(out[0] = '\0') : (void)0),
               veto_rejections(s, result, patron_weight, audience_cost, out, size, count));
    return st;
}

size_t en_veto_rejections(const en_scenario *s, const en_result *result, double patron_weight,
                          double audience_cost, char *out, size_t size)
{
    size_t count = 0;
    if (en_veto_rejections_checked(s, result, patron_weight, audience_cost, out, size, &count, NULL) != EN_OK)
        return (size_t)-1;
    return count;
}
