/*
 * The GPIO bed inputs as daemon/inputs.c and inputs-gpio.c drive them, over a
 * fake libgpiod (fake-gpiod.c): a mat whose chip fails at a reload is no
 * longer "in bed" for good; an input that cannot be read raises
 * "input_failed" after its grace and clears it when its chip is back; a
 * contact that chatters all night is one cramp, said once as a faulty contact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/alerts.h"
#include "daemon/clock.h"
#include "daemon/inputs-internal.h"
#include "daemon/inputs.h"
#include "daemon/mqtt.h"
#include "tests/unit/fake-gpiod.h"
#include "tests/unit/stderr-capture.h"

#define SEC      1000000ULL
#define MIN      (60 * SEC)
#define MAT_LINE 17
#define BTN_LINE 22

struct rig {
	char dir[64];
	char chip[96];
	sd_event *event;
	struct mqtt *mqtt;
	struct alerts *alerts;
	struct config config;
	struct config_input input[3];
	struct inputs *inputs;
	unsigned cramps;
};

static void on_changed(void *userdata)
{
}

static void on_cramp(const struct inputs_cramp *cramp, void *userdata)
{
	struct rig *r = userdata;

	r->cramps++;
}

static const struct inputs_callbacks callbacks = {
	.changed = on_changed,
	.cramp = on_cramp,
};

static void run(struct rig *r)
{
	while (sd_event_run(r->event, 0) > 0)
		;
}

static int setup(void **state)
{
	static struct rig r;
	static char host[] = "127.0.0.1", client_id[] = "test-inputs-gpio", base[] = "bedroomd/b";
	static char mat[] = "mat", left[] = "left", mat_line[] = "GPIO17", left_line[] = "GPIO22";
	const struct config_mqtt cfg = { .host = host,
					 .port = 1,
					 .client_id = client_id,
					 .base_topic = base,
					 .keepalive_s = 60 };
	int fd;

	memset(&r, 0, sizeof(r));
	memset(&fake_gpiod, 0, sizeof(fake_gpiod));
	snprintf(r.dir, sizeof(r.dir), "/tmp/test-inputs-gpio-XXXXXX");
	if (!mkdtemp(r.dir))
		return -1;
	snprintf(r.chip, sizeof(r.chip), "%s/gpiochip0", r.dir);
	fd = open(r.chip, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	r.input[0] = (struct config_input){ .name = mat,
					    .type = CONFIG_INPUT_TYPE_GPIO,
					    .role = CONFIG_INPUT_ROLE_OCCUPANCY,
					    .chip = r.chip,
					    .gpio_line = mat_line };
	r.input[1] = (struct config_input){ .name = left,
					    .type = CONFIG_INPUT_TYPE_GPIO,
					    .role = CONFIG_INPUT_ROLE_CRAMP_BUTTON,
					    .chip = r.chip,
					    .gpio_line = left_line,
					    .repeat_window_usec = 2 * MIN,
					    .leg = CONFIG_LEG_LEFT };
	r.config.inputs = r.input;
	r.config.n_inputs = 2;
	if (sd_event_new(&r.event) < 0 ||
	    mqtt_new(r.event, &cfg, &(struct mqtt_callbacks){ 0 }, NULL, &r.mqtt) < 0 ||
	    alerts_new(r.event, "test", NULL, NULL, &r.alerts) < 0 ||
	    inputs_new(r.event, &r.config, r.alerts, &callbacks, &r, &r.inputs) < 0)
		return -1;
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	r->inputs = inputs_free(r->inputs);
	r->alerts = alerts_free(r->alerts);
	r->mqtt = mqtt_free(r->mqtt);
	r->event = sd_event_unref(r->event);
	unlink(r->chip);
	rmdir(r->dir);
	return 0;
}

/* The inputs of a reload to @config, after what @r's knew: @r's stop, the new ones start. */
static void reload(struct rig *r, const struct config *config)
{
	struct inputs *next = NULL;

	assert_int_equal(inputs_new(r->event, config, r->alerts, &callbacks, r, &next), 0);
	inputs_adopt(next, r->inputs);
	inputs_stop(r->inputs);
	r->inputs = inputs_free(r->inputs);
	r->inputs = next;
	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
}

/* "in_bed" in the state: 1, 0, or -1 for null. */
static int state_in_bed(struct rig *r)
{
	json_t *state = json_object(), *in_bed;
	int ret;

	assert_non_null(state);
	assert_int_equal(inputs_add_state(r->inputs, state), 0);
	in_bed = json_object_get(state, "in_bed");
	assert_non_null(in_bed);
	ret = json_is_null(in_bed) ? -1 : json_is_true(in_bed);
	json_decref(state);
	return ret;
}

/*
 * In bed; a reload adds an input with a wrong line on the mat's chip, so the
 * chip's whole request fails: the mat is no longer read, and in bed is
 * unknown, not what it said before the reload for good.
 */
