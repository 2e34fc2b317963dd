/*
 * eum.c — the expected utility model (`eum`): Bueno de Mesquita's group decision model as
 * replicated by Scholz, Calbert & Smith (2011), "Unravelling Bueno de Mesquita's group decision
 * model", J. Theoretical Politics 23(4):510–531, in the two public variants `scholz` (default)
 * and `masad` (docs/models/eum.md). This file is the en_model: it runs every issue on its own
 * over the actors with a stance on it, round by round with the kernels of eum.h, and records
 * positions, risk exponents, moves, story lines, the quadrant data and, with trace=full, every
 * intermediate matrix of the round. With trace=none (Monte Carlo, sensitivity) it records the
 * positions of every round and the forecast only, without the cost of the story and the JSON
 * extras; with the same path (straight, fast or vector) the numbers are the same bits as with
 * trace=summary. Under path=auto, trace=none runs scholz on the vector path (sorted-vector from
 * 1,000 actors); the table of paths and the choice are in eum_paths.c.
 *
 * Per issue and round: O(n³) on the straight path, O(m²·n) (scholz) or O(n·m + m²) plus pow
 * calls (masad) on the fast path, m = distinct positions (see the kernels).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "models/eum.h"
#include "models/model.h"

static const en_param_def eum_params[] = {
    {"variant", EN_PARAM_CHOICE, "scholz", "which replication: scholz (bdm1) or masad (bdm2)", 0,
     0, "scholz|masad"},
    {"Q", EN_PARAM_NUMBER, "1", "weight of the status quo in the expected utility", 0, 1, NULL},
    {"T", EN_PARAM_NUMBER, "1",
     "masad, Q < 1: probability that the status quo turns out better rather than worse", 0, 1,
     NULL},
    EN_PARAM_ROUNDS("10"),
    {"exact", EN_PARAM_INTEGER, "0",
     "1: always the straight path (reference operation order, bit-identical), whatever `path` "
     "says; 0: as `path` chooses",
     0, 1, NULL},
    {"path", EN_PARAM_CHOICE, "auto",
     "straight: reference operation order, bit-identical to the published code; fast: reordered "
     "sums (~1e-15 per round); vector: scholz's fast path with its powers as exp(r log b) over "
     "arrays (~1e-14 per round, 3x cheaper; masad: as fast); sorted, sorted-vector: scholz's "
     "O(n^2) path from prefix sums over sorted positions (masad: as fast); auto: straight below "
     "24 (scholz) / 48 (masad) actors, fast above, scholz sorted from 1000; with trace=none "
     "(Monte Carlo, sensitivity) scholz on vector, sorted-vector from 1000",
     0, 0, "auto|straight|fast|vector|sorted|sorted-vector"},
    {"threads", EN_PARAM_INTEGER, "0",
     "masad fast path: worker threads (0: one per online core); results do not depend on it", 0,
     64, NULL},
    {"quadrant_max", EN_PARAM_INTEGER, "200",
     "largest issue (actors) for which the quadrant (perceptual map) EU pairs are exported", 0,
     100000, NULL},
};

/* The universal `trace` parameter. */
typedef enum eum_trace_level { TRACE_NONE, TRACE_SUMMARY, TRACE_FULL } eum_trace_level;

typedef struct eum_issue_run {
    const en_scenario *scenario;
    en_result *result;
    size_t issue, index, n;
    const size_t *participants;
    eum_config cfg;
    eum_trace_level level;
    int full, quadrant;
    int text_only; /* output=text: only the story lines will be shown, no extras */
    double *c, *s, *x, *next, *r;
    eum_move *moves;
    eum_trace trace;
    double *trace_store;
    int decimals;
} eum_issue_run;

static const char *actor_id(const eum_issue_run *run, size_t p)
{
    return run->scenario->actors[run->participants[p]].id;
}

static const char *actor_label(const eum_issue_run *run, size_t p)
{
    const en_actor *a = &run->scenario->actors[run->participants[p]];
    return a->name && *a->name ? a->name : a->id;
}

