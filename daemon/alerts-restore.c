/*
 * Alerts a previous run (or the configuration before a reload) left active:
 * read back, checked to be ones bedroomd could have raised, and cleared when
 * their part does not raise them again within the time its check takes.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "actuators/heater.h"
#include "control/thermostat.h"
#include "daemon/alerts-internal.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"

/*
 * Alerts restored at most: far more than a bedroom raises at once (a few per
 * heater and sensor). The retained <base>/state they may come from is anyone's
 * to publish on a broker without ACLs: a list of thousands must not become
 * thousands of "cleared" events.
 */
#define RESTORE_MAX 64

/*
 * Connected (again): what needs the broker to be seen again has had no chance
 * while it was away (no command reached a plug), so its check starts anew.
 */
void alerts_recheck_from_now(struct alerts *a)
{
	uint64_t now = clock_monotonic_usec();

	for (size_t i = 0; i < a->n_active; i++)
		if (a->active[i].restored && a->active[i].needs_broker)
			a->active[i].recheck_usec = now + a->active[i].horizon_usec;
	(void) alerts_arm_recheck(a);
}

static int on_recheck(sd_event_source *s, uint64_t usec, void *userdata);

/* Arms the recheck for the earliest restored alert nobody raised again; off if none. */
int alerts_arm_recheck(struct alerts *a)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < a->n_active; i++)
		if (a->active[i].restored && a->active[i].recheck_usec < next)
			next = a->active[i].recheck_usec;
	if (next == UINT64_MAX)
		return a->recheck ? sd_event_source_set_enabled(a->recheck, SD_EVENT_OFF) : 0;
	if (!a->recheck) {
		int r = sd_event_add_time(a->event, &a->recheck, CLOCK_MONOTONIC, next, 0,
					  on_recheck, a);

		return r < 0 ? r : event_source_describe(a->recheck, "alerts-recheck");
	}
	(void) sd_event_source_set_time(a->recheck, next);
	return sd_event_source_set_enabled(a->recheck, SD_EVENT_ONESHOT);
}

/* Its check is over: what a previous run left active and nobody raised again has ended. */
static int on_recheck(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct alerts *a = userdata;
	uint64_t now = clock_realtime_usec();
	size_t i = 0;

	(void) s;
	while (i < a->n_active) {
		struct active *active = &a->active[i];

		if (!active->restored || active->recheck_usec > usec) {
			i++;
			continue;
		}
		if (active->needs_broker && a->mqtt && !mqtt_is_connected(a->mqtt)) {
			log_info("alert %s of %s: its check waits for the broker", active->kind,
				 active->source);
			active->recheck_usec = UINT64_MAX; /* until recheck_from_now() */
			i++;
			continue;
		}
		log_info("alert %s of %s, left by %s, was not seen again: cleared", active->kind,
			 active->source,
			 active->reloaded ? "the configuration before the reload" : "the last run");
		/* Moves the last one into i: look at i again. */
		(void) alerts_clear(a, active->kind, active->source,
				    active->reloaded ? "Not seen again since bedroomd reloaded its "
						       "configuration."
						     : "Not seen again since bedroomd restarted.",
				    now);
	}
	return alerts_arm_recheck(a);
}

/*
 * The kinds of alert bedroomd raises (notices are never active, so never
 * restored): the daemon's own (alerts.h) and the heaters' and the
 * thermostat's, named by their modules.
 */
static const char *const daemon_alert_kinds[] = {
	ALERT_SENSOR_STALE,
	ALERT_INPUT_FAILED,
	ALERT_STORE_FAILED,
	ALERT_STORE_IO_ERROR,
};

static bool kind_known(const char *kind)
{
	for (size_t i = 0; i < sizeof(daemon_alert_kinds) / sizeof(daemon_alert_kinds[0]); i++)
		if (strcmp(kind, daemon_alert_kinds[i]) == 0)
			return true;
	for (int i = 0; i < _HEATER_ALERT_MAX; i++)
		if (strcmp(kind, heater_alert_to_string((enum heater_alert) i)) == 0)
			return true;
	for (int i = 0; i < _THERMOSTAT_ALERT_MAX; i++)
		if (strcmp(kind, thermostat_alert_to_string((enum thermostat_alert) i)) == 0)
			return true;
	return false;
}

