/*
 * ktab_csv.c — KTAB's SMP CSV input. Line 1: scenario name, description, number of actors,
 * number of dimensions. Line 2: three skipped headers, then per dimension a position header
 * (the dimension's name) and a salience header. Then one line per actor: name, description,
 * capability, then position and salience per dimension, both on 0–100. Fields are split at
 * commas; a field that starts with a double quote keeps its commas; `$$` stands for a comma;
 * text fields keep their spaces. KTAB reads such files without checking most of this and exits
 * with status 0 on errors; here every problem is reported with its line and column.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "io/ktab.h"
#include "io/load.h"

typedef struct kcsv_field {
    char *text;
    int column;
} kcsv_field;

typedef struct kcsv_line {
    kcsv_field *fields;
    size_t count;
    int line;
} kcsv_line;

static void line_free(kcsv_line *l)
{
    for (size_t i = 0; i < l->count; i++) en_free(l->fields[i].text);
    en_free(l->fields);
    memset(l, 0, sizeof *l);
}

/* Splits the physical line [start, end) into fields. Returns 0 (and reports) on an unclosed
 * quote. */
static int split_line(const char *start, const char *end, int line, kcsv_line *out,
                      const char *name, en_error *err)
{
    memset(out, 0, sizeof *out);
    out->line = line;
    size_t capacity = 0;
    const char *p = start;
    for (;;) {
        en_buffer text = {0};
        int column = (int)(p - start) + 1;
        if (p < end && *p == '"') {
            const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));
            if (!close) {
                en_buffer_free(&text);
                line_free(out);
                en_error_add(err, EN_ERROR_INPUT, name, line, column,
                             "quoted field is not closed (expected a closing \" on this line)");
                return 0;
            }
            en_buffer_append(&text, p + 1, (size_t)(close - p - 1));
            p = close + 1;
        }
        while (p < end && *p != ',') en_buffer_append(&text, p++, 1);
        char *t = text.data ? text.data : en_xstrdup("");
        /* `$$` inside a field stands for a comma */
        for (char *q = strstr(t, "$$"); q; q = strstr(q + 1, "$$")) {
            *q = ',';
            memmove(q + 1, q + 2, strlen(q + 2) + 1);
        }
        en_grow((void **)&out->fields, &capacity, out->count + 1, sizeof *out->fields);
        out->fields[out->count].text = t;
        out->fields[out->count++].column = column;
        if (p >= end) break;
        p++; /* the comma */
    }
    return 1;
}

