/*
 * The discovery configs, one per entity, each carrying the device and origin
 * (Home Assistant's single-component discovery). Every state entity reads the
 * retained <base>/state with a template, so nothing new is published for Home
 * Assistant; the buttons send what <base>/cramp and <base>/reminder/<name>
 * already accept.
 */
#include "daemon/ha-discovery.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-escape.h"
#include "control/reminder-run.h"

struct builder {
	const struct config *c;
	const char *version;
	struct ha_discovery *d;
};

static json_t *below(const struct builder *b, const char *suffix)
{
	return json_sprintf("%s/%s", b->c->mqtt.base_topic, suffix);
}

/* The device's identifier and each entity's unique_id start with this, then the node_id. */
#define ID_PREFIX "bedroomd_"

/* Configs above this are not ours: bedroomd's are a few hundred bytes. */
#define CONFIG_MAX 16384

/* Entity names (labels) are cut to this many bytes, on a character, with an ellipsis. */
#define LABEL_MAX 160
#define ELLIPSIS  "\u2026"

/*
 * What every entity carries: its id, the device it belongs to, its origin and,
 * if @available, availability. NULL with the reason in @error (jansson refuses
 * text that is not UTF-8).
 */
static json_t *common(const struct builder *b, const char *object, const char *name, bool available,
		      json_error_t *error)
{
	const char *node = b->c->daemon.node_id;
	json_t *unique_id = json_sprintf(ID_PREFIX "%s_%s", node, object);
	json_t *device_id = json_sprintf(ID_PREFIX "%s", node);
	json_t *config;

	/* "O", not "o": ours to drop, whatever json_pack does with a text it refuses. */
	config = json_pack_ex(error, 0, "{s:s, s:O, s:{s:[O], s:s, s:s, s:s, s:s}, s:{s:s, s:s}}",
			      "name", name, "unique_id", unique_id, "device", "identifiers",
			      device_id, "name", b->c->homeassistant.device_name, "manufacturer",
			      "bedroomd", "model", "bedroomd", "sw_version", b->version, "origin",
			      "name", "bedroomd", "sw_version", b->version);
	json_decref(unique_id);
	json_decref(device_id);
	if (config && available &&
	    json_object_set_new(config, "availability_topic", below(b, "availability")) < 0) {
		snprintf(error->text, sizeof(error->text), "out of memory");
		json_decref(config);
		return NULL;
	}
	return config;
}

/* Notes that the @component @object is left out, and why, for the daemon's log. */
static void left_out(struct ha_discovery *d, const char *component, const char *object,
		     const char *why)
{
	char **grown = realloc(d->left_out, (d->n_left_out + 1) * sizeof(*grown));

	if (!grown)
		return; /* not said: there is no memory to say it with */
	d->left_out = grown;
	if (asprintf(&d->left_out[d->n_left_out], "the %s '%s': %s", component, object, why) >= 0)
		d->n_left_out++;
}

/*
 * Adds one entity; takes @fields (its own keys), also on failure. An entity
 * whose config cannot be built is left out, and said in d->left_out: the
 * others, and the heating, go on without it.
 */
static void add_entity(struct builder *b, const char *component, const char *object,
		       const char *name, bool available, json_t *fields)
{
	struct ha_discovery *d = b->d;
	struct ha_entity *grown, e = { 0 };
	json_error_t error = { .text = "out of memory" };
	json_t *config = NULL;

	if (!fields)
		goto fail;
	config = common(b, object, name, available, &error);
	if (!config)
		goto fail;
	if (json_object_update(config, fields) < 0) {
		snprintf(error.text, sizeof(error.text), "out of memory");
		goto fail;
	}
	e.payload = json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
	e.object = strdup(object);
	if (asprintf(&e.topic, "%s/%s/%s/%s/config", b->c->homeassistant.discovery_prefix,
		     component, b->c->daemon.node_id, object) < 0)
		e.topic = NULL;
	if (!e.payload || !e.object || !e.topic)
		goto fail;
	grown = realloc(d->entities, (d->n_entities + 1) * sizeof(*grown));
	if (!grown)
		goto fail;
	d->entities = grown;
	d->entities[d->n_entities++] = e;
	goto out;
fail:
	free(e.object);
	free(e.topic);
	free(e.payload);
	left_out(d, component, object, error.text);
out:
	json_decref(config);
	json_decref(fields);
}

