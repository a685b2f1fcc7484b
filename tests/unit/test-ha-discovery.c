/*
 * The Home Assistant discovery configs, built from real configurations: which
 * entities each gets, and that every config is what Home Assistant needs (valid
 * JSON, a stable unique_id, the device, availability) and what bedroomd accepts
 * back (the buttons' payloads go through the daemon's own cramp parser).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/cramp-command.h"
#include "daemon/ha-discovery.h"
#include "daemon/reminder-command.h"

#define HEAD "[daemon]\nnode_id = bed-1\nstate_dir = /tmp\n"

#define FULL                                                                                       \
	HEAD "[heating]\nfloor_min = 16.5\nfloor_max = 21\n"                                       \
	     "[sensor.bed]\ntype = w1\n"                                                           \
	     "[input.mat]\ntype = mqtt\nrole = occupancy\ntopic = z2m/mat\n"                       \
	     "[heater.oil]\ntype = tasmota\ntopic = plug1\n"                                       \
	     "[heater.fan-2]\ntype = shelly\ntopic = plug2\n"

static struct config *load(const char *text)
{
	char path[] = "/tmp/bedroomd-test-ha-XXXXXX";
	struct config *c = NULL;
	char *error = NULL;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
	if (config_load(path, &c, &error) < 0)
		fail_msg("config: %s", error);
	unlink(path);
	return c;
}

static struct ha_discovery *build(const char *text)
{
	struct config *c = load(text);
	struct ha_discovery *d = NULL;

	assert_int_equal(ha_discovery_build(c, "9.8.7", &d), 0);
	config_free(c);
	return d;
}

/* The entity of @object (and its config, parsed); fails when missing. */
static json_t *entity(const struct ha_discovery *d, const char *object, const char **ret_topic)
{
	for (size_t i = 0; i < d->n_entities; i++)
		if (strcmp(d->entities[i].object, object) == 0) {
			json_t *j = json_loads(d->entities[i].payload, 0, NULL);

			assert_non_null(j);
			if (ret_topic)
				*ret_topic = d->entities[i].topic;
			return j;
		}
	fail_msg("no entity '%s'", object);
	return NULL;
}

static bool has(const struct ha_discovery *d, const char *object)
{
	for (size_t i = 0; i < d->n_entities; i++)
		if (strcmp(d->entities[i].object, object) == 0)
			return true;
	return false;
}

static const char *str(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	if (!s)
		fail_msg("no string '%s'", key);
	return s;
}

/* @template as Home Assistant renders it when now() is @now: nothing else in it is Jinja. */
static char *render_now(const char *template, const char *now)
{
	static const char call[] = "{{ now().isoformat() }}";
	const char *at = strstr(template, call);
	char *out;

	assert_non_null(at);
	assert_null(strstr(at + 1, "{{"));
	assert_true(asprintf(&out, "%.*s%s%s", (int) (at - template), template, now,
			     at + strlen(call)) > 0);
	return out;
}

/* The buttons whose commands wait on the broker for bedroomd: cramps and reminder answers. */
static bool waits(const char *object)
{
	size_t n = strlen(object);

	return strncmp(object, "cramp", 5) == 0
		   ? strcmp(object, "cramp_event") != 0 && strcmp(object, "cramps_7d") != 0
		   : (n > 5 && strcmp(object + n - 5, "_done") == 0) ||
			 (n > 8 && strcmp(object + n - 8, "_started") == 0);
}

static void test_full_configuration_gives_every_entity(void **state)
{
	static const char *const objects[] = {
		"floor",       "temperature", "cramps_7d",      "last_cramp",
		"in_bed",      "problem",     "heater_oil",     "heater_fan-2",
		"cramp",       "cramp_left",  "cramp_right",    "foot_soak_done",
		"cramp_event", "alert_event", "reminder_event", "learned",
	};
	struct ha_discovery *d = build(FULL);

	(void) state;
	assert_int_equal(d->n_entities, sizeof(objects) / sizeof(objects[0]));
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		assert_true(has(d, objects[i]));
	ha_discovery_free(d);
}

