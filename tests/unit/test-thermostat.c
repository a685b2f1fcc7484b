#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "control/thermostat.h"
#include "sim/room.h"
#include "sim/weather.h"

#define S        1000000ULL
#define MIN      (60 * S)
#define H        (60 * MIN)
#define AT(h, m) ((unsigned) ((h) *3600 + (m) *60))
#define BIT(a)   THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_##a)
#define T0       (1000 * S) /* monotonic time of the first step: not 0 */

/* A thermostat and its inputs, stepped with one reading a minute from a start time. */
struct rig {
	struct thermostat *t;
	struct thermostat_input in;
	struct thermostat_decision d;
	uint64_t now_usec;
	unsigned sec0; /* second of the day at now_usec == 0 */
};

static void rig_init(struct rig *g, const struct thermostat_params *p, unsigned sec0)
{
	struct thermostat_params defaults;

	if (!p) {
		thermostat_params_init(&defaults);
		p = &defaults;
	}
	*g = (struct rig){ .sec0 = sec0, .now_usec = T0 };
	assert_int_equal(thermostat_new(p, &g->t), 0);
	thermostat_input_init(&g->in);
	g->in.day_floor_enabled = true;
	g->in.day_floor_c = 18.0;
}

static void rig_done(struct rig *g)
{
	g->t = thermostat_free(g->t);
}

static unsigned rig_sec(const struct rig *g)
{
	return (unsigned) ((g->sec0 + (g->now_usec - T0) / S) % 86400);
}

/* Steps at the current time without a new reading. */
static void rig_tick(struct rig *g)
{
	assert_int_equal(thermostat_step(g->t, &g->in, g->now_usec, rig_sec(g), &g->d), 0);
}

/* A reading of @c at the current time, a step, then the clock moves on by @adv. */
static void rig_read(struct rig *g, double c, uint64_t adv_usec)
{
	g->in.room_known = true;
	g->in.room_c = c;
	g->in.room_usec = g->now_usec;
	rig_tick(g);
	g->now_usec += adv_usec;
}

/* Steady readings of @c for @n minutes. */
static void rig_hold(struct rig *g, double c, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		rig_read(g, c, MIN);
}

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
}

static void test_preheat(void **state)
{
	struct rig g;

	/*
	 * 4 K short, less than the 8 K the heater lifts the air by: only the air has
	 * to come up, at the first 7.5 min/K: starts 30 min before 22:00 (the walls'
	 * 20 min/K would have made it 80)
	 */
	rig_init(&g, NULL, AT(21, 20));
	g.in.day_floor_enabled = false;
	rig_hold(&g, 14.0, 10); /* 21:20 .. 21:29 */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_NO_FLOOR);
	rig_hold(&g, 14.0, 1); /* 21:30 */
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_PREHEAT);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_PREHEAT);
	/* latched: the room warming does not end the pre-heat */
	rig_hold(&g, 18.0, 5);
	assert_float_equal(g.d.floor_c, 18.0, 1e-9);
	rig_done(&g);

	/* 12 K short: 60 min for the air, and 4 K of walls at 20 min/K: 140 min */
	rig_init(&g, NULL, AT(19, 30));
	g.in.day_floor_enabled = false;
	rig_hold(&g, 6.0, 10); /* 19:30 .. 19:39 */
	assert_false(g.d.stage[0].on);
	rig_hold(&g, 6.0, 1); /* 19:40 */
	assert_true(g.d.stage[0].on);
	rig_done(&g);

	/* 18 K short: at most 4 h early */
	rig_init(&g, NULL, AT(17, 58));
	g.in.day_floor_enabled = false;
	rig_hold(&g, 0.0, 2);
	assert_false(g.d.stage[0].on);
	rig_hold(&g, 0.0, 1); /* 18:00 */
	assert_true(g.d.stage[0].on);
	rig_done(&g);

	/* a day floor at the night floor needs no pre-heat */
	rig_init(&g, NULL, AT(21, 0));
	rig_hold(&g, 19.0, 30);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_IDLE);
	rig_done(&g);
}

/* Readings of @room_c a minute apart until the pre-heat starts: how many before it. */
static unsigned preheat_after(struct rig *g, double room_c)
{
	for (unsigned m = 0; m < 600; m++) {
		rig_read(g, room_c, MIN);
		if (g->d.reason == THERMOSTAT_REASON_PREHEAT)
			return m;
	}
	return 600;
}

