/*
 * test_ytree.c — the compact YAML tree built from libfyaml's events: structure and positions
 * of a hand-written document, duplicate keys found at the second key in small mappings and in
 * large ones (the hashed path), quoting ignored and collection keys compared by structure, the
 * 64th nested collection refused, tags and the first alias recorded where they stand. Every
 * expected line and column was counted by hand from the text below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfyaml.h>

#include "core/util.h"
#include "io/ytree.h"

static en_ytree *build(const char *text, en_ytree_problem *problem)
{
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_NONE;
    struct fy_parser *parser = fy_parser_create(&cfg);
    assert_non_null(parser);
    assert_int_equal(fy_parser_set_string(parser, text, strlen(text)), 0);
    en_ytree *tree = en_ytree_build(parser, problem);
    fy_parser_destroy(parser);
    return tree;
}

static void structure_and_positions(void **state)
{
    (void)state;
    const char *text = "title: \"t x\"\n"           /* line 1 */
                       "list:\n"                    /* line 2 */
                       "  - 1\n"                    /* line 3 */
                       "  - [a, 'b']\n"             /* line 4 */
                       "map: {k: v, e: }\n";        /* line 5 */
    en_ytree_problem problem;
    en_ytree *tree = build(text, &problem);
    assert_non_null(tree);
    en_ynode *root = en_ytree_root(tree);
    assert_true(en_ynode_is_mapping(root));
    assert_int_equal(en_ynode_mapping_item_count(root), 3);
    /* A collection stands where its first scalar does (the root: its first key). */
    assert_int_equal(en_ynode_line(root), 1);
    assert_int_equal(en_ynode_column(root), 1);
    en_ynode *title = en_ynode_mapping_lookup_by_string(root, "title", EN_YNT);
    size_t length;
    assert_string_equal(en_ynode_get_scalar(title, &length), "t x");
    assert_int_equal(length, 3);
    assert_int_equal(en_ynode_get_style(title), EN_YSTYLE_DOUBLE_QUOTED);
    assert_string_equal(en_ynode_get_scalar0(title), "t x");
    assert_int_equal(en_ynode_get_scalar_length(title), 3);
    assert_int_equal(en_ynode_column(title), 9); /* after the opening quote, as libfyaml marks it */
    en_ynode *list = en_ynode_mapping_lookup_by_string(root, "list", EN_YNT);
    assert_int_equal(en_ynode_sequence_item_count(list), 2);
    assert_int_equal(en_ynode_line(list), 3);
    assert_int_equal(en_ynode_column(list), 5);
    en_ynode *inner = en_ynode_sequence_get_by_index(list, 1);
    assert_true(en_ynode_is_sequence(inner));
    assert_null(en_ynode_sequence_get_by_index(list, 2));
    en_ynode *b = en_ynode_by_path(root, "/list/1/1", EN_YNT, EN_YNWF_DONT_FOLLOW);
    assert_string_equal(en_ynode_get_scalar(b, NULL), "b");
    assert_int_equal(en_ynode_get_style(b), EN_YSTYLE_SINGLE_QUOTED);
    assert_int_equal(en_ynode_line(b), 4);
    assert_int_equal(en_ynode_column(b), 10);
    /* Iteration visits the items in order. */
    void *iter = NULL;
    en_ynode *item;
    int seen = 0;
    while ((item = en_ynode_sequence_iterate(inner, &iter))) seen++;
    assert_int_equal(seen, 2);
    en_ynode *map = en_ynode_mapping_lookup_by_string(root, "map", EN_YNT);
    iter = NULL;
    en_ynode_pair *pair = en_ynode_mapping_iterate(map, &iter);
    assert_string_equal(en_ynode_get_scalar(en_ynode_pair_key(pair), NULL), "k");
    assert_string_equal(en_ynode_get_scalar(en_ynode_pair_value(pair), NULL), "v");
    pair = en_ynode_mapping_iterate(map, &iter);
    assert_string_equal(en_ynode_get_scalar(en_ynode_pair_value(pair), NULL), ""); /* empty */
    assert_null(en_ynode_mapping_iterate(map, &iter));
    assert_null(en_ynode_mapping_lookup_by_string(root, "missing", EN_YNT));
    assert_true(en_ynode_tree(b) == tree);
    en_ytree_free(tree);
}

