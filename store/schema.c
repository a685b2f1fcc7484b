/* The schema and its migrations: the one place that says what the file holds. */
#include <errno.h>
#include <stdio.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"
#include "store/store.h"

/*
 * Schema migrations, in order: migrations[i] takes version i to i + 1. Never
 * edit a migration that has shipped; append a new one.
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

	/*
	 * 3 -> 4: the reminders themselves. reminder_log keeps what happened to
	 * each run (sent, answered, ignored, ...) for adherence, by the time the
	 * run was due (slot; NULL for the answers kept before, which move here);
	 * reminder_state is each reminder's plan and current run; the outbox holds
	 * the events the broker has not acknowledged. A cramp logged from the
	 * morning question has an estimated time.
	 */
	"CREATE TABLE reminder_log ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  run_id TEXT NOT NULL,"
	"  reminder TEXT NOT NULL,"
	"  record TEXT NOT NULL CHECK (record IN ('sent', 'started', 'done', 'snoozed', "
	"    'skipped', 'ignored', 'in_bed', 'missed', 'no_cramp', 'cramp_left', 'cramp_right')),"
	"  time INTEGER NOT NULL,"
	"  tz_offset_s INTEGER NOT NULL,"
	"  slot INTEGER"
	");"
	"CREATE INDEX reminder_log_time ON reminder_log (reminder, time);"
	"CREATE INDEX reminder_log_slot ON reminder_log (coalesce(slot, time));"
	"INSERT INTO reminder_log (run_id, reminder, record, time, tz_offset_s) "
	"  SELECT id, reminder, CASE answer WHEN 'snooze' THEN 'snoozed' ELSE answer END, time, "
	"  tz_offset_s FROM reminder_answers ORDER BY seq;"
	"DROP TABLE reminder_answers;"
	"CREATE TABLE reminder_state ("
	"  reminder TEXT PRIMARY KEY NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"
	"  slot_day INTEGER NOT NULL,"
	"  slot_sec INTEGER NOT NULL,"
	"  slot INTEGER NOT NULL,"
	"  attempt INTEGER NOT NULL,"
	"  repeats INTEGER NOT NULL,"
	"  snoozes INTEGER NOT NULL,"
	"  next INTEGER NOT NULL,"
	"  ends INTEGER NOT NULL,"
	"  started INTEGER NOT NULL,"
	"  done INTEGER NOT NULL,"
	"  skipped INTEGER NOT NULL,"
	"  changed INTEGER NOT NULL"
	");"
	"CREATE TABLE reminder_outbox ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  run_id TEXT NOT NULL,"
	"  payload TEXT NOT NULL,"
	"  time INTEGER NOT NULL"
	");"
	"ALTER TABLE cramps ADD COLUMN time_estimated INTEGER NOT NULL DEFAULT 0;",

	/*
	 * 4 -> 5: a later report of the same cramp filled in what it lacked (leg,
	 * site, note): it is sent again, marked so.
	 */
	"ALTER TABLE cramps ADD COLUMN amended INTEGER NOT NULL DEFAULT 0;",

	/*
	 * 5 -> 6: when each heater's relay was last told on and off (Unix
	 * microseconds; NULL: never), so that min_on / min_off hold across a
	 * restart. Written as each command is sent: a crash leaves it right too.
	 */
	"CREATE TABLE relays ("
	"  heater TEXT PRIMARY KEY NOT NULL,"
	"  last_on INTEGER,"
	"  last_off INTEGER"
	");",
};

#define N_MIGRATIONS ((int) (sizeof(migrations) / sizeof(migrations[0])))

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

int store_schema_readable(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1, rc;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version;", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		rc = sqlite3_errcode(s->db);
	sqlite3_finalize(st);
	if (v < 0)
		return errno_from_sqlite(rc) < 0 ? errno_from_sqlite(rc) : -EIO;
	if (v > N_MIGRATIONS)
		return -EPROTONOSUPPORT;
	if (v < STORE_SCHEMA_CRAMP_LOG)
		return -ENODATA;
	return v;
}

int store_schema_version_opened(const struct store *s)
{
	return s->opened_schema;
}

int store_migrate(struct store *s)
{
	int version, r;

	version = store_schema_version(s);
	if (version < 0)
		return version;
	if (version > N_MIGRATIONS)
		return -EPROTONOSUPPORT;
	s->schema = s->opened_schema = version;
	for (; version < N_MIGRATIONS; version++) {
		char bump[64];

		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d;", version + 1);
		r = sql_exec(s, "BEGIN IMMEDIATE;");
		if (r < 0)
			return r;
		r = sql_exec(s, migrations[version]);
		if (r >= 0)
			r = sql_exec(s, bump);
		if (r >= 0)
			r = sql_exec(s, "COMMIT;");
		if (r < 0) {
			(void) store_rollback(s);
			return r;
		}
		s->schema = version + 1;
	}
	return 0;
}
