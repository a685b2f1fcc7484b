/*
 * Golden tests of the config parser: every good/NAME.conf must dump to
 * good/NAME.expected, every bad/NAME.conf must be refused with exactly the
 * message in bad/NAME.expected. "@DATA@" in good files stands for the data
 * directory, so absolute paths work wherever the tree is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config-keys.h"
#include "config/config-value.h"
#include "config/config.h"

static char data_dir[4096];

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t size = 0;
	FILE *mem;
	int c;

	assert_non_null(f);
	mem = open_memstream(&buf, &size);
	assert_non_null(mem);
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(f);
	fclose(mem);
	return buf;
}

/* Returns @text with @DATA@ replaced; frees @text. */
static char *substitute(char *text)
{
	char *out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&out, &size);
	const char *p = text;
	const char *hit;

	assert_non_null(mem);
	while ((hit = strstr(p, "@DATA@"))) {
		fwrite(p, 1, (size_t) (hit - p), mem);
		fputs(data_dir, mem);
		p = hit + 6;
	}
	fputs(p, mem);
	fclose(mem);
	free(text);
	return out;
}

static void check_good(const char *name)
{
	char conf[4200], expected_path[4200], tmp[] = "/tmp/bedroomd-test-config-XXXXXX";
	char *text, *expected, *dump = NULL, *error = NULL;
	struct config *c = NULL;
	size_t size = 0;
	FILE *mem;
	int fd;

	snprintf(conf, sizeof(conf), "%s/good/%s.conf", data_dir, name);
	snprintf(expected_path, sizeof(expected_path), "%s/good/%s.expected", data_dir, name);
	text = substitute(read_file(conf));
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);

	if (config_load(tmp, &c, &error) < 0)
		fail_msg("%s: %s", name, error);
	unlink(tmp);
	mem = open_memstream(&dump, &size);
	assert_int_equal(config_dump(c, mem), 0);
	fclose(mem);
	expected = substitute(read_file(expected_path));
	if (strcmp(dump, expected) != 0)
		fail_msg("%s: dump differs.\n--- got:\n%s--- expected:\n%s", name, dump, expected);
	free(dump);
	free(expected);
	free(text);
	config_free(c);
}

static void check_bad(const char *name)
{
	char conf[300], expected_path[300];
	struct config *c = NULL;
	char *error = NULL, *expected;
	int r;

	snprintf(conf, sizeof(conf), "bad/%s.conf", name);
	snprintf(expected_path, sizeof(expected_path), "bad/%s.expected", name);
	r = config_load(conf, &c, &error);
	if (r >= 0)
		fail_msg("%s: accepted, but should be refused", name);
	assert_null(c);
	assert_non_null(error);
	expected = read_file(expected_path);
	/* One line for each error; the file's last newline is not part of it. */
	for (size_t len = strlen(expected); len > 0 && expected[len - 1] == '\n'; len--)
		expected[len - 1] = '\0';
	if (strcmp(error, expected) != 0)
		fail_msg("%s:\n   got: %s\nwanted: %s", name, error, expected);
	free(expected);
	free(error);
}

static void for_each(const char *sub, void (*check)(const char *name))
{
	char path[4200];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", data_dir, sub);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[256];

		if (len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int) (len - 5), de->d_name);
		check(name);
		n++;
	}
	closedir(d);
	assert_true(n >= 3); /* the data is there: a missing directory must not pass */
}

static void test_good_configs(void **state)
{
	for_each("good", check_good);
}

static void test_bad_configs(void **state)
{
	for_each("bad", check_bad);
}

static void test_missing_file(void **state)
{
	struct config *c = NULL;
	char *error = NULL;

	assert_int_equal(config_load("bad/does-not-exist.conf", &c, &error), -ENOENT);
	assert_string_equal(error,
			    "bad/does-not-exist.conf: cannot read configuration: No such file or "
			    "directory");
	free(error);
}

/* A directory opens for reading, but read() fails: not an empty configuration of defaults. */
static void test_directory_is_refused(void **state)
{
	char dir[] = "/tmp/bedroomd-test-config-XXXXXX", *error = NULL, want[128];
	struct config *c = NULL;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(config_load(dir, &c, &error), -EISDIR);
	assert_null(c);
	snprintf(want, sizeof(want), "%s: cannot read configuration: Is a directory", dir);
	assert_string_equal(error, want);
	free(error);
	assert_int_equal(rmdir(dir), 0);
}

