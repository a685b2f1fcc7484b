#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/rate-meter.h"

#define MSEC 1000ULL
#define SEC  1000000ULL

/* @per_s events a second, one at a time, for @seconds from @start; the last verdict. */
static bool feed(struct rate_meter *r, uint64_t start, unsigned per_s, unsigned seconds)
{
	bool over = false;

	for (uint64_t i = 0; i < (uint64_t) per_s * seconds; i++)
		over = rate_meter_add(r, start + i * SEC / per_s, 1);
	return over;
}

static void test_slow_never_over(void **state)
{
	struct rate_meter r = RATE_METER_INIT(SEC, 100);

	assert_false(feed(&r, 5 * SEC, 67, 30));
	assert_false(feed(&r, 40 * SEC, 100, 30));
}

static void test_flood_over_within_the_first_window(void **state)
{
	struct rate_meter r = RATE_METER_INIT(SEC, 100);
	unsigned first_over = 0;

	for (unsigned i = 0; i < 300; i++)
		if (rate_meter_add(&r, 10 * SEC + i * 3333, 1) && !first_over)
			first_over = i + 1;
	/* The 101st message of the window is over the limit. */
	assert_int_equal(first_over, 101);
}

static void test_flood_steady_across_windows(void **state)
{
	struct rate_meter r = RATE_METER_INIT(SEC, 100);

	(void) feed(&r, 0, 300, 2);
	/* The first events of each new window: over, by the window before. */
	for (unsigned s = 2; s < 10; s++) {
		for (unsigned i = 0; i < 300; i++)
			assert_true(rate_meter_add(&r, s * SEC + i * 3333, 1));
	}
}

static void test_flood_ends(void **state)
{
	struct rate_meter r = RATE_METER_INIT(SEC, 100);

	assert_true(feed(&r, 0, 300, 5));
	/* Slow again: still over for the rest of the window after the flood's last. */
	assert_true(rate_meter_add(&r, 5 * SEC + 500 * MSEC, 1));
	assert_false(rate_meter_add(&r, 6 * SEC + 500 * MSEC, 1));
	/* After a gap of more than a window, the flood is forgotten at once. */
	assert_true(feed(&r, 20 * SEC, 300, 1));
	assert_false(rate_meter_add(&r, 30 * SEC, 1));
}

static void test_batches_counted(void **state)
{
	struct rate_meter r = RATE_METER_INIT(SEC, 100);

	assert_false(rate_meter_add(&r, 0, 100));
	assert_true(rate_meter_add(&r, 1, 1));
	/* A count that would wrap stays at its largest. */
	assert_true(rate_meter_add(&r, 2, UINT32_MAX));
	assert_int_equal(r.count, UINT32_MAX);
}

static void test_clock_backwards_starts_afresh(void **state)
{
	struct rate_meter r = RATE_METER_INIT(SEC, 100);

	assert_true(feed(&r, 100 * SEC, 300, 2));
	assert_false(rate_meter_add(&r, 50 * SEC, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slow_never_over),
		cmocka_unit_test(test_flood_over_within_the_first_window),
		cmocka_unit_test(test_flood_steady_across_windows),
		cmocka_unit_test(test_flood_ends),
		cmocka_unit_test(test_batches_counted),
		cmocka_unit_test(test_clock_backwards_starts_afresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
