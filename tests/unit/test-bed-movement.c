#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>

#include "sensors/bed-movement.h"

#define MS  1000ULL
#define SEC 1000000ULL
#define MIN (60 * SEC)
#define T0  (1000 * MIN) /* on a minute boundary */

static void test_empty_is_zero(void **state)
{
	struct bed_movement m;
	uint32_t h[5];

	bed_movement_init(&m);
	assert_int_equal(bed_movement_per_min(&m, T0), 0);
	assert_int_equal(bed_movement_history(&m, T0, h, 5), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(h[i], 0);
}

static void test_sliding_minute(void **state)
{
	struct bed_movement m;

	bed_movement_init(&m);
	for (int i = 0; i < 10; i++)
		assert_int_equal(bed_movement_add(&m, T0 + (uint64_t) i * SEC), 0);
	assert_int_equal(bed_movement_per_min(&m, T0 + 30 * SEC), 10);
	/* Next minute, half-way: half of the previous minute's still counts. */
	assert_int_equal(bed_movement_per_min(&m, T0 + MIN + 30 * SEC), 5);
	bed_movement_add(&m, T0 + MIN + 31 * SEC);
	assert_int_equal(bed_movement_per_min(&m, T0 + MIN + 31 * SEC), 6);
	/* Two minutes later nothing is left in the window. */
	assert_int_equal(bed_movement_per_min(&m, T0 + 3 * MIN), 0);
	assert_int_equal(m.total, 11);
}

static void test_history_oldest_first(void **state)
{
	struct bed_movement m;
	uint32_t h[3];

	bed_movement_init(&m);
	bed_movement_add(&m, T0 + 1 * SEC);
	bed_movement_add(&m, T0 + MIN + 1 * SEC);
	bed_movement_add(&m, T0 + MIN + 2 * SEC);
	bed_movement_add(&m, T0 + 3 * MIN);
	/* The whole minutes before the one holding now: T0, T0+1, T0+2. */
	assert_int_equal(bed_movement_history(&m, T0 + 3 * MIN + 10 * SEC, h, 3), 3);
	assert_int_equal(h[0], 1);
	assert_int_equal(h[1], 2);
	assert_int_equal(h[2], 0);
}

static void test_out_of_order_counts_in_its_minute(void **state)
{
	struct bed_movement m;
	uint32_t h[2];

	bed_movement_init(&m);
	bed_movement_add(&m, T0 + MIN + 5 * SEC);
	assert_int_equal(bed_movement_add(&m, T0 + 30 * SEC), 0); /* late, still kept */
	assert_int_equal(bed_movement_history(&m, T0 + 2 * MIN, h, 2), 2);
	assert_int_equal(h[0], 1);
	assert_int_equal(h[1], 1);
	/* Older than the kept hour: dropped. */
	bed_movement_add(&m, T0 + 90 * MIN);
	assert_int_equal(bed_movement_add(&m, T0 + 10 * SEC), -ERANGE);
	assert_int_equal(m.dropped, 1);
}

static void test_an_hour_is_kept_and_old_minutes_expire(void **state)
{
	struct bed_movement m;
	uint32_t h[BED_MOVEMENT_MINUTES + 5];

	bed_movement_init(&m);
	for (uint64_t i = 0; i < 120; i++)
		bed_movement_add(&m, T0 + i * MIN + SEC);
	assert_int_equal(bed_movement_history(&m, T0 + 120 * MIN, h, BED_MOVEMENT_MINUTES + 5),
			 BED_MOVEMENT_MINUTES);
	for (int i = 0; i < BED_MOVEMENT_MINUTES; i++)
		assert_int_equal(h[i], 1);
	/* A long gap (the daemon's monotonic clock after a long quiet spell) clears the ring. */
	bed_movement_add(&m, T0 + 1000 * MIN);
	assert_int_equal(bed_movement_history(&m, T0 + 1001 * MIN, h, 3), 3);
	assert_int_equal(h[0], 0);
	assert_int_equal(h[1], 0);
	assert_int_equal(h[2], 1);
}

static void test_near_time_zero(void **state)
{
	struct bed_movement m;
	uint32_t h[5];

	bed_movement_init(&m);
	bed_movement_add(&m, 5 * SEC);
	assert_int_equal(bed_movement_per_min(&m, 10 * SEC), 1);
	assert_int_equal(bed_movement_history(&m, 10 * SEC, h, 5), 0);
	assert_int_equal(bed_movement_history(&m, MIN + SEC, h, 5), 1);
	assert_int_equal(h[0], 1);
}

/* A SW-420 vibration switch as the sleeper turns over: a dozen edges in under two seconds. */
static void test_chatter_is_one_movement_a_second(void **state)
{
	struct bed_movement m;

	(void) state;
	bed_movement_init(&m);
	for (uint64_t i = 0; i < 12; i++)
		assert_int_equal(bed_movement_add(&m, T0 + 10 * SEC + i * 150 * MS), 0);
	/* Edges at 0 .. 1.65 s: the movement of the first second, and the next one. */
	assert_int_equal(bed_movement_per_min(&m, T0 + 20 * SEC), 2);
	assert_int_equal(m.total, 2);
	/* A cramp: the switch chatters through 40 s, a movement in each second of it. */
	for (uint64_t i = 0; i < 400; i++)
		bed_movement_add(&m, T0 + 2 * MIN + i * 100 * MS);
	assert_int_equal(bed_movement_per_min(&m, T0 + 2 * MIN + 40 * SEC), 40);
	/* An MQTT sensor that reports every few seconds: each report a movement. */
	bed_movement_init(&m);
	for (uint64_t i = 0; i < 10; i++)
		bed_movement_add(&m, T0 + i * 3 * SEC);
	assert_int_equal(bed_movement_per_min(&m, T0 + 30 * SEC), 10);
}

/* An edge that comes late, within the gap of the movement it belongs to, is that movement. */
static void test_late_chatter_is_the_same_movement(void **state)
{
	struct bed_movement m;

	(void) state;
	bed_movement_init(&m);
	bed_movement_add(&m, T0 + 10 * SEC);
	bed_movement_add(&m, T0 + 10 * SEC - 300 * MS);
	assert_int_equal(m.total, 1);
	bed_movement_add(&m, T0 + 5 * SEC); /* an older movement of its own */
	assert_int_equal(m.total, 2);
	bed_movement_add(&m, T0 + 10 * SEC + 500 * MS); /* still the newest one's */
	assert_int_equal(m.total, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_zero),
		cmocka_unit_test(test_sliding_minute),
		cmocka_unit_test(test_history_oldest_first),
		cmocka_unit_test(test_out_of_order_counts_in_its_minute),
		cmocka_unit_test(test_an_hour_is_kept_and_old_minutes_expire),
		cmocka_unit_test(test_near_time_zero),
		cmocka_unit_test(test_chatter_is_one_movement_a_second),
		cmocka_unit_test(test_late_chatter_is_the_same_movement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
