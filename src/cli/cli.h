/*
 * cli.h — what the subcommands share: the command table, option parsing, loading the scenario
 * (or the bundled default) and writing output safely (to stdout or atomically to -o FILE).
 * The CLI holds no model logic: it parses arguments, calls libentente and prints. It is built
 * against the public API only (include/): its include path holds include/ and src/cli/.
 */
#ifndef ENTENTE_CLI_CLI_H
#define ENTENTE_CLI_CLI_H

#include <stdio.h>

#include "entente.h"

/* Allocation for the command itself (cli_alloc.c): the command cannot go on without the
 * memory, so these print "entente: out of memory" and exit with status 1 when it runs out. */
void *cli_xmalloc(size_t size);
void *cli_xcalloc(size_t count, size_t size);
void *cli_xrealloc(void *ptr, size_t size);
char *cli_xstrdup(const char *text);
char *cli_xprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));
char *cli_xstrndup(const char *text, size_t length);
/* en_params_for_model, exiting like the above when the library reports no memory (NULL). */
en_params *cli_params_for_model(const en_params *params, const en_model *model);
/* Text is built in en_buffer (include/entente/util.h), whose growth reports failure. */

/* Exit statuses. */
enum { CLI_OK = 0, CLI_INTERNAL = 1, CLI_BAD_INPUT = 2 };

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

/* Options most subcommands accept. */
typedef struct cli_options {
    const char *file;        /* scenario; NULL: the bundled default */
    const char *model;       /* --model */
    en_params *params;       /* --param NAME=VALUE, --rounds N, --seed S, --trace full */
    en_output_format format; /* --format */
    const char *output;      /* -o FILE */
    en_load_options load;    /* --input-format, --scale */
    const char *sources_dir; /* --sources-dir: where `sources[].file` may point (default: the
                                scenario's folder) */
    int help;
} cli_options;

/* Flags for cli_parse: which options this subcommand takes. */
enum {
    CLI_OPT_MODEL = 1 << 0,
    CLI_OPT_PARAMS = 1 << 1, /* --param, --rounds, --seed, --trace */
    CLI_OPT_FORMAT = 1 << 2,
    CLI_OPT_OUTPUT = 1 << 3,
    CLI_OPT_LOAD = 1 << 4 /* --input-format, --scale, --sources-dir */
};

/* Parses argv[1..] (argv[0] is the subcommand). Unknown options are errors. Returns 0 on
 * success; on error prints the message and returns CLI_BAD_INPUT. `extra` may handle
 * subcommand-specific options: it returns the number of arguments consumed (0 if not its). */
typedef int (*cli_extra_fn)(int argc, char **argv, int index, void *state);
int cli_parse(int argc, char **argv, unsigned flags, cli_options *options, cli_extra_fn extra,
              void *state);
void cli_options_free(cli_options *options);
/* After cli_parse: on --help (prints `usage`) or a parse error, frees the options and returns 1,
 * and the subcommand returns *status. Otherwise returns 0. */
int cli_stop_early(cli_options *options, int *status, const char *usage);

/* Path of the bundled default scenario: $ENTENTE_DEFAULT_SCENARIO when set; else the installed
 * copy found relative to the binary (BINDIR/../share/entente/scenarios); else the source
 * tree's (a binary in the build tree); else the copy at the configured prefix; else scenarios/
 * in the current folder. */
const char *cli_default_scenario(void);

/* Loads options->file (or the default), printing notes and errors. NULL on failure, with
 * *status set to the exit status. */
en_scenario *cli_load(const cli_options *options, int *status);

/* Prints the error and returns its exit status. */
int cli_fail(en_error *err);

/* Output: cli_output_open returns stdout (no -o, or -o -), the device or FIFO named by -o
 * (written in place), or a temporary file beside a regular or new -o file, which
 * cli_output_close renames into place only on success (ok != 0), keeping the old file's mode,
 * so a failed run never leaves a half-written file. A symbolic link, directory or read-only
 * file is refused (NULL and an error naming the file). */
FILE *cli_output_open(const cli_options *options, en_error *err);
int cli_output_close(const cli_options *options, FILE *file, int ok, en_error *err);

/* The texts of the scenario's sources for the report and the run store (io/sources.h), read
 * from --sources-dir or the scenario's folder; on a refused or unreadable file, prints every
 * problem and returns NULL with *status set to the exit status. */
char **cli_read_sources(const cli_options *options, const en_scenario *scenario, int *status);

/* Looks up --model (default `fallback`), with a did-you-mean on misspellings. */
const en_model *cli_model(const char *name, const char *fallback, en_error *err);

/* Recording in the run store (cli_record.c): `--db FILE` or the ENTENTE_DB variable. A
 * subcommand passes cli_record_option as (or calls it from) its cli_parse `extra` callback with
 * a zeroed cli_record, calls cli_record_begin before the work (fails fast on a bad path) and
 * cli_record_finish after it (one transaction; analyses give the kind and their own JSON
 * output); each returns 0 or an exit status. Nothing happens when no store is named. */
typedef struct cli_record {
    const char *db;
    en_store *store;
    char started_at[40];
    char *scenario_text;
    size_t scenario_length;
} cli_record;
int cli_record_option(int argc, char **argv, int index, void *record);

/* For a subcommand's `extra` callback: whether argv[index] is one of `names` ("--draws" or
 * "--draws=N"). Returns the arguments it takes (1 or 2) with *which the name's index and *value
 * its value, 0 if it is none of them, -1 (after saying so on stderr) if its value is missing. */
int cli_named_value(int argc, char **argv, int index, const char *command, const char *const *names,
                    size_t count, size_t *which, const char **value);
/* Says that `option`'s `value` is not what was `expected` (stderr); returns -1 for an `extra`
 * callback to pass on. */
int cli_bad_value(const char *command, const char *option, const char *value, const char *expected);
/* Reads `option`'s `value` as an integer in [minimum, maximum] into *number: 1, or 0 after
 * saying "expected an integer in [minimum, maximum]" (cli_bad_value). */
int cli_long_value(const char *command, const char *option, const char *value, long minimum, long maximum,
                   long *number);
const char *cli_record_path(const cli_record *record);
int cli_record_begin(cli_record *record, const cli_options *options);
int cli_record_finish(cli_record *record, const char *command, const cli_options *options,
                      const en_scenario *scenario, en_result *const *results, size_t count,
                      const char *analysis_kind, const char *analysis_json);
void cli_record_free(cli_record *record);

/* The start every model-running subcommand shares: looks up --model (default compromise),
 * opens the run store if asked (cli_record_begin) and loads the scenario. On failure prints the
 * problem, frees the options and the record, sets *status and returns NULL. */
en_scenario *cli_start_model_run(cli_options *options, cli_record *record,
                                 const en_model **model, int *status);
/* Analyses are recorded as their own JSON output: `write` writes `result` as JSON. */
typedef en_status (*cli_json_writer)(const void *result, FILE *out, en_error *err);
char *cli_capture_json(cli_json_writer write, const void *result, en_error *err);
int cli_record_analysis(cli_record *record, const char *command, const char *kind,
                        const cli_options *options, const en_scenario *scenario,
                        cli_json_writer write, const void *result);

/* Subcommands (one file each). */
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_war(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_mc(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
