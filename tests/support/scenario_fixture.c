/*
 * scenario_fixture.c — test helpers (see scenario_fixture.h).
 */
#include "support/scenario_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

en_status fixture_load(const char *text, const char *name, en_scenario **out, en_error *err)
{
    return en_scenario_load_buffer(text, strlen(text), name, NULL, out, err);
}

en_scenario *fixture_yaml(const char *yaml)
{
    en_error err = EN_ERROR_INIT;
    en_scenario *s = NULL;
    if (fixture_load(yaml, "fixture.yaml", &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        en_error_clear(&err);
        fail_msg("fixture did not load");
    }
    return s;
}

en_result *fixture_run(const en_scenario *s, const char *model, const char *const *params)
{
    const en_model *m = en_model_find(model);
    if (!m) fail_msg("no model %s", model);
    en_params *p = en_params_new();
    en_error err = EN_ERROR_INIT;
    for (size_t i = 0; params && params[i]; i++) assert_int_equal(en_params_parse(p, params[i], &err), EN_OK);
    en_result *r = NULL;
    if (en_run(m, s, p, &r, &err) != EN_OK) {
        en_error_print(&err, stderr);
        en_error_clear(&err);
        en_params_free(p);
        fail_msg("model %s failed", model);
    }
    en_params_free(p);
    return r;
}

double fixture_forecast(const en_result *r, const char *issue_id)
{
    const en_scenario *s = en_result_scenario(r);
    for (size_t i = 0; i < en_result_issue_count(r); i++)
        if (strcmp(en_scenario_issue_id(s, en_result_issue(r, i)), issue_id) == 0)
            return en_result_forecast(r, i);
    fail_msg("no issue %s in the result", issue_id);
    return 0;
}

int fixture_error_has(const en_error *err, int line, int column, const char *needle)
{
    for (const en_error *e = err; e && e->code != EN_OK; e = e->next) {
        if (line && e->line != line) continue;
        if (column && e->column != column) continue;
        if (strstr(e->message, needle)) return 1;
    }
    return 0;
}

typedef enum written_kind { WRITTEN_RESULT, WRITTEN_MC, WRITTEN_SENSITIVITY } written_kind;

/* What every fixture_*_text does: the writer of `kind` into a memory stream. */
static char *written(written_kind kind, const void *r, en_output_format format)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    en_error err = EN_ERROR_INIT;
    en_status status = EN_OK;
    switch (kind) {
    case WRITTEN_RESULT: status = en_result_write(r, format, f, &err); break;
    case WRITTEN_MC: status = en_mc_result_write(r, format, f, &err); break;
    case WRITTEN_SENSITIVITY: status = en_sensitivity_result_write(r, format, f, &err); break;
    }
    fclose(f);
    if (status != EN_OK) {
        en_error_print(&err, stderr);
        fail_msg("the writer failed");
    }
    return text;
}

char *fixture_result_text(const en_result *r, en_output_format format) { return written(WRITTEN_RESULT, r, format); }
char *fixture_mc_text(const en_mc_result *r, en_output_format format) { return written(WRITTEN_MC, r, format); }
char *fixture_sensitivity_text(const en_sensitivity_result *r, en_output_format format)
{
    return written(WRITTEN_SENSITIVITY, r, format);
}

const char *fixture_path(const char *relative)
{
    static char path[4096];
    const char *root = getenv("ENTENTE_SOURCE_DIR");
    if (!root) root = ENTENTE_SOURCE_DIR;
    snprintf(path, sizeof path, "%s/%s", root, relative);
    return path;
}

en_scenario *fixture_file(const char *relative)
{
    en_error err = EN_ERROR_INIT;
    en_scenario *s = NULL;
    if (en_scenario_load(fixture_path(relative), NULL, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        en_error_clear(&err);
        fail_msg("%s did not load", relative);
    }
    return s;
}