static void test_every_config_names_device_origin_and_availability(void **state)
{
	struct ha_discovery *d = build(FULL);

	(void) state;
	for (size_t i = 0; i < d->n_entities; i++) {
		const struct ha_entity *e = &d->entities[i];
		json_t *j = json_loads(e->payload, 0, NULL), *dev;
		char want[128];

		assert_non_null(j);
		snprintf(want, sizeof(want), "bedroomd_bed-1_%s", e->object);
		assert_string_equal(str(j, "unique_id"), want);
		if (waits(e->object))
			assert_null(json_object_get(j, "availability_topic"));
		else
			assert_string_equal(str(j, "availability_topic"),
					    "bedroomd/bed-1/availability");
		assert_non_null(json_object_get(j, "name"));
		dev = json_object_get(j, "device");
		assert_string_equal(
		    json_string_value(json_array_get(json_object_get(dev, "identifiers"), 0)),
		    "bedroomd_bed-1");
		assert_string_equal(str(dev, "name"), "Bed 1");
		assert_string_equal(str(dev, "manufacturer"), "bedroomd");
		assert_string_equal(str(dev, "sw_version"), "9.8.7");
		assert_string_equal(str(json_object_get(j, "origin"), "name"), "bedroomd");
		/* <prefix>/<component>/<node_id>/<object>/config */
		assert_int_equal(strncmp(e->topic, "homeassistant/", 14), 0);
		snprintf(want, sizeof(want), "/bed-1/%s/config", e->object);
		assert_non_null(strstr(e->topic, want));
		assert_string_equal(strstr(e->topic, want), want);
		assert_ptr_equal(ha_discovery_find(d, e->topic), e);
		json_decref(j);
	}
	ha_discovery_free(d);
}

static void test_climate_is_the_floor_within_its_bounds(void **state)
{
	struct ha_discovery *d = build(FULL);
	const char *topic;
	json_t *j = entity(d, "floor", &topic), *modes;

	(void) state;
	assert_string_equal(topic, "homeassistant/climate/bed-1/floor/config");
	assert_string_equal(str(j, "temperature_command_topic"), "bedroomd/bed-1/set/floor");
	assert_string_equal(str(j, "mode_command_topic"), "bedroomd/bed-1/set/mode");
	assert_string_equal(str(j, "temperature_state_topic"), "bedroomd/bed-1/state");
	assert_string_equal(str(j, "temperature_state_template"), "{{ value_json.floor }}");
	assert_string_equal(str(j, "action_template"), "{{ value_json.action }}");
	assert_true(json_real_value(json_object_get(j, "min_temp")) == 16.5);
	assert_true(json_real_value(json_object_get(j, "max_temp")) == 21.0);
	modes = json_object_get(j, "modes");
	assert_int_equal(json_array_size(modes), 2);
	assert_string_equal(json_string_value(json_array_get(modes, 0)), "heat");
	assert_string_equal(json_string_value(json_array_get(modes, 1)), "off");
	json_decref(j);
	ha_discovery_free(d);
}

/* What heating learned: a diagnostic sensor, how sure as its state, the rest as attributes. */
static void test_learned_is_a_diagnostic_sensor(void **state)
{
	struct ha_discovery *d = build(FULL);
	const char *topic;
	json_t *j = entity(d, "learned", &topic);

	(void) state;
	assert_string_equal(topic, "homeassistant/sensor/bed-1/learned/config");
	assert_string_equal(str(j, "entity_category"), "diagnostic");
	assert_string_equal(str(j, "state_topic"), "bedroomd/bed-1/state");
	assert_string_equal(str(j, "json_attributes_topic"), "bedroomd/bed-1/state");
	assert_non_null(strstr(str(j, "value_template"), "value_json.learned.sure"));
	assert_non_null(strstr(str(j, "json_attributes_template"), "value_json.learned"));
	assert_string_equal(str(j, "unit_of_measurement"), "%");
	json_decref(j);
	ha_discovery_free(d);
}

