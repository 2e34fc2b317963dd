/*
 * deu.c — reads DEU outcome tables (TAB-separated, one row per controversial issue, 0–100
 * scales; the layout of the public DEU III export, Arregui & Perarnaud 2021,
 * doi:10.34810/data53) into one scenario per proposal. The anomalies the export is known to
 * carry are handled here, each one on purpose: the GDP line after the header, blank = missing,
 * three date forms (one of them a dd-mm-yy date misread as yy-mm-dd), and a proposal id that
 * differs from its issue ids. docs/deu.md has the rules.
 */
#include "io/deu.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"

/* ---- fields ---- */

typedef struct field {
    const char *text; /* without quotes, not terminated */
    size_t length;
    int quoted;
    int column; /* 1-based byte column of the field's first character */
} field;

typedef struct reader {
    const char *name;
    en_error *err;
    size_t errors;
    int line;
} reader;

static void fail(reader *r, int column, const char *format, ...) __attribute__((format(printf, 3, 4)));
static void fail(reader *r, int column, const char *format, ...)
{
    if (r->errors++ >= EN_ERROR_LIMIT) return;
    char message[400];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    en_error_add(r->err, EN_ERROR_INPUT, r->name, r->line, column, "%s", message);
}

/* Splits one line (without its newline) at TABs; strips one pair of double quotes. */
static size_t split(reader *r, const char *line, size_t length, field **fields, size_t *capacity)
{
    size_t n = 0, start = 0;
    for (size_t k = 0; k <= length; k++) {
        if (k < length && line[k] != '\t') continue;
        EN_GROW(*fields, *capacity, n + 1);
        field *f = &(*fields)[n++];
        f->text = line + start;
        f->length = k - start;
        f->column = (int)start + 1;
        f->quoted = 0;
        if (f->length >= 2 && f->text[0] == '"' && f->text[f->length - 1] == '"') {
            f->text++;
            f->length -= 2;
            f->quoted = 1;
        }
        if (memchr(f->text, '"', f->length))
            fail(r, f->column, "stray double quote in a field (expected \"TEXT\" or TEXT)");
        start = k + 1;
    }
    return n;
}

static int field_is(const field *f, const char *text)
{
    return f->length == strlen(text) && memcmp(f->text, text, f->length) == 0;
}

static char *field_dup(const field *f) { return en_xstrndup(f->text, f->length); }

/* A score on the 0–100 scale, or blank. Returns 1 with *value set, 0 if blank, -1 on error. */
static int read_score(reader *r, const field *f, const char *what, double *value)
{
    if (f->length == 0) return 0;
    char text[32];
    int ok = f->length < sizeof text;
    if (ok) {
        memcpy(text, f->text, f->length);
        text[f->length] = '\0';
        ok = en_parse_double(text, value) && *value >= 0 && *value <= 100;
    }
    if (!ok) {
        fail(r, f->column, "%s '%.*s' is invalid (expected a number from 0 to 100, or blank for missing)",
             what, (int)(f->length < 40 ? f->length : 40), f->text);
        return -1;
    }
    return 1;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int valid_ymd(int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1) return 0;
    return d <= days[m - 1] + (m == 2 && leap(y));
}

/* A date in one of the export's three forms (dd-mm-yy, dd-mm-yyyy, and yyyy-mm-dd = a dd-mm-yy
 * date misread as yy-mm-dd: day = last two digits of the first number, year = 2000 + the last)
 * or 999 (none recorded). Returns 1 with the ISO date in iso[11], 0 for 999 or blank, -1 on
 * error. */
