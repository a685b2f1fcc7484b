/*
 * Reads the INI file: sections, keys, errors with their line. What each key
 * means is in config-keys.c; checks across keys and defaults in config-check.c;
 * the parser's state that both share in config-parser.c.
 */
#include "config/config.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-defaults.h"
#include "config/config-parser.h"
#include "config/config-reminder.h"
#include "config/config-value.h"

static void *section_base(struct parser *p)
{
	size_t n;

	if (!p->section->named)
		return p->config;
	return parser_item_at(p->section, parser_items(p, p->section, &n), p->item);
}

static unsigned *section_set_lines(struct parser *p)
{
	if (!p->section->named)
		return p->plain.line;
	return p->items[parser_section_index(p->section)][p->item].line;
}

static int item_add(struct parser *p, const struct section_spec *spec, const char *name,
		    unsigned line)
{
	size_t n, k = parser_section_index(spec);
	struct set_lines *lines;
	char *items = parser_items(p, spec, &n);
	char *item;

	for (size_t i = 0; i < n; i++) {
		item = parser_item_at(spec, items, i);
		if (strcmp(*(char **) (item + spec->name_offset), name) == 0) {
			parser_error(p, line, "[%s.%s] is defined twice (first on line %u)",
				     spec->kind, name, *(unsigned *) (item + spec->line_offset));
			return -EEXIST;
		}
	}
	/* On failure the old array stays where p->config holds it, freed with it. */
	item = realloc(items, (n + 1) * spec->item_size);
	if (!item)
		return -ENOMEM;
	items = item;
	*(void **) ((char *) p->config + spec->items_offset) = items;
	lines = realloc(p->items[k], (n + 1) * sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	p->items[k] = lines;
	memset(&lines[n], 0, sizeof(lines[n]));
	item = parser_item_at(spec, items, n);
	config_item_init(spec, item);
	*(unsigned *) (item + spec->line_offset) = line;
	*(char **) (item + spec->name_offset) = strdup(name);
	/* Counted even without its name, so config_free() frees what it has. */
	(*(size_t *) ((char *) p->config + spec->count_offset))++;
	if (!*(char **) (item + spec->name_offset))
		return -ENOMEM;
	p->item = n;
	return 0;
}

static void unknown_section(struct parser *p, unsigned line, const char *header, size_t len)
{
	char known[200] = "";
	size_t used = 0;

	for (size_t i = 0; i < config_n_sections && used < sizeof(known); i++)
		used += (size_t) snprintf(known + used, sizeof(known) - used, "%s[%s%s]",
					  i ? ", " : "", config_sections[i].kind,
					  config_sections[i].named ? ".NAME" : "");
	parser_error(p, line, "unknown section [%.*s] (known: %s)", (int) len, header, known);
}

/* A "[kind]" or "[kind.NAME]" line: makes it the current section. */
static void open_section(struct parser *p, const char *header, size_t len)
{
	const char *dot = memchr(header, '.', len);
	size_t kind_len = dot ? (size_t) (dot - header) : len;
	const struct section_spec *spec = config_section_find(header, kind_len);
	unsigned line = p->reader.line;
	char name[80];

	p->section = NULL;
	p->header_broken = false;
	if (!spec) {
		unknown_section(p, line, header, len);
		return;
	}
	if (spec->named != (dot != NULL)) {
		if (spec->named)
			parser_error(p, line, "[%s] needs a name: [%s.NAME]", spec->kind,
				     spec->kind);
		else
			parser_error(p, line, "[%s] takes no name: '[%.*s]'", spec->kind, (int) len,
				     header);
		return;
	}
	p->section = spec;
	if (!spec->named) {
		size_t k = parser_section_index(spec);

		/* Two [heating] would be merged silently: the second's keys not where one looks. */
		if (p->opened[k]) {
			parser_error(p, line,
				     "[%s] appears twice (first on line %u): put its keys in one",
				     spec->kind, p->opened[k]);
			p->section = NULL;
		}
		p->opened[k] = line;
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int) (len - kind_len - 1), dot + 1);
	if (len - kind_len - 1 >= sizeof(name) || !config_name_is_valid(name)) {
		parser_error(
		    p, line, "section name '%.*s' must be %s", (int) (len - kind_len - 1), dot + 1,
		    spec->name_rule ? spec->name_rule : "1 to 64 letters, digits, '_' or '-'");
		p->section = NULL;
		return;
	}
	if (item_add(p, spec, name, line) < 0) {
		if (!p->error)
			parser_error(p, line, "out of memory");
		p->section = NULL;
	}
}