/*
 * The outdoor temperature heating uses: a diagnostic sensor, only where there is
 * one (an outdoor_topic) and a heater to use it.
 */
static void test_outdoor_is_a_diagnostic_sensor_with_a_topic_and_a_heater(void **state)
{
	struct ha_discovery *d = build(FULL), *no_heater;
	const char *topic;
	json_t *j;

	(void) state;
	assert_false(has(d, "outdoor"));
	ha_discovery_free(d);
	no_heater = build(HEAD "[heating]\noutdoor_topic = z2m/balcony\n");
	assert_false(has(no_heater, "outdoor"));
	ha_discovery_free(no_heater);
	d = build(HEAD "[heating]\noutdoor_topic = z2m/balcony\n"
		       "[heater.oil]\ntype = tasmota\ntopic = plug1\n");
	j = entity(d, "outdoor", &topic);
	assert_string_equal(topic, "homeassistant/sensor/bed-1/outdoor/config");
	assert_string_equal(str(j, "entity_category"), "diagnostic");
	assert_string_equal(str(j, "device_class"), "temperature");
	assert_string_equal(str(j, "unit_of_measurement"), "°C");
	assert_string_equal(str(j, "state_topic"), "bedroomd/bed-1/state");
	assert_string_equal(
	    str(j, "value_template"),
	    "{{ value_json.outdoor.temperature if value_json.outdoor else 'None' }}");
	assert_non_null(strstr(str(j, "json_attributes_template"), "value_json.outdoor.time"));
	assert_null(json_object_get(j, "state_class"));
	json_decref(j);
	ha_discovery_free(d);
}

/* What Home Assistant sends when a button is pressed is a cramp the daemon accepts. */
static void test_buttons_send_what_the_daemon_accepts(void **state)
{
	static const struct {
		const char *object, *leg;
	} buttons[] = { { "cramp", "unknown" },
			{ "cramp_left", "left" },
			{ "cramp_right", "right" } };
	struct ha_discovery *d = build(HEAD);

	(void) state;
	for (size_t i = 0; i < 3; i++) {
		const char *topic, *press;
		struct cramp_command c;
		char *rendered;
		json_t *j = entity(d, buttons[i].object, &topic);

		assert_int_equal(strncmp(topic, "homeassistant/button/", 21), 0);
		assert_string_equal(str(j, "command_topic"), "bedroomd/bed-1/cramp");
		assert_int_equal(json_integer_value(json_object_get(j, "qos")), 1);
		assert_true(json_is_false(json_object_get(j, "retain")));
		/* Pressable while bedroomd is offline: the press waits on the broker. */
		assert_null(json_object_get(j, "availability_topic"));
		press = str(j, "payload_press");
		assert_int_equal(cramp_command_parse(press, strlen(press), 1800000000, &c, NULL, 0),
				 0);
		assert_string_equal(c.leg, buttons[i].leg);
		assert_string_equal(c.source, "home_assistant");
		assert_true(c.time == 0);
		/* What Home Assistant sends: the template with now() rendered, here 10 min ago. */
		rendered =
		    render_now(str(j, "command_template"), "2027-01-15T07:50:00.123456+00:00");
		assert_int_equal(
		    cramp_command_parse(rendered, strlen(rendered), 1800000000, &c, NULL, 0), 0);
		assert_string_equal(c.leg, buttons[i].leg);
		assert_string_equal(c.source, "home_assistant");
		assert_true(c.time == 1800000000 - 600);
		free(rendered);
		json_decref(j);
	}
	ha_discovery_free(d);
}

