/*
 * A Shelly Gen2 plug with the device's default MQTT settings, end to end: the
 * real bedroomd, a real mosquitto and a fake Shelly scripted here as the
 * device's documentation says it behaves. RPC over MQTT and RPC status
 * notifications are on, "Generic status update over MQTT" is off: so no
 * <prefix>/status/switch:0, a NotifyStatus on <prefix>/events/rpc only with
 * what changed (no "output" when the relay stays as it was, nothing at all for
 * an OFF to a plug already off) and the reply to every request on <src>/rpc.
 *
 * A keep-alive ON to a plug already on, and the OFF at a start to a plug
 * already off, are confirmed by the reply: no heater_unconfirmed. A Shelly
 * that does not answer still raises it, and the journal names the topic the
 * answer was due on; one that refuses with an error is said, once, in the
 * device's own words.
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
#include <unistd.h>

#include "tests/integration/plug-fixture.h"

#define CONFIRM_S  5  /* heater_unconfirmed after 3 of it: 15 s */
#define AUTO_OFF_S 60 /* the keep-alive every 30 s */

struct fixture {
	struct plug_fixture plug;
	char prefix[64];
	char rpc_topic[96];
	bool answers;  /* the fake Shelly answers at all */
	bool refuses;  /* with an error, to every request */
	bool on;       /* its relay */
	int requests;  /* Switch.Set taken */
	int unchanged; /* of them, ones that changed nothing */
};

static void publish(struct fixture *f, const char *topic, json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);

	assert_non_null(s);
	assert_int_equal(client_publish(f->plug.client, topic, s, false), 0);
	free(s);
	json_decref(msg);
}

/* The fake Shelly takes one request, as a default Shelly Plus Plug S does. */
static void take(struct fixture *f, const char *payload)
{
	json_t *req = json_loads(payload, 0, NULL), *params, *delta;
	const char *method, *src;
	char topic[256];
	bool was = f->on, on;

	assert_non_null(req);
	method = json_string_value(json_object_get(req, "method"));
	src = json_string_value(json_object_get(req, "src"));
	params = json_object_get(req, "params");
	assert_non_null(method);
	assert_string_equal(method, "Switch.Set");
	assert_non_null(src);
	assert_true(json_is_boolean(json_object_get(params, "on")));
	on = json_is_true(json_object_get(params, "on"));
	snprintf(topic, sizeof(topic), "%s/rpc", src);
	if (f->refuses) {
		f->requests++;
		publish(f, topic,
			json_pack("{s:O,s:s,s:s,s:{s:i,s:s}}", "id", json_object_get(req, "id"),
				  "src", f->prefix, "dst", src, "error", "code", -103, "message",
				  "Invalid argument 'toggle_after'"));
		json_decref(req);
		return;
	}
	f->on = on;
	f->requests++;
	f->unchanged += was == on;
	publish(f, topic,
		json_pack("{s:O,s:s,s:s,s:{s:b}}", "id", json_object_get(req, "id"), "src",
			  f->prefix, "dst", src, "result", "was_on", was));
	delta = json_pack("{s:i}", "id", 0);
	if (was != on) {
		json_object_set_new(delta, "output", json_boolean(on));
		json_object_set_new(delta, "source", json_string("MQTT"));
	}
	if (json_object_get(params, "toggle_after")) {
		json_object_set_new(delta, "timer_started_at", json_real(1.5e9));
		json_object_set(delta, "timer_duration", json_object_get(params, "toggle_after"));
	}
	if (json_object_size(delta) > 1) {
		char events[128];

		snprintf(events, sizeof(events), "%s/events", f->prefix);
		snprintf(topic, sizeof(topic), "%s/events/rpc", f->prefix);
		publish(f, topic,
			json_pack("{s:s,s:s,s:s,s:{s:f,s:o}}", "src", f->prefix, "dst", events,
				  "method", "NotifyStatus", "params", "ts", 1.5e9, "switch:0",
				  delta));
	} else
		json_decref(delta);
	json_decref(req);
}

/* The fake Shelly: every request on <prefix>/rpc taken, in order. */
static void answer(void *fixture, const char *topic, const char *payload)
{
	struct fixture *f = fixture;

	if (strcmp(topic, f->rpc_topic) == 0 && f->answers)
		take(f, payload);
}

