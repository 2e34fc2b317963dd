/*
 * test_yaml.c — the scenario loader: a complete scenario loads with every field, and each kind
 * of bad input gives the expected located message (line, column, text) and no scenario.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/scenario.h"
#include "support/scenario_fixture.h"

static const char complete[] =
    "entente: 1\n"
    "title: Test case\n"
    "date: 2023-11-17\n"
    "description: a test\n"
    "sources:\n"
    "  - {id: s1, file: sources/a.txt, title: A, outlet: O, author: W, date: 2023-01-02, url: 'http://x'}\n"
    "issues:\n"
    "  - id: territory\n"
    "    name: Territory\n"
    "    scale: [0, 100]\n"
    "    labels: {0: none, 100: all}\n"
    "    status_quo: {value: 60, sd: 5}\n"
    "  - {id: nato, scale: [-1, 1]}\n"
    "actors:\n"
    "  - id: UKR\n"
    "    name: Ukraine\n"
    "    role: party\n"
    "    capability: {value: 30, low: 20, high: 45}\n"
    "    risk: 1.0\n"
    "    veto: true\n"
    "    positions:\n"
    "      territory: {position: 0, salience: 0.95, public: 0, cite: [s1], quote: \"q\", note: n}\n"
    "  - id: USA\n"
    "    role: patron\n"
    "    patron_of: UKR\n"
    "    capability: 50\n"
    "    veto: [nato]\n"
    "    positions:\n"
    "      nato: {position: 0.5, salience: 0.4, cite: s1}\n";

static void complete_scenario_loads(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(complete);
    assert_string_equal(s->title, "Test case");
    assert_int_equal(s->issue_count, 2);
    assert_int_equal(s->actor_count, 2);
    assert_int_equal(s->source_count, 1);
    assert_int_equal(s->issues[0].label_count, 2);
    assert_int_equal(s->issues[0].status_quo.kind, EN_VALUE_NORMAL);
    assert_float_equal(s->issues[0].status_quo.sd, 5, 0);
    assert_float_equal(s->issues[1].scale_min, -1, 0);
    const en_actor *ukr = &s->actors[0];
    assert_int_equal(ukr->role, EN_ROLE_PARTY);
    assert_int_equal(ukr->capability.kind, EN_VALUE_TRIANGULAR);
    assert_float_equal(ukr->capability.value, 30, 0);
    assert_float_equal(ukr->capability.low, 20, 0);
    assert_true(ukr->veto[0] && ukr->veto[1]);
    assert_true(ukr->stances[0].present);
    assert_false(ukr->stances[1].present);
    assert_true(ukr->stances[0].has_public);
    assert_string_equal(ukr->stances[0].cite[0], "s1");
    const en_actor *usa = &s->actors[1];
    assert_int_equal(usa->patron_of, 0);
    assert_false(usa->veto[0]);
    assert_true(usa->veto[1]);
    assert_int_equal(usa->stances[1].cite_count, 1);
    /* locations point into the text: USA's capability is on line 26, column 17 */
    assert_int_equal(usa->capability.where.line, 26);
    assert_int_equal(usa->capability.where.column, 17);
    en_scenario_free(s);
}

/* Loads `text`, expects failure and a message containing `needle` at line:col. */
static void expect_error(const char *text, int line, int column, const char *needle)
{
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(fixture_load(text, "bad.yaml", &s, &err), EN_ERROR_INPUT);
    assert_null(s);
    if (!fixture_error_has(&err, line, column, needle)) {
        en_error_print(&err, stderr);
        fail_msg("expected '%s' at %d:%d", needle, line, column);
    }
    assert_string_equal(err.file, "bad.yaml");
    en_error_clear(&err);
}

#define HEAD "entente: 1\ntitle: t\nissues:\n  - {id: i, scale: [0, 10]}\n"
#define TWO_ACTORS "actors:\n  - {id: A, capability: 1, positions: {i: {position: 1, salience: 0.5}}}\n  - {id: B, capability: 1, positions: {i: {position: 2, salience: 0.5}}}\n"