static void test_events_make_an_event_type(void **state)
{
	struct ha_discovery *d = build(HEAD);
	json_t *cramp = entity(d, "cramp_event", NULL), *alert = entity(d, "alert_event", NULL);

	(void) state;
	assert_string_equal(str(cramp, "state_topic"), "bedroomd/bed-1/event/cramp");
	assert_string_equal(str(alert, "state_topic"), "bedroomd/bed-1/event/alert");
	assert_non_null(strstr(str(cramp, "value_template"), "'event_type':"));
	assert_non_null(strstr(str(alert, "value_template"), "'event_type': value_json.state"));
	assert_int_equal(json_array_size(json_object_get(cramp, "event_types")), 3);
	assert_non_null(
	    strstr(str(cramp, "value_template"), "'amended_cramp' if value_json.amended"));
	assert_int_equal(json_array_size(json_object_get(alert, "event_types")), 3);
	json_decref(cramp);
	json_decref(alert);
	ha_discovery_free(d);
}

/* No heater, no thermometer, no mat: no climate, no model, no room temperature, no "in bed". */
static void test_entities_follow_the_hardware(void **state)
{
	struct ha_discovery *d = build(HEAD);
	json_t *j;

	(void) state;
	assert_false(has(d, "floor"));
	assert_false(has(d, "learned"));
	assert_false(has(d, "temperature"));
	assert_false(has(d, "in_bed"));
	assert_true(has(d, "problem"));
	assert_true(has(d, "cramps_7d"));
	j = entity(d, "last_cramp", NULL);
	assert_string_equal(str(j, "device_class"), "timestamp");
	json_decref(j);
	ha_discovery_free(d);
}

static void test_prefix_name_and_base_topic_come_from_the_config(void **state)
{
	struct ha_discovery *d = build(
	    HEAD "[mqtt]\nbase_topic = home/bed\n"
		 "[homeassistant]\ndiscovery_prefix = ha\ndevice_name = Grandma's \"room\"\n");
	const char *topic;
	json_t *j = entity(d, "cramp", &topic);

	(void) state;
	assert_string_equal(topic, "ha/button/bed-1/cramp/config");
	assert_string_equal(str(j, "command_topic"), "home/bed/cramp");
	assert_string_equal(str(json_object_get(j, "device"), "name"), "Grandma's \"room\"");
	json_decref(j);
	ha_discovery_free(d);
}

/*
 * A reminder that is sent: when it is next due, and buttons that send what the
 * daemon takes as an answer; one switched off has none. The reminder events
 * become event types.
 */
static void test_reminders(void **state)
{
	struct ha_discovery *d = build(HEAD "[reminder.foot_soak]\n"
					    "[reminder.magnesium]\nat = 22:00\nmessage = Now.\n"
					    "title = Magnesium\n"
					    "[reminder.stretch]\nenabled = no\n"
					    "[reminder.morning]\n");
	json_t *next = entity(d, "reminder_foot_soak_next", NULL), *ev;
	static const char *const buttons[] = { "foot_soak_started", "foot_soak_done",
					       "magnesium_done" };

	(void) state;
	assert_string_equal(str(next, "device_class"), "timestamp");
	assert_string_equal(str(next, "state_topic"), "bedroomd/bed-1/state");
	assert_non_null(strstr(str(next, "value_template"), "reminders['foot_soak'].next"));
	json_decref(next);
	next = entity(d, "reminder_magnesium_next", NULL);
	assert_string_equal(str(next, "name"), "Next reminder: Magnesium");
	json_decref(next);
	assert_true(has(d, "reminder_morning_next"));
	assert_false(has(d, "reminder_stretch_next"));
	assert_false(has(d, "stretch_done"));
	assert_false(has(d, "magnesium_started")); /* no timer */
	assert_false(has(d, "morning_done"));
	for (size_t i = 0; i < sizeof(buttons) / sizeof(buttons[0]); i++) {
		json_t *j = entity(d, buttons[i], NULL);
		struct reminder_command c;
		const char *press = str(j, "payload_press");
		char topic[64];

		snprintf(topic, sizeof(topic), "bedroomd/bed-1/reminder/%.*s",
			 (int) (strrchr(buttons[i], '_') - buttons[i]), buttons[i]);
		assert_string_equal(str(j, "command_topic"), topic);
		assert_int_equal(json_integer_value(json_object_get(j, "qos")), 1);
		assert_true(json_is_false(json_object_get(j, "retain")));
		assert_null(json_object_get(j, "availability_topic"));
		assert_int_equal(
		    reminder_command_parse(press, strlen(press), REMINDER_KIND_TASK, &c, NULL), 0);
		assert_false(c.has_id);
		json_decref(j);
	}
	ev = entity(d, "reminder_event", NULL);
	assert_string_equal(str(ev, "state_topic"), "bedroomd/bed-1/event/reminder");
	assert_int_equal(json_array_size(json_object_get(ev, "event_types")), 5);
	assert_non_null(strstr(str(ev, "value_template"), "'event_type': value_json.state"));
	json_decref(ev);
	ha_discovery_free(d);
}