static int read_date(reader *r, const field *f, const char *what, char iso[11])
{
    if (f->length == 0 || field_is(f, "999")) return 0;
    int a, b, c, len_a = 0, len_c = 0;
    char text[16];
    int ok = f->length < sizeof text;
    if (ok) {
        memcpy(text, f->text, f->length);
        text[f->length] = '\0';
        for (size_t k = 0; k < f->length; k++)
            ok &= isdigit((unsigned char)text[k]) || text[k] == '-';
        const char *first = strchr(text, '-'), *last = strrchr(text, '-');
        ok &= first && last && first != last && sscanf(text, "%d-%d-%d", &a, &b, &c) == 3;
        if (ok) len_a = (int)(first - text), len_c = (int)strlen(last + 1);
    }
    int y = 0, m = 0, d = 0;
    if (ok && len_a == 4 && len_c == 2) { /* yyyy-mm-dd: the misread dd-mm-yy */
        d = a % 100, m = b, y = 2000 + c;
    } else if (ok && len_a == 2 && len_c == 2) {
        d = a, m = b, y = c >= 50 ? 1900 + c : 2000 + c;
    } else if (ok && len_a == 2 && len_c == 4) {
        d = a, m = b, y = c;
    } else {
        ok = 0;
    }
    if (!ok || !valid_ymd(y, m, d)) {
        fail(r, f->column, "%s '%.*s' is not a date (expected dd-mm-yy, dd-mm-yyyy, the misread "
             "yyyy-mm-dd form, or 999 for none)", what, (int)(f->length < 40 ? f->length : 40),
             f->text);
        return -1;
    }
    char text_iso[40];
    snprintf(text_iso, sizeof text_iso, "%04d-%02d-%02d", y, m, d);
    memcpy(iso, text_iso, 10); /* valid_ymd bounds every part: exactly 10 characters */
    iso[10] = '\0';
    return 1;
}

/* ---- actors and Council votes ---- */

typedef struct deu_state {
    const char *code, *name;
    double eu15, nice, population; /* votes: EU-15 (to 30 Apr 2004), Nice; population 2015 (M) */
    const char *joined;
} deu_state;

/* Facts: Treaty of Amsterdam weights (EU-15), Treaty of Nice weights (Art. 205 TEC as amended
 * by the accession acts), Eurostat population on 1 January 2015 in millions (rounded). */
static const deu_state states[] = {
    {"at", "Austria", 4, 10, 8.58, "1995-01-01"},   {"be", "Belgium", 5, 12, 11.26, "1958-01-01"},
    {"bu", "Bulgaria", 0, 10, 7.20, "2007-01-01"},  {"cr", "Croatia", 0, 7, 4.23, "2013-07-01"},
    {"cy", "Cyprus", 0, 4, 0.85, "2004-05-01"},     {"cz", "Czech Republic", 0, 12, 10.54, "2004-05-01"},
    {"dk", "Denmark", 3, 7, 5.66, "1973-01-01"},    {"ee", "Estonia", 0, 4, 1.31, "2004-05-01"},
    {"fi", "Finland", 3, 7, 5.47, "1995-01-01"},    {"fr", "France", 10, 29, 66.42, "1958-01-01"},
    {"de", "Germany", 10, 29, 81.20, "1958-01-01"}, {"el", "Greece", 5, 12, 10.86, "1981-01-01"},
    {"hu", "Hungary", 0, 12, 9.85, "2004-05-01"},   {"ie", "Ireland", 3, 7, 4.63, "1973-01-01"},
    {"it", "Italy", 10, 29, 60.80, "1958-01-01"},   {"lv", "Latvia", 0, 4, 1.99, "2004-05-01"},
    {"lt", "Lithuania", 0, 7, 2.92, "2004-05-01"},  {"lu", "Luxembourg", 2, 4, 0.56, "1958-01-01"},
    {"mt", "Malta", 0, 3, 0.43, "2004-05-01"},      {"nl", "Netherlands", 5, 13, 16.90, "1958-01-01"},
    {"pl", "Poland", 0, 27, 38.01, "2004-05-01"},   {"pt", "Portugal", 5, 12, 10.37, "1986-01-01"},
    {"ro", "Romania", 0, 14, 19.87, "2007-01-01"},  {"si", "Slovenia", 0, 4, 2.06, "2004-05-01"},
    {"sk", "Slovakia", 0, 7, 5.42, "2004-05-01"},   {"es", "Spain", 8, 27, 46.45, "1986-01-01"},
    {"se", "Sweden", 4, 10, 9.75, "1995-01-01"},    {"uk", "United Kingdom", 10, 29, 64.88, "1973-01-01"},
};
#define STATE_COUNT (sizeof states / sizeof states[0])

