/* Reading checks and the retry policy, as pure logic with injected time. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sensors/reading-check.h"
#include "sensors/temp-retry.h"

#define SEC  (1000ULL * 1000)
#define MIN  (60 * SEC)
#define HOUR (60 * MIN)

static struct reading_check_params ds, gen;

static int setup(void **state)
{
	reading_check_params_default(READING_CHECK_KIND_DS18B20, &ds);
	reading_check_params_default(READING_CHECK_KIND_GENERIC, &gen);
	return 0;
}

static enum reading_check_verdict feed(struct reading_check_state *st,
				       const struct reading_check_params *p,
				       enum reading_check_kind kind, int32_t mc, uint64_t t)
{
	struct temp_reading r = { .value_mc = mc };

	return reading_check_evaluate(st, p, kind, &r, t).verdict;
}

#define DS  READING_CHECK_KIND_DS18B20
#define GEN READING_CHECK_KIND_GENERIC

static void test_defaults(void **state)
{
	assert_int_equal(ds.min_mc, -20000);
	assert_int_equal(ds.max_mc, 60000);
	assert_int_equal(ds.resolution_mc, 62);
	assert_int_equal(gen.resolution_mc, 1);
	assert_true(gen.stuck_usec == 6 * HOUR);
	assert_int_equal(gen.persist_after, 3);
	assert_string_equal(reading_check_verdict_to_string(READING_CHECK_VERDICT_POWER_ON),
			    "power_on");
}

static void test_good_then_counts(void **state)
{
	struct reading_check_state st;

	reading_check_state_init(&st);
	assert_int_equal(feed(&st, &ds, DS, 21125, 0), READING_CHECK_VERDICT_OK);
	assert_int_equal(feed(&st, &ds, DS, 21187, 60 * SEC), READING_CHECK_VERDICT_OK);
	assert_true(st.have_good);
	assert_int_equal(st.last_good_mc, 21187);
	assert_true(st.last_good_usec == 60 * SEC);
	assert_int_equal(st.count[READING_CHECK_VERDICT_OK], 2);
}

static void test_crc(void **state)
{
	struct reading_check_state st;
	struct temp_reading r = { .value_mc = 21000, .crc_failed = true };

	reading_check_state_init(&st);
	assert_int_equal(reading_check_evaluate(&st, &ds, DS, &r, 0).verdict,
			 READING_CHECK_VERDICT_CRC);
	assert_false(st.have_good);
	assert_int_equal(st.count[READING_CHECK_VERDICT_CRC], 1);
}

static void test_power_on(void **state)
{
	struct reading_check_state st;
	struct reading_check_params hot = ds;

	reading_check_state_init(&st);
	/* First reading 85 °C: power-on. */
	assert_int_equal(feed(&st, &ds, DS, 85000, 0), READING_CHECK_VERDICT_POWER_ON);
	/* After 21 °C: power-on. */
	assert_int_equal(feed(&st, &ds, DS, 21000, SEC), READING_CHECK_VERDICT_OK);
	assert_int_equal(feed(&st, &ds, DS, 85000, 2 * SEC), READING_CHECK_VERDICT_POWER_ON);
	/* A generic sensor at 85 °C is just out of range. */
	assert_int_equal(feed(&st, &gen, GEN, 85000, 3 * SEC), READING_CHECK_VERDICT_RANGE);
	/* With a range that allows it and a previous 84 °C, 85 °C is real. */
	hot.max_mc = 125000;
	hot.max_rate_mc_per_min = 0;
	reading_check_state_init(&st);
	assert_int_equal(feed(&st, &hot, DS, 84000, 0), READING_CHECK_VERDICT_OK);
	assert_int_equal(feed(&st, &hot, DS, 85000, SEC), READING_CHECK_VERDICT_OK);
	reading_check_state_init(&st);
	assert_int_equal(feed(&st, &hot, DS, 82000, 0), READING_CHECK_VERDICT_OK);
	assert_int_equal(feed(&st, &hot, DS, 85000, SEC), READING_CHECK_VERDICT_POWER_ON);
}

