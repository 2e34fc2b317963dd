/*
 * exchange.c — the `exchange` model: Stokman's exchange model as Decide computes it (equal
 * gain, p = 0) and its randomized variant (REX, p > 0), on any scenario. The round itself is
 * in exchange_kernel.c; this file maps scenario scales to Decide's internal 0–100 scale and
 * back, runs the rounds and repetitions, and fills the result: the per-round trace, the
 * exchanges and externalities (JSON extras) and the story lines of text output; with trace=none
 * only the positions of every round and the forecasts (no extras, no story).
 * See docs/models/exchange.md.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/sample.h"
#include "core/util.h"
#include "models/exchange.h"
#include "models/exchange_fast.h"
#include "models/exchange_forecast.h"
#include "models/model.h"
#include "models/params.h"

static const en_param_def exchange_params[] = {
    EN_PARAM_ROUNDS("10"),
    {"p", EN_PARAM_NUMBER, "0",
     "randomized variant (REX): how far a random draw moves each side's gain from the equal "
     "gain; 0 = the deterministic equal-gain model",
     0, 1, NULL},
    {"repetitions", EN_PARAM_INTEGER, "1",
     "independent runs of the randomized variant (seeded from `seed`); each issue reports the "
     "mean and spread of its outcome",
     1, 1000000, NULL},
    {"tie_tolerance", EN_PARAM_NUMBER, "1e-12",
     "gains this close to the best are tied; the candidate generated first wins (Decide "
     "flips an unseeded coin)",
     0, 1, NULL},
    {"knife_edge", EN_PARAM_NUMBER, "1e-9",
     "an issue outcome this close to the demander's position counts as reached: the supplier "
     "cannot move (docs/models/exchange.md §12.2)",
     0, 1, NULL},
    {"path", EN_PARAM_CHOICE, "auto",
     "reference: the reference kernel (round records, every variant); fast: the Monte Carlo "
     "kernel, same positions bit for bit, equal gain with trace=none only; auto: fast where it "
     "applies (equal gain, trace=none: Monte Carlo, sensitivity and forecast draws)",
     0, 0, "auto|reference|fast"},
};

/* The scenario in the kernel's terms. */
typedef struct ex_problem {
    size_t n, m;
    unsigned char *present;
    double *position, *salience, *power;
    double *lower, *factor; /* internal = (x - lower) * factor, factor = 100 / (upper - lower) */
} ex_problem;

static void problem_init(ex_problem *pb, const en_scenario *s)
{
    size_t n = s->actor_count, m = s->issue_count;
    pb->n = n;
    pb->m = m;
    pb->present = en_xcalloc(n * m, 1);
    pb->position = en_xcalloc(n * m, sizeof *pb->position);
    pb->salience = en_xcalloc(n * m, sizeof *pb->salience);
    pb->power = en_xcalloc(n * m, sizeof *pb->power);
    pb->lower = en_xcalloc(m, sizeof *pb->lower);
    pb->factor = en_xcalloc(m, sizeof *pb->factor);
    for (size_t d = 0; d < m; d++) {
        double lo = s->issues[d].scale_min, hi = s->issues[d].scale_max;
        pb->lower[d] = lo;
        pb->factor[d] = hi > lo ? 100 / (hi - lo) : 0;
    }
    for (size_t a = 0; a < n; a++) {
        const en_actor *actor = &s->actors[a];
        for (size_t d = 0; d < m; d++) {
            const en_stance *st = &actor->stances[d];
            if (!st->present) continue;
            size_t k = a * m + d;
            pb->present[k] = 1;
            pb->position[k] = (st->position.value - pb->lower[d]) * pb->factor[d];
            pb->salience[k] = st->salience.value;
            pb->power[k] = en_stance_capability(s, a, d);
        }
    }
}

static void problem_free(ex_problem *pb)
{
    en_free(pb->present);
    en_free(pb->position);
    en_free(pb->salience);
    en_free(pb->power);
    en_free(pb->lower);
    en_free(pb->factor);
}

/* Back to the issue's scale; Decide returns the lower bound itself for an internal 0. */
static double to_scale(const ex_problem *pb, size_t d, double v)
{
    if (v == 0 || pb->factor[d] == 0) return pb->lower[d];
    return v / pb->factor[d] + pb->lower[d];
}

