#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/cramps.h"

/*
 * The cramp report: what the store holds about a run of nights, read once,
 * then printed as text, JSON, CSV or a one-page PDF. Nights run from noon to
 * noon local time and are listed oldest first, so the report reads like a
 * diary and the chart runs left to right. Weeks run from Monday night to
 * Sunday night.
 */

struct store;

#define REPORT_THRESHOLD 3 /* more cramps than this in a week are worth a doctor's check */

struct report_cramp {
	int64_t time_s;
	int tz_offset_s;
	char leg[8];   /* "left", "right", "unknown" */
	char site[8];  /* "calf", ..., or "" */
	double room_c; /* NAN: unknown */
	int soak_done; /* 1, 0, -1: unknown */
	bool suspected;
	char *note;             /* or NULL; row's */
	struct store_cramp row; /* as stored, owned: the JSON gives it as its event does */
};

struct report_night {
	int64_t night; /* see control/cramp-night.h */
	double min_c;  /* lowest in the night window, of samples and cramps; NAN: none recorded */
	int soak_done; /* from the foot-soak answers, else from the cramps' context; -1 unknown */
	size_t first_cramp, n_cramps;        /* into report.cramps, suspected ones included */
	size_t n_suspected;                  /* of those, from movement and not confirmed */
	size_t first_adherence, n_adherence; /* into report.adherence */
	/*
	 * Before the store's records begin: only the cramps entered for it later
	 * (bedroomctl cramp --at) are known; without one it is unknown, not a
	 * night without cramps.
	 */
	bool before_records;
};

#define REPORT_REMINDER_NAME_MAX 40

/* What the store recorded for one reminder and one night, or for one reminder in all. */
struct report_adherence {
	char reminder[REPORT_REMINDER_NAME_MAX];
	int64_t night;   /* the night its run was due in (per night) */
	unsigned nights; /* in all: the nights with a record */
	/* Runs with a record of each (a run can be in several), each counted once. */
	unsigned sent, started, done, snoozed, skipped, ignored, not_sent;
	unsigned no_cramp, cramp_left, cramp_right; /* the morning question's answers */
	unsigned snoozes;                           /* times snoozed, in all those runs */
	/*
	 * Per night: what became of it: "done", "started", "skipped", "ignored",
	 * "not sent" (missed, or already in bed), the morning's "no cramp", "cramp
	 * left", "cramp right", or "snoozed" / "sent" while nothing else is known.
	 */
	const char *outcome;
};

struct report_week {
	int64_t start;     /* its Monday night */
	unsigned n_nights; /* of the report's nights (fewer than 7 at the edges) */
	unsigned n_cramps;
};

struct report_advisory {
	char kind[32];
	int64_t time_s;
	int tz_offset_s;
	char *message;
	int count; /* -1: none stored */
};

struct report {
	int64_t first_night, last_night;
	struct report_night *nights; /* n_nights = last - first + 1, oldest first */
	size_t n_nights;
	/*
	 * The nights asked for; fewer are read when the store's history begins
	 * later (a new install, or pruned): those nights are unknown, not free of
	 * cramps. records_begin: the night of its oldest record, or INT64_MAX
	 * when it holds none. A cramp entered later for a night before it starts
	 * the report there; the nights between are before_records.
	 */
	size_t n_nights_asked;
	int64_t records_begin;
	int night_start_min, night_end_min; /* the window of the nights' lowest, local */
	struct report_cramp *cramps;        /* in time order */
	size_t n_cramps;
	/*
	 * The cramps the store holds dated before the wall clock was set
	 * (WALL_CLOCK_SET_AFTER_S: logged on a Pi without a real-time clock before
	 * NTP): of no known night, so in no night, week or total; listed apart.
	 * Their time_s is what the unset clock read.
	 */
	struct report_cramp *undated;
	size_t n_undated;
	struct report_week *weeks;
	size_t n_weeks;
	struct report_advisory *advisories;
	size_t n_advisories;
	struct report_adherence *adherence; /* by night, then reminder name */
	size_t n_adherence;
	struct report_adherence *reminders; /* the totals per reminder, by name */
	size_t n_reminders;
	unsigned n_left, n_right, n_unknown_leg; /* confirmed cramps */
	unsigned n_suspected;               /* from movement, not confirmed: listed, not counted */
	unsigned n_soak_done, n_soak_known; /* nights */
	unsigned n_nights_with_cramps;
	unsigned n_nights_known; /* all but those before the records without a cramp */
	/*
	 * The floor Home Assistant set, as the store keeps it, and what the file
	 * said then (NULL: none): with the configuration, the floor in force
	 * (command_floor_in_force()).
	 */
	char *floor_set, *floor_set_file;
};

/*
 * Opens the store at @path read-only (it may be open in the daemon, in WAL
 * mode) and reads the @n_nights nights up to and including @last_night, from
 * the night the store's records begin if that is later (but at least
 * @last_night), or from the first night of those asked for that holds a cramp
 * entered later, if that is earlier still. A night's lowest temperature is that from
 * @night_start_min to @night_end_min minutes after local midnight (the configured night). Returns 0
 * and a new report in *ret, -ENOENT / -EACCES when the file is missing or unreadable (or
 * SQLite cannot open it where it is: a WAL-mode file in a directory it cannot write),
 * -EPROTONOSUPPORT when it has a newer schema, -EBADMSG when it is no bedroomd store or is
 * damaged, or another negative errno; a message for the user in *ret_error (static or NULL).
 */
int report_read(const char *path, int64_t last_night, unsigned n_nights, int night_start_min,
		int night_end_min, struct report **ret, const char **ret_error);

struct report *report_free(struct report *r);

#define REPORT_LABEL_MAX 32 /* room for any int64 night, not only "2026-01-31" */
#define REPORT_TIME_MAX  64

/* "2026-01-31" */
void report_night_label(int64_t night, char buf[static REPORT_LABEL_MAX]);
/* "2026-01-31T03:10:00+01:00": the date is the first 10 bytes, the clock time the 5 from 11. */
void report_format_time(int64_t time_s, int tz_offset_s, char buf[static REPORT_TIME_MAX]);
/* "Sat" */
const char *report_weekday_name(int64_t night);

/*
 * Reads the reminders' records of the report's nights from @s (times in
 * [@from_s, @to_s) cover them) into r->adherence, each night's share and the
 * totals. Returns 0 or a negative errno.
 */
int report_read_adherence(struct store *s, struct report *r, int64_t from_s, int64_t to_s);

/*
 * Why the report has fewer nights than asked for ("The store's records begin
 * ..."), or "" when it has them all.
 */
void report_coverage(const struct report *r, char *buf, size_t size);

/* "foot_soak done, stretch ignored (snoozed 2)": the night's reminders, or "" without. */
void report_night_reminders(const struct report *r, const struct report_night *n, char *buf,
			    size_t size);

/* The outputs; each returns 0 or a negative errno (-EIO when writing failed). */
int report_print_text(const struct report *r, FILE *f);
int report_print_json(const struct report *r, FILE *f);
int report_print_csv(const struct report *r, FILE *f);
/*
 * One A4 page for a doctor, written to @path. @room_name (or NULL) goes into
 * the subtitle; @floor_c (or NAN) is drawn as the night floor in the chart,
 * said to be set from Home Assistant when @floor_from_ha.
 */
int report_render_pdf(const struct report *r, const char *path, const char *room_name,
		      double floor_c, bool floor_from_ha);
