/*
 * `bedroomctl status` in words: what anyone who may publish retained under
 * <base>/state and <base>/availability reaches the terminal escaped, never as
 * an escape sequence; bedroomd's own words as they are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/bedroomctl/status-text.h"

/* What status_print_text() writes for @availability and @state. */
static char *status_of(const char *availability, const char *state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	assert_int_equal(status_print_text(out, availability, state), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void test_escape_sequences_are_shown_escaped(void **state)
{
	/* A title change, a screen clear and a CSI in C1, in every kind of place. */
	char *out = status_of(
	    "online\x1b[2J",
	    "{\"node_id\": \"bed\\u001b]0;owned\\u0007\", \"temperature\": 18.5,"
	    " \"sensors\": {\"a\\u001b[31m\": {\"temperature\": 18.5, \"status\": \"ok\\u009b\"}},"
	    " \"alerts\": [{\"kind\": \"stale\", \"message\": \"line\\nbreak\\u001b[1A\"}]}");

	if (strchr(out, '\x1b') || strchr(out, '\x07') || strstr(out, "\xc2\x9b"))
		fail_msg("a control character reached the terminal:\n%s", out);
	assert_non_null(strstr(out, "bedroomd bed\\x1b]0;owned\\x07: online\\x1b[2J\n"));
	assert_non_null(strstr(out, "(a\\x1b[31m 18.50 °C ok\\u009b)"));
	assert_non_null(strstr(out, "stale: line\\nbreak\\x1b[1A\n"));
	free(out);
}

static void test_bedroomd_words_are_unchanged(void **state)
{
	char *out = status_of("online", "{\"node_id\": \"schlafzimmer\", \"version\": \"0.1.0\","
					" \"sensors\": {\"wärme\": {\"status\": \"ok\"}},"
					" \"store\": {\"status\": \"ok\"}, \"alerts\": []}");

	assert_non_null(strstr(out, "bedroomd schlafzimmer 0.1.0: online\n"));
	assert_non_null(strstr(out, "(wärme ok)\n"));
	assert_non_null(strstr(out, "\nstore      ok\n"));
	assert_non_null(strstr(out, "\nalerts     none\n"));
	free(out);
}

/* A stopped bedroomd's retained state is its last word, not the room now. */
static void test_offline_says_the_state_is_old(void **state)
{
	const char *st = "{\"node_id\": \"bed\", \"store\": {\"status\": \"ok\"}}";
	char *out = status_of("offline", st);

	(void) state;
	assert_non_null(strstr(out, ": offline\nits last state before it went offline"));
	free(out);
	out = status_of("online", st);
	assert_null(strstr(out, "its last state"));
	free(out);
}

/*
 * A count bedroomd does not know (its store failed to open) is said to be
 * unknown, with why; never left out, as if there were no cramps to count.
 */
static void test_unknown_cramp_count_is_said(void **state)
{
	char *out = status_of(
	    "online",
	    "{\"node_id\": \"bed\", \"cramps_7d\": null,"
	    " \"last_cramp\": \"2026-12-03T03:03:12+01:00\","
	    " \"store\": {\"status\": \"failed\", \"error\": \"written by a newer bedroomd\"}}");

	(void) state;
	if (!strstr(out, "\ncramps     unknown in the last 7 days (the store failed: written by a "
			 "newer bedroomd); last 2026-12-03T03:03:12+01:00\n"))
		fail_msg("the unknown count is not said:\n%s", out);
	free(out);
	/* No reason in the state: unknown all the same. */
	out = status_of("online", "{\"cramps_7d\": null, \"store\": {\"status\": \"ok\"}}");
	assert_non_null(strstr(out, "\ncramps     unknown in the last 7 days\n"));
	free(out);
	/* A bedroomd that says nothing of cramps: nothing guessed. */
	out = status_of("online", "{\"store\": {\"status\": \"ok\"}}");
	assert_null(strstr(out, "cramps"));
	free(out);
	out = status_of("online", "{\"cramps_7d\": 2}");
	assert_non_null(strstr(out, "\ncramps     2 in the last 7 days\n"));
	free(out);
}

/*
 * A plug's word that is neither on nor off (a Tasmota's "AUS") is said, not
 * "nothing yet" (a user trial: the word was only in the journal); its error
 * to a command comes after what it says of its relay.
 */
static void test_plug_word_is_said(void **state)
{
	char *out = status_of(
	    "online", "{\"action\": \"idle\", \"heaters\": {"
		      "\"tas\": {\"on\": false, \"power\": null, \"relay\": null,"
		      " \"said\": {\"kind\": \"state\", \"word\": \"AUS\"},"
		      " \"state\": \"unconfirmed\"},"
		      " \"sh\": {\"on\": true, \"relay\": \"on\", \"said\": {\"kind\": \"error\","
		      " \"word\": \"Invalid id\", \"code\": -103}, \"state\": \"pending\"},"
		      " \"new\": {\"on\": false, \"relay\": null, \"said\": null,"
		      " \"state\": \"unknown\"}}}");

	(void) state;
	if (!strstr(out, "\nheater     tas: told off, plug said 'AUS', not on or off "
			 "(unconfirmed)\n"))
		fail_msg("the plug's word is not said:\n%s", out);
	if (!strstr(out, "\nheater     sh: told on, plug says on, and refused the last command "
			 "(error -103 'Invalid id') (pending)\n"))
		fail_msg("the plug's error is not said:\n%s", out);
	assert_non_null(
	    strstr(out, "\nheater     new: told off, plug says nothing yet (unknown)\n"));
	free(out);
}

/*
 * Every plug offline while heat is wanted (a user trial read "idle (heating)"
 * as a contradiction, and "plug says on" of a plug that is gone).
 */
static void test_heat_wanted_with_no_plug_is_said(void **state)
{
	char *out = status_of("online", "{\"action\": \"idle\", \"heating_reason\": \"heating\","
					" \"heaters\": {\"tas\": {\"on\": true, \"relay\": \"on\","
					" \"said\": null, \"state\": \"offline\"}}}");

	(void) state;
	if (!strstr(out, "heating    idle (wants heat, but no heater gives heat: see below)\n"))
		fail_msg("want heat wanted and none given:\n%s", out);
	if (!strstr(out, "\nheater     tas: told on, plug last said on (offline)\n"))
		fail_msg("want what the offline plug last said:\n%s", out);
	free(out);
}

/*
 * A reminder's run is said in words: "(none)" (no run yet) was shown
 * unexplained in a user trial, and is left out now.
 */
static void test_reminder_run_is_said(void **state)
{
	char *out = status_of(
	    "online",
	    "{\"reminders\": {"
	    "\"foot_soak\": {\"next\": \"2026-12-06T21:30:00+00:00\", \"state\": \"none\","
	    " \"id\": null, \"attempt\": 0, \"ends\": null},"
	    " \"stretch\": {\"next\": \"2026-12-06T21:45:00+00:00\", \"state\": \"timer\","
	    " \"ends\": \"2026-12-06T21:40:00+00:00\"},"
	    " \"morning\": {\"next\": \"2026-12-07T08:00:00+00:00\", \"state\": \"given_up\"},"
	    " \"new\": {\"next\": null, \"state\": \"someday\"}}}");

	(void) state;
	if (!strstr(out, "\nreminder   foot_soak: next 2026-12-06T21:30:00+00:00\n") ||
	    !strstr(out, "\nreminder   stretch: next 2026-12-06T21:45:00+00:00 (started, its timer "
			 "running until 2026-12-06T21:40:00+00:00)\n") ||
	    !strstr(out, "\nreminder   morning: next 2026-12-07T08:00:00+00:00 (the last one given "
			 "up unanswered)\n") ||
	    !strstr(out, "\nreminder   new: next none (its run: someday)\n"))
		fail_msg("the reminders' runs are not said:\n%s", out);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_sequences_are_shown_escaped),
		cmocka_unit_test(test_bedroomd_words_are_unchanged),
		cmocka_unit_test(test_offline_says_the_state_is_old),
		cmocka_unit_test(test_unknown_cramp_count_is_said),
		cmocka_unit_test(test_plug_word_is_said),
		cmocka_unit_test(test_heat_wanted_with_no_plug_is_said),
		cmocka_unit_test(test_reminder_run_is_said),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
