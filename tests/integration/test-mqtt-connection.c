/*
 * A connection the broker takes back: two bedroomd with one node_id (so one
 * client_id) on a real mosquitto take the connection from each other, and
 * must back off rather than fight every second, with the client_id hint once;
 * a broker restarted soon after a connect is no reason for that hint; a
 * broker that refuses us for want of a password says which user and that no
 * password was sent; a broker frozen after we connected gets no TLS hint, nor
 * does a listener that takes the connection and never answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define HINT "is another client using client_id"
/*
 * Connects in the window after the second daemon starts. Without back-off each
 * retries within 2 s of being dropped: 10 or more. With it the delays double
 * (1, 2, 4, 8 s at the least, for each): at most 7.
 */
#define FIGHT_WINDOW_MS    20000
#define FIGHT_MAX_CONNECTS 8

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct daemon twin; /* the same node_id, its own state dir */
	struct client *client;
	char node_id[32];
	char base[64];
};

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *at = text; at && (at = strstr(at, needle)); at += strlen(needle))
		n++;
	return n;
}

/* The longest "reconnecting to MQTT broker ... in X s" delay in @log, in seconds. */
static double longest_delay_s(const char *log)
{
	const char *needle = "reconnecting to MQTT broker ";
	double longest = 0;

	for (const char *at = log; (at = strstr(at, needle)); at += strlen(needle)) {
		const char *in = strstr(at, " in ");
		const char *eol = strchr(at, '\n');
		double s;

		if (in && (!eol || in < eol) && sscanf(in, " in %lf s", &s) == 1 && s > longest)
			longest = s;
	}
	return longest;
}

static void write_config(struct fixture *f, struct daemon *d, const char *extra)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n%s",
		 f->node_id, f->broker.port, extra ? extra : "");
	assert_int_equal(daemon_write_config(d, text), 0);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *log = f->twin.dir[0] ? daemon_stderr(&f->twin) : NULL;

	if (log && *log)
		fprintf(stderr, "# twin bedroomd stderr:\n%s", log);
	free(log);
	daemon_destroy(&f->twin);
	harness_teardown(f->client, &f->daemon, &f->broker);
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
	f->twin.notify_fd = -1;
	snprintf(f->node_id, sizeof(f->node_id), "conn%d", (int) getpid());
	snprintf(f->base, sizeof(f->base), "bedroomd/%s", f->node_id);
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0 ||
	    daemon_prepare(&f->twin) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

static void test_same_client_id_backs_off(void **state)
{
	struct fixture *f = *state;
	char *log, *twin_log, needle[128];
	long long start;
	size_t connects;

	write_config(f, &f->daemon, NULL);
	write_config(f, &f->twin, NULL);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	log = broker_log(&f->broker);
	snprintf(needle, sizeof(needle), " as bedroomd-%s ", f->node_id);
	connects = count(log, needle);
	free(log);
	start = now_ms();
	assert_int_equal(daemon_start(&f->twin, NULL), 0);
	/* Both have been dropped twice in a row by then, each time the other came back. */
	assert_int_equal(daemon_wait_log(&f->daemon, HINT, FIGHT_WINDOW_MS), 0);
	assert_int_equal(daemon_wait_log(&f->twin, HINT, FIGHT_WINDOW_MS), 0);
	while (now_ms() < start + FIGHT_WINDOW_MS)
		usleep(200000);

	log = broker_log(&f->broker);
	connects = count(log, needle) - connects;
	free(log);
	log = daemon_stderr(&f->daemon);
	twin_log = daemon_stderr(&f->twin);
	fprintf(stderr, "# %zu connects in %d s; longest delays %.1f s and %.1f s\n", connects,
		FIGHT_WINDOW_MS / 1000, longest_delay_s(log), longest_delay_s(twin_log));
	if (connects > FIGHT_MAX_CONNECTS)
		fail_msg("%zu connects in %d s: they fight rather than back off", connects,
			 FIGHT_WINDOW_MS / 1000);
	/* Without back-off every retry comes within 2 s. */
	assert_true(longest_delay_s(log) > 2.0 || longest_delay_s(twin_log) > 2.0);
	if (count(log, HINT) != 1 || count(twin_log, HINT) != 1)
		fail_msg("want the hint once in each log, not %zu and %zu times", count(log, HINT),
			 count(twin_log, HINT));
	free(twin_log);
	free(log);

	/* One of them goes: the other's connection holds, and it says so. */
	daemon_destroy(&f->twin);
	assert_int_equal(daemon_wait_log(&f->daemon, "the short connections are over", 120000), 0);
}

