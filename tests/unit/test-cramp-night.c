#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/cramp-night.h"

/* 2026-02-01 03:10:00 +01:00 */
#define T_0310 ((int64_t) 1769911800)

static void test_night_is_noon_to_noon_local(void **state)
{
	int64_t jan31 = cramp_night_from_date(2026, 1, 31);
	int y, m, d;

	assert_int_equal(cramp_night_of(T_0310, 3600), jan31);
	/* 11:59:59 local still belongs to the evening before; noon starts the next night. */
	assert_int_equal(cramp_night_of(T_0310 + 8 * 3600 + 49 * 60 + 59, 3600), jan31);
	assert_int_equal(cramp_night_of(T_0310 + 8 * 3600 + 50 * 60, 3600), jan31 + 1);
	/* The same instant read at UTC-5 (21:10 on 31 January): the same night. */
	assert_int_equal(cramp_night_of(T_0310, -5 * 3600), jan31);
	cramp_night_date(jan31, &y, &m, &d);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 1);
	assert_int_equal(d, 31);
	cramp_night_date(cramp_night_from_date(2024, 2, 29) + 1, &y, &m, &d);
	assert_int_equal(m * 100 + d, 301);
	assert_int_equal(cramp_night_from_date(1970, 1, 1), 0);
	assert_int_equal(cramp_night_from_date(1969, 12, 31), -1);
}

static void test_night_start(void **state)
{
	int64_t jan31 = cramp_night_from_date(2026, 1, 31);

	(void) state;
	/* Noon of 31 January at +01:00 is 11:00 UTC; the cramp at 03:10 lies in that night. */
	assert_int_equal(cramp_night_start(jan31, 3600), T_0310 - 15 * 3600 - 10 * 60);
	assert_int_equal(cramp_night_of(cramp_night_start(jan31, 3600), 3600), jan31);
	assert_int_equal(cramp_night_of(cramp_night_start(jan31, 3600) - 1, 3600), jan31 - 1);
}

static void test_night_across_dst(void **state)
{
	/* 2026-03-29 03:30 CEST (+02:00): the night of 28 March, the 23-hour one. */
	assert_int_equal(cramp_night_of(1774747800, 7200), cramp_night_from_date(2026, 3, 28));
	/* 2026-10-25 02:30 CET (+01:00, the second 02:30): the night of 24 October. */
	assert_int_equal(cramp_night_of(1792891800, 3600), cramp_night_from_date(2026, 10, 24));
}

static void test_sleep_hours(void **state)
{
	const int start = 22 * 60, end = 7 * 60;

	assert_true(cramp_night_sleep_hours(T_0310, 3600, start, end));
	/* 06:59 yes, 07:00 no, 21:59 no, 22:00 yes (local). */
	assert_true(cramp_night_sleep_hours(T_0310 + 3 * 3600 + 49 * 60, 3600, start, end));
	assert_false(cramp_night_sleep_hours(T_0310 + 3 * 3600 + 50 * 60, 3600, start, end));
	assert_false(cramp_night_sleep_hours(T_0310 - 5 * 3600 - 11 * 60, 3600, start, end));
	assert_true(cramp_night_sleep_hours(T_0310 - 5 * 3600 - 10 * 60, 3600, start, end));
	/* 23:30 to 08:00: 23:29 no, 23:30 yes, 07:59 yes, 08:00 no. */
	assert_false(
	    cramp_night_sleep_hours(T_0310 - 3 * 3600 - 41 * 60, 3600, 23 * 60 + 30, 8 * 60));
	assert_true(
	    cramp_night_sleep_hours(T_0310 - 3 * 3600 - 40 * 60, 3600, 23 * 60 + 30, 8 * 60));
	assert_true(
	    cramp_night_sleep_hours(T_0310 + 4 * 3600 + 49 * 60, 3600, 23 * 60 + 30, 8 * 60));
	assert_false(
	    cramp_night_sleep_hours(T_0310 + 4 * 3600 + 50 * 60, 3600, 23 * 60 + 30, 8 * 60));
	/* Not across midnight: 00:30 to 06:00; 03:10 yes, 00:29 no, 06:00 no. */
	assert_true(cramp_night_sleep_hours(T_0310, 3600, 30, 6 * 60));
	assert_false(cramp_night_sleep_hours(T_0310 - 2 * 3600 - 41 * 60, 3600, 30, 6 * 60));
	assert_false(cramp_night_sleep_hours(T_0310 + 2 * 3600 + 50 * 60, 3600, 30, 6 * 60));
}

static void test_weeks(void **state)
{
	int64_t mon = cramp_night_from_date(2026, 1, 5);

	assert_int_equal(cramp_night_weekday(mon), 0);
	assert_int_equal(cramp_night_weekday(mon + 6), 6);
	assert_int_equal(cramp_night_week_start(mon + 6), mon);
	assert_int_equal(cramp_night_week_start(mon + 7), mon + 7);
	assert_int_equal(cramp_night_week_start(mon - 1), mon - 7);
	assert_int_equal(cramp_night_weekday(cramp_night_from_date(1969, 12, 29)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_night_is_noon_to_noon_local),
		cmocka_unit_test(test_night_across_dst),
		cmocka_unit_test(test_sleep_hours),
		cmocka_unit_test(test_night_start),
		cmocka_unit_test(test_weeks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