double en_deu_council_votes(const char *code, const char *date)
{
    for (size_t k = 0; k < STATE_COUNT; k++) {
        const deu_state *st = &states[k];
        if (strcmp(st->code, code) != 0) continue;
        if (!date) date = "2000-01-01";
        if (strcmp(date, st->joined) < 0) return 0;
        if (strcmp(date, "2004-05-01") < 0) return st->eu15;
        if (strcmp(date, "2014-11-01") < 0) return st->nice;
        return st->population;
    }
    return 0;
}

static const char *actor_name(const char *code)
{
    if (strcmp(code, "com") == 0) return "European Commission";
    if (strcmp(code, "ep") == 0) return "European Parliament";
    for (size_t k = 0; k < STATE_COUNT; k++)
        if (strcmp(states[k].code, code) == 0) return states[k].name;
    return NULL;
}

/* ---- the table ---- */

enum { COL_PRNR, COL_PRNAME, COL_ISNR, COL_TYPE, COL_COUNCIL, COL_PROC, COL_VOTE, COL_INTRO,
       COL_FINACT, COL_RP, COL_OUT, COL_NAMED };
static const char *const named_columns[COL_NAMED] = {"prnr", "prname", "isnr", "type", "council",
                                                     "proc", "counvte", "intro", "finact", "rp",
                                                     "out"};

typedef struct deu_row {
    int line;
    char *proposal; /* isnr without its trailing i<k> */
    char *prnr, *prname, *isnr, *type, *council, *procedure, *voting_rule;
    char intro[11], finact[11];
    int has_rp, has_out;
    double rp, out;
    int rp_column, out_column;
    double *position, *salience; /* per actor column; NAN = blank */
    int *position_column, *salience_column;
} deu_row;

static void row_free(deu_row *row)
{
    en_free(row->proposal);
    en_free(row->prnr);
    en_free(row->prname);
    en_free(row->isnr);
    en_free(row->type);
    en_free(row->council);
    en_free(row->procedure);
    en_free(row->voting_rule);
    en_free(row->position);
    en_free(row->salience);
    en_free(row->position_column);
    en_free(row->salience_column);
}

int en_deu_detect(const char *data, size_t size)
{
    const char *end = memchr(data, '\n', size);
    size_t n = end ? (size_t)(end - data) : size;
    if (!memchr(data, '\t', n)) return 0;
    for (size_t k = 0; k + 4 <= n; k++) {
        if (memcmp(data + k, "isnr", 4) != 0) continue;
        int before = k == 0 || data[k - 1] == '\t' || data[k - 1] == '"';
        int after = k + 4 == n || data[k + 4] == '\t' || data[k + 4] == '"' || data[k + 4] == '\r';
        if (before && after) return 1;
    }
    return 0;
}

/* Trailing "i<digits>" of an issue id removed; NULL if the id has no such suffix. */
static char *proposal_of(const char *isnr)
{
    size_t n = strlen(isnr), k = n;
    while (k > 0 && isdigit((unsigned char)isnr[k - 1])) k--;
    if (k == n || k < 2 || isnr[k - 1] != 'i') return NULL;
    return en_xstrndup(isnr, k - 1);
}

