/*
 * ytree.c — building the compact YAML tree (ytree.h) from libfyaml's events. Records of the
 * children of every open collection wait on a scratch stack; when a collection ends, its
 * children move as one block to the tree's record array and the collection's own record
 * takes their place on the stack. Children therefore form a contiguous range, written before
 * their parent, and the whole tree is two growing arrays (records, text): memory a small
 * multiple of the file, not libfyaml's ~70 times.
 */
#include "io/ytree.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define COLUMN_MASK 0xFFFFFFu
#define TYPE_SHIFT 24
#define STYLE_SHIFT 26
#define MAX_TAGS 64
/* Mappings with more keys than this look duplicates up in a hash table; smaller ones by
 * comparing with every earlier key (the usual scenario mapping has a handful). */
#define SMALL_MAPPING 16
/* libfyaml's document loader refuses the 64th nested collection; so does this one, with the
 * same message at the same place. */
#define MAX_DEPTH 64

static uint32_t pack(uint32_t column, en_ynode_type type, en_ynode_style style)
{
    if (column > COLUMN_MASK) column = COLUMN_MASK;
    return column | ((uint32_t)type << TYPE_SHIFT) | ((uint32_t)style << STYLE_SHIFT);
}

en_ynode_type en_ynode_get_type(const en_ynode *node)
{
    return node ? (en_ynode_type)((node->packed >> TYPE_SHIFT) & 3u) : EN_YNODE_SCALAR;
}

en_ynode_style en_ynode_get_style(const en_ynode *node)
{
    return node ? (en_ynode_style)((node->packed >> STYLE_SHIFT) & 7u) : EN_YSTYLE_PLAIN;
}

int en_ynode_is_scalar(const en_ynode *node)
{
    return node && en_ynode_get_type(node) == EN_YNODE_SCALAR;
}

int en_ynode_is_sequence(const en_ynode *node)
{
    return node && en_ynode_get_type(node) == EN_YNODE_SEQUENCE;
}

int en_ynode_is_mapping(const en_ynode *node)
{
    return node && en_ynode_get_type(node) == EN_YNODE_MAPPING;
}

int en_ynode_is_alias(const en_ynode *node)
{
    return node && en_ynode_get_style(node) == EN_YSTYLE_ALIAS;
}

int en_ynode_line(const en_ynode *node)
{
    return node ? (int)node->line : 0;
}

int en_ynode_column(const en_ynode *node)
{
    return node ? (int)(node->packed & COLUMN_MASK) : 0;
}

en_ytree *en_ynode_tree(const en_ynode *node)
{
    const en_ynode *first = node - node->self;
    return (en_ytree *)((const char *)first - offsetof(en_ytree, nodes));
}

en_ynode *en_ytree_root(en_ytree *tree)
{
    return tree ? tree->root : NULL;
}

const char *en_ynode_get_scalar(const en_ynode *node, size_t *length)
{
    if (!en_ynode_is_scalar(node)) {
        if (length) *length = 0;
        return NULL;
    }
    if (length) *length = node->n;
    return en_ynode_tree(node)->text + node->a;
}

const char *en_ynode_get_scalar0(const en_ynode *node)
{
    return en_ynode_get_scalar(node, NULL);
}

size_t en_ynode_get_scalar_length(const en_ynode *node)
{
    return en_ynode_is_scalar(node) ? node->n : 0;
}

static en_ynode *child(const en_ynode *node, uint32_t k)
{
    return &en_ynode_tree(node)->nodes[node->a + k];
}

int en_ynode_sequence_item_count(const en_ynode *node)
{
    return en_ynode_is_sequence(node) ? (int)node->n : -1;
}

en_ynode *en_ynode_sequence_get_by_index(const en_ynode *node, int index)
{
    if (!en_ynode_is_sequence(node) || index < 0 || (uint32_t)index >= node->n) return NULL;
    return child(node, (uint32_t)index);
}

en_ynode *en_ynode_sequence_iterate(const en_ynode *node, void **iter)
{
    if (!en_ynode_is_sequence(node) || node->n == 0) return NULL;
    en_ynode *first = child(node, 0);
    en_ynode *next = *iter ? (en_ynode *)*iter + 1 : first;
    if (next >= first + node->n) return NULL;
    *iter = next;
    return next;
}

int en_ynode_mapping_item_count(const en_ynode *node)
{
    return en_ynode_is_mapping(node) ? (int)(node->n / 2) : -1;
}

