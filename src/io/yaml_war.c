/*
 * yaml_war.c — reads the `war:` section of a scenario (docs/scenario-format.md, "The war
 * section"): run dates, the two belligerents, the territory coordinate, WB-1 parameters from the
 * tables in core/war.c (every number may be an uncertain value), per-actor and per-issue
 * parameters, and the timeline.
 * Every problem is reported at its line and column; unknown keys and event types get a
 * did-you-mean; event dates outside the run are errors. Nothing here runs the model.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/war.h"
#include "io/yaml_war.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const war_keys[] = {"start", "end", "step_days", "belligerents", "territory",
                                       "zone_km2", "front", "mediators", "parameters",
                                       "actors", "issues", "timeline", "began", "conditions"};
enum { K_START, K_END, K_STEP, K_BELLIGERENTS, K_TERRITORY, K_ZONE, K_FRONT, K_MEDIATORS,
       K_PARAMETERS, K_ACTORS, K_ISSUES, K_TIMELINE, K_BEGAN, K_CONDITIONS };

/* Event keys; which ones each type needs (R) or accepts (O). */
static const char *const event_keys[] = {"date", "type", "actor", "issue", "amount", "steps",
                                         "change", "boost", "position", "stated", "jump_rate",
                                         "power", "value", "note", "cite", "scheduled"};
enum { E_DATE, E_TYPE, E_ACTOR, E_ISSUE, E_AMOUNT, E_STEPS, E_CHANGE, E_BOOST, E_POSITION,
       E_STATED, E_JUMP_RATE, E_POWER, E_VALUE, E_NOTE, E_CITE, E_SCHEDULED, E_KEY_COUNT };
#define R(k) (1u << (k))
#define COMMON (R(E_DATE) | R(E_TYPE) | R(E_NOTE) | R(E_CITE) | R(E_SCHEDULED))
static const struct {
    unsigned required, allowed;
} event_rules[EN_WAR_EVENT_TYPE_COUNT] = {
    [EN_WAR_AID] = {R(E_ACTOR) | R(E_AMOUNT), R(E_STEPS)},
    [EN_WAR_AID_STALL] = {R(E_ACTOR), 0},
    [EN_WAR_AID_RESUME] = {R(E_ACTOR), 0},
    [EN_WAR_CHANNEL_CLOSE] = {0, R(E_ACTOR)},
    [EN_WAR_CHANNEL_OPEN] = {0, R(E_ACTOR)},
    [EN_WAR_COMMITMENT] = {R(E_ACTOR) | R(E_ISSUE), R(E_CHANGE) | R(E_STATED)},
    [EN_WAR_OFFENSIVE] = {R(E_ACTOR) | R(E_BOOST), R(E_STEPS) | R(E_JUMP_RATE)},
    [EN_WAR_MOBILIZATION] = {R(E_ACTOR) | R(E_POWER), 0},
    [EN_WAR_FRONT] = {R(E_CHANGE), R(E_STEPS)},
    [EN_WAR_MEDIATION] = {R(E_ACTOR), R(E_STEPS)},
    [EN_WAR_LEADER_CHANGE] = {R(E_ACTOR), 0},
    [EN_WAR_BELIEF] = {R(E_ACTOR) | R(E_CHANGE), 0},
    [EN_WAR_POSITION] = {R(E_ACTOR) | R(E_ISSUE) | R(E_POSITION), 0},
    [EN_WAR_VETO] = {R(E_ACTOR) | R(E_ISSUE) | R(E_VALUE), 0},
};

/* Reads an actor reference; -1 (reported) when unknown. */
static long read_actor_ref(en_yaml_reader *r, en_ynode *node, const char *what)
{
    char *id = en_yaml_string(r, node, what);
    if (!id) {
        if (node && en_yaml_is_null(node)) en_yaml_fail(r, node, "%s is empty (expected an actor id)", what);
        return -1;
    }
    long a = en_scenario_find_actor(r->scenario, id);
    if (a < 0) en_yaml_unknown_actor(r, node, id);
    en_free(id);
    return a;
}

