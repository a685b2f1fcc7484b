/*
 * libFuzzer harness: the retained <base>/state that `bedroomctl status` says in
 * words, or prints with --json, is outside input (anything that may publish on
 * the broker can retain it). Any bytes, as the state and with or without an
 * availability. --json must stay one line of JSON that a terminal shows safely.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/bedroomctl/status-json.h"
#include "tools/bedroomctl/status-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What --json wrote: one line of JSON, with no ESC, DEL or C1 character in it. */
static void check_json(const char *json, size_t n)
{
	json_t *j = json_loads(json, 0, NULL);

	if (!j || n == 0 || memchr(json, '\n', n) != json + n - 1 || memchr(json, '\x1b', n) ||
	    memchr(json, '\x7f', n))
		abort();
	for (size_t i = 0; i + 1 < n; i++)
		if ((unsigned char) json[i] == 0xc2 && (unsigned char) json[i + 1] >= 0x80 &&
		    (unsigned char) json[i + 1] <= 0x9f)
			abort();
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *availability = size > 0 && (data[0] & 1) ? "online" : NULL;
	char *text = malloc(size + 1), *json = NULL;
	size_t json_size = 0;
	FILE *out = fopen("/dev/null", "w"), *mem = NULL;

	if (text && out) {
		memcpy(text, data, size);
		text[size] = '\0';
		(void) status_print_text(out, availability, text);
		mem = open_memstream(&json, &json_size);
	}
	if (mem && status_print_json(mem, availability, text) == 0 && fclose(mem) == 0)
		check_json(json, json_size);
	else if (mem)
		fclose(mem);
	if (out)
		fclose(out);
	free(json);
	free(text);
	return 0;
}
