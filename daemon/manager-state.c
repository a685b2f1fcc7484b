/* What the daemon tells systemd (STATUS=) and <base>/state, and when. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "daemon/alerts.h"
#include "daemon/clock.h"
#include "daemon/cramp-log.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "daemon/manager-internal.h"
#include "daemon/mqtt.h"
#include "daemon/store-guard.h"
#include "store/store.h"
#include "version.h"

/*
 * How long the state snapshot waits after the first change: a plug's answer to
 * a command (tens to a few hundred ms over Wi-Fi) joins the snapshot of the
 * reading that asked for it, readings that come fast make one snapshot, and
 * the command goes to the broker alone.
 */
#define STATE_HOLD_USEC     (250ULL * 1000ULL)
#define STATE_HOLD_ACCURACY (25ULL * 1000ULL)
/*
 * And at least this long after the snapshot before: a room that changes all
 * the time (a thermometer that floods) makes one a second, which is more than
 * any dashboard shows, not four (each a JSON document of a kilobyte).
 */
#define STATE_GAP_USEC (1000ULL * 1000ULL)

void manager_notify_status(struct manager *m)
{
	const struct config_mqtt *c = &m->config->mqtt;
	const char *why = mqtt_is_connected(m->mqtt) ? NULL : mqtt_unreachable_reason(m->mqtt);

	(void) sd_notifyf(false, "STATUS=%s MQTT broker %s:%d%s%s%s",
			  mqtt_is_connected(m->mqtt) ? "Connected to" : "Waiting for", c->host,
			  c->port, why ? ": " : "", why ? why : "",
			  store_guard_get(m->store) ? "" : "; store unavailable");
}

static json_t *state_snapshot(struct manager *m)
{
	struct store *s = store_guard_get(m->store);
	json_t *state, *store;

	if (s && alerts_is_active(m->alerts, ALERT_STORE_FAILED))
		/* Open, but a write failed (a full disk): what waits is in memory. */
		store = json_pack("{s:s, s:s, s:i}", "status", "failing", "error",
				  "cannot write: see the store_failed alert", "schema_version",
				  m->schema_version);
	else if (s)
		store =
		    json_pack("{s:s, s:i}", "status", "ok", "schema_version", m->schema_version);
	else {
		int e = store_guard_error(m->store);

		/* The one failure strerror() would only confuse: "Protocol not supported". */
		store =
		    json_pack("{s:s, s:s}", "status", "failed", "error",
			      e == -EPROTONOSUPPORT ? "written by a newer bedroomd" : strerror(-e));
	}
	state = json_pack("{s:s, s:s, s:s, s:o*, s:o*}", "node_id", m->config->daemon.node_id,
			  "version", BEDROOMD_VERSION, "started", m->started, "store", store,
			  "alerts", alerts_active_json(m->alerts));
	if (state &&
	    (parts_add_state(m->parts, state) < 0 || cramp_log_add_state(m->cramps, state) < 0))
		state = (json_decref(state), NULL);
	return state;
}

void manager_publish_state(struct manager *m)
{
	json_t *state;
	char *text;
	int r;

	if (!mqtt_is_connected(m->mqtt))
		return;
	state = state_snapshot(m);
	text = state ? json_dumps(state, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6))
		     : NULL;
	json_decref(state);
	if (!text) {
		log_error("cannot build the state snapshot: out of memory");
		return;
	}
	r = mqtt_publish_below(m->mqtt, "state", text, strlen(text), 1, true, NULL);
	if (r < 0)
		log_warning_errno(r, "cannot publish state");
	m->state_sent_usec = clock_monotonic_usec();
	free(text);
}

static int on_state_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	manager_publish_state(userdata);
	return 0;
}

/*
 * Sends what changed: the state snapshot (the alerts send their own events),
 * STATE_HOLD_USEC after the first change since the last one: a reading that
 * switches a heater, and the heater's answer, make one snapshot, well after
 * the command.
 */
void manager_publish_changes(struct manager *m)
{
	int enabled = SD_EVENT_OFF;
	uint64_t due;
	int r;

	if (!m->state_timer) {
		manager_publish_state(m);
		return;
	}
	if (sd_event_source_get_enabled(m->state_timer, &enabled) >= 0 && enabled != SD_EVENT_OFF)
		return;
	due = clock_monotonic_usec() + STATE_HOLD_USEC;
	if (m->state_sent_usec && due < m->state_sent_usec + STATE_GAP_USEC)
		due = m->state_sent_usec + STATE_GAP_USEC;
	r = sd_event_source_set_time(m->state_timer, due);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->state_timer, SD_EVENT_ONESHOT);
	if (r < 0)
		manager_publish_state(m);
}

int manager_add_state_timer(struct manager *m)
{
	int r;

	r = sd_event_add_time_relative(m->event, &m->state_timer, CLOCK_MONOTONIC, STATE_HOLD_USEC,
				       STATE_HOLD_ACCURACY, on_state_timer, m);
	if (r >= 0)
		r = event_source_describe(m->state_timer, "state");
	if (r >= 0)
		r = sd_event_source_set_enabled(m->state_timer, SD_EVENT_OFF);
	return r;
}
