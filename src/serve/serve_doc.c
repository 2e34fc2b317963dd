/*
 * serve_doc.c — the scenario between the workbench page and the CLI: YAML to a JSON document
 * (the page edits that), the document back to the YAML `entente` reads, and a located message
 * back to the value it is about (so the page can show it on the cell).
 *
 * Why a document rather than the loaded scenario: the page must save what it opened with every
 * field and in the order of the file, including fields this version of entente does not know;
 * a generic YAML <-> JSON mapping keeps them all, where going through en_scenario would keep only
 * what the loader reads. Saving over the opened text keeps its comments and layout
 * (serve_patch.c).
 */
#include "entente/serve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/node.h"
#include "core/oom.h"
#include "core/scenario.h"
#include "core/util.h"
#include "io/load.h"
#include "io/yaml_read.h"
#include "io/ytree.h"
#include "store/json_read.h"
#include "serve/serve_yaml.h"

enum { MAX_NESTING = 64 };

/* ---- YAML -> JSON ---------------------------------------------------------------------- */

/* Whether `text` (length n) is a JSON number, so it can be copied as written (keeping the
 * author's digits: 0.95 stays 0.95). */
static int is_json_number(const char *text, size_t n)
{
    size_t k = 0;
    if (k < n && text[k] == '-') k++;
    if (k >= n) return 0;
    if (text[k] == '0') k++;
    else if (text[k] >= '1' && text[k] <= '9')
        while (k < n && text[k] >= '0' && text[k] <= '9') k++;
    else return 0;
    if (k < n && text[k] == '.') {
        k++;
        size_t digits = k;
        while (k < n && text[k] >= '0' && text[k] <= '9') k++;
        if (k == digits) return 0;
    }
    if (k < n && (text[k] == 'e' || text[k] == 'E')) {
        k++;
        if (k < n && (text[k] == '+' || text[k] == '-')) k++;
        size_t digits = k;
        while (k < n && text[k] >= '0' && text[k] <= '9') k++;
        if (k == digits) return 0;
    }
    return k == n;
}

static int word_is(const char *text, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(*words, text, n) == 0) return 1;
    return 0;
}

static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};

void en_serve_scalar_json(en_buffer *out, const char *text, size_t n, int plain)
{
    if (plain) {
        if (word_is(text, n, null_words)) { en_buffer_puts(out, "null"); return; }
        if (word_is(text, n, true_words)) { en_buffer_puts(out, "true"); return; }
        if (word_is(text, n, false_words)) { en_buffer_puts(out, "false"); return; }
        char *copy = en_xstrndup(text, n);
        double value;
        int number = en_parse_double(copy, &value) && isfinite(value);
        en_free(copy);
        /* A JSON number as written; other YAML numbers (+5, .5, 1e3 written 1E3 ...) as the double
         * they read as. One out of a double's range (2e99999) stays text: as a number it would
         * turn into an infinity JSON cannot hold. */
        if (number && is_json_number(text, n)) { en_buffer_append(out, text, n); return; }
        if (number) return en_json_write_number(out, value);
    }
    char *copy = en_xstrndup(text, n);
    en_json_write_string(out, copy);
    en_free(copy);
}

static void write_scalar_json(en_buffer *out, en_ynode *node)
{
    size_t n = 0;
    const char *text = en_ynode_get_scalar(node, &n);
    en_serve_scalar_json(out, text ? text : "", n, en_ynode_get_style(node) == EN_YSTYLE_PLAIN);
}

