/*
 * yaml.c — the entente scenario format v1 loader (libfyaml). Every key is checked against the
 * format's contract (docs/scenario-format.md); each problem is reported with its line and
 * column, misspelt keys get a did-you-mean, and loading goes on to find further problems.
 */
#include <ctype.h>
#include "io/ytree.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/util.h"
#include "io/load.h"
#include "io/yaml_space.h"
#include "io/yaml_read.h"
#include "io/yaml_war.h"

/* ---- keys of each mapping: the contract ---- */

static const char *const top_keys[] = {"entente", "title", "date", "description",
                                       "sources", "issues", "actors", "war", "decision",
                                       "settings", "accommodation"};
static const char *const source_keys[] = {"id", "file", "title", "outlet", "author", "date", "url"};
static const char *const issue_keys[] = {"id", "name", "description", "scale", "labels",
                                         "status_quo", "outcome", "voting_rule", "space"};
static const char *const actor_keys[] = {"id", "name", "role", "capability", "risk", "veto",
                                         "patron_of", "positions", "note", "votes", "aliases"};
static const char *const outcome_keys[] = {"value", "date", "cite", "note"};
static const char *const decision_keys[] = {"id", "procedure", "voting_rule", "body", "instrument",
                                            "introduced", "adopted", "agenda_setter",
                                            "parliament"};
static const char *const stance_keys[] = {"position", "salience", "public", "cite", "quote",
                                          "note", "power"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int valid_id(const char *id)
{
    if (!*id) return 0;
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') return 0;
    return 1;
}

static int valid_date(const char *text)
{
    int y, m, d;
    char tail;
    if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return 0;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1]) return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
    return isdigit((unsigned char)text[0]) && text[4] == '-' && text[7] == '-';
}

/* ---- sections ---- */

/* A word among `choices` ('|'-separated), or NULL with an error. */
static char *read_choice(en_yaml_reader *r, en_ynode *node, const char *what,
                         const char *choices)
{
    char *text = en_yaml_string(r, node, what);
    if (!text) return NULL;
    size_t n = strlen(text);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t word = bar ? (size_t)(bar - p) : strlen(p);
        if (word == n && strncmp(p, text, n) == 0) return text;
        p += word + (bar ? 1 : 0);
    }
    en_yaml_fail(r, node, "%s '%s' is unknown (expected one of %s)", what, text, choices);
    en_free(text);
    return NULL;
}

static const char voting_rules[] = "qmv|unanimity|majority";

static char *read_date(en_yaml_reader *r, en_ynode *node, const char *what)
{
    char *text = en_yaml_string(r, node, what);
    if (text && !valid_date(text)) {
        en_yaml_fail(r, node, "%s '%s' is invalid (expected an ISO date YYYY-MM-DD)", what, text);
        en_free(text);
        return NULL;
    }
    return text;
}

static char **read_source_ids(en_yaml_reader *r, en_ynode *node, size_t *count);

/* outcome: NUMBER or {value, date, cite, note}. */
static void read_outcome(en_yaml_reader *r, en_issue *issue, en_ynode *node)
{
    if (en_yaml_is_null(node)) return;
    if (en_ynode_is_scalar(node)) {
        issue->has_outcome = en_yaml_value(r, node, "outcome", issue->scale_min, issue->scale_max,
                                           &issue->outcome.value);
        return;
    }
    en_ynode *v[COUNT(outcome_keys)];
    if (!en_yaml_mapping(r, node, "outcome", outcome_keys, COUNT(outcome_keys), v)) return;
    if (!v[0]) {
        en_yaml_fail(r, node, "outcome has no value (expected value: NUMBER inside the scale)");
        return;
    }
    double x;
    if (!en_yaml_number(r, v[0], "outcome value", &x)) return;
    issue->outcome.value = en_value_fixed(x, issue->scale_min, issue->scale_max);
    issue->outcome.value.where = en_yaml_where(v[0]);
    issue->has_outcome = 1;
    if (v[1]) issue->outcome.date = read_date(r, v[1], "outcome date");
    if (v[2]) issue->outcome.cite = read_source_ids(r, v[2], &issue->outcome.cite_count);
    issue->outcome.note = en_yaml_string(r, v[3], "outcome note");
}

