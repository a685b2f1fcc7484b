/*
 * Reminders, end to end: the morning question. "left" logs a cramp through the
 * cramp log, its time estimated, but not a second one when it was reported
 * during the night: a cramp reported without a leg gets that leg instead. The
 * cramp is in the store before the answer is, and an answer sent again after a
 * crash between the two logs it once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/integration/reminders-fixture.h"

/* Runs @sql on the daemon's store, beside the daemon. */
static void exec_sql(struct fixture *f, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Reports a cramp (@payload) on <base>/cramp and waits until the store holds @where. */
static void report_cramp(struct fixture *f, const char *payload, const char *where)
{
	char topic[128];

	snprintf(topic, sizeof(topic), "%s/cramp", f->base);
	assert_int_equal(client_publish(f->client, topic, payload, false), 0);
	for (long long end = now_ms() + 10000;
	     now_ms() < end && store_count_rows(f->db, "cramps", where) != 1;)
		fixture_pass(f, 100);
	assert_int_equal(store_count_rows(f->db, "cramps", where), 1);
}

/*
 * The [heating] section (after the reminder's keys) with the night window
 * from @from_s to @to_s seconds from now, local time, in @buf.
 */
static const char *night_from(char *buf, size_t size, int from_s, int to_s)
{
	char from[16], to[16];
	time_t a = time(NULL) + from_s, b = time(NULL) + to_s;
	struct tm tm;

	strftime(from, sizeof(from), "%H:%M", localtime_r(&a, &tm));
	strftime(to, sizeof(to), "%H:%M", localtime_r(&b, &tm));
	snprintf(buf, size, "[heating]\nnight = %s-%s\n", from, to);
	return buf;
}

/* The night going on now, two hours either side: a cramp reported now is the night's. */
static const char *night_now(char *buf, size_t size)
{
	return night_from(buf, size, -2 * 3600, 2 * 3600);
}

/* A cramp payload of @leg (NULL: none) at @ago_s seconds before now, in @buf. */
static const char *cramp_ago(char *buf, size_t size, const char *leg, int ago_s)
{
	char when[40];
	time_t t = time(NULL) - ago_s;
	struct tm tm;
	size_t n;

	n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", localtime_r(&t, &tm));
	/* +0900 -> +09:00 */
	memmove(when + n - 1, when + n - 2, 3);
	when[n - 2] = ':';
	if (leg)
		snprintf(buf, size, "{\"leg\":\"%s\",\"time\":\"%s\"}", leg, when);
	else
		snprintf(buf, size, "{\"time\":\"%s\"}", when);
	return buf;
}

/* Answers the morning question with @answer once it is due, and waits for its cleared. */
static void answer_morning(struct fixture *f, const char *answer)
{
	char topic[128];

	json_decref(fixture_wait_event(f, "due", 1, 15000));
	snprintf(topic, sizeof(topic), "%s/reminder/morning", f->base);
	assert_int_equal(client_publish(f->client, topic, answer, false), 0);
	json_decref(fixture_wait_event(f, "cleared", 0, 5000));
	fixture_pass(f, 500); /* the answer's cramp, if any, is logged right after the cleared */
}

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
	char night[64];
	char cramp_topic[128], topic[128];

	fixture_configure_reminder(f, "morning", 3, night_now(night, sizeof(night)));
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

/*
 * The single button during the night (leg unknown), then "left" in the
 * morning: one cramp, the night's, whose leg the answer fills in.
 */
static void test_morning_answer_fills_in_the_leg_of_a_cramp_without_one(void **state)
{
	struct fixture *f = *state;
	char night[64];
	char cramp_topic[128];
	const struct message *m;

	fixture_configure_reminder(f, "morning", 3, night_now(night, sizeof(night)));
	fixture_start(f);
	report_cramp(f, "{}", "leg = 'unknown'");
	answer_morning(f, "left");
	assert_int_equal(store_count_rows(f->db, "reminder_log", "record = 'cramp_left'"), 1);
	assert_int_equal(store_count_rows(f->db, "cramps", "suspected = 0"), 1);
	assert_int_equal(store_count_rows(f->db, "cramps",
					  "leg = 'left' AND amended = 1 AND time_estimated = 0"),
			 1);
	snprintf(cramp_topic, sizeof(cramp_topic), "%s/event/cramp", f->base);
	m = client_wait(f->client, cramp_topic, "~\"amended\":true", 5000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"leg\":\"left\""));
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "fills in the leg of the cramp reported during the night",
					 5000),
			 0);
}

/* A cramp of the right leg during the night, "left" in the morning: another cramp. */
static void test_morning_answer_of_the_other_leg_is_a_second_cramp(void **state)
{
	struct fixture *f = *state;
	char night[64];

	fixture_configure_reminder(f, "morning", 3, night_now(night, sizeof(night)));
	fixture_start(f);
	report_cramp(f, "{\"leg\":\"right\"}", "leg = 'right'");
	answer_morning(f, "left");
	assert_int_equal(store_count_rows(f->db, "cramps", "suspected = 0"), 2);
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'left' AND time_estimated = 1"),
			 1);
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'right' AND amended = 0"), 1);
}

/*
 * The answer's cramp is in the store before the answer is: when the answer's
 * record is written (a trigger looks then), its cramp is there already. The
 * other way round, a crash between the two writes lost the cramp.
 */
