#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sensors/bed-occupancy.h"

#define MS  1000ULL
#define SEC 1000000ULL
#define T0  (1000 * SEC) /* an arbitrary monotonic start */

static const struct bed_occupancy_params params = { .on_delay_usec = 5 * SEC,
						    .off_delay_usec = 45 * SEC };

static void test_unknown_until_first_level(void **state)
{
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	bed_occupancy_init(&o);
	r = bed_occupancy_tick(&o, &params, T0);
	assert_false(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_UNKNOWN);
	assert_int_equal(r.wake_usec, BED_OCCUPANCY_NEVER);
	assert_string_equal(bed_occupancy_state_to_string(r.state), "unknown");
}

static void test_in_bed_after_on_delay_not_before(void **state)
{
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	bed_occupancy_init(&o);
	r = bed_occupancy_input(&o, &params, true, T0);
	assert_false(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_UNKNOWN);
	assert_int_equal(r.wake_usec, T0 + 5 * SEC);

	r = bed_occupancy_tick(&o, &params, T0 + 5 * SEC - 1);
	assert_false(r.changed);
	assert_int_equal(r.wake_usec, T0 + 5 * SEC);

	r = bed_occupancy_tick(&o, &params, T0 + 5 * SEC);
	assert_true(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_IN);
	assert_int_equal(r.since_usec, T0); /* since the mat became active */
	assert_int_equal(r.wake_usec, BED_OCCUPANCY_NEVER);

	r = bed_occupancy_tick(&o, &params, T0 + 60 * SEC);
	assert_false(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_IN);
}

static void test_out_after_off_delay_turning_over_is_not_leaving(void **state)
{
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	bed_occupancy_init(&o);
	bed_occupancy_input(&o, &params, true, T0);
	bed_occupancy_tick(&o, &params, T0 + 5 * SEC);

	/* Turning over: 30 s off the mat, back on. */
	r = bed_occupancy_input(&o, &params, false, T0 + 100 * SEC);
	assert_false(r.changed);
	assert_int_equal(r.wake_usec, T0 + 145 * SEC);
	r = bed_occupancy_tick(&o, &params, T0 + 130 * SEC);
	assert_false(r.changed);
	r = bed_occupancy_input(&o, &params, true, T0 + 130 * SEC);
	assert_false(r.changed);
	assert_int_equal(r.wake_usec, BED_OCCUPANCY_NEVER);
	r = bed_occupancy_tick(&o, &params, T0 + 145 * SEC);
	assert_false(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_IN);
	assert_int_equal(r.since_usec, T0);

	/* Getting up. */
	r = bed_occupancy_input(&o, &params, false, T0 + 200 * SEC);
	r = bed_occupancy_tick(&o, &params, T0 + 245 * SEC - 1);
	assert_false(r.changed);
	r = bed_occupancy_tick(&o, &params, T0 + 245 * SEC);
	assert_true(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_OUT);
	assert_int_equal(r.since_usec, T0 + 200 * SEC);
}

static void test_bounce_shorter_than_on_delay_never_counts(void **state)
{
	struct bed_occupancy o;
	struct bed_occupancy_result r;
	uint64_t t = T0;

	bed_occupancy_init(&o);
	r = bed_occupancy_input(&o, &params, false, t);
	r = bed_occupancy_tick(&o, &params, t + 45 * SEC);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_OUT);
	t += 50 * SEC;
	/* A cat walking over the mat: on for 2 s, off for 1 s, many times. */
	for (int i = 0; i < 20; i++) {
		r = bed_occupancy_input(&o, &params, true, t);
		assert_false(r.changed);
		r = bed_occupancy_tick(&o, &params, t + 2 * SEC);
		assert_false(r.changed);
		r = bed_occupancy_input(&o, &params, false, t + 2 * SEC);
		assert_false(r.changed);
		t += 3 * SEC;
	}
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_OUT);
	/* Contact bounce of a few ms at the start of a real lie-down counts from the last edge. */
	bed_occupancy_input(&o, &params, true, t);
	bed_occupancy_input(&o, &params, false, t + 2 * MS);
	r = bed_occupancy_input(&o, &params, true, t + 4 * MS);
	assert_int_equal(r.wake_usec, t + 4 * MS + 5 * SEC);
}

