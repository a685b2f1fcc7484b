/* The discovery tests' fixture: see discovery-fixture.h. */
#include "tests/integration/discovery-fixture.h"

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

const char *const objects[N_OBJECTS][2] = {
	{ "climate", "floor" },
	{ "sensor", "cramps_7d" },
	{ "sensor", "last_cramp" },
	{ "binary_sensor", "problem" },
	{ "binary_sensor", "heater_oil" },
	{ "button", "cramp" },
	{ "button", "cramp_left" },
	{ "button", "cramp_right" },
	{ "event", "cramp_event" },
	{ "event", "alert_event" },
	{ "binary_sensor", "in_bed" },
	{ "button", "foot_soak_done" },
	{ "event", "reminder_event" },
	{ "sensor", "outdoor" },
};

int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

/* The configuration: one heater, an outdoor thermometer, one bed mat, and @extra at the end. */
int write_config(struct fixture *f, bool heater, const char *extra)
{
	snprintf(f->config_text, sizeof(f->config_text),
		 "[daemon]\nnode_id = %s\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[heating]\nday_floor = 18\noutdoor_topic = %s/outdoor\n"
		 "[cramps]\ndedup_window = 0\n"
		 "[input.mat]\ntype = mqtt\nrole = occupancy\ntopic = %s/mat\n"
		 "%s%s%s",
		 f->node, f->broker.port, f->node, f->base,
		 heater ? "[heater.oil]\ntype = tasmota\ntopic = plug-" : "", heater ? f->node : "",
		 heater ? "\n" : "");
	if (extra)
		strncat(f->config_text, extra, sizeof(f->config_text) - strlen(f->config_text) - 1);
	return daemon_write_config(&f->daemon, f->config_text);
}

int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->node, sizeof(f->node), "ha%d", (int) getpid());
	snprintf(f->base, sizeof(f->base), "bedroomd/%s", f->node);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0 ||
	    write_config(f, true, NULL) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

void start(struct fixture *f)
{
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
}

/* The config topic of object @i of the device of @node under @prefix. */
void config_topic_of(const char *prefix, const char *node, size_t i, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/%s/%s/config", prefix, objects[i][0], node, objects[i][1]);
}

void config_topic(const struct fixture *f, size_t i, char *buf, size_t size)
{
	config_topic_of("homeassistant", f->node, i, buf, size);
}

/* Waits for the config of object @i and returns it parsed (the caller frees). */
json_t *wait_config(struct fixture *f, size_t i)
{
	const struct message *m;
	char topic[160];
	json_t *j;

	config_topic(f, i, topic, sizeof(topic));
	m = client_wait(f->client, topic, "~{", 10000);
	if (!m)
		fail_msg("no config on '%s'", topic);
	j = json_loads(m->payload, 0, NULL);
	if (!j)
		fail_msg("'%s' is not JSON: %s", topic, m->payload);
	return j;
}

const char *str(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	if (!s)
		fail_msg("no string '%s'", key);
	return s;
}

/* Lets messages arrive for @ms; returns how many discovery configs arrived below @prefix. */
size_t count_below(struct fixture *f, const char *prefix, int ms)
{
	const struct message *msgs;
	size_t n, count = 0;

	(void) client_wait(f->client, "-", NULL, ms);
	n = client_messages(f->client, &msgs);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(msgs[i].topic);

		count += strncmp(msgs[i].topic, prefix, strlen(prefix)) == 0 && len > 7 &&
			 strcmp(msgs[i].topic + len - 7, "/config") == 0;
	}
	return count;
}

/*
 * Waits until @c saw every config of the device of @node under @prefix with
 * @payload (as client_wait() takes it: "~{" announced, "" removed).
 */
void wait_device(struct client *c, const char *prefix, const char *node, const char *payload)
{
	char topic[160];

	for (size_t i = 0; i < N_OBJECTS; i++) {
		config_topic_of(prefix, node, i, topic, sizeof(topic));
		if (!client_wait(c, topic, payload, 15000))
			fail_msg("no '%s' on '%s'", payload, topic);
	}
}

