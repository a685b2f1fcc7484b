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

#include "tests/integration/harness.h"

#define ON_TIMED "{\"state\":\"ON\",\"on_time\":60}"
#define ON       "{\"state\":\"ON\"}"
#define IGNORES  "the plug ignores its auto-off"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64], alert_topic[96];
	char thermo_topic[96];
	char plug_topic[96], set_topic[128], get_topic[128];
	size_t seen;   /* messages the plug looked at */
	bool relay_on; /* the plug's relay */
	unsigned sets, gets;
};

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int pid = (int) getpid();
	char text[2048];

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/z2m%d", pid);
	snprintf(f->alert_topic, sizeof(f->alert_topic), "%s/event/alert", f->base);
	snprintf(f->thermo_topic, sizeof(f->thermo_topic), "test%d/thermometer", pid);
	snprintf(f->plug_topic, sizeof(f->plug_topic), "zigbee2mqtt/plug%d", pid);
	snprintf(f->set_topic, sizeof(f->set_topic), "%s/set", f->plug_topic);
	snprintf(f->get_topic, sizeof(f->get_topic), "%s/get", f->plug_topic);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	/* auto_off 1 min: the keep-alive comes every 30 s; unconfirmed 6 s after a command. */
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = z2m%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = 0\nmin_off = 0\n"
		 "[sensor.air]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n"
		 "[heater.plug]\ntype = zigbee2mqtt\ntopic = plug%d\nconfirm_timeout = 2s\n"
		 "auto_off = 1min\n",
		 pid, f->broker.port, f->thermo_topic, pid);
	if (daemon_write_config(&f->daemon, text) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

static void publish_state(struct fixture *f)
{
	assert_int_equal(client_publish(f->client, f->plug_topic,
					f->relay_on ? "{\"state\":\"ON\",\"linkquality\":120}"
						    : "{\"state\":\"OFF\",\"linkquality\":120}",
					false),
			 0);
}

/* What zigbee2mqtt and the plug do with one set: see the top of this file. */
static void plug_set(struct fixture *f, const char *payload, bool ignores_on_time)
{
	bool on = strstr(payload, "\"ON\"") != NULL, was = f->relay_on;

	f->sets++;
	if (!strstr(payload, "on_time")) {
		f->relay_on = on;
		publish_state(f);
	} else if (!ignores_on_time) {
		f->relay_on = on;
		if (was != on) /* the device's own report of the change */
			publish_state(f);
	}
}

/* Plays the plug for @ms: every set and get that came, in order of arrival. */
static void plug_serve(struct fixture *f, int ms, bool ignores_on_time)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		const struct message *m;
		size_t n;

		(void) client_wait(f->client, "nothing/comes/here", NULL, 100);
		n = client_messages(f->client, &m);
		for (; f->seen < n; f->seen++) {
			/* A copy: publishing may grow the array. */
			char topic[128], payload[128];

			snprintf(topic, sizeof(topic), "%s", m[f->seen].topic);
			snprintf(payload, sizeof(payload), "%s", m[f->seen].payload);
			if (strcmp(topic, f->set_topic) == 0)
				plug_set(f, payload, ignores_on_time);
			else if (strcmp(topic, f->get_topic) == 0) {
				assert_string_equal(payload, "{\"state\":\"\"}");
				f->gets++;
				publish_state(f);
			}
			n = client_messages(f->client, &m);
		}
	}
}

/* Starts bedroomd and gives it a cold room. */
static void heat(struct fixture *f)
{
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(client_publish(f->client, f->thermo_topic, "15.0", true), 0);
}

/* The plug ignores on_time: after its state read back OFF twice, plain ON; no alert. */
static void test_plug_ignoring_on_time_gets_plain_on(void **state)
{
	struct fixture *f = *state;

	heat(f);
	plug_serve(f, 12000, true);
	assert_true(f->relay_on);
	assert_int_equal(client_count(f->client, f->set_topic, ON_TIMED), 2);
	assert_int_equal(client_count(f->client, f->set_topic, ON), 1);
	assert_int_equal(daemon_log_count(&f->daemon, IGNORES), 1);
	/* The keep-alive at half the auto-off is plain ON too, said no more. */
	plug_serve(f, 30000, true);
	assert_int_equal(client_count(f->client, f->set_topic, ON_TIMED), 2);
	assert_true(client_count(f->client, f->set_topic, ON) >= 2);
	assert_true(f->relay_on);
	assert_int_equal(daemon_log_count(&f->daemon, IGNORES), 1);
	assert_null(client_wait(f->client, f->alert_topic, "~heater_unconfirmed", 0));
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

	heat(f);
	plug_serve(f, 42000, false);
	assert_null(client_wait(f->client, f->alert_topic, "~heater_unconfirmed", 0));
	assert_true(f->relay_on);
	assert_true(client_count(f->client, f->set_topic, ON_TIMED) >= 2);
	assert_int_equal(client_count(f->client, f->set_topic, ON), 0);
	assert_true(f->gets + 1 >= f->sets);
	assert_int_equal(daemon_log_count(&f->daemon, IGNORES), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plug_ignoring_on_time_gets_plain_on, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_keep_alive_is_confirmed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