static long read_issue_ref(en_yaml_reader *r, en_ynode *node, const char *what)
{
    char *id = en_yaml_string(r, node, what);
    if (!id) {
        if (node && en_yaml_is_null(node)) en_yaml_fail(r, node, "%s is empty (expected an issue id)", what);
        return -1;
    }
    long i = en_scenario_find_issue(r->scenario, id);
    if (i < 0) en_yaml_unknown_issue(r, node, id);
    en_free(id);
    return i;
}

static long read_date(en_yaml_reader *r, en_ynode *node, const char *what, char **text)
{
    *text = en_yaml_string(r, node, what);
    int ok = 0;
    long day = *text ? en_date_days(*text, &ok) : 0;
    if (*text && !ok)
        en_yaml_fail(r, node, "%s '%s' is invalid (expected an ISO date YYYY-MM-DD)", what, *text);
    if (!*text && node) en_yaml_fail(r, node, "%s is empty (expected an ISO date YYYY-MM-DD)", what);
    return ok ? day : LONG_MIN;
}

/* en_yaml_value plus the range check the scenario validator does for stances: the war section
 * is not part of en_scenario_validate, so its values are checked here, where their node is. */
static int checked_value(en_yaml_reader *r, en_ynode *node, const char *what, double min,
                         double max, en_value *out)
{
    if (!en_yaml_value(r, node, what, min, max, out)) return 0;
    int ok = out->value >= min && out->value <= max;
    if (out->kind == EN_VALUE_TRIANGULAR)
        ok = ok && out->low >= min && out->high <= max && out->low <= out->value && out->value <= out->high;
    if (out->kind == EN_VALUE_NORMAL) ok = ok && out->sd >= 0;
    if (!ok) {
        if (isinf(max) && isinf(min))
            en_yaml_fail(r, node, "%s is invalid (expected low <= value <= high and sd >= 0)", what);
        else if (isinf(max))
            en_yaml_fail(r, node, "%s %g is out of range (expected a number >= %g, and low <= value <= high)", what, out->value, min);
        else
            en_yaml_fail(r, node, "%s %g is out of range (expected a number in [%g, %g], and low <= value <= high)", what, out->value, min, max);
    }
    return ok;
}

/* A value checked against a parameter definition (range; integer if required). */
static int read_param(en_yaml_reader *r, en_ynode *node, const en_war_param_def *def,
                      en_value *out)
{
    if (!checked_value(r, node, def->name, def->min, def->max, out)) return 0;
    if (def->integer && out->value != floor(out->value)) {
        en_yaml_fail(r, node, "%s %g is not a whole number (expected an integer)", def->name, out->value);
        return 0;
    }
    if (def->integer && en_value_is_uncertain(out)) {
        en_yaml_fail(r, node, "%s cannot be uncertain (it sets the size of the simulation)", def->name);
        return 0;
    }
    return 1;
}

/* Reads a mapping NAME: VALUE whose names come from a parameter table (plus `extra` keys the
 * caller handles, returned in extra_values). */
static void read_param_map(en_yaml_reader *r, en_ynode *node, const char *what,
                           const en_war_param_def *defs, size_t count, en_value *values,
                           const char *const *extra, size_t extra_count,
                           en_ynode **extra_values, en_ynode **param_nodes)
{
    const char *keys[WA_COUNT + WP_COUNT + 4];
    en_ynode *v[WA_COUNT + WP_COUNT + 4];
    size_t n = 0;
    for (size_t k = 0; k < count; k++) keys[n++] = defs[k].name;
    for (size_t k = 0; k < extra_count; k++) keys[n++] = extra[k];
    /* Callers look at param_nodes even when the value is not a mapping: clear them first. */
    for (size_t k = 0; param_nodes && k < count; k++) param_nodes[k] = NULL;
    if (!en_yaml_mapping(r, node, what, keys, n, v)) return;
    for (size_t k = 0; k < count; k++) {
        if (param_nodes) param_nodes[k] = v[k];
        if (v[k]) read_param(r, v[k], &defs[k], &values[k]);
    }
    for (size_t k = 0; k < extra_count; k++) extra_values[k] = v[count + k];
}

