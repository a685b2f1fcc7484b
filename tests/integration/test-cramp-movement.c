/*
 * Suspected cramps from movement in bed, and the foot soak, end to end: the
 * real bedroomd, a real mosquitto, the real SQLite file. Movement comes from
 * an MQTT vibration sensor (the same code path as a GPIO one after the edge).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char cramp_topic[96];
	char event_topic[96];
	char shake_topic[96];
	char button_topic[96];
	char db[256];
};

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char text[2048], at[16];

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/su%d", (int) getpid());
	snprintf(f->cramp_topic, sizeof(f->cramp_topic), "%s/cramp", f->base);
	snprintf(f->event_topic, sizeof(f->event_topic), "%s/event/cramp", f->base);
	snprintf(f->shake_topic, sizeof(f->shake_topic), "test/su%d/shake", (int) getpid());
	snprintf(f->button_topic, sizeof(f->button_topic), "test/su%d/button", (int) getpid());
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/bedroomd.db", f->daemon.state_dir);
	local_time_in(3600, at, sizeof(at));
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = su%d\nstate_dir = @STATE_DIR@\nlog_level = info\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[cramps]\nsuspect_from_movement = yes\nsuspect_movements = 6\n"
		 "suspect_within = 10s\nsuspect_after_quiet = 10s\ndedup_window = 2s\n"
		 "[input.shake]\ntype = mqtt\nrole = movement\ntopic = %s\n"
		 "payload_on = 1\npayload_off = 0\n"
		 "[input.left]\ntype = mqtt\nrole = cramp_button\ntopic = %s\n"
		 "payload_on = ON\npayload_off = OFF\nleg = left\nrepeat_window = 1s\n"
		 /* Due in an hour: a "done" is taken from 4 h before a run. */
		 "[reminder.foot_soak]\nat = %s\n",
		 (int) getpid(), f->broker.port, f->shake_topic, f->button_topic, at);
	if (daemon_write_config(&f->daemon, text) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

static void start(struct fixture *f)
{
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
}

static void restart(struct fixture *f)
{
	kill(f->daemon.pid, SIGTERM);
	assert_int_equal(daemon_wait_exit(&f->daemon, 10000), 0);
	client_clear(f->client);
	start(f);
}

/*
 * @n movements from the bed's vibration sensor, 1.25 s apart: edges within a
 * second of a movement's first are that movement (CRAMP_DEFAULT_MOVEMENT_GAP_USEC).
 */
static void shake(struct fixture *f, int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(client_publish(f->client, f->shake_topic, "1", false), 0);
		assert_int_equal(client_publish(f->client, f->shake_topic, "0", false), 0);
		if (i + 1 < n)
			usleep(1250000);
	}
}

/* A vibration switch chattering as the sleeper turns over: @n edges within a second. */
static void chatter(struct fixture *f, int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(client_publish(f->client, f->shake_topic, "1", false), 0);
		assert_int_equal(client_publish(f->client, f->shake_topic, "0", false), 0);
		usleep(30000);
	}
}

static int count_rows(struct fixture *f, const char *where)
{
	return store_count_rows(f->db, "cramps", where);
}

/* Waits until the daemon's log holds @needle; fails after @timeout_ms. */
static void wait_log(struct fixture *f, const char *needle, int timeout_ms)
{
	if (daemon_wait_log(&f->daemon, needle, timeout_ms) < 0)
		fail_msg("the daemon never logged '%s'", needle);
}

