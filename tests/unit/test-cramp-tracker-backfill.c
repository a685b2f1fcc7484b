/*
 * The cramp tracker with cramps entered out of order (a diary typed in later):
 * the advisories must not depend on the order of entry.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/unit/cramp-tracker-rig.h"

/* How many advisories of each kind one result raised, added to @n. */
static void tally(struct cramp_tracker_result r, unsigned n[_CRAMP_ADVISORY_KIND_MAX])
{
	for (unsigned i = 0; i < r.n_advisories; i++)
		n[r.advisories[i].kind]++;
}

/*
 * From a user trial: four cramps of one night typed in from a paper diary,
 * newest first (10, 20, 30, 40 minutes ago). They fire the frequency and the
 * one-sided advisory once each, as the same four entered oldest first do.
 */
static void test_backfill_newest_first(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	unsigned newest_first[_CRAMP_ADVISORY_KIND_MAX] = { 0 };
	unsigned oldest_first[_CRAMP_ADVISORY_KIND_MAX] = { 0 };
	struct cramp_tracker_result r;
	const struct cramp_advisory *a;

	(void) state;
	for (int k = 1; k <= 4; k++) {
		r = rig_add(t, T0 - k * 10 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
		assert_false(r.duplicate);
		/* Its own night's count: nothing entered so far lies before it. */
		assert_int_equal(r.count_7d, 1);
		tally(r, newest_first);
		if (k == 3) {
			/* The third makes a run with the two later ones: at the newest. */
			a = rig_find(&r, CRAMP_ADVISORY_KIND_ONE_SIDED);
			assert_non_null(a);
			assert_int_equal(a->time_s, T0 - 10 * MIN_S);
			assert_int_equal(a->leg, CRAMP_LEG_LEFT);
			assert_int_equal(a->count, 3);
		}
		if (k == 4) {
			/* The count first went above three at the newest cramp. */
			a = rig_find(&r, CRAMP_ADVISORY_KIND_FREQUENCY);
			assert_non_null(a);
			assert_int_equal(a->time_s, T0 - 10 * MIN_S);
			assert_int_equal(a->count, 4);
			assert_int_equal(a->leg, CRAMP_LEG_LEFT);
		}
	}
	assert_int_equal(cramp_tracker_count(t, T0), 4);
	cramp_tracker_free(t);

	t = rig_tracker();
	for (int k = 4; k >= 1; k--)
		tally(rig_add(t, T0 - k * 10 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF),
		      oldest_first);
	cramp_tracker_free(t);
	assert_int_equal(oldest_first[CRAMP_ADVISORY_KIND_FREQUENCY], 1);
	assert_int_equal(oldest_first[CRAMP_ADVISORY_KIND_ONE_SIDED], 1);
	assert_int_equal(oldest_first[CRAMP_ADVISORY_KIND_SPREAD], 0);
	assert_memory_equal(newest_first, oldest_first, sizeof(oldest_first));
}

/* A small fixed generator: the same "random" orders on every run. */
static uint32_t next_random(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t) (*s >> 33);
}

/*
 * A diary of 18 cramps over seven weeks, in four clusters that lie more than
 * the longest window (14 days) apart. Each cluster is of one leg (or none) and
 * spans less than 7 days. Then what the full diary calls for is also what any
 * part of it already called for: no order can fire an advisory that the whole
 * diary would not (a run of the left leg, fired, then a right cramp
 * remembered into its middle, would be such an order; so would two crossings
 * that a cramp remembered between them joins into one).
 */
static const struct cramp_tracker_cramp diary[] = {
	/* One bad night: six left, one at the thigh (frequency, one-sided, spread). */
	{ T0, CRAMP_LEG_LEFT, CRAMP_SITE_CALF },
	{ T0 + 10 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF },
	{ T0 + 25 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_THIGH },
	{ T0 + 40 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF },
	{ T0 + 2 * HOUR_S, CRAMP_LEG_LEFT, CRAMP_SITE_FOOT },
	{ T0 + 2 * HOUR_S + 30 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF },
	/* Three right over three nights (one-sided only). */
	{ T0 + 16 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF },
	{ T0 + 17 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_FOOT },
	{ T0 + 18 * DAY_S + HOUR_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF },
	/* Five in five nights, two without a leg, one at the buttock (all three). */
	{ T0 + 32 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF },
	{ T0 + 33 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN },
	{ T0 + 34 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_BUTTOCK },
	{ T0 + 35 * DAY_S, CRAMP_LEG_UNKNOWN, CRAMP_SITE_CALF },
	{ T0 + 36 * DAY_S - HOUR_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF },
	/* Four, alternating legs, one night each (frequency only). */
	{ T0 + 48 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF },
	{ T0 + 49 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF },
	{ T0 + 50 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF },
	{ T0 + 51 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF },
};

