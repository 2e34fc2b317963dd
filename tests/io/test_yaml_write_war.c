/*
 * test_yaml_write_war.c — the YAML writer keeps the `war:` section (io/yaml_write_war.c): a
 * scenario written with en_scenario_write_yaml and loaded again has the same en_war, field by
 * field and bit by bit (uncertain values with their kind, bounds and valid range; events in
 * order with every value, flag, cite and note). Checked on the bundled 2022–2024 scenario and on
 * a section that uses every key and every event type, with the awkward cases (-0, a commitment
 * event without change, quotes and newlines in notes, ids that need quoting); writing the
 * reloaded scenario gives the same text again; parameters at their defaults are left out.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/scenario.h"
#include "core/war.h"
#include "entente.h"
#include "support/scenario_fixture.h"

/* ---- comparing two sections ---- */

/* Bits, not numbers: -0 must stay -0, and a NaN would never equal itself. */
static void assert_same_double(double a, double b, const char *what)
{
    if (memcmp(&a, &b, sizeof a) != 0) fail_msg("%s: %.17g was read back as %.17g", what, a, b);
}

static void assert_same_value(const en_value *a, const en_value *b, const char *what)
{
    if (a->kind != b->kind) fail_msg("%s: kind %d was read back as %d", what, (int)a->kind, (int)b->kind);
    char part[160];
    static const char *const names[] = {"value", "low", "high", "sd", "min_valid", "max_valid"};
    const double av[] = {a->value, a->low, a->high, a->sd, a->min_valid, a->max_valid};
    const double bv[] = {b->value, b->low, b->high, b->sd, b->min_valid, b->max_valid};
    for (size_t k = 0; k < sizeof av / sizeof av[0]; k++) {
        snprintf(part, sizeof part, "%s.%s", what, names[k]);
        assert_same_double(av[k], bv[k], part);
    }
}

static void assert_same_text(const char *a, const char *b, const char *what)
{
    if (!a || !b) {
        if (a != b) fail_msg("%s: '%s' was read back as '%s'", what, a ? a : "(none)", b ? b : "(none)");
        return;
    }
    if (strcmp(a, b) != 0) fail_msg("%s: '%s' was read back as '%s'", what, a, b);
}

static void assert_same_event(const en_war_event *a, const en_war_event *b, size_t index)
{
    char what[96];
    snprintf(what, sizeof what, "event %zu (%s %s)", index, a->date, en_war_event_names[a->type]);
    assert_int_equal(a->type, b->type);
    assert_same_text(a->date, b->date, what);
    assert_int_equal(a->day, b->day);
    assert_int_equal(a->actor, b->actor);
    assert_int_equal(a->issue, b->issue);
    const struct {
        const char *name;
        const en_value *a, *b;
    } values[] = {
        {"amount", &a->amount, &b->amount},       {"change", &a->change, &b->change},
        {"boost", &a->boost, &b->boost},          {"position", &a->position, &b->position},
        {"stated", &a->stated, &b->stated},       {"jump_rate", &a->jump_rate, &b->jump_rate},
        {"power", &a->power, &b->power},
    };
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
        char part[160];
        snprintf(part, sizeof part, "%s %s", what, values[k].name);
        assert_same_value(values[k].a, values[k].b, part);
    }
    assert_int_equal(a->has_change, b->has_change);
    assert_int_equal(a->has_stated, b->has_stated);
    assert_int_equal(a->has_jump_rate, b->has_jump_rate);
    assert_int_equal(a->steps, b->steps);
    assert_int_equal(a->value, b->value);
    assert_same_text(a->note, b->note, what);
    assert_int_equal(a->cite_count, b->cite_count);
    for (size_t c = 0; c < a->cite_count; c++) assert_same_text(a->cite[c], b->cite[c], what);
}

