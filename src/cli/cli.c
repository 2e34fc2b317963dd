/*
 * cli.c — option parsing, scenario loading and safe output shared by the subcommands.
 */
/* realpath */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#ifndef ENTENTE_DEFAULT_SCENARIO
#define ENTENTE_DEFAULT_SCENARIO "scenarios/ukraine-2023.yaml"
#endif

int cli_fail(en_error *err)
{
    en_error_print(err, stderr);
    int status = en_error_exit_status(err);
    en_error_clear(err);
    return status ? status : CLI_INTERNAL;
}

static int bad_usage(const char *command, const char *format, const char *arg)
{
    fprintf(stderr, "entente %s: error: ", command);
    fprintf(stderr, format, arg);
    fprintf(stderr, " (see 'entente %s --help')\n", command);
    return CLI_BAD_INPUT;
}

/* Accepts "--name value" and "--name=value"; returns the value or NULL if `arg` is not --name. */
static const char *option_value(int argc, char **argv, int *index, const char *name, int *missing)
{
    const char *arg = argv[*index];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) return NULL;
    if (arg[n] == '=') return arg + n + 1;
    if (arg[n] != '\0') return NULL;
    if (*index + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*index];
}

int cli_parse(int argc, char **argv, unsigned flags, cli_options *o, cli_extra_fn extra,
              void *state)
{
    memset(o, 0, sizeof *o);
    o->params = en_params_new();
    const char *command = argv[0];
    en_error err = EN_ERROR_INIT;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int missing = 0;
        const char *value;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help = 1;
            continue;
        }
        if (extra) {
            int used = extra(argc, argv, i, state);
            if (used < 0) return CLI_BAD_INPUT;
            if (used > 0) {
                i += used - 1;
                continue;
            }
        }
        if ((flags & CLI_OPT_MODEL) && (value = option_value(argc, argv, &i, "--model", &missing))) {
            o->model = value;
        } else if ((flags & CLI_OPT_PARAMS) && (value = option_value(argc, argv, &i, "--param", &missing))) {
            if (en_params_parse(o->params, value, &err) != EN_OK) return cli_fail(&err);
        } else if ((flags & CLI_OPT_PARAMS) && (value = option_value(argc, argv, &i, "--rounds", &missing))) {
            en_params_set(o->params, "rounds", value, NULL);
        } else if ((flags & CLI_OPT_PARAMS) && (value = option_value(argc, argv, &i, "--seed", &missing))) {
            en_params_set(o->params, "seed", value, NULL);
        } else if ((flags & CLI_OPT_PARAMS) && (value = option_value(argc, argv, &i, "--trace", &missing))) {
            en_params_set(o->params, "trace", value, NULL);
        } else if ((flags & CLI_OPT_FORMAT) && (value = option_value(argc, argv, &i, "--format", &missing))) {
            if (en_output_format_parse(value, &o->format, &err) != EN_OK) return cli_fail(&err);
        } else if ((flags & CLI_OPT_OUTPUT) &&
                   ((value = option_value(argc, argv, &i, "-o", &missing)) ||
                    (!missing && (value = option_value(argc, argv, &i, "--output", &missing))))) {
            o->output = value;
        } else if ((flags & CLI_OPT_LOAD) && (value = option_value(argc, argv, &i, "--input-format", &missing))) {
            if (strcmp(value, "yaml") == 0) o->load.format = EN_FORMAT_YAML;
            else if (strcmp(value, "csv") == 0) o->load.format = EN_FORMAT_CSV;
            else if (strcmp(value, "decide") == 0) o->load.format = EN_FORMAT_DECIDE;
            else if (strcmp(value, "deu") == 0) o->load.format = EN_FORMAT_DEU;
            else if (strcmp(value, "ktab-csv") == 0) o->load.format = EN_FORMAT_KTAB_CSV;
            else if (strcmp(value, "ktab-xml") == 0) o->load.format = EN_FORMAT_KTAB_XML;
            else return bad_usage(command, "unknown input format '%s' (expected yaml, csv, decide, deu, ktab-csv or ktab-xml)", value);
        } else if ((flags & CLI_OPT_LOAD) && (value = option_value(argc, argv, &i, "--scale", &missing))) {
            char *copy = cli_xstrdup(value);
            char *comma = strchr(copy, ',');
            int ok = comma != NULL;
            if (ok) {
                *comma = '\0';
                ok = en_parse_double(copy, &o->load.scale_min) &&
                     en_parse_double(comma + 1, &o->load.scale_max) &&
                     o->load.scale_min < o->load.scale_max;
            }
            free(copy);
            if (!ok) return bad_usage(command, "--scale '%s' is invalid (expected MIN,MAX with MIN < MAX)", value);
            o->load.has_scale = 1;
        } else if ((flags & CLI_OPT_LOAD) && (value = option_value(argc, argv, &i, "--sources-dir", &missing))) {
            o->sources_dir = value;
        } else if (missing) {
            return bad_usage(command, "option %s needs a value", arg);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return bad_usage(command, "unknown option '%s'", arg);
        } else if (!o->file) {
            o->file = arg;
        } else {
            return bad_usage(command, "unexpected argument '%s' (one FILE at most)", arg);
        }
    }
    return 0;
}

