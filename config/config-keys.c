#include "config/config-keys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config-value.h"

static const char *const log_level_names[] = {
	[CONFIG_LOG_LEVEL_ERROR] = "error",
	[CONFIG_LOG_LEVEL_WARNING] = "warning",
	[CONFIG_LOG_LEVEL_INFO] = "info",
	[CONFIG_LOG_LEVEL_DEBUG] = "debug",
	NULL,
};

const char *const config_sensor_type_names[] = {
	[CONFIG_SENSOR_TYPE_W1] = "w1",
	[CONFIG_SENSOR_TYPE_IIO] = "iio",
	[CONFIG_SENSOR_TYPE_HWMON] = "hwmon",
	[CONFIG_SENSOR_TYPE_MQTT] = "mqtt",
	NULL,
};

static const char *const aggregate_names[] = {
	[CONFIG_ROOM_AGGREGATE_MIN] = "min",
	[CONFIG_ROOM_AGGREGATE_MEAN] = "mean",
	[CONFIG_ROOM_AGGREGATE_FIRST] = "first",
	NULL,
};

#define SEC 1000000.0
#define KEY(sec, key, type, field, min, max)                                                       \
	{                                                                                          \
		sec, key, type, offsetof(struct config, field), min, max, NULL, 0                  \
	}
#define KEY_CHOICE(sec, key, field, names)                                                         \
	{                                                                                          \
		sec, key, KEY_ENUM, offsetof(struct config, field), 0, 0, names, 0                 \
	}
#define SENSOR_KEY(key, type, field, min, max, types)                                              \
	{                                                                                          \
		"sensor", key, type, offsetof(struct config_sensor, field), min, max, NULL, types  \
	}
#define W1    (1u << CONFIG_SENSOR_TYPE_W1)
#define IIO   (1u << CONFIG_SENSOR_TYPE_IIO)
#define HWMON (1u << CONFIG_SENSOR_TYPE_HWMON)
#define MQTT  (1u << CONFIG_SENSOR_TYPE_MQTT)

const struct key_spec config_keys[] = {
	KEY("daemon", "node_id", KEY_NAME, daemon.node_id, 0, 0),
	KEY("daemon", "state_dir", KEY_PATH, daemon.state_dir, 0, 0),
	KEY_CHOICE("daemon", "log_level", daemon.log_level, log_level_names),
	KEY("mqtt", "host", KEY_STRING, mqtt.host, 0, 0),
	KEY("mqtt", "port", KEY_INT, mqtt.port, 1, 65535),
	KEY("mqtt", "client_id", KEY_NAME, mqtt.client_id, 0, 0),
	KEY("mqtt", "base_topic", KEY_TOPIC, mqtt.base_topic, 0, 0),
	KEY("mqtt", "keepalive", KEY_INT, mqtt.keepalive_s, 5, 3600),
	KEY("mqtt", "username", KEY_STRING, mqtt.username, 0, 0),
	KEY("mqtt", "password_file", KEY_FILE, mqtt.password_file, 0, 0),
	KEY("mqtt", "ca_file", KEY_FILE, mqtt.ca_file, 0, 0),
	KEY("mqtt", "cert_file", KEY_FILE, mqtt.cert_file, 0, 0),
	KEY("mqtt", "key_file", KEY_FILE, mqtt.key_file, 0, 0),
	KEY("room", "sysfs_root", KEY_PATH, room.sysfs_root, 0, 0),
	KEY_CHOICE("room", "aggregate", room.aggregate, aggregate_names),
	KEY("room", "publish_step", KEY_DOUBLE, room.publish_step_c, 0.01, 5),
	KEY("room", "publish_interval", KEY_DURATION, room.publish_max_usec, 10 * SEC, 3600 * SEC),
	{ "sensor", "type", KEY_ENUM, offsetof(struct config_sensor, type), 0, 0,
	  config_sensor_type_names, 0 },
	SENSOR_KEY("device", KEY_STRING, device, 0, 0, W1),
	SENSOR_KEY("name", KEY_STRING, sysfs_name, 0, 0, IIO | HWMON),
	SENSOR_KEY("path", KEY_PATH, path, 0, 0, IIO | HWMON),
	SENSOR_KEY("label", KEY_STRING, label, 0, 0, HWMON),
	SENSOR_KEY("index", KEY_INT, index, 1, 99, HWMON),
	SENSOR_KEY("topic", KEY_TOPIC, topic, 0, 0, MQTT),
	SENSOR_KEY("json_key", KEY_STRING, json_key, 0, 0, MQTT),
	SENSOR_KEY("fahrenheit", KEY_BOOL, fahrenheit, 0, 0, MQTT),
	SENSOR_KEY("max_age", KEY_DURATION, max_age_usec, 10 * SEC, 86400 * SEC, MQTT),
	SENSOR_KEY("interval", KEY_DURATION, interval_usec, 2 * SEC, 3600 * SEC, W1 | IIO | HWMON),
	SENSOR_KEY("stale_after", KEY_DURATION, stale_after_usec, 10 * SEC, 86400 * SEC, 0),
	SENSOR_KEY("offset", KEY_DOUBLE, offset_c, -10, 10, 0),
	SENSOR_KEY("min", KEY_DOUBLE, min_c, -55, 125, 0),
	SENSOR_KEY("max", KEY_DOUBLE, max_c, -55, 125, 0),
	SENSOR_KEY("max_rate", KEY_DOUBLE, max_rate_c_per_min, 0, 100, 0),
	SENSOR_KEY("stuck_after", KEY_DURATION, stuck_after_usec, 0, 30 * 86400 * SEC, 0),
};

