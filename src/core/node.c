/*
 * node.c — the ordered value tree models attach to results, and its JSON serialisation.
 */
#include "core/node.h"

#include "core/oom.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* From malloc, every field set: a result's trace holds millions of nodes, and clearing each
 * block first only to overwrite it costs a pass over the memory. */
en_node *en_node_new(en_node_type type)
{
    en_node *node = en_xmalloc(sizeof *node);
    node->type = type;
    node->number = 0;
    node->string = NULL;
    node->items = NULL;
    node->keys = NULL;
    node->count = 0;
    node->capacity = 0;
    return node;
}

en_node *en_node_new_sized(en_node_type type, size_t capacity)
{
    en_node *node = en_node_new(type);
    if (capacity && (type == EN_NODE_ARRAY || type == EN_NODE_OBJECT)) {
        node->items = en_xmalloc(capacity * sizeof *node->items);
        if (type == EN_NODE_OBJECT) node->keys = en_xmalloc(capacity * sizeof *node->keys);
        node->capacity = capacity;
    }
    return node;
}

en_node *en_node_number(double value)
{
    en_node *node = en_node_new(EN_NODE_NUMBER);
    node->number = value;
    return node;
}

/* The text is an allocation of its own: en_node's fields are public, and a caller may replace
 * a string node's text (freeing the old one), so the two must not share a block. */
en_node *en_node_string(const char *text)
{
    en_node *node = en_node_new(EN_NODE_STRING);
    node->string = en_xstrdup(text ? text : "");
    return node;
}

en_node *en_node_bool(int value)
{
    en_node *node = en_node_new(EN_NODE_BOOL);
    node->number = value ? 1 : 0;
    return node;
}

void en_node_free(en_node *node)
{
    if (!node) return;
    for (size_t i = 0; i < node->count; i++) {
        en_node_free(node->items[i]);
        if (node->keys) en_free(node->keys[i]);
    }
    en_free(node->items);
    en_free(node->keys);
    en_free(node->string);
    en_free(node);
}

static void append_child(en_node *parent, const char *key, en_node *child)
{
    if (parent->count == parent->capacity) {
        size_t cap = parent->capacity ? parent->capacity * 2 : 4;
        parent->items = en_xrealloc(parent->items, cap * sizeof *parent->items);
        if (parent->type == EN_NODE_OBJECT)
            parent->keys = en_xrealloc(parent->keys, cap * sizeof *parent->keys);
        parent->capacity = cap;
    }
    parent->items[parent->count] = child;
    if (parent->type == EN_NODE_OBJECT) parent->keys[parent->count] = en_xstrdup(key);
    parent->count++;
}

en_node *en_node_set(en_node *object, const char *key, en_node *child)
{
    for (size_t i = 0; i < object->count; i++) {
        if (strcmp(object->keys[i], key) == 0) {
            en_node_free(object->items[i]);
            object->items[i] = child;
            return child;
        }
    }
    append_child(object, key, child);
    return child;
}

en_node *en_node_append(en_node *object, const char *key, en_node *child)
{
    append_child(object, key, child);
    return child;
}

void en_node_append_number(en_node *object, const char *key, double value)
{
    append_child(object, key, en_node_number(value));
}

void en_node_append_string(en_node *object, const char *key, const char *text)
{
    append_child(object, key, en_node_string(text));
}

en_node *en_node_push(en_node *array, en_node *child)
{
    append_child(array, NULL, child);
    return child;
}

void en_node_set_number(en_node *object, const char *key, double value)
{
    en_node_set(object, key, en_node_number(value));
}

void en_node_set_string(en_node *object, const char *key, const char *text)
{
    en_node_set(object, key, en_node_string(text));
}

void en_node_push_number(en_node *array, double value)
{
    en_node_push(array, en_node_number(value));
}

en_node *en_node_get(const en_node *object, const char *key)
{
    if (!object || object->type != EN_NODE_OBJECT) return NULL;
    for (size_t i = 0; i < object->count; i++)
        if (strcmp(object->keys[i], key) == 0) return object->items[i];
    return NULL;
}