static void read_decision(en_yaml_reader *r, en_ynode *node)
{
    en_ynode *v[COUNT(decision_keys)];
    if (!en_yaml_mapping(r, node, "decision", decision_keys, COUNT(decision_keys), v)) return;
    en_decision *d = &r->scenario->decision;
    d->id = en_yaml_string(r, v[0], "decision id");
    if (v[1]) d->procedure = read_choice(r, v[1], "procedure", "codecision|consultation|other");
    if (v[2]) d->voting_rule = read_choice(r, v[2], "voting_rule", voting_rules);
    d->body = en_yaml_string(r, v[3], "body");
    d->instrument = en_yaml_string(r, v[4], "instrument");
    if (v[5]) d->introduced = read_date(r, v[5], "introduced");
    if (v[6]) d->adopted = read_date(r, v[6], "adopted");
    char *ids[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        en_ynode *n = v[7 + k];
        if (!n) continue;
        ids[k] = en_yaml_string(r, n, k ? "parliament" : "agenda_setter");
        if (ids[k] && en_scenario_find_actor(r->scenario, ids[k]) < 0) {
            en_yaml_unknown_actor(r, n, ids[k]);
            en_free(ids[k]);
            ids[k] = NULL;
        }
    }
    d->agenda_setter = ids[0];
    d->parliament = ids[1];
}

static void read_sources(en_yaml_reader *r, en_ynode *list)
{
    if (!en_yaml_expect(r, list, EN_YNODE_SEQUENCE, "sources", "a list of sources")) return;
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(list, &iter))) {
        en_ynode *v[COUNT(source_keys)];
        if (!en_yaml_mapping(r, item, "source", source_keys, COUNT(source_keys), v)) continue;
        en_source *src = en_scenario_add_source(r->scenario);
        src->where = en_yaml_where(item);
        src->id = en_yaml_required_string(r, item, v[0], "id", "source");
        src->file = en_yaml_required_string(r, item, v[1], "file", "source");
        if (v[1]) src->file_where = en_yaml_where(v[1]);
        src->title = en_yaml_string(r, v[2], "title");
        src->outlet = en_yaml_string(r, v[3], "outlet");
        src->author = en_yaml_string(r, v[4], "author");
        src->date = en_yaml_string(r, v[5], "date");
        src->url = en_yaml_string(r, v[6], "url");
        if (src->id && !valid_id(src->id))
            en_yaml_fail(r, v[0], "source id '%s' is invalid (expected letters, digits, _ or -)",
                         src->id);
        if (src->date && !valid_date(src->date))
            en_yaml_fail(r, v[5], "date '%s' is invalid (expected an ISO date YYYY-MM-DD)",
                         src->date);
        if (!src->id) src->id = en_xstrdup("");
        for (size_t k = 0; k + 1 < r->scenario->source_count; k++)
            if (src->id[0] && strcmp(r->scenario->sources[k].id, src->id) == 0)
                en_yaml_fail(r, v[0], "duplicate source id '%s' (first defined on line %d)",
                             src->id, r->scenario->sources[k].where.line);
    }
}

static void read_labels(en_yaml_reader *r, en_issue *issue, en_ynode *map)
{
    if (!en_yaml_expect(r, map, EN_YNODE_MAPPING, "labels", "a mapping from scale points to text"))
        return;
    void *iter = NULL;
    en_ynode_pair *pair;
    while ((pair = en_ynode_mapping_iterate(map, &iter))) {
        en_ynode *key = en_ynode_pair_key(pair), *value = en_ynode_pair_value(pair);
        double at;
        if (!en_yaml_number(r, key, "label key", &at)) continue;
        char *text = en_yaml_string(r, value, "label");
        if (!text) {
            en_yaml_fail(r, value ? value : key, "label at %g has no text (expected a string)", at);
            continue;
        }
        if (at < issue->scale_min || at > issue->scale_max)
            en_yaml_fail(r, key, "label key %g is outside the scale [%g, %g]", at,
                         issue->scale_min, issue->scale_max);
        issue->labels = en_xrealloc(issue->labels, (issue->label_count + 1) * sizeof *issue->labels);
        issue->labels[issue->label_count].at = at;
        issue->labels[issue->label_count].text = text;
        issue->label_count++;
    }
}

