/*
 * decide.c — reader of Decide's exchange-model files (foarsitter/decide-exchange-model):
 *
 *   #A  actor id, display name, comment        #M  issue id, position, meaning
 *   #P  issue id, description                  #D  actor id, issue id, position, salience, power
 *   #/  comment                                #O  title (also #0, as Decide's docs spell it)
 *
 * Decide guesses the delimiter with Python's csv.Sniffer, which picks '#' for some files and
 * then aborts. entente uses one documented rule instead: the delimiter is the first TAB, ';'
 * or ',' outside quotes on the first non-blank line (TAB if that line has none). Fields may be
 * quoted with '...' or "..." (a doubled quote inside stands for itself) or bare; bare fields
 * are trimmed. Lines end with LF, CRLF or CR.
 *
 * Decide validates in two passes and skips the second when the first failed, so a file shows
 * its errors one batch at a time, with computed (often wrong) row numbers. Here every row is
 * read, every cross-reference checked, and all problems are reported together, sorted, each at
 * its true 1-based line and column.
 */
#include "io/decide.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"

typedef struct dc_field {
    char *text;
    int column;
} dc_field;

typedef struct dc_problem {
    int line, column;
    size_t sequence; /* keeps the order of problems found at the same place */
    char *message;
} dc_problem;

typedef struct dc_actor {
    char *id, *name, *comment;
    int line, column;
} dc_actor;

typedef struct dc_issue {
    char *id, *description;
    int line, column;
    int point_count, first_point_line, first_point_column;
    double lower, upper;
} dc_issue;

typedef struct dc_point { /* an #M row */
    char *issue, *meaning;
    double at;
    int line, issue_column;
} dc_point;

typedef struct dc_data { /* a #D row */
    char *actor, *issue, *comment;
    double position, salience, power;
    int line, actor_column, issue_column, position_column;
    long actor_index, issue_index;
} dc_data;

typedef struct dc_reader {
    const char *name;
    char delimiter;
    dc_problem *problems;
    size_t problem_count, problem_capacity;
    dc_actor *actors;
    size_t actor_count, actor_capacity;
    dc_issue *issues;
    size_t issue_count, issue_capacity;
    dc_point *points;
    size_t point_count, point_capacity;
    dc_data *data;
    size_t data_count, data_capacity;
    char *title;
    en_scenario *scenario; /* built at the end; notes are queued until then */
    dc_problem *notes;
    size_t note_count, note_capacity;
} dc_reader;

static void queue(dc_problem **list, size_t *count, size_t *capacity, int line, int column,
                  const char *format, va_list ap)
{
    char message[480];
    vsnprintf(message, sizeof message, format, ap);
    EN_GROW(*list, *capacity, *count + 1);
    dc_problem *p = &(*list)[(*count)++];
    p->line = line;
    p->column = column;
    p->sequence = *count;
    p->message = en_xstrdup(message);
}

static void problem(dc_reader *r, int line, int column, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(dc_reader *r, int line, int column, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    queue(&r->problems, &r->problem_count, &r->problem_capacity, line, column, format, ap);
    va_end(ap);
}

static void note(dc_reader *r, int line, int column, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
static void note(dc_reader *r, int line, int column, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    queue(&r->notes, &r->note_count, &r->note_capacity, line, column, format, ap);
    va_end(ap);
}

static int by_place(const void *a, const void *b)
{
    const dc_problem *x = a, *y = b;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->column != y->column) return x->column < y->column ? -1 : 1;
    return x->sequence < y->sequence ? -1 : x->sequence > y->sequence;
}

/* ---- lines and fields ---- */

static int is_blank(char c, char delimiter)
{
    return c == ' ' || (c == '\t' && delimiter != '\t');
}

/* The delimiter rule (see the top of the file), applied to the first non-blank line. */
static char find_delimiter(const char *s, size_t length)
{
    size_t i = 0;
    char quote = 0;
    for (; i < length; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '\t' || c == ';' || c == ',') {
            return c;
        }
    }
    return '\t';
}

static void free_fields(dc_field *fields, size_t count)
{
    for (size_t i = 0; i < count; i++) en_free(fields[i].text);
    en_free(fields);
}

