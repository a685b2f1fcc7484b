/*
 * Desired against confirmed state: confirmation, retries, keep-alive, broker,
 * power, and what a report no command asked for says. The plug going offline
 * (and its alert's grace) is test-heater-offline.c's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/heater-tracker-fixture.h"

static void test_start_off(void **state)
{
	struct heater *h = plug();
	struct heater_status st;
	struct heater_decision d;

	/* Before the broker: nothing sent, nothing queued. */
	d = set(h, false, T0);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);
	assert_int_equal(d.state, HEATER_STATE_UNKNOWN);
	connected(h, T0 + SEC);
	d = set(h, false, T0 + SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	assert_int_equal(d.next_wakeup_usec, T0 + 16 * SEC);
	/* The same wish again sends nothing. */
	d = set(h, false, T0 + 2 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = receive(h, "stat/plug/POWER", "OFF", T0 + 2 * SEC);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);
	assert_int_equal(d.alerts_active, 0);
	heater_get_status(h, &st);
	assert_int_equal(st.desired, HEATER_RELAY_OFF);
	assert_int_equal(st.confirmed, HEATER_RELAY_OFF);
	assert_string_equal(heater_state_to_string(st.state), "off");
	/* Not ours. */
	assert_int_equal(heater_receive(h, "stat/other/POWER", "ON", 2, T0, &d), -ENOENT);
	/*
	 * Another word on POWER (StateText1/2 changed) is the plug's: no longer
	 * confirmed off, unconfirmed at once (test-heater-words.c).
	 */
	assert_int_equal(heater_receive(h, "stat/plug/POWER", "??", 2, T0 + 3 * SEC, &d), 0);
	assert_int_equal(d.word.kind, HEATER_WORD_STATE);
	heater_get_status(h, &st);
	assert_int_equal(st.confirmed, HEATER_RELAY_UNKNOWN);
	assert_int_equal(st.state, HEATER_STATE_UNCONFIRMED);
	/* A value of the wrong type is refused and changes nothing. */
	assert_int_equal(heater_receive(h, "stat/plug/RESULT", "{\"POWER\":1}", 11, T0, &d),
			 -EINVAL);
	heater_free(h);
}

