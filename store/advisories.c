/* The advisories that fired. */
#include "store/advisories.h"

#include <errno.h>
#include <stdlib.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

int store_advisory_add(struct store *s, const char *id, const struct store_advisory *a)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(
	    s->db,
	    "INSERT INTO advisories (id, kind, time, tz_offset_s, message, count) "
	    "VALUES (?, ?, ?, ?, ?, ?);",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->time);
	sqlite3_bind_int(st, 4, a->tz_offset_s);
	sqlite3_bind_text(st, 5, a->message, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, a->count);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return sql_errno_from_insert(s, rc);
}

int store_advisories_read(struct store *s, int64_t since, struct store_advisory **ret)
{
	return store_advisories_read_range(s, since, INT64_MAX, ret);
}

/* Fills @item, a struct store_advisory, from the row of @st. */
static int advisory_from_row(sqlite3_stmt *st, void *item)
{
	struct store_advisory *a = item;

	*a = (struct store_advisory){
		.kind = sql_column_strdup(st, 0),
		.time = sqlite3_column_int64(st, 1),
		.tz_offset_s = sqlite3_column_int(st, 2),
		.message = sql_column_strdup(st, 3),
		.count = sql_column_tristate(st, 4),
	};
	return a->kind && a->message ? 0 : -ENOMEM;
}

int store_advisories_read_range(struct store *s, int64_t since, int64_t until,
				struct store_advisory **ret)
{
	struct store_advisory *list = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc, r;

	rc = sqlite3_prepare_v2(s->db,
				"SELECT kind, time, tz_offset_s, message, count FROM advisories "
				"WHERE time >= ? AND time < ? ORDER BY time, seq;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	r = sql_read_rows(st, advisory_from_row, sizeof(*list), (void **) &list, &n);
	if (r < 0) {
		store_advisories_free(list, n);
		return r;
	}
	*ret = list;
	return (int) n;
}

void store_advisories_free(struct store_advisory *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		free(a[i].kind);
		free(a[i].message);
	}
	free(a);
}

int store_advisories_salvage(struct store *from, struct store *to)
{
	return sql_salvage_rows(from, to, "advisories",
				"id, kind, time, tz_offset_s, message, count");
}
