/*
 * Who gets which message: subscription slots matched by filter (wildcards
 * included), called in order, freed safely from inside a handler, detached when
 * the connection goes; watches hearing the connection's events. No broker: the
 * dispatch is driven through the connection's internal entry points, as
 * libmosquitto's callbacks drive it (the integration tests do the rest).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mosquitto.h>

#include "daemon/mqtt-internal.h"
#include "daemon/mqtt.h"

#define BASE "bedroomd/bedroom"

struct rig {
	sd_event *event;
	struct mqtt *mqtt;
	char calls[512]; /* "name:topic;" per handler call, in order */
};

struct handler {
	struct rig *rig;
	const char *name;
	struct mqtt_slot *slot;
	struct mqtt_slot **free_on_call; /* a slot this handler frees when called */
	bool subscribe_on_call;          /* subscribes another slot when called */
	struct handler *added;
};

static void on_message(const struct mqtt_message *msg, void *userdata)
{
	struct handler *h = userdata;
	size_t n = strlen(h->rig->calls);

	snprintf(h->rig->calls + n, sizeof(h->rig->calls) - n, "%s:%s;", h->name, msg->topic);
	if (h->free_on_call)
		*h->free_on_call = mqtt_slot_free(*h->free_on_call);
	if (h->subscribe_on_call && h->added)
		assert_int_equal(
		    mqtt_subscribe(h->rig->mqtt, "#", 0, on_message, h->added, &h->added->slot), 0);
}

static void deliver(struct rig *r, const char *topic)
{
	mqtt_slots_dispatch(
	    r->mqtt, &(const struct mqtt_message){ .topic = topic, .payload = "x", .len = 1 });
}

static int setup(void **state)
{
	static struct rig r;
	static char host[] = "127.0.0.1", client_id[] = "test-mqtt-slot", base[] = BASE;
	const struct config_mqtt cfg = { .host = host,
					 .port = 1,
					 .client_id = client_id,
					 .base_topic = base,
					 .keepalive_s = 60 };

	memset(&r, 0, sizeof(r));
	if (sd_event_new(&r.event) < 0 ||
	    mqtt_new(r.event, &cfg, &(struct mqtt_callbacks){ 0 }, NULL, &r.mqtt) < 0)
		return -1;
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	r->mqtt = mqtt_free(r->mqtt);
	r->event = sd_event_unref(r->event);
	return 0;
}

static void test_filters_match_their_topics(void **state)
{
	struct rig *r = *state;
	struct handler cramp = { .rig = r, .name = "cramp" },
		       answers = { .rig = r, .name = "answers" }, all = { .rig = r, .name = "all" };
	struct handler plug = { .rig = r, .name = "plug" };

	assert_int_equal(mqtt_subscribe_below(r->mqtt, "cramp", 1, on_message, &cramp, &cramp.slot),
			 0);
	assert_string_equal(mqtt_slot_filter(cramp.slot), BASE "/cramp");
	assert_int_equal(
	    mqtt_subscribe_below(r->mqtt, "reminder/+", 1, on_message, &answers, &answers.slot), 0);
	assert_int_equal(mqtt_subscribe(r->mqtt, "plug/state", 1, on_message, &plug, &plug.slot),
			 0);
	assert_int_equal(mqtt_subscribe(r->mqtt, BASE "/#", 0, on_message, &all, &all.slot), 0);

	deliver(r, BASE "/cramp");
	deliver(r, BASE "/reminder/foot_soak");
	/* One level only for '+'; another base; a topic nobody wants. */
	deliver(r, BASE "/reminder/foot_soak/x");
	deliver(r, "bedroomd/other/reminder/foot_soak");
	deliver(r, "bedroomd/other/cramp");
	deliver(r, "plug/state");
	assert_string_equal(r->calls, "cramp:" BASE "/cramp;"
				      "all:" BASE "/cramp;"
				      "answers:" BASE "/reminder/foot_soak;"
				      "all:" BASE "/reminder/foot_soak;"
				      "all:" BASE "/reminder/foot_soak/x;"
				      "plug:plug/state;");
	cramp.slot = mqtt_slot_free(cramp.slot);
	r->calls[0] = '\0';
	deliver(r, BASE "/cramp");
	assert_string_equal(r->calls, "all:" BASE "/cramp;");
	answers.slot = mqtt_slot_free(answers.slot);
	plug.slot = mqtt_slot_free(plug.slot);
	all.slot = mqtt_slot_free(all.slot);
}

/*
 * A wildcard filter's literal start rules topics out before libmosquitto's
 * matcher: what starts alike but differs must still be told apart, and '#'
 * still takes its parent level, '+' an empty level.
 */