/*
 * "127.0.0.1" or '18': one pair of quotes around a whole value is taken off, as
 * people who write YAML or shell expect; kept, they would fail far from here
 * ("cannot resolve the host name"). NULL when there are none (or no memory:
 * the value is then taken as written, and fails where it is used).
 */
static char *unquoted(const char *value)
{
	size_t n = strlen(value);

	if (n < 2 || (value[0] != '"' && value[0] != '\'') || value[n - 1] != value[0])
		return NULL;
	return strndup(value + 1, n - 2);
}

/* inih calls this for every key; returning 0 makes it report the line as an error. */
static int handle_key(void *user, const char *section, const char *name, const char *value)
{
	char *without_quotes;
	struct parser *p = user;
	const struct key_spec *k;
	unsigned *set_line;
	char *msg = NULL;
	size_t idx;
	int r;

	if (p->line_refused || p->header_broken)
		return 1; /* said already: the line, or the broken header above it */
	if (section[0] == '\0') {
		parser_error(p, p->reader.line, "'%s' is outside any [section]", name);
		return 1;
	}
	if (!p->section)
		return 1; /* reported at the section's header */
	k = config_key_find(p->section->kind, name, &idx);
	if (!k) {
		const char *meant = config_key_nearest(p->section->kind, name);

		parser_error(p, p->reader.line, "unknown key '%s' in [%s]%s%s%s", name, section,
			     meant ? " (did you mean '" : "", meant ? meant : "",
			     meant ? "'?)" : "");
		return 1;
	}
	set_line = section_set_lines(p);
	if (set_line[idx]) {
		parser_error(p, p->reader.line, "'%s' is set twice in [%s] (first on line %u)",
			     name, section, set_line[idx]);
		return 1;
	}
	set_line[idx] = p->reader.line;
	/*
	 * Text is where a comment after a value surprises: "Water ; then bed" loses
	 * its end, "Bedroom # upstairs" keeps the comment. Other values (a host, a
	 * KEY_WORD, among them) fail their check, or the ';' comment is harmless.
	 */
	if (k->type == KEY_STRING && p->line_semicolon)
		parser_warning(p, p->reader.line,
			       "'%s': what follows ' ;' is a comment, not part of the value", name);
	else if (k->type == KEY_STRING && p->line_hash)
		parser_warning(p, p->reader.line,
			       "'%s': ' # ...' is part of the value, not a comment (a comment goes "
			       "on a line of its own)",
			       name);
	without_quotes = unquoted(value);
	r = config_key_set(k, section_base(p), without_quotes ? without_quotes : value, &msg);
	free(without_quotes);
	if (r < 0)
		/* inih takes only ';' after a value as a comment: say so at a refused '#'. */
		parser_error(p, p->reader.line, "%s%s", msg ? msg : "out of memory",
			     msg && strstr(value, " #") ? " (a # comment goes on a line of its own)"
							: "");
	free(msg);
	return 1;
}

/*
 * Where inih's reading of a line stops: at the first of @chars, or at a ';'
 * comment after a space (then "" is returned: none of @chars is there).
 */
static const char *find_as_inih(const char *s, const char *chars)
{
	bool was_space = false;

	for (; *s; s++) {
		if (strchr(chars, *s))
			return s;
		if (*s == ';' && was_space)
			return "";
		was_space = isspace((unsigned char) *s);
	}
	return s;
}

/* The length of @line without the line ending and the spaces before it. */
static int trimmed_length(const char *line)
{
	size_t n = strlen(line);

	while (n > 0 && isspace((unsigned char) line[n - 1]))
		n--;
	return n > 200 ? 200 : (int) n;
}

/*
 * A header line inih does not take: said here, at its line, before the keys
 * under it. inih would report it only when the file is read (after their
 * errors, or not at all past PARSER_MAX_ERRORS), and give its keys to the
 * section above ("unknown key 'floor' in [daemon]"): they are not read, the
 * one error said for them all.
 */
static void broken_header(struct parser *p, const char *line, const char *what)
{
	if (!p->line_refused) /* a line cut for its length is said so already */
		parser_error(p, p->reader.line,
			     "'%.*s' is missing its %s: the keys under it are not read",
			     trimmed_length(line), line, what);
	p->section = NULL;
	p->header_broken = true;
	p->line_refused = true;
}

