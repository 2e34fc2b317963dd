/*
 * csv.c — the stakeholder sheet of the Bueno de Mesquita tools: one issue, one row per actor,
 * header `Actor,Capability,Position,Salience` (case-insensitive; Stakeholder for Actor,
 * Resources or Power for Capability). LF, CRLF or CR line ends; double-quoted fields; comma,
 * semicolon or TAB as delimiter (taken from the header). Salience on 0–100 is divided by 100
 * (decided for the whole sheet: if any salience exceeds 1). The issue's scale is --scale, or
 * the range of the positions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "io/load.h"

typedef struct csv_field {
    char *text;
    int column;
} csv_field;

typedef struct csv_row {
    csv_field *fields;
    size_t count, capacity;
    int line;
} csv_row;

static void free_row(csv_row *row)
{
    for (size_t i = 0; i < row->count; i++) en_free(row->fields[i].text);
    en_free(row->fields);
    memset(row, 0, sizeof *row);
}

static void trim(char *text)
{
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t')) text[--n] = '\0';
    size_t start = 0;
    while (text[start] == ' ' || text[start] == '\t') start++;
    if (start) memmove(text, text + start, n - start + 1);
}

/* Reads one record starting at *pos; returns 0 at end of input. A quoted field may span line
 * ends; `line` tracks the physical line. */
static int read_row(const char *data, size_t size, size_t *pos, int *line, char delimiter,
                    csv_row *row, const char *name, en_error *err, int *bad)
{
    if (*pos >= size) return 0;
    row->line = *line;
    size_t i = *pos;
    int column = 1;
    for (;;) {
        en_buffer field = {0};
        int field_column = column;
        int quoted = 0;
        while (i < size && (data[i] == ' ' || data[i] == '\t') && data[i] != delimiter) {
            i++;
            column++;
        }
        if (i < size && data[i] == '"') {
            quoted = 1;
            field_column = column;
            i++, column++;
            for (;;) {
                if (i >= size) {
                    en_error_add(err, EN_ERROR_INPUT, name, row->line, field_column,
                                 "quoted field is not closed (expected a closing \")");
                    *bad = 1;
                    break;
                }
                if (data[i] == '"') {
                    if (i + 1 < size && data[i + 1] == '"') {
                        en_buffer_append(&field, "\"", 1);
                        i += 2, column += 2;
                        continue;
                    }
                    i++, column++;
                    break;
                }
                if (data[i] == '\n' || data[i] == '\r') {
                    if (data[i] == '\r' && i + 1 < size && data[i + 1] == '\n') i++;
                    (*line)++;
                    column = 0;
                }
                en_buffer_append(&field, &data[i], 1);
                i++, column++;
            }
        }
        while (i < size && data[i] != delimiter && data[i] != '\n' && data[i] != '\r') {
            if (quoted && data[i] != ' ' && data[i] != '\t' && !*bad) {
                en_error_add(err, EN_ERROR_INPUT, name, *line, column,
                             "text after a closing quote (expected a delimiter or line end)");
                *bad = 1;
            }
            en_buffer_append(&field, &data[i], 1);
            i++, column++;
        }
        EN_GROW(row->fields, row->capacity, row->count + 1);
        row->fields[row->count].text = field.data ? field.data : en_xstrdup("");
        if (!quoted) trim(row->fields[row->count].text);
        row->fields[row->count].column = field_column;
        row->count++;
        if (i < size && data[i] == delimiter) {
            i++, column++;
            continue;
        }
        break;
    }
    /* One line end: CRLF, LF or CR. */
    if (i < size && data[i] == '\r') {
        i++;
        if (i < size && data[i] == '\n') i++;
    } else if (i < size && data[i] == '\n') {
        i++;
    }
    (*line)++;
    *pos = i;
    return 1;
}

static int blank_row(const csv_row *row)
{
    for (size_t i = 0; i < row->count; i++)
        if (row->fields[i].text[0]) return 0;
    return 1;
}

