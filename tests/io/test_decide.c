/*
 * test_decide.c — the Decide #A/#P/#M/#D reader: the shipped data sets load with the values in
 * the files, every delimiter / quoting / line-end variant gives the same scenario, and every
 * error is reported once, at its true line and column, in one pass (copenhagen_with_errors.csv
 * has exactly two: the position 160 and the negative power).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/scenario.h"
#include "io/decide.h"
#include "support/scenario_fixture.h"

static const en_stance *stance(const en_scenario *s, const char *actor, const char *issue)
{
    long a = en_scenario_find_actor(s, actor), i = en_scenario_find_issue(s, issue);
    assert_true(a >= 0 && i >= 0);
    return &s->actors[a].stances[i];
}

static void copenhagen(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("tests/data/decide/copenhagen.csv");
    assert_int_equal(s->format, EN_FORMAT_DECIDE);
    assert_int_equal(s->actor_count, 11);
    assert_int_equal(s->issue_count, 7);
    assert_string_equal(s->actors[1].id, "EU (incl Norway)");
    assert_string_equal(s->issues[6].id, "Extra");
    assert_float_equal(s->issues[0].scale_min, 0, 0);
    assert_float_equal(s->issues[0].scale_max, 100, 0);
    const en_stance *st = stance(s, "USA", "Newtreaty");
    assert_true(st->present);
    assert_float_equal(st->position.value, 10, 0);
    assert_float_equal(st->salience.value, 0.9, 0);
    assert_float_equal(s->actors[0].capability.value, 0.26, 0);
    assert_false(st->has_power);
    assert_false(stance(s, "Russia", "Commitments")->present); /* no row */
    assert_false(stance(s, "Russia", "Extra")->present);
    en_scenario_free(s);
}

static void sample_data_interval(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("tests/data/decide/sample_data.txt");
    assert_int_equal(s->actor_count, 10);
    assert_int_equal(s->issue_count, 6);
    long i = en_scenario_find_issue(s, "tol-hoogte");
    assert_float_equal(s->issues[i].scale_min, 0.5, 0);
    assert_float_equal(s->issues[i].scale_max, 7, 0);
    assert_string_equal(s->actors[0].note, "Test");
    en_scenario_free(s);
}

static void cop21_and_synthetic(void **state)
{
    (void)state;
    en_scenario *s = fixture_file("tests/data/decide/cop21.csv");
    assert_int_equal(s->actor_count, 15);
    assert_int_equal(s->issue_count, 13);
    size_t rows = 0;
    for (size_t a = 0; a < s->actor_count; a++)
        for (size_t i = 0; i < s->issue_count; i++) rows += s->actors[a].stances[i].present;
    assert_int_equal(rows, 181);
    en_scenario_free(s);
    s = fixture_file("tests/data/decide/synth-80x20.csv");
    assert_int_equal(s->actor_count, 80);
    assert_int_equal(s->issue_count, 20);
    en_scenario_free(s);
}

/* The two deliberate errors, at their true 1-based lines (Decide reports row 86 for both, and
 * only the first, because its second pass never runs). */
static void copenhagen_with_errors(void **state)
{
    (void)state;
    en_error err = EN_ERROR_INIT;
    en_scenario *s = NULL;
    assert_int_equal(en_scenario_load(fixture_path("tests/data/decide/copenhagen_with_errors.csv"),
                                      NULL, &s, &err),
                     EN_ERROR_INPUT);
    assert_null(s);
    assert_int_equal(en_error_count(&err), 2);
    assert_true(fixture_error_has(&err, 86, 19, "position 160 of actor 'Russia' on issue 'Control'"));
    assert_true(fixture_error_has(&err, 86, 19, "expected a number in [0, 100]"));
    assert_true(fixture_error_has(&err, 87, 32, "power -0.247 of actor 'China India'"));
    assert_true(fixture_error_has(&err, 87, 32, "negative (expected a number in [0, 100]"));
    assert_int_equal(en_error_exit_status(&err), 2);
    en_error_clear(&err);
}

