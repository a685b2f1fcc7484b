/*
 * Reading the report: the store's queries (store/store.h, the only code that
 * talks to SQLite) gathered into nights, weeks and totals.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/clock-set.h"
#include "control/cramp-night.h"
#include "store/store.h"
#include "tools/bedroomctl/report.h"

#define SOAK_KNOWN_NIGHTS                                                                          \
	14 /* a night without a foot-soak answer counts as "not done" only                         \
	    * when the person answered within this many nights */
#define DAY_S ((int64_t) 24 * 3600)

static void copy_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
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

static bool in_report(const struct report *r, int64_t time_s, int tz_offset_s)
{
	int64_t night = cramp_night_of(time_s, tz_offset_s);

	return night >= r->first_night && night <= r->last_night;
}

/*
 * The cramps with @from_s <= time < @to_s (the store leaves out the suspected
 * ones since confirmed): of the report's nights into r->cramps, or, when
 * @undated, all of them into r->undated.
 */
static int read_cramps(struct store *s, struct report *r, int64_t from_s, int64_t to_s,
		       bool undated)
{
	struct store_cramp *list = NULL;
	int n, ret = 0;

	n = store_cramps_read_range(s, from_s, to_s, &list);
	if (n < 0)
		return n;
	for (int i = 0; i < n && ret == 0; i++) {
		struct report_cramp c = {
			.time_s = list[i].time,
			.tz_offset_s = list[i].tz_offset_s,
			.room_c = list[i].room_c,
			.soak_done = list[i].soak_done < 0 ? -1 : !!list[i].soak_done,
			.suspected = list[i].suspected,
			.note = list[i].note,
			.row = list[i],
		};

		/* Dated by a clock not yet set: its night is not known (read_undated()). */
		if (!undated &&
		    (c.time_s < WALL_CLOCK_SET_AFTER_S || !in_report(r, c.time_s, c.tz_offset_s)))
			continue;
		copy_text(c.leg, sizeof(c.leg), list[i].leg);
		copy_text(c.site, sizeof(c.site), list[i].site);
		if (undated)
			ret = append((void **) &r->undated, &r->n_undated, &c, sizeof(c));
		else
			ret = append((void **) &r->cramps, &r->n_cramps, &c, sizeof(c));
		if (ret == 0)
			list[i] = (struct store_cramp){ 0 }; /* the report's now */
	}
	store_cramps_free(list, (size_t) n);
	return ret;
}

/*
 * The cramps dated before the wall clock was set, whichever night they were
 * in: the store keeps them (never pruned) for a person to see.
 */
static int read_undated(struct store *s, struct report *r)
{
	return read_cramps(s, r, INT64_MIN, WALL_CLOCK_SET_AFTER_S, true);
}

/* The lowest room temperature of each night, in its night window. */
static int read_temperatures(struct store *s, struct report *r, int64_t from_s, int64_t to_s)
{
	struct store_room_sample *samples = NULL;
	int n;

	n = store_room_temperature_read_range(s, from_s, to_s, &samples);
	for (int i = 0; i < n; i++) {
		int64_t t = samples[i].time;
		int tz = samples[i].tz_offset_s;
		int64_t night = cramp_night_of(t, tz);
		double c = samples[i].room_c;
		struct report_night *rn;

		if (night < r->first_night || night > r->last_night ||
		    !cramp_night_sleep_hours(t, tz, r->night_start_min, r->night_end_min))
			continue;
		rn = &r->nights[night - r->first_night];
		if (isnan(rn->min_c) || c < rn->min_c)
			rn->min_c = c;
	}
	free(samples);
	return n < 0 ? n : 0;
}

/*
 * The foot soak per night from the answers to its reminder: done (or
 * started) that night, or not done when the person answered it within
 * SOAK_KNOWN_NIGHTS nights up to that one. Nights without are left as the
 * cramps' context says. A store from before the answers has none.
 */
static bool is_answer(const char *record)
{
	return strcmp(record, "started") == 0 || strcmp(record, "done") == 0 ||
	       strcmp(record, "snoozed") == 0 || strcmp(record, "skipped") == 0;
}

