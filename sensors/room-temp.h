#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Sensor health (stale or not) and the room temperature from several sensors.
 * Pure: the caller passes CLOCK_MONOTONIC microseconds; no clock, no I/O.
 */

/* Per sensor. Initialise with sensor_health_init(). */
struct sensor_health {
	uint64_t stale_after_usec; /* default 3 x interval */
	uint64_t max_age_usec;     /* a value older than this is not used; 0: no limit */
	bool have_value;
	int32_t value_mc;    /* last good reading, calibration offset applied */
	uint64_t value_usec; /* when it was taken (or received, for mqtt) */
	uint64_t since_usec; /* last good reading, or init when there was none */
	bool stale;
};

enum sensor_health_event {
	SENSOR_HEALTH_EVENT_NONE,
	SENSOR_HEALTH_EVENT_STALE,     /* raise the sensor_stale alert, once */
	SENSOR_HEALTH_EVENT_RECOVERED, /* clear it, once */
};

/* The default stale_after for a sensor read every @interval_usec: three intervals. */
uint64_t sensor_health_default_stale_usec(uint64_t interval_usec);

/*
 * Starts tracking at @now_usec: a sensor that never delivers becomes stale
 * @stale_after_usec later, not at once.
 */
void sensor_health_init(struct sensor_health *h, uint64_t stale_after_usec, uint64_t max_age_usec,
			uint64_t now_usec);

/* Records an accepted reading. Returns RECOVERED if the sensor was stale. */
enum sensor_health_event sensor_health_good(struct sensor_health *h, int32_t value_mc,
					    uint64_t now_usec);

/* Re-evaluates at @now_usec. Returns STALE the first time it finds the sensor stale. */
enum sensor_health_event sensor_health_tick(struct sensor_health *h, uint64_t now_usec);

/* When sensor_health_tick() should next run to notice staleness in time. */
uint64_t sensor_health_next_usec(const struct sensor_health *h);

/* True when @h is not stale and has a value no older than max_age at @now_usec. */
bool sensor_health_usable(const struct sensor_health *h, uint64_t now_usec);

enum room_temp_mode {
	ROOM_TEMP_MODE_MIN, /* default: the floor is about the coldest place */
	ROOM_TEMP_MODE_MEAN,
	ROOM_TEMP_MODE_FIRST, /* the first usable sensor in configured order */
};

/* "min", "mean", "first" to the mode. Returns 0, or -EINVAL. */
int room_temp_mode_from_string(const char *s, enum room_temp_mode *ret);

/*
 * The room temperature from the @n sensors in @hs (configured order), using
 * only usable ones at @now_usec. Returns the number used (> 0), *ret_mc (the
 * mean rounded to the nearest millidegree) and, when @ret_taken_usec is not
 * NULL, when the value was taken: for "first" and "min" the time of the
 * sensor's value that was chosen (the newest of equal minima), for "mean" the
 * newest of those averaged. Returns -ENODATA when none is usable: the room
 * temperature is unknown, and the outputs are untouched.
 */
int room_temp_aggregate(const struct sensor_health *const *hs, size_t n, enum room_temp_mode mode,
			uint64_t now_usec, int32_t *ret_mc, uint64_t *ret_taken_usec);
