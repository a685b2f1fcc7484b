/* A reminder's runs: due, repeats, snoozes, the timer, restarts, late runs, clock jumps. */
#include "tests/unit/test-reminder-rig.h"

#define SOAK_ID "bedroom-foot_soak-20260115T2130"

/* A foot soak reminder watched since noon on the 14th, stepped to its due on the 15th. */
static void due_at_2130(const struct reminder_params *p, struct reminder_state *s,
			struct reminder_decision *d)
{
	reminder_state_init(s, local(2026, 1, 14, 12, 0));
	s->run = (struct reminder_run){ .state = REMINDER_RUN_CLEARED,
					.slot_s = local(2026, 1, 14, 21, 30) };
	rig_step(p, s, JAN15(12, 0), -1, d, 0);
	assert_int_equal(d->wakeup_s, JAN15(21, 30));
	rig_step(p, s, JAN15(21, 30), -1, d, 1);
	rig_out(&d->out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT, SOAK_ID);
}

static void test_due_on_time(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	due_at_2130(&p, &s, &d);
	assert_int_equal(d.out[0].attempt, 1);
	assert_int_equal(d.out[0].late_s, 0);
	assert_int_equal(d.out[0].slot_s, JAN15(21, 30));
	assert_int_equal(d.out[0].n_actions, 3);
	assert_int_equal(d.out[0].actions[0], REMINDER_ACTION_STARTED);
	assert_int_equal(d.out[0].actions[1], REMINDER_ACTION_DONE);
	assert_int_equal(d.out[0].actions[2], REMINDER_ACTION_SNOOZE);
	assert_int_equal(d.wakeup_s, JAN15(21, 45));
	assert_int_equal(d.next_slot_s, local(2026, 1, 16, 21, 30));
	/* Woken early or twice: nothing. */
	rig_step(&p, &s, JAN15(21, 40), -1, &d, 0);
	rig_step(&p, &s, JAN15(21, 40), -1, &d, 0);
}

static void test_repeat_then_give_up(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	due_at_2130(&p, &s, &d);
	rig_step(&p, &s, JAN15(21, 45), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_NOTHING, SOAK_ID);
	assert_int_equal(d.out[0].attempt, 2);
	assert_int_equal(d.wakeup_s, JAN15(22, 0));
	/* repeat_max (1) reached: quietly off the phones, recorded as ignored. */
	rig_step(&p, &s, JAN15(22, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_IGNORED, SOAK_ID);
	assert_int_equal(d.wakeup_s, local(2026, 1, 16, 21, 30));
	rig_step(&p, &s, JAN15(23, 0), -1, &d, 0);

	/* Three repeats: four dues, then given up. */
	unsigned dues = 0;
	p.repeat_max = 3;
	due_at_2130(&p, &s, &d);
	for (int64_t t = d.wakeup_s; s.run.state == REMINDER_RUN_DUE; t = d.wakeup_s) {
		reminder_step(&p, &s, t, -1, &d);
		assert_int_equal(d.n_out, 1);
		dues += d.out[0].send == REMINDER_SEND_DUE;
	}
	assert_int_equal(dues, 3);
	assert_int_equal(s.run.attempt, 4);
	assert_int_equal(s.run.state, REMINDER_RUN_GIVEN_UP);
}

static void test_snooze_bounds(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;
	int64_t t = JAN15(21, 30);

	(void) state;
	rig_zone("Europe/Berlin");
	due_at_2130(&p, &s, &d);
	for (unsigned n = 1; n <= p.snooze_max; n++) {
		t += MIN;
		assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, t, &d),
				 REMINDER_ANSWER_APPLIED);
		rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_SNOOZED, SOAK_ID);
		assert_int_equal(d.wakeup_s, t + 10 * MIN);
		/* The same tap again (a double tap, a press sent twice): one snooze. */
		assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, t + 1, &d),
				 REMINDER_ANSWER_UNCHANGED);
		assert_int_equal(d.n_out, 0);
		t += 10 * MIN;
		rig_step(&p, &s, t, -1, &d, 1);
		rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_NOTHING, SOAK_ID);
		assert_int_equal(d.out[0].attempt, 1 + n);
		/* The last due offers no snooze: skip instead. */
		assert_int_equal(d.out[0].actions[2],
				 n < p.snooze_max ? REMINDER_ACTION_SNOOZE : REMINDER_ACTION_SKIP);
	}
	struct reminder_state before = s;
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, t + MIN, &d),
			 REMINDER_ANSWER_REFUSED);
	assert_int_equal(d.n_out, 0);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(d.wakeup_s, t + 15 * MIN);

	/* The duration's bounds: 1 s (tests and the demo run in seconds) to 2 h. */
	p.snooze_s = 0;
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
	p.snooze_s = 1;
	assert_int_equal(reminder_params_check(&p, NULL), 0);
	p.snooze_s = 2 * HOUR;
	assert_int_equal(reminder_params_check(&p, NULL), 0);
	p.snooze_s = 2 * HOUR + 1;
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
}

