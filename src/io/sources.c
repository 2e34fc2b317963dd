/*
 * sources.c — reading the source texts a scenario cites, confined to the scenario's folder (see
 * sources.h for the rules and why they exist).
 */
/* realpath; syscall (openat2 has no glibc wrapper in Debian 12) */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include "io/sources.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__linux__) && defined(SYS_openat2)
#include <linux/openat2.h>
#define HAVE_OPENAT2 1
#endif

#include "core/error.h"
#include "core/oom.h"
#include "core/util.h"

static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISLNK(mode)) return "a symbolic link";
    return "not a regular file";
}

/* O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer;
 * O_NOFOLLOW: a final symbolic link is refused (callers resolve links they accept). */
#define READ_FLAGS (O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC)

/* Reads the open file `fd` (closed here) as en_read_regular_file describes. */
static en_status read_open_file(int fd, size_t limit, const char *shown, en_location where,
                                char **text, size_t *length, en_error *err);

en_status en_read_regular_file(const char *path, size_t limit, const char *shown,
                               en_location where, char **text, size_t *length, en_error *err)
{
    *text = NULL;
    if (length) *length = 0;
    int fd = open(path, READ_FLAGS);
    if (fd < 0) {
        if (errno == ELOOP)
            return en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                                "is a symbolic link (expected a regular file)");
        return en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                            "cannot open: %s", strerror(errno));
    }
    return read_open_file(fd, limit, shown, where, text, length, err);
}

int en_open_beneath(int dirfd, const char *relative, int flags)
{
#ifdef HAVE_OPENAT2
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    long fd;
    do fd = syscall(SYS_openat2, dirfd, relative, &how, sizeof how);
    while (fd < 0 && errno == EINTR);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return (int)fd;
#endif
    /* No openat2 (Linux before 5.6, a container's seccomp filter that denies it with EPERM,
     * or another system): the caller's checks on the resolved
     * path stand alone, and a path component swapped for a link between them and this open
     * is not caught (docs/scenario-format.md, "Source files"). */
    if (relative[0] == '/') {
        errno = EXDEV;
        return -1;
    }
    return openat(dirfd, relative, flags);
}

static en_status read_open_file(int fd, size_t limit, const char *shown, en_location where,
                                char **text, size_t *length, en_error *err)
{
    *text = NULL;
    if (length) *length = 0;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        return en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                            "cannot read: %s", strerror(saved));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                            "is %s (expected a regular text file)", file_kind(st.st_mode));
    }
    if ((unsigned long long)st.st_size > limit) {
        close(fd);
        return en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                            "is %lld bytes, more than the limit of %zu MiB (expected a text file)",
                            (long long)st.st_size, limit >> 20);
    }
    /* Back to blocking reads for a regular file; read until end of file, with the limit
     * checked again in case the file grows while it is read. */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    size_t capacity = (size_t)st.st_size + 1, used = 0;
    en_oom_track_fd(fd); /* closed by an unwind should the text find no memory */
    char *data = en_xmalloc(capacity + 1);
    for (;;) {
        if (used == capacity) {
            if (capacity > limit) break;
            capacity = capacity * 2 > limit + 1 ? limit + 1 : capacity * 2;
            data = en_xrealloc(data, capacity + 1);
        }
        ssize_t n = read(fd, data + used, capacity - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int saved = errno;
            en_oom_untrack_fd(fd);
            close(fd);
            en_free(data);
            return en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                                "cannot read: %s", strerror(saved));
        }
        if (n == 0) break;
        used += (size_t)n;
    }
    en_oom_untrack_fd(fd);
    close(fd);
    if (used > limit) {
        en_free(data);
        return en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                            "grew beyond the limit of %zu MiB while being read", limit >> 20);
    }
    data[used] = '\0';
    *text = data;
    if (length) *length = used;
    return EN_OK;
}

/* 0 if text[0..length) is UTF-8 without NUL bytes, else the offset of the first bad byte + 1. */
static size_t bad_text_at(const char *text, size_t length)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t k = 0; k < length;) {
        unsigned char c = p[k];
        size_t n = c == 0 ? 0 : c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3
                 : (c >> 3) == 0x1E ? 4 : 0;
        int valid = n > 0 && k + n <= length;
        for (size_t j = 1; valid && j < n; j++) valid = (p[k + j] >> 6) == 0x2;
        if (valid && n == 2) valid = c >= 0xC2;
        if (valid && n == 3) valid = !(c == 0xE0 && p[k + 1] < 0xA0) && !(c == 0xED && p[k + 1] >= 0xA0);
        if (valid && n == 4) valid = c <= 0xF4 && !(c == 0xF0 && p[k + 1] < 0x90) && !(c == 0xF4 && p[k + 1] >= 0x90);
        if (!valid) return k + 1;
        k += n;
    }
    return 0;
}

/* realpath(3) as a block of the library's allocator (so an out-of-memory unwind releases it);
 * NULL with errno as realpath's. */
static char *real_path(const char *path)
{
    char *resolved = realpath(path, NULL);
    if (!resolved) return NULL;
    en_oom_track(resolved, NULL); /* freed by an unwind should the copy find no memory */
    char *copy = en_xstrdup(resolved);
    en_oom_untrack(resolved);
    en_free(resolved);
    return copy;
}

