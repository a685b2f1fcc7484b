/* The answers to reminders. */
#include "store/reminder-answers.h"

#include <errno.h>
#include <stddef.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

int store_reminder_answer_add(struct store *s, const char *id, const char *reminder,
			      const char *answer, int64_t time, int tz_offset_s)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db,
				"INSERT INTO reminder_answers (id, reminder, answer, time, "
				"tz_offset_s) VALUES (?, ?, ?, ?, ?);",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, reminder, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, answer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, time);
	sqlite3_bind_int(st, 5, tz_offset_s);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return sql_errno_from_insert(s, rc);
}

int store_reminder_answered(struct store *s, const char *reminder, bool done_only, int64_t since,
			    int64_t until)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	rc = sqlite3_prepare_v2(s->db,
				"SELECT 1 FROM reminder_answers WHERE reminder = ? AND time >= ? "
				"AND time <= ? AND (? = 0 OR answer IN ('done', 'started')) "
				"LIMIT 1;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, reminder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	sqlite3_bind_int(st, 4, done_only);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		found = 1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : errno_from_sqlite(rc);
}
