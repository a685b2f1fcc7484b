/*
 * The alerts: raised and cleared once each, their events queued for the
 * broker and replayed to a Home Assistant that was away. What a previous run
 * left active is alerts-restore.c's.
 */
#include "daemon/alerts.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/alerts-internal.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"

/* How long a clear is kept for a replay (RECENT_MAX in alerts-internal.h says why). */
#define RECENT_USEC (24ULL * 3600 * 1000000)

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

static void on_connected(struct mqtt *mqtt, void *userdata)
{
	alerts_recheck_from_now(userdata);
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
void alerts_soon(struct alerts *a, bool active_changed)
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

struct active *alerts_find(const struct alerts *a, const char *kind, const char *source)
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
	alerts_soon(a, strcmp(state, "notice") != 0);
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

int alerts_add_active(struct alerts *a, const char *kind, const char *source, const char *since,
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
	active = alerts_find(a, kind, source);
	if (active) {
		if (active->restored) { /* still so after the restart or reload: confirmed */
			active->restored = false;
			active->reloaded = false;
			(void) alerts_arm_recheck(a);
		}
		return 0;
	}
	(void) clock_format_local(realtime_usec, time, sizeof(time));
	r = alerts_add_active(a, kind, source, time, false);
	if (r < 0)
		return r;
	r = queue_event(a, kind, source, "raised", message, time,
			&a->active[a->n_active - 1].event);
	return r < 0 ? r : 1;
}

int alerts_clear(struct alerts *a, const char *kind, const char *source, const char *message,
		 uint64_t realtime_usec)
{
	struct active *active = alerts_find(a, kind, source);
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

char *alerts_active_text(const struct alerts *a)
{
	json_t *list = alerts_active_json(a);
	char *text = list ? json_dumps(list, JSON_COMPACT) : NULL;

	json_decref(list);
	return text;
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
		if (alerts_find(a, a->recent[i].kind, a->recent[i].source))
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
		alerts_soon(a, false);
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