static void add(struct builder *b, const char *component, const char *object, const char *name,
		json_t *fields)
{
	add_entity(b, component, object, name, true, fields);
}

/*
 * A button whose command is meant to wait: without availability, so Home
 * Assistant lets it be pressed while bedroomd is offline (it refuses a press
 * on an unavailable entity), and the broker keeps the QoS 1 command for
 * bedroomd's persistent session until it is back.
 */
static void add_waiting_button(struct builder *b, const char *object, const char *name,
			       json_t *fields)
{
	add_entity(b, "button", object, name, false, fields);
}

/*
 * "@before@text@after" in @buf (LABEL_MAX + 1 bytes), @text cut on a
 * character, with an ellipsis, if it all would not fit: a label is never cut
 * inside a UTF-8 sequence, which JSON would refuse.
 */
static void label(char *buf, const char *before, const char *text, const char *after)
{
	size_t fixed = strlen(before) + strlen(after), n;

	assert(fixed + strlen(ELLIPSIS) <= LABEL_MAX);
	n = config_utf8_fit(text, LABEL_MAX - fixed);
	if (text[n] != '\0')
		n = config_utf8_fit(text, LABEL_MAX - fixed - strlen(ELLIPSIS));
	snprintf(buf, LABEL_MAX + 1, "%s%.*s%s%s", before, (int) n, text,
		 text[n] != '\0' ? ELLIPSIS : "", after);
}

/* The night floor as a thermostat: the target is the floor, "heat" or "off". */
static void add_climate(struct builder *b)
{
	const struct config_heating *h = &b->c->heating;

	add(b, "climate", "floor", "Night floor",
	    json_pack(
		"{s:o, s:s, s:o, s:s, s:o, s:o, s:s, s:o, s:[s, s], s:o, s:s, s:f, s:f, "
		"s:f, s:f, s:s, s:i}",
		"current_temperature_topic", below(b, "state"), "current_temperature_template",
		"{{ value_json.temperature }}", "temperature_state_topic", below(b, "state"),
		"temperature_state_template", "{{ value_json.floor }}", "temperature_command_topic",
		below(b, "set/floor"), "mode_state_topic", below(b, "state"), "mode_state_template",
		"{{ value_json.mode }}", "mode_command_topic", below(b, "set/mode"), "modes",
		"heat", "off", "action_topic", below(b, "state"), "action_template",
		"{{ value_json.action }}", "min_temp", h->floor_min_c, "max_temp", h->floor_max_c,
		"temp_step", 0.5, "precision", 0.1, "temperature_unit", "C", "qos", 1));
}

static void add_sensors(struct builder *b)
{
	if (b->c->n_sensors > 0)
		add(b, "sensor", "temperature", "Room temperature",
		    json_pack("{s:o, s:s, s:s, s:s, s:s, s:i}", "state_topic", below(b, "state"),
			      "value_template", "{{ value_json.temperature }}", "device_class",
			      "temperature", "state_class", "measurement", "unit_of_measurement",
			      "°C", "suggested_display_precision", 1));
	add(b, "sensor", "cramps_7d", "Cramps in the last 7 days",
	    json_pack("{s:o, s:s, s:s, s:s}", "state_topic", below(b, "state"), "value_template",
		      "{{ value_json.cramps_7d }}", "state_class", "measurement", "icon",
		      "mdi:calendar-week"));
	/* "None" (no cramp yet) is Home Assistant's word for unknown. */
	add(b, "sensor", "last_cramp", "Last cramp",
	    json_pack("{s:o, s:s, s:s}", "state_topic", below(b, "state"), "value_template",
		      "{{ value_json.last_cramp }}", "device_class", "timestamp"));
}

/*
 * What heating learned about the room (<base>/state "learned"), for whoever
 * wonders why it heats when it does: how sure it is (%) as the state, the rest
 * (heater gain and lag, the room's and the walls' time constants, in use or
 * not) as attributes. A diagnostic entity: Home Assistant shows it apart.
 */
