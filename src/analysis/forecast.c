/*
 * forecast.c — `entente forecast`: one answer to "will they agree, on what, who blocks, how sure"
 * (docs/models/forecast.md). The default forecaster (en_default_forecaster, run through the
 * registry) on the effective scenario (patrons and public stances counted, forecast_scenario.c)
 * gives the deal; Monte Carlo draws of the uncertain values and the other models' answers give
 * its 80% interval; the veto players' acceptance (acceptance.c) gives P(agreement), the blockers
 * and the smallest change that wins each over; one-at-a-time moves of the inputs give the
 * drivers; the war layer, where the scenario has a war: section, gives the "when".
 *
 * Order independence: everything is computed on a copy in canonical order (issues and actors
 * sorted by id), and each uncertain value draws its random number from a counter-based stream
 * keyed by its actor id, issue id and field (splitmix64 of seed, key and draw), so neither the
 * order of the file nor the thread count changes a single bit. What-if cases reuse the same
 * keys: an unchanged value gets the same draw in every case (common random numbers).
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/distribute.h"
#include "analysis/forecast_internal.h"
#include "analysis/montecarlo.h"
#include "war/war.h"
#include "core/error.h"
#include "core/result.h"
#include "analysis/guarded.h"
#include "core/oom.h"
#include "core/util.h"
#include "models/ensemble.h"
#include "models/model.h"
#include "models/params.h"

#define FC_TOL 1e-12

void en_forecast_options_init(en_forecast_options *o)
{
    memset(o, 0, sizeof *o);
    o->draws = 10000;
    o->seed = 1;
    o->threads = 0;
    o->patron_weight = 0.5;
    o->audience_cost = 0.5;
    o->mediation = 0; /* P(agreement) is the forecast package's acceptance unless asked */
    o->delta = 0.1;
    o->drivers = 5;
    o->drivers_screen = -1; /* automatic: screened above FC_SCREEN_THRESHOLD inputs */
    o->war_runs = 1000;
}

/* ---- counter-based sampling ---- */

typedef struct sample_slot {
    slot_field field;
    long actor, issue;
    uint64_t key;
} sample_slot;

static uint64_t fnv1a(uint64_t h, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) h = (h ^ *p) * 0x100000001b3ULL;
    return (h ^ 0x1f) * 0x100000001b3ULL;
}

static uint64_t slot_key(const char *actor, const char *issue, const char *field)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv1a(h, actor ? actor : "");
    h = fnv1a(h, issue ? issue : "");
    return fnv1a(h, field);
}

static en_value *slot_value(en_scenario *s, const sample_slot *slot)
{
    switch (slot->field) {
    case SLOT_STATUS_QUO: return &s->issues[slot->issue].status_quo;
    case SLOT_CAPABILITY: return &s->actors[slot->actor].capability;
    case SLOT_POSITION: return &s->actors[slot->actor].stances[slot->issue].position;
    case SLOT_SALIENCE: return &s->actors[slot->actor].stances[slot->issue].salience;
    case SLOT_PUBLIC: return &s->actors[slot->actor].stances[slot->issue].public_position;
    case SLOT_POWER: break;
    }
    return &s->actors[slot->actor].stances[slot->issue].power;
}

static void add_slot(sample_slot **slots, size_t *count, size_t *capacity, const en_value *v, slot_field field,
                     long actor, long issue, const en_scenario *s)
{
    if (!en_value_is_uncertain(v)) return;
    static const char *const names[] = {"status_quo", "capability", "position", "salience", "public", "power"};
    EN_GROW(*slots, *capacity, *count + 1);
    sample_slot *slot = &(*slots)[(*count)++];
    slot->field = field, slot->actor = actor, slot->issue = issue;
    slot->key = slot_key(actor >= 0 ? s->actors[actor].id : NULL, issue >= 0 ? s->issues[issue].id : NULL, names[field]);
}

static sample_slot *collect_slots(const en_scenario *s, size_t *count)
{
    sample_slot *slots = NULL;
    size_t capacity = 0;
    *count = 0;
    for (size_t k = 0; k < s->issue_count; k++)
        if (s->issues[k].has_status_quo) add_slot(&slots, count, &capacity, &s->issues[k].status_quo, SLOT_STATUS_QUO, -1, (long)k, s);
    for (size_t a = 0; a < s->actor_count; a++) {
        const en_actor *actor = &s->actors[a];
        add_slot(&slots, count, &capacity, &actor->capability, SLOT_CAPABILITY, (long)a, -1, s);
        for (size_t k = 0; k < s->issue_count; k++) {
            const en_stance *st = &actor->stances[k];
            if (!st->present) continue;
            add_slot(&slots, count, &capacity, &st->position, SLOT_POSITION, (long)a, (long)k, s);
            add_slot(&slots, count, &capacity, &st->salience, SLOT_SALIENCE, (long)a, (long)k, s);
            if (st->has_public) add_slot(&slots, count, &capacity, &st->public_position, SLOT_PUBLIC, (long)a, (long)k, s);
            if (st->has_power) add_slot(&slots, count, &capacity, &st->power, SLOT_POWER, (long)a, (long)k, s);
        }
    }
    return slots;
}

