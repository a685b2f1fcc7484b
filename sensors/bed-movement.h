#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Movement in bed from a vibration sensor: each movement is counted into
 * per-minute buckets of CLOCK_MONOTONIC time, and the last
 * BED_MOVEMENT_MINUTES minutes are kept as context for the cramp log. Pure:
 * times come in as arguments; no clock, no I/O, no logging.
 *
 * A movement is not an edge: the active edges within gap_usec
 * (CRAMP_DEFAULT_MOVEMENT_GAP_USEC, control/cramp-defaults.h, the same as the
 * cramp suspicion's) of a movement's first edge are that movement, so a
 * vibration switch's chatter as the sleeper turns over is one or two, not a
 * dozen.
 *
 * Events may arrive out of order: each is counted in the minute it happened,
 * as long as that minute is still kept; older ones are dropped.
 */

#define BED_MOVEMENT_MINUTES   60
#define BED_MOVEMENT_MINUTE_US 60000000ULL

struct bed_movement {
	uint64_t newest_minute;                /* index (usec / minute) of the newest bucket */
	uint32_t counts[BED_MOVEMENT_MINUTES]; /* ring, by minute index */
	uint64_t total;                        /* every movement counted, for the state's health */
	uint64_t dropped;                      /* too old to count */
	uint64_t gap_usec;                     /* edges this near a movement's first are it */
	bool have_start;
	uint64_t start_usec; /* the first edge of the newest movement */
};

void bed_movement_init(struct bed_movement *m);

/*
 * An active edge at @at_usec: a new movement, counted, unless it lies within
 * gap_usec of the newest movement's first edge (then it is that movement).
 * Returns 0, or -ERANGE when it is too old to count.
 */
int bed_movement_add(struct bed_movement *m, uint64_t at_usec);

/*
 * The activity level at @now_usec in movements per minute, over a sliding
 * minute: the current minute's count plus the part of the previous minute
 * that is still within 60 s, rounded.
 */
unsigned bed_movement_per_min(const struct bed_movement *m, uint64_t now_usec);

/*
 * The counts of the @n whole minutes before the one holding @now_usec, oldest
 * first, into @ret (at most BED_MOVEMENT_MINUTES). Returns how many were written.
 */
size_t bed_movement_history(const struct bed_movement *m, uint64_t now_usec, uint32_t *ret,
			    size_t n);
