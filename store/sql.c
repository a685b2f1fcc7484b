/* Helpers every file of the store shares: see store/store-internal.h. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

int sql_exec(struct store *s, const char *sql)
{
	return errno_from_sqlite(sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

int store_rollback(struct store *s)
{
	/*
	 * The ROLLBACK itself may fail (no memory for it, or refused) and leave
	 * the transaction open: every later BEGIN would fail, and every single
	 * write would wait in it, never committed. It may also fail only because
	 * SQLite rolled back already (after an I/O error, a full disk): what
	 * counts is whether the connection is out of the transaction.
	 */
	for (int attempt = 0; attempt < 2; attempt++) {
		(void) sql_exec(s, "ROLLBACK;");
		if (sqlite3_get_autocommit(s->db))
			return 0;
	}
	/* A new connection, without the transaction; the old one's is rolled back as it closes. */
	return store_reconnect(s);
}

int sql_errno_from_insert(struct store *s, int rc)
{
	if ((rc & 0xff) != SQLITE_CONSTRAINT)
		return errno_from_sqlite(rc);
	return sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_CHECK ? -EINVAL : -EEXIST;
}

void sql_bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void sql_bind_real_or_null(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

void sql_bind_tristate(sqlite3_stmt *st, int i, int v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int(st, i, v);
}

char *sql_column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? strdup((const char *) v) : NULL;
}

double sql_column_real(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

int sql_column_tristate(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i);
}

bool sql_column_copy_failed(sqlite3_stmt *st, int i, const char *copy)
{
	return !copy && sqlite3_column_type(st, i) != SQLITE_NULL;
}

int sql_array_reserve(void **array, size_t n, size_t size)
{
	size_t capacity = n ? 2 * n : 1;
	void *p;

	/* Holding n, it has room for the next power of two: full only at 0 and at a power. */
	if (n & (n - 1))
		return 0;
	if (n > SIZE_MAX / 2 / size)
		return -ENOMEM;
	p = realloc(*array, capacity * size);
	if (!p)
		return -ENOMEM;
	*array = p;
	return 0;
}

int sql_read_rows(sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *item), size_t size,
		  void **array, size_t *n)
{
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = sql_array_reserve(array, *n, size);
		if (r < 0)
			break;
		r = row(st, (char *) *array + *n * size);
		(*n)++;
		if (r < 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = errno_from_sqlite(rc);
	sqlite3_finalize(st);
	return r;
}
