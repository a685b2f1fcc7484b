/*
 * The daemon's wiring, seen from outside: a room reading reaches heating once,
 * with the time it was taken (two thermometers, the state republished between
 * their readings), and each part's subscriptions come and go with the part (a
 * reload that removes a heater unsubscribes its plug's topics on the broker).
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
#include <unistd.h>

#include "tests/integration/harness.h"

#define READINGS   6
#define SPACING_MS 4000 /* between two readings of one thermometer */

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char client_id[64];
	char warm_topic[96], cold_topic[96];
	char plug_a[96], plug_b[96];
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
	int pid = (int) getpid();

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/wiring%d", pid);
	snprintf(f->client_id, sizeof(f->client_id), "bedroomd-wiring%d", pid);
	snprintf(f->warm_topic, sizeof(f->warm_topic), "test%d/warm", pid);
	snprintf(f->cold_topic, sizeof(f->cold_topic), "test%d/cold", pid);
	snprintf(f->plug_a, sizeof(f->plug_a), "test%d/plug-a", pid);
	snprintf(f->plug_b, sizeof(f->plug_b), "test%d/plug-b", pid);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

/* Two MQTT thermometers and generic heaters a (and b when @two_heaters). */
static void write_config(struct fixture *f, bool two_heaters)
{
	char text[2048], heater_b[256] = "";

	if (two_heaters)
		snprintf(heater_b, sizeof(heater_b),
			 "[heater.b]\ntype = generic\ncommand_topic = %s/set\nstate_topic = %s\n",
			 f->plug_b, f->plug_b);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = wiring%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\nclient_id = %s\n"
		 "[room]\npublish_interval = 10s\npublish_step = 0.01\n"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = 0\nmin_off = 0\n"
		 "[sensor.warm]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n"
		 "[sensor.cold]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n"
		 "[heater.a]\ntype = generic\ncommand_topic = %s/set\nstate_topic = %s\n%s",
		 (int) getpid(), f->broker.port, f->client_id, f->warm_topic, f->cold_topic,
		 f->plug_a, f->plug_a, heater_b);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
}

/* Counts the lines of @log holding @needle. */
static int count_lines(const char *log, const char *needle)
{
	int n = 0;

	for (const char *p = log; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/*
 * The colder thermometer decides the room (aggregate = min). Each of its
 * readings must reach heating exactly once, at the time it arrived; the warmer
 * one's readings in between, and the state republished by the timer, are not
 * readings heating has not had.
 */
static void test_readings_keep_their_time(void **state)
{
	struct fixture *f = *state;
	double taken[READINGS], value[READINGS];
	char *log, payload[128];
	const char *p;
	int n = 0;

	write_config(f, false);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	for (int i = 0; i < READINGS; i++) {
		snprintf(payload, sizeof(payload), "%.1f", 17.0 + 0.1 * i);
		assert_int_equal(client_publish(f->client, f->cold_topic, payload, false), 0);
		usleep(SPACING_MS / 2 * 1000);
		assert_int_equal(client_publish(f->client, f->warm_topic, "21.0", false), 0);
		usleep(SPACING_MS / 2 * 1000);
	}
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 17.500 °C", 5000), 0);
	/* One more state republish after the last reading, and still nothing new. */
	usleep(1000 * 1000);
	log = daemon_stderr(&f->daemon);
	assert_non_null(log);
	for (p = log; (p = strstr(p, "heating: room ")); p++) {
		double v, t;

		if (sscanf(p, "heating: room %lf °C, taken at %lf s", &v, &t) != 2)
			continue;
		assert_true(n < READINGS);
		value[n] = v;
		taken[n] = t;
		n++;
	}
	assert_int_equal(n, READINGS);
	for (int i = 0; i < READINGS; i++) {
		assert_true(value[i] > 16.999 + 0.1 * i && value[i] < 17.001 + 0.1 * i);
		/* Stamped when it arrived, not when the warmer one or a timer came by. */
		if (i > 0)
			assert_true(taken[i] - taken[i - 1] > 0.75 * SPACING_MS / 1000.0 &&
				    taken[i] - taken[i - 1] < 1.25 * SPACING_MS / 1000.0);
	}
	free(log);
	/* The warm thermometer's readings did arrive: the state shows them. */
	snprintf(payload, sizeof(payload), "%s/state", f->base);
	assert_non_null(client_wait(f->client, payload, "~\"temperature\":21.0", 1000));
}

static bool broker_logged(const struct fixture *f, const char *line)
{
	char *log = broker_log(&f->broker);
	bool found = log && strstr(log, line);

	free(log);
	return found;
}

/* A reload that removes heater b drops its subscription on the broker, and only that. */
static void test_reload_drops_a_parts_subscriptions(void **state)
{
	struct fixture *f = *state;
	char subscribed[256], unsubscribed[256], kept[256];
	char *log;

	write_config(f, true);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	snprintf(subscribed, sizeof(subscribed), "%s 1 %s\n", f->client_id, f->plug_b);
	snprintf(unsubscribed, sizeof(unsubscribed), "%s %s\n", f->client_id, f->plug_b);
	snprintf(kept, sizeof(kept), "%s %s\n", f->client_id, f->plug_a);
	assert_true(broker_logged(f, subscribed));
	assert_false(broker_logged(f, unsubscribed));

	write_config(f, false);
	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "reloaded", 5000), 0);
	for (long long end = now_ms() + 5000; !broker_logged(f, unsubscribed) && now_ms() < end;)
		usleep(50 * 1000);
	assert_true(broker_logged(f, unsubscribed));
	/*
	 * Heater a lives on in the new configuration: its part was set up anew and
	 * subscribed again (the broker re-sends what it retains), and holds it now.
	 */
	snprintf(subscribed, sizeof(subscribed), "%s 1 %s\n", f->client_id, f->plug_a);
	log = broker_log(&f->broker);
	assert_non_null(log);
	assert_int_equal(count_lines(log, kept), 1);
	assert_int_equal(count_lines(log, subscribed), 2);
	assert_true(strstr(strstr(log, kept), subscribed) != NULL);
	free(log);
}

