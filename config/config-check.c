/* Defaults, and the checks that need more than one key, for every section. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config-parser.h"

#define SEC 1000000ULL

void config_init_defaults(struct config *c)
{
	c->daemon.log_level = CONFIG_LOG_LEVEL_INFO;
	c->mqtt.keepalive_s = 60;
	c->room.publish_step_c = 0.1;
	c->room.publish_max_usec = 5 * 60 * SEC;
	c->heating = (struct config_heating){
		.mode = CONFIG_HEATING_MODE_HEAT,
		.floor_c = 18.0,
		.floor_min_c = 16.0,
		.floor_max_c = 24.0,
		.day_floor_c = NAN,
		.night_start_min = 22 * 60,
		.night_end_min = 7 * 60,
		.min_on_usec = 2 * 60 * SEC,
		.min_off_usec = 3 * 60 * SEC,
		.max_on_usec = 6 * 3600 * SEC,
		.no_effect_usec = 45 * 60 * SEC,
		.preheat_max_usec = 4 * 3600 * SEC,
		.overheat_c = 26.0,
	};
	c->cramps.dedup_window_usec = 2 * 60 * SEC;
	c->cramps.retention_usec = 2ULL * 365 * 86400 * SEC;
	c->cramps.suspect_movements = 12;
	c->cramps.suspect_within_usec = 60 * SEC;
	c->cramps.suspect_after_quiet_usec = 20 * 60 * SEC;
	c->cramps.suspect_min_in_bed_usec = 30 * 60 * SEC;
	c->cramps.confirm_window_usec = 15 * 60 * SEC;
	c->homeassistant.discovery = true;
}

void config_item_init(const struct section_spec *spec, void *item)
{
	memset(item, 0, spec->item_size);
	/* "Not set": checked after parsing, since every named section needs a type. */
	*(int *) ((char *) item + spec->type_offset) = -1;
	if (strcmp(spec->kind, "sensor") == 0) {
		struct config_sensor *s = item;

		s->interval_usec = 60 * SEC;
		s->min_c = -20;
		s->max_c = 60;
		s->max_rate_c_per_min = 2;
		s->stuck_after_usec = 6 * 3600 * SEC;
	} else if (strcmp(spec->kind, "input") == 0) {
		struct config_input *in = item;

		in->role = (enum config_input_role) - 1;
		in->debounce_usec = 20000;
		in->on_delay_usec = 5 * SEC;
		in->off_delay_usec = 45 * SEC;
		in->repeat_window_usec = 2 * 60 * SEC;
	} else if (strcmp(spec->kind, "heater") == 0) {
		struct config_heater *h = item;

		h->auto_off_usec = 10 * 60 * SEC;
		h->confirm_timeout_usec = 15 * SEC;
		h->min_power_w = 20;
	}
}

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
	/* One line, one meaning: two inputs on the same GPIO would fight over it. */
	for (size_t j = 0; j < i && in->type == CONFIG_INPUT_TYPE_GPIO; j++)
		if (all[j].type == CONFIG_INPUT_TYPE_GPIO &&
		    strcmp(all[j].gpio_line, in->gpio_line) == 0 &&
		    strcmp(all[j].chip ? all[j].chip : "gpiochip0",
			   in->chip ? in->chip : "gpiochip0") == 0) {
			parser_error(p, LINE(spec, i, "line"),
				     "line '%s' is already used by [input.%s]", in->gpio_line,
				     all[j].name);
			return;
		}
}

static void check_heater(struct parser *p, const struct section_spec *spec, size_t i,
			 const struct config_heater *h)
{
	if (h->type == HEATER_TYPE_GENERIC) {
		if (!h->command_topic || !h->state_topic)
			parser_error(p, h->line,
				     "[heater.%s] of type %s needs 'command_topic' and "
				     "'state_topic'",
				     h->name, config_heater_type_names[h->type]);
	} else if (!h->topic) {
		parser_error(p, h->line, "[heater.%s] of type %s needs 'topic'", h->name,
			     config_heater_type_names[h->type]);
	}
}

