#pragma once

/*
 * For tests only (library bedroomd-store-testing, never linked into a
 * program that ships): make a store file look like another version of
 * bedroomd wrote it, without naming SQLite outside store/.
 */

/*
 * Sets the schema version recorded in the store file @path to @version, and
 * changes nothing else. Returns 0 or a negative errno.
 */
int store_testing_set_schema_version(const char *path, int version);
