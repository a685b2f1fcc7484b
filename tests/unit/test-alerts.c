/*
 * Alerts over a restart: what the last run left active is active again without
 * a new "raised", confirmed by a raise within the recheck, cleared after it if not;
 * and the same for a heater a reload made anew.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/alerts-carry.h"
#include "daemon/alerts.h"
#include "daemon/clock.h"

#define MSEC 1000ULL

static unsigned changes;

static void on_changed(void *userdata)
{
	(void) userdata;
	changes++;
}

static const struct alerts_callbacks callbacks = { .changed = on_changed };

/*
 * The plug's check is short, the bed thermometer's an hour (so it is still waiting when
 * the plug's is over), the window thermometer's short but confirmed at once.
 */
static uint64_t recheck(const char *kind, const char *source, void *userdata)
{
	(void) kind;
	(void) userdata;
	if (strcmp(source, "sensor.bed") == 0)
		return 3600 * 1000 * MSEC;
	return strcmp(source, "sensor.window") == 0 ? 100 * MSEC : 50 * MSEC;
}

/* Runs the loop until @a has @n events waiting and at least @ms have passed (at most 10 s). */
static void run_until(sd_event *e, struct alerts *a, unsigned n, uint64_t ms)
{
	uint64_t start = 0, now = 0;

	assert_true(sd_event_now(e, CLOCK_MONOTONIC, &start) >= 0);
	do {
		assert_true(sd_event_run(e, 10 * MSEC) >= 0);
		assert_true(sd_event_now(e, CLOCK_MONOTONIC, &now) >= 0);
	} while ((alerts_pending(a) < n || now - start < ms * MSEC) && now - start < 10000 * MSEC);
}

static char *active_text(struct alerts *a)
{
	char *text = alerts_active_text(a);

	assert_non_null(text);
	return text;
}

static void test_round_trip_confirm_and_clear(void **state)
{
	sd_event *e = NULL;
	struct alerts *first = NULL, *next = NULL;
	char *text, *now;

	(void) state;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &first), 0);
	assert_int_equal(alerts_raise(first, "sensor_stale", "sensor.bed", "gone", 1000), 1);
	assert_int_equal(alerts_raise(first, "sensor_stale", "sensor.window", "gone", 1500), 1);
	assert_int_equal(alerts_raise(first, "heater_offline", "heater.plug", "off", 2000), 1);
	text = active_text(first);
	first = alerts_free(first);

	/* The next run: all active again, no event, the first "since" kept. */
	assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &next), 0);
	assert_int_equal(alerts_restore(next, text, recheck, NULL), 3);
	assert_int_equal(alerts_pending(next), 0);
	now = active_text(next);
	assert_string_equal(now, text);
	free(now);

	/* The window thermometer is still gone: raising it again confirms it, sends nothing. */
	assert_int_equal(alerts_raise(next, "sensor_stale", "sensor.window", "gone", 5000), 0);
	assert_int_equal(alerts_pending(next), 0);

	/*
	 * After the plug's check and the window's: the plug's alert, not seen again, is
	 * cleared (the only event); the confirmed one stays, the bed's still waits.
	 */
	changes = 0;
	run_until(e, next, 1, 200);
	assert_int_equal(alerts_pending(next), 1);
	assert_true(changes > 0);
	now = active_text(next);
	assert_non_null(strstr(now, "sensor.bed"));
	assert_non_null(strstr(now, "sensor.window"));
	assert_null(strstr(now, "heater_offline"));
	free(now);

	/* And a confirmed one is a normal alert from then on: its clear goes out. */
	assert_int_equal(alerts_clear(next, "sensor_stale", "sensor.window", "back", 9000), 1);
	assert_int_equal(alerts_pending(next), 2);

	free(text);
	alerts_free(next);
	sd_event_unref(e);
}

