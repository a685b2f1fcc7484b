/* Answers to a reminder's runs: which run an answer is for, and what it does. */
#include <errno.h>
#include <string.h>

#include "control/reminder-internal.h"

static int64_t distance(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

/*
 * Points @s->run at the run @a is for; a plain answer may open the next
 * slot's run early (not sent, and never sent once answered). Returns
 * REMINDER_ANSWER_APPLIED when there is one, else the result and *ret_reason.
 */
static int pick_run(const struct reminder_params *p, struct reminder_state *s,
		    const struct reminder_answer *a, int64_t now_s, const char **ret_reason)
{
	/*
	 * A task answered early is never sent, so not from the morning before; the
	 * morning question ("any cramps last night?") may be answered in the night.
	 */
	int64_t early = p->kind == REMINDER_KIND_FOLLOW_UP ? REMINDER_AHEAD_S : REMINDER_EARLY_S;
	struct reminder_slot next;
	bool have_last, have_next;

	if (a->id) {
		char id[REMINDER_ID_MAX];

		if (reminder_run_id(p, &s->run, id, sizeof(id)) < 0 || strcmp(id, a->id) != 0) {
			*ret_reason = "it names another run than the current one";
			return REMINDER_ANSWER_OTHER_RUN;
		}
		return REMINDER_ANSWER_APPLIED;
	}
	if (reminder_run_active(&s->run))
		return REMINDER_ANSWER_APPLIED;
	have_last = s->run.state != REMINDER_RUN_NONE && now_s - s->run.slot_s <= REMINDER_LATE_S &&
		    s->run.slot_s - now_s <= REMINDER_AHEAD_S;
	have_next = a->action != REMINDER_ACTION_SNOOZE &&
		    reminder_next_slot(p, s, now_s, &next) == 0 && next.at_s - now_s <= early;
	if (have_next && (!have_last || next.at_s - now_s < distance(now_s, s->run.slot_s))) {
		s->run = (struct reminder_run){
			.state = REMINDER_RUN_NONE,
			.slot_day = next.day,
			.slot_sec = next.sec,
			.slot_s = next.at_s,
		};
		return REMINDER_ANSWER_APPLIED;
	}
	if (have_last)
		return REMINDER_ANSWER_APPLIED;
	*ret_reason =
	    a->action == REMINDER_ACTION_SNOOZE ? "nothing to snooze" : "no run of it is near now";
	return REMINDER_ANSWER_NO_RUN;
}

static enum reminder_record record_of(enum reminder_action a)
{
	switch (a) {
	case REMINDER_ACTION_NONE:
		return REMINDER_RECORD_NO_CRAMP;
	case REMINDER_ACTION_LEFT:
		return REMINDER_RECORD_CRAMP_LEFT;
	case REMINDER_ACTION_RIGHT:
		return REMINDER_RECORD_CRAMP_RIGHT;
	case REMINDER_ACTION_STARTED:
		return REMINDER_RECORD_STARTED;
	case REMINDER_ACTION_SNOOZE:
		return REMINDER_RECORD_SNOOZED;
	case REMINDER_ACTION_SKIP:
		return REMINDER_RECORD_SKIPPED;
	case REMINDER_ACTION_DONE:
	case _REMINDER_ACTION_MAX:
		break;
	}
	return REMINDER_RECORD_DONE;
}

/* Over: nothing more to send; CLEARED takes the notification off if it is on show. */
static void finish(const struct reminder_params *p, struct reminder_run *run, bool on_show,
		   enum reminder_record record, struct reminder_decision *d)
{
	run->state = REMINDER_RUN_CLEARED;
	run->next_s = 0;
	reminder_push(p, run, d, on_show ? REMINDER_SEND_CLEARED : REMINDER_SEND_NOTHING, record);
}

static int apply(const struct reminder_params *p, struct reminder_run *run, enum reminder_action a,
		 int64_t now_s, struct reminder_decision *d, const char **ret_reason)
{
	bool on_show = reminder_run_active(run);
	bool timing = run->state == REMINDER_RUN_TIMER || run->state == REMINDER_RUN_TIME_UP;
	bool waiting = run->state == REMINDER_RUN_DUE || run->state == REMINDER_RUN_SNOOZED;

	if (run->done) {
		*ret_reason = "it is done already";
		return REMINDER_ANSWER_UNCHANGED;
	}
	switch (a) {
	case REMINDER_ACTION_STARTED:
		if (timing || (run->state == REMINDER_RUN_CLEARED && run->started)) {
			*ret_reason = "it is started already";
			return REMINDER_ANSWER_UNCHANGED;
		}
		run->started = true;
		run->skipped = false;
		if (p->timer_s == 0) {
			finish(p, run, on_show, REMINDER_RECORD_STARTED, d);
			break;
		}
		run->state = REMINDER_RUN_TIMER;
		run->ends_s = now_s + p->timer_s;
		run->next_s = run->ends_s;
		reminder_push(p, run, d, REMINDER_SEND_TIMER, REMINDER_RECORD_STARTED);
		break;
	case REMINDER_ACTION_SNOOZE:
		/* Ended by "started" without a timer, or skipped: as "done" already is. */
		if (run->state == REMINDER_RUN_CLEARED) {
			*ret_reason = "it is over already";
			return REMINDER_ANSWER_UNCHANGED;
		}
		/* A double tap, or a button's press sent again: one snooze, not two. */
		if (run->state == REMINDER_RUN_SNOOZED) {
			*ret_reason = "it is snoozed already";
			return REMINDER_ANSWER_UNCHANGED;
		}
		if (!waiting || run->snoozes >= p->snooze_max) {
			*ret_reason =
			    waiting ? "it was snoozed as often as allowed" : "nothing to snooze";
			return REMINDER_ANSWER_REFUSED;
		}
		run->snoozes++;
		run->state = REMINDER_RUN_SNOOZED;
		run->next_s = now_s + p->snooze_s;
		reminder_push(p, run, d, REMINDER_SEND_NOTHING, REMINDER_RECORD_SNOOZED);
		break;
	case REMINDER_ACTION_SKIP:
		if (run->state == REMINDER_RUN_CLEARED) {
			*ret_reason = "it is over already";
			return REMINDER_ANSWER_UNCHANGED;
		}
		run->skipped = true;
		finish(p, run, on_show, REMINDER_RECORD_SKIPPED, d);
		break;
	case REMINDER_ACTION_DONE:
	case REMINDER_ACTION_NONE:
	case REMINDER_ACTION_LEFT:
	case REMINDER_ACTION_RIGHT:
	case _REMINDER_ACTION_MAX:
		run->done = true;
		run->skipped = false;
		finish(p, run, on_show, record_of(a), d);
		break;
	}
	return REMINDER_ANSWER_APPLIED;
}

int reminder_answer(const struct reminder_params *p, struct reminder_state *s,
		    const struct reminder_answer *a, int64_t now_s, struct reminder_decision *ret,
		    const char **ret_reason)
{
	const char *reason = NULL;
	int r;

	reminder_decision_clear(ret);
	if (!reminder_action_fits(p->kind, a->action)) {
		r = -EINVAL;
		reason = p->kind == REMINDER_KIND_TASK ? "not an answer to a task reminder "
							 "(started, done, snooze, skip)"
						       : "not an answer to the morning question "
							 "(none, left, right, snooze, skip)";
		goto out;
	}
	r = pick_run(p, s, a, now_s, &reason);
	if (r == REMINDER_ANSWER_APPLIED)
		r = apply(p, &s->run, a->action, now_s, ret, &reason);
out:
	reminder_plan(p, s, now_s, ret);
	if (ret_reason)
		*ret_reason = reason;
	return r;
}

void reminder_quiet_slot(const struct reminder_params *p, struct reminder_state *s, int64_t now_s)
{
	struct reminder_slot last;

	if (reminder_slot_last(&p->when, now_s, &last) < 0 || last.at_s <= s->run.slot_s)
		return;
	s->run = (struct reminder_run){
		.state = REMINDER_RUN_MISSED,
		.slot_day = last.day,
		.slot_sec = last.sec,
		.slot_s = last.at_s,
	};
}

int reminder_answer_time(const struct reminder_state *s, int64_t now_s, int64_t *ret_s)
{
	*ret_s = now_s;
	if (now_s >= REMINDER_CLOCK_SET_AFTER_S)
		return 0;
	if (s->run.state == REMINDER_RUN_NONE || s->run.slot_s < REMINDER_CLOCK_SET_AFTER_S)
		return -ENODATA;
	*ret_s = s->run.slot_s;
	return 0;
}
