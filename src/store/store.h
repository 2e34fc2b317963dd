/*
 * store.h — the run store (its API is include/entente/store.h): every run, compare, Monte Carlo, sensitivity or war-layer analysis
 * recorded in one SQLite file (docs/run-store.md has the schema and example queries).
 *
 * One file holds many runs. Each run is written in a single transaction at its end, so a
 * process killed mid-write leaves the earlier runs and a consistent file (WAL journal); several
 * processes may write the same file at once (each waits for the others' transactions through
 * SQLite's busy timeout). The store keeps what is needed to print a run again exactly as the
 * command did: the scenario text (and its SHA-256), the effective parameters, every round's
 * positions, the model extras (JSON) and the story lines; analyses are kept as JSON documents.
 * Layer: store/ sits above models/ and analysis/; it never runs a model.
 */
#ifndef ENTENTE_STORE_STORE_H
#define ENTENTE_STORE_STORE_H

#include <stdint.h>
#include <stdio.h>

#include "core/node.h"
#include "entente.h"
#include "entente/store.h"

/* Test hook: called inside the save transaction after the results are written and before the
 * commit (the crash-safety test kills the process there). NULL by default. */
void en_store_set_commit_hook(en_store *store, void (*hook)(void *state), void *state);

#endif
