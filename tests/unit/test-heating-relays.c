/*
 * Relay care across a reload, by the plug (daemon/heating-relays.c through
 * heating_adopt()): a plug a reload lets go (its heater moved to another
 * topic, removed, renamed) keeps its min_off for whichever heater drives it
 * next, the same one moved back included; one whose min_off is over starts
 * afresh. The reload's steps as the manager runs them: heating_adopt(), then
 * heating_relays_restore() at the new heating's start, no broker, no store. And the
 * learned model a thermostat made anew takes from the old one (heating_model_adopt()).
 * And what the thermostat is told of a plug's word (heating_fill_inputs()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/heating-internal.h"
#include "tests/unit/thermostat-model-fixture.h"

#define SEC (1000000ULL)

struct rig {
	struct config config;
	struct config_heater cfg[3];
	char name[3][8], topic[3][16];
	struct heating h[3];
};

/* Heating @n with one heater @name on the tasmota plug @topic, and its thermostat. */
static void heating_init(struct rig *r, unsigned n, const char *name, const char *topic)
{
	struct heating *h = &r->h[n];
	struct stage *s = &h->stages[0];

	snprintf(r->name[n], sizeof(r->name[n]), "%s", name);
	snprintf(r->topic[n], sizeof(r->topic[n]), "%s", topic);
	r->cfg[n] = (struct config_heater){ .name = r->name[n],
					    .type = HEATER_TYPE_TASMOTA,
					    .topic = r->topic[n] };
	*h = (struct heating){ .config = &r->config, .n_stages = 1 };
	thermostat_params_init(&h->thermostat_params);
	h->thermostat_params.n_stages = 1;
	assert_int_equal(thermostat_new(&h->thermostat_params, &h->thermostat), 0);
	s->heating = h;
	s->cfg = &r->cfg[n];
	snprintf(s->source, sizeof(s->source), "heater.%s", name);
	heater_params_init(&s->params, HEATER_TYPE_TASMOTA);
	s->params.topic = r->cfg[n].topic;
	assert_int_equal(heater_new(&s->params, &s->heater), 0);
}

static void heating_done(struct heating *h)
{
	h->stages[0].heater = heater_free(h->stages[0].heater);
	h->thermostat = thermostat_free(h->thermostat);
	heating_relays_forget(h);
	heating_retired_free(h); /* the plugs a reload let go while on */
}

/* The relay of @h's heater told @on @ago_usec ago (what step() records). */
static void told(struct heating *h, bool on, uint64_t ago_usec)
{
	struct stage *s = &h->stages[0];

	s->on = on;
	s->told_known = true;
	s->told_on = on;
	s->told_mono_usec = clock_monotonic_usec() - ago_usec;
	s->told_at_usec = clock_realtime_usec() - ago_usec;
}

/* A reload from heating @from to heating @to, up to the new one's start. */
static void reload(struct rig *r, unsigned from, unsigned to)
{
	heating_adopt(&r->h[to], &r->h[from], NULL);
	heating_relays_restore(&r->h[to]);
}

/* Whether @h's thermostat switches its heater on in a cold room at night, now. */
static bool heats(struct heating *h)
{
	uint64_t now = clock_monotonic_usec();
	struct thermostat_decision d;
	struct thermostat_input in;

	thermostat_input_init(&in);
	in.mode = THERMOSTAT_MODE_HEAT;
	in.floor_c = 18.0;
	in.room_known = true;
	in.room_c = 15.0;
	in.room_usec = now;
	assert_int_equal(thermostat_step(h->thermostat, &in, now, 23 * 3600, &d), 0);
	return d.stage[0].on;
}

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	for (unsigned i = 0; i < 3; i++)
		heating_done(&r->h[i]);
	free(r);
	return 0;
}

/*
 * A heater moved to another topic and back, reload after reload: the first
 * plug went off at the first reload, seconds ago; min_off holds it off.
 */
static void test_topic_changed_and_back_holds_min_off(void **state)
{
	struct rig *r = *state;

	heating_init(r, 0, "a", "plug-x");
	told(&r->h[0], true, 600 * SEC);
	heating_init(r, 1, "a", "plug-y");
	reload(r, 0, 1);
	/* Another plug: it heats at once (the old plug's min_off is not its own). */
	assert_true(heats(&r->h[1]));
	told(&r->h[1], true, 0);
	heating_init(r, 2, "a", "plug-x");
	reload(r, 1, 2);
	assert_false(heats(&r->h[2]));
}

