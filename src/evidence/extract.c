/*
 * extract.c — attributed statements out of a segmented article.
 *
 * For each sentence: tokens from ICU's word break iterator; cue words from the cue lexicon
 * (PCRE2), skipped inside quotation marks; for each cue a subject found by a few structural
 * rules (the noun phrase left of the cue past auxiliaries and adverbs; an appositive between
 * commas; a relative pronoun; a conjoined or participial cue sharing the previous subject; a
 * passive's by-agent; an inverted "said Kirby"); the subject resolved to an actor (pronouns and
 * definite descriptions to an earlier speaker, outlets to MEDIA, the scenario's aliases, the
 * gazetteer, unnamed sources to ANON). Then per sentence: what each statement says (its
 * content), which statement another is nested in, quotations, kind, outlet, stance on talks
 * and issue positions; finally quote continuations across sentences. Every decision appends
 * the name of its rule to the statement's `rules`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>

#include "core/error.h"
#include "core/oom.h"
#include "evidence/rules.h"
#include "evidence/utf16.h"

/* ---- tokens ---- */

typedef struct token {
    size_t s, e;
    int word;  /* a word (letters or digits), else punctuation */
    int cap;   /* starts with an upper-case letter, or a hyphenated part does */
    int quote; /* inside quotation marks, or a quotation mark */
} token;

typedef struct sentence_ctx {
    const char *t;
    size_t start, end;
    token *tok;
    size_t count;
    en_ev_span quotes[32];
    size_t quote_count;
} sentence_ctx;

static int in_quotes(const sentence_ctx *c, size_t pos)
{
    for (size_t q = 0; q < c->quote_count; q++)
        if (pos + 3 >= c->quotes[q].start && pos < c->quotes[q].end + 3) return 1;
    return 0;
}

static void close_iterator(void *it) { ubrk_close(it); }

static void tokenize(sentence_ctx *c)
{
    UChar *u;
    size_t *map;
    size_t n = en_ev_utf16(c->t, c->start, c->end, &u, &map);
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(UBRK_WORD, "en_US", u, (int32_t)n, &status);
    size_t cap = 0;
    c->tok = NULL;
    c->count = 0;
    if (U_SUCCESS(status)) {
        en_oom_track(it, close_iterator); /* closed by an unwind should a token find no memory */
        int32_t from = ubrk_first(it);
        for (int32_t to = ubrk_next(it); to != UBRK_DONE; from = to, to = ubrk_next(it)) {
            size_t s = map[from], e = map[to];
            size_t len;
            unsigned int first = en_ev_utf8_decode(c->t, s, e, &len);
            if (u_isUWhiteSpace((UChar32)first)) continue;
            int word = ubrk_getRuleStatus(it) >= UBRK_WORD_NONE_LIMIT;
            /* hyphenated words ("then-British", "Commander-in-Chief") are one token */
            if (word && c->count > 1 && c->tok[c->count - 1].s + 1 == s && c->t[s - 1] == '-' &&
                c->tok[c->count - 2].word && c->tok[c->count - 2].e + 1 == s) {
                c->count--;
                token *prev = &c->tok[c->count - 1];
                prev->e = e;
                if (u_isupper((UChar32)first)) prev->cap = 1;
                continue;
            }
            /* "U.S." keeps its final period: the word break iterator leaves it apart */
            if (!word && e == s + 1 && c->t[s] == '.' && c->count > 0 && c->tok[c->count - 1].e == s &&
                memchr(c->t + c->tok[c->count - 1].s, '.', c->tok[c->count - 1].e - c->tok[c->count - 1].s)) {
                c->tok[c->count - 1].e = e;
                continue;
            }
            en_grow((void **)&c->tok, &cap, c->count + 1, sizeof *c->tok);
            c->tok[c->count++] = (token){s, e, word, word && u_isupper((UChar32)first), 0};
        }
    }
    if (it) en_oom_untrack(it), ubrk_close(it);
    en_free(u), en_free(map);
    for (size_t i = 0; i < c->count; i++) c->tok[i].quote = in_quotes(c, c->tok[i].s);
}

/* ---- small helpers ---- */

static int tok_is(const sentence_ctx *c, size_t i, const char *word)
{
    if (i >= c->count) return 0;
    size_t n = c->tok[i].e - c->tok[i].s;
    if (strlen(word) != n) return 0;
    for (size_t k = 0; k < n; k++) {
        char a = c->t[c->tok[i].s + k];
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (a != word[k]) return 0;
    }
    return 1;
}

static int tok_char(const sentence_ctx *c, size_t i, const char *mark)
{
    return i < c->count && c->tok[i].e - c->tok[i].s == strlen(mark) &&
           memcmp(c->t + c->tok[i].s, mark, strlen(mark)) == 0;
}

static int is_close_quote(const sentence_ctx *c, size_t i)
{
    return tok_char(c, i, "”") || tok_char(c, i, "»") || tok_char(c, i, "\"");
}

static int is_clause_punct(const sentence_ctx *c, size_t i)
{
    return tok_char(c, i, ",") || tok_char(c, i, ".") || tok_char(c, i, ";") ||
           tok_char(c, i, "!") || tok_char(c, i, "?") || tok_char(c, i, ":");
}

static const char *kind_of(const en_ev_rules *r, const sentence_ctx *c, size_t i)
{
    if (i >= c->count || !c->tok[i].word) return NULL;
    return en_ev_word_kind(r, c->t + c->tok[i].s, c->tok[i].e - c->tok[i].s, NULL);
}

static int kind_is(const char *kind, const char *want)
{
    return kind && strcmp(kind, want) == 0;
}

/* A token that may stand in a speaker's noun phrase. */
static int np_token(const en_ev_rules *r, const sentence_ctx *c, size_t i)
{
    if (i >= c->count || !c->tok[i].word || c->tok[i].quote) return 0;
    const char *k = kind_of(r, c, i);
    if (kind_is(k, "det") || kind_is(k, "mod") || kind_is(k, "head") || kind_is(k, "prep")) return 1;
    if (k) return 0; /* aux, neg, pron, sub, stop */
    return c->tok[i].cap;
}

static int first_token_at(const sentence_ctx *c, size_t pos)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->tok[i].s >= pos) return (int)i;
    return (int)c->count;
}

static void add_rule(en_ev_statement *s, const char *rule)
{
    size_t used = strlen(s->rules);
    if (used + strlen(rule) + 2 >= sizeof s->rules) return;
    if (used) strcat(s->rules, ",");
    strcat(s->rules, rule);
}

/* Whole-word occurrence of `word` in t[start, end) at or after `from`; returns its start or
 * (size_t)-1. Case-sensitive. A possessive "’s" may follow. */
static size_t find_word(const char *t, size_t start, size_t end, size_t from, const char *word,
                        size_t len)
{
    for (size_t i = from; i + len <= end; i++) {
        if (memcmp(t + i, word, len) != 0) continue;
        if (i > start) {
            size_t k = i - 1;
            while (k > start && ((unsigned char)t[k] & 0xC0) == 0x80) k--;
            size_t l;
            unsigned int cp = en_ev_utf8_decode(t, k, end, &l);
            if (u_isalnum((UChar32)cp) || cp == '-' ) continue;
        }
        if (i + len < end) {
            size_t l;
            unsigned int cp = en_ev_utf8_decode(t, i + len, end, &l);
            if (u_isalnum((UChar32)cp)) continue;
        }
        return i;
    }
    return (size_t)-1;
}

/* ---- the article's state ---- */

typedef struct person {
    char *name, *surname, *actor;
} person;

typedef struct ctx {
    const en_ev_rules *r;
    const en_scenario *sc;
    en_ev_article *a;
    size_t cap;
    person *people;
    size_t people_count;
    char *last_outlet;
    const char *parties[2];
    char *pair;
} ctx;