static int write_node_json(en_buffer *out, en_ynode *node, int depth, const char *name,
                           en_error *err)
{
    if (!node) {
        en_buffer_puts(out, "null");
        return 1;
    }
    if (depth > MAX_NESTING) {
        en_location where = en_yaml_where(node);
        en_error_add(err, EN_ERROR_INPUT, name, where.line ? where.line : 1, where.column ? where.column : 1,
                     "nested deeper than %d levels (expected a scenario)", MAX_NESTING);
        return 0;
    }
    void *iter = NULL;
    switch (en_ynode_get_type(node)) {
    case EN_YNODE_SCALAR:
        write_scalar_json(out, node);
        return 1;
    case EN_YNODE_SEQUENCE: {
        en_buffer_puts(out, "[");
        en_ynode *item;
        int first = 1;
        while ((item = en_ynode_sequence_iterate(node, &iter))) {
            if (!first) en_buffer_puts(out, ", ");
            first = 0;
            if (!write_node_json(out, item, depth + 1, name, err)) return 0;
        }
        en_buffer_puts(out, "]");
        return 1;
    }
    case EN_YNODE_MAPPING: {
        en_buffer_puts(out, "{");
        en_ynode_pair *pair;
        int first = 1;
        while ((pair = en_ynode_mapping_iterate(node, &iter))) {
            en_ynode *key = en_ynode_pair_key(pair);
            if (!key || !en_ynode_is_scalar(key)) {
                en_location where = en_yaml_where(key ? key : node);
                en_error_add(err, EN_ERROR_INPUT, name, where.line ? where.line : 1,
                             where.column ? where.column : 1, "a key that is not a plain value (expected a name)");
                return 0;
            }
            if (!first) en_buffer_puts(out, ", ");
            first = 0;
            size_t n = 0;
            const char *text = en_ynode_get_scalar(key, &n);
            char *copy = en_xstrndup(text ? text : "", n);
            en_json_write_string(out, copy);
            en_free(copy);
            en_buffer_puts(out, ": ");
            if (!write_node_json(out, en_ynode_pair_value(pair), depth + 1, name, err)) return 0;
        }
        en_buffer_puts(out, "}");
        return 1;
    }
    }
    return 0;
}

static char *yaml_to_json(const char *text, size_t length, const char *name, en_error *err)
{
    en_ytree *doc = NULL;
    en_yaml_reader reader;
    /* Malformed bytes never reach the YAML parser (it can loop on them in a directive line). */
    if (en_check_text(text, length, name, err) != EN_OK) return NULL;
    if (!en_yaml_open(&reader, text, length, name, err, &doc)) return NULL;
    en_ynode *root = en_ytree_root(doc);
    if (root && !en_yaml_reject_aliases(&reader, root)) {
        en_ytree_free(doc);
        return NULL;
    }
    if (!root || !en_ynode_is_mapping(root)) {
        en_location where = en_yaml_where(root);
        en_error_add(err, EN_ERROR_INPUT, name, where.line ? where.line : 1, where.column ? where.column : 1,
                     "the document is not a mapping (expected a scenario: entente: 1, title:, issues:, actors:)");
        en_ytree_free(doc);
        return NULL;
    }
    en_buffer out = {0};
    int ok = write_node_json(&out, root, 0, name, err);
    en_ytree_free(doc);
    if (!ok) {
        en_buffer_free(&out);
        return NULL;
    }
    en_buffer_puts(&out, "");
    return out.data;
}

/* ---- JSON -> YAML ---------------------------------------------------------------------- */

static int looks_like_number(const char *text)
{
    double value;
    return en_parse_double(text, &value) || is_json_number(text, strlen(text)) ||
           strcmp(text, ".inf") == 0 || strcmp(text, "-.inf") == 0 || strcmp(text, ".nan") == 0 ||
           strcmp(text, ".NaN") == 0 || strcmp(text, ".Inf") == 0;
}

/* Whether a string can be written plain and read back as the same string by YAML's core schema
 * in both block and flow context. Conservative: when in doubt, quote. */
static int plain_ok(const char *text)
{
    size_t n = strlen(text);
    if (n == 0 || n > 200) return 0;
    if (word_is(text, n, null_words) || word_is(text, n, true_words) || word_is(text, n, false_words))
        return 0;
    static const char *const more[] = {"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                                       "y", "Y", "n", "N", NULL};
    if (word_is(text, n, more)) return 0;
    if (looks_like_number(text)) return 0;
    if (strchr("-?:,[]{}#&*!|>'\"%@` ", text[0])) return 0;
    if (text[n - 1] == ' ') return 0;
    /* Characters some YAML readers take as line breaks or a byte-order mark: quoted. */
    if (strstr(text, "\xC2\x85") || strstr(text, "\xE2\x80\xA8") || strstr(text, "\xE2\x80\xA9") || strstr(text, "\xEF\xBB\xBF"))
        return 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)text[k];
        if (c < 0x20 || c == 0x7f) return 0;
        if (strchr(":#,[]{}\"'\\", c)) return 0;
    }
    return 1;
}

