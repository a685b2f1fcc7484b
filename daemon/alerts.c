#include "daemon/alerts.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actuators/heater.h"
#include "control/thermostat.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"

/* Enough for every alert of a long broker outage; the oldest go first when full. */
#define PENDING_MAX 64
/*
 * Alerts restored at most: far more than a bedroom raises at once (a few per
 * heater and sensor). The retained <base>/state they may come from is anyone's
 * to publish on a broker without ACLs: a list of thousands must not become
 * thousands of "cleared" events.
 */
#define RESTORE_MAX 64
/*
 * Clears kept for a replay to a Home Assistant that was away (alerts_replay()):
 * the last of each alert, for a day of running (CLOCK_MONOTONIC: a clear made
 * before NTP set the clock, at 1970 or fake-hwclock's last save, is not a day
 * old because the clock then jumped). Far more than a bedroom clears in one.
 */
#define RECENT_MAX  32
#define RECENT_USEC (24ULL * 3600 * 1000000)

struct active {
	char *kind;
	char *source;
	char since[40];
	bool restored;         /* left active by a previous run, not raised again yet */
	bool reloaded;         /* restored: from a part a reload made anew, not a restart */
	uint64_t recheck_usec; /* restored: cleared at this CLOCK_MONOTONIC time */
	uint64_t horizon_usec; /* restored: how long its check takes */
	bool needs_broker;     /* restored: its check counts only while connected */
	json_t *event;         /* its "raised", for a replay; NULL: not made yet (restored) */
};

/* An alert cleared lately: its "cleared", for a replay. */
struct recent {
	char *kind;
	char *source;
	uint64_t cleared_usec; /* CLOCK_MONOTONIC: when it was cleared */
	json_t *event;
};

struct alerts {
	const struct alerts_callbacks *cb;
	void *userdata;
	struct mqtt *mqtt;        /* where events go; NULL: not yet */
	struct mqtt_slot *watch;  /* sends what waits on every connect */
	sd_event_source *defer;   /* sends soon after a change, once per loop iteration */
	sd_event_source *recheck; /* clears the restored alerts nobody raised again */
	sd_event *event;
	bool active_changed;
	char *node_id;
	uint64_t seq; /* with the start time, makes ids unique across restarts */
	uint64_t boot_usec;
	struct active *active;
	size_t n_active;
	char *pending[PENDING_MAX]; /* serialised events, oldest first */
	unsigned n_pending;
	struct recent recent[RECENT_MAX]; /* the last clear of each alert, oldest first */
	unsigned n_recent;
};

static int arm_recheck(struct alerts *a);

/* After whatever raised, cleared or noticed something in this loop iteration: out it goes. */
static int on_defer(sd_event_source *s, void *userdata)
{
	struct alerts *a = userdata;

	if (a->mqtt)
		(void) alerts_flush(a, a->mqtt);
	if (a->active_changed && a->cb && a->cb->changed) {
		a->active_changed = false;
		a->cb->changed(a->userdata);
	}
	return 0;
}

int alerts_set_node_id(struct alerts *a, const char *node_id)
{
	char *id = strdup(node_id);

	if (!id)
		return -ENOMEM;
	free(a->node_id);
	a->node_id = id;
	return 0;
}

