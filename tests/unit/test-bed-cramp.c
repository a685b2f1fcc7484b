#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sensors/bed-cramp.h"

#define MS  1000ULL
#define SEC 1000000ULL
#define MIN (60 * SEC)
#define T0  (5000 * SEC)

static const struct bed_cramp_params params = { .repeat_window_usec = 2 * MIN };

/* A press of @ms milliseconds at @at; returns what the press was. */
static enum bed_press press(struct bed_button *b, struct bed_cramp *c, enum bed_leg leg,
			    uint64_t at, uint64_t ms)
{
	enum bed_press p = bed_button_input(b, c, &params, leg, true, at);

	assert_int_equal(bed_button_input(b, c, &params, leg, false, at + ms * MS), BED_PRESS_NONE);
	return p;
}

static void test_press_records_a_cramp(void **state)
{
	struct bed_button b;
	struct bed_cramp c;

	bed_cramp_init(&c);
	bed_button_init(&b);
	bed_button_level(&b, false, T0);
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + SEC, 200), BED_PRESS_CRAMP);
	assert_true(c.have[BED_LEG_LEFT]);
	assert_false(c.have[BED_LEG_RIGHT]);
	assert_string_equal(bed_leg_to_string(BED_LEG_LEFT), "left");
	assert_string_equal(bed_leg_to_string(BED_LEG_RIGHT), "right");
	assert_string_equal(bed_leg_to_string(BED_LEG_UNKNOWN), "unknown");
}

static void test_double_press_within_window_is_one_cramp(void **state)
{
	struct bed_button b;
	struct bed_cramp c;

	bed_cramp_init(&c);
	bed_button_init(&b);
	bed_button_level(&b, false, T0);
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0, 150), BED_PRESS_CRAMP);
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + 400 * MS, 150), BED_PRESS_DUPLICATE);
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + 2 * MIN - 1, 150), BED_PRESS_DUPLICATE);
	/* The window counts from the last press: still the same cramp. */
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + 4 * MIN - 2, 150), BED_PRESS_DUPLICATE);
	/* A whole window after the last press: a cramp of its own. */
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + 6 * MIN - 2, 150), BED_PRESS_CRAMP);
}

/*
 * A contact that chatters (corroded, a pinched cable): a press every 5 s for
 * hours is one cramp, not one every window; once it has gone on for
 * BED_CRAMP_FAULTY_WINDOWS windows it is said, once, to look faulty.
 */
static void test_chattering_contact_is_one_cramp(void **state)
{
	struct bed_button b;
	struct bed_cramp c;
	unsigned cramps = 0, faulty = 0, presses = 0;
	uint64_t t, over = 0;

	bed_cramp_init(&c);
	bed_button_init(&b);
	bed_button_level(&b, false, T0);
	for (t = T0; t < T0 + 120 * MIN; t += 5 * SEC) {
		switch (press(&b, &c, BED_LEG_LEFT, t, 100)) {
		case BED_PRESS_CRAMP:
			cramps++;
			break;
		case BED_PRESS_FAULTY:
			faulty++;
			assert_true(t - T0 >= BED_CRAMP_FAULTY_WINDOWS * params.repeat_window_usec);
			break;
		case BED_PRESS_DUPLICATE:
		case BED_PRESS_NONE:
			break;
		}
		presses++;
	}
	assert_int_equal(cramps, 1);
	assert_int_equal(faulty, 1);
	assert_int_equal(bed_cramp_presses(&c, BED_LEG_LEFT, &over), presses);
	assert_int_equal(over, t - 5 * SEC - T0);
	/* It stopped; a real press well after it is a cramp, and says nothing faulty. */
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, t + 3 * MIN, 100), BED_PRESS_CRAMP);
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, t + 3 * MIN + 10 * SEC, 100),
			 BED_PRESS_DUPLICATE);
	assert_int_equal(bed_cramp_presses(&c, BED_LEG_LEFT, &over), 2);
}

/* A person pressing again now and then in a long cramp is no faulty contact. */
static void test_a_few_presses_over_long_are_not_faulty(void **state)
{
	struct bed_button b;
	struct bed_cramp c;

	bed_cramp_init(&c);
	bed_button_init(&b);
	assert_int_equal(press(&b, &c, BED_LEG_RIGHT, T0, 100), BED_PRESS_CRAMP);
	for (unsigned k = 1; k <= 10; k++)
		assert_int_equal(press(&b, &c, BED_LEG_RIGHT, T0 + k * 90 * SEC, 100),
				 BED_PRESS_DUPLICATE);
}

/* Cramps more than repeat_window apart are each counted. */
static void test_separate_cramps_are_counted(void **state)
{
	struct bed_button b;
	struct bed_cramp c;

	bed_cramp_init(&c);
	bed_button_init(&b);
	for (unsigned k = 0; k < 5; k++) {
		assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + k * 20 * MIN, 100),
				 BED_PRESS_CRAMP);
		assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + k * 20 * MIN + 30 * SEC, 100),
				 BED_PRESS_DUPLICATE);
	}
}

