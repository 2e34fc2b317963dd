/*
 * scenario.c — building, copying, checking and freeing scenarios, and the public accessors.
 * Validation here is the loader-independent contract: whatever format a scenario came from,
 * it reaches a model only if these checks pass.
 */
#include "core/scenario.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "core/war.h"

en_value en_value_fixed(double value, double min_valid, double max_valid)
{
    en_value v;
    memset(&v, 0, sizeof v);
    v.value = value;
    v.kind = EN_VALUE_FIXED;
    v.min_valid = min_valid;
    v.max_valid = max_valid;
    return v;
}

int en_value_is_uncertain(const en_value *value)
{
    return value->kind != EN_VALUE_FIXED;
}

const char *en_role_name(en_role role)
{
    switch (role) {
    case EN_ROLE_PARTY: return "party";
    case EN_ROLE_PATRON: return "patron";
    case EN_ROLE_MEDIATOR: return "mediator";
    case EN_ROLE_STAKEHOLDER: break;
    }
    return "stakeholder";
}

en_scenario *en_scenario_new(const char *path, en_input_format format)
{
    en_scenario *s = en_xcalloc(1, sizeof *s);
    s->path = en_xstrdup(path ? path : "<input>");
    s->format = format;
    s->version = 1;
    return s;
}

en_issue *en_scenario_add_issue(en_scenario *s)
{
    s->issues = en_xrealloc(s->issues, (s->issue_count + 1) * sizeof *s->issues);
    en_issue *issue = &s->issues[s->issue_count++];
    memset(issue, 0, sizeof *issue);
    issue->scale_max = 100;
    /* Actors added before this issue get an absent stance and no veto on it. */
    for (size_t a = 0; a < s->actor_count; a++) {
        en_actor *actor = &s->actors[a];
        actor->stances = en_xrealloc(actor->stances, s->issue_count * sizeof *actor->stances);
        memset(&actor->stances[s->issue_count - 1], 0, sizeof *actor->stances);
        actor->veto = en_xrealloc(actor->veto, s->issue_count);
        actor->veto[s->issue_count - 1] = (unsigned char)actor->veto_all;
    }
    return issue;
}

en_actor *en_scenario_add_actor(en_scenario *s)
{
    s->actors = en_xrealloc(s->actors, (s->actor_count + 1) * sizeof *s->actors);
    en_actor *actor = &s->actors[s->actor_count++];
    memset(actor, 0, sizeof *actor);
    actor->patron_of = -1;
    actor->capability = en_value_fixed(0, 0, HUGE_VAL);
    actor->stances = en_xcalloc(s->issue_count, sizeof *actor->stances);
    actor->veto = en_xcalloc(s->issue_count, 1);
    return actor;
}

en_source *en_scenario_add_source(en_scenario *s)
{
    s->sources = en_xrealloc(s->sources, (s->source_count + 1) * sizeof *s->sources);
    en_source *source = &s->sources[s->source_count++];
    memset(source, 0, sizeof *source);
    return source;
}

void en_scenario_add_note(en_scenario *s, int line, int column, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char message[512];
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    s->notes = en_xrealloc(s->notes, (s->note_count + 1) * sizeof *s->notes);
    if (line > 0)
        s->notes[s->note_count++] = en_xprintf("%s:%d:%d: note: %s", s->path, line, column, message);
    else
        s->notes[s->note_count++] = en_xprintf("%s: note: %s", s->path, message);
}

void en_scenario_add_setting(en_scenario *s, const char *name, const char *value)
{
    for (size_t i = 0; i < s->setting_count; i++)
        if (strcmp(s->setting_names[i], name) == 0) {
            en_free(s->setting_values[i]);
            s->setting_values[i] = en_xstrdup(value);
            return;
        }
    s->setting_names = en_xrealloc(s->setting_names, (s->setting_count + 1) * sizeof *s->setting_names);
    s->setting_values = en_xrealloc(s->setting_values, (s->setting_count + 1) * sizeof *s->setting_values);
    s->setting_names[s->setting_count] = en_xstrdup(name);
    s->setting_values[s->setting_count++] = en_xstrdup(value);
}

