/*
 * The times a person types for `bedroomctl cramp --at`, in a real time zone
 * (set here, as TZ would be): a clock time on the night the clocks go back
 * (the hour from 02:00 to 03:00 shown twice) is the one just past, never a day
 * early; one the clocks skipped is said as skipped, not taken for another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "tools/bedroomctl/ctl-time.h"

/* Unix times (date -u -d ... +%s). */
#define OCT25_0020Z INT64_C(1792887600) /* 02:20 CEST, the first pass */
#define OCT25_0040Z INT64_C(1792888800) /* 02:40 CEST */
#define OCT25_0110Z INT64_C(1792890600) /* 02:10 CET, the second pass */
#define OCT25_0120Z INT64_C(1792891200) /* 02:20 CET */
#define OCT25_0130Z INT64_C(1792891800) /* 02:30 CET */
#define MAR28_0130Z INT64_C(1774661400) /* 2026-03-28 02:30 CET */
#define MAR29_0045Z INT64_C(1774745100) /* 01:45 CET, before the clocks go forward at 02:00 */
#define MAR29_0110Z INT64_C(1774746600) /* 03:10 CEST, after */
#define MAR29_0700Z INT64_C(1774767600) /* 09:00 CEST */
#define MAR29_2200Z INT64_C(1774821600) /* 2026-03-30 00:00 CEST */
#define JAN30_0800Z INT64_C(1769760000) /* 2026-01-30 09:00 CET */
#define JAN31_0210Z INT64_C(1769825400) /* 03:10 CET */
#define JAN31_0700Z INT64_C(1769842800) /* 08:00 CET */
#define NOV01_0520Z INT64_C(1793510400) /* New York: 01:20 EDT, the first pass */
#define NOV01_0610Z INT64_C(1793513400) /* New York: 01:10 EST, the second pass */

static int zone(const char *tz)
{
	if (setenv("TZ", tz, 1) < 0)
		return -1;
	tzset();
	return 0;
}

static int berlin(void **state)
{
	(void) state;
	return zone("Europe/Berlin");
}

static int new_york(void **state)
{
	(void) state;
	return zone("America/New_York");
}

static int64_t parsed(const char *text, int64_t now_s)
{
	int64_t t = 0;

	assert_int_equal(ctl_time_parse(text, now_s, &t), 0);
	return t;
}

static void test_a_clock_time_on_an_ordinary_day(void **state)
{
	int64_t t;

	(void) state;
	assert_int_equal(parsed("03:10", JAN31_0700Z), JAN31_0210Z);
	assert_int_equal(parsed("09:00", JAN31_0700Z), JAN30_0800Z); /* to come: yesterday's */
	assert_int_equal(parsed("08:00", JAN31_0700Z), JAN31_0700Z);
	assert_int_equal(parsed("-20min", JAN31_0700Z), JAN31_0700Z - 1200);
	assert_int_equal(ctl_time_parse("25:00", JAN31_0700Z, &t), -EINVAL);
	assert_int_equal(ctl_time_parse("2026-02-30T01:00", JAN31_0700Z, &t), -EINVAL);
}

/* At 02:10 CET, "02:20" is 02:20 CEST, 50 minutes ago: not 02:20 CET of the day before. */
static void test_the_hour_the_clocks_go_back(void **state)
{
	(void) state;
	assert_int_equal(parsed("02:20", OCT25_0110Z), OCT25_0020Z);
	assert_int_equal(parsed("02:20", OCT25_0130Z), OCT25_0120Z); /* the latest past */
	assert_int_equal(parsed("02:20", OCT25_0040Z), OCT25_0020Z);
	assert_int_equal(parsed("02:10", OCT25_0110Z), OCT25_0110Z);
	assert_int_equal(parsed("2026-10-25T02:20", OCT25_0130Z), OCT25_0120Z);
	assert_int_equal(parsed("2026-10-25T02:20", OCT25_0040Z), OCT25_0020Z);
}

/* 02:30 on 2026-03-29 never was: said so once the clock has passed it, never another time. */
static void test_a_time_the_clocks_skipped(void **state)
{
	int64_t t = 0;

	(void) state;
	assert_int_equal(ctl_time_parse("02:30", MAR29_0700Z, &t), -ENOENT);
	assert_int_equal(ctl_time_parse("02:30", MAR29_0110Z, &t), -ENOENT);
	assert_int_equal(ctl_time_parse("02:30", MAR29_2200Z, &t), -ENOENT); /* yesterday's */
	assert_int_equal(ctl_time_parse("2026-03-29T02:30", MAR29_0700Z, &t), -ENOENT);
	/* Before the change, today's 02:30 is still to come: yesterday's is meant. */
	assert_int_equal(parsed("02:30", MAR29_0045Z), MAR28_0130Z);
	assert_int_equal(parsed("03:10", MAR29_0110Z), MAR29_0110Z);
}

static void test_new_york_going_back(void **state)
{
	(void) state;
	assert_int_equal(parsed("01:20", NOV01_0610Z), NOV01_0520Z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_a_clock_time_on_an_ordinary_day, berlin),
		cmocka_unit_test_setup(test_the_hour_the_clocks_go_back, berlin),
		cmocka_unit_test_setup(test_a_time_the_clocks_skipped, berlin),
		cmocka_unit_test_setup(test_new_york_going_back, new_york),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
