/*
 * Two bedrooms on one broker: two daemons, two node_ids, two plugs, one
 * mosquitto. Each one's cramps, state, Home Assistant configs and heater
 * commands stay in its own topics; no unique_id, device, cramp id or client id is
 * shared; each subscribes only to what is its own (and Home Assistant's
 * status); a command to one does not move the other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/faults/rig.h"

struct rooms {
	struct rig a, b;
};

static int setup(void **state)
{
	struct rooms *f = calloc(1, sizeof(*f));

	*state = f;
	if (!f || rig_setup(&f->a, "bedA", NULL, NULL, NULL) < 0)
		return -1;
	return rig_setup_beside(&f->b, &f->a, "bedB");
}

static int teardown(void **state)
{
	struct rooms *f = *state;

	if (f) {
		rig_teardown(&f->b); /* the guest first: the broker is a's */
		rig_teardown(&f->a);
	}
	free(f);
	return 0;
}

/* Whether @topic is "@prefix/..." or @prefix itself. */
static bool below(const char *topic, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(topic, prefix, n) == 0 && (topic[n] == '/' || topic[n] == '\0');
}

/* Whether @topic is one of @r's: its base, its discovery configs, its plug's. */
static bool owns(struct rig *r, const char *topic)
{
	char prefix[128];

	if (below(topic, r->base))
		return true;
	/* homeassistant/<component>/<node_id>/... */
	if (strncmp(topic, "homeassistant/", 14) == 0) {
		const char *node = strchr(topic + 14, '/');

		return node && below(node + 1, r->node);
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(prefix, sizeof(prefix), "%s/%s",
			 (const char *[]){ "cmnd", "stat", "tele" }[i], r->plug);
		if (below(topic, prefix))
			return true;
	}
	return false;
}

/*
 * Every message on the broker so far belongs to exactly one bedroom (or is
 * Home Assistant's status), and names nothing of the other.
 */
static void check_topics_apart(struct rooms *f, struct client *c)
{
	const struct message *msgs;
	size_t n = client_messages(c, &msgs);

	for (size_t i = 0; i < n; i++) {
		const char *t = msgs[i].topic, *p = msgs[i].payload;
		bool a = owns(&f->a, t), b = owns(&f->b, t);

		if (strcmp(t, "homeassistant/status") == 0)
			continue;
		if (a == b)
			fail_msg("'%s' is %s bedroom's", t, a ? "each" : "neither");
		if (strstr(p, a ? f->b.node : f->a.node) || strstr(p, a ? f->b.plug : f->a.plug))
			fail_msg("'%s' of one bedroom names the other: %s", t, p);
	}
}

/* Records @value as @node's in @owners; true the first time. Fails if the other has it. */
static bool claim(json_t *owners, const char *what, json_t *value, const char *node)
{
	const char *v = json_string_value(value);
	json_t *owner;

	if (!v)
		fail_msg("a discovery config without a %s", what);
	owner = json_object_get(owners, v);
	if (!owner)
		return json_object_set_new(owners, v, json_string(node)) == 0;
	if (strcmp(json_string_value(owner), node) != 0)
		fail_msg("%s '%s' is in both bedrooms", what, v);
	return false;
}

/*
 * Claims the unique_id, device identifier and device name of every discovery
 * config of @r in @c for @r (in @ids, @devices, @names); returns how many
 * configs (each unique_id once).
 */
static size_t take_discovery(struct rig *r, struct client *c, json_t *ids, json_t *devices,
			     json_t *names)
{
	const struct message *msgs;
	size_t n = client_messages(c, &msgs), configs = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(msgs[i].topic);
		json_t *j, *device;

		if (!owns(r, msgs[i].topic) || strncmp(msgs[i].topic, "homeassistant/", 14) != 0 ||
		    len < 7 || strcmp(msgs[i].topic + len - 7, "/config") != 0 ||
		    !msgs[i].payload[0])
			continue;
		j = json_loads(msgs[i].payload, 0, NULL);
		assert_non_null(j);
		device = json_object_get(j, "device");
		configs += claim(ids, "unique_id", json_object_get(j, "unique_id"), r->node);
		(void) claim(devices, "device identifier",
			     json_array_get(json_object_get(device, "identifiers"), 0), r->node);
		(void) claim(names, "device name", json_object_get(device, "name"), r->node);
		json_decref(j);
	}
	return configs;
}

/* Each daemon subscribed only to its own topics and Home Assistant's status. */
static void check_subscriptions(struct rooms *f)
{
	char *log = broker_log(&f->a.broker), *line, *save = NULL;
	int seen[2] = { 0, 0 };

	assert_non_null(log);
	if (strstr(log, "already connected"))
		fail_msg("a client id was taken over:\n%s", log);
	for (line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char id[96], filter[256];
		int qos;

		/* "<time>: <client id> <qos> <filter>" */
		if (sscanf(line, "%*[^:]: %95s %d %255s", id, &qos, filter) != 3)
			continue;
		for (int k = 0; k < 2; k++) {
			struct rig *r = k ? &f->b : &f->a;
			char want[64];

			snprintf(want, sizeof(want), "bedroomd-%s", r->node);
			if (strcmp(id, want) != 0)
				continue;
			seen[k]++;
			if (!owns(r, filter) && strcmp(filter, "homeassistant/status") != 0)
				fail_msg("%s subscribed to '%s', not its own", id, filter);
		}
	}
	free(log);
	printf("# subscriptions: %d of bedroom a, %d of bedroom b\n", seen[0], seen[1]);
	assert_true(seen[0] > 0 && seen[1] > 0);
}