const char *en_scenario_setting(const en_scenario *s, const char *name)
{
    for (size_t i = 0; i < s->setting_count; i++)
        if (strcmp(s->setting_names[i], name) == 0) return s->setting_values[i];
    return NULL;
}

double en_scenario_accommodation_row(const en_scenario *s, size_t actor, int *listed_self,
                                     const en_accommodation **last)
{
    double row = 0;
    int self = 0;
    *last = NULL;
    for (size_t k = 0; k < s->accommodation_count; k++) {
        if (strcmp(s->accommodation[k].actor, s->actors[actor].id)) continue;
        row += s->accommodation[k].value;
        self |= !strcmp(s->accommodation[k].reference, s->actors[actor].id);
        *last = &s->accommodation[k];
    }
    if (!self) row += 1;
    *listed_self = self;
    return row;
}

long en_scenario_find_issue(const en_scenario *s, const char *id)
{
    for (size_t i = 0; i < s->issue_count; i++)
        if (s->issues[i].id && strcmp(s->issues[i].id, id) == 0) return (long)i;
    return -1;
}

long en_scenario_find_actor(const en_scenario *s, const char *id)
{
    for (size_t i = 0; i < s->actor_count; i++)
        if (s->actors[i].id && strcmp(s->actors[i].id, id) == 0) return (long)i;
    return -1;
}

long en_scenario_find_source(const en_scenario *s, const char *id)
{
    for (size_t i = 0; i < s->source_count; i++)
        if (s->sources[i].id && strcmp(s->sources[i].id, id) == 0) return (long)i;
    return -1;
}

static void en_decision_free(en_decision *d)
{
    en_free(d->id);
    en_free(d->procedure);
    en_free(d->voting_rule);
    en_free(d->body);
    en_free(d->instrument);
    en_free(d->introduced);
    en_free(d->adopted);
    en_free(d->agenda_setter);
    en_free(d->parliament);
    memset(d, 0, sizeof *d);
}

static void en_decision_copy(en_decision *to, const en_decision *from)
{
    to->id = en_xstrdup(from->id);
    to->procedure = en_xstrdup(from->procedure);
    to->voting_rule = en_xstrdup(from->voting_rule);
    to->body = en_xstrdup(from->body);
    to->instrument = en_xstrdup(from->instrument);
    to->introduced = en_xstrdup(from->introduced);
    to->adopted = en_xstrdup(from->adopted);
    to->agenda_setter = en_xstrdup(from->agenda_setter);
    to->parliament = en_xstrdup(from->parliament);
}

static void free_stance(en_stance *stance)
{
    for (size_t c = 0; c < stance->cite_count; c++) en_free(stance->cite[c]);
    en_free(stance->cite);
    en_free(stance->quote);
    en_free(stance->note);
}

void en_actor_clear(en_actor *actor, size_t issue_count)
{
    en_free(actor->id);
    en_free(actor->name);
    en_free(actor->note);
    en_free(actor->veto);
    for (size_t k = 0; k < actor->alias_count; k++) en_free(actor->aliases[k]);
    en_free(actor->aliases);
    for (size_t i = 0; i < issue_count; i++) free_stance(&actor->stances[i]);
    en_free(actor->stances);
    memset(actor, 0, sizeof *actor);
}

void en_scenario_free(en_scenario *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->issue_count; i++) {
        en_issue *issue = &s->issues[i];
        en_free(issue->id);
        en_free(issue->name);
        en_free(issue->description);
        en_free(issue->voting_rule);
        en_free(issue->outcome.date);
        en_free(issue->outcome.note);
        for (size_t c = 0; c < issue->outcome.cite_count; c++) en_free(issue->outcome.cite[c]);
        en_free(issue->outcome.cite);
        for (size_t l = 0; l < issue->label_count; l++) en_free(issue->labels[l].text);
        en_free(issue->labels);
        en_free(issue->space);
    }
    for (size_t a = 0; a < s->actor_count; a++) en_actor_clear(&s->actors[a], s->issue_count);
    for (size_t i = 0; i < s->source_count; i++) {
        en_source *src = &s->sources[i];
        en_free(src->id);
        en_free(src->file);
        en_free(src->title);
        en_free(src->outlet);
        en_free(src->author);
        en_free(src->date);
        en_free(src->url);
    }
    for (size_t i = 0; i < s->note_count; i++) en_free(s->notes[i]);
    en_free(s->notes);
    en_war_free(s->war);
    en_decision_free(&s->decision);
    for (size_t i = 0; i < s->setting_count; i++) en_free(s->setting_names[i]), en_free(s->setting_values[i]);
    en_free(s->setting_names);
    en_free(s->setting_values);
    for (size_t i = 0; i < s->accommodation_count; i++)
        en_free(s->accommodation[i].actor), en_free(s->accommodation[i].reference);
    en_free(s->accommodation);
    en_free(s->sources);
    en_free(s->issues);
    en_free(s->actors);
    en_free(s->path);
    en_free(s->title);
    en_free(s->date);
    en_free(s->description);
    en_free(s);
}

