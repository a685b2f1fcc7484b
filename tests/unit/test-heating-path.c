/*
 * The path of a room reading to a heating decision (daemon/heating-path.c) and
 * its replay for the benchmarks and thermostat-cil (daemon/heating-replay.c):
 * what a configuration makes of a sensor's checks and of the thermostat, and
 * that a raw reading reaches the thermostat only through those checks, as news,
 * at the time it was taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "control/thermostat-defaults.h"
#include "daemon/heating-path.h"
#include "daemon/heating-replay.h"
#include "sensors/sensor-defaults.h"

#define SEC 1000000ULL
#define MIN (60 * SEC)

static struct config *load(const char *text)
{
	struct config *c = NULL;
	char *error = NULL, path[64];
	int fd = memfd_create("test-heating-path", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (config_load(path, &c, &error) < 0)
		fail_msg("config: %s", error);
	close(fd);
	return c;
}

/* A sensor's checks and health: the key table's defaults, and what the file sets. */
static void test_sensor_params(void **state)
{
	struct config *c = load("[sensor.w]\ntype = w1\n"
				"[sensor.z]\ntype = mqtt\ntopic = z2m/t\nmax_age = 30min\n"
				"offset = -0.25\nmin = 5\nmax = 35\nmax_rate = 0.5\n");
	struct room_sensor_params p;

	(void) state;
	heating_path_sensor_params(&c->sensors[0], &p);
	assert_int_equal(p.kind, READING_CHECK_KIND_DS18B20);
	assert_int_equal(p.check.resolution_mc, 62);
	assert_int_equal(p.check.min_mc, READING_CHECK_DEFAULT_MIN_MC);
	assert_int_equal(p.check.max_mc, READING_CHECK_DEFAULT_MAX_MC);
	assert_int_equal(p.check.max_rate_mc_per_min, READING_CHECK_DEFAULT_MAX_RATE_MC_PER_MIN);
	assert_int_equal(p.check.stuck_usec, READING_CHECK_DEFAULT_STUCK_USEC);
	assert_int_equal(p.stale_after_usec, SENSOR_HEALTH_DEFAULT_STALE_INTERVALS * MIN);
	assert_int_equal(p.max_age_usec, 0);
	assert_int_equal(p.offset_mc, 0);

	heating_path_sensor_params(&c->sensors[1], &p);
	assert_int_equal(p.kind, READING_CHECK_KIND_GENERIC);
	assert_int_equal(p.check.resolution_mc, 1);
	assert_int_equal(p.check.min_mc, 5000);
	assert_int_equal(p.check.max_mc, 35000);
	assert_int_equal(p.check.max_rate_mc_per_min, 500);
	assert_int_equal(p.offset_mc, -250);
	assert_int_equal(p.max_age_usec, 30 * MIN);
	assert_int_equal(p.stale_after_usec, 30 * MIN);
	config_free(c);
}

static void test_thermostat_params_and_input(void **state)
{
	struct config *c =
	    load("[heating]\nfloor = 18.5\nday_floor = 16.5\nnight = 21:30-06:45\n"
		 "min_on = 5min\nmin_off = 7min\nmax_on = 3h\noverheat = 27\n"
		 "fallback_duty = 0.2\nno_effect = 1h\npreheat_max = 2h\nmode = off\n"
		 "[sensor.a]\ntype = w1\ninterval = 2min\n"
		 "[heater.one]\ntype = tasmota\ntopic = p1\nmin_power = 30\n"
		 "[heater.two]\ntype = tasmota\ntopic = p2\nmin_power = 12\n"
		 "[heater.three]\ntype = tasmota\ntopic = p3\nmin_power = 5\n");
	struct thermostat_params p;
	struct thermostat_input in;
	struct thermostat *t = NULL;

	(void) state;
	heating_path_params(c, 2, &p);
	assert_int_equal(p.n_stages, 2);
	assert_int_equal(p.min_on_usec, 5 * MIN);
	assert_int_equal(p.min_off_usec, 7 * MIN);
	assert_int_equal(p.max_on_usec, 180 * MIN);
	assert_true(p.overheat_c == 27);
	assert_true(p.fallback_duty == 0.2);
	assert_int_equal(p.no_effect_usec, 60 * MIN);
	assert_int_equal(p.preheat_max_usec, 120 * MIN);
	/* the room's staleness (3 x 2 min), never sooner than the thermostat's own 300 s */
	assert_int_equal(p.stale_usec, 6 * MIN);
	/* the lowest min_power of the two heaters it decides for, not the third's */
	assert_true(p.no_effect_power_w == 12);
	assert_int_equal(thermostat_new(&p, &t), 0);
	thermostat_free(t);

	heating_path_input_init(&c->heating, &in);
	assert_int_equal(in.mode, THERMOSTAT_MODE_OFF);
	assert_true(in.floor_c == 18.5);
	assert_true(in.day_floor_enabled);
	assert_true(in.day_floor_c == 16.5);
	assert_int_equal(in.night_start_min, 21 * 60 + 30);
	assert_int_equal(in.night_end_min, 6 * 60 + 45);
	assert_false(in.room_known);
	config_free(c);

	c = load("[sensor.a]\ntype = w1\ninterval = 10s\n");
	heating_path_params(c, 1, &p);
	assert_int_equal(p.stale_usec, 300 * SEC);
	assert_int_equal(p.min_on_usec, THERMOSTAT_DEFAULT_MIN_ON_USEC);
	heating_path_input_init(&c->heating, &in);
	assert_int_equal(in.mode, THERMOSTAT_MODE_HEAT);
	assert_false(in.day_floor_enabled);
	config_free(c);
}

