/*
 * Relay care holds across a restart: a heater switched off by a clean shutdown
 * (SIGTERM) or at the start after a crash (SIGKILL while on) is not switched on
 * again before min_off is over, and the log says why. The test is the
 * thermometer and the plug (a generic one: it confirms each command on its
 * state topic) and a bed mat that says nothing; min_off is MIN_OFF_S, short
 * enough for a test. Without relay
 * care (min_off 0, a switch at every reading) the store is written a few
 * times a minute, and the last switch at the minute's end.
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
#include <time.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define MIN_OFF_S 12

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char db_path[192];
	char thermo_topic[96];
	char set_topic[96], plug_state_topic[96];
};

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

static int setup_min_off(void **state, int min_off_s)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int pid = (int) getpid();
	char text[2048];

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/relay%d", pid);
	snprintf(f->thermo_topic, sizeof(f->thermo_topic), "test%d/thermometer", pid);
	snprintf(f->set_topic, sizeof(f->set_topic), "test%d/plug/set", pid);
	snprintf(f->plug_state_topic, sizeof(f->plug_state_topic), "test%d/plug/state", pid);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(f->db_path, sizeof(f->db_path), "%s/bedroomd.db", f->daemon.state_dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = relay%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = 0\nmin_off = %ds\n"
		 "[sensor.air]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n"
		 "[heater.plug]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n"
		 "[input.mat]\ntype = mqtt\nrole = occupancy\ntopic = test%d/mat\n",
		 pid, f->broker.port, min_off_s, f->thermo_topic, f->set_topic, f->plug_state_topic,
		 pid);
	if (daemon_write_config(&f->daemon, text) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

static int setup(void **state)
{
	return setup_min_off(state, MIN_OFF_S);
}

/* No relay care at all: the heater may switch at every reading (as in the benchmark). */
static int setup_no_care(void **state)
{
	return setup_min_off(state, 0);
}

/* Waits for the command @payload to the plug, then confirms it as the plug would. */
static void plug_receives(struct fixture *f, const char *payload, int timeout_ms)
{
	assert_non_null(client_wait(f->client, f->set_topic, payload, timeout_ms));
	assert_int_equal(client_publish(f->client, f->plug_state_topic, payload, true), 0);
}

/* How many commands @payload the plug got so far. */
static int commands(struct fixture *f, const char *payload)
{
	return (int) client_count(f->client, f->set_topic, payload);
}

static void reading(struct fixture *f, const char *c)
{
	assert_int_equal(client_publish(f->client, f->thermo_topic, c, false), 0);
}

/* Cold, and heating: the plug on. */
static void heat(struct fixture *f)
{
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON", 10000);
}

/*
 * The room stays cold from the OFF at @off_ms on: no ON before min_off is over
 * (less what the OFF took to arrive here), then one soon after.
 */
static void held_off_then_on(struct fixture *f, long long off_ms)
{
	long long on_ms;

	while (now_ms() < off_ms + (MIN_OFF_S - 2) * 1000LL) {
		reading(f, "15.0");
		(void) client_wait(f->client, f->set_topic, "ON", 500);
		assert_int_equal(commands(f, "ON"), 0);
	}
	for (on_ms = 0; !on_ms && now_ms() < off_ms + (MIN_OFF_S + 15) * 1000LL;) {
		reading(f, "15.0");
		if (client_wait(f->client, f->set_topic, "ON", 500))
			on_ms = now_ms();
	}
	assert_true(on_ms != 0); /* heating again once min_off is over */
	assert_true(on_ms >= off_ms + (MIN_OFF_S - 1) * 1000LL);
}

/* A clean shutdown switches the heater off; the restart holds it off for min_off. */
static void test_restart_holds_min_off(void **state)
{
	struct fixture *f = *state;
	long long off_ms;

	heat(f);
	client_clear(f->client);
	assert_int_equal(kill(f->daemon.pid, SIGTERM), 0);
	/* The stop waits a little for the plug to confirm its OFF. */
	plug_receives(f, "OFF", 5000);
	off_ms = now_ms();
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	assert_int_equal(daemon_log_count(&f->daemon, "did not confirm the OFF"), 0);
	assert_int_equal(
	    store_count_rows(f->db_path, "relays", "heater = 'plug' AND last_off > last_on"), 1);

	client_clear(f->client);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	held_off_then_on(f, off_ms);
	assert_int_equal(daemon_wait_log(&f->daemon, "heater.plug: off since ", 5000), 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "(before the restart): min_off holds it off until ", 5000),
	    0);
	/* The bed mat is silent; in bed at night the longer in-bed min_off would hold. */
	assert_int_equal(daemon_wait_log(&f->daemon, " with someone in bed at night)", 5000), 0);
}

/* A crash while on: the start switches the heater off, and min_off holds from then. */
static void test_crash_while_on_holds_min_off(void **state)
{
	struct fixture *f = *state;
	long long off_ms;

	heat(f);
	assert_int_equal(kill(f->daemon.pid, SIGKILL), 0);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	/* Kept as it was sent: on, and no off since. */
	assert_int_equal(store_count_rows(f->db_path, "relays",
					  "heater = 'plug' AND last_on > coalesce(last_off, 0)"),
			 1);

	client_clear(f->client);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	plug_receives(f, "OFF", 10000);
	off_ms = now_ms();
	held_off_then_on(f, off_ms);
	assert_int_equal(
	    daemon_wait_log(&f->daemon,
			    "(before the restart): switched off now, min_off holds it off until ",
			    5000),
	    0);
}

/* The wall clock, as the store keeps times: Unix µs. */
static long long wall_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long) ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* The newest switch the store holds, Unix µs; 0 when none. */
static long long kept_usec(struct fixture *f)
{
	char where[96];
	long long lo = 0, hi = 1LL << 62;

	/* store_count_rows() answers whether; bisect the time. */
	while (lo < hi) {
		long long mid = lo + (hi - lo + 1) / 2;

		snprintf(where, sizeof(where),
			 "max(coalesce(last_on, 0), coalesce(last_off, 0)) >= %lld", mid);
		if (store_count_rows(f->db_path, "relays", where) > 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/*
 * A heater without relay care switching at every reading: the store is written
 * a few times a minute, not at each switch (each is a synchronous commit), and
 * the last switch is kept when the minute is over.
 */
static void test_a_flood_of_switches_is_kept_a_few_times_a_minute(void **state)
{
	struct fixture *f = *state;
	long long fifth_us = 0, last_us = 0, first_kept;

	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	for (int i = 0; i < 10; i++) {
		const char *want = i % 2 ? "OFF" : "ON";

		reading(f, i % 2 ? "21.0" : "16.0");
		plug_receives(f, want, 10000);
		last_us = wall_usec();
		if (i == 4)
			fifth_us = last_us;
	}
	/* The first four writes (the start's OFF, ON, OFF, ON): none of the later switches. */
	first_kept = kept_usec(f);
	assert_true(first_kept > 0);
	assert_true(first_kept < fifth_us);
	/* The minute's end keeps the last switch, an OFF. */
	for (long long end = now_ms() + 75000; now_ms() < end && kept_usec(f) < fifth_us;)
		usleep(500000);
	assert_true(kept_usec(f) >= fifth_us);
	assert_true(kept_usec(f) <= last_us);
	assert_int_equal(store_count_rows(f->db_path, "relays", "last_off > last_on"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_restart_holds_min_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_while_on_holds_min_off, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_flood_of_switches_is_kept_a_few_times_a_minute, setup_no_care, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