en_scenario *en_scenario_clone(const en_scenario *s)
{
    en_scenario *c = en_xcalloc(1, sizeof *c);
    *c = *s;
    c->path = en_xstrdup(s->path);
    c->title = en_xstrdup(s->title);
    c->date = en_xstrdup(s->date);
    c->description = en_xstrdup(s->description);
    c->issues = en_xcalloc(s->issue_count, sizeof *c->issues);
    for (size_t i = 0; i < s->issue_count; i++) {
        en_issue *to = &c->issues[i];
        const en_issue *from = &s->issues[i];
        *to = *from;
        to->id = en_xstrdup(from->id);
        to->name = en_xstrdup(from->name);
        to->description = en_xstrdup(from->description);
        to->voting_rule = en_xstrdup(from->voting_rule);
        to->outcome.date = en_xstrdup(from->outcome.date);
        to->outcome.note = en_xstrdup(from->outcome.note);
        to->outcome.cite = en_xcalloc(from->outcome.cite_count, sizeof *to->outcome.cite);
        for (size_t k = 0; k < from->outcome.cite_count; k++)
            to->outcome.cite[k] = en_xstrdup(from->outcome.cite[k]);
        to->space = en_xstrdup(from->space);
        to->labels = en_xcalloc(from->label_count, sizeof *to->labels);
        for (size_t l = 0; l < from->label_count; l++) {
            to->labels[l].at = from->labels[l].at;
            to->labels[l].text = en_xstrdup(from->labels[l].text);
        }
    }
    c->actors = en_xcalloc(s->actor_count, sizeof *c->actors);
    for (size_t a = 0; a < s->actor_count; a++) {
        en_actor *to = &c->actors[a];
        const en_actor *from = &s->actors[a];
        *to = *from;
        to->id = en_xstrdup(from->id);
        to->name = en_xstrdup(from->name);
        to->note = en_xstrdup(from->note);
        to->aliases = en_xcalloc(from->alias_count, sizeof *to->aliases);
        for (size_t k = 0; k < from->alias_count; k++) to->aliases[k] = en_xstrdup(from->aliases[k]);
        to->veto = en_xcalloc(s->issue_count, 1);
        if (s->issue_count) memcpy(to->veto, from->veto, s->issue_count);
        to->stances = en_xcalloc(s->issue_count, sizeof *to->stances);
        for (size_t i = 0; i < s->issue_count; i++) {
            en_stance *st = &to->stances[i];
            const en_stance *fs = &from->stances[i];
            *st = *fs;
            st->quote = en_xstrdup(fs->quote);
            st->note = en_xstrdup(fs->note);
            st->cite = en_xcalloc(fs->cite_count, sizeof *st->cite);
            for (size_t k = 0; k < fs->cite_count; k++) st->cite[k] = en_xstrdup(fs->cite[k]);
        }
    }
    c->sources = en_xcalloc(s->source_count, sizeof *c->sources);
    for (size_t i = 0; i < s->source_count; i++) {
        en_source *to = &c->sources[i];
        const en_source *from = &s->sources[i];
        *to = *from;
        to->id = en_xstrdup(from->id);
        to->file = en_xstrdup(from->file);
        to->title = en_xstrdup(from->title);
        to->outlet = en_xstrdup(from->outlet);
        to->author = en_xstrdup(from->author);
        to->date = en_xstrdup(from->date);
        to->url = en_xstrdup(from->url);
    }
    c->notes = en_xcalloc(s->note_count, sizeof *c->notes);
    for (size_t i = 0; i < s->note_count; i++) c->notes[i] = en_xstrdup(s->notes[i]);
    c->war = en_war_clone(s->war, s);
    en_decision_copy(&c->decision, &s->decision);
    c->setting_names = en_xcalloc(s->setting_count + 1, sizeof *c->setting_names);
    c->setting_values = en_xcalloc(s->setting_count + 1, sizeof *c->setting_values);
    for (size_t i = 0; i < s->setting_count; i++) {
        c->setting_names[i] = en_xstrdup(s->setting_names[i]);
        c->setting_values[i] = en_xstrdup(s->setting_values[i]);
    }
    c->accommodation = en_xcalloc(s->accommodation_count + 1, sizeof *c->accommodation);
    for (size_t i = 0; i < s->accommodation_count; i++) {
        c->accommodation[i] = s->accommodation[i];
        c->accommodation[i].actor = en_xstrdup(s->accommodation[i].actor);
        c->accommodation[i].reference = en_xstrdup(s->accommodation[i].reference);
    }
    return c;
}

