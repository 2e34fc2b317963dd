/*
 * yaml_war.h — the reader of the scenario format's `war:` section (docs/scenario-format.md,
 * "The war section"), called by the YAML loader once issues and actors are read.
 */
#ifndef ENTENTE_IO_YAML_WAR_H
#define ENTENTE_IO_YAML_WAR_H

#include "io/yaml_read.h"

/* Reads `node` into r->scenario->war, reporting every problem with its line and column. */
void en_yaml_read_war(en_yaml_reader *r, en_ynode *node);

#endif