static char *map_choice(reader *r, const field *f, const char *what)
{
    if (strcmp(what, "proc") == 0) {
        if (field_is(f, "COD")) return en_xstrdup("codecision");
        if (field_is(f, "CNS")) return en_xstrdup("consultation");
        fail(r, f->column, "procedure '%.*s' is unknown (expected COD or CNS)",
             (int)(f->length < 40 ? f->length : 40), f->text);
        return NULL;
    }
    if (field_is(f, "Unan")) return en_xstrdup("unanimity");
    if (f->length >= 3 && memcmp(f->text, "QMV", 3) == 0) return en_xstrdup("qmv"); /* QMV(10) */
    fail(r, f->column, "voting rule '%.*s' is unknown (expected QMV or Unan)",
         (int)(f->length < 40 ? f->length : 40), f->text);
    return NULL;
}

static int read_row(reader *r, const field *fields, const int *named, const size_t *actor_p,
                    const size_t *actor_s, size_t actors, deu_row *row)
{
    size_t errors = r->errors;
    memset(row, 0, sizeof *row);
    row->line = r->line;
    const field *isnr = &fields[named[COL_ISNR]];
    row->isnr = field_dup(isnr);
    row->proposal = proposal_of(row->isnr);
    if (!row->isnr[0]) fail(r, isnr->column, "issue id is blank (expected an id such as d00032i1)");
    else if (!row->proposal)
        fail(r, isnr->column, "issue id '%s' does not end in i<number> (expected an id such as d00032i1)",
             row->isnr);
    for (const char *p = row->isnr; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') {
            fail(r, isnr->column, "issue id '%s' has a character other than letters, digits, _ or -",
                 row->isnr);
            break;
        }
    if (named[COL_PRNR] >= 0) row->prnr = field_dup(&fields[named[COL_PRNR]]);
    if (named[COL_PRNAME] >= 0) row->prname = field_dup(&fields[named[COL_PRNAME]]);
    if (named[COL_TYPE] >= 0 && fields[named[COL_TYPE]].length) row->type = field_dup(&fields[named[COL_TYPE]]);
    if (named[COL_COUNCIL] >= 0 && fields[named[COL_COUNCIL]].length)
        row->council = field_dup(&fields[named[COL_COUNCIL]]);
    if (named[COL_PROC] >= 0) row->procedure = map_choice(r, &fields[named[COL_PROC]], "proc");
    if (named[COL_VOTE] >= 0) row->voting_rule = map_choice(r, &fields[named[COL_VOTE]], "counvte");
    if (named[COL_INTRO] >= 0 && read_date(r, &fields[named[COL_INTRO]], "intro", row->intro) <= 0)
        row->intro[0] = '\0';
    if (named[COL_FINACT] >= 0 &&
        read_date(r, &fields[named[COL_FINACT]], "finact", row->finact) <= 0)
        row->finact[0] = '\0';
    if (row->intro[0] && row->finact[0] && strcmp(row->finact, row->intro) < 0)
        fail(r, fields[named[COL_FINACT]].column, "finact %s is before intro %s", row->finact,
             row->intro);
    if (named[COL_RP] >= 0) {
        row->rp_column = fields[named[COL_RP]].column;
        row->has_rp = read_score(r, &fields[named[COL_RP]], "reference point rp", &row->rp) > 0;
    }
    row->out_column = fields[named[COL_OUT]].column;
    row->has_out = read_score(r, &fields[named[COL_OUT]], "outcome out", &row->out) > 0;
    row->position = en_xcalloc(actors, sizeof *row->position);
    row->salience = en_xcalloc(actors, sizeof *row->salience);
    row->position_column = en_xcalloc(actors, sizeof *row->position_column);
    row->salience_column = en_xcalloc(actors, sizeof *row->salience_column);
    for (size_t a = 0; a < actors; a++) {
        const field *fp = &fields[actor_p[a]], *fs = &fields[actor_s[a]];
        row->position_column[a] = fp->column;
        row->salience_column[a] = fs->column;
        int has_position = read_score(r, fp, "position", &row->position[a]);
        if (has_position <= 0) row->position[a] = NAN;
        if (read_score(r, fs, "salience", &row->salience[a]) <= 0) row->salience[a] = NAN;
        if (has_position == 0 && row->salience[a] > 0)
            fail(r, fs->column, "salience %g without a position (expected a position in column %d)",
                 row->salience[a], fp->column);
    }
    return r->errors == errors;
}

