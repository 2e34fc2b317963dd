/*
 * smp.c — the `smp` model: KTAB's spatial model of politics on entente scenarios. Issues that
 * share a `space` are the dimensions of one multi-dimensional space and are bargained over
 * jointly; any other issue is a space of its own. This file maps each space onto the engine
 * (smp_engine.c: positions to [0,1], saliences, capabilities, the accommodation matrix, the
 * settings a KTAB XML file carries), runs it and fills the result: every round's positions per
 * issue, the forecast (the most likely position at the end), and with trace=summary|full the
 * winning probabilities, bargains and queue winners of every round, with trace=full also each
 * issue's per-round `moves` (docs/models/smp.md).
 */
#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "models/model.h"
#include "models/smp.h"
#include "models/smp_sample.h"

#define VPM_CHOICES "linear|square|quartic|octic|binary"
#define PCE_CHOICES "conditional|markov_incentive|markov_uniform"
#define STM_CHOICES "deterministic|stochastic"
#define VR_CHOICES "binary|prop_bin|prop|prop_cbc|cubic|asym_prosp"
#define BIGR_CHOICES "none|one_third|half|two_thirds|full"
#define RANGE_CHOICES "min|mid|max"
#define TPC_CHOICES "no_commit|semi_commit|full_commit"
#define IVB_CHOICES "s1p1|s2p2|s2pmax"
#define BM_CHOICES "init_only|init_rcvr|pw_comp"

static const en_param_def smp_params[] = {
    {"rounds", EN_PARAM_INTEGER, "100", "most bargaining rounds (KTAB: 100)", 1, 100000, NULL},
    {"min_rounds", EN_PARAM_INTEGER, "2", "rounds before the stop rule may end the run (KTAB: 2)",
     1, 100000, NULL},
    {"min_delta_ratio", EN_PARAM_NUMBER, "0.02",
     "stop when a round moves the actors less than this share of the first round's movement", 0,
     1, NULL},
    {"victory_prob_model", EN_PARAM_CHOICE, "linear",
     "how coalition strengths become victory odds (power 1, 2, 4, 8, or binary)", 0, 0, VPM_CHOICES},
    {"pce_model", EN_PARAM_CHOICE, "conditional",
     "probabilistic Condorcet election: conditional product or a Markov chain", 0, 0, PCE_CHOICES},
    {"state_transitions", EN_PARAM_CHOICE, "deterministic",
     "each queue's most likely bargain wins, or one drawn by its probability (seeded by `seed`)",
     0, 0, STM_CHOICES},
    {"voting_rule", EN_PARAM_CHOICE, "prop", "how a utility difference becomes a vote", 0, 0,
     VR_CHOICES},
    {"bigr_adjust", EN_PARAM_CHOICE, "one_third",
     "how much of the other actor's own risk attitude an actor's estimate takes in", 0, 0,
     BIGR_CHOICES},
    {"bigr_range", EN_PARAM_CHOICE, "mid", "range of risk attitudes: [0,1], [-1/2,1] or [-1,1]",
     0, 0, RANGE_CHOICES},
    {"third_party_commit", EN_PARAM_CHOICE, "semi_commit",
     "what third parties expect to get when they join a side", 0, 0, TPC_CHOICES},
    {"inter_vec_bargain", EN_PARAM_CHOICE, "s2p2",
     "bargain interpolation weights: salience^k x probability^k (k = 1, 2) or the S2PMax rule", 0,
     0, IVB_CHOICES},
    {"bargain_model", EN_PARAM_CHOICE, "init_only",
     "whose probability estimate shapes a bargain: the initiator's, both (two bargains), or a "
     "weighted compromise of both",
     0, 0, BM_CHOICES},
    {"actor_order", EN_PARAM_CHOICE, "id",
     "order the actors bargain in (sums, ties): by id, so a forecast never depends on the order "
     "of lines in a file; or the file's, as KTAB (its CSV and XML inputs set it)", 0, 0,
     "id|file"},
    {"threads", EN_PARAM_INTEGER, "0",
     "worker threads (0: one per online core); results do not depend on it", 0, 256, NULL},
    {"precision", EN_PARAM_CHOICE, "auto",
     "exact: KTAB's model to the bit; fast: third parties and voters from a fixed stratified "
     "sample, exact on the chosen challenges and the likely positions (large spaces); auto: "
     "exact up to 350 actors in a space, fast above",
     0, 0, "auto|exact|fast"},
    {"sample", EN_PARAM_INTEGER, "0",
     "fast path: actors in each stratified sample (0: 128)", 0, 1000000, NULL},
};
#define SMP_PARAM_COUNT (sizeof smp_params / sizeof smp_params[0])

