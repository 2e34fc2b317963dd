/*
 * war_report.c — turns the per-run records of the war simulation into what people and programs
 * read: per step P(window open), slack quantiles, P(deal signed by the date), the share of runs
 * in a deal; the distribution of signed terms per issue, time to a deal, renewal risk; near
 * misses by cause; who blocks; the plain-language summary; and the --explain table. Aggregation
 * runs in run order, so it is deterministic. Time complexity: O(runs × steps) plus one sort of
 * runs per reported step for the slack median.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "war/war_internal.h"
#include "core/error.h"
#include "core/node.h"
#include "core/terminal.h"
#include "core/util.h"

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile of sorted values (linear interpolation between order statistics). */
static double quantile(const double *v, size_t n, double p)
{
    if (!n) return NAN;
    double at = p * (double)(n - 1);
    size_t i = (size_t)at;
    if (i + 1 >= n) return v[n - 1];
    return v[i] + (at - (double)i) * (v[i + 1] - v[i]);
}

static long step_day(const en_war_summary *m, long t) { return m->war->start_day + t * m->war->step_days; }

static void step_date(const en_war_summary *m, long t, char *out, size_t size)
{
    en_date_format(step_day(m, t), out, size);
}

typedef struct step_stats {
    double p_open, p_deal_by, p_in_force, p_decided;
    double p_open_all; /* p_open is among runs still fighting (the window to end the war only
                        * exists while it goes on); this one counts runs in a deal too */
    double slack_median, slack_p10, slack_p90;
    double front, edge, belief_a, belief_b;
    double miss[WAR_MISS_COUNT];
    double p_kind[EN_WAR_KIND_COUNT]; /* P(first deal of the kind by the date) */
    double p_settled;                 /* (10) P(a settlement by the date, also after a ceasefire) */
    double closed_by_patron, opened_by_patron;
} step_stats;

static void stats_at(const en_war_summary *m, long t, double *buffer, step_stats *st)
{
    memset(st, 0, sizeof *st);
    size_t n = 0;
    double runs = (double)m->runs, at_war = 0;
    for (long r = 0; r < m->runs; r++) {
        size_t at = (size_t)r * (size_t)m->steps + (size_t)t;
        st->p_open_all += m->open[at];
        if (m->state[at] == WAR_AT_WAR) {
            at_war += 1;
            st->p_open += m->open[at];
        }
        st->p_deal_by += m->first_deal[r] >= 0 && m->first_deal[r] <= t;
        if (m->first_deal[r] >= 0 && m->first_deal[r] <= t) st->p_kind[m->deal_kind[r]] += 1;
        st->p_settled += m->settled[r] >= 0 && m->settled[r] <= t;
        st->closed_by_patron += m->pressure[at] < 0;
        st->opened_by_patron += m->pressure[at] > 0;
        st->p_in_force += m->state[at] == WAR_IN_DEAL;
        st->p_decided += m->state[at] == WAR_DECIDED;
        st->front += m->front[at];
        st->edge += m->edge[at];
        st->belief_a += m->belief_a[at];
        st->belief_b += m->belief_b[at];
        st->miss[m->miss[at]] += 1;
        if (isfinite(m->slack[at])) buffer[n++] = m->slack[at];
    }
    st->p_open = at_war > 0 ? st->p_open / at_war : 0;
    st->p_open_all /= runs, st->p_deal_by /= runs, st->p_in_force /= runs, st->p_decided /= runs;
    st->front /= runs, st->edge /= runs, st->belief_a /= runs, st->belief_b /= runs;
    for (int c = 0; c < WAR_MISS_COUNT; c++) st->miss[c] /= runs;
    for (int k = 0; k < EN_WAR_KIND_COUNT; k++) st->p_kind[k] /= runs;
    st->p_settled /= runs;
    st->closed_by_patron /= runs, st->opened_by_patron /= runs;
    qsort(buffer, n, sizeof *buffer, compare_double);
    st->slack_median = quantile(buffer, n, 0.5);
    st->slack_p10 = quantile(buffer, n, 0.1);
    st->slack_p90 = quantile(buffer, n, 0.9);
}

static const char *actor_label(const en_war_summary *m, long player)
{
    return m->scenario->actors[m->player_actor[player]].id;
}

static const char *const miss_names[WAR_MISS_COUNT] = {"none", "channel_closed", "patron_veto",
                                                       "no_talks", "ratification_failed",
                                                       "offer_rejected", "no_offer",
                                                       "patron_pressure"};

/* ---- deals and blockers ---- */

typedef struct deal_stats {
    long signed_runs, renewed_runs, renewed_within_year;
    double mean_days, median_days;
    long decided_a, decided_b;
    double *blocked;        /* per player: share of closed (run, step) cells it binds */
    double *patron_blocked; /* per player: share of patron near-miss cells it closes */
    long closed_cells, patron_cells;
} deal_stats;

