/*
 * yaml_write.h — the pieces of the YAML writer (io/yaml_write.c) that its section writers share:
 * quoted text, numbers that read back to the same double, uncertain values in their written
 * form. The war section's writer (io/yaml_write_war.c) is one such section writer.
 */
#ifndef ENTENTE_IO_YAML_WRITE_H
#define ENTENTE_IO_YAML_WRITE_H

#include "core/scenario.h"
#include "core/util.h"

/* A double-quoted YAML scalar (escapes quotes, backslashes and control characters). */
void en_yaml_write_quoted(en_buffer *out, const char *text);
/* The shortest decimal that reads back to the same double (en_format_double). */
void en_yaml_write_number(en_buffer *out, double value);
/* A plain number, or {value, low, high} / {value, sd} for an uncertain value. */
void en_yaml_write_value(en_buffer *out, const en_value *value);

/* en_scenario_write_yaml's body, run by it under an out-of-memory guard (io/io_guard.c); same
 * parameters, errors and complexity. */
en_status en_scenario_write_yaml_unguarded(const en_scenario *scenario, FILE *file, en_error *err);
/* Writes the `war:` section of the scenario (nothing when it has none). */
void en_yaml_write_war(en_buffer *out, const en_scenario *scenario);

#endif
