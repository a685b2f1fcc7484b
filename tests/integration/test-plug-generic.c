/*
 * A Shelly Gen1 through the generic preset, end to end: the test is the
 * thermometer and plays two plugs. The Gen1 (state_topic
 * shellies/<id>/relay/0, states on / off) says "overpower" when its own
 * protection trips the relay: bedroomd must not go on believing it on. The
 * journal says the word once, the heater is unconfirmed at once (the alert,
 * <base>/state) and the second heater takes its place; the Gen1 is told ON
 * again no faster than the slow retry.
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
	char thermo_topic[96];
	char gen1_state[96], gen1_command[128];
	char fan_state[96], fan_command[128];
	size_t seen;      /* messages the plugs looked at */
	bool tripped;     /* the Gen1's protection holds its relay off: it says overpower */
	unsigned gen1_on; /* ONs the Gen1 was sent */
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
	snprintf(f->base, sizeof(f->base), "bedroomd/gen1-%d", pid);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	snprintf(f->alert_topic, sizeof(f->alert_topic), "%s/event/alert", f->base);
	snprintf(f->thermo_topic, sizeof(f->thermo_topic), "test%d/thermometer", pid);
	snprintf(f->gen1_state, sizeof(f->gen1_state), "shellies/gen1-%d/relay/0", pid);
	snprintf(f->gen1_command, sizeof(f->gen1_command), "%s/command", f->gen1_state);
	snprintf(f->fan_state, sizeof(f->fan_state), "test%d/fan", pid);
	snprintf(f->fan_command, sizeof(f->fan_command), "%s/set", f->fan_state);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = gen1-%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = 0\nmin_off = 0\n"
		 "[sensor.air]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n"
		 "[heater.gen1]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n"
		 "payload_on = on\npayload_off = off\nconfirm_timeout = 2s\n"
		 "[heater.fan]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n"
		 "confirm_timeout = 2s\n",
		 pid, f->broker.port, f->thermo_topic, f->gen1_command, f->gen1_state,
		 f->fan_command, f->fan_state);
	if (daemon_write_config(&f->daemon, text) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

/*
 * Plays both plugs for @ms: each command answered with its state; the Gen1,
 * once tripped, takes an ON and trips again at once ("on", then "overpower").
 */
static void serve(struct fixture *f, int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		const struct message *m;
		size_t n;

		(void) client_wait(f->client, "nothing/comes/here", NULL, 100);
		n = client_messages(f->client, &m);
		for (; f->seen < n; f->seen++) {
			/* A copy: publishing may grow the array. */
			char topic[128], payload[64];

			snprintf(topic, sizeof(topic), "%s", m[f->seen].topic);
			snprintf(payload, sizeof(payload), "%s", m[f->seen].payload);
			if (strcmp(topic, f->gen1_command) == 0) {
				f->gen1_on += strcmp(payload, "on") == 0;
				assert_int_equal(
				    client_publish(f->client, f->gen1_state, payload, false), 0);
				if (f->tripped && strcmp(payload, "on") == 0)
					assert_int_equal(client_publish(f->client, f->gen1_state,
									"overpower", false),
							 0);
			} else if (strcmp(topic, f->fan_command) == 0)
				assert_int_equal(
				    client_publish(f->client, f->fan_state, payload, false), 0);
			n = client_messages(f->client, &m);
		}
	}
}

static void test_overpower_is_not_on(void **state)
{
	struct fixture *f = *state;
	char want[512];
	const struct message *m;
	long long tripped_ms;
	unsigned ons;

	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(client_publish(f->client, f->thermo_topic, "15.0", true), 0);
	/* Cold: the Gen1 heats alone, confirmed on; the fan is told off. */
	serve(f, 4000);
	assert_int_equal(f->gen1_on, 1);
	assert_non_null(client_wait(
	    f->client, f->state_topic,
	    "~\"gen1\":{\"on\":true,\"power\":null,\"relay\":\"on\",\"state\":\"on\"}", 3000));
	assert_int_equal(client_count(f->client, f->fan_command, "ON"), 0);

	/* Its protection trips. */
	client_clear(f->client);
	f->seen = 0;
	f->tripped = true;
	tripped_ms = now_ms();
	assert_int_equal(client_publish(f->client, f->gen1_state, "overpower", false), 0);
	snprintf(want, sizeof(want),
		 "heater.gen1: 'overpower' on '%s' is neither state_on 'on' nor state_off 'off': "
		 "the plug is not taken as on; heater_unconfirmed (another heater may stand in); "
		 "sending ON again in ",
		 f->gen1_state);
	assert_int_equal(daemon_wait_log(&f->daemon, want, 5000), 0);
	m = client_wait(f->client, f->alert_topic, "~\"kind\":\"heater_unconfirmed\"", 5000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"source\":\"heater.gen1\""));
	assert_non_null(strstr(m->payload, "The smart plug of heater 'gen1' says 'overpower', "
					   "neither on nor off"));
	/* No longer confirmed on: what the plug said is not known. */
	assert_non_null(client_wait(
	    f->client, f->state_topic,
	    "~\"gen1\":{\"on\":true,\"power\":null,\"relay\":null,\"state\":\"unconfirmed\"}",
	    5000));
	/* The fan stands in, at once. */
	serve(f, 3000);
	assert_int_equal(client_count(f->client, f->fan_command, "ON"), 1);
	/* The one line, not one a trip or a repeat. */
	assert_int_equal(client_publish(f->client, f->gen1_state, "overpower", false), 0);
	serve(f, 1000);
	assert_int_equal(daemon_log_count(&f->daemon, "the plug is not taken as on"), 1);
	assert_int_equal(daemon_log_count(&f->daemon, "heater.gen1: heater_unconfirmed: no answer"),
			 0);

	/* Told ON again by the slow retry, a minute after the last ON; not in a loop. */
	ons = f->gen1_on;
	serve(f, (int) (tripped_ms + 50000 - now_ms()));
	assert_int_equal(f->gen1_on, ons);
	serve(f, 15000);
	assert_int_equal(f->gen1_on, ons + 1);
	/* It took it ("on") and tripped again: said again, after a state. */
	serve(f, 1000);
	assert_int_equal(daemon_log_count(&f->daemon, "the plug is not taken as on"), 2);
	/* The alert stood through the brief "on": no clear, no second raise for the phone. */
	{
		const struct message *msgs;
		size_t n = client_messages(f->client, &msgs);
		unsigned alerts = 0;

		for (size_t i = 0; i < n; i++)
			alerts += strcmp(msgs[i].topic, f->alert_topic) == 0 &&
				  strstr(msgs[i].payload, "heater_unconfirmed") != NULL;
		assert_int_equal(alerts, 1);
	}
	/* The next ON waits twice as long: two minutes, not one. */
	ons = f->gen1_on;
	serve(f, 70000);
	assert_int_equal(f->gen1_on, ons);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_overpower_is_not_on, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
