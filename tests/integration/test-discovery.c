/*
 * Home Assistant discovery, end to end, with the real bedroomd and a real
 * mosquitto. The test plays Home Assistant: it reads the retained configs,
 * presses the buttons and sets the climate the way Home Assistant would (by
 * publishing what the configs say to where they say), says "online" on the
 * status topic, and checks a reload and discovery = no.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define N_OBJECTS 14

/* What the test's configuration announces: component and object. */
static const char *const objects[N_OBJECTS][2] = {
	{ "climate", "floor" },
	{ "sensor", "cramps_7d" },
	{ "sensor", "last_cramp" },
	{ "binary_sensor", "problem" },
	{ "binary_sensor", "heater_oil" },
	{ "button", "cramp" },
	{ "button", "cramp_left" },
	{ "button", "cramp_right" },
	{ "event", "cramp_event" },
	{ "event", "alert_event" },
	{ "binary_sensor", "in_bed" },
	{ "button", "foot_soak_done" },
	{ "event", "reminder_event" },
	{ "sensor", "outdoor" },
};

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char node[32];
	char base[64];
	char state_topic[96];
	char config_text[2048];
};

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

/* The configuration: one heater, an outdoor thermometer, one bed mat, and @extra at the end. */
static int write_config(struct fixture *f, bool heater, const char *extra)
{
	snprintf(f->config_text, sizeof(f->config_text),
		 "[daemon]\nnode_id = %s\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[heating]\nday_floor = 18\noutdoor_topic = %s/outdoor\n"
		 "[cramps]\ndedup_window = 0\n"
		 "[input.mat]\ntype = mqtt\nrole = occupancy\ntopic = %s/mat\n"
		 "%s%s%s",
		 f->node, f->broker.port, f->node, f->base,
		 heater ? "[heater.oil]\ntype = tasmota\ntopic = plug-" : "", heater ? f->node : "",
		 heater ? "\n" : "");
	if (extra)
		strncat(f->config_text, extra, sizeof(f->config_text) - strlen(f->config_text) - 1);
	return daemon_write_config(&f->daemon, f->config_text);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->node, sizeof(f->node), "ha%d", (int) getpid());
	snprintf(f->base, sizeof(f->base), "bedroomd/%s", f->node);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0 ||
	    write_config(f, true, NULL) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

static void start(struct fixture *f)
{
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
}

/* The config topic of object @i of the device of @node under @prefix. */
static void config_topic_of(const char *prefix, const char *node, size_t i, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/%s/%s/config", prefix, objects[i][0], node, objects[i][1]);
}

static void config_topic(const struct fixture *f, size_t i, char *buf, size_t size)
{
	config_topic_of("homeassistant", f->node, i, buf, size);
}

/* Waits for the config of object @i and returns it parsed (the caller frees). */
static json_t *wait_config(struct fixture *f, size_t i)
{
	const struct message *m;
	char topic[160];
	json_t *j;

	config_topic(f, i, topic, sizeof(topic));
	m = client_wait(f->client, topic, "~{", 10000);
	if (!m)
		fail_msg("no config on '%s'", topic);
	j = json_loads(m->payload, 0, NULL);
	if (!j)
		fail_msg("'%s' is not JSON: %s", topic, m->payload);
	return j;
}

static const char *str(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	if (!s)
		fail_msg("no string '%s'", key);
	return s;
}

/* Lets messages arrive for @ms; returns how many discovery configs arrived below @prefix. */
static size_t count_below(struct fixture *f, const char *prefix, int ms)
{
	const struct message *msgs;
	size_t n, count = 0;

	(void) client_wait(f->client, "-", NULL, ms);
	n = client_messages(f->client, &msgs);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(msgs[i].topic);

		count += strncmp(msgs[i].topic, prefix, strlen(prefix)) == 0 && len > 7 &&
			 strcmp(msgs[i].topic + len - 7, "/config") == 0;
	}
	return count;
}

