/*
 * What a plug says that is neither on nor off: a Shelly Gen1 through the
 * generic preset says "overpower" on its state topic when its own protection
 * trips the relay. It is not confirmed on any more: heater_unconfirmed at once
 * (its stage does not count, another may stand in), and ON goes out again no
 * faster than the slow retry, which doubles at each trip; the alert ends once
 * the plug has held what it is told a while, not at each brief "on". The word goes up for
 * the journal, news once per word. A Tasmota whose StateText1/StateText2
 * were changed, and a zigbee2mqtt state other than ON/OFF, go the same way.
 * (A Shelly Gen2's error reply: test-heater-shelly-confirm.c.)
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

#define STATE   "shellies/heater/relay/0"
#define COMMAND "shellies/heater/relay/0/command"

/* A Shelly Gen1 as the generic preset drives it; auto_off 10 min: keep-alive every 5. */
static struct heater *gen1(void)
{
	struct heater *h = NULL;
	struct heater_params p;

	heater_params_init(&p, HEATER_TYPE_GENERIC);
	p.command_topic = COMMAND;
	p.state_topic = STATE;
	p.payload_on = "on";
	p.payload_off = "off";
	assert_int_equal(heater_new(&p, &h), 0);
	return h;
}

/* Confirmed on at @t: ON sent at @t, "on" a second later. */
static void confirmed_on(struct heater *h, uint64_t t)
{
	struct heater_decision d;

	connected(h, t);
	d = set(h, true, t);
	assert_sent(&d, COMMAND, "on");
	d = receive(h, STATE, "on", t + SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	assert_int_equal(d.word.kind, HEATER_WORD_NONE);
}

static void test_overpower_is_not_on(void **state)
{
	struct heater *h = gen1();
	struct heater_status st;
	struct heater_decision d;
	const struct heater_word *w;

	confirmed_on(h, T0);
	/* Its power while on, to see it forgotten. */
	d = receive(h, STATE, "on", T0 + 2 * SEC);
	d = receive(h, STATE, "overpower", T0 + 20 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_int_equal(d.alerts_active, UNCONFIRMED);
	assert_true(d.redecide); /* another heater may stand in */
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	assert_int_equal(d.word.kind, HEATER_WORD_STATE);
	assert_true(d.word_news);
	assert_memory_equal(d.word.text, "overpower", d.word.len);
	assert_int_equal(d.event, HEATER_EVENT_NONE);
	/* Not told ON again at once: the slow retry, a minute after the last send. */
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.resend_in_usec, 40 * SEC);
	assert_int_equal(d.next_wakeup_usec, T0 + 60 * SEC);
	heater_get_status(h, &st);
	assert_int_equal(st.confirmed, HEATER_RELAY_UNKNOWN);
	assert_int_equal(st.desired, HEATER_RELAY_ON);
	assert_false(st.contradicts); /* it did not say off */
	assert_false(st.power_known);
	w = heater_last_word(h);
	assert_non_null(w);
	assert_int_equal(w->kind, HEATER_WORD_STATE);

	/* Said again (a periodic report): no news, no alert again. */
	d = receive(h, STATE, "overpower", T0 + 30 * SEC);
	assert_int_equal(d.word.kind, HEATER_WORD_STATE);
	assert_false(d.word_news);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.n_messages, 0);
	/* Another word is news. */
	d = receive(h, STATE, "fault", T0 + 31 * SEC);
	assert_true(d.word_news);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);

	/*
	 * The slow retry; the plug takes it and says on. After a trip the alert
	 * ends once the plug has held it for unconfirmed_retry, not at the brief
	 * "on" a tripping plug says each time: nothing is re-sent meanwhile.
	 */
	d = tick(h, T0 + 59 * SEC);
	assert_int_equal(d.n_messages, 0);
	d = tick(h, T0 + 60 * SEC);
	assert_sent(&d, COMMAND, "on");
	d = receive(h, STATE, "on", T0 + 61 * SEC);
	assert_int_equal(d.alerts_cleared, 0);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	assert_int_equal(d.next_wakeup_usec, T0 + 121 * SEC);
	assert_null(heater_last_word(h));
	d = tick(h, T0 + 120 * SEC);
	assert_int_equal(d.alerts_cleared, 0);
	assert_int_equal(d.n_messages, 0);
	d = tick(h, T0 + 121 * SEC);
	assert_int_equal(d.alerts_cleared, UNCONFIRMED);
	assert_int_equal(d.state, HEATER_STATE_ON);
	assert_int_equal(d.n_messages, 0);
	/* The same word after a state is news again. */
	d = receive(h, STATE, "fault", T0 + 122 * SEC);
	assert_true(d.word_news);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	heater_free(h);
}

/*
 * The word is what the plug says now, in the state: not once the broker went
 * away (it may have said on or off meanwhile, unheard), as its relay state.
 */