static int two_digits(const char *p)
{
	return (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9')
		   ? (p[0] - '0') * 10 + (p[1] - '0')
		   : -1;
}

/*
 * Whether @since is a time as alerts write it (clock_format_local():
 * "2026-01-31T03:12:05+01:00"). Not clock_parse_iso8601(): a clock not set
 * yet, west of UTC, writes 1969, which is still an alert's time.
 */
static bool since_is_time(const char *since)
{
	int mo, d, h, mi, sec, oh, om;

	if (strlen(since) != 25 || two_digits(since) < 0 || two_digits(since + 2) < 0 ||
	    since[4] != '-' || since[7] != '-' || since[10] != 'T' || since[13] != ':' ||
	    since[16] != ':' || (since[19] != '+' && since[19] != '-') || since[22] != ':')
		return false;
	mo = two_digits(since + 5);
	d = two_digits(since + 8);
	h = two_digits(since + 11);
	mi = two_digits(since + 14);
	sec = two_digits(since + 17);
	oh = two_digits(since + 20);
	om = two_digits(since + 23);
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 &&
	       mi <= 59 && sec >= 0 && sec <= 60 && oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
}

/*
 * Whether an alert read back (from the store, or from the last run's state
 * retained on the broker, which anyone may publish) is one bedroomd could have
 * raised: a kind it knows and a "since" it wrote. A source it does not have
 * now is let through: not seen again, it is cleared after its check.
 */
static bool restorable(const char *kind, const char *source, const char *since)
{
	if (!kind_known(kind)) {
		log_debug("alerts: not restoring an alert of unknown kind '%s' from '%s'", kind,
			  source);
		return false;
	}
	if (!since_is_time(since)) {
		log_debug("alerts: not restoring '%s' of '%s': its since '%s' is no time", kind,
			  source, since);
		return false;
	}
	return true;
}

/* Restored @active's check ends at @recheck_usec (CLOCK_MONOTONIC), counted from @now_usec. */
static void restored_check(struct alerts *a, struct active *active, uint64_t recheck_usec,
			   uint64_t now_usec)
{
	active->recheck_usec = recheck_usec;
	active->horizon_usec = recheck_usec - now_usec;
	active->needs_broker = a->cb && a->cb->needs_broker &&
			       a->cb->needs_broker(active->kind, active->source, a->userdata);
}

int alerts_restore(struct alerts *a, const char *text, alerts_recheck_fn recheck, void *userdata)
{
	uint64_t now = clock_monotonic_usec();
	json_error_t error;
	json_t *list, *item;
	size_t i;
	int n = 0, r = 0;

	assert(a);
	assert(text);
	assert(recheck);
	list = json_loads(text, 0, &error);
	if (!json_is_array(list)) {
		json_decref(list);
		return -EBADMSG;
	}
	json_array_foreach(list, i, item)
	{
		const char *kind = json_string_value(json_object_get(item, "kind"));
		const char *source = json_string_value(json_object_get(item, "source"));
		const char *since = json_string_value(json_object_get(item, "since"));

		if (!kind || !source || !since || alerts_find(a, kind, source) ||
		    !restorable(kind, source, since))
			continue;
		if (n == RESTORE_MAX) {
			log_warning("alerts: restoring only the first %d of %zu", RESTORE_MAX,
				    json_array_size(list));
			break;
		}
		r = alerts_add_active(a, kind, source, since, true);
		if (r < 0)
			break;
		restored_check(a, &a->active[a->n_active - 1],
			       now + recheck(kind, source, userdata), now);
		n++;
	}
	json_decref(list);
	if (n > 0) {
		int k = alerts_arm_recheck(a);

		alerts_soon(a, true);
		r = r < 0 ? r : k;
	}
	return r < 0 ? r : n;
}

int alerts_recheck(struct alerts *a, const char *kind, const char *source, uint64_t horizon_usec)
{
	struct active *active;
	uint64_t now;
	int r;

	assert(a);
	active = alerts_find(a, kind, source);
	if (!active)
		return 0;
	active->restored = true;
	active->reloaded = true;
	now = clock_monotonic_usec();
	restored_check(a, active, now + horizon_usec, now);
	r = alerts_arm_recheck(a);
	return r < 0 ? r : 1;
}