int alerts_new(sd_event *event, const char *node_id, const struct alerts_callbacks *cb,
	       void *userdata, struct alerts **ret)
{
	struct alerts *a;
	int r;

	assert(event);
	assert(node_id);
	assert(ret);
	a = calloc(1, sizeof(*a));
	if (!a || !(a->node_id = strdup(node_id))) {
		free(a);
		return -ENOMEM;
	}
	a->cb = cb;
	a->userdata = userdata;
	a->event = event;
	a->boot_usec = clock_realtime_usec();
	r = sd_event_add_defer(event, &a->defer, on_defer, a);
	if (r >= 0)
		r = event_source_describe(a->defer, "alerts");
	if (r >= 0)
		r = sd_event_source_set_enabled(a->defer, SD_EVENT_OFF);
	if (r < 0) {
		alerts_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

/*
 * Connected (again): what needs the broker to be seen again has had no chance
 * while it was away (no command reached a plug), so its check starts anew.
 */
static void recheck_from_now(struct alerts *a)
{
	uint64_t now = clock_monotonic_usec();

	for (size_t i = 0; i < a->n_active; i++)
		if (a->active[i].restored && a->active[i].needs_broker)
			a->active[i].recheck_usec = now + a->active[i].horizon_usec;
	(void) arm_recheck(a);
}

static void on_connected(struct mqtt *mqtt, void *userdata)
{
	recheck_from_now(userdata);
	(void) alerts_flush(userdata, mqtt);
}

static const struct mqtt_watch_callbacks watch_callbacks = {
	.connected = on_connected,
};

int alerts_attach(struct alerts *a, struct mqtt *mqtt)
{
	struct mqtt_slot *watch = NULL;
	int r;

	assert(a);
	assert(mqtt);
	r = mqtt_watch(mqtt, &watch_callbacks, a, &watch);
	/* Never left on the old connection: it is freed once it has said "offline". */
	a->watch = mqtt_slot_free(a->watch);
	a->mqtt = NULL;
	if (r < 0)
		return r;
	a->watch = watch;
	a->mqtt = mqtt;
	(void) alerts_flush(a, mqtt);
	return 0;
}

/* Something to send, or the active set changed: act once the current handler is done. */
static void soon(struct alerts *a, bool active_changed)
{
	a->active_changed |= active_changed;
	(void) sd_event_source_set_enabled(a->defer, SD_EVENT_ONESHOT);
}

static void recent_drop(struct alerts *a, unsigned i)
{
	free(a->recent[i].kind);
	free(a->recent[i].source);
	json_decref(a->recent[i].event);
	memmove(a->recent + i, a->recent + i + 1, (a->n_recent - i - 1) * sizeof(a->recent[0]));
	a->n_recent--;
}

struct alerts *alerts_free(struct alerts *a)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < a->n_active; i++) {
		free(a->active[i].kind);
		free(a->active[i].source);
		json_decref(a->active[i].event);
	}
	while (a->n_recent > 0)
		recent_drop(a, a->n_recent - 1);
	free(a->active);
	for (unsigned i = 0; i < a->n_pending; i++)
		free(a->pending[i]);
	a->watch = mqtt_slot_free(a->watch);
	a->defer = sd_event_source_disable_unref(a->defer);
	a->recheck = sd_event_source_disable_unref(a->recheck);
	free(a->node_id);
	free(a);
	return NULL;
}

static struct active *find(const struct alerts *a, const char *kind, const char *source)
{
	for (size_t i = 0; i < a->n_active; i++)
		if (strcmp(a->active[i].kind, kind) == 0 &&
		    strcmp(a->active[i].source, source) == 0)
			return &a->active[i];
	return NULL;
}

/* A new event with a new id (a new reference), or NULL: out of memory. */
static json_t *make_event(struct alerts *a, const char *kind, const char *source, const char *state,
			  const char *message, const char *time)
{
	char id[160];

	snprintf(id, sizeof(id), "%s-alert-%llx-%llu", a->node_id,
		 (unsigned long long) (a->boot_usec / 1000), (unsigned long long) ++a->seq);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "time", time, "kind", kind,
			 "state", state, "source", source, "message", message);
}

/* Queues @event, marked "replay": true when it is one. Returns 0 or -ENOMEM. */
static int push_event(struct alerts *a, json_t *event, bool replay)
{
	json_t *copy = replay ? json_copy(event) : json_incref(event);
	char *text = NULL;

	if (copy && (!replay || json_object_set_new(copy, "replay", json_true()) == 0))
		text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	if (!text)
		return -ENOMEM;
	if (a->n_pending == PENDING_MAX) {
		free(a->pending[0]);
		memmove(a->pending, a->pending + 1, (PENDING_MAX - 1) * sizeof(a->pending[0]));
		a->n_pending--;
	}
	a->pending[a->n_pending++] = text;
	return 0;
}

/* Makes and queues an event; @ret_event (may be NULL) gets a new reference to it. */
static int queue_event(struct alerts *a, const char *kind, const char *source, const char *state,
		       const char *message, const char *time, json_t **ret_event)
{
	json_t *event = make_event(a, kind, source, state, message, time);
	int r = event ? push_event(a, event, false) : -ENOMEM;

	if (r < 0) {
		json_decref(event);
		return r;
	}
	soon(a, strcmp(state, "notice") != 0);
	if (ret_event)
		*ret_event = event;
	else
		json_decref(event);
	return 0;
}

/*
 * Keeps @event (taken), the "cleared" of @kind of @source, as the last clear of
 * that alert, cleared at @cleared_usec (CLOCK_MONOTONIC).
 */
static void recent_add(struct alerts *a, const char *kind, const char *source,
		       uint64_t cleared_usec, json_t *event)
{
	struct recent r = { .kind = strdup(kind),
			    .source = strdup(source),
			    .cleared_usec = cleared_usec,
			    .event = event };

	for (unsigned i = 0; i < a->n_recent; i++)
		if (strcmp(a->recent[i].kind, kind) == 0 &&
		    strcmp(a->recent[i].source, source) == 0) {
			recent_drop(a, i);
			break;
		}
	if (!r.kind || !r.source) {
		free(r.kind);
		free(r.source);
		json_decref(event);
		return; /* not replayed, nothing worse */
	}
	if (a->n_recent == RECENT_MAX)
		recent_drop(a, 0);
	a->recent[a->n_recent++] = r;
}

