#include "daemon/cramp-log.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "control/clock-set.h"
#include "control/cramp-confirm.h"
#include "daemon/clock.h"
#include "daemon/cramp-command.h"
#include "daemon/cramp-event.h"
#include "daemon/cramp-log-internal.h"
#include "daemon/json-text.h"
#include "daemon/log.h"
#include "daemon/warn-limit.h"

static void load_history(struct cramp_log *l)
{
	int64_t now = (int64_t) (clock_realtime_usec() / 1000000), since = now - 9 * WEEK_S;
	struct store_advisory *advisories = NULL;
	struct store_cramp *list = NULL;
	int n;

	if (!l->store || l->history_loaded)
		return;
	n = store_cramps_read(l->store, false, since, 100000, &list);
	/* Suspicions first, then their confirmations: a report may lie before what it confirms. */
	for (int i = 0; i < n; i++)
		if (list[i].suspected)
			(void) cramp_confirm_add(&l->suspects, list[i].id, list[i].time);
	for (int i = 0; i < n; i++)
		if (!list[i].suspected && list[i].confirms) {
			enum cramp_leg leg = CRAMP_LEG_UNKNOWN;

			(void) cramp_leg_from_string(list[i].leg, &leg);
			cramp_confirm_mark(&l->suspects, list[i].confirms, leg, list[i].time);
		}
	for (int i = 0; i < n; i++) {
		struct cramp_tracker_cramp c = { .time_s = list[i].time };

		if (list[i].suspected)
			continue; /* counted once the person confirms it */
		(void) cramp_leg_from_string(list[i].leg, &c.leg);
		if (list[i].site)
			(void) cramp_site_from_string(list[i].site, &c.site);
		(void) cramp_tracker_load(l->tracker, &c, now);
	}
	if (n >= 0)
		store_cramps_free(list, (size_t) n);
	l->count_known = n >= 0;
	n = n < 0 ? n : store_advisories_read(l->store, since, &advisories);
	for (int i = 0; i < n; i++) {
		enum cramp_advisory_kind kind;

		if (cramp_advisory_kind_from_string(advisories[i].kind, &kind) == 0)
			(void) cramp_tracker_load_advisory(l->tracker, kind, advisories[i].time);
	}
	if (n >= 0)
		store_advisories_free(advisories, (size_t) n);
	if (n < 0)
		log_warning_errno(n, "cramp log: cannot read the history; %s",
				  l->count_known ? "an advisory may come again"
						 : "the count of cramps is unknown");
	l->history_loaded = true;
}

int cramp_log_new(const char *node_id, const struct cramp_tracker_params *params,
		  int64_t confirm_window_s, struct store *store, struct alerts *alerts,
		  const struct cramp_log_callbacks *cb, void *userdata, struct cramp_log **ret)
{
	struct cramp_log *l = calloc(1, sizeof(*l));
	int r;

	if (!l || !(l->node_id = strdup(node_id))) {
		free(l);
		return -ENOMEM;
	}
	r = cramp_tracker_new(params, &l->tracker);
	if (r < 0) {
		cramp_log_free(l);
		return r;
	}
	cramp_confirm_init(&l->suspects, confirm_window_s,
			   cramp_tracker_dedup_window_s(l->tracker));
	warn_limit_init(&l->warn, NULL, "cramp reports"); /* the loop comes with the broker */
	warn_limit_init_info(&l->repeats, NULL, "reports of a cramp logged already");
	l->store = store;
	l->alerts = alerts;
	l->cb = cb;
	l->userdata = userdata;
	load_history(l);
	*ret = l;
	return 0;
}

int cramp_log_configure(struct cramp_log *l, const char *node_id,
			const struct cramp_tracker_params *params, int64_t confirm_window_s)
{
	char *id = strdup(node_id);
	int r;

	if (!id)
		return -ENOMEM;
	r = cramp_tracker_set_params(l->tracker, params);
	if (r < 0) {
		free(id);
		return r;
	}
	free(l->node_id);
	l->node_id = id;
	cramp_confirm_set_windows(&l->suspects, confirm_window_s,
				  cramp_tracker_dedup_window_s(l->tracker));
	return 0;
}

static void flight_drop(struct cramp_log *l, unsigned i)
{
	free(l->flight[i].id);
	l->flight[i] = l->flight[--l->n_flight];
}

