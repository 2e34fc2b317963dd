/*
 * common.h — the timing helpers the benchmark drivers share: wall-clock and CPU seconds, the
 * median of repeated timings, and a piece of work measured in a child process of its own; and
 * loading a bundled scenario or dying with entente's error message.
 * Header-only (static functions), included by bench/bench_*.c.
 */
#ifndef ENTENTE_BENCH_COMMON_H
#define ENTENTE_BENCH_COMMON_H

#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "entente.h"

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

/* User + system seconds in a getrusage record. */
static inline double bench_usage_seconds(const struct rusage *u)
{
    return (double)(u->ru_utime.tv_sec + u->ru_stime.tv_sec) +
           1e-6 * (double)(u->ru_utime.tv_usec + u->ru_stime.tv_usec);
}

/* User + system seconds of the process (getrusage), all threads. */
static inline double bench_rusage_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return bench_usage_seconds(&u);
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

/* Runs work(data) in a fresh child process, so that its peak memory (ru_maxrss) is its own and
 * not the largest of everything this process ran before; the child sends back its getrusage
 * (peak memory, CPU seconds) through a pipe. Returns 1 with *usage filled when work returned 0
 * and the figures arrived, else 0. */
static inline int bench_in_child(int (*work)(void *data), void *data, struct rusage *usage)
{
    int fds[2];
    if (pipe(fds) != 0) return 0;
    fflush(NULL); /* nothing buffered is written twice */
    pid_t child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return 0;
    }
    if (child == 0) {
        close(fds[0]);
        int failed = work(data);
        struct rusage mine;
        getrusage(RUSAGE_SELF, &mine);
        ssize_t written = write(fds[1], &mine, sizeof mine);
        _exit(!failed && written == (ssize_t)sizeof mine ? 0 : 1);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], usage, sizeof *usage);
    close(fds[0]);
    int status;
    return waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
           got == (ssize_t)sizeof *usage;
}

/* Prints entente's error message to stderr and exits with status 1: a benchmark whose input
 * does not load or whose run fails has nothing to measure. */
static inline void bench_die(const en_error *err)
{
    en_error_print(err, stderr);
    exit(1);
}

/* Loads the scenario at `relative` under the source tree (ENTENTE_SOURCE_DIR, which CMake
 * defines for every benchmark); on failure prints the loader's message and exits 1. */
static inline en_scenario *bench_load_scenario(const char *relative)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", ENTENTE_SOURCE_DIR, relative);
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load(path, NULL, &s, &err) != EN_OK) bench_die(&err);
    return s;
}

#endif
