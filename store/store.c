/* The store on SQLite: SQLITE_* codes stop here (see store/sqlite-errno.h). */
#include "store/store.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/sqlite-errno.h"

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

	/*
	 * 2 -> 3: a cramp that confirms a suspected one (from movement) names it;
	 * the answers to reminders (the foot soak done, ...), for adherence.
	 */
	"ALTER TABLE cramps ADD COLUMN confirms TEXT;"
	"CREATE TABLE reminder_answers ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  reminder TEXT NOT NULL,"
	"  answer TEXT NOT NULL CHECK (answer IN ('done', 'started', 'snooze')),"
	"  time INTEGER NOT NULL,"
	"  tz_offset_s INTEGER NOT NULL"
	");"
	"CREATE INDEX reminder_answers_time ON reminder_answers (reminder, time);",
};

#define N_MIGRATIONS ((int) (sizeof(migrations) / sizeof(migrations[0])))

/* As errno_from_sqlite(), for an INSERT: -EEXIST for a duplicate id, -EINVAL for a bad value. */
static int errno_from_insert(struct store *s, int rc)
{
	if ((rc & 0xff) != SQLITE_CONSTRAINT)
		return errno_from_sqlite(rc);
	return sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_CHECK ? -EINVAL : -EEXIST;
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

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_real_or_null(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

static void bind_tristate(sqlite3_stmt *st, int i, int v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int(st, i, v);
}

int store_cramp_add(struct store *s, const struct store_cramp *c)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(
	    s->db,
	    "INSERT INTO cramps (id, time, tz_offset_s, recorded, leg, site, "
	    "source, suspected, note, room_c, min_room_c, in_bed, in_bed_since, "
	    "heater_on, heater_duty_1h, soak_done, count_7d, delivered, confirms) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->time);
	sqlite3_bind_int(st, 3, c->tz_offset_s);
	sqlite3_bind_int64(st, 4, c->recorded);
	sqlite3_bind_text(st, 5, c->leg, -1, SQLITE_STATIC);
	bind_text_or_null(st, 6, c->site);
	sqlite3_bind_text(st, 7, c->source, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, c->suspected);
	bind_text_or_null(st, 9, c->note);
	bind_real_or_null(st, 10, c->room_c);
	bind_real_or_null(st, 11, c->min_room_c);
	bind_tristate(st, 12, c->in_bed);
	if (c->in_bed_since > 0)
		sqlite3_bind_int64(st, 13, c->in_bed_since);
	else
		sqlite3_bind_null(st, 13);
	bind_tristate(st, 14, c->heater_on);
	bind_real_or_null(st, 15, c->heater_duty_1h);
	bind_tristate(st, 16, c->soak_done);
	sqlite3_bind_int(st, 17, c->count_7d);
	sqlite3_bind_int(st, 18, c->delivered);
	bind_text_or_null(st, 19, c->confirms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return errno_from_insert(s, rc);
}

int store_cramp_mark_delivered(struct store *s, const char *id)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "UPDATE cramps SET delivered = 1 WHERE id = ?;", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && sqlite3_changes(s->db) == 0)
		return -ENOENT;
	return errno_from_sqlite(rc);
}

static char *column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? strdup((const char *) v) : NULL;
}

static double column_real(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static int column_tristate(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i);
}

int store_cramps_read(struct store *s, bool undelivered, int64_t since, size_t max,
		      struct store_cramp **ret)
{
	static const char columns[] =
	    "SELECT id, time, tz_offset_s, recorded, leg, site, source, suspected, note, "
	    "room_c, min_room_c, in_bed, in_bed_since, heater_on, heater_duty_1h, soak_done, "
	    "count_7d, delivered, confirms FROM cramps ";
	char sql[600];
	struct store_cramp *list = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	snprintf(sql, sizeof(sql), "%s%s LIMIT ?;", columns,
		 undelivered ? "WHERE delivered = 0 ORDER BY seq"
			     : "WHERE time >= ? ORDER BY time, seq");
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	if (undelivered) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64) (max > INT32_MAX ? INT32_MAX : max));
	} else {
		sqlite3_bind_int64(st, 1, since);
		sqlite3_bind_int64(st, 2, (sqlite3_int64) (max > INT32_MAX ? INT32_MAX : max));
	}
	list = calloc(max ? max : 1, sizeof(*list));
	if (!list) {
		sqlite3_finalize(st);
		return -ENOMEM;
	}
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_cramp *c = &list[n++];

		*c = (struct store_cramp){
			.id = column_strdup(st, 0),
			.time = sqlite3_column_int64(st, 1),
			.tz_offset_s = sqlite3_column_int(st, 2),
			.recorded = sqlite3_column_int64(st, 3),
			.leg = column_strdup(st, 4),
			.site = column_strdup(st, 5),
			.source = column_strdup(st, 6),
			.suspected = sqlite3_column_int(st, 7) != 0,
			.note = column_strdup(st, 8),
			.room_c = column_real(st, 9),
			.min_room_c = column_real(st, 10),
			.in_bed = column_tristate(st, 11),
			.in_bed_since = sqlite3_column_int64(st, 12),
			.heater_on = column_tristate(st, 13),
			.heater_duty_1h = column_real(st, 14),
			.soak_done = column_tristate(st, 15),
			.count_7d = sqlite3_column_int(st, 16),
			.delivered = sqlite3_column_int(st, 17) != 0,
			.confirms = column_strdup(st, 18),
		};
		if (!c->id || !c->leg || !c->source) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_cramps_free(list, n);
		return errno_from_sqlite(rc);
	}
	*ret = list;
	return (int) n;
}