static void add_learned(struct builder *b)
{
	add(b, "sensor", "learned", "Heating model",
	    json_pack("{s:o, s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "state_topic", below(b, "state"),
		      "value_template",
		      "{{ (value_json.learned.sure * 100) | round(0) if value_json.learned else "
		      "'None' }}",
		      "unit_of_measurement", "%", "state_class", "measurement", "entity_category",
		      "diagnostic", "json_attributes_topic", below(b, "state"),
		      "json_attributes_template", "{{ (value_json.learned or {}) | tojson }}",
		      "icon", "mdi:home-thermometer-outline"));
}

/*
 * The outdoor temperature heating uses (<base>/state "outdoor"), with when it
 * came as an attribute: whoever set an outdoor_topic sees that pre-heat has it,
 * and how old it is. Diagnostic, and without a state_class: the thermometer's
 * own entity keeps the history, not a copy of it.
 */
static void add_outdoor(struct builder *b)
{
	add(b, "sensor", "outdoor", "Outdoor temperature in use",
	    json_pack(
		"{s:o, s:s, s:s, s:s, s:i, s:s, s:o, s:s}", "state_topic", below(b, "state"),
		"value_template",
		"{{ value_json.outdoor.temperature if value_json.outdoor else 'None' }}",
		"device_class", "temperature", "unit_of_measurement", "°C",
		"suggested_display_precision", 1, "entity_category", "diagnostic",
		"json_attributes_topic", below(b, "state"), "json_attributes_template",
		"{{ {'time': value_json.outdoor.time if value_json.outdoor else none} | tojson "
		"}}"));
}

static void add_heater(struct builder *b, const char *heater)
{
	char object[96], name[96], template[320];

	snprintf(object, sizeof(object), "heater_%s", heater);
	snprintf(name, sizeof(name), "Heater %s", heater);
	/*
	 * Heater names are letters, digits, '_' and '-': safe inside the quotes. What
	 * the plug last said, not what it was told (an OFF it did not confirm may have
	 * left it on); unknown while it is offline or has said nothing.
	 */
	snprintf(template, sizeof(template),
		 "{%% set h = value_json.heaters['%s'] %%}{{ 'None' if h.state == 'offline' or "
		 "h.relay is none else ('ON' if h.relay == 'on' and h.state != 'no_power' else "
		 "'OFF') }}",
		 heater);
	add(b, "binary_sensor", object, name,
	    json_pack("{s:o, s:s, s:s}", "state_topic", below(b, "state"), "value_template",
		      template, "device_class", "running"));
}

static void add_binary_sensors(struct builder *b)
{
	if (config_has_input_role(b->c, CONFIG_INPUT_ROLE_OCCUPANCY))
		add(b, "binary_sensor", "in_bed", "In bed",
		    json_pack("{s:o, s:s, s:s}", "state_topic", below(b, "state"), "value_template",
			      "{{ 'None' if value_json.in_bed is none else "
			      "('ON' if value_json.in_bed else 'OFF') }}",
			      "device_class", "occupancy"));
	/* On while any alert is active; which ones (kind, source, since) as attributes. */
	add(b, "binary_sensor", "problem", "Problem",
	    json_pack("{s:o, s:s, s:s, s:o, s:s}", "state_topic", below(b, "state"),
		      "value_template", "{{ 'ON' if value_json.alerts | length > 0 else 'OFF' }}",
		      "device_class", "problem", "json_attributes_topic", below(b, "state"),
		      "json_attributes_template", "{{ {'alerts': value_json.alerts} | tojson }}"));
	for (size_t i = 0; i < b->c->n_heaters; i++)
		add_heater(b, b->c->heaters[i].name);
}

/* What <base>/cramp accepts (daemon/cramp-command.c); "source" tells the log where it came from. */
static void add_buttons(struct builder *b)
{
	static const struct {
		const char *object, *name, *payload;
	} buttons[] = {
		{ "cramp", "Log cramp", "{\"source\":\"home_assistant\"" },
		{ "cramp_left", "Log cramp (left leg)",
		  "{\"leg\":\"left\",\"source\":\"home_assistant\"" },
		{ "cramp_right", "Log cramp (right leg)",
		  "{\"leg\":\"right\",\"source\":\"home_assistant\"" },
	};

	/*
	 * QoS 1 on our persistent session: a press while bedroomd restarts still
	 * arrives, and "pressed" (Home Assistant's clock, rendered at the press) keeps
	 * its time if it comes late. payload_press is the same without it.
	 */
	for (size_t i = 0; i < sizeof(buttons) / sizeof(buttons[0]); i++) {
		char press[96], at_press[160];

		snprintf(press, sizeof(press), "%s}", buttons[i].payload);
		snprintf(at_press, sizeof(at_press), "%s,\"pressed\":\"{{ now().isoformat() }}\"}",
			 buttons[i].payload);
		add_waiting_button(b, buttons[i].object, buttons[i].name,
				   json_pack("{s:o, s:s, s:s, s:i, s:b, s:s}", "command_topic",
					     below(b, "cramp"), "payload_press", press,
					     "command_template", at_press, "qos", 1, "retain",
					     false, "icon", "mdi:foot-print"));
	}
}

