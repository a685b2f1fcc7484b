#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/clock-set.h"
#include "control/reminder-defaults.h"
#include "control/reminder-schedule.h"

/*
 * A reminder's runs: one per slot of its schedule, from due to the answer.
 * Pure: the parameters, the state and the time (Unix seconds) in, the state
 * updated and a decision out (messages to send, what to record, when to call
 * again). No clock, no I/O, no globals; local time only through
 * control/reminder-local.h. The state is a plain struct without pointers:
 * the daemon saves it after every call and restores it at start, so a restart
 * in the middle of a snooze neither repeats nor loses anything.
 *
 * A run's life:
 *   due ──(nobody answers)──> due again every repeat_every, repeat_max times,
 *        then given_up (quietly: the phones take the notification off)
 *   due ──snooze──> (snooze later) due again, with the next attempt; at most
 *        snooze_max times
 *   due ──started──> timer ──(timer later)──> time_up ──(repeat_every later)──> given_up
 *        (no timer: started ends the run: cleared)
 *   due, timer, time_up ──done──> cleared;   due ──skip──> cleared
 * Every message of a run carries its id: <id_prefix>-<name>-<YYYYMMDD>T<HHMM>
 * of the slot's local date and the wall time asked for, so a restart or a
 * repeat reproduces it and the phone replaces or clears its notification.
 *
 * Planning (reminder_step()):
 * - A slot is served once: the newest run's slot and every one before it
 *   never fire again, wherever the wall clock goes. A day is served once
 *   too: a schedule changed later that day (a reload moving 21:30 to 22:00
 *   after the 21:30 run) next fires on a later day. A day is the run's in the
 *   zone that planned it: after a change of time zone (a Pi on UTC set to
 *   America/Chicago after the 21:30 UTC run, 15:30 there) a slot is new when
 *   it comes at least REMINDER_EARLY_S after the run did, so that evening's
 *   21:30 CST still comes, and a zone an hour west does not repeat the run.
 * - When slots passed unserved (the daemon was down, or the wall clock jumped
 *   forwards: a Pi without an RTC gets NTP late), only the newest of them
 *   counts: it is sent, once, if it is at most late_by late, else recorded as
 *   missed. The older ones are not reported: never a burst.
 * - The state knows since when the reminder exists: slots before its first
 *   start are not its own (a reminder added at 22:00 does not fire for 21:30).
 * - A message more than late_by late is never sent; an unanswered run that
 *   would be due again that late gives up instead.
 * - The wall clock may jump (a Pi without an RTC gets NTP late, someone sets
 *   it by hand); the daemon calls reminder_step() when it does. Slots are
 *   re-planned from the new time. The run's deadlines are wall-clock times
 *   too: one a jump forwards left behind is late and follows the rules above;
 *   one a jump backwards put further away than its duration (snooze, timer,
 *   repeat_every) is brought back to now plus that duration. A snooze never
 *   lasts longer than asked; a jump forwards can only shorten it.
 * - The state from before a jump backwards: the first start is brought back
 *   to now; a run whose slot lies more than REMINDER_AHEAD_S after now can
 *   only come from a clock that was ahead, and is dropped (taken off the
 *   phones if on show) with planning restarting from now. Within
 *   REMINDER_AHEAD_S it counts as served: a clock an hour fast that fired
 *   21:30 at 20:30 does not fire it again at 21:30. This needs a wall clock
 *   that never starts behind the saved state: systemd-timesyncd (or
 *   fake-hwclock) starts it at the last time it knew; the daemon should not
 *   step reminders on a clock that is still at its build date.
 *
 * Answers (reminder_answer()): started, done, snooze, skip for a task; none,
 * left, right (and snooze, skip) for the morning follow-up. A plain answer
 * (no id) is for the run on show; with none on show, for the nearer of the
 * newest run, up to REMINDER_LATE_S after it ("done" at 10:00 for last
 * night's), and the next slot, up to REMINDER_EARLY_S before it (the morning
 * follow-up: REMINDER_AHEAD_S): "done" pressed at 20:00 answers the 21:30
 * run, which then is never sent, but a tap in the morning does not silence
 * the evening's reminder. An answer naming a
 * run by id is for that run only if it is the newest one.
 */