/* Index of `word` among the '|'-separated `choices`, -1 if absent. */
static int choice_index(const char *choices, const char *word)
{
    size_t length = strlen(word);
    int index = 0;
    for (const char *p = choices;; index++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == length && strncmp(p, word, n) == 0) return index;
        if (!bar) return -1;
        p = bar + 1;
    }
}

/* The value of a parameter: the user's, else the scenario file's setting, else the default.
 * The effective value is written back into the result's parameters. */
static const char *param_text(const en_scenario *s, const en_param_values *params,
                              en_result *result, const char *name)
{
    const char *v = en_param_choice(params, name);
    if (!en_param_given(params, name)) {
        const char *file = en_scenario_setting(s, name);
        if (file) {
            v = file;
            en_params_set(result->params, name, v, NULL);
        }
    }
    return v;
}

static en_status read_config(const en_scenario *s, const en_param_values *params,
                             en_result *result, smp_config *c, int *by_file, en_error *err)
{
    smp_config_default(c);
    struct {
        const char *name, *choices;
        int *slot;
    } choices[] = {
        {"victory_prob_model", VPM_CHOICES, &c->victory_prob_model},
        {"pce_model", PCE_CHOICES, &c->pce_model},
        {"state_transitions", STM_CHOICES, &c->state_transitions},
        {"voting_rule", VR_CHOICES, &c->voting_rule},
        {"bigr_adjust", BIGR_CHOICES, &c->bigr_adjust},
        {"bigr_range", RANGE_CHOICES, &c->bigr_range},
        {"third_party_commit", TPC_CHOICES, &c->third_party_commit},
        {"inter_vec_bargain", IVB_CHOICES, &c->inter_vec_bargain},
        {"bargain_model", BM_CHOICES, &c->bargain_model},
    };
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
        const char *v = param_text(s, params, result, choices[i].name);
        int k = choice_index(choices[i].choices, v);
        if (k < 0)
            return en_error_add(err, EN_ERROR_INPUT, s->path, 0, 0,
                                "setting %s '%s' is unknown (expected %s)", choices[i].name, v,
                                choices[i].choices);
        *choices[i].slot = k;
    }
    c->threads = (int)en_param_integer(params, "threads");
    c->sample = (size_t)en_param_integer(params, "sample");
    const char *order = param_text(s, params, result, "actor_order");
    if (strcmp(order, "id") != 0 && strcmp(order, "file") != 0)
        return en_error_add(err, EN_ERROR_INPUT, s->path, 0, 0,
                            "setting actor_order '%s' is unknown (expected id|file)", order);
    *by_file = strcmp(order, "file") == 0;
    c->max_rounds = (int)en_param_integer(params, "rounds");
    c->min_rounds = (int)en_param_integer(params, "min_rounds");
    c->min_delta_ratio = en_param_number(params, "min_delta_ratio");
    const char *file_seed = en_scenario_setting(s, "seed");
    if (en_param_given(params, "seed")) {
        c->seed = (uint64_t)en_param_integer(params, "seed");
    } else if (file_seed) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(file_seed, &end, 10);
        if (errno || *end || end == file_seed || file_seed[0] == '-')
            return en_error_add(err, EN_ERROR_INPUT, s->path, 0, 0,
                                "seed '%s' is not a whole number from 0 to 2^64-1", file_seed);
        c->seed = (uint64_t)v;
    }
    c->record = strcmp(en_param_choice(params, "trace"), "none") != 0;
    if (c->record) { /* exactly: the parameter table would print it as a double */
        char text[32];
        snprintf(text, sizeof text, "%llu", (unsigned long long)c->seed);
        en_node_set_string(en_result_extra(result), "prng_seed", text);
    }
    return EN_OK;
}

/* ---- one space ---- */

typedef struct smp_space {
    const char *id;  /* NULL: the single issue's own space */
    size_t *issues;  /* scenario issue indices, scenario order */
    size_t d;
} smp_space;