/* The connection goes (for good): what it had in flight goes out again on the next. */
static void detach(struct cramp_log *l)
{
	while (l->n_flight > 0)
		flight_drop(l, 0);
	l->command_slot = mqtt_slot_free(l->command_slot);
	l->watch = mqtt_slot_free(l->watch);
	l->mqtt = NULL;
}

bool cramp_log_store_failing(const struct cramp_log *l)
{
	return l->n_memory > 0 || l->n_acked > 0;
}

int cramp_log_copy_cramp(struct store_cramp *dst, const struct store_cramp *src)
{
	*dst = *src;
	dst->id = strdup(src->id);
	dst->leg = strdup(src->leg);
	dst->source = strdup(src->source);
	dst->site = src->site ? strdup(src->site) : NULL;
	dst->note = src->note ? strdup(src->note) : NULL;
	dst->confirms = src->confirms ? strdup(src->confirms) : NULL;
	if (!dst->id || !dst->leg || !dst->source || (src->site && !dst->site) ||
	    (src->note && !dst->note) || (src->confirms && !dst->confirms)) {
		store_cramp_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

static void store_failed(struct cramp_log *l, int error)
{
	char msg[200];

	snprintf(msg, sizeof(msg),
		 "The cramp log cannot be written (%s). Cramps are kept in memory and sent to the "
		 "broker until it can.",
		 store_strerror(error));
	/* Where: a full disk is found by its path (no store: store_strerror() says so). */
	if (l->store)
		log_error("cramp log: cannot write the store '%s': %s; keeping cramps in memory",
			  store_path(l->store), store_strerror(error));
	else
		log_error("cramp log: cannot write the store: %s; keeping cramps in memory",
			  store_strerror(error));
	(void) alerts_raise(l->alerts, ALERT_STORE_FAILED, "store", msg, clock_realtime_usec());
}

/* Memory is full: the oldest cramp the broker has goes, or else the oldest. Logged. */
static void forget_oldest(struct cramp_log *l)
{
	size_t victim = 0;

	for (size_t i = 0; i < l->n_memory; i++)
		if (l->memory[i].delivered) {
			victim = i;
			break;
		}
	log_error("cramp log: %zu cramps wait for the store; forgetting '%s'%s", l->n_memory,
		  l->memory[victim].id,
		  l->memory[victim].delivered ? " (the broker has it)" : ", never delivered");
	store_cramp_clear(&l->memory[victim]);
	memmove(&l->memory[victim], &l->memory[victim + 1],
		(l->n_memory - victim - 1) * sizeof(*l->memory));
	l->n_memory--;
}

/* Writes what waits in memory to the store; clears store_failed when all of it is there. */
static void flush_memory(struct cramp_log *l)
{
	size_t kept = 0;
	int r = 0;

	if (!l->store || l->n_memory == 0)
		return;
	for (size_t i = 0; i < l->n_memory; i++) {
		r = store_cramp_add(l->store, &l->memory[i]);
		if (r == 0 || r == -EEXIST) {
			store_cramp_clear(&l->memory[i]);
			continue;
		}
		l->memory[kept++] = l->memory[i];
	}
	l->n_memory = kept;
	/* Written now: the store's to mark delivered; still only in memory: memory's. */
	for (unsigned i = 0; i < l->n_flight; i++) {
		bool still = false;

		for (size_t j = 0; j < l->n_memory && !still; j++)
			still = strcmp(l->memory[j].id, l->flight[i].id) == 0;
		l->flight[i].in_memory = still;
	}
	if (kept == 0) {
		log_info("cramp log: the store works again; every cramp is written");
		(void) alerts_clear(l->alerts, ALERT_STORE_FAILED, "store",
				    "The cramp log is written to the store again.",
				    clock_realtime_usec());
	}
}

void cramp_log_set_store(struct cramp_log *l, struct store *store)
{
	l->store = store;
	load_history(l);
	flush_memory(l);
	cramp_log_acked_flush(l);
	/* A store replacing a damaged one may hold what it salvaged, not sent yet. */
	if (l->mqtt)
		cramp_log_pump(l);
}

struct cramp_log *cramp_log_free(struct cramp_log *l)
{
	if (!l)
		return NULL;
	detach(l);
	warn_limit_done(&l->warn);
	warn_limit_done(&l->repeats);
	flush_memory(l); /* a last try */
	cramp_log_acked_flush(l);
	if (l->n_acked > 0)
		log_warning("cramp log: %zu cramp%s the broker has could not be marked delivered: "
			    "sent again at the next start",
			    l->n_acked, l->n_acked == 1 ? "" : "s");
	cramp_log_acked_clear(l);
	if (l->n_memory > 0)
		log_error("cramp log: %zu cramp%s could not be written to the store and %s lost",
			  l->n_memory, l->n_memory == 1 ? "" : "s",
			  l->n_memory == 1 ? "is" : "are");
	for (size_t i = 0; i < l->n_memory; i++)
		cramp_log_say_lost(&l->memory[i]);
	store_cramps_free(l->memory, l->n_memory);
	cramp_confirm_clear(&l->suspects);
	cramp_tracker_free(l->tracker);
	free(l->node_id);
	free(l);
	return NULL;
}

/* An advisory fired: kept in the store (so it does not fire again after a restart), told. */
void cramp_log_advise(struct cramp_log *l, const struct cramp_advisory *a, uint64_t now_usec)
{
	const char *kind = cramp_advisory_kind_to_string(a->kind);
	struct store_advisory row = {
		.kind = (char *) (uintptr_t) kind,
		.time = a->time_s,
		.tz_offset_s = clock_local_offset_s(a->time_s),
		.message = (char *) (uintptr_t) a->message,
		.count = (int) a->count,
	};
	char id[160];
	int r;

	snprintf(id, sizeof(id), "%s-advisory-%s-%llx", l->node_id, kind,
		 (unsigned long long) (now_usec / 1000));
	r = l->store ? store_advisory_add(l->store, id, &row) : -ENODEV;
	if (r < 0 && r != -ENODEV)
		log_warning_errno(r, "cramp log: cannot keep advisory '%s'", kind);
	log_warning("cramp advisory %s: %s", kind, a->message);
	(void) alerts_notify(l->alerts, kind, "cramps", a->message, now_usec);
}

static void make_id(const struct cramp_log *l, int64_t now_ms, char *buf, size_t size)
{
	uint32_t salt = 0;

	if (getrandom(&salt, sizeof(salt), GRND_NONBLOCK) != sizeof(salt))
		salt = (uint32_t) now_ms * 2654435761u;
	snprintf(buf, size, "%s-cramp-%llx-%08x", l->node_id, (unsigned long long) now_ms, salt);
}

/*
 * Counts a reported cramp at @time_s into *ret; for one the person reported
 * (not @suspected), also finds the suspected cramp it confirms (*ret_confirms,
 * owned by l->suspects, or NULL). Returns 1 to log it, 0 when it is a cramp
 * logged already (ret->duplicate: one the tracker knows, which the report may
 * amend; *ret_confirms too when that one confirmed a suspicion), or a negative
 * errno.
 */
static int count_cramp(struct cramp_log *l, const char *leg, const char *site, int64_t time_s,
		       int64_t now_s, const char *source, bool suspected,
		       struct cramp_tracker_result *ret, const char **ret_confirms)
{
	struct cramp_tracker_cramp tc = { .time_s = time_s };
	enum cramp_confirm_verdict verdict;
	const char *suspect = NULL;
	int r;

	*ret_confirms = NULL;
	if (suspected) {
		/* Only a hint: counted, and advised on, once the person confirms it. */
		if (cramp_tracker_has_near(l->tracker, time_s, l->suspects.window_s)) {
			log_info(
			    "suspected cramp from %s: a cramp was reported within %lld s of it, "
			    "not logged",
			    source, (long long) l->suspects.window_s);
			return 0;
		}
		*ret = (struct cramp_tracker_result){
			.count_7d = cramp_tracker_count(l->tracker, time_s),
		};
		return 1;
	}
	(void) cramp_leg_from_string(leg, &tc.leg);
	if (site)
		(void) cramp_site_from_string(site, &tc.site);
	/* The button at 03:03, then the phone's "yes" for the same suspicion: one cramp. */
	verdict = cramp_confirm_judge(&l->suspects, time_s, now_s, tc.leg, &suspect);
	if (verdict == CRAMP_CONFIRM_DUPLICATE) {
		const struct cramp_confirm_entry *e = cramp_confirm_get(&l->suspects, suspect);

		if (!e)
			return 0;
		/* That cramp, which the report may amend (the morning's "thigh, in fact"). */
		*ret = (struct cramp_tracker_result){
			.duplicate = true,
			.duplicate_of_s = e->confirmed_by_s,
			.duplicate_leg = e->leg,
		};
		*ret_confirms = suspect;
		return 0;
	}
	r = cramp_tracker_add(l->tracker, &tc, ret);
	if (r < 0)
		return log_error_errno(r, "cramp log: cannot count the cramp");
	if (ret->duplicate)
		return 0; /* the caller sees what it may add (amend_cramp()) */
	if (verdict == CRAMP_CONFIRM_CONFIRMS)
		*ret_confirms = suspect;
	return 1;
}

/*
 * While the wall clock is not known to be set, a report received within the
 * dedup window of the last one (by the monotonic clock) is that cramp,
 * whatever its time (the button by this machine's clock, hours behind, and
 * the phone's right time): the cramp keeps the better time and gains the
 * report's details. Returns 1 when it was that cramp (handled, *ret_r set),
 * else 0.
 */
static int same_by_receipt(struct cramp_log *l, const char *leg, const char *site, int64_t time_s,
			   bool own_time, const char *source, const char *note,
			   uint64_t received_usec, uint64_t now_usec, int *ret_r)
{
	int64_t now_s = (int64_t) (now_usec / 1000000), keep;
	enum cramp_leg report_leg = CRAMP_LEG_UNKNOWN;
	struct cramp_tracker_result dup;
	char span[32];

	(void) cramp_leg_from_string(leg, &report_leg);
	if (!cramp_receipt_same(
		&l->receipt, clock_wall_is_set(now_s, CLOCK_TIMESYNC_DIR, CLOCK_RTC_DIR),
		received_usec, cramp_tracker_dedup_window_s(l->tracker), report_leg))
		return 0;
	keep = cramp_receipt_time(&l->receipt, time_s, own_time);
	log_info("cramp report (leg %s, from %s) came %s after the last one, while the clock is "
		 "not set: the same cramp, %s",
		 leg, source,
		 clock_format_span((int64_t) ((received_usec - l->receipt.received_usec) / 1000000),
				   span, sizeof(span)),
		 keep != l->receipt.time_s ? "at the report's own time" : "at the time it has");
	if (keep != l->receipt.time_s &&
	    cramp_log_retime(l, l->receipt.time_s, l->receipt.leg, keep) == 0) {
		l->receipt.time_s = keep;
		l->receipt.own_time = true;
	}
	dup = (struct cramp_tracker_result){
		.duplicate = true,
		.duplicate_of_s = l->receipt.time_s,
		.duplicate_leg = l->receipt.leg,
	};
	*ret_r = cramp_log_amend(l, &dup, NULL, leg, site, note, time_s, source, now_usec);
	if (*ret_r == 0 && l->receipt.leg == CRAMP_LEG_UNKNOWN)
		l->receipt.leg = report_leg;
	return 1;
}

static int record(struct cramp_log *l, const char *leg, const char *site, int64_t time_s,
		  bool own_time, const char *source, bool suspected, const char *note,
		  bool time_estimated)
{
	uint64_t now_usec = clock_realtime_usec(), received_usec = clock_monotonic_usec();
	int64_t now_s = (int64_t) (now_usec / 1000000);
	struct cramp_context ctx = { NAN, NAN, -1, 0, -1, NAN, -1 };
	struct cramp_tracker_result res = { 0 };
	struct store_cramp c, *memory;
	const char *confirms;
	char id[128];
	int r;

	if (time_s == 0) {
		time_s = now_s;
		own_time = false;
	}
	if (!suspected && !time_estimated &&
	    same_by_receipt(l, leg, site, time_s, own_time, source, note, received_usec, now_usec,
			    &r))
		return r;
	r = count_cramp(l, leg, site, time_s, now_s, source, suspected, &res, &confirms);
	if (r == 0 && res.duplicate)
		return cramp_log_amend(l, &res, confirms, leg, site, note, time_s, source,
				       now_usec);
	if (r <= 0)
		return r;
	make_id(l, (int64_t) (now_usec / 1000), id, sizeof(id));
	if (time_s < WALL_CLOCK_SET_AFTER_S)
		/* Kept all the same (the prune leaves it): its date is what is wrong. */
		log_warning("cramp log: the clock is not set yet (no NTP since the start?): cramp "
			    "'%s' is dated %lld s after 1970, and kept",
			    id, (long long) time_s);
	if (l->cb->context)
		l->cb->context(&ctx, time_s, l->userdata);
	c = (struct store_cramp){
		.id = id,
		.time = time_s,
		.tz_offset_s = clock_local_offset_s(time_s),
		.recorded = now_s,
		.leg = (char *) (uintptr_t) leg,
		.site = (char *) (uintptr_t) site,
		.source = (char *) (uintptr_t) source,
		.suspected = suspected,
		.note = (char *) (uintptr_t) note,
		.room_c = ctx.room_c,
		.min_room_c = ctx.min_room_c,
		.in_bed = ctx.in_bed,
		.in_bed_since = ctx.in_bed_since,
		.heater_on = ctx.heater_on,
		.heater_duty_1h = ctx.heater_duty_1h,
		.soak_done = ctx.soak_done,
		.count_7d = l->count_known ? (int) res.count_7d : COUNT_7D_UNKNOWN,
		.confirms = (char *) (uintptr_t) confirms,
		.time_estimated = time_estimated,
	};
	r = l->store ? store_cramp_add(l->store, &c) : -ENODEV;
	if (r < 0 && l->n_memory >= MEMORY_MAX)
		forget_oldest(l);
	if (r < 0) {
		memory = realloc(l->memory, (l->n_memory + 1) * sizeof(*memory));
		if (!memory)
			return log_error_errno(-ENOMEM, "cramp log: cannot keep cramp '%s'", id);
		l->memory = memory;
		if (cramp_log_copy_cramp(&l->memory[l->n_memory], &c) < 0)
			return log_error_errno(-ENOMEM, "cramp log: cannot keep cramp '%s'", id);
		l->n_memory++;
		store_failed(l, r);
	}
	if (suspected) {
		log_info("suspected cramp logged (from %s); a report within %lld min confirms it",
			 source, (long long) (l->suspects.window_s / 60));
		if (cramp_confirm_add(&l->suspects, id, time_s) < 0)
			log_warning("cramp log: cannot remember '%s' to confirm it", id);
	} else {
		l->receipt = (struct cramp_receipt){
			.known = true,
			.received_usec = received_usec,
			.time_s = time_s,
			.leg = CRAMP_LEG_UNKNOWN,
			.own_time = own_time,
		};
		(void) cramp_leg_from_string(leg, &l->receipt.leg);
		log_info("cramp logged: leg %s%s%s, from %s%s%s", leg, site ? ", " : "",
			 site ? site : "", source, confirms ? ", confirming " : "",
			 confirms ? confirms : "");
		if (confirms) {
			enum cramp_leg l_leg = CRAMP_LEG_UNKNOWN;

			(void) cramp_leg_from_string(leg, &l_leg);
			cramp_confirm_mark(&l->suspects, confirms, l_leg, time_s);
		}
	}
	for (unsigned i = 0; i < res.n_advisories; i++)
		cramp_log_advise(l, &res.advisories[i], now_usec);
	cramp_log_pump(l);
	if (l->cb->changed)
		l->cb->changed(l->userdata);
	return 0;
}

int cramp_log_record(struct cramp_log *l, const char *leg, const char *site, int64_t time_s,
		     const char *source, bool suspected, const char *note)
{
	return record(l, leg, site, time_s, false, source, suspected, note, false);
}

int cramp_log_record_estimated(struct cramp_log *l, const char *leg, int64_t time_s,
			       const char *source)
{
	return record(l, leg, NULL, time_s, false, source, false, NULL, true);
}

static void on_connected(struct mqtt *mqtt, void *userdata)
{
	cramp_log_pump(userdata);
}

/* The broker has the cramp of @f: where it is kept says so. Returns 0 or a negative errno. */
static int mark_delivered(struct cramp_log *l, const struct in_flight *f)
{
	if (f->in_memory) {
		for (size_t j = 0; j < l->n_memory; j++)
			if (strcmp(l->memory[j].id, f->id) == 0)
				l->memory[j].delivered = true;
		return 0;
	}
	return l->store ? store_cramp_mark_delivered(l->store, f->id) : 0;
}

static void on_published(struct mqtt *mqtt, int mid, void *userdata)
{
	struct cramp_log *l = userdata;

	for (unsigned i = 0; i < l->n_flight; i++) {
		struct in_flight *f = &l->flight[i];
		int r = 0;

		if (f->mid != mid)
			continue;
		/* For a version sent before an amendment: the amended one waits to go. */
		if (!f->outdated)
			r = mark_delivered(l, f);
		if (r < 0 && r != -ENOENT)
			cramp_log_acked_add(l, f->id, r);
		flight_drop(l, i);
		cramp_log_pump(l);
		return;
	}
}

static const struct mqtt_watch_callbacks watch_callbacks = {
	.connected = on_connected,
	.published = on_published,
};

/* <base>/cramp: the phone, Home Assistant or bedroomctl reports one. */
static void on_cramp_command(const struct mqtt_message *msg, void *userdata)
{
	struct cramp_log *l = userdata;
	char said[72];
	int64_t now = (int64_t) (clock_realtime_usec() / 1000000);
	struct cramp_command c;
	char reason[CRAMP_REASON_MAX];

	/*
	 * A retained report is a cramp from the past, sent again on every
	 * (re)subscribe: it was logged when it came, and would be logged again. An
	 * empty one is a retained message being cleared: no cramp in a medical log.
	 */
	if (command_guard_refuses(&l->guard, &l->warn, msg,
				  "a cramp report has a payload ({} for one now, leg unknown)"))
		return;
	if (cramp_command_parse(msg->payload, msg->len, now, &c, reason, sizeof(reason)) < 0) {
		warn_limited(&l->warn, "ignoring a cramp report on '%s': %s; it said '%s'",
			     msg->topic, reason,
			     log_excerpt(msg->payload, msg->len, said, sizeof(said)));
		return;
	}
	if (c.pressed_unused)
		log_info("cramp report on '%s': its \"pressed\" is %s: logged as a cramp now",
			 msg->topic, c.pressed_unused);
	if (c.set_aside[0])
		warn_limited(&l->warn, "cramp report on '%s' logged without: %s", msg->topic,
			     c.set_aside);
	if (c.ahead_s > 0) {
		char ahead[32];

		warn_limited(&l->warn,
			     "cramp report on '%s': its time is %s ahead of this machine's clock: "
			     "logged at its own time; is the clock right (NTP)?",
			     msg->topic, clock_format_span(c.ahead_s, ahead, sizeof(ahead)));
	}
	/* Never too old to log (a replay after an outage included): it keeps its own time. */
	if (c.time && now - c.time > 60) {
		char when[40], span[32];

		if (clock_format_offset(c.time, clock_local_offset_s(c.time), when, sizeof(when)) >=
		    0)
			log_info("cramp report for %s, %s ago: it keeps its own time", when,
				 clock_format_span(now - c.time, span, sizeof(span)));
	}
	/* Its own time (or its sender's "pressed"): the reporter's clock, not ours. */
	(void) record(l, c.leg, c.site[0] ? c.site : NULL, c.time, c.time != 0, c.source, false,
		      c.note[0] ? c.note : NULL, false);
}

int cramp_log_attach(struct cramp_log *l, struct mqtt *mqtt)
{
	int r;

	assert(l);
	assert(mqtt);
	if (l->mqtt == mqtt)
		return 0;
	detach(l);
	l->warn.event = mqtt_get_event(mqtt);
	l->repeats.event = l->warn.event;
	/* QoS 1 on our persistent session: a report sent while we restart waits for us. */
	r = mqtt_subscribe_below(mqtt, "cramp", 1, on_cramp_command, l, &l->command_slot);
	if (r >= 0)
		r = mqtt_watch(mqtt, &watch_callbacks, l, &l->watch);
	if (r < 0) {
		detach(l);
		return r;
	}
	l->mqtt = mqtt;
	cramp_log_pump(l);
	return 0;
}

int cramp_log_add_state(struct cramp_log *l, json_t *state)
{
	int64_t now_s = (int64_t) (clock_realtime_usec() / 1000000), last = 0;
	char time[40];

	/*
	 * Without the history (no store yet, it failed to open, or its cramps could
	 * not be read) the count is not known: null, which Home Assistant shows as
	 * unknown, not a 0 it would keep in its statistics; each cramp's event says
	 * the same. The last cramp is said only if this run logged one.
	 */
	json_object_set_new(state, "cramps_7d",
			    json_count_or_null(l->count_known
						   ? (int) cramp_tracker_count(l->tracker, now_s)
						   : COUNT_7D_UNKNOWN));
	if (cramp_tracker_last(l->tracker, &last) < 0) {
		json_object_set_new(state, "last_cramp", json_null());
		return 0;
	}
	(void) clock_format_offset(last, clock_local_offset_s(last), time, sizeof(time));
	json_object_set_new(state, "last_cramp", json_string(time));
	return 0;
}
