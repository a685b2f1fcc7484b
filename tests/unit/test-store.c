/* The real store on real SQLite files in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/store.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_creates_dir_and_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_survive_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_file_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_an_old_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
