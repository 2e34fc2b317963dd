/*
 * result.c — building and reading run results: per-issue traces of positions, the round
 * statistics every model shares (weighted mean and median), stop reasons and story lines.
 */
#include "core/result.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core/util.h"

en_result *en_result_new(const en_scenario *scenario, const en_model *model,
                         const en_params *params)
{
    en_result *r = en_xcalloc(1, sizeof *r);
    r->scenario = scenario;
    r->model = model;
    r->params = params ? en_params_copy(params) : en_params_new();
    return r;
}

size_t en_result_add_issue(en_result *r, size_t issue)
{
    const en_scenario *s = r->scenario;
    r->issues = en_xrealloc(r->issues, (r->issue_count + 1) * sizeof *r->issues);
    en_issue_result *ir = &r->issues[r->issue_count];
    memset(ir, 0, sizeof *ir);
    ir->issue = issue;
    ir->participants = en_xcalloc(s->actor_count, sizeof *ir->participants);
    ir->weights = en_xcalloc(s->actor_count, sizeof *ir->weights);
    for (size_t a = 0; a < s->actor_count; a++) {
        if (!s->actors[a].stances[issue].present) continue;
        ir->participants[ir->participant_count] = a;
        ir->weights[ir->participant_count] = en_scenario_weight(s, a, issue);
        ir->participant_count++;
    }
    snprintf(ir->stop_reason, sizeof ir->stop_reason, "%s", "rounds");
    return r->issue_count++;
}

en_round *en_result_add_round(en_result *r, size_t index, const double *positions)
{
    en_issue_result *ir = &r->issues[index];
    EN_GROW(ir->rounds, ir->round_capacity, ir->round_count + 1);
    size_t n = ir->participant_count, stride = n ? n : 1;
    if (ir->round_count + 1 > ir->position_capacity) {
        size_t capacity = ir->position_capacity ? 2 * ir->position_capacity : 16;
        /* positions may be an earlier round's (a caller repeating it): keep it readable */
        uintptr_t old = (uintptr_t)ir->position_store, at = (uintptr_t)positions;
        int inside = old && at >= old && at < old + ir->round_count * stride * sizeof(double);
        size_t offset = inside ? (at - old) / sizeof(double) : 0;
        ir->position_store = en_xrealloc(ir->position_store, capacity * stride * sizeof(double));
        if (inside) positions = ir->position_store + offset;
        ir->position_capacity = capacity;
        for (size_t k = 0; k < ir->round_count; k++)
            ir->rounds[k].positions = ir->position_store + k * stride;
    }
    en_round *round = &ir->rounds[ir->round_count];
    memset(round, 0, sizeof *round);
    round->round = (int)ir->round_count;
    round->positions = ir->position_store + ir->round_count * stride;
    if (n) memcpy(round->positions, positions, n * sizeof *positions);
    round->mean = en_weighted_mean(positions, ir->weights, n);
    round->median = en_weighted_median(positions, ir->weights, n);
    ir->round_count++;
    return round;
}

void en_result_finish_issue(en_result *r, size_t index, double forecast, const char *stop_reason)
{
    en_issue_result *ir = &r->issues[index];
    ir->forecast = forecast;
    snprintf(ir->stop_reason, sizeof ir->stop_reason, "%s", stop_reason ? stop_reason : "rounds");
}

void en_result_say(en_result *r, int round, long issue, const char *format, ...)
{
    EN_GROW(r->story, r->story_capacity, r->story_count + 1);
    en_story_line *line = &r->story[r->story_count++];
    line->round = round;
    line->issue = issue;
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(NULL, 0, format, ap);
    va_end(ap);
    line->text = en_xmalloc((size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, format);
    vsnprintf(line->text, (size_t)(n > 0 ? n : 0) + 1, format, ap);
    va_end(ap);
}

en_node *en_round_extra(en_round *round)
{
    if (!round->extra) round->extra = en_node_new(EN_NODE_OBJECT);
    return round->extra;
}

en_node *en_issue_result_extra(en_issue_result *issue)
{
    if (!issue->extra) issue->extra = en_node_new(EN_NODE_OBJECT);
    return issue->extra;
}

en_node *en_result_extra(en_result *r)
{
    if (!r->extra) r->extra = en_node_new(EN_NODE_OBJECT);
    return r->extra;
}

void en_result_free(en_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->issue_count; i++) {
        en_issue_result *ir = &r->issues[i];
        for (size_t k = 0; k < ir->round_count; k++) en_node_free(ir->rounds[k].extra);
        en_free(ir->position_store);
        en_free(ir->rounds);
        en_free(ir->participants);
        en_free(ir->weights);
        en_node_free(ir->extra);
    }
    for (size_t i = 0; i < r->story_count; i++) en_free(r->story[i].text);
    en_free(r->story);
    en_free(r->issues);
    en_node_free(r->extra);
    en_params_free(r->params);
    en_free(r);
}

