/*
 * war_pack.c — the war Monte Carlo split across processes (docs/scale.md): each process
 * simulates a contiguous share of the runs, packs every run's rows of the summary into one
 * fixed-size record, and the distributor's gather (en_distributor in entente.h) hands every
 * process all records in run order, which are unpacked into its summary. A run writes only its
 * own rows (war_sim.c), so the gathered summary is the one-process summary, byte for byte.
 *
 * Every per-run array of en_war_summary is an entry of one table below; test_war_pack checks
 * that the table covers the whole summary (a field left out would make the gathered summary
 * differ from the local one).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "war/war_internal.h"
#include "war/war_pack.h"
#include "core/error.h"
#include "core/util.h"

/* How many elements of an array belong to one run. */
enum { PER_STEP, PER_RUN, PER_ISSUE, PER_PLAYER, PER_PATRON, PER_TWO };

typedef struct packed_array {
    const char *name;
    size_t offset;       /* of the array's pointer in en_war_summary */
    size_t element;      /* bytes of one element */
    int per;             /* elements per run (PER_*) */
    int explain;         /* present only with an explain step */
} packed_array;

#define ARRAY(field, per, explain)                                                             \
    {#field, offsetof(en_war_summary, field), sizeof(*((en_war_summary *)0)->field), per, explain}

static const packed_array arrays[] = {
    ARRAY(slack, PER_STEP, 0),
    ARRAY(open, PER_STEP, 0),
    ARRAY(state, PER_STEP, 0),
    ARRAY(miss, PER_STEP, 0),
    ARRAY(blocker, PER_STEP, 0),
    ARRAY(patron_blocker, PER_STEP, 0),
    ARRAY(front, PER_STEP, 0),
    ARRAY(belief_a, PER_STEP, 0),
    ARRAY(belief_b, PER_STEP, 0),
    ARRAY(edge, PER_STEP, 0),
    ARRAY(cause_actor, PER_STEP, 0),
    ARRAY(pressure, PER_STEP, 0),
    ARRAY(pressure_actor, PER_STEP, 0),
    ARRAY(first_deal, PER_RUN, 0),
    ARRAY(terms, PER_ISSUE, 0),
    ARRAY(renewed, PER_RUN, 0),
    ARRAY(decided, PER_RUN, 0),
    ARRAY(deal_kind, PER_RUN, 0),
    ARRAY(settled, PER_RUN, 0),
    ARRAY(explain_reservation, PER_PLAYER, 1),
    ARRAY(explain_deal_value, PER_PLAYER, 1),
    ARRAY(explain_surplus, PER_PLAYER, 1),
    ARRAY(explain_blocker, PER_RUN, 1),
    ARRAY(explain_package, PER_ISSUE, 1),
    ARRAY(explain_offer, PER_RUN, 1),
    ARRAY(explain_accept, PER_RUN, 1),
    ARRAY(explain_type_low, PER_TWO, 1),
    ARRAY(explain_rejections, PER_RUN, 1),
    ARRAY(explain_patron, PER_PATRON, 1),
    ARRAY(explain_pressure, PER_PATRON, 1),
    ARRAY(explain_renew_loss, PER_PLAYER, 1),
    ARRAY(explain_renew_basis, PER_ISSUE, 1),
    ARRAY(explain_belief, PER_PLAYER, 1),
    ARRAY(explain_p_prevail, PER_PLAYER, 1),
    ARRAY(explain_days_decide, PER_PLAYER, 1),
};

size_t war_pack_array_count(void)
{
    return sizeof arrays / sizeof arrays[0];
}

const char *war_pack_array_name(size_t k)
{
    return k < war_pack_array_count() ? arrays[k].name : NULL;
}

static size_t per_run(const en_war_summary *m, int per)
{
    switch (per) {
    case PER_STEP: return (size_t)m->steps;
    case PER_ISSUE: return m->scenario->issue_count;
    case PER_PLAYER: return m->player_count;
    case PER_PATRON: return m->patron_count;
    case PER_TWO: return 2;
    default: return 1;
    }
}

static int shipped(const en_war_summary *m, const packed_array *a)
{
    return !a->explain || m->explain_step >= 0;
}

static unsigned char *array_of(const en_war_summary *m, const packed_array *a)
{
    unsigned char *p;
    memcpy(&p, (const unsigned char *)m + a->offset, sizeof p);
    return p;
}

size_t war_pack_record_bytes(const en_war_summary *m)
{
    size_t bytes = 0;
    for (size_t k = 0; k < war_pack_array_count(); k++)
        if (shipped(m, &arrays[k])) bytes += per_run(m, arrays[k].per) * arrays[k].element;
    return bytes;
}

void war_pack_run(const en_war_summary *m, long run, unsigned char *record)
{
    for (size_t k = 0; k < war_pack_array_count(); k++) {
        const packed_array *a = &arrays[k];
        if (!shipped(m, a)) continue;
        size_t bytes = per_run(m, a->per) * a->element;
        if (bytes) memcpy(record, array_of(m, a) + (size_t)run * bytes, bytes);
        record += bytes;
    }
}

void war_unpack_run(en_war_summary *m, long run, const unsigned char *record)
{
    for (size_t k = 0; k < war_pack_array_count(); k++) {
        const packed_array *a = &arrays[k];
        if (!shipped(m, a)) continue;
        size_t bytes = per_run(m, a->per) * a->element;
        if (bytes) memcpy(array_of(m, a) + (size_t)run * bytes, record, bytes);
        record += bytes;
    }
}

void war_share(const en_distributor *d, long runs, long *first, long *last)
{
    if (!d || d->size <= 1) {
        *first = 0, *last = runs;
        return;
    }
    long size = d->size, rank = d->rank, each = runs / size, extra = runs % size;
    *first = rank * each + (rank < extra ? rank : extra);
    *last = *first + each + (rank < extra ? 1 : 0);
}

en_status war_gather(en_war_summary *m, const en_distributor *d, long first, long last,
                     en_error *err)
{
    const size_t record = war_pack_record_bytes(m), mine = (size_t)(last - first) * record;
    unsigned char *local = en_xmalloc(mine ? mine : 1);
    for (long run = first; run < last; run++)
        war_pack_run(m, run, local + (size_t)(run - first) * record);
    void *all = NULL;
    size_t all_bytes = 0;
    int status = d->gather(d->data, local, mine, &all, &all_bytes, err);
    en_free(local);
    if (status != EN_OK) {
        en_free(all);
        return (en_status)status;
    }
    if (all_bytes != (size_t)m->runs * record) {
        en_free(all);
        return en_error_set(err, EN_ERROR_INTERNAL,
                            "war runs gathered from the processes: %zu bytes, expected %zu",
                            all_bytes, (size_t)m->runs * record);
    }
    for (long run = 0; run < m->runs; run++)
        war_unpack_run(m, run, (const unsigned char *)all + (size_t)run * record);
    en_free(all);
    return EN_OK;
}