static void check_value(const en_scenario *s, const en_value *v, const char *what, en_error *err)
{
    const char *path = s->path;
    int line = v->where.line, col = v->where.column;
    if (!isfinite(v->value)) {
        en_error_add(err, EN_ERROR_INPUT, path, line, col, "%s is not a finite number", what);
        return;
    }
    if (v->value < v->min_valid || v->value > v->max_valid) {
        if (isinf(v->max_valid))
            en_error_add(err, EN_ERROR_INPUT, path, line, col,
                         "%s %g is out of range (expected a number >= %g)", what, v->value,
                         v->min_valid);
        else
            en_error_add(err, EN_ERROR_INPUT, path, line, col,
                         "%s %g is out of range (expected a number in [%g, %g])", what, v->value,
                         v->min_valid, v->max_valid);
    }
    if (v->kind == EN_VALUE_TRIANGULAR && !(v->low <= v->value && v->value <= v->high)) {
        en_error_add(err, EN_ERROR_INPUT, path, line, col,
                     "%s: uncertain value needs low <= value <= high (got low %g, value %g, high %g)",
                     what, v->low, v->value, v->high);
    }
    if (v->kind == EN_VALUE_TRIANGULAR &&
        (v->low < v->min_valid || v->high > v->max_valid)) {
        en_error_add(err, EN_ERROR_INPUT, path, line, col,
                     "%s: range [%g, %g] leaves the valid range [%g, %g]", what, v->low, v->high,
                     v->min_valid, v->max_valid);
    }
    if (v->kind == EN_VALUE_NORMAL && !(v->sd >= 0)) {
        en_error_add(err, EN_ERROR_INPUT, path, line, col,
                     "%s: sd must be >= 0 (got %g)", what, v->sd);
    }
}

/* For duplicate detection: ids sorted with their position, ties by position. */
typedef struct id_entry {
    const char *id;
    size_t index;
} id_entry;

static int compare_id_entry(const void *x, const void *y)
{
    const id_entry *a = x, *b = y;
    int c = strcmp(a->id, b->id);
    if (c) return c;
    return (a->index > b->index) - (a->index < b->index);
}

/* first[k] = the index of the first item with the same id as item k (k itself when unique):
 * a sort instead of comparing every pair, so a sheet of a million actors is checked in
 * O(n log n). `ids` are read with the given stride from `base`. */
static size_t *first_with_same_id(const void *base, size_t count, size_t stride, size_t id_offset)
{
    size_t *first = en_xcalloc(count ? count : 1, sizeof *first);
    id_entry *entries = en_xcalloc(count ? count : 1, sizeof *entries);
    for (size_t k = 0; k < count; k++) {
        const char *id = *(const char *const *)((const char *)base + k * stride + id_offset);
        entries[k].id = id ? id : "";
        entries[k].index = k;
    }
    qsort(entries, count, sizeof *entries, compare_id_entry);
    for (size_t k = 0; k < count; k++) {
        size_t head = k > 0 && strcmp(entries[k].id, entries[k - 1].id) == 0
                          ? first[entries[k - 1].index] : entries[k].index;
        first[entries[k].index] = head;
    }
    en_free(entries);
    return first;
}

