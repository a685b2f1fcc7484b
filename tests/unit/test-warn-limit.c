/* Rate-limited warnings in the daemon: the summary comes on time, from a timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/warn-limit.h"
#include "tests/unit/stderr-capture.h"

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

struct flood {
	sd_event *event;
	struct warn_limit w;
};

static void flood_then_wait(void *arg)
{
	struct flood *f = arg;

	for (int i = 0; i < 1000; i++)
		warn_limited(&f->w, "ignoring set/floor: not a temperature (%d)", i);
	/* Nothing more comes; the window closes a second after the first. */
	for (int i = 0; i < 40 && f->w.limit.n_quiet > 0; i++)
		assert_true(sd_event_run(f->event, 100 * 1000) >= 0);
}

static void test_summary_comes_when_the_window_closes(void **state)
{
	struct flood f = { 0 };
	char *log;

	(void) state;
	assert_true(sd_event_new(&f.event) >= 0);
	warn_limit_init(&f.w, f.event, "set/floor");
	/*
	 * The daemon's is a minute. A second: the flood (slow under valgrind, on a
	 * busy machine) must fit in it, and the test waits for its end.
	 */
	f.w.limit.window_usec = 1000 * 1000;
	log = stderr_captured(flood_then_wait, &f);
	assert_int_equal(count(log, "ignoring set/floor"), 5);
	/* The sixth says that the rest are counted; the summary gives the count. */
	assert_int_equal(count(log, "warnings about set/floor keep coming"), 1);
	assert_non_null(strstr(log, "995 more warnings about set/floor within a minute"));
	assert_int_equal(count(log, "more warnings about"), 1);
	assert_int_equal(f.w.limit.n_quiet, 0);
	free(log);
	warn_limit_done(&f.w);
	sd_event_unref(f.event);
}

static void flood_then_done(void *arg)
{
	struct flood *f = arg;

	for (int i = 0; i < 7; i++)
		warn_limited(&f->w, "ignoring an answer (%d)", i);
	warn_limit_done(&f->w);
}

static void test_done_says_what_was_held_back(void **state)
{
	struct flood f = { 0 };
	char *log;

	(void) state;
	/* No loop (a part that has none yet): done still gives the count. */
	warn_limit_init(&f.w, NULL, "reminder answers");
	log = stderr_captured(flood_then_done, &f);
	assert_int_equal(count(log, "ignoring an answer"), 5);
	assert_non_null(strstr(log, "2 more warnings about reminder answers"));
	free(log);
}

static void six_then_done(void *arg)
{
	struct flood *f = arg;

	for (int i = 0; i < 6; i++)
		warn_limited(&f->w, "ignoring an answer (%d)", i);
	warn_limit_done(&f->w);
}

/* One held back is "1 more warning", not "1 more warnings" (a user trial). */
static void test_one_held_back_is_singular(void **state)
{
	struct flood f = { 0 };
	char *log;

	(void) state;
	warn_limit_init(&f.w, NULL, "cramp reports");
	log = stderr_captured(six_then_done, &f);
	assert_int_equal(count(log, "ignoring an answer"), 5);
	if (!strstr(log, "1 more warning about cramp reports within a minute"))
		fail_msg("want '1 more warning about':\n%s", log);
	free(log);
}

static void changes_then_wait(void *arg)
{
	struct flood *f = arg;

	for (int i = 0; i < 13; i++)
		warn_limited(&f->w, "heating: floor set to %d.5 °C", 18 + i % 2);
	for (int i = 0; i < 40 && f->w.limit.n_quiet > 0; i++)
		assert_true(sd_event_run(f->event, 100 * 1000) >= 0);
}

static void say_what_holds(void *userdata)
{
	(*(unsigned *) userdata)++;
	log_info("heating: floor 18.5 °C holds now, the last of them");
}

/* Valid commands in a loop (an automation): info lines, as few as warnings. */
static void test_info_lines_are_limited_at_their_level(void **state)
{
	struct flood f = { 0 };
	unsigned holds = 0;
	char *log;

	(void) state;
	assert_true(sd_event_new(&f.event) >= 0);
	log_set_max_level(LOG_LEVEL_INFO);
	warn_limit_init_info(&f.w, f.event, "floor changes");
	f.w.limit.window_usec = 1000 * 1000;
	f.w.summarized = say_what_holds;
	f.w.userdata = &holds;
	log = stderr_captured(changes_then_wait, &f);
	/* Not to the journal: an info line has no "warning: " before it. */
	assert_int_equal(count(log, "bedroomd: heating: floor set to"), 5);
	assert_int_equal(
	    count(log, "bedroomd: floor changes keep coming: the rest of this minute's"), 1);
	assert_non_null(strstr(log, "bedroomd: 8 more floor changes within a minute"));
	/* The last change was not logged: what holds is said after the count. */
	assert_non_null(strstr(log, "within a minute, not logged one by one\nbedroomd: heating: "
				    "floor 18.5 °C holds now"));
	assert_int_equal(holds, 1);
	assert_int_equal(count(log, "warning"), 0);
	free(log);
	/* At warning level none of it is written. */
	log_set_max_level(LOG_LEVEL_WARNING);
	log = stderr_captured(changes_then_wait, &f);
	assert_string_equal(log, "");
	free(log);
	warn_limit_done(&f.w);
	sd_event_unref(f.event);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_comes_when_the_window_closes),
		cmocka_unit_test(test_done_says_what_was_held_back),
		cmocka_unit_test(test_one_held_back_is_singular),
		cmocka_unit_test(test_info_lines_are_limited_at_their_level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
