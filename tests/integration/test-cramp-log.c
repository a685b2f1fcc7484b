/*
 * The cramp log, end to end, with the real bedroomd, a real mosquitto and the
 * real SQLite file: stored first, then delivered; what the broker did not
 * acknowledge goes out after it returns, in order, even across a SIGKILL.
 *
 * To log cramps "while the broker is away", the test freezes the daemon
 * (SIGSTOP), sends the reports (the broker pushes them into the daemon's
 * socket), kills the broker, and lets the daemon go on: it reads the reports,
 * stores them and cannot deliver them.
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

/*
 * Reports @n cramps that the daemon stores but cannot deliver: the daemon is
 * frozen while the broker pushes the reports into its socket; then the broker
 * is frozen, so the daemon's events wait unread in the broker's socket; then
 * the broker dies, and its unread data with it.
 */
static void report_while_broker_away(struct fixture *f, int n)
{
	char payload[200], iso[40];
	struct tm tm;
	time_t t;

	kill(f->daemon.pid, SIGSTOP);
	for (int i = 1; i <= n; i++) {
		/* Ten minutes apart: reports closer than the de-duplication window are one cramp.
		 */
		t = time(NULL) - (time_t) (n - i + 1) * 600;
		gmtime_r(&t, &tm);
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(payload, sizeof(payload),
			 "{\"leg\":\"%s\",\"note\":\"cramp %02d\",\"time\":\"%s\"}",
			 i % 2 ? "left" : "right", i, iso);
		assert_int_equal(client_publish(f->client, f->command_topic, payload, false), 0);
	}
	/*
	 * The broker hands each report to every subscriber in one pass: once this
	 * client has the last one, the frozen daemon's socket has them all.
	 */
	snprintf(payload, sizeof(payload), "~\"note\":\"cramp %02d\"", n);
	assert_non_null(client_wait(f->client, f->command_topic, payload, 20000));
	usleep(300000);
	kill(f->broker.pid, SIGSTOP);
	kill(f->daemon.pid, SIGCONT);
	wait_rows(f, "delivered = 0", n);
	kill(f->broker.pid, SIGKILL);
	f->client = client_free(f->client);
	broker_stop(&f->broker);
}

static void test_twenty_cramps_while_the_broker_is_away_arrive_in_order(void **state)
{
	struct fixture *f = *state;
	char note[32];

	start(f);
	report_while_broker_away(f, 20);
	assert_int_equal(count_rows(f, "1"), 20);

	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(client_new(&f->broker, f->event_topic, &f->client), 0);
	for (int i = 1; i <= 20; i++) {
		snprintf(note, sizeof(note), "~\"note\":\"cramp %02d\"", i);
		if (!client_wait(f->client, f->event_topic, note, 30000))
			fail_msg("cramp %d did not arrive", i);
	}
	/* In order: dropping repeats by id (at-least-once), the i-th event is cramp i. */
	{
		const struct message *msgs;
		size_t n = client_messages(f->client, &msgs);
		char seen[21][160] = { { 0 } };
		int next = 1;

		for (size_t i = 0; i < n; i++) {
			const char *id = strstr(msgs[i].payload, "\"id\":\"");
			const char *text = strstr(msgs[i].payload, "\"note\":\"cramp ");
			bool repeat = false;
			int k;

			assert_non_null(id);
			assert_non_null(text);
			k = atoi(text + strlen("\"note\":\"cramp "));
			for (int j = 1; j < next; j++)
				repeat |= strncmp(seen[j], id, 60) == 0;
			if (repeat)
				continue;
			if (k != next)
				fail_msg("event %zu is cramp %d, wanted cramp %d", i, k, next);
			snprintf(seen[next++], sizeof(seen[0]), "%.60s", id);
		}
		assert_int_equal(next, 21);
	}
	wait_rows(f, "delivered = 1", 20);
}

