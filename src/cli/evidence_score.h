/*
 * evidence_score.h — `entente evidence --score LABELS.json`: the extractor's statements
 * against hand labels in the schema of the labelling conventions (docs/evidence.md).
 */
#ifndef ENTENTE_CLI_EVIDENCE_SCORE_H
#define ENTENTE_CLI_EVIDENCE_SCORE_H

#include <stdio.h>

#include "entente.h"


typedef struct cli_evidence_score {
    size_t gold, predicted, matched, attributed; /* statements (AUTHOR claims left out) */
    size_t gold_stance, predicted_stance, stance_hits;
    size_t kind_hits, articles;
} cli_evidence_score;

/* Scores the articles whose file names the labels list (the others are ignored) and prints a
 * summary, then every miss, to `out`. `renames` ("USC=USA_CONGRESS", `rename_count` of them)
 * name an extracted actor id by the labels' id for the same actor. Errors: unreadable or malformed labels (EN_ERROR_INPUT).
 * Time complexity: O(statements^2) per article. */
en_status cli_evidence_score_labels(const char *labels_path, en_ev_article *const *articles, size_t count,
                          const char *const *renames, size_t rename_count, FILE *out,
                          cli_evidence_score *score, en_error *err);

#endif
