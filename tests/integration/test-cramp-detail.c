/*
 * The cramp log's judgement of reports, end to end with the real bedroomd,
 * mosquitto and SQLite file: repeats of one cramp, a detail that amends it,
 * the advisories once per crossing, the context of a cramp remembered later,
 * and what is no cramp at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/integration/cramp-log-fixture.h"

static void test_duplicates_and_advisories_once_per_crossing(void **state)
{
	struct fixture *f = *state;
	char alert_topic[128];
	const struct message *msgs;
	size_t n;
	int frequency = 0, spread = 0;

	snprintf(alert_topic, sizeof(alert_topic), "%s/event/alert", f->base);
	start(f);
	/* The same cramp reported twice within the window: logged once. */
	report_at(f, 4 * 86400, "left", "calf");
	report_at(f, 4 * 86400 - 30, "left", "calf");
	wait_rows(f, "1", 1);
	report_at(f, 3 * 86400, "right", "calf");
	report_at(f, 2 * 86400, "left", "calf");
	wait_rows(f, "1", 3);
	assert_null(client_wait(f->client, alert_topic, "~cramp_frequency", 500));
	/* The fourth in 7 days crosses "more than three a week". */
	report_at(f, 86400, "right", "thigh");
	assert_non_null(
	    client_wait(f->client, alert_topic, "~\"kind\":\"cramp_frequency\"", 10000));
	assert_non_null(client_wait(f->client, alert_topic, "~\"kind\":\"cramp_spread\"", 1000));
	/* A fifth, and after a restart a sixth: the same crossing, no new advisory. */
	report_at(f, 3600, "left", "calf");
	wait_rows(f, "1", 5);
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	start(f);
	report_at(f, 60, "right", "calf");
	wait_rows(f, "delivered = 1", 6);
	usleep(500000);
	n = client_messages(f->client, &msgs);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(msgs[i].topic, alert_topic) != 0)
			continue;
		frequency += strstr(msgs[i].payload, "\"kind\":\"cramp_frequency\"") != NULL;
		spread += strstr(msgs[i].payload, "\"kind\":\"cramp_spread\"") != NULL;
		if (strstr(msgs[i].payload, "cramp_frequency"))
			assert_non_null(strstr(msgs[i].payload, "doctor"));
	}
	assert_int_equal(frequency, 1);
	assert_int_equal(spread, 1);
	assert_int_equal(count_rows(f, "count_7d = 4 AND site = 'thigh'"), 1);
}

/*
 * A cramp remembered later carries the room as it was then: the temperature
 * from the store's samples of that time, the lowest in the hours before it,
 * and "unknown" for what the store does not keep.
 */
static void test_remembered_cramp_gets_the_room_of_its_time(void **state)
{
	struct fixture *f = *state;
	int64_t now = (int64_t) time(NULL), then = now - 3 * 3600;
	char sql[512];
	const struct message *m;
	sqlite3 *db;

	start(f); /* makes the store */
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	/* Samples as the daemon keeps them: 03:00-ish cold, a low an hour before, warm now. */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO room_temperature (time, tz_offset_s, room_c) VALUES "
		 "(%lld, 0, 15.9), (%lld, 0, 16.4), (%lld, 0, 19.5);",
		 (long long) (then - 3600), (long long) (then - 120), (long long) (now - 60));
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	start(f);
	report_at(f, 3 * 3600, "left", "calf");
	m = client_wait(f->client, f->event_topic, "~\"leg\":\"left\"", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"room_temperature\":16.4"));
	assert_non_null(strstr(m->payload, "\"lowest_room_temperature\":15.9"));
	assert_non_null(strstr(m->payload, "\"in_bed\":null"));
	assert_non_null(strstr(m->payload, "\"heater_on\":null"));
	/* Now: the lowest of the last six hours includes the cold night. */
	report_at(f, 0, "right", "calf");
	m = client_wait(f->client, f->event_topic, "~\"leg\":\"right\"", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"lowest_room_temperature\":15.9"));
}

/*
 * From a user trial: a night's cramps typed in from a paper diary, newest
 * first (10, 20, 30, 40 minutes ago). Each event carries the count of its own
 * time (1: nothing entered so far lies before it); the advisories are those
 * the same four fire oldest first, once each, raised and stored, and a
 * restart does not raise them again.
 */
