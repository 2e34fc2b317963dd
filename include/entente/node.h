/*
 * entente/node.h — the value trees libentente hands out: a model's extras and a stored
 * analysis document (Monte Carlo quantiles, sensitivity rows, war-layer series) read back from
 * the run store, and any JSON text parsed with en_json_parse. Included by entente.h.
 */
/* entente.h first: it includes this header at its end, after its own declarations. */
#include "entente.h"
#ifndef ENTENTE_NODE_H
#define ENTENTE_NODE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

typedef enum en_node_type {
    EN_NODE_NULL,
    EN_NODE_BOOL,
    EN_NODE_NUMBER,
    EN_NODE_STRING,
    EN_NODE_ARRAY,
    EN_NODE_OBJECT
} en_node_type;

/* One value: plain data, read its fields directly. An object's members keep the order they
 * were written in. The tree owns every child and string below it. */
typedef struct en_node en_node;
struct en_node {
    en_node_type type;
    double number; /* EN_NODE_NUMBER; also EN_NODE_BOOL (0 or 1) */
    char *string;  /* EN_NODE_STRING */
    /* children of an array or object; `keys` (count of them) only for objects */
    en_node **items;
    char **keys;
    size_t count;
    size_t capacity;
};

/* Frees `node` and everything below it; NULL is allowed. Time complexity: O(size of the tree). */
void en_node_free(en_node *node);

/* The member `key` of an object (the first one of that name), NULL when `object` is NULL, not
 * an object, or has no such member. The node stays owned by `object`.
 * Time complexity: O(members). */
en_node *en_node_get(const en_node *object, const char *key);

/* Whether `a` and `b` are the same value: same type, numbers and booleans equal by `==` (so a
 * NaN equals nothing), strings equal byte for byte (a NULL string counts as ""), arrays equal
 * item by item and objects equal member by member in the same order with the same keys. Two
 * NULLs are equal; NULL and a node are not. Returns 1 or 0; no errors.
 * Time complexity: O(size of the smaller tree, plus the length of the strings compared). */
int en_node_equal(const en_node *a, const en_node *b);

/* Parses one JSON value (surrounding white space allowed) into a new tree, which the caller
 * frees with en_node_free. Returns NULL on a syntax error, on nesting deeper than 256 levels
 * or when memory runs out (no other error detail).
 * Time complexity: O(length of text). */
en_node *en_json_parse(const char *text);

/* `text` as a JSON string literal (quoted, with control characters, quotes and backslashes
 * escaped), NUL-terminated, for the caller to free; NULL when memory runs out. Time complexity: O(length of text). */
char *en_json_quote(const char *text);
/* `node` serialised as JSON (non-finite numbers as null), for the caller to free; NULL when
 * memory runs out. Time complexity: O(size of the tree). */
char *en_json_text(const en_node *node);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif /* ENTENTE_NODE_H */