static int add_active(struct alerts *a, const char *kind, const char *source, const char *since,
		      bool restored)
{
	struct active *active = realloc(a->active, (a->n_active + 1) * sizeof(*active));

	if (!active)
		return -ENOMEM;
	a->active = active;
	active = &a->active[a->n_active];
	*active =
	    (struct active){ .kind = strdup(kind), .source = strdup(source), .restored = restored };
	if (!active->kind || !active->source) {
		free(active->kind);
		free(active->source);
		return -ENOMEM;
	}
	snprintf(active->since, sizeof(active->since), "%s", since);
	a->n_active++;
	return 0;
}

int alerts_raise(struct alerts *a, const char *kind, const char *source, const char *message,
		 uint64_t realtime_usec)
{
	struct active *active;
	char time[40];
	int r;

	assert(a);
	active = find(a, kind, source);
	if (active) {
		if (active->restored) { /* still so after the restart or reload: confirmed */
			active->restored = false;
			active->reloaded = false;
			(void) arm_recheck(a);
		}
		return 0;
	}
	(void) clock_format_local(realtime_usec, time, sizeof(time));
	r = add_active(a, kind, source, time, false);
	if (r < 0)
		return r;
	r = queue_event(a, kind, source, "raised", message, time,
			&a->active[a->n_active - 1].event);
	return r < 0 ? r : 1;
}

int alerts_clear(struct alerts *a, const char *kind, const char *source, const char *message,
		 uint64_t realtime_usec)
{
	struct active *active = find(a, kind, source);
	json_t *event = NULL;
	char time[40];
	int r;

	assert(a);
	if (!active)
		return 0;
	(void) clock_format_local(realtime_usec, time, sizeof(time));
	r = queue_event(a, kind, source, "cleared", message, time, &event);
	if (r >= 0)
		recent_add(a, kind, source, clock_monotonic_usec(), event);
	free(active->kind);
	free(active->source);
	json_decref(active->event);
	*active = a->active[--a->n_active];
	return r < 0 ? r : 1;
}

int alerts_clear_gone(struct alerts *a, bool (*gone)(const char *source, void *userdata),
		      void *userdata, uint64_t realtime_usec)
{
	int n = 0;

	assert(a);
	assert(gone);
	/* alerts_clear() moves the last one into the place it empties: look at it again. */
	for (size_t i = 0; i < a->n_active;) {
		char message[160], *kind, *source;

		if (!gone(a->active[i].source, userdata)) {
			i++;
			continue;
		}
		/* Copies: alerts_clear() frees the entry's own. */
		kind = strdup(a->active[i].kind);
		source = strdup(a->active[i].source);
		if (!kind || !source) {
			free(kind);
			free(source);
			return -ENOMEM;
		}
		snprintf(message, sizeof(message), "%s is not configured any more.", source);
		(void) alerts_clear(a, kind, source, message, realtime_usec);
		log_info("alert %s of %s cleared: not configured any more", kind, source);
		free(kind);
		free(source);
		n++;
	}
	return n;
}

int alerts_notify(struct alerts *a, const char *kind, const char *source, const char *message,
		  uint64_t realtime_usec)
{
	char time[40];

	assert(a);
	(void) clock_format_local(realtime_usec, time, sizeof(time));
	return queue_event(a, kind, source, "notice", message, time, NULL);
}

static int on_recheck(sd_event_source *s, uint64_t usec, void *userdata);

/* Arms the recheck for the earliest restored alert nobody raised again; off if none. */
static int arm_recheck(struct alerts *a)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < a->n_active; i++)
		if (a->active[i].restored && a->active[i].recheck_usec < next)
			next = a->active[i].recheck_usec;
	if (next == UINT64_MAX)
		return a->recheck ? sd_event_source_set_enabled(a->recheck, SD_EVENT_OFF) : 0;
	if (!a->recheck) {
		int r = sd_event_add_time(a->event, &a->recheck, CLOCK_MONOTONIC, next, 0,
					  on_recheck, a);

		return r < 0 ? r : event_source_describe(a->recheck, "alerts-recheck");
	}
	(void) sd_event_source_set_time(a->recheck, next);
	return sd_event_source_set_enabled(a->recheck, SD_EVENT_ONESHOT);
}

