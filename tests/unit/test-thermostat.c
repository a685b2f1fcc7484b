/* The thermostat's floor control: thresholds, relay care, the night window, staging. */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "tests/unit/thermostat-rig.h"

static void test_params_validation(void **state)
{
	struct thermostat_params p;
	struct thermostat *t = NULL;

	thermostat_params_init(&p);
	p.n_stages = 0;
	assert_int_equal(thermostat_new(&p, &t), -EINVAL);
	p.n_stages = THERMOSTAT_STAGES_MAX + 1;
	assert_int_equal(thermostat_new(&p, &t), -EINVAL);
	thermostat_params_init(&p);
	p.fallback_duty = 0.6; /* bounded: at most half the time */
	assert_int_equal(thermostat_new(&p, &t), -EINVAL);
	assert_null(t);
	assert_null(thermostat_free(NULL));
	assert_string_equal(thermostat_alert_to_string(THERMOSTAT_ALERT_HEATING_NO_EFFECT),
			    "heating_no_effect");
	assert_string_equal(thermostat_alert_to_string(THERMOSTAT_ALERT_SENSOR_STALE),
			    "sensor_stale");
	assert_null(thermostat_alert_to_string(_THERMOSTAT_ALERT_MAX));
	assert_string_equal(thermostat_reason_to_string(THERMOSTAT_REASON_PREHEAT), "preheat");
}

static void test_bad_step(void **state)
{
	struct rig g;
	struct thermostat_decision d = { .reason = THERMOSTAT_REASON_NO_EFFECT };

	rig_init(&g, NULL, AT(23, 0));
	rig_read(&g, 19.0, MIN);
	assert_int_equal(thermostat_step(g.t, &g.in, g.now_usec, 86400, &d), -EINVAL);
	assert_int_equal(thermostat_step(g.t, &g.in, 10, 0, &d), -EINVAL); /* backwards */
	assert_int_equal(d.reason, THERMOSTAT_REASON_NO_EFFECT);           /* untouched */
	rig_done(&g);
}

static void test_thresholds(void **state)
{
	struct rig g;
	struct thermostat_learned l;

	rig_init(&g, NULL, AT(23, 0));
	thermostat_get_learned(g.t, &l);
	assert_float_equal(l.on_offset_c, 0.23, 1e-9);
	assert_float_equal(l.band_c, 1.0, 1e-9);
	rig_hold(&g, 18.25, 5);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_IDLE);
	assert_float_equal(g.d.floor_c, 18.0, 1e-9);
	assert_float_equal(g.d.estimate_c, 18.25, 1e-9);
	rig_hold(&g, 18.1875, 1);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_HEATING);
	/* falling readings switch on earlier: the slope and the sensor lag are allowed for */
	rig_done(&g);
	rig_init(&g, NULL, AT(23, 0));
	rig_read(&g, 18.8, MIN);
	rig_read(&g, 18.7, MIN);
	rig_read(&g, 18.6, MIN);
	assert_false(g.d.stage[0].on);
	rig_read(&g, 18.5, MIN); /* estimate 18.5 - 0.2 = 18.3, ahead 90 s: 18.15 */
	assert_true(g.d.stage[0].on);
	/* off at on-point + band = 19.23 on the estimate */
	rig_hold(&g, 18.75, 5);
	assert_true(g.d.stage[0].on);
	assert_float_equal(g.d.estimate_c, 18.75, 1e-9);
	rig_hold(&g, 19.25, 1);
	assert_false(g.d.stage[0].on);
	rig_done(&g);
}

/*
 * A sensor that reports twice within a second (a zigbee2mqtt device sending
 * each attribute on its own): the step between the two is no trend. Before,
 * 0.1 K in half a second times the sensor's lag put the estimate at 39 °C and
 * the heater off at 15.
 */
