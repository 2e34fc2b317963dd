/*
 * war_fixture.h — the smallest war the war layer's tests start from: two parties of equal
 * capability at the two ends of one territorial issue.
 */
#ifndef ENTENTE_TESTS_SUPPORT_WAR_FIXTURE_H
#define ENTENTE_TESTS_SUPPORT_WAR_FIXTURE_H

#include <stddef.h>

/* Writes into out[size] the YAML of a scenario titled `title`: one issue `land` (scale 0-100,
 * status quo 50), parties A at 0 and B at 100 (capability 50, salience 1), and a war from
 * 2022-01-01 to 2022-06-30 between A and B over land, whose section goes on with `war_tail`
 * (lines indented by two spaces, each ending in a newline; "" for none). Fails the test if the
 * text does not fit. Time complexity: O(size). */
void war_fixture_duel(char *out, size_t size, const char *title, const char *war_tail);

#endif
