/*
 * test_ktab.c — the KTAB SMP readers (io/ktab_csv.c, io/ktab_xml.c): what a valid file becomes
 * (issues per dimension in one space, saliences / 100, capability as given, settings and
 * accommodation from XML), and a located error for each defect KTAB passes over in silence.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/scenario.h"
#include "support/scenario_fixture.h"

static const char good_csv[] =
    "Test \"scenario\" ,A description,3,2,\n"
    "Actor,Description,Power,Left Right,Sal1,Up Down,Sal2\n"
    "A,\"first, with comma\", 10, 20, 30, 40, 50\n"
    "B,second$$ too,5,60.5,10,0,20,extra,fields\n"
    "C,,1e2,100,0,100,100\n"
    "ignored line after the actors\n";

static void csv_reads_dimensions_and_actors(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (fixture_load(good_csv, "good.csv", &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        fail();
    }
    assert_int_equal(s->format, EN_FORMAT_KTAB_CSV);
    assert_string_equal(s->title, "Test \"scenario\" ");
    assert_int_equal(s->issue_count, 2);
    assert_string_equal(s->issues[0].id, "Left Right");
    assert_string_equal(s->issues[1].id, "Up Down");
    assert_string_equal(s->issues[0].space, s->issues[1].space);
    assert_int_equal(s->actor_count, 3);
    assert_string_equal(s->actors[0].note, "first, with comma");
    assert_string_equal(s->actors[1].note, "second, too");
    assert_true(s->actors[2].capability.value == 100);
    assert_true(s->actors[1].stances[0].position.value == 60.5);
    assert_true(s->actors[0].stances[1].salience.value == 50 / 100.0);
    assert_true(s->actors[2].stances[1].salience.value == 1);
    en_scenario_free(s);
}

static void expect_csv_error(const char *text, int line, int column, const char *needle)
{
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(fixture_load(text, "bad.csv", &s, &err), EN_ERROR_INPUT);
    assert_null(s);
    if (!fixture_error_has(&err, line, column, needle)) {
        en_error_print(&err, stderr);
        fail_msg("expected %d:%d '%s'", line, column, needle);
    }
    en_error_clear(&err);
}

static void csv_errors_are_located(void **state)
{
    (void)state;
    const char *head = "S,d,3,1\nActor,Description,Power,P,S\n";
    char text[512];
    snprintf(text, sizeof text, "%sA,a,1,abc,10\nB,b,1,20,10\nC,c,1,30,10\n", head);
    expect_csv_error(text, 3, 7, "position 'abc' is not a number");
    snprintf(text, sizeof text, "%sA,a,1,10\nB,b,1,20,10\nC,c,1,30,10\n", head);
    expect_csv_error(text, 3, 0, "actor line has 4 fields");
    snprintf(text, sizeof text, "%sA,a,1,101,10\nB,b,1,20,10\nC,c,1,30,10\n", head);
    expect_csv_error(text, 3, 7, "position 101 is out of range");
    snprintf(text, sizeof text, "%sA,a,0,10,10\nB,b,1,20,10\nC,c,1,30,10\n", head);
    expect_csv_error(text, 3, 5, "capability 0 is out of range");
    snprintf(text, sizeof text, "%sA,a,1,10,10\nB,b,1,20,0\nC,c,1,30,10\n", head);
    expect_csv_error(text, 4, 0, "salience 0 on every dimension");
    snprintf(text, sizeof text, "%sA,a,1,10,10\nB,b,1,20,10\n", head);
    expect_csv_error(text, 0, 0, "the file ends after 2 actor lines");
    snprintf(text, sizeof text, "%sA,\"a,1,10,10\nB,b,1,20,10\nC,c,1,30,10\n", head);
    expect_csv_error(text, 3, 3, "quoted field is not closed");
    expect_csv_error("S,d,2,1\nActor,Description,Power,P,S\nA,a,1,1,1\nB,b,1,1,1\n", 1, 5,
                     "number of actors 2 is out of range");
    expect_csv_error("S,d,3,2\nActor,Description,Power,P,S\n", 2, 1, "column header has 5 fields");
    expect_csv_error("S,d,3,2\nActor,Description,Power,P,S,Q,T\nA,a,1,1,60,1,50\nB,b,1,1,1,1,1\nC,c,1,1,1,1,1\n",
                     3, 0, "saliences add up to 110");
}

static const char good_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<Scenario>\n"
    "  <name>x</name><desc>d</desc>\n"
    "  <prngSeed>0012</prngSeed>\n"
    "  <ModelParameters>\n"
    "    <VictoryProbModel>Octic</VictoryProbModel><PCEModel>MarkovUniform</PCEModel>\n"
    "    <StateTransitions>Stochastic</StateTransitions><VotingRule>ASymProsp</VotingRule>\n"
    "    <BigRAdjust>TwoThirds</BigRAdjust><BigRRange>Max</BigRRange>\n"
    "    <ThirdPartyCommit>NoCommit</ThirdPartyCommit><InterVecBrgn>S2PMax</InterVecBrgn>\n"
    "    <BargnModel>PWCompInterp</BargnModel>\n"
    "  </ModelParameters>\n"
    "  <Dimensions><dName>One</dName><dName>Two</dName></Dimensions>\n"
    "  <Actors>\n"
    "    <Actor><name>A</name><description>a</description><capability>2</capability>\n"
    "      <Position><dCoord>10</dCoord><dCoord>20</dCoord></Position>\n"
    "      <Salience><dSal>30</dSal><dSal>40</dSal></Salience></Actor>\n"
    "    <Actor><name>B</name><description>b</description><capability>3</capability>\n"
    "      <Position><dCoord>50</dCoord><dCoord>60</dCoord></Position>\n"
    "      <Salience><dSal>10</dSal><dSal>20</dSal></Salience></Actor>\n"
    "  </Actors>\n"
    "  <IdealAdjustment><iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>B</referencePos>"
    "<adjust>0.25</adjust></iaPair>\n"
    "  <iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>A</referencePos>"
    "<adjust>0.5</adjust></iaPair></IdealAdjustment>\n"
    "</Scenario>\n";

static void xml_reads_settings_and_accommodation(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (fixture_load(good_xml, "good.xml", &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        fail();
    }
    assert_int_equal(s->format, EN_FORMAT_KTAB_XML);
    assert_int_equal(s->issue_count, 2);
    assert_string_equal(s->issues[1].id, "Two");
    assert_string_equal(en_scenario_setting(s, "seed"), "12");
    assert_string_equal(en_scenario_setting(s, "victory_prob_model"), "octic");
    assert_string_equal(en_scenario_setting(s, "pce_model"), "markov_uniform");
    assert_string_equal(en_scenario_setting(s, "voting_rule"), "asym_prosp");
    assert_string_equal(en_scenario_setting(s, "bigr_adjust"), "two_thirds");
    assert_string_equal(en_scenario_setting(s, "inter_vec_bargain"), "s2pmax");
    assert_string_equal(en_scenario_setting(s, "bargain_model"), "pw_comp");
    assert_int_equal(s->accommodation_count, 2);
    assert_string_equal(s->accommodation[0].actor, "A");
    assert_string_equal(s->accommodation[0].reference, "B");
    assert_true(s->accommodation[0].value == 0.25);
    assert_true(s->actors[1].stances[1].salience.value == 20 / 100.0);
    /* the settings survive a copy (Monte Carlo works on copies) */
    en_scenario *c = en_scenario_clone(s);
    assert_string_equal(en_scenario_setting(c, "bargain_model"), "pw_comp");
    assert_string_equal(c->accommodation[1].reference, "A");
    en_scenario_free(c);
    en_scenario_free(s);
}

