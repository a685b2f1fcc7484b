/* Copying a damaged file's table row by row, as far as it reads: see store/store-internal.h. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

/* The rows read: @cols values each, one row after another, as SQLite gave them. */
struct salvaged_rows {
	sqlite3_value **values;
	size_t n;
	int cols;
};

static void rows_clear(struct salvaged_rows *rows)
{
	for (size_t i = 0; i < rows->n * (size_t) rows->cols; i++)
		sqlite3_value_free(rows->values[i]);
	free(rows->values);
}

/* Appends the row of @st but its first column (the rowid) to @rows. Returns 0 or -ENOMEM. */
static int rows_add(struct salvaged_rows *rows, sqlite3_stmt *st)
{
	sqlite3_value **row;
	int r;

	r = sql_array_reserve((void **) &rows->values, rows->n,
			      (size_t) rows->cols * sizeof(sqlite3_value *));
	if (r < 0)
		return r;
	row = rows->values + rows->n * (size_t) rows->cols;
	for (int i = 0; i < rows->cols; i++) {
		row[i] = sqlite3_value_dup(sqlite3_column_value(st, i + 1));
		if (!row[i]) {
			while (i-- > 0)
				sqlite3_value_free(row[i]);
			return -ENOMEM;
		}
	}
	rows->n++;
	return 0;
}

/*
 * Reads @st (the rowid, then the columns) onto @rows, as far as the file
 * reads, then finalizes it; *@last_seq: the rowid of the last row read. Returns 0, or
 * the -errno that stopped the read: the rows before it stay.
 */
static int rows_read(sqlite3_stmt *st, struct salvaged_rows *rows, int64_t *last_seq)
{
	int rc, r = 0;

	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = rows_add(rows, st);
		if (r == 0)
			*last_seq = sqlite3_column_int64(st, 0);
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = errno_from_sqlite(rc);
	sqlite3_finalize(st);
	return r;
}

/* Prepares the read of "rowid, @columns" of @table in @from: in @order, after rowid ?1. */
static int prepare_read(struct store *from, const char *table, const char *columns,
			const char *order, sqlite3_stmt **st)
{
	char sql[800];
	int n;

	/* NOT INDEXED: the table's own pages, in their order (seq's), whatever became of an index.
	 */
	n = snprintf(sql, sizeof(sql),
		     "SELECT rowid, %s FROM %s NOT INDEXED WHERE rowid > ? ORDER BY rowid %s;",
		     columns, table, order);
	if (n < 0 || (size_t) n >= sizeof(sql))
		return -ENAMETOOLONG; /* columns longer than ours */
	return errno_from_sqlite(sqlite3_prepare_v2(from->db, sql, -1, st, NULL));
}

/* Inserts @rows into @table (@columns) of @to, in order: the first @forward read so, the rest back.
 */
static int rows_write(struct store *to, const char *table, const char *columns,
		      const struct salvaged_rows *rows, size_t forward)
{
	char sql[1000];
	sqlite3_stmt *st;
	int copied = 0, n, r;

	n = snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO %s (%s) VALUES (?", table, columns);
	for (int i = 1; i < rows->cols && n > 0 && (size_t) n < sizeof(sql); i++)
		n += snprintf(sql + n, sizeof(sql) - (size_t) n, ", ?");
	if (n > 0 && (size_t) n < sizeof(sql))
		n += snprintf(sql + n, sizeof(sql) - (size_t) n, ");");
	if (n < 0 || (size_t) n >= sizeof(sql))
		return -ENAMETOOLONG; /* columns longer than ours */
	r = errno_from_sqlite(sqlite3_prepare_v2(to->db, sql, -1, &st, NULL));
	if (r < 0)
		return r;
	r = sql_exec(to, "BEGIN IMMEDIATE;");
	for (size_t i = 0; r >= 0 && i < rows->n; i++) {
		size_t k = i < forward ? i : rows->n - 1 - (i - forward);
		sqlite3_value *const *row = rows->values + k * (size_t) rows->cols;

		for (int c = 0; c < rows->cols; c++)
			sqlite3_bind_value(st, c + 1, row[c]);
		/* OR IGNORE: a row @to has already (by a unique id), or one the damage garbled. */
		r = errno_from_sqlite(sqlite3_step(st));
		if (r >= 0 && sqlite3_changes(to->db) > 0)
			copied++;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (r >= 0)
		r = sql_exec(to, "COMMIT;");
	if (r < 0)
		(void) store_rollback(to);
	return r < 0 ? r : copied;
}

int sql_salvage_rows(struct store *from, struct store *to, const char *table, const char *columns)
{
	struct salvaged_rows rows = { 0 };
	sqlite3_stmt *st;
	int64_t last = INT64_MIN;
	size_t forward;
	int r;

	assert(from && to && table && columns);
	r = prepare_read(from, table, columns, "ASC", &st);
	if (r < 0)
		return r;
	rows.cols = sqlite3_column_count(st) - 1;
	sqlite3_bind_int64(st, 1, INT64_MIN);
	/* From the oldest on; when the damage stops that, from the newest back to the last read. */
	r = rows_read(st, &rows, &last);
	forward = rows.n;
	if (r < 0 && r != -ENOMEM && prepare_read(from, table, columns, "DESC", &st) >= 0) {
		int64_t ignored;

		sqlite3_bind_int64(st, 1, last);
		(void) rows_read(st, &rows, &ignored);
	}
	r = rows.n > 0 ? rows_write(to, table, columns, &rows, forward) : 0;
	rows_clear(&rows);
	return r;
}
