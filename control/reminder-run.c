/* A reminder's runs over time: planning, deadlines, clock jumps. See reminder-run.h. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>

#include "control/cramp-night.h"
#include "control/reminder-internal.h"
#include "control/reminder-local.h"

/* Deadlines handled in one step at most: repeats, a snooze, a timer and its end. */
#define ADVANCE_MAX 16

void reminder_state_init(struct reminder_state *s, int64_t now_s)
{
	*s = (struct reminder_state){ .since_s = now_s };
}

bool reminder_run_active(const struct reminder_run *run)
{
	switch (run->state) {
	case REMINDER_RUN_DUE:
	case REMINDER_RUN_SNOOZED:
	case REMINDER_RUN_TIMER:
	case REMINDER_RUN_TIME_UP:
		return true;
	case REMINDER_RUN_NONE:
	case REMINDER_RUN_CLEARED:
	case REMINDER_RUN_GIVEN_UP:
	case REMINDER_RUN_IN_BED:
	case REMINDER_RUN_MISSED:
		return false;
	}
	return false;
}

void reminder_decision_clear(struct reminder_decision *d)
{
	*d =
	    (struct reminder_decision){ .wakeup_s = REMINDER_NEVER, .next_slot_s = REMINDER_NEVER };
}

int reminder_run_id(const struct reminder_params *p, const struct reminder_run *run, char *buf,
		    size_t size)
{
	int y, m, d, n;

	if (size > 0)
		buf[0] = '\0';
	if (run->state == REMINDER_RUN_NONE && run->slot_s == 0)
		return -ENOENT;
	cramp_night_date(run->slot_day, &y, &m, &d);
	n = snprintf(buf, size, "%s%s%s-%04d%02d%02dT%02d%02d", p->id_prefix ? p->id_prefix : "",
		     p->id_prefix ? "-" : "", p->name, y, m, d, run->slot_sec / 3600,
		     run->slot_sec / 60 % 60);
	if (n < 0 || (size_t) n >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

size_t reminder_actions(const struct reminder_params *p, const struct reminder_run *run,
			enum reminder_send send, enum reminder_action *a)
{
	size_t n = 0;

	if (send == REMINDER_SEND_TIMER || send == REMINDER_SEND_TIME_UP) {
		a[n++] = REMINDER_ACTION_DONE;
		return n;
	}
	if (send != REMINDER_SEND_DUE)
		return 0;
	if (p->n_actions > 0) {
		/* As configured; snooze only while the run may still snooze. */
		for (size_t i = 0; i < p->n_actions && n < REMINDER_ACTIONS_MAX; i++)
			if (p->actions[i] != REMINDER_ACTION_SNOOZE || run->snoozes < p->snooze_max)
				a[n++] = p->actions[i];
		return n;
	}
	switch (p->kind) {
	case REMINDER_KIND_FOLLOW_UP:
		a[n++] = REMINDER_ACTION_NONE;
		a[n++] = REMINDER_ACTION_LEFT;
		a[n++] = REMINDER_ACTION_RIGHT;
		break;
	case REMINDER_KIND_TASK:
		if (p->timer_s > 0)
			a[n++] = REMINDER_ACTION_STARTED;
		a[n++] = REMINDER_ACTION_DONE;
		if (run->snoozes < p->snooze_max)
			a[n++] = REMINDER_ACTION_SNOOZE;
		if (n < REMINDER_ACTIONS_MAX)
			a[n++] = REMINDER_ACTION_SKIP;
		break;
	}
	return n;
}

struct reminder_out *reminder_push(const struct reminder_params *p, const struct reminder_run *run,
				   struct reminder_decision *d, enum reminder_send send,
				   enum reminder_record record)
{
	struct reminder_out *o;

	assert(d->n_out < REMINDER_OUT_MAX);
	o = &d->out[d->n_out++];
	*o = (struct reminder_out){
		.send = send,
		.record = record,
		.slot_s = run->slot_s,
		.attempt = run->attempt,
		.ends_s = run->ends_s,
	};
	/* Names are checked to fit (reminder_params_check()). */
	(void) reminder_run_id(p, run, o->id, sizeof(o->id));
	o->n_actions = reminder_actions(p, run, send, o->actions);
	return o;
}

int64_t reminder_anchor(const struct reminder_state *s)
{
	if (s->run.state != REMINDER_RUN_NONE && s->run.slot_s > s->since_s)
		return s->run.slot_s;
	return s->since_s;
}

/*
 * Whether @slot is one @s has not served: after its anchor, on a later day
 * than its run. That day is the run's in the zone that planned it: when the
 * zone changed since (this zone puts the run's date and wall time elsewhere: a
 * Pi on UTC set to America/Chicago after the 21:30 UTC run, 15:30 there), the
 * day numbers of the two zones do not compare, and the slot is new when it
 * comes at least REMINDER_EARLY_S after the run did: that evening's 21:30 is
 * sent, while a run at most that early stays the slot's (as a plain answer
 * takes a run at most that early).
 */
static bool slot_is_new(const struct reminder_state *s, const struct reminder_slot *slot)
{
	const struct reminder_run *run = &s->run;
	bool has_run = run->state != REMINDER_RUN_NONE || run->slot_s != 0;

	if (slot->at_s <= reminder_anchor(s))
		return false;
	if (!has_run)
		return true;
	if (reminder_local_instant(run->slot_day, run->slot_sec) == run->slot_s)
		return slot->day > run->slot_day;
	return slot->at_s - run->slot_s >= REMINDER_EARLY_S;
}

int reminder_next_slot(const struct reminder_params *p, const struct reminder_state *s,
		       int64_t now_s, struct reminder_slot *ret)
{
	int64_t anchor = reminder_anchor(s);
	struct reminder_slot next;
	int64_t after = anchor > now_s ? anchor : now_s;

	/* A schedule changed since the run may have another slot on its day: the next one. */
	for (int i = 0; i < 2; i++) {
		if (reminder_slot_next(&p->when, after, &next) < 0)
			return -ENOENT;
		if (slot_is_new(s, &next)) {
			*ret = next;
			return 0;
		}
		after = next.at_s;
	}
	return -ENOENT;
}

void reminder_plan(const struct reminder_params *p, const struct reminder_state *s, int64_t now_s,
		   struct reminder_decision *d)
{
	struct reminder_slot next;

	d->next_slot_s = REMINDER_NEVER;
	if (reminder_next_slot(p, s, now_s, &next) == 0)
		d->next_slot_s = next.at_s;
	d->wakeup_s = d->next_slot_s;
	if (reminder_run_active(&s->run) && s->run.next_s < d->wakeup_s)
		d->wakeup_s = s->run.next_s;
}

/* The longest a deadline of @run can lie ahead: its duration. */
static int64_t longest_wait(const struct reminder_params *p, const struct reminder_run *run)
{
	switch (run->state) {
	case REMINDER_RUN_SNOOZED:
		return p->snooze_s;
	case REMINDER_RUN_TIMER:
		return p->timer_s;
	case REMINDER_RUN_DUE:
	case REMINDER_RUN_TIME_UP:
	case REMINDER_RUN_NONE:
	case REMINDER_RUN_CLEARED:
	case REMINDER_RUN_GIVEN_UP:
	case REMINDER_RUN_IN_BED:
	case REMINDER_RUN_MISSED:
		break;
	}
	return p->repeat_every_s;
}

/*
 * Undoes what a wall clock set back leaves (see reminder-run.h): a first
 * start after now, a deadline further away than its duration, and a run
 * that only a clock far ahead can have made.
 */
static void after_clock_set_back(const struct reminder_params *p, struct reminder_state *s,
				 int64_t now_s, struct reminder_decision *d)
{
	struct reminder_run *run = &s->run;

	if (s->since_s > now_s)
		s->since_s = now_s;
	if (reminder_run_active(run) && run->next_s - now_s > longest_wait(p, run)) {
		run->next_s = now_s + longest_wait(p, run);
		if (run->state == REMINDER_RUN_TIMER)
			run->ends_s = run->next_s;
	}
	if (run->state == REMINDER_RUN_NONE || run->slot_s <= now_s + REMINDER_AHEAD_S)
		return;
	if (reminder_run_active(&s->run))
		reminder_push(p, &s->run, d, REMINDER_SEND_GIVEN_UP, REMINDER_RECORD_NOTHING);
	s->run = (struct reminder_run){ .state = REMINDER_RUN_NONE };
	s->since_s = now_s;
}

/* Takes an unfinished run off the phones: a new slot replaces it. */
static void end_run(const struct reminder_params *p, struct reminder_run *run,
		    struct reminder_decision *d)
{
	bool unanswered = run->state == REMINDER_RUN_DUE || run->state == REMINDER_RUN_SNOOZED;

	if (!reminder_run_active(run))
		return;
	run->state = REMINDER_RUN_GIVEN_UP;
	run->next_s = 0;
	reminder_push(p, run, d, REMINDER_SEND_GIVEN_UP,
		      unanswered ? REMINDER_RECORD_IGNORED : REMINDER_RECORD_NOTHING);
}

static void begin_slot(const struct reminder_params *p, struct reminder_state *s,
		       const struct reminder_slot *slot, int64_t now_s, int in_bed,
		       struct reminder_decision *d)
{
	struct reminder_run *run = &s->run;
	int64_t late_s = now_s - slot->at_s;

	end_run(p, run, d);
	*run = (struct reminder_run){
		.slot_day = slot->day,
		.slot_sec = slot->sec,
		.slot_s = slot->at_s,
	};
	if (late_s > p->late_by_s) {
		run->state = REMINDER_RUN_MISSED;
		reminder_push(p, run, d, REMINDER_SEND_NOTHING, REMINDER_RECORD_MISSED);
	} else if (p->skip_in_bed && in_bed > 0) {
		run->state = REMINDER_RUN_IN_BED;
		reminder_push(p, run, d, REMINDER_SEND_NOTHING, REMINDER_RECORD_IN_BED);
	} else {
		run->state = REMINDER_RUN_DUE;
		run->attempt = 1;
		run->next_s = now_s + p->repeat_every_s;
		reminder_push(p, run, d, REMINDER_SEND_DUE, REMINDER_RECORD_SENT)->late_s = late_s;
	}
}

/*
 * The run's deadlines up to @now_s, each as if met on time; only the last
 * one is sent (never a burst), and a due that would go out more than late_by
 * late, or to someone already in bed, gives up instead.
 */
static void advance(const struct reminder_params *p, struct reminder_run *run, int64_t now_s,
		    int in_bed, struct reminder_decision *d)
{
	enum reminder_send send = REMINDER_SEND_NOTHING;
	enum reminder_record record = REMINDER_RECORD_NOTHING;
	int64_t at = 0;
	bool too_late;

	for (int i = 0; i < ADVANCE_MAX && reminder_run_active(run) && run->next_s <= now_s; i++) {
		at = run->next_s;
		record = REMINDER_RECORD_NOTHING;
		if (run->state == REMINDER_RUN_SNOOZED ||
		    (run->state == REMINDER_RUN_DUE && run->repeats < p->repeat_max)) {
			run->repeats = run->state == REMINDER_RUN_SNOOZED ? 0 : run->repeats + 1;
			run->state = REMINDER_RUN_DUE;
			run->attempt++;
			run->next_s = at + p->repeat_every_s;
			send = REMINDER_SEND_DUE;
		} else if (run->state == REMINDER_RUN_DUE) {
			run->state = REMINDER_RUN_GIVEN_UP;
			run->next_s = 0;
			send = REMINDER_SEND_GIVEN_UP;
			record = REMINDER_RECORD_IGNORED;
		} else if (run->state == REMINDER_RUN_TIMER) {
			run->state = REMINDER_RUN_TIME_UP;
			run->next_s = at + p->repeat_every_s;
			send = REMINDER_SEND_TIME_UP;
		} else {
			/* TIME_UP, left unanswered: off the phones, quietly. */
			run->state = REMINDER_RUN_GIVEN_UP;
			run->next_s = 0;
			send = REMINDER_SEND_GIVEN_UP;
		}
	}
	too_late = now_s - at > p->late_by_s;
	if ((send == REMINDER_SEND_DUE && (too_late || (p->skip_in_bed && in_bed > 0))) ||
	    (send == REMINDER_SEND_TIME_UP && too_late)) {
		record =
		    send == REMINDER_SEND_DUE ? REMINDER_RECORD_IGNORED : REMINDER_RECORD_NOTHING;
		run->state = REMINDER_RUN_GIVEN_UP;
		run->next_s = 0;
		send = REMINDER_SEND_GIVEN_UP;
	}
	/* An unanswered message stays repeat_every from when it really goes out. */
	if (send == REMINDER_SEND_DUE || send == REMINDER_SEND_TIME_UP)
		run->next_s = now_s + p->repeat_every_s;
	if (send != REMINDER_SEND_NOTHING)
		reminder_push(p, run, d, send, record)->late_s =
		    send == REMINDER_SEND_DUE ? now_s - at : 0;
}

void reminder_step(const struct reminder_params *p, struct reminder_state *s, int64_t now_s,
		   int in_bed, struct reminder_decision *ret)
{
	struct reminder_slot slot;

	reminder_decision_clear(ret);
	if (s->since_s < REMINDER_CLOCK_SET_AFTER_S && now_s >= REMINDER_CLOCK_SET_AFTER_S)
		s->since_s = now_s;
	after_clock_set_back(p, s, now_s, ret);
	if (reminder_slot_last(&p->when, now_s, &slot) == 0 && slot_is_new(s, &slot))
		begin_slot(p, s, &slot, now_s, in_bed, ret);
	else
		advance(p, &s->run, now_s, in_bed, ret);
	reminder_plan(p, s, now_s, ret);
}

void reminder_end(const struct reminder_params *p, struct reminder_state *s,
		  struct reminder_decision *ret)
{
	reminder_decision_clear(ret);
	if (!reminder_run_active(&s->run))
		return;
	s->run.state = REMINDER_RUN_CLEARED;
	s->run.next_s = 0;
	reminder_push(p, &s->run, ret, REMINDER_SEND_CLEARED, REMINDER_RECORD_NOTHING);
}