/* A button that answers reminder @name with @action, as a notification's button would. */
static void add_answer_button(struct builder *b, const char *name, const char *title,
			      const char *action, const char *icon)
{
	char object[64], shown[LABEL_MAX + 1], after[32], topic[64];

	snprintf(object, sizeof(object), "%s_%s", name, action);
	snprintf(after, sizeof(after), " %s", action);
	label(shown, "", title, after);
	snprintf(topic, sizeof(topic), "reminder/%s", name);
	add_waiting_button(b, object, shown,
			   json_pack("{s:o, s:s, s:i, s:b, s:s}", "command_topic", below(b, topic),
				     "payload_press", action, "qos", 1, "retain", false, "icon",
				     icon));
}

/*
 * Per reminder that is sent: when it is next due (from <base>/state, its run
 * as attributes) and, for a task, buttons for started (with a timer) and
 * done. The foot soak's done button is there in any case: its answers count
 * without a section, for the cramp log's context and the report.
 */
static void add_reminders(struct builder *b)
{
	bool soak = false;

	for (size_t i = 0; i < b->c->n_reminders; i++) {
		const struct config_reminder *r = &b->c->reminders[i];
		struct reminder_params p;
		char object[64], shown[LABEL_MAX + 1], value[160], attributes[320];

		if (!r->enabled)
			continue;
		reminder_params_init(&p, r->name, 0);
		if (r->title)
			p.title = r->title;
		snprintf(object, sizeof(object), "reminder_%s_next", r->name);
		label(shown, "Next reminder: ", p.title, "");
		/* Reminder names are a-z, 0-9 and '_': safe inside the quotes. */
		snprintf(value, sizeof(value), "{{ value_json.reminders['%s'].next }}", r->name);
		/*
		 * The run as attributes, its state as run_state: Home Assistant drops
		 * an attribute named "state" (MQTT_ATTRIBUTES_BLOCKED), as it does
		 * name, icon, unique_id and the like.
		 */
		snprintf(attributes, sizeof(attributes),
			 "{%% set r = value_json.reminders['%s'] %%}{{ {'run_state': r.state, "
			 "'id': r.id, 'attempt': r.attempt, 'ends': r.ends, 'next': r.next} | "
			 "tojson }}",
			 r->name);
		add(b, "sensor", object, shown,
		    json_pack("{s:o, s:s, s:s, s:o, s:s, s:s}", "state_topic", below(b, "state"),
			      "value_template", value, "device_class", "timestamp",
			      "json_attributes_topic", below(b, "state"),
			      "json_attributes_template", attributes, "icon",
			      "mdi:bell-ring-outline"));
		if (p.kind != REMINDER_KIND_TASK)
			continue;
		if (r->timer_usec > 0)
			add_answer_button(b, r->name, p.title, "started", "mdi:timer-outline");
		add_answer_button(b, r->name, p.title, "done", "mdi:check");
		soak |= strcmp(r->name, "foot_soak") == 0;
	}
	if (!soak)
		add_answer_button(b, "foot_soak", "Foot soak", "done", "mdi:waves");
}

/*
 * Home Assistant's event entities want {"event_type": ...}: the templates make it from ours.
 * A cramp sent again because a later report amended it is "amended_cramp", so an
 * automation that counts "cramp" events does not count it twice.
 */
