/*
 * The store on a full filesystem. The test mounts a 2 MiB tmpfs as the
 * daemon's state directory (it must run as root, as CI does; without root it
 * fails and says so: it never skips) and fills it. Then: heating goes on,
 * store_failed is raised, the cramp reported meanwhile is delivered from
 * memory; once space returns it is written to the store, store_failed is
 * cleared, and nothing was lost or sent twice under two ids. One full disk is
 * one alert: the reminders, none configured, raise none of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/faults/rig.h"

/*
 * The manager offers the store what waits every 10 s (STORE_FLUSH_USEC in
 * daemon/manager.c): the disk stays full this long after the alert, so one
 * such flush meets it full.
 */
#define FLUSH_WAIT_MS 13000

struct fixture {
	struct rig rig;
	struct client *alerts; /* <base>/event/alert, never cleared */
	char filler[200];
	bool mounted;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return f ? rig_setup(&f->rig, "disk", NULL, NULL, NULL) : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	f->alerts = client_free(f->alerts);
	/* The daemon goes first: then nothing holds the mount. */
	process_stop(&f->rig.daemon.pid);
	if (f->mounted && umount2(f->rig.daemon.state_dir, MNT_DETACH) < 0)
		fprintf(stderr, "# cannot unmount '%s': %s\n", f->rig.daemon.state_dir,
			strerror(errno));
	rig_teardown(&f->rig);
	free(f);
	return 0;
}

/*
 * A small filesystem of our own (2 MiB) for the state directory, and the
 * filler's path in it. Root only: without it the test fails and says so.
 */
static void mount_small(struct fixture *f)
{
	struct rig *r = &f->rig;

	if (geteuid() != 0)
		fail_msg("this test mounts a tmpfs and must run as root (CI does); it does not "
			 "skip");
	assert_int_equal(mkdir(r->daemon.state_dir, 0700), 0);
	if (mount("tmpfs", r->daemon.state_dir, "tmpfs", MS_NOSUID | MS_NODEV,
		  "size=2m,mode=0700") < 0)
		fail_msg("cannot mount a tmpfs on '%s': %s", r->daemon.state_dir, strerror(errno));
	f->mounted = true;
	snprintf(f->filler, sizeof(f->filler), "%s/filler", r->daemon.state_dir);
}

/* Fills the filesystem of @path until it is full. Returns the bytes written. */
static long long fill(const char *path)
{
	static char block[4096];
	long long total = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	assert_true(fd >= 0);
	memset(block, 0x5a, sizeof(block));
	while ((n = write(fd, block, sizeof(block))) > 0)
		total += n;
	/* The last partial pages too. */
	while (write(fd, block, 1) == 1)
		total++;
	assert_int_equal(errno, ENOSPC);
	close(fd);
	return total;
}

/* Waits for an alert event of @kind in @state ("raised", "cleared"). */
static bool wait_alert(struct rig *r, const char *kind, const char *state, int timeout_ms)
{
	char topic[128], k[64], s[64];
	long long end = now_ms() + timeout_ms;

	snprintf(topic, sizeof(topic), "%s", rig_topic(r, "event/alert"));
	snprintf(k, sizeof(k), "\"kind\":\"%s\"", kind);
	snprintf(s, sizeof(s), "\"state\":\"%s\"", state);
	do {
		const struct message *msgs;
		size_t n = client_messages(r->client, &msgs);

		for (size_t i = 0; i < n; i++)
			if (strcmp(msgs[i].topic, topic) == 0 && strstr(msgs[i].payload, k) &&
			    strstr(msgs[i].payload, s))
				return true;
		rig_drain(r->client, 50);
	} while (now_ms() < end);
	return false;
}

/* How many messages @c heard on @topic with both @a and @b in them. */
static int count_with(struct client *c, const char *topic, const char *a, const char *b)
{
	const struct message *msgs;
	size_t n = client_messages(c, &msgs);
	int count = 0;

	for (size_t i = 0; i < n; i++)
		count += strcmp(msgs[i].topic, topic) == 0 && strstr(msgs[i].payload, a) &&
			 strstr(msgs[i].payload, b);
	return count;
}

