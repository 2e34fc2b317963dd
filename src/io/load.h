/*
 * load.h — the loaders behind en_scenario_load: one per input format, each turning bytes into
 * a validated scenario or a list of located problems.
 */
#ifndef ENTENTE_IO_LOAD_H
#define ENTENTE_IO_LOAD_H

#include "core/scenario.h"
#include "entente.h"

en_status en_yaml_load(const char *data, size_t size, const char *name, en_scenario **out,
                       en_error *err);
en_status en_csv_load(const char *data, size_t size, const char *name,
                      const en_load_options *options, en_scenario **out, en_error *err);

/* Shared checks on raw input: non-empty, text (no NUL bytes). */
en_status en_check_text(const char *data, size_t size, const char *name, en_error *err);

/* Largest input file entente reads (a scenario is text written by people). */
#define EN_MAX_INPUT_BYTES (64u * 1024u * 1024u)
/* Largest YAML scenario given as a buffer (a file is bounded by EN_MAX_INPUT_BYTES when read):
 * the same as any input. YAML is read into a compact tree of a few times the file's size
 * (docs/performance.md, "Loading large files"), no longer libfyaml's document tree of about 70
 * times, which had bounded YAML at 16 MiB. */
#define EN_MAX_YAML_BYTES EN_MAX_INPUT_BYTES

#endif