/* Its check is over: what a previous run left active and nobody raised again has ended. */
static int on_recheck(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct alerts *a = userdata;
	uint64_t now = clock_realtime_usec();
	size_t i = 0;

	(void) s;
	while (i < a->n_active) {
		struct active *active = &a->active[i];

		if (!active->restored || active->recheck_usec > usec) {
			i++;
			continue;
		}
		if (active->needs_broker && a->mqtt && !mqtt_is_connected(a->mqtt)) {
			log_info("alert %s of %s: its check waits for the broker", active->kind,
				 active->source);
			active->recheck_usec = UINT64_MAX; /* until recheck_from_now() */
			i++;
			continue;
		}
		log_info("alert %s of %s, left by %s, was not seen again: cleared", active->kind,
			 active->source,
			 active->reloaded ? "the configuration before the reload" : "the last run");
		/* Moves the last one into i: look at i again. */
		(void) alerts_clear(a, active->kind, active->source,
				    active->reloaded ? "Not seen again since bedroomd reloaded its "
						       "configuration."
						     : "Not seen again since bedroomd restarted.",
				    now);
	}
	return arm_recheck(a);
}

char *alerts_active_text(const struct alerts *a)
{
	json_t *list = alerts_active_json(a);
	char *text = list ? json_dumps(list, JSON_COMPACT) : NULL;

	json_decref(list);
	return text;
}

/*
 * The kinds of alert bedroomd raises (notices are never active, so never
 * restored): the daemon's own (alerts.h) and the heaters' and the
 * thermostat's, named by their modules.
 */
static const char *const daemon_alert_kinds[] = {
	ALERT_SENSOR_STALE,
	ALERT_INPUT_FAILED,
	ALERT_STORE_FAILED,
	ALERT_STORE_IO_ERROR,
};

static bool kind_known(const char *kind)
{
	for (size_t i = 0; i < sizeof(daemon_alert_kinds) / sizeof(daemon_alert_kinds[0]); i++)
		if (strcmp(kind, daemon_alert_kinds[i]) == 0)
			return true;
	for (int i = 0; i < _HEATER_ALERT_MAX; i++)
		if (strcmp(kind, heater_alert_to_string((enum heater_alert) i)) == 0)
			return true;
	for (int i = 0; i < _THERMOSTAT_ALERT_MAX; i++)
		if (strcmp(kind, thermostat_alert_to_string((enum thermostat_alert) i)) == 0)
			return true;
	return false;
}