static void yaml_string(en_buffer *out, const char *text)
{
    if (plain_ok(text)) en_buffer_puts(out, text);
    /* JSON's string escapes are all YAML double-quoted escapes too. */
    else en_json_write_string(out, text);
}

static void yaml_key(en_buffer *out, const char *key)
{
    /* Keys written as numbers (an issue's labels: `0: "..."`) stay numbers. */
    if (is_json_number(key, strlen(key)) || plain_ok(key)) en_buffer_puts(out, key);
    else en_json_write_string(out, key);
}

static int is_scalar(const en_node *n)
{
    return n->type != EN_NODE_ARRAY && n->type != EN_NODE_OBJECT;
}

static void yaml_scalar(en_buffer *out, const en_node *n)
{
    switch (n->type) {
    case EN_NODE_NULL: en_buffer_puts(out, "null"); break;
    case EN_NODE_BOOL: en_buffer_puts(out, n->number != 0 ? "true" : "false"); break;
    case EN_NODE_NUMBER: en_json_write_number(out, n->number); break;
    case EN_NODE_STRING: yaml_string(out, n->string ? n->string : ""); break;
    default: break;
    }
}

/* A collection of scalars short enough for one line: written in flow style. */
static int flow_ok(const en_node *n)
{
    size_t chars = 0;
    for (size_t k = 0; k < n->count; k++) {
        if (!is_scalar(n->items[k])) return 0;
        if (n->items[k]->type == EN_NODE_STRING) {
            size_t len = strlen(n->items[k]->string ? n->items[k]->string : "");
            if (len > 40) return 0;
            chars += len;
        }
        chars += 8 + (n->keys ? strlen(n->keys[k]) : 0);
    }
    return chars <= 100;
}

static void yaml_flow(en_buffer *out, const en_node *n)
{
    int object = n->type == EN_NODE_OBJECT;
    en_buffer_puts(out, object ? "{" : "[");
    for (size_t k = 0; k < n->count; k++) {
        if (k) en_buffer_puts(out, ", ");
        if (object) {
            yaml_key(out, n->keys[k]);
            en_buffer_puts(out, ": ");
        }
        yaml_scalar(out, n->items[k]);
    }
    en_buffer_puts(out, object ? "}" : "]");
}

static void indent_to(en_buffer *out, int indent)
{
    for (int k = 0; k < indent; k++) en_buffer_append(out, " ", 1);
}

static void yaml_block(en_buffer *out, const en_node *n, int indent, int first_inline);

/* After "key:" or "- ": the value, on the same line when it is a scalar or flow collection. */
static void yaml_value_after(en_buffer *out, const en_node *v, int indent)
{
    if (is_scalar(v)) {
        en_buffer_puts(out, " ");
        yaml_scalar(out, v);
        en_buffer_puts(out, "\n");
    } else if (v->count == 0 || flow_ok(v)) {
        en_buffer_puts(out, " ");
        yaml_flow(out, v);
        en_buffer_puts(out, "\n");
    } else {
        en_buffer_puts(out, "\n");
        yaml_block(out, v, indent, 0);
    }
}

/* A block collection at `indent`; first_inline: the first line's indentation is already
 * written (after "- "). */
static void yaml_block(en_buffer *out, const en_node *n, int indent, int first_inline)
{
    for (size_t k = 0; k < n->count; k++) {
        if (!(k == 0 && first_inline)) indent_to(out, indent);
        if (n->type == EN_NODE_OBJECT) {
            yaml_key(out, n->keys[k]);
            en_buffer_puts(out, ":");
            yaml_value_after(out, n->items[k], indent + 2);
        } else {
            const en_node *item = n->items[k];
            en_buffer_puts(out, "-");
            if (item->type == EN_NODE_OBJECT && item->count > 0 && !flow_ok(item)) {
                en_buffer_puts(out, " ");
                yaml_block(out, item, indent + 2, 1);
            } else {
                yaml_value_after(out, item, indent + 2);
            }
        }
    }
}

