/*
 * `bedroomctl status --json`: one JSON document on one line, with the state
 * as the daemon retained it (a user trial: 0.08 came out as
 * 0.080000000000000002), and nothing a terminal takes as an escape sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/bedroomctl/status-json.h"

/* What status_print_json() writes for @availability and @state. */
static char *json_of(const char *availability, const char *state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	assert_int_equal(status_print_json(out, availability, state), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void expect(const char *availability, const char *state, const char *want)
{
	char *out = json_of(availability, state);

	if (strcmp(out, want) != 0)
		fail_msg("status --json said:\n%s\nnot:\n%s", out, want);
	free(out);
}

static void test_numbers_are_as_retained(void **state)
{
	(void) state;
	expect("online", "{\"margin_c\":0.08,\"temperature\":18.1,\"cramps_7d\":2}",
	       "{\"availability\":\"online\",\"state\":{\"margin_c\":0.08,\"temperature\":18.1,"
	       "\"cramps_7d\":2}}\n");
	/* Written another way: as they came all the same. */
	expect("online", "{\"a\":18.10,\"b\":1e-3,\"c\":-0.0}",
	       "{\"availability\":\"online\",\"state\":{\"a\":18.10,\"b\":1e-3,\"c\":-0.0}}\n");
}

static void test_none_retained_is_null(void **state)
{
	(void) state;
	expect(NULL, NULL, "{\"availability\":null,\"state\":null}\n");
	expect("offline", NULL, "{\"availability\":\"offline\",\"state\":null}\n");
}

/* Another program's payload on the topic, not JSON: a string, escaped when not UTF-8. */
static void test_state_not_json_is_a_string(void **state)
{
	(void) state;
	expect("online", "hello\n", "{\"availability\":\"online\",\"state\":\"hello\\n\"}\n");
	expect("online", "w\xe4rme", "{\"availability\":\"online\",\"state\":\"w\\\\xe4rme\"}\n");
}

/*
 * One line a program reads, and a terminal may show: a pretty-printed state
 * is joined, and what a terminal takes as a control character (DEL, C1 such
 * as U+009B, a CSI) is a \u escape, which says the same in JSON.
 */
static void test_one_line_without_control_characters(void **state)
{
	char *out = json_of("online\x1b[2J", " {\n  \"a\": [1,\r\n 2],\n  \"b\": \"x\xc2\x9b"
					     "31m\x7f\\u001b\xc3\xa4\"\n}\n");
	json_t *j = json_loads(out, 0, NULL);

	(void) state;
	if (!j || strchr(out, '\n') != out + strlen(out) - 1 || strchr(out, '\x1b') ||
	    strchr(out, '\x7f') || strstr(out, "\xc2\x9b"))
		fail_msg("not one clean line of JSON:\n%s", out);
	assert_string_equal(json_string_value(json_object_get(j, "availability")), "online\x1b[2J");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "state"), "b")),
			    "x\xc2\x9b"
			    "31m\x7f\x1b\xc3\xa4");
	json_decref(j);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_are_as_retained),
		cmocka_unit_test(test_none_retained_is_null),
		cmocka_unit_test(test_state_not_json_is_a_string),
		cmocka_unit_test(test_one_line_without_control_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
