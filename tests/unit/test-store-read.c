/*
 * The store opened read-only, as bedroomctl opens it, and the queries behind
 * its report: real SQLite files in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/testing.h"
#include "tests/unit/test-store-fixture.h"

#define PATH_MAX_TEST 300

static void store_file(void **state, char path[static PATH_MAX_TEST])
{
	snprintf(path, PATH_MAX_TEST, "%s/" STORE_FILE_NAME, (char *) *state);
}

/* How many entries @dir holds, . and .. aside. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* The whole file @path, in a new buffer; its size in *ret_size. */
static char *slurp(const char *path, size_t *ret_size)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	buf = malloc((size_t) size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t) size, f), (size_t) size);
	fclose(f);
	*ret_size = (size_t) size;
	return buf;
}

/* A store as the daemon leaves it: one setting and one cramp. */
static void make_store(const char *dir)
{
	struct store_cramp c = store_fixture_cramp("c-1", 1000, "left");
	struct store *s = NULL;

	assert_int_equal(store_open(dir, &s), 0);
	assert_int_equal(store_setting_set(s, "floor", "18.5"), 0);
	assert_int_equal(store_cramp_add(s, &c), 0);
	store_close(s);
}

static void test_missing_file_fails_and_creates_nothing(void **state)
{
	char path[PATH_MAX_TEST], sub[PATH_MAX_TEST];
	struct store *s = NULL;

	store_file(state, path);
	assert_int_equal(store_open_read_only(path, &s), -ENOENT);
	assert_null(s);
	snprintf(sub, sizeof(sub), "%s/state/" STORE_FILE_NAME, (char *) *state);
	assert_int_equal(store_open_read_only(sub, &s), -ENOENT);
	assert_null(s);
	assert_int_equal(dir_entries(*state), 0);
	/* Nor is a directory taken for one. */
	assert_int_equal(store_open_read_only(*state, &s), -EISDIR);
	assert_null(s);
	assert_int_equal(dir_entries(*state), 0);
}

static void test_newer_schema_is_refused(void **state)
{
	char path[PATH_MAX_TEST];
	struct store *s = NULL;

	make_store(*state);
	store_file(state, path);
	assert_int_equal(store_testing_set_schema_version(path, store_schema_version_current() + 1),
			 0);
	assert_int_equal(store_open_read_only(path, &s), -EPROTONOSUPPORT);
	assert_null(s);
}

/* A store from before the cramp log (or no store of ours) is refused: there is nothing to read. */
static void test_before_the_cramp_log_is_refused(void **state)
{
	char path[PATH_MAX_TEST];
	struct store *s = NULL;
	FILE *f;

	make_store(*state);
	store_file(state, path);
	assert_int_equal(store_testing_set_schema_version(path, 1), 0);
	assert_int_equal(store_open_read_only(path, &s), -ENODATA);
	assert_null(s);
	/* An empty file is an empty database to SQLite: version 0. */
	f = fopen(path, "we");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(store_open_read_only(path, &s), -ENODATA);
	assert_null(s);
}

static void test_garbage_is_refused(void **state)
{
	char path[PATH_MAX_TEST], junk[8192];
	struct store *s = NULL;
	FILE *f;

	store_file(state, path);
	f = fopen(path, "we");
	assert_non_null(f);
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
	assert_int_equal(store_open_read_only(path, &s), -EBADMSG);
	assert_null(s);
}

/* A read-only store reads, refuses every writer, and leaves the file as it was. */
static void test_read_only_writes_nothing(void **state)
{
	struct store_cramp c = store_fixture_cramp("c-2", 2000, "right"), *list = NULL;
	char path[PATH_MAX_TEST], *before, *after, *v = NULL;
	size_t before_size, after_size;
	struct store *s = NULL;

	make_store(*state);
	store_file(state, path);
	before = slurp(path, &before_size);
	assert_int_equal(store_open_read_only(path, &s), 0);
	assert_string_equal(store_path(s), path);
	assert_int_equal(store_schema_version(s), store_schema_version_current());
	assert_int_equal(store_setting_get(s, "floor", &v), 0);
	assert_string_equal(v, "18.5");
	free(v);
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 1);
	assert_string_equal(list[0].id, "c-1");
	store_cramps_free(list, 1);

	assert_int_equal(store_setting_set(s, "floor", "25"), -EACCES);
	assert_int_equal(store_cramp_add(s, &c), -EACCES);
	assert_int_equal(store_cramp_mark_delivered(s, "c-1"), -EACCES);
	assert_int_equal(store_room_temperature_add(s, 2000, 0, 18.0), -EACCES);
	assert_int_equal(store_fixture_record(s, "a", "foot_soak", "done", 2000, 0), -EACCES);
	assert_int_equal(store_prune(s, 5000), -EACCES);
	store_close(s);

	after = slurp(path, &after_size);
	assert_int_equal(after_size, before_size);
	assert_memory_equal(after, before, before_size);
	free(before);
	free(after);
}

