/* bedroomd's thermostat as the benchmarks drive it: see bench-ctl.h. */
#include <math.h>

#include "bench/bench-ctl.h"

int bench_ctl_init(struct bench_ctl *c, double floor_c, bool continuous)
{
	struct thermostat_params p;

	*c = (struct bench_ctl){ .on = false };
	thermostat_params_init(&p);
	thermostat_input_init(&c->in);
	c->in.floor_c = floor_c;
	c->in.day_floor_enabled = continuous;
	c->in.day_floor_c = floor_c;
	return thermostat_new(&p, &c->thermostat);
}

void bench_ctl_done(struct bench_ctl *c)
{
	c->thermostat = thermostat_free(c->thermostat);
}

int bench_ctl_step(struct bench_ctl *c, uint64_t now_usec, unsigned sec_of_day, bool reading,
		   double sensor_c, double outdoor_c)
{
	int r;

	if (reading) {
		c->in.room_known = true;
		c->in.room_c = sensor_c;
		c->in.room_usec = now_usec;
	} else if (now_usec < c->wake_usec) {
		return 0;
	}
	c->in.outdoor_known = isfinite(outdoor_c);
	c->in.outdoor_c = outdoor_c;
	r = thermostat_step(c->thermostat, &c->in, now_usec, sec_of_day, &c->last);
	if (r < 0)
		return r;
	c->changes += c->last.model_changed;
	c->on = c->last.stage[0].on;
	c->wake_usec = c->last.next_wakeup_usec;
	return 1;
}