#define REMINDER_NAME_MAX      32
#define REMINDER_ID_PREFIX_MAX 64
#define REMINDER_ID_MAX        (REMINDER_ID_PREFIX_MAX + REMINDER_NAME_MAX + 24)
#define REMINDER_ACTIONS_MAX   3 /* Android shows no more buttons */
#define REMINDER_OUT_MAX       2
#define REMINDER_AHEAD_S       ((int64_t) 12 * 3600)
#define REMINDER_EARLY_S       ((int64_t) 4 * 3600)  /* a plain answer takes a run this early */
#define REMINDER_LATE_S        ((int64_t) 16 * 3600) /* ... and this late */
#define REMINDER_NEVER         INT64_MAX

enum reminder_kind {
	REMINDER_KIND_TASK,      /* foot soak, stretch, any other: started / done / snooze / skip */
	REMINDER_KIND_FOLLOW_UP, /* the morning "any cramps last night?": none / left / right */
};

/*
 * started, done, snooze, skip (a task); none (no cramp last night), left,
 * right (a cramp in that leg), snooze, skip (the follow-up): REMINDER_ACTIONS
 * of control/reminder-defaults.h, in its order.
 */
#define REMINDER_ACTION_ENUM_(id, name, task, follow_up) REMINDER_ACTION_##id,
enum reminder_action { REMINDER_ACTIONS(REMINDER_ACTION_ENUM_) _REMINDER_ACTION_MAX };
#undef REMINDER_ACTION_ENUM_

/* Parameters; reminder_params_init() fills the defaults shown. Strings are not copied. */
struct reminder_params {
	const char *name;      /* [a-z0-9_], 1..REMINDER_NAME_MAX: "foot_soak" */
	const char *id_prefix; /* the node id, up to REMINDER_ID_PREFIX_MAX; NULL: none */
	enum reminder_kind kind;
	struct reminder_when when;   /* 21:30 every day (foot_soak: 30 min before the night) */
	const char *title;           /* its name (foot_soak, stretch, morning: their own) */
	const char *message;         /* required but for the three known names */
	const char *time_up_message; /* with a timer: what the time_up says */
	int64_t timer_s;             /* started to time_up; 0: none (foot_soak: 15 min) */
	int64_t snooze_s;            /* 10 min, from 1 min to 2 h ... */
	unsigned snooze_max;         /* ... at most 3 times a run */
	int64_t repeat_every_s;      /* unanswered: due again after 15 min ... */
	unsigned repeat_max;         /* ... once; then, repeat_every later, it gives up */
	int64_t late_by_s;           /* a message at most 1 h late is still sent */
	bool skip_in_bed;            /* no: in bed (where an occupancy input says so), not sent */
	/* The buttons of a due message, in order; none: the most useful ones (see run.c). */
	size_t n_actions;
	enum reminder_action actions[REMINDER_ACTIONS_MAX];
};

/*
 * The defaults, with those of the known names: foot_soak (warm foot soak, 15
 * minute timer, 30 min before the night), stretch (calf stretch and ankle
 * pumps, 15 min before the night), morning (the follow-up, 08:00). @name is
 * kept, not copied; @night_start_s is the night window's start (local second
 * of the day), for the reminders that are relative to it.
 */
void reminder_params_init(struct reminder_params *p, const char *name, int night_start_s);

/* Whether @p can work. Returns 0, or -EINVAL with a short static reason. */
int reminder_params_check(const struct reminder_params *p, const char **ret_reason);

/* Whether @name is the morning follow-up rather than a task. */
bool reminder_name_is_follow_up(const char *name);

enum reminder_run_state {
	REMINDER_RUN_NONE,     /* no run yet */
	REMINDER_RUN_DUE,      /* on show, waiting; next_s: due again, or given up */
	REMINDER_RUN_SNOOZED,  /* next_s: due again */
	REMINDER_RUN_TIMER,    /* started; next_s (= ends_s): time_up */
	REMINDER_RUN_TIME_UP,  /* on show; next_s: given up, taken off the phones */
	REMINDER_RUN_CLEARED,  /* done, skipped, answered, or started without a timer */
	REMINDER_RUN_GIVEN_UP, /* nobody answered */
	REMINDER_RUN_IN_BED,   /* not sent: already in bed */
	REMINDER_RUN_MISSED,   /* not sent: due while the daemon was down, and too late */
};