/* Every field of en_war except the source locations (the written file has other lines). */
static void assert_same_war(const en_scenario *sa, const en_scenario *sb)
{
    const en_war *a = sa->war, *b = sb->war;
    assert_non_null(a);
    assert_non_null(b);
    /* Indices below mean the same actors and issues only if both scenarios list them alike. */
    assert_int_equal(sa->actor_count, sb->actor_count);
    assert_int_equal(sa->issue_count, sb->issue_count);
    for (size_t i = 0; i < sa->actor_count; i++) assert_string_equal(sa->actors[i].id, sb->actors[i].id);
    for (size_t i = 0; i < sa->issue_count; i++) assert_string_equal(sa->issues[i].id, sb->issues[i].id);

    assert_same_text(a->start, b->start, "start");
    assert_same_text(a->end, b->end, "end");
    assert_int_equal(a->start_day, b->start_day);
    assert_int_equal(a->end_day, b->end_day);
    assert_int_equal(a->step_days, b->step_days);
    assert_int_equal(a->side_a, b->side_a);
    assert_int_equal(a->side_b, b->side_b);
    assert_int_equal(a->territory, b->territory);
    assert_same_double(a->zone_km2, b->zone_km2, "zone_km2");
    assert_same_value(&a->front, &b->front, "front");
    assert_int_equal(a->mediator_count, b->mediator_count);
    for (size_t m = 0; m < a->mediator_count; m++) assert_int_equal(a->mediators[m], b->mediators[m]);

    char what[160];
    for (int k = 0; k < WP_COUNT; k++)
        assert_same_value(&a->global[k], &b->global[k], en_war_global_params[k].name);
    for (size_t i = 0; i < sa->actor_count; i++) {
        for (int k = 0; k < WA_COUNT; k++) {
            snprintf(what, sizeof what, "actor %s %s", sa->actors[i].id, en_war_actor_params[k].name);
            assert_same_value(en_war_actor_param(a, i, k), en_war_actor_param(b, i, k), what);
        }
        for (size_t j = 0; j < sa->issue_count; j++) {
            snprintf(what, sizeof what, "actor %s commitment %s", sa->actors[i].id, sa->issues[j].id);
            assert_same_value(&a->commitment[i * sa->issue_count + j],
                              &b->commitment[i * sb->issue_count + j], what);
        }
    }
    for (size_t i = 0; i < sa->issue_count; i++)
        for (int k = 0; k < WI_COUNT; k++) {
            snprintf(what, sizeof what, "issue %s %s", sa->issues[i].id, en_war_issue_params[k].name);
            assert_same_value(en_war_issue_param(a, i, k), en_war_issue_param(b, i, k), what);
        }
    assert_int_equal(a->event_count, b->event_count);
    for (size_t e = 0; e < a->event_count; e++) assert_same_event(&a->events[e], &b->events[e], e);
}

/* ---- writing and loading ---- */

static char *write_yaml(const en_scenario *s)
{
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);
    assert_non_null(stream);
    en_error err = EN_ERROR_INIT;
    en_status status = en_scenario_write_yaml(s, stream, &err);
    fclose(stream);
    if (status != EN_OK) {
        en_error_print(&err, stderr);
        fail_msg("en_scenario_write_yaml failed");
    }
    return text;
}

static en_scenario *load_text(const char *text, const char *name)
{
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load_buffer(text, strlen(text), name, NULL, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        fprintf(stderr, "--- the text that failed to load:\n%s", text);
        fail_msg("the written scenario does not load");
    }
    return s;
}

/* Writes `original`, loads the text and checks the war sections are equal; then writes the
 * reloaded scenario under the original's name (the header names the input) and checks the text
 * is the same: nothing drifts on a second convert. */
static void assert_round_trip(const en_scenario *original)
{
    char *text = write_yaml(original);
    en_scenario *reloaded = load_text(text, original->path);
    assert_same_war(original, reloaded);
    char *again = write_yaml(reloaded);
    assert_string_equal(text, again);
    free(again);
    free(text);
    en_scenario_free(reloaded);
}

/* ---- tests ---- */

static void test_bundled_war_round_trips(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load(fixture_path("scenarios/ukraine-war-2022.yaml"), NULL, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        fail();
    }
    /* The comparison is only worth something if the section is rich: uncertain values, cites,
     * notes, many events. */
    const en_war *w = s->war;
    assert_non_null(w);
    assert_true(w->front.kind == EN_VALUE_TRIANGULAR);
    assert_true(w->global[WP_DECISIVE_WEIGHT].kind == EN_VALUE_TRIANGULAR);
    assert_true(w->event_count > 30);
    assert_int_equal(w->events[0].cite_count, 1);
    assert_string_equal(w->events[0].cite[0], "brief");
    assert_non_null(w->events[0].note);
    assert_round_trip(s);
    en_scenario_free(s);
}