static void check_heating(struct parser *p)
{
	const struct config_heating *h = &p->config->heating;

	if (h->floor_min_c > h->floor_max_c)
		parser_error(p, parser_key_line(p, NULL, 0, "heating", "floor_max"),
			     "'floor_min' (%g) must not be above 'floor_max' (%g)", h->floor_min_c,
			     h->floor_max_c);
	else if (h->floor_c < h->floor_min_c || h->floor_c > h->floor_max_c)
		parser_error(p, parser_key_line(p, NULL, 0, "heating", "floor"),
			     "'floor' (%g) must be within floor_min..floor_max (%g..%g)",
			     h->floor_c, h->floor_min_c, h->floor_max_c);
	else if (h->overheat_c <= h->floor_max_c + 1)
		parser_error(p, parser_key_line(p, NULL, 0, "heating", "overheat"),
			     "'overheat' (%g) must be more than 1 °C above 'floor_max' (%g)",
			     h->overheat_c, h->floor_max_c);
}

/* Suspecting cramps from movement needs something that reports movement. */
static void check_cramps(struct parser *p)
{
	const struct config *c = p->config;

	if (!c->cramps.suspect_from_movement)
		return;
	for (size_t i = 0; i < c->n_inputs; i++)
		if (c->inputs[i].role == CONFIG_INPUT_ROLE_MOVEMENT)
			return;
	parser_error(p, parser_key_line(p, NULL, 0, "cramps", "suspect_from_movement"),
		     "'suspect_from_movement' needs an [input.NAME] with role = movement");
}

