/*
 * Reminders, end to end, with the broker or the store away: events held in
 * the outbox while the broker is down go out in order; a store that fails
 * writes is written later; a store back after a start without it keeps its runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/testing.h"
#include "tests/integration/reminders-fixture.h"

static void test_outage_holds_events_and_sends_them_in_order(void **state)
{
	struct fixture *f = *state;
	const struct message *msgs;
	int seen = 0;
	size_t n;

	fixture_configure(f, 4, "repeat_every = 2s\nrepeat_max = 2\n");
	fixture_start(f);
	f->client = client_free(f->client);
	broker_stop(&f->broker);
	/* Due, two repeats and the give-up happen while the broker is away. */
	assert_int_equal(daemon_wait_log(&f->daemon, "reminder foot_soak: given_up", 20000), 0);
	for (long long end = now_ms() + 5000;
	     now_ms() < end && store_count_rows(f->db, "reminder_outbox", "1") != 4;)
		usleep(50000);
	assert_int_equal(store_count_rows(f->db, "reminder_outbox", "1"), 4);
	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(client_new(&f->broker, f->event_topic, &f->client), 0);
	json_decref(fixture_wait_event(f, "given_up", 0, 90000));
	n = client_messages(f->client, &msgs);
	for (size_t i = 0; i < n; i++) {
		static const char *const order[] = { "\"attempt\":1", "\"attempt\":2",
						     "\"attempt\":3", "\"given_up\"" };

		if (seen < 4 && strstr(msgs[i].payload, order[seen]))
			seen++;
	}
	assert_int_equal(seen, 4);
	for (long long end = now_ms() + 10000;
	     now_ms() < end && store_count_rows(f->db, "reminder_outbox", "1") != 0;)
		usleep(100000);
	assert_int_equal(store_count_rows(f->db, "reminder_outbox", "1"), 0);
	assert_int_equal(fixture_records(f, "ignored"), 1);
}

/*
 * The broker away, events wait in the store's outbox; then the store fails
 * (the card full) and the next ones wait in memory. The broker back before
 * the store takes writes again: the older events from the store's outbox go
 * first, then those from memory, so the phone does not get the give-up and
 * then a "due" that brings the notification back after the run is over.
 */
static void test_events_in_memory_go_after_those_in_the_store(void **state)
{
	struct fixture *f = *state;
	static const char *const order[] = { "\"attempt\":1", "\"attempt\":2", "\"attempt\":3",
					     "\"given_up\"" };
	const struct message *msgs;
	int seen[4] = { 0 }, next = 0;
	size_t n;

	fixture_configure(f, 4, "repeat_every = 4s\nrepeat_max = 2\n");
	fixture_start(f);
	f->client = client_free(f->client);
	broker_stop(&f->broker);
	/* The first two in the store's outbox, then the store fails: the rest wait in memory. */
	for (long long end = now_ms() + 15000;
	     now_ms() < end && store_count_rows(f->db, "reminder_outbox", "1") < 2;)
		usleep(20000);
	assert_int_equal(store_testing_fail_reminder_writes(f->db, true), 0);
	assert_int_equal(store_count_rows(f->db, "reminder_outbox", "1"), 2);
	assert_int_equal(daemon_wait_log(&f->daemon, "reminder foot_soak: given_up", 20000), 0);
	assert_int_equal(store_count_rows(f->db, "reminder_outbox", "1"), 2);

	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(client_new(&f->broker, f->event_topic, &f->client), 0);
	json_decref(fixture_wait_event(f, "given_up", 0, 30000));
	fixture_pass(f, 1000);
	n = client_messages(f->client, &msgs);
	for (size_t i = 0; i < n; i++)
		for (int k = 3; k >= 0; k--) /* the give-up names its attempt too */
			if (strstr(msgs[i].payload, order[k])) {
				if (k < next)
					fail_msg("'%s' came after '%s'", order[k], order[next - 1]);
				seen[k]++;
				next = k + 1;
				break;
			}
	for (int k = 0; k < 4; k++)
		assert_int_equal(seen[k], 1);

	/* Nothing is lost: once the store takes writes, what waited is written. */
	assert_int_equal(store_testing_fail_reminder_writes(f->db, false), 0);
	fixture_wait_records(f, "ignored", 1);
}

