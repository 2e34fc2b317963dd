/*
 * forecast_scenario.c — the scenario as the forecast sees it: a copy in canonical order (issues
 * and actors sorted by id, so no answer depends on the order of the file), actors dropped by a
 * what-if, and the effective positions once patrons and public stances are counted
 * (docs/models/forecast.md: Salehyan 2010 and Salehyan, Siroky & Wood 2014 for patrons; Fearon
 * 1994 and Tomz 2007 for audience costs).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/forecast_internal.h"
#include "core/oom.h"
#include "core/util.h"
#include "core/war.h"

typedef struct order_item {
    const char *id;
    size_t index;
} order_item;

static int by_id(const void *a, const void *b)
{
    const order_item *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c) return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static size_t *sorted_order(size_t count, const char *(*id)(const en_scenario *, size_t),
                            const en_scenario *s)
{
    order_item *items = en_xcalloc(count ? count : 1, sizeof *items);
    for (size_t k = 0; k < count; k++) items[k].id = id(s, k), items[k].index = k;
    qsort(items, count, sizeof *items, by_id);
    size_t *order = en_xcalloc(count ? count : 1, sizeof *order);
    for (size_t k = 0; k < count; k++) order[k] = items[k].index;
    en_free(items);
    return order;
}

static const char *issue_id(const en_scenario *s, size_t k) { return s->issues[k].id; }
static const char *actor_id(const en_scenario *s, size_t k) { return s->actors[k].id; }

en_scenario *fc_canonical_copy(const en_scenario *s, size_t *issue_from)
{
    en_scenario *c = en_scenario_clone(s);
    en_war_free(c->war);
    c->war = NULL;
    size_t ni = c->issue_count, na = c->actor_count;
    size_t *io = sorted_order(ni, issue_id, c);
    size_t *ao = sorted_order(na, actor_id, c);
    /* issues */
    en_issue *issues = en_xcalloc(ni ? ni : 1, sizeof *issues);
    for (size_t k = 0; k < ni; k++) issues[k] = c->issues[io[k]];
    en_free(c->issues);
    c->issues = issues;
    if (issue_from)
        for (size_t k = 0; k < ni; k++) issue_from[k] = io[k];
    /* actors, and their per-issue arrays */
    size_t *actor_to = en_xcalloc(na ? na : 1, sizeof *actor_to);
    for (size_t k = 0; k < na; k++) actor_to[ao[k]] = k;
    en_actor *actors = en_xcalloc(na ? na : 1, sizeof *actors);
    for (size_t k = 0; k < na; k++) {
        en_actor a = c->actors[ao[k]];
        en_stance *stances = en_xcalloc(ni ? ni : 1, sizeof *stances);
        unsigned char *veto = en_xcalloc(ni ? ni : 1, 1);
        for (size_t i = 0; i < ni; i++) {
            stances[i] = a.stances[io[i]];
            veto[i] = a.veto[io[i]];
        }
        en_free(a.stances);
        en_free(a.veto);
        a.stances = stances;
        a.veto = veto;
        if (a.patron_of >= 0) a.patron_of = (long)actor_to[a.patron_of];
        actors[k] = a;
    }
    en_free(c->actors);
    c->actors = actors;
    en_free(actor_to);
    en_free(io);
    en_free(ao);
    return c;
}

void fc_drop_actor(en_scenario *s, size_t a)
{
    en_actor_clear(&s->actors[a], s->issue_count);
    memmove(&s->actors[a], &s->actors[a + 1], (s->actor_count - a - 1) * sizeof *s->actors);
    s->actor_count--;
    for (size_t k = 0; k < s->actor_count; k++) {
        long p = s->actors[k].patron_of;
        if (p == (long)a) s->actors[k].patron_of = -1;
        else if (p > (long)a) s->actors[k].patron_of = p - 1;
    }
}

void fc_effective(const en_scenario *raw, double patron_weight, double audience_cost,
                  en_scenario *eff, double *preference)
{
    size_t na = raw->actor_count, ni = raw->issue_count;
    for (size_t j = 0; j < na; j++) {
        const en_actor *client = &raw->actors[j];
        for (size_t k = 0; k < ni; k++) {
            const en_stance *st = &client->stances[k];
            if (!st->present) continue;
            double x = st->position.value;
            /* Patrons: the client weighs each patron's position by the patron's share of the
             * weight the client and its patrons commit to the issue, times λ. Summed in
             * canonical actor order. */
            if (patron_weight > 0) {
                double own = en_scenario_weight(raw, j, k), total = own, pulled = 0, share = 0;
                for (size_t p = 0; p < na; p++)
                    if (raw->actors[p].patron_of == (long)j && raw->actors[p].stances[k].present)
                        total += en_scenario_weight(raw, p, k);
                if (total > 0 && total > own) {
                    for (size_t p = 0; p < na; p++) {
                        if (raw->actors[p].patron_of != (long)j || !raw->actors[p].stances[k].present) continue;
                        double omega = patron_weight * en_scenario_weight(raw, p, k) / total;
                        share += omega;
                        pulled += omega * raw->actors[p].stances[k].position.value;
                    }
                    x = (1 - share) * x + pulled;
                }
            }
            if (preference) preference[j * ni + k] = x;
            /* Public stance: holding out nearer the public line, (x' + α π) / (1 + α). */
            if (st->has_public && audience_cost > 0)
                x = (x + audience_cost * st->public_position.value) / (1 + audience_cost);
            const en_issue *issue = &raw->issues[k];
            if (x < issue->scale_min) x = issue->scale_min;
            if (x > issue->scale_max) x = issue->scale_max;
            eff->actors[j].stances[k].position.value = x;
        }
    }
}

static en_status effective(const en_scenario *s, double patron_weight, double audience_cost,
                           en_scenario **out)
{
    en_scenario *eff = en_scenario_clone(s);
    fc_effective(s, patron_weight, audience_cost, eff, NULL);
    *out = eff;
    return EN_OK;
}

/* Under an out-of-memory guard (core/oom.h): NULL when memory runs out, the copy released. */
en_scenario *en_scenario_effective(const en_scenario *s, double patron_weight, double audience_cost)
{
    en_scenario *eff = NULL;
    en_status st;
    EN_GUARDED(st, NULL, (void)0, effective(s, patron_weight, audience_cost, &eff));
    return st == EN_OK ? eff : NULL;
}