static void test_snooze_restarts_the_repeats(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	due_at_2130(&p, &s, &d);
	rig_step(&p, &s, JAN15(21, 45), -1, &d, 1); /* the one repeat */
	rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, JAN15(21, 46), &d);
	rig_step(&p, &s, JAN15(21, 56), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_NOTHING, NULL);
	/* Someone answered: the repeat comes again before it gives up. */
	rig_step(&p, &s, JAN15(22, 11), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_NOTHING, NULL);
	assert_int_equal(d.out[0].attempt, 4);
	rig_step(&p, &s, JAN15(22, 26), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_IGNORED, NULL);
}

static void test_timer(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	due_at_2130(&p, &s, &d);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_STARTED, SOAK_ID, JAN15(21, 32), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_TIMER, REMINDER_RECORD_STARTED, SOAK_ID);
	assert_int_equal(d.out[0].ends_s, JAN15(21, 47));
	assert_int_equal(d.out[0].n_actions, 1);
	assert_int_equal(d.out[0].actions[0], REMINDER_ACTION_DONE);
	/* No repeat while the feet are in the water. */
	assert_int_equal(d.wakeup_s, JAN15(21, 47));
	rig_step(&p, &s, JAN15(21, 45), -1, &d, 0);
	rig_step(&p, &s, JAN15(21, 47), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_TIME_UP, REMINDER_RECORD_NOTHING, SOAK_ID);
	assert_int_equal(d.out[0].ends_s, JAN15(21, 47));
	assert_int_equal(d.out[0].actions[0], REMINDER_ACTION_DONE);
	assert_int_equal(d.wakeup_s, JAN15(22, 2));
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(21, 50), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_CLEARED, REMINDER_RECORD_DONE, SOAK_ID);
	assert_int_equal(d.wakeup_s, local(2026, 1, 16, 21, 30));

	/* Time's up, nobody answers: off the phones after repeat_every; started stays recorded. */
	due_at_2130(&p, &s, &d);
	rig_answer(&p, &s, REMINDER_ACTION_STARTED, NULL, JAN15(21, 30), &d);
	rig_step(&p, &s, JAN15(21, 45), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_TIME_UP, REMINDER_RECORD_NOTHING, NULL);
	rig_step(&p, &s, JAN15(22, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_NOTHING, NULL);
}

static void test_started_without_timer(void **state)
{
	struct reminder_params p = rig_params("stretch");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	reminder_state_init(&s, JAN15(12, 0));
	rig_step(&p, &s, JAN15(21, 45), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT,
		"bedroom-stretch-20260115T2145");
	/* No timer: done, snooze, skip. */
	assert_int_equal(d.out[0].n_actions, 3);
	assert_int_equal(d.out[0].actions[0], REMINDER_ACTION_DONE);
	rig_answer(&p, &s, REMINDER_ACTION_STARTED, NULL, JAN15(21, 46), &d);
	rig_out(&d.out[0], REMINDER_SEND_CLEARED, REMINDER_RECORD_STARTED, NULL);
	/* Over, as after "done": a snooze changes nothing (a user trial: it was refused). */
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, JAN15(21, 47), &d),
			 REMINDER_ANSWER_UNCHANGED);
	/* Done later is still worth keeping; the phones have nothing to clear. */
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(21, 55), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_DONE, NULL);
}