/* One file, written every way the reader accepts. */
static const char *const variants[] = {
    "'#A'\t'x'\t'Ex'\t''\n'#A'\t'y'\t'Why'\n'#P'\t'p'\t'p'\t'first'\n'#P'\t'q'\n"
    "'#M'\t'q'\t0\n'#M'\t'q'\t10\n"
    "'#D'\t'x'\t'p'\t20\t0.5\t0.3\n'#D'\t'y'\t'p'\t80\t0.25\t0.7\n'#D'\t'x'\t'q'\t5\t0.5\t0.3\n",
    "#A;x;Ex\r\n#A;y;Why\r\n#P;p;first\r\n#P;q\r\n#M;q;0\r\n#M;q;10\r\n"
    "#D;x;p;20;0.5;0.3\r\n#D;y;p;80;0.25;0.7\r\n#D;x;q;5;0.5;0.3\r\n",
    "\"#A\",\"x\",\"Ex\"\r#A, y , Why\r\r#P,p,first\r#P,q\r#M,q,0\r#M,q,10\r"
    "#D,x,p,20,0.5,0.3\r#D,y,p,80,0.25,0.7\r#D,x,q,5,0.5,0.3",
    "\xEF\xBB\xBF\n  \n#O\tTitle\n#/\tcomment\t'with' \"quotes\"\n#A\tx\tEx\n#A\ty\tWhy\n"
    "#P\tp\tfirst\n#P\tq\n#M\tq\t10\n#M\tq\t0\n"
    "#D\tx\tp\t20\t0.5\t0.3\n#D\ty\tp\t80\t0.25\t0.7\n#D\tx\tq\t5\t0.5\t0.3\n",
};

static void delimiters_quotes_line_ends(void **state)
{
    (void)state;
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        en_scenario *s = NULL;
        en_error err = EN_ERROR_INIT;
        /* Auto-detected by content, whatever the extension (the variant with a byte-order
         * mark and leading blank lines is read with the format forced). */
        en_load_options forced = {0};
        forced.format = v == 3 ? EN_FORMAT_DECIDE : EN_FORMAT_AUTO;
        if (en_scenario_load_buffer(variants[v], strlen(variants[v]), "v.csv", &forced, &s,
                                    &err) != EN_OK) {
            en_error_print(&err, stderr);
            fail_msg("variant %zu did not load", v);
        }
        assert_int_equal(s->format, EN_FORMAT_DECIDE);
        assert_int_equal(s->actor_count, 2);
        assert_int_equal(s->issue_count, 2);
        assert_string_equal(s->actors[1].id, "y");
        assert_string_equal(s->actors[1].name, "Why");
        assert_string_equal(s->issues[0].description, "first");
        assert_float_equal(s->issues[1].scale_max, 10, 0);
        assert_float_equal(stance(s, "y", "p")->position.value, 80, 0);
        assert_float_equal(stance(s, "y", "p")->salience.value, 0.25, 0);
        assert_float_equal(s->actors[1].capability.value, 0.7, 0);
        assert_float_equal(stance(s, "x", "q")->position.value, 5, 0);
        assert_false(stance(s, "y", "q")->present);
        en_scenario_free(s);
    }
}

static void expect_error(const char *text, int line, int column, const char *needle)
{
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_decide_load(text, strlen(text), "bad.csv", &s, &err);
    if (st == EN_OK || !fixture_error_has(&err, line, column, needle)) {
        en_error_print(&err, stderr);
        fail_msg("expected %d:%d '%s'", line, column, needle);
    }
    assert_null(s);
    en_error_clear(&err);
}

#define HEAD "#A\tx\n#A\ty\n#P\tp\n"

