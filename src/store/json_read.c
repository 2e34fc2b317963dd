/*
 * json_read.c — parses JSON text back into an en_node tree. The store keeps model extras and
 * analysis documents as the JSON the writer (core/node.c) produced; `entente show` and the
 * report turn them back into trees so the writers print them exactly as the run did. Numbers
 * go through strtod, which reads the writer's shortest round-trip form back to the same double.
 */
#include "store/json_read.h"

#include "core/oom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const char *p;
    int depth;
} reader;

/* Deep enough for any extra a model writes; bounds the recursion on hostile input. */
enum { MAX_DEPTH = 256 };

static void skip_space(reader *r)
{
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r') r->p++;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int read_hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(p[i]);
        if (d < 0) return 0;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 1;
}

static void put_utf8(en_buffer *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    en_buffer_append(b, u, n);
}

/* Reads a string after its opening quote; returns a malloc'd copy or NULL. */
static char *read_string(reader *r)
{
    en_buffer b = {0};
    en_buffer_append(&b, "", 0);
    for (;;) {
        char c = *r->p++;
        if (c == '"') break;
        if (c == '\0' || (unsigned char)c < 0x20) goto fail;
        if (c != '\\') {
            en_buffer_append(&b, &c, 1);
            continue;
        }
        char e = *r->p++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char decoded[] = "\"\\/\b\f\n\r\t";
            en_buffer_append(&b, &decoded[simple - "\"\\/bfnrt"], 1);
        } else if (e == 'u') {
            unsigned cp;
            if (!read_hex4(r->p, &cp)) goto fail;
            r->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00) { /* a surrogate pair encodes one code point */
                unsigned low;
                if (r->p[0] != '\\' || r->p[1] != 'u' || !read_hex4(r->p + 2, &low) ||
                    low < 0xDC00 || low > 0xDFFF)
                    goto fail;
                r->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            put_utf8(&b, cp);
        } else {
            goto fail;
        }
    }
    return b.data;
fail:
    en_buffer_free(&b);
    return NULL;
}

static en_node *read_value(reader *r);

static en_node *read_container(reader *r, int object)
{
    en_node *node = en_node_new(object ? EN_NODE_OBJECT : EN_NODE_ARRAY);
    char close = object ? '}' : ']';
    skip_space(r);
    if (*r->p == close) {
        r->p++;
        return node;
    }
    for (;;) {
        char *key = NULL;
        skip_space(r);
        if (object) {
            if (*r->p != '"') goto fail;
            r->p++;
            key = read_string(r);
            if (!key) goto fail;
            skip_space(r);
            if (*r->p != ':') {
                en_free(key);
                goto fail;
            }
            r->p++;
        }
        en_node *child = read_value(r);
        if (!child) {
            en_free(key);
            goto fail;
        }
        if (object) en_node_set(node, key, child);
        else en_node_push(node, child);
        en_free(key);
        skip_space(r);
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        if (*r->p == close) {
            r->p++;
            return node;
        }
        goto fail;
    }
fail:
    en_node_free(node);
    return NULL;
}

static en_node *read_value(reader *r)
{
    skip_space(r);
    if (++r->depth > MAX_DEPTH) return NULL;
    en_node *node = NULL;
    const char *p = r->p;
    if (*p == '{' || *p == '[') {
        r->p++;
        node = read_container(r, *p == '{');
    } else if (*p == '"') {
        r->p++;
        char *text = read_string(r);
        if (text) {
            node = en_node_string(text);
            en_free(text);
        }
    } else if (strncmp(p, "true", 4) == 0 || strncmp(p, "false", 5) == 0) {
        node = en_node_bool(*p == 't');
        r->p += *p == 't' ? 4 : 5;
    } else if (strncmp(p, "null", 4) == 0) {
        node = en_node_new(EN_NODE_NULL);
        r->p += 4;
    } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
        char *end;
        double v = strtod(p, &end);
        /* A number out of a double's range (1e999) is refused, not read as an infinity: no
         * JSON text can hold one, so nothing written from it would read back the same. */
        if (end != p && isfinite(v)) {
            node = en_node_number(v);
            r->p = end;
        }
    }
    r->depth--;
    return node;
}

static en_node *parse_unguarded(const char *text);
static en_status parse(const char *text, en_node **out);

/* Under an out-of-memory guard (core/oom.h): a failure gives NULL, like a syntax error. */
en_node *en_json_parse(const char *text)
{
    en_node *node = NULL;
    en_status st;
    EN_GUARDED(st, NULL, (void)0, parse(text, &node));
    return st == EN_OK ? node : NULL;
}

static en_status parse(const char *text, en_node **out)
{
    en_node *node = parse_unguarded(text);
    *out = node;
    return EN_OK;
}

static en_node *parse_unguarded(const char *text)
{
    if (!text) return NULL;
    reader r = {text, 0};
    en_node *node = read_value(&r);
    if (!node) return NULL;
    skip_space(&r);
    if (*r.p != '\0') {
        en_node_free(node);
        return NULL;
    }
    return node;
}
