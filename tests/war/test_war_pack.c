/*
 * test_war_pack.c — the war runs split across processes (war_pack.c, docs/scale.md), in one
 * process: a distributor whose gather first captures each rank's packed runs, then hands rank 0
 * and rank 1 the concatenation. Each rank's gathered summary must equal the one-process summary
 * in every per-run array (byte for byte) and in its written outputs, on the five bundled wars
 * with an explain date; every array is non-zero in some run of the other rank, so a field the
 * record does not ship leaves those rows empty and fails. The test's own list of the summary's fields must tile the struct,
 * so a field added to en_war_summary without being listed here (and shipped) fails too.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "war/war.h"
#include "war/war_internal.h"
#include "war/war_pack.h"
#include "core/error.h"

/* Every field of en_war_summary: per-run arrays with their elements per run (the runs × steps,
 * runs × issues ... layout), other fields with per = 0. */
enum { NOT_PER_RUN, STEP, RUN, ISSUE, PLAYER, PATRON, TWO };
typedef struct field {
    const char *name;
    size_t offset, size, element;
    int per;
} field;
#define F(name, per) {#name, offsetof(en_war_summary, name), sizeof(((en_war_summary *)0)->name), 0, per}
#define A(name, per)                                                                           \
    {#name, offsetof(en_war_summary, name), sizeof(((en_war_summary *)0)->name),               \
     sizeof(*((en_war_summary *)0)->name), per}
static const field fields[] = {
    F(scenario, NOT_PER_RUN), F(war, NOT_PER_RUN), F(runs, NOT_PER_RUN), F(seed, NOT_PER_RUN),
    F(steps, NOT_PER_RUN), F(first, NOT_PER_RUN), F(last, NOT_PER_RUN),
    F(settle_with, NOT_PER_RUN), F(window_only, NOT_PER_RUN), F(player_count, NOT_PER_RUN),
    F(player_actor, NOT_PER_RUN),
    A(slack, STEP), A(open, STEP), A(state, STEP), A(miss, STEP), A(blocker, STEP),
    A(patron_blocker, STEP), A(front, STEP), A(belief_a, STEP), A(belief_b, STEP), A(edge, STEP),
    A(first_deal, RUN), A(terms, ISSUE), A(renewed, RUN), A(decided, RUN),
    F(explain_step, NOT_PER_RUN),
    A(explain_reservation, PLAYER), A(explain_deal_value, PLAYER), A(explain_surplus, PLAYER),
    A(explain_blocker, RUN), A(explain_package, ISSUE),
    F(as_of_step, NOT_PER_RUN), A(deal_kind, RUN), A(cause_actor, STEP), A(pressure, STEP),
    A(pressure_actor, STEP), F(patron_count, NOT_PER_RUN), F(patron_actor, NOT_PER_RUN),
    A(explain_offer, RUN), A(explain_accept, RUN), A(explain_type_low, TWO),
    A(explain_rejections, RUN), A(explain_patron, PATRON), A(explain_pressure, PATRON),
    A(explain_renew_loss, PLAYER), A(explain_renew_basis, ISSUE),
    A(explain_belief, PLAYER), A(explain_p_prevail, PLAYER), A(explain_days_decide, PLAYER),
    A(settled, RUN),
    F(deal_by_days, NOT_PER_RUN), F(deal_by_count, NOT_PER_RUN), F(median_term, NOT_PER_RUN),
};
#define FIELD_COUNT (sizeof fields / sizeof fields[0])

static size_t per_run(const en_war_summary *m, int per)
{
    switch (per) {
    case STEP: return (size_t)m->steps;
    case ISSUE: return m->scenario->issue_count;
    case PLAYER: return m->player_count;
    case PATRON: return m->patron_count;
    case TWO: return 2;
    default: return 1;
    }
}

static const unsigned char *array_of(const en_war_summary *m, const field *f)
{
    const unsigned char *p;
    memcpy(&p, (const unsigned char *)m + f->offset, sizeof p);
    return p;
}