static void located_errors(void **state)
{
    (void)state;
    expect_error(HEAD "#Q\tx\n", 4, 1, "unknown row tag '#Q'");
    expect_error(HEAD "#D\t'x\tp\t1\t1\t1\n", 4, 4, "unterminated quoted field");
    expect_error(HEAD "#D\t'x'z\tp\t1\t1\t1\n", 4, 7, "after a quoted field");
    expect_error(HEAD "#D\txx\tp\t1\t0.5\t1\n", 4, 4, "unknown actor 'xx'");
    expect_error(HEAD "#D\tx\tpp\t1\t0.5\t1\n", 4, 6, "unknown issue 'pp' (expected the id of an #P row; did you mean 'p'?)");
    expect_error(HEAD "#D\tx\tp\t1\t0.5\n", 4, 13, "#D row has no power");
    expect_error(HEAD "#D\tx\tp\tten\t0.5\t1\n", 4, 8, "position 'ten' is not a number");
    expect_error(HEAD "#D\tx\tp\t1\t101\t1\n", 4, 10, "salience 101 of actor 'x' on issue 'p' is above 100");
    expect_error(HEAD "#D\tx\tp\t1\t0.5\t1\n#D\tx\tp\t2\t0.5\t1\n", 5, 4, "duplicate #D row");
    expect_error(HEAD "#M\tp\t1\n#M\tp\t5\n#D\tx\tp\t6\t0.5\t1\n", 6, 8, "expected a number in [1, 5]");
    expect_error(HEAD "#M\tp\t3\n#D\tx\tp\t3\t0.5\t1\n", 4, 4, "single scale point");
    expect_error(HEAD "#P\tp\n", 4, 4, "duplicate issue id 'p'");
    expect_error(HEAD "#M\tqq\t3\n", 4, 4, "unknown issue 'qq'");
    /* Several problems: all reported, in line order. */
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    const char *many = HEAD "#D\tz\tp\t1\t0.5\t1\n#X\n#D\tx\tp\t1\t-1\t1\n";
    assert_int_equal(en_decide_load(many, strlen(many), "m.csv", &s, &err), EN_ERROR_INPUT);
    assert_int_equal(en_error_count(&err), 3);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.next->line, 5);
    assert_int_equal(err.next->next->line, 6);
    en_error_clear(&err);
}

/* Decide's #A replacement, per-row power, saliences above 1: accepted, with notes. */
static void notes_and_power(void **state)
{
    (void)state;
    const char *text = "#A\tx\told\n#A\ty\n#A\tx\tnew\n#P\tp\n#P\tq\n"
                       "#D\tx\tp\t10\t0.5\t0.2\n#D\tx\tq\t10\t2\t0.4\n#D\ty\tp\t90\t0.5\t0.1\n";
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(fixture_load(text, "n.csv", &s, &err), EN_OK);
    assert_int_equal(s->actor_count, 2);
    assert_string_equal(s->actors[0].name, "new");
    assert_true(stance(s, "x", "p")->has_power);
    assert_float_equal(stance(s, "x", "q")->power.value, 0.4, 0);
    assert_float_equal(s->actors[0].capability.value, 0.2, 0);
    assert_int_equal(en_scenario_note_count(s), 3);
    int replaced = 0, power = 0, salience = 0;
    for (size_t k = 0; k < en_scenario_note_count(s); k++) {
        const char *n = en_scenario_note(s, k);
        replaced |= strstr(n, "n.csv:3:4: note: actor 'x' is defined again") != NULL;
        power |= strstr(n, "different power") != NULL;
        salience |= strstr(n, "n.csv:7:11: note: salience 2") != NULL;
    }
    assert_true(replaced && power && salience);
    /* The exchange model uses each row's power. */
    en_result *r = fixture_run(s, "exchange", NULL);
    assert_non_null(r);
    en_result_free(r);
    en_scenario_free(s);
}

/* Garbage never crashes or hangs, and always says where. */
static void garbage(void **state)
{
    (void)state;
    static const char *const inputs[] = {"#", "#A", "'#A", "#A\t\"", "#D\t\t\t\t\t\t\t", "#A\n#P\n#D\n",
                                         "#O\n", "\r\r\r", "#A;x;;;;\n#P;p\n#D;x;p;1e400;1;1\n"};
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        en_scenario *s = NULL;
        en_error err = EN_ERROR_INIT;
        en_status st = en_decide_load(inputs[k], strlen(inputs[k]), "g", &s, &err);
        if (st == EN_OK) {
            assert_non_null(s);
            en_scenario_free(s);
        } else {
            assert_null(s);
            assert_true(en_error_count(&err) >= 1);
        }
        en_error_clear(&err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(copenhagen),
        cmocka_unit_test(sample_data_interval),
        cmocka_unit_test(cop21_and_synthetic),
        cmocka_unit_test(copenhagen_with_errors),
        cmocka_unit_test(delimiters_quotes_line_ends),
        cmocka_unit_test(located_errors),
        cmocka_unit_test(notes_and_power),
        cmocka_unit_test(garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
