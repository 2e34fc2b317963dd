/*
 * segment.c — an article's text into paragraphs and sentences. ICU's sentence break iterator
 * (UAX #29 rules) finds the candidate breaks; two corrections follow: a break inside an open
 * quotation is no break (a quoted passage of several sentences is one statement), and neither
 * is a break right after a title abbreviation ("Gen. Valery Zaluzhny"). Leading paragraphs
 * without final punctuation are the headline and subheadline; an "Author:" line and what
 * follows it are the byline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/utypes.h>

#include "core/error.h"
#include "core/oom.h"
#include "evidence/rules.h"
#include "evidence/utf16.h"

/* ---- reading ---- */

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if invalid (overlong, surrogate, >U+10FFFF). */
static size_t utf8_length(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned int cp;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
    else return 0;
    if (avail < n) return 0;
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return n;
}

static en_status article_from_text(const char *name, const char *text, size_t size, en_ev_article **out,
                                   en_error *err)
{
    *out = NULL;
    int line = 1, column = 1, printable = 0;
    for (size_t i = 0; i < size;) {
        const unsigned char *p = (const unsigned char *)text + i;
        if (*p == 0)
            return en_error_add(err, EN_ERROR_INPUT, name, line, column,
                                "NUL byte: this is not a text file (expected plain UTF-8 text)");
        size_t n = utf8_length(p, size - i);
        if (n == 0)
            return en_error_add(err, EN_ERROR_INPUT, name, line, column,
                                "invalid UTF-8 byte 0x%02X (expected plain UTF-8 text)", *p);
        if (n == 1 && *p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
            return en_error_add(err, EN_ERROR_INPUT, name, line, column,
                                "control character 0x%02X: this is not a text file (expected plain UTF-8 text)",
                                *p);
        if (*p == '\n') line++, column = 1;
        else column++;
        if (!(n == 1 && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))) printable = 1;
        i += n;
    }
    if (!printable)
        return en_error_add(err, EN_ERROR_INPUT, name, 1, 1,
                            "the article is empty (expected the text of a news article)");
    en_ev_article *a = en_xcalloc(1, sizeof *a);
    a->path = en_xstrdup(name);
    const char *slash = strrchr(name, '/');
    a->name = en_xstrdup(slash ? slash + 1 : name);
    a->text = en_xstrndup(text, size);
    a->size = size;
    *out = a;
    return EN_OK;
}

static void close_file(void *f) { fclose(f); }

static en_status article_read(const char *path, en_ev_article **out, en_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return en_error_add(err, EN_ERROR_INPUT, path, 0, 0, "cannot open the article");
    en_oom_track(f, close_file); /* closed by an unwind should the text find no memory */
    en_buffer b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) en_buffer_append(&b, chunk, n);
    int bad = ferror(f);
    en_oom_untrack(f);
    fclose(f);
    if (bad) {
        en_buffer_free(&b);
        return en_error_add(err, EN_ERROR_INPUT, path, 0, 0, "cannot read the article");
    }
    en_status status = article_from_text(path, b.data ? b.data : "", b.length, out, err);
    en_buffer_free(&b);
    return status;
}

/* The two readers under the out-of-memory guard (core/oom.h): *out NULL and the file closed
 * on EN_ERROR_NOMEM. */
en_status en_ev_article_from_text(const char *name, const char *text, size_t size, en_ev_article **out,
                                  en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, *out = NULL, article_from_text(name, text, size, out, err));
    return st;
}

en_status en_ev_article_read(const char *path, en_ev_article **out, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, *out = NULL, article_read(path, out, err));
    return st;
}

void en_ev_article_free(en_ev_article *a)
{
    if (!a) return;
    for (size_t i = 0; i < a->statement_count; i++) {
        en_ev_statement *s = &a->statements[i];
        en_free(s->speaker), en_free(s->actor), en_free(s->via), en_free(s->target);
    }
    en_free(a->statements);
    en_free(a->sentences);
    en_free(a->author), en_free(a->path), en_free(a->name), en_free(a->text);
    en_free(a);
}

/* ---- quotations ---- */

