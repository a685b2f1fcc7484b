/*
 * The GPIO bed inputs as daemon/inputs.c and inputs-gpio.c drive them, over a
 * fake libgpiod (fake-gpiod.c): a mat whose chip fails at a reload is no
 * longer "in bed" for good; a line that cannot be requested (no such name, an
 * offset beyond the chip, busy, edges refused) takes no other input of its
 * chip down; a debounce the kernel refuses is said and done without; a press
 * queued at a reload is not lost; an input that cannot be read raises
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

/* The status of input @name in the state ("ok", "waiting", "failed"), and its error or NULL. */
static char *state_of(struct rig *r, const char *name, char **ret_error)
{
	json_t *state = json_object(), *in, *err;
	char *status;

	assert_non_null(state);
	assert_int_equal(inputs_add_state(r->inputs, state), 0);
	in = json_object_get(json_object_get(state, "inputs"), name);
	assert_non_null(in);
	status = strdup(json_string_value(json_object_get(in, "status")));
	err = json_object_get(in, "error");
	if (ret_error)
		*ret_error = err ? strdup(json_string_value(err)) : NULL;
	json_decref(state);
	return status;
}

static void assert_status(struct rig *r, const char *name, const char *status)
{
	char *s = state_of(r, name, NULL);

	assert_string_equal(s, status);
	free(s);
}

static struct input *input_named(struct rig *r, const char *name)
{
	for (size_t k = 0; k < r->inputs->n_inputs; k++)
		if (strcmp(r->inputs->inputs[k].cfg->name, name) == 0)
			return &r->inputs->inputs[k];
	fail_msg("no input '%s'", name);
	return NULL;
}

static void press(struct rig *r, unsigned line, uint64_t at_usec)
{
	fake_gpiod_edge(line, true, at_usec);
	fake_gpiod_edge(line, false, at_usec + SEC / 5);
	run(r);
}

static void start(void *userdata)
{
	struct rig *r = userdata;

	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
	run(r);
}

/*
 * In bed; a reload finds the mat's chip gone: the mat is no longer read, and
 * in bed is unknown, not what it said before the reload for good (also for
 * the request the reload kept).
 */
static void test_failed_request_after_a_reload_forgets_in_bed(void **state)
{
	struct rig *r = *state;

	fake_gpiod.levels[MAT_LINE] = true;
	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
	run(r);
	assert_int_equal(inputs_in_bed(r->inputs, NULL), 1);
	assert_int_equal(state_in_bed(r), 1);

	unlink(r->chip); /* the expander unplugged, just before the reload */
	reload(r, &r->config);
	run(r);
	assert_false(fake_gpiod.requested);
	assert_int_equal(inputs_in_bed(r->inputs, NULL), -ENODATA);
	assert_int_equal(state_in_bed(r), -1);
	assert_status(r, "mat", "failed");
}

/*
 * One bad line on the chip: a third input whose line cannot be requested
 * (@why: a line name the board does not have, an offset beyond the chip, a
 * line another program holds). The mat and the left button on the same chip
 * work all the same; the bad one is "failed" with a message naming it, raises
 * its own input_failed after the grace, and is retried on its own: once it
 * can be requested it works, and the left button's request was never touched.
 */
enum bad_line { BAD_NAME, BAD_OFFSET, BAD_BUSY };

