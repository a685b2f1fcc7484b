/*
 * The configuration as people write it, loaded from text: what a reload
 * compares, comments, a byte order mark and indentation, and the checks
 * between keys, each said at its own line. (test-config.c: the golden files,
 * the key table and the value parsers.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config-keys.h"
#include "config/config.h"

static struct config *load_text(const char *text)
{
	char tmp[] = "/tmp/bedroomd-test-config-XXXXXX", *error = NULL;
	struct config *c = NULL;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
	if (config_load(tmp, &c, &error) < 0)
		fail_msg("%s", error);
	unlink(tmp);
	return c;
}

#define SECTIONS_BASE                                                                              \
	"[mqtt]\nport = 1883\n[heating]\nday_floor = off\n"                                        \
	"[sensor.bed]\ntype = w1\ninterval = 1min\noffset = -0.5\n"

/* A reload's "unchanged": every key of the table compared, "off" equal to itself. */
static void test_section_equal(void **state)
{
	static const struct {
		const char *text;
		bool mqtt, heating, sensor;
	} cases[] = {
		{ SECTIONS_BASE, true, true, true },
		{ "\n\n" SECTIONS_BASE, true, true, true }, /* lines moved: still alike */
		{ SECTIONS_BASE "stuck_after = 2h\n", true, true, false },
		{ SECTIONS_BASE "max_rate = 0\n", true, true, false },
		{ "[mqtt]\nport = 1884\n[heating]\nday_floor = off\n"
		  "[sensor.bed]\ntype = w1\ninterval = 1min\noffset = -0.5\n",
		  false, true, true },
		{ "[mqtt]\nport = 1883\n[heating]\nday_floor = 16\n"
		  "[sensor.bed]\ntype = w1\ninterval = 1min\noffset = -0.4\n",
		  true, false, false },
		{ "[mqtt]\nport = 1883\n[heating]\nday_floor = off\n"
		  "[sensor.bed2]\ntype = w1\ninterval = 1min\noffset = -0.5\n",
		  true, true, false },
	};
	struct config *base = load_text(SECTIONS_BASE);

	(void) state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config *c = load_text(cases[i].text);

		assert_int_equal(config_section_equal("mqtt", base, c), cases[i].mqtt);
		assert_int_equal(config_section_equal("heating", base, c), cases[i].heating);
		assert_int_equal(config_section_equal("sensor", &base->sensors[0], &c->sensors[0]),
				 cases[i].sensor);
		config_free(c);
	}
	config_free(base);
}

/*
 * A comment after a text value: ' ;' cuts the value (inih), ' # ' stays in it;
 * both said. After a number or a time, ';' is a harmless comment: nothing said.
 */
static void test_inline_comments_in_text_are_said(void **state)
{
	struct config *c = load_text("[homeassistant]\ndevice_name = Bedroom # upstairs\n"
				     "[mqtt]\nport = 1883 ; default\n"
				     "[reminder.magnesium]\nat = 22:00 ; bedtime\n"
				     "message = Take pill #2 ; then bed\n");

	assert_string_equal(c->homeassistant.device_name, "Bedroom # upstairs");
	assert_int_equal(c->mqtt.port, 1883);
	assert_non_null(c->warnings);
	assert_non_null(strstr(c->warnings,
			       ":2: 'device_name': ' # ...' is part of the value, "
			       "not a comment (a comment goes on a line of its own)\n"));
	assert_non_null(strstr(c->warnings, ":7: 'message': what follows ' ;' is a comment, not "
					    "part of the value\n"));
	assert_null(strstr(c->warnings, "'port'"));
	assert_null(strstr(c->warnings, "'at'"));
	config_free(c);

	c = load_text("[reminder.magnesium]\nat = 22:00\nmessage = Take pill #2\n");
	assert_null(c->warnings);
	config_free(c);
}

/* Heaters without a thermometer never heat: valid, and said (a user trial). */
static void test_heaters_without_a_thermometer_are_said(void **state)
{
	struct config *c = load_text("[heating]\nfloor = 18\n[heater.oil]\ntype = tasmota\n"
				     "topic = oil\n[heater.fan]\ntype = tasmota\ntopic = fan\n");

	assert_non_null(c->warnings);
	if (!strstr(c->warnings, ":3: 2 heaters but no [sensor.NAME]: heating needs the room's "
				 "temperature, so they stay off\n"))
		fail_msg("got '%s'", c->warnings);
	config_free(c);
	c = load_text("[heater.oil]\ntype = tasmota\ntopic = oil\n"
		      "[sensor.air]\ntype = mqtt\ntopic = t\n");
	assert_null(c->warnings);
	config_free(c);
	(void) state;
}

/*
 * A state_dir whose parent is missing (a typo, or /var/lib/bedroom/x): valid
 * before, and the service ran without its store. Said at its line; not for
 * the unit's StateDirectory=, which systemd makes, nor when the parent is there.
 */