void en_serve_yaml_entry(en_buffer *out, const en_node *collection, size_t k, int indent)
{
    en_node one = *collection;
    one.items = collection->items + k;
    one.keys = collection->keys ? collection->keys + k : NULL;
    one.count = 1;
    yaml_block(out, &one, indent, 0);
}

void en_serve_yaml_inline(en_buffer *out, const en_node *n)
{
    if (is_scalar(n)) yaml_scalar(out, n);
    else if (n->count == 0 || flow_ok(n)) yaml_flow(out, n);
    /* JSON is YAML's flow style: every value of any depth on one line. */
    else en_json_write_node(out, n);
}

static int depth_ok(const en_node *n, int depth)
{
    if (depth > MAX_NESTING) return 0;
    if (is_scalar(n)) return 1;
    for (size_t k = 0; k < n->count; k++)
        if (!depth_ok(n->items[k], depth + 1)) return 0;
    return 1;
}

static char *json_to_yaml(const char *json, size_t length, en_error *err)
{
    en_error check = EN_ERROR_INIT;
    int text_ok = en_check_text(json, length, "scenario", &check) == EN_OK;
    en_error_clear(&check);
    char *text = en_xstrndup(json, length);
    en_node *root = text_ok && strlen(text) == length ? en_json_parse(text) : NULL;
    en_free(text);
    if (!root || root->type != EN_NODE_OBJECT) {
        en_node_free(root);
        en_error_add(err, EN_ERROR_INPUT, "scenario", 1, 1,
                     "the scenario document is not a JSON object (expected {\"entente\": 1, \"title\": ..., \"issues\": [...], \"actors\": [...]})");
        return NULL;
    }
    if (!depth_ok(root, 0)) {
        en_node_free(root);
        en_error_add(err, EN_ERROR_INPUT, "scenario", 1, 1, "the scenario document nests deeper than %d levels", MAX_NESTING);
        return NULL;
    }
    en_buffer out = {0};
    if (root->count == 0) en_buffer_puts(&out, "{}\n");
    yaml_block(&out, root, 0, 0);
    en_buffer_puts(&out, "");
    en_node_free(root);
    return out.data;
}

/* ---- locating a message ------------------------------------------------------------------ */

typedef struct locate_state {
    int line, column;      /* 0-based */
    char *exact, *before, *after;
    int before_column, after_line, after_column;
} locate_state;

static void pointer_push(en_buffer *path, const char *segment, size_t n)
{
    en_buffer_puts(path, "/");
    for (size_t k = 0; k < n; k++) {
        if (segment[k] == '~') en_buffer_puts(path, "~0");
        else if (segment[k] == '/') en_buffer_puts(path, "~1");
        else en_buffer_append(path, segment + k, 1);
    }
}

static void consider(locate_state *s, en_ynode *scalar, const en_buffer *path)
{
    /* The tree's positions are 1-based (0: none); the state's are 0-based. */
    if (en_ynode_line(scalar) <= 0) return;
    const struct { int line, column; } m = {en_ynode_line(scalar) - 1, en_ynode_column(scalar) - 1},
                                       *mark = &m;
    const char *p = path->data ? path->data : "";
    if (mark->line == s->line && mark->column == s->column) {
        if (!s->exact) s->exact = en_xstrdup(p);
    } else if (mark->line == s->line && mark->column < s->column) {
        if (!s->before || mark->column >= s->before_column) {
            en_free(s->before);
            s->before = en_xstrdup(p);
            s->before_column = mark->column;
        }
    } else if (mark->line > s->line || (mark->line == s->line && mark->column > s->column)) {
        if (!s->after || mark->line < s->after_line || (mark->line == s->after_line && mark->column < s->after_column)) {
            en_free(s->after);
            s->after = en_xstrdup(p);
            s->after_line = mark->line;
            s->after_column = mark->column;
        }
    }
}

