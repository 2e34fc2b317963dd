/*
 * test_yaml_war.c — the `war:` section of the YAML format (io/yaml_war.c): a valid section is
 * read into the scenario (dates, belligerents, parameters, per-actor values, sorted timeline);
 * every kind of mistake is reported at its line and column (counted by hand in the texts
 * below); hostile shapes (wrong node kinds, absurd sizes) are errors, never crashes.
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

/* Lines 1-20: the stakeholder part; the war section starts on line 21. */
static const char head[] =
    "entente: 1\n"                                                           /* 1 */
    "title: war section tests\n"                                             /* 2 */
    "issues:\n"                                                              /* 3 */
    "  - {id: land, scale: [0, 100], status_quo: 50}\n"                      /* 4 */
    "  - {id: bloc, scale: [0, 100]}\n"                                      /* 5 */
    "actors:\n"                                                              /* 6 */
    "  - id: A\n"                                                            /* 7 */
    "    role: party\n"                                                      /* 8 */
    "    capability: 50\n"                                                   /* 9 */
    "    positions: {land: {position: 0, salience: 0.9}, bloc: {position: 20, salience: 0.5}}\n"
    "  - id: B\n"                                                            /* 11 */
    "    role: party\n"                                                      /* 12 */
    "    capability: 100\n"                                                  /* 13 */
    "    positions: {land: {position: 100, salience: 0.8}, bloc: {position: 100, salience: 0.9}}\n"
    "  - id: P\n"                                                            /* 15 */
    "    role: patron\n"                                                     /* 16 */
    "    patron_of: A\n"                                                     /* 17 */
    "    capability: 40\n"                                                   /* 18 */
    "    veto: [bloc]\n"                                                     /* 19 */
    "    positions: {bloc: {position: 0, salience: 0.7}}\n";                 /* 20 */

static const char war_ok[] =
    "war:\n"                                                                 /* 21 */
    "  start: 2022-01-01\n"                                                  /* 22 */
    "  end: 2023-06-30\n"                                                    /* 23 */
    "  belligerents: [A, B]\n"                                               /* 24 */
    "  territory: land\n"                                                    /* 25 */
    "  front: {value: 0.5, low: 0.4, high: 0.6}\n"                           /* 26 */
    "  parameters: {decisive_weight: 0.3, horizon: 13}\n"                    /* 27 */
    "  actors:\n"                                                            /* 28 */
    "    A: {flow_cost: 0.004, commitment: {land: 0.5}}\n"                   /* 29 */
    "    P: {aid_flow: 0.5}\n"                                               /* 30 */
    "  issues:\n"                                                            /* 31 */
    "    bloc: {power_shift: 0.4}\n"                                         /* 32 */
    "  timeline:\n"                                                          /* 33 */
    "    - {date: 2022-09-01, type: aid_stall, actor: P}\n"                  /* 34 */
    "    - {date: 2022-03-01, type: commitment, actor: B, issue: land, change: 0.8, stated: 100}\n"
    "    - {date: 2022-06-01, type: channel_close, actor: A}\n";             /* 36 */

static en_status load(const char *war, en_scenario **s, en_error *err)
{
    size_t n = strlen(head) + strlen(war);
    char *text = malloc(n + 1);
    strcpy(text, head);
    strcat(text, war);
    en_status st = en_scenario_load_buffer(text, n, "w.yaml", NULL, s, err);
    free(text);
    return st;
}

/* Replaces the first `from` in war_ok by `to` and loads. */
static en_status load_edit(const char *from, const char *to, en_scenario **s, en_error *err)
{
    const char *at = strstr(war_ok, from);
    assert_non_null(at);
    size_t n = strlen(war_ok) - strlen(from) + strlen(to);
    char *text = malloc(n + 1);
    memcpy(text, war_ok, (size_t)(at - war_ok));
    strcpy(text + (at - war_ok), to);
    strcat(text, at + strlen(from));
    en_status st = load(text, s, err);
    free(text);
    return st;
}

/* Asserts that err holds a problem at line:col whose message contains `part`. */
static void expect(const en_error *err, int line, int column, const char *part)
{
    for (const en_error *e = err; e; e = e->next)
        if (e->line == line && e->column == column && strstr(e->message, part)) return;
    en_error_print(err, stderr);
    fail_msg("expected %d:%d: ...%s...", line, column, part);
}

static void test_valid_section(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(load(war_ok, &s, &err), EN_OK);
    const en_war *w = s->war;
    assert_non_null(w);
    assert_string_equal(w->start, "2022-01-01");
    assert_int_equal(w->side_a, 0);
    assert_int_equal(w->side_b, 1);
    assert_int_equal(w->territory, 0);
    assert_int_equal(w->step_days, 7);
    assert_int_equal(en_war_step_count(w), 78); /* 545 days / 7 = 77 full steps + the last */
    assert_true(w->front.kind == EN_VALUE_TRIANGULAR);
    assert_true(w->global[WP_HORIZON].value == 13);
    assert_true(w->global[WP_DELTA].value == 0.995); /* default */
    assert_true(en_war_actor_param(w, 0, WA_FLOW_COST)->value == 0.004);
    assert_true(w->commitment[0 * 2 + 0].value == 0.5);
    assert_true(en_war_issue_param(w, 1, WI_POWER_SHIFT)->value == 0.4);
    assert_int_equal(w->event_count, 3);
    /* sorted by date */
    assert_int_equal(w->events[0].type, EN_WAR_COMMITMENT);
    assert_int_equal(w->events[1].type, EN_WAR_CHANNEL_CLOSE);
    assert_int_equal(w->events[2].type, EN_WAR_AID_STALL);
    assert_true(w->events[0].has_stated && w->events[0].stated.value == 100);
    en_scenario_free(s);
}

