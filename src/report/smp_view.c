/*
 * smp_view.c — the HTML report's cut of a large smp run (smp_view.h). Why: a run of 1,000
 * actors in 6 dimensions records ~100 MB of trace (every actor's position, move, bargain and
 * queue election in every turn); a page that embeds it all takes minutes and gigabytes to open,
 * and a chart of 1,000 lines shows nothing. The page draws a bounded number of actors, chosen
 * by what they mean for the outcome, and the landscape from voters aggregated on its grid,
 * which gives the same landscape as every voter (the votes are linear between grid points).
 * The full record stays in `run --format json` and `entente trace`.
 */
#include "report/smp_view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/node.h"
#include "core/scenario.h"
#include "core/util.h"

size_t en_smp_view_actor_limit(size_t actors, size_t dimensions, size_t turns)
{
    if (dimensions == 0 || turns == 0) return actors;
    if (actors <= EN_SMP_VIEW_POINT_BUDGET / dimensions / turns &&
        actors * dimensions * turns <= EN_SMP_VIEW_POINT_BUDGET)
        return actors;
    size_t limit = EN_SMP_VIEW_POINT_BUDGET / (dimensions * turns);
    if (limit < EN_SMP_VIEW_MIN_ACTORS) limit = EN_SMP_VIEW_MIN_ACTORS;
    return limit < actors ? limit : actors;
}

/* ---- actor ids to scenario indices, by binary search over the ids in byte order ---- */

typedef struct id_index {
    const char *id;
    size_t index;
} id_index;

static int id_index_cmp(const void *a, const void *b)
{
    return strcmp(((const id_index *)a)->id, ((const id_index *)b)->id);
}

static long find(const id_index *table, size_t count, const char *id)
{
    if (!id) return -1;
    id_index key = {id, 0};
    const id_index *hit = bsearch(&key, table, count, sizeof *table, id_index_cmp);
    return hit ? (long)hit->index : -1;
}

/* ---- ranking ---- */

typedef struct ranked {
    size_t actor;
    double win;        /* largest last-turn winning probability over the spaces, -1 if none */
    double capability;
    const char *id;
} ranked;

static int by_capability(const ranked *x, const ranked *y)
{
    if (x->capability != y->capability) return x->capability > y->capability ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int by_win(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->win != y->win) return x->win > y->win ? -1 : 1;
    return by_capability(x, y);
}

static int by_capability_cmp(const void *a, const void *b)
{
    return by_capability(a, b);
}

/* ---- copies of the extras, reduced to the drawn actors ---- */

static en_node *copy(const en_node *node)
{
    en_node *c = en_node_new(node->type);
    c->number = node->number;
    if (node->string) c->string = en_xstrdup(node->string);
    for (size_t k = 0; k < node->count; k++) {
        if (node->type == EN_NODE_OBJECT) en_node_append(c, node->keys[k], copy(node->items[k]));
        else en_node_push(c, copy(node->items[k]));
    }
    return c;
}

static int drawn_id(const id_index *table, size_t count, const unsigned char *drawn, const char *id)
{
    long a = find(table, count, id);
    return a >= 0 && drawn[a];
}

/* A round's extra: arrays of objects that name an `actor` keep the drawn actors' objects. */
static en_node *copy_round_extra(const en_node *extra, const id_index *table, size_t count,
                                 const unsigned char *drawn)
{
    en_node *c = en_node_new(EN_NODE_OBJECT);
    for (size_t k = 0; k < extra->count; k++) {
        const en_node *item = extra->items[k];
        if (item->type != EN_NODE_ARRAY) {
            en_node_append(c, extra->keys[k], copy(item));
            continue;
        }
        en_node *list = en_node_new(EN_NODE_ARRAY);
        for (size_t j = 0; j < item->count; j++) {
            const en_node *actor = en_node_get(item->items[j], "actor");
            if (actor && actor->type == EN_NODE_STRING && !drawn_id(table, count, drawn, actor->string))
                continue;
            en_node_push(list, copy(item->items[j]));
        }
        en_node_append(c, extra->keys[k], list);
    }
    return c;
}

static int has_number(const double *list, size_t count, double x)
{
    for (size_t k = 0; k < count; k++)
        if (list[k] == x) return 1;
    return 0;
}

/* One turn of a space: the drawn actors' winning probabilities and queue winners, and the
 * bargains those winners name. */