/* A heater removed, and its plug given to another heater at the next reload: held off too. */
static void test_plug_of_a_removed_heater_holds_min_off(void **state)
{
	struct rig *r = *state;

	heating_init(r, 0, "a", "plug-x");
	told(&r->h[0], true, 600 * SEC);
	heating_init(r, 1, "b", "plug-y");
	reload(r, 0, 1);
	assert_true(heats(&r->h[1]));
	told(&r->h[1], true, 0);
	heating_init(r, 2, "c", "plug-x");
	reload(r, 1, 2);
	assert_false(heats(&r->h[2]));
}

/* A plug off for longer than min_off (3 min, 10 in bed) when it was let go starts afresh. */
static void test_plug_off_long_ago_starts_afresh(void **state)
{
	struct rig *r = *state;

	heating_init(r, 0, "a", "plug-x");
	told(&r->h[0], false, 1200 * SEC);
	heating_init(r, 1, "a", "plug-y");
	reload(r, 0, 1);
	told(&r->h[1], true, 0);
	heating_init(r, 2, "a", "plug-x");
	reload(r, 1, 2);
	assert_true(heats(&r->h[2]));
}

/* @h's thermostat decides on a trusted model, as after its trial (a day of readings). */
static void model_in_use(struct heating *h)
{
	struct thermostat_model m = test_model(40, 0.9);
	struct thermostat_learned l;

	assert_int_equal(thermostat_model_set(h->thermostat, &m), 0);
	thermostat_model_trust(h->thermostat);
	(void) heats(h); /* a reading: the model follows the room */
	thermostat_get_learned(h->thermostat, &l);
	assert_true(l.model_in_use);
}

static bool on_trial(struct heating *h)
{
	struct thermostat_learned l;

	thermostat_get_learned(h->thermostat, &l);
	return l.on_trial;
}

/*
 * A reload that makes the thermostat anew hands on what it learned: trusted
 * still for the same heater (a setting changed), on trial for another one
 * (a safety audit: a 500 W heater's model trusted on a 2000 W one let the
 * room fall below the floor): the readings judge it, as at a start.
 */
static void test_model_trusted_across_a_reload_for_the_same_heater_only(void **state)
{
	struct rig *r = *state;
	struct thermostat_learned l;

	heating_init(r, 0, "a", "plug-x");
	model_in_use(&r->h[0]);
	heating_init(r, 1, "a", "plug-x");
	r->h[1].thermostat_params.min_on_usec += 60 * SEC; /* made anew: min_on changed */
	r->h[1].thermostat = thermostat_free(r->h[1].thermostat);
	assert_int_equal(thermostat_new(&r->h[1].thermostat_params, &r->h[1].thermostat), 0);
	reload(r, 0, 1);
	assert_non_null(r->h[0].thermostat); /* not adopted: made anew */
	assert_false(on_trial(&r->h[1]));
	(void) heats(&r->h[1]);
	thermostat_get_learned(r->h[1].thermostat, &l);
	assert_true(l.model_in_use);
	heating_init(r, 2, "b", "plug-y");
	reload(r, 1, 2);
	assert_true(on_trial(&r->h[2]));
}

/*
 * A plug's word before it answers the command in force is about the one
 * before: the thermostat is told nothing (a step between a switch-on and a
 * slow plug's answer taught the room model the heater was off again).
 */
static void test_plug_word_before_its_answer_is_not_told(void **state)
{
	struct rig *r = *state;
	struct heating *h = &r->h[0];
	struct heater *plug;
	struct heater_decision d;
	uint64_t now = 1000 * SEC;

	heating_init(r, 0, "a", "plug");
	plug = h->stages[0].heater;
	heater_connection(plug, true, now, &d);
	assert_int_equal(heater_receive(plug, "stat/plug/POWER", "OFF", 3, now, &d), 0);
	heating_fill_inputs(h);
	assert_int_equal(h->in.heater[0].confirmed, THERMOSTAT_CONFIRM_OFF);
	heater_set(plug, true, now + SEC, &d);
	assert_int_equal(d.n_messages, 1);
	heating_fill_inputs(h);
	assert_int_equal(h->in.heater[0].confirmed, THERMOSTAT_CONFIRM_UNKNOWN);
	assert_false(h->in.heater[0].power_known);
	assert_int_equal(heater_receive(plug, "stat/plug/POWER", "ON", 2, now + 2 * SEC, &d), 0);
	heating_fill_inputs(h);
	assert_int_equal(h->in.heater[0].confirmed, THERMOSTAT_CONFIRM_ON);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_topic_changed_and_back_holds_min_off, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_plug_of_a_removed_heater_holds_min_off, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
		    test_model_trusted_across_a_reload_for_the_same_heater_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plug_off_long_ago_starts_afresh, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_plug_word_before_its_answer_is_not_told, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
