/*
 * war.h — the `war:` section of a scenario in memory: the two belligerents, the disputed
 * territory coordinate, the WB-1 parameters (docs/models/war.md) as uncertain values, per-actor and per-issue parameters, and the dated
 * timeline of scripted events. The YAML reader (io/yaml_war.c) fills it, the YAML writer
 * (io/yaml_write_war.c) writes it back for `convert`, the war simulation (src/war/) reads
 * it. Parameters live in three name tables (global, actor, issue) so the reader, the writer,
 * the defaults, the documentation and the simulation agree on one list.
 */
#ifndef ENTENTE_CORE_WAR_H
#define ENTENTE_CORE_WAR_H

#include <stddef.h>

#include "core/scenario.h"

/* ---- dates ---- */

/* Days since 1970-01-01 of an ISO date YYYY-MM-DD (proleptic Gregorian); 0 on a malformed or
 * impossible date (then *ok = 0). */
long en_date_days(const char *text, int *ok);
/* Writes the ISO date of a day number into out (at least 11 bytes). */
void en_date_format(long days, char *out, size_t size);

/* ---- parameter tables ---- */

typedef struct en_war_param_def {
    const char *name;
    double default_value;
    double min, max;
    int integer;
    const char *unit;        /* for docs and messages */
    const char *description; /* one line */
} en_war_param_def;

/* Global WB-1 parameters (war.parameters), in this order. */
enum {
    WP_DELTA, WP_HORIZON, WP_GAMMA, WP_CONTESTS, WP_FRONT_SPEED, WP_JUMP_RATE, WP_JUMP_SIZE,
    WP_Z_MIN, WP_Z_MAX, WP_PRIOR_STRENGTH, WP_FORGET, WP_MEDIATOR_PULL, WP_P_TALK_OPEN,
    WP_P_TALK_CLOSED, WP_P_TALK_MEDIATED, WP_SECRECY, WP_RENEW_A0, WP_RENEW_A1, WP_RENEW_A2,
    WP_RENEW_HORIZON, WP_COMMITMENT_DECAY, WP_DECISIVE_WEIGHT, WP_FORTS, WP_TOLERANCE,
    /* WB-2 (docs/models/war.md, "WB-2"): each has a value that switches it off */
    WP_PRIVATE_INFO,   /* (1) half-width of a belligerent's private resolve type; 0: off */
    WP_TALK_RAMP_DAYS, /* (8) time constant of the talks hazard's ramp after onset; 0: off */
    WP_CHILL,          /* (5) channel chill added by a rejected offer / failed ratification */
    WP_CHILL_DECAY,    /* (5) share of the chill kept per step */
    WP_HARDEN,         /* (5) hold-out premium a rejecting side adds; 0: off */
    WP_CEASEFIRE,      /* kinds: 1 a bare ceasefire at the line is tried when no settlement is */
    WP_VICTOR_SIGNS,   /* kinds: probability a decisive front is sealed by a signed ceasefire */
    WP_RATE_DAYS,      /* time step: days the per-step rates are stated for; 0: step_days */
    WP_RATIFY_AUDIENCE,/* (5) weight of the public audience cost in P(ratify); 0: off */
    WP_AID_FORESIGHT,  /* (4) 1: the value of fighting on projects power along announced aid; 0: off */
    WP_GUARANTEE_CREDIBILITY, /* (2) 1: guarantees count as much as the guarantors would enforce them; 0: at face value */
    WP_SIGNAL_NOISE,   /* (4) sd of each veto player's private error in its prior about the edge; 0: off */
    WP_OBSERVE_NOISE,  /* (4) sd of each veto player's error in reading a step's battle share; 0: off */
    WP_RENEWAL_POWER,  /* (2) 1: the loss from renewal is valued at the post-deal balance of power; 0: renewal_loss only */
    WP_WAR_VALUE,      /* (9) 1: the value of fighting on is each side's believed outcome of the war (who prevails,
                        * when); 0: the front projected over the horizon (WB-1) */
    WP_FORT_DAYS,
    WP_RENEWAL_PROBABILITY, /* (2) 1: a signed deal also breaks when a side would rather fight from the post-deal balance */      /* (9) days one battle over a fort of the Smith-Stam front takes (believed time to decision) */
    WP_CEASEFIRE_FIRST, /* (10) P(a ceasefire both belligerents accept is signed before a settlement also possible); 0: WB-2's rule */
    WP_FRONT_WALK,     /* (11) 1: an unset front_speed is one fort per won battle of the forts front; 0: 0.0005 */
    WP_RENEWAL_WINDOW, /* (2) 1: the window prices renewal with the runs' commitment-problem probability too; 0: the logistic alone */
    WP_TEMPO,          /* (12) 1: talk_ramp_days and fort_days are stated for a 7-day step and scale with step_days; 0: calendar days */
    WP_CALIBRATION,    /* (13) 1: P(deal by) is also reported recalibrated, p' = logistic(a + b logit p); 0: raw only */
    WP_CALIBRATION_A,  /* (13) a of the recalibration (fitted on the development wars) */
    WP_CALIBRATION_B,  /* (13) b of the recalibration */
    WP_CALIBRATION_FLOOR, /* (13) raw probabilities are clamped to [floor, 1 - floor] before the logit */
    WP_WINDOW_CONDITIONS, /* (3) 1: the window's slack counts only packages that meet the consenting actors' conditions; 0: the offer step alone applies them */
    WP_MEDIATOR_PRESSURE, /* (14) utility a mediator's pressure takes off each belligerent's reservation against a bare ceasefire while it mediates; 0: off */
    WP_COUNT
};
/* Per-actor parameters (war.actors.ID). Belligerent-only and patron-only entries are ignored
 * for other roles (the reader rejects them there). */
