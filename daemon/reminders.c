/* The reminders on the event loop: see reminders.h. */
#include "daemon/reminders.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "control/reminder-local.h"
#include "daemon/clock-jump.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "daemon/reminders-internal.h"
#include "daemon/reminders-outbox.h"

int64_t reminders_now_s(void)
{
	return (int64_t) (clock_realtime_usec() / SEC);
}

void reminders_changed(struct reminders *r)
{
	if (r->cb && r->cb->changed)
		r->cb->changed(r->userdata);
}

static int64_t seconds(unsigned long long usec)
{
	return (int64_t) ((usec + SEC - 1) / SEC);
}

static void params_from_config(const struct config *c, const struct config_reminder *cr,
			       struct reminder_params *p)
{
	int buttons[REMINDER_ACTIONS_MAX];
	int n;

	reminder_params_init(p, cr->name, c->heating.night_start_min * 60);
	p->id_prefix = c->daemon.node_id;
	if (cr->at_s >= 0) {
		p->when.kind = REMINDER_WHEN_AT;
		p->when.at_s = cr->at_s;
	} else {
		p->when.kind = REMINDER_WHEN_BEFORE_NIGHT;
		p->when.before_night_s = (int) seconds(cr->before_night_usec);
	}
	p->when.days = cr->days;
	if (cr->title)
		p->title = cr->title;
	if (cr->message)
		p->message = cr->message;
	if (cr->time_up_message)
		p->time_up_message = cr->time_up_message;
	p->late_by_s = seconds(cr->late_by_usec);
	p->timer_s = seconds(cr->timer_usec);
	p->snooze_s = seconds(cr->snooze_usec);
	p->snooze_max = (unsigned) cr->snooze_max;
	p->repeat_every_s = seconds(cr->repeat_every_usec);
	p->repeat_max = (unsigned) cr->repeat_max;
	p->skip_in_bed = cr->skip_in_bed;
	n = config_reminder_actions(cr, buttons);
	for (int i = 0; i < n; i++)
		p->actions[i] = (enum reminder_action) buttons[i];
	p->n_actions = n > 0 ? (size_t) n : 0;
}

struct reminder *reminders_find(const struct reminders *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->list[i].p.name, name) == 0)
			return &r->list[i];
	return NULL;
}

int reminders_new(sd_event *event, const struct config *config, struct cramp_log *cramps,
		  const struct inputs *inputs, struct alerts *alerts,
		  const struct reminders_callbacks *cb, void *userdata, struct reminders **ret)
{
	static const char *const always[] = { "foot_soak", "stretch" };
	struct reminders *r;
	const char *reason;
	int err = -ENOMEM;

	assert(event && config && ret);
	r = calloc(1, sizeof(*r));
	if (r)
		warn_limit_init(&r->warn, event, "reminder answers");
	if (!r || reminders_outbox_new(&r->outbox) < 0)
		goto fail;
	r->list = calloc(config->n_reminders + 2, sizeof(*r->list));
	if (!r->list)
		goto fail;
	r->event = event;
	r->config = config;
	r->cramps = cramps;
	r->inputs = inputs;
	r->alerts = alerts;
	r->cb = cb;
	r->userdata = userdata;
	for (size_t i = 0; i < config->n_reminders; i++) {
		struct reminder *rem = &r->list[r->n++];

		params_from_config(config, &config->reminders[i], &rem->p);
		rem->enabled = config->reminders[i].enabled;
	}
	/* Without a section: nothing sent, answers recorded (a fresh install does not nag). */
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
		struct reminder *rem;

		if (reminders_find(r, always[i]))
			continue;
		rem = &r->list[r->n++];
		reminder_params_init(&rem->p, always[i], config->heating.night_start_min * 60);
		rem->p.id_prefix = config->daemon.node_id;
	}
	for (size_t i = 0; i < r->n; i++) {
		/* Not sent, so no timer either: "started" ends its run. */
		if (!r->list[i].enabled)
			r->list[i].p.timer_s = 0;
		r->list[i].next_slot_s = REMINDER_NEVER;
		r->list[i].wakeup_s = REMINDER_NEVER;
		if (reminder_params_check(&r->list[i].p, &reason) < 0) {
			log_error("[reminder.%s]: %s", r->list[i].p.name, reason);
			err = -EINVAL;
			goto fail;
		}
	}
	*ret = r;
	return 0;
fail:
	reminders_free(r);
	return err == -ENOMEM ? log_error_errno(err, "cannot set up the reminders") : err;
}