static void test_every_config_is_retained_json_of_one_device(void **state)
{
	struct fixture *f = *state;
	struct client *fresh = NULL;
	char want[160];

	start(f);
	for (size_t i = 0; i < N_OBJECTS; i++) {
		json_t *j = wait_config(f, i), *device = json_object_get(j, "device");

		snprintf(want, sizeof(want), "bedroomd_%s_%s", f->node, objects[i][1]);
		assert_string_equal(str(j, "unique_id"), want);
		snprintf(want, sizeof(want), "%s/availability", f->base);
		/* Buttons whose QoS 1 press waits on the broker: pressable while bedroomd is off.
		 */
		if (strcmp(objects[i][0], "button") == 0)
			assert_null(json_object_get(j, "availability_topic"));
		else
			assert_string_equal(str(j, "availability_topic"), want);
		snprintf(want, sizeof(want), "bedroomd_%s", f->node);
		assert_string_equal(
		    json_string_value(json_array_get(json_object_get(device, "identifiers"), 0)),
		    want);
		assert_string_equal(str(device, "manufacturer"), "bedroomd");
		assert_non_null(json_object_get(device, "sw_version"));
		assert_string_equal(str(json_object_get(j, "origin"), "name"), "bedroomd");
		json_decref(j);
	}
	/* No thermometer configured: no room temperature sensor. */
	snprintf(want, sizeof(want), "homeassistant/sensor/%s/temperature/config", f->node);
	assert_null(client_wait(f->client, want, NULL, 200));

	/* Retained: a Home Assistant that starts later finds them all. */
	assert_int_equal(client_new(&f->broker, "homeassistant/#", &fresh), 0);
	for (size_t i = 0; i < N_OBJECTS; i++) {
		const struct message *m;

		config_topic(f, i, want, sizeof(want));
		m = client_wait(fresh, want, "~{", 5000);
		if (!m || !m->retained)
			fail_msg("'%s' is not retained", want);
	}
	client_free(fresh);
}

/* @template as Home Assistant renders it at a press @ago_s seconds ago (UTC, microseconds). */
static char *rendered_press(const char *template, time_t ago_s)
{
	static const char call[] = "{{ now().isoformat() }}";
	const char *at = strstr(template, call);
	time_t t = time(NULL) - ago_s;
	char now[48];
	struct tm tm;
	char *out;

	assert_non_null(at);
	assert_non_null(gmtime_r(&t, &tm));
	assert_true(strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S.123456+00:00", &tm) > 0);
	assert_true(asprintf(&out, "%.*s%s%s", (int) (at - template), template, now,
			     at + strlen(call)) > 0);
	return out;
}

/*
 * Presses each button as Home Assistant does: its command_template, rendered,
 * to its command_topic. The left leg's press was held by the broker for 20
 * minutes (bedroomd away): the cramp keeps the time of the press.
 */
static void test_buttons_log_cramps(void **state)
{
	static const struct {
		size_t object;
		const char *leg;
		time_t ago_s;
	} buttons[] = { { 6, "left", 20 * 60 }, { 7, "right", 0 }, { 5, "unknown", 0 } };
	struct fixture *f = *state;
	char event_topic[128], want[64], *log;
	const char *first;

	snprintf(event_topic, sizeof(event_topic), "%s/event/cramp", f->base);
	json_t *configs[3];

	start(f);
	for (size_t i = 0; i < 3; i++)
		configs[i] = wait_config(f, buttons[i].object);
	for (size_t i = 0; i < sizeof(buttons) / sizeof(buttons[0]); i++) {
		json_t *j = configs[i];
		char *press = rendered_press(str(j, "command_template"), buttons[i].ago_s);
		const struct message *m;

		/* A leg-less report within the same second is the same cramp as the last one. */
		usleep(1100000);
		client_clear(f->client);
		assert_int_equal(client_publish(f->client, str(j, "command_topic"), press, false),
				 0);
		snprintf(want, sizeof(want), "~\"leg\":\"%s\"", buttons[i].leg);
		m = client_wait(f->client, event_topic, want, 10000);
		if (!m)
			fail_msg("pressing '%s' logged no cramp of leg %s (sent %s)",
				 objects[buttons[i].object][1], buttons[i].leg, press);
		assert_non_null(strstr(m->payload, "\"source\":\"home_assistant\""));
		if (buttons[i].ago_s)
			assert_int_equal(
			    daemon_wait_log(&f->daemon, "20 min ago: it keeps its own time", 5000),
			    0);
		free(press);
		json_decref(j);
	}
	/* The presses in time were cramps now, not at Home Assistant's (same) clock. */
	log = daemon_stderr(&f->daemon);
	assert_non_null(log);
	first = strstr(log, "min ago: it keeps its own time");
	assert_non_null(first);
	assert_null(strstr(first + 1, "min ago: it keeps its own time"));
	free(log);
}

/* The foot-soak button answers the foot-soak reminder, kept for the cramp log. */
static void test_foot_soak_button(void **state)
{
	struct fixture *f = *state;
	char extra[64], at[16];
	json_t *j;

	/* Due in an hour: an answer is taken from 4 h before a run to 16 h after it. */
	local_time_in(3600, at, sizeof(at));
	snprintf(extra, sizeof(extra), "[reminder.foot_soak]\nat = %s\n", at);
	assert_int_equal(write_config(f, true, extra), 0);
	start(f);
	j = wait_config(f, 11);
	assert_int_equal(
	    client_publish(f->client, str(j, "command_topic"), str(j, "payload_press"), false), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "reminder foot_soak: done", 10000), 0);
	json_decref(j);
}

