/*
 * The reminders part's pieces without a loop: the answers as they come from
 * the broker, and the events as they go out (every field, in the zone of TZ).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/reminder-command.h"
#include "daemon/reminders-internal.h"

static int parse(const char *text, struct reminder_command *c, const char **reason)
{
	return reminder_command_parse(text, strlen(text), REMINDER_KIND_TASK, c, reason);
}

static void test_plain_and_json_answers(void **state)
{
	struct reminder_command c;
	const char *reason = NULL;
	char big[600];

	(void) state;
	assert_int_equal(parse(" Done\n", &c, &reason), 0);
	assert_int_equal(c.action, REMINDER_ACTION_DONE);
	assert_false(c.has_id);
	assert_int_equal(
	    parse("{\"action\":\"snooze\",\"id\":\"bed-foot_soak-20260115T2130\"}", &c, &reason),
	    0);
	assert_int_equal(c.action, REMINDER_ACTION_SNOOZE);
	assert_true(c.has_id);
	assert_string_equal(c.id, "bed-foot_soak-20260115T2130");
	/* More keys than bedroomd reads: fine. */
	assert_int_equal(parse(" {\"action\":\"left\",\"from\":\"phone\"}", &c, &reason), 0);
	assert_int_equal(c.action, REMINDER_ACTION_LEFT);
	assert_false(c.has_id);

	assert_int_equal(parse("later", &c, &reason), -EBADMSG);
	assert_string_equal(reason, "not started, done, snooze or skip");
	assert_int_equal(parse("", &c, &reason), -EBADMSG);
	assert_int_equal(parse("{\"action\":5}", &c, &reason), -EBADMSG);
	assert_non_null(strstr(reason, "no \"action\""));
	assert_int_equal(parse("{\"id\":\"x\"}", &c, &reason), -EBADMSG);
	assert_int_equal(parse("{\"action\":\"Done\"}", &c, &reason), -EBADMSG);
	assert_int_equal(parse("{\"action\":\"done\",\"id\":\"\"}", &c, &reason), -EBADMSG);
	assert_int_equal(parse("{\"action\":\"done\",\"action\":\"skip\"}", &c, &reason), -EBADMSG);
	assert_int_equal(parse("{\"action\":\"done\"", &c, &reason), -EBADMSG);
	assert_int_equal(parse("[\"done\"]", &c, &reason), -EBADMSG);
	assert_int_equal(reminder_command_parse("do\0ne", 5, REMINDER_KIND_TASK, &c, &reason),
			 -EBADMSG);
	memset(big, ' ', sizeof(big));
	memcpy(big, "done", 4);
	assert_int_equal(reminder_command_parse(big, sizeof(big), REMINDER_KIND_TASK, &c, &reason),
			 -EMSGSIZE);
}

/*
 * A word that is no answer is told the answers its reminder takes, each of
 * them and no other (a user trial: "bogus1" to the foot soak was told "none,
 * left or right", the morning question's).
 */
static void test_a_bad_answer_lists_its_reminders_answers(void **state)
{
	static const enum reminder_kind kinds[] = { REMINDER_KIND_TASK, REMINDER_KIND_FOLLOW_UP };
	static const char *const payloads[] = { "bogus1", "{\"action\":\"bogus1\"}" };
	struct reminder_command c;

	(void) state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t p = 0; p < sizeof(payloads) / sizeof(payloads[0]); p++) {
			const char *reason = NULL;

			assert_int_equal(reminder_command_parse(payloads[p], strlen(payloads[p]),
								kinds[k], &c, &reason),
					 -EBADMSG);
			for (int a = 0; a < _REMINDER_ACTION_MAX; a++) {
				const char *name = reminder_action_to_string(a);
				bool listed = strstr(reason, name) != NULL;

				if (listed != reminder_action_fits(kinds[k], a))
					fail_msg("'%s' for kind %zu: '%s' %s", payloads[p], k,
						 reason, listed ? "listed" : "missing");
			}
		}
}

