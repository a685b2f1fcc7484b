/* Settings changed at run time that survive a restart. */
#include "store/settings.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

int store_setting_get(struct store *s, const char *key, char **ret)
{
	sqlite3_stmt *st;
	int rc, r;

	rc = sqlite3_prepare_v2(s->db, "SELECT value FROM settings WHERE key = ?;", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *) sqlite3_column_text(st, 0);

		*ret = strdup(v ? v : "");
		r = *ret ? 0 : -ENOMEM;
	} else {
		r = rc == SQLITE_DONE ? -ENOENT : errno_from_sqlite(rc);
	}
	sqlite3_finalize(st);
	return r;
}

int store_setting_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db,
				"INSERT INTO settings (key, value) VALUES (?, ?) "
				"ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
				"changed_at = strftime('%s', 'now');",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return errno_from_sqlite(rc);
}

int store_settings_set_many(struct store *s, const struct store_setting *items, size_t n)
{
	int r;

	assert(s);
	assert(items || n == 0);
	if (n == 1)
		return store_setting_set(s, items[0].key, items[0].value);
	r = sql_exec(s, "BEGIN IMMEDIATE;");
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = store_setting_set(s, items[i].key, items[i].value);
	if (r >= 0)
		r = sql_exec(s, "COMMIT;");
	if (r < 0)
		(void) store_rollback(s);
	return r;
}

int store_setting_delete(struct store *s, const char *key)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "DELETE FROM settings WHERE key = ?;", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return errno_from_sqlite(rc);
}

int store_settings_salvage(struct store *from, struct store *to)
{
	sqlite3_stmt *st, *ins;
	int copied = 0, rc, r;

	assert(from && to);
	rc = sqlite3_prepare_v2(from->db, "SELECT key, value, changed_at FROM settings;", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	rc = sqlite3_prepare_v2(to->db,
				"INSERT INTO settings (key, value, changed_at) VALUES (?, ?, ?) "
				"ON CONFLICT(key) DO NOTHING;",
				-1, &ins, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return errno_from_sqlite(rc);
	}
	r = sql_exec(to, "BEGIN IMMEDIATE;");
	/* As far as @from reads: a damaged page ends it, with what came before it kept. */
	while (r >= 0 && sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_TEXT ||
		    sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		sqlite3_bind_text(ins, 1, (const char *) sqlite3_column_text(st, 0), -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, (const char *) sqlite3_column_text(st, 1), -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 3, sqlite3_column_int64(st, 2));
		rc = sqlite3_step(ins);
		r = errno_from_sqlite(rc);
		if (r >= 0 && sqlite3_changes(to->db) > 0)
			copied++;
		sqlite3_reset(ins);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	if (r >= 0)
		r = sql_exec(to, "COMMIT;");
	if (r < 0)
		(void) store_rollback(to);
	return r < 0 ? r : copied;
}
