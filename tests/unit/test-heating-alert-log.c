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

#include "daemon/alerts.h"
#include "daemon/clock.h"
#include "daemon/heating-internal.h"

#define SEC (1000000ULL)

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

/* How many sensor_stale alerts are active, from any source. */
static size_t stale_alerts(const struct alerts *a)
{
	json_t *j = alerts_active_json(a), *v;
	size_t i, n = 0;

	json_array_foreach(j, i, v)
	{
		if (strcmp(json_string_value(json_object_get(v, "kind")), "sensor_stale") == 0)
			n++;
	}
	json_decref(j);
	return n;
}

struct rig {
	sd_event *event;
	struct alerts *alerts;
	struct heating h;
};

/* A heating whose thermostat has the room-wide sensor_stale: no reading 11 min after its start. */
static void rig_init(struct rig *r)
{
	struct thermostat_decision d;
	struct thermostat_input in;

	*r = (struct rig){ 0 };
	assert_true(sd_event_new(&r->event) >= 0);
	assert_int_equal(alerts_new(r->event, "test", NULL, NULL, &r->alerts), 0);
	r->h.alerts = r->alerts;
	thermostat_params_init(&r->h.thermostat_params);
	assert_int_equal(thermostat_new(&r->h.thermostat_params, &r->h.thermostat), 0);
	thermostat_input_init(&in);
	in.mode = THERMOSTAT_MODE_HEAT;
	assert_int_equal(thermostat_step(r->h.thermostat, &in, 1 * SEC, 0, &d), 0);
	assert_int_equal(thermostat_step(r->h.thermostat, &in, 11 * 60 * SEC, 0, &d), 0);
	assert_true(d.alerts_raised & THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_SENSOR_STALE));
}

static void rig_done(struct rig *r)
{
	r->h.thermostat = thermostat_free(r->h.thermostat);
	r->alerts = alerts_free(r->alerts);
	r->event = sd_event_unref(r->event);
}

static void room_stale(struct rig *r)
{
	assert_int_equal(alerts_raise(r->alerts, "sensor_stale", "sensor.bedside",
				      "The room thermometer 'bedside' has given no good reading "
				      "for 10 minutes.",
				      clock_realtime_usec()),
			 1);
}

/* One dead thermometer, one alert: the room's, which names it; the heating's says nothing more. */
static void test_room_thermometer_alert_is_the_one(void **state)
{
	const unsigned bit = THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_SENSOR_STALE);
	struct rig r;

	(void) state;
	rig_init(&r);
	/* The room's first (its stale edge, then the heating's step). */
	room_stale(&r);
	heating_raise_or_clear(&r.h, bit, 0, NULL);
	heating_stale_alert_due(&r.h, clock_monotonic_usec() + 60 * SEC);
	assert_int_equal(stale_alerts(r.alerts), 1);
	/* Back: the room clears its own; the heating's clear changes nothing. */
	heating_raise_or_clear(&r.h, 0, bit, NULL);
	assert_int_equal(
	    alerts_clear(r.alerts, "sensor_stale", "sensor.bedside", "back", clock_realtime_usec()),
	    1);
	assert_int_equal(stale_alerts(r.alerts), 0);
	rig_done(&r);

	/* The heating's first, by the second a reading takes: the room's still comes alone. */
	rig_init(&r);
	heating_raise_or_clear(&r.h, bit, 0, NULL);
	room_stale(&r);
	heating_stale_alert_due(&r.h, clock_monotonic_usec() + 60 * SEC);
	assert_int_equal(stale_alerts(r.alerts), 1);
	rig_done(&r);
}

/* No thermometer's alert says it (no reading since the start): the heating's goes out, once. */
static void test_heating_alert_without_a_thermometer_alert(void **state)
{
	const unsigned bit = THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_SENSOR_STALE);
	struct rig r;

	(void) state;
	rig_init(&r);
	heating_raise_or_clear(&r.h, bit, 0, NULL);
	heating_stale_alert_due(&r.h, clock_monotonic_usec());
	assert_int_equal(stale_alerts(r.alerts), 0); /* it waits for the room's */
	heating_stale_alert_due(&r.h, clock_monotonic_usec() + 60 * SEC);
	assert_int_equal(stale_alerts(r.alerts), 1);
	heating_stale_alert_due(&r.h, clock_monotonic_usec() + 120 * SEC);
	assert_int_equal(stale_alerts(r.alerts), 1);
	heating_raise_or_clear(&r.h, 0, bit, NULL);
	assert_int_equal(stale_alerts(r.alerts), 0);
	rig_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_clear_says_what_holds_again),
		cmocka_unit_test(test_room_thermometer_alert_is_the_one),
		cmocka_unit_test(test_heating_alert_without_a_thermometer_alert),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
