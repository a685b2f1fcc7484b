/* Staleness, aggregation and the publish decision, as pure logic with injected time. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sensors/room-publish.h"
#include "sensors/room-sensors.h"
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
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_MIN, 0, &mc, NULL), -ENODATA);
	assert_int_equal(mc, 4711);
	sensor_health_good(&a, 21000, 10 * SEC);
	sensor_health_good(&b, 18500, 10 * SEC);
	sensor_health_good(&c, 19001, 10 * SEC);
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_MIN, 20 * SEC, &mc, NULL), 3);
	assert_int_equal(mc, 18500);
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_MEAN, 20 * SEC, &mc, NULL), 3);
	assert_int_equal(mc, 19500); /* 58501 / 3 = 19500.33 */
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_FIRST, 20 * SEC, &mc, NULL), 1);
	assert_int_equal(mc, 21000);
	/* a and b go stale; c keeps reporting: only c counts. */
	sensor_health_good(&c, 19250, 60 * SEC);
	assert_int_equal(sensor_health_tick(&a, 100 * SEC), SENSOR_HEALTH_EVENT_STALE);
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_MIN, 100 * SEC, &mc, NULL), 1);
	assert_int_equal(mc, 19250);
	assert_int_equal(room_temp_aggregate(hs, 3, ROOM_TEMP_MODE_FIRST, 100 * SEC, &mc, NULL), 1);
	assert_int_equal(mc, 19250);
	/* Mean rounds half away from zero, also below zero. */
	sensor_health_good(&a, -1000, 100 * SEC);
	sensor_health_good(&b, -1001, 100 * SEC);
	sensor_health_good(&c, -1002, 100 * SEC);
	assert_int_equal(room_temp_aggregate(hs, 2, ROOM_TEMP_MODE_MEAN, 100 * SEC, &mc, NULL), 2);
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

/* Two MQTT-like thermometers: a generic check, stale after 5 min, no calibration. */
static struct room_sensors *two_sensors(enum room_temp_mode mode, uint64_t now)
{
	struct room_sensor_params p[2];
	struct room_sensors *rs = NULL;

	for (int i = 0; i < 2; i++) {
		p[i] = (struct room_sensor_params){ .kind = READING_CHECK_KIND_GENERIC,
						    .stale_after_usec = 5 * MIN };
		reading_check_params_default(p[i].kind, &p[i].check);
		p[i].check.max_rate_mc_per_min = 0;
	}
	assert_int_equal(room_sensors_new(p, 2, mode, now, &rs), 0);
	return rs;
}

static struct room_sensors_result offer(struct room_sensors *rs, size_t i, int32_t mc, uint64_t now)
{
	struct room_sensors_result res;

	room_sensors_offer(rs, i, &(struct temp_reading){ .value_mc = mc }, now, &res);
	return res;
}

/*
 * The path from sensors to heating: two thermometers read 30 s apart, the
 * colder one decides (min), and the health/republish timer looks in between.
 * Heating gets exactly the colder one's readings, at the times they were
 * taken: the warmer one's readings and the timer's looks are no news.
 */
static void test_readings_keep_their_time(void **state)
{
	struct room_sensors *rs = two_sensors(ROOM_TEMP_MODE_MIN, 0);
	struct room_sensors_result res;
	uint64_t handed[8];
	int n = 0;

	for (int k = 0; k < 6; k++) {
		uint64_t t = 60 * SEC * (uint64_t) k;

		res = offer(rs, 1, 17000 + 100 * k, t); /* cold, rising */
		if (res.news)
			handed[n++] = res.reading.taken_usec;
		assert_true(res.news && res.reading.value_mc == 17000 + 100 * k);
		res = offer(rs, 0, 21000, t + 30 * SEC); /* warm */
		assert_false(res.news);
		assert_true(res.reading.value_mc == 17000 + 100 * k && res.reading.taken_usec == t);
		room_sensors_tick(rs, t + 45 * SEC, &res, NULL); /* the republish timer */
		assert_false(res.news);
		assert_false(res.changed);
	}
	assert_int_equal(n, 6);
	for (int k = 0; k < 6; k++)
		assert_true(handed[k] == 60 * SEC * (uint64_t) k);
	room_sensors_free(rs);
}

/*
 * What the state shows of each sensor (waiting, ok, stale) changes the status
 * the room publishes on; the same value again does not. A sensor coming back
 * with the temperature it had used to leave "waiting" shown for minutes.
 */
static void test_status_is_what_the_state_shows(void **state)
{
	struct room_sensors *rs = two_sensors(ROOM_TEMP_MODE_MIN, 0);
	struct room_sensors_result res;
	uint64_t waiting, ok;
	bool stale[2];

	offer(rs, 0, 20000, 10 * SEC);
	waiting = room_sensors_status(rs, 10 * SEC); /* the second has said nothing yet */
	offer(rs, 1, 20000, 20 * SEC);
	ok = room_sensors_status(rs, 20 * SEC);
	assert_true(ok != waiting);
	offer(rs, 0, 20000, 30 * SEC);
	assert_true(room_sensors_status(rs, 30 * SEC) == ok);
	room_sensors_tick(rs, 5 * MIN + 25 * SEC, &res, stale);
	assert_true(!stale[0] && stale[1]);
	assert_true(room_sensors_status(rs, 5 * MIN + 25 * SEC) != ok);
	room_sensors_free(rs);
}

