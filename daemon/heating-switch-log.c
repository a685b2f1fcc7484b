/*
 * One info line per change of what a heater is told, for whoever reads the
 * journal at night: ON or OFF, and why in a few words (the reading and the
 * floor that decided it, a fail-safe, the mode, a reload, the stop). Not one
 * per re-send or keep-alive: those change nothing.
 */
#include <math.h>
#include <stdio.h>

#include "daemon/heating-internal.h"
#include "daemon/log.h"

/* "room 17.9 °C", or "room unknown". */
static void room_text(const struct thermostat_input *in, char *buf, size_t size)
{
	if (in->room_known && !isnan(in->room_c))
		snprintf(buf, size, "room %.1f °C", in->room_c);
	else
		snprintf(buf, size, "room unknown");
}

/* "floor 18.0 °C", or "no floor". */
static void floor_text(double floor_c, char *buf, size_t size)
{
	if (isnan(floor_c))
		snprintf(buf, size, "no floor");
	else
		snprintf(buf, size, "floor %.1f °C", floor_c);
}

/* Why stage @i of decision @d (NULL: the thermostat refused its inputs) is what it is. */
static void why_text(const struct heating *h, unsigned i, const struct thermostat_decision *d,
		     char *buf, size_t size)
{
	char room[32], floor[32];

	if (!d) {
		snprintf(buf, size, "fail-safe: the thermostat refused its inputs");
		return;
	}
	room_text(&h->in, room, sizeof(room));
	floor_text(d->floor_c, floor, sizeof(floor));
	switch (d->stage[i].reason) {
	case THERMOSTAT_REASON_HEATING:
		snprintf(buf, size, "%s, %s", room, floor);
		return;
	case THERMOSTAT_REASON_IDLE:
		/* A later stage the earlier one, on and answering, does without (it stood in). */
		for (unsigned j = 0; j < i; j++)
			if (h->stages[j].on && !h->in.heater[j].unavailable) {
				snprintf(buf, size, "not needed beside %s: %s, %s",
					 h->stages[j].source, room, floor);
				return;
			}
		/*
		 * A reading below the floor and "warm enough" read as a contradiction
		 * (a user trial): the thermostat judges the air it estimates (the
		 * reading lags it; the model knows the heat still to come): said.
		 */
		if (isfinite(d->estimate_c) && h->in.room_known && isfinite(h->in.room_c) &&
		    isfinite(d->floor_c) && h->in.room_c < d->floor_c &&
		    d->estimate_c >= d->floor_c)
			snprintf(buf, size, "warm enough: %s, the air estimated at %.1f °C, %s",
				 room, d->estimate_c, floor);
		else
			snprintf(buf, size, "warm enough: %s, %s", room, floor);
		return;
	case THERMOSTAT_REASON_PREHEAT:
		snprintf(buf, size, "pre-heating for the night's floor %.1f °C: %s", h->in.floor_c,
			 room);
		return;
	case THERMOSTAT_REASON_NO_FLOOR:
		snprintf(buf, size, "no floor held by day (no day_floor): %s", room);
		return;
	case THERMOSTAT_REASON_MODE_OFF:
		snprintf(buf, size, "mode off");
		return;
	case THERMOSTAT_REASON_MIN_ON:
		snprintf(buf, size, "held on by min_on: %s, %s", room, floor);
		return;
	case THERMOSTAT_REASON_MIN_OFF:
		snprintf(buf, size, "held off by min_off: %s, %s", room, floor);
		return;
	case THERMOSTAT_REASON_SENSOR_STALE:
		snprintf(buf, size, "fail-safe: no valid room reading (sensor_stale)");
		return;
	case THERMOSTAT_REASON_NO_READING_YET:
		snprintf(buf, size, "no room reading yet");
		return;
	case THERMOSTAT_REASON_FALLBACK_DUTY:
		snprintf(buf, size, "fallback_duty: no valid room reading");
		return;
	case THERMOSTAT_REASON_OVER_TEMPERATURE:
		snprintf(buf, size, "fail-safe: %s, cut-off %.1f °C (over_temperature)", room,
			 h->thermostat_params.overheat_c);
		return;
	case THERMOSTAT_REASON_MAX_ON_TIME:
		snprintf(buf, size, "fail-safe: on for max_on_time, resting");
		return;
	case THERMOSTAT_REASON_NO_EFFECT:
		snprintf(buf, size,
			 "fail-safe: heating did not warm the room (no_effect), resting");
		return;
	}
	snprintf(buf, size, "%s, %s", room, floor);
}

void heating_log_switch(const struct heating *h, unsigned i, const struct thermostat_decision *d)
{
	const struct stage *s = &h->stages[i];
	char why[160], stand_in[128] = "";

	why_text(h, i, d, why, sizeof(why));
	/* A later stage switched on for an earlier one whose plug is offline or unconfirmed. */
	for (unsigned j = 0; j < i && s->on && !stand_in[0]; j++)
		if (h->stages[j].on && h->in.heater[j].unavailable)
			snprintf(stand_in, sizeof(stand_in), "; standing in for %s",
				 h->stages[j].source);
	log_info("%s: %s (%s%s%s%s)", s->source, s->on ? "ON" : "OFF", why, stand_in,
		 h->reloaded && !h->stepped ? ", just after the reload" : "",
		 h->connected ? "" : "; sent once the broker is back");
}

void heating_log_switch_off_at_stop(const struct stage *s)
{
	const struct heating *h = s->heating;

	/* Leaving for another connection: heating_say_leaving_broker() said it. */
	if (h->stop_for == HEATING_STOP_NEW_CONNECTION)
		return;
	log_info("%s: OFF (%s)", s->source,
		 h->stop_for == HEATING_STOP_RELOAD
		     ? "the reload removed this heater, renamed it or gave it another plug"
		     : "bedroomd stops");
}
