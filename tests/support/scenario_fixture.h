/*
 * scenario_fixture.h — helpers for tests: load a scenario from a string, run a model, read a
 * file. Shared by every test executable (tests/support/ is linked into each).
 */
#ifndef ENTENTE_TESTS_SUPPORT_SCENARIO_FIXTURE_H
#define ENTENTE_TESTS_SUPPORT_SCENARIO_FIXTURE_H

#include "entente.h"

/* Loads YAML text; fails the test (with the loader's messages) if it does not load. */
en_scenario *fixture_yaml(const char *yaml);
/* Loads text in any format and returns the status; *err receives the problems. */
en_status fixture_load(const char *text, const char *name, en_scenario **out, en_error *err);
/* Runs `model` with optional "NAME=VALUE" assignments (NULL-terminated). */
en_result *fixture_run(const en_scenario *s, const char *model, const char *const *params);
/* Forecast of the issue with this id. */
double fixture_forecast(const en_result *r, const char *issue_id);
/* Whether any problem's text contains `needle` at the given line and column (0: any). */
int fixture_error_has(const en_error *err, int line, int column, const char *needle);
/* A result as the writer writes it in `format` (NUL-terminated, for the caller to free); fails
 * the test if the writer fails. */
char *fixture_result_text(const en_result *r, en_output_format format);
char *fixture_mc_text(const en_mc_result *r, en_output_format format);
char *fixture_sensitivity_text(const en_sensitivity_result *r, en_output_format format);
/* Path under the repository root (static buffer). */
const char *fixture_path(const char *relative);
/* Loads the file at `relative` under the repository root (format from its name); fails the test
 * (with the loader's messages) if it does not load. */
en_scenario *fixture_file(const char *relative);

#endif
