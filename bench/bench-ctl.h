#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "control/thermostat.h"

/*
 * bedroomd's thermostat as the benchmarks drive it: the one place where they
 * call it, from unlearned defaults, with the reading at the time it was taken
 * and the outdoor temperature. (Round 2 swaps this onto the daemon's own path
 * from a timed reading to a decision.)
 */
struct bench_ctl {
	struct thermostat *thermostat;
	struct thermostat_input in;
	struct thermostat_decision last;
	uint64_t wake_usec;
	bool on;
	unsigned changes; /* model_changed reports */
};

/* @continuous: the floor all day; else the night floor only (setback). Returns 0 or -errno. */
int bench_ctl_init(struct bench_ctl *c, double floor_c, bool continuous);
void bench_ctl_done(struct bench_ctl *c);

/*
 * One simulation step at @now_usec (@sec_of_day local): @reading true with a
 * reading @sensor_c taken now; @outdoor_c NAN if unknown. Steps the thermostat on
 * a reading or when it asked to be woken: returns 1 and fills c->last and c->on;
 * 0 if it was not due; -errno if it refused its inputs.
 */
int bench_ctl_step(struct bench_ctl *c, uint64_t now_usec, unsigned sec_of_day, bool reading,
		   double sensor_c, double outdoor_c);
