/*
 * eum_scholz_choice.h — the offer phase's decision rule of the "scholz" EUM variant (the pair
 * expected utility it compares is scholz_eu_u in eum_formula.h), shared by every scholz path
 * (eum_scholz.c, eum_scholz_sorted.c) so that it is written once. Not for use outside
 * src/models/eum_scholz*.c.
 */
#ifndef ENTENTE_MODELS_EUM_SCHOLZ_CHOICE_H
#define ENTENTE_MODELS_EUM_SCHOLZ_CHOICE_H

#include <math.h>
#include <stddef.h>

#include "models/eum.h"
#include "models/eum_formula.h"

/* The offer phase's decision for receiver i, given its pair EUs against each j ("Variant
 * scholz", offer phase):
 * confrontations it loses (e_ji > e_ij > 0) win over compromises (e_ji > 0 > e_ij,
 * e_ji > |e_ij|); among confrontations the nearest, among compromises the smallest key
 * K = (|e_ij|x_i + |e_ji|x_j)/(|e_ij| + |e_ji|); the smallest j on ties, whatever the order the
 * offers are seen in (the sorted path sees them by position). Capitulation is
 * unreachable in bdm1 (its condition reads e_ji < |e_ji|), so it is not tested. */
typedef struct scholz_choice {
    long conf, comp;
    double conf_dist, comp_key;
    double conf_eu[2], comp_eu[2], comp_x;
    size_t count;
} scholz_choice;

/* Every field set, though only those of a chosen offer are read: the compiler cannot see that
 * conf_* and comp_* are written whenever conf and comp become >= 0. */
static inline void choice_init(scholz_choice *ch)
{
    *ch = (scholz_choice){.conf = -1, .comp = -1};
}

/* Inlined into the offer loops: it runs for every ordered pair of a round. */
static inline __attribute__((always_inline)) void
choice_offer(scholz_choice *ch, size_t j, double xi, double xj, double e_ij, double e_ji)
{
    if (e_ji > e_ij && e_ij > 0) {
        double dist = fabs(xi - xj);
        ch->count++;
        if (ch->conf < 0 || dist < ch->conf_dist || (dist == ch->conf_dist && (long)j < ch->conf)) {
            ch->conf = (long)j;
            ch->conf_dist = dist;
            ch->conf_eu[0] = e_ij;
            ch->conf_eu[1] = e_ji;
        }
    } else if (e_ji > 0 && 0 > e_ij && e_ji > fabs(e_ij)) {
        double key = (fabs(e_ij) * xi + fabs(e_ji) * xj) / (fabs(e_ij) + fabs(e_ji));
        ch->count++;
        if (ch->comp < 0 || key < ch->comp_key || (key == ch->comp_key && (long)j < ch->comp)) {
            ch->comp = (long)j;
            ch->comp_key = key;
            ch->comp_eu[0] = e_ij;
            ch->comp_eu[1] = e_ji;
            ch->comp_x = xi + (xj - xi) * fabs(e_ij / e_ji);
        }
    }
}

static inline void choice_apply(const scholz_choice *ch, size_t i, const double *x, double *x_out,
                         eum_move *move)
{
    move->n_offers = ch->count;
    if (ch->conf >= 0) {
        move->with = ch->conf;
        move->type = EUM_MOVE_CONFRONTATION;
        move->eu_self = ch->conf_eu[0];
        move->eu_other = ch->conf_eu[1];
        move->offer_x = x[ch->conf];
        move->new_position = x[ch->conf];
    } else if (ch->comp >= 0) {
        move->with = ch->comp;
        move->type = EUM_MOVE_COMPROMISE;
        move->eu_self = ch->comp_eu[0];
        move->eu_other = ch->comp_eu[1];
        move->offer_x = x[ch->comp];
        move->new_position = ch->comp_x;
    } else {
        return;
    }
    x_out[i] = move->new_position;
}

#endif
