/*
 * citations.h — checks that a scenario's quotes exist in the sources they cite.
 */
#ifndef ENTENTE_IO_CITATIONS_H
#define ENTENTE_IO_CITATIONS_H

#include <stddef.h>

#include "core/scenario.h"

/* For every stance with a `quote` and `cite`: the quote must appear in at least one cited
 * source's file (paths relative to the scenario file), comparing text with runs of white space
 * made one space and curly, angle and prime quotation marks made straight, and nothing else
 * changed. Reports each quote not found (at the stance's line) and each cited file that cannot
 * be read (at the source's line), as EN_ERROR_INPUT. Quotes whose cited sources have no file
 * are not checked. Time complexity: O(total size of the quotes and cited files) per quote.
 */
en_status en_scenario_check_citations(const en_scenario *scenario, en_error *err);

/* The normalised form used by the check, as a new string (`length` bytes of `text`).
 * Time complexity: O(length). */
char *en_citation_normalise(const char *text, size_t length);

#endif
