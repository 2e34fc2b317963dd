/*
 * test_deu.c — the DEU table reader against the anomalies its format description lists: the
 * GDP line, blank = missing, the three date forms (dd-mm-yy, dd-mm-yyyy, and a dd-mm-yy date
 * misread as yyyy-mm-dd), 999 for no final act, the mistyped proposal id (a04163 for d04167),
 * QMV(10), a voting rule that differs between a proposal's issues; and located errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/scenario.h"
#include "io/deu.h"
#include "support/scenario_fixture.h"

static en_scenario **load(const char *relative, size_t *count)
{
    en_scenario **all = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_scenario_load_all(fixture_path(relative), NULL, &all, count, &err);
    if (st != EN_OK) en_error_print(&err, stderr);
    assert_int_equal(st, EN_OK);
    en_error_clear(&err);
    return all;
}

static void free_all(en_scenario **all, size_t count)
{
    for (size_t k = 0; k < count; k++) en_scenario_free(all[k]);
    free(all);
}

static void reads_the_anomalies(void **state)
{
    (void)state;
    size_t count = 0;
    en_scenario **all = load("tests/data/deu/anomalies.tsv", &count);
    assert_int_equal(count, 2); /* d00001, and d04167 (its first row says a04163) */
    en_scenario *a = all[0], *b = all[1];
    assert_string_equal(a->decision.id, "d00001");
    assert_string_equal(a->decision.procedure, "codecision");
    assert_string_equal(a->decision.voting_rule, "qmv");
    assert_string_equal(a->decision.introduced, "2000-01-26");  /* dd-mm-yy */
    assert_string_equal(a->decision.adopted, "2006-07-31");     /* 1931-07-06, misread */
    assert_string_equal(a->decision.agenda_setter, "com");
    assert_string_equal(a->decision.parliament, "ep");
    assert_int_equal(a->issue_count, 2);
    assert_true(a->issues[0].has_outcome);
    assert_float_equal(a->issues[0].outcome.value.value, 60, 0);
    assert_string_equal(a->issues[0].outcome.date, "2006-07-31");
    assert_true(a->issues[0].has_status_quo);
    assert_false(a->issues[1].has_outcome);    /* blank out */
    assert_false(a->issues[1].has_status_quo); /* blank rp */
    /* fr: position 40 but salience 0 on i1, blank on i2: takes part in neither, not an actor */
    assert_int_equal(en_scenario_find_actor(a, "fr"), -1);
    long uk = en_scenario_find_actor(a, "uk");
    assert_true(uk >= 0);
    assert_false(a->actors[uk].stances[0].present); /* blank position and salience */
    assert_true(a->actors[uk].stances[1].present);
    assert_float_equal(a->actors[uk].stances[1].salience.value, 0.5, 1e-15);
    long de = en_scenario_find_actor(a, "de");
    assert_true(a->actors[de].has_votes);
    assert_float_equal(a->actors[de].votes, 29, 0); /* adopted 2006: Nice weights */
    assert_float_equal(a->actors[de].capability.value, 1, 0); /* equal capability */
    long com = en_scenario_find_actor(a, "com");
    assert_false(a->actors[com].has_votes);

    assert_string_equal(b->decision.id, "d04167");
    assert_true(b->note_count >= 1);
    assert_non_null(strstr(b->notes[0], "a04163"));
    assert_string_equal(b->decision.introduced, "2004-12-14"); /* dd-mm-yyyy */
    assert_null(b->decision.adopted);                          /* 999 */
    assert_string_equal(b->decision.procedure, "consultation");
    assert_string_equal(b->decision.voting_rule, "qmv"); /* QMV(10) */
    assert_null(b->issues[0].voting_rule);
    assert_string_equal(b->issues[1].voting_rule, "unanimity");
    assert_string_equal(en_issue_voting_rule(b, 1), "unanimity");
    assert_int_equal(en_scenario_find_actor(b, "ep"), -1); /* no position anywhere */
    assert_null(b->decision.parliament);
    free_all(all, count);
}