/* What the daemon's writers wrote, read back by the report's queries from a read-only open. */
static void test_report_queries_read_what_was_written(void **state)
{
	struct store_reminder_record *records = NULL;
	struct store_advisory *advisories = NULL;
	struct store_room_sample *samples = NULL;
	struct store_cramp *cramps = NULL, c;
	char path[PATH_MAX_TEST];
	struct store *s = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	c = store_fixture_cramp("before", 999, "left");
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("a", 1000, "left");
	c.site = (char *) (uintptr_t) "calf";
	c.note = (char *) (uintptr_t) "woke me";
	c.room_c = 17.25;
	c.soak_done = 1;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("suspect", 1500, "unknown");
	c.source = (char *) (uintptr_t) "movement";
	c.suspected = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("confirmed", 1600, "right");
	c.confirms = (char *) (uintptr_t) "suspect";
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("lone-suspect", 1700, "unknown");
	c.source = (char *) (uintptr_t) "movement";
	c.suspected = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("b", 1100, "unknown"); /* stored late, read in time order */
	c.room_c = NAN;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("at-until", 2000, "left");
	assert_int_equal(store_cramp_add(s, &c), 0);

	for (int64_t t = 999; t <= 2000; t += 250) {
		struct store_advisory a = {
			.kind = (char *) (uintptr_t) "cramp_frequency",
			.time = t,
			.tz_offset_s = 7200,
			.message = (char *) (uintptr_t) "see a doctor",
			.count = (int) (t / 250),
		};
		char id[32];

		snprintf(id, sizeof(id), "adv-%lld", (long long) t);
		assert_int_equal(store_advisory_add(s, id, &a), 0);
		assert_int_equal(store_room_temperature_add(s, t, 3600, 17.0 + (double) t / 1000),
				 0);
	}
	assert_int_equal(store_room_temperature_add(s, 2000, 3600, 30.0), 0);
	assert_int_equal(store_fixture_record(s, "r-0", "foot_soak", "done", 999, 3600), 0);
	assert_int_equal(store_fixture_record(s, "r-1", "foot_soak", "snoozed", 1200, 3600), 0);
	assert_int_equal(store_fixture_record(s, "r-2", "stretch", "done", 1300, 3600), 0);
	assert_int_equal(store_fixture_record(s, "r-3", "foot_soak", "started", 1000, 0), 0);
	assert_int_equal(store_fixture_record(s, "r-4", "foot_soak", "done", 2000, 3600), 0);
	store_close(s);

	store_file(state, path);
	assert_int_equal(store_open_read_only(path, &s), 0);

	/* [1000, 2000), in time order, the suspected cramp that was confirmed left out. */
	assert_int_equal(store_cramps_read_range(s, 1000, 2000, &cramps), 4);
	assert_string_equal(cramps[0].id, "a");
	assert_string_equal(cramps[0].site, "calf");
	assert_string_equal(cramps[0].note, "woke me");
	assert_true(cramps[0].room_c == 17.25);
	assert_int_equal(cramps[0].soak_done, 1);
	assert_int_equal(cramps[0].tz_offset_s, 3600);
	assert_string_equal(cramps[1].id, "b");
	assert_null(cramps[1].site);
	assert_null(cramps[1].note);
	assert_true(isnan(cramps[1].room_c));
	assert_int_equal(cramps[1].soak_done, -1);
	assert_string_equal(cramps[2].id, "confirmed");
	assert_string_equal(cramps[2].confirms, "suspect");
	assert_string_equal(cramps[3].id, "lone-suspect");
	assert_true(cramps[3].suspected);
	store_cramps_free(cramps, 4);
	assert_int_equal(store_cramps_read_range(s, 3000, 4000, &cramps), 0);
	store_cramps_free(cramps, 0);

	assert_int_equal(store_advisories_read_range(s, 1000, 2000, &advisories), 4);
	assert_true(advisories[0].time == 1249);
	assert_true(advisories[3].time == 1999);
	assert_string_equal(advisories[3].kind, "cramp_frequency");
	assert_string_equal(advisories[3].message, "see a doctor");
	assert_int_equal(advisories[3].tz_offset_s, 7200);
	assert_int_equal(advisories[3].count, 1999 / 250);
	store_advisories_free(advisories, 4);

	assert_int_equal(store_room_temperature_read_range(s, 1000, 2000, &samples), 4);
	assert_true(samples[0].time == 1249);
	assert_true(samples[0].room_c == 17.0 + 1249.0 / 1000);
	assert_int_equal(samples[0].tz_offset_s, 3600);
	assert_true(samples[3].time == 1999);
	free(samples);

	assert_int_equal(store_reminder_records_read_range(s, 1000, 2000, &records), 3);
	assert_string_equal(records[0].run_id, "r-3");
	assert_string_equal(records[0].record, "started");
	assert_int_equal(records[0].tz_offset_s, 0);
	assert_string_equal(records[1].run_id, "r-1");
	assert_string_equal(records[1].record, "snoozed");
	assert_true(records[1].time == 1200);
	assert_string_equal(records[2].reminder, "stretch");
	store_reminder_records_free(records, 3);
	store_close(s);
}

