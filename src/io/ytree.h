/*
 * ytree.h — a compact read-only YAML tree built from libfyaml's event stream. libfyaml stays
 * the parser (syntax errors, tabs, positions); the checks its document loader made (duplicate
 * keys, nesting depth) are made here with its messages and positions. Its document tree costs
 * about 70 times the file size, this one a few times: one 20-byte record per scalar, sequence or
 * mapping, and the scalars' text in one arena. Children of a collection are a contiguous range
 * of records (a mapping's as key, value, key, value ...), so a pair is its key record.
 *
 * The functions mirror the libfyaml node calls the scenario readers used (fy_node_is_scalar
 * -> en_ynode_is_scalar, fy_node_pair_key -> en_ynode_pair_key, ...), with the same meaning:
 * a NULL node is neither scalar, sequence nor mapping; iterators start from a NULL cursor.
 */
#ifndef ENTENTE_IO_YTREE_H
#define ENTENTE_IO_YTREE_H

#include <stddef.h>
#include <stdint.h>

typedef enum en_ynode_type {
    EN_YNODE_SCALAR,
    EN_YNODE_SEQUENCE,
    EN_YNODE_MAPPING,
} en_ynode_type;

/* A scalar's style as written (PLAIN is the only one read as a number, boolean or null);
 * collections are FLOW ({...}, [...]) or BLOCK. ALIAS marks a `*name` (refused by the
 * scenario readers; kept in the tree so it can be reported where it stands). */
typedef enum en_ynode_style {
    EN_YSTYLE_PLAIN,
    EN_YSTYLE_SINGLE_QUOTED,
    EN_YSTYLE_DOUBLE_QUOTED,
    EN_YSTYLE_LITERAL,
    EN_YSTYLE_FOLDED,
    EN_YSTYLE_FLOW,
    EN_YSTYLE_BLOCK,
    EN_YSTYLE_ALIAS,
} en_ynode_style;

/* One node. Scalars: `a` is the offset of the text in the arena, `n` its length (the text
 * is followed by a NUL). Collections: `a` is the index of the first child, `n` the number
 * of child records. `self` is the node's own index, which leads back to its tree. The
 * position (1-based; 0 when libfyaml gives none) is the scalar's, or for a collection that
 * of its first scalar (a mapping's first key): where a reader looks for it. */
typedef struct en_ynode {
    uint32_t a;
    uint32_t n;
    uint32_t self;
    uint32_t line;
    uint32_t packed; /* column (bits 0-23, saturating), type (24-25), style (26-28) */
} en_ynode;

/* A mapping pair is the record of its key; its value is the next record. */
typedef struct en_ynode_pair en_ynode_pair;

/* An explicit tag seen in the file (refused by the scenario readers), with where it stands. */
typedef struct en_ytag {
    int line, column;
    char text[68];
} en_ytag;

typedef struct en_ytree {
    char *text;           /* the scalars' text, each followed by a NUL */
    size_t text_length;
    size_t text_capacity;
    en_ynode *root;       /* NULL when the document is empty */
    en_ytag *tags;        /* explicit tags before the first alias, in file order (at most 64) */
    size_t tag_count;
    int alias_line, alias_column; /* the first alias (0: none) */
    size_t count;
    size_t capacity;
    en_ynode nodes[];
} en_ytree;

/* Length argument meaning "NUL-terminated" (as libfyaml's FY_NT). */
#define EN_YNT ((size_t)-1)
/* Accepted and ignored by en_ynode_by_path (the tree holds no aliases to follow). */
#define EN_YNWF_DONT_FOLLOW 0

/* Where a problem found while building a tree is reported. */
typedef struct en_ytree_problem {
    int line, column;  /* 1-based; 0 when unknown */
    char message[160]; /* e.g. "duplicate key" */
} en_ytree_problem;

struct fy_parser;

/* Builds the tree of the next document of `parser` (positioned before its DOCUMENT_START
 * event). Returns NULL when the stream holds no document, on a parser error (the parser's
 * diagnostics say why), or on a duplicate key in a mapping (described in *problem, with the
 * position of the second key, as libfyaml reports it). Scalars are compared by text whatever
 * their quoting; collection keys by structure. The first alias and explicit tags are kept in
 * the tree for the reader to report. Memory: one en_ynode per node plus the scalar text.
 * Time complexity: O(file size) (duplicate keys found with a hash over each large mapping). */
