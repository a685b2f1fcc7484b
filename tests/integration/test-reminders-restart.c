/*
 * Reminders, end to end: a run across a restart and across reloads. Mid-snooze
 * or mid-timer nothing is sent twice and nothing is lost; a reminder a reload
 * removes is cleared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/integration/reminders-fixture.h"

static void test_restart_mid_snooze_neither_repeats_nor_loses_it(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	fixture_start_until_due(f, 2, "snooze = 6s\nrepeat_every = 1h\n");
	fixture_answer(f, "snooze");
	fixture_wait_records(f, "snoozed", 1);
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	fixture_start(f);
	e = fixture_wait_event(f, "due", 2, 15000);
	fixture_assert_same_id(f, e);
	json_decref(e);
	fixture_pass(f, 2000);
	/* The first due once, the snooze's end once, nothing else. */
	assert_int_equal(fixture_count_events(f, "due", 1), 1);
	assert_int_equal(fixture_count_events(f, "due", 2), 1);
	assert_int_equal(fixture_count_events(f, "due", 0), 2);
	assert_int_equal(fixture_records(f, "sent"), 1);
}

/*
 * A reload keeps an unchanged reminder's run, also with no store to read it
 * back from: mid-snooze, the snooze still ends once, with the same id; mid-
 * timer, time's up still comes once. Nothing is sent twice.
 */
static void test_reload_mid_snooze_and_mid_timer_keeps_the_run(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	f->no_store = true;
	fixture_start_until_due(f, 2, "snooze = 4s\ntimer = 4s\nrepeat_every = 1h\n");
	fixture_answer(f, "snooze");
	assert_int_equal(daemon_wait_log(&f->daemon, "reminder foot_soak: snooze", 5000), 0);
	fixture_reload(f);
	e = fixture_wait_event(f, "due", 2, 15000);
	fixture_assert_same_id(f, e);
	json_decref(e);
	fixture_answer(f, "started");
	json_decref(fixture_wait_event(f, "timer", 0, 5000));
	fixture_configure(f, -1, "snooze = 4s\ntimer = 4s\nrepeat_every = 1h\ntitle = Soak\n");
	fixture_reload(f);
	e = fixture_wait_event(f, "time_up", 0, 15000);
	fixture_assert_same_id(f, e);
	json_decref(e);
	fixture_pass(f, 1500);
	assert_int_equal(fixture_count_events(f, "due", 1), 1);
	assert_int_equal(fixture_count_events(f, "due", 0), 2);
	assert_int_equal(fixture_count_events(f, "timer", 0), 1);
	assert_int_equal(fixture_count_events(f, "time_up", 0), 1);
}

/* A reminder removed by a reload while its run is on the phones: cleared, so they drop it. */
static void test_reload_removing_a_reminder_clears_its_run(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	fixture_start_until_due(f, 2, "repeat_every = 1h\n");
	fixture_configure_reminder(f, NULL, -1, "");
	fixture_reload(f);
	e = fixture_wait_event(f, "cleared", 0, 10000);
	fixture_assert_same_id(f, e);
	json_decref(e);
	assert_int_equal(fixture_count_events(f, "given_up", 0), 0);
}

/*
 * A reload that moves a reminder says when it is next: later today when
 * today's has not come yet; tomorrow, and why, when it has.
 */
static void test_reload_moving_a_reminder_says_when_it_is_next(void **state)
{
	struct fixture *f = *state;
	char *log;

	fixture_configure_reminder(f, "later", 600, "message = Later.\nrepeat_every = 1h\n");
	fixture_start(f);
	fixture_configure_reminder(f, "later", 900, "message = Later.\nrepeat_every = 1h\n");
	fixture_reload(f);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "reminder later: rescheduled, next due ", 10000), 0);
	log = daemon_stderr(&f->daemon);
	assert_null(strstr(log, "comes once a day"));
	free(log);

	fixture_configure(f, 2, "repeat_every = 1h\n");
	fixture_reload(f);
	json_decref(fixture_wait_event(f, "due", 1, 15000));
	fixture_configure(f, 600, "repeat_every = 1h\n");
	fixture_reload(f);
	assert_int_equal(daemon_wait_log(&f->daemon, "already, and it comes once a day", 10000), 0);
	fixture_pass(f, 1000);
	assert_int_equal(fixture_count_events(f, "due", 0), 1);
}

/*
 * A reminder new in the file at a reload is said, with when it is first due,
 * as one switched on is (a user trial: the built-in ones said "switched on",
 * an added one nothing).
 */
static void test_reload_adding_a_reminder_says_when_it_is_due(void **state)
{
	struct fixture *f = *state;

	fixture_configure_reminder(f, NULL, -1, "");
	fixture_start(f);
	fixture_configure_reminder(f, "magnesium", 900, "message = Magnesium.\n");
	fixture_reload(f);
	assert_int_equal(daemon_wait_log(&f->daemon, "reminder magnesium: added, next due ", 10000),
			 0);
}

/*
 * A reminder switched on by a reload after its time (the always-present foot
 * soak gets its section at 21:45, for 21:30) does not fire for it, as one new
 * in the file would not: it starts with tomorrow's, and the journal says so.
 */
static void test_reload_switching_a_reminder_on_after_its_time_waits_for_the_next(void **state)
{
	struct fixture *f = *state;
	char *log;

	fixture_configure_reminder(f, NULL, -1, "");
	fixture_start(f);
	fixture_pass(f, 3000);
	f->at = time(NULL) - 1; /* after the daemon started, before the reload */
	fixture_configure(f, -1, "repeat_every = 1h\n");
	fixture_reload(f);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "reminder foot_soak: switched on, next due ", 10000), 0);
	fixture_pass(f, 2000);
	assert_int_equal(fixture_count_events(f, "due", 0), 0);
	assert_int_equal(fixture_records(f, "sent"), 0);
	log = daemon_stderr(&f->daemon);
	assert_non_null(strstr(log, "had passed already"));
	assert_null(strstr(log, "came at"));
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_restart_mid_snooze_neither_repeats_nor_loses_it, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reload_mid_snooze_and_mid_timer_keeps_the_run,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reload_removing_a_reminder_clears_its_run,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reload_moving_a_reminder_says_when_it_is_next,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reload_adding_a_reminder_says_when_it_is_due,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_switching_a_reminder_on_after_its_time_waits_for_the_next,
		    fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
