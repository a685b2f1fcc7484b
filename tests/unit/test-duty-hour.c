/* A heater's share of the last hour: unknown until an hour is counted, then what it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "control/duty-hour.h"

#define S   1000000ULL
#define MIN (60 * S)
#define T0  (5000 * S) /* a monotonic start that is not 0 */

/* On for the first @on_min of every 10 minutes, accounted every minute, until @until. */
static uint64_t run(struct duty_hour *d, uint64_t from, uint64_t until, unsigned on_min)
{
	uint64_t t;

	for (t = from; t <= until; t += MIN)
		duty_hour_account(d, (t - T0) / MIN % 10 < on_min, t);
	return t - MIN;
}

static void test_unknown_until_an_hour_is_counted(void **state)
{
	struct duty_hour d = { 0 };
	uint64_t t;

	(void) state;
	assert_true(isnan(duty_hour_share(&d, T0)));
	t = run(&d, T0, T0 + 59 * MIN, 10); /* on all along, but only 59 minutes seen */
	assert_true(isnan(duty_hour_share(&d, t)));
	t = run(&d, t + MIN, T0 + 60 * MIN, 10);
	assert_float_equal(duty_hour_share(&d, t), 1.0, 0.02);
}

static void test_share_of_the_last_hour(void **state)
{
	struct duty_hour d = { 0 };
	uint64_t t;

	(void) state;
	t = run(&d, T0, T0 + 3 * 60 * MIN, 3); /* 3 of every 10 minutes */
	assert_float_equal(duty_hour_share(&d, t), 0.3, 0.02);
	/* Off for half an hour: half of the hour before is left. */
	for (unsigned i = 1; i <= 30; i++)
		duty_hour_account(&d, false, t + i * MIN);
	assert_float_equal(duty_hour_share(&d, t + 30 * MIN), 0.15, 0.02);
	/* An hour off: 0, and known. */
	for (unsigned i = 31; i <= 61; i++)
		duty_hour_account(&d, false, t + i * MIN);
	assert_float_equal(duty_hour_share(&d, t + 61 * MIN), 0.0, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_until_an_hour_is_counted),
		cmocka_unit_test(test_share_of_the_last_hour),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