static void remember_person(ctx *x, const char *name, const char *actor)
{
    if (!name || !actor || !strchr(name, ' ')) return;
    for (size_t i = 0; i < x->people_count; i++)
        if (strcmp(x->people[i].name, name) == 0) return;
    x->people = en_xrealloc(x->people, (x->people_count + 1) * sizeof *x->people);
    person *p = &x->people[x->people_count++];
    p->name = en_xstrdup(name);
    p->surname = en_xstrdup(strrchr(name, ' ') + 1);
    p->actor = en_xstrdup(actor);
}

/* First outlet named in t[start, end): its canonical name and position, or NULL. */
static const char *find_outlet(const en_ev_rules *r, const char *t, size_t start, size_t end,
                               size_t *at, size_t *len)
{
    const char *best = NULL;
    size_t best_at = (size_t)-1, best_len = 0;
    for (size_t i = 0; i < r->outlet_count; i++) {
        const en_ev_entry *e = &r->outlets[i];
        size_t p = find_word(t, start, end, start, e->surface, e->surface_len);
        if (p == (size_t)-1) continue;
        if (p < best_at || (p == best_at && e->surface_len > best_len))
            best = e->value, best_at = p, best_len = e->surface_len;
    }
    if (at) *at = best_at;
    if (len) *len = best_len;
    return best;
}

/* The first actor named in t[start, end) through the scenario (ids, names, aliases) or the
 * gazetteer; its kind ("scenario", "place", "body", "person") and position. */
static const char *find_actor(const ctx *x, size_t start, size_t end, const char **kind,
                              size_t *at, size_t *len)
{
    const char *t = x->a->text;
    const char *best = NULL, *best_kind = NULL;
    size_t best_at = (size_t)-1, best_len = 0;
    if (x->sc) {
        for (size_t i = 0; i < x->sc->actor_count; i++) {
            const en_actor *ac = &x->sc->actors[i];
            for (size_t k = 0; k <= ac->alias_count; k++) {
                const char *name = k < ac->alias_count ? ac->aliases[k] : ac->id;
                size_t n = strlen(name);
                size_t p = find_word(t, start, end, start, name, n);
                if (p == (size_t)-1) continue;
                if (p < best_at || (p == best_at && n > best_len))
                    best = ac->id, best_kind = "scenario", best_at = p, best_len = n;
            }
        }
    }
    /* the gazetteer only where it names something earlier than the scenario does (the
     * scenario's names win ties) */
    for (size_t i = 0; i < x->r->gazetteer_count; i++) {
        const en_ev_entry *e = &x->r->gazetteer[i];
        size_t p = find_word(t, start, end, start, e->surface, e->surface_len);
        if (p == (size_t)-1) continue;
        if (p < best_at || (p == best_at && e->surface_len > best_len && !(best_kind && !strcmp(best_kind, "scenario"))))
            best = e->value, best_kind = e->kind, best_at = p, best_len = e->surface_len;
    }
    if (kind) *kind = best_kind;
    if (at) *at = best_at;
    if (len) *len = best_len;
    return best;
}

static int is_party(const ctx *x, const char *actor)
{
    return actor && ((x->parties[0] && strcmp(actor, x->parties[0]) == 0) ||
                     (x->parties[1] && strcmp(actor, x->parties[1]) == 0));
}

/* ---- subjects ---- */

enum subject_type { SUBJ_NONE, SUBJ_NP, SUBJ_PRONOUN, SUBJ_SHARED, SUBJ_INVERTED, SUBJ_PASSIVE };

typedef struct subject {
    enum subject_type type;
    size_t first, last; /* token range of the noun phrase */
    int has_appos;
    size_t appos_first, appos_last;
    int relative_appos; /* appositive starts with who/which/that: not part of the mention */
    int negated, after_that, after_sub, sub_as, after_clause;
    const char *rule;
} subject;

/* Scans a noun phrase leftwards ending at token `last`; returns 1 and its first token. */
static int np_left(const en_ev_rules *r, const sentence_ctx *c, size_t last, size_t *first)
{
    if (!np_token(r, c, last)) return 0;
    const char *lk = kind_of(r, c, last);
    if (kind_is(lk, "det") || kind_is(lk, "prep")) return 0; /* "the added", "a pressing" */
    size_t i = last;
    while (i > 0 && np_token(r, c, i - 1)) i--;
    /* comma-joined country list at the start: "US, European Officials" */
    while (i < last) {
        const char *k = kind_of(r, c, i);
        if (kind_is(k, "prep")) i++;
        else break;
    }
    int solid = 0;
    for (size_t k = i; k <= last; k++)
        if (c->tok[k].cap || kind_is(kind_of(r, c, k), "head")) solid = 1;
    if (!solid) return 0;
    *first = i;
    return 1;
}

static int np_right(const en_ev_rules *r, const sentence_ctx *c, size_t first, size_t *last)
{
    size_t i = first;
    if (!np_token(r, c, i)) return 0;
    while (i + 1 < c->count && np_token(r, c, i + 1)) i++;
    while (i > first && (kind_is(kind_of(r, c, i), "prep") || kind_is(kind_of(r, c, i), "det"))) i--;
    int solid = 0;
    for (size_t k = first; k <= i; k++)
        if (c->tok[k].cap || kind_is(kind_of(r, c, k), "head")) solid = 1;
    if (!solid) return 0;
    *last = i;
    return 1;
}

static int is_be(const sentence_ctx *c, size_t i)
{
    return tok_is(c, i, "is") || tok_is(c, i, "are") || tok_is(c, i, "was") || tok_is(c, i, "were") ||
           tok_is(c, i, "been") || tok_is(c, i, "being") || tok_is(c, i, "be");
}

static void mark_preceding(const en_ev_rules *r, const sentence_ctx *c, subject *sj)
{
    if (sj->first == 0) {
        sj->after_clause = 1;
        return;
    }
    size_t p = sj->first - 1;
    if (tok_is(c, p, "that")) sj->after_that = 1;
    const char *k = kind_of(r, c, p);
    if (kind_is(k, "sub")) sj->after_sub = 1, sj->sub_as = tok_is(c, p, "as");
    if (tok_char(c, p, ",") || tok_char(c, p, ";") || tok_char(c, p, "–") || tok_char(c, p, "—") ||
        is_close_quote(c, p) || tok_is(c, p, "but") || tok_is(c, p, "and"))
        sj->after_clause = 1;
}

