/*
 * serve_patch.c — saving an edited scenario document as edits of the text it was opened from,
 * so the user's comments, blank lines, quoting and layout survive a save from the workbench.
 *
 * The opened text is parsed (libfyaml events) into a tree of spans: where each value starts and
 * ends in the text. The edited document is then walked beside it:
 *   - a value that did not change keeps its text;
 *   - a scalar that changed is replaced by the new value (one line, quoted as needed);
 *   - a mapping with the same keys in the same order, or a sequence with the same length (and,
 *     for items with an `id`, the same ids in the same order) is walked into;
 *   - a block mapping or sequence whose members were added, removed or reordered is rebuilt
 *     from whole-line chunks: each kept member brings its lines, and the comment and blank lines
 *     above it, to its new place (edited inside as above); a new member is written in block
 *     style at the members' indentation; a removed member goes with its comments;
 *   - anything else that changed (a flow collection, a value that changed kind) is written on
 *     one line in flow style.
 * A text with anchors, aliases or tags, with line breaks other than "\n" (a carriage return, NEL,
 * U+2028/U+2029: the patcher works in "\n" lines), or that is not one YAML document holding a
 * mapping, is not edited: the caller then writes the document afresh (en_serve_json_to_yaml).
 * Every patched text is read back and compared with the document; if they differ, the document
 * is written afresh too.
 */
#include "entente/serve.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#include "core/node.h"
#include "core/oom.h"
#include "core/util.h"
#include "io/ytree.h"
#include "serve/serve_yaml.h"

enum { SPAN_SCALAR, SPAN_SEQUENCE, SPAN_MAPPING };

typedef struct span span;
struct span {
    int type;
    int flow;      /* collections: written in flow style ({...}, [...]) */
    int block_scalar; /* scalars: a literal or folded block (| or >) */
    size_t start, end; /* [start, end) in the text; a block collection's end: its last value's */
    en_node *value;    /* scalars: the document value (number, string ...) */
    span **kids;       /* sequences: items; mappings: key, value, key, value ... */
    size_t count, capacity;
};

static void span_free(span *s)
{
    if (!s) return;
    for (size_t k = 0; k < s->count; k++) span_free(s->kids[k]);
    en_free(s->kids);
    en_node_free(s->value);
    en_free(s);
}

static void span_add(span *parent, span *kid)
{
    if (parent->count == parent->capacity) {
        parent->capacity = parent->capacity ? 2 * parent->capacity : 8;
        parent->kids = en_xrealloc(parent->kids, parent->capacity * sizeof *parent->kids);
    }
    parent->kids[parent->count++] = kid;
}

static size_t mark_at(const struct fy_mark *mark, size_t fallback)
{
    return mark ? (size_t)mark->input_pos : fallback;
}

/* Where the indicator (| or >) of a block scalar whose text starts at `at` stands: the last one
 * before any comment on the header line above the text (or `at` itself if it is one). */
static size_t block_indicator(const char *text, size_t length, size_t at)
{
    if (at > length) at = length;
    if (at < length && (text[at] == '|' || text[at] == '>')) return at; /* at == length: empty text at the end */
    size_t line = at;
    while (line > 0 && text[line - 1] != '\n') line--;
    if (line == 0) return at;
    size_t header = line - 1;
    while (header > 0 && text[header - 1] != '\n') header--;
    size_t end = line - 1, found = at;
    for (size_t k = header; k < end; k++) {
        if (text[k] == '#' && k > header && (text[k - 1] == ' ' || text[k - 1] == '\t')) break;
        if (text[k] == '|' || text[k] == '>') found = k;
    }
    return found;
}

/* Whether the text has a line break the patcher's "\n" lines do not know (see the top). */
static int other_line_breaks(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        const unsigned char c = (unsigned char)text[i];
        if (c == '\r') return 1;
        if (c == 0xC2 && i + 1 < length && (unsigned char)text[i + 1] == 0x85) return 1;
        if (c == 0xE2 && i + 2 < length && (unsigned char)text[i + 1] == 0x80 &&
            ((unsigned char)text[i + 2] == 0xA8 || (unsigned char)text[i + 2] == 0xA9))
            return 1;
    }
    return 0;
}

/* The parser and the event in hand, recorded with the out-of-memory guard (core/oom.h) while
 * the spans are built, so an unwind releases them. Plain malloc, not chained: it is released
 * by its own destroy function. */
typedef struct parse_session {
    struct fy_parser *parser;
    struct fy_event *event;
} parse_session;

