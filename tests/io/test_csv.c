/*
 * test_csv.c — the stakeholder-sheet loader: the reference data sets load with the values the
 * peers' notebooks feed in, line ends and synonyms are accepted, bad rows are located.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/scenario.h"
#include "support/scenario_fixture.h"

static en_scenario *load_file(const char *relative, const en_load_options *options)
{
    en_error err = EN_ERROR_INIT;
    en_scenario *s = NULL;
    if (en_scenario_load(fixture_path(relative), options, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        en_error_clear(&err);
        fail_msg("%s did not load", relative);
    }
    return s;
}

static void example_actors(void **state)
{
    (void)state;
    en_scenario *s = load_file("tests/data/bdm/ExampleActors.csv", NULL);
    assert_int_equal(s->actor_count, 10);
    assert_int_equal(s->issue_count, 1);
    assert_string_equal(s->actors[1].id, "Belgium");
    assert_float_equal(s->actors[1].capability.value, 0.08, 0);
    assert_float_equal(s->actors[1].stances[0].position.value, 7, 0);
    assert_float_equal(s->actors[1].stances[0].salience.value, 0.4, 0);
    assert_float_equal(s->issues[0].scale_min, 4, 0);
    assert_float_equal(s->issues[0].scale_max, 10, 0);
    en_scenario_free(s);
}

/* The bdm2 copy has saliences on 0–100 and CR line ends; divided by 100 it gives the same
 * doubles as the bdm1 copy (docs/models/eum.md, "Small and degenerate cases"). */
static void percent_salience_and_cr_line_ends(void **state)
{
    (void)state;
    en_scenario *a = load_file("tests/data/bdm/ExampleActors.csv", NULL);
    en_scenario *b = load_file("tests/data/bdm/ExampleActors_bdm2.csv", NULL);
    assert_int_equal(a->actor_count, b->actor_count);
    for (size_t i = 0; i < a->actor_count; i++) {
        assert_string_equal(a->actors[i].id, b->actors[i].id);
        assert_true(a->actors[i].stances[0].salience.value == b->actors[i].stances[0].salience.value);
    }
    assert_true(en_scenario_note_count(b) >= 1);
    assert_non_null(strstr(en_scenario_note(b, en_scenario_note_count(b) - 1), "percentages"));
    en_scenario_free(a);
    en_scenario_free(b);
}

static void synonyms_and_given_scale(void **state)
{
    (void)state;
    en_load_options options = {EN_FORMAT_AUTO, 1, 0, 100};
    en_scenario *s = load_file("tests/data/bdm/ChinaData.csv", &options);
    assert_true(s->actor_count > 5);
    assert_float_equal(s->issues[0].scale_max, 100, 0);
    en_scenario_free(s);
}

static void expect_csv_error(const char *text, const en_load_options *options, int line,
                             int column, const char *needle)
{
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_not_equal(en_scenario_load_buffer(text, strlen(text), "bad.csv", options, &s, &err), EN_OK);
    assert_null(s);
    if (!fixture_error_has(&err, line, column, needle)) {
        en_error_print(&err, stderr);
        fail_msg("expected '%s' at %d:%d", needle, line, column);
    }
    en_error_clear(&err);
}

static void rejects_bad_sheets(void **state)
{
    (void)state;
    expect_csv_error("Actor,Capability,Salience\nA,1,0.5\n", NULL, 1, 1, "missing column 'Position'");
    expect_csv_error("Actor,Capability,Position,Salience\nA,1,x,0.5\nB,1,3,0.5\n", NULL, 2, 5, "not a number");
    expect_csv_error("Actor,Capability,Position,Salience\nA,-1,2,0.5\nB,1,3,0.5\n", NULL, 2, 3, "out of range");
    expect_csv_error("Actor,Capability,Position,Salience\nA,1,2,0.5\nA,1,3,0.5\n", NULL, 3, 1, "duplicate actor id 'A'");
    expect_csv_error("Actor,Capability,Position,Salience\nA,1,2\n", NULL, 2, 5, "expected at least 4");
    expect_csv_error("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,1,2,0.5\n", NULL, 1, 1, "scale cannot be inferred");
    expect_csv_error("Actor,Capability,Position,Salience\nA,1,2,500\nB,1,3,0.5\n", NULL, 2, 7, "salience");
    en_load_options scale = {EN_FORMAT_AUTO, 1, 0, 1};
    expect_csv_error("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,1,0.5,0.5\n", &scale, 2, 5, "position 2 is out of range");
    expect_csv_error("Actor,Capability,Position,Salience\n\"A,1,2,0.5\n", NULL, 2, 1, "not closed");
}

static void quoting_crlf_and_extra_columns(void **state)
{
    (void)state;
    const char *text = "Stakeholder;Power;Position;Salience;Comment\r\n\"Big, Inc\";2;10;0.5;x\r\n\r\nSmall;1;20;1;\"a \"\"quote\"\"\"\r\n";
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load_buffer(text, strlen(text), "ok.csv", NULL, &s, &err), EN_OK);
    assert_int_equal(s->actor_count, 2);
    assert_string_equal(s->actors[0].id, "Big, Inc");
    assert_float_equal(s->actors[1].stances[0].position.value, 20, 0);
    assert_int_equal(en_scenario_note_count(s), 1); /* Comment column ignored */
    assert_non_null(strstr(en_scenario_note(s, 0), "ok.csv:1:"));
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_actors),
        cmocka_unit_test(percent_salience_and_cr_line_ends),
        cmocka_unit_test(synonyms_and_given_scale),
        cmocka_unit_test(rejects_bad_sheets),
        cmocka_unit_test(quoting_crlf_and_extra_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
