/*
 * Relay care across a restart: what a relay was last told before the
 * thermostat was made holds min_off as if the thermostat had told it itself.
 */
#include <errno.h>

#include "tests/unit/thermostat-rig.h"

/* Switched off 60 s before the start: held off the 120 s min_off (180 s) has left. */
static void test_off_before_start(void **state)
{
	uint64_t until = 0;
	struct rig g;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	assert_int_equal(thermostat_relay_restore(g.t, 0, false, 60 * S, g.now_usec, &until), 1);
	assert_int_equal(until, T0 + 120 * S);
	rig_read(&g, 15.0, 60 * S);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_OFF);
	assert_int_equal(g.d.next_wakeup_usec, T0 + 60 * S); /* the next reading comes first */
	rig_read(&g, 15.0, 30 * S);                          /* 60 s after the start */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.next_wakeup_usec, T0 + 120 * S); /* min_off ends before the next */
	rig_tick(&g);                                         /* 90 s */
	assert_false(g.d.stage[0].on);
	g.now_usec = T0 + 120 * S;
	rig_read(&g, 15.0, 60 * S);
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

/* On when the daemon died: switched off at the start, so min_off counts from the start. */
static void test_on_before_start(void **state)
{
	uint64_t until = 0;
	struct rig g;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	assert_int_equal(thermostat_relay_restore(g.t, 0, true, 10 * H, g.now_usec, &until), 1);
	assert_int_equal(until, T0 + 180 * S);
	rig_hold(&g, 15.0, 3);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_OFF);
	rig_read(&g, 15.0, 60 * S); /* 180 s */
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

/* Off longer than any min_off (bed_min_off too): nothing holds it. */
static void test_off_long_ago(void **state)
{
	uint64_t until = 0;
	struct rig g;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	assert_int_equal(thermostat_relay_restore(g.t, 0, false, 600 * S, g.now_usec, &until), 0);
	assert_int_equal(until, 0); /* untouched */
	rig_read(&g, 15.0, 60 * S);
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

/* Between min_off and bed_min_off: in bed at night the longer one still holds. */
static void test_bed_min_off(void **state)
{
	struct rig g;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	g.in.bed = THERMOSTAT_BED_OCCUPIED;
	assert_int_equal(thermostat_relay_restore(g.t, 0, false, 300 * S, g.now_usec, NULL), 0);
	rig_read(&g, 15.0, 60 * S);
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_OFF);
	rig_hold(&g, 15.0, 4); /* up to 240 s after the start: 540 s after the off */
	assert_false(g.d.stage[0].on);
	rig_read(&g, 15.0, 60 * S); /* 300 s: bed_min_off (600 s) is over */
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

/* Off before the monotonic clock began (a reboot): held from its start, never less. */
static void test_before_the_clock(void **state)
{
	struct thermostat_params p;
	struct thermostat *t = NULL;
	uint64_t until = 0;

	(void) state;
	thermostat_params_init(&p);
	assert_int_equal(thermostat_new(&p, &t), 0);
	assert_int_equal(thermostat_relay_restore(t, 0, false, 100 * S, 30 * S, &until), 1);
	assert_int_equal(until, 180 * S);
	thermostat_free(t);
}

/* Kept on through a reload: min_on counts from when it went on, and it is not switched off. */
static void test_kept_on_serves_min_on(void **state)
{
	struct rig g;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	assert_int_equal(thermostat_relay_keep_on(g.t, 0, g.now_usec - 60 * S, g.now_usec), 0);
	rig_read(&g, 21.0, 60 * S); /* warm: the thermostat wants it off, min_on holds */
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_ON);
	assert_int_equal(g.d.next_wakeup_usec, T0 + 60 * S); /* 120 s after it went on */
	rig_read(&g, 21.0, 30 * S);                          /* 120 s on */
	assert_false(g.d.stage[0].on);
	rig_done(&g);

	/* cold: it stays on, as heating */
	rig_init(&g, NULL, AT(23, 0));
	assert_int_equal(thermostat_relay_keep_on(g.t, 0, g.now_usec - 600 * S, g.now_usec), 0);
	rig_hold(&g, 17.0, 3);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_HEATING);
	assert_int_equal(thermostat_relay_keep_on(g.t, 0, g.now_usec, g.now_usec), -EALREADY);
	assert_int_equal(thermostat_relay_keep_on(g.t, 1, g.now_usec, g.now_usec), -EINVAL);
	rig_done(&g);
}

/* Within the band it stays on, as one this thermostat switched on would: wanted, not idle. */
static void test_kept_on_within_the_band(void **state)
{
	struct rig g;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	assert_int_equal(thermostat_relay_keep_on(g.t, 0, g.now_usec - 10 * MIN, g.now_usec), 0);
	rig_hold(&g, 18.7, 3);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_HEATING);
	rig_hold(&g, 21.0, 3); /* warm: off */
	assert_false(g.d.stage[0].on);
	rig_done(&g);
}

