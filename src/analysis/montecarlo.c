/*
 * montecarlo.c — Monte Carlo forecasts: run any registered model on many sampled copies of a
 * scenario, in parallel, with output that is bit-identical for a given seed whatever the
 * number of threads.
 *
 * How determinism survives parallelism: the draw sequence is cut into blocks of EN_MC_BLOCK
 * draws. Block b samples from its own generator seeded from (seed, b), so what a draw samples
 * never depends on which thread ran it. Finished blocks wait in a small ring of slots and are
 * merged into the statistics strictly in block order, draw by draw, so every floating-point
 * sum is formed in draw order exactly as one thread would form it. The ring has a fixed number
 * of slots (a worker waits rather than run ahead of the merge by more than the ring), which
 * with fixed-size histograms keeps memory independent of the number of draws.
 *
 * The draws (and the point run) go through en_run with trace=none unless the user chose a trace
 * level: only their forecasts and stop reasons are read, and the model skips its story lines and
 * JSON extras (same forecasts, bit for bit). r->params keeps what the user gave, for the report.
 *
 * Time complexity: O(draws × (cost of one model run + size of the scenario)) spread over the
 * threads; memory O(threads × EN_MC_BLOCK × issues + issues × EN_MC_BINS).
 */
#include "analysis/montecarlo.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/distribute.h"
#include "core/error.h"
#include "core/result.h"
#include "analysis/guarded.h"
#include "core/oom.h"
#include "core/sample.h"
#include "core/util.h"
#include "models/exchange_forecast.h"
#include "models/model.h"
#include "models/params.h"

static double clamp(double x, double low, double high)
{
    return x < low ? low : x > high ? high : x;
}

/* A uniform shift of up to ±jitter × range; one variate consumed whatever the value. */
static double jittered(double x, double range, double jitter, double min_valid, double max_valid,
                       gsl_rng *rng)
{
    double shift = jitter * (2 * gsl_rng_uniform(rng) - 1) * range;
    return clamp(x + shift, min_valid, max_valid);
}

void en_mc_sample_scenario(const en_scenario *from, en_scenario *into, gsl_rng *rng, double jitter)
{
    for (size_t i = 0; i < from->issue_count; i++)
        if (from->issues[i].has_status_quo)
            into->issues[i].status_quo.value = en_mc_sample_value(&from->issues[i].status_quo, rng);
    for (size_t a = 0; a < from->actor_count; a++) {
        const en_actor *fa = &from->actors[a];
        en_actor *ta = &into->actors[a];
        ta->capability.value = en_mc_sample_value(&fa->capability, rng);
        if (fa->has_risk) ta->risk.value = en_mc_sample_value(&fa->risk, rng);
        for (size_t i = 0; i < from->issue_count; i++) {
            const en_stance *fs = &fa->stances[i];
            en_stance *ts = &ta->stances[i];
            if (!fs->present) continue;
            ts->position.value = en_mc_sample_value(&fs->position, rng);
            ts->salience.value = en_mc_sample_value(&fs->salience, rng);
            if (fs->has_public) ts->public_position.value = en_mc_sample_value(&fs->public_position, rng);
            if (fs->has_power) ts->power.value = en_mc_sample_value(&fs->power, rng);
        }
    }
    if (!(jitter > 0)) return;
    for (size_t a = 0; a < from->actor_count; a++) {
        en_actor *ta = &into->actors[a];
        /* Capability has no upper bound, so its "range" is the value itself: ±jitter relative. */
        ta->capability.value = jittered(ta->capability.value, ta->capability.value, jitter,
                                        ta->capability.min_valid, ta->capability.max_valid, rng);
        for (size_t i = 0; i < from->issue_count; i++) {
            en_stance *ts = &ta->stances[i];
            if (!ts->present) continue;
            const en_issue *issue = &from->issues[i];
            ts->position.value = jittered(ts->position.value, issue->scale_max - issue->scale_min,
                                          jitter, ts->position.min_valid, ts->position.max_valid, rng);
            ts->salience.value = jittered(ts->salience.value,
                                          ts->salience.max_valid - ts->salience.min_valid, jitter,
                                          ts->salience.min_valid, ts->salience.max_valid, rng);
        }
    }
}

/* Sampling returns the value itself (en_mc_sample_value): fixed, a normal without spread, a
 * triangle without width (its mode, which is the value). */
static int value_certain(const en_value *v)
{
    switch (v->kind) {
    case EN_VALUE_TRIANGULAR: return !(v->high - v->low > 0);
    case EN_VALUE_NORMAL: return !(v->sd > 0);
    case EN_VALUE_FIXED: return 1;
    }
    return 0;
}

