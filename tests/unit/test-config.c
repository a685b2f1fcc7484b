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

#include "config/config-escape.h"
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

/* @text loaded as a config file and dumped (--dump-config); fails the test if it does not load. */
static char *load_and_dump(const char *name, const char *text)
{
	char tmp[] = "/tmp/bedroomd-test-config-XXXXXX", *dump = NULL, *error = NULL;
	struct config *c = NULL;
	size_t size = 0;
	FILE *mem;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
	if (config_load(tmp, &c, &error) < 0)
		fail_msg("%s: %s", name, error);
	unlink(tmp);
	mem = open_memstream(&dump, &size);
	assert_int_equal(config_dump(c, mem), 0);
	fclose(mem);
	config_free(c);
	return dump;
}

static void check_good(const char *name)
{
	char conf[4200], expected_path[4200];
	char *text, *expected, *dump, *again;

	snprintf(conf, sizeof(conf), "%s/good/%s.conf", data_dir, name);
	snprintf(expected_path, sizeof(expected_path), "%s/good/%s.expected", data_dir, name);
	text = substitute(read_file(conf));
	dump = load_and_dump(name, text);
	expected = substitute(read_file(expected_path));
	if (strcmp(dump, expected) != 0)
		fail_msg("%s: dump differs.\n--- got:\n%s--- expected:\n%s", name, dump, expected);
	/*
	 * --dump-config's output is a configuration too: it loads, and says the same
	 * again (a helper found an input's 'leg' dumped where the loader refuses it).
	 */
	again = load_and_dump(name, dump);
	if (strcmp(dump, again) != 0)
		fail_msg("%s: the dump loaded dumps otherwise.\n--- first:\n%s--- again:\n%s", name,
			 dump, again);
	free(again);
	free(dump);
	free(expected);
	free(text);
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

/* An empty password file says where the password goes, not "No data available". */
static void test_password_file_empty(void **state)
{
	char conf[] = "/tmp/bedroomd-test-config-XXXXXX", pw[] = "/tmp/bedroomd-test-pw-XXXXXX";
	char text[200], want[300], *error = NULL;
	struct config *c = NULL;
	int fd = mkstemp(pw);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\n", 1), 1); /* an empty first line */
	close(fd);
	fd = mkstemp(conf);
	assert_true(fd >= 0);
	snprintf(text, sizeof(text), "[mqtt]\nusername = u\npassword_file = %s\n", pw);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
	assert_true(config_load(conf, &c, &error) < 0);
	snprintf(want, sizeof(want),
		 "%s:3: password_file '%s' has no password: it goes on its first line", conf, pw);
	assert_non_null(error);
	assert_non_null(strstr(error, want));
	unlink(conf);
	unlink(pw);
	free(error);
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
	assert_int_equal(config_parse_duration_usec("90s", 0, UINT64_MAX, &usec), 0);
	assert_true(usec == 90000000ULL);
	/* A bare number is no duration ("snooze = 10" meant as minutes); 0 is 0 in any unit. */
	assert_int_equal(config_parse_duration_usec("10", 0, UINT64_MAX, &usec), -EDOM);
	assert_int_equal(config_parse_duration_usec("0.5", 0, UINT64_MAX, &usec), -EDOM);
	assert_int_equal(config_parse_duration_usec("0", 0, UINT64_MAX, &usec), 0);
	assert_true(usec == 0);
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
	/* MQTT takes UTF-8 only, and no control character: a broker refuses the rest. */
	assert_true(config_topic_is_valid("schlafzimmer/w\xc3\xa4rme"));
	assert_true(config_topic_is_valid("\xf0\x9f\x9b\x8f/bed"));
	assert_false(config_topic_is_valid("schlafzimmer/w\xe4rme"));
	assert_false(config_topic_is_valid("bed\xc3"));
	assert_false(config_topic_is_valid("bed/\xc0\xaf"));
	assert_false(config_topic_is_valid("bed/\xed\xa0\x80"));
	assert_false(config_topic_is_valid("bed\x1b[31m"));
	assert_false(config_topic_is_valid("bed\troom"));
	assert_false(config_topic_is_valid("bed\x7f"));
	assert_false(config_topic_is_valid("bed\xc2\x9b"));
	assert_false(config_topic_is_valid("bed/\xef\xbf\xbe"));
	assert_false(config_topic_is_valid("bed/\xef\xb7\x90"));
	assert_string_equal(config_topic_problem("bed/\xe4"),
			    "it is not UTF-8, as MQTT requires: is the file saved in another "
			    "encoding, such as Latin-1? Save it as UTF-8");
	assert_null(config_topic_problem("bedroomd/bedroom"));
	assert_true(config_name_is_valid("guest-room_2"));
	assert_false(config_name_is_valid("guest room"));
}

/* Free text that goes out as it is, and a cut that keeps a character whole. */
static void test_text_check_and_utf8_fit(void **state)
{
	(void) state;
	assert_int_equal(config_text_check(""), CONFIG_TEXT_OK);
	assert_int_equal(config_text_check("Gro\xc3\x9f"
					   "es Zimmer \xe2\x80\x93 \xf0\x9f\x9b\x8f"),
			 CONFIG_TEXT_OK);
	assert_int_equal(config_text_check("Gro\xdf"
					   "es Zimmer"),
			 CONFIG_TEXT_NOT_UTF8);
	assert_int_equal(config_text_check("cut \xc3"), CONFIG_TEXT_NOT_UTF8);
	assert_int_equal(config_text_check("tab\there"), CONFIG_TEXT_CONTROL);
	assert_int_equal(config_text_check("csi \xc2\x9b"), CONFIG_TEXT_CONTROL);
	assert_int_equal(config_text_check("\xef\xbf\xbe"), CONFIG_TEXT_NONCHARACTER);
	/* "ä" is two bytes, "–" three, the bed four: a cut backs up to the character's start. */
	assert_int_equal(config_utf8_fit("abc", 5), 3);
	assert_int_equal(config_utf8_fit("abc", 3), 3);
	assert_int_equal(config_utf8_fit("abc", 2), 2);
	assert_int_equal(config_utf8_fit("a\xc3\xa4", 2), 1);
	assert_int_equal(config_utf8_fit("a\xc3\xa4", 3), 3);
	assert_int_equal(config_utf8_fit("a\xe2\x80\x93z", 3), 1);
	assert_int_equal(config_utf8_fit("a\xe2\x80\x93z", 4), 4);
	assert_int_equal(config_utf8_fit("\xf0\x9f\x9b\x8f", 3), 0);
	assert_int_equal(config_utf8_fit("abc", 0), 0);
}

static void check_escape(const char *in, const char *want)
{
	char *got = config_escape(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* Text from outside as a terminal may show it: no escape sequence, every odd byte named. */
static void test_escape(void **state)
{
	uint32_t cp;

	check_escape("", "");
	check_escape("plain text", "plain text");
	check_escape("w\xc3\xa4rme \xe2\x82\xac \xf0\x9f\x9b\x8f",
		     "w\xc3\xa4rme \xe2\x82\xac \xf0\x9f\x9b\x8f");
	/* Latin-1, a cut-off character, an overlong '/', a surrogate: each byte alone. */
	check_escape("w\xe4rme", "w\\xe4rme");
	check_escape("end\xc3", "end\\xc3");
	check_escape("\xc0\xaf", "\\xc0\\xaf");
	check_escape("\xed\xa0\x80", "\\xed\\xa0\\x80");
	check_escape("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	/* ESC, CSI in C1, BEL, DEL, line ends and tabs. */
	check_escape("\x1b]0;owned\x07\x1b[2J", "\\x1b]0;owned\\x07\\x1b[2J");
	check_escape("a\xc2\x9b"
		     "31mb\x7f",
		     "a\\u009b31mb\\x7f");
	check_escape("one\ntwo\r\tthree", "one\\ntwo\\r\\tthree");
	/* Noncharacters: shown by their number. */
	check_escape("\xef\xbf\xbf \xf0\x9f\xbf\xbe", "\\uffff \\U0001fffe");
	/* The worst case: four bytes out for each byte in. */
	check_escape("\x01\x02\xff", "\\x01\\x02\\xff");

	assert_int_equal(config_utf8_next("\xc3\xa4", 2, &cp), 2);
	assert_int_equal(cp, 0xe4);
	assert_int_equal(config_utf8_next("\xc3\xa4", 1, &cp), -EILSEQ);
	assert_int_equal(config_utf8_next("\xf0\x9f\x9b\x8f", 4, &cp), 4);
	assert_int_equal(cp, 0x1f6cf);
	assert_int_equal(config_utf8_next("\xe0\x80\xaf", 3, &cp), -EILSEQ);
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

/*
 * "GPIO17" beside "17": the same line wherever GPIO<n> names offset <n> (a
 * Raspberry Pi), but names are only looked up on the chip at start: a warning.
 */
static void test_name_and_offset_of_one_line_warn(void **state)
{
	static const char text[] = "[input.mat]\ntype = gpio\nrole = occupancy\nline = GPIO17\n"
				   "[input.left]\ntype = gpio\nrole = cramp_button\nline = 17\n"
				   "leg = left\n";
	char path[] = "/tmp/test-config-XXXXXX";
	struct config *c = NULL;
	char *error = NULL;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t) sizeof(text) - 1);
	close(fd);
	assert_int_equal(config_load(path, &c, &error), 0);
	unlink(path);
	assert_non_null(c);
	assert_non_null(c->warnings);
	if (!strstr(c->warnings,
		    ":8: line '17' and line 'GPIO17' of [input.mat] are the same line"))
		fail_msg("got '%s'", c->warnings);
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_configs),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory_is_refused),
		cmocka_unit_test(test_default_node_id_from_hostname),
		cmocka_unit_test(test_password_is_read_and_masked),
		cmocka_unit_test(test_password_file_empty),
		cmocka_unit_test(test_example_documents_every_key),
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_value_parsers),
		cmocka_unit_test(test_reminder_values),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_text_check_and_utf8_fit),
		cmocka_unit_test(test_name_and_offset_of_one_line_warn),
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