static void deals_of(const en_war_summary *m, deal_stats *d)
{
    memset(d, 0, sizeof *d);
    double *days = en_xmalloc(((size_t)m->runs + 1) * sizeof *days);
    size_t n = 0;
    long year = 365 / m->war->step_days;
    for (long r = 0; r < m->runs; r++) {
        if (m->decided[r] == 1) d->decided_a++;
        if (m->decided[r] == 2) d->decided_b++;
        if (m->first_deal[r] < 0) continue;
        d->signed_runs++;
        days[n++] = (double)(m->first_deal[r] * m->war->step_days);
        if (m->renewed[r] >= 0) {
            d->renewed_runs++;
            if (m->renewed[r] - m->first_deal[r] <= year) d->renewed_within_year++;
        }
    }
    if (n) {
        double total = 0;
        for (size_t i = 0; i < n; i++) total += days[i];
        d->mean_days = total / (double)n;
        qsort(days, n, sizeof *days, compare_double);
        d->median_days = quantile(days, n, 0.5);
    } else {
        d->mean_days = d->median_days = NAN;
    }
    en_free(days);
    d->blocked = en_xcalloc(m->player_count + 1, sizeof(double));
    d->patron_blocked = en_xcalloc(m->player_count + 1, sizeof(double));
    for (long r = 0; r < m->runs; r++)
        for (long t = m->first; t <= m->last; t++) {
            size_t at = (size_t)r * (size_t)m->steps + (size_t)t;
            if (m->blocker[at] >= 0) {
                d->blocked[m->blocker[at]] += 1;
                d->closed_cells++;
            }
            if (m->patron_blocker[at] >= 0) {
                d->patron_blocked[m->patron_blocker[at]] += 1;
                d->patron_cells++;
            }
        }
    for (size_t p = 0; p < m->player_count; p++) {
        if (d->closed_cells) d->blocked[p] /= (double)d->closed_cells;
        if (d->patron_cells) d->patron_blocked[p] /= (double)d->patron_cells;
    }
}

static void deals_free(deal_stats *d)
{
    en_free(d->blocked);
    en_free(d->patron_blocked);
}

static void term_quantiles(const en_war_summary *m, size_t issue, double q[6])
{
    size_t ni = m->scenario->issue_count, n = 0;
    double *v = en_xmalloc(((size_t)m->runs + 1) * sizeof *v);
    double total = 0;
    for (long r = 0; r < m->runs; r++)
        if (m->first_deal[r] >= 0) {
            v[n++] = m->terms[(size_t)r * ni + issue];
            total += v[n - 1];
        }
    qsort(v, n, sizeof *v, compare_double);
    static const double ps[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int i = 0; i < 5; i++) q[i] = quantile(v, n, ps[i]);
    q[5] = n ? total / (double)n : NAN;
    en_free(v);
}

/* ---- the plain-language summary ---- */

static void month_of(const en_war_summary *m, long t, char *out, size_t size)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char date[16];
    step_date(m, t, date, sizeof date);
    int month = atoi(date + 5);
    snprintf(out, size, "%s %.4s", months[(month >= 1 && month <= 12) ? month - 1 : 0], date);
}

static void why_clause(const en_war_summary *m, en_buffer *out);

static void write_summary(const en_war_summary *m, const deal_stats *d, en_buffer *out)
{
    long n = m->last - m->first + 1;
    double *p_open = en_xmalloc((size_t)n * sizeof *p_open);
    double *buffer = en_xmalloc(((size_t)m->runs + 1) * sizeof *buffer);
    long peak = m->first;
    for (long t = m->first; t <= m->last; t++) {
        step_stats st;
        stats_at(m, t, buffer, &st);
        p_open[t - m->first] = st.p_open;
        if (st.p_open > p_open[peak - m->first]) peak = t;
    }
    double best = p_open[peak - m->first];
    char a[32], b[32];
    if (best <= 0) {
        en_buffer_puts(out, "The window never opens in any run");
    } else {
        long lo = peak, hi = peak;
        while (lo > m->first && p_open[lo - 1 - m->first] >= 0.5 * best) lo--;
        while (hi < m->last && p_open[hi + 1 - m->first] >= 0.5 * best) hi++;
        month_of(m, lo, a, sizeof a);
        month_of(m, hi, b, sizeof b);
        if (strcmp(a, b) == 0) en_buffer_printf(out, "The window is most likely open in %s (P = %.2f)", a, best);
        else en_buffer_printf(out, "The window is most likely open in %s – %s (P = %.2f)", a, b, best);
        if (hi < m->last) {
            month_of(m, hi, b, sizeof b);
            double later = 0;
            for (long t = hi + 1; t <= m->last; t++) later = fmax(later, p_open[t - m->first]);
            en_buffer_printf(out, "; it closes after %s (P(open) stays at or below %.2f afterwards)", b, later);
        }
    }
    long year = m->first + 365 / m->war->step_days;
    if (year > m->steps - 1) year = m->steps - 1;
    long signed_year = 0;
    for (long r = 0; r < m->runs; r++) signed_year += m->first_deal[r] >= 0 && m->first_deal[r] <= year;
    en_buffer_printf(out, "; P(deal within a year) = %.2f", (double)signed_year / (double)m->runs);
    long worst = -1;
    for (size_t p = 0; p < m->player_count; p++)
        if (d->closed_cells && (worst < 0 || d->blocked[p] > d->blocked[worst])) worst = (long)p;
    if (worst >= 0)
        en_buffer_printf(out, "; what blocks it most: %s (binding in %.0f%% of closed run-steps)",
                         en_scenario_actor_name(m->scenario, (size_t)m->player_actor[worst]),
                         100 * d->blocked[worst]);
    why_clause(m, out);
    en_buffer_puts(out, ".");
    en_free(p_open);
    en_free(buffer);
}

/* ---- WB-2: why open windows fail, kinds of deal, P(deal by given dates) ---- */

/* Counts over the reported (run, step) cells at war: near misses by cause, and per actor the
 * misses it caused (rejections, failed ratifications, a patron's pressure). */
typedef struct why_stats {
    double cells;                 /* reported cells at war */
    double miss[WAR_MISS_COUNT];  /* shares of those cells */
    double *by_actor;             /* actor × cause: share of the cause's cells */
    double opened;                /* cells a patron's pressure opened */
    double *opened_by;            /* actor: share of `opened` */
} why_stats;

