/* The checks that need more than one key, for every section. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "actuators/heater-defaults.h"
#include "config/config-escape.h"
#include "config/config-parser.h"
#include "config/config-reminder.h"
#include "config/config-value.h"
#include "control/cramp-defaults.h"
#include "control/cramp-suspect.h"
#include "control/thermostat-defaults.h"
#include "sensors/sensor-defaults.h"

#define LINE(spec, i, key) parser_key_line(p, spec, i, (spec)->kind, key)

static void check_sensor(struct parser *p, const struct section_spec *spec, size_t i,
			 const struct config_sensor *s)
{
	if (s->type == CONFIG_SENSOR_TYPE_MQTT && !s->topic)
		parser_error(p, s->line, "[sensor.%s] of type %s needs 'topic'", s->name,
			     config_sensor_type_names[s->type]);
	else if ((s->type == CONFIG_SENSOR_TYPE_IIO || s->type == CONFIG_SENSOR_TYPE_HWMON) &&
		 !s->sysfs_name == !s->path)
		parser_error(p, s->line, "[sensor.%s] of type %s needs either 'name' or 'path'",
			     s->name, config_sensor_type_names[s->type]);
	else if (s->min_c >= s->max_c)
		parser_error(p, LINE(spec, i, "max") ?: s->line,
			     "[sensor.%s]: 'min' (%g) must be below 'max' (%g)", s->name, s->min_c,
			     s->max_c);
	else if (s->stale_after_usec && s->type != CONFIG_SENSOR_TYPE_MQTT &&
		 s->stale_after_usec < 2 * s->interval_usec)
		parser_error(p, LINE(spec, i, "stale_after"),
			     "[sensor.%s]: 'stale_after' must be at least twice 'interval'",
			     s->name);
}

/* Both set and equal: a key missing from both is its own error, or a default. */
static bool same_text(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The chip as input_gpio_open() finds it: "/dev/gpiochip0" and "gpiochip0" are one chip. */
static const char *chip_of(const struct config_input *in)
{
	const char *chip = in->chip && *in->chip ? in->chip : INPUT_GPIO_DEFAULT_CHIP;

	return strncmp(chip, "/dev/", 5) == 0 && !strchr(chip + 5, '/') ? chip + 5 : chip;
}

/* @line as an offset (a bare number, as sensors/input-gpio.c reads it), or -1 for a name. */
static long line_offset(const char *line)
{
	if (!*line || strspn(line, "0123456789") != strlen(line) || strlen(line) > 9)
		return -1;
	return strtol(line, NULL, 10);
}

/*
 * Whether @a and @b are the same line of the same chip as far as the file can
 * tell: the same offset ("17", "017"), or the same name. A name and an offset
 * are only compared on the chip at start; 1 when the name is "GPIO<offset>",
 * which on a Raspberry Pi's chip is that offset (then only a warning).
 */
static int same_line(const struct config_input *a, const struct config_input *b)
{
	long oa = line_offset(a->gpio_line), ob = line_offset(b->gpio_line);
	const struct config_input *named = oa < 0 ? a : b;
	long offset = oa < 0 ? ob : oa;
	char gpio[32];

	if (strcmp(chip_of(a), chip_of(b)) != 0)
		return 0;
	if (oa >= 0 && ob >= 0)
		return oa == ob ? 2 : 0;
	if (oa < 0 && ob < 0)
		return same_text(a->gpio_line, b->gpio_line) ? 2 : 0;
	snprintf(gpio, sizeof(gpio), "GPIO%ld", offset);
	return strcmp(named->gpio_line, gpio) == 0 ? 1 : 0;
}

static void check_input(struct parser *p, const struct section_spec *spec, size_t i,
			const struct config_input *in)
{
	const struct config_input *all = p->config->inputs;

	if ((unsigned) in->role > CONFIG_INPUT_ROLE_CRAMP_BUTTON) {
		parser_error(p, in->line,
			     "[input.%s] needs 'role': occupancy, movement or cramp_button",
			     in->name);
		return;
	}
	if (in->type == CONFIG_INPUT_TYPE_GPIO && !in->gpio_line) {
		parser_error(p, in->line, "[input.%s] of type gpio needs 'line' (GPIO17, or 17)",
			     in->name);
		return;
	}
	if (in->type == CONFIG_INPUT_TYPE_MQTT && !in->topic) {
		parser_error(p, in->line, "[input.%s] of type mqtt needs 'topic'", in->name);
		return;
	}
	if (LINE(spec, i, "leg") && in->role != CONFIG_INPUT_ROLE_CRAMP_BUTTON) {
		parser_error(p, LINE(spec, i, "leg"), "'leg' only applies to role cramp_button");
		return;
	}
	/*
	 * One line, one meaning: two inputs on the same GPIO would fight over it
	 * (the second input's request fails at start). Names are looked up on
	 * the chip only at start: "GPIO17" beside "17" is only a warning.
	 */
	for (size_t j = 0; j < i && in->type == CONFIG_INPUT_TYPE_GPIO; j++) {
		int same = all[j].type == CONFIG_INPUT_TYPE_GPIO && all[j].gpio_line
			       ? same_line(&all[j], in)
			       : 0;

		if (same == 2) {
			parser_error(p, LINE(spec, i, "line"),
				     "line '%s' is already used by [input.%s]", in->gpio_line,
				     all[j].name);
			return;
		}
		if (same == 1)
			parser_warning(
			    p, LINE(spec, i, "line"),
			    "line '%s' and line '%s' of [input.%s] are the same line on a "
			    "Raspberry Pi's GPIO chip, where GPIO<n> is offset <n>; the "
			    "second one's request then fails at start (the line is in use): "
			    "give each input its own line",
			    in->gpio_line, all[j].gpio_line, all[j].name);
	}
}

static bool same_or_unset(const char *a, const char *b)
{
	return a == b || same_text(a, b);
}

/* Whether @a and @b command the same relay: two heaters would fight over it. */
static bool same_plug(const struct config_heater *a, const struct config_heater *b)
{
	if (a->type != b->type)
		return false;
	/* One topic, several relays told apart by the payload (a two-gang zigbee relay). */
	if (a->type == HEATER_TYPE_GENERIC)
		return same_text(a->command_topic, b->command_topic) &&
		       same_or_unset(a->payload_on, b->payload_on) &&
		       same_or_unset(a->payload_off, b->payload_off);
	return same_text(a->topic, b->topic) && same_or_unset(a->base_topic, b->base_topic) &&
	       a->switch_id == b->switch_id;
}

/*
 * auto_off: 0, or long enough that its keep-alive (ON again at half of it)
 * leaves the plug its confirm_timeout to answer and does not flood it.
 */
static void check_auto_off(struct parser *p, const struct section_spec *spec, size_t i,
			   const struct config_heater *h)
{
	unsigned long long min = 2 * h->confirm_timeout_usec;
	char value[32], least[32], confirm[32], every[32];

	if (min < HEATER_AUTO_OFF_MIN_USEC)
		min = HEATER_AUTO_OFF_MIN_USEC;
	if (h->auto_off_usec == 0 || h->auto_off_usec >= min)
		return;
	config_format_duration(h->auto_off_usec, value, sizeof(value));
	config_format_duration(min, least, sizeof(least));
	config_format_duration(h->confirm_timeout_usec, confirm, sizeof(confirm));
	config_format_duration(HEATER_AUTO_OFF_MIN_USEC / 2, every, sizeof(every));
	parser_error(p, LINE(spec, i, "auto_off") ?: LINE(spec, i, "confirm_timeout") ?: h->line,
		     "[heater.%s]: 'auto_off' (%s) must be 0 (none) or at least %s: ON is re-sent "
		     "every half of it, which must leave the plug 'confirm_timeout' (%s) to answer "
		     "and come at most every %s",
		     h->name, value, least, confirm, every);
}

/*
 * zigbee2mqtt sends auto_off as on_time in tenths of a second in 16 bits:
 * longer, the ON itself is refused (no heat), so the file is.
 */
static void check_on_time(struct parser *p, const struct section_spec *spec, size_t i,
			  const struct config_heater *h)
{
	unsigned long long most = HEATER_ZIGBEE2MQTT_ON_TIME_MAX_USEC / 1000000ULL;
	char value[32];

	if (h->type != HEATER_TYPE_ZIGBEE2MQTT ||
	    h->auto_off_usec <= HEATER_ZIGBEE2MQTT_ON_TIME_MAX_USEC)
		return;
	config_format_duration(h->auto_off_usec, value, sizeof(value));
	parser_error(p, LINE(spec, i, "auto_off") ?: h->line,
		     "[heater.%s]: 'auto_off' (%s) is more than a zigbee2mqtt plug's on_time can "
		     "hold: at most %llus (%lluh %llumin %llus); zigbee2mqtt refuses a longer ON",
		     h->name, value, most, most / 3600, most / 60 % 60, most % 60);
}

static void check_heater(struct parser *p, const struct section_spec *spec, size_t i,
			 const struct config_heater *h)
{
	for (size_t j = 0; j < i && j < p->config->n_heaters; j++)
		if (same_plug(&p->config->heaters[j], h)) {
			const char *key =
			    h->type == HEATER_TYPE_GENERIC ? "command_topic" : "topic";

			parser_error(p, LINE(spec, i, key),
				     "[heater.%s] switches the same plug as [heater.%s]: one "
				     "section per plug",
				     h->name, p->config->heaters[j].name);
			return;
		}
	if (h->type == HEATER_TYPE_GENERIC && (!h->command_topic || !h->state_topic))
		parser_error(p, h->line,
			     "[heater.%s] of type %s needs 'command_topic' and 'state_topic'",
			     h->name, config_heater_type_names[h->type]);
	else if (h->type != HEATER_TYPE_GENERIC && !h->topic)
		parser_error(p, h->line, "[heater.%s] of type %s needs 'topic'", h->name,
			     config_heater_type_names[h->type]);
	else {
		check_auto_off(p, spec, i, h);
		check_on_time(p, spec, i, h);
	}
}

/* The line of the first of @keys of [heating] the file sets: a check of two keys names one set. */
static unsigned heating_line(const struct parser *p, const char *const *keys)
{
	for (; *keys; keys++) {
		unsigned line = parser_key_line(p, NULL, 0, "heating", *keys);

		if (line)
			return line;
	}
	return 0;
}

/*
 * over_temperature clears THERMOSTAT_OVERHEAT_HYSTERESIS_C below 'overheat': a
 * floor the thermostat may hold must stay more than that below the cut-off, or
 * the room reaches it, all heaters go off, it cools past the clearing point and
 * heats again, over and over.
 */
#define OVERHEAT_CLEAR_MARGIN_C THERMOSTAT_OVERHEAT_HYSTERESIS_C

static void check_heating(struct parser *p)
{
	const struct config_heating *h = &p->config->heating;

	if (h->floor_min_c > h->floor_max_c)
		parser_error(p, heating_line(p, (const char *[]){ "floor_max", "floor_min", NULL }),
			     "'floor_min' (%g) must not be above 'floor_max' (%g)", h->floor_min_c,
			     h->floor_max_c);
	else if (h->floor_c < h->floor_min_c || h->floor_c > h->floor_max_c)
		parser_error(
		    p, heating_line(p, (const char *[]){ "floor", "floor_max", "floor_min", NULL }),
		    "'floor' (%g) must be within floor_min..floor_max (%g..%g)", h->floor_c,
		    h->floor_min_c, h->floor_max_c);
	else if (h->overheat_c <= h->floor_max_c + OVERHEAT_CLEAR_MARGIN_C)
		parser_error(p, heating_line(p, (const char *[]){ "overheat", "floor_max", NULL }),
			     "'overheat' (%g) must be more than %g °C above 'floor_max' (%g)",
			     h->overheat_c, OVERHEAT_CLEAR_MARGIN_C, h->floor_max_c);
	/* 'floor' is within floor_min..floor_max, so below the cut-off by the check above. */
	else if (!isnan(h->day_floor_c) &&
		 h->overheat_c <= h->day_floor_c + OVERHEAT_CLEAR_MARGIN_C)
		parser_error(
		    p, heating_line(p, (const char *[]){ "day_floor", "overheat", NULL }),
		    "'day_floor' (%g) must be more than %g °C below 'overheat' (%g): by day "
		    "the room would reach the cut-off, and over_temperature be raised and "
		    "cleared all day",
		    h->day_floor_c, OVERHEAT_CLEAR_MARGIN_C, h->overheat_c);
}

/* Suspecting cramps from movement needs something that reports movement. */
static void check_cramps(struct parser *p)
{
	const struct config *c = p->config;

	if (!c->cramps.suspect_from_movement)
		return;
	if (!cramp_suspect_burst_possible((unsigned) c->cramps.suspect_movements,
					  c->cramps.suspect_within_usec,
					  CRAMP_DEFAULT_MOVEMENT_GAP_USEC))
		parser_error(
		    p, parser_key_line(p, NULL, 0, "cramps", "suspect_movements"),
		    "'suspect_movements' (%d) cannot come within 'suspect_within' (%llu s): "
		    "movements are counted at most one a second (a sensor's chatter is "
		    "one movement); raise suspect_within or lower suspect_movements",
		    c->cramps.suspect_movements,
		    (unsigned long long) (c->cramps.suspect_within_usec / 1000000ULL));
	for (size_t i = 0; i < c->n_inputs; i++)
		if (c->inputs[i].role == CONFIG_INPUT_ROLE_MOVEMENT)
			return;
	parser_error(p, parser_key_line(p, NULL, 0, "cramps", "suspect_from_movement"),
		     "'suspect_from_movement' needs an [input.NAME] with role = movement");
}

/*
 * Heaters with no thermometer are valid, and fail-safe, but never heat: heating
 * waits for a reading that cannot come (a user trial: "valid", and
 * no_reading_yet all night). Said where the first heater is.
 */
static void check_heaters_have_a_thermometer(struct parser *p)
{
	const struct config *c = p->config;

	if (c->n_heaters > 0 && c->n_sensors == 0)
		parser_warning(p, c->heaters[0].line,
			       "%zu heater%s but no [sensor.NAME]: heating needs the room's "
			       "temperature, so %s stay%s off",
			       c->n_heaters, c->n_heaters == 1 ? "" : "s",
			       c->n_heaters == 1 ? "it" : "they", c->n_heaters == 1 ? "s" : "");
}

/* StateDirectory= of the packaged unit: systemd makes it before bedroomd starts. */
#define SERVICE_STATE_DIRECTORY "/var/lib/bedroomd"

/*
 * bedroomd makes a missing state_dir, but not its parent (a typo there stays
 * an error): without it the service starts with no store, no cramp log kept
 * and no lock, and tries every minute. Said here, where the key is, unless
 * the parent is the unit's state directory, which systemd makes. A warning:
 * the heating runs all the same, and the parent may be a disk mounted later.
 */
static void check_state_dir(struct parser *p)
{
	const char *dir = p->config->daemon.state_dir;
	unsigned line = parser_key_line(p, NULL, 0, "daemon", "state_dir");
	char parent[4096];
	struct stat st;
	size_t n;

	if (!dir || !line || dir[0] != '/')
		return;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	while (n > 0 && dir[n - 1] != '/')
		n--;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof(parent))
		return;
	snprintf(parent, sizeof(parent), "%.*s", (int) n, dir);
	if (strcmp(parent, SERVICE_STATE_DIRECTORY) == 0)
		return;
	if (stat(parent, &st) == 0 && S_ISDIR(st.st_mode))
		return;
	if (stat(parent, &st) < 0 && errno != ENOENT && errno != ENOTDIR)
		return; /* not for this user to see: the service's may */
	parser_warning(p, line,
		       "state_dir '%s': its parent '%s' %s: bedroomd makes the state directory "
		       "but not its parent, and would run without its store (the cramp log "
		       "kept in memory only) until it is there",
		       dir, parent,
		       stat(parent, &st) == 0 ? "is not a directory" : "does not exist");
}

