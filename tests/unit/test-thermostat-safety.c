/* The thermostat's fail-safes: stale sensor, fallback duty, over-temperature, maximum on-time, no
 * effect. */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "tests/unit/thermostat-rig.h"

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

	/*
	 * No reading at all since start: off, and stale after stale_usec. Woken
	 * for that moment, and then only at the night window's edge (07:00): no
	 * tick while nothing is due.
	 */
	rig_init(&g, NULL, AT(23, 0));
	rig_tick(&g);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_NO_READING_YET);
	assert_int_equal(g.d.alerts_active, 0);
	assert_int_equal(g.d.next_wakeup_usec, g.now_usec + 300 * S);
	g.now_usec += 300 * S;
	rig_tick(&g);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_SENSOR_STALE);
	assert_int_equal(g.d.alerts_raised, BIT(SENSOR_STALE));
	assert_int_equal(g.d.next_wakeup_usec,
			 g.now_usec + (uint64_t) (AT(24, 0) + AT(7, 0) - rig_sec(&g)) * S);
	rig_done(&g);
}

/*
 * An MQTT thermometer's stale_after is an hour: before the first reading (at
 * start, or a reload to a misspelled topic) the wait is first_reading_usec,
 * 10 minutes, not the hour, so the phone hears that the room goes unheated.
 * After a first reading the hour holds.
 */
static void test_first_reading_waits_less_than_stale(void **state)
{
	struct thermostat_params p;
	struct rig g;

	thermostat_params_init(&p);
	p.stale_usec = 3600 * S;
	rig_init(&g, &p, AT(23, 0));
	rig_tick(&g);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_NO_READING_YET);
	assert_int_equal(g.d.next_wakeup_usec, g.now_usec + 600 * S);
	g.now_usec += 599 * S;
	rig_tick(&g);
	assert_int_equal(g.d.alerts_active, 0);
	g.now_usec += S;
	rig_tick(&g);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_SENSOR_STALE);
	assert_int_equal(g.d.alerts_raised, BIT(SENSOR_STALE));
	rig_read(&g, 17.0, MIN);
	assert_int_equal(g.d.alerts_cleared, BIT(SENSOR_STALE));

	/* A reload to another thermometer: 10 minutes again. */
	g.in.room_known = false;
	thermostat_sensor_changed(g.t, g.now_usec);
	g.now_usec += 600 * S;
	rig_tick(&g);
	assert_int_equal(g.d.alerts_raised, BIT(SENSOR_STALE));
	rig_read(&g, 17.0, MIN);

	/* Read once, then silent: stale after the hour, not 10 minutes. */
	g.in.room_known = true;
	g.now_usec += 30 * MIN;
	rig_tick(&g);
	assert_int_equal(g.d.alerts_active, 0);
	g.now_usec += 30 * MIN;
	rig_tick(&g);
	assert_int_equal(g.d.alerts_active, BIT(SENSOR_STALE));
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
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_NO_READING_YET);
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

/*
 * A reload that changes the thermometer, long after start: the new one has no
 * reading yet, as at start (no_reading_yet, off, no alert for stale_usec),
 * and what was learned stays.
 */
