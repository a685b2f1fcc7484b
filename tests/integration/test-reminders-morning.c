/*
 * Reminders, end to end: the morning question. "left" logs a cramp through the
 * cramp log, its time estimated, but not a second one when it was reported
 * during the night.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "tests/integration/reminders-fixture.h"

/* The morning question: "left" logs a cramp through the cramp log, its time estimated. */
static void test_morning_answer_logs_a_cramp(void **state)
{
	struct fixture *f = *state;
	char cramp_topic[128], topic[128];
	const struct message *m;
	json_t *e;

	fixture_configure_reminder(f, "morning", 2, "");
	fixture_start(f);
	e = fixture_wait_event(f, "due", 1, 15000);
	assert_string_equal(json_string_value(json_object_get(e, "name")), "morning");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "actions"), 0)),
			    "none");
	json_decref(e);
	snprintf(topic, sizeof(topic), "%s/reminder/morning", f->base);
	assert_int_equal(client_publish(f->client, topic, "done", false), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "not an answer to the morning question", 5000),
			 0);
	assert_int_equal(client_publish(f->client, topic, "left", false), 0);
	snprintf(cramp_topic, sizeof(cramp_topic), "%s/event/cramp", f->base);
	m = client_wait(f->client, cramp_topic, "~\"time_estimated\":true", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"leg\":\"left\""));
	assert_non_null(strstr(m->payload, "\"source\":\"morning\""));
	json_decref(fixture_wait_event(f, "cleared", 0, 5000));
	assert_int_equal(store_count_rows(f->db, "reminder_log", "record = 'cramp_left'"), 1);
	assert_int_equal(store_count_rows(f->db, "cramps", "time_estimated = 1 AND leg = 'left'"),
			 1);
}

/* A cramp reported during the night, then "left" in the morning: one cramp, not two. */
static void test_morning_answer_does_not_count_a_reported_cramp_twice(void **state)
{
	struct fixture *f = *state;
	char cramp_topic[128], topic[128];

	fixture_configure_reminder(f, "morning", 3, "");
	fixture_start(f);
	snprintf(cramp_topic, sizeof(cramp_topic), "%s/cramp", f->base);
	assert_int_equal(client_publish(f->client, cramp_topic, "{\"leg\":\"left\"}", false), 0);
	for (long long end = now_ms() + 10000;
	     now_ms() < end && store_count_rows(f->db, "cramps", "leg = 'left'") != 1;)
		fixture_pass(f, 100);
	json_decref(fixture_wait_event(f, "due", 1, 15000));
	snprintf(topic, sizeof(topic), "%s/reminder/morning", f->base);
	assert_int_equal(client_publish(f->client, topic, "left", false), 0);
	json_decref(fixture_wait_event(f, "cleared", 0, 5000));
	fixture_pass(f, 500); /* the answer's cramp, if any, is logged right after the cleared */
	assert_int_equal(store_count_rows(f->db, "reminder_log", "record = 'cramp_left'"), 1);
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'left'"), 1);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "is the cramp reported during the night", 5000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_morning_answer_logs_a_cramp, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_morning_answer_does_not_count_a_reported_cramp_twice, fixture_setup,
		    fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
