/*
 * The Shelly Gen2 preset: JSON-RPC Switch.Set with toggle_after, the device's
 * replies, status and notifications.
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

#include "tests/unit/heater-preset-check.h"

static struct heater_preset *shelly_at(const char *prefix, int id, const char *client_id)
{
	struct heater_params p;

	heater_params_init(&p, HEATER_TYPE_SHELLY);
	p.topic = prefix;
	p.switch_id = id;
	p.client_id = client_id;
	return preset_new(&p);
}

static struct heater_preset *shelly(int id, const char *client_id)
{
	return shelly_at("shellyplugs-heater", id, client_id);
}

static void assert_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
			   const char *payload)
{
	assert_one_command(hp, on, auto_off_usec, "shellyplugs-heater/rpc", payload);
}

static void test_subscriptions(void **state)
{
	struct heater_preset *hp = shelly(1, NULL);

	assert_true(heater_preset_has_dead_man(hp));
	assert_int_equal(heater_preset_n_subscriptions(hp), 4);
	/* The replies first: the journal names it when a command goes unanswered. */
	assert_string_equal(heater_preset_subscription(hp, 0),
			    "bedroomd/shellyplugs-heater/switch1/rpc");
	assert_string_equal(heater_preset_subscription(hp, 1),
			    "shellyplugs-heater/status/switch:1");
	assert_string_equal(heater_preset_subscription(hp, 2), "shellyplugs-heater/online");
	assert_string_equal(heater_preset_subscription(hp, 3), "shellyplugs-heater/events/rpc");
	heater_preset_free(hp);
	/* A prefix with levels; the client id of the daemon's connection. */
	hp = shelly_at("shellies/bedroom", 0, "bedroomd-rs");
	assert_string_equal(heater_preset_subscription(hp, 0),
			    "bedroomd-rs/shellies/bedroom/switch0/rpc");
	assert_one_command(hp, false, 0, "shellies/bedroom/rpc",
			   "{\"id\":1,\"src\":\"bedroomd-rs/shellies/bedroom/switch0\","
			   "\"method\":\"Switch.Set\",\"params\":{\"id\":0,\"on\":false}}");
	heater_preset_free(hp);
}

static void test_commands(void **state)
{
	struct heater_preset *hp = shelly(0, "bedroomd-bedroom");

	/* Ids count up with every request. */
	assert_command(hp, true, 600 * SEC,
		       "{\"id\":1,\"src\":\"bedroomd-bedroom/shellyplugs-heater/"
		       "switch0\",\"method\":\"Switch.Set\","
		       "\"params\":{\"id\":0,\"on\":true,\"toggle_after\":600}}");
	assert_command(hp, true, 0,
		       "{\"id\":2,\"src\":\"bedroomd-bedroom/shellyplugs-heater/"
		       "switch0\",\"method\":\"Switch.Set\","
		       "\"params\":{\"id\":0,\"on\":true}}");
	assert_command(hp, false, 600 * SEC,
		       "{\"id\":3,\"src\":\"bedroomd-bedroom/shellyplugs-heater/"
		       "switch0\",\"method\":\"Switch.Set\","
		       "\"params\":{\"id\":0,\"on\":false}}");
	/* Less than a second still switches off: 1 s. */
	assert_command(hp, true, SEC / 2,
		       "{\"id\":4,\"src\":\"bedroomd-bedroom/shellyplugs-heater/"
		       "switch0\",\"method\":\"Switch.Set\","
		       "\"params\":{\"id\":0,\"on\":true,\"toggle_after\":1}}");
	heater_preset_free(hp);

	hp = shelly(2, NULL);
	assert_command(hp, true, 90 * SEC + 999999,
		       "{\"id\":1,\"src\":\"bedroomd/shellyplugs-heater/switch2\","
		       "\"method\":\"Switch.Set\","
		       "\"params\":{\"id\":2,\"on\":true,\"toggle_after\":90}}");
	heater_preset_free(hp);
}

