/*
 * The outdoor thermometer in heating (daemon/heating-outdoor.c): a reading
 * goes into the thermostat's input and into the state with its time, the
 * first is said once, a payload it cannot read is a warning naming the topic
 * (once, as a room thermometer's), a topic that stays silent is said, and a
 * reload carries the value on only while an outdoor_topic is configured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/clock.h"
#include "daemon/heating-internal.h"
#include "tests/unit/stderr-capture.h"

struct fixture {
	sd_event *event;
	char topic[32], other_topic[32], key[32];
	struct config config;
	struct heating h;
	unsigned changed;
};

static void on_changed(void *userdata)
{
	struct fixture *f = userdata;

	f->changed++;
}

static const struct heating_callbacks callbacks = { .changed = on_changed };

/* A heating with what heating-outdoor.c looks at; @heater: a thermostat to use the value. */
static void heating_init(struct fixture *f, struct heating *h, bool heater)
{
	*h = (struct heating){
		.event = f->event, .config = &f->config, .cb = &callbacks, .userdata = f
	};
	thermostat_input_init(&h->in);
	if (heater) {
		struct thermostat_params p;

		thermostat_params_init(&p);
		assert_int_equal(thermostat_new(&p, &h->thermostat), 0);
	}
	assert_int_equal(heating_outdoor_init(h), 0);
}

static void heating_done(struct heating *h)
{
	heating_outdoor_done(h);
	h->thermostat = thermostat_free(h->thermostat);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_true(sd_event_new(&f->event) >= 0);
	snprintf(f->topic, sizeof(f->topic), "garden/t");
	snprintf(f->other_topic, sizeof(f->other_topic), "balcony/t");
	snprintf(f->key, sizeof(f->key), "temperature");
	f->config.heating.outdoor_topic = f->topic;
	heating_init(f, &f->h, true);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	heating_done(&f->h);
	sd_event_unref(f->event);
	free(f);
	return 0;
}

static void receive(struct heating *h, const char *payload, bool retained)
{
	struct mqtt_message msg = { .topic = h->config->heating.outdoor_topic,
				    .payload = payload,
				    .len = strlen(payload),
				    .retained = retained };

	heating_outdoor_receive(h, &msg);
}

struct receipt {
	struct heating *h;
	const char *payload;
	bool retained;
};

static void receive_it(void *arg)
{
	struct receipt *r = arg;

	receive(r->h, r->payload, r->retained);
}

/* Runs receive() with stderr captured; returns what was written (caller frees). */
static char *received(struct heating *h, const char *payload, bool retained)
{
	struct receipt r = { h, payload, retained };

	return stderr_captured(receive_it, &r);
}

/* The state's "outdoor", as it is published. */
static char *state_text(const struct heating *h)
{
	json_t *j = heating_outdoor_state(h);
	char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(6));

	json_decref(j);
	assert_non_null(text);
	return text;
}

/* The state's "outdoor" time, in Unix seconds; -1 when null. */
static int64_t state_time(const struct heating *h)
{
	json_t *j = heating_outdoor_state(h), *t = json_object_get(j, "time");
	int64_t s = -1;

	assert_true(json_is_object(j));
	if (!json_is_null(t))
		assert_int_equal(clock_parse_iso8601(json_string_value(t), &s), 0);
	json_decref(j);
	return s;
}

static void test_no_reading_is_null(void **state)
{
	struct fixture *f = *state;
	char *text = state_text(&f->h);

	assert_string_equal(text, "null");
	free(text);
}

static void test_first_reading_is_said_once_and_shown_with_its_time(void **state)
{
	struct fixture *f = *state;
	char *log, *text;

	log = received(&f->h, "-5", false);
	assert_non_null(strstr(log, "heating: outdoor temperature from 'garden/t': -5.0 °C, used "
				    "for the pre-heat and the model\n"));
	free(log);
	assert_true(f->h.in.outdoor_known);
	assert_true(f->h.in.outdoor_c == -5.0);
	assert_int_equal(f->changed, 1);
	text = state_text(&f->h);
	assert_int_equal(strncmp(text, "{\"temperature\":-5.0,\"time\":\"", 28), 0);
	free(text);
	assert_true(llabs(state_time(&f->h) - (int64_t) time(NULL)) <= 2);

	/* The next ones are used, not said; a new value is news for the state, the same not. */
	log = received(&f->h, "-4.25", false);
	assert_null(strstr(log, "outdoor temperature from"));
	free(log);
	assert_true(f->h.in.outdoor_c == -4.25);
	assert_int_equal(f->changed, 2);
	free(received(&f->h, "-4.25", false));
	assert_int_equal(f->changed, 2);
}

