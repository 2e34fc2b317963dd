/*
 * test_node.c — en_node_equal (include/entente/node.h) against hand-written pairs of values:
 * each pair is written out in JSON and the expected answer is stated beside it, so the test
 * checks the comparison against a reading of the documents, not against another comparison.
 * Trees built by hand cover what JSON cannot spell (a NaN, a NULL string, NULL nodes), and
 * objects and arrays made with room for their members (en_node_new_sized) against parsed text.
 * en_json_quote (the string writer of every JSON document) against hand-escaped strings and
 * a byte-by-byte reference escaper written here, over random byte strings.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/node.h"
#include "entente.h"

/* Parses both texts and returns en_node_equal both ways round (which must agree). */
static int equal_json(const char *left, const char *right)
{
    en_node *a = en_json_parse(left);
    en_node *b = en_json_parse(right);
    assert_non_null(a);
    assert_non_null(b);
    const int forward = en_node_equal(a, b);
    const int backward = en_node_equal(b, a);
    assert_int_equal(forward, backward);
    en_node_free(a);
    en_node_free(b);
    return forward;
}

static void equal_values(void **state)
{
    (void)state;
    assert_int_equal(equal_json("null", "null"), 1);
    assert_int_equal(equal_json("true", " true "), 1);
    assert_int_equal(equal_json("1.5", "15e-1"), 1);
    assert_int_equal(equal_json("0", "-0"), 1); /* compared by ==, as numbers */
    assert_int_equal(equal_json("\"caf\\u00e9\"", "\"caf\xc3\xa9\""), 1);
    assert_int_equal(equal_json("[]", "[ ]"), 1);
    assert_int_equal(equal_json("{}", "{}"), 1);
    assert_int_equal(equal_json("{\"a\": [1, {\"b\": \"x\"}], \"c\": null}",
                                "{\"a\":[1,{\"b\":\"x\"}],\"c\":null}"),
                     1);
}

static void different_values(void **state)
{
    (void)state;
    /* types: a boolean is not the number with its value, null is not an empty anything */
    assert_int_equal(equal_json("true", "1"), 0);
    assert_int_equal(equal_json("false", "0"), 0);
    assert_int_equal(equal_json("null", "\"\""), 0);
    assert_int_equal(equal_json("[]", "{}"), 0);
    assert_int_equal(equal_json("true", "false"), 0);
    assert_int_equal(equal_json("1", "1.0000000000000002"), 0);
    assert_int_equal(equal_json("\"ab\"", "\"abc\""), 0);
    assert_int_equal(equal_json("\"a\"", "\"A\""), 0);
    /* arrays: length, order, a difference deep down */
    assert_int_equal(equal_json("[1, 2]", "[1, 2, 3]"), 0);
    assert_int_equal(equal_json("[1, 2]", "[2, 1]"), 0);
    assert_int_equal(equal_json("[[1, [2, [3]]]]", "[[1, [2, [4]]]]"), 0);
    /* objects: member order counts, keys count, values count */
    assert_int_equal(equal_json("{\"a\": 1, \"b\": 2}", "{\"b\": 2, \"a\": 1}"), 0);
    assert_int_equal(equal_json("{\"a\": 1}", "{\"b\": 1}"), 0);
    assert_int_equal(equal_json("{\"a\": 1}", "{\"a\": 2}"), 0);
    assert_int_equal(equal_json("{\"a\": 1}", "{\"a\": 1, \"b\": 2}"), 0);
    assert_int_equal(equal_json("{\"a\": {\"b\": [true]}}", "{\"a\": {\"b\": [false]}}"), 0);
}

static void trees_built_by_hand(void **state)
{
    (void)state;
    /* NULL nodes: equal only to each other */
    en_node *one = en_node_number(1);
    assert_int_equal(en_node_equal(NULL, NULL), 1);
    assert_int_equal(en_node_equal(one, NULL), 0);
    assert_int_equal(en_node_equal(NULL, one), 0);
    assert_int_equal(en_node_equal(one, one), 1);
    /* a NaN equals nothing, not even itself */
    en_node *nan = en_node_number(NAN);
    assert_int_equal(en_node_equal(nan, nan), 0);
    /* a string node without text reads as the empty string */
    en_node *empty = en_node_new(EN_NODE_STRING);
    en_node *blank = en_node_string("");
    en_node *x = en_node_string("x");
    assert_int_equal(en_node_equal(empty, blank), 1);
    assert_int_equal(en_node_equal(blank, empty), 1);
    assert_int_equal(en_node_equal(empty, x), 0);
    /* a tree built by the builders equals the same document parsed */
    en_node *built = en_node_new(EN_NODE_OBJECT);
    en_node_set_number(built, "rounds", 10);
    en_node *list = en_node_set(built, "positions", en_node_new(EN_NODE_ARRAY));
    en_node_push_number(list, 0.25);
    en_node_push(list, en_node_bool(1));
    en_node_set_string(built, "model", "eum");
    en_node *parsed = en_json_parse("{\"rounds\": 10, \"positions\": [0.25, true], \"model\": \"eum\"}");
    assert_non_null(parsed);
    assert_int_equal(en_node_equal(built, parsed), 1);
    en_node_set_string(built, "model", "median"); /* replaces the member in place */
    assert_int_equal(en_node_equal(built, parsed), 0);
    en_node_free(parsed);
    en_node_free(built);
    en_node_free(x);
    en_node_free(blank);
    en_node_free(empty);
    en_node_free(nan);
    en_node_free(one);
}

