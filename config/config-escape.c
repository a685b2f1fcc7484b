/* Text from outside, safe to print: see config-escape.h. */
#include "config/config-escape.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int config_utf8_next(const char *s, size_t len, uint32_t *ret_cp)
{
	const unsigned char *u = (const unsigned char *) s;
	uint32_t cp;
	size_t n;

	if (u[0] < 0x80) {
		*ret_cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		cp = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		cp = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		cp = u[0] & 0x07;
	} else {
		return -EILSEQ; /* a continuation byte, 0xc0, 0xc1 or 0xf5 and above */
	}
	if (len < n)
		return -EILSEQ;
	for (size_t k = 1; k < n; k++) {
		if ((u[k] & 0xc0) != 0x80)
			return -EILSEQ;
		cp = cp << 6 | (u[k] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -EILSEQ;
	*ret_cp = cp;
	return (int) n;
}

char *config_escape(const char *s)
{
	size_t len = strlen(s), used = 0;
	/* At most four bytes for each of @s: "\xe4" for one, "\u0085" for two, "\U0001ffff" for
	 * four. */
	char *out = malloc(len * 4 + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = config_utf8_next(s + i, len - i, &cp);

		if (n < 0) {
			used += (size_t) sprintf(out + used, "\\x%02x", (unsigned char) s[i]);
			i++;
			continue;
		}
		if (cp == '\n' || cp == '\r' || cp == '\t') {
			out[used++] = '\\';
			out[used++] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
		} else if (cp < 0x80 && config_is_control(cp)) {
			used += (size_t) sprintf(out + used, "\\x%02x", (unsigned) cp);
		} else if (config_is_control(cp) || (config_is_noncharacter(cp) && cp <= 0xffff)) {
			used += (size_t) sprintf(out + used, "\\u%04x", (unsigned) cp);
		} else if (config_is_noncharacter(cp)) {
			used += (size_t) sprintf(out + used, "\\U%08x", (unsigned) cp);
		} else {
			memcpy(out + used, s + i, (size_t) n);
			used += (size_t) n;
		}
		i += (size_t) n;
	}
	out[used] = '\0';
	return out;
}

enum config_text_problem config_text_check(const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = config_utf8_next(s + i, len - i, &cp);

		if (n < 0)
			return CONFIG_TEXT_NOT_UTF8;
		if (config_is_control(cp))
			return CONFIG_TEXT_CONTROL;
		if (config_is_noncharacter(cp))
			return CONFIG_TEXT_NONCHARACTER;
		i += (size_t) n;
	}
	return CONFIG_TEXT_OK;
}

size_t config_utf8_fit(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	/* s[max] is the first byte left out: back up while it continues a character. */
	n = max;
	while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
		n--;
	return n;
}