static void test_state_dir_without_its_parent_is_said(void **state)
{
	struct config *c;
	char text[200];

	c = load_text("[daemon]\nnode_id = a\nstate_dir = /nonexistent-bedroomd/state\n");
	assert_non_null(c->warnings);
	if (!strstr(c->warnings, ":3: state_dir '/nonexistent-bedroomd/state': its parent "
				 "'/nonexistent-bedroomd' does not exist: bedroomd makes the state "
				 "directory but not its parent"))
		fail_msg("got '%s'", c->warnings);
	config_free(c);
	/* A file where the parent should be. */
	c = load_text("[daemon]\nstate_dir = /etc/hostname/state\n");
	assert_non_null(c->warnings);
	if (!strstr(c->warnings, ":2: state_dir '/etc/hostname/state': its parent "
				 "'/etc/hostname' is not a directory"))
		fail_msg("got '%s'", c->warnings);
	config_free(c);
	snprintf(text, sizeof(text), "[daemon]\nstate_dir = /var/lib/bedroomd/store\n");
	c = load_text(text);
	assert_null(c->warnings);
	config_free(c);
	c = load_text("[daemon]\nstate_dir = /tmp/bedroomd-state-that-is-not-there/\n");
	assert_null(c->warnings);
	config_free(c);
	(void) state;
}

/* The error config_load() gives for @text; the caller frees it. */
static char *refuse_text(const char *text)
{
	char tmp[] = "/tmp/bedroomd-test-config-XXXXXX", *error = NULL;
	struct config *c = NULL;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
	if (config_load(tmp, &c, &error) >= 0)
		fail_msg("accepted, but should be refused:\n%s", text);
	unlink(tmp);
	assert_null(c);
	assert_non_null(error);
	return error;
}

#define OIL "[heater.oil]\ntype = zigbee2mqtt\ntopic = oil\n"

/*
 * auto_off: 0, or long enough that its keep-alive (every half of it) leaves
 * the plug its confirm_timeout and does not flood it. "auto_off = 10" meant
 * as minutes needs its unit, as every duration does.
 */
static void test_auto_off_minimum(void **state)
{
	static const struct {
		const char *text, *error;
	} bad[] = {
		{ OIL "auto_off = 10\n", ":4: 'auto_off' needs a unit: 10min, 30s, 1h, not '10'" },
		{ OIL "auto_off = 10s\n",
		  ":4: [heater.oil]: 'auto_off' (10s) must be 0 (none) or at least 1min: ON is "
		  "re-sent every half of it, which must leave the plug 'confirm_timeout' (15s) to "
		  "answer and come at most every 30s" },
		{ OIL "auto_off = 1ms\n", ":4: [heater.oil]: 'auto_off' (1ms) must be 0 (none) or "
					  "at least 1min" },
		{ OIL "auto_off = 59s\n", ":4: [heater.oil]: 'auto_off' (59s) must be 0" },
		{ OIL "auto_off = 3min\nconfirm_timeout = 2min\n",
		  ":4: [heater.oil]: 'auto_off' (3min) must be 0 (none) or at least 4min: ON is "
		  "re-sent every half of it, which must leave the plug 'confirm_timeout' (2min) to "
		  "answer" },
	};
	static const char *const good[] = {
		OIL "auto_off = 0\n",
		OIL "auto_off = 1min\n",
		OIL "auto_off = 90s\nconfirm_timeout = 45s\n",
		OIL "confirm_timeout = 5min\n", /* the default auto_off, 10min, is enough */
		"[heater.diy]\ntype = generic\ncommand_topic = a\nstate_topic = b\n"
		"confirm_timeout = 5min\n",
	};

	(void) state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *error = refuse_text(bad[i].text);

		if (!strstr(error, bad[i].error))
			fail_msg("got '%s'\nwanted '%s'", error, bad[i].error);
		free(error);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		config_free(load_text(good[i]));
}

/*
 * A UTF-8 byte order mark (Notepad writes one): inih skips it, and the first
 * section is read as any other, not dropped without a word.
 */
static void test_byte_order_mark_keeps_first_section(void **state)
{
	struct config *c = load_text("\xEF\xBB\xBF[heating]\nfloor = 20\n[mqtt]\nport = 1884\n");
	char *error;

	(void) state;
	assert_true(c->heating.floor_c == 20);
	assert_int_equal(c->mqtt.port, 1884);
	config_free(c);
	/* Its keys are checked too. */
	error = refuse_text("\xEF\xBB\xBF[heating]\nflor = 20\n");
	if (!strstr(error, ":2: unknown key 'flor' in [heating]"))
		fail_msg("got '%s'", error);
	free(error);
}

/*
 * Indented lines are read as written: inih takes one as the rest of the value
 * above (a Python multi-line value, which no key has), which gave "'floor' is
 * set twice" at the next key, and an indented header made its keys unknown.
 */