/* The newest run. Plain data: save and restore it as it is. */
struct reminder_run {
	enum reminder_run_state state;
	int64_t slot_day; /* the slot: local date (days since 1970-01-01) ... */
	int slot_sec;     /* ... wall time asked for ... */
	int64_t slot_s;   /* ... and when it was due */
	unsigned attempt; /* due messages sent (or skipped as late) */
	unsigned repeats; /* of them, repeats since the first or the last snooze */
	unsigned snoozes;
	int64_t next_s; /* the deadline of DUE, SNOOZED, TIMER, TIME_UP; else 0 */
	int64_t ends_s; /* the timer ends (ended) */
	bool started, done, skipped;
};

struct reminder_state {
	int64_t since_s; /* slots at or before this are not this reminder's */
	struct reminder_run run;
};

/*
 * A wall clock before this (2025-01-01) is not set yet (a Pi without a
 * real-time clock before NTP): nothing is planned on it, and a since_s read
 * from it means nothing. reminder_step() takes such a since_s as "from the
 * first step on a set clock", so a reminder started on an unset clock does not
 * claim every slot since 1970.
 */
#define REMINDER_CLOCK_SET_AFTER_S WALL_CLOCK_SET_AFTER_S

/* A new reminder at @now_s: its first slot is the next one. */
void reminder_state_init(struct reminder_state *s, int64_t now_s);

enum reminder_send {
	REMINDER_SEND_NOTHING,
	REMINDER_SEND_DUE,
	REMINDER_SEND_TIMER,
	REMINDER_SEND_TIME_UP,
	REMINDER_SEND_CLEARED,  /* done or skipped: the phones remove the notification */
	REMINDER_SEND_GIVEN_UP, /* likewise, nobody answered */
};

/*
 * The buttons of a @send message of @run into @a (REMINDER_ACTIONS_MAX):
 * those configured, or the most useful first; snooze only while @run may.
 * Returns how many.
 */
size_t reminder_actions(const struct reminder_params *p, const struct reminder_run *run,
			enum reminder_send send, enum reminder_action *a);

/* What to keep for adherence, with the run id. */
enum reminder_record {
	REMINDER_RECORD_NOTHING,
	REMINDER_RECORD_SENT, /* the first due of a run */
	REMINDER_RECORD_STARTED,
	REMINDER_RECORD_DONE,
	REMINDER_RECORD_SNOOZED,
	REMINDER_RECORD_SKIPPED,
	REMINDER_RECORD_IGNORED, /* given up: nobody answered */
	REMINDER_RECORD_IN_BED,  /* not sent: already in bed */
	REMINDER_RECORD_MISSED,  /* not sent: due while the daemon was down */
	REMINDER_RECORD_NO_CRAMP,
	REMINDER_RECORD_CRAMP_LEFT,
	REMINDER_RECORD_CRAMP_RIGHT,
};

struct reminder_out {
	enum reminder_send send;
	enum reminder_record record;
	char id[REMINDER_ID_MAX];
	int64_t slot_s;   /* when the run was due */
	unsigned attempt; /* DUE: 1 the first time */
	int64_t late_s;   /* DUE: how long after its time it goes out (a restart, a jump) */
	int64_t ends_s;   /* TIMER, TIME_UP: when the timer ends */
	size_t n_actions; /* DUE, TIMER, TIME_UP: the buttons, in order */
	enum reminder_action actions[REMINDER_ACTIONS_MAX];
};

struct reminder_decision {
	size_t n_out;
	struct reminder_out out[REMINDER_OUT_MAX]; /* send and record in this order */
	int64_t wakeup_s;    /* call reminder_step() then; REMINDER_NEVER: no need */
	int64_t next_slot_s; /* the next time it is due (for <base>/state); or REMINDER_NEVER */
};

/*
 * Brings @s up to @now_s: the run's deadlines, a new slot. @in_bed is 1, 0,
 * or -1 when no occupancy input says. Call it at ret->wakeup_s, at start
 * (after restoring the state), and when the wall clock jumps.
 */
void reminder_step(const struct reminder_params *p, struct reminder_state *s, int64_t now_s,
		   int in_bed, struct reminder_decision *ret);

/*
 * Ends @s's run for good (its reminder is switched off or removed): a run
 * that may be on the phones is taken off them (cleared), nothing is
 * recorded. Fills *ret.
 */
void reminder_end(const struct reminder_params *p, struct reminder_state *s,
		  struct reminder_decision *ret);

