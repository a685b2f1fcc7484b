/* Defaults: the fixed ones from the key table, and those made from other keys. */
#include "config/config-defaults.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config-reminder.h"
#include "sensors/sensor-defaults.h"

#define SEC 1000000ULL

void config_item_init(const struct section_spec *spec, void *item)
{
	assert(spec);
	memset(item, 0, spec->item_size);
	/* "Not set": checked after parsing, since every named section with types needs one. */
	if (spec->type_names)
		*(int *) ((char *) item + spec->type_offset) = -1;
	for (size_t i = 0; i < config_n_keys; i++) {
		const struct key_spec *k = &config_keys[i];

		if (k->type == KEY_ENUM && !k->has_default && strcmp(k->section, spec->kind) == 0)
			*(int *) ((char *) item + k->offset) = -1;
	}
}

/* The fixed defaults of the keys of @kind that apply to @type and are not @set. */
static int fill(const char *kind, int type, void *base, const unsigned *set)
{
	for (size_t i = 0; i < config_n_keys; i++) {
		const struct key_spec *k = &config_keys[i];
		int r;

		if (strcmp(k->section, kind) != 0 || set[i] || !k->has_default)
			continue;
		if (k->types && (type < 0 || !(k->types & (1u << type))))
			continue;
		r = config_key_set_default(k, base);
		if (r < 0)
			return r;
	}
	return 0;
}

int config_defaults_fill(struct parser *p)
{
	int r = 0;

	assert(p);
	for (size_t s = 0; s < config_n_sections && r == 0; s++) {
		const struct section_spec *spec = &config_sections[s];
		size_t n;
		char *items;

		if (!spec->named) {
			r = fill(spec->kind, 0, p->config, p->plain.line);
			continue;
		}
		items = parser_items(p, spec, &n);
		for (size_t i = 0; i < n && r == 0; i++) {
			char *item = parser_item_at(spec, items, i);

			r = fill(spec->kind, config_item_type(spec, item), item,
				 p->items[s][i].line);
		}
	}
	if (r == 0)
		config_reminders_fill(p);
	return r;
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

int config_defaults_derive(struct config *c)
{
	struct config_mqtt *m = &c->mqtt;

	if (!c->daemon.node_id && default_node_id(&c->daemon.node_id) < 0)
		return -ENOMEM;
	if (default_device_name(c) < 0)
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

		if (s->stale_after_usec == 0)
			s->stale_after_usec =
			    s->type == CONFIG_SENSOR_TYPE_MQTT
				? s->max_age_usec
				: SENSOR_HEALTH_DEFAULT_STALE_INTERVALS * s->interval_usec;
	}
	for (size_t i = 0; i < c->n_heaters; i++) {
		struct config_heater *h = &c->heaters[i];

		if (h->type == HEATER_TYPE_GENERIC &&
		    (default_string(&h->state_on, h->payload_on) < 0 ||
		     default_string(&h->state_off, h->payload_off) < 0))
			return -ENOMEM;
	}
	return 0;
}