static void rejects_bad_input(void **state)
{
    (void)state;
    expect_error("", 0, 0, "empty");
    expect_error("   \n\n", 0, 0, "empty");
    {
        static const char binary[] = "entente: 1\ntitle: t\0x\n";
        en_scenario *s = NULL;
        en_error err = EN_ERROR_INIT;
        assert_int_equal(en_scenario_load_buffer(binary, sizeof binary - 1, "bad.yaml", NULL, &s, &err), EN_ERROR_INPUT);
        assert_true(fixture_error_has(&err, 2, 9, "NUL byte"));
        en_error_clear(&err);
    }
    expect_error("entente: [1\n", 0, 0, "invalid YAML");
    /* found by fuzzing: a directive line with a stray byte once made the parser loop */
    expect_error("entente: 1\ntitle: t\n% - id{ :i, sca\x96\x96" "ce: 0.5}\n", 3, 16, "invalid UTF-8 byte 0x96");
    expect_error("title: caf\xc3\n", 1, 11, "invalid UTF-8");
    expect_error("- a\n- b\n", 1, 0, "expected a mapping");
    expect_error("title: t\nissues: []\nactors: []\n", 1, 1, "format version");
    expect_error("entente: 2\ntitle: t\n" "issues:\n  - {id: i, scale: [0, 10]}\n" TWO_ACTORS, 1, 10, "not supported");
    expect_error(HEAD TWO_ACTORS "titel: x\n", 8, 1, "did you mean 'title'");
    expect_error("entente: 1\ntitle: t\nissues:\n  - {id: i, scale: [0, 10], nmae: x}\n" TWO_ACTORS, 4, 29, "did you mean 'name'");
    expect_error("entente: 1\ntitle: t\nissues:\n  - {id: i, scale: [10, 0]}\n" TWO_ACTORS, 4, 21, "expected min < max");
    expect_error("entente: 1\ntitle: t\nissues:\n  - {id: 'a b', scale: [0, 10]}\n", 4, 11, "invalid");
    expect_error(HEAD "actors:\n  - {id: A, capability: -3, positions: {i: {position: 1, salience: 0.5}}}\n  - {id: B, capability: 1}\n", 6, 25, "capability -3 is out of range");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1e999}\n  - {id: B, capability: 1}\n", 6, 25, "not a number");
    expect_error(HEAD "actors:\n  - {id: A, capability: .nan}\n  - {id: B, capability: 1}\n", 6, 25, "not a finite number");
    expect_error(HEAD "actors:\n  - {id: A, capability: '3'}\n  - {id: B, capability: 1}\n", 6, 26, "quoted");
    expect_error(HEAD "actors:\n  - {id: A, capability: [3]}\n  - {id: B, capability: 1}\n", 6, 26, "expected a number");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1, positions: {i: {position: 11, salience: 0.5}}}\n  - {id: B, capability: 1}\n", 6, 54, "position 11 is out of range");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1, positions: {i: {position: 1, salience: 1.5}}}\n  - {id: B, capability: 1}\n", 6, 67, "salience 1.5");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1, positions: {j: {position: 1, salience: 0.5}}}\n  - {id: B, capability: 1}\n", 6, 40, "unknown issue 'j' (did you mean 'i'?)");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1}\n  - {id: A, capability: 1}\n", 7, 6, "duplicate actor id 'A'");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1, patron_of: C}\n  - {id: B, capability: 1}\n", 6, 39, "unknown actor 'C'");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1, role: boss}\n  - {id: B, capability: 1}\n", 6, 34, "role 'boss'");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1, veto: maybe}\n  - {id: B, capability: 1}\n", 6, 34, "true or false");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1, positions: {i: {position: 1, salience: 0.5, cite: [s9]}}}\n  - {id: B, capability: 1}\n", 6, 79, "unknown source 's9'");
    expect_error(HEAD "actors:\n  - {id: A, capability: {value: 5, low: 6, high: 9}}\n  - {id: B, capability: 1}\n", 6, 26, "low <= value <= high");
    expect_error(HEAD "actors:\n  - {id: A, capability: {value: 5, low: 1}}\n  - {id: B, capability: 1}\n", 6, 26, "both low and high");
    expect_error(HEAD "actors:\n  - {id: A, capability: 1}\n", 0, 0, "expected at least two");
    expect_error("entente: 1\ntitle: t\ndate: 2023-02-30\n" "issues:\n  - {id: i, scale: [0, 10]}\n" TWO_ACTORS, 3, 7, "ISO date");
    /* aliases are refused rather than expanded: the "billion laughs" input stays small */
    expect_error("entente: 1\ntitle: &a t\ndescription: *a\nissues:\n  - {id: i, scale: [0, 10]}\n" TWO_ACTORS, 3, 15, "aliases are not supported");
    expect_error("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n", 2, 9, "aliases");
}

static void reports_every_problem_in_one_pass(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    const char *text = HEAD "actors:\n  - {id: A, capabilty: 1}\n  - {id: B, capability: -1, role: x}\n";
    assert_int_equal(fixture_load(text, "bad.yaml", &s, &err), EN_ERROR_INPUT);
    assert_true(en_error_count(&err) >= 4);
    /* in file order */
    int line = 0;
    for (const en_error *e = &err; e; e = e->next) {
        assert_true(e->line >= line);
        line = e->line;
    }
    en_error_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(complete_scenario_loads),
        cmocka_unit_test(rejects_bad_input),
        cmocka_unit_test(reports_every_problem_in_one_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