/* The trace's objects are built with en_node_append: their keys are fixed names, issue ids of
 * one space or actor ids, all distinct (the scenario rejects duplicate ids), so a scan for an
 * existing key would only cost O(n^2) comparisons per round on large actor sets. */
static en_node *position_node(const double *x, const smp_space *sp, const en_scenario *s)
{
    en_node *o = en_node_new_sized(EN_NODE_OBJECT, sp->d);
    for (size_t k = 0; k < sp->d; k++) {
        const en_issue *is = &s->issues[sp->issues[k]];
        en_node_append_number(o, is->id, is->scale_min + x[k] * (is->scale_max - is->scale_min));
    }
    return o;
}

/* Per issue and round, the actors that moved and the bargain that moved them (`moves`: what
 * the HTML report shows as "why did this actor move"). */
static void record_moves(const en_scenario *s, const smp_space *sp, const size_t *actor,
                         const smp_output *o, en_result *result, size_t index0)
{
    size_t n = o->n, d = o->d;
    for (size_t t = 1; o->turns && t < o->state_count; t++) {
        const smp_turn *turn = &o->turns[t];
        size_t moved = 0;
        for (size_t a = 0; a < n; a++) moved += turn->winner[a] >= 0;
        for (size_t k = 0; k < d; k++) {
            const en_issue *is = &s->issues[sp->issues[k]];
            double lo = is->scale_min, span = is->scale_max - is->scale_min;
            en_node *moves = NULL;
            for (size_t a = 0; a < n; a++) {
                if (turn->winner[a] < 0) continue;
                const smp_bargain *b = &turn->bargains[turn->winner[a]];
                double from = lo + o->positions[((t - 1) * n + a) * d + k] * span;
                double to = lo + o->positions[(t * n + a) * d + k] * span;
                if (!moves)
                    moves = en_node_set(en_round_extra(&result->issues[index0 + k].rounds[t]),
                                        "moves", en_node_new_sized(EN_NODE_ARRAY, moved));
                en_node *m = en_node_push(moves, en_node_new_sized(EN_NODE_OBJECT, 8));
                int initiated = (size_t)b->initiator == a;
                en_node_append_string(m, "actor", s->actors[actor[a]].id);
                en_node_append_string(m, "type", initiated ? "its challenge accepted" : "accepted a challenge");
                en_node_append_string(m, "with", s->actors[actor[initiated ? b->receiver : b->initiator]].id);
                en_node_append_number(m, "bargain", turn->winner[a]);
                en_node_append_number(m, "from", from);
                en_node_append_number(m, "to", to);
                en_node_append_number(m, "initiator_win_probability", b->win_probability);
                en_node_append_number(m, "queue_probability", turn->winner_probability[a]);
            }
        }
    }
}

static void record_trace(const en_scenario *s, const smp_space *sp, const size_t *actor,
                         const smp_output *o, en_result *result)
{
    size_t n = o->n, d = o->d;
    en_node *top = en_result_extra(result);
    en_node *spaces = en_node_get(top, "spaces");
    if (!spaces) spaces = en_node_set(top, "spaces", en_node_new(EN_NODE_ARRAY));
    en_node *node = en_node_push(spaces, en_node_new_sized(EN_NODE_OBJECT, 5));
    en_node_append_string(node, "space", sp->id ? sp->id : s->issues[sp->issues[0]].id);
    en_node *dims = en_node_append(node, "issues", en_node_new_sized(EN_NODE_ARRAY, d));
    for (size_t k = 0; k < d; k++) en_node_push(dims, en_node_string(s->issues[sp->issues[k]].id));
    en_node_append_number(node, "stop_turn", (double)(o->state_count - 1));
    en_node_append_string(node, "stop_rule", o->stop_reason);
    en_node *rounds = en_node_append(node, "rounds", en_node_new_sized(EN_NODE_ARRAY, o->state_count));
    for (size_t t = 0; t < o->state_count; t++) {
        en_node *r = en_node_push(rounds, en_node_new_sized(EN_NODE_OBJECT, t == 0 || !o->turns ? 2 : 5));
        en_node_append_number(r, "round", (double)t);
        en_node *wp = en_node_append(r, "win_probability", en_node_new_sized(EN_NODE_OBJECT, n));
        for (size_t a = 0; a < n; a++)
            en_node_append_number(wp, s->actors[actor[a]].id, o->win_probability[t * n + a]);
        if (t == 0 || !o->turns) continue;
        const smp_turn *turn = &o->turns[t];
        en_node_append_number(r, "change_ratio", turn->change_ratio);
        en_node *bl = en_node_append(r, "bargains", en_node_new_sized(EN_NODE_ARRAY, turn->bargain_count));
        for (size_t b = 0; b < turn->bargain_count; b++) {
            const smp_bargain *bg = &turn->bargains[b];
            en_node *bn = en_node_push(bl, en_node_new_sized(EN_NODE_OBJECT, 7));
            en_node_append_number(bn, "id", (double)b);
            en_node_append_string(bn, "initiator", s->actors[actor[bg->initiator]].id);
            en_node_append_string(bn, "receiver", s->actors[actor[bg->receiver]].id);
            en_node_append_number(bn, "initiator_win_probability", bg->win_probability);
            en_node_append_number(bn, "initiator_gain", bg->gain);
            en_node_append(bn, "initiator_position", position_node(bg->init_position, sp, s));
            en_node_append(bn, "receiver_position", position_node(bg->rcvr_position, sp, s));
        }
        en_node *qw = en_node_append(r, "queue_winners", en_node_new_sized(EN_NODE_OBJECT, n));
        for (size_t a = 0; a < n; a++) {
            en_node *w = en_node_append(qw, s->actors[actor[a]].id, en_node_new_sized(EN_NODE_OBJECT, 2));
            if (turn->winner[a] < 0) en_node_append_string(w, "bargain", "status_quo");
            else en_node_append_number(w, "bargain", turn->winner[a]);
            en_node_append_number(w, "probability", turn->winner_probability[a]);
        }
    }
}

