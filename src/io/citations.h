/*
 * citations.h — checks that a scenario's quotes exist in the sources they cite.
 */
#ifndef ENTENTE_IO_CITATIONS_H
#define ENTENTE_IO_CITATIONS_H

#include <stddef.h>

#include "core/scenario.h"
#include "entente/sources.h"

/* en_scenario_check_citations is public: include/entente/sources.h. Its body, run by it under
 * an out-of-memory guard (io/io_guard.c); same parameters, errors and complexity: */
en_status en_scenario_check_citations_unguarded(const en_scenario *scenario, char *const *sources,
                                               en_error *err);

/* The normalised form used by the check, as a new string (`length` bytes of `text`).
 * Time complexity: O(length). */
char *en_citation_normalise(const char *text, size_t length);

#endif