static void test_errors_located(void **state)
{
    (void)state;
    struct {
        const char *from, *to;
        int line, column;
        const char *message;
    } cases[] = { /* columns point at the offending value (a key for unknown keys) */
        {"type: channel_close", "type: chanel_close", 36, 32, "unknown event type 'chanel_close' (did you mean 'channel_close'?)"},
        {"date: 2022-06-01", "date: 2024-06-01", 36, 14, "event date 2024-06-01 is outside the run (2022-01-01 to 2023-06-30)"},
        {"date: 2022-06-01", "date: 2022-02-30", 36, 14, "event date '2022-02-30' is invalid"},
        {"  belligerents: [A, B]", "  beligerents: [A, B]", 24, 3, "unknown key 'beligerents' in war (did you mean 'belligerents'?)"},
        {"type: aid_stall, actor: P}", "type: aid_stall, actor: P, boost: 2}", 34, 60, "key 'boost' does not apply to aid_stall events"},
        {"P: {aid_flow: 0.5}", "P: {power: 2}", 30, 16, "power applies to belligerents only"},
        {"A: {flow_cost: 0.004,", "A: {aid_flow: 0.004,", 29, 19, "aid_flow applies to patrons only"},
        {"actor: P}", "actor: A}", 34, 50, "aid_stall event: 'A' is not a patron"},
        {"actor: P}", "actor: Q}", 34, 50, "unknown actor 'Q'"},
        {"issue: land,", "issue: lnd,", 35, 61, "unknown issue 'lnd' (did you mean 'land'?)"},
        {"change: 0.8,", "change: 3,", 35, 75, "change 3 is out of range"},
        {"horizon: 13}", "horizon: 13.5}", 27, 47, "horizon 13.5 is not a whole number"},
        {"decisive_weight: 0.3", "decisive_wieght: 0.3", 27, 16, "unknown key 'decisive_wieght' in war parameters (did you mean 'decisive_weight'?)"},
        {"  end: 2023-06-30\n", "  end: 2021-06-30\n", 23, 8, "end 2021-06-30 is not after start 2022-01-01"},
        {"  belligerents: [A, B]", "  belligerents: [A]", 24, 18, "belligerents has 1 entries"},
        {"  belligerents: [A, B]", "  belligerents: [A, A]", 24, 18, "names 'A' twice"},
        {"  territory: land", "  territory: bloc\n  mediators: [A]", 26, 15, "'A' is a belligerent and cannot be a mediator"},
        {"    - {date: 2022-06-01, type: channel_close, actor: A}\n", "    - {date: 2022-06-01, type: front}\n", 36, 8, "front event has no change"},
        {"    - {date: 2022-06-01, type: channel_close, actor: A}\n", "    - {date: 2022-06-01, type: mediation, actor: P}\n", 36, 50, "'P' is not a mediator"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        en_scenario *s = NULL;
        en_error err = EN_ERROR_INIT;
        assert_int_equal(load_edit(cases[i].from, cases[i].to, &s, &err), EN_ERROR_INPUT);
        assert_null(s);
        expect(&err, cases[i].line, cases[i].column, cases[i].message);
        en_error_clear(&err);
    }
}

static void test_hostile_shapes(void **state)
{
    (void)state;
    const char *texts[] = {
        "war: 5\n",
        "war: [1, 2, 3]\n",
        "war:\n  start: 2022-13-45\n  end: abc\n  belligerents: [A, A, B]\n  step_days: -3\n"
        "  front: {value: 2}\n  timeline:\n    - {date: 2022-01-01}\n    - 7\n    - {type: front}\n    - []\n",
        "war:\n  start: 2022-01-01\n  end: 9999-12-31\n  step_days: 1\n  belligerents: [A, B]\n",
        "war:\n  start: 2022-01-01\n  end: 2023-01-01\n  belligerents: {A: B}\n  actors: [A]\n"
        "  issues: 3\n  parameters: [1]\n  timeline: {a: 1}\n",
        "war:\n  start: 2022-01-01\n  end: 2023-01-01\n  belligerents: [[A], {B: 1}]\n"
        "  actors: {A: {commitment: {nope: 2, land: -1}}, ~: 3}\n  front: {value: .nan}\n",
        "war:\n  start: 2022-01-01\n  end: 2023-01-01\n  belligerents: [A, B]\n  timeline:\n"
        "    - {date: 2022-02-01, type: offensive, actor: P, boost: -5, steps: 0}\n"
        "    - {date: 2022-02-01, type: veto, actor: P, issue: land, value: maybe}\n"
        "    - {date: 2022-02-01, type: position, actor: A, issue: land, position: 500}\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        en_scenario *s = NULL;
        en_error err = EN_ERROR_INIT;
        assert_int_equal(load(texts[i], &s, &err), EN_ERROR_INPUT);
        assert_null(s);
        assert_true(en_error_count(&err) >= 1);
        for (const en_error *e = &err; e; e = e->next) assert_true(e->line >= 1);
        en_error_clear(&err);
    }
    /* a scenario without a war section still loads, with no war */
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(load("", &s, &err), EN_OK);
    assert_null(s->war);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_section),
        cmocka_unit_test(test_errors_located),
        cmocka_unit_test(test_hostile_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
