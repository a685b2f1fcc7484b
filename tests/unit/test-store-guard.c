/* The store guard on a real directory: a damaged store moved aside, and what it keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/alerts.h"
#include "daemon/store-guard.h"
#include "tests/unit/test-store-fixture.h"

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_text(const char *dir, const char *name, const char *want)
{
	char path[400], got[200] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	assert_non_null(f);
	(void) !fgets(got, sizeof(got), f);
	fclose(f);
	if (strcmp(got, want) != 0)
		fail_msg("%s: want '%s', got '%s'", name, want, got);
}

/*
 * A damaged store moved aside under a name a file kept before has (the
 * clock set back gives a time again): rename() replaced that file, and left
 * it beside the -wal of the one before, which SQLite then applied to it when
 * salvaging. Now the kept files stay as they were and the new one gets a
 * name of its own.
 */
static void test_a_kept_file_is_never_replaced(void **state)
{
	static const struct store_guard_callbacks cb = { 0 };
	static const struct alerts_callbacks acb = { 0 };
	const char *dir = *state;
	long long now = (long long) time(NULL);
	struct store_guard *g = NULL;
	struct alerts *alerts = NULL;
	sd_event *e = NULL;
	char name[120];

	/* Kept before, with a -wal of its own, at every time this run may take. */
	for (long long t = now; t < now + 5; t++) {
		snprintf(name, sizeof(name), "%s.corrupt-%lld", STORE_FILE_NAME, t);
		write_text(dir, name, "kept before");
		snprintf(name, sizeof(name), "%s.corrupt-%lld-wal", STORE_FILE_NAME, t);
		write_text(dir, name, "its wal");
	}
	write_text(dir, STORE_FILE_NAME, "damaged: not a database, but not empty either");
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(alerts_new(e, "n", &acb, NULL, &alerts), 0);
	assert_int_equal(store_guard_new(e, dir, -1, alerts, &cb, NULL, &g), 0);
	assert_non_null(store_guard_get(g));
	for (long long t = now; t < now + 5; t++) {
		snprintf(name, sizeof(name), "%s.corrupt-%lld", STORE_FILE_NAME, t);
		assert_text(dir, name, "kept before");
		snprintf(name, sizeof(name), "%s.corrupt-%lld-wal", STORE_FILE_NAME, t);
		assert_text(dir, name, "its wal");
	}
	g = store_guard_free(g);
	alerts = alerts_free(alerts);
	sd_event_unref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_a_kept_file_is_never_replaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
