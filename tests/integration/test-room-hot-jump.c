/*
 * A thermometer that jumps from 17 to 27 °C: the jump check holds the
 * readings back (faster than a room can warm) and the room stays at 17.2,
 * but the cut-off does not wait for them to become plausible minutes later:
 * over_temperature at the third refused reading, the heater off, and the
 * sensor's status "rejecting" in <base>/state. The test is the thermometer
 * and plays a generic plug that answers every command.
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

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64], state_topic[96], alert_topic[96];
	char thermo_topic[96], command_topic[96], plug_state_topic[96];
	size_t seen; /* messages the plug looked at */
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
	snprintf(f->base, sizeof(f->base), "bedroomd/hot-%d", pid);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	snprintf(f->alert_topic, sizeof(f->alert_topic), "%s/event/alert", f->base);
	snprintf(f->thermo_topic, sizeof(f->thermo_topic), "test%d/thermometer", pid);
	snprintf(f->command_topic, sizeof(f->command_topic), "test%d/plug/set", pid);
	snprintf(f->plug_state_topic, sizeof(f->plug_state_topic), "test%d/plug/state", pid);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = hot-%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = 0\nmin_off = 0\n"
		 "[sensor.air]\ntype = mqtt\ntopic = %s\n"
		 "[heater.gen]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n",
		 pid, f->broker.port, f->thermo_topic, f->command_topic, f->plug_state_topic);
	if (daemon_write_config(&f->daemon, text) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

/* Plays the plug for @ms: each command answered with its state. */
static void serve(struct fixture *f, int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		const struct message *m;
		size_t n;

		(void) client_wait(f->client, "nothing/comes/here", NULL, 100);
		n = client_messages(f->client, &m);
		for (; f->seen < n; f->seen++) {
			char topic[128], payload[16];

			snprintf(topic, sizeof(topic), "%s", m[f->seen].topic);
			snprintf(payload, sizeof(payload), "%s", m[f->seen].payload);
			if (strcmp(topic, f->command_topic) == 0)
				assert_int_equal(
				    client_publish(f->client, f->plug_state_topic, payload, false),
				    0);
			n = client_messages(f->client, &m);
		}
	}
}

static void test_a_hot_jump_trips_the_cut_off(void **state)
{
	struct fixture *f = *state;
	const struct message *m;

	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(client_publish(f->client, f->thermo_topic, "17.2", false), 0);
	serve(f, 2000);
	assert_non_null(client_wait(f->client, f->state_topic,
				    "~\"gen\":{\"on\":true,\"power\":null,\"relay\":\"on\"", 3000));
	/* Twice: refused, a glitch; nothing changes. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(client_publish(f->client, f->thermo_topic, "27.0", false), 0);
		serve(f, 500);
	}
	assert_int_equal(daemon_log_count(&f->daemon, "over_temperature"), 0);
	/* The third in a row: still not the room's temperature, but the cut-off trips. */
	assert_int_equal(client_publish(f->client, f->thermo_topic, "27.0", false), 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "sensor.air: rejected reading 27.000 °C (jump", 3000), 0);
	m = client_wait(f->client, f->alert_topic, "~\"kind\":\"over_temperature\"", 3000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"state\":\"raised\""));
	serve(f, 1000);
	m = client_wait(f->client, f->state_topic,
			"~\"gen\":{\"on\":false,\"power\":null,\"relay\":\"off\"", 3000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"status\":\"rejecting\""));
	assert_non_null(strstr(m->payload, "\"temperature\":17.2"));
	assert_non_null(strstr(m->payload, "\"heating_reason\":\"over_temperature\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_hot_jump_trips_the_cut_off, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
