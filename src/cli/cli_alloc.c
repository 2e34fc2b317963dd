/*
 * cli_alloc.c — the command's own checked allocation. The library reports running out of
 * memory as an error (EN_ERROR_NOMEM); the command, which has nothing to fall back on, says so
 * and exits with status 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void *checked(void *p, size_t size)
{
    if (!p) {
        if (size) fprintf(stderr, "entente: error: out of memory (allocating %zu bytes)\n", size);
        else fprintf(stderr, "entente: error: out of memory\n"); /* a library call's NULL */
        exit(CLI_INTERNAL);
    }
    return p;
}

void *cli_xmalloc(size_t size) { return checked(malloc(size ? size : 1), size); }

void *cli_xcalloc(size_t count, size_t size)
{
    return checked(calloc(count ? count : 1, size ? size : 1), count * size);
}

void *cli_xrealloc(void *ptr, size_t size) { return checked(realloc(ptr, size ? size : 1), size); }

char *cli_xstrdup(const char *text)
{
    if (!text) return NULL;
    size_t n = strlen(text) + 1;
    return memcpy(cli_xmalloc(n), text, n);
}

char *cli_xprintf(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(NULL, 0, format, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *text = cli_xmalloc((size_t)n + 1);
    va_start(ap, format);
    vsnprintf(text, (size_t)n + 1, format, ap);
    va_end(ap);
    return text;
}

char *cli_xstrndup(const char *text, size_t length)
{
    if (!text) return NULL;
    size_t n = strnlen(text, length);
    char *copy = cli_xmalloc(n + 1);
    memcpy(copy, text, n);
    copy[n] = '\0';
    return copy;
}

en_params *cli_params_for_model(const en_params *params, const en_model *model)
{
    return checked(en_params_for_model(params, model), 0);
}
