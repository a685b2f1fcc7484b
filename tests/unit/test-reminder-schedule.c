/* When reminders are due: wall-clock times across DST nights in four zones, days, before_night. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "control/cramp-night.h"
#include "control/reminder-local.h"
#include "control/reminder-schedule.h"

#define MIN  60
#define HOUR 3600

/* A UTC instant, so expectations do not depend on the code under test. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	return cramp_night_from_date(y, mo, d) * 86400 + h * HOUR + mi * MIN;
}

static void zone(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

static struct reminder_when at(int h, int mi)
{
	return (struct reminder_when){ .kind = REMINDER_WHEN_AT,
				       .at_s = h * HOUR + mi * MIN,
				       .days = REMINDER_DAYS_ALL };
}

/* The slot after @after must be due at @expect, for the local date @y-@mo-@d. */
static void expect_next(const struct reminder_when *w, int64_t after, int64_t expect, int y, int mo,
			int d)
{
	struct reminder_slot s;

	assert_int_equal(reminder_slot_next(w, after, &s), 0);
	assert_int_equal(s.at_s, expect);
	assert_int_equal(s.day, cramp_night_from_date(y, mo, d));
	assert_int_equal(s.sec, reminder_when_time_of_day(w));
}

static void test_berlin_spring_forward(void **state)
{
	struct reminder_when w = at(2, 30), evening = at(21, 30);

	(void) state;
	zone("Europe/Berlin");
	/* 02:30 does not exist on 29 March: due when the clocks skip to 03:00 CEST. */
	expect_next(&w, utc(2026, 3, 28, 12, 0), utc(2026, 3, 29, 1, 0), 2026, 3, 29);
	/* Once: the next is the following night, 02:30 CEST. */
	expect_next(&w, utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30), 2026, 3, 30);
	/* The evening before is CET, the evening after CEST. */
	expect_next(&evening, utc(2026, 3, 28, 12, 0), utc(2026, 3, 28, 20, 30), 2026, 3, 28);
	expect_next(&evening, utc(2026, 3, 28, 20, 30), utc(2026, 3, 29, 19, 30), 2026, 3, 29);
}

static void test_berlin_fall_back(void **state)
{
	struct reminder_when w = at(2, 30);
	struct reminder_slot s;

	(void) state;
	zone("Europe/Berlin");
	/* 02:30 happens twice on 25 October: 00:30 UTC (CEST) and 01:30 UTC (CET). */
	expect_next(&w, utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 0, 30), 2026, 10, 25);
	/* Not the second time: the next one is the following night. */
	expect_next(&w, utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30), 2026, 10, 26);
	/* At the second 02:45, the newest slot is still the first 02:30. */
	assert_int_equal(reminder_slot_last(&w, utc(2026, 10, 25, 1, 45), &s), 0);
	assert_int_equal(s.at_s, utc(2026, 10, 25, 0, 30));
}

static void test_new_york(void **state)
{
	struct reminder_when gap = at(2, 30), twice = at(1, 30);

	(void) state;
	zone("America/New_York");
	/* 8 March: 02:00 EST jumps to 03:00 EDT (07:00 UTC). */
	expect_next(&gap, utc(2026, 3, 7, 12, 0), utc(2026, 3, 8, 7, 0), 2026, 3, 8);
	expect_next(&gap, utc(2026, 3, 8, 7, 0), utc(2026, 3, 9, 6, 30), 2026, 3, 9);
	/* 1 November: 01:30 EDT (05:30 UTC), then again 01:30 EST: fires the first only. */
	expect_next(&twice, utc(2026, 10, 31, 12, 0), utc(2026, 11, 1, 5, 30), 2026, 11, 1);
	expect_next(&twice, utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30), 2026, 11, 2);
}

static void test_sydney(void **state)
{
	struct reminder_when w = at(2, 30);

	(void) state;
	zone("Australia/Sydney");
	/* 5 April (autumn): 02:30 AEDT (15:30 UTC on the 4th), not 02:30 AEST. */
	expect_next(&w, utc(2026, 4, 4, 0, 0), utc(2026, 4, 4, 15, 30), 2026, 4, 5);
	expect_next(&w, utc(2026, 4, 4, 15, 30), utc(2026, 4, 5, 16, 30), 2026, 4, 6);
	/* 4 October (spring): 02:00 AEST jumps to 03:00 AEDT (16:00 UTC on the 3rd). */
	expect_next(&w, utc(2026, 10, 3, 0, 0), utc(2026, 10, 3, 16, 0), 2026, 10, 4);
	expect_next(&w, utc(2026, 10, 3, 16, 0), utc(2026, 10, 4, 15, 30), 2026, 10, 5);
}

