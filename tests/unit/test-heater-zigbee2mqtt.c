/*
 * The zigbee2mqtt preset: set with on_time and the state read back, state
 * JSON, both availability shapes; a plug that ignores on_time.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "actuators/heater.h"
#include "tests/unit/heater-preset-check.h"

#define GET      "zigbee2mqtt/bedroom/heater plug/get"
#define READ     "{\"state\":\"\"}"
#define ON_TIMED "{\"state\":\"ON\",\"on_time\":600}"
#define ON       "{\"state\":\"ON\"}"
#define OFF      "{\"state\":\"OFF\"}"

static struct heater_preset *z2m(const char *base)
{
	struct heater_params p;

	heater_params_init(&p, HEATER_TYPE_ZIGBEE2MQTT);
	p.topic = "bedroom/heater plug";
	p.base_topic = base;
	return preset_new(&p);
}

/*
 * The command for @on: @payload on the set topic under @base, then the read
 * back of the state on its get topic.
 */
static void assert_command(struct heater_preset *hp, const char *base, bool on,
			   uint64_t auto_off_usec, const char *payload)
{
	struct heater_messages m = { 0 };
	char set[128], get[128];

	snprintf(set, sizeof(set), "%s/bedroom/heater plug/set", base);
	snprintf(get, sizeof(get), "%s/bedroom/heater plug/get", base);
	assert_int_equal(heater_preset_command(hp, on, auto_off_usec, &m), 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.m[0].topic, set);
	assert_string_equal(m.m[0].payload, payload);
	assert_string_equal(m.m[1].topic, get);
	assert_string_equal(m.m[1].payload, READ);
	heater_messages_clear(&m);
}

static void test_topics_and_commands(void **state)
{
	struct heater_preset *hp = z2m(NULL);

	assert_int_equal(heater_preset_n_subscriptions(hp), 2);
	assert_string_equal(heater_preset_subscription(hp, 0), "zigbee2mqtt/bedroom/heater plug");
	assert_string_equal(heater_preset_subscription(hp, 1),
			    "zigbee2mqtt/bedroom/heater plug/availability");
	assert_true(heater_preset_has_dead_man(hp));
	assert_command(hp, "zigbee2mqtt", true, 0, ON);
	assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON_TIMED);
	assert_command(hp, "zigbee2mqtt", false, 600 * SEC, OFF);
	assert_command(hp, "zigbee2mqtt", false, 0, OFF);
	/* zigbee2mqtt sends on_time in tenths of a second in 16 bits: 6553 s at most. */
	assert_command(hp, "zigbee2mqtt", true, 6553 * SEC + 999999,
		       "{\"state\":\"ON\",\"on_time\":6553}");
	assert_command(hp, "zigbee2mqtt", true, 12 * 3600 * SEC,
		       "{\"state\":\"ON\",\"on_time\":6553}");
	heater_preset_free(hp);

	hp = z2m("z2m");
	assert_command(hp, "z2m", true, 1, "{\"state\":\"ON\",\"on_time\":1}");
	heater_preset_free(hp);
}

/* The read back's answer is a state report like any other, on the same topic. */
static void test_readback_is_a_state_report(void **state)
{
	struct heater_preset *hp = z2m(NULL);
	const char *t = "zigbee2mqtt/bedroom/heater plug";
	struct heater_update u;

	assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON_TIMED);
	assert_int_equal(
	    preset_parse(hp, t, "{\"state\":\"ON\",\"power\":1480,\"linkquality\":90}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_true(u.power_known);
	assert_float_equal(u.power_w, 1480.0, 0);
	assert_true(heater_preset_has_dead_man(hp));
	heater_preset_free(hp);
}

/*
 * A plug that ignores On With Timed Off answers the read back OFF: twice in a
 * row, and it gets plain ON from then on, without the dead-man it ignores.
 */
static void test_on_time_ignored(void **state)
{
	struct heater_preset *hp = z2m(NULL);
	const char *t = "zigbee2mqtt/bedroom/heater plug";

	assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON_TIMED);
	assert_int_equal(preset_relay(hp, t, OFF), HEATER_RELAY_OFF);
	/* Another report of the same (a power reading) is the same answer, not a second. */
	assert_int_equal(preset_relay(hp, t, "{\"state\":\"OFF\",\"power\":0}"), HEATER_RELAY_OFF);
	assert_true(heater_preset_has_dead_man(hp));
	assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON_TIMED);
	assert_int_equal(preset_relay(hp, t, OFF), HEATER_RELAY_OFF);
	assert_false(heater_preset_has_dead_man(hp));
	assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON);
	assert_int_equal(preset_relay(hp, t, ON), HEATER_RELAY_ON);
	/* It stays so, whatever the plug says next. */
	assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON);
	assert_command(hp, "zigbee2mqtt", false, 600 * SEC, OFF);
	assert_false(heater_preset_has_dead_man(hp));
	heater_preset_free(hp);
}