static int read_soak(struct store *s, struct report *r, int64_t from_s, int64_t to_s)
{
	int64_t first = r->first_night - SOAK_KNOWN_NIGHTS + 1;
	size_t span = r->n_nights + SOAK_KNOWN_NIGHTS - 1;
	struct store_reminder_record *records = NULL;
	bool *answered, *done;
	int n = -ENOMEM;

	answered = calloc(span, sizeof(*answered));
	done = calloc(span, sizeof(*done));
	if (answered && done)
		n = store_reminder_records_read_range(s, from_s - SOAK_KNOWN_NIGHTS * DAY_S, to_s,
						      &records);
	for (int i = 0; i < n; i++) {
		const struct store_reminder_record *x = &records[i];
		int64_t night = cramp_night_of(x->slot ? x->slot : x->time, x->tz_offset_s);

		if (strcmp(x->reminder, "foot_soak") != 0 || !is_answer(x->record) ||
		    night < first || night >= first + (int64_t) span)
			continue;
		answered[night - first] = true;
		if (strcmp(x->record, "done") == 0 || strcmp(x->record, "started") == 0)
			done[night - first] = true;
	}
	for (size_t i = 0; n >= 0 && i < r->n_nights; i++) {
		struct report_night *night = &r->nights[i];
		bool known = false;

		for (size_t k = i; k < i + SOAK_KNOWN_NIGHTS; k++)
			known |= answered[k];
		if (done[i + SOAK_KNOWN_NIGHTS - 1])
			night->soak_done = 1;
		else if (known)
			night->soak_done = 0;
	}
	if (n >= 0)
		store_reminder_records_free(records, (size_t) n);
	free(answered);
	free(done);
	return n < 0 ? n : 0;
}

static int read_advisories(struct store *s, struct report *r, int64_t from_s, int64_t to_s)
{
	struct store_advisory *list = NULL;
	int n, ret = 0;

	n = store_advisories_read_range(s, from_s, to_s, &list);
	if (n < 0)
		return n;
	for (int i = 0; i < n && ret == 0; i++) {
		struct report_advisory a = {
			.time_s = list[i].time,
			.tz_offset_s = list[i].tz_offset_s,
			.message = list[i].message,
			.count = list[i].count,
		};

		if (!in_report(r, a.time_s, a.tz_offset_s))
			continue;
		copy_text(a.kind, sizeof(a.kind), list[i].kind);
		ret = append((void **) &r->advisories, &r->n_advisories, &a, sizeof(a));
		if (ret == 0)
			list[i].message = NULL; /* the report's now */
	}
	store_advisories_free(list, (size_t) n);
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
		/*
		 * The room at a cramp is a reading too: one the samples may have lost
		 * (the 5 minutes under way at a kill -9) must not leave the night's
		 * lowest above a cramp's own temperature on the same page.
		 */
		if (!isnan(c->room_c) &&
		    cramp_night_sleep_hours(c->time_s, c->tz_offset_s, r->night_start_min,
					    r->night_end_min) &&
		    (isnan(n->min_c) || c->room_c < n->min_c))
			n->min_c = c->room_c;
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

		if (n->before_records && n->n_cramps == 0)
			continue; /* unknown: in no week and no total */
		r->n_nights_known++;

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

/* Times that cover the nights @first to @last: noon to noon, with a day of slack for offsets. */
static int64_t nights_from_s(int64_t first)
{
	return first * DAY_S - DAY_S;
}

static int64_t nights_to_s(int64_t last)
{
	return (last + 2) * DAY_S + DAY_S;
}

/*
 * The nights from where the records begin, or from an earlier night that
 * holds a cramp (r->cramps: those of all the nights asked for, oldest first),
 * to r->last_night.
 */
static int start_report(struct report *r)
{
	int64_t first = r->records_begin < r->last_night ? r->records_begin : r->last_night;

	if (r->n_cramps > 0) {
		int64_t night = cramp_night_of(r->cramps[0].time_s, r->cramps[0].tz_offset_s);

		if (night < first)
			first = night;
	}
	if (first > r->first_night)
		r->first_night = first;
	r->n_nights = (size_t) (r->last_night - r->first_night + 1);
	r->nights = calloc(r->n_nights, sizeof(*r->nights));
	if (!r->nights)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_nights; i++) {
		int64_t night = r->first_night + (int64_t) i;

		r->nights[i] = (struct report_night){
			.night = night,
			.min_c = NAN,
			.soak_done = -1,
			.before_records = night < r->records_begin,
		};
	}
	return 0;
}

/* The night of the store's oldest record in *@ret, INT64_MAX when it has none. */
static int records_begin(struct store *s, int64_t *ret)
{
	int64_t time;
	int tz, r;

	r = store_first_record(s, &time, &tz);
	if (r == -ENODATA) {
		*ret = INT64_MAX;
		return 0;
	}
	if (r < 0)
		return r;
	*ret = cramp_night_of(time, tz);
	return 0;
}

#define DAMAGED_TEXT                                                                               \
	"bedroomd moves such a file aside and starts a new one; see \"The store\" in its README"