int en_mc_draws_identical(const en_model *model, const en_scenario *s, const en_params *params,
                          double jitter)
{
    const char *reuse = getenv("ENTENTE_MC_REUSE");
    if (reuse && strcmp(reuse, "0") == 0) return 0;
    if (jitter > 0 || jitter != jitter) return 0;
    /* The same values en_mc_sample_scenario samples. */
    for (size_t i = 0; i < s->issue_count; i++)
        if (s->issues[i].has_status_quo && !value_certain(&s->issues[i].status_quo)) return 0;
    for (size_t a = 0; a < s->actor_count; a++) {
        const en_actor *fa = &s->actors[a];
        if (!value_certain(&fa->capability)) return 0;
        if (fa->has_risk && !value_certain(&fa->risk)) return 0;
        for (size_t i = 0; i < s->issue_count; i++) {
            const en_stance *fs = &fa->stances[i];
            if (!fs->present) continue;
            if (!value_certain(&fs->position) || !value_certain(&fs->salience)) return 0;
            if (fs->has_public && !value_certain(&fs->public_position)) return 0;
            if (fs->has_power && !value_certain(&fs->power)) return 0;
        }
    }
    return en_model_seed_free(model, params);
}

/* ---- statistics ----------------------------------------------------------------------------- */

int en_mc_reason_class(const char *reason)
{
    static const char *const converged[] = {"closed_form", "fixed_point", "consensus", "converged",
                                            "stable", "agreement"};
    for (size_t k = 0; k < sizeof converged / sizeof converged[0]; k++)
        if (strcmp(reason, converged[k]) == 0) return 0;
    if (strcmp(reason, "rounds") == 0) return 1;
    return 2;
}

long en_mc_nearest_label(const en_issue *issue, double x)
{
    long best = -1;
    for (size_t l = 0; l < issue->label_count; l++)
        if (best < 0 || fabs(issue->labels[l].at - x) < fabs(issue->labels[best].at - x))
            best = (long)l;
    return best;
}

static size_t bin_of(const en_issue *issue, double x)
{
    double t = (x - issue->scale_min) / (issue->scale_max - issue->scale_min);
    if (!(t > 0)) return 0;
    if (t >= 1) return EN_MC_BINS - 1;
    size_t b = (size_t)(t * EN_MC_BINS);
    return b < EN_MC_BINS ? b : EN_MC_BINS - 1;
}

static void stats_add(en_mc_issue_stats *st, const en_issue *issue, double x, double status_quo,
                      const char *reason)
{
    st->count++;
    double delta = x - st->mean;
    st->mean += delta / (double)st->count;
    st->m2 += delta * (x - st->mean);
    if (st->count == 1 || x < st->min) st->min = x;
    if (st->count == 1 || x > st->max) st->max = x;
    st->bins[bin_of(issue, x)]++;
    if (issue->has_status_quo) {
        /* "Equal" tolerates rounding noise of a model landing on the status quo. */
        double tolerance = 1e-9 * (issue->scale_max - issue->scale_min);
        if (x < status_quo - tolerance) st->below++;
        else if (x > status_quo + tolerance) st->above++;
        else st->equal++;
    }
    long label = en_mc_nearest_label(issue, x);
    if (label >= 0) st->label_counts[label]++;
    switch (en_mc_reason_class(reason)) {
    case 0: st->converged++; break;
    case 1: st->round_limit++; break;
    default: st->stopped_early++; break;
    }
    for (size_t r = 0; r < st->reason_count; r++) {
        if (strcmp(st->reasons[r].name, reason) == 0) {
            st->reasons[r].count++;
            return;
        }
    }
    if (st->reason_count < EN_MC_MAX_REASONS) {
        en_mc_reason *slot = &st->reasons[st->reason_count++];
        snprintf(slot->name, sizeof slot->name, "%s", reason);
        slot->count = 1;
    } else {
        st->reason_other++;
    }
}

double en_mc_quantile(const en_mc_result *r, size_t issue, double p)
{
    const en_mc_issue_stats *st = &r->issues[issue];
    const en_issue *is = &r->scenario->issues[issue];
    if (st->count == 0) return NAN;
    double target = clamp(p, 0, 1) * (double)st->count;
    double width = (is->scale_max - is->scale_min) / EN_MC_BINS;
    double below = 0, q = st->max;
    for (size_t b = 0; b < EN_MC_BINS; b++) {
        if (st->bins[b] == 0) continue;
        double c = (double)st->bins[b];
        if (below + c >= target) {
            /* Uniform density inside the bin: the cumulative count grows linearly across it. */
            q = is->scale_min + ((double)b + (target - below) / c) * width;
            break;
        }
        below += c;
    }
    return clamp(q, st->min, st->max);
}