static void read_scale(en_yaml_reader *r, en_issue *issue, en_ynode *node)
{
    if (!en_yaml_expect(r, node, EN_YNODE_SEQUENCE, "scale", "[min, max]")) return;
    if (en_ynode_sequence_item_count(node) != 2) {
        en_yaml_fail(r, node, "scale has %d entries (expected [min, max])",
                     en_ynode_sequence_item_count(node));
        return;
    }
    double lo, hi;
    int ok = en_yaml_number(r, en_ynode_sequence_get_by_index(node, 0), "scale min", &lo);
    ok &= en_yaml_number(r, en_ynode_sequence_get_by_index(node, 1), "scale max", &hi);
    if (!ok) return;
    if (!(lo < hi)) {
        en_yaml_fail(r, node, "scale [%g, %g] is empty (expected min < max)", lo, hi);
        return;
    }
    issue->scale_min = lo;
    issue->scale_max = hi;
}

static void read_issues(en_yaml_reader *r, en_ynode *list)
{
    if (!en_yaml_expect(r, list, EN_YNODE_SEQUENCE, "issues", "a list of issues")) return;
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(list, &iter))) {
        en_ynode *v[COUNT(issue_keys)];
        if (!en_yaml_mapping(r, item, "issue", issue_keys, COUNT(issue_keys), v)) continue;
        en_issue *issue = en_scenario_add_issue(r->scenario);
        issue->where = en_yaml_where(item);
        issue->id = en_yaml_required_string(r, item, v[0], "id", "issue");
        if (!issue->id) issue->id = en_xprintf("#%zu", r->scenario->issue_count);
        else if (!valid_id(issue->id))
            en_yaml_fail(r, v[0], "issue id '%s' is invalid (expected letters, digits, _ or -)",
                         issue->id);
        issue->name = en_yaml_string(r, v[1], "name");
        issue->description = en_yaml_string(r, v[2], "description");
        if (v[3]) read_scale(r, issue, v[3]);
        else en_yaml_fail(r, item, "issue '%s' has no scale (expected scale: [min, max])", issue->id);
        if (v[4]) read_labels(r, issue, v[4]);
        if (v[5] && !en_yaml_is_null(v[5])) {
            issue->has_status_quo = en_yaml_value(r, v[5], "status_quo", issue->scale_min,
                                                  issue->scale_max, &issue->status_quo);
        }
        if (v[6]) read_outcome(r, issue, v[6]);
        if (v[7]) issue->voting_rule = read_choice(r, v[7], "voting_rule", voting_rules);
        if (v[8]) {
            issue->space = en_yaml_string(r, v[8], "space");
            if (issue->space && !valid_id(issue->space))
                en_yaml_fail(r, v[8], "space '%s' is invalid (expected letters, digits, _ or -)",
                             issue->space);
        }
    }
}

static void read_cites(en_yaml_reader *r, en_stance *stance, en_ynode *node)
{
    if (en_yaml_is_null(node)) return;
    if (en_ynode_is_scalar(node)) { /* a single id is accepted without brackets */
        char *id = en_yaml_string(r, node, "cite");
        if (!id) return;
        stance->cite = en_xcalloc(1, sizeof *stance->cite);
        stance->cite[stance->cite_count++] = id;
        if (en_scenario_find_source(r->scenario, id) < 0) en_yaml_unknown_source(r, node, id);
        return;
    }
    if (!en_yaml_expect(r, node, EN_YNODE_SEQUENCE, "cite", "a list of source ids")) return;
    int n = en_ynode_sequence_item_count(node);
    stance->cite = en_xcalloc((size_t)(n > 0 ? n : 1), sizeof *stance->cite);
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(node, &iter))) {
        char *id = en_yaml_string(r, item, "cite");
        if (!id) continue;
        if (en_scenario_find_source(r->scenario, id) < 0) en_yaml_unknown_source(r, item, id);
        stance->cite[stance->cite_count++] = id;
    }
}