static void session_release(void *p)
{
    parse_session *s = p;
    if (s->event) fy_parser_event_free(s->parser, s->event);
    fy_parser_destroy(s->parser);
    free(s);
}

/* The span tree of `text` (NULL when it cannot be edited in place: see the file comment). */
static span *parse_spans(const char *text, size_t length)
{
    if (other_line_breaks(text, length)) return NULL;
    size_t trap_line, trap_column; /* text libfyaml 0.7.12 cannot survive (io/ytree.h) */
    if (en_ytree_fyaml_trap(text, length, &trap_line, &trap_column)) return NULL;
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_DISABLE_ACCELERATORS;
    parse_session *session = calloc(1, sizeof *session);
    if (!session) {
        en_oom_fail(sizeof *session); /* does not return; the return is for readers that do not know */
        return NULL;
    }
    struct fy_parser *parser = session->parser = fy_parser_create(&cfg);
    if (!parser) {
        free(session);
        return NULL;
    }
    en_oom_track(session, session_release);
    if (fy_parser_set_string(parser, text, length) != 0) {
        en_oom_untrack(session);
        session_release(session);
        return NULL;
    }
    span *root = NULL, *stack[128];
    size_t depth = 0;
    int ok = 1, documents = 0;
    struct fy_event *event;
    while (ok && (event = session->event = fy_parser_parse(parser)) != NULL) {
        span *made = NULL;
        switch (event->type) {
        case FYET_DOCUMENT_START:
            ok = ++documents == 1;
            break;
        case FYET_SCALAR: {
            struct fy_token *t = event->scalar.value;
            if (event->scalar.tag || event->scalar.anchor || !t) {
                ok = 0;
                break;
            }
            made = en_xcalloc(1, sizeof *made);
            made->type = SPAN_SCALAR;
            made->start = mark_at(fy_token_start_mark(t), 0);
            made->end = mark_at(fy_token_end_mark(t), made->start);
            enum fy_scalar_style style = fy_token_scalar_style(t);
            made->block_scalar = style == FYSS_LITERAL || style == FYSS_FOLDED;
            if (made->block_scalar) made->start = block_indicator(text, length, made->start);
            /* A quoted scalar's marks may leave out its quotes: the span takes them in. */
            char quote = style == FYSS_DOUBLE_QUOTED ? '"' : style == FYSS_SINGLE_QUOTED ? '\'' : 0;
            if (quote && made->start > 0 && text[made->start] != quote && text[made->start - 1] == quote) made->start--;
            if (quote && made->end < length && made->end > made->start + 1 && text[made->end - 1] != quote &&
                text[made->end] == quote)
                made->end++;
            size_t n = 0;
            const char *value = fy_token_get_text(t, &n);
            en_buffer json = {0};
            en_serve_scalar_json(&json, value ? value : "", value ? n : 0, style == FYSS_PLAIN);
            en_buffer_puts(&json, "");
            made->value = en_json_parse(json.data);
            en_free(json.data);
            if (!made->value) ok = 0;
            break;
        }
        case FYET_SEQUENCE_START:
        case FYET_MAPPING_START: {
            int mapping = event->type == FYET_MAPPING_START;
            struct fy_token *t = mapping ? event->mapping_start.mapping_start : event->sequence_start.sequence_start;
            if ((mapping ? event->mapping_start.tag || event->mapping_start.anchor
                         : event->sequence_start.tag || event->sequence_start.anchor) || depth == 128) {
                ok = 0;
                break;
            }
            made = en_xcalloc(1, sizeof *made);
            made->type = mapping ? SPAN_MAPPING : SPAN_SEQUENCE;
            enum fy_token_type tt = t ? fy_token_get_type(t) : FYTT_NONE;
            made->flow = tt == FYTT_FLOW_MAPPING_START || tt == FYTT_FLOW_SEQUENCE_START;
            made->start = mark_at(t ? fy_token_start_mark(t) : NULL, 0);
            made->end = made->start;
            break;
        }
        case FYET_SEQUENCE_END:
        case FYET_MAPPING_END: {
            if (!depth) {
                ok = 0;
                break;
            }
            span *done = stack[--depth];
            struct fy_token *t = event->type == FYET_MAPPING_END ? event->mapping_end.mapping_end : event->sequence_end.sequence_end;
            if (done->flow) done->end = mark_at(t ? fy_token_end_mark(t) : NULL, done->start);
            else done->end = done->count ? done->kids[done->count - 1]->end : done->start;
            /* A block collection starts at its first member (a sequence: at its first "-"). */
            if (!done->flow && done->count && done->type == SPAN_MAPPING) done->start = done->kids[0]->start;
            if (depth) span_add(stack[depth - 1], done);
            else root = done;
            break;
        }
        case FYET_ALIAS: ok = 0; break;
        default: break;
        }
        if (made) {
            if (made->type == SPAN_SCALAR) {
                if (depth) span_add(stack[depth - 1], made);
                else if (!root) root = made;
                else span_free(made);
            } else {
                stack[depth++] = made;
            }
        }
        fy_parser_event_free(parser, event);
        session->event = NULL;
    }
    if (ok && fy_parser_get_stream_error(parser)) ok = 0;
    en_oom_untrack(session);
    session_release(session);
    while (depth) span_free(stack[--depth]);
    if (!ok || !root || root->type != SPAN_MAPPING || root->flow) {
        span_free(root);
        return NULL;
    }
    return root;
}