static void test_window_is_per_leg(void **state)
{
	struct bed_button left, right, left2;
	struct bed_cramp c;

	bed_cramp_init(&c);
	bed_button_init(&left);
	bed_button_init(&right);
	bed_button_init(&left2);
	assert_int_equal(press(&left, &c, BED_LEG_LEFT, T0, 100), BED_PRESS_CRAMP);
	assert_int_equal(press(&right, &c, BED_LEG_RIGHT, T0 + SEC, 100), BED_PRESS_CRAMP);
	/* A second button for the same leg (one each side of the bed) shares the window. */
	assert_int_equal(press(&left2, &c, BED_LEG_LEFT, T0 + 2 * SEC, 100), BED_PRESS_DUPLICATE);
	assert_int_equal(press(&right, &c, BED_LEG_RIGHT, T0 + 3 * SEC, 100), BED_PRESS_DUPLICATE);
}

static void test_long_press_is_one_press(void **state)
{
	struct bed_button b;
	struct bed_cramp c;

	bed_cramp_init(&c);
	bed_button_init(&b);
	bed_button_level(&b, false, T0);
	assert_int_equal(bed_button_input(&b, &c, &params, BED_LEG_RIGHT, true, T0),
			 BED_PRESS_CRAMP);
	/* A repeated active level (an MQTT device repeating ON) while held: no press. */
	assert_int_equal(bed_button_input(&b, &c, &params, BED_LEG_RIGHT, true, T0 + 5 * MIN),
			 BED_PRESS_NONE);
	assert_int_equal(bed_button_input(&b, &c, &params, BED_LEG_RIGHT, false, T0 + 10 * MIN),
			 BED_PRESS_NONE);
	/* Released after 10 min, pressed again: past the window, a new cramp. */
	assert_int_equal(press(&b, &c, BED_LEG_RIGHT, T0 + 11 * MIN, 100), BED_PRESS_CRAMP);
}

static void test_level_held_at_start_is_not_a_press(void **state)
{
	struct bed_button b;
	struct bed_cramp c;

	bed_cramp_init(&c);
	bed_button_init(&b);
	bed_button_level(&b, true, T0); /* stuck, or held while the daemon started */
	assert_int_equal(bed_button_input(&b, &c, &params, BED_LEG_LEFT, true, T0 + SEC),
			 BED_PRESS_NONE);
	assert_int_equal(bed_button_input(&b, &c, &params, BED_LEG_LEFT, false, T0 + 2 * SEC),
			 BED_PRESS_NONE);
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + 3 * SEC, 100), BED_PRESS_CRAMP);
}

static void test_first_event_active_without_level_is_a_press(void **state)
{
	struct bed_button b;
	struct bed_cramp c;

	/* An MQTT button: no level read at start. */
	bed_cramp_init(&c);
	bed_button_init(&b);
	assert_int_equal(bed_button_input(&b, &c, &params, BED_LEG_UNKNOWN, true, T0),
			 BED_PRESS_CRAMP);
}

static void test_out_of_order_presses(void **state)
{
	struct bed_button b;
	struct bed_cramp c;

	bed_cramp_init(&c);
	bed_button_init(&b);
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + 10 * MIN, 100), BED_PRESS_CRAMP);
	/* Stamped a little earlier: the window applies either side. */
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + 9 * MIN, 100), BED_PRESS_DUPLICATE);
	/* Much earlier: its own cramp, and the window stays at the later one. */
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0, 100), BED_PRESS_CRAMP);
	assert_int_equal(c.last_usec[BED_LEG_LEFT], T0 + 10 * MIN);
	assert_int_equal(press(&b, &c, BED_LEG_LEFT, T0 + 11 * MIN, 100), BED_PRESS_DUPLICATE);
}

static void test_zero_window_every_press_counts(void **state)
{
	const struct bed_cramp_params none = { 0 };
	struct bed_button b;
	struct bed_cramp c;

	bed_cramp_init(&c);
	bed_button_init(&b);
	assert_int_equal(bed_button_input(&b, &c, &none, BED_LEG_LEFT, true, T0), BED_PRESS_CRAMP);
	bed_button_input(&b, &c, &none, BED_LEG_LEFT, false, T0 + 1);
	assert_int_equal(bed_button_input(&b, &c, &none, BED_LEG_LEFT, true, T0 + 2),
			 BED_PRESS_CRAMP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_press_records_a_cramp),
		cmocka_unit_test(test_double_press_within_window_is_one_cramp),
		cmocka_unit_test(test_window_is_per_leg),
		cmocka_unit_test(test_long_press_is_one_press),
		cmocka_unit_test(test_level_held_at_start_is_not_a_press),
		cmocka_unit_test(test_first_event_active_without_level_is_a_press),
		cmocka_unit_test(test_out_of_order_presses),
		cmocka_unit_test(test_zero_window_every_press_counts),
		cmocka_unit_test(test_chattering_contact_is_one_cramp),
		cmocka_unit_test(test_a_few_presses_over_long_are_not_faulty),
		cmocka_unit_test(test_separate_cramps_are_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
