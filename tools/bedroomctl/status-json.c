/*
 * `bedroomctl status --json`: the retained availability and state snapshot as
 * one JSON document, for a program to parse (it printed two labelled lines,
 * which none can), with the state's text as retained.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/json-text.h"
#include "tools/bedroomctl/status-json.h"

#define JSON_SPACE " \t\r\n"

/* @payload as a JSON string (or null), in text. NULL when out of memory. */
static char *string_text(const char *payload)
{
	json_t *j = json_text(payload);
	char *text = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	json_decref(j);
	return text;
}

/*
 * Writes @n bytes of valid JSON text on one line. In valid JSON a line break
 * is only whitespace, and DEL or a C1 character (U+0080 to U+009F, which a
 * terminal may take as the start of an escape sequence) only inside a
 * string: a space and a \u escape there say the same.
 */
static void put_one_line(FILE *out, const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *) text;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r')
			fputc(' ', out);
		else if (p[i] == 0x7f)
			fputs("\\u007f", out);
		else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			fprintf(out, "\\u%04x", p[++i]);
		else
			fputc(p[i], out);
	}
}

int status_print_json(FILE *out, const char *availability, const char *state_text)
{
	char *avail = string_text(availability), *quoted = NULL;
	json_t *state = state_text ? json_loads(state_text, JSON_DECODE_ANY, NULL) : NULL;
	size_t start = 0, end = 0;

	/* Not JSON (another program on the topic?): a string. */
	if (state_text && !state)
		quoted = string_text(state_text);
	json_decref(state);
	if (!avail || (state_text && !state && !quoted)) {
		free(avail);
		free(quoted);
		return -ENOMEM;
	}
	if (state) {
		/* The text as retained, without the whitespace around it. */
		start = strspn(state_text, JSON_SPACE);
		end = strlen(state_text);
		while (end > start && strchr(JSON_SPACE, state_text[end - 1]))
			end--;
	}
	fprintf(out, "{\"availability\":");
	put_one_line(out, avail, strlen(avail));
	fputs(",\"state\":", out);
	if (state)
		put_one_line(out, state_text + start, end - start);
	else if (quoted)
		put_one_line(out, quoted, strlen(quoted));
	else
		fputs("null", out);
	fputs("}\n", out);
	free(avail);
	free(quoted);
	return 0;
}
