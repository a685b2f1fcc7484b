/* Answers to reminders: which run, what each does, other runs, the follow-up, parsing, defaults. */
#include "tests/unit/test-reminder-rig.h"

#define SOAK_ID      "bedroom-foot_soak-20260115T2130"
#define YESTERDAY_ID "bedroom-foot_soak-20260114T2130"

/* Watching since the morning of the 15th; the 21:30 run due, if @due. */
static void soak(const struct reminder_params *p, struct reminder_state *s, bool due,
		 struct reminder_decision *d)
{
	reminder_state_init(s, JAN15(8, 0));
	if (due)
		rig_step(p, s, JAN15(21, 30), -1, d, 1);
}

static void test_plain_and_named_answers(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	soak(&p, &s, true, &d);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(21, 31), &d),
			 REMINDER_ANSWER_APPLIED);
	assert_int_equal(d.n_out, 1);
	rig_out(&d.out[0], REMINDER_SEND_CLEARED, REMINDER_RECORD_DONE, SOAK_ID);
	/* No repeat after done. */
	assert_int_equal(d.wakeup_s, local(2026, 1, 16, 21, 30));
	rig_step(&p, &s, JAN15(21, 45), -1, &d, 0);

	soak(&p, &s, true, &d);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SKIP, SOAK_ID, JAN15(21, 31), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_CLEARED, REMINDER_RECORD_SKIPPED, SOAK_ID);
	/* Skipped, then done after all: kept; nothing on show to clear. */
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SKIP, SOAK_ID, JAN15(21, 32), &d),
			 REMINDER_ANSWER_UNCHANGED);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_STARTED, NULL, JAN15(21, 40), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_TIMER, REMINDER_RECORD_STARTED, SOAK_ID);
}

static void test_answer_for_another_run_changes_nothing(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s, before;

	(void) state;
	rig_zone("Europe/Berlin");
	soak(&p, &s, true, &d);
	before = s;
	/* Yesterday's notification, another room's, and a made-up id. */
	const char *others[] = { YESTERDAY_ID, "guest-foot_soak-20260115T2130", "", "x" };
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		assert_int_equal(
		    rig_answer(&p, &s, REMINDER_ACTION_DONE, others[i], JAN15(21, 31), &d),
		    REMINDER_ANSWER_OTHER_RUN);
		assert_int_equal(d.n_out, 0);
		assert_memory_equal(&s, &before, sizeof(s));
		assert_int_equal(d.wakeup_s, JAN15(21, 45));
	}
	/* Before any run, an id names nothing. */
	soak(&p, &s, false, &d);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, SOAK_ID, JAN15(20, 0), &d),
			 REMINDER_ANSWER_OTHER_RUN);
}

static void test_unchanged_and_refused(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	soak(&p, &s, true, &d);
	rig_answer(&p, &s, REMINDER_ACTION_STARTED, NULL, JAN15(21, 31), &d);
	/* The second phone's "started" while the timer runs; a snooze during it. */
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_STARTED, SOAK_ID, JAN15(21, 32), &d),
			 REMINDER_ANSWER_UNCHANGED);
	assert_int_equal(d.n_out, 0);
	assert_int_equal(d.wakeup_s, JAN15(21, 46));
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, JAN15(21, 33), &d),
			 REMINDER_ANSWER_REFUSED);
	rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(21, 40), &d);
	/* Done twice (two phones, or the Home Assistant button too). */
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, SOAK_ID, JAN15(21, 41), &d),
			 REMINDER_ANSWER_UNCHANGED);
	assert_int_equal(d.n_out, 0);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SKIP, NULL, JAN15(21, 42), &d),
			 REMINDER_ANSWER_UNCHANGED);
}