/*
 * Started without the store (its directory unusable), then the store comes
 * (here by a reload to a usable one): the run it holds, snoozed before,
 * goes on; the empty state in memory does not overwrite it.
 */
static void test_store_back_after_a_start_without_it_keeps_its_runs(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	fixture_start_until_due(f, 2, "snooze = 8s\nrepeat_every = 1h\n");
	fixture_answer(f, "snooze");
	fixture_wait_records(f, "snoozed", 1);
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);

	f->no_store = true;
	fixture_configure(f, -1, "snooze = 8s\nrepeat_every = 1h\n");
	fixture_start(f);
	f->no_store = false;
	fixture_configure(f, -1, "snooze = 8s\nrepeat_every = 1h\n");
	fixture_reload(f);
	e = fixture_wait_event(f, "due", 2, 20000);
	fixture_assert_same_id(f, e);
	json_decref(e);
	assert_int_equal(store_count_rows(f->db, "reminder_state", "snoozes = 1"), 1);
}

/*
 * A reload to another state_dir (and, the same way, a damaged store replaced by
 * a new file): the new store gets the run going on, so a restart there neither
 * sends it again nor loses the snooze.
 */
static void test_a_new_store_gets_the_runs(void **state)
{
	struct fixture *f = *state;
	char dir[300], db[320];

	fixture_start_until_due(f, 2, "snooze = 1h\nrepeat_every = 1h\n");
	fixture_answer(f, "snooze");
	fixture_wait_records(f, "snoozed", 1);
	snprintf(dir, sizeof(dir), "%s/state-moved", f->daemon.dir);
	snprintf(db, sizeof(db), "%s/bedroomd.db", dir);
	f->state_dir = dir;
	fixture_configure(f, -1, "snooze = 1h\nrepeat_every = 1h\n");
	fixture_reload(f);
	assert_int_equal(daemon_wait_log(&f->daemon, "state_dir is now", 10000), 0);
	for (long long end = now_ms() + 5000;
	     now_ms() < end && store_count_rows(db, "reminder_state", "snoozes = 1") != 1;)
		usleep(50000);
	assert_int_equal(store_count_rows(db, "reminder_state", "snoozes = 1"), 1);
	f->state_dir = NULL;
}

/*
 * The store fails to take the reminders' writes (as a full disk would): the
 * answer still goes out, store_failed is raised, and once the store takes
 * writes again what happened is written and the alert clears.
 */
static void test_a_failing_store_is_written_later(void **state)
{
	struct fixture *f = *state;
	char alert[128];

	snprintf(alert, sizeof(alert), "%s/event/alert", f->base);
	fixture_configure(f, 2, "repeat_every = 1h\n");
	fixture_start(f);
	json_decref(fixture_wait_event(f, "due", 1, 15000));
	fixture_wait_records(f, "sent", 1);
	assert_int_equal(store_testing_fail_reminder_writes(f->db, true), 0);
	fixture_answer(f, "done");
	json_decref(fixture_wait_event(f, "cleared", 0, 5000));
	assert_non_null(client_wait(f->client, alert, "~\"kind\":\"store_failed\"", 10000));
	assert_int_equal(fixture_records(f, "done"), 0);
	assert_int_equal(store_testing_fail_reminder_writes(f->db, false), 0);
	fixture_wait_records(f, "done", 1); /* the store-flush timer tries again every 10 s */
	assert_non_null(client_wait(f->client, alert, "~\"cleared\"", 20000));
	assert_int_equal(store_count_rows(f->db, "reminder_state", "state = 'cleared'"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outage_holds_events_and_sends_them_in_order,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_events_in_memory_go_after_those_in_the_store,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_back_after_a_start_without_it_keeps_its_runs, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_a_new_store_gets_the_runs, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_a_failing_store_is_written_later,
						fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
