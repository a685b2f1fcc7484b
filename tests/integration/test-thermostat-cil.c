/*
 * bedroomd-thermostat-cil, the daemon's path from a reading to a decision in a
 * pipe: it reads bedroomd.conf with the daemon's parser (and refuses what the
 * daemon refuses), answers one line per line, and its readings pass the
 * sensor's checks as the daemon's do.
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

#include "tests/integration/harness.h"

/* Writes @text to a new temporary file, its path in @path. */
static void write_file(char *path, size_t size, const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, size, "%s/bedroomd-cil-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/*
 * Runs the program with @config (NULL: none) on @input; returns its exit
 * status, what it wrote in *ret_output (stdout only unless @with_stderr).
 */
static int cil(const char *config, const char *input, bool with_stderr, char **ret_output)
{
	char in[256], cmd[1024];
	const char *args[] = { "-c", cmd, NULL };
	int r;

	write_file(in, sizeof(in), input);
	snprintf(cmd, sizeof(cmd), "TZ=UTC '%s' %s%s%s < '%s' %s", getenv("THERMOSTAT_CIL"),
		 config ? "--config '" : "", config ? config : "", config ? "'" : "", in,
		 with_stderr ? "2>&1" : "2>/dev/null");
	r = run_program("/bin/sh", args, ret_output);
	unlink(in);
	return r;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* 1700000000 is 22:13 UTC: night. One answer a line; the heater on while cold. */
static void test_answers_each_line_through_the_checks(void **state)
{
	char conf[256], *out = NULL;

	(void) state;
	write_file(conf, sizeof(conf),
		   "[heating]\nfloor = 18\nmin_on = 0\nmin_off = 0\n"
		   "[sensor.air]\ntype = mqtt\ntopic = x\nmax_rate = 1\n");
	/* cold: on; a jump no room makes is refused, still on; warm: off; junk: off */
	assert_int_equal(cil(conf,
			     "1700000000 17.0\n1700000060 25.0\n1700000120 17.1\n"
			     "1700000180 18.0\n1700000240 18.6\n1700000300 19.2\n"
			     "1700000360 19.8\n1700000420 20.4\n1700000480 21.0\n"
			     "1700000540 21.6\n1700000600 22.2\njunk\n",
			     false, &out),
			 0);
	assert_int_equal(lines(out), 12);
	assert_int_equal(strncmp(out, "on\non\non\n", 9), 0);
	assert_string_equal(out + strlen(out) - 8, "off\noff\n");
	free(out);
	assert_int_equal(cil(conf, "1700000000 17.0\n1700000060 25.0\njunk\n", true, &out), 0);
	assert_non_null(strstr(out, "stdin:2: the sensor's checks refuse 25.000 °C (jump)"));
	assert_non_null(strstr(out, "stdin:3: expected '<unix_time_s> <temp_c>'"));
	free(out);
	unlink(conf);
}

/* Without a config: a DS18B20 with the daemon's defaults, whose 85 °C is its power-on value. */
static void test_default_thermometer_is_a_ds18b20(void **state)
{
	char *out = NULL;

	(void) state;
	assert_int_equal(cil(NULL, "1700000000 85.0\n1700000060 17.0\n", true, &out), 0);
	assert_non_null(strstr(out, "(power_on)"));
	assert_non_null(strstr(out, "off\n"));
	assert_non_null(strstr(out, "on\n"));
	free(out);
}

/* What the daemon refuses, it refuses: with the daemon's message and EX_CONFIG. */
static void test_refuses_what_the_daemon_refuses(void **state)
{
	char conf[256], *out = NULL;

	(void) state;
	write_file(conf, sizeof(conf), "[heating]\nfloor = 18\nstale = 300s\n");
	assert_int_equal(cil(conf, "", true, &out), 78);
	assert_non_null(strstr(out, ":3: unknown key 'stale' in [heating]"));
	free(out);
	unlink(conf);
	assert_int_equal(cil("/nonexistent/bedroomd.conf", "", true, &out), 78);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_each_line_through_the_checks),
		cmocka_unit_test(test_default_thermometer_is_a_ds18b20),
		cmocka_unit_test(test_refuses_what_the_daemon_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