static void test_wildcard_filters_at_their_edges(void **state)
{
	struct rig *r = *state;
	struct handler tree = { .rig = r, .name = "tree" }, level = { .rig = r, .name = "level" },
		       any = { .rig = r, .name = "any" };

	assert_int_equal(mqtt_subscribe(r->mqtt, "a/b/#", 0, on_message, &tree, &tree.slot), 0);
	assert_int_equal(mqtt_subscribe(r->mqtt, "a/+/c", 0, on_message, &level, &level.slot), 0);
	assert_int_equal(mqtt_subscribe(r->mqtt, "+/x", 0, on_message, &any, &any.slot), 0);

	deliver(r, "a/b");
	deliver(r, "a/b/c");
	deliver(r, "a/bc");
	deliver(r, "a/bc/d");
	deliver(r, "a//c");
	deliver(r, "b/x/c");
	deliver(r, "a/x");
	deliver(r, "ab/x");
	deliver(r, "a");
	assert_string_equal(r->calls, "tree:a/b;"
				      "tree:a/b/c;"
				      "level:a/b/c;"
				      "level:a//c;"
				      "any:a/x;"
				      "any:ab/x;");
	tree.slot = mqtt_slot_free(tree.slot);
	level.slot = mqtt_slot_free(level.slot);
	any.slot = mqtt_slot_free(any.slot);
}

struct copy_seen {
	char text[256];     /* "topic=payload(len,retained);" per message */
	bool payload_ended; /* every payload was followed by a NUL */
};

static void on_copy(const struct mqtt_message *msg, void *userdata)
{
	struct copy_seen *seen = userdata;
	size_t n = strlen(seen->text);

	snprintf(seen->text + n, sizeof(seen->text) - n, "%s=%.*s(%zu,%d);", msg->topic,
		 (int) msg->len, (const char *) msg->payload, msg->len, msg->retained);
	seen->payload_ended =
	    seen->payload_ended && ((const char *) msg->payload)[msg->len] == '\0';
}

/*
 * What libmosquitto's callback gives is copied (its buffers are gone after the
 * read) and handed to the slots only by mqtt_deliver(), in order: topic,
 * payload (an empty one as ""), length and the retained flag intact.
 */
static void test_messages_wait_for_the_read_to_end(void **state)
{
	struct rig *r = *state;
	struct copy_seen seen = { .payload_ended = true };
	struct mqtt_slot *slot = NULL;
	char topic[] = "t/a", payload[] = "18.5 trailing", empty_topic[] = "t/b";

	assert_int_equal(mqtt_subscribe(r->mqtt, "t/#", 0, on_copy, &seen, &slot), 0);
	mqtt_on_message(NULL, r->mqtt,
			&(struct mosquitto_message){
			    .topic = topic, .payload = payload, .payloadlen = 4, .retain = true });
	mqtt_on_message(NULL, r->mqtt, &(struct mosquitto_message){ .topic = empty_topic });
	memset(topic, 'x', 3);
	memset(payload, 'x', sizeof(payload) - 1);
	assert_string_equal(seen.text, "");
	mqtt_deliver(r->mqtt);
	assert_string_equal(seen.text, "t/a=18.5(4,1);t/b=(0,0);");
	assert_true(seen.payload_ended);
	seen.text[0] = '\0';
	mqtt_deliver(r->mqtt);
	assert_string_equal(seen.text, "");
	slot = mqtt_slot_free(slot);
}

static void test_bad_filters_are_refused(void **state)
{
	struct rig *r = *state;
	struct handler h = { .rig = r, .name = "h" };

	assert_int_equal(mqtt_subscribe(r->mqtt, "a/#/b", 1, on_message, &h, &h.slot), -EINVAL);
	assert_int_equal(mqtt_subscribe(r->mqtt, "a+/b", 1, on_message, &h, &h.slot), -EINVAL);
	assert_int_equal(mqtt_subscribe(r->mqtt, "a/b", 3, on_message, &h, &h.slot), -EINVAL);
	assert_null(h.slot);
}

/* A handler that frees its own slot and a later one: neither is called again. */
static void test_slots_freed_while_dispatching(void **state)
{
	struct rig *r = *state;
	struct handler first = { .rig = r, .name = "first" },
		       second = { .rig = r, .name = "second" },
		       third = { .rig = r, .name = "third" };

	assert_int_equal(mqtt_subscribe(r->mqtt, "t", 1, on_message, &first, &first.slot), 0);
	assert_int_equal(mqtt_subscribe(r->mqtt, "t", 1, on_message, &second, &second.slot), 0);
	assert_int_equal(mqtt_subscribe(r->mqtt, "t", 1, on_message, &third, &third.slot), 0);
	second.free_on_call = &third.slot;
	first.free_on_call = &first.slot;
	deliver(r, "t");
	assert_string_equal(r->calls, "first:t;second:t;");
	assert_null(first.slot);
	assert_null(third.slot);
	r->calls[0] = '\0';
	second.free_on_call = NULL;
	deliver(r, "t");
	assert_string_equal(r->calls, "second:t;");
	second.slot = mqtt_slot_free(second.slot);
}