static void test_repeated_same_level_does_not_restart_delay(void **state)
{
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	bed_occupancy_init(&o);
	bed_occupancy_input(&o, &params, true, T0);
	r = bed_occupancy_input(&o, &params, true, T0 + 3 * SEC); /* an MQTT sensor repeating ON */
	assert_int_equal(r.wake_usec, T0 + 5 * SEC);
	r = bed_occupancy_input(&o, &params, true, T0 + 6 * SEC);
	assert_true(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_IN);
}

static void test_late_timer_settles_before_the_next_edge(void **state)
{
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	/* The timer for T0+5s never ran; an edge at T0+7s arrives first. */
	bed_occupancy_init(&o);
	bed_occupancy_input(&o, &params, true, T0);
	r = bed_occupancy_input(&o, &params, false, T0 + 7 * SEC);
	assert_true(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_IN);
	assert_int_equal(r.wake_usec, T0 + 52 * SEC);
}

static void test_out_of_order_events_count_at_latest_time(void **state)
{
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	bed_occupancy_init(&o);
	bed_occupancy_input(&o, &params, true, T0 + 10 * SEC);
	/* An older event (another source's clock, or read after the timer): at T0+10s. */
	r = bed_occupancy_input(&o, &params, false, T0 + 2 * SEC);
	assert_false(r.changed);
	assert_int_equal(r.wake_usec, T0 + 55 * SEC);
	r = bed_occupancy_input(&o, &params, true, T0 + 1 * SEC);
	assert_int_equal(r.wake_usec, T0 + 15 * SEC);
	/* A tick with an older time changes nothing. */
	r = bed_occupancy_tick(&o, &params, T0);
	assert_false(r.changed);
	r = bed_occupancy_tick(&o, &params, T0 + 15 * SEC);
	assert_true(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_IN);
	assert_int_equal(r.since_usec, T0 + 10 * SEC);
}

static void test_zero_delays_follow_the_input(void **state)
{
	const struct bed_occupancy_params zero = { 0 };
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	bed_occupancy_init(&o);
	r = bed_occupancy_input(&o, &zero, true, T0);
	assert_true(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_IN);
	r = bed_occupancy_input(&o, &zero, false, T0 + 1);
	assert_true(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_OUT);
	assert_int_equal(r.wake_usec, BED_OCCUPANCY_NEVER);
}

static void test_lost_input_is_unknown_until_next_level(void **state)
{
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	bed_occupancy_init(&o);
	bed_occupancy_input(&o, &params, true, T0);
	bed_occupancy_tick(&o, &params, T0 + 5 * SEC);
	r = bed_occupancy_lost(&o);
	assert_true(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_UNKNOWN);
	assert_int_equal(r.wake_usec, BED_OCCUPANCY_NEVER);
	/* Back: the person is still in bed, seen after the on delay again. */
	r = bed_occupancy_input(&o, &params, true, T0 + 100 * SEC);
	assert_int_equal(r.wake_usec, T0 + 105 * SEC);
	r = bed_occupancy_tick(&o, &params, T0 + 105 * SEC);
	assert_true(r.changed);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_IN);
}

static void test_huge_delay_saturates(void **state)
{
	const struct bed_occupancy_params huge = { .on_delay_usec = UINT64_MAX,
						   .off_delay_usec = UINT64_MAX };
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	bed_occupancy_init(&o);
	r = bed_occupancy_input(&o, &huge, true, T0);
	assert_int_equal(r.wake_usec, BED_OCCUPANCY_NEVER);
	r = bed_occupancy_tick(&o, &huge, UINT64_MAX - 1);
	assert_false(r.changed);
}

/* Wall-clock times for the record kept across a restart: a night in 2026. */
#define NIGHT_S INT64_C(1795000000) /* bedtime */
#define HOUR_S  INT64_C(3600)
#define START_S (NIGHT_S + 3 * HOUR_S) /* bedroomd starts again three hours later */