en_status en_scenario_validate(const en_scenario *s, en_error *err)
{
    en_error local = EN_ERROR_INIT;
    const char *path = s->path;
    size_t *issue_first = first_with_same_id(s->issues, s->issue_count, sizeof *s->issues,
                                             offsetof(en_issue, id));
    size_t *actor_first = first_with_same_id(s->actors, s->actor_count, sizeof *s->actors,
                                             offsetof(en_actor, id));
    if (s->issue_count < 1)
        en_error_add(&local, EN_ERROR_INPUT, path, 0, 0, "the scenario has no issues (expected at least one)");
    if (s->actor_count < 2)
        en_error_add(&local, EN_ERROR_INPUT, path, 0, 0,
                     "the scenario has %zu actor%s (expected at least two)", s->actor_count,
                     s->actor_count == 1 ? "" : "s");
    for (size_t i = 0; i < s->issue_count; i++) {
        const en_issue *issue = &s->issues[i];
        if (issue_first[i] != i)
            en_error_add(&local, EN_ERROR_INPUT, path, issue->where.line, issue->where.column,
                         "duplicate issue id '%s' (first defined on line %d)", issue->id,
                         s->issues[issue_first[i]].where.line);
        if (!isfinite(issue->scale_min) || !isfinite(issue->scale_max) ||
            !(issue->scale_min < issue->scale_max))
            en_error_add(&local, EN_ERROR_INPUT, path, issue->where.line, issue->where.column,
                         "issue '%s': scale [%g, %g] is invalid (expected finite min < max)",
                         issue->id, issue->scale_min, issue->scale_max);
        if (issue->has_status_quo) check_value(s, &issue->status_quo, "status_quo", &local);
        if (issue->has_outcome) check_value(s, &issue->outcome.value, "outcome", &local);
    }
    for (size_t a = 0; a < s->actor_count; a++) {
        const en_actor *actor = &s->actors[a];
        if (actor_first[a] != a)
            en_error_add(&local, EN_ERROR_INPUT, path, actor->where.line, actor->where.column,
                         "duplicate actor id '%s' (first defined on line %d)", actor->id,
                         s->actors[actor_first[a]].where.line);
        check_value(s, &actor->capability, "capability", &local);
        if (actor->has_risk) check_value(s, &actor->risk, "risk", &local);
        for (size_t i = 0; i < s->issue_count; i++) {
            const en_stance *st = &actor->stances[i];
            if (!st->present) continue;
            check_value(s, &st->position, "position", &local);
            check_value(s, &st->salience, "salience", &local);
            if (st->has_public) check_value(s, &st->public_position, "public position", &local);
            if (st->has_power) check_value(s, &st->power, "power", &local);
        }
    }
    /* An issue no model can say anything about is refused rather than given a made-up
     * number: nobody takes a position on it, or every position has zero weight (capability,
     * or power on the issue, times salience), which leaves each model a 0/0 to resolve its
     * own way (0, the midpoint, the lowest position...). Point values are checked. */
    for (size_t i = 0; i < s->issue_count && s->actor_count > 0; i++) {
        const en_issue *issue = &s->issues[i];
        size_t stances = 0, weighted = 0;
        for (size_t a = 0; a < s->actor_count; a++) {
            if (!s->actors[a].stances || !s->actors[a].stances[i].present) continue;
            stances++;
            if (en_scenario_weight(s, a, i) > 0) weighted++;
        }
        if (stances == 0)
            en_error_add(&local, EN_ERROR_INPUT, path, issue->where.line, issue->where.column,
                         "issue '%s': no actor takes a position on it, so there is nothing to "
                         "forecast (expected at least one actor with a position on it, or "
                         "remove the issue)", issue->id);
        else if (weighted == 0)
            en_error_add(&local, EN_ERROR_INPUT, path, issue->where.line, issue->where.column,
                         "issue '%s': every actor's weight on it (capability x salience) is "
                         "zero, so no model can weigh the positions (expected at least one "
                         "actor with capability > 0 and salience > 0 on it)", issue->id);
    }
    en_free(issue_first);
    en_free(actor_first);
    if (local.code != EN_OK) {
        en_error_move(err, &local);
        return EN_ERROR_INPUT;
    }
    return EN_OK;
}

