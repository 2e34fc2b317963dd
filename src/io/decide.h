/*
 * decide.h — reader of the Decide exchange-model input format (#A actors, #P issues, #M scale
 * points, #D actor–issue data, #/ comments, #O title); see docs/models/exchange.md and
 * tests/data/decide/FORMAT.md.
 */
#ifndef ENTENTE_IO_DECIDE_H
#define ENTENTE_IO_DECIDE_H

#include <stddef.h>

#include "core/scenario.h"
#include "entente.h"

/* Parses a Decide file held in memory. `name` is used in messages. On failure *out is NULL and
 * err holds one located entry per problem (every problem of the file, in line order). The
 * scenario is not yet validated (en_scenario_load does that). */
en_status en_decide_load(const char *data, size_t size, const char *name, en_scenario **out,
                         en_error *err);

#endif