static void test_reading_and_decide(void **state)
{
	struct thermostat_input in;
	struct thermostat_params p;
	struct thermostat_decision d;
	struct thermostat *t = NULL;

	(void) state;
	thermostat_input_init(&in);
	heating_path_reading(&in, &(struct room_reading){
				      .known = true, .value_mc = 17875, .taken_usec = 42 * SEC });
	assert_true(in.room_known);
	assert_true(in.room_c == 17.875);
	assert_int_equal(in.room_usec, 42 * SEC);
	assert_true(isnan(in.jump_held_c));
	/* A reading held back as a jump rides along, for the cut-off alone. */
	heating_path_reading(&in, &(struct room_reading){ .known = true,
							  .value_mc = 17875,
							  .taken_usec = 42 * SEC,
							  .jump_held = true,
							  .jump_held_mc = 27000 });
	assert_true(in.room_c == 17.875);
	assert_true(in.jump_held_c == 27.0);
	heating_path_reading(&in, &(struct room_reading){ .known = false });
	assert_false(in.room_known);
	assert_true(isnan(in.jump_held_c));
	heating_path_outdoor(&in, -3500);
	assert_true(in.outdoor_known);
	assert_true(in.outdoor_c == -3.5);

	thermostat_params_init(&p);
	assert_int_equal(thermostat_new(&p, &t), 0);
	heating_path_reading(&in, &(struct room_reading){
				      .known = true, .value_mc = 16000, .taken_usec = 100 * SEC });
	assert_int_equal(heating_path_decide(t, &in, 1, 100 * SEC, 23 * 3600, &d), 0);
	assert_true(d.stage[0].on);
	/* time going backwards: refused, and the decision is all off, a minute later */
	assert_true(heating_path_decide(t, &in, 1, 50 * SEC, 23 * 3600, &d) < 0);
	assert_int_equal(d.n_stages, 1);
	assert_false(d.stage[0].on);
	assert_int_equal(d.next_wakeup_usec, 50 * SEC + MIN);
	thermostat_free(t);
}

/*
 * The wall clock not known to be set: any hour may be the day, so a day_floor
 * above the night's floor holds too, and the night's floor with a lower one.
 */
