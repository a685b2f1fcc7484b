#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * The cramp tracker: cramps in, de-duplication, the 7-day count and the
 * advisories out. Pure: every time is an argument (Unix seconds, UTC, so a
 * DST change never stretches or shrinks a window), no clock, no I/O, no
 * globals. The tracker counts and reports; it never diagnoses.
 *
 * De-duplication: a report within dedup_window_s (inclusive, either side) of
 * a tracked cramp on the same leg is that cramp. "unknown" matches any leg
 * (a bedside button without a leg and the phone's report of the left leg a
 * minute later are one cramp). A duplicate that adds nothing changes nothing:
 * the daemon stores nothing for it. One that knows what the tracked cramp does
 * not (its leg, its site) amends it (cramp_tracker_amend()): the leg and site
 * become known, and the cramp is judged again for the advisories they bear.
 *
 * The 7-day count at instant x is the number of cramps with time in
 * (x - frequency_window_s, x]: 7 x 24 h of real time, whatever the wall clock.
 *
 * Advisories, each raised once per crossing:
 * - CRAMP_ADVISORY_KIND_FREQUENCY: a cramp whose 7-day count (itself
 *   included) is above frequency_max (default: 4th in 7 days). An episode is
 *   a stretch of time during which the count stays above frequency_max; it
 *   ends at the first instant the count is back to frequency_max or fewer
 *   (the oldest cramp leaves the window). One advisory per episode: the 5th
 *   cramp does not fire, a 4th after the count fell back to 3 does.
 * - CRAMP_ADVISORY_KIND_ONE_SIDED: at a cramp with a leg, the last
 *   one_sided_run cramps with a leg (this one included; "unknown" ones are
 *   skipped, neither counting nor breaking the run) are all on this leg and
 *   lie within one_sided_window_s. An episode is a sequence of consecutive
 *   such cramps; a cramp on the other leg, or a run that spreads out beyond
 *   the window, ends it. One advisory per episode.
 * - CRAMP_ADVISORY_KIND_SPREAD: a cramp that reached the thigh or buttock.
 *   The episode lasts while such a cramp lies within spread_window_s; one
 *   advisory per episode (a second thigh cramp two days later does not fire
 *   again; one after 7 quiet days does).
 * An advisory is "already fired" for an episode when the tracker raised one,
 * or was told of one (cramp_tracker_load_advisory()), at a time inside it.
 *
 * A cramp remembered later (time before the newest: a paper diary typed in,
 * newest first or in any order) is judged in every window that holds it, not
 * only in the one ending at its own time: with the cramps after it too. The
 * frequency advisory fires when a 7-day window holding it now has more than
 * frequency_max, in an episode that has not fired; its time and count are
 * those of the first instant at or after the cramp at which the count is
 * above. The one-sided advisory fires when a run that holds it, or that it
 * splits off (a right cramp remembered into a left run), has not fired; its
 * time is that of the run's last cramp. So the four cramps of a night fire
 * the same advisories entered newest first as oldest first. The order can
 * still matter where what was known fired and a cramp remembered later
 * changes the episodes: it joins two crossings into one, or a right cramp
 * ends a left run that fired. An advisory raised is never taken back. And at
 * most one advisory of each kind is raised per cramp (the daemon names an
 * advisory by its kind and the time it is raised): where one remembered cramp
 * starts two new episodes of a kind (two crossings in the week after it, with
 * a dip to frequency_max between), the first fires and the second is told by
 * a later cramp judged in it, as a crossing loaded without its advisory is.
 *
 * count_7d, the count that goes into the cramp's event, is that of the cramp's
 * own time: cramps in the 7 days up to it, itself included, as far as they
 * are known when it is added. It is the context of that night, like its room
 * temperature (a cramp of last week does not get this week's count), and it
 * means the same for a remembered cramp as for one reported at the time. The
 * count now (<base>/state, cramp_tracker_count()) holds the whole diary.
 * Events already sent are not sent again with a count that a cramp
 * remembered before them raised: typed in newest first, each says 1.
 */

enum cramp_leg {
	CRAMP_LEG_UNKNOWN,
	CRAMP_LEG_LEFT,
	CRAMP_LEG_RIGHT,
};

enum cramp_site {
	CRAMP_SITE_UNKNOWN, /* not given */
	CRAMP_SITE_CALF,
	CRAMP_SITE_FOOT,
	CRAMP_SITE_THIGH,
	CRAMP_SITE_BUTTOCK,
};

enum cramp_advisory_kind {
	CRAMP_ADVISORY_KIND_FREQUENCY,
	CRAMP_ADVISORY_KIND_ONE_SIDED,
	CRAMP_ADVISORY_KIND_SPREAD,
	_CRAMP_ADVISORY_KIND_MAX,
};

/* "left", "right", "unknown", in any case ("LEFT"); returns 0 and *ret, or -EINVAL. */
int cramp_leg_from_string(const char *s, enum cramp_leg *ret);
const char *cramp_leg_to_string(enum cramp_leg leg);

/* "calf", "foot", "thigh", "buttock", in any case; returns 0 and *ret, or -EINVAL. */
int cramp_site_from_string(const char *s, enum cramp_site *ret);
/* NULL for CRAMP_SITE_UNKNOWN. */
const char *cramp_site_to_string(enum cramp_site site);

/* "cramp_frequency", "one_sided_cramps", "cramp_spread" (the alert kinds on MQTT). */
const char *cramp_advisory_kind_to_string(enum cramp_advisory_kind kind);
int cramp_advisory_kind_from_string(const char *s, enum cramp_advisory_kind *ret);
/* The plain default wording of each advisory. */
const char *cramp_advisory_default_message(enum cramp_advisory_kind kind);

struct cramp_tracker_params {
	int64_t dedup_window_s;     /* default 120 */
	unsigned frequency_max;     /* default 3: more than this within the window fires */
	int64_t frequency_window_s; /* default 7 days */
	unsigned one_sided_run;     /* default 3 in a row ... */
	int64_t one_sided_window_s; /* ... within 14 days */
	int64_t spread_window_s;    /* default 7 days */
	/* Forgotten: cramps older than the newest by more (8 weeks); after a cramp
	 * remembered from further back is added, those older than it by more. A
	 * cramp dated ahead of now, or far ahead of the others, is not the newest
	 * for this (see cramp_tracker_load() and cramp_tracker_add()). */
	int64_t history_s;
	/* Wording of each advisory; NULL: the default. Copied by cramp_tracker_new(). */
	const char *message[_CRAMP_ADVISORY_KIND_MAX];
};

/* Fills *ret with the defaults above. */
void cramp_tracker_params_default(struct cramp_tracker_params *ret);

struct cramp_tracker_cramp {
	int64_t time_s; /* Unix seconds */
	enum cramp_leg leg;
	enum cramp_site site;
};

struct cramp_advisory {
	enum cramp_advisory_kind kind;
	int64_t time_s;     /* the time of the cramp that crossed (may be after a remembered one) */
	unsigned count;     /* frequency: the 7-day count; one_sided: the run; spread: 1 */
	enum cramp_leg leg; /* one_sided: the leg; else that of the cramp */
	const char *message; /* owned by the tracker, valid while it lives */
};

struct cramp_tracker_result {
	bool duplicate;         /* the same cramp as one tracked: store nothing (or amend it) */
	int64_t duplicate_of_s; /* the time of that cramp */
	enum cramp_leg duplicate_leg;   /* its leg, as tracked before any amendment */
	enum cramp_site duplicate_site; /* its site, likewise */
	unsigned count_7d; /* cramps in the window up to this one, itself included (see above) */
	unsigned n_advisories; /* 0..3, at most one of each kind, in the order of the enum */
	struct cramp_advisory advisories[_CRAMP_ADVISORY_KIND_MAX];
};

struct cramp_tracker;

/*
 * A new, empty tracker; @params NULL means the defaults. Returns 0, -EINVAL
 * for a window or count of 0 or less, or -ENOMEM.
 */
int cramp_tracker_new(const struct cramp_tracker_params *params, struct cramp_tracker **ret);

/* Accepts NULL; returns NULL. */
struct cramp_tracker *cramp_tracker_free(struct cramp_tracker *t);

/*
 * New settings for a tracker that goes on (a reload): the cramps and fired
 * advisories it holds stay, and count by the new windows from the next cramp.
 * Returns 0, or -EINVAL / -ENOMEM as cramp_tracker_new() (nothing changed then).
 */
int cramp_tracker_set_params(struct cramp_tracker *t, const struct cramp_tracker_params *params);

/*
 * History at start-up, in any order: a stored cramp (no de-duplication, no
 * advisory) and an advisory the store says fired. Feed the cramps and
 * advisories of at least the last params.history_s seconds before @now_s.
 * What is forgotten as old is measured from the newest cramp not after
 * @now_s: one dated in the future (logged while the clock was wrongly ahead)
 * makes no real cramp old. Return 0 or -ENOMEM (the tracker is unchanged then).
 */
int cramp_tracker_load(struct cramp_tracker *t, const struct cramp_tracker_cramp *c, int64_t now_s);
int cramp_tracker_load_advisory(struct cramp_tracker *t, enum cramp_advisory_kind kind,
				int64_t time_s);

/*
 * A cramp reported now. It never makes the cramps before it old by its own
 * time alone: one dated far ahead of the others (a clock wrongly ahead)
 * forgets none of them. Fills *ret (always, even for a duplicate) and returns
 * 0, or -ENOMEM (the tracker and *ret are unchanged then). The advisories in
 * *ret are counted as fired: the daemon raises and stores each.
 */
int cramp_tracker_add(struct cramp_tracker *t, const struct cramp_tracker_cramp *c,
		      struct cramp_tracker_result *ret);

/*
 * A report @c that cramp_tracker_add() found to be a duplicate amends that
 * tracked cramp, the one of @of_leg at @of_s (the result's duplicate_leg and
 * duplicate_of_s: a report without a leg can lie within the dedup window of
 * two cramps): @c's leg becomes its leg where that was unknown, @c's site its
 * site where it had none. What is known is never overwritten (a site that
 * differs is ignored). Fills *ret as cramp_tracker_add() does for the duplicate
 * (duplicate_leg and duplicate_site as they were before), with the advisories
 * the amended cramp now raises: one-sided for its new leg, spread for its new
 * site, once per episode, judged as for a new cramp at its time (with the runs
 * it makes with later cramps) and counted as fired. The 7-day count does not
 * change, nor does the frequency advisory. Returns 1 when the cramp changed,
 * 0 when @c adds nothing (no advisories then), -ENOENT when no cramp of
 * @of_leg at @of_s is tracked, or -ENOMEM (the tracker and *ret are unchanged
 * then). @c's time is not used.
 */
int cramp_tracker_amend(struct cramp_tracker *t, int64_t of_s, enum cramp_leg of_leg,
			const struct cramp_tracker_cramp *c, struct cramp_tracker_result *ret);

/*
 * The tracked cramp of @of_leg at @of_s is found to have happened at @to_s (a
 * report of it with a better time): it moves there. Its advisories are not
 * judged again (raised ones stay). Returns 0, or -ENOENT when no cramp of
 * @of_leg at @of_s is tracked.
 */
int cramp_tracker_retime(struct cramp_tracker *t, int64_t of_s, enum cramp_leg of_leg,
			 int64_t to_s);

/* Its dedup window, from the params it was made with (or the default). */
int64_t cramp_tracker_dedup_window_s(const struct cramp_tracker *t);

/* The 7-day count at @now_s (for <base>/state). */
unsigned cramp_tracker_count(const struct cramp_tracker *t, int64_t now_s);

/* Whether a tracked cramp (any leg) lies within @window_s either side of @time_s. */
bool cramp_tracker_has_near(const struct cramp_tracker *t, int64_t time_s, int64_t window_s);

/* The time of the newest cramp in *ret_s; returns 0, or -ENODATA when there is none. */
int cramp_tracker_last(const struct cramp_tracker *t, int64_t *ret_s);