static void test_readings_close_together(void **state)
{
	struct thermostat_params p;
	struct rig g;

	thermostat_params_init(&p);
	p.min_on_usec = 0; /* nothing holds a heater on that the estimate says is not needed */
	rig_init(&g, &p, AT(23, 0));
	rig_read(&g, 15.0, S / 2);
	assert_true(g.d.stage[0].on);
	rig_read(&g, 15.1, S / 2);
	assert_true(g.d.stage[0].on);
	assert_float_equal(g.d.estimate_c, 15.1, 1e-9); /* the newest stands for the point */
	rig_read(&g, 15.2, 5 * S);
	assert_true(g.d.stage[0].on);
	assert_float_equal(g.d.estimate_c, 15.2, 1e-9);
	rig_done(&g);

	/* Near the floor, a burst of rising steps does not switch a needed heater off. */
	rig_init(&g, &p, AT(23, 0));
	rig_hold(&g, 18.0, 3);
	assert_true(g.d.stage[0].on);
	for (int i = 1; i <= 5; i++)
		rig_read(&g, 18.0 + 0.1 * i, S);
	assert_true(g.d.stage[0].on);
	/* Readings a minute apart still make a trend: a fall switches on early. */
	rig_done(&g);
	rig_init(&g, NULL, AT(23, 0));
	rig_read(&g, 18.8, MIN);
	rig_read(&g, 18.7, MIN);
	rig_read(&g, 18.6, MIN);
	rig_read(&g, 18.5, MIN);
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

/*
 * A sensor that jumps across the band faster than a room can (readings 45 ms
 * apart, relay care off, as the efficiency bench drives it) must not teach the
 * band: cycles shorter than a reading period used to widen it to its 3 K
 * maximum within ten readings, and the heater then stayed on at 21 °C.
 */
static void test_cycles_faster_than_readings(void **state)
{
	struct thermostat_params p;
	struct rig g;

	thermostat_params_init(&p);
	p.min_on_usec = p.min_off_usec = 0;
	rig_init(&g, &p, AT(23, 0));
	for (unsigned i = 0; i < 400; i++) {
		bool cold = i % 2 == 0;

		rig_read(&g, cold ? 16.0 : 21.0, 45000);
		assert_int_equal(g.d.stage[0].on, cold);
	}
	rig_done(&g);
}

/*
 * The floor turned down from Home Assistant while heating: the heater stops once
 * the room is above the new on-point (floor + 0.23), not at the top of the band
 * the old floor set (before, at 17.1 °C it went on heating for a floor of 16
 * until 17.23, and with the unlearned margin until 17.53).
 */
static void test_floor_turned_down(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	g.in.floor_c = g.in.day_floor_c = 19.5;
	rig_hold(&g, 17.1, 10); /* flat: no trend moves the estimate */
	assert_true(g.d.stage[0].on);
	g.in.floor_c = g.in.day_floor_c = 16.0;
	rig_hold(&g, 17.1, 1);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_IDLE);
	rig_done(&g);

	/* Turned down but still below the new on-point: heating goes on. */
	rig_init(&g, NULL, AT(23, 0));
	g.in.floor_c = g.in.day_floor_c = 19.5;
	rig_hold(&g, 16.8, 10);
	g.in.floor_c = g.in.day_floor_c = 17.0;
	rig_hold(&g, 16.8, 3);
	assert_true(g.d.stage[0].on);
	rig_done(&g);

	/* A floor turned up is no reason to stop. */
	rig_init(&g, NULL, AT(23, 0));
	rig_hold(&g, 18.0, 3);
	assert_true(g.d.stage[0].on);
	g.in.floor_c = g.in.day_floor_c = 18.5;
	rig_hold(&g, 18.8, 3);
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

static void test_min_on_off(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	rig_read(&g, 17.0, 30 * S);
	assert_true(g.d.stage[0].on);
	rig_read(&g, 20.0, 60 * S); /* 30 s after on */
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_ON);
	assert_int_equal(g.d.next_wakeup_usec, T0 + 90 * S); /* the next reading is due */
	rig_read(&g, 20.0, 30 * S);                          /* 90 s */
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.next_wakeup_usec, T0 + 120 * S); /* min_on ends before it */
	rig_read(&g, 20.0, 30 * S);                           /* 120 s: min_on (120 s) is over */
	assert_false(g.d.stage[0].on);
	rig_read(&g, 15.0, 60 * S); /* off for 30 s */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_OFF);
	rig_read(&g, 15.0, 60 * S); /* 90 s */
	assert_false(g.d.stage[0].on);
	rig_read(&g, 15.0, 30 * S); /* 150 s */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.next_wakeup_usec, T0 + 300 * S);
	rig_read(&g, 15.0, 30 * S); /* 180 s: min_off (180 s) is over */
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

static void test_bed_occupied(void **state)
{
	struct rig g;

	for (int bed = 0; bed < 2; bed++) {
		rig_init(&g, NULL, AT(23, 0));
		g.in.bed = bed ? THERMOSTAT_BED_OCCUPIED : THERMOSTAT_BED_EMPTY;
		rig_read(&g, 17.0, 150 * S);
		assert_true(g.d.stage[0].on);
		rig_read(&g, 20.0, MIN); /* 150 s on: past min_on, not past bed_min_on */
		assert_int_equal(g.d.stage[0].on, bed);
		rig_done(&g);
	}
	/* by day the bed does not matter */
	rig_init(&g, NULL, AT(12, 0));
	g.in.bed = THERMOSTAT_BED_OCCUPIED;
	rig_read(&g, 17.0, 150 * S);
	rig_read(&g, 20.0, MIN);
	assert_false(g.d.stage[0].on);
	rig_done(&g);
}