static int is_belligerent(const en_war *w, long a) { return a >= 0 && (a == w->side_a || a == w->side_b); }

static int is_patron_of_side(const en_scenario *s, const en_war *w, long a)
{
    return a >= 0 && s->actors[a].role == EN_ROLE_PATRON && s->actors[a].patron_of >= 0 &&
           is_belligerent(w, s->actors[a].patron_of);
}

static void read_commitments(en_yaml_reader *r, en_war *w, size_t actor, en_ynode *map)
{
    if (!en_yaml_expect(r, map, EN_YNODE_MAPPING, "commitment", "a mapping from issue ids to stocks in [0, 1]"))
        return;
    void *iter = NULL;
    en_ynode_pair *pair;
    while ((pair = en_ynode_mapping_iterate(map, &iter))) {
        long issue = read_issue_ref(r, en_ynode_pair_key(pair), "issue id");
        if (issue < 0) continue;
        checked_value(r, en_ynode_pair_value(pair), "commitment", 0, 1,
                      &w->commitment[actor * r->scenario->issue_count + (size_t)issue]);
    }
}

static void read_actor_section(en_yaml_reader *r, en_war *w, en_ynode *map)
{
    if (!en_yaml_expect(r, map, EN_YNODE_MAPPING, "war actors", "a mapping from actor ids to parameters"))
        return;
    const en_scenario *s = r->scenario;
    void *iter = NULL;
    en_ynode_pair *pair;
    while ((pair = en_ynode_mapping_iterate(map, &iter))) {
        long a = read_actor_ref(r, en_ynode_pair_key(pair), "actor id");
        if (a < 0) continue;
        static const char *const extra[] = {"commitment"};
        en_ynode *extra_values[1] = {NULL}, *nodes[WA_COUNT] = {NULL};
        read_param_map(r, en_ynode_pair_value(pair), "war actor parameters", en_war_actor_params,
                       WA_COUNT, en_war_actor_param(w, (size_t)a, 0), extra, 1, extra_values, nodes);
        if (extra_values[0]) read_commitments(r, w, (size_t)a, extra_values[0]);
        if (w->side_a < 0 || w->side_b < 0) continue; /* roles unknown: already reported */
        for (int k = WA_FIRST_BELLIGERENT; k < WA_FIRST_PATRON; k++)
            if (nodes[k] && !is_belligerent(w, a))
                en_yaml_fail(r, nodes[k], "%s applies to belligerents only ('%s' is not one of war.belligerents)",
                             en_war_actor_params[k].name, s->actors[a].id);
        for (int k = WA_FIRST_PATRON; k < WA_COUNT; k++)
            if (nodes[k] && !is_patron_of_side(s, w, a))
                en_yaml_fail(r, nodes[k], "%s applies to patrons only ('%s' needs role: patron and patron_of a belligerent)",
                             en_war_actor_params[k].name, s->actors[a].id);
    }
}

static void read_issue_section(en_yaml_reader *r, en_war *w, en_ynode *map)
{
    if (!en_yaml_expect(r, map, EN_YNODE_MAPPING, "war issues", "a mapping from issue ids to parameters"))
        return;
    void *iter = NULL;
    en_ynode_pair *pair;
    while ((pair = en_ynode_mapping_iterate(map, &iter))) {
        long i = read_issue_ref(r, en_ynode_pair_key(pair), "issue id");
        if (i < 0) continue;
        read_param_map(r, en_ynode_pair_value(pair), "war issue parameters", en_war_issue_params,
                       WI_COUNT, en_war_issue_param(w, (size_t)i, 0), NULL, 0, NULL, NULL);
    }
}

/* One cited source id, checked against the scenario's sources and kept on the event (the
 * simulation ignores cites; convert writes them back). */
