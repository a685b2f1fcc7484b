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
 * A cramp to store: @id, @time and @leg borrowed; recorded 5 s after, 17.5 °C,
 * in bed since a minute before, heater unknown, duty 0.25, soak unknown.
 */
struct store_cramp store_fixture_cramp(const char *id, int64_t time, const char *leg);
