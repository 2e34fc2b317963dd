/*
 * procedural.c — the procedural compromise: the compromise model (Achen 2006; Thomson et al.
 * 2006) with weights that follow the decision procedure. Each actor's weight is
 *     w_i = capability_i × salience_i^β × k_i × v_i,
 * where β (salience_power) sharpens the influence of actors who care most, k_i is the
 * agenda setter's weight (the Commission proposes and can withdraw: Tsebelis & Garrett 2000),
 * the parliament's weight under codecision (a co-legislator whose consent is needed:
 * Tsebelis & Garrett 2000; Crombez 2001) or under consultation (an advisory opinion), 1 for
 * everyone else; and v_i is the actor's formal voting weight relative to the mean of the
 * voters taking part on the issue (Council votes by period; 1 for actors without votes).
 * Without a `decision:` section (no procedure, setter or votes known) only β acts: the model
 * is the compromise with salience^β weights. Sums run over the actors in the order of their
 * ids, so the forecast does not depend on the order of lines in the file.
 * docs/models/procedural.md has the equations and the fit (docs/validation.md).
 * Time complexity: O(n log n) per issue (the sort by id).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "models/baseline.h"
#include "models/procedural.h"

typedef struct by_id {
    const en_scenario *s;
    size_t participant;
    size_t actor;
} by_id;

static int compare_by_id(const void *a, const void *b)
{
    const by_id *x = a, *y = b;
    int c = strcmp(x->s->actors[x->actor].id, y->s->actors[y->actor].id);
    return c ? c : (x->actor > y->actor) - (x->actor < y->actor);
}

double en_procedural_forecast(const en_scenario *s, size_t issue, const en_procedural_weights *k)
{
    const en_decision *d = &s->decision;
    size_t n = 0;
    by_id *order = en_xmalloc((s->actor_count ? s->actor_count : 1) * sizeof *order);
    double vote_sum = 0;
    size_t voters = 0;
    for (size_t a = 0; a < s->actor_count; a++) {
        if (!s->actors[a].stances[issue].present) continue;
        order[n].s = s;
        order[n].participant = n;
        order[n].actor = a;
        n++;
    }
    /* Scenarios in canonical order (every forecast draw) are sorted already: the check costs
     * what the sort would spend confirming it, without the sort's copying. */
    size_t sorted = 1;
    while (sorted < n && compare_by_id(&order[sorted - 1], &order[sorted]) < 0) sorted++;
    if (sorted < n) qsort(order, n, sizeof *order, compare_by_id);
    for (size_t p = 0; p < n; p++) {
        const en_actor *actor = &s->actors[order[p].actor];
        if (actor->has_votes && k->use_votes) vote_sum += actor->votes, voters++;
    }
    double mean_votes = voters ? vote_sum / (double)voters : 0;
    int codecision = d->procedure && strcmp(d->procedure, "codecision") == 0;
    int consultation = d->procedure && strcmp(d->procedure, "consultation") == 0;
    double total = 0, sum = 0, plain = 0;
    for (size_t p = 0; p < n; p++) {
        size_t a = order[p].actor;
        const en_actor *actor = &s->actors[a];
        const en_stance *st = &actor->stances[issue];
        double w = en_stance_capability(s, a, issue);
        double salience = st->salience.value;
        w *= k->salience_power == 1 ? salience : pow(salience, k->salience_power);
        if (d->agenda_setter && strcmp(d->agenda_setter, actor->id) == 0) w *= k->setter;
        else if (d->parliament && strcmp(d->parliament, actor->id) == 0)
            w *= codecision ? k->parliament_codecision : consultation ? k->parliament_consultation : 1;
        if (actor->has_votes && k->use_votes && mean_votes > 0) w *= actor->votes / mean_votes;
        if (!(w > 0)) w = 0;
        total += w;
        sum += w * st->position.value;
        plain += st->position.value;
    }
    en_free(order);
    if (n == 0) return 0.5 * (s->issues[issue].scale_min + s->issues[issue].scale_max);
    return total > 0 ? sum / total : plain / (double)n;
}

void en_procedural_weights_read(const en_param_values *params, en_procedural_weights *k)
{
    k->salience_power = en_param_number(params, "salience_power");
    k->setter = en_param_number(params, "setter");
    k->parliament_codecision = en_param_number(params, "parliament_codecision");
    k->parliament_consultation = en_param_number(params, "parliament_consultation");
    k->use_votes = strcmp(en_param_choice(params, "votes"), "use") == 0;
}

static const char *procedural_issue(const en_scenario *s, const en_param_values *params,
                                    en_result *result, size_t index, double *forecast,
                                    en_error *err)
{
    (void)err;
    en_procedural_weights k;
    en_procedural_weights_read(params, &k);
    *forecast = en_procedural_forecast(s, result->issues[index].issue, &k);
    return "closed_form";
}

static en_status procedural_run(const en_scenario *s, const en_param_values *params,
                                en_result *result, en_error *err)
{
    return en_baseline_run(s, params, result, procedural_issue, err);
}

/* Defaults: the values `entente backtest --fit` chose on the DEU III development data
 * (docs/validation.md); refit on your own outcome data with the same command. */
static const en_param_def procedural_params[] = {
    {"salience_power", EN_PARAM_NUMBER, EN_PROCEDURAL_DEFAULT_SALIENCE_POWER,
     "exponent of salience in the weights (1: the plain compromise's)", 0, 10, NULL},
    {"setter", EN_PARAM_NUMBER, EN_PROCEDURAL_DEFAULT_SETTER,
     "weight factor of the agenda setter (decision: agenda_setter)", 0, 1000, NULL},
    {"parliament_codecision", EN_PARAM_NUMBER, EN_PROCEDURAL_DEFAULT_PARLIAMENT_COD,
     "weight factor of the parliament under codecision", 0, 1000, NULL},
    {"parliament_consultation", EN_PARAM_NUMBER, "1",
     "weight factor of the parliament under consultation", 0, 1000, NULL},
    {"votes", EN_PARAM_CHOICE, "use",
     "use: multiply by formal votes relative to the voters' mean; ignore: equal voters", 0, 0,
     "use|ignore"},
};

const en_model en_model_procedural = {
    "procedural",
    "compromise weighted by procedure: agenda setter, co-legislator, Council votes, salience^b",
    procedural_params, sizeof procedural_params / sizeof procedural_params[0], procedural_run, NULL,
    en_model_seed_free_always, /* a closed form: no random numbers */
};