static void test_restart_mid_snooze(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d, d2;
	struct reminder_state s, saved, restored;
	unsigned char disk[sizeof(saved)];

	(void) state;
	rig_zone("Europe/Berlin");
	due_at_2130(&p, &s, &d);
	rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, JAN15(21, 33), &d);
	assert_int_equal(d.wakeup_s, JAN15(21, 43));
	/* Saved as plain bytes, read back by the next daemon. */
	saved = s;
	memcpy(disk, &saved, sizeof(disk));
	memcpy(&restored, disk, sizeof(restored));
	rig_step(&p, &restored, JAN15(21, 38), -1, &d2, 0);
	assert_int_equal(d2.wakeup_s, JAN15(21, 43));
	/* The snooze ends as it would have: the same run, the next attempt. */
	rig_step(&p, &restored, JAN15(21, 43), -1, &d2, 1);
	rig_step(&p, &s, JAN15(21, 43), -1, &d, 1);
	rig_out(&d2.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_NOTHING, SOAK_ID);
	assert_memory_equal(&d.out[0], &d2.out[0], sizeof(d.out[0]));
	assert_int_equal(d2.out[0].attempt, 2);
	assert_int_equal(restored.run.snoozes, 1);

	/* Down while the snooze ended: sent once when back, then nothing more. */
	restored = saved;
	rig_step(&p, &restored, JAN15(21, 50), -1, &d2, 1);
	rig_out(&d2.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_NOTHING, SOAK_ID);
	assert_int_equal(d2.out[0].late_s, 7 * MIN);
	assert_int_equal(d2.wakeup_s, JAN15(22, 5)); /* repeat_every from when it went out */
	rig_step(&p, &restored, JAN15(21, 50), -1, &d2, 0);
	/* Down until it is too late for it: given up, not sent. */
	restored = saved;
	rig_step(&p, &restored, JAN15(23, 0), -1, &d2, 1);
	rig_out(&d2.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_IGNORED, SOAK_ID);

	/* Restarted during the timer: time's up still comes, at its time. */
	rig_answer(&p, &s, REMINDER_ACTION_STARTED, NULL, JAN15(21, 44), &d);
	restored = s;
	rig_step(&p, &restored, JAN15(21, 50), -1, &d2, 0);
	assert_int_equal(d2.wakeup_s, JAN15(21, 59));
	rig_step(&p, &restored, JAN15(22, 10), -1, &d2, 1);
	rig_out(&d2.out[0], REMINDER_SEND_TIME_UP, REMINDER_RECORD_NOTHING, SOAK_ID);
}

