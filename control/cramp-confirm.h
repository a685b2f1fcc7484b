#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/cramp-tracker.h"

/*
 * Suspected cramps (from movement) and the reports that confirm them. A
 * report of a cramp whose time lies within the confirm window of a suspected
 * one confirms the nearest unconfirmed one. Once confirmed, a suspicion stays
 * known for that window: a second report of the same cramp, remembered later
 * (the bedside button at 03:03, then the phone's "Yes, left leg" in the
 * morning), is that cramp, not another one. A report made at the time is not
 * judged so: the cramp tracker's dedup window says whether it repeats a cramp
 * (the button at 03:01, then the phone's "right calf" at 03:10, is a second
 * cramp, as it is without a suspicion). A report on the other leg is another
 * cramp.
 *
 * Pure: times are arguments (Unix seconds), no clock, no I/O. The list keeps
 * the newest CRAMP_CONFIRM_KEEP suspicions.
 */

#define CRAMP_CONFIRM_KEEP 16

struct cramp_confirm_entry {
	char *id;
	int64_t time_s;
	bool confirmed;
	enum cramp_leg leg;     /* of the report that confirmed it */
	int64_t confirmed_by_s; /* that report's time: the cramp logged */
};

struct cramp_confirm {
	int64_t window_s;
	int64_t live_s; /* a report timed within this of now is made at the time */
	struct cramp_confirm_entry e[CRAMP_CONFIRM_KEEP]; /* oldest first */
	size_t n;
};

/* @live_s: the cramp tracker's dedup window. */
void cramp_confirm_init(struct cramp_confirm *c, int64_t window_s, int64_t live_s);
/* New windows (a reload): the suspected cramps held stay. */
void cramp_confirm_set_windows(struct cramp_confirm *c, int64_t window_s, int64_t live_s);
void cramp_confirm_clear(struct cramp_confirm *c);

/* A suspected cramp @id at @time_s, unconfirmed. Returns 0 or -ENOMEM. */
int cramp_confirm_add(struct cramp_confirm *c, const char *id, int64_t time_s);

/*
 * The suspected cramp @id was confirmed by a report of @leg at @report_s (now,
 * or from the store at start).
 */
void cramp_confirm_mark(struct cramp_confirm *c, const char *id, enum cramp_leg leg,
			int64_t report_s);

/*
 * The cramp logged by the report of @from at @report_s (that confirmed a
 * suspicion) was amended to leg @to: a later report is judged against its
 * new leg.
 */
void cramp_confirm_leg_amended(struct cramp_confirm *c, int64_t report_s, enum cramp_leg from,
			       enum cramp_leg to);

/* The suspected cramp @id (owned by @c, valid until it changes), or NULL. */
const struct cramp_confirm_entry *cramp_confirm_get(const struct cramp_confirm *c, const char *id);

enum cramp_confirm_verdict {
	CRAMP_CONFIRM_NONE,      /* near no suspected cramp: a cramp of its own */
	CRAMP_CONFIRM_CONFIRMS,  /* confirms the suspected cramp *ret_id */
	CRAMP_CONFIRM_DUPLICATE, /* the cramp that already confirmed *ret_id, again */
};

/*
 * What a report of a cramp of @leg at @time_s, made at @now_s, is to the
 * suspected cramps (DUPLICATE only for a report remembered later: @time_s more
 * than live_s before @now_s).
 * *ret_id (owned by @c, valid until it changes) names the suspected cramp.
 * Changes nothing: call cramp_confirm_mark() once the report is kept.
 */
enum cramp_confirm_verdict cramp_confirm_judge(const struct cramp_confirm *c, int64_t time_s,
					       int64_t now_s, enum cramp_leg leg,
					       const char **ret_id);

/*
 * The last cramp logged from a person's report (not a suspicion), as it was
 * received. While the wall clock is not known to be set (a Pi without a
 * real-time clock after a power cut reads hours behind until NTP), a report's
 * time says little: the bedside button stamped by this machine's clock and
 * the phone's report with its own, right, time are hours apart for one
 * cramp. Then two reports received within the dedup window of each other (by
 * the monotonic clock) are one cramp whatever their times, and it keeps the
 * better time: a reporter's own over this machine's.
 */
struct cramp_receipt {
	bool known;
	uint64_t received_usec; /* CLOCK_MONOTONIC */
	int64_t time_s;         /* the cramp's time as logged */
	enum cramp_leg leg;     /* as logged (amended) */
	bool own_time;          /* dated by the reporter, not by this machine's clock */
};

/*
 * Whether a report of @leg received at @received_usec (monotonic) is the
 * cramp of @last: only when the wall clock is not known to be set
 * (!@clock_set), within @window_s of @last's receipt, on a matching leg
 * ("unknown" matches any).
 */
bool cramp_receipt_same(const struct cramp_receipt *last, bool clock_set, uint64_t received_usec,
			int64_t window_s, enum cramp_leg leg);

/*
 * The time the cramp of @last keeps when the report of it dated @time_s
 * (@own_time: by the reporter) is the same cramp: the reporter's own over
 * this machine's clock's; else @last's.
 */
int64_t cramp_receipt_time(const struct cramp_receipt *last, int64_t time_s, bool own_time);
