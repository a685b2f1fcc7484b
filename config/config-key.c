/* One key: its value parsed into its field, printed from it, its default. */
#include "config/config-keys.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config-escape.h"
#include "config/config-value.h"
#include "util/streq.h"

#define SEC 1000000.0

const struct key_spec *config_key_find(const char *section, const char *name, size_t *ret_index)
{
	assert(ret_index);
	for (size_t i = 0; i < config_n_keys; i++)
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].name, name) == 0) {
			*ret_index = i;
			return &config_keys[i];
		}
	return NULL;
}

const struct section_spec *config_section_find(const char *kind, size_t len)
{
	for (size_t i = 0; i < config_n_sections; i++)
		if (strlen(config_sections[i].kind) == len &&
		    strncmp(config_sections[i].kind, kind, len) == 0)
			return &config_sections[i];
	return NULL;
}

static int set_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

static void key_error(char **ret_msg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(ret_msg, fmt, ap) < 0)
		*ret_msg = NULL;
	va_end(ap);
}

void config_names_list(const char *const *names, unsigned mask, char *buf, size_t size)
{
	size_t n = 0, total = 0, used = 0;

	for (size_t i = 0; names[i]; i++)
		total += !mask || (mask & (1u << i));
	buf[0] = '\0';
	for (size_t i = 0; names[i] && used < size; i++) {
		if (mask && !(mask & (1u << i)))
			continue;
		used += (size_t) snprintf(buf + used, size - used, "%s%s",
					  n == 0          ? ""
					  : n + 1 < total ? ", "
							  : " or ",
					  names[i]);
		n++;
	}
}

/* A topic as the broker takes it; a refused one is shown escaped (a Latin-1 byte as \xe4). */
static int set_topic(const struct key_spec *k, char **field, const char *value, char **ret_msg)
{
	const char *why = config_topic_problem(value);
	char *shown;

	if (!why)
		return set_string(field, value);
	shown = config_escape(value);
	if (!shown)
		return -ENOMEM;
	key_error(ret_msg, "'%s' is not a usable MQTT topic: '%s' (%s)", k->name, shown, why);
	free(shown);
	return -EINVAL;
}

static void key_error_choices(char **ret_msg, const struct key_spec *k, const char *value)
{
	char list[200];

	config_names_list(k->choices, 0, list, sizeof(list));
	key_error(ret_msg, "'%s' must be %s, not '%s'", k->name, list, value);
}

