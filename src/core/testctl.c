/*
 * testctl.c — en_test_control (include/entente/testctl.h): the public face of the library's
 * test hooks, so that a program built against the public headers (the CLI's `serve` test hook,
 * a user's own tests) can make allocations fail without reaching into core/oom.h.
 */
#include "core/oom.h"
#include "entente.h"

long en_test_control(int op, long arg)
{
    switch (op) {
    case EN_TESTCTRL_FAIL_ALLOC: return en_oom_inject(arg);
    case EN_TESTCTRL_FAIL_ALLOC_ANY: return en_oom_inject_any(arg);
    case EN_TESTCTRL_UNGUARDED_ALLOCS: return en_oom_unguarded_take();
    default: return -1;
    }
}
