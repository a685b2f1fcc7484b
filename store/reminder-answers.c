/* The answers to reminders. */
#include "store/reminder-answers.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

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

	if (s->schema < STORE_SCHEMA_CONFIRMS)
		return 0; /* a read-only store from before the answers */
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

/* Fills @item, a struct store_reminder_answer, from the row of @st. */
static int answer_from_row(sqlite3_stmt *st, void *item)
{
	struct store_reminder_answer *a = item;

	*a = (struct store_reminder_answer){
		.id = sql_column_strdup(st, 0),
		.answer = sql_column_strdup(st, 1),
		.time = sqlite3_column_int64(st, 2),
		.tz_offset_s = sqlite3_column_int(st, 3),
	};
	return a->id && a->answer ? 0 : -ENOMEM;
}

int store_reminder_answers_read_range(struct store *s, const char *reminder, int64_t since,
				      int64_t until, struct store_reminder_answer **ret)
{
	struct store_reminder_answer *list = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc, r;

	if (s->schema < STORE_SCHEMA_CONFIRMS) {
		*ret = NULL; /* a read-only store from before the answers */
		return 0;
	}
	rc = sqlite3_prepare_v2(s->db,
				"SELECT id, answer, time, tz_offset_s FROM reminder_answers "
				"WHERE reminder = ? AND time >= ? AND time < ? ORDER BY time, seq;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, reminder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	r = sql_read_rows(st, answer_from_row, sizeof(*list), (void **) &list, &n);
	if (r < 0) {
		store_reminder_answers_free(list, n);
		return r;
	}
	*ret = list;
	return (int) n;
}

void store_reminder_answers_free(struct store_reminder_answer *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		free(a[i].id);
		free(a[i].answer);
	}
	free(a);
}
