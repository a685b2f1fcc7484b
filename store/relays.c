/* When each heater's relay was last told on and off. */
#include "store/relays.h"

#include <assert.h>
#include <errno.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

int store_relay_get(struct store *s, const char *heater, struct store_relay *ret)
{
	sqlite3_stmt *st;
	int rc, r;

	assert(s);
	assert(heater);
	assert(ret);
	if (s->schema < STORE_SCHEMA_RELAYS)
		return -ENOENT;
	rc = sqlite3_prepare_v2(s->db, "SELECT last_on, last_off FROM relays WHERE heater = ?;", -1,
				&st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, heater, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret = (struct store_relay){
			.last_on_usec = sqlite3_column_int64(st, 0),
			.last_off_usec = sqlite3_column_int64(st, 1),
		};
		r = 0;
	} else {
		r = rc == SQLITE_DONE ? -ENOENT : errno_from_sqlite(rc);
	}
	sqlite3_finalize(st);
	return r;
}

int store_relay_switched(struct store *s, const char *heater, bool on, int64_t time_usec)
{
	sqlite3_stmt *st;
	int rc;

	assert(s);
	assert(heater);
	rc = sqlite3_prepare_v2(
	    s->db,
	    on ? "INSERT INTO relays (heater, last_on) VALUES (?1, ?2) "
		 "ON CONFLICT(heater) DO UPDATE SET last_on = excluded.last_on;"
	       : "INSERT INTO relays (heater, last_off) VALUES (?1, ?2) "
		 "ON CONFLICT(heater) DO UPDATE SET last_off = excluded.last_off;",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, heater, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, time_usec);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return errno_from_sqlite(rc);
}

int store_relays_salvage(struct store *from, struct store *to)
{
	if (from->schema < STORE_SCHEMA_RELAYS)
		return 0;
	return sql_salvage_rows(from, to, "relays", "heater, last_on, last_off");
}
