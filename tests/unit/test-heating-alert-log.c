/*
 * What a cleared heating alert says: what holds again, for each kind, with the
 * heater's name where it is a heater's (heating's used to say "This is over.",
 * which the phone showed as it was).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "daemon/heating-internal.h"

static void test_each_clear_says_what_holds_again(void **state)
{
	char name[] = "oil";
	struct config_heater cfg = { .name = name };
	struct stage s = { .cfg = &cfg };
	char buf[256];

	heating_alert_cleared_message(NULL, THERMOSTAT_ALERT_SENSOR_STALE, buf, sizeof(buf));
	assert_string_equal(buf, "The room temperature is known again: heating decides on it.");
	heating_alert_cleared_message(NULL, THERMOSTAT_ALERT_OVER_TEMPERATURE, buf, sizeof(buf));
	assert_string_equal(buf, "The room is no longer too warm: heating decides again.");
	heating_alert_cleared_message(&s, THERMOSTAT_ALERT_HEATING_NO_EFFECT, buf, sizeof(buf));
	assert_string_equal(buf, "Heater 'oil' may heat again.");
	heating_alert_cleared_message(&s, THERMOSTAT_ALERT_MAX_ON_TIME, buf, sizeof(buf));
	assert_string_equal(buf, "Heater 'oil' has rested and may run again.");
	for (unsigned a = 0; a < _THERMOSTAT_ALERT_MAX; a++) {
		heating_alert_cleared_message(&s, (enum thermostat_alert) a, buf, sizeof(buf));
		assert_null(strstr(buf, "This is over"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_clear_says_what_holds_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
