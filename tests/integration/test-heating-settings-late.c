/*
 * The store cannot be opened at the start (here: a directory where the file
 * should be; in life, a file left owned by root after a restore), and is
 * fixed while bedroomd runs: once the guard's retry (every minute) opens it,
 * the floor and mode kept from Home Assistant hold, as they would have at the
 * start, but a floor set meanwhile over MQTT is newer and wins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/integration/harness.h"

/* The guard tries every minute; the state is published within a second. */
#define RETRY_WAIT_MS 75000

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char state_topic[96];
	char db[256];
	char side[200]; /* where the store is made before it is put in place */
};

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	if (f->side[0])
		remove_tree(f->side);
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
	snprintf(f->base, sizeof(f->base), "bedroomd/hl%d", (int) getpid());
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0 ||
	    make_temp_dir(f->side, sizeof(f->side), "side") < 0) {
		teardown(state);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/bedroomd.db", f->daemon.state_dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = hl%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n[heating]\nfloor = 18\n",
		 (int) getpid(), f->broker.port);
	if (daemon_write_config(&f->daemon, text) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

/*
 * A store beside the state directory that kept, from Home Assistant, @floor
 * and @mode (the file then said 18 °C and heat); a directory where the daemon
 * looks for its store, so that it cannot open one.
 */
static void prepare(struct fixture *f, const char *floor, const char *mode)
{
	struct store_setting items[] = {
		{ "floor", floor },
		{ "floor_file", "18.0" },
		{ "mode", mode },
		{ "mode_file", "heat" },
	};
	struct store *s;

	assert_int_equal(store_open(f->side, &s), 0);
	assert_int_equal(store_settings_set_many(s, items, 4), 0);
	store_close(s);
	(void) mkdir(f->daemon.state_dir, 0700);
	assert_int_equal(mkdir(f->db, 0700), 0);
}

/* The store put in place: the next retry opens it. */
static void fix_store(struct fixture *f)
{
	char from[256];

	assert_int_equal(rmdir(f->db), 0);
	snprintf(from, sizeof(from), "%s/bedroomd.db", f->side);
	assert_int_equal(rename(from, f->db), 0);
}

static void start_without_store(struct fixture *f)
{
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "trying again every minute", 5000), 0);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"floor\":18.0", 5000));
}

static void test_kept_floor_holds_once_the_store_opens(void **state)
{
	struct fixture *f = *state;

	prepare(f, "20.5", "heat");
	start_without_store(f);
	fix_store(f);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"floor\":20.5", RETRY_WAIT_MS));
	assert_non_null(client_wait(f->client, f->state_topic, "~\"status\":\"ok\"", 5000));
}

static void test_a_floor_set_meanwhile_wins_over_the_kept_one(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char topic[128];

	prepare(f, "20.5", "off");
	start_without_store(f);
	snprintf(topic, sizeof(topic), "%s/set/floor", f->base);
	assert_int_equal(client_publish(f->client, topic, "21", false), 0);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"floor\":21.0", 5000));
	fix_store(f);
	/* The kept mode holds; the floor set while there was no store stays, and is kept. */
	m = client_wait(f->client, f->state_topic, "~\"mode\":\"off\"", RETRY_WAIT_MS);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"floor\":21.0"));
	assert_int_equal(store_count_rows(f->db, "settings", "key = 'floor' AND value = '21.0'"),
			 1);
	assert_int_equal(store_count_rows(f->db, "settings", "key = 'mode' AND value = 'off'"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_floor_holds_once_the_store_opens, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_floor_set_meanwhile_wins_over_the_kept_one,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