static void test_sensor_changed(void **state)
{
	struct thermostat_learned before, after;
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	rig_hold(&g, 17.0, 10);
	assert_true(g.d.stage[0].on);
	thermostat_get_learned(g.t, &before);
	g.in.room_known = false;
	thermostat_sensor_changed(g.t, g.now_usec);
	rig_tick(&g);
	assert_false(g.d.stage[0].on); /* no reading: off, as before the change */
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_NO_READING_YET);
	assert_int_equal(g.d.alerts_active, 0);
	thermostat_get_learned(g.t, &after);
	assert_true(after.band_c == before.band_c);
	assert_true(after.on_offset_c == before.on_offset_c);
	assert_true(after.preheat_usec_per_k == before.preheat_usec_per_k);
	g.now_usec += 299 * S;
	rig_tick(&g);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_NO_READING_YET);
	assert_int_equal(g.d.alerts_active, 0);
	g.now_usec += S;
	rig_tick(&g);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_SENSOR_STALE);
	assert_int_equal(g.d.alerts_raised, BIT(SENSOR_STALE));
	rig_read(&g, 17.0, MIN);
	assert_int_equal(g.d.alerts_cleared, BIT(SENSOR_STALE));
	assert_true(g.d.stage[0].on);

	/* Its first reading ends the wait, and a later loss is stale, not "not yet". */
	thermostat_sensor_changed(g.t, g.now_usec);
	rig_read(&g, 17.0, MIN);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_HEATING);
	g.in.room_known = false;
	rig_tick(&g);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_SENSOR_STALE);
	assert_int_equal(g.d.alerts_active, 0);
	rig_done(&g);

	/* Already stale: the alert holds (no cleared and raised again), the reason too. */
	rig_init(&g, NULL, AT(23, 0));
	rig_tick(&g);
	g.now_usec += 300 * S;
	rig_tick(&g);
	assert_int_equal(g.d.alerts_raised, BIT(SENSOR_STALE));
	g.now_usec += MIN;
	thermostat_sensor_changed(g.t, g.now_usec);
	rig_tick(&g);
	assert_int_equal(g.d.alerts_cleared, 0);
	assert_int_equal(g.d.alerts_active, BIT(SENSOR_STALE));
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_SENSOR_STALE);
	rig_done(&g);
}

/*
 * The thermometer dies 70 s before the fallback duty cycle's off-phase (h62:
 * on at 850 s, off at 900 s): the heater it switched on keeps min_on.
 */
static void test_fallback_duty_keeps_min_on(void **state)
{
	struct thermostat_params p;
	struct rig g;
	uint64_t on_at = 0;

	thermostat_params_init(&p);
	p.fallback_duty = 0.5;
	rig_init(&g, &p, AT(23, 0));
	rig_hold(&g, 20.0, 53); /* the last reading at 4120 s: phase 520 s */
	assert_false(g.d.stage[0].on);
	for (unsigned i = 0; i < 200; i++) {
		uint64_t phase = g.now_usec % p.fallback_period_usec;
		bool was_on = g.d.stage[0].on;

		rig_tick(&g);
		if (!was_on && g.d.stage[0].on)
			on_at = g.now_usec;
		if (was_on && !g.d.stage[0].on)
			assert_true(g.now_usec - on_at >= p.min_on_usec);
		if (phase >= 900 * S && phase < 900 * S + p.min_on_usec - 40 * S && on_at &&
		    g.now_usec - on_at < p.min_on_usec) {
			assert_true(g.d.stage[0].on);
			assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_ON);
		}
		g.now_usec += 10 * S;
	}
	assert_true(on_at > 0);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_FALLBACK_DUTY);
	rig_done(&g);
}

/* The stale-sensor switch-off itself stays forced, min_on or not. */
static void test_stale_switch_off_forced(void **state)
{
	struct thermostat_params p;
	struct rig g;

	thermostat_params_init(&p);
	p.fallback_duty = 0.5;
	rig_init(&g, &p, AT(23, 0));
	rig_hold(&g, 20.0, 12);
	while (g.now_usec % p.fallback_period_usec / S != 640) /* stale at phase 941 s */
		g.now_usec += 10 * S;
	rig_read(&g, 16.0, 300 * S + S); /* switches on; stale at the next step */
	assert_true(g.d.stage[0].on);
	rig_tick(&g);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_FALLBACK_DUTY);
	assert_true(g.now_usec % p.fallback_period_usec >= 900 * S);
	assert_false(g.d.stage[0].on);
	rig_done(&g);
}

/*
 * The plug is offline for two hours at night (h62): the no-effect clock stands
 * meanwhile, no rest is earned, and the heater heats as soon as it is back.
 */