void cli_options_free(cli_options *o)
{
    en_params_free(o->params);
    o->params = NULL;
}

int cli_stop_early(cli_options *o, int *status, const char *usage)
{
    if (!*status && !o->help) return 0;
    if (o->help && !*status) fputs(usage, stdout);
    cli_options_free(o);
    return 1;
}

/* The bundled scenario beside an installed binary: BINDIR/ENTENTE_BIN_TO_DATADIR/entente/
 * scenarios/ukraine-2023.yaml, found from the binary's own path so that an installed tree
 * still works after it is moved (or was installed with DESTDIR). NULL when not there. */
static const char *installed_scenario(void)
{
#ifdef ENTENTE_BIN_TO_DATADIR
    static char path[PATH_MAX];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return NULL;
    *slash = '\0';
    char candidate[4096];
    int m = snprintf(candidate, sizeof candidate, "%s/%s/entente/scenarios/ukraine-2023.yaml", exe,
                     ENTENTE_BIN_TO_DATADIR);
    /* Resolved, so that messages name PREFIX/share/... rather than PREFIX/bin/../share/... */
    if (m > 0 && (size_t)m < sizeof candidate && access(candidate, R_OK) == 0 &&
        realpath(candidate, path))
        return path;
#endif
    return NULL;
}

const char *cli_default_scenario(void)
{
    const char *env = getenv("ENTENTE_DEFAULT_SCENARIO");
    if (env && *env) return env;
    const char *installed = installed_scenario();
    if (installed) return installed;
    if (access(ENTENTE_DEFAULT_SCENARIO, R_OK) == 0) return ENTENTE_DEFAULT_SCENARIO;
#ifdef ENTENTE_INSTALLED_SCENARIO
    if (access(ENTENTE_INSTALLED_SCENARIO, R_OK) == 0) return ENTENTE_INSTALLED_SCENARIO;
#endif
    return "scenarios/ukraine-2023.yaml";
}

en_scenario *cli_load(const cli_options *o, int *status)
{
    const char *path = o->file ? o->file : cli_default_scenario();
    en_error err = EN_ERROR_INIT;
    en_scenario *s = NULL;
    if (en_scenario_load(path, &o->load, &s, &err) != EN_OK) {
        *status = cli_fail(&err);
        return NULL;
    }
    for (size_t i = 0; i < en_scenario_note_count(s); i++) {
        const char *note = en_scenario_note(s, i);
        en_write_text(stderr, note, strlen(note));
        fputc('\n', stderr);
    }
    *status = CLI_OK;
    return s;
}

char **cli_read_sources(const cli_options *o, const en_scenario *s, int *status)
{
    char **texts = NULL;
    en_error err = EN_ERROR_INIT;
    *status = CLI_OK;
    if (en_sources_read(s, o->sources_dir, &texts, &err) != EN_OK) {
        en_sources_free(texts, en_scenario_source_count(s));
        *status = cli_fail(&err);
        return NULL;
    }
    for (size_t k = 0; k < en_scenario_source_count(s); k++) {
        const char *file = en_scenario_source_file(s, k);
        if (!file || !file[0] || texts[k]) continue;
        int line, column;
        en_scenario_source_location(s, k, &line, &column);
        const char *path = en_scenario_path(s);
        char *note = cli_xprintf("%s:%d:%d: note: source '%s': file '%s' not found (no text for it "
                                 "in the report or the run store)\n",
                                 path[0] ? path : "<input>", line, column,
                                 en_scenario_source_id(s, k), file);
        en_write_text(stderr, note, strlen(note));
        free(note);
    }
    return texts;
}

static char *temporary_name(const char *path)
{
    return cli_xprintf("%s.tmp.%ld", path, (long)getpid());
}

/* The output written in place (a device, a FIFO): it has no temporary file to rename. One
 * output is open at a time, so one variable is enough. */
static FILE *direct_output;

static FILE *output_error(const char *path, en_error *err, const char *format, const char *detail)
{
    en_error_add(err, EN_ERROR_INPUT, path, 0, 0, format, detail);
    return NULL;
}

/* -o FILE: a regular file (or a new one) is written to a temporary file beside it and renamed
 * over it on success, keeping the old file's permissions, so a failed run leaves it as it was;
 * a device or FIFO (/dev/null, /dev/stdout, a named pipe) is written in place, since renaming
 * over it would replace the device with a file; a symbolic link, a directory or a file the
 * user may not write is refused. */