/* Finds the subject of the cue whose first token is `ct` and last token `ce`. */
static subject find_subject(const en_ev_rules *r, const sentence_ctx *c, size_t ct, size_t ce,
                            const char *cls)
{
    subject sj = {0};
    size_t i = ct;
    int be = 0;
    /* auxiliaries, adverbs and negations between subject and cue */
    while (i > 0) {
        const char *k = kind_of(r, c, i - 1);
        /* "begun to signal": "to" is a preposition elsewhere */
        if (tok_is(c, i - 1, "to") && i >= 2 && kind_is(kind_of(r, c, i - 2), "aux")) k = "aux";
        if (kind_is(k, "aux")) {
            if (is_be(c, i - 1) && i == ct) be = 1;
            i--;
        } else if (kind_is(k, "neg") || tok_is(c, i - 1, "n't") || tok_is(c, i - 1, "n’t")) {
            sj.negated = 1;
            i--;
        } else if (tok_is(c, i - 1, "being") || tok_is(c, i - 1, "be")) {
            be = 1;
            i--;
        } else break;
    }
    const char *cue_end_word = c->t + c->tok[ct].s;
    size_t cue_len = c->tok[ct].e - c->tok[ct].s;
    int participle = cue_len > 3 && memcmp(cue_end_word + cue_len - 2, "ed", 2) == 0;
    participle = participle || tok_is(c, ct, "told") || tok_is(c, ct, "said");
    if (be && participle && strcmp(cls, "noun") != 0) {
        /* passive: the speaker is the by-agent, if any */
        size_t last;
        if (tok_is(c, ce + 1, "by") && np_right(r, c, ce + 2, &last)) {
            sj.type = SUBJ_PASSIVE, sj.first = ce + 2, sj.last = last, sj.rule = "subject_passive_by";
            return sj;
        }
        return sj;
    }
    if (i == 0) {
        /* nothing before the cue: an inverted headline-less cue, or none */
        goto inverted;
    }
    size_t p = i - 1;
    const char *k = kind_of(r, c, p);
    if (kind_is(k, "pron")) {
        sj.type = SUBJ_PRONOUN, sj.first = sj.last = p, sj.rule = "subject_pronoun";
        mark_preceding(r, c, &sj);
        return sj;
    }
    if (tok_is(c, p, "and") && !np_token(r, c, p - 1 < c->count ? p - 1 : 0)) {
        sj.type = SUBJ_SHARED, sj.rule = "subject_conjoined";
        return sj;
    }
    if (tok_is(c, p, "and")) {
        sj.type = SUBJ_SHARED, sj.rule = "subject_conjoined";
        return sj;
    }
    int after_comma = tok_char(c, p, ",") || (is_close_quote(c, p) && p > 0 && tok_char(c, p - 1, ","));
    if (after_comma && i == ct && cue_len > 3 && memcmp(cue_end_word + cue_len - 3, "ing", 3) == 0) {
        sj.type = SUBJ_SHARED, sj.rule = "subject_participle";
        return sj;
    }
    if ((tok_is(c, p, "who") || tok_is(c, p, "that") || tok_is(c, p, "which")) && p > 0) {
        size_t q = p - 1, first;
        if (tok_char(c, q, ",") && q > 0) q--;
        if (np_left(r, c, q, &first)) {
            sj.type = SUBJ_NP, sj.first = first, sj.last = q, sj.rule = "subject_relative";
            mark_preceding(r, c, &sj);
            return sj;
        }
        return sj;
    }
    if (tok_char(c, p, ",") && p > 0) {
        /* an appositive between commas: "Kirby, who recently joined the NSC, said" */
        size_t j = p;
        while (j > 0 && !tok_char(c, j - 1, ",")) j--;
        if (j > 1 && p - j >= 1 && p - j <= 16) {
            size_t comma = j - 1, first;
            int relative = tok_is(c, j, "who") || tok_is(c, j, "which") || tok_is(c, j, "that");
            int appos = relative || tok_is(c, j, "including") || tok_is(c, j, "the") ||
                        tok_is(c, j, "a") || tok_is(c, j, "an") || np_token(r, c, j);
            if (appos && comma > 0 && np_left(r, c, comma - 1, &first)) {
                sj.type = SUBJ_NP, sj.first = first, sj.last = comma - 1;
                sj.has_appos = 1, sj.appos_first = j, sj.appos_last = p - 1;
                sj.relative_appos = relative;
                sj.rule = "subject_appositive";
                mark_preceding(r, c, &sj);
                return sj;
            }
        }
        goto inverted;
    }
    if (is_close_quote(c, p)) goto inverted;
    {
        size_t first;
        if (np_left(r, c, p, &first)) {
            sj.type = SUBJ_NP, sj.first = first, sj.last = p, sj.rule = "subject_left";
            /* "US, European Officials": a lone place name before a comma at the start */
            if (first == 2 && tok_char(c, 1, ",") && c->tok[0].cap) sj.first = 0;
            mark_preceding(r, c, &sj);
            return sj;
        }
    }
    return sj;
inverted:
    if (!strcmp(cls, "speech") || !strcmp(cls, "report")) {
        size_t last;
        if (np_right(r, c, ce + 1, &last) && (last + 1 >= c->count || is_clause_punct(c, last + 1))) {
            sj.type = SUBJ_INVERTED, sj.first = ce + 1, sj.last = last, sj.rule = "subject_inverted";
            sj.after_clause = 1;
        }
    }
    return sj;
}

/* ---- resolving a speaker ---- */

typedef struct resolved {
    char *speaker;
    const char *actor; /* borrowed */
    char *actor_owned;
    int is_person, plural;
    char head[32];
    const char *rule;
} resolved;

static void set_actor(resolved *v, const char *actor)
{
    en_free(v->actor_owned);
    v->actor_owned = actor ? en_xstrdup(actor) : NULL;
    v->actor = v->actor_owned;
}

/* The tail of capitalised, non-title tokens of a phrase: a person's name. */
static int name_part(const ctx *x, const sentence_ctx *c, size_t first, size_t last, size_t *ns)
{
    /* "a close aide to Zelensky" is no name; "Secretary of State Antony Blinken" is */
    for (size_t k = first + 1; k <= last; k++)
        if (kind_is(kind_of(x->r, c, k), "prep") && !c->tok[k - 1].cap) return 0;
    size_t i = last + 1;
    while (i > first) {
        size_t k = i - 1;
        if (!c->tok[k].cap || c->tok[k].quote) break;
        const char *kd = kind_of(x->r, c, k);
        if (kd) break;
        if (en_ev_is_role(x->r, c->t + c->tok[k].s, c->tok[k].e - c->tok[k].s)) break;
        i--;
    }
    if (i > last) return 0;
    *ns = i;
    /* a place, body or outlet is no person */
    size_t s = c->tok[i].s, e = c->tok[last].e, at, len;
    const char *kind = NULL;
    if (find_outlet(x->r, c->t, s, e, &at, &len)) return 0;
    const char *who = find_actor(x, s, e, &kind, &at, &len);
    if (who && kind && (strcmp(kind, "place") == 0 || strcmp(kind, "body") == 0)) return 0;
    if (who && kind && strcmp(kind, "scenario") == 0) {
        /* an alias that is a place or body name in the gazetteer is no person either */
        for (size_t g = 0; g < x->r->gazetteer_count; g++)
            if (x->r->gazetteer[g].surface_len == len && memcmp(x->r->gazetteer[g].surface, c->t + at, len) == 0 &&
                strcmp(x->r->gazetteer[g].kind, "person") != 0)
                return 0;
    }
    return 1;
}

static void head_word(const sentence_ctx *c, size_t last, char *out, size_t size)
{
    size_t n = c->tok[last].e - c->tok[last].s;
    if (n >= size) n = size - 1;
    for (size_t k = 0; k < n; k++) {
        char a = c->t[c->tok[last].s + k];
        out[k] = (a >= 'A' && a <= 'Z') ? (char)(a - 'A' + 'a') : a;
    }
    out[n] = 0;
}