/*
 * What another device (ESPHome's, under the same node id) announced under
 * @prefix for @node: one with its own unique_id, one with a bedroomd-like
 * unique_id but its own device. Returns their topics in @topics.
 */
void publish_foreign(struct fixture *f, const char *prefix, const char *node, char topics[2][160])
{
	char payload[256];

	snprintf(topics[0], 160, "%s/sensor/%s/esp_temp/config", prefix, node);
	assert_int_equal(client_publish(f->client, topics[0],
					"{\"unique_id\":\"esphome_temp\",\"state_topic\":\"x\","
					"\"device\":{\"identifiers\":[\"esphome_temp\"]}}",
					true),
			 0);
	snprintf(topics[1], 160, "%s/sensor/%s/esp_hum/config", prefix, node);
	snprintf(payload, sizeof(payload),
		 "{\"unique_id\":\"bedroomd_%s_hum\",\"state_topic\":\"x\","
		 "\"device\":{\"identifiers\":\"esphome_%s\"}}",
		 node, node);
	assert_int_equal(client_publish(f->client, topics[1], payload, true), 0);
}

/*
 * Whether the broker holds (retained) a config of the device of @node under
 * @prefix, and the two of publish_foreign(), as a Home Assistant that starts
 * now would find them.
 */
void check_retained(struct fixture *f, const char *prefix, const char *node, char foreign[2][160])
{
	const struct message *msgs;
	struct client *fresh = NULL;
	char filter[96];
	size_t n;

	snprintf(filter, sizeof(filter), "%s/#", prefix);
	assert_int_equal(client_new(&f->broker, filter, &fresh), 0);
	for (size_t i = 0; i < 2; i++) {
		const struct message *m = client_wait(fresh, foreign[i], "~{", 5000);

		if (!m || !m->retained)
			fail_msg("another device's '%s' is gone", foreign[i]);
	}
	(void) client_wait(fresh, "-", NULL, 300);
	n = client_messages(fresh, &msgs);
	for (size_t i = 0; i < n; i++) {
		char topic[160];

		for (size_t j = 0; j < N_OBJECTS; j++) {
			config_topic_of(prefix, node, j, topic, sizeof(topic));
			if (strcmp(msgs[i].topic, topic) == 0)
				fail_msg("'%s' of the old device is still retained", topic);
		}
	}
	client_free(fresh);
}

/* How many entities bedroomd said it announced (the objects above and more). */
int announced(struct fixture *f)
{
	char *log = daemon_stderr(&f->daemon), *at;
	int n = -1;

	assert_non_null(log);
	at = strstr(log, "announced ");
	if (!at || sscanf(at, "announced %d entities", &n) != 1)
		fail_msg("bedroomd did not say how many entities it announced");
	free(log);
	return n;
}

/*
 * Waits until the store keeps the device of @node under @prefix as the one
 * announced last (the next start has nothing to sweep).
 */
void wait_kept(struct fixture *f, const char *prefix, const char *node)
{
	char db[192], where[256];
	long long until = now_ms() + 5000;

	snprintf(db, sizeof(db), "%s/bedroomd.db", f->daemon.state_dir);
	snprintf(where, sizeof(where),
		 "(key = 'homeassistant.announced_prefix' AND value = '%s') OR "
		 "(key = 'homeassistant.announced_node_id' AND value = '%s')",
		 prefix, node);
	while (store_count_rows(db, "settings", where) != 2) {
		if (now_ms() > until)
			fail_msg("the store does not keep '%s' under '%s'", node, prefix);
		usleep(50000);
	}
}

/* Stops bedroomd (SIGTERM) and waits until it is gone. */
void stop(struct fixture *f)
{
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
}

/* Sends SIGHUP and waits until bedroomd said it reloaded (@n times in all). */
void reload(struct fixture *f, int n)
{
	long long until = now_ms() + 10000;

	kill(f->daemon.pid, SIGHUP);
	while (daemon_log_count(&f->daemon, "reloaded '") < n) {
		if (now_ms() > until)
			fail_msg("bedroomd did not reload");
		usleep(50000);
	}
}
