/*
 * test_smp.c — the smp model against KTAB's own runs (tests/golden/ktab: every turn's positions
 * within 1e-9 — in practice bit for bit —, the stop turn exactly, the winning probabilities to
 * KTAB's 4 printed decimals), for the CSV and XML inputs, default and non-default parameters
 * and a non-identity accommodation matrix; the parameter precedence (command line over file);
 * KTAB's random-number generator against the C++ standard's check value; determinism of the
 * stochastic variant; the model on a YAML scenario with two spaces; and what each trace level
 * records.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/node.h"
#include "core/result.h"
#include "models/smp.h"
#include "store/json_read.h"
#include "support/scenario_fixture.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    if (fread(text, 1, (size_t)n, f) != (size_t)n) fail_msg("cannot read %s", path);
    text[n] = '\0';
    fclose(f);
    return text;
}

static en_node *golden(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/golden/ktab/%s", name);
    char *text = slurp(fixture_path(rel));
    en_node *g = en_json_parse(text);
    free(text);
    if (!g) fail_msg("golden %s is not JSON", name);
    return g;
}

static en_scenario *load_input(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/golden/ktab/inputs/%s", name);
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load(fixture_path(rel), NULL, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        fail_msg("cannot load %s", name);
    }
    en_error_clear(&err);
    return s;
}

static size_t actor_index(const en_scenario *s, const char *id)
{
    for (size_t a = 0; a < en_scenario_actor_count(s); a++)
        if (strcmp(en_scenario_actor_id(s, a), id) == 0) return a;
    fail_msg("no actor %s", id);
    return 0;
}

/* Runs `input` (with optional parameters) and compares with golden file `expected`. Returns
 * the number of coordinates that differ from KTAB's double in any bit. */
static size_t check_against(const char *input, const char *expected, const char *const *params)
{
    en_scenario *s = load_input(input);
    en_result *r = fixture_run(s, "smp", params);
    en_node *g = golden(expected);
    en_node *dims = en_node_get(g, "dims");
    size_t states = (size_t)en_node_get(g, "num_states")->number;
    assert_int_equal(states - 1, (size_t)en_node_get(g, "stop_turn")->number);
    assert_int_equal(en_result_issue_count(r), dims->count);
    for (size_t k = 0; k < dims->count; k++) {
        assert_string_equal(en_scenario_issue_id(s, en_result_issue(r, k)), dims->items[k]->string);
        assert_int_equal(en_result_round_count(r, k), states); /* last round = KTAB's stop turn */
    }
    en_node *turns = en_node_get(g, "turns");
    en_node *space = en_node_get(r->extra, "spaces")->items[0];
    en_node *rounds = en_node_get(space, "rounds");
    assert_int_equal(turns->count, states);
    assert_int_equal(rounds->count, states);
    size_t inexact = 0, checked = 0;
    for (size_t t = 0; t < states; t++) {
        en_node *positions = en_node_get(turns->items[t], "positions");
        en_node *win = en_node_get(turns->items[t], "win_prob");
        en_node *mine = en_node_get(rounds->items[t], "win_probability");
        for (size_t p = 0; p < positions->count; p++) {
            size_t a = actor_index(s, positions->keys[p]);
            for (size_t k = 0; k < dims->count; k++) {
                double v, expect = positions->items[p]->items[k]->number;
                assert_true(en_result_position(r, k, t, a, &v));
                if (fabs(v - expect) > 1e-9)
                    fail_msg("%s: turn %zu actor %s dimension %zu: %.17g, KTAB %.17g", expected, t,
                             positions->keys[p], k, v, expect);
                inexact += v != expect;
                checked++;
            }
            double wp = en_node_get(mine, positions->keys[p])->number;
            double kp = en_node_get(win, positions->keys[p])->number;
            if (fabs(wp - kp) > 0.00005 + 1e-12)
                fail_msg("%s: turn %zu actor %s: winning probability %.6f, KTAB printed %.4f",
                         expected, t, positions->keys[p], wp, kp);
        }
    }
    assert_true(checked > 0);
    en_node_free(g);
    en_result_free(r);
    en_scenario_free(s);
    return inexact;
}

