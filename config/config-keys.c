#include "config/config-keys.h"

#include <errno.h>
#include <math.h>
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

static const char *const aggregate_names[] = {
	[CONFIG_ROOM_AGGREGATE_MIN] = "min",
	[CONFIG_ROOM_AGGREGATE_MEAN] = "mean",
	[CONFIG_ROOM_AGGREGATE_FIRST] = "first",
	NULL,
};

static const char *const heating_mode_names[] = {
	[CONFIG_HEATING_MODE_HEAT] = "heat",
	[CONFIG_HEATING_MODE_OFF] = "off",
	NULL,
};

/* The backends' names, from their registrations: each is spelt in one place. */
#define NAME(id, name) #name,
const char *const config_sensor_type_names[] = { SENSOR_TYPES(NAME) NULL };
const char *const config_heater_type_names[] = { HEATER_PRESETS(NAME) NULL };
#undef NAME

const char *const config_input_type_names[] = {
	[CONFIG_INPUT_TYPE_GPIO] = "gpio",
	[CONFIG_INPUT_TYPE_MQTT] = "mqtt",
	NULL,
};

static const char *const input_role_names[] = {
	[CONFIG_INPUT_ROLE_OCCUPANCY] = "occupancy",
	[CONFIG_INPUT_ROLE_MOVEMENT] = "movement",
	[CONFIG_INPUT_ROLE_CRAMP_BUTTON] = "cramp_button",
	NULL,
};

static const char *const bias_names[] = {
	[CONFIG_INPUT_BIAS_AS_IS] = "as-is",
	[CONFIG_INPUT_BIAS_PULL_UP] = "pull-up",
	[CONFIG_INPUT_BIAS_PULL_DOWN] = "pull-down",
	[CONFIG_INPUT_BIAS_DISABLED] = "disabled",
	NULL,
};

static const char *const leg_names[] = {
	[CONFIG_LEG_UNKNOWN] = "unknown",
	[CONFIG_LEG_LEFT] = "left",
	[CONFIG_LEG_RIGHT] = "right",
	NULL,
};

#define SEC  1000000.0
#define MIN  (60 * SEC)
#define HOUR (3600 * SEC)

/* clang-format off */
#define KEY(sec, key, type, field, min, max) \
	{ sec, key, type, offsetof(struct config, field), min, max, NULL, 0 }
#define KEY_CHOICE(sec, key, field, names) \
	{ sec, key, KEY_ENUM, offsetof(struct config, field), 0, 0, names, 0 }
#define ITEM_KEY(sec, item, key, type, field, min, max, types) \
	{ sec, key, type, offsetof(struct item, field), min, max, NULL, types }
#define ITEM_CHOICE(sec, item, key, field, names, types) \
	{ sec, key, KEY_ENUM, offsetof(struct item, field), 0, 0, names, types }
#define SENSOR(key, type, field, min, max, types) \
	ITEM_KEY("sensor", config_sensor, key, type, field, min, max, types)
#define INPUT(key, type, field, min, max, types) \
	ITEM_KEY("input", config_input, key, type, field, min, max, types)
#define HEATER(key, type, field, min, max, types) \
	ITEM_KEY("heater", config_heater, key, type, field, min, max, types)
/* clang-format on */