/*
 * The night judges the part of the lead that decided it: after an air-only
 * pre-heat (room less than 8 K short) that left the heater unable to hold the
 * floor, the air's rate grows and the walls' rate is left alone; the next
 * evening starts earlier.
 */
static void test_preheat_learn_air(void **state)
{
	struct thermostat_learned l;
	struct rig g;
	unsigned first, second;

	rig_init(&g, NULL, AT(21, 0));
	g.in.day_floor_enabled = false;
	first = preheat_after(&g, 14.0); /* 4 K * 7.5 min/K: at 21:30 */
	assert_int_equal(first, 30);
	/* the night: the air stays at 17 °C with the heater on flat out for 2 h */
	while (rig_sec(&g) != AT(0, 30))
		rig_read(&g, 17.0, MIN);
	thermostat_get_learned(g.t, &l);
	assert_float_equal(l.preheat_usec_per_k, 20.0 * MIN, 1e-6);
	/* then held until the morning, and the room cools through the day */
	while (rig_sec(&g) != AT(21, 0))
		rig_read(&g, rig_sec(&g) < AT(7, 0) ? 18.5 : 14.0, MIN);
	second = preheat_after(&g, 14.0);
	print_message("pre-heat from 21:00: first night %u min, second %u min\n", first, second);
	/* 1 K under: the air's rate grows by 65 %, to 12.4 min/K: 49.5 min, at 21:11 */
	assert_int_equal(second, 11);
	thermostat_get_learned(g.t, &l);
	assert_float_equal(l.preheat_usec_per_k, 20.0 * MIN, 1e-6);
	rig_done(&g);
}

static void test_sensor_stale(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	rig_hold(&g, 17.0, 2);
	assert_true(g.d.stage[0].on);
	/* the last reading is 60 s old; no more come */
	g.now_usec += 239 * S; /* 299 s old */
	rig_tick(&g);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.alerts_active, 0);
	assert_true(g.d.next_wakeup_usec <= g.now_usec + 2 * S);
	g.now_usec += 2 * S;
	rig_tick(&g);
	assert_false(g.d.stage[0].on); /* min_on does not hold a heater on a stale sensor */
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_SENSOR_STALE);
	assert_int_equal(g.d.alerts_raised, BIT(SENSOR_STALE));
	assert_int_equal(g.d.alerts_active, BIT(SENSOR_STALE));
	g.now_usec += MIN;
	rig_tick(&g);
	assert_int_equal(g.d.alerts_raised, 0); /* raised once */
	assert_int_equal(g.d.alerts_active, BIT(SENSOR_STALE));
	g.in.room_known = false;
	rig_tick(&g);
	assert_false(g.d.stage[0].on);
	rig_read(&g, 19.0, MIN);
	assert_int_equal(g.d.alerts_cleared, BIT(SENSOR_STALE));
	assert_int_equal(g.d.alerts_active, 0);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_IDLE);
	rig_done(&g);

	/* no reading at all since start: off, and stale after stale_usec */
	rig_init(&g, NULL, AT(23, 0));
	rig_tick(&g);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.alerts_active, 0);
	g.now_usec += 300 * S;
	rig_tick(&g);
	assert_int_equal(g.d.alerts_raised, BIT(SENSOR_STALE));
	rig_done(&g);
}

static void test_fallback_duty(void **state)
{
	struct thermostat_params p;
	struct rig g;
	unsigned on = 0;

	thermostat_params_init(&p);
	p.fallback_duty = 0.25;
	rig_init(&g, &p, AT(23, 0));
	g.in.room_known = false;
	rig_tick(&g); /* start-up: off until stale_usec has passed */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_SENSOR_STALE);
	g.now_usec += 300 * S;
	for (unsigned i = 0; i < 60; i++) { /* two 30 min periods */
		rig_tick(&g);
		assert_int_equal(g.d.reason, THERMOSTAT_REASON_FALLBACK_DUTY);
		on += g.d.stage[0].on;
		g.now_usec += MIN;
	}
	assert_int_equal(g.d.alerts_active, BIT(SENSOR_STALE));
	assert_true(on >= 14 && on <= 16);
	rig_done(&g);
}

