/*
 * scenario.h — the scenario in memory: issues, actors and their stances, sources, and the
 * uncertain values any number may carry. Loaders (io/) build it, models (models/) read it,
 * the analysis layer samples copies of it. Internal: users see only the opaque en_scenario.
 */
#ifndef ENTENTE_CORE_SCENARIO_H
#define ENTENTE_CORE_SCENARIO_H

#include <stddef.h>

#include "entente.h"

/* Where a value came from, for messages that point back into the file. */
typedef struct en_location {
    int line;
    int column;
} en_location;

typedef enum en_value_kind {
    EN_VALUE_FIXED = 0,
    EN_VALUE_TRIANGULAR, /* {value, low, high}: mode value on [low, high] */
    EN_VALUE_NORMAL      /* {value, sd}: normal around value, truncated to [min_valid, max_valid] */
} en_value_kind;

/* A number an analyst estimated. Models read `value` (the point estimate); Monte Carlo draws
 * from the distribution. [min_valid, max_valid] is the range the field allows (capability >= 0,
 * salience in [0,1], position inside the issue's scale) and bounds every draw. */
typedef struct en_value {
    double value;
    en_value_kind kind;
    double low, high; /* triangular */
    double sd;        /* normal */
    double min_valid, max_valid;
    en_location where;
} en_value;

en_value en_value_fixed(double value, double min_valid, double max_valid);
int en_value_is_uncertain(const en_value *value);

typedef struct en_label {
    double at;
    char *text;
} en_label;

/* What happened on an issue (`outcome:`): where the adopted decision sits on the issue's scale,
 * when, and the sources saying so. Used to score forecasts (`entente backtest`). */
typedef struct en_outcome {
    en_value value;
    char *date;  /* ISO date, or NULL */
    char **cite; /* source ids */
    size_t cite_count;
    char *note;
} en_outcome;

typedef struct en_issue {
    char *id;
    char *name;
    char *description;
    double scale_min, scale_max;
    en_label *labels;
    size_t label_count;
    int has_status_quo;
    en_value status_quo;
    en_location where;
    int has_outcome;
    en_outcome outcome;
    char *voting_rule; /* "qmv" | "unanimity" | "majority" on this issue, NULL: the decision's */
    /* Id of the multi-dimensional space this issue is one dimension of (issues sharing it are
     * bargained over jointly by spatial models such as smp); NULL: a space of its own. */
    char *space;
} en_issue;

typedef enum en_role {
    EN_ROLE_STAKEHOLDER = 0,
    EN_ROLE_PARTY,
    EN_ROLE_PATRON,
    EN_ROLE_MEDIATOR
} en_role;

const char *en_role_name(en_role role);

/* An actor's stance on one issue. */
typedef struct en_stance {
    int present; /* 0: the actor takes no part in this issue */
    en_value position;
    en_value salience;
    int has_public;
    en_value public_position; /* what the actor says, when it differs from what it wants */
    char **cite;              /* source ids */
    size_t cite_count;
    char *quote;
    char *note;
    en_location where;
    /* Capability on this issue only (`power` in YAML; Decide files give power per actor–issue
     * row). When set it replaces the actor's capability here, for every model: read it through
     * en_scenario_weight / en_stance_capability. Plain values: cloned with the struct. */
    int has_power;
    en_value power;
} en_stance;

typedef struct en_actor {
    char *id;
    char *name;
    char *note;
    en_role role;
    en_value capability;
    int has_risk;
    en_value risk;
    int veto_all;
    unsigned char *veto; /* per issue: 1 if the actor can block a deal on it */
    long patron_of;      /* actor index, -1 if none */
    int has_votes;       /* formal voting weight under the decision rule (`votes:`), e.g. Council
                          * votes under qualified majority; models that use it say so */
    double votes;
    en_stance *stances;  /* per issue, issue_count entries */
    en_location where;
    /* Other names of the actor in the news (`aliases:`): officials, capitals, institutions;
     * `entente evidence` resolves speakers through them. */
    char **aliases;
    size_t alias_count;
} en_actor;

typedef struct en_source {
    char *id;
    char *file;
    char *title;
    char *outlet;
    char *author;
    char *date;
    char *url;
    en_location where;
    en_location file_where; /* the `file:` value, for errors about the file; {0, 0} if unknown */
} en_source;

/* How the decision is taken (`decision:`), when known: the procedure and voting rule models
 * with institutional weights read (DEU data carry them; docs/scenario-format.md). Every field
 * may be NULL. */
