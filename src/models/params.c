/*
 * params.c — model parameters: the NAME=VALUE pairs a user gives, and their checking against a
 * model's parameter table (types, ranges, choices, did-you-mean for misspelt names).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/util.h"
#include "models/model.h"
#include "models/params.h"

struct en_params {
    char **names;
    char **values;
    size_t count;
};

/* An empty set (the library's own: unwinds under a guard, like any allocation). */
static en_params *new_set(void) { return en_xcalloc(1, sizeof(en_params)); }

static en_status params_new(en_params **out)
{
    *out = new_set();
    return EN_OK;
}

static en_status params_set(en_params *p, const char *name, const char *value, en_error *err);

en_params *en_params_new(void)
{
    en_params *p = NULL;
    en_status st;
    EN_GUARDED(st, NULL, (void)0, params_new(&p));
    return st == EN_OK ? p : NULL;
}

void en_params_free(en_params *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->count; i++) {
        en_free(p->names[i]);
        en_free(p->values[i]);
    }
    en_free(p->names);
    en_free(p->values);
    en_free(p);
}

static en_status params_copy(const en_params *p, en_params **out)
{
    en_params *c = new_set();
    for (size_t i = 0; i < p->count; i++) params_set(c, p->names[i], p->values[i], NULL);
    *out = c;
    return EN_OK;
}

/* Under a guard (core/oom.h): NULL when memory runs out, the partial copy released. */
en_params *en_params_copy(const en_params *p)
{
    en_params *c = NULL;
    en_status st;
    EN_GUARDED(st, NULL, (void)0, params_copy(p, &c));
    return st == EN_OK ? c : NULL;
}

/* Every block is allocated before `p` changes, so an out-of-memory unwind leaves `p` as it was
 * (its blocks are its owner's, not the call's). */
static en_status params_set(en_params *p, const char *name, const char *value, en_error *err)
{
    if (!name || !*name)
        return en_error_set(err, EN_ERROR_INPUT, "parameter name is empty (expected NAME=VALUE)");
    char *copy = en_xstrdup(value);
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->names[i], name) == 0) {
            en_free(p->values[i]);
            p->values[i] = copy;
            return EN_OK;
        }
    }
    char *name_copy = en_xstrdup(name);
    char **names = en_xmalloc((p->count + 1) * sizeof *names);
    char **values = en_xmalloc((p->count + 1) * sizeof *values);
    if (p->count) {
        memcpy(names, p->names, p->count * sizeof *names);
        memcpy(values, p->values, p->count * sizeof *values);
    }
    names[p->count] = name_copy;
    values[p->count] = copy;
    en_free(p->names);
    en_free(p->values);
    p->names = names;
    p->values = values;
    p->count++;
    return EN_OK;
}

static en_status params_parse(en_params *p, const char *assignment, en_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return en_error_set(err, EN_ERROR_INPUT,
                            "--param '%s' is not an assignment (expected NAME=VALUE)", assignment);
    char *name = en_xstrndup(assignment, (size_t)(eq - assignment));
    en_status st = params_set(p, name, eq + 1, err);
    en_free(name);
    return st;
}

en_status en_params_set(en_params *p, const char *name, const char *value, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (void)0, params_set(p, name, value, err));
    return st;
}

en_status en_params_parse(en_params *p, const char *assignment, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (void)0, params_parse(p, assignment, err));
    return st;
}

en_params *en_params_forecast_only(const en_params *p)
{
    en_params *c = p ? en_params_copy(p) : new_set();
    if (!en_params_get(c, "trace")) params_set(c, "trace", "none", NULL);
    return c;
}

size_t en_params_count(const en_params *p) { return p->count; }
const char *en_params_name(const en_params *p, size_t i) { return p->names[i]; }
const char *en_params_value(const en_params *p, size_t i) { return p->values[i]; }

const char *en_params_get(const en_params *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->names[i], name) == 0) return p->values[i];
    return NULL;
}

/* ---- checked values ---- */

static const en_param_def universal_params[] = {
    EN_PARAM_ROUNDS("10"),
    {"seed", EN_PARAM_INTEGER, "1", "random seed", 0, 9007199254740991.0, NULL},
    {"trace", EN_PARAM_CHOICE, "summary",
     "how much per-round detail to record (none: positions and forecast only, no story lines "
     "or extras; mc and sensitivity use it unless told otherwise)",
     0, 0, "summary|full|none"},
    /* What the caller will show of the result: `all` (every extra a model records) or `text`
     * (the story lines and forecasts of text output). A model may leave out what will not be
     * shown (eum: the per-round extras and the quadrant). It never changes a position or a
     * story line, so it is not part of a result's parameters (en_param_values_effective leaves it out). */
    {"output", EN_PARAM_CHOICE, "all",
     "what the caller shows: all (every extra) or text (story and forecasts only; models may "
     "skip the rest)",
     0, 0, "all|text"},
};
#define UNIVERSAL_COUNT (sizeof universal_params / sizeof universal_params[0])

struct en_param_values {
    size_t count;
    const en_param_def **defs;
    char **text;
    double *number;
    int *given;
};

static int choice_matches(const char *choices, const char *value)
{
    size_t length = strlen(value);
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t word = bar ? (size_t)(bar - p) : strlen(p);
        if (word == length && strncmp(p, value, length) == 0) return 1;
        if (!bar) break;
        p = bar + 1;
    }
    return 0;
}