en_ynode_pair *en_ynode_mapping_get_by_index(const en_ynode *node, int index)
{
    if (!en_ynode_is_mapping(node) || index < 0 || (uint32_t)index >= node->n / 2) return NULL;
    return (en_ynode_pair *)child(node, 2u * (uint32_t)index);
}

en_ynode_pair *en_ynode_mapping_iterate(const en_ynode *node, void **iter)
{
    if (!en_ynode_is_mapping(node) || node->n < 2) return NULL;
    en_ynode *first = child(node, 0);
    en_ynode *next = *iter ? (en_ynode *)*iter + 2 : first;
    if (next >= first + node->n) return NULL;
    *iter = next;
    return (en_ynode_pair *)next;
}

en_ynode *en_ynode_pair_key(const en_ynode_pair *pair)
{
    return (en_ynode *)pair;
}

en_ynode *en_ynode_pair_value(const en_ynode_pair *pair)
{
    return pair ? (en_ynode *)pair + 1 : NULL;
}

en_ynode *en_ynode_mapping_lookup_by_string(const en_ynode *node, const char *key, size_t length)
{
    if (!en_ynode_is_mapping(node) || !key) return NULL;
    if (length == EN_YNT) length = strlen(key);
    for (uint32_t k = 0; k + 1 < node->n; k += 2) {
        en_ynode *candidate = child(node, k);
        size_t n;
        const char *text = en_ynode_get_scalar(candidate, &n);
        if (text && n == length && memcmp(text, key, n) == 0) return candidate + 1;
    }
    return NULL;
}

en_ynode *en_ynode_by_path(const en_ynode *node, const char *path, size_t length, int flags)
{
    (void)flags;
    if (!path) return NULL;
    if (length == EN_YNT) length = strlen(path);
    const char *p = path, *end = path + length;
    en_ynode *at = (en_ynode *)node;
    while (at && p < end) {
        if (*p == '/') {
            p++;
            continue;
        }
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t step = slash ? (size_t)(slash - p) : (size_t)(end - p);
        if (en_ynode_is_sequence(at)) {
            char *stop = NULL;
            char buffer[24];
            if (step == 0 || step >= sizeof buffer) return NULL;
            memcpy(buffer, p, step);
            buffer[step] = 0;
            long index = strtol(buffer, &stop, 10);
            if (*stop || index < 0 || index > INT32_MAX) return NULL;
            at = en_ynode_sequence_get_by_index(at, (int)index);
        } else {
            at = en_ynode_mapping_lookup_by_string(at, p, step);
        }
        p += step;
    }
    return at;
}

void en_ytree_free(en_ytree *tree)
{
    if (!tree) return;
    en_free(tree->text);
    en_free(tree->tags);
    en_free(tree);
}

/* ---- building ---- */

typedef struct frame {
    size_t start;           /* first scratch record of this collection's children */
    en_ynode_type type;
    en_ynode_style style;
    int start_line, start_column; /* the collection's start token, where a duplicate is shown */
    uint32_t *table;        /* large mappings: scratch positions of keys, hashed (0 = empty) */
    size_t table_size, table_used;
} frame;

typedef struct builder {
    en_ytree *tree;
    en_ynode *scratch;
    size_t scratch_count, scratch_capacity;
    frame *frames;
    size_t depth, frames_capacity;
    en_ytree_problem *problem;
    int stop;
} builder;

static void mark_of(struct fy_token *token, int *line, int *column)
{
    const struct fy_mark *mark = token ? fy_token_start_mark(token) : NULL;
    *line = mark ? mark->line + 1 : 0;
    *column = mark ? mark->column + 1 : 0;
}

static uint32_t add_text(builder *b, const char *text, size_t length)
{
    en_ytree *t = b->tree;
    if (t->text_length + length + 1 > t->text_capacity) {
        size_t capacity = t->text_capacity ? t->text_capacity : 4096;
        while (t->text_length + length + 1 > capacity) capacity *= 2;
        t->text = en_xrealloc(t->text, capacity);
        t->text_capacity = capacity;
    }
    uint32_t at = (uint32_t)t->text_length;
    if (length) memcpy(t->text + at, text, length);
    t->text[at + length] = 0;
    t->text_length += length + 1;
    return at;
}

static uint64_t hash_node(const builder *b, const en_ynode *n, int depth);

