/*
 * cmd_models.c — `entente models`: the registry, each model with its parameters.
 */
#include <stdio.h>

#include "cli.h"

static const char usage[] =
    "usage: entente models\n\n"
    "Lists the models entente can run, with a one-line description and each parameter's\n"
    "default and accepted values. Every model also accepts rounds, seed and trace where it\n"
    "uses them; set parameters with --param NAME=VALUE.\n";

int cmd_models(int argc, char **argv)
{
    cli_options o;
    int status = cli_parse(argc, argv, 0, &o, NULL, NULL);
    if (!status && o.file) {
        fprintf(stderr, "entente models: error: unexpected argument '%s'\n", o.file);
        status = CLI_BAD_INPUT;
    }
    if (cli_stop_early(&o, &status, usage)) return status;
    for (size_t m = 0; m < en_model_count(); m++) {
        const en_model *model = en_model_at(m);
        printf("%-12s %s\n", en_model_name(model), en_model_description(model));
        for (size_t k = 0; k < en_model_param_count(model); k++) {
            const char *name, *def, *desc, *accepted;
            en_model_param_info(model, k, &name, &def, &desc, &accepted);
            printf("    %-14s %-10s default %-8s %s\n", name, accepted, def, desc);
        }
    }
    cli_options_free(&o);
    return CLI_OK;
}