/* Copies the "id" of the event @m into @buf. */
static void event_id(const struct message *m, char *buf, size_t size)
{
	const char *p = strstr(m->payload, "\"id\":\"");
	size_t n;

	assert_non_null(p);
	p += strlen("\"id\":\"");
	n = strcspn(p, "\"");
	assert_true(n < size);
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/* Copies the "time" of the event @m into @buf. */
static void event_time(const struct message *m, char *buf, size_t size)
{
	const char *p = strstr(m->payload, "\"time\":\"");
	size_t n;

	assert_non_null(p);
	p += strlen("\"time\":\"");
	n = strcspn(p, "\"");
	assert_true(n < size);
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/* ISO-8601 UTC of @ago_s seconds ago, as a report remembered later has it. */
static void iso_ago(char *buf, size_t size, time_t ago_s)
{
	time_t t = time(NULL) - ago_s;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool any_suspected(struct fixture *f)
{
	const struct message *msgs;
	size_t n = client_messages(f->client, &msgs);

	for (size_t i = 0; i < n; i++)
		if (strcmp(msgs[i].topic, f->event_topic) == 0 &&
		    strstr(msgs[i].payload, "\"suspected\":true"))
			return true;
	return false;
}

static void test_burst_after_calm_is_suspected_then_confirmed(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char id[160], confirms[200], state_topic[128], when[64], before[64], report[256];
	time_t suspected_at;

	start(f);
	snprintf(state_topic, sizeof(state_topic), "%s/state", f->base);
	/* Right after start: the calm before this burst was not watched, so no suspicion. */
	shake(f, 8);
	sleep(2);
	assert_false(any_suspected(f));
	/* Calm, then turning over: a dozen edges of chatter are one movement, no burst. */
	sleep(11);
	chatter(f, 12);
	sleep(2);
	assert_false(any_suspected(f));
	/* Calm again (longer than suspect_after_quiet), then the jerks of a cramp. */
	sleep(11);
	shake(f, 6);
	m = client_wait(f->client, f->event_topic, "~\"suspected\":true", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"source\":\"movement\""));
	assert_non_null(strstr(m->payload, "\"leg\":\"unknown\""));
	assert_non_null(strstr(m->payload, "\"cramps_7d\":0"));
	suspected_at = time(NULL);
	event_id(m, id, sizeof(id));
	event_time(m, when, sizeof(when));
	/* Still restless: the same bout, not a second suspicion. */
	shake(f, 10);
	sleep(1);
	assert_non_null(client_wait(f->client, state_topic, "~\"cramps_7d\":0", 5000));

	/* The suspicion waits in the store across a restart. In the morning the person
	 * remembers a left-leg cramp "at about" a minute before it: that confirms it. */
	restart(f);
	iso_ago(before, sizeof(before), time(NULL) - suspected_at + 60);
	snprintf(report, sizeof(report), "{\"leg\":\"left\",\"time\":\"%s\"}", before);
	assert_int_equal(client_publish(f->client, f->cramp_topic, report, false), 0);
	snprintf(confirms, sizeof(confirms), "~\"confirms\":\"%s\"", id);
	m = client_wait(f->client, f->event_topic, confirms, 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"suspected\":false"));
	assert_non_null(strstr(m->payload, "\"leg\":\"left\""));
	assert_non_null(strstr(m->payload, "\"cramps_7d\":1"));
	assert_int_equal(count_rows(f, "suspected = 1"), 1);
	assert_int_equal(count_rows(f, "confirms IS NOT NULL"), 1);
	assert_int_equal(count_rows(f, "1"), 2);

	/* After another restart the phone's "Yes, left leg" (docs/home-assistant.md) for
	 * the same suspicion, at its own time: the cramp already confirmed, not a second.
	 * Remembered: sent more than dedup_window after that time. */
	restart(f);
	sleep(3);
	snprintf(report, sizeof(report),
		 "{\"leg\":\"left\",\"time\":\"%s\",\"source\":\"home_assistant\"}", when);
	assert_int_equal(client_publish(f->client, f->cramp_topic, report, false), 0);
	wait_log(f, "is the cramp that already confirmed", 10000);
	assert_int_equal(count_rows(f, "1"), 2);
	assert_non_null(client_wait(f->client, state_topic, "~\"cramps_7d\":1", 5000));

	/* The same answer with where it hurt: the confirming cramp gains its site. */
	snprintf(report, sizeof(report),
		 "{\"leg\":\"left\",\"site\":\"thigh\",\"time\":\"%s\",\"source\":"
		 "\"home_assistant\"}",
		 when);
	assert_int_equal(client_publish(f->client, f->cramp_topic, report, false), 0);
	m = client_wait(f->client, f->event_topic, "~\"amended\":true", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, confirms + 1)); /* the confirming cramp, its id */
	assert_non_null(strstr(m->payload, "\"site\":\"thigh\""));
	assert_non_null(strstr(m->payload, "\"cramps_7d\":1"));
	assert_int_equal(count_rows(f, "1"), 2);
	assert_int_equal(count_rows(f, "site = 'thigh' AND confirms IS NOT NULL"), 1);
}