/* The listed fields, in the order of the struct, leave no gap a field could hide in. */
static void test_fields_cover_the_summary(void **state)
{
    (void)state;
    size_t end = 0, arrays = 0;
    for (size_t k = 0; k < FIELD_COUNT; k++) {
        if (k) assert_true(fields[k].offset > fields[k - 1].offset); /* listed in order */
        if (fields[k].offset - end >= sizeof(void *))
            fail_msg("en_war_summary has an unlisted field before '%s'", fields[k].name);
        end = fields[k].offset + fields[k].size;
        arrays += fields[k].per != NOT_PER_RUN;
    }
    if (sizeof(en_war_summary) - end >= sizeof(void *))
        fail_msg("en_war_summary has an unlisted field after '%s'", fields[FIELD_COUNT - 1].name);
    /* and war_pack ships exactly the per-run arrays */
    assert_int_equal(war_pack_array_count(), arrays);
    for (size_t k = 0; k < war_pack_array_count(); k++) {
        int found = 0;
        for (size_t f = 0; f < FIELD_COUNT; f++)
            found |= fields[f].per != NOT_PER_RUN && strcmp(fields[f].name, war_pack_array_name(k)) == 0;
        if (!found) fail_msg("war_pack ships '%s', not a per-run array of the summary", war_pack_array_name(k));
    }
}

/* The fake distributor: capture a rank's packed runs (and fail the simulation, whose summary is
 * not wanted then), or hand back the concatenation of both ranks'. */
typedef struct fake {
    int capture;
    unsigned char *bytes[2];
    size_t size[2];
    int rank;
} fake;

static int fake_gather(void *data, const void *mine, size_t bytes, void **all, size_t *all_bytes,
                       en_error *err)
{
    fake *f = data;
    if (f->capture) {
        f->bytes[f->rank] = malloc(bytes ? bytes : 1);
        memcpy(f->bytes[f->rank], mine, bytes);
        f->size[f->rank] = bytes;
        *all = NULL;
        *all_bytes = 0;
        return en_error_set(err, EN_ERROR_INTERNAL, "captured");
    }
    assert_int_equal(bytes, f->size[f->rank]);
    assert_memory_equal(mine, f->bytes[f->rank], bytes);
    unsigned char *joined = malloc(f->size[0] + f->size[1] + 1);
    memcpy(joined, f->bytes[0], f->size[0]);
    memcpy(joined + f->size[0], f->bytes[1], f->size[1]);
    *all = joined;
    *all_bytes = f->size[0] + f->size[1];
    return EN_OK;
}

static char *written(const en_war_summary *m, int explain, en_output_format format)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    en_error err = EN_ERROR_INIT;
    en_status st = explain ? en_war_explain_write(m, format, out, &err)
                           : en_war_summary_write(m, format, out, &err);
    fclose(out);
    assert_int_equal(st, EN_OK);
    return text;
}

/* One scenario: local against gathered on both ranks; marks the arrays exercised (non-zero
 * somewhere in the runs that came from the other rank). */
