/*
 * sensitivity.c — one-at-a-time sensitivity analysis and pivotal actors, for any model.
 *
 * Each actor's capability, and its salience and position on each issue it takes part in, is
 * moved down and up by delta of its range (capability, which has no upper bound: by delta of
 * its value), clamped to the valid range, with every other value at its point estimate; the
 * change of every issue's forecast is recorded (models that link issues, such as the exchange
 * model, move other issues too). Then each actor is removed in turn, and each actor's vetoes
 * are removed in turn. Every run goes through en_run on a scratch copy of the scenario that is
 * restored after each change, so the analysis works with any registered model.
 *
 * Every run uses trace=none unless the user chose a trace level (only forecasts are read).
 *
 * Time complexity: O(actors × (2 + 4 × issues)) model runs, plus 2 × actors.
 */
#include "analysis/sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/distribute.h"
#include "core/error.h"
#include "core/result.h"
#include "analysis/guarded.h"
#include "core/util.h"
#include "models/model.h"
#include "models/params.h"

const char *en_sensitivity_input_name(en_sensitivity_input input)
{
    switch (input) {
    case EN_INPUT_SALIENCE: return "salience";
    case EN_INPUT_POSITION: return "position";
    case EN_INPUT_CAPABILITY: break;
    }
    return "capability";
}

double en_sensitivity_swing(const en_sensitivity_row *row, size_t issue)
{
    double a = fabs(row->minus[issue]), b = fabs(row->plus[issue]);
    if (isnan(a) || isnan(b)) return NAN;
    return a > b ? a : b;
}

void en_sensitivity_options_init(en_sensitivity_options *o)
{
    o->delta = 0.1;
    o->top = 5;
    o->distributor = NULL;
    o->progress = NULL;
    o->progress_data = NULL;
}

typedef struct sensitivity_run {
    const en_model *model;
    const en_params *params; /* r->params with trace=none unless the user set trace */
    en_sensitivity_result *result;
} sensitivity_run;

/* One run's record (distribute.h): each issue's forecast change, whether the model refused
 * the input, and its message. */
typedef struct run_record_header {
    uint64_t failed;
    char failure[512];
} run_record_header;

static size_t run_record_bytes(size_t issues)
{
    return sizeof(run_record_header) + (issues ? issues : 1) * sizeof(double);
}

/* Runs the model on `s` and writes each issue's forecast change against the baseline into the
 * record (NaN where the model gave no forecast or refused the input). */
static void forecast_change(sensitivity_run *run, const en_scenario *s, unsigned char *record)
{
    en_sensitivity_result *r = run->result;
    size_t issues = r->scenario->issue_count;
    run_record_header *h = (run_record_header *)(void *)record;
    double *change = (double *)(void *)(record + sizeof *h);
    for (size_t i = 0; i < issues; i++) change[i] = NAN;
    en_result *out = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_run_unguarded(run->model, s, run->params, &out, &err) != EN_OK) {
        h->failed = 1;
        snprintf(h->failure, sizeof h->failure, "%s", err.message);
        en_error_clear(&err);
        return;
    }
    for (size_t j = 0; j < out->issue_count; j++) {
        size_t i = out->issues[j].issue;
        change[i] = out->issues[j].forecast - r->baseline[i];
        /* Below 1e-9 of the issue's range a change is rounding carried through the rounds (the
         * models are held to 1e-9; eum's vector path differs from the reference by ~1e-14 a
         * round), not an effect of the input: reported as none. */
        const en_issue *is = &r->scenario->issues[i];
        double range = is->scale_max - is->scale_min > 0 ? is->scale_max - is->scale_min : 1;
        if (fabs(change[i]) <= 1e-9 * range) change[i] = 0;
    }
    en_result_free(out);
}

static void moved_values(const en_value *v, double range, double delta, double *low, double *high)
{
    double step = delta * range;
    *low = v->value - step;
    *high = v->value + step;
    if (*low < v->min_valid) *low = v->min_valid;
    if (*high > v->max_valid) *high = v->max_valid;
}

static en_sensitivity_row *add_row(en_sensitivity_result *r, size_t actor, en_sensitivity_input input,
                                   long on_issue, const en_value *v, double range)
{
    en_sensitivity_row *row = &r->rows[r->row_count++];
    row->actor = actor;
    row->input = input;
    row->on_issue = on_issue;
    row->value = v->value;
    moved_values(v, range, r->delta, &row->low, &row->high);
    size_t issues = r->scenario->issue_count ? r->scenario->issue_count : 1;
    row->minus = en_xcalloc(issues, sizeof *row->minus);
    row->plus = en_xcalloc(issues, sizeof *row->plus);
    return row;
}

/* Moves one value of the scratch scenario to `moved`, runs, then puts it back. */
static void vary(sensitivity_run *run, en_scenario *work, en_value *target, double moved,
                 unsigned char *record)
{
    double saved = target->value;
    target->value = moved;
    forecast_change(run, work, record);
    target->value = saved;
}

