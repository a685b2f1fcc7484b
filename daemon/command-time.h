#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * A heating command's own time: {"floor": 19, "time": "2026-01-31T22:10:00+01:00"}.
 * Home Assistant sends plain values without one; a phone or script can add it,
 * so that a command the broker replays after a long outage is known as old.
 */

/*
 * When @payload is a JSON object with a "time" member, puts the time in
 * *ret_time_s and the object without it (compact JSON, caller frees) in
 * *ret_rest, and returns 1. Returns 0 when there is no time (the payload is
 * used as it is), -EBADMSG with *ret_reason when the time is not ISO-8601,
 * -ENOMEM.
 */
int command_time_split(const void *payload, size_t len, int64_t *ret_time_s, char **ret_rest,
		       const char **ret_reason);