en_ytree *en_ytree_build(struct fy_parser *parser, en_ytree_problem *problem);
/* The same, keeping in *current the event being read (NULL between events), so that a caller
 * that must release the parser's objects after an out-of-memory unwind can free it too. */
struct fy_event;
en_ytree *en_ytree_build_events(struct fy_parser *parser, en_ytree_problem *problem,
                                struct fy_event **current);
/* Finds text that the libfyaml of Debian 12 (0.7.12) cannot survive: in a file with an explicit
 * key ('?' as the first indicator of a line), a tab used where libfyaml expects indentation
 * makes the parser fail and then corrupt its indent stack, so that destroying the parser
 * crashes (found by fuzzing, in several variants). Callers refuse such a file before libfyaml
 * sees it: any tab in a file with an explicit key. Returns 1 and the 1-based *line and *column
 * of the first tab when found, else 0. Quotes and comments are not told apart (a conservative
 * refusal). Time complexity: O(size). */
int en_ytree_fyaml_trap(const char *text, size_t size, size_t *line, size_t *column);
/* Parses a whole file (JSON files by their extension) into a tree; NULL on any error. For
 * tests and tools reading reference files. Time complexity: O(file size). */
en_ytree *en_ytree_load_file(const char *path);
/* Frees the tree (NULL is fine). Time complexity: O(1). */
void en_ytree_free(en_ytree *tree);
/* The root node, or NULL. Time complexity: O(1). */
en_ynode *en_ytree_root(en_ytree *tree);
/* The tree a node belongs to. Time complexity: O(1). */
en_ytree *en_ynode_tree(const en_ynode *node);

/* Node queries; a NULL node answers 0 / NULL. Time complexity: O(1) each. */
en_ynode_type en_ynode_get_type(const en_ynode *node);
en_ynode_style en_ynode_get_style(const en_ynode *node);
int en_ynode_is_scalar(const en_ynode *node);
int en_ynode_is_sequence(const en_ynode *node);
int en_ynode_is_mapping(const en_ynode *node);
int en_ynode_is_alias(const en_ynode *node);
int en_ynode_line(const en_ynode *node);
int en_ynode_column(const en_ynode *node);
/* A scalar's text (NUL-terminated) and its length; NULL for a collection or NULL node. */
const char *en_ynode_get_scalar(const en_ynode *node, size_t *length);
/* The same text without the length (it is NUL-terminated), and the length alone (0 for a
 * collection or NULL node). Time complexity: O(1). */
const char *en_ynode_get_scalar0(const en_ynode *node);
size_t en_ynode_get_scalar_length(const en_ynode *node);

/* Sequences: count, i-th item (NULL out of range), iteration (*iter NULL at the start;
 * returns NULL at the end). Time complexity: O(1) each. */
int en_ynode_sequence_item_count(const en_ynode *node);
en_ynode *en_ynode_sequence_get_by_index(const en_ynode *node, int index);
en_ynode *en_ynode_sequence_iterate(const en_ynode *node, void **iter);

/* Mappings: count of pairs, i-th pair, iteration over pairs, key and value of a pair.
 * Time complexity: O(1) each. */
int en_ynode_mapping_item_count(const en_ynode *node);
en_ynode_pair *en_ynode_mapping_get_by_index(const en_ynode *node, int index);
en_ynode_pair *en_ynode_mapping_iterate(const en_ynode *node, void **iter);
en_ynode *en_ynode_pair_key(const en_ynode_pair *pair);
en_ynode *en_ynode_pair_value(const en_ynode_pair *pair);
/* The value of the scalar key `key` (`length` bytes, or EN_YNT for NUL-terminated); NULL when
 * absent. Time complexity: O(pairs). */
en_ynode *en_ynode_mapping_lookup_by_string(const en_ynode *node, const char *key, size_t length);
/* Follows "/key/key/index..." from node (mapping keys by text, sequence items by decimal
 * index); NULL when a step is missing. `flags` is ignored. Time complexity: O(path × pairs). */
en_ynode *en_ynode_by_path(const en_ynode *node, const char *path, size_t length, int flags);

#endif