static void test_climate_sets_floor_and_mode(void **state)
{
	struct fixture *f = *state;
	json_t *j;

	start(f);
	j = wait_config(f, 0);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"floor\":18", 10000));
	assert_string_equal(str(j, "temperature_state_topic"), f->state_topic);
	assert_int_equal(
	    client_publish(f->client, str(j, "temperature_command_topic"), "20.5", false), 0);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"floor\":20.5", 10000));
	assert_int_equal(client_publish(f->client, str(j, "mode_command_topic"), "off", false), 0);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"mode\":\"off\"", 10000));
	json_decref(j);
}

static void test_home_assistant_online_reannounces(void **state)
{
	struct fixture *f = *state;
	char topic[160];

	start(f);
	json_decref(wait_config(f, N_OBJECTS - 1));
	(void) count_below(f, "homeassistant/", 300);
	client_clear(f->client);
	/* Home Assistant going away says nothing to us. */
	assert_int_equal(client_publish(f->client, "homeassistant/status", "offline", false), 0);
	assert_int_equal(count_below(f, "homeassistant/button/", 1000), 0);
	/* Its birth message after a restart: everything again. */
	assert_int_equal(client_publish(f->client, "homeassistant/status", "online", false), 0);
	for (size_t i = 0; i < N_OBJECTS; i++) {
		config_topic(f, i, topic, sizeof(topic));
		if (!client_wait(f->client, topic, "~{", 10000))
			fail_msg("'%s' was not announced again", topic);
	}
	/* A flood of birth messages (an automation's loop) is not a flood of configs. */
	(void) count_below(f, "homeassistant/", 300);
	client_clear(f->client);
	for (int i = 0; i < 20; i++)
		assert_int_equal(client_publish(f->client, "homeassistant/status", "online", false),
				 0);
	assert_int_equal(count_below(f, "homeassistant/", 1500), 0);
}

/*
 * The outdoor temperature heating uses, a diagnostic sensor: its template reads
 * what the state carries (the value; when it came as an attribute).
 */
static void test_outdoor_sensor_reads_the_state(void **state)
{
	struct fixture *f = *state;
	char topic[96];
	json_t *j;

	start(f);
	j = wait_config(f, N_OBJECTS - 1);
	assert_string_equal(str(j, "entity_category"), "diagnostic");
	assert_string_equal(str(j, "device_class"), "temperature");
	assert_string_equal(str(j, "state_topic"), f->state_topic);
	assert_non_null(strstr(str(j, "value_template"), "value_json.outdoor.temperature"));
	assert_non_null(strstr(str(j, "json_attributes_template"), "value_json.outdoor.time"));
	assert_null(
	    json_object_get(j, "state_class")); /* the thermometer's own keeps the history */
	json_decref(j);
	snprintf(topic, sizeof(topic), "%s/outdoor", f->node);
	assert_int_equal(client_publish(f->client, topic, "-5", false), 0);
	assert_non_null(client_wait(f->client, f->state_topic,
				    "~\"outdoor\":{\"temperature\":-5.0,\"time\":\"", 10000));
}

