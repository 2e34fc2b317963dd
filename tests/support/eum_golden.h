/*
 * eum_golden.h — test helper: loads a BDM golden trajectory (tests/golden/bdm/NAME.json, written
 * by running the reference Python implementations named in docs/models/eum.md) into
 * plain arrays, so the EUM tests can feed the kernels the golden's exact inputs and compare
 * every round.
 */
#ifndef ENTENTE_TESTS_EUM_GOLDEN_H
#define ENTENTE_TESTS_EUM_GOLDEN_H

#include <stddef.h>

typedef struct eum_golden_move {
    size_t actor;
    long with;         /* -1 if absent */
    char type[24];
    double eu_self, eu_other, new_position;
} eum_golden_move;

typedef struct eum_golden_round {
    double *x;         /* n positions after the round */
    double mean, median;
    double *r;         /* n risk exponents, NULL for round 0 */
    eum_golden_move *moves;
    size_t move_count;
} eum_golden_round;

typedef struct eum_golden {
    int masad;         /* 0: bdm1 (scholz), 1: bdm2 (masad) */
    size_t n;
    char **names;
    double *c, *x, *s;
    double Q, T, xmin, xmax, range;
    eum_golden_round *rounds;
    size_t round_count;
    int terminated_round; /* round where the reference raised, or -1 */
} eum_golden;

/* Loads ENTENTE_SOURCE_DIR/tests/golden/bdm/<name>; returns NULL on failure. */
eum_golden *eum_golden_load(const char *name);
void eum_golden_free(eum_golden *g);
/* Every *.json golden trajectory (not trace__*) in tests/golden/bdm, sorted; NULL-terminated,
 * free with eum_golden_names_free. */
char **eum_golden_names(void);
void eum_golden_names_free(char **names);

#endif