static void tell_story(const en_scenario *s, const smp_space *sp, const size_t *actor,
                       const smp_output *o, en_result *result)
{
    size_t n = o->n;
    long issue = sp->d == 1 ? (long)sp->issues[0] : -1;
    const char *label = sp->id ? sp->id : s->issues[sp->issues[0]].id;
    for (size_t t = 1; o->turns && t < o->state_count; t++) {
        const smp_turn *turn = &o->turns[t];
        size_t moved = 0, best = 0;
        for (size_t a = 0; a < n; a++) {
            if (turn->winner[a] >= 0) moved++;
            if (o->win_probability[t * n + a] > o->win_probability[t * n + best]) best = a;
        }
        en_result_say(result, (int)t, issue,
                      "%s: %zu challenges, %zu actors accept a bargain; most likely position "
                      "%s's (p = %.4f)",
                      label, turn->bargain_count, moved, s->actors[actor[best]].id,
                      o->win_probability[t * n + best]);
    }
}

static const en_scenario *id_order_scenario; /* qsort has no context argument */

static int by_actor_id(const void *a, const void *b)
{
    const en_actor *actors = id_order_scenario->actors;
    return strcmp(actors[*(const size_t *)a].id, actors[*(const size_t *)b].id);
}

/* The actors of a space in the order they bargain: by id (the house rule: a forecast does not
 * depend on the order of lines in a file), or the file's when by_file (KTAB inputs: KTAB's sums
 * and ties follow its file order, and exactness needs the same). `slot[e]` is where actor e
 * stands among the space's participants in file order, which is how results list them. */
static void bargaining_order(const en_scenario *s, size_t *actor, size_t n, int by_file,
                             size_t *slot)
{
    if (by_file) {
        for (size_t e = 0; e < n; e++) slot[e] = e;
        return;
    }
    size_t *sorted = en_xmalloc((n + 1) * sizeof *sorted);
    memcpy(sorted, actor, n * sizeof *sorted);
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* models run on many threads */
    pthread_mutex_lock(&lock);
    id_order_scenario = s;
    qsort(sorted, n, sizeof *sorted, by_actor_id);
    pthread_mutex_unlock(&lock);
    for (size_t e = 0; e < n; e++) {
        size_t f = 0;
        while (actor[f] != sorted[e]) f++;
        slot[e] = f;
    }
    memcpy(actor, sorted, n * sizeof *sorted);
    en_free(sorted);
}