/* One seed per repetition, mixed from (seed, repetition) so that repetitions are independent
 * and a repetition's stream does not depend on how many ran before it, or on which thread. */
static unsigned long repetition_seed(long seed, long repetition)
{
    uint64_t z = (uint64_t)seed * 0x9E3779B97F4A7C15ull + (uint64_t)repetition + 1;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    unsigned long s = (unsigned long)(z & 0xffffffffull);
    return s ? s : 1;
}

/* ---- JSON extras ---- */

static en_node *side_node(const en_scenario *s, const ex_side_record *r)
{
    en_node *o = en_node_new(EN_NODE_OBJECT);
    en_node_set_string(o, "actor", s->actors[r->actor].id);
    en_node_set_string(o, "supply_issue", s->issues[r->supply_issue].id);
    en_node_set_string(o, "demand_issue", s->issues[r->demand_issue].id);
    en_node_set_number(o, "x", r->x);
    en_node_set_number(o, "y", r->y);
    en_node_set_number(o, "move", r->move);
    en_node_set_number(o, "target", r->target);
    en_node_set_number(o, "eu", r->eu);
    en_node_set_number(o, "nbs_0", r->nbs0);
    en_node_set_number(o, "nbs_1", r->nbs1);
    en_node_set(o, "adjusted_by_nbs", en_node_bool(r->adjusted));
    return o;
}

static en_node *ext_node(const ex_externality *e)
{
    en_node *o = en_node_new(EN_NODE_OBJECT);
    en_node_set_number(o, "inner_positive", e->inner_positive);
    en_node_set_number(o, "inner_negative", e->inner_negative);
    en_node_set_number(o, "outer_positive", e->outer_positive);
    en_node_set_number(o, "outer_negative", e->outer_negative);
    en_node_set_number(o, "own", e->own);
    return o;
}

static void add_ext(ex_externality *to, const ex_externality *e)
{
    to->inner_positive += e->inner_positive;
    to->inner_negative += e->inner_negative;
    to->outer_positive += e->outer_positive;
    to->outer_negative += e->outer_negative;
    to->own += e->own;
}

static en_node *round_node(const en_scenario *s, int round, const ex_round_record *rec)
{
    size_t m = s->issue_count;
    en_node *o = en_node_new(EN_NODE_OBJECT);
    en_node_set_number(o, "round", round);
    en_node_set_number(o, "candidates_total", (double)rec->candidates_total);
    en_node_set_number(o, "candidates_valid_initially", (double)rec->candidates_valid_initially);
    if (rec->candidates_skipped)
        en_node_set_number(o, "candidates_skipped_zero_weight", (double)rec->candidates_skipped);
    en_node_set_number(o, "tie_events", (double)rec->tie_events);
    en_node_set_number(o, "count", (double)rec->exchange_count);
    en_node *list = en_node_set(o, "exchanges", en_node_new(EN_NODE_ARRAY));
    ex_externality *by_pair = en_xcalloc(m * m, sizeof *by_pair);
    for (size_t e = 0; e < rec->exchange_count; e++) {
        const ex_exchange_record *x = &rec->exchanges[e];
        en_node *xn = en_node_push(list, en_node_new(EN_NODE_OBJECT));
        en_node_set_number(xn, "order", (double)(e + 1));
        en_node *pair = en_node_set(xn, "issue_pair", en_node_new(EN_NODE_ARRAY));
        en_node_push(pair, en_node_string(s->issues[x->p].id));
        en_node_push(pair, en_node_string(s->issues[x->q].id));
        en_node *groups = en_node_set(xn, "groups", en_node_new(EN_NODE_ARRAY));
        en_node_push(groups, en_node_string(x->group == 0 ? "a" : "b"));
        en_node_push(groups, en_node_string(x->group == 0 ? "d" : "c"));
        en_node_set_number(xn, "gain", x->gain);
        en_node_set_number(xn, "dp", x->dp);
        en_node_set_number(xn, "dq", x->dq);
        en_node_set(xn, "i", side_node(s, &x->i));
        en_node_set(xn, "j", side_node(s, &x->j));
        en_node_set(xn, "externalities", ext_node(&x->ext));
        add_ext(&by_pair[(size_t)x->p * m + (size_t)x->q], &x->ext);
    }
    en_node *ext = en_node_set(o, "externalities", en_node_new(EN_NODE_OBJECT));
    en_node *actors = en_node_set(ext, "by_actor", en_node_new(EN_NODE_OBJECT));
    for (size_t a = 0; a < s->actor_count; a++) {
        const ex_externality *e = &rec->actor_ext[a];
        if (e->inner_positive || e->inner_negative || e->outer_positive || e->outer_negative ||
            e->own)
            en_node_set(actors, s->actors[a].id, ext_node(e));
    }
    en_node *pairs = en_node_set(ext, "by_issue_pair", en_node_new(EN_NODE_ARRAY));
    for (size_t p = 0; p < m; p++) {
        for (size_t q = p + 1; q < m; q++) {
            const ex_externality *e = &by_pair[p * m + q];
            if (!(e->own)) continue; /* own > 0 exactly when an exchange ran on the pair */
            en_node *pn = en_node_push(pairs, ext_node(e));
            en_node *ids = en_node_set(pn, "issue_pair", en_node_new(EN_NODE_ARRAY));
            en_node_push(ids, en_node_string(s->issues[p].id));
            en_node_push(ids, en_node_string(s->issues[q].id));
        }
    }
    en_free(by_pair);
    return o;
}

