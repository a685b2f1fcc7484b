#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "control/clock-set.h"
#include "daemon/cramp-command.h"

#define NOW 1769825525 /* 2026-01-31T03:12:05+01:00 */

/* @reason: CRAMP_REASON_MAX bytes, or NULL. */
static int parse(const char *payload, struct cramp_command *c, char *reason)
{
	return cramp_command_parse(payload, strlen(payload), NOW, c, reason,
				   reason ? CRAMP_REASON_MAX : 0);
}

static void test_blank_payload_is_a_cramp_now(void **state)
{
	struct cramp_command c;

	assert_int_equal(parse("{}", &c, NULL), 0);
	assert_string_equal(c.leg, "unknown");
	assert_string_equal(c.site, "");
	assert_true(c.time == 0);
	assert_string_equal(c.source, "command");
	assert_int_equal(parse(" \n", &c, NULL), 0);
	assert_string_equal(c.leg, "unknown");
}

/* Clearing a retained message sends an empty one: no cramp in a medical log. */
static void test_empty_payload_is_no_cramp(void **state)
{
	struct cramp_command c;
	char reason[CRAMP_REASON_MAX] = "";

	assert_int_equal(parse("", &c, reason), -ENODATA);
	assert_non_null(strstr(reason, "empty"));
	assert_int_equal(cramp_command_parse(NULL, 0, NOW, &c, reason, sizeof(reason)), -ENODATA);
}

static void test_full_report(void **state)
{
	struct cramp_command c;

	assert_int_equal(
	    parse("{\"leg\":\"left\",\"site\":\"thigh\",\"time\":\"2026-01-31T02:40:00+"
		  "01:00\",\"note\":\"after a long walk\",\"source\":\"bedroomctl\"}",
		  &c, NULL),
	    0);
	assert_string_equal(c.leg, "left");
	assert_string_equal(c.site, "thigh");
	assert_true(c.time == NOW - 32 * 60 - 5);
	assert_string_equal(c.note, "after a long walk");
	assert_string_equal(c.source, "bedroomctl");
}

static void test_refusals(void **state)
{
	struct cramp_command c = { .leg = "kept" };
	char reason[CRAMP_REASON_MAX] = "";
	char big[4096];

	assert_int_equal(parse("{\"time\":1}", &c, reason), -EBADMSG);
	assert_int_equal(parse("{\"colour\":\"red\"}", &c, reason), -EBADMSG);
	assert_int_equal(parse("left", &c, reason), -EBADMSG);
	assert_int_equal(parse("[\"left\"]", &c, reason), -EBADMSG);
	assert_int_equal(parse("{\"leg\":\"left\",\"leg\":\"right\"}", &c, reason), -EBADMSG);
	assert_int_equal(parse("{\"time\":\"yesterday\"}", &c, reason), -EINVAL);
	assert_int_equal(parse("{\"time\":\"2026-03-03T03:00:00+01:00\"}", &c, reason), -ERANGE);
	assert_string_equal(reason, "time is more than 30 days ahead of this machine's clock");
	assert_int_equal(parse("{\"time\":\"2025-11-01T03:00:00+01:00\"}", &c, reason), -ERANGE);
	assert_string_equal(reason, "time is more than 30 days ago");
	assert_int_equal(parse("{\"note\":\"\xff\xfe\"}", &c, reason), -EBADMSG);
	memset(big, 'a', sizeof(big));
	assert_int_equal(cramp_command_parse(big, sizeof(big), NOW, &c, reason, sizeof(reason)),
			 -EMSGSIZE);
	assert_string_equal(c.leg, "kept");
}

/*
 * A Home Assistant script sends its empty fields as null: a detail not given,
 * as a key left out is, never a reason to refuse the cramp.
 */
static void test_null_is_not_given(void **state)
{
	struct cramp_command c;
	char reason[CRAMP_REASON_MAX] = "";

	assert_int_equal(parse("{\"leg\":\"left\",\"note\":null}", &c, reason), 0);
	assert_string_equal(c.leg, "left");
	assert_string_equal(c.note, "");
	assert_string_equal(c.set_aside, "");
	assert_int_equal(parse("{\"leg\":null}", &c, reason), 0);
	assert_string_equal(c.leg, "unknown");
	assert_int_equal(parse("{\"leg\":null,\"site\":null,\"time\":null,\"note\":null,"
			       "\"source\":null,\"pressed\":null}",
			       &c, reason),
			 0);
	assert_string_equal(c.leg, "unknown");
	assert_string_equal(c.site, "");
	assert_true(c.time == 0);
	assert_string_equal(c.note, "");
	assert_string_equal(c.source, "command");
	assert_null(c.pressed_unused);
	assert_string_equal(c.set_aside, "");
	/* Still refused: a key it does not know, null or not, and a time of another type. */
	assert_int_equal(parse("{\"leg\":\"left\",\"colour\":null}", &c, reason), -EBADMSG);
	assert_int_equal(parse("{\"leg\":\"left\",\"time\":3}", &c, reason), -EBADMSG);
	assert_string_equal(reason, "'time' is not a string");
}

