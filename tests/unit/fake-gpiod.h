#pragma once

/*
 * A fake libgpiod v2 for unit tests of daemon/inputs*.c: linked into the test,
 * it stands in for the library. A chip is any regular file; line N is named
 * "GPION" (FAKE_GPIOD_LINES of them); levels come from fake_gpiod.levels; a
 * request's fd is a pipe that fake_gpiod_edge() writes edge events into.
 */

#include <stdbool.h>
#include <stdint.h>

#define FAKE_GPIOD_LINES 54

struct fake_gpiod {
	bool levels[FAKE_GPIOD_LINES]; /* logical: active or not */
	unsigned requests;             /* made so far */
	bool requested;                /* a request is held */
};

extern struct fake_gpiod fake_gpiod;

/* Queues an edge of line @offset of the request held to @active at @ts_usec (CLOCK_MONOTONIC). */
void fake_gpiod_edge(unsigned offset, bool active, uint64_t ts_usec);
