/*
 * citations.h — checks that a scenario's quotes exist in the sources they cite.
 */
#ifndef ENTENTE_IO_CITATIONS_H
#define ENTENTE_IO_CITATIONS_H

#include <stddef.h>

#include "core/scenario.h"

/* For every stance with a `quote` and `cite`: the quote must appear in at least one cited
 * source's text (`sources`: the texts of the scenario's sources in order, as en_sources_read
 * gives them — read safely there, NULL where a source has no file), comparing text with runs of
 * white space made one space and curly, angle and prime quotation marks made straight, and
 * nothing else changed. Reports each quote not found (at the stance's line) as EN_ERROR_INPUT.
 * Quotes whose cited sources have no text are not checked.
 * Time complexity: O(total size of the quotes and cited texts) per quote.
 */
en_status en_scenario_check_citations(const en_scenario *scenario, char *const *sources,
                                      en_error *err);

/* The normalised form used by the check, as a new string (`length` bytes of `text`).
 * Time complexity: O(length). */
char *en_citation_normalise(const char *text, size_t length);

#endif
