/*
 * yaml_write_war.c — writes the `war:` section (core/war.h) back as YAML, the inverse of
 * yaml_war.c, so that `entente convert` keeps a war-bargaining scenario whole: loading the
 * written text gives the same en_war, value for value (tests/io/test_yaml_write_war.c).
 * Parameters and commitment stocks at their defaults are left out, because the reader fills in
 * exactly those values again; everything else is written, uncertain values in their own form.
 */
#include <string.h>

#include "core/war.h"
#include "io/yaml_write.h"

/* Equality of the bits, not of the numbers: -0 equals 0 but must not be dropped as a default
 * 0, or it would read back with the other sign. */
static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* True when leaving the value out gives it back: the reader starts every parameter as a plain
 * number at its default with the table's valid range, and reads a written one with that range. */
static int is_default(const en_value *v, double default_value)
{
    return v->kind == EN_VALUE_FIXED && same_bits(v->value, default_value);
}

static void id_line(en_buffer *out, const char *indent, const char *key, const char *id)
{
    en_buffer_printf(out, "%s%s: ", indent, key);
    en_yaml_write_quoted(out, id);
    en_buffer_puts(out, "\n");
}

static void value_line(en_buffer *out, const char *indent, const char *key, const en_value *v)
{
    en_buffer_printf(out, "%s%s: ", indent, key);
    en_yaml_write_value(out, v);
    en_buffer_puts(out, "\n");
}

static size_t changed_params(const en_war_param_def *defs, size_t count, const en_value *values)
{
    size_t changed = 0;
    for (size_t k = 0; k < count; k++) changed += !is_default(&values[k], defs[k].default_value);
    return changed;
}

static void write_params(en_buffer *out, const char *indent, const en_war_param_def *defs,
                         size_t count, const en_value *values)
{
    for (size_t k = 0; k < count; k++)
        if (!is_default(&values[k], defs[k].default_value))
            value_line(out, indent, defs[k].name, &values[k]);
}

/* Initial commitment stocks start at 0 (en_war_new), so only the others are written. */
static size_t changed_commitments(const en_war *w, const en_scenario *s, size_t actor)
{
    size_t changed = 0;
    for (size_t i = 0; i < s->issue_count; i++)
        changed += !is_default(&w->commitment[actor * s->issue_count + i], 0);
    return changed;
}

static void write_actors(en_buffer *out, const en_war *w, const en_scenario *s)
{
    int header_written = 0;
    for (size_t a = 0; a < s->actor_count; a++) {
        const en_value *params = en_war_actor_param(w, a, 0);
        size_t commitments = changed_commitments(w, s, a);
        if (!changed_params(en_war_actor_params, WA_COUNT, params) && !commitments) continue;
        if (!header_written) en_buffer_puts(out, "  actors:\n");
        header_written = 1;
        en_buffer_puts(out, "    ");
        en_yaml_write_quoted(out, s->actors[a].id);
        en_buffer_puts(out, ":\n");
        /* Belligerent-only and patron-only parameters of other actors are never off their
         * defaults (the reader refuses them there), so this writes only keys that load. */
        write_params(out, "      ", en_war_actor_params, WA_COUNT, params);
        if (!commitments) continue;
        en_buffer_puts(out, "      commitment:\n");
        for (size_t i = 0; i < s->issue_count; i++) {
            const en_value *stock = &w->commitment[a * s->issue_count + i];
            if (is_default(stock, 0)) continue;
            en_buffer_puts(out, "        ");
            en_yaml_write_quoted(out, s->issues[i].id);
            en_buffer_puts(out, ": ");
            en_yaml_write_value(out, stock);
            en_buffer_puts(out, "\n");
        }
    }
}

static void write_issues(en_buffer *out, const en_war *w, const en_scenario *s)
{
    int header_written = 0;
    for (size_t i = 0; i < s->issue_count; i++) {
        const en_value *params = en_war_issue_param(w, i, 0);
        if (!changed_params(en_war_issue_params, WI_COUNT, params)) continue;
        if (!header_written) en_buffer_puts(out, "  issues:\n");
        header_written = 1;
        en_buffer_puts(out, "    ");
        en_yaml_write_quoted(out, s->issues[i].id);
        en_buffer_puts(out, ":\n");
        write_params(out, "      ", en_war_issue_params, WI_COUNT, params);
    }
}

/* ", key: value" inside an event's flow mapping. */
static void event_value(en_buffer *out, const char *key, const en_value *v)
{
    en_buffer_printf(out, ", %s: ", key);
    en_yaml_write_value(out, v);
}

static void event_id(en_buffer *out, const char *key, const char *id)
{
    en_buffer_printf(out, ", %s: ", key);
    en_yaml_write_quoted(out, id);
}

/* One event as a flow mapping on one line, like the bundled scenarios write them. Each type
 * gets exactly the keys the reader accepts for it (yaml_war.c, event_rules): a key too many
 * would make the file fail to load, one too few would lose a value. */