/*
 * The free text that goes out as it is: into Home Assistant's discovery
 * configs (names), to the phone (titles, messages) and into events. jansson
 * refuses what is not UTF-8, so one Latin-1 byte in a title would leave its
 * entities and notifications out; a control character would garble them.
 */
static const struct {
	const char *section, *key;
} shown_texts[] = {
	{ "homeassistant", "device_name" }, { "reminder", "title" },
	{ "reminder", "message" },          { "reminder", "time_up_message" },
	{ "cramps", "frequency_message" },  { "cramps", "one_sided_message" },
	{ "cramps", "spread_message" },
};

static void check_text(struct parser *p, unsigned line, const char *key, const char *value)
{
	static const char *const why[] = {
		[CONFIG_TEXT_NOT_UTF8] = "it is not UTF-8: is the file saved in another encoding, "
					 "such as Latin-1? Save it as UTF-8",
		[CONFIG_TEXT_CONTROL] = "a control character",
		[CONFIG_TEXT_NONCHARACTER] = "a noncharacter",
	};
	enum config_text_problem problem;
	char *shown;

	if (!line || !value)
		return; /* a default: bedroomd's own words */
	problem = config_text_check(value);
	if (problem == CONFIG_TEXT_OK)
		return;
	shown = config_escape(value);
	parser_error(p, line, "'%s' is not text Home Assistant and the phone can show: '%s' (%s)",
		     key, shown ? shown : "?", why[problem]);
	free(shown);
}