const size_t config_n_keys = sizeof(config_keys) / sizeof(config_keys[0]);
_Static_assert(sizeof(config_keys) / sizeof(config_keys[0]) <= CONFIG_MAX_KEYS,
	       "raise CONFIG_MAX_KEYS");

static const struct section_spec sections[] = {
	{ "daemon", false },
	{ "mqtt", false },
	{ "room", false },
	{ "sensor", true },
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

const struct key_spec *config_key_find(const char *section, const char *name, size_t *ret_index)
{
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
	for (size_t i = 0; i < N_SECTIONS; i++)
		if (strlen(sections[i].kind) == len && strncmp(sections[i].kind, kind, len) == 0)
			return &sections[i];
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

static void key_error_choices(char **ret_msg, const struct key_spec *k, const char *value)
{
	char list[200] = "";
	size_t n = 0;

	for (int i = 0; k->choices[i] && n < sizeof(list); i++)
		n += (size_t) snprintf(list + n, sizeof(list) - n, "%s%s",
				       i == 0              ? ""
				       : k->choices[i + 1] ? ", "
							   : " or ",
				       k->choices[i]);
	key_error(ret_msg, "'%s' must be %s, not '%s'", k->name, list, value);
}

int config_key_set(const struct key_spec *k, void *base, const char *value, char **ret_msg)
{
	void *field = (char *) base + k->offset;
	unsigned long long usec;
	double d;
	bool b;
	long l;
	int r;

	switch (k->type) {
	case KEY_STRING:
		if (*value == '\0') {
			key_error(ret_msg, "'%s' must not be empty", k->name);
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
		if (!config_topic_is_valid(value)) {
			key_error(ret_msg,
				  "'%s' is not a usable MQTT topic: '%s' (no '+' or '#', no "
				  "'/' at either end, at most 200 characters)",
				  k->name, value);
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_PATH:
		if (value[0] != '/') {
			key_error(ret_msg, "'%s' must be an absolute path, not '%s'", k->name,
				  value);
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_FILE:
		if (value[0] != '/') {
			key_error(ret_msg, "'%s' must be an absolute path, not '%s'", k->name,
				  value);
			return -EINVAL;
		}
		if (access(value, R_OK) < 0) {
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
		if (r < 0) {
			key_error(ret_msg,
				  "'%s' must be a duration from %gs to %gs (e.g. 90s, 5min, 2h), "
				  "not '%s'",
				  k->name, k->min / SEC, k->max / SEC, value);
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
	}
	return -EINVAL;
}

void config_key_dump(const struct key_spec *k, const void *base, FILE *f)
{
	const void *field = (const char *) base + k->offset;

	switch (k->type) {
	case KEY_STRING:
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
		fprintf(f, "%s = %gs\n", k->name,
			(double) *(const unsigned long long *) field / SEC);
		break;
	case KEY_ENUM:
		fprintf(f, "%s = %s\n", k->name, k->choices[*(const int *) field]);
		break;
	}
}