void store_cramps_free(struct store_cramp *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].id);
		free(c[i].leg);
		free(c[i].site);
		free(c[i].source);
		free(c[i].note);
		free(c[i].confirms);
	}
	free(c);
}

int store_room_temperature_add(struct store *s, int64_t time, int tz_offset_s, double room_c)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(
	    s->db,
	    "INSERT OR REPLACE INTO room_temperature (time, tz_offset_s, room_c) "
	    "VALUES (?, ?, ?);",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, time);
	sqlite3_bind_int(st, 2, tz_offset_s);
	sqlite3_bind_double(st, 3, room_c);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return errno_from_sqlite(rc);
}

/* Runs @sql (at most one row of one REAL column; two integer parameters) into *ret_c. */
static int room_temperature_query(struct store *s, const char *sql, int64_t a, int64_t b,
				  double *ret_c)
{
	sqlite3_stmt *st;
	int rc, r = -ENODATA;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*ret_c = sqlite3_column_double(st, 0);
		r = 0;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		r = errno_from_sqlite(rc);
	}
	sqlite3_finalize(st);
	return r;
}

int store_room_temperature_min(struct store *s, int64_t since, int64_t until, double *ret_c)
{
	return room_temperature_query(
	    s, "SELECT min(room_c) FROM room_temperature WHERE time >= ?1 AND time <= ?2;", since,
	    until, ret_c);
}

int store_room_temperature_at(struct store *s, int64_t time, int64_t max_gap_s, double *ret_c)
{
	return room_temperature_query(s,
				      "SELECT room_c FROM room_temperature WHERE time >= ?1 - ?2 "
				      "AND time <= ?1 + ?2 ORDER BY abs(time - ?1) LIMIT 1;",
				      time, max_gap_s, ret_c);
}

int store_prune(struct store *s, int64_t before)
{
	static const char *const sql[] = {
		"DELETE FROM cramps WHERE time < ?1 AND delivered = 1;",
		"DELETE FROM advisories WHERE time < ?1;",
		"DELETE FROM room_temperature WHERE time < ?1;",
		"DELETE FROM reminder_answers WHERE time < ?1;",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st;
		int rc = sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL);

		if (rc != SQLITE_OK)
			return errno_from_sqlite(rc);
		sqlite3_bind_int64(st, 1, before);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return errno_from_sqlite(rc);
	}
	return 0;
}

int store_advisory_add(struct store *s, const char *id, const struct store_advisory *a)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(
	    s->db,
	    "INSERT INTO advisories (id, kind, time, tz_offset_s, message, count) "
	    "VALUES (?, ?, ?, ?, ?, ?);",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->time);
	sqlite3_bind_int(st, 4, a->tz_offset_s);
	sqlite3_bind_text(st, 5, a->message, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, a->count);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return errno_from_insert(s, rc);
}

int store_advisories_read(struct store *s, int64_t since, struct store_advisory **ret)
{
	struct store_advisory *list = NULL, *grown;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	rc = sqlite3_prepare_v2(s->db,
				"SELECT kind, time, tz_offset_s, message, count FROM advisories "
				"WHERE time >= ? ORDER BY time, seq;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown) {
			rc = SQLITE_NOMEM;
			break;
		}
		list = grown;
		list[n] = (struct store_advisory){
			.kind = column_strdup(st, 0),
			.time = sqlite3_column_int64(st, 1),
			.tz_offset_s = sqlite3_column_int(st, 2),
			.message = column_strdup(st, 3),
			.count = sqlite3_column_int(st, 4),
		};
		n++;
		if (!list[n - 1].kind || !list[n - 1].message) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_advisories_free(list, n);
		return errno_from_sqlite(rc);
	}
	*ret = list;
	return (int) n;
}

void store_advisories_free(struct store_advisory *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		free(a[i].kind);
		free(a[i].message);
	}
	free(a);
}

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
	return errno_from_insert(s, rc);
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
