/* bedroomd as the benchmarks drive it: see bench-ctl.h. */
#include "bench/bench-ctl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/temp-reading.h"

#ifndef BENCH_CONFIG
#define BENCH_CONFIG "bench/bench.conf"
#endif

int bench_ctl_init(struct bench_ctl *c, double floor_c, bool continuous)
{
	char *error = NULL;
	int r;

	*c = (struct bench_ctl){ .room_c = NAN };
	r = config_load(BENCH_CONFIG, &c->config, &error);
	if (r < 0) {
		fprintf(stderr, "%s\n", error ? error : strerror(-r));
		free(error);
		return r;
	}
	c->config->heating.floor_c = floor_c;
	c->config->heating.day_floor_c = continuous ? floor_c : NAN;
	r = heating_replay_new(c->config, &c->replay);
	if (r < 0) {
		fprintf(stderr, "%s: cannot set up the thermostat: %s\n", BENCH_CONFIG,
			strerror(-r));
		bench_ctl_done(c);
		return r;
	}
	/* as nearly every real plug does (a room model once learned 50 % wrong from it) */
	heating_replay_plug_confirms(c->replay, true);
	c->thermostat = heating_replay_thermostat(c->replay);
	return 0;
}

void bench_ctl_done(struct bench_ctl *c)
{
	c->replay = heating_replay_free(c->replay);
	c->config = config_free(c->config);
	c->thermostat = NULL;
}

int bench_ctl_step(struct bench_ctl *c, uint64_t now_usec, unsigned sec_of_day, bool reading,
		   double sensor_c, double outdoor_c)
{
	/* w1_therm: raw * 1000 / 16 in integers, truncated towards zero */
	struct temp_reading raw = { .value_mc = (int32_t) (sensor_c * 1000.0) };
	int32_t out_mc = isfinite(outdoor_c) ? (int32_t) lround(outdoor_c * 1000.0) : 0;
	const struct thermostat_input *in;
	int r;

	r = heating_replay_at(c->replay, now_usec, sec_of_day, 0, reading ? &raw : NULL,
			      reading && isfinite(outdoor_c) ? &out_mc : NULL);
	if (r <= 0)
		return r;
	c->last = *heating_replay_decision(c->replay);
	c->on = c->last.stage[0].on;
	c->changes = heating_replay_model_changes(c->replay);
	in = heating_replay_input(c->replay);
	c->room_c = in->room_known ? in->room_c : NAN;
	return 1;
}
