/*
 * An MQTT thermometer that says little or nonsense, end to end with the real
 * bedroomd and a real mosquitto: a topic nothing arrives on (a typo) is said
 * once after max_age (10 s here; ten minutes by default) and so is its first
 * message; a device mixing unreadable payloads with error values (85, -127)
 * gets one warning for each, not one per message, until it is well again.
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
	char good_topic[96]; /* where the device publishes */
	char typo_topic[96]; /* what a config with a typo subscribes to */
};

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

/* [sensor.window] on @window_topic, [sensor.bed] on the good topic; both with @max_age. */
static int setup_with(void **state, bool typo, const char *max_age)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char text[2048];

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/topic%d", (int) getpid());
	snprintf(f->good_topic, sizeof(f->good_topic), "test%d/bedroom_thermometer",
		 (int) getpid());
	snprintf(f->typo_topic, sizeof(f->typo_topic), "test%d/bedroom_thermometr", (int) getpid());
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = topic%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[sensor.window]\ntype = mqtt\ntopic = %s\njson_key = temperature\n%s%s\n"
		 "[sensor.bed]\ntype = mqtt\ntopic = %s\njson_key = temperature\n%s%s\n",
		 (int) getpid(), f->broker.port, typo ? f->typo_topic : f->good_topic,
		 max_age ? "max_age = " : "", max_age ? max_age : "", f->good_topic,
		 max_age ? "max_age = " : "", max_age ? max_age : "");
	if (daemon_write_config(&f->daemon, text) < 0 ||
	    daemon_start_online(&f->daemon, f->client, f->base) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

static int setup_typo(void **state)
{
	return setup_with(state, true, "10s");
}

static int setup_mixed(void **state)
{
	return setup_with(state, false, NULL);
}

static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static size_t count_in_log(struct fixture *f, const char *needle)
{
	char *log = daemon_stderr(&f->daemon);
	size_t n;

	assert_non_null(log);
	n = count(log, needle);
	free(log);
	return n;
}

/* A typo in the topic: said once, with the topic and what to look at, then its first message. */
static void test_a_silent_topic_is_said(void **state)
{
	struct fixture *f = *state;
	char needle[256];

	/* The other thermometer is heard in time: nothing to say about it. */
	assert_int_equal(client_publish(f->client, f->good_topic, "{\"temperature\": 19.5}", false),
			 0);
	snprintf(needle, sizeof(needle),
		 "warning: sensor.window: no message at all on '%s' in 10 s since subscribing: "
		 "is the topic spelled as the device publishes it",
		 f->typo_topic);
	assert_int_equal(daemon_wait_log(&f->daemon, needle, 30000), 0);
	assert_int_equal(count_in_log(f, "sensor.bed: no message at all"), 0);
	assert_int_equal(count_in_log(f, "a first message arrived"), 0);

	/* Something does publish there after all: said once. */
	assert_int_equal(client_publish(f->client, f->typo_topic, "{\"temperature\": 19.0}", false),
			 0);
	snprintf(needle, sizeof(needle), "sensor.window: a first message arrived on '%s'",
		 f->typo_topic);
	assert_int_equal(daemon_wait_log(&f->daemon, needle, 10000), 0);
	assert_int_equal(client_publish(f->client, f->typo_topic, "{\"temperature\": 19.1}", false),
			 0);
	sleep(1);
	assert_int_equal(count_in_log(f, "no message at all"), 1);
	assert_int_equal(count_in_log(f, "a first message arrived"), 1);
}

/* Unreadable payloads and error values, many of each, in one order; then @marker. */
static void send_breakage(struct fixture *f, const char *marker)
{
	static const char *const mix[] = {
		"garbage",
		"{\"temperature\":\"x\"}",
		"{\"temperature\":85}",
		"{\"temperature\":-127}",
	};
	char needle[64];

	for (int i = 0; i < 60; i++)
		assert_int_equal(
		    client_publish(f->client, f->good_topic, mix[(i * 7 + i / 4) % 4], false), 0);
	assert_int_equal(client_publish(f->client, f->good_topic, marker, false), 0);
	snprintf(needle, sizeof(needle), "refused a %zu-byte payload", strlen(marker));
	assert_int_equal(daemon_wait_log(&f->daemon, needle, 10000), 0);
}

static void test_a_broken_thermometer_warns_once(void **state)
{
	struct fixture *f = *state;
	char needle[256];

	assert_int_equal(client_publish(f->client, f->good_topic, "{\"temperature\": 19.5}", false),
			 0);
	send_breakage(f, "end-marker");
	assert_int_equal(count_in_log(f, "warning: sensor.window: refused a"), 1);
	assert_int_equal(count_in_log(f, "warning: sensor.window: rejected reading"), 1);

	/* Well again: both said, at info. */
	assert_int_equal(client_publish(f->client, f->good_topic, "{\"temperature\": 19.6}", false),
			 0);
	snprintf(needle, sizeof(needle), "sensor.window: payloads on '%s' are readable again",
		 f->good_topic);
	assert_int_equal(daemon_wait_log(&f->daemon, needle, 10000), 0);
	assert_int_equal(count_in_log(f, "sensor.window: readings are plausible again"), 1);

	/*
	 * Broken again: the checks warn again; the payloads were warned about less
	 * than an hour ago (a flaky device must not fill the journal): debug.
	 */
	send_breakage(f, "end-marker-2");
	assert_int_equal(count_in_log(f, "warning: sensor.window: refused a"), 1);
	assert_int_equal(count_in_log(f, "warning: sensor.window: rejected reading"), 2);
}

/*
 * A device sending °F to a sensor configured for °C: the first such value gets
 * the question where a person reads it (66.2 would otherwise be taken as a
 * 66 °C room: over-temperature, no heating), once a run.
 */
static void test_a_fahrenheit_device_is_asked_about(void **state)
{
	struct fixture *f = *state;
	const char *needle = "warning: sensor.bed: 66.2 °C is not a bedroom's temperature: does "
			     "the device send °F? Then set fahrenheit = yes in [sensor.bed]";

	assert_int_equal(client_publish(f->client, f->good_topic, "{\"temperature\": 66.2}", false),
			 0);
	assert_int_equal(daemon_wait_log(&f->daemon, needle, 10000), 0);
	assert_int_equal(client_publish(f->client, f->good_topic, "{\"temperature\": 66.4}", false),
			 0);
	assert_int_equal(client_publish(f->client, f->good_topic, "{\"temperature\": 19.5}", false),
			 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 19.500 °C", 10000), 0);
	assert_int_equal(count_in_log(f, "is not a bedroom's temperature"), 2); /* bed, window */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_silent_topic_is_said, setup_typo, teardown),
		cmocka_unit_test_setup_teardown(test_a_broken_thermometer_warns_once, setup_mixed,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_fahrenheit_device_is_asked_about,
						setup_mixed, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
