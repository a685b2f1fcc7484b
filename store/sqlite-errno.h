#pragma once

/*
 * SQLite result codes as negative errno values, for the store and for
 * bedroomctl's read-only report: the one place that knows what each means
 * to a caller (full disk, corrupt file, busy, ...). Takes the plain int, so
 * no header outside these two names an SQLite type.
 */
int errno_from_sqlite(int rc);