static resolved resolve(ctx *x, const sentence_ctx *c, const subject *sj, long before)
{
    resolved v = {0};
    const en_ev_rules *r = x->r;
    head_word(c, sj->last, v.head, sizeof v.head);
    size_t s = c->tok[sj->first].s, e = c->tok[sj->last].e;
    en_ev_article *a = x->a;
    if (sj->type == SUBJ_PRONOUN) {
        const char *extra = NULL;
        en_ev_word_kind(r, c->t + c->tok[sj->first].s, c->tok[sj->first].e - c->tok[sj->first].s, &extra);
        int singular = extra && strcmp(extra, "1") == 0;
        for (long i = before - 1; i >= 0; i--) {
            en_ev_statement *p = &a->statements[i];
            if (p->dropped) continue;
            if (singular ? p->is_person : (p->plural && !p->is_person)) {
                v.speaker = en_xstrdup(p->speaker);
                set_actor(&v, p->actor);
                v.is_person = p->is_person, v.plural = p->plural;
                v.rule = singular ? "resolve_pronoun_person" : "resolve_pronoun_group";
                return v;
            }
        }
        v.speaker = en_xstrndup(c->t + s, e - s);
        v.rule = "resolve_pronoun_unresolved";
        return v;
    }
    /* a definite description: "the official", "the sources", "The report" */
    int definite = tok_is(c, sj->first, "the") && sj->last > sj->first;
    for (size_t k = sj->first + 1; definite && k <= sj->last; k++) {
        const char *kd = kind_of(r, c, k);
        if (!(kind_is(kd, "mod") || kind_is(kd, "head"))) definite = 0;
    }
    if (definite) {
        if (strcmp(v.head, "report") == 0 || strcmp(v.head, "reports") == 0) {
            if (x->last_outlet) {
                v.speaker = en_xstrdup(x->last_outlet);
                set_actor(&v, "MEDIA");
                v.rule = "resolve_the_report";
                return v;
            }
        } else {
            for (long i = before - 1; i >= 0; i--) {
                en_ev_statement *p = &a->statements[i];
                if (p->dropped || strcmp(p->head, v.head) != 0) continue;
                v.speaker = en_xstrdup(p->speaker);
                set_actor(&v, p->actor);
                v.is_person = p->is_person, v.plural = p->plural;
                v.rule = "resolve_definite_description";
                return v;
            }
        }
    }
    int report_head = strcmp(v.head, "report") == 0 || strcmp(v.head, "reports") == 0;
    size_t at, len;
    const char *outlet = find_outlet(r, c->t, s, e, &at, &len);
    if (outlet && (at + len == e || report_head)) {
        v.speaker = en_xstrdup(outlet);
        set_actor(&v, "MEDIA");
        v.rule = "resolve_outlet";
        en_free(x->last_outlet);
        x->last_outlet = en_xstrdup(outlet);
        return v;
    }
    if (report_head) {
        v.speaker = en_xstrndup(c->t + s, e - s);
        set_actor(&v, "MEDIA");
        v.plural = v.head[strlen(v.head) - 1] == 's';
        v.rule = "resolve_report_noun";
        return v;
    }
    size_t ns;
    int named = name_part(x, c, sj->first, sj->last, &ns);
    char *name = named ? en_xstrndup(c->t + c->tok[ns].s, e - c->tok[ns].s) : NULL;
    const char *kind = NULL;
    const char *who = find_actor(x, s, e, &kind, &at, &len);
    if (named && !strchr(name, ' ')) {
        /* a surname seen before in full: "Zelensky" after "Volodymyr Zelensky" */
        for (size_t i = 0; i < x->people_count; i++)
            if (strcmp(x->people[i].surname, name) == 0) {
                en_free(name);
                name = en_xstrdup(x->people[i].name);
                if (!who || (kind && strcmp(kind, "person") == 0)) who = x->people[i].actor, kind = "coreference";
                break;
            }
    }
    if (!who && sj->has_appos && !sj->relative_appos) {
        who = find_actor(x, c->tok[sj->appos_first].s, c->tok[sj->appos_last].e, &kind, &at, &len);
        if (who) v.rule = "resolve_appositive";
    } else if (!who && sj->has_appos) {
        who = find_actor(x, c->tok[sj->appos_first].s, c->tok[sj->appos_last].e, &kind, &at, &len);
        if (who) v.rule = "resolve_relative_clause";
    }
    if (who) {
        set_actor(&v, who);
        if (!v.rule)
            v.rule = kind && strcmp(kind, "scenario") == 0 ? "resolve_scenario_alias"
                     : kind && strcmp(kind, "coreference") == 0 ? "resolve_surname"
                                                                 : "resolve_gazetteer";
    } else if (strcmp(v.head, "source") == 0 || strcmp(v.head, "sources") == 0 ||
               find_word(c->t, s, e, s, "unnamed", 7) != (size_t)-1 ||
               find_word(c->t, s, e, s, "anonymous", 9) != (size_t)-1 ||
               find_word(c->t, s, e, s, "familiar", 8) != (size_t)-1) {
        set_actor(&v, "ANON");
        v.rule = "resolve_unnamed_source";
    } else {
        v.rule = "resolve_unresolved";
    }
    if (named) {
        v.is_person = 1;
        v.speaker = name;
        if (v.actor) remember_person(x, name, v.actor);
    } else {
        v.speaker = en_xstrndup(c->t + s, e - s);
        v.plural = v.head[0] && v.head[strlen(v.head) - 1] == 's';
    }
    return v;
}

/* ---- statements ---- */

static en_ev_statement *new_statement(ctx *x, size_t sentence)
{
    en_ev_article *a = x->a;
    en_grow((void **)&a->statements, &x->cap, a->statement_count + 1, sizeof *a->statements);
    en_ev_statement *s = &a->statements[a->statement_count++];
    memset(s, 0, sizeof *s);
    s->sentence = sentence;
    s->nested_in = s->continues = -1;
    s->stance = "n/a";
    return s;
}

static size_t trim_span_end(const char *t, size_t s, size_t e)
{
    while (e > s && (t[e - 1] == ' ' || t[e - 1] == ',' || t[e - 1] == '\t')) e--;
    while (e >= s + 2 && (unsigned char)t[e - 2] == 0xC2 && (unsigned char)t[e - 1] == 0xA0) e -= 2;
    return e;
}

static size_t trim_span_start(const char *t, size_t s, size_t e)
{
    while (s < e && (t[s] == ' ' || t[s] == ',' || t[s] == '\t')) s++;
    return s;
}

static int special_actor(const char *actor)
{
    return !actor || !strcmp(actor, "MEDIA") || !strcmp(actor, "ANON") || !strcmp(actor, "AUTHOR") ||
           !strcmp(actor, "OTHER");
}

/* Stance on talks from the stance lexicon; returns 1 if a rule fired. */
static int read_stance(ctx *x, en_ev_statement *st, size_t s, size_t e)
{
    if (special_actor(st->actor) || e <= s) return 0;
    const char *t = x->a->text;
    int party = is_party(x, st->actor);
    for (size_t i = 0; i < x->r->stance_count; i++) {
        const en_ev_stance_rule *rule = &x->r->stances[i];
        if (!strcmp(rule->speaker, "party") && !party) continue;
        if (!strcmp(rule->speaker, "own") && !party && !(st->kind && !strcmp(st->kind, "decision"))) continue;
        if (!strcmp(rule->speaker, "third") && party) continue;
        size_t from = s, ms, me;
        int hit = 0;
        while (from < e && en_ev_match(x->r, rule->re, t, s, e, from, &ms, &me)) {
            if (ms >= s) {
                hit = 1;
                break;
            }
            from = me > from ? me : from + 1;
        }
        if (!hit) continue;
        if (!strcmp(rule->stance, "n/a")) {
            char name[96];
            snprintf(name, sizeof name, "stance:%s", rule->id);
            add_rule(st, name);
            return 1;
        }
        st->stance = rule->stance;
        st->cameo = rule->cameo;
        const char *target = NULL;
        if (!strcmp(rule->target, "object")) {
            size_t at, len;
            const char *obj = find_actor(x, me, e < me + 120 ? e : me + 120, NULL, &at, &len);
            if (obj && is_party(x, obj) && strcmp(obj, st->actor) != 0) target = obj;
        }
        if (!target && party && strcmp(rule->target, "pair") != 0)
            target = x->parties[0] && strcmp(x->parties[0], st->actor) != 0 ? x->parties[0] : x->parties[1];
        if (!target) target = x->pair;
        en_free(st->target);
        st->target = target ? en_xstrdup(target) : NULL;
        char name[96];
        snprintf(name, sizeof name, "stance:%s", rule->id);
        add_rule(st, name);
        return 1;
    }
    return 0;
}

static void read_issues(ctx *x, en_ev_statement *st)
{
    const char *t = x->a->text;
    size_t s = st->content.start, e = st->content.end;
    if (e <= s) return;
    for (size_t i = 0; i < x->r->issue_count && st->issue_count < EN_EV_MAX_ISSUES; i++) {
        const en_ev_issue_rule *rule = &x->r->issues[i];
        size_t ms, me;
        if (!en_ev_match(x->r, rule->re, t, s, e, s, &ms, &me) || ms < s) continue;
        en_ev_issue_position *p = &st->issues[st->issue_count++];
        p->issue = rule->id;
        p->rule = rule->id;
        p->position = st->content;
        p->scenario_issue = NULL;
        if (x->sc) {
            char *ids = en_xstrdup(rule->scenario_ids);
            for (char *tok = strtok(ids, ","); tok && !p->scenario_issue; tok = strtok(NULL, ","))
                for (size_t k = 0; k < x->sc->issue_count; k++)
                    if (!strcmp(x->sc->issues[k].id, tok)) p->scenario_issue = x->sc->issues[k].id;
            for (size_t k = 0; k < x->sc->issue_count && !p->scenario_issue; k++)
                if (!strcmp(x->sc->issues[k].id, rule->id)) p->scenario_issue = x->sc->issues[k].id;
            en_free(ids);
        }
    }
}

