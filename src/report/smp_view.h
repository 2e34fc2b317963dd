/*
 * smp_view.h — what the HTML report embeds of a large spatial-model (smp) run: the trajectories
 * of a bounded number of actors, the trace records that explain their moves, and each
 * dimension's voters aggregated on the landscape's grid (docs/models/smp.md, "Report").
 */
#ifndef ENTENTE_REPORT_SMP_VIEW_H
#define ENTENTE_REPORT_SMP_VIEW_H

#include <stddef.h>

#include "core/result.h"

/* Position points (actors × dimensions × turns) the page draws of one run at most, before the
 * floor of EN_SMP_VIEW_MIN_ACTORS actors. */
#define EN_SMP_VIEW_POINT_BUDGET 10000
#define EN_SMP_VIEW_MIN_ACTORS 10
/* Points of the page's effective-power landscape per dimension (web/smp.js's GRID). */
#define EN_SMP_VIEW_GRID 41

/* The number of actors the page draws of a run with `actors` actors, `dimensions` issues and
 * `turns` rounds (turn 0 included): all of them when actors × dimensions × turns is at most the
 * point budget, else max(EN_SMP_VIEW_MIN_ACTORS, budget / (dimensions × turns)), never more than
 * `actors`. Time complexity: O(1). */
size_t en_smp_view_actor_limit(size_t actors, size_t dimensions, size_t turns);

/* A copy of smp result `r` cut for the page, or NULL when the page embeds `r` whole (not an
 * smp run, or no more actors than en_smp_view_actor_limit; a run of another model that
 * carries smp's `spaces` counts as an smp run). The copy has the
 * same layout as `r` in `run --format json` with:
 * - every issue's participants and round positions reduced to the drawn actors (mean and
 *   median stay the whole run's); round extras' arrays of objects naming an `actor` (smp's
 *   `moves`) reduced to the drawn actors;
 * - each space's rounds reduced to the drawn actors' `win_probability` and `queue_winners`
 *   and the bargains those queue winners name; and per space `report_voters`: per dimension,
 *   for the first and the last turn, every actor's effective power on the dimension summed per
 *   bin of the landscape grid with its weighted mean position (exact for the landscape:
 *   docs/models/smp.md);
 * - a top-level `report_cut`: {"actors", "drawn", "point_budget", "rule", "actor_ids"}.
 * The drawn actors: half (rounded up) with the largest winning probability in the last turn
 * (the largest over the spaces), then the most capable; ties by capability, then id. The
 * choice depends on no line order. The copy shares `r`'s scenario, model, params and story;
 * free it with en_smp_view_free. Allocates through the checked helpers (an unwind inside a
 * guard releases it). Time complexity: O(size of r + n log n).
 */
en_result *en_smp_view_new(const en_result *r);

/* Frees a copy made by en_smp_view_new (not what it shares with the run); NULL is allowed.
 * Time complexity: O(size of the copy). */
void en_smp_view_free(en_result *view);

#endif
