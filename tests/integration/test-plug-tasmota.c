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

#include "tests/integration/plug-fixture.h"

struct fixture {
	struct plug_fixture plug;
	char mode_topic[96];
	char backlog[96], power[96], result[96], stat_power[96];
	const char *on_word; /* what it says for ON, OFF (its StateText2, StateText1) */
	const char *off_word;
	bool hold_off;  /* the answer to OFF waits for the next command */
	bool off_held;  /* an OFF waits for its answer */
	bool ignore_on; /* ONs are not taken (the plug stays off) */
	unsigned ons;   /* ONs it was sent */
};

/* The plug says @word for its relay, on both topics Tasmota says it. */
static void say(struct fixture *f, const char *word)
{
	char json[96];

	snprintf(json, sizeof(json), "{\"POWER\":\"%s\"}", word);
	assert_int_equal(client_publish(f->plug.client, f->result, json, false), 0);
	assert_int_equal(client_publish(f->plug.client, f->stat_power, word, false), 0);
}

/* The plug: each command answered with its state, as f says. */
static void answer(void *fixture, const char *topic, const char *payload)
{
	struct fixture *f = fixture;
	bool on = strcmp(topic, f->backlog) == 0 && strstr(payload, "Power ON");
	bool off = strcmp(topic, f->power) == 0 && strcmp(payload, "OFF") == 0;

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
}

static int setup(void **state)
{
	struct fixture *f;
	const char *plug;
	char heaters[512];

	if (plug_setup(state, sizeof(*f), "tas-", answer) < 0)
		return -1;
	f = *state;
	f->on_word = "ON";
	f->off_word = "OFF";
	snprintf(f->mode_topic, sizeof(f->mode_topic), "%s/set/mode", f->plug.base);
	plug = f->plug.node_id; /* tas-<PID>, the plug's topic too */
	snprintf(f->backlog, sizeof(f->backlog), "cmnd/%s/Backlog", plug);
	snprintf(f->power, sizeof(f->power), "cmnd/%s/POWER", plug);
	snprintf(f->result, sizeof(f->result), "stat/%s/RESULT", plug);
	snprintf(f->stat_power, sizeof(f->stat_power), "stat/%s/POWER", plug);
	snprintf(heaters, sizeof(heaters),
		 "[heater.tas]\ntype = tasmota\ntopic = %s\nconfirm_timeout = 2s\n", plug);
	return plug_configure(state, "max_rate = 0\n", heaters);
}

static void test_state_text_is_not_on(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;
	char want[512];
	const struct message *m;

	f->on_word = "AN";
	f->off_word = "AUS";
	plug_reading(p, "20.0", true);
	plug_start(p);
	/* Told OFF at the start, it answers "AUS". */
	plug_serve(p, 2000);
	snprintf(want, sizeof(want),
		 "heater.tas: 'AUS' on '%s' is neither ON nor OFF: the plug is not taken as off; "
		 "heater_unconfirmed (another heater may stand in); sending OFF again in 60 s "
		 "(Tasmota's StateText1/StateText2 must be OFF/ON, or use type = generic with "
		 "state_on/state_off)",
		 f->result);
	assert_int_equal(daemon_wait_log(&p->daemon, want, 5000), 0);
	m = client_wait(p->client, p->alert_topic, "~\"kind\":\"heater_unconfirmed\"", 5000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"source\":\"heater.tas\""));
	assert_non_null(strstr(m->payload, "The smart plug of heater 'tas' says 'AUS', neither on "
					   "nor off"));
	assert_non_null(client_wait(
	    p->client, p->state_topic,
	    "~\"tas\":{\"on\":false,\"power\":null,\"relay\":null,\"said\":{\"kind\":\"state\","
	    "\"word\":\"AUS\"},\"state\":\"unconfirmed\"}",
	    5000));
	/* Said once: the same word on the other topic, or again, is not news. */
	say(f, "AUS");
	plug_serve(p, 1000);
	assert_int_equal(daemon_log_count(&p->daemon, "the plug is not taken as"), 1);
	assert_int_equal(daemon_log_count(&p->daemon, "heater.tas: heater_unconfirmed: no answer"),
			 0);
}

/* Waits for <base>/state to say the plug is told on and confirmed on, nothing else said. */
static void wait_on_confirmed(struct plug_fixture *p)
{
	assert_non_null(client_wait(
	    p->client, p->state_topic,
	    "~\"tas\":{\"on\":true,\"power\":null,\"relay\":\"on\",\"said\":null,\"state\":\"on\"}",
	    3000));
}

static void test_late_echo_is_no_switch(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;
	unsigned ons;

	plug_start(p);
	plug_reading(p, "15.0", true);
	plug_serve(p, 3000);
	wait_on_confirmed(p);
	/* Off, and heat again at once: its "OFF" comes after the ON, which it does not take. */
	f->hold_off = true;
	f->ignore_on = true;
	ons = f->ons;
	assert_int_equal(client_publish(p->client, f->mode_topic, "off", false), 0);
	plug_serve(p, 300);
	assert_int_equal(client_publish(p->client, f->mode_topic, "heat", false), 0);
	plug_serve(p, 1000);
	assert_int_equal(f->ons, ons + 1);
	assert_false(f->off_held);
	/* It stays off: ON again at its confirmation timeout (2 s), and then it takes it. */
	f->ignore_on = false;
	plug_serve(p, 3000);
	assert_int_equal(f->ons, ons + 2);
	wait_on_confirmed(p);
	assert_int_equal(daemon_log_count(&p->daemon, "switched by something else"), 0);
	assert_int_equal(daemon_log_count(&p->daemon, "though told"), 0);
	assert_int_equal(daemon_log_count(&p->daemon, "heater_unconfirmed"), 0);
}

/*
 * A plug back from a power cut comes up off (PowerOnState 0, as the README
 * advises) and says so with its LWT "Online": that is no switch by something
 * else (a user trial saw the warning at every return), and the ON sent at its
 * return is taken.
 */
static void test_a_plug_back_from_a_power_cut_is_no_switch(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;
	char lwt[96], tele[96];

	snprintf(lwt, sizeof(lwt), "tele/%s/LWT", p->node_id);
	snprintf(tele, sizeof(tele), "tele/%s/STATE", p->node_id);
	plug_start(p);
	plug_reading(p, "15.0", true);
	plug_serve(p, 3000);
	assert_non_null(client_wait(p->client, p->state_topic,
				    "~\"tas\":{\"on\":true,\"power\":null,\"relay\":\"on\"", 3000));
	assert_int_equal(client_publish(p->client, lwt, "Offline", true), 0);
	assert_int_equal(
	    daemon_wait_log(&p->daemon, "heater.tas: the plug says it is offline", 5000), 0);
	assert_int_equal(client_publish(p->client, lwt, "Online", true), 0);
	assert_int_equal(client_publish(p->client, tele, "{\"POWER\":\"OFF\"}", false), 0);
	plug_serve(p, 3000);
	wait_on_confirmed(p);
	assert_int_equal(daemon_log_count(&p->daemon, "switched by something else"), 0);
	assert_int_equal(daemon_log_count(&p->daemon, "though told"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state_text_is_not_on, setup, plug_teardown),
		cmocka_unit_test_setup_teardown(test_late_echo_is_no_switch, setup, plug_teardown),
		cmocka_unit_test_setup_teardown(test_a_plug_back_from_a_power_cut_is_no_switch,
						setup, plug_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