/* An n-vector or n×n matrix (row per actor, null diagonal) as JSON arrays. */
static en_node *vector_node(const double *v, size_t n)
{
    en_node *array = en_node_new(EN_NODE_ARRAY);
    for (size_t k = 0; k < n; k++) en_node_push_number(array, v[k]);
    return array;
}

static en_node *matrix_node(const double *m, size_t n)
{
    en_node *rows = en_node_new(EN_NODE_ARRAY);
    for (size_t i = 0; i < n; i++) en_node_push(rows, vector_node(m + i * n, n));
    return rows;
}

static void record_round(eum_issue_run *run, int t)
{
    const size_t n = run->n;
    en_round *round = en_result_add_round(run->result, run->index, run->next);
    if (run->level == TRACE_NONE) return;
    /* output=text shows the story lines only: the extras (r, moves and the full trace's
     * matrices, about 60 bytes per actor and round) are not built */
    en_node *extra = run->text_only ? NULL : en_round_extra(round);
    en_node *moves = NULL;
    if (extra) {
        en_node *r = en_node_set(extra, "r", en_node_new(EN_NODE_OBJECT));
        for (size_t k = 0; k < n; k++) en_node_set_number(r, actor_id(run, k), run->r[k]);
        moves = en_node_set(extra, "moves", en_node_new(EN_NODE_ARRAY));
    }
    for (size_t k = 0; k < n; k++) {
        const eum_move *mv = &run->moves[k];
        if (mv->with < 0 || mv->type == EUM_MOVE_NONE) continue;
        if (moves) {
            en_node *m = en_node_push(moves, en_node_new(EN_NODE_OBJECT));
            en_node_set_string(m, "actor", actor_id(run, k));
            en_node_set_string(m, "type", eum_move_type_name(mv->type));
            en_node_set_string(m, "with", actor_id(run, (size_t)mv->with));
            en_node_set_number(m, "new_position", mv->new_position);
            en_node_set_number(m, "eu_self", mv->eu_self);
            en_node_set_number(m, "eu_other", mv->eu_other);
        }
        static const char *const verbs[] = {"", "loses a confrontation with",
                                            "compromises with", "capitulates to"};
        en_result_say(run->result, t, (long)run->issue, "%s %s %s: %.*f → %.*f",
                      actor_label(run, k), verbs[mv->type], actor_label(run, (size_t)mv->with),
                      run->decimals, run->x[k], run->decimals, mv->new_position);
    }
    if (!run->full || !extra) return;
    /* trace=full: the matrices of the reference trace files (docs/models/eum.md, "Output") */
    const eum_trace *tr = &run->trace;
    if (run->cfg.variant == EUM_SCHOLZ) {
        en_node_set(extra, "P_r1", matrix_node(tr->P_risk, n));
        en_node_set(extra, "danger_level_r1", vector_node(tr->danger, n));
        en_node_set(extra, "risk_acceptance_R", vector_node(tr->R, n));
        en_node_set(extra, "P_round", matrix_node(tr->P, n));
        en_node_set(extra, "eu_i_challenges_j__from_i", matrix_node(tr->eu_self, n));
        en_node_set(extra, "eu_j_challenges_i__from_i", matrix_node(tr->eu_other, n));
    } else {
        static const char *const names[5] = {"Us", "Uf", "Ub", "Uw", "Usq"};
        en_node_set_number(extra, "mu_pass1", tr->mu1);
        en_node *u1 = en_node_set(extra, "utilities_pass1", en_node_new(EN_NODE_OBJECT));
        for (int u = 0; u < 5; u++) en_node_set(u1, names[u], matrix_node(tr->U1[u], n));
        en_node_set(extra, "P", matrix_node(tr->P, n));
        en_node_set(extra, "EU_pass1", matrix_node(tr->P_risk, n));
        en_node_set(extra, "security_sum_over_alters_of_EU_alter_vs_i", vector_node(tr->danger, n));
        en_node_set(extra, "risk_acceptance_R", vector_node(tr->R, n));
        en_node_set_number(extra, "mu_pass2", tr->mu2);
        en_node *u2 = en_node_set(extra, "utilities_pass2", en_node_new(EN_NODE_OBJECT));
        for (int u = 0; u < 5; u++) en_node_set(u2, names[u], matrix_node(tr->U2[u], n));
        en_node_set(extra, "EU_pass2", matrix_node(tr->eu_self, n));
    }
}

