/*
 * The MQTT bed inputs as daemon/inputs.c drives them: a retained message is a
 * level for a mat, but a cramp button has no lasting level, so a retained
 * "ON" (Tasmota's ButtonRetain, a device told to retain) must not swallow the
 * next press; and a button that only ever says "ON" is pressed each time. No
 * broker: messages go through the connection's dispatch, as in test-mqtt-slot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "daemon/inputs.h"
#include "daemon/mqtt-internal.h"
#include "daemon/mqtt.h"

#define BUTTON_TOPIC "test/left_button"
#define MAT_TOPIC    "test/mat"

struct rig {
	sd_event *event;
	struct mqtt *mqtt;
	struct config config;
	struct config_input input[2];
	struct inputs *inputs;
	unsigned cramps;
	enum config_leg last_leg;
};

static void on_changed(void *userdata)
{
}

static void on_cramp(const struct inputs_cramp *cramp, void *userdata)
{
	struct rig *r = userdata;

	r->cramps++;
	r->last_leg = cramp->leg;
	assert_string_equal(cramp->source, "button");
	assert_false(cramp->suspected);
}

static const struct inputs_callbacks callbacks = {
	.changed = on_changed,
	.cramp = on_cramp,
};

static int setup(void **state)
{
	static struct rig r;
	static char host[] = "127.0.0.1", client_id[] = "test-inputs-mqtt", base[] = "bedroomd/b";
	static char left[] = "left", mat[] = "mat", button_topic[] = BUTTON_TOPIC,
		    mat_topic[] = MAT_TOPIC, on[] = "ON", off[] = "OFF";
	const struct config_mqtt cfg = { .host = host,
					 .port = 1,
					 .client_id = client_id,
					 .base_topic = base,
					 .keepalive_s = 60 };

	memset(&r, 0, sizeof(r));
	r.input[0] = (struct config_input){ .name = left,
					    .type = CONFIG_INPUT_TYPE_MQTT,
					    .role = CONFIG_INPUT_ROLE_CRAMP_BUTTON,
					    .topic = button_topic,
					    .payload_on = on,
					    .payload_off = off,
					    .repeat_window_usec = 2 * 60 * 1000000ULL,
					    .leg = CONFIG_LEG_LEFT };
	r.input[1] = (struct config_input){ .name = mat,
					    .type = CONFIG_INPUT_TYPE_MQTT,
					    .role = CONFIG_INPUT_ROLE_OCCUPANCY,
					    .topic = mat_topic,
					    .payload_on = on,
					    .payload_off = off };
	r.config.inputs = r.input;
	r.config.n_inputs = 2;
	if (sd_event_new(&r.event) < 0 ||
	    mqtt_new(r.event, &cfg, &(struct mqtt_callbacks){ 0 }, NULL, &r.mqtt) < 0 ||
	    inputs_new(r.event, &r.config, NULL, &callbacks, &r, &r.inputs) < 0 ||
	    inputs_start(r.inputs, r.mqtt) < 0)
		return -1;
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	r->inputs = inputs_free(r->inputs);
	r->mqtt = mqtt_free(r->mqtt);
	r->event = sd_event_unref(r->event);
	return 0;
}

static void publish(struct rig *r, const char *topic, const char *payload, bool retained)
{
	mqtt_slots_dispatch(r->mqtt, &(const struct mqtt_message){ .topic = topic,
								   .payload = payload,
								   .len = strlen(payload),
								   .retained = retained });
}

/* The "active" of the input @name in the state: 1, 0, or -1 for null. */
static int state_active(struct rig *r, const char *name)
{
	json_t *state = json_object(), *active;
	int ret;

	assert_non_null(state);
	assert_int_equal(inputs_add_state(r->inputs, state), 0);
	active = json_object_get(json_object_get(json_object_get(state, "inputs"), name), "active");
	assert_non_null(active);
	ret = json_is_null(active) ? -1 : json_is_true(active);
	json_decref(state);
	return ret;
}

/* The broker hands the button's retained "ON" at subscribe: the next press is a cramp. */
static void test_retained_on_does_not_swallow_the_first_press(void **state)
{
	struct rig *r = *state;

	publish(r, BUTTON_TOPIC, "ON", true);
	assert_int_equal(r->cramps, 0);
	publish(r, BUTTON_TOPIC, "ON", false);
	assert_int_equal(r->cramps, 1);
	assert_int_equal(r->last_leg, CONFIG_LEG_LEFT);
}

/* After each reconnect the broker sends the retained "ON" again: still no press lost. */
static void test_retained_on_after_a_reconnect(void **state)
{
	struct rig *r = *state;

	r->input[0].repeat_window_usec = 1000; /* 1 ms: every press below is a new cramp */
	inputs_stop(r->inputs);
	r->inputs = inputs_free(r->inputs);
	assert_int_equal(inputs_new(r->event, &r->config, NULL, &callbacks, r, &r->inputs), 0);
	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
	for (unsigned k = 1; k <= 3; k++) {
		publish(r, BUTTON_TOPIC, "ON", true); /* (re)subscribed */
		usleep(5000);
		publish(r, BUTTON_TOPIC, "ON", false);
		assert_int_equal(r->cramps, k);
	}
}