/* Every named item: a type, and only keys that apply to it. */
static void check_items(struct parser *p, const struct section_spec *spec)
{
	size_t n;
	char *items = parser_items(p, spec, &n);

	for (size_t i = 0; i < n && !p->error; i++) {
		char *item = items + i * spec->item_size;
		const char *name = *(char **) (item + spec->name_offset);
		unsigned line = *(unsigned *) (item + spec->line_offset);
		int type = *(int *) (item + spec->type_offset);
		char list[120] = "";
		size_t used = 0;

		if (type < 0) {
			for (size_t t = 0; spec->type_names[t] && used < sizeof(list); t++)
				used += (size_t) snprintf(list + used, sizeof(list) - used, "%s%s",
							  t == 0                    ? ""
							  : spec->type_names[t + 1] ? ", "
										    : " or ",
							  spec->type_names[t]);
			parser_error(p, line, "[%s.%s] needs 'type': %s", spec->kind, name, list);
			return;
		}
		for (size_t k = 0; k < config_n_keys; k++) {
			const struct key_spec *key = &config_keys[k];
			unsigned set = parser_key_line(p, spec, i, spec->kind, key->name);

			if (strcmp(key->section, spec->kind) == 0 && set && key->types &&
			    !(key->types & (1u << type))) {
				parser_error(p, set, "'%s' does not apply to %s %s of type %s",
					     key->name, strchr("aeiou", spec->kind[0]) ? "an" : "a",
					     spec->kind, spec->type_names[type]);
				return;
			}
		}
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
	int r;

	if (!!m->cert_file != !!m->key_file) {
		const char *set = m->cert_file ? "cert_file" : "key_file";

		parser_error(p, parser_key_line(p, NULL, 0, "mqtt", set),
			     "'cert_file' and 'key_file' go together: '%s' is set alone", set);
		return;
	}
	if (m->cert_file && !m->ca_file)
		parser_error(p, parser_key_line(p, NULL, 0, "mqtt", "cert_file"),
			     "a client certificate needs TLS: set 'ca_file' too");
	if (m->password_file && !m->username)
		parser_error(p, parser_key_line(p, NULL, 0, "mqtt", "password_file"),
			     "'password_file' is set but 'username' is not");
	check_heating(p);
	check_cramps(p);
	for (size_t s = 0; s < config_n_sections && !p->error; s++)
		if (config_sections[s].named)
			check_items(p, &config_sections[s]);
	if (m->password_file && !p->error) {
		r = config_read_secret(m->password_file, &m->password);
		if (r < 0)
			parser_error(p, parser_key_line(p, NULL, 0, "mqtt", "password_file"),
				     "cannot read password from '%s': %s", m->password_file,
				     strerror(-r));
	}
}

static int default_node_id(char **ret)
{
	char host[256] = "";
	size_t n = 0;

	if (gethostname(host, sizeof(host) - 1) < 0 || host[0] == '\0')
		strcpy(host, "bedroom");
	host[strcspn(host, ".")] = '\0';
	for (char *c = host; *c && n < 64; c++, n++)
		if (!isalnum((unsigned char) *c) && *c != '-')
			*c = '_';
		else
			*c = (char) tolower((unsigned char) *c);
	host[n] = '\0';
	*ret = strdup(host);
	return *ret ? 0 : -ENOMEM;
}

static int default_string(char **field, const char *value)
{
	if (!*field && !(*field = strdup(value)))
		return -ENOMEM;
	return 0;
}

/* "guest-room" becomes "Guest room": what Home Assistant shows, and the start of entity ids. */
static int default_device_name(struct config *c)
{
	char *name;

	if (c->homeassistant.device_name)
		return 0;
	name = strdup(c->daemon.node_id);
	if (!name)
		return -ENOMEM;
	for (char *p = name; *p; p++)
		if (*p == '_' || *p == '-')
			*p = ' ';
	name[0] = (char) toupper((unsigned char) name[0]);
	c->homeassistant.device_name = name;
	return 0;
}

int config_apply_defaults(struct config *c)
{
	struct config_mqtt *m = &c->mqtt;

	if (!c->daemon.node_id && default_node_id(&c->daemon.node_id) < 0)
		return -ENOMEM;
	if (default_string(&c->daemon.state_dir, "/var/lib/bedroomd") < 0 ||
	    default_string(&m->host, "localhost") < 0 ||
	    default_string(&c->room.sysfs_root, "/sys") < 0 ||
	    default_string(&c->homeassistant.discovery_prefix, "homeassistant") < 0 ||
	    default_string(&c->homeassistant.status_topic, "homeassistant/status") < 0 ||
	    default_device_name(c) < 0)
		return -ENOMEM;
	if (m->port == 0)
		m->port = m->ca_file ? 8883 : 1883;
	if (!m->client_id && asprintf(&m->client_id, "bedroomd-%s", c->daemon.node_id) < 0) {
		m->client_id = NULL;
		return -ENOMEM;
	}
	if (!m->base_topic && asprintf(&m->base_topic, "bedroomd/%s", c->daemon.node_id) < 0) {
		m->base_topic = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->n_sensors; i++) {
		struct config_sensor *s = &c->sensors[i];

		/* Zigbee and Wi-Fi thermometers report on change: allow a quiet hour. */
		if (s->type == CONFIG_SENSOR_TYPE_MQTT && s->max_age_usec == 0)
			s->max_age_usec = 3600 * SEC;
		if (s->stale_after_usec == 0)
			s->stale_after_usec = s->type == CONFIG_SENSOR_TYPE_MQTT
						  ? s->max_age_usec
						  : 3 * s->interval_usec;
	}
	for (size_t i = 0; i < c->n_inputs; i++) {
		struct config_input *in = &c->inputs[i];

		if (in->type == CONFIG_INPUT_TYPE_GPIO &&
		    default_string(&in->chip, "gpiochip0") < 0)
			return -ENOMEM;
		if (in->type == CONFIG_INPUT_TYPE_MQTT &&
		    (default_string(&in->payload_on, "ON") < 0 ||
		     default_string(&in->payload_off, "OFF") < 0))
			return -ENOMEM;
	}
	for (size_t i = 0; i < c->n_heaters; i++) {
		struct config_heater *h = &c->heaters[i];

		if (h->type == HEATER_TYPE_ZIGBEE2MQTT &&
		    default_string(&h->base_topic, "zigbee2mqtt") < 0)
			return -ENOMEM;
		if (h->type != HEATER_TYPE_GENERIC)
			continue;
		if (default_string(&h->payload_on, "ON") < 0 ||
		    default_string(&h->payload_off, "OFF") < 0 ||
		    default_string(&h->state_on, h->payload_on) < 0 ||
		    default_string(&h->state_off, h->payload_off) < 0 ||
		    default_string(&h->availability_online, "online") < 0)
			return -ENOMEM;
	}
	return 0;
}
