/*
 * rules.c — reads the compiled-in rule files of data/evidence (tab-separated, '#' comments)
 * and compiles their patterns with PCRE2 (UTF, Unicode properties, caseless).
 */
#include "evidence/rules.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/oom.h"
#include "evidence/data.h"

/* Splits the lines of a rule file into fields; calls `row` for each data line. */
typedef int (*row_fn)(en_ev_rules *rules, char **fields, size_t count, const char *file, int line,
                      en_error *err);

static int read_table(en_ev_rules *rules, const char *text, const char *file, size_t min_fields,
                      row_fn row, en_error *err)
{
    int line = 0;
    const char *p = text;
    while (*p) {
        line++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > 0 && p[0] != '#') {
            char *copy = en_xstrndup(p, len);
            char *fields[8];
            size_t count = 0;
            char *s = copy;
            while (count < 8) {
                fields[count++] = s;
                char *tab = strchr(s, '\t');
                if (!tab) break;
                *tab = 0;
                s = tab + 1;
            }
            int ok = count >= min_fields;
            if (!ok)
                en_error_add(err, EN_ERROR_INTERNAL, file, line, 1,
                             "rule line has %zu fields (expected at least %zu)", count, min_fields);
            else ok = row(rules, fields, count, file, line, err);
            en_free(copy);
            if (!ok) return 0;
        }
        p += len + (eol ? 1 : 0);
    }
    return 1;
}

static void release_code(void *re) { pcre2_code_free(re); }
static void release_match(void *m) { pcre2_match_data_free(m); }

static pcre2_code *compile(const char *pattern, int bounded, const char *file, int line,
                           en_error *err)
{
    char *full = bounded ? en_xprintf("(?<![\\w’'])(?:%s)(?![\\w])", pattern) : en_xstrdup(pattern);
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)full, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &code, &offset, NULL);
    if (!re) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(code, message, sizeof message);
        en_error_add(err, EN_ERROR_INTERNAL, file, line, 1, "bad pattern: %s", (char *)message);
    } else {
        /* released by an unwind should memory run out before the rules are complete */
        en_oom_track(re, release_code);
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional speed-up; falls back silently */
    }
    en_free(full);
    return re;
}

static int cue_row(en_ev_rules *r, char **f, size_t n, const char *file, int line, en_error *err)
{
    (void)n;
    r->cues = en_xrealloc(r->cues, (r->cue_count + 1) * sizeof *r->cues);
    en_ev_cue_rule *c = &r->cues[r->cue_count];
    memset(c, 0, sizeof *c);
    c->re = compile(f[3], 1, file, line, err);
    if (!c->re) return 0;
    c->id = en_xstrdup(f[0]);
    c->cls = en_xstrdup(f[1]);
    c->cameo = en_xstrdup(f[2]);
    r->cue_count++;
    return 1;
}

static int stance_row(en_ev_rules *r, char **f, size_t n, const char *file, int line, en_error *err)
{
    (void)n;
    r->stances = en_xrealloc(r->stances, (r->stance_count + 1) * sizeof *r->stances);
    en_ev_stance_rule *s = &r->stances[r->stance_count];
    memset(s, 0, sizeof *s);
    s->re = compile(f[5], 0, file, line, err);
    if (!s->re) return 0;
    s->id = en_xstrdup(f[0]);
    s->stance = en_xstrdup(f[1]);
    s->cameo = en_xstrdup(f[2]);
    s->speaker = en_xstrdup(f[3]);
    s->target = en_xstrdup(f[4]);
    r->stance_count++;
    return 1;
}

static int issue_row(en_ev_rules *r, char **f, size_t n, const char *file, int line, en_error *err)
{
    (void)n;
    r->issues = en_xrealloc(r->issues, (r->issue_count + 1) * sizeof *r->issues);
    en_ev_issue_rule *s = &r->issues[r->issue_count];
    memset(s, 0, sizeof *s);
    s->re = compile(f[2], 0, file, line, err);
    if (!s->re) return 0;
    s->id = en_xstrdup(f[0]);
    s->scenario_ids = en_xstrdup(f[1]);
    r->issue_count++;
    return 1;
}

static void add_entry(en_ev_entry **list, size_t *count, const char *kind, const char *surface,
                      const char *value)
{
    *list = en_xrealloc(*list, (*count + 1) * sizeof **list);
    en_ev_entry *e = &(*list)[(*count)++];
    e->kind = en_xstrdup(kind ? kind : "");
    e->surface = en_xstrdup(surface);
    e->surface_len = strlen(surface);
    e->value = en_xstrdup(value ? value : "");
}

static int title_row(en_ev_rules *r, char **f, size_t n, const char *file, int line, en_error *err)
{
    (void)n, (void)file, (void)line, (void)err;
    add_entry(&r->titles, &r->title_count, f[0], f[1], NULL);
    return 1;
}

static int outlet_row(en_ev_rules *r, char **f, size_t n, const char *file, int line, en_error *err)
{
    (void)n, (void)file, (void)line, (void)err;
    add_entry(&r->outlets, &r->outlet_count, "outlet", f[0], f[1]);
    return 1;
}