static int setup(void **state)
{
	struct fixture *f;
	char heaters[512];

	if (plug_setup(state, sizeof(*f), "shelly", answer) < 0)
		return -1;
	f = *state;
	f->answers = true;
	snprintf(f->prefix, sizeof(f->prefix), "shellyplusplugs-%d", (int) getpid());
	snprintf(f->rpc_topic, sizeof(f->rpc_topic), "%s/rpc", f->prefix);
	snprintf(heaters, sizeof(heaters),
		 "[heater.radiator]\ntype = shelly\ntopic = %s\nauto_off = %ds\n"
		 "confirm_timeout = %ds\n",
		 f->prefix, AUTO_OFF_S, CONFIRM_S);
	return plug_configure(state, "max_rate = 0\n", heaters);
}

static void start(struct fixture *f)
{
	char online[96];

	snprintf(online, sizeof(online), "%s/online", f->prefix);
	assert_int_equal(client_publish(f->plug.client, online, "true", true), 0);
	plug_start(&f->plug);
}

static int unconfirmed(struct fixture *f)
{
	return daemon_log_count(&f->plug.daemon, "heater_unconfirmed");
}

/* Cold: ON, then keep-alives to a plug that is on; each answered only by its reply. */
static void test_keep_alive_to_a_plug_already_on(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;

	start(f);
	plug_reading(p, "15.0", false);
	plug_serve(p, 5000);
	assert_true(f->on);
	/* Two keep-alives, each given its confirm_timeout and retries to fail. */
	plug_serve(p, (2 * AUTO_OFF_S / 2 + 3 * CONFIRM_S + 2) * 1000);
	assert_true(f->unchanged >= 2);
	assert_int_equal(unconfirmed(f), 0);
	assert_true(f->on);
}

/* Warm, by day: the start's OFF to a plug already off, answered by its reply alone. */
static void test_start_with_the_plug_already_off(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;

	start(f);
	plug_reading(p, "21.0", false);
	plug_serve(p, (3 * CONFIRM_S + 5) * 1000);
	assert_true(f->requests >= 1);
	assert_int_equal(f->requests, f->unchanged);
	assert_false(f->on);
	assert_int_equal(unconfirmed(f), 0);
}

/* A Shelly that does not answer: heater_unconfirmed, naming where the reply was due. */
static void test_silent_shelly(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;
	char want[256];

	f->answers = false;
	start(f);
	snprintf(
	    want, sizeof(want),
	    "heater.radiator: heater_unconfirmed: no answer on 'bedroomd-shelly%d/%s/switch0/rpc'",
	    (int) getpid(), f->prefix);
	plug_serve(p, 2000);
	assert_int_equal(daemon_wait_log(&p->daemon, want, (3 * CONFIRM_S + 10) * 1000), 0);
}

/*
 * A Shelly that refuses every request (a JSON-RPC error): said at warning with
 * the device's code and message, once, not at every retry; then
 * heater_unconfirmed, in the device's words.
 */
static void test_refusing_shelly(void **state)
{
	struct fixture *f = *state;
	struct plug_fixture *p = &f->plug;
	char want[512];

	f->refuses = true;
	start(f);
	snprintf(want, sizeof(want),
		 "heater.radiator: the plug answered error -103 'Invalid argument "
		 "'toggle_after'' on 'bedroomd-shelly%d/%s/switch0/rpc': the command was refused: "
		 "not confirmed",
		 (int) getpid(), f->prefix);
	plug_serve(p, 2000);
	assert_int_equal(daemon_wait_log(&p->daemon, want, 5000), 0);
	plug_serve(p, (3 * CONFIRM_S + 2) * 1000);
	assert_true(f->requests >= 3);
	snprintf(want, sizeof(want),
		 "heater.radiator: heater_unconfirmed: the plug refuses the last command: error "
		 "-103 'Invalid argument 'toggle_after'' on 'bedroomd-shelly%d/%s/switch0/rpc'",
		 (int) getpid(), f->prefix);
	assert_int_equal(daemon_wait_log(&p->daemon, want, 5000), 0);
	assert_int_equal(daemon_log_count(&p->daemon, "the command was refused"), 1);
	assert_int_equal(daemon_log_count(&p->daemon, "heater_unconfirmed: no answer"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keep_alive_to_a_plug_already_on, setup,
						plug_teardown),
		cmocka_unit_test_setup_teardown(test_start_with_the_plug_already_off, setup,
						plug_teardown),
		cmocka_unit_test_setup_teardown(test_silent_shelly, setup, plug_teardown),
		cmocka_unit_test_setup_teardown(test_refusing_shelly, setup, plug_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