/* A reload without the heater: the climate and the heater's sensor go from Home Assistant. */
static void test_reload_removes_what_is_gone(void **state)
{
	struct fixture *f = *state;
	char climate[160], heater[160], button[160], outdoor[160];
	const struct message *msgs;
	struct client *fresh = NULL;
	size_t n;

	config_topic(f, N_OBJECTS - 1, outdoor, sizeof(outdoor));
	config_topic(f, 0, climate, sizeof(climate));
	config_topic(f, 4, heater, sizeof(heater));
	config_topic(f, 5, button, sizeof(button));
	start(f);
	assert_non_null(client_wait(f->client, climate, "~{", 10000));
	assert_non_null(client_wait(f->client, heater, "~{", 10000));
	assert_non_null(client_wait(f->client, button, "~{", 10000));
	client_clear(f->client);
	assert_int_equal(write_config(f, false, NULL), 0);
	kill(f->daemon.pid, SIGHUP);
	assert_int_equal(daemon_wait_notify(&f->daemon, "RELOADING=1", 10000), 0);
	assert_non_null(client_wait(f->client, climate, "", 10000));
	assert_non_null(client_wait(f->client, heater, "", 10000));
	/* Without a heater the outdoor temperature is used by nothing: gone too. */
	assert_non_null(client_wait(f->client, outdoor, "", 10000));
	/* The rest stays. */
	assert_non_null(client_wait(f->client, button, "~{", 10000));
	assert_null(client_wait(f->client, climate, "~{", 500));

	/* Home Assistant starting now finds no retained climate config. */
	assert_int_equal(client_new(&f->broker, "homeassistant/#", &fresh), 0);
	assert_non_null(client_wait(fresh, button, "~{", 5000));
	n = client_messages(fresh, &msgs);
	for (size_t i = 0; i < n; i++)
		if (strcmp(msgs[i].topic, climate) == 0 || strcmp(msgs[i].topic, heater) == 0)
			fail_msg("'%s' is still retained", msgs[i].topic);
	client_free(fresh);
}

/*
 * The heater goes while bedroomd is stopped: on start it finds the climate
 * config it left on the broker and removes it, but not another device's config
 * under the same node_id.
 */
static void test_start_removes_what_the_config_lost(void **state)
{
	struct fixture *f = *state;
	char climate[160], foreign[160];
	struct client *fresh = NULL;
	const struct message *m;

	config_topic(f, 0, climate, sizeof(climate));
	snprintf(foreign, sizeof(foreign), "homeassistant/sensor/%s/esp_temp/config", f->node);
	start(f);
	assert_non_null(client_wait(f->client, climate, "~{", 10000));
	assert_int_equal(client_publish(f->client, foreign,
					"{\"unique_id\":\"esphome_temp\",\"state_topic\":\"x\"}",
					true),
			 0);
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	assert_int_equal(write_config(f, false, NULL), 0);
	client_clear(f->client);
	start(f);
	assert_non_null(client_wait(f->client, climate, "", 10000));

	assert_int_equal(client_new(&f->broker, "homeassistant/#", &fresh), 0);
	m = client_wait(fresh, foreign, NULL, 5000);
	assert_non_null(m);
	assert_true(m->retained);
	assert_null(client_wait(fresh, climate, NULL, 300));
	client_free(fresh);
}

/*
 * Waits until @c saw every config of the device of @node under @prefix with
 * @payload (as client_wait() takes it: "~{" announced, "" removed).
 */
static void wait_device(struct client *c, const char *prefix, const char *node, const char *payload)
{
	char topic[160];

	for (size_t i = 0; i < N_OBJECTS; i++) {
		config_topic_of(prefix, node, i, topic, sizeof(topic));
		if (!client_wait(c, topic, payload, 15000))
			fail_msg("no '%s' on '%s'", payload, topic);
	}
}

/*
 * What another device (ESPHome's, under the same node id) announced under
 * @prefix for @node: one with its own unique_id, one with a bedroomd-like
 * unique_id but its own device. Returns their topics in @topics.
 */
