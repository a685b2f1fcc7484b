/*
 * A reload keeps what did not change: SIGHUP while heating neither switches
 * the heater nor forgets the room temperature nor restarts a minimum off-time;
 * and <base>/state's action and heating_reason agree while a relay's minimum
 * on- or off-time holds it. The test is the thermometer and the plug (a
 * generic one: it confirms each command on its state topic).
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

/* Heating, then SIGHUP with the same file and with an unrelated change: nothing moves. */
static void test_reload_while_heating(void **state)
{
	struct fixture *f = *state;

	write_config(f, "0", "3min", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	state_says(f, "\"action\":\"heating\"");

	client_clear(f->client);
	reload(f);
	write_config(f, "0", "3min", "[room]\npublish_step = 0.2\n");
	reload(f);
	/* The room temperature is still known, and heating goes on deciding on it. */
	state_says(f, "\"temperature\":15.0");
	reading(f, "15.1");
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 15.100", 10000), 0);
	state_says(f, "\"heating_reason\":\"heating\"");
	assert_int_equal(commands(f, "OFF"), 0);
	assert_int_equal(commands(f, "ON"), 0);
	/* No state since the reloads said the sensor was stale or the heater idle. */
	{
		const struct message *m;
		size_t n = client_messages(f->client, &m);

		for (size_t i = 0; i < n; i++) {
			if (strcmp(m[i].topic, f->state_topic) != 0)
				continue;
			assert_null(strstr(m[i].payload, "sensor_stale"));
			assert_null(strstr(m[i].payload, "\"action\":\"idle\""));
		}
	}
}

/* Off and held off by min_off: a reload does not restart the relay early. */
static void test_reload_keeps_min_off(void **state)
{
	struct fixture *f = *state;

	write_config(f, "0", "3min", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	client_clear(f->client); /* the OFF of the start-up */
	reading(f, "24.0");
	plug_receives(f, "OFF");
	/* Cold again, for long enough that the thermostat's estimate of the air says so. */
	for (int i = 0; i < 4; i++) {
		reading(f, "15.0");
		usleep(200 * 1000);
	}
	/* Wanted on, held off: action and reason agree. */
	state_says(f, "\"heating_reason\":\"min_off\"");
	client_clear(f->client);
	reload(f);
	reading(f, "14.9");
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 14.900", 10000), 0);
	reading(f, "14.8");
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 14.800", 10000), 0);
	state_says(f, "\"heating_reason\":\"min_off\"");
	assert_int_equal(commands(f, "ON"), 0);
	assert_int_equal(commands(f, "OFF"), 0);
}

/* Warm, but held on by min_on: the state says so, not "idle". */
static void test_min_on_is_the_reason(void **state)
{
	struct fixture *f = *state;

	write_config(f, "3min", "0", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	client_clear(f->client);
	reading(f, "24.0");
	state_says(f, "\"action\":\"heating\"");
	state_says(f, "\"heating_reason\":\"min_on\"");
	assert_int_equal(commands(f, "OFF"), 0);
}

/* A second heater's section, with @more lines: its plug is the test's, never answered. */
static void fan_section(char *buf, size_t size, const char *more)
{
	snprintf(buf, size,
		 "[heater.fan]\ntype = generic\ncommand_topic = test%d/fan/set\n"
		 "state_topic = test%d/fan/state\n%s",
		 (int) getpid(), (int) getpid(), more);
}

/*
 * A reload that adds a second heater makes the thermostat anew; the heater
 * that was heating stays on (it used to be switched off, the room below the
 * floor for min_off), and min_on counts from when it went on.
 */
static void test_reload_adding_a_heater_keeps_the_running_one_on(void **state)
{
	struct fixture *f = *state;
	char extra[256];

	write_config(f, "2min", "3min", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	fan_section(extra, sizeof(extra), "");
	write_config(f, "2min", "3min", extra);
	client_clear(f->client);
	reload(f);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "heater.plug: on, and kept on through the reload", 5000),
	    0);
	reading(f, "15.1");
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 15.100", 10000), 0);
	state_says(f, "\"heating_reason\":\"heating\"");
	assert_int_equal(commands(f, "OFF"), 0);
}

/*
 * A heater resting after heating without effect (its plug on, drawing 0 W for
 * 2 minutes) rests on through a reload that makes the thermostat anew, and its
 * alert stays: the new thermostat used to switch it straight on again (with
 * the alert never cleared).
 */
static void test_reload_keeps_a_heater_resting(void **state)
{
	struct fixture *f = *state;
	char extra[256], power[] = "power_json_key = power\n";
	int waited;

	write_config(f, "0", "0", power);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	assert_int_equal(client_publish(f->client, f->plug_state_topic, "{\"power\":0}", true), 0);
	/* Readings keep coming while the plug draws nothing. */
	for (waited = 0; waited < 180; waited += 15) {
		reading(f, "15.0");
		if (daemon_wait_log(&f->daemon, "heater.plug: heating_no_effect", 15000) == 0)
			break;
	}
	assert_true(waited < 180);
	plug_receives(f, "OFF");
	fan_section(extra, sizeof(extra), "");
	memmove(extra + strlen(power), extra, strlen(extra) + 1);
	memcpy(extra, power, strlen(power));
	write_config(f, "0", "0", extra);
	client_clear(f->client);
	reload(f);
	assert_int_equal(daemon_wait_log(&f->daemon, "heater.plug: rests (no_effect) until", 5000),
			 0);
	reading(f, "15.1");
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 15.100", 10000), 0);
	state_says(f, "\"source\":\"heater.plug\"");
	sleep(2);
	assert_int_equal(commands(f, "ON"), 0);
}

/* An alert of a heater a reload removed is cleared: nothing else would ever clear it. */
static void test_reload_clears_the_alerts_of_a_removed_heater(void **state)
{
	struct fixture *f = *state;
	char extra[256], topic[128];

	fan_section(extra, sizeof(extra), "confirm_timeout = 2s\n");
	write_config(f, "0", "0", extra);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON"); /* the fan's plug never answers */
	state_says(f, "\"source\":\"heater.fan\"");
	write_config(f, "0", "0", "");
	client_clear(f->client);
	reload(f);
	snprintf(topic, sizeof(topic), "%s/event/alert", f->base);
	assert_non_null(
	    client_wait(f->client, topic, "~heater.fan is not configured any more", 10000));
	state_says(f, "\"alerts\":[]");
}

/*
 * A reload that removes the heater switches it off: it is gone, not kept; its
 * plug is told OFF again until it says OFF, with no heater left to decide (a
 * review: nothing woke for the re-send then).
 */
static void test_reload_removing_the_heater_switches_it_off(void **state)
{
	struct fixture *f = *state;
	char text[1024];

	write_config(f, "0", "0", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = reload%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[sensor.air]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n",
		 (int) getpid(), f->broker.port, f->thermo_topic);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
	client_clear(f->client);
	reload(f);
	assert_non_null(client_wait(f->client, f->set_topic, "OFF", 10000));
	client_clear(f->client);
	let_go_plug_seen_off(f);
}

/*
 * A reload that changes the heater's settings but not its plug: the new heater
 * decides and sends (it knew no connection and so would have sent nothing, for
 * good, while the state said "heating"), and the old one does not switch the
 * relay off a moment before; nor does the new one, which takes over the relay
 * as it was (on, with its min_on from when it went on).
 */
static void test_reload_changing_the_heater_commands_it_again(void **state)
{
	struct fixture *f = *state;
	char *log;

	write_config(f, "2min", "3min", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	write_config(f, "2min", "3min", "confirm_timeout = 20s\n");
	client_clear(f->client);
	reload(f);
	assert_int_equal(
	    daemon_wait_log(&f->daemon,
			    "heater.plug: new settings for the same plug: not switched "
			    "off in between",
			    5000),
	    0);
	/* It was on, and stays on: it used to go the way of a restart, off for min_off. */
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "heater.plug: on, and kept on through the reload", 5000),
	    0);
	plug_receives(f, "ON");
	reading(f, "15.1");
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 15.100", 10000), 0);
	state_says(f, "\"state\":\"on\"");
	state_says(f, "\"heating_reason\":\"heating\"");
	assert_int_equal(commands(f, "OFF"), 0);
	log = daemon_stderr(&f->daemon);
	assert_non_null(log);
	if (strstr(log, "switched off now"))
		fail_msg("the changed heater was switched off:\n%s", log);
	free(log);
}

/*
 * The plug's alerts in the plug's words: an availability payload that is not
 * availability_online is quoted (it used to read "the plug says it is offline
 * (its last will)" for 'Online'), and a plug that says the opposite of its
 * command is not "no answer" (a user trial: its own button, 1500 W on).
 * heater_offline comes after its grace (a minute), in the words of the
 * message that made the plug offline, which the journal says at once; a blip
 * within the grace (a user trial: the retained will before the plug's new
 * 'online', at each broker restart) is a line, not an alert.
 */
static void test_plug_alerts_say_what_the_plug_said(void **state)
{
	struct fixture *f = *state;
	char extra[256], avail[96], want[256], alert[128];
	long long since;

	snprintf(avail, sizeof(avail), "test%d/plug/avail", (int) getpid());
	snprintf(alert, sizeof(alert), "%s/event/alert", f->base);
	snprintf(extra, sizeof(extra), "confirm_timeout = 2s\navailability_topic = %s\n", avail);
	write_config(f, "0", "0", extra);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	/* A blip: a line each way, no alert. */
	assert_int_equal(client_publish(f->client, avail, "offline", true), 0);
	assert_int_equal(client_publish(f->client, avail, "online", true), 0);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heater.plug: the plug answers again, within "
					 "heater_offline's grace of 1min: no alert",
					 10000),
			 0);
	snprintf(want, sizeof(want),
		 "heater.plug: the plug says it is offline ('offline' on '%s'); heater_offline in "
		 "60 s, unless it answers again by then",
		 avail);
	assert_int_equal(daemon_log_count(&f->daemon, want), 1);
	/* The plug's own word for it: not taken for a mismatch in the config (a trial). */
	assert_int_equal(daemon_log_count(&f->daemon, "not availability_online"), 0);
	since = now_ms();
	assert_int_equal(client_publish(f->client, avail, "Online", true), 0);
	snprintf(want, sizeof(want),
		 "heater.plug: 'Online' on '%s' is not availability_online 'online': taken as "
		 "offline; heater_offline in 60 s, unless it answers again by then",
		 avail);
	assert_int_equal(daemon_wait_log(&f->daemon, want, 10000), 0);
	/* A minute later (client_wait() keeps the test's connection alive meanwhile). */
	assert_non_null(client_wait(f->client, alert, "~\"kind\":\"heater_offline\"", 75000));
	if (now_ms() - since < 59000)
		fail_msg("heater_offline after %lld ms, before its grace", now_ms() - since);
	/* The alert's own line: the same words, not "(its last will)". */
	snprintf(want, sizeof(want),
		 "heater.plug: heater_offline: 'Online' on '%s' is not availability_online "
		 "'online': taken as offline",
		 avail);
	assert_int_equal(daemon_wait_log(&f->daemon, want, 5000), 0);
	assert_int_equal(daemon_log_count(&f->daemon, "its last will"), 0);
	/* Back, off and back while raised: lines; cleared once online for the grace. */
	assert_int_equal(client_publish(f->client, avail, "online", true), 0);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heater.plug: the plug answers again; heater_offline is "
					 "over in 60 s, if it stays online",
					 10000),
			 0);
	assert_int_equal(client_publish(f->client, avail, "offline", true), 0);
	snprintf(want, sizeof(want),
		 "heater.plug: the plug says it is offline ('offline' on '%s'); heater_offline "
		 "goes on",
		 avail);
	assert_int_equal(daemon_wait_log(&f->daemon, want, 10000), 0);
	assert_int_equal(client_publish(f->client, avail, "online", true), 0);
	for (long long end = now_ms() + 10000;
	     now_ms() < end && daemon_log_count(&f->daemon, "the plug answers again;") < 2;)
		usleep(50000);
	assert_int_equal(daemon_log_count(&f->daemon, "the plug answers again;"), 2);
	assert_int_equal(daemon_log_count(&f->daemon, "heater_offline is over:"), 0);
	assert_int_equal(daemon_log_count(&f->daemon, "heater.plug: heater_offline:"), 1);
	/*
	 * Back, it takes the ON sent at its return (its relay is unknown till it
	 * says: what a plug comes up with after a power cut is no switch); the
	 * broker hands the daemon this and the OFF below in order.
	 */
	assert_int_equal(client_publish(f->client, f->plug_state_topic, "ON", true), 0);
	/* Its own button: OFF, and no answer to the ON sent again. */
	assert_int_equal(client_publish(f->client, f->plug_state_topic, "OFF", true), 0);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heater.plug: the plug says it is off, though told ON: "
					 "switched by something else (its button, its own timer, "
					 "a power cut, another automation?); sending ON again",
					 10000),
			 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon,
			    "heater.plug: heater_unconfirmed: the plug says it is off, "
			    "though told ON",
			    30000),
	    0);
	assert_non_null(
	    client_wait(f->client, alert, "~says it is off, though bedroomd switched it on", 5000));
}