/* Comment and title rows are free text: their quoting is not checked. */
static int is_free_text(const char *s, size_t length)
{
    size_t i = 0;
    while (i < length && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i < length && (s[i] == '\'' || s[i] == '"')) i++;
    return i + 1 < length && s[i] == '#' && (s[i + 1] == '/' || s[i + 1] == 'O' || s[i + 1] == '0');
}

/* Splits one line into fields. Returns 0 (after reporting) on a quoting error; `lenient`
 * (free text) keeps such fields as written instead. */
static int split(dc_reader *r, const char *s, size_t length, int line, int lenient,
                 dc_field **out, size_t *out_count)
{
    dc_field *fields = NULL;
    size_t count = 0, capacity = 0;
    size_t i = 0;
    char d = r->delimiter;
    for (;;) {
        while (i < length && is_blank(s[i], d)) i++;
        size_t start = i;
        en_buffer text = {0};
        en_buffer_append(&text, "", 0);
        if (i < length && (s[i] == '\'' || s[i] == '"')) {
            char quote = s[i++];
            for (;;) {
                if (i >= length && lenient) break;
                if (i >= length) {
                    problem(r, line, (int)start + 1,
                            "unterminated quoted field (expected a closing %c before the end "
                            "of the line)",
                            quote);
                    en_buffer_free(&text);
                    free_fields(fields, count);
                    return 0;
                }
                if (s[i] == quote) {
                    if (i + 1 < length && s[i + 1] == quote) {
                        en_buffer_append(&text, &s[i], 1);
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                en_buffer_append(&text, &s[i], 1);
                i++;
            }
            while (i < length && is_blank(s[i], d)) i++;
            if (i < length && s[i] != d && lenient) {
                while (i < length && s[i] != d) en_buffer_append(&text, &s[i++], 1);
            } else if (i < length && s[i] != d) {
                problem(r, line, (int)i + 1,
                        "unexpected '%c' after a quoted field (expected the delimiter %s or "
                        "the end of the line)",
                        s[i], d == '\t' ? "TAB" : d == ';' ? "';'" : "','");
                en_buffer_free(&text);
                free_fields(fields, count);
                return 0;
            }
        } else {
            size_t end = i;
            while (end < length && s[end] != d) end++;
            size_t stop = end;
            while (stop > i && is_blank(s[stop - 1], d)) stop--;
            en_buffer_append(&text, s + i, stop - i);
            i = end;
        }
        EN_GROW(fields, capacity, count + 1);
        fields[count].text = text.data;
        fields[count].column = (int)start + 1;
        count++;
        if (i < length && s[i] == d) {
            i++;
            continue;
        }
        break;
    }
    *out = fields;
    *out_count = count;
    return 1;
}

/* Fields from `from` on, non-empty ones joined with single spaces (Decide joins surplus fields
 * onto the last one). `skip` (may be NULL) is left out when it is the first of them. */
static char *join_rest(const dc_field *f, size_t count, size_t from, const char *skip)
{
    en_buffer b = {0};
    en_buffer_append(&b, "", 0);
    for (size_t k = from; k < count; k++) {
        if (!f[k].text[0]) continue;
        if (k == from && skip && strcmp(f[k].text, skip) == 0) continue;
        if (b.length) en_buffer_append(&b, " ", 1);
        en_buffer_puts(&b, f[k].text);
    }
    return b.data;
}

/* ---- rows ---- */

static const char *row_layout(const char *tag)
{
    if (strcmp(tag, "#A") == 0) return "#A, actor id, name, comment";
    if (strcmp(tag, "#P") == 0) return "#P, issue id, description";
    if (strcmp(tag, "#M") == 0) return "#M, issue id, position, meaning";
    return "#D, actor id, issue id, position, salience, power, comment";
}

/* A required field: present and not blank. */
static int need(dc_reader *r, const dc_field *f, size_t count, size_t k, const char *what,
                const char *tag, int line, int end_column)
{
    if (k < count && f[k].text[0]) return 1;
    problem(r, line, k < count ? f[k].column : end_column, "%s row has no %s (expected %s)", tag,
            what, row_layout(tag));
    return 0;
}

static int number(dc_reader *r, const dc_field *f, const char *what, int line, double *out)
{
    if (en_parse_double(f->text, out)) return 1;
    problem(r, line, f->column, "%s '%s' is not a number (expected a decimal number such as 0.5)",
            what, f->text);
    return 0;
}

static void read_actor(dc_reader *r, const dc_field *f, size_t n, int line, int end)
{
    if (!need(r, f, n, 1, "actor id", "#A", line, end)) return;
    char *name = en_xstrdup(n > 2 && f[2].text[0] ? f[2].text : f[1].text);
    char *comment = join_rest(f, n, 3, NULL);
    for (size_t a = 0; a < r->actor_count; a++) {
        dc_actor *old = &r->actors[a];
        if (strcmp(old->id, f[1].text) != 0) continue;
        /* Decide lets a later #A row replace an earlier one; keep that, but say so. */
        note(r, line, f[1].column,
             "actor '%s' is defined again (first on line %d); this row replaces the earlier one "
             "and the actor keeps its place in the actor order",
             old->id, old->line);
        en_free(old->name);
        en_free(old->comment);
        old->name = name;
        old->comment = comment;
        return;
    }
    EN_GROW(r->actors, r->actor_capacity, r->actor_count + 1);
    dc_actor *a = &r->actors[r->actor_count++];
    a->id = en_xstrdup(f[1].text);
    a->name = name;
    a->comment = comment;
    a->line = line;
    a->column = f[1].column;
}

static void read_issue(dc_reader *r, const dc_field *f, size_t n, int line, int end)
{
    if (!need(r, f, n, 1, "issue id", "#P", line, end)) return;
    for (size_t i = 0; i < r->issue_count; i++) {
        if (strcmp(r->issues[i].id, f[1].text) == 0) {
            problem(r, line, f[1].column, "duplicate issue id '%s' (first defined on line %d)",
                    f[1].text, r->issues[i].line);
            return;
        }
    }
    EN_GROW(r->issues, r->issue_capacity, r->issue_count + 1);
    dc_issue *is = &r->issues[r->issue_count++];
    memset(is, 0, sizeof *is);
    is->id = en_xstrdup(f[1].text);
    /* The shipped files repeat the id before the description. */
    is->description = join_rest(f, n, 2, f[1].text);
    is->line = line;
    is->column = f[1].column;
}

static void read_point(dc_reader *r, const dc_field *f, size_t n, int line, int end)
{
    int ok = need(r, f, n, 1, "issue id", "#M", line, end);
    ok = need(r, f, n, 2, "position", "#M", line, end) && ok;
    double at = 0;
    if (!ok || !number(r, &f[2], "#M position", line, &at)) return;
    EN_GROW(r->points, r->point_capacity, r->point_count + 1);
    dc_point *p = &r->points[r->point_count++];
    p->issue = en_xstrdup(f[1].text);
    p->meaning = join_rest(f, n, 3, NULL);
    p->at = at;
    p->line = line;
    p->issue_column = f[1].column;
}

static void read_data(dc_reader *r, const dc_field *f, size_t n, int line, int end)
{
    static const char *const what[] = {NULL, "actor id", "issue id", "position", "salience",
                                       "power"};
    int ok = 1;
    for (size_t k = 1; k <= 5; k++) ok = need(r, f, n, k, what[k], "#D", line, end) && ok;
    if (!ok) return;
    double v[3];
    for (size_t k = 0; k < 3; k++) ok = number(r, &f[3 + k], what[3 + k], line, &v[k]) && ok;
    if (!ok) return;
    for (size_t k = 1; k < 3; k++) {
        if (v[k] < 0 || v[k] > 100) {
            problem(r, line, f[3 + k].column,
                    "%s %s of actor '%s' on issue '%s' is %s (expected a number in [0, 100]; "
                    "usually in [0, 1])",
                    what[3 + k], f[3 + k].text, f[1].text, f[2].text,
                    v[k] < 0 ? "negative" : "above 100");
            ok = 0;
        }
    }
    if (!ok) return;
    if (v[1] > 1)
        note(r, line, f[4].column,
             "salience %s of actor '%s' on issue '%s' is above 1: accepted as Decide does, but "
             "the exchange model's position update assumes saliences in [0, 1]",
             f[4].text, f[1].text, f[2].text);
    EN_GROW(r->data, r->data_capacity, r->data_count + 1);
    dc_data *d = &r->data[r->data_count++];
    d->actor = en_xstrdup(f[1].text);
    d->issue = en_xstrdup(f[2].text);
    d->comment = join_rest(f, n, 6, NULL);
    d->position = v[0];
    d->salience = v[1];
    d->power = v[2];
    d->line = line;
    d->actor_column = f[1].column;
    d->issue_column = f[2].column;
    d->position_column = f[3].column;
}

static void read_row(dc_reader *r, const dc_field *f, size_t n, int line, int end)
{
    const char *tag = f[0].text;
    if (strcmp(tag, "#/") == 0) return; /* comment (Decide requires text; entente does not) */
    if (strcmp(tag, "#O") == 0 || strcmp(tag, "#0") == 0) {
        char *text = join_rest(f, n, 1, NULL);
        if (!r->title) {
            r->title = text;
        } else {
            note(r, line, f[0].column, "a second title row; the first one (\"%s\") is kept",
                 r->title);
            en_free(text);
        }
        return;
    }
    if (strcmp(tag, "#A") == 0) read_actor(r, f, n, line, end);
    else if (strcmp(tag, "#P") == 0) read_issue(r, f, n, line, end);
    else if (strcmp(tag, "#M") == 0) read_point(r, f, n, line, end);
    else if (strcmp(tag, "#D") == 0) read_data(r, f, n, line, end);
    else if (!tag[0])
        problem(r, line, f[0].column,
                "row has no tag (expected #A, #P, #M, #D, #/ or #O in the first field)");
    else
        problem(r, line, f[0].column,
                "unknown row tag '%s' (expected #A, #P, #M, #D, #/ or #O)", tag);
}

/* ---- cross-references, checked after every row has been read ---- */

static long find_actor(const dc_reader *r, const char *id)
{
    for (size_t a = 0; a < r->actor_count; a++)
        if (strcmp(r->actors[a].id, id) == 0) return (long)a;
    return -1;
}

static long find_issue(const dc_reader *r, const char *id)
{
    for (size_t i = 0; i < r->issue_count; i++)
        if (strcmp(r->issues[i].id, id) == 0) return (long)i;
    return -1;
}

static void unknown(dc_reader *r, int line, int column, const char *kind, const char *tag,
                    const char *id, const char *const *known, size_t count)
{
    const char *hint = en_suggest(id, known, count);
    if (hint)
        problem(r, line, column, "unknown %s '%s' (expected the id of an %s row; did you mean '%s'?)",
                kind, id, tag, hint);
    else
        problem(r, line, column, "unknown %s '%s' (expected the id of an %s row)", kind, id, tag);
}

static void cross_check(dc_reader *r)
{
    const char **actor_ids = en_xcalloc(r->actor_count + 1, sizeof *actor_ids);
    const char **issue_ids = en_xcalloc(r->issue_count + 1, sizeof *issue_ids);
    for (size_t a = 0; a < r->actor_count; a++) actor_ids[a] = r->actors[a].id;
    for (size_t i = 0; i < r->issue_count; i++) issue_ids[i] = r->issues[i].id;
    /* Interval of each issue: smallest and largest #M position, in any row order (Decide
     * crashes when a later #M is below the first one; entente does not need that order). */
    for (size_t k = 0; k < r->point_count; k++) {
        const dc_point *p = &r->points[k];
        long i = find_issue(r, p->issue);
        if (i < 0) {
            unknown(r, p->line, p->issue_column, "issue", "#P", p->issue, issue_ids,
                    r->issue_count);
            continue;
        }
        dc_issue *is = &r->issues[i];
        if (is->point_count++ == 0) {
            is->lower = is->upper = p->at;
            is->first_point_line = p->line;
            is->first_point_column = p->issue_column;
        } else {
            is->lower = fmin(is->lower, p->at);
            is->upper = fmax(is->upper, p->at);
        }
    }
    for (size_t i = 0; i < r->issue_count; i++) {
        dc_issue *is = &r->issues[i];
        if (is->point_count == 0) {
            is->lower = 0;
            is->upper = 100;
        } else if (!(is->lower < is->upper)) {
            problem(r, is->first_point_line, is->first_point_column,
                    "issue '%s' has a single scale point %g in its #M rows (expected #M rows "
                    "with at least two different positions, or none for the scale 0 to 100)",
                    is->id, is->lower);
        }
    }
    for (size_t k = 0; k < r->data_count; k++) {
        dc_data *d = &r->data[k];
        d->actor_index = find_actor(r, d->actor);
        d->issue_index = find_issue(r, d->issue);
        if (d->actor_index < 0)
            unknown(r, d->line, d->actor_column, "actor", "#A", d->actor, actor_ids,
                    r->actor_count);
        if (d->issue_index < 0)
            unknown(r, d->line, d->issue_column, "issue", "#P", d->issue, issue_ids,
                    r->issue_count);
        if (d->actor_index < 0 || d->issue_index < 0) continue;
        for (size_t e = 0; e < k; e++) {
            const dc_data *o = &r->data[e];
            if (o->actor_index == d->actor_index && o->issue_index == d->issue_index) {
                problem(r, d->line, d->actor_column,
                        "duplicate #D row for actor '%s' on issue '%s' (first given on line %d)",
                        d->actor, d->issue, o->line);
                d->actor_index = -1;
                break;
            }
        }
        if (d->actor_index < 0) continue;
        const dc_issue *is = &r->issues[d->issue_index];
        if (is->lower < is->upper && (d->position < is->lower || d->position > is->upper))
            problem(r, d->line, d->position_column,
                    "position %g of actor '%s' on issue '%s' is outside the issue's interval "
                    "(expected a number in [%g, %g]; %s)",
                    d->position, d->actor, d->issue, is->lower, is->upper,
                    is->point_count ? "the interval spans the issue's #M rows"
                                    : "the issue has no #M rows, so its interval is 0 to 100");
    }
    if (r->issue_count == 0)
        problem(r, 0, 0, "the file defines no issue (expected at least one #P row)");
    if (r->actor_count == 0)
        problem(r, 0, 0, "the file defines no actor (expected #A rows)");
    en_free(actor_ids);
    en_free(issue_ids);
}

/* ---- the scenario ---- */

static en_scenario *build(dc_reader *r)
{
    en_scenario *s = en_scenario_new(r->name, EN_FORMAT_DECIDE);
    r->scenario = s;
    if (r->title) s->title = en_xstrdup(r->title);
    for (size_t i = 0; i < r->issue_count; i++) {
        const dc_issue *from = &r->issues[i];
        en_issue *is = en_scenario_add_issue(s);
        is->id = en_xstrdup(from->id);
        is->name = en_xstrdup(from->id);
        if (from->description[0]) is->description = en_xstrdup(from->description);
        is->scale_min = from->lower;
        is->scale_max = from->upper;
        is->where.line = from->line;
        is->where.column = from->column;
        for (size_t k = 0; k < r->point_count; k++) {
            const dc_point *p = &r->points[k];
            if (!p->meaning[0] || strcmp(p->issue, from->id) != 0) continue;
            is->labels = en_xrealloc(is->labels, (is->label_count + 1) * sizeof *is->labels);
            is->labels[is->label_count].at = p->at;
            is->labels[is->label_count].text = en_xstrdup(p->meaning);
            is->label_count++;
        }
    }
    for (size_t a = 0; a < r->actor_count; a++) {
        const dc_actor *from = &r->actors[a];
        en_actor *actor = en_scenario_add_actor(s);
        actor->id = en_xstrdup(from->id);
        actor->name = en_xstrdup(from->name);
        if (from->comment[0]) actor->note = en_xstrdup(from->comment);
        actor->where.line = from->line;
        actor->where.column = from->column;
        int first = 1, differs = 0;
        double power = 0;
        for (size_t k = 0; k < r->data_count; k++) {
            const dc_data *d = &r->data[k];
            if (d->actor_index != (long)a) continue;
            if (first) {
                power = d->power;
                actor->capability = en_value_fixed(power, 0, 100);
                actor->capability.where.line = d->line;
                first = 0;
            } else if (d->power != power) {
                differs = 1;
            }
            const dc_issue *is = &r->issues[d->issue_index];
            en_stance *st = &actor->stances[d->issue_index];
            st->present = 1;
            st->position = en_value_fixed(d->position, is->lower, is->upper);
            st->position.where.line = d->line;
            st->position.where.column = d->position_column;
            st->salience = en_value_fixed(d->salience, 0, 100);
            st->salience.where.line = d->line;
            st->power = en_value_fixed(d->power, 0, 100);
            st->power.where.line = d->line;
            if (d->comment[0]) st->note = en_xstrdup(d->comment);
            st->where.line = d->line;
            st->where.column = d->actor_column;
        }
        if (differs) {
            for (size_t i = 0; i < s->issue_count; i++)
                if (actor->stances[i].present) actor->stances[i].has_power = 1;
            note(r, from->line, from->column,
                 "actor '%s' has a different power on different issues; the exchange model "
                 "uses each row's power, other models the first (%g)",
                 from->id, power);
        }
    }
    return s;
}

static void reader_free(dc_reader *r)
{
    for (size_t k = 0; k < r->problem_count; k++) en_free(r->problems[k].message);
    for (size_t k = 0; k < r->note_count; k++) en_free(r->notes[k].message);
    for (size_t k = 0; k < r->actor_count; k++) {
        en_free(r->actors[k].id);
        en_free(r->actors[k].name);
        en_free(r->actors[k].comment);
    }
    for (size_t k = 0; k < r->issue_count; k++) {
        en_free(r->issues[k].id);
        en_free(r->issues[k].description);
    }
    for (size_t k = 0; k < r->point_count; k++) {
        en_free(r->points[k].issue);
        en_free(r->points[k].meaning);
    }
    for (size_t k = 0; k < r->data_count; k++) {
        en_free(r->data[k].actor);
        en_free(r->data[k].issue);
        en_free(r->data[k].comment);
    }
    en_free(r->problems);
    en_free(r->notes);
    en_free(r->actors);
    en_free(r->issues);
    en_free(r->points);
    en_free(r->data);
    en_free(r->title);
}

en_status en_decide_load(const char *data, size_t size, const char *name, en_scenario **out,
                         en_error *err)
{
    *out = NULL;
    dc_reader r;
    memset(&r, 0, sizeof r);
    r.name = name ? name : "<input>";
    size_t pos = 0;
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) pos = 3; /* UTF-8 byte order mark */
    int line = 1, have_delimiter = 0;
    while (pos < size) {
        size_t start = pos;
        while (pos < size && data[pos] != '\n' && data[pos] != '\r') pos++;
        size_t length = pos - start;
        if (pos < size) pos += data[pos] == '\r' && pos + 1 < size && data[pos + 1] == '\n' ? 2 : 1;
        const char *s = data + start;
        size_t first = 0;
        while (first < length && (s[first] == ' ' || s[first] == '\t')) first++;
        if (first < length) {
            if (!have_delimiter) {
                r.delimiter = find_delimiter(s, length);
                have_delimiter = 1;
            }
            dc_field *fields;
            size_t count;
            if (split(&r, s, length, line, is_free_text(s, length), &fields, &count)) {
                int empty = 1;
                for (size_t k = 0; k < count && empty; k++) empty = fields[k].text[0] == 0;
                if (!empty) read_row(&r, fields, count, line, (int)length + 1);
                free_fields(fields, count);
            }
        }
        line++;
    }
    cross_check(&r);
    en_status status = EN_OK;
    if (r.problem_count > 0) {
        qsort(r.problems, r.problem_count, sizeof *r.problems, by_place);
        size_t shown = r.problem_count;
        if (shown > EN_ERROR_LIMIT) shown = EN_ERROR_LIMIT - 1;
        for (size_t k = 0; k < shown; k++)
            en_error_add(err, EN_ERROR_INPUT, r.name, r.problems[k].line, r.problems[k].column,
                         "%s", r.problems[k].message);
        if (shown < r.problem_count)
            en_error_add(err, EN_ERROR_INPUT, r.name, 0, 0, "%zu more problems not shown",
                         r.problem_count - shown);
        status = EN_ERROR_INPUT;
    } else {
        en_scenario *s = build(&r);
        if (r.note_count > 1) qsort(r.notes, r.note_count, sizeof *r.notes, by_place);
        for (size_t k = 0; k < r.note_count; k++)
            en_scenario_add_note(s, r.notes[k].line, r.notes[k].column, "%s", r.notes[k].message);
        *out = s;
    }
    reader_free(&r);
    return status;
}
