/*
 * evidence.h — who said what about talks, read out of news articles: sentence segmentation,
 * attributed statements (speaker, mention, actor, cue, outlet, kind, nesting, continuation),
 * stance on talks with its target, and issue positions, every span a byte range of the source.
 * The rules are data (the .tsv files of data/evidence, compiled into the library); docs/evidence.md
 * describes them and how well they do.
 */
#ifndef ENTENTE_EVIDENCE_EVIDENCE_H
#define ENTENTE_EVIDENCE_EVIDENCE_H

#include <stddef.h>

#include "core/scenario.h"
#include "core/util.h"
#include "entente/evidence.h"

/* Writes the articles' statements. For YAML, `scenario` (may be NULL) names the source ids of
 * the citations. Time complexity: O(output size). */
void en_ev_write(en_buffer *out, en_ev_article *const *articles, size_t count, en_ev_format format,
              const en_scenario *scenario);

/* Finds quotation spans in [start, end) of text: “…”, «…», "…" (a » or ” closes any opener).
 * Writes at most `max` spans (inner text, without the marks); returns how many were found.
 * Time complexity: O(end - start). */
size_t en_ev_find_quotes(const char *text, size_t start, size_t end, en_ev_span *spans, size_t max);

#endif