/*
 * A detail of another type, or with a NUL in it, is set aside, not the cramp
 * (a user trial: both refused the report, the NUL as "not a JSON object").
 */
static void test_an_odd_detail_is_set_aside(void **state)
{
	static const char with_nul[] = "{\"leg\":\"right\",\"note\":\"ok\\u0000bad\"}";
	struct cramp_command c;
	char reason[CRAMP_REASON_MAX] = "";

	assert_int_equal(parse("{\"leg\":\"left\",\"note\":3,\"site\":[1]}", &c, reason), 0);
	assert_string_equal(c.leg, "left");
	assert_string_equal(c.note, "");
	assert_string_equal(c.site, "");
	assert_non_null(strstr(c.set_aside, "note (not a string) '3'"));
	assert_non_null(strstr(c.set_aside, "site (not a string) '[1]'"));
	assert_int_equal(parse("{\"leg\":5}", &c, reason), 0);
	assert_string_equal(c.leg, "unknown");
	assert_string_equal(c.set_aside, "leg (not a string) '5'");
	assert_int_equal(
	    cramp_command_parse(with_nul, sizeof(with_nul) - 1, NOW, &c, reason, sizeof(reason)),
	    0);
	assert_string_equal(c.leg, "right");
	assert_string_equal(c.note, "ok");
	assert_string_equal(c.set_aside, "note after a NUL character 'bad'");
	/* A time is no detail: one with a NUL is not the time sent. */
	assert_int_equal(parse("{\"time\":\"2026-01-31T03:00\\u0000junk\"}", &c, reason), -EINVAL);
}

/* The key refused is named (a user trial: the reason left the sender to guess which). */
static void test_a_refused_key_is_named(void **state)
{
	struct cramp_command c;
	char reason[CRAMP_REASON_MAX] = "", key[80], payload[120];

	assert_int_equal(parse("{\"leg\":\"left\",\"bogus\":4}", &c, reason), -EBADMSG);
	assert_string_equal(reason, "unknown key 'bogus' (not leg, site, time, note, source or "
				    "pressed)");
	assert_int_equal(parse("{\"time\":1}", &c, reason), -EBADMSG);
	assert_string_equal(reason, "'time' is not a string");
	/* A long key is cut, and the reason fits what the log has room for. */
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	snprintf(payload, sizeof(payload), "{\"%s\":\"x\"}", key);
	assert_int_equal(parse(payload, &c, reason), -EBADMSG);
	assert_non_null(
	    strstr(reason, "unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...'"));
	assert_non_null(strstr(reason, "or pressed)"));
	/* No buffer: refused all the same. */
	assert_int_equal(cramp_command_parse("{\"x\":1}", 7, NOW, &c, NULL, 0), -EBADMSG);
}

/*
 * A cramp is never lost for a detail: a leg, site or source it does not know
 * is left aside and said; a long note is cut at 200 bytes, never inside a
 * character; leg and site in any case.
 */
static void test_details_are_not_worth_the_cramp(void **state)
{
	struct cramp_command c;
	char big[512];

	assert_int_equal(parse("{\"leg\":\"LEFT\",\"site\":\"Calf\"}", &c, NULL), 0);
	assert_string_equal(c.leg, "left");
	assert_string_equal(c.site, "calf");
	assert_string_equal(c.set_aside, "");
	assert_int_equal(
	    parse("{\"leg\":\"middle\",\"site\":\"knee\",\"source\":\"Rm -rf\"}", &c, NULL), 0);
	assert_string_equal(c.leg, "unknown");
	assert_string_equal(c.site, "");
	assert_string_equal(c.source, "command");
	assert_string_equal(
	    c.set_aside, "leg (not left, right or unknown) 'middle'; site (not calf, foot, "
			 "thigh or buttock) 'knee'; source (not a short lowercase word) 'Rm -rf'");
	/* 199 ASCII bytes, then 'é' (2 bytes) across the limit, then more. */
	memcpy(big, "{\"note\":\"", 9);
	memset(big + 9, 'x', 199);
	memcpy(big + 208, "\xc3\xa9yz\"}", 7);
	assert_int_equal(parse(big, &c, NULL), 0);
	assert_int_equal(strlen(c.note), 199);
	assert_string_equal(c.set_aside, "the note after its first 200 bytes '\xc3\xa9yz'");
	memset(big + 9, 'x', 300);
	memcpy(big + 309, "\"}", 3);
	assert_int_equal(parse(big, &c, NULL), 0);
	assert_int_equal(strlen(c.note), 200);
}