static void write_event(en_buffer *out, const en_war_event *e, const en_scenario *s)
{
    en_buffer_printf(out, "    - {date: %s, type: %s", e->date, en_war_event_names[e->type]);
    if (e->actor >= 0) event_id(out, "actor", s->actors[e->actor].id);
    if (e->issue >= 0) event_id(out, "issue", s->issues[e->issue].id);
    /* The values each type requires; no flag says they were given because they always are.
     * No default case: a new event type must be added here (-Wswitch). */
    switch (e->type) {
    case EN_WAR_AID: event_value(out, "amount", &e->amount); break;
    case EN_WAR_OFFENSIVE: event_value(out, "boost", &e->boost); break;
    case EN_WAR_MOBILIZATION: event_value(out, "power", &e->power); break;
    case EN_WAR_POSITION: event_value(out, "position", &e->position); break;
    case EN_WAR_VETO: en_buffer_printf(out, ", value: %s", e->value ? "true" : "false"); break;
    case EN_WAR_AID_STALL:
    case EN_WAR_AID_RESUME:
    case EN_WAR_CHANNEL_CLOSE:
    case EN_WAR_CHANNEL_OPEN:
    case EN_WAR_COMMITMENT:
    case EN_WAR_FRONT:
    case EN_WAR_MEDIATION:
    case EN_WAR_LEADER_CHANGE:
    case EN_WAR_BELIEF:
    case EN_WAR_EVENT_TYPE_COUNT: break;
    }
    /* Optional (or required but flagged) values: written when the file gave them. */
    if (e->has_change) event_value(out, "change", &e->change);
    if (e->has_stated) event_value(out, "stated", &e->stated);
    if (e->has_jump_rate) event_value(out, "jump_rate", &e->jump_rate);
    if (e->steps != 1) en_buffer_printf(out, ", steps: %ld", e->steps); /* 1 is the default */
    if (e->scheduled) en_buffer_puts(out, ", scheduled: true");
    if (e->cite_count) {
        en_buffer_puts(out, ", cite: [");
        for (size_t c = 0; c < e->cite_count; c++) {
            if (c) en_buffer_puts(out, ", ");
            en_yaml_write_quoted(out, e->cite[c]);
        }
        en_buffer_puts(out, "]");
    }
    if (e->note) {
        en_buffer_puts(out, ", note: ");
        en_yaml_write_quoted(out, e->note);
    }
    en_buffer_puts(out, "}\n");
}

void en_yaml_write_war(en_buffer *out, const en_scenario *s)
{
    const en_war *w = s->war;
    if (!w) return;
    en_buffer_puts(out, "war:\n");
    /* A loaded section always has its dates and belligerents; the checks only keep a
     * hand-built one from printing NULL (the reader then reports what is missing). */
    if (w->start) en_buffer_printf(out, "  start: %s\n", w->start);
    if (w->end) en_buffer_printf(out, "  end: %s\n", w->end);
    en_buffer_printf(out, "  step_days: %ld\n", w->step_days);
    if (w->began) en_buffer_printf(out, "  began: %s\n", w->began);
    if (w->side_a >= 0 && w->side_b >= 0) {
        en_buffer_puts(out, "  belligerents: [");
        en_yaml_write_quoted(out, s->actors[w->side_a].id);
        en_buffer_puts(out, ", ");
        en_yaml_write_quoted(out, s->actors[w->side_b].id);
        en_buffer_puts(out, "]\n");
    }
    if (w->territory >= 0) id_line(out, "  ", "territory", s->issues[w->territory].id);
    en_buffer_puts(out, "  zone_km2: ");
    en_yaml_write_number(out, w->zone_km2);
    en_buffer_puts(out, "\n");
    value_line(out, "  ", "front", &w->front);
    if (w->mediator_count) {
        en_buffer_puts(out, "  mediators: [");
        for (size_t m = 0; m < w->mediator_count; m++) {
            if (m) en_buffer_puts(out, ", ");
            en_yaml_write_quoted(out, s->actors[w->mediators[m]].id);
        }
        en_buffer_puts(out, "]\n");
    }
    if (changed_params(en_war_global_params, WP_COUNT, w->global)) {
        en_buffer_puts(out, "  parameters:\n");
        write_params(out, "    ", en_war_global_params, WP_COUNT, w->global);
    }
    write_actors(out, w, s);
    write_issues(out, w, s);
    if (w->event_count) {
        /* In the order loaded: sorted by date, file order within a day. The reader's stable
         * sort leaves that order as it is. */
        en_buffer_puts(out, "  timeline:\n");
        for (size_t e = 0; e < w->event_count; e++) write_event(out, &w->events[e], s);
    }
    if (w->condition_count) {
        en_buffer_puts(out, "  conditions:\n");
        for (size_t i = 0; i < w->condition_count; i++) {
            const en_war_condition *c = &w->conditions[i];
            en_buffer_puts(out, "    - {actor: ");
            en_yaml_write_quoted(out, s->actors[c->actor].id);
            event_id(out, "if", s->issues[c->if_issue].id);
            en_buffer_printf(out, ", if_at_%s: %.17g", c->if_dir > 0 ? "least" : "most", c->if_bound);
            event_id(out, "then", s->issues[c->then_issue].id);
            en_buffer_printf(out, ", then_at_%s: %.17g}\n", c->then_dir > 0 ? "least" : "most", c->then_bound);
        }
    }
}
