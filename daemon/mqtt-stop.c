/*
 * A clean stop: the retained "offline" on <base>/availability published, its
 * PUBACK awaited (at most STOP_TIMEOUT_USEC), then DISCONNECT. A clean
 * DISCONNECT makes the broker drop our will, so "offline" is ours to send.
 */
#include <errno.h>
#include <mosquitto.h>
#include <stdint.h>
#include <time.h>

#include "daemon/event-source.h"
#include "daemon/log.h"
#include "daemon/mqtt-internal.h"
#include "daemon/mqtt-resolve.h"

#define STOP_TIMEOUT_USEC (2ULL * 1000000ULL)

static void finish_stop(struct mqtt *m)
{
	if (m->state == MQTT_STATE_STOPPED)
		return;
	m->state = MQTT_STATE_STOPPING;
	/* A lookup under way is given up, its child killed. */
	mqtt_resolver_cancel(m->resolver);
	if (m->io) {
		(void) mosquitto_disconnect(m->mosq);
		/* Flush DISCONNECT now: nobody polls the socket after this. */
		(void) mosquitto_loop_write(m->mosq, 1);
	}
	mqtt_drop_io(m);
	m->state = MQTT_STATE_STOPPED;
	m->stop_timer = sd_event_source_disable_unref(m->stop_timer);
	if (m->cb->stopped)
		m->cb->stopped(m->userdata);
}

static int on_stop_ready(sd_event_source *s, void *userdata)
{
	finish_stop(userdata);
	return 0;
}

void mqtt_on_publish(struct mosquitto *mosq, void *userdata, int mid)
{
	struct mqtt *m = userdata;

	if (m->state == MQTT_STATE_STOPPING && mid == m->offline_mid) {
		/* libmosquitto holds its locks in a callback: finish outside of it. */
		m->stop_timer = sd_event_source_disable_unref(m->stop_timer);
		if (sd_event_add_defer(m->event, &m->stop_timer, on_stop_ready, m) < 0)
			finish_stop(m);
		else
			(void) event_source_describe(m->stop_timer, "mqtt-stop");
		return;
	}
	mqtt_slots_published(m, mid);
}

static int on_stop_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct mqtt *m = userdata;

	log_warning("MQTT broker did not acknowledge 'offline' in time, stopping anyway");
	finish_stop(m);
	return 0;
}

int mqtt_stop(struct mqtt *m)
{
	int r;

	if (m->state == MQTT_STATE_STOPPING || m->state == MQTT_STATE_STOPPED)
		return -EALREADY;
	(void) sd_event_source_set_enabled(m->reconnect_timer, SD_EVENT_OFF);
	if (m->state != MQTT_STATE_CONNECTED) {
		finish_stop(m);
		return 0;
	}
	r = mqtt_publish(m, m->availability_topic, "offline", 7, 1, true, &m->offline_mid);
	m->state = MQTT_STATE_STOPPING;
	if (r < 0) {
		finish_stop(m);
		return 0;
	}
	r = sd_event_add_time_relative(m->event, &m->stop_timer, CLOCK_MONOTONIC, STOP_TIMEOUT_USEC,
				       0, on_stop_timeout, m);
	if (r >= 0)
		r = event_source_describe(m->stop_timer, "mqtt-stop-timeout");
	if (r < 0) {
		finish_stop(m);
		return r;
	}
	return 0;
}