static void test_keepalive(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	uint64_t t = T0;

	connected(h, t);
	d = set(h, true, t);
	assert_on_sent(&d);
	d = receive(h, "stat/plug/RESULT", "{\"PulseTime1\":{\"Set\":700,\"Remaining\":700}}", t);
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	d = receive(h, "stat/plug/RESULT", "{\"POWER\":\"ON\"}", t + SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	/* Re-sent at half the auto-off, and only then. */
	assert_int_equal(d.next_wakeup_usec, t + 300 * SEC);
	d = tick(h, t + 299 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = tick(h, t + 300 * SEC);
	assert_on_sent(&d);
	assert_int_equal(d.next_wakeup_usec, t + 315 * SEC);
	/* The plug was on and is told on again: still on to the outside, not pending. */
	assert_int_equal(d.state, HEATER_STATE_ON);
	d = receive(h, "stat/plug/POWER", "ON", t + 301 * SEC);
	assert_int_equal(d.next_wakeup_usec, t + 600 * SEC);
	d = tick(h, t + 600 * SEC);
	assert_on_sent(&d);
	receive(h, "stat/plug/POWER", "ON", t + 601 * SEC);
	/* Off: no more keep-alive. */
	d = set(h, false, t + 700 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	d = receive(h, "stat/plug/POWER", "OFF", t + 701 * SEC);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);
	heater_free(h);
}

static void test_no_dead_man(void **state)
{
	struct heater_params p;
	struct heater_decision d;
	struct heater *h;

	heater_params_init(&p, HEATER_TYPE_TASMOTA);
	p.topic = "plug";
	p.auto_off_usec = 0;
	assert_int_equal(heater_new(&p, &h), 0);
	connected(h, T0);
	d = set(h, true, T0);
	/* No auto-off: PulseTime 0, so none the plug kept from before switches it off. */
	assert_sent(&d, "cmnd/plug/Backlog", "PulseTime1 0;Power ON");
	d = receive(h, "stat/plug/POWER", "ON", T0 + SEC);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);
	heater_free(h);

	p.confirm_timeout_usec = 0;
	assert_int_equal(heater_new(&p, &h), -EINVAL);
	p.confirm_timeout_usec = SEC;
	p.topic = NULL;
	assert_int_equal(heater_new(&p, &h), -EINVAL);
	assert_null(heater_free(NULL));
}

static void test_unconfirmed(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	uint64_t t = T0;

	connected(h, t);
	d = set(h, false, t);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	/* Two retries, 15 s apart. */
	d = tick(h, t + 14 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = tick(h, t + 15 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	assert_int_equal(d.alerts_raised, 0);
	d = tick(h, t + 30 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	/* A stale report of the other state while pending changes nothing. */
	d = receive(h, "tele/plug/STATE", "{\"POWER\":\"ON\"}", t + 31 * SEC);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	/* Then the alert, once. */
	d = tick(h, t + 45 * SEC);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_int_equal(d.alerts_active, UNCONFIRMED);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	assert_int_equal(d.next_wakeup_usec, t + 90 * SEC);
	/* Then slow retries, which do not raise it again. */
	d = tick(h, t + 90 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	assert_int_equal(d.alerts_raised, 0);
	d = tick(h, t + 105 * SEC);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.alerts_active, UNCONFIRMED);
	assert_int_equal(d.next_wakeup_usec, t + 150 * SEC);
	d = tick(h, t + 150 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	/* The plug answers: cleared, once. */
	d = receive(h, "stat/plug/POWER", "OFF", t + 151 * SEC);
	assert_int_equal(d.alerts_cleared, UNCONFIRMED);
	assert_int_equal(d.alerts_active, 0);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	d = tick(h, t + 300 * SEC);
	assert_int_equal(d.alerts_cleared, 0);
	assert_int_equal(d.n_messages, 0);
	assert_string_equal(heater_alert_to_string(HEATER_ALERT_UNCONFIRMED), "heater_unconfirmed");
	assert_null(heater_alert_to_string(_HEATER_ALERT_MAX));
	heater_free(h);
}

static void test_drift(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	uint64_t t = T0;

	connected(h, t);
	set(h, true, t);
	receive(h, "stat/plug/POWER", "ON", t + SEC);
	/* The plug's own timer fired (or someone pressed its button): on again. */
	d = receive(h, "stat/plug/POWER", "OFF", t + 100 * SEC);
	assert_on_sent(&d);
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	receive(h, "stat/plug/POWER", "ON", t + 101 * SEC);
	/* Flapping is answered at most once per confirmation timeout. */
	d = receive(h, "stat/plug/POWER", "OFF", t + 105 * SEC);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.next_wakeup_usec, t + 115 * SEC);
	d = tick(h, t + 115 * SEC);
	assert_on_sent(&d);
	heater_free(h);
}

static void test_broker(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	struct heater_status st;
	uint64_t t = T0;

	connected(h, t);
	set(h, true, t);
	receive(h, "stat/plug/POWER", "ON", t + SEC);
	heater_connection(h, false, t + 10 * SEC, &d);
	assert_false(d.redecide);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);
	heater_get_status(h, &st);
	assert_int_equal(st.confirmed, HEATER_RELAY_UNKNOWN);
	/* Away: no keep-alive, no command, nothing kept for later. */
	d = tick(h, t + 400 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = set(h, false, t + 500 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = set(h, true, t + 600 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = tick(h, t + 700 * SEC);
	assert_int_equal(d.n_messages, 0);
	/* Back: re-decide; the fresh decision goes out even though it did not change. */
	d = connected(h, t + 800 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = set(h, true, t + 800 * SEC);
	assert_on_sent(&d);
	d = set(h, true, t + 801 * SEC);
	assert_int_equal(d.n_messages, 0);
	/* A pending command is forgotten when the broker goes: no retry after it. */
	heater_connection(h, false, t + 802 * SEC, &d);
	connected(h, t + 900 * SEC);
	d = tick(h, t + 900 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = set(h, false, t + 900 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	heater_free(h);
}

static void test_power(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	struct heater_status st;
	uint64_t t = T0;

	connected(h, t);
	set(h, true, t);
	/* A low reading from before the relay was confirmed does not count. */
	receive(h, "tele/plug/SENSOR", "{\"ENERGY\":{\"Power\":0,\"Total\":1.5}}", t);
	receive(h, "stat/plug/POWER", "ON", t + SEC);
	heater_get_status(h, &st);
	assert_false(st.power_known);
	assert_true(st.energy_known);
	assert_float_equal(st.energy_kwh, 1.5, 0);
	d = receive(h, "tele/plug/SENSOR", "{\"ENERGY\":{\"Power\":1480}}", t + 10 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	heater_get_status(h, &st);
	assert_true(st.power_known);
	assert_float_equal(st.power_w, 1480, 0);
	/* Heater tipped over (its own switch off): 0 W for no_power_usec. */
	d = receive(h, "tele/plug/SENSOR", "{\"ENERGY\":{\"Power\":2}}", t + 20 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	assert_int_equal(d.next_wakeup_usec, t + 140 * SEC);
	d = receive(h, "tele/plug/SENSOR", "{\"ENERGY\":{\"Power\":1}}", t + 80 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	d = tick(h, t + 140 * SEC);
	assert_int_equal(d.state, HEATER_STATE_NO_POWER);
	assert_int_equal(d.alerts_active, 0);
	heater_get_status(h, &st);
	assert_true(st.no_power);
	assert_float_equal(st.power_w, 1, 0);
	/* Power back. */
	d = receive(h, "tele/plug/SENSOR", "{\"ENERGY\":{\"Power\":1475}}", t + 150 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	/* Off: low power is right. */
	set(h, false, t + 200 * SEC);
	receive(h, "stat/plug/POWER", "OFF", t + 201 * SEC);
	d = receive(h, "tele/plug/SENSOR", "{\"ENERGY\":{\"Power\":0}}", t + 202 * SEC);
	d = tick(h, t + 1000 * SEC);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	heater_get_status(h, &st);
	assert_false(st.no_power);
	heater_free(h);
}

static void test_shelly(void **state)
{
	struct heater_params p;
	struct heater_decision d;
	struct heater *h;
	const char *status = "plug1/status/switch:0";

	heater_params_init(&p, HEATER_TYPE_SHELLY);
	p.topic = "plug1";
	p.client_id = "bedroomd-test";
	assert_int_equal(heater_new(&p, &h), 0);
	assert_int_equal(heater_n_subscriptions(h), 4);
	assert_string_equal(heater_subscription(h, 0), "bedroomd-test/plug1/switch0/rpc");
	assert_string_equal(heater_subscription(h, 1), status);
	assert_null(heater_subscription(h, 4));
	assert_int_equal(heater_preset_type(heater_preset(h)), HEATER_TYPE_SHELLY);
	connected(h, T0);
	d = set(h, true, T0);
	assert_sent(&d, "plug1/rpc",
		    "{\"id\":1,\"src\":\"bedroomd-test/plug1/switch0\",\"method\":\"Switch.Set\","
		    "\"params\":{\"id\":0,\"on\":true,\"toggle_after\":600}}");
	/* State and power in one message: the power counts for the new state. */
	d = receive(h, status, "{\"id\":0,\"output\":true,\"apower\":0.0}", T0 + SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	d = tick(h, T0 + 121 * SEC);
	assert_int_equal(d.state, HEATER_STATE_NO_POWER);
	d = receive(h, "plug1/online", "false", T0 + 130 * SEC);
	assert_int_equal(d.state, HEATER_STATE_OFFLINE);
	assert_int_equal(d.alerts_raised, 0);
	d = tick(h, T0 + 130 * SEC + GRACE);
	assert_int_equal(d.alerts_raised, OFFLINE);
	heater_free(h);
}

/*
 * A plug that said the opposite of what it was told, since it was told (its
 * own button, or one that ignores commands), is told apart from one that
 * never answered: the journal names the first by what it said.
 */
static void test_contradicts(void **state)
{
	struct heater *h = plug();
	struct heater_status st;
	struct heater_decision d;

	connected(h, T0);
	d = set(h, false, T0);
	receive(h, "stat/plug/POWER", "OFF", T0 + SEC);
	heater_get_status(h, &st);
	assert_false(st.contradicts);
	/* Told ON; no answer: it last said OFF, but before it was told. */
	d = set(h, true, T0 + 10 * SEC);
	assert_on_sent(&d);
	d = tick(h, T0 + 60 * SEC);
	heater_get_status(h, &st);
	assert_int_equal(st.confirmed, HEATER_RELAY_OFF);
	assert_false(st.contradicts);
	/* It answers ON: agrees. Then says OFF by itself: contradicts, until told again. */
	receive(h, "stat/plug/POWER", "ON", T0 + 61 * SEC);
	heater_get_status(h, &st);
	assert_false(st.contradicts);
	receive(h, "stat/plug/POWER", "OFF", T0 + 100 * SEC);
	heater_get_status(h, &st);
	assert_true(st.contradicts);
	d = set(h, false, T0 + 101 * SEC);
	heater_get_status(h, &st);
	assert_false(st.contradicts);
	heater_free(h);
}

/*
 * A plug confirmed in the desired state that says the other one was switched
 * by something else (its button, its own timer, another automation): the
 * decision says so, and in how long the desired state goes out again. Not a
 * plug that has not taken a fresh command yet, nor the same report again.
 */
static void test_event_switched(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	uint64_t t = T0;

	connected(h, t);
	d = set(h, true, t);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	d = receive(h, "stat/plug/POWER", "ON", t + SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	/* Switched off by hand: ON again at once, the last ON long ago. */
	d = receive(h, "stat/plug/POWER", "OFF", t + 100 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_SWITCHED);
	assert_on_sent(&d);
	assert_int_equal(d.resend_in_usec, 0);
	assert_int_equal(d.alerts_raised, 0);
	d = receive(h, "stat/plug/POWER", "ON", t + 101 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	/* Flapping: ON again when the confirmation timeout of the last ON is over. */
	d = receive(h, "stat/plug/POWER", "OFF", t + 105 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_SWITCHED);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.resend_in_usec, 10 * SEC);
	/* The same report again is no news. */
	d = receive(h, "tele/plug/STATE", "{\"POWER\":\"OFF\"}", t + 106 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	d = tick(h, t + 115 * SEC);
	assert_on_sent(&d);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	receive(h, "stat/plug/POWER", "ON", t + 116 * SEC);
	/* A fresh OFF the plug has not taken yet: its old state is no switch. */
	d = set(h, false, t + 200 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	d = receive(h, "tele/plug/STATE", "{\"POWER\":\"ON\"}", t + 201 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	d = receive(h, "stat/plug/POWER", "OFF", t + 202 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	/* Switched on by another automation while off. */
	d = receive(h, "stat/plug/POWER", "ON", t + 300 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_SWITCHED);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	/* Offline: nothing goes out until it is back. */
	receive(h, "stat/plug/POWER", "OFF", t + 301 * SEC);
	receive(h, "tele/plug/LWT", "Offline", t + 400 * SEC);
	d = receive(h, "stat/plug/POWER", "ON", t + 401 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_SWITCHED);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.resend_in_usec, HEATER_NO_WAKEUP);
	heater_free(h);
}

/*
 * heater_unconfirmed active: the plug that was silent answers the opposite
 * (a user trial: the journal stayed silent), or contradicts a new command;
 * once per change of what it says, and none with the alert that says it.
 */
static void test_event_contradicts(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	uint64_t t = T0;

	connected(h, t);
	set(h, true, t);
	tick(h, t + 15 * SEC);
	tick(h, t + 30 * SEC);
	d = tick(h, t + 45 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	/* Silent so far; now it says OFF: news, and ON goes again at once. */
	d = receive(h, "stat/plug/POWER", "OFF", t + 50 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_CONTRADICTS);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.alerts_active, UNCONFIRMED);
	assert_on_sent(&d);
	assert_int_equal(d.resend_in_usec, 0);
	/* Its periodic report says the same: no news. */
	d = receive(h, "tele/plug/STATE", "{\"POWER\":\"OFF\"}", t + 51 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	/*
	 * Told OFF, it says ON: news; OFF goes again with the slow retries. (Past
	 * the wait for the ON of t + 50: sooner, its "on" is an echo, test_echo.)
	 */
	d = set(h, false, t + 70 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	d = receive(h, "stat/plug/POWER", "ON", t + 71 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_CONTRADICTS);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.resend_in_usec, 59 * SEC);
	/* It says OFF as told: the alert's clearing says it, no event. */
	d = receive(h, "stat/plug/POWER", "OFF", t + 72 * SEC);
	assert_int_equal(d.alerts_cleared, UNCONFIRMED);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	/* Then on by itself: switched by something else, OFF again when 15 s are over. */
	d = receive(h, "stat/plug/POWER", "ON", t + 80 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_SWITCHED);
	assert_int_equal(d.resend_in_usec, 5 * SEC);
	heater_free(h);
}

/*
 * Told OFF, then ON again a second later: the plug's "off" to the OFF comes
 * after the ON went out (a late echo). It did as it was told a moment ago:
 * no switch by something else, nothing "against its command" (not for the
 * journal, the event counter, nor the unconfirmed alert's words), and no
 * extra send; the ON's own retry goes out if the plug stays off. Past the
 * wait for an answer, or once the plug confirmed the ON, it is a switch again.
 */
static void test_echo(void **state)
{
	struct heater *h = plug();
	struct heater_status st;
	struct heater_decision d;
	uint64_t t = T0;

	connected(h, t);
	set(h, true, t);
	d = receive(h, "stat/plug/POWER", "ON", t + SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	d = set(h, false, t + 100 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	d = set(h, true, t + 101 * SEC);
	assert_on_sent(&d);
	/* The answers to the OFF, on both topics a Tasmota says them. */
	d = receive(h, "stat/plug/RESULT", "{\"POWER\":\"OFF\"}", t + 102 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	assert_int_equal(d.next_wakeup_usec, t + 116 * SEC);
	d = receive(h, "stat/plug/POWER", "OFF", t + 102 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	assert_int_equal(d.n_messages, 0);
	heater_get_status(h, &st);
	assert_int_equal(st.confirmed, HEATER_RELAY_OFF);
	assert_false(st.contradicts);
	/* It stays off: the ON's retry, at its confirmation timeout. */
	d = tick(h, t + 115 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = tick(h, t + 116 * SEC);
	assert_on_sent(&d);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	/* Still off after every retry: unconfirmed, with no answer to ON, not "it says off". */
	tick(h, t + 131 * SEC);
	d = tick(h, t + 146 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	heater_get_status(h, &st);
	assert_false(st.contradicts);
	/* Its periodic report says off, now past the wait: against its command. */
	d = receive(h, "tele/plug/STATE", "{\"POWER\":\"OFF\"}", t + 150 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_CONTRADICTS);
	assert_on_sent(&d);
	d = receive(h, "stat/plug/POWER", "ON", t + 151 * SEC);
	assert_int_equal(d.alerts_cleared, UNCONFIRMED);

	/* The other way round: told ON, then OFF; the late "on" is the ON's. */
	d = set(h, false, t + 300 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	d = receive(h, "stat/plug/POWER", "OFF", t + 301 * SEC);
	d = set(h, true, t + 400 * SEC);
	assert_on_sent(&d);
	d = set(h, false, t + 402 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	d = receive(h, "stat/plug/POWER", "ON", t + 410 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	assert_int_equal(d.n_messages, 0);
	heater_get_status(h, &st);
	assert_false(st.contradicts);
	/* It takes the OFF: confirmed, nothing more. */
	d = receive(h, "stat/plug/POWER", "OFF", t + 411 * SEC);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	assert_int_equal(d.event, HEATER_EVENT_NONE);

	/*
	 * Told ON, then OFF, which the plug confirms first (the ON was lost): an
	 * "on" after that, however soon, is no echo. A plug says its states in
	 * order: its answer to the ON would have come before the "off".
	 */
	d = set(h, true, t + 450 * SEC);
	assert_on_sent(&d);
	d = set(h, false, t + 451 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	d = receive(h, "stat/plug/POWER", "OFF", t + 452 * SEC);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	d = receive(h, "stat/plug/POWER", "ON", t + 453 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_SWITCHED);
	heater_get_status(h, &st);
	assert_true(st.contradicts);
	receive(h, "stat/plug/POWER", "OFF", t + 470 * SEC);

	/* An "on" later than the ON's wait, the plug confirmed off: switched by something else. */
	d = set(h, true, t + 500 * SEC);
	d = set(h, false, t + 501 * SEC);
	d = receive(h, "stat/plug/POWER", "OFF", t + 502 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	d = receive(h, "stat/plug/POWER", "ON", t + 515 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_SWITCHED);
	heater_get_status(h, &st);
	assert_true(st.contradicts);
	heater_free(h);
}

/* A switch that comes with heater_unconfirmed raised (a late tick): the alert's line says it. */
static void test_event_with_the_alert(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	uint64_t t = T0;

	connected(h, t);
	set(h, true, t);
	receive(h, "stat/plug/POWER", "ON", t + SEC);
	/* The keep-alive and its retries, none confirmed, the plug on all along. */
	for (uint64_t at = 300; at <= 330; at += 15) {
		d = tick(h, t + at * SEC);
		assert_on_sent(&d);
	}
	d = receive(h, "stat/plug/POWER", "OFF", t + 346 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	heater_free(h);
}

/*
 * A keep-alive that falls due while a command waits for its answer goes out,
 * but does not start the wait again: a dead plug is heater_unconfirmed on
 * time, whatever the auto-off (auto_off = 10 meant as minutes: one every 5 s).
 */
static void test_keepalive_while_waiting(void **state)
{
	struct heater_params p;
	struct heater_decision d;
	struct heater *h;
	unsigned raised_at = 0, sends = 0;

	heater_params_init(&p, HEATER_TYPE_TASMOTA);
	p.topic = "plug";
	p.auto_off_usec = 10 * SEC;
	assert_int_equal(heater_new(&p, &h), 0);
	connected(h, T0);
	d = set(h, true, T0);
	assert_int_equal(d.n_messages, 1);
	for (unsigned s = 1; s <= 120 && !raised_at; s++) {
		d = tick(h, T0 + s * SEC);
		sends += d.n_messages;
		if (d.alerts_raised & UNCONFIRMED)
			raised_at = s;
	}
	/* Retries at 15 and 30 s, keep-alives every 5 s between them; raised after 45 s. */
	assert_int_equal(raised_at, 45);
	assert_int_equal(sends, 9);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	heater_free(h);
}

/*
 * A relay state beside a reading that cannot be read (null while zigbee2mqtt
 * has none, a string) still confirms the command; the reading is left unknown.
 */
static void test_unreadable_reading(void **state)
{
	struct heater_params p;
	struct heater_decision d;
	struct heater_status st;
	struct heater *h;

	heater_params_init(&p, HEATER_TYPE_ZIGBEE2MQTT);
	p.topic = "plug";
	assert_int_equal(heater_new(&p, &h), 0);
	connected(h, T0);
	d = set(h, true, T0);
	/* Then the state read back (zigbee2mqtt publishes none for on_time). */
	assert_int_equal(d.n_messages, 2);
	assert_string_equal(d.messages[0].topic, "zigbee2mqtt/plug/set");
	assert_string_equal(d.messages[0].payload, "{\"state\":\"ON\",\"on_time\":600}");
	assert_string_equal(d.messages[1].topic, "zigbee2mqtt/plug/get");
	d = receive(h, "zigbee2mqtt/plug", "{\"state\":\"ON\",\"power\":null}", T0 + SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	heater_get_status(h, &st);
	assert_false(st.power_known);
	d = receive(h, "zigbee2mqtt/plug", "{\"state\":\"ON\",\"power\":1480,\"energy\":\"1.2\"}",
		    T0 + 2 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	heater_get_status(h, &st);
	assert_true(st.power_known);
	assert_float_equal(st.power_w, 1480.0, 0);
	assert_false(st.energy_known);
	d = tick(h, T0 + 60 * SEC);
	assert_int_equal(d.alerts_active, 0);
	assert_int_equal(d.n_messages, 0);
	heater_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_off),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_no_dead_man),
		cmocka_unit_test(test_unconfirmed),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_broker),
		cmocka_unit_test(test_power),
		cmocka_unit_test(test_shelly),
		cmocka_unit_test(test_contradicts),
		cmocka_unit_test(test_event_switched),
		cmocka_unit_test(test_event_contradicts),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_event_with_the_alert),
		cmocka_unit_test(test_keepalive_while_waiting),
		cmocka_unit_test(test_unreadable_reading),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
