/*
 * yaml_write.c — writes a scenario as entente YAML (format v1), the inverse of yaml.c: every
 * field the loader reads is written, so `convert` followed by `validate` round-trips. The war
 * section has its own writer (yaml_write_war.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario.h"
#include "core/terminal.h"
#include "core/util.h"
#include "io/yaml_space.h"
#include "io/yaml_write.h"

void en_yaml_write_quoted(en_buffer *out, const char *text)
{
    en_buffer_puts(out, "\"");
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\') en_buffer_printf(out, "\\%c", *p);
        else if (*p == '\n') en_buffer_puts(out, "\\n");
        else if (*p == '\t') en_buffer_puts(out, "\\t");
        else if (*p < 0x20) en_buffer_printf(out, "\\x%02x", *p);
        else en_buffer_append(out, (const char *)p, 1);
    }
    en_buffer_puts(out, "\"");
}

void en_yaml_write_number(en_buffer *out, double value)
{
    char text[40];
    en_format_double(text, sizeof text, value);
    en_buffer_puts(out, text);
}

void en_yaml_write_value(en_buffer *out, const en_value *v)
{
    switch (v->kind) {
    case EN_VALUE_FIXED: en_yaml_write_number(out, v->value); return;
    case EN_VALUE_TRIANGULAR:
        en_buffer_puts(out, "{value: ");
        en_yaml_write_number(out, v->value);
        en_buffer_puts(out, ", low: ");
        en_yaml_write_number(out, v->low);
        en_buffer_puts(out, ", high: ");
        en_yaml_write_number(out, v->high);
        en_buffer_puts(out, "}");
        return;
    case EN_VALUE_NORMAL:
        en_buffer_puts(out, "{value: ");
        en_yaml_write_number(out, v->value);
        en_buffer_puts(out, ", sd: ");
        en_yaml_write_number(out, v->sd);
        en_buffer_puts(out, "}");
        return;
    }
}

static void field(en_buffer *out, const char *indent, const char *key, const char *text)
{
    if (!text) return;
    en_buffer_printf(out, "%s%s: ", indent, key);
    en_yaml_write_quoted(out, text);
    en_buffer_puts(out, "\n");
}

/* Issue ids from other formats (a KTAB dimension is named by a column header such as
 * "  XYZ Position") are made into YAML ids: other characters become '_', a number is added
 * where two would clash; the original text stays as the issue's name. */
static en_scenario *with_yaml_ids(const en_scenario *s)
{
    int fine = 1;
    for (size_t i = 0; i < s->issue_count && fine; i++) fine = en_yaml_valid_id(s->issues[i].id);
    if (fine) return NULL;
    en_scenario *c = en_scenario_clone(s);
    for (size_t i = 0; i < c->issue_count; i++) {
        en_issue *is = &c->issues[i];
        if (en_yaml_valid_id(is->id)) continue;
        en_buffer id = {0};
        const char *p = is->id;
        while (*p == ' ' || *p == '\t') p++;
        for (; *p; p++) {
            int keep = isalnum((unsigned char)*p) || *p == '_' || *p == '-';
            if (keep || (id.length && id.data[id.length - 1] != '_')) en_buffer_append(&id, keep ? p : "_", 1);
        }
        while (id.length && id.data[id.length - 1] == '_') id.data[--id.length] = '\0';
        if (!id.length) en_buffer_puts(&id, "issue");
        char *base = en_xstrdup(id.data);
        for (int k = 2; en_scenario_find_issue(c, id.data) >= 0; k++) {
            en_buffer_free(&id);
            en_buffer_printf(&id, "%s_%d", base, k);
        }
        en_free(base);
        if (!is->name) is->name = en_xstrdup(is->id);
        en_free(is->id);
        is->id = id.data;
    }
    return c;
}

