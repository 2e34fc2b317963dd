/*
 * sources.h — reading the texts a scenario cites (`sources[].file`), safely: the scenario comes
 * from someone else, so a `file:` entry may name /etc/passwd, ../../secret, a FIFO or
 * /dev/zero. Only regular UTF-8 text files inside the scenario's folder (or a folder the user
 * names) of at most EN_MAX_SOURCE_BYTES are read; anything else is an error at the `file:` line.
 */
#ifndef ENTENTE_IO_SOURCES_H
#define ENTENTE_IO_SOURCES_H

#include <stddef.h>

#include "core/scenario.h"
#include "entente.h"
#include "entente/sources.h"

/* Largest source text entente reads (a news article or a report, not a data dump). */
#define EN_MAX_SOURCE_BYTES (16u * 1024u * 1024u)

/* Reads `path` as a text file: opened without following a final symbolic link and without
 * blocking (a FIFO or device is refused at once, never waited on or read without end), it must
 * be a regular file of at most `limit` bytes. On success *text is a new NUL-terminated string
 * and *length its size. Errors (EN_ERROR_INPUT, one entry naming `shown` at `where`): cannot
 * open, not a regular file, too large, read error. Time complexity: O(file size). */
en_status en_read_regular_file(const char *path, size_t limit, const char *shown,
                               en_location where, char **text, size_t *length, en_error *err);

/* en_sources_read and en_sources_free are public: include/entente/sources.h. The body of
 * en_sources_read, run by it under an out-of-memory guard (io/io_guard.c); same parameters,
 * errors and complexity: */
en_status en_sources_read_unguarded(const en_scenario *scenario, const char *folder, char ***texts,
                                    en_error *err);

/* Opens `relative` (a path without symbolic links, as realpath gives) under the directory
 * `dirfd` with open(2) `flags`, through openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS): no component can be a link or lead out of the directory, whatever
 * changes between a caller's checks and this call. Where the kernel lacks openat2 (ENOSYS, or
 * EPERM from a seccomp filter), falls back to openat(2), refusing only absolute paths. Returns the descriptor, or -1 with
 * errno (ELOOP: a link in the path; EXDEV: a step outside; others as open(2)).
 * Time complexity: O(path length). */
int en_open_beneath(int dirfd, const char *relative, int flags);

#endif