static void test_over_temperature(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	rig_hold(&g, 17.0, 1);
	assert_true(g.d.stage[0].on);
	rig_read(&g, 26.0, MIN);
	assert_false(g.d.stage[0].on); /* despite min_on */
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_OVER_TEMPERATURE);
	assert_int_equal(g.d.alerts_raised, BIT(OVER_TEMPERATURE));
	rig_read(&g, 25.5, MIN);
	assert_int_equal(g.d.alerts_raised, 0);
	assert_int_equal(g.d.alerts_active, BIT(OVER_TEMPERATURE));
	rig_read(&g, 24.9, MIN);
	assert_int_equal(g.d.alerts_cleared, BIT(OVER_TEMPERATURE));
	assert_int_equal(g.d.alerts_active, 0);
	rig_done(&g);
}

static void test_max_on_time(void **state)
{
	struct thermostat_params p;
	struct rig g;
	double c = 12.0;

	thermostat_params_init(&p);
	p.max_on_usec = 60 * MIN;
	rig_init(&g, &p, AT(23, 0));
	/* a cold room warming slowly: on for the whole hour */
	for (unsigned i = 0; i < 60; i++) {
		rig_read(&g, c, MIN);
		assert_true(g.d.stage[0].on);
		c += 0.02;
	}
	rig_read(&g, c, MIN);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MAX_ON_TIME);
	assert_int_equal(g.d.stage[0].alerts_raised, BIT(MAX_ON_TIME));
	for (unsigned i = 0; i < 14; i++) {
		rig_read(&g, c, MIN);
		assert_false(g.d.stage[0].on);
		assert_int_equal(g.d.stage[0].alerts_raised, 0);
	}
	rig_read(&g, c, MIN); /* the 15 min rest is over */
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, BIT(MAX_ON_TIME));
	/* recovery: the room warms, the heater goes off by itself */
	rig_hold(&g, 20.0, 3);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, 0);
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

/*
 * A long recovery on a very cold night: rather than being rested by the maximum
 * on-time for 15 min a few minutes later, the heater takes a break at the minimum
 * off-time while the room is above the on-point; no alert. A room still below
 * the on-point is rested as before (test_max_on_time).
 */
static void test_break_before_max_on(void **state)
{
	struct thermostat_params p;
	struct rig g;
	double c = 17.0;
	unsigned m;

	thermostat_params_init(&p);
	p.max_on_usec = 60 * MIN;
	rig_init(&g, &p, AT(23, 0));
	/* warming by 0.025 K a minute: above the on-point (18.23) after ~50 min */
	for (m = 0; m < 60; m++) {
		rig_read(&g, c, MIN);
		c += 0.025;
		if (!g.d.stage[0].on)
			break;
	}
	assert_int_equal(m, 58); /* two readings before the forced rest */
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_IDLE);
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	/* the room needs heat again: back on after the minimum off-time of 3 min */
	rig_hold(&g, 18.0, 2);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_OFF);
	rig_hold(&g, 18.0, 1);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	rig_done(&g);
}

static void test_no_effect(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	rig_hold(&g, 16.0, 45); /* on at minute 0, no warming */
	assert_true(g.d.stage[0].on);
	rig_hold(&g, 16.0, 1); /* 45 min */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_NO_EFFECT);
	assert_int_equal(g.d.stage[0].alerts_raised, BIT(HEATING_NO_EFFECT));
	rig_hold(&g, 16.0, 29);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_raised, 0);
	rig_hold(&g, 16.0, 1); /* 30 min back-off over */
	assert_true(g.d.stage[0].on);
	rig_hold(&g, 16.0, 45);
	assert_false(g.d.stage[0].on); /* again: back-off doubled to 60 min */
	rig_hold(&g, 16.0, 59);
	assert_false(g.d.stage[0].on);
	rig_hold(&g, 16.0, 1);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, BIT(HEATING_NO_EFFECT));
	rig_hold(&g, 16.5, 1); /* warms: recovered */
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_cleared, BIT(HEATING_NO_EFFECT));
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	rig_done(&g);
}