int config_key_set(const struct key_spec *k, void *base, const char *value, char **ret_msg)
{
	assert(k);
	assert(ret_msg);
	void *field = (char *) base + k->offset;
	unsigned long long usec;
	double d;
	bool b;
	long l;
	int r;

	switch (k->type) {
	case KEY_STRING:
	case KEY_WORD:
		if (*value == '\0') {
			key_error(ret_msg, "'%s' must not be empty", k->name);
			return -EINVAL;
		}
		if (k->type == KEY_WORD && strpbrk(value, " \t")) {
			key_error(ret_msg, "'%s' must be one word, without blanks, not '%s'",
				  k->name, value);
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_NAME:
		if (!config_name_is_valid(value)) {
			key_error(ret_msg,
				  "'%s' must be 1 to 64 letters, digits, '_' or '-', not '%s'",
				  k->name, value);
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_TOPIC:
		return set_topic(k, field, value, ret_msg);
	case KEY_PATH:
	case KEY_FILE:
		if (value[0] != '/') {
			key_error(ret_msg, "'%s' must be an absolute path, not '%s'", k->name,
				  value);
			return -EINVAL;
		}
		if (k->type == KEY_FILE && access(value, R_OK) < 0) {
			key_error(ret_msg, "'%s': cannot read '%s': %s", k->name, value,
				  strerror(errno));
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_INT:
		r = config_parse_int(value, (long) k->min, (long) k->max, &l);
		if (r < 0) {
			key_error(ret_msg, "'%s' must be a whole number from %ld to %ld, not '%s'",
				  k->name, (long) k->min, (long) k->max, value);
			return r;
		}
		*(int *) field = (int) l;
		return 0;
	case KEY_BOOL:
		if (config_parse_bool(value, &b) < 0) {
			key_error(ret_msg, "'%s' must be yes or no, not '%s'", k->name, value);
			return -EINVAL;
		}
		*(bool *) field = b;
		return 0;
	case KEY_DOUBLE:
		r = config_parse_double(value, k->min, k->max, &d);
		if (r < 0) {
			key_error(ret_msg, "'%s' must be a number from %g to %g, not '%s'", k->name,
				  k->min, k->max, value);
			return r;
		}
		*(double *) field = d;
		return 0;
	case KEY_DURATION:
		r = config_parse_duration_usec(value, (unsigned long long) k->min,
					       (unsigned long long) k->max, &usec);
		if (r == -EDOM) {
			key_error(ret_msg, "'%s' needs a unit: 10min, 30s, 1h, not '%s'", k->name,
				  value);
			return -EINVAL;
		}
		if (r < 0) {
			char min[32], max[32];

			config_format_duration((unsigned long long) k->min, min, sizeof(min));
			config_format_duration((unsigned long long) k->max, max, sizeof(max));
			key_error(ret_msg,
				  "'%s' must be a duration from %s to %s (e.g. 90s, 5min, 2h), "
				  "not '%s'",
				  k->name, min, max, value);
			return r;
		}
		*(unsigned long long *) field = usec;
		return 0;
	case KEY_ENUM:
		for (int i = 0; k->choices[i]; i++)
			if (strcmp(value, k->choices[i]) == 0) {
				*(int *) field = i;
				return 0;
			}
		key_error_choices(ret_msg, k, value);
		return -EINVAL;
	case KEY_TEMP_OR_OFF:
		if (strcmp(value, "off") == 0) {
			*(double *) field = NAN;
			return 0;
		}
		r = config_parse_double(value, k->min, k->max, &d);
		if (r < 0) {
			key_error(ret_msg,
				  "'%s' must be off or a temperature from %g to %g °C, not '%s'",
				  k->name, k->min, k->max, value);
			return r;
		}
		*(double *) field = d;
		return 0;
	case KEY_TIME_RANGE: {
		const char *dash = strchr(value, '-');
		char first[16];
		int from, to = -1;

		if (!dash || (size_t) (dash - value) >= sizeof(first)) {
			from = -1;
		} else {
			memcpy(first, value, (size_t) (dash - value));
			first[dash - value] = '\0';
			if (config_parse_time_of_day(first, &from) < 0 ||
			    config_parse_time_of_day(dash + 1, &to) < 0)
				from = -1;
		}
		if (from < 0 || from == to) {
			key_error(ret_msg,
				  "'%s' must be a local time range like 22:00-07:00 (start and end "
				  "differ), not '%s'",
				  k->name, value);
			return -EINVAL;
		}
		((int *) field)[0] = from;
		((int *) field)[1] = to;
		return 0;
	}
	case KEY_TIME_OF_DAY:
		if (config_parse_time_of_day_s(value, (int *) field) < 0) {
			key_error(ret_msg,
				  "'%s' must be a local time like 21:30 (or 21:30:15), not '%s'",
				  k->name, value);
			return -EINVAL;
		}
		return 0;
	case KEY_DAYS:
		if (config_parse_days(value, (unsigned *) field) < 0) {
			key_error(
			    ret_msg,
			    "'%s' must be days like mon-sun, mon-fri or sat, sun (mon, tue, wed, "
			    "thu, fri, sat, sun), not '%s'",
			    k->name, value);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

void config_key_dump(const struct key_spec *k, const void *base, FILE *f)
{
	const void *field = (const char *) base + k->offset;

	assert(k);
	switch (k->type) {
	case KEY_STRING:
	case KEY_WORD:
	case KEY_NAME:
	case KEY_TOPIC:
	case KEY_PATH:
	case KEY_FILE:
		if (*(char *const *) field)
			fprintf(f, "%s = %s\n", k->name, *(char *const *) field);
		else
			fprintf(f, "# %s is not set\n", k->name);
		break;
	case KEY_INT:
		fprintf(f, "%s = %d\n", k->name, *(const int *) field);
		break;
	case KEY_BOOL:
		fprintf(f, "%s = %s\n", k->name, *(const bool *) field ? "yes" : "no");
		break;
	case KEY_DOUBLE:
		fprintf(f, "%s = %g\n", k->name, *(const double *) field);
		break;
	case KEY_DURATION:
		if (*(const unsigned long long *) field == CONFIG_DURATION_UNSET)
			fprintf(f, "# %s is not set\n", k->name);
		else {
			char text[32];

			config_format_duration(*(const unsigned long long *) field, text,
					       sizeof(text));
			fprintf(f, "%s = %s\n", k->name, text);
		}
		break;
	case KEY_ENUM:
		fprintf(f, "%s = %s\n", k->name, k->choices[*(const int *) field]);
		break;
	case KEY_TEMP_OR_OFF:
		if (isnan(*(const double *) field))
			fprintf(f, "%s = off\n", k->name);
		else
			fprintf(f, "%s = %g\n", k->name, *(const double *) field);
		break;
	case KEY_TIME_RANGE:
		fprintf(f, "%s = %02d:%02d-%02d:%02d\n", k->name, ((const int *) field)[0] / 60,
			((const int *) field)[0] % 60, ((const int *) field)[1] / 60,
			((const int *) field)[1] % 60);
		break;
	case KEY_TIME_OF_DAY: {
		int t = *(const int *) field;

		if (t < 0)
			fprintf(f, "# %s is not set\n", k->name);
		else if (t % 60)
			fprintf(f, "%s = %02d:%02d:%02d\n", k->name, t / 3600, t / 60 % 60, t % 60);
		else
			fprintf(f, "%s = %02d:%02d\n", k->name, t / 3600, t / 60 % 60);
		break;
	}
	case KEY_DAYS: {
		char days[64];

		config_format_days(*(const unsigned *) field, days, sizeof(days));
		fprintf(f, "%s = %s\n", k->name, days);
		break;
	}
	}
}

int config_key_set_default(const struct key_spec *k, void *base)
{
	assert(k);
	void *field = (char *) base + k->offset;
	char *msg = NULL;
	int r;

	if (k->default_text) {
		r = config_key_set(k, base, k->default_text, &msg);
		free(msg);
		return r;
	}
	switch (k->type) {
	case KEY_STRING:
	case KEY_WORD:
	case KEY_NAME:
	case KEY_TOPIC:
	case KEY_PATH:
	case KEY_FILE:
		return -EINVAL; /* a string's default is text */
	case KEY_INT:
	case KEY_ENUM:
		*(int *) field = (int) k->default_value;
		return 0;
	case KEY_BOOL:
		*(bool *) field = k->default_value != 0;
		return 0;
	case KEY_DOUBLE:
	case KEY_TEMP_OR_OFF:
		*(double *) field = k->default_value;
		return 0;
	case KEY_DURATION:
		*(unsigned long long *) field = (unsigned long long) k->default_value;
		return 0;
	case KEY_TIME_RANGE:
		((int *) field)[0] = (int) k->default_value;
		((int *) field)[1] = (int) k->default_end;
		return 0;
	case KEY_TIME_OF_DAY:
		*(int *) field = (int) k->default_value;
		return 0;
	case KEY_DAYS:
		*(unsigned *) field = (unsigned) k->default_value;
		return 0;
	}
	return -EINVAL;
}

bool config_key_equal(const struct key_spec *k, const void *a, const void *b)
{
	const void *x = (const char *) a + k->offset, *y = (const char *) b + k->offset;

	assert(k);
	switch (k->type) {
	case KEY_STRING:
	case KEY_WORD:
	case KEY_NAME:
	case KEY_TOPIC:
	case KEY_PATH:
	case KEY_FILE:
		return streq_null(*(char *const *) x, *(char *const *) y);
	case KEY_INT:
	case KEY_ENUM:
	case KEY_TIME_OF_DAY:
		return *(const int *) x == *(const int *) y;
	case KEY_BOOL:
		return *(const bool *) x == *(const bool *) y;
	case KEY_DOUBLE:
	case KEY_TEMP_OR_OFF: /* "off" is NAN: equal to itself here */
		return *(const double *) x == *(const double *) y ||
		       (isnan(*(const double *) x) && isnan(*(const double *) y));
	case KEY_DURATION:
		return *(const unsigned long long *) x == *(const unsigned long long *) y;
	case KEY_TIME_RANGE:
		return ((const int *) x)[0] == ((const int *) y)[0] &&
		       ((const int *) x)[1] == ((const int *) y)[1];
	case KEY_DAYS:
		return *(const unsigned *) x == *(const unsigned *) y;
	}
	return false;
}

bool config_section_equal(const char *kind, const void *a, const void *b)
{
	const struct section_spec *spec = config_section_find(kind, strlen(kind));

	assert(spec);
	assert(a);
	assert(b);
	if (spec->named &&
	    (!streq_null(*(char *const *) ((const char *) a + spec->name_offset),
			 *(char *const *) ((const char *) b + spec->name_offset)) ||
	     (spec->type_names && *(const int *) ((const char *) a + spec->type_offset) !=
				      *(const int *) ((const char *) b + spec->type_offset))))
		return false;
	for (size_t i = 0; i < config_n_keys; i++)
		if (strcmp(config_keys[i].section, kind) == 0 &&
		    !config_key_equal(&config_keys[i], a, b))
			return false;
	return true;
}

bool config_key_is_string(const struct key_spec *k)
{
	assert(k);
	switch (k->type) {
	case KEY_STRING:
	case KEY_WORD:
	case KEY_NAME:
	case KEY_TOPIC:
	case KEY_PATH:
	case KEY_FILE:
		return true;
	case KEY_INT:
	case KEY_BOOL:
	case KEY_DOUBLE:
	case KEY_DURATION:
	case KEY_ENUM:
	case KEY_TEMP_OR_OFF:
	case KEY_TIME_RANGE:
	case KEY_TIME_OF_DAY:
	case KEY_DAYS:
		return false;
	}
	return false;
}

int config_item_type(const struct section_spec *spec, const void *item)
{
	return spec->type_names ? *(const int *) ((const char *) item + spec->type_offset) : 0;
}
