/*
 * A zigbee2mqtt plug, end to end: the test is the thermometer and plays
 * zigbee2mqtt with its plug, as zigbee2mqtt behaves: a plain set is answered
 * with the new state; a set with on_time (On With Timed Off) with nothing
 * (zigbee2mqtt publishes no state for it; the device reports a change of its
 * relay, and nothing when it did not change); a get with the plug's state.
 * One plug ignores on_time (zigbee2mqtt issues #23845, #27913, #32478): it
 * stays off. bedroomd reads the state back after every command, so it sees
 * both: the keep-alive is confirmed, and the plug that ignores on_time gets
 * plain ON, said once in the journal.
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

#define ON_TIMED "{\"state\":\"ON\",\"on_time\":60}"
#define ON       "{\"state\":\"ON\"}"
#define IGNORES  "the plug ignores its auto-off"

struct fixture {
	struct plug_fixture plug;
	char plug_topic[96], set_topic[128], get_topic[128];
	bool ignores_on_time; /* the plug (see the top of this file) */
	bool relay_on;        /* the plug's relay */
	unsigned sets, gets;
};

static void publish_state(struct fixture *f)
{
	assert_int_equal(client_publish(f->plug.client, f->plug_topic,
					f->relay_on ? "{\"state\":\"ON\",\"linkquality\":120}"
						    : "{\"state\":\"OFF\",\"linkquality\":120}",
					false),
			 0);
}

/* What zigbee2mqtt and the plug do with one set: see the top of this file. */
static void take_set(struct fixture *f, const char *payload)
{
	bool on = strstr(payload, "\"ON\"") != NULL, was = f->relay_on;

	f->sets++;
	if (!strstr(payload, "on_time")) {
		f->relay_on = on;
		publish_state(f);
	} else if (!f->ignores_on_time) {
		f->relay_on = on;
		if (was != on) /* the device's own report of the change */
			publish_state(f);
	}
}

/* The plug: every set and get, in order of arrival. */
static void answer(void *fixture, const char *topic, const char *payload)
{
	struct fixture *f = fixture;

	if (strcmp(topic, f->set_topic) == 0)
		take_set(f, payload);
	else if (strcmp(topic, f->get_topic) == 0) {
		assert_string_equal(payload, "{\"state\":\"\"}");
		f->gets++;
		publish_state(f);
	}
}

static int setup(void **state)
{
	struct fixture *f;
	int pid = (int) getpid();
	char heaters[512];

	if (plug_setup(state, sizeof(*f), "z2m", answer) < 0)
		return -1;
	f = *state;
	snprintf(f->plug_topic, sizeof(f->plug_topic), "zigbee2mqtt/plug%d", pid);
	snprintf(f->set_topic, sizeof(f->set_topic), "%s/set", f->plug_topic);
	snprintf(f->get_topic, sizeof(f->get_topic), "%s/get", f->plug_topic);
	/* auto_off 1 min: the keep-alive comes every 30 s; unconfirmed 6 s after a command. */
	snprintf(heaters, sizeof(heaters),
		 "[heater.plug]\ntype = zigbee2mqtt\ntopic = plug%d\nconfirm_timeout = 2s\n"
		 "auto_off = 1min\n",
		 pid);
	return plug_configure(state, "max_rate = 0\n", heaters);
}

/* Plays the plug for @ms, one that ignores on_time if @ignores_on_time. */
static void serve(struct fixture *f, int ms, bool ignores_on_time)
{
	f->ignores_on_time = ignores_on_time;
	plug_serve(&f->plug, ms);
}

/* Starts bedroomd and gives it a cold room. */
static void heat(struct fixture *f)
{
	plug_start(&f->plug);
	plug_reading(&f->plug, "15.0", true);
}

/* The plug ignores on_time: after its state read back OFF twice, plain ON; no alert. */
static void test_plug_ignoring_on_time_gets_plain_on(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;

	heat(f);
	serve(f, 12000, true);
	assert_true(f->relay_on);
	assert_int_equal(client_count(p->client, f->set_topic, ON_TIMED), 2);
	assert_int_equal(client_count(p->client, f->set_topic, ON), 1);
	assert_int_equal(daemon_log_count(&p->daemon, IGNORES), 1);
	/* The keep-alive at half the auto-off is plain ON too, said no more. */
	serve(f, 30000, true);
	assert_int_equal(client_count(p->client, f->set_topic, ON_TIMED), 2);
	assert_true(client_count(p->client, f->set_topic, ON) >= 2);
	assert_true(f->relay_on);
	assert_int_equal(daemon_log_count(&p->daemon, IGNORES), 1);
	assert_null(client_wait(p->client, p->alert_topic, "~heater_unconfirmed", 0));
	/* Every set was read back (the last one's get may still be on its way). */
	assert_true(f->gets + 1 >= f->sets);
}

/*
 * The plug takes on_time: its keep-alive changes nothing, so neither
 * zigbee2mqtt nor the plug says anything; the read back confirms it.
 */
static void test_keep_alive_is_confirmed(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;

	heat(f);
	serve(f, 42000, false);
	assert_null(client_wait(p->client, p->alert_topic, "~heater_unconfirmed", 0));
	assert_true(f->relay_on);
	assert_true(client_count(p->client, f->set_topic, ON_TIMED) >= 2);
	assert_int_equal(client_count(p->client, f->set_topic, ON), 0);
	assert_true(f->gets + 1 >= f->sets);
	assert_int_equal(daemon_log_count(&p->daemon, IGNORES), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plug_ignoring_on_time_gets_plain_on, setup,
						plug_teardown),
		cmocka_unit_test_setup_teardown(test_keep_alive_is_confirmed, setup, plug_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