/* In bed the in-bed relay care is the least: a longer configured min_on / min_off holds. */
static void test_bed_keeps_longer_relay_care(void **state)
{
	struct thermostat_params p;
	struct rig g;

	thermostat_params_init(&p);
	p.min_on_usec = 20 * MIN;
	p.min_off_usec = 20 * MIN;
	rig_init(&g, &p, AT(23, 0));
	g.in.bed = THERMOSTAT_BED_OCCUPIED;
	rig_read(&g, 17.0, MIN);
	assert_true(g.d.stage[0].on);
	rig_hold(&g, 21.0, 15); /* 15 min on: past bed_min_on (5 min), not past min_on */
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_ON);
	rig_hold(&g, 21.0, 6); /* 21 min */
	assert_false(g.d.stage[0].on);
	rig_hold(&g, 15.0, 15); /* 15 min off: past bed_min_off (10 min), not past min_off */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_OFF);
	rig_hold(&g, 15.0, 6);
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

static void test_night_window(void **state)
{
	struct rig g;

	assert_true(thermostat_in_window(AT(22, 0), 22 * 60, 7 * 60));
	assert_true(thermostat_in_window(AT(23, 59), 22 * 60, 7 * 60));
	assert_true(thermostat_in_window(AT(0, 0), 22 * 60, 7 * 60));
	assert_true(thermostat_in_window(AT(6, 59), 22 * 60, 7 * 60));
	assert_false(thermostat_in_window(AT(7, 0), 22 * 60, 7 * 60));
	assert_false(thermostat_in_window(AT(21, 59), 22 * 60, 7 * 60));
	assert_true(thermostat_in_window(AT(13, 0), 12 * 60, 14 * 60));
	assert_false(thermostat_in_window(AT(14, 0), 12 * 60, 14 * 60));
	assert_false(thermostat_in_window(AT(12, 0), 12 * 60, 12 * 60));

	/* no day floor: heats at 06:58, not at 07:00 */
	rig_init(&g, NULL, AT(6, 57));
	g.in.day_floor_enabled = false;
	rig_hold(&g, 17.0, 2);
	assert_true(g.d.stage[0].on);
	assert_float_equal(g.d.floor_c, 18.0, 1e-9);
	rig_hold(&g, 17.0, 1); /* 06:59 */
	assert_true(g.d.stage[0].on);
	rig_hold(&g, 17.0, 1); /* 07:00 */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_NO_FLOOR);
	assert_true(isnan(g.d.floor_c));
	rig_done(&g);

	/* Awake at the window's edge (22:00), not a reading period after it. */
	rig_init(&g, NULL, AT(21, 0));
	g.in.day_floor_enabled = false;
	rig_hold(&g, 19.0, 1);
	g.now_usec += (uint64_t) (AT(21, 59) + 30 - rig_sec(&g)) * S;
	rig_tick(&g);
	assert_int_equal(rig_sec(&g), AT(21, 59) + 30);
	assert_true(g.d.next_wakeup_usec > g.now_usec);
	assert_true(g.d.next_wakeup_usec <= g.now_usec + 30 * S);
	rig_done(&g);
}

/*
 * The minute the heater is switched on for readings falling by 0.1 K a minute from
 * 19.5 °C, after @off_min minutes with the mode off (the room at @resume_c when
 * it comes back) and then @hold_min at 19.5 °C.
 */
static unsigned falling_on_min(unsigned off_min, double resume_c, unsigned hold_min)
{
	struct rig g;
	unsigned m;

	rig_init(&g, NULL, AT(12, 0));
	rig_hold(&g, 19.5, 10);
	g.in.mode = THERMOSTAT_MODE_OFF;
	rig_hold(&g, resume_c, off_min);
	g.in.mode = THERMOSTAT_MODE_HEAT;
	rig_hold(&g, resume_c, 1);
	rig_hold(&g, 19.5, hold_min);
	assert_false(g.d.stage[0].on);
	for (m = 0; m < 30 && !g.d.stage[0].on; m++)
		rig_read(&g, 19.5 - 0.1 * m, MIN);
	rig_done(&g);
	return m - 1;
}

/*
 * After a setback the walls are cold for hours and the air falls faster each
 * time the heater goes off: for 12 h after the floor comes back the switch-on
 * look-ahead is longer, by two readings when the room came back 8 K or more short
 * of the floor, by one when 4 K short. Not after a pause shorter than 2 h (the
 * same history otherwise), nor 12 h later, nor from a cold start.
 */
