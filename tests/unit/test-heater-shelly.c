/* The Shelly Gen2 preset: JSON-RPC Switch.Set with toggle_after, status and notifications. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/heater-preset-check.h"

static struct heater_preset *shelly(int id, const char *client_id)
{
	struct heater_params p;

	heater_params_init(&p, HEATER_TYPE_SHELLY);
	p.topic = "shellyplugs-heater";
	p.switch_id = id;
	p.client_id = client_id;
	return preset_new(&p);
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
	assert_int_equal(heater_preset_n_subscriptions(hp), 3);
	assert_string_equal(heater_preset_subscription(hp, 0),
			    "shellyplugs-heater/status/switch:1");
	assert_string_equal(heater_preset_subscription(hp, 1), "shellyplugs-heater/online");
	assert_string_equal(heater_preset_subscription(hp, 2), "shellyplugs-heater/events/rpc");
	heater_preset_free(hp);
}

static void test_commands(void **state)
{
	struct heater_preset *hp = shelly(0, "bedroomd-bedroom");

	/* Ids count up with every request. */
	assert_command(hp, true, 600 * SEC,
		       "{\"id\":1,\"src\":\"bedroomd-bedroom\",\"method\":\"Switch.Set\","
		       "\"params\":{\"id\":0,\"on\":true,\"toggle_after\":600}}");
	assert_command(hp, true, 0,
		       "{\"id\":2,\"src\":\"bedroomd-bedroom\",\"method\":\"Switch.Set\","
		       "\"params\":{\"id\":0,\"on\":true}}");
	assert_command(hp, false, 600 * SEC,
		       "{\"id\":3,\"src\":\"bedroomd-bedroom\",\"method\":\"Switch.Set\","
		       "\"params\":{\"id\":0,\"on\":false}}");
	/* Less than a second still switches off: 1 s. */
	assert_command(hp, true, SEC / 2,
		       "{\"id\":4,\"src\":\"bedroomd-bedroom\",\"method\":\"Switch.Set\","
		       "\"params\":{\"id\":0,\"on\":true,\"toggle_after\":1}}");
	heater_preset_free(hp);

	hp = shelly(2, NULL);
	assert_command(hp, true, 90 * SEC + 999999,
		       "{\"id\":1,\"src\":\"bedroomd\",\"method\":\"Switch.Set\","
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
		cmocka_unit_test(test_availability),  cmocka_unit_test(test_bad),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
