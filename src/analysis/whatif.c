/*
 * whatif.c — the --what-if language of `entente forecast`: a change to the scenario given on the
 * command line instead of edited into the file ("UKR.talks.public=50", "drop USA",
 * "USA.veto-=guarantees"), parsed into changes and applied to a copy. Every error names the
 * option, line 1 and the column of the offending text, like any other bad input.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/forecast_internal.h"
#include "core/error.h"
#include "core/util.h"

static const char *const field_names[] = {"position", "public", "salience", "power", "capability", "status_quo"};
#define FIELD_COUNT (sizeof field_names / sizeof field_names[0])

typedef struct parser {
    const char *text;
    size_t at;
    const char *origin;
    en_error *err;
} parser;

static int fail(parser *p, size_t at, const char *format, const char *arg)
{
    char message[400];
    snprintf(message, sizeof message, format, arg ? arg : "");
    en_error_add(p->err, EN_ERROR_INPUT, p->origin, 1, (int)at + 1, "%s", message);
    return 0;
}

static void skip_space(parser *p)
{
    while (p->text[p->at] == ' ' || p->text[p->at] == '\t') p->at++;
}

/* An id: a quoted string, or a run of characters other than space, '.', '=', ';', '+' and
 * quotes ('-' too when '=' follows it). Returns a new string or NULL on error. */
static char *read_id(parser *p, const char *what)
{
    skip_space(p);
    const char *t = p->text;
    size_t start = p->at;
    if (t[start] == '"' || t[start] == '\'') {
        char quote = t[start];
        size_t end = start + 1;
        while (t[end] && t[end] != quote) end++;
        if (!t[end]) {
            fail(p, start, "unterminated quote in %s (expected a closing quote)", what);
            return NULL;
        }
        p->at = end + 1;
        if (end == start + 1) {
            fail(p, start, "empty %s (expected an id)", what);
            return NULL;
        }
        return en_xstrndup(t + start + 1, end - start - 1);
    }
    size_t end = start;
    while (t[end] && !strchr(" \t.=;+\"'", t[end]) && !(t[end] == '-' && t[end + 1] == '=')) end++;
    if (end == start) {
        if (!t[start]) fail(p, start, "the change ends early (expected %s)", what);
        else {
            en_error_add(p->err, EN_ERROR_INPUT, p->origin, 1, (int)start + 1,
                         "unexpected '%c' (expected %s)", t[start], what);
        }
        return NULL;
    }
    p->at = end;
    return en_xstrndup(t + start, end - start);
}

/* The rest of the change up to ';' or the end, trimmed. */
static char *read_rest(parser *p, size_t *column)
{
    skip_space(p);
    size_t start = p->at, end = start;
    while (p->text[end] && p->text[end] != ';') end++;
    p->at = end;
    while (end > start && (p->text[end - 1] == ' ' || p->text[end - 1] == '\t')) end--;
    *column = start;
    return en_xstrndup(p->text + start, end - start);
}

