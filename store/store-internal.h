#pragma once

/*
 * Inside the store: the object every file of store/ works on, and the
 * helpers they share. Internal to store/: the one header that names SQLite's
 * types, included by the .c files of store/ only, never by a public header.
 */

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* The schema versions the queries tell apart: what each added (see store/schema.c). */
enum store_schema {
	STORE_SCHEMA_SETTINGS = 1,  /* settings */
	STORE_SCHEMA_CRAMP_LOG = 2, /* cramps, advisories, room_temperature */
	STORE_SCHEMA_CONFIRMS = 3,  /* cramps.confirms, reminder_answers */
	STORE_SCHEMA_REMINDERS = 4, /* reminder_log (was reminder_answers), reminder_state,
				     * reminder_outbox, cramps.time_estimated */
	STORE_SCHEMA_AMENDED = 5,   /* cramps.amended */
	STORE_SCHEMA_RELAYS = 6,    /* relays */
};

struct store {
	sqlite3 *db;
	char *path;
	int schema;        /* of the open file: the current one, but for a read-only open */
	int opened_schema; /* what the file was when opened: 0 for a new one */
};

/* Migrates the open file to the current schema (store/schema.c). Returns 0 or -errno. */
int store_migrate(struct store *s);

/*
 * The schema version of a file opened read-only, checked: returns it
 * (STORE_SCHEMA_CRAMP_LOG to the current one), -EPROTONOSUPPORT when it is
 * newer, -ENODATA when it is older, or the -errno of the failed read.
 */
int store_schema_readable(struct store *s);

/* Runs @sql (no parameters, no rows). Returns 0 or -errno. */
int sql_exec(struct store *s, const char *sql);

/*
 * Ends the transaction open on @s after a failure: ROLLBACK, checked by
 * whether the connection is out of it (SQLite may have rolled back on its
 * own), tried twice; when it is still in it, the connection is replaced by a
 * new one (store_reconnect()). Every ROLLBACK of the store goes through here.
 * Returns 0 once no transaction is open, or the -errno of the new connection
 * that could not be made (@s then keeps the old one, still in its transaction).
 */
int store_rollback(struct store *s);

/*
 * Replaces the connection of @s, a store opened by store_open(), by a new one
 * to the same file, set up the same way; the old one is closed, which rolls
 * back what it had open. Statements of the old connection must be finalized.
 * Returns 0, or a negative errno with @s and its connection as they were.
 */
int store_reconnect(struct store *s);

/*
 * As errno_from_sqlite(), for the result @rc of an INSERT: -EEXIST for a
 * duplicate id, -EINVAL for a value a CHECK refuses.
 */
int sql_errno_from_insert(struct store *s, int rc);

/* Binds @v, or NULL when @v is NULL (text), NAN (real) or negative (tristate). */
void sql_bind_text_or_null(sqlite3_stmt *st, int i, const char *v);
void sql_bind_real_or_null(sqlite3_stmt *st, int i, double v);
void sql_bind_tristate(sqlite3_stmt *st, int i, int v);

/* A new copy of text column @i (NULL when NULL or out of memory). */
char *sql_column_strdup(sqlite3_stmt *st, int i);
/* Real column @i; NAN when NULL. */
double sql_column_real(sqlite3_stmt *st, int i);
/* Integer column @i; -1 when NULL. */
int sql_column_tristate(sqlite3_stmt *st, int i);
/* Whether text column @i held a value that @copy, from sql_column_strdup(), lost. */
bool sql_column_copy_failed(sqlite3_stmt *st, int i, const char *copy);

/*
 * Makes room for item @n (counting from 0) in *@array of items of @size,
 * which holds @n items and was grown by this function alone (from NULL),
 * doubling. Returns 0 or -ENOMEM (*@array is left as it was).
 */
int sql_array_reserve(void **array, size_t n, size_t size);

/*
 * Steps through @st (prepared, its parameters bound), then finalizes it. Each
 * row becomes a new item of @size at the end of *@array (NULL at first, grown
 * with sql_array_reserve()), filled by @row, which returns 0 or -ENOMEM; *@n
 * counts the items, one that @row failed to fill too, so that freeing the *@n
 * items frees all. Returns 0 or -errno; on failure the caller frees them.
 */
int sql_read_rows(sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *item), size_t size,
		  void **array, size_t *n);

/*
 * Copies the columns @columns (a list of names) of @table from @from, a
 * damaged file opened read-only, into the same table of @to: as far as @from
 * reads, from the first row on, then from the last back to where the damage
 * stopped it (what lies between is lost), in the order they were stored (by
 * rowid: seq's order); a row @to refuses (one it holds already by a unique
 * column, a value the damage garbled) is left. One transaction of @to.
 * Returns how many rows were copied, or the -errno of @to (none was copied)
 * or of a read that could not begin.
 */
int sql_salvage_rows(struct store *from, struct store *to, const char *table, const char *columns);
