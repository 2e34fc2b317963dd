/*
 * cli_progress.c — progress lines for `entente serve` on the descriptor ENTENTE_PROGRESS_FD
 * names (cli_progress.h). Throttled by the fraction done so a run of a million items does not
 * write a million lines; the line that says the run is complete is always written.
 */
#include "cli_progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

int cli_progress_open(cli_progress *p, const char *unit)
{
    p->fd = -1;
    p->unit = unit;
    p->last_done = p->last_total = 0;
    p->last_permille = -1;
    p->written = 0;
    long fd = -1;
    const char *env = getenv("ENTENTE_PROGRESS_FD");
    if (!env || !en_parse_long(env, 3, 1023, &fd)) return 0;
    p->fd = (int)fd;
    return 1;
}

void cli_progress_report(size_t done, size_t total, void *data)
{
    cli_progress *p = data;
    if (!p || p->fd < 0) return;
    long permille = total ? (long)((double)done / (double)total * 1000.0) : 0;
    int complete = done == total;
    if (p->written && !complete && permille == p->last_permille && total == p->last_total) return;
    if (p->written && done == p->last_done && total == p->last_total) return;
    char line[96];
    int n = snprintf(line, sizeof line, "%zu %zu %s\n", done, total, p->unit);
    if (n > 0 && (size_t)n < sizeof line && write(p->fd, line, (size_t)n) < 0) {
        /* the server stopped listening: nothing to tell */
    }
    p->written = 1;
    p->last_done = done;
    p->last_total = total;
    p->last_permille = permille;
}