static void why_of(const en_war_summary *m, why_stats *w)
{
    size_t na = m->scenario->actor_count;
    memset(w, 0, sizeof *w);
    w->by_actor = en_xcalloc((na + 1) * WAR_MISS_COUNT, sizeof(double));
    w->opened_by = en_xcalloc(na + 1, sizeof(double));
    double count[WAR_MISS_COUNT] = {0};
    for (long r = 0; r < m->runs; r++)
        for (long t = m->first; t <= m->last; t++) {
            size_t at = (size_t)r * (size_t)m->steps + (size_t)t;
            if (m->state[at] != WAR_AT_WAR) continue;
            w->cells += 1;
            int c = m->miss[at];
            count[c] += 1;
            if (m->cause_actor[at] >= 0)
                w->by_actor[(size_t)m->cause_actor[at] * WAR_MISS_COUNT + (size_t)c] += 1;
            if (m->pressure[at] > 0) {
                w->opened += 1;
                if (m->pressure_actor[at] >= 0) w->opened_by[m->pressure_actor[at]] += 1;
            }
        }
    for (int c = 0; c < WAR_MISS_COUNT; c++) {
        for (size_t a = 0; a < na; a++)
            if (count[c] > 0) w->by_actor[a * WAR_MISS_COUNT + (size_t)c] /= count[c];
        w->miss[c] = w->cells > 0 ? count[c] / w->cells : 0;
    }
    for (size_t a = 0; a < na; a++)
        if (w->opened > 0) w->opened_by[a] /= w->opened;
    if (w->cells > 0) w->opened /= w->cells;
}

static void why_free(why_stats *w)
{
    en_free(w->by_actor);
    en_free(w->opened_by);
}

/* The summary's "why": the commonest reason a step at war ended without a deal while a deal
 * was possible, and the actor most often behind it. */
static void why_clause(const en_war_summary *m, en_buffer *out)
{
    static const char *const plain[WAR_MISS_COUNT] = {
        "", "the channel closed by decree", "a patron's veto", "no talks that week",
        "ratification failing", "offers rejected under private information",
        "no offer worth making", "a patron's pressure on its client"};
    why_stats w;
    why_of(m, &w);
    int top = 0;
    for (int c = 1; c < WAR_MISS_COUNT; c++)
        if (w.miss[c] > w.miss[top] || top == 0) top = w.miss[c] > 0 ? c : top;
    if (top > 0) {
        en_buffer_printf(out, "; when a deal was possible but none came, the commonest reason was %s (%.0f%% of steps at war)",
                         plain[top], 100 * w.miss[top]);
        long who = -1;
        for (size_t a = 0; a < m->scenario->actor_count; a++)
            if (w.by_actor[a * WAR_MISS_COUNT + (size_t)top] > 0 &&
                (who < 0 || w.by_actor[a * WAR_MISS_COUNT + (size_t)top] > w.by_actor[(size_t)who * WAR_MISS_COUNT + (size_t)top]))
                who = (long)a;
        if (who >= 0)
            en_buffer_printf(out, ", mostly %s", en_scenario_actor_name(m->scenario, (size_t)who));
        int second = 0;
        for (int c = 1; c < WAR_MISS_COUNT; c++)
            if (c != top && w.miss[c] > 0 && (second == 0 || w.miss[c] > w.miss[second])) second = c;
        if (second > 0) {
            en_buffer_printf(out, ", then %s (%.0f%%", plain[second], 100 * w.miss[second]);
            who = -1;
            for (size_t a = 0; a < m->scenario->actor_count; a++)
                if (w.by_actor[a * WAR_MISS_COUNT + (size_t)second] > 0 &&
                    (who < 0 || w.by_actor[a * WAR_MISS_COUNT + (size_t)second] > w.by_actor[(size_t)who * WAR_MISS_COUNT + (size_t)second]))
                    who = (long)a;
            if (who >= 0) en_buffer_printf(out, ", mostly %s", en_scenario_actor_name(m->scenario, (size_t)who));
            en_buffer_puts(out, ")");
        }
    }
    why_free(&w);
}

