#include "daemon/alerts.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/clock.h"

/* Enough for every alert of a long broker outage; the oldest go first when full. */
#define PENDING_MAX 64

struct active {
	char *kind;
	char *source;
	char since[40];
};

struct alerts {
	char *node_id;
	uint64_t seq; /* with the start time, makes ids unique across restarts */
	uint64_t boot_usec;
	struct active *active;
	size_t n_active;
	char *pending[PENDING_MAX]; /* serialised events, oldest first */
	unsigned n_pending;
};

int alerts_new(const char *node_id, struct alerts **ret)
{
	struct alerts *a = calloc(1, sizeof(*a));

	assert(ret);
	if (!a || !(a->node_id = strdup(node_id))) {
		free(a);
		return -ENOMEM;
	}
	a->boot_usec = clock_realtime_usec();
	*ret = a;
	return 0;
}

struct alerts *alerts_free(struct alerts *a)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < a->n_active; i++) {
		free(a->active[i].kind);
		free(a->active[i].source);
	}
	free(a->active);
	for (unsigned i = 0; i < a->n_pending; i++)
		free(a->pending[i]);
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

static int queue_event(struct alerts *a, const char *kind, const char *source, const char *state,
		       const char *message, const char *time)
{
	char id[160];
	json_t *event;
	char *text;

	snprintf(id, sizeof(id), "%s-alert-%llx-%llu", a->node_id,
		 (unsigned long long) (a->boot_usec / 1000), (unsigned long long) ++a->seq);
	event = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "time", time, "kind", kind,
			  "state", state, "source", source, "message", message);
	text = event ? json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(event);
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

int alerts_raise(struct alerts *a, const char *kind, const char *source, const char *message,
		 uint64_t realtime_usec)
{
	struct active *active;
	char time[40];
	int r;

	assert(a);
	if (find(a, kind, source))
		return 0;
	active = realloc(a->active, (a->n_active + 1) * sizeof(*active));
	if (!active)
		return -ENOMEM;
	a->active = active;
	active = &a->active[a->n_active];
	*active = (struct active){ .kind = strdup(kind), .source = strdup(source) };
	if (!active->kind || !active->source) {
		free(active->kind);
		free(active->source);
		return -ENOMEM;
	}
	(void) clock_format_local(realtime_usec, time, sizeof(time));
	memcpy(active->since, time, sizeof(time));
	a->n_active++;
	r = queue_event(a, kind, source, "raised", message, time);
	return r < 0 ? r : 1;
}

int alerts_clear(struct alerts *a, const char *kind, const char *source, const char *message,
		 uint64_t realtime_usec)
{
	struct active *active = find(a, kind, source);
	char time[40];
	int r;

	assert(a);
	if (!active)
		return 0;
	(void) clock_format_local(realtime_usec, time, sizeof(time));
	r = queue_event(a, kind, source, "cleared", message, time);
	free(active->kind);
	free(active->source);
	*active = a->active[--a->n_active];
	return r < 0 ? r : 1;
}

int alerts_notify(struct alerts *a, const char *kind, const char *source, const char *message,
		  uint64_t realtime_usec)
{
	char time[40];

	assert(a);
	(void) clock_format_local(realtime_usec, time, sizeof(time));
	return queue_event(a, kind, source, "notice", message, time);
}

int alerts_flush(struct alerts *a, struct mqtt *mqtt)
{
	int sent = 0;

	assert(a);
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

unsigned alerts_pending(const struct alerts *a)
{
	assert(a);
	return a->n_pending;
}
