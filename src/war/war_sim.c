/*
 * war_sim.c — the Monte Carlo driver of the war-bargaining layer WB-1 (docs/models/war.md): checks
 * the options, sets up what all runs share (the veto players — belligerents first, then every
 * actor that can ever veto — the patrons, the issues' scales), allocates the per-run × step
 * summary, and hands runs (war_run.c) to worker threads one at a time. Run r draws from its own
 * stream seeded by (seed, r) and writes only its own rows, so the output is identical for any
 * thread count. Also the summary's accessors. Time: runs × steps × (one window LP +
 * O(actors × issues)), memory O(runs × steps).
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "war/war_internal.h"
#include "war/war_pack.h"
#include "core/error.h"
#include "core/oom.h"
#include "core/util.h"
#include "core/war.h"
#include "models/model.h"

void en_war_options_init(en_war_options *o)
{
    en_war_register(); /* whoever uses the module has its model too (war_model.c) */
    memset(o, 0, sizeof *o);
    o->runs = 1000;
    o->seed = 1;
    o->threads = 1;
    o->explain_day = -1;
}

/* ---- the set-up shared by all runs ---- */

static int side_of(const en_scenario *s, const en_war *w, long a)
{
    if (a == w->side_a) return 1;
    if (a == w->side_b) return -1;
    const en_actor *actor = &s->actors[a];
    if (actor->role == EN_ROLE_PATRON && actor->patron_of == w->side_a) return 1;
    if (actor->role == EN_ROLE_PATRON && actor->patron_of == w->side_b) return -1;
    return 0;
}

/* An actor can ever veto: a belligerent, an initial veto on an issue it has a stance on, or a
 * veto event that grants one. */
static int can_veto(const en_scenario *s, const en_war *w, long a)
{
    if (a == w->side_a || a == w->side_b) return 1;
    for (size_t k = 0; k < s->issue_count; k++)
        if (s->actors[a].veto[k] && s->actors[a].stances[k].present) return 1;
    for (size_t e = 0; e < w->event_count; e++)
        if (w->events[e].type == EN_WAR_VETO && w->events[e].actor == a && w->events[e].value &&
            s->actors[a].stances[w->events[e].issue].present)
            return 1;
    return 0;
}

/* Frees what the set-up allocated for the runs; fields not yet allocated are NULL (the set-up
 * starts zeroed), so every exit path can call it. */
static void setup_free(war_setup *su)
{
    en_free(su->player_actor);
    en_free(su->player_side);
    en_free(su->patron_actor);
    en_free(su->status_quo);
    en_free(su->low);
    en_free(su->high);
}

/* ---- threads ---- */

static void *worker(void *data)
{
    war_setup *su = data;
    war_run *r = war_run_new(su);
    for (;;) {
        pthread_mutex_lock(&su->lock);
        long run = su->next_run < su->run_end ? su->next_run++ : -1;
        pthread_mutex_unlock(&su->lock);
        if (run < 0) break;
        war_run_one(r, su, run);
        pthread_mutex_lock(&su->lock);
        su->done++;
        if (su->o->progress) su->o->progress(su->o->progress_data, su->done, su->sum->runs);
        pthread_mutex_unlock(&su->lock);
    }
    war_run_free(r);
    return NULL;
}

void en_war_summary_free(en_war_summary *m)
{
    if (!m) return;
    void *ptrs[] = {m->player_actor, m->slack, m->open, m->state, m->miss, m->blocker,
                    m->patron_blocker, m->front, m->belief_a, m->belief_b, m->edge,
                    m->first_deal, m->terms, m->renewed, m->decided, m->explain_reservation,
                    m->explain_deal_value, m->explain_surplus, m->explain_blocker,
                    m->explain_package, m->deal_kind, m->cause_actor, m->pressure, m->pressure_actor,
                    m->patron_actor, m->explain_offer, m->explain_accept, m->explain_type_low,
                    m->explain_rejections, m->explain_patron, m->explain_pressure,
                    m->explain_renew_loss, m->explain_renew_basis, m->deal_by_days,
                    m->explain_belief, m->explain_p_prevail, m->explain_days_decide, m->settled,
                    m->median_term};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) en_free(ptrs[i]);
    en_free(m);
}

static double median_term(const en_war_summary *m, size_t issue);

/* The workers started (ids[1 .. count]), joined when the section ends or the call unwinds. */
typedef struct war_threads {
    pthread_t *ids;
    int count;
} war_threads;

