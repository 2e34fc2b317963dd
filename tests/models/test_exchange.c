/*
 * test_exchange.c — the exchange model against Decide's golden runs (tests/golden/decide: every
 * round's preference and voting positions and outcomes, the exchange sequence, candidate
 * counts, tie events), a hand-computed two-actor exchange, the scale mapping, the zero-weight
 * guards, and the reproducibility of the randomized variant (same seed → same run, also when
 * runs execute concurrently on several threads).
 */
#include "io/ytree.h"
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "core/result.h"
#include "core/scenario.h"
#include "models/exchange.h"
#include "support/scenario_fixture.h"

#define TOL 1e-9

/* ---- reading the golden JSON with libfyaml ---- */

static en_ynode *get(en_ynode *node, const char *key)
{
    en_ynode *v = node ? en_ynode_mapping_lookup_by_string(node, key, EN_YNT) : NULL;
    if (!v) fail_msg("golden file: no key '%s'", key);
    return v;
}

static double num(en_ynode *node)
{
    size_t len;
    const char *text = en_ynode_get_scalar(node, &len);
    char buffer[64];
    if (!text || len >= sizeof buffer) fail_msg("golden file: not a number");
    memcpy(buffer, text, len);
    buffer[len] = 0;
    return strtod(buffer, NULL);
}

static int str_is(en_ynode *node, const char *expected)
{
    size_t len;
    const char *text = en_ynode_get_scalar(node, &len);
    return text && len == strlen(expected) && memcmp(text, expected, len) == 0;
}

static double node_num(const en_node *object, const char *key)
{
    const en_node *n = en_node_get(object, key);
    if (!n || n->type != EN_NODE_NUMBER) fail_msg("result: no number '%s'", key);
    return n->number;
}

static const char *node_str(const en_node *object, const char *key)
{
    const en_node *n = en_node_get(object, key);
    if (!n || n->type != EN_NODE_STRING) fail_msg("result: no string '%s'", key);
    return n->string;
}

static double max_position_dev, max_outcome_dev;

static void close_to(double expected, double actual, double *max_dev, const char *what, int round)
{
    double dev = fabs(expected - actual);
    if (dev > *max_dev) *max_dev = dev;
    if (!(dev <= TOL)) fail_msg("%s, round %d: expected %.17g, got %.17g", what, round, expected, actual);
}

/* Index of a participant of issue-result `ir` by actor id, or -1. */
static long participant(const en_scenario *s, const en_issue_result *ir, const char *id, size_t len)
{
    for (size_t p = 0; p < ir->participant_count; p++) {
        const char *a = s->actors[ir->participants[p]].id;
        if (strlen(a) == len && memcmp(a, id, len) == 0) return (long)p;
    }
    return -1;
}

/* Compares positions {actor: value} with the result's round and, when `voting`, with the
 * round's voting_positions extra. */
static void compare_positions(const en_scenario *s, const en_issue_result *ir, int round,
                              en_ynode *positions, const en_node *voting)
{
    int count = en_ynode_mapping_item_count(positions);
    assert_int_equal(count, (int)ir->participant_count);
    for (int k = 0; k < count; k++) {
        en_ynode_pair *pair = en_ynode_mapping_get_by_index(positions, k);
        size_t len;
        const char *id = en_ynode_get_scalar(en_ynode_pair_key(pair), &len);
        long p = participant(s, ir, id, len);
        if (p < 0) fail_msg("actor %.*s is not a participant", (int)len, id);
        double expected = num(en_ynode_pair_value(pair));
        if (voting) {
            char key[256];
            snprintf(key, sizeof key, "%.*s", (int)len, id);
            close_to(expected, node_num(voting, key), &max_position_dev, "voting position", round);
        } else {
            close_to(expected, ir->rounds[round].positions[p], &max_position_dev, "position", round);
        }
    }
}