struct reminders *reminders_free(struct reminders *r)
{
	if (!r)
		return NULL;
	reminders_stop(r);
	warn_limit_done(&r->warn);
	r->outbox = reminders_outbox_free(r->outbox);
	free(r->list);
	free(r);
	return NULL;
}

static int in_bed(const struct reminders *r)
{
	int v = r->inputs ? inputs_in_bed(r->inputs, NULL) : -ENODATA;

	return v < 0 ? -1 : v;
}

static bool state_equal(const struct reminder_state *a, const struct reminder_state *b)
{
	const struct reminder_run *x = &a->run, *y = &b->run;

	return a->since_s == b->since_s && x->state == y->state && x->slot_day == y->slot_day &&
	       x->slot_sec == y->slot_sec && x->slot_s == y->slot_s && x->attempt == y->attempt &&
	       x->repeats == y->repeats && x->snoozes == y->snoozes && x->next_s == y->next_s &&
	       x->ends_s == y->ends_s && x->started == y->started && x->done == y->done &&
	       x->skipped == y->skipped;
}

static void log_out(const struct reminder *rem, const struct reminder_out *o)
{
	const char *record = reminder_record_to_string(o->record);

	switch (o->send) {
	case REMINDER_SEND_DUE:
		log_info("reminder %s: due (attempt %u%s)", rem->p.name, o->attempt,
			 o->late_s > 60 ? ", late" : "");
		return;
	case REMINDER_SEND_TIME_UP:
	case REMINDER_SEND_GIVEN_UP:
		log_info("reminder %s: %s", rem->p.name, reminder_send_to_string(o->send));
		return;
	case REMINDER_SEND_TIMER:
	case REMINDER_SEND_CLEARED:
		/* What an answer did: its own line says so. */
		log_debug("reminder %s: %s", rem->p.name, reminder_send_to_string(o->send));
		return;
	case REMINDER_SEND_NOTHING:
		break;
	}
	if (o->record == REMINDER_RECORD_MISSED || o->record == REMINDER_RECORD_IN_BED)
		log_info("reminder %s: not sent (%s)", rem->p.name, record);
}

/* A write to the store failed: what it was keeps waiting in memory, and is tried again. */
static void store_failed(struct reminders *r)
{
	if (!r->store)
		return; /* no store at all: the store guard says so */
	r->store_failing = true;
	(void) alerts_raise(r->alerts, ALERT_STORE_FAILED, "reminders",
			    "The reminders cannot be written to the store. What happens is kept in "
			    "memory and written when it can.",
			    clock_realtime_usec());
}

bool reminders_store_failing(const struct reminders *r)
{
	return r->store_failing;
}

/*
 * Carries out @d: logs the morning answers' cramps, then commits @rem's state
 * with the records and events. In that order: a crash between the two leaves
 * the question open, and the answer sent again finds its cramp logged
 * (reminders_told_cramp() logs it once); the other way round, the answer was
 * kept and its cramp lost. Returns whether anything changed.
 */
bool reminders_carry_out(struct reminders *r, struct reminder *rem,
			 const struct reminder_decision *d, int64_t now)
{
	struct store_reminder_record records[REMINDER_OUT_MAX];
	struct store_reminder_event events[REMINDER_OUT_MAX];
	struct store_reminder_state st;
	size_t n_records = 0, n_events = 0;
	bool state_changed = rem->unsaved || !state_equal(&rem->s, &rem->saved);
	bool any = state_changed || rem->next_slot_s != d->next_slot_s;
	char message[200];

	rem->wakeup_s = d->wakeup_s;
	rem->next_slot_s = d->next_slot_s;
	for (size_t i = 0; i < d->n_out; i++)
		if (d->out[i].record == REMINDER_RECORD_CRAMP_LEFT ||
		    d->out[i].record == REMINDER_RECORD_CRAMP_RIGHT)
			(void) reminders_told_cramp(r, d->out[i].record, now);
	for (size_t i = 0; i < d->n_out; i++) {
		const struct reminder_out *o = &d->out[i];

		log_out(rem, o);
		if (o->record != REMINDER_RECORD_NOTHING)
			records[n_records++] = (struct store_reminder_record){
				.run_id = (char *) (uintptr_t) o->id,
				.reminder = (char *) (uintptr_t) rem->p.name,
				.record = (char *) (uintptr_t) reminder_record_to_string(o->record),
				.time = now,
				.tz_offset_s = clock_local_offset_s(now),
				.slot = o->slot_s,
			};
		if (o->send == REMINDER_SEND_NOTHING)
			continue;
		events[n_events] = (struct store_reminder_event){
			.run_id = (char *) (uintptr_t) o->id,
			.payload = reminder_event_json(
			    rem, o, reminders_due_message(r, rem, now, message, sizeof(message)),
			    now),
		};
		if (events[n_events].payload)
			n_events++;
		else
			log_error("reminder %s: cannot make its event: out of memory", rem->p.name);
	}
	if (state_changed || n_records || n_events) {
		reminder_state_to_store(rem, &st);
		if (reminders_outbox_commit(r->outbox, state_changed ? &st : NULL, records,
					    n_records, events, n_events) == 0) {
			rem->saved = rem->s;
			rem->unsaved = false;
		} else {
			rem->unsaved = true;
			store_failed(r);
		}
	}
	for (size_t i = 0; i < n_events; i++)
		free(events[i].payload);
	return any || d->n_out > 0;
}

