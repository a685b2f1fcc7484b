#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Rate limit for warnings about input from outside (bad commands, answers,
 * cramp reports): the first @burst in a window of @window_usec are logged in
 * full, the rest only counted; once the window is over, the count is reported
 * in one summary line ("N more warnings about X within a minute") before
 * the next warning, or when the owner asks (log_limit_flush(), from a timer at
 * log_limit_due_usec(): daemon/warn-limit.c). A flood of 10 000 bad messages so costs
 * @burst + 1 lines a window, not 10 000. Pure: the time is an argument.
 */

struct log_limit {
	uint64_t window_usec;
	unsigned burst;
	uint64_t start_usec; /* of the current window */
	bool open;           /* a window has started */
	unsigned n_logged;   /* in full, in this window */
	unsigned n_quiet;    /* held back, in this window */
};

#define LOG_LIMIT_INIT(window, max_burst)                                                          \
	{                                                                                          \
		.window_usec = (window), .burst = (max_burst)                                      \
	}

/*
 * A warning is due at @now_usec (monotonic). Returns true when it is to be
 * logged in full, false when only counted. *ret_summary is the number held
 * back in the window that has just closed: when non-zero, log the summary
 * line for it first.
 */
bool log_limit_check(struct log_limit *l, uint64_t now_usec, unsigned *ret_summary);

/*
 * The number held back in a window that has closed by @now_usec (0 when none,
 * or while the window is still open), and starts afresh.
 */
unsigned log_limit_flush(struct log_limit *l, uint64_t now_usec);

/* When the current window closes if warnings are held back in it; UINT64_MAX otherwise. */
uint64_t log_limit_due_usec(const struct log_limit *l);