static void test_recovery_lookahead(void **state)
{
	unsigned start = falling_on_min(0, 19.5, 60);
	unsigned short_pause = falling_on_min(90, 10.0, 60);
	unsigned deep = falling_on_min(3 * 60, 10.0, 60);
	unsigned shallow = falling_on_min(3 * 60, 14.0, 60);
	unsigned later = falling_on_min(3 * 60, 10.0, 12 * 60);

	print_message("on after %u min from the start, %u after a short pause, %u after a deep "
		      "setback, %u after a shallow one, %u 12 h later\n",
		      start, short_pause, deep, shallow, later);
	/* 0.1 K a minute: each reading of look-ahead switches on a minute earlier */
	assert_int_equal(start, 10);
	assert_int_equal(short_pause, 11); /* the on-point learned 0.1 K lower meanwhile */
	assert_int_equal(deep, short_pause - 2);
	assert_int_equal(shallow, short_pause - 1);
	assert_int_equal(later, short_pause);
}

static void test_staging(void **state)
{
	struct thermostat_params p;
	struct rig g;
	double c = 17.5;

	thermostat_params_init(&p);
	p.n_stages = 2;
	rig_init(&g, &p, AT(23, 0));
	/* stage 0 alone is not enough: the room keeps cooling slowly */
	for (unsigned i = 0; i < 15; i++) {
		rig_read(&g, c, MIN);
		assert_true(g.d.stage[0].on);
		assert_false(g.d.stage[1].on);
		c -= 0.01;
	}
	rig_read(&g, c, MIN); /* 15 min */
	assert_true(g.d.stage[0].on);
	assert_true(g.d.stage[1].on);
	assert_int_equal(g.d.n_stages, 2);
	/* stage 0 has had no effect (its own safety): stage 1 carries on alone */
	rig_hold(&g, c, 29);
	assert_true(g.d.stage[0].on);
	rig_hold(&g, c, 1); /* 45 min */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_raised, BIT(HEATING_NO_EFFECT));
	assert_true(g.d.stage[1].on);
	assert_int_equal(g.d.stage[1].alerts_active, 0);
	/* warming: stage 1 carries the demand while stage 0 backs off; off at 19.23 */
	while (c < 18.4) {
		c += 0.1;
		rig_read(&g, c, MIN);
		assert_true(g.d.stage[1].on);
		assert_false(g.d.stage[0].on);
	}
	rig_hold(&g, 19.3, 4);
	assert_false(g.d.stage[1].on);
	rig_done(&g);
}

/*
 * The first plug goes offline while heating (user trial: the second heater
 * waited 15 minutes in a room 1.5 K below the floor): the second stage takes
 * its place at the next step; when the first is back, the second goes after
 * its minimum on-time.
 */
static void test_staging_unavailable(void **state)
{
	struct thermostat_params p;
	struct rig g;

	thermostat_params_init(&p);
	p.n_stages = 2;
	rig_init(&g, &p, AT(23, 0));
	rig_hold(&g, 16.5, 2);
	assert_true(g.d.stage[0].on);
	assert_false(g.d.stage[1].on);
	g.in.heater[0].unavailable = true;
	rig_hold(&g, 16.5, 1);
	assert_true(g.d.stage[0].on); /* told still: it heats again when it is back */
	assert_true(g.d.stage[1].on);
	assert_int_equal(g.d.stage[1].reason, THERMOSTAT_REASON_HEATING);
	rig_hold(&g, 16.5, 5);
	assert_true(g.d.stage[1].on);
	g.in.heater[0].unavailable = false;
	rig_hold(&g, 16.5, 1);
	assert_true(g.d.stage[0].on);
	assert_false(g.d.stage[1].on);
	rig_done(&g);
}

static void test_mode_off(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	rig_hold(&g, 16.0, 1);
	assert_true(g.d.stage[0].on);
	g.in.mode = THERMOSTAT_MODE_OFF;
	rig_hold(&g, 16.0, 1);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_MODE_OFF);
	rig_done(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_validation),
		cmocka_unit_test(test_bad_step),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_readings_close_together),
		cmocka_unit_test(test_floor_turned_down),
		cmocka_unit_test(test_cycles_faster_than_readings),
		cmocka_unit_test(test_min_on_off),
		cmocka_unit_test(test_bed_occupied),
		cmocka_unit_test(test_bed_keeps_longer_relay_care),
		cmocka_unit_test(test_night_window),
		cmocka_unit_test(test_recovery_lookahead),
		cmocka_unit_test(test_staging),
		cmocka_unit_test(test_staging_unavailable),
		cmocka_unit_test(test_mode_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