/* Who takes part (the DEU scoring convention): a position and a salience > 0. */
static int takes_part(const deu_row *row, size_t a)
{
    return !isnan(row->position[a]) && row->salience[a] > 0;
}

static en_scenario *build(reader *r, const char *proposal, deu_row *rows, size_t row_count,
                          char *const *actor_codes, size_t actors)
{
    const deu_row *first = NULL;
    for (size_t k = 0; k < row_count && !first; k++)
        if (strcmp(rows[k].proposal, proposal) == 0) first = &rows[k];
    en_scenario *s = en_scenario_new(r->name, EN_FORMAT_DEU);
    en_decision *d = &s->decision;
    d->id = en_xstrdup(proposal);
    d->procedure = en_xstrdup(first->procedure);
    d->voting_rule = en_xstrdup(first->voting_rule);
    d->body = en_xstrdup(first->council);
    d->instrument = en_xstrdup(first->type);
    d->introduced = first->intro[0] ? en_xstrdup(first->intro) : NULL;
    d->adopted = first->finact[0] ? en_xstrdup(first->finact) : NULL;
    s->title = first->prname && first->prname[0] ? en_xprintf("%s (%s)", first->prname, proposal)
                                                 : en_xstrdup(proposal);
    s->date = en_xstrdup(d->introduced);
    en_source *src = en_scenario_add_source(s);
    src->id = en_xstrdup("deu");
    const char *base = strrchr(r->name, '/');
    src->file = en_xstrdup(base ? base + 1 : r->name);
    src->title = en_xstrdup("DEU III: decision-making in the European Union (positions, saliences, "
                            "reference points and outcomes)");
    src->author = en_xstrdup("Arregui, J. & Perarnaud, C. (2021)");
    src->url = en_xstrdup("https://doi.org/10.34810/data53");
    if (first->prnr && strcmp(first->prnr, proposal) != 0)
        en_scenario_add_note(s, first->line, 1,
                             "proposal id '%s' differs from its issue ids' '%s'; the issue ids' is used",
                             first->prnr, proposal);
    size_t *issue_row = en_xcalloc(row_count, sizeof *issue_row);
    size_t issues = 0;
    for (size_t k = 0; k < row_count; k++) {
        const deu_row *row = &rows[k];
        if (strcmp(row->proposal, proposal) != 0) continue;
        issue_row[issues++] = k;
        en_issue *issue = en_scenario_add_issue(s);
        issue->id = en_xstrdup(row->isnr);
        issue->where.line = row->line;
        issue->where.column = 1;
        issue->scale_min = 0;
        issue->scale_max = 100;
        if (row->has_rp) {
            issue->has_status_quo = 1;
            issue->status_quo = en_value_fixed(row->rp, 0, 100);
            issue->status_quo.where = (en_location){row->line, row->rp_column};
        }
        if (row->has_out) {
            issue->has_outcome = 1;
            issue->outcome.value = en_value_fixed(row->out, 0, 100);
            issue->outcome.value.where = (en_location){row->line, row->out_column};
            issue->outcome.date = row->finact[0] ? en_xstrdup(row->finact) : NULL;
            issue->outcome.cite = en_xcalloc(1, sizeof *issue->outcome.cite);
            issue->outcome.cite[0] = en_xstrdup("deu");
            issue->outcome.cite_count = 1;
        }
        if (row->voting_rule && (!d->voting_rule || strcmp(row->voting_rule, d->voting_rule) != 0))
            issue->voting_rule = en_xstrdup(row->voting_rule);
    }
    const char *decided = d->adopted ? d->adopted : d->introduced;
    for (size_t a = 0; a < actors; a++) {
        int any = 0;
        for (size_t i = 0; i < issues && !any; i++) any = takes_part(&rows[issue_row[i]], a);
        if (!any) continue;
        en_actor *actor = en_scenario_add_actor(s);
        size_t index = s->actor_count - 1;
        actor->id = en_xstrdup(actor_codes[a]);
        const char *name = actor_name(actor_codes[a]);
        actor->name = name ? en_xstrdup(name) : NULL;
        actor->where = (en_location){first->line, 1};
        /* Equal capability: the literature's compromise baseline (Achen 2006). */
        actor->capability = en_value_fixed(1, 0, HUGE_VAL);
        double votes = en_deu_council_votes(actor_codes[a], decided);
        if (votes > 0) actor->has_votes = 1, actor->votes = votes;
        for (size_t i = 0; i < issues; i++) {
            const deu_row *row = &rows[issue_row[i]];
            if (!takes_part(row, a)) continue;
            en_stance *st = &s->actors[index].stances[i];
            st->present = 1;
            st->where = (en_location){row->line, row->position_column[a]};
            st->position = en_value_fixed(row->position[a], 0, 100);
            st->position.where = st->where;
            st->salience = en_value_fixed(row->salience[a] / 100.0, 0, 1);
            st->salience.where = (en_location){row->line, row->salience_column[a]};
        }
        if (strcmp(actor_codes[a], "com") == 0) d->agenda_setter = en_xstrdup("com");
        if (strcmp(actor_codes[a], "ep") == 0) d->parliament = en_xstrdup("ep");
    }
    en_free(issue_row);
    return s;
}

