/*
 * cmd_evidence.c — `entente evidence`: who said what about talks in news articles, attributed
 * to the scenario's actors, with stances and byte offsets; `--score` measures it against hand
 * labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evidence_score.h"

static const char usage[] =
    "usage: entente evidence ARTICLE... [--scenario FILE] [--format json|jsonl|yaml|text]\n"
    "                        [-o FILE] [--score LABELS.json]\n\n"
    "Reads news articles (plain UTF-8 text) and lists every attributed statement: speaker,\n"
    "mention, actor, cue, outlet (via), kind (direct_quote, indirect, report, decision),\n"
    "nesting, quote continuation, stance on talks (open, conditional, closed, pushes_for,\n"
    "blocks, n/a) with its target, and issue positions, each with byte offsets into the article.\n"
    "  --scenario FILE  resolve speakers through the scenario's actors and their aliases\n"
    "                   (default: the bundled gazetteer only); its parties are the talks' sides\n"
    "  --format F       json (default: one object per article), jsonl (one statement per line),\n"
    "                   yaml (citation fragments per actor for a scenario), text (a table)\n"
    "  -o FILE          write there instead of standard output (only if all went well)\n"
    "  --score LABELS   score the statements against hand labels (docs/evidence.md)\n"
    "  --label-id A=B   when scoring, the labels call actor A (of the scenario) B; repeatable\n"
    "Exit status 0 on success, 2 on bad input (unreadable, empty, binary or non-UTF-8 text).\n";

static int bad(const char *msg, const char *arg)
{
    fprintf(stderr, "entente evidence: error: ");
    fprintf(stderr, msg, arg);
    fprintf(stderr, " (see 'entente evidence --help')\n");
    return CLI_BAD_INPUT;
}

int cmd_evidence(int argc, char **argv)
{
    const char *scenario_path = NULL, *labels = NULL, *format_name = "json";
    cli_options o = {0};
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    const char **renames = calloc((size_t)argc + 1, sizeof *renames);
    size_t nfiles = 0, nrenames = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            free(files), free(renames);
            return CLI_OK;
        } else if (!strcmp(a, "--scenario") || !strcmp(a, "--format") || !strcmp(a, "-o") ||
                   !strcmp(a, "--score") || !strcmp(a, "--label-id")) {
            if (!has_value) {
                free(files), free(renames);
                return bad("%s needs a value", a);
            }
            const char *v = argv[++i];
            if (!strcmp(a, "--scenario")) scenario_path = v;
            else if (!strcmp(a, "--format")) format_name = v;
            else if (!strcmp(a, "-o")) o.output = v;
            else if (!strcmp(a, "--label-id")) renames[nrenames++] = v;
            else labels = v;
        } else if (a[0] == '-' && a[1]) {
            free(files), free(renames);
            return bad("unknown option '%s'", a);
        } else {
            files[nfiles++] = a;
        }
    }
    en_ev_format format;
    if (!strcmp(format_name, "json")) format = EN_EV_FORMAT_JSON;
    else if (!strcmp(format_name, "jsonl")) format = EN_EV_FORMAT_JSONL;
    else if (!strcmp(format_name, "yaml")) format = EN_EV_FORMAT_YAML;
    else if (!strcmp(format_name, "text")) format = EN_EV_FORMAT_TEXT;
    else {
        free(files), free(renames);
        return bad("unknown format '%s' (expected json, jsonl, yaml or text)", format_name);
    }
    if (!nfiles) {
        free(files), free(renames);
        return bad("%s", "no article given (expected one or more text files)");
    }
    en_error err = EN_ERROR_INIT;
    en_scenario *scenario = NULL;
    en_ev_rules *rules = NULL;
    en_ev_article **articles = calloc(nfiles, sizeof *articles);
    int status = CLI_OK;
    if (scenario_path && en_scenario_load(scenario_path, NULL, &scenario, &err) != EN_OK) goto fail;
    rules = en_ev_rules_load(&err);
    if (!rules) goto fail;
    for (size_t k = 0; k < nfiles; k++) {
        if (en_ev_article_read(files[k], &articles[k], &err) != EN_OK) goto fail;
        if (en_ev_segment(articles[k], rules, &err) != EN_OK) goto fail;
        if (en_ev_extract(articles[k], rules, scenario, &err) != EN_OK) goto fail;
        if (en_ev_check_spans(articles[k]) != 0) {
            en_error_set(&err, EN_ERROR_INTERNAL, "%s: an extracted span is not a substring of the article", files[k]);
            goto fail;
        }
    }
    FILE *out = cli_output_open(&o, &err);
    if (!out) goto fail;
    int ok = 1;
    if (labels) {
        cli_evidence_score score;
        ok = cli_evidence_score_labels(labels, articles, nfiles, renames, nrenames, out, &score, &err) == EN_OK;
    } else {
        ok = en_ev_write_file(out, articles, nfiles, format, scenario, &err) == EN_OK;
    }
    if (!cli_output_close(&o, out, ok, &err) || !ok) goto fail;
    goto done;
fail:
    status = cli_fail(&err);
done:
    for (size_t k = 0; k < nfiles; k++) en_ev_article_free(articles[k]);
    free(articles);
    en_ev_rules_free(rules);
    en_scenario_free(scenario);
    free(files);
    free(renames);
    return status;
}