/* ---- statistics ---- */

double en_weighted_mean(const double *x, const double *w, size_t n)
{
    if (n == 0) return 0;
    double top = 0, bottom = 0;
    for (size_t k = 0; k < n; k++) {
        top += w[k] * x[k];
        bottom += w[k];
    }
    if (bottom > 0) return top / bottom;
    double sum = 0;
    for (size_t k = 0; k < n; k++) sum += x[k];
    return sum / (double)n;
}

typedef struct {
    double x, w;
} weighted_point;

static int by_position(const void *a, const void *b)
{
    double xa = ((const weighted_point *)a)->x, xb = ((const weighted_point *)b)->x;
    return (xa > xb) - (xa < xb);
}

double en_weighted_median(const double *x, const double *w, size_t n)
{
    if (n == 0) return 0;
    double total = 0;
    for (size_t k = 0; k < n; k++) total += w[k];
    int unweighted = !(total > 0);
    /* Called for every round of every issue (Monte Carlo runs: millions of times on issues of
     * a few actors), so small issues sort on the stack by insertion. */
    weighted_point small[32];
    weighted_point *points = n <= 32 ? small : en_xmalloc(n * sizeof *points);
    for (size_t k = 0; k < n; k++) {
        points[k].x = x[k];
        points[k].w = unweighted ? 1.0 : w[k];
    }
    if (unweighted) total = (double)n;
    if (n <= 32) {
        for (size_t a = 1; a < n; a++) {
            weighted_point v = points[a];
            size_t b = a;
            for (; b > 0 && by_position(&points[b - 1], &v) > 0; b--) points[b] = points[b - 1];
            points[b] = v;
        }
    } else {
        qsort(points, n, sizeof *points, by_position);
    }
    /* F(p) = Σ w|x − p| is minimised where the cumulative weight first reaches half the total.
     * If it reaches exactly half at a position, F is flat up to the next position: a tie. */
    double cumulative = 0, half = total / 2;
    double median = 0; /* set at k = n − 1 at the latest: the last position is the fallback */
    for (size_t k = 0; k < n; k++) {
        cumulative += points[k].w;
        if (k + 1 < n && points[k + 1].x == points[k].x) continue;
        if (cumulative < half && k + 1 < n) continue;
        median = points[k].x;
        if (cumulative == half) {
            size_t next = k + 1;
            while (next < n && points[next].w == 0) next++;
            if (next < n) {
                double mean = en_weighted_mean(x, w, n);
                double lower = points[k].x, upper = points[next].x;
                median = fabs(upper - mean) < fabs(lower - mean) ? upper : lower;
            }
        }
        break;
    }
    if (points != small) en_free(points);
    return median;
}

/* ---- public accessors ---- */

const en_model *en_result_model(const en_result *r) { return r->model; }
const en_scenario *en_result_scenario(const en_result *r) { return r->scenario; }
size_t en_result_issue_count(const en_result *r) { return r->issue_count; }
size_t en_result_issue(const en_result *r, size_t i) { return r->issues[i].issue; }
double en_result_forecast(const en_result *r, size_t i) { return r->issues[i].forecast; }
size_t en_result_round_count(const en_result *r, size_t i) { return r->issues[i].round_count; }
const char *en_result_stop_reason(const en_result *r, size_t i) { return r->issues[i].stop_reason; }

int en_result_position(const en_result *r, size_t index, size_t round, size_t actor,
                       double *position)
{
    const en_issue_result *ir = &r->issues[index];
    if (round >= ir->round_count) return 0;
    for (size_t p = 0; p < ir->participant_count; p++) {
        if (ir->participants[p] == actor) {
            *position = ir->rounds[round].positions[p];
            return 1;
        }
    }
    return 0;
}
