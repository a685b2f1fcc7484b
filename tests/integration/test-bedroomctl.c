/*
 * bedroomctl against the real daemon: cramps logged through the command topic
 * reach the store and the broker, and the report read from the daemon's live
 * store shows what was logged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
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
	char text[1024], availability[128];

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/ctl%d", (int) getpid());
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = ctl%d\nstate_dir = @STATE_DIR@\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n",
		 (int) getpid(), f->broker.port);
	snprintf(availability, sizeof(availability), "%s/availability", f->base);
	if (daemon_write_config(&f->daemon, text) < 0 || daemon_start(&f->daemon, NULL) < 0 ||
	    daemon_wait_notify(&f->daemon, "READY=1", 10000) < 0 ||
	    !client_wait(f->client, availability, "online", 10000)) {
		teardown(state);
		return -1;
	}
	return 0;
}

static int ctl(struct fixture *f, const char *const *args, char **out)
{
	const char *argv[16] = { "--config", f->daemon.config_path };
	size_t n = 2;

	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	return run_program(getenv("BEDROOMCTL"), argv, out);
}

static void test_logged_cramps_are_in_the_report(void **state)
{
	struct fixture *f = *state;
	const char *first[] = { "cramp", "--leg",  "left",       "--site",
				"calf",  "--note", "woke me up", NULL };
	const char *second[] = { "cramp", "--leg", "right", "--at", "-30min", NULL };
	const char *bad[] = { "cramp", "--leg", "middle", NULL };
	const char *report[] = { "report", "--days", "2", "--format", "json", NULL };
	const char *status[] = { "status", NULL };
	char topic[128], *out;

	snprintf(topic, sizeof(topic), "%s/event/cramp", f->base);
	assert_int_equal(ctl(f, first, &out), 0);
	free(out);
	assert_int_equal(ctl(f, second, &out), 0);
	free(out);
	assert_int_equal(ctl(f, bad, &out), 64);
	assert_non_null(strstr(out, "middle"));
	free(out);
	assert_non_null(client_wait(f->client, topic, "~\"note\":\"woke me up\"", 10000));
	assert_non_null(client_wait(f->client, topic, "~\"leg\":\"right\"", 10000));
	assert_non_null(client_wait(f->client, topic, "~\"source\":\"bedroomctl\"", 1000));

	/* The report reads the daemon's live store, read-only. */
	assert_int_equal(ctl(f, report, &out), 0);
	assert_non_null(strstr(out, "\"leg\":\"left\"") ?: strstr(out, "\"leg\": \"left\""));
	assert_non_null(strstr(out, "\"leg\":\"right\"") ?: strstr(out, "\"leg\": \"right\""));
	assert_non_null(strstr(out, "woke me up"));
	free(out);

	assert_int_equal(ctl(f, status, &out), 0);
	assert_non_null(strstr(out, "online"));
	assert_non_null(strstr(out, "\"cramps_7d\":2"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_logged_cramps_are_in_the_report, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