/* Outlet credited after a cue: "told CNN", "in an interview with Fox News", "in comments to
 * The Economist". Extends the cue over "told OUTLET". */
static void find_via(ctx *x, const sentence_ctx *c, en_ev_statement *st, size_t ce)
{
    const char *t = c->t;
    size_t limit = c->tok[ce].e + 90 < c->end ? c->tok[ce].e + 90 : c->end;
    size_t at, len;
    if (tok_is(c, ce, "told") || tok_is(c, ce, "telling")) {
        const char *o = find_outlet(x->r, t, c->tok[ce].e, limit, &at, &len);
        if (o && at <= c->tok[ce].e + 1) {
            st->via = en_xstrdup(o);
            st->cue.end = at + len;
            add_rule(st, "via_told_outlet");
            en_free(x->last_outlet);
            x->last_outlet = en_xstrdup(o);
            return;
        }
    }
    static const char *const lead[] = {"interview with ", "comments to ", "an interview to ", "told "};
    for (size_t k = 0; k < sizeof lead / sizeof lead[0]; k++) {
        size_t p = find_word(t, c->tok[ce].e, limit, c->tok[ce].e, lead[k], strlen(lead[k]) - 1);
        if (p == (size_t)-1) continue;
        const char *o = find_outlet(x->r, t, p, limit, &at, &len);
        if (o && at <= p + strlen(lead[k]) + 1) {
            st->via = en_xstrdup(o);
            add_rule(st, "via_interview");
            en_free(x->last_outlet);
            x->last_outlet = en_xstrdup(o);
            return;
        }
    }
}

typedef struct cue_hit {
    size_t s, e;
    const en_ev_cue_rule *rule;
} cue_hit;

static int cmp_hit(const void *pa, const void *pb)
{
    const cue_hit *a = pa, *b = pb;
    if (a->s != b->s) return a->s < b->s ? -1 : 1;
    return a->e > b->e ? -1 : a->e < b->e;
}

static size_t find_cues(ctx *x, const sentence_ctx *c, cue_hit *hits, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < x->r->cue_count; i++) {
        size_t from = c->start, ms, me;
        while (from < c->end && en_ev_match(x->r, x->r->cues[i].re, c->t, c->start, c->end, from, &ms, &me)) {
            if (me <= ms) break;
            if (!in_quotes(c, ms) && n < max) hits[n++] = (cue_hit){ms, me, &x->r->cues[i]};
            from = me;
        }
    }
    qsort(hits, n, sizeof *hits, cmp_hit);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept && hits[i].s < hits[kept - 1].e) continue; /* overlaps a longer or earlier cue */
        hits[kept++] = hits[i];
    }
    return kept;
}

/* Sentence-level credits: "According to OUTLET", "according to a report from OUTLET",
 * "The OUTLET report also quoted". Returns the outlet or NULL. */
static const char *sentence_via(ctx *x, const sentence_ctx *c)
{
    size_t at, len;
    for (size_t i = 0; i + 1 < c->count; i++) {
        if (tok_is(c, i, "according") && tok_is(c, i + 1, "to")) {
            size_t lim = i + 2 < c->count ? c->tok[i + 2].s + 40 : c->end;
            if (lim > c->end) lim = c->end;
            const char *o = find_outlet(x->r, c->t, c->tok[i + 1].e, lim, &at, &len);
            if (o) return o;
        }
        if ((tok_is(c, i, "interview") && tok_is(c, i + 1, "with")) ||
            (tok_is(c, i, "comments") && tok_is(c, i + 1, "to")) ||
            (tok_is(c, i, "speaking") && tok_is(c, i + 1, "to"))) {
            size_t lim = c->tok[i + 1].e + 40 < c->end ? c->tok[i + 1].e + 40 : c->end;
            const char *o = find_outlet(x->r, c->t, c->tok[i + 1].e, lim, &at, &len);
            if (o && at <= c->tok[i + 1].e + 5) return o;
        }
        if (tok_is(c, i, "quoted") || tok_is(c, i, "cited")) {
            const char *o = find_outlet(x->r, c->t, c->start, c->tok[i].s, &at, &len);
            if (o) return o;
        }
    }
    return NULL;
}

static void finish_kind(ctx *x, en_ev_statement *st, const char *cls)
{
    const char *t = x->a->text;
    st->quote_count = en_ev_find_quotes(t, st->content.start, st->content.end, st->quotes, EN_EV_MAX_QUOTES);
    int clause = 0;
    for (size_t q = 0; q < st->quote_count; q++) {
        int words = 1;
        for (size_t i = st->quotes[q].start; i < st->quotes[q].end; i++)
            if (t[i] == ' ') words++;
        if (words >= 4) clause = 1;
    }
    if (st->actor && !strcmp(st->actor, "MEDIA")) st->kind = "report", add_rule(st, "kind_media_report");
    else if (cls && !strcmp(cls, "decision")) st->kind = "decision", add_rule(st, "kind_decision_cue");
    else if (clause) st->kind = "direct_quote", add_rule(st, "kind_quoted_clause");
    else st->kind = "indirect";
}

