/*
 * test_buffer.c — the public text buffer (en_buffer, include/entente/util.h): appends against
 * hand-written expected text, growth past the first block, printf longer than the formatter's
 * stack buffer, and failed growth reported through the buffer (sticky, contents kept) outside
 * a guard and as an unwind inside one; en_buffer_flush writes nothing from a failed buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/oom.h"
#include "core/terminal.h"
#include "core/util.h"
#include "entente.h"

static void appends_and_grows(void **state)
{
    (void)state;
    en_buffer b = {0};
    assert_null(b.data);
    assert_int_equal(en_buffer_puts(&b, "abc"), EN_OK);
    assert_int_equal(en_buffer_append(&b, "defXYZ", 3), EN_OK);
    assert_int_equal(en_buffer_printf(&b, "-%d-%s", 42, "x"), EN_OK);
    assert_string_equal(b.data, "abcdef-42-x");
    assert_int_equal(b.length, 11);
    /* past the first block and the formatter's 256-byte stack buffer */
    char line[1001];
    memset(line, 'q', 1000);
    line[1000] = '\0';
    assert_int_equal(en_buffer_printf(&b, "<%s>", line), EN_OK);
    assert_int_equal(b.length, 11 + 1002);
    assert_true(b.capacity >= b.length + 1);
    assert_int_equal(b.data[11], '<');
    assert_int_equal(b.data[12 + 999], 'q');
    assert_int_equal(b.data[b.length - 1], '>');
    assert_int_equal(b.data[b.length], '\0');
    assert_int_equal(b.failed, 0);
    en_buffer_free(&b);
    assert_null(b.data);
    assert_int_equal(b.length, 0);
    en_buffer_free(NULL);
}

/* A growth that cannot be satisfied (a length no allocation can hold) fails without ending
 * the process; the buffer keeps its text and every later append fails too. */
static void failed_growth_is_sticky(void **state)
{
    (void)state;
    en_buffer b = {0};
    assert_int_equal(en_buffer_puts(&b, "kept"), EN_OK);
    assert_int_equal(en_buffer_append(&b, "x", SIZE_MAX - 2), EN_ERROR_NOMEM);
    assert_int_equal(b.failed, 1);
    assert_string_equal(b.data, "kept");
    assert_int_equal(en_buffer_puts(&b, "more"), EN_ERROR_NOMEM);
    assert_int_equal(en_buffer_printf(&b, "%d", 7), EN_ERROR_NOMEM);
    assert_string_equal(b.data, "kept");
    /* flushing a failed buffer writes nothing and frees it */
    FILE *f = tmpfile();
    assert_non_null(f);
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_buffer_flush(&b, f, &err), EN_ERROR_NOMEM);
    assert_string_equal(err.message, "out of memory");
    en_error_clear(&err);
    assert_int_equal(ftell(f), 0);
    fclose(f);
    assert_null(b.data);
    assert_int_equal(b.failed, 0);
}

/* Inside a guard a failed growth unwinds the call like any guarded allocation. */
static void failed_growth_in_a_guard_unwinds(void **state)
{
    (void)state;
    static en_buffer b; /* static: read after the longjmp */
    memset(&b, 0, sizeof b);
    en_oom_guard guard;
    en_oom_enter(&guard);
    if (setjmp(guard.jump)) {
        en_error err = EN_ERROR_INIT;
        assert_int_equal(en_oom_unwind(&guard, &err), EN_ERROR_NOMEM);
        en_error_clear(&err);
        assert_true(en_oom_inject(0));
        /* the block the buffer held was recorded by the guard and released by the unwind */
        return;
    }
    en_buffer_puts(&b, "first block");
    en_oom_inject(1);
    char line[300];
    memset(line, 'z', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    en_buffer_puts(&b, line); /* grows: the injected failure */
    fail_msg("the growth did not fail");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(appends_and_grows),
        cmocka_unit_test(failed_growth_is_sticky),
        cmocka_unit_test(failed_growth_in_a_guard_unwinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