static void read_cite(en_yaml_reader *r, en_ynode *node, en_war_event *ev)
{
    char *id = en_yaml_string(r, node, "cite");
    if (!id) return;
    if (en_scenario_find_source(r->scenario, id) < 0) en_yaml_unknown_source(r, node, id);
    ev->cite = en_xrealloc(ev->cite, (ev->cite_count + 1) * sizeof *ev->cite);
    ev->cite[ev->cite_count++] = id;
}

static void read_cites(en_yaml_reader *r, en_ynode *node, en_war_event *ev)
{
    if (en_yaml_is_null(node)) return;
    if (en_ynode_is_scalar(node)) {
        read_cite(r, node, ev);
        return;
    }
    if (!en_yaml_expect(r, node, EN_YNODE_SEQUENCE, "cite", "a list of source ids")) return;
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(node, &iter))) read_cite(r, item, ev);
}

static int event_type_of(en_yaml_reader *r, en_ynode *node, en_war_event_type *type)
{
    char *name = en_yaml_string(r, node, "event type");
    if (!name) {
        if (node) en_yaml_fail(r, node, "event type is empty");
        return 0;
    }
    for (int t = 0; t < EN_WAR_EVENT_TYPE_COUNT; t++)
        if (strcmp(name, en_war_event_names[t]) == 0) {
            *type = (en_war_event_type)t;
            en_free(name);
            return 1;
        }
    const char *hint = en_suggest(name, en_war_event_names, EN_WAR_EVENT_TYPE_COUNT);
    if (hint) en_yaml_fail(r, node, "unknown event type '%s' (did you mean '%s'?)", name, hint);
    else {
        en_buffer list = {0};
        for (int t = 0; t < EN_WAR_EVENT_TYPE_COUNT; t++) {
            if (t) en_buffer_puts(&list, ", ");
            en_buffer_puts(&list, en_war_event_names[t]);
        }
        en_yaml_fail(r, node, "unknown event type '%s' (expected one of: %s)", name, list.data);
        en_buffer_free(&list);
    }
    en_free(name);
    return 0;
}