static void join_war_threads(void *data)
{
    war_threads *t = data;
    for (int i = 1; i <= t->count; i++) pthread_join(t->ids[i], NULL);
}

en_status en_war_simulate_unguarded(const en_scenario *s, const en_war_options *o, en_war_summary **out,
                          en_error *err)
{
    *out = NULL;
    const en_war *w = s->war;
    if (!w)
        return en_error_add(err, EN_ERROR_MODEL, s->path, 0, 0,
                            "the scenario has no war: section (docs/scenario-format.md, \"The war section\", describes it)");
    if (w->side_a < 0 || w->side_b < 0 || w->end_day <= w->start_day)
        return en_error_add(err, EN_ERROR_MODEL, s->path, w->where.line, w->where.column,
                            "the war: section is incomplete (needs start, end and two belligerents)");
    if (o->runs < 1 || o->threads < 1)
        return en_error_set(err, EN_ERROR_INPUT, "runs and threads must be >= 1");
    war_setup su;
    memset(&su, 0, sizeof su);
    su.s = s, su.w = w, su.o = o;
    if (o->settle_with && strcmp(o->settle_with, "nash") != 0) {
        if (strcmp(o->settle_with, "war") == 0)
            return en_error_set(err, EN_ERROR_INPUT, "--settle-with war would nest the war layer in itself (expected nash or a stakeholder model)");
        su.settle_model = en_model_find(o->settle_with);
        if (!su.settle_model)
            return en_error_set(err, EN_ERROR_INPUT, "unknown model '%s' for --settle-with (see `entente models`)", o->settle_with);
    }
    su.na = s->actor_count, su.ni = s->issue_count;
    su.steps = en_war_step_count(w);
    long first = 0, last = su.steps - 1;
    if (o->from_day) first = en_war_step_of(w, o->from_day);
    if (o->to_day) last = en_war_step_of(w, o->to_day);
    if (first < 0 || last >= su.steps || first > last)
        return en_error_set(err, EN_ERROR_INPUT, "--from/--to select no step inside the run (%s to %s)", w->start, w->end);
    long explain_step = -1;
    if (o->explain_day >= 0) {
        explain_step = en_war_step_of(w, o->explain_day);
        if (o->explain_day < w->start_day || o->explain_day > w->end_day)
            return en_error_set(err, EN_ERROR_INPUT, "--explain date is outside the run (%s to %s)", w->start, w->end);
    }
    /* players: belligerents first, then other veto holders in actor order */
    su.player_actor = en_xcalloc(su.na + 1, sizeof *su.player_actor);
    su.player_side = en_xcalloc(su.na + 1, sizeof *su.player_side);
    su.player_actor[su.np++] = w->side_a;
    su.player_actor[su.np++] = w->side_b;
    for (size_t a = 0; a < su.na; a++)
        if ((long)a != w->side_a && (long)a != w->side_b && can_veto(s, w, (long)a))
            su.player_actor[su.np++] = (long)a;
    for (size_t p = 0; p < su.np; p++) su.player_side[p] = side_of(s, w, su.player_actor[p]);
    su.a_player = 0, su.b_player = 1;
    su.began_day = w->began ? w->began_day : w->start_day;
    su.as_of_step = -1;
    su.as_of_day = o->as_of_day;
    if (o->as_of_day) {
        if (o->as_of_day < w->start_day || o->as_of_day > w->end_day) {
            setup_free(&su);
            return en_error_set(err, EN_ERROR_INPUT, "--as-of date is outside the run (%s to %s)", w->start, w->end);
        }
        su.as_of_step = en_war_step_of(w, o->as_of_day);
        if (!o->from_day) first = su.as_of_step;
    }
    su.patron_actor = en_xcalloc(su.na + 1, sizeof *su.patron_actor);
    for (size_t a = 0; a < su.na; a++) {
        const en_actor *actor = &s->actors[a];
        if (actor->role == EN_ROLE_PATRON && (actor->patron_of == w->side_a || actor->patron_of == w->side_b))
            su.patron_actor[su.nb++] = (long)a;
    }
    su.status_quo = en_xcalloc(su.ni + 1, sizeof(double));
    su.low = en_xcalloc(su.ni + 1, sizeof(double));
    su.high = en_xcalloc(su.ni + 1, sizeof(double));
    for (size_t k = 0; k < su.ni; k++) {
        const en_issue *is = &s->issues[k];
        su.low[k] = is->scale_min;
        su.high[k] = is->scale_max;
        su.status_quo[k] = is->has_status_quo ? is->status_quo.value : 0.5 * (is->scale_min + is->scale_max);
    }
    en_war_summary *m = en_xcalloc(1, sizeof *m);
    m->scenario = s, m->war = w, m->runs = o->runs, m->seed = o->seed, m->steps = su.steps;
    m->first = first, m->last = last;
    m->settle_with = su.settle_model ? su.settle_model->name : "nash";
    m->window_only = o->window_only;
    m->player_count = su.np;
    m->player_actor = en_xcalloc(su.np, sizeof *m->player_actor);
    memcpy(m->player_actor, su.player_actor, su.np * sizeof *m->player_actor);
    size_t cells = (size_t)o->runs * (size_t)su.steps;
    m->slack = en_xcalloc(cells, sizeof *m->slack);
    m->open = en_xcalloc(cells, 1);
    m->state = en_xcalloc(cells, 1);
    m->miss = en_xcalloc(cells, 1);
    m->blocker = en_xcalloc(cells, sizeof *m->blocker);
    m->patron_blocker = en_xcalloc(cells, sizeof *m->patron_blocker);
    m->front = en_xcalloc(cells, sizeof *m->front);
    m->belief_a = en_xcalloc(cells, sizeof *m->belief_a);
    m->belief_b = en_xcalloc(cells, sizeof *m->belief_b);
    m->edge = en_xcalloc(cells, sizeof *m->edge);
    m->first_deal = en_xcalloc((size_t)o->runs, sizeof *m->first_deal);
    m->terms = en_xcalloc((size_t)o->runs * (su.ni + 1), sizeof *m->terms);
    m->renewed = en_xcalloc((size_t)o->runs, sizeof *m->renewed);
    m->decided = en_xcalloc((size_t)o->runs, sizeof *m->decided);
    m->explain_step = explain_step;
    m->as_of_step = su.as_of_step;
    m->deal_kind = en_xcalloc((size_t)o->runs, 1);
    m->settled = en_xcalloc((size_t)o->runs, sizeof *m->settled);
    m->cause_actor = en_xcalloc(cells, sizeof *m->cause_actor);
    m->pressure = en_xcalloc(cells, 1);
    m->pressure_actor = en_xcalloc(cells, sizeof *m->pressure_actor);
    m->patron_count = su.nb;
    m->patron_actor = en_xcalloc(su.nb + 1, sizeof *m->patron_actor);
    memcpy(m->patron_actor, su.patron_actor, su.nb * sizeof *m->patron_actor);
    for (size_t i = 0; i < o->deal_by_count; i++)
        if (o->deal_by_days[i] < w->start_day || o->deal_by_days[i] > w->end_day) {
            en_war_summary_free(m);
            setup_free(&su);
            return en_error_set(err, EN_ERROR_INPUT, "--deal-by date is outside the run (%s to %s)", w->start, w->end);
        }
    m->deal_by_count = o->deal_by_count;
    m->deal_by_days = en_xcalloc(o->deal_by_count + 1, sizeof *m->deal_by_days);
    if (o->deal_by_count) memcpy(m->deal_by_days, o->deal_by_days, o->deal_by_count * sizeof *m->deal_by_days);
    if (explain_step >= 0) {
        size_t n = (size_t)o->runs * su.np;
        m->explain_reservation = en_xcalloc(n, sizeof(double));
        m->explain_deal_value = en_xcalloc(n, sizeof(double));
        m->explain_surplus = en_xcalloc(n, sizeof(double));
        m->explain_blocker = en_xcalloc((size_t)o->runs, sizeof(short));
        for (long r = 0; r < o->runs; r++) m->explain_blocker[r] = -2; /* -2: not at war then */
        m->explain_package = en_xcalloc((size_t)o->runs * (su.ni + 1), sizeof(double));
        for (size_t i = 0; i < n; i++)
            m->explain_reservation[i] = m->explain_deal_value[i] = m->explain_surplus[i] = NAN;
        m->explain_offer = en_xcalloc((size_t)o->runs, sizeof(double));
        m->explain_accept = en_xcalloc((size_t)o->runs, 1);
        for (long r = 0; r < o->runs; r++) m->explain_offer[r] = NAN, m->explain_accept[r] = -1;
        m->explain_type_low = en_xcalloc((size_t)o->runs * 2, sizeof(double));
        m->explain_rejections = en_xcalloc((size_t)o->runs, sizeof(double));
        m->explain_patron = en_xcalloc((size_t)o->runs * (su.nb + 1), sizeof(double));
        m->explain_pressure = en_xcalloc((size_t)o->runs * (su.nb + 1), sizeof(double));
        m->explain_renew_loss = en_xcalloc(n + 1, sizeof(double));
        m->explain_belief = en_xcalloc(n + 1, sizeof(double));
        m->explain_p_prevail = en_xcalloc(n + 1, sizeof(double));
        m->explain_days_decide = en_xcalloc(n + 1, sizeof(double));
        m->explain_renew_basis = en_xcalloc((size_t)o->runs * (su.ni + 1), sizeof(double));
    }
    su.sum = m;
    /* under a distributor, this process's share of the runs (war_pack.c gathers the rest) */
    long run_first, run_last;
    war_share(o->distributor, o->runs, &run_first, &run_last);
    su.next_run = run_first, su.run_end = run_last;
    pthread_mutex_init(&su.lock, NULL);
    int threads = o->threads;
    if (threads > o->runs) threads = (int)o->runs;
    war_threads started = {en_xcalloc((size_t)threads, sizeof *started.ids), 0};
    /* No unwinding under the workers' feet; one out of memory fails the call once they are
     * joined (core/oom.h). */
    en_oom_section section;
    en_oom_thread job = {&section, worker, &su};
    if (threads > 1) en_oom_section_begin(&section, join_war_threads, &started);
    for (int i = 1; i < threads; i++)
        if (pthread_create(&started.ids[i], NULL, en_oom_thread_main, &job) == 0) started.count++;
        else break;
    if (threads > 1) en_oom_thread_main(&job); /* the calling thread works too */
    else worker(&su);
    if (threads > 1) en_oom_section_end(&section); /* joins the workers */
    en_free(started.ids);
    pthread_mutex_destroy(&su.lock);
    setup_free(&su);
    if (o->distributor && o->distributor->size > 1) {
        en_status gathered = war_gather(m, o->distributor, run_first, run_last, err);
        if (gathered != EN_OK) {
            en_war_summary_free(m);
            return gathered;
        }
    }
    /* The medians now, inside the call's guard, so the accessor allocates nothing. */
    m->median_term = en_xcalloc(s->issue_count + 1, sizeof *m->median_term);
    for (size_t i = 0; i < s->issue_count; i++) m->median_term[i] = median_term(m, i);
    *out = m;
    return EN_OK;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median term on `issue` over the runs that signed a deal (NaN: none did). */
static double median_term(const en_war_summary *m, size_t issue)
{
    size_t ni = m->scenario->issue_count, n = 0;
    double *v = en_xmalloc(((size_t)m->runs + 1) * sizeof *v);
    for (long r = 0; r < m->runs; r++)
        if (m->first_deal[r] >= 0) v[n++] = m->terms[(size_t)r * ni + issue];
    double median = NAN;
    if (n) {
        qsort(v, n, sizeof *v, compare_double);
        median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
    en_free(v);
    return median;
}

double en_war_summary_p_deal(const en_war_summary *m)
{
    long n = 0;
    for (long r = 0; r < m->runs; r++) n += m->first_deal[r] >= 0;
    return (double)n / (double)m->runs;
}

double en_war_summary_p_settled_by(const en_war_summary *m, long day)
{
    long step = en_war_step_of(m->war, day), n = 0;
    for (long r = 0; r < m->runs; r++) n += m->settled[r] >= 0 && m->settled[r] <= step;
    return (double)n / (double)m->runs;
}

const char *const en_war_kind_names[EN_WAR_KIND_COUNT] = {"any", "settlement", "ceasefire",
                                                          "victors_ceasefire"};

const char *en_war_kind_name(int kind)
{
    return kind >= 0 && kind < EN_WAR_KIND_COUNT ? en_war_kind_names[kind] : NULL;
}

double en_war_summary_p_deal_by(const en_war_summary *m, long day, int kind)
{
    long step = en_war_step_of(m->war, day), n = 0;
    for (long r = 0; r < m->runs; r++)
        n += m->first_deal[r] >= 0 && m->first_deal[r] <= step &&
             (kind == EN_WAR_KIND_ANY || m->deal_kind[r] == kind);
    return (double)n / (double)m->runs;
}

double en_war_summary_median_term(const en_war_summary *m, size_t issue)
{
    return issue < m->scenario->issue_count ? m->median_term[issue] : NAN;
}