/* A cramp @hours_ago (each its own, not one cramp reported twice), delivered. */
static void report(struct rig *r, const char *note, int hours_ago)
{
	time_t t = time(NULL) - (time_t) hours_ago * 3600;
	char payload[160], iso[40];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(payload, sizeof(payload), "{\"leg\":\"right\",\"note\":\"%s\",\"time\":\"%s\"}",
		 note, iso);
	assert_int_equal(client_publish_acked(r->client, rig_topic(r, "cramp"), payload, 5000), 0);
	snprintf(payload, sizeof(payload), "~\"note\":\"%s\"", note);
	assert_non_null(client_wait(r->client, rig_topic(r, "event/cramp"), payload, 10000));
}

static void test_store_on_a_full_filesystem(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;
	struct rig_events seen = { 0 };
	long long filled, held_ms, full_ms, t;
	int readings;

	mount_small(f);
	assert_int_equal(rig_room(r, 15.0), 0);
	assert_int_equal(rig_start_plug(r), 0);
	assert_int_equal(rig_start(r), 0);
	assert_non_null(client_wait(r->client, rig_plug_on_topic(r), "~Power ON", 20000));
	report(r, "before", 3);
	assert_int_equal(rig_wait_rows(r->db, "cramps", "delivered = 1", 1, 5000), 1);

	assert_int_equal(client_new(&r->broker, rig_topic(r, "event/alert"), &f->alerts), 0);
	filled = fill(f->filler);
	printf("# filled the state directory's 2 MiB tmpfs with %lld more bytes\n", filled);
	rig_events_take(&seen, r->client, r->base);
	client_clear(r->client);
	report(r, "while full", 2); /* delivered from memory */
	assert_true(wait_alert(r, "store_failed", "raised", 10000));
	full_ms = now_ms();
	/* A floor set meanwhile holds, and is kept once the store works (it used to be lost). */
	assert_int_equal(client_publish(r->client, rig_topic(r, "set/floor"), "20.5", false), 0);
	assert_int_equal(rig_wait_log_after(r, "not kept in the store yet", 0, 10000), 0);
	/* A reload meanwhile keeps it too (the new heating read the store's older one). */
	rig_events_take(&seen, r->client, r->base);
	client_clear(r->client);
	assert_int_equal(kill(r->daemon.pid, SIGHUP), 0);
	assert_int_equal(rig_wait_log_after(r, "reloaded '", 0, 10000), 0);
	assert_non_null(client_wait(r->client, rig_topic(r, "state"), "~\"floor\":20.5", 10000));
	assert_int_equal(store_count_rows(r->db, "cramps", "note = 'while full'"), 0);
	/* The state says so too (it said "ok": the file was open). */
	assert_non_null(
	    client_wait(r->client, rig_topic(r, "state"), "~\"status\":\"failing\"", 10000));

	/*
	 * Heating goes on: the room warms, the heater goes off; it cools, on again.
	 * Above the unlearned band's top at any hour: at night the floor is the
	 * 20.5 °C set above, and the band heats on to about 22 °C.
	 */
	readings = rig_log_count(r, "heating: room 24.000");
	assert_int_equal(rig_room(r, 24.0), 0);
	assert_int_equal(rig_wait_log_after(r, "heating: room 24.000", readings, 10000), 0);
	assert_non_null(client_wait(r->client, rig_plug_off_topic(r), "OFF", 10000));
	assert_int_equal(rig_room(r, 15.0), 0);
	rig_events_take(&seen, r->client, r->base);
	client_clear(r->client);
	assert_non_null(client_wait(r->client, rig_plug_on_topic(r), "~Power ON", 10000));

	/* Still full when the manager's flush offers the store what waits. */
	while (now_ms() < full_ms + FLUSH_WAIT_MS) {
		rig_drain(r->client, 100);
		rig_drain(f->alerts, 100);
	}

	/* Space returns: what was held is written, the alert clears. */
	assert_int_equal(unlink(f->filler), 0);
	t = now_ms();
	assert_true(wait_alert(r, "store_failed", "cleared", 60000));
	assert_int_equal(
	    rig_wait_rows(r->db, "cramps", "note = 'while full' AND delivered = 1", 1, 5000), 1);
	held_ms = now_ms() - t;
	assert_int_equal(
	    rig_wait_rows(r->db, "settings", "key = 'floor' AND value = '20.5'", 1, 15000), 1);
	report(r, "after", 1);
	assert_int_equal(rig_wait_rows(r->db, "cramps", "delivered = 1", 3, 5000), 3);
	assert_int_equal(rig_integrity(r->db), 0);
	rig_drain(r->client, 300);
	rig_events_take(&seen, r->client, r->base);
	assert_true(rig_events_check(&seen, r->db) >= 0);
	rig_events_clear(&seen);
	/*
	 * The store's alert, once. The reminders raised a second one: the flush
	 * wrote the fresh state of foot_soak and stretch, which exist unconfigured.
	 */
	rig_drain(f->alerts, 300);
	assert_int_equal(
	    count_with(f->alerts, rig_topic(r, "event/alert"), "\"source\":\"reminders\"", ""), 0);
	assert_int_equal(count_with(f->alerts, rig_topic(r, "event/alert"),
				    "\"kind\":\"store_failed\"", "\"state\":\"raised\""),
			 1);
	printf("faults: full-disk: a 2 MiB tmpfs filled: heating went on, store_failed raised, "
	       "the cramp delivered from memory; written %lld ms after space returned, 0 lost\n",
	       held_ms);
}

