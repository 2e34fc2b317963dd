/*
 * test_serve_doc.c — src/serve/: the scenario YAML as a JSON document and back, the locating of
 * a message in the YAML, and the POST /api/run body as CLI arguments. Every expected text here
 * was written by hand from the format's rules (docs/serve.md), not taken from a run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "entente/serve.h"

static void yaml_to_json_keeps_order_and_types(void **state)
{
    (void)state;
    static const char yaml[] =
        "entente: 1\n"
        "title: \"50\"\n"
        "zeta: [0, 100]\n"
        "alpha: {value: 45, low: 30, high: 60}\n"
        "labels:\n"
        "  0: none\n"
        "  100: all\n"
        "flag: true\n"
        "nothing:\n"
        "date: 2023-11-17\n"
        "real: 0.95\n";
    en_error err = EN_ERROR_INIT;
    char *json = en_serve_yaml_to_json(yaml, strlen(yaml), "t.yaml", &err);
    assert_non_null(json);
    assert_string_equal(json,
        "{\"entente\": 1, \"title\": \"50\", \"zeta\": [0, 100], \"alpha\": {\"value\": 45, \"low\": 30, \"high\": 60}, "
        "\"labels\": {\"0\": \"none\", \"100\": \"all\"}, \"flag\": true, \"nothing\": null, \"date\": \"2023-11-17\", "
        "\"real\": 0.95}");
    free(json);
    en_error_clear(&err);
}

static void json_to_yaml_quotes_what_would_change(void **state)
{
    (void)state;
    static const char json[] =
        "{\"entente\": 1, \"title\": \"a: b\", \"n\": \"50\", \"labels\": {\"0\": \"none\", \"100\": \"yes\"}, "
        "\"scale\": [0, 100], \"actors\": [{\"id\": \"A\", \"capability\": {\"value\": 45, \"low\": 30}, "
        "\"positions\": {\"i\": {\"position\": 2, \"cite\": [\"s1\"], \"note\": \"\"}}}]}";
    en_error err = EN_ERROR_INIT;
    char *yaml = en_serve_json_to_yaml(json, strlen(json), &err);
    assert_non_null(yaml);
    assert_string_equal(yaml,
        "entente: 1\n"
        "title: \"a: b\"\n"
        "\"n\": \"50\"\n" /* n alone reads as false in YAML 1.1 */
        "labels: {0: none, 100: \"yes\"}\n"
        "scale: [0, 100]\n"
        "actors:\n"
        "  - id: A\n"
        "    capability: {value: 45, low: 30}\n"
        "    positions:\n"
        "      i:\n"
        "        position: 2\n"
        "        cite: [s1]\n"
        "        note: \"\"\n");
    free(yaml);
    assert_null(en_serve_json_to_yaml("[1]", 3, &err));
    assert_int_equal(err.code, EN_ERROR_INPUT);
    en_error_clear(&err);
}

static void locate_finds_the_value(void **state)
{
    (void)state;
    static const char yaml[] =
        "actors:\n"
        "  - id: A\n"
        "    capability: x\n"
        "    positions: {talks: {position: 2, salience: 7}}\n";
    char *path = en_serve_locate(yaml, strlen(yaml), 3, 17); /* the x */
    assert_string_equal(path, "/actors/0/capability");
    free(path);
    path = en_serve_locate(yaml, strlen(yaml), 3, 5); /* its key stands for it */
    assert_string_equal(path, "/actors/0/capability");
    free(path);
    path = en_serve_locate(yaml, strlen(yaml), 4, 47); /* the 7 */
    assert_string_equal(path, "/actors/0/positions/talks/salience");
    free(path);
    assert_null(en_serve_locate("a: [", 4, 1, 1));
}

static void run_request_as_arguments(void **state)
{
    (void)state;
    static const char body[] =
        "{\"command\": \"forecast\", \"options\": {\"draws\": 2000, \"what-if\": [\"UKR.talks.public=50\", \"drop USA\"], "
        "\"mediation\": true, \"quiet\": false, \"seed\": null}, \"wait\": false}";
    en_serve_run_request r;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_serve_run_request_parse(body, strlen(body), &r, &err), EN_OK);
    const char *want[] = {"forecast", "--draws", "2000", "--what-if", "UKR.talks.public=50", "--what-if", "drop USA", "--mediation"};
    assert_int_equal(r.argc, 8);
    for (int k = 0; k < 8; k++) assert_string_equal(r.argv[k], want[k]);
    assert_null(r.argv[8]);
    assert_int_equal(r.wait, 0);
    assert_null(r.scenario);
    en_serve_run_request_free(&r);

    static const char *const refused[] = {
        "{\"command\": \"run\", \"options\": {\"db\": \"x.db\"}}",
        "{\"command\": \"run\", \"options\": {\"output\": \"/etc/passwd\"}}",
        "{\"command\": \"run\", \"options\": {\"--model\": \"eum\"}}",
        "{\"command\": \"report\"}",
        "{\"command\": \"run\", \"extra\": 1}",
        "{\"command\": \"run\", \"options\": {\"model\": [\"a\", {\"b\": 1}]}}",
        "[\"run\"]",
    };
    for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++) {
        assert_int_not_equal(en_serve_run_request_parse(refused[k], strlen(refused[k]), &r, &err), EN_OK);
        assert_int_equal(err.code, EN_ERROR_INPUT);
        en_error_clear(&err);
    }
    /* Malformed JSON is located: the '}' where a value should be is column 13. */
    static const char broken[] = "{\"command\": }";
    assert_int_not_equal(en_serve_run_request_parse(broken, strlen(broken), &r, &err), EN_OK);
    assert_string_equal(err.file, "request");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 13);
    en_error_clear(&err);
}

static void scenario_document_becomes_yaml(void **state)
{
    (void)state;
    static const char body[] = "{\"command\": \"run\", \"scenario\": {\"entente\": 1, \"title\": \"t\"}}";
    en_serve_run_request r;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_serve_run_request_parse(body, strlen(body), &r, &err), EN_OK);
    assert_string_equal(r.scenario, "entente: 1\ntitle: t\n");
    en_serve_run_request_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(yaml_to_json_keeps_order_and_types),
        cmocka_unit_test(json_to_yaml_quotes_what_would_change),
        cmocka_unit_test(locate_finds_the_value),
        cmocka_unit_test(run_request_as_arguments),
        cmocka_unit_test(scenario_document_becomes_yaml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
