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

#include "tests/integration/discovery-fixture.h"

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

/*
 * Discovery off (one's own entities and automations on <base>/event/alert):
 * an alert raised while Home Assistant restarted is lost to them just the
 * same, so its birth message replays it all the same; and still nothing is
 * announced.
 */
static void test_discovery_off_still_replays_alerts(void **state)
{
	struct fixture *f = *state;
	char alerts[96], sensor[96], extra[320];
	const struct message *m;

	snprintf(alerts, sizeof(alerts), "%s/event/alert", f->base);
	snprintf(sensor, sizeof(sensor), "%s/thermometer", f->node);
	snprintf(extra, sizeof(extra),
		 "[homeassistant]\ndiscovery = no\nstatus_topic = hass/status\n"
		 "[sensor.wall]\ntype = mqtt\ntopic = %s\nstale_after = 10s\nmax_rate = 0\n",
		 sensor);
	assert_int_equal(write_config(f, true, extra), 0);
	start(f);
	assert_int_equal(client_publish(f->client, sensor, "19.5", false), 0);
	m = client_wait(f->client, alerts, "~\"source\":\"sensor.wall\"", 30000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"state\":\"raised\""));

	client_clear(f->client);
	assert_int_equal(client_publish(f->client, "hass/status", "online", false), 0);
	m = client_wait(f->client, alerts, "~\"replay\":true", 10000);
	if (!m)
		fail_msg("Home Assistant's birth replayed no alert with discovery off");
	assert_non_null(strstr(m->payload, "\"state\":\"raised\""));
	assert_non_null(strstr(m->payload, "\"source\":\"sensor.wall\""));
	assert_int_equal(count_below(f, "homeassistant/", 500), 0);
	assert_int_equal(count_below(f, "hass/", 0), 0);
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
		cmocka_unit_test_setup_teardown(test_home_assistant_online_replays_alerts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_discovery_off_publishes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_discovery_off_still_replays_alerts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_own_prefix_and_status_topic, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
