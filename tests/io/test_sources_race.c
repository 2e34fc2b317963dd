/*
 * test_sources_race.c — a source file is opened beneath the scenario's folder with nothing in
 * its path that could have been swapped since it was checked: en_open_beneath refuses links and
 * steps out of the folder, and a folder component flipped back and forth between a real
 * directory and a link to /etc while the sources are read never yields /etc's file (before
 * openat2, the path checked by realpath() was reopened by name, and the flip won sometimes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "entente.h"
#include "io/sources.h"

static char dir[] = "/tmp/entente_race_XXXXXX";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* 1 when the kernel offers openat2 (Linux 5.6 and later, not denied by a seccomp filter);
 * without it entente falls back to checked names, and these tests do not apply. */
static int have_openat2(void)
{
    struct { unsigned long long flags, mode, resolve; } how = {O_RDONLY, 0, 0};
    long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
    if (fd >= 0) close((int)fd);
    return fd >= 0;
}

static void open_beneath_refuses_links_and_escapes(void **state)
{
    (void)state;
    if (!have_openat2()) skip();
    char path[256];
    snprintf(path, sizeof path, "%s/plain", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/plain/a.txt", dir);
    write_file(path, "inside\n");
    snprintf(path, sizeof path, "%s/inner-link", dir);
    assert_int_equal(symlink("plain", path), 0);
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dirfd >= 0);
    int fd = en_open_beneath(dirfd, "plain/a.txt", O_RDONLY);
    assert_true(fd >= 0);
    close(fd);
    /* A link, even one that stays inside, is not followed at open time. */
    errno = 0;
    assert_int_equal(en_open_beneath(dirfd, "inner-link/a.txt", O_RDONLY), -1);
    assert_int_equal(errno, ELOOP);
    errno = 0;
    assert_int_equal(en_open_beneath(dirfd, "../etc/passwd", O_RDONLY), -1);
    assert_int_equal(errno, EXDEV);
    errno = 0;
    assert_int_equal(en_open_beneath(dirfd, "/etc/passwd", O_RDONLY), -1);
    assert_int_equal(errno, EXDEV);
    close(dirfd);
}

static void flipped_folder_never_reads_outside(void **state)
{
    (void)state;
    if (!have_openat2()) skip();
    char path[256], real_dir[256], link[256];
    snprintf(real_dir, sizeof real_dir, "%s/sub", dir);
    mkdir(real_dir, 0700);
    /* The file the scenario cites exists both inside (sub/passwd) and, through the link, in
     * /etc: whichever `sub` is at the moment of the open decides which one is read. */
    snprintf(path, sizeof path, "%s/sub/passwd", dir);
    write_file(path, "inside\n");
    snprintf(link, sizeof link, "%s/evil", dir);
    assert_int_equal(symlink("/etc", link), 0);
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    write_file(path, "entente: 1\ntitle: t\nsources:\n  - id: a\n    file: sub/passwd\n"
                     "issues:\n  - id: i\n    scale: [0, 1]\n"
                     "actors:\n  - {id: A, capability: 1, positions: {i: {position: 0, salience: 1}}}\n"
                     "  - {id: B, capability: 1, positions: {i: {position: 1, salience: 1}}}\n");
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(path, NULL, &s, &err), EN_OK);

    pid_t flipper = fork();
    assert_true(flipper >= 0);
    if (flipper == 0) {
        for (;;) renameat2(AT_FDCWD, real_dir, AT_FDCWD, link, RENAME_EXCHANGE);
    }
    int inside = 0, refused = 0, outside = 0;
    for (int k = 0; k < 20000; k++) {
        char **texts = NULL;
        en_error e = EN_ERROR_INIT;
        en_status st = en_sources_read(s, NULL, &texts, &e);
        if (st == EN_OK && texts[0] && strcmp(texts[0], "inside\n") == 0) inside++;
        else if (st == EN_OK && texts[0]) outside++;
        else refused++;
        en_sources_free(texts, s->source_count);
        en_error_clear(&e);
    }
    kill(flipper, SIGKILL);
    waitpid(flipper, NULL, 0);
    en_scenario_free(s);
    print_message("reads: %d inside, %d refused, %d from outside the folder\n", inside, refused,
                  outside);
    assert_int_equal(outside, 0);
    assert_true(inside + refused == 20000);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char command[300];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    return system(command) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_beneath_refuses_links_and_escapes),
        cmocka_unit_test(flipped_folder_never_reads_outside),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