static void test_sigkill_after_storing_delivers_after_restart(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char id[160] = "";
	sqlite3_stmt *st;
	sqlite3 *db;

	start(f);
	report_while_broker_away(f, 1);
	kill(f->daemon.pid, SIGKILL);
	assert_true(daemon_wait_exit(&f->daemon, 5000) >= 0);

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM cramps;", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(id, sizeof(id), "~\"id\":\"%s\"", (const char *) sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);

	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(client_new(&f->broker, "bedroomd/#", &f->client), 0);
	start(f);
	m = client_wait(f->client, f->event_topic, id, 15000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"note\":\"cramp 01\""));
	assert_false(m->retained);
	wait_rows(f, "delivered = 1", 1);
}

static void test_reports_are_checked_stored_and_counted(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char state_topic[128], *log;

	start(f);
	snprintf(state_topic, sizeof(state_topic), "%s/state", f->base);
	assert_non_null(client_wait(f->client, state_topic, "~\"cramps_7d\":0", 5000));

	/* Not a cramp report: a key it does not know (a thermometer's, say). */
	client_publish(f->client, f->command_topic, "{\"leg\":\"left\",\"temperature\":19}", false);
	client_publish(f->client, f->command_topic, "not json", false);
	client_publish(f->client, f->command_topic,
		       "{\"leg\":\"right\",\"site\":\"calf\",\"source\":\"home_assistant\"}",
		       false);
	m = client_wait(f->client, f->event_topic, "~\"leg\":\"right\"", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"site\":\"calf\""));
	assert_non_null(strstr(m->payload, "\"source\":\"home_assistant\""));
	assert_non_null(strstr(m->payload, "\"cramps_7d\":1"));
	assert_non_null(strstr(m->payload, "\"context\":{"));
	assert_non_null(strstr(m->payload, "\"time\":\"20"));
	assert_non_null(client_wait(f->client, state_topic, "~\"cramps_7d\":1", 5000));
	wait_rows(f, "delivered = 1 AND leg = 'right' AND site = 'calf'", 1);
	assert_int_equal(count_rows(f, "1"), 1); /* the two bad ones stored nothing */
	log = daemon_stderr(&f->daemon);
	assert_non_null(strstr(log, "ignoring a cramp report"));
	assert_non_null(strstr(log, "unknown key 'temperature' (not leg, site"));
	free(log);
}

/*
 * A store that cannot be opened (written by a newer bedroomd): the count of
 * the last 7 days is not known, and the state says so (null: Home Assistant
 * shows unknown, not a 0 it would keep); the last cramp is this run's once
 * there is one. The cramp's own event says null too: a phone's notification
 * would say "1 cramp this week" of a week it knows nothing of.
 */
static void test_without_a_store_the_count_is_unknown(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char cmd[300], state_topic[128];
	sqlite3 *s = NULL;

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", f->daemon.state_dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sqlite3_open(f->db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "PRAGMA user_version = 99;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	start(f);
	snprintf(state_topic, sizeof(state_topic), "%s/state", f->base);
	assert_non_null(client_wait(f->client, state_topic, "~\"status\":\"failed\"", 10000));
	assert_non_null(client_wait(f->client, state_topic, "~\"cramps_7d\":null", 5000));
	assert_non_null(client_wait(f->client, state_topic, "~\"last_cramp\":null", 5000));
	assert_null(client_wait(f->client, state_topic, "~\"cramps_7d\":0", 0));

	client_clear(f->client);
	client_publish(f->client, f->command_topic, "{\"leg\":\"left\"}", false);
	m = client_wait(f->client, f->event_topic, "~\"leg\":\"left\"", 10000);
	assert_non_null(m);
	if (!strstr(m->payload, "\"cramps_7d\":null"))
		fail_msg("the cramp's event says a count it does not know: %s", m->payload);
	assert_non_null(client_wait(f->client, state_topic, "~\"last_cramp\":\"20", 5000));
	assert_null(client_wait(f->client, state_topic, "~\"cramps_7d\":1", 0));
	assert_null(client_wait(f->client, state_topic, "~\"cramps_7d\":0", 0));
}