static void check_section_header(struct parser *p, const char *line)
{
	const char *start = line + strspn(line, " \t");
	const char *end;
	int n;

	if (*start == '[') {
		end = find_as_inih(start + 1, "]");
		if (*end == ']')
			open_section(p, start + 1, (size_t) (end - start - 1));
		else if (strchr(start, ']'))
			broken_header(p, start, "closing ']' before a ' ;' comment");
		else
			broken_header(p, start, "closing ']'");
		return;
	}
	/* "heating]": no '=' either, so inih cannot parse it; a header that lost its '['. */
	n = trimmed_length(start);
	if (n > 1 && start[n - 1] == ']' && !strchr(";#", *start) && !*find_as_inih(start, "=:"))
		broken_header(p, start, "opening '['");
}

#define CANNOT_PARSE "cannot parse: expected '[section]', 'key = value' or a comment"

/*
 * A line inih cannot take (neither a header, a comment nor "key = value"):
 * said here, at its line, in order with the other errors. inih names only
 * the first such line, and only once the whole file is read.
 */
static void check_parsable(struct parser *p, const char *line)
{
	if (p->line_refused || trimmed_length(line) == 0 || strchr(";#[", *line) ||
	    *find_as_inih(line, "=:"))
		return;
	parser_error(p, p->reader.line, CANNOT_PARSE);
	p->line_refused = true;
}

/*
 * inih takes " ;" after a value as the start of a comment, and drops it, but
 * not " # ". Noted here, where the line is still whole, for handle_key().
 */
static void note_inline_comment(struct parser *p, const char *line)
{
	const char *start = line + strspn(line, " \t"), *eq = strchr(start, '=');
	bool key_line = eq && !strchr("#;[", *start);

	p->line_semicolon = key_line && (strstr(eq, " ;") || strstr(eq, "\t;"));
	p->line_hash = key_line && (strstr(eq, " # ") || strstr(eq, "\t# "));
}

/*
 * Takes off what inih would read otherwise than a person means, before it sees
 * the line. The UTF-8 byte order mark some editors write first: inih skips it
 * too, but check_section_header() would not see the '[' behind it, and every
 * key of the first section was dropped without a word. Indentation: inih takes
 * an indented line as the rest of the value above (Python's multi-line values,
 * which no key here has), so "  floor = 20" was "set twice" at the next key and
 * an indented header left its keys in the section above.
 */
