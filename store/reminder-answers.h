#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The answers to reminders (the foot soak done, ...), for adherence. */

struct store;

/*
 * An answer to a reminder: @reminder ("foot_soak", ...) was answered @answer
 * ("done", "started", "snooze") at Unix time @time. Returns 0, -EEXIST (@id
 * is stored already) or -errno.
 */
int store_reminder_answer_add(struct store *s, const char *id, const char *reminder,
			      const char *answer, int64_t time, int tz_offset_s);

/*
 * Whether @reminder was answered between @since and @until (inclusive); only
 * "done" and "started" count when @done_only. Returns 1, 0, or -errno.
 */
int store_reminder_answered(struct store *s, const char *reminder, bool done_only, int64_t since,
			    int64_t until);

/* An answer to a reminder, as read. Strings owned. */
struct store_reminder_answer {
	char *id;
	char *answer; /* "done", "started", "snooze" */
	int64_t time; /* Unix seconds */
	int tz_offset_s;
};

/*
 * Reads the answers to @reminder with @since <= time < @until, oldest first,
 * into a new array in *ret (free with store_reminder_answers_free()); none
 * from a store older than the answers. Returns how many, or -errno.
 */
int store_reminder_answers_read_range(struct store *s, const char *reminder, int64_t since,
				      int64_t until, struct store_reminder_answer **ret);

void store_reminder_answers_free(struct store_reminder_answer *a, size_t n);
