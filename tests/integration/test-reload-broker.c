/*
 * A reload that changes the [mqtt] connection: every heater is made anew on
 * the new connection. One left on is switched off through the old connection
 * first; a key of heating's in [mqtt] keeps the connection; and the plug's
 * alerts of before are checked again, not left on the phone for good.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/reload-fixture.h"

/*
 * A reload to a broker that cannot be reached (a typo in the port) while a
 * heater is on: it is switched off through the old connection first, since
 * nothing could switch it off once that is gone (a user trial: a generic plug
 * left on, the thermometer with it on the old broker). Putting the port back
 * reaches the plug again.
 */
static void test_reload_to_an_unreachable_broker_switches_off_first(void **state)
{
	struct fixture *f = *state;
	char text[256], want[256];
	int port = harness_free_port(), good = f->broker.port;

	assert_true(port > 0);
	write_config(f, "0", "0", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	f->broker.port = port;
	write_config(f, "0", "0", "");
	f->broker.port = good;
	client_clear(f->client);
	reload(f);
	plug_receives(f, "OFF");
	snprintf(want, sizeof(want),
		 "heater.plug: switched off through the old connection before the new one to "
		 "127.0.0.1:%d: one left on would be out of reach should that never connect",
		 port);
	assert_int_equal(daemon_wait_log(&f->daemon, want, 5000), 0);
	snprintf(text, sizeof(text), "cannot reach MQTT broker 127.0.0.1:%d", port);
	assert_int_equal(daemon_wait_log(&f->daemon, text, 10000), 0);
	/* The port put back: connected again, and the plug is driven again. */
	write_config(f, "0", "0", "");
	client_clear(f->client);
	reload(f);
	reading(f, "15.0");
	plug_receives(f, "ON");
	assert_int_equal(commands(f, "OFF"), 0);
}

/*
 * A reload that changes only [mqtt] (keepalive) while the heater is on: the
 * new connection switches it off first, and min_off holds the same heater on
 * the same plug off from then. The journal says so; it used to guess "another
 * heater's or another topic's then".
 */
static void test_reload_of_mqtt_only_says_why_min_off_holds(void **state)
{
	struct fixture *f = *state;

	write_conf(f, &(struct conf){ .min_off = "10min" });
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	write_conf(f, &(struct conf){ .min_off = "10min", .mqtt_extra = "keepalive = 30\n" });
	client_clear(f->client);
	reload(f);
	plug_receives(f, "OFF");
	assert_int_equal(
	    daemon_wait_log(&f->daemon,
			    " s ago, switched off by the reload to another MQTT "
			    "connection (every heater goes off first): min_off holds it "
			    "off until ",
			    5000),
	    0);
	assert_int_equal(daemon_log_count(&f->daemon, "heater.plug: its plug went off "), 1);
	assert_int_equal(daemon_log_count(&f->daemon, "another heater's"), 0);
	/* Cold, and held off all the same. */
	reading(f, "15.0");
	state_says(f, "\"heating_reason\":\"min_off\"");
	assert_int_equal(commands(f, "ON"), 0);
}

/*
 * The same reload while the broker is away (a user trial): the old connection
 * could not send the OFF, as its warning says, so the min_off line must not
 * say the plug went off.
 */
static void test_reload_of_mqtt_while_the_broker_is_away(void **state)
{
	struct fixture *f = *state;

	write_conf(f, &(struct conf){ .min_off = "10min" });
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	broker_stop(&f->broker);
	assert_int_equal(daemon_wait_log(&f->daemon, "connection to MQTT broker", 30000), 0);
	write_conf(f, &(struct conf){ .min_off = "10min", .mqtt_extra = "keepalive = 30\n" });
	reload(f);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heater.plug: cannot be switched off: the broker is not "
					 "connected",
					 5000),
			 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon,
			    "heater.plug: its plug was told off 0 s ago, by the reload to "
			    "another MQTT connection (every heater goes off first), while "
			    "the broker was not connected: the OFF goes out once it is: "
			    "min_off holds it off until ",
			    5000),
	    0);
	assert_int_equal(daemon_log_count(&f->daemon, "its plug went off"), 0);
}