/* The perceptual map of the last round run: for actor i and each other actor j, (i's EU of
 * challenging j, j's EU of challenging i), as the round's decisions saw them. */
static void record_quadrant(eum_issue_run *run, const double *eu_self, const double *eu_other)
{
    const size_t n = run->n;
    en_node *extra = en_issue_result_extra(&run->result->issues[run->index]);
    en_node *quadrant = en_node_set(extra, "quadrant", en_node_new(EN_NODE_OBJECT));
    for (size_t i = 0; i < n; i++) {
        en_node *row = en_node_set(quadrant, actor_id(run, i), en_node_new(EN_NODE_OBJECT));
        for (size_t j = 0; j < n; j++) {
            if (j == i) continue;
            en_node *pair = en_node_set(row, actor_id(run, j), en_node_new(EN_NODE_ARRAY));
            en_node_push_number(pair, eu_self[i * n + j]);
            en_node_push_number(pair, eu_other[i * n + j]);
        }
    }
}

/* The quadrant of the last accepted round, computed again from its starting positions `x`
 * (a round is a pure function of them, and asking for the EU matrices changes no decision),
 * so the rounds themselves run without the n² matrices. */
static void record_quadrant_of(eum_issue_run *run, const double *x)
{
    const size_t n = run->n, nn = n * n;
    double *eu = en_xmalloc(2 * nn * sizeof *eu), *next = en_xmalloc(n * sizeof *next);
    double *r = en_xmalloc(n * sizeof *r);
    eum_move *moves = en_xmalloc(n * sizeof *moves);
    eum_trace tr = {.r = r, .eu_self = eu, .eu_other = eu + nn};
    if (eum_round(&run->cfg, n, run->c, run->s, x, next, moves, &tr) == EUM_ROUND_OK)
        record_quadrant(run, tr.eu_self, tr.eu_other);
    en_free(eu);
    en_free(next);
    en_free(r);
    en_free(moves);
}

static const char *stop_story(const char *reason)
{
    if (strcmp(reason, "fixed_point") == 0) return "no actor moves any more (fixed point)";
    if (strcmp(reason, "consensus") == 0) return "every actor holds the same position (consensus)";
    if (strcmp(reason, "equal_danger") == 0)
        return "all actors face the same danger, so risk attitudes are undefined (equal_danger)";
    if (strcmp(reason, "no_information") == 0)
        return "no actor's vote distinguishes the positions (no_information)";
    return reason;
}

/* trace=none: the positions after the round that started from `x`, if an earlier round started
 * from the same positions (bit for bit), else NULL. A round is a pure function of its starting
 * positions (c, s and the configuration are fixed for the issue; the masad threads do not change
 * the result), so the run has entered a cycle — often a pair of actors swapping positions — and
 * what that round produced is what this one would: read back instead of recomputed. */
static const double *cycle_next(const en_issue_result *ir, size_t n, const double *x)
{
    for (size_t k = 0; k + 1 < ir->round_count; k++)
        if (memcmp(ir->rounds[k].positions, x, n * sizeof *x) == 0) return ir->rounds[k + 1].positions;
    return NULL;
}

