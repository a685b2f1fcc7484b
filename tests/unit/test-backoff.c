#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/backoff.h"

#define SEC 1000000ULL

static void test_first_retry_within_one_to_two_seconds(void **state)
{
	assert_int_equal(backoff_delay_usec(0, 0, 2 * SEC, 60 * SEC), 1 * SEC);
	assert_true(backoff_delay_usec(0, UINT32_MAX, 2 * SEC, 60 * SEC) <= 2 * SEC);
	assert_true(backoff_delay_usec(0, UINT32_MAX, 2 * SEC, 60 * SEC) > 1990000ULL);
}

static void test_doubles_then_caps_at_sixty_seconds(void **state)
{
	assert_int_equal(backoff_delay_usec(1, 0, 2 * SEC, 60 * SEC), 2 * SEC);
	assert_int_equal(backoff_delay_usec(2, 0, 2 * SEC, 60 * SEC), 4 * SEC);
	assert_int_equal(backoff_delay_usec(4, 0, 2 * SEC, 60 * SEC), 16 * SEC);
	assert_int_equal(backoff_delay_usec(5, 0, 2 * SEC, 60 * SEC), 30 * SEC);
	for (unsigned attempt = 5; attempt < 1000; attempt += 97) {
		uint64_t lo = backoff_delay_usec(attempt, 0, 2 * SEC, 60 * SEC);
		uint64_t hi = backoff_delay_usec(attempt, UINT32_MAX, 2 * SEC, 60 * SEC);

		assert_int_equal(lo, 30 * SEC);
		assert_true(hi <= 60 * SEC && hi > 59 * SEC);
	}
}

static void test_jitter_spreads_delays(void **state)
{
	uint64_t a = backoff_delay_usec(3, 0x10000000u, 2 * SEC, 60 * SEC);
	uint64_t b = backoff_delay_usec(3, 0xC0000000u, 2 * SEC, 60 * SEC);

	assert_true(a >= 8 * SEC && a <= 16 * SEC);
	assert_true(b >= 8 * SEC && b <= 16 * SEC);
	assert_true(b > a + 4 * SEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_retry_within_one_to_two_seconds),
		cmocka_unit_test(test_doubles_then_caps_at_sixty_seconds),
		cmocka_unit_test(test_jitter_spreads_delays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