static void test_corrupt_store_is_moved_aside_and_logging_goes_on(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char junk[4096], pattern[300];
	glob_t g = { 0 };
	FILE *file;

	snprintf(pattern, sizeof(pattern), "mkdir -p '%s'", f->daemon.state_dir);
	assert_int_equal(system(pattern), 0);
	file = fopen(f->db, "we");
	assert_non_null(file);
	memset(junk, 'x', sizeof(junk));
	fwrite(junk, 1, sizeof(junk), file);
	fclose(file);

	start(f);
	snprintf(pattern, sizeof(pattern), "%s/event/alert", f->base);
	/* A notice that says where the old one is kept, not a failure raised and cleared. */
	m = client_wait(f->client, pattern, "~\"kind\":\"store_replaced\"", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"state\":\"notice\""));
	assert_non_null(strstr(m->payload, "bedroomd.db.corrupt-"));
	assert_null(client_wait(f->client, pattern, "~\"kind\":\"store_failed\"", 1000));
	snprintf(pattern, sizeof(pattern), "%s/bedroomd.db.corrupt-*", f->daemon.state_dir);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	globfree(&g);

	client_publish(f->client, f->command_topic, "{\"leg\":\"left\"}", false);
	assert_non_null(client_wait(f->client, f->event_topic, "~\"leg\":\"left\"", 10000));
	wait_rows(f, "delivered = 1", 1);
}

/* Overwrites the page of the store's table @table with junk: a file that still opens. */
static void damage_table(struct fixture *f, const char *table)
{
	char sql[128], junk[4096];
	sqlite3_stmt *st;
	sqlite3 *db;
	long long page;
	int page_size;
	FILE *file;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL),
			 SQLITE_OK);
	snprintf(sql, sizeof(sql), "SELECT rootpage FROM sqlite_master WHERE name = '%s';", table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	page = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA page_size;", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	page_size = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(page > 1 && page_size == (int) sizeof(junk));
	memset(junk, 0x5a, sizeof(junk));
	file = fopen(f->db, "r+e");
	assert_non_null(file);
	assert_int_equal(fseek(file, (long) ((page - 1) * page_size), SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof(junk), file), sizeof(junk));
	assert_int_equal(fclose(file), 0);
}

/*
 * A store damaged in the middle (the cramps' page overwritten) still opens, and
 * every cramp written to it failed, at each start again, until a stop lost
 * them. The damage is now found (when a write fails, and a little after each
 * start): the file is moved aside with a notice and the cramp kept in memory
 * goes to the new one.
 */
static void test_store_damaged_mid_file_is_replaced(void **state)
{
	struct fixture *f = *state;
	char pattern[300];
	glob_t g = { 0 };

	start(f);
	client_publish(f->client, f->command_topic, "{\"leg\":\"left\"}", false);
	wait_rows(f, "delivered = 1", 1);
	assert_int_equal(kill(f->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	damage_table(f, "cramps");

	start(f);
	client_publish(f->client, f->command_topic, "{\"leg\":\"right\"}", false);
	assert_non_null(client_wait(f->client, f->event_topic, "~\"leg\":\"right\"", 10000));
	snprintf(pattern, sizeof(pattern), "%s/event/alert", f->base);
	assert_non_null(client_wait(f->client, pattern, "~\"kind\":\"store_replaced\"", 45000));
	assert_int_equal(daemon_wait_log(&f->daemon, "is damaged (SQLite's quick_check", 1000), 0);
	snprintf(pattern, sizeof(pattern), "%s/bedroomd.db.corrupt-*", f->daemon.state_dir);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	globfree(&g);
	/* The cramp held in memory is in the new store. */
	wait_rows(f, "leg = 'right'", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_twenty_cramps_while_the_broker_is_away_arrive_in_order, cramp_setup,
		    cramp_teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_after_storing_delivers_after_restart,
						cramp_setup, cramp_teardown),
		cmocka_unit_test_setup_teardown(test_without_a_store_the_count_is_unknown,
						cramp_setup, cramp_teardown),
		cmocka_unit_test_setup_teardown(test_reports_are_checked_stored_and_counted,
						cramp_setup, cramp_teardown),
		cmocka_unit_test_setup_teardown(
		    test_corrupt_store_is_moved_aside_and_logging_goes_on, cramp_setup,
		    cramp_teardown),
		cmocka_unit_test_setup_teardown(test_store_damaged_mid_file_is_replaced,
						cramp_setup, cramp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
