/*
 * main.c — the `entente` command: dispatches to one subcommand per file (git-style builtins).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_mpi.h"

static const cli_command commands[] = {
    {"run", "run one model on a scenario and print the forecast", cmd_run},
    {"compare", "run every model on a scenario, forecasts side by side", cmd_compare},
    {"validate", "check a scenario file and report every problem", cmd_validate},
    {"models", "list the models with their parameters", cmd_models},
    {"convert", "write any supported input as an entente YAML scenario", cmd_convert},
    {"war", "when a settlement beats fighting for every veto player (model WB-1)", cmd_war},
    {"runs", "list the runs recorded in a run store (--db)", cmd_runs},
    {"show", "print a recorded run as the command that made it did", cmd_show},
    {"report", "write a self-contained HTML report of a scenario or recorded run", cmd_report},
    {"mc", "Monte Carlo forecast over the scenario's uncertain values", cmd_mc},
    {"sensitivity", "which inputs and actors move each forecast (tornado, pivotal actors)", cmd_sensitivity},
    {"forecast", "one answer: what deal, will they agree, who blocks, what would change it, when", cmd_forecast},
    {"evidence", "who said what about talks in news articles, attributed and with stances", cmd_evidence},
    {"backtest", "score models against recorded outcomes (scenarios, DEU tables); --fit", cmd_backtest},
    {"trace", "why every actor moved, round by round, in a spatial model run (CSV)", cmd_trace},
    {"serve", "the browser workbench: edit a scenario in a table, run it, see the charts", cmd_serve},
    {"sweep", "one model over a grid of parameter values (NAME=START:STOP:STEP), one table", cmd_sweep},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: entente <command> [options] [FILE]\n\n"
                 "entente forecasts multi-party negotiations: will the parties talk, and what\n"
                 "deal comes out. FILE is a scenario (YAML), a stakeholder sheet (CSV) or a\n"
                 "Decide file; without FILE the bundled Russia-Ukraine scenario is used.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'entente <command> --help' describes a command; docs/cli.md has them all.\n"
                 "options: --help, --version\n");
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_BAD_INPUT;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("entente %s\n", en_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "entente: error: unknown command '%s' (expected one of:", argv[1]);
    for (size_t i = 0; i < COMMAND_COUNT; i++) fprintf(stderr, " %s", commands[i].name);
    fprintf(stderr, ")\n");
    return CLI_BAD_INPUT;
}

int main(int argc, char **argv)
{
    /* Under mpirun MPI starts here and ends with the command's exit status (cli_mpi.h). */
    cli_mpi_start(&argc, &argv);
    return cli_mpi_finish(dispatch(argc, argv));
}
