/*
 * bench_load.c — loading large scenarios: a YAML scenario (20 issues, every actor with a
 * position on each, the layout of a big Monte Carlo sweep's input) of 1, 10 and 60 MiB (the
 * input limit is 64 MiB), and CSV stakeholder sheets of 10,000 to 160,000 rows. Each load
 * runs in a child process so its peak memory (maximum resident set size) is its own; the
 * table gives CPU seconds, peak memory, memory / file size and the growth exponent of time
 * against file size (1 = linear). Loading includes validation (the duplicate-id check among
 * others). For YAML a second row gives the compact YAML tree alone (parsing, no scenario), and
 * with an entente binary given, a third the whole `entente validate FILE` command (peak
 * resident memory of the process, from wait4). Figures go to docs/performance.md ("Loading
 * large files").
 *
 * Usage: bench_load [quick] [ENTENTE_BINARY]   (quick: YAML of 1, 2, 4 MiB, CSV to 40,000 rows)
 */
/* wait4 and mkstemps (BSD): the peak memory of one exec'd child, a temporary .yaml file. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <math.h>

#include <fcntl.h>
#include <time.h>

#include "common.h"
#include "core/error.h"
#include "core/util.h"
#include "entente.h"
#include "io/yaml_read.h"

/* A deterministic pseudo-random sequence (xorshift), so every run loads the same files. */
static unsigned long long state = 88172645463325252ULL;
static unsigned next(unsigned bound)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % bound);
}

static long make_yaml(en_buffer *b, size_t bytes)
{
    en_buffer_puts(b, "entente: 1\ntitle: bench\nissues:\n");
    for (int i = 0; i < 20; i++) en_buffer_printf(b, "  - {id: i%d, scale: [0, 100]}\n", i);
    en_buffer_puts(b, "actors:\n");
    long a = 0;
    for (; b->length < bytes; a++) {
        en_buffer_printf(b, "  - id: a%ld\n    capability: %u\n    positions:\n", a, 1 + next(100));
        for (int i = 0; i < 20; i++)
            en_buffer_printf(b, "      i%d: {position: %u, salience: 0.%u}\n", i, next(101), 1 + next(9));
    }
    return a;
}

static void make_csv(en_buffer *b, long rows)
{
    en_buffer_puts(b, "Actor,Capability,Position,Salience\n");
    for (long a = 0; a < rows; a++)
        en_buffer_printf(b, "actor%ld,%u,%u,%u\n", a, 1 + next(100), next(101), 1 + next(100));
}

typedef struct load_job {
    const en_buffer *text;
    const char *name;
    int tree_only;
} load_job;

/* The child's work: loads the text (or builds its YAML tree only); non-zero on failure. */
static int load_in_child(void *data)
{
    const load_job *job = data;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st;
    if (job->tree_only) {
        en_yaml_reader r;
        en_ytree *tree = NULL;
        st = en_yaml_open(&r, job->text->data, job->text->length, job->name, &err, &tree) ? EN_OK : EN_ERROR_INPUT;
        en_ytree_free(tree);
    } else {
        st = en_scenario_load_buffer(job->text->data, job->text->length, job->name, NULL, &s, &err);
    }
    if (st != EN_OK) en_error_print(&err, stderr);
    return st != EN_OK;
}

/* Loads `text` in a child; returns its CPU seconds and peak resident memory in MiB, from the
 * child's own getrusage. */
static int measure_mode(const en_buffer *text, const char *name, int tree_only, double *cpu,
                        double *peak_mib)
{
    load_job job = {text, name, tree_only};
    struct rusage ru;
    if (!bench_in_child(load_in_child, &job, &ru)) return 0;
    *cpu = bench_usage_seconds(&ru);
    *peak_mib = (double)ru.ru_maxrss / 1024.0;
    return 1;
}

static int measure(const en_buffer *text, const char *name, double *cpu, double *peak_mib)
{
    return measure_mode(text, name, 0, cpu, peak_mib);
}

/* Runs `entente validate FILE` (output discarded); its CPU seconds, wall seconds and peak
 * resident memory in MiB, from wait4. */
static int measure_validate(const char *entente, const char *file, double *cpu, double *wall,
                            double *peak_mib)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) return 0;
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, 1), dup2(null, 2);
        execl(entente, entente, "validate", file, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(child, &status, 0, &ru) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *cpu = bench_usage_seconds(&ru);
    *wall = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    *peak_mib = (double)ru.ru_maxrss / 1024.0;
    return 1;
}