/* A slot added by a handler hears the next message, not the one being handed out. */
static void test_slots_added_while_dispatching(void **state)
{
	struct rig *r = *state;
	struct handler late = { .rig = r, .name = "late" };
	struct handler first = {
		.rig = r, .name = "first", .subscribe_on_call = true, .added = &late
	};

	assert_int_equal(mqtt_subscribe(r->mqtt, "t", 1, on_message, &first, &first.slot), 0);
	deliver(r, "t");
	assert_string_equal(r->calls, "first:t;");
	first.subscribe_on_call = false;
	deliver(r, "u");
	assert_string_equal(r->calls, "first:t;late:u;");
	first.slot = mqtt_slot_free(first.slot);
	late.slot = mqtt_slot_free(late.slot);
}

struct watched {
	unsigned connected, disconnected;
	int last_mid;
};

static void on_connected(struct mqtt *m, void *userdata)
{
	((struct watched *) userdata)->connected++;
}

static void on_disconnected(struct mqtt *m, void *userdata)
{
	((struct watched *) userdata)->disconnected++;
}

static void on_published(struct mqtt *m, int mid, void *userdata)
{
	((struct watched *) userdata)->last_mid = mid;
}

static void test_watches_hear_the_connection(void **state)
{
	static const struct mqtt_watch_callbacks all = { on_connected, on_disconnected,
							 on_published };
	static const struct mqtt_watch_callbacks only_connected = { .connected = on_connected };
	struct rig *r = *state;
	struct watched a = { 0 }, b = { 0 };
	struct mqtt_slot *wa = NULL, *wb = NULL;

	assert_int_equal(mqtt_watch(r->mqtt, &all, &a, &wa), 0);
	assert_int_equal(mqtt_watch(r->mqtt, &only_connected, &b, &wb), 0);
	assert_null(mqtt_slot_filter(wa));
	mqtt_slots_connected(r->mqtt);
	mqtt_slots_published(r->mqtt, 42);
	mqtt_slots_disconnected(r->mqtt);
	assert_int_equal(a.connected, 1);
	assert_int_equal(a.disconnected, 1);
	assert_int_equal(a.last_mid, 42);
	assert_int_equal(b.connected, 1);
	assert_int_equal(b.disconnected, 0);
	/* Watches hear no messages, subscriptions no connection events. */
	deliver(r, "t");
	wa = mqtt_slot_free(wa);
	mqtt_slots_connected(r->mqtt);
	assert_int_equal(a.connected, 1);
	assert_int_equal(b.connected, 2);
	wb = mqtt_slot_free(wb);
}

/* The connection goes first (a reload to another broker): the slots stay safe to free. */
static void test_slots_outlive_their_connection(void **state)
{
	struct rig *r = *state;
	struct handler h = { .rig = r, .name = "h" };
	struct mqtt_slot *w = NULL;

	assert_int_equal(mqtt_subscribe(r->mqtt, "t", 1, on_message, &h, &h.slot), 0);
	assert_int_equal(mqtt_watch(r->mqtt, &(const struct mqtt_watch_callbacks){ 0 }, NULL, &w),
			 0);
	r->mqtt = mqtt_free(r->mqtt);
	assert_string_equal(mqtt_slot_filter(h.slot), "t");
	h.slot = mqtt_slot_free(h.slot);
	w = mqtt_slot_free(w);
	assert_null(mqtt_slot_free(NULL));
}

/* A filter whose last slot goes while away is unsubscribed on the next connect; one wanted
 * again is not. */
static void test_filters_dropped_while_away(void **state)
{
	struct rig *r = *state;
	struct handler a = { .rig = r, .name = "a" }, b = { .rig = r, .name = "b" };
	struct handler b2 = { .rig = r, .name = "b2" };

	assert_int_equal(mqtt_subscribe(r->mqtt, "plug/a", 1, on_message, &a, &a.slot), 0);
	assert_int_equal(mqtt_subscribe(r->mqtt, "plug/b", 1, on_message, &b, &b.slot), 0);
	assert_int_equal(mqtt_subscribe(r->mqtt, "plug/b", 1, on_message, &b2, &b2.slot), 0);
	a.slot = mqtt_slot_free(a.slot);
	assert_int_equal(r->mqtt->n_dropped, 1);
	assert_string_equal(r->mqtt->dropped[0], "plug/a");
	/* Another slot still holds plug/b: nothing to drop. */
	b.slot = mqtt_slot_free(b.slot);
	assert_int_equal(r->mqtt->n_dropped, 1);
	/* Wanted again before the connect: kept. */
	assert_int_equal(mqtt_subscribe(r->mqtt, "plug/a", 1, on_message, &a, &a.slot), 0);
	assert_int_equal(r->mqtt->n_dropped, 0);
	b2.slot = mqtt_slot_free(b2.slot);
	assert_int_equal(r->mqtt->n_dropped, 1);
	assert_string_equal(r->mqtt->dropped[0], "plug/b");
	a.slot = mqtt_slot_free(a.slot);
	assert_int_equal(r->mqtt->n_dropped, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filters_match_their_topics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wildcard_filters_at_their_edges, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_messages_wait_for_the_read_to_end, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_filters_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_freed_while_dispatching, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_slots_added_while_dispatching, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_watches_hear_the_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_outlive_their_connection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_filters_dropped_while_away, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
