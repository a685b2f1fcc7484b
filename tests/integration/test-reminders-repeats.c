/*
 * Reminders, end to end: snoozes and repeats. A snooze brings the due back with
 * the same run id (and the state's "next" is the snooze's end meanwhile);
 * "done" clears the run and stops the repeats of a due nobody answered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/integration/reminders-fixture.h"

/* The state's "next" (Home Assistant's Next reminder) is when the snooze ends, not tomorrow. */
static void assert_next_is_the_snooze_end(struct fixture *f, long long from_s, long long to_s)
{
	char state_topic[128];
	const struct message *m;
	const char *next;
	struct tm tm = { 0 };
	json_t *st;

	snprintf(state_topic, sizeof(state_topic), "%s/state", f->base);
	m = client_wait(f->client, state_topic, "~\"state\":\"snoozed\"", 5000);
	assert_non_null(m);
	st = json_loads(m->payload, 0, NULL);
	next = json_string_value(json_object_get(
	    json_object_get(json_object_get(st, "reminders"), "foot_soak"), "next"));
	assert_non_null(next);
	assert_non_null(strptime(next, "%Y-%m-%dT%H:%M:%S", &tm));
	tm.tm_isdst = -1;
	if ((long long) mktime(&tm) < from_s - 1 || (long long) mktime(&tm) > to_s + 1)
		fail_msg("next %s is not the snooze's end (%lld..%lld): %s", next, from_s, to_s,
			 m->payload);
	json_decref(st);
}

static void test_snooze_brings_due_back_with_the_same_id(void **state)
{
	struct fixture *f = *state;
	long long asked, snoozed;
	json_t *e;

	fixture_start_until_due(f, 2, "snooze = 3s\nrepeat_every = 1h\n");
	asked = (long long) time(NULL);
	fixture_answer(f, "snooze");
	snoozed = now_ms();
	fixture_wait_records(f, "snoozed", 1);
	assert_next_is_the_snooze_end(f, asked + 3, (long long) time(NULL) + 3);
	e = fixture_wait_event(f, "due", 2, 10000);
	/* Not before the snooze is over (seconds: the second it was taken may be nearly gone). */
	assert_true(now_ms() - snoozed >= 2000);
	fixture_assert_same_id(f, e);
	json_decref(e);
	assert_int_equal(fixture_count_events(f, "due", 0), 2);
}

static void test_done_clears_and_stops_the_repeats(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	fixture_start_until_due(f, 2, "repeat_every = 2s\nrepeat_max = 5\n");
	e = fixture_wait_event(f, "due", 2, 10000); /* a repeat: nobody answered */
	json_decref(e);
	fixture_answer(f, "done");
	e = fixture_wait_event(f, "cleared", 0, 5000);
	fixture_assert_same_id(f, e);
	assert_int_equal(json_array_size(json_object_get(e, "actions")), 0);
	json_decref(e);
	fixture_wait_records(f, "done", 1);
	/* Three repeat intervals later: no due after the clear. */
	fixture_pass(f, 6000);
	assert_int_equal(fixture_count_events(f, "due", 3), 0);
	assert_int_equal(fixture_count_events(f, "given_up", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snooze_brings_due_back_with_the_same_id,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_done_clears_and_stops_the_repeats,
						fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