static void read_event(en_yaml_reader *r, en_war *w, en_ynode *item)
{
    const en_scenario *s = r->scenario;
    en_ynode *v[E_KEY_COUNT];
    if (!en_yaml_mapping(r, item, "event", event_keys, E_KEY_COUNT, v)) return;
    en_war_event ev;
    memset(&ev, 0, sizeof ev);
    ev.actor = ev.issue = -1;
    ev.steps = 1;
    ev.where = en_yaml_where(item);
    ev.amount = ev.change = ev.boost = ev.position = ev.stated = ev.jump_rate = ev.power =
        en_value_fixed(0, -HUGE_VAL, HUGE_VAL);
    int ok = 1;
    if (!v[E_DATE]) {
        en_yaml_fail(r, item, "event has no date (expected date: YYYY-MM-DD)");
        ok = 0;
    } else {
        ev.day = read_date(r, v[E_DATE], "event date", &ev.date);
        if (ev.day == LONG_MIN) ok = 0;
        else if (w->start && w->end && ev.day > w->end_day) {
            /* events before start are history: they fold into the state at the first step */
            en_yaml_fail(r, v[E_DATE], "event date %s is outside the run (%s to %s)", ev.date,
                         w->start, w->end);
            ok = 0;
        }
    }
    if (!v[E_TYPE]) {
        en_yaml_fail(r, item, "event has no type (expected type: one of aid, aid_stall, aid_resume, channel_close, channel_open, commitment, offensive, mobilization, front, mediation, leader_change, belief, position, veto)");
        en_free(ev.date);
        return;
    }
    if (!event_type_of(r, v[E_TYPE], &ev.type)) {
        en_free(ev.date);
        return;
    }
    const char *tname = en_war_event_names[ev.type];
    unsigned required = event_rules[ev.type].required, allowed = required | event_rules[ev.type].allowed | COMMON;
    for (int k = 0; k < E_KEY_COUNT; k++) {
        if (v[k] && !(allowed & R(k))) {
            en_yaml_fail(r, v[k], "key '%s' does not apply to %s events", event_keys[k], tname);
            ok = 0;
        }
        if (!v[k] && (required & R(k))) {
            en_yaml_fail(r, item, "%s event has no %s (expected %s: ...)", tname, event_keys[k], event_keys[k]);
            ok = 0;
        }
    }
    if (v[E_ACTOR]) {
        ev.actor = read_actor_ref(r, v[E_ACTOR], "event actor");
        if (ev.actor < 0) ok = 0;
    }
    if (v[E_ISSUE]) {
        ev.issue = read_issue_ref(r, v[E_ISSUE], "event issue");
        if (ev.issue < 0) ok = 0;
    }
    if (ev.actor >= 0 && w->side_a >= 0 && w->side_b >= 0) {
        int patron_only = ev.type == EN_WAR_AID || ev.type == EN_WAR_AID_STALL || ev.type == EN_WAR_AID_RESUME;
        int belligerent_only = ev.type == EN_WAR_OFFENSIVE || ev.type == EN_WAR_MOBILIZATION;
        if (patron_only && !is_patron_of_side(s, w, ev.actor)) {
            en_yaml_fail(r, v[E_ACTOR], "%s event: '%s' is not a patron of a belligerent (expected role: patron with patron_of)",
                         tname, s->actors[ev.actor].id);
            ok = 0;
        }
        if (belligerent_only && !is_belligerent(w, ev.actor)) {
            en_yaml_fail(r, v[E_ACTOR], "%s event: '%s' is not one of war.belligerents", tname,
                         s->actors[ev.actor].id);
            ok = 0;
        }
        if (ev.type == EN_WAR_MEDIATION && s->actors[ev.actor].role != EN_ROLE_MEDIATOR) {
            int listed = 0;
            for (size_t m = 0; m < w->mediator_count; m++) listed |= w->mediators[m] == ev.actor;
            if (!listed) {
                en_yaml_fail(r, v[E_ACTOR], "mediation event: '%s' is not a mediator (list it in war.mediators or give it role: mediator)",
                             s->actors[ev.actor].id);
                ok = 0;
            }
        }
    }
    const en_issue *issue = ev.issue >= 0 ? &s->issues[ev.issue] : NULL;
    if (v[E_AMOUNT]) ok &= checked_value(r, v[E_AMOUNT], "amount", 0, HUGE_VAL, &ev.amount);
    if (v[E_STEPS]) {
        double steps;
        if (en_yaml_number(r, v[E_STEPS], "steps", &steps)) {
            if (steps != floor(steps) || steps < 1 || steps > 100000) {
                en_yaml_fail(r, v[E_STEPS], "steps %g is invalid (expected a whole number >= 1)", steps);
                ok = 0;
            } else {
                ev.steps = (long)steps;
            }
        } else {
            ok = 0;
        }
    }
    if (v[E_CHANGE]) {
        /* Ranges: a commitment stock and a front share live in [0, 1], a belief bias in [-1, 1]. */
        ev.has_change = checked_value(r, v[E_CHANGE], "change", -1, 1, &ev.change);
        ok &= ev.has_change;
    }
    if (v[E_BOOST]) ok &= checked_value(r, v[E_BOOST], "boost", -1, HUGE_VAL, &ev.boost);
    if (v[E_JUMP_RATE]) {
        ev.has_jump_rate = checked_value(r, v[E_JUMP_RATE], "jump_rate", 0, 1, &ev.jump_rate);
        ok &= ev.has_jump_rate;
    }
    if (v[E_POWER]) ok &= checked_value(r, v[E_POWER], "power", -HUGE_VAL, HUGE_VAL, &ev.power);
    if (v[E_POSITION] && issue)
        ok &= checked_value(r, v[E_POSITION], "position", issue->scale_min, issue->scale_max, &ev.position);
    if (v[E_STATED] && issue) {
        ev.has_stated = checked_value(r, v[E_STATED], "stated", issue->scale_min, issue->scale_max, &ev.stated);
        ok &= ev.has_stated;
    }
    if (v[E_VALUE]) ok &= en_yaml_bool(r, v[E_VALUE], "value", &ev.value);
    if (v[E_SCHEDULED]) ok &= en_yaml_bool(r, v[E_SCHEDULED], "scheduled", &ev.scheduled);
    if (ev.type == EN_WAR_COMMITMENT && !v[E_CHANGE] && !v[E_STATED]) {
        en_yaml_fail(r, item, "commitment event needs change or stated (or both)");
        ok = 0;
    }
    if (v[E_CITE]) read_cites(r, v[E_CITE], &ev);
    ev.note = en_yaml_string(r, v[E_NOTE], "note");
    if (!ok) {
        en_war_event_clear(&ev);
        return;
    }
    w->events = en_xrealloc(w->events, (w->event_count + 1) * sizeof *w->events);
    w->events[w->event_count++] = ev;
}