static void test_late_by(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s, saved;

	(void) state;
	rig_zone("Europe/Berlin");
	reminder_state_init(&s, local(2026, 1, 14, 12, 0));
	s.run = (struct reminder_run){ .state = REMINDER_RUN_CLEARED,
				       .slot_s = local(2026, 1, 14, 21, 30) };
	saved = s;
	/* Down over 21:30, back 45 min later: sent once, late. */
	rig_step(&p, &s, JAN15(22, 15), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT, SOAK_ID);
	assert_int_equal(d.out[0].late_s, 45 * MIN);
	rig_step(&p, &s, JAN15(22, 15), -1, &d, 0);
	/* Back 75 min later: recorded as missed, nothing sent, tomorrow as usual. */
	s = saved;
	rig_step(&p, &s, JAN15(22, 45), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_MISSED, SOAK_ID);
	assert_int_equal(d.wakeup_s, local(2026, 1, 16, 21, 30));
	rig_step(&p, &s, local(2026, 1, 16, 21, 30), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT,
		"bedroom-foot_soak-20260116T2130");
	/* Down for days: the newest slot only, never a burst. */
	s = saved;
	rig_step(&p, &s, local(2026, 1, 19, 12, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_MISSED,
		"bedroom-foot_soak-20260118T2130");
	/* A snooze's end or a time's up more than late_by ago is not sent, even with time to spare.
	 */
	p.repeat_every_s = 2 * HOUR;
	due_at_2130(&p, &s, &d);
	rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, JAN15(21, 33), &d);
	rig_step(&p, &s, JAN15(23, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_IGNORED, SOAK_ID);
	due_at_2130(&p, &s, &d);
	rig_answer(&p, &s, REMINDER_ACTION_STARTED, NULL, JAN15(21, 32), &d);
	rig_step(&p, &s, JAN15(22, 50), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_NOTHING, SOAK_ID);
	p.repeat_every_s = 15 * MIN;
	/* late_by = 0: only on time. */
	s = saved;
	p.late_by_s = 0;
	rig_step(&p, &s, JAN15(21, 31), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_MISSED, SOAK_ID);
}

static void test_new_reminder_starts_with_its_next_slot(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	/* Added at 21:40: not due for tonight's 21:30. */
	reminder_state_init(&s, JAN15(21, 40));
	rig_step(&p, &s, JAN15(21, 40), -1, &d, 0);
	assert_int_equal(d.wakeup_s, local(2026, 1, 16, 21, 30));
	assert_int_equal(d.next_slot_s, local(2026, 1, 16, 21, 30));
}

static void test_clock_jumps_forward(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s, saved;

	(void) state;
	rig_zone("Europe/Berlin");
	reminder_state_init(&s, JAN15(11, 0));
	rig_step(&p, &s, JAN15(12, 0), -1, &d, 0);
	saved = s;
	/* NTP sets the clock ten minutes past the slot: sent once, late. */
	rig_step(&p, &s, JAN15(21, 40), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT, SOAK_ID);
	assert_int_equal(d.out[0].late_s, 10 * MIN);
	rig_step(&p, &s, JAN15(21, 41), -1, &d, 0);
	/* A jump of days: one run, the newest, and missed; none of the others. */
	s = saved;
	rig_step(&p, &s, local(2026, 1, 20, 9, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_MISSED,
		"bedroom-foot_soak-20260119T2130");
	assert_int_equal(d.wakeup_s, local(2026, 1, 20, 21, 30));

	/* Snoozed, then the clock jumps past the snooze's end: due now. */
	due_at_2130(&p, &s, &d);
	rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, JAN15(21, 33), &d);
	saved = s;
	rig_step(&p, &s, JAN15(21, 50), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_NOTHING, SOAK_ID);
	/* Far past it: too late to send; given up. */
	s = saved;
	rig_step(&p, &s, JAN15(23, 30), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_IGNORED, SOAK_ID);
}

static void test_clock_jumps_backward(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	/* Sent at 21:30, then the clock goes back an hour: not again, and no hour's wait. */
	due_at_2130(&p, &s, &d);
	rig_step(&p, &s, JAN15(20, 30), -1, &d, 0);
	assert_int_equal(d.wakeup_s, JAN15(20, 45));
	rig_step(&p, &s, JAN15(20, 45), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_NOTHING, SOAK_ID);
	assert_int_equal(d.out[0].attempt, 2);
	rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(20, 50), &d);
	rig_step(&p, &s, JAN15(21, 30), -1, &d, 0);
	assert_int_equal(d.wakeup_s, local(2026, 1, 16, 21, 30));

	/* Snoozed, clock back an hour: the snooze still lasts 10 minutes at most. */
	due_at_2130(&p, &s, &d);
	rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, JAN15(21, 33), &d);
	rig_step(&p, &s, JAN15(20, 35), -1, &d, 0);
	assert_int_equal(d.wakeup_s, JAN15(20, 45));

	/* The clock was a day ahead when it fired: off the phones, and tonight as usual. */
	reminder_state_init(&s, local(2026, 1, 16, 12, 0));
	rig_step(&p, &s, local(2026, 1, 16, 21, 30), -1, &d, 1);
	rig_step(&p, &s, JAN15(8, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_NOTHING,
		"bedroom-foot_soak-20260116T2130");
	assert_int_equal(d.wakeup_s, JAN15(21, 30));
	rig_step(&p, &s, JAN15(21, 30), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT, SOAK_ID);

	/* First started on a clock an hour fast: tonight's slot is still its own. */
	reminder_state_init(&s, JAN15(21, 35));
	rig_step(&p, &s, JAN15(21, 35), -1, &d, 0);
	rig_step(&p, &s, JAN15(20, 35), -1, &d, 0);
	assert_int_equal(d.wakeup_s, JAN15(21, 30));
	rig_step(&p, &s, JAN15(21, 30), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT, SOAK_ID);
}

