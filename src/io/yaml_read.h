/*
 * yaml_read.h — checked reading of libfyaml nodes for the scenario loader: typed scalars,
 * uncertain values, mappings with a fixed key set (did-you-mean on unknown keys), located
 * error reporting. Any section of the format (including later ones) reads through these.
 */
#ifndef ENTENTE_IO_YAML_READ_H
#define ENTENTE_IO_YAML_READ_H

#include "io/ytree.h"

#include "core/scenario.h"

typedef struct en_yaml_reader {
    const char *path;
    en_error *err;
    en_scenario *scenario;
    int failed;
} en_yaml_reader;

/* Parses the text; on YAML syntax errors reports each and returns 0. */
int en_yaml_open(en_yaml_reader *r, const char *data, size_t size, const char *name,
                 en_error *err, en_ytree **doc);
/* Reports a problem at `node` (or the file start when node is NULL) and marks the read failed. */
void en_yaml_fail(en_yaml_reader *r, en_ynode *node, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
en_location en_yaml_where(en_ynode *node);

/* Rejects anchors' aliases anywhere under root (they could expand without bound) and explicit
 * tags such as !!str or !local (values are read by the plain core schema only). */
int en_yaml_reject_aliases(en_yaml_reader *r, en_ynode *root);

int en_yaml_is_null(en_ynode *node);
int en_yaml_expect(en_yaml_reader *r, en_ynode *node, en_ynode_type type,
                   const char *what, const char *expected);
/* Reads a mapping whose keys must be among `keys`; values[k] is the node of keys[k] or NULL. */
int en_yaml_mapping(en_yaml_reader *r, en_ynode *node, const char *what,
                    const char *const *keys, size_t key_count, en_ynode **values);
/* A scalar as a new string; NULL for a missing or null node (no error) or a non-scalar (error). */
char *en_yaml_string(en_yaml_reader *r, en_ynode *node, const char *what);
char *en_yaml_required_string(en_yaml_reader *r, en_ynode *parent, en_ynode *node,
                              const char *key, const char *what);
int en_yaml_number(en_yaml_reader *r, en_ynode *node, const char *what, double *out);
int en_yaml_bool(en_yaml_reader *r, en_ynode *node, const char *what, int *out);
/* A number or an uncertain value {value, low, high} / {value, sd}, valid in [min, max]. */
int en_yaml_value(en_yaml_reader *r, en_ynode *node, const char *what, double min,
                  double max, en_value *out);

/* Reports an unknown reference with a did-you-mean among the scenario's ids. */
void en_yaml_unknown_issue(en_yaml_reader *r, en_ynode *node, const char *id);
void en_yaml_unknown_actor(en_yaml_reader *r, en_ynode *node, const char *id);
void en_yaml_unknown_source(en_yaml_reader *r, en_ynode *node, const char *id);

/* Orders a chain of problems by line and column. */
void en_yaml_sort_errors(en_error *err);

#endif
