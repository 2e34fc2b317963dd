/*
 * load.c — en_scenario_load: reads the file, picks the loader by option, extension or content,
 * and returns a validated scenario or every problem found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/util.h"
#include "io/decide.h"
#include "io/deu.h"
#include "io/ktab.h"
#include "io/load.h"

en_status en_check_text(const char *data, size_t size, const char *name, en_error *err)
{
    size_t i = 0;
    while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    if (i == size)
        return en_error_add(err, EN_ERROR_INPUT, name, 0, 0,
                            "the file is empty (expected a scenario)");
    if (memchr(data, '\0', size)) {
        const char *nul = memchr(data, '\0', size);
        int line = 1, column = 1;
        for (const char *p = data; p < nul; p++) {
            if (*p == '\n') line++, column = 1;
            else column++;
        }
        return en_error_add(err, EN_ERROR_INPUT, name, line, column,
                            "the file contains a NUL byte (expected a text file)");
    }
    /* Scenario files are UTF-8 text. Checking it here also keeps malformed bytes away from
     * the YAML parser, which can loop on them inside a directive line. */
    int line = 1, column = 1;
    for (size_t k = 0; k < size;) {
        unsigned char c = (unsigned char)data[k];
        size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        int valid = length > 0 && k + length <= size;
        for (size_t j = 1; valid && j < length; j++)
            valid = ((unsigned char)data[k + j] >> 6) == 0x2;
        if (valid && length == 2) valid = c >= 0xC2; /* overlong */
        if (valid && length == 3) {
            unsigned char c1 = (unsigned char)data[k + 1];
            valid = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0); /* overlong, surrogates */
        }
        if (valid && length == 4) {
            unsigned char c1 = (unsigned char)data[k + 1];
            valid = c <= 0xF4 && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (!valid)
            return en_error_add(err, EN_ERROR_INPUT, name, line, column,
                                "invalid UTF-8 byte 0x%02X (expected UTF-8 text)", c);
        if (c == '\n') line++, column = 1;
        else column++;
        k += length;
    }
    return EN_OK;
}

static int has_extension(const char *name, const char *ext)
{
    size_t ln = strlen(name), le = strlen(ext);
    return ln > le && en_strcasecmp(name + ln - le, ext) == 0;
}

/* A Decide file's first non-blank field is a tag such as #A or '#P'. */
static int looks_like_decide(const char *data, size_t size)
{
    size_t i = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* byte-order mark */
    while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    if (i < size && (data[i] == '\'' || data[i] == '"')) i++;
    return i + 1 < size && data[i] == '#' && strchr("APMDO/", data[i + 1]) != NULL;
}

static en_input_format detect(const char *data, size_t size, const char *name)
{
    if (looks_like_decide(data, size)) return EN_FORMAT_DECIDE;
    if (en_deu_detect(data, size)) return EN_FORMAT_DEU;
    if (en_ktab_xml_detect(data, size)) return EN_FORMAT_KTAB_XML;
    if (has_extension(name, ".csv") && en_ktab_csv_detect(data, size)) return EN_FORMAT_KTAB_CSV;
    if (has_extension(name, ".yaml") || has_extension(name, ".yml")) return EN_FORMAT_YAML;
    if (has_extension(name, ".csv") || has_extension(name, ".txt") || has_extension(name, ".tsv"))
        return EN_FORMAT_CSV;
    return EN_FORMAT_YAML;
}

static en_status load_buffer(const char *data, size_t size, const char *name,
                              const en_load_options *options, en_scenario **out, en_error *err)
{
    *out = NULL;
    en_load_options defaults = {0};
    if (!options) options = &defaults;
    if (!name) name = "<input>";
    en_status st = en_check_text(data, size, name, err);
    if (st != EN_OK) return st;
    en_input_format format = options->format;
    if (format == EN_FORMAT_AUTO) format = detect(data, size, name);
    en_scenario *s = NULL;
    if (format == EN_FORMAT_YAML && size > EN_MAX_YAML_BYTES)
        return en_error_add(err, EN_ERROR_INPUT, name, 0, 0,
                            "YAML scenario of %.1f MiB is larger than the limit of %u MiB "
                            "(split the scenario)",
                            (double)size / (1024.0 * 1024.0), EN_MAX_YAML_BYTES >> 20);
    switch (format) {
    case EN_FORMAT_YAML: st = en_yaml_load(data, size, name, &s, err); break;
    case EN_FORMAT_CSV: st = en_csv_load(data, size, name, options, &s, err); break;
    case EN_FORMAT_DECIDE: st = en_decide_load(data, size, name, &s, err); break;
    case EN_FORMAT_DEU: {
        en_scenario **all = NULL;
        size_t count = 0;
        st = en_deu_load(data, size, name, &all, &count, err);
        if (st == EN_OK && count == 1) s = all[0];
        else if (st == EN_OK) {
            for (size_t k = 0; k < count; k++) en_scenario_free(all[k]);
            st = en_error_add(err, EN_ERROR_INPUT, name, 0, 0,
                              "the DEU table holds %zu proposals (expected one here; "
                              "`entente backtest` reads them all)", count);
        }
        en_free(all);
        break;
    }
    case EN_FORMAT_KTAB_CSV: st = en_ktab_csv_load(data, size, name, &s, err); break;
    case EN_FORMAT_KTAB_XML: st = en_ktab_xml_load(data, size, name, &s, err); break;
    default: st = en_error_set(err, EN_ERROR_INTERNAL, "unknown input format"); break;
    }
    if (st != EN_OK) {
        en_scenario_free(s);
        return st;
    }
    if (options->has_scale && format != EN_FORMAT_CSV) {
        en_scenario_free(s);
        return en_error_add(err, EN_ERROR_INPUT, name, 0, 0,
                            "--scale applies to CSV stakeholder sheets only (this file is %s)",
                            format == EN_FORMAT_YAML     ? "YAML"
                            : format == EN_FORMAT_DECIDE ? "a Decide file"
                            : format == EN_FORMAT_DEU    ? "a DEU table"
                                                         : "a KTAB file");
    }
    if (!s->title || !s->title[0]) { /* Decide files without #O, for instance */
        const char *base = strrchr(name, '/');
        en_free(s->title);
        s->title = en_xstrdup(base ? base + 1 : name);
    }
    st = en_scenario_validate(s, err);
    if (st != EN_OK) {
        en_scenario_free(s);
        return st;
    }
    *out = s;
    return EN_OK;
}

