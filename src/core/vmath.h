/*
 * vmath.h — exp and log over whole arrays, for the kernels whose cost is dominated by them
 * (the EUM fast path's powers). Where the CPU has AVX2 and FMA and glibc's vector math library
 * (libmvec) is linked, four lanes at a time through its AVX2 kernels; elsewhere glibc's scalar
 * exp and log. Both are within a few ulp of the true value (libmvec: ≤ 4 ulp), but not the
 * same bits: a result computed with these functions is reproducible on one machine and on
 * every machine of the same kind (AVX2 or not), at any thread count, not across the two.
 */
#ifndef ENTENTE_CORE_VMATH_H
#define ENTENTE_CORE_VMATH_H

#include <stddef.h>

/* x[k] = exp(x[k]) for k < n. exp(−∞) = +0. */
void en_exp_array(double *x, size_t n);
/* x[k] = log(x[k]) for k < n. log(+0) = −∞. */
void en_log_array(double *x, size_t n);
/* 1 if the vector kernels are in use. Tests may switch them off (0) to check the scalar path;
 * the switch is process-wide and not meant to be flipped while kernels run. */
int en_vmath_vector(void);
void en_vmath_allow_vector(int allow);

#endif