/*
 * A plug switched by something else, or that changes what it says while
 * heater_unconfirmed is active, is said in the journal with what bedroomd does
 * about it (a user trial: corrected without a line, and silent while
 * unconfirmed); a plug that flaps does not write a line a flap.
 */
static void test_plug_switched_by_something_else_is_said(void **state)
{
	struct fixture *f = *state;
	const char *switched = "switched by something else (its button, its own timer, a power "
			       "cut, another automation?)";

	write_config(f, "0", "0", "confirm_timeout = 2s\n");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	/* Its button: off. bedroomd says so, and ON goes again. */
	client_clear(f->client);
	assert_int_equal(client_publish(f->client, f->plug_state_topic, "OFF", true), 0);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heater.plug: the plug says it is off, though told ON: "
					 "switched by something else (its button, its own timer, "
					 "a power cut, another automation?); sending ON again",
					 10000),
			 0);
	plug_receives(f, "ON");
	/* Told OFF, silent until heater_unconfirmed; then it says ON: said, once. */
	client_clear(f->client);
	reading(f, "24.0");
	assert_non_null(client_wait(f->client, f->set_topic, "OFF", 10000));
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "heater.plug: heater_unconfirmed: no answer on", 20000), 0);
	assert_int_equal(client_publish(f->client, f->plug_state_topic, "ON", true), 0);
	assert_int_equal(client_publish(f->client, f->plug_state_topic, "ON", true), 0);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heater.plug: heater_unconfirmed: the plug now says it is "
					 "on, though told OFF (its own button or timer, or a plug "
					 "that ignores commands?); sending OFF again",
					 10000),
			 0);
	/* It says OFF as told: the alert is over. */
	assert_int_equal(client_publish(f->client, f->plug_state_topic, "OFF", true), 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "heater.plug: heater_unconfirmed is over", 10000), 0);
	assert_int_equal(daemon_log_count(&f->daemon, "the plug now says it is"), 1);
	/* Flapping: three lines in ten minutes, then one that says the rest are counted. */
	for (int i = 0; i < 10; i++) {
		assert_int_equal(client_publish(f->client, f->plug_state_topic, "ON", true), 0);
		assert_int_equal(client_publish(f->client, f->plug_state_topic, "OFF", true), 0);
	}
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heater.plug: the plug keeps reporting against its "
					 "command: more within 10min are counted, not logged one "
					 "by one",
					 10000),
			 0);
	sleep(1);
	assert_int_equal(daemon_log_count(&f->daemon, switched), 2);
	assert_int_equal(daemon_log_count(&f->daemon, "keeps reporting against its command"), 1);
}