static void test_skip_in_bed(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s, fresh;

	(void) state;
	rig_zone("Europe/Berlin");
	p.skip_in_bed = true;
	reminder_state_init(&fresh, JAN15(12, 0));
	s = fresh;
	rig_step(&p, &s, JAN15(21, 30), 1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_NOTHING, REMINDER_RECORD_IN_BED, SOAK_ID);
	assert_int_equal(d.wakeup_s, local(2026, 1, 16, 21, 30));
	/* Out of bed, or nobody knows: sent. */
	s = fresh;
	rig_step(&p, &s, JAN15(21, 30), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT, SOAK_ID);
	/* Gone to bed without answering: no repeat, it gives up. */
	rig_step(&p, &s, JAN15(21, 45), 1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_IGNORED, SOAK_ID);
	/* Without skip_in_bed, in bed changes nothing. */
	p.skip_in_bed = false;
	s = fresh;
	rig_step(&p, &s, JAN15(21, 30), 1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT, SOAK_ID);
}

static void test_next_slot_replaces_an_open_run(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	p.repeat_every_s = 6 * HOUR;
	p.repeat_max = 10;
	due_at_2130(&p, &s, &d);
	while (d.wakeup_s < local(2026, 1, 16, 21, 30))
		rig_step(&p, &s, d.wakeup_s, -1, &d, 1);
	rig_step(&p, &s, d.wakeup_s, -1, &d, 2);
	rig_out(&d.out[0], REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_IGNORED, SOAK_ID);
	rig_out(&d.out[1], REMINDER_SEND_DUE, REMINDER_RECORD_SENT,
		"bedroom-foot_soak-20260116T2130");
}