static void test_restart_in_bed_goes_on_from_the_record(void **state)
{
	(void) state;
	/* Kept: in bed since bedtime; the mat says in bed since the start. */
	assert_int_equal(bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_IN, START_S, NIGHT_S,
						      START_S + 5, true),
			 NIGHT_S);
	/* Nothing kept (or out of bed): since the mat said so, as without a store. */
	assert_int_equal(
	    bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_IN, START_S, 0, START_S + 5, true),
	    START_S);
	/* Out of bed at the start: not in bed, whatever was kept. */
	assert_int_equal(bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_OUT, START_S, NIGHT_S,
						      START_S + 5, true),
			 0);
	assert_int_equal(bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_UNKNOWN, START_S, NIGHT_S,
						      START_S + 5, true),
			 0);
}

static void test_restart_record_must_be_believable(void **state)
{
	int64_t old = START_S - BED_OCCUPANCY_RESUME_MAX_S;

	(void) state;
	/* The clock not set yet (1970, or a Pi's saved time before NTP): nothing is dated. */
	assert_int_equal(
	    bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_IN, 100, NIGHT_S, 105, false), 100);
	assert_int_equal(bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_IN, START_S, NIGHT_S,
						      START_S + 5, false),
			 START_S);
	/* Yesterday's bedtime: bedroomd was stopped for a day; not tonight's. */
	assert_int_equal(
	    bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_IN, START_S, old - 1, START_S, true),
	    START_S);
	assert_int_equal(
	    bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_IN, START_S, old, START_S, true), old);
	/* A record from the future (the clock was stepped back): not believed. */
	assert_int_equal(bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_IN, START_S,
						      START_S + HOUR_S, START_S + 5, true),
			 START_S);
	/* One no earlier than what the mat says adds nothing. */
	assert_int_equal(bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_IN, START_S, START_S + 2,
						      START_S + 5, true),
			 START_S);
	assert_int_equal(
	    bed_occupancy_resume_since_s(BED_OCCUPANCY_STATE_IN, START_S, -5, START_S + 5, true),
	    START_S);
}

/* The first state after a start is a change from unknown: the daemon resumes only then. */
static void test_result_says_the_state_before(void **state)
{
	struct bed_occupancy o;
	struct bed_occupancy_result r;

	(void) state;
	bed_occupancy_init(&o);
	r = bed_occupancy_input(&o, &params, true, T0);
	assert_int_equal(r.before, BED_OCCUPANCY_STATE_UNKNOWN);
	r = bed_occupancy_tick(&o, &params, T0 + 5 * SEC);
	assert_true(r.changed);
	assert_int_equal(r.before, BED_OCCUPANCY_STATE_UNKNOWN);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_IN);
	r = bed_occupancy_input(&o, &params, false, T0 + 10 * SEC);
	r = bed_occupancy_tick(&o, &params, T0 + 55 * SEC);
	assert_true(r.changed);
	assert_int_equal(r.before, BED_OCCUPANCY_STATE_IN);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_OUT);
	r = bed_occupancy_lost(&o);
	assert_int_equal(r.before, BED_OCCUPANCY_STATE_OUT);
	assert_int_equal(r.state, BED_OCCUPANCY_STATE_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_until_first_level),
		cmocka_unit_test(test_in_bed_after_on_delay_not_before),
		cmocka_unit_test(test_out_after_off_delay_turning_over_is_not_leaving),
		cmocka_unit_test(test_bounce_shorter_than_on_delay_never_counts),
		cmocka_unit_test(test_repeated_same_level_does_not_restart_delay),
		cmocka_unit_test(test_late_timer_settles_before_the_next_edge),
		cmocka_unit_test(test_out_of_order_events_count_at_latest_time),
		cmocka_unit_test(test_zero_delays_follow_the_input),
		cmocka_unit_test(test_lost_input_is_unknown_until_next_level),
		cmocka_unit_test(test_huge_delay_saturates),
		cmocka_unit_test(test_restart_in_bed_goes_on_from_the_record),
		cmocka_unit_test(test_restart_record_must_be_believable),
		cmocka_unit_test(test_result_says_the_state_before),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