static void test_status(void **state)
{
	struct heater_preset *hp = shelly(0, NULL);
	const char *t = "shellyplugs-heater/status/switch:0";
	struct heater_update u;

	assert_int_equal(
	    preset_parse(hp, t,
			 "{\"id\":0,\"source\":\"MQTT\",\"output\":true,\"apower\":1480.2,"
			 "\"voltage\":231.1,\"current\":6.41,\"aenergy\":{\"total\":12345.6,"
			 "\"by_minute\":[24.6,24.6,24.5],\"minute_ts\":1704924000},"
			 "\"temperature\":{\"tC\":41.2,\"tF\":106.2}}",
			 &u),
	    0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_true(u.power_known);
	assert_float_equal(u.power_w, 1480.2, 1e-9);
	assert_true(u.energy_known);
	assert_float_equal(u.energy_kwh, 12.3456, 1e-9);

	assert_int_equal(preset_parse(hp, t, "{\"id\":0,\"output\":false,\"apower\":0}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	assert_float_equal(u.power_w, 0.0, 0);
	assert_false(u.energy_known);

	/* A switch without a meter. */
	assert_int_equal(preset_parse(hp, t, "{\"id\":0,\"output\":true}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_false(u.power_known);
	heater_preset_free(hp);
}

static void test_events(void **state)
{
	struct heater_preset *hp = shelly(0, NULL);
	const char *t = "shellyplugs-heater/events/rpc";
	struct heater_update u;

	assert_int_equal(
	    preset_parse(hp, t,
			 "{\"src\":\"shellyplugs-heater\",\"dst\":\"shellyplugs-heater/events\","
			 "\"method\":\"NotifyStatus\",\"params\":{\"ts\":1704924000.5,"
			 "\"switch:0\":{\"id\":0,\"output\":true,\"source\":\"button\"}}}",
			 &u),
	    0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_int_equal(preset_parse(hp, t,
				      "{\"method\":\"NotifyStatus\",\"params\":{\"switch:0\":"
				      "{\"id\":0,\"apower\":1475}}}",
				      &u),
			 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_float_equal(u.power_w, 1475.0, 0);
	/* Another switch, another method: nothing for us. */
	assert_int_equal(preset_parse(hp, t,
				      "{\"method\":\"NotifyStatus\",\"params\":{\"switch:1\":"
				      "{\"output\":true}}}",
				      &u),
			 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(
	    preset_parse(hp, t, "{\"method\":\"NotifyEvent\",\"params\":{\"events\":[]}}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(preset_parse(hp, t, "{\"method\":\"NotifyStatus\",\"params\":[1]}", &u),
			 -EINVAL);
	assert_int_equal(
	    preset_parse(hp, t, "{\"method\":\"NotifyStatus\",\"params\":{\"switch:0\":true}}", &u),
	    -EINVAL);
	heater_preset_free(hp);
}

/*
 * The device's reply to the last request confirms what it commanded, whatever
 * it was before (was_on): with the default MQTT settings a Switch.Set that
 * changes nothing has no other answer.
 */
static void test_replies(void **state)
{
	struct heater_preset *hp = shelly(0, "bedroomd-rs");
	const char *t = "bedroomd-rs/shellyplugs-heater/switch0/rpc";
	struct heater_update u;

	/* Nothing asked yet: nothing confirmed. */
	assert_int_equal(preset_parse(hp, t,
				      "{\"id\":1,\"src\":\"shellyplugs-heater\","
				      "\"dst\":\"bedroomd-rs/shellyplugs-heater/switch0\","
				      "\"result\":{\"was_on\":true}}",
				      &u),
			 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	/* ON (1): it was on already. */
	assert_command(hp, true, 600 * SEC,
		       "{\"id\":1,\"src\":\"bedroomd-rs/shellyplugs-heater/switch0\","
		       "\"method\":\"Switch.Set\",\"params\":{\"id\":0,\"on\":true,"
		       "\"toggle_after\":600}}");
	assert_int_equal(preset_parse(hp, t,
				      "{\"id\":1,\"src\":\"shellyplugs-heater\","
				      "\"dst\":\"bedroomd-rs/shellyplugs-heater/switch0\","
				      "\"result\":{\"was_on\":true}}",
				      &u),
			 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_false(u.power_known);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_UNKNOWN);
	/* OFF (2), to a plug that was off already. */
	assert_int_equal(preset_relay(hp, t, "{\"id\":1,\"result\":{\"was_on\":false}}"),
			 HEATER_RELAY_ON);
	assert_command(hp, false, 0,
		       "{\"id\":2,\"src\":\"bedroomd-rs/shellyplugs-heater/switch0\","
		       "\"method\":\"Switch.Set\",\"params\":{\"id\":0,\"on\":false}}");
	assert_int_equal(preset_relay(hp, t, "{\"id\":2,\"result\":{\"was_on\":false}}"),
			 HEATER_RELAY_OFF);
	/* An older request's reply, late: it says nothing of the last one. */
	assert_int_equal(preset_relay(hp, t, "{\"id\":1,\"result\":{\"was_on\":false}}"),
			 HEATER_RELAY_UNKNOWN);
	/* A result without was_on still answers the request. */
	assert_int_equal(preset_relay(hp, t, "{\"id\":2,\"result\":{}}"), HEATER_RELAY_OFF);
	/* Refused by the device: no confirmation; its code and message go up, for the journal. */
	assert_int_equal(preset_parse(hp, t,
				      "{\"id\":2,\"src\":\"shellyplugs-heater\",\"error\":"
				      "{\"code\":-103,\"message\":\" Invalid argument\\n\"}}",
				      &u),
			 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u.word.kind, HEATER_WORD_ERROR);
	assert_true(u.word.code_known);
	assert_int_equal(u.word.code, -103);
	assert_int_equal(u.word.len, strlen("Invalid argument"));
	assert_memory_equal(u.word.text, "Invalid argument", u.word.len);
	/* Without a message or a code: what there is. */
	assert_int_equal(preset_parse(hp, t, "{\"id\":2,\"error\":{\"code\":-114}}", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_ERROR);
	assert_int_equal(u.word.len, 0);
	assert_int_equal(u.word.code, -114);
	assert_int_equal(preset_parse(hp, t, "{\"id\":2,\"error\":\"busy\"}", &u), 0);
	assert_int_equal(u.word.kind, HEATER_WORD_ERROR);
	assert_false(u.word.code_known);
	/* A long message from the network: kept in part. */
	{
		char big[512], msg[300];

		memset(msg, 'x', sizeof(msg) - 1);
		msg[sizeof(msg) - 1] = '\0';
		snprintf(big, sizeof(big), "{\"id\":2,\"error\":{\"code\":1,\"message\":\"%s\"}}",
			 msg);
		assert_int_equal(preset_parse(hp, t, big, &u), 0);
		assert_int_equal(u.word.len, HEATER_WORD_MAX);
	}
	/* ... an older one's refusal says nothing either. */
	assert_int_equal(preset_parse(hp, t, "{\"id\":1,\"error\":{\"code\":-103}}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_UNKNOWN);
	assert_int_equal(u.word.kind, HEATER_WORD_NONE);
	/* Not a response (a request, a notification): nothing. */
	assert_int_equal(preset_relay(hp, t, "{\"id\":2,\"method\":\"Shelly.GetStatus\"}"),
			 HEATER_RELAY_UNKNOWN);
	assert_int_equal(preset_relay(hp, t, "{\"method\":\"NotifyStatus\",\"params\":{}}"),
			 HEATER_RELAY_UNKNOWN);
	/* Malformed. */
	assert_int_equal(preset_parse(hp, t, "{\"id\":\"2\",\"result\":{}}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, t, "{\"id\":2,\"result\":true}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, t, "{\"id\":2,\"result\":", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, t, "[2]", &u), -EBADMSG);
	heater_preset_free(hp);
}

/* Two Shelly heaters of one daemon: one client id, each its own replies. */
static void test_replies_apart(void **state)
{
	struct heater_preset *a = shelly(0, "bedroomd-rs");
	struct heater_preset *b = shelly(1, "bedroomd-rs");
	const char *ta = "bedroomd-rs/shellyplugs-heater/switch0/rpc";
	const char *tb = "bedroomd-rs/shellyplugs-heater/switch1/rpc";
	struct heater_messages m = { 0 };
	struct heater_update u;

	assert_string_equal(heater_preset_subscription(a, 0), ta);
	assert_string_equal(heater_preset_subscription(b, 0), tb);
	assert_int_equal(heater_preset_command(a, true, 0, &m), 0);
	heater_messages_clear(&m);
	assert_int_equal(heater_preset_command(b, false, 0, &m), 0);
	heater_messages_clear(&m);
	/* Both asked with id 1: each takes only its own reply. */
	assert_int_equal(preset_parse(a, tb, "{\"id\":1,\"result\":{}}", &u), -ENOENT);
	assert_int_equal(preset_parse(b, ta, "{\"id\":1,\"result\":{}}", &u), -ENOENT);
	assert_int_equal(preset_relay(a, ta, "{\"id\":1,\"result\":{}}"), HEATER_RELAY_ON);
	assert_int_equal(preset_relay(b, tb, "{\"id\":1,\"result\":{}}"), HEATER_RELAY_OFF);
	heater_preset_free(a);
	heater_preset_free(b);
}

static void test_availability(void **state)
{
	struct heater_preset *hp = shelly(0, NULL);
	const char *t = "shellyplugs-heater/online";
	struct heater_update u;

	assert_int_equal(preset_parse(hp, t, "true", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_ONLINE);
	assert_int_equal(preset_parse(hp, t, "false", &u), 0);
	assert_int_equal(u.availability, HEATER_AVAILABILITY_OFFLINE);
	assert_int_equal(preset_parse(hp, t, "yes", &u), -EBADMSG);
	heater_preset_free(hp);
}

static void test_bad(void **state)
{
	struct heater_preset *hp = shelly(0, NULL);
	const char *t = "shellyplugs-heater/status/switch:0";
	struct heater_update u = { .relay = HEATER_RELAY_OFF };
	const char junk[] = { '{', (char) 0x80, '}', '\0', 'x' };
	char *big;

	assert_int_equal(preset_parse(hp, t, "{\"output\":\"on\"}", &u), -EINVAL);
	assert_int_equal(preset_parse(hp, t, "{\"output\":1}", &u), -EINVAL);
	/* A reading it cannot read beside the relay: the relay state holds, the reading unknown. */
	u = (struct heater_update){ .relay = HEATER_RELAY_UNKNOWN };
	assert_int_equal(preset_parse(hp, t, "{\"output\":true,\"apower\":\"1480\"}", &u), 0);
	assert_int_equal(u.relay, HEATER_RELAY_ON);
	assert_false(u.power_known);
	u = (struct heater_update){ .relay = HEATER_RELAY_UNKNOWN };
	assert_int_equal(preset_parse(hp, t, "{\"output\":false,\"aenergy\":{\"total\":[]}}", &u),
			 0);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	assert_false(u.energy_known);
	/* Nothing readable at all: refused. */
	u = (struct heater_update){ .relay = HEATER_RELAY_UNKNOWN };
	assert_int_equal(preset_parse(hp, t, "{\"apower\":\"1480\"}", &u), -EINVAL);
	u = (struct heater_update){ .relay = HEATER_RELAY_OFF }; /* what the refusals below keep */
	assert_int_equal(preset_parse(hp, t, "true", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, t, "{\"output\":tru}", &u), -EBADMSG);
	assert_int_equal(heater_preset_parse(hp, t, junk, sizeof(junk), &u), -EBADMSG);
	assert_int_equal(
	    preset_parse(hp, "shellyplugs-heater/status/switch:1", "{\"output\":true}", &u),
	    -ENOENT);
	assert_int_equal(preset_parse(hp, "shellyplugs-heater/rpc", "{}", &u), -ENOENT);
	big = calloc(1, 1 << 20);
	assert_non_null(big);
	assert_int_equal(heater_preset_parse(hp, t, big, 1 << 20, &u), -EMSGSIZE);
	free(big);
	assert_int_equal(u.relay, HEATER_RELAY_OFF);
	heater_preset_free(hp);
}

static void test_params(void **state)
{
	struct heater_preset *hp = NULL;
	struct heater_params p;

	heater_params_init(&p, HEATER_TYPE_SHELLY);
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	p.topic = "shelly/#";
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	p.topic = "shelly";
	p.switch_id = -1;
	assert_int_equal(heater_preset_new(&p, &hp), -EINVAL);
	assert_null(hp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subscriptions), cmocka_unit_test(test_commands),
		cmocka_unit_test(test_status),        cmocka_unit_test(test_events),
		cmocka_unit_test(test_replies),       cmocka_unit_test(test_replies_apart),
		cmocka_unit_test(test_availability),  cmocka_unit_test(test_bad),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
