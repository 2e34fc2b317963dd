/*
 * bench_load.c — loading large scenarios: a YAML scenario (20 issues, every actor with a
 * position on each, the layout of a big Monte Carlo sweep's input) of 1 to 16 MiB, the largest
 * YAML accepted (EN_MAX_YAML_BYTES), and CSV stakeholder sheets of 10,000 to 160,000 rows.
 * Each load runs in a child process so its peak memory (maximum resident set size, from
 * wait4) is its own; the table gives CPU seconds, peak memory, memory / file size and the
 * growth exponent of time against file size (1 = linear). Loading includes validation (the
 * duplicate-id check among others). Figures go to docs/performance.md ("Loading large files").
 *
 * Usage: bench_load [quick]   (quick: sizes up to 4 MiB / 40,000 rows)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <math.h>

#include "core/util.h"
#include "entente.h"

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

/* Loads `text` in a child; returns its CPU seconds and peak resident memory in MiB, which the
 * child reads from its own getrusage and sends back through a pipe. */
static int measure(const en_buffer *text, const char *name, double *cpu, double *peak_mib)
{
    int fds[2];
    if (pipe(fds) != 0) return 0;
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) return 0;
    if (child == 0) {
        close(fds[0]);
        en_scenario *s = NULL;
        en_error err = EN_ERROR_INIT;
        en_status st = en_scenario_load_buffer(text->data, text->length, name, NULL, &s, &err);
        if (st != EN_OK) en_error_print(&err, stderr);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        double figures[2] = {(double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                                 (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec,
                             (double)ru.ru_maxrss / 1024.0};
        ssize_t written = write(fds[1], figures, sizeof figures);
        _exit(st == EN_OK && written == (ssize_t)sizeof figures ? 0 : 1);
    }
    close(fds[1]);
    double figures[2] = {0, 0};
    ssize_t got = read(fds[0], figures, sizeof figures);
    close(fds[0]);
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        got != (ssize_t)sizeof figures)
        return 0;
    *cpu = figures[0];
    *peak_mib = figures[1];
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
    double base = baseline_mib();
    printf("baseline peak memory of a trivial load: %.1f MiB (subtracted below)\n\n", base);
    printf("| input | size MiB | CPU s | peak MiB above baseline | memory / size | exponent |\n");
    printf("|---|---|---|---|---|---|\n");
    double last_size = 0, last_cpu = 0;
    for (size_t mib = 1; mib <= (quick ? 4u : 16u); mib *= 2) {
        en_buffer text = {0};
        long actors = make_yaml(&text, mib * 1024 * 1024 - 4096);
        double cpu, peak, size = (double)text.length / (1024.0 * 1024.0);
        if (!measure(&text, "bench.yaml", &cpu, &peak)) {
            fprintf(stderr, "bench_load: the %zu MiB YAML did not load\n", mib);
            return 1;
        }
        printf("| YAML, %ld actors x 20 issues | %.2f | %.2f | %.0f | %.0f | ", actors, size, cpu, peak - base, (peak - base) / size);
        if (last_size > 0) printf("%.2f |\n", log(cpu / last_cpu) / log(size / last_size));
        else printf(" |\n");
        last_size = size, last_cpu = cpu;
        en_buffer_free(&text);
    }
    last_size = 0;
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
    make_yaml(&text, 17u * 1024 * 1024);
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load_buffer(text.data, text.length, "big.yaml", NULL, &s, &err) == EN_OK) {
        fprintf(stderr, "bench_load: a 17 MiB YAML scenario was accepted\n");
        return 1;
    }
    printf("\n17 MiB YAML: refused (%s)\n", err.message);
    en_error_clear(&err);
    en_buffer_free(&text);
    return 0;
}
