#pragma once

/*
 * SQLite result codes as negative errno values, for the files of the store:
 * the one place that knows what each means to a caller (full disk, corrupt
 * file, busy, ...). SQLITE_* codes stop here: no store function returns one.
 * Takes the plain int, so this header names no SQLite type.
 */
int errno_from_sqlite(int rc);