double en_mc_sd(const en_mc_result *r, size_t issue)
{
    const en_mc_issue_stats *st = &r->issues[issue];
    return st->count > 1 ? sqrt(st->m2 / (double)(st->count - 1)) : 0;
}

/* ---- the parallel engine -------------------------------------------------------------------- */

enum { SLOT_FREE = 0, SLOT_BUSY, SLOT_DONE, SLOT_ABORTED };

typedef struct mc_slot {
    int state;
    size_t block;
    size_t count;        /* draws completed */
    double *forecast;    /* EN_MC_BLOCK × issues; NaN: the model gave none on that issue */
    double *status_quo;  /* EN_MC_BLOCK × issues: the draw's sampled status quo */
    char (*reason)[64];  /* EN_MC_BLOCK × issues */
    unsigned char *failed;
    unsigned char *zero;  /* EN_MC_BLOCK × issues: every weight on the issue zero in the draw */
    long failure_draw;   /* first failed draw of the block, -1 if none */
    char failure[512];
} mc_slot;

typedef struct mc_engine {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    const en_model *model;
    const en_scenario *scenario;
    const en_mc_options *options;
    en_mc_result *result;
    size_t blocks, next_block, merged_blocks, window;
    mc_slot *slots;
    size_t running;      /* workers not yet finished */
    atomic_int stop;     /* set on interrupt: workers abandon their block */
    en_oom_section section; /* a worker out of memory fails the whole call (core/oom.h) */
    int same;            /* en_mc_draws_identical: run the model once per worker, then reuse */
    atomic_size_t runs;  /* model runs for draws */
} mc_engine;

typedef struct mc_worker {
    mc_engine *engine;
    en_scenario *sample; /* this worker's copy, overwritten by every draw */
    en_params *params;
    gsl_rng *rng;
    pthread_t thread;
    /* With engine->same: this worker's first draw, kept (forecast and reason rows as the
     * draw recorded them, or its failure) and copied into every later draw. */
    int cached, cached_failed;
    /* The exchange model on its fast path: each draw's forecasts come from
     * en_exchange_forecast_with (the same bits as en_run, without a result), en_run only
     * where that declines. */
    int direct;
    en_exchange_direct direct_settings;
    double *direct_forecast;
    double *cached_forecast;
    char (*cached_reason)[64];
    char cached_failure[512];
} mc_worker;

/* Also decides the worker's direct exchange path (needs w->engine and w->params). */
static void worker_cache_alloc(mc_worker *w, size_t issues)
{
    w->cached = 0;
    w->cached_forecast = en_xmalloc((issues ? issues : 1) * sizeof(double));
    w->cached_reason = en_xmalloc((issues ? issues : 1) * sizeof *w->cached_reason);
    w->direct = strcmp(w->engine->model->name, "exchange") == 0 &&
                en_exchange_direct_settings(w->params, &w->direct_settings);
    w->direct_forecast = en_xmalloc((issues ? issues : 1) * sizeof(double));
}

static void worker_cache_free(mc_worker *w)
{
    en_free(w->direct_forecast);
    en_free(w->cached_forecast);
    en_free(w->cached_reason);
}

static size_t block_size(const mc_engine *e, size_t block)
{
    size_t first = block * EN_MC_BLOCK, total = e->result->draws_requested;
    return total - first < EN_MC_BLOCK ? total - first : EN_MC_BLOCK;
}