void reminders_arm(struct reminders *r)
{
	int64_t wakeup = REMINDER_NEVER;
	int rc;

	for (size_t i = 0; i < r->n; i++)
		if (r->list[i].enabled && r->list[i].wakeup_s < wakeup)
			wakeup = r->list[i].wakeup_s;
	if (!r->timer)
		return;
	if (wakeup == REMINDER_NEVER || r->clock_unset) {
		(void) sd_event_source_set_enabled(r->timer, SD_EVENT_OFF);
		return;
	}
	rc = sd_event_source_set_time(r->timer, (uint64_t) wakeup * SEC);
	if (rc >= 0)
		rc = sd_event_source_set_enabled(r->timer, SD_EVENT_ONESHOT);
	if (rc < 0)
		log_error_errno(rc, "reminders: cannot arm the timer");
}

/*
 * A reload gave @rem another time, switched it on or added it: when it is next, and
 * why not today when today's was already (one a day, or a reload would send
 * it twice; switched on after its time, it starts with the next one).
 */
static void say_moved(struct reminder *rem, int64_t now_s)
{
	const char *what = rem->moved;
	char next[40] = "never (no day left)";
	int64_t today, run_day = rem->s.run.slot_day;
	int sec, run_sec = rem->s.run.slot_sec;
	bool ran_today = rem->s.run.state != REMINDER_RUN_NONE || rem->s.run.slot_s != 0, later;
	struct reminder_slot last;

	rem->moved = NULL;
	reminder_local_split(now_s, &today, &sec);
	ran_today = ran_today && run_day == today;
	if (rem->next_slot_s != REMINDER_NEVER)
		(void) clock_format_offset(rem->next_slot_s,
					   reminder_local_offset_s(rem->next_slot_s), next,
					   sizeof(next));
	/* Only a next time still to come has a reason to be said beside it. */
	later = rem->next_slot_s != REMINDER_NEVER && rem->next_slot_s > now_s;
	if (later && (strcmp(what, "switched on") == 0 || strcmp(what, "added") == 0) &&
	    reminder_slot_last(&rem->p.when, now_s, &last) == 0 && last.day == today)
		log_info("reminder %s: %s, next due %s: today's %02d:%02d had passed already",
			 rem->p.name, what, next, last.sec / 3600, last.sec / 60 % 60);
	else if (later && ran_today)
		log_info("reminder %s: %s, next due %s: today's %s at %02d:%02d already, and "
			 "it comes once a day",
			 rem->p.name, what, next,
			 rem->s.run.attempt > 0 ? "came" : "was due (not sent)", run_sec / 3600,
			 run_sec / 60 % 60);
	else
		log_info("reminder %s: %s, next due %s", rem->p.name, what, next);
}

/* Brings every reminder that is sent up to now, and arms the timer for what is next. */
static void step_all(struct reminders *r)
{
	int64_t now = reminders_now_s();
	bool any = false;

	if (now < CLOCK_SET_AFTER_S) {
		if (!r->clock_unset)
			log_warning("reminders: the wall clock is not set yet; they wait for it");
		r->clock_unset = true;
		reminders_arm(r);
		return;
	}
	r->clock_unset = false;
	for (size_t i = 0; i < r->n; i++) {
		struct reminder *rem = &r->list[i];
		struct reminder_decision d;

		if (!rem->enabled)
			continue;
		reminder_step(&rem->p, &rem->s, now, in_bed(r), &d);
		any |= reminders_carry_out(r, rem, &d, now);
		if (rem->moved)
			say_moved(rem, now);
	}
	reminders_arm(r);
	if (any)
		reminders_changed(r);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	(void) s;
	(void) usec;
	step_all(userdata);
	return 0;
}

