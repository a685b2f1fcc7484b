/* What a relay did before this thermostat: relay care that holds across a restart. */
#include <errno.h>
#include <math.h>

#include "control/thermostat-internal.h"

int thermostat_relay_restore(struct thermostat *t, unsigned i, bool was_on, uint64_t ago_usec,
			     uint64_t now_usec, uint64_t *ret_until_usec)
{
	uint64_t longest =
	    t->p.min_off_usec > t->p.bed_min_off_usec ? t->p.min_off_usec : t->p.bed_min_off_usec;
	struct thermostat_stage *s;
	uint64_t at;

	if (i >= t->p.n_stages)
		return -EINVAL;
	s = &t->stage[i];
	if (s->on || s->ever_switched)
		return -EALREADY;
	if (t->started && now_usec < t->last_now_usec)
		now_usec = t->last_now_usec;
	/* Off longer ago than any min_off: nothing to hold. */
	if (!was_on && ago_usec >= longest)
		return 0;
	/*
	 * A relay that was on goes off at this start: min_off counts from now. One
	 * switched off before the monotonic clock began (a reboot) counts from its
	 * start: later than it was, so held off longer, never shorter.
	 */
	at = was_on ? now_usec : ago_usec < now_usec ? now_usec - ago_usec : 0;
	s->ever_switched = true;
	s->changed_usec = at;
	if (at + t->p.min_off_usec <= now_usec)
		return 0;
	if (ret_until_usec)
		*ret_until_usec = at + t->p.min_off_usec;
	return 1;
}

int thermostat_relay_keep_on(struct thermostat *t, unsigned i, uint64_t on_usec, uint64_t now_usec)
{
	struct thermostat_stage *s;

	if (i >= t->p.n_stages)
		return -EINVAL;
	s = &t->stage[i];
	if (s->on || s->ever_switched)
		return -EALREADY;
	if (on_usec > now_usec)
		on_usec = now_usec;
	s->on = true;
	s->ever_switched = true;
	s->changed_usec = on_usec;
	/* The warming it did before is not known here: no_effect counts afresh. */
	s->effect_since_usec = now_usec;
	s->min_since_on_c = INFINITY;
	s->effect_seen = false;
	s->low_power = false;
	/*
	 * Wanted, as if this thermostat had switched it on then: within the band
	 * the floor controller keeps what is on. Unless the thermostat before
	 * said what it wanted (thermostat_keep_demand()). The cycle began before it, so
	 * nothing is learned of it (have_last_on stays as a fresh floor leaves it).
	 */
	if (t->demand < i + 1 && !t->demand_kept) {
		t->demand = i + 1;
		t->demand_since_usec = on_usec;
	}
	t->last_on_usec = on_usec;
	return 0;
}

int thermostat_relay_get_rest(const struct thermostat *t, unsigned i, uint64_t now_usec,
			      struct thermostat_rest *ret)
{
	const struct thermostat_stage *s;

	if (i >= t->p.n_stages)
		return -EINVAL;
	s = &t->stage[i];
	*ret = (struct thermostat_rest){
		.until_usec = now_usec < s->lockout_until_usec ? s->lockout_until_usec : 0,
		.reason = s->lockout_reason,
		.no_effect_count = s->no_effect_count,
		.alerts = s->alerts,
		.worked = s->on && (s->drew_power || s->effect_seen),
	};
	return ret->until_usec > 0 || ret->alerts != 0 || ret->no_effect_count > 0 || ret->worked;
}

int thermostat_relay_keep_rest(struct thermostat *t, unsigned i, const struct thermostat_rest *rest)
{
	struct thermostat_stage *s;

	if (i >= t->p.n_stages)
		return -EINVAL;
	s = &t->stage[i];
	s->lockout_until_usec = rest->until_usec;
	s->lockout_reason = rest->reason;
	s->no_effect_count = rest->no_effect_count;
	/* Set, not raised: the daemon has them active already. */
	s->alerts = rest->alerts;
	/* What it warmed is not known here (no_effect counts afresh); that it works is. */
	s->drew_power = rest->worked;
	return 0;
}

unsigned thermostat_alerts(const struct thermostat *t)
{
	return t->alerts;
}

void thermostat_keep_alerts(struct thermostat *t, unsigned alerts)
{
	t->alerts = alerts; /* set, not raised: the daemon has them active already */
}

void thermostat_keep_demand(struct thermostat *t, const struct thermostat *old)
{
	/* A count of stages: a reload that removed heaters wants at most what is left. */
	t->demand = old->demand < t->p.n_stages ? old->demand : t->p.n_stages;
	t->demand_since_usec = old->demand_since_usec;
	t->demand_kept = true;
	t->last_floor_c = old->last_floor_c;
	t->floor_lowered = old->floor_lowered;
}
