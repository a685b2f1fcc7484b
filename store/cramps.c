/* The cramp log. */
#include "store/cramps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/sqlite-errno.h"
#include "store/store-internal.h"

int store_cramp_add(struct store *s, const struct store_cramp *c)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(
	    s->db,
	    "INSERT INTO cramps (id, time, tz_offset_s, recorded, leg, site, "
	    "source, suspected, note, room_c, min_room_c, in_bed, in_bed_since, "
	    "heater_on, heater_duty_1h, soak_done, count_7d, delivered, confirms, "
	    "time_estimated, amended) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->time);
	sqlite3_bind_int(st, 3, c->tz_offset_s);
	sqlite3_bind_int64(st, 4, c->recorded);
	sqlite3_bind_text(st, 5, c->leg, -1, SQLITE_STATIC);
	sql_bind_text_or_null(st, 6, c->site);
	sqlite3_bind_text(st, 7, c->source, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, c->suspected);
	sql_bind_text_or_null(st, 9, c->note);
	sql_bind_real_or_null(st, 10, c->room_c);
	sql_bind_real_or_null(st, 11, c->min_room_c);
	sql_bind_tristate(st, 12, c->in_bed);
	if (c->in_bed_since > 0)
		sqlite3_bind_int64(st, 13, c->in_bed_since);
	else
		sqlite3_bind_null(st, 13);
	sql_bind_tristate(st, 14, c->heater_on);
	sql_bind_real_or_null(st, 15, c->heater_duty_1h);
	sql_bind_tristate(st, 16, c->soak_done);
	sqlite3_bind_int(st, 17, c->count_7d);
	sqlite3_bind_int(st, 18, c->delivered);
	sql_bind_text_or_null(st, 19, c->confirms);
	sqlite3_bind_int(st, 20, c->time_estimated);
	sqlite3_bind_int(st, 21, c->amended);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return sql_errno_from_insert(s, rc);
}

int store_cramp_amend(struct store *s, const char *id, const char *leg, const char *site,
		      const char *note)
{
	sqlite3_stmt *st;
	int rc;

	/* Fills in only what is missing: what a report said first stays. */
	rc = sqlite3_prepare_v2(
	    s->db,
	    "UPDATE cramps SET leg = CASE leg WHEN 'unknown' THEN coalesce(?2, leg) "
	    "ELSE leg END, "
	    "site = coalesce(site, ?3), note = coalesce(note, ?4), amended = 1, "
	    "delivered = 0 WHERE id = ?1;",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sql_bind_text_or_null(st, 2, leg);
	sql_bind_text_or_null(st, 3, site);
	sql_bind_text_or_null(st, 4, note);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && sqlite3_changes(s->db) == 0)
		return -ENOENT;
	return errno_from_sqlite(rc);
}

int store_cramp_mark_delivered(struct store *s, const char *id)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "UPDATE cramps SET delivered = 1 WHERE id = ?;", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && sqlite3_changes(s->db) == 0)
		return -ENOENT;
	return errno_from_sqlite(rc);
}

/* The columns cramp_from_row() reads, but the last three: what is selected for them comes after. */
#define CRAMP_COLUMNS                                                                              \
	"id, time, tz_offset_s, recorded, leg, site, source, suspected, note, room_c, "            \
	"min_room_c, in_bed, in_bed_since, heater_on, heater_duty_1h, soak_done, count_7d, "       \
	"delivered, "

/* The last columns: a read-only store from before them (schema 2 to 4) has NULL and 0 instead. */
static const char *last_columns(const struct store *s)
{
	if (s->schema >= STORE_SCHEMA_AMENDED)
		return "confirms, time_estimated, amended";
	if (s->schema >= STORE_SCHEMA_REMINDERS)
		return "confirms, time_estimated, 0";
	return s->schema >= STORE_SCHEMA_CONFIRMS ? "confirms, 0, 0" : "NULL, 0, 0";
}

