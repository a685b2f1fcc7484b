/*
 * The room temperature's samples: each window's lowest reading at its own time,
 * written when the window ends, on a real sd-event loop and a real store file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <time.h>

#include <systemd/sd-event.h>

#include "daemon/clock.h"
#include "daemon/room-sampler.h"
#include "store/room-temperature.h"
#include "tests/unit/test-store-fixture.h"

/*
 * Five minutes in the daemon; over a second here, as a sample's time is in
 * whole seconds. sd-event may fire a timer up to 250 ms late (its default
 * accuracy): the waits below allow LATE_USEC for it.
 */
#define WINDOW_USEC (1100 * 1000ULL)
#define LATE_USEC   (400 * 1000ULL)

struct rig {
	sd_event *event;
	struct store *store;
	struct room_sampler *sampler;
};

static void rig_open(struct rig *r, const char *dir)
{
	assert_int_equal(sd_event_new(&r->event), 0);
	assert_int_equal(store_open(dir, &r->store), 0);
	assert_int_equal(room_sampler_new(r->event, WINDOW_USEC, &r->sampler), 0);
	room_sampler_set_store(r->sampler, r->store);
}

static void rig_close(struct rig *r)
{
	room_sampler_free(r->sampler);
	store_close(r->store);
	sd_event_unref(r->event);
}

/* Runs the loop for @usec: the window's timer fires in it when due. */
static void run_for(struct rig *r, uint64_t usec)
{
	uint64_t end = clock_monotonic_usec() + usec;

	while (clock_monotonic_usec() < end)
		assert_true(sd_event_run(r->event, (end - clock_monotonic_usec())) >= 0);
}

static int samples(struct rig *r, struct store_room_sample **ret)
{
	return store_room_temperature_read_range(r->store, 0, INT64_MAX, ret);
}

static void take(struct rig *r, double c, int64_t time_s)
{
	room_sampler_take(r->sampler, c, time_s, clock_monotonic_usec());
}

/* A dip between the window's first reading and its last is what is kept, at its time. */
static void test_the_window_keeps_its_lowest(void **state)
{
	struct rig r = { 0 };
	struct store_room_sample *s = NULL;
	double c = 0;

	rig_open(&r, *state);
	take(&r, 18.40, 1000);
	take(&r, 18.13, 1060);
	take(&r, 18.90, 1120);
	/* Not written yet, but the cramp's context sees it; not before its time. */
	assert_int_equal(samples(&r, &s), 0);
	free(s);
	assert_true(room_sampler_pending_lowest(r.sampler, 0, 2000, &c));
	assert_true(c == 18.13);
	assert_false(room_sampler_pending_lowest(r.sampler, 0, 1059, &c));
	assert_false(room_sampler_pending_lowest(r.sampler, 1061, 2000, &c));

	run_for(&r, WINDOW_USEC + LATE_USEC);
	assert_int_equal(samples(&r, &s), 1);
	assert_int_equal(s[0].time, 1060);
	assert_true(s[0].room_c == 18.13);
	free(s);
	rig_close(&r);
}

/* A steady room, whose readings bring nothing new, is sampled every window all the same. */
static void test_a_steady_room_is_sampled_each_window(void **state)
{
	struct rig r = { 0 };
	struct store_room_sample *s = NULL;
	int n;

	rig_open(&r, *state);
	take(&r, 19.00, 1000);
	run_for(&r, 2 * WINDOW_USEC + LATE_USEC);
	n = samples(&r, &s);
	free(s);
	assert_true(n >= 2);
	/* Unknown: no more samples after the window that was open. */
	room_sampler_unknown(r.sampler);
	run_for(&r, WINDOW_USEC + LATE_USEC);
	n = samples(&r, &s);
	free(s);
	run_for(&r, 2 * WINDOW_USEC);
	assert_int_equal(samples(&r, &s), n);
	free(s);
	rig_close(&r);
}

/* Without a store the lowest waits, and a flush writes it once one is there. */
static void test_the_lowest_waits_for_a_store(void **state)
{
	struct rig r = { 0 };
	struct store_room_sample *s = NULL;

	rig_open(&r, *state);
	room_sampler_set_store(r.sampler, NULL);
	take(&r, 17.50, 1000);
	take(&r, 17.00, 1030);
	run_for(&r, WINDOW_USEC + LATE_USEC); /* the window ends with nowhere to go */
	room_sampler_set_store(r.sampler, r.store);
	room_sampler_flush(r.sampler);
	assert_true(samples(&r, &s) >= 1);
	assert_int_equal(s[0].time, 1030);
	assert_true(s[0].room_c == 17.00);
	free(s);
	rig_close(&r);
}

/* A stop ends the open window: its lowest is written, not lost with the process. */
static void test_a_stop_writes_the_open_window(void **state)
{
	struct rig r = { 0 };
	struct store_room_sample *s = NULL;

	rig_open(&r, *state);
	take(&r, 18.60, 1000);
	take(&r, 18.05, 1040);
	assert_int_equal(samples(&r, &s), 0);
	free(s);
	r.sampler = room_sampler_free(r.sampler);
	assert_int_equal(samples(&r, &s), 1);
	assert_int_equal(s[0].time, 1040);
	assert_true(s[0].room_c == 18.05);
	free(s);
	rig_close(&r);
}

/*
 * A reload: the old window's lowest is written at once; one the store could
 * not take goes to the new sampler, not away with the old one.
 */
static void test_a_reload_hands_over_what_is_not_written(void **state)
{
	struct rig r = { 0 };
	struct room_sampler *next = NULL;
	struct store_room_sample *s = NULL;

	rig_open(&r, *state);
	take(&r, 18.30, 1000);
	assert_int_equal(room_sampler_new(r.event, WINDOW_USEC, &next), 0);
	room_sampler_set_store(next, r.store);
	room_sampler_adopt(next, r.sampler);
	assert_int_equal(samples(&r, &s), 1);
	free(s);

	/* Now one the store cannot take: it waits in the new sampler. */
	take(&r, 18.10, 1100);
	room_sampler_set_store(r.sampler, NULL);
	room_sampler_adopt(next, r.sampler);
	r.sampler = room_sampler_free(r.sampler);
	assert_int_equal(samples(&r, &s), 1);
	free(s);
	next = room_sampler_free(next);
	assert_int_equal(samples(&r, &s), 2);
	assert_int_equal(s[1].time, 1100);
	assert_true(s[1].room_c == 18.10);
	free(s);
	rig_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_the_window_keeps_its_lowest),
		STORE_TEST(test_a_steady_room_is_sampled_each_window),
		STORE_TEST(test_the_lowest_waits_for_a_store),
		STORE_TEST(test_a_stop_writes_the_open_window),
		STORE_TEST(test_a_reload_hands_over_what_is_not_written),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
