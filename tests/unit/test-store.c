/*
 * The real store on real SQLite files in a temporary directory: opening it,
 * its schema and migrations, the connection. What it keeps: test-store-records.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <grp.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control/clock-set.h"
#include "store/room-temperature.h"
#include "store/store.h"
#include "store/testing.h"
#include "tests/unit/test-store-fixture.h"

/* A wall clock before this (2025-01-01) is not set yet. */
#define SET WALL_CLOCK_SET_AFTER_S

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

/* The settings of the store file in @dir that another connection sees: committed ones. */
static int committed_settings(const char *dir, const char *where)
{
	char path[300], sql[200];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, STORE_FILE_NAME);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM settings WHERE %s;", where);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/*
 * A write that fails inside a transaction, and a ROLLBACK that fails too: the
 * connection was left in the transaction, every later BEGIN failed ("cannot
 * start a transaction within a transaction") and nothing more was stored
 * until a restart. It is tried again; a store whose ROLLBACK never runs gets
 * a new connection. Either way the next writes are committed.
 */
static void check_writes_after_a_refused_rollback(const char *dir, unsigned refused,
						  unsigned want_left)
{
	const struct store_setting bad[] = { { "a", "1" }, { "b", NULL } }; /* NOT NULL fails */
	const struct store_setting good[] = { { "c", "3" }, { "d", "4" } };
	struct store *s = NULL;
	unsigned times = refused;

	assert_int_equal(store_open(dir, &s), 0);
	assert_int_equal(store_testing_refuse_rollback(s, &times), 0);
	assert_true(store_settings_set_many(s, bad, 2) < 0);
	assert_int_equal(times, want_left);
	assert_int_equal(store_settings_set_many(s, good, 2), 0);
	assert_int_equal(store_setting_set(s, "e", "5"), 0);
	/* Committed, as another connection (bedroomctl, the next start) sees them. */
	assert_int_equal(committed_settings(dir, "key IN ('c', 'd', 'e')"), 3);
	assert_int_equal(committed_settings(dir, "key IN ('a', 'b')"), 0);
	store_close(s);
}

static void test_a_refused_rollback_is_tried_again(void **state)
{
	check_writes_after_a_refused_rollback(*state, 1, 0);
}

static void test_a_rollback_that_never_runs_gets_a_new_connection(void **state)
{
	check_writes_after_a_refused_rollback(*state, 100, 98);
}

static void test_settings_survive_reopen(void **state)
{
	struct store *s = NULL;
	char *v = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_schema_version_opened(s), 0); /* a new file: no upgrade to say */
	assert_int_equal(store_setting_get(s, "floor", &v), -ENOENT);
	assert_null(v);
	assert_int_equal(store_setting_set(s, "floor", "18.5"), 0);
	assert_int_equal(store_setting_set(s, "floor", "19.0"), 0);
	s = store_close(s);

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_schema_version_opened(s), store_schema_version_current());
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

/* The system's reason, not SQLite's "cannot open" (it read "No such file or directory"). */
static void test_open_error_is_the_systems(void **state)
{
	struct store *s = NULL;
	char path[300];

	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, (char *) *state);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(store_open(*state, &s), -EISDIR);
	assert_null(s);
	assert_int_equal(rmdir(path), 0);
}

/*
 * A file this user cannot write (left owned by root after a restore): SQLite
 * would open it read-only, as "ok", and refuse every cramp. The open fails
 * instead, so the guard raises store_failed and tries again. Root writes any
 * file: as root, the open is tried by "nobody" in a child, the file root's.
 */
static void test_file_not_writable_is_not_opened(void **state)
{
	const char *dir = *state;
	struct store *s = NULL;
	char path[300];
	int status = 0;
	pid_t pid;

	assert_int_equal(store_open(dir, &s), 0);
	s = store_close(s);
	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, dir);
	assert_int_equal(chmod(path, 0444), 0);
	if (geteuid() != 0) {
		assert_int_equal(store_open(dir, &s), -EACCES);
		assert_null(s);
		return;
	}
	/* The directory nobody's, so that only the file is not theirs to write. */
	assert_int_equal(chown(dir, 65534, 65534), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int r;

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(100);
		r = store_open(dir, &s);
		store_close(s);
		_exit(r == -EACCES ? 0 : r == 0 ? 101 : 102);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	/* 101: opened, read-only, as if all were well. */
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(chown(dir, 0, 0), 0);
}

/*
 * A page overwritten in the middle: the file opens, and only the check (or a
 * use of that page) finds it.
 */