/* ---- comparing ------------------------------------------------------------------------------ */

static int same_value(const en_node *a, const en_node *b)
{
    if (!a || !b || a->type != b->type) return 0;
    switch (a->type) {
    case EN_NODE_NULL: return 1;
    case EN_NODE_BOOL:
    case EN_NODE_NUMBER: return a->number == b->number;
    case EN_NODE_STRING: return strcmp(a->string ? a->string : "", b->string ? b->string : "") == 0;
    default: return 0;
    }
}

/* ---- writing -------------------------------------------------------------------------------- */

typedef struct patcher {
    const char *text;
    size_t length;
    en_buffer out;
} patcher;

static void copy_to(patcher *p, size_t *pos, size_t to)
{
    if (to > p->length) to = p->length;
    if (to > *pos) en_buffer_append(&p->out, p->text + *pos, to - *pos);
    if (to > *pos) *pos = to;
}

static size_t line_start(const patcher *p, size_t at)
{
    while (at > 0 && p->text[at - 1] != '\n') at--;
    return at;
}

/* The position after the newline that ends the line holding position `at` (or the end). */
static size_t line_after(const patcher *p, size_t at)
{
    while (at < p->length && p->text[at] != '\n') at++;
    return at < p->length ? at + 1 : at;
}

/* Whether the line starting at `from` is blank or holds only a comment. */
static int comment_or_blank(const patcher *p, size_t from)
{
    while (from < p->length && (p->text[from] == ' ' || p->text[from] == '\t')) from++;
    return from >= p->length || p->text[from] == '\n' || p->text[from] == '\r' || p->text[from] == '#';
}

/* Whether only spaces stand between the start of its line and `at`. */
static int leads_line(const patcher *p, size_t at)
{
    size_t k = line_start(p, at);
    while (k < at && p->text[k] == ' ') k++;
    return k == at;
}

static void rewrite(patcher *p, const span *s, const en_node *n, size_t *pos);

/* A value that changed kind, or a flow collection that changed shape: one line. */
static void replace_inline(patcher *p, const span *s, const en_node *n, size_t *pos)
{
    copy_to(p, pos, s->start);
    en_serve_yaml_inline(&p->out, n);
    /* A block scalar's span ends after its last line break (and the next line's indentation):
     * keep that line break and indentation. */
    if (s->type == SPAN_SCALAR && s->block_scalar) {
        size_t k = s->end;
        while (k > s->start && p->text[k - 1] == ' ') k--;
        if (k > s->start && p->text[k - 1] == '\n') en_buffer_append(&p->out, p->text + k - 1, s->end - (k - 1));
    }
    *pos = s->end;
}

/* The `id` of a sequence item (a mapping), as text; NULL when it has none. */
static const char *item_id_span(const span *item)
{
    if (item->type != SPAN_MAPPING) return NULL;
    for (size_t k = 0; k + 1 < item->count; k += 2) {
        const span *key = item->kids[k], *value = item->kids[k + 1];
        if (key->value && key->value->type == EN_NODE_STRING && strcmp(key->value->string, "id") == 0 &&
            value->type == SPAN_SCALAR && value->value && value->value->type == EN_NODE_STRING)
            return value->value->string;
    }
    return NULL;
}

static const char *item_id_node(const en_node *item)
{
    const en_node *id = item && item->type == EN_NODE_OBJECT ? en_node_get(item, "id") : NULL;
    return id && id->type == EN_NODE_STRING ? id->string : NULL;
}

