/*
 * common.h — the timing helpers the benchmark drivers share: wall-clock and CPU seconds, and
 * the median of repeated timings. Header-only (static functions), included by bench/bench_*.c.
 */
#ifndef ENTENTE_BENCH_COMMON_H
#define ENTENTE_BENCH_COMMON_H

#include <stddef.h>
#include <sys/resource.h>
#include <time.h>

/* Monotonic wall-clock seconds. */
static inline double bench_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of this process, all threads (on a shared machine wall time also counts the
 * waits for a core). */
static inline double bench_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* User + system seconds of the process (getrusage), all threads. */
static inline double bench_rusage_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

/* The median of t[0..count) (sorts t in place; count >= 1). */
static inline double bench_median(double *t, size_t count)
{
    for (size_t a = 1; a < count; a++) /* insertion sort: a handful of repetitions */
        for (size_t b = a; b > 0 && t[b - 1] > t[b]; b--) {
            double v = t[b];
            t[b] = t[b - 1];
            t[b - 1] = v;
        }
    return t[count / 2];
}

#endif
