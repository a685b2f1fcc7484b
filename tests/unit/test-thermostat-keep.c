/*
 * What was learned, as the text the daemon keeps in its store: the line it
 * writes, every way a line is refused, and when a model has changed enough to
 * be kept again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "control/thermostat.h"
#include "tests/unit/thermostat-model-fixture.h"

static struct thermostat_model model(void)
{
	struct thermostat_model m = test_model(40.25, 0.875);

	m.offset_k_per_h = -0.125;
	return m;
}

/* Every field alike (the struct has padding: no memcmp). */
static void assert_same(const struct thermostat_model *a, const struct thermostat_model *b)
{
	assert_int_equal(a->version, b->version);
	assert_true(a->gain_k_per_h == b->gain_k_per_h && a->lag_long_s == b->lag_long_s &&
		    a->lag_short_s == b->lag_short_s && a->out_per_h == b->out_per_h &&
		    a->offset_k_per_h == b->offset_k_per_h && a->sure == b->sure &&
		    a->margin_c == b->margin_c);
	for (unsigned k = 0; k < 2; k++)
		assert_true(a->walls_per_h[k] == b->walls_per_h[k] &&
			    a->walls_share[k] == b->walls_share[k] &&
			    a->walls_tau_s[k] == b->walls_tau_s[k]);
}

static void test_line_and_back(void **state)
{
	struct thermostat_model m = model(), back;
	struct thermostat *t = NULL;
	struct thermostat_params p;
	char text[THERMOSTAT_MODEL_TEXT_MAX];
	int n;

	(void) state;
	n = thermostat_model_format(&m, text, sizeof(text));
	assert_int_equal(n, (int) strlen(text));
	assert_string_equal(text, "thermostat-model 1 gain_k_per_h=40.25 lag_long_s=150 "
				  "lag_short_s=120 out_per_h=0.35 walls_per_h=2.5,1.25 "
				  "walls_share=0.75,0.5 walls_tau_s=3600,36000 "
				  "offset_k_per_h=-0.125 sure=0.875 margin_c=0.0625");
	assert_int_equal(thermostat_model_parse(text, &back), 0);
	assert_same(&back, &m);
	/* the thermostat takes it */
	thermostat_params_init(&p);
	assert_int_equal(thermostat_new(&p, &t), 0);
	assert_int_equal(thermostat_model_set(t, &back), 0);
	thermostat_free(t);
	/* too small a buffer: refused, not cut */
	assert_int_equal(thermostat_model_format(&m, text, 40), -ENOSPC);
	assert_int_equal(thermostat_model_format(&m, text, (size_t) n), -ENOSPC);
	assert_int_equal(thermostat_model_format(&m, text, (size_t) n + 1), n);
}

static void test_refused_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"thermostat-model",
		"thermostat-model x",
		"model 1 gain_k_per_h=40",
		/* a field missing */
		"thermostat-model 1 gain_k_per_h=40 lag_long_s=150 lag_short_s=120 out_per_h=0.35 "
		"walls_per_h=2.5,1.25 walls_share=0.75,0.5 walls_tau_s=3600,36000 "
		"offset_k_per_h=0 sure=0.8",
		/* twice */
		"thermostat-model 1 gain_k_per_h=40 gain_k_per_h=40 lag_long_s=150 lag_short_s=120 "
		"out_per_h=0.35 walls_per_h=2.5,1.25 walls_share=0.75,0.5 walls_tau_s=3600,36000 "
		"offset_k_per_h=0 sure=0.8 margin_c=0",
		/* unknown */
		"thermostat-model 1 gain_k_per_h=40 lag_long_s=150 lag_short_s=120 out_per_h=0.35 "
		"walls_per_h=2.5,1.25 walls_share=0.75,0.5 walls_tau_s=3600,36000 "
		"offset_k_per_h=0 sure=0.8 margin_c=0 colour=blue",
		/* one of a pair */
		"thermostat-model 1 gain_k_per_h=40 lag_long_s=150 lag_short_s=120 out_per_h=0.35 "
		"walls_per_h=2.5 walls_share=0.75,0.5 walls_tau_s=3600,36000 "
		"offset_k_per_h=0 sure=0.8 margin_c=0",
		/* not a number, an empty one, junk after one, two spaces, a trailing space */
		"thermostat-model 1 gain_k_per_h=forty lag_long_s=150 lag_short_s=120 "
		"out_per_h=0.35 walls_per_h=2.5,1.25 walls_share=0.75,0.5 walls_tau_s=3600,36000 "
		"offset_k_per_h=0 sure=0.8 margin_c=0",
		"thermostat-model 1 gain_k_per_h= lag_long_s=150 lag_short_s=120 out_per_h=0.35 "
		"walls_per_h=2.5,1.25 walls_share=0.75,0.5 walls_tau_s=3600,36000 "
		"offset_k_per_h=0 sure=0.8 margin_c=0",
		"thermostat-model 1 gain_k_per_h=40K lag_long_s=150 lag_short_s=120 out_per_h=0.35 "
		"walls_per_h=2.5,1.25 walls_share=0.75,0.5 walls_tau_s=3600,36000 "
		"offset_k_per_h=0 sure=0.8 margin_c=0",
		"thermostat-model 1 gain_k_per_h=40  lag_long_s=150 lag_short_s=120 out_per_h=0.35 "
		"walls_per_h=2.5,1.25 walls_share=0.75,0.5 walls_tau_s=3600,36000 "
		"offset_k_per_h=0 sure=0.8 margin_c=0",
		"thermostat-model 1 gain_k_per_h=40 lag_long_s=150 lag_short_s=120 out_per_h=0.35 "
		"walls_per_h=2.5,1.25 walls_share=0.75,0.5 walls_tau_s=3600,36000 "
		"offset_k_per_h=0 sure=0.8 margin_c=0 ",
	};
	struct thermostat_model m = model(), keep = m;

	(void) state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (thermostat_model_parse(bad[i], &m) != -EINVAL)
			fail_msg("accepted: '%s'", bad[i]);
		assert_same(&m, &keep);
	}
	/* another version: refused as such */
	assert_int_equal(thermostat_model_parse("thermostat-model 2 gain_k_per_h=40", &m), -ESTALE);
	assert_int_equal(thermostat_model_parse("thermostat-model 0", &m), -ESTALE);
}