typedef struct en_decision {
    char *id;            /* the case's identifier in its source data (DEU: the proposal id) */
    char *procedure;     /* "codecision" | "consultation" | "other" */
    char *voting_rule;   /* "qmv" | "unanimity" | "majority" */
    char *body;          /* the body that votes (DEU: the Council formation) */
    char *instrument;    /* the legal instrument (DEU: Reg, Dir, Dec) */
    char *introduced;    /* ISO date the proposal was made */
    char *adopted;       /* ISO date the decision was adopted */
    char *agenda_setter; /* actor id of the agenda setter (DEU: the Commission) */
    char *parliament;    /* actor id of the co-legislator (DEU: the European Parliament) */
} en_decision;
/* How far `actor`'s ideal point follows `reference`'s position from round to round (KTAB's
 * accommodation or ideal-adjustment matrix entry A(actor, reference), in [0,1]). Unlisted
 * pairs are 1 for an actor on itself and 0 otherwise. By actor id, so that copies with an
 * actor removed stay consistent. */
typedef struct en_accommodation {
    char *actor;
    char *reference;
    double value;
    en_location where;
} en_accommodation;

struct en_scenario {
    char *path; /* as given to the loader; used in messages */
    en_input_format format;
    int version;
    char *title;
    char *date;
    char *description;
    en_source *sources;
    size_t source_count;
    en_issue *issues;
    size_t issue_count;
    en_actor *actors;
    size_t actor_count;
    char **notes;
    size_t note_count;
    struct en_war *war; /* the `war:` section (core/war.h), NULL if the file has none */
    en_decision decision;
    /* Model settings the input file carries (KTAB XML's <ModelParameters> and <prngSeed>) as
     * NAME=VALUE text: a model applies those it declares unless the user sets them. */
    char **setting_names;
    char **setting_values;
    size_t setting_count;
    en_accommodation *accommodation;
    size_t accommodation_count;
};

/* Construction helpers for loaders. */
en_scenario *en_scenario_new(const char *path, en_input_format format);
/* Appends an issue or actor (zeroed, stances sized to the current issue count) and returns it.
 * Add every issue before the first actor. */
en_issue *en_scenario_add_issue(en_scenario *scenario);
en_actor *en_scenario_add_actor(en_scenario *scenario);
en_source *en_scenario_add_source(en_scenario *scenario);
void en_scenario_add_note(en_scenario *scenario, int line, int column, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends a model setting (NAME=VALUE text), replacing an earlier one of the same name.
 * Time complexity: O(settings). */
void en_scenario_add_setting(en_scenario *scenario, const char *name, const char *value);
/* The setting's text, NULL if the file gives none. Time complexity: O(settings). */
const char *en_scenario_setting(const en_scenario *scenario, const char *name);
/* The sum of the accommodation row of actor `actor` (the entries listed for it, in the order
 * listed, plus the unlisted 1 on itself when no entry names it on itself); *listed_self tells
 * whether one did, *last is its last listed entry (NULL when none). The loaders check it is at
 * most 1. Time complexity: O(accommodation entries). */
double en_scenario_accommodation_row(const en_scenario *scenario, size_t actor, int *listed_self,
                                     const en_accommodation **last);

long en_scenario_find_issue(const en_scenario *scenario, const char *id);
long en_scenario_find_actor(const en_scenario *scenario, const char *id);
long en_scenario_find_source(const en_scenario *scenario, const char *id);

/* Deep copy: Monte Carlo and sensitivity analysis change copies, never the original. */
en_scenario *en_scenario_clone(const en_scenario *scenario);
/* Frees everything one actor owns (ids, aliases, vetoes, stances over `issue_count` issues) and
 * zeroes it; for code that removes an actor from a scenario. Time complexity: O(issues). */
void en_actor_clear(en_actor *actor, size_t issue_count);

/* Checks what every loader must guarantee (ids unique, values in range and finite, references
 * resolved, at least one issue and two actors) and reports each problem with its location. */
en_status en_scenario_validate(const en_scenario *scenario, en_error *err);

/* The voting rule on an issue: the issue's own, else the decision's, else NULL. */
const char *en_issue_voting_rule(const en_scenario *scenario, size_t issue);
/* Whether an actor can block a deal on an issue: its own veto, or the decision rule's
 * (unanimity: every voter; codecision: the parliament; the agenda setter always, since it can
 * withdraw its proposal). 0 when the scenario says nothing about the decision and the actor
 * has no veto. */
int en_scenario_blocks(const en_scenario *scenario, size_t actor, size_t issue);

/* Capability of an actor on an issue: the stance's power when given, else the actor's. */
double en_stance_capability(const en_scenario *scenario, size_t actor, size_t issue);
/* Voting weight of an actor on an issue: capability × salience (point values). */
double en_scenario_weight(const en_scenario *scenario, size_t actor, size_t issue);

/* 1 when `issue` has stances but none of positive weight (capability, or power on the issue,
 * times salience): no model can weigh its positions, so a Monte Carlo draw that samples every
 * weight to zero has no forecast on it. Time complexity: O(actors). */
int en_scenario_issue_unweighted(const en_scenario *scenario, size_t issue);

#endif