static void council_votes_by_period(void **state)
{
    (void)state;
    assert_float_equal(en_deu_council_votes("de", "2003-12-31"), 10, 0);
    assert_float_equal(en_deu_council_votes("de", "2004-05-01"), 29, 0);
    assert_float_equal(en_deu_council_votes("pl", "2003-01-01"), 0, 0); /* not yet a member */
    assert_float_equal(en_deu_council_votes("ro", "2006-12-31"), 0, 0);
    assert_float_equal(en_deu_council_votes("ro", "2007-01-01"), 14, 0);
    assert_float_equal(en_deu_council_votes("mt", "2014-10-31"), 3, 0);
    assert_float_equal(en_deu_council_votes("mt", "2014-11-01"), 0.43, 0); /* population */
    assert_float_equal(en_deu_council_votes("com", "2010-01-01"), 0, 0);
}

static const char header[] = "\"prnr\"\t\"isnr\"\t\"proc\"\t\"counvte\"\t\"intro\"\t\"pa\"\t\"pb\"\t\"sa\"\t\"sb\"\t\"rp\"\t\"out\"\n";

static void errors_are_located(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    char text[1024];
    /* a position outside 0–100: line 2, column of the pb field */
    snprintf(text, sizeof text, "%s\"x1\"\t\"x1i1\"\t\"COD\"\t\"QMV\"\t\"01-02-03\"\t10\t101\t50\t50\t\t20\n", header);
    en_scenario **all = NULL;
    size_t count = 0;
    assert_int_equal(en_scenario_load_all_buffer(text, strlen(text), "t.tsv", NULL, &all, &count, &err),
                     EN_ERROR_INPUT);
    size_t column = strlen("\"x1\"\t\"x1i1\"\t\"COD\"\t\"QMV\"\t\"01-02-03\"\t10\t") + 1;
    assert_true(fixture_error_has(&err, 2, (int)column, "position '101'"));
    en_error_clear(&err);
    /* a missing field */
    snprintf(text, sizeof text, "%s\"x1\"\t\"x1i1\"\t\"COD\"\t\"QMV\"\t\"01-02-03\"\t10\t20\t50\t50\t\n", header);
    assert_int_equal(en_scenario_load_all_buffer(text, strlen(text), "t.tsv", NULL, &all, &count, &err),
                     EN_ERROR_INPUT);
    assert_true(fixture_error_has(&err, 2, 0, "10 fields (expected 11"));
    en_error_clear(&err);
    /* an impossible date, an unknown procedure, an issue id without i<k> */
    snprintf(text, sizeof text, "%s\"x1\"\t\"x1\"\t\"SYN\"\t\"QMV\"\t\"31-02-03\"\t10\t20\t50\t50\t\t20\n", header);
    assert_int_equal(en_scenario_load_all_buffer(text, strlen(text), "t.tsv", NULL, &all, &count, &err),
                     EN_ERROR_INPUT);
    assert_true(fixture_error_has(&err, 2, 6, "does not end in i<number>"));
    assert_true(fixture_error_has(&err, 2, 0, "procedure 'SYN'"));
    assert_true(fixture_error_has(&err, 2, 0, "'31-02-03' is not a date"));
    en_error_clear(&err);
    /* an actor's p<code> column twice: an error at the second (it made two actors of one) */
    snprintf(text, sizeof text, "isnr\tout\tpcom\tscom\tpep\tsep\tpep\n");
    assert_int_equal(en_scenario_load_all_buffer(text, strlen(text), "t.tsv", NULL, &all, &count, &err),
                     EN_ERROR_INPUT);
    assert_true(fixture_error_has(&err, 1, (int)strlen("isnr\tout\tpcom\tscom\tpep\tsep\t") + 1,
                                  "column 'pep' appears twice"));
    en_error_clear(&err);
    /* one proposal through en_scenario_load_buffer works; the auto-detection finds the format */
    snprintf(text, sizeof text, "%s\"x1\"\t\"x1i1\"\t\"CNS\"\t\"Unan\"\t\"01-02-03\"\t10\t20\t50\t50\t\t20\n", header);
    assert_int_equal(en_scenario_load_buffer(text, strlen(text), "t.txt", NULL, &s, &err), EN_OK);
    assert_int_equal(s->format, EN_FORMAT_DEU);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_anomalies),
        cmocka_unit_test(council_votes_by_period),
        cmocka_unit_test(errors_are_located),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
