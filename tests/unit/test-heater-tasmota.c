/* The Tasmota preset: commands with and without PulseTime, every state shape, bad input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/heater-preset-check.h"

static struct heater_preset *tasmota(int relay)
{
	struct heater_params p;

	heater_params_init(&p, HEATER_TYPE_TASMOTA);
	p.topic = "plug";
	p.switch_id = relay;
	return preset_new(&p);
}

static void test_subscriptions(void **state)
{
	struct heater_preset *hp = tasmota(0);
	/* The answer to a command first: the journal names it when none comes. */
	/* POWER is relay 1: a plug with more relays, or SetOption26 1, answers POWER1. */
	const char *want[] = { "stat/plug/RESULT", "tele/plug/LWT",   "tele/plug/STATE",
			       "tele/plug/SENSOR", "stat/plug/POWER", "stat/plug/POWER1" };

	assert_int_equal(heater_preset_type(hp), HEATER_TYPE_TASMOTA);
	assert_true(heater_preset_has_dead_man(hp));
	assert_int_equal(heater_preset_n_subscriptions(hp), 6);
	for (unsigned i = 0; i < 6; i++)
		assert_string_equal(heater_preset_subscription(hp, i), want[i]);
	assert_null(heater_preset_subscription(hp, 6));
	heater_preset_free(hp);

	hp = tasmota(2);
	assert_int_equal(heater_preset_n_subscriptions(hp), 5);
	assert_string_equal(heater_preset_subscription(hp, 4), "stat/plug/POWER2");
	heater_preset_free(hp);

	hp = tasmota(1);
	assert_int_equal(heater_preset_n_subscriptions(hp), 6);
	assert_string_equal(heater_preset_subscription(hp, 4), "stat/plug/POWER1");
	assert_string_equal(heater_preset_subscription(hp, 5), "stat/plug/POWER");
	heater_preset_free(hp);
}

static void test_commands(void **state)
{
	struct heater_preset *hp = tasmota(0);

	assert_one_command(hp, false, 0, "cmnd/plug/POWER", "OFF");
	assert_one_command(hp, false, 600 * SEC, "cmnd/plug/POWER", "OFF");
	/*
	 * Without auto_off, PulseTime 0 with every ON: one left in the plug's flash
	 * from an earlier auto_off would switch it off by itself.
	 */
	assert_one_command(hp, true, 0, "cmnd/plug/Backlog", "PulseTime1 0;Power ON");
	/* 10 min: 600 s + 100 = 700. */
	assert_one_command(hp, true, 600 * SEC, "cmnd/plug/Backlog", "PulseTime1 700;Power ON");
	heater_preset_free(hp);

	hp = tasmota(2);
	assert_one_command(hp, false, 0, "cmnd/plug/POWER2", "OFF");
	assert_one_command(hp, true, 0, "cmnd/plug/Backlog", "PulseTime2 0;Power2 ON");
	assert_one_command(hp, true, 600 * SEC, "cmnd/plug/Backlog", "PulseTime2 700;Power2 ON");
	heater_preset_free(hp);
}

static void test_pulsetime(void **state)
{
	struct heater_preset *hp = tasmota(0);

	/* Tenths of a second up to 11.1 s, then seconds + 100, always rounded down. */
	assert_one_command(hp, true, 50000, "cmnd/plug/Backlog", "PulseTime1 1;Power ON");
	assert_one_command(hp, true, 5 * SEC, "cmnd/plug/Backlog", "PulseTime1 50;Power ON");
	assert_one_command(hp, true, 11 * SEC + 500000, "cmnd/plug/Backlog",
			   "PulseTime1 111;Power ON");
	assert_one_command(hp, true, 12 * SEC, "cmnd/plug/Backlog", "PulseTime1 112;Power ON");
	assert_one_command(hp, true, 3600 * SEC + 999999, "cmnd/plug/Backlog",
			   "PulseTime1 3700;Power ON");
	assert_one_command(hp, true, 64800 * SEC, "cmnd/plug/Backlog", "PulseTime1 64900;Power ON");
	assert_one_command(hp, true, 100000 * SEC, "cmnd/plug/Backlog",
			   "PulseTime1 64900;Power ON");
	heater_preset_free(hp);
}