en_status en_deu_load(const char *data, size_t size, const char *name, en_scenario ***out,
                      size_t *count, en_error *err)
{
    *out = NULL;
    *count = 0;
    reader r = {name, err, 0, 0};
    field *fields = NULL;
    size_t capacity = 0, header_count = 0;
    int named[COL_NAMED];
    size_t *actor_p = NULL, *actor_s = NULL, actors = 0;
    char **actor_codes = NULL;
    deu_row *rows = NULL;
    size_t row_count = 0, row_capacity = 0;
    size_t pos = 0;
    while (pos < size) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', size - pos);
        size_t length = nl ? (size_t)(nl - line) : size - pos;
        pos += length + (nl ? 1 : 0);
        r.line++;
        if (length && line[length - 1] == '\r') length--;
        if (length == 0) continue; /* blank lines (the file's end) */
        size_t n = split(&r, line, length, &fields, &capacity);
        if (r.line == 1) {
            header_count = n;
            for (int c = 0; c < COL_NAMED; c++) named[c] = -1;
            for (size_t k = 0; k < n; k++) {
                for (int c = 0; c < COL_NAMED; c++)
                    if (field_is(&fields[k], named_columns[c])) {
                        if (named[c] >= 0)
                            fail(&r, fields[k].column, "column '%s' appears twice", named_columns[c]);
                        named[c] = (int)k;
                    }
            }
            /* Actors: every p<code> column with a matching s<code> column. */
            for (size_t k = 0; k < n; k++) {
                const field *f = &fields[k];
                if (f->length < 2 || f->text[0] != 'p') continue;
                int again = 0; /* the same p<actor> column earlier in the header */
                for (size_t e = 0; e < k && !again; e++)
                    again = fields[e].length == f->length && memcmp(fields[e].text, f->text, f->length) == 0;
                if (again) {
                    fail(&r, f->column, "column '%.*s' appears twice", (int)f->length, f->text);
                    continue;
                }
                for (size_t j = 0; j < n; j++) {
                    const field *g = &fields[j];
                    if (g->length != f->length || g->text[0] != 's' ||
                        memcmp(g->text + 1, f->text + 1, f->length - 1) != 0)
                        continue;
                    actor_p = en_xrealloc(actor_p, (actors + 1) * sizeof *actor_p);
                    actor_s = en_xrealloc(actor_s, (actors + 1) * sizeof *actor_s);
                    actor_codes = en_xrealloc(actor_codes, (actors + 1) * sizeof *actor_codes);
                    actor_p[actors] = k;
                    actor_s[actors] = j;
                    actor_codes[actors] = en_xstrndup(f->text + 1, f->length - 1);
                    actors++;
                    break;
                }
            }
            if (named[COL_ISNR] < 0 || named[COL_OUT] < 0)
                fail(&r, 1, "the header has no '%s' column (expected a DEU table with isnr, out and "
                     "p<actor>/s<actor> columns)", named[COL_ISNR] < 0 ? "isnr" : "out");
            else if (actors < 2)
                fail(&r, 1, "the header names %zu actor%s (expected p<actor> and s<actor> columns "
                     "for at least two)", actors, actors == 1 ? "" : "s");
            if (r.errors) break;
            continue;
        }
        if (n != header_count) {
            fail(&r, n < header_count ? (int)length + 1 : fields[header_count].column,
                 "the row has %zu fields (expected %zu, as in the header)", n, header_count);
            continue;
        }
        /* The GDP line: the export's second line, no issue id (its values are not DEU's). */
        if (r.line == 2 && fields[named[COL_ISNR]].length == 0) continue;
        EN_GROW(rows, row_capacity, row_count + 1);
        if (read_row(&r, fields, named, actor_p, actor_s, actors, &rows[row_count])) {
            for (size_t k = 0; k < row_count; k++)
                if (strcmp(rows[k].isnr, rows[row_count].isnr) == 0) {
                    fail(&r, fields[named[COL_ISNR]].column,
                         "duplicate issue id '%s' (first on line %d)", rows[k].isnr, rows[k].line);
                    break;
                }
            row_count++;
        } else {
            row_free(&rows[row_count]);
        }
        if (r.errors > EN_ERROR_LIMIT) break;
    }
    if (!r.errors && r.line == 0)
        fail(&r, 0, "the file is empty (expected a DEU table)");
    else if (!r.errors && row_count == 0)
        fail(&r, 0, "the table has no issue rows (expected one row per issue after the header)");
    en_scenario **scenarios = NULL;
    size_t made = 0;
    en_status status = r.errors ? EN_ERROR_INPUT : EN_OK;
    for (size_t k = 0; k < row_count && status == EN_OK; k++) {
        int seen = 0;
        for (size_t j = 0; j < k && !seen; j++) seen = strcmp(rows[j].proposal, rows[k].proposal) == 0;
        if (seen) continue;
        en_scenario *s = build(&r, rows[k].proposal, rows, row_count, actor_codes, actors);
        if (s->actor_count < 2) {
            r.line = rows[k].line;
            fail(&r, 1, "proposal '%s': fewer than two actors take part (expected positions with "
                 "salience > 0)", rows[k].proposal);
            en_scenario_free(s);
            status = EN_ERROR_INPUT;
            break;
        }
        status = en_scenario_validate(s, err);
        if (status != EN_OK) {
            en_scenario_free(s);
            break;
        }
        scenarios = en_xrealloc(scenarios, (made + 1) * sizeof *scenarios);
        scenarios[made++] = s;
    }
    if (r.errors > EN_ERROR_LIMIT)
        en_error_add(err, EN_ERROR_INPUT, name, 0, 0, "%zu more problems not shown",
                     r.errors - EN_ERROR_LIMIT);
    for (size_t k = 0; k < row_count; k++) row_free(&rows[k]);
    en_free(rows);
    for (size_t a = 0; a < actors; a++) en_free(actor_codes[a]);
    en_free(actor_codes);
    en_free(actor_p);
    en_free(actor_s);
    en_free(fields);
    if (status != EN_OK) {
        for (size_t k = 0; k < made; k++) en_scenario_free(scenarios[k]);
        en_free(scenarios);
        return status;
    }
    *out = scenarios;
    *count = made;
    return EN_OK;
}
