/*
 * The real bedroomd against a real mosquitto: readiness, availability and its
 * last will, clean stop, broker restarts, reloads and bad configs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>
#include <sys/stat.h>

#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char availability[96];
	struct daemon other[2]; /* more bedroomd on the same broker, by the state-dir tests */
	char dir_b[64];         /* a state directory for a reload to move to */
};

static void write_config(struct fixture *f, const char *node_id, const char *extra)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\nkeepalive = 5\n%s",
		 node_id, f->broker.port, extra ? extra : "");
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	/* The daemon's own words, for whoever reads a failed test's output. */
	for (size_t i = 0; i < 2; i++) {
		char *log = f->other[i].dir[0] ? daemon_stderr(&f->other[i]) : NULL;

		if (log && *log)
			fprintf(stderr, "# other bedroomd %zu stderr:\n%s", i, log);
		free(log);
		daemon_destroy(&f->other[i]);
	}
	harness_teardown(f->client, &f->daemon, &f->broker);
	remove_tree(f->dir_b);
	free(f);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	f->other[0].notify_fd = -1;
	f->other[1].notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/t%d", (int) getpid());
	snprintf(f->availability, sizeof(f->availability), "%s/availability", f->base);
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

static void start_daemon(struct fixture *f)
{
	char node[32];

	snprintf(node, sizeof(node), "t%d", (int) getpid());
	write_config(f, node, NULL);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "READY=1", 10000), 0);
	assert_non_null(client_wait(f->client, f->availability, "online", 10000));
}

static void test_ready_online_retained_and_state(void **state)
{
	struct fixture *f = *state;
	struct client *late = NULL;
	char state_topic[128];
	const struct message *m;

	start_daemon(f);
	snprintf(state_topic, sizeof(state_topic), "%s/state", f->base);
	m = client_wait(f->client, state_topic, NULL, 5000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"node_id\":\"t"));
	assert_non_null(strstr(m->payload, "\"schema_version\":"));

	/* A client that comes later still learns both: they are retained. */
	assert_int_equal(client_new(&f->broker, "bedroomd/#", &late), 0);
	m = client_wait(late, f->availability, "online", 2000);
	assert_non_null(m);
	assert_true(m->retained);
	m = client_wait(late, state_topic, NULL, 2000);
	assert_non_null(m);
	assert_true(m->retained);
	client_free(late);
	assert_int_equal(daemon_wait_notify(&f->daemon, "STATUS=Connected", 5000), 0);
}

static void test_sigterm_publishes_offline_and_exits_zero(void **state)
{
	struct fixture *f = *state;
	int status;

	start_daemon(f);
	client_clear(f->client);
	kill(f->daemon.pid, SIGTERM);
	status = daemon_wait_exit(&f->daemon, 10000);
	assert_true(status >= 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(client_wait(f->client, f->availability, "offline", 5000));
	assert_int_equal(daemon_wait_notify(&f->daemon, "STOPPING=1", 1000), 0);
}

static void test_sigkill_leaves_the_last_will(void **state)
{
	struct fixture *f = *state;

	start_daemon(f);
	client_clear(f->client);
	kill(f->daemon.pid, SIGKILL);
	assert_true(daemon_wait_exit(&f->daemon, 5000) >= 0);
	assert_non_null(client_wait(f->client, f->availability, "offline", 10000));
}

static void test_broker_restart_brings_it_back_online(void **state)
{
	struct fixture *f = *state;
	long long t0;

	start_daemon(f);
	f->client = client_free(f->client);
	broker_stop(&f->broker);
	sleep(3); /* a few failed attempts: the back-off grows */
	assert_int_equal(broker_restart(&f->broker), 0);
	t0 = now_ms();
	assert_int_equal(client_new(&f->broker, "bedroomd/#", &f->client), 0);
	/* Failed attempts so far are at most 1-2 s, 2-4 s apart: back within 8 s. */
	assert_non_null(client_wait(f->client, f->availability, "online", 15000));
	fprintf(stderr, "# back online %lld ms after the broker returned\n", now_ms() - t0);
	assert_true(now_ms() - t0 < 15000);
	assert_int_equal(kill(f->daemon.pid, 0), 0);
}

/*
 * A second bedroomd on the same state directory refuses, naming the first; the
 * first goes on. Exit 78 (a configuration problem): systemd's
 * RestartPreventExitStatus=78 then does not start it again every 5 s for ever.
 */
static void test_second_daemon_on_the_same_state_dir_refuses(void **state)
{
	struct fixture *f = *state;
	const char *args[] = { "--config", f->daemon.config_path, NULL };
	char want[64], *out = NULL;

	start_daemon(f);
	client_clear(f->client);
	assert_int_equal(run_bedroomd(args, &out), 78);
	snprintf(want, sizeof(want), "another bedroomd (PID %d)", (int) f->daemon.pid);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, f->daemon.state_dir));
	free(out);
	/* It never connected: the first keeps its connection, and says nothing new. */
	assert_null(client_wait(f->client, f->availability, NULL, 1500));
	assert_int_equal(kill(f->daemon.pid, 0), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "STATUS=Connected", 1000), 0);
}

