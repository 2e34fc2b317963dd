/*
 * yaml_read.c — typed, located reading of libfyaml nodes (see yaml_read.h). The scenario
 * format is strict: numbers are plain decimal scalars, keys come from a fixed set, aliases are
 * refused; every violation becomes one `FILE:LINE:COL: error:` entry.
 */
#include "io/yaml_read.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/util.h"
#include "io/ytree.h"

/* The tree keeps each node's position: a scalar's own, a collection's first scalar (libfyaml
 * 0.7 gives positions through tokens, and only scalars have one), where a reader looks. */
en_location en_yaml_where(en_ynode *node)
{
    en_location where = {en_ynode_line(node), en_ynode_column(node)};
    return where;
}

void en_yaml_fail(en_yaml_reader *r, en_ynode *node, const char *format, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    en_location where = en_yaml_where(node);
    en_error_add(r->err, EN_ERROR_INPUT, r->path, where.line ? where.line : 1,
                 where.column ? where.column : 1, "%s", message);
    r->failed = 1;
}

static void silent_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag, (void)user, (void)buf, (void)len;
}

/* The location of a parser event's token (1-based), or {0, 0} when it has none. */
static en_location event_where(struct fy_event *event)
{
    en_location where = {0, 0};
    struct fy_token *token = event ? fy_event_get_token(event) : NULL;
    const struct fy_mark *mark = token ? fy_token_start_mark(token) : NULL;
    if (mark) {
        where.line = mark->line + 1;
        where.column = mark->column + 1;
    }
    return where;
}

/* libfyaml's objects of one parse, released together in the right order: by en_yaml_open, or
 * by an out-of-memory unwind (core/oom.h) that leaves it half-way. */
typedef struct yaml_session {
    struct fy_diag *diag;
    struct fy_parser *parser;
    struct fy_event *event;
} yaml_session;

static void session_release(void *data)
{
    yaml_session *s = data;
    if (s->event) fy_parser_event_free(s->parser, s->event);
    if (s->parser) fy_parser_destroy(s->parser);
    if (s->diag) {
        /* Turning collection off releases the collected errors (and the tokens they hold);
         * libfyaml 0.7 does not free them when the diag object goes away. */
        fy_diag_set_collect_errors(s->diag, false);
        fy_diag_unref(s->diag);
    }
    free(s);
}

int en_yaml_open(en_yaml_reader *r, const char *data, size_t size, const char *name,
                 en_error *err, en_ytree **doc)
{
    memset(r, 0, sizeof *r);
    r->path = name;
    r->err = err;
    *doc = NULL;
    size_t trap_line, trap_column;
    if (en_ytree_fyaml_trap(data, size, &trap_line, &trap_column)) {
        en_error_add(err, EN_ERROR_INPUT, name, trap_line, trap_column,
                     "invalid YAML: a tab in a file with an explicit key ('?') (the YAML parser "
                     "cannot recover from tabs in such a file; use spaces)");
        return 0;
    }
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = silent_output;
    dcfg.colorize = false;
    yaml_session *session = calloc(1, sizeof *session); /* not recorded: released below */
    if (!session) {
        en_oom_fail(sizeof *session); /* does not return */
        return 0;
    }
    struct fy_diag *diag = session->diag = fy_diag_create(&dcfg);
    if (!diag) {
        free(session);
        en_error_set(err, EN_ERROR_INTERNAL, "cannot create the YAML diagnostics object");
        return 0;
    }
    en_oom_track(session, session_release);
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_JSON_NONE | FYPCF_DISABLE_ACCELERATORS;
    cfg.diag = diag;
    /* The compact tree is built from the parser's events (libfyaml's own document tree costs
     * about 70 times the file). A scenario is one document, and whatever follows the first
     * one must be seen to be refused, not silently dropped. */
    struct fy_parser *parser = session->parser = fy_parser_create(&cfg);
    int reported = 0;
    if (parser && fy_parser_set_string(parser, data, size) == 0) {
        en_ytree_problem problem;
        *doc = en_ytree_build_events(parser, &problem, &session->event);
        if (*doc) {
            struct fy_event *next = session->event = fy_parser_parse(parser);
            if (next && next->type == FYET_DOCUMENT_START) {
                en_location where = event_where(next);
                en_error_add(err, EN_ERROR_INPUT, name, where.line ? where.line : 1,
                             where.column ? where.column : 1,
                             "a second YAML document (expected one scenario per file; "
                             "remove this '---' and what follows, or split the file)");
                reported = 1;
            }
            if (next) fy_parser_event_free(parser, next);
            session->event = NULL;
        } else if (problem.message[0]) {
            en_error_add(err, EN_ERROR_INPUT, name, problem.line > 0 ? problem.line : 1,
                         problem.column > 0 ? problem.column : 1, "invalid YAML: %s",
                         problem.message);
            reported = 1;
        }
    }
    void *iter = NULL;
    struct fy_diag_error *e;
    while ((e = fy_diag_errors_iterate(diag, &iter))) {
        /* libfyaml's diagnostic positions are already 1-based (unlike its marks). */
        en_error_add(err, EN_ERROR_INPUT, name, e->line > 0 ? e->line : 1,
                     e->column > 0 ? e->column : 1, "invalid YAML: %s",
                     e->msg ? e->msg : "syntax error");
        reported = 1;
    }
    en_oom_untrack(session);
    session_release(session);
    if (!*doc || reported) {
        if (!reported) en_error_add(err, EN_ERROR_INPUT, name, 1, 1, "invalid YAML");
        en_ytree_free(*doc);
        *doc = NULL;
        return 0;
    }
    return 1;
}