/* "EU28 gives 12.5 on mrv to China for 8 on differentiation", on the issues' own scales. */
static void tell(en_result *res, const ex_problem *pb, int round, const ex_exchange_record *x)
{
    const en_scenario *s = res->scenario;
    const ex_side_record *i = &x->i, *j = &x->j;
    double gives = pb->factor[i->supply_issue] ? fabs(i->move) / pb->factor[i->supply_issue] : 0;
    double gets = pb->factor[j->supply_issue] ? fabs(j->move) / pb->factor[j->supply_issue] : 0;
    en_result_say(res, round, -1, "%s gives %.3g on %s to %s for %.3g on %s",
                  en_scenario_actor_name(s, (size_t)i->actor), gives,
                  s->issues[i->supply_issue].id, en_scenario_actor_name(s, (size_t)j->actor),
                  gets, s->issues[j->supply_issue].id);
}

/* ---- the run ---- */

typedef struct ex_run {
    const en_scenario *s;
    en_result *res; /* NULL for repetitions after the first: they only feed the statistics */
    const ex_problem *pb;
    ex_options options;
    long rounds;
    int full_story;
    int positions_only; /* trace=none */
    int fast;           /* path=fast (exchange_fast.h): positions only, equal gain */
    double *outcomes; /* [round][issue] preference outcome on the issue scale, rounds + 1 */
    double *voting;   /* [round - 1][issue] voting outcome */
} ex_run;

static void add_trace_round(ex_run *run, const ex_state *st, size_t *index,
                            const ex_round_record *rec, double *scratch)
{
    const ex_problem *pb = run->pb;
    const double *x = ex_positions(st);
    for (size_t d = 0; d < pb->m; d++) {
        size_t count = 0;
        for (size_t a = 0; a < pb->n; a++)
            if (pb->present[a * pb->m + d]) scratch[count++] = to_scale(pb, d, x[a * pb->m + d]);
        en_round *r = en_result_add_round(run->res, index[d], scratch);
        if (run->positions_only) continue;
        en_node *extra = en_round_extra(r);
        en_node_set_number(extra, "outcome", to_scale(pb, d, ex_outcome(st, d)));
        if (!rec) continue;
        en_node_set_number(extra, "voting_outcome", to_scale(pb, d, rec->voting_outcome[d]));
        en_node *vp = en_node_set(extra, "voting_positions", en_node_new(EN_NODE_OBJECT));
        for (size_t a = 0; a < pb->n; a++)
            if (pb->present[a * pb->m + d])
                en_node_set_number(vp, run->s->actors[a].id,
                                   to_scale(pb, d, rec->voting_position[a * pb->m + d]));
    }
}

/* The fast path's run (trace=none, equal gain): the positions of every round and the
 * preference outcomes, as run_once records them, without round records. */
