#pragma once

#include <stdint.h>

/*
 * Internal to the thermostat: the last few sensor readings and a least-squares
 * line through them, from which thermostat.c estimates the true air temperature
 * (undoing the sensor's first-order lag) and where it is heading.
 */

#define THERMOSTAT_ESTIMATE_N 8

struct thermostat_estimate {
	unsigned n;    /* readings held, at most THERMOSTAT_ESTIMATE_N */
	unsigned head; /* index of the newest */
	uint64_t t_usec[THERMOSTAT_ESTIMATE_N];
	double v_c[THERMOSTAT_ESTIMATE_N];
};

void thermostat_estimate_reset(struct thermostat_estimate *e);

/* Adds a reading; readings must come in time order. */
void thermostat_estimate_add(struct thermostat_estimate *e, uint64_t t_usec, double v_c);

/*
 * Fits a line through the @max_points newest readings no older than
 * @window_usec before the newest, and through older ones (as many as are
 * held) while those span less than @min_span_usec. Returns 0 with the line's
 * value at the newest reading and its slope in K/s; -ENODATA when the usable
 * readings are fewer than two or span less than @min_span_usec (then
 * *ret_level_c is the newest reading if there is one, slope 0).
 */
int thermostat_estimate_fit(const struct thermostat_estimate *e, uint64_t window_usec,
			    unsigned max_points, uint64_t min_span_usec, double *ret_level_c,
			    double *ret_slope);

/* The newest reading; NAN if none. */
double thermostat_estimate_last(const struct thermostat_estimate *e);
