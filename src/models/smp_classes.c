/*
 * smp_classes.c — the distinct positions of an smp state by KTAB's rule (smp_classes.h), with
 * the representatives sorted by their first coordinate instead of KTAB's all-pairs scan: the
 * engine finds them every round, and the all-pairs scan costs O(n^2 d) for n actors.
 */
#include "models/smp_classes.h"

#include "core/oom.h"
#include "core/util.h"

#include <math.h>
#include <string.h>

static int close_to(const double *x, size_t d, size_t a, size_t b, double tol)
{
    double s = 0.0;
    for (size_t k = 0; k < d; k++) {
        double diff = x[a * d + k] - x[b * d + k];
        s += diff * diff;
    }
    return sqrt(s) < tol;
}

/* First slot of sorted (representative indices, by x of their row's first coordinate) whose
 * key is >= key. */
static size_t lower_bound(const double *x, size_t d, const size_t *unique, const size_t *sorted,
                          size_t m, double key)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[unique[sorted[mid]] * d] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void smp_position_classes(const double *x, size_t n, size_t d, double tol, size_t *unique,
                          size_t *count, size_t *class_of)
{
    /* A close pair differs by less than tol (times 1 + a few ulps) in the first coordinate;
     * the window's 2 tol leaves room for every rounding. Rows whose first coordinate is not a
     * number are never close to anything and stay out of the sorted list. */
    double w = 2 * tol;
    size_t *sorted = en_xmalloc((n ? n : 1) * sizeof *sorted), m = 0, c = 0;
    for (size_t a = 0; a < n; a++) {
        double key = x[a * d];
        long match = -1;
        if (d > 0 && !isnan(key)) {
            size_t lo = lower_bound(x, d, unique, sorted, m, key - w);
            for (size_t p = lo; p < m && x[unique[sorted[p]] * d] <= key + w; p++)
                if (close_to(x, d, a, unique[sorted[p]], tol) && (long)sorted[p] > match)
                    match = (long)sorted[p];
        } else if (d == 0) {
            if (c > 0) match = (long)c - 1; /* every row is at distance 0 of every other */
        }
        if (match < 0) {
            unique[c] = a;
            match = (long)c++;
            if (d > 0 && !isnan(key)) {
                size_t at = lower_bound(x, d, unique, sorted, m, key);
                /* equal keys: after the earlier representatives, so the order is stable */
                while (at < m && x[unique[sorted[at]] * d] == key) at++;
                memmove(&sorted[at + 1], &sorted[at], (m - at) * sizeof *sorted);
                sorted[at] = (size_t)match;
                m++;
            }
        }
        class_of[a] = (size_t)match;
    }
    /* the last matching distinct position, as KTAB reports it */
    for (size_t a = 0; a < n && d > 0; a++) {
        double key = x[a * d];
        if (isnan(key)) continue;
        size_t lo = lower_bound(x, d, unique, sorted, m, key - w);
        long last = -1;
        for (size_t p = lo; p < m && x[unique[sorted[p]] * d] <= key + w; p++)
            if ((long)sorted[p] > last && close_to(x, d, a, unique[sorted[p]], tol))
                last = (long)sorted[p];
        if (last >= 0) class_of[a] = (size_t)last;
    }
    if (d == 0 && c > 0)
        for (size_t a = 0; a < n; a++) class_of[a] = c - 1;
    *count = c;
    en_free(sorted);
}