static void test_default_node_id_from_hostname(void **state)
{
	char host[256] = "", tmp[] = "/tmp/bedroomd-test-config-XXXXXX", *error = NULL;
	struct config *c = NULL;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[mqtt]\nport = 1884\n", 19), 19);
	close(fd);
	assert_int_equal(config_load(tmp, &c, &error), 0);
	unlink(tmp);
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	assert_true(config_name_is_valid(c->daemon.node_id));
	if (host[0] != '\0' &&
	    strspn(host, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(host))
		assert_string_equal(c->daemon.node_id, host);
	assert_int_equal(c->mqtt.port, 1884);
	assert_non_null(strstr(c->mqtt.base_topic, c->daemon.node_id));
	config_free(c);
}

static void test_password_is_read_and_masked(void **state)
{
	char tmp[] = "/tmp/bedroomd-test-config-XXXXXX", *error = NULL, *text;
	struct config *c = NULL;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	text = substitute(strdup("[mqtt]\nusername = u\npassword_file = @DATA@/secret\n"));
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
	assert_int_equal(config_load(tmp, &c, &error), 0);
	unlink(tmp);
	assert_string_equal(c->mqtt.password, "s3cret pass");
	free(text);
	config_free(c);
}

/* The shipped example is valid as it is and shows every key the parser knows. */
static void test_example_documents_every_key(void **state)
{
	const char *example = getenv("EXAMPLE_CONFIG");
	char *error = NULL, *dump = NULL, *text, *line, *save = NULL;
	struct config *c = NULL, *sensors = NULL, *bed = NULL;
	size_t size = 0;
	unsigned keys = 0;
	FILE *mem;

	assert_non_null(example);
	if (config_load(example, &c, &error) < 0)
		fail_msg("%s", error);
	/* The example has no sensor: take the keys of every sensor type from a golden file. */
	assert_int_equal(config_load("good/sensors.conf", &sensors, &error), 0);
	assert_int_equal(config_load("good/bed-heating.conf", &bed, &error), 0);
	mem = open_memstream(&dump, &size);
	assert_int_equal(config_dump(c, mem), 0);
	assert_int_equal(config_dump(sensors, mem), 0);
	assert_int_equal(config_dump(bed, mem), 0);
	fclose(mem);
	config_free(sensors);
	config_free(bed);
	text = read_file(example);
	for (line = strtok_r(dump, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[64], wanted[80];

		if (line[0] == '#' ? sscanf(line, "# %63s is not set", key) != 1
				   : sscanf(line, "%63s =", key) != 1)
			continue;
		if (key[0] == '[')
			continue;
		snprintf(wanted, sizeof(wanted), "\n#%s =", key);
		if (!strstr(text, wanted))
			fail_msg("the example does not document '%s'", key);
		keys++;
	}
	assert_true(keys >= 30);
	free(text);
	free(dump);
	config_free(c);
}

/*
 * The key table documents itself: every key has its help, and every fixed
 * default is a value the key accepts (printed as --dump-config would, and
 * parsed back).
 */
static void test_key_table(void **state)
{
	for (size_t i = 0; i < config_n_keys; i++) {
		const struct key_spec *k = &config_keys[i];
		char *base = calloc(1, 4096), *copy = calloc(1, 4096), *text = NULL, *msg = NULL;
		size_t size = 0;
		FILE *mem;

		assert_true(sizeof(struct config) <= 4096);
		if (!k->help || !k->help[0])
			fail_msg("[%s] '%s' has no help", k->section, k->name);
		if (k->has_default && k->default_doc)
			fail_msg("[%s] '%s' has a fixed default and one in words", k->section,
				 k->name);
		if (k->has_default) {
			if (config_key_set_default(k, base) < 0)
				fail_msg("[%s] '%s': its default does not set", k->section,
					 k->name);
			mem = open_memstream(&text, &size);
			assert_non_null(mem);
			config_key_dump(k, base, mem);
			fclose(mem);
			text[strcspn(text, "\n")] = '\0';
			assert_non_null(strstr(text, " = "));
			if (config_key_set(k, copy, strstr(text, " = ") + 3, &msg) < 0)
				fail_msg("[%s] '%s': its default is refused: %s", k->section,
					 k->name, msg);
			if (config_key_is_string(k)) {
				free(*(char **) (base + k->offset));
				free(*(char **) (copy + k->offset));
			}
		}
		free(text);
		free(base);
		free(copy);
	}
}

static void test_value_parsers(void **state)
{
	unsigned long long usec;
	double d;
	bool b;
	long l;
	int min;

	assert_int_equal(config_parse_bool("Yes", &b), 0);
	assert_true(b);
	assert_int_equal(config_parse_bool("off", &b), 0);
	assert_false(b);
	assert_int_equal(config_parse_bool("maybe", &b), -EINVAL);
	assert_int_equal(config_parse_int("-5", -10, 10, &l), 0);
	assert_int_equal(l, -5);
	assert_int_equal(config_parse_int("11", -10, 10, &l), -ERANGE);
	assert_int_equal(config_parse_int("99999999999999999999", 0, 10, &l), -ERANGE);
	assert_int_equal(config_parse_double("18.5", 16, 24, &d), 0);
	assert_true(d == 18.5);
	assert_int_equal(config_parse_double("nan", 16, 24, &d), -EINVAL);
	assert_int_equal(config_parse_double("24.01", 16, 24, &d), -ERANGE);
	assert_int_equal(config_parse_duration_usec("90", 0, UINT64_MAX, &usec), 0);
	assert_true(usec == 90000000ULL);
	assert_int_equal(config_parse_duration_usec("5min", 0, UINT64_MAX, &usec), 0);
	assert_true(usec == 300000000ULL);
	assert_int_equal(config_parse_duration_usec("250ms", 0, UINT64_MAX, &usec), 0);
	assert_true(usec == 250000ULL);
	assert_int_equal(config_parse_duration_usec("1.5h", 0, UINT64_MAX, &usec), 0);
	assert_true(usec == 5400000000ULL);
	assert_int_equal(config_parse_duration_usec("5 parsecs", 0, UINT64_MAX, &usec), -EINVAL);
	assert_int_equal(config_parse_duration_usec("-1", 0, UINT64_MAX, &usec), -EINVAL);
	assert_int_equal(config_parse_duration_usec("2h", 0, 3600000000ULL, &usec), -ERANGE);
	assert_int_equal(config_parse_time_of_day("22:00", &min), 0);
	assert_int_equal(min, 22 * 60);
	assert_int_equal(config_parse_time_of_day("07:05", &min), 0);
	assert_int_equal(min, 7 * 60 + 5);
	assert_int_equal(config_parse_time_of_day("24:00", &min), -EINVAL);
	assert_int_equal(config_parse_time_of_day("7:5pm", &min), -EINVAL);
	assert_int_equal(config_parse_time_of_day("7:05", &min), 0);
	assert_int_equal(min, 7 * 60 + 5);
	/* sscanf()'s %u took a sign and leading blanks. */
	assert_int_equal(config_parse_time_of_day("+7:05", &min), -EINVAL);
	assert_int_equal(config_parse_time_of_day(" 7:05", &min), -EINVAL);
	assert_int_equal(config_parse_time_of_day("07:+5", &min), -EINVAL);
	assert_int_equal(config_parse_time_of_day("-0:05", &min), -EINVAL);
	assert_true(config_topic_is_valid("bedroomd/bedroom"));
	assert_false(config_topic_is_valid("bedroomd/#"));
	assert_false(config_topic_is_valid(""));
	assert_true(config_name_is_valid("guest-room_2"));
	assert_false(config_name_is_valid("guest room"));
}

static void test_reminder_values(void **state)
{
	char foot_soak[] = "foot_soak", morning[] = "morning", two[] = "snooze,done", none[] = ", ",
	     three[] = "none left right";
	struct config_reminder r = { .name = foot_soak };
	char days[64];
	unsigned mask;
	int s, buttons[3];

	assert_int_equal(config_parse_time_of_day_s("21:30", &s), 0);
	assert_int_equal(s, 21 * 3600 + 30 * 60);
	assert_int_equal(config_parse_time_of_day_s("07:05:09", &s), 0);
	assert_int_equal(s, 7 * 3600 + 5 * 60 + 9);
	assert_int_equal(config_parse_time_of_day_s("07:05:9", &s), -EINVAL);
	assert_int_equal(config_parse_time_of_day_s("07:05:60", &s), -EINVAL);
	assert_int_equal(config_parse_time_of_day_s("7:05 ", &s), -EINVAL);
	assert_int_equal(config_parse_time_of_day_s("07:05:+9", &s), -EINVAL);
	assert_int_equal(config_parse_time_of_day_s("07:05: 9", &s), -EINVAL);

	assert_int_equal(config_parse_days("mon-sun", &mask), 0);
	assert_int_equal(mask, 0x7f);
	assert_int_equal(config_parse_days(" Sat , SUN", &mask), 0);
	assert_int_equal(mask, 0x60);
	assert_int_equal(config_parse_days("fri-mon", &mask), 0);
	assert_int_equal(mask, 0x71);
	config_format_days(mask, days, sizeof(days));
	assert_string_equal(days, "mon,fri-sun");
	config_format_days(0x15, days, sizeof(days));
	assert_string_equal(days, "mon,wed,fri");
	assert_int_equal(config_parse_days("", &mask), -EINVAL);
	assert_int_equal(config_parse_days("mon,", &mask), -EINVAL);
	assert_int_equal(config_parse_days("mon--fri", &mask), -EINVAL);

	assert_int_equal(config_reminder_actions(&r, buttons), 0);
	r.actions = two;
	assert_int_equal(config_reminder_actions(&r, buttons), 2);
	assert_int_equal(buttons[0], 2); /* REMINDER_ACTIONS: started, done, snooze, ... */
	assert_int_equal(buttons[1], 1);
	r.actions = none;
	assert_int_equal(config_reminder_actions(&r, buttons), -EINVAL);
	r.name = morning;
	r.actions = three;
	assert_int_equal(config_reminder_actions(&r, buttons), 3);
	assert_int_equal(buttons[2], 6);
}

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
	struct config *c = load_text("[mqtt]\nhost = 10.0.0.2 # the NAS\nport = 1883 ; default\n"
				     "[reminder.magnesium]\nat = 22:00 ; bedtime\n"
				     "message = Take pill #2 ; then bed\n");

	assert_string_equal(c->mqtt.host, "10.0.0.2 # the NAS");
	assert_int_equal(c->mqtt.port, 1883);
	assert_non_null(c->warnings);
	assert_non_null(strstr(c->warnings, ":2: 'host': ' # ...' is part of the value, not a "
					    "comment (a comment goes on a line of its own)\n"));
	assert_non_null(strstr(c->warnings, ":6: 'message': what follows ' ;' is a comment, not "
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
 * as minutes is 10 s, and said so.
 */
static void test_auto_off_minimum(void **state)
{
	static const struct {
		const char *text, *error;
	} bad[] = {
		{ OIL "auto_off = 10\n",
		  ":4: [heater.oil]: 'auto_off' (10s) must be 0 (none) or at least 1min: ON is "
		  "re-sent every half of it, which must leave the plug 'confirm_timeout' (15s) to "
		  "answer and come at most every 30s (a bare number means seconds)" },
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
		cmocka_unit_test(test_good_configs),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory_is_refused),
		cmocka_unit_test(test_default_node_id_from_hostname),
		cmocka_unit_test(test_inline_comments_in_text_are_said),
		cmocka_unit_test(test_heaters_without_a_thermometer_are_said),
		cmocka_unit_test(test_auto_off_minimum),
		cmocka_unit_test(test_byte_order_mark_keeps_first_section),
		cmocka_unit_test(test_indented_lines_are_read_as_written),
		cmocka_unit_test(test_day_floor_below_overheat),
		cmocka_unit_test(test_password_is_read_and_masked),
		cmocka_unit_test(test_example_documents_every_key),
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_value_parsers),
		cmocka_unit_test(test_reminder_values),
		cmocka_unit_test(test_reminder_problems_said_in_one_run),
		cmocka_unit_test(test_section_equal),
	};
	const char *testdata = getenv("TESTDATA");

	if (!testdata) {
		fprintf(stderr, "TESTDATA is not set: run this test through ctest\n");
		return 1;
	}
	snprintf(data_dir, sizeof(data_dir), "%s/config", testdata);
	if (chdir(data_dir) < 0) {
		fprintf(stderr, "cannot enter '%s': %s\n", data_dir, strerror(errno));
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