#define N_DIARY (sizeof(diary) / sizeof(diary[0]))

/* Enters the diary in the order @order; returns the advisories of each kind in @n. */
static void enter_diary(const size_t order[N_DIARY], unsigned n[_CRAMP_ADVISORY_KIND_MAX])
{
	struct cramp_tracker *t = rig_tracker();

	memset(n, 0, _CRAMP_ADVISORY_KIND_MAX * sizeof(n[0]));
	for (size_t i = 0; i < N_DIARY; i++) {
		const struct cramp_tracker_cramp *c = diary + order[i];
		struct cramp_tracker_result r = rig_add(t, c->time_s, c->leg, c->site);

		assert_false(r.duplicate);
		tally(r, n);
	}
	assert_int_equal(cramp_tracker_count(t, T0 + 52 * DAY_S), 4);
	cramp_tracker_free(t);
}

static void test_backfill_any_order_fires_the_same(void **state)
{
	unsigned sorted[_CRAMP_ADVISORY_KIND_MAX], shuffled[_CRAMP_ADVISORY_KIND_MAX];
	size_t order[N_DIARY];
	uint64_t seed = 20261203;

	(void) state;
	for (size_t i = 0; i < N_DIARY; i++)
		order[i] = i;
	enter_diary(order, sorted);
	assert_int_equal(sorted[CRAMP_ADVISORY_KIND_FREQUENCY], 3);
	assert_int_equal(sorted[CRAMP_ADVISORY_KIND_ONE_SIDED], 3);
	assert_int_equal(sorted[CRAMP_ADVISORY_KIND_SPREAD], 2);
	/* Newest first, then 200 shuffles (Fisher-Yates). */
	for (size_t i = 0; i < N_DIARY; i++)
		order[i] = N_DIARY - 1 - i;
	enter_diary(order, shuffled);
	assert_memory_equal(shuffled, sorted, sizeof(sorted));
	for (int round = 0; round < 200; round++) {
		for (size_t i = N_DIARY - 1; i > 0; i--) {
			size_t j = next_random(&seed) % (i + 1), tmp = order[i];

			order[i] = order[j];
			order[j] = tmp;
		}
		enter_diary(order, shuffled);
		if (memcmp(shuffled, sorted, sizeof(sorted)) != 0)
			fail_msg(
			    "round %d: %u frequency, %u one-sided, %u spread; sorted: %u, %u, %u",
			    round, shuffled[0], shuffled[1], shuffled[2], sorted[0], sorted[1],
			    sorted[2]);
	}
}

