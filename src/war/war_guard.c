/*
 * war_guard.c — en_war_simulate under an out-of-memory guard (core/oom.h): an allocation that
 * fails on the calling thread unwinds the call, which releases what it had allocated and
 * returns EN_ERROR_NOMEM with *out NULL. While worker threads run the guard is suspended.
 */
#include <setjmp.h>

#include "core/oom.h"
#include "entente.h"
#include "war/war_internal.h"

en_status en_war_simulate(const en_scenario *s, const en_war_options *o, en_war_summary **out,
                          en_error *err)
{
    en_oom_guard guard;
    en_oom_enter(&guard);
    if (setjmp(guard.jump)) {
        *out = NULL;
        return en_oom_unwind(&guard, err);
    }
    en_status st = en_war_simulate_unguarded(s, o, out, err);
    en_oom_leave(&guard);
    return st;
}
