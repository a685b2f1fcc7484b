/* What the thermostat learns: the pre-heat lead, the cycle; in the simulated room. */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "sim/room.h"
#include "sim/weather.h"

#include "tests/unit/thermostat-rig.h"

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

/*
 * A pre-heat is for the night ahead: the wall clock stepped back from 21:35 to
 * 12:05 (or on past the night) ends it, rather than holding the night's floor
 * through the day (a safety audit: 335 minutes of heating in the next 12 h).
 */
static void test_preheat_ends_at_a_clock_step(void **state)
{
	static const unsigned steps_s[] = { 86400 - 34200, 37800 };

	(void) state;
	for (size_t i = 0; i < sizeof(steps_s) / sizeof(steps_s[0]); i++) {
		struct rig g;

		rig_init(&g, NULL, AT(21, 20));
		g.in.day_floor_enabled = false;
		rig_hold(&g, 14.0, 15); /* 21:20 .. 21:34: on from 21:30 */
		assert_int_equal(g.d.reason, THERMOSTAT_REASON_PREHEAT);
		g.sec0 = (g.sec0 + steps_s[i]) % 86400; /* 12:05, or 08:05 */
		rig_hold(&g, 14.0, 10);
		assert_int_equal(g.d.reason, THERMOSTAT_REASON_NO_FLOOR);
		assert_true(isnan(g.d.floor_c));
		assert_false(g.d.stage[0].on);
		rig_done(&g);
	}
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
	/*
	 * The heater's reach (power over loss) is now the room model's; at a constant
	 * outdoor temperature the loss to outdoor cannot be told from a constant heat
	 * gain, so it is tested on real weather (test-thermostat-model.c).
	 */
	assert_true(heavy.model_in_use && light.model_in_use);
}

/*
 * test_preheat_outdoor (the old lead formula's scaling by the outdoor
 * temperature) is gone: once the model is sure it decides the pre-heat
 * (thermostat-plan.c), and that test's evening (a room reading 6 °C out of
 * nowhere after two warm days) is not one the model can believe. The model's
 * pre-heat is tested in the loop on real weather (test_sim_boston here, the
 * setback rows of bench-matrix).
 */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preheat),
		cmocka_unit_test(test_preheat_ends_at_a_clock_step),
		cmocka_unit_test(test_preheat_learn_air),
		cmocka_unit_test(test_sim_boston),
		cmocka_unit_test(test_learn_duty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
