/*
 * What the thermostat learned about the room: kept in the store, restored at
 * start, handed on by a reload that makes the thermostat anew, dropped when the
 * room clearly changed, and shown in the state.
 *
 * A restored model may no longer fit the room (a heater swapped, the Pi
 * moved): the thermostat tries it against the next hours' readings before it
 * decides on it, and drops it if they do not bear it out, which is logged and
 * drops it from the store as a changed room does (heating_model_step()).
 *
 * An SD card wears with every write: the model is kept when it changed
 * meaningfully (thermostat_model_differs()) and at most once an hour
 * (KEEP_USEC), and at a clean shutdown. The store holds it as one line of text
 * (thermostat_model_format()) under the setting KEY; a line the thermostat
 * refuses is logged, dropped, and the room is learned afresh.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "daemon/heating-internal.h"
#include "daemon/log.h"
#include "store/settings.h"

#define KEY       "heating.model"
#define KEEP_USEC (60 * MINUTE_USEC)

static struct store *store_of(const struct heating *h)
{
	return h->settings.store;
}

static void drop(struct heating *h, struct store *store)
{
	int r = store_setting_delete(store, KEY);

	if (r < 0)
		log_warning_errno(r, "heating: cannot drop the kept room model, ignoring");
	h->model_kept = false;
}

void heating_model_restore(struct heating *h)
{
	struct store *store = store_of(h);
	struct thermostat_model m, own;
	const char *why = NULL;
	char *text = NULL;
	int r;

	if (!h->thermostat || !store || h->model_tried)
		return;
	h->model_tried = true;
	r = store_setting_get(store, KEY, &text);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		log_warning_errno(r, "heating: cannot read the kept room model, learning afresh");
		return;
	}
	r = thermostat_model_parse(text, &m);
	if (r == -ESTALE)
		why = "of another version";
	else if (r < 0)
		why = "malformed";
	else if (thermostat_model_get(h->thermostat, &own) >= 0 && own.sure >= m.sure)
		goto out; /* learned since the start, and as sure: that stays */
	else if ((r = thermostat_model_set(h->thermostat, &m)) < 0)
		why = r == -ESTALE ? "of another version" : "out of range";
	if (why) {
		log_warning("heating: the kept room model '%s' is %s: learning the room afresh",
			    text, why);
		drop(h, store);
		goto out;
	}
	h->kept_model = m;
	h->model_kept = true;
	/* on trial: the band heats until the next hours' readings bear it out (thermostat-learn.c)
	 */
	log_info("heating: what was learned about the room is back (heater %.1f K/h, sure %.2f); "
		 "it decides once the readings bear it out",
		 m.gain_k_per_h, m.sure);
out:
	free(text);
}

void heating_model_keep(struct heating *h, uint64_t now_usec, bool shutdown)
{
	struct store *store = store_of(h);
	char text[THERMOSTAT_MODEL_TEXT_MAX];
	struct thermostat_model m;
	int r;

	if (!h->thermostat || !store || (!shutdown && now_usec < h->model_keep_usec))
		return;
	if (thermostat_model_get(h->thermostat, &m) < 0 ||
	    (h->model_kept && !thermostat_model_differs(&h->kept_model, &m)))
		return;
	h->model_keep_usec = now_usec + KEEP_USEC;
	r = thermostat_model_format(&m, text, sizeof(text));
	if (r >= 0)
		r = store_setting_set(store, KEY, text);
	if (r < 0) {
		log_warning("heating: the room model is not kept in the store (%s), ignoring",
			    store_strerror(r));
		return;
	}
	h->kept_model = m;
	h->model_kept = true;
	log_debug("heating: kept the room model: %s", text);
}

/* "a heater of 40.1 K/h after 2.5 min", or "nothing yet" while nothing was fitted. */
static void describe(const struct thermostat_learned *l, char *buf, size_t size)
{
	if (isfinite(l->heater_gain_k_per_h))
		snprintf(buf, size, "a heater of %.1f K/h after %.1f min", l->heater_gain_k_per_h,
			 (l->heater_lag_s + l->sensor_lag_s) / 60);
	else
		snprintf(buf, size, "nothing yet");
}