/* Each text of shown_texts: every one that is wrong is said (each is its own mistake). */
static void check_texts(struct parser *p)
{
	for (size_t t = 0; t < sizeof(shown_texts) / sizeof(shown_texts[0]); t++) {
		const char *section = shown_texts[t].section, *key = shown_texts[t].key;
		const struct section_spec *spec = config_section_find(section, strlen(section));
		size_t index, n = 1;
		const struct key_spec *k = config_key_find(section, key, &index);
		char *items = (char *) p->config;

		if (!k)
			continue;
		if (spec && spec->named)
			items = parser_items(p, spec, &n);
		else
			spec = NULL;
		for (size_t i = 0; i < n; i++) {
			char *base = spec ? items + i * spec->item_size : items;

			check_text(p, parser_key_line(p, spec, i, section, key), key,
				   *(char **) (base + k->offset));
		}
	}
}

/* Every named item: a type, and only keys that apply to it. */
static void check_items(struct parser *p, const struct section_spec *spec)
{
	size_t n;
	char *items = parser_items(p, spec, &n);

	/* Each item's first problem: one item's does not hide the next one's. */
	for (size_t i = 0; i < n; i++) {
		char *item = items + i * spec->item_size;
		const char *name = *(char **) (item + spec->name_offset);
		unsigned line = *(unsigned *) (item + spec->line_offset);
		int type = config_item_type(spec, item);
		char list[120];

		bool misplaced = false;

		if (type < 0) {
			config_names_list(spec->type_names, 0, list, sizeof(list));
			parser_error(p, line, "[%s.%s] needs 'type': %s", spec->kind, name, list);
			continue;
		}
		for (size_t k = 0; k < config_n_keys && !misplaced; k++) {
			const struct key_spec *key = &config_keys[k];
			unsigned set = parser_key_line(p, spec, i, spec->kind, key->name);

			if (strcmp(key->section, spec->kind) == 0 && set && key->types &&
			    !(key->types & (1u << type))) {
				parser_error(p, set, "'%s' does not apply to %s %s of type %s",
					     key->name, strchr("aeiou", spec->kind[0]) ? "an" : "a",
					     spec->kind, spec->type_names[type]);
				misplaced = true;
			}
		}
		if (misplaced)
			continue;
		if (strcmp(spec->kind, "sensor") == 0)
			check_sensor(p, spec, i, (const struct config_sensor *) item);
		else if (strcmp(spec->kind, "input") == 0)
			check_input(p, spec, i, (const struct config_input *) item);
		else if (strcmp(spec->kind, "heater") == 0)
			check_heater(p, spec, i, (const struct config_heater *) item);
	}
}

void config_check(struct parser *p)
{
	struct config_mqtt *m = &p->config->mqtt;

	if (!!m->cert_file != !!m->key_file) {
		const char *set = m->cert_file ? "cert_file" : "key_file";

		parser_error(p, parser_key_line(p, NULL, 0, "mqtt", set),
			     "'cert_file' and 'key_file' go together: '%s' is set alone", set);
	} else if (m->cert_file && !m->ca_file) {
		parser_error(p, parser_key_line(p, NULL, 0, "mqtt", "cert_file"),
			     "a client certificate needs TLS: set 'ca_file' too");
	}
	if (m->password_file && !m->username)
		parser_error(p, parser_key_line(p, NULL, 0, "mqtt", "password_file"),
			     "'password_file' is set but 'username' is not");
	check_texts(p);
	check_heating(p);
	check_heaters_have_a_thermometer(p);
	check_state_dir(p);
	check_cramps(p);
	config_reminders_check(p);
	for (size_t s = 0; s < config_n_sections; s++)
		if (config_sections[s].named)
			check_items(p, &config_sections[s]);
	if (!p->error)
		config_mqtt_files_check(p);
}
