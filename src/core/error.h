/*
 * error.h — internal helpers to fill an en_error: the one way every layer reports a problem.
 */
#ifndef ENTENTE_CORE_ERROR_H
#define ENTENTE_CORE_ERROR_H

#include "entente.h"
#include "entente/util.h"

/* en_error_add and en_error_set are public: include/entente/util.h. */
/* Moves every problem of `from` to the end of `to`; `from` is left clear. */
void en_error_move(en_error *to, en_error *from);

/* Loaders stop collecting after this many problems: the rest are summarised in one line. */
#define EN_ERROR_LIMIT 50

#endif