/* One sentence: cues, subjects, statements, contents, nesting. */
static void do_sentence(ctx *x, size_t si)
{
    en_ev_article *a = x->a;
    en_ev_sentence *sen = &a->sentences[si];
    if (sen->location == EN_EV_BYLINE) return;
    sentence_ctx c = {.t = a->text, .start = sen->span.start, .end = sen->span.end};
    c.quote_count = en_ev_find_quotes(c.t, c.start, c.end, c.quotes, 32);
    tokenize(&c);
    const char *svia = sentence_via(x, &c);
    if (svia) {
        en_free(x->last_outlet);
        x->last_outlet = en_xstrdup(svia);
    }
    size_t first_statement = a->statement_count;
    cue_hit hits[64] = {{0}};
    size_t nh = find_cues(x, &c, hits, 64);
    for (size_t h = 0; h < nh; h++) {
        const en_ev_cue_rule *rule = hits[h].rule;
        if (!strcmp(rule->cls, "via")) continue;
        int ct = first_token_at(&c, hits[h].s);
        int ce = ct;
        while ((size_t)ce + 1 < c.count && c.tok[ce + 1].e <= hits[h].e) ce++;
        if ((size_t)ct >= c.count) continue;
        /* headline cues are capitalised ("Says"); in running text a capitalised cue is a name */
        if (c.tok[ct].cap && sen->location == EN_EV_BODY && ct > 0) continue;
        /* a cue word that is also a speaker noun, followed by an auxiliary, is the noun:
         * "Recent reports have revealed" */
        if (ct == ce && kind_is(kind_of(x->r, &c, (size_t)ct), "head") &&
            kind_is(kind_of(x->r, &c, (size_t)ct + 1), "aux")) {
            continue;
        }
        subject sj;
        if (!strcmp(rule->cls, "noun")) {
            memset(&sj, 0, sizeof sj);
            size_t p = (size_t)ct;
            if (p > 0) {
                size_t q = p - 1;
                size_t n = c.tok[q].e - c.tok[q].s;
                const char *w = c.t + c.tok[q].s;
                int poss = (n > 4 && !memcmp(w + n - 4, "’s", 4)) || (n > 2 && !memcmp(w + n - 2, "'s", 2));
                if (poss && c.tok[q].cap) sj.type = SUBJ_NP, sj.first = sj.last = q, sj.rule = "subject_possessive";
            }
        } else {
            sj = find_subject(x->r, &c, (size_t)ct, (size_t)ce, rule->cls);
        }
        if (sj.type == SUBJ_NONE || sj.negated) continue;
        en_ev_statement *st = new_statement(x, si);
        add_rule(st, rule->id);
        st->cue = (en_ev_span){hits[h].s, hits[h].e};
        st->has_cue = 1;
        st->cameo = rule->cameo;
        add_rule(st, sj.rule);
        long self = (long)(st - a->statements);
        if (sj.type == SUBJ_SHARED) {
            /* the previous statement of this sentence, else "X, which ... and has warned" */
            long prev = -1;
            for (long i = self - 1; i >= (long)first_statement; i--)
                if (!a->statements[i].dropped) {
                    prev = i;
                    break;
                }
            if (prev >= 0) {
                en_ev_statement *p = &a->statements[prev];
                st->speaker = en_xstrdup(p->speaker);
                st->actor = p->actor ? en_xstrdup(p->actor) : NULL;
                st->is_person = p->is_person, st->plural = p->plural;
                memcpy(st->head, p->head, sizeof st->head);
                st->conjoined = 1;
                st->anchor = (en_ev_span){c.tok[ct > 0 ? ct - 1 : 0].s, hits[h].e};
                if (p->via) st->via = en_xstrdup(p->via);
            } else {
                int found = 0;
                for (size_t i = (size_t)ct; i-- > 1 && !found;) {
                    if (!(tok_is(&c, i, "which") || tok_is(&c, i, "who")) || !tok_char(&c, i - 1, ",")) continue;
                    size_t first;
                    if (i >= 2 && np_left(x->r, &c, i - 2, &first)) {
                        subject s2 = {.type = SUBJ_NP, .first = first, .last = i - 2};
                        resolved v = resolve(x, &c, &s2, self);
                        st->speaker = v.speaker, st->actor = v.actor_owned;
                        st->is_person = v.is_person, st->plural = v.plural;
                        memcpy(st->head, v.head, sizeof st->head);
                        st->mention = (en_ev_span){c.tok[first].s, c.tok[i - 2].e};
                        st->has_mention = 1;
                        add_rule(st, "subject_relative_antecedent");
                        add_rule(st, v.rule);
                        found = 1;
                    }
                }
                for (size_t i = (size_t)ct; i-- > 0 && !found;) {
                    /* nearest actor at a clause start: "..., Russia has annexed ... and now says" */
                    if (!c.tok[i].cap || !(i == 0 || tok_char(&c, i - 1, ",") || tok_is(&c, i - 1, "but")))
                        continue;
                    if (i + 1 < c.count && c.tok[i + 1].cap) continue;
                    const char *kind;
                    size_t at, len;
                    const char *who = find_actor(x, c.tok[i].s, c.tok[i].e, &kind, &at, &len);
                    if (!who) continue;
                    st->speaker = en_xstrndup(c.t + c.tok[i].s, c.tok[i].e - c.tok[i].s);
                    st->actor = en_xstrdup(who);
                    st->mention = (en_ev_span){c.tok[i].s, c.tok[i].e};
                    st->has_mention = 1;
                    add_rule(st, "subject_clause_start_actor");
                    found = 1;
                }
                if (!found) {
                    st->dropped = 1;
                    continue;
                }
                st->anchor = (en_ev_span){hits[h].s, hits[h].e};
                st->conjoined = 1;
            }
        } else {
            resolved v = resolve(x, &c, &sj, self);
            st->speaker = v.speaker;
            st->actor = v.actor_owned;
            st->is_person = v.is_person, st->plural = v.plural;
            memcpy(st->head, v.head, sizeof st->head);
            add_rule(st, v.rule);
            size_t ms = c.tok[sj.first].s, me = c.tok[sj.last].e;
            if (sj.has_appos && !sj.relative_appos) me = c.tok[sj.appos_last].e;
            st->mention = (en_ev_span){ms, me};
            st->has_mention = 1;
            st->anchor = (en_ev_span){ms < hits[h].s ? ms : hits[h].s, me > hits[h].e ? me : hits[h].e};
            if (sj.has_appos && st->actor && !strcmp(st->actor, "MEDIA")) {
                /* "The NBC report, which cited unnamed US officials, said" */
                for (size_t k = sj.appos_first; k + 1 <= sj.appos_last; k++)
                    if (tok_is(&c, k, "cited") || tok_is(&c, k, "citing")) {
                        st->via = en_xstrndup(c.t + c.tok[k + 1].s, c.tok[sj.appos_last].e - c.tok[k + 1].s);
                        add_rule(st, "via_cited_by_outlet");
                    }
            }
        }
        /* act, contact and decision cues need a political actor */
        int speechlike = !strcmp(rule->cls, "speech") || !strcmp(rule->cls, "report");
        if (!speechlike && (!st->actor || !strcmp(st->actor, "ANON") ||
                            (sj.type == SUBJ_PRONOUN && !st->is_person))) {
            st->dropped = 1;
            continue;
        }
        if (!strcmp(rule->cls, "report") && !st->actor) {
            st->actor = en_xstrdup("MEDIA");
            add_rule(st, "resolve_reporting_verb");
        }
        /* trailing attribution: "..., the sources said." */
        int trailing = 0;
        if (sj.type != SUBJ_SHARED && sj.after_clause && sj.type != SUBJ_INVERTED && sj.first > 0 && speechlike) {
            /* what follows the cue is adverbial ("last month", "in an interview with Fox News"),
             * not a reported clause: no auxiliary, no "that" */
            size_t k = (size_t)ce + 1, words = 0;
            int clause = 0;
            while (k < c.count && !is_clause_punct(&c, k) && !c.tok[k].quote && words <= 8) {
                if (tok_is(&c, k, "that") || (kind_is(kind_of(x->r, &c, k), "aux") && !tok_is(&c, k, "to") &&
                                             !tok_is(&c, k, "later") && !tok_is(&c, k, "first") && !tok_is(&c, k, "again")))
                    clause = 1;
                words++, k++;
            }
            if ((k >= c.count || (is_clause_punct(&c, k) && !tok_char(&c, k, ":"))) && words <= 8 && !clause)
                trailing = 1;
        }
        if (sj.type == SUBJ_INVERTED) trailing = 1;
        if (sj.type == SUBJ_NP && sj.first == 0 && !is_close_quote(&c, 0)) trailing = 0;
        st->trailing = trailing;
        st->subordinate = sj.after_sub;
        if (trailing) {
            size_t region = c.start;
            for (long i = self - 1; i >= (long)first_statement; i--)
                if (!a->statements[i].dropped && a->statements[i].trailing) {
                    region = a->statements[i].anchor.end;
                    break;
                }
            size_t cs = trim_span_start(c.t, region, st->anchor.start);
            size_t cend = trim_span_end(c.t, cs, st->anchor.start);
            if (sj.type == SUBJ_INVERTED) cend = trim_span_end(c.t, cs, hits[h].s);
            st->content = (en_ev_span){cs, cend};
            add_rule(st, "content_before_attribution");
        } else {
            size_t cs = hits[h].e;
            if (st->cue.end > cs) cs = st->cue.end;
            int k = first_token_at(&c, cs);
            if (tok_is(&c, (size_t)k, "that")) cs = c.tok[k].e;
            size_t cend = c.end;
            if (sj.after_sub && sj.sub_as && tok_char(&c, (size_t)ce + 1, ",")) {
                cs = c.tok[ce + 1].e; /* "As CNN previously reported, ..." */
                add_rule(st, "content_as_reported");
            } else if (sj.after_sub) {
                for (size_t i = (size_t)ce + 1; i < c.count; i++)
                    if (tok_char(&c, i, ",") && !c.tok[i].quote) {
                        cend = c.tok[i].s;
                        break;
                    }
                add_rule(st, "content_subordinate_clause");
            }
            cs = trim_span_start(c.t, cs, cend);
            st->content = (en_ev_span){cs, trim_span_end(c.t, cs, cend)};
        }
        if (!st->via) find_via(x, &c, st, (size_t)ce);
        if (!st->via && svia && strcmp(st->actor ? st->actor : "", "MEDIA") != 0) {
            st->via = en_xstrdup(svia);
            add_rule(st, "via_sentence_credit");
        }
        if (sj.after_that) st->conjoined = -1; /* marks "that"-complement subjects */
        st->cls = rule->cls;
    }
    /* "according to X" where X is no outlet: a statement by X */
    for (size_t i = 0; i + 2 < c.count; i++) {
        if (!tok_is(&c, i, "according") || !tok_is(&c, i + 1, "to") || c.tok[i].quote) continue;
        size_t last;
        if (!np_right(x->r, &c, i + 2, &last)) continue;
        size_t at, len;
        if (find_outlet(x->r, c.t, c.tok[i + 2].s, c.tok[last].e, &at, &len)) continue;
        char head[32];
        head_word(&c, last, head, sizeof head);
        if (!strcmp(head, "report") || !strcmp(head, "reports")) continue; /* "according to a report" */
        subject s2 = {.type = SUBJ_NP, .first = i + 2, .last = last};
        en_ev_statement *st = new_statement(x, si);
        resolved v = resolve(x, &c, &s2, (long)(st - a->statements));
        st->speaker = v.speaker, st->actor = v.actor_owned;
        st->is_person = v.is_person, st->plural = v.plural;
        memcpy(st->head, v.head, sizeof st->head);
        if (!st->actor || special_actor(st->actor)) {
            st->dropped = 1;
            continue;
        }
        add_rule(st, "according_to_actor");
        add_rule(st, v.rule);
        st->cue = (en_ev_span){c.tok[i].s, c.tok[i + 1].e};
        st->has_cue = 1;
        st->cameo = "010";
        st->mention = (en_ev_span){c.tok[i + 2].s, c.tok[last].e};
        st->has_mention = 1;
        st->anchor = (en_ev_span){c.tok[i].s, c.tok[last].e};
        st->content = (en_ev_span){c.start, c.end};
        st->trailing = 1; /* what it says surrounds it; it contains nothing */
        st->cls = "speech";
    }
    /* nesting, in order of position */
    size_t end_statement = a->statement_count;
    for (size_t i = first_statement; i < end_statement; i++) {
        en_ev_statement *t = &a->statements[i];
        if (t->dropped) continue;
        for (size_t j = first_statement; j < end_statement; j++) {
            en_ev_statement *s = &a->statements[j];
            if (j == i || s->dropped || s->trailing || t->dropped) continue;
            if (!(t->cue.start >= s->content.start && t->cue.start < s->content.end)) continue;
            if (t->conjoined == 1) {
                s->content.end = trim_span_end(c.t, s->content.start, t->anchor.start);
                continue;
            }
            int outer_reporter = s->actor && (!strcmp(s->actor, "MEDIA") || !strcmp(s->actor, "ANON"));
            if (outer_reporter) {
                t->nested_in = (long)j;
                add_rule(t, "nested_in_report");
            } else if (t->conjoined == -1 || (t->actor && s->actor && !strcmp(t->actor, s->actor))) {
                t->dropped = 1;
                add_rule(t, "dropped_inside_statement");
            } else {
                s->content.end = trim_span_end(c.t, s->content.start, t->anchor.start);
            }
        }
    }
    for (size_t i = first_statement; i < end_statement; i++) {
        en_ev_statement *o = &a->statements[i];
        if (o->dropped || !o->trailing || !o->actor || o->has_mention == 0) continue;
        if (strcmp(o->actor, "MEDIA") != 0 && strcmp(o->actor, "ANON") != 0) continue;
        for (size_t j = first_statement; j < end_statement; j++) {
            en_ev_statement *s = &a->statements[j];
            if (j == i || s->dropped || s->nested_in >= 0) continue;
            if (s->cue.start >= o->content.start && s->cue.start < o->content.end) {
                s->nested_in = (long)i;
                add_rule(s, "nested_in_trailing_report");
            }
        }
    }
    /* kind, stance, issues, outlets of nested statements */
    for (size_t i = first_statement; i < end_statement; i++) {
        en_ev_statement *st = &a->statements[i];
        if (st->dropped) continue;
        finish_kind(x, st, st->cls);
        if (st->nested_in >= 0 && !st->via) st->via = en_xstrdup(a->statements[st->nested_in].speaker);
        size_t s = st->content.start, e = st->content.end;
        if (st->has_cue && st->cue.start < s && !st->trailing) s = st->cue.start;
        if (!st->trailing && !st->conjoined && st->nested_in < 0) {
            /* words before the subject belong to the statement when no other claims them */
            size_t region = c.start;
            for (size_t j = first_statement; j < end_statement; j++)
                if (j != i && !a->statements[j].dropped && a->statements[j].anchor.end <= st->anchor.start &&
                    a->statements[j].anchor.end > region)
                    region = a->statements[j].content.end > a->statements[j].anchor.end ? a->statements[j].content.end : a->statements[j].anchor.end;
            if (region < s) s = region;
        }
        if (!read_stance(x, st, s, e) && st->has_cue) {
            /* contact with a party ("spoke with Russian officials"): open to it */
            const char *cue = a->text + st->cue.start;
            int contact = !strncmp(cue, "spoke", 5) || !strncmp(cue, "spoken", 6) || !strncmp(cue, "met ", 4) ||
                          !strncmp(cue, "talked", 6);
            if (contact && !special_actor(st->actor)) {
                size_t at, len;
                size_t lim = st->cue.end + 60 < c.end ? st->cue.end + 60 : c.end;
                const char *obj = find_actor(x, st->cue.end, lim, NULL, &at, &len);
                if (obj && is_party(x, obj) && strcmp(obj, st->actor) != 0) {
                    st->stance = "open";
                    st->target = en_xstrdup(obj);
                    st->cameo = "040";
                    add_rule(st, "stance:contact_with_party");
                }
            }
        }
        read_issues(x, st);
        if (st->is_person && st->actor) remember_person(x, st->speaker, st->actor);
    }
    /* a sentence that is one quotation and nothing else continues the previous quotation */
    int any = 0;
    for (size_t i = first_statement; i < end_statement; i++) any |= !a->statements[i].dropped;
    /* the previous sentence may close the paragraph before: a quotation going on in a new
     * paragraph is the same speaker's */
    if (!any && c.quote_count >= 1 && si > 0 && a->sentences[si - 1].location == EN_EV_BODY) {
        size_t q0 = c.quotes[0].start, qe = c.quotes[c.quote_count - 1].end;
        int whole = q0 <= c.start + 3 && qe + 4 >= c.end;
        long prev = -1;
        for (long i = (long)first_statement - 1; i >= 0; i--) {
            if (a->statements[i].dropped) continue;
            if (a->statements[i].sentence == si - 1) prev = i;
            break;
        }
        if (whole && prev >= 0 && a->statements[prev].quote_count > 0) {
            en_ev_statement *p = &a->statements[prev];
            en_ev_statement *st = new_statement(x, si);
            p = &a->statements[prev];
            st->speaker = en_xstrdup(p->speaker);
            st->actor = p->actor ? en_xstrdup(p->actor) : NULL;
            st->via = p->via ? en_xstrdup(p->via) : NULL;
            st->is_person = p->is_person, st->plural = p->plural;
            memcpy(st->head, p->head, sizeof st->head);
            st->continues = prev;
            st->content = (en_ev_span){c.quotes[0].start, qe};
            st->anchor = (en_ev_span){c.start, c.start};
            add_rule(st, "continuation_quote_sentence");
            finish_kind(x, st, "speech");
            st->kind = "direct_quote";
            read_stance(x, st, st->content.start, st->content.end);
            read_issues(x, st);
        }
    }
    en_free(c.tok);
}