static json_t *event(const struct reminder *rem, enum reminder_send send, int64_t now)
{
	struct reminder_out o = {
		.send = send,
		.attempt = 2,
		.ends_s = now + 900,
		.n_actions = 2,
		.actions = { REMINDER_ACTION_STARTED, REMINDER_ACTION_DONE },
	};
	char *text;
	json_t *j;

	snprintf(o.id, sizeof(o.id), "bed-foot_soak-20260115T2130");
	text = reminder_event_json(rem, &o, NULL, now);
	assert_non_null(text);
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	free(text);
	return j;
}

static const char *str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static void test_event_fields(void **state)
{
	struct reminder rem = { .enabled = true };
	int64_t now = 1768509000; /* 2026-01-15 21:30 CET */
	json_t *j;

	(void) state;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	reminder_params_init(&rem.p, "foot_soak", 22 * 3600);
	j = event(&rem, REMINDER_SEND_DUE, now);
	assert_string_equal(str(j, "id"), "bed-foot_soak-20260115T2130");
	assert_string_equal(str(j, "name"), "foot_soak");
	assert_string_equal(str(j, "title"), "Warm foot soak");
	assert_string_equal(str(j, "message"), rem.p.message);
	assert_string_equal(str(j, "state"), "due");
	assert_string_equal(str(j, "time"), "2026-01-15T21:30:00+01:00");
	assert_int_equal(json_integer_value(json_object_get(j, "attempt")), 2);
	assert_true(json_is_null(json_object_get(j, "ends")));
	assert_int_equal(json_array_size(json_object_get(j, "actions")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "actions"), 0)),
			    "started");
	json_decref(j);

	j = event(&rem, REMINDER_SEND_TIMER, now);
	assert_string_equal(str(j, "state"), "timer");
	assert_string_equal(str(j, "ends"), "2026-01-15T21:45:00+01:00");
	assert_string_equal(str(j, "message"), "Started. Time's up at 21:45.");
	json_decref(j);
	j = event(&rem, REMINDER_SEND_TIME_UP, now);
	assert_string_equal(str(j, "message"), rem.p.time_up_message);
	json_decref(j);
	j = event(&rem, REMINDER_SEND_GIVEN_UP, now);
	assert_string_equal(str(j, "state"), "given_up");
	json_decref(j);
}

/* The state as the store keeps it, and back: the same run. */
static void test_state_round_trip(void **state)
{
	struct reminder rem = { .enabled = true }, back = { .enabled = true };
	struct store_reminder_state st;
	char text[16] = "asleep";

	(void) state;
	reminder_params_init(&rem.p, "foot_soak", 22 * 3600);
	rem.s = (struct reminder_state){
		.since_s = 100,
		.run = { .state = REMINDER_RUN_SNOOZED,
			 .slot_day = 20468,
			 .slot_sec = 77400,
			 .slot_s = 1768509000,
			 .attempt = 1,
			 .snoozes = 1,
			 .next_s = 1768509600,
			 .started = true },
	};
	reminder_state_to_store(&rem, &st);
	assert_string_equal(st.state, "snoozed");
	assert_int_equal(reminder_state_from_store(&back, &st), 0);
	assert_int_equal(back.s.run.state, REMINDER_RUN_SNOOZED);
	assert_int_equal(back.s.run.slot_day, 20468);
	assert_int_equal(back.s.run.slot_sec, 77400);
	assert_true(back.s.run.slot_s == 1768509000);
	assert_int_equal(back.s.run.attempt, 1);
	assert_int_equal(back.s.run.snoozes, 1);
	assert_true(back.s.run.next_s == 1768509600);
	assert_true(back.s.run.started);
	assert_false(back.s.run.done);
	assert_int_equal(back.s.since_s, 100);
	st.state = text;
	assert_int_equal(reminder_state_from_store(&back, &st), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_json_answers),
		cmocka_unit_test(test_a_bad_answer_lists_its_reminders_answers),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_state_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