static void run_issue(eum_issue_run *run, long rounds)
{
    const size_t n = run->n;
    const char *reason = "rounds";
    en_issue_result *ir = &run->result->issues[run->index];
    /* the last round whose eum_round succeeded (its starting positions are the round before) */
    size_t last_ok = 0;
    for (long t = 1; t <= rounds; t++) {
        const double *seen = run->level == TRACE_NONE ? cycle_next(ir, n, run->x) : NULL;
        if (seen) {
            memcpy(run->next, seen, n * sizeof *run->next);
        } else {
            eum_status st = eum_round(&run->cfg, n, run->c, run->s, run->x, run->next,
                                      run->moves, &run->trace);
            if (st != EUM_ROUND_OK) {
                reason = eum_status_name(st);
                break;
            }
        }
        record_round(run, (int)t);
        last_ok = ir->round_count - 1;
        int moved = 0;
        for (size_t k = 0; k < n && !moved; k++) moved = run->next[k] != run->x[k];
        memcpy(run->x, run->next, n * sizeof *run->x);
        if (!moved) {
            reason = "fixed_point";
            break;
        }
    }
    if (run->quadrant && last_ok > 0) record_quadrant_of(run, ir->rounds[last_ok - 1].positions);
    if (strcmp(reason, "rounds") != 0 && run->level != TRACE_NONE)
        en_result_say(run->result, (int)ir->round_count - 1, (long)run->issue,
                      "stops after round %zu: %s", ir->round_count - 1, stop_story(reason));
    en_result_finish_issue(run->result, run->index, ir->rounds[ir->round_count - 1].median,
                           reason);
}

/* masad needs every position inside the issue's scale (the reference's pow would get a
 * negative base); report each offender at its stance. */
static en_status check_scale(const en_scenario *s, en_error *err)
{
    en_status status = EN_OK;
    for (size_t i = 0; i < s->issue_count; i++) {
        const en_issue *issue = &s->issues[i];
        for (size_t a = 0; a < s->actor_count; a++) {
            const en_stance *st = &s->actors[a].stances[i];
            if (!st->present) continue;
            double x = st->position.value;
            if (x >= issue->scale_min && x <= issue->scale_max && issue->scale_max > issue->scale_min)
                continue;
            const en_location *at = st->position.where.line ? &st->position.where : &st->where;
            status = en_error_add(err, EN_ERROR_INPUT, s->path, at->line, at->column,
                                  "eum variant masad: position %g of actor '%s' on issue '%s' is "
                                  "outside the issue's scale [%g, %g]",
                                  x, s->actors[a].id, issue->id, issue->scale_min,
                                  issue->scale_max);
        }
    }
    return status;
}

