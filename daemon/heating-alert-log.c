/*
 * What a person reading the journal at night needs to find a plug that does
 * not do what it is told: which case it is, in the plug's own words; and the
 * thermostat's alerts, raised and cleared in words a person reads.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config/config-value.h"
#include "daemon/clock.h"
#include "daemon/heating-internal.h"
#include "daemon/log.h"

void heating_payload_excerpt(const char *data, size_t len, char *buf, size_t size)
{
	size_t n = 0, room = size - 4;

	for (size_t i = 0; i < len && n < room; i++)
		buf[n++] = data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '?';
	if (len > room)
		for (int k = 0; k < 3; k++)
			buf[n++] = '.';
	buf[n] = '\0';
}

/* Whether @msg is the plain word "offline", in any case: the plug's own, not a mismatch. */
static bool says_offline(const struct mqtt_message *msg)
{
	return msg->len == strlen("offline") && strncasecmp(msg->payload, "offline", msg->len) == 0;
}

/*
 * What the plug said that made it offline, in its own words: the same for the
 * line when it goes offline and the heater_offline alert's, which comes later
 * (a message then in hand may be another of the plug's).
 */
static void offline_words(const struct stage *s, char *buf, size_t size)
{
	struct mqtt_message said = { 0 };
	char excerpt[48];

	if (!heater_offline_said(s->heater, &said.topic, &said.payload, &said.len)) {
		snprintf(buf, size, "the plug says it is offline (its last will)");
		return;
	}
	heating_payload_excerpt(said.payload, said.len, excerpt, sizeof(excerpt));
	if (s->params.type == HEATER_TYPE_GENERIC && !says_offline(&said))
		/* Neither word: the configuration may be what is wrong. */
		snprintf(buf, size,
			 "'%s' on '%s' is not availability_online '%s': taken as offline", excerpt,
			 said.topic,
			 s->params.availability_online ? s->params.availability_online : "online");
	else
		snprintf(buf, size, "the plug says it is offline ('%s' on '%s')", excerpt,
			 said.topic);
}

/* @n lines of @s's going offline and back held back by its limit, in one line; nothing for 0. */
static void say_availability_held(const struct stage *s, unsigned n)
{
	char window[32];

	if (n == 0)
		return;
	config_format_duration(s->plug_availability.window_usec, window, sizeof(window));
	log_info("%s: %u more reports of the plug going offline or back within %s, not logged "
		 "one by one",
		 s->source, n, window);
}

/*
 * A plug gone offline or back, before heater_offline or while it waits to be
 * cleared: at info, so the journal shows the blip that no longer alerts; a
 * plug that keeps coming and going, a few lines a window and a count.
 */
static void say_availability(struct stage *s, const struct heater_decision *d, uint64_t now_usec)
{
	unsigned long long sec = (d->alert_in_usec + 999999) / 1000000;
	bool raised = d->alerts_active & HEATER_ALERT_BIT(HEATER_ALERT_OFFLINE);
	const char *kind = heater_alert_to_string(HEATER_ALERT_OFFLINE);
	char words[256], grace[32], window[32];
	unsigned held;

	if (!log_limit_check(&s->plug_availability, now_usec, &held)) {
		config_format_duration(s->plug_availability.window_usec, window, sizeof(window));
		if (s->plug_availability.n_quiet == 1)
			log_warning("%s: the plug keeps going offline and back: more within %s are "
				    "counted, not logged one by one",
				    s->source, window);
		return;
	}
	say_availability_held(s, held);
	if (d->event == HEATER_EVENT_OFFLINE) {
		offline_words(s, words, sizeof(words));
		if (raised)
			log_info("%s: %s; %s goes on", s->source, words, kind);
		else
			log_info("%s: %s; %s in %llu s, unless it answers again by then", s->source,
				 words, kind, sec);
	} else if (raised) {
		log_info("%s: the plug answers again; %s is over in %llu s, if it stays online",
			 s->source, kind, sec);
	} else {
		config_format_duration(HEATER_OFFLINE_GRACE_USEC, grace, sizeof(grace));
		log_info("%s: the plug answers again, within %s's grace of %s: no alert", s->source,
			 kind, grace);
	}
}