static void one_bad_line(struct rig *r, enum bad_line why)
{
	static char right[] = "right", no_name[] = "GPIO233", beyond[] = "99", busy[] = "GPIO27";
	struct config_input more[3];
	struct config config = r->config;
	struct input *right_input;
	unsigned requests;
	char *log, *error = NULL, *status;

	memcpy(more, r->input, sizeof(r->input[0]) * 2);
	more[2] = r->input[1];
	more[2].name = right;
	more[2].gpio_line = why == BAD_NAME ? no_name : why == BAD_OFFSET ? beyond : busy;
	more[2].leg = CONFIG_LEG_RIGHT;
	config.inputs = more;
	config.n_inputs = 3;
	if (why == BAD_BUSY)
		fake_gpiod.fail_errno[27] = EBUSY;
	r->inputs = inputs_free(r->inputs);
	assert_int_equal(inputs_new(r->event, &config, r->alerts, &callbacks, r, &r->inputs), 0);

	fake_gpiod.levels[MAT_LINE] = true;
	log = stderr_captured(start, r);
	assert_non_null(log);
	assert_non_null(strstr(log, "input.right: "));
	assert_non_null(strstr(log, "input 'right'"));
	assert_null(strstr(log, "input.left:")); /* nothing said against the working ones */
	assert_null(strstr(log, "input.mat and"));
	free(log);
	assert_true(fake_gpiod.held[MAT_LINE]);
	assert_true(fake_gpiod.held[BTN_LINE]);
	assert_int_equal(inputs_in_bed(r->inputs, NULL), 1);
	assert_status(r, "mat", "ok");
	assert_status(r, "left", "ok");
	status = state_of(r, "right", &error);
	assert_string_equal(status, "failed");
	assert_non_null(error);
	assert_non_null(strstr(error, "right"));
	assert_non_null(strstr(error, r->chip));
	free(status);
	free(error);

	/* The left button on the same chip counts presses. */
	press(r, BTN_LINE, clock_monotonic_usec());
	assert_int_equal(r->cramps, 1);

	/* The grace runs out: only the right button's alert. */
	right_input = input_named(r, "right");
	assert_int_equal(sd_event_source_set_time(right_input->line->alert_timer, 1), 0);
	run(r);
	json_t *active = alerts_active_json(r->alerts);
	char *text = json_dumps(active, 0);

	assert_int_equal(json_array_size(active), 1);
	assert_non_null(strstr(text, "input.right"));
	free(text);
	json_decref(active);

	if (why != BAD_BUSY) {
		inputs_stop(r->inputs);
		r->inputs = inputs_free(r->inputs); /* before @more goes */
		return;
	}
	/* The other program lets go: the next try requests it, and nothing else. */
	fake_gpiod.fail_errno[27] = 0;
	requests = fake_gpiod.requests;
	assert_int_equal(sd_event_source_set_time(right_input->line->reopen_timer, 1), 0);
	run(r);
	assert_int_equal(fake_gpiod.requests, requests + 1);
	assert_true(fake_gpiod.held[27]);
	assert_status(r, "right", "ok");
	assert_false(alerts_is_active(r->alerts, "input_failed"));
	press(r, 27, clock_monotonic_usec());
	assert_int_equal(r->cramps, 2);
	inputs_stop(r->inputs);
	r->inputs = inputs_free(r->inputs);
}

static void test_unknown_line_name_takes_no_other_input_down(void **state)
{
	one_bad_line(*state, BAD_NAME);
}

static void test_offset_beyond_chip_takes_no_other_input_down(void **state)
{
	one_bad_line(*state, BAD_OFFSET);
}

static void test_busy_line_takes_no_other_input_down(void **state)
{
	one_bad_line(*state, BAD_BUSY);
}

/*
 * The kernel refuses the left button's debounce: said plainly, naming the
 * line and the debounce, and the line is requested at once without it;
 * bedroomd ignores the button's bounce itself. The mat works throughout.
 */