enum {
    WA_FLOW_COST, WA_PRIOR_Q, WA_OPTIMISM, WA_AUDIENCE_COST, WA_RENEWAL_LOSS, WA_HOLDOUT,
    WA_RATIFY, WA_LEADER_HAZARD,
    WA_CULPABILITY, /* (7) leader culpability psi (Goemans 2000; Croco 2011); 0: off */
    /* belligerents */
    WA_POWER, WA_DEFENDER_ADVANTAGE, WA_REPLENISH, WA_DEPRECIATION, WA_BATTLE_LOSS,
    /* patrons */
    WA_AID_FLOW, WA_AID_STALLED, WA_FLOW_TO_STALL, WA_STALL_TO_FLOW, WA_AID_EFFECT, WA_AID_COST,
    WA_LEVERAGE,    /* (6) weight of the patron's own stake in its client's bargaining; 0: off */
    WA_WAR_BENEFIT, /* (6) patron's per-step gain from the war going on (attrition of the enemy) */
    WA_COUNT
};
#define WA_FIRST_BELLIGERENT WA_POWER
#define WA_FIRST_PATRON WA_AID_FLOW
/* (12) Reference step of the tempo switch: talk_ramp_days and fort_days are stated for it. */
#define EN_WAR_TEMPO_REF_DAYS 7.0
/* Per-issue parameters (war.issues.ID). */
enum { WI_ETA, WI_BATTLEFIELD, WI_POWER_SHIFT, WI_GUARANTEE, WI_TOLERANCE,
       WI_MONOTONE, /* (3) 1: a divisible good, more is better for every actor (no satiation) */
       WI_COUNT };

extern const en_war_param_def en_war_global_params[WP_COUNT];
extern const en_war_param_def en_war_actor_params[WA_COUNT];
extern const en_war_param_def en_war_issue_params[WI_COUNT];

/* ---- timeline ---- */

typedef enum en_war_event_type {
    EN_WAR_AID,           /* patron delivers `amount` USD bn over `steps` steps, on top of its flow */
    EN_WAR_AID_STALL,     /* patron's aid regime switches to stalled */
    EN_WAR_AID_RESUME,    /* ... back to flowing */
    EN_WAR_CHANNEL_CLOSE, /* a decree closes the direct talk channel */
    EN_WAR_CHANNEL_OPEN,
    EN_WAR_COMMITMENT,    /* public commitment of `actor` on `issue` changes by `change` (Π in [0,1]);
                             optional `stated`: new public position */
    EN_WAR_OFFENSIVE,     /* belligerent's effective power × (1 + boost) for `steps`;
                             optional jump_rate during it */
    EN_WAR_MOBILIZATION,  /* belligerent's combat power += power */
    EN_WAR_FRONT,         /* scripted move of A's share z by `change` over `steps` */
    EN_WAR_MEDIATION,     /* mediator active for `steps` */
    EN_WAR_LEADER_CHANGE, /* actor's leader replaced: commitment stocks and optimism reset */
    EN_WAR_BELIEF,        /* actor's optimism bias += change (e.g. promised support) */
    EN_WAR_POSITION,      /* actor's private ideal on `issue` becomes `position` */
    EN_WAR_VETO,          /* actor gains (value true) or loses a veto on `issue` */
    EN_WAR_EVENT_TYPE_COUNT
} en_war_event_type;