static void test_no_power(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	g.in.heater[0].confirmed = THERMOSTAT_CONFIRM_ON;
	g.in.heater[0].power_known = true;
	g.in.heater[0].power_w = 1480;
	rig_hold(&g, 16.0, 3);
	assert_true(g.d.stage[0].on);
	g.in.heater[0].power_w = 2; /* plug on, heater dead */
	rig_hold(&g, 16.0, 2);
	assert_true(g.d.stage[0].on);
	rig_hold(&g, 16.0, 1);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_raised, BIT(HEATING_NO_EFFECT));
	rig_done(&g);
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

/* Three Boston nights with the thermostat in the loop: the true air stays up. */
static void test_sim_boston(void **state)
{
	struct sim_room_params rp;
	struct sim_room *room = NULL;
	struct sim_weather *w = NULL;
	struct rig g;
	uint64_t wake = 0;
	double below_s = 0, min_c = 99;
	unsigned ons;

	assert_int_equal(sim_weather_load(BENCH_DATA_DIR "/weather_boston.csv", &w, NULL), 0);
	assert_int_equal(sim_room_params_init(&rp, SIM_ROOM_VARIANT_OLDER), 0);
	assert_int_equal(sim_room_new(&rp, &room), 0);
	rig_init(&g, NULL, 0);
	g.in.day_floor_enabled = false; /* setback: pre-heat has to work too */
	for (long k = 0; k < (4 * 86400 + 7 * 3600) / 10; k++) {
		unsigned sec = (unsigned) (k * 10 % 86400);
		double t_s = (double) k * 10;

		g.now_usec = (uint64_t) k * 10 * S;
		if (k % 6 == 0) {
			g.in.room_known = true;
			g.in.room_c = sim_room_sensor_c(room);
			g.in.room_usec = g.now_usec;
		}
		if (k % 6 == 0 || g.now_usec >= wake) {
			assert_int_equal(thermostat_step(g.t, &g.in, g.now_usec, sec, &g.d), 0);
			wake = g.d.next_wakeup_usec;
		}
		sim_room_step(room, g.d.stage[0].on, sim_weather_outdoor_c(w, t_s), 10);
		if (t_s >= 86400 && thermostat_in_window(sec, 22 * 60, 7 * 60)) {
			double c = sim_room_true_air_c(room);

			if (c < 17.8)
				below_s += 10;
			if (c < min_c)
				min_c = c;
		}
	}
	ons = sim_room_switch_ons(room, 0);
	print_message("3 Boston nights: lowest true air %.2f, %u switch-ons\n", min_c, ons);
	assert_float_equal(below_s, 0, 0);
	assert_true(ons > 10);
	rig_done(&g);
	sim_room_free(room);
	sim_weather_free(w);
}

/*
 * The thermostat in the loop with the simulated older room at a constant outdoor
 * temperature, continuous floor, for @days from midnight; returns the relay's
 * switch-ons a day after the first day.
 */
static double sim_constant(struct rig *g, double outdoor_c, unsigned days)
{
	struct sim_room_params rp;
	struct sim_room *room = NULL;
	uint64_t wake = 0;
	unsigned ons0 = 0;

	assert_int_equal(sim_room_params_init(&rp, SIM_ROOM_VARIANT_OLDER), 0);
	assert_int_equal(sim_room_new(&rp, &room), 0);
	g->in.outdoor_known = true;
	g->in.outdoor_c = outdoor_c;
	for (long k = 0; k < (long) days * 8640; k++) {
		g->now_usec = T0 + (uint64_t) k * 10 * S;
		if (k % 6 == 0) {
			g->in.room_known = true;
			g->in.room_c = sim_room_sensor_c(room);
			g->in.room_usec = g->now_usec;
		}
		if (k % 6 == 0 || g->now_usec >= wake) {
			rig_tick(g);
			wake = g->d.next_wakeup_usec;
		}
		if (k == 8640)
			ons0 = sim_room_switch_ons(room, 0);
		sim_room_step(room, g->d.stage[0].on, outdoor_c, 10);
	}
	ons0 = sim_room_switch_ons(room, 0) - ons0;
	sim_room_free(room);
	return (double) ons0 / (days - 1);
}

/*
 * The target cycle follows the measured duty: a light load clicks less than a
 * heavy one, as with any fixed-swing thermostat, instead of the same number of
 * clicks whatever the load. The duty and the heater's reach (power over loss) are
 * learned from the cycles.
 */
