#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Suspected cramps from movement in bed (opt-in). A calf cramp wakes a sleeper
 * with a sudden bout of movement: the leg jerks, the person sits up and pulls
 * the foot up. The pattern looked for: at least burst_movements movements
 * within burst_window, after quiet of calm (no more than one movement a
 * minute on average), while the person has been in bed for at least
 * min_in_bed. A movement is not an edge: edges within movement_gap of a
 * movement's first edge are that movement (a vibration switch chatters), so
 * the counts are, in effect, the seconds in which the bed moved. Turning over
 * in sleep is a few movements; a restless evening is
 * never quiet; a burst goes on long after it started: none of them is a
 * second suspicion. A suspicion is only a hint: the cramp log keeps it marked
 * "suspected" until the person confirms it.
 *
 * Pure: every time is an argument (CLOCK_MONOTONIC microseconds), no clock,
 * no I/O, no globals.
 */

/*
 * Movements remembered: the calm allows one a minute, so 6 h of it (the
 * longest suspect_after_quiet) and the largest burst fit.
 */
#define CRAMP_SUSPECT_KEEP 512

struct cramp_suspect_params {
	unsigned burst_movements;   /* default 12 ... */
	uint64_t burst_window_usec; /* ... within 60 s */
	uint64_t quiet_usec;        /* after 20 min of calm */
	uint64_t min_in_bed_usec;   /* in bed for 30 min, when occupancy is known */
	uint64_t movement_gap_usec; /* edges within 1 s of a movement's first are that movement */
};

/* Fills *ret with the defaults above. */
void cramp_suspect_params_default(struct cramp_suspect_params *ret);

/*
 * Whether @p can work: a burst of 2 to CRAMP_SUSPECT_KEEP / 2 movements,
 * windows above 0, the calm's allowance plus the burst within what is
 * remembered, and a burst possible at all (below).
 */
bool cramp_suspect_params_valid(const struct cramp_suspect_params *p);

/*
 * Whether @movements can come within @window_usec when a movement lasts
 * @gap_usec (one at most every @gap_usec; 0: every edge is one).
 */
bool cramp_suspect_burst_possible(unsigned movements, uint64_t window_usec, uint64_t gap_usec);

struct cramp_suspect {
	uint64_t times[CRAMP_SUSPECT_KEEP]; /* ring of the newest movements */
	size_t newest, n;
	uint64_t watching_since_usec; /* no calm is known before this */
	uint64_t last_suspect_usec;
	bool suspected;
};

/* Starts watching at @now_usec: the calm before a burst must lie after it. */
void cramp_suspect_init(struct cramp_suspect *s, uint64_t now_usec);

/*
 * An active edge of the movement sensor at @at_usec. @in_bed: 1 (for
 * @in_bed_for_usec), 0, or -1 when no occupancy sensor says. Returns true when
 * this edge begins the movement that completes the pattern: log a suspected
 * cramp now. An edge within movement_gap after the newest movement's first
 * edge is part of it (nothing new); one older than that is ignored.
 */
bool cramp_suspect_movement(struct cramp_suspect *s, const struct cramp_suspect_params *p,
			    uint64_t at_usec, int in_bed, uint64_t in_bed_for_usec);
