#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdbool.h>

#include "control/cramp-suspect.h"

#define SEC    1000000ULL
#define MS     1000ULL
#define MINUTE (60 * SEC)
#define T0     (1000 * SEC) /* the detector starts watching here */

static struct cramp_suspect_params params(void)
{
	struct cramp_suspect_params p;

	cramp_suspect_params_default(&p);
	return p;
}

/* @n movements from @start, @gap apart; returns how many of them completed the pattern. */
static unsigned movements(struct cramp_suspect *s, const struct cramp_suspect_params *p,
			  uint64_t start, uint64_t gap, unsigned n, int in_bed, uint64_t in_bed_for)
{
	unsigned hits = 0;

	for (unsigned i = 0; i < n; i++)
		hits += cramp_suspect_movement(s, p, start + i * gap, in_bed, in_bed_for);
	return hits;
}

static void test_burst_after_calm_is_suspected_once(void **state)
{
	struct cramp_suspect_params p = params();
	struct cramp_suspect s;

	(void) state;
	cramp_suspect_init(&s, T0);
	/* Asleep: a turn every 5 minutes for an hour. */
	assert_int_equal(movements(&s, &p, T0, 5 * MINUTE, 12, -1, 0), 0);
	/* The cramp: 30 jerks 2 s apart. Exactly the 12th completes the pattern. */
	uint64_t burst = T0 + 61 * MINUTE;
	for (unsigned i = 0; i < 30; i++)
		assert_int_equal(cramp_suspect_movement(&s, &p, burst + i * 2 * SEC, -1, 0),
				 i == 11);
	/* Still restless a few minutes later: the same bout, not a second cramp. */
	assert_int_equal(movements(&s, &p, burst + 3 * MINUTE, SEC, 40, -1, 0), 0);
}

static void test_few_movements_are_not_a_burst(void **state)
{
	struct cramp_suspect_params p = params();
	struct cramp_suspect s;

	(void) state;
	cramp_suspect_init(&s, T0);
	/* Turning over: 11 quick movements are one short of the burst. */
	assert_int_equal(movements(&s, &p, T0 + 30 * MINUTE, 2 * SEC, 11, -1, 0), 0);
	/* 12 spread over more than a minute are not one either. */
	assert_int_equal(movements(&s, &p, T0 + 60 * MINUTE, 6 * SEC, 12, -1, 0), 0);
}

static void test_restless_evening_is_not_calm(void **state)
{
	struct cramp_suspect_params p = params();
	struct cramp_suspect s;

	(void) state;
	cramp_suspect_init(&s, T0);
	/* Reading in bed: 2 movements a minute for 40 minutes, then a burst. */
	assert_int_equal(movements(&s, &p, T0, 30 * SEC, 80, -1, 0), 0);
	assert_int_equal(movements(&s, &p, T0 + 40 * MINUTE + 10 * SEC, SEC, 20, -1, 0), 0);
}

static void test_calm_must_have_been_watched(void **state)
{
	struct cramp_suspect_params p = params();
	struct cramp_suspect s;

	(void) state;
	/* Just started: nothing is known of the 20 minutes before. */
	cramp_suspect_init(&s, T0);
	assert_int_equal(movements(&s, &p, T0 + 10 * MINUTE, SEC, 20, -1, 0), 0);
	/* The same burst 25 minutes after the previous one ended is a new cramp. */
	assert_int_equal(movements(&s, &p, T0 + 35 * MINUTE, SEC, 20, -1, 0), 1);
}

/* A SW-420 vibration switch as the sleeper turns over: @n edges 150 ms apart from @start. */
static unsigned chatter(struct cramp_suspect *s, const struct cramp_suspect_params *p,
			uint64_t start, unsigned n)
{
	return movements(s, p, start, 150 * MS, n, -1, 0);
}

static void test_chatter_of_turning_over_is_not_a_burst(void **state)
{
	struct cramp_suspect_params p = params();
	struct cramp_suspect s;

	(void) state;
	cramp_suspect_init(&s, T0);
	/* Calm for 30 minutes, then turning over: 12 edges within 2 s are a movement or two. */
	assert_int_equal(chatter(&s, &p, T0 + 30 * MINUTE, 12), 0);
	/* Twice more, a few seconds apart: still far from a dozen movements. */
	assert_int_equal(chatter(&s, &p, T0 + 30 * MINUTE + 5 * SEC, 12), 0);
	assert_int_equal(chatter(&s, &p, T0 + 30 * MINUTE + 10 * SEC, 12), 0);
}