static int starts(const char *text, size_t i, size_t end, const char *mark)
{
    size_t n = strlen(mark);
    return i + n <= end && memcmp(text + i, mark, n) == 0;
}

size_t en_ev_find_quotes(const char *text, size_t start, size_t end, en_ev_span *spans, size_t max)
{
    size_t count = 0, open_at = 0;
    int open = 0;
    for (size_t i = start; i < end;) {
        size_t step = 1;
        int opener = 0, closer = 0;
        if (starts(text, i, end, "“")) opener = 1, step = 3;
        else if (starts(text, i, end, "”")) closer = 1, step = 3;
        else if (starts(text, i, end, "«")) opener = 1, step = 2;
        else if (starts(text, i, end, "»")) closer = 1, step = 2;
        else if (text[i] == '"') {
            /* a straight quote opens after a space or at the start, closes otherwise */
            if (!open && (i == start || text[i - 1] == ' ' || text[i - 1] == '(' || text[i - 1] == '\n'))
                opener = 1;
            else if (open) closer = 1;
        }
        if (opener && !open) open = 1, open_at = i + step;
        else if (closer && open) {
            open = 0;
            if (count < max) spans[count] = (en_ev_span){open_at, i};
            count++;
        }
        i += step;
    }
    return count < max ? count : max;
}

/* 1 if a quotation opened in [start, end) is still open at end. */
static int quote_open_at(const char *text, size_t start, size_t end)
{
    int open = 0;
    for (size_t i = start; i < end;) {
        size_t step = 1;
        if (starts(text, i, end, "“") || starts(text, i, end, "«")) open = 1, step = starts(text, i, end, "“") ? 3 : 2;
        else if (starts(text, i, end, "”") || starts(text, i, end, "»")) open = 0, step = starts(text, i, end, "”") ? 3 : 2;
        else if (text[i] == '"') {
            if (!open && (i == start || text[i - 1] == ' ' || text[i - 1] == '(')) open = 1;
            else if (open) open = 0;
        }
        i += step;
    }
    return open;
}

/* ---- sentences ---- */

static int is_space_at(const char *t, size_t i, size_t end)
{
    return t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n' ||
           (i + 1 < end && (unsigned char)t[i] == 0xC2 && (unsigned char)t[i + 1] == 0xA0);
}

static size_t trim_end(const char *t, size_t start, size_t end)
{
    while (end > start) {
        if (t[end - 1] == ' ' || t[end - 1] == '\t' || t[end - 1] == '\r' || t[end - 1] == '\n') end--;
        else if (end - start >= 2 && (unsigned char)t[end - 2] == 0xC2 && (unsigned char)t[end - 1] == 0xA0) end -= 2;
        else break;
    }
    return end;
}

static size_t trim_start(const char *t, size_t start, size_t end)
{
    while (start < end && is_space_at(t, start, end)) start += (unsigned char)t[start] == 0xC2 ? 2 : 1;
    return start;
}

/* 1 if the sentence ends with a title abbreviation ("... Gen.") */
static int ends_with_abbrev(const en_ev_rules *rules, const char *t, size_t start, size_t end)
{
    if (end == start || t[end - 1] != '.') return 0;
    size_t w = end - 1;
    while (w > start && t[w - 1] != ' ' && t[w - 1] != '\n') w--;
    return en_ev_is_abbrev(rules, t + w, end - w);
}

static void add_sentence(en_ev_article *a, size_t *cap, en_ev_span span, size_t paragraph)
{
    en_grow((void **)&a->sentences, cap, a->sentence_count + 1, sizeof *a->sentences);
    a->sentences[a->sentence_count++] = (en_ev_sentence){span, paragraph, EN_EV_BODY};
}

static void close_iterator(void *it) { ubrk_close(it); }

