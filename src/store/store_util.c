/*
 * store_util.c — what recording a run needs besides SQL: timestamps, the scenario's SHA-256
 * (Nettle, Debian's nettle-dev: a real cryptographic hash, so a stored hash can be checked
 * against `sha256sum FILE`), and reading the scenario and its source files.
 */
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/scenario.h"
#include "core/util.h"
#include "io/load.h"
#include "io/sources.h"
#include "store/store.h"

void en_store_now(char *out, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char seconds[32];
    strftime(seconds, sizeof seconds, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03ldZ", seconds, ts.tv_nsec / 1000000L);
}

void en_store_sha256(const void *data, size_t length, char hex[65])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, length, (const uint8_t *)data);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

char *en_store_read_file(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    en_buffer b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.length + n > EN_MAX_INPUT_BYTES) { /* the loader refuses it anyway */
            fclose(f);
            en_buffer_free(&b);
            return NULL;
        }
        if (en_buffer_append(&b, chunk, n) != EN_OK) break; /* out of memory: b.failed */
    }
    int failed = ferror(f);
    fclose(f);
    if (!b.failed && !b.data) en_buffer_append(&b, "", 0);
    if (b.failed) { /* never a text cut short */
        en_buffer_free(&b);
        errno = ENOMEM;
        return NULL;
    }
    if (failed) {
        en_buffer_free(&b);
        return NULL;
    }
    if (length) *length = b.length;
    return b.data;
}

char **en_store_read_sources(const en_scenario *s)
{
    /* The confined reader (io/sources.c); a source it refuses is simply not read here. */
    char **texts = NULL;
    en_error ignored = EN_ERROR_INIT;
    en_sources_read(s, NULL, &texts, &ignored);
    int nomem = en_error_count(&ignored) && ignored.code == EN_ERROR_NOMEM;
    for (const en_error *e = &ignored; e && !nomem; e = e->next) nomem = e->code == EN_ERROR_NOMEM;
    en_error_clear(&ignored);
    if (nomem) errno = ENOMEM; /* texts is NULL */
    return texts;
}

void en_store_free_texts(char **texts, size_t count)
{
    if (!texts) return;
    for (size_t k = 0; k < count; k++) en_free(texts[k]);
    en_free(texts);
}