/* The same value read again is a reading; a rejected one, or the other sensor's, is not. */
static void test_news_is_a_new_reading(void **state)
{
	struct room_sensors *rs = two_sensors(ROOM_TEMP_MODE_MEAN, 0);
	struct room_sensors_result res;
	bool stale[2];

	res = offer(rs, 0, 20000, 10 * SEC);
	assert_true(res.news && res.reading.known && res.reading.taken_usec == 10 * SEC);
	res = offer(rs, 0, 20000, 20 * SEC);
	assert_true(res.news && res.reading.taken_usec == 20 * SEC);
	/* The mean is made from both: a reading of either is news, at its time. */
	res = offer(rs, 1, 22000, 25 * SEC);
	assert_true(res.news && res.reading.value_mc == 21000 &&
		    res.reading.taken_usec == 25 * SEC);
	/* Out of range: rejected, no news, the reading as it was. */
	res = offer(rs, 1, 99000, 30 * SEC);
	assert_int_equal(res.check.verdict, READING_CHECK_VERDICT_RANGE);
	assert_false(res.news);
	assert_true(res.reading.value_mc == 21000);
	/*
	 * Both go stale. The first leaves the other's older value: news, at the
	 * time it was taken (heating works from what the room publishes). The room
	 * temperature becoming unknown is news, once.
	 */
	room_sensors_tick(rs, 5 * MIN + 20 * SEC, &res, stale);
	assert_true(stale[0] && !stale[1]);
	assert_true(res.news && res.changed && res.reading.value_mc == 22000 &&
		    res.reading.taken_usec == 25 * SEC);
	room_sensors_tick(rs, 5 * MIN + 25 * SEC, &res, stale);
	assert_true(!stale[0] && stale[1]);
	assert_true(res.news && !res.reading.known && res.changed);
	room_sensors_tick(rs, 6 * MIN, &res, stale);
	assert_false(res.news || stale[0] || stale[1]);
	/* Back: recovered, and news. */
	res = offer(rs, 1, 19000, 7 * MIN);
	assert_true(res.recovered && res.news && res.reading.value_mc == 19000);
	assert_true(room_sensors_health(rs, 1)->value_mc == 19000);
	assert_int_equal(room_sensors_checks(rs, 1)->count[READING_CHECK_VERDICT_RANGE], 1);
	room_sensors_free(rs);
}

/*
 * Two live sensors under min taking turns: a reading the room falls back to,
 * older than the last handed on, is not handed on (no sensor dropped out).
 */
static void test_no_reading_goes_back_in_time(void **state)
{
	struct room_sensors *rs = two_sensors(ROOM_TEMP_MODE_MIN, 0);
	struct room_sensors_result res;

	res = offer(rs, 0, 18200, 95 * SEC);
	assert_true(res.news && res.reading.value_mc == 18200);
	res = offer(rs, 1, 18000, 100 * SEC);
	assert_true(res.news && res.reading.value_mc == 18000);
	/* The colder one warms past the other: the room falls back to the 95 s value. */
	res = offer(rs, 1, 18400, 130 * SEC);
	assert_true(res.changed && res.reading.value_mc == 18200);
	assert_false(res.news);
	room_sensors_tick(rs, 140 * SEC, &res, NULL);
	assert_false(res.news || res.changed);
	/* That sensor's next reading is news again. */
	res = offer(rs, 0, 18250, 125 * SEC + 30 * SEC);
	assert_true(res.news && res.reading.taken_usec == 155 * SEC);
	room_sensors_free(rs);
}

static struct room_sensors *fast_and_slow(enum room_temp_mode mode)
{
	struct room_sensor_params p[2];
	struct room_sensors *rs = NULL;

	for (int i = 0; i < 2; i++) {
		p[i] =
		    (struct room_sensor_params){ .kind = READING_CHECK_KIND_GENERIC,
						 .stale_after_usec = i == 0 ? 10 * SEC : 60 * MIN };
		reading_check_params_default(p[i].kind, &p[i].check);
		p[i].check.max_rate_mc_per_min = 0;
	}
	assert_int_equal(room_sensors_new(p, 2, mode, 0, &rs), 0);
	return rs;
}

/*
 * Two thermometers, a (stale after 10 s) and b (after an hour); a goes silent.
 * The room falls back to b's older value at a's stale edge, and heating gets
 * just that, with b's time: never a's last value for the hour b's stale_after
 * would allow. With first, a's warm value would keep the heater off in a room
 * below the floor; with min, a's cold one would keep it on past the cut-off.
 */
