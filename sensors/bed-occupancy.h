#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Bed occupancy from a pressure mat or load-cell comparator. Pure: the input
 * level and the time come in as arguments (CLOCK_MONOTONIC µs); no clock, no
 * I/O, no logging.
 *
 * In bed only once the input has been active for on_delay; out of bed only
 * once it has been inactive for off_delay, so turning over is not leaving.
 * Until the first level is known, and after bed_occupancy_lost(), the state is
 * unknown.
 *
 * Time never runs backwards here: an event stamped earlier than the latest
 * time already seen (an edge read after the timer that decided the state, or
 * clocks of different sources) counts at that latest time. A late timer
 * changes nothing either: bed_occupancy_input() first settles what the old
 * level decided by the event's time, then applies the new level.
 */

#define BED_OCCUPANCY_NEVER UINT64_MAX

enum bed_occupancy_state {
	BED_OCCUPANCY_STATE_UNKNOWN,
	BED_OCCUPANCY_STATE_OUT,
	BED_OCCUPANCY_STATE_IN,
};

struct bed_occupancy_params {
	uint64_t on_delay_usec;  /* active this long: in bed */
	uint64_t off_delay_usec; /* inactive this long: out of bed */
};

struct bed_occupancy {
	enum bed_occupancy_state state;
	uint64_t state_since_usec; /* when the level behind the state began */
	bool have_level;
	bool active;               /* the input's level */
	uint64_t level_since_usec; /* since when it has this level */
	uint64_t last_usec;        /* the latest time seen */
};

struct bed_occupancy_result {
	bool changed;                    /* the state differs from before the call */
	enum bed_occupancy_state before; /* the state before the call */
	enum bed_occupancy_state state;
	uint64_t since_usec; /* when the level behind the state began; 0 when unknown */
	uint64_t wake_usec;  /* call bed_occupancy_tick() then; BED_OCCUPANCY_NEVER: no need */
};

void bed_occupancy_init(struct bed_occupancy *o);

/* The input is @active at @at_usec (an edge, or the level read at start). */
struct bed_occupancy_result bed_occupancy_input(struct bed_occupancy *o,
						const struct bed_occupancy_params *p, bool active,
						uint64_t at_usec);

/* Time passed: applies a delay that has run out by @now_usec. */
struct bed_occupancy_result bed_occupancy_tick(struct bed_occupancy *o,
					       const struct bed_occupancy_params *p,
					       uint64_t now_usec);

/* The input is gone (its chip vanished): the state is unknown until the next level. */
struct bed_occupancy_result bed_occupancy_lost(struct bed_occupancy *o);

const char *bed_occupancy_state_to_string(enum bed_occupancy_state s);

/*
 * A time in bed kept across a restart (in the store) is believed for this
 * long: an older record is not tonight's bedtime (bedroomd was stopped for a
 * day; the person got up meanwhile and the write that cleared it was lost).
 * A night is shorter.
 */
#define BED_OCCUPANCY_RESUME_MAX_S (16 * 3600)

/*
 * In bed since when, once an input's state is first known after a start (or
 * after its chip was lost): the state is @first, which the input says since
 * @first_since_s, the wall clock reads @now_s (Unix seconds; @clock_set: known
 * to be right, not 1970 or the saved time of a Pi without a clock chip), and
 * the store kept "in bed since @kept_since_s" from before (Unix seconds; 0:
 * nothing kept, or out of bed). When the person is found in bed and the record
 * is believable (the clock is set; the record is earlier than @first_since_s,
 * not in the future, and at most BED_OCCUPANCY_RESUME_MAX_S old), returns
 * @kept_since_s: the person has been in bed since then. Otherwise
 * @first_since_s when in bed, as without a store, and 0 when not in bed.
 */
int64_t bed_occupancy_resume_since_s(enum bed_occupancy_state first, int64_t first_since_s,
				     int64_t kept_since_s, int64_t now_s, bool clock_set);
