/*
 * A plug going offline: nothing but OFF is sent to it and its stage stops
 * counting at once; its alert comes only after the grace (a blip raises
 * nothing), and the plug's own words are kept for it.
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

static void test_offline(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	struct heater_status st;
	uint64_t t = T0;

	assert_int_equal(GRACE, 60 * SEC);
	connected(h, t);
	d = receive(h, "tele/plug/LWT", "Online", t);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	set(h, false, t);
	receive(h, "stat/plug/POWER", "OFF", t + SEC);
	/* Offline at once: not heating, the stages counted anew; its alert after the grace. */
	d = receive(h, "tele/plug/LWT", "Offline", t + 10 * SEC);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.alerts_active, 0);
	assert_true(d.redecide);
	assert_int_equal(d.state, HEATER_STATE_OFFLINE);
	assert_string_equal(heater_state_to_string(d.state), "offline");
	assert_int_equal(d.event, HEATER_EVENT_OFFLINE);
	assert_int_equal(d.alert_in_usec, GRACE);
	assert_int_equal(d.next_wakeup_usec, t + 10 * SEC + GRACE);
	heater_get_status(h, &st);
	assert_int_equal(st.state, HEATER_STATE_OFFLINE);
	assert_int_equal(st.availability, HEATER_AVAILABILITY_OFFLINE);
	/* Nothing to an offline plug, and no unconfirmed alert for it. */
	d = set(h, true, t + 20 * SEC);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.next_wakeup_usec, t + 70 * SEC);
	d = tick(h, t + 70 * SEC - 1);
	assert_int_equal(d.alerts_active, 0);
	/* The grace is over: the wake-up raises it. */
	d = tick(h, t + 70 * SEC);
	assert_int_equal(d.alerts_raised, OFFLINE);
	assert_true(d.redecide);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);
	d = tick(h, t + 200 * SEC);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.alerts_active, OFFLINE);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);
	d = receive(h, "tele/plug/LWT", "Offline", t + 201 * SEC);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	/* Back: the wish goes out at once; the alert clears once it stayed online as long. */
	d = receive(h, "tele/plug/LWT", "Online", t + 300 * SEC);
	assert_int_equal(d.alerts_cleared, 0);
	assert_int_equal(d.alerts_active, OFFLINE);
	assert_true(d.redecide);
	assert_int_equal(d.event, HEATER_EVENT_ONLINE);
	assert_int_equal(d.alert_in_usec, GRACE);
	assert_on_sent(&d);
	d = receive(h, "stat/plug/POWER", "ON", t + 301 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	assert_int_equal(d.next_wakeup_usec, t + 360 * SEC);
	d = tick(h, t + 360 * SEC);
	assert_int_equal(d.alerts_cleared, OFFLINE);
	assert_int_equal(d.alerts_active, 0);
	assert_int_equal(d.state, HEATER_STATE_ON);
	/*
	 * Offline across a broker restart: the decision made after it goes out when back
	 * (an OFF at once too: see test_offline_off_goes_out).
	 */
	receive(h, "tele/plug/LWT", "Offline", t + 400 * SEC);
	heater_connection(h, false, t + 410 * SEC, &d);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);
	/* The broker away does not count: 10 s of the grace are gone, not 20. */
	d = connected(h, t + 420 * SEC);
	assert_int_equal(d.next_wakeup_usec, t + 470 * SEC);
	d = set(h, false, t + 420 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	d = receive(h, "tele/plug/LWT", "Online", t + 450 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.alerts_cleared, 0);
	heater_free(h);
}

/* What tick() at each second from @from to @to raised and cleared, or'd together. */
static unsigned alerts_changed(struct heater *h, uint64_t from, uint64_t to)
{
	unsigned changed = 0;

	for (uint64_t at = from; at <= to; at += SEC) {
		struct heater_decision d = tick(h, at);

		changed |= d.alerts_raised | d.alerts_cleared;
	}
	return changed;
}

/*
 * A user trial: after a broker restart the plug's retained last will
 * 'Offline' came a second before its new 'Online', and each time raised and
 * cleared heater_offline (a notification on the phone at night). Within the
 * grace: nothing raised, nothing cleared, though nothing is sent meanwhile.
 */
