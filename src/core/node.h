/*
 * node.h — a small ordered tree of values (object, array, number, string, bool, null).
 *
 * Models use it for what only they know (EUM moves and risk exponents, exchange trades, war
 * layer series): they attach nodes to a result, and the JSON writer serialises them next to the
 * fields every model shares. Keys keep insertion order so output is stable.
 */
#ifndef ENTENTE_CORE_NODE_H
#define ENTENTE_CORE_NODE_H

#include <stddef.h>

#include "core/util.h"
#include "entente/node.h"

en_node *en_node_new(en_node_type type);
/* An empty array or object with room for `capacity` children (its items, and for an object its
 * keys, allocated once): a builder that knows the member count saves the arrays' regrowth.
 * More children than that still fit (the arrays grow as usual). Other types ignore
 * `capacity`. Errors: none (allocation failure unwinds as every en_x* allocation does, see
 * core/oom.h). Time complexity: O(1). */
en_node *en_node_new_sized(en_node_type type, size_t capacity);
en_node *en_node_number(double value);
en_node *en_node_string(const char *text);
en_node *en_node_bool(int value);

/* Object and array building; they take ownership of `child` and return it. */
en_node *en_node_set(en_node *object, const char *key, en_node *child);
en_node *en_node_push(en_node *array, en_node *child);
/* en_node_set for a key the caller knows `object` does not hold yet: no scan of the members,
 * so building an object of m members costs O(m) instead of O(m^2) key comparisons. A key
 * already present would appear twice. Time complexity: O(1) amortised plus the key's length. */
en_node *en_node_append(en_node *object, const char *key, en_node *child);
void en_node_append_number(en_node *object, const char *key, double value);
void en_node_append_string(en_node *object, const char *key, const char *text);
/* Shorthands. */
void en_node_set_number(en_node *object, const char *key, double value);
void en_node_set_string(en_node *object, const char *key, const char *text);
void en_node_push_number(en_node *array, double value);

/* JSON serialisation. Non-finite numbers become null: output never contains NaN. */
void en_json_write_string(en_buffer *out, const char *text);
void en_json_write_number(en_buffer *out, double value);
void en_json_write_node(en_buffer *out, const en_node *node);
/* Writes the members of an object without braces (preceded by a comma when `leading_comma`). */
void en_json_write_members(en_buffer *out, const en_node *object, int leading_comma);

#endif
