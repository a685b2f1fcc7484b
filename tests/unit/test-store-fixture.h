#pragma once

#include <stdint.h>

#include "store/store.h"

/* What the store's tests share: a temporary directory each, and old files. */

/* cmocka setup and teardown: a new temporary directory in *state, removed after. */
int store_fixture_setup(void **state);
int store_fixture_teardown(void **state);

/* A cmocka test with its own temporary directory in *state. */
#define STORE_TEST(f)                                                                              \
	cmocka_unit_test_setup_teardown(f, store_fixture_setup, store_fixture_teardown)

/*
 * Writes <@dir>/bedroomd.db as bedroomd wrote schema 2 (as shipped, before
 * confirms and the reminder answers), with SQLite itself, not the store, and
 * in it one undelivered cramp 'old' (left leg, at time 100).
 */
void store_fixture_schema_2(const char *dir);

/*
 * Writes <@dir>/bedroomd.db as bedroomd wrote schema 3 (as shipped, with the
 * reminder answers), with SQLite itself: schema 2's cramp 'old', and the
 * answers r-1 (foot_soak "snooze" at 1200) and r-2 (stretch "done" at 1300).
 */
void store_fixture_schema_3(const char *dir);

/* Commits one record of @reminder (its run @run_id) at @time; returns what the store says. */
int store_fixture_record(struct store *s, const char *run_id, const char *reminder,
			 const char *record, int64_t time, int tz_offset_s);

/*
 * A cramp to store: @id, @time and @leg borrowed; recorded 5 s after, 17.5 °C,
 * in bed since a minute before, heater unknown, duty 0.25, soak unknown.
 */
struct store_cramp store_fixture_cramp(const char *id, int64_t time, const char *leg);