static void test_bad_text_restores_nothing(void **state)
{
	sd_event *e = NULL;
	struct alerts *a = NULL;
	char *now;

	(void) state;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &a), 0);
	assert_int_equal(alerts_restore(a, "{\"kind\":1}", recheck, NULL), -EBADMSG);
	assert_int_equal(alerts_restore(a, "not json", recheck, NULL), -EBADMSG);
	/* Items without their fields are skipped; an empty list restores none. */
	assert_int_equal(alerts_restore(a, "[{\"kind\":\"x\"}, 3, null]", recheck, NULL), 0);
	assert_int_equal(alerts_restore(a, "[]", recheck, NULL), 0);
	now = active_text(a);
	assert_string_equal(now, "[]");
	free(now);
	{
		/* A flood (a forged retained state): at most 64 restored. */
		size_t size = 1000 * 96 + 3, len = 1;
		char *flood = malloc(size);

		assert_non_null(flood);
		strcpy(flood, "[");
		for (int i = 0; i < 1000; i++)
			len += (size_t) snprintf(flood + len, size - len,
						 "%s{\"kind\":\"sensor_stale\",\"source\":\"s%d\","
						 "\"since\":\"2026-01-01T03:00:00+01:00\"}",
						 i ? "," : "", i);
		strcpy(flood + len, "]");
		assert_int_equal(alerts_restore(a, flood, recheck, NULL), 64);
		free(flood);
	}
	alerts_free(a);
	sd_event_unref(e);
}

/*
 * What comes back is what bedroomd could have raised: garbage retained on
 * <base>/state (anyone may publish it) planted alerts of any kind with any
 * "since", published to Home Assistant and kept in the store. An unknown kind
 * or a "since" that is no time is dropped; a source not configured now is
 * kept (its check clears it, not seen again), and so is a time written while
 * the clock was not set yet, west of UTC.
 */
static void test_restore_takes_only_known_kinds_and_times(void **state)
{
	static const char retained[] =
	    "{\"started\":\"2026-01-01T02:00:00+01:00\",\"alerts\":["
	    "{\"kind\":\"zz\",\"source\":\"heater.nope\",\"since\":\"2026-01-01T03:00:00+01:00\"},"
	    "{\"kind\":\"sensor_stale\",\"source\":\"sensor.bed\",\"since\":\"zz\"},"
	    "{\"kind\":\"max_on_time\",\"source\":\"heater.x\",\"since\":"
	    "\"2026-01-01T03:00:00+01:00 and more\"},"
	    "{\"kind\":\"heater_offline\",\"source\":\"heater.gone\","
	    "\"since\":\"2026-01-01T03:00:00+01:00\"},"
	    "{\"kind\":\"input_failed\",\"source\":\"input.bed\","
	    "\"since\":\"1969-12-31T19:00:05-05:00\"}]}";
	static const char *const known[] = {
		"sensor_stale", "over_temperature",   "heating_no_effect",
		"max_on_time",  "heater_unconfirmed", "heater_offline",
		"input_failed", "store_failed",       "store_io_error",
	};
	sd_event *e = NULL;
	struct alerts *a = NULL;
	char *now, text[256];

	(void) state;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &a), 0);
	alerts_carry_from_state(a, retained, strlen(retained), "2026-01-02T02:00:00+01:00", recheck,
				NULL);
	now = active_text(a);
	if (strstr(now, "zz") || strstr(now, "heater.nope") || strstr(now, "sensor.bed") ||
	    strstr(now, "heater.x") || !strstr(now, "heater.gone") || !strstr(now, "input.bed"))
		fail_msg("restored: %s", now);
	free(now);
	alerts_free(a);

	/* Every kind the daemon raises comes back. */
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &a), 0);
		snprintf(text, sizeof(text),
			 "[{\"kind\":\"%s\",\"source\":\"s\",\"since\":"
			 "\"2026-01-01T03:00:00+01:00\"}]",
			 known[i]);
		if (alerts_restore(a, text, recheck, NULL) != 1)
			fail_msg("'%s' not restored", known[i]);
		alerts_free(a);
	}
	sd_event_unref(e);
}

