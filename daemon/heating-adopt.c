/* What a reload keeps of heating: see heating_adopt() in heating.h. */
#include <assert.h>
#include <string.h>

#include "daemon/alerts.h"
#include "daemon/clock.h"
#include "daemon/heating-internal.h"
#include "daemon/log.h"

/* What the thermostat is made from: the fields make_thermostat() takes from the config. */
static bool thermostat_made_alike(const struct thermostat_params *a,
				  const struct thermostat_params *b)
{
	return a->n_stages == b->n_stages && a->min_on_usec == b->min_on_usec &&
	       a->min_off_usec == b->min_off_usec && a->max_on_usec == b->max_on_usec &&
	       a->overheat_c == b->overheat_c && a->fallback_duty == b->fallback_duty &&
	       a->no_effect_usec == b->no_effect_usec &&
	       a->preheat_max_usec == b->preheat_max_usec && a->stale_usec == b->stale_usec &&
	       a->no_effect_power_w == b->no_effect_power_w;
}

/* What @old knew of its relay into @s: on or off, what it was told and when, its hour of use. */
static void take_relay(struct stage *s, const struct stage *old)
{
	s->on = old->on;
	s->duty = old->duty;
	s->kept_known = old->kept_known;
	s->kept_on = old->kept_on;
	s->told_known = old->told_known;
	s->told_on = old->told_on;
	s->told_at_usec = old->told_at_usec;
	s->told_mono_usec = old->told_mono_usec;
}

/* Takes the stage @old into @s: its plug's tracker, its relay state, its hour of use. */
static void adopt_stage(struct stage *s, struct stage *old)
{
	s->heater = heater_free(s->heater);
	s->heater = old->heater;
	old->heater = NULL;
	s->adopted = true;
	take_relay(s, old);
	s->wake_usec = old->wake_usec;
	s->keep_pending = old->keep_pending;
	s->keep_window_usec = old->keep_window_usec;
	s->keep_writes = old->keep_writes;
}

/*
 * A heater whose settings changed but whose plug did not: the old one must not
 * switch the relay off for the new one to switch it on a moment later. The new
 * one takes what the old one knew of the relay (on, and since when: its
 * min_on and max_on go on from there, heating_relays_restore()) and sends its
 * first command as soon as heating decides.
 */
static void hand_over_plugs(struct heating *h, struct heating *old)
{
	for (unsigned j = 0; j < old->n_stages; j++) {
		struct stage *o = &old->stages[j];

		if (!o->heater) /* adopted as it was */
			continue;
		for (unsigned i = 0; i < h->n_stages && !o->handed_over; i++) {
			struct stage *s = &h->stages[i];

			if (s->adopted || !heater_params_same_plug(&o->params, &s->params))
				continue;
			o->handed_over = true;
			s->taken_over = true;
			take_relay(s, o);
			if (strcmp(o->cfg->name, s->cfg->name) == 0)
				log_info("%s: new settings for the same plug: not switched off in "
					 "between",
					 o->source);
			else
				log_info(
				    "%s: new settings for the same plug (now %s): not switched "
				    "off in between",
				    o->source, s->source);
		}
	}
}

/*
 * A heater whose name stayed but whose plug changed (another topic): the
 * relay the store remembers under that name is the old plug's, switched off by
 * this reload; its min_off must not hold the new plug off (a trial: 3 minutes
 * without heat for a relay the new plug does not have).
 */
static void mark_new_plugs(struct heating *h, const struct heating *old)
{
	for (unsigned i = 0; i < h->n_stages; i++) {
		struct stage *s = &h->stages[i];

		if (s->adopted || s->taken_over)
			continue;
		for (unsigned j = 0; j < old->n_stages; j++)
			if (strcmp(old->stages[j].cfg->name, s->cfg->name) == 0)
				s->new_plug = true;
	}
}

/*
 * Each heater's rest and alerts, the room-wide alerts and what the room wanted, from
 * the old thermostat to the one made anew (heating_relays_restore() hands the
 * rests on): by name, so a heater whose settings changed rests on too.
 */
static void take_rests_and_alerts(struct heating *h, const struct heating *old)
{
	uint64_t now = clock_monotonic_usec();

	thermostat_keep_alerts(h->thermostat, thermostat_alerts(old->thermostat));
	thermostat_keep_demand(h->thermostat, old->thermostat);
	for (unsigned i = 0; i < h->n_stages; i++)
		for (unsigned j = 0; j < old->n_stages; j++)
			if (strcmp(old->stages[j].cfg->name, h->stages[i].cfg->name) == 0)
				h->stages[i].rest_pending =
				    thermostat_relay_get_rest(old->thermostat, j, now,
							      &h->stages[i].rest) > 0;
}