static void test_morning_answer_stores_the_cramp_before_the_answer(void **state)
{
	struct fixture *f = *state;

	fixture_configure_reminder(f, "morning", 3, "");
	fixture_start(f);
	exec_sql(f, "CREATE TABLE test_probe (cramps INTEGER);"
		    "CREATE TRIGGER test_probe AFTER INSERT ON reminder_log "
		    "WHEN NEW.record = 'cramp_left' BEGIN "
		    "INSERT INTO test_probe SELECT count(*) FROM cramps WHERE leg = 'left'; END;");
	answer_morning(f, "left");
	assert_int_equal(store_count_rows(f->db, "test_probe", "1"), 1);
	assert_int_equal(store_count_rows(f->db, "test_probe", "cramps = 1"), 1);
}

/*
 * A crash after the answer's cramp was stored, before the answer was: after
 * the restart the question is open still, and the answer sent again is the
 * cramp logged already, not a second one.
 */
static void test_answer_sent_again_after_a_crash_logs_one_cramp(void **state)
{
	struct fixture *f = *state;
	char night[64];
	char topic[128];

	fixture_configure_reminder(f, "morning", 3, night_now(night, sizeof(night)));
	fixture_start(f);
	/* The answer's write fails, so the daemon dies with the answer unwritten. */
	exec_sql(f, "CREATE TRIGGER test_refuse BEFORE INSERT ON reminder_log "
		    "WHEN NEW.record = 'cramp_left' BEGIN SELECT RAISE(ABORT, 'test'); END;");
	json_decref(fixture_wait_event(f, "due", 1, 15000));
	snprintf(topic, sizeof(topic), "%s/reminder/morning", f->base);
	assert_int_equal(client_publish(f->client, topic, "left", false), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "cramp logged: leg left, from morning", 5000),
			 0);
	kill(f->daemon.pid, SIGKILL);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'left'"), 1);
	assert_int_equal(store_count_rows(f->db, "reminder_log", "record = 'cramp_left'"), 0);
	exec_sql(f, "DROP TRIGGER test_refuse;");
	fixture_start(f);
	assert_int_equal(client_publish(f->client, topic, "left", false), 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "is the cramp reported during the night", 10000), 0);
	fixture_pass(f, 500);
	assert_int_equal(store_count_rows(f->db, "reminder_log", "record = 'cramp_left'"), 1);
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'left'"), 1);
	assert_int_equal(daemon_log_count(&f->daemon, "cramp logged: leg left"), 1);
}

/*
 * The night window ends after the morning question (22:30-09:00, answered at
 * 08:20): the answer is about the night going on, not the one before it. Its
 * cramp goes to the middle of this night, and a cramp of that leg reported in
 * the night before (25 h ago) is another cramp, not this one.
 */
static void test_morning_answer_inside_the_night_is_about_this_night(void **state)
{
	struct fixture *f = *state;
	char night[64], cramp[128], where[160];
	time_t now = time(NULL);

	fixture_configure_reminder(f, "morning", 3, night_now(night, sizeof(night)));
	fixture_start(f);
	report_cramp(f, cramp_ago(cramp, sizeof(cramp), "left", 25 * 3600), "leg = 'left'");
	answer_morning(f, "left");
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'left'"), 2);
	snprintf(where, sizeof(where),
		 "leg = 'left' AND time_estimated = 1 AND time BETWEEN %lld AND %lld",
		 (long long) now - 2 * 3600 - 60, (long long) now + 60);
	assert_int_equal(store_count_rows(f->db, "cramps", where), 1);
}

/*
 * Only a cramp inside the night window is the night's: one reported the
 * evening before it began, or in the morning after it ended, is another
 * cramp. The answer "left" then logs the night's cramp, and does not fill in
 * the leg of a daytime cramp reported without one.
 */
static void test_morning_answer_is_not_a_cramp_outside_the_night(void **state)
{
	struct fixture *f = *state;
	char night[64], cramp[128], where[96];
	time_t now = time(NULL);

	/* The night from 3 h to 1 h ago. */
	fixture_configure_reminder(f, "morning", 4,
				   night_from(night, sizeof(night), -3 * 3600, -3600));
	fixture_start(f);
	report_cramp(f, cramp_ago(cramp, sizeof(cramp), "left", 3 * 3600 + 1200), "leg = 'left'");
	snprintf(where, sizeof(where), "leg = 'left' AND time > %lld", (long long) now - 3600);
	report_cramp(f, cramp_ago(cramp, sizeof(cramp), "left", 1800), where);
	report_cramp(f, cramp_ago(cramp, sizeof(cramp), NULL, 600), "leg = 'unknown'");
	answer_morning(f, "left");
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'left'"), 3);
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'left' AND time_estimated = 1"),
			 1);
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'unknown' AND amended = 0"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_morning_answer_logs_a_cramp, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_morning_answer_does_not_count_a_reported_cramp_twice, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_morning_answer_fills_in_the_leg_of_a_cramp_without_one, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_morning_answer_of_the_other_leg_is_a_second_cramp, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_morning_answer_stores_the_cramp_before_the_answer, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_answer_sent_again_after_a_crash_logs_one_cramp,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_morning_answer_inside_the_night_is_about_this_night, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_morning_answer_is_not_a_cramp_outside_the_night, fixture_setup,
		    fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