static void test_disconnected(void **state)
{
	struct reading_check_state st;
	struct temp_reading ones = { .value_mc = 21000, .raw_all_ones = true };
	struct temp_reading zeros = { .value_mc = 0, .raw_all_zeros = true };

	reading_check_state_init(&st);
	assert_int_equal(feed(&st, &ds, DS, -127000, 0), READING_CHECK_VERDICT_DISCONNECTED);
	assert_int_equal(feed(&st, &gen, GEN, -127000, 0), READING_CHECK_VERDICT_DISCONNECTED);
	assert_int_equal(feed(&st, &ds, DS, 255937, 0), READING_CHECK_VERDICT_DISCONNECTED);
	assert_int_equal(feed(&st, &gen, GEN, 255938, 0), READING_CHECK_VERDICT_DISCONNECTED);
	assert_int_equal(feed(&st, &ds, DS, 127937, 0), READING_CHECK_VERDICT_DISCONNECTED);
	assert_int_equal(feed(&st, &ds, DS, -62, 0), READING_CHECK_VERDICT_DISCONNECTED);
	assert_int_equal(reading_check_evaluate(&st, &ds, DS, &ones, 0).verdict,
			 READING_CHECK_VERDICT_DISCONNECTED);
	assert_int_equal(reading_check_evaluate(&st, &ds, DS, &zeros, 0).verdict,
			 READING_CHECK_VERDICT_DISCONNECTED);
	/* -0.0625 °C from a generic sensor is only a (cold) value. */
	assert_int_equal(feed(&st, &gen, GEN, -62, 0), READING_CHECK_VERDICT_OK);
	assert_int_equal(st.count[READING_CHECK_VERDICT_DISCONNECTED], 8);
}

static void test_range(void **state)
{
	struct reading_check_state st;
	struct reading_check_params p = gen;

	reading_check_state_init(&st);
	assert_int_equal(feed(&st, &gen, GEN, -20001, 0), READING_CHECK_VERDICT_RANGE);
	assert_int_equal(feed(&st, &gen, GEN, 60001, 0), READING_CHECK_VERDICT_RANGE);
	assert_int_equal(feed(&st, &gen, GEN, -20000, 0), READING_CHECK_VERDICT_OK);
	reading_check_state_init(&st);
	assert_int_equal(feed(&st, &gen, GEN, 60000, 0), READING_CHECK_VERDICT_OK);
	p.min_mc = 5000;
	p.max_mc = 35000;
	reading_check_state_init(&st);
	assert_int_equal(feed(&st, &p, GEN, 4999, 0), READING_CHECK_VERDICT_RANGE);
	assert_int_equal(feed(&st, &p, GEN, 35001, 0), READING_CHECK_VERDICT_RANGE);
}

static void test_jump(void **state)
{
	struct reading_check_state st;

	reading_check_state_init(&st);
	assert_int_equal(feed(&st, &ds, DS, 20000, 0), READING_CHECK_VERDICT_OK);
	/* 30 s later: allowed 1 °C floor + 1 °C. */
	assert_int_equal(feed(&st, &ds, DS, 22001, 30 * SEC), READING_CHECK_VERDICT_JUMP);
	assert_int_equal(feed(&st, &ds, DS, 17999, 30 * SEC), READING_CHECK_VERDICT_JUMP);
	assert_int_equal(feed(&st, &ds, DS, 21999, 30 * SEC), READING_CHECK_VERDICT_OK);
	/* Rejections do not move the reference: 10 min later 21 °C more is fine. */
	assert_int_equal(feed(&st, &ds, DS, 30000, 40 * SEC), READING_CHECK_VERDICT_JUMP);
	assert_int_equal(feed(&st, &ds, DS, 42000, 30 * SEC + 10 * MIN), READING_CHECK_VERDICT_OK);
}

static void test_stuck(void **state)
{
	struct reading_check_state st;
	uint64_t t = 0;

	reading_check_state_init(&st);
	/* Toggling by one 1/16 °C step is alive. */
	for (; t <= 12 * HOUR; t += 10 * MIN)
		assert_int_equal(feed(&st, &ds, DS, (t / (10 * MIN)) % 2 ? 20062 : 20000, t),
				 READING_CHECK_VERDICT_OK);
	/* The same value for 6 h is still fine, a minute more is stuck. */
	reading_check_state_init(&st);
	for (t = 0; t <= 6 * HOUR; t += 10 * MIN)
		assert_int_equal(feed(&st, &ds, DS, 20000, t), READING_CHECK_VERDICT_OK);
	assert_int_equal(feed(&st, &ds, DS, 20000, 6 * HOUR + MIN), READING_CHECK_VERDICT_STUCK);
	/* It moves: fine again. */
	assert_int_equal(feed(&st, &ds, DS, 20062, 6 * HOUR + 2 * MIN), READING_CHECK_VERDICT_OK);
	assert_int_equal(feed(&st, &ds, DS, 20062, 6 * HOUR + 3 * MIN), READING_CHECK_VERDICT_OK);
}

