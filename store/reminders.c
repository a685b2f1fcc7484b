/* The reminders: adherence records, each reminder's state, the outbox of events. */
#include "store/reminders.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

static int upsert_state(struct store *s, const struct store_reminder_state *st)
{
	sqlite3_stmt *q;
	int rc;

	rc = sqlite3_prepare_v2(
	    s->db,
	    "INSERT INTO reminder_state (reminder, since, state, slot_day, slot_sec, slot, "
	    "attempt, repeats, snoozes, next, ends, started, done, skipped, changed) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "strftime('%s', 'now')) ON CONFLICT(reminder) DO UPDATE SET since = ?2, state = ?3, "
	    "slot_day = ?4, slot_sec = ?5, slot = ?6, attempt = ?7, repeats = ?8, snoozes = ?9, "
	    "next = ?10, ends = ?11, started = ?12, done = ?13, skipped = ?14, "
	    "changed = strftime('%s', 'now');",
	    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(q, 1, st->reminder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, st->since);
	sqlite3_bind_text(q, 3, st->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, st->slot_day);
	sqlite3_bind_int(q, 5, st->slot_sec);
	sqlite3_bind_int64(q, 6, st->slot);
	sqlite3_bind_int(q, 7, st->attempt);
	sqlite3_bind_int(q, 8, st->repeats);
	sqlite3_bind_int(q, 9, st->snoozes);
	sqlite3_bind_int64(q, 10, st->next);
	sqlite3_bind_int64(q, 11, st->ends);
	sqlite3_bind_int(q, 12, st->started);
	sqlite3_bind_int(q, 13, st->done);
	sqlite3_bind_int(q, 14, st->skipped);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return sql_errno_from_insert(s, rc);
}

