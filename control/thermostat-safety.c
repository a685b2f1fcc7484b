/*
 * Per-stage fail-safes: maximum continuous on-time (then a rest) and heating
 * without effect (no rise of no_effect_rise within no_effect, or confirmed on with
 * no power drawn since the switch-on; then an exponential, bounded back-off).
 * Each alert is raised once and cleared on recovery, max_on_time when its rest
 * ends. When the room model switched the first stage on, the rise asked is half
 * of what the model expects in that time if that is less (thermostat-plan.c): a
 * weak heater holding a cold room is not a fault.
 *
 * The no-effect clock stands (held) while the stage's plug is unavailable, and
 * a rise across that time counts for nothing. A plug offline for two hours
 * says nothing about its heater: judged, it earned a rest every 45 min,
 * doubling to 4 h, that kept the heater off in a cold room after the plug was
 * back.
 */
#include <math.h>

#include "control/thermostat-internal.h"

void thermostat_set_alert(unsigned *alerts, enum thermostat_alert a, bool on)
{
	if (on)
		*alerts |= THERMOSTAT_ALERT_BIT(a);
	else
		*alerts &= ~THERMOSTAT_ALERT_BIT(a);
}

void thermostat_stage_safety(struct thermostat *t, unsigned i,
			     const struct thermostat_heater_input *h, uint64_t now_usec,
			     double reading_c)
{
	struct thermostat_stage *s = &t->stage[i];
	bool no_effect = false;
	double rise_c = i == 0 && t->model_rise_c > 0 ? t->model_rise_c : t->p.no_effect_rise_c;

	if (!s->on)
		return;
	/* Held since the last step: that time does not count. */
	if (s->held && now_usec > s->last_usec)
		s->effect_since_usec += now_usec - s->last_usec;
	s->held = h->unavailable;
	s->last_usec = now_usec;
	/* Nor does a rise across it. */
	if (s->held) {
		s->min_since_on_c = isfinite(reading_c) ? reading_c : INFINITY;
	} else if (isfinite(reading_c)) {
		if (reading_c < s->min_since_on_c)
			s->min_since_on_c = reading_c;
		if (reading_c - s->min_since_on_c >= rise_c) {
			s->effect_seen = true;
			s->no_effect_count = 0;
			thermostat_set_alert(&s->alerts, THERMOSTAT_ALERT_HEATING_NO_EFFECT, false);
		}
	}
	if (!s->held && !s->effect_seen && now_usec - s->effect_since_usec >= t->p.no_effect_usec)
		no_effect = true;
	if (h->confirmed == THERMOSTAT_CONFIRM_ON && h->power_known &&
	    h->power_w >= t->p.no_effect_power_w)
		s->drew_power = true;
	/*
	 * Confirmed on and drawing (next to) nothing. A heater that never drew
	 * power since it was switched on is off at its own switch, unplugged or
	 * broken. One that drew power, or warmed the room, is idle under its own
	 * thermostat (a knob below the maximum, as the README recommends): not a
	 * fault, and not to be rested, which would leave the room cold each time
	 * that thermostat opens. It stays on; the room model counts it as not
	 * heating (heaters_on() in thermostat.c) and the next stage joins if the
	 * room needs it. Only the latest report is known here, not how many came:
	 * one report of 0 W (a Tasmota's next is 5 min later) is enough.
	 */
	if (!h->unavailable && h->confirmed == THERMOSTAT_CONFIRM_ON && h->power_known &&
	    h->power_w < t->p.no_effect_power_w && !s->drew_power && !s->effect_seen) {
		if (!s->low_power) {
			s->low_power = true;
			s->low_power_since_usec = now_usec;
		}
		if (now_usec - s->low_power_since_usec >= t->p.no_effect_power_usec)
			no_effect = true;
	} else {
		s->low_power = false;
	}
	if (no_effect) {
		uint64_t b = t->p.no_effect_backoff_usec;

		for (unsigned k = 0; k < s->no_effect_count && b < t->p.no_effect_backoff_max_usec;
		     k++)
			b *= 2;
		s->no_effect_count++;
		s->lockout_until_usec =
		    now_usec + thermostat_min_u64(b, t->p.no_effect_backoff_max_usec);
		s->lockout_reason = THERMOSTAT_REASON_NO_EFFECT;
		thermostat_set_alert(&s->alerts, THERMOSTAT_ALERT_HEATING_NO_EFFECT, true);
	} else if (now_usec - s->changed_usec >= t->p.max_on_usec) {
		s->lockout_until_usec = now_usec + t->p.max_on_rest_usec;
		s->lockout_reason = THERMOSTAT_REASON_MAX_ON_TIME;
		thermostat_set_alert(&s->alerts, THERMOSTAT_ALERT_MAX_ON_TIME, true);
	}
}

void thermostat_stage_switch(struct thermostat_stage *s, bool on, uint64_t now_usec,
			     double reading_c)
{
	if (s->on == on)
		return;
	s->on = on;
	s->ever_switched = true;
	s->changed_usec = now_usec;
	s->effect_since_usec = now_usec;
	s->held = false;
	s->last_usec = now_usec;
	s->min_since_on_c = isfinite(reading_c) ? reading_c : INFINITY;
	s->effect_seen = false;
	s->drew_power = false;
	s->low_power = false;
}

void thermostat_stage_rest_over(struct thermostat_stage *s, uint64_t now_usec)
{
	/* Off: a stage that went on resting (max_on_rest 0) has not rested yet. */
	if (!s->on && now_usec >= s->lockout_until_usec)
		thermostat_set_alert(&s->alerts, THERMOSTAT_ALERT_MAX_ON_TIME, false);
}