static void test_cramp_after_a_night_of_turning_over_is_suspected(void **state)
{
	struct cramp_suspect_params p = params();
	struct cramp_suspect s;
	uint64_t cramp = T0 + 61 * MINUTE;
	unsigned first = 0, hits = 0;

	(void) state;
	cramp_suspect_init(&s, T0);
	/* Asleep: turning over every 5 minutes, each a chatter of 12 edges. The calm holds. */
	for (unsigned k = 0; k < 12; k++)
		assert_int_equal(chatter(&s, &p, T0 + k * 5 * MINUTE, 12), 0);
	/*
	 * The cramp: the leg jerks, the person sits up, pulls the foot, rubs the calf;
	 * the switch chatters through 40 s of it. Suspected once, about 11 s in.
	 */
	for (unsigned i = 0; i < 400; i++)
		if (cramp_suspect_movement(&s, &p, cramp + i * 100 * MS, -1, 0)) {
			hits++;
			first = i;
		}
	assert_int_equal(hits, 1);
	assert_int_equal(first, 110);
}

static void test_occupancy_gates(void **state)
{
	struct cramp_suspect_params p = params();
	struct cramp_suspect s;

	(void) state;
	cramp_suspect_init(&s, T0);
	/* Out of bed (making it): never. */
	assert_int_equal(movements(&s, &p, T0 + 30 * MINUTE, SEC, 20, 0, 0), 0);
	/* Just got into bed: settling in, not a cramp. */
	cramp_suspect_init(&s, T0);
	assert_int_equal(movements(&s, &p, T0 + 30 * MINUTE, SEC, 20, 1, 10 * MINUTE), 0);
	/* In bed long enough. */
	cramp_suspect_init(&s, T0);
	assert_int_equal(movements(&s, &p, T0 + 30 * MINUTE, SEC, 20, 1, 45 * MINUTE), 1);
}

static void test_long_calm_is_remembered(void **state)
{
	struct cramp_suspect_params p = params();
	struct cramp_suspect s;

	(void) state;
	/* The longest calm the config allows (6 h, up to one movement a minute: 360) with
	 * one movement every 61 s, then a burst: all of it is remembered, so it is calm. */
	p.quiet_usec = 360 * MINUTE;
	p.burst_movements = 128; /* the most the config allows */
	p.movement_gap_usec = 0; /* every edge a movement: the memory is what is tested */
	assert_true(cramp_suspect_params_valid(&p));
	cramp_suspect_init(&s, T0);
	assert_int_equal(movements(&s, &p, T0 + 10 * MINUTE, 61 * SEC, 354, -1, 0), 0);
	assert_int_equal(movements(&s, &p, T0 + 372 * MINUTE, SEC / 4, 128, -1, 0), 1);
	/* Busier than one a minute over those 6 hours: not calm. */
	cramp_suspect_init(&s, T0);
	assert_int_equal(movements(&s, &p, T0 + 10 * MINUTE, 50 * SEC, 430, -1, 0), 0);
	assert_int_equal(movements(&s, &p, T0 + 372 * MINUTE, SEC / 4, 128, -1, 0), 0);
}

static void test_out_of_order_is_ignored(void **state)
{
	struct cramp_suspect_params p = params();
	struct cramp_suspect s;

	(void) state;
	cramp_suspect_init(&s, T0);
	assert_false(cramp_suspect_movement(&s, &p, T0 + 30 * MINUTE, -1, 0));
	assert_false(cramp_suspect_movement(&s, &p, T0 + 29 * MINUTE, -1, 0));
	assert_int_equal(s.n, 1);
}

static void test_params(void **state)
{
	struct cramp_suspect_params p = params();

	(void) state;
	assert_true(cramp_suspect_params_valid(&p));
	p.burst_movements = 1;
	assert_false(cramp_suspect_params_valid(&p));
	p.burst_movements = CRAMP_SUSPECT_KEEP / 2 + 1;
	assert_false(cramp_suspect_params_valid(&p));
	p = params();
	p.quiet_usec = 0;
	assert_false(cramp_suspect_params_valid(&p));
	/* A calm allowance the memory cannot hold. */
	p = params();
	p.quiet_usec = (CRAMP_SUSPECT_KEEP - 11) * MINUTE;
	assert_false(cramp_suspect_params_valid(&p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_after_calm_is_suspected_once),
		cmocka_unit_test(test_few_movements_are_not_a_burst),
		cmocka_unit_test(test_restless_evening_is_not_calm),
		cmocka_unit_test(test_calm_must_have_been_watched),
		cmocka_unit_test(test_chatter_of_turning_over_is_not_a_burst),
		cmocka_unit_test(test_cramp_after_a_night_of_turning_over_is_suspected),
		cmocka_unit_test(test_occupancy_gates),
		cmocka_unit_test(test_long_calm_is_remembered),
		cmocka_unit_test(test_out_of_order_is_ignored),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