static void check_golden(const char *data, const char *golden)
{
    max_position_dev = max_outcome_dev = 0;
    en_error err = EN_ERROR_INIT;
    en_scenario *s = NULL;
    if (en_scenario_load(fixture_path(data), NULL, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        fail_msg("%s did not load", data);
    }
    en_result *r = fixture_run(s, "exchange", NULL);
    en_ytree *doc = en_ytree_load_file(fixture_path(golden));
    assert_non_null(doc);
    en_ynode *root = en_ytree_root(doc);
    en_ynode *rounds = get(root, "rounds");
    en_ynode *xrounds = get(root, "exchanges_per_round");
    int round_count = en_ynode_sequence_item_count(rounds);
    assert_int_equal(round_count, 10);
    const en_node *my_rounds = en_node_get(r->extra, "rounds");
    assert_non_null(my_rounds);
    assert_int_equal(my_rounds->count, (size_t)round_count);
    long ties = 0;
    for (int k = 0; k < round_count; k++) {
        en_ynode *issues = get(en_ynode_sequence_get_by_index(rounds, k), "issues");
        for (size_t i = 0; i < r->issue_count; i++) {
            const en_issue_result *ir = &r->issues[i];
            en_ynode *gi = get(issues, s->issues[ir->issue].id);
            /* Golden rounds[k] = the start of round k+1 = our round k; voting = our round k+1. */
            compare_positions(s, ir, k, get(gi, "positions"), NULL);
            close_to(num(get(gi, "outcome_weighted_mean")), ir->rounds[k].mean, &max_outcome_dev,
                     "outcome", k);
            const en_node *extra = ir->rounds[k + 1].extra;
            compare_positions(s, ir, k + 1, get(gi, "voting_positions"),
                              en_node_get(extra, "voting_positions"));
            close_to(num(get(gi, "voting_outcome_weighted_mean")), node_num(extra, "voting_outcome"),
                     &max_outcome_dev, "voting outcome", k + 1);
        }
        /* The exchanges: counts, sequence, positions (internal 0–100 scale). */
        en_ynode *gx = en_ynode_sequence_get_by_index(xrounds, k);
        const en_node *mx = my_rounds->items[k];
        assert_int_equal((long)node_num(mx, "candidates_total"), (long)num(get(gx, "candidates_total")));
        assert_int_equal((long)node_num(mx, "candidates_valid_initially"),
                         (long)num(get(gx, "candidates_valid_initially")));
        assert_int_equal((long)node_num(mx, "count"), (long)num(get(gx, "count")));
        ties += (long)node_num(mx, "tie_events");
        en_ynode *glist = get(gx, "exchanges");
        const en_node *mlist = en_node_get(mx, "exchanges");
        assert_int_equal(mlist->count, (size_t)en_ynode_sequence_item_count(glist));
        for (size_t e = 0; e < mlist->count; e++) {
            en_ynode *ge = en_ynode_sequence_get_by_index(glist, (int)e);
            const en_node *me = mlist->items[e];
            static const char *const sides[] = {"i", "j"};
            for (int sd = 0; sd < 2; sd++) {
                en_ynode *gs = get(ge, sides[sd]);
                const en_node *ms = en_node_get(me, sides[sd]);
                if (!str_is(get(gs, "actor"), node_str(ms, "actor")) ||
                    !str_is(get(gs, "supply_issue"), node_str(ms, "supply_issue")))
                    fail_msg("round %d exchange %zu side %s: %s on %s differs from the golden", k + 1,
                             e + 1, sides[sd], node_str(ms, "actor"), node_str(ms, "supply_issue"));
                close_to(num(get(gs, "x")), node_num(ms, "x"), &max_position_dev, "exchange x", k + 1);
                close_to(num(get(gs, "y")), node_num(ms, "y"), &max_position_dev, "exchange y", k + 1);
                close_to(num(get(gs, "nbs_0")), node_num(ms, "nbs_0"), &max_outcome_dev, "nbs_0", k + 1);
                close_to(num(get(gs, "nbs_1")), node_num(ms, "nbs_1"), &max_outcome_dev, "nbs_1", k + 1);
                const en_node *adj = en_node_get(ms, "adjusted_by_nbs");
                assert_int_equal(adj->number != 0, str_is(get(gs, "adjusted_by_nbs"), "true"));
            }
            close_to(num(get(ge, "gain")), node_num(me, "gain"), &max_outcome_dev, "gain", k + 1);
        }
    }
    /* Final preference = our last round. */
    en_ynode *final = get(root, "final_preference");
    for (size_t i = 0; i < r->issue_count; i++) {
        const en_issue_result *ir = &r->issues[i];
        en_ynode *gi = get(final, s->issues[ir->issue].id);
        compare_positions(s, ir, round_count, get(gi, "positions"), NULL);
        close_to(num(get(gi, "outcome_weighted_mean")), ir->forecast, &max_outcome_dev, "forecast",
                 round_count);
    }
    assert_int_equal(ties, (long)num(get(root, "tie_events")));
    print_message("%s: 10 rounds match; max |position dev| %.2e, max |outcome dev| %.2e\n", golden,
                  max_position_dev, max_outcome_dev);
    en_ytree_free(doc);
    en_result_free(r);
    en_scenario_free(s);
}

static void golden_copenhagen(void **state)
{
    (void)state;
    check_golden("tests/data/decide/copenhagen.csv", "tests/golden/decide/copenhagen.equal-gain.json");
}

static void golden_sample_data(void **state)
{
    (void)state;
    check_golden("tests/data/decide/sample_data.txt", "tests/golden/decide/sample_data.equal-gain.json");
}

/* ---- a case computed by hand (docs/models/exchange.md, "worked example") ----
 * A cares about P (0.8) more than Q (0.2), B the reverse; both have power 1.
 * Outcomes: P = 20, Q = 80. A (left, left) and B (right, right) form one candidate; A is i
 * (relatively more interested in P): B moves fully to 0 on P (dp = 20), A's equal-gain move
 * on Q is 20 · 1 / 0.2 = 100, exactly its full distance. Gain |20·0.2 − 20·0.8| = 12.
 * New positions: 0.32·y + 0.1·y + 0.58·x0 → A on Q: 42, B on P: 58. */
static void hand_computed_round(void **state)
{
    (void)state;
    unsigned char present[4] = {1, 1, 1, 1};
    double x[4] = {0, 0, 100, 100}, s[4] = {0.8, 0.2, 0.2, 0.8}, c[4] = {1, 1, 1, 1};
    ex_input in = {2, 2, present, x, s, c};
    ex_state *st = ex_state_new(&in);
    ex_options o;
    ex_options_default(&o);
    assert_float_equal(ex_outcome(st, 0), 20, 1e-12);
    assert_float_equal(ex_outcome(st, 1), 80, 1e-12);
    ex_round_record rec;
    memset(&rec, 0, sizeof rec);
    ex_round(st, &o, &rec);
    assert_int_equal(rec.candidates_total, 1);
    assert_int_equal(rec.exchange_count, 1);
    const ex_exchange_record *e = &rec.exchanges[0];
    assert_int_equal(e->i.actor, 0);
    assert_int_equal(e->i.supply_issue, 1);
    assert_int_equal(e->j.actor, 1);
    assert_int_equal(e->j.supply_issue, 0);
    assert_float_equal(e->i.move, 100, 1e-12);
    assert_float_equal(e->j.move, -100, 1e-12);
    assert_float_equal(e->gain, 12, 1e-12);
    assert_float_equal(rec.voting_outcome[0], 0, 1e-12);
    assert_float_equal(rec.voting_outcome[1], 100, 1e-12);
    const double *nx = ex_positions(st);
    assert_float_equal(nx[0], 0, 1e-12);
    assert_float_equal(nx[1], 42, 1e-12);
    assert_float_equal(nx[2], 58, 1e-12);
    assert_float_equal(nx[3], 100, 1e-12);
    assert_float_equal(ex_outcome(st, 0), 11.6, 1e-12);
    assert_float_equal(ex_outcome(st, 1), 88.4, 1e-12);
    ex_round_record_free(&rec);
    ex_state_free(st);
}

/* The same case as a Decide file, with Q on a 0–10 scale (#M rows): results come back on it. */
static const char *const two_actor_file =
    "#A\tA\tA\n#A\tB\tB\n#P\tP\n#P\tQ\n#M\tQ\t0\tnone\n#M\tQ\t10\tall\n"
    "#D\tA\tP\t0\t0.8\t1\n#D\tA\tQ\t0\t0.2\t1\n#D\tB\tP\t100\t0.2\t1\n#D\tB\tQ\t10\t0.8\t1\n";

static void scale_mapping(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(fixture_load(two_actor_file, "two.csv", &s, &err), EN_OK);
    const char *params[] = {"rounds=1", NULL};
    en_result *r = fixture_run(s, "exchange", params);
    double v;
    assert_true(en_result_position(r, 1, 1, 0, &v));
    assert_float_equal(v, 4.2, 1e-12);
    assert_true(en_result_position(r, 0, 1, 1, &v));
    assert_float_equal(v, 58, 1e-12);
    assert_float_equal(fixture_forecast(r, "Q"), 8.84, 1e-12);
    assert_float_equal(fixture_forecast(r, "P"), 11.6, 1e-12);
    /* The story names who gives what, on the issue's own scale. */
    int told = 0;
    for (size_t k = 0; k < r->story_count; k++)
        told |= strcmp(r->story[k].text, "A gives 10 on Q to B for 100 on P") == 0;
    assert_true(told);
    en_result_free(r);
    en_scenario_free(s);
}

/* Zero salience or power would divide by zero in Decide (exchange.md §1.4): skipped, not a crash. */
static void zero_weights_are_skipped(void **state)
{
    (void)state;
    unsigned char present[6] = {1, 1, 1, 1, 1, 1};
    double x[6] = {0, 0, 100, 100, 50, 60}, s[6] = {0.8, 0, 0.2, 0.8, 0.5, 0.5};
    double c[6] = {1, 1, 0, 1, 1, 1};
    ex_input in = {3, 2, present, x, s, c};
    ex_state *st = ex_state_new(&in);
    ex_options o;
    ex_options_default(&o);
    ex_round_record rec;
    memset(&rec, 0, sizeof rec);
    for (int k = 0; k < 3; k++) ex_round(st, &o, &rec);
    for (size_t k = 0; k < 6; k++) assert_true(isfinite(ex_positions(st)[k]));
    ex_round_record_free(&rec);
    ex_state_free(st);
}

/* ---- the randomized variant ---- */

static void forecasts(const en_result *r, double *out)
{
    for (size_t i = 0; i < r->issue_count; i++) out[i] = r->issues[i].forecast;
}

typedef struct job {
    const en_scenario *s;
    const char *const *params;
    double out[64];
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    const en_model *m = en_model_find("exchange");
    en_params *p = en_params_new();
    for (size_t i = 0; j->params[i]; i++) en_params_parse(p, j->params[i], NULL);
    en_result *r = NULL;
    if (en_run(m, j->s, p, &r, NULL) == EN_OK) {
        forecasts(r, j->out);
        en_result_free(r);
    }
    en_params_free(p);
    return NULL;
}

static void randomized_is_reproducible(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("tests/data/decide/copenhagen.csv");
    const char *seed7[] = {"p=0.5", "seed=7", "repetitions=4", NULL};
    const char *seed8[] = {"p=0.5", "seed=8", "repetitions=4", NULL};
    const char *eg[] = {"p=0", NULL};
    en_result *a = fixture_run(s, "exchange", seed7);
    en_result *b = fixture_run(s, "exchange", seed7);
    en_result *c = fixture_run(s, "exchange", seed8);
    en_result *d = fixture_run(s, "exchange", eg);
    double fa[64], fb[64], fc[64], fd[64];
    forecasts(a, fa);
    forecasts(b, fb);
    forecasts(c, fc);
    forecasts(d, fd);
    int differs_seed = 0, differs_eg = 0;
    for (size_t i = 0; i < a->issue_count; i++) {
        assert_true(fa[i] == fb[i]); /* bit for bit */
        assert_true(isfinite(fa[i]) && fa[i] >= 0 && fa[i] <= 100);
        differs_seed |= fa[i] != fc[i];
        differs_eg |= fa[i] != fd[i];
        /* repetitions report mean and spread per issue */
        const en_node *rep = en_node_get(a->issues[i].extra, "repetitions");
        assert_non_null(rep);
        assert_int_equal((long)node_num(rep, "count"), 4);
        const en_node *f = en_node_get(rep, "forecast");
        assert_float_equal(node_num(f, "mean"), fa[i], 1e-9);
        assert_true(node_num(f, "sd") >= 0);
        assert_true(node_num(f, "min") <= node_num(f, "max"));
    }
    assert_true(differs_seed);
    assert_true(differs_eg);
    /* Same seed on two threads at once: the same numbers (no global state). */
    job jobs[2] = {{s, seed7, {0}}, {s, seed7, {0}}};
    pthread_t t[2];
    for (int k = 0; k < 2; k++) pthread_create(&t[k], NULL, run_job, &jobs[k]);
    for (int k = 0; k < 2; k++) pthread_join(t[k], NULL);
    for (size_t i = 0; i < a->issue_count; i++) {
        assert_true(jobs[0].out[i] == fa[i]);
        assert_true(jobs[1].out[i] == fa[i]);
    }
    en_result_free(a);
    en_result_free(b);
    en_result_free(c);
    en_result_free(d);
    en_scenario_free(s);
}

/* Candidate generation runs on several threads when there are many candidates (not for the
 * randomized variant, whose draws follow generation order): the thread count must not change
 * a single bit, for equal gain or for a seeded randomized run. */
static void run_kernel(const en_scenario *s, double p, int threads, int rounds, ex_round_record *recs,
                       double *final)
{
    size_t n = s->actor_count, m = s->issue_count, nm = n * m;
    unsigned char *present = calloc(nm, 1);
    double *x = calloc(nm, sizeof *x), *sal = calloc(nm, sizeof *sal), *c = calloc(nm, sizeof *c);
    for (size_t a = 0; a < n; a++)
        for (size_t d = 0; d < m; d++) {
            const en_stance *st = &s->actors[a].stances[d];
            if (!st->present) continue;
            double lo = s->issues[d].scale_min, hi = s->issues[d].scale_max;
            present[a * m + d] = 1;
            x[a * m + d] = (st->position.value - lo) * 100 / (hi - lo);
            sal[a * m + d] = st->salience.value;
            c[a * m + d] = st->has_power ? st->power.value : s->actors[a].capability.value;
        }
    ex_input in = {n, m, present, x, sal, c};
    ex_options o;
    ex_options_default(&o);
    o.p = p;
    o.threads = threads;
    gsl_rng *rng = NULL;
    if (p > 0) {
        rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, 11);
        o.rng = rng;
    }
    ex_state *st = ex_state_new(&in);
    for (int r = 0; r < rounds; r++) {
        memset(&recs[r], 0, sizeof recs[r]);
        ex_round(st, &o, &recs[r]);
    }
    memcpy(final, ex_positions(st), nm * sizeof *final);
    ex_state_free(st);
    if (rng) gsl_rng_free(rng);
    free(present);
    free(x);
    free(sal);
    free(c);
}