/* " (1500 W)" when the plug's power is known since its relay last changed, or "". */
static void power_text(const struct heater_status *st, char *buf, size_t size)
{
	if (st->power_known)
		snprintf(buf, size, " (%.0f W)", st->power_w);
	else
		snprintf(buf, size, "%s", "");
}

bool heating_plug_says_otherwise(const struct stage *s, char *power, size_t size)
{
	struct heater_status st;

	heater_get_status(s->heater, &st);
	if (!st.contradicts)
		return false;
	power_text(&st, power, size);
	return true;
}

/* @n reports held back by @s's limit, in one line; nothing for 0. */
static void say_held(const struct stage *s, unsigned n)
{
	char window[32];

	if (n == 0)
		return;
	config_format_duration(s->plug_events.window_usec, window, sizeof(window));
	log_warning("%s: %u more reports of the plug against its command within %s, not logged "
		    "one by one",
		    s->source, n, window);
}

void heating_log_plug_events_held(struct stage *s, uint64_t now_usec)
{
	say_held(s, log_limit_flush(&s->plug_events, now_usec));
	say_availability_held(s, log_limit_flush(&s->plug_availability, now_usec));
}

/* What bedroomd does about a report against command @told ("ON"): "; sending ON again ...". */
static void what_is_done(const struct heater_decision *d, const char *told, char *buf, size_t size)
{
	unsigned long long sec = (d->resend_in_usec + 999999) / 1000000;

	if (d->resend_in_usec == 0)
		snprintf(buf, size, "; sending %s again", told);
	else if (d->resend_in_usec == HEATER_NO_WAKEUP)
		snprintf(buf, size, "; sending %s again once the plug is back online", told);
	else /* not sooner: a flapping plug is not answered flap for flap */
		snprintf(buf, size, "; sending %s again in %llu s, unless it says %s by then", told,
			 sec, strcmp(told, "ON") == 0 ? "on" : "off");
}

void heating_log_plug_event(struct stage *s, const struct heater_decision *d, uint64_t now_usec)
{
	struct heater_status st;
	const char *said, *told;
	char power[32], done[96], window[32];
	unsigned held;

	assert(d->event != HEATER_EVENT_NONE);
	if (d->event == HEATER_EVENT_OFFLINE || d->event == HEATER_EVENT_ONLINE) {
		/* Not the plug against its command: its own lines, not counted with those. */
		say_availability(s, d, now_usec);
		return;
	}
	if (!log_limit_check(&s->plug_events, now_usec, &held)) {
		/* Said when it starts, not only in the count at the end of the window. */
		config_format_duration(s->plug_events.window_usec, window, sizeof(window));
		if (s->plug_events.n_quiet == 1)
			log_warning("%s: the plug keeps reporting against its command: more within "
				    "%s are counted, not logged one by one",
				    s->source, window);
		return;
	}
	say_held(s, held);
	heater_get_status(s->heater, &st);
	said = st.confirmed == HEATER_RELAY_ON ? "on" : "off";
	told = st.desired == HEATER_RELAY_ON ? "ON" : "OFF";
	power_text(&st, power, sizeof(power));
	what_is_done(d, told, done, sizeof(done));
	switch (d->event) {
	case HEATER_EVENT_SWITCHED:
		log_warning("%s: the plug says it is %s%s, though told %s: switched by something "
			    "else (its button, its own timer, a power cut, another automation?)%s",
			    s->source, said, power, told, done);
		return;
	case HEATER_EVENT_CONTRADICTS:
		log_warning("%s: %s: the plug now says it is %s%s, though told %s (its own button "
			    "or timer, or a plug that ignores commands?)%s",
			    s->source, heater_alert_to_string(HEATER_ALERT_UNCONFIRMED), said,
			    power, told, done);
		return;
	case HEATER_EVENT_OFFLINE:
	case HEATER_EVENT_ONLINE:
	case HEATER_EVENT_NONE:
		break;
	}
}