static en_status eum_run(const en_scenario *s, const en_param_values *params, en_result *result,
                         en_error *err)
{
    eum_config base = {0};
    base.variant = strcmp(en_param_choice(params, "variant"), "masad") == 0 ? EUM_MASAD
                                                                              : EUM_SCHOLZ;
    base.Q = en_param_number(params, "Q");
    base.T = en_param_number(params, "T");
    base.threads = (int)en_param_integer(params, "threads");
    long rounds = en_param_integer(params, "rounds");
    const char *path = en_param_integer(params, "exact") ? "straight" : en_param_choice(params, "path");
    long quadrant_max = en_param_integer(params, "quadrant_max");
    const char *trace = en_param_choice(params, "trace");
    eum_trace_level level = strcmp(trace, "full") == 0   ? TRACE_FULL
                            : strcmp(trace, "none") == 0 ? TRACE_NONE
                                                         : TRACE_SUMMARY;
    int full = level == TRACE_FULL;
    int text_only = strcmp(en_param_choice(params, "output"), "text") == 0;
    if (base.variant == EUM_MASAD && check_scale(s, err) != EN_OK) return EN_ERROR_INPUT;

    for (size_t issue = 0; issue < s->issue_count; issue++) {
        eum_issue_run run = {.scenario = s, .result = result, .issue = issue, .level = level,
                             .full = full, .text_only = text_only};
        run.index = en_result_add_issue(result, issue);
        en_issue_result *ir = &result->issues[run.index];
        const size_t n = ir->participant_count, nn = n * n;
        run.n = n;
        run.participants = ir->participants;
        const size_t alloc = n ? n : 1;
        run.c = en_xmalloc(alloc * sizeof *run.c);
        run.s = en_xmalloc(alloc * sizeof *run.s);
        run.x = en_xmalloc(alloc * sizeof *run.x);
        run.next = en_xmalloc(alloc * sizeof *run.next);
        run.r = en_xmalloc(alloc * sizeof *run.r);
        run.moves = en_xmalloc(alloc * sizeof *run.moves);
        for (size_t p = 0; p < n; p++) {
            const en_actor *a = &s->actors[ir->participants[p]];
            run.c[p] = en_stance_capability(s, ir->participants[p], issue);
            run.s[p] = a->stances[issue].salience.value;
            run.x[p] = a->stances[issue].position.value;
        }
        en_result_add_round(result, run.index, run.x);
        const en_issue *is = &s->issues[issue];
        if (n == 0) {
            double mid = is->has_status_quo ? is->status_quo.value
                                            : (is->scale_min + is->scale_max) / 2;
            en_result_finish_issue(result, run.index, mid, "no_actors");
        } else {
            run.cfg = base;
            double lo = run.x[0], hi = run.x[0];
            for (size_t p = 0; p < n; p++) {
                if (run.x[p] < lo) lo = run.x[p];
                if (run.x[p] > hi) hi = run.x[p];
            }
            run.cfg.range = hi - lo; /* scholz: D from the initial positions, fixed */
            run.cfg.xmin = is->scale_min;
            run.cfg.xmax = is->scale_max;
            /* the table of paths decides (eum_paths.c): straight under trace=full (it keeps
             * the matrices), else as `path` says, or by size */
            run.cfg.path = eum_path_choose(base.variant, n, path, level == TRACE_NONE, full);
            /* the quadrant only where it will be shown (JSON, the run store, the report) */
            run.quadrant = level != TRACE_NONE && !text_only && (long)n <= quadrant_max;
            double span = is->scale_max - is->scale_min > 0 ? is->scale_max - is->scale_min : hi - lo;
            int decimals = span > 0 ? 2 - (int)floor(log10(span)) : 2;
            run.decimals = decimals < 1 ? 1 : decimals > 6 ? 6 : decimals;
            size_t slots = 2 + (full ? 14 * nn + 3 * n : 0);
            run.trace_store = en_xcalloc(slots, sizeof *run.trace_store);
            double *at = run.trace_store;
            run.trace.r = run.r;
            if (full) {
                run.trace.eu_self = at, at += nn;
                run.trace.eu_other = at, at += nn;
            }
            if (full) {
                run.trace.danger = at, at += n;
                run.trace.R = at, at += n;
                run.trace.P_risk = at, at += nn;
                run.trace.P = at, at += nn;
                for (int u = 0; u < 5; u++) run.trace.U1[u] = at, at += nn;
                for (int u = 0; u < 5; u++) run.trace.U2[u] = at, at += nn;
            }
            if (level != TRACE_NONE) {
                en_node *extra = en_issue_result_extra(ir);
                en_node_set_string(extra, "variant", base.variant == EUM_SCHOLZ ? "scholz" : "masad");
                en_node_set_string(extra, "path", run.cfg.path->shown);
                if (base.variant == EUM_SCHOLZ)
                    en_node_set_number(extra, "position_range", run.cfg.range);
            }
            /* scholz's sorted path keeps its table from round to round (the other paths do
             * not use the scratch) */
            eum_scratch *scratch = base.variant == EUM_SCHOLZ ? eum_scratch_new() : NULL;
            run.cfg.scratch = scratch;
            run_issue(&run, rounds);
            eum_scratch_free(scratch);
            run.cfg.scratch = NULL;
            en_free(run.trace_store);
        }
        en_free(run.c);
        en_free(run.s);
        en_free(run.x);
        en_free(run.next);
        en_free(run.r);
        en_free(run.moves);
    }
    return EN_OK;
}

const en_model en_model_eum = {
    "eum",
    "expected utility model (Bueno de Mesquita; Scholz et al. 2011 replications scholz|masad)",
    eum_params,
    sizeof eum_params / sizeof eum_params[0],
    eum_run,
    NULL,
    en_model_seed_free_always,
};
