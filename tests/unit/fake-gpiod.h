#pragma once

/*
 * A fake libgpiod v2 for unit tests of daemon/inputs*.c: linked into the test,
 * it stands in for the library. A chip is any regular file; line N is named
 * "GPION" (FAKE_GPIOD_LINES of them); levels come from fake_gpiod.levels; a
 * request's fd is a pipe that fake_gpiod_edge() writes edge events into. A
 * line is held by one request at a time (another gets EBUSY); a test makes a
 * line's requests fail with fail_errno, or the kernel refuse its debounce or
 * its edge detection.
 */

#include <stdbool.h>
#include <stdint.h>

#define FAKE_GPIOD_LINES 54

struct fake_gpiod {
	bool levels[FAKE_GPIOD_LINES];          /* logical: active or not */
	unsigned requests;                      /* made so far */
	bool requested;                         /* a request is held */
	bool held[FAKE_GPIOD_LINES];            /* by a request */
	int fail_errno[FAKE_GPIOD_LINES];       /* a request of the line fails with it; 0: no */
	bool refuse_debounce[FAKE_GPIOD_LINES]; /* one with debounce fails with EINVAL */
	bool refuse_edges[FAKE_GPIOD_LINES];    /* one with edge detection fails with ENXIO */
	unsigned long debounce_us[FAKE_GPIOD_LINES]; /* as last requested */
};

extern struct fake_gpiod fake_gpiod;

/*
 * Queues an edge of line @offset, in the request that holds it, to @active at
 * @ts_usec (CLOCK_MONOTONIC).
 */
void fake_gpiod_edge(unsigned offset, bool active, uint64_t ts_usec);