static void why_json(const en_war_summary *m, en_node *root)
{
    const en_scenario *s = m->scenario;
    why_stats w;
    why_of(m, &w);
    en_node *why = en_node_set(root, "why_no_deal", en_node_new(EN_NODE_OBJECT));
    en_node_set_number(why, "cells_at_war", w.cells);
    en_node *shares = en_node_set(why, "share_of_steps_at_war", en_node_new(EN_NODE_OBJECT));
    for (int c = 1; c < WAR_MISS_COUNT; c++) en_node_set_number(shares, miss_names[c], w.miss[c]);
    en_node *who = en_node_set(why, "by_actor", en_node_new(EN_NODE_OBJECT));
    static const int named[] = {WAR_MISS_REJECTED, WAR_MISS_NO_OFFER, WAR_MISS_RATIFY, WAR_MISS_PRESSURE};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        en_node *row = en_node_set(who, miss_names[named[i]], en_node_new(EN_NODE_OBJECT));
        for (size_t a = 0; a < s->actor_count; a++)
            if (w.by_actor[a * WAR_MISS_COUNT + (size_t)named[i]] > 0)
                en_node_set_number(row, s->actors[a].id, w.by_actor[a * WAR_MISS_COUNT + (size_t)named[i]]);
    }
    en_node_set_number(why, "share_opened_by_patron_pressure", w.opened);
    en_node *opened = en_node_set(why, "opened_by", en_node_new(EN_NODE_OBJECT));
    for (size_t a = 0; a < s->actor_count; a++)
        if (w.opened_by[a] > 0) en_node_set_number(opened, s->actors[a].id, w.opened_by[a]);
    why_free(&w);
    en_node *kinds = en_node_set(root, "deal_kinds", en_node_new(EN_NODE_OBJECT));
    long last_day = m->war->start_day + m->last * m->war->step_days;
    for (int k = 1; k < EN_WAR_KIND_COUNT; k++)
        en_node_set_number(kinds, en_war_kind_names[k], en_war_summary_p_deal_by(m, last_day, k));
    en_node_set_number(root, "p_settlement_signed", en_war_summary_p_settled_by(m, last_day));
    if (m->as_of_step >= 0) {
        char date[16];
        en_date_format(m->war->start_day + m->as_of_step * m->war->step_days, date, sizeof date);
        en_node_set_string(root, "as_of", date); /* the first step of the forecast */
    }
    if (m->deal_by_count) {
        en_node *list = en_node_set(root, "deal_by", en_node_new(EN_NODE_ARRAY));
        for (size_t i = 0; i < m->deal_by_count; i++) {
            char date[16];
            en_date_format(m->deal_by_days[i], date, sizeof date);
            en_node *row = en_node_push(list, en_node_new(EN_NODE_OBJECT));
            en_node_set_string(row, "date", date);
            en_node_set_number(row, "p_deal", en_war_summary_p_deal_by(m, m->deal_by_days[i], EN_WAR_KIND_ANY));
            for (int k = 1; k < EN_WAR_KIND_COUNT; k++)
                en_node_set_number(row, en_war_kind_names[k], en_war_summary_p_deal_by(m, m->deal_by_days[i], k));
            en_node_set_number(row, "settlement_signed", en_war_summary_p_settled_by(m, m->deal_by_days[i]));
            /* (13) the recalibrated forecasts beside the raw shares (new fields; the old keep
             * their meaning) */
            en_node_set_number(row, "p_deal_calibrated",
                               en_war_calibrated(m->war, en_war_summary_p_deal_by(m, m->deal_by_days[i], EN_WAR_KIND_ANY)));
            for (int k = 1; k < EN_WAR_KIND_COUNT; k++) {
                char key[64];
                snprintf(key, sizeof key, "%s_calibrated", en_war_kind_names[k]);
                en_node_set_number(row, key, en_war_calibrated(m->war, en_war_summary_p_deal_by(m, m->deal_by_days[i], k)));
            }
            en_node_set_number(row, "settlement_signed_calibrated",
                               en_war_calibrated(m->war, en_war_summary_p_settled_by(m, m->deal_by_days[i])));
        }
    }
    en_node *cal = en_node_set(root, "calibration", en_node_new(EN_NODE_OBJECT));
    en_node_set(cal, "on", en_node_bool(m->war->global[WP_CALIBRATION].value > 0));
    en_node_set_number(cal, "a", m->war->global[WP_CALIBRATION_A].value);
    en_node_set_number(cal, "b", m->war->global[WP_CALIBRATION_B].value);
    en_node_set_number(cal, "floor", m->war->global[WP_CALIBRATION_FLOOR].value);
}

static void why_text(const en_war_summary *m, en_buffer *out)
{
    const en_scenario *s = m->scenario;
    why_stats w;
    why_of(m, &w);
    long last_day = m->war->start_day + m->last * m->war->step_days;
    en_buffer_puts(out, "Kinds of deal (first deal, by the last reported date):");
    for (int k = 1; k < EN_WAR_KIND_COUNT; k++)
        en_buffer_printf(out, " %s %.2f", en_war_kind_names[k], en_war_summary_p_deal_by(m, last_day, k));
    en_buffer_puts(out, "\nWhy no deal at a step at war (share of run-steps at war):");
    for (int c = 1; c < WAR_MISS_COUNT; c++)
        if (w.miss[c] > 0) en_buffer_printf(out, " %s %.3f", miss_names[c], w.miss[c]);
    en_buffer_puts(out, "\n");
    static const int named[] = {WAR_MISS_REJECTED, WAR_MISS_NO_OFFER, WAR_MISS_RATIFY, WAR_MISS_PRESSURE};
    static const char *const label[] = {"offers rejected by", "no acceptable offer from", "ratification failed in",
                                        "window closed by the pressure of"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (!(w.miss[named[i]] > 0)) continue;
        en_buffer_printf(out, "  %s:", label[i]);
        for (size_t a = 0; a < s->actor_count; a++)
            if (w.by_actor[a * WAR_MISS_COUNT + (size_t)named[i]] > 0)
                en_buffer_printf(out, " %s %.0f%%", s->actors[a].id, 100 * w.by_actor[a * WAR_MISS_COUNT + (size_t)named[i]]);
        en_buffer_puts(out, "\n");
    }
    if (w.opened > 0) {
        en_buffer_printf(out, "  window opened by a patron's pressure in %.3f of run-steps at war:", w.opened);
        for (size_t a = 0; a < s->actor_count; a++)
            if (w.opened_by[a] > 0) en_buffer_printf(out, " %s %.0f%%", s->actors[a].id, 100 * w.opened_by[a]);
        en_buffer_puts(out, "\n");
    }
    why_free(&w);
    if (m->deal_by_count) {
        /* (13) the headline is the recalibrated P(any deal); the raw shares of runs follow */
        en_buffer_puts(out, "P(deal by)   date        any, calibrated | raw: any  settlement  ceasefire  victor's  (settlement signed, also after a ceasefire)\n");
        for (size_t i = 0; i < m->deal_by_count; i++) {
            char date[16];
            en_date_format(m->deal_by_days[i], date, sizeof date);
            en_buffer_printf(out, "             %s  %15.3f |      %5.3f  %10.3f  %9.3f  %8.3f  %.3f\n", date,
                             en_war_calibrated(m->war, en_war_summary_p_deal_by(m, m->deal_by_days[i], EN_WAR_KIND_ANY)),
                             en_war_summary_p_deal_by(m, m->deal_by_days[i], EN_WAR_KIND_ANY),
                             en_war_summary_p_deal_by(m, m->deal_by_days[i], EN_WAR_KIND_SETTLEMENT),
                             en_war_summary_p_deal_by(m, m->deal_by_days[i], EN_WAR_KIND_CEASEFIRE),
                             en_war_summary_p_deal_by(m, m->deal_by_days[i], EN_WAR_KIND_VICTOR),
                             en_war_summary_p_settled_by(m, m->deal_by_days[i]));
        }
    }
}

