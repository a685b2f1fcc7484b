/* set/floor and set/mode: bad payloads change nothing, the same value is not written again. */
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

#include <systemd/sd-event.h>

#include "daemon/heating-settings.h"
#include "store/settings.h"
#include "tests/unit/test-store-fixture.h"

static const struct config_heating config = {
	.mode = CONFIG_HEATING_MODE_HEAT,
	.floor_c = 18.0,
	.floor_min_c = 16.0,
	.floor_max_c = 24.0,
	.day_floor_c = NAN,
};

/* Commits by other connections to the store file: SQLite's data_version counts them. */
static int commits_seen(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v;

	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA data_version;", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static sqlite3 *open_watcher(const char *dir)
{
	char path[512];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/bedroomd.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return db;
}

/* Sends @payload; @changed: whether the setting is to change. */
static void send(struct heating_settings *s, bool floor, const char *payload, bool changed)
{
	size_t len = strlen(payload);

	if (floor)
		assert_int_equal(heating_settings_set_floor(s, payload, len), changed);
	else
		assert_int_equal(heating_settings_set_mode(s, payload, len), changed);
}

static void test_identical_settings_are_not_written_again(void **state)
{
	const char *dir = *state;
	struct heating_settings s;
	struct store *store = NULL;
	sqlite3 *watcher;
	int before;

	assert_int_equal(store_open(dir, &store), 0);
	heating_settings_init(&s, &config);
	heating_settings_load(&s, store);
	watcher = open_watcher(dir);

	/* The first 20.5 is a change: one write. */
	before = commits_seen(watcher);
	send(&s, true, "20.5", true);
	assert_int_equal(commits_seen(watcher), before + 1);
	/* A thousand more of the same: none. */
	before = commits_seen(watcher);
	for (int i = 0; i < 1000; i++)
		send(&s, true, i % 2 ? "20.5" : "{\"floor\": 20.5}", false);
	send(&s, false, "heat", true);
	assert_int_equal(commits_seen(watcher), before + 1); /* heat: not kept yet */
	before = commits_seen(watcher);
	for (int i = 0; i < 1000; i++)
		send(&s, false, "heat", false);
	assert_int_equal(commits_seen(watcher), before);
	assert_true(s.floor_c == 20.5);

	/* A different value is written again. */
	send(&s, true, "19", true);
	assert_int_equal(commits_seen(watcher), before + 1);
	sqlite3_close(watcher);
	store_close(store);
}

static void test_kept_value_after_restart_is_not_written_again(void **state)
{
	const char *dir = *state;
	struct heating_settings s;
	struct store *store = NULL;
	sqlite3 *watcher;
	int before;

	assert_int_equal(store_open(dir, &store), 0);
	assert_int_equal(store_setting_set(store, "floor", "21.0"), 0);
	heating_settings_init(&s, &config);
	heating_settings_load(&s, store);
	assert_true(s.floor_c == 21.0);
	watcher = open_watcher(dir);
	before = commits_seen(watcher);
	send(&s, true, "21", false);
	assert_int_equal(commits_seen(watcher), before);
	sqlite3_close(watcher);
	store_close(store);
}

static void test_bad_payloads_change_nothing(void **state)
{
	static const char *const bad_floor[] = {
		"",
		"nan",
		"inf",
		"-inf",
		"1e999",
		"99",
		"-5",
		"\xff\xfe",
		"{\"floor\": true}",
		"[20]",
		"{\"floor\": null}",
		"20 21",
		"0x14",
	};
	static const char *const bad_mode[] = { "", "warm", "\xc3\x28", "[\"heat\"]", "{}" };
	const char *dir = *state;
	struct heating_settings s;
	struct store *store = NULL;
	sqlite3 *watcher;
	int before;

	assert_int_equal(store_open(dir, &store), 0);
	heating_settings_init(&s, &config);
	heating_settings_load(&s, store);
	watcher = open_watcher(dir);
	before = commits_seen(watcher);
	for (size_t i = 0; i < sizeof(bad_floor) / sizeof(bad_floor[0]); i++)
		send(&s, true, bad_floor[i], false);
	for (size_t i = 0; i < sizeof(bad_mode) / sizeof(bad_mode[0]); i++)
		send(&s, false, bad_mode[i], false);
	assert_true(s.floor_c == 18.0);
	assert_int_equal(s.mode, COMMAND_MODE_HEAT);
	assert_int_equal(commits_seen(watcher), before);
	/* The rate limit held back all but the first few warnings. */
	assert_true(s.warn_floor.limit.n_quiet > 0);
	assert_int_equal(s.warn_mode.limit.n_quiet, 0);
	heating_settings_done(&s);
	sqlite3_close(watcher);
	store_close(store);
}

/* A burst of different settings is one transaction, written a moment after the first. */
static void test_a_burst_is_written_once(void **state)
{
	const char *dir = *state;
	struct heating_settings s;
	struct store *store = NULL;
	sd_event *event = NULL;
	sqlite3 *watcher;
	char floor[16];
	char *v = NULL;
	int before;

	assert_int_equal(sd_event_new(&event), 0);
	assert_int_equal(store_open(dir, &store), 0);
	heating_settings_init(&s, &config);
	heating_settings_watch(&s, event, NULL, NULL);
	heating_settings_load(&s, store);
	watcher = open_watcher(dir);

	before = commits_seen(watcher);
	for (int i = 0; i < 2000; i++) {
		snprintf(floor, sizeof(floor), "%.1f", 19.0 + (i % 20) / 10.0);
		send(&s, true, floor, true);
		send(&s, false, i % 2 ? "heat" : "off", true);
	}
	assert_int_equal(commits_seen(watcher), before); /* nothing yet */
	/* The loop runs the timer: one transaction with the last of each. */
	while (commits_seen(watcher) == before)
		assert_true(sd_event_run(event, 3 * 1000 * 1000) > 0);
	assert_int_equal(commits_seen(watcher), before + 1);
	assert_int_equal(store_setting_get(store, "floor", &v), 0);
	assert_string_equal(v, "20.9");
	free(v);
	assert_int_equal(store_setting_get(store, "mode", &v), 0);
	assert_string_equal(v, "heat");
	free(v);

	/* One more, flushed at once (a shutdown): written without the loop. */
	send(&s, true, "17", true);
	heating_settings_flush(&s);
	assert_int_equal(commits_seen(watcher), before + 2);
	assert_int_equal(store_setting_get(store, "floor", &v), 0);
	assert_string_equal(v, "17.0");
	free(v);

	heating_settings_done(&s);
	sqlite3_close(watcher);
	store_close(store);
	sd_event_unref(event);
}

static void count_failure(void *userdata)
{
	(*(int *) userdata)++;
}

/*
 * A store that refuses the write (here another connection holds the write
 * lock; a full disk alike): the floor holds, stays waiting, and is written once
 * the store takes it. It used to be dropped, and a restart brought back the old.
 */
static void test_a_refused_write_is_written_later(void **state)
{
	const char *dir = *state;
	struct heating_settings s;
	struct store *store = NULL;
	sqlite3 *locker;
	char path[512];
	char *v = NULL;
	int failures = 0;

	assert_int_equal(store_open(dir, &store), 0);
	heating_settings_init(&s, &config);
	heating_settings_watch(&s, NULL, count_failure, &failures); /* no loop: written at once */
	heating_settings_load(&s, store);
	snprintf(path, sizeof(path), "%s/bedroomd.db", dir);
	assert_int_equal(sqlite3_open(path, &locker), SQLITE_OK);
	assert_int_equal(sqlite3_exec(locker, "BEGIN IMMEDIATE;", NULL, NULL, NULL), SQLITE_OK);

	send(&s, true, "20", true);
	assert_int_equal(failures, 1);
	assert_true(heating_settings_failing(&s));
	assert_float_equal(s.floor_c, 20.0, 0); /* in force meanwhile */
	assert_int_equal(sqlite3_exec(locker, "ROLLBACK;", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_setting_get(store, "floor", &v), -ENOENT);

	heating_settings_flush(&s); /* the store's return */
	assert_false(heating_settings_failing(&s));
	assert_int_equal(store_setting_get(store, "floor", &v), 0);
	assert_string_equal(v, "20.0");
	free(v);

	heating_settings_done(&s);
	sqlite3_close(locker);
	store_close(store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_identical_settings_are_not_written_again),
		STORE_TEST(test_kept_value_after_restart_is_not_written_again),
		STORE_TEST(test_bad_payloads_change_nothing),
		STORE_TEST(test_a_burst_is_written_once),
		STORE_TEST(test_a_refused_write_is_written_later),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