static void test_no_effect_held_while_unavailable(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(2, 0));
	g.in.heater[0].unavailable = true;
	g.in.heater[0].confirmed = THERMOSTAT_CONFIRM_UNKNOWN;
	for (unsigned i = 0; i < 120; i++) {
		rig_read(&g, 17.0 - 0.005 * i, MIN);
		assert_true(g.d.stage[0].on);
		assert_int_equal(g.d.stage[0].alerts_active, 0);
		assert_true(g.d.next_wakeup_usec > g.now_usec - MIN);
	}
	g.in.heater[0].unavailable = false;
	g.in.heater[0].confirmed = THERMOSTAT_CONFIRM_ON;
	rig_hold(&g, 16.4, 44);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	/* back and still no warming: judged as ever, 45 min after */
	rig_hold(&g, 16.4, 2);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, BIT(HEATING_NO_EFFECT));
	rig_done(&g);
}

/* Stale with a fallback duty cycle: a thermometer change does not stop it. */
static void test_sensor_changed_keeps_the_fallback_duty(void **state)
{
	struct thermostat_params p;
	struct rig g;
	unsigned on = 0;

	thermostat_params_init(&p);
	p.fallback_duty = 0.25;
	rig_init(&g, &p, AT(23, 0));
	g.in.room_known = false;
	rig_tick(&g);
	g.now_usec += 300 * S;
	for (unsigned i = 0; i < 60; i++) { /* two 30 min periods, changed in each */
		if (i % 30 == 3)
			thermostat_sensor_changed(g.t, g.now_usec);
		rig_tick(&g);
		assert_int_equal(g.d.reason, THERMOSTAT_REASON_FALLBACK_DUTY);
		on += g.d.stage[0].on;
		g.now_usec += MIN;
	}
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

/*
 * A reading the jump check holds back (the room reading stays at the last
 * one it took): over overheat it trips the cut-off at once, heaters off, and
 * the cut-off holds while it is held; under overheat it changes nothing. It
 * ends as usual, on a taken reading below overheat less the hysteresis.
 */
static void test_over_temperature_held_as_a_jump(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	rig_hold(&g, 17.2, 1);
	assert_true(g.d.stage[0].on);
	/* The sensor says 24 three times: held back, below the cut-off: heating goes on. */
	g.in.jump_held_c = 24.0;
	rig_tick(&g);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.alerts_active, 0);
	/* 27: over the cut-off, although the room reading is still 17.2. */
	g.in.jump_held_c = 27.0;
	g.now_usec += 20 * S;
	rig_tick(&g);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.reason, THERMOSTAT_REASON_OVER_TEMPERATURE);
	assert_int_equal(g.d.alerts_raised, BIT(OVER_TEMPERATURE));
	g.now_usec += 20 * S;
	rig_tick(&g);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.alerts_active, BIT(OVER_TEMPERATURE));
	/* Taken at last (plausible again): the room reading rules as before. */
	g.in.jump_held_c = NAN;
	rig_read(&g, 25.5, MIN);
	assert_int_equal(g.d.alerts_active, BIT(OVER_TEMPERATURE));
	rig_read(&g, 24.9, MIN);
	assert_int_equal(g.d.alerts_cleared, BIT(OVER_TEMPERATURE));
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
	rig_read(&g, c, MIN); /* the 15 min rest is over: cleared, on again */
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_cleared, BIT(MAX_ON_TIME));
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	/* the room warms, the heater goes off by itself */
	rig_hold(&g, 20.0, 3);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	rig_done(&g);
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

/*
 * Mode off, then heat, is the person's "I fixed it": a no_effect rest ends at
 * once and its alert clears (a safety audit: up to 4 hours of rest after the
 * heater worked again). Mode off alone, or a max_on rest, is not ended.
 */