/* Objects and arrays made with room for their members: the same documents as the parsed text,
 * whether the members fit the room given, overflow it or leave part of it unused; a caller may
 * replace a key or a string of such a tree (each is a block of its own). */
static void sized_nodes(void **state)
{
    (void)state;
    en_node *fresh = en_node_new(EN_NODE_OBJECT);
    assert_null(fresh->items);
    assert_null(fresh->keys);
    assert_null(fresh->string);
    assert_int_equal(fresh->count, 0);
    assert_int_equal(fresh->capacity, 0);
    assert_true(fresh->number == 0);
    en_node_free(fresh);
    en_node *o = en_node_new_sized(EN_NODE_OBJECT, 2);
    assert_int_equal(o->capacity, 2);
    en_node_append_number(o, "a", 1);
    en_node_append_string(o, "b", "x");
    en_node *list = en_node_append(o, "c", en_node_new_sized(EN_NODE_ARRAY, 1)); /* third: grows */
    for (int k = 0; k < 5; k++) en_node_push_number(list, k); /* past its room of 1 */
    en_node_append(o, "d", en_node_new_sized(EN_NODE_ARRAY, 8));   /* room left unused */
    en_node_append(o, "e", en_node_new_sized(EN_NODE_OBJECT, 0));
    en_node_append(o, "f", en_node_new_sized(EN_NODE_NUMBER, 4)); /* no children: ignored */
    en_node *parsed = en_json_parse("{\"a\": 1, \"b\": \"x\", \"c\": [0, 1, 2, 3, 4], \"d\": [], "
                                    "\"e\": {}, \"f\": 0}");
    assert_non_null(parsed);
    assert_int_equal(en_node_equal(o, parsed), 1);
    char *text = en_json_text(o);
    assert_string_equal(text, "{\"a\": 1, \"b\": \"x\", \"c\": [0, 1, 2, 3, 4], \"d\": [], \"e\": {}, \"f\": 0}");
    free(text);
    /* keys and strings are the tree's own blocks: replacing them is allowed */
    free(o->keys[0]);
    o->keys[0] = strdup("z");
    free(o->items[1]->string);
    o->items[1]->string = strdup("y");
    text = en_json_text(o);
    assert_string_equal(text, "{\"z\": 1, \"b\": \"y\", \"c\": [0, 1, 2, 3, 4], \"d\": [], \"e\": {}, \"f\": 0}");
    free(text);
    en_node_free(parsed);
    en_node_free(o);
}

/* A number beyond a double's range is no JSON value entente can hold: refused, not infinity. */
static void out_of_range_numbers_refused(void **state)
{
    (void)state;
    assert_null(en_json_parse("1e999"));
    assert_null(en_json_parse("{\"a\": [-2e99999]}"));
    assert_null(en_json_parse("[1110e5555555555555510]"));
    en_node *tiny = en_json_parse("[1e-999, 1.7976931348623157e308]");
    assert_non_null(tiny); /* underflow reads as zero; the largest double is fine */
    assert_int_equal(equal_json("[0, 1.7976931348623157e308]", "[1e-999, 1.7976931348623157e308]"), 1);
    en_node_free(tiny);
}

/* The JSON escaping rule, one byte at a time: '"', '\\', \n, \r, \t by name, other bytes below
 * 0x20 as \\u00XX, every other byte (UTF-8 included) as it is. */
static void reference_quote(char *out, const unsigned char *text, size_t length)
{
    size_t at = 0;
    out[at++] = '"';
    for (size_t i = 0; i < length; i++) {
        unsigned char c = text[i];
        const char *named = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (named) {
            memcpy(out + at, named, 2);
            at += 2;
        } else if (c < 0x20) {
            at += (size_t)sprintf(out + at, "\\u%04x", c);
        } else {
            out[at++] = (char)c;
        }
    }
    out[at++] = '"';
    out[at] = '\0';
}

static void quoted_strings(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"", "\"\""},
        {"A0001", "\"A0001\""},
        {"say \"no\"", "\"say \\\"no\\\"\""},
        {"a\\b", "\"a\\\\b\""},
        {"\n", "\"\\n\""},
        {"tab\there\r\n", "\"tab\\there\\r\\n\""},
        {"\x01x\x1f", "\"\\u0001x\\u001f\""},
        {"\"\"", "\"\\\"\\\"\""},
        {"caf\xc3\xa9 \x7f", "\"caf\xc3\xa9 \x7f\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *quoted = en_json_quote(cases[i][0]);
        assert_non_null(quoted);
        assert_string_equal(quoted, cases[i][1]);
        free(quoted);
    }
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int n = 0; n < 20000; n++) {
        unsigned char text[40];
        size_t length = (size_t)(n % 39);
        for (size_t i = 0; i < length; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* mostly plain characters, with controls, quotes and backslashes among them */
            unsigned v = (unsigned)(x >> 56);
            text[i] = v % 4 == 0 ? (unsigned char)"\"\\\n\x01\x1f\t\r"[v / 4 % 7] : (unsigned char)v;
        }
        text[length] = '\0';
        char expected[40 * 6 + 3];
        reference_quote(expected, text, length);
        char *quoted = en_json_quote((const char *)text);
        assert_non_null(quoted);
        assert_string_equal(quoted, expected);
        free(quoted);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_values),
        cmocka_unit_test(different_values),
        cmocka_unit_test(trees_built_by_hand),
        cmocka_unit_test(out_of_range_numbers_refused),
        cmocka_unit_test(sized_nodes),
        cmocka_unit_test(quoted_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