static en_status load_all_buffer(const char *data, size_t size, const char *name,
                                  const en_load_options *options, en_scenario ***out,
                                  size_t *count, en_error *err)
{
    *out = NULL;
    *count = 0;
    if (!name) name = "<input>";
    en_load_options defaults = {0};
    if (!options) options = &defaults;
    en_input_format format = options->format;
    if (format == EN_FORMAT_AUTO) {
        en_status st = en_check_text(data, size, name, err);
        if (st != EN_OK) return st;
        format = detect(data, size, name);
    }
    if (format == EN_FORMAT_DEU) {
        en_status st = en_check_text(data, size, name, err);
        if (st != EN_OK) return st;
        if (options->has_scale)
            return en_error_add(err, EN_ERROR_INPUT, name, 0, 0,
                                "--scale applies to CSV stakeholder sheets only (this file is a DEU table)");
        return en_deu_load(data, size, name, out, count, err);
    }
    en_scenario *s = NULL;
    en_status st = load_buffer(data, size, name, options, &s, err);
    if (st != EN_OK) return st;
    *out = en_xcalloc(1, sizeof **out);
    (*out)[0] = s;
    *count = 1;
    return EN_OK;
}

static void close_file(void *file) { fclose(file); }

/* Reads a whole file (at most EN_MAX_INPUT_BYTES) into `content`. */
static en_status read_file(const char *path, en_buffer *content, en_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return en_error_add(err, EN_ERROR_INPUT, path, 0, 0, "cannot open: %s", strerror(errno));
    en_oom_track(f, close_file); /* closed by an unwind should the buffer find no memory */
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (content->length + n > EN_MAX_INPUT_BYTES) {
            en_oom_untrack(f);
            fclose(f);
            en_buffer_free(content);
            return en_error_add(err, EN_ERROR_INPUT, path, 0, 0,
                                "file is larger than %u MiB (expected a scenario)",
                                EN_MAX_INPUT_BYTES >> 20);
        }
        en_buffer_append(content, chunk, n);
    }
    int failed = ferror(f);
    en_oom_untrack(f);
    fclose(f);
    if (failed) {
        en_buffer_free(content);
        return en_error_add(err, EN_ERROR_INPUT, path, 0, 0, "cannot read the file");
    }
    return EN_OK;
}

static en_status load_all(const char *path, const en_load_options *options,
                          en_scenario ***out, size_t *count, en_error *err)
{
    *out = NULL;
    *count = 0;
    en_buffer content = {0};
    en_status st = read_file(path, &content, err);
    if (st != EN_OK) return st;
    st = load_all_buffer(content.data ? content.data : "", content.length, path, options, out,
                         count, err);
    en_buffer_free(&content);
    return st;
}

static en_status load(const char *path, const en_load_options *options, en_scenario **out,
                      en_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return en_error_add(err, EN_ERROR_INPUT, path, 0, 0, "cannot open: %s", strerror(errno));
    en_oom_track(f, close_file); /* closed by an unwind should the buffer find no memory */
    en_buffer content = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (content.length + n > EN_MAX_INPUT_BYTES) {
            en_oom_untrack(f);
            fclose(f);
            en_buffer_free(&content);
            return en_error_add(err, EN_ERROR_INPUT, path, 0, 0,
                                "file is larger than %u MiB (expected a scenario)",
                                EN_MAX_INPUT_BYTES >> 20);
        }
        en_buffer_append(&content, chunk, n);
    }
    int failed = ferror(f);
    en_oom_untrack(f);
    fclose(f);
    if (failed) {
        en_buffer_free(&content);
        return en_error_add(err, EN_ERROR_INPUT, path, 0, 0, "cannot read the file");
    }
    en_status st = load_buffer(content.data ? content.data : "", content.length, path, options,
                               out, err);
    en_buffer_free(&content);
    return st;
}

/* ---- the public entry points: each runs under an out-of-memory guard (core/oom.h) -------- */

en_status en_scenario_load_buffer(const char *data, size_t size, const char *name,
                                  const en_load_options *options, en_scenario **out,
                                  en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, *out = NULL, load_buffer(data, size, name, options, out, err));
    return st;
}

en_status en_scenario_load_all_buffer(const char *data, size_t size, const char *name,
                                      const en_load_options *options, en_scenario ***out,
                                      size_t *count, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (*out = NULL, *count = 0),
               load_all_buffer(data, size, name, options, out, count, err));
    return st;
}

en_status en_scenario_load_all(const char *path, const en_load_options *options,
                               en_scenario ***out, size_t *count, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (*out = NULL, *count = 0), load_all(path, options, out, count, err));
    return st;
}

en_status en_scenario_load(const char *path, const en_load_options *options, en_scenario **out,
                           en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, *out = NULL, load(path, options, out, err));
    return st;
}
