/* The zigbee2mqtt preset: set with on_time, state JSON, both availability shapes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/heater-preset-check.h"

static struct heater_preset *z2m(const char *base)
{
	struct heater_params p;

	heater_params_init(&p, HEATER_TYPE_ZIGBEE2MQTT);
	p.topic = "bedroom/heater plug";
	p.base_topic = base;
	return preset_new(&p);
}

static void test_topics_and_commands(void **state)
{
	struct heater_preset *hp = z2m(NULL);
	const char *set = "zigbee2mqtt/bedroom/heater plug/set";

	assert_int_equal(heater_preset_n_subscriptions(hp), 2);
	assert_string_equal(heater_preset_subscription(hp, 0), "zigbee2mqtt/bedroom/heater plug");
	assert_string_equal(heater_preset_subscription(hp, 1),
			    "zigbee2mqtt/bedroom/heater plug/availability");
	assert_one_command(hp, true, 0, set, "{\"state\":\"ON\"}");
	assert_one_command(hp, true, 600 * SEC, set, "{\"state\":\"ON\",\"on_time\":600}");
	assert_one_command(hp, false, 600 * SEC, set, "{\"state\":\"OFF\"}");
	assert_one_command(hp, false, 0, set, "{\"state\":\"OFF\"}");
	heater_preset_free(hp);

	hp = z2m("z2m");
	assert_one_command(hp, true, 1, "z2m/bedroom/heater plug/set",
			   "{\"state\":\"ON\",\"on_time\":1}");
	heater_preset_free(hp);
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
	assert_int_equal(preset_parse(hp, t, "{\"state\":\"TOGGLE\"}", &u), -EBADMSG);
	assert_int_equal(preset_parse(hp, t, "{\"state\":[\"ON\"]}", &u), -EINVAL);
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
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_availability),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
