/* Reading the report from the store: the one file of bedroomctl that talks to SQLite. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/cramp-night.h"
#include "store/sqlite-errno.h"
#include "tools/bedroomctl/report.h"

#define SCHEMA_VERSION 3 /* the newest this bedroomctl understands */
#define SCHEMA_OLDEST  2 /* the first with a cramp log */
#define SOAK_KNOWN_NIGHTS                                                                          \
	14 /* a night without a foot-soak answer counts as "not done" only                         \
	    * when the person answered within this many nights */
#define DAY_S ((int64_t) 24 * 3600)

static void copy_text(char *dst, size_t size, const unsigned char *src)
{
	snprintf(dst, size, "%s", src ? (const char *) src : "");
}

/* Appends @item (@size bytes) to the array *@array of *@n items. Returns 0 or -ENOMEM. */
static int append(void **array, size_t *n, const void *item, size_t size)
{
	char *p = realloc(*array, (*n + 1) * size);

	if (!p)
		return -ENOMEM;
	memcpy(p + *n * size, item, size);
	*array = p;
	(*n)++;
	return 0;
}

static char *dup_text(const unsigned char *src, int *r)
{
	char *s;

	if (!src)
		return NULL;
	s = strdup((const char *) src);
	if (!s)
		*r = -ENOMEM;
	return s;
}