static void test_failed_request_after_a_reload_forgets_in_bed(void **state)
{
	static char right[] = "right", bad_line[] = "GPIO233";
	struct rig *r = *state;
	struct config_input more[3];
	struct config config = r->config;

	fake_gpiod.levels[MAT_LINE] = true;
	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
	run(r);
	assert_int_equal(inputs_in_bed(r->inputs, NULL), 1);
	assert_int_equal(state_in_bed(r), 1);

	memcpy(more, r->input, sizeof(r->input[0]) * 2);
	more[2] = r->input[1];
	more[2].name = right;
	more[2].gpio_line = bad_line;
	more[2].leg = CONFIG_LEG_RIGHT;
	config.inputs = more;
	config.n_inputs = 3;
	reload(r, &config);
	run(r);
	assert_false(fake_gpiod.requested);
	assert_int_equal(inputs_in_bed(r->inputs, NULL), -ENODATA);
	assert_int_equal(state_in_bed(r), -1);
	inputs_stop(r->inputs);
	r->inputs = inputs_free(r->inputs); /* before @more goes */
}

/*
 * A chip that cannot be opened raises "input_failed" for each of its inputs,
 * not at once but after INPUTS_FAILED_ALERT_USEC, and clears it when it opens.
 */
static void test_dead_input_raises_an_alert(void **state)
{
	struct rig *r = *state;
	struct input_chip *c = &r->inputs->chips[0];
	uint64_t due = 0, now;

	unlink(r->chip); /* a USB expander unplugged */
	now = clock_monotonic_usec();
	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
	run(r);
	assert_false(alerts_is_active(r->alerts, "input_failed"));
	assert_int_equal(inputs_alert_horizon_usec(r->inputs, "input_failed", "input.mat"),
			 INPUTS_FAILED_ALERT_USEC);
	assert_int_equal(inputs_alert_horizon_usec(r->inputs, NULL, "input.gone"), 0);

	/* The grace runs out (brought forward: the test does not wait a minute). */
	assert_int_equal(sd_event_source_get_time(c->alert_timer, &due), 0);
	assert_true(due >= now + INPUTS_FAILED_ALERT_USEC);
	assert_true(due < now + INPUTS_FAILED_ALERT_USEC + 10 * SEC);
	assert_int_equal(sd_event_source_set_time(c->alert_timer, 1), 0);
	run(r);
	assert_true(alerts_is_active(r->alerts, "input_failed"));
	json_t *active = alerts_active_json(r->alerts);
	assert_int_equal(json_array_size(active), 2);
	json_decref(active);

	/* Plugged in again: the next try opens it, and the alerts clear. */
	int fd = open(r->chip, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sd_event_source_set_time(c->reopen_timer, 1), 0);
	run(r);
	assert_true(fake_gpiod.requested);
	assert_false(alerts_is_active(r->alerts, "input_failed"));
}

/* A chip that opens at once raises nothing, and its grace timer is not running. */
static void test_working_input_raises_nothing(void **state)
{
	struct rig *r = *state;
	int enabled = -1;

	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
	run(r);
	assert_true(fake_gpiod.requested);
	assert_int_equal(sd_event_source_get_enabled(r->inputs->chips[0].alert_timer, &enabled), 0);
	assert_int_equal(enabled, SD_EVENT_OFF);
	assert_false(alerts_is_active(r->alerts, "input_failed"));
}

struct chatter {
	struct rig *rig;
	uint64_t start, every, until, gap_press;
};

/* A press (100 ms) every @every from @start to @until, then one real press @gap_press later. */
static void chatter(void *userdata)
{
	struct chatter *ch = userdata;
	uint64_t t;

	for (t = ch->start; t < ch->until; t += ch->every) {
		fake_gpiod_edge(BTN_LINE, true, t);
		fake_gpiod_edge(BTN_LINE, false, t + SEC / 10);
		run(ch->rig);
	}
	fake_gpiod_edge(BTN_LINE, true, t + ch->gap_press);
	fake_gpiod_edge(BTN_LINE, false, t + ch->gap_press + SEC / 10);
	run(ch->rig);
}

/*
 * A corroded contact that presses every 5 s for half an hour is one cramp,
 * and the journal says once that it looks like a faulty contact; a press well
 * after it stopped (beyond repeat_window) is a cramp of its own.
 */
static void test_chattering_contact_is_one_cramp(void **state)
{
	struct rig *r = *state;
	uint64_t now = clock_monotonic_usec();
	struct chatter ch = { .rig = r,
			      .start = now,
			      .every = 5 * SEC,
			      .until = now + 30 * MIN,
			      .gap_press = 3 * MIN };
	char *log, *first;

	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
	run(r);
	log = stderr_captured(chatter, &ch);
	assert_non_null(log);
	assert_int_equal(r->cramps, 2);
	first = strstr(log, "a loose or damp contact?");
	assert_non_null(first);
	assert_null(strstr(first + 1, "a loose or damp contact?"));
	assert_non_null(strstr(log, "input.left pressed"));
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failed_request_after_a_reload_forgets_in_bed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_input_raises_an_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_working_input_raises_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chattering_contact_is_one_cramp, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
