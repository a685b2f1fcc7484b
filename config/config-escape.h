#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Text from outside (a configuration file, the broker, the store) made safe to
 * show on a terminal or in a log line. No I/O, no state.
 */

/*
 * The character at the start of the @len bytes at @s: returns its length in
 * bytes (1 to 4) and its code point in *@ret_cp, or -EILSEQ when those bytes do
 * not start with well-formed UTF-8 (an overlong form, a surrogate, above
 * U+10FFFF, cut off, a stray continuation byte). @len is at least 1.
 */
int config_utf8_next(const char *s, size_t len, uint32_t *ret_cp);

/* Whether @cp is a control character: C0 (U+0000 to U+001F), DEL or C1 (U+0080 to U+009F). */
static inline bool config_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Whether @cp is a noncharacter: U+FDD0 to U+FDEF and the last two of each plane (U+FFFE,
 * U+FFFF...). */
static inline bool config_is_noncharacter(uint32_t cp)
{
	return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

/*
 * @s as printable text: well-formed UTF-8 stays as it is; each control
 * character becomes \n, \r, \t, \xNN (C0 and DEL) or \u00NN (C1), each
 * noncharacter \uNNNN or \UNNNNNNNN, and each byte that is not UTF-8 \xNN: no
 * terminal escape sequence gets through, and a wrong encoding shows which
 * byte it is. Returns a new string the caller
 * frees, or NULL when out of memory.
 */
char *config_escape(const char *s);
