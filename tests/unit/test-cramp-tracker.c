/* The cramp tracker: de-duplication, 7-day counts, advisories, amendments. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/unit/cramp-tracker-rig.h"

/* Unix time of a wall-clock time in Europe/Berlin. */
static int64_t berlin(int year, int month, int day, int hour, int min)
{
	struct tm tm = {
		.tm_year = year - 1900,
		.tm_mon = month - 1,
		.tm_mday = day,
		.tm_hour = hour,
		.tm_min = min,
		.tm_isdst = -1,
	};

	return (int64_t) mktime(&tm);
}

static void test_dedup_window_per_leg(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;

	r = rig_add(t, T0, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_false(r.duplicate);
	assert_int_equal(r.count_7d, 1);
	/* The same leg within 2 minutes, either side: the same cramp. */
	r = rig_add(t, T0 + 60, CRAMP_LEG_LEFT, CRAMP_SITE_UNKNOWN);
	assert_true(r.duplicate);
	assert_int_equal(r.duplicate_of_s, T0);
	assert_int_equal(r.count_7d, 1);
	assert_int_equal(r.n_advisories, 0);
	r = rig_add(t, T0 + 120, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_true(r.duplicate);
	r = rig_add(t, T0 - 100, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_true(r.duplicate);
	/* The other leg at the same time: another cramp. */
	r = rig_add(t, T0 + 30, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	assert_false(r.duplicate);
	assert_int_equal(r.count_7d, 2);
	/* Just outside the window: a new one. */
	r = rig_add(t, T0 + 121, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_false(r.duplicate);
	assert_int_equal(r.count_7d, 3);
	/* "unknown" matches either leg, both ways. */
	r = rig_add(t, T0 + 200, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN);
	assert_true(r.duplicate);
	assert_int_equal(r.duplicate_of_s, T0 + 121);
	r = rig_add(t, T0 + HOUR_S, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN);
	assert_false(r.duplicate);
	r = rig_add(t, T0 + HOUR_S + 90, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	assert_true(r.duplicate);
	assert_int_equal(r.duplicate_of_s, T0 + HOUR_S);
	assert_int_equal(cramp_tracker_count(t, T0 + HOUR_S), 4);
	cramp_tracker_free(t);
}

static void test_dedup_window_configurable(void **state)
{
	struct cramp_tracker_params p;
	struct cramp_tracker *t = NULL;

	cramp_tracker_params_default(&p);
	assert_int_equal(p.dedup_window_s, 120);
	p.dedup_window_s = 30;
	assert_int_equal(cramp_tracker_new(&p, &t), 0);
	assert_false(rig_add(t, T0, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).duplicate);
	assert_true(rig_add(t, T0 + 30, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).duplicate);
	assert_false(rig_add(t, T0 + 31, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).duplicate);
	cramp_tracker_free(t);
}

static void test_count_across_spring_dst(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	/* Monday 23 March 2026, 00:30 CET; the clocks go forward on Sunday 29 March. */
	int64_t first = berlin(2026, 3, 23, 0, 30);
	int64_t now;

	assert_int_equal(first, 1774222200);
	rig_add(t, first, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	rig_add(t, berlin(2026, 3, 26, 3, 0), CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	/* A week later on the wall clock, 00:30 CEST, only 167 hours have passed. */
	now = berlin(2026, 3, 30, 0, 30);
	assert_int_equal(now - first, 7 * DAY_S - HOUR_S);
	assert_int_equal(cramp_tracker_count(t, now), 2);
	assert_int_equal(cramp_tracker_count(t, berlin(2026, 3, 30, 1, 29)), 2);
	/* 01:30 CEST is 7 x 24 h: the first has left the window. */
	assert_int_equal(cramp_tracker_count(t, berlin(2026, 3, 30, 1, 30)), 1);
	/* A cramp at 01:29 counts it, one at 01:31 does not. */
	assert_int_equal(
	    rig_add(t, berlin(2026, 3, 30, 1, 29), CRAMP_LEG_LEFT, CRAMP_SITE_CALF).count_7d, 3);
	assert_int_equal(
	    rig_add(t, berlin(2026, 3, 30, 1, 31), CRAMP_LEG_LEFT, CRAMP_SITE_CALF).count_7d, 3);
	cramp_tracker_free(t);
}

static void test_count_across_autumn_dst(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	/* Monday 19 October 2026, 00:30 CEST; the clocks go back on Sunday 25 October. */
	int64_t first = berlin(2026, 10, 19, 0, 30);

	rig_add(t, first, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	/* Sunday 23:29 CET is a minute short of 7 x 24 h (the wall clock says 6 d 22 h 59 min). */
	assert_int_equal(berlin(2026, 10, 25, 23, 30) - first, 7 * DAY_S);
	assert_int_equal(cramp_tracker_count(t, berlin(2026, 10, 25, 23, 29)), 1);
	assert_int_equal(cramp_tracker_count(t, berlin(2026, 10, 25, 23, 30)), 0);
	/* Before the cramp, nothing. */
	assert_int_equal(cramp_tracker_count(t, first - 1), 0);
	assert_int_equal(cramp_tracker_count(t, first), 1);
	cramp_tracker_free(t);
}

static const enum cramp_leg alternate[] = { CRAMP_LEG_LEFT, CRAMP_LEG_RIGHT };

static void test_frequency_once_per_crossing(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;
	const struct cramp_advisory *a;

	for (int d = 0; d < 3; d++) {
		r = rig_add(t, T0 + d * DAY_S, alternate[d % 2], CRAMP_SITE_CALF);
		assert_int_equal(r.count_7d, d + 1);
		assert_int_equal(r.n_advisories, 0);
	}
	/* The 4th within 7 days fires. */
	r = rig_add(t, T0 + 3 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	assert_int_equal(r.count_7d, 4);
	assert_int_equal(r.n_advisories, 1);
	a = rig_find(&r, CRAMP_ADVISORY_KIND_FREQUENCY);
	assert_non_null(a);
	assert_int_equal(a->time_s, T0 + 3 * DAY_S);
	assert_int_equal(a->count, 4);
	assert_string_equal(a->message, "Cramps more than three times a week are worth a doctor's "
					"check of nerves and blood vessels.");
	/* The 5th, still above three: nothing. */
	r = rig_add(t, T0 + 6 * DAY_S + 12 * HOUR_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(r.count_7d, 5);
	assert_int_equal(r.n_advisories, 0);
	/* Day 7: the first leaves, 4 remain; day 8: 3 (days 2, 3, 6.5): back at three. */
	assert_int_equal(cramp_tracker_count(t, T0 + 7 * DAY_S), 4);
	assert_int_equal(cramp_tracker_count(t, T0 + 8 * DAY_S), 3);
	/* Crossing again fires again. */
	r = rig_add(t, T0 + 8 * DAY_S + HOUR_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	assert_int_equal(r.count_7d, 4);
	assert_int_equal(r.n_advisories, 1);
	assert_non_null(rig_find(&r, CRAMP_ADVISORY_KIND_FREQUENCY));
	cramp_tracker_free(t);
}

static void test_frequency_remembered_cramp_same_episode(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;

	for (int d = 0; d < 4; d++)
		r = rig_add(t, T0 + d * DAY_S, alternate[d % 2], CRAMP_SITE_CALF);
	assert_int_equal(r.n_advisories, 1);
	/* Remembered later: a cramp between the 3rd and the 4th; the episode already fired. */
	r = rig_add(t, T0 + 2 * DAY_S + 12 * HOUR_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(r.count_7d, 4);
	assert_int_equal(r.n_advisories, 0);
	cramp_tracker_free(t);
}

static void test_history_does_not_fire_old_crossings(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_cramp c = { .site = CRAMP_SITE_CALF };
	struct cramp_tracker_result r;
	int64_t last;

	assert_int_equal(cramp_tracker_last(t, &last), -ENODATA);
	/* Loaded in any order: four in 4 days, and the advisory that fired at the 4th. */
	for (int d = 3; d >= 0; d--) {
		c.time_s = T0 + d * DAY_S;
		c.leg = alternate[d % 2];
		assert_int_equal(cramp_tracker_load(t, &c, INT64_MAX), 0);
	}
	assert_int_equal(
	    cramp_tracker_load_advisory(t, CRAMP_ADVISORY_KIND_FREQUENCY, T0 + 3 * DAY_S), 0);
	assert_int_equal(cramp_tracker_count(t, T0 + 3 * DAY_S), 4);
	assert_int_equal(cramp_tracker_last(t, &last), 0);
	assert_int_equal(last, T0 + 3 * DAY_S);
	/* The 5th is in the same episode: nothing. */
	r = rig_add(t, T0 + 4 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(r.count_7d, 5);
	assert_int_equal(r.n_advisories, 0);
	cramp_tracker_free(t);

	/* Without the stored advisory, the crossing was never told: the next cramp tells it. */
	t = rig_tracker();
	for (int d = 0; d < 4; d++) {
		c.time_s = T0 + d * DAY_S;
		c.leg = alternate[d % 2];
		assert_int_equal(cramp_tracker_load(t, &c, INT64_MAX), 0);
	}
	r = rig_add(t, T0 + 4 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(r.n_advisories, 1);
	assert_non_null(rig_find(&r, CRAMP_ADVISORY_KIND_FREQUENCY));
	cramp_tracker_free(t);
}

/*
 * A bad NTP source put the clock a year ahead and a cramp was logged then;
 * the clock was corrected. Measured from that cramp's time, the real ones
 * looked 8 weeks old and were forgotten: the 7-day count dropped to 0, at
 * once and again after every restart (the store hands the future cramp back).
 */
static void test_a_cramp_dated_ahead_forgets_none(void **state)
{
	const int64_t ahead = T0 + 3 * DAY_S + 365 * DAY_S; /* the clock a year fast */
	const int64_t now = T0 + 3 * DAY_S + HOUR_S;        /* corrected */
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;

	(void) state;
	for (int d = 0; d < 4; d++)
		rig_add(t, T0 + d * DAY_S, d % 2 ? CRAMP_LEG_LEFT : CRAMP_LEG_RIGHT,
			CRAMP_SITE_CALF);
	rig_add(t, ahead, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(cramp_tracker_count(t, now), 4);
	/* After the correction: the next real cramp is counted with the four. */
	r = rig_add(t, now, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	assert_int_equal(r.count_7d, 5);
	cramp_tracker_free(t);

	/* A restart on the corrected clock: the store gives the real ones and that one. */
	t = rig_tracker();
	for (int d = 4; d >= 0; d--) {
		struct cramp_tracker_cramp c = { d == 4 ? ahead : T0 + d * DAY_S, CRAMP_LEG_LEFT,
						 CRAMP_SITE_CALF };

		assert_int_equal(cramp_tracker_load(t, &c, now), 0);
	}
	assert_int_equal(cramp_tracker_count(t, now), 4);
	cramp_tracker_free(t);
}

static void test_one_sided(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;
	const struct cramp_advisory *a;

	/* Three left, a week apart each (no frequency advisory): the third fires. */
	r = rig_add(t, T0, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(r.n_advisories, 0);
	assert_int_equal(rig_add(t, T0 + 6 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).n_advisories,
			 0);
	r = rig_add(t, T0 + 13 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(r.n_advisories, 1);
	a = rig_find(&r, CRAMP_ADVISORY_KIND_ONE_SIDED);
	assert_non_null(a);
	assert_int_equal(a->leg, CRAMP_LEG_LEFT);
	assert_int_equal(a->count, 3);
	assert_string_equal(a->message, "Cramps that keep coming back on one side, especially with "
					"swelling, should be seen by a doctor promptly.");
	/* A fourth left in a row: the same run, nothing. An unknown leg changes nothing. */
	assert_int_equal(
	    rig_add(t, T0 + 15 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_SITE_CALF).n_advisories, 0);
	assert_int_equal(rig_add(t, T0 + 17 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).n_advisories,
			 0);
	/* A right one in between resets: two more left do not fire, the third does. */
	assert_int_equal(rig_add(t, T0 + 24 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF).n_advisories,
			 0);
	assert_int_equal(rig_add(t, T0 + 31 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).n_advisories,
			 0);
	assert_int_equal(rig_add(t, T0 + 38 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).n_advisories,
			 0);
	r = rig_add(t, T0 + 44 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_non_null(rig_find(&r, CRAMP_ADVISORY_KIND_ONE_SIDED));
	cramp_tracker_free(t);
}

static void test_one_sided_window(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;

	/* Three right spread over 20 days: not within 14 days, nothing. */
	rig_add(t, T0, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	rig_add(t, T0 + 10 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	r = rig_add(t, T0 + 20 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	assert_int_equal(r.n_advisories, 0);
	/* The next: the last three (days 10, 20, 21) are within 14 days. */
	r = rig_add(t, T0 + 21 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	assert_int_equal(r.n_advisories, 1);
	assert_int_equal(rig_find(&r, CRAMP_ADVISORY_KIND_ONE_SIDED)->leg, CRAMP_LEG_RIGHT);
	/* Restored after a restart: the run already fired, the next right one does not. */
	cramp_tracker_free(t);
	t = rig_tracker();
	for (int d = 0; d < 3; d++) {
		struct cramp_tracker_cramp c = { T0 + d * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF };

		assert_int_equal(cramp_tracker_load(t, &c, INT64_MAX), 0);
	}
	assert_int_equal(
	    cramp_tracker_load_advisory(t, CRAMP_ADVISORY_KIND_ONE_SIDED, T0 + 2 * DAY_S), 0);
	r = rig_add(t, T0 + 9 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	assert_null(rig_find(&r, CRAMP_ADVISORY_KIND_ONE_SIDED));
	cramp_tracker_free(t);
}

static void test_spread(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;
	const struct cramp_advisory *a;

	assert_int_equal(rig_add(t, T0, CRAMP_LEG_LEFT, CRAMP_SITE_FOOT).n_advisories, 0);
	r = rig_add(t, T0 + DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_THIGH);
	assert_int_equal(r.n_advisories, 1);
	a = rig_find(&r, CRAMP_ADVISORY_KIND_SPREAD);
	assert_non_null(a);
	assert_int_equal(a->time_s, T0 + DAY_S);
	assert_string_equal(a->message,
			    "Cramps that spread beyond the calf deserve a doctor's look "
			    "(the nerve roots of the lower back).");
	/* Another within 7 days: the same episode. */
	assert_int_equal(
	    rig_add(t, T0 + 5 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_BUTTOCK).n_advisories, 0);
	/* More than 7 days after the last spread one: fires again. */
	r = rig_add(t, T0 + 12 * DAY_S + HOUR_S, CRAMP_LEG_RIGHT, CRAMP_SITE_THIGH);
	assert_non_null(rig_find(&r, CRAMP_ADVISORY_KIND_SPREAD));
	cramp_tracker_free(t);
}

static void test_several_at_once_and_wording(void **state)
{
	struct cramp_tracker_params p;
	struct cramp_tracker *t = NULL;
	struct cramp_tracker_result r;

	cramp_tracker_params_default(&p);
	p.message[CRAMP_ADVISORY_KIND_SPREAD] = "Ask the doctor about the thigh.";
	assert_int_equal(cramp_tracker_new(&p, &t), 0);
	rig_add(t, T0, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	rig_add(t, T0 + DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	rig_add(t, T0 + 2 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	r = rig_add(t, T0 + 3 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_THIGH);
	assert_int_equal(r.n_advisories, 2);
	assert_int_equal(r.advisories[0].kind, CRAMP_ADVISORY_KIND_FREQUENCY);
	assert_int_equal(r.advisories[1].kind, CRAMP_ADVISORY_KIND_SPREAD);
	assert_string_equal(r.advisories[1].message, "Ask the doctor about the thigh.");
	cramp_tracker_free(t);

	p.frequency_window_s = 0;
	assert_int_equal(cramp_tracker_new(&p, &t), -EINVAL);
	assert_null(cramp_tracker_free(NULL));
}

static void test_names(void **state)
{
	enum cramp_leg leg = CRAMP_LEG_LEFT;
	enum cramp_site site = CRAMP_SITE_CALF;
	enum cramp_advisory_kind kind = CRAMP_ADVISORY_KIND_SPREAD;

	assert_int_equal(cramp_leg_from_string("right", &leg), 0);
	assert_int_equal(leg, CRAMP_LEG_RIGHT);
	leg = CRAMP_LEG_LEFT;
	/* In any case, as the daemon and bedroomctl take them ("LEFT"). */
	assert_int_equal(cramp_leg_from_string("Right", &leg), 0);
	assert_int_equal(leg, CRAMP_LEG_RIGHT);
	assert_int_equal(cramp_leg_from_string("rightt", &leg), -EINVAL);
	assert_int_equal(cramp_leg_from_string(NULL, &leg), -EINVAL);
	assert_int_equal(leg, CRAMP_LEG_RIGHT);
	assert_string_equal(cramp_leg_to_string(CRAMP_LEG_UNKNOWN), "unknown");
	assert_int_equal(cramp_site_from_string("buttock", &site), 0);
	assert_int_equal(site, CRAMP_SITE_BUTTOCK);
	assert_int_equal(cramp_site_from_string("knee", &site), -EINVAL);
	assert_null(cramp_site_to_string(CRAMP_SITE_UNKNOWN));
	assert_string_equal(cramp_site_to_string(CRAMP_SITE_THIGH), "thigh");
	assert_int_equal(cramp_advisory_kind_from_string("one_sided_cramps", &kind), 0);
	assert_int_equal(kind, CRAMP_ADVISORY_KIND_ONE_SIDED);
	assert_string_equal(cramp_advisory_kind_to_string(CRAMP_ADVISORY_KIND_FREQUENCY),
			    "cramp_frequency");
	assert_string_equal(cramp_advisory_kind_to_string(CRAMP_ADVISORY_KIND_SPREAD),
			    "cramp_spread");
}

static void test_has_near(void **state)
{
	struct cramp_tracker *t = rig_tracker();

	(void) state;
	assert_false(cramp_tracker_has_near(t, T0, 15 * MIN_S));
	rig_add(t, T0, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_true(cramp_tracker_has_near(t, T0 + 15 * MIN_S, 15 * MIN_S)); /* inclusive */
	assert_true(cramp_tracker_has_near(t, T0 - 15 * MIN_S, 15 * MIN_S)); /* either side */
	assert_false(cramp_tracker_has_near(t, T0 + 15 * MIN_S + 1, 15 * MIN_S));
	cramp_tracker_free(t);
}

/* The bedside button (no leg, no site), then the phone a minute later: the detail is kept. */
static void test_amend_gives_leg_and_site(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;
	const struct cramp_advisory *a;

	(void) state;
	assert_int_equal(rig_add(t, T0, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN).n_advisories, 0);
	r = rig_add(t, T0 + MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_THIGH);
	assert_true(r.duplicate);
	assert_int_equal(r.duplicate_leg, CRAMP_LEG_UNKNOWN);
	assert_int_equal(r.duplicate_site, CRAMP_SITE_UNKNOWN);
	r = rig_amend(t, T0, CRAMP_LEG_UNKNOWN, CRAMP_LEG_LEFT, CRAMP_SITE_THIGH, 1);
	assert_true(r.duplicate);
	assert_int_equal(r.duplicate_of_s, T0);
	assert_int_equal(r.duplicate_leg, CRAMP_LEG_UNKNOWN); /* as it was */
	assert_int_equal(r.count_7d, 1);
	/* The thigh: the spread advisory, at the cramp's own time, with its new leg. */
	assert_int_equal(r.n_advisories, 1);
	a = rig_find(&r, CRAMP_ADVISORY_KIND_SPREAD);
	assert_non_null(a);
	assert_int_equal(a->time_s, T0);
	assert_int_equal(a->leg, CRAMP_LEG_LEFT);
	/* Still one cramp, now of the left leg at the thigh. */
	assert_int_equal(cramp_tracker_count(t, T0 + HOUR_S), 1);
	r = rig_add(t, T0 + 90, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN);
	assert_true(r.duplicate);
	assert_int_equal(r.duplicate_leg, CRAMP_LEG_LEFT);
	assert_int_equal(r.duplicate_site, CRAMP_SITE_THIGH);
	/* Its leg is known now: the right leg at the same time is another cramp. */
	assert_false(rig_add(t, T0 + 30, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF).duplicate);
	cramp_tracker_free(t);
}

static void test_amend_never_overwrites(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;

	(void) state;
	rig_add(t, T0, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	/* A site that differs is ignored; nothing new, nothing raised. */
	r = rig_amend(t, T0, CRAMP_LEG_LEFT, CRAMP_LEG_LEFT, CRAMP_SITE_THIGH, 0);
	assert_true(r.duplicate);
	assert_int_equal(r.n_advisories, 0);
	r = rig_amend(t, T0, CRAMP_LEG_LEFT, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN, 0);
	assert_int_equal(r.n_advisories, 0);
	r = rig_add(t, T0 + 90, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN);
	assert_int_equal(r.duplicate_site, CRAMP_SITE_CALF);
	/* A site where there was none, the known leg kept. */
	rig_add(t, T0 + DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_UNKNOWN);
	r = rig_amend(t, T0 + DAY_S, CRAMP_LEG_RIGHT, CRAMP_LEG_UNKNOWN, CRAMP_SITE_FOOT, 1);
	assert_int_equal(r.n_advisories, 0);
	r = rig_add(t, T0 + DAY_S + 20, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN);
	assert_int_equal(r.duplicate_leg, CRAMP_LEG_RIGHT);
	assert_int_equal(r.duplicate_site, CRAMP_SITE_FOOT);
	/* Not a duplicate of anything: nothing to amend. */
	rig_amend(t, T0 + 3 * DAY_S, CRAMP_LEG_LEFT, CRAMP_LEG_LEFT, CRAMP_SITE_CALF, -ENOENT);
	rig_amend(t, T0 + DAY_S, CRAMP_LEG_LEFT, CRAMP_LEG_LEFT, CRAMP_SITE_CALF,
		  -ENOENT); /* its leg */
	assert_int_equal(cramp_tracker_count(t, T0 + 3 * DAY_S), 2);
	cramp_tracker_free(t);
}

/*
 * A report without a leg near two cramps (right at 03:00, left at 03:01:30)
 * repeats the nearer one, the left: the left one is amended, never the right,
 * though the report's time lies within the dedup window of both.
 */
static void test_amend_the_cramp_it_repeats(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;
	const struct cramp_advisory *a;

	(void) state;
	rig_add(t, T0, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	assert_false(rig_add(t, T0 + 90, CRAMP_LEG_LEFT, CRAMP_SITE_UNKNOWN).duplicate);
	r = rig_add(t, T0 + 180, CRAMP_LEG_UNKNOWN, CRAMP_SITE_THIGH);
	assert_true(r.duplicate);
	assert_int_equal(r.duplicate_of_s, T0 + 90);
	assert_int_equal(r.duplicate_leg, CRAMP_LEG_LEFT);
	r = rig_amend(t, r.duplicate_of_s, r.duplicate_leg, CRAMP_LEG_UNKNOWN, CRAMP_SITE_THIGH, 1);
	a = rig_find(&r, CRAMP_ADVISORY_KIND_SPREAD);
	assert_non_null(a);
	assert_int_equal(a->leg, CRAMP_LEG_LEFT);
	assert_int_equal(a->time_s, T0 + 90);
	assert_int_equal(rig_add(t, T0 + 10, CRAMP_LEG_RIGHT, CRAMP_SITE_UNKNOWN).duplicate_site,
			 CRAMP_SITE_CALF);
	assert_int_equal(rig_add(t, T0 + 100, CRAMP_LEG_LEFT, CRAMP_SITE_UNKNOWN).duplicate_site,
			 CRAMP_SITE_THIGH);
	cramp_tracker_free(t);
}

static void test_amend_one_sided_once_per_episode(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;
	const struct cramp_advisory *a;

	(void) state;
	rig_add(t, T0, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	rig_add(t, T0 + 6 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	/* The third, by the button: no leg, no run. The phone says left: the run fires. */
	assert_int_equal(
	    rig_add(t, T0 + 12 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN).n_advisories, 0);
	r = rig_amend(t, T0 + 12 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_LEG_LEFT, CRAMP_SITE_CALF, 1);
	assert_int_equal(r.n_advisories, 1);
	a = rig_find(&r, CRAMP_ADVISORY_KIND_ONE_SIDED);
	assert_non_null(a);
	assert_int_equal(a->leg, CRAMP_LEG_LEFT);
	assert_int_equal(a->count, 3);
	assert_int_equal(a->time_s, T0 + 12 * DAY_S);
	/* A fourth left the same way: the same run, nothing. */
	rig_add(t, T0 + 14 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN);
	r = rig_amend(t, T0 + 14 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_LEG_LEFT, CRAMP_SITE_UNKNOWN, 1);
	assert_int_equal(r.n_advisories, 0);
	cramp_tracker_free(t);
}

static void test_amend_spread_once_per_episode(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;

	(void) state;
	r = rig_add(t, T0, CRAMP_LEG_RIGHT, CRAMP_SITE_THIGH);
	assert_non_null(rig_find(&r, CRAMP_ADVISORY_KIND_SPREAD));
	/* Two days later, amended to the buttock: the same spread episode. */
	rig_add(t, T0 + 2 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN);
	r = rig_amend(t, T0 + 2 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_LEG_UNKNOWN, CRAMP_SITE_BUTTOCK,
		      1);
	assert_int_equal(r.n_advisories, 0);
	/* The advisory an amendment raised counts as fired: a thigh cramp a day later is quiet. */
	rig_add(t, T0 + 12 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN);
	r = rig_amend(t, T0 + 12 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_LEG_UNKNOWN, CRAMP_SITE_THIGH,
		      1);
	assert_non_null(rig_find(&r, CRAMP_ADVISORY_KIND_SPREAD));
	assert_int_equal(rig_add(t, T0 + 13 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_THIGH).n_advisories,
			 0);
	cramp_tracker_free(t);
}

/* A cramp moved to the better time of a second report of it: counted there. */
static void test_retime(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	int64_t last = 0;

	(void) state;
	rig_add(t, T0, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	rig_add(t, T0 + DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(
	    cramp_tracker_retime(t, T0 + DAY_S, CRAMP_LEG_LEFT, T0 + DAY_S + 5 * HOUR_S), 0);
	assert_int_equal(cramp_tracker_last(t, &last), 0);
	assert_true(last == T0 + DAY_S + 5 * HOUR_S);
	assert_int_equal(cramp_tracker_count(t, T0 + DAY_S + HOUR_S), 1);
	assert_int_equal(cramp_tracker_count(t, T0 + DAY_S + 5 * HOUR_S), 2);
	assert_int_equal(cramp_tracker_retime(t, T0 + DAY_S, CRAMP_LEG_LEFT, T0), -ENOENT);
	cramp_tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retime),
		cmocka_unit_test(test_dedup_window_per_leg),
		cmocka_unit_test(test_dedup_window_configurable),
		cmocka_unit_test(test_count_across_spring_dst),
		cmocka_unit_test(test_count_across_autumn_dst),
		cmocka_unit_test(test_frequency_once_per_crossing),
		cmocka_unit_test(test_frequency_remembered_cramp_same_episode),
		cmocka_unit_test(test_history_does_not_fire_old_crossings),
		cmocka_unit_test(test_a_cramp_dated_ahead_forgets_none),
		cmocka_unit_test(test_one_sided),
		cmocka_unit_test(test_one_sided_window),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_several_at_once_and_wording),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_has_near),
		cmocka_unit_test(test_amend_gives_leg_and_site),
		cmocka_unit_test(test_amend_never_overwrites),
		cmocka_unit_test(test_amend_the_cramp_it_repeats),
		cmocka_unit_test(test_amend_one_sided_once_per_episode),
		cmocka_unit_test(test_amend_spread_once_per_episode),
	};

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