static void publish_foreign(struct fixture *f, const char *prefix, const char *node,
			    char topics[2][160])
{
	char payload[256];

	snprintf(topics[0], 160, "%s/sensor/%s/esp_temp/config", prefix, node);
	assert_int_equal(client_publish(f->client, topics[0],
					"{\"unique_id\":\"esphome_temp\",\"state_topic\":\"x\","
					"\"device\":{\"identifiers\":[\"esphome_temp\"]}}",
					true),
			 0);
	snprintf(topics[1], 160, "%s/sensor/%s/esp_hum/config", prefix, node);
	snprintf(payload, sizeof(payload),
		 "{\"unique_id\":\"bedroomd_%s_hum\",\"state_topic\":\"x\","
		 "\"device\":{\"identifiers\":\"esphome_%s\"}}",
		 node, node);
	assert_int_equal(client_publish(f->client, topics[1], payload, true), 0);
}

/*
 * Whether the broker holds (retained) a config of the device of @node under
 * @prefix, and the two of publish_foreign(), as a Home Assistant that starts
 * now would find them.
 */
static void check_retained(struct fixture *f, const char *prefix, const char *node,
			   char foreign[2][160])
{
	const struct message *msgs;
	struct client *fresh = NULL;
	char filter[96];
	size_t n;

	snprintf(filter, sizeof(filter), "%s/#", prefix);
	assert_int_equal(client_new(&f->broker, filter, &fresh), 0);
	for (size_t i = 0; i < 2; i++) {
		const struct message *m = client_wait(fresh, foreign[i], "~{", 5000);

		if (!m || !m->retained)
			fail_msg("another device's '%s' is gone", foreign[i]);
	}
	(void) client_wait(fresh, "-", NULL, 300);
	n = client_messages(fresh, &msgs);
	for (size_t i = 0; i < n; i++) {
		char topic[160];

		for (size_t j = 0; j < N_OBJECTS; j++) {
			config_topic_of(prefix, node, j, topic, sizeof(topic));
			if (strcmp(msgs[i].topic, topic) == 0)
				fail_msg("'%s' of the old device is still retained", topic);
		}
	}
	client_free(fresh);
}

/* How many entities bedroomd said it announced (the objects above and more). */
static int announced(struct fixture *f)
{
	char *log = daemon_stderr(&f->daemon), *at;
	int n = -1;

	assert_non_null(log);
	at = strstr(log, "announced ");
	if (!at || sscanf(at, "announced %d entities", &n) != 1)
		fail_msg("bedroomd did not say how many entities it announced");
	free(log);
	return n;
}

/*
 * Waits until the store keeps the device of @node under @prefix as the one
 * announced last (the next start has nothing to sweep).
 */
static void wait_kept(struct fixture *f, const char *prefix, const char *node)
{
	char db[192], where[256];
	long long until = now_ms() + 5000;

	snprintf(db, sizeof(db), "%s/bedroomd.db", f->daemon.state_dir);
	snprintf(where, sizeof(where),
		 "(key = 'homeassistant.announced_prefix' AND value = '%s') OR "
		 "(key = 'homeassistant.announced_node_id' AND value = '%s')",
		 prefix, node);
	while (store_count_rows(db, "settings", where) != 2) {
		if (now_ms() > until)
			fail_msg("the store does not keep '%s' under '%s'", node, prefix);
		usleep(50000);
	}
}

/* Stops bedroomd (SIGTERM) and waits until it is gone. */
static void stop(struct fixture *f)
{
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
}

/*
 * node_id changes while bedroomd is stopped (the Pi renamed): at start the
 * device it announced before leaves Home Assistant (every config emptied) and
 * the new one comes; another device's configs under the old node id stay.
 */