/* Fills @item, a struct store_cramp, from the row of @st (CRAMP_COLUMNS, then the last three). */
static int cramp_from_row(sqlite3_stmt *st, void *item)
{
	struct store_cramp *c = item;

	*c = (struct store_cramp){
		.id = sql_column_strdup(st, 0),
		.time = sqlite3_column_int64(st, 1),
		.tz_offset_s = sqlite3_column_int(st, 2),
		.recorded = sqlite3_column_int64(st, 3),
		.leg = sql_column_strdup(st, 4),
		.site = sql_column_strdup(st, 5),
		.source = sql_column_strdup(st, 6),
		.suspected = sqlite3_column_int(st, 7) != 0,
		.note = sql_column_strdup(st, 8),
		.room_c = sql_column_real(st, 9),
		.min_room_c = sql_column_real(st, 10),
		.in_bed = sql_column_tristate(st, 11),
		.in_bed_since = sqlite3_column_int64(st, 12),
		.heater_on = sql_column_tristate(st, 13),
		.heater_duty_1h = sql_column_real(st, 14),
		.soak_done = sql_column_tristate(st, 15),
		.count_7d = sqlite3_column_int(st, 16),
		.delivered = sqlite3_column_int(st, 17) != 0,
		.confirms = sql_column_strdup(st, 18),
		.time_estimated = sqlite3_column_int(st, 19) != 0,
		.amended = sqlite3_column_int(st, 20) != 0,
	};
	if (!c->id || !c->leg || !c->source || sql_column_copy_failed(st, 5, c->site) ||
	    sql_column_copy_failed(st, 8, c->note) || sql_column_copy_failed(st, 18, c->confirms))
		return -ENOMEM;
	return 0;
}

int store_cramps_read(struct store *s, bool undelivered, int64_t since, size_t max,
		      struct store_cramp **ret)
{
	char sql[600];
	struct store_cramp *list = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc, r;

	snprintf(sql, sizeof(sql), "SELECT " CRAMP_COLUMNS "%s FROM cramps %s LIMIT ?;",
		 last_columns(s),
		 undelivered ? "WHERE delivered = 0 ORDER BY seq"
			     : "WHERE time >= ? ORDER BY time, seq");
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	if (undelivered) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64) (max > INT32_MAX ? INT32_MAX : max));
	} else {
		sqlite3_bind_int64(st, 1, since);
		sqlite3_bind_int64(st, 2, (sqlite3_int64) (max > INT32_MAX ? INT32_MAX : max));
	}
	/* Grown as rows come: @max bounds the query, not what is allocated up front. */
	r = sql_read_rows(st, cramp_from_row, sizeof(*list), (void **) &list, &n);
	if (r < 0) {
		store_cramps_free(list, n);
		return r;
	}
	*ret = list;
	return (int) n;
}

int store_cramps_read_range(struct store *s, int64_t since, int64_t until, struct store_cramp **ret)
{
	struct store_cramp *list = NULL;
	sqlite3_stmt *st;
	char sql[700];
	size_t n = 0;
	int rc, r;

	snprintf(sql, sizeof(sql),
		 "SELECT " CRAMP_COLUMNS "%s FROM cramps c WHERE time >= ?1 AND time < ?2%s "
		 "ORDER BY time, seq;",
		 last_columns(s),
		 s->schema >= STORE_SCHEMA_CONFIRMS
		     ? " AND NOT (suspected AND EXISTS (SELECT 1 FROM cramps k "
		       "WHERE k.confirms = c.id))"
		     : "");
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	r = sql_read_rows(st, cramp_from_row, sizeof(*list), (void **) &list, &n);
	if (r < 0) {
		store_cramps_free(list, n);
		return r;
	}
	*ret = list;
	return (int) n;
}

void store_cramps_free(struct store_cramp *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].id);
		free(c[i].leg);
		free(c[i].site);
		free(c[i].source);
		free(c[i].note);
		free(c[i].confirms);
	}
	free(c);
}