static void test_answer_ahead_of_the_run(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	/* The Home Assistant button at 20:00: tonight's run is done, never sent. */
	soak(&p, &s, false, &d);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(20, 0), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_DONE, SOAK_ID);
	assert_int_equal(d.wakeup_s, local(2026, 1, 16, 21, 30));
	rig_step(&p, &s, JAN15(21, 30), -1, &d, 0);
	/* Started early: the phones show the timer. */
	soak(&p, &s, false, &d);
	rig_answer(&p, &s, REMINDER_ACTION_STARTED, NULL, JAN15(21, 0), &d);
	rig_out(&d.out[0], REMINDER_SEND_TIMER, REMINDER_RECORD_STARTED, SOAK_ID);
	rig_step(&p, &s, JAN15(21, 15), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_TIME_UP, REMINDER_RECORD_NOTHING, SOAK_ID);
	rig_step(&p, &s, JAN15(21, 30), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_NOTHING, SOAK_ID);
	/* Nothing to snooze ahead of time. */
	soak(&p, &s, false, &d);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, JAN15(21, 0), &d),
			 REMINDER_ANSWER_NO_RUN);
	/* Too far ahead (more than 12 h): no run. */
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(9, 0), &d),
			 REMINDER_ANSWER_NO_RUN);
	assert_int_equal(d.n_out, 0);
}

static void test_plain_answer_goes_to_the_nearer_run(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	soak(&p, &s, true, &d);
	rig_step(&p, &s, JAN15(21, 45), -1, &d, 1);
	rig_step(&p, &s, JAN15(22, 0), -1, &d, 1); /* given up */
	/* At 23:00 and at 09:00 the next morning: the given-up run, done late. */
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(23, 0), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_DONE, SOAK_ID);
	assert_int_equal(
	    rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, local(2026, 1, 16, 9, 0), &d),
	    REMINDER_ANSWER_UNCHANGED);
	/* At 10:00 still last night's: a morning tap must not silence the evening's reminder. */
	assert_int_equal(
	    rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, local(2026, 1, 16, 10, 0), &d),
	    REMINDER_ANSWER_UNCHANGED);
	/* 16 h after it and 4 h before the next: neither. */
	assert_int_equal(
	    rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, local(2026, 1, 16, 15, 0), &d),
	    REMINDER_ANSWER_NO_RUN);
	/* At 18:00 the evening's, early: then it is never sent. */
	assert_int_equal(
	    rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, local(2026, 1, 16, 18, 0), &d),
	    REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_DONE,
		"bedroom-foot_soak-20260116T2130");
	/* Mondays only: on a Wednesday nothing is near. */
	p.when.days = REMINDER_DAY_BIT(0);
	soak(&p, &s, false, &d);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(12, 0), &d),
			 REMINDER_ANSWER_NO_RUN);
}

static void test_morning_follow_up(void **state)
{
	struct reminder_params p = rig_params("morning");
	struct reminder_decision d;
	struct reminder_state s;
	const char *reason = NULL;

	(void) state;
	rig_zone("Europe/Berlin");
	assert_int_equal(p.kind, REMINDER_KIND_FOLLOW_UP);
	assert_int_equal(reminder_params_check(&p, NULL), 0);
	reminder_state_init(&s, JAN15(0, 0));
	rig_step(&p, &s, JAN15(8, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT,
		"bedroom-morning-20260115T0800");
	assert_int_equal(d.out[0].n_actions, 3);
	assert_int_equal(d.out[0].actions[0], REMINDER_ACTION_NONE);
	assert_int_equal(d.out[0].actions[1], REMINDER_ACTION_LEFT);
	assert_int_equal(d.out[0].actions[2], REMINDER_ACTION_RIGHT);
	/* A task's answer is not one here; nothing changes. */
	struct reminder_answer done = { .action = REMINDER_ACTION_DONE };
	assert_int_equal(reminder_answer(&p, &s, &done, JAN15(8, 5), &d, &reason), -EINVAL);
	assert_non_null(reason);
	assert_int_equal(d.n_out, 0);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_LEFT, NULL, JAN15(8, 5), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_CLEARED, REMINDER_RECORD_CRAMP_LEFT, NULL);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_NONE, NULL, JAN15(8, 6), &d),
			 REMINDER_ANSWER_UNCHANGED);
	/* Unanswered: the question stays all morning, asked once. */
	reminder_state_init(&s, JAN15(0, 0));
	rig_step(&p, &s, JAN15(8, 0), -1, &d, 1);
	rig_step(&p, &s, JAN15(12, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_IGNORED, NULL);
	/* A cramp-free night said at 07:30: recorded, not asked. */
	reminder_state_init(&s, JAN15(0, 0));
	rig_answer(&p, &s, REMINDER_ACTION_NONE, NULL, JAN15(7, 30), &d);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_NO_CRAMP, NULL);
	rig_step(&p, &s, JAN15(8, 0), -1, &d, 0);
	/* A leg said at 03:00, in the night: that morning's question, not refused. */
	reminder_state_init(&s, JAN15(0, 0));
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_LEFT, NULL, JAN15(3, 0), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_CRAMP_LEFT,
		"bedroom-morning-20260115T0800");

	/* And a leg is no answer to a foot soak. */
	p = rig_params("foot_soak");
	struct reminder_answer left = { .action = REMINDER_ACTION_LEFT };
	assert_int_equal(reminder_answer(&p, &s, &left, JAN15(8, 5), &d, NULL), -EINVAL);
}

