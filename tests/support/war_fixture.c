/*
 * war_fixture.c — the smallest war of the war layer's tests (war_fixture.h).
 */
#include "support/war_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <cmocka.h>

void war_fixture_duel(char *out, size_t size, const char *title, const char *war_tail)
{
    int n = snprintf(out, size,
                     "entente: 1\n"
                     "title: %s\n"
                     "issues:\n"
                     "  - {id: land, scale: [0, 100], status_quo: 50}\n"
                     "actors:\n"
                     "  - {id: A, role: party, capability: 50, positions: {land: {position: 0, salience: 1}}}\n"
                     "  - {id: B, role: party, capability: 50, positions: {land: {position: 100, salience: 1}}}\n"
                     "war:\n"
                     "  start: 2022-01-01\n"
                     "  end: 2022-06-30\n"
                     "  belligerents: [A, B]\n"
                     "  territory: land\n"
                     "%s",
                     title, war_tail);
    assert_true(n >= 0 && (size_t)n < size);
}