static en_status run_space(const en_scenario *s, const smp_space *sp, const smp_config *config,
                           const en_param_values *params, int by_file, en_result *result,
                           en_error *err)
{
    size_t d = sp->d;
    size_t *actor = en_xmalloc((s->actor_count + 1) * sizeof *actor), n = 0;
    en_status st = EN_OK;
    for (size_t a = 0; a < s->actor_count; a++) {
        size_t present = 0;
        for (size_t k = 0; k < d; k++) present += s->actors[a].stances[sp->issues[k]].present != 0;
        if (present == d) actor[n++] = a;
        else if (present) {
            size_t missing = 0;
            while (s->actors[a].stances[sp->issues[missing]].present) missing++;
            st = en_error_add(err, EN_ERROR_MODEL, s->path, s->actors[a].where.line,
                              s->actors[a].where.column,
                              "smp: actor '%s' has no stance on issue '%s' of space '%s' (expected "
                              "a stance on every dimension of a space, or on none)",
                              s->actors[a].id, s->issues[sp->issues[missing]].id, sp->id);
        }
    }
    if (st != EN_OK) {
        en_free(actor);
        return st;
    }
    size_t index0 = result->issue_count;
    for (size_t k = 0; k < d; k++) en_result_add_issue(result, sp->issues[k]);
    size_t *slot = en_xmalloc((n + 1) * sizeof *slot);
    bargaining_order(s, actor, n, by_file, slot);
    double *cap = en_xmalloc((n + 1) * sizeof *cap);
    double *pos = en_xmalloc((n * d + 1) * sizeof *pos);
    double *sal = en_xmalloc((n * d + 1) * sizeof *sal);
    for (size_t i = 0; i < n; i++) {
        const en_actor *ac = &s->actors[actor[i]];
        cap[i] = en_stance_capability(s, actor[i], sp->issues[0]);
        double total = 0;
        for (size_t k = 0; k < d; k++) {
            const en_issue *is = &s->issues[sp->issues[k]];
            const en_stance *stn = &ac->stances[sp->issues[k]];
            pos[i * d + k] = (stn->position.value - is->scale_min) / (is->scale_max - is->scale_min);
            sal[i * d + k] = stn->salience.value;
            total += stn->salience.value;
        }
        /* Saliences on the dimensions of one space share the actor's attention: more than 1
         * in all is read as relative weights. */
        if (total > 1)
            for (size_t k = 0; k < d; k++) sal[i * d + k] /= total;
    }
    double *A = NULL;
    for (size_t e = 0; e < s->accommodation_count; e++) {
        const en_accommodation *ac = &s->accommodation[e];
        long ia = -1, ib = -1;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(s->actors[actor[i]].id, ac->actor) == 0) ia = (long)i;
            if (strcmp(s->actors[actor[i]].id, ac->reference) == 0) ib = (long)i;
        }
        if (ia < 0 || ib < 0) continue; /* an actor outside this space, or removed */
        if (!A) {
            A = en_xcalloc(n * n, sizeof *A);
            for (size_t i = 0; i < n; i++) A[i * n + i] = 1;
        }
        A[(size_t)ia * n + (size_t)ib] = ac->value;
    }
    for (size_t i = 0; A && i < n && st == EN_OK; i++) {
        double row = 0;
        for (size_t j = 0; j < n; j++) {
            if (!(A[i * n + j] >= 0 && A[i * n + j] <= 1))
                st = en_error_add(err, EN_ERROR_INPUT, s->path, 0, 0,
                                  "accommodation of '%s' to '%s' is %g (expected a number in [0, 1])",
                                  s->actors[actor[i]].id, s->actors[actor[j]].id, A[i * n + j]);
            row += A[i * n + j];
        }
        if (st == EN_OK && row > 1 + 1e-10)
            st = en_error_add(err, EN_ERROR_INPUT, s->path, 0, 0,
                              "accommodation of '%s' adds up to %g (expected at most 1)",
                              s->actors[actor[i]].id, row);
    }
    smp_output o = {0};
    const smp_path *path = smp_path_choose(n, en_param_choice(params, "precision"));
    if (st == EN_OK && n >= 2) {
        smp_input in = {n, d, cap, pos, sal, A};
        st = path->solve(&in, config, &o, err);
    } else if (st == EN_OK) { /* one actor or none: nothing to bargain over */
        o.n = n, o.d = d, o.state_count = 1, o.stop_reason = "single_actor";
        o.positions = en_xmalloc((n * d + 1) * sizeof(double));
        memcpy(o.positions, pos, n * d * sizeof(double));
        o.win_probability = en_xmalloc((n + 1) * sizeof(double));
        for (size_t i = 0; i < n; i++) o.win_probability[i] = 1;
    }
    if (st == EN_OK) {
        double *row = en_xmalloc((n + 1) * sizeof *row);
        for (size_t k = 0; k < d; k++) {
            const en_issue *is = &s->issues[sp->issues[k]];
            double lo = is->scale_min, span = is->scale_max - is->scale_min;
            for (size_t t = 0; t < o.state_count; t++) {
                for (size_t i = 0; i < n; i++)
                    row[slot[i]] = lo + o.positions[(t * n + i) * d + k] * span;
                en_result_add_round(result, index0 + k, row);
            }
        }
        en_free(row);
        /* forecast: the most likely position at the end (first actor holding it) */
        size_t last = o.state_count - 1, best = 0;
        for (size_t i = 1; i < n && o.win_probability; i++)
            if (o.win_probability[last * n + i] > o.win_probability[last * n + best]) best = i;
        const char *reason = !strcmp(o.stop_reason, "quiet") ? "converged"
                             : !strcmp(o.stop_reason, "rounds") ? "rounds"
                                                                : o.stop_reason;
        for (size_t k = 0; k < d; k++) {
            const en_issue *is = &s->issues[sp->issues[k]];
            double f = n ? is->scale_min + o.positions[(last * n + best) * d + k] *
                                               (is->scale_max - is->scale_min)
                         : (is->scale_min + is->scale_max) / 2;
            en_result_finish_issue(result, index0 + k, f, reason);
        }
        /* which path ran, per issue (JSON, report) and in the story (text) */
        for (size_t k = 0; k < d; k++)
            en_node_set_string(en_issue_result_extra(&result->issues[index0 + k]), "precision",
                               path->name);
        if (path->precision == SMP_PRECISION_FAST)
            en_result_say(result, 0, d == 1 ? (long)sp->issues[0] : -1,
                          "%s: large-n path (precision=fast): %zu actors, third parties and "
                          "voters from a stratified sample of %zu; approximate within the "
                          "tolerances of docs/models/smp.md",
                          sp->id ? sp->id : s->issues[sp->issues[0]].id, n,
                          smp_sample_size(n, config->sample));
        if (config->record && n >= 2) {
            /* output=text prints the story only: the trace's tree (about 25k nodes per round
             * at 1,000 actors) would be built and freed unseen. trace=summary keeps the
             * per-space record; the per-issue `moves` repeat it once per dimension and come
             * with trace=full only (a reader derives them from the spaces, docs/models/smp.md). */
            const char *level = en_param_choice(params, "trace");
            if (strcmp(en_param_choice(params, "output"), "text") != 0) {
                record_trace(s, sp, actor, &o, result);
                if (strcmp(level, "full") == 0) record_moves(s, sp, actor, &o, result, index0);
            }
            tell_story(s, sp, actor, &o, result);
        }
    }
    smp_output_free(&o);
    en_free(slot);
    en_free(A);
    en_free(cap);
    en_free(pos);
    en_free(sal);
    en_free(actor);
    return st;
}

