/*
 * cmd_validate.c — `entente validate`: load and check a scenario without running anything.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
    "usage: entente validate [FILE] [--input-format yaml|csv|decide|deu|ktab-csv|ktab-xml]\n"
    "                        [--scale MIN,MAX] [--sources-dir DIR]\n\n"
    "Checks FILE (default: the bundled scenario) and the source files it cites (regular UTF-8\n"
    "text files inside its folder, or inside DIR) and reports every problem as\n"
    "FILE:LINE:COL: error: what is wrong (what was expected). Exit status 0 if valid, 2 if not.\n"
    "A DEU table is checked as a whole (one scenario per proposal).\n"
    "Every quote a stance cites must be in a cited source's file (white space and quotation\n"
    "marks aside).\n";

int cmd_validate(int argc, char **argv)
{
    cli_options o;
    int status = cli_parse(argc, argv, CLI_OPT_LOAD, &o, NULL, NULL);
    if (cli_stop_early(&o, &status, usage)) return status;
    const char *path = o.file ? o.file : cli_default_scenario();
    en_scenario **all = NULL;
    size_t count = 0;
    en_error err = EN_ERROR_INIT;
    /* Several scenarios in one file (a DEU table): check them all, summarise. */
    if (en_scenario_load_all(path, &o.load, &all, &count, &err) == EN_OK && count > 1) {
        size_t issues = 0, outcomes = 0;
        for (size_t k = 0; k < count; k++) {
            for (size_t i = 0; i < en_scenario_note_count(all[k]); i++)
                fprintf(stderr, "%s\n", en_scenario_note(all[k], i));
            issues += en_scenario_issue_count(all[k]);
            outcomes += en_scenario_outcome_count(all[k]);
            en_scenario_free(all[k]);
        }
        free(all);
        printf("%s: ok (%zu scenarios, %zu issues, %zu with outcomes)\n", path, count, issues, outcomes);
        cli_options_free(&o);
        return CLI_OK;
    }
    for (size_t k = 0; k < count; k++) en_scenario_free(all[k]);
    free(all);
    en_error_clear(&err);
    en_scenario *s = cli_load(&o, &status);
    char **sources = s ? cli_read_sources(&o, s, &status) : NULL;
    if (s && !sources) {
        en_scenario_free(s);
        s = NULL;
    }
    en_error citations = EN_ERROR_INIT;
    if (s && en_scenario_check_citations(s, sources, &citations) != EN_OK) {
        status = cli_fail(&citations);
        en_sources_free(sources, en_scenario_source_count(s));
        en_scenario_free(s);
        s = NULL;
    }
    if (s) {
        en_sources_free(sources, en_scenario_source_count(s));
        printf("%s: ok (%zu issues, %zu actors)\n", o.file ? o.file : cli_default_scenario(),
               en_scenario_issue_count(s), en_scenario_actor_count(s));
        en_scenario_free(s);
    }
    cli_options_free(&o);
    return status;
}
