/*
 * terminal.c — filtering terminal control codes out of text shown on a terminal (terminal.h).
 */
#include "core/terminal.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/error.h"

void en_terminal_filter(en_buffer *out, const char *text, size_t length)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t start = 0;
    for (size_t k = 0; k < length; k++) {
        unsigned char c = p[k];
        int c0 = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F;
        int c1 = c == 0xC2 && k + 1 < length && p[k + 1] >= 0x80 && p[k + 1] <= 0x9F;
        if (!c0 && !c1) continue;
        en_buffer_append(out, text + start, k - start);
        if (c0) {
            char caret[3] = {'^', (char)(c == 0x7F ? '?' : c + 0x40), '\0'};
            en_buffer_puts(out, caret);
        } else {
            en_buffer_printf(out, "<U+%04X>", (unsigned)p[k + 1]);
            k++;
        }
        start = k + 1;
    }
    en_buffer_append(out, text + start, length - start);
}

int en_is_terminal(FILE *file)
{
    int fd = file ? fileno(file) : -1;
    return fd >= 0 && isatty(fd);
}

/* Filtered straight onto the stream, run by run (the same output as en_terminal_filter), so
 * that writing needs no memory of its own: a message still gets out when memory has run out. */
int en_write_text(FILE *file, const char *text, size_t length)
{
    if (!length) return 1;
    if (!en_is_terminal(file)) return fwrite(text, 1, length, file) == length;
    const unsigned char *p = (const unsigned char *)text;
    size_t start = 0;
    int ok = 1;
    for (size_t k = 0; k < length; k++) {
        unsigned char c = p[k];
        int c0 = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F;
        int c1 = c == 0xC2 && k + 1 < length && p[k + 1] >= 0x80 && p[k + 1] <= 0x9F;
        if (!c0 && !c1) continue;
        if (k > start) ok &= fwrite(text + start, 1, k - start, file) == k - start;
        if (c0) {
            ok &= fprintf(file, "^%c", c == 0x7F ? '?' : c + 0x40) == 2;
        } else {
            ok &= fprintf(file, "<U+%04X>", (unsigned)p[k + 1]) == 8;
            k++;
        }
        start = k + 1;
    }
    if (length > start) ok &= fwrite(text + start, 1, length - start, file) == length - start;
    return ok;
}

en_status en_buffer_flush(en_buffer *out, FILE *file, en_error *err)
{
    size_t n = out->length;
    /* Text cut short by a failed growth is not written at all. */
    if (out->failed) {
        en_buffer_free(out);
        return en_error_set(err, EN_ERROR_NOMEM, "out of memory");
    }
    /* On a terminal, control codes from names and notes are shown, not obeyed. */
    if (n && !en_write_text(file, out->data, n)) {
        en_buffer_free(out);
        return en_error_set(err, EN_ERROR_INTERNAL, "cannot write the output");
    }
    en_buffer_free(out);
    if (fflush(file) != 0) return en_error_set(err, EN_ERROR_INTERNAL, "cannot write the output");
    return EN_OK;
}