/* cite: ID or [ID, ...], each a declared source. */
static char **read_source_ids(en_yaml_reader *r, en_ynode *node, size_t *count)
{
    *count = 0;
    if (en_yaml_is_null(node)) return NULL;
    if (!en_ynode_is_scalar(node) &&
        !en_yaml_expect(r, node, EN_YNODE_SEQUENCE, "cite", "a list of source ids"))
        return NULL;
    int n = en_ynode_is_scalar(node) ? 1 : en_ynode_sequence_item_count(node);
    char **ids = en_xcalloc((size_t)(n > 0 ? n : 1), sizeof *ids);
    void *iter = NULL;
    en_ynode *item;
    while (en_ynode_is_scalar(node) ? (*count == 0 && (item = node)) :
                                     (item = en_ynode_sequence_iterate(node, &iter)) != NULL) {
        char *id = en_yaml_string(r, item, "cite");
        if (!id) {
            if (en_ynode_is_scalar(node)) break;
            continue;
        }
        if (en_scenario_find_source(r->scenario, id) < 0) en_yaml_unknown_source(r, item, id);
        ids[(*count)++] = id;
    }
    return ids;
}

static void read_positions(en_yaml_reader *r, en_actor *actor, en_ynode *map)
{
    if (!en_yaml_expect(r, map, EN_YNODE_MAPPING, "positions", "a mapping from issue ids to stances"))
        return;
    en_scenario *s = r->scenario;
    void *iter = NULL;
    en_ynode_pair *pair;
    while ((pair = en_ynode_mapping_iterate(map, &iter))) {
        en_ynode *key = en_ynode_pair_key(pair), *value = en_ynode_pair_value(pair);
        char *issue_id = en_yaml_string(r, key, "issue id");
        if (!issue_id) continue;
        long issue = en_scenario_find_issue(s, issue_id);
        if (issue < 0) {
            en_yaml_unknown_issue(r, key, issue_id);
            en_free(issue_id);
            continue;
        }
        en_free(issue_id);
        en_stance *stance = &actor->stances[issue];
        const en_issue *is = &s->issues[issue];
        en_ynode *v[COUNT(stance_keys)];
        if (!en_yaml_mapping(r, value, "stance", stance_keys, COUNT(stance_keys), v)) continue;
        stance->present = 1;
        stance->where = en_yaml_where(value);
        if (!v[0]) en_yaml_fail(r, value, "stance on '%s' has no position (expected position: NUMBER)", is->id);
        else en_yaml_value(r, v[0], "position", is->scale_min, is->scale_max, &stance->position);
        if (!v[1]) en_yaml_fail(r, value, "stance on '%s' has no salience (expected salience: NUMBER in [0, 1])", is->id);
        else en_yaml_value(r, v[1], "salience", 0, 1, &stance->salience);
        if (v[2] && !en_yaml_is_null(v[2]))
            stance->has_public = en_yaml_value(r, v[2], "public", is->scale_min, is->scale_max,
                                               &stance->public_position);
        if (v[3]) read_cites(r, stance, v[3]);
        stance->quote = en_yaml_string(r, v[4], "quote");
        stance->note = en_yaml_string(r, v[5], "note");
        if (v[6] && !en_yaml_is_null(v[6]))
            stance->has_power = en_yaml_value(r, v[6], "power", 0, HUGE_VAL, &stance->power);
    }
}

