/* Staleness, aggregation and the publish decision, as pure logic with injected time. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sensors/room-publish.h"
#include "sensors/room-temp.h"

#define SEC (1000ULL * 1000)
#define MIN (60 * SEC)

static void test_stale_edges(void **state)
{
	struct sensor_health h;
	uint64_t stale = sensor_health_default_stale_usec(30 * SEC);

	assert_true(stale == 90 * SEC);
	sensor_health_init(&h, stale, 0, 1000 * SEC);
	/* Not stale at once, even without a reading; not usable either. */
	assert_int_equal(sensor_health_tick(&h, 1000 * SEC), SENSOR_HEALTH_EVENT_NONE);
	assert_false(sensor_health_usable(&h, 1000 * SEC));
	assert_true(sensor_health_next_usec(&h) == 1090 * SEC);
	assert_int_equal(sensor_health_good(&h, 21000, 1030 * SEC), SENSOR_HEALTH_EVENT_NONE);
	assert_true(sensor_health_usable(&h, 1030 * SEC));
	assert_true(sensor_health_next_usec(&h) == 1120 * SEC);
	assert_int_equal(sensor_health_tick(&h, 1119 * SEC), SENSOR_HEALTH_EVENT_NONE);
	assert_true(sensor_health_usable(&h, 1119 * SEC));
	/* Edge-triggered: STALE once, RECOVERED once. */
	assert_int_equal(sensor_health_tick(&h, 1120 * SEC), SENSOR_HEALTH_EVENT_STALE);
	assert_false(sensor_health_usable(&h, 1120 * SEC));
	assert_int_equal(sensor_health_tick(&h, 1200 * SEC), SENSOR_HEALTH_EVENT_NONE);
	assert_int_equal(sensor_health_tick(&h, 5000 * SEC), SENSOR_HEALTH_EVENT_NONE);
	assert_int_equal(sensor_health_good(&h, 20500, 5001 * SEC), SENSOR_HEALTH_EVENT_RECOVERED);
	assert_int_equal(sensor_health_good(&h, 20500, 5002 * SEC), SENSOR_HEALTH_EVENT_NONE);
	assert_true(sensor_health_usable(&h, 5002 * SEC));
	/* Never delivering: stale after stale_after. */
	sensor_health_init(&h, stale, 0, 0);
	assert_int_equal(sensor_health_tick(&h, 90 * SEC), SENSOR_HEALTH_EVENT_STALE);
}

static void test_max_age(void **state)
{
	struct sensor_health h;

	/* mqtt: the value expires after 10 min, the alert after 30. */
	sensor_health_init(&h, 30 * MIN, 10 * MIN, 0);
	sensor_health_good(&h, 19000, MIN);
	assert_true(sensor_health_usable(&h, 11 * MIN));
	assert_false(sensor_health_usable(&h, 11 * MIN + 1));
	assert_int_equal(sensor_health_tick(&h, 11 * MIN + 1), SENSOR_HEALTH_EVENT_NONE);
}

static void test_aggregate(void **state)
{
	struct sensor_health a, b, c;
	const struct sensor_health *hs[] = { &a, &b, &c };
	enum room_temp_mode mode;
	int32_t mc = 4711;

	sensor_health_init(&a, 90 * SEC, 0, 0);
	sensor_health_init(&b, 90 * SEC, 0, 0);
	sensor_health_init(&c, 90 * SEC, 0, 0);
	/* None healthy: unknown, *ret untouched. */
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_MIN, 0, &mc), -ENODATA);
	assert_int_equal(mc, 4711);
	sensor_health_good(&a, 21000, 10 * SEC);
	sensor_health_good(&b, 18500, 10 * SEC);
	sensor_health_good(&c, 19001, 10 * SEC);
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_MIN, 20 * SEC, &mc), 3);
	assert_int_equal(mc, 18500);
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_MEAN, 20 * SEC, &mc), 3);
	assert_int_equal(mc, 19500); /* 58501 / 3 = 19500.33 */
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_FIRST, 20 * SEC, &mc), 1);
	assert_int_equal(mc, 21000);
	/* a and b go stale; c keeps reporting: only c counts. */
	sensor_health_good(&c, 19250, 60 * SEC);
	assert_int_equal(sensor_health_tick(&a, 100 * SEC), SENSOR_HEALTH_EVENT_STALE);
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_MIN, 100 * SEC, &mc), 1);
	assert_int_equal(mc, 19250);
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_FIRST, 100 * SEC, &mc), 1);
	assert_int_equal(mc, 19250);
	/* Mean rounds half away from zero, also below zero. */
	sensor_health_good(&a, -1000, 100 * SEC);
	sensor_health_good(&b, -1001, 100 * SEC);
	sensor_health_good(&c, -1002, 100 * SEC);
	assert_int_equal(room_temp_aggregate(hs, 2, ROOM_TEMP_MODE_MEAN, 100 * SEC, &mc), 2);
	assert_int_equal(mc, -1001);
	assert_int_equal(room_temp_mode_from_string("mean", &mode), 0);
	assert_int_equal(mode, ROOM_TEMP_MODE_MEAN);
	assert_int_equal(room_temp_mode_from_string("max", &mode), -EINVAL);
	assert_int_equal(mode, ROOM_TEMP_MODE_MEAN);
}

static void test_publish(void **state)
{
	struct room_publish_params p;
	struct room_publish last = { 0 };

	room_publish_params_default(&p);
	assert_int_equal(p.step_mc, 100);
	assert_true(p.max_interval_usec == 5 * MIN);
	/* First: always. */
	assert_true(room_publish_due(&last, &p, true, 20000, false, 0));
	room_publish_mark(&last, true, 20000, 0);
	/* Small changes wait; more than the step goes, but not within min interval. */
	assert_false(room_publish_due(&last, &p, true, 20100, false, MIN));
	assert_true(room_publish_due(&last, &p, true, 20101, false, MIN));
	assert_true(room_publish_due(&last, &p, true, 19899, false, MIN));
	assert_false(room_publish_due(&last, &p, true, 25000, false, 5 * SEC));
	assert_false(room_publish_due(&last, &p, true, 25000, true, 5 * SEC));
	/* Max interval: publish even unchanged. */
	assert_false(room_publish_due(&last, &p, true, 20000, false, 5 * MIN - 1));
	assert_true(room_publish_due(&last, &p, true, 20000, false, 5 * MIN));
	assert_true(room_publish_next_usec(&last, &p) == 5 * MIN);
	/* Known -> unknown, and forced (health changed). */
	assert_true(room_publish_due(&last, &p, false, 0, false, MIN));
	assert_true(room_publish_due(&last, &p, true, 20000, true, MIN));
	room_publish_mark(&last, false, 0, MIN);
	assert_false(room_publish_due(&last, &p, false, 0, false, 2 * MIN));
	assert_true(room_publish_due(&last, &p, true, 0, false, 2 * MIN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_edges),
		cmocka_unit_test(test_max_age),
		cmocka_unit_test(test_aggregate),
		cmocka_unit_test(test_publish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