void heating_log_plug_alert(const struct stage *s, enum heater_alert a,
			    const struct mqtt_message *cause)
{
	const char *kind = heater_alert_to_string(a);
	const char *topic =
	    heater_n_subscriptions(s->heater) > 0 ? heater_subscription(s->heater, 0) : "";
	char words[384], power[32], message[256];

	(void) cause; /* heater_offline comes after its grace: offline_words() keeps the words */
	if (a == HEATER_ALERT_UNCONFIRMED && heating_plug_says_otherwise(s, power, sizeof(power)))
		log_warning("%s: %s: the plug says it is %s%s, though told %s (its own button or "
			    "timer, or a plug that ignores commands?)",
			    s->source, kind, s->on ? "off" : "on", power, s->on ? "ON" : "OFF");
	else if (a == HEATER_ALERT_UNCONFIRMED &&
		 heating_plug_word_alert(s, words, sizeof(words), message, sizeof(message)))
		log_warning("%s: %s: %s", s->source, kind, words);
	else if (a == HEATER_ALERT_UNCONFIRMED)
		log_warning("%s: %s: no answer on '%s' to the last command (is the plug on and on "
			    "the network, and its topic in the config right?)",
			    s->source, kind, topic);
	else {
		offline_words(s, words, sizeof(words));
		log_warning("%s: %s: %s", s->source, kind, words);
	}
}

void heating_alert_cleared_message(const struct stage *s, enum thermostat_alert a, char *buf,
				   size_t size)
{
	const char *name = s ? s->cfg->name : "?";

	switch (a) {
	case THERMOSTAT_ALERT_SENSOR_STALE:
		snprintf(buf, size, "The room temperature is known again: heating decides on it.");
		return;
	case THERMOSTAT_ALERT_OVER_TEMPERATURE:
		snprintf(buf, size, "The room is no longer too warm: heating decides again.");
		return;
	case THERMOSTAT_ALERT_HEATING_NO_EFFECT:
		snprintf(buf, size, "Heater '%s' may heat again.", name);
		return;
	case THERMOSTAT_ALERT_MAX_ON_TIME:
		snprintf(buf, size, "Heater '%s' has rested and may run again.", name);
		return;
	case _THERMOSTAT_ALERT_MAX:
		break;
	}
	snprintf(buf, size, "This is over.");
}

/* What ends a heater told ON that bedroomd cannot tell OFF: ", and ..." or "; ...". */
static void what_ends_it(const struct stage *s, char *buf, size_t size)
{
	char after[32];

	if (s->params.type == HEATER_TYPE_GENERIC || s->params.auto_off_usec == 0 ||
	    (s->heater && !heater_preset_has_dead_man(heater_preset(s->heater)))) {
		snprintf(buf, size,
			 ", and the plug has no auto-off from bedroomd (its own timer, if set, "
			 "ends it)");
		return;
	}
	config_format_duration(s->params.auto_off_usec, after, sizeof(after));
	snprintf(buf, size, "; the plug's own auto-off ends it at most %s after its last ON",
		 after);
}

/*
 * A heater told ON that may be left on at the stop: no broker to tell it OFF,
 * or told OFF while its plug said it is offline (it may have heard, or not).
 * What ends it, said once.
 */
