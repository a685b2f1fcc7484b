#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim/room.h"
#include "sim/weather.h"

static struct sim_room *new_room(enum sim_room_variant v, double noise_c, double step_c,
				 uint64_t seed)
{
	struct sim_room_params p;
	struct sim_room *r = NULL;

	assert_int_equal(sim_room_params_init(&p, v), 0);
	p.sensor_noise_c = noise_c;
	p.sensor_step_c = step_c;
	p.seed = seed;
	assert_int_equal(sim_room_new(&p, &r), 0);
	return r;
}

static void test_params(void **state)
{
	struct sim_room_params p;
	double ua;

	assert_int_equal(sim_room_params_init(&p, SIM_ROOM_VARIANT_OLDER), 0);
	assert_float_equal(p.h_ao_w_per_k, 14.2, 1e-9);
	assert_float_equal(p.h_mo_w_per_k, 8.5, 1e-9);
	assert_float_equal(p.h_am_w_per_k, 116.2, 1e-9);
	assert_float_equal(p.c_m_j_per_k, 1.98e6, 1e-3);
	assert_float_equal(p.c_a_j_per_k, 180e3, 1e-3);
	ua = p.h_ao_w_per_k + 1 / (1 / p.h_mo_w_per_k + 1 / p.h_am_w_per_k);
	assert_float_equal(ua, 22.1, 0.05);
	assert_int_equal(sim_room_params_init(&p, SIM_ROOM_VARIANT_MODERN), 0);
	ua = p.h_ao_w_per_k + 1 / (1 / p.h_mo_w_per_k + 1 / p.h_am_w_per_k);
	assert_float_equal(ua, 8.3, 0.05);
	assert_int_equal(sim_room_params_init(&p, (enum sim_room_variant) 7), -EINVAL);
}

static void test_euler_step(void **state)
{
	struct sim_room *r = new_room(SIM_ROOM_VARIANT_OLDER, 0, 0, 1);

	/* Air and mass at 18, outdoor 0, heater off: one 10 s Euler step. */
	sim_room_step(r, false, 0.0, 10.0);
	assert_float_equal(sim_room_true_air_c(r), 18.0 - 14.2 * 18.0 / 180e3 * 10.0, 1e-12);
	assert_float_equal(sim_room_mass_c(r), 18.0 - 8.5 * 18.0 / 1.98e6 * 10.0, 1e-12);
	assert_int_equal(sim_room_time_usec(r), 10000000);
	sim_room_free(r);
}

static void test_heater_delay_and_lag(void **state)
{
	struct sim_room *r = new_room(SIM_ROOM_VARIANT_OLDER, 0, 0, 1);

	sim_room_step(r, true, 0.0, 5.0);
	assert_false(sim_room_relay_on(r, 0));
	sim_room_step(r, true, 0.0, 5.0);
	assert_false(sim_room_relay_on(r, 0));
	sim_room_step(r, true, 0.0, 10.0); /* 10 s after the command */
	assert_true(sim_room_relay_on(r, 0));
	assert_int_equal(sim_room_switch_ons(r, 0), 1);
	/* first-order lag, Euler with dt/tau = 1/6: after 60 s, 1 - (5/6)^6 of full power */
	sim_room_step(r, true, 0.0, 50.0);
	assert_float_equal(sim_room_heater_w(r, 0), 1500.0 * (1 - pow(5.0 / 6.0, 6)), 1e-6);
	/* the plug's meter reads the draw, not the lagging heat */
	assert_float_equal(sim_room_plug_w(r, 0), 1500.0, 1e-9);
	sim_room_step(r, false, 0.0, 10.0);
	assert_true(sim_room_relay_on(r, 0));
	sim_room_step(r, false, 0.0, 10.0);
	assert_false(sim_room_relay_on(r, 0));
	assert_true(sim_room_heater_w(r, 0) > 0); /* the element still warm */
	assert_float_equal(sim_room_plug_w(r, 0), 0.0, 1e-9);
	assert_int_equal(sim_room_switch_ons(r, 0), 1);
	assert_true(sim_room_energy_j(r) > 0);
	sim_room_free(r);
}