static void test_clock_unset_holds_the_higher_floor(void **state)
{
	struct thermostat_input in;
	struct thermostat_params p;
	struct thermostat_decision d;
	struct thermostat *t = NULL;

	(void) state;
	thermostat_params_init(&p);
	thermostat_input_init(&in);
	in.floor_c = 18.0;
	in.day_floor_enabled = true;
	in.day_floor_c = 20.0;
	/* 19 °C: below the day floor, above the night's */
	heating_path_reading(&in, &(struct room_reading){
				      .known = true, .value_mc = 19000, .taken_usec = 100 * SEC });
	assert_int_equal(thermostat_new(&p, &t), 0);
	assert_int_equal(heating_path_decide(t, &in, 1, 100 * SEC, HEATING_PATH_CLOCK_UNSET, &d),
			 0);
	assert_true(d.floor_c == 20.0);
	assert_true(d.stage[0].on);
	thermostat_free(t);

	/* a day floor below the night's: the night's holds, as before */
	in.day_floor_c = 16.0;
	heating_path_reading(&in, &(struct room_reading){
				      .known = true, .value_mc = 17000, .taken_usec = 100 * SEC });
	assert_int_equal(thermostat_new(&p, &t), 0);
	assert_int_equal(heating_path_decide(t, &in, 1, 100 * SEC, HEATING_PATH_CLOCK_UNSET, &d),
			 0);
	assert_true(d.floor_c == 18.0);
	assert_true(d.stage[0].on);
	thermostat_free(t);
}

static int at(struct heating_replay *r, uint64_t now, const int32_t *mc)
{
	struct temp_reading reading = { .value_mc = mc ? *mc : 0 };

	return heating_replay_at(r, now, 23 * 3600, 0, mc ? &reading : NULL, NULL);
}

/* A raw reading reaches the thermostat only through the checks, as news, when taken. */
static void test_replay_goes_through_the_checks(void **state)
{
	struct config *c = load("[heating]\nfloor = 18\n[sensor.w]\ntype = w1\n");
	const struct thermostat_input *in;
	struct heating_replay *r = NULL;
	int32_t mc;

	(void) state;
	assert_int_equal(heating_replay_new(c, &r), 0);
	in = heating_replay_input(r);
	mc = 17000;
	assert_int_equal(at(r, 1000 * SEC, &mc), 1);
	assert_true(in->room_known);
	assert_true(in->room_c == 17.0);
	assert_int_equal(in->room_usec, 1000 * SEC);
	assert_true(heating_replay_decision(r)->stage[0].on);
	/* the DS18B20's power-on value: refused, the thermostat keeps what it had (and is
	 * not asked: it wants to be woken a reading period after the last) */
	mc = 85000;
	assert_int_equal(at(r, 1020 * SEC, &mc), 0);
	assert_int_equal(heating_replay_verdict(r), READING_CHECK_VERDICT_POWER_ON);
	assert_true(in->room_c == 17.0);
	assert_int_equal(in->room_usec, 1000 * SEC);
	/* a jump no room makes: refused too */
	mc = 25000;
	assert_int_equal(at(r, 1040 * SEC, &mc), 0);
	assert_int_equal(heating_replay_verdict(r), READING_CHECK_VERDICT_JUMP);
	mc = 17062;
	assert_int_equal(at(r, 1050 * SEC, &mc), 1);
	assert_int_equal(heating_replay_verdict(r), READING_CHECK_VERDICT_OK);
	assert_true(in->room_c == 17.062);
	assert_int_equal(in->room_usec, 1050 * SEC);
	/* nothing new and nothing due: no decision */
	assert_int_equal(at(r, 1051 * SEC, NULL), 0);
	/* no good reading for 3 intervals: stale, the room unknown, the heater off */
	assert_int_equal(at(r, 1050 * SEC + 3 * MIN, NULL), 1);
	assert_false(in->room_known);
	assert_false(heating_replay_decision(r)->stage[0].on);
	assert_int_equal(heating_replay_decision(r)->stage[0].reason,
			 THERMOSTAT_REASON_SENSOR_STALE);
	/* time going backwards, a sensor that is not there */
	assert_int_equal(at(r, 1000 * SEC, NULL), -EINVAL);
	assert_int_equal(heating_replay_at(r, 2000 * SEC, 0, 1,
					   &(struct temp_reading){ .value_mc = 18000 }, NULL),
			 -EINVAL);
	assert_int_equal(heating_replay_model_changes(r), 0);
	assert_non_null(heating_replay_thermostat(r));
	heating_replay_free(r);
	config_free(c);

	/* no sensor: nothing to replay */
	c = load("[heating]\nfloor = 18\n");
	assert_int_equal(heating_replay_new(c, &r), -EINVAL);
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sensor_params),
		cmocka_unit_test(test_thermostat_params_and_input),
		cmocka_unit_test(test_reading_and_decide),
		cmocka_unit_test(test_clock_unset_holds_the_higher_floor),
		cmocka_unit_test(test_replay_goes_through_the_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
