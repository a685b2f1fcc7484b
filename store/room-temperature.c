/* The room temperature samples. */
#include "store/room-temperature.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

int store_room_temperature_add(struct store *s, int64_t time, int tz_offset_s, double room_c)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(
	    s->db,
	    "INSERT OR REPLACE INTO room_temperature (time, tz_offset_s, room_c) "
	    "VALUES (?, ?, ?);",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, time);
	sqlite3_bind_int(st, 2, tz_offset_s);
	sqlite3_bind_double(st, 3, room_c);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return errno_from_sqlite(rc);
}

/* Runs @sql (at most one row of one REAL column; two or three integer parameters) into *ret_c. */
static int room_temperature_query(struct store *s, const char *sql, int64_t a, int64_t b, int64_t c,
				  double *ret_c)
{
	sqlite3_stmt *st;
	int rc, r = -ENODATA;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, c);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*ret_c = sqlite3_column_double(st, 0);
		r = 0;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		r = errno_from_sqlite(rc);
	}
	sqlite3_finalize(st);
	return r;
}

int store_room_temperature_min(struct store *s, int64_t since, int64_t until, double *ret_c)
{
	return room_temperature_query(
	    s, "SELECT min(room_c) FROM room_temperature WHERE time >= ?1 AND time <= ?2;", since,
	    until, 0, ret_c);
}

int store_room_temperature_at(struct store *s, int64_t time, int64_t before_s, int64_t after_s,
			      double *ret_c)
{
	return room_temperature_query(s,
				      "SELECT room_c FROM room_temperature WHERE time >= ?1 - ?2 "
				      "AND time <= ?1 + ?3 ORDER BY abs(time - ?1) LIMIT 1;",
				      time, before_s, after_s, ret_c);
}

/* Fills @item, a struct store_room_sample, from the row of @st. */
static int sample_from_row(sqlite3_stmt *st, void *item)
{
	*(struct store_room_sample *) item = (struct store_room_sample){
		.time = sqlite3_column_int64(st, 0),
		.tz_offset_s = sqlite3_column_int(st, 1),
		.room_c = sqlite3_column_double(st, 2),
	};
	return 0;
}

int store_room_temperature_read_range(struct store *s, int64_t since, int64_t until,
				      struct store_room_sample **ret)
{
	struct store_room_sample *list = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc, r;

	rc = sqlite3_prepare_v2(s->db,
				"SELECT time, tz_offset_s, room_c FROM room_temperature "
				"WHERE time >= ? AND time < ? ORDER BY time;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	r = sql_read_rows(st, sample_from_row, sizeof(*list), (void **) &list, &n);
	if (r < 0) {
		free(list);
		return r;
	}
	*ret = list;
	return (int) n;
}

int store_room_temperature_salvage(struct store *from, struct store *to)
{
	return sql_salvage_rows(from, to, "room_temperature", "time, tz_offset_s, room_c");
}
