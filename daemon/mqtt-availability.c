/*
 * Our <base>/availability: the retained "online" each connection publishes,
 * and published again when another MQTT client leaves anything else there
 * while we are connected (a stale or second bedroomd with our node_id), or
 * Home Assistant would show every entity unavailable while we run. The will
 * ("offline") is set with the client (mqtt.c), the clean "offline" by the stop.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "daemon/mqtt-internal.h"

/* Publishes the retained "online" again: what another client wrote is overwritten. */
static void republish_online(struct mqtt *m)
{
	int r;

	m->availability_fixed_usec = clock_monotonic_usec();
	r = mqtt_publish(m, m->availability_topic, "online", 6, 1, true, NULL);
	if (r < 0)
		log_warning_errno(r, "cannot publish 'online' on '%s' again, ignoring",
				  m->availability_topic);
	else
		log_debug("published 'online' on '%s' again", m->availability_topic);
}

static int on_availability_warn_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct mqtt *m = userdata;

	/* Still connected: not the broker going down (mqtt_lost() drops this). */
	if (m->state != MQTT_STATE_CONNECTED || m->availability_warned)
		return 0;
	log_warning("another MQTT client wrote '%s' on '%s' while bedroomd is online "
		    "(probably a second or stale bedroomd with the same node_id, or "
		    "base_topic): Home Assistant shows bedroomd unavailable until it is "
		    "'online' again; publishing 'online' again, at most every %.0f s, said "
		    "once",
		    m->availability_warn_excerpt, m->availability_topic,
		    (double) MQTT_AVAILABILITY_FIX_USEC / 1e6);
	m->availability_warned = true;
	return 0;
}

static int on_availability_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct mqtt *m = userdata;

	if (m->state == MQTT_STATE_CONNECTED)
		republish_online(m);
	return 0;
}

/*
 * Our <base>/availability, as the broker passes it on. A retained "offline"
 * someone else leaves there (a stale or second bedroomd with our node_id, its
 * clean stop or its will) would make Home Assistant show every entity
 * unavailable while we run, until our next reconnect: anything but "online"
 * that comes while we are connected is answered with our retained "online".
 * What comes before our own "online" of this connection comes back was there
 * before it (the broker handles one client's packets in order: the retained
 * message our SUBSCRIBE brings, our last run's will), and our "online"
 * replaces it anyway. Our own "offline" comes only when we stop or drop, not
 * connected. At most one a MQTT_AVAILABILITY_FIX_USEC: a second live bedroomd
 * with our id would otherwise make the two publish at each other's pace.
 */
static void on_availability(const struct mqtt_message *msg, void *userdata)
{
	struct mqtt *m = userdata;
	bool online = msg->len == 6 && memcmp(msg->payload, "online", 6) == 0;
	uint64_t now, next;
	char excerpt[40];
	int held = SD_EVENT_OFF;

	if (m->state != MQTT_STATE_CONNECTED)
		return;
	if (!m->availability_echoed) {
		m->availability_echoed = online && !msg->retained;
		return;
	}
	if (online)
		return;
	log_excerpt(msg->payload, msg->len, excerpt, sizeof(excerpt));
	log_debug("'%s' on '%s' while connected, from another MQTT client or the broker", excerpt,
		  m->availability_topic);
	/*
	 * Said once a run, and only if the connection holds a while: a broker
	 * shutting down sends our own will to us, and it is no second bedroomd.
	 */
	if (!m->availability_warned &&
	    (sd_event_source_get_enabled(m->availability_warn_timer, &held) < 0 ||
	     held == SD_EVENT_OFF)) {
		_Static_assert(sizeof(m->availability_warn_excerpt) == sizeof(excerpt),
			       "excerpt sizes");
		memcpy(m->availability_warn_excerpt, excerpt, sizeof(excerpt));
		if (event_source_arm_at(m->availability_warn_timer,
					clock_monotonic_usec() + MQTT_AVAILABILITY_WARN_HOLD_USEC) <
		    0)
			on_availability_warn_timer(m->availability_warn_timer, 0, m);
	}
	now = clock_monotonic_usec();
	next = m->availability_fixed_usec + MQTT_AVAILABILITY_FIX_USEC;
	/* Now, or when the last one is 10 s old; a timer that cannot be armed: now, not never. */
	if (m->availability_fixed_usec == 0 || now >= next ||
	    event_source_arm_at(m->availability_timer, next) < 0)
		republish_online(m);
}

int mqtt_availability_init(struct mqtt *m)
{
	int r;

	r = event_add_idle_timer(m->event, &m->availability_timer, on_availability_timer, m,
				 "mqtt-availability");
	if (r < 0)
		return r;
	r = event_add_idle_timer(m->event, &m->availability_warn_timer, on_availability_warn_timer,
				 m, "mqtt-availability-warning");
	if (r < 0)
		return r;
	/* Our own availability: what others write there is answered (on_availability()). */
	return mqtt_subscribe(m, m->availability_topic, 0, on_availability, m,
			      &m->availability_slot);
}

void mqtt_availability_done(struct mqtt *m)
{
	m->availability_slot = mqtt_slot_free(m->availability_slot);
	m->availability_timer = sd_event_source_disable_unref(m->availability_timer);
	m->availability_warn_timer = sd_event_source_disable_unref(m->availability_warn_timer);
}

void mqtt_availability_connected(struct mqtt *m)
{
	int r;

	/* This "online" replaces whatever another client left on the topic: nothing to fix yet. */
	m->availability_echoed = false;
	(void) sd_event_source_set_enabled(m->availability_timer, SD_EVENT_OFF);
	r = mqtt_publish(m, m->availability_topic, "online", 6, 1, true, NULL);
	if (r < 0)
		log_warning_errno(r, "cannot publish '%s'", m->availability_topic);
}

void mqtt_availability_lost(struct mqtt *m)
{
	/* An "offline" just before a loss was the broker's shutdown sending our will. */
	(void) sd_event_source_set_enabled(m->availability_warn_timer, SD_EVENT_OFF);
}
