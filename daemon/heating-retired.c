/*
 * The plugs a reload let go while they may still be on: see
 * heating_retired_take() in heating-internal.h. Without this, a heater removed
 * (or moved to another plug) while the broker was away was told OFF by nobody
 * once it came back, and one whose plug was offline then heard one OFF at
 * most: on for good, past max_on and the over-temperature cut-off, with no
 * alert.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/alerts.h"
#include "daemon/clock.h"
#include "daemon/heating-internal.h"
#include "daemon/log.h"

/*
 * Whether old stage @o's plug may still be on: it last said ON, or it was told
 * ON and the OFF cannot go out now (@connected false). One that never answered
 * is told OFF once, as before: nothing says it is there to answer.
 */
static bool may_be_on(const struct stage *o, bool connected)
{
	struct heater_status st;

	heater_get_status(o->heater, &st);
	return st.confirmed == HEATER_RELAY_ON ||
	       (!connected && ((o->told_known && o->told_on) || o->on));
}

static int add(struct heating *h, struct retired_plug *r)
{
	struct retired_plug **more;

	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers. */
	more = realloc(h->retired, (h->n_retired + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	h->retired = more;
	h->retired[h->n_retired++] = r;
	r->heating = h;
	return 0;
}

static void drop_slots(struct retired_plug *r)
{
	for (unsigned j = 0; r->slots && j < r->n_slots; j++)
		r->slots[j] = mqtt_slot_free(r->slots[j]);
}

static void retired_free(struct retired_plug *r)
{
	drop_slots(r);
	free(r->slots);
	free(r->plug);
	heater_free(r->heater);
	free(r);
}

/* Raises or clears its alerts as @d says, in words that say the heater is gone. */
static void say_alerts(struct retired_plug *r, unsigned raised);

/* Takes old stage @o's tracker into @h; false when it cannot (out of memory: @o keeps it). */
static bool take_stage(struct heating *h, struct stage *o, bool connected)
{
	struct retired_plug *r = calloc(1, sizeof(*r));
	struct heater_status st;

	if (r) {
		r->n_slots = heater_n_subscriptions(o->heater);
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers. */
		r->slots = calloc(r->n_slots + 1, sizeof(*r->slots));
		r->plug = heater_params_plug_key(&o->params);
	}
	if (!r || !r->slots || !r->plug || add(h, r) < 0) {
		if (r) {
			free(r->slots);
			free(r->plug);
		}
		free(r);
		return false;
	}
	r->heater = o->heater;
	o->heater = NULL;
	r->wake_usec = UINT64_MAX;
	/* Its own alerts' source: the heater of that name may drive another plug now. */
	snprintf(r->source, sizeof(r->source), "%s (old plug)", o->source);
	heater_get_status(r->heater, &st);
	say_alerts(r, st.alerts_active); /* those of the stage go with its source */
	if (connected) {
		/* As heating_off() does for those it switches off itself. */
		if (o->on)
			heating_log_switch_off_at_stop(o);
		o->on = false;
		heating_relays_keep(o, clock_monotonic_usec(), clock_realtime_usec(), true);
		log_debug("%s: let go by the reload while it may be on: told OFF, and again until "
			  "it says OFF",
			  r->source);
	} else
		log_warning("%s: let go by the reload while it may be on and the broker is not "
			    "connected: OFF goes out once it is, and again until it says OFF",
			    r->source);
	return true;
}

/* The heater of @h that drives plug @plug (heater_params_plug_key()), or NULL. */
static const struct stage *driven_by(const struct heating *h, const char *plug)
{
	for (unsigned i = 0; i < h->n_stages; i++) {
		char *key = heater_params_plug_key(&h->stages[i].params);
		bool same = key && strcmp(key, plug) == 0;

		free(key);
		if (same)
			return &h->stages[i];
	}
	return NULL;
}

static void clear_alerts(struct retired_plug *r, const char *message)
{
	for (unsigned a = 0; a < _HEATER_ALERT_MAX; a++)
		if (r->alerted & HEATER_ALERT_BIT(a))
			(void) alerts_clear(r->heating->alerts,
					    heater_alert_to_string((enum heater_alert) a),
					    r->source, message, clock_realtime_usec());
	r->alerted = 0;
}

void heating_retired_take(struct heating *h, struct heating *old, bool new_connection)
{
	assert(h);
	assert(old);
	/* Those of reloads before: still not said OFF. */
	for (unsigned k = 0; k < old->n_retired; k++) {
		struct retired_plug *r = old->retired[k];
		const struct stage *s = driven_by(h, r->plug);

		drop_slots(r); /* subscribed again by @h */
		if (s || (new_connection && old->connected)) {
			/* A heater drives it now; or the old connection has it still. */
			if (s)
				log_info("%s: %s drives it now", r->source, s->source);
			clear_alerts(r, "Its plug is driven by a heater of the configuration now.");
			retired_free(r);
		} else if (add(h, r) < 0) {
			log_warning("%s: out of memory: its plug, let go by an earlier reload, is "
				    "not told OFF again",
				    r->source);
			retired_free(r);
		}
	}
	free(old->retired);
	old->retired = NULL;
	old->n_retired = 0;
	for (unsigned j = 0; j < old->n_stages; j++) {
		struct stage *o = &old->stages[j];

		if (!o->heater || o->handed_over || !may_be_on(o, old->connected))
			continue;
		/* Another connection: the old one sends the OFF it can send itself. */
		if (new_connection && old->connected)
			continue;
		if (new_connection) {
			char *plug = heater_params_plug_key(&o->params);
			bool driven = !plug || driven_by(h, plug);

			free(plug);
			if (driven)
				continue;
		}
		if (!take_stage(h, o, old->connected))
			log_warning("%s: out of memory: its plug is told OFF once, not seen off",
				    o->source);
	}
}

static void on_message(const struct mqtt_message *msg, void *userdata);

int heating_retired_subscribe(struct heating *h, struct mqtt *mqtt)
{
	int r = 0;

	for (unsigned k = 0; k < h->n_retired && r >= 0; k++) {
		struct retired_plug *p = h->retired[k];

		for (unsigned j = 0; j < p->n_slots && r >= 0; j++)
			r = mqtt_subscribe(mqtt, heater_subscription(p->heater, j), 1, on_message,
					   p, &p->slots[j]);
	}
	return r;
}

void heating_retired_unsubscribe(struct heating *h)
{
	for (unsigned k = 0; k < h->n_retired; k++)
		drop_slots(h->retired[k]);
}

static void say_alerts(struct retired_plug *r, unsigned raised)
{
	struct alerts *alerts = r->heating->alerts;
	uint64_t now = clock_realtime_usec();
	char message[320];

	for (unsigned a = 0; a < _HEATER_ALERT_MAX; a++) {
		const char *kind = heater_alert_to_string((enum heater_alert) a);

		if ((raised & HEATER_ALERT_BIT(a)) && !(r->alerted & HEATER_ALERT_BIT(a))) {
			log_warning("%s: let go by a reload, it has not said OFF (%s): it may "
				    "still be on; OFF is sent again",
				    r->source, kind);
			snprintf(message, sizeof(message),
				 "The smart plug %s, which a reload let go while it may have been "
				 "on, has not confirmed OFF: its heater may still be on. bedroomd "
				 "keeps sending OFF; check the plug.",
				 r->source);
			(void) alerts_raise(alerts, kind, r->source, message, now);
			r->alerted |= HEATER_ALERT_BIT(a);
		}
	}
}

/* It said OFF: done with it. Returns whether @r was freed. */
static bool finish_if_off(struct retired_plug *r)
{
	struct heating *h = r->heating;
	struct heater_status st;
	char message[200];

	heater_get_status(r->heater, &st);
	if (st.desired != HEATER_RELAY_OFF || st.confirmed != HEATER_RELAY_OFF)
		return false;
	log_info("%s: let go by a reload, it says OFF", r->source);
	snprintf(message, sizeof(message), "The smart plug %s says OFF now.", r->source);
	clear_alerts(r, message);
	for (unsigned k = 0; k < h->n_retired; k++)
		if (h->retired[k] == r) {
			h->retired[k] = h->retired[--h->n_retired];
			break;
		}
	retired_free(r);
	return true;
}

/* Sends what @d says, takes its alerts and next wake-up; whether @r is done. */
static bool carry_out(struct retired_plug *r, const struct heater_decision *d)
{
	heating_send(r->heating, r->source, d);
	say_alerts(r, d->alerts_raised);
	r->wake_usec = d->next_wakeup_usec;
	return finish_if_off(r);
}

static void on_message(const struct mqtt_message *msg, void *userdata)
{
	struct retired_plug *r = userdata;
	struct heating *h = r->heating;
	struct heater_decision hd;

	if (heater_receive(r->heater, msg->topic, msg->payload, msg->len, clock_monotonic_usec(),
			   &hd) < 0)
		return;
	(void) carry_out(r, &hd);
	heating_rearm(h);
}

void heating_retired_connection(struct heating *h, bool connected, uint64_t now_usec)
{
	/* Backwards: carry_out() may free the one at k, and moves the last into its place. */
	for (unsigned k = h->n_retired; k-- > 0;) {
		struct retired_plug *r = h->retired[k];
		struct heater_decision hd;

		heater_connection(r->heater, connected, now_usec, &hd);
		if (carry_out(r, &hd) || !connected)
			continue;
		heater_set(r->heater, false, now_usec, &hd);
		(void) carry_out(r, &hd);
	}
}

void heating_retired_tick(struct heating *h, uint64_t now_usec)
{
	for (unsigned k = h->n_retired; k-- > 0;) {
		struct retired_plug *r = h->retired[k];
		struct heater_decision hd;

		if (r->wake_usec > now_usec)
			continue;
		heater_tick(r->heater, now_usec, &hd);
		(void) carry_out(r, &hd);
	}
}

uint64_t heating_retired_due(const struct heating *h)
{
	uint64_t at = UINT64_MAX;

	for (unsigned k = 0; k < h->n_retired; k++)
		if (h->retired[k]->wake_usec < at)
			at = h->retired[k]->wake_usec;
	return at;
}

void heating_retired_free(struct heating *h)
{
	for (unsigned k = 0; k < h->n_retired; k++)
		retired_free(h->retired[k]);
	free(h->retired);
	h->retired = NULL;
	h->n_retired = 0;
}

void heating_retired_off(struct heating *h, uint64_t now_usec)
{
	for (unsigned k = h->n_retired; k-- > 0;) {
		struct retired_plug *r = h->retired[k];
		struct heater_decision hd;

		if (!h->connected) {
			log_warning(
			    "%s: cannot be switched off: the broker is not connected, and it "
			    "has not said OFF since a reload let it go",
			    r->source);
			continue;
		}
		heater_set(r->heater, false, now_usec, &hd);
		(void) carry_out(r, &hd);
	}
}