en_status en_scenario_write_yaml_unguarded(const en_scenario *s, FILE *file, en_error *err)
{
    en_scenario *renamed = with_yaml_ids(s);
    if (renamed) {
        en_status st = en_scenario_write_yaml_unguarded(renamed, file, err);
        en_scenario_free(renamed);
        return st;
    }
    en_buffer out = {0};
    en_buffer_printf(&out, "# converted by entente %s from %s\nentente: 1\n", en_version(), s->path);
    field(&out, "", "title", s->title ? s->title : "untitled");
    if (s->date) en_buffer_printf(&out, "date: %s\n", s->date);
    field(&out, "", "description", s->description);
    if (s->source_count) {
        en_buffer_puts(&out, "sources:\n");
        for (size_t i = 0; i < s->source_count; i++) {
            const en_source *src = &s->sources[i];
            field(&out, "  - ", "id", src->id);
            field(&out, "    ", "file", src->file);
            field(&out, "    ", "title", src->title);
            field(&out, "    ", "outlet", src->outlet);
            field(&out, "    ", "author", src->author);
            if (src->date) en_buffer_printf(&out, "    date: %s\n", src->date);
            field(&out, "    ", "url", src->url);
        }
    }
    en_buffer_puts(&out, "issues:\n");
    for (size_t i = 0; i < s->issue_count; i++) {
        const en_issue *issue = &s->issues[i];
        en_buffer_printf(&out, "  - id: %s\n", issue->id);
        field(&out, "    ", "name", issue->name);
        field(&out, "    ", "description", issue->description);
        en_buffer_puts(&out, "    scale: [");
        en_yaml_write_number(&out, issue->scale_min);
        en_buffer_puts(&out, ", ");
        en_yaml_write_number(&out, issue->scale_max);
        en_buffer_puts(&out, "]\n");
        if (issue->label_count) {
            en_buffer_puts(&out, "    labels:\n");
            for (size_t l = 0; l < issue->label_count; l++) {
                en_buffer_puts(&out, "      ");
                en_yaml_write_number(&out, issue->labels[l].at);
                en_buffer_puts(&out, ": ");
                en_yaml_write_quoted(&out, issue->labels[l].text);
                en_buffer_puts(&out, "\n");
            }
        }
        if (issue->has_status_quo) {
            en_buffer_puts(&out, "    status_quo: ");
            en_yaml_write_value(&out, &issue->status_quo);
            en_buffer_puts(&out, "\n");
        }
        if (issue->voting_rule) en_buffer_printf(&out, "    voting_rule: %s\n", issue->voting_rule);
        if (issue->has_outcome) {
            const en_outcome *o = &issue->outcome;
            en_buffer_puts(&out, "    outcome: {value: ");
            en_yaml_write_number(&out, o->value.value);
            if (o->date) en_buffer_printf(&out, ", date: %s", o->date);
            if (o->cite_count) {
                en_buffer_puts(&out, ", cite: [");
                for (size_t c = 0; c < o->cite_count; c++) {
                    if (c) en_buffer_puts(&out, ", ");
                    en_yaml_write_quoted(&out, o->cite[c]);
                }
                en_buffer_puts(&out, "]");
            }
            if (o->note) {
                en_buffer_puts(&out, ", note: ");
                en_yaml_write_quoted(&out, o->note);
            }
            en_buffer_puts(&out, "}\n");
        }
        if (issue->space) en_buffer_printf(&out, "    space: %s\n", issue->space);
    }
    en_buffer_puts(&out, "actors:\n");
    for (size_t a = 0; a < s->actor_count; a++) {
        const en_actor *actor = &s->actors[a];
        en_buffer_puts(&out, "  - id: ");
        en_yaml_write_quoted(&out, actor->id);
        en_buffer_puts(&out, "\n");
        field(&out, "    ", "name", actor->name);
        if (actor->role != EN_ROLE_STAKEHOLDER) en_buffer_printf(&out, "    role: %s\n", en_role_name(actor->role));
        en_buffer_puts(&out, "    capability: ");
        en_yaml_write_value(&out, &actor->capability);
        en_buffer_puts(&out, "\n");
        if (actor->has_risk) {
            en_buffer_puts(&out, "    risk: ");
            en_yaml_write_value(&out, &actor->risk);
            en_buffer_puts(&out, "\n");
        }
        int vetoes = 0;
        for (size_t i = 0; i < s->issue_count; i++) vetoes += actor->veto[i];
        if (actor->veto_all) {
            en_buffer_puts(&out, "    veto: true\n");
        } else if (vetoes) {
            en_buffer_puts(&out, "    veto: [");
            int first = 1;
            for (size_t i = 0; i < s->issue_count; i++) {
                if (!actor->veto[i]) continue;
                en_buffer_printf(&out, "%s%s", first ? "" : ", ", s->issues[i].id);
                first = 0;
            }
            en_buffer_puts(&out, "]\n");
        }
        if (actor->patron_of >= 0) {
            en_buffer_puts(&out, "    patron_of: ");
            en_yaml_write_quoted(&out, s->actors[actor->patron_of].id);
            en_buffer_puts(&out, "\n");
        }
        field(&out, "    ", "note", actor->note);
        if (actor->has_votes) {
            en_buffer_puts(&out, "    votes: ");
            en_yaml_write_number(&out, actor->votes);
            en_buffer_puts(&out, "\n");
        }
        if (actor->alias_count) {
            en_buffer_puts(&out, "    aliases: [");
            for (size_t k = 0; k < actor->alias_count; k++) {
                if (k) en_buffer_puts(&out, ", ");
                en_yaml_write_quoted(&out, actor->aliases[k]);
            }
            en_buffer_puts(&out, "]\n");
        }
        en_buffer_puts(&out, "    positions:\n");
        for (size_t i = 0; i < s->issue_count; i++) {
            const en_stance *st = &actor->stances[i];
            if (!st->present) continue;
            en_buffer_printf(&out, "      %s:\n        position: ", s->issues[i].id);
            en_yaml_write_value(&out, &st->position);
            en_buffer_puts(&out, "\n        salience: ");
            en_yaml_write_value(&out, &st->salience);
            en_buffer_puts(&out, "\n");
            if (st->has_public) {
                en_buffer_puts(&out, "        public: ");
                en_yaml_write_value(&out, &st->public_position);
                en_buffer_puts(&out, "\n");
            }
            if (st->has_power) {
                en_buffer_puts(&out, "        power: ");
                en_yaml_write_value(&out, &st->power);
                en_buffer_puts(&out, "\n");
            }
            if (st->cite_count) {
                en_buffer_puts(&out, "        cite: [");
                for (size_t c = 0; c < st->cite_count; c++) {
                    if (c) en_buffer_puts(&out, ", ");
                    en_yaml_write_quoted(&out, st->cite[c]);
                }
                en_buffer_puts(&out, "]\n");
            }
            field(&out, "        ", "quote", st->quote);
            field(&out, "        ", "note", st->note);
        }
    }
    en_yaml_write_war(&out, s);
    const en_decision *d = &s->decision;
    if (d->id || d->procedure || d->voting_rule || d->body || d->instrument || d->introduced ||
        d->adopted || d->agenda_setter || d->parliament) {
        en_buffer_puts(&out, "decision:\n");
        field(&out, "  ", "id", d->id);
        if (d->procedure) en_buffer_printf(&out, "  procedure: %s\n", d->procedure);
        if (d->voting_rule) en_buffer_printf(&out, "  voting_rule: %s\n", d->voting_rule);
        field(&out, "  ", "body", d->body);
        field(&out, "  ", "instrument", d->instrument);
        if (d->introduced) en_buffer_printf(&out, "  introduced: %s\n", d->introduced);
        if (d->adopted) en_buffer_printf(&out, "  adopted: %s\n", d->adopted);
        field(&out, "  ", "agenda_setter", d->agenda_setter);
        field(&out, "  ", "parliament", d->parliament);
    }
    if (s->setting_count) {
        en_buffer_puts(&out, "settings:\n");
        for (size_t i = 0; i < s->setting_count; i++) {
            en_buffer_printf(&out, "  %s: ", s->setting_names[i]);
            en_yaml_write_quoted(&out, s->setting_values[i]);
            en_buffer_puts(&out, "\n");
        }
    }
    if (s->accommodation_count) {
        en_buffer_puts(&out, "accommodation:\n");
        for (size_t i = 0; i < s->accommodation_count; i++) {
            en_buffer_puts(&out, "  - {actor: ");
            en_yaml_write_quoted(&out, s->accommodation[i].actor);
            en_buffer_puts(&out, ", reference: ");
            en_yaml_write_quoted(&out, s->accommodation[i].reference);
            en_buffer_puts(&out, ", value: ");
            en_yaml_write_number(&out, s->accommodation[i].value);
            en_buffer_puts(&out, "}\n");
        }
    }
    return en_buffer_flush(&out, file, err);
}