/* Remembering more of an episode that already fired fires nothing more. */
static void test_backfill_episode_fires_once(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_cramp c = { .site = CRAMP_SITE_CALF };
	struct cramp_tracker_result r;

	(void) state;
	for (int k = 1; k <= 4; k++)
		r = rig_add(t, T0 - k * 10 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_non_null(rig_find(&r, CRAMP_ADVISORY_KIND_FREQUENCY));
	/* Earlier that night, and between two of them: the same run, the same crossing. */
	assert_int_equal(rig_add(t, T0 - 50 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).n_advisories,
			 0);
	assert_int_equal(rig_add(t, T0 - 3 * HOUR_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).n_advisories,
			 0);
	assert_int_equal(rig_add(t, T0 - 15 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).n_advisories,
			 0);
	/* Two days before, the count at the newest still above: the same episode. */
	assert_int_equal(rig_add(t, T0 - 2 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF).n_advisories,
			 0);
	cramp_tracker_free(t);

	/* After a restart, with the advisories the store says fired at the 4th and 3rd. */
	t = rig_tracker();
	for (int d = 0; d < 4; d++) {
		c.time_s = T0 + d * DAY_S;
		c.leg = CRAMP_LEG_LEFT;
		assert_int_equal(cramp_tracker_load(t, &c, INT64_MAX), 0);
	}
	assert_int_equal(
	    cramp_tracker_load_advisory(t, CRAMP_ADVISORY_KIND_FREQUENCY, T0 + 3 * DAY_S), 0);
	assert_int_equal(
	    cramp_tracker_load_advisory(t, CRAMP_ADVISORY_KIND_ONE_SIDED, T0 + 2 * DAY_S), 0);
	/* Remembered before them all: the count now first exceeds at day 2, in that episode. */
	r = rig_add(t, T0 - 12 * HOUR_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(r.count_7d, 1);
	assert_int_equal(r.n_advisories, 0);
	cramp_tracker_free(t);
}

/*
 * Six left cramps make one run, fired once. A right cramp remembered after the
 * third splits it: the left cramps after it make a new run of three, which
 * fires, as it does when the seven are entered in time order.
 */
static void test_backfill_other_leg_splits_a_run(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	unsigned n[_CRAMP_ADVISORY_KIND_MAX] = { 0 };
	struct cramp_tracker_result r;
	const struct cramp_advisory *a;

	(void) state;
	for (int d = 0; d < 6; d++)
		tally(rig_add(t, T0 + d * 2 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF), n);
	assert_int_equal(n[CRAMP_ADVISORY_KIND_ONE_SIDED], 1);
	r = rig_add(t, T0 + 5 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF);
	a = rig_find(&r, CRAMP_ADVISORY_KIND_ONE_SIDED);
	assert_non_null(a);
	assert_int_equal(a->leg, CRAMP_LEG_LEFT);
	assert_int_equal(a->time_s, T0 + 10 * DAY_S);
	cramp_tracker_free(t);

	/* In time order: the same two. */
	memset(n, 0, sizeof(n));
	t = rig_tracker();
	for (int d = 0; d < 6; d++) {
		if (d == 3)
			tally(rig_add(t, T0 + 5 * DAY_S, CRAMP_LEG_RIGHT, CRAMP_SITE_CALF), n);
		tally(rig_add(t, T0 + d * 2 * DAY_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF), n);
	}
	assert_int_equal(n[CRAMP_ADVISORY_KIND_ONE_SIDED], 2);
	cramp_tracker_free(t);
}

/* The button's cramp remembered before two left ones; the phone then says left: a run. */
static void test_amend_backfilled_cramp_completes_a_run(void **state)
{
	struct cramp_tracker *t = rig_tracker();
	struct cramp_tracker_result r;
	const struct cramp_advisory *a;

	(void) state;
	rig_add(t, T0 - 10 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	rig_add(t, T0 - 20 * MIN_S, CRAMP_LEG_LEFT, CRAMP_SITE_CALF);
	assert_int_equal(
	    rig_add(t, T0 - 30 * MIN_S, CRAMP_LEG_UNKNOWN, CRAMP_SITE_UNKNOWN).n_advisories, 0);
	r = rig_amend(t, T0 - 30 * MIN_S, CRAMP_LEG_UNKNOWN, CRAMP_LEG_LEFT, CRAMP_SITE_UNKNOWN, 1);
	assert_int_equal(r.n_advisories, 1);
	a = rig_find(&r, CRAMP_ADVISORY_KIND_ONE_SIDED);
	assert_non_null(a);
	assert_int_equal(a->time_s, T0 - 10 * MIN_S);
	assert_int_equal(a->leg, CRAMP_LEG_LEFT);
	/* The count stays, and the frequency advisory is not the amendment's to judge. */
	assert_int_equal(r.count_7d, 1);
	cramp_tracker_free(t);
}

/*
 * A paper diary of more than 8 weeks (history_s), typed in newest first: a bad
 * night ten weeks before the last one still fires, as it does in time order.
 */
static void test_backfill_diary_longer_than_history(void **state)
{
	unsigned n[2][_CRAMP_ADVISORY_KIND_MAX] = { { 0 } };

	(void) state;
	for (int dir = 0; dir < 2; dir++) {
		struct cramp_tracker *t = rig_tracker();

		for (int k = 0; k < 8; k++) {
			int i = dir ? 7 - k : k;

			tally(rig_add(t, T0 + (i / 4) * 70 * DAY_S + (i % 4) * 10 * MIN_S,
				      CRAMP_LEG_LEFT, CRAMP_SITE_CALF),
			      n[dir]);
		}
		assert_int_equal(cramp_tracker_count(t, T0 + 71 * DAY_S), 4);
		cramp_tracker_free(t);
	}
	assert_int_equal(n[0][CRAMP_ADVISORY_KIND_FREQUENCY], 2);
	assert_int_equal(n[0][CRAMP_ADVISORY_KIND_ONE_SIDED], 2);
	assert_memory_equal(n[1], n[0], sizeof(n[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backfill_newest_first),
		cmocka_unit_test(test_backfill_any_order_fires_the_same),
		cmocka_unit_test(test_backfill_episode_fires_once),
		cmocka_unit_test(test_backfill_other_leg_splits_a_run),
		cmocka_unit_test(test_amend_backfilled_cramp_completes_a_run),
		cmocka_unit_test(test_backfill_diary_longer_than_history),
	};

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