static void on_clock_jump(enum clock_change change, void *userdata)
{
	log_info("reminders: %s; planning them again",
		 change == CLOCK_CHANGE_ZONE ? "the time zone changed" : "the wall clock was set");
	step_all(userdata);
}

/* A run left on the phones by a reminder switched off or removed: taken off them. */
static void take_off(struct reminders *r, struct reminder *rem, int64_t now)
{
	struct reminder_decision d;

	reminder_end(&rem->p, &rem->s, &d);
	if (d.n_out > 0)
		(void) reminders_carry_out(r, rem, &d, now);
}

/* Whether @rem did nothing yet: no run in memory (started without a store, say). */
static bool idle(const struct reminder *rem)
{
	return rem->s.run.state == REMINDER_RUN_NONE && rem->s.run.slot_s == 0;
}

/*
 * Whether the store needs nothing of @rem: not sent and never answered (foot_soak
 * and stretch without a section). Its fresh state is made again at every start;
 * writing it would only fail on a full disk, and raise store_failed for a
 * reminder nobody uses.
 */
static bool nothing_to_keep(const struct reminder *rem)
{
	return !rem->enabled && idle(rem);
}

/*
 * Takes the states the store holds into the reminders that are @idle_only
 * idle (else into all but those a reload adopted: theirs is the one in
 * memory). Runs of reminders no longer sent, or no longer configured, leave
 * the phones.
 */
static void restore(struct reminders *r, bool idle_only)
{
	struct store_reminder_state *states = NULL;
	int64_t now = reminders_now_s();
	int n = r->store ? store_reminder_states_read(r->store, &states) : 0;

	if (n < 0)
		log_warning_errno(n, "reminders: cannot read their state; planning from now");
	for (size_t i = 0; i < r->n; i++) {
		struct reminder *rem = &r->list[i];

		if (idle_only ? !idle(rem) : rem->adopted)
			continue;
		for (int k = 0; k < n; k++)
			if (strcmp(states[k].reminder, rem->p.name) == 0 &&
			    reminder_state_from_store(rem, &states[k]) == 0)
				rem->unsaved = false;
	}
	if (now >= CLOCK_SET_AFTER_S)
		for (size_t i = 0; i < r->n; i++)
			if (!r->list[i].enabled)
				take_off(r, &r->list[i], now);
	for (int k = 0; k < n; k++) {
		struct reminder gone = { .enabled = false };

		if (reminders_find(r, states[k].reminder) || now < CLOCK_SET_AFTER_S)
			continue;
		reminder_params_init(&gone.p, states[k].reminder,
				     r->config->heating.night_start_min * 60);
		gone.p.id_prefix = r->config->daemon.node_id;
		if (!gone.p.message)
			gone.p.message = "";
		if (reminder_state_from_store(&gone, &states[k]) == 0)
			take_off(r, &gone, now);
	}
	if (n > 0)
		store_reminder_states_free(states, (size_t) n);
	if (r->store && n >= 0)
		r->loaded = true;
}

/* A fresh state for every reminder a reload did not adopt, then what the store holds. */
static void load(struct reminders *r)
{
	int64_t now = reminders_now_s();

	for (size_t i = 0; i < r->n; i++)
		if (!r->list[i].adopted) {
			reminder_state_init(&r->list[i].s, now);
			r->list[i].unsaved = true;
		}
	restore(r, false);
}