/* A store of schema 2 (before confirms and the answers) is read as it is, not migrated. */
static void test_reads_a_schema_2_store(void **state)
{
	struct store_reminder_record *records = NULL;
	struct store_cramp *cramps = NULL;
	char path[PATH_MAX_TEST];
	struct store *s = NULL;

	store_fixture_schema_2(*state);
	store_file(state, path);
	assert_int_equal(store_open_read_only(path, &s), 0);
	assert_int_equal(store_schema_version(s), 2);
	assert_int_equal(store_cramps_read_range(s, 0, 1000, &cramps), 1);
	assert_string_equal(cramps[0].id, "old");
	assert_null(cramps[0].confirms);
	store_cramps_free(cramps, 1);
	assert_int_equal(store_cramps_read(s, true, 0, 10, &cramps), 1);
	assert_string_equal(cramps[0].id, "old");
	store_cramps_free(cramps, 1);
	assert_int_equal(store_reminder_records_read_range(s, 0, 1000, &records), 0);
	assert_null(records);
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, 1000), 0);
	store_close(s);

	assert_int_equal(store_open_read_only(path, &s), 0);
	assert_int_equal(store_schema_version(s), 2);
	store_close(s);
}

/* A store of schema 3 (with the answers, before the reminders) is read as it is. */
static void test_reads_a_schema_3_store(void **state)
{
	struct store_reminder_record *records = NULL;
	struct store_reminder_state *states = NULL;
	struct store_reminder_event *events = NULL;
	struct store_cramp *cramps = NULL;
	char path[PATH_MAX_TEST];
	struct store *s = NULL;

	store_fixture_schema_3(*state);
	store_file(state, path);
	assert_int_equal(store_open_read_only(path, &s), 0);
	assert_int_equal(store_schema_version(s), 3);
	assert_int_equal(store_reminder_records_read_range(s, 0, 2000, &records), 2);
	assert_string_equal(records[0].record, "snoozed");
	assert_string_equal(records[1].record, "done");
	store_reminder_records_free(records, 2);
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, 2000), 1);
	assert_int_equal(store_reminder_answered(s, "foot_soak", true, 0, 2000), 0);
	assert_int_equal(store_reminder_states_read(s, &states), 0);
	assert_int_equal(store_reminder_outbox_read(s, 10, &events), 0);
	assert_int_equal(store_cramps_read_range(s, 0, 1000, &cramps), 1);
	assert_false(cramps[0].time_estimated);
	store_cramps_free(cramps, 1);
	store_close(s);
}

/* A store of schema 4 (before amended cramps) is read as it is: nothing amended. */
static void test_reads_a_schema_4_store(void **state)
{
	struct store_cramp *cramps = NULL, c;
	char path[PATH_MAX_TEST];
	struct store *s = NULL;
	sqlite3 *db;

	assert_int_equal(store_open(*state, &s), 0);
	c = store_fixture_cramp("c-4", 100, "left");
	assert_int_equal(store_cramp_add(s, &c), 0);
	store_close(s);
	s = NULL;
	store_file(state, path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "ALTER TABLE cramps DROP COLUMN amended;"
				      "PRAGMA user_version = 4;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(store_open_read_only(path, &s), 0);
	assert_int_equal(store_schema_version(s), 4);
	assert_int_equal(store_cramps_read_range(s, 0, 1000, &cramps), 1);
	assert_string_equal(cramps[0].id, "c-4");
	assert_false(cramps[0].amended);
	store_cramps_free(cramps, 1);
	assert_int_equal(store_cramps_read(s, true, 0, 10, &cramps), 1);
	store_cramps_free(cramps, 1);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_missing_file_fails_and_creates_nothing),
		STORE_TEST(test_newer_schema_is_refused),
		STORE_TEST(test_before_the_cramp_log_is_refused),
		STORE_TEST(test_garbage_is_refused),
		STORE_TEST(test_read_only_writes_nothing),
		STORE_TEST(test_report_queries_read_what_was_written),
		STORE_TEST(test_reads_a_schema_2_store),
		STORE_TEST(test_reads_a_schema_3_store),
		STORE_TEST(test_reads_a_schema_4_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
