/*
 * citations.c — the citation check of `entente validate`: a quote a scenario attributes to a
 * source must be in that source's text. Only white space and quotation marks are normalised,
 * so a paraphrase, a changed word or a dropped clause is caught.
 */
#include "io/citations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"

/* Byte length of a quotation mark or non-breaking space at p, and what it becomes. */
static size_t special(const unsigned char *p, size_t avail, char *as)
{
    static const struct {
        const char *bytes;
        char as;
    } marks[] = {{"“", '"'}, {"”", '"'}, {"„", '"'}, {"‟", '"'}, {"«", '"'}, {"»", '"'},
                 {"″", '"'}, {"‘", '\''}, {"’", '\''}, {"‚", '\''}, {"‛", '\''}, {"′", '\''},
                 {"\xC2\xA0", ' '}, {"\xE2\x80\xAF", ' '}, {"\xE2\x80\x89", ' '}};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        size_t n = strlen(marks[i].bytes);
        if (n <= avail && memcmp(p, marks[i].bytes, n) == 0) {
            *as = marks[i].as;
            return n;
        }
    }
    return 0;
}

char *en_citation_normalise(const char *text, size_t length)
{
    en_buffer b = {0};
    en_buffer_append(&b, "", 0);
    int space = 0;
    for (size_t i = 0; i < length;) {
        const unsigned char *p = (const unsigned char *)text + i;
        char as = 0;
        size_t n = special(p, length - i, &as);
        if (!n) {
            as = (char)*p;
            n = 1;
            if (as == '\n' || as == '\t' || as == '\r') as = ' ';
        }
        i += n;
        if (as == ' ') {
            space = 1;
            continue;
        }
        if (space && b.length) en_buffer_append(&b, " ", 1);
        space = 0;
        en_buffer_append(&b, &as, 1);
    }
    char *out = en_xstrndup(b.data ? b.data : "", b.length);
    en_buffer_free(&b);
    return out;
}

en_status en_scenario_check_citations_unguarded(const en_scenario *s, char *const *sources,
                                               en_error *err)
{
    en_status status = EN_OK;
    const char *name = s->path ? s->path : "scenario";
    /* each source's normalised text, once; NULL when it has no file */
    char **texts = en_xcalloc(s->source_count + 1, sizeof *texts);
    for (size_t i = 0; i < s->source_count; i++)
        if (sources && sources[i]) texts[i] = en_citation_normalise(sources[i], strlen(sources[i]));
    for (size_t a = 0; a < s->actor_count; a++) {
        const en_actor *actor = &s->actors[a];
        for (size_t i = 0; i < s->issue_count; i++) {
            const en_stance *st = &actor->stances[i];
            if (!st->present || !st->quote || !st->cite_count) continue;
            char *quote = en_citation_normalise(st->quote, strlen(st->quote));
            int checked = 0, found = 0;
            for (size_t c = 0; c < st->cite_count && !found; c++) {
                long k = en_scenario_find_source(s, st->cite[c]);
                if (k < 0 || !texts[k]) continue;
                checked = 1;
                found = strstr(texts[k], quote) != NULL;
            }
            if (checked && !found) {
                en_buffer ids = {0};
                for (size_t c = 0; c < st->cite_count; c++)
                    en_buffer_printf(&ids, "%s%s", c ? ", " : "", st->cite[c]);
                status = en_error_add(err, EN_ERROR_INPUT, name, st->where.line, st->where.column,
                                      "%s on '%s': the quote is not in the cited source (%s) "
                                      "(expected its exact words; only white space and quotation marks may differ)",
                                      actor->id, s->issues[i].id, ids.data);
                en_buffer_free(&ids);
            }
            en_free(quote);
        }
    }
    for (size_t i = 0; i < s->source_count; i++) en_free(texts[i]);
    en_free(texts);
    return status;
}