/* ---- JSON ---- */

en_node *en_war_summary_node(const en_war_summary *m)
{
    const en_scenario *s = m->scenario;
    const en_war *w = m->war;
    en_node *root = en_node_new(EN_NODE_OBJECT);
    en_node_set_number(root, "runs", (double)m->runs);
    en_node_set_number(root, "seed", (double)m->seed);
    en_node_set_string(root, "settle_with", m->settle_with);
    en_node_set(root, "window_only", en_node_bool(m->window_only));
    en_node_set_string(root, "start", w->start);
    en_node_set_string(root, "end", w->end);
    en_node_set_number(root, "step_days", (double)w->step_days);
    en_node *steps = en_node_set(root, "steps", en_node_new(EN_NODE_ARRAY));
    double *buffer = en_xmalloc(((size_t)m->runs + 1) * sizeof *buffer);
    for (long t = m->first; t <= m->last; t++) {
        step_stats st;
        stats_at(m, t, buffer, &st);
        char date[16];
        step_date(m, t, date, sizeof date);
        en_node *row = en_node_push(steps, en_node_new(EN_NODE_OBJECT));
        en_node_set_string(row, "date", date);
        en_node_set_number(row, "p_window_open", st.p_open);
        en_node_set_number(row, "p_window_open_all_runs", st.p_open_all);
        en_node_set_number(row, "p_deal_by", st.p_deal_by);
        en_node_set_number(row, "p_deal_by_calibrated", en_war_calibrated(w, st.p_deal_by)); /* (13) */
        en_node_set_number(row, "median_slack", st.slack_median);
        en_node_set_number(row, "slack_p10", st.slack_p10);
        en_node_set_number(row, "slack_p90", st.slack_p90);
        en_node_set_number(row, "p_in_force", st.p_in_force);
        en_node_set_number(row, "p_decided", st.p_decided);
        en_node_set_number(row, "mean_front", st.front);
        en_node_set_number(row, "mean_edge", st.edge);
        en_node_set_number(row, "mean_belief_a", st.belief_a);
        en_node_set_number(row, "mean_belief_b", st.belief_b);
        en_node *miss = en_node_set(row, "near_miss", en_node_new(EN_NODE_OBJECT));
        for (int c = 1; c < WAR_MISS_COUNT; c++) en_node_set_number(miss, miss_names[c], st.miss[c]);
        en_node *kinds = en_node_set(row, "p_deal_by_kind", en_node_new(EN_NODE_OBJECT));
        for (int k = 1; k < EN_WAR_KIND_COUNT; k++) en_node_set_number(kinds, en_war_kind_names[k], st.p_kind[k]);
        en_node_set_number(row, "p_closed_by_patron_pressure", st.closed_by_patron);
        en_node_set_number(row, "p_opened_by_patron_pressure", st.opened_by_patron);
        en_node_set_number(row, "p_settlement_by", st.p_settled);
    }
    en_free(buffer);
    deal_stats d;
    deals_of(m, &d);
    en_node *deals = en_node_set(root, "deals", en_node_new(EN_NODE_OBJECT));
    en_node_set_number(deals, "signed_runs", (double)d.signed_runs);
    en_node_set_number(deals, "p_signed", (double)d.signed_runs / (double)m->runs);
    en_node_set_number(deals, "mean_days_to_deal", d.mean_days);
    en_node_set_number(deals, "median_days_to_deal", d.median_days);
    en_node_set_number(deals, "p_renewed_given_signed",
                       d.signed_runs ? (double)d.renewed_runs / (double)d.signed_runs : NAN);
    en_node_set_number(deals, "p_renewed_within_year_given_signed",
                       d.signed_runs ? (double)d.renewed_within_year / (double)d.signed_runs : NAN);
    en_node *terms = en_node_set(deals, "terms", en_node_new(EN_NODE_OBJECT));
    for (size_t k = 0; k < s->issue_count; k++) {
        double q[6];
        term_quantiles(m, k, q);
        en_node *t = en_node_set(terms, s->issues[k].id, en_node_new(EN_NODE_OBJECT));
        en_node_set_number(t, "p05", q[0]);
        en_node_set_number(t, "p25", q[1]);
        en_node_set_number(t, "median", q[2]);
        en_node_set_number(t, "p75", q[3]);
        en_node_set_number(t, "p95", q[4]);
        en_node_set_number(t, "mean", q[5]);
    }
    en_node *decisive = en_node_set(root, "decisive", en_node_new(EN_NODE_OBJECT));
    en_node_set_number(decisive, "p_a_won", (double)d.decided_a / (double)m->runs);
    en_node_set_number(decisive, "p_b_won", (double)d.decided_b / (double)m->runs);
    en_node *blockers = en_node_set(root, "blockers", en_node_new(EN_NODE_OBJECT));
    en_node *patron = en_node_set(root, "patron_vetoes", en_node_new(EN_NODE_OBJECT));
    for (size_t p = 0; p < m->player_count; p++) {
        en_node_set_number(blockers, actor_label(m, (long)p), d.blocked[p]);
        if (d.patron_blocked[p] > 0) en_node_set_number(patron, actor_label(m, (long)p), d.patron_blocked[p]);
    }
    why_json(m, root);
    en_buffer summary = {0};
    write_summary(m, &d, &summary);
    en_node_set_string(root, "summary", summary.data ? summary.data : "");
    en_buffer_free(&summary);
    deals_free(&d);
    if (m->explain_step >= 0) en_node_set(root, "explain", en_war_explain_node(m));
    return root;
}

/* ---- text ---- */

