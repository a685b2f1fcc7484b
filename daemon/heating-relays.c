/*
 * Relay care across a restart. The thermostat holds each relay's minimum off-
 * and on-time from when it switched it; a new thermostat (a restart, or a
 * reload that makes it anew) knows nothing of that, and would switch a heater
 * on seconds after it went off. So each command's time is kept in the store as
 * it is sent (a crash then leaves it right too), and a new thermostat is told
 * what the relays did before it.
 *
 * Wall-clock times: the monotonic clock starts again at a reboot. A kept time
 * still to come (the clock went back) or a day old says nothing of the relay
 * now: ignored, with a debug line. A relay that was on is switched off at the
 * start whatever its time, so min_off counts from then.
 *
 * The store keeps them by heater name. A reload that lets a plug go (its
 * heater removed, renamed, or moved to another topic; every plug, at a reload
 * to another MQTT connection) and gives it to another heater, or to the same
 * one back, must not switch it on seconds after it went off: the plugs a reload lets go are kept in
 * memory, by the plug's own identity, from reload to reload until their min_off is over.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/clock.h"
#include "daemon/heating-internal.h"
#include "daemon/log.h"
#include "store/relays.h"

#define VERY_OLD_USEC (24 * 60 * MINUTE_USEC)
/*
 * A relay cared for switches a few times an hour (min_on and min_off: 2 and 3
 * minutes); with those set to zero (a benchmark) it may switch at every
 * reading, and a commit each would be a synchronous write each. Past a few
 * writes in a minute, the switches wait for the minute's end and the last of
 * them is kept then.
 */
#define KEEP_WINDOW_USEC MINUTE_USEC
#define KEEP_WRITES_MAX  4

/* "HH:MM:SS" local. */
static void format_time(uint64_t realtime_usec, char *buf, size_t size)
{
	time_t t = (time_t) (realtime_usec / 1000000ULL);
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(buf, size, "%H:%M:%S", &tm) == 0)
		snprintf(buf, size, "?");
}

/* The longest min_off of @p: in bed at night, or not. */
static uint64_t longest_min_off(const struct thermostat_params *p)
{
	return p->bed_min_off_usec > p->min_off_usec ? p->bed_min_off_usec : p->min_off_usec;
}

/* Keeps @off (its plug taken) in @h, in place of what it said of that plug. */
static void add_plug_off(struct heating *h, const struct plug_off *off)
{
	struct plug_off *more;

	for (unsigned k = 0; k < h->n_plugs_off; k++)
		if (strcmp(h->plugs_off[k].plug, off->plug) == 0) {
			free(h->plugs_off[k].plug);
			h->plugs_off[k] = *off;
			return;
		}
	more = realloc(h->plugs_off, (h->n_plugs_off + 1) * sizeof(*more));
	if (!more) {
		free(off->plug);
		log_warning("heating: out of memory: a plug this reload lets go may be switched on "
			    "again before its min_off, ignoring");
		return;
	}
	h->plugs_off = more;
	h->plugs_off[h->n_plugs_off++] = *off;
}

/* Whether @h has a heater called @name (a heater a reload moved to another plug). */
static bool has_heater(const struct heating *h, const char *name)
{
	for (unsigned i = 0; i < h->n_stages; i++)
		if (strcmp(h->stages[i].cfg->name, name) == 0)
			return true;
	return false;
}

void heating_relays_hand_on(struct heating *h, const struct heating *old)
{
	uint64_t now = clock_monotonic_usec(), hold = longest_min_off(&h->thermostat_params);

	if (longest_min_off(&old->thermostat_params) > hold)
		hold = longest_min_off(&old->thermostat_params);
	/* Those let go at reloads before, while min_off may still hold. */
	for (unsigned k = 0; k < old->n_plugs_off; k++) {
		struct plug_off off = old->plugs_off[k];

		if (now - off.off_usec >= hold)
			continue;
		off.plug = strdup(off.plug);
		off.earlier = true;
		if (off.plug)
			add_plug_off(h, &off);
	}
	/*
	 * Those this one lets go: adopted (no heater left) and handed over go on as
	 * they were. One told ON is switched off now (heating_off()).
	 */
	for (unsigned j = 0; j < old->n_stages; j++) {
		const struct stage *o = &old->stages[j];
		struct plug_off off = { .why = old->stop_for,
					.was_on = o->told_on,
					.unsent = o->told_on && !old->connected };

		if (!o->heater || o->handed_over || !o->told_known)
			continue;
		off.off_usec = o->told_on ? now : o->told_mono_usec;
		if (now - off.off_usec >= hold)
			continue;
		snprintf(off.heater, sizeof(off.heater), "%s", o->source);
		off.moved = has_heater(h, o->cfg->name);
		off.plug = heater_params_plug_key(&o->params);
		if (off.plug)
			add_plug_off(h, &off);
	}
}

void heating_relays_forget(struct heating *h)
{
	for (unsigned k = 0; k < h->n_plugs_off; k++)
		free(h->plugs_off[k].plug);
	free(h->plugs_off);
	h->plugs_off = NULL;
	h->n_plugs_off = 0;
}

