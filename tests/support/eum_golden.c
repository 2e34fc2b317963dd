/*
 * eum_golden.c — loads BDM golden trajectories with libfyaml (JSON is YAML); see eum_golden.h.
 */
#include "support/eum_golden.h"

#include <dirent.h>
#include "io/ytree.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ENTENTE_SOURCE_DIR
#define ENTENTE_SOURCE_DIR "."
#endif

static en_ynode *get(en_ynode *node, const char *key)
{
    return node ? en_ynode_mapping_lookup_by_string(node, key, EN_YNT) : NULL;
}

static int is_null(en_ynode *node)
{
    if (!node) return 1;
    if (!en_ynode_is_scalar(node)) return 0;
    size_t len;
    const char *text = en_ynode_get_scalar(node, &len);
    return text == NULL || (len == 4 && memcmp(text, "null", 4) == 0);
}

static double number(en_ynode *node)
{
    size_t len;
    const char *text = node ? en_ynode_get_scalar(node, &len) : NULL;
    if (!text) return 0;
    char buffer[64];
    if (len >= sizeof buffer) len = sizeof buffer - 1;
    memcpy(buffer, text, len);
    buffer[len] = 0;
    return strtod(buffer, NULL);
}

static void text(en_ynode *node, char *out, size_t size)
{
    size_t len = 0;
    const char *t = node ? en_ynode_get_scalar(node, &len) : NULL;
    if (!t) len = 0;
    if (len >= size) len = size - 1;
    if (len) memcpy(out, t, len);
    out[len] = 0;
}

static long actor_index(const eum_golden *g, en_ynode *node)
{
    char name[256];
    text(node, name, sizeof name);
    for (size_t k = 0; k < g->n; k++)
        if (strcmp(g->names[k], name) == 0) return (long)k;
    return -1;
}

/* a mapping actor → number, into out[n] */
static int per_actor(const eum_golden *g, en_ynode *map, double *out)
{
    int count = en_ynode_mapping_item_count(map);
    if (count != (int)g->n) return 0;
    for (int p = 0; p < count; p++) {
        en_ynode_pair *pair = en_ynode_mapping_get_by_index(map, p);
        long k = actor_index(g, en_ynode_pair_key(pair));
        if (k < 0) return 0;
        out[k] = number(en_ynode_pair_value(pair));
    }
    return 1;
}

eum_golden *eum_golden_load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/bdm/%s", ENTENTE_SOURCE_DIR, name);
    en_ytree *doc = en_ytree_load_file(path);
    if (!doc) return NULL;
    en_ynode *root = en_ytree_root(doc);
    eum_golden *g = calloc(1, sizeof *g);
    char impl[16];
    text(get(root, "implementation"), impl, sizeof impl);
    g->masad = strcmp(impl, "bdm2") == 0;
    en_ynode *inputs = get(root, "inputs");
    g->n = (size_t)en_ynode_sequence_item_count(inputs);
    g->names = calloc(g->n, sizeof *g->names);
    g->c = calloc(g->n, sizeof *g->c);
    g->x = calloc(g->n, sizeof *g->x);
    g->s = calloc(g->n, sizeof *g->s);
    for (size_t k = 0; k < g->n; k++) {
        en_ynode *item = en_ynode_sequence_get_by_index(inputs, (int)k);
        char buffer[256];
        text(get(item, "actor"), buffer, sizeof buffer);
        g->names[k] = strdup(buffer);
        g->c[k] = number(get(item, "c"));
        g->x[k] = number(get(item, "x"));
        g->s[k] = number(get(item, "s"));
    }
    en_ynode *params = get(root, "params");
    g->Q = number(get(params, "Q"));
    g->T = get(params, "T") ? number(get(params, "T")) : 1.0;
    g->xmin = number(get(params, "xmin"));
    g->xmax = number(get(params, "xmax"));
    g->range = number(get(params, "position_range"));
    en_ynode *term = get(root, "terminated_by_error");
    g->terminated_round = is_null(term) ? -1 : (int)number(get(term, "round"));
    en_ynode *rounds = get(root, "rounds");
    g->round_count = (size_t)en_ynode_sequence_item_count(rounds);
    g->rounds = calloc(g->round_count, sizeof *g->rounds);
    int ok = 1;
    for (size_t t = 0; t < g->round_count && ok; t++) {
        en_ynode *item = en_ynode_sequence_get_by_index(rounds, (int)t);
        eum_golden_round *gr = &g->rounds[t];
        gr->x = calloc(g->n, sizeof *gr->x);
        ok = per_actor(g, get(item, "positions"), gr->x);
        gr->mean = number(get(item, "mean"));
        gr->median = number(get(item, "median"));
        en_ynode *r = get(item, "r");
        if (!is_null(r)) {
            gr->r = calloc(g->n, sizeof *gr->r);
            ok = ok && per_actor(g, r, gr->r);
        }
        en_ynode *moves = get(item, "moves");
        int count = moves ? en_ynode_sequence_item_count(moves) : 0;
        gr->moves = calloc((size_t)count + 1, sizeof *gr->moves);
        for (int k = 0; k < count && ok; k++) {
            en_ynode *mv = en_ynode_sequence_get_by_index(moves, k);
            eum_golden_move *gm = &gr->moves[gr->move_count++];
            long a = actor_index(g, get(mv, "actor"));
            ok = a >= 0;
            gm->actor = (size_t)(a >= 0 ? a : 0);
            gm->with = is_null(get(mv, "with")) ? -1 : actor_index(g, get(mv, "with"));
            text(get(mv, "type"), gm->type, sizeof gm->type);
            gm->eu_self = number(get(mv, "eu_self"));
            gm->eu_other = number(get(mv, "eu_other"));
            gm->new_position = number(get(mv, "new_position"));
        }
    }
    en_ytree_free(doc);
    if (!ok) {
        eum_golden_free(g);
        return NULL;
    }
    return g;
}

void eum_golden_free(eum_golden *g)
{
    if (!g) return;
    for (size_t k = 0; k < g->n; k++) free(g->names[k]);
    for (size_t t = 0; t < g->round_count; t++) {
        free(g->rounds[t].x);
        free(g->rounds[t].r);
        free(g->rounds[t].moves);
    }
    free(g->rounds);
    free(g->names);
    free(g->c);
    free(g->x);
    free(g->s);
    free(g);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **eum_golden_names(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/bdm", ENTENTE_SOURCE_DIR);
    DIR *dir = opendir(path);
    size_t count = 0, capacity = 16;
    char **names = calloc(capacity + 1, sizeof *names);
    if (!dir) return names;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        const char *name = entry->d_name;
        size_t len = strlen(name);
        if (len < 6 || strcmp(name + len - 5, ".json") != 0) continue;
        if (strncmp(name, "trace__", 7) == 0) continue;
        if (count == capacity) {
            capacity *= 2;
            names = realloc(names, (capacity + 1) * sizeof *names);
        }
        names[count++] = strdup(name);
        names[count] = NULL;
    }
    closedir(dir);
    qsort(names, count, sizeof *names, compare_names);
    return names;
}

void eum_golden_names_free(char **names)
{
    if (!names) return;
    for (size_t k = 0; names[k]; k++) free(names[k]);
    free(names);
}