/* Which types of a named section a key applies to: bits of its type enum; 0: all. */
#define W1                  (1u << CONFIG_SENSOR_TYPE_W1)
#define IIO                 (1u << CONFIG_SENSOR_TYPE_IIO)
#define HWMON               (1u << CONFIG_SENSOR_TYPE_HWMON)
#define S_MQTT              (1u << CONFIG_SENSOR_TYPE_MQTT)
#define SYSFS_BIT(id, name) | (1u << CONFIG_SENSOR_TYPE_##id)
#define SYSFS               (0 TEMP_SOURCE_TYPES(SYSFS_BIT)) /* every type read from sysfs */
#define GPIO                (1u << CONFIG_INPUT_TYPE_GPIO)
#define I_MQTT              (1u << CONFIG_INPUT_TYPE_MQTT)
#define TASMOTA             (1u << HEATER_TYPE_TASMOTA)
#define SHELLY              (1u << HEATER_TYPE_SHELLY)
#define Z2M                 (1u << HEATER_TYPE_ZIGBEE2MQTT)
#define GENERIC             (1u << HEATER_TYPE_GENERIC)
#define BY_TOPIC            (~GENERIC) /* the presets that make their topics from 'topic' */

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
	KEY("room", "publish_interval", KEY_DURATION, room.publish_max_usec, 10 * SEC, HOUR),
	KEY_CHOICE("heating", "mode", heating.mode, heating_mode_names),
	KEY("heating", "floor", KEY_DOUBLE, heating.floor_c, 5, 30),
	KEY("heating", "floor_min", KEY_DOUBLE, heating.floor_min_c, 5, 30),
	KEY("heating", "floor_max", KEY_DOUBLE, heating.floor_max_c, 5, 30),
	KEY("heating", "day_floor", KEY_TEMP_OR_OFF, heating.day_floor_c, 5, 30),
	KEY("heating", "night", KEY_TIME_RANGE, heating.night_start_min, 0, 0),
	KEY("heating", "min_on", KEY_DURATION, heating.min_on_usec, 0, HOUR),
	KEY("heating", "min_off", KEY_DURATION, heating.min_off_usec, 0, HOUR),
	KEY("heating", "max_on", KEY_DURATION, heating.max_on_usec, 10 * MIN, 24 * HOUR),
	KEY("heating", "no_effect", KEY_DURATION, heating.no_effect_usec, 5 * MIN, 12 * HOUR),
	KEY("heating", "preheat_max", KEY_DURATION, heating.preheat_max_usec, 0, 12 * HOUR),
	KEY("heating", "overheat", KEY_DOUBLE, heating.overheat_c, 15, 40),
	KEY("heating", "fallback_duty", KEY_DOUBLE, heating.fallback_duty, 0, 0.5),
	KEY("heating", "outdoor_topic", KEY_TOPIC, heating.outdoor_topic, 0, 0),
	KEY("heating", "outdoor_json_key", KEY_STRING, heating.outdoor_json_key, 0, 0),
	KEY("cramps", "dedup_window", KEY_DURATION, cramps.dedup_window_usec, 0, HOUR),
	KEY("cramps", "retention", KEY_DURATION, cramps.retention_usec, 0, 100 * 365 * 24 * HOUR),
	KEY("cramps", "frequency_message", KEY_STRING, cramps.frequency_message, 0, 0),
	KEY("cramps", "one_sided_message", KEY_STRING, cramps.one_sided_message, 0, 0),
	KEY("cramps", "spread_message", KEY_STRING, cramps.spread_message, 0, 0),
	KEY("cramps", "suspect_from_movement", KEY_BOOL, cramps.suspect_from_movement, 0, 0),
	KEY("cramps", "suspect_movements", KEY_INT, cramps.suspect_movements, 2, 128),
	KEY("cramps", "suspect_within", KEY_DURATION, cramps.suspect_within_usec, 5 * SEC,
	    10 * MIN),
	KEY("cramps", "suspect_after_quiet", KEY_DURATION, cramps.suspect_after_quiet_usec,
	    10 * SEC, 6 * HOUR),
	KEY("cramps", "suspect_min_in_bed", KEY_DURATION, cramps.suspect_min_in_bed_usec, 0,
	    6 * HOUR),
	KEY("cramps", "confirm_window", KEY_DURATION, cramps.confirm_window_usec, MIN, 12 * HOUR),
	KEY("homeassistant", "discovery", KEY_BOOL, homeassistant.discovery, 0, 0),
	KEY("homeassistant", "discovery_prefix", KEY_TOPIC, homeassistant.discovery_prefix, 0, 0),
	KEY("homeassistant", "status_topic", KEY_TOPIC, homeassistant.status_topic, 0, 0),
	KEY("homeassistant", "device_name", KEY_STRING, homeassistant.device_name, 0, 0),
	ITEM_CHOICE("sensor", config_sensor, "type", type, config_sensor_type_names, 0),
	SENSOR("device", KEY_STRING, device, 0, 0, W1),
	SENSOR("name", KEY_STRING, sysfs_name, 0, 0, IIO | HWMON),
	SENSOR("path", KEY_PATH, path, 0, 0, IIO | HWMON),
	SENSOR("label", KEY_STRING, label, 0, 0, HWMON),
	SENSOR("index", KEY_INT, index, 1, 99, HWMON),
	SENSOR("topic", KEY_TOPIC, topic, 0, 0, S_MQTT),
	SENSOR("json_key", KEY_STRING, json_key, 0, 0, S_MQTT),
	SENSOR("fahrenheit", KEY_BOOL, fahrenheit, 0, 0, S_MQTT),
	SENSOR("max_age", KEY_DURATION, max_age_usec, 10 * SEC, 24 * HOUR, S_MQTT),
	SENSOR("interval", KEY_DURATION, interval_usec, 2 * SEC, HOUR, SYSFS),
	SENSOR("stale_after", KEY_DURATION, stale_after_usec, 10 * SEC, 24 * HOUR, 0),
	SENSOR("offset", KEY_DOUBLE, offset_c, -10, 10, 0),
	SENSOR("min", KEY_DOUBLE, min_c, -55, 125, 0),
	SENSOR("max", KEY_DOUBLE, max_c, -55, 125, 0),
	SENSOR("max_rate", KEY_DOUBLE, max_rate_c_per_min, 0, 100, 0),
	SENSOR("stuck_after", KEY_DURATION, stuck_after_usec, 0, 30 * 24 * HOUR, 0),
	ITEM_CHOICE("input", config_input, "type", type, config_input_type_names, 0),
	ITEM_CHOICE("input", config_input, "role", role, input_role_names, 0),
	INPUT("chip", KEY_STRING, chip, 0, 0, GPIO),
	INPUT("line", KEY_STRING, gpio_line, 0, 0, GPIO),
	INPUT("active_low", KEY_BOOL, active_low, 0, 0, GPIO),
	ITEM_CHOICE("input", config_input, "bias", bias, bias_names, GPIO),
	INPUT("debounce", KEY_DURATION, debounce_usec, 0, 1 * SEC, GPIO),
	INPUT("topic", KEY_TOPIC, topic, 0, 0, I_MQTT),
	INPUT("payload_on", KEY_STRING, payload_on, 0, 0, I_MQTT),
	INPUT("payload_off", KEY_STRING, payload_off, 0, 0, I_MQTT),
	INPUT("json_key", KEY_STRING, json_key, 0, 0, I_MQTT),
	INPUT("on_delay", KEY_DURATION, on_delay_usec, 0, 10 * MIN, 0),
	INPUT("off_delay", KEY_DURATION, off_delay_usec, 0, HOUR, 0),
	INPUT("repeat_window", KEY_DURATION, repeat_window_usec, 0, HOUR, 0),
	ITEM_CHOICE("input", config_input, "leg", leg, leg_names, 0),
	ITEM_CHOICE("heater", config_heater, "type", type, config_heater_type_names, 0),
	HEATER("topic", KEY_TOPIC, topic, 0, 0, BY_TOPIC),
	HEATER("base_topic", KEY_TOPIC, base_topic, 0, 0, Z2M),
	HEATER("switch_id", KEY_INT, switch_id, 0, 16, TASMOTA | SHELLY),
	HEATER("command_topic", KEY_TOPIC, command_topic, 0, 0, GENERIC),
	HEATER("state_topic", KEY_TOPIC, state_topic, 0, 0, GENERIC),
	HEATER("availability_topic", KEY_TOPIC, availability_topic, 0, 0, GENERIC),
	HEATER("payload_on", KEY_STRING, payload_on, 0, 0, GENERIC),
	HEATER("payload_off", KEY_STRING, payload_off, 0, 0, GENERIC),
	HEATER("state_on", KEY_STRING, state_on, 0, 0, GENERIC),
	HEATER("state_off", KEY_STRING, state_off, 0, 0, GENERIC),
	HEATER("availability_online", KEY_STRING, availability_online, 0, 0, GENERIC),
	HEATER("json_key", KEY_STRING, json_key, 0, 0, GENERIC),
	HEATER("power_json_key", KEY_STRING, power_json_key, 0, 0, GENERIC),
	HEATER("auto_off", KEY_DURATION, auto_off_usec, 0, 12 * HOUR, 0),
	HEATER("confirm_timeout", KEY_DURATION, confirm_timeout_usec, 2 * SEC, 5 * MIN, 0),
	HEATER("min_power", KEY_DOUBLE, min_power_w, 0, 10000, 0),
};