static void test_a_sensor_dropping_out_is_news(void **state)
{
	static const struct {
		enum room_temp_mode mode;
		int32_t a_mc, b_mc;
	} cases[] = {
		{ ROOM_TEMP_MODE_FIRST, 19000, 16500 },
		{ ROOM_TEMP_MODE_MIN, 16500, 27000 },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct room_sensors *rs = fast_and_slow(cases[k].mode);
		struct room_sensors_result res;
		bool stale[2];

		offer(rs, 1, cases[k].b_mc, 1 * SEC);
		res = offer(rs, 0, cases[k].a_mc, 2 * SEC);
		offer(rs, 0, cases[k].a_mc + 10, 4 * SEC);
		res = offer(rs, 0, cases[k].a_mc + 20, 6 * SEC);
		assert_true(res.news && res.reading.value_mc == cases[k].a_mc + 20);
		/* a's stale edge is when the room looks next. */
		assert_true(room_sensors_next_usec(rs) == 16 * SEC);
		room_sensors_tick(rs, 16 * SEC, &res, stale);
		assert_true(stale[0] && !stale[1]);
		assert_true(res.changed && res.news);
		assert_true(res.reading.known && res.reading.value_mc == cases[k].b_mc &&
			    res.reading.taken_usec == 1 * SEC);
		room_sensors_tick(rs, 20 * SEC, &res, stale);
		assert_false(res.news || res.changed);
		/* a back: its reading is news again, and so is b's again after it. */
		res = offer(rs, 0, cases[k].a_mc, 30 * SEC);
		assert_true(res.recovered && res.news && res.reading.value_mc == cases[k].a_mc);
		res = offer(rs, 1, cases[k].b_mc, 31 * SEC);
		assert_false(res.news); /* a decides */
		room_sensors_free(rs);
	}
}

/* A reload: the new tracker knows what the old one knew and handed on. */
static void test_adopted_sensors_go_on(void **state)
{
	struct room_sensors *old = two_sensors(ROOM_TEMP_MODE_MIN, 0), *next;
	struct room_sensors_result res;
	struct room_reading r;

	res = offer(old, 0, 19000, 10 * SEC);
	res = offer(old, 1, 18000, 20 * SEC);
	assert_true(res.news);
	/* The new configuration swapped the sections' order. */
	next = two_sensors(ROOM_TEMP_MODE_MIN, 30 * SEC);
	room_sensors_adopt(next, 0, old, 1);
	room_sensors_adopt(next, 1, old, 0);
	room_sensors_adopt_news(next, old);
	r = room_sensors_reading(next, 30 * SEC);
	assert_true(r.known && r.value_mc == 18000 && r.taken_usec == 20 * SEC);
	/* Not news again; the next reading is, at its time; staleness runs from before. */
	room_sensors_tick(next, 40 * SEC, &res, NULL);
	assert_false(res.news);
	res = offer(next, 0, 17900, 50 * SEC);
	assert_true(res.news && res.reading.value_mc == 17900 &&
		    res.reading.taken_usec == 50 * SEC);
	assert_true(room_sensors_health(next, 1)->since_usec == 10 * SEC);
	room_sensors_free(old);
	room_sensors_free(next);
}

/*
 * How far apart a sensor's good readings come (the daemon says once when they
 * come too far apart for the room model): none for the first, none across a
 * staleness, and a rejected reading is not one.
 */
static void test_interval_between_good_readings(void **state)
{
	struct room_sensors *rs = two_sensors(ROOM_TEMP_MODE_MIN, 0);
	struct room_sensors_result res;

	(void) state;
	assert_int_equal(offer(rs, 0, 20000, MIN).interval_usec, 0);
	assert_int_equal(offer(rs, 0, 20100, 5 * MIN).interval_usec, 4 * MIN);
	assert_int_equal(offer(rs, 1, 21000, 5 * MIN).interval_usec, 0);  /* its own first */
	assert_int_equal(offer(rs, 0, 200000, 6 * MIN).interval_usec, 0); /* rejected */
	assert_int_equal(offer(rs, 0, 20200, 8 * MIN).interval_usec, 3 * MIN);
	room_sensors_tick(rs, 14 * MIN, &res, NULL); /* sensor 0 goes stale */
	assert_int_equal(offer(rs, 0, 20300, 15 * MIN).interval_usec, 0);
	room_sensors_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_edges),
		cmocka_unit_test(test_max_age),
		cmocka_unit_test(test_aggregate),
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_readings_keep_their_time),
		cmocka_unit_test(test_status_is_what_the_state_shows),
		cmocka_unit_test(test_news_is_a_new_reading),
		cmocka_unit_test(test_no_reading_goes_back_in_time),
		cmocka_unit_test(test_a_sensor_dropping_out_is_news),
		cmocka_unit_test(test_adopted_sensors_go_on),
		cmocka_unit_test(test_interval_between_good_readings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