/*
 * The button (no leg) confirms a suspicion; a few seconds later, past the
 * dedup window, the phone reports a right calf cramp as it happens: a second
 * cramp, not the first one amended. Then the phone's remembered "left leg" for
 * the suspicion amends the button's cramp, and a later "left thigh" for it
 * finds it under its new leg.
 */
static void test_reports_after_a_confirmation(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char id[160], confirms[200], when[64], report[256];

	start(f);
	sleep(11);
	shake(f, 6);
	m = client_wait(f->client, f->event_topic, "~\"suspected\":true", 10000);
	assert_non_null(m);
	event_id(m, id, sizeof(id));
	event_time(m, when, sizeof(when));
	snprintf(confirms, sizeof(confirms), "~\"confirms\":\"%s\"", id);
	assert_int_equal(client_publish(f->client, f->cramp_topic, "{}", false), 0);
	m = client_wait(f->client, f->event_topic, confirms, 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"leg\":\"unknown\""));

	sleep(3);
	assert_int_equal(client_publish(f->client, f->cramp_topic,
					"{\"leg\":\"right\",\"site\":\"calf\"}", false),
			 0);
	m = client_wait(f->client, f->event_topic, "~\"cramps_7d\":2", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"leg\":\"right\""));
	assert_non_null(strstr(m->payload, "\"amended\":false"));
	assert_non_null(strstr(m->payload, "\"confirms\":null"));
	assert_int_equal(count_rows(f, "suspected = 0"), 2);
	assert_int_equal(count_rows(f, "leg = 'unknown' AND suspected = 0"), 1);

	snprintf(report, sizeof(report), "{\"leg\":\"left\",\"time\":\"%s\"}", when);
	assert_int_equal(client_publish(f->client, f->cramp_topic, report, false), 0);
	m = client_wait(f->client, f->event_topic, "~\"amended\":true", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, confirms + 1));
	assert_non_null(strstr(m->payload, "\"leg\":\"left\""));
	client_clear(f->client);
	snprintf(report, sizeof(report), "{\"leg\":\"left\",\"site\":\"thigh\",\"time\":\"%s\"}",
		 when);
	assert_int_equal(client_publish(f->client, f->cramp_topic, report, false), 0);
	m = client_wait(f->client, f->event_topic, "~\"site\":\"thigh\"", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, confirms + 1));
	assert_int_equal(count_rows(f, "leg = 'left' AND site = 'thigh' AND confirms IS NOT NULL"),
			 1);
	assert_int_equal(count_rows(f, "suspected = 0"), 2);
}

static void test_burst_after_a_reported_cramp_is_that_cramp(void **state)
{
	struct fixture *f = *state;

	start(f);
	/* The person pressed first, then thrashed about: one cramp, already logged. */
	assert_int_equal(client_publish(f->client, f->cramp_topic, "{\"leg\":\"right\"}", false),
			 0);
	assert_non_null(client_wait(f->client, f->event_topic, "~\"leg\":\"right\"", 10000));
	sleep(11);
	shake(f, 8);
	wait_log(f, "a cramp was reported within", 10000);
	sleep(1);
	assert_false(any_suspected(f));
	assert_int_equal(count_rows(f, "1"), 1);
}

