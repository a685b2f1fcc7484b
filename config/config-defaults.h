#pragma once

/*
 * Inside config/: the defaults. The fixed ones come from the key table
 * (config-keys.c); those made from other keys (the client id from the node
 * id, ...) are in config-defaults.c. config_load() runs, in this order:
 * config_item_init() for every [kind.NAME] as it is opened, the file,
 * config_defaults_fill(), the checks, config_defaults_derive().
 */

#include "config/config-parser.h"

/* A new item of a named section: nothing set, no type, no choice made (-1). */
void config_item_init(const struct section_spec *spec, void *item);

/*
 * Every key that applies (to its item's type) and was not set in the file
 * takes its fixed default. Returns 0 or -ENOMEM.
 */
int config_defaults_fill(struct parser *p);

/* The defaults made from other keys, once the file has passed the checks. Returns 0 or -ENOMEM. */
int config_defaults_derive(struct config *c);