void en_war_summary_text(const en_war_summary *m, en_buffer *out)
{
    const en_scenario *s = m->scenario;
    const en_war *w = m->war;
    en_buffer_printf(out, "War-bargaining forecast (WB-2): %s\n", en_scenario_title(s));
    char from[16], to[16];
    step_date(m, m->first, from, sizeof from);
    step_date(m, m->last, to, sizeof to);
    en_buffer_printf(out, "%ld runs, seed %lu, steps of %ld days, %s to %s, %s%s\n\n",
                     m->runs, m->seed, w->step_days, from, to,
                     m->window_only ? "window only (no deal is ever signed)" : "deal terms by ",
                     m->window_only ? "" : m->settle_with);
    en_buffer_puts(out, "P(open): among runs still fighting; all: incl. runs in a deal. Slack: max-min surplus of the veto players.\n"
                        "date        P(open)    all  slack med [p10, p90]       P(deal by) in deal front  edge  belief A belief B  near misses: channel patron no-talks ratify\n");
    long n = m->last - m->first + 1;
    long stride = n > 60 ? (n + 59) / 60 : 1;
    if (w->step_days <= 7 && n > 60) stride = 4; /* about one row a month */
    double *buffer = en_xmalloc(((size_t)m->runs + 1) * sizeof *buffer);
    for (long t = m->first; t <= m->last; t += stride) {
        step_stats st;
        stats_at(m, t, buffer, &st);
        char date[16];
        step_date(m, t, date, sizeof date);
        en_buffer_printf(out, "%s  %6.2f %6.2f  %+7.3f [%+7.3f, %+7.3f]  %9.2f %7.2f %5.2f %5.2f %8.2f %8.2f  %20.2f %6.2f %8.2f %6.2f\n",
                         date, st.p_open, st.p_open_all, st.slack_median, st.slack_p10, st.slack_p90, st.p_deal_by,
                         st.p_in_force, st.front, st.edge, st.belief_a, st.belief_b,
                         st.miss[WAR_MISS_CHANNEL], st.miss[WAR_MISS_PATRON],
                         st.miss[WAR_MISS_NO_TALKS], st.miss[WAR_MISS_RATIFY]);
    }
    en_free(buffer);
    deal_stats d;
    deals_of(m, &d);
    en_buffer_printf(out, "\nDeals: signed in %ld of %ld runs (P = %.2f)", d.signed_runs, m->runs,
                     (double)d.signed_runs / (double)m->runs);
    if (d.signed_runs)
        en_buffer_printf(out, "; time to the first deal: mean %.0f days, median %.0f days", d.mean_days, d.median_days);
    en_buffer_puts(out, "\n");
    if (d.signed_runs) {
        en_buffer_puts(out, "Terms of signed deals      p05     p25  median     p75     p95\n");
        for (size_t k = 0; k < s->issue_count; k++) {
            double q[6];
            term_quantiles(m, k, q);
            en_buffer_printf(out, "  %-22.22s %7.1f %7.1f %7.1f %7.1f %7.1f\n", s->issues[k].id, q[0], q[1], q[2], q[3], q[4]);
        }
        en_buffer_printf(out, "Renewal: the war resumed in %.0f%% of signed runs before the end (%.0f%% within a year of signing)\n",
                         100.0 * (double)d.renewed_runs / (double)d.signed_runs,
                         100.0 * (double)d.renewed_within_year / (double)d.signed_runs);
    }
    if (d.decided_a || d.decided_b)
        en_buffer_printf(out, "Decisive outcomes: A won in %.1f%% of runs, B in %.1f%%\n",
                         100.0 * (double)d.decided_a / (double)m->runs, 100.0 * (double)d.decided_b / (double)m->runs);
    en_buffer_puts(out, "Who blocks (binding veto player when the window is closed): ");
    int any = 0;
    for (size_t p = 0; p < m->player_count; p++)
        if (d.blocked[p] > 0) {
            en_buffer_printf(out, "%s%s %.0f%%", any ? ", " : "", actor_label(m, (long)p), 100 * d.blocked[p]);
            any = 1;
        }
    en_buffer_puts(out, any ? "\n" : "nobody (the window never closed)\n");
    if (d.patron_cells) {
        en_buffer_puts(out, "Patron vetoes (belligerents' window open, closed by): ");
        any = 0;
        for (size_t p = 0; p < m->player_count; p++)
            if (d.patron_blocked[p] > 0) {
                en_buffer_printf(out, "%s%s %.0f%%", any ? ", " : "", actor_label(m, (long)p), 100 * d.patron_blocked[p]);
                any = 1;
            }
        en_buffer_puts(out, "\n");
    }
    why_text(m, out);
    en_buffer_puts(out, "\nSummary: ");
    write_summary(m, &d, out);
    en_buffer_puts(out, "\n");
    deals_free(&d);
    if (m->explain_step >= 0) {
        en_buffer_puts(out, "\n");
        en_war_explain_text(m, out);
    }
}

/* ---- explain ---- */

/* WB-2 talks at the explain step, over the runs at war then. */
typedef struct explain_talks {
    double offers, accepted, rejected, mean_offer, rejections, type_low[2];
    double *patron_surplus, *patron_push; /* per patron: means */
} explain_talks;

static void explain_talks_of(const en_war_summary *m, explain_talks *e)
{
    memset(e, 0, sizeof *e);
    e->patron_surplus = en_xcalloc(m->patron_count + 1, sizeof(double));
    e->patron_push = en_xcalloc(m->patron_count + 1, sizeof(double));
    double at_war = 0;
    for (long r = 0; r < m->runs; r++) {
        if (m->explain_blocker[r] == -2) continue;
        at_war += 1;
        if (m->explain_accept[r] >= 0) {
            e->offers += 1;
            e->mean_offer += m->explain_offer[r];
            e->accepted += m->explain_accept[r] == 1;
            e->rejected += m->explain_accept[r] == 0;
        }
        e->rejections += m->explain_rejections[r];
        e->type_low[0] += m->explain_type_low[(size_t)r * 2];
        e->type_low[1] += m->explain_type_low[(size_t)r * 2 + 1];
        for (size_t b = 0; b < m->patron_count; b++) {
            e->patron_surplus[b] += m->explain_patron[(size_t)r * m->patron_count + b];
            e->patron_push[b] += m->explain_pressure[(size_t)r * m->patron_count + b];
        }
    }
    if (e->offers > 0) e->mean_offer /= e->offers;
    else e->mean_offer = NAN;
    if (at_war > 0) {
        e->offers /= at_war, e->accepted /= at_war, e->rejected /= at_war, e->rejections /= at_war;
        e->type_low[0] /= at_war, e->type_low[1] /= at_war;
        for (size_t b = 0; b < m->patron_count; b++) e->patron_surplus[b] /= at_war, e->patron_push[b] /= at_war;
    }
}