static void test_state(void **state)
{
	struct heater_preset *hp = tasmota(0);
	struct heater_update u;

	assert_int_equal(preset_relay(hp, "stat/plug/POWER", "ON"), HEATER_RELAY_ON);
	assert_int_equal(preset_relay(hp, "stat/plug/POWER", " off\r\n"), HEATER_RELAY_OFF);
	assert_int_equal(preset_relay(hp, "stat/plug/RESULT", "{\"POWER\":\"ON\"}"),
			 HEATER_RELAY_ON);
	assert_int_equal(preset_relay(hp, "stat/plug/RESULT", "{\"POWER\":\"OFF\"}"),
			 HEATER_RELAY_OFF);
	/* The answer to PulseTime says nothing of the relay. */
	assert_int_equal(
	    preset_relay(hp, "stat/plug/RESULT", "{\"PulseTime1\":{\"Set\":700,\"Remaining\":0}}"),
	    HEATER_RELAY_UNKNOWN);
	assert_int_equal(preset_parse(hp, "tele/plug/STATE",
				      "{\"Time\":\"2024-01-10T22:00:00\",\"Uptime\":\"0T01:00:00\","
				      "\"POWER\":\"ON\",\"Wifi\":{\"AP\":1,\"RSSI\":80}}",
				      &u),
			 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_UNKNOWN);
	assert_false(u.power_known);
	heater_preset_free(hp);
}

/*
 * switch_id 0 (POWER) on a plug that names its relay POWER1: one with a second
 * relay (Gosund SP112's USB, BlitzWolf with USB) or SetOption26 1. Its answers
 * confirm.
 */
static void test_state_power1(void **state)
{
	struct heater_preset *hp = tasmota(0);

	assert_int_equal(preset_relay(hp, "stat/plug/POWER1", "ON"), HEATER_RELAY_ON);
	assert_int_equal(preset_relay(hp, "stat/plug/POWER1", "OFF"), HEATER_RELAY_OFF);
	assert_int_equal(preset_relay(hp, "stat/plug/RESULT", "{\"POWER1\":\"ON\"}"),
			 HEATER_RELAY_ON);
	assert_int_equal(
	    preset_relay(hp, "tele/plug/STATE",
			 "{\"Uptime\":\"0T01:00:00\",\"POWER1\":\"OFF\",\"POWER2\":\"ON\"}"),
	    HEATER_RELAY_OFF);
	/* Relay 2 alone is not the heater's. */
	assert_int_equal(preset_relay(hp, "stat/plug/RESULT", "{\"POWER2\":\"ON\"}"),
			 HEATER_RELAY_UNKNOWN);
	assert_int_equal(
	    heater_preset_parse(hp, "stat/plug/POWER2", "ON", 2, &(struct heater_update){ 0 }),
	    -ENOENT);
	heater_preset_free(hp);
}

static void test_state_relays(void **state)
{
	struct heater_preset *hp = tasmota(2);

	assert_int_equal(preset_relay(hp, "stat/plug/POWER2", "ON"), HEATER_RELAY_ON);
	assert_int_equal(
	    preset_relay(hp, "stat/plug/RESULT", "{\"POWER2\":\"ON\",\"POWER1\":\"OFF\"}"),
	    HEATER_RELAY_ON);
	assert_int_equal(preset_relay(hp, "stat/plug/RESULT", "{\"POWER1\":\"ON\"}"),
			 HEATER_RELAY_UNKNOWN);
	/* POWER alone is a single-relay plug: not relay 2. */
	assert_int_equal(preset_relay(hp, "tele/plug/STATE", "{\"POWER\":\"ON\"}"),
			 HEATER_RELAY_UNKNOWN);
	assert_int_equal(
	    heater_preset_parse(hp, "stat/plug/POWER", "ON", 2, &(struct heater_update){ 0 }),
	    -ENOENT);
	heater_preset_free(hp);

	/* Relay 1 of a single-relay plug is reported as POWER. */
	hp = tasmota(1);
	assert_int_equal(preset_relay(hp, "stat/plug/POWER", "ON"), HEATER_RELAY_ON);
	assert_int_equal(preset_relay(hp, "stat/plug/POWER1", "OFF"), HEATER_RELAY_OFF);
	assert_int_equal(preset_relay(hp, "stat/plug/RESULT", "{\"POWER1\":\"ON\"}"),
			 HEATER_RELAY_ON);
	assert_int_equal(preset_relay(hp, "stat/plug/RESULT", "{\"POWER\":\"OFF\"}"),
			 HEATER_RELAY_OFF);
	heater_preset_free(hp);
}

