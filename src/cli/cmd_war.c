/*
 * cmd_war.c — `entente war`: the war-bargaining layer (model WB-1 with the WB-2 mechanisms) on a scenario with a `war:`
 * section: when is a settlement window open, will a deal be signed, on what terms, and who
 * blocks. Parses options, runs the simulation through the public API (entente.h: en_war_*),
 * prints text or JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_mpi.h"
#include "cli_progress.h"
#include "entente.h"

static const char usage[] =
    "usage: entente war FILE [--runs N] [--seed S] [--threads T] [--from DATE --to DATE]\n"
    "                   [--explain DATE] [--settle-with nash|MODEL] [--format text|json] [-o FILE]\n"
    "                   [--as-of DATE] [--deal-by DATE[,DATE...]]\n"
    "                   [--db FILE]   (records the run in a run store: docs/run-store.md)\n\n"
    "Runs the war-bargaining layer (WB-2, docs/models/war.md) on FILE's `war:` section: a Monte\n"
    "Carlo of the fighting, beliefs, aid, public commitments and talks, step by step. Prints per\n"
    "step the probability that a settlement window is open (every veto player prefers some\n"
    "package to fighting on), its slack, P(deal signed by the date), near misses (open window,\n"
    "no deal: channel closed by decree, patron veto, no talks, ratification), the terms of\n"
    "signed deals, time to a deal, renewal risk, and a plain-language summary.\n\n"
    "  --runs N          Monte Carlo runs (default 1000)\n"
    "  --seed S          random seed (default 1); same seed, same output for any --threads\n"
    "  --threads T       worker threads (default: number of CPUs, at most 8)\n"
    "  --from/--to DATE  report only the steps between these dates (the run still starts at\n"
    "                    the section's start)\n"
    "  --explain DATE    for that date: each veto player's value of a deal vs of fighting on,\n"
    "                    and who blocks\n"
    "  --settle-with M   how the package inside the window is chosen: nash (default: asymmetric\n"
    "                    Nash bargaining) or a registered model run on positions clamped into\n"
    "                    the window (compromise, median, eum, exchange, ...)\n"
    "  --window-only     never sign: follow the window along a path on which the war goes on\n"
    "                    (a backcast of a war that did not end; near misses still counted)\n"
    "  --as-of DATE      forecast from DATE: only timeline events up to DATE are used (and\n"
    "                    later ones marked scheduled: true); no deal or decisive end before it;\n"
    "                    the report starts at DATE unless --from is given\n"
    "  --deal-by DATE[,DATE...]  print P(deal signed by each date), in total and per kind\n"
    "                    (settlement, ceasefire, victor's ceasefire); may be repeated\n"
    "Exit status: 0 ok, 2 bad input, 1 internal error.\n";

typedef struct war_cli {
    long runs, threads;
    unsigned long seed;
    const char *from, *to, *explain, *settle_with;
    int window_only;
    const char *as_of;
    long deal_by[64];
    size_t deal_by_count;
} war_cli;

/* --deal-by: a comma-separated list of ISO dates, appended to c->deal_by. */
static int add_deal_by(war_cli *c, const char *list)
{
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char date[16];
        int ok = 0;
        if (n < sizeof date) {
            memcpy(date, p, n);
            date[n] = '\0';
            long day = en_date_days(date, &ok);
            if (ok && c->deal_by_count < sizeof c->deal_by / sizeof c->deal_by[0]) c->deal_by[c->deal_by_count++] = day;
            else if (ok) {
                fprintf(stderr, "entente war: error: --deal-by takes at most 64 dates\n");
                return 0;
            }
        }
        if (!ok) {
            fprintf(stderr, "entente war: error: --deal-by '%s' is invalid (expected ISO dates YYYY-MM-DD separated by commas)\n", list);
            return 0;
        }
        if (!end) break;
        p = end + 1;
    }
    return 1;
}

static const char *take(int argc, char **argv, int index, const char *name, int *used)
{
    const char *arg = argv[index];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) return NULL;
    if (arg[n] == '=') {
        *used = 1;
        return arg + n + 1;
    }
    if (arg[n] != '\0') return NULL;
    if (index + 1 >= argc) {
        *used = -1;
        fprintf(stderr, "entente war: error: option %s needs a value (see 'entente war --help')\n", name);
        return NULL;
    }
    *used = 2;
    return argv[index + 1];
}

/* --db: recording in the run store (cli_record.c), as the JSON output. */
static cli_record record;

static en_status write_json(const void *summary, FILE *out, en_error *err)
{
    return en_war_summary_write(summary, EN_OUTPUT_JSON, out, err);
}

