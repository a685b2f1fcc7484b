/* MQTT thermometer payloads: plain, JSON, nested keys, wrong types, huge and bad bytes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sensors/temp-payload.h"

static int parse(const char *s, const char *key, int32_t *mc, const char **reason)
{
	struct temp_payload_params p = { .json_key = key };

	return temp_payload_parse(s, strlen(s), &p, mc, reason);
}

static void test_plain(void **state)
{
	int32_t mc = 0;

	assert_int_equal(parse("21.5", NULL, &mc, NULL), 0);
	assert_int_equal(mc, 21500);
	assert_int_equal(parse(" 21.5\n", NULL, &mc, NULL), 0);
	assert_int_equal(mc, 21500);
	assert_int_equal(parse("-3.0625\r\n", NULL, &mc, NULL), 0);
	assert_int_equal(mc, -3063);
	assert_int_equal(parse("19", NULL, &mc, NULL), 0);
	assert_int_equal(mc, 19000);
	assert_int_equal(parse("+18.25", NULL, &mc, NULL), 0);
	assert_int_equal(mc, 18250);
}

static void test_plain_bad(void **state)
{
	const char *reason = NULL;
	int32_t mc = 4711;

	assert_int_equal(parse("21,5", NULL, &mc, &reason), -EBADMSG);
	assert_string_equal(reason, "not a number");
	assert_int_equal(parse("21.5 C", NULL, &mc, NULL), -EBADMSG);
	assert_int_equal(parse("21.", NULL, &mc, NULL), -EBADMSG);
	assert_int_equal(parse(".5", NULL, &mc, NULL), -EBADMSG);
	assert_int_equal(parse("0x15", NULL, &mc, NULL), -EBADMSG);
	assert_int_equal(parse("2e1", NULL, &mc, NULL), -EBADMSG);
	assert_int_equal(parse("nan", NULL, &mc, &reason), -EDOM);
	assert_int_equal(parse("-inf", NULL, &mc, NULL), -EDOM);
	assert_int_equal(parse("", NULL, &mc, &reason), -ENODATA);
	assert_string_equal(reason, "empty payload");
	assert_int_equal(parse(" \n", NULL, &mc, NULL), -ENODATA);
	assert_int_equal(parse("{\"temperature\":21.5}", NULL, &mc, &reason), -EBADMSG);
	assert_string_equal(reason, "JSON payload but no json_key set");
	assert_int_equal(parse("99999", NULL, &mc, NULL), -ERANGE);
	assert_int_equal(mc, 4711);
}

static void test_json(void **state)
{
	int32_t mc = 0;

	/* zigbee2mqtt */
	assert_int_equal(parse("{\"battery\":97,\"humidity\":48.2,\"linkquality\":120,"
			       "\"temperature\":19.87,\"voltage\":2995}",
			       "temperature", &mc, NULL),
			 0);
	assert_int_equal(mc, 19870);
	/* Tasmota, nested */
	assert_int_equal(parse("{\"Time\":\"2024-01-05T23:10:00\",\"DS18B20\":{\"Id\":"
			       "\"0316A2795EFF\",\"Temperature\":18.4},\"TempUnit\":\"C\"}",
			       "DS18B20.Temperature", &mc, NULL),
			 0);
	assert_int_equal(mc, 18400);
	/* Tasmota in Fahrenheit: converted. 64.4 °F = 18 °C. */
	assert_int_equal(parse("{\"DS18B20\":{\"Temperature\":64.4},\"TempUnit\":\"F\"}",
			       "DS18B20.Temperature", &mc, NULL),
			 0);
	assert_int_equal(mc, 18000);
	/* Shelly H&T Gen2 */
	assert_int_equal(parse("{\"id\":0,\"tC\":21.5,\"tF\":70.7}", "tC", &mc, NULL), 0);
	assert_int_equal(mc, 21500);
	/* Integer JSON number, array index, quoted number. */
	assert_int_equal(parse("{\"t\":20}", "t", &mc, NULL), 0);
	assert_int_equal(mc, 20000);
	assert_int_equal(parse("{\"s\":[{\"t\":1},{\"t\":17.5}]}", "s.1.t", &mc, NULL), 0);
	assert_int_equal(mc, 17500);
	assert_int_equal(parse("{\"t\":\"22.25\"}", "t", &mc, NULL), 0);
	assert_int_equal(mc, 22250);
}