/* A state (ISO code) named by token i, through the scenario or the gazetteer, or NULL. */
static const char *state_at(const ctx *x, const sentence_ctx *c, size_t i)
{
    if (i >= c->count || !c->tok[i].cap) return NULL;
    const char *kind;
    size_t at, len;
    const char *who = find_actor(x, c->tok[i].s, c->tok[i].e, &kind, &at, &len);
    if (!who || !kind || (strcmp(kind, "place") != 0 && strcmp(kind, "scenario") != 0)) return NULL;
    return who;
}

/* Parties to the talks: the scenario's, else the two states the article names most often as
 * the counterpart of a talks word ("talks with Russia": 2) or right before one ("push Ukraine
 * to negotiate": 1), in order of first mention. */
static void choose_parties(ctx *x)
{
    if (x->sc) {
        for (size_t i = 0; i < x->sc->actor_count; i++)
            if (x->sc->actors[i].role == EN_ROLE_PARTY) {
                if (!x->parties[0]) x->parties[0] = x->sc->actors[i].id;
                else if (!x->parties[1]) x->parties[1] = x->sc->actors[i].id;
            }
    }
    if (!x->parties[0] || !x->parties[1]) {
        x->parties[0] = x->parties[1] = NULL;
        const char *ids[64] = {0}; /* zeroed only to spare readers (and cppcheck) the proof */
        size_t score[64] = {0}, first[64] = {0}, n = 0;
        for (size_t si = 0; si < x->a->sentence_count; si++) {
            sentence_ctx c = {.t = x->a->text, .start = x->a->sentences[si].span.start,
                              .end = x->a->sentences[si].span.end};
            tokenize(&c);
            for (size_t i = 0; i < c.count; i++) {
                if (!kind_is(kind_of(x->r, &c, i), "talks")) continue;
                const char *hit[4] = {0};
                size_t weight[4] = {0}, at[4] = {0}, nh = 0;
                for (size_t k = i + 1; k < c.count && k <= i + 4; k++) {
                    if (!tok_is(&c, k, "with") && !tok_is(&c, k, "between")) continue;
                    for (size_t m = k + 1; m < c.count && m <= k + 5 && nh < 3; m++) {
                        const char *st = state_at(x, &c, m);
                        if (st) hit[nh] = st, weight[nh] = 2, at[nh++] = c.tok[m].s;
                        if (is_clause_punct(&c, m)) break;
                    }
                    break;
                }
                for (size_t k = i; k-- > 0 && k + 4 >= i;) {
                    const char *st = state_at(x, &c, k);
                    if (st) {
                        hit[nh] = st, weight[nh] = 1, at[nh++] = c.tok[k].s;
                        break;
                    }
                }
                for (size_t h = 0; h < nh; h++) {
                    size_t k = 0;
                    while (k < n && strcmp(ids[k], hit[h]) != 0) k++;
                    if (k == n && n < 64) ids[n] = hit[h], score[n] = 0, first[n] = at[h], n++;
                    if (k < n) {
                        score[k] += weight[h];
                        if (at[h] < first[k]) first[k] = at[h];
                    }
                }
            }
            en_free(c.tok);
        }
        size_t best[2] = {(size_t)-1, (size_t)-1};
        for (size_t k = 0; k < n; k++) {
            if (best[0] == (size_t)-1 || score[k] > score[best[0]]) best[1] = best[0], best[0] = k;
            else if (best[1] == (size_t)-1 || score[k] > score[best[1]]) best[1] = k;
        }
        if (best[1] != (size_t)-1) {
            size_t p = best[0], q = best[1];
            if (first[q] < first[p]) p = best[1], q = best[0];
            x->parties[0] = ids[p], x->parties[1] = ids[q];
        } else if (best[0] != (size_t)-1) {
            x->parties[0] = ids[best[0]]; /* one side named: the other stays unknown */
        }
    }
    if (x->parties[0] && x->parties[1]) x->pair = en_xprintf("%s-%s", x->parties[0], x->parties[1]);
}