static void test_start_removes_the_device_of_an_old_node_id(void **state)
{
	struct fixture *f = *state;
	char old[32], foreign[2][160], said[256];

	start(f);
	wait_device(f->client, "homeassistant", f->node, "~{");
	publish_foreign(f, "homeassistant", f->node, foreign);
	stop(f);
	snprintf(old, sizeof(old), "%s", f->node);
	snprintf(f->node, sizeof(f->node), "%.30sb", old);
	snprintf(f->base, sizeof(f->base), "bedroomd/%s", f->node);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	assert_int_equal(write_config(f, true, NULL), 0);
	client_clear(f->client);
	start(f);
	wait_device(f->client, "homeassistant", f->node, "~{");
	wait_device(f->client, "homeassistant", old, "");
	snprintf(said, sizeof(said),
		 "removed %d entities of the old Home Assistant device '%s' (node_id changed to "
		 "'%s')",
		 announced(f), old, f->node);
	assert_int_equal(daemon_wait_log(&f->daemon, said, 15000), 0);
	check_retained(f, "homeassistant", old, foreign);
	wait_kept(f, "homeassistant", f->node);
}

/* The same for a discovery_prefix changed while bedroomd is stopped. */
static void test_start_removes_the_device_of_an_old_prefix(void **state)
{
	struct fixture *f = *state;
	char foreign[2][160], said[256];

	assert_int_equal(write_config(f, true, "[homeassistant]\ndiscovery_prefix = hass/disc\n"),
			 0);
	start(f);
	wait_device(f->client, "hass/disc", f->node, "~{");
	publish_foreign(f, "hass/disc", f->node, foreign);
	stop(f);
	assert_int_equal(write_config(f, true, NULL), 0);
	client_clear(f->client);
	start(f);
	wait_device(f->client, "homeassistant", f->node, "~{");
	wait_device(f->client, "hass/disc", f->node, "");
	snprintf(said, sizeof(said),
		 "removed %d entities of the Home Assistant device '%s' under the old "
		 "discovery_prefix 'hass/disc' (changed to 'homeassistant')",
		 announced(f), f->node);
	assert_int_equal(daemon_wait_log(&f->daemon, said, 15000), 0);
	check_retained(f, "hass/disc", f->node, foreign);
	wait_kept(f, "homeassistant", f->node);
}

/* Sends SIGHUP and waits until bedroomd said it reloaded (@n times in all). */
static void reload(struct fixture *f, int n)
{
	long long until = now_ms() + 10000;

	kill(f->daemon.pid, SIGHUP);
	while (daemon_log_count(&f->daemon, "reloaded '") < n) {
		if (now_ms() > until)
			fail_msg("bedroomd did not reload");
		usleep(50000);
	}
}

/*
 * Discovery turned off by a reload, then on again under another node_id: the
 * device announced before (the store remembers it) leaves Home Assistant, as
 * it would at a start, and the store then keeps the new one.
 */
static void test_reload_off_then_on_removes_the_device_of_an_old_node_id(void **state)
{
	struct fixture *f = *state;
	char old[32], foreign[2][160];

	start(f);
	wait_device(f->client, "homeassistant", f->node, "~{");
	wait_kept(f, "homeassistant", f->node);
	publish_foreign(f, "homeassistant", f->node, foreign);
	assert_int_equal(write_config(f, true, "[homeassistant]\ndiscovery = no\n"), 0);
	reload(f, 1);
	snprintf(old, sizeof(old), "%s", f->node);
	snprintf(f->node, sizeof(f->node), "%.30sb", old);
	snprintf(f->base, sizeof(f->base), "bedroomd/%s", f->node);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	assert_int_equal(write_config(f, true, NULL), 0);
	client_clear(f->client);
	reload(f, 2);
	wait_device(f->client, "homeassistant", f->node, "~{");
	wait_device(f->client, "homeassistant", old, "");
	check_retained(f, "homeassistant", old, foreign);
	wait_kept(f, "homeassistant", f->node);
}

/*
 * Alerts while Home Assistant restarts: its birth message replays the active
 * alert's "raised", and later the "cleared" it may have missed, each with its
 * own id and time and "replay": true.
 */
