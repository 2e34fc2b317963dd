/*
 * json_read.h — JSON text back into an en_node tree (the inverse of core/node.h's writer), for
 * the run store's model extras and analysis documents.
 */
#ifndef ENTENTE_STORE_JSON_READ_H
#define ENTENTE_STORE_JSON_READ_H

#include "core/node.h"

/* Parses one JSON value (surrounding white space allowed); NULL on any syntax error. */
en_node *en_json_parse(const char *text);

#endif