/* @h connected at @t, its plug online, told ON and confirming it a second later. */
static void online_and_on(struct heater *h, uint64_t t)
{
	connected(h, t);
	receive(h, "tele/plug/LWT", "Online", t);
	set(h, true, t);
	receive(h, "stat/plug/POWER", "ON", t + SEC);
}

static void test_offline_blip(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	uint64_t t = T0;

	online_and_on(h, t);
	for (int i = 0; i < 4; i++, t += 400 * SEC) {
		heater_connection(h, false, t + 100 * SEC, &d);
		connected(h, t + 105 * SEC);
		d = receive(h, "tele/plug/LWT", "Offline", t + 105 * SEC);
		assert_int_equal(d.alerts_raised, 0);
		assert_int_equal(d.state, HEATER_STATE_OFFLINE);
		assert_int_equal(d.event, HEATER_EVENT_OFFLINE);
		d = set(h, true, t + 105 * SEC);
		assert_int_equal(d.n_messages, 0);
		d = receive(h, "tele/plug/LWT", "Online", t + 106 * SEC);
		assert_int_equal(d.alerts_raised | d.alerts_cleared, 0);
		assert_int_equal(d.event, HEATER_EVENT_ONLINE);
		assert_int_equal(d.alert_in_usec, 0);
		assert_on_sent(&d);
		d = receive(h, "stat/plug/POWER", "ON", t + 107 * SEC);
		assert_int_equal(d.state, HEATER_STATE_ON);
		assert_int_equal(alerts_changed(h, t + 107 * SEC, t + 400 * SEC), 0);
	}
	heater_free(h);
}

/*
 * Back from a power cut: its relay is unknown from its return, and the OFF it
 * came up with (PowerOnState 0) is no switch by something else; the ON sent
 * at its return is then taken. A later OFF is a switch again.
 */
