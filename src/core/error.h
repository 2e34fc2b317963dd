/*
 * error.h — internal helpers to fill an en_error: the one way every layer reports a problem.
 */
#ifndef ENTENTE_CORE_ERROR_H
#define ENTENTE_CORE_ERROR_H

#include "entente.h"

/* Sets (or, if err already holds a problem, appends) one located problem; returns `code`. */
en_status en_error_add(en_error *err, en_status code, const char *file, int line, int column,
                       const char *format, ...) __attribute__((format(printf, 6, 7)));
/* Same without a location. */
en_status en_error_set(en_error *err, en_status code, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* Moves every problem of `from` to the end of `to`; `from` is left clear. */
void en_error_move(en_error *to, en_error *from);

/* Loaders stop collecting after this many problems: the rest are summarised in one line. */
#define EN_ERROR_LIMIT 50

#endif