static void test_parse_plain_text(void **state)
{
	static const char *const ok[] = { "done", " Done\n", "SNOOZE", "started",
					  "skip", "none",    "left",   "right\r\n" };
	static const enum reminder_action want[] = {
		REMINDER_ACTION_DONE,    REMINDER_ACTION_DONE,  REMINDER_ACTION_SNOOZE,
		REMINDER_ACTION_STARTED, REMINDER_ACTION_SKIP,  REMINDER_ACTION_NONE,
		REMINDER_ACTION_LEFT,    REMINDER_ACTION_RIGHT,
	};
	static const char *const bad[] = { "", "  ", "finished", "done!",
					   "{\"action\": \"done\"}" };
	enum reminder_action a;
	const char *reason;
	char big[80];

	(void) state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(reminder_action_parse(ok[i], strlen(ok[i]), &a, &reason), 0);
		assert_int_equal(a, want[i]);
		assert_null(reason);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(reminder_action_parse(bad[i], strlen(bad[i]), &a, &reason),
				 -EBADMSG);
		assert_non_null(reason);
	}
	assert_int_equal(reminder_action_parse("do\0ne", 5, &a, NULL), -EBADMSG);
	/* An empty MQTT payload, as libmosquitto gives it (UBSan checks the pointer arithmetic). */
	assert_int_equal(reminder_action_parse(NULL, 0, &a, NULL), -EBADMSG);
	memset(big, ' ', sizeof(big));
	memcpy(big, "done", 4);
	assert_int_equal(reminder_action_parse(big, sizeof(big), &a, &reason), -EMSGSIZE);
	assert_string_equal(reason, "payload too large");
	/* The names, both ways. */
	for (int i = 0; i < _REMINDER_ACTION_MAX; i++) {
		assert_int_equal(reminder_action_from_string(
				     reminder_action_to_string((enum reminder_action) i), &a),
				 0);
		assert_int_equal(a, i);
	}
	assert_int_equal(reminder_action_from_string("Done", &a), -EINVAL);
	assert_int_equal(reminder_action_from_string(NULL, &a), -EINVAL);
	assert_string_equal(reminder_send_to_string(REMINDER_SEND_TIME_UP), "time_up");
	assert_string_equal(reminder_send_to_string(REMINDER_SEND_GIVEN_UP), "given_up");
	assert_null(reminder_send_to_string(REMINDER_SEND_NOTHING));
	assert_string_equal(reminder_record_to_string(REMINDER_RECORD_IGNORED), "ignored");
	assert_string_equal(reminder_record_to_string(REMINDER_RECORD_CRAMP_RIGHT), "cramp_right");
}

static void test_defaults_and_checks(void **state)
{
	struct reminder_params p;
	const char *reason;

	(void) state;
	reminder_params_init(&p, "foot_soak", NIGHT);
	assert_int_equal(reminder_params_check(&p, NULL), 0);
	assert_int_equal(p.timer_s, 15 * MIN);
	assert_int_equal(p.snooze_s, 10 * MIN);
	assert_int_equal(p.snooze_max, 3);
	assert_int_equal(p.late_by_s, HOUR);
	assert_false(p.skip_in_bed);
	assert_int_equal(p.when.kind, REMINDER_WHEN_BEFORE_NIGHT);
	assert_int_equal(reminder_when_time_of_day(&p.when), 21 * HOUR + 30 * MIN);
	assert_non_null(strstr(p.message, "40–45 °C"));
	assert_non_null(strstr(p.message, "15 minutes"));
	assert_non_null(strstr(p.message, "Achilles"));
	reminder_params_init(&p, "stretch", NIGHT);
	assert_int_equal(p.timer_s, 0);
	assert_non_null(strstr(p.message, "twenty times"));
	assert_int_equal(reminder_params_check(&p, NULL), 0);
	/* Any other needs its own words. */
	reminder_params_init(&p, "magnesium", NIGHT);
	assert_int_equal(reminder_params_check(&p, &reason), -EINVAL);
	assert_string_equal(reason, "a message is needed");
	p.message = "Magnesium with a glass of water.";
	assert_int_equal(reminder_params_check(&p, &reason), 0);
	assert_null(reason);
	assert_string_equal(p.title, "magnesium"); /* its name: not one "Reminder" for each */
	p.name = "Foot Soak";
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
	p.name = "magnesium";
	p.id_prefix = "bed|room";
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
	p.id_prefix = "bedroom-2";
	p.timer_s = 4 * HOUR + 1;
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
	p.timer_s = 0;
	p.repeat_max = 11;
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
	p.repeat_max = 0;
	p.when.days = 0;
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
}