/* Peak memory of a child that does nothing but exist (the program's own size). */
static double baseline_mib(void)
{
    en_buffer empty = {0};
    make_csv(&empty, 2);
    double cpu = 0, peak = 0;
    measure(&empty, "base.csv", &cpu, &peak);
    en_buffer_free(&empty);
    return peak;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "quick") == 0;
    const char *entente = argc > 1 + quick ? argv[1 + quick] : NULL;
    double base = baseline_mib();
    printf("baseline peak memory of a trivial load: %.1f MiB (subtracted below)\n\n", base);
    printf("| input | size MiB | CPU s | peak MiB above baseline | memory / size | exponent |\n");
    printf("|---|---|---|---|---|---|\n");
    static const size_t full_sizes[] = {1, 10, 60}, quick_sizes[] = {1, 2, 4};
    const size_t *sizes = quick ? quick_sizes : full_sizes;
    double last[3][2] = {{0, 0}, {0, 0}, {0, 0}}; /* size, cpu of the previous row per kind */
    for (size_t k = 0; k < 3; k++) {
        size_t mib = sizes[k];
        en_buffer text = {0};
        long actors = make_yaml(&text, mib * 1024 * 1024 - 4096);
        double size = (double)text.length / (1024.0 * 1024.0);
        for (int kind = 0; kind < 3; kind++) {
            double cpu = 0, wall = 0, peak = 0;
            const char *what = kind == 0 ? "load" : kind == 1 ? "tree only" : "`entente validate`";
            if (kind == 2) {
                if (!entente) continue;
                char path[] = "/tmp/bench_load_XXXXXX.yaml";
                int fd = mkstemps(path, 5);
                if (fd < 0 || write(fd, text.data, text.length) != (ssize_t)text.length) {
                    fprintf(stderr, "bench_load: cannot write %s\n", path);
                    return 1;
                }
                close(fd);
                int ok = measure_validate(entente, path, &cpu, &wall, &peak);
                unlink(path);
                if (!ok) {
                    fprintf(stderr, "bench_load: entente validate failed on the %zu MiB YAML\n", mib);
                    return 1;
                }
            } else if (!measure_mode(&text, "bench.yaml", kind == 1, &cpu, &peak)) {
                fprintf(stderr, "bench_load: the %zu MiB YAML did not load\n", mib);
                return 1;
            }
            /* The validate row is the whole process: its peak is not reduced by the baseline. */
            double mem = kind == 2 ? peak : peak - base;
            printf("| YAML %s, %ld actors x 20 issues | %.2f | %.2f | %.0f%s | %.1f | ", what, actors,
                   size, cpu, mem, kind == 2 ? " (whole process)" : "", mem / size);
            if (last[kind][0] > 0) printf("%.2f |\n", log(cpu / last[kind][1]) / log(size / last[kind][0]));
            else printf(" |\n");
            if (kind == 2) printf("|   (wall %.1f s on the loaded machine) | | | | | |\n", wall);
            last[kind][0] = size, last[kind][1] = cpu;
        }
        en_buffer_free(&text);
    }
    double last_size = 0, last_cpu = 0;
    for (long rows = 10000; rows <= (quick ? 40000 : 160000); rows *= 2) {
        en_buffer text = {0};
        make_csv(&text, rows);
        double cpu, peak, size = (double)text.length / (1024.0 * 1024.0);
        if (!measure(&text, "bench.csv", &cpu, &peak)) {
            fprintf(stderr, "bench_load: the %ld-row CSV did not load\n", rows);
            return 1;
        }
        printf("| CSV, %ld rows | %.2f | %.2f | %.0f | %.0f | ", rows, size, cpu, peak - base, (peak - base) / size);
        if (last_size > 0) printf("%.2f |\n", log(cpu / last_cpu) / log(size / last_size));
        else printf(" |\n");
        last_size = size, last_cpu = cpu;
        en_buffer_free(&text);
    }
    /* Above the limit: refused at once with a message, not loaded. */
    en_buffer text = {0};
    make_yaml(&text, 65u * 1024 * 1024);
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load_buffer(text.data, text.length, "big.yaml", NULL, &s, &err) == EN_OK) {
        fprintf(stderr, "bench_load: a 65 MiB YAML scenario was accepted\n");
        return 1;
    }
    printf("\n65 MiB YAML: refused (%s)\n", err.message);
    en_error_clear(&err);
    en_buffer_free(&text);
    return 0;
}
