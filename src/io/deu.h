/*
 * deu.h — the reader of DEU outcome tables (the DEU I–III data on EU legislative decisions:
 * Thomson et al. 2006; Arregui & Perarnaud 2021, doi:10.34810/data53): one scenario per
 * proposal, with the status quo and the adopted outcome on each issue and the procedure, the
 * voting rule, the Council formation and the dates on the scenario. docs/deu.md describes it.
 */
#ifndef ENTENTE_IO_DEU_H
#define ENTENTE_IO_DEU_H

#include "core/scenario.h"

/* 1 if the bytes look like a DEU table: a TAB-separated header naming `isnr`. */
int en_deu_detect(const char *data, size_t size);

/* Reads a DEU table: *out gets *count validated scenarios (one per proposal, in the order of
 * their first row), or NULL with every problem found (file:line:column, at most
 * EN_ERROR_LIMIT). The caller frees each scenario and the array.
 * Time complexity: O(bytes + rows × actors). */
en_status en_deu_load(const char *data, size_t size, const char *name, en_scenario ***out,
                      size_t *count, en_error *err);

/* Formal Council voting weight of member state `code` (DEU's codes: de, fr, bu, cr, ...) on a
 * decision taken on `date` (ISO): the EU-15 weights before 1 May 2004, the Nice weights from
 * then until 31 October 2014, population in millions (the Lisbon double majority's weight)
 * from 1 November 2014. 0 when the state was not a member then or the code is unknown.
 * Time complexity: O(states). */
double en_deu_council_votes(const char *code, const char *date);

#endif
