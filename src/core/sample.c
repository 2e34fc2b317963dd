/*
 * sample.c — the seeded random streams and the sampling of one uncertain value that every
 * Monte Carlo of entente shares (analysis/montecarlo.c, the war module src/war/), so `entente mc`
 * and `entente war` sample alike. docs/analysis.md describes the scheme.
 */
#include "core/sample.h"

#include "core/util.h"

#include <gsl/gsl_randist.h>
#include <math.h>

gsl_rng *en_mc_rng_new(void)
{
    gsl_rng *rng = en_xmalloc(sizeof *rng);
    rng->type = gsl_rng_mt19937;
    rng->state = en_xcalloc(1, gsl_rng_mt19937->size);
    gsl_rng_set(rng, gsl_rng_default_seed);
    return rng;
}

void en_mc_rng_free(gsl_rng *rng)
{
    if (!rng) return;
    en_free(rng->state);
    en_free(rng);
}

uint64_t en_mc_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

unsigned long en_mc_stream_seed(uint64_t seed, uint64_t block)
{
    /* GSL's generators take an unsigned long but MT19937 keeps only its low 32 bits; fold the
     * high half in so both halves of the mixed value matter. */
    uint64_t h = en_mc_mix64(seed ^ en_mc_mix64(block + 1));
    return (unsigned long)((h ^ (h >> 32)) & 0xffffffffULL);
}

double en_mc_triangular_inverse(double low, double mode, double high, double u)
{
    double width = high - low;
    if (!(width > 0)) return mode;
    double split = (mode - low) / width; /* CDF at the mode */
    if (u < split) return low + sqrt(u * width * (mode - low));
    return high - sqrt((1 - u) * width * (high - mode));
}

static double clamp(double x, double low, double high)
{
    return x < low ? low : x > high ? high : x;
}

double en_mc_sample_value(const en_value *v, gsl_rng *rng)
{
    switch (v->kind) {
    case EN_VALUE_TRIANGULAR:
        return en_mc_triangular_inverse(v->low, v->value, v->high, gsl_rng_uniform(rng));
    case EN_VALUE_NORMAL: {
        if (!(v->sd > 0)) return v->value;
        /* Rejection keeps the exact truncated normal; the bounded fallback only matters when
         * the valid range holds almost none of the mass (value far outside it), where clamping
         * is the honest answer. */
        double x = v->value;
        for (int t = 0; t < EN_MC_NORMAL_TRIES; t++) {
            x = v->value + gsl_ran_gaussian_ziggurat(rng, v->sd);
            if (x >= v->min_valid && x <= v->max_valid) return x;
        }
        return clamp(x, v->min_valid, v->max_valid);
    }
    case EN_VALUE_FIXED:
        break;
    }
    return v->value;
}