static void test_learn_duty(void **state)
{
	struct thermostat_learned light, heavy;
	struct rig g;
	double ons_light, ons_heavy;

	rig_init(&g, NULL, 0);
	ons_light = sim_constant(&g, 12.0, 3); /* UA 22.1 W/K * 6.5 K: duty ~0.1 */
	thermostat_get_learned(g.t, &light);
	rig_done(&g);
	rig_init(&g, NULL, 0);
	ons_heavy = sim_constant(&g, -15.0, 3); /* 33.5 K: duty ~0.5 */
	thermostat_get_learned(g.t, &heavy);
	rig_done(&g);
	print_message("light: duty %.2f, %.1f on/day; heavy: duty %.2f, %.1f on/day\n", light.duty,
		      ons_light, heavy.duty, ons_heavy);
	assert_true(light.duty > 0.05 && light.duty < 0.2);
	assert_true(heavy.duty > 0.4 && heavy.duty < 0.6);
	assert_true(ons_light < 0.6 * ons_heavy);
	assert_true(ons_heavy < 90);
	/* 1500 W over 22.1 W/K: 68 K */
	assert_true(heavy.max_rise_k > 55 && heavy.max_rise_k < 80);
	assert_true(light.max_rise_k > 45 && light.max_rise_k < 90);
}

/* First minute of pre-heat from 17:00 for a room at 6 °C, after a day of learning. */
static unsigned preheat_start_min(double outdoor_c, bool outdoor_known)
{
	struct rig g;
	unsigned start = 0;

	rig_init(&g, NULL, 0);
	sim_constant(&g, 0.0, 2); /* learns the heater's reach */
	g.now_usec += MIN;
	/* the wall clock now reads 17:00 */
	g.sec0 = (unsigned) ((AT(17, 0) + 86400 - (g.now_usec - T0) / S % 86400) % 86400);
	g.in.day_floor_enabled = false;
	g.in.outdoor_known = outdoor_known;
	g.in.outdoor_c = outdoor_c;
	for (unsigned m = 0; m < 5 * 60; m++) {
		rig_read(&g, 6.0, MIN);
		if (g.d.reason == THERMOSTAT_REASON_PREHEAT) {
			start = m;
			break;
		}
	}
	rig_done(&g);
	return start;
}

/*
 * The pre-heat starts earlier on a colder evening: less of the heater is left for
 * warming the walls. 12 K short: 8 K of it is the air's (60 min whatever the
 * weather), 4 K the walls' (20 min/K, scaled by the outdoor temperature).
 */
static void test_preheat_outdoor(void **state)
{
	unsigned cold = preheat_start_min(-15.0, true);
	unsigned mild = preheat_start_min(10.0, true);
	unsigned unknown = preheat_start_min(NAN, false);

	print_message("pre-heat from 17:00: cold %u, mild %u, outdoor unknown %u min\n", cold, mild,
		      unknown);
	assert_true(cold > 0 && mild > 0 && unknown > 0);
	assert_true(cold + 30 < mild);
	/* unknown: 60 min + 4 K * 20 min/K = 140 min before 22:00, as without learning */
	assert_int_equal(unknown, 5 * 60 - 140);
	assert_true(cold >= 60); /* never more than 4 h early */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_validation),
		cmocka_unit_test(test_bad_step),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_min_on_off),
		cmocka_unit_test(test_bed_occupied),
		cmocka_unit_test(test_night_window),
		cmocka_unit_test(test_preheat),
		cmocka_unit_test(test_sensor_stale),
		cmocka_unit_test(test_fallback_duty),
		cmocka_unit_test(test_over_temperature),
		cmocka_unit_test(test_max_on_time),
		cmocka_unit_test(test_no_effect),
		cmocka_unit_test(test_no_power),
		cmocka_unit_test(test_staging),
		cmocka_unit_test(test_mode_off),
		cmocka_unit_test(test_sim_boston),
		cmocka_unit_test(test_learn_duty),
		cmocka_unit_test(test_preheat_outdoor),
		cmocka_unit_test(test_preheat_learn_air),
		cmocka_unit_test(test_recovery_lookahead),
		cmocka_unit_test(test_break_before_max_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