static void run_fast(ex_run *run, size_t *index)
{
    const ex_problem *pb = run->pb;
    ex_input in = {pb->n, pb->m, pb->present, pb->position, pb->salience, pb->power};
    fx_state *st = fx_state_new(&in);
    double *scratch = en_xcalloc(pb->n + 1, sizeof *scratch);
    for (long r = 0; r <= run->rounds; r++) {
        if (r > 0) fx_round(st, &run->options);
        const double *x = fx_positions(st);
        for (size_t d = 0; d < pb->m; d++) {
            run->outcomes[(size_t)r * pb->m + d] = to_scale(pb, d, fx_outcome(st, d));
            if (!run->res) continue;
            size_t count = 0;
            for (size_t a = 0; a < pb->n; a++)
                if (pb->present[a * pb->m + d])
                    scratch[count++] = to_scale(pb, d, x[a * pb->m + d]);
            en_result_add_round(run->res, index[d], scratch);
        }
    }
    en_free(scratch);
    fx_state_free(st);
}

static void run_once(ex_run *run, size_t *index)
{
    if (run->fast) {
        run_fast(run, index);
        return;
    }
    const ex_problem *pb = run->pb;
    ex_input in = {pb->n, pb->m, pb->present, pb->position, pb->salience, pb->power};
    ex_state *st = ex_state_new(&in);
    double *scratch = en_xcalloc(pb->n + 1, sizeof *scratch);
    en_node *rounds_node = NULL;
    if (run->res && !run->positions_only)
        rounds_node = en_node_set(en_result_extra(run->res), "rounds", en_node_new(EN_NODE_ARRAY));
    if (run->res) add_trace_round(run, st, index, NULL, scratch);
    for (size_t d = 0; d < pb->m; d++) run->outcomes[d] = to_scale(pb, d, ex_outcome(st, d));
    ex_round_record rec;
    memset(&rec, 0, sizeof rec);
    for (long r = 1; r <= run->rounds; r++) {
        ex_round(st, &run->options, &rec);
        for (size_t d = 0; d < pb->m; d++) {
            run->outcomes[(size_t)r * pb->m + d] = to_scale(pb, d, ex_outcome(st, d));
            run->voting[(size_t)(r - 1) * pb->m + d] = to_scale(pb, d, rec.voting_outcome[d]);
        }
        if (!run->res) continue;
        add_trace_round(run, st, index, &rec, scratch);
        if (run->positions_only) continue;
        en_node_push(rounds_node, round_node(run->s, (int)r, &rec));
        en_result_say(run->res, (int)r, -1,
                      "%zu exchange%s (of %ld candidates, %ld valid)",
                      rec.exchange_count, rec.exchange_count == 1 ? "" : "s",
                      rec.candidates_total, rec.candidates_valid_initially);
        size_t told = run->full_story ? rec.exchange_count
                                      : (rec.exchange_count < 5 ? rec.exchange_count : 5);
        for (size_t e = 0; e < told; e++) tell(run->res, pb, (int)r, &rec.exchanges[e]);
        if (told < rec.exchange_count)
            en_result_say(run->res, (int)r, -1, "... and %zu more exchanges (--param trace=full)",
                          rec.exchange_count - told);
    }
    ex_round_record_free(&rec);
    en_free(scratch);
    ex_state_free(st);
}

static en_node *stats_node(const double *values, size_t count, size_t stride)
{
    double sum = 0, lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t k = 0; k < count; k++) {
        double v = values[k * stride];
        sum += v;
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    double mean = sum / (double)count, ss = 0;
    for (size_t k = 0; k < count; k++) {
        double dv = values[k * stride] - mean;
        ss += dv * dv;
    }
    en_node *o = en_node_new(EN_NODE_OBJECT);
    en_node_set_number(o, "mean", mean);
    en_node_set_number(o, "sd", count > 1 ? sqrt(ss / (double)(count - 1)) : 0);
    en_node_set_number(o, "min", lo);
    en_node_set_number(o, "max", hi);
    return o;
}

