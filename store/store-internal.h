#pragma once

/*
 * Inside the store: the object every file of store/ works on, and the
 * helpers they share. Internal to store/: the one header that names SQLite's
 * types, included by the .c files of store/ only, never by a public header.
 */

#include <sqlite3.h>
#include <stdbool.h>

struct store {
	sqlite3 *db;
	char *path;
};

/* Migrates the open file to the current schema (store/schema.c). Returns 0 or -errno. */
int store_migrate(struct store *s);

/* Runs @sql (no parameters, no rows). Returns 0 or -errno. */
int sql_exec(struct store *s, const char *sql);

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
