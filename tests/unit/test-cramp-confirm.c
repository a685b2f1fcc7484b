#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>

#include "control/cramp-confirm.h"

#define MIN_S ((int64_t) 60)
#define T0    ((int64_t) 1767582000) /* 03:00 of a night */
#define DEDUP (2 * MIN_S)
/* When the phone's answers come: reports remembered, not made at the time. */
#define MORNING (T0 + 5 * 60 * MIN_S)

static void test_a_report_confirms_the_nearest_suspicion(void **state)
{
	struct cramp_confirm c;
	const char *id = NULL;

	(void) state;
	cramp_confirm_init(&c, 15 * MIN_S, DEDUP);
	assert_int_equal(cramp_confirm_judge(&c, T0, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_NONE);
	assert_int_equal(cramp_confirm_add(&c, "s-1", T0), 0);
	assert_int_equal(cramp_confirm_add(&c, "s-2", T0 + 20 * MIN_S), 0);
	assert_int_equal(cramp_confirm_judge(&c, T0 + 12 * MIN_S, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_CONFIRMS);
	assert_string_equal(id, "s-2"); /* 8 min from s-2, 12 from s-1 */
	/* Either side, inclusive; not beyond. */
	assert_int_equal(cramp_confirm_judge(&c, T0 - 15 * MIN_S, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_CONFIRMS);
	assert_string_equal(id, "s-1");
	assert_int_equal(cramp_confirm_judge(&c, T0 - 15 * MIN_S - 1, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_NONE);
	cramp_confirm_clear(&c);
}

static void test_a_confirmed_suspicion_is_confirmed_once(void **state)
{
	struct cramp_confirm c;
	const char *id = NULL;

	(void) state;
	cramp_confirm_init(&c, 15 * MIN_S, DEDUP);
	assert_int_equal(cramp_confirm_add(&c, "s-1", T0), 0);
	/* The bedside button at 03:03 confirms it ... */
	assert_int_equal(cramp_confirm_judge(&c, T0 + 3 * MIN_S, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_CONFIRMS);
	cramp_confirm_mark(&c, id, CRAMP_LEG_LEFT, T0 + 3 * MIN_S);
	/* The report that confirmed it is the cramp logged: a later one may amend it. */
	assert_non_null(cramp_confirm_get(&c, id));
	assert_int_equal(cramp_confirm_get(&c, id)->confirmed_by_s, T0 + 3 * MIN_S);
	assert_int_equal(cramp_confirm_get(&c, id)->leg, CRAMP_LEG_LEFT);
	assert_null(cramp_confirm_get(&c, "no-such-id"));
	/* ... so the phone's "yes, left leg" at the suspicion's time is that cramp again. */
	assert_int_equal(cramp_confirm_judge(&c, T0, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_DUPLICATE);
	assert_string_equal(id, "s-1");
	assert_int_equal(cramp_confirm_judge(&c, T0, MORNING, CRAMP_LEG_UNKNOWN, &id),
			 CRAMP_CONFIRM_DUPLICATE);
	/* The other leg is another cramp, and there is nothing left to confirm. */
	assert_int_equal(cramp_confirm_judge(&c, T0, MORNING, CRAMP_LEG_RIGHT, &id),
			 CRAMP_CONFIRM_NONE);
	/* Long after: a cramp of its own. */
	assert_int_equal(cramp_confirm_judge(&c, T0 + 40 * MIN_S, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_NONE);
	/* Marking an id it does not know changes nothing. */
	cramp_confirm_mark(&c, "nope", CRAMP_LEG_RIGHT, T0);
	assert_int_equal(cramp_confirm_judge(&c, T0, MORNING, CRAMP_LEG_RIGHT, &id),
			 CRAMP_CONFIRM_NONE);
	cramp_confirm_clear(&c);
}

/*
 * The button (no leg) at 03:01 confirms the suspicion of 03:00. The phone's
 * "right calf" made at 03:10 is a cramp of its own, as it would be without the
 * suspicion (the tracker's dedup window judges it), not the button's cramp
 * again; remembered in the morning, the same report is the button's cramp.
 */
static void test_a_report_made_at_the_time_is_not_a_memory(void **state)
{
	struct cramp_confirm c;
	const char *id = NULL;

	(void) state;
	cramp_confirm_init(&c, 15 * MIN_S, DEDUP);
	assert_int_equal(cramp_confirm_add(&c, "s-1", T0), 0);
	assert_int_equal(cramp_confirm_judge(&c, T0 + MIN_S, T0 + MIN_S, CRAMP_LEG_UNKNOWN, &id),
			 CRAMP_CONFIRM_CONFIRMS);
	cramp_confirm_mark(&c, id, CRAMP_LEG_UNKNOWN, T0 + MIN_S);
	assert_int_equal(
	    cramp_confirm_judge(&c, T0 + 10 * MIN_S, T0 + 10 * MIN_S, CRAMP_LEG_RIGHT, &id),
	    CRAMP_CONFIRM_NONE);
	/* Stamped a little before it was sent (a phone's clock, a queue): still now. */
	assert_int_equal(
	    cramp_confirm_judge(&c, T0 + 10 * MIN_S, T0 + 10 * MIN_S + DEDUP, CRAMP_LEG_RIGHT, &id),
	    CRAMP_CONFIRM_NONE);
	assert_int_equal(cramp_confirm_judge(&c, T0 + 10 * MIN_S, T0 + 10 * MIN_S + DEDUP + 1,
					     CRAMP_LEG_RIGHT, &id),
			 CRAMP_CONFIRM_DUPLICATE);
	assert_int_equal(cramp_confirm_judge(&c, T0 + 10 * MIN_S, MORNING, CRAMP_LEG_RIGHT, &id),
			 CRAMP_CONFIRM_DUPLICATE);
	assert_string_equal(id, "s-1");
	/* Amended to the right leg: the left is another cramp now, even remembered. */
	cramp_confirm_leg_amended(&c, T0 + MIN_S, CRAMP_LEG_UNKNOWN, CRAMP_LEG_RIGHT);
	assert_int_equal(cramp_confirm_get(&c, "s-1")->leg, CRAMP_LEG_RIGHT);
	assert_int_equal(cramp_confirm_judge(&c, T0, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_NONE);
	assert_int_equal(cramp_confirm_judge(&c, T0, MORNING, CRAMP_LEG_RIGHT, &id),
			 CRAMP_CONFIRM_DUPLICATE);
	/* Only the cramp of that leg at that time is amended. */
	cramp_confirm_leg_amended(&c, T0 + 2 * MIN_S, CRAMP_LEG_RIGHT, CRAMP_LEG_LEFT);
	cramp_confirm_leg_amended(&c, T0 + MIN_S, CRAMP_LEG_LEFT, CRAMP_LEG_UNKNOWN);
	assert_int_equal(cramp_confirm_get(&c, "s-1")->leg, CRAMP_LEG_RIGHT);
	cramp_confirm_clear(&c);
}

static void test_the_oldest_is_forgotten(void **state)
{
	struct cramp_confirm c;
	const char *id = NULL;
	char name[16];

	(void) state;
	cramp_confirm_init(&c, 15 * MIN_S, DEDUP);
	for (int i = 0; i <= CRAMP_CONFIRM_KEEP; i++) {
		snprintf(name, sizeof(name), "s-%d", i);
		assert_int_equal(cramp_confirm_add(&c, name, T0 + i * 86400), 0);
	}
	assert_int_equal(c.n, CRAMP_CONFIRM_KEEP);
	assert_int_equal(cramp_confirm_judge(&c, T0, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_NONE);
	assert_int_equal(cramp_confirm_judge(&c, T0 + 86400, MORNING, CRAMP_LEG_LEFT, &id),
			 CRAMP_CONFIRM_CONFIRMS);
	assert_string_equal(id, "s-1");
	cramp_confirm_clear(&c);
	assert_int_equal(c.n, 0);
}

/*
 * The Pi's clock is 5 h behind (fake-hwclock after a power cut): the button
 * at "22:00" by it, the phone's report of the same cramp at 03:00 by its own
 * right clock, 40 s later. Received within the dedup window on an unset
 * clock: one cramp, at the phone's time. On a set clock, or further apart,
 * or on the other leg: not.
 */
static void test_receipt_on_an_unset_clock(void **state)
{
	const uint64_t sec = 1000000;
	struct cramp_receipt last = {
		.known = true,
		.received_usec = 1000 * sec,
		.time_s = T0 - 5 * 3600,
		.leg = CRAMP_LEG_UNKNOWN,
		.own_time = false,
	};

	(void) state;
	assert_true(cramp_receipt_same(&last, false, 1040 * sec, DEDUP, CRAMP_LEG_LEFT));
	assert_true(cramp_receipt_time(&last, T0, true) == T0);
	assert_true(cramp_receipt_time(&last, T0, false) == T0 - 5 * 3600);
	assert_false(cramp_receipt_same(&last, true, 1040 * sec, DEDUP, CRAMP_LEG_LEFT));
	assert_false(
	    cramp_receipt_same(&last, false, (1000 + DEDUP + 1) * sec, DEDUP, CRAMP_LEG_LEFT));
	last.leg = CRAMP_LEG_RIGHT;
	assert_false(cramp_receipt_same(&last, false, 1040 * sec, DEDUP, CRAMP_LEG_LEFT));
	/* The phone first: its time stays, the button's is worse. */
	last.own_time = true;
	assert_true(cramp_receipt_time(&last, T0 + 99, false) == T0 - 5 * 3600);
	last.known = false;
	assert_false(cramp_receipt_same(&last, false, 1040 * sec, DEDUP, CRAMP_LEG_RIGHT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receipt_on_an_unset_clock),
		cmocka_unit_test(test_a_report_confirms_the_nearest_suspicion),
		cmocka_unit_test(test_a_confirmed_suspicion_is_confirmed_once),
		cmocka_unit_test(test_a_report_made_at_the_time_is_not_a_memory),
		cmocka_unit_test(test_the_oldest_is_forgotten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
