/*
 * A thermometer that jumps from 17 to 27 °C: the jump check holds the
 * readings back (faster than a room can warm) and the room stays at 17.2,
 * but the cut-off does not wait for them to become plausible minutes later:
 * over_temperature at the third refused reading, the heater off, and the
 * sensor's status "rejecting" in <base>/state. Also what else the state says
 * of the room's sensor and the plug. The test is the thermometer and plays a
 * generic plug that answers every command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/plug-fixture.h"

struct fixture {
	struct plug_fixture plug;
	char command_topic[96], plug_state_topic[96];
};

/* The plug: each command answered with its state. */
static void answer(void *fixture, const char *topic, const char *payload)
{
	struct fixture *f = fixture;

	if (strcmp(topic, f->command_topic) == 0)
		assert_int_equal(
		    client_publish(f->plug.client, f->plug_state_topic, payload, false), 0);
}

static int setup(void **state)
{
	struct fixture *f;
	int pid = (int) getpid();
	char heaters[512];

	if (plug_setup(state, sizeof(*f), "hot-", answer) < 0)
		return -1;
	f = *state;
	snprintf(f->command_topic, sizeof(f->command_topic), "test%d/plug/set", pid);
	snprintf(f->plug_state_topic, sizeof(f->plug_state_topic), "test%d/plug/state", pid);
	/* No max_rate = 0: the jump check is what this tests. */
	snprintf(heaters, sizeof(heaters),
		 "[heater.gen]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n",
		 f->command_topic, f->plug_state_topic);
	return plug_configure(state, "", heaters);
}

/* As setup(), with an outdoor thermometer on "test<pid>/outdoor". */
static int setup_outdoor(void **state)
{
	struct fixture *f;
	char heaters[512], heating[96];

	if (setup(state) < 0)
		return -1;
	f = *state;
	snprintf(heating, sizeof(heating), "outdoor_topic = test%d/outdoor\n", (int) getpid());
	snprintf(heaters, sizeof(heaters),
		 "[heater.gen]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n",
		 f->command_topic, f->plug_state_topic);
	return plug_configure_heating(state, heating, "", heaters);
}

static void test_a_hot_jump_trips_the_cut_off(void **state)
{
	struct plug_fixture *p = *state;
	const struct message *m;

	plug_start(p);
	plug_reading(p, "17.2", false);
	plug_serve(p, 2000);
	assert_non_null(client_wait(p->client, p->state_topic,
				    "~\"gen\":{\"on\":true,\"power\":null,\"relay\":\"on\"", 3000));
	/* Twice: refused, a glitch; nothing changes. */
	for (int i = 0; i < 2; i++) {
		plug_reading(p, "27.0", false);
		plug_serve(p, 500);
	}
	assert_int_equal(daemon_log_count(&p->daemon, "over_temperature"), 0);
	/* The third in a row: still not the room's temperature, but the cut-off trips. */
	plug_reading(p, "27.0", false);
	assert_int_equal(
	    daemon_wait_log(&p->daemon, "sensor.air: rejected reading 27.000 °C (jump", 3000), 0);
	m = client_wait(p->client, p->alert_topic, "~\"kind\":\"over_temperature\"", 3000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"state\":\"raised\""));
	plug_serve(p, 1000);
	m = client_wait(p->client, p->state_topic,
			"~\"gen\":{\"on\":false,\"power\":null,\"relay\":\"off\"", 3000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"status\":\"rejecting\""));
	assert_non_null(strstr(m->payload, "\"temperature\":17.2"));
	assert_non_null(strstr(m->payload, "\"heating_reason\":\"over_temperature\""));
}

/*
 * Readings outside the sensor's range (85 °C: a DS18B20's power-on value)
 * change nothing else, yet the sensor's count and, from the third in a row,
 * its status are news in <base>/state. They used to stay "ok" and 0 there
 * until something else published the state.
 */
static void test_refused_readings_reach_the_state(void **state)
{
	struct plug_fixture *p = *state;

	plug_start(p);
	plug_reading(p, "17.2", false);
	plug_serve(p, 2000);
	assert_non_null(client_wait(p->client, p->state_topic,
				    "~\"gen\":{\"on\":true,\"power\":null,\"relay\":\"on\"", 3000));
	plug_reading(p, "85", false);
	plug_serve(p, 1000);
	assert_non_null(
	    client_wait(p->client, p->state_topic, "~\"rejected\":1,\"status\":\"ok\"", 3000));
	for (int i = 0; i < 2; i++) {
		plug_reading(p, "85", false);
		plug_serve(p, 500);
	}
	assert_int_equal(daemon_wait_log(&p->daemon, "3 in a row", 3000), 0);
	plug_serve(p, 1000);
	assert_non_null(client_wait(p->client, p->state_topic,
				    "~\"rejected\":3,\"status\":\"rejecting\"", 3000));
}

/*
 * The plug says off after it was told on (its button): the state's action is
 * "idle" until it takes the ON sent again, as the README says (Home
 * Assistant's climate card showed "heating" with nothing heating).
 */
static void test_a_plug_switched_off_by_hand_is_not_heating(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;

	plug_start(p);
	plug_reading(p, "17.2", false);
	plug_serve(p, 2000);
	assert_non_null(client_wait(p->client, p->state_topic,
				    "~\"gen\":{\"on\":true,\"power\":null,\"relay\":\"on\"", 3000));
	assert_non_null(client_wait(p->client, p->state_topic, "~\"action\":\"heating\"", 100));
	client_clear(p->client);
	p->seen = 0;
	assert_int_equal(client_publish(p->client, f->plug_state_topic, "OFF", false), 0);
	assert_int_equal(daemon_wait_log(&p->daemon, "switched by something else", 3000), 0);
	assert_non_null(client_wait(p->client, p->state_topic, "~\"action\":\"idle\"", 3000));
	/* The ON sent again, taken: heating again. */
	plug_serve(p, 20000);
	assert_non_null(client_wait(p->client, p->state_topic, "~\"action\":\"heating\"", 100));
}

/*
 * Each new outdoor temperature is in the state at once, with nothing else
 * changing (it waited for the room or a heater to publish it).
 */
static void test_an_outdoor_reading_reaches_the_state(void **state)
{
	struct plug_fixture *p = *state;
	char topic[64];

	snprintf(topic, sizeof(topic), "test%d/outdoor", (int) getpid());
	plug_start(p);
	plug_reading(p, "19.0", false);
	assert_int_equal(client_publish(p->client, topic, "-4", false), 0);
	assert_non_null(
	    client_wait(p->client, p->state_topic, "~\"outdoor\":{\"temperature\":-4.0,", 5000));
	plug_serve(p, 1000);
	assert_int_equal(client_publish(p->client, topic, "-3", false), 0);
	assert_non_null(
	    client_wait(p->client, p->state_topic, "~\"outdoor\":{\"temperature\":-3.0,", 3000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_hot_jump_trips_the_cut_off, setup,
						plug_teardown),
		cmocka_unit_test_setup_teardown(test_refused_readings_reach_the_state, setup,
						plug_teardown),
		cmocka_unit_test_setup_teardown(test_a_plug_switched_off_by_hand_is_not_heating,
						setup, plug_teardown),
		cmocka_unit_test_setup_teardown(test_an_outdoor_reading_reaches_the_state,
						setup_outdoor, plug_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
