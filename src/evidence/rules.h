/*
 * rules.h — the evidence rules in memory: cue, stance and issue patterns (PCRE2), word lists,
 * outlets and the gazetteer, read from the compiled-in data/evidence files.
 */
#ifndef ENTENTE_EVIDENCE_RULES_H
#define ENTENTE_EVIDENCE_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "evidence/evidence.h"

typedef struct en_ev_cue_rule {
    char *id, *cls, *cameo;
    pcre2_code *re;
} en_ev_cue_rule;

typedef struct en_ev_stance_rule {
    char *id, *stance, *cameo, *speaker, *target;
    pcre2_code *re;
} en_ev_stance_rule;

typedef struct en_ev_issue_rule {
    char *id;
    char *scenario_ids; /* comma-separated */
    pcre2_code *re;
} en_ev_issue_rule;

typedef struct en_ev_entry {
    char *kind, *surface, *value; /* meaning per table: see data/evidence */
    size_t surface_len;
} en_ev_entry;

struct en_ev_rules {
    en_ev_cue_rule *cues;
    size_t cue_count;
    en_ev_stance_rule *stances;
    size_t stance_count;
    en_ev_issue_rule *issues;
    size_t issue_count;
    en_ev_entry *titles, *outlets, *words, *gazetteer;
    size_t title_count, outlet_count, word_count, gazetteer_count;
    pcre2_match_data *match;
};

/* The npwords kind of a lower-case word (det, mod, head, prep, aux, neg, pron, sub) or NULL;
 * `extra` receives the third column when not NULL. Time complexity: O(words). */
const char *en_ev_word_kind(const en_ev_rules *rules, const char *word, size_t len, const char **extra);
/* 1 if the word (with its final period) is a title abbreviation such as "Gen.".
 * Time complexity: O(titles). */
int en_ev_is_abbrev(const en_ev_rules *rules, const char *word, size_t len);
/* 1 if the word is part of a title or role ("President", "Minister"). Time complexity: O(titles). */
int en_ev_is_role(const en_ev_rules *rules, const char *word, size_t len);
/* Runs a compiled pattern on text[start, end) from `from`; on a match sets *ms, *me and
 * returns 1. Time complexity: that of the pattern (PCRE2, with its default match limits). */
int en_ev_match(const en_ev_rules *rules, const pcre2_code *re, const char *text, size_t start,
             size_t end, size_t from, size_t *ms, size_t *me);

#endif
