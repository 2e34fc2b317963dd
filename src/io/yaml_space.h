/*
 * yaml_space.h — the parts of the YAML scenario that spatial models use beyond issues and
 * stances: `settings:` (model settings carried by the file) and `accommodation:` (how actors'
 * ideal points follow others' positions). Issue `space:` is read with the issue (yaml.c).
 */
#ifndef ENTENTE_IO_YAML_SPACE_H
#define ENTENTE_IO_YAML_SPACE_H

#include "io/yaml_read.h"

/* `settings: {NAME: VALUE, ...}`: scalar values kept as text. Time complexity: O(entries). */
void en_yaml_read_settings(en_yaml_reader *r, en_ynode *map);
/* `accommodation: [{actor: A, reference: B, value: x}, ...]`, after the actors: ids must
 * exist, values lie in [0, 1], each actor's row (1 on itself unless given) adds up to at most
 * 1. Time complexity: O(entries × actors). */
void en_yaml_read_accommodation(en_yaml_reader *r, en_ynode *list);
/* 1 if `id` is usable as an issue id in YAML (letters, digits, _ or -). */
int en_yaml_valid_id(const char *id);

#endif