/*
 * What happened to plug @off, as the journal says it to stage @s: "its plug
 * went off 3 s ago, switched off by the reload to another MQTT connection
 * (...)", "its plug (heater.a's before) went off 40 s ago, before an earlier
 * reload that removed heater.a".
 */
static void plug_off_text(const struct stage *s, const struct plug_off *off, uint64_t now_mono,
			  char *buf, size_t size)
{
	const char *reload = off->earlier ? "an earlier reload" : "the reload";
	bool same = strcmp(off->heater, s->source) == 0;
	char whose[112] = "", what[112];

	if (!same)
		snprintf(whose, sizeof(whose), " (%s's before)", off->heater);
	switch (off->why) {
	case HEATING_STOP_NEW_CONNECTION:
		snprintf(what, sizeof(what),
			 "%s to another MQTT connection (every heater goes "
			 "off first)",
			 reload);
		break;
	case HEATING_STOP_RELOAD:
	case HEATING_STOP_SHUTDOWN:
		snprintf(what, sizeof(what), "%s that %s %s", reload,
			 off->moved ? "moved" : "removed", same ? "it" : off->heater);
		if (off->moved)
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 " to another plug");
		break;
	}
	if (off->unsent)
		/* heating_off() said it could not be switched off: do not say it went off. */
		snprintf(buf, size,
			 "its plug%s was told off %llu s ago, by %s, while the broker was not "
			 "connected: the OFF goes out once it is",
			 whose, (unsigned long long) ((now_mono - off->off_usec) / 1000000ULL),
			 what);
	else
		snprintf(buf, size, "its plug%s went off %llu s ago, %s %s", whose,
			 (unsigned long long) ((now_mono - off->off_usec) / 1000000ULL),
			 off->was_on ? "switched off by" : "before", what);
}

/*
 * Stage @i's plug, let go by a reload (another heater's, or its own on another
 * topic before): min_off from when it went off. False when it is not such a plug.
 */
static bool restore_plug_off(struct heating *h, unsigned i, uint64_t now_rt, uint64_t now_mono)
{
	struct stage *s = &h->stages[i];
	const struct plug_off *found = NULL;
	char until_text[16], said[400], *plug;
	uint64_t until = 0;
	int r;

	if (s->plug_held)
		return true;
	plug = heater_params_plug_key(&s->params);
	for (unsigned k = 0; plug && k < h->n_plugs_off && !found; k++)
		if (strcmp(h->plugs_off[k].plug, plug) == 0)
			found = &h->plugs_off[k];
	free(plug);
	if (!found || found->off_usec > now_mono)
		return false;
	s->plug_held = true;
	r = thermostat_relay_restore(h->thermostat, i, false, now_mono - found->off_usec, now_mono,
				     &until);
	if (r <= 0) {
		log_debug("%s: its plug went off %llu s ago at a reload: min_off is over",
			  s->source,
			  (unsigned long long) ((now_mono - found->off_usec) / 1000000ULL));
		return true;
	}
	format_time(now_rt + (until - now_mono), until_text, sizeof(until_text));
	plug_off_text(s, found, now_mono, said, sizeof(said));
	log_info("%s: %s: min_off holds it off until %s", s->source, said, until_text);
	return true;
}