/* The config of the daemon @d: node @node (each its own: one client id each), state in @dir. */
static void write_config_dir(struct fixture *f, struct daemon *d, const char *node, const char *dir)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = %s\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\nkeepalive = 5\n",
		 node, dir, f->broker.port);
	assert_int_equal(daemon_write_config(d, text), 0);
}

/* Waits until @d's stderr holds @needle @n times; 0 or -ETIMEDOUT. */
static int daemon_wait_log_count(struct daemon *d, const char *needle, int n, int timeout_ms)
{
	for (long long end = now_ms() + timeout_ms;; usleep(50 * 1000)) {
		char *log = daemon_stderr(d);
		int seen = 0;

		for (const char *p = log; log && (p = strstr(p, needle)); p++)
			seen++;
		free(log);
		if (seen >= n)
			return 0;
		if (now_ms() > end)
			return -ETIMEDOUT;
	}
}

/* Starts other bedroomd @i, a node of its own, with its state in @dir. */
static struct daemon *start_other(struct fixture *f, size_t i, const char *dir)
{
	struct daemon *d = &f->other[i];
	char node[32];

	snprintf(node, sizeof(node), "t%do%zu", (int) getpid(), i);
	assert_int_equal(daemon_prepare(d), 0);
	write_config_dir(f, d, node, dir);
	assert_int_equal(daemon_start(d, NULL), 0);
	return d;
}

/* @d exits 78 (a configuration problem), saying that bedroomd @holder runs on @dir. */
static void refused(struct daemon *d, pid_t holder, const char *dir)
{
	char want[256], *log;
	int status = daemon_wait_exit(d, 10000);

	assert_true(status >= 0); /* if it runs on, the teardown stops it by PID */
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 78);
	log = daemon_stderr(d);
	assert_non_null(log);
	snprintf(want, sizeof(want),
		 "another bedroomd (PID %d) is running with state_dir %s:", (int) holder, dir);
	if (!strstr(log, want))
		fail_msg("no '%s' in: %s", want, log);
	free(log);
}

/*
 * A reload to another state directory takes its lock along: a second bedroomd
 * on the new directory is refused, and one on the old directory is not.
 */
static void test_reload_to_another_state_dir_moves_the_lock(void **state)
{
	struct fixture *f = *state;
	struct daemon *d;
	char node[32], same[160], *log;
	int status;

	start_daemon(f);
	snprintf(node, sizeof(node), "t%d", (int) getpid());
	/* The same directory under another name: nothing moves, nothing is refused. */
	snprintf(same, sizeof(same), "%s/", f->daemon.state_dir);
	write_config_dir(f, &f->daemon, node, same);
	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "reloaded '", 10000), 0);
	log = daemon_stderr(&f->daemon);
	assert_null(strstr(log, "another bedroomd"));
	assert_null(strstr(log, "state_dir is now"));
	free(log);

	assert_int_equal(make_temp_dir(f->dir_b, sizeof(f->dir_b), "state-b"), 0);
	write_config_dir(f, &f->daemon, node, f->dir_b);
	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	assert_int_equal(daemon_wait_log_count(&f->daemon, "reloaded '", 2, 10000), 0);
	/* Where the cramps logged so far are: the old directory, said once. */
	assert_int_equal(daemon_wait_log(&f->daemon, "state_dir is now", 1000), 0);

	refused(start_other(f, 0, f->dir_b), f->daemon.pid, f->dir_b);

	d = start_other(f, 1, f->daemon.state_dir);
	assert_int_equal(daemon_wait_notify(d, "READY=1", 10000), 0);
	assert_int_equal(kill(d->pid, SIGTERM), 0);
	status = daemon_wait_exit(d, 10000);
	assert_true(status >= 0 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(kill(f->daemon.pid, 0), 0);
}

