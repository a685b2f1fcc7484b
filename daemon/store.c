/* The one file that talks to SQLite: SQLITE_* codes stop here. */
#include "daemon/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct store {
	sqlite3 *db;
	char *path;
};

/*
 * Schema migrations, in order: migrations[i] takes version i to i + 1. Never
 * edit one that has shipped; append a new one instead.
 */
static const char *const migrations[] = {
	/* 0 -> 1: settings changed at run time (floor, mode, ...) that survive a restart. */
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value TEXT NOT NULL,"
	"  changed_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))"
	");",

	/*
	 * 1 -> 2: the cramp log, the advisories that fired, and the room temperature
	 * every few minutes (for the report's lowest night temperature). Times are
	 * Unix seconds (UTC); tz_offset_s is the local offset then, for display.
	 */
	"CREATE TABLE cramps ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  time INTEGER NOT NULL,"
	"  tz_offset_s INTEGER NOT NULL,"
	"  recorded INTEGER NOT NULL,"
	"  leg TEXT NOT NULL CHECK (leg IN ('left', 'right', 'unknown')),"
	"  site TEXT CHECK (site IN ('calf', 'foot', 'thigh', 'buttock')),"
	"  source TEXT NOT NULL,"
	"  suspected INTEGER NOT NULL DEFAULT 0,"
	"  note TEXT,"
	"  room_c REAL,"
	"  min_room_c REAL,"
	"  in_bed INTEGER,"
	"  in_bed_since INTEGER,"
	"  heater_on INTEGER,"
	"  heater_duty_1h REAL,"
	"  soak_done INTEGER,"
	"  count_7d INTEGER NOT NULL,"
	"  delivered INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX cramps_time ON cramps (time);"
	"CREATE INDEX cramps_undelivered ON cramps (delivered, seq);"
	"CREATE TABLE advisories ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  tz_offset_s INTEGER NOT NULL,"
	"  message TEXT NOT NULL,"
	"  count INTEGER"
	");"
	"CREATE TABLE room_temperature ("
	"  time INTEGER PRIMARY KEY NOT NULL,"
	"  tz_offset_s INTEGER NOT NULL,"
	"  room_c REAL NOT NULL"
	");",
};

#define N_MIGRATIONS ((int) (sizeof(migrations) / sizeof(migrations[0])))

static int errno_from_sqlite(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EBADMSG;
	case SQLITE_IOERR:
		return -EIO;
	case SQLITE_TOOBIG:
		return -E2BIG;
	default:
		return -EIO;
	}
}

int store_schema_version_current(void)
{
	return N_MIGRATIONS;
}

int store_schema_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = -EIO;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version;", -1, &st, NULL) != SQLITE_OK)
		return errno_from_sqlite(sqlite3_errcode(s->db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int exec(struct store *s, const char *sql)
{
	return errno_from_sqlite(sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

static int migrate(struct store *s)
{
	int version, r;

	version = store_schema_version(s);
	if (version < 0)
		return version;
	if (version > N_MIGRATIONS)
		return -EPROTONOSUPPORT;
	for (; version < N_MIGRATIONS; version++) {
		char bump[64];

		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d;", version + 1);
		r = exec(s, "BEGIN IMMEDIATE;");
		if (r < 0)
			return r;
		r = exec(s, migrations[version]);
		if (r >= 0)
			r = exec(s, bump);
		if (r >= 0)
			r = exec(s, "COMMIT;");
		if (r < 0) {
			(void) exec(s, "ROLLBACK;");
			return r;
		}
	}
	return 0;
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

int store_open(const char *dir, struct store **ret)
{
	struct store *s;
	int r;

	r = make_dir(dir);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (asprintf(&s->path, "%s/%s", dir, STORE_FILE_NAME) < 0) {
		s->path = NULL;
		r = -ENOMEM;
		goto out;
	}
	r = sqlite3_open_v2(s->path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK) {
		r = errno_from_sqlite(r);
		goto out;
	}
	(void) sqlite3_extended_result_codes(s->db, 1);
	/* Never wait long: the daemon's loop must not block on a reader. */
	(void) sqlite3_busy_timeout(s->db, 200);
	r = exec(s, "PRAGMA journal_mode = WAL;");
	if (r >= 0)
		r = exec(s, "PRAGMA synchronous = FULL;");
	if (r >= 0)
		r = exec(s, "PRAGMA foreign_keys = ON;");
	if (r >= 0)
		r = migrate(s);
	if (r < 0)
		goto out;
	*ret = s;
	return 0;
out:
	store_close(s);
	return r;
}

struct store *store_close(struct store *s)
{
	if (!s)
		return NULL;
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
	return NULL;
}

const char *store_path(const struct store *s)
{
	return s->path;
}

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