static en_node *copy_space_round(const en_node *rd, const id_index *table, size_t count,
                                 const unsigned char *drawn)
{
    en_node *c = en_node_new(EN_NODE_OBJECT);
    const en_node *winners = en_node_get(rd, "queue_winners");
    size_t named_count = 0;
    double *named = en_xmalloc((winners ? winners->count : 0) * sizeof *named + 1);
    for (size_t a = 0; winners && winners->type == EN_NODE_OBJECT && a < winners->count; a++) {
        if (!drawn_id(table, count, drawn, winners->keys[a])) continue;
        const en_node *b = en_node_get(winners->items[a], "bargain");
        if (b && b->type == EN_NODE_NUMBER) named[named_count++] = b->number;
    }
    for (size_t k = 0; k < rd->count; k++) {
        const char *key = rd->keys[k];
        const en_node *item = rd->items[k];
        if ((strcmp(key, "win_probability") == 0 || strcmp(key, "queue_winners") == 0) &&
            item->type == EN_NODE_OBJECT) {
            en_node *o = en_node_new(EN_NODE_OBJECT);
            for (size_t a = 0; a < item->count; a++)
                if (drawn_id(table, count, drawn, item->keys[a]))
                    en_node_append(o, item->keys[a], copy(item->items[a]));
            en_node_append(c, key, o);
        } else if (strcmp(key, "bargains") == 0 && item->type == EN_NODE_ARRAY) {
            en_node *list = en_node_new(EN_NODE_ARRAY);
            for (size_t j = 0; j < item->count; j++) {
                const en_node *id = en_node_get(item->items[j], "id");
                if (id && id->type == EN_NODE_NUMBER && has_number(named, named_count, id->number))
                    en_node_push(list, copy(item->items[j]));
            }
            en_node_append(c, key, list);
        } else {
            en_node_append(c, key, copy(item));
        }
    }
    en_free(named);
    return c;
}

/* The result's issue index of scenario issue `id`, or -1. */
static long result_issue(const en_result *r, const char *id)
{
    for (size_t i = 0; i < r->issue_count; i++)
        if (strcmp(r->scenario->issues[r->issues[i].issue].id, id) == 0) return (long)i;
    return -1;
}

/* Every actor's effective power on each dimension of `space`, first and last turn, summed per
 * bin of the landscape grid with the power-weighted mean position of the bin. With G grid
 * points on [0,1], a voter's vote between two grid points, w·(|z' − x| − |z − x|), is linear in
 * x with one sign between consecutive multiples of 1/(2(G − 1)) (its kinks are at the grid
 * points, its zero at their midpoints), so the bin's weight at its mean position casts exactly
 * the bin's summed votes. Positions outside the scale get a bin of their own on each side. */
static en_node *voters(const en_result *r, const en_node *space)
{
    const en_scenario *s = r->scenario;
    const en_node *issues = en_node_get(space, "issues");
    en_node *out = en_node_new(EN_NODE_OBJECT);
    if (!issues || issues->type != EN_NODE_ARRAY) return out;
    size_t dims = issues->count;
    long *which = en_xmalloc((dims + 1) * sizeof *which);
    for (size_t k = 0; k < dims; k++)
        which[k] = issues->items[k]->type == EN_NODE_STRING ? result_issue(r, issues->items[k]->string) : -1;
    const size_t half = 2 * (EN_SMP_VIEW_GRID - 1), bins = half + 2;
    double *weight = en_xmalloc(bins * sizeof *weight), *moment = en_xmalloc(bins * sizeof *moment);
    for (size_t k = 0; k < dims; k++) {
        if (which[k] < 0) continue;
        const en_issue_result *ir = &r->issues[which[k]];
        const en_issue *issue = &s->issues[ir->issue];
        double lo = issue->scale_min, span = issue->scale_max - issue->scale_min;
        if (span == 0) span = 1;
        en_node *both = en_node_new(EN_NODE_OBJECT);
        for (int end = 0; end < 2 && ir->round_count; end++) {
            const en_round *rd = &ir->rounds[end ? ir->round_count - 1 : 0];
            memset(weight, 0, bins * sizeof *weight);
            memset(moment, 0, bins * sizeof *moment);
            for (size_t p = 0; p < ir->participant_count; p++) {
                const en_actor *a = &s->actors[ir->participants[p]];
                /* the page's weight: capability × salience, saliences over the space's
                 * dimensions scaled to add up to at most 1 */
                double total = 0;
                for (size_t j = 0; j < dims; j++)
                    if (which[j] >= 0 && a->stances[r->issues[which[j]].issue].present)
                        total += a->stances[r->issues[which[j]].issue].salience.value;
                const en_stance *st = &a->stances[ir->issue];
                double w = a->capability.value * (st->present ? st->salience.value / (total > 1 ? total : 1) : 0);
                double x = rd->positions[p], z = (x - lo) / span;
                size_t bin = z < 0 ? 0 : z > 1 ? bins - 1 : 1 + (size_t)fmin(floor(z * (double)half), (double)(half - 1));
                weight[bin] += w;
                moment[bin] += w * x;
            }
            en_node *list = en_node_new(EN_NODE_ARRAY);
            for (size_t b = 0; b < bins; b++) {
                if (!(weight[b] > 0)) continue;
                en_node *v = en_node_new(EN_NODE_OBJECT);
                en_node_append_number(v, "x", moment[b] / weight[b]);
                en_node_append_number(v, "w", weight[b]);
                en_node_push(list, v);
            }
            en_node_append(both, end ? "last" : "first", list);
        }
        en_node_append(out, issue->id, both);
    }
    en_free(weight);
    en_free(moment);
    en_free(which);
    return out;
}