static void explain_talks_free(explain_talks *e)
{
    en_free(e->patron_surplus);
    en_free(e->patron_push);
}

typedef struct explain_row {
    double reservation, deal_value, surplus, p_negative, p_binding;
} explain_row;

static long explain_rows(const en_war_summary *m, explain_row *rows)
{
    long at_war = 0, closed = 0;
    memset(rows, 0, m->player_count * sizeof *rows);
    for (long r = 0; r < m->runs; r++) {
        if (m->explain_blocker[r] == -2) continue;
        at_war++;
        if (m->explain_blocker[r] >= 0) {
            closed++;
            rows[m->explain_blocker[r]].p_binding += 1;
        }
        for (size_t p = 0; p < m->player_count; p++) {
            size_t at = (size_t)r * m->player_count + p;
            if (!isfinite(m->explain_reservation[at])) continue;
            rows[p].reservation += m->explain_reservation[at];
            rows[p].deal_value += m->explain_deal_value[at];
            rows[p].surplus += m->explain_surplus[at];
            rows[p].p_negative += m->explain_surplus[at] < 0;
        }
    }
    for (size_t p = 0; p < m->player_count && at_war; p++) {
        rows[p].reservation /= (double)at_war;
        rows[p].deal_value /= (double)at_war;
        rows[p].surplus /= (double)at_war;
        rows[p].p_negative /= (double)at_war;
        rows[p].p_binding = closed ? rows[p].p_binding / (double)closed : 0;
    }
    (void)closed;
    return at_war;
}

en_node *en_war_explain_node(const en_war_summary *m)
{
    en_node *root = en_node_new(EN_NODE_OBJECT);
    char date[16];
    step_date(m, m->explain_step, date, sizeof date);
    en_node_set_string(root, "date", date);
    explain_row *rows = en_xcalloc(m->player_count + 1, sizeof *rows);
    long at_war = explain_rows(m, rows);
    en_node_set_number(root, "runs_at_war", (double)at_war);
    en_node *players = en_node_set(root, "players", en_node_new(EN_NODE_ARRAY));
    long worst = -1;
    for (size_t p = 0; p < m->player_count; p++) {
        en_node *row = en_node_push(players, en_node_new(EN_NODE_OBJECT));
        en_node_set_string(row, "actor", actor_label(m, (long)p));
        en_node_set_number(row, "value_of_fighting_on", rows[p].reservation);
        en_node_set_number(row, "value_of_deal", rows[p].deal_value);
        en_node_set_number(row, "surplus", rows[p].surplus);
        en_node_set_number(row, "p_prefers_fighting", rows[p].p_negative);
        en_node_set_number(row, "p_binding_when_closed", rows[p].p_binding);
        /* (2): the loss from renewal valued at the post-deal balance, mean over runs at war */
        double renew = 0;
        for (long r = 0; r < m->runs; r++)
            if (m->explain_blocker[r] != -2) renew += m->explain_renew_loss[(size_t)r * m->player_count + p];
        en_node_set_number(row, "renewal_loss_post_deal", at_war > 0 ? renew / (double)at_war : 0);
        /* (9): its belief about the edge and, from it, about how the war ends */
        double qb = 0, pw = 0, days = 0;
        for (long r = 0; r < m->runs; r++)
            if (m->explain_blocker[r] != -2) {
                size_t at = (size_t)r * m->player_count + p;
                qb += m->explain_belief[at], pw += m->explain_p_prevail[at], days += m->explain_days_decide[at];
            }
        en_node_set_number(row, "belief_edge_a", at_war > 0 ? qb / (double)at_war : 0);
        en_node_set_number(row, "p_prevail_a", at_war > 0 ? pw / (double)at_war : 0);
        en_node_set_number(row, "days_to_decision", at_war > 0 ? days / (double)at_war : 0);
        if (rows[p].p_binding > 0 && (worst < 0 || rows[p].p_binding > rows[worst].p_binding)) worst = (long)p;
    }
    if (worst >= 0) en_node_set_string(root, "blocks", actor_label(m, worst));
    else en_node_set(root, "blocks", en_node_new(EN_NODE_NULL));
    en_free(rows);
    explain_talks e;
    explain_talks_of(m, &e);
    en_node *talks = en_node_set(root, "talks", en_node_new(EN_NODE_OBJECT));
    en_node_set_number(talks, "p_offer", e.offers);
    en_node_set_number(talks, "p_accepted", e.accepted);
    en_node_set_number(talks, "p_rejected", e.rejected);
    en_node_set_number(talks, "mean_offered_surplus", e.mean_offer);
    en_node_set_number(talks, "mean_rejections_so_far", e.rejections);
    en_node_set_number(talks, "mean_belief_low_type_a", e.type_low[0]);
    en_node_set_number(talks, "mean_belief_low_type_b", e.type_low[1]);
    en_node *pat = en_node_set(root, "patron_pressure", en_node_new(EN_NODE_ARRAY));
    for (size_t b = 0; b < m->patron_count; b++) {
        en_node *row = en_node_push(pat, en_node_new(EN_NODE_OBJECT));
        const en_actor *a = &m->scenario->actors[m->patron_actor[b]];
        en_node_set_string(row, "patron", a->id);
        en_node_set_string(row, "client", m->scenario->actors[a->patron_of].id);
        en_node_set_number(row, "surplus_of_deal", e.patron_surplus[b]);
        en_node_set_number(row, "client_reservation_change", e.patron_push[b]);
    }
    explain_talks_free(&e);
    return root;
}