/*
 * A plug that takes on_time keeps it: a report of the old state already on its
 * way before the ON (OFF), then ON; OFF after an OFF command, or after ON was
 * reported (its button, its dead-man), says nothing of on_time.
 */
static void test_on_time_kept(void **state)
{
	struct heater_preset *hp = z2m(NULL);
	const char *t = "zigbee2mqtt/bedroom/heater plug";

	for (int i = 0; i < 3; i++) {
		assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON_TIMED);
		assert_int_equal(preset_relay(hp, t, "{\"state\":\"OFF\",\"power\":0}"),
				 HEATER_RELAY_OFF);
		assert_int_equal(preset_relay(hp, t, ON), HEATER_RELAY_ON);
	}
	assert_int_equal(preset_relay(hp, t, OFF), HEATER_RELAY_OFF);
	assert_command(hp, "zigbee2mqtt", false, 0, OFF);
	assert_int_equal(preset_relay(hp, t, OFF), HEATER_RELAY_OFF);
	assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON_TIMED);
	assert_int_equal(preset_relay(hp, t, ON), HEATER_RELAY_ON);
	assert_int_equal(preset_relay(hp, t, OFF), HEATER_RELAY_OFF);
	assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON_TIMED);
	assert_int_equal(preset_relay(hp, t, ON), HEATER_RELAY_ON);
	/* Without on_time (auto_off 0) there is nothing to learn. */
	assert_command(hp, "zigbee2mqtt", true, 0, ON);
	assert_int_equal(preset_relay(hp, t, OFF), HEATER_RELAY_OFF);
	assert_command(hp, "zigbee2mqtt", true, 0, ON);
	assert_int_equal(preset_relay(hp, t, OFF), HEATER_RELAY_OFF);
	assert_true(heater_preset_has_dead_man(hp));
	assert_command(hp, "zigbee2mqtt", true, 600 * SEC, ON_TIMED);
	heater_preset_free(hp);
}

/* A plug tracker of a zigbee2mqtt plug "plug" (auto_off 10 min, confirm_timeout 15 s). */
static struct heater *tracker(void)
{
	struct heater_params p;
	struct heater_decision d;
	struct heater *h = NULL;

	heater_params_init(&p, HEATER_TYPE_ZIGBEE2MQTT);
	p.topic = "plug";
	assert_int_equal(heater_new(&p, &h), 0);
	heater_connection(h, true, 0, &d);
	return h;
}

static void assert_sent(const struct heater_decision *d, const char *payload)
{
	assert_int_equal(d->n_messages, 2);
	assert_string_equal(d->messages[0].topic, "zigbee2mqtt/plug/set");
	assert_string_equal(d->messages[0].payload, payload);
	assert_string_equal(d->messages[1].topic, "zigbee2mqtt/plug/get");
	assert_string_equal(d->messages[1].payload, READ);
}

static struct heater_decision said(struct heater *h, const char *payload, uint64_t now)
{
	struct heater_decision d;

	assert_int_equal(heater_receive(h, "zigbee2mqtt/plug", payload, strlen(payload), now, &d),
			 0);
	return d;
}

/*
 * zigbee2mqtt publishes no state for an ON with on_time, and a plug whose relay
 * does not change reports nothing: the keep-alive is confirmed by the read back
 * alone. Without it, heater_unconfirmed every heating stretch.
 */
