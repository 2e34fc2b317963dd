/*
 * smp_sample.c — the fixed stratified samples of the smp fast path (smp_sample.h): strata of
 * equal size over the actors ranked by weight, one member per stratum chosen by a key derived
 * from the actor's data and the seed, carrying its stratum's weight (a ratio estimator per
 * stratum; docs/models/smp.md, "Large-n path", says why a sum estimated this way stays close).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "models/smp_sample.h"

size_t smp_sample_size(size_t n, size_t requested)
{
    size_t m = requested ? requested : SMP_SAMPLE_AUTO;
    return m < n ? m : n;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    /* splitmix64's finaliser over the running state */
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBull;
    h ^= h >> 31;
    return h;
}

static uint64_t bits_of(double x)
{
    uint64_t b;
    if (x == 0) x = 0; /* -0.0 and 0.0 are the same actor */
    memcpy(&b, &x, sizeof b);
    return b;
}

uint64_t smp_sample_key(uint64_t seed, double capability, const double *position,
                        const double *salience, size_t d)
{
    uint64_t h = mix(0x736D70u, seed);
    h = mix(h, bits_of(capability));
    for (size_t k = 0; k < d; k++) h = mix(mix(h, bits_of(position[k])), bits_of(salience[k]));
    return h;
}

typedef struct ranked {
    double weight;
    uint64_t key;
    size_t index;
} ranked;

static int by_weight(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->weight != y->weight) return x->weight < y->weight ? -1 : 1;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

typedef struct drawn {
    size_t member;
    double scale;
} drawn;

static int by_member(const void *a, const void *b)
{
    const drawn *x = a, *y = b;
    return x->member < y->member ? -1 : x->member > y->member;
}

void smp_sample_strata(size_t n, const double *weight, const uint64_t *key, size_t m,
                       size_t *member, double *scale)
{
    ranked *r = en_xmalloc((n ? n : 1) * sizeof *r);
    drawn *out = en_xmalloc((m ? m : 1) * sizeof *out);
    for (size_t i = 0; i < n; i++) r[i] = (ranked){weight[i], key[i], i};
    qsort(r, n, sizeof *r, by_weight);
    for (size_t s = 0; s < m; s++) {
        size_t lo = s * n / m, hi = (s + 1) * n / m;
        double total = 0;
        size_t pick = lo;
        int positive = r[lo].weight > 0;
        for (size_t t = lo; t < hi; t++) {
            total += r[t].weight;
            int pos = r[t].weight > 0;
            if ((pos && !positive) || (pos == positive && r[t].key < r[pick].key)) pick = t;
            positive |= pos;
        }
        out[s].member = r[pick].index;
        out[s].scale = r[pick].weight > 0 ? total / r[pick].weight : 0;
    }
    qsort(out, m, sizeof *out, by_member);
    for (size_t s = 0; s < m; s++) member[s] = out[s].member, scale[s] = out[s].scale;
    en_free(out);
    en_free(r);
}
