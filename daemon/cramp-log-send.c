/*
 * The cramp log's outbox on the broker: each cramp as its <base>/event/cramp
 * event, sent oldest first from the store (then from memory, what the store
 * could not take), at most WINDOW unacknowledged at a time.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/cramp-event.h"
#include "daemon/cramp-log-internal.h"
#include "daemon/log.h"
#include "daemon/mqtt.h"
#include "store/store.h"

static bool in_flight(const struct cramp_log *l, const char *id)
{
	for (unsigned i = 0; i < l->n_flight; i++)
		if (strcmp(l->flight[i].id, id) == 0)
			return true;
	return false;
}

static char *event_json(const struct store_cramp *c)
{
	json_t *event = cramp_event_json(c);
	char *text;

	text = event ? json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6))
		     : NULL;
	json_decref(event);
	return text;
}

/* Hands one event to the broker; false when it cannot take more now. */
static bool send_one(struct cramp_log *l, const struct store_cramp *c, bool in_memory)
{
	char *text = event_json(c);
	int mid = 0, r;

	if (!text)
		return false;
	r = mqtt_publish_below(l->mqtt, "event/cramp", text, strlen(text), 1, false, &mid);
	free(text);
	if (r < 0) {
		if (r != -ENOTCONN)
			log_warning_errno(r, "cannot send cramp '%s', will retry", c->id);
		return false;
	}
	l->flight[l->n_flight] =
	    (struct in_flight){ .mid = mid, .id = strdup(c->id), .in_memory = in_memory };
	if (!l->flight[l->n_flight].id)
		return false;
	l->n_flight++;
	return true;
}

/* Sends what waits, oldest first, while the window has room. */
void cramp_log_pump(struct cramp_log *l)
{
	struct store_cramp *list = NULL;
	int n = 0;

	if (!mqtt_is_connected(l->mqtt) || l->n_flight >= WINDOW)
		return;
	cramp_log_acked_flush(l);
	if (l->store) {
		/* Past those the broker has though the store could not mark them. */
		n = store_cramps_read(l->store, true, 0, WINDOW * 2 + l->n_acked, &list);
		if (n < 0)
			log_warning_errno(n, "cannot read the cramp outbox");
	}
	for (int i = 0; i < n && l->n_flight < WINDOW; i++)
		if (!in_flight(l, list[i].id) && !cramp_log_acked_has(l, list[i].id) &&
		    !send_one(l, &list[i], false))
			break;
	if (n >= 0)
		store_cramps_free(list, (size_t) n);
	for (size_t i = 0; i < l->n_memory && l->n_flight < WINDOW; i++)
		if (!l->memory[i].delivered && !in_flight(l, l->memory[i].id) &&
		    !send_one(l, &l->memory[i], true))
			break;
}
