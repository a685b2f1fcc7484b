#pragma once

/* Helpers shared by the reminder tests: a zone, local times, parameters, one step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/reminder-run.h"

#define MIN   60
#define HOUR  3600
#define NIGHT (22 * HOUR) /* the night window starts at 22:00 */

static inline void rig_zone(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

/* A local time in TZ through mktime (not through the code under test); not on a DST change. */
static inline int64_t local(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900,
			 .tm_mon = mo - 1,
			 .tm_mday = d,
			 .tm_hour = h,
			 .tm_min = mi,
			 .tm_isdst = -1 };

	return (int64_t) mktime(&tm);
}

/* 15 January 2026, a Thursday in winter (CET). */
#define JAN15(h, mi) local(2026, 1, 15, (h), (mi))

static inline struct reminder_params rig_params(const char *name)
{
	struct reminder_params p;

	reminder_params_init(&p, name, NIGHT);
	p.id_prefix = "bedroom";
	return p;
}

/* One step; @expect_out outputs. */
static inline void rig_step(const struct reminder_params *p, struct reminder_state *s, int64_t now,
			    int in_bed, struct reminder_decision *d, size_t expect_out)
{
	reminder_step(p, s, now, in_bed, d);
	assert_int_equal(d->n_out, expect_out);
}

static inline void rig_out(const struct reminder_out *o, enum reminder_send send,
			   enum reminder_record record, const char *id)
{
	assert_int_equal(o->send, send);
	assert_int_equal(o->record, record);
	if (id)
		assert_string_equal(o->id, id);
}

/* A plain (@id NULL) or named answer; returns the result. */
static inline int rig_answer(const struct reminder_params *p, struct reminder_state *s,
			     enum reminder_action a, const char *id, int64_t now,
			     struct reminder_decision *d)
{
	struct reminder_answer answer = { .action = a, .id = id };
	const char *reason = NULL;
	int r = reminder_answer(p, s, &answer, now, d, &reason);

	/* Anything but applied says why, for the daemon's log line. */
	assert_true((r == REMINDER_ANSWER_APPLIED) == (reason == NULL));
	return r;
}