static void read_veto(en_yaml_reader *r, en_actor *actor, en_ynode *node)
{
    en_scenario *s = r->scenario;
    if (en_yaml_is_null(node)) return;
    if (en_ynode_is_scalar(node)) {
        int flag;
        if (!en_yaml_bool(r, node, "veto", &flag)) return;
        actor->veto_all = flag;
        for (size_t i = 0; i < s->issue_count; i++) actor->veto[i] = (unsigned char)flag;
        return;
    }
    if (!en_yaml_expect(r, node, EN_YNODE_SEQUENCE, "veto", "true, false or a list of issue ids"))
        return;
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(node, &iter))) {
        char *id = en_yaml_string(r, item, "veto");
        if (!id) continue;
        long issue = en_scenario_find_issue(s, id);
        if (issue < 0) en_yaml_unknown_issue(r, item, id);
        else actor->veto[issue] = 1;
        en_free(id);
    }
}

/* aliases: a list of names ("Kremlin", "Peskov") the news uses for the actor. */
static void read_aliases(en_yaml_reader *r, en_actor *actor, en_ynode *node)
{
    if (en_yaml_is_null(node)) return;
    if (!en_yaml_expect(r, node, EN_YNODE_SEQUENCE, "aliases", "a list of names")) return;
    actor->aliases = en_xcalloc((size_t)en_ynode_sequence_item_count(node) + 1, sizeof *actor->aliases);
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(node, &iter))) {
        char *name = en_yaml_string(r, item, "alias");
        if (!name) continue;
        if (!*name) {
            en_yaml_fail(r, item, "empty alias (expected a name)");
            en_free(name);
            continue;
        }
        actor->aliases[actor->alias_count++] = name;
    }
}

static const char *const role_names[] = {"stakeholder", "party", "patron", "mediator"};

static void read_actors(en_yaml_reader *r, en_ynode *list, en_ynode **patron_nodes)
{
    if (!en_yaml_expect(r, list, EN_YNODE_SEQUENCE, "actors", "a list of actors")) return;
    void *iter = NULL;
    en_ynode *item;
    while ((item = en_ynode_sequence_iterate(list, &iter))) {
        en_ynode *v[COUNT(actor_keys)];
        if (!en_yaml_mapping(r, item, "actor", actor_keys, COUNT(actor_keys), v)) continue;
        en_actor *actor = en_scenario_add_actor(r->scenario);
        size_t index = r->scenario->actor_count - 1;
        actor->where = en_yaml_where(item);
        actor->id = en_yaml_required_string(r, item, v[0], "id", "actor");
        if (!actor->id) actor->id = en_xprintf("#%zu", index + 1);
        actor->name = en_yaml_string(r, v[1], "name");
        if (v[2]) {
            char *role = en_yaml_string(r, v[2], "role");
            int found = 0;
            for (size_t k = 0; role && k < COUNT(role_names); k++)
                if (strcmp(role, role_names[k]) == 0) actor->role = (en_role)k, found = 1;
            if (role && !found)
                en_yaml_fail(r, v[2], "role '%s' is unknown (expected party, patron, mediator or stakeholder)", role);
            en_free(role);
        }
        if (v[3]) en_yaml_value(r, v[3], "capability", 0, HUGE_VAL, &actor->capability);
        else en_yaml_fail(r, item, "actor '%s' has no capability (expected capability: NUMBER >= 0)", actor->id);
        if (v[4] && !en_yaml_is_null(v[4]))
            actor->has_risk = en_yaml_value(r, v[4], "risk", 0, HUGE_VAL, &actor->risk);
        if (v[5]) read_veto(r, actor, v[5]);
        patron_nodes[index] = v[6] && !en_yaml_is_null(v[6]) ? v[6] : NULL;
        if (v[7]) read_positions(r, actor, v[7]);
        actor->note = en_yaml_string(r, v[8], "note");
        if (v[9] && !en_yaml_is_null(v[9])) {
            double votes;
            if (en_yaml_number(r, v[9], "votes", &votes)) {
                if (!(votes >= 0) || !isfinite(votes))
                    en_yaml_fail(r, v[9], "votes %g is out of range (expected a number >= 0)", votes);
                else actor->has_votes = 1, actor->votes = votes;
            }
        }
        if (v[10]) read_aliases(r, actor, v[10]);
    }
}