/*
 * What Home Assistant drops from json_attributes (MQTT_ATTRIBUTES_BLOCKED in
 * homeassistant/components/mqtt/entity.py): an attribute of such a name never
 * shows, silently.
 */
static const char *const blocked_attributes[] = {
	"assumed_state",
	"available",
	"device_class",
	"device_info",
	"entity_category",
	"entity_picture",
	"entity_registry_enabled_default",
	"extra_state_attributes",
	"force_update",
	"icon",
	"name",
	"friendly_name",
	"should_poll",
	"state",
	"supported_features",
	"unique_id",
	"unit_of_measurement",
};

/*
 * Every json_attributes_template names its keys ('key': ...), none blocked,
 * or passes on an object of <base>/state whose keys are known here to be
 * none of them (learned's: heater_gain_k_per_h, ..., sure). A reminder's run
 * has a "state": it goes as run_state.
 */
static void test_no_attribute_is_one_home_assistant_drops(void **state)
{
	struct ha_discovery *d = build(HEAD "[heating]\noutdoor_topic = weather/out\n"
					    "[heater.oil]\ntype = tasmota\ntopic = plug1\n"
					    "[reminder.foot_soak]\n[reminder.morning]\n");
	size_t n = 0;

	(void) state;
	for (size_t i = 0; i < d->n_entities; i++) {
		json_t *j = json_loads(d->entities[i].payload, 0, NULL);
		const char *t = json_string_value(json_object_get(j, "json_attributes_template"));

		if (t) {
			n++;
			for (size_t k = 0;
			     k < sizeof(blocked_attributes) / sizeof(blocked_attributes[0]); k++) {
				char key[64];

				snprintf(key, sizeof(key), "'%s':", blocked_attributes[k]);
				if (strstr(t, key))
					fail_msg("%s: attribute %s", d->entities[i].object, key);
			}
			/* A whole reminder run would bring its "state" along. */
			assert_null(strstr(t, "'] | tojson"));
		}
		json_decref(j);
	}
	assert_int_equal(n, 5); /* learned, outdoor, problem, two reminders */
	{
		json_t *next = entity(d, "reminder_foot_soak_next", NULL);
		const char *t = str(next, "json_attributes_template");

		assert_non_null(strstr(t, "value_json.reminders['foot_soak']"));
		assert_non_null(strstr(t, "'run_state': r.state"));
		for (size_t k = 0; k < 4; k++)
			assert_non_null(
			    strstr(t, (const char *[]){ "'id': r.id", "'attempt': r.attempt",
							"'ends': r.ends", "'next': r.next" }[k]));
		json_decref(next);
	}
	ha_discovery_free(d);
}

/* Whether @s is well-formed UTF-8, as jansson and Home Assistant want it. */
static bool is_utf8(const char *s)
{
	json_t *j = json_string(s);
	bool ok = j != NULL;

	json_decref(j);
	return ok;
}

