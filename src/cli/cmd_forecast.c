/*
 * cmd_forecast.c — `entente forecast`: one answer to "will they agree, on what, who blocks, how
 * sure" (docs/cli.md, docs/models/forecast.md), with --what-if changes shown beside the base case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_progress.h"
#include "cli_mpi.h"

static const char usage[] =
    "usage: entente forecast [FILE] [--what-if EXPR]... [--draws N] [--seed S] [--threads T]\n"
    "                        [--patron-weight W] [--audience-cost A] [--mediation] [--war-runs N]\n"
    "                        [--drivers-screen K]\n"
    "                        [--param NAME=VALUE]... [--format text|json|csv] [-o FILE]\n"
    "                        [--input-format F] [--scale MIN,MAX] [--db FILE]\n\n"
    "One answer for FILE (default: the bundled Russia-Ukraine scenario), in plain words first:\n"
    "what deal (the default forecaster, with an 80% interval over the uncertain values and the\n"
    "models' disagreement, and each model's distance from it), will they agree (P(agreement):\n"
    "every veto player prefers the package to no agreement), who blocks and the smallest change\n"
    "that wins each blocker over, what would change it (the inputs that move the forecast most)\n"
    "and, with a war: section, when (the war layer). docs/models/forecast.md has the method.\n\n"
    "  --what-if EXPR     a change to the scenario, shown beside the base case; repeatable; several\n"
    "                     changes in one EXPR are separated by ';':\n"
    "                       ACTOR.ISSUE.position|public|salience|power (=|+=|-=) NUMBER\n"
    "                       ACTOR.capability (=|+=|-=) NUMBER     ISSUE.status_quo (=|+=|-=) NUMBER\n"
    "                       drop ACTOR     ACTOR.veto+=ISSUE     ACTOR.veto-=ISSUE     ACTOR.veto=all|none\n"
    "                     e.g. --what-if UKR.talks.public=50  --what-if \"drop USA\"\n"
    "  --draws N          Monte Carlo draws (default 10000)\n"
    "  --seed S           integer in [0, 2^53-1] (default 1); same seed, same output, any --threads\n"
    "  --threads T        worker threads (default: one per online core)\n"
    "  --patron-weight W  how far a client weighs its patrons' positions, in [0, 1] (default 0.5)\n"
    "  --audience-cost A  cost of moving away from a public stance, >= 0 (default 0.5)\n"
    "  --mediation        a mediator in the scenario proposes the package nearest the forecast that\n"
    "                     every veto player accepts (P(agreement) then an upper bound; default: off,\n"
    "                     P(agreement) is the forecast package's acceptance)\n"
    "  --war-runs N       runs of the war layer for \"when\" (default 1000)\n"
    "  --drivers-screen K the drivers: re-run the forecaster only on the K inputs with the largest\n"
    "                     first-order leverage on the capability x salience-weighted mean (and on\n"
    "                     every status quo); 0: on every input (default: every input up to 2000\n"
    "                     inputs, above that K = 150); the answer says when it screened\n"
    "  --model NAME       forecast with NAME instead of the default forecaster ('entente models')\n"
    "  --param NAME=VALUE goes to the forecaster\n"
    "--input-format F forces the input format: yaml, csv, decide, deu, ktab-csv or ktab-xml.\n"
    "  --db FILE          record the answer in a run store (or ENTENTE_DB; docs/run-store.md)\n";

typedef struct forecast_cli {
    en_forecast_options options;
    const char **what_ifs;
    size_t what_if_count, what_if_capacity;
    cli_record record;
} forecast_cli;

static int forecast_extra(int argc, char **argv, int index, void *state)
{
    forecast_cli *c = state;
    int used_by_record = cli_record_option(argc, argv, index, &c->record);
    if (used_by_record) return used_by_record;
    const char *arg = argv[index];
    if (strcmp(arg, "--mediation") == 0 || strcmp(arg, "--no-mediation") == 0) {
        c->options.mediation = strcmp(arg, "--mediation") == 0;
        return 1;
    }
    static const char *const names[] = {"--what-if", "--draws", "--seed", "--threads", "--patron-weight",
                                        "--audience-cost", "--war-runs", "--drivers-screen"};
    size_t k;
    const char *value;
    int used = cli_named_value(argc, argv, index, "forecast", names, sizeof names / sizeof names[0], &k, &value);
    if (used < 0) return -1;
    if (used > 0) {
        long number;
        double real;
        switch (k) {
        case 0:
            if (c->what_if_count == c->what_if_capacity) {
                c->what_if_capacity = c->what_if_capacity ? 2 * c->what_if_capacity : 4;
                c->what_ifs = cli_xrealloc(c->what_ifs, c->what_if_capacity * sizeof *c->what_ifs);
            }
            c->what_ifs[c->what_if_count++] = value;
            break;
        case 1:
            if (!cli_long_value("forecast", names[k], value, 1, 10000000L, &number)) return -1;
            c->options.draws = (size_t)number;
            break;
        case 2:
            if (!cli_long_value("forecast", names[k], value, 0, 9007199254740991L, &number)) return -1;
            c->options.seed = (uint64_t)number;
            break;
        case 3:
            if (!cli_long_value("forecast", names[k], value, 1, 1024, &number)) return -1;
            c->options.threads = (unsigned)number;
            break;
        case 4:
            if (!en_parse_double(value, &real) || real < 0 || real > 1) return cli_bad_value("forecast", names[k], value, "a number in [0, 1]");
            c->options.patron_weight = real;
            break;
        case 5:
            if (!en_parse_double(value, &real) || real < 0 || real > 100) return cli_bad_value("forecast", names[k], value, "a number in [0, 100]");
            c->options.audience_cost = real;
            break;
        case 6:
            if (!cli_long_value("forecast", names[k], value, 1, 1000000L, &number)) return -1;
            c->options.war_runs = number;
            break;
        default:
            if (!cli_long_value("forecast", names[k], value, 0, 100000000L, &number)) return -1;
            c->options.drivers_screen = number;
            break;
        }
        return used;
    }
    return 0;
}

static en_status write_json(const void *result, FILE *out, en_error *err)
{
    return en_forecast_write(result, EN_OUTPUT_JSON, out, err);
}

int cmd_forecast(int argc, char **argv)
{
    forecast_cli c;
    memset(&c, 0, sizeof c);
    en_forecast_options_init(&c.options);
    cli_options o;
    int status = cli_parse(argc, argv, CLI_OPT_MODEL | CLI_OPT_PARAMS | CLI_OPT_FORMAT | CLI_OPT_OUTPUT | CLI_OPT_LOAD, &o,
                           forecast_extra, &c);
    c.options.model = o.model; /* NULL: the default forecaster */
    if (cli_stop_early(&o, &status, usage)) {
        free(c.what_ifs);
        return status;
    }
    int record_status = cli_record_begin(&c.record, &o);
    if (record_status != CLI_OK) {
        cli_record_free(&c.record);
        free(c.what_ifs);
        cli_options_free(&o);
        return record_status;
    }
    en_scenario *s = cli_load(&o, &status);
    if (!s) {
        cli_record_free(&c.record);
        free(c.what_ifs);
        cli_options_free(&o);
        return status;
    }
    en_error err = EN_ERROR_INIT;
    en_forecast_result *result = NULL;
    int exit_status = CLI_OK;
    /* Under mpirun the Monte Carlo draws are split across the processes (docs/scale.md). */
    c.options.distributor = cli_mpi_distributor();
    if (c.options.distributor && c.options.threads == 0) c.options.threads = cli_mpi_default_threads();
    /* `entente serve` follows the run through ENTENTE_PROGRESS_FD (cli_progress.h): Monte Carlo
     * draws done of (1 + what-ifs) × draws. */
    static cli_progress served;
    if (cli_progress_open(&served, "draws")) {
        c.options.progress = cli_progress_report;
        c.options.progress_data = &served;
    }
    if (en_forecast_run(s, o.params, &c.options, c.what_ifs, c.what_if_count, &result, &err) == EN_OK &&
        cli_mpi_is_root()) {
        FILE *out = cli_output_open(&o, &err);
        if (out) {
            int ok = en_forecast_write(result, o.format, out, &err) == EN_OK;
            if (cli_output_close(&o, out, ok, &err))
                exit_status = cli_record_analysis(&c.record, "forecast", "forecast", &o, s, write_json, result);
        }
    }
    en_forecast_result_free(result);
    cli_record_free(&c.record);
    en_scenario_free(s);
    free(c.what_ifs);
    cli_options_free(&o);
    if (err.code != EN_OK) return cli_fail(&err);
    return exit_status;
}