static void test_mode_off_then_heat_ends_a_no_effect_rest(void **state)
{
	struct rig g;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	rig_hold(&g, 16.0, 46); /* no warming: rests from minute 45 */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_NO_EFFECT);
	g.in.mode = THERMOSTAT_MODE_OFF;
	rig_hold(&g, 16.0, 2);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, BIT(HEATING_NO_EFFECT)); /* off: still said */
	g.in.mode = THERMOSTAT_MODE_HEAT;
	rig_hold(&g, 16.0, 1);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_HEATING);
	assert_int_equal(g.d.stage[0].alerts_cleared, BIT(HEATING_NO_EFFECT));
	/* still no effect: found again after no_effect, and rested from 30 min again */
	rig_hold(&g, 16.0, 45);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_raised, BIT(HEATING_NO_EFFECT));
	rig_hold(&g, 16.0, 30);
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

/* Plug on, heater drawing nothing from the switch-on (off at its own switch, a dead element). */
static void test_no_power(void **state)
{
	struct rig g;

	rig_init(&g, NULL, AT(23, 0));
	g.in.heater[0].confirmed = THERMOSTAT_CONFIRM_ON;
	g.in.heater[0].power_known = true;
	g.in.heater[0].power_w = 2;
	rig_hold(&g, 16.0, 3); /* on at minute 0, seen on (and drawing nothing) from 1 */
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	rig_hold(&g, 16.0, 1); /* 120 s */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_NO_EFFECT);
	assert_int_equal(g.d.stage[0].alerts_raised, BIT(HEATING_NO_EFFECT));
	/* after the 30 min back-off it is tried again, and still draws nothing */
	rig_hold(&g, 16.0, 30);
	assert_true(g.d.stage[0].on);
	rig_hold(&g, 16.0, 2);
	assert_true(g.d.stage[0].on);
	rig_hold(&g, 16.0, 1);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_NO_EFFECT);
	assert_int_equal(g.d.stage[0].alerts_active, BIT(HEATING_NO_EFFECT));
	rig_done(&g);
}

/*
 * An oil radiator under its own thermostat (its knob below the maximum): it
 * drew power and warmed the room, then its thermostat opens and the plug
 * reports 0 W (a Tasmota's next report 5 min later). Idle, not broken: it stays
 * on, and no alert; the room model counts it as not heating. When its own
 * thermostat closes again it heats on.
 */
static void test_idle_under_its_own_thermostat(void **state)
{
	struct rig g;
	double c = 17.0;

	rig_init(&g, NULL, AT(1, 0));
	g.in.heater[0].confirmed = THERMOSTAT_CONFIRM_ON;
	g.in.heater[0].power_known = true;
	g.in.heater[0].power_w = 1500;
	for (unsigned i = 0; i < 15; i++, c += 0.04) /* +0.6 K in 15 min */
		rig_read(&g, c, MIN);
	assert_true(g.d.stage[0].on);
	g.in.heater[0].power_w = 0; /* its own thermostat opens */
	for (unsigned i = 0; i < 20; i++, c -= 0.02) {
		rig_read(&g, c, MIN);
		assert_true(g.d.stage[0].on);
		assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_HEATING);
		assert_int_equal(g.d.stage[0].alerts_active, 0);
	}
	g.in.heater[0].power_w = 1500; /* and closes again */
	rig_hold(&g, c, 3);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	rig_done(&g);

	/* The same seen by warmth alone: a plug whose first report since on says 0 W. */
	rig_init(&g, NULL, AT(1, 0));
	c = 17.0;
	g.in.heater[0].confirmed = THERMOSTAT_CONFIRM_ON;
	for (unsigned i = 0; i < 15; i++, c += 0.04)
		rig_read(&g, c, MIN);
	g.in.heater[0].power_known = true;
	g.in.heater[0].power_w = 0;
	for (unsigned i = 0; i < 10; i++, c -= 0.02) {
		rig_read(&g, c, MIN);
		assert_true(g.d.stage[0].on);
		assert_int_equal(g.d.stage[0].alerts_active, 0);
	}
	rig_done(&g);
}