void reminders_adopt(struct reminders *r, struct reminders *old)
{
	int64_t now = reminders_now_s();
	struct reminders_outbox *outbox;
	unsigned adopted = 0;

	assert(r && old && !r->started);
	if (!old->started)
		return; /* it never read the store: its states are nobody's */
	for (size_t i = 0; i < old->n; i++) {
		struct reminder *was = &old->list[i], *rem = reminders_find(r, was->p.name);

		if (!rem) {
			/* Removed: its run leaves the phones, through the outbox taken below. */
			if (now >= CLOCK_SET_AFTER_S)
				take_off(old, was, now);
			continue;
		}
		rem->s = was->s;
		rem->saved = was->saved;
		rem->unsaved = was->unsaved;
		rem->next_slot_s = was->next_slot_s;
		rem->wakeup_s = was->wakeup_s;
		/* Its run goes on; reminders_start() plans it with the new settings. */
		rem->adopted = true;
		if (rem->enabled && !was->enabled) {
			/*
			 * Not sent until now: from now on, as a reminder new in
			 * the file would be (added at 21:45, it does not fire for
			 * 21:30). Its run stays, for the answers it took.
			 */
			if (now >= CLOCK_SET_AFTER_S)
				rem->s.since_s = now;
			rem->moved = "switched on";
		} else if (rem->enabled && (reminder_when_time_of_day(&was->p.when) !=
						reminder_when_time_of_day(&rem->p.when) ||
					    was->p.when.days != rem->p.when.days))
			rem->moved = "rescheduled";
		adopted++;
	}
	/* New in the file: said as one switched on is, with when it is first due. */
	for (size_t i = 0; i < r->n; i++)
		if (!r->list[i].adopted && r->list[i].enabled)
			r->list[i].moved = "added";
	/* What waits in memory, and what is in flight, goes on in the new reminders. */
	outbox = r->outbox;
	r->outbox = old->outbox;
	old->outbox = outbox;
	r->loaded = old->loaded;
	r->store_failing = old->store_failing;
	log_debug("reminders: %u of %zu kept their run on reload", adopted, r->n);
}

int reminders_start(struct reminders *r, struct mqtt *mqtt, struct store *store)
{
	int rc;

	assert(r && mqtt);
	r->store = store;
	reminders_outbox_set_store(r->outbox, store);
	load(r);
	/* QoS 1 on our persistent session: a tap while we restart waits for us. */
	rc = mqtt_subscribe_below(mqtt, "reminder/+", 1, reminders_on_answer, r, &r->answers);
	if (rc >= 0)
		rc = reminders_outbox_attach(r->outbox, mqtt);
	if (rc >= 0)
		rc = clock_jump_new(r->event, on_clock_jump, r, &r->jump);
	if (rc >= 0)
		rc = sd_event_add_time(r->event, &r->timer, CLOCK_REALTIME, 0, 0, on_timer, r);
	if (rc >= 0)
		rc = event_source_describe(r->timer, "reminders");
	if (rc < 0) {
		reminders_stop(r);
		return log_error_errno(rc, "cannot start the reminders");
	}
	r->started = true;
	step_all(r);
	return 0;
}

void reminders_stop(struct reminders *r)
{
	assert(r);
	r->started = false;
	r->answers = mqtt_slot_free(r->answers);
	reminders_outbox_detach(r->outbox);
	r->jump = clock_jump_free(r->jump);
	r->timer = sd_event_source_disable_unref(r->timer);
}

void reminders_set_store(struct reminders *r, struct store *store)
{
	assert(r);
	/* Another file (a damaged one replaced, a new state_dir): it holds none of the runs. */
	if (store && store != r->store && r->loaded)
		for (size_t i = 0; i < r->n; i++)
			r->list[i].unsaved = true;
	r->store = store;
	reminders_outbox_set_store(r->outbox, store);
	if (!store || !r->started)
		return;
	if (!r->loaded) {
		/*
		 * Started without it: what it holds is older but not empty. A
		 * reminder that did nothing meanwhile takes its stored run (and
		 * plan); one that sent something keeps what the phones show.
		 */
		restore(r, true);
		if (r->loaded)
			step_all(r);
	}
	/* Running without it, the state in memory is the one that counts now. */
	for (size_t i = 0; i < r->n; i++) {
		struct reminder *rem = &r->list[i];
		struct store_reminder_state st;

		if (!rem->unsaved || nothing_to_keep(rem))
			continue;
		reminder_state_to_store(rem, &st);
		if (reminders_outbox_commit(r->outbox, &st, NULL, 0, NULL, 0) == 0) {
			rem->saved = rem->s;
			rem->unsaved = false;
		} else {
			store_failed(r);
			return;
		}
	}
	if (r->store_failing && !reminders_outbox_waiting(r->outbox)) {
		r->store_failing = false;
		log_info("reminders: the store works again; everything is written");
		(void) alerts_clear(r->alerts, ALERT_STORE_FAILED, "reminders",
				    "The reminders are written to the store again.",
				    clock_realtime_usec());
	}
}

int reminders_add_state(const struct reminders *r, json_t *state)
{
	json_t *all = json_object();

	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++)
		if (r->list[i].enabled &&
		    json_object_set_new(all, r->list[i].p.name, reminder_state_json(&r->list[i])) <
			0) {
			json_decref(all);
			return -ENOMEM;
		}
	return json_object_set_new(state, "reminders", all) < 0 ? -ENOMEM : 0;
}