/*
 * What the user reads when the store at @path cannot be opened with error @r.
 * store_open_read_only() checks that the file is readable first: a refusal
 * after that (SQLITE_READONLY_DIRECTORY, or SQLITE_CANTOPEN in an older
 * SQLite) is SQLite's own, which must create bedroomd.db-shm beside a WAL-mode
 * file to read it, and cannot in a directory this user may not write (a
 * backup made with .backup keeps WAL mode).
 */
static const char *open_error(int r, const char *path)
{
	switch (r) {
	case -ENOENT:
	case -EACCES:
	case -EPERM:
		if (access(path, R_OK) == 0)
			return "SQLite cannot read this WAL-mode store here: it needs to write "
			       "its bedroomd.db-shm beside the file, and this directory is not "
			       "writable for you; copy the file somewhere writable (cp it to "
			       "/tmp) and report from the copy";
		if (r == -ENOENT)
			return "no such store";
		return "permission denied: run bedroomctl as root or as the bedroomd user "
		       "(sudo bedroomctl ..., or sudo -u bedroomd bedroomctl ...)";
	case -EISDIR:
		return "cannot open the store";
	case -EPROTONOSUPPORT:
		return "the store was written by a newer bedroomd; use its bedroomctl";
	case -ENODATA:
		return "the store has no cramp log yet (an older bedroomd, or not a bedroomd "
		       "store)";
	case -EBADMSG:
		return "the file is damaged or not a bedroomd store (" DAMAGED_TEXT ")";
	default:
		return "cannot read the store";
	}
}

int report_read(const char *path, int64_t last_night, unsigned n_nights, int night_start_min,
		int night_end_min, struct report **ret, const char **ret_error)
{
	struct report *r = NULL;
	struct store *s = NULL;
	int64_t from_s, to_s;
	const char *error = NULL;
	int rc;

	if (n_nights == 0)
		return -EINVAL;
	rc = store_open_read_only(path, &s);
	if (rc < 0) {
		error = open_error(rc, path);
		if (rc == -ENODATA)
			rc = -EBADMSG; /* no bedroomd store to read, for report_read()'s callers */
		goto out;
	}

	r = calloc(1, sizeof(*r));
	if (!r) {
		rc = -ENOMEM;
		goto out;
	}
	r->n_nights_asked = n_nights;
	r->night_start_min = night_start_min;
	r->night_end_min = night_end_min;
	rc = records_begin(s, &r->records_begin);
	if (rc < 0) {
		error = "cannot read the store";
		goto out;
	}
	/* The cramps of every night asked for: one entered later may precede the records. */
	r->first_night = last_night - n_nights + 1;
	r->last_night = last_night;
	error = "cannot read the store";
	rc = read_cramps(s, r, nights_from_s(r->first_night), nights_to_s(last_night), false);
	if (rc >= 0)
		rc = read_undated(s, r);
	if (rc < 0)
		goto out;
	rc = start_report(r);
	if (rc < 0)
		goto out;
	from_s = nights_from_s(r->first_night);
	to_s = nights_to_s(r->last_night);
	rc = read_temperatures(s, r, from_s, to_s);
	if (rc >= 0)
		rc = read_soak(s, r, from_s, to_s);
	if (rc >= 0)
		rc = read_advisories(s, r, from_s, to_s);
	if (rc >= 0)
		rc = report_read_adherence(s, r, from_s, to_s);
	if (rc >= 0)
		rc = summarise(r);
	if (rc < 0)
		goto out;
	/* Missing (never set from Home Assistant) or unreadable: the file's floor is drawn. */
	(void) store_setting_get(s, "floor", &r->floor_set);
	(void) store_setting_get(s, "floor_file", &r->floor_set_file);
	*ret = r;
	r = NULL;
	error = NULL;
out:
	if (rc == -EBADMSG && s) /* it opened as a bedroomd store: a read met a damaged page */
		error = "the store is damaged (" DAMAGED_TEXT ")";
	report_free(r);
	store_close(s);
	if (ret_error)
		*ret_error = error;
	return rc < 0 ? rc : 0;
}

struct report *report_free(struct report *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n_cramps; i++)
		store_cramp_clear(&r->cramps[i].row);
	for (size_t i = 0; i < r->n_undated; i++)
		store_cramp_clear(&r->undated[i].row);
	free(r->undated);
	for (size_t i = 0; i < r->n_advisories; i++)
		free(r->advisories[i].message);
	free(r->cramps);
	free(r->advisories);
	free(r->adherence);
	free(r->reminders);
	free(r->nights);
	free(r->weeks);
	free(r->floor_set);
	free(r->floor_set_file);
	free(r);
	return NULL;
}