static uint64_t hash_bytes(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

/* Children of a finished collection live in the tree's record array. */
static const en_ynode *out_child(const builder *b, const en_ynode *n, uint32_t k)
{
    return &b->tree->nodes[n->a + k];
}

static uint64_t hash_node(const builder *b, const en_ynode *n, int depth)
{
    en_ynode_type type = en_ynode_get_type(n);
    uint64_t h = 1469598103934665603ull ^ (uint64_t)type;
    if (type == EN_YNODE_SCALAR) return hash_bytes(h, b->tree->text + n->a, n->n);
    h = (h ^ n->n) * 1099511628211ull;
    if (depth < 4)
        for (uint32_t k = 0; k < n->n && k < 8; k++) h = (h ^ hash_node(b, out_child(b, n, k), depth + 1)) * 1099511628211ull;
    return h;
}

/* Key equality as libfyaml's duplicate check sees it: scalars by text (whatever the quoting),
 * collections by type, size and equal children in order. */
static int same_node(const builder *b, const en_ynode *x, const en_ynode *y)
{
    en_ynode_type type = en_ynode_get_type(x);
    if (type != en_ynode_get_type(y) || x->n != y->n) return 0;
    if (type == EN_YNODE_SCALAR) {
        if ((en_ynode_get_style(x) == EN_YSTYLE_ALIAS) != (en_ynode_get_style(y) == EN_YSTYLE_ALIAS))
            return 0;
        return memcmp(b->tree->text + x->a, b->tree->text + y->a, x->n) == 0;
    }
    for (uint32_t k = 0; k < x->n; k++)
        if (!same_node(b, out_child(b, x, k), out_child(b, y, k))) return 0;
    return 1;
}

static void table_insert(builder *b, frame *f, size_t position)
{
    size_t mask = f->table_size - 1;
    size_t slot = (size_t)hash_node(b, &b->scratch[position], 0) & mask;
    while (f->table[slot]) slot = (slot + 1) & mask;
    f->table[slot] = (uint32_t)(position - f->start + 1);
    f->table_used++;
}

static void table_grow(builder *b, frame *f)
{
    en_free(f->table);
    f->table_size = f->table_size ? f->table_size * 2 : 64;
    f->table = en_xcalloc(f->table_size, sizeof *f->table);
    f->table_used = 0;
    for (size_t k = f->start; k < b->scratch_count; k += 2) table_insert(b, f, k);
}

static void duplicate(builder *b, const en_ynode *key, int line, int column)
{
    if (b->problem) {
        b->problem->line = line ? line : (int)key->line;
        b->problem->column = line ? column : en_ynode_column(key);
        snprintf(b->problem->message, sizeof b->problem->message, "duplicate key");
    }
    b->stop = 1;
}

/* Called when the record just pushed is a key of the innermost mapping. */
static void check_key(builder *b, int line, int column)
{
    frame *f = &b->frames[b->depth - 1];
    size_t position = b->scratch_count - 1;
    const en_ynode *key = &b->scratch[position];
    size_t keys = (position - f->start) / 2 + 1;
    if (keys <= SMALL_MAPPING) {
        for (size_t k = f->start; k < position; k += 2)
            if (same_node(b, &b->scratch[k], key)) {
                duplicate(b, key, line, column);
                return;
            }
        if (keys < SMALL_MAPPING) return;
        table_grow(b, f); /* inserts every key so far, this one included */
        return;
    }
    size_t mask = f->table_size - 1;
    size_t slot = (size_t)hash_node(b, key, 0) & mask;
    for (; f->table[slot]; slot = (slot + 1) & mask)
        if (same_node(b, &b->scratch[f->start + f->table[slot] - 1], key)) {
            duplicate(b, key, line, column);
            return;
        }
    if (2 * (f->table_used + 1) > f->table_size) table_grow(b, f);
    else table_insert(b, f, position);
}

/* Pushes a finished node as the next child of the innermost collection (or as the root). */
static void push(builder *b, en_ynode node, int start_line, int start_column)
{
    if (b->scratch_count == b->scratch_capacity) {
        b->scratch_capacity = b->scratch_capacity ? 2 * b->scratch_capacity : 256;
        b->scratch = en_xrealloc(b->scratch, b->scratch_capacity * sizeof *b->scratch);
    }
    b->scratch[b->scratch_count++] = node;
    if (b->depth && b->frames[b->depth - 1].type == EN_YNODE_MAPPING &&
        (b->scratch_count - 1 - b->frames[b->depth - 1].start) % 2 == 0)
        check_key(b, start_line, start_column);
}

/* Moves scratch[from..] to the end of the tree's records; returns the index of the first. */
static uint32_t flush(builder *b, size_t from)
{
    size_t n = b->scratch_count - from;
    en_ytree *t = b->tree;
    if (t->count + n > t->capacity) {
        size_t capacity = t->capacity ? t->capacity : 1024;
        while (t->count + n > capacity) capacity *= 2;
        t = en_xrealloc(t, sizeof *t + capacity * sizeof *t->nodes);
        t->capacity = capacity;
        b->tree = t;
    }
    uint32_t first = (uint32_t)t->count;
    for (size_t k = 0; k < n; k++) {
        t->nodes[first + k] = b->scratch[from + k];
        t->nodes[first + k].self = first + (uint32_t)k;
    }
    t->count += n;
    b->scratch_count = from;
    return first;
}

static void open_collection(builder *b, en_ynode_type type, struct fy_token *start,
                            struct fy_token *tag)
{
    if (b->depth + 1 >= MAX_DEPTH) {
        if (b->problem) {
            mark_of(start ? start : tag, &b->problem->line, &b->problem->column);
            snprintf(b->problem->message, sizeof b->problem->message, "Max depth (%d) exceeded",
                     MAX_DEPTH);
        }
        b->stop = 1;
        return;
    }
    if (b->depth == b->frames_capacity) {
        b->frames_capacity = b->frames_capacity ? 2 * b->frames_capacity : 16;
        b->frames = en_xrealloc(b->frames, b->frames_capacity * sizeof *b->frames);
    }
    frame *f = &b->frames[b->depth++];
    memset(f, 0, sizeof *f);
    f->start = b->scratch_count;
    f->type = type;
    enum fy_token_type tt = start ? fy_token_get_type(start) : FYTT_NONE;
    f->style = tt == FYTT_FLOW_SEQUENCE_START || tt == FYTT_FLOW_MAPPING_START ? EN_YSTYLE_FLOW
                                                                              : EN_YSTYLE_BLOCK;
    mark_of(start ? start : tag, &f->start_line, &f->start_column);
}

static void close_collection(builder *b)
{
    frame f = b->frames[--b->depth];
    en_free(f.table);
    en_ynode node = {0};
    node.n = (uint32_t)(b->scratch_count - f.start);
    uint32_t line = 0, column = 0;
    if (node.n) {
        line = b->scratch[f.start].line;
        column = b->scratch[f.start].packed & COLUMN_MASK;
    }
    node.a = flush(b, f.start);
    node.line = line;
    node.packed = pack(column, f.type, f.style);
    push(b, node, f.start_line, f.start_column);
}

static void note_tag(builder *b, struct fy_token *tag)
{
    en_ytree *t = b->tree;
    if (!tag || t->alias_line || t->tag_count >= MAX_TAGS) return;
    size_t length = 0;
    const char *text = fy_token_get_text(tag, &length);
    if (!text || !length) return;
    if (!t->tags) t->tags = en_xcalloc(MAX_TAGS, sizeof *t->tags);
    en_ytag *entry = &t->tags[t->tag_count++];
    mark_of(tag, &entry->line, &entry->column);
    if (length > 64) length = 64;
    memcpy(entry->text, text, length);
    entry->text[length] = 0;
}

static void scalar(builder *b, struct fy_token *value, en_ynode_style style)
{
    size_t length = 0;
    const char *text = value ? fy_token_get_text(value, &length) : NULL;
    if (!text) length = 0;
    int line, column;
    mark_of(value, &line, &column);
    en_ynode node = {0};
    node.a = add_text(b, text, length);
    node.n = (uint32_t)length;
    node.line = (uint32_t)line;
    node.packed = pack((uint32_t)column, EN_YNODE_SCALAR, style);
    push(b, node, line, column);
}

static en_ynode_style scalar_style(struct fy_token *value)
{
    switch (value ? fy_token_scalar_style(value) : FYSS_PLAIN) {
    case FYSS_SINGLE_QUOTED: return EN_YSTYLE_SINGLE_QUOTED;
    case FYSS_DOUBLE_QUOTED: return EN_YSTYLE_DOUBLE_QUOTED;
    case FYSS_LITERAL: return EN_YSTYLE_LITERAL;
    case FYSS_FOLDED: return EN_YSTYLE_FOLDED;
    default: return EN_YSTYLE_PLAIN;
    }
}

static void builder_free(builder *b)
{
    for (size_t d = 0; d < b->depth; d++) en_free(b->frames[d].table);
    en_free(b->frames);
    en_free(b->scratch);
    en_ytree_free(b->tree);
}

en_ytree *en_ytree_build_events(struct fy_parser *parser, en_ytree_problem *problem,
                                struct fy_event **current)
{
    if (problem) memset(problem, 0, sizeof *problem);
    builder b;
    memset(&b, 0, sizeof b);
    b.problem = problem;
    b.tree = en_xcalloc(1, sizeof *b.tree);
    int in_document = 0, done = 0;
    struct fy_event *event;
    while (!done && !b.stop && (event = fy_parser_parse(parser)) != NULL) {
        if (current) *current = event; /* released by an unwind should memory run out */
        switch (event->type) {
        case FYET_STREAM_START: break;
        case FYET_STREAM_END: done = 1; break;
        case FYET_DOCUMENT_START: in_document = 1; break;
        case FYET_DOCUMENT_END: done = 2; break;
        case FYET_SCALAR:
            note_tag(&b, event->scalar.tag);
            scalar(&b, event->scalar.value, scalar_style(event->scalar.value));
            break;
        case FYET_ALIAS: {
            struct fy_token *anchor = event->alias.anchor;
            if (!b.tree->alias_line) {
                int line, column;
                mark_of(anchor, &line, &column);
                b.tree->alias_line = line ? line : 1;
                b.tree->alias_column = column ? column : 1;
            }
            scalar(&b, anchor, EN_YSTYLE_ALIAS);
            break;
        }
        case FYET_SEQUENCE_START:
            note_tag(&b, event->sequence_start.tag);
            open_collection(&b, EN_YNODE_SEQUENCE, event->sequence_start.sequence_start,
                            event->sequence_start.tag);
            break;
        case FYET_MAPPING_START:
            note_tag(&b, event->mapping_start.tag);
            open_collection(&b, EN_YNODE_MAPPING, event->mapping_start.mapping_start,
                            event->mapping_start.tag);
            break;
        case FYET_SEQUENCE_END:
        case FYET_MAPPING_END:
            if (b.depth) close_collection(&b);
            break;
        default: break;
        }
        if (current) *current = NULL;
        fy_parser_event_free(parser, event);
    }
    if (done != 2 || !in_document || b.stop || b.depth || b.scratch_count > 1) {
        builder_free(&b);
        return NULL;
    }
    en_ytree *t = b.tree;
    if (b.scratch_count == 1) {
        uint32_t at = flush(&b, 0);
        t = b.tree;
        t->root = &t->nodes[at];
    }
    b.tree = NULL;
    builder_free(&b);
    /* Give back the unused tail of the doubling arrays. */
    if (t->capacity > t->count) {
        t = en_xrealloc(t, sizeof *t + (t->count ? t->count : 1) * sizeof *t->nodes);
        t->capacity = t->count;
        if (t->count) t->root = &t->nodes[t->count - 1];
    }
    if (t->text_capacity > t->text_length && t->text_length) {
        t->text = en_xrealloc(t->text, t->text_length);
        t->text_capacity = t->text_length;
    }
    return t;
}

en_ytree *en_ytree_build(struct fy_parser *parser, en_ytree_problem *problem)
{
    return en_ytree_build_events(parser, problem, NULL);
}

int en_ytree_fyaml_trap(const char *text, size_t size, size_t *line, size_t *column)
{
    /* First pass: is there an explicit key, a '?' preceded on its line only by blanks and
     * block-sequence dashes? The crash needs one (found by fuzzing; every variant tried
     * without one parses or fails cleanly). Then any tab in the file is refused: the crashing
     * variants differ in what follows the tab, and a tab has no place in such a file's
     * indentation anyway. */
    int explicit_key = 0, line_start = 1;
    for (size_t k = 0; k < size && !explicit_key; k++) {
        char c = text[k];
        if (c == '\n') { line_start = 1; continue; }
        if (!line_start) continue;
        if (c == ' ' || c == '\t' || c == '-') continue;
        if (c == '?') explicit_key = 1;
        line_start = 0;
    }
    if (!explicit_key) return 0;
    size_t ln = 1, col = 1;
    for (size_t k = 0; k < size; k++) {
        char c = text[k];
        if (c == '\n') { ln++; col = 1; continue; }
        if (c == '\t') {
            *line = ln;
            *column = col;
            return 1;
        }
        col++;
    }
    return 0;
}

en_ytree *en_ytree_load_file(const char *path)
{
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_DISABLE_ACCELERATORS;
    struct fy_parser *parser = fy_parser_create(&cfg);
    if (!parser) return NULL;
    en_ytree *tree = NULL;
    if (fy_parser_set_input_file(parser, path) == 0) tree = en_ytree_build(parser, NULL);
    fy_parser_destroy(parser);
    return tree;
}