/* The text of a key span as the document has it (the scalar's text, whatever it reads as). */
static char *key_string(const patcher *p, const span *key)
{
    if (key->type != SPAN_SCALAR || !key->value) return NULL;
    if (key->value->type == EN_NODE_STRING) return en_xstrdup(key->value->string ? key->value->string : "");
    /* Plain keys that read as numbers, true ... are written as they stand in the text. */
    return en_xstrndup(p->text + key->start, key->end - key->start);
}

/* For each member of the new collection `n`, the old member it continues (or -1). */
static long *match_members(const patcher *p, const span *s, const en_node *n)
{
    long *from = en_xmalloc((n->count ? n->count : 1) * sizeof *from);
    size_t old_count = s->type == SPAN_MAPPING ? s->count / 2 : s->count;
    unsigned char *used = en_xcalloc(old_count ? old_count : 1, 1);
    int by_id = s->type == SPAN_SEQUENCE;
    for (size_t k = 0; by_id && k < old_count; k++) by_id = item_id_span(s->kids[k]) != NULL;
    for (size_t j = 0; by_id && j < n->count; j++) by_id = item_id_node(n->items[j]) != NULL;
    for (size_t j = 0; j < n->count; j++) {
        from[j] = -1;
        for (size_t k = 0; k < old_count && from[j] < 0; k++) {
            if (used[k]) continue;
            int match;
            if (s->type == SPAN_MAPPING) {
                char *key = key_string(p, s->kids[2 * k]);
                match = key && strcmp(key, n->keys[j]) == 0;
                en_free(key);
            } else if (by_id) {
                match = strcmp(item_id_span(s->kids[k]), item_id_node(n->items[j])) == 0;
            } else {
                match = k == j;
            }
            if (match) {
                from[j] = (long)k;
                used[k] = 1;
            }
        }
    }
    en_free(used);
    return from;
}

/* Where member k of block collection `s` starts (a sequence item: at its "-"). */
static size_t member_start(const patcher *p, const span *s, size_t k)
{
    if (s->type == SPAN_MAPPING) return s->kids[2 * k]->start;
    size_t at = s->kids[k]->start;
    while (at > 0 && p->text[at - 1] == ' ') at--;
    if (at > 0 && p->text[at - 1] == '-') return at - 1;
    return s->kids[k]->start;
}

static size_t member_end(const span *s, size_t k)
{
    return s->type == SPAN_MAPPING ? s->kids[2 * k + 1]->end : s->kids[k]->end;
}

/* A block collection whose members changed: rebuilt from whole-line chunks. Returns 0 when its
 * layout does not allow it (the caller then writes it on one line). */
static int rebuild_block(patcher *p, const span *s, const en_node *n, size_t *pos)
{
    size_t old_count = s->type == SPAN_MAPPING ? s->count / 2 : s->count;
    if (old_count == 0) return 0;
    size_t *chunk = en_xmalloc((old_count + 1) * sizeof *chunk);
    int ok = 1, first_inline = !leads_line(p, member_start(p, s, 0));
    for (size_t k = 0; k < old_count && ok; k++) {
        size_t at = member_start(p, s, k);
        if (k > 0 && !leads_line(p, at)) ok = 0;
        if (k == 0 && first_inline) {
            chunk[k] = at;
            continue;
        }
        size_t begin = line_start(p, at), floor = k ? line_after(p, member_end(s, k - 1) - 1) : *pos;
        /* The comment and blank lines just above the member go with it. */
        while (begin > floor) {
            size_t above = line_start(p, begin - 1);
            if (above < floor || !comment_or_blank(p, above)) break;
            begin = above;
        }
        chunk[k] = begin < floor ? floor : begin;
    }
    chunk[old_count] = line_after(p, member_end(s, old_count - 1) - 1);
    long *from = ok ? match_members(p, s, n) : NULL;
    /* A first member that shares its line with its parent's "- " must stay first. */
    if (ok && first_inline && (n->count == 0 || from[0] != 0)) ok = 0;
    if (!ok || chunk[0] < *pos) {
        en_free(chunk);
        en_free(from);
        return 0;
    }
    size_t indent = member_start(p, s, 0) - line_start(p, member_start(p, s, 0));
    copy_to(p, pos, chunk[0]);
    for (size_t j = 0; j < n->count; j++) {
        if (p->out.length && p->out.data[p->out.length - 1] != '\n' && !(j == 0 && first_inline))
            en_buffer_puts(&p->out, "\n");
        if (from[j] < 0) {
            en_buffer one = {0};
            en_serve_yaml_entry(&one, n, j, (int)indent);
            /* After an inline "- " the first line's indentation is already there. */
            size_t skip = 0;
            if (j == 0 && first_inline)
                while (skip < one.length && one.data[skip] == ' ') skip++;
            en_buffer_append(&p->out, one.data + skip, one.length - skip);
            en_free(one.data);
            continue;
        }
        size_t k = (size_t)from[j], at = chunk[k];
        const span *old = s->type == SPAN_MAPPING ? s->kids[2 * k + 1] : s->kids[k];
        rewrite(p, old, n->items[j], &at);
        if (at < chunk[k + 1]) en_buffer_append(&p->out, p->text + at, chunk[k + 1] - at);
    }
    *pos = chunk[old_count];
    en_free(chunk);
    en_free(from);
    return 1;
}

