/*
 * libFuzzer harness: the retained <base>/state that `bedroomctl status` says in
 * words is outside input (anything that may publish on the broker can retain
 * it). Any bytes, as the state and with or without an availability.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/bedroomctl/status-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	FILE *out = fopen("/dev/null", "w");

	if (text && out) {
		memcpy(text, data, size);
		text[size] = '\0';
		(void) status_print_text(out, size > 0 && (data[0] & 1) ? "online" : NULL, text);
	}
	if (out)
		fclose(out);
	free(text);
	return 0;
}
