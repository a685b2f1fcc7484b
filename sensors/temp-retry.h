#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Retrying a failed measurement within one interval (DHT22 reads fail with
 * EIO often). Pure: the caller passes the result and the times.
 */

struct temp_retry_params {
	unsigned retries;          /* extra attempts per interval; 0: none */
	uint64_t retry_delay_usec; /* between attempts (DHT22: at least 2 s) */
};

/* Per sensor. Zero-initialise; the counters only grow. */
struct temp_retry {
	unsigned attempt;  /* failures in the current interval */
	uint64_t failures; /* failed attempts, ever */
	uint64_t given_up; /* intervals that ended without a value */
};

enum temp_retry_action {
	TEMP_RETRY_ACTION_DONE,    /* a value: handle it, wait for the next interval */
	TEMP_RETRY_ACTION_RETRY,   /* start again after *ret_delay_usec */
	TEMP_RETRY_ACTION_GIVE_UP, /* no value this interval */
};

/* True for errors a second attempt may cure: -EIO, -EAGAIN, -ENODATA, -ETIMEDOUT, -EBUSY, -EPIPE.
 */
bool temp_retry_transient(int error);

/* Call at the start of each interval. */
void temp_retry_begin(struct temp_retry *st);

/*
 * Decides what to do after an attempt that returned @result (0 or -errno) at
 * @now_usec. A retry is only offered for a transient error, while attempts are
 * left, and when it can finish before @deadline_usec (the next interval's
 * start) given @conversion_usec. Sets *ret_delay_usec only for RETRY.
 */
enum temp_retry_action temp_retry_step(struct temp_retry *st, const struct temp_retry_params *p,
				       int result, uint64_t now_usec, uint64_t conversion_usec,
				       uint64_t deadline_usec, uint64_t *ret_delay_usec);
