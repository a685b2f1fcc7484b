#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Re-implementations of the thermostats bedroomd is compared with, as used on
 * the simulated room by bench-thermostat. Each sees only the sensor readings,
 * like the real one.
 */

enum baseline_kind {
	BASELINE_KIND_HA,      /* Home Assistant generic_thermostat, tolerance 0.3/0.3 */
	BASELINE_KIND_ESPHOME, /* deadband and overrun 0.5, min run/off 300 s, min idle 30 s */
	BASELINE_KIND_TASMOTA, /* Tasmota thermostat driver, PI mode, its defaults */
};

struct baseline {
	enum baseline_kind kind;
	double target_c;
	bool on;
	double changed_s;
	/* Tasmota PI */
	bool have_meas;
	int meas_dc;   /* measured temperature in tenths of °C, as Tasmota keeps it */
	int gradient;  /* sign of the last change of meas_dc */
	int accum_err; /* accumulated error, hundredths of K */
	bool cycle_active;
	double checkpoint_s;  /* next PI calculation */
	double changepoint_s; /* output off from then */
};

void baseline_init(struct baseline *b, enum baseline_kind kind, double target_c);

/* A new sensor reading at @t_s; @active false: switched off by its schedule. */
void baseline_reading(struct baseline *b, double t_s, double sensor_c, bool active);

/* Between readings (every simulation step): Tasmota's timed output. */
void baseline_tick(struct baseline *b, double t_s, bool active);