/*
 * For a reminder that is not sent (no section, or enabled = no), whose
 * answers still count (a Home Assistant button "foot soak done"): makes its
 * newest slot at or before @now_s its run, not sent (REMINDER_RUN_MISSED),
 * unless it has that run already, so that a plain answer finds a run near
 * now. Call it before reminder_answer(); never for a reminder that is sent.
 */
void reminder_quiet_slot(const struct reminder_params *p, struct reminder_state *s, int64_t now_s);

struct reminder_answer {
	enum reminder_action action;
	const char *id; /* NULL: a plain answer, for the current run */
};

enum reminder_answer_result {
	REMINDER_ANSWER_APPLIED,   /* the run changed; *ret says what to send and record */
	REMINDER_ANSWER_UNCHANGED, /* nothing to do (done twice, started while the timer runs) */
	REMINDER_ANSWER_REFUSED,   /* not now: snoozed snooze_max times, nothing to snooze */
	REMINDER_ANSWER_OTHER_RUN, /* names another run (an old notification): nothing changed */
	REMINDER_ANSWER_NO_RUN,    /* a plain answer, with no run near now */
};

/*
 * An answer at @now_s. Returns the reminder_answer_result, or -EINVAL when
 * the action is not one of this reminder's ("left" to a foot soak). Fills
 * *ret (nothing to send unless applied; the wakeup always) and a short static
 * *ret_reason for anything but APPLIED (NULL then).
 */
int reminder_answer(const struct reminder_params *p, struct reminder_state *s,
		    const struct reminder_answer *a, int64_t now_s, struct reminder_decision *ret,
		    const char **ret_reason);

/*
 * The time to take an answer at when the wall clock, reading @now_s, is not
 * set (before REMINDER_CLOCK_SET_AFTER_S: a Pi without a real-time clock
 * after a power cut, before NTP). The answer is never dropped for that (the
 * morning's "left" is a cramp): it is taken at the time of @s's newest run
 * when that is known (the answer is to the run on the phone), returning 0;
 * else at @now_s, returning -ENODATA (the caller says the time is this
 * machine's and wrong). On a set clock: @now_s, 0.
 */
int reminder_answer_time(const struct reminder_state *s, int64_t now_s, int64_t *ret_s);

/* The id of @s's newest run in @buf. Returns 0, -ENOENT (no run) or -ENOSPC. */
int reminder_run_id(const struct reminder_params *p, const struct reminder_run *run, char *buf,
		    size_t size);

/* "started", "done", ... Returns 0 and *ret, or -EINVAL. Exact, lower case. */
int reminder_action_from_string(const char *s, enum reminder_action *ret);
const char *reminder_action_to_string(enum reminder_action a);

/*
 * A plain-text answer (any bytes): one action word, any case, blanks around
 * it allowed. Returns 0 and *ret, or -EMSGSIZE / -EBADMSG with a reason.
 * JSON answers ({"action": ..., "id": ...}) are the daemon's to parse.
 */
int reminder_action_parse(const void *data, size_t len, enum reminder_action *ret,
			  const char **ret_reason);

/*
 * The morning question's text when movement in bed at the local wall time
 * @hh:@mm looked like a cramp. Returns 0 or -ENOSPC.
 */
int reminder_follow_up_text(int hh, int mm, char *buf, size_t size);

/* Whether a reminder of @kind takes @a. */
bool reminder_action_fits(enum reminder_kind kind, enum reminder_action a);

/* "none", "due", "snoozed", ... (as the store keeps a run); NULL if invalid. */
const char *reminder_run_state_to_string(enum reminder_run_state s);
/* The state named @s. Returns 0 and *ret, or -EINVAL. */
int reminder_run_state_from_string(const char *s, enum reminder_run_state *ret);

/*
 * What a timer's message says: "Started. Time's up at 21:47." for the local
 * wall time @hh:@mm of its end. Returns 0 or -ENOSPC.
 */
int reminder_timer_text(int hh, int mm, char *buf, size_t size);

/* "due", "timer", "time_up", "cleared", "given_up" (the `state` on MQTT); NULL for NOTHING. */
const char *reminder_send_to_string(enum reminder_send s);
/* "sent", "started", "done", ..., "cramp_right"; NULL for NOTHING. */
const char *reminder_record_to_string(enum reminder_record r);