/*
 * The rest after max_on ends at its time, whatever comes next: its alert is
 * cleared then, on a step the thermostat asked for. Here max_on is reached at
 * 06:50, the night ends at 07:00 with no day floor, the rest at 07:05.
 */
static void test_max_on_time_cleared_when_the_rest_ends(void **state)
{
	struct thermostat_params p;
	struct rig g;
	uint64_t until;
	double c = 12.0;

	thermostat_params_init(&p);
	p.max_on_usec = 60 * MIN;
	rig_init(&g, &p, AT(5, 50));
	g.in.day_floor_enabled = false;
	for (unsigned i = 0; i < 60; i++, c += 0.02)
		rig_read(&g, c, MIN);
	assert_true(g.d.stage[0].on);
	rig_read(&g, c, MIN); /* 06:50 */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_raised, BIT(MAX_ON_TIME));
	until = g.now_usec - MIN + p.max_on_rest_usec;
	while (g.now_usec < until) {
		rig_read(&g, c, MIN);
		assert_int_equal(g.d.stage[0].alerts_active, BIT(MAX_ON_TIME));
		assert_true(g.d.next_wakeup_usec <= until);
	}
	assert_int_equal(g.now_usec, until);
	rig_read(&g, c, MIN); /* 07:05: no floor, the heater stays off */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_NO_FLOOR);
	assert_int_equal(g.d.stage[0].alerts_cleared, BIT(MAX_ON_TIME));
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	rig_done(&g);

	/*
	 * No readings after it and the mode set to off: stepped only when it asks,
	 * it asks for the rest's end and clears the alert then.
	 */
	rig_init(&g, &p, AT(23, 0));
	c = 12.0;
	for (unsigned i = 0; i < 60; i++, c += 0.02)
		rig_read(&g, c, MIN);
	rig_read(&g, c, 0);
	assert_int_equal(g.d.stage[0].alerts_raised, BIT(MAX_ON_TIME));
	until = g.now_usec + p.max_on_rest_usec;
	g.in.mode = THERMOSTAT_MODE_OFF;
	g.in.room_known = false;
	while (g.now_usec < until) {
		assert_true(g.d.next_wakeup_usec <= until);
		g.now_usec = g.d.next_wakeup_usec;
		rig_tick(&g);
	}
	assert_int_equal(g.now_usec, until);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].alerts_cleared, BIT(MAX_ON_TIME));
	assert_int_equal(g.d.stage[0].alerts_active, 0);
	g.now_usec = g.d.next_wakeup_usec;
	rig_tick(&g);
	assert_int_equal(g.d.stage[0].alerts_raised, 0);
	rig_done(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sensor_stale),
		cmocka_unit_test(test_first_reading_waits_less_than_stale),
		cmocka_unit_test(test_fallback_duty),
		cmocka_unit_test(test_fallback_duty_keeps_min_on),
		cmocka_unit_test(test_stale_switch_off_forced),
		cmocka_unit_test(test_no_effect_held_while_unavailable),
		cmocka_unit_test(test_sensor_changed),
		cmocka_unit_test(test_sensor_changed_keeps_the_fallback_duty),
		cmocka_unit_test(test_over_temperature),
		cmocka_unit_test(test_over_temperature_held_as_a_jump),
		cmocka_unit_test(test_max_on_time),
		cmocka_unit_test(test_break_before_max_on),
		cmocka_unit_test(test_no_effect),
		cmocka_unit_test(test_mode_off_then_heat_ends_a_no_effect_rest),
		cmocka_unit_test(test_no_power),
		cmocka_unit_test(test_idle_under_its_own_thermostat),
		cmocka_unit_test(test_max_on_time_cleared_when_the_rest_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
