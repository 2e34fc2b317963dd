/*
 * eum_paths.c — every way entente computes one round of the expected utility model, in one
 * table per variant, and the one function that chooses among them (docs/models/eum.md,
 * "Paths"). The reference-order ("straight") path of each variant is its definition:
 * bit-identical to the published replications. Every other entry computes the same round
 * faster, with its sums reordered, and states how far a round may move a position from the
 * reference's (tolerance); test_eum_fast checks every entry against the straight path.
 */
#include <stdint.h>
#include <string.h>

#include "models/eum.h"

/* The vector entries are the same kernels with their powers over arrays. */
static eum_status scholz_vector(const eum_config *cfg, size_t n, const double *c, const double *s,
                                const double *x, double *x_out, eum_move *moves, eum_trace *trace)
{
    eum_config local = *cfg;
    local.array_powers = 1;
    return eum_scholz_round_fast(&local, n, c, s, x, x_out, moves, trace);
}

static eum_status scholz_sorted_vector(const eum_config *cfg, size_t n, const double *c,
                                       const double *s, const double *x, double *x_out,
                                       eum_move *moves, eum_trace *trace)
{
    eum_config local = *cfg;
    local.array_powers = 1;
    return eum_scholz_round_sorted(&local, n, c, s, x, x_out, moves, trace);
}

#define NEVER SIZE_MAX

/* name, variant, shown as, auto from n (results shown), auto from n (trace=none draws),
 * tolerance, round. The tolerances are those test_eum_fast holds each path to: positions
 * within 1e-9 of the straight path's after one round from the same start, same move types. */
static const eum_path paths[] = {
    {"straight", EUM_SCHOLZ, "straight", 0, NEVER, 0, eum_scholz_round_straight},
    {"fast", EUM_SCHOLZ, "fast", EUM_FAST_MIN_SCHOLZ, NEVER, 1e-9, eum_scholz_round_fast},
    {"vector", EUM_SCHOLZ, "fast", NEVER, 0, 1e-9, scholz_vector},
    {"sorted", EUM_SCHOLZ, "sorted", EUM_SORTED_MIN_SCHOLZ, NEVER, 1e-9, eum_scholz_round_sorted},
    {"sorted-vector", EUM_SCHOLZ, "sorted", NEVER, EUM_SORTED_MIN_SCHOLZ, 1e-9, scholz_sorted_vector},
    {"straight", EUM_MASAD, "straight", 0, 0, 0, eum_masad_round_straight},
    {"fast", EUM_MASAD, "fast", EUM_FAST_MIN_MASAD, EUM_FAST_MIN_MASAD, 1e-9, eum_masad_round_fast},
};

size_t eum_path_count(void)
{
    return sizeof paths / sizeof paths[0];
}

const eum_path *eum_path_at(size_t k)
{
    return k < eum_path_count() ? &paths[k] : NULL;
}

const eum_path *eum_path_find(eum_variant variant, const char *name)
{
    for (size_t k = 0; k < eum_path_count(); k++)
        if (paths[k].variant == variant && strcmp(paths[k].name, name) == 0) return &paths[k];
    return NULL;
}

const eum_path *eum_path_choose(eum_variant variant, size_t n, const char *requested,
                                int draws, int full)
{
    /* trace=full records the straight path's matrices */
    if (full) return eum_path_find(variant, "straight");
    if (requested && strcmp(requested, "auto") != 0) {
        const eum_path *p = eum_path_find(variant, requested);
        /* masad has one faster path: vector and sorted name scholz's variants of it */
        return p ? p : eum_path_find(variant, "fast");
    }
    const eum_path *best = NULL;
    for (size_t k = 0; k < eum_path_count(); k++) {
        const eum_path *p = &paths[k];
        size_t from = draws ? p->auto_draws : p->auto_shown;
        if (p->variant != variant || from == NEVER || n < from) continue;
        if (!best || from >= (draws ? best->auto_draws : best->auto_shown)) best = p;
    }
    return best ? best : eum_path_find(variant, "straight");
}