static double column_double(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* Returns the schema version (SCHEMA_OLDEST..SCHEMA_VERSION) or a negative errno. */
static int check_schema(sqlite3 *db, const char **ret_error)
{
	sqlite3_stmt *st = NULL;
	int v = -1, rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA user_version;", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		rc = sqlite3_errcode(db);
	sqlite3_finalize(st);
	if (v < 0) {
		*ret_error = "cannot read the store";
		return errno_from_sqlite(rc) < 0 ? errno_from_sqlite(rc) : -EIO;
	}
	if (v > SCHEMA_VERSION) {
		*ret_error = "the store was written by a newer bedroomd; use its bedroomctl";
		return -EPROTONOSUPPORT;
	}
	if (v < SCHEMA_OLDEST) {
		*ret_error = "the store has no cramp log yet (an older bedroomd, or not a bedroomd "
			     "store)";
		return -EBADMSG;
	}
	return v;
}

/*
 * The cramps, but not a suspected one that another report confirmed (schema
 * 3 on): that report stands for it.
 */
static int read_cramps(sqlite3 *db, int schema, struct report *r, int64_t from_s, int64_t to_s)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	rc = sqlite3_prepare_v2(db,
				schema >= 3
				    ? "SELECT time, tz_offset_s, leg, site, room_c, soak_done, "
				      "suspected, note FROM cramps c WHERE time >= ? AND time < ? "
				      "AND NOT (suspected AND EXISTS (SELECT 1 FROM cramps k "
				      "WHERE k.confirms = c.id)) ORDER BY time, seq;"
				    : "SELECT time, tz_offset_s, leg, site, room_c, soak_done, "
				      "suspected, note FROM cramps WHERE time >= ? AND time < ? "
				      "ORDER BY time, seq;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, from_s);
	sqlite3_bind_int64(st, 2, to_s);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_cramp c = { 0 };
		int64_t night;

		c.time_s = sqlite3_column_int64(st, 0);
		c.tz_offset_s = sqlite3_column_int(st, 1);
		night = cramp_night_of(c.time_s, c.tz_offset_s);
		if (night < r->first_night || night > r->last_night)
			continue;
		copy_text(c.leg, sizeof(c.leg), sqlite3_column_text(st, 2));
		copy_text(c.site, sizeof(c.site), sqlite3_column_text(st, 3));
		c.room_c = column_double(st, 4);
		c.soak_done =
		    sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : !!sqlite3_column_int(st, 5);
		c.suspected = sqlite3_column_int(st, 6);
		c.note = dup_text(sqlite3_column_text(st, 7), &ret);
		if (ret < 0)
			break;
		ret = append((void **) &r->cramps, &r->n_cramps, &c, sizeof(c));
		if (ret < 0) {
			free(c.note);
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = errno_from_sqlite(rc);
	sqlite3_finalize(st);
	return ret;
}

static int read_temperatures(sqlite3 *db, struct report *r, int64_t from_s, int64_t to_s)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db,
				"SELECT time, tz_offset_s, room_c FROM room_temperature "
				"WHERE time >= ? AND time < ?;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, from_s);
	sqlite3_bind_int64(st, 2, to_s);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(st, 0);
		int tz = sqlite3_column_int(st, 1);
		int64_t night = cramp_night_of(t, tz);
		double c = sqlite3_column_double(st, 2);
		struct report_night *n;

		if (night < r->first_night || night > r->last_night ||
		    !cramp_night_sleep_hours(t, tz))
			continue;
		n = &r->nights[night - r->first_night];
		if (isnan(n->min_c) || c < n->min_c)
			n->min_c = c;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : errno_from_sqlite(rc);
}

/*
 * The foot soak per night from the answers to its reminder (schema 3 on):
 * done (or started) that night, or not done when the person answered it
 * within SOAK_KNOWN_NIGHTS nights up to that one. Nights without are left
 * as the cramps' context says.
 */
static int read_soak(sqlite3 *db, int schema, struct report *r, int64_t from_s, int64_t to_s)
{
	int64_t first = r->first_night - SOAK_KNOWN_NIGHTS + 1;
	size_t span = r->n_nights + SOAK_KNOWN_NIGHTS - 1;
	bool *answered, *done;
	sqlite3_stmt *st = NULL;
	int rc;

	if (schema < 3)
		return 0;
	answered = calloc(span, sizeof(*answered));
	done = calloc(span, sizeof(*done));
	rc = answered && done ? sqlite3_prepare_v2(db,
						   "SELECT time, tz_offset_s, answer FROM "
						   "reminder_answers WHERE reminder = 'foot_soak' "
						   "AND time >= ? AND time < ?;",
						   -1, &st, NULL)
			      : SQLITE_NOMEM;
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, from_s - SOAK_KNOWN_NIGHTS * DAY_S);
		sqlite3_bind_int64(st, 2, to_s);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t night =
			    cramp_night_of(sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1));
			const unsigned char *answer = sqlite3_column_text(st, 2);

			if (night < first || night >= first + (int64_t) span)
				continue;
			answered[night - first] = true;
			if (answer && (strcmp((const char *) answer, "done") == 0 ||
				       strcmp((const char *) answer, "started") == 0))
				done[night - first] = true;
		}
	}
	for (size_t i = 0; rc == SQLITE_DONE && i < r->n_nights; i++) {
		struct report_night *n = &r->nights[i];
		bool known = false;

		for (size_t k = i; k < i + SOAK_KNOWN_NIGHTS; k++)
			known |= answered[k];
		if (done[i + SOAK_KNOWN_NIGHTS - 1])
			n->soak_done = 1;
		else if (known)
			n->soak_done = 0;
	}
	sqlite3_finalize(st);
	free(answered);
	free(done);
	return rc == SQLITE_DONE ? 0 : errno_from_sqlite(rc);
}

static int read_advisories(sqlite3 *db, struct report *r, int64_t from_s, int64_t to_s)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	rc = sqlite3_prepare_v2(db,
				"SELECT kind, time, tz_offset_s, message, count FROM advisories "
				"WHERE time >= ? AND time < ? ORDER BY time, seq;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, from_s);
	sqlite3_bind_int64(st, 2, to_s);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_advisory a = { 0 };
		int64_t night;

		copy_text(a.kind, sizeof(a.kind), sqlite3_column_text(st, 0));
		a.time_s = sqlite3_column_int64(st, 1);
		a.tz_offset_s = sqlite3_column_int(st, 2);
		night = cramp_night_of(a.time_s, a.tz_offset_s);
		if (night < r->first_night || night > r->last_night)
			continue;
		a.count =
		    sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 4);
		a.message = dup_text(sqlite3_column_text(st, 3), &ret);
		if (ret < 0)
			break;
		ret = append((void **) &r->advisories, &r->n_advisories, &a, sizeof(a));
		if (ret < 0) {
			free(a.message);
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = errno_from_sqlite(rc);
	sqlite3_finalize(st);
	return ret;
}

