/*
 * write.c — `entente evidence` output: JSON (one object per article, the field names of the
 * hand-labelling conventions plus byte offsets), JSON Lines (one statement per line), YAML
 * citation fragments per actor ready to paste into a scenario, and plain text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/node.h"
#include "evidence/evidence.h"

static const char *location_name(en_ev_location l)
{
    return l == EN_EV_HEADLINE ? "headline" : l == EN_EV_SUBHEADLINE ? "subheadline" : l == EN_EV_BYLINE ? "byline" : "body";
}

static void key(en_buffer *o, const char *k, int *first)
{
    en_buffer_puts(o, *first ? "" : ", ");
    *first = 0;
    en_json_write_string(o, k);
    en_buffer_puts(o, ": ");
}

static void str_span(en_buffer *o, const char *t, en_ev_span s)
{
    char *copy = en_xstrndup(t + s.start, s.end - s.start);
    en_json_write_string(o, copy);
    en_free(copy);
}

static void opt_string(en_buffer *o, const char *k, const char *v, int *first)
{
    key(o, k, first);
    if (v) en_json_write_string(o, v);
    else en_buffer_puts(o, "null");
}

static void write_statement(en_buffer *o, const en_ev_article *a, const en_ev_statement *s, int with_file)
{
    const char *t = a->text;
    const en_ev_sentence *sen = &a->sentences[s->sentence];
    int f = 1;
    en_buffer_puts(o, "{");
    if (with_file) opt_string(o, "file", a->name, &f);
    opt_string(o, "id", s->id, &f);
    opt_string(o, "location", location_name(sen->location), &f);
    opt_string(o, "speaker", s->speaker, &f);
    key(o, "mention", &f);
    if (s->has_mention) {
        str_span(o, t, s->mention);
        en_buffer_printf(o, ", \"mention_start\": %zu, \"mention_end\": %zu", s->mention.start, s->mention.end);
    } else {
        en_buffer_puts(o, "null");
    }
    opt_string(o, "actor", s->actor, &f);
    opt_string(o, "kind", s->kind, &f);
    key(o, "cue", &f);
    if (s->has_cue) {
        str_span(o, t, s->cue);
        en_buffer_printf(o, ", \"cue_start\": %zu, \"cue_end\": %zu", s->cue.start, s->cue.end);
    } else {
        en_buffer_puts(o, "null");
    }
    opt_string(o, "via", s->via, &f);
    opt_string(o, "stance_on_talks", s->stance, &f);
    opt_string(o, "target", s->target, &f);
    opt_string(o, "cameo", s->cameo, &f);
    opt_string(o, "nested_in", s->nested_in >= 0 ? a->statements[s->nested_in].id : NULL, &f);
    opt_string(o, "continues", s->continues >= 0 ? a->statements[s->continues].id : NULL, &f);
    key(o, "sentence", &f);
    str_span(o, t, sen->span);
    en_buffer_printf(o, ", \"sentence_start\": %zu, \"sentence_end\": %zu", sen->span.start, sen->span.end);
    key(o, "text", &f);
    str_span(o, t, s->content);
    en_buffer_printf(o, ", \"text_start\": %zu, \"text_end\": %zu", s->content.start, s->content.end);
    key(o, "quote_parts", &f);
    en_buffer_puts(o, "[");
    for (size_t q = 0; q < s->quote_count; q++) {
        en_buffer_puts(o, q ? ", {\"text\": " : "{\"text\": ");
        str_span(o, t, s->quotes[q]);
        en_buffer_printf(o, ", \"start\": %zu, \"end\": %zu}", s->quotes[q].start, s->quotes[q].end);
    }
    en_buffer_puts(o, "]");
    key(o, "issues", &f);
    en_buffer_puts(o, "[");
    for (size_t q = 0; q < s->issue_count; q++) {
        const en_ev_issue_position *p = &s->issues[q];
        en_buffer_puts(o, q ? ", {" : "{");
        int g = 1;
        opt_string(o, "issue", p->issue, &g);
        opt_string(o, "scenario_issue", p->scenario_issue, &g);
        key(o, "position", &g);
        str_span(o, t, p->position);
        en_buffer_printf(o, ", \"start\": %zu, \"end\": %zu}", p->position.start, p->position.end);
    }
    en_buffer_puts(o, "]");
    key(o, "rules", &f);
    en_buffer_puts(o, "[");
    const char *r = s->rules;
    int firstrule = 1;
    while (*r) {
        size_t n = strcspn(r, ",");
        char *one = en_xstrndup(r, n);
        en_buffer_puts(o, firstrule ? "" : ", ");
        en_json_write_string(o, one);
        en_free(one);
        firstrule = 0;
        r += n + (r[n] == ',');
    }
    en_buffer_puts(o, "]}");
}

static void yaml_quoted(en_buffer *o, const char *t, size_t n)
{
    en_buffer_puts(o, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '"' || c == '\\') en_buffer_printf(o, "\\%c", c);
        else if (c == '\n') en_buffer_puts(o, " ");
        else if (c < 0x20) en_buffer_printf(o, "\\x%02X", c);
        else en_buffer_append(o, (const char *)&c, 1);
    }
    en_buffer_puts(o, "\"");
}

static const char *source_id(const en_scenario *sc, const en_ev_article *a)
{
    if (!sc) return NULL;
    for (size_t i = 0; i < sc->source_count; i++) {
        const char *f = sc->sources[i].file;
        if (!f) continue;
        const char *base = strrchr(f, '/');
        if (strcmp(base ? base + 1 : f, a->name) == 0) return sc->sources[i].id;
    }
    return NULL;
}

static void write_yaml(en_buffer *o, en_ev_article *const *articles, size_t count, const en_scenario *sc)
{
    en_buffer_puts(o, "# Citation fragments from `entente evidence`: paste under an actor's position\n"
                      "# (cite, quote and note are the scenario format's keys); each quote is verbatim.\n");
    for (size_t k = 0; k < count; k++) {
        const en_ev_article *a = articles[k];
        const char *src = source_id(sc, a);
        en_buffer_printf(o, "%s:\n", a->name);
        /* actors in order of first statement */
        for (size_t i = 0; i < a->statement_count; i++) {
            const en_ev_statement *s = &a->statements[i];
            const char *actor = s->actor ? s->actor : "unresolved";
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++)
                seen = !strcmp(a->statements[j].actor ? a->statements[j].actor : "unresolved", actor);
            if (seen) continue;
            en_buffer_printf(o, "  %s:\n", actor);
            for (size_t j = i; j < a->statement_count; j++) {
                const en_ev_statement *u = &a->statements[j];
                if (strcmp(u->actor ? u->actor : "unresolved", actor) != 0) continue;
                en_ev_span q = u->content;
                for (size_t p = 0; p < u->quote_count; p++)
                    if (u->quotes[p].end - u->quotes[p].start > 12) {
                        q = u->quotes[p];
                        break;
                    }
                en_buffer_puts(o, "    - cite: [");
                if (src) en_buffer_puts(o, src);
                else yaml_quoted(o, a->path, strlen(a->path));
                en_buffer_puts(o, "]\n      quote: ");
                yaml_quoted(o, a->text + q.start, q.end - q.start);
                char *note = en_xprintf("%s: %s %s%.*s (%s; stance on talks %s%s%s)%s%s", u->id, u->speaker,
                                        u->has_cue ? "" : "(continued)", u->has_cue ? (int)(u->cue.end - u->cue.start) : 0,
                                        u->has_cue ? a->text + u->cue.start : "", u->kind, u->stance,
                                        u->target ? " towards " : "", u->target ? u->target : "",
                                        u->via ? ", via " : "", u->via ? u->via : "");
                en_buffer_puts(o, "\n      note: ");
                yaml_quoted(o, note, strlen(note));
                en_buffer_puts(o, "\n");
                en_free(note);
            }
        }
    }
}