/* A number as KTAB reads it (leading and trailing blanks allowed), nothing else in the field. */
static int parse_number(const kcsv_field *f, int line, const char *what, double *out,
                        const char *name, en_error *err)
{
    const char *p = f->text;
    while (*p == ' ' || *p == '\t') p++;
    int ok = *p && (isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+');
    for (const char *q = p; ok && *q && *q != ' ' && *q != '\t'; q++)
        ok = isdigit((unsigned char)*q) || strchr(".eE+-", *q);
    char *end = NULL;
    double v = ok ? strtod(p, &end) : 0;
    if (ok) {
        while (*end == ' ' || *end == '\t') end++;
        ok = *end == '\0' && end != p && isfinite(v);
    }
    if (!ok) {
        en_error_add(err, EN_ERROR_INPUT, name, line, f->column, "%s '%s' is not a number", what,
                     f->text);
        return 0;
    }
    *out = v;
    return 1;
}

int en_ktab_csv_detect(const char *data, size_t size)
{
    const char *end = memchr(data, '\n', size);
    if (!end) end = data + size;
    en_error scratch = EN_ERROR_INIT;
    kcsv_line l;
    if (!split_line(data, end, 1, &l, "", &scratch)) {
        en_error_clear(&scratch);
        return 0;
    }
    int yes = l.count >= 4;
    for (size_t k = 2; yes && k < 4; k++) {
        char *e;
        const char *t = l.fields[k].text;
        while (*t == ' ') t++;
        long v = strtol(t, &e, 10);
        while (*e == ' ' || *e == '\r') e++;
        yes = e != t && *e == '\0' && v >= 0;
    }
    line_free(&l);
    en_error_clear(&scratch);
    return yes;
}

en_status en_ktab_csv_load(const char *data, size_t size, const char *name, en_scenario **out,
                           en_error *err)
{
    *out = NULL;
    en_error local = EN_ERROR_INIT;
    /* physical lines, CR before LF dropped */
    size_t line_count = 0, line_capacity = 0;
    kcsv_line *lines = NULL;
    int line_no = 0;
    for (size_t pos = 0; pos < size && local.code == EN_OK;) {
        const char *start = data + pos;
        const char *nl = memchr(start, '\n', size - pos);
        const char *end = nl ? nl : data + size;
        pos = (size_t)(end - data) + 1;
        line_no++;
        if (end > start && end[-1] == '\r') end--;
        en_grow((void **)&lines, &line_capacity, line_count + 1, sizeof *lines);
        if (split_line(start, end, line_no, &lines[line_count], name, &local)) line_count++;
    }
    en_scenario *s = NULL;
    long actors = 0, dims = 0;
    if (local.code != EN_OK) goto done;
    if (line_count < 2 || lines[0].count < 4) {
        en_error_add(&local, EN_ERROR_INPUT, name, 1, 1,
                     "the first line has %zu field%s (expected: scenario name, description, "
                     "number of actors, number of dimensions)",
                     line_count ? lines[0].count : 0, line_count && lines[0].count == 1 ? "" : "s");
        goto done;
    }
    const kcsv_line *head = &lines[0];
    double v = 0;
    if (parse_number(&head->fields[2], 1, "number of actors", &v, name, &local) &&
        (v != floor(v) || v < 3 || v > 250))
        en_error_add(&local, EN_ERROR_INPUT, name, 1, head->fields[2].column,
                     "number of actors %g is out of range (expected a whole number from 3 to 250)", v);
    actors = v >= 3 && v <= 250 ? (long)v : 0;
    v = 0;
    if (parse_number(&head->fields[3], 1, "number of dimensions", &v, name, &local) &&
        (v != floor(v) || v < 1 || v > 10000))
        en_error_add(&local, EN_ERROR_INPUT, name, 1, head->fields[3].column,
                     "number of dimensions %g is out of range (expected a whole number >= 1)", v);
    dims = v >= 1 && v <= 10000 ? (long)v : 0;
    if (strlen(head->fields[0].text) > 512)
        en_error_add(&local, EN_ERROR_INPUT, name, 1, 1,
                     "scenario name has %zu characters (expected at most 512)", strlen(head->fields[0].text));
    if (strlen(head->fields[1].text) > 512)
        en_error_add(&local, EN_ERROR_INPUT, name, 1, head->fields[1].column,
                     "scenario description has %zu characters (expected at most 512)",
                     strlen(head->fields[1].text));
    if (local.code != EN_OK) goto done;
    size_t needed = 3 + 2 * (size_t)dims;
    const kcsv_line *header = &lines[1];
    if (header->count < needed) {
        en_error_add(&local, EN_ERROR_INPUT, name, 2, 1,
                     "the column header has %zu fields (expected Actor, Description, Power and a "
                     "position and a salience column for each of the %ld dimensions: %zu)",
                     header->count, dims, needed);
        goto done;
    }
    s = en_scenario_new(name, EN_FORMAT_KTAB_CSV);
    /* KTAB breaks ties by actor order: keep the file's for exactness (docs/models/smp.md) */
    en_scenario_add_setting(s, "actor_order", "file");
    s->title = en_xstrdup(head->fields[0].text);
    if (head->fields[1].text[0]) s->description = en_xstrdup(head->fields[1].text);
    for (long k = 0; k < dims; k++) {
        const kcsv_field *f = &header->fields[3 + 2 * k];
        if (!f->text[0])
            en_error_add(&local, EN_ERROR_INPUT, name, 2, f->column,
                         "dimension %ld has an empty position header (expected the dimension's name)",
                         k + 1);
        en_issue *issue = en_scenario_add_issue(s);
        issue->id = en_xstrdup(f->text);
        issue->name = en_xstrdup(f->text);
        issue->scale_min = 0;
        issue->scale_max = 100;
        issue->space = en_xstrdup(EN_KTAB_SPACE);
        issue->where.line = 2;
        issue->where.column = f->column;
    }
    if ((size_t)actors + 2 > line_count) {
        en_error_add(&local, EN_ERROR_INPUT, name, (int)line_count + (line_count && lines[line_count - 1].count ? 1 : 0), 1,
                     "the file ends after %zu actor line%s (line 1 announces %ld actors)",
                     line_count - 2, line_count - 2 == 1 ? "" : "s", actors);
        goto done;
    }
    for (long a = 0; a < actors && en_error_count(&local) < EN_ERROR_LIMIT; a++) {
        const kcsv_line *l = &lines[2 + a];
        if (l->count < needed) {
            en_error_add(&local, EN_ERROR_INPUT, name, l->line,
                         l->count ? l->fields[l->count - 1].column : 1,
                         "actor line has %zu field%s (expected name, description, capability and "
                         "a position and a salience for each of the %ld dimensions: %zu)",
                         l->count, l->count == 1 ? "" : "s", dims, needed);
            continue;
        }
        const char *actor_name = l->fields[0].text;
        size_t length = strlen(actor_name);
        if (length < 1 || length > 25)
            en_error_add(&local, EN_ERROR_INPUT, name, l->line, 1,
                         "actor name '%s' has %zu characters (expected 1 to 25)", actor_name, length);
        if (strlen(l->fields[1].text) > 256)
            en_error_add(&local, EN_ERROR_INPUT, name, l->line, l->fields[1].column,
                         "actor description has %zu characters (expected at most 256)",
                         strlen(l->fields[1].text));
        en_actor *actor = en_scenario_add_actor(s);
        actor->id = en_xstrdup(actor_name);
        if (l->fields[1].text[0]) actor->note = en_xstrdup(l->fields[1].text);
        actor->where.line = l->line;
        actor->where.column = 1;
        double cap = 0;
        if (parse_number(&l->fields[2], l->line, "capability", &cap, name, &local) &&
            !(cap > 0 && cap <= 1e8))
            en_error_add(&local, EN_ERROR_INPUT, name, l->line, l->fields[2].column,
                         "capability %g is out of range (expected a number > 0 and <= 1e8; KTAB "
                         "cannot weigh the votes of an actor with capability 0)", cap);
        actor->capability = en_value_fixed(cap, 0, HUGE_VAL);
        actor->capability.where.line = l->line;
        actor->capability.where.column = l->fields[2].column;
        double total = 0;
        int all_read = 1;
        for (long k = 0; k < dims; k++) {
            const kcsv_field *pf = &l->fields[3 + 2 * k], *sf = &l->fields[4 + 2 * k];
            double pos = 0, sal = 0;
            if (parse_number(pf, l->line, "position", &pos, name, &local) && !(pos >= 0 && pos <= 100))
                en_error_add(&local, EN_ERROR_INPUT, name, l->line, pf->column,
                             "position %g is out of range (expected a number in [0, 100])", pos);
            if (!parse_number(sf, l->line, "salience", &sal, name, &local)) all_read = 0;
            else if (!(sal >= 0 && sal <= 100))
                en_error_add(&local, EN_ERROR_INPUT, name, l->line, sf->column,
                             "salience %g is out of range (expected a number in [0, 100])", sal);
            total += sal;
            en_stance *st = &actor->stances[k];
            st->present = 1;
            st->position = en_value_fixed(pos, 0, 100);
            st->position.where.line = l->line;
            st->position.where.column = pf->column;
            st->salience = en_value_fixed(sal / 100.0, 0, 1);
            st->salience.where.line = l->line;
            st->salience.where.column = sf->column;
            st->where = st->position.where;
        }
        if (all_read && total > 100 + 1e-9)
            en_error_add(&local, EN_ERROR_INPUT, name, l->line, l->fields[4].column,
                         "saliences add up to %g (expected at most 100 over all dimensions)", total);
        if (all_read && !(total > 0))
            en_error_add(&local, EN_ERROR_INPUT, name, l->line, l->fields[4].column,
                         "actor '%s' has salience 0 on every dimension (expected a positive "
                         "salience on at least one)", actor_name);
    }
done:
    for (size_t i = 0; i < line_count; i++) line_free(&lines[i]);
    en_free(lines);
    if (local.code != EN_OK) {
        en_scenario_free(s);
        en_error_move(err, &local);
        return EN_ERROR_INPUT;
    }
    *out = s;
    return EN_OK;
}
