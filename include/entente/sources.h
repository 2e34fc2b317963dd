/*
 * entente/sources.h — the texts a scenario cites (`sources:` entries with a `file:`), read
 * safely, and the check that every quoted stance is found in the source it cites. A scenario
 * comes from someone else, so a `file:` may name /etc/passwd, ../../secret, a FIFO or
 * /dev/zero: only regular UTF-8 text files inside the scenario's folder (or a folder the caller
 * names) of at most 16 MiB are read. Included by entente.h.
 */
/* entente.h first: it includes this header at its end, after its own declarations. */
#include "entente.h"
#ifndef ENTENTE_SOURCES_H
#define ENTENTE_SOURCES_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* The path the scenario was loaded from, as given to the loader (the name given to
 * en_scenario_load_buffer); never NULL ("" when none). Time complexity: O(1). */
const char *en_scenario_path(const en_scenario *scenario);
/* Number of entries of the scenario's `sources:` list. Time complexity: O(1). */
size_t en_scenario_source_count(const en_scenario *scenario);
/* Source `index`'s id, and its `file:` (NULL when it names none); owned by the scenario.
 * `index` must be below en_scenario_source_count. Time complexity: O(1). */
const char *en_scenario_source_id(const en_scenario *scenario, size_t index);
const char *en_scenario_source_file(const en_scenario *scenario, size_t index);
/* Where source `index` is given in the scenario file: the `file:` line and column when it has
 * one, else the entry's. Sets *line and *column (1-based; 0 when unknown).
 * Time complexity: O(1). */
void en_scenario_source_location(const en_scenario *scenario, size_t index, int *line,
                                 int *column);

/* The texts of the scenario's sources, in order: *texts gets en_scenario_source_count entries
 * (NULL where a source names no file or its file does not exist). Each `file:` is resolved
 * against `folder` (NULL: the folder of the scenario file) and must stay inside it after
 * symbolic links are resolved, be a regular file of at most 16 MiB, and hold UTF-8 text
 * without NUL bytes. Every problem is reported (EN_ERROR_INPUT) at the scenario file's
 * `file:` line; entries that failed are NULL, and *texts is filled even then. Free with
 * en_sources_free. EN_ERROR_NOMEM when memory runs out: *texts NULL, every file it had opened
 * closed. Time complexity: O(total size of the files). */
en_status en_sources_read(const en_scenario *scenario, const char *folder, char ***texts,
                          en_error *err);
/* Frees `count` texts and the array; NULL is allowed. Time complexity: O(count). */
void en_sources_free(char **texts, size_t count);

/* For every stance with a `quote` and `cite`: the quote must appear in at least one cited
 * source's text (`sources`: the texts as en_sources_read gives them), comparing text with runs
 * of white space made one space and curly, angle and prime quotation marks made straight, and
 * nothing else changed. Reports each quote not found, at the stance's line, as EN_ERROR_INPUT.
 * Quotes whose cited sources have no text are not checked. EN_ERROR_NOMEM when memory runs out.
 * Time complexity: O(total size of the quotes and cited texts) per quote. */
en_status en_scenario_check_citations(const en_scenario *scenario, char *const *sources,
                                      en_error *err);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif /* ENTENTE_SOURCES_H */
