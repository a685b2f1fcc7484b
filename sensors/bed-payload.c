#include "sensors/bed-payload.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sensors/json-path.h"
#include "sensors/sensor-defaults.h"
#include "sensors/utf8.h"

static int fail(const char **ret_reason, const char *reason, int r)
{
	if (ret_reason)
		*ret_reason = reason;
	return r;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether the @len bytes at @s, trimmed, equal @word, ignoring case. */
static bool word_is(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len == n && strncasecmp(s, word, n) == 0;
}

static int parse_word(const char *s, size_t len, const struct bed_payload_params *p,
		      bool *ret_active, const char **ret_reason)
{
	static const char *const on[] = { "on", "true", "1" };
	static const char *const off[] = { "off", "false", "0" };

	while (len > 0 && is_space(s[len - 1]))
		len--;
	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	if (len == 0)
		return fail(ret_reason, "empty payload", -ENODATA);
	if (memchr(s, '\0', len))
		return fail(ret_reason, "payload holds a NUL byte", -EBADMSG);
	if (word_is(s, len, p->payload_on ? p->payload_on : BED_PAYLOAD_DEFAULT_ON)) {
		*ret_active = true;
		return 0;
	}
	if (word_is(s, len, p->payload_off ? p->payload_off : BED_PAYLOAD_DEFAULT_OFF)) {
		*ret_active = false;
		return 0;
	}
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (word_is(s, len, on[i])) {
			*ret_active = true;
			return 0;
		}
		if (word_is(s, len, off[i])) {
			*ret_active = false;
			return 0;
		}
	}
	return fail(ret_reason, "neither payload_on nor payload_off", -EBADMSG);
}

/* Follows the dot-separated @key from @root. NULL when a step is missing. */
static int parse_json(const char *data, size_t len, const struct bed_payload_params *p,
		      bool *ret_active, const char **ret_reason)
{
	json_error_t err;
	json_t *root, *v;
	int r;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!root)
		return fail(ret_reason, "not valid JSON", -EBADMSG);
	v = json_path_lookup(root, p->json_key);
	if (!v) {
		r = fail(ret_reason, "json_key not found", -ENOENT);
	} else if (json_is_null(v)) {
		r = fail(ret_reason, "value is null", -ENODATA);
	} else if (json_is_boolean(v)) {
		*ret_active = json_is_true(v);
		r = 0;
	} else if (json_is_integer(v) &&
		   (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
		*ret_active = json_integer_value(v) == 1;
		r = 0;
	} else if (json_is_string(v)) {
		r = parse_word(json_string_value(v), json_string_length(v), p, ret_active,
			       ret_reason);
		if (r == -ENODATA)
			r = fail(ret_reason, "value is an empty string", -EINVAL);
	} else {
		r = fail(ret_reason, "value is not a boolean, 0/1 or a known string", -EINVAL);
	}
	json_decref(root);
	return r;
}

int bed_payload_parse(const void *data, size_t len, const struct bed_payload_params *p,
		      bool *ret_active, const char **ret_reason)
{
	size_t max = p->max_size ? p->max_size : BED_PAYLOAD_DEFAULT_MAX_SIZE;

	assert(ret_active);
	if (len > max)
		return fail(ret_reason, "payload too large", -EMSGSIZE);
	if (len == 0 || !data)
		return fail(ret_reason, "empty payload", -ENODATA);
	if (!utf8_valid(data, len))
		return fail(ret_reason, "payload is not UTF-8", -EILSEQ);
	if (p->json_key)
		return parse_json(data, len, p, ret_active, ret_reason);
	return parse_word(data, len, p, ret_active, ret_reason);
}