static void run_block(mc_worker *w, mc_slot *slot)
{
    mc_engine *e = w->engine;
    const en_scenario *s = e->scenario;
    size_t issues = s->issue_count, size = block_size(e, slot->block);
    gsl_rng_set(w->rng, en_mc_stream_seed(e->result->seed, slot->block));
    slot->failure_draw = -1;
    slot->count = 0;
    for (size_t k = 0; k < size; k++) {
        if (atomic_load_explicit(&e->stop, memory_order_relaxed)) return;
        en_mc_sample_scenario(s, w->sample, w->rng, e->result->jitter);
        /* A model with randomness of its own gets a seed from the same stream, so it too is
         * reproducible draw by draw. */
        char seed_text[24];
        snprintf(seed_text, sizeof seed_text, "%lu", gsl_rng_get(w->rng) >> 1);
        en_params_set(w->params, "seed", seed_text, NULL);
        en_result *run = NULL;
        en_error err = EN_ERROR_INIT;
        double *forecast = slot->forecast + k * issues;
        for (size_t i = 0; i < issues; i++) {
            forecast[i] = NAN;
            slot->status_quo[k * issues + i] = w->sample->issues[i].status_quo.value;
            slot->reason[k * issues + i][0] = '\0';
            slot->zero[k * issues + i] = (unsigned char)en_scenario_issue_unweighted(w->sample, i);
        }
        slot->failed[k] = 0;
        if (e->same && w->cached) {
            /* The sampling above still ran, so the stream, status quo and zero flags are what
             * they would be; only the model's identical answer is copied, not recomputed. */
            memcpy(forecast, w->cached_forecast, issues * sizeof *forecast);
            memcpy(slot->reason + k * issues, w->cached_reason, issues * sizeof *w->cached_reason);
            if (w->cached_failed) {
                slot->failed[k] = 1;
                if (slot->failure_draw < 0) {
                    slot->failure_draw = (long)(slot->block * EN_MC_BLOCK + k);
                    snprintf(slot->failure, sizeof slot->failure, "%s", w->cached_failure);
                }
            }
            slot->count = k + 1;
            continue;
        }
        atomic_fetch_add_explicit(&e->runs, 1, memory_order_relaxed);
        if (w->direct && en_exchange_forecast_with(w->sample, &w->direct_settings, w->direct_forecast)) {
            for (size_t i = 0; i < issues; i++) {
                if (slot->zero[k * issues + i]) continue; /* as below */
                forecast[i] = w->direct_forecast[i];
                snprintf(slot->reason[k * issues + i], 64, "%s", "rounds");
            }
        } else if (en_run_unguarded(e->model, w->sample, w->params, &run, &err) == EN_OK) {
            for (size_t j = 0; j < run->issue_count; j++) {
                size_t i = run->issues[j].issue;
                if (slot->zero[k * issues + i]) continue; /* 0/0: no forecast, not the model's guess */
                forecast[i] = run->issues[j].forecast;
                snprintf(slot->reason[k * issues + i], 64, "%s", run->issues[j].stop_reason);
            }
            en_result_free(run);
        } else {
            slot->failed[k] = 1;
            if (slot->failure_draw < 0) {
                slot->failure_draw = (long)(slot->block * EN_MC_BLOCK + k);
                snprintf(slot->failure, sizeof slot->failure, "%s", err.message);
            }
        }
        if (e->same) {
            memcpy(w->cached_forecast, forecast, issues * sizeof *forecast);
            memcpy(w->cached_reason, slot->reason + k * issues, issues * sizeof *w->cached_reason);
            w->cached_failed = slot->failed[k];
            snprintf(w->cached_failure, sizeof w->cached_failure, "%s", err.message);
            w->cached = 1;
        }
        en_error_clear(&err);
        slot->count = k + 1;
    }
}

/* Folds a finished block into the statistics, draw by draw. Called with the lock held. */
static void merge_slot(mc_engine *e, const mc_slot *slot)
{
    en_mc_result *r = e->result;
    const en_scenario *s = e->scenario;
    size_t issues = s->issue_count;
    for (size_t k = 0; k < slot->count; k++) {
        r->draws_done++;
        if (slot->failed[k]) {
            r->draws_failed++;
            if (r->first_failure_draw < 0) {
                r->first_failure_draw = slot->failure_draw;
                snprintf(r->first_failure, sizeof r->first_failure, "%s", slot->failure);
            }
            continue;
        }
        for (size_t i = 0; i < issues; i++) {
            double x = slot->forecast[k * issues + i];
            if (slot->zero[k * issues + i]) r->issues[i].zero_weight++;
            if (isnan(x)) continue;
            stats_add(&r->issues[i], &s->issues[i], x, slot->status_quo[k * issues + i],
                      slot->reason[k * issues + i]);
        }
    }
}

static void merge_ready(mc_engine *e)
{
    for (;;) {
        mc_slot *slot = &e->slots[e->merged_blocks % e->window];
        if (e->merged_blocks >= e->blocks || slot->state != SLOT_DONE ||
            slot->block != e->merged_blocks)
            return;
        merge_slot(e, slot);
        slot->state = SLOT_FREE;
        e->merged_blocks++;
    }
}

typedef struct mc_job {
    mc_worker *worker;
    mc_slot *slot;
} mc_job;