/*
 * A title longer than a label holds, with a two-byte 'ä' where it is cut:
 * the label is cut before the character (an ellipsis says so), the action of
 * an answer button is kept, and every entity is announced.
 */
static void test_a_long_title_is_cut_on_a_character(void **state)
{
	char text[1024], title[400];
	struct ha_discovery *d;
	json_t *j;
	const char *name;

	(void) state;
	for (size_t cut = 140; cut < 150; cut++) {
		/* "Next reminder: " is 15 bytes: the 160th byte of the label falls at every offset.
		 */
		memset(title, 'x', cut);
		snprintf(title + cut, sizeof(title) - cut, "ärztlich empfohlen – ärztlich");
		snprintf(text, sizeof(text),
			 HEAD "[reminder.foot_soak]\ntitle = %s\n[reminder.magnesium]\nat = 22:15\n"
			      "message = Now.\ntitle = %s\n",
			 title, title);
		d = build(text);
		assert_int_equal(d->n_left_out, 0);
		j = entity(d, "reminder_magnesium_next", NULL);
		name = str(j, "name");
		assert_true(is_utf8(name));
		assert_true(strlen(name) <= 160);
		assert_int_equal(strncmp(name, "Next reminder: xxx", 18), 0);
		assert_string_equal(name + strlen(name) - strlen("…"), "…");
		json_decref(j);
		j = entity(d, "foot_soak_done", NULL);
		name = str(j, "name");
		assert_true(strlen(name) <= 160);
		assert_string_equal(name + strlen(name) - strlen("… done"), "… done");
		json_decref(j);
		assert_true(has(d, "foot_soak_started"));
		assert_true(has(d, "magnesium_done"));
		ha_discovery_free(d);
	}
	/* One that fits stays whole. */
	d = build(HEAD
		  "[reminder.magnesium]\nat = 22:15\nmessage = Now.\ntitle = Magnesium nehmen – "
		  "ärztlich empfohlen\n");
	j = entity(d, "reminder_magnesium_next", NULL);
	assert_string_equal(str(j, "name"), "Next reminder: Magnesium nehmen – ärztlich empfohlen");
	json_decref(j);
	ha_discovery_free(d);
}

/*
 * Text jansson refuses (here a Latin-1 title the configuration would now
 * refuse too): that reminder's entities are left out, and said; every other
 * entity is announced, and the build does not fail (it did: bedroomd would
 * not start).
 */
static void test_an_entity_that_cannot_be_built_is_left_out(void **state)
{
	struct config *c =
	    load(FULL "[reminder.foot_soak]\n[reminder.magnesium]\nat = 22:15\nmessage = Now.\n");
	struct ha_discovery *d = NULL;

	(void) state;
	for (size_t i = 0; i < c->n_reminders; i++)
		if (strcmp(c->reminders[i].name, "magnesium") == 0) {
			free(c->reminders[i].title);
			c->reminders[i].title = strdup("Magnesium f\xfcr die Waden");
			assert_non_null(c->reminders[i].title);
		}
	assert_int_equal(ha_discovery_build(c, "9.8.7", &d), 0);
	assert_non_null(d);
	assert_false(has(d, "reminder_magnesium_next"));
	assert_false(has(d, "magnesium_done"));
	assert_true(has(d, "floor"));
	assert_true(has(d, "cramp"));
	assert_true(has(d, "reminder_foot_soak_next"));
	assert_true(has(d, "foot_soak_done"));
	assert_int_equal(d->n_left_out, 2);
	assert_non_null(strstr(d->left_out[0], "'reminder_magnesium_next'"));
	assert_non_null(strstr(d->left_out[0], "UTF-8"));
	assert_non_null(strstr(d->left_out[1], "'magnesium_done'"));
	ha_discovery_free(d);
	config_free(c);
}

