/*
 * utf16.h — a stretch of an article's UTF-8 text as UTF-16 for ICU's break iterators, with the
 * map back from each code unit to its byte in the text (segment.c's sentences, extract.c's
 * tokens).
 */
#ifndef ENTENTE_EVIDENCE_UTF16_H
#define ENTENTE_EVIDENCE_UTF16_H

#include <stddef.h>
#include <unicode/utypes.h>

/* The code point of the UTF-8 sequence at text[i] and its length in *len (1-4; 1 where the
 * sequence would run past `end`). The text is valid UTF-8 (checked when the article is read).
 * Time complexity: O(1). */
unsigned int en_ev_utf8_decode(const char *text, size_t i, size_t end, size_t *len);

/* text[start, end) (valid UTF-8, cut at character boundaries) as n UTF-16 code units in *u, and
 * in *map the byte offset of the character each unit belongs to, with map[n] = end; returns n
 * (at most end - start). Both arrays are from en_xmalloc (u first), for the caller to en_free.
 * Errors: none (out of memory unwinds as every en_xmalloc does).
 * Time complexity: O(end - start). */
size_t en_ev_utf16(const char *text, size_t start, size_t end, UChar **u, size_t **map);

#endif
