#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * When to re-publish the room temperature in <base>/state. Pure: the caller
 * passes CLOCK_MONOTONIC microseconds.
 */

struct room_publish_params {
	int32_t step_mc;            /* publish_step: default 100 (0.1 °C) */
	uint64_t max_interval_usec; /* publish_max_interval: default 5 min */
	uint64_t min_interval_usec; /* never faster: default 10 s */
};

/* What was last published. Zero-initialise: nothing published yet. */
struct room_publish {
	bool published;
	bool known; /* a room temperature, or "unknown" */
	int32_t value_mc;
	uint64_t time_usec;
};

void room_publish_params_default(struct room_publish_params *ret);

/*
 * True when the state should be published now: nothing published yet; or the
 * min interval has passed and one of: @force (sensor health changed), the
 * value became known/unknown, it changed by more than step_mc, or the max
 * interval has passed.
 */
bool room_publish_due(const struct room_publish *last, const struct room_publish_params *p,
		      bool known, int32_t value_mc, bool force, uint64_t now_usec);

/* Records a publication. */
void room_publish_mark(struct room_publish *last, bool known, int32_t value_mc, uint64_t now_usec);

/*
 * The latest time by which room_publish_due() must be asked again: the end of
 * the max interval. Arm a timer for it. A change held back only by the min
 * interval is not remembered here: ask again at time_usec + min_interval_usec.
 */
uint64_t room_publish_next_usec(const struct room_publish *last,
				const struct room_publish_params *p);