static void test_word_forgotten_with_the_connection(void **state)
{
	struct heater *h = gen1();
	struct heater_decision d;

	confirmed_on(h, T0);
	d = receive(h, STATE, "overpower", T0 + 20 * SEC);
	assert_int_equal(d.word.kind, HEATER_WORD_STATE);
	assert_non_null(heater_last_word(h));
	heater_connection(h, false, T0 + 30 * SEC, &d);
	assert_null(heater_last_word(h));
	/* Said again after the broker is back: news, as a word after a relay state. */
	connected(h, T0 + 40 * SEC);
	d = receive(h, STATE, "overpower", T0 + 41 * SEC);
	assert_true(d.word_news);
	assert_non_null(heater_last_word(h));
	heater_free(h);
}

/*
 * A heater whose draw trips the plug's protection each time it is switched
 * on: every ON is taken ("on") and tripped a second later. The slow retry
 * doubles at each trip (1, 2, 4, 8 ... minutes, at most 30): not a heater
 * switched on every minute all night. The alert is raised once and stays:
 * not a notification at each brief "on". Once the plug holds ON for longer
 * than the longest retry, a trip is a new fault: a minute again.
 */
static void test_tripping_plug_is_not_told_on_in_a_loop(void **state)
{
	const uint64_t night = 9 * 3600 * SEC;
	struct heater *h = gen1();
	struct heater_decision d;
	uint64_t last_on = T0, gap = 0, t;
	unsigned ons = 0, raised = 0, cleared = 0;

	confirmed_on(h, T0);
	d = receive(h, STATE, "overpower", T0 + 2 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_int_equal(d.n_messages, 0);
	for (t = T0 + 3 * SEC; t < T0 + night; t += SEC) {
		d = tick(h, t);
		cleared += d.alerts_cleared != 0;
		if (d.n_messages == 0)
			continue;
		assert_sent(&d, COMMAND, "on");
		/* Each wait at least the one before: 60, 120, 240 ... 1800 s. */
		assert_true(t - last_on >= gap);
		gap = t - last_on;
		assert_true(gap <= 30 * 60 * SEC + 2 * SEC);
		last_on = t;
		ons++;
		d = receive(h, STATE, "on", t);
		cleared += d.alerts_cleared != 0;
		d = receive(h, STATE, "overpower", t + SEC);
		raised += d.alerts_raised != 0;
		assert_int_equal(d.n_messages, 0);
		t += SEC;
	}
	assert_true(gap >= 30 * 60 * SEC);
	/* 9 h: 60+120+...+960 s, then every 30 min: about 22 ONs, not 540. */
	assert_true(ons >= 18 && ons <= 24);
	assert_int_equal(raised, 0);
	assert_int_equal(cleared, 0);

	/* The plug holds ON now (reset by hand): the alert ends after a minute's hold. */
	t = last_on + 30 * 60 * SEC;
	d = tick(h, t);
	assert_sent(&d, COMMAND, "on");
	d = receive(h, STATE, "on", t + SEC);
	assert_int_equal(d.alerts_cleared, 0);
	d = tick(h, t + 61 * SEC);
	assert_int_equal(d.alerts_cleared, UNCONFIRMED);
	/*
	 * Half an hour later a trip is a new fault: the retry is a minute again,
	 * counted from the last ON (half an hour ago): once at once, then 2 min.
	 */
	t += 31 * 60 * SEC;
	d = receive(h, STATE, "overpower", t);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_sent(&d, COMMAND, "on");
	receive(h, STATE, "on", t + SEC);
	d = receive(h, STATE, "overpower", t + 2 * SEC);
	assert_int_equal(d.resend_in_usec, 120 * SEC - 2 * SEC);
	heater_free(h);
}

/*
 * A plug that answers each ON with its word and never says "on" between (its
 * relay trips before it reports): each answer is a trip all the same, the
 * retry doubles. The word said again unasked (a periodic status every 5 min)
 * is not another trip: the retry does not double for it.
 */
static void test_trip_answered_with_the_word_each_time(void **state)
{
	const uint64_t night = 9 * 3600 * SEC;
	struct heater *h = gen1();
	struct heater_decision d;
	uint64_t last_on = T0, gap = 0, t;
	unsigned ons = 0;

	confirmed_on(h, T0);
	d = receive(h, STATE, "overpower", T0 + 2 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	for (t = T0 + 3 * SEC; t < T0 + night; t += SEC) {
		if ((t - T0) % (300 * SEC) == 0)
			(void) receive(h, STATE, "overpower", t); /* a periodic status */
		d = tick(h, t);
		if (d.n_messages == 0)
			continue;
		assert_sent(&d, COMMAND, "on");
		assert_true(t - last_on >= gap);
		gap = t - last_on;
		last_on = t;
		ons++;
		d = receive(h, STATE, "overpower", t + SEC);
		assert_int_equal(d.n_messages, 0);
	}
	assert_true(gap >= 30 * 60 * SEC);
	assert_true(ons >= 18 && ons <= 24);
	heater_free(h);
}

/* While a command waits for its answer, the word ends the wait: unconfirmed now. */
static void test_word_while_pending(void **state)
{
	struct heater *h = gen1();
	struct heater_decision d;

	connected(h, T0);
	d = set(h, true, T0);
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	d = receive(h, STATE, "overpower", T0 + SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.next_wakeup_usec, T0 + 60 * SEC);
	/* Told OFF now: sent, and confirmed by "off", held a minute (after a trip). */
	d = set(h, false, T0 + 2 * SEC);
	assert_sent(&d, COMMAND, "off");
	d = receive(h, STATE, "off", T0 + 3 * SEC);
	assert_int_equal(d.alerts_cleared, 0);
	d = tick(h, T0 + 63 * SEC);
	assert_int_equal(d.alerts_cleared, UNCONFIRMED);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	/* Told OFF and confirmed off: a word means it is not known to be off either. */
	d = receive(h, STATE, "overpower", T0 + 64 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	heater_free(h);
}

/* Before a decision, or with the plug offline: the word is said, nothing is unconfirmed. */
static void test_word_with_nothing_told(void **state)
{
	struct heater *h = gen1();
	struct heater_status st;
	struct heater_decision d;

	connected(h, T0);
	d = receive(h, STATE, "overpower", T0);
	assert_int_equal(d.word.kind, HEATER_WORD_STATE);
	assert_true(d.word_news);
	assert_int_equal(d.alerts_active, 0);
	assert_int_equal(d.resend_in_usec, HEATER_NO_WAKEUP);
	heater_get_status(h, &st);
	assert_int_equal(st.confirmed, HEATER_RELAY_UNKNOWN);
	/* The first decision is sent as ever, and waits for its answer. */
	d = set(h, true, T0 + SEC);
	assert_sent(&d, COMMAND, "on");
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	heater_free(h);
}

/*
 * A Tasmota whose StateText1/StateText2 say "AUS"/"AN": confirmed on before
 * the change, then "AN" on POWER and in RESULT. Not on: unconfirmed at once,
 * news once; a RESULT without POWER (the answer to another command) changes
 * nothing.
 */
static void test_tasmota_state_text(void **state)
{
	struct heater *h = plug();
	struct heater_status st;
	struct heater_decision d;

	connected(h, T0);
	d = set(h, true, T0);
	assert_on_sent(&d);
	d = receive(h, "stat/plug/RESULT", "{\"POWER\":\"ON\"}", T0 + SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	d = receive(h, "stat/plug/POWER", "AN", T0 + 20 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_true(d.redecide);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	assert_int_equal(d.word.kind, HEATER_WORD_STATE);
	assert_true(d.word_news);
	assert_memory_equal(d.word.text, "AN", d.word.len);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.resend_in_usec, 40 * SEC);
	heater_get_status(h, &st);
	assert_int_equal(st.confirmed, HEATER_RELAY_UNKNOWN);
	d = receive(h, "stat/plug/RESULT", "{\"POWER\":\"AN\"}", T0 + 20 * SEC);
	assert_false(d.word_news);
	assert_int_equal(d.alerts_raised, 0);
	d = receive(h, "stat/plug/RESULT", "{\"PulseTime1\":{\"Set\":700}}", T0 + 21 * SEC);
	assert_int_equal(d.word.kind, HEATER_WORD_NONE);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	assert_non_null(heater_last_word(h));
	/* The slow retry, a minute after the last ON. */
	d = tick(h, T0 + 60 * SEC);
	assert_on_sent(&d);
	heater_free(h);
}

/* A zigbee2mqtt device whose state is neither ON nor OFF: the same. */
static void test_zigbee2mqtt_state_word(void **state)
{
	const char *t = "zigbee2mqtt/heater";
	struct heater *h = NULL;
	struct heater_params p;
	struct heater_decision d;

	heater_params_init(&p, HEATER_TYPE_ZIGBEE2MQTT);
	p.topic = "heater";
	assert_int_equal(heater_new(&p, &h), 0);
	connected(h, T0);
	d = set(h, true, T0);
	assert_int_equal(d.n_messages, 2);
	d = receive(h, t, "{\"state\":\"ON\",\"power\":1500}", T0 + SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	d = receive(h, t, "{\"state\":\"overload\",\"power\":0}", T0 + 20 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	assert_true(d.word_news);
	assert_memory_equal(d.word.text, "overload", d.word.len);
	/* Other values only: no word, nothing changes. */
	d = receive(h, t, "{\"linkquality\":90}", T0 + 21 * SEC);
	assert_int_equal(d.word.kind, HEATER_WORD_NONE);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	/* ON again as it says it: held a minute, the alert ends. */
	d = tick(h, T0 + 60 * SEC);
	assert_int_equal(d.n_messages, 2);
	d = receive(h, t, "{\"state\":\"ON\"}", T0 + 61 * SEC);
	assert_null(heater_last_word(h));
	d = tick(h, T0 + 121 * SEC);
	assert_int_equal(d.alerts_cleared, UNCONFIRMED);
	heater_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overpower_is_not_on),
		cmocka_unit_test(test_word_forgotten_with_the_connection),
		cmocka_unit_test(test_tripping_plug_is_not_told_on_in_a_loop),
		cmocka_unit_test(test_trip_answered_with_the_word_each_time),
		cmocka_unit_test(test_word_while_pending),
		cmocka_unit_test(test_word_with_nothing_told),
		cmocka_unit_test(test_tasmota_state_text),
		cmocka_unit_test(test_zigbee2mqtt_state_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