enum { COL_ACTOR, COL_CAPABILITY, COL_POSITION, COL_SALIENCE, COL_COUNT };
static const char *const column_names[COL_COUNT] = {"Actor", "Capability", "Position", "Salience"};

static int column_kind(const char *header)
{
    static const struct { const char *name; int kind; } names[] = {
        {"actor", COL_ACTOR},       {"stakeholder", COL_ACTOR},   {"capability", COL_CAPABILITY},
        {"resources", COL_CAPABILITY}, {"power", COL_CAPABILITY}, {"position", COL_POSITION},
        {"salience", COL_SALIENCE},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (en_strcasecmp(header, names[i].name) == 0) return names[i].kind;
    return -1;
}

static char pick_delimiter(const char *data, size_t size)
{
    size_t end = 0;
    while (end < size && data[end] != '\n' && data[end] != '\r') end++;
    size_t commas = 0, semicolons = 0, tabs = 0;
    for (size_t i = 0; i < end; i++) {
        commas += data[i] == ',';
        semicolons += data[i] == ';';
        tabs += data[i] == '\t';
    }
    if (commas >= semicolons && commas >= tabs) return ',';
    return tabs > semicolons ? '\t' : ';';
}

static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return en_xstrndup(base, n);
}

en_status en_csv_load(const char *data, size_t size, const char *name,
                      const en_load_options *options, en_scenario **out, en_error *err)
{
    *out = NULL;
    en_error local = EN_ERROR_INIT;
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3, size -= 3;
    char delimiter = pick_delimiter(data, size);
    size_t pos = 0;
    int line = 1, bad = 0;
    csv_row row = {0};
    /* header: the first non-blank row */
    int found_header = 0;
    while (read_row(data, size, &pos, &line, delimiter, &row, name, &local, &bad)) {
        if (!blank_row(&row)) {
            found_header = 1;
            break;
        }
        free_row(&row);
    }
    if (!found_header) {
        free_row(&row);
        return en_error_add(err, EN_ERROR_INPUT, name, 1, 1,
                            "no header row (expected Actor,Capability,Position,Salience)");
    }
    en_scenario *s = en_scenario_new(name, EN_FORMAT_CSV);
    int index_of[COL_COUNT] = {-1, -1, -1, -1};
    size_t header_count = row.count;
    for (size_t c = 0; c < row.count; c++) {
        int kind = column_kind(row.fields[c].text);
        if (kind >= 0 && index_of[kind] < 0) {
            index_of[kind] = (int)c;
        } else {
            en_scenario_add_note(s, row.line, row.fields[c].column,
                                 "column '%s' is not used and was ignored", row.fields[c].text);
        }
    }
    for (int k = 0; k < COL_COUNT; k++)
        if (index_of[k] < 0)
            en_error_add(&local, EN_ERROR_INPUT, name, row.line, 1,
                         "missing column '%s' (expected header Actor,Capability,Position,Salience)",
                         column_names[k]);
    free_row(&row);
    if (local.code != EN_OK) {
        en_scenario_free(s);
        en_error_move(err, &local);
        return EN_ERROR_INPUT;
    }

    char *stem = file_stem(name);
    s->title = en_xstrdup(stem);
    en_issue *issue = en_scenario_add_issue(s);
    issue->id = en_xstrdup("issue");
    issue->name = stem;
    issue->where.line = 1;
    issue->where.column = 1;

    int percent = 0;
    while (read_row(data, size, &pos, &line, delimiter, &row, name, &local, &bad)) {
        if (blank_row(&row)) {
            free_row(&row);
            continue;
        }
        int needed = 0;
        for (int k = 0; k < COL_COUNT; k++)
            if (index_of[k] + 1 > needed) needed = index_of[k] + 1;
        if ((int)row.count < needed) {
            int col = row.count ? row.fields[row.count - 1].column : 1;
            en_error_add(&local, EN_ERROR_INPUT, name, row.line, col,
                         "row has %zu field%s (expected at least %d: Actor, Capability, Position, Salience)",
                         row.count, row.count == 1 ? "" : "s", needed);
            free_row(&row);
            continue;
        }
        /* A value beyond the header's columns has no column to go to: refused rather than
         * dropped (empty trailing fields, as spreadsheets export them, are fine). */
        size_t extra = header_count;
        while (extra < row.count && !row.fields[extra].text[0]) extra++;
        if (extra < row.count) {
            en_error_add(&local, EN_ERROR_INPUT, name, row.line, row.fields[extra].column,
                         "row has a value in field %zu, beyond the header's %zu column%s "
                         "(expected Actor, Capability, Position, Salience; quote a value that "
                         "holds the delimiter)", extra + 1, header_count,
                         header_count == 1 ? "" : "s");
            free_row(&row);
            continue;
        }
        en_actor *actor = en_scenario_add_actor(s);
        csv_field *f_actor = &row.fields[index_of[COL_ACTOR]];
        actor->where.line = row.line;
        actor->where.column = f_actor->column;
        if (!f_actor->text[0]) {
            en_error_add(&local, EN_ERROR_INPUT, name, row.line, f_actor->column,
                         "empty actor name (expected a name)");
            actor->id = en_xprintf("#%zu", s->actor_count);
        } else {
            actor->id = en_xstrdup(f_actor->text);
        }
        actor->name = en_xstrdup(actor->id);
        double values[COL_COUNT] = {0};
        for (int k = COL_CAPABILITY; k < COL_COUNT; k++) {
            csv_field *f = &row.fields[index_of[k]];
            if (!en_parse_double(f->text, &values[k]))
                en_error_add(&local, EN_ERROR_INPUT, name, row.line, f->column,
                             "%s '%s' is not a number (expected a finite decimal number)",
                             column_names[k], f->text);
        }
        actor->capability = en_value_fixed(values[COL_CAPABILITY], 0, HUGE_VAL);
        actor->capability.where = (en_location){row.line, row.fields[index_of[COL_CAPABILITY]].column};
        en_stance *stance = &actor->stances[0];
        stance->present = 1;
        stance->where = actor->where;
        stance->position = en_value_fixed(values[COL_POSITION], -HUGE_VAL, HUGE_VAL);
        stance->position.where = (en_location){row.line, row.fields[index_of[COL_POSITION]].column};
        stance->salience = en_value_fixed(values[COL_SALIENCE], 0, 100);
        stance->salience.where = (en_location){row.line, row.fields[index_of[COL_SALIENCE]].column};
        if (values[COL_SALIENCE] > 1) percent = 1;
        free_row(&row);
    }
    free_row(&row);

    if (percent) {
        en_scenario_add_note(s, 1, 1, "salience above 1 found: all saliences read as percentages (divided by 100)");
        for (size_t a = 0; a < s->actor_count; a++) s->actors[a].stances[0].salience.value /= 100.0;
    }
    for (size_t a = 0; a < s->actor_count; a++) s->actors[a].stances[0].salience.max_valid = 1;

    if (options && options->has_scale) {
        issue->scale_min = options->scale_min;
        issue->scale_max = options->scale_max;
    } else if (s->actor_count > 0) {
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (size_t a = 0; a < s->actor_count; a++) {
            double x = s->actors[a].stances[0].position.value;
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        issue->scale_min = lo;
        issue->scale_max = hi;
        if (!(lo < hi) && local.code == EN_OK)
            en_error_add(&local, EN_ERROR_INPUT, name, 1, 1,
                         "every actor holds position %g: the scale cannot be inferred (give --scale MIN,MAX)",
                         lo);
    }
    for (size_t a = 0; a < s->actor_count; a++) {
        s->actors[a].stances[0].position.min_valid = issue->scale_min;
        s->actors[a].stances[0].position.max_valid = issue->scale_max;
    }
    if (local.code != EN_OK) {
        en_scenario_free(s);
        en_error_move(err, &local);
        return EN_ERROR_INPUT;
    }
    *out = s;
    return EN_OK;
}