void en_war_explain_text(const en_war_summary *m, en_buffer *out)
{
    char date[16];
    step_date(m, m->explain_step, date, sizeof date);
    explain_row *rows = en_xcalloc(m->player_count + 1, sizeof *rows);
    long at_war = explain_rows(m, rows);
    en_buffer_printf(out, "Explain %s (%ld of %ld runs not decided on the battlefield; means over them; the deal is the package that\n"
                          "maximises the worst-off veto player's surplus):\n", date, at_war, m->runs);
    if (!at_war) {
        en_buffer_puts(out, "  no run is at war on that date\n");
        en_free(rows);
        return;
    }
    en_buffer_puts(out, "  veto player   value of deal  value of fighting on  surplus  P(prefers fighting)  P(binding | closed)\n");
    long worst = -1;
    for (size_t p = 0; p < m->player_count; p++) {
        en_buffer_printf(out, "  %-12.12s  %13.3f  %20.3f  %+7.3f  %19.2f  %19.2f\n", actor_label(m, (long)p),
                         rows[p].deal_value, rows[p].reservation, rows[p].surplus, rows[p].p_negative, rows[p].p_binding);
        if (rows[p].p_binding > 0 && (worst < 0 || rows[p].p_binding > rows[worst].p_binding)) worst = (long)p;
    }
    en_buffer_puts(out, "  beliefs about the war's end (each veto player's own): edge of A per battle, P(A prevails), days to a decision\n");
    for (size_t p = 0; p < m->player_count; p++) {
        double qb = 0, pw = 0, days = 0;
        for (long r = 0; r < m->runs; r++)
            if (m->explain_blocker[r] != -2) {
                size_t at = (size_t)r * m->player_count + p;
                qb += m->explain_belief[at], pw += m->explain_p_prevail[at], days += m->explain_days_decide[at];
            }
        en_buffer_printf(out, "  %-12.12s  %13.3f  %20.3f  %7.0f\n", actor_label(m, (long)p), qb / (double)at_war,
                         pw / (double)at_war, days / (double)at_war);
    }
    if (worst >= 0)
        en_buffer_printf(out, "Who blocks: %s (the binding veto player in %.0f%% of runs where the window is closed)\n",
                         en_scenario_actor_name(m->scenario, (size_t)m->player_actor[worst]), 100 * rows[worst].p_binding);
    else
        en_buffer_puts(out, "Who blocks: nobody — the window is open in every run on that date\n");
    en_free(rows);
    explain_talks e;
    explain_talks_of(m, &e);
    en_buffer_printf(out, "Talks that step: an offer in %.0f%% of runs (accepted %.0f%%, rejected %.0f%%",
                     100 * e.offers, 100 * e.accepted, 100 * e.rejected);
    if (isfinite(e.mean_offer)) en_buffer_printf(out, "; mean surplus offered to the receiver %+.3f", e.mean_offer);
    en_buffer_printf(out, ");\n  offers rejected so far (mean per run) %.2f; the other side's lower bound on A's type %+.3f, on B's %+.3f\n",
                     e.rejections, e.type_low[0], e.type_low[1]);
    for (size_t b = 0; b < m->patron_count; b++) {
        const en_actor *a = &m->scenario->actors[m->patron_actor[b]];
        en_buffer_printf(out, "Patron %s: surplus of the deal on the table %+.3f -> %s presses %s (its reservation %+.3f)\n", a->id,
                         e.patron_surplus[b], a->id, m->scenario->actors[a->patron_of].id, e.patron_push[b]);
    }
    explain_talks_free(&e);
}

/* ---- the public writers (entente.h) ---- */

static en_status write_buffer(en_buffer *text, FILE *out, en_error *err)
{
    int ok = en_write_text(out, text->data ? text->data : "", text->length);
    en_buffer_free(text);
    return ok ? EN_OK : en_error_set(err, EN_ERROR_INTERNAL, "cannot write the output");
}

static en_status write_node(en_node *node, FILE *out, en_error *err)
{
    en_buffer text = {0};
    en_json_write_node(&text, node);
    en_buffer_puts(&text, "\n");
    en_node_free(node);
    return write_buffer(&text, out, err);
}

en_status en_war_summary_write_unguarded(const en_war_summary *summary, en_output_format format, FILE *out,
                               en_error *err)
{
    if (format == EN_OUTPUT_CSV)
        return en_error_set(err, EN_ERROR_INPUT, "the war summary has no CSV layout (expected text or json)");
    if (format == EN_OUTPUT_JSON) return write_node(en_war_summary_node(summary), out, err);
    en_buffer text = {0};
    en_war_summary_text(summary, &text);
    return write_buffer(&text, out, err);
}

en_status en_war_explain_write_unguarded(const en_war_summary *summary, en_output_format format, FILE *out,
                               en_error *err)
{
    if (format == EN_OUTPUT_CSV)
        return en_error_set(err, EN_ERROR_INPUT, "the war explanation has no CSV layout (expected text or json)");
    /* a summary simulated without an explain_day collected nothing to explain */
    if (summary->explain_step < 0 || !summary->explain_blocker)
        return en_error_set(err, EN_ERROR_INPUT,
                            "the war summary has no explanation (simulate with explain_day set)");
    if (format == EN_OUTPUT_JSON) return write_node(en_war_explain_node(summary), out, err);
    en_buffer text = {0};
    en_war_explain_text(summary, &text);
    return write_buffer(&text, out, err);
}