static void test_back_from_a_power_cut(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	struct heater_status st;
	uint64_t t = T0;

	online_and_on(h, t);
	receive(h, "tele/plug/LWT", "Offline", t + 10 * SEC);
	d = receive(h, "tele/plug/LWT", "Online", t + 20 * SEC);
	assert_on_sent(&d);
	heater_get_status(h, &st);
	assert_int_equal(st.confirmed, HEATER_RELAY_UNKNOWN);
	d = receive(h, "stat/plug/POWER", "OFF", t + 21 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	d = receive(h, "stat/plug/POWER", "ON", t + 22 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	d = receive(h, "stat/plug/POWER", "OFF", t + 30 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_SWITCHED);
	heater_free(h);
}

/*
 * A plug already offline when bedroomd subscribes (its retained last will):
 * offline at once, the alert once the grace from then is over. The same will
 * again after a broker restart is nothing new.
 */
static void test_offline_at_connection(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	const char *topic;
	const void *said;
	size_t len;
	uint64_t t = T0;

	assert_false(heater_offline_said(h, &topic, &said, &len));
	assert_null(topic);
	set(h, false, t);
	connected(h, t);
	d = receive(h, "tele/plug/LWT", "Offline", t);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.state, HEATER_STATE_OFFLINE);
	assert_int_equal(d.event, HEATER_EVENT_OFFLINE);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.next_wakeup_usec, t + GRACE);
	assert_true(heater_offline_said(h, &topic, &said, &len));
	assert_string_equal(topic, "tele/plug/LWT");
	assert_int_equal(len, 7);
	assert_memory_equal(said, "Offline", 7);
	/* The first decision since the broker came back: OFF goes out, offline or not. */
	d = set(h, false, t + SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	assert_int_equal(alerts_changed(h, t + SEC, t + GRACE - SEC), 0);
	d = tick(h, t + GRACE);
	assert_int_equal(d.alerts_raised, OFFLINE);
	heater_connection(h, false, t + 100 * SEC, &d);
	assert_int_equal(d.alerts_cleared, 0);
	d = connected(h, t + 200 * SEC);
	assert_int_equal(d.alerts_active, OFFLINE);
	d = receive(h, "tele/plug/LWT", "Offline", t + 200 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	assert_int_equal(d.alerts_raised | d.alerts_cleared, 0);
	heater_free(h);
}

/*
 * Flapping: offline time fills the grace, online time empties it as fast. A
 * plug offline 50 s, online 10 s, over and over is offline most of the time:
 * raised once, 20 s into its second outage, and not cleared nor raised again
 * while it flaps; cleared once it stayed online for the grace. One offline a
 * second every 30 s is online most of the time: never raised.
 */
static void test_offline_flapping(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	uint64_t t = T0;

	connected(h, t);
	set(h, false, t);
	receive(h, "stat/plug/POWER", "OFF", t);
	d = receive(h, "tele/plug/LWT", "Offline", t);
	assert_int_equal(d.next_wakeup_usec, t + GRACE);
	d = receive(h, "tele/plug/LWT", "Online", t + 50 * SEC);
	assert_int_equal(d.alerts_raised, 0);
	d = receive(h, "stat/plug/POWER", "OFF", t + 50 * SEC);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);
	d = receive(h, "tele/plug/LWT", "Offline", t + 60 * SEC);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.alert_in_usec, 20 * SEC);
	assert_int_equal(d.next_wakeup_usec, t + 80 * SEC);
	assert_int_equal(alerts_changed(h, t + 60 * SEC, t + 79 * SEC), 0);
	d = tick(h, t + 80 * SEC);
	assert_int_equal(d.alerts_raised, OFFLINE);
	for (uint64_t at = 110; at < 1000; at += 60) {
		d = receive(h, "tele/plug/LWT", "Online", t + at * SEC);
		assert_int_equal(d.event, HEATER_EVENT_ONLINE);
		assert_int_equal(d.alert_in_usec, GRACE);
		receive(h, "stat/plug/POWER", "OFF", t + at * SEC);
		assert_int_equal(alerts_changed(h, t + at * SEC, t + (at + 9) * SEC), 0);
		d = receive(h, "tele/plug/LWT", "Offline", t + (at + 10) * SEC);
		assert_int_equal(d.event, HEATER_EVENT_OFFLINE);
		assert_int_equal(d.alert_in_usec, 0);
		assert_int_equal(d.alerts_raised | d.alerts_cleared, 0);
		assert_int_equal(alerts_changed(h, t + (at + 10) * SEC, t + (at + 59) * SEC), 0);
	}
	/* Online for good (the last outage filled the grace again). */
	receive(h, "tele/plug/LWT", "Online", t + 1010 * SEC);
	d = receive(h, "stat/plug/POWER", "OFF", t + 1010 * SEC);
	assert_int_equal(d.next_wakeup_usec, t + 1010 * SEC + GRACE);
	assert_int_equal(alerts_changed(h, t + 1010 * SEC, t + 1069 * SEC), 0);
	d = tick(h, t + 1070 * SEC);
	assert_int_equal(d.alerts_cleared, OFFLINE);
	assert_int_equal(d.next_wakeup_usec, HEATER_NO_WAKEUP);

	/* Online most of the time: an hour of a second offline every 30 s. */
	t += 2000 * SEC;
	for (uint64_t at = 0; at < 3600; at += 30) {
		d = receive(h, "tele/plug/LWT", "Offline", t + at * SEC);
		assert_int_equal(d.state, HEATER_STATE_OFFLINE);
		assert_int_equal(d.alerts_raised, 0);
		d = receive(h, "tele/plug/LWT", "Online", t + (at + 1) * SEC);
		assert_int_equal(d.alerts_cleared, 0);
		receive(h, "stat/plug/POWER", "OFF", t + (at + 1) * SEC);
		assert_int_equal(alerts_changed(h, t + (at + 1) * SEC, t + (at + 29) * SEC), 0);
	}
	heater_free(h);
}