/* A retained value is used as before, but its age is unknown: no time. */
static void test_retained_value_has_no_time(void **state)
{
	struct fixture *f = *state;
	char *log, *text;

	log = received(&f->h, "3.25", true);
	assert_non_null(strstr(log, "outdoor temperature from 'garden/t': 3.2 °C (retained: its "
				    "age is unknown), used for the pre-heat and the model"));
	free(log);
	assert_true(f->h.in.outdoor_c == 3.25);
	text = state_text(&f->h);
	assert_string_equal(text, "{\"temperature\":3.25,\"time\":null}");
	free(text);
	receive(&f->h, "3.5", false);
	assert_true(state_time(&f->h) > 0);
	/* A reconnect's retained copy of the value in use keeps its time; another has none. */
	receive(&f->h, "3.5", true);
	assert_true(state_time(&f->h) > 0);
	receive(&f->h, "3.75", true);
	assert_true(state_time(&f->h) == -1);
	assert_true(f->h.in.outdoor_c == 3.75);
}

static void test_unreadable_payload_is_a_warning_naming_the_topic(void **state)
{
	struct fixture *f = *state;
	char *log, *text;

	log = received(&f->h, "abc", false);
	assert_string_equal(log, "bedroomd: warning: heating: refused a 3-byte outdoor temperature "
				 "on 'garden/t': not a number, ignoring\n");
	free(log);
	assert_false(f->h.in.outdoor_known);
	text = state_text(&f->h);
	assert_string_equal(text, "null");
	free(text);
	/* Once, as a room thermometer's: the next ones are debug lines. */
	log = received(&f->h, "nan", false);
	assert_string_equal(log, "");
	free(log);
	/* The first reading says it all, with no "readable again" before it. */
	log = received(&f->h, "1", false);
	assert_null(strstr(log, "readable again"));
	assert_non_null(strstr(log, "outdoor temperature from 'garden/t': 1.0 °C"));
	free(log);
}

static void test_readable_again_is_said_after_a_warning(void **state)
{
	struct fixture *f = *state;
	char *log;

	receive(&f->h, "1", false);
	log = received(&f->h, "{}", false);
	assert_string_equal(log, "bedroomd: warning: heating: refused a 2-byte outdoor temperature "
				 "on 'garden/t': JSON payload but no json_key set, ignoring\n");
	free(log);
	log = received(&f->h, "1.5", false);
	assert_string_equal(
	    log, "bedroomd: heating: outdoor temperatures on 'garden/t' are readable again\n");
	free(log);
}

/* A sensor's error value (a DS18B20's 85 or -127 °C) is not weather: refused, said. */
static void test_error_values_are_refused(void **state)
{
	struct fixture *f = *state;
	char *log;

	receive(&f->h, "-3", false);
	log = received(&f->h, "85", false);
	assert_string_equal(log, "bedroomd: warning: heating: refused a 2-byte outdoor temperature "
				 "on 'garden/t': outside -60 to 60 °C, not an outdoor temperature "
				 "(a sensor's error value?), ignoring\n");
	free(log);
	receive(&f->h, "-127", false);
	assert_true(f->h.in.outdoor_c == -3.0);
}

/* zigbee2mqtt sends each attribute on its own: one without the key is another message. */
static void test_json_without_the_key_after_it_was_seen_is_quiet(void **state)
{
	struct fixture *f = *state;
	char *log;

	f->config.heating.outdoor_json_key = f->key;
	log = received(&f->h, "{\"temperature\":-2.5,\"battery\":90}", false);
	assert_non_null(strstr(log, "-2.5 °C"));
	free(log);
	log = received(&f->h, "{\"battery\":80}", false);
	assert_string_equal(log, "");
	free(log);
	assert_true(f->h.in.outdoor_c == -2.5);
}

static void test_without_a_heater_it_is_said_unused(void **state)
{
	struct fixture *f = *state;
	struct heating h;
	char *log;

	heating_init(f, &h, false);
	log = received(&h, "7", false);
	assert_non_null(
	    strstr(log, "outdoor temperature from 'garden/t': 7.0 °C, unused: no heater"));
	free(log);
	heating_done(&h);
}