void heating_say_left_on(const struct stage *s)
{
	struct heater_status st;
	char ends[160], said[200];

	if (!s->told_known || !s->told_on)
		return;
	what_ends_it(s, ends, sizeof(ends));
	if (!s->heating->connected) {
		log_warning("%s: cannot be switched off: the broker is not connected%s", s->source,
			    ends);
		return;
	}
	if (!s->heater)
		return;
	heater_get_status(s->heater, &st);
	if (st.availability != HEATER_AVAILABILITY_OFFLINE)
		return;
	offline_words(s, said, sizeof(said));
	log_warning("%s: told OFF while its availability said offline (%s), so it may still be "
		    "on%s",
		    s->source, said, ends);
}

void heating_say_off_unconfirmed_at_stop(const struct stage *s, const char *waited)
{
	struct heater_status st;
	char ends[160];

	/* heating_off_unconfirmed() waits only for plugs that last said ON. */
	what_ends_it(s, ends, sizeof(ends));
	heater_get_status(s->heater, &st);
	if (st.availability == HEATER_AVAILABILITY_OFFLINE || !waited) {
		log_warning("%s: %s before the plug confirmed the OFF of the stop, and it last "
			    "said on, so it may still be on%s",
			    s->source,
			    waited ? "its availability said offline"
				   : "the broker connection was lost",
			    ends);
		return;
	}
	log_warning("%s: the plug did not confirm the OFF within %s of the stop and last said "
		    "on, so it may still be on%s",
		    s->source, waited, ends);
}

void heating_say_leaving_broker(const struct heating *h, const char *new_broker)
{
	assert(h);
	for (unsigned i = 0; i < h->n_stages; i++) {
		const struct stage *s = &h->stages[i];

		if (!h->connected || !s->heater || !s->told_known || !s->told_on)
			continue; /* not connected: heating_off() says it is left on */
		log_warning("%s: switched off through the old connection before the new one to "
			    "%s: one left on would be out of reach should that never connect; "
			    "heating decides afresh once it does",
			    s->source, new_broker);
	}
}

static const char *const stage_alert_kinds[] = {
	[THERMOSTAT_ALERT_SENSOR_STALE] = ALERT_SENSOR_STALE,
	[THERMOSTAT_ALERT_OVER_TEMPERATURE] = "over_temperature",
	[THERMOSTAT_ALERT_HEATING_NO_EFFECT] = "heating_no_effect",
	[THERMOSTAT_ALERT_MAX_ON_TIME] = "max_on_time",
};

/* What the person reads: which heater (@s; NULL for the room-wide ones) and what to check. */
static void alert_message(const struct heating *h, const struct stage *s, enum thermostat_alert a,
			  char *buf, size_t size)
{
	const struct thermostat_params *tp = &h->thermostat_params;
	const struct thermostat_input *in = s ? &s->heating->in : NULL;
	unsigned i = s ? (unsigned) (s - s->heating->stages) : 0;
	const char *name = s ? s->cfg->name : "?";

	switch (a) {
	case THERMOSTAT_ALERT_SENSOR_STALE:
		/* fallback_duty > 0: the thermostat runs one heater so (thermostat.c) */
		if (tp->fallback_duty > 0)
			snprintf(
			    buf, size,
			    "The room temperature is unknown: while a floor holds, one heater "
			    "runs %.0f %% of the time (%.0f of every %.0f min), the others are "
			    "off, until a thermometer works again.",
			    tp->fallback_duty * 100,
			    tp->fallback_duty * (double) tp->fallback_period_usec / 60e6,
			    (double) tp->fallback_period_usec / 60e6);
		else
			snprintf(buf, size,
				 "The room temperature is unknown: the heaters are off until a "
				 "thermometer works again.");
		return;
	case THERMOSTAT_ALERT_OVER_TEMPERATURE:
		snprintf(buf, size, "The room is too warm: the heaters are off.");
		return;
	case THERMOSTAT_ALERT_HEATING_NO_EFFECT:
		if (s && in->heater[i].power_known && in->heater[i].power_w < s->params.min_power_w)
			snprintf(
			    buf, size,
			    "Heater '%s' draws %.0f W while its plug is on: is it switched off "
			    "at its own switch, unplugged from the plug or broken? It rests, "
			    "then tries again.",
			    name, in->heater[i].power_w);
		else
			snprintf(
			    buf, size,
			    "Heater '%s' has been on for a long time and the room did not warm "
			    "(a window open, the heater tipped over or unplugged?). It rests, "
			    "then tries again.",
			    name);
		return;
	case THERMOSTAT_ALERT_MAX_ON_TIME:
		snprintf(
		    buf, size,
		    "Heater '%s' ran for its longest allowed time (max_on) and rests before it "
		    "may run again. If this comes on every cold night, it cannot keep the room "
		    "at the floor on its own.",
		    name);
		return;
	case _THERMOSTAT_ALERT_MAX:
		break;
	}
	snprintf(buf, size, "%s", "");
}

