/*
 * Heating's part of a stop (and of a reload, for the heaters it lets go):
 * every plug told OFF, those that last said ON waited for, and named when
 * they did not answer. See heating_off() in heating.h.
 */
#include <assert.h>

#include "actuators/heater.h"
#include "daemon/clock.h"
#include "daemon/heating-internal.h"
#include "daemon/heating.h"

/*
 * Stage @s was told OFF by heating_off() and its plug, not offline, last said
 * ON on this connection: pending, or unconfirmed (a plug held after trips, or
 * one that never took an earlier OFF) alike. One that said nothing yet is not
 * waited for: nothing says it is there to answer.
 */
static bool off_unconfirmed(const struct stage *s)
{
	struct heater_status st;

	if (!s->heater || s->handed_over)
		return false;
	heater_get_status(s->heater, &st);
	return st.desired == HEATER_RELAY_OFF && st.confirmed == HEATER_RELAY_ON &&
	       st.availability != HEATER_AVAILABILITY_OFFLINE;
}

void heating_off(struct heating *h)
{
	uint64_t now = clock_monotonic_usec();

	assert(h);
	h->off = true;
	heating_settings_flush(&h->settings); /* a reload's new heating reads them back */
	heating_model_keep(h, now, true);
	for (unsigned i = 0; i < h->n_stages; i++) {
		struct heater_decision hd;
		bool was_on = h->stages[i].on;

		/* A switch held back (a flood of them) is not lost, sent OFF or not. */
		heating_relays_flush(&h->stages[i], now, true);
		heating_log_plug_events_held(&h->stages[i], UINT64_MAX);
		h->stages[i].on = false;
		/*
		 * An adopted heater lives on in the new heating, as it is; a handed
		 * over plug is the new heating's to switch.
		 */
		if (!h->stages[i].heater || h->stages[i].handed_over)
			continue;
		if (!h->connected) {
			heating_say_left_on(&h->stages[i]);
			continue;
		}
		if (was_on)
			heating_log_switch_off_at_stop(&h->stages[i]);
		/* OFF goes out even to a plug that says it is offline: it may still hear. */
		heater_set(h->stages[i].heater, false, now, &hd);
		(void) heating_carry_out(&h->stages[i], &hd, NULL);
		h->stages[i].off_awaited = off_unconfirmed(&h->stages[i]);
		heating_say_left_on(&h->stages[i]); /* before it keeps OFF as told */
		heating_relays_keep(&h->stages[i], now, clock_realtime_usec(), true);
	}
	heating_retired_off(h, now);
	(void) sd_event_source_set_enabled(h->wake.timer, SD_EVENT_OFF);
}

bool heating_off_unconfirmed(const struct heating *h)
{
	assert(h);
	if (!h->off || !h->connected)
		return false;
	for (unsigned i = 0; i < h->n_stages; i++)
		if (h->stages[i].off_awaited && off_unconfirmed(&h->stages[i]))
			return true;
	return false;
}

/* A plug the stop waited for that still last said ON: gone offline meanwhile, too. */
static bool off_unanswered(const struct stage *s)
{
	struct heater_status st;

	if (!s->off_awaited || !s->heater)
		return false;
	heater_get_status(s->heater, &st);
	return st.confirmed == HEATER_RELAY_ON;
}

void heating_say_off_unconfirmed(struct heating *h, const char *waited)
{
	assert(h);
	for (unsigned i = 0; h->off && i < h->n_stages; i++) {
		if (off_unanswered(&h->stages[i]))
			heating_say_off_unconfirmed_at_stop(&h->stages[i], waited);
		h->stages[i].off_awaited = false; /* said once: not again at the disconnect */
	}
}
