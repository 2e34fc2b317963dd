/*
 * entente/util.h — small helpers a program built on libentente needs next to the main API:
 * filling an en_error the way the library does, parsing numbers as the CLI parses them, the
 * did-you-mean suggestion, writing other people's text to a terminal safely, reading one
 * parameter back and a growable text buffer. Included by entente.h.
 */
/* entente.h first: it includes this header at its end, after its own declarations. */
#include "entente.h"
#ifndef ENTENTE_UTIL_H
#define ENTENTE_UTIL_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#define EN_PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define EN_PRINTF_LIKE(f, a)
#endif

/* Sets one problem located at FILE:LINE:COLUMN (line and column 1-based, 0: unknown), or
 * appends it when `err` already holds one (the chain en_error_print prints); the message is
 * `format` with its arguments, cut to fit en_error.message. Returns `code`, so a function can
 * `return en_error_add(...)`. `err` may be NULL (nothing is recorded). At most 50 problems are
 * kept; later ones are dropped and en_error_print says it stopped. Time complexity: O(problems held + message length). */
en_status en_error_add(en_error *err, en_status code, const char *file, int line, int column,
                       const char *format, ...) EN_PRINTF_LIKE(6, 7);
/* Same without a location. Time complexity: as en_error_add. */
en_status en_error_set(en_error *err, en_status code, const char *format, ...)
    EN_PRINTF_LIKE(3, 4);

/* Parses the whole of `text` as a finite double into *out. Returns 1 on success, 0 on failure
 * (empty, trailing characters, NaN, infinity or overflow), leaving *out alone.
 * Time complexity: O(length). */
int en_parse_double(const char *text, double *out);
/* Parses the whole of `text` as a decimal integer in [min, max]. Returns 1 or 0 as above.
 * Time complexity: O(length). */
int en_parse_long(const char *text, long min, long max, long *out);

/* The candidate closest to `word` by edit distance (one of `candidates`, not a copy), or NULL
 * when none is close enough to be a plausible misspelling. Time complexity:
 * O(count × length of word × length of candidate). */
const char *en_suggest(const char *word, const char *const *candidates, size_t count);

/* Writes `length` bytes of `text` to `file`; when `file` is a terminal, every control
 * character except newline and tab is made visible first (ESC as ^[, C1 codes as <U+009B>),
 * so names from someone else's file cannot drive the terminal. Files and pipes get the bytes
 * unchanged. Returns 1 on success, 0 when writing fails. Time complexity: O(length). */
int en_write_text(FILE *file, const char *text, size_t length);

/* The value (as text) of parameter `name` in `params`, NULL when it is not set; owned by
 * `params`. Time complexity: O(parameters). */
const char *en_params_get(const en_params *params, const char *name);

/* A growable NUL-terminated text buffer: zero-initialise it (`en_buffer b = {0};`), append to
 * it, read `data` (NULL until the first append) and `length`, release it with en_buffer_free.
 * Growth reports failure instead of ending the process: when memory runs out the append
 * leaves the buffer as it was, sets `failed`, and this and every later append return
 * EN_ERROR_NOMEM without appending, so a writer may append freely and check `failed` (or the
 * last status) once before using the text. Inside a library call the failure instead unwinds
 * that call, which returns EN_ERROR_NOMEM (docs/library.md). */
typedef struct en_buffer {
    char *data;      /* owned; NUL-terminated once anything was appended */
    size_t length;   /* bytes before the terminating NUL */
    size_t capacity; /* bytes allocated */
    int failed;      /* 1 once an append ran out of memory */
} en_buffer;

/* Appends `length` bytes of `text` (which may hold NULs and need not be terminated).
 * Returns EN_OK, or EN_ERROR_NOMEM (nothing appended, `failed` set; also whenever `failed`
 * is already set). Time complexity: O(length) amortised (the capacity doubles). */
en_status en_buffer_append(en_buffer *buffer, const char *text, size_t length);
/* Appends the NUL-terminated `text`. Returns as en_buffer_append. Time complexity:
 * O(strlen(text)) amortised. */
en_status en_buffer_puts(en_buffer *buffer, const char *text);
/* Appends `format` formatted with its arguments as printf would. Returns as
 * en_buffer_append (an encoding error of vsnprintf appends nothing and returns EN_OK).
 * Time complexity: O(length of the formatted text). */
en_status en_buffer_printf(en_buffer *buffer, const char *format, ...) EN_PRINTF_LIKE(2, 3);
/* Releases the text and resets the buffer to empty (`failed` cleared); NULL is allowed.
 * Time complexity: O(1). */
void en_buffer_free(en_buffer *buffer);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif /* ENTENTE_UTIL_H */
