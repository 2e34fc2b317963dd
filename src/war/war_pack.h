/*
 * war_pack.h — one war run's rows of the summary as a fixed-size record, and the gather of all
 * processes' runs (war_pack.c; docs/scale.md). Private to src/war/.
 */
#ifndef ENTENTE_WAR_WAR_PACK_H
#define ENTENTE_WAR_WAR_PACK_H

#include <stddef.h>

#include "entente.h"

struct en_war_summary;

/* Bytes of one run's record (the explain arrays only with an explain step).
 * Time complexity: O(arrays). */
size_t war_pack_record_bytes(const struct en_war_summary *m);
/* Copies run `run`'s rows of every per-run array into record (war_pack_record_bytes bytes), and
 * back. Time complexity: O(record bytes). */
void war_pack_run(const struct en_war_summary *m, long run, unsigned char *record);
void war_unpack_run(struct en_war_summary *m, long run, const unsigned char *record);
/* The arrays the record holds (for the test that they cover the summary): count and names. */
size_t war_pack_array_count(void);
const char *war_pack_array_name(size_t k);
/* The runs [*first, *last) this process simulates: contiguous and balanced as en_distributor
 * describes (runs / size each, one more for the first runs % size ranks); all with a NULL or
 * one-process distributor. Time complexity: O(1). */
void war_share(const en_distributor *d, long runs, long *first, long *last);
/* Packs runs [first, last) of m, gathers every process's runs through d and unpacks them all
 * into m. Errors: the gather's, or EN_ERROR_INTERNAL if the gathered size is not runs records.
 * Time complexity: O(runs × record bytes). */
en_status war_gather(struct en_war_summary *m, const en_distributor *d, long first, long last,
                     en_error *err);

#endif