static void test_json_bad(void **state)
{
	const char *reason = NULL;
	int32_t mc = 4711;

	assert_int_equal(parse("{\"humidity\":48}", "temperature", &mc, &reason), -ENOENT);
	assert_string_equal(reason, "json_key not found");
	assert_int_equal(parse("{\"DS18B20\":21}", "DS18B20.Temperature", &mc, NULL), -ENOENT);
	assert_int_equal(parse("{\"t\":true}", "t", &mc, &reason), -EINVAL);
	assert_string_equal(reason, "value is not a number");
	assert_int_equal(parse("{\"t\":{}}", "t", &mc, NULL), -EINVAL);
	assert_int_equal(parse("{\"t\":[21]}", "t", &mc, NULL), -EINVAL);
	assert_int_equal(parse("{\"t\":\"warm\"}", "t", &mc, NULL), -EINVAL);
	assert_int_equal(parse("{\"t\":null}", "t", &mc, NULL), -ENODATA);
	assert_int_equal(parse("{\"t\":21.5", "t", &mc, &reason), -EBADMSG);
	assert_string_equal(reason, "not valid JSON");
	assert_int_equal(parse("{\"t\":21.5}{", "t", &mc, NULL), -EBADMSG);
	assert_int_equal(parse("{\"t\":1,\"t\":2}", "t", &mc, NULL), -EBADMSG);
	assert_int_equal(parse("{\"t\":NaN}", "t", &mc, NULL), -EBADMSG);
	assert_int_equal(parse("{\"t\":1e400}", "t", &mc, NULL), -EBADMSG);
	assert_int_equal(parse("{\"t\":21,\"TempUnit\":\"K\"}", "t", &mc, NULL), -EINVAL);
	assert_int_equal(parse("{\"t\":21}", "t..x", &mc, NULL), -ENOENT);
	assert_int_equal(parse("{\"t\":21}", "", &mc, NULL), -ENOENT);
	assert_int_equal(parse("21.5", "t", &mc, NULL), -EBADMSG);
	assert_int_equal(mc, 4711);
}

static void test_huge(void **state)
{
	struct temp_payload_params p = { .json_key = "t" };
	size_t len = 1024 * 1024;
	const char *reason = NULL;
	char *big = malloc(len);
	int32_t mc = 4711;

	assert_non_null(big);
	memset(big, ' ', len);
	memcpy(big, "{\"t\":21.5}", 10);
	assert_int_equal(temp_payload_parse(big, len, &p, &mc, &reason), -EMSGSIZE);
	assert_string_equal(reason, "payload too large");
	p.json_key = NULL;
	memset(big, '1', len);
	assert_int_equal(temp_payload_parse(big, len, &p, &mc, NULL), -EMSGSIZE);
	/* At the limit it is parsed; one byte more is refused. */
	memset(big, ' ', 4096);
	big[0] = '7';
	assert_int_equal(temp_payload_parse(big, 4096, &p, &mc, NULL), 0);
	assert_int_equal(mc, 7000);
	assert_int_equal(temp_payload_parse(big, 4097, &p, &mc, NULL), -EMSGSIZE);
	free(big);
}

static void test_bytes(void **state)
{
	struct temp_payload_params p = { 0 };
	static const char latin1[] = "{\"t\":21.5,\"n\":\"K\xfc\x63he\"}";
	static const char nul[] = "21\0.5";
	static const char overlong[] = "\xc0\xb1";
	static const char surrogate[] = "{\"t\":\"\xed\xa0\x80\"}";
	static const char cut[] = "21.5\xe2\x82";
	static const char utf8[] =
	    "{\"n\":\"K\xc3\xbc\x63he \xe2\x82\xac \xf0\x9f\x94\xa5\",\"t\":19.5}";
	const char *reason = NULL;
	int32_t mc = 4711;

	/* Not NUL-terminated: only @len bytes are looked at. */
	assert_int_equal(temp_payload_parse("21.5999", 4, &p, &mc, NULL), 0);
	assert_int_equal(mc, 21500);
	assert_int_equal(temp_payload_parse(nul, sizeof(nul) - 1, &p, &mc, NULL), -EBADMSG);
	assert_int_equal(temp_payload_parse(overlong, 2, &p, &mc, &reason), -EILSEQ);
	assert_string_equal(reason, "payload is not UTF-8");
	assert_int_equal(temp_payload_parse(cut, sizeof(cut) - 1, &p, &mc, NULL), -EILSEQ);
	p.json_key = "t";
	assert_int_equal(temp_payload_parse(latin1, sizeof(latin1) - 1, &p, &mc, NULL), -EILSEQ);
	assert_int_equal(temp_payload_parse(surrogate, sizeof(surrogate) - 1, &p, &mc, NULL),
			 -EILSEQ);
	assert_int_equal(temp_payload_parse(utf8, sizeof(utf8) - 1, &p, &mc, NULL), 0);
	assert_int_equal(mc, 19500);
	assert_int_equal(temp_payload_parse(NULL, 0, &p, &mc, NULL), -ENODATA);
}

