#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Whether events come faster than a limit: counted in windows of @window_usec,
 * the rate is over once the current window, or the one just before it, holds
 * more than @limit. Judging by the window before too keeps the verdict steady
 * through a flood that lasts (each new window starts at zero) and lets it go
 * within two windows of the flood's end. Pure: the time is an argument.
 */
struct rate_meter {
	uint64_t window_usec;
	unsigned limit;
	uint64_t start_usec; /* of the current window */
	bool open;           /* a window has started */
	unsigned count;      /* in the current window */
	unsigned previous;   /* in the window just before it; 0 when there was a gap */
};

#define RATE_METER_INIT(window, max)                                                               \
	{                                                                                          \
		.window_usec = (window), .limit = (max)                                            \
	}

/* @n events at @now_usec (monotonic). Returns whether the rate is now over the limit. */
bool rate_meter_add(struct rate_meter *r, uint64_t now_usec, unsigned n);
