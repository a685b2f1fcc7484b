/* How loud a refused MQTT payload is logged: once, and never for another attribute's message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "sensors/payload-refusals.h"

/* zigbee2mqtt: temperature, then humidity, battery ... each in its own message. */
static void test_other_attributes_are_quiet(void **state)
{
	struct payload_refusals p = { 0 };

	payload_refusals_accepted(&p);
	for (int i = 0; i < 10; i++) {
		assert_false(payload_refusals_warn(&p, -ENOENT));  /* {"humidity": 41} */
		assert_false(payload_refusals_warn(&p, -ENODATA)); /* {"temperature": null} */
		payload_refusals_accepted(&p);
	}
	/* Garbage is still said, once while it lasts. */
	assert_true(payload_refusals_warn(&p, -EBADMSG));
	assert_false(payload_refusals_warn(&p, -EBADMSG));
	assert_false(payload_refusals_warn(&p, -ENOENT));
	payload_refusals_accepted(&p);
	assert_true(payload_refusals_warn(&p, -EINVAL));
}

/* A json_key that no message has (a typo): said once, then quiet. */
static void test_key_never_seen_warns_once(void **state)
{
	struct payload_refusals p = { 0 };

	assert_true(payload_refusals_warn(&p, -ENOENT));
	assert_false(payload_refusals_warn(&p, -ENOENT));
	assert_false(payload_refusals_warn(&p, -ENOENT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_attributes_are_quiet),
		cmocka_unit_test(test_key_never_seen_warns_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
