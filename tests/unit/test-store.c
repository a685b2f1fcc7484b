/* The real store on real SQLite files in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

static int setup(void **state)
{
	char *dir = strdup("/tmp/bedroomd-test-store-XXXXXX");

	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *) *state);
	free(*state);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_creates_dir_and_schema(void **state)
{
	char sub[300];
	struct store *s = NULL;
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/state", (char *) *state);
	assert_int_equal(store_open(sub, &s), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(store_schema_version(s), store_schema_version_current());
	assert_true(store_schema_version_current() >= 1);
	store_close(s);
}

static void test_settings_survive_reopen(void **state)
{
	struct store *s = NULL;
	char *v = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_setting_get(s, "floor", &v), -ENOENT);
	assert_null(v);
	assert_int_equal(store_setting_set(s, "floor", "18.5"), 0);
	assert_int_equal(store_setting_set(s, "floor", "19.0"), 0);
	s = store_close(s);

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_setting_get(s, "floor", &v), 0);
	assert_string_equal(v, "19.0");
	free(v);
	store_close(s);
}

static void test_wal_mode(void **state)
{
	struct store *s = NULL;
	char path[300];
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(store_open(*state, &s), 0);
	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, (char *) *state);
	assert_string_equal(store_path(s), path);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode;", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *) sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	store_close(s);
}

static void test_newer_schema_is_refused(void **state)
{
	struct store *s = NULL;
	char path[300];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, (char *) *state);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999;", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(*state, &s), -EPROTONOSUPPORT);
	assert_null(s);
}

static void test_garbage_file_is_reported(void **state)
{
	struct store *s = NULL;
	char path[300], junk[8192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, (char *) *state);
	f = fopen(path, "we");
	assert_non_null(f);
	memset(junk, 'x', sizeof(junk));
	fwrite(junk, 1, sizeof(junk), f);
	fclose(f);
	assert_int_equal(store_open(*state, &s), -EBADMSG);
	assert_null(s);
}

static void test_migrates_an_old_file(void **state)
{
	struct store *s = NULL;
	char path[300];
	sqlite3 *db;

	/* A version 0 file: what an install from before the first migration looks like. */
	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, (char *) *state);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE unrelated (x);", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_schema_version(s), store_schema_version_current());
	assert_int_equal(store_setting_set(s, "mode", "heat"), 0);
	store_close(s);
}

static struct store_cramp cramp(const char *id, int64_t time, const char *leg)
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

static void test_cramps_outbox_order_and_delivery(void **state)
{
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;
	int n;

	assert_int_equal(store_open(*state, &s), 0);
	/* Stored out of time order (a cramp remembered later): delivery keeps storing order. */
	c = cramp("c-1", 1000, "left");
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = cramp("c-2", 500, "right");
	c.site = (char *) (uintptr_t) "thigh";
	c.note = (char *) (uintptr_t) "woke me up";
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = cramp("c-3", 2000, "unknown");
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_cramp_add(s, &c), -EEXIST);

	n = store_cramps_read(s, true, 0, 10, &list);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].id, "c-1");
	assert_string_equal(list[1].id, "c-2");
	assert_string_equal(list[1].site, "thigh");
	assert_string_equal(list[1].note, "woke me up");
	assert_null(list[0].site);
	assert_true(list[0].room_c == 17.5);
	assert_true(isnan(list[0].min_room_c));
	assert_int_equal(list[0].heater_on, -1);
	assert_int_equal(list[0].in_bed, 1);
	assert_true(list[0].in_bed_since == 1000 - 60);
	store_cramps_free(list, (size_t) n);

	assert_int_equal(store_cramp_mark_delivered(s, "c-1"), 0);
	assert_int_equal(store_cramp_mark_delivered(s, "nope"), -ENOENT);
	n = store_cramps_read(s, true, 0, 1, &list);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].id, "c-2");
	store_cramps_free(list, (size_t) n);

	/* By time, for counting and the report. */
	n = store_cramps_read(s, false, 600, 10, &list);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].id, "c-1");
	assert_true(list[0].delivered);
	assert_string_equal(list[1].id, "c-3");
	store_cramps_free(list, (size_t) n);
	store_close(s);
}