/* Logs a cramp in @r with @note and returns its id (the caller frees). */
static char *log_cramp(struct rig *r, const char *note)
{
	char payload[128], want[96], where[96], *id;
	const struct message *m;
	json_t *j;

	snprintf(payload, sizeof(payload), "{\"leg\":\"left\",\"note\":\"%s\"}", note);
	assert_int_equal(client_publish_acked(r->client, rig_topic(r, "cramp"), payload, 5000), 0);
	snprintf(want, sizeof(want), "~\"note\":\"%s\"", note);
	m = client_wait(r->client, rig_topic(r, "event/cramp"), want, 10000);
	assert_non_null(m);
	j = json_loads(m->payload, 0, NULL);
	assert_non_null(j);
	id = strdup(json_string_value(json_object_get(j, "id")));
	json_decref(j);
	assert_non_null(id);
	snprintf(where, sizeof(where), "note = '%s'", note);
	assert_int_equal(rig_wait_rows(r->db, "cramps", where, 1, 10000), 1);
	return id;
}

static void test_two_bedrooms_on_one_broker(void **state)
{
	struct rooms *f = *state;
	struct client *c = f->a.client; /* subscribed to "#": sees both */
	json_t *ids = json_object(), *devices = json_object(), *names = json_object();
	size_t configs_a, configs_b;
	char *id_a, *id_b;
	const struct message *msgs;
	size_t n, before;

	assert_string_not_equal(f->a.node, f->b.node);
	for (int k = 0; k < 2; k++) {
		struct rig *r = k ? &f->b : &f->a;

		assert_int_equal(rig_room(r, 15.0), 0);
		assert_int_equal(rig_start_plug(r), 0);
		assert_int_equal(rig_start(r), 0);
	}
	/* Both rooms are cold: each plug is switched on, by its own daemon. */
	assert_non_null(client_wait(c, rig_plug_on_topic(&f->a), "~Power ON", 20000));
	assert_non_null(client_wait(c, rig_plug_on_topic(&f->b), "~Power ON", 20000));
	for (int k = 0; k < 2; k++) {
		struct rig *r = k ? &f->b : &f->a;

		assert_non_null(
		    client_wait(c, rig_topic(r, "state"), "~\"action\":\"heating\"", 15000));
	}

	/* Home Assistant: the same entities for each, no unique_id or device shared. */
	configs_a = take_discovery(&f->a, c, ids, devices, names);
	configs_b = take_discovery(&f->b, c, ids, devices, names);
	printf("# discovery configs: %zu of bedroom a, %zu of bedroom b\n", configs_a, configs_b);
	assert_true(configs_a > 3);
	assert_int_equal(configs_a, configs_b);
	assert_int_equal(json_object_size(ids), configs_a + configs_b);
	/* Two devices in Home Assistant, not one with both bedrooms' entities. */
	assert_int_equal(json_object_size(devices), 2);
	assert_int_equal(json_object_size(names), 2);
	json_decref(ids);
	json_decref(devices);
	json_decref(names);

	/* Cramps: each in its own log, under its own id. */
	id_a = log_cramp(&f->a, "in bedroom a");
	id_b = log_cramp(&f->b, "in bedroom b");
	printf("# cramp ids: %s, %s\n", id_a, id_b);
	assert_string_not_equal(id_a, id_b);
	assert_int_equal(strncmp(id_a, f->a.node, strlen(f->a.node)), 0);
	assert_int_equal(strncmp(id_b, f->b.node, strlen(f->b.node)), 0);
	assert_int_equal(store_count_rows(f->a.db, "cramps", "1"), 1);
	assert_int_equal(store_count_rows(f->b.db, "cramps", "1"), 1);
	free(id_a);
	free(id_b);

	/* A command to a: a's plug goes off; b keeps heating. (Each sent OFF at start.) */
	before = client_messages(c, &msgs);
	assert_int_equal(client_publish_acked(c, rig_topic(&f->a, "set/mode"), "off", 5000), 0);
	assert_non_null(client_wait(c, rig_topic(&f->a, "state"), "~\"mode\":\"off\"", 10000));
	assert_non_null(client_wait(c, rig_plug_off_topic(&f->a), "OFF", 10000));
	/* Then one to b: once b shows it, b has had its chance to hear a's. */
	assert_int_equal(client_publish_acked(c, rig_topic(&f->b, "set/floor"), "19.5", 5000), 0);
	assert_non_null(client_wait(c, rig_topic(&f->b, "state"), "~\"floor\":19.5", 10000));
	n = client_messages(c, &msgs);
	for (size_t i = before; i < n; i++) {
		if (strcmp(msgs[i].topic, rig_plug_off_topic(&f->b)) == 0)
			fail_msg("bedroom b's plug was switched off: '%s'", msgs[i].payload);
		if (strcmp(msgs[i].topic, rig_topic(&f->b, "state")) == 0 &&
		    strstr(msgs[i].payload, "\"mode\":\"off\""))
			fail_msg("bedroom b went off with a's command: %s", msgs[i].payload);
		if (strcmp(msgs[i].topic, rig_topic(&f->a, "state")) == 0 &&
		    strstr(msgs[i].payload, "\"floor\":19.5"))
			fail_msg("bedroom a took b's floor: %s", msgs[i].payload);
	}
	assert_int_equal(rig_log_count(&f->b, "heating: mode set"), 0);
	assert_int_equal(rig_log_count(&f->a, "heating: floor set"), 0);
	assert_int_equal(rig_log_count(&f->a, "heating: mode set to off"), 1);
	assert_int_equal(rig_log_count(&f->b, "heating: floor set to 19.5"), 1);

	check_topics_apart(f, c);
	check_subscriptions(f);
	printf("faults: two-bedrooms: 2 daemons on one broker, %zu discovery configs each, %zu "
	       "messages seen, no topic, unique_id, device, cramp id or client id shared\n",
	       configs_a, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_bedrooms_on_one_broker, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
