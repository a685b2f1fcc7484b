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

static json_t *tristate(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *real_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 100) / 100);
}

json_t *cramp_log_count_json(int count_7d)
{
	return count_7d < 0 ? json_null() : json_integer(count_7d);
}

static char *event_json(const struct store_cramp *c)
{
	char time[40], since[40];
	json_t *event;
	char *text;

	(void) clock_format_offset(c->time, c->tz_offset_s, time, sizeof(time));
	if (c->in_bed_since > 0)
		(void) clock_format_offset(c->in_bed_since, clock_local_offset_s(c->in_bed_since),
					   since, sizeof(since));
	event = json_pack(
	    "{s:s, s:s, s:b, s:b, s:s, s:s?, s:s, s:b, s:s?, s:s?, s:o, s:{s:o, s:o, s:o, s:s?, "
	    "s:o, s:o, s:o}}",
	    "id", c->id, "time", time, "time_estimated", c->time_estimated, "amended", c->amended,
	    "leg", c->leg, "site", c->site, "source", c->source, "suspected", c->suspected,
	    "confirms", c->confirms, "note", c->note, "cramps_7d",
	    cramp_log_count_json(c->count_7d), "context", "room_temperature",
	    real_or_null(c->room_c), "lowest_room_temperature", real_or_null(c->min_room_c),
	    "in_bed", tristate(c->in_bed), "in_bed_since", c->in_bed_since > 0 ? since : NULL,
	    "heater_on", tristate(c->heater_on), "heater_duty_1h", real_or_null(c->heater_duty_1h),
	    "foot_soak_done", tristate(c->soak_done));
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