int en_yaml_reject_aliases(en_yaml_reader *r, en_ynode *root)
{
    if (!root) return 1;
    /* Values are read by the plain core schema (a plain 12 is a number, quoted text is text):
     * an explicit tag (!!str 12, !custom x) would silently mean something else, so it is
     * refused where it stands. The tree lists the tags met before the first alias, in file
     * order; reading goes on after a tag to find further problems, not after an alias. */
    const en_ytree *tree = en_ynode_tree(root);
    for (size_t k = 0; k < tree->tag_count; k++) {
        const en_ytag *tag = &tree->tags[k];
        en_error_add(r->err, EN_ERROR_INPUT, r->path, tag->line ? tag->line : 1,
                     tag->column ? tag->column : 1,
                     "explicit YAML tag '%s' is not supported (expected plain values: "
                     "numbers unquoted, text plain or quoted)", tag->text);
        r->failed = 1;
    }
    if (tree->alias_line) {
        en_error_add(r->err, EN_ERROR_INPUT, r->path, tree->alias_line, tree->alias_column,
                     "YAML aliases are not supported (write the value out in full)");
        r->failed = 1;
        return 0;
    }
    return 1;
}

static int scalar_is(en_ynode *node, const char *const *words, size_t count)
{
    size_t length;
    const char *text = en_ynode_get_scalar(node, &length);
    if (!text) return 0;
    for (size_t i = 0; i < count; i++)
        if (strlen(words[i]) == length && memcmp(words[i], text, length) == 0) return 1;
    return 0;
}

int en_yaml_is_null(en_ynode *node)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    if (!node) return 1;
    return en_ynode_is_scalar(node) && en_ynode_get_style(node) == EN_YSTYLE_PLAIN &&
           scalar_is(node, nulls, 5);
}

static const char *kind_of(en_ynode *node)
{
    if (!node) return "nothing";
    if (en_ynode_is_mapping(node)) return "a mapping";
    if (en_ynode_is_sequence(node)) return "a list";
    return "a scalar";
}

int en_yaml_expect(en_yaml_reader *r, en_ynode *node, en_ynode_type type,
                   const char *what, const char *expected)
{
    if (node && en_ynode_get_type(node) == type) return 1;
    en_yaml_fail(r, node, "%s is %s (expected %s)", what, kind_of(node), expected);
    return 0;
}