static en_status exchange_run(const en_scenario *s, const en_param_values *params,
                              en_result *res, en_error *err)
{
    if (s->issue_count > 32767)
        return en_error_set(err, EN_ERROR_MODEL,
                            "model exchange: %zu issues (expected at most 32767)", s->issue_count);
    ex_problem pb;
    problem_init(&pb, s);
    ex_run run;
    memset(&run, 0, sizeof run);
    run.s = s;
    run.pb = &pb;
    ex_options_default(&run.options);
    run.options.p = en_param_number(params, "p");
    run.options.tie_tol = en_param_number(params, "tie_tolerance");
    run.options.knife_eps = en_param_number(params, "knife_edge");
    run.rounds = en_param_integer(params, "rounds");
    run.full_story = strcmp(en_param_choice(params, "trace"), "full") == 0;
    run.positions_only = strcmp(en_param_choice(params, "trace"), "none") == 0;
    const char *path = en_param_choice(params, "path");
    if (strcmp(path, "fast") == 0 && !(run.positions_only && run.options.p == 0)) {
        problem_free(&pb);
        return en_error_set(err, EN_ERROR_MODEL,
                            "model exchange: path=fast needs trace=none and p=0 (it keeps no "
                            "round records and runs the equal-gain model only)");
    }
    run.fast = run.positions_only && run.options.p == 0 && strcmp(path, "reference") != 0;
    long seed = en_param_integer(params, "seed");
    long reps = en_param_integer(params, "repetitions");
    /* The equal-gain model is deterministic: repetitions would all be the same run. */
    long distinct = run.options.p > 0 ? reps : 1;
    size_t m = pb.m, per_run = ((size_t)run.rounds + 1) * m;
    double *all_outcomes = en_xcalloc((size_t)distinct * per_run, sizeof *all_outcomes);
    double *all_voting = en_xcalloc((size_t)distinct * per_run, sizeof *all_voting);
    size_t *index = en_xcalloc(m + 1, sizeof *index);
    for (size_t d = 0; d < m; d++) index[d] = en_result_add_issue(res, d);
    /* Only the randomized variant draws (EX_REX): the equal-gain runs of Monte Carlo draws
     * do not pay for a generator. */
    gsl_rng *rng = NULL;
    if (run.options.p > 0) {
        rng = en_mc_rng_new(); /* checked allocation: freed by an unwind (core/sample.h) */
    }
    run.options.rng = rng;
    for (long r = 0; r < distinct; r++) {
        if (rng) gsl_rng_set(rng, repetition_seed(seed, r));
        run.res = r == 0 ? res : NULL;
        run.outcomes = all_outcomes + (size_t)r * per_run;
        run.voting = all_voting + (size_t)r * per_run;
        run_once(&run, index);
    }
    en_mc_rng_free(rng);

    if (!run.positions_only) {
        en_node *top = en_result_extra(res);
        en_node_set_string(top, "variant", run.options.p > 0 ? "randomized equal gain (REX)"
                                                             : "equal gain");
        en_node_set_string(top, "exchange_scale",
                           "exchanges are on the internal 0-100 scale: "
                           "(value - scale_min) * 100 / (scale_max - scale_min)");
        en_node_set_number(top, "repetitions", (double)reps);
    }
    for (size_t d = 0; d < m; d++) {
        const double *finals = all_outcomes + (size_t)run.rounds * m + d;
        double forecast = 0;
        for (long r = 0; r < distinct; r++) forecast += finals[(size_t)r * per_run];
        forecast /= (double)distinct;
        if (run.options.p > 0 && !run.positions_only) {
            en_node *ie = en_issue_result_extra(&res->issues[index[d]]);
            en_node *rep = en_node_set(ie, "repetitions", en_node_new(EN_NODE_OBJECT));
            en_node_set_number(rep, "count", (double)distinct);
            en_node_set(rep, "forecast", stats_node(finals, (size_t)distinct, per_run));
            en_node *byr = en_node_set(rep, "rounds", en_node_new(EN_NODE_ARRAY));
            for (long k = 0; k <= run.rounds; k++) {
                en_node *rn = en_node_push(byr, en_node_new(EN_NODE_OBJECT));
                en_node_set_number(rn, "round", (double)k);
                en_node_set(rn, "outcome",
                            stats_node(all_outcomes + (size_t)k * m + d, (size_t)distinct,
                                       per_run));
                if (k > 0)
                    en_node_set(rn, "voting_outcome",
                                stats_node(all_voting + (size_t)(k - 1) * m + d,
                                           (size_t)distinct, per_run));
            }
        }
        en_result_finish_issue(res, index[d], forecast, "rounds");
    }
    en_free(index);
    en_free(all_outcomes);
    en_free(all_voting);
    problem_free(&pb);
    return EN_OK;
}

