#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The reminders: what happened to each run (adherence, per night and
 * reminder), the state of each reminder (its plan and its current run, so a
 * restart neither repeats nor loses anything), and the outbox of events not
 * yet acknowledged by the broker. A step of a reminder is committed in one
 * transaction: its new state, what it records and what it sends.
 *
 * Strings are borrowed when writing, owned when read.
 */

struct store;

/* One reminder's state: the plain data of control/reminder-run.h, by name. */
struct store_reminder_state {
	char *reminder;
	int64_t since;
	char *state; /* "none", "due", "snoozed", ... as control/reminder-run.h names them */
	int64_t slot_day;
	int slot_sec;
	int64_t slot;
	int attempt, repeats, snoozes;
	int64_t next, ends;
	bool started, done, skipped;
};

/* Something that happened to a run, for adherence. */
struct store_reminder_record {
	char *run_id;
	char *reminder;
	char *record; /* "sent", "started", "done", "snoozed", "skipped", "ignored", "in_bed",
		       * "missed", "no_cramp", "cramp_left", "cramp_right" */
	int64_t time; /* when, Unix seconds */
	int tz_offset_s;
	int64_t slot; /* when the run was due; 0: not known (answers from before reminders) */
};

/* An event of <base>/event/reminder waiting for the broker. */
struct store_reminder_event {
	int64_t seq; /* read: its place in the outbox */
	char *run_id;
	char *payload; /* the JSON, as sent */
};

/*
 * Commits, in one transaction: @state (NULL: unchanged), the @n_records
 * @records and the @n_events @events (appended to the outbox, in order).
 * Returns 0, -EINVAL for a record the store does not know, or -errno
 * (nothing is written then).
 */
int store_reminder_commit(struct store *s, const struct store_reminder_state *state,
			  const struct store_reminder_record *records, size_t n_records,
			  const struct store_reminder_event *events, size_t n_events);

/* Reads every reminder's state into a new array (free with store_reminder_states_free()). */
int store_reminder_states_read(struct store *s, struct store_reminder_state **ret);
void store_reminder_states_free(struct store_reminder_state *a, size_t n);

/* Reads up to @max events of the outbox, oldest first. Returns how many, or -errno. */
int store_reminder_outbox_read(struct store *s, size_t max, struct store_reminder_event **ret);
/* The broker has event @seq: it leaves the outbox. Returns 0, -ENOENT or -errno. */
int store_reminder_outbox_remove(struct store *s, int64_t seq);
void store_reminder_events_free(struct store_reminder_event *e, size_t n);

/*
 * Whether @reminder was answered between @since and @until (inclusive): done
 * or started when @done_only, else any answer (started, done, snoozed,
 * skipped). Returns 1, 0, or -errno.
 */
int store_reminder_answered(struct store *s, const char *reminder, bool done_only, int64_t since,
			    int64_t until);

/*
 * Reads the records of every reminder whose run was due (or, not known, which
 * happened) in [@since, @until), in that order, into a new array (free with
 * store_reminder_records_free()). A store from before the reminders gives its
 * answers (snooze read as snoozed), one from before the answers none. Returns
 * how many, or -errno.
 */
int store_reminder_records_read_range(struct store *s, int64_t since, int64_t until,
				      struct store_reminder_record **ret);
void store_reminder_records_free(struct store_reminder_record *r, size_t n);

/*
 * Copies the reminder records of @from, a damaged store file (opened with
 * store_open_read_only()), into @to as far as @from reads, in the order they
 * were stored; none from a file older than the reminders. One transaction of
 * @to: call it once for a @to. Returns how many were copied, or a negative
 * errno (none was copied).
 */
int store_reminder_records_salvage(struct store *from, struct store *to);
