#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "control/command.h"

static int floor_of(const char *payload, double *v)
{
	return command_parse_floor(payload, strlen(payload), 16, 24, v, NULL);
}

static void test_floor_accepts_what_home_assistant_sends(void **state)
{
	double v = 0;

	assert_int_equal(floor_of("18.5", &v), 0);
	assert_true(v == 18.5);
	assert_int_equal(floor_of(" 19\n", &v), 0);
	assert_true(v == 19.0);
	assert_int_equal(floor_of("{\"floor\": 20.25}", &v), 0);
	assert_true(v == 20.3);
	assert_int_equal(floor_of("{ \"floor\" : \"17.0\" }", &v), 0);
	assert_true(v == 17.0);
	assert_int_equal(floor_of("16", &v), 0);
	assert_int_equal(floor_of("24", &v), 0);
}

static void test_floor_refuses_the_rest_and_keeps_the_value(void **state)
{
	static const char nul[] = { '1', '8', '\0', '5' };
	const char *reason = NULL;
	char big[1000];
	double v = 42;

	assert_int_equal(floor_of("15.9", &v), -ERANGE);
	assert_true(v == 15.9); /* the number sent, for the message */
	assert_int_equal(floor_of("24.1", &v), -ERANGE);
	assert_true(v == 24.1);
	v = 42;
	assert_int_equal(floor_of("nan", &v), -EBADMSG);
	assert_int_equal(floor_of("inf", &v), -EBADMSG);
	assert_int_equal(floor_of("18,5", &v), -EBADMSG);
	/* strtod() reads these as numbers; a person never means them. */
	assert_int_equal(floor_of("0x14", &v), -EBADMSG);
	assert_int_equal(floor_of("{\"floor\": \"0x14\"}", &v), -EBADMSG);
	assert_int_equal(floor_of("infinity", &v), -EBADMSG);
	assert_int_equal(floor_of("nan(1)", &v), -EBADMSG);
	assert_int_equal(floor_of("0x1.4p4", &v), -EBADMSG);
	assert_int_equal(floor_of("", &v), -EBADMSG);
	/* An empty MQTT payload, as libmosquitto gives it (UBSan checks memchr's argument). */
	assert_int_equal(command_parse_floor(NULL, 0, 16, 24, &v, NULL), -EBADMSG);
	assert_int_equal(command_parse_mode(NULL, 0, &(enum command_mode){ 0 }, NULL), -EBADMSG);
	assert_int_equal(floor_of("{\"mode\": 18}", &v), -EBADMSG);
	assert_int_equal(floor_of("{\"floor\": [18]}", &v), -EBADMSG);
	assert_int_equal(floor_of("{\"floor\": 18", &v), -EBADMSG);
	assert_int_equal(command_parse_floor(nul, sizeof(nul), 16, 24, &v, &reason), -EBADMSG);
	memset(big, '1', sizeof(big));
	assert_int_equal(command_parse_floor(big, sizeof(big), 16, 24, &v, &reason), -EMSGSIZE);
	assert_string_equal(reason, "payload too large");
	assert_true(v == 42);
}

static void test_mode(void **state)
{
	enum command_mode m = COMMAND_MODE_HEAT;
	const char *reason;

	assert_int_equal(command_parse_mode("off", 3, &m, NULL), 0);
	assert_int_equal(m, COMMAND_MODE_OFF);
	assert_int_equal(command_parse_mode(" HEAT\n", 6, &m, NULL), 0);
	assert_int_equal(m, COMMAND_MODE_HEAT);
	assert_int_equal(command_parse_mode("{\"mode\":\"off\"}", 14, &m, NULL), 0);
	assert_int_equal(m, COMMAND_MODE_OFF);
	assert_int_equal(command_parse_mode("cool", 4, &m, &reason), -EBADMSG);
	assert_string_equal(reason, "not 'heat' or 'off'");
	assert_int_equal(m, COMMAND_MODE_OFF);
	assert_string_equal(command_mode_to_string(COMMAND_MODE_HEAT), "heat");
}

static void test_reminder_answer(void **state)
{
	enum command_reminder_answer a = COMMAND_REMINDER_SNOOZE;
	const char *reason;

	(void) state;
	assert_int_equal(command_parse_reminder_answer("done", 4, &a, NULL), 0);
	assert_int_equal(a, COMMAND_REMINDER_DONE);
	assert_int_equal(command_parse_reminder_answer(" Started\n", 9, &a, NULL), 0);
	assert_int_equal(a, COMMAND_REMINDER_STARTED);
	assert_int_equal(command_parse_reminder_answer("{\"answer\":\"snooze\"}", 19, &a, NULL), 0);
	assert_int_equal(a, COMMAND_REMINDER_SNOOZE);
	assert_int_equal(command_parse_reminder_answer("later", 5, &a, &reason), -EBADMSG);
	assert_string_equal(reason, "not 'done', 'started' or 'snooze'");
	assert_int_equal(a, COMMAND_REMINDER_SNOOZE);
	assert_int_equal(command_parse_reminder_answer("", 0, &a, NULL), -EBADMSG);
	assert_string_equal(command_reminder_answer_to_string(COMMAND_REMINDER_STARTED), "started");
}

static void test_command_is_stale(void **state)
{
	const unsigned long long ten_min = 600ULL * 1000000ULL;

	assert_false(command_is_stale(1000, 1000 + 600, ten_min));
	assert_true(command_is_stale(1000, 1000 + 601, ten_min));
	assert_false(command_is_stale(1000 + 60, 1000, ten_min)); /* from the future: not old */
	assert_false(command_is_stale(0, 1000000000, 0));         /* 0: no limit */
}

/* The rule the daemon loads its settings by, and bedroomctl's report draws the floor by. */
static void test_kept_setting_holds_until_the_file_is_edited(void **state)
{
	char text[COMMAND_FLOOR_TEXT_MAX];
	bool from_kept = true;

	assert_true(command_kept_setting_holds("18.7", "19.0", "19.0"));
	assert_false(command_kept_setting_holds("18.7", "19.0", "18.2")); /* edited since */
	assert_true(command_kept_setting_holds("18.7", NULL, "18.2"));    /* an older store */
	assert_false(command_kept_setting_holds(NULL, NULL, "19.0"));     /* never set */
	assert_true(command_kept_setting_holds("off", "heat", "heat"));

	command_floor_text(19, text);
	assert_string_equal(text, "19.0");
	assert_true(command_floor_in_force("18.7", "19.0", 19, 16, 24, &from_kept) == 18.7);
	assert_true(from_kept);
	assert_true(command_floor_in_force("18.7", "19.0", 18.2, 16, 24, &from_kept) == 18.2);
	assert_false(from_kept);
	assert_true(command_floor_in_force(NULL, NULL, 19, 16, 24, &from_kept) == 19);
	assert_false(from_kept);
	/* A kept floor the range no longer allows, or that does not read: the file's. */
	assert_true(command_floor_in_force("16.5", "19.0", 19, 17, 24, &from_kept) == 19);
	assert_false(from_kept);
	assert_true(command_floor_in_force("warm", "19.0", 19, 16, 24, NULL) == 19);
	(void) state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floor_accepts_what_home_assistant_sends),
		cmocka_unit_test(test_floor_refuses_the_rest_and_keeps_the_value),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_command_is_stale),
		cmocka_unit_test(test_reminder_answer),
		cmocka_unit_test(test_kept_setting_holds_until_the_file_is_edited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
