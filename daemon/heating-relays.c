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
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "daemon/clock.h"
#include "daemon/heating-internal.h"
#include "daemon/log.h"
#include "store/relays.h"

#define VERY_OLD_USEC (24 * 60 * MINUTE_USEC)

/* "HH:MM:SS" local. */
static void format_time(uint64_t realtime_usec, char *buf, size_t size)
{
	time_t t = (time_t) (realtime_usec / 1000000ULL);
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(buf, size, "%H:%M:%S", &tm) == 0)
		snprintf(buf, size, "?");
}

static void restore_stage(struct heating *h, unsigned i, struct store *store, uint64_t now_rt,
			  uint64_t now_mono)
{
	struct stage *s = &h->stages[i];
	const char *before = h->reloaded ? "the reload" : "the restart";
	char when[16], until_text[16];
	struct store_relay kept;
	uint64_t at, ago = 0, until = 0;
	bool was_on;
	int r;

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
		log_debug("%s: off since %s by the store, a time still to come (the clock went "
			  "back?), ignoring",
			  s->source, when);
		return;
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
	if (was_on)
		log_info("%s: on since %s (before %s): switched off now, min_off holds it off "
			 "until %s",
			 s->source, when, before, until_text);
	else
		log_info("%s: off since %s (before %s): min_off holds it off until %s", s->source,
			 when, before, until_text);
}

void heating_relays_restore(struct heating *h)
{
	struct store *store = h->settings.store;
	uint64_t now_rt, now_mono;

	if (!h->thermostat || !store || h->relays_tried)
		return;
	h->relays_tried = true;
	now_rt = clock_realtime_usec();
	now_mono = clock_monotonic_usec();
	for (unsigned i = 0; i < h->n_stages; i++)
		restore_stage(h, i, store, now_rt, now_mono);
}

void heating_relays_keep(struct stage *s, uint64_t now_usec)
{
	struct store *store = s->heating->settings.store;
	int r;

	if (!store || (s->kept_known && s->kept_on == s->on))
		return;
	s->kept_known = true;
	s->kept_on = s->on;
	r = store_relay_switched(store, s->cfg->name, s->on, (int64_t) now_usec);
	if (r < 0)
		log_warning_errno(r,
				  "%s: when its relay switched is not kept in the store: min_off "
				  "may not hold across a restart, ignoring",
				  s->source);
}
