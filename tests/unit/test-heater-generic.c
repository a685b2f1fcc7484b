/* The generic preset: payloads and topics from the configuration. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/heater-preset-check.h"

static void params(struct heater_params *p)
{
	heater_params_init(p, HEATER_TYPE_GENERIC);
	p->command_topic = "esphome/heater/switch/relay/command";
	p->state_topic = "esphome/heater/switch/relay/state";
	p->availability_topic = "esphome/heater/status";
}

static void assert_command(struct heater_preset *hp, bool on, const char *payload)
{
	assert_one_command(hp, on, 600 * SEC, "esphome/heater/switch/relay/command", payload);
}

static enum heater_relay relay(struct heater_preset *hp, const char *payload)
{
	return preset_relay(hp, "esphome/heater/switch/relay/state", payload);
}

static void test_defaults(void **state)
{
	struct heater_params p;
	struct heater_preset *hp;
	struct heater_update u;

	params(&p);
	hp = preset_new(&p);
	assert_false(heater_preset_has_dead_man(hp));
	assert_int_equal(heater_preset_n_subscriptions(hp), 2);
	assert_string_equal(heater_preset_subscription(hp, 0), "esphome/heater/switch/relay/state");
	assert_string_equal(heater_preset_subscription(hp, 1), "esphome/heater/status");
	/* No dead-man to send: the same command with or without auto-off. */
	assert_command(hp, true, "ON");
	assert_command(hp, false, "OFF");
	assert_int_equal(relay(hp, "ON"), HEATER_RELAY_ON);
	assert_int_equal(relay(hp, "OFF\n"), HEATER_RELAY_OFF);
	/* Compared exactly: case matters in a configured payload; another word is the plug's. */
	assert_int_equal(preset_parse(hp, "esphome/heater/switch/relay/state", "on", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_int_equal(preset_parse(hp, "esphome/heater/status", "online", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_ONLINE);
	assert_int_equal(preset_parse(hp, "esphome/heater/status", "offline", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_OFFLINE);
	assert_int_equal(preset_parse(hp, "esphome/heater/status", "gone", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_OFFLINE);
	heater_preset_free(hp);
}

static void test_payloads(void **state)
{
	struct heater_params p;
	struct heater_preset *hp;

	params(&p);
	p.payload_on = "1";
	p.payload_off = "0";
	hp = preset_new(&p);
	assert_command(hp, true, "1");
	assert_command(hp, false, "0");
	/* State payloads default to the command payloads. */
	assert_int_equal(relay(hp, "1"), HEATER_RELAY_ON);
	assert_int_equal(relay(hp, "0"), HEATER_RELAY_OFF);
	heater_preset_free(hp);

	p.state_on = "running";
	p.state_off = "stopped";
	hp = preset_new(&p);
	assert_int_equal(relay(hp, "running"), HEATER_RELAY_ON);
	assert_int_equal(relay(hp, "stopped"), HEATER_RELAY_OFF);
	heater_preset_free(hp);
}

static void test_json(void **state)
{
	struct heater_params p;
	struct heater_preset *hp;
	struct heater_update u;
	const char *t = "esphome/heater/switch/relay/state";

	params(&p);
	p.json_key = "relay.state";
	p.power_json_key = "meter.power";
	hp = preset_new(&p);
	assert_int_equal(
	    preset_parse(hp, t, "{\"relay\":{\"state\":\"ON\"},\"meter\":{\"power\":1490}}", &u),
	    0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_true(u.power_known);
	assert_float_equal(u.power_w, 1490.0, 0);
	assert_int_equal(relay(hp, "{\"relay\":{\"state\":true}}"), HEATER_RELAY_ON);
	assert_int_equal(relay(hp, "{\"relay\":{\"state\":false}}"), HEATER_RELAY_OFF);
	assert_int_equal(relay(hp, "{\"meter\":{\"power\":3}}"), HEATER_RELAY_UNKNOWN);
	assert_int_equal(preset_parse(hp, t, "{\"relay\":{\"state\":\"on\"}}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_int_equal(preset_parse(hp, t, "{\"relay\":{\"state\":2.5}}", &u), -EINVAL);
	/* A power that cannot be read is left unknown: the relay state beside it holds. */
	assert_int_equal(
	    preset_parse(hp, t, "{\"relay\":{\"state\":\"ON\"},\"meter\":{\"power\":\"x\"}}", &u),
	    0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_false(u.power_known);
	assert_int_equal(
	    preset_parse(hp, t, "{\"relay\":{\"state\":\"OFF\"},\"meter\":{\"power\":null}}", &u),
	    0);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	assert_false(u.power_known);
	assert_int_equal(preset_parse(hp, t, "{\"meter\":{\"power\":\"x\"}}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, t, "ON", &u), -EBADMSG);
	heater_preset_free(hp);

	/* Integers compare as their decimal text. */
	p.payload_on = "1";
	p.payload_off = "0";
	p.json_key = "POWER";
	p.power_json_key = NULL;
	hp = preset_new(&p);
	assert_int_equal(relay(hp, "{\"POWER\":1}"), HEATER_RELAY_ON);
	assert_int_equal(relay(hp, "{\"POWER\":0}"), HEATER_RELAY_OFF);
	assert_int_equal(preset_parse(hp, t, "{\"POWER\":2}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_memory_equal(u.word.text, "2", u.word.len);
	heater_preset_free(hp);

	/* A plain state, power in JSON on the same topic. */
	params(&p);
	p.power_json_key = "power";
	hp = preset_new(&p);
	assert_int_equal(relay(hp, "ON"), HEATER_RELAY_ON);
	assert_int_equal(preset_parse(hp, t, "{\"power\":12.5}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_float_equal(u.power_w, 12.5, 0);
	heater_preset_free(hp);
}

static void test_shared_topic(void **state)
{
	struct heater_params p;
	struct heater_preset *hp;
	struct heater_update u;
	const char *t = "esphome/heater/switch/relay/state";

	/* One topic for state and availability: online, offline or a state. */
	params(&p);
	p.availability_topic = t;
	p.availability_online = "alive";
	hp = preset_new(&p);
	assert_int_equal(heater_preset_n_subscriptions(hp), 1);
	assert_int_equal(preset_parse(hp, t, "alive", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_ONLINE);
	assert_int_equal(preset_parse(hp, t, "ON", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_UNKNOWN);
	heater_preset_free(hp);
}

/*
 * A word on the state topic that is neither state_on nor state_off (a Shelly
 * Gen1 through the generic preset says "overpower" when its protection trips
 * the relay): no relay state, and the word, bounded, for the journal.
 */
static void test_unknown_state_word(void **state)
{
	struct heater_params p;
	struct heater_preset *hp;
	struct heater_update u;
	const char *t = "shellies/heater/relay/0";
	char big[300];

	heater_params_init(&p, HEATER_TYPE_GENERIC);
	p.command_topic = "shellies/heater/relay/0/command";
	p.state_topic = t;
	p.payload_on = "on";
	p.payload_off = "off";
	hp = preset_new(&p);
	assert_int_equal(preset_relay(hp, t, "on"), HEATER_RELAY_ON);
	assert_int_equal(preset_parse(hp, t, " overpower\n", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_int_equal(u.word.len, strlen("overpower"));
	assert_memory_equal(u.word.text, "overpower", u.word.len);
	assert_false(u.word.code_known);
	/* A state says no word. */
	assert_int_equal(preset_parse(hp, t, "off", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	/* From the network, however long: at most HEATER_WORD_MAX bytes kept. */
	memset(big, 'w', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(preset_parse(hp, t, big, &u), 0);
	assert_int_equal(u.word.len, HEATER_WORD_MAX);
	assert_int_equal(preset_parse(hp, t, " \t\n", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_int_equal(u.word.len, 0);
	heater_preset_free(hp);

	/* A JSON state whose value is another string: the same. */
	p.json_key = "relay.state";
	p.power_json_key = "power";
	hp = preset_new(&p);
	assert_int_equal(
	    preset_parse(hp, t, "{\"relay\":{\"state\":\"overpower\"},\"power\":0}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_memory_equal(u.word.text, "overpower", u.word.len);
	assert_true(u.power_known);
	/* ... with a power that cannot be read: still the word. */
	assert_int_equal(
	    preset_parse(hp, t, "{\"relay\":{\"state\":\"fault\"},\"power\":\"x\"}", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_false(u.power_known);
	/* Not JSON, or a state of the wrong type: refused as before, no word. */
	assert_int_equal(preset_parse(hp, t, "overpower", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, t, "{\"relay\":{\"state\":[1]}}", &u), -EINVAL);
	heater_preset_free(hp);

	/*
	 * One topic for state and availability: neither online nor a state is
	 * offline, as the availability rule says (its last will), not a word.
	 */
	params(&p);
	p.availability_topic = "esphome/heater/switch/relay/state";
	hp = preset_new(&p);
	assert_int_equal(relay(hp, "online"), HEATER_RELAY_UNKNOWN);
	assert_int_equal(preset_parse(hp, "esphome/heater/switch/relay/state", "offline", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_OFFLINE);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	heater_preset_free(hp);
}

/*
 * heater_params_same_plug(), checked against heater_params_plug_key(): the
 * key a reload keeps a plug by must say the same.
 */
static bool same_plug(const struct heater_params *a, const struct heater_params *b)
{
	char *ka = heater_params_plug_key(a), *kb = heater_params_plug_key(b);
	bool same = heater_params_same_plug(a, b);

	assert_non_null(ka);
	assert_non_null(kb);
	assert_int_equal(same, strcmp(ka, kb) == 0);
	free(ka);
	free(kb);
	return same;
}

/* A reload may hand a plug to changed settings: only its address makes it the same plug. */
static void test_same_plug(void **state)
{
	struct heater_params a, b;

	(void) state;
	params(&a);
	params(&b);
	b.payload_on = "1";
	b.confirm_timeout_usec = 20 * SEC;
	assert_false(heater_params_equal(&a, &b));
	assert_true(same_plug(&a, &b));
	b.command_topic = "esphome/heater2/switch/relay/command";
	assert_false(same_plug(&a, &b));
	params(&b);
	b.type = HEATER_TYPE_TASMOTA;
	assert_false(same_plug(&a, &b));
	params(&b);
	b.switch_id = 1;
	assert_false(same_plug(&a, &b));
	params(&b);
	b.command_topic = NULL;
	assert_false(same_plug(&a, &b));
	a.command_topic = NULL;
	assert_true(same_plug(&a, &b));
	/* A topic not set is not the empty one. */
	b.base_topic = "";
	assert_false(same_plug(&a, &b));
}

static void test_bad(void **state)
{
	struct heater_params p;
	struct heater_preset *hp = NULL;
	struct heater_update u = { .relay = HEATER_RELAY_OFF };
	const char nul[] = { 'O', 'N', '\0' };
	char *big;

	params(&p);
	hp = preset_new(&p);
	/* Not a state: the plug's word, bytes as they came (the journal makes them printable). */
	assert_int_equal(heater_preset_parse(hp, "esphome/heater/switch/relay/state", nul, 3, &u),
			 0);
	assert_int_equal(u.word.kind, HEATER_WORD_STATE);
	assert_int_equal(u.word.len, 3);
	u = (struct heater_update){ .relay = HEATER_RELAY_OFF };
	assert_int_equal(preset_parse(hp, "esphome/heater/switch/relay/state", "", &u), -ENODATA);
	assert_int_equal(preset_parse(hp, "esphome/heater/switch/relay/command", "ON", &u),
			 -ENOENT);
	big = malloc(1 << 20);
	assert_non_null(big);
	memset(big, 'O', 1 << 20);
	assert_int_equal(heater_preset_parse(hp, "esphome/heater/status", big, 1 << 20, &u),
			 -EMSGSIZE);
	free(big);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	heater_preset_free(hp);

	hp = NULL;
	params(&p);
	p.state_topic = NULL;
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	params(&p);
	p.command_topic = "a/#";
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	params(&p);
	p.availability_topic = "";
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	params(&p);
	p.state_on = "X";
	p.state_off = "X";
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	assert_null(hp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_payloads),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_shared_topic),
		cmocka_unit_test(test_same_plug),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_unknown_state_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
