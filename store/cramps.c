/* The cramp log. */
#include "store/cramps.h"

#include <assert.h>
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

int store_cramp_retime(struct store *s, const char *id, int64_t time, int tz_offset_s)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db,
				"UPDATE cramps SET time = ?2, tz_offset_s = ?3, amended = 1, "
				"delivered = 0 WHERE id = ?1;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, time);
	sqlite3_bind_int(st, 3, tz_offset_s);
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

void store_cramp_clear(struct store_cramp *c)
{
	free(c->id);
	free(c->leg);
	free(c->site);
	free(c->source);
	free(c->note);
	free(c->confirms);
}

void store_cramps_free(struct store_cramp *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		store_cramp_clear(&c[i]);
	free(c);
}

/*
 * Reads the cramps of @from in the order @order, as far as the file reads,
 * onto *@list / *@n. Returns 0, or the -errno that stopped the read: the rows
 * before it stay.
 */
static int salvage_read(struct store *from, const char *order, struct store_cramp **list, size_t *n)
{
	char sql[600];
	sqlite3_stmt *st;
	int rc, r;

	/* NOT INDEXED: the table's own pages, in the order of seq, whatever became of an index. */
	snprintf(sql, sizeof(sql),
		 "SELECT " CRAMP_COLUMNS "%s FROM cramps NOT INDEXED ORDER BY seq %s;",
		 last_columns(from), order);
	rc = sqlite3_prepare_v2(from->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	r = sql_read_rows(st, cramp_from_row, sizeof(**list), (void **) list, n);
	if (r == -ENOMEM && *n > 0)
		store_cramp_clear(&(*list)[--*n]); /* the row it was copying is incomplete */
	return r;
}

int store_cramps_salvage(struct store *from, struct store *to, int *ret_undelivered,
			 bool *ret_complete)
{
	struct store_cramp *list = NULL;
	size_t n = 0, forward;
	int copied = 0, undelivered = 0, r, e;

	assert(from && to && ret_undelivered && ret_complete);
	/*
	 * From the oldest on; when a damaged page stops that, from the newest back
	 * to it. (One read twice, when what stopped the first was not a page, is
	 * dropped by its id.)
	 */
	e = salvage_read(from, "ASC", &list, &n);
	forward = n;
	if (e < 0 && e != -ENOMEM)
		(void) salvage_read(from, "DESC", &list, &n);
	r = n > 0 ? sql_exec(to, "BEGIN IMMEDIATE;") : 0;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		/* Those read backwards after the others, oldest first: the order they were stored.
		 */
		size_t k = i < forward ? i : n - 1 - (i - forward);

		r = store_cramp_add(to, &list[k]);
		if (r == 0) {
			copied++;
			undelivered += !list[k].delivered;
		} else if (r == -EEXIST || r == -EINVAL)
			r = 0; /* @to has it already; or a row the damage garbled, left */
	}
	if (r >= 0 && n > 0)
		r = sql_exec(to, "COMMIT;");
	if (r < 0 && n > 0)
		(void) store_rollback(to);
	store_cramps_free(list, n);
	if (r < 0)
		return r;
	*ret_undelivered = undelivered;
	*ret_complete = e == 0;
	return copied;
}