static void test_discovery_off_announces_nothing(void **state)
{
	struct ha_discovery *d = build(FULL "[homeassistant]\ndiscovery = no\n");

	(void) state;
	assert_int_equal(d->n_entities, 0);
	assert_null(ha_discovery_find(d, "homeassistant/button/bed-1/cramp/config"));
	ha_discovery_free(d);
	assert_null(ha_discovery_free(NULL));
}

/* What the daemon's sweep and bedroomctl ha-remove may take out: only configs bedroomd made. */
static void test_ours_is_what_bedroomd_announced_for_the_node(void **state)
{
	struct ha_discovery *d = build(FULL);
	static const char *foreign[] = {
		/* ESPHome's device of the same name */
		"{\"unique_id\":\"bed-1_temp\",\"device\":{\"identifiers\":[\"bed-1\"]}}",
		/* our device's id, someone else's entity */
		"{\"unique_id\":\"esp_temp\",\"device\":{\"identifiers\":[\"bedroomd_bed-1\"]}}",
		/* a node_id that starts with ours */
		"{\"unique_id\":\"bedroomd_bed-10_floor\",\"device\":{\"identifiers\":"
		"\"bedroomd_bed-10\"}}",
		/* our unique_id, another device */
		"{\"unique_id\":\"bedroomd_bed-1_floor\",\"device\":{\"identifiers\":[\"x\"]}}",
		"not json",
		"[]",
	};
	static const char abbreviated[] = "{\"uniq_id\":\"bedroomd_bed-1_floor\",\"dev\":{},"
					  "\"device\":{\"identifiers\":\"bedroomd_bed-1\"}}";
	char *huge = NULL;

	(void) state;
	assert_true(d->n_entities > 0);
	for (size_t i = 0; i < d->n_entities; i++) {
		const char *p = d->entities[i].payload;

		assert_true(ha_discovery_is_ours(p, strlen(p), "bed-1"));
		assert_false(ha_discovery_is_ours(p, strlen(p), "bed"));
		assert_false(ha_discovery_is_ours(p, strlen(p), "bed-10"));
	}
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
		assert_false(ha_discovery_is_ours(foreign[i], strlen(foreign[i]), "bed-1"));
	assert_true(ha_discovery_is_ours(abbreviated, strlen(abbreviated), "bed-1"));
	assert_false(ha_discovery_is_ours("", 0, "bed-1"));
	/* A config far larger than any bedroomd makes is not read at all. */
	assert_true(asprintf(&huge,
			     "{\"unique_id\":\"bedroomd_bed-1_floor\",\"device\":{"
			     "\"identifiers\":\"bedroomd_bed-1\"},\"pad\":\"%020000d\"}",
			     0) > 0);
	assert_false(ha_discovery_is_ours(huge, strlen(huge), "bed-1"));
	free(huge);
	ha_discovery_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_configuration_gives_every_entity),
		cmocka_unit_test(test_reminders),
		cmocka_unit_test(test_every_config_names_device_origin_and_availability),
		cmocka_unit_test(test_climate_is_the_floor_within_its_bounds),
		cmocka_unit_test(test_learned_is_a_diagnostic_sensor),
		cmocka_unit_test(test_outdoor_is_a_diagnostic_sensor_with_a_topic_and_a_heater),
		cmocka_unit_test(test_buttons_send_what_the_daemon_accepts),
		cmocka_unit_test(test_events_make_an_event_type),
		cmocka_unit_test(test_entities_follow_the_hardware),
		cmocka_unit_test(test_prefix_name_and_base_topic_come_from_the_config),
		cmocka_unit_test(test_discovery_off_announces_nothing),
		cmocka_unit_test(test_ours_is_what_bedroomd_announced_for_the_node),
		cmocka_unit_test(test_no_attribute_is_one_home_assistant_drops),
		cmocka_unit_test(test_a_long_title_is_cut_on_a_character),
		cmocka_unit_test(test_an_entity_that_cannot_be_built_is_left_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