static void check_scenario(const char *path, const char *explain_day, const char *deal_by_day,
                           int *exercised)
{
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load(path, NULL, &s, &err) != EN_OK) fail_msg("%s: %s", path, err.message);
    int ok;
    const long deal_by[] = {en_date_days(deal_by_day, &ok)};
    en_war_options o;
    en_war_options_init(&o);
    o.runs = 41; /* odd: rank 0 gets one run more */
    o.seed = 5;
    o.threads = 2;
    o.explain_day = en_date_days(explain_day, &ok);
    o.deal_by_days = deal_by;
    o.deal_by_count = 1;
    en_war_summary *local = NULL;
    assert_int_equal(en_war_simulate(s, &o, &local, &err), EN_OK);

    fake f = {.capture = 1};
    en_distributor d = {.size = 2, .gather = fake_gather, .data = &f};
    o.distributor = &d;
    for (int rank = 0; rank < 2; rank++) {
        en_war_summary *none = NULL;
        en_error capture_err = EN_ERROR_INIT;
        f.rank = d.rank = rank;
        assert_int_equal(en_war_simulate(s, &o, &none, &capture_err), EN_ERROR_INTERNAL);
        assert_null(none);
        en_error_clear(&capture_err);
    }
    assert_int_equal(f.size[0] + f.size[1], (size_t)o.runs * war_pack_record_bytes(local));
    f.capture = 0;
    for (int rank = 0; rank < 2; rank++) {
        en_war_summary *gathered = NULL;
        f.rank = d.rank = rank;
        o.threads = 1 + rank;
        assert_int_equal(en_war_simulate(s, &o, &gathered, &err), EN_OK);
        long first, last;
        en_distributor other = d;
        other.rank = 1 - rank;
        war_share(&other, o.runs, &first, &last);
        for (size_t k = 0; k < FIELD_COUNT; k++) {
            const field *fd = &fields[k];
            if (fd->per == NOT_PER_RUN) continue;
            size_t row = per_run(local, fd->per) * fd->element, bytes = (size_t)o.runs * row;
            if (memcmp(array_of(local, fd), array_of(gathered, fd), bytes) != 0)
                fail_msg("%s, rank %d: '%s' differs from the one-process summary", path, rank, fd->name);
            const unsigned char *theirs = array_of(local, fd) + (size_t)first * row;
            for (size_t b = 0; b < (size_t)(last - first) * row; b++) exercised[k] |= theirs[b] != 0;
        }
        for (int explain = 0; explain < 2; explain++)
            for (int json = 0; json < 2; json++) {
                en_output_format format = json ? EN_OUTPUT_JSON : EN_OUTPUT_TEXT;
                char *a = written(local, explain, format), *b = written(gathered, explain, format);
                assert_string_equal(a, b);
                free(a);
                free(b);
            }
        en_war_summary_free(gathered);
    }
    free(f.bytes[0]);
    free(f.bytes[1]);
    en_war_summary_free(local);
    en_scenario_free(s);
    en_error_clear(&err);
}

static void test_gathered_equals_local(void **state)
{
    (void)state;
    int exercised[FIELD_COUNT] = {0};
    check_scenario(ENTENTE_SOURCE_DIR "/scenarios/ukraine-war-2022.yaml", "2022-04-15", "2023-12-31", exercised);
    check_scenario(ENTENTE_SOURCE_DIR "/scenarios/wars/falklands-1982.yaml", "1982-05-20", "1982-06-30", exercised);
    check_scenario(ENTENTE_SOURCE_DIR "/scenarios/wars/bosnia-1995.yaml", "1995-09-15", "1995-12-31", exercised);
    check_scenario(ENTENTE_SOURCE_DIR "/scenarios/wars/kosovo-1999.yaml", "1999-05-01", "1999-06-30", exercised);
    check_scenario(ENTENTE_SOURCE_DIR "/scenarios/wars/october-1973.yaml", "1973-10-20", "1974-01-31", exercised);
    for (size_t k = 0; k < FIELD_COUNT; k++)
        if (fields[k].per != NOT_PER_RUN && !exercised[k])
            fail_msg("'%s' is zero in every run the other rank made: the test would not see it "
                     "left out of the record", fields[k].name);
}

/* The shares: contiguous, balanced, covering every run once. */
static void test_share(void **state)
{
    (void)state;
    for (int size = 1; size <= 5; size++)
        for (long runs = 1; runs <= 12; runs++) {
            long expect = 0;
            for (int rank = 0; rank < size; rank++) {
                en_distributor d = {.rank = rank, .size = size};
                long first, last;
                war_share(&d, runs, &first, &last);
                assert_int_equal(first, expect);
                assert_true(last - first == runs / size || last - first == runs / size + 1);
                expect = last;
            }
            assert_int_equal(expect, runs);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_cover_the_summary),
        cmocka_unit_test(test_share),
        cmocka_unit_test(test_gathered_equals_local),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
