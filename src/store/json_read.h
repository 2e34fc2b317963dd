/*
 * json_read.h — JSON text back into an en_node tree (the inverse of core/node.h's writer), for
 * the run store's model extras and analysis documents.
 */
#ifndef ENTENTE_STORE_JSON_READ_H
#define ENTENTE_STORE_JSON_READ_H

#include "core/node.h"

/* en_json_parse (include/entente/node.h) is defined in json_read.c. */
#include "entente/node.h"

#endif