/*
 * Nights' cramps, soak, weeks and totals, from what was read. Suspected
 * cramps nobody confirmed are listed, but not counted.
 */
static int summarise(struct report *r)
{
	for (size_t i = 0; i < r->n_cramps; i++) {
		const struct report_cramp *c = &r->cramps[i];
		struct report_night *n =
		    &r->nights[cramp_night_of(c->time_s, c->tz_offset_s) - r->first_night];

		if (n->n_cramps == 0)
			n->first_cramp = i;
		n->n_cramps++;
		if (c->soak_done == 1 || (c->soak_done == 0 && n->soak_done < 0))
			n->soak_done = c->soak_done;
		if (c->suspected) {
			n->n_suspected++;
			r->n_suspected++;
		} else if (strcmp(c->leg, "left") == 0)
			r->n_left++;
		else if (strcmp(c->leg, "right") == 0)
			r->n_right++;
		else
			r->n_unknown_leg++;
	}
	r->weeks = calloc((r->n_nights + 13) / 7, sizeof(*r->weeks));
	if (!r->weeks)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_nights; i++) {
		const struct report_night *n = &r->nights[i];
		int64_t start = cramp_night_week_start(n->night);

		if (r->n_weeks == 0 || r->weeks[r->n_weeks - 1].start != start)
			r->weeks[r->n_weeks++].start = start;
		r->weeks[r->n_weeks - 1].n_nights++;
		r->weeks[r->n_weeks - 1].n_cramps += (unsigned) (n->n_cramps - n->n_suspected);
		r->n_nights_with_cramps += n->n_cramps > n->n_suspected;
		r->n_soak_known += n->soak_done >= 0;
		r->n_soak_done += n->soak_done == 1;
	}
	return 0;
}

int report_read(const char *path, int64_t last_night, unsigned n_nights, struct report **ret,
		const char **ret_error)
{
	struct report *r = NULL;
	sqlite3 *db = NULL;
	int64_t from_s, to_s;
	const char *error = NULL;
	int rc, schema;

	if (n_nights == 0)
		return -EINVAL;
	/* The file must be there: SQLite would otherwise report it only at the first read. */
	if (access(path, R_OK) < 0) {
		*ret_error = errno == ENOENT ? "no such store" : "cannot read the store";
		return -errno;
	}
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		error = "cannot open the store";
		rc = errno_from_sqlite(rc);
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	rc = schema = check_schema(db, &error);
	if (rc < 0)
		goto out;

	r = calloc(1, sizeof(*r));
	if (!r) {
		rc = -ENOMEM;
		goto out;
	}
	r->first_night = last_night - n_nights + 1;
	r->last_night = last_night;
	r->n_nights = n_nights;
	r->nights = calloc(n_nights, sizeof(*r->nights));
	if (!r->nights) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n_nights; i++)
		r->nights[i] = (struct report_night){
			.night = r->first_night + (int64_t) i,
			.min_c = NAN,
			.soak_done = -1,
		};
	/* Noon of the first evening to noon after the last, with a day of slack for offsets. */
	from_s = r->first_night * DAY_S - DAY_S;
	to_s = (r->last_night + 2) * DAY_S + DAY_S;
	error = "cannot read the store";
	rc = read_cramps(db, schema, r, from_s, to_s);
	if (rc >= 0)
		rc = read_temperatures(db, r, from_s, to_s);
	if (rc >= 0)
		rc = read_soak(db, schema, r, from_s, to_s);
	if (rc >= 0)
		rc = read_advisories(db, r, from_s, to_s);
	if (rc >= 0)
		rc = summarise(r);
	if (rc < 0)
		goto out;
	*ret = r;
	r = NULL;
	error = NULL;
out:
	report_free(r);
	sqlite3_close(db);
	if (ret_error)
		*ret_error = error;
	return rc < 0 ? rc : 0;
}

struct report *report_free(struct report *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n_cramps; i++)
		free(r->cramps[i].note);
	for (size_t i = 0; i < r->n_advisories; i++)
		free(r->advisories[i].message);
	free(r->cramps);
	free(r->advisories);
	free(r->nights);
	free(r->weeks);
	free(r);
	return NULL;
}