/*
 * A reload that made a heater anew: its plug's alerts are checked as a restart's
 * are, kept when the new heater raises them again, cleared when it does not.
 */
static void test_reload_rechecks_a_new_heaters_alerts(void **state)
{
	sd_event *e = NULL;
	struct alerts *a = NULL;
	char *now;

	(void) state;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &a), 0);
	assert_int_equal(alerts_raise(a, "heater_offline", "heater.plug", "off", 1000), 1);
	assert_int_equal(alerts_raise(a, "heater_offline", "heater.fan", "off", 1000), 1);
	assert_int_equal(alerts_pending(a), 2);
	assert_int_equal(alerts_recheck(a, "heater_offline", "heater.plug", 50 * MSEC), 1);
	assert_int_equal(alerts_recheck(a, "heater_offline", "heater.fan", 50 * MSEC), 1);
	assert_int_equal(alerts_recheck(a, "heater_unconfirmed", "heater.fan", 50 * MSEC), 0);
	/* The fan is still offline on the new connection: raised again, nothing sent. */
	assert_int_equal(alerts_raise(a, "heater_offline", "heater.fan", "off", 2000), 0);
	run_until(e, a, 3, 150);
	/* The plug's, not seen again, is cleared: one event; the fan's stays. */
	assert_int_equal(alerts_pending(a), 3);
	now = active_text(a);
	assert_null(strstr(now, "heater.plug"));
	assert_non_null(strstr(now, "heater.fan"));
	free(now);
	alerts_free(a);
	sd_event_unref(e);
}

#define HOUR (3600 * 1000 * MSEC)

/*
 * Home Assistant back after a restart: the active alerts' "raised" and the
 * clears of the last 24 hours of running go out again, once per birth, the
 * clears first; a clear older than a day, or of an alert raised again since,
 * does not. The replay's time is CLOCK_MONOTONIC's: a day later is a day
 * ahead of the time of the clear.
 */
static void test_replay_to_home_assistant(void **state)
{
	sd_event *e = NULL;
	struct alerts *a = NULL;
	uint64_t t0 = 1000 * HOUR, cleared;

	(void) state;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &a), 0);
	/* Nothing yet: nothing to replay. */
	assert_int_equal(alerts_replay(a, clock_monotonic_usec()), 0);
	assert_int_equal(alerts_raise(a, "sensor_stale", "sensor.bed", "gone", t0), 1);
	assert_int_equal(alerts_raise(a, "heater_offline", "heater.plug", "off", t0), 1);
	assert_int_equal(alerts_raise(a, "heater_offline", "heater.fan", "off", t0), 1);
	/* Cleared 25 hours before the birth: long off the phone. */
	assert_int_equal(alerts_clear(a, "heater_offline", "heater.fan", "on", t0), 1);
	assert_int_equal(alerts_replay(a, clock_monotonic_usec() + 25 * HOUR), 2);
	assert_int_equal(alerts_pending(a), 6);
	/* Cleared an hour before it: replayed. */
	assert_int_equal(alerts_clear(a, "heater_offline", "heater.plug", "on", t0 + 24 * HOUR), 1);
	/* Cleared, then raised again: only its "raised" is replayed. */
	assert_int_equal(alerts_clear(a, "sensor_stale", "sensor.bed", "back", t0 + 24 * HOUR), 1);
	assert_int_equal(alerts_raise(a, "sensor_stale", "sensor.bed", "gone", t0 + 24 * HOUR), 1);
	cleared = clock_monotonic_usec();
	assert_int_equal(alerts_pending(a), 9);
	assert_int_equal(alerts_replay(a, cleared + HOUR), 2);
	assert_int_equal(alerts_pending(a), 11);
	/* Every birth replays them again (the same events: a phone takes them once). */
	assert_int_equal(alerts_replay(a, cleared + HOUR), 2);
	/* A day after the plug's clear, only the bed's "raised". */
	assert_int_equal(alerts_replay(a, cleared + 24 * HOUR + MSEC), 1);
	/* A notice is not a condition: never replayed. */
	assert_int_equal(alerts_notify(a, "advisory", "cramps", "see a doctor", t0), 0);
	assert_int_equal(alerts_clear(a, "sensor_stale", "sensor.bed", "back", t0 + 49 * HOUR), 1);
	assert_int_equal(alerts_replay(a, clock_monotonic_usec()), 1);
	alerts_free(a);
	sd_event_unref(e);
}