static en_status check_value(const en_param_def *def, const char *text, double *number,
                             const char *model, en_error *err)
{
    switch (def->type) {
    case EN_PARAM_NUMBER:
        if (!en_parse_double(text, number) || *number < def->min || *number > def->max)
            return en_error_set(err, EN_ERROR_INPUT,
                                "model %s: parameter %s=%s is invalid (expected a number in [%g, %g])",
                                model, def->name, text, def->min, def->max);
        return EN_OK;
    case EN_PARAM_INTEGER: {
        long v;
        if (!en_parse_long(text, (long)def->min, (long)def->max, &v))
            return en_error_set(err, EN_ERROR_INPUT,
                                "model %s: parameter %s=%s is invalid (expected an integer in [%.0f, %.0f])",
                                model, def->name, text, def->min, def->max);
        *number = (double)v;
        return EN_OK;
    }
    case EN_PARAM_CHOICE:
        if (!choice_matches(def->choices, text))
            return en_error_set(err, EN_ERROR_INPUT,
                                "model %s: parameter %s=%s is invalid (expected one of %s)", model,
                                def->name, text, def->choices);
        *number = 0;
        return EN_OK;
    }
    return EN_ERROR_INTERNAL;
}

static const en_param_def *find_def(const en_model *m, const char *name)
{
    for (size_t i = 0; i < m->param_count; i++)
        if (strcmp(m->params[i].name, name) == 0) return &m->params[i];
    return NULL;
}

static const en_param_def *find_universal(const char *name)
{
    for (size_t i = 0; i < UNIVERSAL_COUNT; i++)
        if (strcmp(universal_params[i].name, name) == 0) return &universal_params[i];
    return NULL;
}

en_status en_param_values_build(const en_model *m, const en_params *given,
                                en_param_values **out, en_error *err)
{
    *out = NULL;
    en_error local = EN_ERROR_INIT;
    /* Names the user gave must exist: in the model's table, or be universal. */
    for (size_t i = 0; given && i < given->count; i++) {
        if (find_def(m, given->names[i]) || find_universal(given->names[i])) continue;
        const char *names[64];
        size_t n = 0;
        for (size_t k = 0; k < m->param_count && n < 64; k++) names[n++] = m->params[k].name;
        const char *hint = en_suggest(given->names[i], names, n);
        if (hint)
            en_error_set(&local, EN_ERROR_INPUT,
                         "model %s has no parameter '%s' (did you mean '%s'?)", m->name,
                         given->names[i], hint);
        else
            en_error_set(&local, EN_ERROR_INPUT,
                         "model %s has no parameter '%s' (see `entente models`)", m->name,
                         given->names[i]);
    }
    en_param_values *v = en_xcalloc(1, sizeof *v);
    size_t total = m->param_count + UNIVERSAL_COUNT;
    v->defs = en_xcalloc(total, sizeof *v->defs);
    v->text = en_xcalloc(total, sizeof *v->text);
    v->number = en_xcalloc(total, sizeof *v->number);
    v->given = en_xcalloc(total, sizeof *v->given);
    for (size_t i = 0; i < total; i++) {
        const en_param_def *def =
            i < m->param_count ? &m->params[i] : &universal_params[i - m->param_count];
        if (i >= m->param_count && find_def(m, def->name)) continue; /* model overrides it */
        const char *text = given ? en_params_get(given, def->name) : NULL;
        size_t k = v->count++;
        v->defs[k] = def;
        v->given[k] = text != NULL;
        if (!text) text = def->default_value;
        v->text[k] = en_xstrdup(text);
        check_value(def, text, &v->number[k], m->name, &local);
    }
    if (local.code != EN_OK) {
        en_param_values_free(v);
        en_error_move(err, &local);
        return EN_ERROR_INPUT;
    }
    *out = v;
    return EN_OK;
}

void en_param_values_free(en_param_values *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->count; i++) en_free(v->text[i]);
    en_free(v->defs);
    en_free(v->text);
    en_free(v->number);
    en_free(v->given);
    en_free(v);
}

static size_t slot(const en_param_values *v, const char *name)
{
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->defs[i]->name, name) == 0) return i;
    /* Asking for an undeclared parameter is a programming error in the model. */
    fprintf(stderr, "entente: internal error: parameter '%s' is not declared\n", name);
    abort();
}

double en_param_number(const en_param_values *v, const char *name) { return v->number[slot(v, name)]; }
long en_param_integer(const en_param_values *v, const char *name) { return (long)v->number[slot(v, name)]; }
const char *en_param_choice(const en_param_values *v, const char *name) { return v->text[slot(v, name)]; }
int en_param_given(const en_param_values *v, const char *name) { return v->given[slot(v, name)]; }

en_params *en_param_values_effective(const en_param_values *v, const en_model *m)
{
    en_params *p = new_set();
    for (size_t i = 0; i < v->count; i++) {
        int declared = find_def(m, v->defs[i]->name) != NULL;
        /* `output` says what the caller prints, not how the model ran */
        if (!declared && strcmp(v->defs[i]->name, "output") == 0) continue;
        if (declared || v->given[i]) params_set(p, v->defs[i]->name, v->text[i], NULL);
    }
    return p;
}

int en_params_is_numeric(const en_params *p, const en_model *m, size_t i)
{
    const en_param_def *def = find_def(m, p->names[i]);
    if (!def) def = find_universal(p->names[i]);
    return def && def->type != EN_PARAM_CHOICE;
}

static en_status params_for_model(const en_params *p, const en_model *m, en_params **out)
{
    en_params *subset = new_set();
    for (size_t i = 0; i < p->count; i++)
        if (find_def(m, p->names[i]) || find_universal(p->names[i]))
            params_set(subset, p->names[i], p->values[i], NULL);
    *out = subset;
    return EN_OK;
}

/* Under a guard, as en_params_copy. */
en_params *en_params_for_model(const en_params *p, const en_model *m)
{
    en_params *subset = NULL;
    en_status st;
    EN_GUARDED(st, NULL, (void)0, params_for_model(p, m, &subset));
    return st == EN_OK ? subset : NULL;
}
