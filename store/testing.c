/* Test helpers: see store/testing.h. */
#include "store/testing.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

int store_testing_set_schema_version(const char *path, int version)
{
	sqlite3 *db = NULL;
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;", version);
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return errno_from_sqlite(rc);
}

int store_testing_fail_reminder_writes(const char *path, bool fail)
{
	static const char *const tables[] = { "reminder_log", "reminder_state", "reminder_outbox" };
	sqlite3 *db = NULL;
	char sql[200];
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (fail)
			snprintf(sql, sizeof(sql),
				 "CREATE TRIGGER fail_%s BEFORE INSERT ON %s BEGIN SELECT "
				 "RAISE(ABORT, 'database or disk is full'); END;",
				 tables[i], tables[i]);
		else
			snprintf(sql, sizeof(sql), "DROP TRIGGER IF EXISTS fail_%s;", tables[i]);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	sqlite3_close(db);
	return errno_from_sqlite(rc);
}

static int refuse_rollback(void *userdata, int action, const char *what, const char *unused1,
			   const char *unused2, const char *unused3)
{
	unsigned *times = userdata;

	if (action != SQLITE_TRANSACTION || !what || strcmp(what, "ROLLBACK") != 0 || *times == 0)
		return SQLITE_OK;
	(*times)--;
	return SQLITE_DENY;
}

int store_testing_refuse_rollback(struct store *s, unsigned *times)
{
	return errno_from_sqlite(sqlite3_set_authorizer(s->db, refuse_rollback, times));
}