static int add_record(struct store *s, const struct store_reminder_record *r)
{
	sqlite3_stmt *q;
	int rc;

	rc = sqlite3_prepare_v2(s->db,
				"INSERT INTO reminder_log (run_id, reminder, record, time, "
				"tz_offset_s, slot) VALUES (?, ?, ?, ?, ?, ?);",
				-1, &q, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(q, 1, r->run_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, r->reminder, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->record, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, r->time);
	sqlite3_bind_int(q, 5, r->tz_offset_s);
	if (r->slot)
		sqlite3_bind_int64(q, 6, r->slot);
	else
		sqlite3_bind_null(q, 6);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return sql_errno_from_insert(s, rc);
}

static int add_event(struct store *s, const struct store_reminder_event *e)
{
	sqlite3_stmt *q;
	int rc;

	rc = sqlite3_prepare_v2(s->db,
				"INSERT INTO reminder_outbox (run_id, payload, time) "
				"VALUES (?, ?, strftime('%s', 'now'));",
				-1, &q, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(q, 1, e->run_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, e->payload, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return sql_errno_from_insert(s, rc);
}

int store_reminder_commit(struct store *s, const struct store_reminder_state *state,
			  const struct store_reminder_record *records, size_t n_records,
			  const struct store_reminder_event *events, size_t n_events)
{
	int r;

	r = sql_exec(s, "BEGIN IMMEDIATE;");
	if (r < 0)
		return r;
	if (state)
		r = upsert_state(s, state);
	for (size_t i = 0; r >= 0 && i < n_records; i++)
		r = add_record(s, &records[i]);
	for (size_t i = 0; r >= 0 && i < n_events; i++)
		r = add_event(s, &events[i]);
	if (r >= 0)
		r = sql_exec(s, "COMMIT;");
	if (r < 0)
		(void) store_rollback(s);
	return r;
}

static int state_from_row(sqlite3_stmt *q, void *item)
{
	struct store_reminder_state *st = item;

	*st = (struct store_reminder_state){
		.reminder = sql_column_strdup(q, 0),
		.since = sqlite3_column_int64(q, 1),
		.state = sql_column_strdup(q, 2),
		.slot_day = sqlite3_column_int64(q, 3),
		.slot_sec = sqlite3_column_int(q, 4),
		.slot = sqlite3_column_int64(q, 5),
		.attempt = sqlite3_column_int(q, 6),
		.repeats = sqlite3_column_int(q, 7),
		.snoozes = sqlite3_column_int(q, 8),
		.next = sqlite3_column_int64(q, 9),
		.ends = sqlite3_column_int64(q, 10),
		.started = sqlite3_column_int(q, 11) != 0,
		.done = sqlite3_column_int(q, 12) != 0,
		.skipped = sqlite3_column_int(q, 13) != 0,
	};
	return st->reminder && st->state ? 0 : -ENOMEM;
}

int store_reminder_states_read(struct store *s, struct store_reminder_state **ret)
{
	struct store_reminder_state *list = NULL;
	sqlite3_stmt *q;
	size_t n = 0;
	int rc, r;

	*ret = NULL;
	if (s->schema < STORE_SCHEMA_REMINDERS)
		return 0; /* a read-only store from before the reminders */
	rc = sqlite3_prepare_v2(s->db,
				"SELECT reminder, since, state, slot_day, slot_sec, slot, attempt, "
				"repeats, snoozes, next, ends, started, done, skipped "
				"FROM reminder_state ORDER BY reminder;",
				-1, &q, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	r = sql_read_rows(q, state_from_row, sizeof(*list), (void **) &list, &n);
	if (r < 0) {
		store_reminder_states_free(list, n);
		return r;
	}
	*ret = list;
	return (int) n;
}

void store_reminder_states_free(struct store_reminder_state *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		free(a[i].reminder);
		free(a[i].state);
	}
	free(a);
}

static int event_from_row(sqlite3_stmt *q, void *item)
{
	struct store_reminder_event *e = item;

	*e = (struct store_reminder_event){
		.seq = sqlite3_column_int64(q, 0),
		.run_id = sql_column_strdup(q, 1),
		.payload = sql_column_strdup(q, 2),
	};
	return e->run_id && e->payload ? 0 : -ENOMEM;
}

int store_reminder_outbox_read(struct store *s, size_t max, struct store_reminder_event **ret)
{
	struct store_reminder_event *list = NULL;
	sqlite3_stmt *q;
	size_t n = 0;
	int rc, r;

	*ret = NULL;
	if (s->schema < STORE_SCHEMA_REMINDERS)
		return 0;
	rc = sqlite3_prepare_v2(
	    s->db, "SELECT seq, run_id, payload FROM reminder_outbox ORDER BY seq LIMIT ?;", -1, &q,
	    NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(q, 1, (sqlite3_int64) (max > INT32_MAX ? INT32_MAX : max));
	r = sql_read_rows(q, event_from_row, sizeof(*list), (void **) &list, &n);
	if (r < 0) {
		store_reminder_events_free(list, n);
		return r;
	}
	*ret = list;
	return (int) n;
}

int store_reminder_outbox_remove(struct store *s, int64_t seq)
{
	sqlite3_stmt *q;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "DELETE FROM reminder_outbox WHERE seq = ?;", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(q, 1, seq);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE && sqlite3_changes(s->db) == 0)
		return -ENOENT;
	return errno_from_sqlite(rc);
}

void store_reminder_events_free(struct store_reminder_event *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++) {
		free(e[i].run_id);
		free(e[i].payload);
	}
	free(e);
}

/*
 * The table of records as the store at hand keeps them: before the
 * reminders (schema 3) only the answers, by other names.
 */
static const char *records_table(const struct store *s)
{
	if (s->schema >= STORE_SCHEMA_REMINDERS)
		return "reminder_log";
	return "(SELECT id AS run_id, reminder, CASE answer WHEN 'snooze' THEN 'snoozed' ELSE "
	       "answer END AS record, time, tz_offset_s, NULL AS slot, seq FROM "
	       "reminder_answers)";
}

int store_reminder_answered(struct store *s, const char *reminder, bool done_only, int64_t since,
			    int64_t until)
{
	char sql[600];
	sqlite3_stmt *q;
	int rc, found = 0;

	if (s->schema < STORE_SCHEMA_CONFIRMS)
		return 0; /* a read-only store from before the answers */
	snprintf(sql, sizeof(sql),
		 "SELECT 1 FROM %s WHERE reminder = ? AND time >= ? AND time <= ? AND record IN "
		 "('done', 'started'%s) LIMIT 1;",
		 records_table(s), done_only ? "" : ", 'snoozed', 'skipped'");
	rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(q, 1, reminder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, since);
	sqlite3_bind_int64(q, 3, until);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		found = 1;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : errno_from_sqlite(rc);
}

static int record_from_row(sqlite3_stmt *q, void *item)
{
	struct store_reminder_record *r = item;

	*r = (struct store_reminder_record){
		.run_id = sql_column_strdup(q, 0),
		.reminder = sql_column_strdup(q, 1),
		.record = sql_column_strdup(q, 2),
		.time = sqlite3_column_int64(q, 3),
		.tz_offset_s = sqlite3_column_int(q, 4),
		.slot = sqlite3_column_int64(q, 5),
	};
	return r->run_id && r->reminder && r->record ? 0 : -ENOMEM;
}

int store_reminder_records_read_range(struct store *s, int64_t since, int64_t until,
				      struct store_reminder_record **ret)
{
	struct store_reminder_record *list = NULL;
	char sql[600];
	sqlite3_stmt *q;
	size_t n = 0;
	int rc, r;

	*ret = NULL;
	if (s->schema < STORE_SCHEMA_CONFIRMS)
		return 0; /* a read-only store from before the answers */
	snprintf(sql, sizeof(sql),
		 "SELECT run_id, reminder, record, time, tz_offset_s, slot FROM %s "
		 "WHERE coalesce(slot, time) >= ? AND coalesce(slot, time) < ? "
		 "ORDER BY coalesce(slot, time), seq;",
		 records_table(s));
	rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(q, 1, since);
	sqlite3_bind_int64(q, 2, until);
	r = sql_read_rows(q, record_from_row, sizeof(*list), (void **) &list, &n);
	if (r < 0) {
		store_reminder_records_free(list, n);
		return r;
	}
	*ret = list;
	return (int) n;
}

void store_reminder_records_free(struct store_reminder_record *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		free(r[i].run_id);
		free(r[i].reminder);
		free(r[i].record);
	}
	free(r);
}

int store_reminder_records_salvage(struct store *from, struct store *to)
{
	/* Before the reminders, the answers were kept apart (reminder_answers): not copied. */
	if (from->schema < STORE_SCHEMA_REMINDERS)
		return 0;
	return sql_salvage_rows(from, to, "reminder_log",
				"run_id, reminder, record, time, tz_offset_s, slot");
}
