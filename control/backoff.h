#pragma once

#include <stdint.h>

/*
 * Reconnect back-off: exponential from @min_usec, doubling per failed attempt
 * up to @max_usec, with "equal jitter" (half the step fixed, half random) so
 * that many daemons losing one broker do not all come back in the same second.
 * @attempt counts failures since the last success, from 0. @random is any
 * uniformly random 32-bit number. Pure: no clock, no I/O.
 *
 * Returns a delay in [step / 2, step], where step = min(max, min * 2^attempt).
 */
uint64_t backoff_delay_usec(unsigned attempt, uint32_t random, uint64_t min_usec,
			    uint64_t max_usec);