const size_t config_n_keys = sizeof(config_keys) / sizeof(config_keys[0]);
_Static_assert(sizeof(config_keys) / sizeof(config_keys[0]) <= CONFIG_MAX_KEYS,
	       "raise CONFIG_MAX_KEYS");

static const struct section_spec sections[] = {
	{ .kind = "daemon" },
	{ .kind = "mqtt" },
	{ .kind = "room" },
	{ .kind = "heating" },
	{ .kind = "cramps" },
	{ .kind = "homeassistant" },
	NAMED_SECTION("sensor", config_sensor, sensors, n_sensors, config_sensor_type_names),
	NAMED_SECTION("input", config_input, inputs, n_inputs, config_input_type_names),
	NAMED_SECTION("heater", config_heater, heaters, n_heaters, config_heater_type_names),
};

const struct section_spec *const config_sections = sections;
const size_t config_n_sections = sizeof(sections) / sizeof(sections[0]);

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

const char *config_sensor_type_to_string(enum config_sensor_type t)
{
	static const size_t n =
	    sizeof(config_sensor_type_names) / sizeof(config_sensor_type_names[0]);

	return (size_t) t < n ? config_sensor_type_names[t] : NULL;
}

const struct section_spec *config_section_find(const char *kind, size_t len)
{
	for (size_t i = 0; i < config_n_sections; i++)
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
		int from, to;

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
		fprintf(f, "%s = %.15gs\n", k->name,
			(double) *(const unsigned long long *) field / SEC);
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
	}
}
