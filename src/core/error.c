/*
 * error.c — the error type: located problems, chained when a loader finds several, printed in
 * the one format the CLI uses (`FILE:LINE:COL: error: MESSAGE`).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/terminal.h"
#include "core/util.h"

void en_error_clear(en_error *err)
{
    if (!err) return;
    en_error *next = err->next;
    while (next) {
        en_error *after = next->next;
        en_free(next);
        next = after;
    }
    memset(err, 0, sizeof *err);
}

size_t en_error_count(const en_error *err)
{
    if (!err || err->code == EN_OK) return 0;
    size_t n = 0;
    for (const en_error *e = err; e; e = e->next) n++;
    return n;
}

static en_error *slot_for_new(en_error *err)
{
    if (err->code == EN_OK) return err;
    en_error *last = err;
    size_t n = 1;
    while (last->next) {
        last = last->next;
        n++;
    }
    if (n >= EN_ERROR_LIMIT) return NULL;
    /* Inside an out-of-memory guard the node is recorded like any block (a loader's own error
     * list is released on an unwind; the caller's is kept, core/oom.h); outside one, a problem
     * that finds no memory is dropped rather than ending the process. */
    last->next = en_oom_active() ? en_xcalloc(1, sizeof *last->next) : calloc(1, sizeof *last->next);
    return last->next;
}

static en_status vadd(en_error *err, en_status code, const char *file, int line, int column,
                      const char *format, va_list ap)
{
    if (!err) return code;
    en_error *slot = slot_for_new(err);
    if (!slot) return code;
    slot->code = code;
    vsnprintf(slot->message, sizeof slot->message, format, ap);
    snprintf(slot->file, sizeof slot->file, "%s", file ? file : "");
    slot->line = line;
    slot->column = column;
    return code;
}

en_status en_error_add(en_error *err, en_status code, const char *file, int line, int column,
                       const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vadd(err, code, file, line, column, format, ap);
    va_end(ap);
    return code;
}

en_status en_error_set(en_error *err, en_status code, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vadd(err, code, NULL, 0, 0, format, ap);
    va_end(ap);
    return code;
}

void en_error_move(en_error *to, en_error *from)
{
    for (en_error *e = from; e && e->code != EN_OK; e = e->next) {
        en_error_add(to, e->code, e->file, e->line, e->column, "%s", e->message);
    }
    en_error_clear(from);
}

void en_error_print(const en_error *err, FILE *out)
{
    size_t n = 0;
    for (const en_error *e = err; e && e->code != EN_OK; e = e->next, n++) {
        /* Messages quote names from the input: on a terminal their control codes are shown.
         * The line is formatted on the stack (file and message are bounded), so printing an
         * error needs no memory: "out of memory" itself gets out. */
        char line[sizeof e->file + sizeof e->message + 64];
        int n;
        if (e->file[0] && e->line > 0)
            n = snprintf(line, sizeof line, "%s:%d:%d: error: %s\n", e->file, e->line,
                         e->column > 0 ? e->column : 1, e->message);
        else if (e->file[0])
            n = snprintf(line, sizeof line, "%s: error: %s\n", e->file, e->message);
        else
            n = snprintf(line, sizeof line, "entente: error: %s\n", e->message);
        if (n > 0) en_write_text(out, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    }
    if (n >= EN_ERROR_LIMIT) fprintf(out, "entente: note: stopped after %d problems\n", EN_ERROR_LIMIT);
}

int en_error_exit_status(const en_error *err)
{
    if (!err || err->code == EN_OK) return 0;
    if (err->code == EN_ERROR_INTERNAL || err->code == EN_ERROR_NOMEM) return 1;
    return 2;
}

const char *en_version(void)
{
    return ENTENTE_VERSION_STRING;
}
