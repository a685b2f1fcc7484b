#pragma once

/*
 * A simulated room (sim/) with the thermostat in the loop, continuous floor,
 * Boston weather: for the unit tests of the room model and its trial.
 */
#include <stdbool.h>
#include <stdint.h>

#include "control/thermostat.h"

struct sim_room;
struct sim_weather;

/* A simulated room with the thermostat in the loop, continuous floor, Boston weather. */
struct loop {
	struct sim_room *room;
	struct sim_weather *w;
	struct thermostat *t;
	struct thermostat_input in;
	struct thermostat_decision d;
	uint64_t wake;
	long k;
	double min_air_c; /* lowest true air since the last loop_reset_stats() */
	unsigned changes;
	bool no_outdoor; /* no outdoor temperature configured */
	long glitch_k;   /* at this step (0: none) the sensor reads glitch_c */
	double glitch_c;
	double out_c;         /* the outdoor temperature; NAN: Boston's */
	double max_air_c;     /* highest true air since the last loop_reset_stats() */
	unsigned over_temp;   /* over_temperature raised */
	unsigned max_on;      /* max_on_time raised on the first stage */
	bool in_use_at_start; /* the model decided at the first reading */
	long every;           /* 10 s steps between readings; 0: 6 (a minute) */
	double below_s;       /* true air below the floor in force (night, or day floor), seconds */
	bool confirm;         /* the plug reports its state (as it was switched) */
	unsigned stages;      /* heaters, each a stage */
	uint64_t late_usec; /* every other reading's time is this much earlier (arrivals jitter) */
};

/* A room of the older variant with one heater of @heater_w, its output and the sensor lagging. */
void loop_init(struct loop *l, double heater_w, double heater_tau_s, double sensor_tau_s);

/* The same with @n heaters of @heater_w each, stages of the thermostat. */
void loop_init_stages(struct loop *l, unsigned n, double heater_w, double heater_tau_s,
		      double sensor_tau_s);
void loop_done(struct loop *l);

/* Runs @hours more, 10 s steps, a reading every l->every steps (a minute by default). */
void loop_run(struct loop *l, double hours);
