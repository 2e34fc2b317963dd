/*
 * cmd_backtest.c — `entente backtest FILE...`: scores models against the outcomes recorded in
 * the files (scenarios with `outcome:`, DEU tables) and, with --fit, refits the procedural
 * compromise's weights by cross-validation grouped by scenario.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_progress.h"
#include "cli_mpi.h"

static const char usage[] =
    "usage: entente backtest FILE... [--models NAME,NAME,...] [--param NAME=VALUE]...\n"
    "                        [--format text|json|csv] [-o FILE] [--seed S] [--resamples N]\n"
    "                        [--min-actors N] [--fit] [--folds K] [--input-format F]\n"
    "                        [--db FILE]\n\n"
    "Runs models on every issue with a recorded outcome in the FILEs (scenarios with outcome:,\n"
    "DEU tables) and reports per model the mean, median and root-mean-square absolute error,\n"
    "the share within 10%% of the scale, a 95%% bootstrap interval resampling scenarios and the\n"
    "paired difference from compromise. --models picks the rows (compromise is always one);\n"
    "default: every model that applies. --fit also chooses the procedural model's weights by\n"
    "K-fold cross-validation grouped by scenario (default K = 10) and prints the --param line\n"
    "to use them. An issue counts when at least --min-actors actors (default 3) take part.\n"
    "--db FILE (or ENTENTE_DB) records the backtest (its JSON) in a run store, with the first\n"
    "FILE as the run's scenario.\n";

typedef struct backtest_state {
    const char **files;
    size_t file_count;
    char *models;
    size_t resamples, min_actors, folds;
    int fit;
    int bad;
    cli_record record;
} backtest_state;

static int number_option(int argc, char **argv, int index, const char *name, size_t *value,
                         int *bad)
{
    size_t n = strlen(name);
    const char *arg = argv[index], *text = NULL;
    int used = 0;
    if (strncmp(arg, name, n) == 0 && arg[n] == '=') text = arg + n + 1, used = 1;
    else if (strcmp(arg, name) == 0 && index + 1 < argc) text = argv[index + 1], used = 2;
    else if (strcmp(arg, name) == 0) {
        fprintf(stderr, "entente backtest: error: option %s needs a value\n", name);
        *bad = 1;
        return -1;
    }
    if (!text) return 0;
    long v;
    if (!en_parse_long(text, 1, 100000000, &v)) {
        fprintf(stderr, "entente backtest: error: %s '%s' is invalid (expected a whole number >= 1)\n",
                name, text);
        *bad = 1;
        return -1;
    }
    *value = (size_t)v;
    return used;
}

static int extra(int argc, char **argv, int index, void *data)
{
    backtest_state *st = data;
    const char *arg = argv[index];
    int used = cli_record_option(argc, argv, index, &st->record);
    if (used) return used;
    if ((used = number_option(argc, argv, index, "--resamples", &st->resamples, &st->bad))) return used;
    if ((used = number_option(argc, argv, index, "--min-actors", &st->min_actors, &st->bad))) return used;
    if ((used = number_option(argc, argv, index, "--folds", &st->folds, &st->bad))) return used;
    if (strcmp(arg, "--fit") == 0) {
        st->fit = 1;
        return 1;
    }
    if (strncmp(arg, "--models=", 9) == 0 || strcmp(arg, "--models") == 0) {
        const char *value = arg[8] == '=' ? arg + 9 : index + 1 < argc ? argv[index + 1] : NULL;
        if (!value) {
            fprintf(stderr, "entente backtest: error: option --models needs a value\n");
            return -1;
        }
        free(st->models);
        st->models = cli_xstrdup(value);
        return arg[8] == '=' ? 1 : 2;
    }
    if (arg[0] != '-' || arg[1] == '\0') {
        st->files = cli_xrealloc(st->files, (st->file_count + 1) * sizeof *st->files);
        st->files[st->file_count++] = arg;
        return 1;
    }
    return 0;
}

static en_status write_json(const void *backtest, FILE *out, en_error *err)
{
    return en_backtest_write(backtest, EN_OUTPUT_JSON, out, err);
}

int cmd_backtest(int argc, char **argv)
{
    cli_options o;
    backtest_state st = {0};
    int status = cli_parse(argc, argv, CLI_OPT_PARAMS | CLI_OPT_FORMAT | CLI_OPT_OUTPUT | CLI_OPT_LOAD,
                           &o, extra, &st);
    if (st.bad && !status) status = CLI_BAD_INPUT;
    if (!status && !o.help && st.file_count == 0) {
        fprintf(stderr, "entente backtest: error: no FILE given (expected files with outcomes; "
                        "see 'entente backtest --help')\n");
        status = CLI_BAD_INPUT;
    }
    if (cli_stop_early(&o, &status, usage)) {
        free(st.files);
        free(st.models);
        return status;
    }
    o.file = st.files[0]; /* the run store keeps the first file as the run's scenario */
    if ((status = cli_record_begin(&st.record, &o)) != CLI_OK) {
        cli_record_free(&st.record);
        free(st.files);
        free(st.models);
        cli_options_free(&o);
        return status;
    }
    en_error err = EN_ERROR_INIT;
    en_scenario **all = NULL;
    size_t count = 0;
    for (size_t f = 0; f < st.file_count && err.code == EN_OK; f++) {
        en_scenario **some = NULL;
        size_t n = 0;
        if (en_scenario_load_all(st.files[f], &o.load, &some, &n, &err) != EN_OK) break;
        all = cli_xrealloc(all, (count + n + 1) * sizeof *all);
        memcpy(all + count, some, n * sizeof *some);
        count += n;
        free(some);
    }
    const char **names = NULL;
    size_t name_count = 0;
    if (st.models) {
        for (char *p = strtok(st.models, ","); p; p = strtok(NULL, ",")) {
            names = cli_xrealloc(names, (name_count + 1) * sizeof *names);
            names[name_count++] = p;
        }
    }
    en_backtest *bt = NULL;
    if (err.code == EN_OK) {
        en_backtest_options options;
        en_backtest_options_init(&options);
        options.models = names;
        options.model_count = name_count;
        options.params = o.params;
        const char *seed = en_params_get(o.params, "seed");
        long seed_value;
        if (seed && en_parse_long(seed, 0, 2147483647L, &seed_value)) options.seed = (uint64_t)seed_value;
        if (st.resamples) options.resamples = st.resamples;
        if (st.min_actors) options.min_actors = st.min_actors;
        if (st.folds) options.folds = st.folds;
        options.fit = st.fit;
        options.distributor = cli_mpi_distributor(); /* under mpirun: the runs split (docs/scale.md) */
        /* `entente serve` follows the run through ENTENTE_PROGRESS_FD (cli_progress.h): model
         * runs done of models × cases. */
        static cli_progress served;
        if (cli_progress_open(&served, "model runs")) {
            options.progress = cli_progress_report;
            options.progress_data = &served;
        }
        en_backtest_run(all, count, &options, &bt, &err);
    }
    if (bt && cli_mpi_is_root()) {
        FILE *out = cli_output_open(&o, &err);
        if (out) {
            int ok = en_backtest_write(bt, o.format, out, &err) == EN_OK;
            if (cli_output_close(&o, out, ok, &err))
                status = cli_record_analysis(&st.record, "backtest", "backtest", &o, all[0],
                                             write_json, bt);
        }
    }
    cli_record_free(&st.record);
    en_backtest_free(bt);
    for (size_t k = 0; k < count; k++) en_scenario_free(all[k]);
    free(all);
    free(names);
    free(st.files);
    free(st.models);
    cli_options_free(&o);
    return err.code == EN_OK ? status : cli_fail(&err);
}