static void read_timeline(en_yaml_reader *r, en_war *w, en_ynode *list)
{
    if (!en_yaml_expect(r, list, EN_YNODE_SEQUENCE, "timeline", "a list of dated events")) return;
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(list, &iter))) read_event(r, w, item);
    /* Stable insertion sort by day: events of one day keep file order. */
    for (size_t i = 1; i < w->event_count; i++) {
        en_war_event e = w->events[i];
        size_t j = i;
        while (j > 0 && w->events[j - 1].day > e.day) {
            w->events[j] = w->events[j - 1];
            j--;
        }
        w->events[j] = e;
    }
}

/* WB-2 (3) conditional packages: a list of
 *   {actor: ID, if: ISSUE, if_at_least|if_at_most: X, then: ISSUE, then_at_least|then_at_most: Y}
 * (exactly one bound on each side, inside the issue's scale; the actor a veto player). */
static void read_conditions(en_yaml_reader *r, en_war *w, en_ynode *list)
{
    static const char *const keys[] = {"actor", "if", "if_at_least", "if_at_most", "then",
                                       "then_at_least", "then_at_most", "note"};
    enum { C_ACTOR, C_IF, C_IF_LEAST, C_IF_MOST, C_THEN, C_THEN_LEAST, C_THEN_MOST, C_NOTE };
    if (!en_yaml_expect(r, list, EN_YNODE_SEQUENCE, "conditions", "a list of conditions")) return;
    const en_scenario *s = r->scenario;
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(list, &iter))) {
        en_ynode *v[COUNT(keys)];
        if (!en_yaml_mapping(r, item, "condition", keys, COUNT(keys), v)) continue;
        en_war_condition c = {-1, -1, -1, 0, 0, 0, 0, en_yaml_where(item)};
        int ok = 1;
        if (!v[C_ACTOR]) en_yaml_fail(r, item, "condition has no actor (expected actor: ID)"), ok = 0;
        else if ((c.actor = read_actor_ref(r, v[C_ACTOR], "condition actor")) < 0) ok = 0;
        for (int side = 0; side < 2; side++) {
            en_ynode *issue = v[side ? C_THEN : C_IF], *least = v[side ? C_THEN_LEAST : C_IF_LEAST],
                     *most = v[side ? C_THEN_MOST : C_IF_MOST];
            const char *name = side ? "then" : "if";
            long *k = side ? &c.then_issue : &c.if_issue;
            double *bound = side ? &c.then_bound : &c.if_bound;
            int *dir = side ? &c.then_dir : &c.if_dir;
            if (!issue) {
                en_yaml_fail(r, item, "condition has no %s (expected %s: ISSUE)", name, name);
                ok = 0;
                continue;
            }
            if ((*k = read_issue_ref(r, issue, name)) < 0) ok = 0;
            if ((least != NULL) == (most != NULL)) {
                en_yaml_fail(r, least && most ? most : issue, "condition needs exactly one of %s_at_least and %s_at_most", name, name);
                ok = 0;
                continue;
            }
            en_ynode *at = least ? least : most;
            *dir = least ? 1 : -1;
            if (!en_yaml_number(r, at, least ? (side ? "then_at_least" : "if_at_least") : (side ? "then_at_most" : "if_at_most"), bound)) {
                ok = 0;
                continue;
            }
            if (*k >= 0 && !(*bound >= s->issues[*k].scale_min && *bound <= s->issues[*k].scale_max)) {
                en_yaml_fail(r, at, "%s bound %g is outside the scale of '%s' (expected a number in [%g, %g])", name, *bound,
                             s->issues[*k].id, s->issues[*k].scale_min, s->issues[*k].scale_max);
                ok = 0;
            }
        }
        if (ok && c.if_issue == c.then_issue)
            en_yaml_fail(r, v[C_THEN], "condition ties issue '%s' to itself (expected two different issues)", s->issues[c.if_issue].id), ok = 0;
        if (!ok) continue;
        w->conditions = en_xrealloc(w->conditions, (w->condition_count + 1) * sizeof *w->conditions);
        w->conditions[w->condition_count++] = c;
    }
}

