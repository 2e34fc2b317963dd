/*
 * test_serve_patch.c — saving an edited document over the text it was opened from
 * (src/serve/serve_patch.c): a changed value changes only its own text; comments and blank lines
 * stay, and move with the entries they precede when entries are reordered, added or removed; the
 * result always reads back as the edited document. The expected texts are written by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "entente/serve.h"

static const char commented[] =
    "# A commented scenario\n"
    "entente: 1\n"
    "title: Talks   # the name shown\n"
    "\n"
    "issues:\n"
    "  # the first issue\n"
    "  - id: talks\n"
    "    scale: [0, 100]   # 0 = none\n"
    "    status_quo: 10\n"
    "\n"
    "  # the second one\n"
    "  - id: aid\n"
    "    scale: [0, 100]\n"
    "actors:\n"
    "  # Ukraine\n"
    "  - id: UKR\n"
    "    capability: 40\n"
    "    positions:\n"
    "      talks: {position: 20, salience: 0.95}   # high\n"
    "      aid: {position: 90, salience: 0.5}\n"
    "  - id: RUS\n"
    "    capability: 60   # more\n"
    "    veto: [talks]\n"
    "    positions:\n"
    "      talks: {position: 80, salience: 0.7}\n";

/* `text` with the first `from` replaced by `to` (a fresh string). */
static char *replaced(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t head = (size_t)(at - text), n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

static char *document(const char *yaml)
{
    en_error err = EN_ERROR_INIT;
    char *json = en_serve_yaml_to_json(yaml, strlen(yaml), "t.yaml", &err);
    assert_non_null(json);
    en_error_clear(&err);
    return json;
}

/* Saves `json` over `commented`; checks that it reads back as `json` and returns the text. */
static char *save(const char *json)
{
    en_error err = EN_ERROR_INIT;
    char *yaml = en_serve_json_to_yaml_over(commented, strlen(commented), json, strlen(json), &err);
    assert_non_null(yaml);
    char *back = document(yaml);
    assert_string_equal(back, json);
    free(back);
    en_error_clear(&err);
    return yaml;
}

/* The document of `commented` with `from` replaced by `to`, saved over `commented`, gives
 * `commented` with `text_from` replaced by `text_to`. */
static void edit_gives(const char *from, const char *to, const char *text_from, const char *text_to)
{
    char *json = document(commented);
    char *edited = replaced(json, from, to);
    char *yaml = save(edited);
    char *expected = replaced(commented, text_from, text_to);
    assert_string_equal(yaml, expected);
    free(yaml);
    free(expected);
    free(edited);
    free(json);
}

/* `json` saved over `text` is what a save with no text to keep writes. */
static void written_afresh(const char *text, const char *json)
{
    en_error err = EN_ERROR_INIT;
    char *over = en_serve_json_to_yaml_over(text, strlen(text), json, strlen(json), &err);
    char *fresh = en_serve_json_to_yaml(json, strlen(json), &err);
    assert_non_null(over);
    assert_string_equal(over, fresh);
    free(over);
    free(fresh);
    en_error_clear(&err);
}

static void unchanged_is_the_same_text(void **state)
{
    (void)state;
    char *json = document(commented), *yaml = save(json);
    assert_string_equal(yaml, commented);
    free(yaml);
    free(json);
}

static void a_changed_value_changes_only_itself(void **state)
{
    (void)state;
    edit_gives("\"salience\": 0.95", "\"salience\": 0.5", "salience: 0.95}", "salience: 0.5}");
    /* A string that now needs quotes, and a number that becomes text. */
    edit_gives("\"title\": \"Talks\"", "\"title\": \"yes: no\"", "title: Talks   #", "title: \"yes: no\"   #");
}

static void reordered_issues_take_their_comments(void **state)
{
    (void)state;
    char *json = document(commented);
    /* Swap the two issues in the document. */
    const char *a = strstr(json, "{\"id\": \"talks\""), *b = strstr(json, "{\"id\": \"aid\"");
    assert_non_null(a);
    assert_non_null(b);
    const char *b_end = strchr(b, '}') + 1, *a_end = b - 2; /* ", " before the second */
    size_t n = strlen(json);
    char *edited = malloc(n + 1);
    size_t head = (size_t)(a - json);
    memcpy(edited, json, head);
    size_t at = head;
    memcpy(edited + at, b, (size_t)(b_end - b));
    at += (size_t)(b_end - b);
    memcpy(edited + at, ", ", 2);
    at += 2;
    memcpy(edited + at, a, (size_t)(a_end - a));
    at += (size_t)(a_end - a);
    strcpy(edited + at, b_end);
    char *yaml = save(edited);
    char *expected = replaced(commented,
                              "  # the first issue\n"
                              "  - id: talks\n"
                              "    scale: [0, 100]   # 0 = none\n"
                              "    status_quo: 10\n"
                              "\n"
                              "  # the second one\n"
                              "  - id: aid\n"
                              "    scale: [0, 100]\n",
                              "\n"
                              "  # the second one\n"
                              "  - id: aid\n"
                              "    scale: [0, 100]\n"
                              "  # the first issue\n"
                              "  - id: talks\n"
                              "    scale: [0, 100]   # 0 = none\n"
                              "    status_quo: 10\n");
    assert_string_equal(yaml, expected);
    free(yaml);
    free(expected);
    free(edited);
    free(json);
}

static void added_and_removed_entries(void **state)
{
    (void)state;
    char *json = document(commented);
    /* RUS loses its veto; a third actor is appended. */
    char *step = replaced(json, ", \"veto\": [\"talks\"]", "");
    char *edited = replaced(step, "\"salience\": 0.7}}}]",
                            "\"salience\": 0.7}}}, {\"id\": \"USA\", \"capability\": 10, \"positions\": "
                            "{\"talks\": {\"position\": 50, \"salience\": 0.2}}}]");
    char *yaml = save(edited);
    char *expected = replaced(commented, "    veto: [talks]\n", "");
    char *full = malloc(strlen(expected) + 200);
    strcpy(full, expected);
    strcat(full,
           "  - id: USA\n"
           "    capability: 10\n"
           "    positions:\n"
           "      talks: {position: 50, salience: 0.2}\n");
    assert_string_equal(yaml, full);
    free(full);
    free(expected);
    free(yaml);
    free(edited);
    free(step);
    free(json);
    /* A new key in a flow mapping: that mapping is written anew, on its line. */
    edit_gives("\"position\": 90, \"salience\": 0.5}", "\"position\": 90, \"salience\": 0.5, \"public\": 70}",
               "aid: {position: 90, salience: 0.5}", "aid: {position: 90, salience: 0.5, public: 70}");
}

static void block_scalars_are_replaced_whole(void **state)
{
    (void)state;
    static const char text[] = "l:\n  - |  # kept as it is\n    t\n  - x\nm: >\n  folded\n  text\n";
    char *json = document(text);
    char *edited = replaced(json, "[\"t\\n\"", "[\"u\"");
    en_error err = EN_ERROR_INIT;
    char *yaml = en_serve_json_to_yaml_over(text, strlen(text), edited, strlen(edited), &err);
    assert_string_equal(yaml, "l:\n  - u\n  - x\nm: >\n  folded\n  text\n");
    char *back = document(yaml);
    assert_string_equal(back, edited);
    free(back);
    free(yaml);
    free(edited);
    free(json);
    en_error_clear(&err);
}

static void text_that_cannot_be_edited_is_written_afresh(void **state)
{
    (void)state;
    static const char anchored[] = "entente: 1\nscale: &s [0, 100]\nother: *s\n";
    static const char json[] = "{\"entente\": 1, \"scale\": [0, 100], \"other\": [0, 50]}";
    written_afresh(anchored, json);
    en_error err = EN_ERROR_INIT;
    char *over = en_serve_json_to_yaml_over(NULL, 0, json, strlen(json), &err);
    assert_string_equal(over, "entente: 1\nscale: [0, 100]\nother: [0, 50]\n");
    free(over);
    en_error_clear(&err);
    /* Carriage returns are line breaks to YAML but not to the patcher's "\n" lines: a block
     * scalar whose header line ends in "\r" was patched into a different value. */
    static const char crlf[] = "entente: 1\r\nnote: |\r\n  kept\r\n";
    static const char json2[] = "{\"entente\": 1, \"note\": \"changed\\n\"}";
    written_afresh(crlf, json2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unchanged_is_the_same_text),
        cmocka_unit_test(a_changed_value_changes_only_itself),
        cmocka_unit_test(reordered_issues_take_their_comments),
        cmocka_unit_test(added_and_removed_entries),
        cmocka_unit_test(block_scalars_are_replaced_whole),
        cmocka_unit_test(text_that_cannot_be_edited_is_written_afresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