static void test_keep_alive_confirmed(void **state)
{
	struct heater *h = tracker();
	struct heater_decision d;

	heater_set(h, true, SEC, &d);
	assert_sent(&d, ON_TIMED);
	d = said(h, ON, 2 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	for (uint64_t t = 301 * SEC; t < 3600 * SEC; t += 300 * SEC) {
		heater_tick(h, t, &d);
		assert_sent(&d, ON_TIMED);
		d = said(h, ON, t + SEC);
		heater_tick(h, t + 60 * SEC, &d);
		assert_int_equal(d.alerts_active, 0);
		assert_int_equal(d.n_messages, 0);
	}
	heater_free(h);
}

/*
 * A plug that ignores on_time stays off: after two answers OFF it gets plain
 * ON, which it takes, within the retries: no heater_unconfirmed, and its
 * keep-alive is plain ON too.
 */
static void test_on_time_ignored_heats(void **state)
{
	struct heater *h = tracker();
	struct heater_decision d;

	heater_set(h, true, SEC, &d);
	assert_sent(&d, ON_TIMED);
	d = said(h, "{\"state\":\"OFF\",\"linkquality\":120}", 2 * SEC);
	heater_tick(h, 16 * SEC, &d);
	assert_sent(&d, ON_TIMED);
	d = said(h, "{\"state\":\"OFF\",\"linkquality\":120}", 17 * SEC);
	assert_false(heater_preset_has_dead_man(heater_preset(h)));
	heater_tick(h, 31 * SEC, &d);
	assert_sent(&d, ON);
	d = said(h, ON, 32 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	assert_int_equal(d.alerts_active, 0);
	heater_tick(h, 331 * SEC, &d);
	assert_sent(&d, ON);
	d = said(h, ON, 332 * SEC);
	assert_int_equal(d.state, HEATER_STATE_ON);
	assert_int_equal(d.alerts_active, 0);
	heater_free(h);
}

static void test_state(void **state)
{
	struct heater_preset *hp = z2m(NULL);
	const char *t = "zigbee2mqtt/bedroom/heater plug";
	struct heater_update u;

	assert_int_equal(
	    preset_parse(hp, t,
			 "{\"child_lock\":\"UNLOCK\",\"current\":6.42,\"energy\":3.21,"
			 "\"linkquality\":120,\"power\":1478,\"power_outage_memory\":\"off\","
			 "\"state\":\"ON\",\"voltage\":230}",
			 &u),
	    0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_float_equal(u.power_w, 1478.0, 0);
	assert_float_equal(u.energy_kwh, 3.21, 1e-9);
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"OFF\",\"linkquality\":90}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	assert_false(u.power_known);
	/* A report of other values only, and null while the device has no value. */
	assert_int_equal(preset_parse(hp, t, "{\"linkquality\":90}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(preset_parse(hp, t, "{\"state\":null}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	heater_preset_free(hp);
}

/* The word @u holds is @word, and no relay state. */
static void assert_word(const struct heater_update *u, const char *word)
{
	assert_int_equal(u->relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u->word.kind, HEATER_WORD_STATE);
	assert_int_equal(u->word.len, strlen(word));
	assert_memory_equal(u->word.text, word, u->word.len);
}

/*
 * A "state" that is neither ON nor OFF (a device that is not a plug, a
 * converter's own word): the device's word, not taken as on (heater-answers.c). The
 * readings beside it still count; what is not a state says no word.
 */
static void test_state_words(void **state)
{
	struct heater_preset *hp = z2m(NULL);
	const char *t = "zigbee2mqtt/bedroom/heater plug";
	struct heater_update u;
	char big[300], json[400];

	assert_int_equal(preset_parse(hp, t, "{\"state\":\"TOGGLE\",\"linkquality\":90}", &u), 0);
	assert_word(&u, "TOGGLE");
	assert_int_equal(preset_parse(hp, t, "{\"power\":0,\"state\":\" overload \"}", &u), 0);
	assert_word(&u, "overload");
	assert_true(u.power_known);
	assert_float_equal(u.power_w, 0.0, 0);
	/* A reading that cannot be read does not cost the word. */
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"fault\",\"power\":\"x\"}", &u), 0);
	assert_word(&u, "fault");
	assert_false(u.power_known);
	/* Unprintable bytes as they came (the journal makes them '?'); a long one cut. */
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"a\\u0007b\"}", &u), 0);
	assert_word(&u, "a\ab");
	memset(big, 'w', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(json, sizeof(json), "{\"state\":\"%s\"}", big);
	assert_int_equal(preset_parse(hp, t, json, &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_int_equal(u.word.len, HEATER_WORD_MAX);
	/* A state says no word. */
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"off\"}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);

	/* Not states: other values only, null, a boolean (a state, as before), a number. */
	assert_int_equal(preset_parse(hp, t, "{\"linkquality\":90,\"power\":3}", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	assert_int_equal(preset_parse(hp, t, "{\"state\":null}", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	assert_int_equal(preset_parse(hp, t, "{\"state\":false}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	assert_int_equal(preset_parse(hp, t, "{\"state\":0}", &u), -EINVAL);
	/* The availability topic has no state words. */
	assert_int_equal(preset_parse(hp, "zigbee2mqtt/bedroom/heater plug/availability",
				      "{\"state\":\"overload\"}", &u),
			 -EBADMSG);
	heater_preset_free(hp);
}

static void test_availability(void **state)
{
	struct heater_preset *hp = z2m(NULL);
	const char *t = "zigbee2mqtt/bedroom/heater plug/availability";
	struct heater_update u;

	assert_int_equal(preset_parse(hp, t, "online", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_ONLINE);
	assert_int_equal(preset_parse(hp, t, "offline", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_OFFLINE);
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"online\"}", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_ONLINE);
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"offline\"}", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_OFFLINE);
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"maybe\"}", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, t, "{\"state\":1}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, t, "{\"status\":\"online\"}", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, t, "Online", &u), -EBADMSG);
	heater_preset_free(hp);
}

static void test_bad(void **state)
{
	struct heater_preset *hp = z2m(NULL);
	const char *t = "zigbee2mqtt/bedroom/heater plug";
	struct heater_update u = { .relay = HEATER_RELAY_ON };
	const char junk[] = { (char) 0xc3, (char) 0x28, '{' };
	char *big;

	assert_int_equal(preset_parse(hp, t, "ON", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, t, "{\"state\":true}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	u.relay = HEATER_RELAY_OFF;
	/* Another string is the device's word (test_state_words); another type is refused. */
	assert_int_equal(preset_parse(hp, t, "{\"state\":[\"ON\"]}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, t, "{\"state\":1}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, t, "{\"state\":{\"l1\":\"ON\"}}", &u), -EINVAL);
	/* A reading that cannot be read is left unknown: the relay state beside it holds. */
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"ON\",\"power\":\"1478\"}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_false(u.power_known);
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"OFF\",\"energy\":{}}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	assert_false(u.energy_known);
	assert_int_equal(
	    preset_parse(hp, t, "{\"state\":\"ON\",\"power\":null,\"energy\":\"1.2\"}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_false(u.power_known);
	assert_false(u.energy_known);
	assert_int_equal(preset_parse(hp, t, "{\"power\":null,\"energy\":12.5}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_false(u.power_known);
	assert_float_equal(u.energy_kwh, 12.5, 0);
	/* Nothing readable but a reading that is not: refused, the daemon says it (debug). */
	assert_int_equal(preset_parse(hp, t, "{\"power\":\"1478\"}", &u), -EINVAL);
	u.relay = HEATER_RELAY_OFF;
	assert_int_equal(heater_preset_parse(hp, t, junk, sizeof(junk), &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, "zigbee2mqtt/bedroom/heater plug/set", "{}", &u),
			 -ENOENT);
	big = malloc(1 << 20);
	assert_non_null(big);
	memset(big, '[', 1 << 20);
	assert_int_equal(heater_preset_parse(hp, t, big, 1 << 20, &u), -EMSGSIZE);
	/* Deep nesting under the size limit is refused by the parser, not the stack. */
	assert_int_equal(heater_preset_parse(hp, t, big, HEATER_PAYLOAD_MAX, &u), -EBADMSG);
	free(big);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	heater_preset_free(hp);
}

static void test_params(void **state)
{
	struct heater_preset *hp = NULL;
	struct heater_params p;

	heater_params_init(&p, HEATER_TYPE_ZIGBEE2MQTT);
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	p.topic = "plug";
	p.base_topic = "";
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	p.base_topic = "z2m/+";
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	assert_null(hp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topics_and_commands),
		cmocka_unit_test(test_readback_is_a_state_report),
		cmocka_unit_test(test_on_time_ignored),
		cmocka_unit_test(test_on_time_kept),
		cmocka_unit_test(test_keep_alive_confirmed),
		cmocka_unit_test(test_on_time_ignored_heats),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_availability),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_state_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
