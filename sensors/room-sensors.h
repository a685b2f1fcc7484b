#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sensors/reading-check.h"
#include "sensors/room-temp.h"
#include "sensors/temp-reading.h"

/*
 * The room's thermometers as one: every raw reading checked (reading-check),
 * each sensor's health tracked (stale or not), the healthy ones combined into
 * one room reading that keeps the time it was taken. This is the path from a
 * sensor's value to what heating sees, shared by the daemon and the benchmark.
 *
 * A room reading is news for heating when a sensor delivered a value the room
 * reading is made from, taken later than the last one handed on; when a sensor
 * dropped out (at its own stale_after) and the room reading fell back to
 * another's value; and when the room temperature became unknown. A dead
 * sensor's value so goes when that sensor goes stale, not when the longest
 * stale_after ends. A value is never handed on twice, nor re-stamped: one the
 * room falls back to keeps the (older) time it was taken, and the thermostat
 * starts its estimate again from it. Pure: time is CLOCK_MONOTONIC microseconds from
 * the caller; no clock, no I/O, no logging.
 */

struct room_sensor_params {
	enum reading_check_kind kind;
	struct reading_check_params check;
	int32_t offset_mc;         /* calibration, added after the checks */
	uint64_t stale_after_usec; /* no good reading this long: stale */
	uint64_t max_age_usec;     /* a value older than this is not used; 0: no limit */
};

/* The combined room temperature and when it was taken. */
struct room_reading {
	bool known;
	int32_t value_mc;
	uint64_t taken_usec; /* of the newest sensor reading the value is made from */
	/*
	 * The highest reading (offset added) that a sensor's jump check is holding
	 * back, in a run of rejections that persists (daemon/room.c): not a room
	 * temperature, but too hot to wait out when over the cut-off.
	 */
	bool jump_held;
	int32_t jump_held_mc;
};

struct room_sensors;

/*
 * Tracks @n sensors (their params copied, in configured order, combined by
 * @mode) from @now_usec: a sensor that never delivers goes stale after its
 * stale_after. Returns 0, -EINVAL (@n == 0) or -ENOMEM.
 */
int room_sensors_new(const struct room_sensor_params *params, size_t n, enum room_temp_mode mode,
		     uint64_t now_usec, struct room_sensors **ret);

/* Accepts NULL; returns NULL. */
struct room_sensors *room_sensors_free(struct room_sensors *rs);

/* What one reading, or one look at the clock, changed. */
struct room_sensors_result {
	struct reading_check_result check; /* of the offered reading (offer only) */
	bool recovered;                    /* the sensor was stale and is back (offer only) */
	/* offer only: since the sensor's last good reading (0: none, or it was stale) */
	uint64_t interval_usec;
	bool news;                   /* hand .reading on to heating */
	bool changed;                /* the room reading differs from before */
	struct room_reading reading; /* the room reading now */
};

/*
 * Offers sensor @i's raw @reading, taken at @now_usec (never earlier than the
 * last call's time). Fills @ret; a rejected reading changes nothing but the
 * checks' counters.
 */
void room_sensors_offer(struct room_sensors *rs, size_t i, const struct temp_reading *reading,
			uint64_t now_usec, struct room_sensors_result *ret);

/*
 * Looks at the sensors' health at @now_usec (by room_sensors_next_usec()). Fills
 * @ret and, when @ret_went_stale is not NULL, sets its element i (of n) to
 * whether sensor i just went stale.
 */
void room_sensors_tick(struct room_sensors *rs, uint64_t now_usec, struct room_sensors_result *ret,
		       bool *ret_went_stale);

/* When room_sensors_tick() must run next to notice a sensor going stale in time. */
uint64_t room_sensors_next_usec(const struct room_sensors *rs);

/* The room reading at @now_usec. */
struct room_reading room_sensors_reading(const struct room_sensors *rs, uint64_t now_usec);

/*
 * A reload: sensor @i of @to takes over what sensor @j of @from knew (its checks'
 * history and its health), where both are the same thermometer set up alike
 * but for, perhaps, the calibration offset, which its last value takes on.
 */
void room_sensors_adopt(struct room_sensors *to, size_t i, const struct room_sensors *from,
			size_t j);

/* A reload: @to knows what @from handed on already, so it is not news again. */
void room_sensors_adopt_news(struct room_sensors *to, const struct room_sensors *from);

/*
 * What the state snapshot shows of each sensor's status at @now_usec (stale,
 * ok, waiting), as one number: a change of it is news to publish.
 */
uint64_t room_sensors_status(const struct room_sensors *rs, uint64_t now_usec);

/* Sensor @i's health and checks, for the state snapshot (owned by @rs). */
const struct sensor_health *room_sensors_health(const struct room_sensors *rs, size_t i);
const struct reading_check_state *room_sensors_checks(const struct room_sensors *rs, size_t i);
/* The limits sensor @i's readings are checked against (owned by @rs). */
const struct reading_check_params *room_sensors_check_params(const struct room_sensors *rs,
							     size_t i);