static void free_statements(en_ev_statement *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        en_free(list[i].speaker), en_free(list[i].actor), en_free(list[i].via), en_free(list[i].target);
    en_free(list);
}

static en_status extract(en_ev_article *a, const en_ev_rules *rules, const en_scenario *scenario, en_error *err)
{
    (void)err;
    ctx x = {.r = rules, .sc = scenario, .a = a};
    choose_parties(&x);
    for (size_t i = 0; i < a->sentence_count; i++) do_sentence(&x, i);
    /* drop the statements ruled out, renumber, give ids */
    size_t *index = en_xmalloc((a->statement_count + 1) * sizeof *index);
    size_t kept = 0;
    for (size_t i = 0; i < a->statement_count; i++) {
        index[i] = a->statements[i].dropped ? (size_t)-1 : kept;
        if (!a->statements[i].dropped) kept++;
    }
    char prefix[16];
    size_t plen = strcspn(a->name, "_.");
    if (plen >= sizeof prefix) plen = sizeof prefix - 1;
    memcpy(prefix, a->name, plen);
    prefix[plen] = 0;
    size_t w = 0;
    for (size_t i = 0; i < a->statement_count; i++) {
        en_ev_statement *s = &a->statements[i];
        if (s->dropped) {
            en_free(s->speaker), en_free(s->actor), en_free(s->via), en_free(s->target);
            continue;
        }
        if (s->nested_in >= 0) s->nested_in = index[s->nested_in] == (size_t)-1 ? -1 : (long)index[s->nested_in];
        if (s->continues >= 0) s->continues = index[s->continues] == (size_t)-1 ? -1 : (long)index[s->continues];
        if (!s->speaker) s->speaker = en_xstrdup("");
        snprintf(s->id, sizeof s->id, "%s-%02zu", prefix, w + 1);
        a->statements[w++] = *s;
    }
    a->statement_count = w;
    en_free(index);
    for (size_t i = 0; i < x.people_count; i++)
        en_free(x.people[i].name), en_free(x.people[i].surname), en_free(x.people[i].actor);
    en_free(x.people);
    en_free(x.last_outlet);
    en_free(x.pair);
    return EN_OK;
}

static int on_boundary(const en_ev_article *a, size_t pos)
{
    return pos <= a->size && (pos == a->size || ((unsigned char)a->text[pos] & 0xC0) != 0x80);
}

static int span_ok(const en_ev_article *a, en_ev_span s)
{
    return s.start <= s.end && s.end <= a->size && on_boundary(a, s.start) && on_boundary(a, s.end);
}

/* Under the out-of-memory guard (core/oom.h). The work starts from no statements; what the
 * article held before is restored on EN_ERROR_NOMEM (the new statements are released by the
 * unwind) and released when the call succeeds. */
en_status en_ev_extract(en_ev_article *a, const en_ev_rules *rules, const en_scenario *scenario, en_error *err)
{
    en_ev_statement *volatile old = a->statements;
    volatile size_t old_count = a->statement_count;
    a->statements = NULL, a->statement_count = 0;
    en_status st;
    EN_GUARDED(st, err, (a->statements = old, a->statement_count = old_count),
               extract(a, rules, scenario, err));
    if (st != EN_ERROR_NOMEM) free_statements(old, old_count);
    return st;
}

int en_ev_check_spans(const en_ev_article *a)
{
    for (size_t i = 0; i < a->sentence_count; i++)
        if (!span_ok(a, a->sentences[i].span)) return 1;
    for (size_t i = 0; i < a->statement_count; i++) {
        const en_ev_statement *s = &a->statements[i];
        if (!span_ok(a, s->content)) return 1;
        if (s->has_cue && !span_ok(a, s->cue)) return 1;
        if (s->has_mention && !span_ok(a, s->mention)) return 1;
        for (size_t q = 0; q < s->quote_count; q++)
            if (!span_ok(a, s->quotes[q])) return 1;
        for (size_t q = 0; q < s->issue_count; q++)
            if (!span_ok(a, s->issues[q].position)) return 1;
    }
    return 0;
}