/*
 * How long the room-wide sensor_stale waits for a room thermometer's: the
 * thermostat sees a reading stale from when it was taken, the room from when
 * it came (a w1 read takes about a second), and its alert would come first.
 */
#define STALE_ALERT_WAIT_USEC (10 * 1000000ULL)

void heating_stale_alert_due(struct heating *h, uint64_t now_usec)
{
	char message[256];

	if (!h->stale_alert_due_usec || now_usec < h->stale_alert_due_usec)
		return;
	h->stale_alert_due_usec = 0;
	if (!h->thermostat || !(thermostat_alerts(h->thermostat) &
				THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_SENSOR_STALE)))
		return;
	if (alerts_is_active(h->alerts, ALERT_SENSOR_STALE)) {
		log_debug("heating: sensor_stale: a room thermometer's alert says it already");
		return;
	}
	alert_message(h, NULL, THERMOSTAT_ALERT_SENSOR_STALE, message, sizeof(message));
	(void) alerts_raise(h->alerts, ALERT_SENSOR_STALE, "heating", message,
			    clock_realtime_usec());
}

void heating_raise_or_clear(struct heating *h, unsigned raised, unsigned cleared,
			    const struct stage *s)
{
	const char *source = s ? s->source : "heating";
	uint64_t now = clock_realtime_usec();
	char message[256];

	for (unsigned a = 0; a < _THERMOSTAT_ALERT_MAX; a++) {
		bool room_stale = !s && a == THERMOSTAT_ALERT_SENSOR_STALE;

		if (raised & THERMOSTAT_ALERT_BIT(a)) {
			alert_message(h, s, (enum thermostat_alert) a, message, sizeof(message));
			log_warning("%s: %s: %s", source, stage_alert_kinds[a], message);
			/* A room thermometer's own alert may say it: heating_stale_alert_due(). */
			if (room_stale)
				h->stale_alert_due_usec =
				    clock_monotonic_usec() + STALE_ALERT_WAIT_USEC;
			else
				(void) alerts_raise(h->alerts, stage_alert_kinds[a], source,
						    message, now);
		}
		if (cleared & THERMOSTAT_ALERT_BIT(a)) {
			if (room_stale)
				h->stale_alert_due_usec = 0; /* cleared below only if it went out */
			log_info("%s: %s is over", source, stage_alert_kinds[a]);
			heating_alert_cleared_message(s, (enum thermostat_alert) a, message,
						      sizeof(message));
			(void) alerts_clear(h->alerts, stage_alert_kinds[a], source, message, now);
		}
	}
}

void heating_say_dead_man_ignored(const struct stage *s, bool had_dead_man)
{
	if (!had_dead_man || heater_preset_has_dead_man(heater_preset(s->heater)))
		return;
	log_warning("%s: the plug ignores its auto-off (its state read back off twice after ON "
		    "with on_time): switching it with plain ON until a restart or reload. It has "
		    "no dead-man now: should bedroomd stop while it is on, it stays on (its "
		    "keep-alives cannot end it); set an auto-off in the plug itself if it has one",
		    s->source);
}
