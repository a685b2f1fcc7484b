#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "control/thermostat.h"
#include "daemon/heating-replay.h"

/*
 * bedroomd as the benchmarks drive it: the one place where they call it. It is
 * the daemon's own path from a timed reading to a decision (daemon/heating-replay.h:
 * the sensor's checks and health, news only, at the time it was taken), configured
 * by bench/bench.conf through the daemon's own parser, from unlearned defaults.
 */
struct bench_ctl {
	struct config *config;
	struct heating_replay *replay;
	struct thermostat *thermostat;   /* the replay's: what it learned */
	struct thermostat_decision last; /* the last decision */
	double room_c;                   /* the room reading the thermostat has (NAN: none) */
	bool on;
	unsigned changes; /* model_changed reports */
};

/*
 * @continuous: @floor_c all day; else the night floor only (setback). Returns 0
 * or -errno (a message on stderr).
 */
int bench_ctl_init(struct bench_ctl *c, double floor_c, bool continuous);
void bench_ctl_done(struct bench_ctl *c);

/*
 * One simulation step at @now_usec (@sec_of_day local): @reading true with the
 * simulated DS18B20's reading @sensor_c taken now (in its 1/16 °C steps, handed
 * over in millidegrees as the kernel's w1_therm driver gives them) and, with it,
 * the outdoor thermometer's @outdoor_c (NAN: none). Returns 1 when bedroomd
 * decided (c->last, c->on), 0 if nothing was due, -errno if it refused.
 */
int bench_ctl_step(struct bench_ctl *c, uint64_t now_usec, unsigned sec_of_day, bool reading,
		   double sensor_c, double outdoor_c);