static void test_reload_carries_the_value_while_a_topic_is_configured(void **state)
{
	struct fixture *f = *state;
	struct config same = f->config, other = f->config, none = f->config;
	struct heating h;
	int64_t t;
	char *log;

	receive(&f->h, "-5", false);
	t = state_time(&f->h);

	/* The same topic: the value with its time, and the first reading said already. */
	heating_init(f, &h, true);
	h.config = &same;
	heating_outdoor_adopt(&h, &f->h);
	assert_true(h.in.outdoor_known && h.in.outdoor_c == -5.0);
	assert_true(state_time(&h) == t);
	log = received(&h, "-6", false);
	assert_null(strstr(log, "outdoor temperature from"));
	free(log);
	heating_done(&h);

	/* Another topic: the value goes on until it speaks, which is said. */
	other.heating.outdoor_topic = f->other_topic;
	heating_init(f, &h, true);
	h.config = &other;
	heating_outdoor_adopt(&h, &f->h);
	assert_true(h.in.outdoor_known && h.in.outdoor_c == -5.0);
	log = received(&h, "-6", false);
	assert_non_null(strstr(log, "outdoor temperature from 'balcony/t': -6.0 °C"));
	free(log);
	heating_done(&h);

	/* No outdoor_topic any more: none is used, rather than the last one for ever. */
	none.heating.outdoor_topic = NULL;
	heating_init(f, &h, true);
	h.config = &none;
	heating_outdoor_adopt(&h, &f->h);
	assert_false(h.in.outdoor_known);
	log = state_text(&h);
	assert_string_equal(log, "null");
	free(log);
	heating_done(&h);
}

struct loop_run {
	struct fixture *f;
	int ms;
};

static void run_loop_for(void *arg)
{
	struct loop_run *run = arg;

	for (int i = 0; i < run->ms / 10; i++)
		assert_true(sd_event_run(run->f->event, 10 * 1000) >= 0);
}

/* Runs the loop for up to @ms with stderr captured; returns what was written. */
static char *run_loop(struct fixture *f, int ms)
{
	struct loop_run run = { f, ms };

	return stderr_captured(run_loop_for, &run);
}

/* A topic that says nothing after subscribing (a typo) is said once; one that speaks is not. */
static void test_silent_topic_is_said_once(void **state)
{
	struct fixture *f = *state;
	struct heating h;
	char *log;

	/* The daemon's is 10 min. */
	f->h.outdoor.silence.after_usec = 50 * 1000;
	heating_outdoor_connection(&f->h, true);
	log = run_loop(f, 300);
	assert_non_null(strstr(log, "heating: no message at all on outdoor_topic 'garden/t'"));
	assert_null(strstr(strstr(log, "no message at all") + 1, "no message at all"));
	free(log);

	heating_init(f, &h, true);
	h.outdoor.silence.after_usec = 50 * 1000;
	heating_outdoor_connection(&h, true);
	receive(&h, "2", false);
	log = run_loop(f, 200);
	assert_null(strstr(log, "no message at all"));
	free(log);
	heating_done(&h);
}

/* Stopped (heating off) with the silence due: the timer goes quiet, not round and round. */
static void test_silence_timer_rests_once_heating_is_off(void **state)
{
	struct fixture *f = *state;
	int dispatched = 0;

	f->h.outdoor.silence.after_usec = 20 * 1000;
	heating_outdoor_connection(&f->h, true);
	f->h.off = true;
	usleep(50 * 1000);
	for (int i = 0; i < 20; i++) {
		int r = sd_event_run(f->event, 10 * 1000);

		assert_true(r >= 0);
		dispatched += r;
	}
	assert_int_equal(dispatched, 1);
}

/*
 * A value too old is not used: the thermostat is told the outdoor temperature
 * is unknown (one warning), the state keeps the last value and its time, a
 * retained copy of it (a reconnect) does not make it new, a new one is used
 * again (one info line).
 */
