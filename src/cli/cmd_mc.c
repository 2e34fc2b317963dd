/*
 * cmd_mc.c — `entente mc`: Monte Carlo forecast of one model over the scenario's uncertain
 * values; a progress bar on a terminal, Ctrl-C stops cleanly with the draws done so far.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_progress.h"
#include "cli_mpi.h"

static const char usage[] =
    "usage: entente mc [FILE] [--model NAME] [--draws N] [--seed S] [--threads T] [--jitter F]\n"
    "                  [--quiet] [--param NAME=VALUE]... [--rounds N] [--format text|json|csv]\n"
    "                  [-o FILE] [--input-format F] [--scale MIN,MAX] [--db FILE]\n\n"
    "Runs one model (default: compromise) on N sampled copies of FILE (default: the bundled\n"
    "Russia-Ukraine scenario). Each draw samples every uncertain value ({value, low, high}:\n"
    "triangular; {value, sd}: normal truncated to the valid range) and, with --jitter F, moves\n"
    "every capability, salience and position by a uniform share of up to +-F of its range\n"
    "(capability: +-F of its value), clamped. Prints per issue the point forecast, mean,\n"
    "5/25/50/75/95% quantiles, the share of draws below / at / above the status quo, the\n"
    "nearest scale label with its share, and how the model stopped (docs/analysis.md).\n\n"
    "  --draws N     number of draws (default 1000)\n"
    "  --seed S      integer in [0, 2^53-1] (default 1); the same seed gives the same output\n"
    "                whatever --threads is\n"
    "  --threads T   worker threads (default: one per online core)\n"
    "  --jitter F    global perturbation in [0, 1] (default 0)\n"
    "  --quiet       no progress bar (it is shown only when stderr is a terminal)\n"
    "  --db FILE     record the analysis in a run store (or ENTENTE_DB; docs/run-store.md)\n"
    "Model options (--param, --rounds) go to every draw; the model's own seed is derived per\n"
    "draw from S. Exit status: 0 ok, 2 bad input, 1 internal error, 130 interrupted (the\n"
    "--input-format F forces the input format: yaml, csv, decide, deu, ktab-csv or ktab-xml.\n"
    "partial results are still written, marked as such).\n";

typedef struct mc_cli {
    en_mc_options options;
    int quiet;
    cli_record record; /* --db: recording in the run store, as the JSON output */
} mc_cli;

static en_status write_json(const void *result, FILE *out, en_error *err)
{
    return en_mc_result_write(result, EN_OUTPUT_JSON, out, err);
}

/* Handles the options only `mc` has; returns the arguments used, 0 if not ours, -1 on error. */
static int mc_extra(int argc, char **argv, int index, void *state)
{
    mc_cli *c = state;
    int used_by_record = cli_record_option(argc, argv, index, &c->record);
    if (used_by_record) return used_by_record;
    const char *arg = argv[index];
    static const char *const names[] = {"--draws", "--seed", "--threads", "--jitter"};
    if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
        c->quiet = 1;
        return 1;
    }
    size_t k;
    const char *value;
    int used = cli_named_value(argc, argv, index, "mc", names, sizeof names / sizeof names[0], &k, &value);
    if (used < 0) return -1;
    if (used > 0) {
        long number;
        double real;
        switch (k) {
        case 0:
            if (!cli_long_value("mc", names[k], value, 1, 1000000000L, &number)) return -1;
            c->options.draws = (size_t)number;
            break;
        case 1:
            if (!cli_long_value("mc", names[k], value, 0, 9007199254740991L, &number)) return -1;
            c->options.seed = (uint64_t)number;
            break;
        case 2:
            if (!cli_long_value("mc", names[k], value, 1, 1024, &number)) return -1;
            c->options.threads = (unsigned)number;
            break;
        default:
            if (!en_parse_double(value, &real) || real < 0 || real > 1)
                return cli_bad_value("mc", names[k], value, "a number in [0, 1]");
            c->options.jitter = real;
            break;
        }
        return used;
    }
    return 0;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