/* Makes the cramp noted @note undelivered in @db, as a broker away when it came leaves it. */
static void set_undelivered(const char *db, const char *note)
{
	sqlite3 *h = NULL;
	char sql[160];

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	snprintf(sql, sizeof(sql), "UPDATE cramps SET delivered = 0 WHERE note = '%s';", note);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(h), 1);
	sqlite3_close(h);
}

/*
 * A cramp the store holds undelivered goes out while the disk is full: the
 * broker acknowledges it and the store cannot mark it delivered. It is sent
 * once, not again at each acknowledgement (a review: 20 000 copies in 3 s and
 * as many journal lines, on the disk that was already full), and marked once
 * space returns.
 */
/*
 * A stop while the disk is still full loses the cramps held in memory (they
 * reached the broker, not the store): the journal names each, with the
 * command that enters it again, not only their count (a user trial).
 */
static void test_a_stop_on_a_full_disk_names_each_lost_cramp(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;

	mount_small(f);
	assert_int_equal(rig_room(r, 15.0), 0);
	assert_int_equal(rig_start(r), 0);
	(void) fill(f->filler);
	report(r, "first", 3);
	report(r, "it's the second", 2);
	assert_int_equal(rig_wait_log_after(r, "keeping cramps in memory", 0, 10000), 0);
	assert_int_equal(kill(r->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&r->daemon, 15000) >= 0);
	assert_int_equal(
	    rig_log_count(r, "2 cramps could not be written to the store and are lost"), 1);
	assert_int_equal(rig_log_count(r, "cramp log: lost: the cramp at "), 2);
	assert_int_equal(rig_log_count(r, ", which the broker had (logged again, it comes with a "
					  "new id); to log it again once the store works: "
					  "bedroomctl cramp --at '"),
			 2);
	assert_int_equal(rig_log_count(r, "' --leg 'right' --note 'first'\n"), 1);
	assert_int_equal(rig_log_count(r, "' --leg 'right' --note 'it'\\''s the second'\n"), 1);
}

static void test_a_delivery_the_full_store_cannot_mark_is_not_repeated(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;
	int copies;

	mount_small(f);
	assert_int_equal(rig_room(r, 15.0), 0);
	assert_int_equal(rig_start_plug(r), 0);
	assert_int_equal(rig_start(r), 0);
	report(r, "waiting", 3);
	assert_int_equal(rig_wait_rows(r->db, "cramps", "delivered = 1", 1, 5000), 1);
	set_undelivered(r->db, "waiting");
	(void) fill(f->filler);
	client_clear(r->client);
	/* A new cramp sets the outbox going: the one that waited goes out with it. */
	report(r, "while full", 2);
	rig_drain(r->client, 3000);
	copies = count_with(r->client, rig_topic(r, "event/cramp"), "\"note\":\"waiting\"", "");
	printf("# the waiting cramp went out %d time(s) in 3 s while the store could not mark it\n",
	       copies);
	assert_int_equal(copies, 1);
	assert_int_equal(rig_log_count(r, "warning: cramp log: cannot mark '"), 1);

	/* Space returns: the manager's flush marks it; nothing is sent again. */
	assert_int_equal(unlink(f->filler), 0);
	assert_int_equal(
	    rig_wait_rows(r->db, "cramps", "note = 'waiting' AND delivered = 1", 1, 30000), 1);
	rig_drain(r->client, 500);
	assert_int_equal(
	    count_with(r->client, rig_topic(r, "event/cramp"), "\"note\":\"waiting\"", ""), 1);
	assert_int_equal(rig_wait_log_after(r, "the broker had are marked delivered now", 0, 5000),
			 0);
}