/* Every war key and event type, uncertain values of both forms, and the cases a writer gets
 * wrong: -0 (a default 0 must not swallow it), a commitment event with stated but no change,
 * an explicit default (written back or not, it must read the same), ids that need quotes,
 * mediators out of actor order, belligerents in reverse order, events out of date order. */
static const char every_key[] =
    "entente: 1\n"
    "title: \"war writer: every key\"\n"
    "sources:\n"
    "  - {id: s1, file: a.txt}\n"
    "  - {id: s2, file: b.txt}\n"
    "issues:\n"
    "  - {id: land, scale: [0, 100], status_quo: 50}\n"
    "  - {id: bloc, scale: [-10, 10]}\n"
    "actors:\n"
    "  - id: A\n"
    "    role: party\n"
    "    capability: 50\n"
    "    positions: {land: {position: 0, salience: 0.9}, bloc: {position: -10, salience: 0.5}}\n"
    "  - id: B\n"
    "    role: party\n"
    "    capability: 100\n"
    "    positions: {land: {position: 100, salience: 0.8}, bloc: {position: 10, salience: 0.9}}\n"
    "  - id: P\n"
    "    role: patron\n"
    "    patron_of: A\n"
    "    capability: 40\n"
    "    veto: [bloc]\n"
    "    positions: {bloc: {position: -5, salience: 0.7}}\n"
    "  - id: 'M \"x\": y'\n"
    "    role: mediator\n"
    "    capability: 5\n"
    "    positions: {land: {position: 50, salience: 0.2}}\n"
    "  - id: T\n"
    "    capability: 5\n"
    "    positions: {land: {position: 40, salience: 0.2}}\n"
    "war:\n"
    "  start: 2022-01-01\n"
    "  end: 2023-06-30\n"
    "  step_days: 3\n"
    "  belligerents: [B, A]\n"
    "  territory: land\n"
    "  zone_km2: 1234.5678\n"
    "  front: {value: 0.4, sd: 0.05}\n"
    "  mediators: [T, 'M \"x\": y']\n"
    "  parameters: {delta: 0.99, horizon: 13, contests: 7, renewal_a0: -0.0, decisive_weight: -0.0,\n"
    "               tolerance: 0.1,\n"
    "               gamma: {value: 1, low: 0.5, high: 2}, forts: 12, secrecy: 0.3}\n"
    "  actors:\n"
    "    A: {power: {value: 1.2, sd: 0.1}, battle_loss: 0.1, optimism: -0.05, holdout: 0.01,\n"
    "        leader_hazard: 0.001, commitment: {land: {value: 0.5, low: 0.2, high: 0.9}, bloc: 0}}\n"
    "    B: {defender_advantage: 1.3, replenish: 0.1000000000000001, commitment: {bloc: 1}}\n"
    "    P: {aid_flow: 0.5, aid_cost: 0.3, aid_effect: {value: 0.02, sd: 0.005}, stall_to_flow: 0}\n"
    "    T: {ratify: 0.9}\n"
    "  issues:\n"
    "    land: {eta: 1.5, tolerance: 5}\n"
    "    bloc: {guarantee: {value: 0.4, low: 0, high: 1}, battlefield: 0}\n"
    "  timeline:\n"
    "    - {date: 2022-09-01, type: aid_stall, actor: P, cite: s1}\n"
    "    - {date: 2022-02-01, type: aid, actor: P, amount: {value: 3, low: 1, high: 5}, steps: 4,\n"
    "       cite: [s1, s2], note: \"quotes \\\" and \\\\ and a\\nnewline, a tab\\t, \xc3\xbcnicode\"}\n"
    "    - {date: 2022-02-01, type: aid_resume, actor: P}\n"
    "    - {date: 2022-02-01, type: channel_close}\n"
    "    - {date: 2022-03-01, type: channel_open, actor: A, note: \"\"}\n"
    "    - {date: 2022-03-01, type: commitment, actor: B, issue: land, change: 0.8, stated: 100}\n"
    "    - {date: 2022-03-02, type: commitment, actor: A, issue: bloc, stated: {value: -2, sd: 1}}\n"
    "    - {date: 2022-03-03, type: commitment, actor: A, issue: land, change: -0.0}\n"
    "    - {date: 2022-04-01, type: offensive, actor: A, boost: 0.5, steps: 3, jump_rate: 0.2}\n"
    "    - {date: 2022-04-01, type: offensive, actor: B, boost: {value: 0.1, sd: 0.02}, steps: 1}\n"
    "    - {date: 2022-05-01, type: mobilization, actor: B, power: -0.25}\n"
    "    - {date: 2022-05-01, type: front, change: {value: -0.05, low: -0.1, high: 0}, steps: 2}\n"
    "    - {date: 2022-06-01, type: mediation, actor: 'M \"x\": y', steps: 5}\n"
    "    - {date: 2022-06-01, type: mediation, actor: T}\n"
    "    - {date: 2022-07-01, type: leader_change, actor: B, cite: []}\n"
    "    - {date: 2022-08-01, type: belief, actor: A, change: 0.1}\n"
    "    - {date: 2022-08-02, type: position, actor: B, issue: land, position: 70.25}\n"
    "    - {date: 2022-08-03, type: veto, actor: T, issue: land, value: true}\n"
    "    - {date: 2022-08-03, type: veto, actor: P, issue: bloc, value: false}\n"
    "    - {date: 2023-06-30, type: front, change: 0.1}\n";