/* Runs without actor `a`: the actor is rotated to the end of the array and hidden by the
 * count, patron references are renumbered, and everything is put back afterwards (so the
 * scratch copy still frees every actor it owns). */
static void without_actor(sensitivity_run *run, en_scenario *work, size_t a, unsigned char *change)
{
    size_t n = work->actor_count;
    long *saved_patron = en_xmalloc(n * sizeof *saved_patron);
    for (size_t k = 0; k < n; k++) saved_patron[k] = work->actors[k].patron_of;
    en_actor removed = work->actors[a];
    memmove(&work->actors[a], &work->actors[a + 1], (n - a - 1) * sizeof *work->actors);
    work->actors[n - 1] = removed;
    work->actor_count = n - 1;
    for (size_t k = 0; k < n - 1; k++) {
        long p = work->actors[k].patron_of;
        if (p == (long)a) work->actors[k].patron_of = -1;
        else if (p > (long)a) work->actors[k].patron_of = p - 1;
    }
    forecast_change(run, work, change);
    work->actor_count = n;
    memmove(&work->actors[a + 1], &work->actors[a], (n - a - 1) * sizeof *work->actors);
    work->actors[a] = removed;
    for (size_t k = 0; k < n; k++) work->actors[k].patron_of = saved_patron[k];
    en_free(saved_patron);
}

static void without_veto(sensitivity_run *run, en_scenario *work, size_t a, unsigned char *change)
{
    en_actor *actor = &work->actors[a];
    size_t issues = work->issue_count;
    unsigned char *saved = en_xmalloc(issues ? issues : 1);
    if (issues) memcpy(saved, actor->veto, issues);
    int saved_all = actor->veto_all;
    actor->veto_all = 0;
    if (issues) memset(actor->veto, 0, issues);
    forecast_change(run, work, change);
    actor->veto_all = saved_all;
    if (issues) memcpy(actor->veto, saved, issues);
    en_free(saved);
}

/* A thread's scratch copy of the scenario, changed and restored by every run. */
static void *scratch_begin(void *context)
{
    const sensitivity_run *run = context;
    return en_scenario_clone(run->result->scenario);
}

static void scratch_end(void *state)
{
    en_scenario_free(state);
}

/* Run `item`: 2k and 2k + 1 move row k down and up; after the rows, 2a and 2a + 1 drop actor
 * a and actor a's vetoes. */
static void run_item(void *context, void *state, size_t item, unsigned char *record)
{
    sensitivity_run *run = context;
    en_sensitivity_result *r = run->result;
    en_scenario *work = state;
    if (item < 2 * r->row_count) {
        const en_sensitivity_row *row = &r->rows[item / 2];
        en_actor *actor = &work->actors[row->actor];
        en_value *target = &actor->capability;
        if (row->input == EN_INPUT_SALIENCE) target = &actor->stances[row->on_issue].salience;
        else if (row->input == EN_INPUT_POSITION) target = &actor->stances[row->on_issue].position;
        vary(run, work, target, item % 2 ? row->high : row->low, record);
        return;
    }
    size_t a = (item - 2 * r->row_count) / 2;
    if ((item - 2 * r->row_count) % 2 == 0) without_actor(run, work, a, record);
    else without_veto(run, work, a, record);
}

void en_sensitivity_result_free(en_sensitivity_result *r)
{
    if (!r) return;
    for (size_t k = 0; k < r->row_count; k++) {
        en_free(r->rows[k].minus);
        en_free(r->rows[k].plus);
    }
    en_free(r->rows);
    en_free(r->baseline);
    en_free(r->without_actor);
    en_free(r->without_veto);
    en_free(r->has_veto);
    en_params_free(r->params);
    en_free(r);
}

