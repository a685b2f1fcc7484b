#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control/clock-set.h"
#include "daemon/clock-jump.h"
#include "daemon/clock.h"

#define SEC 1000000ULL

static void test_iso8601_local_with_offset_across_dst(void **state)
{
	char buf[40];

	/* ctest runs this with TZ=Europe/Berlin: CET in winter, CEST in summer. */
	assert_int_equal(clock_format_local(1769825525ULL * SEC, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-01-31T03:12:05+01:00");
	assert_int_equal(clock_format_local(1785464525ULL * SEC, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-07-31T04:22:05+02:00");
}

/* Every @step_s from @from_s to @to_s, and back: the cached offset is the one read each time. */
static void offsets_agree(struct clock_offset_cache *c, int64_t from_s, int64_t to_s,
			  int64_t step_s)
{
	for (int64_t t = from_s; t <= to_s; t += step_s)
		assert_int_equal(clock_local_offset_cached(c, t), clock_local_offset_s(t));
	for (int64_t t = to_s; t >= from_s; t -= step_s)
		assert_int_equal(clock_local_offset_cached(c, t), clock_local_offset_s(t));
}

static void test_offset_cached_across_changes(void **state)
{
	/* 2026-03-29 01:00 UTC (CET -> CEST), 2026-10-25 01:00 UTC (back), 2 h around each. */
	const int64_t spring = 1774746000, autumn = 1792890000;
	struct clock_offset_cache c = { 0 };

	(void) state;
	offsets_agree(&c, spring - 7200, spring + 7200, 37);
	offsets_agree(&c, autumn - 7200, autumn + 7200, 1);
	assert_int_equal(clock_local_offset_cached(&c, spring - 1), 3600);
	assert_int_equal(clock_local_offset_cached(&c, spring), 7200);

	/* Half an hour of DST (Lord Howe), a quarter-hour zone (Nepal): the same. */
	setenv("TZ", "Australia/Lord_Howe", 1);
	tzset();
	clock_offset_cache_forget(&c);
	/* 2026-04-05 02:00 local daylight time: 2026-04-04 15:00 UTC. */
	offsets_agree(&c, 1775314800 - 7200, 1775314800 + 7200, 13);
	assert_int_equal(clock_local_offset_cached(&c, 1775314800 + 7200), 10 * 3600 + 30 * 60);
	setenv("TZ", "Asia/Kathmandu", 1);
	tzset();
	/* Not forgotten: still Lord Howe's offset until told the zone changed. */
	assert_int_equal(clock_local_offset_cached(&c, 1775314800 + 7200), 10 * 3600 + 30 * 60);
	clock_offset_cache_forget(&c);
	assert_int_equal(clock_local_offset_cached(&c, 1775314800 + 7200), 5 * 3600 + 45 * 60);

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
}

static void test_too_small_buffer(void **state)
{
	char buf[10] = "x";

	assert_int_equal(clock_format_local(0, buf, sizeof(buf)), -ENOSPC);
	assert_string_equal(buf, "");
}

static void test_monotonic_moves_forward(void **state)
{
	uint64_t a = clock_monotonic_usec();
	uint64_t b = clock_monotonic_usec();

	assert_true(b >= a);
	assert_true(clock_realtime_usec() > 1700000000ULL * SEC);
}

static void test_offsets_and_parsing(void **state)
{
	char buf[40];
	int64_t t;

	/* Europe/Berlin: +1 h in winter, +2 h in summer. */
	assert_int_equal(clock_local_offset_s(1769825525), 3600);
	assert_int_equal(clock_local_offset_s(1785464525), 7200);
	assert_int_equal(clock_format_offset(1769825525, 3600, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-01-31T03:12:05+01:00");
	assert_int_equal(clock_format_offset(1769825525, -16200, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-01-30T21:42:05-04:30");

	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12:05+01:00", &t), 0);
	assert_true(t == 1769825525);
	assert_int_equal(clock_parse_iso8601("2026-01-31T02:12:05Z", &t), 0);
	assert_true(t == 1769825525);
	/* Home Assistant's now().isoformat(): the fraction is dropped. */
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12:05.987654+01:00", &t), 0);
	assert_true(t == 1769825525);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12:05.+01:00", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12.5+01:00", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12:05", &t), 0); /* local */
	assert_true(t == 1769825525);
	assert_int_equal(clock_parse_iso8601("2026-07-31T04:22", &t), 0);
	assert_true(t == 1785464520);
	/* RFC 3339's space for the T: Home Assistant's {{ now() }} in a user's automation. */
	assert_int_equal(clock_parse_iso8601("2026-01-31 03:12:05.123456+01:00", &t), 0);
	assert_true(t == 1769825525);
	assert_int_equal(clock_parse_iso8601("2026-01-31  03:12", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31_03:12", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-13-01T00:00", &t), -EINVAL);
	/* ISO 8601's other offsets: "+0100" (date +%FT%T%z writes it, a user trial) and "+01". */
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12:05+0100", &t), 0);
	assert_true(t == 1769825525);
	assert_int_equal(clock_parse_iso8601("2026-01-30T21:42:05-0430", &t), 0);
	assert_true(t == 1769825525);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12:05+01", &t), 0);
	assert_true(t == 1769825525);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12+010", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12+01:0", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12+1:00", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:12+01000", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("yesterday", &t), -EINVAL);
	/* sscanf()'s %d takes a sign: negative fields were taken and normalized by mktime(). */
	assert_int_equal(clock_parse_iso8601("2026-01-31T-1:05", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:-5Z", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:05:-1Z", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:05+-1:00", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T03:05+01:-5", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("2026-01-31T 3:05Z", &t), -EINVAL);
	assert_int_equal(clock_parse_iso8601("+2026-01-31T03:05Z", &t), -EINVAL);
}

/* A date or time that does not exist is refused, not moved to one that does. */
static void test_iso8601_refuses_what_does_not_exist(void **state)
{
	static const char *const bad[] = {
		"2026-02-31T03:00:00Z",      /* was 2026-03-03 */
		"2026-04-31T03:00:00Z",      /* was 2026-05-01 */
		"2026-02-29T03:00:00Z",      /* 2026 is no leap year */
		"2100-02-29T03:00:00Z",      /* nor is 2100 */
		"2026-06-31T03:00",          /* local time too */
		"2026-01-31T24:00:00Z",      /* hour 24 */
		"2026-01-31T24:00",          /* local */
		"2026-01-31T03:60Z",         /* minute 60 */
		"2026-01-31T03:05:60Z",      /* a leap second on a day without one */
		"2016-12-31T23:59:60Z",      /* and on one: refused all the same (see clock.c) */
		"2026-01-31T03:05:61+01:00", /* second 61 */
		"2026-01-00T03:00Z",         /* day 0 */
		"2026-00-10T03:00Z",         /* month 0 */
	};
	int64_t t;

	(void) state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (clock_parse_iso8601(bad[i], &t) != -EINVAL)
			fail_msg("'%s' was taken", bad[i]);

	assert_int_equal(clock_parse_iso8601("2028-02-29T03:00:00Z", &t), 0);
	assert_true(t == INT64_C(1835406000));
	assert_int_equal(clock_parse_iso8601("2000-02-29T00:00Z", &t), 0);
	assert_true(t == INT64_C(951782400));
	assert_int_equal(clock_parse_iso8601("2026-12-31T23:59:59Z", &t), 0);
	assert_true(t == INT64_C(1798761599));
	assert_int_equal(clock_parse_iso8601("2026-04-30T23:59:59+02:00", &t), 0);
	assert_true(t == INT64_C(1777586399));
	/* Either side of the spring gap, and in the autumn's repeated hour (one of the two). */
	assert_int_equal(clock_parse_iso8601("2026-03-29T01:59:59", &t), 0);
	assert_true(t == INT64_C(1774745999));
	assert_int_equal(clock_parse_iso8601("2026-03-29T03:00", &t), 0);
	assert_true(t == INT64_C(1774746000));
	/* In the gap (Berlin springs from 02:00 to 03:00): an hour on, not refused. */
	assert_int_equal(clock_parse_iso8601("2026-03-29T02:30", &t), 0);
	assert_true(t == INT64_C(1774747800));
	assert_int_equal(clock_parse_iso8601("2026-10-25T02:30", &t), 0);
	assert_true(t == INT64_C(1792888200) || t == INT64_C(1792891800));
}

/* The clock-jump timer is armed ahead of now, also past 2038: never at a time already past. */
static void test_clock_jump_arms_ahead_past_2038(void **state)
{
	const int64_t y2040 = INT64_C(2208988800), y2026 = INT64_C(1767225600);
	int64_t end = 0;

	(void) state;
	assert_int_equal(clock_jump_end_of_time(y2040, INT64_MAX, &end), 0);
	assert_true(end > y2040 + 50 * 365 * INT64_C(86400));
	assert_int_equal(clock_jump_end_of_time(y2026, INT64_MAX, &end), 0);
	assert_true(end > y2026 + 50 * 365 * INT64_C(86400));
	/* A 32-bit time_t: as far as it reaches, and nothing once it cannot reach ahead. */
	assert_int_equal(clock_jump_end_of_time(y2026, INT32_MAX, &end), 0);
	assert_int_equal(end, INT32_MAX);
	assert_int_equal(clock_jump_end_of_time(INT32_MAX - 3600, INT32_MAX, &end), -EOVERFLOW);
	assert_int_equal(clock_jump_end_of_time(y2040, INT32_MAX, &end), -EOVERFLOW);
	/* Near the end of a 64-bit time_t it stops there. */
	assert_int_equal(
	    clock_jump_end_of_time(INT64_MAX - 3 * 365 * INT64_C(86400), INT64_MAX, &end), 0);
	assert_int_equal(end, INT64_MAX);
}

/* A set of the wall clock by less than a second is no jump; a second or more is, either way. */
static void test_clock_jump_threshold(void **state)
{
	(void) state;
	assert_false(clock_jump_is_jump(1000, 1000));
	assert_false(clock_jump_is_jump(1000, 1000 + 5000));      /* a VM adjusting by 5 ms */
	assert_false(clock_jump_is_jump(1000, 1000 - 999999));    /* just under a second back */
	assert_true(clock_jump_is_jump(1000, 1000 + 1000000));    /* a second forward */
	assert_true(clock_jump_is_jump(1000, 1000 - 3600000000)); /* an hour back */
	assert_true(clock_jump_is_jump(0, INT64_C(1764000000) * 1000000)); /* NTP late, no RTC */
}

/* "442548 min ago" was what a trial read for a command sent ten months before. */
static void test_span_as_a_person_reads_it(void **state)
{
	char buf[32];

	(void) state;
	assert_string_equal(clock_format_span(-5, buf, sizeof(buf)), "0 min");
	assert_string_equal(clock_format_span(59, buf, sizeof(buf)), "0 min");
	assert_string_equal(clock_format_span(119 * 60 + 59, buf, sizeof(buf)), "119 min");
	assert_string_equal(clock_format_span(120 * 60, buf, sizeof(buf)), "2 h");
	assert_string_equal(clock_format_span(47 * 3600 + 3599, buf, sizeof(buf)), "47 h");
	assert_string_equal(clock_format_span(442548 * 60, buf, sizeof(buf)), "307 days");
}

/* @dir/@name (its directory made) holds @text. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[128], sub[128];
	FILE *f;

	snprintf(sub, sizeof(sub), "%s/rtc0", dir);
	(void) mkdir(sub, 0700);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_rtc(const char *dir)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/rtc0/hctosys", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/rtc0", dir);
	rmdir(path);
	assert_int_equal(rmdir(dir), 0);
}

/* Set: 2025 or later and, where timesyncd runs, synchronised since boot or by a clock chip. */
static void test_wall_clock_is_set(void **state)
{
	char dir[] = "/tmp/bedroomd-test-timesync-XXXXXX", rtc[] = "/tmp/bedroomd-test-rtc-XXXXXX";
	char flag[64];
	int64_t now = WALL_CLOCK_SET_AFTER_S + 86400;
	FILE *f;

	(void) state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(rtc));
	snprintf(flag, sizeof(flag), "%s/synchronized", dir);
	/* timesyncd running, not synchronised yet: fake-hwclock's time is no time */
	assert_false(clock_wall_is_set(now, dir, NULL));
	assert_false(clock_wall_is_set(0, dir, NULL));
	/* unless a clock chip set it at boot (hctosys 1) */
	assert_false(clock_wall_is_set(now, dir, rtc));
	write_file(rtc, "rtc0/hctosys", "0\n");
	assert_false(clock_wall_is_set(now, dir, rtc));
	write_file(rtc, "rtc0/hctosys", "1\n");
	assert_true(clock_wall_is_set(now, dir, rtc));
	assert_false(clock_wall_is_set(86400, dir, rtc)); /* a chip without its battery */
	f = fopen(flag, "w");
	assert_non_null(f);
	fclose(f);
	assert_true(clock_wall_is_set(now, dir, NULL));
	assert_false(clock_wall_is_set(WALL_CLOCK_SET_AFTER_S - 1, dir, NULL));
	assert_int_equal(unlink(flag), 0);
	assert_int_equal(rmdir(dir), 0);
	/* No timesyncd (chrony, a clock chip): only the year tells */
	assert_true(clock_wall_is_set(now, dir, NULL));
	assert_true(clock_wall_is_set(now, NULL, NULL));
	assert_false(clock_wall_is_set(86400, NULL, NULL));
	remove_rtc(rtc);
}

struct zone_watch {
	unsigned zone, set;
};

static void on_change(enum clock_change change, void *userdata)
{
	struct zone_watch *w = userdata;

	if (change == CLOCK_CHANGE_ZONE)
		w->zone++;
	else
		w->set++;
}

static void make_file(const char *dir, const char *name)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("TZif", f);
	fclose(f);
}

static void run_a_while(sd_event *e)
{
	for (int i = 0; i < 5; i++)
		assert_true(sd_event_run(e, 20 * 1000) >= 0);
}

/* timedatectl set-timezone renames a new symlink over the zone file: that is a change. */
static void test_zone_file_replaced_is_a_change(void **state)
{
	char dir[] = "/tmp/bedroomd-test-zone-XXXXXX", from[128], to[128];
	struct zone_watch w = { 0 };
	struct clock_jump *j = NULL;
	sd_event *e = NULL;

	(void) state;
	assert_non_null(mkdtemp(dir));
	assert_true(sd_event_new(&e) >= 0);
	assert_int_equal(clock_jump_new(e, on_change, &w, &j), 0);
	assert_int_equal(clock_jump_watch_zone(j, e, dir), 0);
	make_file(dir, "hostname"); /* another file of /etc: nothing */
	run_a_while(e);
	assert_int_equal(w.zone, 0);
	make_file(dir, ".localtime.tmp");
	snprintf(from, sizeof(from), "%s/.localtime.tmp", dir);
	snprintf(to, sizeof(to), "%s/localtime", dir);
	assert_int_equal(rename(from, to), 0);
	run_a_while(e);
	assert_int_equal(w.zone, 1);
	/* removed and made anew (tzdata's ln -sf): one change, when it is there again */
	assert_int_equal(unlink(to), 0);
	run_a_while(e);
	assert_int_equal(w.zone, 1);
	assert_int_equal(symlink("/usr/share/zoneinfo/UTC", to), 0);
	run_a_while(e);
	assert_int_equal(w.zone, 2);
	assert_int_equal(w.set, 0);
	clock_jump_free(j);
	sd_event_unref(e);
	unlink(to);
	snprintf(from, sizeof(from), "%s/hostname", dir);
	unlink(from);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso8601_local_with_offset_across_dst),
		cmocka_unit_test(test_offset_cached_across_changes),
		cmocka_unit_test(test_too_small_buffer),
		cmocka_unit_test(test_monotonic_moves_forward),
		cmocka_unit_test(test_span_as_a_person_reads_it),
		cmocka_unit_test(test_offsets_and_parsing),
		cmocka_unit_test(test_iso8601_refuses_what_does_not_exist),
		cmocka_unit_test(test_clock_jump_arms_ahead_past_2038),
		cmocka_unit_test(test_clock_jump_threshold),
		cmocka_unit_test(test_wall_clock_is_set),
		cmocka_unit_test(test_zone_file_replaced_is_a_change),
	};

	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