static void test_every_key_round_trips(void **state)
{
    (void)state;
    en_scenario *s = load_text(every_key, "every_key.yaml");
    const en_war *w = s->war;
    /* The input is what the comment above says it is. */
    int seen[EN_WAR_EVENT_TYPE_COUNT] = {0};
    for (size_t e = 0; e < w->event_count; e++) seen[w->events[e].type] = 1;
    for (int t = 0; t < EN_WAR_EVENT_TYPE_COUNT; t++)
        if (!seen[t]) fail_msg("no %s event in the test input", en_war_event_names[t]);
    assert_true(signbit(w->global[WP_RENEW_A0].value));
    assert_true(signbit(w->global[WP_DECISIVE_WEIGHT].value)); /* -0 where the default is 0 */
    assert_int_equal(w->side_a, 1);
    assert_int_equal(w->events[5].type, EN_WAR_COMMITMENT);
    assert_true(w->events[5].has_stated && !w->events[5].has_change);
    assert_true(w->events[6].has_change && signbit(w->events[6].change.value));
    assert_round_trip(s);
    en_scenario_free(s);
}

/* Left out, a parameter at its default reads back the same; written out, a section would bury
 * the few values an analyst set under two dozen defaults. */
static void test_defaults_left_out(void **state)
{
    (void)state;
    static const char minimal[] =
        "entente: 1\n"
        "title: minimal war\n"
        "issues:\n"
        "  - {id: land, scale: [0, 100]}\n"
        "actors:\n"
        "  - {id: A, capability: 1, positions: {land: {position: 0, salience: 1}}}\n"
        "  - {id: B, capability: 1, positions: {land: {position: 100, salience: 1}}}\n"
        "war:\n"
        "  start: 2022-01-01\n"
        "  end: 2022-12-31\n"
        "  belligerents: [A, B]\n"
        "  parameters: {delta: 0.995, horizon: 26}\n"   /* the defaults, given explicitly */
        "  actors: {A: {flow_cost: 0.003, commitment: {land: 0}}}\n"
        "  issues: {land: {eta: 1}}\n";
    en_scenario *s = load_text(minimal, "minimal.yaml");
    char *text = write_yaml(s);
    const char *war = strstr(text, "\nwar:\n");
    assert_non_null(war);
    assert_null(strstr(war, "parameters:"));
    assert_null(strstr(war, "  actors:"));
    assert_null(strstr(war, "  issues:"));
    assert_null(strstr(war, "timeline:"));
    assert_null(strstr(war, "mediators:"));
    assert_null(strstr(war, "territory:"));
    assert_non_null(strstr(war, "  belligerents: [\"A\", \"B\"]\n"));
    free(text);
    assert_round_trip(s);
    en_scenario_free(s);
}

/* A scenario without a war section gets none. */
static void test_no_war_no_section(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(fixture_path("scenarios/ukraine-2023.yaml"), NULL, &s, &err), EN_OK);
    assert_null(s->war);
    char *text = write_yaml(s);
    assert_null(strstr(text, "\nwar:"));
    free(text);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_war_round_trips),
        cmocka_unit_test(test_every_key_round_trips),
        cmocka_unit_test(test_defaults_left_out),
        cmocka_unit_test(test_no_war_no_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