static char *folder_of(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash) return en_xstrdup(".");
    if (slash == path) return en_xstrdup("/");
    return en_xstrndup(path, (size_t)(slash - path));
}

/* Reads one source into *text, or reports why not at its `file:` line. */
static void read_one(const en_scenario *s, const en_source *src, const char *folder,
                     const char *real_folder, int dirfd, char **text, en_error *err)
{
    const char *shown = s->path ? s->path : "<input>";
    en_location where = src->file_where.line ? src->file_where : src->where;
    const char *file = src->file;
    if (file[0] == '/') {
        en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                     "source '%s': file '%s' is an absolute path (expected a path inside the "
                     "scenario's folder %s, or name another folder with --sources-dir)",
                     src->id, file, folder);
        return;
    }
    char *joined = en_xprintf("%s/%s", folder, file);
    char *real = real_path(joined);
    if (!real && errno == ENOENT) {
        /* A missing file is not hostile (a scenario copied without its sources folder): no
         * text, which the report says; callers may note it. */
        en_free(joined);
        return;
    }
    if (!real) {
        en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                     "source '%s': cannot open file '%s': %s", src->id, file, strerror(errno));
        en_free(joined);
        return;
    }
    en_free(joined);
    size_t n = strlen(real_folder);
    int inside = strncmp(real, real_folder, n) == 0 &&
                 (real[n] == '/' || (n == 1 && real_folder[0] == '/'));
    if (!inside) {
        en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                     "source '%s': file '%s' leads outside the folder %s (expected a file inside "
                     "it; name another folder with --sources-dir)", src->id, file, folder);
        en_free(real);
        return;
    }
    /* The checks above ran on names; the file itself is opened relative to the folder's
     * descriptor along the resolved path, with openat2 refusing any symbolic link and any
     * step out of the folder. A component swapped for a link since realpath() looked (to
     * point outside) makes the open fail instead of following it. */
    const char *relative = real[n] == '/' ? real + n + 1 : real + n;
    if (n == 1) relative = real + 1;
    int fd = en_open_beneath(dirfd, relative, READ_FLAGS);
    if (fd < 0) {
        int saved = errno;
        if (saved == ENOENT) { /* removed since realpath() saw it: as missing */
            en_free(real);
            return;
        }
        if (saved == ELOOP || saved == EXDEV)
            en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                         "source '%s': file '%s' changed while being opened (a symbolic link "
                         "or a step outside the folder %s appeared in its path; expected a file "
                         "inside it)", src->id, file, folder);
        else
            en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                         "source '%s': cannot open file '%s': %s", src->id, file, strerror(saved));
        en_free(real);
        return;
    }
    en_error local = EN_ERROR_INIT;
    char *data = NULL;
    size_t length = 0;
    if (read_open_file(fd, EN_MAX_SOURCE_BYTES, "", where, &data, &length, &local) != EN_OK) {
        en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column, "source '%s': file '%s' %s",
                     src->id, file, local.message);
        en_error_clear(&local);
        en_free(real);
        return;
    }
    en_free(real);
    size_t bad = bad_text_at(data, length);
    if (bad) {
        unsigned char c = (unsigned char)data[bad - 1];
        en_error_add(err, EN_ERROR_INPUT, shown, where.line, where.column,
                     "source '%s': file '%s' is not UTF-8 text (byte 0x%02X at offset %zu; "
                     "expected a text file)", src->id, file, c, bad - 1);
        en_free(data);
        return;
    }
    *text = data;
}

en_status en_sources_read_unguarded(const en_scenario *s, const char *folder, char ***texts,
                                    en_error *err)
{
    size_t count = s->source_count;
    *texts = en_xcalloc(count ? count : 1, sizeof **texts);
    int any = 0;
    for (size_t k = 0; k < count; k++) any |= s->sources[k].file && s->sources[k].file[0];
    if (!any) return EN_OK;
    char *base = folder ? en_xstrdup(folder) : folder_of(s->path);
    char *real_base = real_path(base);
    en_error local = EN_ERROR_INIT;
    if (!real_base) {
        en_error_add(&local, EN_ERROR_INPUT, folder ? base : (s->path ? s->path : "<input>"), 0, 0,
                     "cannot open the sources folder %s: %s", base, strerror(errno));
    } else {
        int dirfd = open(real_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0) {
            en_error_add(&local, EN_ERROR_INPUT, folder ? base : (s->path ? s->path : "<input>"),
                         0, 0, "cannot open the sources folder %s: %s", base, strerror(errno));
        } else {
            en_oom_track_fd(dirfd);
            for (size_t k = 0; k < count; k++) {
                const en_source *src = &s->sources[k];
                if (src->file && src->file[0])
                    read_one(s, src, base, real_base, dirfd, &(*texts)[k], &local);
            }
            en_oom_untrack_fd(dirfd);
            close(dirfd);
        }
    }
    en_free(real_base);
    en_free(base);
    if (local.code != EN_OK) {
        en_error_move(err, &local);
        return EN_ERROR_INPUT;
    }
    return EN_OK;
}

void en_sources_free(char **texts, size_t count)
{
    if (!texts) return;
    for (size_t k = 0; k < count; k++) en_free(texts[k]);
    en_free(texts);
}
