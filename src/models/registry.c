/*
 * registry.c — the list of models entente knows. Adding a model is one line here and one new
 * file defining its en_model; no other model changes.
 */
#include <string.h>

#include "models/model.h"

extern const en_model en_model_compromise;
extern const en_model en_model_eum;
extern const en_model en_model_exchange;
extern const en_model en_model_median;
extern const en_model en_model_nash;
extern const en_model en_model_war;
extern const en_model en_model_procedural;
extern const en_model en_model_smp;
extern const en_model en_model_ensemble;

static const en_model *const registry[] = {
    &en_model_compromise,
    &en_model_eum,
    &en_model_exchange,
    &en_model_median,
    &en_model_nash,
    &en_model_war,
    &en_model_procedural,
    &en_model_smp,
    &en_model_ensemble,
};

size_t en_model_count(void) { return sizeof registry / sizeof registry[0]; }

const en_model *en_model_at(size_t index)
{
    return index < en_model_count() ? registry[index] : NULL;
}

const en_model *en_model_find(const char *name)
{
    for (size_t i = 0; i < en_model_count(); i++)
        if (strcmp(registry[i]->name, name) == 0) return registry[i];
    return NULL;
}

int en_model_applies(const en_model *m, const en_scenario *s)
{
    return !m->applies || m->applies(s);
}

const char *en_model_name(const en_model *m) { return m->name; }
const char *en_model_description(const en_model *m) { return m->description; }
size_t en_model_param_count(const en_model *m) { return m->param_count; }

void en_model_param_info(const en_model *m, size_t index, const char **name,
                         const char **default_value, const char **description,
                         const char **accepted)
{
    static const char *const type_names[] = {"number", "integer", "choice"};
    const en_param_def *def = &m->params[index];
    if (name) *name = def->name;
    if (default_value) *default_value = def->default_value;
    if (description) *description = def->description;
    if (accepted) *accepted = def->type == EN_PARAM_CHOICE ? def->choices : type_names[def->type];
}
