/*
 * The parser's state, shared by the reading (config.c) and the checks
 * (config-check.c): the errors, and where each key was set. Both call
 * in here; nothing here calls them.
 */
#include "config/config-parser.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void parser_error(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *all = NULL;

	if (p->n_errors++ >= PARSER_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg || asprintf(&all, "%s%s%s:%u: %s", p->error ? p->error : "", p->error ? "\n" : "",
			     p->path, line, msg) < 0)
		all = NULL;
	free(msg);
	if (all) {
		free(p->error);
		p->error = all;
	} else if (!p->error) {
		p->error = strdup("out of memory");
	}
}

bool parser_said_line(const struct parser *p, unsigned line)
{
	size_t n = strlen(p->path);

	for (const char *e = p->error; e && *e;) {
		char *end;

		if (strncmp(e, p->path, n) == 0 && e[n] == ':' &&
		    strtoul(e + n + 1, &end, 10) == line && *end == ':')
			return true;
		e = strchr(e, '\n');
		e = e ? e + 1 : NULL;
	}
	return false;
}

void parser_warning(struct parser *p, unsigned line, const char *fmt, ...)
{
	char *msg = NULL, *all = NULL;
	const char *before = p->config->warnings ? p->config->warnings : "";
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg && asprintf(&all, "%s%s:%u: %s\n", before, p->path, line, msg) >= 0) {
		free(p->config->warnings);
		p->config->warnings = all;
	}
	free(msg);
}

size_t parser_section_index(const struct section_spec *spec)
{
	assert(spec);
	return (size_t) (spec - config_sections);
}

void *parser_items(const struct parser *p, const struct section_spec *spec, size_t *ret_n)
{
	assert(p);
	assert(ret_n);
	*ret_n = *(const size_t *) ((const char *) p->config + spec->count_offset);
	return *(void **) ((char *) p->config + spec->items_offset);
}

void *parser_item_at(const struct section_spec *spec, void *items, size_t i)
{
	assert(spec);
	return (char *) items + i * spec->item_size;
}

unsigned parser_key_line(const struct parser *p, const struct section_spec *spec, size_t i,
			 const char *kind, const char *key)
{
	size_t idx;

	assert(p);
	if (!config_key_find(kind, key, &idx))
		return 0;
	return spec ? p->items[parser_section_index(spec)][i].line[idx] : p->plain.line[idx];
}