static void test_id_keeps_the_wall_time_asked_for(void **state)
{
	struct reminder_params p = rig_params("late_one");
	struct reminder_decision d;
	struct reminder_state s;
	char id[REMINDER_ID_MAX];

	(void) state;
	rig_zone("Europe/Berlin");
	p.message = "Something at 02:30.";
	p.when.at_s = 2 * HOUR + 30 * MIN;
	p.id_prefix = NULL;
	reminder_state_init(&s, local(2026, 3, 28, 12, 0));
	/* Spring forward: due at 03:00 CEST, named 02:30. */
	rig_step(&p, &s, local(2026, 3, 29, 3, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT, "late_one-20260329T0230");
	assert_int_equal(reminder_run_id(&p, &s.run, id, sizeof(id)), 0);
	assert_string_equal(id, "late_one-20260329T0230");
	assert_int_equal(reminder_run_id(&p, &s.run, id, 10), -ENOSPC);
	assert_string_equal(id, "");
	reminder_state_init(&s, 0);
	assert_int_equal(reminder_run_id(&p, &s.run, id, sizeof(id)), -ENOENT);
}

/* A reminder switched off or removed mid-run: cleared off the phones, nothing recorded. */
static void test_end_clears_the_run_on_show(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	due_at_2130(&p, &s, &d);
	reminder_end(&p, &s, &d);
	assert_int_equal(d.n_out, 1);
	rig_out(&d.out[0], REMINDER_SEND_CLEARED, REMINDER_RECORD_NOTHING, SOAK_ID);
	assert_int_equal(s.run.state, REMINDER_RUN_CLEARED);
	reminder_end(&p, &s, &d); /* once */
	assert_int_equal(d.n_out, 0);
}

/*
 * Started while the wall clock was not set (1970 on a Pi without an RTC): once
 * it is, the reminder counts from then, and does not claim the 21:30 that passed
 * before it was set (no due half an hour late, no "missed").
 */
static void test_since_an_unset_clock_counts_from_the_set_clock(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	reminder_state_init(&s, 120);
	rig_step(&p, &s, JAN15(22, 0), -1, &d, 0);
	assert_int_equal(s.since_s, JAN15(22, 0));
	assert_int_equal(d.next_slot_s, local(2026, 1, 16, 21, 30));
	rig_step(&p, &s, local(2026, 1, 16, 21, 30), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT,
		"bedroom-foot_soak-20260116T2130");
}

/* A schedule changed after today's run (a reload: 21:30 becomes 22:00) next fires tomorrow. */
static void test_a_day_is_served_once(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	due_at_2130(&p, &s, &d);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(21, 35), &d),
			 REMINDER_ANSWER_APPLIED);
	p.when.kind = REMINDER_WHEN_AT;
	p.when.at_s = 22 * HOUR;
	rig_step(&p, &s, JAN15(21, 40), -1, &d, 0);
	assert_int_equal(d.next_slot_s, local(2026, 1, 16, 22, 0));
	rig_step(&p, &s, JAN15(22, 0), -1, &d, 0);
	rig_step(&p, &s, JAN15(23, 0), -1, &d, 0);
	rig_step(&p, &s, local(2026, 1, 16, 22, 0), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT,
		"bedroom-foot_soak-20260116T2200");
}

/*
 * The time zone set after the day's run (a Pi on UTC sent the 21:30 UTC foot
 * soak, 15:30 in Chicago; then timedatectl set-timezone America/Chicago): that
 * evening's 21:30 CST comes all the same. The local day numbers of the two
 * zones do not compare: the run's date is the 5th in both.
 */
static void test_a_new_time_zone_keeps_that_evenings_run(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;
	int64_t utc_2130, cst_2130;

	(void) state;
	rig_zone("UTC");
	utc_2130 = local(2026, 12, 5, 21, 30);
	reminder_state_init(&s, local(2026, 12, 5, 12, 0));
	rig_step(&p, &s, utc_2130 + 5, -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT,
		"bedroom-foot_soak-20261205T2130");
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, utc_2130 + 10 * MIN, &d),
			 REMINDER_ANSWER_APPLIED);
	rig_zone("America/Chicago");
	cst_2130 = local(2026, 12, 5, 21, 30);
	assert_int_equal(cst_2130 - utc_2130, 6 * HOUR);
	rig_step(&p, &s, utc_2130 + 15 * MIN, -1, &d, 0);
	assert_int_equal(d.next_slot_s, cst_2130);
	rig_step(&p, &s, cst_2130, -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT,
		"bedroom-foot_soak-20261205T2130");
	assert_int_equal(d.out[0].late_s, 0);
	assert_int_equal(d.next_slot_s, local(2026, 12, 6, 21, 30));
}

/*
 * A zone set an hour west after the day's run (Berlin to London at 21:00
 * GMT, 22:00 CET, after the 21:30 CET run) does not send it again at 21:30
 * GMT, an hour after it came: the next one is tomorrow's.
 */
static void test_a_zone_an_hour_west_does_not_repeat_the_run(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	due_at_2130(&p, &s, &d);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_DONE, NULL, JAN15(21, 35), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_zone("Europe/London");
	rig_step(&p, &s, JAN15(21, 0), -1, &d, 0);
	assert_int_equal(d.next_slot_s, local(2026, 1, 16, 21, 30));
	rig_step(&p, &s, JAN15(21, 30), -1, &d, 0);
	rig_step(&p, &s, local(2026, 1, 16, 21, 30), -1, &d, 1);
	rig_out(&d.out[0], REMINDER_SEND_DUE, REMINDER_RECORD_SENT,
		"bedroom-foot_soak-20260116T2130");
}