int en_yaml_mapping(en_yaml_reader *r, en_ynode *node, const char *what,
                    const char *const *keys, size_t key_count, en_ynode **values)
{
    for (size_t k = 0; k < key_count; k++) values[k] = NULL;
    if (!node || !en_ynode_is_mapping(node)) {
        en_yaml_fail(r, node, "%s is %s (expected a mapping of keys to values)", what,
                     kind_of(node));
        return 0;
    }
    void *iter = NULL;
    en_ynode_pair *pair;
    while ((pair = en_ynode_mapping_iterate(node, &iter))) {
        en_ynode *key = en_ynode_pair_key(pair);
        if (!key || !en_ynode_is_scalar(key)) {
            en_yaml_fail(r, key ? key : node, "%s has a non-scalar key (expected a name)", what);
            continue;
        }
        size_t length;
        const char *text = en_ynode_get_scalar(key, &length);
        char *name = en_xstrndup(text ? text : "", length);
        size_t k = 0;
        while (k < key_count && strcmp(keys[k], name) != 0) k++;
        if (k < key_count) {
            values[k] = en_ynode_pair_value(pair);
        } else {
            const char *hint = en_suggest(name, keys, key_count);
            if (hint)
                en_yaml_fail(r, key, "unknown key '%s' in %s (did you mean '%s'?)", name, what, hint);
            else {
                en_buffer list = {0};
                for (size_t j = 0; j < key_count; j++) {
                    if (j) en_buffer_puts(&list, ", ");
                    en_buffer_puts(&list, keys[j]);
                }
                en_yaml_fail(r, key, "unknown key '%s' in %s (expected one of: %s)", name, what,
                             list.data);
                en_buffer_free(&list);
            }
        }
        en_free(name);
    }
    return 1;
}

char *en_yaml_string(en_yaml_reader *r, en_ynode *node, const char *what)
{
    if (en_yaml_is_null(node)) return NULL;
    if (!en_ynode_is_scalar(node)) {
        en_yaml_fail(r, node, "%s is %s (expected text)", what, kind_of(node));
        return NULL;
    }
    size_t length;
    const char *text = en_ynode_get_scalar(node, &length);
    return en_xstrndup(text ? text : "", length);
}

char *en_yaml_required_string(en_yaml_reader *r, en_ynode *parent, en_ynode *node,
                              const char *key, const char *what)
{
    char *text = en_yaml_string(r, node, key);
    if (!text && (!node || en_yaml_is_null(node)))
        en_yaml_fail(r, node ? node : parent, "%s has no %s (expected %s: TEXT)", what, key, key);
    if (text && !*text) {
        en_yaml_fail(r, node, "%s %s is empty (expected text)", what, key);
        en_free(text);
        return NULL;
    }
    return text;
}

int en_yaml_number(en_yaml_reader *r, en_ynode *node, const char *what, double *out)
{
    if (!node || !en_ynode_is_scalar(node) || en_yaml_is_null(node)) {
        en_yaml_fail(r, node, "%s is %s (expected a number)", what,
                     en_yaml_is_null(node) && node && en_ynode_is_scalar(node) ? "empty" : kind_of(node));
        return 0;
    }
    size_t length;
    const char *text = en_ynode_get_scalar(node, &length);
    char *copy = en_xstrndup(text ? text : "", length);
    int ok = en_ynode_get_style(node) == EN_YSTYLE_PLAIN && en_parse_double(copy, out);
    if (!ok) {
        static const char *const specials[] = {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
                                               "-.inf", "-.Inf", "-.INF", "+.inf", "nan", "inf"};
        if (scalar_is(node, specials, sizeof specials / sizeof specials[0]))
            en_yaml_fail(r, node, "%s '%s' is not a finite number (expected a number)", what, copy);
        else if (en_ynode_get_style(node) != EN_YSTYLE_PLAIN)
            en_yaml_fail(r, node, "%s is quoted text '%s' (expected a number without quotes)", what, copy);
        else
            en_yaml_fail(r, node, "%s '%s' is not a number (expected a finite decimal number)", what, copy);
    }
    en_free(copy);
    return ok;
}

int en_yaml_bool(en_yaml_reader *r, en_ynode *node, const char *what, int *out)
{
    static const char *const yes[] = {"true", "True", "TRUE"};
    static const char *const no[] = {"false", "False", "FALSE"};
    if (node && en_ynode_is_scalar(node) && en_ynode_get_style(node) == EN_YSTYLE_PLAIN) {
        if (scalar_is(node, yes, 3)) return *out = 1, 1;
        if (scalar_is(node, no, 3)) return *out = 0, 1;
    }
    en_yaml_fail(r, node, "%s is not true or false (expected a boolean)", what);
    return 0;
}