static void test_persisting(void **state)
{
	struct reading_check_state st;
	struct reading_check_result r;
	struct temp_reading bad = { .value_mc = 85000 }, good = { .value_mc = 20000 };

	reading_check_state_init(&st);
	r = reading_check_evaluate(&st, &ds, DS, &bad, 0);
	assert_int_equal(r.in_a_row, 1);
	assert_false(r.persisting);
	r = reading_check_evaluate(&st, &ds, DS, &bad, SEC);
	assert_false(r.persisting);
	r = reading_check_evaluate(&st, &ds, DS, &bad, 2 * SEC);
	assert_true(r.persisting);
	assert_true(r.persist_began);
	r = reading_check_evaluate(&st, &ds, DS, &bad, 3 * SEC);
	assert_true(r.persisting);
	assert_false(r.persist_began);
	assert_int_equal(r.in_a_row, 4);
	r = reading_check_evaluate(&st, &ds, DS, &good, 4 * SEC);
	assert_int_equal(r.verdict, READING_CHECK_VERDICT_OK);
	assert_true(r.persist_ended);
	assert_int_equal(r.in_a_row, 0);
	r = reading_check_evaluate(&st, &ds, DS, &bad, 5 * SEC);
	assert_int_equal(r.in_a_row, 1);
	r = reading_check_evaluate(&st, &ds, DS, &good, 6 * SEC);
	assert_false(r.persist_ended);
	assert_int_equal(st.count[READING_CHECK_VERDICT_POWER_ON], 5);
}

static void test_retry(void **state)
{
	struct temp_retry_params p = { .retries = 3, .retry_delay_usec = 2 * SEC };
	struct temp_retry st = { 0 };
	uint64_t delay = 0, conv = 100 * 1000, deadline = 60 * SEC;

	/* DHT: EIO, EIO, value. */
	temp_retry_begin(&st);
	assert_int_equal(temp_retry_step(&st, &p, -EIO, 0, conv, deadline, &delay),
			 TEMP_RETRY_ACTION_RETRY);
	assert_true(delay == 2 * SEC);
	assert_int_equal(temp_retry_step(&st, &p, -EIO, 2 * SEC, conv, deadline, &delay),
			 TEMP_RETRY_ACTION_RETRY);
	assert_int_equal(temp_retry_step(&st, &p, 0, 4 * SEC, conv, deadline, &delay),
			 TEMP_RETRY_ACTION_DONE);
	assert_int_equal(st.failures, 2);
	assert_int_equal(st.given_up, 0);
	/* Next interval: four EIO in a row exhaust three retries. */
	temp_retry_begin(&st);
	for (int i = 0; i < 3; i++)
		assert_int_equal(temp_retry_step(&st, &p, -EIO, 60 * SEC, conv, 120 * SEC, &delay),
				 TEMP_RETRY_ACTION_RETRY);
	assert_int_equal(temp_retry_step(&st, &p, -EIO, 66 * SEC, conv, 120 * SEC, &delay),
			 TEMP_RETRY_ACTION_GIVE_UP);
	assert_int_equal(st.failures, 6);
	assert_int_equal(st.given_up, 1);
	/* No retry that cannot finish before the next interval. */
	temp_retry_begin(&st);
	assert_int_equal(temp_retry_step(&st, &p, -EIO, 58 * SEC, conv, deadline, &delay),
			 TEMP_RETRY_ACTION_GIVE_UP);
	/* A missing device is not cured by retrying. */
	temp_retry_begin(&st);
	assert_int_equal(temp_retry_step(&st, &p, -ENOENT, 0, conv, deadline, &delay),
			 TEMP_RETRY_ACTION_GIVE_UP);
	assert_true(temp_retry_transient(-ENODATA));
	assert_false(temp_retry_transient(-EBADMSG));
}

/* The journal's words carry the limits the reading broke, and never overflow. */
static void test_explain(void **state)
{
	char buf[96], tiny[8];

	(void) state;
	assert_string_equal(
	    reading_check_explain(READING_CHECK_VERDICT_RANGE, &gen, buf, sizeof(buf)),
	    "outside -20 to 60 °C");
	assert_string_equal(
	    reading_check_explain(READING_CHECK_VERDICT_JUMP, &gen, buf, sizeof(buf)),
	    "changed faster than a room can: over 2 °C a minute");
	assert_string_equal(
	    reading_check_explain(READING_CHECK_VERDICT_STUCK, &gen, buf, sizeof(buf)),
	    "the same value for over 6 h");
	for (int v = 0; v < READING_CHECK_VERDICT_COUNT; v++) {
		assert_true(strlen(reading_check_explain(v, &ds, buf, sizeof(buf))) > 0);
		assert_true(strlen(reading_check_explain(v, &ds, tiny, sizeof(tiny))) <
			    sizeof(tiny));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),     cmocka_unit_test(test_good_then_counts),
		cmocka_unit_test(test_crc),          cmocka_unit_test(test_power_on),
		cmocka_unit_test(test_disconnected), cmocka_unit_test(test_range),
		cmocka_unit_test(test_jump),         cmocka_unit_test(test_stuck),
		cmocka_unit_test(test_persisting),   cmocka_unit_test(test_retry),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