static void run_block_job(void *data)
{
    mc_job *job = data;
    run_block(job->worker, job->slot);
}

static void *worker_main(void *data)
{
    mc_worker *w = data;
    mc_engine *e = w->engine;
    pthread_mutex_lock(&e->lock);
    for (;;) {
        /* Stay within the ring: block b needs slot b % window, free once b − window merged. */
        while (!atomic_load(&e->stop) && e->next_block < e->blocks &&
               e->next_block >= e->merged_blocks + e->window)
            pthread_cond_wait(&e->changed, &e->lock);
        if (atomic_load(&e->stop) || e->next_block >= e->blocks) break;
        mc_slot *slot = &e->slots[e->next_block % e->window];
        slot->block = e->next_block++;
        slot->state = SLOT_BUSY;
        pthread_mutex_unlock(&e->lock);
        /* Out of memory: the block is abandoned and every worker stops; the call unwinds once
         * they are joined. */
        if (en_oom_worker_run(&e->section, run_block_job, &(mc_job){w, slot}) != EN_OK)
            atomic_store(&e->stop, 1);
        pthread_mutex_lock(&e->lock);
        slot->state = slot->count == block_size(e, slot->block) ? SLOT_DONE : SLOT_ABORTED;
        merge_ready(e);
        pthread_cond_broadcast(&e->changed);
    }
    e->running--;
    pthread_cond_broadcast(&e->changed);
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

static double monotonic_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The calling thread waits here, turning the caller's cancel flag into the workers' stop flag
 * and reporting progress about ten times a second. */
/* The workers started (workers[0 .. count)), joined by the section (core/oom.h). When the
 * calling thread ran out of memory before supervising them, they are told to stop first. */
typedef struct mc_threads {
    mc_engine *engine;
    mc_worker *workers;
    size_t count;
} mc_threads;

static void join_mc_workers(void *data)
{
    mc_threads *t = data;
    mc_engine *e = t->engine;
    if (en_oom_section_failed(&e->section)) {
        pthread_mutex_lock(&e->lock);
        atomic_store(&e->stop, 1);
        pthread_cond_broadcast(&e->changed);
        pthread_mutex_unlock(&e->lock);
    }
    for (size_t k = 0; k < t->count; k++) pthread_join(t->workers[k].thread, NULL);
}

static void supervise(mc_engine *e)
{
    const en_mc_options *o = e->options;
    double last_report = monotonic_seconds();
    pthread_mutex_lock(&e->lock);
    while (e->running > 0) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += 50 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&e->changed, &e->lock, &until);
        if (o->cancel && *o->cancel && !atomic_load(&e->stop)) {
            atomic_store(&e->stop, 1);
            pthread_cond_broadcast(&e->changed);
        }
        double now = monotonic_seconds();
        if (o->progress && now - last_report >= 0.1) {
            size_t done = e->result->draws_done;
            last_report = now;
            pthread_mutex_unlock(&e->lock);
            o->progress(done, e->result->draws_requested, o->progress_data);
            pthread_mutex_lock(&e->lock);
        }
    }
    pthread_mutex_unlock(&e->lock);
    if (o->progress) o->progress(e->result->draws_done, e->result->draws_requested, o->progress_data);
}

static unsigned default_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores >= 1 ? (unsigned)cores : 1;
}

void en_mc_options_init(en_mc_options *o)
{
    memset(o, 0, sizeof *o);
    o->draws = 1000;
    o->seed = 1;
    o->threads = 0;
    o->jitter = 0;
}

static en_mc_result *result_new(const en_model *model, const en_scenario *s, const en_params *params,
                                const en_mc_options *o)
{
    en_mc_result *r = en_xcalloc(1, sizeof *r);
    r->scenario = s;
    r->model = model;
    r->params = params ? en_params_copy(params) : en_params_new();
    r->seed = o->seed;
    r->jitter = o->jitter;
    r->draws_requested = o->draws;
    r->first_failure_draw = -1;
    r->issue_count = s->issue_count;
    r->issues = en_xcalloc(s->issue_count ? s->issue_count : 1, sizeof *r->issues);
    for (size_t i = 0; i < s->issue_count; i++) {
        r->issues[i].bins = en_xcalloc(EN_MC_BINS, sizeof *r->issues[i].bins);
        r->issues[i].label_counts =
            en_xcalloc(s->issues[i].label_count ? s->issues[i].label_count : 1, sizeof(size_t));
        r->issues[i].point = NAN;
    }
    return r;
}

