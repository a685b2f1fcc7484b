#pragma once

/*
 * Inside config/: the parser's state, shared by config.c (reading) and
 * config-check.c (checks). Its helpers live in config-parser.c, so that both
 * call it and neither calls the other's helpers.
 */

#include <stdbool.h>
#include <stddef.h>

#include "config/config-keys.h"
#include "config/config-read.h"
#include "config/config.h"

/* Where each key of one section instance was set (0: not set). */
struct set_lines {
	unsigned line[CONFIG_MAX_KEYS];
};

struct parser {
	const char *path;
	struct config_reader reader;
	struct config *config;
	/*
	 * The errors, one "PATH:LINE: message" a line: every key's own (a person
	 * fixes them all in one go), up to PARSER_MAX_ERRORS; of the checks across
	 * keys (after parsing, and only when it found none) the first only: later
	 * ones are often its echoes.
	 */
	char *error;
	unsigned n_errors;
	bool checking;                      /* the checks across keys run */
	bool line_refused;                  /* the line being read is said to be wrong */
	const struct section_spec *section; /* being read; NULL before any, or unknown */
	bool header_broken;     /* the last header line lacks a bracket: its keys are not read */
	size_t item;            /* of a named section: its index */
	struct set_lines plain; /* for every plain section */
	struct set_lines *items[CONFIG_MAX_SECTIONS]; /* per named kind, per item */
	unsigned opened[CONFIG_MAX_SECTIONS]; /* a plain section's header line; 0: not yet */
	/* The line being read: " ;" in its value (inih drops the rest), " # " (it does not). */
	bool line_semicolon, line_hash;
};

#define PARSER_MAX_ERRORS 10

/* Records "PATH:LINE: message" (see struct parser for how many). */
void parser_error(struct parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether an error was recorded for @line already. */
bool parser_said_line(const struct parser *p, unsigned line);

/* Adds "PATH:LINE: message" to the config's warnings: loaded, but worth a look. */
void parser_warning(struct parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The index of @spec in config_sections. */
size_t parser_section_index(const struct section_spec *spec);

/* The items of a named section kind, and how many there are. */
void *parser_items(const struct parser *p, const struct section_spec *spec, size_t *ret_n);

/* Item @i of @items, an array of @spec's items. */
void *parser_item_at(const struct section_spec *spec, void *items, size_t i);

/* The line where @key of item @i of @spec (or of a plain section, @spec NULL) was set. */
unsigned parser_key_line(const struct parser *p, const struct section_spec *spec, size_t i,
			 const char *kind, const char *key);

/* Checks across keys after parsing; reports the first problem with parser_error(). */
void config_check(struct parser *p);

/*
 * [mqtt]'s files: the CA and client certificate are PEM and the key is the
 * certificate's; reads the password (password_file, or the systemd credential
 * mqtt-password when username is set), warning when others can read the file,
 * and when username is set and neither gives a password (where it looked).
 */
void config_mqtt_files_check(struct parser *p);
