/*
 * The store's disk failing under a running bedroomd (an SD card wearing out):
 * reads of the store's files fail with EIO (eio-preload.c, LD_PRELOAD) while
 * a marker file exists. The check after the start finds it and raises
 * store_io_error with what to do; after a restart on a disk that reads again
 * the check clears it. Heating and the MQTT side go on meanwhile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char alert_topic[96];
	char db[256];
	char marker[128];
	char preload[4200];
	char asan[4200];
	char eio_while[200];
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
	const char *preload = getenv("EIO_PRELOAD"), *asan = getenv("ASAN_OPTIONS");
	char text[1024];

	if (!f)
		return -1;
	*state = f;
	if (!preload) {
		fprintf(stderr, "EIO_PRELOAD is not set (run through ctest)\n");
		return -1;
	}
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/io%d", (int) getpid());
	snprintf(f->alert_topic, sizeof(f->alert_topic), "%s/event/alert", f->base);
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/bedroomd.db", f->daemon.state_dir);
	snprintf(f->marker, sizeof(f->marker), "%s/disk-fails", f->daemon.dir);
	snprintf(f->preload, sizeof(f->preload), "LD_PRELOAD=%s", preload);
	/* An ASan build: its runtime need not come first for this test's library. */
	snprintf(f->asan, sizeof(f->asan), "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
		 asan ? asan : "", asan && *asan ? ":" : "");
	snprintf(f->eio_while, sizeof(f->eio_while), "BEDROOMD_TEST_EIO_WHILE=%s", f->marker);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = io%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
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
	const char *env[] = { f->preload, f->asan, f->eio_while, NULL };
	char availability[128];

	snprintf(availability, sizeof(availability), "%s/availability", f->base);
	assert_int_equal(daemon_start_env(&f->daemon, env), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "READY=1", 10000), 0);
	assert_non_null(client_wait(f->client, availability, "online", 10000));
}

/* Another connection writes: the daemon's page cache is stale, its next check reads the disk. */
static void touch_store(struct fixture *f)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT OR REPLACE INTO settings (key, value) "
				      "VALUES ('io_error_test', '1');",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
}

static void set_disk_failing(struct fixture *f, bool failing)
{
	if (failing) {
		int fd = open(f->marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		assert_true(fd >= 0);
		close(fd);
	} else {
		assert_int_equal(unlink(f->marker), 0);
	}
}

static void test_read_errors_raise_store_io_error_and_a_good_disk_clears_it(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char *log;

	start(f);
	touch_store(f);
	set_disk_failing(f, true);
	/* The check runs 30 s after the store opens. */
	m = client_wait(f->client, f->alert_topic, "~\"kind\":\"store_io_error\"", 45000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"state\":\"raised\""));
	assert_non_null(strstr(m->payload, "the SD card may be failing"));
	log = daemon_stderr(&f->daemon);
	assert_non_null(strstr(log, "failed with an I/O error: the SD card or disk under it"));
	/* Not taken for damage: nothing moved aside. */
	assert_null(strstr(log, "is damaged (SQLite's quick_check"));
	assert_null(strstr(log, "moved aside"));
	free(log);
	/* Still up, still on the broker. */
	assert_int_equal(kill(f->daemon.pid, 0), 0);

	/* The card replaced, say: after a restart the check finds it good and clears it. */
	set_disk_failing(f, false);
	assert_int_equal(kill(f->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	client_clear(f->client);
	start(f);
	m = client_wait(f->client, f->alert_topic, "~\"state\":\"cleared\"", 45000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "store_io_error"));
	assert_non_null(strstr(m->payload, "reads without errors again"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_read_errors_raise_store_io_error_and_a_good_disk_clears_it, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