typedef struct progress_state {
    struct timespec start;
    int drawn;
} progress_state;

/* `[#####.....] 4500/10000 draws  9000/s  ETA 0.6 s`, redrawn in place on stderr. */
static void show_progress(size_t done, size_t total, void *data)
{
    progress_state *p = data;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double elapsed = (double)(now.tv_sec - p->start.tv_sec) + 1e-9 * (double)(now.tv_nsec - p->start.tv_nsec);
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    char bar[31];
    size_t filled = total ? done * 30 / total : 0;
    for (size_t k = 0; k < 30; k++) bar[k] = k < filled ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu draws  %.0f/s", bar, done, total, rate);
    if (rate > 0 && done < total) fprintf(stderr, "  ETA %.1f s ", (double)(total - done) / rate);
    else fprintf(stderr, "             ");
    p->drawn = 1;
}

int cmd_mc(int argc, char **argv)
{
    mc_cli c;
    memset(&c, 0, sizeof c);
    en_mc_options_init(&c.options);
    cli_options o;
    int status = cli_parse(argc, argv,
                           CLI_OPT_MODEL | CLI_OPT_PARAMS | CLI_OPT_FORMAT | CLI_OPT_OUTPUT | CLI_OPT_LOAD,
                           &o, mc_extra, &c);
    if (cli_stop_early(&o, &status, usage)) return status;
    const en_model *model;
    en_scenario *s = cli_start_model_run(&o, &c.record, &model, &status);
    if (!s) return status;
    en_error err = EN_ERROR_INIT;
    progress_state progress = {0};
    clock_gettime(CLOCK_MONOTONIC, &progress.start);
    /* Under mpirun the draws are split across the processes (docs/scale.md). */
    c.options.distributor = cli_mpi_distributor();
    if (c.options.distributor && c.options.threads == 0) c.options.threads = cli_mpi_default_threads();
    /* `entente serve` follows the run through ENTENTE_PROGRESS_FD (cli_progress.h). */
    static cli_progress served;
    if (cli_progress_open(&served, "draws")) {
        c.options.progress = cli_progress_report;
        c.options.progress_data = &served;
    } else if (!c.quiet && !c.options.distributor && isatty(STDERR_FILENO)) {
        c.options.progress = show_progress;
        c.options.progress_data = &progress;
    }
    interrupted = 0;
    c.options.cancel = &interrupted;
    struct sigaction action, old_action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    /* A shell that started us with SIGINT ignored (a background job) keeps it ignored. */
    sigaction(SIGINT, NULL, &old_action);
    /* Under mpirun, Ctrl-C is mpirun's: it ends every rank (the split run has no partial result). */
    if (old_action.sa_handler != SIG_IGN && !c.options.distributor) sigaction(SIGINT, &action, NULL);

    en_mc_result *result = NULL;
    en_status st = en_mc_run(model, s, o.params, &c.options, &result, &err);
    sigaction(SIGINT, &old_action, NULL);
    if (progress.drawn) fputs("\r\033[K", stderr);
    int exit_status = CLI_OK;
    if (st == EN_ERROR_INTERRUPTED) {
        /* Say what happened, then still write what the finished draws show. */
        fprintf(stderr, "entente mc: %s; the results below cover those draws\n", err.message);
        en_error_clear(&err);
        exit_status = 130;
    }
    if (result && cli_mpi_is_root()) {
        FILE *out = cli_output_open(&o, &err);
        if (out) {
            int ok = en_mc_result_write(result, o.format, out, &err) == EN_OK;
            if (cli_output_close(&o, out, ok, &err) && exit_status == CLI_OK)
                exit_status = cli_record_analysis(&c.record, "mc", "montecarlo", &o, s, write_json, result);
        }
    }
    cli_record_free(&c.record);
    en_mc_result_free(result);
    en_scenario_free(s);
    cli_options_free(&o);
    if (err.code != EN_OK) return cli_fail(&err);
    return exit_status;
}