int en_yaml_value(en_yaml_reader *r, en_ynode *node, const char *what, double min,
                  double max, en_value *out)
{
    *out = en_value_fixed(0, min, max);
    out->where = en_yaml_where(node);
    if (node && en_ynode_is_mapping(node)) {
        static const char *const keys[] = {"value", "low", "high", "sd"};
        en_ynode *v[4];
        char context[96];
        snprintf(context, sizeof context, "uncertain %s", what);
        if (!en_yaml_mapping(r, node, context, keys, 4, v)) return 0;
        int ok = 1;
        if (!v[0]) {
            en_yaml_fail(r, node, "uncertain %s has no value (expected {value: X, low: L, high: H} or {value: X, sd: S})", what);
            return 0;
        }
        ok &= en_yaml_number(r, v[0], what, &out->value);
        if (v[1] || v[2]) {
            if (v[3]) {
                en_yaml_fail(r, v[3], "uncertain %s mixes low/high with sd (expected one form)", what);
                return 0;
            }
            if (!v[1] || !v[2]) {
                en_yaml_fail(r, node, "uncertain %s needs both low and high", what);
                return 0;
            }
            ok &= en_yaml_number(r, v[1], "low", &out->low);
            ok &= en_yaml_number(r, v[2], "high", &out->high);
            out->kind = EN_VALUE_TRIANGULAR;
        } else if (v[3]) {
            ok &= en_yaml_number(r, v[3], "sd", &out->sd);
            out->kind = EN_VALUE_NORMAL;
        }
        return ok;
    }
    return en_yaml_number(r, node, what, &out->value);
}

static void unknown_reference(en_yaml_reader *r, en_ynode *node, const char *kind,
                              const char *id, const char *const *ids, size_t count)
{
    const char *hint = en_suggest(id, ids, count);
    if (hint) en_yaml_fail(r, node, "unknown %s '%s' (did you mean '%s'?)", kind, id, hint);
    else en_yaml_fail(r, node, "unknown %s '%s' (expected the id of a defined %s)", kind, id, kind);
}

void en_yaml_unknown_issue(en_yaml_reader *r, en_ynode *node, const char *id)
{
    const en_scenario *s = r->scenario;
    const char **ids = en_xcalloc(s->issue_count + 1, sizeof *ids);
    for (size_t i = 0; i < s->issue_count; i++) ids[i] = s->issues[i].id;
    unknown_reference(r, node, "issue", id, ids, s->issue_count);
    en_free(ids);
}

void en_yaml_unknown_actor(en_yaml_reader *r, en_ynode *node, const char *id)
{
    const en_scenario *s = r->scenario;
    const char **ids = en_xcalloc(s->actor_count + 1, sizeof *ids);
    for (size_t i = 0; i < s->actor_count; i++) ids[i] = s->actors[i].id;
    unknown_reference(r, node, "actor", id, ids, s->actor_count);
    en_free(ids);
}

void en_yaml_unknown_source(en_yaml_reader *r, en_ynode *node, const char *id)
{
    const en_scenario *s = r->scenario;
    const char **ids = en_xcalloc(s->source_count + 1, sizeof *ids);
    for (size_t i = 0; i < s->source_count; i++) ids[i] = s->sources[i].id;
    unknown_reference(r, node, "source", id, ids, s->source_count);
    en_free(ids);
}

void en_yaml_sort_errors(en_error *err)
{
    size_t n = en_error_count(err);
    if (n < 2) return;
    en_error *items = en_xmalloc(n * sizeof *items);
    size_t k = 0;
    for (en_error *e = err; e; e = e->next) items[k++] = *e;
    /* Insertion sort: stable, and n is bounded by EN_ERROR_LIMIT. */
    for (size_t i = 1; i < n; i++) {
        en_error item = items[i];
        size_t j = i;
        while (j > 0 && (items[j - 1].line > item.line ||
                         (items[j - 1].line == item.line && items[j - 1].column > item.column))) {
            items[j] = items[j - 1];
            j--;
        }
        items[j] = item;
    }
    en_error *e = err;
    for (size_t i = 0; i < n; i++, e = e->next) {
        en_error *next = e->next;
        *e = items[i];
        e->next = next;
    }
    en_free(items);
}