static void add_events(struct builder *b)
{
	add(b, "event", "cramp_event", "Cramp",
	    json_pack(
		"{s:o, s:[s, s, s], s:s, s:i}", "state_topic", below(b, "event/cramp"),
		"event_types", "cramp", "suspected_cramp", "amended_cramp", "value_template",
		"{{ {'event_type': 'suspected_cramp' if value_json.suspected else "
		"'amended_cramp' if value_json.amended else 'cramp', "
		"'leg': value_json.leg, 'site': value_json.site, 'source': value_json.source, "
		"'cramps_7d': value_json.cramps_7d, 'id': value_json.id, 'time': "
		"value_json.time} | tojson }}",
		"qos", 1));
	add(b, "event", "alert_event", "Alert",
	    json_pack("{s:o, s:[s, s, s], s:s, s:i}", "state_topic", below(b, "event/alert"),
		      "event_types", "raised", "cleared", "notice", "value_template",
		      "{{ {'event_type': value_json.state, 'kind': value_json.kind, 'source': "
		      "value_json.source, 'message': value_json.message, 'id': value_json.id, "
		      "'time': value_json.time} | tojson }}",
		      "qos", 1));
	add(b, "event", "reminder_event", "Reminder",
	    json_pack("{s:o, s:[s, s, s, s, s], s:s, s:i}", "state_topic",
		      below(b, "event/reminder"), "event_types", "due", "timer", "time_up",
		      "cleared", "given_up", "value_template",
		      "{{ {'event_type': value_json.state, 'name': value_json.name, 'id': "
		      "value_json.id, 'title': value_json.title, 'message': value_json.message, "
		      "'actions': value_json.actions, 'attempt': value_json.attempt, 'ends': "
		      "value_json.ends, 'time': value_json.time} | tojson }}",
		      "qos", 1));
}

int ha_discovery_build(const struct config *c, const char *version, struct ha_discovery **ret)
{
	struct builder b = { .c = c, .version = version };

	assert(c);
	assert(ret);
	b.d = calloc(1, sizeof(*b.d));
	if (!b.d)
		return -ENOMEM;
	if (c->homeassistant.discovery) {
		if (c->n_heaters > 0) {
			add_climate(&b);
			add_learned(&b);
			if (c->heating.outdoor_topic)
				add_outdoor(&b);
		}
		add_sensors(&b);
		add_binary_sensors(&b);
		add_buttons(&b);
		add_reminders(&b);
		add_events(&b);
	}
	*ret = b.d;
	return 0;
}

struct ha_discovery *ha_discovery_free(struct ha_discovery *d)
{
	if (!d)
		return NULL;
	for (size_t i = 0; i < d->n_entities; i++) {
		free(d->entities[i].object);
		free(d->entities[i].topic);
		free(d->entities[i].payload);
	}
	free(d->entities);
	for (size_t i = 0; i < d->n_left_out; i++)
		free(d->left_out[i]);
	free(d->left_out);
	free(d);
	return NULL;
}

const struct ha_entity *ha_discovery_find(const struct ha_discovery *d, const char *topic)
{
	for (size_t i = 0; d && i < d->n_entities; i++)
		if (strcmp(d->entities[i].topic, topic) == 0)
			return &d->entities[i];
	return NULL;
}

static bool is_device(json_t *id, const char *device)
{
	return json_is_string(id) && strcmp(json_string_value(id), device) == 0;
}

bool ha_discovery_is_ours(const void *payload, size_t len, const char *node_id)
{
	size_t prefix = strlen(ID_PREFIX), n = strlen(node_id), i;
	json_t *config, *ids, *id;
	const char *uid;
	char *device = NULL;
	bool mine = false;

	if (len == 0 || len > CONFIG_MAX)
		return false;
	config = json_loadb(payload, len, 0, NULL);
	uid = json_string_value(json_object_get(config, "unique_id"));
	if (!uid)
		uid = json_string_value(json_object_get(config, "uniq_id"));
	if (!uid || strncmp(uid, ID_PREFIX, prefix) != 0 ||
	    strncmp(uid + prefix, node_id, n) != 0 || uid[prefix + n] != '_' ||
	    asprintf(&device, ID_PREFIX "%s", node_id) < 0) {
		json_decref(config);
		return false;
	}
	ids = json_object_get(json_object_get(config, "device"), "identifiers");
	mine = is_device(ids, device);
	json_array_foreach(ids, i, id) mine |= is_device(id, device);
	free(device);
	json_decref(config);
	return mine;
}
