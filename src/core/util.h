/*
 * util.h — small internal helpers shared by every layer: checked allocation, strings,
 * a growable text buffer and the did-you-mean suggestion used in error messages.
 */
#ifndef ENTENTE_CORE_UTIL_H
#define ENTENTE_CORE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include "entente/util.h"

/* Checked allocation: callers may assume success. When memory runs out inside a public call
 * that guards against it (core/oom.h) the call is unwound and returns EN_ERROR_NOMEM;
 * elsewhere the process ends with a message. The blocks are malloc blocks (inside a guard
 * with a trailer after the caller's bytes): free them with en_free; once the call that made
 * them has returned, free() frees them too. */
void *en_xmalloc(size_t size);
void *en_xcalloc(size_t count, size_t size);
void *en_xrealloc(void *ptr, size_t size);
/* A large table (a model's n × n tables, kept for a run): as en_xmalloc, but the block starts
 * on a 64-byte line (rows of whole lines: threads writing neighbouring rows never share a
 * line), and from 2 MiB on it starts on a 2 MiB boundary and is marked for transparent huge
 * pages where the system offers them (madvise), so that its first touch takes one page fault
 * per 2 MiB instead of one per 4 KiB and it needs few TLB entries. Free it with en_free.
 * Time complexity: that of malloc (the pages are not touched). */
void *en_xmalloc_large(size_t size);
char *en_xstrdup(const char *text);
char *en_xstrndup(const char *text, size_t length);
char *en_xprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Frees a block from the helpers above (or any malloc'd block; NULL is allowed), unchaining it
 * first if an out-of-memory guard chained it (core/oom.h). Library code frees with it, never
 * with free(): a chained block freed behind the guard's back would leave the guard's chain
 * pointing at freed memory. Time complexity: O(1). */
void en_free(void *ptr);

/* Grows *array (of *capacity elements of `size` bytes) so that index `needed - 1` fits. */
void en_grow(void **array, size_t *capacity, size_t needed, size_t size);
#define EN_GROW(array, capacity, needed) \
    en_grow((void **)&(array), &(capacity), (needed), sizeof *(array))

/* en_buffer (a growable text buffer) is public: include/entente/util.h. */

/* Case-insensitive ASCII comparison. */
int en_strcasecmp(const char *a, const char *b);

/* en_suggest, en_parse_double and en_parse_long are public: include/entente/util.h. */

/* Shortest text that reads back as the same double ("%.17g" trimmed). */
void en_format_double(char *out, size_t size, double value);

#endif