static int word_row(en_ev_rules *r, char **f, size_t n, const char *file, int line, en_error *err)
{
    (void)file, (void)line, (void)err;
    add_entry(&r->words, &r->word_count, f[0], f[1], n > 2 ? f[2] : NULL);
    return 1;
}

static int gazetteer_row(en_ev_rules *r, char **f, size_t n, const char *file, int line,
                         en_error *err)
{
    (void)n, (void)file, (void)line, (void)err;
    add_entry(&r->gazetteer, &r->gazetteer_count, f[0], f[1], f[2]);
    return 1;
}

static en_status rules_load(en_ev_rules **out, en_error *err)
{
    en_ev_rules *r = en_xcalloc(1, sizeof *r);
    int ok = read_table(r, en_evidence_cues, "data/evidence/cues.tsv", 4, cue_row, err) &&
             read_table(r, en_evidence_stances, "data/evidence/stances.tsv", 6, stance_row, err) &&
             read_table(r, en_evidence_issues, "data/evidence/issues.tsv", 3, issue_row, err) &&
             read_table(r, en_evidence_titles, "data/evidence/titles.tsv", 2, title_row, err) &&
             read_table(r, en_evidence_outlets, "data/evidence/outlets.tsv", 2, outlet_row, err) &&
             read_table(r, en_evidence_npwords, "data/evidence/npwords.tsv", 2, word_row, err) &&
             read_table(r, en_evidence_gazetteer, "data/evidence/gazetteer.tsv", 3, gazetteer_row,
                        err);
    r->match = pcre2_match_data_create(8, NULL);
    en_oom_track(r->match, release_match);
    if (ok && !r->match) ok = 0, en_error_set(err, EN_ERROR_NOMEM, "out of memory");
    if (!ok) {
        en_ev_rules_free(r);
        return err && err->code ? err->code : EN_ERROR_INTERNAL;
    }
    *out = r;
    return EN_OK;
}

/* Under the out-of-memory guard (core/oom.h): the PCRE2 objects compiled so far are recorded
 * with it, so an unwind frees them with the rest. */
en_ev_rules *en_ev_rules_load(en_error *err)
{
    en_ev_rules *volatile r = NULL;
    en_status st;
    EN_GUARDED(st, err, r = NULL, rules_load((en_ev_rules **)&r, err));
    return st == EN_OK ? r : NULL;
}

static void free_entries(en_ev_entry *list, size_t count)
{
    for (size_t i = 0; i < count; i++) en_free(list[i].kind), en_free(list[i].surface), en_free(list[i].value);
    en_free(list);
}

void en_ev_rules_free(en_ev_rules *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->cue_count; i++)
        en_free(r->cues[i].id), en_free(r->cues[i].cls), en_free(r->cues[i].cameo), pcre2_code_free(r->cues[i].re);
    for (size_t i = 0; i < r->stance_count; i++) {
        en_ev_stance_rule *s = &r->stances[i];
        en_free(s->id), en_free(s->stance), en_free(s->cameo), en_free(s->speaker), en_free(s->target);
        pcre2_code_free(s->re);
    }
    for (size_t i = 0; i < r->issue_count; i++)
        en_free(r->issues[i].id), en_free(r->issues[i].scenario_ids), pcre2_code_free(r->issues[i].re);
    en_free(r->cues), en_free(r->stances), en_free(r->issues);
    free_entries(r->titles, r->title_count);
    free_entries(r->outlets, r->outlet_count);
    free_entries(r->words, r->word_count);
    free_entries(r->gazetteer, r->gazetteer_count);
    pcre2_match_data_free(r->match);
    en_free(r);
}

const char *en_ev_word_kind(const en_ev_rules *r, const char *word, size_t len, const char **extra)
{
    for (size_t i = 0; i < r->word_count; i++) {
        const en_ev_entry *e = &r->words[i];
        if (e->surface_len != len) continue;
        int same = 1;
        for (size_t k = 0; k < len && same; k++) {
            char c = word[k];
            if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
            same = c == e->surface[k];
        }
        if (same) {
            if (extra) *extra = e->value;
            return e->kind;
        }
    }
    return NULL;
}

static int title_is(const en_ev_rules *r, const char *kind, const char *word, size_t len)
{
    for (size_t i = 0; i < r->title_count; i++)
        if (r->titles[i].surface_len == len && memcmp(r->titles[i].surface, word, len) == 0 &&
            strcmp(r->titles[i].kind, kind) == 0)
            return 1;
    return 0;
}

int en_ev_is_abbrev(const en_ev_rules *r, const char *word, size_t len)
{
    return title_is(r, "abbrev", word, len);
}

int en_ev_is_role(const en_ev_rules *r, const char *word, size_t len)
{
    return title_is(r, "role", word, len);
}

int en_ev_match(const en_ev_rules *r, const pcre2_code *re, const char *text, size_t start, size_t end,
             size_t from, size_t *ms, size_t *me)
{
    (void)start;
    int rc = pcre2_match(re, (PCRE2_SPTR)text, end, from, 0, r->match, NULL);
    if (rc < 0) return 0;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->match);
    *ms = ov[0];
    *me = ov[1];
    return 1;
}
