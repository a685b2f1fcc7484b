/*
 * A damaged store holds cramps the broker does not have yet (it was away all
 * night), and the history before them: moving the file aside must take
 * neither with it (the report and the 7-day count read the history). The real
 * bedroomd, a real mosquitto and a real SQLite file: a store with an
 * undelivered cramp and a page of another table overwritten (the room
 * temperatures': the file opens, and the check 30 s after the start finds the
 * damage) is replaced while the broker is away; the cramp is copied to the
 * new store and reaches the broker once it is back, and the delivered cramp,
 * the advisory, the reminder record and the relay's time before it are copied too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <glob.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/integration/cramp-log-fixture.h"

#define SEED_ID    "seed-cramp-1"
#define HISTORY_ID "seed-cramp-0"

/*
 * The history before that night: a cramp the broker has, an advisory, a
 * reminder record and when a heater's relay was last told on.
 */
static void seed_history(struct store *s, int64_t now)
{
	char id[] = HISTORY_ID, leg[] = "right", source[] = "button", kind[] = "cramp_frequency",
	     message[] = "seeded advisory", run[] = "soak-run-1", reminder[] = "soak",
	     record[] = "done";
	struct store_cramp c = {
		.id = id,
		.time = now - 2 * 86400,
		.recorded = now - 2 * 86400,
		.leg = leg,
		.source = source,
		.room_c = NAN,
		.min_room_c = NAN,
		.in_bed = -1,
		.heater_on = -1,
		.heater_duty_1h = NAN,
		.soak_done = -1,
		.count_7d = 1,
		.delivered = true,
	};
	struct store_advisory a = {
		.kind = kind,
		.time = now - 2 * 86400,
		.message = message,
		.count = 1,
	};
	struct store_reminder_record r = {
		.run_id = run,
		.reminder = reminder,
		.record = record,
		.time = now - 86400,
		.slot = now - 86400,
	};

	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_advisory_add(s, "seed-advisory-1", &a), 0);
	assert_int_equal(store_reminder_commit(s, NULL, &r, 1, NULL, 0), 0);
	assert_int_equal(store_relay_switched(s, "seed-heater", true, (now - 600) * 1000000), 0);
}

/*
 * A store as bedroomd leaves it after a night without the broker: one cramp
 * not delivered, after the history.
 */
static void seed(struct fixture *f)
{
	char id[] = SEED_ID, leg[] = "left", site[] = "calf", source[] = "button",
	     note[] = "kept across the damage";
	int64_t now = (int64_t) time(NULL);
	struct store_cramp c = {
		.id = id,
		.time = now - 3600,
		.tz_offset_s = 3600,
		.recorded = now - 3600,
		.leg = leg,
		.site = site,
		.source = source,
		.note = note,
		.room_c = 17.25,
		.min_room_c = NAN,
		.in_bed = 1,
		.heater_on = -1,
		.heater_duty_1h = NAN,
		.soak_done = -1,
		.count_7d = 1,
	};
	struct store_setting settings[] = { { "floor", "20.5" }, { "floor_file", "18.0" } };
	struct store *s;

	assert_int_equal(store_open(f->daemon.state_dir, &s), 0);
	seed_history(s, now);
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_settings_set_many(s, settings, 2), 0);
	store_close(s);
}

/* Overwrites the first page of the store's table @table with junk: a file that still opens. */
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