/* Waits until the cramps table holds @n rows matching @where; fails after @timeout_ms. */
static void wait_rows(struct fixture *f, const char *where, int n, int timeout_ms)
{
	for (int waited = 0; count_rows(f, where) < n; waited += 100) {
		if (waited >= timeout_ms)
			fail_msg("%d rows where %s, not %d", count_rows(f, where), where, n);
		usleep(100000);
	}
}

/*
 * A button that publishes "ON" retained (Tasmota's ButtonRetain) and never
 * "OFF": the broker hands that "ON" again at every subscribe; it is no press
 * and swallows none. Every press beyond repeat_window and dedup_window is a
 * cramp, the first one after each start too.
 */
static void test_retained_button_loses_no_press(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(client_publish(f->client, f->button_topic, "ON", true), 0);
	start(f);
	assert_int_equal(client_publish(f->client, f->button_topic, "ON", true), 0);
	wait_rows(f, "source = 'button' AND leg = 'left'", 1, 10000);
	sleep(3); /* beyond repeat_window (1 s) and dedup_window (2 s) */
	assert_int_equal(client_publish(f->client, f->button_topic, "ON", true), 0);
	wait_rows(f, "source = 'button' AND leg = 'left'", 2, 10000);
	sleep(3);
	restart(f); /* subscribed again: the retained "ON" again */
	assert_int_equal(client_publish(f->client, f->button_topic, "ON", true), 0);
	wait_rows(f, "source = 'button' AND leg = 'left'", 3, 10000);
	sleep(1);
	assert_int_equal(count_rows(f, "1"), 3);
}

/* A bed input's garbage warns once, and the first good payload after it says so. */
static void test_input_refusals_end_with_a_line(void **state)
{
	struct fixture *f = *state;
	char needle[160], *log;

	start(f);
	assert_int_equal(client_publish(f->client, f->shake_topic, "shaking", false), 0);
	assert_int_equal(client_publish(f->client, f->shake_topic, "very much", false), 0);
	assert_int_equal(client_publish(f->client, f->shake_topic, "0", false), 0);
	snprintf(needle, sizeof(needle), "input.shake: payloads on '%s' are readable again",
		 f->shake_topic);
	wait_log(f, needle, 10000);
	log = daemon_stderr(&f->daemon);
	assert_non_null(strstr(log, "warning: input.shake: refused a 7-byte payload"));
	/* The second is the same refusals going on: not a warning. */
	assert_null(strstr(log, "warning: input.shake: refused a 9-byte payload"));
	free(log);
}

static void test_foot_soak_answer_reaches_the_cramp_context(void **state)
{
	struct fixture *f = *state;
	char topic[128];
	const struct message *m;

	start(f);
	/* Never answered: unknown, not "not done". */
	assert_int_equal(client_publish(f->client, f->cramp_topic, "{\"leg\":\"left\"}", false), 0);
	m = client_wait(f->client, f->event_topic, "~\"leg\":\"left\"", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"foot_soak_done\":null"));

	snprintf(topic, sizeof(topic), "%s/reminder/foot_soak", f->base);
	assert_int_equal(client_publish(f->client, topic, "later", false), 0);
	wait_log(f, "not started, done, snooze or skip", 10000);
	snprintf(topic, sizeof(topic), "%s/reminder/nap", f->base);
	assert_int_equal(client_publish(f->client, topic, "done", false), 0);
	wait_log(f, "no reminder 'nap'", 10000);
	snprintf(topic, sizeof(topic), "%s/reminder/foot_soak", f->base);
	assert_int_equal(client_publish(f->client, topic, "done", false), 0);
	wait_log(f, "reminder foot_soak: done", 10000);

	assert_int_equal(client_publish(f->client, f->cramp_topic, "{\"leg\":\"right\"}", false),
			 0);
	m = client_wait(f->client, f->event_topic, "~\"leg\":\"right\"", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"foot_soak_done\":true"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reports_after_a_confirmation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_after_calm_is_suspected_then_confirmed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_after_a_reported_cramp_is_that_cramp,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_retained_button_loses_no_press, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_input_refusals_end_with_a_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_foot_soak_answer_reaches_the_cramp_context,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