static void strip_line_start(const struct parser *p, char *line)
{
	size_t skip = 0;

	if (p->reader.line == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	skip += strspn(line + skip, " \t");
	if (skip > 0)
		memmove(line, line + skip, strlen(line + skip) + 1);
}

static char *read_line(char *buf, int size, void *stream)
{
	struct parser *p = stream;
	char *line = config_reader_next(&p->reader, buf, (size_t) size);

	if (!line)
		return NULL;
	p->line_refused = p->reader.too_long;
	if (p->reader.too_long)
		parser_error(p, p->reader.line, "line is longer than %d characters", size - 2);
	strip_line_start(p, line);
	check_section_header(p, line);
	check_parsable(p, line);
	note_inline_comment(p, line);
	return line;
}

static void parser_done(struct parser *p)
{
	for (size_t i = 0; i < CONFIG_MAX_SECTIONS; i++)
		free(p->items[i]);
}

int config_load(const char *path, struct config **ret, char **ret_error)
{
	struct parser p = { .path = path };
	int r, line;

	assert(ret);
	assert(ret_error);
	p.config = calloc(1, sizeof(*p.config));
	if (!p.config || !(p.config->path = strdup(path))) {
		r = -ENOMEM;
		goto out;
	}
	r = config_reader_open(&p.reader, path);
	if (r < 0) {
		if (asprintf(&p.error, "%s: cannot read configuration: %s", path, strerror(-r)) < 0)
			p.error = NULL;
		goto out;
	}
	line = ini_parse_stream(read_line, &p, handle_key, &p);
	config_reader_close(&p.reader);
	if (line < 0) {
		r = -ENOMEM;
		goto out;
	}
	if (p.reader.error < 0) {
		/* What was read so far is not the configuration: refuse all of it. */
		r = p.reader.error;
		free(p.error);
		if (asprintf(&p.error, "%s: cannot read configuration: %s", path, strerror(-r)) < 0)
			p.error = NULL;
		goto out;
	}
	/* Said at its line already (check_parsable(), a line too long), unless inih sees more. */
	if (line > 0 && !parser_said_line(&p, (unsigned) line))
		parser_error(&p, (unsigned) line, CANNOT_PARSE);
	if (!p.error) {
		r = config_defaults_fill(&p);
		if (r < 0)
			goto out;
		p.checking = true;
		config_check(&p);
	}
	if (p.error) {
		char *all;

		if (p.n_errors > PARSER_MAX_ERRORS &&
		    asprintf(&all, "%s\n%s: %u more error%s", p.error, path,
			     p.n_errors - PARSER_MAX_ERRORS,
			     p.n_errors - PARSER_MAX_ERRORS == 1 ? "" : "s") >= 0) {
			free(p.error);
			p.error = all;
		}
		r = -EINVAL;
		goto out;
	}
	r = config_defaults_derive(p.config);
	if (r < 0)
		goto out;

	parser_done(&p);
	*ret = p.config;
	return 0;
out:
	parser_done(&p);
	config_free(p.config);
	if (!p.error)
		p.error = strdup(r == -ENOMEM ? "out of memory" : "cannot load configuration");
	*ret_error = p.error;
	return r;
}

/* Frees the strings of the keys of kind @kind in @base. */
static void free_strings(const char *kind, void *base)
{
	for (size_t i = 0; i < config_n_keys; i++)
		if (strcmp(config_keys[i].section, kind) == 0 &&
		    config_key_is_string(&config_keys[i]))
			free(*(char **) ((char *) base + config_keys[i].offset));
}

struct config *config_free(struct config *c)
{
	if (!c)
		return NULL;
	for (size_t s = 0; s < config_n_sections; s++) {
		const struct section_spec *spec = &config_sections[s];
		size_t n;
		char *items;

		if (!spec->named) {
			free_strings(spec->kind, c);
			continue;
		}
		n = *(size_t *) ((char *) c + spec->count_offset);
		items = *(char **) ((char *) c + spec->items_offset);
		for (size_t i = 0; i < n; i++) {
			char *item = parser_item_at(spec, items, i);

			free_strings(spec->kind, item);
			free(*(char **) (item + spec->name_offset));
		}
		free(items);
	}
	if (c->mqtt.password)
		explicit_bzero(c->mqtt.password, strlen(c->mqtt.password));
	free(c->mqtt.password);
	free(c->warnings);
	free(c->path);
	free(c);
	return NULL;
}

/*
 * A key that applies to some roles only: 'leg', a cramp button's (config-check.c
 * refuses it on another input). Left out of the dump there, so that a dump loads.
 */
static bool applies_to_role(const char *kind, const struct key_spec *k, const void *base)
{
	if (strcmp(kind, "input") != 0 || strcmp(k->name, "leg") != 0)
		return true;
	return ((const struct config_input *) base)->role == CONFIG_INPUT_ROLE_CRAMP_BUTTON;
}

static void dump_keys(const char *kind, int type, const void *base, FILE *f)
{
	for (size_t i = 0; i < config_n_keys; i++) {
		const struct key_spec *k = &config_keys[i];

		if (strcmp(k->section, kind) != 0 || (k->types && !(k->types & (1u << type))) ||
		    !applies_to_role(kind, k, base))
			continue;
		if (!config_reminder_dump_builtin(k, base, f))
			config_key_dump(k, base, f);
	}
}

int config_dump(const struct config *c, FILE *f)
{
	assert(c);
	for (size_t s = 0; s < config_n_sections; s++) {
		const struct section_spec *spec = &config_sections[s];
		size_t n;
		char *items;

		if (!spec->named) {
			fprintf(f, "%s[%s]\n", s ? "\n" : "", spec->kind);
			dump_keys(spec->kind, 0, c, f);
			/* Where the password came from, never the password. */
			if (strcmp(spec->kind, "mqtt") == 0 && c->mqtt.password)
				fprintf(f, "# password: read from %s, not shown\n",
					c->mqtt.password_file ? "password_file"
							      : "the credential mqtt-password");
			continue;
		}
		n = *(const size_t *) ((const char *) c + spec->count_offset);
		items = *(char *const *) ((const char *) c + spec->items_offset);
		for (size_t i = 0; i < n; i++) {
			const char *item = parser_item_at(spec, items, i);

			fprintf(f, "\n[%s.%s]\n", spec->kind,
				*(char *const *) (item + spec->name_offset));
			dump_keys(spec->kind, config_item_type(spec, item), item, f);
		}
	}
	return ferror(f) ? -EIO : 0;
}