static void read_belligerents(en_yaml_reader *r, en_war *w, en_ynode *node)
{
    if (!en_yaml_expect(r, node, EN_YNODE_SEQUENCE, "belligerents", "[A, B]: two actor ids")) return;
    if (en_ynode_sequence_item_count(node) != 2) {
        en_yaml_fail(r, node, "belligerents has %d entries (expected two actor ids [A, B])",
                     en_ynode_sequence_item_count(node));
        return;
    }
    w->side_a = read_actor_ref(r, en_ynode_sequence_get_by_index(node, 0), "belligerent");
    w->side_b = read_actor_ref(r, en_ynode_sequence_get_by_index(node, 1), "belligerent");
    if (w->side_a >= 0 && w->side_a == w->side_b) {
        en_yaml_fail(r, node, "belligerents names '%s' twice (expected two different actors)",
                     r->scenario->actors[w->side_a].id);
        w->side_b = -1;
    }
}

static void read_mediators(en_yaml_reader *r, en_war *w, en_ynode *node)
{
    if (!en_yaml_expect(r, node, EN_YNODE_SEQUENCE, "mediators", "a list of actor ids")) return;
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(node, &iter))) {
        long a = read_actor_ref(r, item, "mediator");
        if (a < 0) continue;
        if (is_belligerent(w, a)) {
            en_yaml_fail(r, item, "'%s' is a belligerent and cannot be a mediator", r->scenario->actors[a].id);
            continue;
        }
        w->mediators = en_xrealloc(w->mediators, (w->mediator_count + 1) * sizeof *w->mediators);
        w->mediators[w->mediator_count++] = a;
    }
}

/* What the simulation relies on: both belligerents state an ideal on every issue, and they
 * differ on the territory coordinate (its direction follows from their ideals). */
static void check_belligerents(en_yaml_reader *r, en_war *w, en_ynode *node)
{
    const en_scenario *s = r->scenario;
    if (w->side_a < 0 || w->side_b < 0) return;
    for (size_t i = 0; i < s->issue_count; i++)
        for (int side = 0; side < 2; side++) {
            const en_actor *a = &s->actors[side ? w->side_b : w->side_a];
            if (!a->stances[i].present)
                en_yaml_fail(r, node, "belligerent '%s' has no position on issue '%s' (the war layer needs both belligerents' ideals on every issue)",
                             a->id, s->issues[i].id);
        }
    if (w->territory >= 0) {
        const en_stance *sa = &s->actors[w->side_a].stances[w->territory];
        const en_stance *sb = &s->actors[w->side_b].stances[w->territory];
        if (sa->present && sb->present && sa->position.value == sb->position.value)
            en_yaml_fail(r, node, "belligerents hold the same position on the territory issue '%s' (expected opposite ends)",
                         s->issues[w->territory].id);
    }
}

