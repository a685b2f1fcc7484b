/*
 * A restart while the person is in bed: in_bed_since in <base>/state stays the
 * time they went to bed, not the time bedroomd came back (an upgrade, a crash
 * and systemd's restart, a power blip). The real bedroomd, a real mosquitto,
 * the real SQLite file; the pressure mat is an MQTT device that retains its
 * level, as zigbee2mqtt does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <stdbool.h>
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
	char state_topic[96];
	char mat_topic[96];
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
	snprintf(f->base, sizeof(f->base), "bedroomd/br%d", (int) getpid());
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	snprintf(f->mat_topic, sizeof(f->mat_topic), "test/br%d/mat", (int) getpid());
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/bedroomd.db", f->daemon.state_dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = br%d\nstate_dir = @STATE_DIR@\nlog_level = info\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[input.mat]\ntype = mqtt\nrole = occupancy\ntopic = %s\n"
		 "payload_on = ON\npayload_off = OFF\non_delay = 1s\noff_delay = 1s\n",
		 (int) getpid(), f->broker.port, f->mat_topic);
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

static void restart(struct fixture *f)
{
	kill(f->daemon.pid, SIGTERM);
	assert_int_equal(daemon_wait_exit(&f->daemon, 10000), 0);
	client_clear(f->client);
	start(f);
}

/* Copies the state @payload's "in_bed_since" (with its quotes, or null) into @buf. */
static void since_of(const char *payload, char *buf, size_t size)
{
	const char *p = strstr(payload, "\"in_bed_since\":");
	size_t n;

	assert_non_null(p);
	p += strlen("\"in_bed_since\":");
	n = strcspn(p, ",}");
	assert_true(n < size);
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/* Copies the state @payload's "started" member ("\"started\":\"...\"") into @buf. */
static void started_of(const char *payload, char *buf, size_t size)
{
	const char *p = strstr(payload, "\"started\":");
	size_t n;

	assert_non_null(p);
	n = strcspn(p, ",}");
	assert_true(n < size);
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/*
 * Waits for a state that says in bed from the daemon that runs now (one whose
 * "started" is not @before: the last states of the one before may still be on
 * their way). Its in_bed_since into @since, its "started" into @started.
 */
static void wait_in_bed(struct fixture *f, const char *before, char *since, char *started,
			size_t size)
{
	for (int waited = 0; waited < 10000; waited += 100) {
		const struct message *m;
		size_t n = client_messages(f->client, &m);

		for (size_t i = 0; i < n; i++) {
			if (strcmp(m[i].topic, f->state_topic) != 0 ||
			    !strstr(m[i].payload, "\"in_bed\":true"))
				continue;
			started_of(m[i].payload, started, size);
			if (before && strcmp(started, before) == 0)
				continue;
			since_of(m[i].payload, since, size);
			assert_string_not_equal(since, "null");
			return;
		}
		(void) client_wait(f->client, "test/none", NULL, 100); /* reads what comes */
	}
	fail_msg("no state of this daemon says in bed");
}

static int kept_rows(struct fixture *f)
{
	return store_count_rows(f->db, "settings", "key = 'in_bed_since.mat'");
}

static void test_restart_in_bed_keeps_the_bedtime(void **state)
{
	struct fixture *f = *state;
	char since[64], again[64], started[64], first[64], want[96];

	start(f);
	assert_int_equal(client_publish(f->client, f->mat_topic, "ON", true), 0);
	wait_in_bed(f, NULL, since, first, sizeof(since));
	assert_int_equal(kept_rows(f), 1);
	/* Long enough that a fresh start would say a later second. */
	sleep(3);

	restart(f);
	wait_in_bed(f, first, again, started, sizeof(again));
	assert_string_equal(again, since);
	assert_int_equal(daemon_wait_log(&f->daemon, "input.mat: in bed since ", 5000), 0);
	/* Every later state says the same. */
	sleep(2);
	snprintf(want, sizeof(want), "~\"in_bed_since\":%s", since);
	assert_non_null(client_wait(f->client, f->state_topic, want, 5000));

	/* Twice in a row too: the record is not consumed by the first restart. */
	snprintf(first, sizeof(first), "%s", started);
	sleep(1);
	restart(f);
	wait_in_bed(f, first, again, started, sizeof(again));
	assert_string_equal(again, since);
}

static void test_out_of_bed_clears_the_record(void **state)
{
	struct fixture *f = *state;
	char since[64], again[64], started[64], first[64];

	start(f);
	assert_int_equal(client_publish(f->client, f->mat_topic, "ON", true), 0);
	wait_in_bed(f, NULL, since, first, sizeof(since));
	assert_int_equal(client_publish(f->client, f->mat_topic, "OFF", true), 0);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"in_bed\":false", 10000));
	assert_int_equal(kept_rows(f), 0);
	sleep(2);

	/* Out of bed across the restart; back in bed afterwards is a new bedtime. */
	restart(f);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"in_bed\":false", 10000));
	assert_int_equal(client_publish(f->client, f->mat_topic, "ON", true), 0);
	wait_in_bed(f, first, again, started, sizeof(again));
	assert_string_not_equal(again, since);
	assert_int_equal(daemon_log_count(&f->daemon, "input.mat: in bed since "), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_restart_in_bed_keeps_the_bedtime, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_out_of_bed_clears_the_record, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