static void test_room_temperature_and_prune(void **state)
{
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;
	double v = 0;

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_room_temperature_min(s, 0, 1000, &v), -ENODATA);
	assert_int_equal(store_room_temperature_add(s, 100, 0, 18.5), 0);
	assert_int_equal(store_room_temperature_add(s, 200, 0, 17.25), 0);
	assert_int_equal(store_room_temperature_add(s, 300, 0, 19.0), 0);
	assert_int_equal(store_room_temperature_min(s, 0, 1000, &v), 0);
	assert_true(v == 17.25);
	assert_int_equal(store_room_temperature_min(s, 250, 1000, &v), 0);
	assert_true(v == 19.0);
	assert_int_equal(store_room_temperature_min(s, 0, 199, &v), 0); /* until, inclusive */
	assert_true(v == 18.5);
	assert_int_equal(store_room_temperature_min(s, 301, 1000, &v), -ENODATA);
	/* The sample nearest a time, within a gap. */
	assert_int_equal(store_room_temperature_at(s, 240, 60, &v), 0);
	assert_true(v == 17.25);
	assert_int_equal(store_room_temperature_at(s, 260, 60, &v), 0);
	assert_true(v == 19.0);
	assert_int_equal(store_room_temperature_at(s, 500, 60, &v), -ENODATA);

	c = cramp("old-delivered", 100, "left");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = cramp("old-undelivered", 100, "left");
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_prune(s, 250), 0);
	assert_int_equal(store_room_temperature_min(s, 0, 1000, &v), 0);
	assert_true(v == 19.0);
	/* An event never delivered is never pruned: it must reach the broker first. */
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 1);
	assert_string_equal(list[0].id, "old-undelivered");
	store_cramps_free(list, 1);
	store_close(s);
}

static void test_confirms_and_reminder_answers(void **state)
{
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	c = cramp("suspect", 1000, "unknown");
	c.source = (char *) (uintptr_t) "movement";
	c.suspected = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = cramp("pressed", 1300, "left");
	c.confirms = (char *) (uintptr_t) "suspect";
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 2);
	assert_true(list[0].suspected);
	assert_null(list[0].confirms);
	assert_false(list[1].suspected);
	assert_string_equal(list[1].confirms, "suspect");
	store_cramps_free(list, 2);

	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, 5000), 0);
	assert_int_equal(store_reminder_answer_add(s, "a-1", "foot_soak", "snooze", 2000, 3600), 0);
	assert_int_equal(store_reminder_answer_add(s, "a-1", "foot_soak", "done", 2001, 3600),
			 -EEXIST);
	assert_int_equal(store_reminder_answer_add(s, "a-2", "foot_soak", "maybe", 2001, 3600),
			 -EINVAL);
	/* Answered (a snooze), but not done. */
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, 5000), 1);
	assert_int_equal(store_reminder_answered(s, "foot_soak", true, 0, 5000), 0);
	assert_int_equal(store_reminder_answer_add(s, "a-3", "foot_soak", "started", 3000, 3600),
			 0);
	assert_int_equal(store_reminder_answered(s, "foot_soak", true, 2500, 3000),
			 1); /* inclusive */
	assert_int_equal(store_reminder_answered(s, "foot_soak", true, 3001, 5000), 0);
	assert_int_equal(store_reminder_answered(s, "stretch", false, 0, 5000), 0);
	assert_int_equal(store_prune(s, 2500), 0);
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, 2500), 0);
	assert_int_equal(store_reminder_answered(s, "foot_soak", true, 0, 5000), 1);
	store_close(s);
}

/* A file of schema 2 (as shipped): its cramps stay, and gain what schema 3 adds. */
static void test_migrates_schema_2(void **state)
{
	struct store_cramp *list = NULL;
	struct store *s = NULL;
	char path[300];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, (char *) *state);
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
	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_schema_version(s), store_schema_version_current());
	assert_int_equal(store_cramps_read(s, true, 0, 10, &list), 1);
	assert_string_equal(list[0].id, "old");
	assert_null(list[0].confirms);
	store_cramps_free(list, 1);
	assert_int_equal(store_reminder_answer_add(s, "a", "foot_soak", "done", 200, 0), 0);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_creates_dir_and_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_survive_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_file_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_an_old_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cramps_outbox_order_and_delivery, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_room_temperature_and_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirms_and_reminder_answers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_migrates_schema_2, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
