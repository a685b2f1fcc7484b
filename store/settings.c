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
	return sql_salvage_rows(from, to, "settings", "key, value, changed_at");
}