static void test_diary_typed_in_newest_first_fires_the_advisories(void **state)
{
	struct fixture *f = *state;
	char alert_topic[128];

	snprintf(alert_topic, sizeof(alert_topic), "%s/event/alert", f->base);
	start(f);
	for (int k = 1; k <= 4; k++) {
		report_at(f, k * 600, "left", "calf");
		wait_rows(f, "1", k);
	}
	assert_non_null(
	    client_wait(f->client, alert_topic, "~\"kind\":\"one_sided_cramps\"", 10000));
	assert_non_null(
	    client_wait(f->client, alert_topic, "~\"kind\":\"cramp_frequency\"", 10000));
	wait_rows(f, "delivered = 1 AND count_7d = 1", 4);
	assert_int_equal(store_count_rows(f->db, "advisories", "kind = 'cramp_frequency'"), 1);
	assert_int_equal(store_count_rows(f->db, "advisories", "kind = 'one_sided_cramps'"), 1);
	/* Restarted, then one more remembered in the same night: the same episodes. */
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	start(f);
	report_at(f, 3000, "left", "calf");
	wait_rows(f, "delivered = 1", 5);
	usleep(500000);
	assert_int_equal(count_events(f, alert_topic, "\"kind\":\"cramp_frequency\""), 1);
	assert_int_equal(count_events(f, alert_topic, "\"kind\":\"one_sided_cramps\""), 1);
	assert_int_equal(store_count_rows(f->db, "advisories", "1"), 2);
}

/*
 * The bedside button (no leg, no site), then the phone a minute later with
 * the leg, the site and a note: one cramp, amended and sent again with the
 * same id, and the advisory its site calls for. A repeat that adds nothing,
 * or says otherwise, changes nothing and is not sent again.
 */
static void test_duplicate_with_detail_amends_the_cramp(void **state)
{
	struct fixture *f = *state;
	char alert_topic[128], id[200], *log;
	const struct message *m;
	const char *p;

	snprintf(alert_topic, sizeof(alert_topic), "%s/event/alert", f->base);
	start(f);
	client_publish(f->client, f->command_topic, "{\"source\":\"button\"}", false);
	m = client_wait(f->client, f->event_topic, "~\"source\":\"button\"", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"amended\":false"));
	assert_non_null(strstr(m->payload, "\"leg\":\"unknown\""));
	assert_non_null(strstr(m->payload, "\"site\":null"));
	p = strstr(m->payload, "\"id\":\"");
	assert_non_null(p);
	snprintf(id, sizeof(id), "%.*s", (int) strcspn(p + 6, "\"") + 7, p);
	wait_rows(f, "delivered = 1", 1);

	client_publish(f->client, f->command_topic,
		       "{\"leg\":\"left\",\"site\":\"thigh\",\"note\":\"woke me\"}", false);
	m = client_wait(f->client, f->event_topic, "~\"amended\":true", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, id)); /* the same cramp */
	assert_non_null(strstr(m->payload, "\"leg\":\"left\""));
	assert_non_null(strstr(m->payload, "\"site\":\"thigh\""));
	assert_non_null(strstr(m->payload, "\"note\":\"woke me\""));
	assert_non_null(strstr(m->payload, "\"source\":\"button\""));
	assert_non_null(strstr(m->payload, "\"cramps_7d\":1"));
	assert_non_null(client_wait(f->client, alert_topic, "~\"kind\":\"cramp_spread\"", 10000));
	wait_rows(f,
		  "delivered = 1 AND amended = 1 AND leg = 'left' AND site = 'thigh' AND "
		  "note = 'woke me'",
		  1);
	assert_int_equal(count_rows(f, "1"), 1);
	log = daemon_stderr(&f->daemon);
	assert_non_null(strstr(log, "cramp report (leg left, from command) adds leg left, site "
				    "thigh, note to the cramp of "));
	free(log);

	/* Nothing new, then a site that differs: neither is stored nor sent. */
	client_publish(f->client, f->command_topic, "{\"leg\":\"left\",\"note\":\"woke me\"}",
		       false);
	client_publish(f->client, f->command_topic, "{\"leg\":\"unknown\",\"site\":\"calf\"}",
		       false);
	assert_int_equal(daemon_wait_log(&f->daemon, "says site 'calf'", 10000), 0);
	/* A cramp of its own an hour ago: sent after anything the repeats had sent. */
	report_at(f, 3600, "right", "foot");
	assert_non_null(client_wait(f->client, f->event_topic, "~\"site\":\"foot\"", 10000));
	assert_int_equal(count_events(f, f->event_topic, id), 2);
	assert_int_equal(count_events(f, alert_topic, "cramp_spread"), 1);
	wait_rows(f, "1", 2);
	assert_int_equal(count_rows(f, "site = 'thigh' AND amended = 1"), 1);
	log = daemon_stderr(&f->daemon);
	/*
	 * A repeat of the same second (a broker's replay, say) is said as one, not "0 s
	 * before"; these repeats may fall in the next second.
	 */
	assert_true(strstr(log, "repeats the cramp logged at ") ||
		    strstr(log, "is the same cramp as the one"));
	assert_null(strstr(log, "as the one 0 s before"));
	free(log);
}

/*
 * The amendment comes while the first event is in flight (handed to the
 * broker, not acknowledged): that acknowledgement is for the old version, so
 * the amended one still goes out and only then is the cramp delivered. The
 * daemon is frozen while the broker pushes both reports into its socket, then
 * the broker is frozen while the daemon handles them.
 */
