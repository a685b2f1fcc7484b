/*
 * What heating keeps of what the thermostat learned (daemon/heating-model.c),
 * on a real store: restored once, a refused model dropped, kept when it
 * changed and at most once an hour (at once at a shutdown), dropped when the
 * room changed, and shown in the state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/heating-internal.h"
#include "tests/unit/test-store-fixture.h"
#include "tests/unit/thermostat-model-fixture.h"

#define KEY  "heating.model"
#define HOUR (3600ULL * 1000000ULL)

static struct thermostat_model model(double gain)
{
	return test_model(gain, 0.875);
}

/* A heating with only what heating-model.c looks at: the thermostat and the store. */
static void heating_init(struct heating *h, struct store *store)
{
	struct thermostat_params p;

	*h = (struct heating){ .settings = { .store = store } };
	thermostat_params_init(&p);
	assert_int_equal(thermostat_new(&p, &h->thermostat), 0);
}

static void kept_line(struct store *s, const char *line)
{
	assert_int_equal(store_setting_set(s, KEY, line), 0);
}

/* The gain of the model the store holds; NAN when none. */
static double kept_gain(struct store *s)
{
	struct thermostat_model m;
	char *text = NULL;
	double gain = NAN;

	if (store_setting_get(s, KEY, &text) == 0) {
		assert_int_equal(thermostat_model_parse(text, &m), 0);
		gain = m.gain_k_per_h;
	}
	free(text);
	return gain;
}

static void test_restore(void **state)
{
	char text[THERMOSTAT_MODEL_TEXT_MAX];
	struct thermostat_model m = model(40), got;
	struct store *s = NULL;
	struct heating h;

	assert_int_equal(store_open(*state, &s), 0);
	/* nothing kept: nothing restored, and not looked for again */
	heating_init(&h, s);
	heating_model_restore(&h);
	assert_true(h.model_tried);
	assert_int_equal(thermostat_model_get(h.thermostat, &got), -ENODATA);
	assert_true(thermostat_model_format(&m, text, sizeof(text)) > 0);
	kept_line(s, text);
	heating_model_restore(&h);
	assert_int_equal(thermostat_model_get(h.thermostat, &got), -ENODATA);
	thermostat_free(h.thermostat);

	/* kept: the thermostat has it, as sure as it was */
	heating_init(&h, s);
	heating_model_restore(&h);
	assert_int_equal(thermostat_model_get(h.thermostat, &got), 0);
	assert_false(thermostat_model_differs(&m, &got));
	assert_true(h.model_kept);
	thermostat_free(h.thermostat);

	/* refused (malformed, another version, out of range): logged, dropped, afresh */
	m.sure = 7;
	assert_true(thermostat_model_format(&m, text, sizeof(text)) > 0);
	{
		const char *const bad[] = { "thermostat-model 1 gain_k_per_h=forty",
					    "thermostat-model 2 gain_k_per_h=40", text };

		for (size_t i = 0; i < 3; i++) {
			heating_init(&h, s);
			kept_line(s, bad[i]);
			heating_model_restore(&h);
			assert_int_equal(thermostat_model_get(h.thermostat, &got), -ENODATA);
			assert_false(h.model_kept);
			assert_true(isnan(kept_gain(s)));
			thermostat_free(h.thermostat);
		}
	}
	/* without a store, nothing; tried once there is one */
	heating_init(&h, NULL);
	heating_model_restore(&h);
	assert_false(h.model_tried);
	thermostat_free(h.thermostat);
	store_close(s);
}

static void test_keep(void **state)
{
	struct thermostat_model m = model(40);
	struct store *s = NULL;
	struct heating h;

	assert_int_equal(store_open(*state, &s), 0);
	heating_init(&h, s);
	/* nothing learned: nothing kept */
	heating_model_keep(&h, HOUR, false);
	assert_true(isnan(kept_gain(s)));
	/* learned: kept at once */
	assert_int_equal(thermostat_model_set(h.thermostat, &m), 0);
	heating_model_keep(&h, HOUR, false);
	assert_true(kept_gain(s) == 40);
	/* changed, within the hour: not yet; after it: kept */
	m = model(44);
	assert_int_equal(thermostat_model_set(h.thermostat, &m), 0);
	heating_model_keep(&h, HOUR + HOUR / 2, false);
	assert_true(kept_gain(s) == 40);
	heating_model_keep(&h, 2 * HOUR, false);
	assert_true(kept_gain(s) == 44);
	/* hardly changed: not written again, however long it has been */
	assert_int_equal(store_setting_delete(s, KEY), 0);
	m = model(44.1);
	assert_int_equal(thermostat_model_set(h.thermostat, &m), 0);
	heating_model_keep(&h, 10 * HOUR, false);
	assert_true(isnan(kept_gain(s)));
	/* a shutdown keeps a change at once */
	m = model(48);
	assert_int_equal(thermostat_model_set(h.thermostat, &m), 0);
	heating_model_keep(&h, 10 * HOUR, false);
	assert_true(kept_gain(s) == 48);
	m = model(52);
	assert_int_equal(thermostat_model_set(h.thermostat, &m), 0);
	heating_model_keep(&h, 10 * HOUR + 1, true);
	assert_true(kept_gain(s) == 52);
	thermostat_free(h.thermostat);
	store_close(s);
}

static void test_room_changed_drops_it(void **state)
{
	struct thermostat_model m = model(40);
	struct thermostat_decision d = { .n_stages = 1, .model_changed = true };
	struct thermostat_learned before;
	struct store *s = NULL;
	struct heating h;

	assert_int_equal(store_open(*state, &s), 0);
	heating_init(&h, s);
	assert_int_equal(thermostat_model_set(h.thermostat, &m), 0);
	heating_model_keep(&h, HOUR, false);
	assert_true(kept_gain(s) == 40);
	thermostat_get_learned(h.thermostat, &before);
	heating_model_step(&h, &d, &before, HOUR + 1);
	assert_true(isnan(kept_gain(s)));
	assert_false(h.model_kept);
	thermostat_free(h.thermostat);
	store_close(s);
}

static void test_state(void **state)
{
	struct thermostat_model m = model(40);
	struct heating h;
	json_t *j;

	(void) state;
	heating_init(&h, NULL);
	j = heating_model_state(&h);
	assert_true(json_real_value(json_object_get(j, "sure")) == 0);
	assert_true(json_is_false(json_object_get(j, "in_use")));
	assert_true(json_is_null(json_object_get(j, "heater_gain_k_per_h")));
	json_decref(j);
	assert_int_equal(thermostat_model_set(h.thermostat, &m), 0);
	j = heating_model_state(&h);
	assert_true(json_real_value(json_object_get(j, "sure")) == 0.88);
	assert_true(json_real_value(json_object_get(j, "heater_gain_k_per_h")) == 40);
	assert_true(json_is_real(json_object_get(j, "heater_lag_min")));
	assert_true(json_is_real(json_object_get(j, "room_tau_min")));
	assert_true(json_is_real(json_object_get(j, "walls_tau_h")));
	/* not in use before a reading: the model decides only once it tracks the air */
	assert_true(json_is_false(json_object_get(j, "in_use")));
	json_decref(j);
	thermostat_free(h.thermostat);
	h.thermostat = NULL;
	j = heating_model_state(&h);
	assert_true(json_is_null(j));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_restore),
		STORE_TEST(test_keep),
		STORE_TEST(test_room_changed_drops_it),
		cmocka_unit_test(test_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