void en_mc_result_free(en_mc_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->issue_count; i++) {
        en_free(r->issues[i].bins);
        en_free(r->issues[i].label_counts);
    }
    en_free(r->issues);
    en_params_free(r->params);
    en_free(r);
}

static en_status check_options(const en_mc_options *o, en_error *err)
{
    if (o->draws < 1 || o->draws > 1000000000)
        return en_error_set(err, EN_ERROR_INPUT, "draws must be in [1, 1000000000] (got %zu)", o->draws);
    if (!(o->jitter >= 0 && o->jitter <= 1))
        return en_error_set(err, EN_ERROR_INPUT, "jitter must be in [0, 1] (got %g)", o->jitter);
    if (o->threads > 1024)
        return en_error_set(err, EN_ERROR_INPUT, "threads must be in [0, 1024] (got %u)", o->threads);
    return EN_OK;
}

/* The point-estimate run: checks the model and parameters once before any thread starts (a bad
 * --param fails here, not in every draw) and gives the forecast reported next to the spread. */
static en_status point_run(en_mc_result *r, const en_params *params, en_error *err)
{
    en_result *run = NULL;
    en_status st = en_run(r->model, r->scenario, params, &run, err);
    if (st != EN_OK) return st;
    for (size_t j = 0; j < run->issue_count; j++) r->issues[run->issues[j].issue].point = run->issues[j].forecast;
    en_result_free(run);
    return EN_OK;
}

/* ---- across processes (en_distributor; docs/scale.md) ------------------------------------- */

/* One block's draws as a flat record, so processes can exchange them as bytes: a header, the
 * failure flags, then forecasts, status quos and stop reasons, EN_MC_BLOCK × issues each. */
typedef struct mc_block_header {
    uint64_t count;
    int64_t failure_draw;
    char failure[512];
} mc_block_header;

static size_t block_record_bytes(size_t issues)
{
    /* The zero-weight flags last, the whole padded to a multiple of 8 bytes. */
    size_t bytes = sizeof(mc_block_header) + EN_MC_BLOCK + EN_MC_BLOCK * issues * (2 * sizeof(double) + 64) +
                   EN_MC_BLOCK * issues;
    return (bytes + 7) / 8 * 8;
}

/* A slot whose arrays point into a block record (8-byte aligned: every part's size is a
 * multiple of 8 and records start at multiples of the record size of a malloc'd buffer). */
static void slot_view(unsigned char *record, size_t issues, mc_slot *slot)
{
    unsigned char *p = record + sizeof(mc_block_header);
    slot->failed = p;
    p += EN_MC_BLOCK;
    slot->forecast = (double *)(void *)p;
    p += EN_MC_BLOCK * issues * sizeof(double);
    slot->status_quo = (double *)(void *)p;
    p += EN_MC_BLOCK * issues * sizeof(double);
    slot->reason = (char(*)[64])(void *)p;
    p += EN_MC_BLOCK * issues * 64;
    slot->zero = p;
}

typedef struct mc_share {
    mc_engine *engine;
    const en_params *run_params;
} mc_share;

static void *share_begin(void *context)
{
    mc_share *c = context;
    mc_worker *w = en_xcalloc(1, sizeof *w);
    w->engine = c->engine;
    w->sample = en_scenario_clone(c->engine->scenario);
    w->params = en_params_copy(c->run_params);
    w->rng = en_mc_rng_new(); /* checked allocation: freed by an unwind (core/sample.h) */
    worker_cache_alloc(w, c->engine->scenario->issue_count);
    return w;
}

static void share_end(void *state)
{
    mc_worker *w = state;
    en_scenario_free(w->sample);
    en_params_free(w->params);
    en_mc_rng_free(w->rng);
    worker_cache_free(w);
    en_free(w);
}

/* The same run_block as the threaded engine: a block's draws depend only on (seed, block). */
static void share_compute(void *context, void *state, size_t block, unsigned char *record)
{
    mc_share *c = context;
    mc_slot slot;
    memset(&slot, 0, sizeof slot);
    slot_view(record, c->engine->scenario->issue_count ? c->engine->scenario->issue_count : 1, &slot);
    slot.block = block;
    run_block(state, &slot);
    mc_block_header *h = (mc_block_header *)(void *)record;
    h->count = slot.count;
    h->failure_draw = slot.failure_draw;
    memcpy(h->failure, slot.failure, sizeof h->failure);
}

/* An engine for the draws of `r` under `o`, before any slot or thread: what the threaded and
 * the distributed runs share. */
