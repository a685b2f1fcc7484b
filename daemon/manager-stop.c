/*
 * A stop (SIGTERM, SIGINT): the heaters told OFF, a short wait for their plugs
 * to confirm it, the state that says so, then "offline" and the disconnect
 * (mqtt_stop()). Without the wait the last retained state said each heater
 * "pending": bedroomd went before the plug's answer came.
 */
#include <signal.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "config/config-value.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "daemon/manager-internal.h"
#include "daemon/mqtt.h"

/* A plug on Wi-Fi answers within a second; a stop should not wait on one that does not. */
#define STOP_CONFIRM_USEC (3ULL * 1000000ULL)

static void go(struct manager *m)
{
	m->stop_wait = sd_event_source_disable_unref(m->stop_wait);
	/* The retained state must not say "heating" after the stop (bedroomctl status reads it). */
	manager_publish_state(m);
	m->mqtt_retiring = mqtt_free(m->mqtt_retiring);
	if (mqtt_stop(m->mqtt) < 0)
		(void) sd_event_exit(m->event, 0);
}

static int on_stop_wait(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	char waited[32];

	/* Each plug waited for that has not confirmed: silent, or gone offline meanwhile. */
	config_format_duration(STOP_CONFIRM_USEC, waited, sizeof(waited));
	parts_say_heaters_off_unconfirmed(m->parts, waited);
	go(m);
	return 0;
}

void manager_stop(struct manager *m, int signo)
{
	int r;

	if (m->stopping)
		return;
	m->stopping = true;
	log_info("stopping on %s", strsignal(signo));
	(void) sd_notify(false, "STOPPING=1\nSTATUS=Stopping");
	/* Heaters off before we say offline; the subscriptions stay with the session. */
	parts_heaters_off(m->parts);
	if (!parts_heaters_off_unconfirmed(m->parts)) {
		go(m);
		return;
	}
	r = sd_event_add_time_relative(m->event, &m->stop_wait, CLOCK_MONOTONIC, STOP_CONFIRM_USEC,
				       0, on_stop_wait, m);
	if (r >= 0)
		r = event_source_describe(m->stop_wait, "stop-heaters-confirm");
	if (r < 0) {
		go(m);
		return;
	}
	(void) sd_notify(false, "STATUS=Stopping: waiting for the plugs to confirm OFF");
}

void manager_stop_parts_changed(struct manager *m)
{
	uint64_t now;

	if (!m->stop_wait || parts_heaters_off_unconfirmed(m->parts))
		return;
	/*
	 * The last plug confirmed: go, from the loop (this is a plug's message,
	 * inside libmosquitto's callback, where the disconnect must not be made).
	 */
	if (sd_event_now(m->event, CLOCK_MONOTONIC, &now) < 0 ||
	    sd_event_source_set_time(m->stop_wait, now) < 0)
		go(m);
}