extern const char *const en_war_event_names[EN_WAR_EVENT_TYPE_COUNT];

typedef struct en_war_event {
    en_war_event_type type;
    char *date;     /* ISO date as written */
    long day;       /* days since 1970-01-01 */
    long actor;     /* scenario actor index, -1 if none */
    long issue;     /* scenario issue index, -1 if none */
    en_value amount, change, boost, position, stated, jump_rate, power;
    /* Optional keys whose absence the value alone cannot show (a commitment event may give
     * `stated` without `change`); the YAML writer needs them to write back what was read. */
    int has_change, has_stated, has_jump_rate;
    int scheduled;  /* known in advance: kept after --as-of (an election, a transfer of office) */
    long steps;     /* duration in steps, >= 1 */
    int value;      /* veto: 1 gain, 0 lose */
    char **cite;    /* source ids, kept so that a converted scenario still cites them */
    size_t cite_count;
    char *note;
    en_location where;
} en_war_event;

/* ---- conditional packages (WB-2 (3)) ---- */

/* "actor accepts a package with issue `if_issue` beyond `if_bound` only if issue `then_issue` is
 * beyond `then_bound`" (neutrality only with binding guarantees). A direction is +1 for
 * "at least", −1 for "at most". */
typedef struct en_war_condition {
    long actor, if_issue, then_issue;
    double if_bound, then_bound;
    int if_dir, then_dir;
    en_location where;
} en_war_condition;

/* 1 if the package x meets the condition (its `if` part does not hold, or its `then` part
 * does). Time complexity: O(1). */
int en_war_condition_met(const en_war_condition *c, const double *x);

/* ---- the section ---- */

typedef struct en_war {
    char *start, *end; /* ISO dates */
    long start_day, end_day;
    char *began;           /* ISO date the fighting began (NULL: start); the talks ramp counts from it */
    long began_day;
    long step_days;
    long side_a, side_b;   /* belligerents' actor indices: A (its share z) and B */
    long territory;        /* issue index of the disputed-territory coordinate, -1 if none */
    double zone_km2;       /* size of the disputed zone (reporting only) */
    en_value front;        /* z0: A's initial share of the zone */
    long *mediators;       /* actor indices */
    size_t mediator_count;
    en_value global[WP_COUNT];
    /* per scenario actor: parameters, and the initial public-commitment stock per issue */
    en_value *actor_params;   /* actor_count × WA_COUNT */
    en_value *commitment;     /* actor_count × issue_count, Π_ik(0) in [0,1] */
    en_value *issue_params;   /* issue_count × WI_COUNT */
    en_war_event *events;     /* sorted by day (stable: file order within a day) */
    size_t event_count;
    en_war_condition *conditions; /* WB-2 (3): conditional packages, in file order */
    size_t condition_count;
    en_location where;
} en_war;

/* A section with every parameter at its default, sized for the scenario. */
en_war *en_war_new(const en_scenario *scenario);
void en_war_free(en_war *war);
/* Frees what one event owns (date, note, cites) and leaves it empty. */
void en_war_event_clear(en_war_event *event);
en_war *en_war_clone(const en_war *war, const en_scenario *scenario);

static inline en_value *en_war_actor_param(const en_war *w, size_t actor, int param)
{
    return &w->actor_params[actor * WA_COUNT + (size_t)param];
}
static inline en_value *en_war_issue_param(const en_war *w, size_t issue, int param)
{
    return &w->issue_params[issue * WI_COUNT + (size_t)param];
}

/* Number of steps of the run (start to end inclusive of the last partial step). */
long en_war_step_count(const en_war *war);
/* Step index holding `day` (0-based; may be out of [0, steps)). */
long en_war_step_of(const en_war *war, long day);

#endif