static void csv_goldens(void **state)
{
    (void)state;
    const char *sets[][2] = {
        {"dummyData_3Dim.csv", "dummyData_3Dim.seed-default.json"},
        {"dummyData_3Dim.csv", "dummyData_3Dim.seed-42.json"},
        {"dummyData_3Dim-no-final-comma.csv", "dummyData_3Dim.seed-default.json"},
        {"dummyData_6Dim.csv", "dummyData_6Dim.seed-default.json"},
        {"dummyData_6Dim.csv", "dummyData_6Dim.seed-42.json"},
        {"SOE-Policy.csv", "SOE-Policy.seed-default.json"},
        {"SOE-Policy.csv", "SOE-Policy.seed-42.json"},
        {"dummyData-a040.csv", "dummyData-a040.seed-default.json"},
        {"dummyData-a040.csv", "dummyData-a040.seed-42.json"},
        {"dummyData-a160.csv", "dummyData-a160.seed-default.json"},
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        assert_int_equal(check_against(sets[i][0], sets[i][1], NULL), 0); /* bit for bit */
}

static void seed_parameter_changes_nothing_deterministic(void **state)
{
    (void)state;
    const char *params[] = {"seed=42", NULL};
    assert_int_equal(check_against("dummyData_3Dim.csv", "dummyData_3Dim.seed-42.json", params), 0);
}

static void xml_goldens(void **state)
{
    (void)state;
    const char *sets[][2] = {
        {"dummyData_3Dim-fixed.xml", "dummyData_3Dim.seed-default.json"},
        /* the shipped file without <IdealAdjustment>: KTAB refuses it, entente reads identity */
        {"dummyData_3Dim.xml", "dummyData_3Dim.seed-default.json"},
        {"p_vpm.xml", "p_vpm.json"},     /* Binary victory */
        {"p_pcem.xml", "p_pcem.json"},   /* MarkovIncentive */
        {"p_rr.xml", "p_rr.json"},       /* BigRRange Min */
        {"p_bm.xml", "p_bm.json"},       /* PWCompInterp */
        {"d3_v1.xml", "d3_v1.json"},     /* Quartic, MarkovUniform, PropCbc, Half, Max, FullCommit, S1P1, InitRcvrInterp */
        {"d3_v3.xml", "d3_v3.json"},     /* Square, Cubic, TwoThirds */
        {"smpExample-det.xml", "smpExample-det.json"}, /* accommodation matrix */
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        assert_int_equal(check_against(sets[i][0], sets[i][1], NULL), 0);
}

static void command_line_beats_file_settings(void **state)
{
    (void)state;
    /* p_vpm.xml sets Binary victory; the parameter puts the default back */
    const char *params[] = {"victory_prob_model=linear", NULL};
    assert_int_equal(check_against("p_vpm.xml", "dummyData_3Dim.seed-default.json", params), 0);
    en_scenario *s = load_input("p_vpm.xml");
    en_result *r = fixture_run(s, "smp", NULL);
    en_buffer out = {0};
    FILE *f = open_memstream(&out.data, &out.length);
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_result_write(r, EN_OUTPUT_JSON, f, &err), EN_OK);
    fclose(f);
    assert_non_null(strstr(out.data, "\"victory_prob_model\": \"binary\"")); /* reported as used */
    free(out.data);
    en_result_free(r);
    en_scenario_free(s);
}

static void mt19937_64_check_value(void **state)
{
    (void)state;
    /* C++ [rand.predef]: the 10000th output of a default-constructed mt19937_64 (seed 5489) */
    smp_rng g;
    smp_rng_seed(&g, 5489);
    uint64_t v = 0;
    for (int i = 0; i < 10000; i++) v = smp_rng_next(&g);
    assert_true(v == 9981545732273789042ull);
    smp_rng_seed(&g, 1);
    for (int i = 0; i < 1000; i++) {
        double u = smp_rng_uniform(&g);
        assert_true(u >= 0 && u <= 1);
    }
}

static void stochastic_is_reproducible(void **state)
{
    (void)state;
    en_scenario *s = load_input("smpExample-fixed.xml"); /* Stochastic, seed from the file */
    en_result *a = fixture_run(s, "smp", NULL);
    en_result *b = fixture_run(s, "smp", NULL);
    const char *other[] = {"seed=7", NULL};
    en_result *c = fixture_run(s, "smp", other);
    size_t rounds = en_result_round_count(a, 0);
    assert_int_equal(rounds, en_result_round_count(b, 0));
    int differs = rounds != en_result_round_count(c, 0);
    for (size_t t = 0; t < rounds; t++)
        for (size_t k = 0; k < en_result_issue_count(a); k++)
            for (size_t x = 0; x < en_scenario_actor_count(s); x++) {
                double u, v, w;
                assert_true(en_result_position(a, k, t, x, &u));
                assert_true(en_result_position(b, k, t, x, &v));
                assert_true(u == v);
                if (!differs && en_result_position(c, k, t, x, &w) && w != u) differs = 1;
            }
    assert_true(differs); /* the seed is used */
    en_result_free(a);
    en_result_free(b);
    en_result_free(c);
    en_scenario_free(s);
}

/* Two actors on one issue: the hand-derived bargain. A (capability 1) at 0 and B (capability 3)
 * at 100, both with salience 1. Risk: the election over {0, 100} gives P(100) = 3/4 (linear
 * odds 3:1), p = (1/4·1/2, 3/4·1/2) normalised = (1/4, 3/4); Mid range: R_A = -1/2, R_B = 1.
 * A sees U(A,A) = 1 and U(A,B) = 0 for itself, and B's vote for itself weighs 3 against A's 1:
 * A expects to lose (phi = 1/4), its gain (1 - 1)·2 + 1·(1/4·2 + 3/4·0) - 1 = -1/2 < 0 means
 * no challenge; B's phi = 3/4, gain = 0·2 + 1·(3/4·2) - 1 = 1/2: B challenges A. The S2P2
 * bargain weights are (3/4)² = 9/16 for B and (1/4)² = 1/16 for A: the bargain point is
 * (9/16·100 + 1/16·0)/(10/16) = 90 (plus the 1e-6 tilt, rounded to 4 decimals on [0,1]).
 * A's queue {SQ_A, B's bargain}: capability-weighted vote of mean utilities; B gains more,
 * A loses, 3 against 1: the bargain wins, so A moves to 90 and B stays at 100 (its own queue
 * holds the same two options, where B's side of the bargain is 90 too: B also moves to 90). */
static void two_actor_bargain_by_hand(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(
        "entente: 1\ntitle: two\nissues: [{id: i, scale: [0, 100]}]\nactors:\n"
        "  - {id: A, capability: 1, positions: {i: {position: 0, salience: 1}}}\n"
        "  - {id: B, capability: 3, positions: {i: {position: 100, salience: 1}}}\n");
    const char *params[] = {"rounds=1", NULL};
    en_result *r = fixture_run(s, "smp", params);
    double a, b;
    assert_true(en_result_position(r, 0, 1, 0, &a));
    assert_true(en_result_position(r, 0, 1, 1, &b));
    assert_float_equal(a, 90, 1e-9);
    assert_float_equal(b, 90, 1e-9);
    en_result_free(r);
    en_scenario_free(s);
}

static void spaces_are_bargained_jointly(void **state)
{
    (void)state;
    /* Issues x and y form one space; z is a space of its own. Running z alone gives the same
     * trajectory as z inside the scenario; the space's two issues move together. */
    const char *yaml =
        "entente: 1\ntitle: spaces\n"
        "issues:\n"
        "  - {id: x, scale: [0, 10], space: plane}\n"
        "  - {id: y, scale: [0, 10], space: plane}\n"
        "  - {id: z, scale: [0, 100]}\n"
        "actors:\n"
        "  - {id: A, capability: 2, positions: {x: {position: 1, salience: 0.5}, y: {position: 2, salience: 0.3}, z: {position: 10, salience: 0.9}}}\n"
        "  - {id: B, capability: 1, positions: {x: {position: 9, salience: 0.2}, y: {position: 5, salience: 0.6}, z: {position: 60, salience: 0.5}}}\n"
        "  - {id: C, capability: 1.5, positions: {x: {position: 4, salience: 0.4}, y: {position: 9, salience: 0.4}, z: {position: 90, salience: 0.7}}}\n";
    en_scenario *s = fixture_yaml(yaml);
    en_result *r = fixture_run(s, "smp", NULL);
    en_node *spaces = en_node_get(r->extra, "spaces");
    assert_int_equal(spaces->count, 2);
    assert_string_equal(en_node_get(spaces->items[0], "space")->string, "plane");
    assert_int_equal(en_node_get(spaces->items[0], "issues")->count, 2);
    assert_int_equal(en_result_round_count(r, 0), en_result_round_count(r, 1));
    en_scenario *z = fixture_yaml(
        "entente: 1\ntitle: z\nissues: [{id: z, scale: [0, 100]}]\nactors:\n"
        "  - {id: A, capability: 2, positions: {z: {position: 10, salience: 0.9}}}\n"
        "  - {id: B, capability: 1, positions: {z: {position: 60, salience: 0.5}}}\n"
        "  - {id: C, capability: 1.5, positions: {z: {position: 90, salience: 0.7}}}\n");
    en_result *rz = fixture_run(z, "smp", NULL);
    assert_int_equal(en_result_round_count(rz, 0), en_result_round_count(r, 2));
    for (size_t t = 0; t < en_result_round_count(rz, 0); t++)
        for (size_t a = 0; a < 3; a++) {
            double u, v;
            assert_true(en_result_position(rz, 0, t, a, &u));
            assert_true(en_result_position(r, 2, t, a, &v));
            assert_true(u == v);
        }
    assert_true(fixture_forecast(r, "z") == en_result_forecast(rz, 0));
    en_result_free(rz);
    en_scenario_free(z);
    en_result_free(r);
    en_scenario_free(s);
}

/* Round 1 of dummyData_3Dim against KTAB's verbose log (dummyData_3Dim.turn1-trace.txt): each
 * actor's target, its expected gain (3 decimals) and its chance of winning (4 decimals). */
static void turn1_challenges_match_ktab_log(void **state)
{
    (void)state;
    char *log = slurp(fixture_path("tests/golden/ktab/dummyData_3Dim.turn1-trace.txt"));
    en_scenario *s = load_input("dummyData_3Dim.csv");
    en_result *r = fixture_run(s, "smp", NULL);
    en_node *round1 = en_node_get(en_node_get(r->extra, "spaces")->items[0], "rounds")->items[1];
    en_node *bargains = en_node_get(round1, "bargains");
    size_t seen = 0;
    for (const char *p = strstr(log, "In turn 0 actor "); p; p = strstr(p + 1, "In turn 0 actor ")) {
        int actor, target;
        double worth, prob;
        assert_int_equal(sscanf(p, "In turn 0 actor %d has most advantageous target %d worth %lf",
                                &actor, &target, &worth), 3);
        const char *est = strstr(p, "Est by ");
        assert_non_null(est);
        assert_int_equal(sscanf(est, "Est by %*d of prob %lf", &prob), 1);
        int found = 0;
        for (size_t b = 0; b < bargains->count; b++) {
            en_node *bg = bargains->items[b];
            if (strcmp(en_node_get(bg, "initiator")->string, s->actors[actor].id) != 0) continue;
            found = 1;
            assert_string_equal(en_node_get(bg, "receiver")->string, s->actors[target].id);
            assert_float_equal(en_node_get(bg, "initiator_gain")->number, worth, 0.0005 + 1e-12);
            assert_float_equal(en_node_get(bg, "initiator_win_probability")->number, prob, 0.00005 + 1e-12);
        }
        assert_true(found);
        seen++;
    }
    assert_int_equal(seen, 7);
    assert_int_equal(bargains->count, 7);
    en_result_free(r);
    en_scenario_free(s);
    free(log);
}

/* trace=summary records the per-space rounds only; trace=full records the same spaces plus
 * each issue's per-round `moves`, which agree with the spaces' queue winners and bargains and
 * with the rounds' positions; output=text (what text output shows) records no trace tree but
 * tells the same story. */
static void trace_levels(void **state)
{
    (void)state;
    en_scenario *s = load_input("dummyData_3Dim.csv");
    const char *summary_params[] = {"trace=summary", NULL}, *full_params[] = {"trace=full", NULL};
    const char *text_params[] = {"trace=summary", "output=text", NULL};
    en_result *summary = fixture_run(s, "smp", summary_params);
    en_result *full = fixture_run(s, "smp", full_params);
    en_result *text = fixture_run(s, "smp", text_params);
    en_node *spaces = en_node_get(full->extra, "spaces");
    assert_non_null(spaces);
    assert_true(en_node_equal(en_node_get(summary->extra, "spaces"), spaces));
    assert_null(en_node_get(text->extra, "spaces"));
    assert_int_equal(summary->story_count, full->story_count);
    assert_int_equal(text->story_count, full->story_count);
    for (size_t i = 0; i < full->story_count; i++) {
        assert_string_equal(summary->story[i].text, full->story[i].text);
        assert_string_equal(text->story[i].text, full->story[i].text);
    }
    en_node *rounds = en_node_get(spaces->items[0], "rounds");
    size_t moved_total = 0;
    for (size_t k = 0; k < en_result_issue_count(full); k++) {
        const en_issue_result *ir = &full->issues[k];
        assert_int_equal(ir->round_count, rounds->count);
        for (size_t t = 0; t < ir->round_count; t++) {
            assert_null(en_node_get(summary->issues[k].rounds[t].extra, "moves"));
            assert_null(en_node_get(text->issues[k].rounds[t].extra, "moves"));
            en_node *moves = en_node_get(ir->rounds[t].extra, "moves");
            if (t == 0) {
                assert_null(moves);
                continue;
            }
            en_node *winners = en_node_get(rounds->items[t], "queue_winners");
            en_node *bargains = en_node_get(rounds->items[t], "bargains");
            size_t moved = 0, m = 0;
            for (size_t a = 0; a < winners->count; a++) {
                en_node *bargain = en_node_get(winners->items[a], "bargain");
                if (bargain->type == EN_NODE_STRING) continue; /* status_quo */
                moved++;
                assert_non_null(moves);
                en_node *mv = moves->items[m++];
                const char *actor = winners->keys[a];
                assert_string_equal(en_node_get(mv, "actor")->string, actor);
                assert_true(en_node_get(mv, "bargain")->number == bargain->number);
                en_node *bg = bargains->items[(size_t)bargain->number];
                int initiated = strcmp(en_node_get(bg, "initiator")->string, actor) == 0;
                assert_string_equal(en_node_get(mv, "with")->string,
                                    en_node_get(bg, initiated ? "receiver" : "initiator")->string);
                assert_string_equal(en_node_get(mv, "type")->string,
                                    initiated ? "its challenge accepted" : "accepted a challenge");
                double from, to;
                size_t index = actor_index(s, actor);
                assert_true(en_result_position(full, k, t - 1, index, &from));
                assert_true(en_result_position(full, k, t, index, &to));
                assert_true(en_node_get(mv, "from")->number == from);
                assert_true(en_node_get(mv, "to")->number == to);
                assert_true(en_node_get(mv, "queue_probability")->number ==
                            en_node_get(winners->items[a], "probability")->number);
            }
            assert_int_equal(moves ? moves->count : 0, moved);
            moved_total += moved;
        }
    }
    assert_true(moved_total > 0);
    en_result_free(text);
    en_result_free(full);
    en_result_free(summary);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_goldens),
        cmocka_unit_test(seed_parameter_changes_nothing_deterministic),
        cmocka_unit_test(xml_goldens),
        cmocka_unit_test(command_line_beats_file_settings),
        cmocka_unit_test(mt19937_64_check_value),
        cmocka_unit_test(stochastic_is_reproducible),
        cmocka_unit_test(two_actor_bargain_by_hand),
        cmocka_unit_test(spaces_are_bargained_jointly),
        cmocka_unit_test(turn1_challenges_match_ktab_log),
        cmocka_unit_test(trace_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
