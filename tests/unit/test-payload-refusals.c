/* How loud a refused MQTT payload is logged: once, and never for another attribute's message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include <string.h>

#include "sensors/payload-refusals.h"
#include "sensors/reading-check.h"
#include "sensors/temp-payload.h"

/* zigbee2mqtt: temperature, then humidity, battery ... each in its own message. */
static void test_other_attributes_are_quiet(void **state)
{
	struct payload_refusals p = { 0 };

	payload_refusals_accepted(&p);
	for (int i = 0; i < 10; i++) {
		assert_false(payload_refusals_warn(&p, -ENOENT, 0));  /* {"humidity": 41} */
		assert_false(payload_refusals_warn(&p, -ENODATA, 0)); /* {"temperature": null} */
		payload_refusals_accepted(&p);
	}
	/* Garbage is still said, once while it lasts. */
	assert_true(payload_refusals_warn(&p, -EBADMSG, 0));
	assert_false(payload_refusals_warn(&p, -EBADMSG, 0));
	assert_false(payload_refusals_warn(&p, -ENOENT, 0));
	payload_refusals_accepted(&p);
	assert_true(payload_refusals_warn(&p, -EINVAL, PAYLOAD_REFUSALS_QUIET_USEC));
}

/* A json_key that no message has (a typo): said once, then quiet. */
static void test_key_never_seen_warns_once(void **state)
{
	struct payload_refusals p = { 0 };

	assert_true(payload_refusals_warn(&p, -ENOENT, 0));
	assert_false(payload_refusals_warn(&p, -ENOENT, 0));
	assert_false(payload_refusals_warn(&p, -ENOENT, 0));
}

/*
 * One MQTT thermometer as daemon/room.c handles its messages: parsed, then
 * checked; the warnings each step gives are counted.
 */
struct thermometer {
	struct payload_refusals refusals;
	struct reading_check_state check;
	struct reading_check_params params;
	uint64_t now_usec;
	unsigned refusal_warnings;
	unsigned check_warnings;
	unsigned readable_again;
	unsigned plausible_again;
};

static void thermometer_init(struct thermometer *t)
{
	memset(t, 0, sizeof(*t));
	reading_check_state_init(&t->check);
	reading_check_params_default(READING_CHECK_KIND_GENERIC, &t->params);
}

static void thermometer_message(struct thermometer *t, const char *payload)
{
	struct temp_payload_params p = { .json_key = "temperature" };
	struct temp_reading reading = { 0 };
	struct reading_check_result res;
	int r;

	t->now_usec += 5000000; /* a message every 5 s */
	r = temp_payload_parse(payload, strlen(payload), &p, &reading.value_mc, NULL);
	if (r < 0) {
		t->refusal_warnings += payload_refusals_warn(&t->refusals, r, t->now_usec);
		return;
	}
	payload_refusals_parsed(&t->refusals);
	res = reading_check_evaluate(&t->check, &t->params, READING_CHECK_KIND_GENERIC, &reading,
				     t->now_usec);
	t->check_warnings += res.persist_began;
	if (res.verdict != READING_CHECK_VERDICT_OK)
		return;
	t->plausible_again += res.persist_ended;
	t->readable_again += payload_refusals_accepted(&t->refusals);
}

/* What a user trial sent: unreadable payloads mixed with error values that parse. */
static void thermometer_breaks(struct thermometer *t)
{
	static const char *const mix[] = {
		"garbage",
		"{\"temperature\":\"x\"}",
		"{\"temperature\":85}",
		"{\"temperature\":-127}",
	};

	for (int i = 0; i < 200; i++)
		thermometer_message(t, mix[(i * 7 + i / 4) % 4]);
}

/* A rejected reading is not a good payload: the refusal warning stays said. */
static void test_rejected_readings_do_not_rearm(void **state)
{
	struct payload_refusals p = { 0 };

	assert_true(payload_refusals_warn(&p, -EBADMSG, 0));
	payload_refusals_parsed(&p); /* 85 °C, rejected by the checks */
	assert_false(payload_refusals_warn(&p, -EBADMSG, 0));
	payload_refusals_parsed(&p);
	assert_false(payload_refusals_warn(&p, -EINVAL, 0));
	/* A good reading ends it, and says so. */
	assert_true(payload_refusals_accepted(&p));
	assert_false(payload_refusals_accepted(&p));
	assert_true(payload_refusals_warn(&p, -EBADMSG, PAYLOAD_REFUSALS_QUIET_USEC));
}

/* Good payloads between bad ones (a flaky device): one warning an hour, not one per bad one. */
static void test_a_flaky_device_warns_once_an_hour(void **state)
{
	struct payload_refusals p = { 0 };
	unsigned warnings = 0, again = 0;

	for (uint64_t t = 0; t < 3 * PAYLOAD_REFUSALS_QUIET_USEC; t += 10 * 1000000ULL) {
		warnings += payload_refusals_warn(&p, -EBADMSG, t);
		payload_refusals_parsed(&p);
		again += payload_refusals_accepted(&p);
	}
	assert_int_equal(warnings, 3);
	assert_int_equal(again, 3); /* each warning's end is said; the quiet ones' are not */
}

/* The key seen in a rejected reading is still seen: other attributes stay quiet. */
static void test_rejected_reading_shows_the_key(void **state)
{
	struct payload_refusals p = { 0 };

	payload_refusals_parsed(&p);
	assert_false(payload_refusals_warn(&p, -ENOENT, 0));
	assert_false(payload_refusals_warn(&p, -ENODATA, 0));
}

/*
 * A thermometer sending garbage and 85 / -127 for a while: one warning for the
 * payloads and one for the readings; once it is well again both are said, and
 * when it breaks again both warn again (the payloads' after their quiet hour).
 */
static void test_a_broken_thermometer_warns_once_each_time(void **state)
{
	struct thermometer t;

	thermometer_init(&t);
	thermometer_message(&t, "{\"temperature\":19.5}");
	thermometer_breaks(&t);
	assert_int_equal(t.refusal_warnings, 1);
	assert_int_equal(t.check_warnings, 1);
	assert_int_equal(t.readable_again, 0);
	assert_int_equal(t.plausible_again, 0);

	thermometer_message(&t, "{\"temperature\":19.6}");
	assert_int_equal(t.readable_again, 1);
	assert_int_equal(t.plausible_again, 1);
	thermometer_message(&t, "{\"temperature\":19.7}");
	assert_int_equal(t.readable_again, 1);

	/* Broken again within the hour: the checks warn, the payloads are debug. */
	thermometer_breaks(&t);
	assert_int_equal(t.refusal_warnings, 1);
	assert_int_equal(t.check_warnings, 2);
	thermometer_message(&t, "{\"temperature\":19.6}");
	assert_int_equal(t.readable_again, 1);
	/* An hour later: warned again. */
	t.now_usec += PAYLOAD_REFUSALS_QUIET_USEC;
	thermometer_message(&t, "{\"temperature\":19.6}");
	thermometer_breaks(&t);
	assert_int_equal(t.refusal_warnings, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_attributes_are_quiet),
		cmocka_unit_test(test_key_never_seen_warns_once),
		cmocka_unit_test(test_rejected_readings_do_not_rearm),
		cmocka_unit_test(test_rejected_reading_shows_the_key),
		cmocka_unit_test(test_a_flaky_device_warns_once_an_hour),
		cmocka_unit_test(test_a_broken_thermometer_warns_once_each_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
