/*
 * war_internal.h — what the parts of the war simulation share: the set-up common to all runs
 * (war.c builds it, war_run.c reads it), one run, and the per-run records and their aggregates
 * that the reports (war_report.c) read. Private to src/war/.
 */
#ifndef ENTENTE_WAR_WAR_INTERNAL_H
#define ENTENTE_WAR_WAR_INTERNAL_H

#include <pthread.h>

#include "war/war.h"
#include "core/war.h"
#include "models/model.h"

/* Why an open window did not become a signed deal at a step. */
enum {
    WAR_MISS_NONE = 0,
    WAR_MISS_CHANNEL,  /* a decree closed the channel and no talks happened */
    WAR_MISS_PATRON,   /* the belligerents' own window was open, a patron/other veto closed it */
    WAR_MISS_NO_TALKS, /* channel open, nobody sat down this step */
    WAR_MISS_RATIFY,   /* talks agreed, ratification failed */
    /* WB-2 */
    WAR_MISS_REJECTED, /* an offer was made under private information and rejected (screening) */
    WAR_MISS_NO_OFFER, /* the proposer's belief made fighting on better than any offer it would make */
    WAR_MISS_PRESSURE, /* the belligerents' window was closed by a patron's pressure on its client */
    WAR_MISS_COUNT
};

/* Per-step state codes of a run. */
enum { WAR_AT_WAR = 0, WAR_IN_DEAL = 1, WAR_DECIDED = 2 };

struct en_war_summary {
    const en_scenario *scenario;
    const en_war *war;
    long runs;
    unsigned long seed;
    long steps;                /* simulated steps */
    long first, last;          /* reported step range [first, last] */
    const char *settle_with;   /* "nash" or a model name */
    int window_only;           /* deals were never signed (--window-only) */
    size_t player_count;       /* veto players (actors) */
    long *player_actor;        /* their scenario actor indices */
    /* per run × step (index r * steps + t) */
    float *slack;              /* window slack (all veto players); NAN once decided */
    unsigned char *open, *state, *miss;
    short *blocker;            /* player index binding when closed, -1 */
    short *patron_blocker;     /* for WAR_MISS_PATRON: the player that closed it */
    float *front, *belief_a, *belief_b, *edge;
    /* per run */
    long *first_deal;          /* step of the first signing, -1 */
    double *terms;             /* run × issue: terms of the first deal */
    long *renewed;             /* step the first deal broke, -1 */
    int *decided;              /* 0 no, 1 A won, 2 B won */
    /* explain (per run × player) */
    long explain_step;         /* -1 none */
    double *explain_reservation, *explain_deal_value, *explain_surplus;
    short *explain_blocker;    /* per run: binding player, -1 if the run was not at war */
    double *explain_package;   /* run × issue: the maximin package */
    /* WB-2 */
    long as_of_step;           /* -1: none; steps before it are history (no deal is signed) */
    unsigned char *deal_kind;  /* per run: EN_WAR_KIND_* of the first deal (0 none) */
    short *cause_actor;        /* per run × step: scenario actor behind the miss (rejecting side,
                                * failed ratifier, pressing patron), -1 */
    signed char *pressure;     /* per run × step: +1 a patron's pressure opened the window, −1 closed it */
    short *pressure_actor;     /* per run × step: the patron whose pressure did it, -1 */
    size_t patron_count;       /* patrons of a belligerent */
    long *patron_actor;        /* their actor indices */
    /* explain (per run): the talks at the explain step */
    double *explain_offer;     /* offered surplus y*, NAN if no offer */
    signed char *explain_accept; /* -1 no offer, 0 rejected, 1 accepted */
    double *explain_type_low;  /* run × 2: the other side's lower bound on A's / B's type */
    double *explain_rejections;/* run: offers rejected so far */
    double *explain_patron;    /* run × patron: the patron's surplus at the package and its pressure */
    double *explain_pressure;  /* run × patron: change of its client's reservation */
    double *explain_renew_loss;  /* run × player: (2) loss from renewal valued at the post-deal balance */
    double *explain_renew_basis; /* run × issue: the deal on the table it was valued at */
    double *explain_belief;      /* run × player: (9) its belief about A's per-battle edge (with foresight) */
    double *explain_p_prevail;   /* run × player: (9) its believed P(A prevails) */
    double *explain_days_decide; /* run × player: (9) its believed days to the war's decision */
    long *settled;             /* per run: (10) step of the first settlement (also after a ceasefire), -1 */
    long *deal_by_days;        /* --deal-by */
    size_t deal_by_count;
    double *median_term;       /* per issue: median term of the first deals (NaN: none), computed
                                * when the simulation ends so the accessor needs no memory */
};

/* The set-up shared by all runs (read-only during the runs, but for the progress fields). */
typedef struct war_setup {
    const en_scenario *s;
    const en_war *w;
    const en_war_options *o;
    const en_model *settle_model;
    size_t na, ni;
    long steps;
    size_t np;             /* veto players */
    long *player_actor;    /* actor index per player */
    int *player_side;      /* +1 A's side, −1 B's side, 0 neither */
    size_t nb;             /* patrons of a belligerent */
    long *patron_actor;
    size_t a_player, b_player;
    double *status_quo;    /* per issue */
    double *low, *high;    /* per issue */
    long as_of_step;       /* -1 none */
    long began_day;        /* the fighting began (the talks ramp counts from it) */
    long as_of_day;
    en_war_summary *sum;
    /* progress */
    pthread_mutex_t lock;
    long next_run, done;
    long run_end;          /* this process's runs end here (war_share) */
} war_setup;

/* One run's drawn parameters, state and scratch (war_run.c); one per worker thread, reused. */
typedef struct war_run war_run;
war_run *war_run_new(const war_setup *su);
void war_run_free(war_run *r);
/* Simulates run `run` and writes its rows of su->sum. */
void war_run_one(war_run *r, const war_setup *su, long run);

/* en_war_simulate's body, which war_guard.c runs under an out-of-memory guard. */
en_status en_war_simulate_unguarded(const en_scenario *s, const en_war_options *o,
                                    en_war_summary **out, en_error *err);

/* The bodies of the public war writers, which war_guard.c runs under an out-of-memory guard. */
en_status en_war_summary_write_unguarded(const en_war_summary *summary, en_output_format format,
                                         FILE *out, en_error *err);
en_status en_war_explain_write_unguarded(const en_war_summary *summary, en_output_format format,
                                         FILE *out, en_error *err);

#endif