/* The buttons as configured: in order, snooze only while the run may snooze. */
static void test_configured_actions(void **state)
{
	struct reminder_params p = rig_params("foot_soak");
	struct reminder_decision d;
	struct reminder_state s;

	(void) state;
	rig_zone("Europe/Berlin");
	p.n_actions = 2;
	p.actions[0] = REMINDER_ACTION_SNOOZE;
	p.actions[1] = REMINDER_ACTION_DONE;
	p.snooze_max = 1;
	assert_int_equal(reminder_params_check(&p, NULL), 0);
	due_at_2130(&p, &s, &d);
	assert_int_equal(d.out[0].n_actions, 2);
	assert_int_equal(d.out[0].actions[0], REMINDER_ACTION_SNOOZE);
	assert_int_equal(d.out[0].actions[1], REMINDER_ACTION_DONE);
	assert_int_equal(rig_answer(&p, &s, REMINDER_ACTION_SNOOZE, NULL, JAN15(21, 31), &d),
			 REMINDER_ANSWER_APPLIED);
	rig_step(&p, &s, JAN15(21, 41), -1, &d, 1);
	assert_int_equal(d.out[0].n_actions, 1);
	assert_int_equal(d.out[0].actions[0], REMINDER_ACTION_DONE);
	/* A follow-up answer, a repeat or a fourth is refused. */
	p.actions[1] = REMINDER_ACTION_LEFT;
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
	p.actions[1] = REMINDER_ACTION_SNOOZE;
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
	p.n_actions = 4;
	assert_int_equal(reminder_params_check(&p, NULL), -EINVAL);
}

static void test_run_state_names(void **state)
{
	enum reminder_run_state st;
	char text[64];

	(void) state;
	for (int i = REMINDER_RUN_NONE; i <= REMINDER_RUN_MISSED; i++) {
		const char *name = reminder_run_state_to_string((enum reminder_run_state) i);

		assert_non_null(name);
		assert_int_equal(reminder_run_state_from_string(name, &st), 0);
		assert_int_equal(st, i);
	}
	assert_int_equal(reminder_run_state_from_string("asleep", &st), -EINVAL);
	assert_int_equal(reminder_timer_text(21, 47, text, sizeof(text)), 0);
	assert_string_equal(text, "Started. Time's up at 21:47.");
	assert_int_equal(reminder_timer_text(21, 47, text, 8), -ENOSPC);
	assert_true(reminder_name_is_follow_up("morning"));
	assert_false(reminder_name_is_follow_up("foot_soak"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_on_time),
		cmocka_unit_test(test_repeat_then_give_up),
		cmocka_unit_test(test_snooze_bounds),
		cmocka_unit_test(test_snooze_restarts_the_repeats),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_started_without_timer),
		cmocka_unit_test(test_restart_mid_snooze),
		cmocka_unit_test(test_late_by),
		cmocka_unit_test(test_new_reminder_starts_with_its_next_slot),
		cmocka_unit_test(test_clock_jumps_forward),
		cmocka_unit_test(test_clock_jumps_backward),
		cmocka_unit_test(test_skip_in_bed),
		cmocka_unit_test(test_next_slot_replaces_an_open_run),
		cmocka_unit_test(test_id_keeps_the_wall_time_asked_for),
		cmocka_unit_test(test_a_day_is_served_once),
		cmocka_unit_test(test_a_new_time_zone_keeps_that_evenings_run),
		cmocka_unit_test(test_a_zone_an_hour_west_does_not_repeat_the_run),
		cmocka_unit_test(test_since_an_unset_clock_counts_from_the_set_clock),
		cmocka_unit_test(test_end_clears_the_run_on_show),
		cmocka_unit_test(test_configured_actions),
		cmocka_unit_test(test_run_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