int en_node_equal(const en_node *a, const en_node *b)
{
    if (!a || !b) return a == b;
    if (a->type != b->type || a->count != b->count) return 0;
    if (a->type == EN_NODE_NUMBER || a->type == EN_NODE_BOOL) return a->number == b->number;
    if (a->type == EN_NODE_STRING) return strcmp(a->string ? a->string : "", b->string ? b->string : "") == 0;
    for (size_t k = 0; k < a->count; k++) {
        if (a->type == EN_NODE_OBJECT && strcmp(a->keys[k], b->keys[k]) != 0) return 0;
        if (!en_node_equal(a->items[k], b->items[k])) return 0;
    }
    return 1;
}

void en_json_write_string(en_buffer *out, const char *text)
{
    en_buffer_append(out, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        /* A run of characters written as they are (keys, names: all of them, mostly) goes in
         * one append rather than one call per byte. */
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\') p++;
        if (p > run) en_buffer_append(out, (const char *)run, (size_t)(p - run));
        if (!*p) break;
        switch (*p) {
        case '"': en_buffer_puts(out, "\\\""); break;
        case '\\': en_buffer_puts(out, "\\\\"); break;
        case '\n': en_buffer_puts(out, "\\n"); break;
        case '\r': en_buffer_puts(out, "\\r"); break;
        case '\t': en_buffer_puts(out, "\\t"); break;
        default: en_buffer_printf(out, "\\u%04x", *p); break; /* the other controls */
        }
    }
    en_buffer_append(out, "\"", 1);
}

void en_json_write_number(en_buffer *out, double value)
{
    if (!isfinite(value)) {
        en_buffer_puts(out, "null");
        return;
    }
    char text[40];
    en_format_double(text, sizeof text, value);
    en_buffer_puts(out, text);
}

void en_json_write_members(en_buffer *out, const en_node *object, int leading_comma)
{
    if (!object) return;
    for (size_t i = 0; i < object->count; i++) {
        if (leading_comma || i > 0) en_buffer_puts(out, ", ");
        en_json_write_string(out, object->keys[i]);
        en_buffer_puts(out, ": ");
        en_json_write_node(out, object->items[i]);
    }
}

void en_json_write_node(en_buffer *out, const en_node *node)
{
    if (!node) {
        en_buffer_puts(out, "null");
        return;
    }
    switch (node->type) {
    case EN_NODE_NULL: en_buffer_puts(out, "null"); break;
    case EN_NODE_BOOL: en_buffer_puts(out, node->number != 0 ? "true" : "false"); break;
    case EN_NODE_NUMBER: en_json_write_number(out, node->number); break;
    case EN_NODE_STRING: en_json_write_string(out, node->string); break;
    case EN_NODE_ARRAY:
        en_buffer_puts(out, "[");
        for (size_t i = 0; i < node->count; i++) {
            if (i) en_buffer_puts(out, ", ");
            en_json_write_node(out, node->items[i]);
        }
        en_buffer_puts(out, "]");
        break;
    case EN_NODE_OBJECT:
        en_buffer_puts(out, "{");
        en_json_write_members(out, node, 0);
        en_buffer_puts(out, "}");
        break;
    }
}

/* The text of a buffer built under a guard: NULL when it ran out of memory. */
static en_status quote_into(en_buffer *out, const char *text)
{
    en_json_write_string(out, text ? text : "");
    return out->failed ? EN_ERROR_NOMEM : EN_OK;
}

static en_status node_into(en_buffer *out, const en_node *node)
{
    en_json_write_node(out, node);
    return out->failed ? EN_ERROR_NOMEM : EN_OK;
}

/* Under an out-of-memory guard (core/oom.h): a failure gives NULL. */
char *en_json_quote(const char *text)
{
    en_buffer out = {0};
    en_status st;
    EN_GUARDED(st, NULL, out.data = NULL, quote_into(&out, text));
    if (st != EN_OK) en_buffer_free(&out);
    return st == EN_OK ? out.data : NULL;
}

char *en_json_text(const en_node *node)
{
    en_buffer out = {0};
    en_status st;
    EN_GUARDED(st, NULL, out.data = NULL, node_into(&out, node));
    if (st != EN_OK) en_buffer_free(&out);
    return st == EN_OK ? out.data : NULL;
}