void heating_model_step(struct heating *h, const struct thermostat_decision *d,
			const struct thermostat_learned *before, uint64_t now_usec)
{
	struct thermostat_learned after;
	char was[80], is[80];

	thermostat_get_learned(h->thermostat, &after);
	/* On trial, and off it: a restored model, or one the hard stop caught (plan.c). */
	if (!before->on_trial && after.on_trial && !d->model_changed)
		log_info("heating: the room model wanted heat with the air far above its aim; the "
			 "band decides until the model explains the readings again");
	else if (before->on_trial && !after.on_trial && !d->model_changed)
		log_info("heating: the room model explains the last hours; it decides");
	if (d->model_changed) {
		describe(before, was, sizeof(was));
		describe(&after, is, sizeof(is));
		log_info("heating: the room or heater changed (learned %s, the last hours say %s); "
			 "learning it again",
			 was, is);
		if (store_of(h))
			drop(h, store_of(h));
	}
	heating_model_keep(h, now_usec, false);
}

/*
 * Whether @h heats with the heaters @old did: the same ones, on the same plugs,
 * in the same order. A model learned on others is not trusted on these.
 */
static bool same_heaters(const struct heating *h, const struct heating *old)
{
	if (h->n_stages != old->n_stages)
		return false;
	for (unsigned i = 0; i < h->n_stages; i++)
		if (strcmp(h->stages[i].source, old->stages[i].source) != 0 ||
		    !heater_params_same_plug(&h->stages[i].params, &old->stages[i].params))
			return false;
	return true;
}

void heating_model_adopt(struct heating *h, struct heating *old, bool thermostat_adopted)
{
	struct thermostat_model m;

	if (thermostat_adopted) {
		h->model_tried = old->model_tried;
	} else if (h->thermostat && old->thermostat &&
		   thermostat_model_get(old->thermostat, &m) >= 0) {
		struct thermostat_learned was;

		/* Made anew (its settings changed): it knows the room as the old one did. */
		if (thermostat_model_set(h->thermostat, &m) < 0)
			return;
		/*
		 * One the old thermostat decided on has passed its trial: not again,
		 * unless the heaters changed (a 500 W heater's model trusted on a 2000 W
		 * one let the room fall below the floor): then the readings judge it.
		 */
		thermostat_get_learned(old->thermostat, &was);
		if (was.model_in_use && same_heaters(h, old))
			thermostat_model_trust(h->thermostat);
		else if (was.model_in_use)
			log_info("heating: the heaters changed: what was learned about the room "
				 "decides again once the readings bear it out");
		h->model_tried = true;
	} else {
		return;
	}
	h->model_kept = old->model_kept;
	h->kept_model = old->kept_model;
	h->model_keep_usec = old->model_keep_usec;
}

/* @v rounded to @digits decimals; null when it is not known. */
static json_t *number(double v, int digits)
{
	double scale = pow(10, digits);

	return isfinite(v) ? json_real(round(v * scale) / scale) : json_null();
}

json_t *heating_model_state(const struct heating *h)
{
	struct thermostat_learned l;

	if (!h->thermostat)
		return json_null();
	thermostat_get_learned(h->thermostat, &l);
	return json_pack("{s:o, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "sure", number(l.sure, 2),
			 "in_use", l.model_in_use, "on_trial", l.on_trial, "heater_gain_k_per_h",
			 number(l.heater_gain_k_per_h, 1), "heater_lag_min",
			 number(l.heater_lag_s / 60, 1), "sensor_lag_min",
			 number(l.sensor_lag_s / 60, 1), "room_tau_min",
			 number(l.room_tau_s / 60, 0), "walls_tau_h",
			 number(l.walls_tau_s / 3600, 1), "margin_c", number(l.margin_c, 2));
}
