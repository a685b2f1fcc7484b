/*
 * What others do to our connection. A retained "offline" someone else leaves
 * on <base>/availability while bedroomd runs (a stale or second bedroomd with
 * the same node_id) made Home Assistant show every entity unavailable until
 * bedroomd's next reconnect: it must be answered with "online" again, said
 * once, and at most every 10 s. A message too large for the memory bedroomd
 * may use fails libmosquitto's read (it holds a whole message before we can
 * refuse it): the journal blamed the broker ("Connection reset by peer"), and
 * must say what it was and what to do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define WARNING "another MQTT client wrote 'offline' on '"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char node_id[32];
	char base[64];
	char availability[96];
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
	snprintf(f->node_id, sizeof(f->node_id), "avail%d", (int) getpid());
	snprintf(f->base, sizeof(f->base), "bedroomd/%s", f->node_id);
	snprintf(f->availability, sizeof(f->availability), "%s/availability", f->base);
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n",
		 f->node_id, f->broker.port);
	if (daemon_write_config(&f->daemon, text) < 0 ||
	    daemon_start_online(&f->daemon, f->client, f->base) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

/* What a new subscriber (Home Assistant after its restart) gets retained on availability. */
static char *retained_availability(struct fixture *f)
{
	struct client *c = NULL;
	const struct message *m;
	char *payload;

	assert_int_equal(client_new(&f->broker, f->availability, &c), 0);
	m = client_wait(c, f->availability, NULL, 5000);
	assert_non_null(m);
	assert_true(m->retained);
	payload = strdup(m->payload);
	client_free(c);
	return payload;
}

static void test_offline_left_by_another_client_is_answered(void **state)
{
	struct fixture *f = *state;
	long long start;
	char *payload, *log;

	/* A stale instance's clean stop, retained: answered at once. */
	client_clear(f->client);
	assert_int_equal(client_publish(f->client, f->availability, "offline", true), 0);
	assert_non_null(client_wait(f->client, f->availability, "offline", 5000));
	if (!client_wait(f->client, f->availability, "online", 5000)) {
		log = daemon_stderr(&f->daemon);
		fail_msg("'offline' on our availability was not answered:\n%s", log);
	}
	payload = retained_availability(f);
	assert_string_equal(payload, "online");
	free(payload);
	assert_int_equal(daemon_wait_log(&f->daemon, WARNING, 5000), 0);

	/* Again at once (another live instance): answered, but only 10 s after the last. */
	client_clear(f->client);
	start = now_ms();
	assert_int_equal(client_publish(f->client, f->availability, "offline", true), 0);
	assert_non_null(client_wait(f->client, f->availability, "online", 15000));
	if (now_ms() - start < 7000)
		fail_msg("answered again after %lld ms: want the 10 s limit", now_ms() - start);
	payload = retained_availability(f);
	assert_string_equal(payload, "online");
	free(payload);
	/* Said once, not at each. */
	assert_int_equal(daemon_log_count(&f->daemon, WARNING), 1);

	/* Our own clean stop is no one else's "offline": it stays. */
	assert_int_equal(kill(f->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	payload = retained_availability(f);
	assert_string_equal(payload, "offline");
	free(payload);
}

/*
 * mosquitto, shutting down, sends every client's last will, ours to us too:
 * that "offline" comes just before the connection drops, and is no second
 * bedroomd. The journal accused one at every broker restart.
 */
static void test_broker_shutdown_is_not_blamed(void **state)
{
	struct fixture *f = *state;
	char *log;

	broker_stop(&f->broker);
	assert_int_equal(broker_restart(&f->broker), 0);
	for (long long end = now_ms() + 20000;
	     daemon_log_count(&f->daemon, "connected to MQTT broker") < 2; usleep(100000))
		if (now_ms() > end)
			fail_msg("not connected again");
	/* Past the time a warning would be held. */
	usleep(3000000);
	if (daemon_log_count(&f->daemon, WARNING) != 0) {
		log = daemon_stderr(&f->daemon);
		fail_msg("a broker restart blamed on another client:\n%s", log);
	}
}

/* The daemon's address space now, in bytes (VmSize), or 0. */
static unsigned long long vm_size(pid_t pid)
{
	char path[64], line[256];
	unsigned long long kb = 0;
	FILE *file;

	snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
	file = fopen(path, "re");
	if (!file)
		return 0;
	while (fgets(line, sizeof(line), file))
		if (sscanf(line, "VmSize: %llu kB", &kb) == 1)
			break;
	fclose(file);
	return kb * 1024;
}

static void test_a_message_too_large_to_read_is_said(void **state)
{
	struct fixture *f = *state;
	const size_t len = 64u << 20;
	unsigned long long size = vm_size(f->daemon.pid);
	struct rlimit limit;
	char topic[128], *payload, *log;

	/*
	 * A sanitizer's shadow maps terabytes: no limit on the address space tells
	 * then. .ci/run's sanitizer pass leaves this case (its own ctest) out.
	 */
	if (size == 0 || size > (16ULL << 30))
		fail_msg("VmSize %llu: a sanitizer build? This case needs a plain one", size);
	/* Room for what it does, not for two copies of the message (as the reviewer's ulimit -v).
	 */
	limit.rlim_cur = limit.rlim_max = (rlim_t) (size + (24ULL << 20));
	assert_int_equal(prlimit(f->daemon.pid, RLIMIT_AS, &limit, NULL), 0);

	payload = malloc(len);
	assert_non_null(payload);
	memset(payload, '1', len);
	snprintf(topic, sizeof(topic), "%s/set/floor", f->base);
	client_clear(f->client);
	/* QoS 0, not retained: the next connection holds. */
	assert_int_equal(client_publish_fast(f->client, topic, payload, len, 0), 0);
	(void) client_wait(f->client, "no/such/topic", NULL, 2000);
	free(payload);
	if (daemon_wait_log(&f->daemon, "too large to read", 20000) < 0) {
		log = daemon_stderr(&f->daemon);
		fail_msg("want 'a message from the broker was too large to read':\n%s", log);
	}
	log = daemon_stderr(&f->daemon);
	if (strstr(log, "reset by peer") || strstr(log, "is another client using client_id") ||
	    !strstr(log, "message_size_limit"))
		fail_msg("want message_size_limit, no reset and no client_id hint:\n%s", log);
	free(log);
	/* And it is back. */
	for (long long end = now_ms() + 20000;
	     daemon_log_count(&f->daemon, "connected to MQTT broker") < 2; usleep(100000))
		if (now_ms() > end)
			fail_msg("not connected again");
}

/* No argument: the availability; "too-large": the message too large to read (its own ctest). */
int main(int argc, char **argv)
{
	const struct CMUnitTest availability[] = {
		cmocka_unit_test_setup_teardown(test_offline_left_by_another_client_is_answered,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_broker_shutdown_is_not_blamed, setup,
						teardown),
	};
	const struct CMUnitTest too_large[] = {
		cmocka_unit_test_setup_teardown(test_a_message_too_large_to_read_is_said, setup,
						teardown),
	};

	if (argc > 1 && strcmp(argv[1], "too-large") == 0)
		return cmocka_run_group_tests(too_large, NULL, NULL);
	return cmocka_run_group_tests(availability, NULL, NULL);
}
