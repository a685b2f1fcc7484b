#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "sensors/bed-payload.h"

static int parse(const char *text, const struct bed_payload_params *p, bool *active)
{
	const char *reason = NULL;
	int r = bed_payload_parse(text, strlen(text), p, active, &reason);

	if (r < 0)
		assert_non_null(reason);
	return r;
}

static void test_plain_payloads(void **state)
{
	const struct bed_payload_params p = { 0 };
	static const char *const on[] = { "ON", "on", " On\n", "true", "TRUE", "1" };
	static const char *const off[] = { "OFF", "off", "false", "0", "\tOff " };
	bool a;

	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		a = false;
		assert_int_equal(parse(on[i], &p, &a), 0);
		assert_true(a);
	}
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		a = true;
		assert_int_equal(parse(off[i], &p, &a), 0);
		assert_false(a);
	}
	a = true;
	assert_int_equal(parse("maybe", &p, &a), -EBADMSG);
	assert_true(a); /* untouched */
	assert_int_equal(parse("  ", &p, &a), -ENODATA);
	assert_int_equal(bed_payload_parse("", 0, &p, &a, NULL), -ENODATA);
	assert_int_equal(bed_payload_parse("O\0N", 3, &p, &a, NULL), -EBADMSG);
	assert_int_equal(bed_payload_parse("\xff\xfe", 2, &p, &a, NULL), -EILSEQ);
}

static void test_configured_payloads(void **state)
{
	const struct bed_payload_params p = { .payload_on = "occupied", .payload_off = "clear" };
	bool a = false;

	assert_int_equal(parse("occupied", &p, &a), 0);
	assert_true(a);
	assert_int_equal(parse("CLEAR", &p, &a), 0);
	assert_false(a);
	assert_int_equal(parse("ON", &p, &a), 0); /* the usual words still work */
	assert_true(a);
}

static void test_json_key(void **state)
{
	const struct bed_payload_params vib = { .json_key = "vibration" };
	const struct bed_payload_params nested = { .json_key = "state.list.1" };
	const struct bed_payload_params occ = { .json_key = "occupancy", .payload_on = "yes" };
	bool a = false;

	assert_int_equal(parse("{\"battery\":97,\"vibration\":true,\"linkquality\":120}", &vib, &a),
			 0);
	assert_true(a);
	assert_int_equal(parse("{\"vibration\":false}", &vib, &a), 0);
	assert_false(a);
	assert_int_equal(parse("{\"vibration\":1}", &vib, &a), 0);
	assert_true(a);
	assert_int_equal(parse("{\"vibration\":\"OFF\"}", &vib, &a), 0);
	assert_false(a);
	assert_int_equal(parse("{\"state\":{\"list\":[0,1]}}", &nested, &a), 0);
	assert_true(a);
	assert_int_equal(parse("{\"occupancy\":\"yes\"}", &occ, &a), 0);
	assert_true(a);

	assert_int_equal(parse("{\"vibration\":null}", &vib, &a), -ENODATA);
	assert_int_equal(parse("{\"battery\":97}", &vib, &a), -ENOENT);
	assert_int_equal(parse("{\"vibration\":2}", &vib, &a), -EINVAL);
	assert_int_equal(parse("{\"vibration\":0.5}", &vib, &a), -EINVAL);
	assert_int_equal(parse("{\"vibration\":[]}", &vib, &a), -EINVAL);
	assert_int_equal(parse("{\"vibration\":\"\"}", &vib, &a), -EINVAL);
	assert_int_equal(parse("{\"vibration\":tru", &vib, &a), -EBADMSG);
	assert_int_equal(parse("{\"vibration\":true,\"vibration\":false}", &vib, &a), -EBADMSG);
	assert_int_equal(parse("ON", &vib, &a), -EBADMSG);
}

static void test_too_large(void **state)
{
	const struct bed_payload_params p = { .max_size = 8 };
	bool a = false;

	assert_int_equal(parse("ON       x", &p, &a), -EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_payloads),
		cmocka_unit_test(test_configured_payloads),
		cmocka_unit_test(test_json_key),
		cmocka_unit_test(test_too_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
