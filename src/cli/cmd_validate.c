/*
 * cmd_validate.c — `entente validate`: load and check a scenario without running anything.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "core/scenario.h"
#include "io/citations.h"
#include "io/sources.h"

static const char usage[] =
    "usage: entente validate [FILE] [--input-format yaml|csv|decide|deu|ktab-csv|ktab-xml]\n"
    "                        [--scale MIN,MAX] [--sources-dir DIR]\n\n"
    "Checks FILE (default: the bundled scenario) and the source files it cites (regular UTF-8\n"
    "text files inside its folder, or inside DIR) and reports every problem as\n"
    "FILE:LINE:COL: error: what is wrong (what was expected). Exit status 0 if valid, 2 if not.\n"
    "Every quote a stance cites must be in a cited source's file (white space and quotation\n"
    "marks aside).\n";

int cmd_validate(int argc, char **argv)
{
    cli_options o;
    int status = cli_parse(argc, argv, CLI_OPT_LOAD, &o, NULL, NULL);
    if (cli_stop_early(&o, &status, usage)) return status;
    en_scenario *s = cli_load(&o, &status);
    char **sources = s ? cli_read_sources(&o, s, &status) : NULL;
    if (s && !sources) {
        en_scenario_free(s);
        s = NULL;
    }
    en_error citations = EN_ERROR_INIT;
    if (s && en_scenario_check_citations(s, sources, &citations) != EN_OK) {
        status = cli_fail(&citations);
        en_sources_free(sources, s->source_count);
        en_scenario_free(s);
        s = NULL;
    }
    if (s) {
        en_sources_free(sources, s->source_count);
        printf("%s: ok (%zu issues, %zu actors)\n", o.file ? o.file : cli_default_scenario(),
               en_scenario_issue_count(s), en_scenario_actor_count(s));
        en_scenario_free(s);
    }
    cli_options_free(&o);
    return status;
}
