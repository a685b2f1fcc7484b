/* The room temperature samples. */
#include "store/room-temperature.h"

#include <errno.h>
#include <stddef.h>

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

/* Runs @sql (at most one row of one REAL column; two integer parameters) into *ret_c. */
static int room_temperature_query(struct store *s, const char *sql, int64_t a, int64_t b,
				  double *ret_c)
{
	sqlite3_stmt *st;
	int rc, r = -ENODATA;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
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
	    until, ret_c);
}

int store_room_temperature_at(struct store *s, int64_t time, int64_t max_gap_s, double *ret_c)
{
	return room_temperature_query(s,
				      "SELECT room_c FROM room_temperature WHERE time >= ?1 - ?2 "
				      "AND time <= ?1 + ?2 ORDER BY abs(time - ?1) LIMIT 1;",
				      time, max_gap_s, ret_c);
}