static void test_undelivered_cramp_of_a_damaged_store_reaches_the_broker(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char pattern[300];
	glob_t g = { 0 };

	seed(f);
	damage_table(f, "room_temperature");
	/* The broker is away: the cramp cannot go out before the damage is found. */
	f->client = client_free(f->client);
	broker_stop(&f->broker);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "READY=1", 10000), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "is corrupt: moved aside", 45000), 0);
	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(client_new(&f->broker, "bedroomd/#", &f->client), 0);
	/* The daemon's reconnect back-off has grown meanwhile (up to a minute). */
	m = client_wait(f->client, f->event_topic, "~\"id\":\"" SEED_ID "\"", 75000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"note\":\"kept across the damage\""));
	assert_non_null(strstr(m->payload, "\"leg\":\"left\""));
	wait_rows(f, "id = '" SEED_ID "' AND delivered = 1", 1);
	assert_int_equal(
	    daemon_wait_log(&f->daemon,
			    "salvaged 2 cramps (1 the broker did not have yet), 1 "
			    "advisory, 1 reminder record, 2 settings, 0 room temperatures "
			    "and 1 heater's relay times",
			    1000),
	    0);
	snprintf(pattern, sizeof(pattern), "%s/bedroomd.db.corrupt-*[0-9]", f->daemon.state_dir);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	globfree(&g);
	/* In the new store, with all it held, and delivered now. */
	assert_int_equal(count_rows(f, "id = '" SEED_ID "' AND delivered = 1 AND leg = 'left' AND "
				       "site = 'calf' AND note = 'kept across the damage' AND "
				       "in_bed = 1 AND room_c = 17.25"),
			 1);
	/* The history too: the delivered cramp as delivered (not sent again), and the rest. */
	assert_int_equal(count_rows(f, "id = '" HISTORY_ID "' AND delivered = 1 AND leg = 'right'"),
			 1);
	assert_int_equal(store_count_rows(f->db, "advisories",
					  "id = 'seed-advisory-1' AND message = 'seeded advisory'"),
			 1);
	assert_int_equal(
	    store_count_rows(f->db, "reminder_log", "run_id = 'soak-run-1' AND record = 'done'"),
	    1);
	assert_int_equal(
	    store_count_rows(f->db, "relays", "heater = 'seed-heater' AND last_on IS NOT NULL"), 1);

	/* The notice says the cramp was kept, not that earlier cramps are gone. */
	snprintf(pattern, sizeof(pattern), "%s/event/alert", f->base);
	m = client_wait(f->client, pattern, "~\"kind\":\"store_replaced\"", 5000);
	if (m)
		assert_non_null(strstr(m->payload, "2 cramps were copied to the new one; the 1 the "
						   "broker did not have yet is sent"));
}

/*
 * The broker is there all along: the cramp goes out at once, and is kept as
 * delivered in the new store (its history is not lost with the damaged file).
 */
static void test_salvage_with_the_broker_up_sends_and_keeps_it(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char pattern[300];

	seed(f);
	damage_table(f, "room_temperature");
	start(f);
	assert_non_null(client_wait(f->client, f->event_topic, "~\"id\":\"" SEED_ID "\"", 10000));
	assert_int_equal(daemon_wait_log(&f->daemon, "is corrupt: moved aside", 45000), 0);
	snprintf(pattern, sizeof(pattern), "%s/event/alert", f->base);
	m = client_wait(f->client, pattern, "~\"kind\":\"store_replaced\"", 5000);
	assert_non_null(m);
	/* Delivered before the damage was found: copied as delivered, nothing waits. */
	assert_int_equal(count_rows(f, "id = '" SEED_ID "' AND delivered = 1"), 1);
	assert_int_equal(count_rows(f, "id = '" HISTORY_ID "' AND delivered = 1"), 1);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "salvaged 2 cramps (0 the broker did not have yet)", 1000),
	    0);
	client_publish(f->client, f->command_topic, "{\"leg\":\"right\",\"note\":null}", false);
	assert_non_null(client_wait(f->client, f->event_topic, "~\"leg\":\"right\"", 10000));
	/* The new one, beside the salvaged history's right-leg cramp. */
	wait_rows(f, "leg = 'right' AND id != '" HISTORY_ID "' AND delivered = 1", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_undelivered_cramp_of_a_damaged_store_reaches_the_broker, cramp_setup,
		    cramp_teardown),
		cmocka_unit_test_setup_teardown(test_salvage_with_the_broker_up_sends_and_keeps_it,
						cramp_setup, cramp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