static void test_fahrenheit_param_and_age(void **state)
{
	struct temp_payload_params p = { .fahrenheit = true };
	int32_t mc;

	assert_int_equal(temp_payload_parse("68", 2, &p, &mc, NULL), 0);
	assert_int_equal(mc, 20000);
	assert_false(temp_payload_expired(100, 100 + 600, 600));
	assert_true(temp_payload_expired(100, 100 + 601, 600));
	assert_false(temp_payload_expired(100, 1000000000, 0));
	assert_false(temp_payload_expired(500, 100, 10));
}

/*
 * Tasmota's TempUnit decides the unit either way; fahrenheit = yes is for
 * payloads without one. A "C" used to be read as °F with fahrenheit set: 21 °C
 * as -6.1 °C, heating without end.
 */
static void test_temp_unit_decides(void **state)
{
	static const char c[] = "{\"Time\":\"2026-01-01T03:00:00\",\"DS18B20\":"
				"{\"Temperature\":21.0},\"TempUnit\":\"C\"}";
	static const char f[] = "{\"DS18B20\":{\"Temperature\":69.8},\"TempUnit\":\"F\"}";
	static const char none[] = "{\"DS18B20\":{\"Temperature\":69.8}}";
	struct temp_payload_params p = { .json_key = "DS18B20.Temperature" };
	enum temp_payload_unit unit;
	int32_t mc = 0;

	(void) state;
	for (int fahrenheit = 0; fahrenheit < 2; fahrenheit++) {
		p.fahrenheit = fahrenheit;
		assert_int_equal(temp_payload_parse(c, strlen(c), &p, &mc, NULL), 0);
		assert_int_equal(mc, 21000);
		assert_int_equal(temp_payload_parse(f, strlen(f), &p, &mc, NULL), 0);
		assert_int_equal(mc, 21000);
		/* No unit in the payload: the setting decides. */
		assert_int_equal(temp_payload_parse(none, strlen(none), &p, &mc, NULL), 0);
		assert_int_equal(mc, fahrenheit ? 21000 : 69800);
	}
	/* Which unit the payload said, for the daemon to tell a setting it overrides. */
	for (int fahrenheit = 0; fahrenheit < 2; fahrenheit++) {
		p.fahrenheit = fahrenheit;
		assert_int_equal(temp_payload_parse_unit(c, strlen(c), &p, &mc, &unit, NULL), 0);
		assert_int_equal(unit, TEMP_PAYLOAD_UNIT_C);
		assert_int_equal(temp_payload_parse_unit(f, strlen(f), &p, &mc, &unit, NULL), 0);
		assert_int_equal(unit, TEMP_PAYLOAD_UNIT_F);
		assert_int_equal(temp_payload_parse_unit(none, strlen(none), &p, &mc, &unit, NULL),
				 0);
		assert_int_equal(unit, TEMP_PAYLOAD_UNIT_CONFIG);
	}
	/* A refused payload leaves *ret_unit alone. */
	unit = TEMP_PAYLOAD_UNIT_F;
	assert_int_equal(
	    temp_payload_parse_unit("{\"t\":21,\"TempUnit\":\"K\"}", 23, &p, &mc, &unit, NULL),
	    -EINVAL);
	assert_int_equal(unit, TEMP_PAYLOAD_UNIT_F);
}

/* A value in the other unit's bedroom range gets the question; a bedroom's does not. */
static void test_unit_hint(void **state)
{
	(void) state;
	/* °C configured (the default), the device sends °F. */
	assert_non_null(temp_payload_unit_hint(66200, false)); /* 19 °C as °F */
	assert_non_null(temp_payload_unit_hint(40000, false));
	assert_null(temp_payload_unit_hint(85000, false)); /* a DS18B20's power-on value */
	assert_null(temp_payload_unit_hint(39900, false));
	assert_null(temp_payload_unit_hint(19000, false));
	assert_null(temp_payload_unit_hint(-127000, false));
	assert_string_equal(temp_payload_unit_hint(66200, false),
			    "does the device send °F? Then set fahrenheit = yes");
	/* °F configured, the device sends °C: 21 read as -6.1 °C. */
	assert_non_null(temp_payload_unit_hint(-6111, true));
	assert_null(temp_payload_unit_hint(19000, true));
	assert_null(temp_payload_unit_hint(-16000, true)); /* 3.2 "°C": nobody's bedroom */
	assert_null(temp_payload_unit_hint(500, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_plain_bad),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_bad),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_fahrenheit_param_and_age),
		cmocka_unit_test(test_unit_hint),
		cmocka_unit_test(test_temp_unit_decides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
