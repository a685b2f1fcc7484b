#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sensors/temp-reading.h"

/*
 * Plausibility checks of each raw reading, per sensor. Pure: the caller passes
 * the reading and CLOCK_MONOTONIC microseconds; nothing here reads a clock,
 * logs or allocates. Checks run on the raw value, before any calibration
 * offset (85.000 °C means power-on only as the sensor reported it).
 */

enum reading_check_kind {
	READING_CHECK_KIND_DS18B20, /* w1: power-on 85 °C, scratchpad patterns */
	READING_CHECK_KIND_GENERIC, /* iio, hwmon, mqtt */
};

enum reading_check_verdict {
	READING_CHECK_VERDICT_OK,
	READING_CHECK_VERDICT_CRC,          /* the sensor's CRC failed */
	READING_CHECK_VERDICT_DISCONNECTED, /* -127 °C, 0x0FFF-type or all-ones/zeros data */
	READING_CHECK_VERDICT_POWER_ON,     /* DS18B20 85.000 °C reset value */
	READING_CHECK_VERDICT_RANGE,        /* outside [min_mc, max_mc] */
	READING_CHECK_VERDICT_JUMP,         /* changed faster than the room can */
	READING_CHECK_VERDICT_STUCK,        /* unchanged for longer than stuck_usec */
};
#define READING_CHECK_VERDICT_COUNT 7

struct reading_check_params {
	int32_t min_mc;              /* default -20000 */
	int32_t max_mc;              /* default 60000 */
	int32_t max_rate_mc_per_min; /* default 2000 (2 °C/min); 0: no jump check */
	int32_t jump_floor_mc;       /* always allowed on top of the rate; default 1000 */
	int32_t resolution_mc;       /* one step of the sensor: DS18B20 62 (1/16 °C), else 1 */
	uint64_t stuck_usec;         /* default 6 h; 0: no stuck check */
	int32_t power_on_near_mc;    /* 85 °C is fine after a good reading this close; 2000 */
	unsigned persist_after;      /* rejections in a row that "persist"; default 3 */
};

/* Per sensor. Initialise with reading_check_state_init(). */
struct reading_check_state {
	bool have_good;
	int32_t last_good_mc;
	uint64_t last_good_usec;
	bool have_run; /* the stuck check's current run of unchanged values */
	int32_t run_mc;
	uint64_t run_since_usec;
	unsigned in_a_row; /* rejections since the last accepted reading */
	uint64_t count[READING_CHECK_VERDICT_COUNT]; /* per verdict, including OK */
};

struct reading_check_result {
	enum reading_check_verdict verdict;
	unsigned in_a_row;  /* rejections in a row including this one; 0 when accepted */
	bool persisting;    /* in_a_row >= persist_after: log at warning, not debug */
	bool persist_began; /* in_a_row == persist_after: the one warning */
	bool persist_ended; /* accepted after a persisting run: say it recovered */
};

/* The defaults above, for @kind. */
void reading_check_params_default(enum reading_check_kind kind, struct reading_check_params *ret);

void reading_check_state_init(struct reading_check_state *st);

/*
 * Checks @reading taken at @now_usec against @st's history and updates @st
 * (counters, last good reading, stuck run). Checks in order: CRC,
 * disconnected, power-on, range, jump, stuck; the first that fails decides.
 */
struct reading_check_result reading_check_evaluate(struct reading_check_state *st,
						   const struct reading_check_params *p,
						   enum reading_check_kind kind,
						   const struct temp_reading *reading,
						   uint64_t now_usec);

/* A short stable name ("ok", "crc", "disconnected", "power_on", "range", "jump", "stuck"). */
const char *reading_check_verdict_to_string(enum reading_check_verdict v);

/*
 * What @v means for a person reading the journal, with @p's limits: "outside
 * -20 to 60 °C". Writes at most @size bytes (NUL included) to @buf, returns it.
 */
const char *reading_check_explain(enum reading_check_verdict v,
				  const struct reading_check_params *p, char *buf, size_t size);
