/*
 * cmd_sweep.c — `entente sweep`: one model at every point of a grid of parameter values
 * (--param NAME=START:STOP:STEP, Decide's p-sweeps), one table out; the points run on threads
 * and, under mpirun, across processes (docs/scale.md), with the same bytes out either way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_mpi.h"

static const char usage[] =
    "usage: entente sweep [FILE] --param NAME=START:STOP:STEP... [--model NAME]\n"
    "                     [--param NAME=VALUE]... [--rounds N] [--seed S] [--threads T]\n"
    "                     [--max-points N] [--format text|json|csv] [-o FILE]\n"
    "                     [--input-format F] [--scale MIN,MAX]\n\n"
    "Runs one model (default: compromise) on FILE (default: the bundled scenario) at every\n"
    "point of a grid: each --param NAME=START:STOP:STEP is an axis with the values START,\n"
    "START+STEP, ... up to STOP (rounded to 12 significant digits); the grid is their cartesian\n"
    "product, the first axis varying slowest. --param NAME=VALUE (no ':') fixes a parameter.\n"
    "Writes one table: a row per point with its values and each issue's forecast (n/a where\n"
    "the model refused the point). The same input gives the same table whatever --threads is,\n"
    "and under mpirun -n K whatever K is (docs/scale.md).\n\n"
    "  --threads T      worker threads (default: one per online core)\n"
    "  --max-points N   refuse grids of more than N points (default 100000)\n"
    "Exit status: 0 ok, 2 bad input (a bad range is located: command line:ARGUMENT:COLUMN,\n"
    "counting the words after 'entente'), 1 internal error.\n";

typedef struct sweep_cli {
    en_sweep_options options;
    en_sweep_axis *axes;
    size_t axis_count, axis_capacity;
    int failed;
} sweep_cli;

/* Takes --param values that are ranges (NAME=...:...), --threads and --max-points; a plain
 * --param NAME=VALUE is left to the common parser. */
static int sweep_extra(int argc, char **argv, int index, void *state)
{
    sweep_cli *c = state;
    static const char *const names[] = {"--param", "--threads", "--max-points"};
    size_t k;
    const char *value;
    int used = cli_named_value(argc, argv, index, "sweep", names, sizeof names / sizeof names[0], &k, &value);
    if (used <= 0) return used;
    long number;
    switch (k) {
    case 0: {
        const char *equals = strchr(value, '=');
        if (!equals || !strchr(equals, ':')) return 0;
        if (c->axis_count == c->axis_capacity) {
            c->axis_capacity = c->axis_capacity ? 2 * c->axis_capacity : 4;
            c->axes = cli_xrealloc(c->axes, c->axis_capacity * sizeof *c->axes);
        }
        en_error err = EN_ERROR_INIT;
        /* Words after `entente`: argv[0] (the subcommand) is word 1. */
        int word = index + used;
        if (en_sweep_axis_parse(value, word, &c->axes[c->axis_count], &err) != EN_OK) {
            cli_fail(&err);
            c->failed = 1;
            return -1;
        }
        c->axis_count++;
        return used;
    }
    case 1:
        if (!cli_long_value("sweep", names[k], value, 1, 1024, &number)) return -1;
        c->options.threads = (unsigned)number;
        return used;
    default:
        if (!cli_long_value("sweep", names[k], value, 1, 100000000L, &number)) return -1;
        c->options.max_points = (size_t)number;
        return used;
    }
}

int cmd_sweep(int argc, char **argv)
{
    sweep_cli c;
    memset(&c, 0, sizeof c);
    en_sweep_options_init(&c.options);
    cli_options o;
    int status = cli_parse(argc, argv,
                           CLI_OPT_MODEL | CLI_OPT_PARAMS | CLI_OPT_FORMAT | CLI_OPT_OUTPUT | CLI_OPT_LOAD,
                           &o, sweep_extra, &c);
    if (cli_stop_early(&o, &status, usage)) {
        free(c.axes);
        return status;
    }
    if (c.axis_count == 0) {
        fprintf(stderr, "entente sweep: error: no axis: give --param NAME=START:STOP:STEP (see 'entente sweep --help')\n");
        cli_options_free(&o);
        return CLI_BAD_INPUT;
    }
    cli_record record;
    memset(&record, 0, sizeof record); /* a sweep is not recorded in a run store */
    const en_model *model;
    en_scenario *s = cli_start_model_run(&o, &record, &model, &status);
    if (!s) {
        free(c.axes);
        return status;
    }
    c.options.distributor = cli_mpi_distributor();
    if (c.options.distributor && c.options.threads == 0) c.options.threads = cli_mpi_default_threads();
    en_error err = EN_ERROR_INIT;
    en_sweep_result *result = NULL;
    if (en_sweep_run(model, s, o.params, c.axes, c.axis_count, &c.options, &result, &err) == EN_OK && cli_mpi_is_root()) {
        FILE *out = cli_output_open(&o, &err);
        if (out) {
            int ok = en_sweep_result_write(result, o.format, out, &err) == EN_OK;
            cli_output_close(&o, out, ok, &err);
        }
    }
    en_sweep_result_free(result);
    cli_record_free(&record);
    en_scenario_free(s);
    cli_options_free(&o);
    free(c.axes);
    return err.code == EN_OK ? CLI_OK : cli_fail(&err);
}