static void same_round(const ex_round_record *a, const ex_round_record *b, size_t n, size_t m)
{
    assert_int_equal(a->candidates_total, b->candidates_total);
    assert_int_equal(a->candidates_valid_initially, b->candidates_valid_initially);
    assert_int_equal(a->tie_events, b->tie_events);
    assert_int_equal(a->exchange_count, b->exchange_count);
    /* Records are zeroed before they are filled: padding compares equal too. */
    assert_memory_equal(a->exchanges, b->exchanges, a->exchange_count * sizeof *a->exchanges);
    assert_memory_equal(a->voting_position, b->voting_position, n * m * sizeof(double));
    assert_memory_equal(a->actor_ext, b->actor_ext, n * sizeof *a->actor_ext);
}

static void thread_count_does_not_change_results(void **state)
{
    (void)state;
    /* 40 × 20: about 38 000 candidates a round, enough for threaded generation. */
    en_scenario *s = fixture_file("tests/data/decide/synth-40x20.csv");
    size_t n = s->actor_count, m = s->issue_count;
    enum { ROUNDS = 2 };
    static const double variants[] = {0, 0.5};
    for (int v = 0; v < 2; v++) {
        ex_round_record one[ROUNDS], three[ROUNDS];
        double *f1 = calloc(n * m, sizeof *f1), *f3 = calloc(n * m, sizeof *f3);
        run_kernel(s, variants[v], 1, ROUNDS, one, f1);
        run_kernel(s, variants[v], 3, ROUNDS, three, f3);
        assert_true(one[0].candidates_total >= 20000);
        for (int r = 0; r < ROUNDS; r++) {
            same_round(&one[r], &three[r], n, m);
            ex_round_record_free(&one[r]);
            ex_round_record_free(&three[r]);
        }
        assert_memory_equal(f1, f3, n * m * sizeof *f1);
        free(f1);
        free(f3);
    }
    en_scenario_free(s);
}

