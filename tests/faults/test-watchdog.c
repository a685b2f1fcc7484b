/*
 * The watchdog. The test is the service manager: it sets WATCHDOG_USEC (2 s,
 * as WatchdogSec=2s would) and WATCHDOG_PID in the daemon's environment and
 * reads its NOTIFY_SOCKET.
 *
 * "Alive", the condition for feeding it, is: the event loop turns. That is
 * what a restart can mend. A broker that is away, a sensor whose read hangs
 * and a store that is locked or full are faults outside the process: the
 * daemon reports them (availability, alerts, STATUS=) and fails safe, and a
 * restart would mend none of them but would lose the cramps it holds in
 * memory and, under Restart=on-failure, end in a restart loop that stops the
 * service. None of them may stop the loop either: a sysfs read runs in a
 * child with a timeout, the store waits at most 200 ms for a lock, MQTT is
 * non-blocking. So the test checks exactly that: WATCHDOG=1 keeps coming
 * while the broker is away, the sensor's read hangs and the store is locked;
 * it stops while the process is stopped (SIGSTOP longer than WatchdogSec),
 * and the manager's SIGABRT then ends it; the next start is clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/faults/rig.h"

#define WATCHDOG_MS 2000

static const char *const env[] = { "WATCHDOG_USEC=2000000", "WATCHDOG_PID=@PID@", NULL };

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));

	*state = r;
	return r ? rig_setup(r, "dog", NULL, NULL, NULL) : -1;
}

static int teardown(void **state)
{
	rig_teardown(*state);
	free(*state);
	return 0;
}

/* Reads the notify socket for @ms: how many WATCHDOG=1 came, and the longest silence. */
static int watch(struct rig *r, int ms, long long *ret_longest_gap)
{
	long long start = now_ms(), last = start, end = start + ms, longest = 0;
	char buf[1024];
	int n = 0;

	while (now_ms() < end) {
		struct pollfd p = { .fd = r->daemon.notify_fd, .events = POLLIN };
		ssize_t len;

		(void) poll(&p, 1, 20);
		while ((len = recv(r->daemon.notify_fd, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[len] = '\0';
			if (!strstr(buf, "WATCHDOG=1"))
				continue;
			n++;
			longest = now_ms() - last > longest ? now_ms() - last : longest;
			last = now_ms();
		}
	}
	longest = end - last > longest ? end - last : longest;
	*ret_longest_gap = longest;
	return n;
}

static void start(struct rig *r)
{
	assert_int_equal(daemon_start_env(&r->daemon, env), 0);
	assert_int_equal(daemon_wait_notify(&r->daemon, "READY=1", 10000), 0);
	assert_non_null(client_wait(r->client, rig_topic(r, "availability"), "online", 10000));
}

static void fed(struct rig *r, const char *while_what)
{
	long long gap;
	int n = watch(r, 3000, &gap);

	printf("# %s: %d WATCHDOG=1 in 3 s, longest silence %lld ms\n", while_what, n, gap);
	if (n < 2 || gap >= WATCHDOG_MS)
		fail_msg("%s: the watchdog was not fed (%d in 3 s, silent for %lld ms)", while_what,
			 n, gap);
}

static void test_watchdog(void **state)
{
	struct rig *r = *state;
	char w1[300], payload[160];
	long long gap;
	sqlite3 *db;
	int status, n;

	assert_int_equal(rig_start_plug(r), 0);
	start(r);
	fed(r, "running");

	/* The sensor's read hangs: w1_slave becomes a FIFO nobody writes. */
	snprintf(w1, sizeof(w1), "%s/devices/w1_bus_master1/28-0316a2795eff/w1_slave", r->sysfs);
	assert_int_equal(unlink(w1), 0);
	assert_int_equal(mkfifo(w1, 0600), 0);
	/* The store is locked by another writer while a cramp is reported. */
	assert_int_equal(sqlite3_open(r->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE;", NULL, NULL, NULL), SQLITE_OK);
	snprintf(payload, sizeof(payload), "{\"leg\":\"left\",\"note\":\"locked\"}");
	assert_int_equal(client_publish_acked(r->client, rig_topic(r, "cramp"), payload, 5000), 0);
	fed(r, "sensor read hanging, store locked");
	assert_int_equal(sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* ... and the broker away. */
	r->client = client_free(r->client);
	broker_stop(&r->broker);
	fed(r, "sensor read hanging, broker away");
	assert_int_equal(daemon_wait_log(&r->daemon, "keeping cramps in memory", 1000), 0);

	/* The loop stalls for longer than WatchdogSec: no more WATCHDOG=1. */
	kill(r->daemon.pid, SIGSTOP);
	n = watch(r, WATCHDOG_MS + 1000, &gap);
	printf("# stopped: %d WATCHDOG=1 in %d ms\n", n, WATCHDOG_MS + 1000);
	assert_int_equal(n, 0);
	assert_true(gap > WATCHDOG_MS);
	/* The manager acts as systemd does (WatchdogSignal=SIGABRT); it ends the daemon. */
	kill(r->daemon.pid, SIGABRT);
	kill(r->daemon.pid, SIGCONT);
	status = daemon_wait_exit(&r->daemon, 10000);
	assert_true(status >= 0);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);

	/* Restart=on-failure: it comes back, fed, with the store intact. */
	assert_int_equal(broker_restart(&r->broker), 0);
	assert_int_equal(client_new(&r->broker, "#", &r->client), 0);
	assert_int_equal(rig_room(r, 16.0), 0);
	start(r);
	fed(r, "restarted");
	assert_int_equal(rig_integrity(r->db), 0);
	printf("faults: watchdog: fed while the broker was away, a sensor read hung and the store "
	       "was locked; silent for %lld ms while stopped (WatchdogSec 2 s), SIGABRT, back\n",
	       gap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_watchdog, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