/* A broker restarted a few seconds after a connect: a loss, and no client_id hint. */
static void test_broker_restart_gives_no_hint(void **state)
{
	struct fixture *f = *state;
	char *log = NULL;

	write_config(f, &f->daemon, NULL);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	broker_stop(&f->broker);
	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "lost", 10000), 0);
	for (long long end = now_ms() + 30000; now_ms() < end; usleep(100000)) {
		free(log);
		log = daemon_stderr(&f->daemon);
		if (count(log, "connected to MQTT broker") >= 2)
			break;
	}
	if (count(log, "connected to MQTT broker") < 2)
		fail_msg("not connected again:\n%s", log);
	if (strstr(log, HINT))
		fail_msg("a broker restart is no other client:\n%s", log);
	free(log);
}

/* A user without a password, refused: the warning says who, and that no password went. */
static void test_refused_user_without_password(void **state)
{
	struct fixture *f = *state;
	char *log;

	broker_destroy(&f->broker);
	assert_int_equal(broker_start_conf(&f->broker, "allow_anonymous false\n"), 0);
	write_config(f, &f->daemon, "username = bedroom\n");
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "the broker refused us", 15000), 0);
	log = daemon_stderr(&f->daemon);
	if (!strstr(log, "(user 'bedroom', no password sent"))
		fail_msg("want the user and 'no password sent':\n%s", log);
	/* libmosquitto's text ends in '.': not before the parenthesis. */
	if (strstr(log, ". (user"))
		fail_msg("want no '.' before '(user':\n%s", log);
	if (!strstr(log, "bedroomd.conf:8: no password will be sent for user 'bedroom'"))
		fail_msg("want the warning at load, at username's line:\n%s", log);
	free(log);
}

/*
 * A broker frozen (kill -STOP) after a connect takes new connections and never
 * answers: the plain port this configuration connected to is no TLS port, and
 * the log must not say it may be; and the connection it held ended for want of
 * an answer within the keepalive, which the log says (it said "Connection reset
 * by peer", as for a broker that closed it).
 */
static void test_frozen_broker_gets_no_tls_hint(void **state)
{
	struct fixture *f = *state;
	char *log;

	write_config(f, &f->daemon, "keepalive = 5\n");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(kill(f->broker.pid, SIGSTOP), 0);
	if (daemon_wait_log(&f->daemon, "cannot reach MQTT broker", 60000) < 0) {
		kill(f->broker.pid, SIGCONT);
		fail_msg("no attempt failed while the broker was frozen");
	}
	assert_int_equal(kill(f->broker.pid, SIGCONT), 0);
	log = daemon_stderr(&f->daemon);
	if (strstr(log, "want TLS") ||
	    !strstr(log, "sent no CONNACK within 5 s (keepalive): it answered this configuration "
			 "before"))
		fail_msg("want 'sent no CONNACK within 5 s', no TLS hint:\n%s", log);
	/* The connection went for silence (libmosquitto's keepalive), not a reset. */
	if (!strstr(log, "no answer from the broker within the keepalive (5 s)") ||
	    strstr(log, "reset by peer"))
		fail_msg("want the keepalive's silence, not a reset:\n%s", log);
	free(log);
}

/*
 * Something on the port that takes the TCP connection and never answers
 * CONNECT (a broker hung since it started, or no MQTT broker at all) is its own
 * cause: silence for a keepalive, said with the keepalive's seconds. It used to
 * be said as a connection closed before the answer, with a hint at TLS. The
 * listener never accepts: the kernel takes the connection, and reads nothing.
 */
static void test_silent_listener_is_no_closed_port(void **state)
{
	struct fixture *f = *state;
	char text[1024], *log;
	int port, listener = silent_listener(&port), r;

	assert_true(listener >= 0);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\nkeepalive = 5\n",
		 f->node_id, port);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	/* A keepalive and a half, and start-up. */
	r = daemon_wait_log(&f->daemon, "cannot reach MQTT broker", 30000);
	close(listener);
	log = daemon_stderr(&f->daemon);
	if (r < 0)
		fail_msg("no attempt failed against a listener that never answers:\n%s", log);
	if (strstr(log, "want TLS") || strstr(log, "closed the connection") ||
	    !strstr(log, "the broker took the TCP connection but sent no CONNACK within 5 s "
			 "(keepalive): is it stopped or hung"))
		fail_msg("want 'sent no CONNACK within 5 s (keepalive)', no TLS hint:\n%s", log);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_client_id_backs_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broker_restart_gives_no_hint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frozen_broker_gets_no_tls_hint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused_user_without_password, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_silent_listener_is_no_closed_port, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
