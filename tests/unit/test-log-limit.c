#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/log-limit.h"

#define SEC 1000000ULL

static void test_burst_logged_then_counted(void **state)
{
	struct log_limit l = LOG_LIMIT_INIT(60 * SEC, 3);
	unsigned summary = 99, logged = 0;

	for (unsigned i = 0; i < 1000; i++) {
		logged += log_limit_check(&l, 100 * SEC + i * 1000, &summary);
		assert_int_equal(summary, 0);
	}
	assert_int_equal(logged, 3);
	assert_int_equal(l.n_quiet, 997);
	assert_int_equal(log_limit_due_usec(&l), 160 * SEC);
}

static void test_summary_once_the_window_is_over(void **state)
{
	struct log_limit l = LOG_LIMIT_INIT(60 * SEC, 1);
	unsigned summary;

	assert_true(log_limit_check(&l, 10 * SEC, &summary));
	assert_false(log_limit_check(&l, 20 * SEC, &summary));
	assert_false(log_limit_check(&l, 69 * SEC, &summary));
	assert_int_equal(summary, 0);
	/* The next warning after the minute: the two held back first, then it in full. */
	assert_true(log_limit_check(&l, 70 * SEC, &summary));
	assert_int_equal(summary, 2);
	assert_false(log_limit_check(&l, 71 * SEC, &summary));
	assert_int_equal(summary, 0);
}

static void test_flush_only_after_the_window(void **state)
{
	struct log_limit l = LOG_LIMIT_INIT(60 * SEC, 1);

	assert_int_equal(log_limit_due_usec(&l), UINT64_MAX);
	(void) log_limit_check(&l, 0, NULL);
	/* One logged, none held back: no timer needed. */
	assert_int_equal(log_limit_due_usec(&l), UINT64_MAX);
	(void) log_limit_check(&l, 1 * SEC, NULL);
	(void) log_limit_check(&l, 2 * SEC, NULL);
	assert_int_equal(log_limit_due_usec(&l), 60 * SEC);
	assert_int_equal(log_limit_flush(&l, 59 * SEC), 0);
	assert_int_equal(log_limit_flush(&l, 60 * SEC), 2);
	assert_int_equal(log_limit_flush(&l, 61 * SEC), 0);
	assert_int_equal(log_limit_due_usec(&l), UINT64_MAX);
	/* A fresh window logs in full again. */
	assert_true(log_limit_check(&l, 62 * SEC, NULL));
}

static void test_clock_going_back_ends_the_window(void **state)
{
	struct log_limit l = LOG_LIMIT_INIT(60 * SEC, 1);
	unsigned summary;

	(void) log_limit_check(&l, 1000 * SEC, NULL);
	(void) log_limit_check(&l, 1001 * SEC, NULL);
	assert_true(log_limit_check(&l, 5 * SEC, &summary));
	assert_int_equal(summary, 1);
}

static void test_quiet_slow_senders_are_all_logged(void **state)
{
	struct log_limit l = LOG_LIMIT_INIT(60 * SEC, 5);
	unsigned summary;

	/* One bad command every 20 s never reaches the limit. */
	for (unsigned i = 0; i < 100; i++) {
		assert_true(log_limit_check(&l, i * 20 * SEC, &summary));
		assert_int_equal(summary, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_logged_then_counted),
		cmocka_unit_test(test_summary_once_the_window_is_over),
		cmocka_unit_test(test_flush_only_after_the_window),
		cmocka_unit_test(test_clock_going_back_ends_the_window),
		cmocka_unit_test(test_quiet_slow_senders_are_all_logged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