FILE *cli_output_open(const cli_options *o, en_error *err)
{
    direct_output = NULL;
    if (!o->output || strcmp(o->output, "-") == 0) return stdout;
    const char *path = o->output;
    struct stat st;
    int exists = lstat(path, &st) == 0;
    if (!exists && errno != ENOENT) return output_error(path, err, "cannot write: %s", strerror(errno));
    if (exists && S_ISLNK(st.st_mode))
        return output_error(path, err, "%s", "is a symbolic link; refusing to replace it with a "
                                              "file (write to the file it points to instead)");
    if (exists && S_ISDIR(st.st_mode))
        return output_error(path, err, "%s", "is a directory (expected a file name)");
    if (exists && !S_ISREG(st.st_mode)) {
        /* A device, FIFO or socket: written through. O_NONBLOCK is not used: a FIFO waits for
         * its reader, as a shell redirection would. */
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) return output_error(path, err, "cannot write: %s", strerror(errno));
        FILE *f = fdopen(fd, "wb");
        if (!f) {
            close(fd);
            return output_error(path, err, "cannot write: %s", strerror(errno));
        }
        direct_output = f;
        return f;
    }
    /* access() says yes to root for any file: a file without write permission bits is
     * read-only to everyone here, as the user meant it. */
    if (exists && (access(path, W_OK) != 0 || (st.st_mode & 0222) == 0))
        return output_error(path, err, "%s", "is read-only; refusing to replace it (make it "
                                              "writable or choose another name)");
    char *tmp = temporary_name(path);
    /* O_EXCL: never follows a link planted at the temporary name. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST) { /* left over from a killed run of this same process id */
        unlink(tmp);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    }
    if (fd < 0) {
        free(tmp);
        return output_error(path, err, "cannot write: %s", strerror(errno));
    }
    if (exists) {
        /* Keep the replaced file's permissions (and owner, where allowed). */
        if (fchown(fd, st.st_uid, st.st_gid) != 0) { /* not ours to give away: keep ours */ }
        if (fchmod(fd, st.st_mode & 07777) != 0) {
            int saved = errno;
            close(fd);
            unlink(tmp);
            free(tmp);
            return output_error(path, err, "cannot keep the file's permissions: %s", strerror(saved));
        }
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return output_error(path, err, "cannot write: %s", strerror(errno));
    }
    free(tmp);
    return f;
}

int cli_output_close(const cli_options *o, FILE *file, int ok, en_error *err)
{
    if (file == stdout) return ok;
    if (file == direct_output) {
        direct_output = NULL;
        int closed = fclose(file) == 0;
        if (ok && !closed) en_error_add(err, EN_ERROR_INPUT, o->output, 0, 0, "cannot write: %s", strerror(errno));
        return ok && closed;
    }
    char *tmp = temporary_name(o->output);
    int closed = fclose(file) == 0;
    if (ok && closed && rename(tmp, o->output) == 0) {
        free(tmp);
        return 1;
    }
    if (ok) en_error_add(err, EN_ERROR_INPUT, o->output, 0, 0, "cannot write: %s", strerror(errno));
    remove(tmp);
    free(tmp);
    return 0;
}

const en_model *cli_model(const char *name, const char *fallback, en_error *err)
{
    if (!name) name = fallback;
    const en_model *m = en_model_find(name);
    if (m) return m;
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < en_model_count() && n < 64; i++) names[n++] = en_model_name(en_model_at(i));
    const char *hint = en_suggest(name, names, n);
    if (hint) en_error_set(err, EN_ERROR_INPUT, "unknown model '%s' (did you mean '%s'?)", name, hint);
    else en_error_set(err, EN_ERROR_INPUT, "unknown model '%s' (see `entente models`)", name);
    return NULL;
}

int cli_named_value(int argc, char **argv, int index, const char *command, const char *const *names,
                    size_t count, size_t *which, const char **value)
{
    const char *arg = argv[index];
    for (size_t k = 0; k < count; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(arg, names[k], n) != 0 || (arg[n] != '\0' && arg[n] != '=')) continue;
        *which = k;
        *value = arg[n] == '=' ? arg + n + 1 : index + 1 < argc ? argv[index + 1] : NULL;
        if (!*value) {
            fprintf(stderr, "entente %s: error: option %s needs a value (see 'entente %s --help')\n",
                    command, arg, command);
            return -1;
        }
        return arg[n] == '=' ? 1 : 2;
    }
    return 0;
}

int cli_bad_value(const char *command, const char *option, const char *value, const char *expected)
{
    fprintf(stderr, "entente %s: error: %s '%s' is invalid (expected %s) (see 'entente %s --help')\n",
            command, option, value, expected, command);
    return -1;
}

int cli_long_value(const char *command, const char *option, const char *value, long minimum, long maximum,
                   long *number)
{
    if (en_parse_long(value, minimum, maximum, number)) return 1;
    char expected[80];
    snprintf(expected, sizeof expected, "an integer in [%ld, %ld]", minimum, maximum);
    cli_bad_value(command, option, value, expected);
    return 0;
}