static int extra(int argc, char **argv, int index, void *state)
{
    war_cli *c = state;
    int used = cli_record_option(argc, argv, index, &record);
    if (used) return used;
    const char *v;
    if (strcmp(argv[index], "--window-only") == 0) {
        c->window_only = 1;
        return 1;
    }
    if ((v = take(argc, argv, index, "--runs", &used))) {
        if (!en_parse_long(v, 1, 10000000, &c->runs)) {
            fprintf(stderr, "entente war: error: --runs '%s' is invalid (expected an integer >= 1)\n", v);
            return -1;
        }
    } else if (used == 0 && (v = take(argc, argv, index, "--seed", &used))) {
        long seed;
        if (!en_parse_long(v, 0, 2147483647L, &seed)) {
            fprintf(stderr, "entente war: error: --seed '%s' is invalid (expected an integer >= 0)\n", v);
            return -1;
        }
        c->seed = (unsigned long)seed;
    } else if (used == 0 && (v = take(argc, argv, index, "--threads", &used))) {
        if (!en_parse_long(v, 1, 256, &c->threads)) {
            fprintf(stderr, "entente war: error: --threads '%s' is invalid (expected an integer in [1, 256])\n", v);
            return -1;
        }
    } else if (used == 0 && (v = take(argc, argv, index, "--from", &used))) {
        c->from = v;
    } else if (used == 0 && (v = take(argc, argv, index, "--to", &used))) {
        c->to = v;
    } else if (used == 0 && (v = take(argc, argv, index, "--explain", &used))) {
        c->explain = v;
    } else if (used == 0 && (v = take(argc, argv, index, "--settle-with", &used))) {
        c->settle_with = v;
    } else if (used == 0 && (v = take(argc, argv, index, "--as-of", &used))) {
        c->as_of = v;
    } else if (used == 0 && (v = take(argc, argv, index, "--deal-by", &used))) {
        if (!add_deal_by(c, v)) return -1;
    }
    return used;
}

static void progress(void *data, long done, long total)
{
    (void)data;
    int width = 40, filled = (int)(width * done / (total ? total : 1));
    fprintf(stderr, "\r[%.*s%*s] %ld/%ld runs", filled, "########################################",
            width - filled, "", done, total);
    if (done == total) fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* Runs done, for `entente serve` (the war layer calls this once per finished run, one call at
 * a time). */
static void served_progress(void *data, long done, long total)
{
    cli_progress_report(done > 0 ? (size_t)done : 0, total > 0 ? (size_t)total : 0, data);
}

static int parse_day(const char *option, const char *text, long *day)
{
    int ok;
    *day = en_date_days(text, &ok);
    if (!ok) fprintf(stderr, "entente war: error: %s '%s' is invalid (expected an ISO date YYYY-MM-DD)\n", option, text);
    return ok;
}

int cmd_war(int argc, char **argv)
{
    war_cli c;
    memset(&c, 0, sizeof c);
    c.runs = 1000;
    c.seed = 1;
    cli_options o;
    int status = cli_parse(argc, argv, CLI_OPT_FORMAT | CLI_OPT_OUTPUT, &o, extra, &c);
    if (cli_stop_early(&o, &status, usage)) return status;
    en_war_options wo;
    en_war_options_init(&wo);
    wo.runs = c.runs;
    wo.seed = c.seed;
    if (c.threads) wo.threads = (int)c.threads;
    else {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        wo.threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
    }
    wo.settle_with = c.settle_with;
    wo.window_only = c.window_only;
    wo.deal_by_days = c.deal_by;
    wo.deal_by_count = c.deal_by_count;
    if ((c.from && !parse_day("--from", c.from, &wo.from_day)) ||
        (c.to && !parse_day("--to", c.to, &wo.to_day)) ||
        (c.explain && !parse_day("--explain", c.explain, &wo.explain_day)) ||
        (c.as_of && !parse_day("--as-of", c.as_of, &wo.as_of_day))) {
        cli_options_free(&o);
        return CLI_BAD_INPUT;
    }
    if (o.format == EN_OUTPUT_CSV) {
        fprintf(stderr, "entente war: error: --format csv is not available (expected text or json)\n");
        cli_options_free(&o);
        return CLI_BAD_INPUT;
    }
    en_scenario *s = (status = cli_record_begin(&record, &o)) ? NULL : cli_load(&o, &status);
    if (!s) {
        cli_record_free(&record);
        cli_options_free(&o);
        return status;
    }
    /* Under mpirun the runs are split across the processes; rank 0 writes (docs/scale.md). */
    wo.distributor = cli_mpi_distributor();
    if (wo.distributor && !c.threads) {
        unsigned shared = cli_mpi_default_threads(); /* the node's cores among its ranks */
        wo.threads = shared ? (int)shared : 1;
    }
    /* `entente serve` follows the run through ENTENTE_PROGRESS_FD (cli_progress.h); a terminal
     * gets a bar. */
    static cli_progress served;
    if (wo.distributor) {
        /* no progress under mpirun: each rank sees only its share */
    } else if (cli_progress_open(&served, "runs")) {
        wo.progress = served_progress;
        wo.progress_data = &served;
    } else if (isatty(STDERR_FILENO)) {
        wo.progress = progress;
    }
    en_error err = EN_ERROR_INIT;
    en_war_summary *summary = NULL;
    if (en_war_simulate(s, &wo, &summary, &err) == EN_OK && cli_mpi_is_root()) {
        FILE *out = cli_output_open(&o, &err);
        if (out) {
            en_status wst = c.explain && o.format != EN_OUTPUT_JSON
                                ? en_war_explain_write(summary, EN_OUTPUT_TEXT, out, &err)
                                : en_war_summary_write(summary, o.format, out, &err);
            if (cli_output_close(&o, out, wst == EN_OK, &err))
                status = cli_record_analysis(&record, "war", "war", &o, s, write_json, summary);
        }
    }
    cli_record_free(&record);
    en_war_summary_free(summary);
    en_scenario_free(s);
    cli_options_free(&o);
    return err.code == EN_OK ? status : cli_fail(&err);
}