/*
 * A reload to a state directory another bedroomd holds is refused, naming it:
 * the running configuration stays, and so does its lock on the old directory.
 */
static void test_reload_to_a_state_dir_in_use_is_refused(void **state)
{
	struct fixture *f = *state;
	struct daemon *holder;
	char node[32], want[512];

	start_daemon(f);
	snprintf(node, sizeof(node), "t%d", (int) getpid());
	assert_int_equal(make_temp_dir(f->dir_b, sizeof(f->dir_b), "state-b"), 0);
	holder = start_other(f, 0, f->dir_b);
	assert_int_equal(daemon_wait_notify(holder, "READY=1", 10000), 0);

	write_config_dir(f, &f->daemon, node, f->dir_b);
	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	snprintf(want, sizeof(want),
		 "another bedroomd (PID %d) is running with state_dir %s: reload refused, "
		 "keeping state_dir %s",
		 (int) holder->pid, f->dir_b, f->daemon.state_dir);
	assert_int_equal(daemon_wait_log(&f->daemon, want, 10000), 0);
	assert_int_equal(kill(f->daemon.pid, 0), 0);
	assert_int_equal(kill(holder->pid, 0), 0);

	/* The old directory is still its. */
	refused(start_other(f, 1, f->daemon.state_dir), f->daemon.pid, f->daemon.state_dir);
}

/*
 * A store written by a newer bedroomd (after a downgrade) is left alone, and
 * the state says why in words, not as "Protocol not supported".
 */
static void test_store_of_a_newer_bedroomd_is_left_alone(void **state)
{
	struct fixture *f = *state;
	char node[32], db[300], state_topic[128];
	sqlite3 *s = NULL;

	snprintf(node, sizeof(node), "t%d", (int) getpid());
	write_config(f, node, NULL);
	(void) mkdir(f->daemon.state_dir, 0700);
	snprintf(db, sizeof(db), "%s/bedroomd.db", f->daemon.state_dir);
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "PRAGMA user_version = 99;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "READY=1", 10000), 0);
	snprintf(state_topic, sizeof(state_topic), "%s/state", f->base);
	assert_non_null(client_wait(f->client, state_topic,
				    "~\"error\":\"written by a newer bedroomd\"", 10000));
	assert_int_equal(daemon_wait_log(&f->daemon, "was written by a newer bedroomd", 1000), 0);
}

/*
 * Starts bedroomd after a last run whose retained state shows alert @kind of
 * @source, which the store did not keep.
 */
static void start_with_last_state_alert(struct fixture *f, const char *kind, const char *source)
{
	char topic[128], payload[256];

	snprintf(topic, sizeof(topic), "%s/state", f->base);
	snprintf(payload, sizeof(payload),
		 "{\"started\":\"2026-01-01T00:00:00+00:00\",\"alerts\":[{\"kind\":\"%s\","
		 "\"source\":\"%s\",\"since\":\"2026-01-01T00:00:05+00:00\"}]}",
		 kind, source);
	assert_int_equal(client_publish(f->client, topic, payload, true), 0);
	start_daemon(f);
}

/*
 * An alert the last run showed but could not keep in the store (the store was
 * failing as it stopped): its retained state says so, and this run clears it
 * (no phone left with a "raised" and never its "cleared").
 */
static void test_alert_only_in_the_last_state_is_cleared(void **state)
{
	struct fixture *f = *state;
	char events[128];
	const struct message *m;

	snprintf(events, sizeof(events), "%s/event/alert", f->base);
	start_with_last_state_alert(f, "store_failed", "store");
	assert_int_equal(daemon_wait_log(&f->daemon, "1 alert of the last run's state", 10000), 0);
	m = client_wait(f->client, events, "~\"state\":\"cleared\"", 60000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"kind\":\"store_failed\""));
	assert_non_null(strstr(m->payload, "since bedroomd restarted"));
	assert_null(client_wait(f->client, events, "~\"state\":\"raised\"", 100));
}

/*
 * A heater's alert left by the last run, and the broker gone right after the
 * restart (a user trial): no command reaches the plug while it is away, so its
 * check waits for the broker, and the alert is not cleared meanwhile. Once the
 * broker is back the check runs again in full (the heater is not configured
 * now: nobody raises it, so it is cleared then).
 */
