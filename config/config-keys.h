#pragma once

/*
 * Inside config/: the table of every key bedroomd knows, and how a value is
 * parsed into and printed from its field. config.c walks the file; this file
 * knows the keys.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config/config.h"

enum key_type {
	KEY_STRING,
	KEY_NAME,
	KEY_TOPIC,
	KEY_PATH, /* absolute path */
	KEY_FILE, /* absolute path of a file that must be readable */
	KEY_INT,
	KEY_BOOL,
	KEY_DOUBLE,
	KEY_DURATION, /* unsigned long long microseconds */
	KEY_ENUM,     /* an int-sized enum, from the names in `choices` */
};

struct key_spec {
	const char *section; /* the section's kind: "mqtt", or "sensor" for [sensor.NAME] */
	const char *name;
	enum key_type type;
	size_t offset; /* into struct config, or into the item of a named section */
	double min, max;
	const char *const *choices; /* KEY_ENUM: names, by value, NULL-terminated */
	unsigned types;             /* sensor keys: the types they apply to (bits); 0: all */
};

/* Sections: plain ones ([mqtt]) and named ones ([sensor.NAME]), which may repeat. */
struct section_spec {
	const char *kind;
	bool named;
};

/* Room for the set_line bookkeeping of a section; the table is checked against it. */
#define CONFIG_MAX_KEYS 64

extern const struct key_spec config_keys[];
extern const size_t config_n_keys;
extern const char *const config_sensor_type_names[];

/* The key @name of sections of kind @section, and its index in config_keys. */
const struct key_spec *config_key_find(const char *section, const char *name, size_t *ret_index);

/* The section kind spelt by the @len bytes at @kind, or NULL. */
const struct section_spec *config_section_find(const char *kind, size_t len);

/*
 * Parses @value into @k's field of @base (a struct config, or the item of a
 * named section). Returns 0, -ENOMEM, or -EINVAL/-ERANGE with a new message
 * in *ret_msg ("'port' must be ...") that the caller frees.
 */
int config_key_set(const struct key_spec *k, void *base, const char *value, char **ret_msg);

/* Writes "key = value" (or "# key is not set") for @k's field of @base. */
void config_key_dump(const struct key_spec *k, const void *base, FILE *f);
