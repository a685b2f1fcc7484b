/* "did you mean": the key a mistyped one was most likely meant to be. */
#include <stdint.h>
#include <string.h>

#include "config/config-keys.h"

#define NAME_MAX_LEN 64

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Edits from @a to @b: a letter inserted, dropped, changed, or two
 * neighbours swapped ("prot" is one from "port"). Names longer than
 * NAME_MAX_LEN are as far as can be.
 */
static size_t edits(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned char d[NAME_MAX_LEN + 1][NAME_MAX_LEN + 1]; /* at most NAME_MAX_LEN */

	if (n > NAME_MAX_LEN || m > NAME_MAX_LEN)
		return SIZE_MAX;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (unsigned char) i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (unsigned char) j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t e = min3(d[i - 1][j] + 1U, d[i][j - 1] + 1U,
					d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1U : 0U));

			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1U < e)
				e = d[i - 2][j - 2] + 1U;
			d[i][j] = (unsigned char) e;
		}
	return d[n][m];
}

const char *config_key_nearest(const char *section, const char *name)
{
	/* Two edits at most, and fewer than a third of the name: "at" is not "ca_file". */
	size_t best = strlen(name) / 3 < 2 ? strlen(name) / 3 : 2;
	const char *found = NULL;

	for (size_t i = 0; i < config_n_keys; i++) {
		size_t e;

		if (strcmp(config_keys[i].section, section) != 0)
			continue;
		e = edits(name, config_keys[i].name);
		if (e >= 1 && e <= best && (!found || e < best)) {
			found = config_keys[i].name;
			best = e;
		}
	}
	return found;
}