static void test_old_value_goes_unused_until_a_new_one(void **state)
{
	struct fixture *f = *state;
	int64_t t;
	char *log, *text;

	/* The daemon's is 3 h. */
	f->h.outdoor.max_age_usec = 50 * 1000;
	receive(&f->h, "14.5", false);
	t = state_time(&f->h);
	assert_true(f->h.in.outdoor_known);
	log = run_loop(f, 300);
	assert_non_null(strstr(log, "heating: no new outdoor temperature on 'garden/t' for 0 min "
				    "(the last, 14.5 °C, is in the state): too old to use"));
	assert_null(strstr(strstr(log, "no new outdoor") + 1, "no new outdoor"));
	free(log);
	assert_false(f->h.in.outdoor_known);
	assert_true(f->h.outdoor.stale);
	text = state_text(&f->h);
	assert_int_equal(strncmp(text, "{\"temperature\":14.5,\"time\":\"", 28), 0);
	free(text);
	assert_true(state_time(&f->h) == t);

	/* Said once: the timer rests. */
	log = run_loop(f, 200);
	assert_null(strstr(log, "no new outdoor"));
	free(log);

	/* The broker's retained copy of the dead sensor's last value: still too old. */
	log = received(&f->h, "14.5", true);
	assert_null(strstr(log, "again"));
	free(log);
	assert_false(f->h.in.outdoor_known);

	/* A new value: used, and said. */
	log = received(&f->h, "3", false);
	assert_non_null(strstr(log, "heating: outdoor temperature on 'garden/t' again: 3.0 °C, "
				    "used for the pre-heat and the model"));
	free(log);
	assert_true(f->h.in.outdoor_known && f->h.in.outdoor_c == 3.0);
	assert_false(f->h.outdoor.stale);

	/* ...until it is too old in its turn. */
	log = run_loop(f, 300);
	assert_non_null(strstr(log, "no new outdoor temperature"));
	free(log);
	assert_false(f->h.in.outdoor_known);
}

/* A retained value, of unknown age, is used as one that came when it arrived. */
static void test_retained_value_ages_from_its_arrival(void **state)
{
	struct fixture *f = *state;
	char *log;

	f->h.outdoor.max_age_usec = 100 * 1000;
	receive(&f->h, "9", true);
	assert_true(f->h.in.outdoor_known);
	log = run_loop(f, 40);
	free(log);
	assert_true(f->h.in.outdoor_known);
	log = run_loop(f, 300);
	assert_non_null(strstr(log, "(the last, 9.0 °C, came retained, its age unknown)"));
	free(log);
	assert_false(f->h.in.outdoor_known);
}

/* A reload carries a value's age on: one too old stays so, one in use goes stale in time. */
static void test_reload_carries_the_age(void **state)
{
	struct fixture *f = *state;
	struct heating h;
	char *log;

	f->h.outdoor.max_age_usec = 50 * 1000;
	receive(&f->h, "-2", false);
	heating_init(f, &h, true);
	heating_outdoor_adopt(&h, &f->h);
	assert_true(h.in.outdoor_known);
	heating_outdoor_done(&f->h); /* the old heating is gone */
	log = run_loop(f, 300);
	assert_non_null(strstr(log, "no new outdoor temperature"));
	free(log);
	assert_false(h.in.outdoor_known);

	heating_outdoor_init(&f->h);
	heating_outdoor_adopt(&f->h, &h);
	assert_false(f->h.in.outdoor_known);
	assert_true(f->h.outdoor.stale);
	log = state_text(&f->h);
	assert_int_equal(strncmp(log, "{\"temperature\":-2.0,", 20), 0);
	free(log);
	heating_done(&h);
}

static void test_no_topic_no_timer(void **state)
{
	struct fixture *f = *state;
	struct heating h;

	f->config.heating.outdoor_topic = NULL;
	heating_init(f, &h, true);
	assert_null(h.outdoor.silence_timer);
	heating_outdoor_connection(&h, true);
	heating_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_reading_is_null, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_first_reading_is_said_once_and_shown_with_its_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retained_value_has_no_time, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unreadable_payload_is_a_warning_naming_the_topic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_values_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readable_again_is_said_after_a_warning, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
		    test_json_without_the_key_after_it_was_seen_is_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_a_heater_it_is_said_unused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_carries_the_value_while_a_topic_is_configured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_topic_is_said_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_timer_rests_once_heating_is_off, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_topic_no_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_value_goes_unused_until_a_new_one, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retained_value_ages_from_its_arrival, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_carries_the_age, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