/* The default of one of the parameters above, as en_param_values would hold it. */
static double default_number(const char *name)
{
    for (size_t k = 0; k < sizeof exchange_params / sizeof exchange_params[0]; k++)
        if (strcmp(exchange_params[k].name, name) == 0)
            return strtod(exchange_params[k].default_value, NULL);
    return 0;
}

static double default_tie_tol, default_knife_eps;
static long default_rounds;

static void read_defaults(void)
{
    default_tie_tol = default_number("tie_tolerance");
    default_knife_eps = default_number("knife_edge");
    default_rounds = (long)default_number("rounds");
}

static int forecast_direct(const en_scenario *s, double tie_tol, double knife_eps, long rounds,
                           double *forecast)
{
    if (s->issue_count > 32767 || s->actor_count == 0 || s->issue_count == 0 ||
        s->actor_count > 65535)
        return 0;
    size_t n = s->actor_count, m = s->issue_count;
    /* en_run's finiteness check of every round's weighted mean (core/result.c): positions stay
     * inside the issue's scale, so the mean is finite whenever Σ w · max|bound| is; otherwise
     * the caller takes en_run's path, which reports it. */
    for (size_t d = 0; d < m; d++) {
        double total = 0;
        for (size_t a = 0; a < n; a++)
            if (s->actors[a].stances[d].present) total += fabs(en_scenario_weight(s, a, d));
        double bound = fmax(fabs(s->issues[d].scale_min), fabs(s->issues[d].scale_max));
        if (!(isfinite(total) && total * bound < 1e300)) return 0;
    }
    ex_problem pb;
    problem_init(&pb, s);
    ex_input in = {pb.n, pb.m, pb.present, pb.position, pb.salience, pb.power};
    fx_state *st = fx_state_new(&in);
    if (!st) {
        problem_free(&pb);
        return 0;
    }
    ex_options options;
    ex_options_default(&options);
    options.p = 0;
    options.tie_tol = tie_tol;
    options.knife_eps = knife_eps;
    int finite = 1;
    for (long r = 1; r <= rounds; r++) {
        fx_round(st, &options);
        const double *x = fx_positions(st);
        for (size_t k = 0; k < n * m; k++) finite &= isfinite(x[k]) != 0;
    }
    for (size_t d = 0; d < m; d++) {
        /* exchange_run's mean over the one distinct repetition, operation for operation */
        double f = 0;
        f += to_scale(&pb, d, fx_outcome(st, d));
        f /= 1.0;
        forecast[d] = f;
        finite &= isfinite(f) != 0;
    }
    fx_state_free(st);
    problem_free(&pb);
    return finite;
}

int en_exchange_forecast_direct(const en_scenario *s, double *forecast)
{
    /* the defaults, read from the parameter table once (every forecast draw comes here) */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, read_defaults);
    return forecast_direct(s, default_tie_tol, default_knife_eps, default_rounds, forecast);
}

extern const en_model en_model_exchange;

int en_exchange_direct_settings(const en_params *params, en_exchange_direct *out)
{
    en_param_values *values = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_param_values_build(&en_model_exchange, params, &values, &err) != EN_OK) {
        en_error_clear(&err);
        return 0;
    }
    /* exactly the runs exchange_run sends down its fast path (run.fast there) */
    int applies = en_param_number(values, "p") == 0 &&
                  strcmp(en_param_choice(values, "trace"), "none") == 0 &&
                  strcmp(en_param_choice(values, "path"), "reference") != 0;
    out->tie_tol = en_param_number(values, "tie_tolerance");
    out->knife_eps = en_param_number(values, "knife_edge");
    out->rounds = en_param_integer(values, "rounds");
    en_param_values_free(values);
    return applies;
}

int en_exchange_forecast_with(const en_scenario *s, const en_exchange_direct *settings,
                              double *forecast)
{
    return forecast_direct(s, settings->tie_tol, settings->knife_eps, settings->rounds, forecast);
}

/* The equal-gain model (p = 0) draws no random numbers: the seed only drives REX. */
static int exchange_seed_free(const en_param_values *params)
{
    return en_param_number(params, "p") == 0;
}

const en_model en_model_exchange = {
    "exchange",
    "Stokman's exchange model (Decide's equal gain; p > 0: randomized variant)",
    exchange_params,
    sizeof exchange_params / sizeof exchange_params[0],
    exchange_run,
    NULL,
    exchange_seed_free,
};
