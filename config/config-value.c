#include "config/config-value.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config-escape.h"

int config_parse_bool(const char *text, bool *ret)
{
	assert(ret);
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

int config_parse_int(const char *text, long min, long max, long *ret)
{
	char *end;
	long v;

	assert(ret);
	if (*text == '\0')
		return -EINVAL;
	errno = 0;
	v = strtol(text, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int config_parse_double(const char *text, double min, double max, double *ret)
{
	char *end;
	double v;

	assert(ret);
	if (*text == '\0')
		return -EINVAL;
	errno = 0;
	v = strtod(text, &end);
	if (*end != '\0' || !isfinite(v))
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int config_parse_duration_usec(const char *text, unsigned long long min_usec,
			       unsigned long long max_usec, unsigned long long *ret)
{
	assert(ret);
	static const struct {
		const char *suffix;
		unsigned long long usec;
	} units[] = {
		{ "", 1000000ULL },     { "s", 1000000ULL },     { "sec", 1000000ULL },
		{ "ms", 1000ULL },      { "m", 60000000ULL },    { "min", 60000000ULL },
		{ "h", 3600000000ULL }, { "d", 86400000000ULL },
	};
	char *end;
	double v;

	if (*text == '\0')
		return -EINVAL;
	errno = 0;
	v = strtod(text, &end);
	if (end == text || !isfinite(v) || v < 0 || errno == ERANGE)
		return -EINVAL;
	while (*end == ' ')
		end++;
	/* A bare number: minutes to a person who read "10 min", once seconds here. 0 is 0. */
	if (*end == '\0' && v != 0)
		return -EDOM;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double usec;

		if (strcmp(end, units[i].suffix) != 0)
			continue;
		usec = v * (double) units[i].usec;
		if (usec < (double) min_usec || usec > (double) max_usec)
			return -ERANGE;
		*ret = (unsigned long long) usec;
		return 0;
	}
	return -EINVAL;
}

/* One or two ASCII digits at *@p (no sign, no blank: sscanf()'s %u took both). */
static bool read_two_digits(const char **p, unsigned *ret)
{
	const char *s = *p;
	unsigned v;

	if (*s < '0' || *s > '9')
		return false;
	v = (unsigned) (*s++ - '0');
	if (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned) (*s++ - '0');
	*ret = v;
	*p = s;
	return true;
}

/* "H:MM" or "HH:MM" at *@p, leaving *@p after it. */
static bool read_hh_mm(const char **p, unsigned *ret_h, unsigned *ret_m)
{
	if (!read_two_digits(p, ret_h) || **p != ':')
		return false;
	(*p)++;
	return read_two_digits(p, ret_m);
}

int config_parse_time_of_day(const char *text, int *ret_minutes)
{
	unsigned h, m;

	assert(ret_minutes);
	if (!read_hh_mm(&text, &h, &m) || *text != '\0' || h > 23 || m > 59)
		return -EINVAL;
	*ret_minutes = (int) (h * 60 + m);
	return 0;
}

int config_parse_time_of_day_s(const char *text, int *ret_seconds)
{
	unsigned h, m, sec = 0;

	if (!read_hh_mm(&text, &h, &m))
		return -EINVAL;
	if (*text == ':') {
		const char *start = ++text;

		if (!read_two_digits(&text, &sec) || text - start != 2)
			return -EINVAL;
	}
	if (*text != '\0' || h > 23 || m > 59 || sec > 59)
		return -EINVAL;
	*ret_seconds = (int) (h * 3600 + m * 60 + sec);
	return 0;
}

static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int day_of(const char *text, size_t len)
{
	for (int i = 0; i < 7; i++)
		if (len == 3 && strncasecmp(text, day_names[i], 3) == 0)
			return i;
	return -1;
}

int config_parse_days(const char *text, unsigned *ret_mask)
{
	unsigned mask = 0;
	const char *p = text;

	for (;;) {
		size_t len = strcspn(p, ",");
		const char *dash, *a = p, *b;
		size_t alen, blen;
		int from, to;

		while (len > 0 && *a == ' ')
			a++, len--;
		while (len > 0 && a[len - 1] == ' ')
			len--;
		dash = memchr(a, '-', len);
		alen = dash ? (size_t) (dash - a) : len;
		b = dash ? dash + 1 : a;
		blen = dash ? len - alen - 1 : len;
		from = day_of(a, alen);
		to = day_of(b, blen);
		if (from < 0 || to < 0)
			return -EINVAL;
		for (int d = from;; d = (d + 1) % 7) {
			mask |= 1u << d;
			if (d == to)
				break;
		}
		p += strcspn(p, ",");
		if (*p == '\0')
			break;
		p++;
	}
	*ret_mask = mask;
	return 0;
}

void config_format_days(unsigned mask, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int d = 0; d < 7 && used < size; d++) {
		int end = d;

		if (!(mask & (1u << d)))
			continue;
		while (end + 1 < 7 && (mask & (1u << (end + 1))))
			end++;
		if (end == d)
			used += (size_t) snprintf(buf + used, size - used, "%s%s", used ? "," : "",
						  day_names[d]);
		else
			used += (size_t) snprintf(buf + used, size - used, "%s%s-%s",
						  used ? "," : "", day_names[d], day_names[end]);
		d = end;
	}
}

const char *config_topic_problem(const char *topic)
{
	size_t len = strlen(topic);

	if (len == 0 || len > 200 || topic[0] == '/' || topic[len - 1] == '/' ||
	    strpbrk(topic, "+#"))
		return "no '+' or '#', no '/' at either end, at most 200 characters";
	switch (config_text_check(topic)) {
	case CONFIG_TEXT_OK:
		break;
	case CONFIG_TEXT_NOT_UTF8:
		return "it is not UTF-8, as MQTT requires: is the file saved in another "
		       "encoding, such as Latin-1? Save it as UTF-8";
	case CONFIG_TEXT_CONTROL:
		return "a control character, which MQTT topics cannot hold";
	case CONFIG_TEXT_NONCHARACTER:
		/* Unicode's, never characters: mosquitto refuses them as it does control ones. */
		return "a noncharacter, which MQTT topics cannot hold";
	}
	return NULL;
}

bool config_topic_is_valid(const char *topic)
{
	return !config_topic_problem(topic);
}

bool config_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 64)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
	       len;
}

void config_format_duration(unsigned long long usec, char *buf, size_t size)
{
	static const struct {
		const char *unit;
		unsigned long long usec;
	} units[] = {
		{ "d", 86400 * 1000000ULL }, { "h", 3600 * 1000000ULL },
		{ "min", 60 * 1000000ULL },  { "s", 1000000ULL },
		{ "ms", 1000000ULL / 1000 },
	};

	if (usec == 0) {
		snprintf(buf, size, "0");
		return;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (usec % units[i].usec == 0) {
			snprintf(buf, size, "%llu%s", usec / units[i].usec, units[i].unit);
			return;
		}
	snprintf(buf, size, "%.15gs", (double) usec / 1000000ULL);
}
