/*
 * ktab.h — readers for the input files of KTAB's spatial model of politics (SMP): the CSV
 * layout (scenario line, column header, one line per actor) and the XML <Scenario>. Both give
 * one issue per KTAB dimension (id = the dimension's name, scale 0–100), all in one
 * multi-dimensional space, capability as given and saliences divided by 100; the XML reader
 * also carries <ModelParameters>, <prngSeed> and <IdealAdjustment> over as scenario settings
 * and accommodation. docs/scenario-format.md, "KTAB inputs", describes the mapping.
 */
#ifndef ENTENTE_IO_KTAB_H
#define ENTENTE_IO_KTAB_H

#include "core/scenario.h"
#include "entente.h"

/* 1 if the text looks like a KTAB SMP CSV file (line 1: name, description, actor count,
 * dimension count). Time complexity: O(length of the first two lines). */
int en_ktab_csv_detect(const char *data, size_t size);
/* 1 if the text is XML whose root element is <Scenario>. Time complexity: O(size) worst case. */
int en_ktab_xml_detect(const char *data, size_t size);

/* Read a KTAB CSV / XML file held in memory; `name` is used in messages. On failure *out is
 * NULL and err lists every problem found with file:line:column.
 * Time complexity: O(size + actors × dimensions) (XML: plus the actor-name lookups of the
 * IdealAdjustment pairs, O(pairs × actors)). */
en_status en_ktab_csv_load(const char *data, size_t size, const char *name, en_scenario **out,
                           en_error *err);
en_status en_ktab_xml_load(const char *data, size_t size, const char *name, en_scenario **out,
                           en_error *err);

/* The space id both readers give the dimensions of a KTAB file. */
#define EN_KTAB_SPACE "ktab"

#endif