static int two_digits(const char *p)
{
	return (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9')
		   ? (p[0] - '0') * 10 + (p[1] - '0')
		   : -1;
}

/*
 * Whether @since is a time as alerts write it (clock_format_local():
 * "2026-01-31T03:12:05+01:00"). Not clock_parse_iso8601(): a clock not set
 * yet, west of UTC, writes 1969, which is still an alert's time.
 */
static bool since_is_time(const char *since)
{
	int mo, d, h, mi, sec, oh, om;

	if (strlen(since) != 25 || two_digits(since) < 0 || two_digits(since + 2) < 0 ||
	    since[4] != '-' || since[7] != '-' || since[10] != 'T' || since[13] != ':' ||
	    since[16] != ':' || (since[19] != '+' && since[19] != '-') || since[22] != ':')
		return false;
	mo = two_digits(since + 5);
	d = two_digits(since + 8);
	h = two_digits(since + 11);
	mi = two_digits(since + 14);
	sec = two_digits(since + 17);
	oh = two_digits(since + 20);
	om = two_digits(since + 23);
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 &&
	       mi <= 59 && sec >= 0 && sec <= 60 && oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
}

/*
 * Whether an alert read back (from the store, or from the last run's state
 * retained on the broker, which anyone may publish) is one bedroomd could have
 * raised: a kind it knows and a "since" it wrote. A source it does not have
 * now is let through: not seen again, it is cleared after its check.
 */
static bool restorable(const char *kind, const char *source, const char *since)
{
	if (!kind_known(kind)) {
		log_debug("alerts: not restoring an alert of unknown kind '%s' from '%s'", kind,
			  source);
		return false;
	}
	if (!since_is_time(since)) {
		log_debug("alerts: not restoring '%s' of '%s': its since '%s' is no time", kind,
			  source, since);
		return false;
	}
	return true;
}

/* Restored @active's check ends at @recheck_usec (CLOCK_MONOTONIC), counted from @now_usec. */
static void restored_check(struct alerts *a, struct active *active, uint64_t recheck_usec,
			   uint64_t now_usec)
{
	active->recheck_usec = recheck_usec;
	active->horizon_usec = recheck_usec - now_usec;
	active->needs_broker = a->cb && a->cb->needs_broker &&
			       a->cb->needs_broker(active->kind, active->source, a->userdata);
}

int alerts_restore(struct alerts *a, const char *text, alerts_recheck_fn recheck, void *userdata)
{
	uint64_t now = clock_monotonic_usec();
	json_error_t error;
	json_t *list, *item;
	size_t i;
	int n = 0, r = 0;

	assert(a);
	assert(text);
	assert(recheck);
	list = json_loads(text, 0, &error);
	if (!json_is_array(list)) {
		json_decref(list);
		return -EBADMSG;
	}
	json_array_foreach(list, i, item)
	{
		const char *kind = json_string_value(json_object_get(item, "kind"));
		const char *source = json_string_value(json_object_get(item, "source"));
		const char *since = json_string_value(json_object_get(item, "since"));

		if (!kind || !source || !since || find(a, kind, source) ||
		    !restorable(kind, source, since))
			continue;
		if (n == RESTORE_MAX) {
			log_warning("alerts: restoring only the first %d of %zu", RESTORE_MAX,
				    json_array_size(list));
			break;
		}
		r = add_active(a, kind, source, since, true);
		if (r < 0)
			break;
		restored_check(a, &a->active[a->n_active - 1],
			       now + recheck(kind, source, userdata), now);
		n++;
	}
	json_decref(list);
	if (n > 0) {
		int k = arm_recheck(a);

		soon(a, true);
		r = r < 0 ? r : k;
	}
	return r < 0 ? r : n;
}

int alerts_recheck(struct alerts *a, const char *kind, const char *source, uint64_t horizon_usec)
{
	struct active *active;
	uint64_t now;
	int r;

	assert(a);
	active = find(a, kind, source);
	if (!active)
		return 0;
	active->restored = true;
	active->reloaded = true;
	now = clock_monotonic_usec();
	restored_check(a, active, now + horizon_usec, now);
	r = arm_recheck(a);
	return r < 0 ? r : 1;
}

int alerts_replay(struct alerts *a, uint64_t now_usec)
{
	int n = 0, r = 0;

	assert(a);
	/* Cleared over a day of running ago: long off the phone, whatever the wall clock did. */
	for (unsigned i = 0; i < a->n_recent;)
		if (now_usec > a->recent[i].cleared_usec &&
		    now_usec - a->recent[i].cleared_usec > RECENT_USEC)
			recent_drop(a, i);
		else
			i++;
	/* The clears first: an alert raised again since is active, and its "raised" comes last. */
	for (unsigned i = 0; i < a->n_recent && r >= 0; i++) {
		if (find(a, a->recent[i].kind, a->recent[i].source))
			continue;
		r = push_event(a, a->recent[i].event, true);
		n += r >= 0;
	}
	for (size_t i = 0; i < a->n_active && r >= 0; i++) {
		struct active *active = &a->active[i];

		if (!active->event) { /* left by the last run: its "raised" went out then */
			char message[96];

			snprintf(message, sizeof(message),
				 "Active since %s (raised before bedroomd restarted).",
				 active->since);
			active->event = make_event(a, active->kind, active->source, "raised",
						   message, active->since);
			if (!active->event) {
				r = -ENOMEM;
				break;
			}
		}
		r = push_event(a, active->event, true);
		n += r >= 0;
	}
	if (n > 0)
		soon(a, false);
	return r < 0 ? r : n;
}

int alerts_flush(struct alerts *a, struct mqtt *mqtt)
{
	int sent = 0;

	assert(a);
	assert(mqtt);
	if (!mqtt_is_connected(mqtt))
		return 0;
	while (a->n_pending > 0) {
		const char *text = a->pending[0];

		if (mqtt_publish_below(mqtt, "event/alert", text, strlen(text), 1, false, NULL) < 0)
			break;
		free(a->pending[0]);
		memmove(a->pending, a->pending + 1, (a->n_pending - 1) * sizeof(a->pending[0]));
		a->n_pending--;
		sent++;
	}
	return sent;
}

json_t *alerts_active_json(const struct alerts *a)
{
	json_t *list = json_array();

	assert(a);
	for (size_t i = 0; list && i < a->n_active; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "kind", a->active[i].kind,
						      "source", a->active[i].source, "since",
						      a->active[i].since));
	return list;
}

bool alerts_is_active(const struct alerts *a, const char *kind)
{
	assert(a);
	for (size_t i = 0; i < a->n_active; i++)
		if (strcmp(a->active[i].kind, kind) == 0)
			return true;
	return false;
}

unsigned alerts_pending(const struct alerts *a)
{
	assert(a);
	return a->n_pending;
}