void en_yaml_read_war(en_yaml_reader *r, en_ynode *node)
{
    en_scenario *s = r->scenario;
    en_ynode *v[COUNT(war_keys)];
    if (!en_yaml_mapping(r, node, "war", war_keys, COUNT(war_keys), v)) return;
    if (s->war) en_war_free(s->war);
    en_war *w = s->war = en_war_new(s);
    w->where = en_yaml_where(node);
    if (!v[K_START]) en_yaml_fail(r, node, "war has no start (expected start: YYYY-MM-DD)");
    else w->start_day = read_date(r, v[K_START], "start", &w->start);
    if (!v[K_END]) en_yaml_fail(r, node, "war has no end (expected end: YYYY-MM-DD)");
    else w->end_day = read_date(r, v[K_END], "end", &w->end);
    if (w->start && w->end && w->start_day != LONG_MIN && w->end_day != LONG_MIN &&
        w->end_day <= w->start_day)
        en_yaml_fail(r, v[K_END], "end %s is not after start %s", w->end, w->start);
    if (v[K_BEGAN] && !en_yaml_is_null(v[K_BEGAN])) {
        w->began_day = read_date(r, v[K_BEGAN], "began", &w->began);
        if (w->began && w->start && w->began_day != LONG_MIN && w->start_day != LONG_MIN &&
            w->began_day > w->start_day)
            en_yaml_fail(r, v[K_BEGAN], "began %s is after start %s (expected the day the fighting began, on or before start)",
                         w->began, w->start);
        if (w->began_day == LONG_MIN) {
            en_free(w->began);
            w->began = NULL;
        }
    }
    if (w->start_day == LONG_MIN || w->end_day == LONG_MIN) { /* bad dates: skip the range checks */
        en_free(w->start), en_free(w->end);
        w->start = w->end = NULL;
    }
    if (v[K_STEP]) {
        double days;
        if (en_yaml_number(r, v[K_STEP], "step_days", &days)) {
            if (days != floor(days) || days < 1 || days > 366)
                en_yaml_fail(r, v[K_STEP], "step_days %g is invalid (expected a whole number of days in [1, 366])", days);
            else
                w->step_days = (long)days;
        }
    }
    if (w->start && w->end && en_war_step_count(w) > 100000)
        en_yaml_fail(r, v[K_END], "the run has %ld steps (expected at most 100000; raise step_days)",
                     en_war_step_count(w));
    if (v[K_BELLIGERENTS]) read_belligerents(r, w, v[K_BELLIGERENTS]);
    else en_yaml_fail(r, node, "war has no belligerents (expected belligerents: [A, B])");
    if (v[K_TERRITORY] && !en_yaml_is_null(v[K_TERRITORY]))
        w->territory = read_issue_ref(r, v[K_TERRITORY], "territory");
    if (v[K_ZONE]) {
        double km2;
        if (en_yaml_number(r, v[K_ZONE], "zone_km2", &km2)) {
            if (!(km2 >= 0)) en_yaml_fail(r, v[K_ZONE], "zone_km2 %g is negative (expected >= 0)", km2);
            else w->zone_km2 = km2;
        }
    }
    if (v[K_FRONT]) checked_value(r, v[K_FRONT], "front", 0, 1, &w->front);
    if (v[K_MEDIATORS]) read_mediators(r, w, v[K_MEDIATORS]);
    if (v[K_PARAMETERS])
        read_param_map(r, v[K_PARAMETERS], "war parameters", en_war_global_params, WP_COUNT,
                       w->global, NULL, 0, NULL, NULL);
    if (w->global[WP_Z_MIN].value >= w->global[WP_Z_MAX].value)
        en_yaml_fail(r, v[K_PARAMETERS] ? v[K_PARAMETERS] : node, "z_min %g is not below z_max %g",
                     w->global[WP_Z_MIN].value, w->global[WP_Z_MAX].value);
    if (v[K_ACTORS]) read_actor_section(r, w, v[K_ACTORS]);
    if (v[K_ISSUES]) read_issue_section(r, w, v[K_ISSUES]);
    check_belligerents(r, w, v[K_BELLIGERENTS] ? v[K_BELLIGERENTS] : node);
    if (v[K_TIMELINE]) read_timeline(r, w, v[K_TIMELINE]);
    if (v[K_CONDITIONS]) read_conditions(r, w, v[K_CONDITIONS]);
}