static void test_a_carried_heater_alert_waits_for_the_broker(void **state)
{
	struct fixture *f = *state;
	char events[128];
	const struct message *m;
	char *log;

	snprintf(events, sizeof(events), "%s/event/alert", f->base);
	start_with_last_state_alert(f, "heater_unconfirmed", "heater.tas");
	assert_int_equal(daemon_wait_log(&f->daemon, "1 alert of the last run's state", 10000), 0);
	f->client = client_free(f->client);
	broker_stop(&f->broker);
	/* Its check is over (no such heater now: the 30 s of slack alone) while away. */
	assert_int_equal(daemon_wait_log(&f->daemon, "its check waits for the broker", 60000), 0);
	log = daemon_stderr(&f->daemon);
	assert_null(strstr(log, "was not seen again"));
	free(log);
	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(client_new(&f->broker, "bedroomd/#", &f->client), 0);
	/* Its reconnect back-off grew to up to a minute while the broker was away. */
	assert_non_null(client_wait(f->client, f->availability, "online", 75000));
	assert_null(client_wait(f->client, events, "~\"state\":\"cleared\"", 2000));
	m = client_wait(f->client, events, "~\"state\":\"cleared\"", 60000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"kind\":\"heater_unconfirmed\""));
	assert_non_null(strstr(m->payload, "since bedroomd restarted"));
}

static void test_bad_config_exits_78_with_message(void **state)
{
	struct fixture *f = *state;
	char *log;
	int status;

	assert_int_equal(daemon_write_config(&f->daemon, "[mqtt]\nport = many\n"), 0);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	status = daemon_wait_exit(&f->daemon, 10000);
	assert_true(status >= 0 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 78);
	log = daemon_stderr(&f->daemon);
	assert_non_null(strstr(log, "bedroomd.conf:2: 'port' must be a whole number"));
	free(log);
	/* Nothing started: no READY, nothing on the broker. */
	assert_int_equal(daemon_wait_notify(&f->daemon, "READY=1", 200), -ETIMEDOUT);
	assert_null(client_wait(f->client, f->availability, NULL, 300));
}

static void test_reload_refuses_bad_config_and_applies_good_one(void **state)
{
	struct fixture *f = *state;
	char node[32], new_availability[128], *log;

	start_daemon(f);
	snprintf(node, sizeof(node), "t%d", (int) getpid());

	/* A broken file: refused, the daemon stays as it was. */
	assert_int_equal(daemon_write_config(&f->daemon, "[daemon]\nnode_id = a b\n"), 0);
	kill(f->daemon.pid, SIGHUP);
	assert_int_equal(daemon_wait_notify(&f->daemon, "RELOADING=1", 5000), 0);
	usleep(300000);
	log = daemon_stderr(&f->daemon);
	assert_non_null(strstr(log, "bedroomd.conf:2: 'node_id' must be"));
	assert_non_null(strstr(log, "reload refused"));
	free(log);
	assert_int_equal(kill(f->daemon.pid, 0), 0);

	/* A good one with a new base topic: offline on the old, online on the new. */
	client_clear(f->client);
	write_config(f, node, "base_topic = bedroomd/reloaded\n");
	snprintf(new_availability, sizeof(new_availability), "bedroomd/reloaded/availability");
	kill(f->daemon.pid, SIGHUP);
	assert_non_null(client_wait(f->client, f->availability, "offline", 5000));
	assert_non_null(client_wait(f->client, new_availability, "online", 10000));
	client_publish(f->client, new_availability, "", true); /* clear the retained topic */
}

static void test_command_line(void **state)
{
	struct fixture *f = *state;
	const char *version[] = { "--version", NULL };
	const char *check_bad[] = { "--check-config", "--config", "/nonexistent/b.conf", NULL };
	const char *check_good[] = { "--check-config", "--config", f->daemon.config_path, NULL };
	const char *bogus[] = { "--bogus", NULL };
	char *out;

	assert_int_equal(run_bedroomd(version, &out), 0);
	assert_non_null(strstr(out, "bedroomd 0."));
	free(out);
	assert_int_equal(run_bedroomd(check_bad, &out), 78);
	assert_non_null(strstr(out, "/nonexistent/b.conf: cannot read configuration"));
	free(out);
	write_config(f, "checked", NULL);
	assert_int_equal(run_bedroomd(check_good, &out), 0);
	assert_non_null(strstr(out, "configuration is valid"));
	free(out);
	assert_int_equal(run_bedroomd(bogus, &out), 64);
	free(out);
}