/* Puts a reminder event into the store's outbox of @db, as one the broker never took. */
static void outbox_add(const char *db, const char *payload)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	assert_int_equal(sqlite3_prepare_v2(h,
					    "INSERT INTO reminder_outbox (run_id, payload, time) "
					    "VALUES ('test-outbox', ?1, strftime('%s', 'now'));",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, payload, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/*
 * The same for the reminders: an event in the store's outbox goes out once the
 * broker is back, while the disk is full; the store cannot take it out after
 * the broker's acknowledgement, and it is sent once, not again and again.
 */
static void test_a_reminder_event_the_full_store_cannot_remove_is_not_repeated(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;
	const char *payload = "{\"id\":\"test-outbox-1\",\"state\":\"due\"}";
	int copies;

	mount_small(f);
	assert_int_equal(rig_room(r, 15.0), 0);
	assert_int_equal(rig_start_plug(r), 0);
	assert_int_equal(rig_start(r), 0);

	/* The broker goes; an event waits in the outbox; the disk fills; the broker returns. */
	r->client = client_free(r->client);
	broker_stop(&r->broker);
	outbox_add(r->db, payload);
	(void) fill(f->filler);
	assert_int_equal(broker_restart(&r->broker), 0);
	assert_int_equal(client_new(&r->broker, "#", &r->client), 0);
	assert_non_null(
	    client_wait(r->client, rig_topic(r, "event/reminder"), "~test-outbox-1", 30000));
	rig_drain(r->client, 3000);
	copies = count_with(r->client, rig_topic(r, "event/reminder"), "test-outbox-1", "");
	printf("# the waiting reminder event went out %d time(s) in 3 s while the store could "
	       "not take it out\n",
	       copies);
	assert_int_equal(copies, 1);
	assert_int_equal(rig_log_count(r, "warning: reminders: cannot take an event the broker "
					  "has out of the outbox"),
			 1);
	assert_int_equal(unlink(f->filler), 0);
}

/*
 * A state directory on a read-only filesystem: the store's error and alert say
 * so (SQLite's read-only fallback used to make it "No such file or
 * directory"), the cramp is still delivered from memory, and heating goes on.
 */
static void test_store_on_a_read_only_filesystem(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;

	if (geteuid() != 0)
		fail_msg("this test mounts a tmpfs and must run as root (CI does); it does not "
			 "skip");
	assert_int_equal(mkdir(r->daemon.state_dir, 0700), 0);
	if (mount("tmpfs", r->daemon.state_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY,
		  "size=1m,mode=0700") < 0)
		fail_msg("cannot mount a tmpfs on '%s': %s", r->daemon.state_dir, strerror(errno));
	f->mounted = true;
	assert_int_equal(rig_room(r, 15.0), 0);
	assert_int_equal(rig_start_plug(r), 0);
	assert_int_equal(rig_start(r), 0);
	assert_int_equal(rig_wait_log_after(r,
					    "/bedroomd.db', trying again every minute: "
					    "Read-only file system",
					    0, 10000),
			 0);
	assert_non_null(client_wait(r->client, rig_topic(r, "event/alert"),
				    "~cannot be opened (Read-only file system)", 10000));
	assert_non_null(client_wait(r->client, rig_plug_on_topic(r), "~Power ON", 20000));
	report(r, "read-only", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_on_a_full_filesystem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_stop_on_a_full_disk_names_each_lost_cramp,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_delivery_the_full_store_cannot_mark_is_not_repeated, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_reminder_event_the_full_store_cannot_remove_is_not_repeated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_on_a_read_only_filesystem, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
