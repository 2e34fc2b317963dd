/*
 * war_guard.c — en_war_simulate under an out-of-memory guard (core/oom.h): an allocation that
 * fails on the calling thread unwinds the call, which releases what it had allocated and
 * returns EN_ERROR_NOMEM with *out NULL. While worker threads run the guard is suspended. The
 * war writers (summary, explanation) run under one too.
 */
#include <setjmp.h>

#include "core/oom.h"
#include "entente.h"
#include "war/war_internal.h"

en_status en_war_simulate(const en_scenario *s, const en_war_options *o, en_war_summary **out,
                          en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, *out = NULL, en_war_simulate_unguarded(s, o, out, err));
    return st;
}

/* The war writers build their text in a buffer and write it at the end: an unwind writes
 * nothing. */
en_status en_war_summary_write(const en_war_summary *summary, en_output_format format, FILE *out,
                               en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (void)0, en_war_summary_write_unguarded(summary, format, out, err));
    return st;
}

en_status en_war_explain_write(const en_war_summary *summary, en_output_format format, FILE *out,
                               en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (void)0, en_war_explain_write_unguarded(summary, format, out, err));
    return st;
}
