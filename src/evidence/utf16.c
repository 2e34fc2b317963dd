/*
 * utf16.c — UTF-8 text as UTF-16 with a map back to the bytes (utf16.h).
 */
#include "evidence/utf16.h"

#include "core/util.h"

unsigned int en_ev_utf8_decode(const char *text, size_t i, size_t end, size_t *len)
{
    const unsigned char *p = (const unsigned char *)text + i;
    unsigned int c = p[0];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + n > end) n = 1;
    unsigned int cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t k = 1; k < n; k++) cp = (cp << 6) | (p[k] & 0x3Fu);
    *len = n;
    return cp;
}

size_t en_ev_utf16(const char *text, size_t start, size_t end, UChar **u_out, size_t **map_out)
{
    /* every character takes at least as many bytes as code units (a 4-byte one takes two) */
    size_t bytes = end - start;
    UChar *u = en_xmalloc((bytes + 1) * sizeof *u);
    size_t *map = en_xmalloc((bytes + 2) * sizeof *map);
    size_t n = 0;
    for (size_t i = start; i < end;) {
        size_t len;
        unsigned int cp = en_ev_utf8_decode(text, i, end, &len);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            map[n] = i, u[n++] = (UChar)(0xD800 + (cp >> 10));
            map[n] = i, u[n++] = (UChar)(0xDC00 + (cp & 0x3FF));
        } else {
            map[n] = i, u[n++] = (UChar)cp;
        }
        i += len;
    }
    map[n] = end;
    *u_out = u;
    *map_out = map;
    return n;
}