static void test_home_assistant_online_replays_alerts(void **state)
{
	struct fixture *f = *state;
	char alerts[96], sensor[96], raised[160], cleared[160], *id;
	const struct message *m;
	long long birth;

	snprintf(alerts, sizeof(alerts), "%s/event/alert", f->base);
	snprintf(sensor, sizeof(sensor), "%s/thermometer", f->node);
	{
		char extra[256];

		snprintf(extra, sizeof(extra),
			 "[sensor.wall]\ntype = mqtt\ntopic = %s\nstale_after = 10s\n"
			 "max_rate = 0\n",
			 sensor);
		assert_int_equal(write_config(f, true, extra), 0);
	}
	start(f);
	assert_int_equal(client_publish(f->client, sensor, "19.5", false), 0);
	m = client_wait(f->client, alerts, "~\"source\":\"sensor.wall\"", 30000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"state\":\"raised\""));
	assert_null(strstr(m->payload, "\"replay\""));
	id = strstr(m->payload, "\"id\":\"");
	assert_non_null(id);
	snprintf(raised, sizeof(raised), "~%.*s", (int) strcspn(id + 6, "\"") + 7, id);

	/* Home Assistant was away: its birth message brings the raised alert again. */
	client_clear(f->client);
	birth = now_ms();
	assert_int_equal(client_publish(f->client, "homeassistant/status", "online", false), 0);
	m = client_wait(f->client, alerts, raised, 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"state\":\"raised\""));
	assert_non_null(strstr(m->payload, "\"replay\":true"));
	assert_false(m->retained);

	/* Over while it is away again: the next birth says so. */
	assert_int_equal(client_publish(f->client, sensor, "19.5", false), 0);
	m = client_wait(f->client, alerts, "~\"state\":\"cleared\"", 15000);
	assert_non_null(m);
	id = strstr(m->payload, "\"id\":\"");
	assert_non_null(id);
	snprintf(cleared, sizeof(cleared), "~%.*s", (int) strcspn(id + 6, "\"") + 7, id);
	/* Births closer than 10 s make one announce (and one replay); the sensor stays. */
	while (now_ms() < birth + 10500) {
		assert_int_equal(client_publish(f->client, sensor, "19.5", false), 0);
		usleep(500000);
	}
	client_clear(f->client);
	assert_int_equal(client_publish(f->client, "homeassistant/status", "online", false), 0);
	m = client_wait(f->client, alerts, cleared, 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"state\":\"cleared\""));
	assert_non_null(strstr(m->payload, "\"replay\":true"));
	/* Not active any more: no "raised" again. */
	assert_null(client_wait(f->client, alerts, "~\"state\":\"raised\"", 500));
}

static void test_discovery_off_publishes_nothing(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(write_config(f, true, "[homeassistant]\ndiscovery = no\n"), 0);
	start(f);
	assert_non_null(client_wait(f->client, f->state_topic, NULL, 10000));
	assert_int_equal(client_publish(f->client, "homeassistant/status", "online", false), 0);
	assert_int_equal(count_below(f, "homeassistant/", 1500), 0);
}

/* A prefix and status topic of one's own are honoured. */
static void test_own_prefix_and_status_topic(void **state)
{
	struct fixture *f = *state;
	char topic[160];

	assert_int_equal(write_config(f, true,
				      "[homeassistant]\ndiscovery_prefix = hass/disc\n"
				      "status_topic = hass/status\n"),
			 0);
	snprintf(topic, sizeof(topic), "hass/disc/button/%s/cramp_left/config", f->node);
	start(f);
	assert_non_null(client_wait(f->client, topic, "~{", 10000));
	client_clear(f->client);
	assert_int_equal(client_publish(f->client, "homeassistant/status", "online", false), 0);
	assert_null(client_wait(f->client, topic, NULL, 1000));
	assert_int_equal(client_publish(f->client, "hass/status", "online", false), 0);
	assert_non_null(client_wait(f->client, topic, "~{", 10000));
	assert_int_equal(count_below(f, "homeassistant/", 300), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_config_is_retained_json_of_one_device,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_buttons_log_cramps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foot_soak_button, setup, teardown),
		cmocka_unit_test_setup_teardown(test_climate_sets_floor_and_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outdoor_sensor_reads_the_state, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_home_assistant_online_reannounces, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_removes_what_is_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_removes_what_the_config_lost, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_start_removes_the_device_of_an_old_node_id,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_removes_the_device_of_an_old_prefix,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_off_then_on_removes_the_device_of_an_old_node_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_home_assistant_online_replays_alerts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_discovery_off_publishes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_own_prefix_and_status_topic, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