/*
 * A reload that moves a heater to another plug (its topics changed, its name
 * the same) while heating: the old plug is switched off, and the new one is
 * switched on at once. The old plug's min_off used to hold the new plug off
 * (a trial: "off since ... (before the reload): min_off holds it off").
 */
static void test_reload_moving_a_heater_to_another_plug(void **state)
{
	struct fixture *f = *state;
	char set2[96], state2[96];

	snprintf(set2, sizeof(set2), "test%d/plug2/set", (int) getpid());
	snprintf(state2, sizeof(state2), "test%d/plug2/state", (int) getpid());
	write_config(f, "2min", "3min", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	write_conf(
	    f, &(struct conf){
		   .min_on = "2min", .min_off = "3min", .set_topic = set2, .state_topic = state2 });
	client_clear(f->client);
	reload(f);
	assert_non_null(client_wait(f->client, f->set_topic, "OFF", 10000));
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heater.plug: another plug since the reload: its relay "
					 "starts afresh",
					 5000),
			 0);
	assert_non_null(client_wait(f->client, set2, "ON", 10000));
	assert_int_equal(client_publish(f->client, state2, "ON", true), 0);
	state_says(f, "\"heating_reason\":\"heating\"");
	assert_int_equal(daemon_log_count(&f->daemon, "min_off holds it off"), 0);
}