/* ICU sentence breaks of one paragraph, then the merges. */
static en_status split_paragraph(en_ev_article *a, const en_ev_rules *rules, size_t start, size_t end,
                                 size_t paragraph, size_t *cap, en_error *err)
{
    /* UTF-16 copy with a map from each code unit to its byte offset */
    UChar *u;
    size_t *map;
    size_t n = en_ev_utf16(a->text, start, end, &u, &map);
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(UBRK_SENTENCE, "en_US", u, (int32_t)n, &status);
    if (U_FAILURE(status)) {
        en_free(u), en_free(map);
        return en_error_set(err, EN_ERROR_INTERNAL, "ICU sentence break iterator: %s", u_errorName(status));
    }
    en_oom_track(it, close_iterator); /* closed by an unwind should a sentence find no memory */
    size_t pending = (size_t)-1; /* start of a sentence being merged */
    int32_t from = ubrk_first(it);
    for (int32_t to = ubrk_next(it); to != UBRK_DONE; from = to, to = ubrk_next(it)) {
        size_t s = map[from], e = map[to];
        if (pending == (size_t)-1) pending = s;
        size_t te = trim_end(a->text, pending, e);
        int last = (size_t)to >= n;
        if (!last && (quote_open_at(a->text, pending, te) || ends_with_abbrev(rules, a->text, pending, te)))
            continue; /* merge with the next piece */
        size_t ts = trim_start(a->text, pending, te);
        if (te > ts) add_sentence(a, cap, (en_ev_span){ts, te}, paragraph);
        pending = (size_t)-1;
    }
    en_oom_untrack(it);
    ubrk_close(it);
    en_free(u), en_free(map);
    return EN_OK;
}

static int ends_with_punctuation(const char *t, size_t start, size_t end)
{
    end = trim_end(t, start, end);
    if (end == start) return 0;
    char c = t[end - 1];
    if (c == '.' || c == '?' || c == '!' || c == '"' || c == ':') return 1;
    return starts(t, end >= 3 ? end - 3 : start, end, "”") || starts(t, end >= 2 ? end - 2 : start, end, "»");
}

static en_status segment(en_ev_article *a, const en_ev_rules *rules, en_error *err)
{
    size_t cap = 0, paragraph = 0;
    int in_lead = 1, lead_count = 0, byline = 0;
    for (size_t i = 0; i < a->size;) {
        const char *eol = memchr(a->text + i, '\n', a->size - i);
        size_t end = eol ? (size_t)(eol - a->text) : a->size;
        size_t s = trim_start(a->text, i, end), e = trim_end(a->text, i, end);
        if (e > s) {
            size_t first = a->sentence_count;
            en_ev_location where = EN_EV_BODY;
            if (e - s > 7 && memcmp(a->text + s, "Author:", 7) == 0) {
                byline = 1;
                size_t ns = trim_start(a->text, s + 7, e);
                if (!a->author && e > ns) a->author = en_xstrndup(a->text + ns, e - ns);
            }
            if (byline) where = EN_EV_BYLINE;
            else if (in_lead && !ends_with_punctuation(a->text, s, e) && lead_count < 2)
                where = lead_count++ == 0 ? EN_EV_HEADLINE : EN_EV_SUBHEADLINE;
            else in_lead = 0;
            if (where == EN_EV_HEADLINE || where == EN_EV_SUBHEADLINE) add_sentence(a, &cap, (en_ev_span){s, e}, paragraph);
            else {
                en_status st = split_paragraph(a, rules, s, e, paragraph, &cap, err);
                if (st != EN_OK) return st;
            }
            for (size_t k = first; k < a->sentence_count; k++) a->sentences[k].location = where;
            paragraph++;
        }
        i = end + 1;
    }
    return EN_OK;
}

/* Under the out-of-memory guard (core/oom.h). The work starts from no sentences and no
 * author; what the article held before is restored on EN_ERROR_NOMEM (the new blocks are
 * released by the unwind) and released when the call succeeds. */
en_status en_ev_segment(en_ev_article *a, const en_ev_rules *rules, en_error *err)
{
    en_ev_sentence *volatile old = a->sentences;
    volatile size_t old_count = a->sentence_count;
    char *volatile old_author = a->author;
    a->sentences = NULL, a->sentence_count = 0, a->author = NULL;
    en_status st;
    EN_GUARDED(st, err, (a->sentences = old, a->sentence_count = old_count, a->author = old_author),
               segment(a, rules, err));
    if (st == EN_ERROR_NOMEM) return st;
    en_free(old);
    if (old_author) en_free(a->author), a->author = old_author; /* the first byline stays */
    return st;
}