/* What made the plug offline is kept for the journal, at most HEATER_SAID_MAX bytes of it. */
static void test_offline_said(void **state)
{
	struct heater *h = NULL;
	struct heater_params p;
	struct heater_decision d;
	char big[HEATER_SAID_MAX + 40];
	const char *topic;
	const void *said;
	size_t len;

	heater_params_init(&p, HEATER_TYPE_GENERIC);
	p.command_topic = "plug/set";
	p.state_topic = "plug/state";
	p.availability_topic = "plug/avail";
	assert_int_equal(heater_new(&p, &h), 0);
	connected(h, T0);
	/* Not availability_online "online": offline; what it said is what the journal quotes. */
	d = receive(h, "plug/avail", "Online", T0);
	assert_int_equal(d.event, HEATER_EVENT_OFFLINE);
	assert_true(heater_offline_said(h, &topic, &said, &len));
	assert_string_equal(topic, "plug/avail");
	assert_int_equal(len, 6);
	assert_memory_equal(said, "Online", 6);
	memset(big, 'x', sizeof(big));
	assert_int_equal(heater_receive(h, "plug/avail", big, sizeof(big), T0 + SEC, &d), 0);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	assert_true(heater_offline_said(h, &topic, &said, &len));
	assert_int_equal(len, HEATER_SAID_MAX);
	assert_memory_equal(said, big, HEATER_SAID_MAX);
	d = receive(h, "plug/avail", "online", T0 + 2 * SEC);
	assert_int_equal(d.event, HEATER_EVENT_ONLINE);
	heater_free(h);
}

/* What tick() at each second from @from to @to sent, counted. */
static unsigned messages_sent(struct heater *h, uint64_t from, uint64_t to)
{
	unsigned n = 0;

	for (uint64_t at = from; at <= to; at += SEC) {
		struct heater_decision d = tick(h, at);

		n += d.n_messages;
	}
	return n;
}

/*
 * OFF goes out whatever the plug's availability says: a zigbee2mqtt plug
 * marked offline after a missed ping, or a Tasmota whose last will came in a
 * Wi-Fi blip, may still take it. Once (the daemon sends QoS 0): no retry, and
 * no ON nor keep-alive while offline; back online, the wish goes out as ever.
 */
static void test_offline_off_goes_out(void **state)
{
	struct heater *h = plug();
	struct heater_decision d;
	uint64_t t = T0;

	online_and_on(h, t);
	d = receive(h, "tele/plug/LWT", "Offline", t + 10 * SEC);
	assert_int_equal(d.n_messages, 0);
	/* The room is warm: OFF at once, though the plug is offline. */
	d = set(h, false, t + 20 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	assert_int_equal(d.state, HEATER_STATE_OFFLINE);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.next_wakeup_usec, t + 10 * SEC + GRACE);
	assert_int_equal(messages_sent(h, t + 21 * SEC, t + 69 * SEC), 0);
	d = tick(h, t + 70 * SEC);
	assert_int_equal(d.alerts_raised, OFFLINE);
	assert_int_equal(d.n_messages, 0);
	/* ON is not sent to it, nor kept alive. */
	d = set(h, true, t + 100 * SEC);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(messages_sent(h, t + 101 * SEC, t + 700 * SEC), 0);
	d = set(h, false, t + 701 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	d = set(h, false, t + 702 * SEC);
	assert_int_equal(d.n_messages, 0);
	/* The broker back: the fresh decision goes out, OFF though the plug is offline. */
	heater_connection(h, false, t + 710 * SEC, &d);
	d = set(h, false, t + 711 * SEC);
	assert_int_equal(d.n_messages, 0);
	connected(h, t + 720 * SEC);
	d = set(h, false, t + 720 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	assert_int_equal(messages_sent(h, t + 721 * SEC, t + 800 * SEC), 0);
	/* Back online: the wish goes out at once and waits for its confirmation. */
	d = receive(h, "tele/plug/LWT", "Online", t + 801 * SEC);
	assert_sent(&d, "cmnd/plug/POWER", "OFF");
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	assert_int_equal(d.next_wakeup_usec, t + 816 * SEC);
	d = receive(h, "stat/plug/POWER", "OFF", t + 802 * SEC);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	heater_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_offline_blip),
		cmocka_unit_test(test_back_from_a_power_cut),
		cmocka_unit_test(test_offline_at_connection),
		cmocka_unit_test(test_offline_flapping),
		cmocka_unit_test(test_offline_said),
		cmocka_unit_test(test_offline_off_goes_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
