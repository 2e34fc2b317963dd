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

/* A byte range [start, end) of an article's text. */
typedef struct ev_span {
    size_t start, end;
} ev_span;

typedef enum ev_location { EV_HEADLINE, EV_SUBHEADLINE, EV_BODY, EV_BYLINE } ev_location;

typedef struct ev_sentence {
    ev_span span;
    size_t paragraph;
    ev_location location;
} ev_sentence;

typedef struct ev_issue_position {
    const char *issue;          /* the issue lexicon's id */
    const char *scenario_issue; /* the scenario's issue id it maps to, or NULL */
    ev_span position;           /* the words that state the position */
    const char *rule;
} ev_issue_position;

#define EV_MAX_QUOTES 8
#define EV_MAX_ISSUES 6

typedef struct ev_statement {
    char id[48];
    size_t sentence;        /* index into the article's sentences */
    char *speaker;          /* as first named in the article */
    int has_mention;
    ev_span mention;        /* the speaker's words in this sentence */
    char *actor;            /* NULL: unresolved */
    const char *kind;       /* direct_quote | indirect | report | decision */
    int has_cue;
    ev_span cue;
    char *via;              /* the outlet or source credited, or NULL */
    const char *stance;     /* open | conditional | closed | pushes_for | blocks | n/a */
    char *target;           /* NULL when stance is n/a */
    const char *cameo;      /* CAMEO code of the cue or of the stance rule */
    long nested_in;         /* statement index or -1 */
    long continues;         /* statement index or -1 */
    ev_span content;        /* what was said (reported content or quotation) */
    ev_span quotes[EV_MAX_QUOTES];
    size_t quote_count;
    ev_issue_position issues[EV_MAX_ISSUES];
    size_t issue_count;
    char rules[320];        /* the rules that fired, comma-separated */
    /* internal */
    int is_person, plural, trailing, dropped, conjoined, subordinate;
    const char *cls; /* the cue's class */
    ev_span anchor;
    char head[32];
} ev_statement;

typedef struct ev_article {
    char *path;
    char *name;   /* the file name without directories */
    char *text;   /* NUL-terminated; `size` bytes */
    size_t size;
    char *author; /* from an "Author:" line, or NULL */
    ev_sentence *sentences;
    size_t sentence_count;
    ev_statement *statements;
    size_t statement_count;
} ev_article;

typedef struct ev_rules ev_rules;

/* Compiles the bundled rules (data/evidence). Errors (a bad pattern in the data) go to err.
 * Returns NULL on error. Time complexity: O(total size of the rule files). */
ev_rules *ev_rules_load(en_error *err);
/* Frees the rules (NULL is allowed). Time complexity: O(number of rules). */
void ev_rules_free(ev_rules *rules);

/* Reads an article: plain UTF-8 text. Empty files, NUL bytes and invalid UTF-8 are errors with
 * the line and column of the first bad byte (EN_ERROR_INPUT); unreadable files too.
 * Time complexity: O(size). */
en_status ev_article_read(const char *path, ev_article **out, en_error *err);
/* The same from memory (`name` is used in messages). */
en_status ev_article_from_text(const char *name, const char *text, size_t size, ev_article **out,
                               en_error *err);
/* Frees an article and its statements (NULL is allowed). Time complexity: O(statements). */
void ev_article_free(ev_article *article);

/* Splits the article into paragraphs and sentences (ICU sentence breaks, merged inside
 * quotations and after title abbreviations) and marks headline, subheadline and byline.
 * Time complexity: O(size). */
en_status ev_segment(ev_article *article, const ev_rules *rules, en_error *err);

/* Finds the attributed statements of a segmented article. `scenario` may be NULL; when given,
 * its actors' ids, names and aliases resolve speakers before the gazetteer, and its parties
 * define the target of stances. Time complexity: O(sentences * rules * sentence length). */
en_status ev_extract(ev_article *article, const ev_rules *rules, const en_scenario *scenario,
                     en_error *err);

/* Checks that every span of every statement lies inside the text on UTF-8 boundaries;
 * returns 0 if so. Time complexity: O(statements). */
int ev_check_spans(const ev_article *article);

typedef enum ev_format { EV_FORMAT_JSON, EV_FORMAT_JSONL, EV_FORMAT_YAML, EV_FORMAT_TEXT } ev_format;

/* Writes the articles' statements. For YAML, `scenario` (may be NULL) names the source ids of
 * the citations. Time complexity: O(output size). */
void ev_write(en_buffer *out, ev_article *const *articles, size_t count, ev_format format,
              const en_scenario *scenario);

/* Finds quotation spans in [start, end) of text: “…”, «…», "…" (a » or ” closes any opener).
 * Writes at most `max` spans (inner text, without the marks); returns how many were found.
 * Time complexity: O(end - start). */
size_t ev_find_quotes(const char *text, size_t start, size_t end, ev_span *spans, size_t max);

#endif