/* Nonsense that parses: the thermostat is the one to refuse it. */
static void test_nonsense_is_the_thermostats_to_refuse(void **state)
{
	struct thermostat_model m = model(), back;
	struct thermostat *t = NULL;
	struct thermostat_params p;
	char text[THERMOSTAT_MODEL_TEXT_MAX];

	(void) state;
	m.gain_k_per_h = NAN;
	assert_true(thermostat_model_format(&m, text, sizeof(text)) > 0);
	assert_int_equal(thermostat_model_parse(text, &back), 0);
	thermostat_params_init(&p);
	assert_int_equal(thermostat_new(&p, &t), 0);
	assert_int_equal(thermostat_model_set(t, &back), -EINVAL);
	m = model();
	m.sure = 7;
	assert_true(thermostat_model_format(&m, text, sizeof(text)) > 0);
	assert_int_equal(thermostat_model_parse(text, &back), 0);
	assert_int_equal(thermostat_model_set(t, &back), -EINVAL);
	assert_int_equal(thermostat_model_get(t, &back), -ENODATA);
	thermostat_free(t);
}

static void test_differs(void **state)
{
	struct thermostat_model a = model(), b;

	(void) state;
	b = a;
	assert_false(thermostat_model_differs(&a, &b));
	b.gain_k_per_h *= 1.02; /* 2 %: the same */
	assert_false(thermostat_model_differs(&a, &b));
	b.gain_k_per_h = a.gain_k_per_h * 1.05;
	assert_true(thermostat_model_differs(&a, &b));
	b = a;
	b.lag_long_s += 20;
	assert_true(thermostat_model_differs(&a, &b));
	b = a;
	b.walls_tau_s[1] *= 1.05;
	assert_true(thermostat_model_differs(&a, &b));
	/* the walls' parts traded against each other, their sum and loss alike: the same */
	b = a;
	b.walls_per_h[0] += 0.25;
	b.walls_per_h[1] -= 0.25;
	b.walls_share[0] = 0.8;
	b.walls_share[1] = 0.3;
	assert_false(thermostat_model_differs(&a, &b));
	b.walls_per_h[0] += 0.5; /* more loss to the walls */
	assert_true(thermostat_model_differs(&a, &b));
	b = a;
	b.out_per_h *= 1.5;
	assert_true(thermostat_model_differs(&a, &b));
	b = a;
	b.sure += 0.03;
	assert_false(thermostat_model_differs(&a, &b));
	b.sure = a.sure + 0.06;
	assert_true(thermostat_model_differs(&a, &b));
	b = a;
	b.margin_c += 0.02;
	assert_false(thermostat_model_differs(&a, &b));
	b.margin_c = a.margin_c + 0.04;
	assert_true(thermostat_model_differs(&a, &b));
	b = a;
	b.offset_k_per_h += 0.05;
	assert_false(thermostat_model_differs(&a, &b));
	b.offset_k_per_h += 0.1;
	assert_true(thermostat_model_differs(&a, &b));
	b = a;
	b.out_per_h = NAN;
	assert_true(thermostat_model_differs(&a, &b));
	b = a;
	b.version++;
	assert_true(thermostat_model_differs(&a, &b));
}

/*
 * Before the heater ever ran (mode off, the autumn) the fit has nothing to
 * tell the heater's gain by and puts it at 0: not a model to keep, since
 * thermostat_model_set() would refuse it at the next start. Whatever
 * thermostat_model_get() offers comes back (the fuzzer found it did not).
 */
static void test_only_what_comes_back_is_offered(void **state)
{
	struct thermostat_model m;
	struct thermostat_decision d;
	struct thermostat_input in;
	struct thermostat_params p;
	struct thermostat *t = NULL;
	uint64_t now = 1000000;

	(void) state;
	thermostat_params_init(&p);
	assert_int_equal(thermostat_new(&p, &t), 0);
	thermostat_input_init(&in);
	in.mode = THERMOSTAT_MODE_OFF;
	in.room_known = true;
	for (unsigned k = 0; k < 180; k++, now += 60000000) {
		in.room_c = 20.0 - k / 160.0; /* cooling by 0.375 K/h */
		in.room_usec = now;
		assert_int_equal(thermostat_step(t, &in, now, (k * 60) % 86400, &d), 0);
		if (thermostat_model_get(t, &m) == 0)
			assert_int_equal(thermostat_model_set(t, &m), 0);
	}
	thermostat_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_and_back),
		cmocka_unit_test(test_refused_lines),
		cmocka_unit_test(test_nonsense_is_the_thermostats_to_refuse),
		cmocka_unit_test(test_differs),
		cmocka_unit_test(test_only_what_comes_back_is_offered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