static void test_indented_lines_are_read_as_written(void **state)
{
	struct config *c = load_text("[heating]\n  floor = 20\n  min_on = 5min\n"
				     "\t[mqtt]\n\tport = 1884\n  # a comment\n\t ; another\n \n"
				     "  [cramps]\n  suspect_from_movement = no\n");
	char *error;

	(void) state;
	assert_true(c->heating.floor_c == 20);
	assert_true(c->heating.min_on_usec == 300000000ULL);
	assert_int_equal(c->mqtt.port, 1884);
	config_free(c);
	c = load_text("[heating]\nfloor = 20\n  [mqtt]\n  port = 1884\n");
	assert_true(c->heating.floor_c == 20);
	assert_int_equal(c->mqtt.port, 1884);
	config_free(c);
	/* An error on an indented line is said at that line. */
	error = refuse_text("[heating]\n  floor = 20\n  floor = 21\n");
	if (!strstr(error, ":3: 'floor' is set twice in [heating] (first on line 2)"))
		fail_msg("got '%s'", error);
	free(error);
	error = refuse_text("[heating]\nfloor = 20\n  [mqtt]\n  flor = 20\n");
	if (!strstr(error, ":4: unknown key 'flor' in [mqtt]"))
		fail_msg("got '%s'", error);
	free(error);
}

/*
 * A day_floor the room cannot hold below the cut-off: over_temperature raised,
 * every heater off, cleared a degree lower, heating again, all day. Refused at
 * the day_floor line, as floor_max is.
 */
static void test_day_floor_below_overheat(void **state)
{
	static const struct {
		const char *text, *error;
	} bad[] = {
		{ "[heating]\nday_floor = 28\n",
		  ":2: 'day_floor' (28) must be more than 1 °C below 'overheat' (26)" },
		{ "[heating]\nday_floor = 25\n",
		  ":2: 'day_floor' (25) must be more than 1 °C below 'overheat' (26)" },
		{ "[heating]\nfloor_max = 20\noverheat = 22\n\nday_floor = 21.5\n",
		  ":5: 'day_floor' (21.5) must be more than 1 °C below 'overheat' (22)" },
	};
	static const char *const good[] = {
		"[heating]\nday_floor = 24.5\n",
		"[heating]\nday_floor = off\n",
		"[heating]\nday_floor = 28\noverheat = 30\n",
	};

	(void) state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *error = refuse_text(bad[i].text);

		if (!strstr(error, bad[i].error))
			fail_msg("got '%s'\nwanted '%s'", error, bad[i].error);
		free(error);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		config_free(load_text(good[i]));
}

/*
 * Every reminder's problems in one run, each at its line and in line order (a
 * trial needed a run of --check-config for each): another reminder's, or a
 * second one of the same section, are not hidden behind the first.
 */
static void test_reminder_problems_said_in_one_run(void **state)
{
	static const char *const wanted[] = {
		":1: [reminder.magnesium] needs 'message' (the notification's text)\n",
		":7: [reminder.foot_soak]: 'at' and 'before_night' exclude each other\n",
		":8: 'actions' must be one to three of started, done, snooze, skip, each once, not "
		"'started, done, snooze, skip'\n",
		":10: 'timer' does not apply to the morning follow-up\n",
	};
	char *error = refuse_text("[reminder.magnesium]\nat = 22:15\ndays = mon-fri\n"
				  "title = Magnesium\n[reminder.foot_soak]\nbefore_night = 20min\n"
				  "at = 21:30\nactions = started, done, snooze, skip\n"
				  "[reminder.morning]\ntimer = 5min\n");
	char *all = NULL;
	const char *at;
	size_t n = 0;

	(void) state;
	assert_true(asprintf(&all, "%s\n", error) > 0);
	at = all;
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		at = strstr(at, wanted[i]);
		if (!at)
			fail_msg("got '%s'\nwanted, after the ones before it, '%s'", error,
				 wanted[i]);
	}
	for (const char *c = all; *c; c++)
		n += *c == '\n';
	if (n != sizeof(wanted) / sizeof(wanted[0]))
		fail_msg("got '%s'\nwanted only these %zu", error,
			 sizeof(wanted) / sizeof(wanted[0]));
	free(all);
	free(error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section_equal),
		cmocka_unit_test(test_inline_comments_in_text_are_said),
		cmocka_unit_test(test_heaters_without_a_thermometer_are_said),
		cmocka_unit_test(test_state_dir_without_its_parent_is_said),
		cmocka_unit_test(test_auto_off_minimum),
		cmocka_unit_test(test_byte_order_mark_keeps_first_section),
		cmocka_unit_test(test_indented_lines_are_read_as_written),
		cmocka_unit_test(test_day_floor_below_overheat),
		cmocka_unit_test(test_reminder_problems_said_in_one_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