static en_node *copy_spaces(const en_result *r, const en_node *spaces, const id_index *table,
                            size_t count, const unsigned char *drawn)
{
    en_node *list = en_node_new(EN_NODE_ARRAY);
    for (size_t sp = 0; sp < spaces->count; sp++) {
        const en_node *space = spaces->items[sp];
        en_node *c = en_node_new(EN_NODE_OBJECT);
        for (size_t k = 0; space->type == EN_NODE_OBJECT && k < space->count; k++) {
            const en_node *item = space->items[k];
            if (strcmp(space->keys[k], "rounds") == 0 && item->type == EN_NODE_ARRAY) {
                en_node *rounds = en_node_new(EN_NODE_ARRAY);
                for (size_t t = 0; t < item->count; t++)
                    en_node_push(rounds, item->items[t]->type == EN_NODE_OBJECT
                                             ? copy_space_round(item->items[t], table, count, drawn)
                                             : copy(item->items[t]));
                en_node_append(c, "rounds", rounds);
            } else {
                en_node_append(c, space->keys[k], copy(item));
            }
        }
        if (space->type == EN_NODE_OBJECT) en_node_append(c, "report_voters", voters(r, space));
        en_node_push(list, c);
    }
    return list;
}

en_result *en_smp_view_new(const en_result *r)
{
    const en_node *spaces = r->extra ? en_node_get(r->extra, "spaces") : NULL;
    if (spaces && spaces->type != EN_NODE_ARRAY) spaces = NULL;
    if (!spaces && strcmp(en_model_name(r->model), "smp") != 0) return NULL;
    const en_scenario *s = r->scenario;
    size_t n = s->actor_count;
    /* the actors that take part (a stance on at least one of the run's issues), the turns */
    unsigned char *part = en_xcalloc(n + 1, 1);
    size_t actors = 0, turns = 0;
    for (size_t i = 0; i < r->issue_count; i++) {
        const en_issue_result *ir = &r->issues[i];
        if (ir->round_count > turns) turns = ir->round_count;
        for (size_t p = 0; p < ir->participant_count; p++)
            if (!part[ir->participants[p]]) part[ir->participants[p]] = 1, actors++;
    }
    size_t limit = en_smp_view_actor_limit(actors, r->issue_count, turns);
    if (limit >= actors) {
        en_free(part);
        return NULL;
    }
    id_index *table = en_xmalloc((n + 1) * sizeof *table);
    for (size_t a = 0; a < n; a++) table[a] = (id_index){s->actors[a].id, a};
    qsort(table, n, sizeof *table, id_index_cmp);

    ranked *rank = en_xmalloc((actors + 1) * sizeof *rank);
    long *slot = en_xmalloc((n + 1) * sizeof *slot);
    size_t m = 0;
    for (size_t a = 0; a < n; a++) {
        slot[a] = -1;
        if (!part[a]) continue;
        slot[a] = (long)m;
        rank[m++] = (ranked){a, -1, s->actors[a].capability.value, s->actors[a].id};
    }
    for (size_t sp = 0; spaces && sp < spaces->count; sp++) {
        const en_node *rounds = en_node_get(spaces->items[sp], "rounds");
        if (!rounds || rounds->type != EN_NODE_ARRAY || !rounds->count) continue;
        const en_node *win = en_node_get(rounds->items[rounds->count - 1], "win_probability");
        for (size_t k = 0; win && win->type == EN_NODE_OBJECT && k < win->count; k++) {
            long a = find(table, n, win->keys[k]);
            if (a < 0 || slot[a] < 0 || win->items[k]->type != EN_NODE_NUMBER) continue;
            if (win->items[k]->number > rank[slot[a]].win) rank[slot[a]].win = win->items[k]->number;
        }
    }
    unsigned char *drawn = en_xcalloc(n + 1, 1);
    size_t first = (limit + 1) / 2;
    qsort(rank, actors, sizeof *rank, by_win);
    for (size_t k = 0; k < first; k++) drawn[rank[k].actor] = 1;
    qsort(rank + first, actors - first, sizeof *rank, by_capability_cmp);
    for (size_t k = first; k < limit; k++) drawn[rank[k].actor] = 1;

    en_result *v = en_xcalloc(1, sizeof *v);
    *v = *r;
    v->issues = en_xcalloc(r->issue_count + 1, sizeof *v->issues);
    for (size_t i = 0; i < r->issue_count; i++) {
        const en_issue_result *ir = &r->issues[i];
        en_issue_result *vi = &v->issues[i];
        *vi = *ir;
        vi->participants = en_xmalloc((ir->participant_count + 1) * sizeof *vi->participants);
        vi->weights = en_xmalloc((ir->participant_count + 1) * sizeof *vi->weights);
        size_t kept = 0;
        for (size_t p = 0; p < ir->participant_count; p++)
            if (drawn[ir->participants[p]]) {
                vi->participants[kept] = ir->participants[p];
                vi->weights[kept++] = ir->weights ? ir->weights[p] : 0;
            }
        vi->participant_count = kept;
        vi->rounds = en_xcalloc(ir->round_count + 1, sizeof *vi->rounds);
        vi->round_capacity = ir->round_count;
        vi->position_store = en_xmalloc((ir->round_count * kept + 1) * sizeof *vi->position_store);
        vi->position_capacity = ir->round_count;
        for (size_t t = 0; t < ir->round_count; t++) {
            en_round *vr = &vi->rounds[t];
            *vr = ir->rounds[t];
            vr->positions = vi->position_store + t * kept;
            for (size_t p = 0, q = 0; p < ir->participant_count; p++)
                if (drawn[ir->participants[p]]) vr->positions[q++] = ir->rounds[t].positions[p];
            vr->extra = ir->rounds[t].extra && ir->rounds[t].extra->type == EN_NODE_OBJECT
                            ? copy_round_extra(ir->rounds[t].extra, table, n, drawn)
                            : NULL;
        }
        vi->extra = ir->extra ? copy(ir->extra) : NULL;
    }
    en_node *extra = en_node_new(EN_NODE_OBJECT);
    for (size_t k = 0; r->extra && r->extra->type == EN_NODE_OBJECT && k < r->extra->count; k++)
        en_node_append(extra, r->extra->keys[k],
                       strcmp(r->extra->keys[k], "spaces") == 0 ? copy_spaces(r, spaces, table, n, drawn)
                                                                  : copy(r->extra->items[k]));
    en_node *cut = en_node_new(EN_NODE_OBJECT);
    en_node_append_number(cut, "actors", (double)actors);
    en_node_append_number(cut, "drawn", (double)limit);
    en_node_append_number(cut, "point_budget", EN_SMP_VIEW_POINT_BUDGET);
    en_node_append_string(cut, "rule", spaces ? "the most likely positions in the last turn, then the most capable"
                                               : "the most capable (the run recorded no winning probabilities)");
    en_node *ids = en_node_new(EN_NODE_ARRAY);
    for (size_t k = 0; k < limit; k++) en_node_push(ids, en_node_string(rank[k].id));
    en_node_append(cut, "actor_ids", ids);
    en_node_append(extra, "report_cut", cut);
    v->extra = extra;

    en_free(drawn);
    en_free(slot);
    en_free(rank);
    en_free(table);
    en_free(part);
    return v;
}

void en_smp_view_free(en_result *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->issue_count; i++) {
        en_issue_result *vi = &v->issues[i];
        for (size_t t = 0; t < vi->round_count; t++) en_node_free(vi->rounds[t].extra);
        en_node_free(vi->extra);
        en_free(vi->rounds);
        en_free(vi->position_store);
        en_free(vi->participants);
        en_free(vi->weights);
    }
    en_free(v->issues);
    en_node_free(v->extra);
    en_free(v);
}
