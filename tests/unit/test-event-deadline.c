/*
 * event_deadline on a real sd-event loop and CLOCK_MONOTONIC: the first
 * later deadline after a firing re-arms the timer (no early wake-up), later
 * ones leave it armed early and the handler is told it came early; a sooner
 * one re-arms it; no deadline switches the timer off, or, moved once already,
 * makes it a no-op.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "daemon/clock.h"
#include "daemon/event-source.h"

#define MS 1000ULL

struct rig {
	sd_event *event;
	struct event_deadline deadline;
	unsigned early, due;     /* handler calls that came early, and on time */
	uint64_t due_at_usec;    /* the deadline when the on-time call came */
	uint64_t called_at_usec; /* when it came */
};

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct rig *rig = userdata;
	uint64_t now = clock_monotonic_usec();

	/*
	 * Asked with the time the timer was armed for, not the clock's: the
	 * answer then does not depend on how late a busy machine runs us.
	 */
	if (event_deadline_early(&rig->deadline, usec)) {
		rig->early++;
		return 0;
	}
	rig->due++;
	rig->due_at_usec = rig->deadline.due_usec;
	rig->called_at_usec = now;
	return sd_event_exit(rig->event, 0);
}

static int on_give_up(sd_event_source *s, uint64_t usec, void *userdata)
{
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static void rig_open(struct rig *rig)
{
	*rig = (struct rig){ .deadline.due_usec = UINT64_MAX };
	assert_int_equal(sd_event_new(&rig->event), 0);
	/* Accurate to 1 µs: sd-event's default slack (250 ms) could make early late. */
	assert_int_equal(sd_event_add_time(rig->event, &rig->deadline.timer, CLOCK_MONOTONIC,
					   UINT64_MAX, 1, on_timer, rig),
			 0);
	assert_int_equal(sd_event_source_set_enabled(rig->deadline.timer, SD_EVENT_OFF), 0);
	/* A test that goes wrong ends here rather than hanging. */
	assert_int_equal(sd_event_add_time_relative(rig->event, NULL, CLOCK_MONOTONIC, 1500 * MS, 0,
						    on_give_up, NULL),
			 0);
}

static void rig_close(struct rig *rig)
{
	sd_event_source_disable_unref(rig->deadline.timer);
	sd_event_unref(rig->event);
}

static uint64_t armed_for(const struct rig *rig)
{
	uint64_t at = 0;

	assert_int_equal(sd_event_source_get_time(rig->deadline.timer, &at), 0);
	return at;
}

static void test_first_later_deadline_rearms(void **state)
{
	struct rig rig;
	uint64_t now = clock_monotonic_usec();

	rig_open(&rig);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 20 * MS), 0);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 60 * MS), 0);
	assert_int_equal(armed_for(&rig), now + 60 * MS);
	assert_int_equal(sd_event_loop(rig.event), 0);
	assert_int_equal(rig.early, 0);
	assert_int_equal(rig.due, 1);
	assert_true(rig.called_at_usec >= now + 60 * MS);
	rig_close(&rig);
}

static void test_later_deadline_again_keeps_the_timer_and_comes_early(void **state)
{
	struct rig rig;
	uint64_t now = clock_monotonic_usec();

	rig_open(&rig);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 20 * MS), 0);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 40 * MS), 0);
	for (uint64_t ms = 60; ms <= 140; ms += 20)
		assert_int_equal(event_deadline_set(&rig.deadline, now + ms * MS), 0);
	assert_int_equal(armed_for(&rig), now + 40 * MS);
	assert_int_equal(sd_event_loop(rig.event), 0);
	assert_int_equal(rig.early, 1);
	assert_int_equal(rig.due, 1);
	assert_int_equal(rig.due_at_usec, now + 140 * MS);
	assert_true(rig.called_at_usec >= now + 140 * MS);
	rig_close(&rig);
}

static void test_sooner_deadline_rearms(void **state)
{
	struct rig rig;
	uint64_t now = clock_monotonic_usec();

	rig_open(&rig);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 2000 * MS), 0);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 30 * MS), 0);
	assert_int_equal(armed_for(&rig), now + 30 * MS);
	assert_int_equal(sd_event_loop(rig.event), 0);
	assert_int_equal(rig.early, 0);
	assert_int_equal(rig.due, 1);
	assert_true(rig.called_at_usec >= now + 30 * MS);
	rig_close(&rig);
}

static void test_no_deadline_switches_the_timer_off(void **state)
{
	struct rig rig;
	uint64_t now = clock_monotonic_usec();
	int enabled = -1;

	rig_open(&rig);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 20 * MS), 0);
	assert_int_equal(event_deadline_set(&rig.deadline, UINT64_MAX), 0);
	assert_int_equal(sd_event_source_get_enabled(rig.deadline.timer, &enabled), 0);
	assert_int_equal(enabled, SD_EVENT_OFF);
	/* Nothing comes: the loop ends at on_give_up(). */
	assert_int_equal(sd_event_loop(rig.event), 0);
	assert_int_equal(rig.early, 0);
	assert_int_equal(rig.due, 0);
	rig_close(&rig);
}

static void test_no_deadline_after_a_move_leaves_nothing_to_do(void **state)
{
	struct rig rig;
	uint64_t now = clock_monotonic_usec();
	int enabled = -1;

	rig_open(&rig);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 20 * MS), 0);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 40 * MS), 0);
	assert_int_equal(event_deadline_set(&rig.deadline, UINT64_MAX), 0);
	/* Disarmed after its early call: the loop ends at on_give_up(). */
	assert_int_equal(sd_event_loop(rig.event), 0);
	assert_int_equal(rig.early, 1);
	assert_int_equal(rig.due, 0);
	assert_int_equal(sd_event_source_get_enabled(rig.deadline.timer, &enabled), 0);
	assert_int_equal(enabled, SD_EVENT_OFF);
	rig_close(&rig);
}

static void test_disabled_timer_is_armed_again(void **state)
{
	struct rig rig;
	uint64_t now = clock_monotonic_usec();

	rig_open(&rig);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 20 * MS), 0);
	/* Switched off by its owner (the heating stopping), then a deadline again. */
	assert_int_equal(sd_event_source_set_enabled(rig.deadline.timer, SD_EVENT_OFF), 0);
	assert_int_equal(event_deadline_set(&rig.deadline, now + 40 * MS), 0);
	assert_int_equal(sd_event_loop(rig.event), 0);
	assert_int_equal(rig.early, 0);
	assert_int_equal(rig.due, 1);
	assert_true(rig.called_at_usec >= now + 40 * MS);
	rig_close(&rig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_later_deadline_rearms),
		cmocka_unit_test(test_later_deadline_again_keeps_the_timer_and_comes_early),
		cmocka_unit_test(test_sooner_deadline_rearms),
		cmocka_unit_test(test_no_deadline_switches_the_timer_off),
		cmocka_unit_test(test_no_deadline_after_a_move_leaves_nothing_to_do),
		cmocka_unit_test(test_disabled_timer_is_armed_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