/*
 * The same reload moving the heater to another plug: the old plug, left on
 * while the broker was away, is told OFF on the new connection once it is up
 * (the old connection is gone by then).
 */
static void test_reload_of_mqtt_and_plug_while_the_broker_is_away(void **state)
{
	struct fixture *f = *state;
	char set2[96], state2[96];

	other_plug(set2, state2);
	heating_then_broker_away(f);
	write_conf(f, &(struct conf){ .mqtt_extra = "keepalive = 30\n",
				      .set_topic = set2,
				      .state_topic = state2 });
	reload(f);
	assert_int_equal(
	    daemon_wait_log(&f->daemon,
			    "heater.plug (old plug): let go by the reload while it may be "
			    "on and the broker is not connected",
			    5000),
	    0);
	broker_back(f);
	let_go_plug_seen_off(f);
}

/*
 * A reload that changes only command_max_age keeps the connection, and the
 * heater on: the key is heating's, and a new connection would switch the
 * heaters off first (the test above).
 */
static void test_reload_of_command_max_age_keeps_the_connection(void **state)
{
	struct fixture *f = *state;
	char *log;

	write_config(f, "0", "0", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	client_clear(f->client); /* the OFF of the start */
	write_conf(f, &(struct conf){ .mqtt_extra = "command_max_age = 2min\n" });
	reload(f);
	reading(f, "15.0");
	state_says(f, "\"heating_reason\":\"heating\"");
	assert_int_equal(commands(f, "OFF"), 0);
	log = daemon_stderr(&f->daemon);
	assert_non_null(log);
	if (strstr(log, "switched off through the old connection") ||
	    strstr(log, "connection lost") || strstr(log, "said offline"))
		fail_msg("command_max_age made a new connection:\n%s", log);
	free(log);
	assert_int_equal(daemon_log_count(&f->daemon, "connected to MQTT broker"), 1);
}

/*
 * heater_unconfirmed raised, then a reload to a new connection: the heater
 * made anew there has raised nothing, and the old one is gone. The plug
 * answering on the new connection clears the alert after its check (three
 * confirmation timeouts and some), as after a restart; it used to stay raised
 * until the next restart.
 */
static void test_reload_to_a_new_connection_rechecks_plug_alerts(void **state)
{
	struct fixture *f = *state;
	char topic[128];

	snprintf(topic, sizeof(topic), "%s/event/alert", f->base);
	write_conf(f, &(struct conf){ .extra = "confirm_timeout = 2s\n" });
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	assert_non_null(client_wait(f->client, f->set_topic, "ON", 10000));
	/* The plug does not answer. */
	assert_non_null(client_wait(f->client, topic, "~\"kind\":\"heater_unconfirmed\"", 30000));
	write_conf(f, &(struct conf){ .mqtt_extra = "keepalive = 30\n",
				      .extra = "confirm_timeout = 2s\n" });
	client_clear(f->client);
	reload(f);
	/* It answers on the new connection: the alert is over once its check is. */
	plug_receives(f, "ON");
	assert_non_null(client_wait(
	    f->client, topic, "~Not seen again since bedroomd reloaded its configuration.", 60000));
	state_says(f, "\"alerts\":[]");
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "alert heater_unconfirmed of heater.plug, left by the "
					 "configuration before the reload, was not seen again: "
					 "cleared",
					 5000),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_reload_to_an_unreachable_broker_switches_off_first, reload_setup,
		    reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_of_mqtt_only_says_why_min_off_holds,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_of_mqtt_while_the_broker_is_away,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_of_command_max_age_keeps_the_connection,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_of_mqtt_and_plug_while_the_broker_is_away, reload_setup,
		    reload_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_to_a_new_connection_rechecks_plug_alerts, reload_setup,
		    reload_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