static void test_amendment_while_the_first_event_is_in_flight(void **state)
{
	struct fixture *f = *state;
	const struct message *m;

	start(f);
	kill(f->daemon.pid, SIGSTOP);
	client_publish(f->client, f->command_topic, "{\"source\":\"button\"}", false);
	client_publish(f->client, f->command_topic, "{\"leg\":\"right\",\"note\":\"calf, hard\"}",
		       false);
	assert_non_null(client_wait(f->client, f->command_topic, "~calf, hard", 20000));
	usleep(300000);
	kill(f->broker.pid, SIGSTOP);
	kill(f->daemon.pid, SIGCONT);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "(leg right, from command) adds leg right, note to the "
					 "cramp of ",
					 10000),
			 0);
	assert_int_equal(count_rows(f, "delivered = 0 AND amended = 1"), 1);
	kill(f->broker.pid, SIGCONT);

	m = client_wait(f->client, f->event_topic, "~\"amended\":true", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"leg\":\"right\""));
	assert_non_null(strstr(m->payload, "\"note\":\"calf, hard\""));
	wait_rows(f, "delivered = 1 AND amended = 1 AND leg = 'right'", 1);
	assert_int_equal(count_rows(f, "1"), 1);
}

/*
 * A retained report would come again at every start: refused, with how to
 * clear it. The clear reaches subscribers as an empty message, which is no
 * cramp (a false entry in a medical log); Home Assistant's button still logs one.
 */
static void test_retained_and_empty_reports_are_no_cramps(void **state)
{
	struct fixture *f = *state;
	char needle[400];

	assert_int_equal(client_publish(f->client, f->command_topic, "{\"leg\":\"left\"}", true),
			 0);
	start(f);
	snprintf(needle, sizeof(needle),
		 "ignoring a retained message on '%s': commands must not be retained (clear it: "
		 "mosquitto_pub -r -n -t '%s')",
		 f->command_topic, f->command_topic);
	assert_int_equal(daemon_wait_log(&f->daemon, needle, 10000), 0);
	assert_int_equal(client_publish(f->client, f->command_topic, "", true), 0);
	snprintf(needle, sizeof(needle),
		 "ignoring an empty message on '%s' (a retained message being cleared?); a cramp "
		 "report has a payload",
		 f->command_topic);
	assert_int_equal(daemon_wait_log(&f->daemon, needle, 10000), 0);
	assert_int_equal(count_rows(f, "1"), 0);
	assert_null(client_wait(f->client, f->event_topic, NULL, 1000));

	assert_int_equal(
	    client_publish(f->client, f->command_topic, "{\"source\":\"home_assistant\"}", false),
	    0);
	assert_non_null(
	    client_wait(f->client, f->event_topic, "~\"source\":\"home_assistant\"", 10000));
	assert_int_equal(count_rows(f, "1"), 1);
	assert_int_equal(count_rows(f, "leg = 'left'"), 0);
}

/*
 * A report with a detail the log does not take (a note over 200 bytes, a leg
 * in capitals, a site it does not know) is still a cramp: logged, the note
 * cut, the leg taken in any case, the site left aside, and the journal says
 * what was left. It used to be dropped whole ("note longer than 200 bytes").
 */
static void test_a_detail_does_not_lose_the_cramp(void **state)
{
	struct fixture *f = *state;
	char payload[512], note[201];
	const struct message *m;

	start(f);
	memset(note, 'n', 200);
	note[200] = '\0';
	snprintf(payload, sizeof(payload),
		 "{\"leg\":\"LEFT\",\"site\":\"knee\",\"note\":\"%sXYZ\"}", note);
	client_publish(f->client, f->command_topic, payload, false);
	m = client_wait(f->client, f->event_topic, "~\"leg\":\"left\"", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, note));
	assert_null(strstr(m->payload, "XYZ"));
	assert_null(strstr(m->payload, "knee"));
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "logged without: site (not calf, foot, thigh or buttock) "
					 "'knee'; the note after its first 200 bytes 'XYZ'",
					 5000),
			 0);
	wait_rows(f, "leg = 'left' AND length(note) = 200", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_duplicates_and_advisories_once_per_crossing,
						cramp_setup, cramp_teardown),
		cmocka_unit_test_setup_teardown(test_remembered_cramp_gets_the_room_of_its_time,
						cramp_setup, cramp_teardown),
		cmocka_unit_test_setup_teardown(
		    test_diary_typed_in_newest_first_fires_the_advisories, cramp_setup,
		    cramp_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_with_detail_amends_the_cramp,
						cramp_setup, cramp_teardown),
		cmocka_unit_test_setup_teardown(test_amendment_while_the_first_event_is_in_flight,
						cramp_setup, cramp_teardown),
		cmocka_unit_test_setup_teardown(test_retained_and_empty_reports_are_no_cramps,
						cramp_setup, cramp_teardown),
		cmocka_unit_test_setup_teardown(test_a_detail_does_not_lose_the_cramp, cramp_setup,
						cramp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