static en_status smp_run(const en_scenario *s, const en_param_values *params, en_result *result,
                         en_error *err)
{
    smp_config config;
    int by_file = 0;
    en_status st = read_config(s, params, result, &config, &by_file, err);
    if (st != EN_OK) return st;
    /* spaces in the order of their first issue */
    unsigned char *done = en_xcalloc(s->issue_count + 1, 1);
    size_t *members = en_xmalloc((s->issue_count + 1) * sizeof *members);
    for (size_t i = 0; i < s->issue_count && st == EN_OK; i++) {
        if (done[i]) continue;
        smp_space sp = {s->issues[i].space, members, 0};
        for (size_t j = i; j < s->issue_count; j++) {
            int same = j == i || (sp.id && s->issues[j].space && !strcmp(sp.id, s->issues[j].space));
            if (same) members[sp.d++] = j, done[j] = 1;
        }
        st = run_space(s, &sp, &config, params, by_file, result, err);
    }
    en_free(done);
    en_free(members);
    return st;
}

const en_model en_model_smp = {
    "smp",
    "KTAB's spatial model of politics: challenges, bargains and Condorcet elections over "
    "positions in one or more dimensions",
    smp_params, SMP_PARAM_COUNT, smp_run, NULL,
    NULL, /* seed_free: its draws use the seed */
};