static void duplicate_keys(void **state)
{
    (void)state;
    en_ytree_problem problem;
    /* Small mapping; quoting does not make a key different. */
    assert_null(build("a: 1\nb: 2\n'a': 3\n", &problem));
    assert_string_equal(problem.message, "duplicate key");
    assert_int_equal(problem.line, 3);
    assert_int_equal(problem.column, 2);
    /* Collection keys compare by structure; the duplicate stands at its bracket. */
    assert_null(build("? [x, {y: 1}]\n: 1\n? [x, {y: 1}]\n: 2\n", &problem));
    assert_int_equal(problem.line, 3);
    assert_int_equal(problem.column, 3);
    en_ytree *ok = build("? [x, {y: 1}]\n: 1\n? [x, {y: 2}]\n: 2\n", &problem);
    assert_non_null(ok);
    en_ytree_free(ok);
    /* A large mapping (the hashed path): 200 distinct keys, then key k7 again on line 202. */
    en_buffer text = {0};
    for (int k = 0; k < 200; k++) en_buffer_printf(&text, "k%d: %d\n", k, k);
    ok = build(text.data, &problem);
    assert_non_null(ok);
    assert_int_equal(en_ynode_mapping_item_count(en_ytree_root(ok)), 200);
    assert_string_equal(en_ynode_get_scalar(en_ynode_by_path(en_ytree_root(ok), "/k150", EN_YNT, 0), NULL), "150");
    en_ytree_free(ok);
    en_buffer_puts(&text, "other: 1\n  \n");
    en_buffer_puts(&text, "k7: again\n");
    assert_null(build(text.data, &problem));
    assert_string_equal(problem.message, "duplicate key");
    assert_int_equal(problem.line, 203);
    assert_int_equal(problem.column, 1);
    en_buffer_free(&text);
    /* Equal keys in different mappings are fine. */
    ok = build("a: {x: 1}\nb: {x: 2}\n", &problem);
    assert_non_null(ok);
    en_ytree_free(ok);
}

static void depth_limit(void **state)
{
    (void)state;
    en_ytree_problem problem;
    char text[256];
    memset(text, 0, sizeof text);
    for (int k = 0; k < 63; k++) text[k] = '[', text[63 + k] = ']';
    en_ytree *tree = build(text, &problem);
    assert_non_null(tree); /* 63 nested collections */
    en_ytree_free(tree);
    memset(text, 0, sizeof text);
    for (int k = 0; k < 64; k++) text[k] = '[', text[64 + k] = ']';
    assert_null(build(text, &problem));
    assert_string_equal(problem.message, "Max depth (64) exceeded");
    assert_int_equal(problem.line, 1);
    assert_int_equal(problem.column, 64);
}

static void tags_and_aliases(void **state)
{
    (void)state;
    en_ytree_problem problem;
    en_ytree *tree = build("a: !x 1\nb: &n [2]\nc: *n\nd: !y 3\n", &problem);
    assert_non_null(tree);
    assert_int_equal(tree->tag_count, 1); /* !y comes after the first alias: not listed */
    assert_string_equal(tree->tags[0].text, "!x");
    assert_int_equal(tree->tags[0].line, 1);
    assert_int_equal(tree->tags[0].column, 4);
    assert_int_equal(tree->alias_line, 3);
    assert_int_equal(tree->alias_column, 5);
    assert_true(en_ynode_is_alias(en_ynode_mapping_lookup_by_string(en_ytree_root(tree), "c", EN_YNT)));
    en_ytree_free(tree);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(structure_and_positions),
        cmocka_unit_test(duplicate_keys),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(tags_and_aliases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