/*
 * Before the clock is set (a Pi without a real-time clock, before NTP), a
 * report's own time is not "in the future": our clock is what is wrong. The
 * report keeps its time; so it does when the clock is set but behind.
 */
static void test_time_ahead_of_an_unset_clock_is_kept(void **state)
{
	const char *report = "{\"leg\":\"left\",\"time\":\"2026-01-31T03:10:00+01:00\"}";
	const int64_t unset_now = 3 * 3600; /* 1970-01-01T03:00:00Z, after a power cut */
	const char *bad = "{\"time\":\"soon\"}";
	char reason[CRAMP_REASON_MAX] = "";
	struct cramp_command c;

	assert_int_equal(
	    cramp_command_parse(report, strlen(report), unset_now, &c, reason, sizeof(reason)), 0);
	assert_true(c.time == NOW - 125);
	assert_string_equal(c.leg, "left");
	assert_int_equal(cramp_command_parse(report, strlen(report), WALL_CLOCK_SET_AFTER_S - 1, &c,
					     reason, sizeof(reason)),
			 0);
	assert_true(c.time == NOW - 125);
	/*
	 * A clock that reads 2025 or later but is behind (fake-hwclock after a
	 * power cut, NTP not yet in): kept as reported, and how far ahead is said.
	 */
	assert_int_equal(cramp_command_parse(report, strlen(report), NOW - 3 * 86400, &c, reason,
					     sizeof(reason)),
			 0);
	assert_true(c.time == NOW - 125);
	assert_true(c.ahead_s == 3 * 86400 - 125);
	assert_int_equal(
	    cramp_command_parse(report, strlen(report), NOW - 200, &c, reason, sizeof(reason)), 0);
	assert_true(c.ahead_s == 0); /* within 5 minutes: two clocks a little apart */
	/* More than 30 days ahead of a set clock: a time it cannot place. */
	assert_int_equal(cramp_command_parse(report, strlen(report), NOW - 31 * 86400, &c, reason,
					     sizeof(reason)),
			 -ERANGE);
	/* Still a time it cannot place is refused on an unset clock. */
	assert_int_equal(
	    cramp_command_parse(bad, strlen(bad), unset_now, &c, reason, sizeof(reason)), -EINVAL);
}

/* "pressed": the sender's clock, kept only for a report that came late. */
static void test_pressed_keeps_a_late_reports_time(void **state)
{
	struct cramp_command c;

	/* Held by the broker for 2 h while bedroomd was away: the press's time. */
	assert_int_equal(parse("{\"pressed\":\"2026-01-31T01:12:05.5+01:00\"}", &c, NULL), 0);
	assert_true(c.time == NOW - 2 * 3600);
	/* In time, a few seconds behind or a clock ahead of ours: a cramp now. */
	assert_int_equal(parse("{\"pressed\":\"2026-01-31T03:11:50+01:00\"}", &c, NULL), 0);
	assert_true(c.time == 0);
	assert_null(c.pressed_unused);
	assert_int_equal(parse("{\"pressed\":\"2026-01-31T03:40:00+01:00\"}", &c, NULL), 0);
	assert_true(c.time == 0);
	/* Not a time, or older than the log takes: still a cramp, now. */
	assert_int_equal(parse("{\"leg\":\"left\",\"pressed\":\"soon\"}", &c, NULL), 0);
	assert_true(c.time == 0);
	assert_string_equal(c.leg, "left");
	assert_string_equal(c.pressed_unused, "not an ISO-8601 time");
	assert_int_equal(parse("{\"pressed\":\"2025-11-01T03:00:00+01:00\"}", &c, NULL), 0);
	assert_true(c.time == 0);
	assert_string_equal(c.pressed_unused, "more than 30 days ago");
	/* A "time" (the cramp's own, remembered) wins over when it was sent. */
	assert_int_equal(parse("{\"time\":\"2026-01-31T02:40:00+01:00\",\"pressed\":"
			       "\"2026-01-31T01:12:05+01:00\"}",
			       &c, NULL),
			 0);
	assert_true(c.time == NOW - 32 * 60 - 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blank_payload_is_a_cramp_now),
		cmocka_unit_test(test_empty_payload_is_no_cramp),
		cmocka_unit_test(test_full_report),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_time_ahead_of_an_unset_clock_is_kept),
		cmocka_unit_test(test_null_is_not_given),
		cmocka_unit_test(test_a_refused_key_is_named),
		cmocka_unit_test(test_an_odd_detail_is_set_aside),
		cmocka_unit_test(test_details_are_not_worth_the_cramp),
		cmocka_unit_test(test_pressed_keeps_a_late_reports_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
