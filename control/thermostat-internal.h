#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "control/thermostat-estimate.h"
#include "control/thermostat.h"

/*
 * Internal to the thermostat: its state, shared by thermostat.c (the step),
 * thermostat-floor.c (floor control and what it learns), thermostat-preheat.c
 * (optimum start) and thermostat-safety.c (per-stage fail-safes).
 */

#define USEC_PER_SEC 1000000ULL
#define USEC_PER_MIN (60ULL * USEC_PER_SEC)

struct thermostat_stage {
	bool on;
	bool ever_switched;
	uint64_t changed_usec;
	double min_since_on_c; /* lowest reading since switched on */
	bool effect_seen;      /* warmed since switched on */
	bool low_power;
	uint64_t low_power_since_usec;
	uint64_t lockout_until_usec;
	enum thermostat_reason lockout_reason;
	unsigned no_effect_count;
	unsigned alerts;
};

struct thermostat {
	struct thermostat_params p;
	struct thermostat_estimate est;
	bool have_reading;
	uint64_t last_reading_usec;
	bool started;
	uint64_t start_usec;
	uint64_t last_now_usec;
	unsigned alerts;

	unsigned demand; /* stages the floor controller wants */
	uint64_t demand_since_usec;
	bool floor_was_active;

	/* floor control (thermostat-floor.c) */
	double band_c;
	double on_offset_c;
	bool have_last_on;
	uint64_t last_on_usec;
	uint64_t last_off_usec;
	double duty;       /* heater duty cycle, smoothed over cycles */
	double max_rise_k; /* learned: indoor-outdoor difference one stage holds */
	bool trough_watch;
	bool trough_won;
	uint64_t trough_until_usec;
	double trough_min_c;

	/* pre-heat (thermostat-preheat.c) */
	double preheat_usec_per_k;
	bool preheat;
	bool preheat_used;
	bool was_night;
	bool judge;
	bool judge_saturated;
	uint64_t judge_until_usec;
	double judge_min_c;

	struct thermostat_stage stage[THERMOSTAT_STAGES_MAX];
};

double thermostat_clamp(double v, double lo, double hi);
uint64_t thermostat_min_u64(uint64_t a, uint64_t b);

/*
 * Works out how many stages the floor wants from the estimated air @est_c and its
 * slope (K/s); learns the on-point, the band and the duty. @outdoor_c is NAN when
 * unknown.
 */
void thermostat_floor_control(struct thermostat *t, uint64_t now_usec, double floor_c, double est_c,
			      double slope, bool in_bed, double outdoor_c);

/* Learns the on-point from the trough after each switch-on (on every step). */
void thermostat_learn_trough(struct thermostat *t, uint64_t now_usec, double floor_c,
			     bool fresh_reading);

/*
 * How long before the night the pre-heat must start for a room at @room_c to hold
 * @floor_c when the night begins; @outdoor_c NAN when unknown.
 */
uint64_t thermostat_preheat_lead_usec(const struct thermostat *t, double floor_c, double room_c,
				      double outdoor_c);

/* Starts judging the pre-heat when the night begins. */
void thermostat_preheat_judge_start(struct thermostat *t, uint64_t now_usec);

/* Judges the pre-heat over the first hours of the night; learns from it. */
void thermostat_learn_preheat(struct thermostat *t, uint64_t now_usec, double floor_c,
			      double est_c);

void thermostat_set_alert(unsigned *alerts, enum thermostat_alert a, bool on);

/* Safety per stage while on: maximum on-time and heating without effect. */
void thermostat_stage_safety(struct thermostat *t, unsigned i,
			     const struct thermostat_heater_input *h, uint64_t now_usec,
			     double reading_c);

void thermostat_stage_switch(struct thermostat_stage *s, bool on, uint64_t now_usec,
			     double reading_c);