/* Every data set runs; positions stay on their scales; cop21 and the synthetic sets too. */
static void all_data_sets_run(void **state)
{
    (void)state;
    static const char *const files[] = {"cop21.csv", "synth-20x5.csv", "synth-40x10.csv", NULL};
    for (size_t f = 0; files[f]; f++) {
        char path[256];
        snprintf(path, sizeof path, "tests/data/decide/%s", files[f]);
        en_scenario *s = fixture_file(path);
        const char *params[] = {"rounds=3", "p=1", "repetitions=2", NULL};
        for (int variant = 0; variant < 2; variant++) {
            en_result *r = fixture_run(s, "exchange", variant ? params : NULL);
            for (size_t i = 0; i < r->issue_count; i++) {
                const en_issue_result *ir = &r->issues[i];
                const en_issue *is = &s->issues[ir->issue];
                for (size_t k = 0; k < ir->round_count; k++)
                    for (size_t p = 0; p < ir->participant_count; p++) {
                        double v = ir->rounds[k].positions[p];
                        assert_true(v >= is->scale_min - 1e-9 && v <= is->scale_max + 1e-9);
                    }
            }
            en_result_free(r);
        }
        en_scenario_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_computed_round),
        cmocka_unit_test(scale_mapping),
        cmocka_unit_test(zero_weights_are_skipped),
        cmocka_unit_test(golden_copenhagen),
        cmocka_unit_test(golden_sample_data),
        cmocka_unit_test(randomized_is_reproducible),
        cmocka_unit_test(thread_count_does_not_change_results),
        cmocka_unit_test(all_data_sets_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
