/*
 * terminal.h — text bound for a terminal without the terminal codes hidden in it. Names,
 * labels and notes come from other people's files; written raw to a terminal, an ESC sequence
 * in an actor's name could recolour, retitle, clear or (on some terminals) program the screen.
 * Output to files and pipes is left byte for byte as it is.
 */
#ifndef ENTENTE_CORE_TERMINAL_H
#define ENTENTE_CORE_TERMINAL_H

#include <stddef.h>
#include <stdio.h>

#include "core/util.h"
#include "entente.h"

/* Appends `text` with every control character except newline and tab made visible: C0 codes
 * and DEL in caret notation (ESC as ^[, CR as ^M, DEL as ^?), C1 codes (U+0080–U+009F, which
 * some terminals obey like ESC sequences) as <U+009B> and so on. Time complexity: O(length). */
void en_terminal_filter(en_buffer *out, const char *text, size_t length);

/* Whether `file` is a terminal. */
int en_is_terminal(FILE *file);

/* en_write_text (filtered when the file is a terminal) is public: include/entente/util.h. */

/* Writes the buffer to `file` (filtered as en_write_text filters), flushes it and frees the
 * buffer whatever happens. Errors: EN_ERROR_INTERNAL "cannot write the output" when writing or
 * flushing fails; EN_ERROR_NOMEM, writing nothing, when a growth of the buffer failed
 * (en_buffer.failed). Time complexity: O(length). */
en_status en_buffer_flush(en_buffer *out, FILE *file, en_error *err);

#endif