/*
 * What the broker retains is not news: a retained cramp report is not logged
 * again, a retained thermometer value (of unknown age) is not a reading; not at
 * start, not after a reload (every part subscribes again).
 */
static void test_retained_messages_are_not_news(void **state)
{
	struct fixture *f = *state;
	char cramp[128], events[128], topic[128];
	char *log;

	snprintf(cramp, sizeof(cramp), "%s/cramp", f->base);
	snprintf(events, sizeof(events), "%s/event/cramp", f->base);
	snprintf(topic, sizeof(topic), "%s/state", f->base);
	assert_int_equal(client_publish(f->client, cramp, "{\"leg\":\"left\"}", true), 0);
	assert_int_equal(client_publish(f->client, f->cold_topic, "12.0", true), 0);
	write_config(f, false);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "reloaded", 5000), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "ignoring the retained value", 5000), 0);
	/* A value sent now is a reading; the retained report never became a cramp. */
	assert_int_equal(client_publish(f->client, f->cold_topic, "17.5", false), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 17.500", 5000), 0);
	assert_null(client_wait(f->client, events, NULL, 1000));
	log = daemon_stderr(&f->daemon);
	assert_non_null(log);
	assert_null(strstr(log, "heating: room 12.000"));
	assert_null(strstr(log, "cramp logged"));
	free(log);
	assert_int_equal(client_publish(f->client, cramp, "", true), 0); /* clear it */
	assert_int_equal(client_publish(f->client, f->cold_topic, "", true), 0);
}

/* A reload during a broker outage that removes heater b: its filter goes on reconnect. */
static void test_reload_while_away_drops_the_filter_later(void **state)
{
	struct fixture *f = *state;
	char unsubscribed[256];

	write_config(f, true);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	snprintf(unsubscribed, sizeof(unsubscribed), "%s %s\n", f->client_id, f->plug_b);
	broker_stop(&f->broker);
	write_config(f, false);
	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "reloaded", 5000), 0);
	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "connected to MQTT broker", 30000), 0);
	for (long long end = now_ms() + 5000; !broker_logged(f, unsubscribed) && now_ms() < end;)
		usleep(50 * 1000);
	assert_true(broker_logged(f, unsubscribed));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_readings_keep_their_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_drops_a_parts_subscriptions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retained_messages_are_not_news, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_while_away_drops_the_filter_later,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
