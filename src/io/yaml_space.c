/*
 * yaml_space.c — reading `settings:` and `accommodation:` of a YAML scenario (see
 * yaml_space.h and docs/scenario-format.md, "Spaces, settings and accommodation").
 */
#include "io/yaml_space.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

int en_yaml_valid_id(const char *id)
{
    if (!*id) return 0;
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') return 0;
    return 1;
}

void en_yaml_read_settings(en_yaml_reader *r, en_ynode *map)
{
    if (!en_yaml_expect(r, map, EN_YNODE_MAPPING, "settings", "a mapping from setting names to values"))
        return;
    void *iter = NULL;
    en_ynode_pair *pair;
    while ((pair = en_ynode_mapping_iterate(map, &iter))) {
        en_ynode *key = en_ynode_pair_key(pair), *value = en_ynode_pair_value(pair);
        char *name = en_yaml_string(r, key, "setting name");
        char *text = en_yaml_string(r, value, "setting value");
        if (name && text) {
            if (!en_yaml_valid_id(name))
                en_yaml_fail(r, key, "setting name '%s' is invalid (expected letters, digits, _ or -)", name);
            else en_scenario_add_setting(r->scenario, name, text);
        }
        en_free(name);
        en_free(text);
    }
}

static const char *const accommodation_keys[] = {"actor", "reference", "value"};

void en_yaml_read_accommodation(en_yaml_reader *r, en_ynode *list)
{
    if (!en_yaml_expect(r, list, EN_YNODE_SEQUENCE, "accommodation",
                        "a list of {actor, reference, value}"))
        return;
    en_scenario *s = r->scenario;
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(list, &iter))) {
        en_ynode *v[3];
        if (!en_yaml_mapping(r, item, "accommodation entry", accommodation_keys, 3, v)) continue;
        char *actor = en_yaml_required_string(r, item, v[0], "actor", "accommodation entry");
        char *reference = en_yaml_required_string(r, item, v[1], "reference", "accommodation entry");
        double value = 0;
        int ok = actor && reference;
        if (!v[2]) ok = 0, en_yaml_fail(r, item, "accommodation entry has no value (expected a number in [0, 1])");
        else if (!en_yaml_number(r, v[2], "value", &value)) ok = 0;
        else if (!(value >= 0 && value <= 1))
            ok = 0, en_yaml_fail(r, v[2], "accommodation value %g is out of range (expected a number in [0, 1])", value);
        if (actor && en_scenario_find_actor(s, actor) < 0) ok = 0, en_yaml_unknown_actor(r, v[0], actor);
        if (reference && en_scenario_find_actor(s, reference) < 0)
            ok = 0, en_yaml_unknown_actor(r, v[1], reference);
        for (size_t k = 0; ok && k < s->accommodation_count; k++)
            if (!strcmp(s->accommodation[k].actor, actor) && !strcmp(s->accommodation[k].reference, reference))
                ok = 0, en_yaml_fail(r, item, "accommodation of '%s' to '%s' is given twice", actor, reference);
        if (!ok) {
            en_free(actor);
            en_free(reference);
            continue;
        }
        s->accommodation = en_xrealloc(s->accommodation, (s->accommodation_count + 1) * sizeof *s->accommodation);
        en_accommodation *e = &s->accommodation[s->accommodation_count++];
        e->actor = actor;
        e->reference = reference;
        e->value = value;
        e->where = en_yaml_where(item);
    }
    for (size_t a = 0; a < s->actor_count; a++) {
        int self;
        const en_accommodation *last;
        const double row = en_scenario_accommodation_row(s, a, &self, &last);
        if (last && row > 1 + 1e-10)
            en_yaml_fail(r, list, "accommodation of actor '%s' adds up to %g%s (expected at most 1; "
                                  "entry on line %d)",
                         s->actors[a].id, row, self ? "" : " with its own 1 on itself", last->where.line);
    }
}