en_status en_sensitivity_run_unguarded(const en_model *model, const en_scenario *scenario,
                             const en_params *params, const en_sensitivity_options *options,
                             en_sensitivity_result **out, en_error *err)
{
    *out = NULL;
    en_sensitivity_options defaults;
    if (!options) {
        en_sensitivity_options_init(&defaults);
        options = &defaults;
    }
    if (!(options->delta > 0 && options->delta <= 1))
        return en_error_set(err, EN_ERROR_INPUT, "delta must be in (0, 1] (got %g)", options->delta);
    size_t issues = scenario->issue_count, actors = scenario->actor_count;
    en_sensitivity_result *r = en_xcalloc(1, sizeof *r);
    r->scenario = scenario;
    r->model = model;
    r->params = params ? en_params_copy(params) : en_params_new();
    r->delta = options->delta;
    r->top = options->top;
    r->baseline = en_xmalloc((issues ? issues : 1) * sizeof *r->baseline);
    for (size_t i = 0; i < issues; i++) r->baseline[i] = NAN;

    en_params *run_params = en_params_forecast_only(r->params);
    en_result *base = NULL;
    en_status st = en_run(model, scenario, run_params, &base, err);
    if (st != EN_OK) {
        en_params_free(run_params);
        en_sensitivity_result_free(r);
        return st;
    }
    for (size_t j = 0; j < base->issue_count; j++) r->baseline[base->issues[j].issue] = base->issues[j].forecast;
    en_result_free(base);

    sensitivity_run run = {model, run_params, r};
    /* What is moved and to where (the rows), then the runs as independent items: down and up
     * for each row, then per actor one run without it and one without its vetoes. */
    r->rows = en_xcalloc(actors * (1 + 2 * issues) + 1, sizeof *r->rows);
    for (size_t a = 0; a < actors; a++) {
        const en_actor *actor = &scenario->actors[a];
        /* Capability has no finite range: delta is taken relative to the value itself. */
        add_row(r, a, EN_INPUT_CAPABILITY, -1, &actor->capability, actor->capability.value);
        for (size_t i = 0; i < issues; i++) {
            const en_stance *stance = &actor->stances[i];
            if (!stance->present) continue;
            add_row(r, a, EN_INPUT_SALIENCE, (long)i, &stance->salience,
                    stance->salience.max_valid - stance->salience.min_valid);
            add_row(r, a, EN_INPUT_POSITION, (long)i, &stance->position,
                    scenario->issues[i].scale_max - scenario->issues[i].scale_min);
        }
    }
    size_t cells = (actors ? actors : 1) * (issues ? issues : 1);
    r->without_actor = en_xcalloc(cells, sizeof *r->without_actor);
    r->without_veto = en_xcalloc(cells, sizeof *r->without_veto);
    r->has_veto = en_xcalloc(actors ? actors : 1, 1);
    for (size_t a = 0; a < actors; a++) {
        const en_actor *actor = &scenario->actors[a];
        r->has_veto[a] = (unsigned char)(actor->veto_all != 0);
        for (size_t i = 0; i < issues; i++)
            if (actor->veto[i]) r->has_veto[a] = 1;
    }
    en_item_job job = {0, 2 * r->row_count + 2 * actors, run_record_bytes(issues), 1, &run,
                       scratch_begin, run_item, scratch_end, options->progress, options->progress_data};
    unsigned char *records = NULL;
    st = en_distribute_items(&job, options->distributor, &records, err);
    if (st != EN_OK) {
        en_params_free(run_params);
        en_sensitivity_result_free(r);
        return st;
    }
    /* Failures are counted in run order, so the first one named is the same however split. */
    for (size_t k = 0; k < job.count; k++) {
        const unsigned char *record = records + k * job.record_bytes;
        const run_record_header *h = (const run_record_header *)(const void *)record;
        if (h->failed && r->failed_runs++ == 0)
            snprintf(r->first_failure, sizeof r->first_failure, "%s", h->failure);
        double *into;
        if (k < 2 * r->row_count) into = k % 2 ? r->rows[k / 2].plus : r->rows[k / 2].minus;
        else if ((k - 2 * r->row_count) % 2 == 0) into = r->without_actor + (k - 2 * r->row_count) / 2 * issues;
        /* Models that ignore vetoes give zero here; reported all the same. */
        else into = r->without_veto + (k - 2 * r->row_count) / 2 * issues;
        if (issues) memcpy(into, record + sizeof *h, issues * sizeof *into);
    }
    en_free(records);
    en_params_free(run_params);
    *out = r;
    return EN_OK;
}

/* ---- public accessors ----------------------------------------------------------------------- */

double en_sensitivity_baseline(const en_sensitivity_result *r, size_t issue)
{
    return issue < r->scenario->issue_count ? r->baseline[issue] : NAN;
}

int en_sensitivity_change(const en_sensitivity_result *r, size_t actor, en_sensitivity_input input,
                          size_t input_issue, size_t issue, double *minus, double *plus)
{
    long on = input == EN_INPUT_CAPABILITY ? -1 : (long)input_issue;
    if (issue >= r->scenario->issue_count) return 0;
    for (size_t k = 0; k < r->row_count; k++) {
        const en_sensitivity_row *row = &r->rows[k];
        if (row->actor != actor || row->input != input || row->on_issue != on) continue;
        if (minus) *minus = row->minus[issue];
        if (plus) *plus = row->plus[issue];
        return 1;
    }
    return 0;
}

double en_sensitivity_without_actor(const en_sensitivity_result *r, size_t actor, size_t issue)
{
    if (actor >= r->scenario->actor_count || issue >= r->scenario->issue_count) return NAN;
    return r->without_actor[actor * r->scenario->issue_count + issue];
}

double en_sensitivity_without_veto(const en_sensitivity_result *r, size_t actor, size_t issue)
{
    if (actor >= r->scenario->actor_count || issue >= r->scenario->issue_count) return NAN;
    return r->without_veto[actor * r->scenario->issue_count + issue];
}
