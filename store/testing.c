/* Test helpers: see store/testing.h. */
#include "store/testing.h"

#include <sqlite3.h>
#include <stdio.h>

#include "store/sqlite-errno.h"

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
