/*
 * A Tasmota, end to end: the test is the thermometer and plays the plug
 * (cmnd/<topic>/Backlog and cmnd/<topic>/POWER answered on stat/<topic>/RESULT
 * and stat/<topic>/POWER, as Tasmota does).
 *
 * One whose StateText1/StateText2 were changed to "AUS"/"AN" answers the OFF
 * at the start with "AUS": bedroomd must not take it as off (nor an "AN" as
 * on), nor keep quiet about it. The journal says the word once at warning
 * with what to do, the heater is unconfirmed at once (heater_unconfirmed on
 * the alert topic, <base>/state).
 *
 * One told OFF and ON again at once, whose "OFF" to the first comes after the
 * ON went out (a late echo): no "switched by something else", and the ON is
 * sent again when the plug stays off.
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
	char base[64], state_topic[96], alert_topic[96], mode_topic[96];
	char thermo_topic[96];
	char plug[48], backlog[96], power[96], result[96], stat_power[96];
	size_t seen;         /* messages the plug looked at */
	const char *on_word; /* what it says for ON, OFF (its StateText2, StateText1) */
	const char *off_word;
	bool hold_off;  /* the answer to OFF waits for the next command */
	bool off_held;  /* an OFF waits for its answer */
	bool ignore_on; /* ONs are not taken (the plug stays off) */
	unsigned ons;   /* ONs it was sent */
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
	f->on_word = "ON";
	f->off_word = "OFF";
	snprintf(f->base, sizeof(f->base), "bedroomd/tas-%d", pid);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	snprintf(f->alert_topic, sizeof(f->alert_topic), "%s/event/alert", f->base);
	snprintf(f->mode_topic, sizeof(f->mode_topic), "%s/set/mode", f->base);
	snprintf(f->thermo_topic, sizeof(f->thermo_topic), "test%d/thermometer", pid);
	snprintf(f->plug, sizeof(f->plug), "tas-%d", pid);
	snprintf(f->backlog, sizeof(f->backlog), "cmnd/%s/Backlog", f->plug);
	snprintf(f->power, sizeof(f->power), "cmnd/%s/POWER", f->plug);
	snprintf(f->result, sizeof(f->result), "stat/%s/RESULT", f->plug);
	snprintf(f->stat_power, sizeof(f->stat_power), "stat/%s/POWER", f->plug);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = tas-%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = 0\nmin_off = 0\n"
		 "[sensor.air]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n"
		 "[heater.tas]\ntype = tasmota\ntopic = %s\nconfirm_timeout = 2s\n",
		 pid, f->broker.port, f->thermo_topic, f->plug);
	if (daemon_write_config(&f->daemon, text) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

/* The plug says @word for its relay, on both topics Tasmota says it. */
static void say(struct fixture *f, const char *word)
{
	char json[96];

	snprintf(json, sizeof(json), "{\"POWER\":\"%s\"}", word);
	assert_int_equal(client_publish(f->client, f->result, json, false), 0);
	assert_int_equal(client_publish(f->client, f->stat_power, word, false), 0);
}

/* Plays the plug for @ms: each command answered with its state, as f says. */
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
			bool on, off;

			snprintf(topic, sizeof(topic), "%s", m[f->seen].topic);
			snprintf(payload, sizeof(payload), "%s", m[f->seen].payload);
			on = strcmp(topic, f->backlog) == 0 && strstr(payload, "Power ON");
			off = strcmp(topic, f->power) == 0 && strcmp(payload, "OFF") == 0;
			if (on || off) {
				if (f->off_held) { /* the late answer to the OFF before */
					say(f, f->off_word);
					f->off_held = false;
				}
			}
			if (on) {
				f->ons++;
				if (!f->ignore_on)
					say(f, f->on_word);
			} else if (off && f->hold_off)
				f->off_held = true;
			else if (off)
				say(f, f->off_word);
			n = client_messages(f->client, &m);
		}
	}
}

static void test_state_text_is_not_on(void **state)
{
	struct fixture *f = *state;
	char want[512];
	const struct message *m;

	f->on_word = "AN";
	f->off_word = "AUS";
	assert_int_equal(client_publish(f->client, f->thermo_topic, "20.0", true), 0);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	/* Told OFF at the start, it answers "AUS". */
	serve(f, 2000);
	snprintf(want, sizeof(want),
		 "heater.tas: 'AUS' on '%s' is neither ON nor OFF: the plug is not taken as off; "
		 "heater_unconfirmed (another heater may stand in); sending OFF again in 60 s "
		 "(Tasmota's StateText1/StateText2 must be OFF/ON, or use type = generic with "
		 "state_on/state_off)",
		 f->result);
	assert_int_equal(daemon_wait_log(&f->daemon, want, 5000), 0);
	m = client_wait(f->client, f->alert_topic, "~\"kind\":\"heater_unconfirmed\"", 5000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"source\":\"heater.tas\""));
	assert_non_null(strstr(m->payload, "The smart plug of heater 'tas' says 'AUS', neither on "
					   "nor off"));
	assert_non_null(client_wait(
	    f->client, f->state_topic,
	    "~\"tas\":{\"on\":false,\"power\":null,\"relay\":null,\"state\":\"unconfirmed\"}",
	    5000));
	/* Said once: the same word on the other topic, or again, is not news. */
	say(f, "AUS");
	serve(f, 1000);
	assert_int_equal(daemon_log_count(&f->daemon, "the plug is not taken as"), 1);
	assert_int_equal(daemon_log_count(&f->daemon, "heater.tas: heater_unconfirmed: no answer"),
			 0);
}

static void test_late_echo_is_no_switch(void **state)
{
	struct fixture *f = *state;
	unsigned ons;

	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(client_publish(f->client, f->thermo_topic, "15.0", true), 0);
	serve(f, 3000);
	assert_non_null(client_wait(
	    f->client, f->state_topic,
	    "~\"tas\":{\"on\":true,\"power\":null,\"relay\":\"on\",\"state\":\"on\"}", 3000));
	/* Off, and heat again at once: its "OFF" comes after the ON, which it does not take. */
	f->hold_off = true;
	f->ignore_on = true;
	ons = f->ons;
	assert_int_equal(client_publish(f->client, f->mode_topic, "off", false), 0);
	serve(f, 300);
	assert_int_equal(client_publish(f->client, f->mode_topic, "heat", false), 0);
	serve(f, 1000);
	assert_int_equal(f->ons, ons + 1);
	assert_false(f->off_held);
	/* It stays off: ON again at its confirmation timeout (2 s), and then it takes it. */
	f->ignore_on = false;
	serve(f, 3000);
	assert_int_equal(f->ons, ons + 2);
	assert_non_null(client_wait(
	    f->client, f->state_topic,
	    "~\"tas\":{\"on\":true,\"power\":null,\"relay\":\"on\",\"state\":\"on\"}", 3000));
	assert_int_equal(daemon_log_count(&f->daemon, "switched by something else"), 0);
	assert_int_equal(daemon_log_count(&f->daemon, "though told"), 0);
	assert_int_equal(daemon_log_count(&f->daemon, "heater_unconfirmed"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state_text_is_not_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_echo_is_no_switch, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
