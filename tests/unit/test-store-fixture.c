/* What the store's tests share: see test-store-fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "tests/unit/test-store-fixture.h"

int store_fixture_setup(void **state)
{
	char *dir = strdup("/tmp/bedroomd-test-store-XXXXXX");

	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

int store_fixture_teardown(void **state)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *) *state);
	free(*state);
	return system(cmd) == 0 ? 0 : -1;
}

void store_fixture_schema_2(const char *dir)
{
	char path[300];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(
		db,
		"CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL,"
		" changed_at INTEGER);"
		"CREATE TABLE cramps (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT "
		"NULL UNIQUE, time INTEGER NOT NULL, tz_offset_s INTEGER NOT NULL, recorded "
		"INTEGER NOT NULL, leg TEXT NOT NULL, site TEXT, source TEXT NOT NULL, "
		"suspected INTEGER NOT NULL DEFAULT 0, note TEXT, room_c REAL, min_room_c "
		"REAL, in_bed INTEGER, in_bed_since INTEGER, heater_on INTEGER, "
		"heater_duty_1h REAL, soak_done INTEGER, count_7d INTEGER NOT NULL, "
		"delivered INTEGER NOT NULL DEFAULT 0);"
		"CREATE TABLE advisories (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT "
		"NULL UNIQUE, kind TEXT NOT NULL, time INTEGER NOT NULL, tz_offset_s INTEGER "
		"NOT NULL, message TEXT NOT NULL, count INTEGER);"
		"CREATE TABLE room_temperature (time INTEGER PRIMARY KEY NOT NULL, "
		"tz_offset_s INTEGER NOT NULL, room_c REAL NOT NULL);"
		"INSERT INTO cramps (id, time, tz_offset_s, recorded, leg, source, count_7d) "
		"VALUES ('old', 100, 0, 100, 'left', 'button', 1);"
		"PRAGMA user_version = 2;",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}

void store_fixture_schema_3(const char *dir)
{
	char path[300];
	sqlite3 *db;

	store_fixture_schema_2(dir);
	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
			 "ALTER TABLE cramps ADD COLUMN confirms TEXT;"
			 "CREATE TABLE reminder_answers (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
			 "id TEXT NOT NULL UNIQUE, reminder TEXT NOT NULL, answer TEXT NOT NULL "
			 "CHECK (answer IN ('done', 'started', 'snooze')), time INTEGER NOT NULL, "
			 "tz_offset_s INTEGER NOT NULL);"
			 "INSERT INTO reminder_answers (id, reminder, answer, time, tz_offset_s) "
			 "VALUES ('r-1', 'foot_soak', 'snooze', 1200, 3600), "
			 "('r-2', 'stretch', 'done', 1300, 3600);"
			 "PRAGMA user_version = 3;",
			 NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}

int store_fixture_record(struct store *s, const char *run_id, const char *reminder,
			 const char *record, int64_t time, int tz_offset_s)
{
	struct store_reminder_record r = {
		.run_id = (char *) (uintptr_t) run_id,
		.reminder = (char *) (uintptr_t) reminder,
		.record = (char *) (uintptr_t) record,
		.time = time,
		.tz_offset_s = tz_offset_s,
	};

	return store_reminder_commit(s, NULL, &r, 1, NULL, 0);
}

struct store_cramp store_fixture_cramp(const char *id, int64_t time, const char *leg)
{
	return (struct store_cramp){
		.id = (char *) (uintptr_t) id,
		.time = time,
		.tz_offset_s = 3600,
		.recorded = time + 5,
		.leg = (char *) (uintptr_t) leg,
		.source = (char *) (uintptr_t) "button",
		.room_c = 17.5,
		.min_room_c = NAN,
		.in_bed = 1,
		.in_bed_since = time - 60,
		.heater_on = -1,
		.heater_duty_1h = 0.25,
		.soak_done = -1,
		.count_7d = 1,
	};
}