/*
 * A clear made before NTP set the clock (a Pi without a clock chip starts at
 * 1970): the clock then jumps 56 years, and the clear is no day old for it.
 * It is replayed for a day of running, as any other.
 */
static void test_replay_of_a_clear_on_an_unset_clock(void **state)
{
	sd_event *e = NULL;
	struct alerts *a = NULL;
	uint64_t before;

	(void) state;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &a), 0);
	assert_int_equal(alerts_raise(a, "sensor_stale", "sensor.bed", "gone", 60 * 1000 * MSEC),
			 1);
	before = clock_monotonic_usec();
	assert_int_equal(alerts_clear(a, "sensor_stale", "sensor.bed", "back", 90 * 1000 * MSEC),
			 1);
	/* The clock is set now; Home Assistant restarts within the day. */
	assert_int_equal(alerts_replay(a, before + 24 * HOUR - MSEC), 1);
	/* A day of running after it: gone. */
	assert_int_equal(alerts_replay(a, clock_monotonic_usec() + 24 * HOUR + MSEC), 0);
	alerts_free(a);
	sd_event_unref(e);
}

/* An alert left active by the last run is replayed too, with one id every time. */
static void test_replay_restored(void **state)
{
	sd_event *e = NULL;
	struct alerts *a = NULL;

	(void) state;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &a), 0);
	assert_int_equal(alerts_restore(a,
					"[{\"kind\":\"sensor_stale\",\"source\":\"sensor.bed\","
					"\"since\":\"2026-01-01T03:00:00+01:00\"}]",
					recheck, NULL),
			 1);
	assert_int_equal(alerts_pending(a), 0);
	assert_int_equal(alerts_replay(a, clock_monotonic_usec()), 1);
	assert_int_equal(alerts_replay(a, clock_monotonic_usec()), 1);
	assert_int_equal(alerts_pending(a), 2);
	alerts_free(a);
	sd_event_unref(e);
}

/* Many alerts cleared: the list of clears stays bounded, the newest kept. */
static void test_replay_bounded(void **state)
{
	sd_event *e = NULL;
	struct alerts *a = NULL;
	char source[32];
	int n;

	(void) state;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(alerts_new(e, "n", &callbacks, NULL, &a), 0);
	for (int i = 0; i < 200; i++) {
		snprintf(source, sizeof(source), "heater.h%d", i);
		assert_int_equal(alerts_raise(a, "heater_offline", source, "off", HOUR), 1);
		assert_int_equal(alerts_clear(a, "heater_offline", source, "on", HOUR), 1);
	}
	/* The same alert cleared many times: its last clear only. */
	for (int i = 0; i < 50; i++) {
		assert_int_equal(alerts_raise(a, "sensor_stale", "sensor.bed", "gone", HOUR), 1);
		assert_int_equal(alerts_clear(a, "sensor_stale", "sensor.bed", "back", HOUR), 1);
	}
	n = alerts_replay(a, clock_monotonic_usec());
	assert_true(n > 1);
	assert_true(n <= 32);
	alerts_free(a);
	sd_event_unref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_confirm_and_clear),
		cmocka_unit_test(test_bad_text_restores_nothing),
		cmocka_unit_test(test_restore_takes_only_known_kinds_and_times),
		cmocka_unit_test(test_reload_rechecks_a_new_heaters_alerts),
		cmocka_unit_test(test_replay_to_home_assistant),
		cmocka_unit_test(test_replay_of_a_clear_on_an_unset_clock),
		cmocka_unit_test(test_replay_restored),
		cmocka_unit_test(test_replay_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