static void restore_stage(struct heating *h, unsigned i, struct store *store, uint64_t now_rt,
			  uint64_t now_mono)
{
	const struct thermostat_params *p = &h->thermostat_params;
	struct stage *s = &h->stages[i];
	const char *before = h->reloaded ? "the reload" : "the restart";
	char when[16], until_text[16], bed_text[64];
	struct store_relay kept;
	uint64_t at, ago = 0, until = 0;
	bool was_on;
	int r;

	/* A heater a reload kept: resting still, if it was, and its alerts cleared in time. */
	if (s->rest_pending) {
		s->rest_pending = false;
		(void) thermostat_relay_keep_rest(h->thermostat, i, &s->rest);
		if (s->rest.until_usec > now_mono) {
			format_time(now_rt + (s->rest.until_usec - now_mono), until_text,
				    sizeof(until_text));
			log_info("%s: rests (%s) until %s, through the reload", s->source,
				 thermostat_reason_to_string(s->rest.reason), until_text);
		}
	}
	/*
	 * A heater a reload kept, or whose plug a changed heater took over, on: it
	 * stays on, its min_on and max_on from when it went on.
	 */
	if ((s->adopted || s->taken_over) && s->on) {
		/* Monotonic: a wall clock stepped meanwhile (NTP) must not restart max_on. */
		uint64_t on_mono = s->told_known && s->told_on ? s->told_mono_usec : now_mono;

		/* Not with new thermometers: no reading, no heating, as the line before said. */
		if (thermostat_relay_keep_on(h->thermostat, i, on_mono, now_mono) == 0 &&
		    !h->thermometers_changed)
			log_info("%s: on, and kept on through the reload", s->source);
		return;
	}
	/* Not adopted nor taken over: a plug a reload let go holds what it knew. */
	if (!s->adopted && !s->taken_over && restore_plug_off(h, i, now_rt, now_mono))
		return;
	if (s->new_plug) {
		log_info("%s: another plug since the reload: its relay starts afresh", s->source);
		return;
	}
	if (!store)
		return;
	r = store_relay_get(store, s->cfg->name, &kept);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		log_warning_errno(r, "%s: cannot read when its relay last switched, ignoring",
				  s->source);
		return;
	}
	was_on = kept.last_on_usec > kept.last_off_usec;
	s->kept_known = true;
	s->kept_on = was_on;
	if ((was_on ? kept.last_on_usec : kept.last_off_usec) <= 0)
		return;
	at = (uint64_t) (was_on ? kept.last_on_usec : kept.last_off_usec);
	format_time(at, when, sizeof(when));
	if (!was_on && at > now_rt) {
		/* A Pi without an RTC may start with a clock behind: the safe side is now. */
		log_debug("%s: off since %s by the store, a time still to come (the clock went "
			  "back?): taken as just now",
			  s->source, when);
		at = now_rt;
	}
	if (!was_on && now_rt - at >= VERY_OLD_USEC) {
		log_debug("%s: off since %s by the store, a day or more ago, ignoring", s->source,
			  when);
		return;
	}
	if (!was_on)
		ago = now_rt - at;
	r = thermostat_relay_restore(h->thermostat, i, was_on, ago, now_mono, &until);
	if (r < 0) {
		log_debug("%s: switched since the start, its own times hold", s->source);
		return;
	}
	if (r == 0) {
		log_debug("%s: off since %s (before %s): min_off is over", s->source, when, before);
		return;
	}
	format_time(now_rt + (until - now_mono), until_text, sizeof(until_text));
	/* In bed at night (an occupancy input says) the thermostat holds the longer one. */
	bed_text[0] = '\0';
	if (p->bed_min_off_usec > p->min_off_usec &&
	    config_has_input_role(h->config, CONFIG_INPUT_ROLE_OCCUPANCY)) {
		char t[16];

		format_time(now_rt + (until - now_mono) + (p->bed_min_off_usec - p->min_off_usec),
			    t, sizeof(t));
		snprintf(bed_text, sizeof(bed_text), " (%s with someone in bed at night)", t);
	}
	if (was_on)
		log_info("%s: on since %s (before %s): switched off now, min_off holds it off "
			 "until %s%s",
			 s->source, when, before, until_text, bed_text);
	else
		log_info("%s: off since %s (before %s): min_off holds it off until %s%s", s->source,
			 when, before, until_text, bed_text);
}

void heating_relays_restore(struct heating *h)
{
	struct store *store = h->settings.store;
	uint64_t now_rt, now_mono;

	if (!h->thermostat || h->relays_tried)
		return;
	/* Without the store only the kept-on heaters; the store's times when it comes. */
	h->relays_tried = store != NULL;
	now_rt = clock_realtime_usec();
	now_mono = clock_monotonic_usec();
	for (unsigned i = 0; i < h->n_stages; i++)
		restore_stage(h, i, store, now_rt, now_mono);
}

void heating_relays_keep(struct stage *s, uint64_t now_usec, uint64_t now_rt_usec, bool now_flush)
{
	if (!s->told_known || s->told_on != s->on) {
		s->told_known = true;
		s->told_on = s->on;
		s->told_at_usec = now_rt_usec;
		s->told_mono_usec = now_usec;
		/* What the store holds already (the first step after a restore) is not news. */
		s->keep_pending |= !s->kept_known || s->kept_on != s->on;
	}
	heating_relays_flush(s, now_usec, now_flush);
}

void heating_relays_flush(struct stage *s, uint64_t now_usec, bool now_flush)
{
	struct store *store = s->heating->settings.store;
	int r;

	if (!store || !s->keep_pending)
		return;
	if (s->keep_writes == 0 || now_usec >= s->keep_window_usec + KEEP_WINDOW_USEC) {
		s->keep_window_usec = now_usec;
		s->keep_writes = 0;
	}
	if (!now_flush && s->keep_writes >= KEEP_WRITES_MAX)
		return;
	s->keep_writes++;
	s->keep_pending = false;
	s->kept_known = true;
	s->kept_on = s->told_on;
	r = store_relay_switched(store, s->cfg->name, s->told_on, (int64_t) s->told_at_usec);
	if (r < 0)
		log_warning_errno(r,
				  "%s: when its relay switched is not kept in the store: min_off "
				  "may not hold across a restart, ignoring",
				  s->source);
}

uint64_t heating_relays_due(const struct heating *h)
{
	uint64_t due = UINT64_MAX;

	/* step() keeps only what it sends: on a live connection; it steps when that is back. */
	if (!h->connected)
		return UINT64_MAX;
	for (unsigned i = 0; i < h->n_stages; i++)
		if (h->stages[i].keep_pending && h->stages[i].keep_writes >= KEEP_WRITES_MAX &&
		    h->stages[i].keep_window_usec + KEEP_WINDOW_USEC < due)
			due = h->stages[i].keep_window_usec + KEEP_WINDOW_USEC;
	return due;
}