/*
 * A heater made anew has raised none of the alerts its plug had: each is
 * checked as after a restart, kept if the new one raises it again in time,
 * cleared if not (a plug back online on the new broker), never left for good.
 */
static void recheck_plug_alerts(struct heating *h)
{
	for (unsigned i = 0; i < h->n_stages && h->alerts; i++) {
		const struct stage *s = &h->stages[i];

		if (s->adopted)
			continue;
		for (int a = 0; a < _HEATER_ALERT_MAX; a++) {
			const char *kind = heater_alert_to_string(a);

			(void) alerts_recheck(h->alerts, kind, s->source,
					      heating_alert_horizon_usec(h, kind, s->source) +
						  ALERTS_RECHECK_SLACK_USEC);
		}
	}
}

void heating_adopt(struct heating *h, struct heating *old, const char *new_broker)
{
	bool all_in_place = h->n_stages == old->n_stages, adopted_thermostat;
	unsigned adopted = 0;

	assert(h);
	assert(old);
	assert(!h->mqtt); /* before heating_start() */
	/* A thermostat made anew reads the relays' times from the store: the newest. */
	for (unsigned j = 0; j < old->n_stages; j++)
		heating_relays_flush(&old->stages[j], clock_monotonic_usec(), true);
	for (unsigned i = 0; i < h->n_stages; i++) {
		struct stage *s = &h->stages[i];
		bool found = false;

		for (unsigned j = 0; j < old->n_stages && !found && !new_broker; j++) {
			struct stage *o = &old->stages[j];

			if (!o->heater || strcmp(o->cfg->name, s->cfg->name) != 0 ||
			    !heater_params_equal(&o->params, &s->params))
				continue;
			adopt_stage(s, o);
			adopted++;
			found = true;
			all_in_place &= i == j;
		}
		all_in_place &= found;
	}
	/*
	 * What it was told outdoors: heating does not start blind. The room's reading
	 * comes from the new room (heating_take_room_reading()): a thermometer that
	 * changed starts unknown, and heating must not go on with its old value.
	 */
	h->carry_floor = old->settings.floor_pending;
	h->carried_floor_c = old->settings.floor_c;
	h->carry_mode = old->settings.mode_pending;
	h->stale_alert_due_usec = old->stale_alert_due_usec; /* the thermostat's alerts go on */
	h->carried_mode = old->settings.mode;
	heating_outdoor_adopt(h, old);
	/*
	 * The thermostat holds the relays' timers (min on/off, max on-time, back-offs)
	 * and what it learned: kept when it is made alike and decides for the same heaters.
	 */
	adopted_thermostat = all_in_place && h->thermostat && old->thermostat &&
			     thermostat_made_alike(&h->thermostat_params, &old->thermostat_params);
	if (adopted_thermostat) {
		thermostat_free(h->thermostat);
		h->thermostat = old->thermostat;
		old->thermostat = NULL;
		h->last = old->last;
		h->have_decision = old->have_decision;
	}
	/*
	 * A thermostat made anew learns what the relays did before it, as at a
	 * restart, and the rests and alerts of the old one, which it then clears in time.
	 */
	h->relays_tried = adopted_thermostat;
	if (!adopted_thermostat && old->thermostat && h->thermostat)
		take_rests_and_alerts(h, old);
	h->reloaded = true;
	old->stop_for = new_broker ? HEATING_STOP_NEW_CONNECTION : HEATING_STOP_RELOAD;
	if (new_broker) {
		/* The new connection may never come: off now, and min_off holds. */
		heating_say_leaving_broker(old, new_broker);
	} else {
		hand_over_plugs(h, old);
		mark_new_plugs(h, old);
	}
	/* The plugs let go, by the plug: min_off holds whichever heater drives one next. */
	heating_relays_hand_on(h, old);
	heating_retired_take(h, old, new_broker != NULL);
	heating_model_adopt(h, old, adopted_thermostat);
	recheck_plug_alerts(h);
	log_debug("heating: reloaded, %u of %u heaters kept as they were, the thermostat %s",
		  adopted, h->n_stages, old->thermostat ? "made anew" : "kept");
}