/* Writes the text from *pos to the end of `s` with `s` holding `n`; *pos ends after it. */
static void rewrite(patcher *p, const span *s, const en_node *n, size_t *pos)
{
    if (s->type == SPAN_SCALAR) {
        if (same_value(s->value, n)) {
            copy_to(p, pos, s->end);
            return;
        }
        replace_inline(p, s, n, pos);
        return;
    }
    int mapping = s->type == SPAN_MAPPING;
    if (n->type != (mapping ? EN_NODE_OBJECT : EN_NODE_ARRAY)) {
        replace_inline(p, s, n, pos);
        return;
    }
    size_t old_count = mapping ? s->count / 2 : s->count;
    long *from = match_members(p, s, n);
    int same_shape = old_count == n->count;
    for (size_t j = 0; same_shape && j < n->count; j++) same_shape = from[j] == (long)j;
    en_free(from);
    if (same_shape) {
        for (size_t j = 0; j < n->count; j++) rewrite(p, mapping ? s->kids[2 * j + 1] : s->kids[j], n->items[j], pos);
        copy_to(p, pos, s->end);
        return;
    }
    if (s->flow || !rebuild_block(p, s, n, pos)) replace_inline(p, s, n, pos);
}

static char *json_to_yaml_over(const char *original, size_t original_length, const char *json, size_t length,
                                 en_error *err)
{
    span *root = original ? parse_spans(original, original_length) : NULL;
    char *copy = root ? en_xstrndup(json, length) : NULL;
    en_node *doc = copy && strlen(copy) == length ? en_json_parse(copy) : NULL;
    en_free(copy);
    if (!root || !doc || doc->type != EN_NODE_OBJECT) {
        span_free(root);
        en_node_free(doc);
        return en_serve_json_to_yaml(json, length, err);
    }
    patcher p = {original, original_length, {0}};
    size_t pos = 0;
    rewrite(&p, root, doc, &pos);
    copy_to(&p, &pos, original_length);
    en_buffer_puts(&p.out, "");
    span_free(root);
    /* The patched text must read back as the document; where it does not (a corner of YAML's
     * syntax the patcher does not know — the fuzzer finds them), the document is written afresh
     * instead: a save never changes what the user saved. One more parse per save. */
    en_error check = EN_ERROR_INIT;
    /* read as its users will: a C string (a NUL copied from the original would cut it short) */
    char *back = p.out.data ? en_serve_yaml_to_json(p.out.data, strlen(p.out.data), "saved.yaml", &check) : NULL;
    en_node *after = back ? en_json_parse(back) : NULL;
    const int same = after && en_node_equal(doc, after);
    en_node_free(after);
    en_free(back);
    en_error_clear(&check);
    en_node_free(doc);
    if (!same) {
        en_free(p.out.data);
        return en_serve_json_to_yaml(json, length, err);
    }
    return p.out.data;
}

static en_status json_to_yaml_over_call(const char *original, size_t original_length, const char *json,
                                        size_t length, char **out, en_error *err)
{
    *out = json_to_yaml_over(original, original_length, json, length, err);
    return EN_OK;
}

/* Under the out-of-memory guard (core/oom.h): NULL with EN_ERROR_NOMEM in err when memory runs
 * out, the parser and everything allocated released. */
char *en_serve_json_to_yaml_over(const char *original, size_t original_length, const char *json, size_t length,
                                 en_error *err)
{
    char *out = NULL;
    en_status st;
    EN_GUARDED(st, err, out = NULL, json_to_yaml_over_call(original, original_length, json, length, &out, err));
    return st == EN_OK ? out : NULL;
}