static double unit_variate(uint64_t seed, uint64_t key, uint64_t draw)
{
    uint64_t x = en_mc_mix64(en_mc_mix64(seed) ^ key);
    x = en_mc_mix64(x + (draw + 1) * 0x9E3779B97F4A7C15ULL);
    return ((double)(x >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* One draw of v at uniform variate u by inversion: the triangle's CDF, or the normal's CDF
 * restricted to the valid range. */
static double sample_at(const en_value *v, double u)
{
    double x = v->value;
    if (v->kind == EN_VALUE_TRIANGULAR) x = en_mc_triangular_inverse(v->low, v->value, v->high, u);
    else if (v->kind == EN_VALUE_NORMAL && v->sd > 0) {
        double a = isfinite(v->min_valid) ? gsl_cdf_ugaussian_P((v->min_valid - v->value) / v->sd) : 0;
        double b = isfinite(v->max_valid) ? gsl_cdf_ugaussian_P((v->max_valid - v->value) / v->sd) : 1;
        double p = a + u * (b - a);
        if (p <= 0) p = 1e-300;
        if (p >= 1) p = 1 - 1e-16;
        x = v->value + v->sd * gsl_cdf_ugaussian_Pinv(p);
    }
    if (x < v->min_valid) x = v->min_valid;
    if (x > v->max_valid) x = v->max_valid;
    return x;
}

/* ---- one case (the base or a what-if) ---- */

typedef struct fc_case {
    const en_scenario *raw;   /* canonical point scenario */
    const en_model *model;
    const en_params *params;  /* forecast-only parameters */
    const en_forecast_options *o;
    int mediation;
    const double *winset_hint; /* the win-set's package at the point estimate (NULL: empty) */
    sample_slot *slots;
    size_t slot_count;
    size_t draws, ni, np;
    double *forecast;         /* draws × ni */
    unsigned char *reject;    /* draws × np */
    unsigned char *flags;     /* per draw: 1 ok, 2 forecast accepted, 4 win-set, 8 proposal accepted */
    pthread_mutex_t lock;
    size_t next_block;
    size_t last_block;        /* this process's draws end at this block (en_distributor) */
    size_t failed;
    size_t *zero_weight;      /* per issue: draws left out, every weight on it drawn to zero */
    long first_failed;
    char first_failure[512];
    struct fc_progress *progress; /* NULL: nobody asked */
    int threaded;             /* workers run: a thread out of memory fails the call (core/oom.h) */
    int same;                 /* no draw can differ: each worker computes one and repeats it */
    en_oom_section section;
} fc_case;

enum { DRAW_OK = 1, DRAW_ACCEPTED = 2, DRAW_WINSET = 4, DRAW_AGREED = 8 };

/* Draws done over every case of one forecast (base and what-ifs), told to options->progress at
 * most about ten times a second; the lock keeps the calls one at a time whichever thread makes
 * them. */
typedef struct fc_progress {
    pthread_mutex_t lock;
    size_t done, total;
    double last;
    en_progress_fn fn;
    void *data;
} fc_progress;

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void progress_add(fc_progress *p, size_t draws)
{
    pthread_mutex_lock(&p->lock);
    p->done += draws;
    double now = seconds_now();
    if (now - p->last >= 0.1) {
        p->last = now;
        p->fn(p->done, p->total, p->data);
    }
    pthread_mutex_unlock(&p->lock);
}

/* Runs the model on `eff` and writes each issue's forecast (NAN where none). */
static en_status run_model(const en_model *model, const en_scenario *eff, const en_params *params,
                           double *forecast, en_error *err)
{
    for (size_t k = 0; k < eff->issue_count; k++) forecast[k] = NAN;
    en_result *r = NULL;
    en_status st = en_run_unguarded(model, eff, params, &r, err);
    if (st != EN_OK) return st;
    for (size_t j = 0; j < r->issue_count; j++) forecast[r->issues[j].issue] = r->issues[j].forecast;
    en_result_free(r);
    return EN_OK;
}

/* A worker's first draw when no draw can differ (fc_case.same): its outcome, repeated for the
 * worker's other draws as if each had been computed. */
typedef struct fc_first {
    int kind;              /* 0 none yet, 1 a forecast, 2 an issue without weight, 3 refused */
    double *forecast;      /* ni */
    unsigned char *reject; /* np */
    unsigned char *unweighted; /* ni: the issues counted in zero_weight */
    unsigned char flags;
    char failure[512];
} fc_first;

/* Draw d's outcome from the worker's first draw: the same writes and counts the computation
 * of draw d would make (it would give the same numbers: no value is sampled, and the model's
 * answer does not depend on the per-draw seed). */
static void repeat_first(fc_case *c, const fc_first *first, size_t d)
{
    if (first->kind == 1) {
        memcpy(c->forecast + d * c->ni, first->forecast, c->ni * sizeof *first->forecast);
        memcpy(c->reject + d * c->np, first->reject, c->np);
        c->flags[d] = first->flags;
        return;
    }
    pthread_mutex_lock(&c->lock);
    if (first->kind == 2) {
        for (size_t k = 0; k < c->ni; k++) c->zero_weight[k] += first->unweighted[k];
    } else {
        c->failed++;
        if (c->first_failed < 0 || (long)d < c->first_failed) {
            c->first_failed = (long)d;
            snprintf(c->first_failure, sizeof c->first_failure, "%s", first->failure);
        }
    }
    pthread_mutex_unlock(&c->lock);
}

static void draw_work(void *data)
{
    fc_case *c = data;
    const en_scenario *base = c->raw;
    en_scenario *raw = en_scenario_clone(base), *eff = en_scenario_clone(base);
    size_t ni = c->ni, np = c->np;
    double *preference = en_xcalloc(base->actor_count * ni + 1, sizeof *preference);
    double *package = en_xcalloc(ni + 1, sizeof *package);
    fc_frame frame;
    fc_frame_init(&frame, base, NULL, c->o->audience_cost);
    fc_lp *lp = fc_lp_new();
    /* Certificates of non-empty win-sets, first the point estimate's maximin package; later
     * draws add their own (fc_winset_nonempty: the answer is the simplex's either way). */
    fc_hints hints;
    fc_hints_init(&hints, ni);
    if (c->winset_hint) fc_hints_add(&hints, c->winset_hint);
    /* The default forecaster's draws skip en_run (parameter set, result): its forecasts come
     * straight from en_ensemble_forecast_direct, the same bits. The per-draw seed is not among
     * the parameter values it reads. A draw it declines goes through en_run. */
    en_param_values *direct = NULL;
    if (c->model == en_model_find("ensemble")) {
        en_error err = EN_ERROR_INIT;
        if (en_param_values_build(c->model, c->params, &direct, &err) != EN_OK) direct = NULL;
        en_error_clear(&err);
    }
    fc_first first_draw = {0, en_xcalloc(ni + 1, sizeof(double)), en_xcalloc(np + 1, 1), en_xcalloc(ni + 1, 1), 0, ""};
    for (;;) {
        pthread_mutex_lock(&c->lock);
        size_t block = c->next_block++;
        pthread_mutex_unlock(&c->lock);
        size_t first = block * EN_MC_BLOCK;
        if (first >= c->draws || block >= c->last_block) break;
        if (c->threaded && en_oom_section_failed(&c->section)) break; /* the call unwinds */
        size_t last = first + EN_MC_BLOCK < c->draws ? first + EN_MC_BLOCK : c->draws;
        for (size_t d = first; d < last; d++) {
            if (c->same && first_draw.kind) {
                repeat_first(c, &first_draw, d);
                continue;
            }
            for (size_t n = 0; n < c->slot_count; n++) {
                const sample_slot *slot = &c->slots[n];
                double u = unit_variate(c->o->seed, slot->key, d);
                double x = sample_at(slot_value((en_scenario *)base, slot), u);
                slot_value(raw, slot)->value = x;
                slot_value(eff, slot)->value = x;
            }
            fc_effective(raw, c->o->patron_weight, c->o->audience_cost, eff, preference);
            /* An issue whose every weight was drawn to zero has no forecast in this draw (each
             * model would resolve 0/0 its own way); the package needs every issue, so the draw
             * is left out and counted for the issue. */
            int unweighted = 0;
            for (size_t k = 0; k < ni; k++) {
                if (!en_scenario_issue_unweighted(eff, k)) continue;
                if (!unweighted) pthread_mutex_lock(&c->lock);
                unweighted = 1;
                c->zero_weight[k]++;
                first_draw.unweighted[k] = 1;
            }
            if (unweighted) {
                pthread_mutex_unlock(&c->lock);
                first_draw.kind = 2;
                continue;
            }
            double *f = c->forecast + d * ni;
            en_status st = EN_OK;
            en_error err = EN_ERROR_INIT;
            if (!direct || !en_ensemble_forecast_direct(eff, direct, f)) {
                en_params *params = en_params_copy(c->params);
                char seed_text[32];
                snprintf(seed_text, sizeof seed_text, "%llu",
                         (unsigned long long)(en_mc_mix64(c->o->seed ^ en_mc_mix64(d + 1)) >> 11));
                en_params_set(params, "seed", seed_text, NULL);
                st = run_model(c->model, eff, params, f, &err);
                en_params_free(params);
            }
            int missing = 0;
            for (size_t k = 0; k < ni; k++) missing |= isnan(f[k]);
            if (st != EN_OK || missing) {
                pthread_mutex_lock(&c->lock);
                c->failed++;
                if (c->first_failed < 0 || (long)d < c->first_failed) {
                    c->first_failed = (long)d;
                    snprintf(c->first_failure, sizeof c->first_failure, "%s",
                             st != EN_OK ? err.message : "the model gave no forecast on an issue");
                }
                pthread_mutex_unlock(&c->lock);
                snprintf(first_draw.failure, sizeof first_draw.failure, "%s",
                         st != EN_OK ? err.message : "the model gave no forecast on an issue");
                first_draw.kind = 3;
                en_error_clear(&err);
                continue;
            }
            fc_frame_update(&frame, raw, preference, c->o->audience_cost);
            unsigned char flags = DRAW_OK;
            int all = 1;
            for (size_t q = 0; q < np; q++) {
                int no = fc_surplus(&frame, q, f) <= FC_TOL;
                c->reject[d * np + q] = (unsigned char)no;
                all &= !no;
            }
            if (all) flags |= DRAW_ACCEPTED | DRAW_WINSET | DRAW_AGREED;
            else if (fc_winset_nonempty(&frame, lp, &hints, package)) {
                flags |= DRAW_WINSET;
                if (c->mediation) flags |= DRAW_AGREED;
            }
            c->flags[d] = flags;
            if (c->same) {
                memcpy(first_draw.forecast, f, ni * sizeof *f);
                memcpy(first_draw.reject, c->reject + d * np, np);
                first_draw.flags = flags;
                first_draw.kind = 1;
            }
        }
        if (c->progress) progress_add(c->progress, last - first);
    }
    en_free(first_draw.forecast), en_free(first_draw.reject), en_free(first_draw.unweighted);
    en_param_values_free(direct);
    fc_hints_free(&hints);
    fc_lp_free(lp);
    fc_frame_free(&frame);
    en_free(preference);
    en_free(package);
    en_scenario_free(raw);
    en_scenario_free(eff);
}

/* The draw workers started (ids[0 .. count)), joined by the section (core/oom.h). */
typedef struct fc_threads {
    pthread_t *ids;
    unsigned count;
} fc_threads;

static void join_draw_workers(void *data)
{
    fc_threads *t = data;
    for (unsigned k = 0; k < t->count; k++) pthread_join(t->ids[k], NULL);
}

static void *draw_worker(void *data)
{
    fc_case *c = data;
    if (c->threaded) en_oom_worker_run(&c->section, draw_work, c);
    else draw_work(c);
    return NULL;
}

static unsigned thread_count(unsigned asked)
{
    if (asked) return asked;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

/* The k-th smallest of v[0, n) (k < n), left at v[k] with no larger value before it and no
 * smaller one after it (Hoare's selection, median-of-three pivots): O(n) expected. */
static double select_kth(double *v, size_t n, size_t k)
{
    long lo = 0, hi = (long)n - 1, target = (long)k;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        double t;
#define FC_SWAP(a, b) (t = v[a], v[a] = v[b], v[b] = t)
        if (v[mid] < v[lo]) FC_SWAP(mid, lo);
        if (v[hi] < v[lo]) FC_SWAP(hi, lo);
        if (v[hi] < v[mid]) FC_SWAP(hi, mid);
        double pivot = v[mid];
        long i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                FC_SWAP(i, j);
                i++, j--;
            }
        }
#undef FC_SWAP
        /* v[lo, j] <= pivot <= v[i, hi], and what lies between equals the pivot */
        if (target <= j) hi = j;
        else if (target >= i) lo = i;
        else break;
    }
    return v[k];
}

/* fc_quantile (forecast_internal.h): the two order statistics are the same values whatever
 * the algorithm finds them (equal values differ at most in the sign of a zero, which the
 * interpolation's sum does not pass on), so the number is the one the sorted values give. */
double fc_quantile(double *values, size_t n, double p)
{
    if (n == 0) return NAN;
    double h = p * (double)(n - 1);
    size_t i = (size_t)floor(h);
    if (i + 1 >= n) return select_kth(values, n, n - 1);
    double low = select_kth(values, n, i), next = values[i + 1];
    for (size_t k = i + 2; k < n; k++)
        if (values[k] < next) next = values[k];
    return low + (h - (double)i) * (next - low);
}

static int has_mediator(const en_scenario *s)
{
    for (size_t a = 0; a < s->actor_count; a++)
        if (s->actors[a].role == EN_ROLE_MEDIATOR) return 1;
    return 0;
}

static char *join_ids(const en_scenario *s, const fc_frame *f, const unsigned char *flag)
{
    en_buffer b = {0};
    en_buffer_puts(&b, "");
    for (size_t q = 0; q < f->player_count; q++)
        if (flag[q]) en_buffer_printf(&b, "%s%s", b.length ? ", " : "", s->actors[f->players[q].actor].id);
    return b.data;
}

typedef struct panel {
    const en_model **models;
    size_t count;
} panel;

static int by_share(const void *a, const void *b)
{
    const fc_blocker *x = a, *y = b;
    if (x->share != y->share) return x->share > y->share ? -1 : 1;
    return strcmp(x->actor, y->actor);
}

/* Every process's draws to every process (en_distributor): each sends its blocks' forecasts,
 * rejections and flags with its failure count and first failure, and writes the others' into
 * place, so every process summarises all draws as one process would. */
typedef struct draws_header {
    uint64_t failed;
    int64_t first_failed;
    char first_failure[512];
} draws_header;

static en_status exchange_draws(fc_case *c, const en_distributor *d, size_t blocks, en_error *err)
{
    size_t ni = c->ni, np = c->np, per_draw = ni * sizeof(double) + np + 1;
    size_t first, last;
    en_distribute_share(d, blocks, &first, &last);
    size_t lo = first * EN_MC_BLOCK < c->draws ? first * EN_MC_BLOCK : c->draws;
    size_t hi = last * EN_MC_BLOCK < c->draws ? last * EN_MC_BLOCK : c->draws;
    size_t bytes = sizeof(draws_header) + (hi - lo) * per_draw;
    unsigned char *mine = en_xcalloc(bytes, 1), *p = mine + sizeof(draws_header);
    draws_header h = {c->failed, c->first_failed, {0}};
    memcpy(h.first_failure, c->first_failure, sizeof h.first_failure);
    memcpy(mine, &h, sizeof h);
    memcpy(p, c->forecast + lo * ni, (hi - lo) * ni * sizeof(double));
    p += (hi - lo) * ni * sizeof(double);
    memcpy(p, c->reject + lo * np, (hi - lo) * np);
    memcpy(p + (hi - lo) * np, c->flags + lo, hi - lo);
    void *all = NULL;
    size_t all_bytes = 0;
    en_status st = (en_status)d->gather(d->data, mine, bytes, &all, &all_bytes, err);
    en_free(mine);
    if (st != EN_OK) return st;
    c->failed = 0;
    c->first_failed = -1;
    size_t at = 0;
    for (int rank = 0; rank < d->size; rank++) {
        en_distribute_share_of(d, rank, blocks, &first, &last);
        lo = first * EN_MC_BLOCK < c->draws ? first * EN_MC_BLOCK : c->draws;
        hi = last * EN_MC_BLOCK < c->draws ? last * EN_MC_BLOCK : c->draws;
        if (at + sizeof(draws_header) + (hi - lo) * per_draw > all_bytes) {
            en_free(all);
            return en_error_set(err, EN_ERROR_INTERNAL, "the exchanged draws are incomplete");
        }
        const unsigned char *q = (const unsigned char *)all + at;
        memcpy(&h, q, sizeof h);
        q += sizeof h;
        c->failed += (size_t)h.failed;
        /* The shares are in draw order: the first failure is the first rank's that has one. */
        if (c->first_failed < 0 && h.first_failed >= 0) {
            c->first_failed = (long)h.first_failed;
            memcpy(c->first_failure, h.first_failure, sizeof c->first_failure);
        }
        memcpy(c->forecast + lo * ni, q, (hi - lo) * ni * sizeof(double));
        q += (hi - lo) * ni * sizeof(double);
        memcpy(c->reject + lo * np, q, (hi - lo) * np);
        memcpy(c->flags + lo, q + (hi - lo) * np, hi - lo);
        at += sizeof(draws_header) + (hi - lo) * per_draw;
    }
    en_free(all);
    return EN_OK;
}

static double answer_proposal(const fc_answer *a, size_t k) { return a->issues[k].proposal; }

/* Computes one case's answer into `answer`: the point forecast and the panel, acceptance at the
 * point estimates, the Monte Carlo draws (threads), the intervals, the blockers and the
 * mediator's proposal. `raw` is a canonical scenario. */
static en_status compute_case(const en_scenario *raw, const en_model *model, const en_params *params,
                              const panel *pn, const en_forecast_options *o, const size_t *issue_from,
                              fc_progress *progress, fc_answer *answer, char ***notes, size_t *note_count,
                              en_error *err)
{
    memset(answer, 0, sizeof *answer);
    size_t ni = raw->issue_count, na = raw->actor_count;
    en_scenario *eff = en_scenario_clone(raw);
    double *preference = en_xcalloc(na * ni + 1, sizeof *preference);
    fc_effective(raw, o->patron_weight, o->audience_cost, eff, preference);
    double *point = en_xcalloc(ni + 1, sizeof *point);
    en_status st = run_model(model, eff, params, point, err);
    if (st != EN_OK) {
        en_free(point), en_free(preference), en_scenario_free(eff);
        return st;
    }
    for (size_t k = 0; k < ni; k++)
        if (isnan(point[k])) {
            en_free(point), en_free(preference), en_scenario_free(eff);
            return en_error_set(err, EN_ERROR_MODEL, "model '%s' gave no forecast on issue '%s'",
                                en_model_name(model), raw->issues[k].id);
        }
    /* The panel: every model's answer on the same effective scenario. */
    double *answers = en_xcalloc(pn->count * ni + 1, sizeof *answers);
    for (size_t m = 0; m < pn->count; m++) {
        en_error merr = EN_ERROR_INIT;
        if (pn->models[m] == model) memcpy(answers + m * ni, point, ni * sizeof *point);
        else {
            en_params *own = en_params_for_model(params, pn->models[m]);
            if (run_model(pn->models[m], eff, own, answers + m * ni, &merr) != EN_OK) {
                for (size_t k = 0; k < ni; k++) answers[m * ni + k] = NAN;
                en_error_clear(&merr);
            }
            en_params_free(own);
        }
    }
    /* Acceptance at the point estimate. */
    fc_frame frame;
    fc_frame_init(&frame, raw, preference, o->audience_cost);
    size_t np = frame.player_count;
    answer->veto_player_count = np;
    int mediation = o->mediation && has_mediator(raw);
    double *package = en_xcalloc(ni + 1, sizeof *package), *proposal = en_xcalloc(ni + 1, sizeof *proposal);
    fc_lp *lp = fc_lp_new();
    int accepted = 1;
    for (size_t q = 0; q < np; q++) accepted &= fc_surplus(&frame, q, point) > FC_TOL;
    answer->forecast_accepted_point = accepted;
    double best = fc_maximin(&frame, lp, package);
    answer->winset_empty_point = !(best > FC_TOL);
    double *winset_point = en_xcalloc(ni + 1, sizeof *winset_point);
    memcpy(winset_point, package, ni * sizeof *package);
    if (!accepted && !answer->winset_empty_point && mediation) fc_pull_into_winset(&frame, point, package, proposal);
    else memcpy(proposal, point, ni * sizeof *point);
    answer->model_rejected_by = en_xcalloc(pn->count + 1, sizeof *answer->model_rejected_by);
    unsigned char *flag = en_xcalloc(np + 1, 1);
    for (size_t m = 0; m < pn->count; m++) {
        const double *x = answers + m * ni;
        int usable = 1;
        for (size_t k = 0; k < ni; k++) usable &= !isnan(x[k]);
        for (size_t q = 0; q < np; q++) flag[q] = usable && fc_surplus(&frame, q, x) <= FC_TOL;
        answer->model_rejected_by[m] = join_ids(raw, &frame, flag);
    }

    /* Monte Carlo. */
    fc_case c;
    memset(&c, 0, sizeof c);
    c.raw = raw, c.model = model, c.params = params, c.o = o, c.mediation = mediation;
    /* The point estimate's maximin package is the draws' first certificate of a non-empty
     * win-set (fc_winset_nonempty: the same answer as the simplex). */
    c.winset_hint = answer->winset_empty_point ? NULL : winset_point;
    c.slots = collect_slots(raw, &c.slot_count);
    /* Nothing sampled and a model that ignores the seed: every draw is the point scenario's
     * (ENTENTE_MC_REUSE=0 computes each all the same, as for `mc`). */
    const char *reuse = getenv("ENTENTE_MC_REUSE");
    c.same = c.slot_count == 0 && !(reuse && strcmp(reuse, "0") == 0) && en_model_seed_free(model, params);
    c.draws = o->draws, c.ni = ni, c.np = np;
    c.forecast = en_xcalloc(c.draws * ni + 1, sizeof *c.forecast);
    c.reject = en_xcalloc(c.draws * np + 1, 1);
    c.flags = en_xcalloc(c.draws + 1, 1);
    c.first_failed = -1;
    c.zero_weight = en_xcalloc(ni + 1, sizeof *c.zero_weight);
    c.progress = progress;
    pthread_mutex_init(&c.lock, NULL);
    unsigned threads = thread_count(o->threads);
    size_t blocks = (c.draws + EN_MC_BLOCK - 1) / EN_MC_BLOCK;
    if (threads > blocks) threads = (unsigned)blocks;
    /* Under a distributor this process draws its share of the blocks; the rest arrive below. */
    en_distribute_share(o->distributor, blocks, &c.next_block, &c.last_block);
    fc_threads started = {en_xcalloc(threads + 1, sizeof *started.ids), 0};
    c.threaded = threads > 1;
    /* No unwinding under the workers' feet: a thread out of memory (the calling one included)
     * fails the call once they are joined. */
    if (c.threaded) en_oom_section_begin(&c.section, join_draw_workers, &started);
    for (unsigned t = 1; t < threads; t++)
        if (pthread_create(&started.ids[started.count], NULL, draw_worker, &c) == 0) started.count++;
    draw_worker(&c);
    if (c.threaded) en_oom_section_end(&c.section); /* joins; unwinds if a thread ran out of memory */
    else join_draw_workers(&started);
    en_free(started.ids);
    pthread_mutex_destroy(&c.lock);
    if (en_distribute_active(o->distributor) && exchange_draws(&c, o->distributor, blocks, err) != EN_OK) {
        en_free(c.forecast), en_free(c.reject), en_free(c.flags), en_free(c.slots);
        en_free(flag), en_free(winset_point), en_free(package), en_free(proposal), fc_lp_free(lp), fc_frame_free(&frame);
        en_free(answers), en_free(point), en_free(preference), en_scenario_free(eff);
        return err->code;
    }
    size_t ok = 0, acc = 0, win = 0, agreed = 0;
    size_t *rejects = en_xcalloc(np + 1, sizeof *rejects);
    for (size_t d = 0; d < c.draws; d++) {
        if (!(c.flags[d] & DRAW_OK)) continue;
        ok++;
        acc += (c.flags[d] & DRAW_ACCEPTED) != 0;
        win += (c.flags[d] & DRAW_WINSET) != 0;
        agreed += (c.flags[d] & DRAW_AGREED) != 0;
        for (size_t q = 0; q < np; q++) rejects[q] += c.reject[d * np + q];
    }
    if (c.failed) {
        EN_GROW(*notes, *note_count, *note_count + 1);
        (*notes)[(*note_count)++] = en_xprintf("%zu of %zu draws were left out: the model refused them (first, draw %ld: %s)",
                                               c.failed, c.draws, c.first_failed, c.first_failure);
    }
    for (size_t k = 0; k < ni; k++) {
        if (!c.zero_weight[k]) continue;
        EN_GROW(*notes, *note_count, *note_count + 1);
        (*notes)[(*note_count)++] = en_xprintf("issue '%s': no forecast in %zu of %zu draws: every "
                                               "actor's weight on it (capability x salience) was "
                                               "drawn to zero (those draws are left out)",
                                               raw->issues[k].id, c.zero_weight[k], c.draws);
    }
    en_free(c.zero_weight);
    if (ok == 0) {
        en_status code = en_error_set(err, EN_ERROR_MODEL, "no Monte Carlo draw gave a forecast (first failure: %s)",
                                      c.first_failure[0] ? c.first_failure : "every draw had an issue whose weights were all zero");
        en_free(c.forecast), en_free(c.reject), en_free(c.flags), en_free(c.slots), en_free(rejects);
        en_free(flag), en_free(winset_point), en_free(package), en_free(proposal), fc_lp_free(lp), fc_frame_free(&frame);
        en_free(answers), en_free(point), en_free(preference), en_scenario_free(eff);
        return code;
    }
    answer->draws = ok;
    answer->p_forecast_accepted = (double)acc / (double)ok;
    answer->p_winset = (double)win / (double)ok;
    answer->p_agreement = (double)agreed / (double)ok;
    /* Issues: intervals from the draws and from the mixture over the panel. */
    answer->issue_count = ni;
    answer->issues = en_xcalloc(ni + 1, sizeof *answer->issues);
    double *values = en_xcalloc(ok * (pn->count + 1) + 1, sizeof *values);
    for (size_t k = 0; k < ni; k++) {
        fc_issue *is = &answer->issues[k];
        const en_issue *issue = &raw->issues[k];
        is->id = en_xstrdup(issue->id);
        is->original = issue_from ? issue_from[k] : k;
        is->forecast = point[k];
        is->no_agreement = issue->has_status_quo ? issue->status_quo.value : NAN;
        is->proposal = proposal[k];
        is->models = en_xcalloc(pn->count + 1, sizeof *is->models);
        for (size_t m = 0; m < pn->count; m++) is->models[m] = answers[m * ni + k];
        size_t n = 0;
        for (size_t d = 0; d < c.draws; d++)
            if (c.flags[d] & DRAW_OK) values[n++] = c.forecast[d * ni + k];
        is->mc_lo = fc_quantile(values, n, 0.1);
        is->mc_hi = fc_quantile(values, n, 0.9);
        /* Mixture: each model's answer carries the default forecaster's spread (equal weights). */
        n = 0;
        for (size_t m = 0; m < pn->count; m++) {
            double shift = answers[m * ni + k] - point[k];
            if (isnan(shift)) continue;
            for (size_t d = 0; d < c.draws; d++) {
                if (!(c.flags[d] & DRAW_OK)) continue;
                double x = c.forecast[d * ni + k] + shift;
                values[n++] = x < issue->scale_min ? issue->scale_min : x > issue->scale_max ? issue->scale_max : x;
            }
        }
        is->lo = fc_quantile(values, n, 0.1);
        is->hi = fc_quantile(values, n, 0.9);
    }
    en_free(values);
    /* Blockers: veto players that reject the forecast package in some draw or at the point. */
    answer->blockers = en_xcalloc(np + 1, sizeof *answer->blockers);
    double *changed = en_xcalloc(ni + 1, sizeof *changed);
    for (size_t q = 0; q < np; q++) {
        double surplus = fc_surplus(&frame, q, point);
        if (rejects[q] == 0 && surplus > FC_TOL) continue;
        fc_blocker *b = &answer->blockers[answer->blocker_count++];
        b->actor = en_xstrdup(raw->actors[frame.players[q].actor].id);
        b->share = (double)rejects[q] / (double)ok;
        b->surplus = surplus;
        b->changed = en_xcalloc(ni + 1, sizeof *b->changed);
        b->wins = fc_smallest_change(&frame, q, point, changed);
        memcpy(b->changed, changed, ni * sizeof *changed);
        for (size_t r = 0; r < np; r++) flag[r] = r != q && fc_surplus(&frame, r, changed) <= FC_TOL;
        b->loses = join_ids(raw, &frame, flag);
    }
    /* A nearer proposal than the segment's: win the blockers over one after another by their
     * smallest changes (in actor order, at most P passes); kept when every veto player accepts it
     * and it is nearer the forecast (sum of moves in shares of each scale). */
    if (mediation && !accepted && !answer->winset_empty_point) {
        double *y = en_xcalloc(ni + 1, sizeof *y), *next = en_xcalloc(ni + 1, sizeof *next);
        memcpy(y, point, ni * sizeof *y);
        int all = 0;
        for (size_t pass = 0; pass < np && !all; pass++) {
            all = 1;
            for (size_t q = 0; q < np; q++) {
                if (fc_surplus(&frame, q, y) > FC_TOL) continue;
                all = 0;
                if (fc_smallest_change(&frame, q, y, next)) memcpy(y, next, ni * sizeof *y);
            }
        }
        all = 1;
        for (size_t q = 0; q < np; q++) all &= fc_surplus(&frame, q, y) > FC_TOL;
        double far_seq = 0, far_seg = 0;
        for (size_t k = 0; k < ni; k++) {
            double width = raw->issues[k].scale_max - raw->issues[k].scale_min;
            far_seq += fabs(y[k] - point[k]) / width;
            far_seg += fabs(answer_proposal(answer, k) - point[k]) / width;
        }
        if (all && far_seq < far_seg)
            for (size_t k = 0; k < ni; k++) answer->issues[k].proposal = y[k];
        en_free(y);
        en_free(next);
    }
    qsort(answer->blockers, answer->blocker_count, sizeof *answer->blockers, by_share);
    en_free(changed);
    en_free(rejects);
    en_free(c.forecast), en_free(c.reject), en_free(c.flags), en_free(c.slots);
    en_free(flag), en_free(winset_point), en_free(package), en_free(proposal), fc_lp_free(lp), fc_frame_free(&frame);
    en_free(answers), en_free(point), en_free(preference), en_scenario_free(eff);
    return EN_OK;
}

static void answer_free(fc_answer *a, size_t panel_count)
{
    for (size_t k = 0; k < a->issue_count; k++) en_free(a->issues[k].id), en_free(a->issues[k].models);
    en_free(a->issues);
    for (size_t b = 0; b < a->blocker_count; b++)
        en_free(a->blockers[b].actor), en_free(a->blockers[b].changed), en_free(a->blockers[b].loses);
    en_free(a->blockers);
    if (a->model_rejected_by)
        for (size_t m = 0; m < panel_count; m++) en_free(a->model_rejected_by[m]);
    en_free(a->model_rejected_by);
}

/* ---- drivers ---- */

static int by_score(const void *a, const void *b)
{
    const fc_driver *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return strcmp(x->input, y->input);
}

typedef struct driver_job {
    const en_scenario *canonical;
    const en_model *model;
    const en_params *params;
    const en_forecast_options *o;
    const double *base;
    const driver_input *inputs;
} driver_job;

/* A thread's scratch: the raw scenario and its effective copy, moved one input at a time and
 * put back, and the forecaster's parameter values for its direct path. */
typedef struct driver_state {
    en_scenario *raw, *eff;
    en_param_values *direct;
    double *f;
} driver_state;

/* What one input gave: the direction with the larger effect (found: 0 if none). */
typedef struct driver_record {
    int found;
    size_t issue;
    double score, effect, from, to, value, moved;
} driver_record;

static void *driver_begin(void *context)
{
    const driver_job *job = context;
    driver_state *t = en_xcalloc(1, sizeof *t);
    t->raw = en_scenario_clone(job->canonical);
    t->eff = en_scenario_clone(job->canonical);
    fc_effective(t->raw, job->o->patron_weight, job->o->audience_cost, t->eff, NULL);
    t->f = en_xcalloc(job->canonical->issue_count + 1, sizeof *t->f);
    /* The default forecaster's runs skip en_run, as the draws do (the same bits). */
    if (job->model == en_model_find("ensemble")) {
        en_error err = EN_ERROR_INIT;
        if (en_param_values_build(job->model, job->params, &t->direct, &err) != EN_OK) t->direct = NULL;
        en_error_clear(&err);
    }
    return t;
}

static void driver_end(void *state)
{
    driver_state *t = state;
    en_param_values_free(t->direct);
    en_free(t->f);
    en_scenario_free(t->raw);
    en_scenario_free(t->eff);
    en_free(t);
}

/* Moves one input to `low` and `high` in turn, in the raw scenario and its effective copy,
 * re-running the forecast; keeps the direction with the larger effect on any issue (as a share
 * of its scale). */
static void driver_compute(void *context, void *state, size_t item, unsigned char *record)
{
    const driver_job *job = context;
    driver_state *t = state;
    const driver_input *in = &job->inputs[item];
    const en_forecast_options *o = job->o;
    size_t ni = t->raw->issue_count;
    sample_slot slot = {in->field, in->actor, in->issue, 0};
    en_value *v = slot_value(t->raw, &slot), *mirror = slot_value(t->eff, &slot);
    double saved = v->value, *f = t->f;
    driver_record best = {0};
    best.score = -1;
    for (int side = 0; side < 2; side++) {
        double moved = side == 0 ? in->low : in->high;
        if (moved == saved) continue;
        v->value = moved;
        mirror->value = moved;
        fc_effective(t->raw, o->patron_weight, o->audience_cost, t->eff, NULL);
        if (!t->direct || !en_ensemble_forecast_direct(t->eff, t->direct, f)) {
            en_error err = EN_ERROR_INIT;
            if (run_model(job->model, t->eff, job->params, f, &err) != EN_OK) {
                en_error_clear(&err);
                continue;
            }
        }
        for (size_t k = 0; k < ni; k++) {
            if (isnan(f[k])) continue;
            double width = t->raw->issues[k].scale_max - t->raw->issues[k].scale_min;
            double effect = f[k] - job->base[k];
            double score = fabs(effect) / width;
            if (score <= 1e-9) continue;
            if (score > best.score) {
                best.found = 1, best.issue = k;
                best.score = score, best.effect = effect, best.from = job->base[k], best.to = f[k];
                best.value = saved, best.moved = moved;
            }
        }
    }
    v->value = saved;
    mirror->value = saved;
    fc_effective(t->raw, o->patron_weight, o->audience_cost, t->eff, NULL);
    memcpy(record, &best, sizeof best);
}

static void add_input(driver_input **list, size_t *count, size_t *capacity, slot_field field, long actor,
                      long issue, double low, double high)
{
    EN_GROW(*list, *capacity, *count + 1);
    (*list)[(*count)++] = (driver_input){field, actor, issue, low, high};
}

size_t fc_driver_inputs(const en_scenario *canonical, double delta, driver_input **out)
{
    size_t ni = canonical->issue_count;
    driver_input *inputs = NULL;
    size_t input_count = 0, input_capacity = 0;
    double dl = delta;
    for (size_t k = 0; k < ni; k++) {
        const en_issue *issue = &canonical->issues[k];
        double w = issue->scale_max - issue->scale_min;
        if (!issue->has_status_quo) continue;
        double x = issue->status_quo.value;
        add_input(&inputs, &input_count, &input_capacity, SLOT_STATUS_QUO, -1, (long)k,
                  fmax(issue->scale_min, x - dl * w), fmin(issue->scale_max, x + dl * w));
    }
    for (size_t a = 0; a < canonical->actor_count; a++) {
        const en_actor *actor = &canonical->actors[a];
        double c = actor->capability.value;
        add_input(&inputs, &input_count, &input_capacity, SLOT_CAPABILITY, (long)a, -1, fmax(0, c - dl * c), c + dl * c);
        for (size_t k = 0; k < ni; k++) {
            const en_stance *st = &actor->stances[k];
            if (!st->present) continue;
            const en_issue *issue = &canonical->issues[k];
            double w = issue->scale_max - issue->scale_min, x = st->position.value, s = st->salience.value;
            add_input(&inputs, &input_count, &input_capacity, SLOT_POSITION, (long)a, (long)k,
                      fmax(issue->scale_min, x - dl * w), fmin(issue->scale_max, x + dl * w));
            add_input(&inputs, &input_count, &input_capacity, SLOT_SALIENCE, (long)a, (long)k, fmax(0, s - dl),
                      fmin(1, s + dl));
            if (st->has_public) {
                double p = st->public_position.value;
                add_input(&inputs, &input_count, &input_capacity, SLOT_PUBLIC, (long)a, (long)k,
                          fmax(issue->scale_min, p - dl * w), fmin(issue->scale_max, p + dl * w));
            }
        }
    }
    *out = inputs;
    return input_count;
}

void fc_driver_leverage(const en_scenario *canonical, double patron_weight, double audience_cost,
                        const driver_input *inputs, size_t count, double *leverage)
{
    size_t na = canonical->actor_count, ni = canonical->issue_count;
    /* The effective positions, each issue's total weight and compromise, and per client and
     * issue the weight its patrons commit (the patrons' pull of fc_effective). */
    en_scenario *eff = en_scenario_clone(canonical);
    fc_effective(canonical, patron_weight, audience_cost, eff, NULL);
    double *total = en_xcalloc(ni + 1, sizeof *total), *mean = en_xcalloc(ni + 1, sizeof *mean);
    double *patrons = en_xcalloc(na * ni + 1, sizeof *patrons);
    for (size_t a = 0; a < na; a++)
        for (size_t k = 0; k < ni; k++) {
            if (!canonical->actors[a].stances[k].present) continue;
            double w = en_scenario_weight(canonical, a, k);
            total[k] += w;
            mean[k] += w * eff->actors[a].stances[k].position.value;
            long client = canonical->actors[a].patron_of;
            if (client >= 0 && (size_t)client < na && canonical->actors[client].stances[k].present)
                patrons[(size_t)client * ni + k] += w;
        }
    for (size_t k = 0; k < ni; k++) mean[k] = total[k] > 0 ? mean[k] / total[k] : 0;
    /* What share of its own position the effective position keeps (the patrons pull the rest,
     * a public stance holds 1/(1+α) of what is left), and ω: one patron's pull per unit weight. */
    double public_keeps = audience_cost > 0 ? 1 / (1 + audience_cost) : 1;
#define FC_KEEPS(a, k) (canonical->actors[a].stances[k].has_public ? public_keeps : 1.0)
    for (size_t n = 0; n < count; n++) {
        const driver_input *in = &inputs[n];
        double lev = 0;
        if (in->field == SLOT_STATUS_QUO) {
            leverage[n] = INFINITY;
            continue;
        }
        size_t a = (size_t)in->actor;
        for (size_t k = 0; k < ni; k++) {
            if (in->issue >= 0 && (size_t)in->issue != k) continue;
            const en_stance *st = &canonical->actors[a].stances[k];
            if (!st->present || !(total[k] > 0)) continue;
            const en_issue *issue = &canonical->issues[k];
            double norm = total[k] * (issue->scale_max - issue->scale_min);
            double w = en_scenario_weight(canonical, a, k), gap = fabs(eff->actors[a].stances[k].position.value - mean[k]);
            double value = in->field == SLOT_CAPABILITY ? canonical->actors[a].capability.value
                           : in->field == SLOT_POSITION ? st->position.value
                           : in->field == SLOT_SALIENCE ? st->salience.value
                           : st->public_position.value;
            double d = fmax(fabs(in->low - value), fabs(in->high - value)), slope = 0;
            switch (in->field) {
            case SLOT_POSITION: {
                double own = w, pulled = patrons[a * ni + k];
                double keeps = patron_weight > 0 && own + pulled > own ? 1 - patron_weight * pulled / (own + pulled) : 1;
                slope = w * keeps * FC_KEEPS(a, k);
                long client = canonical->actors[a].patron_of;
                if (patron_weight > 0 && client >= 0 && (size_t)client < na && canonical->actors[client].stances[k].present) {
                    size_t j = (size_t)client;
                    double wj = en_scenario_weight(canonical, j, k), all = wj + patrons[j * ni + k];
                    if (all > wj) slope += wj * (patron_weight * w / all) * FC_KEEPS(j, k);
                }
                break;
            }
            case SLOT_PUBLIC: slope = audience_cost > 0 ? w * audience_cost / (1 + audience_cost) : 0; break;
            case SLOT_SALIENCE: slope = en_stance_capability(canonical, a, k) * gap; break;
            case SLOT_CAPABILITY: slope = st->has_power ? 0 : st->salience.value * gap; break;
            default: break;
            }
            double here = d * slope / norm;
            if (here > lev) lev = here;
        }
        leverage[n] = lev;
    }
#undef FC_KEEPS
    en_free(patrons), en_free(mean), en_free(total);
    en_scenario_free(eff);
}

/* Screen order: larger leverage first, then the earlier input. */
typedef struct screen_entry {
    double leverage;
    size_t index;
} screen_entry;

static int by_leverage(const void *a, const void *b)
{
    const screen_entry *x = a, *y = b;
    if (x->leverage != y->leverage) return x->leverage > y->leverage ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

size_t fc_screen_inputs(const double *leverage, size_t count, size_t keep, size_t *chosen)
{
    screen_entry *order = en_xcalloc(count + 1, sizeof *order);
    size_t others = 0, n = 0;
    for (size_t k = 0; k < count; k++) {
        if (isinf(leverage[k])) chosen[n++] = k;
        /* a NaN leverage (no number to rank by) ranks last */
        else order[others++] = (screen_entry){isnan(leverage[k]) ? -INFINITY : leverage[k], k};
    }
    qsort(order, others, sizeof *order, by_leverage);
    for (size_t k = 0; k < others && k < keep; k++) chosen[n++] = order[k].index;
    en_free(order);
    qsort(chosen, n, sizeof *chosen, by_index);
    return n;
}

static void compute_drivers(const en_scenario *canonical, const en_model *model, const en_params *params,
                            const en_forecast_options *o, const fc_answer *base, en_forecast_result *out)
{
    static const char *const names[] = {"status_quo", "capability", "position", "salience", "public", "power"};
    size_t ni = canonical->issue_count;
    double *f = en_xcalloc(ni + 1, sizeof *f);
    for (size_t k = 0; k < ni; k++) f[k] = base->issues[k].forecast;
    /* The inputs, in the order of the scenario. */
    driver_input *inputs = NULL;
    size_t input_count = fc_driver_inputs(canonical, o->delta, &inputs);
    /* The screen (docs/models/forecast.md §4): with many inputs the forecaster re-runs only on
     * those with the largest first-order leverage, and every status quo. */
    long screen = o->drivers_screen < 0 ? (input_count > FC_SCREEN_THRESHOLD ? FC_SCREEN_DEFAULT : 0) : o->drivers_screen;
    if (screen > 0 && input_count) {
        double *leverage = en_xcalloc(input_count, sizeof *leverage);
        size_t *chosen = en_xcalloc(input_count, sizeof *chosen);
        fc_driver_leverage(canonical, o->patron_weight, o->audience_cost, inputs, input_count, leverage);
        size_t kept = fc_screen_inputs(leverage, input_count, (size_t)screen, chosen);
        for (size_t n = 0; n < kept; n++) inputs[n] = inputs[chosen[n]];
        out->screen_inputs = input_count;
        out->screen_evaluated = kept;
        input_count = kept;
        en_free(chosen), en_free(leverage);
    }
    /* Each input on its own (threads; every process computes all of them): the records come
     * back in input order whatever the thread count. */
    driver_job job = {canonical, model, params, o, f, inputs};
    en_item_job items = {0, input_count, sizeof(driver_record), thread_count(o->threads), &job,
                         driver_begin, driver_compute, driver_end, NULL, NULL};
    unsigned char *records = NULL;
    en_error err = EN_ERROR_INIT;
    if (input_count && en_distribute_items(&items, NULL, &records, &err) != EN_OK) records = NULL;
    en_error_clear(&err);
    fc_driver *list = NULL;
    size_t count = 0, capacity = 0;
    for (size_t n = 0; records && n < input_count; n++) {
        driver_record best;
        memcpy(&best, records + n * sizeof best, sizeof best);
        if (!best.found) continue;
        const driver_input *in = &inputs[n];
        EN_GROW(list, capacity, count + 1);
        fc_driver *d = &list[count++];
        memset(d, 0, sizeof *d);
        d->score = best.score, d->effect = best.effect, d->from = best.from, d->to = best.to;
        d->value = best.value, d->moved = best.moved;
        const char *actor_id = in->actor >= 0 ? canonical->actors[in->actor].id : NULL;
        const char *issue_id = in->issue >= 0 ? canonical->issues[in->issue].id : NULL;
        d->issue = en_xstrdup(canonical->issues[best.issue].id);
        d->actor = actor_id ? en_xstrdup(actor_id) : NULL;
        d->issue_input = issue_id ? en_xstrdup(issue_id) : NULL;
        d->field = en_xstrdup(names[in->field]);
        d->input = en_xprintf("%s%s%s%s%s", actor_id ? actor_id : "", actor_id ? "." : "", issue_id ? issue_id : "",
                              issue_id ? "." : "", names[in->field]);
    }
    en_free(records);
    en_free(inputs);
    if (count > 1) qsort(list, count, sizeof *list, by_score);
    size_t keep = count < o->drivers ? count : o->drivers;
    for (size_t k = keep; k < count; k++) {
        en_free(list[k].input), en_free(list[k].actor), en_free(list[k].issue_input);
        en_free(list[k].field), en_free(list[k].issue);
    }
    out->drivers = list;
    out->driver_count = keep;
    en_free(f);
}

/* ---- the war layer's "when" ---- */

static void compute_war(const en_scenario *s, const en_forecast_options *o, en_forecast_result *out)
{
    en_war_options wo;
    en_war_options_init(&wo);
    wo.runs = o->war_runs;
    wo.seed = (unsigned long)o->seed;
    wo.threads = (int)thread_count(o->threads);
    en_war_summary *summary = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_war_simulate(s, &wo, &summary, &err) != EN_OK) {
        EN_GROW(out->notes, out->note_count, out->note_count + 1);
        out->notes[out->note_count++] = en_xprintf("the war layer did not run: %s", err.message);
        en_error_clear(&err);
        return;
    }
    out->war = en_war_summary_node(summary);
    en_node *text = en_node_get(out->war, "summary");
    out->war_summary = en_xstrdup(text && text->type == EN_NODE_STRING ? text->string : "");
    en_war_summary_free(summary);
}

/* ---- entry point ---- */

en_status en_forecast_run_unguarded(const en_scenario *s, const en_params *params, const en_forecast_options *options,
                          const char *const *what_ifs, size_t what_if_count, en_forecast_result **out,
                          en_error *err)
{
    *out = NULL;
    en_forecast_options o;
    if (options) o = *options;
    else en_forecast_options_init(&o);
    if (o.draws < 1 || o.draws > 10000000)
        return en_error_set(err, EN_ERROR_INPUT, "draws must be in [1, 10000000] (got %zu)", o.draws);
    if (!(o.patron_weight >= 0 && o.patron_weight <= 1))
        return en_error_set(err, EN_ERROR_INPUT, "patron weight must be in [0, 1] (got %g)", o.patron_weight);
    if (!(o.audience_cost >= 0 && o.audience_cost <= 100))
        return en_error_set(err, EN_ERROR_INPUT, "audience cost must be in [0, 100] (got %g)", o.audience_cost);
    if (!(o.delta > 0 && o.delta <= 1)) return en_error_set(err, EN_ERROR_INPUT, "delta must be in (0, 1] (got %g)", o.delta);
    if (o.war_runs < 1) return en_error_set(err, EN_ERROR_INPUT, "war runs must be >= 1");
    const char *name = o.model ? o.model : en_default_forecaster();
    const en_model *model = en_model_find(name);
    if (!model && o.model) return en_error_set(err, EN_ERROR_INPUT, "unknown model '%s' (see 'entente models')", name);
    if (!model) return en_error_set(err, EN_ERROR_INTERNAL, "the default forecaster '%s' is not registered", name);
    /* What-ifs: parsed and checked before any work. */
    size_t ni = s->issue_count;
    size_t *issue_from = en_xcalloc(ni + 1, sizeof *issue_from);
    en_scenario *canonical = fc_canonical_copy(s, issue_from);
    en_scenario **cases = en_xcalloc(what_if_count + 1, sizeof *cases);
    for (size_t w = 0; w < what_if_count; w++) {
        char origin[64];
        snprintf(origin, sizeof origin, what_if_count > 1 ? "--what-if #%zu" : "--what-if", w + 1);
        fc_whatif *parsed = NULL;
        en_status st = fc_whatif_parse(what_ifs[w], origin, &parsed, err);
        if (st == EN_OK) {
            cases[w] = en_scenario_clone(canonical);
            st = fc_whatif_apply(parsed, origin, cases[w], err);
        }
        fc_whatif_free(parsed);
        if (st != EN_OK) {
            for (size_t k = 0; k <= w; k++) en_scenario_free(cases[k]);
            en_free(cases), en_free(issue_from), en_scenario_free(canonical);
            return st;
        }
    }
    en_forecast_result *r = en_xcalloc(1, sizeof *r);
    r->scenario = s;
    r->options = o;
    r->model = en_xstrdup(name);
    r->canonical = canonical;
    r->has_mediator = has_mediator(canonical) && o.mediation;
    for (size_t k = 0; k < ni; k++) r->has_status_quo |= canonical->issues[k].has_status_quo;
    en_params *run_params = en_params_forecast_only(params);
    en_params *model_params = en_params_for_model(run_params, model);
    /* The panel: the default first, then every other model that applies, in registry order. */
    panel pn = {en_xcalloc(en_model_count() + 1, sizeof *pn.models), 0};
    pn.models[pn.count++] = model;
    for (size_t m = 0; m < en_model_count(); m++) {
        const en_model *other = en_model_at(m);
        if (other != model && en_model_applies(other, canonical)) pn.models[pn.count++] = other;
    }
    r->panel_count = pn.count;
    r->panel = en_xcalloc(pn.count + 1, sizeof *r->panel);
    for (size_t m = 0; m < pn.count; m++) r->panel[m] = en_xstrdup(en_model_name(pn.models[m]));
    fc_progress progress = {.total = o.draws * (1 + what_if_count), .fn = o.progress, .data = o.progress_data};
    fc_progress *track = o.progress && !o.distributor ? &progress : NULL;
    if (track) pthread_mutex_init(&progress.lock, NULL);
    en_status st = compute_case(canonical, model, model_params, &pn, &o, issue_from, track, &r->base, &r->notes,
                                &r->note_count, err);
    if (st == EN_OK) compute_drivers(canonical, model, model_params, &o, &r->base, r);
    if (st == EN_OK && what_if_count) {
        r->what_ifs = en_xcalloc(what_if_count, sizeof *r->what_ifs);
        for (size_t w = 0; w < what_if_count && st == EN_OK; w++) {
            r->what_ifs[w].text = en_xstrdup(what_ifs[w]);
            r->what_if_count = w + 1;
            /* A dropped actor changes nothing in the issue order. */
            st = compute_case(cases[w], model, model_params, &pn, &o, issue_from, track, &r->what_ifs[w].answer,
                              &r->notes, &r->note_count, err);
        }
    }
    if (track) {
        if (st == EN_OK) o.progress(progress.total, progress.total, o.progress_data);
        pthread_mutex_destroy(&progress.lock);
    }
    if (st == EN_OK && s->war) compute_war(s, &o, r);
    for (size_t w = 0; w < what_if_count; w++) en_scenario_free(cases[w]);
    en_free(cases);
    en_free(issue_from);
    en_free(pn.models);
    en_params_free(model_params);
    en_params_free(run_params);
    if (st != EN_OK) {
        en_forecast_result_free(r);
        return st;
    }
    *out = r;
    return EN_OK;
}

void en_forecast_result_free(en_forecast_result *r)
{
    if (!r) return;
    answer_free(&r->base, r->panel_count);
    for (size_t w = 0; w < r->what_if_count; w++) {
        en_free(r->what_ifs[w].text);
        answer_free(&r->what_ifs[w].answer, r->panel_count);
    }
    en_free(r->what_ifs);
    for (size_t d = 0; d < r->driver_count; d++) {
        en_free(r->drivers[d].input), en_free(r->drivers[d].actor), en_free(r->drivers[d].issue_input);
        en_free(r->drivers[d].field), en_free(r->drivers[d].issue);
    }
    en_free(r->drivers);
    for (size_t m = 0; m < r->panel_count; m++) en_free(r->panel[m]);
    en_free(r->panel);
    for (size_t n = 0; n < r->note_count; n++) en_free(r->notes[n]);
    en_free(r->notes);
    en_node_free(r->war);
    en_free(r->war_summary);
    en_free(r->model);
    en_scenario_free(r->canonical);
    en_free(r);
}

double en_forecast_p_agreement(const en_forecast_result *r) { return r->base.p_agreement; }

double en_forecast_value(const en_forecast_result *r, size_t issue, double *low, double *high)
{
    for (size_t k = 0; k < r->base.issue_count; k++) {
        const fc_issue *is = &r->base.issues[k];
        if (is->original != issue) continue;
        if (low) *low = is->lo;
        if (high) *high = is->hi;
        return is->forecast;
    }
    if (low) *low = NAN;
    if (high) *high = NAN;
    return NAN;
}