static void engine_init(mc_engine *e, en_mc_result *r, const en_mc_options *o)
{
    memset(e, 0, sizeof *e);
    e->model = r->model;
    e->scenario = r->scenario;
    e->options = o;
    e->result = r;
    e->blocks = (o->draws + EN_MC_BLOCK - 1) / EN_MC_BLOCK;
    atomic_init(&e->stop, 0);
    atomic_init(&e->runs, 0);
    e->same = r->same_draws;
}

/* Blocks per process per exchange: bounds the memory of a wave (size × MC_WAVE_BLOCKS block
 * records on every process) and is the same on every process, as it must be. */
enum { MC_WAVE_BLOCKS = 32 };

/* The draws split across processes in waves of consecutive blocks; every process merges every
 * wave's blocks in block order, exactly as the threaded engine merges them. */
static en_status mc_run_distributed(en_mc_result *r, const en_params *run_params,
                                    const en_mc_options *o, en_error *err)
{
    const en_distributor *d = o->distributor;
    mc_engine e;
    engine_init(&e, r, o);
    size_t issues = r->scenario->issue_count ? r->scenario->issue_count : 1;
    size_t wave = (size_t)d->size * MC_WAVE_BLOCKS;
    mc_share share = {&e, run_params};
    en_item_job job = {0, 0, block_record_bytes(issues), o->threads, &share,
                       share_begin, share_compute, share_end, NULL, NULL};
    for (size_t first = 0; first < e.blocks; first += wave) {
        job.first = first;
        job.count = e.blocks - first < wave ? e.blocks - first : wave;
        unsigned char *records = NULL;
        en_status st = en_distribute_items(&job, d, &records, err);
        if (st != EN_OK) return st;
        for (size_t k = 0; k < job.count; k++) {
            unsigned char *record = records + k * job.record_bytes;
            const mc_block_header *h = (const mc_block_header *)(void *)record;
            mc_slot slot;
            memset(&slot, 0, sizeof slot);
            slot_view(record, issues, &slot);
            slot.block = first + k;
            slot.count = (size_t)h->count;
            slot.failure_draw = (long)h->failure_draw;
            memcpy(slot.failure, h->failure, sizeof slot.failure);
            merge_slot(&e, &slot);
        }
        en_free(records);
        r->model_runs = atomic_load(&e.runs);
    }
    return EN_OK;
}

/* The end every run shares: an interrupted run hands back its prefix, a run whose draws all
 * failed is the model's error. */
static en_status mc_finish(en_mc_result *r, const en_model *model, en_mc_result **out, en_error *err)
{
    if (r->draws_done < r->draws_requested) {
        /* Interrupted: the statistics cover the prefix of draws merged; hand them back. */
        r->interrupted = 1;
        *out = r;
        return en_error_set(err, EN_ERROR_INTERRUPTED, "interrupted after %zu of %zu draws",
                            r->draws_done, r->draws_requested);
    }
    if (r->draws_failed == r->draws_done) {
        en_status code = en_error_set(err, EN_ERROR_MODEL,
                                      "model %s failed on every draw (first, draw %ld: %s)",
                                      model->name, r->first_failure_draw, r->first_failure);
        en_mc_result_free(r);
        return code;
    }
    *out = r;
    return EN_OK;
}