/* The word @u holds is @word, and nothing else was taken. */
static void assert_word(const struct heater_update *u, const char *word)
{
	assert_int_equal(u->relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u->word.kind, HEATER_WORD_STATE);
	assert_false(u->word.code_known);
	assert_int_equal(u->word.len, strlen(word));
	assert_memory_equal(u->word.text, word, u->word.len);
}

/*
 * A Tasmota whose StateText1/StateText2 were changed ("AUS"/"AN") says them
 * where ON and OFF were: the plug's word, not taken as on (heater-answers.c), on every
 * topic that carries the relay state. What carries no relay state stays as it
 * was: a RESULT or STATE without the relay's key says nothing.
 */
static void test_state_words(void **state)
{
	struct heater_preset *hp = tasmota(0);
	struct heater_update u;
	char big[300], json[400];

	assert_int_equal(preset_parse(hp, "stat/plug/POWER", "AN", &u), 0);
	assert_word(&u, "AN");
	assert_int_equal(preset_parse(hp, "stat/plug/POWER1", " AUS\r\n", &u), 0);
	assert_word(&u, "AUS");
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":\"AN\"}", &u), 0);
	assert_word(&u, "AN");
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER1\":\"AUS\"}", &u), 0);
	assert_word(&u, "AUS");
	assert_int_equal(preset_parse(hp, "tele/plug/STATE",
				      "{\"Time\":\"2024-01-10T22:00:00\",\"POWER\":\"AN\","
				      "\"Wifi\":{\"AP\":1}}",
				      &u),
			 0);
	assert_word(&u, "AN");
	/* A state says no word. */
	assert_int_equal(preset_parse(hp, "stat/plug/POWER", "on", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	/* From the network: unprintable bytes kept as they came (the journal makes them '?'). */
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":\"\\u001b[2J\"}", &u), 0);
	assert_word(&u, "\x1b[2J");
	/* However long: at most HEATER_WORD_MAX bytes kept, plain or JSON. */
	memset(big, 'w', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(preset_parse(hp, "stat/plug/POWER", big, &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_int_equal(u.word.len, HEATER_WORD_MAX);
	snprintf(json, sizeof(json), "{\"POWER\":\"%s\"}", big);
	assert_int_equal(preset_parse(hp, "tele/plug/STATE", json, &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_int_equal(u.word.len, HEATER_WORD_MAX);

	/* Not states: the answer to another command, telemetry without this relay. */
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"Command\":\"Unknown\"}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"PulseTime1\":{\"Set\":700}}", &u),
			 0);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	assert_int_equal(preset_parse(hp, "tele/plug/STATE", "{\"Uptime\":\"0T01:00:00\"}", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	assert_int_equal(preset_parse(hp, "tele/plug/STATE", "{\"POWER2\":\"AN\"}", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	/* null is no value yet; a boolean is a state as before; a number is refused. */
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":null}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":true}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":1}", &u), -EINVAL);
	/* The last will and the meter have no state words. */
	assert_int_equal(preset_parse(hp, "tele/plug/LWT", "AN", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, "tele/plug/SENSOR", "{\"POWER\":\"AN\"}", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	heater_preset_free(hp);

	/* Relay 2: its own key; relay 1's word is not its. */
	hp = tasmota(2);
	assert_int_equal(preset_parse(hp, "stat/plug/POWER2", "AN", &u), 0);
	assert_word(&u, "AN");
	assert_int_equal(
	    preset_parse(hp, "stat/plug/RESULT", "{\"POWER1\":\"AN\",\"POWER2\":\"AUS\"}", &u), 0);
	assert_word(&u, "AUS");
	assert_int_equal(preset_parse(hp, "tele/plug/STATE", "{\"POWER1\":\"AN\"}", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	heater_preset_free(hp);
}

static void test_availability(void **state)
{
	struct heater_preset *hp = tasmota(0);
	struct heater_update u;

	assert_int_equal(preset_parse(hp, "tele/plug/LWT", "Online", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_ONLINE);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(preset_parse(hp, "tele/plug/LWT", "Offline", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_OFFLINE);
	assert_int_equal(preset_parse(hp, "tele/plug/LWT", "online", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_ONLINE);
	assert_int_equal(preset_parse(hp, "tele/plug/LWT", "Onlinex", &u), -EBADMSG);
	heater_preset_free(hp);
}

static void test_power(void **state)
{
	struct heater_preset *hp = tasmota(0);
	struct heater_update u;

	assert_int_equal(
	    preset_parse(hp, "tele/plug/SENSOR",
			 "{\"Time\":\"2024-01-10T22:00:00\",\"ENERGY\":{\"TotalStartTime\":"
			 "\"2023-11-01T10:00:00\",\"Total\":12.5,\"Yesterday\":1.1,"
			 "\"Today\":0.4,\"Power\":1480,\"Voltage\":231,\"Current\":6.41}}",
			 &u),
	    0);
	assert_true(u.power_known);
	assert_float_equal(u.power_w, 1480.0, 1e-9);
	assert_true(u.energy_known);
	assert_float_equal(u.energy_kwh, 12.5, 1e-9);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);

	/* A thermometer but no meter: nothing to say. */
	assert_int_equal(
	    preset_parse(hp, "tele/plug/SENSOR", "{\"DS18B20\":{\"Temperature\":19.5}}", &u), 0);
	assert_false(u.power_known);
	assert_false(u.energy_known);
	heater_preset_free(hp);

	/* Multi-channel meters give arrays: element n-1. */
	hp = tasmota(2);
	assert_int_equal(
	    preset_parse(hp, "tele/plug/SENSOR", "{\"ENERGY\":{\"Power\":[3,1490.5]}}", &u), 0);
	assert_float_equal(u.power_w, 1490.5, 1e-9);
	heater_preset_free(hp);
}

static void test_bad(void **state)
{
	struct heater_preset *hp = tasmota(0);
	struct heater_update u = { .relay = HEATER_RELAY_ON, .power_w = 42.0 };
	const char bytes[] = { 'O', '\0', 'N' }, latin1[] = { 'O', (char) 0xce, 'N' };
	char *big;

	/* Neither ON nor OFF on POWER: the plug's word (test_state_words), bytes as they came. */
	assert_int_equal(heater_preset_parse(hp, "stat/plug/POWER", bytes, sizeof(bytes), &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_int_equal(u.word.len, sizeof(bytes));
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(heater_preset_parse(hp, "stat/plug/POWER", latin1, sizeof(latin1), &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_memory_equal(u.word.text, latin1, sizeof(latin1));
	assert_int_equal(preset_parse(hp, "stat/plug/POWER", "", &u), -ENODATA);
	/* JSON that is not UTF-8 is no JSON: refused, no word. */
	assert_int_equal(heater_preset_parse(hp, "stat/plug/RESULT", latin1, sizeof(latin1), &u),
			 -EBADMSG);
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":\"\xff\xfe\"}", &u),
			 -EBADMSG);
	/* Tasmota's POWER is text: a number is refused, not taken as a word. */
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":1}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, "tele/plug/STATE", "{\"POWER\":0.5}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":{\"x\":1}}", &u),
			 -EINVAL);
	assert_int_equal(
	    preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":\"ON\",\"POWER\":\"OFF\"}", &u),
	    -EBADMSG);
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "[\"ON\"]", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":\"ON\"", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, "tele/plug/STATE", "ON", &u), -EBADMSG);
	assert_int_equal(
	    preset_parse(hp, "tele/plug/SENSOR", "{\"ENERGY\":{\"Power\":\"lots\"}}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, "tele/plug/SENSOR", "{\"ENERGY\":{\"Power\":1e999}}", &u),
			 -EBADMSG);
	assert_int_equal(preset_parse(hp, "tele/plug/SENSOR", "{\"ENERGY\":{\"Total\":null}}", &u),
			 -EINVAL);
	assert_int_equal(preset_parse(hp, "cmnd/plug/POWER", "ON", &u), -ENOENT);
	assert_int_equal(preset_parse(hp, "stat/other/POWER", "ON", &u), -ENOENT);
	assert_int_equal(heater_preset_parse(hp, "stat/plug/POWER", NULL, 0, &u), -ENODATA);

	big = malloc(1 << 20);
	assert_non_null(big);
	memset(big, ' ', 1 << 20);
	memcpy(big, "{\"POWER\":\"ON\"}", 14);
	assert_int_equal(heater_preset_parse(hp, "stat/plug/RESULT", big, 1 << 20, &u), -EMSGSIZE);
	assert_int_equal(
	    heater_preset_parse(hp, "stat/plug/POWER", big, HEATER_PAYLOAD_MAX + 1, &u), -EMSGSIZE);
	/* Just under the limit is parsed: JSON with much whitespace. */
	assert_int_equal(heater_preset_parse(hp, "stat/plug/RESULT", big, HEATER_PAYLOAD_MAX, &u),
			 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	free(big);

	/* Untouched on failure. */
	u = (struct heater_update){ .relay = HEATER_RELAY_OFF, .power_w = 42.0 };
	assert_int_equal(preset_parse(hp, "stat/plug/RESULT", "{\"POWER\":[1]}", &u), -EINVAL);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	assert_float_equal(u.power_w, 42.0, 0);
	heater_preset_free(hp);
}

static void test_params(void **state)
{
	struct heater_preset *hp = (struct heater_preset *) &hp;
	struct heater_params p;
	enum heater_type t = HEATER_TYPE_GENERIC;

	heater_params_init(&p, HEATER_TYPE_TASMOTA);
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	assert_ptr_equal(hp, (struct heater_preset *) &hp);
	p.topic = "";
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	p.topic = "plug/+";
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	p.topic = "plug#";
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	p.topic = "plug";
	p.switch_id = -1;
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	p.switch_id = 33;
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	p.type = _HEATER_TYPE_MAX;
	p.switch_id = 0;
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	assert_null(heater_preset_free(NULL));
	heater_messages_clear(NULL);

	assert_string_equal(heater_type_to_string(HEATER_TYPE_TASMOTA), "tasmota");
	assert_string_equal(heater_type_to_string(HEATER_TYPE_ZIGBEE2MQTT), "zigbee2mqtt");
	assert_null(heater_type_to_string(_HEATER_TYPE_MAX));
	assert_int_equal(heater_type_from_string("shelly", &t), 0);
	assert_int_equal(t, HEATER_TYPE_SHELLY);
	assert_int_equal(heater_type_from_string("sonoff", &t), -EINVAL);
	assert_int_equal(heater_type_from_string(NULL, &t), -EINVAL);
	assert_int_equal(t, HEATER_TYPE_SHELLY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subscriptions), cmocka_unit_test(test_commands),
		cmocka_unit_test(test_pulsetime),     cmocka_unit_test(test_state),
		cmocka_unit_test(test_state_power1),  cmocka_unit_test(test_state_relays),
		cmocka_unit_test(test_availability),  cmocka_unit_test(test_power),
		cmocka_unit_test(test_bad),           cmocka_unit_test(test_params),
		cmocka_unit_test(test_state_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