/*
 * A floor turned down while heating, then a reload that makes the thermostat
 * anew and keeps the heater on (a user trial: on for minutes at 17 °C with the
 * floor at 16): the new one takes what the old one wanted, and the heater goes
 * off when it would have, not at the top of the band.
 */
static void test_kept_on_after_the_floor_was_lowered(void **state)
{
	struct thermostat_params p;
	struct rig g, h;
	uint64_t on_usec;

	(void) state;
	thermostat_params_init(&p);
	p.min_on_usec = 10 * MIN;
	/* Lowered before the reload: the old one wants it off, min_on holds it. */
	rig_init(&g, &p, AT(12, 0));
	g.in.day_floor_c = 20.0;
	rig_read(&g, 17.0, MIN);
	assert_true(g.d.stage[0].on);
	on_usec = g.now_usec - MIN;
	g.in.day_floor_c = 16.0;
	rig_hold(&g, 17.0, 2);
	assert_true(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MIN_ON);

	rig_init(&h, &p, g.sec0);
	h.now_usec = g.now_usec;
	h.in.day_floor_c = 16.0;
	thermostat_keep_demand(h.t, g.t);
	assert_int_equal(thermostat_relay_keep_on(h.t, 0, on_usec, h.now_usec), 0);
	rig_read(&h, 17.0, MIN);
	assert_true(h.d.stage[0].on);
	assert_int_equal(h.d.stage[0].reason, THERMOSTAT_REASON_MIN_ON);
	rig_hold(&h, 17.0, 8); /* min_on over */
	assert_false(h.d.stage[0].on);
	rig_done(&h);
	rig_done(&g);

	/* Lowered by the reload itself: off at once, min_on being over. */
	rig_init(&g, NULL, AT(12, 0));
	g.in.day_floor_c = 20.0;
	rig_hold(&g, 17.0, 10);
	assert_true(g.d.stage[0].on);
	rig_init(&h, NULL, g.sec0);
	h.now_usec = g.now_usec;
	h.in.day_floor_c = 16.0;
	thermostat_keep_demand(h.t, g.t);
	assert_int_equal(thermostat_relay_keep_on(h.t, 0, g.now_usec - 10 * MIN, h.now_usec), 0);
	rig_read(&h, 17.0, MIN);
	assert_false(h.d.stage[0].on);
	rig_done(&h);
	rig_done(&g);
}

/* max_on counts from when it went on, before the reload. */
static void test_kept_on_serves_max_on(void **state)
{
	struct thermostat_params p;
	struct rig g;

	(void) state;
	thermostat_params_init(&p);
	p.max_on_usec = 10 * MIN;
	rig_init(&g, &p, AT(23, 0));
	assert_int_equal(thermostat_relay_keep_on(g.t, 0, g.now_usec - 8 * MIN, g.now_usec), 0);
	rig_hold(&g, 17.0, 1); /* 8 min on */
	assert_true(g.d.stage[0].on);
	rig_hold(&g, 17.0, 2); /* 10 min */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MAX_ON_TIME);
	rig_done(&g);
}

/*
 * A reload's new thermostat takes the old one's rest after max_on and its
 * alert: held off to the end of the rest (a fresh one would switch it on at
 * once), the alert not raised again, and cleared by the new one when the rest
 * ends.
 */
static void test_rest_kept_through_a_reload(void **state)
{
	struct thermostat_params p;
	struct thermostat_rest rest;
	struct rig g, h;
	unsigned n;

	(void) state;
	thermostat_params_init(&p);
	p.max_on_usec = 10 * MIN;
	rig_init(&g, &p, AT(23, 0));
	rig_hold(&g, 17.0, 11); /* on from the start, off at 10 min */
	assert_false(g.d.stage[0].on);
	assert_int_equal(g.d.stage[0].reason, THERMOSTAT_REASON_MAX_ON_TIME);
	assert_int_equal(thermostat_relay_get_rest(g.t, 0, g.now_usec, &rest), 1);
	assert_true(rest.until_usec > g.now_usec);
	assert_int_equal(rest.reason, THERMOSTAT_REASON_MAX_ON_TIME);
	assert_int_equal(rest.alerts, BIT(MAX_ON_TIME));

	rig_init(&h, &p, g.sec0);
	h.now_usec = g.now_usec;
	assert_int_equal(thermostat_relay_keep_rest(h.t, 0, &rest), 0);
	for (n = 0; h.now_usec < rest.until_usec; n++) {
		rig_read(&h, 17.0, MIN);
		assert_false(h.d.stage[0].on);
		assert_int_equal(h.d.stage[0].reason, THERMOSTAT_REASON_MAX_ON_TIME);
		assert_int_equal(h.d.stage[0].alerts_raised, 0);
	}
	assert_true(n >= 5);
	rig_read(&h, 17.0, MIN);
	assert_true(h.d.stage[0].on);
	assert_int_equal(h.d.stage[0].alerts_cleared, BIT(MAX_ON_TIME));
	for (n = 0; n < 30 && h.d.stage[0].on; n++)
		rig_read(&h, 20.0, MIN);
	assert_false(h.d.stage[0].on);
	assert_int_equal(h.d.stage[0].alerts_active, 0);
	rig_done(&h);
	rig_done(&g);
}

