/*
 * exchange_fast.h — the exchange model's fast path for Monte Carlo and sensitivity draws: the
 * same equal-gain rounds as the reference kernel (exchange.h, docs/models/exchange.md), giving
 * the same positions bit for bit, without the round records (exchanges, externalities, counts)
 * that only a traced run reports. Built for the many small runs of a Monte Carlo: no
 * allocation per round once the buffers have grown, full candidate records kept in place
 * instead of packed, the candidates' gains and keys also in contiguous arrays that the
 * selection and the search for the candidates an execution touches scan (AVX2 where the CPU
 * has it; a tournament tree and index lists in rounds of many candidates), and each side's
 * fixed per-round values (salience, power, target) copied into the candidate.
 * Equal gain only (p = 0): the randomized variant draws random numbers in the reference's
 * visiting order, which the reference kernel keeps.
 */
#ifndef ENTENTE_MODELS_EXCHANGE_FAST_H
#define ENTENTE_MODELS_EXCHANGE_FAST_H

#include <stddef.h>

#include "models/exchange.h"

typedef struct fx_state fx_state;

/* Copies the input. Returns NULL if it is unusable (no actors or issues, more than 65535
 * actors or 32767 issues), as ex_state_new does.
 * Time complexity: O(n·m) for n actors and m issues. */
fx_state *fx_state_new(const ex_input *input);

/* Frees the state (NULL is ignored). Time complexity: O(1). */
void fx_state_free(fx_state *state);

/* Runs one equal-gain round (docs/models/exchange.md §3); options->p must be 0 (the options'
 * rng and threads are not used). Afterwards fx_positions holds what ex_positions holds after
 * ex_round on the same input and options, bit for bit.
 * Time complexity: O(m²·n + C·log C + R·A·log C) for C candidates, R executions and A
 * candidates affected per execution (about n²·m²/16 candidates with balanced sides); in a
 * round of at most 256 candidates O(m²·n + n·m·C/64 + R·(C + A)), the selection and the
 * search being scans. */
void fx_round(fx_state *state, const ex_options *options);

/* fx_round with the round's AVX2 build (avx2 nonzero; only where fx_avx2_available says the
 * CPU has it) or its baseline build, whatever the CPU: for the tests that compare the two
 * (they give the same bits). Time complexity: as fx_round. */
void fx_round_as(fx_state *state, const ex_options *options, int avx2);

/* Whether the CPU runs AVX2 code (always 0 outside x86-64). Time complexity: O(1). */
int fx_avx2_available(void);

/* Rounds with at most `flat_max` candidates use the scans, larger ones the tournament tree and
 * index lists (default 256; same results either way): for the tests that compare the two.
 * Time complexity: O(1). */
void fx_set_flat_max(fx_state *state, size_t flat_max);

/* The number of valid candidates generated in the last round. Time complexity: O(1). */
size_t fx_candidate_count(const fx_state *state);

/* Current positions, actor × issue, internal 0–100 scale. Time complexity: O(1). */
const double *fx_positions(const fx_state *state);

/* Σ c·s·x / Σ c·s of an issue over the current positions, as ex_outcome. Time complexity: O(n). */
double fx_outcome(const fx_state *state, size_t issue);

#endif
