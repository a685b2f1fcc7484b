#pragma once

/*
 * Inside config/: the table of every key bedroomd knows (config-keys.c), and
 * how a value is parsed into and printed from its field (config-key.c).
 * config.c walks the file; these files know the keys.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config/config.h"

enum key_type {
	KEY_STRING,
	KEY_WORD, /* text that never holds a blank (a host name): ' # ...' is no comment here */
	KEY_NAME,
	KEY_TOPIC,
	KEY_PATH, /* absolute path */
	KEY_FILE, /* absolute path of a file that must be readable */
	KEY_INT,
	KEY_BOOL,
	KEY_DOUBLE,
	KEY_DURATION,    /* unsigned long long microseconds */
	KEY_ENUM,        /* an int-sized enum, from the names in `choices` */
	KEY_TEMP_OR_OFF, /* a double °C, or "off" (stored as NAN) */
	KEY_TIME_RANGE,  /* "HH:MM-HH:MM": two ints, minutes after midnight */
	KEY_TIME_OF_DAY, /* "HH:MM" or "HH:MM:SS": an int, seconds after midnight; -1 not set */
	KEY_DAYS,        /* "mon-fri, sun": an unsigned, bit 0 Monday ... bit 6 Sunday */
};

/*
 * One key: where its value goes, what it accepts, its default and its one
 * line of help. The parser, --check-config, --dump-config, the example
 * configuration and the man page bedroomd.conf(5) are all made from this.
 */
struct key_spec {
	const char *section; /* the section's kind: "mqtt", or "sensor" for [sensor.NAME] */
	const char *name;
	enum key_type type;
	size_t offset; /* into struct config, or into the item of a named section */
	double min, max;
	const char *const *choices; /* KEY_ENUM: names, by value, NULL-terminated */
	unsigned types;             /* sensor keys: the types they apply to (bits); 0: all */
	/*
	 * The fixed default, which a key that applies and is not set takes after
	 * the file is read: a number (a duration in µs, a choice by its index, a
	 * bool 0 or 1, NAN for "off"; a time range from default_value to
	 * default_end), or a string as the file would spell it.
	 */
	bool has_default;
	double default_value, default_end;
	const char *default_text;
	const char *default_doc; /* or a default made from other keys, in words, for the docs */
	const char *example;     /* the docs' value when there is no fixed default */
	const char *help;        /* for the docs: what the key does, in a sentence or two */
};

/* A reminder's NAME (config-reminder.c checks it): it names an MQTT topic and the runs. */
#define CONFIG_REMINDER_NAME_MAX  32
#define CONFIG_REMINDER_NAME_RULE "1 to 32 of a-z, 0-9 and _"

/*
 * Sections: plain ones ([mqtt]) and named ones ([sensor.NAME]), which may
 * repeat. A named section's items live in an array of struct config; each has
 * a name, the line of its header and a type, at the offsets given here.
 */
struct section_spec {
	const char *kind;
	bool named;
	size_t item_size;
	size_t items_offset; /* of the array pointer in struct config */
	size_t count_offset; /* of its size_t length */
	size_t name_offset, line_offset, type_offset;
	const char *const *type_names; /* NULL: the section has no type */
	const char *example;           /* named: the NAME the docs show */
	/* named: NAME's rule when stricter than config_name_is_valid(), for its error */
	const char *name_rule;
	const char *help;     /* for the docs: what the section is for */
	const char *examples; /* for the docs: more sections to copy, as INI text */
};

#define NAMED_SECTION(kind_, item, array, count, types, ...)                                       \
	{                                                                                          \
		.kind = kind_, .named = true, .item_size = sizeof(struct item),                    \
		.items_offset = offsetof(struct config, array),                                    \
		.count_offset = offsetof(struct config, count),                                    \
		.name_offset = offsetof(struct item, name),                                        \
		.line_offset = offsetof(struct item, line),                                        \
		.type_offset = offsetof(struct item, type), .type_names = types, __VA_ARGS__       \
	}

/* A named section without a type: every key applies to every item. */
#define NAMED_SECTION_UNTYPED(kind_, item, array, count, ...)                                      \
	{                                                                                          \
		.kind = kind_, .named = true, .item_size = sizeof(struct item),                    \
		.items_offset = offsetof(struct config, array),                                    \
		.count_offset = offsetof(struct config, count),                                    \
		.name_offset = offsetof(struct item, name),                                        \
		.line_offset = offsetof(struct item, line), __VA_ARGS__                            \
	}

/* The type of the item @item of @spec; 0 for a section without types. */
int config_item_type(const struct section_spec *spec, const void *item);

/* Room for the set_line bookkeeping of a section; the table is checked against it. */
#define CONFIG_MAX_KEYS     128
#define CONFIG_MAX_SECTIONS 16

extern const struct key_spec config_keys[];
extern const size_t config_n_keys;
extern const char *const config_sensor_type_names[];
extern const char *const config_input_type_names[];
extern const char *const config_heater_type_names[];
extern const struct section_spec *const config_sections;
extern const size_t config_n_sections;

/* The key @name of sections of kind @section, and its index in config_keys. */
const struct key_spec *config_key_find(const char *section, const char *name, size_t *ret_index);

/* The key of sections of kind @section that @name most likely misspells, or NULL. */
const char *config_key_nearest(const char *section, const char *name);

/* The section kind spelt by the @len bytes at @kind, or NULL. */
const struct section_spec *config_section_find(const char *kind, size_t len);

/*
 * Parses @value into @k's field of @base (a struct config, or the item of a
 * named section). Returns 0, -ENOMEM, or -EINVAL/-ERANGE with a new message
 * in *ret_msg ("'port' must be ...") that the caller frees.
 */
int config_key_set(const struct key_spec *k, void *base, const char *value, char **ret_msg);

/* Whether @k's field is the same in @a and @b (NAN, "off", equals itself). */
bool config_key_equal(const struct key_spec *k, const void *a, const void *b);

/* Writes "key = value" (or "# key is not set") for @k's field of @base. */
void config_key_dump(const struct key_spec *k, const void *base, FILE *f);

/*
 * Gives @k's field of @base its fixed default (@k->has_default or
 * @k->default_text must be set). Returns 0, -ENOMEM, or -EINVAL for a
 * default the key itself refuses (a mistake in the table).
 */
int config_key_set_default(const struct key_spec *k, void *base);

/*
 * Writes @names (NULL-terminated; only those whose bit is in @mask, unless
 * @mask is 0) to @buf as "a, b or c", cut to @size.
 */
void config_names_list(const char *const *names, unsigned mask, char *buf, size_t size);

/* True when @k's field is a string that the config owns. */
bool config_key_is_string(const struct key_spec *k);
