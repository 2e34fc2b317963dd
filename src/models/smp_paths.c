/*
 * smp_paths.c — the ways entente runs the spatial model of politics, in one table, and the one
 * function that chooses among them (docs/models/smp.md, "Large-n path"). The exact entry is
 * the model's definition, KTAB's runs to the bit; the fast entry samples third parties and
 * voters for large spaces and states how far its runs may end from the exact entry's
 * (tolerances); tests/models/test_smp_paths.c holds every entry to them.
 */
#include <stdint.h>
#include <string.h>

#include "models/smp.h"

static en_status solve_exact(const smp_input *in, const smp_config *config, smp_output *out,
                             en_error *err)
{
    smp_config c = *config;
    c.precision = SMP_PRECISION_EXACT;
    return smp_solve(in, &c, out, err);
}

static en_status solve_fast(const smp_input *in, const smp_config *config, smp_output *out,
                            en_error *err)
{
    smp_config c = *config;
    c.precision = SMP_PRECISION_FAST;
    return smp_solve(in, &c, out, err);
}

#define NEVER SIZE_MAX

/* Exact up to SMP_EXACT_MAX actors: a whole run of 350 random actors in 6 dimensions costs
 * about 2 s of CPU on the exact path (docs/performance.md). The fast entry's tolerances are
 * the ones test_smp_paths establishes on random problems of 100–300 actors in 2–6 dimensions
 * (docs/models/smp.md, "Large-n path: tolerance"). */
#define SMP_EXACT_MAX 350
static const smp_path paths[] = {
    {"exact", SMP_PRECISION_EXACT, 0, 2, 0, 0, 0, solve_exact},
    {"fast", SMP_PRECISION_FAST, SMP_EXACT_MAX + 1, 100, SMP_FAST_TOLERANCE,
     SMP_FAST_MEAN_TOLERANCE, SMP_FAST_TURN_TOLERANCE, solve_fast},
};

size_t smp_path_count(void) { return sizeof paths / sizeof paths[0]; }

const smp_path *smp_path_at(size_t k) { return k < smp_path_count() ? &paths[k] : NULL; }

const smp_path *smp_path_find(const char *name)
{
    for (size_t k = 0; name && k < smp_path_count(); k++)
        if (strcmp(paths[k].name, name) == 0) return &paths[k];
    return NULL;
}

const smp_path *smp_path_choose(size_t n, const char *requested)
{
    const smp_path *named = requested && strcmp(requested, "auto") != 0 ? smp_path_find(requested) : NULL;
    if (named) return named;
    const smp_path *best = &paths[0];
    for (size_t k = 0; k < smp_path_count(); k++)
        if (paths[k].auto_from != NEVER && n >= paths[k].auto_from && paths[k].auto_from >= best->auto_from)
            best = &paths[k];
    return best;
}