/*
 * The room-wide alerts go to the new thermostat too: over_temperature, taken
 * over inside its hysteresis, is cleared when the room cools (a fresh one
 * would never have cleared it: it never raised it).
 */
static void test_room_alerts_kept_through_a_reload(void **state)
{
	struct rig g, h;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	rig_read(&g, 30.0, MIN);
	assert_true(thermostat_alerts(g.t) & BIT(OVER_TEMPERATURE));
	rig_init(&h, NULL, g.sec0);
	h.now_usec = g.now_usec;
	thermostat_keep_alerts(h.t, thermostat_alerts(g.t));
	rig_read(&h, 25.9, MIN); /* below overheat, inside its hysteresis */
	assert_int_equal(h.d.alerts_raised, 0);
	assert_int_equal(h.d.alerts_cleared, 0);
	rig_read(&h, 20.0, MIN);
	assert_true(h.d.alerts_cleared & BIT(OVER_TEMPERATURE));
	rig_done(&h);
	rig_done(&g);
}

/*
 * An oil radiator idle under its own thermostat (it drew power, now 0 W) kept
 * on through a reload that makes the thermostat anew: the new one knows it
 * works, so it stays on without an alert. One that never drew power is still
 * taken for off at its own switch, as before the reload.
 */
static void test_worked_kept_through_a_reload(void **state)
{
	struct thermostat_rest rest;
	struct rig g, h;

	(void) state;
	for (int drew = 1; drew >= 0; drew--) {
		rig_init(&g, NULL, AT(1, 0));
		g.in.heater[0].confirmed = THERMOSTAT_CONFIRM_ON;
		g.in.heater[0].power_known = true;
		g.in.heater[0].power_w = drew ? 1500 : 0;
		rig_hold(&g, 17.0, 2);
		assert_true(g.d.stage[0].on);
		g.in.heater[0].power_w = 0; /* its own thermostat opens */
		rig_read(&g, 17.0, 30 * S);
		assert_true(g.d.stage[0].on);
		assert_int_equal(thermostat_relay_get_rest(g.t, 0, g.now_usec, &rest), drew);
		assert_int_equal(rest.worked, drew);

		rig_init(&h, NULL, g.sec0);
		h.now_usec = g.now_usec;
		h.in = g.in;
		assert_int_equal(thermostat_relay_keep_rest(h.t, 0, &rest), 0);
		assert_int_equal(thermostat_relay_keep_on(h.t, 0, g.now_usec - 90 * S, h.now_usec),
				 0);
		rig_hold(&h, 17.0, 10);
		if (drew) {
			assert_true(h.d.stage[0].on);
			assert_int_equal(h.d.stage[0].alerts_active, 0);
		} else {
			assert_false(h.d.stage[0].on);
			assert_int_equal(h.d.stage[0].reason, THERMOSTAT_REASON_NO_EFFECT);
			assert_int_equal(h.d.stage[0].alerts_active, BIT(HEATING_NO_EFFECT));
		}
		rig_done(&h);
		rig_done(&g);
	}
}

/* A stage without a rest or an alert has nothing to hand on. */
static void test_no_rest(void **state)
{
	struct thermostat_rest rest;
	struct rig g;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	rig_hold(&g, 17.0, 3);
	assert_int_equal(thermostat_relay_get_rest(g.t, 0, g.now_usec, &rest), 0);
	assert_int_equal(rest.until_usec, 0);
	assert_int_equal(thermostat_relay_get_rest(g.t, 1, g.now_usec, &rest), -EINVAL);
	assert_int_equal(thermostat_relay_keep_rest(g.t, 1, &rest), -EINVAL);
	rig_done(&g);
}

/* Only a stage that has not switched yet, and only one that exists. */
static void test_refused(void **state)
{
	struct rig g;

	(void) state;
	rig_init(&g, NULL, AT(23, 0));
	assert_int_equal(thermostat_relay_restore(g.t, 1, false, 0, g.now_usec, NULL), -EINVAL);
	rig_read(&g, 15.0, 60 * S);
	assert_true(g.d.stage[0].on);
	assert_int_equal(thermostat_relay_restore(g.t, 0, false, 0, g.now_usec, NULL), -EALREADY);
	assert_true(g.d.stage[0].on);
	rig_done(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_before_start),
		cmocka_unit_test(test_on_before_start),
		cmocka_unit_test(test_off_long_ago),
		cmocka_unit_test(test_bed_min_off),
		cmocka_unit_test(test_before_the_clock),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_kept_on_serves_min_on),
		cmocka_unit_test(test_kept_on_serves_max_on),
		cmocka_unit_test(test_kept_on_within_the_band),
		cmocka_unit_test(test_kept_on_after_the_floor_was_lowered),
		cmocka_unit_test(test_rest_kept_through_a_reload),
		cmocka_unit_test(test_worked_kept_through_a_reload),
		cmocka_unit_test(test_no_rest),
		cmocka_unit_test(test_room_alerts_kept_through_a_reload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