static int parse_change(parser *p, fc_change *c)
{
    skip_space(p);
    c->column = (int)p->at + 1;
    const char *t = p->text;
    if (strncmp(t + p->at, "drop", 4) == 0 && (t[p->at + 4] == ' ' || t[p->at + 4] == '\t')) {
        p->at += 4;
        c->kind = FC_DROP;
        c->field = FC_FIELD_NONE;
        size_t at = p->at;
        skip_space(p);
        at = p->at;
        c->actor = read_id(p, "an actor id after 'drop'");
        if (!c->actor) return 0;
        c->actor_column = (int)at + 1;
        skip_space(p);
        if (t[p->at] && t[p->at] != ';') return fail(p, p->at, "unexpected text after 'drop %s' (expected ';' or the end)", c->actor);
        return 1;
    }
    char *parts[3] = {NULL, NULL, NULL};
    size_t count = 0;
    size_t field_at = p->at, part_at[3] = {0, 0, 0};
    for (;;) {
        skip_space(p);
        field_at = p->at;
        char *id = read_id(p, count == 0 ? "an actor or issue id, or 'drop'" : "a field or issue id");
        if (!id) goto bad;
        if (count == 3) {
            en_free(id);
            fail(p, field_at, "too many parts (expected ACTOR.ISSUE.FIELD, ACTOR.FIELD or ISSUE.status_quo)%s", NULL);
            goto bad;
        }
        part_at[count] = field_at;
        parts[count++] = id;
        if (t[p->at] != '.') break;
        p->at++;
    }
    skip_space(p);
    size_t op_at = p->at;
    char op;
    if (t[p->at] == '=') op = '=', p->at += 1;
    else if ((t[p->at] == '+' || t[p->at] == '-') && t[p->at + 1] == '=') op = t[p->at], p->at += 2;
    else {
        fail(p, op_at, t[op_at] ? "unexpected text (expected '=', '+=' or '-=')%s" : "the change ends early (expected '=', '+=' or '-=')%s", NULL);
        goto bad;
    }
    c->op = op;
    if (count == 1) {
        fail(p, (size_t)c->column - 1, "'%s' names no field (expected ACTOR.ISSUE.FIELD, ACTOR.FIELD, ISSUE.status_quo or 'drop ACTOR')", parts[0]);
        goto bad;
    }
    const char *field = parts[count - 1];
    if (count == 2 && strcmp(field, "veto") == 0) {
        c->actor = parts[0], parts[0] = NULL;
        c->actor_column = (int)part_at[0] + 1;
        size_t value_at;
        char *value = read_rest(p, &value_at);
        c->issue_column = c->value_column = (int)value_at + 1;
        if (op == '=') {
            if (strcmp(value, "all") == 0 || strcmp(value, "true") == 0) c->kind = FC_VETO_ALL;
            else if (strcmp(value, "none") == 0 || strcmp(value, "false") == 0) c->kind = FC_VETO_NONE;
            else {
                fail(p, value_at, "veto= takes 'all' or 'none' (got '%s'; use veto+=ISSUE or veto-=ISSUE for one issue)", value);
                en_free(value);
                goto bad;
            }
            en_free(value);
        } else {
            if (!*value) {
                en_free(value);
                fail(p, value_at, "the change ends early (expected an issue id after veto%s=)", op == '+' ? "+" : "-");
                goto bad;
            }
            c->kind = op == '+' ? FC_VETO_ADD : FC_VETO_DEL;
            c->issue = value;
        }
        c->field = FC_FIELD_NONE;
        en_free(parts[1]);
        en_free(parts[2]);
        return 1;
    }
    size_t f = 0;
    while (f < FIELD_COUNT && strcmp(field, field_names[f]) != 0) f++;
    int per_stance = f <= FC_FIELD_POWER;
    if (f == FIELD_COUNT || (count == 3) != per_stance) {
        const char *const *names = count == 3 ? field_names : field_names + FC_FIELD_CAPABILITY;
        size_t n = count == 3 ? FC_FIELD_CAPABILITY : FIELD_COUNT - FC_FIELD_CAPABILITY;
        const char *near = en_suggest(field, names, n);
        char message[300];
        snprintf(message, sizeof message, "unknown field '%%s' (expected %s%s%s%s)",
                 count == 3 ? "position, public, salience or power after ACTOR.ISSUE" : "capability, status_quo or veto after one id",
                 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        fail(p, field_at, message, field);
        goto bad;
    }
    c->kind = FC_SET;
    c->field = (fc_field)f;
    if (count == 3) c->actor = parts[0], c->issue = parts[1], parts[0] = parts[1] = NULL;
    else if (f == FC_FIELD_STATUS_QUO) c->issue = parts[0], parts[0] = NULL;
    else c->actor = parts[0], parts[0] = NULL;
    c->actor_column = (int)part_at[0] + 1;
    c->issue_column = (int)part_at[count == 3 ? 1 : 0] + 1;
    for (size_t k = 0; k < 3; k++) en_free(parts[k]);
    size_t value_at;
    char *value = read_rest(p, &value_at);
    c->value_column = (int)value_at + 1;
    if (!*value) {
        en_free(value);
        return fail(p, value_at, "the change ends early (expected a number after '%s')", op == '=' ? "=" : op == '+' ? "+=" : "-=");
    }
    if (!en_parse_double(value, &c->number)) {
        fail(p, value_at, "'%s' is not a number (expected a finite number)", value);
        en_free(value);
        return 0;
    }
    en_free(value);
    return 1;
bad:
    for (size_t k = 0; k < 3; k++) en_free(parts[k]);
    return 0;
}

void fc_whatif_free(fc_whatif *w)
{
    if (!w) return;
    for (size_t k = 0; k < w->change_count; k++) {
        en_free(w->changes[k].actor);
        en_free(w->changes[k].issue);
    }
    en_free(w->changes);
    en_free(w->text);
    en_free(w);
}

en_status fc_whatif_parse(const char *text, const char *origin, fc_whatif **out, en_error *err)
{
    *out = NULL;
    fc_whatif *w = en_xcalloc(1, sizeof *w);
    w->text = en_xstrdup(text);
    parser p = {text, 0, origin, err};
    size_t capacity = 0;
    for (;;) {
        skip_space(&p);
        if (!text[p.at]) {
            if (w->change_count == 0) {
                fail(&p, p.at, "empty what-if (expected a change such as UKR.talks.public=50, 'drop USA' or USA.veto-=guarantees)%s", NULL);
                fc_whatif_free(w);
                return EN_ERROR_INPUT;
            }
            break;
        }
        EN_GROW(w->changes, capacity, w->change_count + 1);
        fc_change *c = &w->changes[w->change_count];
        memset(c, 0, sizeof *c);
        int ok = parse_change(&p, c);
        w->change_count++;
        if (!ok) {
            fc_whatif_free(w);
            return EN_ERROR_INPUT;
        }
        skip_space(&p);
        if (text[p.at] == ';') p.at++;
        else if (text[p.at]) {
            fail(&p, p.at, "unexpected text (expected ';' between changes)%s", NULL);
            fc_whatif_free(w);
            return EN_ERROR_INPUT;
        }
    }
    *out = w;
    return EN_OK;
}

/* ---- applying ---- */

static long find_actor(const en_scenario *s, const fc_change *c, const char *origin, en_error *err)
{
    long a = en_scenario_find_actor(s, c->actor);
    if (a >= 0) return a;
    const char **ids = en_xcalloc(s->actor_count + 1, sizeof *ids);
    for (size_t k = 0; k < s->actor_count; k++) ids[k] = s->actors[k].id;
    const char *near = en_suggest(c->actor, ids, s->actor_count);
    en_error_add(err, EN_ERROR_INPUT, origin, 1, c->actor_column, "unknown actor '%s'%s%s%s", c->actor,
                 near ? " (did you mean '" : " (expected an actor id of the scenario)", near ? near : "", near ? "'?)" : "");
    en_free(ids);
    return -1;
}

static long find_issue(const en_scenario *s, const fc_change *c, const char *origin, en_error *err)
{
    long i = en_scenario_find_issue(s, c->issue);
    if (i >= 0) return i;
    const char **ids = en_xcalloc(s->issue_count + 1, sizeof *ids);
    for (size_t k = 0; k < s->issue_count; k++) ids[k] = s->issues[k].id;
    const char *near = en_suggest(c->issue, ids, s->issue_count);
    en_error_add(err, EN_ERROR_INPUT, origin, 1, c->issue_column, "unknown issue '%s'%s%s%s", c->issue,
                 near ? " (did you mean '" : " (expected an issue id of the scenario)", near ? near : "", near ? "'?)" : "");
    en_free(ids);
    return -1;
}

/* Sets or shifts one value; '=' fixes it (its band is dropped), '+=' / '-=' move it with its
 * band. Range errors are located at the change. */
static en_status set_value(en_value *v, const fc_change *c, const char *what, const char *origin, en_error *err)
{
    double to = c->op == '=' ? c->number : c->op == '+' ? v->value + c->number : v->value - c->number;
    if (!isfinite(to) || to < v->min_valid || to > v->max_valid) {
        if (isinf(v->max_valid))
            return en_error_add(err, EN_ERROR_INPUT, origin, 1, c->value_column,
                                "%s would be %g, out of range (expected a number >= %g)", what, to, v->min_valid);
        return en_error_add(err, EN_ERROR_INPUT, origin, 1, c->value_column,
                            "%s would be %g, out of range (expected a number in [%g, %g])", what, to,
                            v->min_valid, v->max_valid);
    }
    if (c->op == '=') {
        *v = (en_value){to, EN_VALUE_FIXED, to, to, 0, v->min_valid, v->max_valid, v->where};
        return EN_OK;
    }
    double shift = to - v->value;
    v->value = to;
    if (v->kind == EN_VALUE_TRIANGULAR) {
        v->low = fmax(v->min_valid, v->low + shift);
        v->high = fmin(v->max_valid, v->high + shift);
    }
    return EN_OK;
}

en_status fc_whatif_apply(const fc_whatif *w, const char *origin, en_scenario *s, en_error *err)
{
    for (size_t n = 0; n < w->change_count; n++) {
        const fc_change *c = &w->changes[n];
        long a = -1, i = -1;
        if (c->actor && (a = find_actor(s, c, origin, err)) < 0) return EN_ERROR_INPUT;
        if (c->issue && (i = find_issue(s, c, origin, err)) < 0) return EN_ERROR_INPUT;
        en_actor *actor = a >= 0 ? &s->actors[a] : NULL;
        switch (c->kind) {
        case FC_DROP:
            if (s->actor_count <= 2)
                return en_error_add(err, EN_ERROR_INPUT, origin, 1, c->column,
                                    "cannot drop '%s': a scenario needs at least two actors", c->actor);
            fc_drop_actor(s, (size_t)a);
            break;
        case FC_VETO_ADD: actor->veto[i] = 1; break;
        case FC_VETO_DEL:
            actor->veto[i] = 0;
            actor->veto_all = 0;
            break;
        case FC_VETO_ALL:
            actor->veto_all = 1;
            memset(actor->veto, 1, s->issue_count);
            break;
        case FC_VETO_NONE:
            actor->veto_all = 0;
            memset(actor->veto, 0, s->issue_count);
            break;
        case FC_SET: {
            char what[300];
            if (c->field == FC_FIELD_STATUS_QUO) {
                en_issue *issue = &s->issues[i];
                snprintf(what, sizeof what, "the status quo of '%s'", issue->id);
                if (!issue->has_status_quo) {
                    if (c->op != '=')
                        return en_error_add(err, EN_ERROR_INPUT, origin, 1, c->column,
                                            "issue '%s' has no status quo to shift (use status_quo=NUMBER)", issue->id);
                    issue->status_quo = en_value_fixed(issue->scale_min, issue->scale_min, issue->scale_max);
                }
                if (set_value(&issue->status_quo, c, what, origin, err) != EN_OK) return EN_ERROR_INPUT;
                issue->has_status_quo = 1;
                break;
            }
            if (c->field == FC_FIELD_CAPABILITY) {
                snprintf(what, sizeof what, "capability of '%s'", actor->id);
                if (set_value(&actor->capability, c, what, origin, err) != EN_OK) return EN_ERROR_INPUT;
                break;
            }
            en_stance *st = &actor->stances[i];
            if (!st->present)
                return en_error_add(err, EN_ERROR_INPUT, origin, 1, c->column,
                                    "actor '%s' takes no part in issue '%s' (expected an issue it has a position on)",
                                    actor->id, s->issues[i].id);
            snprintf(what, sizeof what, "%s of '%s' on '%s'", field_names[c->field], actor->id, s->issues[i].id);
            en_value *v = c->field == FC_FIELD_POSITION ? &st->position
                        : c->field == FC_FIELD_SALIENCE ? &st->salience
                        : c->field == FC_FIELD_PUBLIC   ? &st->public_position
                                                        : &st->power;
            int *has = c->field == FC_FIELD_PUBLIC ? &st->has_public : c->field == FC_FIELD_POWER ? &st->has_power : NULL;
            if (has && !*has) {
                if (c->op != '=')
                    return en_error_add(err, EN_ERROR_INPUT, origin, 1, c->column,
                                        "%s is not given in the scenario, so it cannot be shifted (use %s=NUMBER)",
                                        what, field_names[c->field]);
                *v = c->field == FC_FIELD_PUBLIC
                         ? en_value_fixed(st->position.value, s->issues[i].scale_min, s->issues[i].scale_max)
                         : en_value_fixed(actor->capability.value, 0, INFINITY);
            }
            if (set_value(v, c, what, origin, err) != EN_OK) return EN_ERROR_INPUT;
            if (has) *has = 1;
            break;
        }
        }
    }
    /* A change may leave a scenario no model can read (every weight on an issue zero, say): that
     * is the what-if's error, said at the what-if, never a made-up forecast. */
    en_error check = EN_ERROR_INIT;
    if (en_scenario_validate(s, &check) != EN_OK) {
        en_status st = en_error_add(err, EN_ERROR_INPUT, origin, 1, 1,
                                    "after this change the scenario is not valid: %s", check.message);
        en_error_clear(&check);
        return st;
    }
    return EN_OK;
}
