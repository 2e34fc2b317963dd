/*
 * entente/evidence.h — who said what about talks, read out of news articles: sentence
 * segmentation, attributed statements (speaker, mention, actor, cue, outlet, kind, nesting,
 * continuation), stance on talks with its target, and issue positions, every span a byte range
 * of the source. The rules are data compiled into the library; docs/evidence.md describes them
 * and how well they do. Included by entente.h.
 *
 * Use: en_ev_rules_load once; per article en_ev_article_read (or _from_text), en_ev_segment,
 * en_ev_extract; then en_ev_write_file. The structures are plain data, read their fields.
 */
/* entente.h first: it includes this header at its end, after its own declarations. */
#include "entente.h"
#ifndef ENTENTE_EVIDENCE_H
#define ENTENTE_EVIDENCE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* A byte range [start, end) of an article's text. */
typedef struct en_ev_span {
    size_t start, end;
} en_ev_span;

typedef enum en_ev_location { EN_EV_HEADLINE, EN_EV_SUBHEADLINE, EN_EV_BODY, EN_EV_BYLINE } en_ev_location;

typedef struct en_ev_sentence {
    en_ev_span span;
    size_t paragraph;
    en_ev_location location;
} en_ev_sentence;

typedef struct en_ev_issue_position {
    const char *issue;          /* the issue lexicon's id */
    const char *scenario_issue; /* the scenario's issue id it maps to, or NULL */
    en_ev_span position;           /* the words that state the position */
    const char *rule;
} en_ev_issue_position;

#define EN_EV_MAX_QUOTES 8
#define EN_EV_MAX_ISSUES 6

typedef struct en_ev_statement {
    char id[48];
    size_t sentence;        /* index into the article's sentences */
    char *speaker;          /* as first named in the article */
    int has_mention;
    en_ev_span mention;        /* the speaker's words in this sentence */
    char *actor;            /* NULL: unresolved */
    const char *kind;       /* direct_quote | indirect | report | decision */
    int has_cue;
    en_ev_span cue;
    char *via;              /* the outlet or source credited, or NULL */
    const char *stance;     /* open | conditional | closed | pushes_for | blocks | n/a */
    char *target;           /* NULL when stance is n/a */
    const char *cameo;      /* CAMEO code of the cue or of the stance rule */
    long nested_in;         /* statement index or -1 */
    long continues;         /* statement index or -1 */
    en_ev_span content;        /* what was said (reported content or quotation) */
    en_ev_span quotes[EN_EV_MAX_QUOTES];
    size_t quote_count;
    en_ev_issue_position issues[EN_EV_MAX_ISSUES];
    size_t issue_count;
    char rules[320];        /* the rules that fired, comma-separated */
    /* internal */
    int is_person, plural, trailing, dropped, conjoined, subordinate;
    const char *cls; /* the cue's class */
    en_ev_span anchor;
    char head[32];
} en_ev_statement;

typedef struct en_ev_article {
    char *path;
    char *name;   /* the file name without directories */
    char *text;   /* NUL-terminated; `size` bytes */
    size_t size;
    char *author; /* from an "Author:" line, or NULL */
    en_ev_sentence *sentences;
    size_t sentence_count;
    en_ev_statement *statements;
    size_t statement_count;
} en_ev_article;

/* Compiled rules (opaque). */
typedef struct en_ev_rules en_ev_rules;

/* Compiles the bundled rules (compiled into the library). Returns new rules (free with
 * en_ev_rules_free; read-only afterwards, so one set may serve several threads), or NULL with
 * EN_ERROR_INTERNAL in err when a pattern of the data does not compile. Time complexity: O(total size of the rule files). */
en_ev_rules *en_ev_rules_load(en_error *err);
/* Frees the rules (NULL is allowed). Time complexity: O(number of rules). */
void en_ev_rules_free(en_ev_rules *rules);

/* Reads an article: plain UTF-8 text. On success *out is a new article (free with
 * en_ev_article_free), not yet segmented; on failure NULL. Empty files, NUL bytes and invalid
 * UTF-8 are errors with the line and column of the first bad byte (EN_ERROR_INPUT); unreadable
 * files too. Time complexity: O(size). */
en_status en_ev_article_read(const char *path, en_ev_article **out, en_error *err);
/* The same from `size` bytes at `text` (copied; `name` is used in messages).
 * Time complexity: O(size). */
en_status en_ev_article_from_text(const char *name, const char *text, size_t size,
                                  en_ev_article **out, en_error *err);
/* Frees an article and its statements (NULL is allowed). Time complexity: O(statements). */
void en_ev_article_free(en_ev_article *article);

/* Splits the article into paragraphs and sentences (ICU sentence breaks, merged inside
 * quotations and after title abbreviations), filling article->sentences, and marks headline,
 * subheadline and byline. Errors: EN_ERROR_INTERNAL when ICU fails. Time complexity: O(size). */
en_status en_ev_segment(en_ev_article *article, const en_ev_rules *rules, en_error *err);

/* Finds the attributed statements of a segmented article. `scenario` may be NULL; when given,
 * its actors' ids, names and aliases resolve speakers before the gazetteer, and its parties
 * define the target of stances. Fills article->statements (owned by the article). Returns
 * EN_OK (a sentence no rule matches gives no statement, not an error).
 * Time complexity: O(sentences * rules * sentence length). */
en_status en_ev_extract(en_ev_article *article, const en_ev_rules *rules,
                        const en_scenario *scenario, en_error *err);

/* Checks that every span of every statement lies inside the text on UTF-8 boundaries;
 * returns 0 if so. Time complexity: O(statements). */
int en_ev_check_spans(const en_ev_article *article);

typedef enum en_ev_format {
    EN_EV_FORMAT_JSON,
    EN_EV_FORMAT_JSONL,
    EN_EV_FORMAT_YAML,
    EN_EV_FORMAT_TEXT
} en_ev_format;

/* Writes the articles' statements to `out` in `format` (docs/evidence.md has the layouts).
 * For YAML, `scenario` (may be NULL) names the source ids of the citations. The text is built
 * in memory first. Errors: EN_ERROR_INTERNAL when writing to `out` fails.
 * Time complexity: O(output size). */
en_status en_ev_write_file(FILE *out, en_ev_article *const *articles, size_t count,
                           en_ev_format format, const en_scenario *scenario, en_error *err);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif /* ENTENTE_EVIDENCE_H */
