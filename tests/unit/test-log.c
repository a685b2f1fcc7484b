/* The journal's lines: text quoted from the network cannot forge or garble one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "tests/unit/stderr-capture.h"

static void test_escape_keeps_text_and_utf8(void **state)
{
	char out[64];

	(void) state;
	log_escape("heating: floor 18.5 °C, “quoted” ✓", out, sizeof(out));
	assert_string_equal(out, "heating: floor 18.5 °C, “quoted” ✓");
	log_escape("", out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_escape_controls_and_bad_bytes(void **state)
{
	char out[128];

	(void) state;
	log_escape("calf\n<0>bedroomd: store lost\r\x1b[2J\x7f", out, sizeof(out));
	assert_string_equal(out, "calf\\x0a<0>bedroomd: store lost\\x0d\\x1b[2J\\x7f");
	/* Latin-1, an overlong '/', a surrogate, a character cut in half */
	log_escape("w\xe4rme \xc0\xaf \xed\xa0\x80 \xe2\x9c", out, sizeof(out));
	assert_string_equal(out, "w\\xe4rme \\xc0\\xaf \\xed\\xa0\\x80 \\xe2\\x9c");
}

static void test_escape_cuts_whole_pieces(void **state)
{
	char out[8], shorter[6];

	(void) state;
	log_escape("abc\x01zzzz", out, sizeof(out));
	assert_string_equal(out, "abc\\x01");
	log_escape("abc\x01zzzz", shorter, sizeof(shorter));
	assert_string_equal(shorter, "abc"); /* \x01 would not fit whole */
	log_escape("ab°°°", out, sizeof(out));
	assert_string_equal(out, "ab°°"); /* never half a character */
}

static void warn_with_newline(void *arg)
{
	(void) arg;
	log_warning("ignoring a cramp report: site '%s'", "calf\n<0>forged line");
}

static void test_a_line_stays_one_line(void **state)
{
	char *log;

	(void) state;
	log = stderr_captured(warn_with_newline, NULL);
	assert_string_equal(log,
			    "bedroomd: warning: ignoring a cramp report: site 'calf\\x0a<0>forged "
			    "line'\n");
	free(log);
}

static void test_excerpt_of_a_payload(void **state)
{
	char buf[12];

	(void) state;
	assert_string_equal(log_excerpt("abc", 3, buf, sizeof(buf)), "abc");
	assert_string_equal(log_excerpt("not a number at all", 19, buf, sizeof(buf)),
			    "not a nu...");
	assert_string_equal(log_excerpt("ab\0cd", 5, buf, sizeof(buf)), "ab...");
	assert_string_equal(log_excerpt("", 0, buf, sizeof(buf)), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_keeps_text_and_utf8),
		cmocka_unit_test(test_escape_controls_and_bad_bytes),
		cmocka_unit_test(test_escape_cuts_whole_pieces),
		cmocka_unit_test(test_a_line_stays_one_line),
		cmocka_unit_test(test_excerpt_of_a_payload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