static void test_no_dst_zones(void **state)
{
	struct reminder_when w = at(2, 30), evening = at(21, 30);

	(void) state;
	zone("Asia/Tokyo");
	/* +09:00 all year: the European and American change nights are plain nights. */
	expect_next(&w, utc(2026, 3, 28, 12, 0), utc(2026, 3, 28, 17, 30), 2026, 3, 29);
	expect_next(&w, utc(2026, 10, 24, 12, 0), utc(2026, 10, 24, 17, 30), 2026, 10, 25);
	expect_next(&w, utc(2026, 3, 8, 0, 0), utc(2026, 3, 8, 17, 30), 2026, 3, 9);
	zone("UTC");
	expect_next(&evening, utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 21, 30), 2026, 3, 29);
}

static void test_local_instant_round_trip(void **state)
{
	int64_t day;
	int sec;

	(void) state;
	zone("Europe/Berlin");
	reminder_local_split(utc(2026, 7, 1, 22, 15), &day, &sec);
	assert_int_equal(day, cramp_night_from_date(2026, 7, 2));
	assert_int_equal(sec, 15 * MIN);
	assert_int_equal(reminder_local_instant(day, sec), utc(2026, 7, 1, 22, 15));
	assert_int_equal(reminder_local_offset_s(utc(2026, 1, 1, 0, 0)), HOUR);
	assert_int_equal(reminder_local_offset_s(utc(2026, 7, 1, 0, 0)), 2 * HOUR);
}

static void test_before_night(void **state)
{
	struct reminder_when w = { .kind = REMINDER_WHEN_BEFORE_NIGHT,
				   .before_night_s = 30 * MIN,
				   .night_start_s = 22 * HOUR,
				   .days = REMINDER_DAYS_ALL };

	(void) state;
	zone("Europe/Berlin");
	assert_true(reminder_when_valid(&w));
	assert_int_equal(reminder_when_time_of_day(&w), 21 * HOUR + 30 * MIN);
	/* On the wall clock, on the evening after spring forward too. */
	expect_next(&w, utc(2026, 3, 29, 12, 0), utc(2026, 3, 29, 19, 30), 2026, 3, 29);
	/* A night that starts after midnight: the evening before. */
	w.night_start_s = 30 * MIN;
	w.before_night_s = 60 * MIN;
	assert_int_equal(reminder_when_time_of_day(&w), 23 * HOUR + 30 * MIN);
	expect_next(&w, utc(2026, 1, 15, 12, 0), utc(2026, 1, 15, 22, 30), 2026, 1, 15);
	/* Up to 12 h before, no more. */
	w.before_night_s = 12 * HOUR;
	assert_true(reminder_when_valid(&w));
	w.before_night_s = 12 * HOUR + 1;
	assert_false(reminder_when_valid(&w));
}

static void test_days(void **state)
{
	/* Monday, Wednesday, Friday at 21:30. 2026-01-16 is a Friday. */
	struct reminder_when w = at(21, 30);
	struct reminder_slot s;

	(void) state;
	zone("Europe/Berlin");
	w.days = REMINDER_DAY_BIT(0) | REMINDER_DAY_BIT(2) | REMINDER_DAY_BIT(4);
	expect_next(&w, utc(2026, 1, 16, 12, 0), utc(2026, 1, 16, 20, 30), 2026, 1, 16);
	expect_next(&w, utc(2026, 1, 16, 20, 30), utc(2026, 1, 19, 20, 30), 2026, 1, 19);
	expect_next(&w, utc(2026, 1, 19, 20, 30), utc(2026, 1, 21, 20, 30), 2026, 1, 21);
	/* On Sunday the newest is Friday's. */
	assert_int_equal(reminder_slot_last(&w, utc(2026, 1, 18, 22, 0), &s), 0);
	assert_int_equal(s.day, cramp_night_from_date(2026, 1, 16));
	/* Weekends only: Saturday and Sunday. */
	w.days = REMINDER_DAY_BIT(5) | REMINDER_DAY_BIT(6);
	expect_next(&w, utc(2026, 1, 19, 0, 0), utc(2026, 1, 24, 20, 30), 2026, 1, 24);
	/* No day: nothing, and not valid. */
	w.days = 0;
	assert_false(reminder_when_valid(&w));
	assert_int_equal(reminder_slot_next(&w, utc(2026, 1, 19, 0, 0), &s), -ENOENT);
	assert_int_equal(reminder_slot_last(&w, utc(2026, 1, 19, 0, 0), &s), -ENOENT);
}

static void test_when_valid(void **state)
{
	struct reminder_when w = at(23, 59);

	(void) state;
	assert_true(reminder_when_valid(&w));
	w.at_s = 24 * HOUR;
	assert_false(reminder_when_valid(&w));
	w = at(0, 0);
	w.days = 0x80;
	assert_false(reminder_when_valid(&w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_berlin_spring_forward),
		cmocka_unit_test(test_berlin_fall_back),
		cmocka_unit_test(test_new_york),
		cmocka_unit_test(test_sydney),
		cmocka_unit_test(test_no_dst_zones),
		cmocka_unit_test(test_local_instant_round_trip),
		cmocka_unit_test(test_before_night),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_when_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
