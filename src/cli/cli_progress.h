/*
 * cli_progress.h — how a command tells `entente serve` (src/cli/serve_jobs.c) how far a long run
 * has got: when ENTENTE_PROGRESS_FD names a descriptor, lines `DONE TOTAL UNIT` ("4500 10000
 * draws") are written to it as the run advances, the last one with DONE = TOTAL when the run
 * finished. The output of the command is the same with and without it.
 */
#ifndef ENTENTE_CLI_PROGRESS_H
#define ENTENTE_CLI_PROGRESS_H

#include <stddef.h>

typedef struct cli_progress {
    int fd;              /* -1: nobody listens */
    const char *unit;    /* what is counted: "draws", "runs", "models" ... (lowercase words) */
    size_t last_done;    /* the last line written (for the throttle) */
    size_t last_total;
    long last_permille;
    int written;
} cli_progress;

/* Reads ENTENTE_PROGRESS_FD (a descriptor in [3, 1023]); returns 1 and fills `progress` if it is
 * set and valid, else 0 (progress->fd = -1). `unit` must outlive `progress`.
 * Time complexity: O(1). */
int cli_progress_open(cli_progress *progress, const char *unit);

/* An en_progress_fn: writes `DONE TOTAL UNIT` to the descriptor when DONE = TOTAL, at the
 * first call, or when the fraction done moved by a thousandth (so at most ~1000 lines a
 * run); `data` is the cli_progress. Calls must not overlap (the library's callbacks never do).
 * A write that fails (the server went away) is ignored. Time complexity: O(1). */
void cli_progress_report(size_t done, size_t total, void *data);

#endif