const char *en_issue_voting_rule(const en_scenario *s, size_t issue)
{
    return s->issues[issue].voting_rule ? s->issues[issue].voting_rule : s->decision.voting_rule;
}

int en_scenario_blocks(const en_scenario *s, size_t actor, size_t issue)
{
    const en_actor *a = &s->actors[actor];
    if (a->veto[issue]) return 1;
    const en_decision *d = &s->decision;
    if (d->agenda_setter && strcmp(d->agenda_setter, a->id) == 0) return 1;
    if (d->parliament && strcmp(d->parliament, a->id) == 0)
        return d->procedure && strcmp(d->procedure, "codecision") == 0;
    const char *rule = en_issue_voting_rule(s, issue);
    if (!rule || strcmp(rule, "unanimity") != 0) return 0;
    if (a->has_votes) return 1;
    for (size_t b = 0; b < s->actor_count; b++) /* no formal votes: every actor votes */
        if (s->actors[b].has_votes) return 0;
    return 1;
}

double en_stance_capability(const en_scenario *s, size_t actor, size_t issue)
{
    const en_actor *a = &s->actors[actor];
    const en_stance *st = &a->stances[issue];
    return st->has_power ? st->power.value : a->capability.value;
}

double en_scenario_weight(const en_scenario *s, size_t actor, size_t issue)
{
    return en_stance_capability(s, actor, issue) * s->actors[actor].stances[issue].salience.value;
}

/* ---- public accessors ---- */

const char *en_scenario_title(const en_scenario *s) { return s->title ? s->title : ""; }
size_t en_scenario_issue_count(const en_scenario *s) { return s->issue_count; }
const char *en_scenario_issue_id(const en_scenario *s, size_t i) { return s->issues[i].id; }
const char *en_scenario_issue_name(const en_scenario *s, size_t i)
{
    return s->issues[i].name ? s->issues[i].name : s->issues[i].id;
}
size_t en_scenario_actor_count(const en_scenario *s) { return s->actor_count; }
const char *en_scenario_actor_id(const en_scenario *s, size_t a) { return s->actors[a].id; }
const char *en_scenario_actor_name(const en_scenario *s, size_t a)
{
    return s->actors[a].name ? s->actors[a].name : s->actors[a].id;
}
size_t en_scenario_outcome_count(const en_scenario *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->issue_count; i++) n += s->issues[i].has_outcome != 0;
    return n;
}

int en_scenario_issue_outcome(const en_scenario *s, size_t issue, double *value)
{
    if (issue >= s->issue_count || !s->issues[issue].has_outcome) return 0;
    *value = s->issues[issue].outcome.value.value;
    return 1;
}

size_t en_scenario_note_count(const en_scenario *s) { return s->note_count; }
const char *en_scenario_note(const en_scenario *s, size_t i) { return s->notes[i]; }

/* ---- the scenario's sources (include/entente/sources.h) ---------------------------------- */

const char *en_scenario_path(const en_scenario *s) { return s->path ? s->path : ""; }

size_t en_scenario_source_count(const en_scenario *s) { return s->source_count; }

const char *en_scenario_source_id(const en_scenario *s, size_t index) { return s->sources[index].id; }

const char *en_scenario_source_file(const en_scenario *s, size_t index)
{
    return s->sources[index].file;
}

void en_scenario_source_location(const en_scenario *s, size_t index, int *line, int *column)
{
    const en_source *src = &s->sources[index];
    en_location where = src->file_where.line ? src->file_where : src->where;
    *line = where.line;
    *column = where.column;
}

int en_scenario_issue_unweighted(const en_scenario *s, size_t issue)
{
    size_t stances = 0;
    for (size_t a = 0; a < s->actor_count; a++) {
        if (!s->actors[a].stances || !s->actors[a].stances[issue].present) continue;
        stances++;
        if (en_scenario_weight(s, a, issue) > 0) return 0;
    }
    return stances > 0;
}