/*
 * A reload that moves the heater to another plug while the broker is away (a
 * safety audit): the old plug, left on, is told OFF once the broker is back,
 * and again until it says OFF; then it is let go.
 */
static void test_a_plug_let_go_while_the_broker_is_away_is_seen_off(void **state)
{
	struct fixture *f = *state;
	char set2[96], state2[96];

	other_plug(set2, state2);
	heating_then_broker_away(f);
	write_conf(f, &(struct conf){ .set_topic = set2, .state_topic = state2 });
	reload(f);
	assert_int_equal(
	    daemon_wait_log(&f->daemon,
			    "heater.plug (old plug): let go by the reload while it may be "
			    "on and the broker is not connected: OFF goes out once it is",
			    5000),
	    0);
	broker_back(f);
	/* Not answered: sent again. */
	assert_non_null(client_wait(f->client, f->set_topic, "OFF", 75000));
	client_clear(f->client);
	let_go_plug_seen_off(f);
	/* Let go now: no OFF again (it was sent every few seconds before). */
	client_clear(f->client);
	assert_null(client_wait(f->client, f->set_topic, "OFF", 15000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reload_while_heating, reload_setup,
						reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_min_off, reload_setup,
						reload_teardown),
		cmocka_unit_test_setup_teardown(test_min_on_is_the_reason, reload_setup,
						reload_teardown),
		cmocka_unit_test_setup_teardown(test_plug_alerts_say_what_the_plug_said,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(test_plug_switched_by_something_else_is_said,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_changing_the_heater_commands_it_again,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_moving_a_heater_to_another_plug,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_adding_a_heater_keeps_the_running_one_on, reload_setup,
		    reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_clears_the_alerts_of_a_removed_heater,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_a_heater_resting, reload_setup,
						reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_removing_the_heater_switches_it_off,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_plug_let_go_while_the_broker_is_away_is_seen_off, reload_setup,
		    reload_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
