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

#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char command_topic[96];
	char event_topic[96];
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
	char text[1024];

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/cr%d", (int) getpid());
	snprintf(f->command_topic, sizeof(f->command_topic), "%s/cramp", f->base);
	snprintf(f->event_topic, sizeof(f->event_topic), "%s/event/cramp", f->base);
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/bedroomd.db", f->daemon.state_dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = cr%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n",
		 (int) getpid(), f->broker.port);
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

/* Counts rows of the store, read-only beside the running daemon; -1 if it cannot. */
static int count_rows(struct fixture *f, const char *where)
{
	return store_count_rows(f->db, "cramps", where);
}

static void wait_rows(struct fixture *f, const char *where, int want)
{
	long long end = now_ms() + 15000;
	int n = -1;

	while (now_ms() < end && (n = count_rows(f, where)) != want)
		usleep(100000);
	if (n != want)
		fail_msg("store: %d rows where %s, wanted %d", n, where, want);
}

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
	assert_non_null(strstr(log, "unknown key or a value that is not a string"));
	free(log);
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

/* A report at @ago_s seconds before now, with @leg and @site. */
static void report_at(struct fixture *f, int64_t ago_s, const char *leg, const char *site)
{
	char payload[256], iso[40];
	time_t t = time(NULL) - (time_t) ago_s;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(payload, sizeof(payload), "{\"leg\":\"%s\",\"site\":\"%s\",\"time\":\"%s\"}", leg,
		 site, iso);
	assert_int_equal(client_publish(f->client, f->command_topic, payload, false), 0);
}

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

/* How many events on @topic so far carry @needle. */
static int count_events(struct fixture *f, const char *topic, const char *needle)
{
	const struct message *msgs;
	size_t n = client_messages(f->client, &msgs);
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += strcmp(msgs[i].topic, topic) == 0 && strstr(msgs[i].payload, needle) != NULL;
	return k;
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
		cmocka_unit_test_setup_teardown(
		    test_twenty_cramps_while_the_broker_is_away_arrive_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_after_storing_delivers_after_restart,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports_are_checked_stored_and_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
		    test_corrupt_store_is_moved_aside_and_logging_goes_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_damaged_mid_file_is_replaced, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_and_advisories_once_per_crossing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_remembered_cramp_gets_the_room_of_its_time,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_diary_typed_in_newest_first_fires_the_advisories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_with_detail_amends_the_cramp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retained_and_empty_reports_are_no_cramps,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_amendment_while_the_first_event_is_in_flight,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_detail_does_not_lose_the_cramp, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
