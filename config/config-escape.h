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

/* What keeps a string from being text bedroomd sends on: see config_text_check(). */
enum config_text_problem {
	CONFIG_TEXT_OK,
	CONFIG_TEXT_NOT_UTF8,     /* a byte that is not well-formed UTF-8 (a Latin-1 'ä') */
	CONFIG_TEXT_CONTROL,      /* a control character (config_is_control()) */
	CONFIG_TEXT_NONCHARACTER, /* a noncharacter (config_is_noncharacter()) */
};

/*
 * Whether @s is text that MQTT (topics), JSON (jansson refuses what is not
 * UTF-8) and Home Assistant take as it is: well-formed UTF-8 without control
 * characters or noncharacters. The first problem found, or CONFIG_TEXT_OK.
 */
enum config_text_problem config_text_check(const char *s);

/*
 * How many bytes of @s fit in @max, ending before a character: a cut never
 * splits a UTF-8 sequence (JSON would refuse the half). strlen(@s) when it
 * fits whole.
 */
size_t config_utf8_fit(const char *s, size_t max);
