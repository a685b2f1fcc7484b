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