static void write_text(en_buffer *o, en_ev_article *const *articles, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        const en_ev_article *a = articles[k];
        en_buffer_printf(o, "%s: %zu sentences, %zu statements\n", a->name, a->sentence_count, a->statement_count);
        for (size_t i = 0; i < a->statement_count; i++) {
            const en_ev_statement *s = &a->statements[i];
            en_buffer_printf(o, "  %-7s %-12s %-12s %-34.34s", s->id, s->actor ? s->actor : "?", s->kind, s->speaker);
            if (s->has_cue) en_buffer_printf(o, " [%.*s]", (int)(s->cue.end - s->cue.start), a->text + s->cue.start);
            if (strcmp(s->stance, "n/a") != 0) en_buffer_printf(o, " %s->%s", s->stance, s->target ? s->target : "?");
            if (s->via) en_buffer_printf(o, " via %s", s->via);
            if (s->nested_in >= 0) en_buffer_printf(o, " in %s", a->statements[s->nested_in].id);
            if (s->continues >= 0) en_buffer_printf(o, " continues %s", a->statements[s->continues].id);
            en_buffer_puts(o, "\n");
        }
    }
}

void en_ev_write(en_buffer *o, en_ev_article *const *articles, size_t count, en_ev_format format, const en_scenario *sc)
{
    if (format == EN_EV_FORMAT_YAML) {
        write_yaml(o, articles, count, sc);
        return;
    }
    if (format == EN_EV_FORMAT_TEXT) {
        write_text(o, articles, count);
        return;
    }
    if (format == EN_EV_FORMAT_JSONL) {
        for (size_t k = 0; k < count; k++)
            for (size_t i = 0; i < articles[k]->statement_count; i++) {
                write_statement(o, articles[k], &articles[k]->statements[i], 1);
                en_buffer_puts(o, "\n");
            }
        return;
    }
    en_buffer_puts(o, "[\n");
    for (size_t k = 0; k < count; k++) {
        const en_ev_article *a = articles[k];
        en_buffer_puts(o, k ? ",\n{\"file\": " : "{\"file\": ");
        en_json_write_string(o, a->name);
        en_buffer_puts(o, ", \"author\": ");
        if (a->author) en_json_write_string(o, a->author);
        else en_buffer_puts(o, "null");
        en_buffer_printf(o, ", \"sentence_count\": %zu, \"statements\": [", a->sentence_count);
        for (size_t i = 0; i < a->statement_count; i++) {
            en_buffer_puts(o, i ? ",\n  " : "\n  ");
            write_statement(o, a, &a->statements[i], 0);
        }
        en_buffer_puts(o, "]}");
    }
    en_buffer_puts(o, "\n]\n");
}

static en_status write_file(FILE *out, en_ev_article *const *articles, size_t count,
                            en_ev_format format, const en_scenario *scenario, en_error *err)
{
    en_buffer b = {0};
    en_ev_write(&b, articles, count, format, scenario);
    int ok = !b.length || fwrite(b.data, 1, b.length, out) == b.length;
    en_buffer_free(&b);
    if (!ok) return en_error_set(err, EN_ERROR_INTERNAL, "cannot write the statements: %s", strerror(errno));
    return EN_OK;
}

/* Under the out-of-memory guard (core/oom.h): the text is built whole before anything is
 * written, so EN_ERROR_NOMEM writes nothing. */
en_status en_ev_write_file(FILE *out, en_ev_article *const *articles, size_t count,
                           en_ev_format format, const en_scenario *scenario, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (void)0, write_file(out, articles, count, format, scenario, err));
    return st;
}