static void test_sensor(void **state)
{
	struct sim_room *a = new_room(SIM_ROOM_VARIANT_OLDER, 0.02, 1.0 / 16, 42);
	struct sim_room *b = new_room(SIM_ROOM_VARIANT_OLDER, 0.02, 1.0 / 16, 42);
	struct sim_room *c = new_room(SIM_ROOM_VARIANT_OLDER, 0.02, 0, 7);
	double sum = 0, sum2 = 0;
	int n = 20000;

	for (int i = 0; i < 100; i++) {
		double va = sim_room_sensor_c(a);

		assert_float_equal(va, sim_room_sensor_c(b), 0);
		assert_float_equal(va * 16, round(va * 16), 1e-9);
	}
	for (int i = 0; i < n; i++) {
		double v = sim_room_sensor_c(c) - 18.0;

		sum += v;
		sum2 += v * v;
	}
	assert_float_equal(sum / n, 0, 0.001);
	assert_float_equal(sqrt(sum2 / n), 0.02, 0.001);
	/* the sensor lags the air: a step in air shows 1 - 1/e after about 120 s */
	sim_room_free(a);
	sim_room_free(b);
	sim_room_free(c);
}

static void test_sensor_lag(void **state)
{
	struct sim_room *r = new_room(SIM_ROOM_VARIANT_OLDER, 0, 0, 1);

	/* heater on hard: air warms quickly, the sensor follows behind */
	sim_room_step(r, true, 18.0, 600.0);
	assert_true(sim_room_true_air_c(r) > sim_room_sensor_lagged_c(r) + 0.5);
	assert_true(sim_room_sensor_lagged_c(r) > 18.0);
	sim_room_free(r);
}

static void test_weather(void **state)
{
	static const char csv[] = "timestamp,outdoor_c\n"
				  "1976-01-01T01:00,1.0\n"
				  "1976-01-01T02:00,3.0\r\n"
				  "1976-01-02T00:00,-1.0\n";
	struct sim_weather *w = NULL;
	unsigned line = 0;

	assert_int_equal(sim_weather_parse(csv, strlen(csv), &w, &line), 0);
	assert_float_equal(sim_weather_outdoor_c(w, 0), 1.0, 1e-12);
	assert_float_equal(sim_weather_outdoor_c(w, 3600), 1.0, 1e-12);
	assert_float_equal(sim_weather_outdoor_c(w, 5400), 2.0, 1e-12);
	assert_float_equal(sim_weather_outdoor_c(w, 7200), 3.0, 1e-12);
	assert_float_equal(sim_weather_outdoor_c(w, 86400), -1.0, 1e-12);
	assert_float_equal(sim_weather_outdoor_c(w, 1e7), -1.0, 1e-12);
	assert_float_equal(sim_weather_end_s(w), 86400, 1e-9);
	w = sim_weather_free(w);
	assert_null(w);
}

static void test_weather_bad(void **state)
{
	static const char bad[] = "timestamp,outdoor_c\n1976-01-01T01:00,1.0\n1976-01-01T02:00,x\n";
	static const char backwards[] = "1976-01-01T02:00,1.0\n1976-01-01T01:00,1.0\n";
	struct sim_weather *w = NULL;
	unsigned line = 0;

	assert_int_equal(sim_weather_parse(bad, strlen(bad), &w, &line), -EINVAL);
	assert_int_equal(line, 3);
	assert_null(w);
	assert_int_equal(sim_weather_parse(backwards, strlen(backwards), &w, &line), -EINVAL);
	assert_int_equal(line, 2);
	assert_int_equal(sim_weather_parse("timestamp\n", 10, &w, NULL), -ENODATA);
	assert_int_equal(sim_weather_load("/nonexistent/weather.csv", &w, NULL), -ENOENT);
}

static void test_weather_files(void **state)
{
	static const char *const names[] = { "weather_boston.csv", "weather_minneapolis.csv" };

	for (size_t i = 0; i < 2; i++) {
		char path[4096];
		struct sim_weather *w = NULL;

		snprintf(path, sizeof(path), "%s/%s", BENCH_DATA_DIR, names[i]);
		assert_int_equal(sim_weather_load(path, &w, NULL), 0);
		assert_float_equal(sim_weather_end_s(w), 28 * 86400.0, 1e-6);
		sim_weather_free(w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_euler_step),
		cmocka_unit_test(test_heater_delay_and_lag),
		cmocka_unit_test(test_sensor),
		cmocka_unit_test(test_sensor_lag),
		cmocka_unit_test(test_weather),
		cmocka_unit_test(test_weather_bad),
		cmocka_unit_test(test_weather_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
