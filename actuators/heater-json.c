/* JSON and plain-word helpers shared by the presets. */
#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actuators/heater-preset-internal.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool heater_payload_is(const char *data, size_t len, const char *word, bool nocase)
{
	size_t n;

	n = strlen(word);
	while (len > 0 && is_space(data[len - 1]))
		len--;
	while (len > 0 && is_space(data[0])) {
		data++;
		len--;
	}
	if (len != n)
		return false;
	return nocase ? strncasecmp(data, word, n) == 0 && !memchr(data, '\0', n)
		      : memcmp(data, word, n) == 0;
}

void heater_word_set(struct heater_word *w, enum heater_word_kind kind, const char *data,
		     size_t len)
{
	assert(w);
	while (len > 0 && is_space(data[len - 1]))
		len--;
	while (len > 0 && is_space(data[0])) {
		data++;
		len--;
	}
	*w = (struct heater_word){ .kind = kind,
				   .len = len < HEATER_WORD_MAX ? len : HEATER_WORD_MAX };
	if (w->len > 0)
		memcpy(w->text, data, w->len);
}

int heater_json_load(const char *data, size_t len, struct json_t **ret)
{
	assert(ret);
	json_error_t err;
	json_t *root;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return -EBADMSG;
	if (!json_is_object(root)) {
		json_decref(root);
		return -EBADMSG;
	}
	*ret = root;
	return 0;
}

void heater_json_free(struct json_t *root)
{
	json_decref(root);
}

int heater_json_relay(struct json_t *v, const char *on, const char *off, bool nocase,
		      enum heater_relay *ret)
{
	const char *s;
	size_t len;

	assert(v);
	assert(ret);
	if (json_is_null(v)) {
		*ret = HEATER_RELAY_UNKNOWN;
		return 0;
	}
	if (json_is_boolean(v)) {
		*ret = json_is_true(v) ? HEATER_RELAY_ON : HEATER_RELAY_OFF;
		return 0;
	}
	if (!json_is_string(v))
		return -EINVAL;
	s = json_string_value(v);
	len = json_string_length(v);
	if (heater_payload_is(s, len, on, nocase))
		*ret = HEATER_RELAY_ON;
	else if (heater_payload_is(s, len, off, nocase))
		*ret = HEATER_RELAY_OFF;
	else
		return -EBADMSG;
	return 0;
}

int heater_json_number(struct json_t *v, double *ret)
{
	double d;

	assert(v);
	assert(ret);
	if (!json_is_number(v))
		return -EINVAL;
	d = json_number_value(v);
	if (!isfinite(d))
		return -EINVAL;
	*ret = d;
	return 0;
}

int heater_json_reading(struct json_t *v, double *ret, bool *known)
{
	assert(ret);
	assert(known);
	if (!v || json_is_null(v))
		return 0;
	if (heater_json_number(v, ret) < 0)
		return -EINVAL;
	*known = true;
	return 0;
}
