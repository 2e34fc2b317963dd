/*
 * serve_yaml.h — the YAML writing pieces of serve_doc.c that serve_patch.c reuses when it edits
 * an opened scenario's text in place (inside the serve module only).
 */
#ifndef ENTENTE_SERVE_YAML_H
#define ENTENTE_SERVE_YAML_H

#include <stddef.h>

#include "core/node.h"
#include "entente.h"

/* A scalar's text (n bytes) as the JSON value the document holds for it: plain scalars that
 * read as numbers, true, false or null become those, anything else (or any quoted or block
 * scalar: plain = 0) a string. Time complexity: O(n). */
void en_serve_scalar_json(en_buffer *out, const char *text, size_t n, int plain);

/* Member or item k of `collection` as block YAML at `indent` spaces, ending with a newline
 * ("  key: value\n", "  - item\n"), as en_serve_json_to_yaml writes it.
 * Time complexity: O(size of the entry). */
void en_serve_yaml_entry(en_buffer *out, const en_node *collection, size_t k, int indent);

/* `n` on one line, valid after "key: " or inside a flow collection: a scalar, a short flow
 * collection ([0, 100]) or, for anything longer, JSON (which is YAML flow style).
 * Time complexity: O(size of n). */
void en_serve_yaml_inline(en_buffer *out, const en_node *n);

#endif
