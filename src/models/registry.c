/*
 * registry.c — the list of models entente knows. Adding a model is one line here and one new
 * file defining its en_model; no other model changes.
 */
#include <string.h>

#include "core/error.h"
#include "models/model.h"
#include "models/params.h"

extern const en_model en_model_compromise;
extern const en_model en_model_eum;
extern const en_model en_model_exchange;
extern const en_model en_model_median;
extern const en_model en_model_nash;
extern const en_model en_model_procedural;
extern const en_model en_model_smp;
extern const en_model en_model_ensemble;

/* A model defined above this layer (the war module, src/war/) holds its place in the list with a
 * placeholder (a name, no run function) until the module fills it through en_model_provide;
 * until then it is absent from every lookup, and the registry's order (and so every listing)
 * is the same either way. */
static const en_model war_placeholder = {"war", NULL, NULL, 0, NULL, NULL, NULL};

static const en_model *registry[] = {
    &en_model_compromise,
    &en_model_eum,
    &en_model_exchange,
    &en_model_median,
    &en_model_nash,
    &war_placeholder, /* provided by src/war/war_model.c (en_war_register) */
    &en_model_procedural,
    &en_model_smp,
    &en_model_ensemble,
};

#define REGISTRY_SLOTS (sizeof registry / sizeof registry[0])

int en_model_provide(const en_model *model)
{
    for (size_t i = 0; i < REGISTRY_SLOTS; i++)
        if (!registry[i]->run && strcmp(registry[i]->name, model->name) == 0) {
            registry[i] = model;
            return 1;
        }
    return 0;
}

size_t en_model_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < REGISTRY_SLOTS; i++) n += registry[i]->run != NULL;
    return n;
}

const en_model *en_model_at(size_t index)
{
    for (size_t i = 0; i < REGISTRY_SLOTS; i++)
        if (registry[i]->run && index-- == 0) return registry[i];
    return NULL;
}

const en_model *en_model_find(const char *name)
{
    for (size_t i = 0; i < REGISTRY_SLOTS; i++)
        if (registry[i]->run && strcmp(registry[i]->name, name) == 0) return registry[i];
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

int en_model_seed_free_always(const en_param_values *params)
{
    (void)params;
    return 1;
}

int en_model_seed_free(const en_model *m, const en_params *params)
{
    if (!m->run || !m->seed_free) return 0;
    en_param_values *values = NULL;
    en_error err = EN_ERROR_INIT;
    int answer = 0;
    if (en_param_values_build(m, params, &values, &err) == EN_OK) answer = m->seed_free(values);
    en_param_values_free(values);
    en_error_clear(&err);
    return answer;
}
