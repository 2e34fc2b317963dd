/*
 * smp_classes.h — the distinct positions of an smp state (KTAB's end-of-run table): which
 * actors hold "the same" position, positions closer than a tolerance counting as one.
 */
#ifndef ENTENTE_MODELS_SMP_CLASSES_H
#define ENTENTE_MODELS_SMP_CLASSES_H

#include <stddef.h>

/* The distinct positions among the n rows of x (n x d, row-major) and each row's class, by
 * KTAB's rule, computed without comparing every pair:
 *   - the representatives: row a is a new distinct position when no representative found
 *     before it lies closer than tol (Euclidean distance, computed as sqrt of the sum of
 *     squared differences in coordinate order); unique[0..*count) receives their rows in order;
 *   - the classes: class_of[a] = the LAST representative u (largest index) closer than tol to
 *     row a; a row close to none (only possible with non-finite coordinates) keeps the class
 *     of the first step (its own representative, or the last one close to it then).
 * Distances are computed exactly as the all-pairs rule computes them, so the classes are the
 * same to the bit. Candidates are found by a window on the first coordinate over the
 * representatives kept sorted by it (|difference| of one coordinate never exceeds the distance).
 * unique and class_of hold n entries each. Memory from en_xmalloc (core/oom.h): call under an
 * out-of-memory guard. Time complexity: O(n log n + n c + r^2 / w) where c is the number of
 * representatives within 2 tol of a row in the first coordinate and r the number of
 * representatives (their sorted insertion moves r words each; w words per cache line): in
 * practice O(n log n).
 */
void smp_position_classes(const double *x, size_t n, size_t d, double tol, size_t *unique,
                          size_t *count, size_t *class_of);

#endif
