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

#include "tests/integration/plug-fixture.h"

struct fixture {
	struct plug_fixture plug;
	char gen1_state[96], gen1_command[128];
	char fan_state[96], fan_command[128];
	bool tripped;     /* the Gen1's protection holds its relay off: it says overpower */
	unsigned gen1_on; /* ONs the Gen1 was sent */
};

/*
 * Both plugs: each command answered with its state; the Gen1, once tripped,
 * takes an ON and trips again at once ("on", then "overpower").
 */
static void answer(void *fixture, const char *topic, const char *payload)
{
	struct fixture *f = fixture;
	struct client *c = f->plug.client;

	if (strcmp(topic, f->gen1_command) == 0) {
		f->gen1_on += strcmp(payload, "on") == 0;
		assert_int_equal(client_publish(c, f->gen1_state, payload, false), 0);
		if (f->tripped && strcmp(payload, "on") == 0)
			assert_int_equal(client_publish(c, f->gen1_state, "overpower", false), 0);
	} else if (strcmp(topic, f->fan_command) == 0)
		assert_int_equal(client_publish(c, f->fan_state, payload, false), 0);
}

static int setup(void **state)
{
	struct fixture *f;
	int pid = (int) getpid();
	char heaters[1024];

	if (plug_setup(state, sizeof(*f), "gen1-", answer) < 0)
		return -1;
	f = *state;
	snprintf(f->gen1_state, sizeof(f->gen1_state), "shellies/gen1-%d/relay/0", pid);
	snprintf(f->gen1_command, sizeof(f->gen1_command), "%s/command", f->gen1_state);
	snprintf(f->fan_state, sizeof(f->fan_state), "test%d/fan", pid);
	snprintf(f->fan_command, sizeof(f->fan_command), "%s/set", f->fan_state);
	snprintf(heaters, sizeof(heaters),
		 "[heater.gen1]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n"
		 "payload_on = on\npayload_off = off\nconfirm_timeout = 2s\n"
		 "[heater.fan]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n"
		 "confirm_timeout = 2s\n",
		 f->gen1_command, f->gen1_state, f->fan_command, f->fan_state);
	return plug_configure(state, "max_rate = 0\n", heaters);
}

static void test_overpower_is_not_on(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;
	char want[512];
	const struct message *m;
	long long tripped_ms;
	unsigned ons;

	plug_start(p);
	plug_reading(p, "15.0", true);
	/* Cold: the Gen1 heats alone, confirmed on; the fan is told off. */
	plug_serve(p, 4000);
	assert_int_equal(f->gen1_on, 1);
	assert_non_null(client_wait(p->client, p->state_topic,
				    "~\"gen1\":{\"on\":true,\"power\":null,\"relay\":\"on\","
				    "\"said\":null,\"state\":\"on\"}",
				    3000));
	assert_int_equal(client_count(p->client, f->fan_command, "ON"), 0);

	/* Its protection trips. */
	client_clear(p->client);
	p->seen = 0;
	f->tripped = true;
	tripped_ms = now_ms();
	assert_int_equal(client_publish(p->client, f->gen1_state, "overpower", false), 0);
	snprintf(want, sizeof(want),
		 "heater.gen1: 'overpower' on '%s' is neither state_on 'on' nor state_off 'off': "
		 "the plug is not taken as on; heater_unconfirmed (another heater may stand in); "
		 "sending ON again in ",
		 f->gen1_state);
	assert_int_equal(daemon_wait_log(&p->daemon, want, 5000), 0);
	m = client_wait(p->client, p->alert_topic, "~\"kind\":\"heater_unconfirmed\"", 5000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"source\":\"heater.gen1\""));
	assert_non_null(strstr(m->payload, "The smart plug of heater 'gen1' says 'overpower', "
					   "neither on nor off"));
	/* No longer confirmed on: what the plug said is not known. */
	assert_non_null(client_wait(
	    p->client, p->state_topic,
	    "~\"gen1\":{\"on\":true,\"power\":null,\"relay\":null,\"said\":{\"kind\":\"state\","
	    "\"word\":\"overpower\"},\"state\":\"unconfirmed\"}",
	    5000));
	/* The fan stands in, at once. */
	plug_serve(p, 3000);
	assert_int_equal(client_count(p->client, f->fan_command, "ON"), 1);
	/* The one line, not one a trip or a repeat. */
	assert_int_equal(client_publish(p->client, f->gen1_state, "overpower", false), 0);
	plug_serve(p, 1000);
	assert_int_equal(daemon_log_count(&p->daemon, "the plug is not taken as on"), 1);
	assert_int_equal(daemon_log_count(&p->daemon, "heater.gen1: heater_unconfirmed: no answer"),
			 0);

	/* Told ON again by the slow retry, a minute after the last ON; not in a loop. */
	ons = f->gen1_on;
	plug_serve(p, (int) (tripped_ms + 50000 - now_ms()));
	assert_int_equal(f->gen1_on, ons);
	plug_serve(p, 15000);
	assert_int_equal(f->gen1_on, ons + 1);
	/* It took it ("on") and tripped again: said again, after a state. */
	plug_serve(p, 1000);
	assert_int_equal(daemon_log_count(&p->daemon, "the plug is not taken as on"), 2);
	/* The alert stood through the brief "on": no clear, no second raise for the phone. */
	{
		const struct message *msgs;
		size_t n = client_messages(p->client, &msgs);
		unsigned alerts = 0;

		for (size_t i = 0; i < n; i++)
			alerts += strcmp(msgs[i].topic, p->alert_topic) == 0 &&
				  strstr(msgs[i].payload, "heater_unconfirmed") != NULL;
		assert_int_equal(alerts, 1);
	}
	/* The next ON waits twice as long: two minutes, not one. */
	ons = f->gen1_on;
	plug_serve(p, 70000);
	assert_int_equal(f->gen1_on, ons);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_overpower_is_not_on, setup, plug_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
