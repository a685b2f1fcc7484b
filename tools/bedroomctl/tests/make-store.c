/*
 * Makes a store for bedroomctl's tests with the store library the daemon writes with: four
 * weeks of nights (Monday 9 March 2026 to Sunday 5 April 2026, across the
 * change to summer time in Europe/Berlin) with known cramps, temperatures and
 * advisories, suspected cramps from movement (one confirmed, one not) and
 * foot-soak answers. Usage: bedroomctl-make-store DIR [USER_VERSION]
 * (a USER_VERSION afterwards makes a store "from another version").
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/cramp-night.h"
#include "control/cramp-tracker.h"
#include "store/store.h"
#include "store/testing.h"

#define FIRST_NIGHT_Y 2026
#define FIRST_NIGHT_M 3
#define FIRST_NIGHT_D 9
#define N_NIGHTS      28

/* Unix time of @hh:@mm local in night @n (0: the first): before noon, the next morning. */
static int64_t at(int n, int hh, int mm)
{
	int64_t night = cramp_night_from_date(FIRST_NIGHT_Y, FIRST_NIGHT_M, FIRST_NIGHT_D) + n;
	struct tm tm = { .tm_hour = hh, .tm_min = mm, .tm_isdst = -1 };
	int y, m, d;

	cramp_night_date(night + (hh < 12), &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (int64_t) mktime(&tm);
}

static int offset_at(int64_t t)
{
	time_t tt = (time_t) t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return (int) tm.tm_gmtoff;
}

/* The lowest temperature of night @n, reached at 04:00. */
static double night_low(int n)
{
	return 17.0 + (n % 5) * 0.4;
}

/* Not const: struct store_cramp borrows plain char pointers. */
static struct {
	int night, hh, mm;
	char leg[8], site[8]; /* "": not given */
	double room_c;
	int soak;
	int suspected;
	char note[64];     /* "": none */
	char confirms[32]; /* "": none */
} cramps[] = {
	{ -1, 3, 0, "left", "calf", 17.5, 1, 0, "before the report", "" },
	{ 0, 3, 10, "left", "calf", 17.3, 1, 0, "", "" },
	{ 2, 2, 40, "right", "calf", 18.4, 0, 0, "", "" },
	{ 7, 1, 30, "left", "calf", 17.8, 1, 0, "", "" },
	{ 8, 3, 0, "left", "foot", 17.6, 1, 0, "", "" },
	{ 9, 4, 20, "left", "calf", 17.9, -1, 0, "", "" },
	{ 11, 23, 40, "right", "calf", 19.2, 0, 0, "", "" },
	{ 12, 5, 0, "unknown", "", 18.1, -1, 0, "", "" },
	{ 14, 3, 0, "right", "thigh", 17.2, 1, 0, "woke me, went up the thigh", "" },
	{ 19, 3, 30, "left", "calf", 18.0, 1, 0, "", "" },
	{ 19, 5, 15, "left", "calf", NAN, 1, 0, "stretched, \"better\"", "" },
	{ 22, 1, 55, "unknown", "", 18.3, 1, 1, "", "" }, /* suspected, then confirmed: */
	{ 22, 2, 0, "right", "calf", 18.3, 1, 0, "", "test-cramp-11" },
	{ 24, 3, 0, "unknown", "", 18.6, -1, 1, "", "" }, /* suspected, never confirmed */
	{ 27, 23, 10, "left", "calf", 19.0, 1, 0, "", "" },
	{ 28, 1, 0, "left", "calf", 18.0, 1, 0, "after the report", "" },
};

static const struct {
	int night, hh, mm;
	enum cramp_advisory_kind kind;
	int count;
} advisories[] = {
	{ -7, 3, 0, CRAMP_ADVISORY_KIND_SPREAD, 1 },
	{ 9, 4, 20, CRAMP_ADVISORY_KIND_ONE_SIDED, 3 },
	{ 11, 23, 40, CRAMP_ADVISORY_KIND_FREQUENCY, 4 },
	{ 14, 3, 0, CRAMP_ADVISORY_KIND_SPREAD, 1 },
};

/* One record of @reminder's run due at @slot, made at @time. */
static int record(struct store *s, const char *reminder, const char *what, int64_t slot,
		  int64_t time)
{
	char id[64], name[32], rec[16];
	struct store_reminder_record x = { .run_id = id, .reminder = name, .record = rec };

	snprintf(id, sizeof(id), "test-%s-%lld", reminder, (long long) slot);
	snprintf(name, sizeof(name), "%s", reminder);
	snprintf(rec, sizeof(rec), "%s", what);
	x.slot = slot;
	x.time = time;
	x.tz_offset_s = offset_at(time);
	return store_reminder_commit(s, NULL, &x, 1, NULL, 0);
}

static int fill(struct store *s)
{
	int r;

	for (size_t i = 0; i < sizeof(cramps) / sizeof(cramps[0]); i++) {
		char id[32], button[] = "button", movement[] = "movement";
		struct store_cramp c = {
			.id = id,
			.leg = cramps[i].leg,
			.site = cramps[i].site[0] ? cramps[i].site : NULL,
			.source = cramps[i].suspected ? movement : button,
			.suspected = cramps[i].suspected,
			.confirms = cramps[i].confirms[0] ? cramps[i].confirms : NULL,
			.note = cramps[i].note[0] ? cramps[i].note : NULL,
			.room_c = cramps[i].room_c,
			.min_room_c = NAN,
			.in_bed = 1,
			.heater_on = -1,
			.heater_duty_1h = NAN,
			.soak_done = cramps[i].soak,
			.count_7d = 1,
			.delivered = true,
		};

		snprintf(id, sizeof(id), "test-cramp-%zu", i);
		c.time = at(cramps[i].night, cramps[i].hh, cramps[i].mm);
		c.tz_offset_s = offset_at(c.time);
		c.recorded = c.time;
		r = store_cramp_add(s, &c);
		if (r < 0)
			return r;
	}
	/*
	 * The foot soak: done on nights 0-5 (started on 6), snoozed and never done on 7, no
	 * answer after: nights 8-20 are "not done" (answered within 14 nights), later ones
	 * unknown unless a cramp's context says.
	 */
	for (int n = 0; n <= 7; n++) {
		char answer[16], id[32], name[] = "foot_soak";
		struct store_reminder_record rec = { .run_id = id,
						     .reminder = name,
						     .record = answer };

		snprintf(answer, sizeof(answer), "%s",
			 n < 6    ? "done"
			 : n == 6 ? "started"
				  : "snoozed");
		snprintf(id, sizeof(id), "test-soak-%d", n);
		rec.time = at(n, 21, 30);
		rec.tz_offset_s = offset_at(rec.time);
		r = store_reminder_commit(s, NULL, &rec, 1, NULL, 0);
		if (r < 0)
			return r;
	}
	/*
	 * The reminders sent since night 20: the stretch at 21:45 every night
	 * (done, snoozed then done, ignored, skipped, missed while the daemon
	 * was down), the morning question at 08:00 on the last two nights.
	 */
	for (int n = 20; n <= 27; n++) {
		static const char *const stretch[8][3] = {
			{ "sent", "done" },    { "sent", "done" },    { "sent", "snoozed", "done" },
			{ "sent", "done" },    { "sent", "ignored" }, { "sent", "ignored" },
			{ "sent", "skipped" }, { "missed" },
		};

		for (int k = 0; k < 3 && stretch[n - 20][k]; k++) {
			r = record(s, "stretch", stretch[n - 20][k], at(n, 21, 45),
				   at(n, 21, 45) + k * 300);
			if (r < 0)
				return r;
		}
	}
	for (int n = 26; n <= 27; n++) {
		r = record(s, "morning", "sent", at(n, 8, 0), at(n, 8, 0));
		if (r >= 0)
			r = record(s, "morning", n == 26 ? "no_cramp" : "cramp_left", at(n, 8, 0),
				   at(n, 8, 5));
		if (r < 0)
			return r;
	}
	/* Every 10 minutes; night 10 has no reading at all. */
	for (int n = -1; n <= N_NIGHTS; n++) {
		for (int k = 0; k < 24 * 6; k++) {
			int hh = (12 + k / 6) % 24, mm = k % 6 * 10;
			int64_t t = at(n, hh, mm);
			double hours = fabs((hh < 12 ? hh : hh - 24) + mm / 60.0 - 4.0);
			double c;

			if (n == 10)
				continue;
			if (hh >= 22 || hh < 7)
				c = night_low(n) + 0.25 * hours;
			else if (hh == 13)
				c = 16.0; /* the window open in the afternoon: not the night's low
					   */
			else
				c = 20.5;
			r = store_room_temperature_add(s, t, offset_at(t), round(c * 100) / 100);
			if (r < 0)
				return r;
		}
	}
	/* The advisories that fired. */
	for (size_t i = 0; i < sizeof(advisories) / sizeof(advisories[0]); i++) {
		enum cramp_advisory_kind k = advisories[i].kind;
		struct store_advisory a = {
			/* Borrowed for writing, never written through. */
			.kind = (char *) (uintptr_t) cramp_advisory_kind_to_string(k),
			.message = (char *) (uintptr_t) cramp_advisory_default_message(k),
			.count = advisories[i].count,
		};
		char id[32];

		snprintf(id, sizeof(id), "test-advisory-%zu", i);
		a.time = at(advisories[i].night, advisories[i].hh, advisories[i].mm);
		a.tz_offset_s = offset_at(a.time);
		r = store_advisory_add(s, id, &a);
		if (r < 0)
			return r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct store *s = NULL;
	char path[4096];
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: bedroomctl-make-store DIR [USER_VERSION]\n");
		return 64;
	}
	r = store_open(argv[1], &s);
	if (r < 0) {
		fprintf(stderr, "make-store: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	snprintf(path, sizeof(path), "%s", store_path(s));
	r = fill(s);
	s = store_close(s);
	if (r >= 0 && argc > 2 && atoi(argv[2]) > 0)
		r = store_testing_set_schema_version(path, atoi(argv[2]));
	if (r < 0) {
		fprintf(stderr, "make-store: %s: %s\n", path, strerror(-r));
		return 1;
	}
	return 0;
}