/* A reminder that is not sent still takes its answers, from 4 h before to 16 h after its time. */
static void test_quiet_reminder_takes_answers(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	p.timer_s = 0; /* not sent: no timer either (the daemon's rule) */
	reminder_state_init(&s, JAN15(23, 0));
	/* 23:00, just after its 21:30: that is tonight's run. */
	reminder_quiet_slot(&p, &s, JAN15(23, 0));
	assert_int_equal(s.run.state, REMINDER_RUN_MISSED);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(23, 0), &d),
			 REMINDER_ANSWER_APPLIED);
	assert_int_equal(d.n_out, 1);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_DONE,
		"bedroom-foot_soak-20260115T2130");
	/* Again that night: the same run, done already. */
	reminder_quiet_slot(&p, &s, JAN15(23, 30));
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(23, 30), &d),
			 REMINDER_ANSWER_UNCHANGED);
	/* 10:00 the next day: still last night's, done already. */
	reminder_quiet_slot(&p, &s, local(2026, 1, 16, 10, 0));
	assert_int_equal(
	    rig_answer(&p, &s, REMINDER_ACTION_STARTED, NULL, local(2026, 1, 16, 10, 0), &d),
	    REMINDER_ANSWER_UNCHANGED);
	/* 19:00: tonight's, 2.5 h early. */
	reminder_quiet_slot(&p, &s, local(2026, 1, 16, 19, 0));
	assert_int_equal(
	    rig_answer(&p, &s, REMINDER_ACTION_STARTED, NULL, local(2026, 1, 16, 19, 0), &d),
	    REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_STARTED,
		"bedroom-foot_soak-20260116T2130");
}

/*
 * A power cut in the night: the Pi starts at 1970 and the morning question's
 * run (08:00, on the phone) is what the store held. The answer "left" comes
 * before NTP: it is taken at the run's time, so its cramp is that night's,
 * never dropped. With no run known, at the (wrong) time of this machine.
 */
static void test_answer_on_an_unset_clock(void **state)
{
	struct reminder_params p = rig_params("morning");
	struct reminder_decision d;
	struct reminder_state s;
	int64_t at = 0;

	(void) state;
	rig_zone("Europe/Berlin");
	reminder_state_init(&s, JAN15(0, 0));
	assert_int_equal(reminder_answer_time(&s, 3600, &at), -ENODATA);
	assert_true(at == 3600);
	rig_step(&p, &s, JAN15(8, 0), -1, &d, 1);
	assert_int_equal(reminder_answer_time(&s, 3600, &at), 0);
	assert_true(at == JAN15(8, 0));
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_LEFT, NULL, at, &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_CLEARED, REMINDER_RECORD_CRAMP_LEFT, NULL);
	/* A set clock is taken as it is. */
	assert_int_equal(reminder_answer_time(&s, JAN15(9, 0), &at), 0);
	assert_true(at == JAN15(9, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_on_an_unset_clock),
		cmocka_unit_test(test_plain_and_named_answers),
		cmocka_unit_test(test_answer_for_another_run_changes_nothing),
		cmocka_unit_test(test_unchanged_and_refused),
		cmocka_unit_test(test_answer_ahead_of_the_run),
		cmocka_unit_test(test_plain_answer_goes_to_the_nearer_run),
		cmocka_unit_test(test_morning_follow_up),
		cmocka_unit_test(test_parse_plain_text),
		cmocka_unit_test(test_defaults_and_checks),
		cmocka_unit_test(test_quiet_reminder_takes_answers),
	};

	rig_zone("Europe/Berlin");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
