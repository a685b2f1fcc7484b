#include "sensors/temp-payload.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sensors/json-path.h"
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

/* ASCII only: strtod() takes no other digits, whatever the locale. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses [-+]digits[.digits] surrounded by whitespace in @s (@len bytes) into °C. */
static int parse_plain(const char *s, size_t len, double *ret, const char **ret_reason)
{
	char buf[64], *end;
	size_t i = 0, k;
	double v;

	while (len > 0 && is_space(s[len - 1]))
		len--;
	while (i < len && is_space(s[i]))
		i++;
	if (i == len)
		return fail(ret_reason, "empty payload", -ENODATA);
	s += i;
	len -= i;
	if (len >= sizeof(buf) || memchr(s, '\0', len))
		return fail(ret_reason, "not a number", -EBADMSG);
	memcpy(buf, s, len);
	buf[len] = '\0';
	k = (buf[0] == '-' || buf[0] == '+') ? 1 : 0;
	if (!is_digit(buf[k])) {
		if (strcasecmp(buf + k, "nan") == 0 || strcasecmp(buf + k, "inf") == 0 ||
		    strcasecmp(buf + k, "infinity") == 0)
			return fail(ret_reason, "not a finite number", -EDOM);
		return fail(ret_reason, "not a number", -EBADMSG);
	}
	while (is_digit(buf[k]))
		k++;
	if (buf[k] == '.') {
		if (!is_digit(buf[++k]))
			return fail(ret_reason, "not a number", -EBADMSG);
		while (is_digit(buf[k]))
			k++;
	}
	if (buf[k] != '\0')
		return fail(ret_reason, "not a number", -EBADMSG);
	errno = 0;
	v = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return fail(ret_reason, "number out of range", -ERANGE);
	*ret = v;
	return 0;
}

/* Follows the dot-separated @key from @root. NULL when a step is missing. */
static int parse_json(const char *data, size_t len, const char *key, double *ret,
		      enum temp_payload_unit *ret_unit, const char **ret_reason)
{
	json_t *root, *v, *unit;
	json_error_t err;
	int r;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return fail(ret_reason, "not valid JSON", -EBADMSG);
	unit = json_is_object(root) ? json_object_get(root, "TempUnit") : NULL;
	if (unit) {
		const char *u;

		/* The device says what it sends: either way, over params.fahrenheit. */
		u = json_string_value(unit);
		if (u && strcmp(u, "F") == 0)
			*ret_unit = TEMP_PAYLOAD_UNIT_F;
		else if (u && strcmp(u, "C") == 0)
			*ret_unit = TEMP_PAYLOAD_UNIT_C;
		else {
			r = fail(ret_reason, "TempUnit is neither \"C\" nor \"F\"", -EINVAL);
			goto out;
		}
	}
	v = json_path_lookup(root, key);
	if (!v)
		r = fail(ret_reason, "json_key not found", -ENOENT);
	else if (json_is_null(v))
		r = fail(ret_reason, "value is null", -ENODATA);
	else if (json_is_number(v)) {
		*ret = json_number_value(v);
		r = 0;
	} else if (json_is_string(v)) {
		r = parse_plain(json_string_value(v), json_string_length(v), ret, ret_reason);
		if (r == -EBADMSG || r == -ENODATA)
			r = fail(ret_reason, "string value is not a number", -EINVAL);
	} else
		r = fail(ret_reason, "value is not a number", -EINVAL);
out:
	json_decref(root);
	return r;
}

int temp_payload_parse(const void *data, size_t len, const struct temp_payload_params *p,
		       int32_t *ret_mc, const char **ret_reason)
{
	return temp_payload_parse_unit(data, len, p, ret_mc, NULL, ret_reason);
}

int temp_payload_parse_unit(const void *data, size_t len, const struct temp_payload_params *p,
			    int32_t *ret_mc, enum temp_payload_unit *ret_unit,
			    const char **ret_reason)
{
	size_t max = p->max_size ? p->max_size : TEMP_PAYLOAD_DEFAULT_MAX_SIZE;
	enum temp_payload_unit unit = TEMP_PAYLOAD_UNIT_CONFIG;
	bool fahrenheit = p->fahrenheit;
	double c = 0.0;
	int r;

	assert(ret_mc);
	if (len > max)
		return fail(ret_reason, "payload too large", -EMSGSIZE);
	if (len == 0 || !data)
		return fail(ret_reason, "empty payload", -ENODATA);
	if (!utf8_valid(data, len))
		return fail(ret_reason, "payload is not UTF-8", -EILSEQ);
	if (p->json_key)
		r = parse_json(data, len, p->json_key, &c, &unit, ret_reason);
	else if (memchr(data, '{', len))
		r = fail(ret_reason, "JSON payload but no json_key set", -EBADMSG);
	else
		r = parse_plain(data, len, &c, ret_reason);
	if (r < 0)
		return r;
	if (!isfinite(c))
		return fail(ret_reason, "not a finite number", -EDOM);
	switch (unit) {
	case TEMP_PAYLOAD_UNIT_CONFIG:
		break;
	case TEMP_PAYLOAD_UNIT_C:
		fahrenheit = false;
		break;
	case TEMP_PAYLOAD_UNIT_F:
		fahrenheit = true;
		break;
	}
	if (fahrenheit)
		c = (c - 32.0) * 5.0 / 9.0;
	if (c < -1000.0 || c > 1000.0)
		return fail(ret_reason, "temperature beyond +-1000 °C", -ERANGE);
	*ret_mc = (int32_t) lround(c * 1000.0);
	if (ret_unit)
		*ret_unit = unit;
	return 0;
}

bool temp_payload_expired(uint64_t received_usec, uint64_t now_usec, uint64_t max_age_usec)
{
	if (max_age_usec == 0 || now_usec <= received_usec)
		return false;
	return now_usec - received_usec > max_age_usec;
}

const char *temp_payload_unit_hint(int32_t value_mc, bool fahrenheit)
{
	double c = (double) value_mc / 1000.0;
	double raw = fahrenheit ? c * 9.0 / 5.0 + 32.0 : c;

	/* 40-84 °F is 4-29 °C; 85 is a DS18B20's power-on value, not a unit. */
	if (!fahrenheit && raw >= 40.0 && raw < 85.0)
		return "does the device send °F? Then set fahrenheit = yes";
	/* Below freezing in a bedroom, from a number that is one in °C. */
	if (fahrenheit && c <= 0.0 && raw >= 5.0 && raw <= 35.0)
		return "does the device send °C? fahrenheit = yes is set";
	return NULL;
}