static void walk(locate_state *s, en_ynode *node, en_buffer *path, int depth)
{
    if (!node || depth > MAX_NESTING) return;
    size_t mark = path->length;
    void *iter = NULL;
    if (en_ynode_is_scalar(node)) {
        consider(s, node, path);
    } else if (en_ynode_is_sequence(node)) {
        en_ynode *item;
        size_t index = 0;
        while ((item = en_ynode_sequence_iterate(node, &iter))) {
            char number[32];
            snprintf(number, sizeof number, "%zu", index++);
            pointer_push(path, number, strlen(number));
            walk(s, item, path, depth + 1);
            path->length = mark;
            if (path->data) path->data[mark] = '\0';
        }
    } else if (en_ynode_is_mapping(node)) {
        en_ynode_pair *pair;
        while ((pair = en_ynode_mapping_iterate(node, &iter))) {
            en_ynode *key = en_ynode_pair_key(pair);
            size_t n = 0;
            const char *text = key && en_ynode_is_scalar(key) ? en_ynode_get_scalar(key, &n) : NULL;
            pointer_push(path, text ? text : "", text ? n : 0);
            /* A message at a key is about its value. */
            if (key && en_ynode_is_scalar(key)) consider(s, key, path);
            walk(s, en_ynode_pair_value(pair), path, depth + 1);
            path->length = mark;
            if (path->data) path->data[mark] = '\0';
        }
    }
}

static char *locate(const char *text, size_t length, int line, int column)
{
    en_error err = EN_ERROR_INIT;
    en_ytree *doc = NULL;
    en_yaml_reader reader;
    if (en_check_text(text, length, "scenario", &err) != EN_OK ||
        !en_yaml_open(&reader, text, length, "scenario", &err, &doc)) {
        en_error_clear(&err);
        return NULL;
    }
    en_error_clear(&err);
    locate_state s;
    memset(&s, 0, sizeof s);
    s.line = line > 0 ? line - 1 : 0;
    s.column = column > 0 ? column - 1 : 0;
    en_buffer path = {0};
    en_buffer_puts(&path, "");
    walk(&s, en_ytree_root(doc), &path, 0);
    en_buffer_free(&path);
    en_ytree_free(doc);
    char *found = s.exact ? s.exact : s.before ? s.before : s.after;
    if (found != s.exact) en_free(s.exact);
    if (found != s.before) en_free(s.before);
    if (found != s.after) en_free(s.after);
    return found ? found : en_xstrdup("");
}

/* ---- the public calls, under the out-of-memory guard (core/oom.h) --------------------------- */

/* The guard's call gives an en_status: these keep the string in *out. */
static en_status yaml_to_json_call(const char *text, size_t length, const char *name, char **out, en_error *err)
{
    *out = yaml_to_json(text, length, name, err);
    return EN_OK;
}

static en_status json_to_yaml_call(const char *json, size_t length, char **out, en_error *err)
{
    *out = json_to_yaml(json, length, err);
    return EN_OK;
}

static en_status locate_call(const char *text, size_t length, int line, int column, char **out)
{
    *out = locate(text, length, line, column);
    return EN_OK;
}

char *en_serve_yaml_to_json(const char *text, size_t length, const char *name, en_error *err)
{
    char *out = NULL;
    en_status st;
    EN_GUARDED(st, err, out = NULL, yaml_to_json_call(text, length, name, &out, err));
    return st == EN_OK ? out : NULL;
}

char *en_serve_json_to_yaml(const char *json, size_t length, en_error *err)
{
    char *out = NULL;
    en_status st;
    EN_GUARDED(st, err, out = NULL, json_to_yaml_call(json, length, &out, err));
    return st == EN_OK ? out : NULL;
}

char *en_serve_locate(const char *text, size_t length, int line, int column)
{
    char *out = NULL;
    en_status st;
    EN_GUARDED(st, NULL, out = NULL, locate_call(text, length, line, column, &out));
    return st == EN_OK ? out : NULL;
}