static void test_refused_debounce_is_said_and_done_without(void **state)
{
	struct rig *r = *state;
	struct input *left;
	uint64_t t = clock_monotonic_usec();
	char *log;

	r->input[1].debounce_usec = 20000;
	fake_gpiod.refuse_debounce[BTN_LINE] = true;
	log = stderr_captured(start, r);
	assert_non_null(log);
	assert_non_null(strstr(log, "warning: input.left: input 'left' (line 'GPIO22', offset 22"));
	assert_non_null(strstr(log, "debounce 20 ms"));
	assert_non_null(strstr(log, "the kernel refused this debounce (Invalid argument)"));
	assert_non_null(strstr(log, "requested without the kernel's debounce"));
	assert_null(strstr(log, "error:"));
	free(log);
	assert_true(fake_gpiod.held[BTN_LINE]);
	assert_int_equal(fake_gpiod.debounce_us[BTN_LINE], 0);
	assert_true(fake_gpiod.held[MAT_LINE]);
	assert_status(r, "left", "ok");

	/* A bouncy press: one press, no "pressed again". */
	left = input_named(r, "left");
	fake_gpiod_edge(BTN_LINE, true, t);
	fake_gpiod_edge(BTN_LINE, false, t + 1000);
	fake_gpiod_edge(BTN_LINE, true, t + 3000);
	fake_gpiod_edge(BTN_LINE, false, t + SEC / 2);
	run(r);
	assert_int_equal(r->cramps, 1);
	assert_int_equal(left->events, 2);
}

struct retry {
	struct rig *rig;
	struct input_line *line;
};

static void retry_now(void *userdata)
{
	struct retry *rt = userdata;

	assert_int_equal(sd_event_source_set_time(rt->line->reopen_timer, 1), 0);
	run(rt->rig);
}

/*
 * A line that cannot report edges (an expander without its interrupt): the
 * message says so and what to do, at error level once; the retries that
 * fail alike are not said again. The mat on the chip works.
 */
static void test_refused_edges_say_what_to_do_once(void **state)
{
	struct rig *r = *state;
	struct retry rt = { .rig = r };
	char *log;

	fake_gpiod.refuse_edges[BTN_LINE] = true;
	log = stderr_captured(start, r);
	assert_non_null(log);
	assert_non_null(strstr(log, "error: input.left: input 'left' (line 'GPIO22', offset 22"));
	assert_non_null(strstr(log, "cannot report changes"));
	assert_non_null(strstr(log, "move the input to a GPIO of the Pi itself"));
	free(log);
	assert_false(fake_gpiod.held[BTN_LINE]);
	assert_true(fake_gpiod.held[MAT_LINE]);
	assert_status(r, "left", "failed");

	rt.line = input_named(r, "left")->line;
	log = stderr_captured(retry_now, &rt);
	assert_non_null(log);
	assert_null(strstr(log, "error:"));
	free(log);
	assert_int_equal(rt.line->failures, 2);
}

/*
 * A reload while a press waits in the kernel's queue of the left button's
 * request (the loop busy with the reload): the request goes on through the
 * reload, unchanged, and the press is a cramp. A press after the reload, on
 * the same request, is one too.
 */
static void test_press_queued_at_a_reload_is_not_lost(void **state)
{
	struct rig *r = *state;
	unsigned requests;
	uint64_t t;

	assert_int_equal(inputs_start(r->inputs, r->mqtt), 0);
	run(r);
	requests = fake_gpiod.requests;
	t = clock_monotonic_usec();
	fake_gpiod_edge(BTN_LINE, true, t);
	fake_gpiod_edge(BTN_LINE, false, t + SEC / 5);
	reload(r, &r->config);
	run(r);
	assert_int_equal(r->cramps, 1);
	assert_int_equal(fake_gpiod.requests, requests); /* nothing requested anew */
	assert_true(fake_gpiod.held[BTN_LINE]);
	assert_status(r, "left", "ok");

	press(r, BTN_LINE, t + 5 * MIN);
	assert_int_equal(r->cramps, 2);
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
		cmocka_unit_test_setup_teardown(test_unknown_line_name_takes_no_other_input_down,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_offset_beyond_chip_takes_no_other_input_down,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_line_takes_no_other_input_down, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused_debounce_is_said_and_done_without,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_edges_say_what_to_do_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_press_queued_at_a_reload_is_not_lost, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dead_input_raises_an_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_working_input_raises_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chattering_contact_is_one_cramp, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