/* A button that never says "OFF": each "ON" beyond the repeat window is a cramp. */
static void test_only_on_twice_is_two_presses(void **state)
{
	struct rig *r = *state;

	r->input[0].repeat_window_usec = 1000;
	inputs_stop(r->inputs);
	r->inputs = inputs_free(r->inputs);
	assert_int_equal(inputs_new(r->event, &r->config, NULL, &callbacks, r, &r->inputs), 0);
	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
	publish(r, BUTTON_TOPIC, "ON", true);
	publish(r, BUTTON_TOPIC, "ON", false);
	usleep(5000);
	publish(r, BUTTON_TOPIC, "ON", false);
	assert_int_equal(r->cramps, 2);
}

/* Within repeat_window, pressing again (only "ON"s, or "ON"/"OFF") is the same cramp. */
static void test_presses_within_the_window_are_one_cramp(void **state)
{
	struct rig *r = *state;

	publish(r, BUTTON_TOPIC, "ON", false);
	publish(r, BUTTON_TOPIC, "ON", false);
	publish(r, BUTTON_TOPIC, "OFF", false);
	publish(r, BUTTON_TOPIC, "ON", false);
	publish(r, BUTTON_TOPIC, "OFF", false);
	assert_int_equal(r->cramps, 1);
}

/* A retained "OFF", then "ON"/"OFF" as a normal button sends them: one press, one cramp. */
static void test_retained_off_then_a_press(void **state)
{
	struct rig *r = *state;

	publish(r, BUTTON_TOPIC, "OFF", true);
	publish(r, BUTTON_TOPIC, "ON", false);
	publish(r, BUTTON_TOPIC, "OFF", false);
	assert_int_equal(r->cramps, 1);
}

/*
 * A mat has a lasting level: its retained message is taken, as before. A
 * button has none: its retained message leaves its level unknown.
 */
static void test_retained_level_of_a_mat_is_kept(void **state)
{
	struct rig *r = *state;

	publish(r, BUTTON_TOPIC, "ON", true);
	assert_int_equal(state_active(r, "left"), -1);
	assert_int_equal(state_active(r, "mat"), -1);
	publish(r, MAT_TOPIC, "ON", true);
	assert_int_equal(state_active(r, "mat"), 1);
	publish(r, MAT_TOPIC, "OFF", true);
	assert_int_equal(state_active(r, "mat"), 0);
	assert_int_equal(r->cramps, 0);
}

/* The inputs of a reload to @config, after what @r's knew: @r's stop, the new ones start. */
static void reload(struct rig *r, const struct config *config)
{
	struct inputs *next = NULL;

	assert_int_equal(inputs_new(r->event, config, NULL, &callbacks, r, &next), 0);
	inputs_adopt(next, r->inputs);
	inputs_stop(r->inputs);
	r->inputs = inputs_free(r->inputs);
	r->inputs = next;
	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
}

/*
 * A reload with the same inputs (a longer on_delay is how the mat is read, not
 * another mat): in bed since the same time, the retained level sent again on
 * the new subscription no new "went to bed now", the button's repeat window
 * still running. A mat on another topic starts afresh.
 */
static void test_reload_keeps_what_the_inputs_knew(void **state)
{
	static char other_topic[] = "test/other_mat";
	struct rig *r = *state;
	struct config_input same[2], moved[2];
	struct config config = r->config;
	uint64_t since = 0, after = 0;

	publish(r, MAT_TOPIC, "ON", true);
	publish(r, BUTTON_TOPIC, "ON", false);
	assert_int_equal(r->cramps, 1);
	assert_int_equal(inputs_in_bed(r->inputs, &since), 1);
	usleep(20000);

	memcpy(same, r->input, sizeof(same));
	same[1].on_delay_usec = 60 * 1000000ULL;
	config.inputs = same;
	reload(r, &config);
	assert_int_equal(inputs_in_bed(r->inputs, &after), 1);
	publish(r, MAT_TOPIC, "ON", true); /* the broker's memory, on the new subscription */
	assert_int_equal(inputs_in_bed(r->inputs, &after), 1);
	assert_true(after + 1000 > since && after < since + 1000);
	assert_int_equal(state_active(r, "mat"), 1);
	publish(r, BUTTON_TOPIC, "ON", false);
	assert_int_equal(r->cramps, 1);

	memcpy(moved, same, sizeof(moved));
	moved[1].topic = other_topic;
	config.inputs = moved;
	reload(r, &config);
	assert_int_equal(inputs_in_bed(r->inputs, NULL), -ENODATA);
	assert_int_equal(state_active(r, "mat"), -1);
	/* The button did not change: its window goes on still. */
	publish(r, BUTTON_TOPIC, "ON", false);
	assert_int_equal(r->cramps, 1);
	inputs_stop(r->inputs);
	r->inputs = inputs_free(r->inputs); /* before @moved goes */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retained_on_does_not_swallow_the_first_press,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_retained_on_after_a_reconnect, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_only_on_twice_is_two_presses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_presses_within_the_window_are_one_cramp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retained_off_then_a_press, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retained_level_of_a_mat_is_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_what_the_inputs_knew, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