static void expect_xml_error(const char *from, const char *to, int line, int column,
                             const char *needle)
{
    char text[4096];
    const char *at = strstr(good_xml, from);
    assert_non_null(at);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good_xml), good_xml, to, at + strlen(from));
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(fixture_load(text, "bad.xml", &s, &err), EN_ERROR_INPUT);
    assert_null(s);
    if (!fixture_error_has(&err, line, column, needle)) {
        en_error_print(&err, stderr);
        fail_msg("expected %d:%d '%s'", line, column, needle);
    }
    en_error_clear(&err);
}

static void xml_errors_are_located(void **state)
{
    (void)state;
    expect_xml_error("<dCoord>20</dCoord>", "<dCoord></dCoord>", 15, 36, "'' is not a number");
    expect_xml_error("<VotingRule>ASymProsp</VotingRule>", "<VotingRule>Proportional</VotingRule>",
                     7, 52, "'Proportional' is unknown");
    expect_xml_error("<desc>d</desc>", "<desc>d</dsc>", 3, 0, "XML:");
    expect_xml_error("<dSal>10</dSal><dSal>20</dSal>", "<dSal>10</dSal>", 19, 0,
                     "has 1 <dSal> (expected one per dimension: 2)");
    expect_xml_error("<referencePos>B</referencePos>", "<referencePos>Bo</referencePos>", 21, 0,
                     "'Bo' is not an actor");
    expect_xml_error("<adjust>0.5</adjust>", "<adjust>0.8</adjust>", 22, 0, "add up to 1.05");
    expect_xml_error("<prngSeed>0012</prngSeed>", "<prngSeed>18446744073709551616</prngSeed>", 4,
                     3, "is not a whole number");
    expect_xml_error("<capability>3</capability>", "<capability>0</capability>", 17, 0,
                     "capability> is 0");
    expect_xml_error("<BargnModel>PWCompInterp</BargnModel>", "", 5, 3, "has no <BargnModel>");
    expect_xml_error("<?xml version=\"1.0\"?>\n",
                     "<?xml version=\"1.0\"?>\n<!DOCTYPE Scenario [<!ENTITY a \"aaaa\">]>", 0, 0,
                     "document type declaration");
}

static void shipped_sample_with_empty_coordinate(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    const char *path = fixture_path("tests/golden/ktab/inputs/smpExample.xml");
    assert_int_equal(en_scenario_load(path, NULL, &s, &err), EN_ERROR_INPUT);
    assert_true(fixture_error_has(&err, 32, 9, "<dCoord> '' is not a number"));
    en_error_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_reads_dimensions_and_actors),
        cmocka_unit_test(csv_errors_are_located),
        cmocka_unit_test(xml_reads_settings_and_accommodation),
        cmocka_unit_test(xml_errors_are_located),
        cmocka_unit_test(shipped_sample_with_empty_coordinate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