/*
 * A system whose services get LANG=de_DE.UTF-8 (a decimal comma): bedroomd still
 * reads "18.5". The locale is built for the test (localedef, from Debian's
 * locales package) in a directory of its own.
 */
static void test_a_decimal_comma_locale_changes_nothing(void **state)
{
	struct fixture *f = *state;
	const char *check[] = { "--check-config", "--config", f->daemon.config_path, NULL };
	char dir[64], cmd[256];
	char *out;
	int status;

	assert_int_equal(make_temp_dir(dir, sizeof(dir), "locale"), 0);
	snprintf(cmd, sizeof(cmd), "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 2>&1", dir);
	status = system(cmd);
	if (status != 0)
		fail_msg("localedef -i de_DE failed (%d): is Debian's 'locales' package installed "
			 "(tools/install-deps)?",
			 status);
	write_config(f, "comma", "[heating]\nfloor = 18.5\n");
	assert_int_equal(setenv("LOCPATH", dir, 1), 0);
	assert_int_equal(setenv("LC_ALL", "de_DE.UTF-8", 1), 0);
	status = run_bedroomd(check, &out);
	unsetenv("LC_ALL");
	unsetenv("LOCPATH");
	remove_tree(dir);
	if (status != 0)
		fail_msg("--check-config under de_DE.UTF-8 exited %d: %s", status, out);
	free(out);
}

/* Starts the daemon with @dir as its state_dir, and waits for READY=1 and @said. */
static void start_with_state_dir(struct fixture *f, const char *dir, const char *said)
{
	char node[32];

	snprintf(node, sizeof(node), "t%d", (int) getpid());
	write_config_dir(f, &f->daemon, node, dir);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "READY=1", 10000), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, said, 1000), 0);
}

/*
 * Run by hand with a state_dir nobody made: bedroomd makes it (not its parent,
 * where a typo stays an error) and keeps its store there.
 */
static void test_a_missing_state_dir_is_made(void **state)
{
	struct fixture *f = *state;
	char dir[160], db[200];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/made", f->daemon.dir);
	start_with_state_dir(f, dir, "made the state directory");
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0750);
	snprintf(db, sizeof(db), "%s/bedroomd.db", dir);
	assert_int_equal(stat(db, &st), 0);

	/* Its parent missing too: said, and bedroomd runs on without a store. */
	assert_int_equal(kill(f->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	snprintf(dir, sizeof(dir), "%s/no-parent/made", f->daemon.dir);
	start_with_state_dir(f, dir, "cannot make the state directory");
	assert_int_not_equal(stat(dir, &st), 0);

	/*
	 * Made later: the store's retry (every minute) takes the directory's lock
	 * with the store, so a second bedroomd on it is refused, as at a start (a
	 * user trial: it was let in, and both wrote the store).
	 */
	snprintf(db, sizeof(db), "%s/no-parent", f->daemon.dir);
	assert_int_equal(mkdir(db, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "is locked for this bedroomd now", 75000), 0);
	snprintf(db, sizeof(db), "%s/bedroomd.db", dir);
	for (long long end = now_ms() + 5000; stat(db, &st) != 0;) {
		assert_true(now_ms() < end);
		usleep(50 * 1000);
	}
	{
		const char *args[] = { "--config", f->daemon.config_path, NULL };
		char want[64], *out = NULL;

		assert_int_equal(run_bedroomd(args, &out), 78);
		snprintf(want, sizeof(want), "another bedroomd (PID %d)", (int) f->daemon.pid);
		assert_non_null(strstr(out, want));
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ready_online_retained_and_state, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_publishes_offline_and_exits_zero,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_leaves_the_last_will, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broker_restart_brings_it_back_online, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_second_daemon_on_the_same_state_dir_refuses,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_to_another_state_dir_moves_the_lock,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_only_in_the_last_state_is_cleared, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_carried_heater_alert_waits_for_the_broker,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_of_a_newer_bedroomd_is_left_alone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_to_a_state_dir_in_use_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_config_exits_78_with_message, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_refuses_bad_config_and_applies_good_one,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_missing_state_dir_is_made, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_decimal_comma_locale_changes_nothing, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