static void test_check_finds_a_damaged_page(void **state)
{
	struct store *s = NULL;
	char path[300], junk[4096];
	FILE *f;

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_check(s), 0);
	store_close(s);
	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, (char *) *state);
	f = fopen(path, "r+e");
	assert_non_null(f);
	memset(junk, 0x5a, sizeof(junk));
	assert_int_equal(fseek(f, 2 * 4096, SEEK_SET), 0); /* page 3: a table's, not the header */
	assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_check(s), -EBADMSG);
	store_close(s);
	assert_string_equal(store_strerror(-EBADMSG), "the file reads as damaged");
	assert_string_equal(store_strerror(-ENODEV), "the store is not open");
	assert_string_equal(store_strerror(-ENOSPC), strerror(ENOSPC));
}

/*
 * Where the history begins: the oldest record of any table, a cramp by when it
 * was logged (one remembered three weeks later must not make the weeks before
 * the install look recorded), and never an advisory (dated by its cramp, so
 * the same) nor anything stamped while the clock was not set (1970).
 */
static void test_first_record(void **state)
{
	struct store_advisory a = { .kind = (char *) (uintptr_t) "cramp_frequency",
				    .tz_offset_s = 3600,
				    .message = (char *) (uintptr_t) "m",
				    .count = 4 };
	struct store *s = NULL;
	struct store_cramp c;
	int64_t t = 0;
	int tz = 0;

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_first_record(s, &t, &tz), -ENODATA);
	/* Stamped before the clock was set: no history yet. */
	assert_int_equal(store_room_temperature_add(s, 2000, 0, 18.5), 0);
	c = store_fixture_cramp("c-1970", 2100, "left");
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_first_record(s, &t, &tz), -ENODATA);
	assert_int_equal(store_room_temperature_add(s, SET + 2000000, 7200, 18.5), 0);
	c = store_fixture_cramp("c-old", SET + 2000000 - 21 * 86400, "left");
	c.recorded = SET + 2000100;
	assert_int_equal(store_cramp_add(s, &c), 0);
	/* The advisory of that cramp, dated three weeks back with it. */
	a.time = c.time;
	assert_int_equal(store_advisory_add(s, "a-old", &a), 0);
	assert_int_equal(store_first_record(s, &t, &tz), 0);
	assert_int_equal(t, SET + 2000000);
	assert_int_equal(tz, 7200);
	c = store_fixture_cramp("c-new", SET + 1999000, "right"); /* logged before the sample */
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_first_record(s, &t, &tz), 0);
	assert_int_equal(t, SET + 1999005);
	store_close(s);
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

/* A file of schema 3: its answers to reminders become records (snooze read as snoozed). */
static void test_migrates_schema_3(void **state)
{
	struct store_reminder_record *recs = NULL;
	struct store_cramp *list = NULL;
	struct store *s = NULL;

	store_fixture_schema_3(*state);
	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_schema_version(s), store_schema_version_current());
	assert_int_equal(store_schema_version_opened(s), 3); /* the journal says "from 3" */
	assert_int_equal(store_reminder_records_read_range(s, 0, 2000, &recs), 2);
	assert_string_equal(recs[0].run_id, "r-1");
	assert_string_equal(recs[0].record, "snoozed");
	assert_true(recs[0].slot == 0);
	assert_string_equal(recs[1].reminder, "stretch");
	assert_string_equal(recs[1].record, "done");
	store_reminder_records_free(recs, 2);
	assert_int_equal(store_reminder_answered(s, "stretch", true, 1300, 1300), 1);
	assert_int_equal(store_cramps_read(s, true, 0, 10, &list), 1);
	assert_false(list[0].time_estimated);
	assert_false(list[0].amended);
	store_cramps_free(list, 1);
	store_close(s);
}

/* A file of schema 2 (as shipped): its cramps stay, and gain what schema 3 adds. */
static void test_migrates_schema_2(void **state)
{
	struct store_cramp *list = NULL;
	struct store *s = NULL;

	store_fixture_schema_2(*state);
	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_schema_version(s), store_schema_version_current());
	assert_int_equal(store_cramps_read(s, true, 0, 10, &list), 1);
	assert_string_equal(list[0].id, "old");
	assert_null(list[0].confirms);
	store_cramps_free(list, 1);
	assert_int_equal(store_fixture_record(s, "a", "foot_soak", "done", 200, 0), 0);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_creates_dir_and_schema),
		STORE_TEST(test_settings_survive_reopen),
		STORE_TEST(test_a_refused_rollback_is_tried_again),
		STORE_TEST(test_a_rollback_that_never_runs_gets_a_new_connection),
		STORE_TEST(test_wal_mode),
		STORE_TEST(test_newer_schema_is_refused),
		STORE_TEST(test_garbage_file_is_reported),
		STORE_TEST(test_open_error_is_the_systems),
		STORE_TEST(test_file_not_writable_is_not_opened),
		STORE_TEST(test_check_finds_a_damaged_page),
		STORE_TEST(test_first_record),
		STORE_TEST(test_migrates_an_old_file),
		STORE_TEST(test_migrates_schema_2),
		STORE_TEST(test_migrates_schema_3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
