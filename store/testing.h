#pragma once

#include <stdbool.h>

struct store;

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

/*
 * Makes every write of the reminders to the store file @path fail (@fail) as
 * a full disk would, with triggers that abort them; or lets them work again.
 * The store open on the file sees it at its next statement. Returns 0 or a
 * negative errno.
 */
int store_testing_fail_reminder_writes(const char *path, bool fail);

/*
 * Makes the next *@times ROLLBACKs on the connection of the open store @s
 * fail, as one that cannot run (no memory for it) does, leaving the
 * transaction open; counts *@times down, and then lets them run. @times is
 * the caller's and must outlive that connection. Returns 0 or a negative errno.
 */
int store_testing_refuse_rollback(struct store *s, unsigned *times);