en_status en_mc_run_unguarded(const en_model *model, const en_scenario *scenario, const en_params *params,
                    const en_mc_options *options, en_mc_result **out, en_error *err)
{
    *out = NULL;
    en_mc_options defaults;
    if (!options) {
        en_mc_options_init(&defaults);
        options = &defaults;
    }
    en_status st = check_options(options, err);
    if (st != EN_OK) return st;
    en_mc_result *r = result_new(model, scenario, params, options);
    /* GSL's error handler is process-wide and some models switch it off and back around their
     * solver calls; with it off for the whole run, those concurrent switches all write "off". */
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    en_params *run_params = en_params_forecast_only(r->params);
    st = point_run(r, run_params, err);
    r->same_draws = en_mc_draws_identical(model, scenario, run_params, options->jitter);
    if (st != EN_OK) {
        gsl_set_error_handler(old_handler);
        en_params_free(run_params);
        en_mc_result_free(r);
        return st;
    }
    if (en_distribute_active(options->distributor)) {
        st = mc_run_distributed(r, run_params, options, err);
        gsl_set_error_handler(old_handler);
        en_params_free(run_params);
        if (st != EN_OK) {
            en_mc_result_free(r);
            return st;
        }
        return mc_finish(r, model, out, err);
    }

    mc_engine e;
    engine_init(&e, r, options);
    size_t threads = options->threads ? options->threads : default_threads();
    if (threads > e.blocks) threads = e.blocks;
    e.window = 4 * threads;
    size_t issues = scenario->issue_count ? scenario->issue_count : 1;
    e.slots = en_xcalloc(e.window, sizeof *e.slots);
    for (size_t k = 0; k < e.window; k++) {
        e.slots[k].forecast = en_xmalloc(EN_MC_BLOCK * issues * sizeof(double));
        e.slots[k].status_quo = en_xmalloc(EN_MC_BLOCK * issues * sizeof(double));
        e.slots[k].reason = en_xmalloc(EN_MC_BLOCK * issues * sizeof *e.slots[k].reason);
        e.slots[k].failed = en_xmalloc(EN_MC_BLOCK);
        e.slots[k].zero = en_xmalloc(EN_MC_BLOCK * issues);
    }
    pthread_mutex_init(&e.lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&e.changed, &attr);
    pthread_condattr_destroy(&attr);

    mc_worker *workers = en_xcalloc(threads, sizeof *workers);
    /* Workers block the interrupt signals so a Ctrl-C handler runs on the calling thread,
     * which polls the cancel flag; the workers only ever see the engine's stop flag. */
    sigset_t block_signals, old_mask;
    sigemptyset(&block_signals);
    sigaddset(&block_signals, SIGINT);
    sigaddset(&block_signals, SIGTERM);
    sigaddset(&block_signals, SIGHUP);
    sigaddset(&block_signals, SIGQUIT);
    /* Every worker's state first, while running out of memory still unwinds the call (the
     * generators too: checked allocations an unwind frees, core/sample.h) ... */
    for (size_t t = 0; t < threads; t++) {
        mc_worker *w = &workers[t];
        w->engine = &e;
        w->sample = en_scenario_clone(scenario);
        w->params = en_params_copy(run_params);
        w->rng = en_mc_rng_new();
        worker_cache_alloc(w, scenario->issue_count);
    }
    /* ... then, from here to the joins, the workers share the call's state (and the signals
     * are blocked): no unwinding, a worker out of memory is reported when they are joined. */
    mc_threads started = {&e, workers, 0};
    en_oom_section_begin(&e.section, join_mc_workers, &started);
    pthread_sigmask(SIG_BLOCK, &block_signals, &old_mask);
    for (size_t t = 0; t < threads; t++) {
        mc_worker *w = &workers[t];
        pthread_mutex_lock(&e.lock);
        e.running++;
        pthread_mutex_unlock(&e.lock);
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            pthread_mutex_lock(&e.lock);
            e.running--;
            pthread_mutex_unlock(&e.lock);
            break;
        }
        started.count++;
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    if (started.count == 0) {
        st = en_error_set(err, EN_ERROR_INTERNAL, "cannot start a worker thread: %s", strerror(errno));
    } else {
        supervise(&e);
    }
    en_oom_section_end(&e.section); /* joins; unwinds the call if a worker ran out of memory */
    for (size_t t = 0; t < threads; t++) {
        en_scenario_free(workers[t].sample);
        en_params_free(workers[t].params);
        en_mc_rng_free(workers[t].rng);
        worker_cache_free(&workers[t]);
    }
    en_free(workers);
    r->model_runs = atomic_load(&e.runs);
    en_params_free(run_params);
    for (size_t k = 0; k < e.window; k++) {
        en_free(e.slots[k].forecast);
        en_free(e.slots[k].status_quo);
        en_free(e.slots[k].reason);
        en_free(e.slots[k].failed);
        en_free(e.slots[k].zero);
    }
    en_free(e.slots);
    pthread_cond_destroy(&e.changed);
    pthread_mutex_destroy(&e.lock);
    gsl_set_error_handler(old_handler);
    if (st != EN_OK) {
        en_mc_result_free(r);
        return st;
    }

    return mc_finish(r, model, out, err);
}

/* ---- public accessors ----------------------------------------------------------------------- */

size_t en_mc_result_draws(const en_mc_result *r) { return r->draws_done; }
size_t en_mc_result_issue_count(const en_mc_result *r) { return r->issue_count; }
double en_mc_result_mean(const en_mc_result *r, size_t issue)
{
    return r->issues[issue].count ? r->issues[issue].mean : NAN;
}
double en_mc_result_quantile(const en_mc_result *r, size_t issue, double p)
{
    return en_mc_quantile(r, issue, p);
}