/* patron_of may name an actor defined later in the file, so it is resolved at the end. */
static void resolve_patrons(en_yaml_reader *r, en_ynode **patron_nodes)
{
    en_scenario *s = r->scenario;
    for (size_t a = 0; a < s->actor_count; a++) {
        if (!patron_nodes[a]) continue;
        char *id = en_yaml_string(r, patron_nodes[a], "patron_of");
        if (!id) continue;
        long other = en_scenario_find_actor(s, id);
        if (other < 0) en_yaml_unknown_actor(r, patron_nodes[a], id);
        else if ((size_t)other == a)
            en_yaml_fail(r, patron_nodes[a], "actor '%s' cannot be its own patron", id);
        else s->actors[a].patron_of = other;
        en_free(id);
    }
}

static void read_document(en_yaml_reader *r, en_ynode *root)
{
    en_ynode *v[COUNT(top_keys)];
    if (!en_yaml_mapping(r, root, "scenario", top_keys, COUNT(top_keys), v)) return;
    en_scenario *s = r->scenario;
    if (!v[0]) {
        en_yaml_fail(r, root, "missing format version (expected `entente: 1` at the top)");
    } else {
        double version;
        if (en_yaml_number(r, v[0], "entente", &version) && version != 1)
            en_yaml_fail(r, v[0], "format version %g is not supported (expected 1)", version);
    }
    s->title = en_yaml_required_string(r, root, v[1], "title", "scenario");
    s->date = en_yaml_string(r, v[2], "date");
    if (s->date && !valid_date(s->date))
        en_yaml_fail(r, v[2], "date '%s' is invalid (expected an ISO date YYYY-MM-DD)", s->date);
    s->description = en_yaml_string(r, v[3], "description");
    if (v[4]) read_sources(r, v[4]);
    if (v[5]) read_issues(r, v[5]);
    else en_yaml_fail(r, root, "missing issues (expected a list of at least one issue)");
    if (v[6]) {
        size_t n = en_ynode_is_sequence(v[6]) ? (size_t)en_ynode_sequence_item_count(v[6]) : 0;
        en_ynode **patrons = en_xcalloc(n + 1, sizeof *patrons);
        read_actors(r, v[6], patrons);
        resolve_patrons(r, patrons);
        en_free(patrons);
    } else {
        en_yaml_fail(r, root, "missing actors (expected a list of at least two actors)");
    }
    if (v[7] && !en_yaml_is_null(v[7])) en_yaml_read_war(r, v[7]); /* needs issues and actors */
    if (v[8] && !en_yaml_is_null(v[8])) read_decision(r, v[8]);    /* needs actors */
    if (v[9]) en_yaml_read_settings(r, v[9]);
    if (v[10]) en_yaml_read_accommodation(r, v[10]); /* needs actors */
}

en_status en_yaml_load(const char *data, size_t size, const char *name, en_scenario **out,
                       en_error *err)
{
    *out = NULL;
    en_yaml_reader r;
    en_ytree *doc = NULL;
    if (!en_yaml_open(&r, data, size, name, err, &doc)) return EN_ERROR_INPUT;
    r.scenario = en_scenario_new(name, EN_FORMAT_YAML);
    en_ynode *root = en_ytree_root(doc);
    if (!root) en_yaml_fail(&r, NULL, "the file holds no YAML document (expected a scenario)");
    else if (en_yaml_reject_aliases(&r, root)) read_document(&r, root);
    int mapping_root = root && en_ynode_is_mapping(root); /* read before the nodes are freed */
    en_ytree_free(doc); /* its blocks are recorded one by one by the guard (core/oom.h) */
    /* The format-independent checks (ranges, duplicate ids) run even when reading failed, so
     * one pass reports every problem; then they are put in file order. */
    if (mapping_root) {
        en_error checks = EN_ERROR_INIT;
        if (en_scenario_validate(r.scenario, &checks) != EN_OK) r.failed = 1;
        en_error_move(r.err, &checks);
    }
    en_yaml_sort_errors(r.err);
    if (r.failed) {
        en_scenario_free(r.scenario);
        return EN_ERROR_INPUT;
    }
    *out = r.scenario;
    return EN_OK;
}
